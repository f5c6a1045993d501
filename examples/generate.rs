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
    /// Every chapter at the top of content/, as `barometer new` starts,
    /// rather than in parts of fifty.
    #[arg(long)]
    flat: bool,
    /// Write the raw accounts as Parquet (Snappy) instead of CSV.
    #[arg(long)]
    parquet: bool,
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
        flat: a.flat,
    };
    synthetic::write_project(&a.dir, spec)?;
    if a.parquet && a.rows > 0 {
        let csv = a.dir.join("data/accounts.csv");
        to_parquet(&csv, &a.dir.join("data/accounts.parquet"))?;
        std::fs::remove_file(csv)?;
    }
    Ok(())
}

/// Rewrites the accounts CSV as Parquet, as a platform export would be:
/// typed columns, Snappy-compressed, in row groups of a million rows.
#[cfg(feature = "parquet")]
fn to_parquet(csv: &std::path::Path, out: &std::path::Path) -> std::io::Result<()> {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;

    fn io(e: impl std::error::Error + Send + Sync + 'static) -> std::io::Error {
        std::io::Error::other(e)
    }
    let mut reader = csv::Reader::from_path(csv).map_err(io)?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut writer: Option<ArrowWriter<std::fs::File>> = None;
    let mut rows = reader.records().peekable();
    while rows.peek().is_some() {
        let batch: Vec<csv::StringRecord> =
            rows.by_ref().take(65_536).collect::<Result<_, _>>().map_err(io)?;
        let text = |i: usize| {
            Arc::new(StringArray::from_iter_values(batch.iter().map(|r| r[i].to_string()))) as ArrayRef
        };
        let int =
            |i: usize| Arc::new(Int64Array::from_iter(batch.iter().map(|r| r[i].parse().ok()))) as ArrayRef;
        let cost = Arc::new(Float64Array::from_iter(batch.iter().map(|r| r[5].parse().ok()))) as ArrayRef;
        let sponsored =
            Arc::new(BooleanArray::from_iter(batch.iter().map(|r| r[6].parse().ok()))) as ArrayRef;
        let columns = [
            ("handle", text(0)),
            ("platform", text(1)),
            ("followers", int(2)),
            ("likes", int(3)),
            ("comments", int(4)),
            ("cost", cost),
            ("sponsored", sponsored),
        ];
        let batch = RecordBatch::try_from_iter(columns).map_err(io)?;
        if writer.is_none() {
            let file = std::fs::File::create(out)?;
            writer = Some(ArrowWriter::try_new(file, batch.schema(), Some(props.clone())).map_err(io)?);
        }
        writer.as_mut().map(|w| w.write(&batch)).transpose().map_err(io)?;
    }
    writer.map(|w| w.close()).transpose().map_err(io)?;
    Ok(())
}

#[cfg(not(feature = "parquet"))]
fn to_parquet(_: &std::path::Path, _: &std::path::Path) -> std::io::Result<()> {
    Err(std::io::Error::other("built without the `parquet` feature"))
}
