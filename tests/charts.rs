//! The chart catalogue: each type and setting, checked in the SVG it
//! produces against the data it was given.

mod common;

use common::{Fixture, assert_legible, stderr, svgs, texts};

const SURVEY: &str = "title: Relations\nsource: Enquête\nsample_size: 1252\nfields:\n  share: { type: percent, label: Part }\nrows:\n  - { id: poor, s: Mauvaise qualité, share: 48 }\n  - { id: none, s: Aucun retour, share: 72 }\n  - { id: board, s: Panneau, share: 65 }\n";
const PANEL: &str = "handle,platform,followers,engagement\n@a,Instagram,2400,6.1\n@b,Instagram,18000,3.9\n@c,TikTok,45000,7.2\n@d,TikTok,320000,2.8\n@e,YouTube,150000,1.9\n@f,Instagram,1400000,1.2\n@g,YouTube,5000,4.4\n";
const TIERS: &str = "fields:\n  median: { type: percent }\nrows:\n  - { tier: nano, median: 5.1, q1: 3.9, q3: 6.8 }\n  - { tier: micro, median: 3.8, q1: 2.7, q3: 5.0 }\n";
const TRUST: &str = "fields:\n  year: { type: date }\nrows:\n  - { year: 2012, who: Entreprises, score: 48 }\n  - { year: 2016, who: Entreprises, score: 53 }\n  - { year: 2012, who: Dirigeants, score: 38 }\n  - { year: 2016, who: Dirigeants, score: 46 }\n";
const ANSWERS: &str = "sample_size: 400\nfields:\n  share: { type: percent }\nrows:\n  - { q: Q1, a: Oui, share: 60 }\n  - { q: Q1, a: Non, share: 20 }\n  - { q: Q2, a: Oui, share: 30 }\n  - { q: Q2, a: Non, share: 30 }\n";

/// A French project with the datasets above and one page holding `blocks`.
fn project(blocks: &str) -> Fixture {
    Fixture::new(&[
        ("report.yaml", "title: Catalogue\nlanguage: fr\n"),
        ("data/survey.yaml", SURVEY),
        ("data/panel.csv", PANEL),
        ("data/panel.yaml", "fields:\n  engagement: { type: percent, label: Engagement }\n"),
        ("data/tiers.yaml", TIERS),
        ("data/trust.yaml", TRUST),
        ("data/answers.yaml", ANSWERS),
        (
            "data/mix.yaml",
            "fields:\n  share: { type: percent }\nrows:\n  - { q: Q1, a: Oui, share: 75 }\n  - { q: Q1, a: Non, share: 25 }\n  - { q: Q2, a: Oui, share: 50 }\n  - { q: Q2, a: Non, share: 50 }\n",
        ),
        ("content/_index.md", &format!("---\ntitle: Accueil\n---\n{blocks}")),
    ])
}

/// Builds and returns the home page's SVGs, parsed.
/// Builds and returns the home page's SVGs, each checked for legibility.
fn charts(blocks: &str) -> Vec<String> {
    let f = project(blocks);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    // Both drawings of every chart, for desktops and for phones.
    for svg in common::all_svgs(&home) {
        assert_legible(svg);
    }
    svgs(&home).into_iter().map(str::to_string).collect()
}

fn build_error(blocks: &str) -> String {
    let f = project(blocks);
    let out = f.build();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    stderr(&out)
}

struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
    fill: String,
}

fn rects(svg: &str) -> Vec<Rect> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    let num = |n: &roxmltree::Node, a: &str| n.attribute(a).unwrap_or("0").parse::<f64>().unwrap();
    doc.descendants()
        // White boxes sit behind labels; they are not marks.
        .filter(|n| n.has_tag_name("rect") && n.attribute("fill") != Some("#FFFFFF"))
        .map(|n| Rect {
            x: num(&n, "x"),
            y: num(&n, "y"),
            w: num(&n, "width"),
            h: num(&n, "height"),
            fill: n.attribute("fill").unwrap_or("").to_string(),
        })
        .collect()
}

/// Horizontal line segments (y0 == y1) as (x0, x1, y).
fn horizontal_lines(svg: &str) -> Vec<(f64, f64, f64)> {
    let doc = roxmltree::Document::parse(svg).expect("xml");
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter_map(|n| {
            let pts: Vec<(f64, f64)> = n
                .attribute("points")?
                .split_whitespace()
                .filter_map(|p| p.split_once(','))
                .map(|(x, y)| (x.parse().unwrap(), y.parse().unwrap()))
                .collect();
            (pts.len() == 2 && pts[0].1 == pts[1].1)
                .then(|| (pts[0].0.min(pts[1].0), pts[0].0.max(pts[1].0), pts[0].1))
        })
        .collect()
}

#[test]
fn sorted_bars_with_highlight_reference_and_intervals() {
    let svg = &charts(
        "```chart\ntype: bar\ndata: survey\nx: s\ny: share\nsort: desc\nhighlight: Aucun retour\nci: true\nreference: { value: 50, label: Moyenne }\n```\n",
    )[0];
    let bars = rects(svg);
    assert_eq!(bars.len(), 3);
    // Sorted descending: 72, 65, 48 from top to bottom.
    assert!(bars[0].y < bars[1].y && bars[1].y < bars[2].y);
    let k = bars[0].w / 72.0;
    for (bar, v) in bars.iter().zip([72.0, 65.0, 48.0]) {
        assert!((bar.w - k * v).abs() <= 1.0, "width {} for {v}", bar.w);
    }
    // The highlighted category in the accent colour, the others muted.
    assert_eq!(bars[0].fill, "#1F4E79");
    assert!(bars[1..].iter().all(|b| b.fill == "#949494"), "muted others");
    // Wilson intervals, as statsmodels gives them for 72 % and 65 % of 1252:
    // (69.4485, 74.4169) and (62.3157, 67.5925).
    let zero = bars[0].x;
    let whiskers: Vec<_> = horizontal_lines(svg).into_iter().filter(|(a, b, _)| b - a > 5.0).collect();
    for (lo, hi, bar) in [(69.4485, 74.4169, &bars[0]), (62.3157, 67.5925, &bars[1])] {
        let mid = bar.y + bar.h / 2.0;
        let w = whiskers.iter().find(|(_, _, y)| (y - mid).abs() < 1.0).expect("whisker on the bar");
        assert!((w.0 - (zero + k * lo)).abs() <= 1.5 && (w.1 - (zero + k * hi)).abs() <= 1.5, "{w:?}");
    }
    let t = texts(svg);
    assert!(t.contains(&"Moyenne".to_string()), "{t:?}");
    assert!(t.contains(&"72\u{202F}%".to_string()));
}

#[test]
fn a_hundred_percent_stack_fills_the_width() {
    let svg =
        &charts("```chart\ntype: stacked\ndata: answers\nx: q\ny: share\nseries: a\npercent: true\n```\n")[0];
    let bars = rects(svg);
    // Two legend keys, then two segments per question.
    let segments: Vec<&Rect> = bars.iter().filter(|r| r.h > 15.0).collect();
    assert_eq!(segments.len(), 4);
    let full = segments[0].w + segments[1].w;
    assert!((segments[2].w + segments[3].w - full).abs() <= 1.0, "both stacks reach 100 %");
    assert!((segments[0].w / full - 0.75).abs() < 0.01, "60 of 80 is 75 %");
    let t = texts(svg);
    // Segments with room name their series beside the value.
    assert!(
        t.contains(&"Oui 75\u{202F}%".to_string()) && t.contains(&"Non 50\u{202F}%".to_string()),
        "{t:?}"
    );
}

#[test]
fn histogram_bars_count_rows() {
    let svg = &charts("```chart\ntype: histogram\ndata: panel\nx: engagement\nbins: 4\n```\n")[0];
    // Engagement 1.2 to 7.2 aimed at 4 bins: a width of 1.5 rounds up to 2,
    // on round edges: [0, 2) holds 1.2, 1.9; [2, 4) 2.8, 3.9; [4, 6) 4.4;
    // [6, 8] 6.1, 7.2.
    let heights: Vec<f64> = rects(svg).iter().map(|r| r.h).collect();
    assert_eq!(heights.len(), 4);
    let unit = heights[0] / 2.0;
    for (h, count) in heights.iter().zip([2.0, 2.0, 1.0, 2.0]) {
        assert!((h - unit * count).abs() <= 1.0, "{heights:?}");
    }
    let t = texts(svg);
    for edge in ["0\u{202F}%", "2\u{202F}%", "4\u{202F}%", "6\u{202F}%", "8\u{202F}%"] {
        assert!(t.contains(&edge.to_string()), "{edge} labels an edge: {t:?}");
    }
    assert!(!t.iter().any(|t| t.contains(",5")), "count axis has whole ticks: {t:?}");
}

#[test]
fn facets_share_their_scale() {
    let f = project("```chart\ntype: column\ndata: answers\nx: a\ny: share\nfacet: q\n```\n");
    assert!(f.build().status.success());
    let home = f.read("index.html");
    let panels = svgs(&home);
    assert_eq!(panels.len(), 2);
    assert!(
        home.contains("<p class=\"facet-title\">Q1</p>") && home.contains("<p class=\"facet-title\">Q2</p>")
    );
    let ticks =
        |svg: &str| texts(svg).into_iter().filter(|t| t.ends_with('%') && t.len() < 8).collect::<Vec<_>>();
    assert_eq!(ticks(panels[0]).len(), ticks(panels[1]).len());
    let (a, b) = (rects(panels[0]), rects(panels[1]));
    // 60 in the first panel and 30 in the second: the same scale halves the bar.
    assert!((a[0].h / b[0].h - 2.0).abs() < 0.05, "{} vs {}", a[0].h, b[0].h);
}

#[test]
fn log_scatter_shows_powers_of_ten_and_tier_bands() {
    let svg = &charts(
        "```chart\ntype: scatter\ndata: panel\nx: followers\ny: engagement\nseries: platform\nlog_x: true\n```\n",
    )[0];
    let t = texts(svg);
    // Powers of ten in their compact French form.
    for tick in ["1\u{a0}k", "10\u{a0}k", "100\u{a0}k", "1\u{a0}M"] {
        assert!(t.contains(&tick.to_string()), "{tick} in {t:?}");
    }
    for tier in ["nano", "micro", "macro", "mega"] {
        assert!(t.contains(&tier.to_string()), "tier band {tier}");
    }
    let doc = roxmltree::Document::parse(svg).unwrap();
    assert_eq!(
        doc.descendants().filter(|n| n.has_tag_name("circle")).count(),
        7 + 3,
        "points and legend dots"
    );
}

#[test]
fn range_slope_area_and_donut_draw_their_marks() {
    let all = charts(
        "```chart\ntype: range\ndata: tiers\nx: tier\ny: median\nlow: q1\nhigh: q3\n```\n\n```chart\ntype: slope\ndata: trust\nx: year\ny: score\nseries: who\n```\n\n```chart\ntype: area\ndata: trust\nx: year\ny: score\nseries: who\n```\n\n```chart\ntype: donut\ndata: mix\nx: a\ny: share\nfacet: q\n```\n",
    );
    assert_eq!(all.len(), 5, "range, slope, area and two donuts");
    let range = &all[0];
    let intervals = rects(range);
    assert_eq!(intervals.len(), 2);
    // nano spans 3.9..6.8 and micro 2.7..5.0 on one scale.
    assert!((intervals[0].w / intervals[1].w - (6.8 - 3.9) / (5.0 - 2.7)).abs() < 0.03);
    assert!(texts(range).contains(&"5,1\u{202F}%".to_string()));
    let slope = texts(&all[1]);
    for label in ["2012", "2016", "Entreprises 48", "Entreprises 53", "Dirigeants 38", "Dirigeants 46"] {
        assert!(slope.contains(&label.to_string()), "{label} in {slope:?}");
    }
    let doc = roxmltree::Document::parse(&all[2]).unwrap();
    assert_eq!(doc.descendants().filter(|n| n.has_tag_name("polygon")).count(), 2, "one band per series");
    for donut in &all[3..] {
        let doc = roxmltree::Document::parse(donut).unwrap();
        assert_eq!(doc.descendants().filter(|n| n.has_tag_name("polygon")).count(), 2, "a slice per answer");
    }
    assert!(texts(&all[3]).contains(&"Oui — 75\u{202F}%".to_string()), "{:?}", texts(&all[3]));
}

#[test]
fn labels_off_colours_and_key_figures() {
    let f = project(
        "```keyfigures\ndata: survey\nvalue: share\nlabel: s\nitems: [none, board]\n```\n\n```chart\ntype: column\ndata: survey\nx: s\ny: share\nlabels: false\ncolors: [\"#aa3377\"]\nsubtitle: En points\n```\n",
    );
    assert!(f.build().status.success());
    let home = f.read("index.html");
    assert!(home.contains("<ul class=\"key-figures\">"));
    assert!(home.contains("<li><strong>72\u{202F}%</strong> Aucun retour"));
    assert!(home.find("Aucun retour").unwrap() < home.find("Panneau").unwrap(), "items in the order given");
    assert!(home.contains("<span class=\"fig-subtitle\">En points</span>"));
    let svg = svgs(&home)[0];
    assert!(rects(svg).iter().all(|r| r.fill == "#AA3377"));
    assert!(!texts(svg).iter().any(|t| t == "72\u{202F}%"), "no value labels");
}

#[test]
fn charts_that_would_lie_are_refused() {
    let err = build_error("```chart\ntype: donut\ndata: survey\nx: s\ny: share\n```\n");
    assert!(err.contains("add up to 185, not 100"), "{err}");
    let err = build_error(
        "```chart\ntype: scatter\ndata: tiers\nx: q1\ny: median\nlog_x: true\n```\n\n```chart\ntype: slope\ndata: survey\nx: s\ny: share\nseries: id\n```\n",
    );
    assert!(err.contains("a slope chart compares two points in time, but `s` has 3 values"), "{err}");
    let f = project("```chart\ntype: range\ndata: tiers\nx: tier\ny: median\nlow: q3\nhigh: q1\n```\n");
    let err = stderr(&f.build());
    assert!(err.contains("in row 1, `low` (6.8) is above `high` (3.9)"), "{err}");
    let f = project("```chart\ntype: scatter\ndata: panel\nx: followers\ny: engagement\nlog_x: true\n```\n");
    f.write("data/panel.csv", "handle,followers,engagement\n@z,0,1.5\n");
    let err = stderr(&f.build());
    assert!(err.contains("a log scale cannot show the zero or negative `followers` of row 1"), "{err}");
}

#[test]
fn settings_are_checked_where_they_are_written() {
    let err = build_error("```chart\ntype: bar\ndata: survey\nx: s\ny: share\nbins: 5\n```\n");
    assert!(err.contains("content/_index.md:9:7"), "{err}");
    assert!(err.contains("a bar chart does not take `bins`"), "{err}");
    assert!(err.contains("`bins` applies to: histogram"), "{err}");
    let err = build_error(
        "```chart\ntype: bar\ndata: tiers\nx: tier\ny: median\nci: true\nhighlight: nanno\ncolors: [blue]\n```\n",
    );
    assert!(err.contains("`ci` needs the dataset's `sample_size`"), "{err}");
    assert!(err.contains("did you mean `nano`?"), "{err}");
    assert!(err.contains("`blue` is not a colour"), "{err}");
    let err = build_error("```keyfigures\ndata: survey\nvalue: share\nitems: [nonne]\n```\n");
    assert!(err.contains("has no row with id `nonne`") && err.contains("did you mean `none`?"), "{err}");
}

#[test]
fn every_chart_downloads_as_svg_png_and_csv() {
    let f = project(
        "```chart\ntype: bar\ndata: survey\nx: s\ny: share\n```\n\n```chart\ntype: column\ndata: answers\nx: a\ny: share\nfacet: q\n```\n",
    );
    assert!(f.build().status.success());
    let home = f.read("index.html");
    for link in ["figures/1.svg", "figures/1.png", "figures/2-1.svg", "figures/2-2.png", "data/survey.csv"] {
        assert!(home.contains(&format!("href=\"./{link}\" download")), "{link}");
    }
    let svg = std::fs::read_to_string(f.public("figures/1.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("standalone SVG parses");
    let root = doc.root_element();
    assert_eq!(root.attribute("width"), Some("720"));
    let height: u32 = root.attribute("height").unwrap().parse().unwrap();
    let png = std::fs::read(f.public("figures/1.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height, big-endian, at bytes 16..24; twice the SVG's size.
    let dim = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((dim(16), dim(20)), (1440, height * 2));

    f.write("report.yaml", "title: Catalogue\nlanguage: fr\ncharts: { png: false }\n");
    assert!(f.build().status.success());
    assert!(!f.public("figures/1.png").exists() && f.public("figures/1.svg").exists());
    assert!(!f.read("index.html").contains(".png"));
}

#[test]
#[should_panic(expected = "overlaps")]
fn the_legibility_check_catches_overlapping_labels() {
    assert_legible(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 100\"><text x=\"10\" y=\"20\" font-size=\"13\">Quarante-huit</text><text x=\"40\" y=\"24\" font-size=\"13\">Cinquante</text></svg>",
    );
}

#[test]
fn height_and_axis_bounds_are_the_authors() {
    let svgs = charts(
        "```chart\ntype: column\ndata: survey\nx: s\ny: share\n```\n\n```chart\ntype: column\ndata: survey\nx: s\ny: share\nheight: 460\nmin: 0\nmax: 100\n```\n",
    );
    let height = |svg: &str| -> f64 {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.root_element().attribute("viewBox").unwrap().split_whitespace().nth(3).unwrap().parse().unwrap()
    };
    assert!((height(&svgs[1]) - height(&svgs[0]) - 200.0).abs() < 1.0, "460 instead of 260 for the plot");
    let bounded = texts(&svgs[1]);
    assert!(bounded.contains(&"100\u{202F}%".to_string()), "{bounded:?}");
    assert!(!texts(&svgs[0]).contains(&"100\u{202F}%".to_string()), "80 % is enough for 72 %");
    // The 72 % bar spans 72 % of the 0–100 axis.
    let bar = rects(&svgs[1]).into_iter().map(|r| r.h).fold(0.0, f64::max);
    assert!((bar / 460.0 - 0.72).abs() < 0.01, "{bar}");
}
