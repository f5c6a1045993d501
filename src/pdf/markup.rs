//! Typst markup from a page's Markdown events.
//!
//! Every piece of text becomes a Typst string (`#"…"`), which Typst sets
//! as written: nothing an author or a dataset writes is read as Typst
//! markup, shorthand or code. Structure is written as function calls
//! (`#strong[…]`, `#list(…)`) rather than markup, so indentation and line
//! starts never change the meaning.

use std::collections::HashMap;

use crate::printed::KeyFigure;
use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};

/// A Typst string literal holding `s`.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text as Typst content. The markers of [`crate::xref`] stay outside the
/// strings, where numbering replaces them with Typst code.
pub fn text(s: &str) -> String {
    let mut out = String::new();
    for (piece, is_marker) in crate::xref::split_markers(s) {
        if is_marker {
            out.push_str(piece);
        } else if !piece.is_empty() {
            out.push('#');
            out.push_str(&string(piece));
        }
    }
    out
}

/// A name usable in a Typst label: ASCII letters, digits, `-`, `_` and
/// `:` as they are, any other byte as `.` and its hex code, so two
/// different ids never share a label.
pub fn label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b':' => out.push(b as char),
            _ => out.push_str(&format!(".{b:02x}")),
        }
    }
    format!("<{out}>")
}

/// The label of page `page`'s chapter heading.
pub fn page_label(page: usize) -> String {
    label(&format!("p{page}"))
}

/// The label of a heading (`h`) or a figure or table (`f`) of a page.
pub fn anchor_label(page: usize, anchor: &str) -> String {
    let kind = if crate::xref::is_block_anchor(anchor) { "f" } else { "h" };
    label(&format!("p{page}:{kind}:{anchor}"))
}

/// A marker in the markup at the start of each block, so a Typst error
/// can be traced to its page and line: `/*@L12*/`.
pub fn line_mark(line: usize) -> String {
    format!("/*@L{line}*/")
}

/// What the writer needs to know about the page and the site.
pub struct PageContext<'a> {
    /// The page's place in reading order.
    pub index: usize,
    pub url: &'a str,
    /// Page URL to its place in reading order.
    pub pages: &'a HashMap<String, usize>,
    /// The site's address, for links to its files.
    pub base_url: Option<&'a str>,
    /// The site's files besides pages, which images may show.
    pub files: crate::assets::Files<'a>,
}

/// A page's markup, the site files it shows (images), and the problems
/// met: each with the line it is on.
#[derive(Debug, Default)]
pub struct Written {
    pub markup: String,
    /// Site paths of the images it shows, all static files.
    pub images: Vec<String>,
    pub problems: Vec<(usize, String)>,
    /// The key figures it shows, for the cover.
    pub key_figures: Vec<String>,
}

/// Writes `events` (a page after prose, links and typography), where
/// `line_at(i)` is the source line of event `i`.
pub fn write(events: &[Event], line_at: &dyn Fn(usize) -> usize, cx: &PageContext) -> Written {
    let notes = footnotes(events);
    let mut w = Writer::new(cx, events, &notes);
    for (i, e) in events.iter().enumerate() {
        w.event(e, i, line_at);
    }
    // Notes never referred to still print, at the chapter's end.
    let mut orphans: Vec<&String> = notes.keys().filter(|k| !w.cited.contains_key(*k)).collect();
    orphans.sort();
    for id in orphans {
        let body = w.note_markup(id);
        w.out.markup.push_str(&format!("#footnote[{body}]\n\n"));
    }
    w.out
}

/// Each footnote's events, by its id.
fn footnotes<'e>(events: &'e [Event<'e>]) -> HashMap<String, &'e [Event<'e>]> {
    let mut notes = HashMap::new();
    let mut start: Option<(String, usize)> = None;
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::FootnoteDefinition(id)) => start = Some((id.to_string(), i + 1)),
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some((id, from)) = start.take() {
                    notes.insert(id, &events[from..i]);
                }
            }
            _ => {}
        }
    }
    notes
}

struct Writer<'a, 'e> {
    cx: &'a PageContext<'a>,
    events: &'e [Event<'e>],
    out: Written,
    notes: &'a HashMap<String, &'e [Event<'e>]>,
    /// Notes already set, with how often they were referred to.
    cited: HashMap<String, usize>,
    /// Depth inside a footnote definition or an image, whose events are
    /// written elsewhere.
    skip: usize,
    /// The label of the heading being written.
    heading: Option<String>,
    /// The key figures of an HTML list being read.
    keys: Option<Vec<KeyFigure>>,
    /// Inside a code block.
    in_code: bool,
}

impl<'a, 'e> Writer<'a, 'e> {
    fn new(
        cx: &'a PageContext<'a>,
        events: &'e [Event<'e>],
        notes: &'a HashMap<String, &'e [Event<'e>]>,
    ) -> Writer<'a, 'e> {
        Writer {
            cx,
            events,
            out: Written::default(),
            notes,
            cited: HashMap::new(),
            skip: 0,
            heading: None,
            keys: None,
            in_code: false,
        }
    }

    fn push(&mut self, s: &str) {
        self.out.markup.push_str(s);
    }

    fn event(&mut self, e: &Event, i: usize, line_at: &dyn Fn(usize) -> usize) {
        match e {
            Event::Start(Tag::FootnoteDefinition(_)) | Event::Start(Tag::Image { .. }) => {
                if let Event::Start(Tag::Image { dest_url, .. }) = e
                    && self.skip == 0
                {
                    self.image(dest_url, i, line_at);
                }
                self.skip += 1;
                return;
            }
            Event::End(TagEnd::FootnoteDefinition) | Event::End(TagEnd::Image) => {
                self.skip = self.skip.saturating_sub(1);
                return;
            }
            _ if self.skip > 0 => return,
            _ => {}
        }
        self.write_event(e, i, line_at);
    }

    fn write_event(&mut self, e: &Event, i: usize, line_at: &dyn Fn(usize) -> usize) {
        match e {
            Event::Start(tag) => self.start(tag, i, line_at),
            Event::End(tag) => self.end(*tag),
            // A code block's text is the string argument of its `raw` call.
            Event::Text(t) if self.in_code => {
                let t = format!(" + {}", string(t));
                self.push(&t);
            }
            Event::Text(t) => {
                let t = text(t);
                self.push(&t);
            }
            Event::Code(c) => {
                let c = format!("#raw({})", string(c));
                self.push(&c);
            }
            Event::SoftBreak => self.push(" "),
            Event::HardBreak => self.push("#linebreak()"),
            Event::Rule => self.push("#rule()\n\n"),
            Event::FootnoteReference(id) => self.footnote(id),
            Event::Html(h) | Event::InlineHtml(h) => self.html(h, i, line_at),
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag, i: usize, line_at: &dyn Fn(usize) -> usize) {
        let block_start = matches!(
            tag,
            Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::List(_)
                | Tag::Table(_)
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
        );
        if block_start {
            let mark = line_mark(line_at(i));
            self.push(&mark);
        }
        let open = match tag {
            Tag::Paragraph => String::new(),
            Tag::Heading { level, id, .. } => {
                self.heading = id.as_ref().map(|id| anchor_label(self.cx.index, id));
                format!("#heading(level: {})[", heading_level(*level))
            }
            Tag::BlockQuote(_) => "#quote(block: true)[".into(),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.in_code = true;
                format!("#raw(block: true, lang: {}, \"\"", string(&lang))
            }
            Tag::List(None) => "#list(".into(),
            Tag::List(Some(n)) => format!("#enum(start: {n}, "),
            Tag::Item => "[".into(),
            Tag::Table(aligns) => table_open(aligns),
            Tag::TableHead => "table.header(".into(),
            Tag::TableRow => String::new(),
            Tag::TableCell => "[".into(),
            Tag::Emphasis => "#emph[".into(),
            Tag::Strong => "#strong[".into(),
            Tag::Strikethrough => "#strike[".into(),
            Tag::Link { dest_url, .. } => self.link_open(dest_url),
            _ => String::new(),
        };
        self.push(&open);
    }

    fn end(&mut self, tag: TagEnd) {
        let close = match tag {
            TagEnd::Paragraph => "\n\n".to_string(),
            TagEnd::Heading(_) => format!("]{}\n\n", self.heading.take().unwrap_or_default()),
            TagEnd::BlockQuote(_) => "]\n\n".into(),
            TagEnd::CodeBlock => {
                self.in_code = false;
                ")\n\n".into()
            }
            TagEnd::List(_) => ")\n\n".into(),
            TagEnd::Item => "],".into(),
            TagEnd::Table => ")\n\n".into(),
            TagEnd::TableHead => "),".into(),
            TagEnd::TableCell => "],".into(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => "]".into(),
            _ => String::new(),
        };
        self.push(&close);
    }

    /// Opens a link's content: pages of the report link inside the PDF,
    /// web addresses stay links, files of the site link to the site when
    /// its address is known and are plain text otherwise.
    fn link_open(&self, dest: &str) -> String {
        if crate::markdown::is_web_address(dest) {
            return format!("#link({})[", string(dest));
        }
        let (path, anchor) = dest.split_once('#').unwrap_or((dest, ""));
        let target = crate::pages::resolve_url(self.cx.url, path);
        if let Some(&page) = self.cx.pages.get(&target) {
            let label = if anchor.is_empty() { page_label(page) } else { anchor_label(page, anchor) };
            return format!("#link({label})[");
        }
        match self.cx.base_url {
            Some(base) => {
                let address = format!("{}/{}", base.trim_end_matches('/'), target.trim_start_matches('/'));
                format!("#link({})[", string(&address))
            }
            None => "#[".into(),
        }
    }

    fn footnote(&mut self, id: &str) {
        let label = label(&format!("p{}:n:{id}", self.cx.index));
        let seen = self.cited.entry(id.to_string()).or_insert(0);
        *seen += 1;
        let markup = if *seen > 1 {
            format!("#footnote({label})")
        } else if self.notes.contains_key(id) {
            format!("#footnote[{}]{label}", self.note_markup(id))
        } else {
            String::new()
        };
        self.push(&markup);
    }

    /// A footnote's text, its paragraphs run together.
    fn note_markup(&self, id: &str) -> String {
        let Some(events) = self.notes.get(id) else { return String::new() };
        let mut inner = Writer::new(self.cx, events, self.notes);
        for (i, e) in events.iter().enumerate() {
            inner.event(e, i, &|_| 0);
        }
        let markup = inner.out.markup.replace(&line_mark(0), "");
        markup.trim_end().to_string()
    }

    /// Raw HTML: our block placeholders pass through; comments print
    /// nothing and `<br>` breaks the line; anything else is left out of the
    /// PDF with a warning, its text kept.
    fn html(&mut self, h: &str, i: usize, line_at: &dyn Fn(usize) -> usize) {
        let trimmed = h.trim();
        if self.key_list(trimmed) {
            return;
        }
        if crate::markdown::is_placeholder(trimmed) {
            self.push(&format!("\n{trimmed}\n\n"));
            return;
        }
        if trimmed.starts_with("<!--") && trimmed.ends_with("-->") {
            return;
        }
        if matches!(trimmed.to_ascii_lowercase().as_str(), "<br>" | "<br/>" | "<br />") {
            self.push("#linebreak()");
            return;
        }
        self.out.problems.push((
            line_at(i),
            format!(
                "the HTML `{}` cannot be typeset in the PDF: its tags are left out there",
                short(trimmed)
            ),
        ));
        let plain = strip_tags(h);
        if !plain.trim().is_empty() {
            let t = text(&plain);
            self.push(&t);
        }
    }

    /// The theme's list of key figures written in HTML,
    /// `<ul class="key-figures"><li><strong>72 %</strong> label<small>note</small></li></ul>`,
    /// one tag per line: typeset as key figures. Says whether `h` was part of one.
    fn key_list(&mut self, h: &str) -> bool {
        match (&mut self.keys, h) {
            (None, "<ul class=\"key-figures\">") => self.keys = Some(Vec::new()),
            (Some(keys), "</ul>") => {
                let markup = super::blocks::key_figures(keys);
                self.keys = None;
                self.out.key_figures.push(markup.clone());
                self.push(&markup);
            }
            (Some(keys), item) => match key_item(item) {
                Some(k) => keys.push(k),
                None => return false,
            },
            (None, _) => return false,
        }
        true
    }

    /// An image: a file of the site is drawn; anything else prints its
    /// description, with a warning.
    fn image(&mut self, dest: &str, i: usize, line_at: &dyn Fn(usize) -> usize) {
        let alt = image_alt(&self.events[i + 1..]);
        let (dest_path, _) = dest.split_once(['#', '?']).unwrap_or((dest, ""));
        let path = crate::pages::resolve_url(self.cx.url, &crate::assets::percent_decode(dest_path));
        let path = path.trim_start_matches('/').to_string();
        let remote = dest.contains(':') || dest.starts_with("//");
        let bytes = self.cx.files.bytes(std::path::Path::new(&path)).filter(|_| !remote);
        if !bytes.is_some_and(crate::assets::is_image) {
            let why = match bytes {
                _ if remote => "is not a file of the site",
                None => "is not a file of the project",
                Some(_) => "is not a PNG, JPEG, GIF, WebP or SVG image",
            };
            self.out.problems.push((
                line_at(i),
                format!("the image `{}` {why}, so the PDF prints its description instead", short(dest)),
            ));
            let t = text(&alt);
            self.push(&format!("#emph[{t}]"));
            return;
        }
        let markup = format!("#site-image({}, alt: {})", string(&format!("/site/{path}")), string(&alt));
        self.out.images.push(path);
        self.push(&markup);
    }
}

/// An image's description: the text up to its end.
fn image_alt(events: &[Event]) -> String {
    let mut alt = String::new();
    for e in events {
        match e {
            Event::End(TagEnd::Image) => break,
            Event::Text(t) | Event::Code(t) => alt.push_str(t),
            _ => {}
        }
    }
    alt
}

/// Markdown `##` is a chapter's first level below its title.
fn heading_level(level: HeadingLevel) -> usize {
    (level as usize).max(2)
}

fn table_open(aligns: &[Alignment]) -> String {
    let align: Vec<&str> = aligns
        .iter()
        .map(|a| match a {
            Alignment::Right => "right",
            Alignment::Center => "center",
            Alignment::Left | Alignment::None => "left",
        })
        .collect();
    format!("#prose-table(columns: {}, align: ({},), ", aligns.len().max(1), align.join(", "))
}

/// The first forty characters of `s`, on one line.
fn short(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

/// `<li><strong>72 %</strong> label<small>note</small></li>` as a key figure.
fn key_item(li: &str) -> Option<KeyFigure> {
    let inner = li.strip_prefix("<li>")?.strip_suffix("</li>")?;
    let (value, rest) = inner.strip_prefix("<strong>")?.split_once("</strong>")?;
    let (label, note) = match rest.split_once("<small>") {
        Some((label, note)) => (label, note.strip_suffix("</small>")?),
        None => (rest, ""),
    };
    let plain = |s: &str| unescape(&strip_tags(s)).trim().to_string();
    let note = plain(note);
    Some(KeyFigure {
        value: plain(value),
        label: plain(label),
        cited: if note.is_empty() { Vec::new() } else { vec![note] },
    })
}

/// HTML's character references for the characters it escapes, as text.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The text of an HTML fragment, without its tags.
fn strip_tags(h: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in h.chars() {
        match c {
            '<' => inside = true,
            '>' if inside => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_hold_any_text_as_written() {
        assert_eq!(string("a \"b\" \\ c\nd"), r#""a \"b\" \\ c\nd""#);
        assert_eq!(text("#set *x* $y$"), "#\"#set *x* $y$\"");
        assert_eq!(string("\u{7}"), "\"\\u{7}\"");
    }

    #[test]
    fn labels_keep_ids_apart() {
        assert_eq!(label("p1:h:resultats"), "<p1:h:resultats>");
        assert_eq!(label("p1:h:été"), "<p1:h:.c3.a9t.c3.a9>");
        assert_ne!(label("a b"), label("a_b"));
        assert_eq!(anchor_label(2, "fig-trust"), "<p2:f:fig-trust>");
        assert_eq!(anchor_label(2, "trust"), "<p2:h:trust>");
    }

    #[test]
    fn markers_stay_outside_strings() {
        let marker = crate::xref::label_marker(crate::xref::Kind::Figure, 2);
        assert_eq!(text(&format!("see {marker}.")), format!("#\"see \"{marker}#\".\""));
    }
}
