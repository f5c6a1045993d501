//! The build cache on disk (`.barometer/cache`): a second `barometer
//! build`, another process, takes charts, social cards, web fonts and the
//! PDF from it and writes the same bytes; what changed is made again; a damaged,
//! deleted or foreign cache never breaks a build nor loses a file.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{Fixture, stderr};

const DATA: &str = concat!(
    "source: Panel de l'agence\nsample_size: 1252\nfields:\n  share: { type: percent }\nrows:\n",
    "  - { label: \"Ne reçoivent jamais de retour après la campagne\", share: 72 }\n",
    "  - { label: Rarement, share: 3 }\n  - { label: Autre, share: 25 }\n",
);

const CHART: &str = "```chart\ntype: bar\ndata: s\nx: label\ny: share\ntitle: Retours\n```\n";

fn project() -> Fixture {
    Fixture::new(&[
        (
            "report.yaml",
            "title: Étude\nlanguage: fr\nbase_url: https://example.org/etude/\ncharts: { png: true }\n",
        ),
        ("data/s.yaml", DATA),
        ("content/_index.md", &format!("---\ntitle: Accueil\n---\nBonjour.\n\n{CHART}")),
        ("content/b.md", &format!("---\ntitle: Relations\n---\nAvant.\n\n{CHART}\nAprès.\n")),
    ])
}

/// Every file of the built site, by path.
fn site(f: &Fixture) -> BTreeMap<PathBuf, Vec<u8>> {
    common::files(&f.public(""))
}

/// The entries of one kind in the cache.
fn entries(f: &Fixture, kind: &str) -> Vec<PathBuf> {
    common::cache_entries(&f.root().join(".barometer/cache"), kind)
}

/// Builds; what the build said (the summary goes to standard output).
fn built(f: &Fixture) -> String {
    let out = f.build();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(out.status.success(), "{said}");
    said
}

fn differing(a: &BTreeMap<PathBuf, Vec<u8>>, b: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = a.keys().chain(b.keys()).cloned().collect();
    paths.dedup();
    paths.into_iter().filter(|p| a.get(p) != b.get(p)).collect()
}

#[test]
fn a_second_build_takes_charts_cards_and_the_pdf_from_the_cache_and_writes_the_same_bytes() {
    let f = project();
    let first = built(&f);
    assert!(!first.contains("build cache"), "nothing to reuse yet: {first}");
    let before = site(&f);
    assert!(f.root().join(".barometer/cache/CACHEDIR.TAG").is_file());
    assert_eq!(entries(&f, "figures").len(), 2, "one per chart");
    assert_eq!(entries(&f, "cards").len(), 3, "the two pages' cards and the sources page's");
    assert_eq!(entries(&f, "pdf").len(), 1);

    let second = built(&f);
    assert!(second.contains("(2 of 2 pages, 2 of 2 figures from the build cache)"), "{second}");
    assert!(differing(&before, &site(&f)).is_empty(), "{:?}", differing(&before, &site(&f)));

    // The PDF is taken, not typeset again: a mark added to the entry's
    // copy of it shows in the site.
    let pdf_entry = &entries(&f, "pdf")[0];
    let mut kept = fs::read(pdf_entry).unwrap();
    kept.extend_from_slice(b"%kept\n");
    fs::write(pdf_entry, &kept).unwrap();
    built(&f);
    assert!(fs::read(f.public("etude.pdf")).unwrap().ends_with(b"%kept\n"));
    // So are the cards.
    let card_entry = &entries(&f, "cards")[0];
    let card = fs::read(card_entry).unwrap();
    fs::write(card_entry, [card.as_slice(), b"kept"].concat()).unwrap();
    built(&f);
    assert_eq!(site(&f).values().filter(|b| b.ends_with(b"kept")).count(), 1, "the card from the cache");
    // And the web fonts, cut to the site's characters.
    let woff2s = before.keys().filter(|p| p.extension().is_some_and(|e| e == "woff2")).count();
    assert!(woff2s > 0 && entries(&f, "fonts").len() == woff2s, "{:?}", entries(&f, "fonts"));
    for entry in entries(&f, "fonts") {
        fs::write(&entry, [fs::read(&entry).unwrap().as_slice(), b"kept"].concat()).unwrap();
    }
    built(&f);
    assert_eq!(site(&f).values().filter(|b| b.ends_with(b"kept")).count(), 1 + woff2s);

    // Deleted, the cache is made again, and the site is the same.
    fs::remove_dir_all(f.root().join(".barometer")).unwrap();
    let again = built(&f);
    assert!(!again.contains("build cache"), "{again}");
    assert!(differing(&before, &site(&f)).is_empty(), "{:?}", differing(&before, &site(&f)));
}

#[test]
fn prose_typesets_the_pdf_again_but_draws_nothing_and_data_redraws_its_charts() {
    let f = project();
    built(&f);
    let before = site(&f);
    let old_pdf = entries(&f, "pdf");

    f.write("content/b.md", &format!("---\ntitle: Relations\n---\nAvant, autrement.\n\n{CHART}\nAprès.\n"));
    let prose = built(&f);
    assert!(prose.contains("(1 of 2 pages, 2 of 2 figures from the build cache)"), "{prose}");
    let changed = differing(&before, &site(&f));
    assert!(changed.contains(&PathBuf::from("b/index.html")), "{changed:?}");
    assert!(changed.contains(&PathBuf::from("etude.pdf")), "the PDF shows the prose: {changed:?}");
    assert!(!changed.iter().any(|p| p.extension().is_some_and(|e| e == "svg" || e == "png")), "{changed:?}");
    let new_pdf = entries(&f, "pdf");
    assert_eq!(new_pdf.len(), 1, "the old PDF's entry is removed: {new_pdf:?}");
    assert_ne!(new_pdf, old_pdf);

    f.write("data/s.yaml", &DATA.replace("share: 72", "share: 71"));
    let data = built(&f);
    assert!(!data.contains("build cache"), "both charts show the data: {data}");
    let labels = common::texts(&fs::read_to_string(f.public("figures/b/1.svg")).unwrap());
    let shows = |n: &str| labels.iter().any(|t| t.starts_with(n));
    assert!(shows("71") && !shows("72"), "the chart is drawn from the new data: {labels:?}");
    assert_eq!(entries(&f, "figures").len(), 2, "the old charts' entries are removed");
}

#[test]
fn a_damaged_cache_is_drawn_again_and_files_that_are_not_entries_stay() {
    let f = project();
    built(&f);
    let before = site(&f);
    for entry in entries(&f, "figures") {
        let bytes = fs::read(&entry).unwrap();
        fs::write(&entry, &bytes[..bytes.len() / 2]).unwrap();
    }
    let pdf = &entries(&f, "pdf")[0];
    fs::write(pdf, b"not a pdf").unwrap();
    let notes = f.root().join(".barometer/cache/figures/NOTES.txt");
    fs::write(&notes, "mine").unwrap();
    let out = built(&f);
    assert!(!out.contains("build cache"), "damaged entries are not used: {out}");
    assert!(differing(&before, &site(&f)).is_empty(), "{:?}", differing(&before, &site(&f)));
    assert_eq!(fs::read_to_string(&notes).unwrap(), "mine", "only entries are ever removed");
}

#[cfg(unix)]
#[test]
fn a_link_planted_in_the_cache_is_neither_followed_nor_removed() {
    let f = project();
    built(&f);
    let before = site(&f);
    let elsewhere = tempfile::tempdir().unwrap();
    let cache = f.root().join(".barometer/cache");
    // The charts' entries moved where a link in the cache now points.
    let moved = elsewhere.path().join("figures");
    fs::rename(cache.join("figures"), &moved).unwrap();
    std::os::unix::fs::symlink(&moved, cache.join("figures")).unwrap();
    let theirs = common::files(elsewhere.path());
    fs::remove_dir_all(f.public("")).unwrap();

    let out = built(&f);
    assert!(
        out.contains("which barometer did not make (a link") && out.contains("delete the cache folder"),
        "{out}"
    );
    assert!(!out.contains("figures from the build cache"), "nothing taken through it: {out}");
    assert_eq!(common::files(elsewhere.path()), theirs, "nothing written or removed where it points");
    assert!(differing(&before, &site(&f)).is_empty(), "{:?}", differing(&before, &site(&f)));
}

#[test]
fn a_cache_folder_set_in_report_yaml_is_used_and_one_not_ours_is_left_alone() {
    let f = project();
    let yaml = fs::read_to_string(f.root().join("report.yaml")).unwrap();
    f.write("report.yaml", &format!("{yaml}cache: .cache/barometer\n"));
    built(&f);
    assert_eq!(common::cache_entries(&f.root().join(".cache/barometer"), "figures").len(), 2);
    assert!(!f.root().join(".barometer").exists());

    f.write("report.yaml", &format!("{yaml}cache: notes\n"));
    f.write("notes/plan.md", "my notes");
    let out = built(&f);
    assert!(out.contains("folder, `notes`, holds files and was not made by barometer"), "{out}");
    let names: Vec<_> =
        fs::read_dir(f.root().join("notes")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["plan.md"], "nothing written into a folder that is not the cache");

    f.write("report.yaml", &format!("{yaml}cache: ../elsewhere\n"));
    let out = f.build();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("`cache: ../elsewhere` is not a folder inside the project"), "{err}");
    assert!(err.contains("report.yaml:5:8"), "{err}");
}

#[test]
fn a_new_project_keeps_the_cache_out_of_git() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("etude");
    for lang in ["en", "fr"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_barometer"))
            .arg("new")
            .arg(root.join(lang))
            .args(["--language", lang])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let ignore = fs::read_to_string(root.join(lang).join(".gitignore")).unwrap();
        assert!(ignore.lines().any(|l| l == ".barometer/"), "{ignore}");
        let workflow = fs::read_to_string(root.join(lang).join(".github/workflows/publish.yml")).unwrap();
        let workflow: serde_json::Value = serde_saphyr::from_str(&workflow).unwrap();
        let steps = workflow["jobs"]["build"]["steps"].as_array().unwrap();
        let kept = steps.iter().position(|s| s["with"]["path"] == ".barometer/cache").expect("a cache step");
        let built = steps.iter().position(|s| s["name"] == "Build").unwrap();
        assert!(kept < built, "the cache is restored before the build");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_barometer"))
            .args(["build", "--root"])
            .arg(root.join(lang))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(Path::new(&root.join(lang).join(".barometer/cache/CACHEDIR.TAG")).is_file());
    }
}

#[test]
fn chart_files_changed_or_removed_in_the_output_are_written_again_from_the_cache() {
    let f = project();
    built(&f);
    let before = site(&f);
    let png = before.keys().find(|p| p.extension().is_some_and(|e| e == "png") && p.starts_with("figures"));
    let svg = before.keys().find(|p| p.extension().is_some_and(|e| e == "svg") && p.starts_with("figures"));
    let (png, svg) = (png.expect("a chart's PNG").clone(), svg.expect("a chart's SVG").clone());
    // The same length, another content: only its stamp tells it changed.
    let mut damaged = before[&png].clone();
    damaged.iter_mut().skip(40).take(8).for_each(|b| *b = !*b);
    fs::write(f.public(png.to_str().unwrap()), &damaged).unwrap();
    let earlier = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    let file = fs::File::options().write(true).open(f.public(png.to_str().unwrap())).unwrap();
    file.set_modified(earlier).unwrap();
    fs::remove_file(f.public(svg.to_str().unwrap())).unwrap();

    let again = built(&f);
    assert!(again.contains("(2 of 2 pages, 2 of 2 figures from the build cache)"), "{again}");
    assert!(differing(&before, &site(&f)).is_empty(), "{:?}", differing(&before, &site(&f)));
}
