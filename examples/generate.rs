//! Writes a synthetic barometer project for benchmarks (see
//! `benches/synthetic/mod.rs`). Seeded, so every run writes the same bytes.
//!
//!     cargo run --release --example generate -- target/bench/raw --rows 1000000
//!     cargo run --release --example generate -- target/bench/pages --pages 1000 --datasets 50
//!     cargo run --release -- build --root target/bench/raw

#[path = "../benches/synthetic/mod.rs"]
mod synthetic;

use std::path::PathBuf;

use clap::Parser;

#[derive(Parser)]
#[command(about = "Writes a synthetic barometer project for benchmarks")]
struct Args {
    /// The project folder to create (its files are overwritten).
    dir: PathBuf,
    /// Chapters of about 800 words, each with a table and two charts.
    #[arg(long, default_value_t = 0)]
    pages: usize,
    /// Survey datasets the chapters draw from.
    #[arg(long, default_value_t = 10)]
    datasets: usize,
    /// Rows of a raw accounts CSV aggregated by tier and platform (0: none).
    #[arg(long, default_value_t = 0)]
    rows: usize,
    /// Chapters without charts (prose, values and a table only).
    #[arg(long)]
    no_charts: bool,
    /// Offer a PNG of each chart too (slower: PNGs are rasterised).
    #[arg(long)]
    png: bool,
    /// Typeset the whole study as a PDF too (slower: Typst lays out every page).
    #[arg(long)]
    pdf: bool,
    /// Seed of the generator.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

fn main() -> std::io::Result<()> {
    let a = Args::parse();
    let spec = synthetic::Spec {
        pages: a.pages,
        datasets: a.datasets,
        rows: a.rows,
        seed: a.seed,
        charts: !a.no_charts,
        png: a.png,
        pdf: a.pdf,
    };
    synthetic::write_project(&a.dir, spec)
}
