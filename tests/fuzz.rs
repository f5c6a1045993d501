//! Fuzzing a real project: random mutations of its files (bytes flipped,
//! lines cut or doubled, files cut short, YAML, CSV, Markdown and block
//! delimiters inserted) must never panic, hang or touch the previous
//! output, and every refusal must name a file of the project.
//!
//! The run is deterministic (a fixed seed) so CI is repeatable; set
//! `BAROMETER_FUZZ_SEED` and `PROPTEST_CASES` to explore further. A failing
//! case is kept in `tests/fuzz.proptest-regressions` and replayed first by
//! every later run.

mod common;

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use barometer::{Options, Outcome};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed};

/// The project every case starts from: French, semicolon CSV with a
/// missing cell and a negative, a derived benchmark, five kinds of block,
/// prose with values, a loop, a footnote and links between pages.
const PROJECT: &[(&str, &str)] = &[
    (
        "report.yaml",
        "title: \"Baromètre : essai\"\nlanguage: fr\nauthor: Test\ncharts: { png: false }\ntiers:\n  nano: 1000\n  micro: 10000\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: Accueil\ndescription: Les chiffres clés\n---\n## Chiffres clés\n\n```keyfigures\ndata: relations\nvalue: share\nitems: [no_feedback, billboard]\n```\n\nVoir la [méthode](methode.md#echantillon)[^1].\n\n[^1]: Une note.\n",
    ),
    (
        "content/methode.md",
        "---\ntitle: Méthode\nweight: 2\ntoc: true\n---\n## Échantillon {#echantillon}\n\n{{ data.relations.sample_size | number }} répondants, soit {{ data.relations.no_feedback.share | percent }} sans retour.\n\n{% for r in data.relations.rows %}- {{ r.statement }} : {{ r.share | percent(decimals=1) }}\n{% endfor %}\n\n```chart\ntype: bar\ndata: relations\nx: statement\ny: share\nsort: desc\nci: true\ntitle: Constats\n```\n\n```chart\ntype: line\ndata: suivi\nx: year\ny: value\nseries: platform\n```\n\n```table\ndata: paliers\n```\n\n```chart\ntype: scatter\ndata: comptes\nx: followers\ny: er\nlog_x: true\n```\n",
    ),
    (
        "data/relations.yaml",
        "title: Relations\nsource: \"Cabinet & associés, 2018\"\nsource_url: https://example.org/etude\nsample_size: 1252\nfields:\n  statement: { label: Constat }\n  share: { label: Part, type: percent }\nrows:\n  - { id: no_feedback, statement: \"Aucun retour\", share: 72 }\n  - { id: billboard, statement: \"Un simple panneau publicitaire\", share: 65 }\n  - { id: poor, statement: \"Relations de mauvaise qualité\", share: 48 }\n",
    ),
    (
        "data/suivi.csv",
        "year;platform;value\n2018;Instagram;3,5\n2016;Instagram;2,1\n2017;TikTok;\n2018;TikTok;-1,5\n2016;TikTok;0,4\n2017;Instagram;2,8\n",
    ),
    ("data/suivi.yaml", "title: Suivi\nsource: Panel\nfields:\n  year: { type: date }\n"),
    (
        "data/comptes.csv",
        "handle,platform,followers,likes,er\n@a,Instagram,1500,30,2.0\n@b,TikTok,25000,900,3.6\n@c,Instagram,480000,5000,1.04\n@d,YouTube,2400,,\n@e,TikTok,12000,300,2.5\n",
    ),
    ("data/comptes.yaml", "title: Comptes\nsource: Export\n"),
    (
        "data/paliers.yaml",
        "title: Paliers\nfrom: comptes\nfilter: followers >= 1000 and likes > 0\nderive:\n  rate: likes / followers * 100\ngroup_by: [tier]\naggregate:\n  n: count()\n  median: median(rate)\nsort: tier\n",
    ),
];

/// What a mutation inserts: delimiters of YAML, CSV, Markdown, Tera and
/// blocks.
const TOKENS: &[&str] = &[
    ":",
    "- ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!binary ",
    "\n  ",
    "# ",
    "---\n",
    "|\n",
    ">-\n",
    ",",
    ";",
    "\"\"",
    "\n",
    "\r",
    "\t",
    "```",
    "```chart\n",
    "```table\n",
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "[^",
    "](",
    "<",
    "</p>",
    "![",
    "\n\n",
    "|",
    "type: donut\n",
    "x: share\n",
    "data: suivi\n",
    "facet: platform\n",
    "sort: up\n",
    "min: 100\n",
    "{{ data.relations.rows | length }}",
    "{% for a in range(end=1000) %}",
    "{% endfor %}",
    "slug: ../x\n",
    "weight: -9223372036854775808\n",
    "1e308",
    "-0",
    ".nan",
    "\u{0}",
    "\u{feff}",
    "é",
    "\u{202f}",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// XOR the byte at a relative position with a value.
    Flip { at: f64, with: u8 },
    /// Remove the line at a relative position.
    CutLine { at: f64 },
    /// Write the line at a relative position twice.
    DoubleLine { at: f64 },
    /// Keep only the start of the file.
    Truncate { at: f64 },
    /// Insert one of [`TOKENS`].
    Insert { at: f64, token: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = 0.0..1.0f64;
    prop_oneof![
        (at.clone(), 1..=255u8).prop_map(|(at, with)| Mutation::Flip { at, with }),
        at.clone().prop_map(|at| Mutation::CutLine { at }),
        at.clone().prop_map(|at| Mutation::DoubleLine { at }),
        at.clone().prop_map(|at| Mutation::Truncate { at }),
        (at, 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert { at, token }),
    ]
}

fn apply(text: &[u8], m: &Mutation) -> Vec<u8> {
    let place = |at: f64| ((text.len() as f64 * at) as usize).min(text.len());
    let lines = || text.split_inclusive(|b| *b == b'\n').collect::<Vec<_>>();
    let mut out = text.to_vec();
    match *m {
        Mutation::Flip { at, with } if !text.is_empty() => out[place(at).min(text.len() - 1)] ^= with,
        Mutation::Flip { .. } => {}
        Mutation::CutLine { at } | Mutation::DoubleLine { at } => {
            let mut lines = lines();
            let i = ((lines.len() as f64 * at) as usize).min(lines.len().saturating_sub(1));
            if !lines.is_empty() {
                if matches!(m, Mutation::CutLine { .. }) {
                    lines.remove(i);
                } else {
                    lines.insert(i, lines[i]);
                }
            }
            out = lines.concat();
        }
        Mutation::Truncate { at } => out.truncate(place(at)),
        Mutation::Insert { at, token } => {
            let i = place(at);
            out.splice(i..i, TOKENS[token].bytes());
        }
    }
    out
}

/// Builds with a time limit: `None` if the build did not end in time.
fn build(root: &Path) -> Option<std::thread::Result<Outcome>> {
    let opts = Options {
        root: root.to_path_buf(),
        output: Some(root.join("public")),
        drafts: false,
        strict: false,
        force: false,
        progress: Default::default(),
        publish: true,
        base_url: None,
    };
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| barometer::run(&opts))));
    });
    rx.recv_timeout(Duration::from_secs(20)).ok()
}

fn write_project(root: &Path) {
    for (path, text) in PROJECT {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn config() -> Config {
    let seed = std::env::var("BAROMETER_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2026);
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(160);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/fuzz.proptest-regressions",
        ))),
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_projects_never_crash_hang_or_lose_the_previous_site(
        file in 0..PROJECT.len(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write_project(root);
        let first = build(root).expect("the project builds in time").expect("no panic");
        prop_assert!(first.summary.is_some(), "the unmutated project builds: {:?}", first.diagnostics);
        let before = common::files(&root.join("public"));

        let (path, text) = PROJECT[file];
        let mutated = mutations.iter().fold(text.as_bytes().to_vec(), |t, m| apply(&t, m));
        std::fs::write(root.join(path), &mutated).unwrap();

        let outcome = build(root);
        prop_assert!(outcome.is_some(), "the build of a mutated {path} did not end in 20 s");
        let outcome = outcome.unwrap();
        prop_assert!(outcome.is_ok(), "the build of a mutated {path} panicked");
        let outcome = outcome.unwrap();
        if outcome.summary.is_none() {
            prop_assert_eq!(&common::files(&root.join("public")), &before, "a failed build changed the output");
            let errors: Vec<_> = outcome.diagnostics.iter().filter(|d| d.is_error()).collect();
            prop_assert!(!errors.is_empty(), "a refusal says why");
            for d in errors {
                let named = PROJECT.iter().any(|(p, _)| Path::new(p) == d.file)
                    || ["content", "data"].iter().any(|f| d.file == Path::new(f));
                prop_assert!(named, "`{}` is not a file of the project: {}", d.file.display(), d.message);
            }
        }
    }
}
