//! The sources page (`sources/`): every dataset the report publishes, with
//! its source, sample, size, columns, the figures that show it, its
//! download, and what a derived dataset is computed from. Checked as a
//! reader gets it: each link leads to a file of the site and each anchor
//! to the figure it names.

mod common;

use std::collections::HashSet;
use std::path::Path;

use common::{Fixture, stderr};

/// A study whose data is messy and whose texts try to break out of HTML.
fn study() -> Fixture {
    Fixture::new(&[
        ("report.yaml", "title: Étude des comptes\nlanguage: fr\n"),
        (
            "data/comptes.csv",
            "compte,plateforme,abonnes,variation\n@lea,Instagram,12500,-3.5\n@marc,TikTok,,2\n@zoe,Instagram,980,\n\"Agence « Les Créateurs », Lyon\",YouTube,240000,-0.25\n",
        ),
        (
            "data/comptes.yaml",
            "title: Comptes suivis\nsource: Panel des étudiants, 2026\nsource_url: https://example.org/panel\nsample_size: 1252\nfields:\n  abonnes: { type: integer, label: Abonnés }\n  variation: { type: number, label: Variation du taux d'engagement }\n",
        ),
        (
            "data/par-plateforme.yaml",
            "title: Comptes par plateforme\nfrom: comptes\ngroup_by: [plateforme]\naggregate:\n  comptes: count()\n  abonnes: sum(abonnes)\nsort: plateforme\n",
        ),
        ("data/brut.csv", "a,b\n1,2\n"),
        ("data/brut.yaml", "title: Relevé brut\nsource: Export\n"),
        (
            "data/piege.yaml",
            "title: \"<script>alert(1)</script> & « guillemets »\"\nsource: \"<b>gras</b> & co\"\nfields:\n  x: { label: \"<i>x</i>\" }\nrows:\n  - { x: un, y: 1 }\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: Accueil\n---\nIntro.\n\n```keyfigures\ndata: comptes\nvalue: abonnes\n```\n\n```chart\ntype: bar\nid: plateformes\ndata: par-plateforme\nx: plateforme\ny: comptes\ntitle: Comptes par plateforme\n```\n",
        ),
        (
            "content/detail.md",
            "---\ntitle: Le détail des comptes\nweight: 1\n---\n```table\ndata: piege\n```\n\n```chart\ntype: bar\ndata: comptes\nx: compte\ny: variation\ntitle: Variation\n```\n\n```table\ndata: comptes\n```\n",
        ),
    ])
}

/// The entry of dataset `id` on the page: its `<section>`.
fn entry<'a>(page: &'a str, id: &str) -> &'a str {
    let start =
        page.find(&format!("<section class=\"catalog-entry\" id=\"data-{id}\"")).unwrap_or_else(|| {
            panic!("no entry for `{id}` in {page}");
        });
    let rest = &page[start..];
    &rest[..rest.find("</section>").expect("closed")]
}

/// The `href`s of the links in `html`.
fn hrefs(html: &str) -> Vec<&str> {
    html.split("href=\"").skip(1).filter_map(|s| s.split('"').next()).collect()
}

/// The element ids of a page.
fn ids(html: &str) -> HashSet<&str> {
    html.split(" id=\"").skip(1).filter_map(|s| s.split('"').next()).collect()
}

/// The site file a link on `sources/index.html` leads to, and its anchor.
fn target<'a>(f: &Fixture, href: &'a str) -> (std::path::PathBuf, Option<&'a str>) {
    let (path, anchor) = href.split_once('#').map_or((href, None), |(p, a)| (p, Some(a)));
    (f.public("sources").join(path), anchor)
}

#[test]
fn every_dataset_is_listed_with_its_source_sample_size_uses_and_download() {
    let f = study();
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = f.read("sources/index.html");

    // Shown datasets in the order the report first shows them, then the
    // ones no page shows.
    let at = |id: &str| page.find(&format!("id=\"data-{id}\"")).unwrap_or(usize::MAX);
    let others = page.find("Autres données publiées").expect("a heading for the others");
    assert!(at("comptes") < at("par-plateforme") && at("par-plateforme") < at("piege"), "{page}");
    assert!(at("piege") < others && others < at("brut") && at("brut") < usize::MAX, "{page}");

    // Source, link and sample size, written as the figures' captions write them.
    let comptes = entry(&page, "comptes");
    assert!(
        comptes.contains("<a href=\"https://example.org/panel\">Panel des étudiants, 2026</a>"),
        "{comptes}"
    );
    let detail = f.read("detail/index.html");
    let sample = detail.split("<span class=\"fig-n\">").nth(1).and_then(|s| s.split('<').next()).expect("n");
    assert!(sample.starts_with("n\u{a0}=\u{a0}1\u{202f}252"), "{sample}");
    assert!(comptes.contains(&format!("<dd>{sample}</dd>")), "{comptes}");

    // Its size is the published CSV's, counted here from the file itself.
    let csv = f.read("data/comptes.csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let columns = reader.headers().expect("header").len();
    let rows = reader.records().filter(|r| r.is_ok()).count();
    let size = format!("{rows} lignes · {columns} colonnes");
    assert_eq!(size, "4 lignes · 4 colonnes");
    assert!(comptes.contains(&size), "{comptes}");
    assert!(comptes.contains("<code>abonnes</code> (Abonnés)"), "{comptes}");
    assert!(comptes.contains("<code>variation</code> (Variation du taux d&#39;engagement)"), "{comptes}");

    // Each link leads to a file of the site; each anchor to the block it
    // names, numbered as the page numbers it.
    for href in hrefs(comptes).into_iter().filter(|h| !h.starts_with("http")) {
        let (file, anchor) = target(&f, href);
        assert!(file.is_file(), "{href} leads nowhere");
        let Some(anchor) = anchor else { continue };
        let html = std::fs::read_to_string(&file).unwrap();
        assert!(ids(&html).contains(anchor), "{href}: no #{anchor}");
    }
    let uses = comptes.split("Montré dans").nth(1).expect("uses");
    assert!(uses.contains(">Accueil</a> (Chiffres clés)"), "key figures are named: {uses}");
    assert!(uses.contains(">Le détail des comptes</a> (<a"), "{uses}");
    for (label, anchor) in [("Figure\u{a0}2", "figure-1"), ("Tableau\u{a0}2", "table-2")] {
        assert!(uses.contains(&format!("detail/index.html#{anchor}\">{label}</a>")), "{label}: {uses}");
        let block = detail.split(&format!("id=\"{anchor}\"")).nth(1).expect("block");
        let shown = block.split("<span class=\"fig-label\">").nth(1).and_then(|s| s.split('<').next());
        assert_eq!(shown, Some(label), "the page numbers #{anchor} as the sources page does");
    }

    // The download is the dataset's CSV.
    let download = hrefs(comptes).into_iter().find(|h| h.ends_with(".csv")).expect("download");
    assert_eq!(std::fs::read_to_string(target(&f, download).0).unwrap(), csv);

    // A derived dataset names what it is computed from.
    let derived = entry(&page, "par-plateforme");
    assert!(
        derived.contains("Calculé à partir de</dt><dd><a href=\"#data-comptes\">Comptes suivis</a>"),
        "{derived}"
    );
    assert!(derived.contains("<a href=\"../index.html#fig-plateformes\">Figure\u{a0}1</a>"), "{derived}");

    // Text from data stays text.
    let trap = entry(&page, "piege");
    assert!(!page.contains("<script>alert") && !page.contains("<b>gras") && !page.contains("<i>x"), "{trap}");
    assert!(trap.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; «"), "{trap}");
    assert!(trap.contains("&lt;b&gt;gras&lt;/b&gt; &amp; co"), "{trap}");
}

#[test]
fn every_page_links_to_the_sources_page_and_search_engines_find_it() {
    let f = study();
    let out = f.run(&["build", "--base-url", "https://example.org/etude/"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (page, href) in
        [("index.html", "./sources/index.html"), ("detail/index.html", "../sources/index.html")]
    {
        let html = f.read(page);
        let footer = html.split("<footer").nth(1).expect("footer");
        assert!(footer.contains(&format!("<a href=\"{href}\">Sources des données</a>")), "{page}: {footer}");
        let folder = f.public(page).parent().map(Path::to_path_buf).expect("folder");
        assert!(folder.join(href).is_file(), "{page}: {href} leads nowhere");
    }
    let page = f.read("sources/index.html");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://example.org/etude/sources/\">"), "{page}");
    assert!(
        page.contains("<meta property=\"og:image\" content=\"https://example.org/etude/cards/sources.png\">")
    );
    assert!(f.public("cards/sources.png").is_file(), "its social card is drawn");
    let jsonld =
        page.split("application/ld+json\">").nth(1).and_then(|s| s.split("</script>").next()).unwrap();
    let doc: serde_json::Value = serde_json::from_str(jsonld).expect("JSON-LD");
    assert_eq!(doc["@type"], "DataCatalog");
    let names: Vec<&str> =
        doc["dataset"].as_array().unwrap().iter().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(names.len(), 4, "every dataset: {names:?}");
    assert!(names.contains(&"Relevé brut") && names.contains(&"Comptes par plateforme"), "{names:?}");
    let sitemap = f.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/etude/sources/</loc>"), "{sitemap}");
}

#[test]
fn a_page_or_static_file_at_the_sources_address_is_an_error() {
    let f = study();
    assert!(f.build().status.success());
    let before = f.read("index.html");
    f.write("content/sources.md", "---\ntitle: Nos sources\n---\nTexte.\n");
    let out = f.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("content/sources.md") && err.contains("`/sources/`, is the sources page's"),
        "{err}"
    );
    assert!(err.contains("slug:"), "{err}");
    assert_eq!(f.read("index.html"), before, "the previous site is left as it was");

    f.write("content/sources.md", "---\ntitle: Nos sources\nslug: nos-sources\n---\nTexte.\n");
    assert!(f.build().status.success(), "another address builds");
    assert!(f.read("nos-sources/index.html").contains("Nos sources"));

    f.write("static/sources/index.html", "<p>à moi</p>");
    let err = stderr(&f.build());
    assert!(err.contains("the build writes `sources/index.html`"), "{err}");
}
