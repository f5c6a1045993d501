//! The build stage by stage, on the synthetic project's pages and datasets
//! (benches/synthetic/): Markdown to HTML for one 800-word chapter, one
//! chapter through prose and the page template, loading and validating 50
//! survey datasets, and a whole 100-page build in memory. (One chart to
//! SVG is `cargo bench --bench charts`.)
//!
//!     cargo bench --bench stages

mod synthetic;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use barometer::config::{Config, Language};
use barometer::datasets::{DatasetSource, build_all};
use barometer::render::{Input, MemoryCache, render};
use barometer::{Cache, Options, Progress, load, markdown, pages, run_with};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("stages");

    let body = synthetic::sample_chapter(false);
    let urls: HashMap<PathBuf, String> = HashMap::new();
    let left_out = HashSet::new();
    let no_files = BTreeMap::new();
    let files = barometer::assets::Files { content: &no_files, statics: &no_files };
    let site = markdown::Site { urls: &urls, left_out: &left_out, lang: Language::En, cites: false, files };
    group.bench_function("markdown, one 800-word chapter", |b| {
        b.iter(|| markdown::render(Path::new("content/a.md"), "/a/", &body, &[], 4, &site, None))
    });

    let sources: Vec<DatasetSource> = (0..50)
        .map(|d| DatasetSource {
            id: format!("survey-{d}"),
            yaml: Some((PathBuf::from(format!("data/survey-{d}.yaml")), synthetic::sample_survey(d))),
            ..Default::default()
        })
        .collect();
    let tiers = barometer::config::default_tiers();
    group
        .bench_function("datasets, load and validate 50 surveys", |b| b.iter(|| build_all(&sources, &tiers)));

    // One chapter (prose with values, a table, no chart) through the theme.
    let dir = tempfile::tempdir().expect("temp dir");
    synthetic::write_project(dir.path(), spec(1, false)).expect("project");
    let project = load::load(dir.path()).expect("loads");
    let config = Config::parse(&project.config).expect("config");
    let (datasets, _) = build_all(&project.datasets, &config.tiers);
    let page_text = &project.pages.iter().find(|(p, _)| p.ends_with("chapter-00000.md")).expect("page").1;
    let page =
        vec![pages::parse_page(Path::new("content/part-001/chapter-00000.md"), page_text).expect("page")];
    let cache = MemoryCache::default();
    // Measures drawing, as a first build does: no cache on disk.
    let store = barometer::cache::Store::off();
    let progress = Progress::default();
    let fonts = barometer::webfonts::FontCache::default();
    let alternates = barometer::render::Alternates::default();
    group.bench_function("page, one chapter through prose and the template", |b| {
        b.iter(|| {
            let figures = cache.generation(|| 0, &store);
            let input = Input {
                config: &config,
                pages: &page,
                left_out: &left_out,
                datasets: &datasets,
                templates: &project.templates,
                static_files: &BTreeMap::new(),
                content_files: &BTreeMap::new(),
                figures: &figures,
                progress: &progress,
                publish: false,
                bibliography: None,
                fonts: &fonts,
                prefix: "",
                alternates: &alternates,
                strings: None,
            };
            render(&input).expect("renders")
        })
    });

    let dir = tempfile::tempdir().expect("temp dir");
    synthetic::write_project(dir.path(), spec(100, true)).expect("project");
    let opts = Options {
        root: dir.path().into(),
        output: None,
        drafts: false,
        strict: false,
        force: false,
        progress: Progress::default(),
        publish: true,
        base_url: None,
    };
    group.sample_size(10);
    group.bench_function("whole build in memory, 100 pages and 200 charts, with the PDF", |b| {
        b.iter(|| run_with(&opts, &Cache::default()).1.expect("builds"))
    });
    // The same without the PDF: the difference is the PDF stage.
    let config = dir.path().join("report.yaml");
    let text = std::fs::read_to_string(&config).expect("report.yaml");
    std::fs::write(&config, format!("{text}\npdf: false\n")).expect("report.yaml");
    group.bench_function("whole build in memory, 100 pages and 200 charts, pdf: false", |b| {
        b.iter(|| run_with(&opts, &Cache::default()).1.expect("builds"))
    });
    group.finish();
}

fn spec(pages: usize, charts: bool) -> synthetic::Spec {
    synthetic::Spec { pages, datasets: 5, rows: 0, seed: 2026, charts, png: false, pdf: true, flat: false }
}

criterion_group!(benches, bench);
criterion_main!(benches);
