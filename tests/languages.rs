//! Reports in several languages: editions, translated data, formats per
//! language, the switcher and `hreflang`, and single-language reports
//! left exactly as they were.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Every file of a built site but the manifest, by path, as SHA-256.
fn digests(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".barometer-manifest")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
            let hash = Sha256::digest(fs::read(e.path()).expect("read"));
            (rel, hash.iter().map(|b| format!("{b:02x}")).collect())
        })
        .collect()
}

/// `tests/fixtures/monolingual` is the French example report as it stood
/// before reports could have several languages, and `monolingual.sha256`
/// the site the build made of it then (`sha256sum` of each file). Supporting
/// languages must not change one byte of a single-language report. When a
/// later change alters the output on purpose, regenerate the list with
/// `scripts/monolingual-digests.sh` and say why in the commit.
#[test]
fn a_single_language_report_is_byte_identical_to_before_languages() {
    let out = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monolingual");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_barometer"))
        .args(["build", "--base-url", "https://example.org/etude/", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(out.path())
        .output()
        .expect("run barometer");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let expected: BTreeMap<String, String> = fs::read_to_string(root.with_extension("sha256"))
        .expect("digests")
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, path)| (path.to_string(), hash.to_string()))
        .collect();
    let built = digests(out.path());
    let changed: Vec<&String> =
        expected.keys().chain(built.keys()).filter(|p| expected.get(*p) != built.get(*p)).collect();
    assert!(changed.is_empty(), "files that differ from before: {changed:?}");
}

/// A French study with an English edition: translated and untranslated
/// pages, a YAML dataset with text per language, a CSV with `@en`
/// columns (one cell left untranslated), numbers from a thousand up,
/// percents with decimals, a negative, a date.
fn bilingual() -> common::Fixture {
    common::Fixture::new(&[
        (
            "report.yaml",
            "title: { fr: \"Baromètre de l'influence\", en: \"Influence barometer\" }\n\
             description: { fr: \"Ce que vivent les créateurs.\", en: \"What creators go through.\" }\n\
             author: Cabinet Exemple\nlanguages: [fr, en]\nbase_url: https://example.org/etude/\n\
             pdf: { file: { fr: etude.pdf, en: study.pdf } }\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: Accueil\ndate: 2024-03-15\n---\n\
             Nous avons interrogé {{ data.enquete.sample_size | number }} créateurs ; \
             {{ data.enquete.silence.share | percent }} restent sans nouvelles. \
             Voir [les relations](relations.md) et [la méthode](methode.md).\n\n\
             ```keyfigures\ndata: enquete\nvalue: share\nitems: [silence, paid]\n```\n\n\
             ```chart\ntype: bar\ndata: enquete\nx: statement\ny: share\ntitle: Ce que vivent les créateurs\n```\n",
        ),
        (
            "content/_index.en.md",
            "---\ntitle: Home\n---\n\
             We surveyed {{ data.enquete.sample_size | number }} creators; \
             {{ data.enquete.silence.share | percent }} never hear back. \
             See [relationships](relations.md) and [the method](methode.md).\n\n\
             ```keyfigures\ndata: enquete\nvalue: share\nitems: [silence, paid]\n```\n\n\
             ```chart\ntype: bar\ndata: enquete\nx: statement\ny: share\ntitle: What creators go through\n```\n",
        ),
        (
            "content/relations.md",
            "---\ntitle: Relations avec les annonceurs\nweight: 1\n---\nLes comptes.\n\n\
             ```table\ndata: comptes\n```\n",
        ),
        (
            "content/relations.en.md",
            "---\ntitle: Working with brands\n---\nThe accounts.\n\n```table\ndata: comptes\n```\n",
        ),
        ("content/methode.md", "---\ntitle: Méthode\nweight: 2\n---\nLa méthode.\n"),
        (
            "data/enquete.yaml",
            "title: { fr: \"Ce que vivent les créateurs\", en: \"What creators go through\" }\n\
             source: { fr: \"Enquête Exemple, 2024\", en: \"Example survey, 2024\" }\n\
             sample_size: 1252\n\
             fields:\n  statement: { label: { fr: Constat, en: Finding } }\n  \
             share: { type: percent, label: { fr: Part, en: Share } }\n\
             rows:\n  \
             - { id: silence, statement: { fr: \"Sans nouvelles après la campagne\", en: \"No news after the campaign\" }, share: 72.5 }\n  \
             - { id: paid, statement: { fr: \"Payés en retard\", en: \"Paid late\" }, share: 41.25 }\n  \
             - { id: drop, statement: { fr: \"Baisse d'abonnés\" }, share: 3.5 }\n",
        ),
        (
            "data/comptes.csv",
            "id,secteur,secteur@en,abonnes,variation\na,Beauté et soins,Beauty and care,12500,-2.5\nb,Mode,,1234567,4\nc,Cuisine,Food,980,-0.75\n",
        ),
        (
            "data/comptes.yaml",
            "title: { fr: Comptes, en: Accounts }\nsource: Panel Exemple\n\
             fields:\n  secteur: { label: { fr: Secteur, en: Sector } }\n  \
             abonnes: { type: integer, label: { fr: Abonnés, en: Followers } }\n",
        ),
    ])
}

fn attr<'a>(html: &'a str, before: &str, name: &str) -> Vec<&'a str> {
    html.split(before)
        .skip(1)
        .filter_map(|rest| rest.split_once(&format!("{name}=\""))?.1.split('"').next())
        .collect()
}

#[test]
fn each_edition_has_its_urls_language_and_translated_text() {
    let f = bilingual();
    let out = f.build();
    assert!(out.status.success(), "{}", common::stderr(&out));
    for path in [
        "index.html",
        "relations/index.html",
        "methode/index.html",
        "en/index.html",
        "en/relations/index.html",
    ] {
        assert!(f.public(path).is_file(), "{path}");
    }
    assert!(
        !f.public("en/methode/index.html").exists(),
        "an untranslated page is not in the English edition"
    );
    let en = f.read("en/index.html");
    assert!(en.starts_with("<!doctype html>\n<html lang=\"en\">"), "{}", &en[..60]);
    assert!(f.read("index.html").contains("<html lang=\"fr\">"));
    assert!(en.contains("Influence barometer") && !en.contains("Baromètre de l"));
    assert!(en.contains("Paid late") && !en.contains("Payés en retard"));
    // A missing translation shows the French text.
    let labels = common::texts(common::svgs(&en)[0]);
    assert!(labels.iter().any(|t| t.starts_with("Baisse d")), "{labels:?}");
    // Navigation lists the edition's own pages only.
    let nav = en.split("class=\"chapters\"").nth(1).unwrap().split("</nav>").next().unwrap();
    assert!(nav.contains("Working with brands") && !nav.contains("Méthode"), "{nav}");
    // A link to a page with a translation leads to it; one without, to the French page.
    assert!(en.contains("href=\"../en/relations/index.html\">relationships"), "link to the English page");
    assert!(en.contains("href=\"../methode/index.html\">the method"), "link to the French page");
    // Each edition's downloads carry its labels.
    assert_eq!(f.read("en/data/comptes.csv").lines().next(), Some("id,secteur,abonnes,variation"));
    assert!(f.read("en/data/comptes.csv").contains("Beauty and care"));
    assert!(f.read("data/comptes.csv").contains("Beauté et soins"));
    assert!(!f.read("data/comptes.csv").contains("@en"));
    assert!(f.read("en/relations/index.html").contains("../../en/data/comptes.csv"));
    assert!(f.public("etude.pdf").is_file() && f.public("en/study.pdf").is_file());
    assert!(en.contains("href=\"../en/study.pdf\""), "the English PDF is linked from English pages");
    // Each edition has its feed, in its language, dated as the original.
    let feed = f.read("en/atom.xml");
    assert!(feed.contains("xml:lang=\"en\"") && feed.contains("<title>Home</title>"), "{feed}");
    assert!(feed.contains("https://example.org/etude/en/") && feed.contains("2024-03-15"), "{feed}");
    assert!(f.read("atom.xml").contains("<title>Accueil</title>"));
    assert!(en.contains("href=\"../en/atom.xml\""));
    // Search engines read the English dataset in English.
    assert!(en.contains("\"inLanguage\":\"en\"") && en.contains("\"name\":\"What creators go through\""));
}

#[test]
fn every_number_reads_in_its_page_language() {
    let f = bilingual();
    assert!(f.build().status.success());
    let (fr, en) = (f.read("index.html"), f.read("en/index.html"));
    // Prose, key figures, table cells, chart labels and descriptions.
    assert!(
        fr.contains("interrogé 1\u{202f}252 créateurs") && fr.contains("72,5\u{202f}% restent"),
        "French prose"
    );
    assert!(en.contains("surveyed 1,252 creators") && en.contains("72.5% never"), "English prose");
    assert!(fr.contains("<strong>41,25\u{202f}%</strong>") && en.contains("<strong>41.25%</strong>"));
    let (fr_svg, en_svg) = (common::svgs(&fr)[0], common::svgs(&en)[0]);
    let (fr_t, en_t) = (common::texts(fr_svg), common::texts(en_svg));
    assert!(
        fr_t.iter().any(|t| t == "72,5\u{202f}%") && fr_t.iter().any(|t| t == "3,5\u{202f}%"),
        "{fr_t:?}"
    );
    assert!(en_t.iter().any(|t| t == "72.5%") && en_t.iter().any(|t| t == "3.5%"), "{en_t:?}");
    assert!(
        en_svg.contains("Bar chart: Share by Finding")
            && en_svg.contains("No news after the campaign (72.5%)")
    );
    assert!(fr_svg.contains("Diagramme en barres : Part selon Constat"));
    let (fr_tbl, en_tbl) = (f.read("relations/index.html"), f.read("en/relations/index.html"));
    assert!(fr_tbl.contains(">1\u{202f}234\u{202f}567<") && fr_tbl.contains(">Abonnés<"), "French table");
    assert!(en_tbl.contains(">1,234,567<") && en_tbl.contains(">Followers<"), "English table");
    assert!(fr_tbl.contains(">\u{2212}2,5<") && fr_tbl.contains(">\u{2212}0,75<"), "French negatives");
    assert!(en_tbl.contains(">\u{2212}2.5<") && en_tbl.contains(">\u{2212}0.75<"), "English negatives");
}

#[test]
fn the_switch_and_hreflang_lead_to_the_same_page_in_the_other_language() {
    let f = bilingual();
    assert!(f.build().status.success());
    let fr = f.read("relations/index.html");
    let en = f.read("en/relations/index.html");
    for html in [&fr, &en] {
        let hrefs = attr(html, "<link rel=\"alternate\" hreflang=", "href");
        assert_eq!(
            hrefs,
            [
                "https://example.org/etude/relations/",
                "https://example.org/etude/relations/",
                "https://example.org/etude/en/relations/"
            ]
        );
        assert!(html.contains("hreflang=\"fr\" href=\"https://example.org/etude/relations/\""));
        assert!(html.contains("hreflang=\"x-default\" href=\"https://example.org/etude/relations/\""));
        assert!(html.contains("hreflang=\"en\" href=\"https://example.org/etude/en/relations/\""));
    }
    assert!(
        fr.contains("<a href=\"../en/relations/index.html\" hreflang=\"en\" lang=\"en\">English</a>"),
        "switch on the French page"
    );
    assert!(
        en.contains("<a href=\"../../relations/index.html\" hreflang=\"fr\" lang=\"fr\">Français</a>"),
        "switch on the English page"
    );
    // A page without translation links to the other edition's home, and
    // declares no alternate it does not have.
    let methode = f.read("methode/index.html");
    assert!(methode.contains("<a href=\"../en/index.html\" hreflang=\"en\""));
    assert!(!methode.contains("rel=\"alternate\" hreflang"));
    let sitemap = f.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap parses");
    let relations = doc
        .descendants()
        .find(|n| n.has_tag_name("loc") && n.text() == Some("https://example.org/etude/en/relations/"))
        .and_then(|n| n.parent())
        .expect("English page listed");
    let alternates: Vec<(&str, &str)> = relations
        .children()
        .filter(|n| n.has_tag_name("link"))
        .map(|n| (n.attribute("hreflang").unwrap(), n.attribute("href").unwrap()))
        .collect();
    assert_eq!(
        alternates,
        [("fr", "https://example.org/etude/relations/"), ("en", "https://example.org/etude/en/relations/")]
    );
}

#[test]
fn each_edition_has_its_sources_page_in_its_language() {
    let f = bilingual();
    let out = f.build();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let fr = f.read("sources/index.html");
    let en = f.read("en/sources/index.html");
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("<h1>Sources des données</h1>"), "{fr}");
    assert!(en.contains("<html lang=\"en\">") && en.contains("<h1>Data sources</h1>"), "{en}");
    // Each names the other as its version in the other language.
    for html in [&fr, &en] {
        assert!(html.contains("hreflang=\"fr\" href=\"https://example.org/etude/sources/\""), "{html}");
        assert!(html.contains("hreflang=\"en\" href=\"https://example.org/etude/en/sources/\""), "{html}");
    }
    assert!(en.contains("<a href=\"../../sources/index.html\" hreflang=\"fr\" lang=\"fr\">Français</a>"));
    assert!(fr.contains("<a href=\"../en/sources/index.html\" hreflang=\"en\" lang=\"en\">English</a>"));
    // In English: the English titles, numbers and links to English pages
    // and downloads.
    let survey = en.split("id=\"data-enquete\"").nth(1).and_then(|s| s.split("</section>").next()).unwrap();
    assert!(
        survey.contains("What creators go through") && survey.contains("n\u{a0}=\u{a0}1,252 respondents")
    );
    assert!(survey.contains("<a href=\"../../en/index.html\">Home</a> (Key figures, <a href=\"../../en/index.html#figure-1\">Figure\u{a0}1</a>)"), "{survey}");
    assert!(survey.contains("href=\"../../en/data/enquete.csv\" download"), "{survey}");
    assert!(f.public("en/data/enquete.csv").is_file());
    assert!(en.split("id=\"data-comptes\"").nth(1).unwrap().contains("3 rows · 4 columns"));
    assert!(fr.split("id=\"data-comptes\"").nth(1).unwrap().contains("3 lignes · 4 colonnes"));
    let sitemap = f.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/etude/en/sources/</loc>"), "{sitemap}");
}

#[test]
fn missing_translations_are_warned_and_listed_under_strict() {
    let f = bilingual();
    let out = f.run(&["check"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(
        err.contains("1 of 3 cells of `secteur@en` have no `en` text, the first in row 2 (id `b`)"),
        "{err}"
    );
    assert!(err.contains("`statement` has no `en` text; the `fr` text is shown"), "{err}");
    assert!(err.contains("data/enquete.yaml:10"), "the warning points at the cell: {err}");
    assert!(!err.contains("no translation in en"), "listed under --strict only");
    let strict = f.run(&["check", "--strict"]);
    let err = common::stderr(&strict);
    assert!(
        err.contains("content/methode.md") && err.contains("this page has no translation in en"),
        "{err}"
    );
    assert!(err.contains("add `content/methode.en.md` beside it"), "{err}");
    assert!(!err.contains("content/relations.md"), "a translated page is not listed: {err}");
    // The untranslated cells are warnings, which --strict turns into errors.
    assert!(!strict.status.success());
}

#[test]
fn translations_for_a_language_the_report_lacks_are_errors_at_their_line() {
    let f = bilingual();
    f.write("content/methode.de.md", "---\ntitle: Methode\n---\n");
    f.write("i18n/it.yaml", "previous: Precedente\n");
    f.write("data/enquete.yaml", "title: { fr: Enquête, de: Umfrage }\nrows: []\n");
    let out = f.build();
    assert!(!out.status.success());
    let err = common::stderr(&out);
    assert!(err.contains("this page is in `de`, which is not a language of the report (fr, en)"), "{err}");
    assert!(err.contains("`title` is given in `de`") && err.contains("data/enquete.yaml:1"), "{err}");
    assert!(err.contains("cannot format numbers and dates in `it`"), "{err}");
    assert!(!f.public("index.html").exists(), "nothing written");
}

#[test]
fn german_and_spanish_reports_use_their_formats_and_theme_strings() {
    for (lang, number, percent, previous) in
        [("de", "1.234.567,5", "72,5\u{a0}%", "Zurück"), ("es", "1.234.567,5", "72,5\u{a0}%", "Anterior")]
    {
        let f = common::Fixture::new(&[
            ("report.yaml", &format!("title: T\nlanguage: {lang}\n")),
            (
                "content/_index.md",
                "---\ntitle: H\n---\n{{ 1234567.5 | number }} {{ 72.5 | percent }} [a](a.md)\n",
            ),
            ("content/a.md", "---\ntitle: A\n---\nText.\n"),
        ]);
        let out = f.build();
        assert!(out.status.success(), "{}", common::stderr(&out));
        let home = f.read("index.html");
        assert!(home.contains(&format!("{number} {percent}")), "{lang}: {home}");
        assert!(f.read("a/index.html").contains(previous), "{lang}");
        assert!(home.contains(&format!("<html lang=\"{lang}\">")));
    }
}

#[test]
fn a_project_translation_file_replaces_theme_strings() {
    let f = bilingual();
    f.write("i18n/en.yaml", "next: Read on\ndownload: Get it\n");
    assert!(f.build().status.success());
    let en = f.read("en/index.html");
    assert!(en.contains("<span>Read on</span>"), "template string");
    assert!(en.contains("Get it:"), "figure string");
    assert!(f.read("index.html").contains("<span>Suivant</span>"), "French unchanged");
}
