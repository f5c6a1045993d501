//! The whole study as one PDF, read back with poppler's tools
//! (`pdftotext`, `pdfinfo`, `pdffonts`, `pdftohtml`), independent of the
//! Typst code that wrote it.
#![cfg(feature = "pdf")]

mod common;

use std::path::Path;
use std::process::Command;

use common::{Fixture, stderr};

/// Runs a poppler tool on `pdf` and gives its standard output.
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[] })
        .output()
        .unwrap_or_else(|e| panic!("`{tool}` is needed to read PDFs (Debian's poppler-utils): {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn info(pdf: &Path) -> String {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (poppler-utils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of the PDF, pages separated by form feeds, with every kind of
/// space read as a plain space so figures compare as a reader sees them.
fn text(pdf: &Path) -> String {
    poppler("pdftotext", &["-enc", "UTF-8"], pdf).replace(['\u{a0}', '\u{202f}'], " ")
}

fn plain(s: &str) -> String {
    s.replace(['\u{a0}', '\u{202f}'], " ")
}

/// Each of `wanted` found in `haystack`, in that order.
fn assert_in_order(haystack: &str, wanted: &[String]) {
    let mut from = 0;
    for w in wanted {
        match haystack[from..].find(w.as_str()) {
            Some(at) => from += at + w.len(),
            None => panic!("`{w}` missing, or out of order, after byte {from} of:\n{haystack}"),
        }
    }
}

const SURVEY: &str = "title: Relations\nsource: \"Cabinet & associés\"\nsource_url: https://example.org/etude\nsample_size: 1252\nfields:\n  statement: { label: Constat }\n  share: { label: Part, type: percent }\nrows:\n  - { id: no_feedback, statement: \"Aucun retour sur leurs prestations\", share: 72 }\n  - { id: billboard, statement: \"#set page(paper: \\\"a3\\\") $x$ *gras* <lbl> @fig-x\", share: 65.4 }\n  - { id: poor, statement: \"Relations de mauvaise qualité\", share: 48 }\n";

fn long_table() -> String {
    let mut rows = String::new();
    for i in 1..=90 {
        rows.push_str(&format!(
            "  - {{ id: r{i}, compte: \"Compte n° {i} au libellé assez long\", abonnes: {} }}\n",
            i * 1234
        ));
    }
    format!(
        "title: Comptes\nsource: Relevé\nfields:\n  compte: {{ label: Compte }}\n  abonnes: {{ label: Abonnés, type: integer }}\nrows:\n{rows}"
    )
}

fn study() -> Fixture {
    Fixture::new(&[
        (
            "report.yaml",
            "title: \"Étude & relations\"\ndescription: Ce que vivent les influenceurs.\nauthor: Cabinet test\nlanguage: fr\npdf: { file: etude-2026.pdf }\n",
        ),
        ("data/relations.yaml", SURVEY),
        ("data/comptes.yaml", &long_table()),
        (
            "content/_index.md",
            "---\ntitle: Synthèse\ndate: 2026-03-05\n---\nNous avons interrogé {{ data.relations.sample_size | number }} influenceurs, dont {{ data.relations.no_feedback.share | percent }} sans retour[^silence]. Voir la @fig-silence et le @tbl-comptes.\n\n[^silence]: Une note de bas de page sur le silence.\n\n```keyfigures\ndata: relations\nitems: [no_feedback]\nvalue: share\nlabel: statement\n```\n\n## Les constats\n\n```chart\ntype: bar\ndata: relations\nid: silence\nx: statement\ny: share\ntitle: Ce que vivent les influenceurs\nnote: Plusieurs réponses possibles.\n```\n\n```table\ndata: relations\ntitle: Les réponses\n```\n",
        ),
        (
            "content/comptes.md",
            "---\ntitle: Les comptes\nweight: 1\n---\nRetour à la [synthèse](_index.md#les-constats).\n\n```table\ndata: comptes\nid: comptes\ntitle: Quatre-vingt-dix comptes\n```\n",
        ),
    ])
}

/// The study built, and its PDF; `None` where poppler's tools are missing
/// to read it back (see [`common::poppler_here`]).
fn built_study() -> Option<(Fixture, std::path::PathBuf)> {
    if !common::poppler_here() {
        return None;
    }
    let f = study();
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = f.public("etude-2026.pdf");
    Some((f, pdf))
}

#[test]
fn a_study_reads_in_order_with_its_figures_sources_and_numbers() {
    if !common::poppler_here() {
        return;
    }
    let f = study();
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = f.public("etude-2026.pdf");
    let info = info(&pdf);
    assert!(info.contains("Tagged:          yes"), "{info}");
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).map(str::trim).expect("a page count");
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains(&format!("2 datasets and the PDF ({pages} pages) in ")), "{summary}");
    assert!(info.contains("Title:           Étude & relations"), "{info}");
    assert!(info.contains("(A4)"), "A4 by default: {info}");
    let text = text(&pdf);
    let home = f.read("index.html");
    // The site's words for the same figures: label, source, sample size.
    // Key figures take no number: the table after them is the first.
    for shown in
        ["Figure 1</span>", "Tableau 1</span>", "Cabinet &amp; associés", "n = 1 252 répondants", "65,4 %"]
    {
        assert!(plain(&home).contains(shown), "the site shows `{shown}`");
    }
    assert_in_order(
        &text,
        &[
            "Étude & relations".into(),
            "Ce que vivent les influenceurs.".into(),
            "Cabinet test · 5 mars 2026".into(),
            "72 %".into(),
            "Sommaire".into(),
            "COMMENT CITER CETTE ÉTUDE".into(),
            "Cabinet test. (2026). Étude & relations.".into(),
            "1 Synthèse".into(),
            "Nous avons interrogé 1 252 influenceurs, dont 72 % sans retour".into(),
            "Voir la Figure 1 et le Tableau 2.".into(),
            "1.1 Les constats".into(),
            "Figure 1 — Ce que vivent les influenceurs".into(),
            "Source : Cabinet & associés · n = 1 252 répondants".into(),
            "Note : Plusieurs réponses possibles.".into(),
            "Tableau 1 — Les réponses".into(),
            "#set page(paper: \"a3\") $x$ *gras* <lbl> @fig-x".into(),
            "65,4 %".into(),
            "Une note de bas de page sur le silence.".into(),
            "2 Les comptes".into(),
            "Tableau 2 — Quatre-vingt-dix comptes".into(),
            "Compte n° 90 au libellé assez long".into(),
            "111 060".into(),
            "Liste des figures".into(),
            "Figure 1 Ce que vivent les influenceurs".into(),
            "Liste des tableaux".into(),
            "Tableau 1 Les réponses".into(),
            "Tableau 2 Quatre-vingt-dix comptes".into(),
            "Sources des données".into(),
            "Relations · Source : Cabinet & associés · n = 1 252 répondants".into(),
        ],
    );
}

#[test]
fn every_page_after_the_cover_has_the_running_header_and_its_number() {
    let Some((_f, pdf)) = built_study() else { return };
    let text = text(&pdf);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert!(pages.len() >= 4, "{}", pages.len());
    assert!(!pages[0].contains("\n1\n"), "the cover has no number");
    for (i, page) in pages.iter().enumerate().skip(1) {
        assert!(page.contains("Étude & relations"), "page {}: the report's title in the header", i + 1);
        let number = (i + 1).to_string();
        assert!(page.lines().any(|l| l.trim() == number), "page {} shows its number:\n{page}", i + 1);
    }
}

#[test]
fn long_tables_split_across_pages_with_their_header_repeated() {
    let Some((_f, pdf)) = built_study() else { return };
    let text = text(&pdf);
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let with_rows: Vec<&&str> = pages.iter().filter(|p| p.contains("au libellé assez long")).collect();
    assert!(with_rows.len() >= 2, "ninety rows take more than one page");
    for p in &with_rows {
        assert!(p.contains("Compte") && p.contains("Abonnés"), "every page of the table has its header: {p}");
    }
    let rows: usize = with_rows.iter().map(|p| p.matches("au libellé assez long").count()).sum();
    assert_eq!(rows, 90, "no row lost or repeated");
}

#[test]
fn the_pdf_embeds_its_fonts_and_has_an_outline_and_a_language() {
    let Some((_f, pdf)) = built_study() else { return };
    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in rows {
        assert!(row.contains("Inter"), "only the theme's font: {row}");
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 5], "yes", "embedded: {row}");
    }
    let xml = poppler("pdftohtml", &["-xml", "-i", "-stdout"], &pdf);
    let outline = &xml[xml.find("<outline>").expect("an outline (bookmarks)")..];
    assert_in_order(outline, &["1 Synthèse".into(), "1.1 Les constats".into(), "2 Les comptes".into()]);
    let bytes = std::fs::read(&pdf).unwrap();
    let catalog = String::from_utf8_lossy(&bytes);
    let catalog = &catalog[catalog.find("/Type/Catalog").expect("a catalog")..];
    assert!(catalog[..300.min(catalog.len())].contains("/Lang(fr)"), "the document's language");
    assert!(String::from_utf8_lossy(&bytes).contains("<pdfuaid:part>1<"), "declared PDF/UA-1");
}

#[test]
fn what_pdf_ua_forbids_gives_a_tagged_pdf_and_a_warning_at_its_line() {
    if !common::poppler_here() {
        return;
    }
    let f = Fixture::new(&[
        (
            "report.yaml",
            "title: R
language: en
",
        ),
        (
            "content/_index.md",
            "---
title: Home
---
## Part

#### Deep

Text.
",
        ),
    ]);
    let out = f.build();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("content/_index.md:6") && err.contains("not PDF/UA-1"), "{err}");
    let pdf = f.public("r.pdf");
    assert!(info(&pdf).contains("Tagged:          yes"));
    assert!(!String::from_utf8_lossy(&std::fs::read(&pdf).unwrap()).contains("<pdfuaid:part>"));
}

#[test]
fn two_builds_give_the_same_bytes() {
    let f = study();
    assert!(f.build().status.success());
    let first = std::fs::read(f.public("etude-2026.pdf")).unwrap();
    std::fs::remove_dir_all(f.root().join("public")).unwrap();
    assert!(f.build().status.success());
    assert_eq!(first, std::fs::read(f.public("etude-2026.pdf")).unwrap());
}

#[test]
fn every_page_links_to_the_pdf_with_its_size() {
    let f = study();
    assert!(f.build().status.success());
    let size = std::fs::metadata(f.public("etude-2026.pdf")).unwrap().len();
    let kilobytes = ((size as f64) / 1000.0).round() as u64;
    for (page, root) in [("index.html", "./"), ("comptes/index.html", "../")] {
        let html = f.read(page);
        let link = format!(
            "<a class=\"masthead-pdf\" href=\"{root}etude-2026.pdf\" download>Télécharger l’étude complète <span>(PDF, {kilobytes}\u{a0}ko)</span></a>"
        );
        assert!(html.contains(&link), "{page}: {link}\n{html}");
    }
}

#[test]
fn pdf_false_builds_no_pdf_and_no_link() {
    let f = Fixture::new(&[
        ("report.yaml", "title: R\npdf: false\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nText.\n"),
    ]);
    assert!(f.build().status.success());
    let files: Vec<_> = std::fs::read_dir(f.root().join("public")).unwrap().flatten().collect();
    assert!(!files.iter().any(|e| e.path().extension().is_some_and(|x| x == "pdf")));
    assert!(!f.read("index.html").contains("masthead-pdf"));
}

#[test]
fn the_pdf_is_named_after_the_title_and_takes_a_paper_size() {
    if !common::poppler_here() {
        return;
    }
    let f = Fixture::new(&[
        ("report.yaml", "title: \"L'été des marques\"\npdf: { paper: us-letter }\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nText.\n"),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = f.public("l-ete-des-marques.pdf");
    assert!(info(&pdf).contains("(letter)"), "{}", info(&pdf));
}

#[test]
fn bad_pdf_settings_are_errors_at_their_line() {
    let f = Fixture::new(&[
        ("report.yaml", "title: R\npdf:\n  file: ../etude.pdf\n  paper: a44\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nText.\n"),
    ]);
    let out = f.build();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("report.yaml:3") && err.contains("may only use ASCII letters"), "{err}");
    assert!(err.contains("report.yaml:4") && err.contains("unknown paper size `a44`"), "{err}");
    assert!(err.contains("did you mean `a4`?"), "{err}");
}

#[test]
fn a_static_file_of_the_same_name_is_never_overwritten() {
    let f = Fixture::new(&[
        ("report.yaml", "title: R\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nText.\n"),
        ("static/r.pdf", "the author's own file"),
    ]);
    let out = f.build();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("the static file `static/r.pdf` has the same name"), "{}", stderr(&out));
    assert!(!f.public("r.pdf").exists());
}

#[test]
fn content_the_pdf_cannot_typeset_is_never_dropped_silently() {
    if !common::poppler_here() {
        return;
    }
    let f = Fixture::new(&[
        ("report.yaml", "title: R\nlanguage: en\n"),
        (
            "content/_index.md",
            "---\ntitle: Home\n---\nBefore.\n\n<div class=\"note\">A boxed remark</div>\n\n![A logo](https://example.org/logo.png)\n\n![Our chart](images/plan.svg)\n",
        ),
        (
            "static/images/plan.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><rect width=\"40\" height=\"20\" fill=\"#1f4e79\"/></svg>",
        ),
    ]);
    let out = f.build();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("content/_index.md:6") && err.contains("cannot be typeset in the PDF"), "{err}");
    assert!(err.contains("content/_index.md:8") && err.contains("not a file of the site"), "{err}");
    let printed = text(&f.public("r.pdf"));
    assert!(printed.contains("A boxed remark"), "its text is kept: {printed}");
    assert!(printed.contains("A logo"), "the description stands in for the image: {printed}");

    f.write("content/_index.md", "---\ntitle: Home\n---\nBefore.\n\n![A missing plan](images/none.png)\n");
    // A missing image is an error for the site and the PDF alike, said once.
    let out = f.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/_index.md:6") && err.contains("`images/none.png` is not a file"), "{err}");
    assert!(!err.contains("the PDF prints its description"), "{err}");
}

#[test]
fn the_starter_project_downloads_as_a_pdf_too() {
    if !common::poppler_here() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let starters = [
        ("fr", "rapport.pdf", "Sommaire", "Les comptes par palier d'audience"),
        ("en", "report.pdf", "Contents", "Accounts by audience tier"),
    ];
    for (lang, file, contents, chapter) in starters {
        let dir = tmp.path().join(lang);
        let dir = dir.to_str().unwrap();
        let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_barometer")).args(args).output().unwrap();
        assert!(run(&["new", dir, "--language", lang]).status.success());
        let out = run(&["build", "--root", dir]);
        assert!(out.status.success(), "{}", stderr(&out));
        let pdf = Path::new(dir).join("public").join(file);
        assert_in_order(&text(&pdf), &[contents.into(), chapter.into(), "Figure 1 — ".into()]);
        assert!(info(&pdf).contains("Tagged:          yes"));
    }
}

/// The alternative texts of the PDF's figures (`/Alt`, UTF-16 in hex).
fn alt_texts(pdf: &[u8]) -> Vec<String> {
    let raw = String::from_utf8_lossy(pdf);
    raw.match_indices("/Alt<FEFF")
        .filter_map(|(at, _)| {
            let hex = &raw[at + 9..];
            let hex = &hex[..hex.find('>')?];
            let units: Vec<u16> = (0..hex.len() / 4)
                .filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok())
                .collect();
            Some(String::from_utf16_lossy(&units))
        })
        .collect()
}

#[test]
fn charts_carry_their_description_as_alternative_text() {
    let f = study();
    assert!(f.build().status.success());
    let home = f.read("index.html");
    let desc = home.split("-desc\">").nth(1).and_then(|d| d.split("</desc>").next()).expect("a <desc>");
    let desc = desc
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let alts = alt_texts(&std::fs::read(f.public("etude-2026.pdf")).unwrap());
    assert!(alts.contains(&desc), "{desc:?} among {alts:?}");
}

#[test]
fn every_markdown_construct_is_typeset() {
    if !common::poppler_here() {
        return;
    }
    let page = "---\ntitle: Home\n---\n\
Some *emphasis*, **strong**, ~~struck~~ and `inline #code`.  \nAfter a hard break. See [the other page](b.md#detail) and [a site](https://example.org).\n\n\
> A quoted remark.\n\n\
1. First step\n2. Second step\n   - nested point\n\n\
| Tier | Share |\n|:-----|------:|\n| nano | 5,2 % |\n| micro | 4,1 % |\n\n\
```rust\nfn main() { println!(\"#set {{}} $x$\"); }\n```\n\n\
---\n\n\
Closing words.\n";
    let f = Fixture::new(&[
        ("report.yaml", "title: R\nlanguage: en\n"),
        ("content/_index.md", page),
        ("content/b.md", "---\ntitle: B\n---\n## Detail\n\nText of B.\n"),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = text(&f.public("r.pdf"));
    assert_in_order(
        &printed,
        &[
            "Some emphasis, strong, struck and inline #code".into(),
            "After a hard break. See the other page and a site.".into(),
            "A quoted remark.".into(),
            "1. First step".into(),
            "2. Second step".into(),
            "nested point".into(),
            "Tier".into(),
            "Share".into(),
            "nano".into(),
            "5,2 %".into(),
            "fn main() { println!(\"#set {{}} $x$\"); }".into(),
            "Closing words.".into(),
            "2 B".into(),
            "2.1 Detail".into(),
        ],
    );
    let xml = poppler("pdftohtml", &["-xml", "-i", "-stdout"], &f.public("r.pdf"));
    assert!(xml.contains("href=\"https://example.org\""), "web links stay links");
}

#[test]
fn the_contents_read_as_titles_and_the_pages_they_start_on() {
    let Some((_f, pdf)) = built_study() else { return };
    // Laid out as printed, one entry a line; spaces of any width as one.
    let laid_out = poppler("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf).replace('\u{2060}', "");
    let pages: Vec<String> = laid_out
        .split('\u{c}')
        .map(|p| {
            p.lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect();
    let contents = pages.iter().position(|p| p.contains("Sommaire")).expect("a contents page");
    for entry in ["1 Synthèse", "1.1 Les constats", "2 Les comptes"] {
        let starts =
            (contents + 1..pages.len()).find(|&i| pages[i].contains(entry)).expect("the entry's page");
        let line = format!("{entry} {}", starts + 1);
        assert!(pages[contents].lines().any(|l| l == line), "`{line}` in the contents:\n{}", pages[contents]);
    }
}
