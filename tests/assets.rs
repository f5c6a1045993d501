//! Images and files a page links to: written relative to the page's source,
//! found beside it in `content/` or in `static/`, published where the
//! rewritten link leads, and an error at their line when missing.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Fixture, stderr};

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"20\"><rect width=\"20\" height=\"20\" fill=\"#1f4e79\"/></svg>";
const SCHEMA: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"><circle r=\"9\" cx=\"10\" cy=\"10\"/></svg>";

/// A report whose chapter sits two folders down, with a slug, and links
/// to a file beside it, one in a sibling folder with a space in its name,
/// one in `static/` both ways, and a generated page.
fn project() -> Fixture {
    Fixture::new(&[
        ("report.yaml", "title: R\nlanguage: fr\npdf: false\n"),
        ("content/_index.md", "---\ntitle: Accueil\n---\nVoir [le plan](etude/plan.md).\n"),
        ("content/etude/_index.md", "---\ntitle: Étude\n---\n"),
        (
            "content/etude/plan.md",
            "---\ntitle: Plan\nslug: le-plan\n---\n\
             ![Le schéma](schema.svg)\n\n\
             Le [cahier des charges](../dossiers/cahier%20v2.txt#p2) et le [logo](../../static/img/logo.svg).\n\n\
             ![Logo](/img/logo.svg) [Les sources](../../sources/)\n",
        ),
        ("content/etude/schema.svg", SCHEMA),
        ("content/etude/notes-privees.txt", "not for readers"),
        ("content/dossiers/cahier v2.txt", "le cahier"),
        ("static/img/logo.svg", LOGO),
    ])
}

/// The file in `site` a link written on the page at `page` (its path in
/// the site, `etude/le-plan/index.html`) leads to.
fn target(site: &Path, page: &str, link: &str) -> PathBuf {
    let link = link.split(['#', '?']).next().unwrap_or(link);
    let mut parts: Vec<String> = page.split('/').map(String::from).collect();
    parts.pop();
    for segment in link.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            s => parts.push(s.replace("%20", " ")),
        }
    }
    site.join(parts.join("/"))
}

/// Every `attr="…"` value of `html`.
fn values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let marker = format!("{attr}=\"");
    html.split(&marker).skip(1).filter_map(|rest| rest.split('"').next()).collect()
}

#[test]
fn files_beside_a_page_and_in_static_are_published_where_their_rewritten_links_lead() {
    let f = project();
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let site = f.root().join("public");
    let page = "etude/le-plan/index.html";
    let html = f.read(page);
    let images = values(&html, "src");
    let links = values(&html, "href");
    let source = |p: &str| fs::read(f.root().join(p)).unwrap();
    let wanted = [
        ("schema.svg", "content/etude/schema.svg"),
        ("cahier%20v2.txt#p2", "content/dossiers/cahier v2.txt"),
        ("logo.svg", "static/img/logo.svg"),
    ];
    for (end, origin) in wanted {
        let link = images
            .iter()
            .chain(&links)
            .find(|l| l.ends_with(end))
            .unwrap_or_else(|| panic!("no link ending {end}: {html}"));
        assert!(!link.starts_with('/'), "{link} is relative, so the site works from disk");
        let file = target(&site, page, link);
        assert_eq!(fs::read(&file).unwrap_or_default(), source(origin), "{link} leads to {origin}");
    }
    let root_logo: Vec<_> = images.iter().filter(|l| l.ends_with("img/logo.svg")).collect();
    assert_eq!(root_logo.len(), 1, "{images:?}");
    assert_eq!(*root_logo[0], "../../img/logo.svg", "a site path becomes relative");
    let sources = links.iter().find(|l| l.contains("sources/")).expect("link to the sources page");
    assert!(target(&site, page, sources).is_file(), "{sources} names a file: it opens from disk too");
    assert!(!site.join("etude/notes-privees.txt").exists(), "a file no page links to stays private");
}

#[test]
fn a_missing_image_or_file_is_an_error_at_its_line_with_the_closest_file() {
    let f = project();
    assert!(f.build().status.success());
    let before = f.read("etude/le-plan/index.html");
    f.write(
        "content/etude/plan.md",
        "---\ntitle: Plan\n---\nIntro.\n\n![Le schéma](shema.svg)\n\nLe [cahier](../dossiers/cahier.txt) et ![logo](img/logo.svg).\n",
    );
    let out = f.run(&["check", "--strict"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/etude/plan.md:6:1"), "{err}");
    assert!(err.contains("`shema.svg` is not a file") && err.contains("did you mean `schema.svg`?"), "{err}");
    assert!(err.contains("content/etude/plan.md:8:"), "{err}");
    assert!(err.contains("did you mean `../dossiers/cahier%20v2.txt`?"), "{err}");
    assert!(err.contains("did you mean `../../static/img/logo.svg`?"), "{err}");
    let out = f.build();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(f.read("etude/le-plan/index.html"), before, "the previous output is untouched");
}

#[test]
fn the_english_edition_links_to_the_same_published_file() {
    let f = project();
    f.write("report.yaml", "title: R\nlanguages: [fr, en]\npdf: false\n");
    f.write("content/_index.en.md", "---\ntitle: Home\n---\nSee [the plan](etude/plan.md).\n");
    f.write("content/etude/_index.en.md", "---\ntitle: Study\n---\n");
    f.write("content/etude/plan.en.md", "---\ntitle: Plan\nslug: plan\n---\n![The diagram](schema.svg)\n");
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = "en/etude/plan/index.html";
    let html = f.read(page);
    let src = values(&html, "src").into_iter().find(|s| s.ends_with("schema.svg")).expect("the image");
    assert_eq!(src, "../../../etude/schema.svg");
    assert_eq!(fs::read_to_string(target(&f.root().join("public"), page, src)).unwrap(), SCHEMA);
}

#[test]
fn a_file_in_content_and_one_in_static_published_at_one_place_is_an_error() {
    let f = project();
    f.write("content/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    f.write(
        "content/_index.md",
        "---\ntitle: Accueil\n---\nVoir [le plan](etude/plan.md).\n\n![Logo](img/logo.svg)\n",
    );
    let out = f.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("content/_index.md:6:1"), "{err}");
    assert!(
        err.contains("`content/img/logo.svg` and `static/img/logo.svg` would both be published"),
        "{err}"
    );
}

#[test]
fn a_file_that_is_no_image_prints_its_description_in_the_pdf_with_a_warning() {
    if !cfg!(feature = "pdf") {
        return;
    }
    let f = project();
    f.write("report.yaml", "title: R\nlanguage: fr\npdf: { file: r.pdf }\n");
    f.write("content/etude/photo.png", "not a picture");
    f.write("content/etude/_index.md", "---\ntitle: Étude\n---\nIntro.\n\n![Une photo](photo.png)\n");
    let out = f.build();
    let err = stderr(&out);
    assert!(out.status.success(), "the site shows it as it is; the PDF cannot: {err}");
    assert!(err.contains("content/etude/_index.md:6"), "{err}");
    assert!(err.contains("`photo.png` is not a PNG, JPEG, GIF, WebP or SVG image"), "{err}");
    assert!(f.public("r.pdf").is_file());
}
