//! Helpers for integration tests: fixture projects on disk and the binary.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The entries of one kind (`figures`, `pages`, `html`…) in the build
/// cache at `cache`, in the subfolders they are filed in, in order.
pub fn cache_entries(cache: &Path, kind: &str) -> Vec<PathBuf> {
    let files = walkdir::WalkDir::new(cache.join(kind)).into_iter().filter_map(Result::ok);
    let mut found: Vec<PathBuf> = files.filter(|e| e.file_type().is_file()).map(|e| e.into_path()).collect();
    found.sort();
    found
}

/// A project in a temporary folder, written file by file.
pub struct Fixture {
    pub dir: tempfile::TempDir,
}

impl Fixture {
    pub fn new(files: &[(&str, &str)]) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let f = Fixture { dir };
        for (path, text) in files {
            f.write(path, text);
        }
        f
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, path: &str, text: &str) {
        let p = self.root().join(path);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_barometer"))
            .args(args)
            .arg("--root")
            .arg(self.root())
            .output()
            .expect("run barometer")
    }

    pub fn build(&self) -> Output {
        self.run(&["build"])
    }

    pub fn public(&self, path: &str) -> PathBuf {
        self.root().join("public").join(path)
    }

    pub fn read(&self, path: &str) -> String {
        fs::read_to_string(self.public(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
}

/// Every file under `dir` with its bytes, by path from `dir`.
pub fn files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), fs::read(e.path()).unwrap()))
        .collect()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The inline chart SVGs of a page, as drawn for desktop widths.
pub fn svgs(html: &str) -> Vec<&str> {
    all_svgs(html).into_iter().filter(|s| !s.contains("chart-narrow")).collect()
}

/// The same charts as drawn for phones.
pub fn narrow_svgs(html: &str) -> Vec<&str> {
    all_svgs(html).into_iter().filter(|s| s.contains("chart-narrow")).collect()
}

/// Every inline `<svg>…</svg>` of a page.
pub fn all_svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("closed svg") + start + "</svg>".len();
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

/// The texts of an SVG, trimmed, in document order.
pub fn texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect()
}

/// A copy of a project under `tests/fixtures/`, to build without touching it.
pub fn fixture_copy(name: &str) -> Fixture {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let f = Fixture::new(&[]);
    for entry in walkdir::WalkDir::new(&from).into_iter().filter_map(Result::ok) {
        let rel = entry.path().strip_prefix(&from).expect("inside");
        if entry.file_type().is_file() && !rel.starts_with("public") {
            f.write(&rel.to_string_lossy(), &fs::read_to_string(entry.path()).expect("read fixture"));
        }
    }
    f
}

/// A French survey project: one page with a bar chart and a table.
pub fn french_survey() -> Fixture {
    Fixture::new(&[
        ("report.yaml", "title: \"Étude <test>\"\nlanguage: fr\n"),
        (
            "data/relations.yaml",
            "title: Relations\nsource: \"Cabinet & associés\"\nsample_size: 1252\nfields:\n  statement: { label: Constat }\n  share: { label: Part, type: percent }\nrows:\n  - { id: no_feedback, statement: \"Aucun retour sur leurs prestations\", share: 72 }\n  - { id: billboard, statement: \"Se voient comme un panneau publicitaire <b>\", share: 65 }\n  - { id: poor, statement: \"Relations de mauvaise qualité\", share: 48 }\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: Accueil\n---\nNous avons interrogé {{ data.relations.sample_size | number }} influenceurs : {{ data.relations.no_feedback.share | percent }} sans retour, soit ± {{ 72 | margin_of_error(n=1252) | number(decimals=1) }} points. Voir [la méthode](methode.md#echantillon).\n\n```chart\ntype: bar\ndata: relations\nx: statement\ny: share\ntitle: Ce que vivent les influenceurs\n```\n\n```table\ndata: relations\ncolumns: [statement, share]\n```\n\nLe code `{{ reste }}` reste tel quel.\n",
        ),
        (
            "content/methode.md",
            "---\ntitle: Méthode\nweight: 2\n---\n## Échantillon\n\nRetour à l'[accueil](_index.md).\n",
        ),
        ("content/annexe.md", "---\ntitle: Annexe\nweight: 1\n---\nTexte.\n"),
    ])
}

/// The box of every `<text>` of an SVG, measured with the chart font:
/// (text, x0, x1, y0, y1).
pub fn text_boxes(svg: &str) -> Vec<(String, f64, f64, f64, f64)> {
    use barometer::charts::{Font, text_width};
    let doc = roxmltree::Document::parse(svg).expect("xml");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            let text = n.text().unwrap_or("").trim().to_string();
            let num = |a: &str| n.attribute(a).unwrap_or("0").parse::<f64>().unwrap();
            let (x, y, size) = (num("x"), num("y"), num("font-size"));
            let w = text_width(&text, &Font::new(size, plotters::style::BLACK));
            let (x0, x1) = match n.attribute("text-anchor") {
                Some("end") => (x - w, x),
                Some("middle") => (x - w / 2.0, x + w / 2.0),
                _ => (x, x + w),
            };
            // Turned a quarter left about its anchor: reads upwards, and
            // its length runs down from the anchor for an end-anchored text.
            if n.attribute("transform").is_some_and(|t| t.starts_with("rotate(270")) {
                let (y0, y1) = (y + (x - x1), y + (x - x0));
                return (text, x - 0.55 * size, x + 0.45 * size, y0, y1);
            }
            // Centred vertically on y: cap height above, descenders below.
            (text, x0, x1, y - 0.55 * size, y + 0.45 * size)
        })
        .collect()
}

/// Fails when any two texts of a chart overlap, or one leaves the chart.
pub fn assert_legible(svg: &str) {
    let doc = roxmltree::Document::parse(svg).expect("xml");
    let view_box = doc.root_element().attribute("viewBox").expect("viewBox");
    let width: f64 = view_box.split_whitespace().nth(2).unwrap().parse().unwrap();
    let boxes = text_boxes(svg);
    for (i, a) in boxes.iter().enumerate() {
        assert!(a.1 >= -0.5 && a.2 <= width + 0.5, "`{}` spans {}..{} of {width}", a.0, a.1, a.2);
        for b in &boxes[i + 1..] {
            let overlap_x = a.2.min(b.2) - a.1.max(b.1);
            let overlap_y = a.4.min(b.4) - a.3.max(b.3);
            assert!(overlap_x <= 1.0 || overlap_y <= 1.0, "`{}` overlaps `{}`", a.0, b.0);
        }
    }
}

/// Whether poppler's tools (`pdftotext`, `pdfinfo`, Debian's
/// poppler-utils) are here to read PDFs back. Without them a test that
/// reads a PDF says so and stops, so `cargo test` passes on a machine that
/// has only the toolchain; `.ci/run` installs them and sets
/// `BAROMETER_REQUIRE_POPPLER`, under which their absence fails the test.
pub fn poppler_here() -> bool {
    let here = Command::new("pdftotext").arg("-v").output().is_ok();
    if !here && std::env::var_os("BAROMETER_REQUIRE_POPPLER").is_some() {
        panic!("reading PDFs needs poppler-utils (pdftotext, pdfinfo): install it");
    }
    if !here {
        eprintln!("skipped: reading PDFs back needs poppler-utils (pdftotext, pdfinfo)");
    }
    here
}
