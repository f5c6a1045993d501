//! Charts: a resolved chart block and its dataset in, an accessible SVG out.
//!
//! Drawing goes through plotters' SVG backend into a string (never a
//! file). The marks are ours: layouts for survey data (long statements on
//! horizontal bars, values printed on the marks) are not what a generic
//! plotting API does. The `<svg>` element itself is rewritten to scale with
//! the page and to carry `role="img"`, a `<title>` and a `<desc>`.

mod axes;
mod bars;
mod canvas;
mod donut;
mod lines;
mod scale;

use plotters::style::RGBColor;

use crate::blocks::{Chart, ChartKind};
use crate::config::Language;
use crate::datasets::{Dataset, FieldType};
use crate::format::NumberFormat;

pub use canvas::{Font, text_width, wrap};

/// The width every chart is drawn at; the SVG scales from there.
pub const WIDTH: u32 = 720;

/// A colour-blind-safe palette (Okabe and Ito), darkest first, with
/// contrast of at least 3:1 on white for every mark colour used.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x1f, 0x4e, 0x79),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x59, 0x59, 0x59),
];
pub const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
pub const MUTED: RGBColor = RGBColor(0x5c, 0x5c, 0x5c);
pub const GRID: RGBColor = RGBColor(0xe3, 0xe3, 0xe3);

/// One line of values, for a series (or the only one).
#[derive(Clone, Debug)]
pub struct Series {
    pub name: Option<String>,
    pub values: Vec<Option<f64>>,
}

/// Categories against series, the shape most charts draw.
#[derive(Clone, Debug)]
pub struct Categorical {
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub percent: bool,
    pub value_label: String,
    pub category_label: String,
}

impl Categorical {
    pub fn from_dataset(chart: &Chart, ds: &Dataset) -> Categorical {
        let mut categories: Vec<String> = Vec::new();
        let mut names: Vec<Option<String>> = Vec::new();
        let mut cells: Vec<(usize, usize, f64)> = Vec::new();
        for row in &ds.rows {
            let cat = row[chart.x].raw_text();
            let ser = chart.series.map(|s| row[s].raw_text());
            let ci = index_of(&mut categories, cat);
            let si = index_of(&mut names, ser);
            if let Some(v) = row[chart.y].as_f64() {
                cells.push((si, ci, v));
            }
        }
        let mut series: Vec<Series> = names
            .into_iter()
            .map(|name| Series {
                name,
                values: vec![None; categories.len()],
            })
            .collect();
        for (si, ci, v) in cells {
            let slot = &mut series[si].values[ci];
            *slot = Some(slot.unwrap_or(0.0) + v);
        }
        Categorical {
            categories,
            series,
            percent: ds.fields[chart.y].ty == FieldType::Percent,
            value_label: ds.fields[chart.y].title().to_string(),
            category_label: ds.fields[chart.x].title().to_string(),
        }
    }

    /// Rewrites category and series names, for typography.
    pub fn map_labels(&mut self, f: impl Fn(&str) -> String) {
        for c in &mut self.categories {
            *c = f(c);
        }
        for s in &mut self.series {
            s.name = s.name.as_deref().map(&f);
        }
    }

    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.series
            .iter()
            .flat_map(|s| s.values.iter().flatten().copied())
    }
}

fn index_of<T: PartialEq>(list: &mut Vec<T>, item: T) -> usize {
    match list.iter().position(|x| *x == item) {
        Some(i) => i,
        None => {
            list.push(item);
            list.len() - 1
        }
    }
}

/// Formats values the way the chart's field reads.
pub struct ValueFormat<'a> {
    pub fmt: &'a NumberFormat,
    pub percent: bool,
    pub decimals: usize,
}

impl ValueFormat<'_> {
    pub fn label(&self, v: f64) -> String {
        self.with(v, self.decimals)
    }

    pub fn with(&self, v: f64, decimals: usize) -> String {
        if self.percent {
            self.fmt.percent(v, Some(decimals))
        } else {
            self.fmt.number(v, Some(decimals))
        }
    }
}

/// How many decimals the data needs: 0 when every value is whole, else 1.
pub fn data_decimals(values: impl Iterator<Item = f64>) -> usize {
    let mut d = 0;
    for v in values {
        if (v * 10.0).fract().abs() > 1e-9 {
            return 2;
        }
        if v.fract().abs() > 1e-9 {
            d = 1;
        }
    }
    d
}

/// What a chart needs besides its data.
pub struct ChartContext<'a> {
    pub fmt: &'a NumberFormat,
    /// A page-unique id, for the `aria-labelledby` of the SVG.
    pub id: &'a str,
    pub title: &'a str,
}

/// Draws `chart` from `ds`; the SVG text, or why it cannot be drawn.
pub fn render(chart: &Chart, ds: &Dataset, cx: &ChartContext) -> Result<String, String> {
    let mut buf = String::new();
    let (height, desc) = match chart.kind {
        ChartKind::Scatter => {
            let points = lines::Points::from_dataset(chart, ds);
            let desc = describe_scatter(&points, cx.fmt);
            (lines::scatter(&mut buf, &points, cx.fmt)?, desc)
        }
        kind => {
            let mut data = Categorical::from_dataset(chart, ds);
            if cx.fmt.language() == Language::Fr {
                data.map_labels(|l| crate::typography::french(l).into_owned());
            }
            if data.categories.is_empty() {
                return Err(format!("dataset `{}` has no rows to draw", ds.id));
            }
            let desc = describe(kind, &data, cx.fmt);
            let h = match kind {
                ChartKind::Bar => bars::horizontal(&mut buf, &data, cx.fmt, false)?,
                ChartKind::Stacked => bars::horizontal(&mut buf, &data, cx.fmt, true)?,
                ChartKind::Column => bars::columns(&mut buf, &data, cx.fmt)?,
                ChartKind::Line => lines::line(&mut buf, &data, cx.fmt)?,
                _ => donut::donut(&mut buf, &data, cx.fmt)?,
            };
            (h, desc)
        }
    };
    Ok(accessible_svg(&buf, height, cx, &desc))
}

/// Replaces plotters' `<svg>` tag with one that scales with its container
/// and names itself for screen readers.
fn accessible_svg(svg: &str, height: u32, cx: &ChartContext, desc: &str) -> String {
    let body = tidy_font_sizes(svg.split_once('\n').map_or("", |(_, rest)| rest));
    let id = cx.id;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" \
         preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         class=\"chart-svg\" font-family=\"Inter, system-ui, sans-serif\">\n\
         <title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n{body}",
        crate::html::escape(cx.title),
        crate::html::escape(desc),
    )
}

/// plotters writes sizes such as `13.000000000000002`; round them to 0.1 px.
fn tidy_font_sizes(svg: &str) -> String {
    const KEY: &str = "font-size=\"";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(i) = rest.find(KEY) {
        let after = &rest[i + KEY.len()..];
        let end = after.find('"').unwrap_or(0);
        out.push_str(&rest[..i + KEY.len()]);
        match after[..end].parse::<f64>() {
            Ok(v) => out.push_str(&crate::datasets::number_text((v * 10.0).round() / 10.0)),
            Err(_) => out.push_str(&after[..end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// One sentence saying what the chart shows, from its data.
fn describe(kind: ChartKind, data: &Categorical, fmt: &NumberFormat) -> String {
    let fr = fmt.language() == Language::Fr;
    let vf = ValueFormat {
        fmt,
        percent: data.percent,
        decimals: data_decimals(data.values()),
    };
    let kind_name = match (kind, fr) {
        (ChartKind::Bar, true) => "Diagramme en barres",
        (ChartKind::Column, true) => "Histogramme en colonnes",
        (ChartKind::Line, true) => "Courbe",
        (ChartKind::Donut, true) => "Diagramme en anneau",
        (ChartKind::Stacked, true) => "Barres empilées",
        (ChartKind::Bar, false) => "Bar chart",
        (ChartKind::Column, false) => "Column chart",
        (ChartKind::Line, false) => "Line chart",
        (ChartKind::Donut, false) => "Donut chart",
        (ChartKind::Stacked, false) => "Stacked bar chart",
        (ChartKind::Scatter, _) => "",
    };
    let mut cells: Vec<(&str, f64)> = Vec::new();
    for s in &data.series {
        for (c, v) in data.categories.iter().zip(&s.values) {
            if let Some(v) = v {
                cells.push((c.as_str(), *v));
            }
        }
    }
    let max = cells.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1));
    let min = cells.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1));
    let n = data.categories.len();
    let mut s = if fr {
        format!(
            "{kind_name} : {} selon {} ({n} catégories).",
            data.value_label, data.category_label
        )
    } else {
        format!(
            "{kind_name}: {} by {} ({n} categories).",
            data.value_label, data.category_label
        )
    };
    if let (Some(max), Some(min)) = (max, min) {
        if fr {
            s.push_str(&format!(
                " Valeur la plus haute : {} ({}) ; la plus basse : {} ({}).",
                max.0,
                vf.label(max.1),
                min.0,
                vf.label(min.1)
            ));
        } else {
            s.push_str(&format!(
                " Highest: {} ({}); lowest: {} ({}).",
                max.0,
                vf.label(max.1),
                min.0,
                vf.label(min.1)
            ));
        }
    }
    s
}

fn describe_scatter(p: &lines::Points, fmt: &NumberFormat) -> String {
    if fmt.language() == Language::Fr {
        format!(
            "Nuage de points : {} selon {} ({} points).",
            p.y_label,
            p.x_label,
            p.points.len()
        )
    } else {
        format!(
            "Scatter plot: {} against {} ({} points).",
            p.y_label,
            p.x_label,
            p.points.len()
        )
    }
}

/// Text colour readable on a mark of colour `c`: white on dark marks, ink
/// on light ones (WCAG relative luminance).
pub fn on_color(c: RGBColor) -> RGBColor {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2);
    // White wins when its contrast (1.05 / (l + 0.05)) beats ink's.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.0605 {
        plotters::style::WHITE
    } else {
        INK
    }
}

/// The colour of series `i`.
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::{Block, resolve};
    use crate::datasets::{DatasetSource, build_all};
    use crate::markdown::RawBlock;
    use std::collections::BTreeMap;
    use std::path::Path;

    fn dataset(rows: &str) -> BTreeMap<String, Dataset> {
        let (ds, diags) = build_all(&[DatasetSource {
            id: "d".into(),
            yaml: Some((
                "data/d.yaml".into(),
                format!("fields:\n  v: {{ type: percent, label: Part }}\nrows:\n{rows}"),
            )),
            csv: None,
        }]);
        assert!(diags.is_empty(), "{diags:?}");
        ds
    }

    fn chart(yaml: &str, ds: &BTreeMap<String, Dataset>) -> Chart {
        let raw = RawBlock {
            name: "chart".into(),
            yaml: yaml.into(),
            first_line: 2,
            fence_line: 1,
        };
        match resolve(&raw, Path::new("a.md"), ds) {
            Ok(Block::Chart(c)) => c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn categories_and_series_keep_data_order() {
        let ds = dataset(
            "  - { c: b, s: x, v: 1 }\n  - { c: a, s: y, v: 2 }\n  - { c: a, s: x, v: 3 }\n",
        );
        let c = chart("type: column\ndata: d\nx: c\ny: v\nseries: s\n", &ds);
        let data = Categorical::from_dataset(&c, &ds["d"]);
        assert_eq!(data.categories, ["b", "a"]);
        assert_eq!(data.series[0].name.as_deref(), Some("x"));
        assert_eq!(data.series[0].values, [Some(1.0), Some(3.0)]);
        assert_eq!(data.series[1].values, [None, Some(2.0)]);
        assert!(data.percent);
        assert_eq!(data.value_label, "Part");
    }

    #[test]
    fn description_names_highest_and_lowest() {
        let ds = dataset(
            "  - { c: Visibilité, v: 93 }\n  - { c: Affaires, v: 27 }\n  - { c: Fidélité, v: 76 }\n",
        );
        let c = chart("type: bar\ndata: d\nx: c\ny: v\n", &ds);
        let data = Categorical::from_dataset(&c, &ds["d"]);
        let fr = describe(ChartKind::Bar, &data, &NumberFormat::new(Language::Fr));
        assert!(
            fr.contains("Visibilité (93\u{202F}%)") && fr.contains("Affaires (27\u{202F}%)"),
            "{fr}"
        );
        let en = describe(ChartKind::Bar, &data, &NumberFormat::new(Language::En));
        assert!(en.starts_with("Bar chart: Part by c (3 categories). Highest: Visibilité (93%); lowest: Affaires (27%)."), "{en}");
    }

    #[test]
    fn labels_on_marks_keep_contrast() {
        // WCAG contrast of white on the darkest palette colour is above 4.5:1,
        // so white is chosen; on sky blue ink reads better.
        assert_eq!(on_color(PALETTE[0]), plotters::style::WHITE);
        assert_eq!(on_color(PALETTE[4]), INK);
        assert_eq!(on_color(PALETTE[5]), INK);
    }

    #[test]
    fn decimals_follow_the_data() {
        assert_eq!(data_decimals([72.0, 65.0].into_iter()), 0);
        assert_eq!(data_decimals([72.5, 65.0].into_iter()), 1);
        assert_eq!(data_decimals([2.25].into_iter()), 2);
    }

    #[test]
    fn font_sizes_are_rounded_and_svg_is_named() {
        assert_eq!(
            tidy_font_sizes("a font-size=\"13.000000000000002\" b"),
            "a font-size=\"13\" b"
        );
        let fmt = NumberFormat::new(Language::En);
        let svg = accessible_svg(
            "<svg old>\n<rect/>\n</svg>",
            200,
            &ChartContext {
                fmt: &fmt,
                id: "f1",
                title: "A < B",
            },
            "d & e",
        );
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 200\"")
        );
        assert!(svg.contains("<title id=\"f1-title\">A &lt; B</title>"));
        assert!(svg.contains("<desc id=\"f1-desc\">d &amp; e</desc>"));
        assert!(!svg.contains("old"));
    }

    #[test]
    fn a_donut_of_zeros_cannot_be_drawn() {
        let ds = dataset("  - { c: a, v: 0 }\n");
        let c = chart("type: donut\ndata: d\nx: c\ny: v\n", &ds);
        let fmt = NumberFormat::new(Language::En);
        let err = render(
            &c,
            &ds["d"],
            &ChartContext {
                fmt: &fmt,
                id: "f",
                title: "t",
            },
        )
        .unwrap_err();
        assert!(err.contains("above zero"), "{err}");
    }
}
