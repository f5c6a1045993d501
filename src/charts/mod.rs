//! Charts: a resolved chart block and its dataset in, accessible SVG out.
//!
//! Drawing goes through plotters' SVG backend into a string (never a
//! file). The marks are ours: layouts for survey data (long statements on
//! horizontal bars, values printed on the marks) are not what a generic
//! plotting API does. The `<svg>` element itself is rewritten to scale with
//! the page and to carry `role="img"`, a `<title>` and a `<desc>`.
//!
//! `prepare` turns rows into what is drawn; one module per family of
//! marks draws it (`bars`, `lines`, `range`, `donut`), sharing `axes`,
//! `scale` and `canvas`.

mod axes;
mod bars;
pub(crate) mod canvas;
mod deflate;
mod describe;
mod donut;
mod frame;
mod lines;
mod prepare;
mod range;
mod raster;
mod scale;

use plotters::style::RGBColor;

use crate::blocks::{Chart, ChartKind, Reference};
use crate::config::{Language, Tier};
use crate::datasets::{Dataset, FieldType};
use crate::format::{NumberFormat, NumberStyle};

use canvas::Target;
pub use canvas::{Font, text_width, wrap};
pub use frame::Frame;
pub use prepare::{Categorical, Points, Series};

/// The width every chart is drawn at; the SVG scales from there.
pub const WIDTH: u32 = 720;

/// The width of the second drawing each chart gets for phones: drawn for
/// the width, rather than shrunk, so its text stays readable.
pub const NARROW: u32 = 400;

/// Series colours: colour-blind-safe hues (after Okabe and Ito) darkened
/// where needed so every mark has at least 3:1 contrast on white.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x1f, 0x4e, 0x79),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xb5, 0x50, 0x8c),
    RGBColor(0x3b, 0x82, 0xb6),
    RGBColor(0xb0, 0x78, 0x00),
    RGBColor(0x59, 0x59, 0x59),
];
pub const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
pub const MUTED: RGBColor = RGBColor(0x5c, 0x5c, 0x5c);
pub const GRID: RGBColor = RGBColor(0xe3, 0xe3, 0xe3);
/// Marks that are not highlighted: light, but still 3:1 on white.
pub const MUTED_MARK: RGBColor = RGBColor(0x94, 0x94, 0x94);

/// What a chart needs besides its data.
pub struct ChartContext<'a> {
    pub fmt: &'a NumberFormat,
    /// A page-unique id, for the `aria-labelledby` of the SVG.
    pub id: &'a str,
    pub title: &'a str,
    /// The report's audience tiers, drawn as bands behind follower counts.
    pub tiers: &'a [Tier],
    /// Also draw a PNG of each chart, for download.
    pub png: bool,
    /// What the downloads carry around the plot.
    pub frame: &'a Frame,
    /// Series colours when the chart sets none: the report's, or [`PALETTE`].
    pub palette: &'a [RGBColor],
}

/// One drawn chart: the whole chart, or one panel of a faceted one.
#[derive(Clone, Debug)]
pub struct Panel {
    pub svg: String,
    /// The chart as a file of its own, framed with its title and source.
    pub export: String,
    /// The same chart drawn [`NARROW`], for phones.
    pub narrow: String,
    /// The same chart as a PNG, when the report asks for PNGs.
    pub png: Option<Vec<u8>>,
    /// The SVG's height in its own units (its width is [`WIDTH`]).
    pub height: u32,
    /// The facet value this panel shows.
    pub facet: Option<String>,
    /// What the chart did with missing values, for the figure's notes.
    pub note: Option<String>,
    /// The sentence describing it: its `<desc>`, and its alt text in the PDF.
    pub desc: String,
}

/// How marks look: the chart's settings, resolved.
#[derive(Clone)]
pub struct Style<'a> {
    /// The drawing's width: [`WIDTH`], or [`NARROW`] for phones.
    pub width: f64,
    pub fmt: &'a NumberFormat,
    pub palette: Vec<RGBColor>,
    pub labels: bool,
    pub highlight: Option<&'a str>,
    pub reference: Option<&'a Reference>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// The plot's height, when the author set one.
    pub height: Option<f64>,
    pub tiers: &'a [Tier],
}

impl Style<'_> {
    fn new<'a>(chart: &'a Chart, cx: &'a ChartContext) -> Style<'a> {
        let palette = if chart.colors.is_empty() {
            cx.palette.to_vec()
        } else {
            chart.colors.iter().filter_map(|c| parse_hex(c)).collect()
        };
        Style {
            width: WIDTH as f64,
            fmt: cx.fmt,
            palette,
            labels: chart.labels,
            highlight: chart.highlight.as_deref(),
            reference: chart.reference.as_ref(),
            min: chart.min,
            max: chart.max,
            height: chart.height.map(f64::from),
            tiers: cx.tiers,
        }
    }

    /// The colour of series `i`.
    pub fn color(&self, i: usize) -> RGBColor {
        self.palette[i % self.palette.len().max(1)]
    }

    /// The colour of a mark named `name` (a category or a series) of
    /// series `i`: muted when another one is highlighted.
    pub fn mark(&self, name: &str, i: usize) -> RGBColor {
        match self.highlight {
            Some(h) if h != name => MUTED_MARK,
            _ => self.color(i),
        }
    }

    /// The colour that keys series `i` in a legend: muted only when the
    /// highlight names another series.
    pub fn key<'a>(&self, names: impl Iterator<Item = &'a str>, name: &str, i: usize) -> RGBColor {
        let mut names = names;
        match self.highlight {
            Some(h) if names.any(|n| n == h) => self.mark(name, i),
            _ => self.color(i),
        }
    }

    pub fn value_format<'s>(&'s self, style: &'s NumberStyle) -> ValueFormat<'s> {
        ValueFormat { fmt: self.fmt, style }
    }
}

/// `#1f4e79` or `#f80` to a colour.
/// A colour written `#rgb` or `#rrggbb`; `None` for anything else.
pub fn parse_hex(hex: &str) -> Option<RGBColor> {
    let d = hex.strip_prefix('#')?;
    if !matches!(d.len(), 3 | 6) || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let d: String = if d.len() == 3 { d.chars().flat_map(|c| [c, c]).collect() } else { d.to_string() };
    let byte = |i: usize| u8::from_str_radix(&d[i..i + 2], 16).ok();
    Some(RGBColor(byte(0)?, byte(2)?, byte(4)?))
}

/// Formats values the way the chart's field reads: labels as in the
/// data table, ticks with one precision (and compact when large).
pub struct ValueFormat<'a> {
    pub fmt: &'a NumberFormat,
    pub style: &'a NumberStyle,
}

impl ValueFormat<'_> {
    pub fn label(&self, v: f64) -> String {
        self.fmt.value(v, self.style)
    }

    pub fn ticks(&self, ticks: &[f64]) -> Vec<String> {
        self.fmt.axis(ticks, self.style)
    }
}

/// Draws `chart` from `ds`: one panel, or one per facet value with shared
/// scales; or why it cannot be drawn.
pub fn render(chart: &Chart, ds: &Dataset, cx: &ChartContext) -> Result<Vec<Panel>, String> {
    let Some(facet) = chart.facet else {
        let (drawable, words) = drawable(chart, ds, cx.fmt)?;
        return Ok(vec![render_one(chart, &drawable, &words, cx, &Style::new(chart, cx), cx.id, cx.title)?]);
    };
    let values = prepare::distinct(ds, facet);
    let parts = values
        .iter()
        .map(|v| drawable(chart, &prepare::facet(ds, facet, v), cx.fmt))
        .collect::<Result<Vec<_>, _>>()?;
    // Shared scales: every panel spans the values of all panels. Only
    // lines may leave out zero.
    let stacked = matches!(chart.kind, ChartKind::Stacked | ChartKind::Area);
    let (lo, hi) = parts
        .iter()
        .filter_map(|(d, _)| match d {
            Drawable::Categories(data) => Some(data.domain(stacked)),
            Drawable::Points(..) => None,
        })
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (lo, hi)| (a.min(lo), b.max(hi)));
    let lo = if chart.kind == ChartKind::Line { lo } else { lo.min(0.0) };
    let mut style = Style::new(chart, cx);
    style.min = style.min.or(Some(lo));
    style.max = style.max.or(Some(if chart.percent { 100.0 } else { nice_max(lo, hi) }));
    // Small multiples are small: a lower plot unless the author set one.
    style.height = style.height.or(Some(170.0));
    values
        .iter()
        .zip(&parts)
        .enumerate()
        .map(|(i, (value, (drawable, words)))| {
            let id = format!("{}-{}", cx.id, i + 1);
            let title = format!("{} — {value}", cx.title);
            let panel = render_one(chart, drawable, words, cx, &style, &id, &title)?;
            Ok(Panel { facet: Some(value.clone()), ..panel })
        })
        .collect()
}

/// How the category labels of a column chart fit its wide drawing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnFit {
    Across,
    Upright,
    /// Drawn as horizontal bars instead.
    Bars,
}

/// How `categories` would be labelled under columns in a drawing `width`
/// wide (the value axis takes about 60 px of it), so a build can tell the
/// author when a bar chart would read better.
pub fn column_fit(categories: &[String], width: u32) -> ColumnFit {
    let band = (f64::from(width) - 76.0) / categories.len().max(1) as f64;
    match bars::column_labels(categories, band) {
        Some(bars::ColumnLabels::Upright(_)) => ColumnFit::Upright,
        Some(_) => ColumnFit::Across,
        None => ColumnFit::Bars,
    }
}

/// The top of a nice scale over `lo..=hi`, so facets share round ticks.
fn nice_max(lo: f64, hi: f64) -> f64 {
    scale::Scale::nice(lo, hi.max(lo), 5, (0.0, 1.0)).max
}

/// The categorical data of a chart, sorted, stacked and with intervals
/// as its settings ask.
fn prepared(chart: &Chart, ds: &Dataset, fmt: &NumberFormat) -> Categorical {
    let mut data = if chart.kind == ChartKind::Histogram {
        prepare::histogram(chart, ds, fmt)
    } else {
        Categorical::from_dataset(chart, ds)
    };
    let over_time = matches!(chart.kind, ChartKind::Line | ChartKind::Area | ChartKind::Column);
    if chart.kind != ChartKind::Histogram && ds.fields[chart.x].ty == FieldType::Date {
        data.as_time(fmt.language(), over_time);
    }
    if over_time {
        data.fill_missing(chart.missing);
    }
    if !over_time {
        data.sort(chart.sort);
    }
    if chart.percent {
        data.as_shares();
    }
    if chart.ci
        && let Some(n) = ds.meta.sample_size
    {
        data.with_wilson(n as f64);
    }
    if fmt.language() == Language::Fr {
        data.map_labels(|l| crate::typography::french(l).into_owned());
    }
    data
}

/// What one panel is drawn from, prepared once and drawn several times.
enum Drawable {
    Points(Points, bool),
    Categories(Categorical),
}

/// What a panel says of itself: the sentence that describes it, and what
/// it did with missing values, which that sentence ends with and the
/// figure's notes and downloads repeat.
struct Words {
    desc: String,
    note: Option<String>,
}

/// The data of one panel, prepared, and what it says of itself.
fn drawable(chart: &Chart, ds: &Dataset, fmt: &NumberFormat) -> Result<(Drawable, Words), String> {
    if chart.kind == ChartKind::Scatter {
        let points = Points::from_dataset(chart, ds);
        let words = Words { desc: describe::scatter(&points, fmt), note: None };
        return Ok((Drawable::Points(points, ds.fields[chart.x].name == "followers"), words));
    }
    let data = prepared(chart, ds, fmt);
    if data.categories.is_empty() {
        return Err(format!("dataset `{}` has no rows to draw", ds.id));
    }
    let note = describe::missing(&data, fmt);
    let desc = describe::categorical(chart.kind, &data, fmt, note.as_deref());
    Ok((Drawable::Categories(data), Words { desc, note }))
}

/// Draws one panel: for the page, for phones and, when asked, as PNG.
fn render_one(
    chart: &Chart,
    drawable: &Drawable,
    words: &Words,
    cx: &ChartContext,
    style: &Style,
    id: &str,
    title: &str,
) -> Result<Panel, String> {
    let mut buf = String::new();
    let height = draw(chart, drawable, style, &mut Target::Svg(&mut buf))?;
    let (desc, note) = (&words.desc, words.note.clone());
    let (root, body) = accessible_svg(&buf, (WIDTH, height), id, title, desc, "chart-wide");
    let mut frame = Frame { title: title.to_string(), ..cx.frame.clone() };
    let lang = cx.fmt.language();
    let typeset = |t: &str| crate::typography::spaced(t, lang).into_owned();
    frame.footer.extend(
        note.iter().map(|n| format!("{}{} {}", crate::i18n::t(lang, "note"), colon(lang), typeset(n))),
    );
    let laid = frame.lay_out(f64::from(WIDTH));
    let export = frame::svg(&root, &body, &laid, (WIDTH, height))?;
    let svg = root + &body;
    let narrow_style = Style { width: NARROW as f64, ..style.clone() };
    let mut buf = String::new();
    let narrow_height = draw(chart, drawable, &narrow_style, &mut Target::Svg(&mut buf))?;
    let narrow_id = format!("{id}-n");
    let (root, body) = accessible_svg(&buf, (NARROW, narrow_height), &narrow_id, title, desc, "chart-narrow");
    let narrow = root + &body;
    let png = if cx.png {
        let mut raster = raster::Raster::default();
        let target = &mut Target::Bitmap { raster: &mut raster, scale: PNG_SCALE, frame: Some(&laid) };
        draw(chart, drawable, style, target)?;
        Some(raster.png()?)
    } else {
        None
    };
    Ok(Panel { svg, export, narrow, png, height, facet: None, note, desc: desc.clone() })
}

/// The colon as the language writes it: French puts a narrow no-break space before.
pub fn colon(lang: Language) -> &'static str {
    if lang == Language::Fr { "\u{202F}:" } else { ":" }
}

/// PNGs are drawn at twice the SVG's size, sharp on high-density screens
/// and in slides.
const PNG_SCALE: f64 = 2.0;

fn draw(chart: &Chart, drawable: &Drawable, style: &Style, target: &mut Target) -> Result<u32, String> {
    match drawable {
        Drawable::Points(points, followers) => lines::scatter(target, points, style, chart.log_x, *followers),
        Drawable::Categories(data) => match chart.kind {
            ChartKind::Bar => bars::horizontal(target, data, style, false),
            ChartKind::Stacked => bars::horizontal(target, data, style, true),
            ChartKind::Column => bars::columns(target, data, style),
            ChartKind::Histogram => bars::histogram(target, data, style),
            ChartKind::Line => lines::line(target, data, style, false),
            ChartKind::Area => lines::line(target, data, style, true),
            ChartKind::Slope => lines::slope(target, data, style),
            ChartKind::Range => range::range(target, data, style),
            // Scatter plots are drawn from points, above, never from categories.
            ChartKind::Donut | ChartKind::Scatter => donut::donut(target, data, style),
        },
    }
}

/// Replaces plotters' `<svg>` tag with one that scales with its container
/// and names itself for screen readers: that tag with the title and
/// description, and the marks after it.
fn accessible_svg(
    svg: &str,
    (width, height): (u32, u32),
    id: &str,
    title: &str,
    desc: &str,
    class: &str,
) -> (String, String) {
    let body = palette_classes(&tidy_font_sizes(svg.split_once('\n').map_or("", |(_, rest)| rest)));
    let root = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         class=\"chart-svg {class}\" font-family=\"Inter, system-ui, sans-serif\">\n\
         <title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
        crate::html::escape(title),
        crate::html::escape(desc),
    );
    (root, body)
}

/// Marks in the default palette get a class (`cf1`, `cs1`: fill or stroke
/// of colour 1), so a theme can recolour them with CSS custom properties
/// (`--chart-1` … `--chart-7`, `--chart-muted`). The colour attribute stays,
/// so the SVG looks the same outside the page.
fn palette_classes(body: &str) -> String {
    let names: Vec<(String, String)> = PALETTE
        .iter()
        .enumerate()
        .map(|(i, c)| (*c, (i + 1).to_string()))
        .chain([(MUTED_MARK, "m".into())])
        .map(|(c, name)| (format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2), name))
        .collect();
    // One pass over `fill="#RRGGBB"` and `stroke="#RRGGBB"`.
    let mut out = String::with_capacity(body.len() + body.len() / 8);
    let mut rest = body;
    while let Some(i) = rest.find("=\"#") {
        let (before, after) = rest.split_at(i);
        let kind = if before.ends_with("fill") {
            "f"
        } else if before.ends_with("stroke") {
            "s"
        } else {
            ""
        };
        let value = after.get(2..9).filter(|_| after.get(9..10) == Some("\""));
        let name = value.and_then(|hex| names.iter().find(|(h, _)| h == hex)).map(|(_, n)| n);
        out.push_str(before);
        match name.filter(|_| !kind.is_empty()) {
            Some(name) => {
                out.push_str(&after[..10]);
                out.push_str(&format!(" class=\"c{kind}{name}\""));
                rest = &after[10..];
            }
            None => {
                out.push_str(&after[..3]);
                rest = &after[3..];
            }
        }
    }
    out.push_str(rest);
    out
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

/// Text colour readable on a mark of colour `c`: white on dark marks, ink
/// on light ones (WCAG relative luminance).
pub fn on_color(c: RGBColor) -> RGBColor {
    let l = luminance(c);
    // White wins when its contrast (1.05 / (l + 0.05)) beats ink's.
    if 1.05 / (l + 0.05) >= (l + 0.05) / 0.0605 { plotters::style::WHITE } else { INK }
}

/// The colour for text in a series' colour: the series colour darkened
/// until it has 4.5:1 contrast on white (WCAG AA for text), so a label
/// stays tied to its line by hue and readable by everyone.
pub fn text_color(c: RGBColor) -> RGBColor {
    let mut shade = c;
    for _ in 0..40 {
        if 1.05 / (luminance(shade) + 0.05) >= 4.5 {
            break;
        }
        let darker = |v: u8| (v as f64 * 0.92).floor() as u8;
        shade = RGBColor(darker(shade.0), darker(shade.1), darker(shade.2));
    }
    shade
}

/// A colour mixed with white by `amount` (0 to 1), for fills behind marks.
pub fn tint(c: RGBColor, amount: f64) -> RGBColor {
    let mix = |v: u8| (v as f64 + (255.0 - v as f64) * amount).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// WCAG relative luminance.
pub fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_colour_has_three_to_one_contrast_on_white() {
        for c in PALETTE.iter().chain([&MUTED_MARK]) {
            let contrast = 1.05 / (luminance(*c) + 0.05);
            assert!(contrast >= 3.0, "{c:?} has {contrast:.2}:1");
        }
    }

    #[test]
    fn text_in_series_colours_reaches_four_and_a_half_to_one() {
        for c in PALETTE.iter().chain([&MUTED_MARK, &RGBColor(0xf0, 0xe4, 0x42), &plotters::style::WHITE]) {
            let t = text_color(*c);
            let contrast = 1.05 / (luminance(t) + 0.05);
            assert!(contrast >= 4.5, "{c:?} gives {t:?} at {contrast:.2}:1");
        }
        // Already dark enough: unchanged.
        assert_eq!(text_color(PALETTE[0]), PALETTE[0]);
    }

    #[test]
    fn labels_on_marks_keep_contrast() {
        assert_eq!(on_color(PALETTE[0]), plotters::style::WHITE);
        assert_eq!(on_color(RGBColor(0xf0, 0xe4, 0x42)), INK);
    }

    #[test]
    fn palette_marks_carry_theme_classes() {
        let body = "<rect fill=\"#1F4E79\" stroke=\"none\"/><polyline fill=\"none\" stroke=\"#D55E00\"/><rect fill=\"#949494\"/><rect fill=\"#123456\"/>";
        let out = palette_classes(body);
        assert!(out.contains("fill=\"#1F4E79\" class=\"cf1\""), "{out}");
        assert!(out.contains("stroke=\"#D55E00\" class=\"cs2\""), "{out}");
        assert!(out.contains("fill=\"#949494\" class=\"cfm\""), "{out}");
        assert!(out.contains("<rect fill=\"#123456\"/>"), "custom colours stay as written");
    }

    #[test]
    fn colours_parse_in_both_forms() {
        assert_eq!(parse_hex("#1f4e79"), Some(RGBColor(0x1f, 0x4e, 0x79)));
        assert_eq!(parse_hex("#f80"), Some(RGBColor(0xff, 0x88, 0x00)));
        assert_eq!(parse_hex("1f4e79"), None);
    }

    #[test]
    fn font_sizes_are_rounded_and_svg_is_named() {
        assert_eq!(tidy_font_sizes("a font-size=\"13.000000000000002\" b"), "a font-size=\"13\" b");
        let (root, body) =
            accessible_svg("<svg old>\n<rect/>\n</svg>", (720, 200), "f1", "A < B", "d & e", "chart-wide");
        let svg = root + &body;
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 200\""));
        assert!(svg.contains("<title id=\"f1-title\">A &lt; B</title>"));
        assert!(svg.contains("<desc id=\"f1-desc\">d &amp; e</desc>"));
        assert!(!svg.contains("old"));
    }
}
