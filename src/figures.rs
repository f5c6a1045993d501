//! The HTML around charts and tables: figure, caption with source and
//! sample size, the data as a table, and the CSV download link.

use crate::blocks::{Block, Chart, KeyFigures, Table};
use crate::charts::{self, ChartContext, Frame, Panel, colon};
use crate::content::Content;
use std::path::PathBuf;

use crate::config::{Language, Tier};
use crate::datasets::{Dataset, Field, FieldType, Value};
use crate::format::{NumberFormat, NumberStyle};
use crate::html::escape;
use crate::i18n::t;
use crate::printed::{self, Printed};
use crate::typography::spaced;
use crate::xref::{self, Kind};

/// What a block needs from its page and report.
pub struct Place<'a> {
    /// The block's number among the page's charts, or among its tables, from 1.
    pub number: usize,
    /// From the page to the site root: `../`.
    pub root: &'a str,
    /// Names the page in download file names: `relations`, `s-b`, `index`.
    pub page_key: &'a str,
    /// From the page to its edition's dataset downloads: `../data/`,
    /// `../../en/data/`.
    pub data: &'a str,
    pub tiers: &'a [Tier],
    /// Draw a PNG of each chart too.
    pub png: bool,
    /// The site's address, for embed codes that work from other sites.
    pub base_url: Option<&'a str>,
    /// Series colours, when a chart sets none.
    pub palette: &'a [plotters::style::RGBColor],
}

/// A block's HTML, the files it offers for download, and the block as a
/// document prints it.
#[derive(Clone, Debug)]
pub struct Figure {
    pub html: String,
    /// Paths in the output, with their bytes.
    pub files: Vec<(PathBuf, Content)>,
    pub printed: Printed,
    /// The characters of its drawings and pages when they stay in the
    /// build cache or are shared in memory, for the web fonts, which do
    /// not read those files (see [`Content::uncounted`]).
    pub chars: String,
}

/// A figure as the build cache keeps it (see [`crate::cache::frame`]):
/// the files' bytes follow.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Stored {
    html: String,
    /// Each file's path and length, in the order of their bytes.
    files: Vec<(PathBuf, usize)>,
    printed: Printed,
    chars: String,
}

impl Figure {
    /// The figure as one run of bytes, for the build cache, and the
    /// characters its files show; `None` if its files are not in memory.
    pub fn to_entry(&self) -> Option<(Vec<u8>, String)> {
        let payloads = self.files.iter().map(|(_, c)| c.in_memory()).collect::<Option<Vec<&[u8]>>>()?;
        let stored = Stored {
            html: self.html.clone(),
            files: self.files.iter().map(|(p, c)| (p.clone(), c.len() as usize)).collect(),
            printed: self.printed.clone(),
            chars: self.shown_chars(),
        };
        Some((crate::cache::frame(&stored, &payloads)?, stored.chars))
    }

    /// The characters its text files in memory show but printable ASCII,
    /// which is in every set already.
    fn shown_chars(&self) -> String {
        let text = self.files.iter().filter(|(p, _)| crate::webfonts::shows_text(p));
        let texts = text.filter_map(|(_, c)| std::str::from_utf8(c.in_memory()?).ok());
        crate::webfonts::CharSet::beyond_ascii(texts)
    }

    /// The figure with its files shared, to keep in memory from one build
    /// to the next, and carrying their characters.
    pub fn shared(self) -> Figure {
        let chars = if self.chars.is_empty() { self.shown_chars() } else { self.chars.clone() };
        let files = self.files.into_iter().map(|(p, c)| (p, c.shared())).collect();
        Figure { files, chars, ..self }
    }

    /// The figure with its files left in `entry`, of `size` bytes, which
    /// [`Figure::to_entry`] made of it with these `chars`.
    pub fn left_in(self, entry: PathBuf, size: usize, chars: String) -> Figure {
        let lens: Vec<usize> = self.files.iter().map(|(_, c)| c.len() as usize).collect();
        let start = size - lens.iter().sum::<usize>();
        let parts = crate::content::parts(entry, start as u64, &lens);
        let files =
            self.files.into_iter().zip(parts).map(|((p, _), part)| (p, Content::Stored(part))).collect();
        Figure { files, chars, ..self }
    }

    /// The figure [`Figure::to_entry`] gave, its files shared in memory;
    /// `None` if `bytes` are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Figure> {
        let (stored, mut rest): (Stored, _) = crate::cache::unframe(bytes)?;
        let mut files = Vec::with_capacity(stored.files.len());
        for (path, len) in stored.files {
            let (file, after) = rest.split_at_checked(len)?;
            files.push((path, Content::Shared(file.into())));
            rest = after;
        }
        let figure = Figure { html: stored.html, files, printed: stored.printed, chars: stored.chars };
        rest.is_empty().then_some(figure)
    }

    /// The figure of an entry of the build cache, its files left there;
    /// `None` if the entry is not whole.
    pub fn in_entry(head: crate::cache::Head<Stored>) -> Option<Figure> {
        let lens: Vec<usize> = head.header.files.iter().map(|(_, len)| *len).collect();
        let (Stored { html, files, printed, chars }, parts) = head.into_parts(&lens)?;
        let files = files.into_iter().zip(parts).map(|((p, _), part)| (p, Content::Stored(part))).collect();
        Some(Figure { html, files, printed, chars })
    }
}

/// Renders a resolved block; an error says why a chart cannot be drawn.
pub fn render(block: &Block, ds: &Dataset, fmt: &NumberFormat, place: &Place) -> Result<Figure, String> {
    match block {
        Block::Chart(c) => chart(c, ds, fmt, place),
        Block::Table(tb) => Ok(table(tb, ds, fmt, place)),
        Block::KeyFigures(k) => Ok(key_figures(k, ds, fmt)),
    }
}

/// The caption's text parts.
#[derive(Clone)]
struct Caption<'a> {
    /// A figure or a table.
    kind: Kind,
    /// Where its number across the report goes (see [`crate::xref`]); none
    /// on an embed page, which shows the chart away from the report.
    number: Option<String>,
    title: &'a str,
    subtitle: Option<&'a str>,
    notes: Vec<String>,
}

fn chart(c: &Chart, ds: &Dataset, fmt: &NumberFormat, place: &Place) -> Result<Figure, String> {
    let lang = fmt.language();
    let id = format!("figure-{}", place.number);
    let title = c.title.clone().unwrap_or_else(|| ds.title().to_string());
    let mut notes: Vec<String> = c.note.iter().cloned().collect();
    if c.ci {
        notes.push(fmt.t("ci_note").to_string());
    }
    let around = Frame {
        title: title.clone(),
        subtitle: c.subtitle.as_deref().map(|s| spaced(s, lang).into_owned()),
        footer: cited(ds, fmt)
            .into_iter()
            .chain(notes.iter().map(|n| plain_labelled(lang, "note", n)))
            .collect(),
    };
    let cx = ChartContext {
        fmt,
        id: &id,
        title: &title,
        tiers: place.tiers,
        png: place.png,
        frame: &around,
        palette: place.palette,
    };
    let panels = charts::render(c, ds, &cx)?;
    let (links, files) = chart_files(&panels, place, lang);
    let columns: Vec<usize> =
        [c.facet, Some(c.x), c.series, c.y, c.low, c.high].into_iter().flatten().collect();
    for note in panels.iter().filter_map(|p| p.note.clone()) {
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    let caption = Caption {
        kind: Kind::Figure,
        number: Some(xref::label_marker(Kind::Figure, place.number)),
        title: &title,
        subtitle: c.subtitle.as_deref(),
        notes,
    };
    let anchor = xref::anchor(Kind::Figure, c.id.as_deref(), place.number);
    let mut html = format!("<figure class=\"chart chart-{}\" id=\"{anchor}\">\n", c.kind.name());
    html.push_str(&figcaption(&caption, ds, fmt));
    html.push_str(&frame(&panels, lang));
    html.push_str(&format!(
        "<details class=\"chart-data\"><summary>{}</summary>\n{}{}</details>\n",
        fmt.t("data_table"),
        data_table(ds, &columns, fmt, None),
        provenance_html(ds, fmt)
    ));
    html.push_str(&format!(
        "<p class=\"fig-download\">{}{} {links}<a href=\"{}{}.csv\" download>{}</a></p>\n",
        fmt.t("download"),
        colon(lang),
        place.data,
        escape(&ds.id),
        fmt.t("data_csv")
    ));
    let (embed, page) = embed_page(&panels, &caption, ds, fmt, place);
    html.push_str(&embed_snippet(&embed, &title, &panels, place, fmt));
    html.push_str("</figure>\n");
    let mut files = files;
    files.push((PathBuf::from(&embed), page.into()));
    let printed = Printed::Chart {
        caption: printed_caption(&caption, &anchor, place.number, ds, fmt),
        panels: panels
            .iter()
            .map(|p| printed::Panel {
                facet: p.facet.as_deref().map(|f| spaced(f, lang).into_owned()),
                svg: p.svg.clone(),
                narrow: p.narrow.clone(),
                desc: p.desc.clone(),
            })
            .collect(),
    };
    Ok(Figure { html, files, printed, chars: String::new() })
}

/// A dataset as the list of sources names it: its title, source and size.
pub fn data_source(ds: &Dataset, fmt: &NumberFormat) -> printed::DataSource {
    let lang = fmt.language();
    printed::DataSource {
        title: spaced(ds.title(), lang).into_owned(),
        source: ds
            .meta
            .source
            .as_ref()
            .map(|s| (plain_labelled(lang, "source", s), ds.meta.source_url.clone())),
        sample: ds.meta.sample_size.map(|n| sample_size(n, fmt)),
        snapshot: provenance(ds, fmt).zip(ds.meta.snapshot.as_ref().map(|s| s.query.trim_end().to_string())),
    }
}

/// Where the rows of a dataset fetched by SQL come from, as a sentence in
/// the page's language and typography, for the site and the PDF alike:
/// the database, when, how many rows.
pub fn provenance(ds: &Dataset, fmt: &NumberFormat) -> Option<String> {
    let s = ds.meta.snapshot.as_ref()?;
    let (date, time) = s.fetched.split_once('T')?;
    let day = crate::dates::Date::parse(date).map_or_else(|| date.to_string(), |d| d.label(fmt.language()));
    let time = time.get(..5).unwrap_or(time);
    let rows = fmt.number(s.rows as f64, None);
    let words = [("connection", s.connection.as_str()), ("date", &day), ("time", time), ("rows", &rows)];
    Some(spaced(&crate::i18n::fill(fmt.t("snapshot"), &words), fmt.language()).into_owned())
}

/// [`provenance`] and the query, for the page.
fn provenance_html(ds: &Dataset, fmt: &NumberFormat) -> String {
    let (Some(sentence), Some(s)) = (provenance(ds, fmt), &ds.meta.snapshot) else { return String::new() };
    format!(
        "<div class=\"fig-provenance\"><p>{}</p><pre><code>{}</code></pre></div>\n",
        escape(&sentence),
        escape(s.query.trim_end())
    )
}

/// The caption as the PDF prints it: the same strings as [`figcaption`].
fn printed_caption(
    c: &Caption,
    anchor: &str,
    local: usize,
    ds: &Dataset,
    fmt: &NumberFormat,
) -> printed::Caption {
    let lang = fmt.language();
    let cited = data_source(ds, fmt);
    printed::Caption {
        kind: c.kind,
        local,
        anchor: anchor.to_string(),
        title: spaced(c.title, lang).into_owned(),
        subtitle: c.subtitle.map(|s| spaced(s, lang).into_owned()),
        source: cited.source,
        sample: cited.sample,
        notes: c.notes.iter().map(|n| plain_labelled(lang, "note", n)).collect(),
    }
}

/// The folder of a page's figures in the output: `figures/s/b/`.
fn figures_folder(place: &Place) -> String {
    if place.page_key.is_empty() { "figures/".into() } else { format!("figures/{}/", place.page_key) }
}

/// A chart on a page of its own, to embed elsewhere in an `<iframe>`:
/// the caption, the chart drawn for wide and narrow frames (CSS picks one,
/// no JavaScript), source and notes, and a link to the study. Returns its
/// path in the output and its HTML.
fn embed_page(
    panels: &[Panel],
    caption: &Caption,
    ds: &Dataset,
    fmt: &NumberFormat,
    place: &Place,
) -> (String, String) {
    let lang = fmt.language();
    let path = format!("{}{}.html", figures_folder(place), place.number);
    let root = "../".repeat(path.matches('/').count());
    let page_url =
        if place.page_key.is_empty() { root.clone() } else { format!("{root}{}/", place.page_key) };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<meta name=\"robots\" content=\"noindex\">\n<link rel=\"icon\" href=\"data:,\">\n<style>\n@font-face {{ font-family: \"Inter\"; font-weight: 400; font-display: swap; src: url(\"{root}fonts/Inter-Regular.woff2\") format(\"woff2\"); }}\n@font-face {{ font-family: \"Inter\"; font-weight: 600 700; font-display: swap; src: url(\"{root}fonts/Inter-SemiBold.woff2\") format(\"woff2\"); }}\n{EMBED_CSS}</style>\n</head>\n<body>\n<figure class=\"chart\">\n{}{}<p class=\"fig-study\"><a href=\"{page_url}\" target=\"_top\">{}</a></p>\n</figure>\n</body>\n</html>\n",
        lang.code(),
        escape(caption.title),
        figcaption(&Caption { number: None, ..caption.clone() }, ds, fmt),
        frame(panels, lang),
        fmt.t("see_study"),
    );
    (path, html)
}

/// The embed page's own style: the theme's chart rules, nothing else.
const EMBED_CSS: &str = "body { margin: 0; padding: 12px; font: 15px/1.45 Inter, system-ui, sans-serif; color: #1a1a1a; background: #fff; }\nfigure { margin: 0; }\nfigcaption span { display: block; }\n.fig-label { font-size: .75rem; text-transform: uppercase; letter-spacing: .08em; color: #a34f00; font-weight: 600; }\n.fig-title { font-weight: 600; font-size: 1.05rem; }\n.fig-meta, .fig-note, .fig-study { font-size: .8rem; color: #595959; }\na { color: #1f4e79; }\n.chart-frame { margin: .5rem 0; }\n.chart-svg { display: block; height: auto; }\n.chart-frame .chart-narrow { display: none; }\n@media (max-width: 36rem) { .chart-frame .chart-wide { display: none; } .chart-frame .chart-narrow { display: block; } }\n.facet-title { font-weight: 600; margin: .75rem 0 0; }\n";

/// The `<iframe>` code for the chart's embed page, to copy from under the
/// chart: with the site's address when `base_url` is set, else relative
/// to the site, which only works on the same site.
fn embed_snippet(embed: &str, title: &str, panels: &[Panel], place: &Place, fmt: &NumberFormat) -> String {
    let src = match place.base_url {
        Some(base) => format!("{}/{embed}", base.trim_end_matches('/')),
        None => format!("/{embed}"),
    };
    let height = panels.iter().map(|p| p.height + 40).sum::<u32>() + 150;
    let code = format!(
        "<iframe src=\"{}\" title=\"{}\" width=\"100%\" height=\"{height}\" style=\"border:0\" loading=\"lazy\"></iframe>",
        escape(&src),
        escape(title)
    );
    let hint = if place.base_url.is_some() { fmt.t("embed_hint") } else { fmt.t("embed_hint_relative") };
    format!(
        "<details class=\"chart-embed\"><summary>{}</summary>\n<p>{hint}</p>\n<pre><code>{}</code></pre>\n<p><a href=\"{}{embed}\">{}</a></p>\n</details>\n",
        fmt.t("embed"),
        escape(&code),
        place.root,
        fmt.t("embed_preview")
    )
}

/// Each panel as a standalone SVG (and PNG), with the links to them.
fn chart_files(panels: &[Panel], place: &Place, lang: Language) -> (String, Vec<(PathBuf, Content)>) {
    let mut links = String::new();
    let mut files = Vec::new();
    for (k, p) in panels.iter().enumerate() {
        let folder = figures_folder(place);
        let stem = match panels.len() {
            1 => format!("{folder}{}", place.number),
            _ => format!("{folder}{}-{}", place.number, k + 1),
        };
        let which =
            p.facet.as_deref().map(|f| format!(" ({})", escape(&spaced(f, lang)))).unwrap_or_default();
        links.push_str(&format!("<a href=\"{}{stem}.svg\" download>SVG{which}</a> · ", place.root));
        files.push((PathBuf::from(format!("{stem}.svg")), p.export.clone().into()));
        if let Some(png) = &p.png {
            links.push_str(&format!("<a href=\"{}{stem}.png\" download>PNG{which}</a> · ", place.root));
            files.push((PathBuf::from(format!("{stem}.png")), png.clone().into()));
        }
    }
    (links, files)
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

/// Rows a table shows before its "show all" box.
pub const SHORT_TABLE: usize = 25;

fn table(tb: &Table, ds: &Dataset, fmt: &NumberFormat, place: &Place) -> Figure {
    let title = tb.title.clone().unwrap_or_else(|| ds.title().to_string());
    let caption = Caption {
        kind: Kind::Table,
        number: Some(xref::label_marker(Kind::Table, place.number)),
        title: &title,
        subtitle: None,
        notes: tb.note.iter().cloned().collect(),
    };
    let anchor = xref::anchor(Kind::Table, tb.id.as_deref(), place.number);
    let mut html = format!("<figure class=\"data-table\" id=\"{anchor}\">\n");
    html.push_str(&figcaption(&caption, ds, fmt));
    let cells = table_cells(ds, &tb.columns, fmt);
    // A long table shows its first rows and a box to show them all: a
    // checkbox and CSS, so it works without JavaScript.
    let long = cells.rows.len() > SHORT_TABLE;
    if long {
        html.push_str(&format!("<input type=\"checkbox\" class=\"table-all\" id=\"{anchor}-all\">\n"));
    }
    // Focusable, so keyboard users can scroll a wide table.
    html.push_str(&format!(
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
        escape(&title)
    ));
    html.push_str(&table_html(&cells, None));
    html.push_str("</div>\n");
    if long {
        let n = fmt.number(cells.rows.len() as f64, None);
        let label = crate::i18n::fill(fmt.t("show_all_rows"), &[("n", &n)]);
        html.push_str(&format!(
            "<label class=\"table-all-label\" for=\"{anchor}-all\">{}</label>\n",
            escape(&label)
        ));
    }
    html.push_str(&provenance_html(ds, fmt));
    html.push_str(&download(ds, place.data, fmt));
    html.push_str("</figure>\n");
    let caption = printed_caption(&caption, &anchor, place.number, ds, fmt);
    Figure {
        html,
        files: Vec::new(),
        printed: Printed::Table { caption, table: cells },
        chars: String::new(),
    }
}

/// Big numbers with what they count and where they come from.
fn key_figures(k: &KeyFigures, ds: &Dataset, fmt: &NumberFormat) -> Figure {
    let lang = fmt.language();
    let value_field = &ds.fields[k.value];
    let mut cited: Vec<String> = ds.meta.source.iter().map(|s| plain_labelled(lang, "source", s)).collect();
    cited.extend(ds.meta.sample_size.map(|n| sample_size(n, fmt)));
    let keys: Vec<printed::KeyFigure> = k
        .rows
        .iter()
        .map(|&r| {
            let row = ds.row(r);
            let value = match row.number(k.value) {
                Some(v) => fmt.key_figure(v, &value_field.number_style()),
                None => cell_text(&row.get(k.value), value_field, fmt),
            };
            let label =
                k.label.map(|l| row.text(l).into_owned()).unwrap_or_else(|| value_field.title().to_string());
            printed::KeyFigure { value, label: spaced(&label, lang).into_owned(), cited: cited.clone() }
        })
        .collect();
    let mut html = String::from("<ul class=\"key-figures\">\n");
    for key in &keys {
        html.push_str(&format!("<li><strong>{}</strong> {}", escape(&key.value), escape(&key.label)));
        if !key.cited.is_empty() {
            let cited: Vec<String> = key.cited.iter().map(|c| escape(c)).collect();
            html.push_str(&format!("<small>{}</small>", cited.join(" · ")));
        }
        html.push_str("</li>\n");
    }
    html.push_str("</ul>\n");
    Figure { html, files: Vec::new(), printed: Printed::KeyFigures(keys), chars: String::new() }
}

/// `n = 1 252 répondants`.
pub fn sample_size(n: u64, fmt: &NumberFormat) -> String {
    format!("n\u{a0}=\u{a0}{} {}", fmt.number(n as f64, None), fmt.t("respondents"))
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
        meta.push(format!("<span class=\"fig-source\">{}{} {source}</span>", fmt.t("source"), colon(lang)));
    }
    if let Some(n) = ds.meta.sample_size {
        meta.push(format!("<span class=\"fig-n\">{}</span>", sample_size(n, fmt)));
    }
    let mut html = String::from("<figcaption>\n");
    if let Some(number) = &c.number {
        html.push_str(&format!("<span class=\"fig-label\">{}\u{a0}{number}</span>\n", c.kind.label(lang)));
    }
    html.push_str(&format!("<span class=\"fig-title\">{}</span>\n", escape(&spaced(c.title, lang))));
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
    escape(&plain_labelled(lang, key, text))
}

/// `Source : text` as plain text, for drawings.
fn plain_labelled(lang: Language, key: &str, text: &str) -> String {
    format!("{}{} {}", t(lang, key), colon(lang), spaced(text, lang))
}

/// `Source : … · n = 1 252 répondants` as plain text, for a chart's
/// downloads; empty when the dataset says neither.
fn cited(ds: &Dataset, fmt: &NumberFormat) -> Option<String> {
    let lang = fmt.language();
    let parts: Vec<String> = ds
        .meta
        .source
        .iter()
        .map(|s| plain_labelled(lang, "source", s))
        .chain(ds.meta.sample_size.map(|n| sample_size(n, fmt)))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

fn download(ds: &Dataset, data: &str, fmt: &NumberFormat) -> String {
    format!(
        "<p class=\"fig-download\"><a href=\"{data}{}.csv\" download>{}</a></p>\n",
        escape(&ds.id),
        fmt.t("download_csv")
    )
}

/// The dataset's rows as an HTML table, values formatted for the language.
pub fn data_table(ds: &Dataset, columns: &[usize], fmt: &NumberFormat, caption: Option<&str>) -> String {
    table_html(&table_cells(ds, columns, fmt), caption)
}

/// The cells of a dataset's `columns`, as every table prints them.
fn table_cells(ds: &Dataset, columns: &[usize], fmt: &NumberFormat) -> printed::Table {
    let styles: Vec<NumberStyle> = columns.iter().map(|&i| ds.fields[i].number_style()).collect();
    let rows = ds
        .rows()
        .map(|row| {
            columns
                .iter()
                .zip(&styles)
                .map(|(&i, style)| {
                    let f = &ds.fields[i];
                    let text = match row.number(i) {
                        Some(v) if f.ty.is_numeric() => fmt.value(v, style),
                        _ => cell_text(&row.get(i), f, fmt),
                    };
                    spaced(&text, fmt.language()).into_owned()
                })
                .collect()
        })
        .collect();
    printed::Table {
        headers: columns.iter().map(|&i| ds.fields[i].title().to_string()).collect(),
        numeric: columns.iter().map(|&i| ds.fields[i].ty.is_numeric()).collect(),
        rows,
    }
}

fn table_html(t: &printed::Table, caption: Option<&str>) -> String {
    let class = |numeric: bool| if numeric { " class=\"num\"" } else { "" };
    let mut html = String::from("<table>\n");
    if let Some(c) = caption {
        html.push_str(&format!("<caption>{}</caption>\n", escape(c)));
    }
    html.push_str("<thead><tr>");
    for (h, &numeric) in t.headers.iter().zip(&t.numeric) {
        html.push_str(&format!("<th scope=\"col\"{}>{}</th>", class(numeric), escape(h)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        html.push_str("<tr>");
        for (cell, &numeric) in row.iter().zip(&t.numeric) {
            html.push_str(&format!("<td{}>{}</td>", class(numeric), escape(cell)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
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
    fn a_figure_left_in_the_cache_reads_back_whole_with_the_characters_of_its_files() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::cache::Store::open(dir.path(), "cache", None).unwrap();
        let files = vec![
            (PathBuf::from("figures/a/1.svg"), Content::from("<svg><text>Été ŝ</text></svg>".to_string())),
            (PathBuf::from("figures/a/1.png"), Content::Bytes(vec![0x89, b'P', b'N', b'G', 0xff])),
        ];
        let printed = Printed::KeyFigures(Vec::new());
        let figure =
            Figure { html: "<figure></figure>".into(), files: files.clone(), printed, chars: String::new() };
        let (bytes, chars) = figure.to_entry().unwrap();
        assert!(chars.contains('ŝ') && chars.contains('É') && !chars.contains('P'), "{chars}");
        let key = crate::cache::Key::of("figure");
        let entry = store.put(crate::cache::Kind::Figure, key, &bytes).unwrap();
        let left = figure.left_in(entry.clone(), bytes.len(), chars.clone());
        let read = Figure::in_entry(store.head(crate::cache::Kind::Figure, key).unwrap()).unwrap();
        for kept in [&left, &read] {
            assert_eq!(kept.html, "<figure></figure>");
            assert_eq!(kept.chars, chars);
            let back: Vec<_> =
                kept.files.iter().map(|(p, c)| (p.clone(), c.read().unwrap().into_owned())).collect();
            let want: Vec<_> =
                files.iter().map(|(p, c)| (p.clone(), c.in_memory().unwrap().to_vec())).collect();
            assert_eq!(back, want);
            assert!(kept.files.iter().all(|(_, c)| c.in_memory().is_none()), "left on disk");
        }
        // An entry cut short is no figure: it is drawn again.
        std::fs::write(&entry, &bytes[..bytes.len() - 1]).unwrap();
        assert!(Figure::in_entry(store.head(crate::cache::Kind::Figure, key).unwrap()).is_none());
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
