//! From a dataset's rows to what a chart draws: categories against series,
//! intervals, histogram bins, points. Pure data work, no drawing.

use crate::blocks::{Chart, Sort};
use crate::datasets::Dataset;
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
        }
    }

    /// Reorders categories by their total, ascending or descending.
    pub fn sort(&mut self, sort: Sort) {
        if sort == Sort::Data {
            return;
        }
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
    /// stacked areas; the last series holds the totals.
    pub fn cumulative(&self) -> Vec<Vec<Option<f64>>> {
        let mut acc = vec![0.0; self.categories.len()];
        self.series
            .iter()
            .map(|s| {
                s.values
                    .iter()
                    .enumerate()
                    .map(|(ci, v)| {
                        acc[ci] += v.unwrap_or(0.0);
                        v.map(|_| acc[ci])
                    })
                    .collect()
            })
            .collect()
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

pub(super) fn index_of<T: PartialEq>(list: &mut Vec<T>, item: T) -> usize {
    match list.iter().position(|x| *x == item) {
        Some(i) => i,
        None => {
            list.push(item);
            list.len() - 1
        }
    }
}

/// Counts of `x` in equal-width bins, as categories labelled `a–b`.
/// Sturges' rule picks the number of bins unless the chart sets `bins`.
pub fn histogram(chart: &Chart, ds: &Dataset, fmt: &NumberFormat) -> Categorical {
    let values: Vec<f64> = ds.rows().filter_map(|r| r.number(chart.x)).collect();
    let n = values.len();
    let bins = chart.bins.unwrap_or_else(|| ((n.max(1) as f64).log2().ceil() as usize + 1).max(1));
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(*v), b.max(*v)));
    let (lo, hi) = if n == 0 {
        (0.0, 1.0)
    } else if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    };
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0.0; bins];
    for v in &values {
        // The top edge belongs to the last bin.
        let i = (((v - lo) / width).floor() as usize).min(bins - 1);
        counts[i] += 1.0;
    }
    let decimals = if width >= 10.0 || width.fract() == 0.0 && lo.fract() == 0.0 { 0 } else { 1 };
    let x_style = ds.fields[chart.x].number_style();
    let edge = |v: f64| fmt.with_decimals(v, &x_style, decimals);
    let categories = (0..bins)
        .map(|i| format!("{}–{}", edge(lo + width * i as f64), edge(lo + width * (i + 1) as f64)))
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
    }
}

/// Points for a scatter plot.
pub struct Points {
    pub points: Vec<(f64, f64, usize)>,
    pub groups: Vec<String>,
    pub x_label: String,
    pub y_label: String,
    pub x_style: NumberStyle,
    pub y_style: NumberStyle,
}

impl Points {
    pub fn from_dataset(chart: &Chart, ds: &Dataset) -> Points {
        let y = chart.y.unwrap_or(chart.x);
        let mut groups: Vec<String> = Vec::new();
        let mut points = Vec::new();
        for row in ds.rows() {
            let (Some(x), Some(yv)) = (row.number(chart.x), row.number(y)) else {
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
        let (ds, diags) = build_all(
            &[DatasetSource { id: "d".into(), yaml: Some(("data/d.yaml".into(), yaml)), csv: None }],
            &[],
        );
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
        // 10 values: Sturges gives ceil(log2 10) + 1 = 5 bins of width (9 - 0) / 5 = 1.8.
        let rows: String = (0..10).map(|i| format!("  - {{ v: {i} }}\n")).collect();
        let ds = dataset(&rows);
        let c = chart("type: histogram\ndata: d\nx: v\n", &ds);
        let h = histogram(&c, &ds["d"], &NumberFormat::new(Language::En));
        assert_eq!(h.categories.len(), 5);
        let counts: Vec<f64> = h.series[0].values.iter().flatten().copied().collect();
        assert_eq!(counts, [2.0, 2.0, 2.0, 2.0, 2.0]);
        assert_eq!(h.categories[0], "0.0%–1.8%");
        let c = chart("type: histogram\ndata: d\nx: v\nbins: 3\n", &ds);
        let h = histogram(&c, &ds["d"], &NumberFormat::new(Language::En));
        assert_eq!(h.series[0].values, [Some(3.0), Some(3.0), Some(4.0)]);
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
