//! Rebuilds, in one process (as `serve` does) or one after the other
//! through the build cache on disk, draw again only the figures whose
//! block, place or data changed.

mod common;

use std::path::{Path, PathBuf};

use barometer::render::{FigureCount, PageCount};
use barometer::{Cache, Options, run_with};
use common::Fixture;

/// A dataset of one share, `SHARE` standing for its value.
const DATA: &str = "source: P\nfields:\n  share: { type: percent }\nrows:\n  - { label: A, share: SHARE }\n";

const CHART: &str = "```chart\ntype: bar\ndata: s\nx: label\ny: share\ntitle: Shares\n```\n";

/// Options to build `f` (checking only without an `output`), as `serve`
/// does unless `publish`.
fn options(f: &Fixture, output: Option<PathBuf>, publish: bool) -> Options {
    Options {
        root: f.root().to_path_buf(),
        output,
        drafts: false,
        strict: false,
        force: false,
        progress: Default::default(),
        publish,
        base_url: None,
    }
}

/// What `serve` holds after building `f` with `cache`: the pages it
/// counts, and every file with its bytes.
fn served(f: &Fixture, cache: &Cache) -> (PageCount, Vec<(PathBuf, Vec<u8>)>) {
    let (outcome, files) = run_with(&options(f, None, false), cache);
    let files = files.unwrap_or_else(|| panic!("{:?}", outcome.diagnostics));
    let files = files.iter().map(|(p, c)| (p.clone(), c.read().unwrap().into_owned())).collect();
    (outcome.summary.expect("built").bodies, files)
}

/// What a one-off build of `f` makes without the build cache.
fn cold(f: &Fixture) -> Vec<(PathBuf, Vec<u8>)> {
    std::fs::remove_dir_all(f.root().join(".barometer")).unwrap();
    served(f, &Cache::default()).1
}

fn rebuild(f: &Fixture, cache: &Cache) -> FigureCount {
    let (outcome, files) = run_with(&options(f, None, true), cache);
    assert!(files.is_some(), "{:?}", outcome.diagnostics);
    outcome.summary.expect("built").figures
}

#[test]
fn only_what_changed_is_drawn_again() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: en\n"),
        ("data/s.yaml", &DATA.replace("SHARE", "40")),
        ("content/_index.md", &format!("---\ntitle: Home\n---\nHello.\n\n{CHART}")),
        ("content/b.md", &format!("---\ntitle: B\n---\nB.\n\n{CHART}\n{CHART}")),
    ]);
    let once = Cache::default();
    assert_eq!(rebuild(&f, &once), FigureCount { drawn: 3, reused: 0 });
    assert_eq!(
        rebuild(&f, &once),
        FigureCount { drawn: 0, reused: 3 },
        "a one-off build reads the disk cache"
    );
    std::fs::remove_dir_all(f.root().join(".barometer")).unwrap();
    assert_eq!(rebuild(&f, &once), FigureCount { drawn: 3, reused: 0 }, "the disk cache deleted");
    std::fs::remove_dir_all(f.root().join(".barometer")).unwrap();

    // What follows is the memory of one process, as `serve` keeps it.
    let cache = Cache::reusing();
    assert_eq!(rebuild(&f, &cache), FigureCount { drawn: 3, reused: 0 });
    std::fs::remove_dir_all(f.root().join(".barometer")).unwrap();
    assert_eq!(rebuild(&f, &cache), FigureCount { drawn: 0, reused: 3 }, "nothing changed");

    f.write("content/_index.md", &format!("---\ntitle: Home\n---\nHello again.\n\n{CHART}"));
    assert_eq!(rebuild(&f, &cache), FigureCount { drawn: 0, reused: 3 }, "prose only");

    f.write(
        "content/_index.md",
        &format!("---\ntitle: Home\n---\nHello.\n\n{}", CHART.replace("Shares", "New")),
    );
    assert_eq!(rebuild(&f, &cache), FigureCount { drawn: 1, reused: 2 }, "one chart's settings");

    f.write("data/s.yaml", &DATA.replace("SHARE", "41"));
    assert_eq!(rebuild(&f, &cache), FigureCount { drawn: 3, reused: 0 }, "the data");
    let home = run_with(&options(&f, None, true), &cache).1.unwrap();
    let html =
        String::from_utf8(home[std::path::Path::new("index.html")].read().unwrap().into_owned()).unwrap();
    assert!(html.contains("41"), "the new value is drawn");
}

#[test]
fn figures_reused_from_memory_stay_in_the_disk_cache_for_the_next_process() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: en\n"),
        ("data/s.yaml", &DATA.replace("SHARE", "40")),
        ("content/_index.md", &format!("---\ntitle: Home\n---\nHello.\n\n{CHART}\n{CHART}")),
    ]);
    let opts = options(&f, Some(f.root().join("public")), false);
    let cache = Cache::reusing();
    let entries = || common::cache_entries(&f.root().join(".barometer/cache"), "figures").len();
    for expected in [FigureCount { drawn: 2, reused: 0 }, FigureCount { drawn: 0, reused: 2 }] {
        let (outcome, _) = run_with(&opts, &cache);
        assert_eq!(outcome.summary.expect("built").figures, expected);
        assert_eq!(entries(), 2, "after {expected:?}");
    }
}

#[test]
fn serve_renders_again_only_the_pages_that_changed_and_serves_what_a_cold_build_makes() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: en\n"),
        ("data/s.yaml", &DATA.replace("SHARE", "40")),
        ("content/_index.md", &format!("---\ntitle: Home\n---\nHello, see [B](b.md).\n\n{CHART}")),
        ("content/b.md", &format!("---\ntitle: B\n---\nB.\n\n{}", CHART.replace("title:", "id: x\ntitle:"))),
        ("content/c.md", "---\ntitle: C\n---\nSee @fig-x.\n"),
    ]);
    let cache = Cache::reusing();
    let build = |cache: &Cache| served(&f, cache);
    let cold = || cold(&f);
    assert_eq!(build(&cache).0, PageCount { rendered: 3, reused: 0 });
    assert_eq!(build(&cache).0, PageCount { rendered: 0, reused: 3 }, "nothing changed");

    f.write("content/c.md", "---\ntitle: C\n---\nSee @fig-x, again.\n");
    let (counted, served) = build(&cache);
    assert_eq!(counted, PageCount { rendered: 1, reused: 2 }, "one page's prose");
    assert!(served == cold(), "what a cold build makes");

    f.write("content/_index.md", &format!("---\ntitle: Home\n---\nHello.\n\n{CHART}\n{CHART}"));
    let (counted, served) = build(&cache);
    assert_eq!(counted, PageCount { rendered: 1, reused: 2 }, "a chart added before the one C cites");
    let c = served.iter().find(|(p, _)| p.ends_with("c/index.html")).unwrap();
    assert!(
        String::from_utf8_lossy(&c.1).contains("Figure\u{a0}3"),
        "renumbered in a page taken from memory"
    );
    assert!(served == cold());

    // Pages whose HTML is taken from the build before must still give the
    // web fonts their characters, and what every page shows must follow
    // a change to any one of them.
    f.write("content/c.md", "---\ntitle: C\n---\nSee @fig-x, déjà vu: Œuvre № 5 ≈ 40 €.\n");
    assert!(build(&cache).1 == cold(), "new characters in one page's prose");
    f.write(
        "content/b.md",
        &format!("---\ntitle: Bé\n---\nB.\n\n{}", CHART.replace("title:", "id: x\ntitle:")),
    );
    assert!(build(&cache).1 == cold(), "a title the other pages' navigation shows");
    f.write("report.yaml", "title: Tô\nlanguage: en\n");
    assert!(build(&cache).1 == cold(), "what every page shows");
    f.write("content/c.md", "---\ntitle: C\n---\nSee @fig-x.\n");
    assert!(build(&cache).1 == cold(), "characters no page shows any more");
    // A page parsed once stays what it says until its file changes.
    f.write("content/c.md", "---\ntitle: [C\n---\nSee @fig-x.\n");
    for _ in 0..2 {
        let (outcome, files) = run_with(&options(&f, None, false), &cache);
        assert!(files.is_none());
        assert!(outcome.diagnostics.iter().any(|d| d.is_error() && d.file.ends_with("c.md")));
    }
    f.write("content/c.md", "---\ntitle: C\n---\nSee @fig-x.\n");
    assert!(build(&cache).1 == cold(), "the page mended");

    f.write("data/s.yaml", &DATA.replace("SHARE", "41"));
    assert_eq!(build(&cache).0, PageCount { rendered: 3, reused: 0 }, "the data");
    assert!(build(&cache).1 == cold(), "the data read once and kept");
    f.write("data/s.yaml", &DATA.replace("SHARE", "[41"));
    for _ in 0..2 {
        let (outcome, files) = run_with(&options(&f, None, false), &cache);
        assert!(files.is_none());
        assert!(outcome.diagnostics.iter().any(|d| d.is_error() && d.file.ends_with("s.yaml")));
    }
    f.write("data/s.yaml", &DATA.replace("SHARE", "42"));
    let (_, served) = build(&cache);
    assert!(served == cold(), "the data mended");
    let home = served.iter().find(|(p, _)| p == std::path::Path::new("index.html")).unwrap();
    assert!(String::from_utf8_lossy(&home.1).contains("42"));
}

#[test]
fn serve_parses_pages_again_when_the_report_gains_a_language() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: fr\n"),
        ("content/_index.md", "---\ntitle: Accueil\n---\nBonjour.\n"),
        ("content/_index.en.md", "---\ntitle: Home\n---\nHello.\n"),
    ]);
    let cache = Cache::reusing();
    let pages = |cache: &Cache| {
        let (outcome, files) = run_with(&options(&f, None, false), cache);
        let files = files.unwrap_or_else(|| panic!("{:?}", outcome.diagnostics));
        files.keys().filter(|p| p.extension().is_some_and(|e| e == "html")).cloned().collect::<Vec<_>>()
    };
    let before = pages(&cache);
    assert!(!before.iter().any(|p| p.starts_with("en")), "{before:?}");
    f.write("report.yaml", "title: T\nlanguages: [fr, en]\n");
    let after = pages(&cache);
    assert!(after.contains(&PathBuf::from("en/index.html")), "{after:?}");
    assert_eq!(after, pages(&Cache::default()), "what a one-off build makes");
}

#[test]
fn serve_reads_and_derives_data_again_only_when_what_it_comes_from_changes() {
    let table = "---\ntitle: T\n---\nThe accounts.\n\n```table\ndata: comptes\n```\n";
    let settings = |label: &str| {
        format!(
            "title: Comptes\nsource: Panel\nfields:\n  secteur: {{ label: {label} }}\n  abonnes: {{ type: integer }}\n"
        )
    };
    let f = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: fr\n"),
        ("content/_index.md", table),
        ("content/_index.en.md", table),
        ("data/comptes.csv", "id,secteur,abonnes\na,Beauté,12500\nb,Mode,-4\n"),
        ("data/comptes.yaml", &settings("Secteur")),
        ("data/s.yaml", &DATA.replace("SHARE", "40")),
    ]);
    let cache = Cache::reusing();
    // What `serve` holds now, checked against a cold build.
    let checked = |what: &str| {
        let served = served(&f, &cache).1;
        assert!(served == cold(&f), "{what}");
        served
    };
    let page = |files: &[(PathBuf, Vec<u8>)], path: &str| {
        let (_, bytes) = files.iter().find(|(p, _)| p == Path::new(path)).expect(path);
        String::from_utf8_lossy(bytes).into_owned()
    };
    checked("the first build");
    f.write("content/_index.md", &format!("{table}\nEncore.\n"));
    checked("a prose edit: the data kept");

    f.write("data/comptes.csv", "id,secteur,abonnes\na,Beauté,12500\nb,Mode,-7\n");
    let served = checked("the rows file edited");
    assert!(page(&served, "index.html").contains("−7"), "the new figure shown");

    // A translation is an error until the report has its language.
    f.write("data/comptes.yaml", &settings("{ fr: Secteur, en: Sector }"));
    for _ in 0..2 {
        let (outcome, files) = run_with(&options(&f, None, false), &cache);
        assert!(files.is_none());
        assert!(outcome.diagnostics.iter().any(|d| d.is_error() && d.file.ends_with("comptes.yaml")));
    }
    f.write("report.yaml", "title: T\nlanguages: [fr, en]\n");
    let served = checked("the report gains a language");
    assert!(page(&served, "en/index.html").contains("Sector"), "the English edition's labels");
    assert!(page(&served, "en/index.html").contains("Beauté"), "no translation of the rows yet");

    f.write("data/comptes.csv", "id,secteur,secteur@en,abonnes\na,Beauté,Beauty,12500\nb,Mode,,-7\n");
    let served = checked("the rows translated");
    assert!(page(&served, "en/index.html").contains("Beauty"), "the English edition's rows");

    f.write("data/comptes.yaml", &settings("Secteur"));
    let served = checked("the settings edited, the rows the same");
    assert!(!page(&served, "en/index.html").contains("Sector"), "the label given up");

    // Datasets derived from others follow their source, their own file
    // and the tiers, two steps away.
    let tiered = "---\ntitle: T\n---\nBy tier.\n\n```table\ndata: big\n```\n";
    f.write("content/_index.md", tiered);
    f.write("content/_index.en.md", tiered);
    f.write("data/accounts.csv", "id,followers\na,1500\nb,15000\nc,25000\n");
    let by_tier =
        "title: By tier\nsource: Panel\nfrom: accounts\ngroup_by: [tier]\naggregate:\n  n: count()\n";
    f.write("data/by-tier.yaml", by_tier);
    f.write("data/big.yaml", "title: Big\nsource: Panel\nfrom: by-tier\nfilter: n >= 2\n");
    let served = checked("derived datasets added");
    assert!(page(&served, "index.html").contains(">micro<"), "two micro accounts");
    f.write("data/accounts.csv", "id,followers\na,1500\nb,1600\nc,25000\n");
    let served = checked("the source of the source edited");
    let home = page(&served, "index.html");
    assert!(home.contains(">nano<") && !home.contains(">micro<"), "two nano accounts, micro's one left out");
    f.write("report.yaml", "title: T\nlanguages: [fr, en]\ntiers: { nano: 1000, micro: 1550 }\n");
    let served = checked("the tiers");
    assert!(page(&served, "en/index.html").contains(">micro<"), "b is now micro");
    f.write("data/big.yaml", "title: Big\nsource: Panel\nfrom: by-tier\nfilter: n >= 1\n");
    let served = checked("the derived dataset's own file");
    assert!(page(&served, "index.html").contains(">nano<"), "the lone nano account shown again");
}
