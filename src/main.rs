//! The `barometer` command line: parses arguments, runs the library, prints.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use barometer::{Diagnostic, Options, Outcome, Progress, run};
use clap::{Args, Parser, Subcommand, ValueEnum};

mod allocator;

#[derive(Parser)]
#[command(
    name = "barometer",
    version,
    about = "Turns YAML datasets and Markdown commentary into a static report site with charts",
    after_help = "Start here:\n  barometer new my-report --language en    a starter project, then\n  barometer serve --root my-report --open  see it in the browser as you write\n\nExamples:\n  barometer build --root my-report\n  barometer check --strict"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/).
    #[command(after_help = "Example:\n  barometer build --root my-report --output site --strict")]
    Build {
        #[command(flatten)]
        common: Common,
        /// Where to write the site; relative paths are under the root.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Write into a non-empty output folder that barometer did not write
        /// (one without .barometer-manifest); files it did not write stay.
        #[arg(long)]
        force: bool,
    },
    /// Check everything a build checks, writing nothing.
    #[command(after_help = "Example:\n  barometer check --root my-report --strict --message-format json")]
    Check {
        #[command(flatten)]
        common: Common,
    },
    /// Build, serve the site on 127.0.0.1, rebuild and reload on change.
    #[cfg(feature = "serve")]
    #[command(after_help = "Example:\n  barometer serve --root my-report --port 1111 --open")]
    Serve {
        /// The project folder, holding report.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on; the next free one if it is taken.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Run each dataset's SQL query and save its rows as a snapshot, which
    /// builds read (offline). Commit the snapshots.
    #[command(
        after_help = "Examples:\n  WAREHOUSE_URL=postgres://me@db.internal/crm barometer sources\n  barometer sources engagement-by-tier --root my-report"
    )]
    Sources {
        /// The project folder, holding report.yaml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The datasets to fetch (all that have a query when none is named).
        datasets: Vec<String>,
    },
    /// Write a starter project that builds as it is.
    #[command(after_help = "Example:\n  barometer new my-report --language fr")]
    New {
        /// The folder to create; it must not exist or be empty.
        dir: PathBuf,
        /// The language of the report and of its starter text.
        /// (French unless told.)
        #[arg(long, value_enum)]
        language: Option<Lang>,
        /// A report in several languages, the first at the site's root and
        /// the others under /en/ or /fr/: `fr,en` or `en,fr`.
        #[arg(long, value_enum, value_delimiter = ',')]
        languages: Vec<Lang>,
    },
}

/// What build and check share.
#[derive(Args)]
struct Common {
    /// The project folder, holding report.yaml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
    /// Treat warnings as errors (a missing source, an unused dataset, …).
    #[arg(long)]
    strict: bool,
    /// The address the site is published at, instead of report.yaml's
    /// `base_url` (a preview deployment, GitHub Pages' own address).
    #[arg(long, value_name = "URL", value_parser = barometer::config::parse_base_url)]
    base_url: Option<String>,
    /// How to print errors and warnings.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    /// The source line with a caret under the problem, in colour on a terminal.
    Human,
    /// One JSON object per line, for editors and CI.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Lang {
    Fr,
    En,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (common, output, force) = match cli.command {
        Command::Build { common, output, force } => {
            let output = output.unwrap_or_else(|| PathBuf::from("public"));
            let output = if output.is_absolute() { output } else { common.root.join(output) };
            (common, Some(output), force)
        }
        Command::Check { common } => (common, None, false),
        Command::New { dir, language, languages } => return new(&dir, language, &languages),
        Command::Sources { root, datasets } => return sources(root, datasets),
        #[cfg(feature = "serve")]
        Command::Serve { root, port, open, drafts } => return serve(root, port, open, drafts),
    };
    let progress = match common.message_format {
        MessageFormat::Human if std::io::stderr().is_terminal() => progress_bar(),
        _ => Progress::default(),
    };
    let opts = Options {
        root: common.root.clone(),
        output,
        drafts: common.drafts,
        strict: common.strict,
        force,
        progress,
        publish: true,
        base_url: common.base_url.clone(),
    };
    let outcome = run(&opts);
    print_diagnostics(&outcome, common.message_format);
    let building = opts.output.is_some();
    let summary = summary_line(&outcome, &opts);
    match common.message_format {
        MessageFormat::Human if outcome.summary.is_some() => println!("{summary}"),
        MessageFormat::Human => eprintln!("{summary}"),
        MessageFormat::Json => println!("{}", summary_json(&outcome, &summary, building)),
    }
    if outcome.summary.is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

#[cfg(feature = "serve")]
fn serve(root: PathBuf, port: u16, open: bool, drafts: bool) -> ExitCode {
    let opts = barometer::serve::ServeOptions { root, port, drafts };
    let printed = barometer::serve::Printed::default();
    let report = move |outcome: &Outcome| {
        let (new, repeated) = printed.new_in(outcome);
        print_these(outcome, new, MessageFormat::Human);
        let repeated = match repeated {
            0 => String::new(),
            n => format!("; {} as before, not printed again", count(n, "warning")),
        };
        match &outcome.summary {
            Some(s) => eprintln!("{}{repeated}", done_line(s, "built", None)),
            None => eprintln!(
                "{}{repeated}; the last good site is still served",
                failed_line(outcome, "build failed")
            ),
        }
    };
    let listening = |url: &str, taken: Option<u16>| {
        if let Some(p) = taken {
            println!("port {p} is taken");
        }
        println!("serving on {url} (Ctrl-C stops)");
        if open {
            open_browser(url);
        }
    };
    match barometer::serve::serve(&opts, report, listening) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Opens `url` with the system's handler; failing to is not an error.
#[cfg(feature = "serve")]
fn open_browser(url: &str) {
    let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let _ = std::process::Command::new(program).args(args).arg(url).spawn();
}

fn new(dir: &std::path::Path, language: Option<Lang>, languages: &[Lang]) -> ExitCode {
    let of = |l: &Lang| match l {
        Lang::Fr => barometer::config::Language::Fr,
        Lang::En => barometer::config::Language::En,
    };
    let first = language.map(|l| of(&l));
    let languages: Vec<_> = match languages {
        [] => vec![first.unwrap_or(barometer::config::Language::Fr)],
        list => list.iter().map(of).collect(),
    };
    if first.is_some_and(|f| f != languages[0]) {
        eprintln!(
            "error: `--language` names the report's first language, and `--languages` starts with another"
        );
        return ExitCode::from(2);
    }
    match barometer::starter::write(dir, &languages) {
        Ok(()) => {
            let root = shell_word(&dir.display().to_string());
            println!("created {}. Next:", dir.display());
            let serve = format!("barometer serve --root {root} --open");
            let build = format!("barometer build --root {root}");
            let w = serve.len();
            println!("  {serve:<w$}  see it in your browser as you write");
            println!("  {build:<w$}  write the site into {}", dir.join("public").display());
            println!(
                "{} publishes it on GitHub Pages once pushed (see the comments at its top)",
                barometer::starter::WORKFLOW
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn sources(root: PathBuf, only: Vec<String>) -> ExitCode {
    let outcome = barometer::sources::run(&barometer::sources::SourcesOptions { root, only });
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    for d in &outcome.diagnostics {
        eprintln!("{}", d.render_with(outcome.sources.get(&d.file).map(String::as_str), color));
    }
    for f in &outcome.fetched {
        println!(
            "fetched `{}` from `{}`: {} into {}",
            f.id,
            f.connection,
            count(f.rows as usize, "row"),
            f.file.display()
        );
    }
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        eprintln!(
            "{} fetched, {}; the other snapshots are unchanged",
            count(outcome.fetched.len(), "snapshot"),
            count(errors, "error")
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// A bar of pages rendered, shown only when a build has taken half a
/// second already, and cleared when it ends: the summary line follows.
fn progress_bar() -> Progress {
    let started = std::time::Instant::now();
    let bar: std::sync::Mutex<Option<indicatif::ProgressBar>> = std::sync::Mutex::default();
    Progress::new(move |done, total| {
        if started.elapsed() < std::time::Duration::from_millis(500) {
            return;
        }
        let Ok(mut bar) = bar.lock() else { return };
        let bar = bar.get_or_insert_with(|| {
            let style = indicatif::ProgressStyle::with_template("{bar:32} {pos}/{len} pages")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
            indicatif::ProgressBar::new(total as u64).with_style(style)
        });
        bar.set_position(done as u64);
        if done == total {
            bar.finish_and_clear();
        }
    })
}

/// `built 8 pages, …`, or why nothing was built.
fn summary_line(outcome: &Outcome, opts: &Options) -> String {
    let building = opts.output.is_some();
    match &outcome.summary {
        Some(s) => done_line(s, if building { "built" } else { "checked" }, opts.output.as_deref()),
        None if building => match outcome.output_state {
            barometer::site::OutputState::Untouched => {
                failed_line(outcome, "build failed; the previous output is untouched")
            }
            barometer::site::OutputState::PartlyUpdated { replaced, changed } => failed_line(
                outcome,
                &format!(
                    "build failed while writing; the output is partly updated ({replaced} of {changed} changed files replaced)"
                ),
            ),
        },
        None => failed_line(outcome, "check failed"),
    }
}

/// `built 8 pages, 16 charts, 14 datasets and the PDF (19 pages) in 52 ms into public`, and what
/// came from the build cache: `(7 of 8 pages, 16 of 16 figures from the build cache)`.
fn done_line(s: &barometer::Summary, verb: &str, dest: Option<&std::path::Path>) -> String {
    let dest = dest.map(|o| format!(" into {}", o.display())).unwrap_or_default();
    let pdf = match s.pdf_pages.as_slice() {
        [] => String::new(),
        [n] => format!(" and the PDF ({})", count(*n, "page")),
        several => {
            let pages: Vec<String> = several.iter().map(|n| n.to_string()).collect();
            format!(" and {} PDFs ({} pages)", several.len(), pages.join(" and "))
        }
    };
    let (bodies, figures) = (s.bodies, s.figures);
    let reused = [
        (bodies.reused, bodies.reused + bodies.rendered, "page"),
        (figures.reused, figures.reused + figures.drawn, "figure"),
    ];
    let reused: Vec<String> = reused
        .iter()
        .filter(|r| r.0 > 0)
        .map(|&(n, of, what)| format!("{n} of {}", count(of, what)))
        .collect();
    let cached = if reused.is_empty() {
        String::new()
    } else {
        format!(" ({} from the build cache)", reused.join(", "))
    };
    format!(
        "{verb} {}, {}, {}{pdf} in {} ms{dest}{cached}",
        count(s.pages, "page"),
        count(s.charts, "chart"),
        count(s.datasets, "dataset"),
        s.millis
    )
}

/// `check failed: 2 errors`.
fn failed_line(outcome: &Outcome, what: &str) -> String {
    let n = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    format!("{what}: {}", count(n, "error"))
}

fn summary_json(outcome: &Outcome, line: &str, building: bool) -> String {
    let errors = outcome.diagnostics.iter().filter(|d| d.is_error()).count();
    let s = outcome.summary.as_ref();
    serde_json::json!({
        "type": "summary",
        "success": s.is_some(),
        "command": if building { "build" } else { "check" },
        "errors": errors,
        "warnings": outcome.diagnostics.iter().filter(|d| d.severity == barometer::Severity::Warning).count(),
        "notes": outcome.diagnostics.iter().filter(|d| d.severity == barometer::Severity::Note).count(),
        "pages": s.map(|s| s.pages),
        "charts": s.map(|s| s.charts),
        "datasets": s.map(|s| s.datasets),
        "millis": s.map(|s| s.millis),
        "text": line,
    })
    .to_string()
}

/// `1 page`, `3 pages`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

fn print_diagnostics(outcome: &Outcome, format: MessageFormat) {
    print_these(outcome, &outcome.diagnostics, format);
}

/// Prints `diagnostics`, of `outcome`, as `format` asks.
fn print_these<'a>(
    outcome: &Outcome,
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    format: MessageFormat,
) {
    // Colour only for a person at a terminal who has not asked for none
    // (https://no-color.org).
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    // Written through buffers: a thousand warnings are not a thousand
    // writes (standard error is not buffered). A closed stream is no
    // reason to stop the build, which is done.
    let (mut out, mut err) = (
        std::io::BufWriter::new(std::io::stdout().lock()),
        std::io::BufWriter::new(std::io::stderr().lock()),
    );
    for d in diagnostics {
        let source = outcome.sources.get(&d.file).map(String::as_str);
        let _ = match format {
            MessageFormat::Human => writeln!(err, "{}", d.render_with(source, color)),
            MessageFormat::Json => writeln!(out, "{}", d.to_json(source)),
        };
        if github {
            let _ = writeln!(out, "{}", d.github_annotation());
        }
    }
}

#[global_allocator]
static ALLOC: allocator::Split = allocator::Split;

/// `text` as one word for a POSIX shell: quoted when it holds anything
/// but letters, digits and `-_./`, so a printed command runs as shown.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
