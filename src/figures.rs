//! The HTML around charts and tables: figure, caption with source and
//! sample size, the data as a table, and the CSV download link.

use crate::blocks::{Block, Chart, Table};
use crate::charts::{self, ChartContext};
use crate::config::Language;
use crate::datasets::{Dataset, Field, FieldType, Value};
use crate::format::NumberFormat;
use crate::html::escape;
use crate::i18n::t;

/// What a block needs from its page.
pub struct Place<'a> {
    /// The block's number among the page's charts, or among its tables, from 1.
    pub number: usize,
    /// From the page to the site root: `../`.
    pub root: &'a str,
}

/// Renders a resolved block; an error says why a chart cannot be drawn.
pub fn render(
    block: &Block,
    ds: &Dataset,
    fmt: &NumberFormat,
    place: &Place,
) -> Result<String, String> {
    match block {
        Block::Chart(c) => chart(c, ds, fmt, place),
        Block::Table(tb) => Ok(table(tb, ds, fmt, place)),
    }
}

fn chart(c: &Chart, ds: &Dataset, fmt: &NumberFormat, place: &Place) -> Result<String, String> {
    let lang = fmt.language();
    let id = format!("figure-{}", place.number);
    let title = c.title.clone().unwrap_or_else(|| ds.title().to_string());
    let svg = charts::render(
        c,
        ds,
        &ChartContext {
            fmt,
            id: &id,
            title: &title,
        },
    )?;
    let mut columns = vec![c.x];
    columns.extend(c.series);
    columns.push(c.y);
    let mut html = format!(
        "<figure class=\"chart chart-{}\" id=\"{id}\">\n",
        c.kind.name()
    );
    html.push_str(&caption(
        "figure",
        place.number,
        &title,
        c.note.as_deref(),
        ds,
        fmt,
    ));
    html.push_str("<div class=\"chart-frame\">\n");
    html.push_str(&svg);
    html.push_str("</div>\n");
    html.push_str(&format!(
        "<details class=\"chart-data\"><summary>{}</summary>\n{}</details>\n",
        t(lang, "data_table"),
        data_table(ds, &columns, fmt, None)
    ));
    html.push_str(&download(ds, place.root, lang));
    html.push_str("</figure>\n");
    Ok(html)
}

fn table(tb: &Table, ds: &Dataset, fmt: &NumberFormat, place: &Place) -> String {
    let lang = fmt.language();
    let title = tb.title.clone().unwrap_or_else(|| ds.title().to_string());
    let mut html = format!(
        "<figure class=\"data-table\" id=\"table-{}\">\n",
        place.number
    );
    html.push_str(&caption(
        "table",
        place.number,
        &title,
        tb.note.as_deref(),
        ds,
        fmt,
    ));
    html.push_str("<div class=\"table-scroll\">\n");
    html.push_str(&data_table(ds, &tb.columns, fmt, None));
    html.push_str("</div>\n");
    html.push_str(&download(ds, place.root, lang));
    html.push_str("</figure>\n");
    html
}

/// Title, then source and sample size: a figure is never shown without them.
/// `label` is the interface string naming the kind: `figure` or `table`.
fn caption(
    label: &str,
    number: usize,
    title: &str,
    note: Option<&str>,
    ds: &Dataset,
    fmt: &NumberFormat,
) -> String {
    let lang = fmt.language();
    let mut meta = Vec::new();
    if let Some(source) = &ds.meta.source {
        let source = match &ds.meta.source_url {
            Some(url) => format!("<a href=\"{}\">{}</a>", escape(url), escape(source)),
            None => escape(source),
        };
        meta.push(format!(
            "<span class=\"fig-source\">{}{} {source}</span>",
            t(lang, "source"),
            colon(lang)
        ));
    }
    if let Some(n) = ds.meta.sample_size {
        meta.push(format!(
            "<span class=\"fig-n\">n{}={}{} {}</span>",
            '\u{00A0}',
            '\u{00A0}',
            fmt.number(n as f64, None),
            t(lang, "respondents")
        ));
    }
    let mut html = format!(
        "<figcaption>\n<span class=\"fig-label\">{} {number}</span>\n<span class=\"fig-title\">{}</span>\n",
        t(lang, label),
        escape(&spaced(title, lang))
    );
    if !meta.is_empty() {
        html.push_str(&format!(
            "<span class=\"fig-meta\">{}</span>\n",
            meta.join(" · ")
        ));
    }
    if let Some(note) = note {
        html.push_str(&format!(
            "<span class=\"fig-note\">{}{} {}</span>\n",
            t(lang, "note"),
            colon(lang),
            escape(&spaced(note, lang))
        ));
    }
    html.push_str("</figcaption>\n");
    html
}

fn colon(lang: Language) -> &'static str {
    if lang == Language::Fr {
        "\u{202F}:"
    } else {
        ":"
    }
}

fn download(ds: &Dataset, root: &str, lang: Language) -> String {
    format!(
        "<p class=\"fig-download\"><a href=\"{root}data/{}.csv\" download>{}</a></p>\n",
        escape(&ds.id),
        t(lang, "download_csv")
    )
}

/// The dataset's rows as an HTML table, values formatted for the language.
pub fn data_table(
    ds: &Dataset,
    columns: &[usize],
    fmt: &NumberFormat,
    caption: Option<&str>,
) -> String {
    let mut html = String::from("<table>\n");
    if let Some(c) = caption {
        html.push_str(&format!("<caption>{}</caption>\n", escape(c)));
    }
    html.push_str("<thead><tr>");
    for &i in columns {
        let f = &ds.fields[i];
        html.push_str(&format!(
            "<th scope=\"col\"{}>{}</th>",
            num_class(f),
            escape(f.title())
        ));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in &ds.rows {
        html.push_str("<tr>");
        for &i in columns {
            let f = &ds.fields[i];
            html.push_str(&format!(
                "<td{}>{}</td>",
                num_class(f),
                escape(&spaced(&cell_text(&row[i], f, fmt), fmt.language()))
            ));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}

/// Text as the language sets it: French keeps its no-break spaces.
fn spaced(text: &str, lang: Language) -> std::borrow::Cow<'_, str> {
    if lang == Language::Fr {
        crate::typography::french(text)
    } else {
        text.into()
    }
}

/// Numeric columns align right with tabular figures.
fn num_class(f: &Field) -> &'static str {
    if f.ty.is_numeric() {
        " class=\"num\""
    } else {
        ""
    }
}

/// A cell as a reader sees it. Numbers keep every digit the data has.
pub fn cell_text(v: &Value, field: &Field, fmt: &NumberFormat) -> String {
    match (v, field.ty) {
        (Value::Null, _) => "–".to_string(),
        (Value::Number(n), FieldType::Percent) => fmt.percent(*n, None),
        (Value::Number(n), FieldType::Number | FieldType::Integer) => fmt.number(*n, None),
        (Value::Bool(b), _) => t(fmt.language(), if *b { "yes" } else { "no" }).to_string(),
        (other, _) => other.raw_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    fn field(ty: FieldType) -> Field {
        Field {
            name: "f".into(),
            label: None,
            ty,
        }
    }

    #[test]
    fn cells_read_as_the_language_writes() {
        let fr = NumberFormat::new(Language::Fr);
        assert_eq!(
            cell_text(&Value::Number(72.0), &field(FieldType::Percent), &fr),
            "72\u{202F}%"
        );
        assert_eq!(
            cell_text(&Value::Number(1252.5), &field(FieldType::Number), &fr),
            "1\u{202F}252,5"
        );
        assert_eq!(
            cell_text(&Value::Text("2016".into()), &field(FieldType::Date), &fr),
            "2016"
        );
        assert_eq!(
            cell_text(&Value::Bool(true), &field(FieldType::Boolean), &fr),
            "oui"
        );
        assert_eq!(cell_text(&Value::Null, &field(FieldType::Number), &fr), "–");
        let en = NumberFormat::new(Language::En);
        assert_eq!(
            cell_text(&Value::Number(0.125), &field(FieldType::Number), &en),
            "0.125"
        );
    }
}
