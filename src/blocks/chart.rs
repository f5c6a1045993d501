//! The `chart` block: settings, which types take which, and the checks a
//! chart's data must pass before it is drawn.

use serde::Deserialize;

use super::{Checker, Source};
use crate::datasets::{FieldType, Row};
use crate::diagnostics::{Diagnostic, Pos};
use crate::yaml::Spanned;

/// The chart types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Horizontal bars, for long category labels such as survey statements.
    Bar,
    Column,
    /// Horizontal bars split by `series`; `percent: true` for 100 % stacks.
    Stacked,
    Line,
    Area,
    Donut,
    Scatter,
    /// A dot per category with a low–high interval.
    Range,
    /// Two points in time per series.
    Slope,
    Histogram,
}

use ChartKind::*;

impl ChartKind {
    pub fn name(self) -> &'static str {
        match self {
            Bar => "bar",
            Column => "column",
            Stacked => "stacked",
            Line => "line",
            Area => "area",
            Donut => "donut",
            Scatter => "scatter",
            Range => "range",
            Slope => "slope",
            Histogram => "histogram",
        }
    }

    /// Types whose marks are categories (as opposed to series or numbers).
    pub fn highlights_categories(self) -> bool {
        matches!(self, Bar | Column | Range | Donut)
    }
}

/// Category order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Data,
    Asc,
    Desc,
}

/// What a chart does with a missing value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    /// Nothing is drawn there: a line breaks, a stack above it too.
    #[default]
    Gap,
    Zero,
    /// A straight line between the values either side.
    Interpolate,
}

/// A line across the chart at a value, e.g. the average.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub value: f64,
    pub label: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChartSettings {
    #[serde(rename = "type")]
    kind: Spanned<ChartKind>,
    data: Spanned<String>,
    id: Option<Spanned<String>>,
    x: Option<Spanned<String>>,
    y: Option<Spanned<String>>,
    series: Option<Spanned<String>>,
    low: Option<Spanned<String>>,
    high: Option<Spanned<String>>,
    facet: Option<Spanned<String>>,
    title: Option<String>,
    subtitle: Option<String>,
    note: Option<String>,
    sort: Option<Spanned<Sort>>,
    highlight: Option<Spanned<String>>,
    reference: Option<Spanned<Reference>>,
    ci: Option<Spanned<bool>>,
    height: Option<Spanned<u32>>,
    colors: Option<Vec<Spanned<String>>>,
    min: Option<Spanned<f64>>,
    max: Option<Spanned<f64>>,
    labels: Option<bool>,
    percent: Option<Spanned<bool>>,
    log_x: Option<Spanned<bool>>,
    bins: Option<Spanned<u32>>,
    missing: Option<Spanned<Missing>>,
}

/// A chart ready to draw: fields resolved to column indexes, settings checked.
#[derive(Clone, Debug)]
pub struct Chart {
    pub kind: ChartKind,
    pub dataset: String,
    /// The author's id: the figure's anchor, and `@fig-<id>` in prose.
    pub id: Option<String>,
    pub x: usize,
    /// The values; histograms count rows instead.
    pub y: Option<usize>,
    pub series: Option<usize>,
    pub low: Option<usize>,
    pub high: Option<usize>,
    pub facet: Option<usize>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub note: Option<String>,
    pub sort: Sort,
    pub highlight: Option<String>,
    pub reference: Option<Reference>,
    /// 95 % Wilson intervals on shares, from the dataset's `sample_size`.
    pub ci: bool,
    pub height: Option<u32>,
    /// Series colours as `#rrggbb`; the theme's palette when empty.
    pub colors: Vec<String>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Values printed on the marks.
    pub labels: bool,
    /// Stacks scaled to 100 %.
    pub percent: bool,
    pub log_x: bool,
    pub bins: Option<usize>,
    pub missing: Missing,
}

impl Chart {
    /// The field whose values `highlight` names: the categories, or for
    /// lines and stacks the series; none when the chart has no series.
    pub fn highlight_field(&self) -> Option<usize> {
        if self.kind.highlights_categories() { Some(self.x) } else { self.series }
    }
}

/// Which settings each type takes, beyond `x`, `y`, titles and notes.
fn applies(setting: &str, kind: ChartKind) -> bool {
    match setting {
        "low" | "high" => kind == Range,
        "bins" => kind == Histogram,
        "log_x" => matches!(kind, Scatter | Histogram),
        "missing" => matches!(kind, Line | Area | Column),
        "percent" => kind == Stacked,
        "ci" => matches!(kind, Bar | Column),
        "series" => !matches!(kind, Donut | Histogram | Range),
        "facet" => matches!(kind, Bar | Column | Stacked | Line | Area | Range | Donut),
        "sort" => matches!(kind, Bar | Column | Stacked | Range | Donut),
        "reference" | "min" | "max" => kind != Donut,
        "highlight" => kind != Histogram && kind != Scatter,
        _ => true,
    }
}

fn kinds_taking(setting: &str) -> String {
    let all = [Bar, Column, Stacked, Line, Area, Donut, Scatter, Range, Slope, Histogram];
    let names: Vec<&str> = all.iter().filter(|k| applies(setting, **k)).map(|k| k.name()).collect();
    names.join(", ")
}

pub(super) fn resolve(src: &Source) -> Result<Chart, Vec<Diagnostic>> {
    let (s, mut check) = Checker::start(src, |s: &ChartSettings| &s.data)?;
    let kind = s.kind.value;
    check_applicable(&s, &mut check);
    let what = format!("a {} chart", kind.name());
    let x_role = match kind {
        Scatter | Histogram => "the field with the numbers",
        Slope => "the field with the two points in time",
        _ => "the field that names the categories",
    };
    let x = check.required(&what, "x", &s.x, x_role);
    let y = match (kind, &s.y) {
        (Histogram, Some(y)) => {
            let pos = check.pos(y);
            check.error(Some(pos), "a histogram counts rows; it takes no `y`").hint =
                Some("put the numbers to count in `x`".into());
            None
        }
        (Histogram, None) => None,
        _ => check.required(&what, "y", &s.y, "the field with the values"),
    };
    let series = match (kind, &s.series) {
        (Stacked, None) => check.required(&what, "series", &None, "the field that splits each bar"),
        (Slope, None) => check.required(&what, "series", &None, "the field that names each line"),
        (_, Some(v)) if applies("series", kind) => check.field(v),
        _ => None,
    };
    let (low, high) = if kind == Range {
        let low = check.required(&what, "low", &s.low, "the field with the bottom of each interval");
        let high = check.required(&what, "high", &s.high, "the field with the top of each interval");
        (low, high)
    } else {
        (None, None)
    };
    let facet = s.facet.as_ref().filter(|_| applies("facet", kind)).and_then(|f| check.field(f));
    for (index, spanned) in [(y, &s.y), (low, &s.low), (high, &s.high)] {
        if let (Some(i), Some(at)) = (index, spanned) {
            check.numeric(i, at, &what);
        }
    }
    // A scatter plot takes dates on `x` too, placed by time.
    let dated = |i: usize| check.ds.fields[i].ty == FieldType::Date;
    if let (Some(i), Some(at), Scatter | Histogram) = (x, &s.x, kind)
        && !(kind == Scatter && dated(i))
    {
        check.numeric(i, at, &what);
    }
    let colors = check_colors(&s.colors, &mut check);
    let id = check.id(&s.id);
    check_ranges(&s, &mut check);
    // Data checks run even after setting errors, so one build reports both.
    let Some(x) = x else {
        return Err(check.errors);
    };
    let mut chart = Chart {
        kind,
        dataset: check.ds.id.clone(),
        id,
        x,
        y,
        series,
        low,
        high,
        facet,
        title: s.title.clone(),
        subtitle: s.subtitle.clone(),
        note: s.note.clone(),
        sort: s.sort.as_ref().map(|s| s.value).unwrap_or_default(),
        highlight: None,
        reference: s.reference.as_ref().map(|r| r.value.clone()),
        ci: s.ci.as_ref().is_some_and(|c| c.value),
        height: s.height.as_ref().map(|h| h.value),
        colors,
        min: s.min.as_ref().map(|m| m.value),
        max: s.max.as_ref().map(|m| m.value),
        labels: s.labels.unwrap_or(true),
        percent: s.percent.as_ref().is_some_and(|p| p.value),
        log_x: s.log_x.as_ref().is_some_and(|l| l.value),
        bins: s.bins.as_ref().map(|b| b.value as usize),
        missing: s.missing.as_ref().map(|m| m.value).unwrap_or_default(),
    };
    chart.highlight = s.highlight.as_ref().map(|h| match chart.highlight_field() {
        Some(f) => highlighted(check.ds, f, &h.value),
        None => h.value.clone(),
    });
    check_data(&chart, &s, &mut check);
    check.finish(chart)
}

/// A setting given to a type that does not take it is an error, not a
/// silent no-op: the author expects to see it.
fn check_applicable(s: &ChartSettings, check: &mut Checker) {
    let kind = s.kind.value;
    let given: [(&str, Option<Pos>); 14] = [
        ("missing", s.missing.as_ref().map(|v| check.pos(v))),
        ("low", s.low.as_ref().map(|v| check.pos(v))),
        ("high", s.high.as_ref().map(|v| check.pos(v))),
        ("bins", s.bins.as_ref().map(|v| check.pos(v))),
        ("log_x", s.log_x.as_ref().map(|v| check.pos(v))),
        ("percent", s.percent.as_ref().map(|v| check.pos(v))),
        ("ci", s.ci.as_ref().map(|v| check.pos(v))),
        ("series", s.series.as_ref().map(|v| check.pos(v))),
        ("facet", s.facet.as_ref().map(|v| check.pos(v))),
        ("sort", s.sort.as_ref().map(|v| check.pos(v))),
        ("reference", s.reference.as_ref().map(|v| check.pos(v))),
        ("min", s.min.as_ref().map(|v| check.pos(v))),
        ("max", s.max.as_ref().map(|v| check.pos(v))),
        ("highlight", s.highlight.as_ref().map(|v| check.pos(v))),
    ];
    for (name, pos) in given {
        if let Some(pos) = pos
            && !applies(name, kind)
        {
            let message = format!("a {} chart does not take `{name}`", kind.name());
            check.error(Some(pos), message).hint =
                Some(format!("`{name}` applies to: {}", kinds_taking(name)));
        }
    }
}

fn check_colors(colors: &Option<Vec<Spanned<String>>>, check: &mut Checker) -> Vec<String> {
    let mut out = Vec::new();
    for c in colors.iter().flatten() {
        let hex = c.value.trim();
        if crate::charts::parse_hex(hex).is_some() {
            out.push(hex.to_ascii_lowercase());
        } else {
            let pos = check.pos(c);
            check.error(Some(pos), format!("`{hex}` is not a colour")).hint =
                Some("write colours as #1f4e79 or #f80".into());
        }
    }
    out
}

fn check_ranges(s: &ChartSettings, check: &mut Checker) {
    if let Some(h) = &s.height
        && !(120..=2000).contains(&h.value)
    {
        let pos = check.pos(h);
        check.error(Some(pos), format!("a height of {} is outside 120 to 2000", h.value));
    }
    if let Some(b) = &s.bins
        && !(1..=200).contains(&b.value)
    {
        let pos = check.pos(b);
        check.error(Some(pos), format!("{} bins is outside 1 to 200", b.value));
    }
    let bounds = [&s.min, &s.max].into_iter().flatten().map(|b| (b.value, check.pos(b)));
    let reference = s.reference.as_ref().map(|r| (r.value.value, check.pos(r)));
    let beyond: Vec<(f64, Pos)> =
        bounds.chain(reference).filter(|(v, _)| v.is_nan() || v.abs() > MAX_MAGNITUDE).collect();
    for (v, pos) in beyond {
        check.error(Some(pos), format!("{v:e} is beyond what a chart draws (±10¹⁵)"));
    }
    if let (Some(min), Some(max)) = (&s.min, &s.max)
        && min.value >= max.value
    {
        let pos = check.pos(max);
        check.error(Some(pos), format!("`max` ({}) must be above `min` ({})", max.value, min.value));
    }
}

/// The largest value a chart draws, either side of zero. Beyond a
/// quadrillion a figure is a data error, and spans of values near `f64`'s
/// limit overflow any scale.
pub const MAX_MAGNITUDE: f64 = 1e15;
/// Categories (bars, dots, slices) one chart draws; a longer list reads as
/// a table, and 10,000 bars would make a chart gigabytes large.
pub const MAX_CATEGORIES: usize = 200;
/// Points along `x` of a line or area chart, and points of a scatter.
pub const MAX_POINTS: usize = 10_000;
/// Series, and facet panels, of one chart.
pub const MAX_SERIES: usize = 50;

/// Limits that keep a chart drawable in bounded time and size.
fn check_size(chart: &Chart, s: &ChartSettings, check: &mut Checker) {
    let ds = check.ds;
    let kind_pos = Some(check.pos(&s.kind));
    for field in [chart.y, chart.low, chart.high, Some(chart.x)].into_iter().flatten() {
        if !ds.fields[field].ty.is_numeric() {
            continue;
        }
        let beyond = |r: Row| r.number(field).filter(|v| v.abs() > MAX_MAGNITUDE);
        if let Some((r, v)) = ds.rows().enumerate().find_map(|(r, row)| Some((r, beyond(row)?))) {
            let message = format!(
                "row {} has `{}` = {v:e}, beyond what a chart draws (±10¹⁵)",
                r + 1,
                ds.fields[field].name
            );
            check.error(kind_pos, message).hint =
                Some("check the data, or scale it (thousands, millions) with a derived dataset".into());
            return;
        }
    }
    let x_limit = match chart.kind {
        Line | Area => Some((MAX_POINTS, "points along `x`")),
        Scatter | Histogram => None,
        _ => Some((MAX_CATEGORIES, "categories")),
    };
    if let Some((limit, what)) = x_limit
        && let Some(n) = distinct_over(ds, chart.x, limit)
    {
        let message = format!("this {} chart has more than {limit} {what} ({n} at least)", chart.kind.name());
        check.error(kind_pos, message).hint = Some(
            "show the top ones with a derived dataset (`sort: -value`, `limit: 20`), or the whole list with a `table` block"
                .into(),
        );
    }
    if chart.kind == Scatter && ds.len > MAX_POINTS {
        let message =
            format!("a scatter chart draws at most {MAX_POINTS} points; `{}` has {} rows", ds.id, ds.len);
        check.error(kind_pos, message).hint =
            Some("filter the rows in a derived dataset, or show their distribution with a histogram".into());
    }
    for (field, what) in [(chart.series, "series"), (chart.facet, "facet panels")] {
        if let Some(n) = field.and_then(|f| distinct_over(ds, f, MAX_SERIES)) {
            let message = format!("this chart would draw more than {MAX_SERIES} {what} ({n} at least)");
            check.error(kind_pos, message).hint = Some("group the smaller ones in a derived dataset".into());
        }
    }
}

/// How many distinct values `field` has, if more than `limit` (counting
/// stops a little past it).
fn distinct_over(ds: &crate::datasets::Dataset, field: usize, limit: usize) -> Option<usize> {
    if ds.len <= limit {
        return None;
    }
    let mut seen = std::collections::HashSet::new();
    for row in ds.rows() {
        seen.insert(row.text(field).into_owned());
        if seen.len() > limit {
            return Some(seen.len());
        }
    }
    None
}

/// Checks that need the rows: what would otherwise be a wrong picture.
fn check_data(chart: &Chart, s: &ChartSettings, check: &mut Checker) {
    check_size(chart, s, check);
    let ds = check.ds;
    // Dates on `x` sort by time: a `sort` there would silently do nothing.
    if let (Some(sort), FieldType::Date) = (&s.sort, ds.fields[chart.x].ty)
        && chart.kind != Bar
    {
        let pos = check.pos(sort);
        check
            .error(
                Some(pos),
                format!("`{}` holds dates, so this chart runs in time order", ds.fields[chart.x].name),
            )
            .hint = Some("remove `sort`, or use a `bar` chart to rank the periods".into());
    }
    let kind_pos = Some(check.pos(&s.kind));
    let num = |row: &Row, i: Option<usize>| i.and_then(|i| row.number(i));
    let row_name = |r: usize| match ds.field_index("id").map(|c| ds.row(r).text(c)) {
        Some(id) if !id.is_empty() => format!("row {} (`{id}`)", r + 1),
        _ => format!("row {}", r + 1),
    };
    match chart.kind {
        Donut => {
            if let Some(r) = ds.rows().position(|r| num(&r, chart.y).is_some_and(|v| v < 0.0)) {
                check.error(kind_pos, format!("a donut cannot show the negative value of {}", row_name(r)));
            }
            let percent = chart.y.is_some_and(|y| ds.fields[y].ty == FieldType::Percent);
            // Each ring (one per facet) must add up on its own.
            let groups: Vec<String> = match chart.facet {
                Some(f) => {
                    let mut g: Vec<String> = ds.rows().map(|r| r.text(f).into_owned()).collect();
                    g.dedup();
                    g
                }
                None => vec![String::new()],
            };
            for group in groups {
                let in_group = |r: &Row| chart.facet.is_none_or(|f| r.text(f) == group);
                let sum: f64 = ds.rows().filter(in_group).filter_map(|r| num(&r, chart.y)).sum();
                if percent && (sum - 100.0).abs() > 1.0 {
                    let of = if group.is_empty() { String::new() } else { format!(" for `{group}`") };
                    let message = format!(
                        "the shares of this donut{of} add up to {}, not 100",
                        crate::datasets::number_text(sum)
                    );
                    check.error(kind_pos, message).hint = Some(
                        "a donut shows the parts of one whole; use a bar chart for shares that do not add up"
                            .into(),
                    );
                }
            }
        }
        Range => {
            for (r, row) in ds.rows().enumerate() {
                if let (Some(lo), Some(hi)) = (num(&row, chart.low), num(&row, chart.high))
                    && lo > hi
                {
                    let message = format!("in {}, `low` ({lo}) is above `high` ({hi})", row_name(r));
                    check.error(kind_pos, message);
                }
            }
        }
        Scatter | Histogram if chart.log_x => {
            if let Some(r) = ds.rows().position(|r| num(&r, Some(chart.x)).is_some_and(|v| v <= 0.0)) {
                let pos = s.log_x.as_ref().map(|l| check.pos(l));
                let message = format!(
                    "a log scale cannot show the zero or negative `{}` of {}",
                    ds.fields[chart.x].name,
                    row_name(r)
                );
                check.error(pos, message).hint = Some("filter those rows out, or drop `log_x`".into());
            }
        }
        Slope => {
            let mut points: Vec<String> = ds.rows().map(|r| r.text(chart.x).into_owned()).collect();
            points.sort();
            points.dedup();
            if points.len() != 2 {
                let message = format!(
                    "a slope chart compares two points in time, but `{}` has {} values",
                    ds.fields[chart.x].name,
                    points.len()
                );
                check.error(kind_pos, message).hint = Some("use a line chart for more than two".into());
            }
        }
        _ => {}
    }
    if chart.ci {
        check_ci(chart, s, check);
    }
    if let Some(h) = &s.highlight {
        check_highlight(chart, h, check);
    }
}

fn check_ci(chart: &Chart, s: &ChartSettings, check: &mut Checker) {
    let pos = s.ci.as_ref().map(|c| check.pos(c));
    let ds = check.ds;
    if chart.y.is_some_and(|y| ds.fields[y].ty != FieldType::Percent) {
        check.error(pos, "`ci` draws intervals on shares, but `y` is not a percent field").hint =
            Some(format!("declare it `type: percent` in `{}`", ds.file.display()));
    } else if ds.meta.sample_size.is_none() {
        check.error(pos, format!("`ci` needs the dataset's `sample_size`, and `{}` has none", ds.id)).hint =
            Some(format!("add `sample_size:` to `{}`", ds.file.display()));
    }
}

fn check_highlight(chart: &Chart, h: &Spanned<String>, check: &mut Checker) {
    let ds = check.ds;
    let Some(field) = chart.highlight_field() else {
        let pos = check.pos(h);
        check.error(Some(pos), "`highlight` names a series, and this chart has no `series`");
        return;
    };
    let mut names: Vec<String> = ds.rows().map(|r| r.text(field).into_owned()).collect();
    names.dedup();
    if !chart.highlight.as_ref().is_some_and(|v| names.contains(v)) {
        let pos = check.pos(h);
        let message = format!("`{}` is neither a value of `{}` nor a row id", h.value, ds.fields[field].name);
        let ids = ds.field_index("id").map(|c| ds.rows().map(|r| r.text(c).into_owned()).collect::<Vec<_>>());
        let d = check.error(Some(pos), message);
        let candidates = names.iter().chain(ids.iter().flatten()).map(String::as_str);
        *d = d.clone().suggest(&h.value, candidates);
    }
}

/// The category `highlight` names in `field`: the value itself, or the
/// value of the row whose `id` it is (`highlight: micro` for the row of
/// a grouped dataset).
fn highlighted(ds: &crate::datasets::Dataset, field: usize, h: &str) -> String {
    if ds.rows().any(|r| r.text(field) == h) {
        return h.to_string();
    }
    let by_id = ds.field_index("id").and_then(|c| ds.rows().find(|r| r.text(c) == h));
    by_id.map_or_else(|| h.to_string(), |r| r.text(field).into_owned())
}
