//! Building real fixture projects and inspecting what comes out.

mod common;

use std::fs;

use common::{Fixture, french_survey, stderr, svgs};

#[test]
fn french_report_formats_numbers_and_renders_charts() {
    let f = french_survey();
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("built 3 pages, 1 chart, 1 dataset and the PDF ("), "{summary}");
    let home = f.read("index.html");
    assert!(home.contains("interrogé 1\u{202F}252 influenceurs"), "grouping");
    assert!(home.contains("72\u{202F}% sans retour"), "percent");
    assert!(home.contains("±\u{a0}2,5 points"), "margin of error, kept with its sign");
    assert!(home.contains("<code>{{ reste }}</code>"), "code stays literal");
    assert!(home.contains("href=\"methode/index.html#echantillon\""), "page link rewritten");
    assert!(home.contains("<html lang=\"fr\">"));
    assert!(home.contains("Étude &lt;test&gt;"), "title escaped");
}

#[test]
fn chart_is_an_accessible_figure_with_data_and_csv() {
    let f = french_survey();
    assert!(f.build().status.success());
    let home = f.read("index.html");
    let fig_start = home.find("<figure class=\"chart chart-bar\"").expect("chart figure");
    let figure = &home[fig_start..fig_start + home[fig_start..].find("</figure>").unwrap()];
    assert!(figure.contains("<figcaption>"));
    assert!(figure.contains("Ce que vivent les influenceurs"));
    assert!(figure.contains("Cabinet &amp; associés"), "source in caption, escaped");
    assert!(figure.contains("n\u{a0}=\u{a0}1\u{202F}252"), "sample size in caption");
    assert!(
        figure.contains("<table>") && figure.contains("<td class=\"num\">72\u{202F}%</td>"),
        "data table"
    );
    assert!(figure.contains("href=\"./data/relations.csv\""), "csv link");
    assert!(home.contains("<span class=\"fig-label\">Tableau\u{a0}1</span>"), "tables are numbered apart");
    let csv = f.read("data/relations.csv");
    assert!(csv.starts_with("id,statement,share\n"), "{csv}");
    assert!(csv.contains("no_feedback,Aucun retour sur leurs prestations,72\n"), "{csv}");
}

#[test]
fn svg_is_well_formed_scalable_and_true_to_the_data() {
    let f = french_survey();
    assert!(f.build().status.success());
    let home = f.read("index.html");
    let svg = svgs(&home)[0];
    let doc = roxmltree::Document::parse(svg).expect("SVG parses as XML");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("viewBox").is_some_and(|v| v.starts_with("0 0 720 ")));
    assert_eq!(root.attribute("width"), Some("100%"));
    let title = root.children().find(|n| n.has_tag_name("title")).and_then(|n| n.text());
    assert_eq!(title, Some("Ce que vivent les influenceurs"));
    let desc = root.children().find(|n| n.has_tag_name("desc")).and_then(|n| n.text()).unwrap();
    assert!(desc.contains("Aucun retour sur leurs prestations (72\u{202F}%)"), "{desc}");
    // Bar lengths are proportional to the values.
    let bars: Vec<f64> = root
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") != Some("#FFFFFF"))
        .map(|n| n.attribute("width").unwrap().parse().unwrap())
        .collect();
    assert_eq!(bars.len(), 3, "three bars, besides the white boxes behind labels");
    for (bar, value) in bars.iter().zip([72.0, 65.0, 48.0]) {
        let expected = bars[0] * value / 72.0;
        assert!((bar - expected).abs() <= 1.0, "bar {bar} for {value}, expected {expected}");
    }
    let texts: Vec<String> = root
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect();
    for label in ["72\u{202F}%", "65\u{202F}%", "48\u{202F}%"] {
        assert!(texts.iter().any(|t| t == label), "value label {label} in {texts:?}");
    }
    assert!(
        texts.join(" ").contains("panneau publicitaire <b>"),
        "escaped markup survives as text: {texts:?}"
    );
}

#[test]
fn english_report_uses_english_formats() {
    let f = Fixture::new(&[
        ("report.yaml", "title: Study\nlanguage: en\n"),
        (
            "data/trust.csv",
            "year,group,score\n2012,CEOs,45.5\n2016,CEOs,53.5\n2012,Brands,48\n2016,Brands,52\n",
        ),
        ("data/trust.yaml", "title: Trust\nsource: Barometer 2016\nfields:\n  year: { type: date }\n"),
        (
            "content/_index.md",
            "---\ntitle: Home\n---\n{{ 1252 | number }} and {{ 72 | percent }} and {{ 0.5 | number(decimals=1) }}.\n\n```chart\ntype: line\ndata: trust\nx: year\ny: score\nseries: group\n```\n",
        ),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    assert!(home.contains("1,252 and 72% and 0.5."), "english formats");
    let svg = svgs(&home)[0];
    let doc = roxmltree::Document::parse(svg).expect("xml");
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .collect();
    assert!(texts.iter().any(|t| t == "2012"), "years are not grouped: {texts:?}");
    assert!(texts.iter().any(|t| t == "CEOs 53.5"), "direct label on the series: {texts:?}");
    assert!(home.contains("Source: Barometer 2016"));
}

#[test]
fn every_chart_type_renders_valid_svg() {
    let mut page = String::from("---\ntitle: Home\n---\n");
    for (kind, extra) in [
        ("bar", ""),
        ("column", ""),
        ("line", ""),
        ("donut", ""),
        ("stacked", "series: g\n"),
        ("scatter", ""),
    ] {
        let (x, y) = if kind == "scatter" { ("v", "w") } else { ("c", "v") };
        page.push_str(&format!("\n```chart\ntype: {kind}\ndata: d\nx: {x}\ny: {y}\n{extra}```\n"));
    }
    let f = Fixture::new(&[
        ("report.yaml", "title: T\n"),
        (
            "data/d.yaml",
            "rows:\n  - { c: a, g: x, v: 10, w: 1.5 }\n  - { c: b, g: y, v: 30, w: 2.5 }\n  - { c: a, g: y, v: 5, w: 3 }\n",
        ),
        ("content/_index.md", &page),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    let svgs = svgs(&home);
    assert_eq!(svgs.len(), 6);
    for svg in svgs {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        assert_eq!(doc.root_element().attribute("role"), Some("img"));
        common::assert_legible(svg);
    }
}

#[test]
fn pages_are_ordered_with_previous_and_next() {
    let f = french_survey();
    assert!(f.build().status.success());
    let annexe = f.read("annexe/index.html");
    assert!(annexe.contains("href=\"../index.html\" rel=\"prev\""), "prev is home");
    assert!(annexe.contains("href=\"../methode/index.html\" rel=\"next\""), "weight 1 before weight 2");
    let home = f.read("index.html");
    let a = home.find(">Annexe<").unwrap();
    let m = home.find(">Méthode<").unwrap();
    assert!(a < m, "navigation follows weight");
}

#[test]
fn rebuilds_are_byte_identical() {
    let f = french_survey();
    assert!(f.build().status.success());
    let first = common::files(&f.public(""));
    assert!(f.build().status.success());
    assert_eq!(first, common::files(&f.public("")));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHi\n"),
        ("content/wip.md", "---\ntitle: WIP\ndraft: true\n---\nSoon\n"),
    ]);
    assert!(f.build().status.success());
    assert!(!f.public("wip/index.html").exists());
    assert!(f.run(&["build", "--drafts"]).status.success());
    assert!(f.public("wip/index.html").exists());
}

#[test]
fn a_project_with_only_report_yaml_and_one_page_builds() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHello\n"),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(f.read("index.html").contains("<p>Hello</p>"));
    assert!(f.public("style.css").exists() && f.public("404.html").exists());
}

#[test]
fn output_loads_nothing_from_other_hosts_and_needs_no_javascript() {
    let f = french_survey();
    assert!(f.build().status.success());
    for page in ["index.html", "methode/index.html", "404.html"] {
        let html = f.read(page);
        // JSON-LD is data for search engines, not a script a browser runs.
        let data = html.matches("<script type=\"application/ld+json\">").count();
        assert_eq!(html.matches("<script").count(), data, "{page} has a script");
        for attr in ["src=\"http", "href=\"http", "url(http", "src=\"//", "href=\"//"] {
            assert!(!html.contains(attr), "{page} loads {attr}");
        }
    }
    let css = f.read("style.css");
    assert!(
        !css.contains("url(http") && !css.contains("url(//") && !css.contains("@import"),
        "css loads from elsewhere"
    );
}

#[test]
fn project_templates_override_the_theme() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHello\n"),
        ("templates/index.html", "<main>custom {{ page.title }} {{ page.content | safe }}</main>\n"),
    ]);
    assert!(f.build().status.success());
    assert_eq!(f.read("index.html"), "<main>custom Home <p>Hello</p>\n</main>\n");
}

#[test]
fn check_validates_without_writing() {
    let f = french_survey();
    let out = f.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!f.root().join("public").exists());
}

#[test]
fn example_report_builds() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out_dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_barometer"))
        .args(["build", "--root", root, "--output"])
        .arg(out_dir.path().join("site"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let site = out_dir.path().join("site");
    let relations = fs::read_to_string(site.join("relations/index.html")).unwrap();
    assert!(relations.contains("72\u{202F}% des répondants"));
    let charts: usize = [
        "index.html",
        "profils/index.html",
        "relations/index.html",
        "confiance/index.html",
        "benefices/index.html",
    ]
    .iter()
    .map(|p| svgs(&fs::read_to_string(site.join(p)).unwrap()).len())
    .sum();
    assert!(charts >= 6, "{charts} charts");
    for page in ["profils", "relations", "confiance", "benefices"] {
        let html = fs::read_to_string(site.join(page).join("index.html")).unwrap();
        for svg in common::all_svgs(&html) {
            common::assert_legible(svg);
        }
    }
    // The appendix's tier benchmarks are derived from the illustrative accounts;
    // numpy.quantile / numpy.median on comptes.csv by tier give these values.
    let paliers = fs::read_to_string(site.join("data/illustratif/paliers.csv")).unwrap();
    assert_eq!(
        paliers,
        "id,tier,accounts,q1,median,q3\nnano,nano,12,3.275,4.65,6.95\nmicro,micro,21,3.2,3.9,5\nmacro,macro,18,1.725,2.75,3.6\nmega,mega,9,1.4,1.7,2.1\n"
    );
    for ds in ["relations", "enquete", "benefices", "usages", "confiance", "tiers"] {
        assert!(site.join(format!("data/{ds}.csv")).exists(), "{ds}.csv");
    }
}

#[test]
fn datasets_with_slashes_and_dashes_are_reachable_by_subscript() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\n"),
        ("data/survey/trust-2016.yaml", "rows:\n  - { id: ceo, score: 53 }\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nScore {{ data[\"survey/trust-2016\"].ceo.score }}.\n"),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(f.read("index.html").contains("Score 53."));
    assert!(f.public("data/survey/trust-2016.csv").exists());
}

#[test]
fn front_matter_and_dataset_text_are_escaped_everywhere() {
    let f = Fixture::new(&[
        ("report.yaml", "title: \"R & <D>\"\ndescription: 'say \"hi\"'\n"),
        (
            "data/d.yaml",
            "title: \"<img src=x onerror=alert(1)>\"\nrows:\n  - { id: a, label: \"<script>x</script>\", v: 1 }\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: \"<script>alert(1)</script>\"\ndescription: '\"><b>'\n---\n{{ data.d.a.label }}\n\n```chart\ntype: bar\ndata: d\nx: label\ny: v\n```\n",
        ),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let html = f.read("index.html");
    let data = html.matches("<script type=\"application/ld+json\">").count();
    assert_eq!(html.matches("<script").count(), data, "no script element but JSON-LD");
    for json in html.split("<script type=\"application/ld+json\">").skip(1) {
        let json = json.split("</script>").next().expect("closed");
        assert!(!json.contains(['<', '>']), "text from data stays inside the JSON: {json}");
    }
    assert!(!html.contains("<img src=x"), "dataset title escaped");
    assert!(!html.contains("\"><b>"), "attribute values escaped");
    assert!(html.contains("R &amp; &lt;D&gt;"));
    for svg in svgs(&html) {
        roxmltree::Document::parse(svg).expect("SVG stays well-formed");
    }
}

#[test]
fn output_works_from_a_sub_path_with_relative_links_only() {
    let f = french_survey();
    assert!(f.build().status.success());
    for page in ["index.html", "methode/index.html", "annexe/index.html"] {
        let html = f.read(page);
        for attr in ["href=\"/", "src=\"/"] {
            assert!(!html.contains(attr), "{page} has a root-absolute link");
        }
    }
    let methode = f.read("methode/index.html");
    assert!(methode.contains("href=\"../style.css\""));
    assert!(methode.contains("href=\"../index.html\""), "link back to the home page");
}

#[test]
fn front_matter_settings_static_files_and_output_folder() {
    let f = Fixture::new(&[
        ("report.yaml", "title: T\n"),
        ("static/img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ("templates/wide.html", "WIDE {{ page.title }} {{ page.date }}"),
        ("content/_index.md", "---\ntitle: Home\n---\nHi\n"),
        ("content/s/_index.md", "---\ntitle: Section\n---\n"),
        (
            "content/s/long-name.md",
            "---\ntitle: Short\nslug: short\ntoc: true\ndate: 2018-05-31\ndescription: About it\n---\n## First\n\n### Sub\n",
        ),
        ("content/s/other.md", "---\ntitle: Other\ntemplate: wide.html\ndate: 2016\n---\n"),
    ]);
    let out = f.run(&["build", "--output", "site"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let site = f.root().join("site");
    assert!(site.join("img/logo.svg").exists(), "static/ copied as is");
    let short = fs::read_to_string(site.join("s/short/index.html")).unwrap();
    assert!(
        short.contains("<a href=\"#first\">First</a>") && short.contains("<a href=\"#sub\">Sub</a>"),
        "toc"
    );
    assert!(short.contains("2018-05-31") && short.contains("About it"));
    assert_eq!(fs::read_to_string(site.join("s/other/index.html")).unwrap(), "WIDE Other 2016");
    assert!(!f.root().join("public").exists());
}

#[test]
fn awkward_data_stays_inside_the_chart() {
    let long = "https://example.org/a/very/long/address/that/never/breaks/anywhere/at/all";
    let f = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: fr\n"),
        (
            "data/d.yaml",
            &format!(
                "rows:\n  - {{ c: \"{long}\", v: -12.5 }}\n  - {{ c: \"Une très longue étiquette de catégorie qui doit passer à la ligne plusieurs fois sans sortir\", v: 1234567 }}\n  - {{ c: vide, v: ~ }}\n"
            ),
        ),
        (
            "content/_index.md",
            "---\ntitle: H\n---\n```chart\ntype: bar\ndata: d\nx: c\ny: v\n```\n\n```chart\ntype: column\ndata: d\nx: c\ny: v\n```\n\n```chart\ntype: line\ndata: d\nx: c\ny: v\n```\n",
        ),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    for svg in svgs(&home) {
        common::assert_legible(svg);
    }
    assert!(home.contains("1\u{202F}234\u{202F}567"), "big values keep every digit");
}

/// A page with a title and one line of text.
fn page(title: &str) -> String {
    format!("---\ntitle: {title}\n---\nText of {title}.\n")
}

#[test]
fn navigation_opens_the_sections_on_the_way_to_the_page_only() {
    let f = Fixture::new(&[
        ("report.yaml", "title: Nav\nlanguage: en\n"),
        ("content/_index.md", &page("Home")),
        ("content/intro.md", &page("Intro")),
        ("content/s/_index.md", &page("Part S")),
        ("content/s/b.md", &page("Chapter B")),
        ("content/s/c.md", &page("Chapter C")),
        ("content/t/_index.md", &page("Part T")),
        ("content/t/d.md", &page("Chapter D")),
    ]);
    assert!(f.build().status.success());
    let nav_titles = |path: &str| -> Vec<String> {
        let html = f.read(path);
        let start = html.find("<nav class=\"chapters\"").expect("a chapter navigation");
        let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
        nav.split("</a>")
            .filter_map(|a| a.rsplit('>').next())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    };
    assert_eq!(nav_titles("index.html"), ["Home", "Intro", "Part S", "Part T"]);
    assert_eq!(nav_titles("s/b/index.html"), ["Home", "Intro", "Part S", "Chapter B", "Chapter C", "Part T"]);
    assert_eq!(nav_titles("t/index.html"), ["Home", "Intro", "Part S", "Part T", "Chapter D"]);
    // Previous and next still walk every page in reading order.
    assert!(f.read("s/c/index.html").contains("Part T"));
}

#[test]
fn a_rebuild_touches_only_what_changed_and_removes_what_went() {
    let f = Fixture::new(&[
        ("report.yaml", "title: Writes\nlanguage: en\n"),
        ("content/_index.md", &page("Home")),
        ("content/a.md", &page("A")),
        ("content/b.md", &page("B")),
    ]);
    assert!(f.build().status.success());
    let modified = |path: &str| std::fs::metadata(f.public(path)).unwrap().modified().unwrap();
    let style_before = modified("style.css");
    std::thread::sleep(std::time::Duration::from_millis(20));
    f.write("content/a.md", &page("A, revised"));
    std::fs::remove_file(f.root().join("content/b.md")).unwrap();
    assert!(f.build().status.success());
    assert!(f.read("a/index.html").contains("A, revised"));
    assert!(!f.public("b").exists(), "the page that went is gone, folder and all");
    assert_eq!(modified("style.css"), style_before, "an unchanged file is not written again");
    let leftovers: Vec<_> = walkdir::WalkDir::new(f.public(""))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("barometer"))
        .filter(|e| e.file_name() != ".barometer-manifest")
        .collect();
    assert!(leftovers.is_empty(), "no temporary file: {leftovers:?}");
}

#[test]
fn long_tables_show_their_first_rows_and_a_box_for_all_and_keep_their_first_column_in_view() {
    let rows = |n: usize| {
        let mut csv = String::from("category,share\n");
        for i in 1..=n {
            csv.push_str(&format!("Catégorie au libellé assez long numéro {i},{}\n", i as f64 / 2.0 - 5.0));
        }
        csv
    };
    let f = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: en\n"),
        ("data/long.csv", &rows(40)),
        ("data/short.csv", &rows(25)),
        (
            "content/_index.md",
            "---\ntitle: H\n---\n```table\ndata: long\n```\n\n```table\ndata: short\n```\n",
        ),
    ]);
    assert!(f.build().status.success());
    let home = f.read("index.html");
    let tables: Vec<&str> = home.split("<figure class=\"data-table\"").skip(1).collect();
    // Every row is in the page (the box only hides rows from view).
    assert_eq!(tables[0].matches("<tr>").count(), 41);
    assert!(
        tables[0].contains("<input type=\"checkbox\" class=\"table-all\" id=\"table-1-all\">"),
        "{}",
        tables[0]
    );
    assert!(
        tables[0].contains("<label class=\"table-all-label\" for=\"table-1-all\">Show all 40 rows</label>")
    );
    assert!(!tables[1].contains("table-all"), "25 rows show whole");
    let css = f.read("style.css");
    // The rows hidden until the box is ticked are those after the 25th.
    assert!(
        css.contains(".table-all:not(:checked) ~ .table-scroll tbody tr:nth-child(n+26) { display: none; }")
    );
    assert!(
        css.contains(
            ".table-scroll th:first-child, .table-scroll td:first-child { position: sticky; left: 0;"
        )
    );
}

/// The links of a page's chapter navigation: (class, text, href).
fn nav_links(html: &str) -> Vec<(String, String, String)> {
    let nav =
        html.split("<nav class=\"chapters\"").nth(1).and_then(|n| n.split("</nav>").next()).unwrap_or("");
    nav.split("<li class=\"")
        .skip(1)
        .map(|li| {
            let class = li.split('"').next().unwrap_or("").to_string();
            let href = li.split("href=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string();
            let text = li.split('>').nth(2).and_then(|r| r.split('<').next()).unwrap_or("").to_string();
            (class, text, href)
        })
        .collect()
}

#[test]
fn a_long_flat_section_lists_the_pages_around_the_one_read_and_links_to_all() {
    let mut files = vec![("report.yaml".to_string(), "title: Long\nlanguage: en\npdf: false\n".to_string())];
    files.push(("content/_index.md".into(), "---\ntitle: Home\n---\nAll chapters.\n".into()));
    for i in 1..=60 {
        files.push((
            format!("content/c{i:02}.md"),
            format!("---\ntitle: Chapter {i}\nweight: {i}\n---\nText {i}.\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let f = Fixture::new(&refs);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));

    let home = nav_links(&f.read("index.html"));
    assert_eq!(home.len(), 61, "the section's index lists every page: {home:?}");
    let middle = nav_links(&f.read("c30/index.html"));
    let titles: Vec<&str> = middle.iter().map(|(_, t, _)| t.as_str()).collect();
    let around: Vec<String> = (23..=37).map(|i| format!("Chapter {i}")).collect();
    assert_eq!(titles.first(), Some(&"Home"));
    assert_eq!(&titles[1..16], around.iter().map(String::as_str).collect::<Vec<_>>(), "{titles:?}");
    let (class, text, href) = middle.last().expect("a link to all");
    assert!(class.contains("all"), "{class}");
    assert_eq!((text.as_str(), href.as_str()), ("All 60 chapters", "../index.html"));
    assert!(middle.iter().any(|(c, t, _)| c.contains("current") && t == "Chapter 30"));
    // At the ends the window keeps its width.
    let first = nav_links(&f.read("c01/index.html"));
    let last = nav_links(&f.read("c60/index.html"));
    assert_eq!(first.len(), middle.len());
    assert_eq!(last.len(), middle.len());
    assert_eq!(first[1].1, "Chapter 1");
    assert_eq!(last[last.len() - 2].1, "Chapter 60");
}
