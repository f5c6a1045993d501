//! From a dataset's rows to what a chart draws: categories against series,
//! intervals, histogram bins, points. Pure data work, no drawing.

use crate::blocks::{Chart, Sort};
use crate::blocks::{MAX_POINTS, Missing};
use crate::config::Language;
use crate::datasets::Dataset;
use crate::dates::Date;
use crate::format::{NumberFormat, NumberStyle};
use crate::stats::wilson;

/// One line of values, for a series (or the only one).
#[derive(Clone, Debug)]
pub struct Series {
    pub name: Option<String>,
    pub values: Vec<Option<f64>>,
    /// A low–high interval per value: Wilson intervals, or a range chart's.
    pub intervals: Vec<Option<(f64, f64)>>,
}

/// Categories against series, the shape most charts draw.
#[derive(Clone, Debug)]
pub struct Categorical {
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    /// How the values read: the `y` field's format.
    pub style: NumberStyle,
    pub value_label: String,
    pub category_label: String,
    /// When `x` holds dates: each category's period, in time order.
    pub times: Option<Vec<Date>>,
    /// Values left missing, filled with zero, or interpolated; and which.
    pub missing: Missing,
    pub filled: Vec<Vec<bool>>,
    /// A histogram's bins, drawn on a continuous axis.
    pub bins: Option<Bins>,
}

impl Categorical {
    /// Rows to categories (`x`) and series (`series`), both in data order.
    /// Several rows for one cell add up.
    pub fn from_dataset(chart: &Chart, ds: &Dataset) -> Categorical {
        let y = chart.y.unwrap_or(chart.x);
        let mut categories: Vec<String> = Vec::new();
        let mut names: Vec<Option<String>> = Vec::new();
        // (series, category, value, interval) for every row with a value.
        type Cell = (usize, usize, f64, Option<(f64, f64)>);
        let mut cells: Vec<Cell> = Vec::new();
        for row in ds.rows() {
            let ci = index_of(&mut categories, row.text(chart.x).into_owned());
            let si = index_of(&mut names, chart.series.map(|s| row.text(s).into_owned()));
            if let Some(v) = row.number(y) {
                let interval = match (chart.low, chart.high) {
                    (Some(lo), Some(hi)) => row.number(lo).zip(row.number(hi)),
                    _ => None,
                };
                cells.push((si, ci, v, interval));
            }
        }
        let mut series: Vec<Series> = names
            .into_iter()
            .map(|name| Series {
                name,
                values: vec![None; categories.len()],
                intervals: vec![None; categories.len()],
            })
            .collect();
        for (si, ci, v, interval) in cells {
            let slot = &mut series[si].values[ci];
            *slot = Some(slot.unwrap_or(0.0) + v);
            series[si].intervals[ci] = interval;
        }
        Categorical {
            categories,
            series,
            style: ds.fields[y].number_style(),
            value_label: ds.fields[y].title().to_string(),
            category_label: ds.fields[chart.x].title().to_string(),
            times: None,
            missing: Missing::Gap,
            filled: Vec::new(),
            bins: None,
        }
    }

    /// Orders dated categories by time and names them in `lang`. With
    /// `complete`, a regular series (three periods or more, covering at
    /// least half of its span) gets a place for every period between its
    /// first and last, so a missing month shows as a gap rather than
    /// vanishing; surveys of 2012 and 2016 stay two points four years apart.
    pub fn as_time(&mut self, lang: Language, complete: bool) {
        let Some(dates) = self.categories.iter().map(|c| Date::parse(c)).collect::<Option<Vec<Date>>>()
        else {
            return;
        };
        let mut order: Vec<usize> = (0..dates.len()).collect();
        order.sort_by_key(|&i| dates[i]);
        let mut periods: Vec<Date> = order.iter().map(|&i| dates[i]).collect();
        let mut slots: Vec<Option<usize>> = order.into_iter().map(Some).collect();
        let same_precision = periods.windows(2).all(|w| w[0].precision() == w[1].precision());
        if let (true, true, Some(first), Some(last)) =
            (complete, same_precision, periods.first(), periods.last())
        {
            let all: Vec<Date> = std::iter::successors(Some(*first), |d| Some(d.next()))
                .take_while(|d| d <= last)
                .take(MAX_POINTS + 1)
                .collect();
            let regular = periods.len() >= 3 && periods.len() * 2 >= all.len();
            if regular && all.len() <= MAX_POINTS {
                slots = all.iter().map(|d| periods.binary_search(d).ok().and_then(|k| slots[k])).collect();
                periods = all;
            }
        }
        for s in &mut self.series {
            s.values = slots.iter().map(|k| k.and_then(|i| s.values[i])).collect();
            s.intervals = slots.iter().map(|k| k.and_then(|i| s.intervals[i])).collect();
        }
        self.categories = periods.iter().map(|d| d.label(lang)).collect();
        self.times = Some(periods);
    }

    /// Applies the chart's choice for missing values, remembering which
    /// values it filled so the drawing and the description can say so.
    pub fn fill_missing(&mut self, missing: Missing) {
        self.missing = missing;
        let positions: Vec<f64> = match &self.times {
            Some(t) => t.iter().map(|d| d.days() as f64).collect(),
            None => (0..self.categories.len()).map(|i| i as f64).collect(),
        };
        self.filled = self
            .series
            .iter_mut()
            .map(|s| {
                let before = s.values.clone();
                for i in 0..before.len() {
                    if before[i].is_some() {
                        continue;
                    }
                    s.values[i] = match missing {
                        Missing::Gap => None,
                        Missing::Zero => Some(0.0),
                        Missing::Interpolate => interpolate(&before, &positions, i),
                    };
                }
                before.iter().zip(&s.values).map(|(b, a)| b.is_none() && a.is_some()).collect()
            })
            .collect();
    }

    /// The categories where some series has no value, as drawn.
    pub fn gaps(&self) -> Vec<usize> {
        (0..self.categories.len()).filter(|&ci| self.series.iter().any(|s| s.values[ci].is_none())).collect()
    }

    /// The categories where a value was filled in.
    pub fn filled_at(&self) -> Vec<usize> {
        (0..self.categories.len())
            .filter(|&ci| self.filled.iter().any(|f| f.get(ci) == Some(&true)))
            .collect()
    }

    /// Reorders categories by their total, ascending or descending.
    pub fn sort(&mut self, sort: Sort) {
        if sort == Sort::Data {
            return;
        }
        // Ranked by value, periods are categories like any other.
        self.times = None;
        let totals: Vec<f64> = (0..self.categories.len()).map(|ci| self.total(ci)).collect();
        let mut order: Vec<usize> = (0..self.categories.len()).collect();
        // A stable sort keeps data order among equal values.
        order.sort_by(|&a, &b| match sort {
            Sort::Asc => totals[a].total_cmp(&totals[b]),
            _ => totals[b].total_cmp(&totals[a]),
        });
        self.categories = order.iter().map(|&i| self.categories[i].clone()).collect();
        for s in &mut self.series {
            s.values = order.iter().map(|&i| s.values[i]).collect();
            s.intervals = order.iter().map(|&i| s.intervals[i]).collect();
        }
    }

    /// Each category's values as shares of its total, for 100 % stacks.
    pub fn as_shares(&mut self) {
        for ci in 0..self.categories.len() {
            let total = self.total(ci);
            for s in &mut self.series {
                if let Some(v) = &mut s.values[ci] {
                    // Rounded at 1e-9 so 62 stays 62, not 62.00000000000001.
                    *v = if total > 0.0 { (*v / total * 100.0 * 1e9).round() / 1e9 } else { 0.0 };
                }
            }
        }
        self.style = NumberStyle::percent();
    }

    /// 95 % Wilson intervals on every share, for `n` respondents.
    pub fn with_wilson(&mut self, n: f64) {
        for s in &mut self.series {
            s.intervals = s.values.iter().map(|v| v.and_then(|v| wilson(v, n))).collect();
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

    /// Each series' values added to those of the series before it, for
    /// stacked areas; the last series holds the totals. Where a series
    /// has no value, neither it nor any series above it has a height:
    /// counting the missing value as zero would draw a false dip.
    pub fn cumulative(&self) -> Vec<Vec<Option<f64>>> {
        let mut acc: Vec<Option<f64>> = vec![Some(0.0); self.categories.len()];
        self.series
            .iter()
            .map(|s| {
                s.values
                    .iter()
                    .enumerate()
                    .map(|(ci, v)| {
                        acc[ci] = acc[ci].zip(*v).map(|(a, v)| a + v);
                        acc[ci]
                    })
                    .collect()
            })
            .collect()
    }

    /// Whether the values are counts (whole, not shares): their scales
    /// tick at whole numbers, since half a respondent reads as an error.
    pub fn counts(&self) -> bool {
        !self.style.percent && self.values().all(|v| v.fract() == 0.0)
    }

    pub fn total(&self, ci: usize) -> f64 {
        self.series.iter().filter_map(|s| s.values[ci]).sum()
    }

    pub fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.series.iter().flat_map(|s| s.values.iter().flatten().copied())
    }

    /// The smallest and largest value drawn, intervals and stacks included.
    pub fn domain(&self, stacked: bool) -> (f64, f64) {
        let values: Vec<f64> = if stacked {
            (0..self.categories.len()).map(|ci| self.total(ci)).collect()
        } else {
            self.values()
                .chain(
                    self.series.iter().flat_map(|s| s.intervals.iter().flatten().flat_map(|(a, b)| [*a, *b])),
                )
                .collect()
        };
        values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)))
    }
}

/// The value at `i` on the straight line between the nearest values either
/// side of it; none before the first value or after the last.
fn interpolate(values: &[Option<f64>], positions: &[f64], i: usize) -> Option<f64> {
    let before = (0..i).rev().find_map(|k| values[k].map(|v| (positions[k], v)))?;
    let after = (i + 1..values.len()).find_map(|k| values[k].map(|v| (positions[k], v)))?;
    let t = (positions[i] - before.0) / (after.0 - before.0);
    Some(before.1 + (after.1 - before.1) * t)
}

pub(super) fn index_of<T: PartialEq>(list: &mut Vec<T>, item: T) -> usize {
    match list.iter().position(|x| *x == item) {
        Some(i) => i,
        None => {
            list.push(item);
            list.len() - 1
        }
    }
}

/// A histogram's bins: `edges` has one more entry than there are bins.
#[derive(Clone, Debug)]
pub struct Bins {
    pub edges: Vec<f64>,
    /// Edges spaced by ratio (1, 2, 5, 10, …) on a logarithmic axis.
    pub log: bool,
    /// The format of the counted field, for the edges' labels.
    pub style: NumberStyle,
}

/// Counts of `x` in bins on round edges (steps of 1, 2 or 5 times a power
/// of ten, or on a log axis 1-2-5 per decade), as categories labelled
/// `a–b`. Sturges' rule gives the number of bins aimed at, unless the
/// chart sets `bins`.
pub fn histogram(chart: &Chart, ds: &Dataset, fmt: &NumberFormat) -> Categorical {
    let values: Vec<f64> = ds.rows().filter_map(|r| r.number(chart.x)).collect();
    let n = values.len();
    let aim = chart.bins.unwrap_or_else(|| ((n.max(1) as f64).log2().ceil() as usize + 1).max(1));
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    let (lo, hi) = if n == 0 { (0.0, 1.0) } else { (lo, hi) };
    let edges = if chart.log_x && lo > 0.0 { log_edges(lo, hi, aim) } else { linear_edges(lo, hi, aim) };
    let bins = edges.len() - 1;
    let mut counts = vec![0.0; bins];
    for v in &values {
        // Bins hold their lower edge; the top edge belongs to the last bin.
        let i = edges.partition_point(|e| e <= v).saturating_sub(1).min(bins - 1);
        counts[i] += 1.0;
    }
    let style = ds.fields[chart.x].number_style();
    let categories = edges
        .windows(2)
        .map(|w| format!("{}–{}", fmt.value(w[0], &style), fmt.value(w[1], &style)))
        .collect();
    let count_label = if fmt.language() == crate::config::Language::Fr { "Effectif" } else { "Count" };
    Categorical {
        categories,
        series: vec![Series {
            name: None,
            values: counts.into_iter().map(Some).collect(),
            intervals: vec![None; bins],
        }],
        style: NumberStyle::whole(),
        value_label: count_label.to_string(),
        category_label: ds.fields[chart.x].title().to_string(),
        times: None,
        missing: Missing::Gap,
        filled: Vec::new(),
        bins: Some(Bins { edges, log: chart.log_x && lo > 0.0, style }),
    }
}

/// Round edges covering `lo..=hi`: a step of 1, 2 or 5 times a power of
/// ten, the one whose number of bins comes closest to `aim`.
fn linear_edges(lo: f64, hi: f64, aim: usize) -> Vec<f64> {
    let span = if hi > lo { hi - lo } else { 1.0 };
    let edges = |step: f64| {
        let first = (lo / step).floor() * step;
        let count = (((hi - first) / step).floor() as usize + 1).clamp(1, 1_000);
        (0..=count).map(|i| clean(first + step * i as f64)).collect::<Vec<f64>>()
    };
    let power = 10f64.powf((span / aim.max(1) as f64).log10().floor());
    // A span below the smallest float's reach has no usable step.
    let power = if power.is_finite() && power > 0.0 { power } else { 1.0 };
    let candidates = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0].map(|m| m * power);
    let off = |step: &f64| ((edges(*step).len() - 1) as f64 - aim as f64).abs();
    // On a tie the wider step wins: fewer, rounder bins.
    let step = candidates.iter().rev().min_by(|a, b| off(a).total_cmp(&off(b))).copied().unwrap_or(1.0);
    edges(step)
}

/// Edges at 1, 2 and 5 of each decade from below `lo` to above `hi`,
/// thinned to decades when that is closer to `aim` bins.
fn log_edges(lo: f64, hi: f64, aim: usize) -> Vec<f64> {
    let (a, b) = (lo.log10().floor() as i32, hi.log10().floor() as i32 + 1);
    let decades: Vec<f64> = (a..=b).map(|e| 10f64.powi(e)).collect();
    let mut fine: Vec<f64> = (a..b).flat_map(|e| [1.0, 2.0, 5.0].map(|m| m * 10f64.powi(e))).collect();
    fine.push(10f64.powi(b));
    let trim = |edges: Vec<f64>| -> Vec<f64> {
        let first = edges.partition_point(|e| *e <= lo).saturating_sub(1);
        let last = edges.partition_point(|e| *e <= hi).min(edges.len() - 1);
        edges[first..=last.max(first + 1)].to_vec()
    };
    let (fine, decades) = (trim(fine), trim(decades));
    let off = |e: &Vec<f64>| (e.len() as f64 - 1.0 - aim as f64).abs();
    if off(&decades) < off(&fine) { decades } else { fine }
}

/// Removes float noise such as 0.30000000000000004.
fn clean(v: f64) -> f64 {
    if v.abs() < 1e12 { (v * 1e9).round() / 1e9 } else { v }
}

/// Points for a scatter plot.
pub struct Points {
    pub points: Vec<(f64, f64, usize)>,
    pub groups: Vec<String>,
    pub x_label: String,
    pub y_label: String,
    pub x_style: NumberStyle,
    pub y_style: NumberStyle,
    /// When `x` holds dates (as days from 1970): the finest precision.
    pub x_time: Option<crate::dates::Precision>,
}

impl Points {
    pub fn from_dataset(chart: &Chart, ds: &Dataset) -> Points {
        let y = chart.y.unwrap_or(chart.x);
        let mut groups: Vec<String> = Vec::new();
        let mut points = Vec::new();
        let dated = ds.fields[chart.x].ty == crate::datasets::FieldType::Date;
        let mut precision = None;
        for row in ds.rows() {
            // Dates stand at their first day, counted from 1970.
            let x = match dated {
                true => Date::parse(&row.text(chart.x)).map(|d| {
                    precision = precision.max(Some(d.precision()));
                    d.days() as f64
                }),
                false => row.number(chart.x),
            };
            let (Some(x), Some(yv)) = (x, row.number(y)) else {
                continue;
            };
            let g = chart.series.map(|s| row.text(s).into_owned()).unwrap_or_default();
            points.push((x, yv, index_of(&mut groups, g)));
        }
        Points {
            points,
            groups,
            x_label: ds.fields[chart.x].title().to_string(),
            y_label: ds.fields[y].title().to_string(),
            x_style: ds.fields[chart.x].number_style(),
            y_style: ds.fields[y].number_style(),
            x_time: precision,
        }
    }
}

/// The rows of `ds` whose `field` equals `value`: one facet's data.
pub fn facet(ds: &Dataset, field: usize, value: &str) -> Dataset {
    let rows: Vec<usize> = ds.rows().filter(|r| r.text(field) == value).map(|r| r.index).collect();
    ds.select(&rows)
}

/// The distinct values of `field`, in data order.
pub fn distinct(ds: &Dataset, field: usize) -> Vec<String> {
    let mut out = Vec::new();
    for row in ds.rows() {
        index_of(&mut out, row.text(field).into_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blocks::{Block, resolve};
    use crate::config::Language;
    use crate::datasets::{DatasetSource, build_all};
    use crate::markdown::RawBlock;
    use std::collections::BTreeMap;
    use std::path::Path;

    fn dataset(rows: &str) -> BTreeMap<String, Dataset> {
        let yaml = format!(
            "source: S\nsample_size: 100\nfields:\n  v: {{ type: percent, label: Part }}\nrows:\n{rows}"
        );
        let (ds, diags) = build_all(&[DatasetSource::from_yaml("d", "data/d.yaml", yaml)], &[]);
        assert!(diags.is_empty(), "{diags:?}");
        ds
    }

    fn chart(yaml: &str, ds: &BTreeMap<String, Dataset>) -> Chart {
        let raw = RawBlock { name: "chart".into(), yaml: yaml.into(), first_line: 2, fence_line: 1 };
        match resolve(&raw, Path::new("a.md"), ds) {
            Ok(Block::Chart(c)) => *c,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn categories_and_series_keep_data_order() {
        let ds = dataset("  - { c: b, s: x, v: 1 }\n  - { c: a, s: y, v: 2 }\n  - { c: a, s: x, v: 3 }\n");
        let c = chart("type: column\ndata: d\nx: c\ny: v\nseries: s\n", &ds);
        let data = Categorical::from_dataset(&c, &ds["d"]);
        assert_eq!(data.categories, ["b", "a"]);
        assert_eq!(data.series[0].name.as_deref(), Some("x"));
        assert_eq!(data.series[0].values, [Some(1.0), Some(3.0)]);
        assert_eq!(data.series[1].values, [None, Some(2.0)]);
        assert!(data.style.percent);
        assert_eq!(data.value_label, "Part");
    }

    #[test]
    fn sorting_is_by_total_and_stable() {
        let ds =
            dataset("  - { c: a, v: 20 }\n  - { c: b, v: 50 }\n  - { c: c, v: 20 }\n  - { c: d, v: 10 }\n");
        let c = chart("type: bar\ndata: d\nx: c\ny: v\nsort: desc\n", &ds);
        let mut data = Categorical::from_dataset(&c, &ds["d"]);
        data.sort(c.sort);
        assert_eq!(data.categories, ["b", "a", "c", "d"]);
        data.sort(Sort::Asc);
        assert_eq!(data.categories, ["d", "a", "c", "b"]);
    }

    #[test]
    fn stacks_become_shares_of_their_total() {
        let ds = dataset("  - { c: a, s: x, v: 30 }\n  - { c: a, s: y, v: 10 }\n");
        let c = chart("type: stacked\ndata: d\nx: c\ny: v\nseries: s\npercent: true\n", &ds);
        let mut data = Categorical::from_dataset(&c, &ds["d"]);
        data.as_shares();
        assert_eq!(data.series[0].values, [Some(75.0)]);
        assert_eq!(data.series[1].values, [Some(25.0)]);
    }

    #[test]
    fn histogram_counts_every_value_once() {
        // 10 values 0..9: Sturges aims at ceil(log2 10) + 1 = 5 bins; a
        // width of 2 gives exactly 5: bins 0-2, 2-4, …, 8-10.
        let rows: String = (0..10).map(|i| format!("  - {{ v: {i} }}\n")).collect();
        let ds = dataset(&rows);
        let c = chart("type: histogram\ndata: d\nx: v\n", &ds);
        let h = histogram(&c, &ds["d"], &NumberFormat::new(Language::En));
        let counts: Vec<f64> = h.series[0].values.iter().flatten().copied().collect();
        assert_eq!(counts, [2.0, 2.0, 2.0, 2.0, 2.0]);
        assert_eq!(h.categories[0], "0%–2%");
        assert_eq!(h.bins.as_ref().unwrap().edges, [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        // Three bins aimed at: widths of 2 would make 5, of 5 make 2, the closer.
        let c = chart("type: histogram\ndata: d\nx: v\nbins: 3\n", &ds);
        let h = histogram(&c, &ds["d"], &NumberFormat::new(Language::En));
        assert_eq!(h.series[0].values, [Some(5.0), Some(5.0)]);
    }

    #[test]
    fn missing_values_are_left_filled_with_zero_or_interpolated_by_time() {
        // January, February (missing), March 2024: 31 then 29 days apart.
        let ds = dataset("  - { m: 2024-01, v: 10 }\n  - { m: 2024-03, v: 40 }\n  - { m: 2024-02, v: ~ }\n");
        let c = chart("type: line\ndata: d\nx: m\ny: v\n", &ds);
        let base = || {
            let mut d = Categorical::from_dataset(&c, &ds["d"]);
            d.as_time(Language::En, true);
            d
        };
        let mut gap = base();
        assert_eq!(gap.categories, ["Jan 2024", "Feb 2024", "Mar 2024"], "sorted by time");
        gap.fill_missing(Missing::Gap);
        assert_eq!(gap.series[0].values, [Some(10.0), None, Some(40.0)]);
        let mut zero = base();
        zero.fill_missing(Missing::Zero);
        assert_eq!(zero.series[0].values[1], Some(0.0));
        assert_eq!(zero.filled_at(), [1]);
        let mut line = base();
        line.fill_missing(Missing::Interpolate);
        // 10 + 30 × 31/60, the share of the span February 1st stands at.
        let expected = 10.0 + 30.0 * 31.0 / 60.0;
        assert!((line.series[0].values[1].unwrap() - expected).abs() < 1e-9, "{:?}", line.series[0].values);
        // Nothing before the first value or after the last is invented.
        let mut edge = Categorical::from_dataset(&c, &ds["d"]);
        edge.series[0].values = vec![None, Some(1.0), None];
        edge.fill_missing(Missing::Interpolate);
        assert_eq!(edge.series[0].values, [None, Some(1.0), None]);
    }

    #[test]
    fn extreme_spans_give_finite_bounded_edges() {
        for (lo, hi) in [(5e-324, 1e-323), (0.0, 1e15), (-1e15, 1e15), (7.0, 7.0)] {
            let edges = linear_edges(lo, hi, 8);
            assert!(edges.len() >= 2 && edges.len() <= 1_001, "{lo} {hi}: {}", edges.len());
            assert!(edges.iter().all(|e| e.is_finite()), "{lo} {hi}: {edges:?}");
        }
        let edges = log_edges(1e-300, 1e15, 10);
        assert!(edges.iter().all(|e| e.is_finite() && *e > 0.0) && edges.len() < 2_000);
    }

    #[test]
    fn log_bins_follow_decades_and_count_every_value() {
        // Follower counts from 1,200 to 2.1 million, spread over three decades.
        let values = [1_200.0, 3_000.0, 9_999.0, 10_000.0, 45_000.0, 120_000.0, 560_000.0, 2_100_000.0];
        let edges = log_edges(1_200.0, 2_100_000.0, 8);
        assert_eq!(edges.first(), Some(&1_000.0));
        assert!(edges.last().is_some_and(|e| *e >= 2_100_000.0));
        assert!(
            edges.windows(2).all(|w| [2.0, 2.5, 5.0, 10.0].iter().any(|r| (w[1] / w[0] - r).abs() < 1e-9))
        );
        let rows: String = values.iter().map(|v| format!("  - {{ v: {v} }}\n")).collect();
        let yaml = format!("source: S\nfields:\n  v: {{ type: number }}\nrows:\n{rows}");
        let (ds, _) = build_all(&[DatasetSource::from_yaml("d", "data/d.yaml", yaml)], &[]);
        let c = chart("type: histogram\ndata: d\nx: v\nlog_x: true\n", &ds);
        let h = histogram(&c, &ds["d"], &NumberFormat::new(Language::En));
        let total: f64 = h.series[0].values.iter().flatten().sum();
        assert_eq!(total, values.len() as f64);
        // 10,000 sits on an edge: it counts in the bin that starts there.
        let b = h.bins.unwrap();
        let at = b.edges.iter().position(|e| *e == 10_000.0).unwrap();
        let inside = values.iter().filter(|v| (10_000.0..b.edges[at + 1]).contains(*v)).count();
        assert_eq!(h.series[0].values[at], Some(inside as f64));
        assert_eq!(
            h.series[0].values[at - 1],
            Some(values.iter().filter(|v| (b.edges[at - 1]..10_000.0).contains(*v)).count() as f64)
        );
    }

    #[test]
    fn wilson_intervals_attach_to_each_share() {
        let ds = dataset("  - { c: a, v: 30 }\n");
        let c = chart("type: bar\ndata: d\nx: c\ny: v\nci: true\n", &ds);
        let mut data = Categorical::from_dataset(&c, &ds["d"]);
        data.with_wilson(10.0);
        let (lo, hi) = data.series[0].intervals[0].unwrap();
        // statsmodels proportion_confint(3, 10, method="wilson") = (0.107791, 0.603222)
        assert!((lo - 10.7791).abs() < 1e-3 && (hi - 60.3222).abs() < 1e-3, "{lo} {hi}");
        assert_eq!(data.domain(false), (10.779126740630104_f64.min(lo), hi));
    }
}
