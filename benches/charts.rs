//! Charts rendered per second: one 10-bar chart, both drawings (page and
//! phone) as SVG, without and with its PNG. Target (issue 3): at least
//! 2,000 per second per core for the SVG chart.
//!
//!     cargo bench --bench charts

use std::collections::BTreeMap;
use std::path::Path;

use barometer::blocks::{self, Block};
use barometer::charts::{self, ChartContext, Frame};
use barometer::config::{Config, Language};
use barometer::datasets::{self, DatasetSource};
use barometer::format::NumberFormat;
use barometer::markdown::RawBlock;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn ten_bars() -> (blocks::Chart, BTreeMap<String, datasets::Dataset>) {
    let rows: String = (0..10)
        .map(|i| {
            format!(
                "  - {{ id: r{i}, label: \"Catégorie numéro {i} du baromètre\", share: {} }}\n",
                7 * i + 5
            )
        })
        .collect();
    let yaml = format!(
        "title: Bench\nsource: Bench\nsample_size: 1252\nfields:\n  share: {{ type: percent }}\nrows:\n{rows}"
    );
    let (ds, diags) = datasets::build_all(&[DatasetSource::from_yaml("bench", "data/bench.yaml", yaml)], &[]);
    assert!(diags.is_empty());
    let raw = RawBlock {
        name: "chart".into(),
        yaml: "type: bar\ndata: bench\nx: label\ny: share\ntitle: Dix barres\n".into(),
        first_line: 2,
        fence_line: 1,
    };
    match blocks::resolve(&raw, Path::new("bench.md"), &ds) {
        Ok(Block::Chart(c)) => (*c, ds),
        _ => panic!("the bench chart resolves"),
    }
}

fn bench(c: &mut Criterion) {
    let (chart, ds) = ten_bars();
    let config = Config::parse("title: Bench\nlanguage: fr\n").expect("config");
    let fmt = NumberFormat::new(Language::Fr);
    let mut group = c.benchmark_group("charts");
    group.throughput(Throughput::Elements(1));
    // What every chart's downloads carry: its title and source.
    let frame = Frame {
        title: "Dix barres".into(),
        subtitle: None,
        footer: vec!["Source : banc d'essai · n = 1 000 répondants".into()],
    };
    for png in [false, true] {
        let tiers = &config.tiers;
        let palette = barometer::charts::PALETTE;
        let cx = ChartContext {
            fmt: &fmt,
            id: "figure-1",
            title: "Dix barres",
            tiers,
            png,
            frame: &frame,
            palette: &palette,
        };
        let name = if png { "10-bar chart, SVG + PNG" } else { "10-bar chart, SVG" };
        group
            .bench_function(name, |b| b.iter(|| charts::render(&chart, &ds["bench"], &cx).expect("renders")));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
