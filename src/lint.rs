//! Warnings about what a published study should not leave out: a chart
//! without a title, a dataset nothing shows, a page no one can reach, a
//! survey share quoted without how many answered. A build shows them;
//! `--strict` makes them errors. (A dataset without `source`, a skipped
//! heading level and an image without alternative text are found where
//! those are read: `datasets`, `markdown`.)

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::blocks::{Block, ChartKind};
use crate::charts::{self, ColumnFit};
use crate::datasets::{Dataset, FieldType};
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::PageLink;
use crate::pages::Page;

/// A chart must say what it shows.
pub fn chart_title(block: &Block, file: &Path, fence_line: usize) -> Option<Diagnostic> {
    let Block::Chart(chart) = block else { return None };
    chart.title.is_none().then(|| {
        Diagnostic::warning(file, Some(Pos::new(fence_line, 1)), "this chart has no `title`")
            .with_hint("say what it shows in a sentence, e.g. `title: Engagement falls as audiences grow`")
    })
}

/// A column chart whose category labels do not fit side by side is still
/// drawn (labels upright, or as bars), but a bar chart would read better.
pub fn crowded_columns(block: &Block, ds: &Dataset, file: &Path, fence_line: usize) -> Option<Diagnostic> {
    let Block::Chart(chart) = block else { return None };
    if chart.kind != ChartKind::Column || chart.facet.is_some() || ds.fields[chart.x].ty == FieldType::Date {
        return None;
    }
    let categories: indexmap::IndexSet<String> = ds.rows().map(|r| r.text(chart.x).into_owned()).collect();
    let categories: Vec<String> = categories.into_iter().collect();
    let how = match charts::column_fit(&categories, charts::WIDTH) {
        ColumnFit::Across => return None,
        ColumnFit::Upright => "they are turned upright",
        ColumnFit::Bars => "it is drawn as horizontal bars",
    };
    let message =
        format!("the labels of these {} columns do not fit side by side, so {how}", categories.len());
    Some(
        Diagnostic::warning(file, Some(Pos::new(fence_line, 1)), message)
            .with_hint("`type: bar` reads many or long labels best; or shorten the labels in the data"),
    )
}

/// Datasets that no block shows, no page or template quotes, and no
/// derived dataset starts from.
pub fn unused_datasets<'a>(
    datasets: &BTreeMap<String, Dataset>,
    shown: &HashSet<&str>,
    texts: impl Iterator<Item = &'a str>,
) -> Vec<Diagnostic> {
    let sources: HashSet<&str> = datasets.values().filter_map(|d| d.from.as_deref()).collect();
    // Each text is read once, whatever the number of datasets, the texts
    // side by side.
    let texts: Vec<&str> = texts.collect();
    let quoted: HashSet<&str> = texts.par_iter().flat_map_iter(|t| quoted_ids(t)).collect();
    datasets
        .values()
        .filter(|d| ![shown, &sources, &quoted].iter().any(|used| used.contains(d.id.as_str())))
        .map(|d| {
            Diagnostic::warning(&d.file, None, format!("the dataset `{}` is not used by any page", d.id))
                .with_hint("show it in a chart or table, quote it in prose, or delete it")
        })
        .collect()
}

/// Pages kept out of the navigation (`nav: false`) that no page links to.
pub fn unreachable_pages(pages: &[Page], links: &[&[PageLink]]) -> Vec<Diagnostic> {
    let linked: HashSet<&str> = links.iter().flat_map(|l| l.iter()).map(|l| l.target_url.as_str()).collect();
    pages
        .iter()
        .filter(|p| !p.front.nav && !linked.contains(p.url.as_str()))
        .map(|p| {
            Diagnostic::warning(&p.file, None, "no page links to this page, and `nav: false` hides it")
                .with_hint("link to it from another page, or remove `nav: false`")
        })
        .collect()
}

/// Survey shares quoted in prose without the number of respondents in the
/// same paragraph. Charts, tables and key figures always print it; prose
/// must say it too (`{{ data.x.sample_size | number }}` or the number).
pub fn shares_without_sample_size(page: &Page, datasets: &BTreeMap<String, Dataset>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut line = page.body_line_offset + 1;
    for paragraph in page.body.split("\n\n") {
        let here = line;
        line += paragraph.matches('\n').count() + 2;
        if !paragraph.contains("{{") || paragraph.contains("sample_size") {
            continue;
        }
        let digits = digits(paragraph);
        let quoted = expressions(paragraph).flat_map(|e| quoted_ids(e).map(move |id| (id, e)));
        let mut warned = HashSet::new();
        for (id, expr) in quoted {
            let Some(ds) = datasets.get(id) else { continue };
            let Some(n) = ds.meta.sample_size else { continue };
            if quotes_a_share(expr, ds) && !digits.contains(&n.to_string()) && warned.insert(id) {
                out.push(
                    Diagnostic::warning(
                        &page.file,
                        Some(Pos::new(here, 1)),
                        format!("a share from `{id}` is quoted without its sample size"),
                    )
                    .with_hint(format!(
                        "say how many answered in the same paragraph: \
                         `{{{{ data.{id}.sample_size | number }}}} respondents`"
                    )),
                );
            }
        }
    }
    out
}

/// The dataset ids a text names: `data.x`, `data["x"]` or `data['x']`;
/// `data.survey2` names `survey2`, never `survey`.
fn quoted_ids(expr: &str) -> impl Iterator<Item = &str> {
    expr.match_indices("data").filter_map(move |(at, _)| {
        let rest = &expr[at + 4..];
        let end = |s: &str, stop: &dyn Fn(char) -> bool| s.find(stop).unwrap_or(s.len());
        if let Some(r) = rest.strip_prefix('.') {
            Some(&r[..end(r, &|c: char| !(c.is_alphanumeric() || c == '_'))])
        } else if let Some(r) = rest.strip_prefix("[\"").or_else(|| rest.strip_prefix("['")) {
            Some(&r[..end(r, &|c: char| c == '"' || c == '\'')])
        } else {
            None
        }
    })
}

/// The `{{ … }}` expressions of a text.
fn expressions(text: &str) -> impl Iterator<Item = &str> + Clone {
    text.split("{{").skip(1).filter_map(|rest| rest.split_once("}}").map(|(e, _)| e))
}

/// Whether an expression shows a percent: a percent field or the filter.
fn quotes_a_share(expr: &str, ds: &Dataset) -> bool {
    expr.contains("percent")
        || ds.fields.iter().filter(|f| f.ty == FieldType::Percent).any(|f| {
            expr.match_indices(f.name.as_str()).any(|(at, _)| {
                let before = expr[..at].chars().next_back();
                let after = expr[at + f.name.len()..].chars().next();
                before.is_some_and(|c| c == '.' || c == '"' || c == '\'')
                    && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
        })
}

/// The digits of a text with number separators removed, so `1 252`,
/// `1,252` and `1252` all read `1252`.
fn digits(text: &str) -> String {
    text.chars().filter(|c| !matches!(c, ' ' | ',' | '.' | '\u{a0}' | '\u{202f}' | '\'')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_a_dataset_is_a_whole_name() {
        let quotes = |text: &str, id: &str| quoted_ids(text).any(|q| q == id);
        assert!(quotes("{{ data.survey.x }}", "survey"));
        assert!(quotes("{{ data[\"survey-2\"].x }}", "survey-2"));
        assert!(!quotes("{{ data.survey2.x }}", "survey"));
    }

    #[test]
    fn expressions_name_their_datasets() {
        let ids: Vec<&str> = quoted_ids(" data.survey.a.share | percent ").collect();
        assert_eq!(ids, ["survey"]);
        let ids: Vec<&str> = quoted_ids(" data[\"survey-2\"].a.share + data['b'].x ").collect();
        assert_eq!(ids, ["survey-2", "b"]);
        assert_eq!(quoted_ids(" metadata ").count(), 0);
    }

    #[test]
    fn sample_sizes_are_recognised_however_written() {
        assert!(digits("sur 1 252 répondants").contains("1252"));
        assert!(digits("of 1,252 respondents").contains("1252"));
        assert!(!digits("72 % of them").contains("1252"));
    }
}
