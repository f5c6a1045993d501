//! Markdown to HTML for one page: heading ids, links between pages, and
//! the `chart` / `table` blocks set aside for their own renderer.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::assets::{Found, link_from, percent_decode, relative_to};
use crate::config::Language;
use crate::diagnostics::{Diagnostic, LineIndex, Pos, closest};
use crate::pages::{normalize, relative_url};

/// The Markdown extensions every page gets.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_STRIKETHROUGH
}

/// Block names a fenced code block can carry.
pub const BLOCK_NAMES: &[&str] = &["chart", "table", "keyfigures"];

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link to another page (or an anchor), to check once every page's
/// headings are known.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct PageLink {
    pub target_url: String,
    pub anchor: Option<String>,
    pub pos: Pos,
}

/// A link to a path of the site that no file of the project is behind
/// (`../sources/`, `../study.pdf`): it must lead to a file the build
/// writes. What to say if it does not is worked out here, where the
/// project's files are known.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct SiteLink {
    /// The path in the site, `/sources/`.
    pub path: String,
    pub written: String,
    pub pos: Pos,
    pub hint: String,
}

/// A `chart` or `table` block: its name, YAML text and where it starts.
#[derive(Clone, Debug)]
pub struct RawBlock {
    pub name: String,
    pub yaml: String,
    /// The file line of the block's first YAML line.
    pub first_line: usize,
    /// The file line of the opening fence, where block errors point.
    pub fence_line: usize,
}

/// What rendering a page body produces.
#[derive(Debug, Default)]
pub struct Rendered {
    /// HTML with `<!--barometer:block:N-->` where block N goes.
    pub html: String,
    pub headings: Vec<Heading>,
    pub links: Vec<PageLink>,
    /// Files of `content/` the page links to or shows, by path in the site:
    /// published because of it.
    pub assets: Vec<(PathBuf, Pos)>,
    /// Links to what is no file of the project, checked once the site is built.
    pub site_links: Vec<SiteLink>,
    pub blocks: Vec<RawBlock>,
    pub errors: Vec<Diagnostic>,
    /// `@fig-…` and `@tbl-…` references, marked in `html` (see [`crate::xref`]).
    pub refs: Vec<crate::xref::Ref>,
    /// The page as Typst markup, when the report has a PDF.
    pub typst: Option<crate::pdf::markup::Written>,
    /// `[@key]` citations, marked in `html` (see [`crate::cite`]).
    pub cites: Vec<crate::cite::Cite>,
    /// The text of the first paragraph, which describes the page when its
    /// front matter does not.
    pub first_paragraph: Option<String>,
}

/// What a page needs to know about the others to link to them.
pub struct Site<'a> {
    /// Page source path (`content/a.md`) to its URL.
    pub urls: &'a HashMap<PathBuf, String>,
    /// Pages left out of this build (drafts).
    pub left_out: &'a HashSet<PathBuf>,
    /// The report's language, for typography and the words we add.
    pub lang: Language,
    /// The report has a bibliography: `[@key]` cites.
    pub cites: bool,
    /// The files links may lead to besides pages.
    pub files: crate::assets::Files<'a>,
}

pub fn placeholder(index: usize) -> String {
    format!("{PLACEHOLDER}{index}-->")
}

/// Is `html` where a block goes ([`placeholder`])?
pub fn is_placeholder(html: &str) -> bool {
    html.starts_with(PLACEHOLDER)
}

const PLACEHOLDER: &str = "<!--barometer:block:";

/// Does `dest` leave the site: a web address, `mailto:` or `tel:`?
pub fn is_web_address(dest: &str) -> bool {
    dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with("tel:")
}

/// Renders a page body (after values in prose were evaluated: `values`
/// go where their markers are, as text).
///
/// In French, spaces that French typography keeps unbreakable (`95 %`,
/// `« oui »`, `5 000`) become no-break spaces in text and HTML.
pub fn render(
    file: &Path,
    page_url: &str,
    body: &str,
    values: &[String],
    line_offset: usize,
    site: &Site,
    print: Option<&crate::pdf::markup::PageContext>,
) -> Rendered {
    let lang = site.lang;
    let lines = LineIndex::new(body, line_offset);
    let mut out = Rendered::default();
    let mut events: Vec<Event> = Vec::new();
    let mut heading_ids: Vec<(usize, String)> = Vec::new();
    let mut footnote_ids: HashSet<String> = HashSet::new();
    let mut heading: Option<(usize, Vec<Event>)> = None;
    let mut block: Option<RawBlock> = None;
    // The page title is the `h1`; the body's headings start below it.
    let mut last_level = 1;

    let mut in_code = false;
    // Where each event came from: (first event index, source line).
    let mut lines_at: Vec<(usize, usize)> = Vec::new();
    for (event, range) in joined_text(Parser::new_ext(body, options()).into_offset_iter()) {
        let pos = || lines.pos(range.start);
        if print.is_some() {
            lines_at.push((events.len(), lines.line_of(range.start)));
        }
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        // References and citations are read in the author's text, before
        // values from data are put back: a value is text, never a reference.
        // Code stays literal.
        let event = match event {
            Event::Text(t) if !in_code => Event::Text(mark_references(t, pos(), site.cites, &mut out)),
            e => e,
        };
        let event = match fill_event(event, values) {
            Ok(e) => e,
            Err((e, why)) => {
                out.errors.push(Diagnostic::error(file, Some(pos()), why).with_hint(
                    "a link from data must start with http://, https:// or mailto:, or be a relative path",
                ));
                e
            }
        };
        let event = footnote_event(event, &mut footnote_ids);
        if let Some(b) = block.as_mut() {
            match event {
                Event::Text(t) => b.yaml.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let b = block.take().expect("inside a block");
                    events.push(Event::Html(placeholder(out.blocks.len()).into()));
                    out.blocks.push(b);
                }
                _ => {}
            }
            continue;
        }
        if let Some((_, inner)) = heading.as_mut() {
            if let Event::End(TagEnd::Heading(_)) = event {
                let (start, inner) = heading.take().expect("inside a heading");
                push_heading(&mut events, &mut out.headings, &mut heading_ids, start, inner);
                events.push(event);
            } else {
                inner.push(event);
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let level = level as usize;
                if level > last_level + 1 {
                    let pos = Pos::new(lines.line_of(range.start), 1);
                    out.errors.push(skipped_heading(file, pos, last_level, level));
                }
                last_level = level;
                events.push(event);
                heading = Some((events.len() - 1, Vec::new()));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let written = &body[range.clone()];
                let alt = written.strip_prefix("![").and_then(|r| r.split(']').next()).unwrap_or("x");
                if alt.trim().is_empty() {
                    let pos = lines.pos(range.start);
                    out.errors.push(
                        Diagnostic::warning(file, Some(pos), "this image has no alternative text")
                            .with_hint("say what it shows between the brackets: `![Engagement by tier](…)`"),
                    );
                }
                let dest = link_to_file(file, page_url, &dest_url, lines.pos(range.start), site, &mut out);
                events.push(Event::Start(Tag::Image { link_type, dest_url: dest, title, id }));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(ref info))) => {
                let name = info.split_whitespace().next().unwrap_or("");
                let fence_line = lines.line_of(range.start);
                if BLOCK_NAMES.contains(&name) {
                    block = Some(RawBlock {
                        name: name.to_string(),
                        yaml: String::new(),
                        first_line: fence_line + 1,
                        fence_line,
                    });
                    continue;
                }
                if let Some(best) = closest(name, BLOCK_NAMES.iter().copied()).filter(|_| name.len() > 3) {
                    out.errors.push(
                        Diagnostic::warning(
                            file,
                            Some(Pos::new(fence_line, 1)),
                            format!("`{name}` is not a block name, so this shows as code"),
                        )
                        .with_hint(format!("did you mean `{best}`?")),
                    );
                }
                events.push(event);
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let pos = lines.pos(range.start);
                let dest = rewrite_link(file, page_url, &dest_url, pos, site, &mut out);
                events.push(Event::Start(Tag::Link { link_type, dest_url: dest, title, id }));
            }
            other => events.push(other),
        }
    }
    assign_heading_ids(&mut events, &mut out.headings, heading_ids, &footnote_ids);
    if lang == Language::Fr {
        events = events.into_iter().map(french_event).collect();
    }
    out.first_paragraph = first_paragraph(&events);
    if let Some(cx) = print {
        let line_at = |i: usize| {
            let k = lines_at.partition_point(|&(from, _)| from <= i);
            k.checked_sub(1).map_or(line_offset + 1, |k| lines_at[k].1)
        };
        out.typst = Some(crate::pdf::markup::write(&events, &line_at, cx));
    }
    let (events, notes) = endnotes(scroll_tables(events, lang));
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    out.html.push_str(&notes_html(notes, lang));
    out
}

/// The words of the first paragraph outside footnotes, as plain text:
/// no markup, no reference or citation markers, spaces collapsed.
fn first_paragraph(events: &[Event]) -> Option<String> {
    let mut in_note = false;
    let start = events.iter().position(|e| {
        match e {
            Event::Start(Tag::FootnoteDefinition(_)) => in_note = true,
            Event::End(TagEnd::FootnoteDefinition) => in_note = false,
            _ => {}
        }
        !in_note && matches!(e, Event::Start(Tag::Paragraph))
    })?;
    let mut text = String::new();
    for e in &events[start + 1..] {
        match e {
            Event::End(TagEnd::Paragraph) => break,
            Event::Text(t) | Event::Code(t) => {
                text.extend(crate::xref::split_markers(t).filter(|(_, marker)| !marker).map(|(s, _)| s));
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split([' ', '\n', '\t']).filter(|w| !w.is_empty()).collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// `text` with its `@fig-…`/`@tbl-…` references and, when the report has
/// a bibliography (`cites`), its `[@key]` citations marked and recorded.
fn mark_references<'a>(text: CowStr<'a>, pos: Pos, cites: bool, out: &mut Rendered) -> CowStr<'a> {
    let text = match crate::xref::mark_refs(&text) {
        Some((marked, keys)) => {
            out.refs.extend(keys.into_iter().map(|key| crate::xref::Ref { key, pos }));
            CowStr::from(marked)
        }
        None => text,
    };
    if !cites {
        return text;
    }
    match crate::cite::mark(&text, pos, &mut out.cites) {
        Some(marked) => CowStr::from(marked),
        None => text,
    }
}

/// The parser's events with adjacent pieces of text joined: it cuts text
/// at brackets (`[`, `@key`, `]`), which a citation spans.
fn joined_text<'a>(
    events: impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
) -> impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)> {
    let mut events = events.peekable();
    std::iter::from_fn(move || {
        let (event, range) = events.next()?;
        let Event::Text(first) = event else { return Some((event, range)) };
        let mut text: Option<String> = None;
        let mut end = range.end;
        while let Some((Event::Text(_), _)) = events.peek() {
            if let Some((Event::Text(more), r)) = events.next() {
                text.get_or_insert_with(|| first.to_string()).push_str(&more);
                end = r.end;
            }
        }
        let joined = text.map_or(first, CowStr::from);
        Some((Event::Text(joined), range.start..end))
    })
}

/// Wide tables scroll in a region keyboard users can focus.
fn scroll_tables(events: Vec<Event<'_>>, lang: Language) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match event {
            Event::Start(Tag::Table(_)) => {
                let open = format!(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
                    crate::i18n::t(lang, "table")
                );
                out.push(Event::Html(open.into()));
                out.push(event);
            }
            Event::End(TagEnd::Table) => {
                out.push(event);
                out.push(Event::Html("</div>\n".into()));
            }
            other => out.push(other),
        }
    }
    out
}

/// One footnote: its id, its number, and its text as events.
struct Note<'a> {
    id: String,
    number: usize,
    body: Vec<Event<'a>>,
}

/// Takes the footnote definitions out of the page, wherever they were
/// written, and numbers the references in reading order; a note referred
/// to twice keeps its number. The notes come back to be listed at the end.
fn endnotes(events: Vec<Event<'_>>) -> (Vec<Event<'_>>, Vec<Note<'_>>) {
    let mut kept = Vec::with_capacity(events.len());
    let mut bodies: HashMap<String, Vec<Event>> = HashMap::new();
    let mut defined: Vec<String> = Vec::new();
    let mut inside: Option<(String, Vec<Event>)> = None;
    let mut order: Vec<String> = Vec::new();
    let mut refs: HashMap<String, usize> = HashMap::new();
    for event in events {
        match (event, inside.as_mut()) {
            (Event::Start(Tag::FootnoteDefinition(id)), _) => inside = Some((id.to_string(), Vec::new())),
            (Event::End(TagEnd::FootnoteDefinition), _) => {
                if let Some((id, body)) = inside.take() {
                    defined.push(id.clone());
                    bodies.insert(id, body);
                }
            }
            (e, Some((_, body))) => body.push(e),
            (Event::FootnoteReference(id), None) => {
                let id = id.to_string();
                if !order.contains(&id) {
                    order.push(id.clone());
                }
                let number = order.iter().position(|o| *o == id).map_or(0, |i| i + 1);
                let count = refs.entry(id.clone()).or_insert(0);
                *count += 1;
                let back = back_id(&id, *count);
                kept.push(Event::Html(
                    format!(
                        "<sup class=\"fn-ref\"><a href=\"#{id}\" id=\"{back}\" role=\"doc-noteref\">{number}</a></sup>"
                    )
                    .into(),
                ));
            }
            (e, None) => kept.push(e),
        }
    }
    // Notes never referred to still appear, after the others.
    order.extend(defined.into_iter().filter(|d| !refs.contains_key(d)));
    let notes = order
        .into_iter()
        .enumerate()
        .filter_map(|(i, id)| bodies.remove(&id).map(|body| Note { id, number: i + 1, body }))
        .collect();
    (kept, notes)
}

/// The id of the `n`-th reference to note `id`, which its note links back to.
fn back_id(id: &str, n: usize) -> String {
    let base = format!("ref-{id}");
    if n == 1 { base } else { format!("{base}-{n}") }
}

/// The notes as a numbered list closing the page, each with a link back
/// to where it is referred to.
fn notes_html(notes: Vec<Note>, lang: Language) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let back = crate::i18n::t(lang, "back_to_text");
    let mut html = format!(
        "<section class=\"footnotes\" role=\"doc-endnotes\">\n<h2>{}</h2>\n<ol>\n",
        crate::i18n::t(lang, "notes")
    );
    for note in notes {
        let mut text = String::new();
        pulldown_cmark::html::push_html(&mut text, note.body.into_iter());
        let link = format!(
            " <a href=\"#{}\" class=\"fn-back\" role=\"doc-backlink\" aria-label=\"{back} {}\">↩</a>",
            back_id(&note.id, 1),
            note.number
        );
        // The link back ends the note's last paragraph.
        match text.trim_end().strip_suffix("</p>") {
            Some(before) => text = format!("{before}{link}</p>\n"),
            None => text.push_str(&link),
        }
        html.push_str(&format!("<li id=\"{}\" value=\"{}\">{text}</li>\n", note.id, note.number));
    }
    html.push_str("</ol>\n</section>\n");
    html
}

/// Puts the values of prose back where their markers are, as text: in text
/// and code as they are (the HTML writer escapes them), in raw HTML escaped,
/// in link targets only with a safe scheme (the event is returned with the
/// reason otherwise).
fn fill_event<'a>(event: Event<'a>, values: &[String]) -> Result<Event<'a>, (Event<'a>, String)> {
    use crate::prose::{fill, has_values};
    if values.is_empty() {
        return Ok(event);
    }
    let with = |t: CowStr<'a>, put: fn(&str) -> std::borrow::Cow<'_, str>| -> CowStr<'a> {
        if has_values(&t) { CowStr::from(fill(&t, values, put).into_owned()) } else { t }
    };
    let raw = |t: CowStr<'a>| with(t, |v| v.into());
    let escaped = |t: CowStr<'a>| with(t, |v| crate::html::escape(v).into());
    let mut unsafe_url = None;
    let mut url = |t: CowStr<'a>| -> CowStr<'a> {
        let from_data = has_values(&t);
        let t = raw(t);
        if from_data && !crate::html::is_safe_url(&t) {
            unsafe_url = Some(format!("a link built from a value in prose has an unsafe address `{t}`"));
            return CowStr::from("#");
        }
        t
    };
    let event = match event {
        Event::Text(t) => Event::Text(raw(t)),
        Event::Code(t) => Event::Code(raw(t)),
        Event::Html(t) => Event::Html(escaped(t)),
        Event::InlineHtml(t) => Event::InlineHtml(escaped(t)),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: url(dest_url), title: raw(title), id: raw(id) })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: url(dest_url), title: raw(title), id: raw(id) })
        }
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level, id: id.map(raw), classes, attrs })
        }
        other => other,
    };
    match unsafe_url {
        Some(why) => Err((event, why)),
        None => Ok(event),
    }
}

/// Footnotes get ids of their own (`fn-reach`), apart from the headings'
/// (`## Reach` is `reach`).
fn footnote_event<'a>(event: Event<'a>, ids: &mut HashSet<String>) -> Event<'a> {
    let rename = |name: &str| CowStr::from(format!("fn-{}", slugify(name)));
    match event {
        Event::FootnoteReference(name) => Event::FootnoteReference(rename(&name)),
        Event::Start(Tag::FootnoteDefinition(name)) => {
            let id = rename(&name);
            ids.insert(id.to_string());
            Event::Start(Tag::FootnoteDefinition(id))
        }
        other => other,
    }
}

/// A heading two or more levels below the one before: screen reader users
/// navigate by level, and a gap reads as a missing section.
fn skipped_heading(file: &Path, pos: Pos, last: usize, level: usize) -> Diagnostic {
    let hashes = |n: usize| "#".repeat(n);
    let message = if last == 1 {
        format!("the page's first heading is `{}`, but headings start at `##`", hashes(level))
    } else {
        format!("heading level skipped: `{}` after `{}`", hashes(level), hashes(last))
    };
    Diagnostic::warning(file, Some(pos), message).with_hint(format!("use `{}`", hashes(last + 1)))
}

fn french_event(e: Event<'_>) -> Event<'_> {
    use crate::typography::{french, french_html};
    match e {
        Event::Text(t) => Event::Text(CowStr::from(french(&t).into_owned())),
        Event::Html(t) => Event::Html(CowStr::from(french_html(&t).into_owned())),
        Event::InlineHtml(t) => Event::InlineHtml(CowStr::from(french_html(&t).into_owned())),
        other => other,
    }
}

/// Records the heading at `events[start]` for the table of contents, with
/// the id it asks for (its own `{#id}` or a slug of its text); ids are made
/// unique once the whole page is read ([`assign_heading_ids`]).
fn push_heading<'a>(
    events: &mut Vec<Event<'a>>,
    headings: &mut Vec<Heading>,
    ids: &mut Vec<(usize, String)>,
    start: usize,
    inner: Vec<Event<'a>>,
) {
    let text: String = inner
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect();
    if let Event::Start(Tag::Heading { level, id, .. }) = &events[start] {
        let base = id.as_ref().map(|s| s.to_string()).unwrap_or_else(|| slugify(&text));
        ids.push((start, base));
        headings.push(Heading { level: *level as u8, id: String::new(), text });
    }
    events.extend(inner);
}

/// Gives each heading its id, unique on the page and apart from the
/// footnotes' ids.
fn assign_heading_ids(
    events: &mut [Event],
    headings: &mut [Heading],
    ids: Vec<(usize, String)>,
    footnotes: &HashSet<String>,
) {
    let mut used: HashMap<String, usize> = footnotes.iter().map(|f| (f.clone(), 1)).collect();
    for ((start, base), heading) in ids.into_iter().zip(headings) {
        let mut unique = base.clone();
        loop {
            let n = used.entry(unique.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                break;
            }
            unique = format!("{base}-{}", *n - 1);
        }
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[start] {
            *id = Some(CowStr::from(unique.clone()));
        }
        heading.id = unique;
    }
}

fn rewrite_link<'a>(
    file: &Path,
    page_url: &str,
    dest: &CowStr<'a>,
    pos: Pos,
    site: &Site,
    out: &mut Rendered,
) -> CowStr<'a> {
    let d = dest.as_ref();
    if is_web_address(d) {
        return dest.clone();
    }
    if let Some(anchor) = d.strip_prefix('#') {
        out.links.push(PageLink { target_url: page_url.to_string(), anchor: Some(anchor.to_string()), pos });
        return dest.clone();
    }
    let (path, anchor) = match d.split_once('#') {
        Some((p, a)) => (p, Some(a.to_string())),
        None => (d, None),
    };
    if !path.ends_with(".md") || path.starts_with('/') {
        return link_to_file(file, page_url, dest, pos, site, out);
    }
    let base = file.parent().unwrap_or(Path::new(""));
    let target = normalize(&base.join(percent_decode(path)));
    match site.urls.get(&target) {
        Some(url) => {
            let mut rel = relative_url(page_url, url);
            if let Some(a) = &anchor {
                rel.push('#');
                rel.push_str(a);
            }
            out.links.push(PageLink { target_url: url.clone(), anchor, pos });
            CowStr::from(rel)
        }
        None => {
            let message = if site.left_out.contains(&target) {
                format!("`{path}` is a draft, left out of this build")
            } else {
                format!("link to `{path}`, which is not a page")
            };
            let candidates: Vec<String> = site.urls.keys().map(|p| relative_to(p, base)).collect();
            let d = Diagnostic::error(file, Some(pos), message);
            let d = if site.left_out.contains(&target) {
                d.with_hint("build with `--drafts`, or set `draft: false` in that page")
            } else {
                d.suggest(path, candidates.iter().map(String::as_str))
            };
            out.errors.push(d);
            dest.clone()
        }
    }
}

/// A link or image to something other than a page: a file of the project
/// becomes a link to where the site publishes it; anything else is kept
/// as written and checked once the site is built ([`SiteLink`]).
fn link_to_file<'a>(
    file: &Path,
    page_url: &str,
    dest: &CowStr<'a>,
    pos: Pos,
    site: &Site,
    out: &mut Rendered,
) -> CowStr<'a> {
    let d = dest.as_ref();
    if is_web_address(d) || has_scheme(d) || d.is_empty() || d.starts_with('#') {
        return dest.clone();
    }
    let end = d.find(['#', '?']).unwrap_or(d.len());
    let (written, rest) = d.split_at(end);
    let decoded = percent_decode(written);
    match site.files.find(file, &decoded) {
        Found::File { path, content } => {
            if content {
                out.assets.push((path.clone(), pos));
            }
            CowStr::from(format!("{}{rest}", link_from(page_url, &path)))
        }
        Found::Clash { path } => {
            let message =
                format!("`content/{0}` and `static/{0}` would both be published at `{0}`", path.display());
            out.errors
                .push(Diagnostic::error(file, Some(pos), message).with_hint("rename or move one of them"));
            dest.clone()
        }
        Found::NotFound => {
            let hint = missing_file_hint(file, &decoded, site.files);
            let path = crate::pages::resolve_url(page_url, &decoded);
            // Relative, and naming `index.html`, the link works from disk too.
            let target = Path::new(path.trim_matches('/'));
            let target = if path.ends_with('/') { target.join("index.html") } else { target.to_path_buf() };
            let link = format!("{}{rest}", link_from(page_url, &target));
            out.site_links.push(SiteLink { path, written: written.to_string(), pos, hint });
            CowStr::from(link)
        }
    }
}

/// Does `dest` start with a URL scheme (`data:`, `ftp:`)? Such a link
/// names no file of the project and is left as written.
fn has_scheme(dest: &str) -> bool {
    let scheme = dest.split_once(':').map_or("", |(s, _)| s);
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// What to do about a link to no file: the file the author most likely
/// meant, as they would write it; else where to put it.
fn missing_file_hint(file: &Path, written: &str, files: crate::assets::Files) -> String {
    if let Some(best) = files.closest(file, written) {
        return format!("did you mean `{}`?", best.replace(' ', "%20"));
    }
    let base = file.parent().unwrap_or(Path::new(""));
    let target = normalize(&base.join(written));
    if target.starts_with("content") || target.starts_with("static") {
        return format!("add `{}`, or correct the link", target.display());
    }
    let name = written.rsplit('/').next().unwrap_or(written);
    format!(
        "a link to a file is read from the page's folder: put the file beside the page and link to `{name}`, or in `static/` and link to `{}`",
        relative_to(&Path::new("static").join(name), base)
    )
}

/// An anchor from heading text: lower case, accents dropped, dashes.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded: &str = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            _ => "",
        };
        if !folded.is_empty() {
            out.push_str(folded);
        } else if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() { "section".to_string() } else { trimmed.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    static NONE: std::sync::LazyLock<std::collections::BTreeMap<PathBuf, Vec<u8>>> =
        std::sync::LazyLock::new(Default::default);

    fn no_files() -> crate::assets::Files<'static> {
        crate::assets::Files { content: &NONE, statics: &NONE }
    }

    /// Renders `body` as the page `file` at `url`, among `pages` (file, url).
    fn render_among(pages: &[(&str, &str)], file: &str, url: &str, body: &str, offset: usize) -> Rendered {
        let urls: HashMap<PathBuf, String> =
            pages.iter().map(|(f, u)| (PathBuf::from(f), u.to_string())).collect();
        let left_out = HashSet::from([PathBuf::from("content/draft.md")]);
        render(
            Path::new(file),
            url,
            body,
            &[],
            offset,
            &Site { urls: &urls, left_out: &left_out, lang: Language::En, cites: false, files: no_files() },
            None,
        )
    }

    #[test]
    fn headings_get_unique_ids() {
        let body = "# Méthode d'enquête\n\n## Résultats\n\n## Résultats\n\n## Autre {#custom}\n";
        let r = render_among(&[], "content/a.md", "/a/", body, 0);
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["methode-d-enquete", "resultats", "resultats-1", "custom"]);
        assert!(r.html.contains("<h2 id=\"resultats-1\">Résultats</h2>"), "{}", r.html);
    }

    #[test]
    fn footnote_ids_stay_apart_from_heading_ids() {
        let body = "## Reach\n\nText[^reach].\n\n## Fn reach\n\n[^reach]: A note.\n";
        let r = render_among(&[], "content/a.md", "/a/", body, 0);
        let ids: Vec<_> = r.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["reach", "fn-reach-1"]);
        assert!(r.html.contains("href=\"#fn-reach\"") && r.html.contains("id=\"fn-reach\""), "{}", r.html);
        assert_eq!(r.html.matches("id=\"reach\"").count(), 1, "{}", r.html);
    }

    #[test]
    fn notes_close_the_page_numbered_in_reading_order_with_links_back() {
        let body = "First[^b], then[^a].\n\n[^a]: Note A.\n\n[^b]: Note *B*.\n\n## Later\n\nAgain[^b].\n\n[^c]: Never cited.\n";
        let r = render_among(&[], "content/a.md", "/a/", body, 0);
        let html = &r.html;
        let section = html.find("<section class=\"footnotes\"").expect(html);
        assert!(html[..section].contains("id=\"later\""), "notes come after the last heading: {html}");
        assert!(!html[..section].contains("Note A"), "definitions leave the text: {html}");
        // b is cited first, so it is note 1, twice; a is note 2; c comes last.
        let refs: Vec<&str> =
            html[..section].split("role=\"doc-noteref\">").skip(1).map(|r| &r[..1]).collect();
        assert_eq!(refs, ["1", "2", "1"]);
        assert!(html.contains("id=\"ref-fn-b\"") && html.contains("id=\"ref-fn-b-2\""), "{html}");
        let notes = &html[section..];
        let order: Vec<usize> =
            ["Note <em>B</em>", "Note A", "Never cited"].iter().map(|n| notes.find(n).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{notes}");
        assert!(
            notes.contains(
                "<li id=\"fn-b\" value=\"1\"><p>Note <em>B</em>. <a href=\"#ref-fn-b\" class=\"fn-back\""
            ),
            "{notes}"
        );
    }

    #[test]
    fn values_land_as_text_wherever_they_go() {
        let urls = HashMap::new();
        let left_out = HashSet::new();
        let site =
            Site { urls: &urls, left_out: &left_out, lang: Language::En, cites: false, files: no_files() };
        let values: Vec<String> = [
            "[x](javascript:alert(1))",
            "![t](https://host/p.png)",
            "# of posts",
            "<b>\"",
            "javascript:alert(1)",
            "https://ok.org/a",
        ]
        .map(String::from)
        .to_vec();
        let m = |i: usize| format!("\u{E002}{i}\u{E003}");
        let body = format!(
            "{}\n\n{} and {}\n\n<p title=\"{}\">{}</p>\n\n[click]({}) [fine]({})\n",
            m(2),
            m(0),
            m(1),
            m(3),
            m(3),
            m(4),
            m(5)
        );
        let r = render(Path::new("content/a.md"), "/a/", &body, &values, 0, &site, None);
        assert!(r.html.starts_with("<p># of posts</p>"), "{}", r.html);
        assert!(
            r.html.contains("<p>[x](javascript:alert(1)) and ![t](https://host/p.png)</p>"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<img") && !r.html.contains("href=\"javascript"), "{}", r.html);
        assert!(r.html.contains("<p title=\"&lt;b&gt;&quot;\">&lt;b&gt;&quot;</p>"), "{}", r.html);
        assert!(r.html.contains("href=\"https://ok.org/a\""), "{}", r.html);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert!(r.errors[0].message.contains("unsafe address `javascript:alert(1)`"));
    }

    #[test]
    fn links_to_pages_become_relative_urls() {
        let pages = [("content/methodology.md", "/methodology/"), ("content/s/b.md", "/s/b/")];
        let body = "[m](methodology.md) [b](s/b.md#x) [w](https://e.org/x.md)\n";
        let r = render_among(&pages, "content/a.md", "/a/", body, 0);
        assert!(r.html.contains("href=\"../methodology/index.html\""), "{}", r.html);
        assert!(r.html.contains("href=\"../s/b/index.html#x\""), "{}", r.html);
        assert!(r.html.contains("href=\"https://e.org/x.md\""));
        assert_eq!(r.links.len(), 2);
        assert_eq!(r.links[1].anchor.as_deref(), Some("x"));
        let r = render_among(&pages, "content/s/b.md", "/s/b/", "[a](../methodology.md)\n", 0);
        assert!(r.html.contains("href=\"../../methodology/index.html\""), "{}", r.html);
    }

    #[test]
    fn broken_links_are_errors_with_suggestions() {
        let pages = [("content/methodology.md", "/methodology/")];
        let r = render_among(&pages, "content/a.md", "/a/", "Intro\n\nSee [m](methodolgy.md).\n", 4);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].pos, Some(Pos::new(7, 5)));
        assert_eq!(r.errors[0].hint.as_deref(), Some("did you mean `methodology.md`?"));
        let r = render_among(&pages, "content/a.md", "/a/", "[d](draft.md)\n", 0);
        assert!(r.errors[0].message.contains("draft"), "{:?}", r.errors);
    }

    #[test]
    fn blocks_are_set_aside_with_their_lines() {
        let body =
            "Text\n\n```chart\ntype: bar\ndata: x\n```\n\n```rust\nfn main() {}\n```\n\n```chrat\nx\n```\n";
        let r = render_among(&[], "content/a.md", "/a/", body, 10);
        assert_eq!(r.blocks.len(), 1);
        assert_eq!(r.blocks[0].yaml, "type: bar\ndata: x\n");
        assert_eq!(r.blocks[0].fence_line, 13);
        assert!(r.html.contains(&placeholder(0)));
        assert!(r.html.contains("<code class=\"language-rust\">"));
        assert_eq!(r.errors.len(), 1, "a near-miss block name is flagged");
        assert_eq!(r.errors[0].hint.as_deref(), Some("did you mean `chart`?"));
        assert!(!r.errors[0].is_error());
    }

    #[test]
    fn french_spacing_applies_to_text_and_html_not_code() {
        let urls = HashMap::new();
        let left_out = HashSet::new();
        let site =
            Site { urls: &urls, left_out: &left_out, lang: Language::Fr, cites: false, files: no_files() };
        let body = "72 % des cas\n\n<p class=\"a b\">5 000 abonnés</p>\n\n`1 000 :`\n";
        let r = render(Path::new("a.md"), "/", body, &[], 0, &site, None);
        assert!(r.html.contains("72\u{202f}% des cas"), "{}", r.html);
        assert!(r.html.contains("<p class=\"a b\">5\u{202f}000 abonnés</p>"), "{}", r.html);
        assert!(r.html.contains("<code>1 000 :</code>"), "{}", r.html);
    }

    #[test]
    fn percent_escapes_decode_without_splitting_characters() {
        assert_eq!(percent_decode("m%C3%A9thode.md"), "méthode.md");
        assert_eq!(percent_decode("%é%"), "%é%");
    }

    #[test]
    fn links_with_a_scheme_are_left_as_written() {
        let body = "![dot](data:image/gif;base64,R0lGOD) [f](ftp://h/x) [m](mailto:a@b.c)\n";
        let r = render_among(&[], "content/a.md", "/a/", body, 0);
        assert!(r.errors.is_empty() && r.site_links.is_empty(), "{:?}", r.site_links);
        assert!(r.html.contains("src=\"data:image/gif;base64,R0lGOD\""), "{}", r.html);
        let r = render_among(&[], "content/a.md", "/a/", "![x](img/a.png)\n", 0);
        assert_eq!(r.site_links.len(), 1, "a path is checked");
        assert!(!has_scheme("img/a:b.png") && has_scheme("data:x") && !has_scheme(":x"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Les 4 tiers : nano, micro…"), "les-4-tiers-nano-micro");
        assert_eq!(slugify("!!!"), "section");
    }
}
