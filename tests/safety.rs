//! What a dataset or front matter smuggles in lands as literal text, and
//! hostile or extreme input ends in an error at its line, never a crash.

mod common;

use common::{Fixture, all_svgs, stderr};

fn project(extra: &[(&str, &str)]) -> Fixture {
    let mut files = vec![
        ("report.yaml", "title: Safety\nlanguage: en\ncharts: { png: false }\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHello.\n"),
    ];
    files.extend_from_slice(extra);
    Fixture::new(&files)
}

/// Builds a project of `files` that must build; the fixture, to read it.
fn built(files: &[(&str, &str)]) -> Fixture {
    let f = project(files);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    f
}

/// Builds a project of `files` that must be refused: exit status 1 (never
/// a panic), nothing written. Its diagnostics.
fn refused(files: &[(&str, &str)]) -> String {
    let f = project(files);
    let out = f.build();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!f.root().join("public").exists());
    stderr(&out)
}

const HOSTILE: &str = "title: Hostile\nsource: Test\nrows:\n  - { id: link, label: \"[x](javascript:alert(1))\", share: 10 }\n  - { id: img, label: \"![t](https://host.example/p.png)\", share: 20 }\n  - { id: heading, label: \"# of posts\", share: 30 }\n  - { id: tag, label: \"<script>alert(1)</script>\", share: 40 }\n  - { id: ctrl, label: \"bell\\u0007 and nul\\u0000 end\", share: 50 }\n";

#[test]
fn values_quoted_in_prose_are_literal_text() {
    let page = "---\ntitle: A\n---\n{{ data.hostile.heading.label }}\n\nSee {{ data.hostile.link.label }} and {{ data.hostile.img.label }}.\n\n{% for r in data.hostile.rows %}- {{ r.label }}\n{% endfor %}\n\n<p title=\"{{ data.hostile.tag.label }}\">{{ data.hostile.tag.label }}</p>\n\n```table\ndata: hostile\n```\n";
    let f = built(&[("data/hostile.yaml", HOSTILE), ("content/a.md", page)]);
    let html = f.read("a/index.html");
    let main = &html[html.find("<main").unwrap()..];
    assert!(main.contains("<p># of posts</p>"), "a value is never a heading");
    assert!(!main.contains("href=\"javascript"), "nor a link");
    assert!(!main.contains("<img") && !main.contains("host.example/p.png\""), "nor an image");
    assert!(!main.contains("<script>"), "nor markup");
    assert!(main.contains("[x](javascript:alert(1))"), "the text itself is shown");
    assert!(main.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains('\u{7}') && !html.contains('\u{0}'), "control characters are not published");
}

#[test]
fn control_characters_in_labels_never_break_an_svg() {
    let page = "---\ntitle: A\n---\n```chart\ntype: bar\ndata: hostile\nx: label\ny: share\ntitle: \"Bell \\u0007 chart\"\n```\n";
    let f = built(&[("data/hostile.yaml", HOSTILE), ("content/a.md", page)]);
    let html = f.read("a/index.html");
    let svgs = all_svgs(&html);
    assert_eq!(svgs.len(), 2);
    for svg in svgs {
        roxmltree::Document::parse(svg).expect("well-formed inline SVG");
    }
    let file = std::fs::read_to_string(f.public("figures/a/1.svg")).unwrap();
    roxmltree::Document::parse(&file).expect("well-formed SVG download");
}

#[test]
fn a_source_url_with_another_scheme_is_an_error_at_its_line() {
    let ds = "title: T\nsource: S\nsource_url: \"javascript:alert(document.cookie)\"\nrows:\n  - { a: 1 }\n";
    let err = refused(&[("data/t.yaml", ds)]);
    assert!(err.contains("data/t.yaml:3:") && err.contains("must be a web or mail address"), "{err}");
}

#[test]
fn a_link_built_from_data_must_be_safe() {
    let ds = "title: T\nsource: S\nrows:\n  - { id: bad, url: \"javascript:alert(1)\" }\n  - { id: good, url: \"https://example.org/\" }\n";
    let page =
        "---\ntitle: A\n---\nIntro.\n\n[good]({{ data.t.good.url }}) and [bad]({{ data.t.bad.url }})\n";
    let err = refused(&[("data/t.yaml", ds), ("content/a.md", page)]);
    assert!(err.contains("content/a.md:6:") && err.contains("unsafe address"), "{err}");
}

#[test]
fn non_finite_numbers_are_never_published() {
    let raw = "title: R\nsource: S\nrows:\n  - { x: 1.5 }\n  - { x: .nan }\n";
    let err = refused(&[("data/raw.yaml", raw)]);
    assert!(err.contains("data/raw.yaml:5:"), "{err}");

    let raw = "title: R\nsource: S\nrows:\n  - { x: 1.5 }\n";
    let derived = "title: D\nfrom: raw\nderive:\n  y: round(x, 400)\n";
    let err = refused(&[("data/raw.yaml", raw), ("data/d.yaml", derived)]);
    assert!(err.contains("data/d.yaml:4:") && err.contains("not a finite number"), "{err}");
}

#[test]
fn csv_downloads_defuse_formulas() {
    let csv = "name,value\n=HYPERLINK(\"http://evil.example\";\"click\"),-1.5\n@handle,2\n";
    let f = built(&[("data/t.csv", csv), ("data/t.yaml", "title: T\nsource: S\n")]);
    let text = f.read("data/t.csv");
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(text.contains("'@handle,2"), "{text}");
    assert!(text.contains(",-1.5\n"), "negative numbers stay numbers: {text}");
}

#[test]
fn dataset_ids_that_would_break_links_are_refused_at_the_file() {
    let err = refused(&[("data/what#now.csv", "a\n1\n"), ("data/50%.yaml", "rows: []\n")]);
    assert!(err.contains("data/what#now.csv") && err.contains("data/50%.yaml"), "{err}");
}

#[test]
fn heading_ids_can_be_written_and_footnotes_keep_their_own() {
    let page = "---\ntitle: A\n---\n## Notes {#notes}\n\nText[^reach].\n\n## Reach\n\n[See](#notes)\n\n[^reach]: The note.\n";
    let f = built(&[("content/a.md", page)]);
    let html = f.read("a/index.html");
    assert!(html.contains("<h2 id=\"notes\">Notes</h2>"), "{html}");
    assert!(html.contains("<h2 id=\"reach\">Reach</h2>"));
    let ids: Vec<&str> = html.split("id=\"").skip(1).filter_map(|s| s.split('"').next()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "every id once: {ids:?}");
    assert!(html.contains("href=\"#fn-reach\""));
}

fn bar_page(extra: &str) -> String {
    format!("---\ntitle: A\n---\nIntro.\n\n```chart\ntype: bar\ndata: d\nx: label\ny: v\n{extra}```\n")
}

#[test]
fn extreme_values_are_errors_at_the_block() {
    let data =
        ("data/d.yaml", "title: D\nsource: S\nrows:\n  - { label: a, v: 1.7e308 }\n  - { label: b, v: 1 }\n");
    let err = refused(&[data, ("content/a.md", &bar_page(""))]);
    assert!(err.contains("content/a.md:7:") && err.contains("beyond what a chart draws"), "{err}");

    let data =
        ("data/d.yaml", "title: D\nsource: S\nrows:\n  - { label: a, v: 5 }\n  - { label: b, v: 1 }\n");
    let err = refused(&[data, ("content/a.md", &bar_page("min: -1e308\nmax: 1e308\n"))]);
    assert!(err.contains("content/a.md:11:") && err.contains("content/a.md:12:"), "{err}");
}

#[test]
fn a_chart_of_ten_thousand_categories_is_refused_with_a_fix() {
    let mut csv = String::from("label,v\n");
    for i in 0..10_000 {
        csv.push_str(&format!("brand {i},{i}\n"));
    }
    let err = refused(&[("data/d.csv", &csv), ("content/a.md", &bar_page(""))]);
    assert!(err.contains("content/a.md:7:") && err.contains("more than 200 categories"), "{err}");
    assert!(err.contains("`table` block"), "{err}");

    csv.push_str("one more,1\n");
    let err =
        refused(&[("data/d.csv", &csv), ("content/a.md", "---\ntitle: A\n---\n```table\ndata: d\n```\n")]);
    assert!(err.contains("content/a.md:5:") && err.contains("at most 10000 rows"), "{err}");
}

#[test]
fn a_label_of_forty_thousand_characters_draws_a_bounded_chart() {
    let long = "très long libellé ".repeat(2_300);
    let data =
        format!("title: D\nsource: S\nrows:\n  - {{ label: \"{long}\", v: 5 }}\n  - {{ label: b, v: 1 }}\n");
    let started = std::time::Instant::now();
    let f = built(&[("data/d.yaml", &data), ("content/a.md", &bar_page(""))]);
    assert!(started.elapsed().as_secs() < 20, "took {:?}", started.elapsed());
    let svg = std::fs::read_to_string(f.public("figures/a/1.svg")).unwrap();
    assert!(svg.len() < 50_000, "the chart stays small: {} bytes", svg.len());
    assert!(svg.contains('…'));
    assert!(f.read("a/index.html").contains(long.trim()), "the data table keeps the whole label");
}

#[test]
fn deeply_nested_filters_and_prose_are_errors_not_crashes() {
    let raw = ("data/raw.yaml", "title: R\nsource: S\nrows:\n  - { x: 1 }\n");
    let derived = format!("title: D\nfrom: raw\nfilter: {}x > 0{}\n", "(".repeat(3000), ")".repeat(3000));
    let err = refused(&[raw, ("data/d.yaml", &derived)]);
    assert!(err.contains("data/d.yaml:3:"), "{err}");

    let page = format!("---\ntitle: A\n---\n{{{{ {}1{} }}}}\n", "(".repeat(3000), ")".repeat(3000));
    let err = refused(&[("content/a.md", &page)]);
    assert!(err.contains("content/a.md:4:"), "{err}");
}

#[test]
fn runaway_prose_and_huge_decimals_are_errors_at_the_page() {
    let page = "---\ntitle: A\n---\nIntro.\n\n{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}\n";
    let started = std::time::Instant::now();
    let err = refused(&[("content/a.md", page)]);
    assert!(started.elapsed().as_secs() < 20);
    assert!(err.contains("content/a.md:6:") && err.contains("100000 numbers"), "{err}");

    let err = refused(&[("content/a.md", "---\ntitle: A\n---\n{{ 72 | percent(decimals=65536) }}\n")]);
    assert!(err.contains("content/a.md:4:") && err.contains("from 0 to 10"), "{err}");
}
