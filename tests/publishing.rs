//! Publishing on the web: what search engines, feed readers and social
//! networks read of a built site, read the way they read it: pages parsed
//! as HTML, the sitemap and feed as XML, JSON-LD validated against JSON
//! Schemas, social cards decoded as PNGs, and the home page weighed with
//! everything it loads.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Fixture, stderr};
use scraper::{Html, Selector};
use serde_json::Value;

const BASE: &str = "https://etudes.example.org/barometre/";

/// The example report built for `BASE`, in a temporary folder.
fn example_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    let out = Command::new(env!("CARGO_BIN_EXE_barometer"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--base-url", BASE, "--output"])
        .arg(&site)
        .output()
        .expect("run barometer");
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, site)
}

/// Every page of a site (its `index.html` files), as site paths: `/`, `/a/`.
fn page_paths(site: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let dir = e.path().parent().expect("parent").strip_prefix(site).expect("inside");
            let dir = dir.to_string_lossy().replace('\\', "/");
            if dir.is_empty() { "/".to_string() } else { format!("/{dir}/") }
        })
        .collect();
    out.sort();
    out
}

fn parse(site: &Path, page: &str) -> Html {
    let file = site.join(page.trim_start_matches('/')).join("index.html");
    Html::parse_document(&fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())))
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).expect("selector")).collect()
}

/// The `content` of the first `<meta>` matching `css`.
fn meta(doc: &Html, css: &str) -> Option<String> {
    select(doc, css).first().and_then(|m| m.value().attr("content")).map(str::to_string)
}

fn attr(doc: &Html, css: &str, name: &str) -> Option<String> {
    select(doc, css).first().and_then(|m| m.value().attr(name)).map(str::to_string)
}

/// The file an address of the site stands for.
fn local(site: &Path, url: &str) -> PathBuf {
    let path = url.strip_prefix(BASE).unwrap_or_else(|| panic!("{url} is not on the site"));
    let file = site.join(path);
    if path.is_empty() || path.ends_with('/') { file.join("index.html") } else { file }
}

/// Decoded RGB(A) pixels of a PNG, and its size.
fn pixels(bytes: &[u8]) -> (Vec<u8>, u32, u32, usize) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    buf.truncate(info.buffer_size());
    (buf, info.width, info.height, info.color_type.samples())
}

/// How many pixels below the top band differ from the white of an empty
/// card: a card with nothing drawn on it has none.
fn drawn_pixels(bytes: &[u8]) -> usize {
    let (buf, width, _, samples) = pixels(bytes);
    let band = (20 * width) as usize * samples;
    buf[band..].chunks(samples).filter(|p| p[..3].iter().any(|&c| c < 235)).count()
}

/// The JSON-LD items of a page: one object, or a `@graph`, each with the
/// context it is read in.
fn jsonld(doc: &Html) -> Vec<Value> {
    let scripts = select(doc, r#"script[type="application/ld+json"]"#);
    let Some(script) = scripts.first() else { return Vec::new() };
    let doc: Value = serde_json::from_str(&script.text().collect::<String>()).expect("JSON-LD is JSON");
    match doc.get("@graph") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                let mut i = i.clone();
                i["@context"] = doc["@context"].clone();
                i
            })
            .collect(),
        _ => vec![doc],
    }
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas").join(name);
    let schema: Value = serde_json::from_str(&fs::read_to_string(path).expect("schema")).expect("JSON");
    jsonschema::validator_for(&schema).expect("a valid schema")
}

fn assert_valid(validator: &jsonschema::Validator, item: &Value) {
    let errors: Vec<String> =
        validator.iter_errors(item).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}\nin {item:#}");
}

#[test]
fn every_page_of_the_example_shares_as_a_social_network_reads_it() {
    let (_dir, site) = example_site();
    let pages: Vec<String> = page_paths(&site).into_iter().filter(|p| !p.starts_with("/figures/")).collect();
    assert!(pages.len() >= 8, "{pages:?}");
    let mut descriptions = BTreeSet::new();
    let mut cards = BTreeSet::new();
    for page in &pages {
        let doc = parse(&site, page);
        let expected = format!("{BASE}{}", page.trim_start_matches('/'));
        let lang = if page.starts_with("/en/") { "en" } else { "fr" };
        assert_eq!(attr(&doc, "html", "lang").as_deref(), Some(lang), "{page}");
        assert_eq!(attr(&doc, r#"link[rel="canonical"]"#, "href").as_deref(), Some(expected.as_str()));
        assert_eq!(meta(&doc, r#"meta[property="og:url"]"#).as_deref(), Some(expected.as_str()));
        let title = meta(&doc, r#"meta[property="og:title"]"#).expect("og:title");
        let h1: String = select(&doc, "h1")[0].text().collect();
        assert!(page == "/" || title == h1.trim(), "{page}: og:title {title:?}, h1 {h1:?}");
        let description = meta(&doc, r#"meta[name="description"]"#).expect("description");
        assert!(!description.is_empty() && description.chars().count() <= 160, "{page}: {description:?}");
        assert_eq!(meta(&doc, r#"meta[property="og:description"]"#), Some(description.clone()));
        descriptions.insert(description);
        assert_eq!(meta(&doc, r#"meta[name="twitter:card"]"#).as_deref(), Some("summary_large_image"));
        let locale = if lang == "en" { "en_US" } else { "fr_FR" };
        assert_eq!(meta(&doc, r#"meta[property="og:locale"]"#).as_deref(), Some(locale));
        let image = meta(&doc, r#"meta[property="og:image"]"#).expect("og:image");
        assert_eq!(meta(&doc, r#"meta[name="twitter:image"]"#).as_ref(), Some(&image));
        assert!(meta(&doc, r#"meta[property="og:image:alt"]"#).is_some_and(|a| a.contains(&title)), "{page}");
        let png = fs::read(local(&site, &image)).unwrap_or_else(|e| panic!("{image}: {e}"));
        let (_, width, height, _) = pixels(&png);
        assert_eq!((width, height), (1200, 630), "{image}");
        assert!(drawn_pixels(&png) > 2_000, "{image} is nearly blank");
        cards.insert(png);
    }
    assert_eq!(descriptions.len(), pages.len(), "each page describes itself: {descriptions:#?}");
    assert_eq!(cards.len(), pages.len(), "each page has a card of its own");

    // The page with a key figure shows it on its card: the card of the
    // relations page differs from a card with its title alone far more
    // than two cards with different titles differ.
    let relations = parse(&site, "/relations/");
    let alt = meta(&relations, r#"meta[property="og:image:alt"]"#).expect("alt");
    assert!(alt.contains("72\u{202F}%"), "{alt}");
}

#[test]
fn the_sitemap_lists_every_page_at_its_address_and_robots_txt_points_to_it() {
    let (_dir, site) = example_site();
    let xml = fs::read_to_string(site.join("sitemap.xml")).expect("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(ns));
    assert_eq!(doc.root_element().tag_name().name(), "urlset");
    let mut listed = BTreeSet::new();
    for url in doc.root_element().children().filter(|n| n.is_element()) {
        assert_eq!(url.tag_name().name(), "url");
        let children: Vec<&str> = url
            .children()
            .filter(|n| n.is_element() && n.tag_name().namespace() == Some(ns))
            .map(|n| n.tag_name().name())
            .collect();
        assert_eq!(children, ["loc"], "no lastmod without a page date");
        let loc = url.children().find(|n| n.has_tag_name((ns, "loc"))).and_then(|n| n.text()).expect("loc");
        assert!(local(&site, loc).is_file(), "{loc} is not a page");
        assert!(listed.insert(loc.to_string()), "{loc} twice");
    }
    let pages: BTreeSet<String> = page_paths(&site)
        .into_iter()
        .filter(|p| !p.starts_with("/figures/"))
        .map(|p| format!("{BASE}{}", p.trim_start_matches('/')))
        .collect();
    assert_eq!(listed, pages);
    let robots = fs::read_to_string(site.join("robots.txt")).expect("robots.txt");
    let lines: Vec<&str> = robots.lines().collect();
    assert!(lines.contains(&"User-agent: *"), "{robots}");
    assert!(lines.contains(&format!("Sitemap: {BASE}sitemap.xml").as_str()), "{robots}");
}

#[test]
fn the_report_and_its_datasets_are_described_in_valid_json_ld() {
    let (_dir, site) = example_site();
    let (datasets, report) = (schema("dataset.schema.json"), schema("report.schema.json"));
    let mut described = BTreeSet::new();
    for page in page_paths(&site).into_iter().filter(|p| !p.starts_with("/figures/")) {
        let items = jsonld(&parse(&site, &page));
        let reports = items.iter().filter(|i| i["@type"] == "Report").count();
        let home = page == "/" || page == "/en/";
        assert_eq!(reports, usize::from(home), "{page}: the report is described on each edition's home page");
        for item in items {
            match item["@type"].as_str() {
                Some("Report") => {
                    assert_valid(&report, &item);
                    if page == "/" {
                        assert_eq!(item["url"], BASE);
                        assert_eq!(item["name"], "Influenceurs et marques : le baromètre");
                    } else {
                        assert_eq!(item["url"], format!("{BASE}en/"));
                        assert_eq!(item["name"], "Influencers and brands: the barometer");
                    }
                }
                Some("Dataset") => {
                    assert_valid(&datasets, &item);
                    let csv = item["distribution"][0]["contentUrl"].as_str().expect("a download");
                    assert!(local(&site, csv).is_file(), "{csv}");
                    described.insert(item["name"].as_str().expect("name").to_string());
                }
                Some("DataCatalog") => {
                    assert!(page.ends_with("/sources/"), "{page}: the catalogue is the sources page's");
                    let listed = item["dataset"].as_array().expect("datasets");
                    let folder = site.join(page.trim_start_matches('/')).join("../data");
                    let csvs = walkdir::WalkDir::new(&folder)
                        .into_iter()
                        .filter_map(Result::ok)
                        .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
                        .count();
                    assert_eq!(listed.len(), csvs, "{page}: every published dataset");
                    for ds in listed {
                        // Inside the catalogue, a dataset shares its context.
                        let mut alone = ds.clone();
                        alone["@context"] = item["@context"].clone();
                        assert_valid(&datasets, &alone);
                        let csv = ds["distribution"][0]["contentUrl"].as_str().expect("a download");
                        assert!(local(&site, csv).is_file(), "{csv}");
                    }
                }
                other => panic!("{page}: unexpected {other:?}"),
            }
        }
    }
    assert!(described.contains("Relations avec les annonceurs"), "{described:?}");
    // The dataset's source address is where its numbers can be checked.
    let relations = jsonld(&parse(&site, "/relations/"));
    let ds = relations.iter().find(|i| i["name"] == "Relations avec les annonceurs").expect("relations");
    let yaml =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/relations.yaml")).expect("data");
    let source_url = yaml.lines().find_map(|l| l.strip_prefix("source_url: ")).map(|s| s.trim_matches('"'));
    assert_eq!(ds.get("sameAs").and_then(Value::as_str), source_url);
}

#[test]
fn the_example_home_page_weighs_under_150_kb_with_everything_it_loads() {
    let (_dir, site) = example_site();
    let html = fs::read(site.join("index.html")).expect("home");
    let doc = Html::parse_document(&String::from_utf8_lossy(&html));
    let mut loaded: BTreeSet<PathBuf> = BTreeSet::new();
    for (css, name) in [
        (r#"link[rel="stylesheet"]"#, "href"),
        (r#"link[rel="preload"]"#, "href"),
        ("img", "src"),
        ("script[src]", "src"),
    ] {
        for e in select(&doc, css) {
            let href = e.value().attr(name).expect("address");
            assert!(!href.contains("://"), "{href} loads from another host");
            loaded.insert(site.join(href));
        }
    }
    let style = site.join("style.css");
    assert!(loaded.contains(&style), "{loaded:?}");
    for url in fs::read_to_string(&style).expect("css").split("url(\"").skip(1) {
        loaded.insert(site.join(url.split('"').next().expect("closed")));
    }
    let fonts: Vec<&PathBuf> = loaded.iter().filter(|p| p.starts_with(site.join("fonts"))).collect();
    assert!(fonts.len() >= 2, "{loaded:?}");
    for font in &fonts {
        let bytes = fs::read(font).unwrap_or_else(|e| panic!("{}: {e}", font.display()));
        assert_eq!(&bytes[..4], b"wOF2", "{} is WOFF2", font.display());
    }
    let weight: usize = html.len() + loaded.iter().map(|p| fs::read(p).map_or(0, |b| b.len())).sum::<usize>();
    assert!(weight < 150 * 1024, "the home page weighs {weight} bytes: {loaded:#?}");
    let published: Vec<_> = fs::read_dir(site.join("fonts")).expect("fonts").filter_map(Result::ok).collect();
    assert!(
        published.iter().all(|e| !e.path().extension().is_some_and(|x| x == "ttf" || x == "otf")),
        "whole fonts are for the PDF, not the site"
    );
    let css = fs::read_to_string(&style).expect("css");
    assert_eq!(css.matches("font-display: swap").count(), css.matches("@font-face").count());
}

const DATED_PAGES: &[(&str, &str)] = &[
    (
        "report.yaml",
        "title: \"Études & <tests>\"\nlanguage: fr\nauthor: Cabinet Exemple\nbase_url: https://example.org/etude\n",
    ),
    ("content/_index.md", "---\ntitle: Accueil\n---\nBienvenue.\n"),
    (
        "content/b.md",
        "---\ntitle: Deuxième vague\ndate: 2024-03-01\n---\nLa **deuxième** vague de l'enquête.\n",
    ),
    ("content/a.md", "---\ntitle: Première vague\ndate: 2023-11-15\n---\nLa première.\n"),
    ("content/c.md", "---\ntitle: \"Annexe <script>\"\ndate: 2024\n---\nSans mois ni jour.\n"),
    ("content/d.md", "---\ntitle: Sans date\n---\nPas de date.\n"),
];

#[test]
fn dated_pages_make_an_atom_feed_newest_first_and_sitemap_dates() {
    let f = Fixture::new(DATED_PAGES);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let xml = f.read("atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed Atom");
    let atom = "http://www.w3.org/2005/Atom";
    let feed = doc.root_element();
    assert!(feed.has_tag_name((atom, "feed")));
    let child = |n: roxmltree::Node, name: &str| {
        n.children().find(|c| c.has_tag_name((atom, name))).and_then(|c| c.text()).map(str::to_string)
    };
    assert_eq!(child(feed, "updated").as_deref(), Some("2024-03-01T00:00:00Z"), "the newest page's date");
    assert_eq!(child(feed, "title").as_deref(), Some("Études & <tests>"));
    let entries: Vec<roxmltree::Node> = feed.children().filter(|c| c.has_tag_name((atom, "entry"))).collect();
    let titles: Vec<String> = entries.iter().filter_map(|e| child(*e, "title")).collect();
    assert_eq!(titles, ["Deuxième vague", "Annexe <script>", "Première vague"]);
    let ids: BTreeSet<String> = entries.iter().filter_map(|e| child(*e, "id")).collect();
    assert_eq!(ids.len(), 3);
    let link =
        entries[0].children().find(|c| c.has_tag_name((atom, "link"))).and_then(|l| l.attribute("href"));
    assert_eq!(link, Some("https://example.org/etude/b/"));
    assert_eq!(child(entries[0], "summary").as_deref(), Some("La deuxième vague de l'enquête."));
    let head = Html::parse_document(&f.read("index.html"));
    assert_eq!(
        attr(&head, r#"link[rel="alternate"][type="application/atom+xml"]"#, "href").as_deref(),
        Some("./atom.xml")
    );

    let sitemap = f.read("sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap");
    let dates: Vec<(String, Option<String>)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("url"))
        .map(|u| {
            let text =
                |name| u.children().find(|c| c.has_tag_name(name)).and_then(|c| c.text()).map(str::to_string);
            (text("loc").expect("loc"), text("lastmod"))
        })
        .collect();
    assert!(dates.contains(&("https://example.org/etude/a/".into(), Some("2023-11-15".into()))), "{dates:?}");
    assert!(dates.contains(&("https://example.org/etude/c/".into(), Some("2024".into()))), "{dates:?}");
    assert!(dates.contains(&("https://example.org/etude/d/".into(), None)), "{dates:?}");
}

#[test]
fn without_an_address_the_feed_uses_stable_ids_and_nothing_claims_an_address() {
    let mut files = DATED_PAGES.to_vec();
    files[0] = ("report.yaml", "title: Études\nlanguage: fr\n");
    let f = Fixture::new(&files);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let xml = f.read("atom.xml");
    let doc = roxmltree::Document::parse(&xml).expect("Atom");
    let ids: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("id")).filter_map(|n| n.text()).collect();
    assert!(ids.iter().all(|id| id.starts_with("urn:uuid:")), "{ids:?}");
    f.build();
    assert_eq!(f.read("atom.xml"), xml, "ids stay the same from build to build");
    for file in ["sitemap.xml", "robots.txt", "cards"] {
        assert!(!f.public(file).exists(), "{file} needs base_url");
    }
    let home = Html::parse_document(&f.read("b/index.html"));
    for css in [r#"link[rel="canonical"]"#, r#"meta[property="og:url"]"#, r#"meta[property="og:image"]"#] {
        assert!(select(&home, css).is_empty(), "{css}");
    }
    assert_eq!(
        meta(&home, r#"meta[name="description"]"#).as_deref(),
        Some("La deuxième vague de l'enquête.")
    );

    // `--strict` says so, once, as a note that does not fail the check.
    let strict = f.run(&["check", "--strict"]);
    assert!(strict.status.success(), "{}", stderr(&strict));
    assert_eq!(stderr(&strict).matches("note: the site has no address").count(), 1, "{}", stderr(&strict));
    assert!(stderr(&strict).contains("base_url"), "{}", stderr(&strict));
    assert!(!stderr(&f.run(&["check"])).contains("base_url"), "only under --strict");
    let with_address = f.run(&["check", "--strict", "--base-url", "https://example.org/etude"]);
    assert!(with_address.status.success(), "{}", stderr(&with_address));
    assert!(!stderr(&with_address).contains("base_url"), "{}", stderr(&with_address));
    let bad = f.run(&["build", "--base-url", "example.org"]);
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

#[test]
fn the_404_page_works_at_any_depth() {
    // Without an address: its style is inside it and its links start at
    // the host's root.
    let f = common::french_survey();
    assert!(f.build().status.success());
    let page = Html::parse_document(&f.read("404.html"));
    assert!(select(&page, r#"link[rel="stylesheet"]"#).is_empty());
    let style: String = select(&page, "style").iter().flat_map(|s| s.text()).collect();
    assert!(style.contains(".masthead"), "the theme's style is inline");
    assert!(style.contains("url(\"/fonts/Inter-Regular.woff2\")"), "its fonts load from the host's root");
    for a in select(&page, "a[href]") {
        let href = a.value().attr("href").expect("href");
        assert!(href.starts_with('/') || href.starts_with('#'), "{href} depends on where the page is");
    }
    // With one: full addresses.
    f.write("report.yaml", "title: \"Étude <test>\"\nlanguage: fr\nbase_url: https://example.org/e/\n");
    assert!(f.build().status.success());
    let page = Html::parse_document(&f.read("404.html"));
    assert_eq!(
        attr(&page, r#"link[rel="stylesheet"]"#, "href").as_deref(),
        Some("https://example.org/e/style.css")
    );
    assert_eq!(attr(&page, "a.masthead-title", "href").as_deref(), Some("https://example.org/e/index.html"));
}

#[test]
fn text_from_data_stays_text_in_json_ld_and_sharing_tags() {
    let f = Fixture::new(&[
        ("report.yaml", "title: R\nbase_url: https://example.org/\n"),
        (
            "data/d.yaml",
            "title: \"</script><script>alert(1)</script>\"\nsource: \"A & B\"\nfields:\n  label: { label: \"Label\" }\n  n: { label: N }\nrows:\n  - { label: a, n: 1 }\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: \"Home \\\"quoted\\\" <b>\"\n---\n```chart\ntype: bar\ndata: d\nx: label\ny: n\n```\n",
        ),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = Html::parse_document(&f.read("index.html"));
    assert_eq!(select(&doc, "script").len(), 1, "only the JSON-LD script");
    let items = jsonld(&doc);
    let ds = items.iter().find(|i| i["@type"] == "Dataset").expect("dataset");
    assert_eq!(ds["name"], "</script><script>alert(1)</script>");
    assert_eq!(ds["citation"], "A & B");
}

#[test]
fn a_description_from_the_first_paragraph_is_plain_and_short() {
    let long = "word ".repeat(60);
    let f = Fixture::new(&[
        ("report.yaml", "title: R\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        (
            "content/a.md",
            &format!(
                "---\ntitle: A\n---\n# Heading first\n\nThe **first** [paragraph](https://example.org) with `code`[^1] and {long}\n\n[^1]: A note.\n"
            ),
        ),
    ]);
    assert!(f.build().status.success());
    let doc = Html::parse_document(&f.read("a/index.html"));
    let description = meta(&doc, r#"meta[name="description"]"#).expect("description");
    assert!(description.starts_with("The first paragraph with code and word word"), "{description}");
    assert!(description.ends_with('…') && description.chars().count() <= 160, "{description}");
    assert!(!description.contains(['*', '[', '`', '<']), "{description}");
}

#[test]
fn a_base_url_that_is_not_an_address_is_an_error_at_its_line() {
    let f = Fixture::new(&[("report.yaml", "title: R\nbase_url: www.example.org\n")]);
    let out = f.build();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("report.yaml:2") && err.contains("full http(s) address"), "{err}");
}

#[test]
fn a_robots_txt_of_the_project_is_kept_and_a_sitemap_of_its_own_is_an_error() {
    let f = Fixture::new(&[
        ("report.yaml", "title: R\nbase_url: https://example.org/\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
        ("static/robots.txt", "User-agent: *\nDisallow: /\n"),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(f.read("robots.txt"), "User-agent: *\nDisallow: /\n");
    assert!(f.public("sitemap.xml").is_file());
    f.write("static/sitemap.xml", "<urlset/>");
    let out = f.build();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("static/sitemap.xml"), "{}", stderr(&out));
    assert_ne!(f.read("sitemap.xml"), "<urlset/>", "the previous output is untouched");
}

#[test]
fn dropping_the_address_removes_our_cards_and_sitemap_but_never_a_file_of_yours() {
    let f = Fixture::new(&[
        ("report.yaml", "title: R\nbase_url: https://example.org/\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
    ]);
    assert!(f.build().status.success());
    assert!(f.public("cards/index.png").is_file() && f.public("sitemap.xml").is_file());
    fs::write(f.public("cards/mine.png"), b"yours").expect("write");
    fs::write(f.public("notes.txt"), b"yours too").expect("write");
    f.write("report.yaml", "title: R\n");
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    for ours in ["cards/index.png", "sitemap.xml", "robots.txt"] {
        assert!(!f.public(ours).exists(), "{ours} was ours, and is gone");
    }
    assert_eq!(fs::read(f.public("cards/mine.png")).expect("kept"), b"yours");
    assert_eq!(fs::read(f.public("notes.txt")).expect("kept"), b"yours too");
}
