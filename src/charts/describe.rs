//! The sentence each chart's `<desc>` carries: what it compares, and its
//! highest and lowest values, generated from the data.

use super::{Categorical, Points, ValueFormat};
use crate::blocks::ChartKind;
use crate::config::Language;
use crate::format::NumberFormat;

fn kind_name(kind: ChartKind, lang: Language) -> &'static str {
    use ChartKind::*;
    match (kind, lang) {
        (Bar, Language::Fr) => "Diagramme en barres",
        (Column, Language::Fr) => "Histogramme en colonnes",
        (Stacked, Language::Fr) => "Barres empilées",
        (Line, Language::Fr) => "Courbe",
        (Area, Language::Fr) => "Aires",
        (Donut, Language::Fr) => "Diagramme en anneau",
        (Scatter, Language::Fr) => "Nuage de points",
        (Range, Language::Fr) => "Valeurs et intervalles",
        (Slope, Language::Fr) => "Graphique de pente",
        (Histogram, Language::Fr) => "Histogramme",
        (Bar, Language::En) => "Bar chart",
        (Column, Language::En) => "Column chart",
        (Stacked, Language::En) => "Stacked bar chart",
        (Line, Language::En) => "Line chart",
        (Area, Language::En) => "Area chart",
        (Donut, Language::En) => "Donut chart",
        (Scatter, Language::En) => "Scatter plot",
        (Range, Language::En) => "Range plot",
        (Slope, Language::En) => "Slope chart",
        (Histogram, Language::En) => "Histogram",
    }
}

/// "Bar chart: Part by Statement (3 categories). Highest: … (93%); lowest: … (27%)."
pub fn categorical(kind: ChartKind, data: &Categorical, fmt: &NumberFormat) -> String {
    let lang = fmt.language();
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
    let kind = kind_name(kind, lang);
    let (what, by) = (&data.value_label, &data.category_label);
    let mut s = match lang {
        Language::Fr => format!("{kind} : {what} selon {by} ({n} catégories)."),
        Language::En => format!("{kind}: {what} by {by} ({n} categories)."),
    };
    if let (Some(max), Some(min)) = (max, min) {
        let (hi, lo) = (vf.label(max.1), vf.label(min.1));
        let (top, bottom) = (brief(&max.0), brief(&min.0));
        s.push_str(&match lang {
            Language::Fr => {
                format!(" Valeur la plus haute : {top} ({hi}) ; la plus basse : {bottom} ({lo}).")
            }
            Language::En => format!(" Highest: {top} ({hi}); lowest: {bottom} ({lo})."),
        });
    }
    s
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
    let n = p.points.len();
    match fmt.language() {
        Language::Fr => format!("Nuage de points : {} selon {} ({n} points).", p.y_label, p.x_label),
        Language::En => format!("Scatter plot: {} against {} ({n} points).", p.y_label, p.x_label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::Series;
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
        let desc = categorical(ChartKind::Bar, &d, &NumberFormat::new(Language::En));
        let first: String = long.chars().take(200).collect();
        let quoted = format!("Highest: {}… (93%)", first.trim_end());
        assert!(desc.contains(&quoted), "{desc}");
        assert!(desc.len() < 600, "{} bytes", desc.len());
        assert_eq!(brief("short"), "short");
    }

    #[test]
    fn description_names_highest_and_lowest() {
        let fr = categorical(ChartKind::Bar, &data(), &NumberFormat::new(Language::Fr));
        assert_eq!(
            fr,
            "Diagramme en barres : Part selon Bénéfice (3 catégories). Valeur la plus haute : Visibilité (93\u{202F}%) ; la plus basse : Affaires (27\u{202F}%)."
        );
        let en = categorical(ChartKind::Column, &data(), &NumberFormat::new(Language::En));
        assert_eq!(
            en,
            "Column chart: Part by Bénéfice (3 categories). Highest: Visibilité (93%); lowest: Affaires (27%)."
        );
    }
}
