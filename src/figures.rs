//! The HTML around charts and tables: figure, caption with source and
//! sample size, the data as a table, and the CSV download link.

use crate::blocks::{Block, Chart, KeyFigures, Table};
use crate::charts::{self, ChartContext, Panel};
use std::path::PathBuf;

use crate::config::{Language, Tier};
use crate::datasets::{Dataset, Field, FieldType, Value};
use crate::format::{NumberFormat, NumberStyle};
use crate::html::escape;
use crate::i18n::t;

/// What a block needs from its page and report.
pub struct Place<'a> {
    /// The block's number among the page's charts, or among its tables, from 1.
    pub number: usize,
    /// From the page to the site root: `../`.
    pub root: &'a str,
    /// Names the page in download file names: `relations`, `s-b`, `index`.
    pub page_key: &'a str,
    pub tiers: &'a [Tier],
    /// Draw a PNG of each chart too.
    pub png: bool,
}

/// A block's HTML, and the files it offers for download.
#[derive(Clone, Debug, Default)]
pub struct Figure {
    pub html: String,
    /// Paths in the output, with their bytes.
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

/// Renders a resolved block; an error says why a chart cannot be drawn.
pub fn render(block: &Block, ds: &Dataset, fmt: &NumberFormat, place: &Place) -> Result<Figure, String> {
    match block {
        Block::Chart(c) => chart(c, ds, fmt, place),
        Block::Table(tb) => Ok(Figure { html: table(tb, ds, fmt, place), files: Vec::new() }),
        Block::KeyFigures(k) => Ok(Figure { html: key_figures(k, ds, fmt), files: Vec::new() }),
    }
}

/// The caption's text parts.
struct Caption<'a> {
    /// The interface string naming the kind: `figure` or `table`.
    label: &'static str,
    number: usize,
    title: &'a str,
    subtitle: Option<&'a str>,
    notes: Vec<String>,
}

fn chart(c: &Chart, ds: &Dataset, fmt: &NumberFormat, place: &Place) -> Result<Figure, String> {
    let lang = fmt.language();
    let id = format!("figure-{}", place.number);
    let title = c.title.clone().unwrap_or_else(|| ds.title().to_string());
    let cx = ChartContext { fmt, id: &id, title: &title, tiers: place.tiers, png: place.png };
    let panels = charts::render(c, ds, &cx)?;
    let (links, files) = chart_files(&panels, place, lang);
    let columns: Vec<usize> =
        [c.facet, Some(c.x), c.series, c.y, c.low, c.high].into_iter().flatten().collect();
    let mut notes: Vec<String> = c.note.iter().cloned().collect();
    for note in panels.iter().filter_map(|p| p.note.clone()) {
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    if c.ci {
        notes.push(t(lang, "ci_note").to_string());
    }
    let caption = Caption {
        label: "figure",
        number: place.number,
        title: &title,
        subtitle: c.subtitle.as_deref(),
        notes,
    };
    let mut html = format!("<figure class=\"chart chart-{}\" id=\"{id}\">\n", c.kind.name());
    html.push_str(&figcaption(&caption, ds, fmt));
    html.push_str(&frame(&panels, lang));
    html.push_str(&format!(
        "<details class=\"chart-data\"><summary>{}</summary>\n{}</details>\n",
        t(lang, "data_table"),
        data_table(ds, &columns, fmt, None)
    ));
    html.push_str(&format!(
        "<p class=\"fig-download\">{}{} {links}<a href=\"{}data/{}.csv\" download>{}</a></p>\n",
        t(lang, "download"),
        colon(lang),
        place.root,
        escape(&ds.id),
        t(lang, "data_csv")
    ));
    html.push_str("</figure>\n");
    Ok(Figure { html, files })
}

/// Each panel as a standalone SVG (and PNG), with the links to them.
fn chart_files(panels: &[Panel], place: &Place, lang: Language) -> (String, Vec<(PathBuf, Vec<u8>)>) {
    let mut links = String::new();
    let mut files = Vec::new();
    for (k, p) in panels.iter().enumerate() {
        let folder = if place.page_key.is_empty() { String::new() } else { format!("{}/", place.page_key) };
        let stem = match panels.len() {
            1 => format!("figures/{folder}{}", place.number),
            _ => format!("figures/{folder}{}-{}", place.number, k + 1),
        };
        let which =
            p.facet.as_deref().map(|f| format!(" ({})", escape(&spaced(f, lang)))).unwrap_or_default();
        links.push_str(&format!("<a href=\"{}{stem}.svg\" download>SVG{which}</a> · ", place.root));
        files.push((PathBuf::from(format!("{stem}.svg")), standalone_svg(p).into_bytes()));
        if let Some(png) = &p.png {
            links.push_str(&format!("<a href=\"{}{stem}.png\" download>PNG{which}</a> · ", place.root));
            files.push((PathBuf::from(format!("{stem}.png")), png.clone()));
        }
    }
    (links, files)
}

/// The inline SVG as a file of its own: a fixed size instead of the
/// page's width, and an XML declaration.
fn standalone_svg(p: &Panel) -> String {
    let sized =
        p.svg.replacen("width=\"100%\"", &format!("width=\"{}\" height=\"{}\"", charts::WIDTH, p.height), 1);
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{sized}")
}

/// The chart itself, or its small multiples side by side.
fn frame(panels: &[Panel], lang: Language) -> String {
    match panels {
        [Panel { svg, narrow, facet: None, .. }] => {
            format!("<div class=\"chart-frame\">\n{svg}{narrow}</div>\n")
        }
        _ => {
            let mut html = String::from("<div class=\"chart-facets\">\n");
            for p in panels {
                let name = p.facet.as_deref().unwrap_or("");
                html.push_str(&format!(
                    "<div class=\"chart-frame facet\">\n<p class=\"facet-title\">{}</p>\n{}{}</div>\n",
                    escape(&spaced(name, lang)),
                    p.svg,
                    p.narrow
                ));
            }
            html.push_str("</div>\n");
            html
        }
    }
}

fn table(tb: &Table, ds: &Dataset, fmt: &NumberFormat, place: &Place) -> String {
    let lang = fmt.language();
    let title = tb.title.clone().unwrap_or_else(|| ds.title().to_string());
    let caption = Caption {
        label: "table",
        number: place.number,
        title: &title,
        subtitle: None,
        notes: tb.note.iter().cloned().collect(),
    };
    let mut html = format!("<figure class=\"data-table\" id=\"table-{}\">\n", place.number);
    html.push_str(&figcaption(&caption, ds, fmt));
    // Focusable, so keyboard users can scroll a wide table.
    html.push_str(&format!(
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
        escape(&title)
    ));
    html.push_str(&data_table(ds, &tb.columns, fmt, None));
    html.push_str("</div>\n");
    html.push_str(&download(ds, place.root, lang));
    html.push_str("</figure>\n");
    html
}

/// Big numbers with what they count and where they come from.
fn key_figures(k: &KeyFigures, ds: &Dataset, fmt: &NumberFormat) -> String {
    let lang = fmt.language();
    let value_field = &ds.fields[k.value];
    let mut html = String::from("<ul class=\"key-figures\">\n");
    for &r in &k.rows {
        let row = ds.row(r);
        let value = match row.number(k.value) {
            Some(v) => fmt.key_figure(v, &value_field.number_style()),
            None => cell_text(&row.get(k.value), value_field, fmt),
        };
        let label =
            k.label.map(|l| row.text(l).into_owned()).unwrap_or_else(|| value_field.title().to_string());
        html.push_str(&format!("<li><strong>{}</strong> {}", escape(&value), escape(&spaced(&label, lang))));
        let mut cited: Vec<String> = ds.meta.source.iter().map(|s| labelled(lang, "source", s)).collect();
        cited.extend(ds.meta.sample_size.map(|n| sample_size(n, fmt)));
        if !cited.is_empty() {
            html.push_str(&format!("<small>{}</small>", cited.join(" · ")));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n");
    html
}

/// `n = 1 252 répondants`.
fn sample_size(n: u64, fmt: &NumberFormat) -> String {
    format!("n\u{a0}=\u{a0}{} {}", fmt.number(n as f64, None), t(fmt.language(), "respondents"))
}

/// Title, then source and sample size: a figure is never shown without them.
fn figcaption(c: &Caption, ds: &Dataset, fmt: &NumberFormat) -> String {
    let lang = fmt.language();
    let mut meta = Vec::new();
    if let Some(source) = &ds.meta.source {
        let source = match &ds.meta.source_url {
            Some(url) => format!("<a href=\"{}\">{}</a>", escape(url), escape(source)),
            None => escape(source),
        };
        meta.push(format!("<span class=\"fig-source\">{}{} {source}</span>", t(lang, "source"), colon(lang)));
    }
    if let Some(n) = ds.meta.sample_size {
        meta.push(format!("<span class=\"fig-n\">{}</span>", sample_size(n, fmt)));
    }
    let mut html = format!(
        "<figcaption>\n<span class=\"fig-label\">{} {}</span>\n<span class=\"fig-title\">{}</span>\n",
        t(lang, c.label),
        c.number,
        escape(&spaced(c.title, lang))
    );
    if let Some(sub) = c.subtitle {
        html.push_str(&format!("<span class=\"fig-subtitle\">{}</span>\n", escape(&spaced(sub, lang))));
    }
    if !meta.is_empty() {
        html.push_str(&format!("<span class=\"fig-meta\">{}</span>\n", meta.join(" · ")));
    }
    for note in &c.notes {
        html.push_str(&format!("<span class=\"fig-note\">{}</span>\n", labelled(lang, "note", note)));
    }
    html.push_str("</figcaption>\n");
    html
}

/// `Source : text`, escaped, in the language's typography.
fn labelled(lang: Language, key: &str, text: &str) -> String {
    format!("{}{} {}", t(lang, key), colon(lang), escape(&spaced(text, lang)))
}

fn colon(lang: Language) -> &'static str {
    if lang == Language::Fr { "\u{202F}:" } else { ":" }
}

fn download(ds: &Dataset, root: &str, lang: Language) -> String {
    format!(
        "<p class=\"fig-download\"><a href=\"{root}data/{}.csv\" download>{}</a></p>\n",
        escape(&ds.id),
        t(lang, "download_csv")
    )
}

/// The dataset's rows as an HTML table, values formatted for the language.
pub fn data_table(ds: &Dataset, columns: &[usize], fmt: &NumberFormat, caption: Option<&str>) -> String {
    let mut html = String::from("<table>\n");
    if let Some(c) = caption {
        html.push_str(&format!("<caption>{}</caption>\n", escape(c)));
    }
    html.push_str("<thead><tr>");
    for &i in columns {
        let f = &ds.fields[i];
        html.push_str(&format!("<th scope=\"col\"{}>{}</th>", num_class(f), escape(f.title())));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    let styles: Vec<NumberStyle> = columns.iter().map(|&i| ds.fields[i].number_style()).collect();
    for row in ds.rows() {
        html.push_str("<tr>");
        for (&i, style) in columns.iter().zip(&styles) {
            let f = &ds.fields[i];
            let text = match row.number(i) {
                Some(v) if f.ty.is_numeric() => fmt.value(v, style),
                _ => cell_text(&row.get(i), f, fmt),
            };
            html.push_str(&format!("<td{}>{}</td>", num_class(f), escape(&spaced(&text, fmt.language()))));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// Text as the language sets it: French keeps its no-break spaces.
fn spaced(text: &str, lang: Language) -> std::borrow::Cow<'_, str> {
    if lang == Language::Fr { crate::typography::french(text) } else { text.into() }
}

/// Numeric columns align right with tabular figures.
fn num_class(f: &Field) -> &'static str {
    if f.ty.is_numeric() { " class=\"num\"" } else { "" }
}

/// A cell as a reader sees it: numbers in their field's format.
pub fn cell_text(v: &Value, field: &Field, fmt: &NumberFormat) -> String {
    match (v, field.ty) {
        (Value::Null, _) => "–".to_string(),
        (Value::Number(n), ty) if ty.is_numeric() => fmt.value(*n, &field.number_style()),
        (Value::Bool(b), _) => t(fmt.language(), if *b { "yes" } else { "no" }).to_string(),
        (Value::Text(d), FieldType::Date) => match crate::dates::Date::parse(d) {
            Some(date) => date.label(fmt.language()),
            None => d.clone(),
        },
        (other, _) => other.raw_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    fn field(ty: FieldType) -> Field {
        Field::new("f", None, ty)
    }

    #[test]
    fn cells_read_as_the_language_writes() {
        let fr = NumberFormat::new(Language::Fr);
        assert_eq!(cell_text(&Value::Number(72.0), &field(FieldType::Percent), &fr), "72\u{202F}%");
        assert_eq!(cell_text(&Value::Number(1252.5), &field(FieldType::Number), &fr), "1\u{202F}252,5");
        assert_eq!(cell_text(&Value::Text("2016".into()), &field(FieldType::Date), &fr), "2016");
        assert_eq!(cell_text(&Value::Text("2024-02".into()), &field(FieldType::Date), &fr), "févr. 2024");
        assert_eq!(cell_text(&Value::Bool(true), &field(FieldType::Boolean), &fr), "oui");
        assert_eq!(cell_text(&Value::Null, &field(FieldType::Number), &fr), "–");
        let en = NumberFormat::new(Language::En);
        assert_eq!(cell_text(&Value::Number(0.125), &field(FieldType::Number), &en), "0.13");
        assert_eq!(cell_text(&Value::Number(4.809253), &field(FieldType::Percent), &en), "4.81%");
        assert_eq!(cell_text(&Value::Number(-1.9), &field(FieldType::Number), &en), "\u{2212}1.9");
    }
}
