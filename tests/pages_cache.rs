//! Page bodies in the build cache: a build takes each page's rendered
//! body (prose, Markdown, blocks) from the build before when neither the
//! page nor what the report shares changed, and each page's HTML when its
//! template, its context and its body are the same. Whatever is edited,
//! the site and the warnings are those a cold build of the same project
//! gives.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::PathBuf;

use common::{Fixture, stderr};

const TRUST: &str = "title: Confiance\nsource: Baromètre\nsample_size: 1252\nfields:\n  share: { type: percent }\nrows:\n  - { id: proches, s: Proches, share: 78 }\n  - { id: pub, s: Publicité, share: 25 }\n";

const CHART: &str =
    "```chart\ntype: bar\ndata: trust\nx: s\ny: share\nid: trust\ntitle: À qui se fier\n```\n";

/// A chart without a title: a warning every build must repeat.
const UNTITLED: &str = "```chart\ntype: bar\ndata: trust\nx: s\ny: share\n```\n";

fn project() -> Fixture {
    Fixture::new(&[
        ("report.yaml", "title: Étude\nlanguage: fr\npdf: false\n"),
        ("data/trust.yaml", TRUST),
        (
            "content/_index.md",
            "---\ntitle: Accueil\n---\nVoir [les proches](proches.md) et [la suite](suite.md).\n",
        ),
        (
            "content/proches.md",
            &format!(
                "---\ntitle: Les proches\nweight: 1\n---\n{{{{ data.trust.proches.share }}}} font confiance.\n\n{CHART}"
            ),
        ),
        (
            "content/suite.md",
            &format!(
                "---\ntitle: La suite\nweight: 2\n---\nComme le montre @fig-trust, rien ne change.\n\n{UNTITLED}"
            ),
        ),
        ("content/annexe.md", "---\ntitle: Annexe\nweight: 3\n---\nRetour à [l'accueil](_index.md).\n"),
    ])
}

/// Builds `f`; the summary line and the warnings.
fn built(f: &Fixture) -> (String, String) {
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr(&out))
}

/// The same project copied without its output and cache, built cold:
/// its site and warnings.
fn cold(f: &Fixture) -> (BTreeMap<PathBuf, Vec<u8>>, String) {
    let copy = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(f.root()).into_iter().filter_map(Result::ok) {
        let rel = entry.path().strip_prefix(f.root()).unwrap();
        if rel.starts_with("public") || rel.starts_with(".barometer") || !entry.file_type().is_file() {
            continue;
        }
        fs::create_dir_all(copy.path().join(rel).parent().unwrap()).unwrap();
        fs::copy(entry.path(), copy.path().join(rel)).unwrap();
    }
    let copy = Fixture { dir: copy };
    let (summary, warnings) = built(&copy);
    assert!(!summary.contains("build cache"), "{summary}");
    (common::files(&copy.public("")), warnings)
}

/// Builds again after an edit: the site and warnings must be a cold
/// build's; says what the summary said came from the cache.
fn after_edit(f: &Fixture) -> String {
    let (summary, warnings) = built(f);
    let (want, want_warnings) = cold(f);
    let got = common::files(&f.public(""));
    let differ: Vec<&PathBuf> =
        want.keys().chain(got.keys()).filter(|p| want.get(*p) != got.get(*p)).collect();
    assert!(differ.is_empty(), "{summary}: {differ:?}");
    assert_eq!(warnings, want_warnings, "{summary}");
    summary
}

/// The names of the pages' HTML entries in the build cache.
fn html_entries(f: &Fixture) -> BTreeSet<String> {
    let entries = common::cache_entries(&f.root().join(".barometer/cache"), "html");
    entries.iter().map(|e| e.file_name().unwrap().to_string_lossy().into_owned()).collect()
}

#[test]
fn each_edit_renders_what_it_changes_and_the_site_is_a_cold_builds() {
    let f = project();
    let (first, warnings) = built(&f);
    assert!(!first.contains("build cache"), "{first}");
    assert!(warnings.contains("content/suite.md"), "the untitled chart's warning: {warnings}");

    assert!(html_entries(&f).is_empty(), "a page's HTML is kept once its body was: {:?}", html_entries(&f));
    let same = after_edit(&f);
    assert!(same.contains("(4 of 4 pages, 2 of 2 figures from the build cache)"), "{same}");
    let pages = html_entries(&f);
    assert_eq!(pages.len(), 4, "one HTML entry per page: {pages:?}");

    // Prose of one page: that page alone is rendered.
    f.write(
        "content/annexe.md",
        "---\ntitle: Annexe\nweight: 3\n---\nRetour à [l'accueil](_index.md), enfin.\n",
    );
    let prose = after_edit(&f);
    assert!(prose.contains("(3 of 4 pages, 2 of 2 figures"), "{prose}");
    let annexe = fs::read_to_string(f.public("annexe/index.html")).unwrap();
    assert!(annexe.contains("enfin"), "the edit is shown");
    let now = html_entries(&f);
    assert!(now.is_subset(&pages), "the others' HTML is taken: {now:?}");
    assert_eq!(now.len(), 3, "the edited page's is made, and kept when its body is: {now:?}");
    after_edit(&f);
    assert_eq!(html_entries(&f).len(), 4);

    // The theme: every page is rendered with it.
    f.write("templates/page.html", "<main>{{ page.title }}: {{ page.content | safe }}</main>\n");
    after_edit(&f);
    f.write("templates/page.html", "<main>{{ page.title }} — {{ page.content | safe }}</main>\n");
    after_edit(&f);
    assert!(fs::read_to_string(f.public("annexe/index.html")).unwrap().starts_with("<main>Annexe — "));
    fs::remove_file(f.root().join("templates/page.html")).unwrap();
    after_edit(&f);

    // A page's title: every page lists it in its navigation.
    f.write(
        "content/suite.md",
        &fs::read_to_string(f.root().join("content/suite.md")).unwrap().replace("La suite", "Et après"),
    );
    let title = after_edit(&f);
    assert!(fs::read_to_string(f.public("annexe/index.html")).unwrap().contains("Et après"), "{title}");

    // A figure added before the one `@fig-trust` names renumbers it on a
    // page whose body is taken from the cache.
    let home = format!(
        "---\ntitle: Accueil\n---\nVoir [les proches](proches.md) et [la suite](suite.md).\n\n{}",
        CHART.replace("id: trust\n", "").replace("À qui", "Qui")
    );
    f.write("content/_index.md", &home);
    after_edit(&f);
    let suite = fs::read_to_string(f.public("suite/index.html")).unwrap();
    assert!(suite.contains("igure\u{a0}2</a>"), "renumbered: {suite}");

    // Another address for a page: the pages linking to it link there.
    f.write(
        "content/annexe.md",
        "---\ntitle: Annexe\nweight: 3\nslug: complements\n---\nRetour à [l'accueil](_index.md).\n",
    );
    f.write(
        "content/suite.md",
        &fs::read_to_string(f.root().join("content/suite.md"))
            .unwrap()
            .replace("rien ne change.", "rien ne change ([annexe](annexe.md))."),
    );
    after_edit(&f);
    f.write(
        "content/annexe.md",
        "---\ntitle: Annexe\nweight: 3\nslug: annexes\n---\nRetour à [l'accueil](_index.md).\n",
    );
    let moved = after_edit(&f);
    assert!(!moved.contains(" of 4 pages"), "where pages are is what every page links with: {moved}");
    let suite = fs::read_to_string(f.public("suite/index.html")).unwrap();
    assert!(suite.contains("href=\"../annexes/index.html\">annexe</a>"), "{suite}");

    // The data: every page that shows it, in prose or in a chart.
    f.write("data/trust.yaml", &TRUST.replace("share: 78", "share: 77"));
    let data = after_edit(&f);
    assert!(!data.contains(" of 4 pages"), "the data is what every page is rendered from: {data}");
    assert!(fs::read_to_string(f.public("proches/index.html")).unwrap().contains("77"));

    // A page added, and one removed.
    f.write("content/nouveau.md", "---\ntitle: Nouveau\nweight: 4\n---\nUne page de plus.\n");
    after_edit(&f);
    fs::remove_file(f.root().join("content/nouveau.md")).unwrap();
    after_edit(&f);

    // The report's settings.
    f.write("report.yaml", "title: Étude révisée\nlanguage: fr\npdf: false\n");
    let settings = after_edit(&f);
    assert!(!settings.contains(" of 4 pages"), "{settings}");
}

#[test]
fn damaged_page_entries_and_figure_entries_gone_are_rendered_again() {
    let f = project();
    built(&f);
    let before = common::files(&f.public(""));
    let cache = f.root().join(".barometer/cache");
    let pages = common::cache_entries(&cache, "pages");
    assert_eq!(pages.len(), 4, "one entry per page");
    for entry in &pages {
        let bytes = fs::read(entry).unwrap();
        fs::write(entry, &bytes[..bytes.len() - 1]).unwrap();
    }
    let (damaged, _) = built(&f);
    assert!(damaged.contains("(2 of 2 figures from the build cache)"), "no body reused: {damaged}");
    assert_eq!(common::files(&f.public("")), before);

    // Pages' HTML cut short: made again, and the site is whole.
    built(&f);
    assert_eq!(common::cache_entries(&cache, "html").len(), 4);
    for entry in common::cache_entries(&cache, "html") {
        let bytes = fs::read(&entry).unwrap();
        fs::write(&entry, &bytes[..bytes.len() - 1]).unwrap();
    }
    fs::remove_dir_all(f.public("")).unwrap();
    built(&f);
    assert_eq!(common::files(&f.public("")), before);

    // A body whose chart files are in a figure entry removed since: the
    // page is rendered again, the chart drawn again, and the build does
    // not fail copying a file that is gone.
    for entry in common::cache_entries(&cache, "figures") {
        fs::remove_file(entry).unwrap();
    }
    let svg = before.keys().find(|p| p.extension().is_some_and(|e| e == "svg")).expect("a chart's SVG");
    fs::remove_file(f.public("").join(svg)).unwrap();
    let (redrawn, _) = built(&f);
    assert!(redrawn.contains("(2 of 4 pages from the build cache)"), "{redrawn}");
    assert_eq!(common::files(&f.public("")), before);
}
