//! Chart craft on messy data: the fixture project `tests/fixtures/messy`
//! (a student's monthly counts out of order with a missing month and a
//! blank cell, negative changes, 40 brands, 300 accounts of skewed size, a
//! single row, all zeros, all negative) built as a reader gets it.

mod common;

use std::sync::OnceLock;

use common::{Fixture, all_svgs, assert_legible, fixture_copy, narrow_svgs, svgs, texts};

/// The fixture, built once for all tests of this file.
/// The fixture, built once for all tests of this file: the project, its
/// home page, and what the build printed.
fn built() -> &'static (Fixture, String, String) {
    static BUILT: OnceLock<(Fixture, String, String)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let f = fixture_copy("messy");
        let out = f.build();
        assert!(out.status.success(), "{}", common::stderr(&out));
        let home = f.read("index.html");
        (f, home, common::stderr(&out))
    })
}

fn home() -> &'static str {
    &built().1
}

fn chart(i: usize) -> &'static str {
    svgs(home())[i]
}

fn doc(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).expect("well-formed SVG")
}

fn num(n: &roxmltree::Node, a: &str) -> f64 {
    n.attribute(a).unwrap_or("0").parse().unwrap_or(0.0)
}

/// The notes under the page's figures, with every kind of space as a space.
fn figure_notes() -> Vec<String> {
    home()
        .split("<span class=\"fig-note\">")
        .skip(1)
        .map(|n| n.split("</span>").next().unwrap_or("").replace(['\u{a0}', '\u{202F}'], " "))
        .collect()
}

#[test]
fn every_chart_is_legible_at_both_widths() {
    let all = all_svgs(home());
    assert_eq!(all.len(), 24, "twelve charts, each drawn wide and narrow");
    for svg in all {
        assert_legible(svg);
        assert!(!texts(svg).iter().any(|t| t.ends_with('…')), "no label is cut: {:?}", texts(svg));
    }
}

#[test]
fn dates_are_sorted_placed_by_time_and_labelled_in_french() {
    let svg = chart(0);
    let t = texts(svg);
    for label in ["janv. 2024", "avr.", "juil.", "janv. 2025"] {
        assert!(t.contains(&label.to_string()), "{label} in {t:?}");
    }
    assert!(!t.iter().any(|l| l.starts_with("202") && l.len() > 4), "no raw dates: {t:?}");
    // Instagram's points, in the series' colour, in drawing order.
    let d = doc(svg);
    let xs: Vec<f64> = d
        .descendants()
        .filter(|n| n.has_tag_name("circle") && n.attribute("fill") == Some("#1F4E79"))
        .map(|n| num(&n, "cx"))
        .collect();
    // 24 months, less July 2024 (blank cell) and March 2025 (no row).
    assert_eq!(xs.len(), 22);
    assert!(xs.windows(2).all(|w| w[1] > w[0]), "shuffled rows are drawn in time order: {xs:?}");
    // Jan → Feb 2025 is 31 days; Feb → Apr 2025 is 59: the gap shows.
    let (jan, feb, apr) = (xs[11], xs[12], xs[13]);
    let ratio = (apr - feb) / (feb - jan);
    // Points sit on whole pixels, so the ratio is within a pixel's error.
    assert!((ratio - 59.0 / 31.0).abs() < 0.15, "spacing follows time: {ratio}");
    let runs = d
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#1F4E79"))
        .count();
    assert_eq!(runs, 3, "the line breaks at both missing months");
    // Tables read dates the same way.
    assert!(home().contains("<td>juil. 2024</td>"), "dates in tables");
}

#[test]
fn a_scatter_places_dated_points_by_time() {
    let svg = chart(11);
    let t = texts(svg);
    assert!(t.contains(&"févr. 2025".to_string()) && t.contains(&"déc.".to_string()), "{t:?}");
    let csv = std::fs::read_to_string(built().0.root().join("data/publications.csv")).unwrap();
    let dates: Vec<String> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect();
    let d = doc(svg);
    let xs: Vec<f64> = d.descendants().filter(|n| n.has_tag_name("circle")).map(|n| num(&n, "cx")).collect();
    assert_eq!(xs.len(), dates.len());
    // Points are drawn in file order; their x follows their date.
    for (i, j) in (0..xs.len()).flat_map(|i| (0..xs.len()).map(move |j| (i, j))) {
        if dates[i] < dates[j] {
            assert!(xs[i] <= xs[j], "{} at {} is right of {} at {}", dates[i], xs[i], dates[j], xs[j]);
        }
    }
}

#[test]
fn a_missing_value_is_a_gap_said_in_the_note_never_a_dip() {
    let svg = chart(1);
    // Three series, each broken into three runs by July 2024 (Instagram,
    // the bottom of the stack, is blank) and March 2025 (no row at all).
    assert_eq!(doc(svg).descendants().filter(|n| n.has_tag_name("polygon")).count(), 9);
    let d = doc(svg);
    let desc = d.descendants().find(|n| n.has_tag_name("desc")).and_then(|n| n.text()).unwrap_or("");
    assert!(desc.contains("laissées en blanc") && desc.contains("juil. 2024 (Instagram)"), "{desc}");
    let notes = figure_notes();
    let said = |text: &str| notes.iter().any(|n| n.contains(text));
    assert!(said("4 valeurs manquantes, laissées en blanc : juil. 2024 (Instagram)"), "{notes:?}");
    assert!(
        said("Valeurs manquantes comptées comme zéro : juil. 2024 (Instagram), mars 2025 (Instagram)"),
        "{notes:?}"
    );
}

#[test]
fn negative_bars_carry_their_labels_on_their_side_with_a_true_minus() {
    for svg in [chart(3), narrow_svgs(home())[3]] {
        let d = doc(svg);
        let label = d
            .descendants()
            .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some("\u{2212}1,9\u{a0}pts"));
        let label = label.expect("−1,9 pts, with U+2212 and its unit");
        assert_eq!(label.attribute("text-anchor"), Some("end"), "ends at the bar's end");
        let bars: Vec<(f64, f64)> = d
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F4E79"))
            .map(|n| (num(&n, "x"), num(&n, "y")))
            .collect();
        let y = num(&label, "y");
        let bar = bars.iter().min_by(|a, b| (a.1 - y).abs().total_cmp(&(b.1 - y).abs())).expect("bars");
        assert!(num(&label, "x") <= bar.0, "the label stands left of its negative bar");
        assert!(!texts(svg).iter().any(|t| t.starts_with('-')), "no hyphen as a minus: {:?}", texts(svg));
    }
    // The zero line is drawn.
    let zero_lines = doc(chart(3))
        .descendants()
        .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#5C5C5C"))
        .count();
    assert!(zero_lines >= 1);
}

#[test]
fn forty_columns_stand_their_labels_up_and_become_bars_on_phones() {
    let brands: Vec<String> = std::fs::read_to_string(built().0.root().join("data/marques.yaml"))
        .unwrap()
        .lines()
        .filter_map(|l| l.split("marque: \"").nth(1).and_then(|r| r.split('"').next()))
        .map(str::to_string)
        .collect();
    assert_eq!(brands.len(), 40);
    let wide = chart(4);
    let t = texts(wide);
    assert!(brands.iter().all(|b| t.contains(b)), "every brand whole");
    assert!(wide.contains("rotate(270"), "labels turned upright");
    let narrow = narrow_svgs(home())[4];
    let bars = doc(narrow)
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F4E79"))
        .filter(|n| num(n, "width") > num(n, "height"))
        .count();
    assert_eq!(bars, 40, "horizontal bars on phones");
    assert!(brands.iter().all(|b| texts(narrow).contains(b)));
    // The author hears about it, at the block.
    let said = &built().2;
    assert!(said.contains("the labels of these 40 columns do not fit side by side"), "{said}");
    assert!(said.contains("content/_index.md:52:1") && said.contains("`type: bar`"), "{said}");
    assert_eq!(said.matches("do not fit side by side").count(), 1, "columns that fit are not flagged");
}

/// The median engagement of the nano tier (1,000 to 9,999 followers),
/// computed here from the CSV, independently of barometer's statistics.
fn nano_median() -> f64 {
    let csv = std::fs::read_to_string(built().0.root().join("data/comptes.csv")).unwrap();
    let mut rates: Vec<f64> = csv
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let (followers, likes) = (c[2].parse::<f64>().ok()?, c[3].parse::<f64>().ok()?);
            let comments = c[4].parse::<f64>().ok()?;
            (1_000.0..10_000.0).contains(&followers).then(|| (likes + comments) / followers * 100.0)
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    let n = rates.len();
    if n % 2 == 1 { rates[n / 2] } else { (rates[n / 2 - 1] + rates[n / 2]) / 2.0 }
}

#[test]
fn a_derived_median_reads_the_same_in_key_figures_tables_and_prose() {
    let expected = format!("{:.2}", nano_median()).replace('.', ",");
    let expected = expected.trim_end_matches('0').trim_end_matches(',').to_string() + "\u{202F}%";
    let page = home();
    assert!(page.contains(&format!("<strong>{expected}</strong>")), "key figure {expected}");
    assert!(page.contains(&format!("<td class=\"num\">{expected}</td>")), "table cell {expected}");
    // Prose quotes the micro tier: the same text as its key figure.
    let prose = page.split("Le taux médian des micro-influenceurs est de ").nth(1).unwrap();
    let quoted = prose.split(" sur ").next().unwrap();
    assert!(page.contains(&format!("<strong>{quoted}</strong>")), "prose {quoted} matches a key figure");
    assert!(!page.contains("809253") && quoted.split(',').nth(1).is_none_or(|d| d.len() <= 5));
}

#[test]
fn follower_counts_bin_on_round_edges_of_a_log_axis() {
    let svg = chart(5);
    let t = texts(svg);
    for edge in ["1\u{a0}k", "10\u{a0}k", "100\u{a0}k", "1\u{a0}M"] {
        assert!(t.contains(&edge.to_string()), "{edge} in {t:?}");
    }
    let d = doc(svg);
    let mut bars: Vec<(f64, f64)> = d
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F4E79"))
        .map(|n| (num(&n, "x"), num(&n, "width")))
        .collect();
    bars.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert!(bars.len() >= 6);
    assert!(bars.windows(2).all(|w| (w[0].0 + w[0].1 - w[1].0).abs() <= 2.0), "bins touch: {bars:?}");
    // Every count label adds up to the 300 accounts.
    let counts: f64 = t.iter().filter_map(|l| l.parse::<f64>().ok()).filter(|v| *v > 0.0).sum();
    let ticks: f64 = [0.0, 10.0, 20.0, 30.0, 40.0, 50.0].iter().sum();
    assert_eq!(counts - ticks, 300.0, "{t:?}");
}

/// WCAG relative luminance of `#RRGGBB`.
fn luminance(hex: &str) -> f64 {
    let c = |i: usize| {
        let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
        if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5)
}

#[test]
fn text_in_series_colours_has_text_contrast() {
    for svg in all_svgs(home()) {
        for n in doc(svg).descendants().filter(|n| n.has_tag_name("text")) {
            let fill = n.attribute("fill").unwrap_or("#000000");
            if fill == "#FFFFFF" {
                continue; // white on a dark mark: checked by the mark's colour
            }
            let contrast = 1.05 / (luminance(fill) + 0.05);
            assert!(contrast >= 4.5, "`{}` in {fill}: {contrast:.2}:1", n.text().unwrap_or(""));
        }
    }
}

#[test]
fn notes_close_the_page() {
    let page = home();
    let notes = page.find("<section class=\"footnotes\"").expect("notes section");
    assert!(page[..notes].rfind("<figure").is_some(), "after the figures");
    assert!(page[..notes].contains("href=\"#fn-methode\" id=\"ref-fn-methode\""));
    assert!(page[notes..].contains("href=\"#ref-fn-methode\""), "a way back");
}

#[test]
fn downloads_carry_title_source_and_background_and_charts_embed() {
    let f = &built().0;
    let export = f.read("figures/1.svg");
    let t = texts(&export);
    assert!(t.contains(&"Les abonnés progressent, sauf sur YouTube".to_string()), "{t:?}");
    assert!(t.iter().any(|l| l.starts_with("Source\u{202F}: Relevés des étudiants")), "{t:?}");
    assert!(t.iter().any(|l| l.starts_with("Note\u{202F}:")), "the missing values' note");
    assert!(export.contains("<rect width=\"720\""), "opaque background");
    let png = std::fs::read(f.public("figures/1.png")).unwrap();
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    let inline: f64 = svgs(home())[0]
        .split("viewBox=\"0 0 720 ")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(f64::from(height) > 2.0 * inline + 100.0, "the PNG has room for title and source: {height}");
    let embed = f.read("figures/1.html");
    assert!(!embed.contains("<script"), "no JavaScript");
    assert!(
        embed.contains("chart-wide")
            && embed.contains("chart-narrow")
            && embed.contains("Relevés des étudiants")
    );
    assert!(home().contains("&lt;iframe src=&quot;/figures/1.html&quot;"), "the code to paste");
}

#[test]
fn number_formats_are_checked_where_they_are_declared() {
    let page = "---\ntitle: T\n---\n\n```table\ndata: d\n```\n";
    let cases = [
        (
            "fields:\n  name: { unit: pts }\nrows:\n  - { name: a, v: 1 }\n",
            "data/d.yaml:3:",
            "holds text values",
        ),
        (
            "fields:\n  v: { currency: EURO }\nrows:\n  - { name: a, v: 1 }\n",
            "data/d.yaml:3:",
            "not a currency",
        ),
        ("fields:\n  v: { decimals: 12 }\nrows:\n  - { name: a, v: 1 }\n", "data/d.yaml:3:", "from 0 to 10"),
    ];
    for (yaml, at, says) in cases {
        let f = Fixture::new(&[
            ("report.yaml", "title: T\nlanguage: fr\n"),
            ("content/_index.md", page),
            ("data/d.yaml", &format!("source: S\n{yaml}")),
        ]);
        let out = f.build();
        let err = common::stderr(&out);
        assert!(!out.status.success(), "{yaml}");
        assert!(err.contains(says) && err.contains(at), "{yaml}: {err}");
    }
}

#[test]
fn a_time_axis_is_in_time_order_and_a_bar_chart_of_periods_can_rank_them() {
    let data = "source: S\nfields:\n  m: { type: date }\nrows:\n  - { m: 2024-02, v: 9 }\n  - { m: 2024-01, v: 5 }\n  - { m: 2024-03, v: 1 }\n";
    let page = |block: &str| format!("---\ntitle: T\n---\n\n```chart\n{block}title: T\n```\n");
    let column = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: en\n"),
        ("content/_index.md", &page("type: column\ndata: d\nx: m\ny: v\nsort: desc\n")),
        ("data/d.yaml", data),
    ]);
    let out = column.build();
    let err = common::stderr(&out);
    assert!(
        !out.status.success() && err.contains("runs in time order") && err.contains("content/_index.md:10:"),
        "{err}"
    );
    let bar = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: en\n"),
        ("content/_index.md", &page("type: bar\ndata: d\nx: m\ny: v\nsort: desc\n")),
        ("data/d.yaml", data),
    ]);
    assert!(bar.build().status.success());
    let t = texts(svgs(&bar.read("index.html"))[0]);
    let order: Vec<usize> =
        ["Feb 2024", "Jan 2024", "Mar 2024"].iter().map(|m| t.iter().position(|x| x == m).unwrap()).collect();
    assert!(order[0] < order[1] && order[1] < order[2], "ranked 9, 5, 1, not in time order: {t:?}");
}

#[test]
fn prose_quotes_a_declared_precision_as_tables_print_it() {
    // 1.005 × 100 is 100.49999… in binary: rounding the float would give 1.0.
    let f = Fixture::new(&[
        ("report.yaml", "title: T\nlanguage: en\n"),
        ("content/_index.md", "---\ntitle: T\n---\n\nRate: {{ data.d.a.v }}.\n\n```table\ndata: d\n```\n"),
        (
            "data/d.yaml",
            "source: S\nfields:\n  v: { type: number, decimals: 2 }\nrows:\n  - { id: a, v: 1.005 }\n",
        ),
    ]);
    assert!(f.build().status.success());
    let home = f.read("index.html");
    assert!(home.contains("Rate: 1.01.") && home.contains("<td class=\"num\">1.01</td>"), "{home}");
}
