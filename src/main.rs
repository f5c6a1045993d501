//! The `barometer` command line: parses arguments, runs the library, prints.

use std::path::PathBuf;
use std::process::ExitCode;

use barometer::{Options, Outcome, run};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "barometer",
    version,
    about = "Turns YAML datasets and Markdown commentary into a static report site with charts"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    ///
    /// Example: barometer build --root my-report --output site
    Build {
        /// The project folder, holding report.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site; relative paths are under the root.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Check everything a build checks, writing nothing.
    ///
    /// Example: barometer check --root my-report
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (opts, building) = match cli.command {
        Command::Build { root, output, drafts } => {
            let output = output.unwrap_or_else(|| PathBuf::from("public"));
            let output = if output.is_absolute() { output } else { root.join(output) };
            (Options { root, output: Some(output), drafts }, true)
        }
        Command::Check { root, drafts } => (Options { root, output: None, drafts }, false),
    };
    let outcome = run(&opts);
    print_diagnostics(&outcome);
    match (&outcome.summary, outcome.has_errors()) {
        (Some(s), false) => {
            let verb = if building { "built" } else { "checked" };
            let dest = opts.output.as_ref().map(|o| format!(" into {}", o.display())).unwrap_or_default();
            println!(
                "{verb} {}, {}, {} in {} ms{dest}",
                count(s.pages, "page"),
                count(s.charts, "chart"),
                count(s.datasets, "dataset"),
                s.millis
            );
            ExitCode::SUCCESS
        }
        _ => {
            let n = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
            let what =
                if building { "build failed; the previous output is untouched" } else { "check failed" };
            eprintln!("{what}: {}", count(n, "error"));
            ExitCode::from(1)
        }
    }
}

/// `1 page`, `3 pages`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn print_diagnostics(outcome: &Outcome) {
    for d in &outcome.diagnostics {
        let source = outcome.sources.get(&d.file).map(String::as_str);
        eprintln!("{}", d.render(source));
    }
}
