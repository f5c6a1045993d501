//! The sentence each chart's `<desc>` carries: what it compares, and its
//! highest and lowest values, generated from the data.

use super::{Categorical, Points, ValueFormat};
use crate::blocks::{ChartKind, Missing};
use crate::format::NumberFormat;
use crate::i18n::fill;

/// The chart kind's name, as its description starts.
fn kind_name(kind: ChartKind, fmt: &NumberFormat) -> &str {
    use ChartKind::*;
    fmt.t(match kind {
        Bar => "chart_bar",
        Column => "chart_column",
        Stacked => "chart_stacked",
        Line => "chart_line",
        Area => "chart_area",
        Donut => "chart_donut",
        Scatter => "chart_scatter",
        Range => "chart_range",
        Slope => "chart_slope",
        Histogram => "chart_histogram",
    })
}

/// "Bar chart: Part by Statement (3 categories). Highest: … (93%); lowest: … (27%)."
/// `note`, what the chart did with missing values, ends the sentence.
pub fn categorical(kind: ChartKind, data: &Categorical, fmt: &NumberFormat, note: Option<&str>) -> String {
    let vf = ValueFormat { fmt, style: &data.style };
    let mut cells: Vec<(String, f64)> = Vec::new();
    for s in &data.series {
        for (c, v) in data.categories.iter().zip(&s.values) {
            if let Some(v) = v {
                let name = match (&s.name, data.series.len() > 1) {
                    (Some(n), true) => format!("{c}, {n}"),
                    _ => c.clone(),
                };
                cells.push((name, *v));
            }
        }
    }
    let max = cells.iter().max_by(|a, b| a.1.total_cmp(&b.1));
    let min = cells.iter().min_by(|a, b| a.1.total_cmp(&b.1));
    let n = data.categories.len();
    let kind = kind_name(kind, fmt);
    let (what, by) = (data.value_label.as_str(), data.category_label.as_str());
    let span = data.times.as_ref().and(data.categories.first().zip(data.categories.last()));
    let n = n.to_string();
    let mut s = match span {
        Some((first, last)) => fill(
            fmt.t("desc_periods"),
            &[("kind", kind), ("what", what), ("first", first), ("last", last), ("n", &n)],
        ),
        None => fill(fmt.t("desc_categories"), &[("kind", kind), ("what", what), ("by", by), ("n", &n)]),
    };
    if let (Some(max), Some(min)) = (max, min) {
        let (high, low) = (vf.label(max.1), vf.label(min.1));
        let (top, bottom) = (brief(&max.0), brief(&min.0));
        let words = [("top", &*top), ("high", &high), ("bottom", &bottom), ("low", &low)];
        s.push_str(&fill(fmt.t("desc_extremes"), &words));
    }
    if let Some(note) = note {
        s.push(' ');
        s.push_str(note);
    }
    s
}

/// The most missing values a note names before it says how many more.
const NAMED_MISSING: usize = 4;

/// What the chart did with missing values, naming them: also shown as a
/// note under the chart, so no reader takes a gap or a filled value for data.
pub fn missing(data: &Categorical, fmt: &NumberFormat) -> Option<String> {
    // Only charts over an axis of categories or time choose what a missing
    // value is; a grouped bar chart simply has no bar there.
    if data.filled.is_empty() {
        return None;
    }
    let several = data.series.len() > 1;
    let cells: Vec<String> = data
        .series
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            let filled = data.filled.get(si);
            s.values.iter().enumerate().filter_map(move |(ci, v)| {
                let was_missing = v.is_none() || filled.is_some_and(|f| f[ci]);
                was_missing.then_some((ci, s.name.as_deref()))
            })
        })
        .map(|(ci, name)| match (name, several) {
            (Some(name), true) => format!("{} ({name})", data.categories[ci]),
            _ => data.categories[ci].clone(),
        })
        .collect();
    if cells.is_empty() {
        return None;
    }
    let mut named = cells.iter().take(NAMED_MISSING).cloned().collect::<Vec<_>>().join(", ");
    if cells.len() > NAMED_MISSING {
        let more = cells.len() - NAMED_MISSING;
        let key = if more > 1 { "and_more" } else { "and_one_more" };
        named.push_str(&fill(fmt.t(key), &[("n", &more.to_string())]));
    }
    let key = match data.missing {
        Missing::Gap if cells.len() > 1 => "missing_gap",
        Missing::Gap => "missing_gap_one",
        Missing::Zero => "missing_zero",
        Missing::Interpolate => "missing_interpolate",
    };
    Some(fill(fmt.t(key), &[("n", &cells.len().to_string()), ("named", &named)]))
}

/// The most characters of a category the description quotes: it is read
/// out as the chart's summary, and the data table has every label whole.
const MAX_DESC_LABEL: usize = 200;

/// `label`, or its first [`MAX_DESC_LABEL`] characters and `…`.
fn brief(label: &str) -> std::borrow::Cow<'_, str> {
    match label.char_indices().nth(MAX_DESC_LABEL) {
        Some((cut, _)) => format!("{}…", label[..cut].trim_end()).into(),
        None => label.into(),
    }
}

pub fn scatter(p: &Points, fmt: &NumberFormat) -> String {
    let n = p.points.len().to_string();
    fill(fmt.t("desc_scatter"), &[("y", &p.y_label), ("x", &p.x_label), ("n", &n)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::Series;
    use crate::config::Language;
    use crate::format::NumberStyle;

    fn data() -> Categorical {
        Categorical {
            categories: vec!["Visibilité".into(), "Affaires".into(), "Fidélité".into()],
            series: vec![Series {
                name: None,
                values: vec![Some(93.0), Some(27.0), Some(76.0)],
                intervals: vec![None; 3],
            }],
            style: NumberStyle::percent(),
            value_label: "Part".into(),
            category_label: "Bénéfice".into(),
            times: None,
            missing: Default::default(),
            filled: Vec::new(),
            bins: None,
        }
    }

    #[test]
    fn long_labels_are_quoted_briefly() {
        let mut d = data();
        let long = "très long libellé ".repeat(2_300);
        d.categories[0] = long.clone();
        let desc = categorical(ChartKind::Bar, &d, &NumberFormat::new(Language::En), None);
        let first: String = long.chars().take(200).collect();
        let quoted = format!("Highest: {}… (93%)", first.trim_end());
        assert!(desc.contains(&quoted), "{desc}");
        assert!(desc.len() < 600, "{} bytes", desc.len());
        assert_eq!(brief("short"), "short");
    }

    #[test]
    fn description_names_highest_and_lowest() {
        let fr = categorical(ChartKind::Bar, &data(), &NumberFormat::new(Language::Fr), None);
        assert_eq!(
            fr,
            "Diagramme en barres : Part selon Bénéfice (3 catégories). Valeur la plus haute : Visibilité (93\u{202F}%) ; la plus basse : Affaires (27\u{202F}%)."
        );
        let en = categorical(ChartKind::Column, &data(), &NumberFormat::new(Language::En), None);
        assert_eq!(
            en,
            "Column chart: Part by Bénéfice (3 categories). Highest: Visibilité (93%); lowest: Affaires (27%)."
        );
    }
}
