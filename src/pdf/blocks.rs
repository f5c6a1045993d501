//! Charts, tables and key figures as Typst: calls to the functions of
//! `preamble.typ`, every word and number passed as a string.

use crate::printed::{Caption, KeyFigure, Panel, Printed, Table};
use crate::xref;

use super::markup::{anchor_label, string};

/// A file the document shows: its path in the Typst world, and its bytes.
pub type Asset = (String, Vec<u8>);

/// A block of page `page`; the drawings it shows are added to `assets`.
pub fn block(printed: &Printed, page: usize, assets: &mut Vec<Asset>) -> String {
    match printed {
        Printed::Chart { caption, panels } => chart(caption, panels, page, assets),
        Printed::Table { caption, table: t } => table(caption, t, page),
        Printed::KeyFigures(keys) => key_figures(keys),
    }
}

fn chart(caption: &Caption, panels: &[Panel], page: usize, assets: &mut Vec<Asset>) -> String {
    let faceted = panels.len() > 1;
    let mut drawn = Vec::new();
    for (k, p) in panels.iter().enumerate() {
        let path = format!("/print/p{page}/{}-{}.svg", caption.local, k + 1);
        // Facets sit two abreast, so each is drawn for the narrower width.
        let svg = if faceted { &p.narrow } else { &p.svg };
        assets.push((path.clone(), svg.clone().into_bytes()));
        drawn.push(format!(
            "(facet: {}, path: {}, alt: {})",
            optional(p.facet.as_deref()),
            string(&path),
            string(&p.desc)
        ));
    }
    format!(
        "#chart-figure({}, panels: {}){}\n\n",
        caption_args(caption),
        array(drawn),
        anchor_label(page, &caption.anchor)
    )
}

fn table(caption: &Caption, t: &Table, page: usize) -> String {
    let cells = |row: &[String]| array(row.iter().map(|c| string(c)).collect());
    let numeric = array(t.numeric.iter().map(|n| n.to_string()).collect());
    let rows = array(t.rows.iter().map(|r| cells(r)).collect());
    format!(
        "#data-table({}, header: {}, numeric: {numeric}, rows: {rows}){}\n\n",
        caption_args(caption),
        cells(&t.headers),
        anchor_label(page, &caption.anchor)
    )
}

/// The key figures of a block, as the cover and the chapters show them.
pub fn key_figures(keys: &[KeyFigure]) -> String {
    let items: Vec<String> = keys
        .iter()
        .map(|k| {
            let cited = array(k.cited.iter().map(|c| string(c)).collect());
            format!("(value: {}, label: {}, cited: {cited})", string(&k.value), string(&k.label))
        })
        .collect();
    format!("#key-figures({})\n\n", array(items))
}

/// The named arguments every numbered block takes. Its number is the
/// marker [`crate::xref`] replaces once the report is numbered.
fn caption_args(c: &Caption) -> String {
    let source = match &c.source {
        Some((text, url)) => format!("({}, {})", string(text), optional(url.as_deref())),
        None => "none".into(),
    };
    format!(
        "number: {}, title: {}, subtitle: {}, source: {source}, sample: {}, notes: {}",
        xref::label_marker(c.kind, c.local),
        string(&c.title),
        optional(c.subtitle.as_deref()),
        optional(c.sample.as_deref()),
        array(c.notes.iter().map(|n| string(n)).collect())
    )
}

fn optional(s: Option<&str>) -> String {
    s.map_or_else(|| "none".to_string(), string)
}

/// A Typst array of `items`: `()`, `(a,)` or `(a, b)`.
pub fn array(items: Vec<String>) -> String {
    let comma = if items.len() == 1 { "," } else { "" };
    format!("({}{comma})", items.join(", "))
}
