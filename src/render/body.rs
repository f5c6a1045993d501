//! A page's body: its prose evaluated, its Markdown rendered and its
//! blocks drawn, before figures are numbered across the report and the
//! theme wraps it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tera::{Context, Tera};

use super::Generation;
use crate::blocks;
use crate::cache::{self, Store};
use crate::content::{Content, Stored};
use crate::datasets::Dataset;
use crate::diagnostics::{Diagnostic, Pos};
use crate::figures::{self, Place};
use crate::format::NumberFormat;
use crate::lint;
use crate::markdown::{self, Heading, PageLink};
use crate::pages::{Page, root_prefix};
use crate::pdf;
use crate::prose;
use crate::xref;

/// A page body rendered to HTML, before the theme wraps it.
#[derive(Clone, Default, Serialize, Deserialize)]
pub(super) struct Body {
    /// Kept apart in the build cache, see [`Body::to_entry`]; shared
    /// with the copy `serve` keeps, which numbering does not change.
    #[serde(skip)]
    pub(super) html: std::sync::Arc<String>,
    pub(super) headings: Vec<Heading>,
    pub(super) links: Vec<PageLink>,
    pub(super) charts: usize,
    /// The blocks that show data.
    pub(super) shown: Vec<Shown>,
    /// Chart downloads: output path and bytes (kept apart in the build
    /// cache, see [`Body::to_entry`]).
    #[serde(skip)]
    pub(super) files: Vec<(PathBuf, Content)>,
    /// The characters of those left in the build cache.
    pub(super) chars: String,
    /// Its charts and tables in order, numbered across the report later.
    pub(super) numbered: Vec<xref::Numbered>,
    /// The `@fig-…` and `@tbl-…` its prose writes.
    pub(super) refs: Vec<xref::Ref>,
    /// The `[@key]` citations its prose writes.
    pub(super) cites: Vec<crate::cite::Cite>,
    /// The page for the PDF, when the report has one.
    pub(super) print: Option<PrintedPage>,
    /// The text of its first paragraph, to describe it.
    pub(super) first_paragraph: Option<String>,
    /// Its first key figures or chart, for its social card.
    pub(super) card: Option<crate::printed::Printed>,
    /// The files of `content/` it links to or shows, by path in the site,
    /// with where.
    pub(super) assets: Vec<(PathBuf, Pos)>,
    /// Its links to paths of the site no project file is behind.
    pub(super) site_links: Vec<markdown::SiteLink>,
    /// The keys of the figures it took from the caches or drew and kept
    /// there; empty when caches are off.
    pub(super) figures: Vec<cache::Key>,
    /// Taken from the build cache on disk rather than rendered by this
    /// build: only then is its page's HTML kept there too.
    #[serde(skip)]
    pub(super) from_cache: bool,
}

/// A block of a page that shows data: its dataset, and its place among
/// the page's numbered blocks (none for key figures).
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Shown {
    pub(super) dataset: String,
    pub(super) numbered: Option<usize>,
}

/// A page as the PDF shows it: its Typst markup, the drawings and site
/// images it shows, and its key figures for the cover.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(not(feature = "pdf"), allow(dead_code))]
pub(super) struct PrintedPage {
    /// Kept apart in the build cache, see [`Body::to_entry`].
    #[serde(skip)]
    pub(super) markup: String,
    /// Kept apart in the build cache, see [`Body::to_entry`].
    #[serde(skip)]
    pub(super) assets: Vec<pdf::blocks::Asset>,
    pub(super) images: Vec<String>,
    pub(super) key_figures: Vec<String>,
}

/// What every page body is rendered with.
#[derive(Clone, Copy)]
pub(super) struct PageEnv<'a> {
    /// Evaluates prose ([`prose::engine`]).
    pub(super) prose: &'a Tera,
    pub(super) base: &'a Context,
    pub(super) site: &'a markdown::Site<'a>,
    pub(super) datasets: &'a BTreeMap<String, Dataset>,
    pub(super) fmt: &'a NumberFormat,
    pub(super) tiers: &'a [crate::config::Tier],
    pub(super) png: bool,
    pub(super) base_url: Option<&'a str>,
    pub(super) figures: &'a Generation<'a>,
    /// Page URL to place in reading order, when pages are also written for the PDF.
    pub(super) print: Option<&'a HashMap<String, usize>>,
    /// Social cards are drawn: keep each page's first figure for its card.
    pub(super) cards: bool,
    /// The edition's folder in the site.
    pub(super) prefix: &'a str,
    /// Chart series colours: the brand's, or the theme's.
    pub(super) palette: &'a [plotters::style::RGBColor],
}

/// A page's body, when its prose could be evaluated, and every problem
/// found in it.
pub(super) fn render_body(index: usize, page: &Page, env: &PageEnv) -> (Option<Body>, Vec<Diagnostic>) {
    let PageEnv { base, site, datasets, fmt, tiers, png, base_url, .. } = *env;
    let mut ctx = base.clone();
    ctx.insert("page", &prose_page(page));
    // When prose fails, the raw body still goes through Markdown and blocks
    // so their errors are reported in the same run.
    let evaluated = prose::evaluate(env.prose, &ctx, &page.file, &page.body, page.body_line_offset);
    let (text, prose_error) = match evaluated {
        Ok(t) => (t, None),
        Err(e) => (prose::Evaluated { text: page.body.clone(), values: Vec::new() }, Some(e)),
    };
    let (body, values) = (&text.text, &text.values);
    let print_cx = env.print.map(|pages| pdf::markup::PageContext {
        index,
        url: &page.url,
        pages,
        base_url,
        files: site.files,
    });
    let rendered =
        markdown::render(&page.file, &page.url, body, values, page.body_line_offset, site, print_cx.as_ref());
    let mut diags = rendered.errors;
    let mut print = rendered.typst.map(|w| {
        diags.extend(w.problems.into_iter().map(|(line, message)| {
            Diagnostic::warning(&page.file, Some(Pos::new(line, 1)), message)
                .with_hint("the site shows it as written; write it in Markdown for the PDF to show it too")
        }));
        PrintedPage {
            markup: w.markup,
            images: w.images,
            key_figures: w.key_figures,
            ..PrintedPage::default()
        }
    });
    let prose_failed = prose_error.is_some();
    diags.extend(prose_error);
    let root = root_prefix(&page.url);
    let mut html = rendered.html;
    let refs = rendered.refs;
    let mut numbered = Vec::new();
    let (mut charts, mut tables) = (0, 0);
    let mut files = Vec::new();
    let mut chars = String::new();
    let mut shown = Vec::new();
    let mut card = None;
    let mut kept = Vec::new();
    diags.extend(lint::shares_without_sample_size(page, datasets));
    // Figures go in a folder per page (`figures/s/b/1.svg`): page URLs are
    // unique, so their figures' names are too.
    let page_key = page.url.trim_matches('/').to_string();
    let data = format!("{root}{}data/", env.prefix);
    for (i, raw) in rendered.blocks.iter().enumerate() {
        let block = match blocks::resolve(raw, &page.file, datasets) {
            Ok(b) => b,
            Err(errs) => {
                diags.extend(errs);
                continue;
            }
        };
        diags.extend(lint::chart_title(&block, &page.file, raw.fence_line));
        let ds = &datasets[block.dataset()];
        diags.extend(lint::crowded_columns(&block, ds, &page.file, raw.fence_line));
        // Key figures are not numbered; charts and tables are, apart.
        let mut key_figures = 0;
        let counter = match block {
            blocks::Block::Chart(_) => &mut charts,
            blocks::Block::Table(_) => &mut tables,
            blocks::Block::KeyFigures(_) => &mut key_figures,
        };
        let place = Place {
            number: *counter + 1,
            root: &root,
            page_key: &page_key,
            data: &data,
            tiers,
            png,
            base_url,
            palette: env.palette,
        };
        match env.figures.figure(raw, (&place, fmt.language()), || figures::render(&block, ds, fmt, &place)) {
            Ok((fig, key)) => {
                kept.extend(key);
                *counter += 1;
                html = html.replacen(&markdown::placeholder(i), &fig.html, 1);
                if let Some(p) = print.as_mut() {
                    let markup = pdf::blocks::block(&fig.printed, index, &mut p.assets);
                    p.markup = p.markup.replacen(&markdown::placeholder(i), &markup, 1);
                    if matches!(fig.printed, crate::printed::Printed::KeyFigures(_)) {
                        p.key_figures.push(markup);
                    }
                }
                let for_card = !matches!(fig.printed, crate::printed::Printed::Table { .. });
                if env.cards && card.is_none() && for_card {
                    card = Some(fig.printed.clone());
                }
                files.extend(fig.files);
                chars.push_str(&fig.chars);
                let number = numbered_block(&block, place.number, raw.fence_line).map(|n| {
                    numbered.push(n);
                    numbered.len() - 1
                });
                shown.push(Shown { dataset: block.dataset().to_string(), numbered: number });
            }
            Err(why) => diags.push(Diagnostic::error(&page.file, Some(Pos::new(raw.fence_line, 1)), why)),
        }
    }
    if prose_failed {
        return (None, diags);
    }
    let body = Body {
        html: html.into(),
        headings: rendered.headings,
        links: rendered.links,
        charts,
        shown,
        files,
        chars,
        numbered,
        refs,
        cites: rendered.cites,
        print,
        first_paragraph: rendered.first_paragraph,
        card,
        assets: rendered.assets,
        site_links: rendered.site_links,
        figures: kept,
        from_cache: false,
    };
    (Some(body), diags)
}

/// A chart or table block as the report numbers it.
fn numbered_block(block: &blocks::Block, local: usize, fence_line: usize) -> Option<xref::Numbered> {
    let (kind, id) = match block {
        blocks::Block::Chart(c) => (xref::Kind::Figure, c.id.clone()),
        blocks::Block::Table(t) => (xref::Kind::Table, t.id.clone()),
        blocks::Block::KeyFigures(_) => return None,
    };
    let anchor = xref::anchor(kind, id.as_deref(), local);
    Some(xref::Numbered { kind, local, id, anchor, pos: Pos::new(fence_line, 1) })
}

/// What prose sees as `page`: its title and settings, not its content.
fn prose_page(page: &Page) -> BTreeMap<&'static str, Option<String>> {
    BTreeMap::from([
        ("title", Some(page.front.title.clone())),
        ("description", page.front.description.clone()),
        ("date", page.date.clone()),
        ("url", Some(page.url.clone())),
    ])
}

/// A body as the build cache keeps it (see [`cache::frame`]): the body
/// but its HTML and markup, where each of its files is, the names and
/// lengths of the drawings the PDF shows, and the problems found in it;
/// then, as they are, its HTML, its markup, the bytes of the files kept in
/// the entry itself and of those drawings, in that order.
#[derive(Serialize)]
struct EntryOut<'a> {
    body: &'a Body,
    texts: (usize, usize),
    files: Vec<(&'a std::path::Path, Part)>,
    assets: Vec<(&'a str, usize)>,
    diagnostics: &'a [Diagnostic],
}

/// [`EntryOut`] read back.
#[derive(Deserialize)]
struct EntryIn {
    body: Body,
    texts: (usize, usize),
    files: Vec<(PathBuf, Part)>,
    assets: Vec<(String, usize)>,
    diagnostics: Vec<Diagnostic>,
}

/// Where the bytes of a body's file are kept.
#[derive(Serialize, Deserialize)]
enum Part {
    /// In the body's entry, this many.
    Here(usize),
    /// In the entry of the figure it belongs to, which stays in the cache.
    Figure { entry: cache::Key, offset: u64, len: u64, id: String },
}

impl Body {
    /// The body and the problems found in it as one run of bytes, for the
    /// build cache; `None` if a file of it is in no form the cache keeps.
    pub(super) fn to_entry(&self, diagnostics: &[Diagnostic]) -> Option<Vec<u8>> {
        let markup = self.print.as_ref().map_or("", |p| p.markup.as_str());
        let mut payloads: Vec<&[u8]> = vec![self.html.as_bytes(), markup.as_bytes()];
        let mut files = Vec::with_capacity(self.files.len());
        for (path, content) in &self.files {
            let part = match content {
                Content::Stored(s) => Part::Figure {
                    entry: cache::Key::from_file_name(&s.entry.file_name()?.to_string_lossy())?,
                    offset: s.offset,
                    len: s.len,
                    id: s.id.clone(),
                },
                in_memory => {
                    let bytes = in_memory.in_memory()?;
                    payloads.push(bytes);
                    Part::Here(bytes.len())
                }
            };
            files.push((path.as_path(), part));
        }
        let drawings = self.print.iter().flat_map(|p| &p.assets);
        let assets = drawings.clone().map(|(name, bytes)| (name.as_str(), bytes.len())).collect();
        payloads.extend(drawings.map(|(_, bytes)| bytes.as_slice()));
        let texts = (self.html.len(), markup.len());
        cache::frame(&EntryOut { body: self, texts, files, assets, diagnostics }, &payloads)
    }

    /// The body [`Body::to_entry`] kept, and its problems; `None` if
    /// `bytes` are not one, or a figure entry it takes files from is no
    /// longer whole in `store`. The figures it shows are kept there.
    pub(super) fn from_entry(bytes: &[u8], store: &Store) -> Option<(Body, Vec<Diagnostic>)> {
        let (entry, mut rest): (EntryIn, _) = cache::unframe(bytes)?;
        let mut take = |len: usize| {
            let (bytes, after) = rest.split_at_checked(len)?;
            rest = after;
            Some(bytes)
        };
        let mut body = entry.body;
        body.from_cache = true;
        body.html = std::sync::Arc::new(String::from_utf8(take(entry.texts.0)?.to_vec()).ok()?);
        let markup = String::from_utf8(take(entry.texts.1)?.to_vec()).ok()?;
        // Each figure entry is looked for once, long enough for its parts.
        let mut needed: HashMap<cache::Key, u64> = HashMap::new();
        for (_, part) in &entry.files {
            if let Part::Figure { entry, offset, len, .. } = part {
                let end = needed.entry(*entry).or_default();
                *end = (*end).max(offset.checked_add(*len)?);
            }
        }
        let found: HashMap<cache::Key, std::sync::Arc<PathBuf>> = needed
            .into_iter()
            .map(|(key, len)| Some((key, std::sync::Arc::new(store.entry(cache::Kind::Figure, key, len)?))))
            .collect::<Option<_>>()?;
        for (path, part) in entry.files {
            let content = match part {
                Part::Here(len) => Content::Bytes(take(len)?.to_vec()),
                Part::Figure { entry, offset, len, id } => {
                    Content::Stored(Stored { entry: found.get(&entry)?.clone(), offset, len, id })
                }
            };
            body.files.push((path, content));
        }
        let mut drawings = Vec::with_capacity(entry.assets.len());
        for (name, len) in entry.assets {
            drawings.push((name, take(len)?.to_vec()));
        }
        match body.print.as_mut() {
            Some(print) => {
                print.markup = markup;
                print.assets = drawings;
            }
            None if drawings.is_empty() && markup.is_empty() => {}
            None => return None,
        }
        if !rest.is_empty() {
            return None;
        }
        body.figures.iter().for_each(|&key| store.keep(cache::Kind::Figure, key));
        Some((body, entry.diagnostics))
    }
}
