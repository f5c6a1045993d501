//! Figures and tables numbered across the whole report, and references to
//! them from prose.
//!
//! A study numbers its figures once (Figure 12, not a Figure 1 on every
//! page), and its text says "see Figure 12". Pages render in parallel and
//! apart, so a page writes markers where a number goes: the label of its
//! n-th chart or table, and each `@fig-…` or `@tbl-…` its prose writes.
//! Once every page is rendered the report is numbered in reading order and
//! the markers are replaced, or an unknown reference is an error at its line.

use std::collections::HashMap;
use std::path::Path;

use crate::config::Language;
use crate::diagnostics::{Diagnostic, Pos};
use crate::i18n::t;

/// What is numbered: charts are figures, table blocks are tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    Figure,
    Table,
}

impl Kind {
    /// The prefix of its references: `@fig-trust`, `@tbl-tiers`.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Figure => "fig",
            Kind::Table => "tbl",
        }
    }

    fn code(self) -> char {
        match self {
            Kind::Figure => 'f',
            Kind::Table => 't',
        }
    }

    /// Its name in the report's language: `Figure`, `Tableau`.
    pub fn label(self, lang: Language) -> &'static str {
        t(lang, if self == Kind::Figure { "figure" } else { "table" })
    }
}

/// A chart or table of a page, in the order the page shows them.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Numbered {
    pub kind: Kind,
    /// Its place among the page's blocks of its kind, from 1.
    pub local: usize,
    /// The author's `id`, which `@fig-<id>` refers to.
    pub id: Option<String>,
    /// Its element's id on the page.
    pub anchor: String,
    /// The block's fence, for errors.
    pub pos: Pos,
}

/// A reference written in prose, `@fig-trust`, as its key `fig-trust`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Ref {
    pub key: String,
    pub pos: Pos,
}

const OPEN: char = '\u{E030}';
const CLOSE: char = '\u{E031}';

/// Where the number of a page's `local`-th block of `kind` goes.
pub fn label_marker(kind: Kind, local: usize) -> String {
    format!("{OPEN}{}{local}{CLOSE}", kind.code())
}

/// `text` in pieces, each a marker (`true`) or the text between them.
pub fn split_markers(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let start = rest.find(OPEN).unwrap_or(rest.len());
        if start > 0 {
            let (piece, after) = rest.split_at(start);
            rest = after;
            return Some((piece, false));
        }
        let end = rest.find(CLOSE).map_or(rest.len(), |e| e + CLOSE.len_utf8());
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some((piece, true))
    })
}

/// Where the `n`-th citation of a page goes (see [`crate::cite`]).
pub fn cite_marker(n: usize) -> String {
    format!("{OPEN}c{n}{CLOSE}")
}

/// Replaces each `@fig-<id>` and `@tbl-<id>` of an author's text with a
/// marker, returning the keys found. An `@` inside a word (an address)
/// is left alone.
pub fn mark_refs(text: &str) -> Option<(String, Vec<String>)> {
    if !text.contains("@fig-") && !text.contains("@tbl-") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut keys = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let (before, from) = rest.split_at(at);
        out.push_str(before);
        let glued = out.chars().last().is_some_and(|c| c.is_alphanumeric());
        let key: String =
            from[1..].chars().take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect();
        let key = key.trim_end_matches(['-', '_']).to_string();
        let known_prefix = key.strip_prefix("fig-").or_else(|| key.strip_prefix("tbl-"));
        match known_prefix.filter(|id| !id.is_empty() && !glued) {
            Some(_) => {
                out.push(OPEN);
                out.push('@');
                out.push_str(&key);
                out.push(CLOSE);
                rest = &from[1 + key.len()..];
                keys.push(key);
            }
            None => {
                out.push('@');
                rest = &from[1..];
            }
        }
    }
    out.push_str(rest);
    Some((out, keys))
}

/// The element id of a page's `local`-th block of `kind`: from the
/// author's `id` (`fig-trust`), else by its place (`figure-2`, `table-1`).
pub fn anchor(kind: Kind, id: Option<&str>, local: usize) -> String {
    match (id, kind) {
        (Some(id), _) => format!("{}-{id}", kind.prefix()),
        (None, Kind::Figure) => format!("figure-{local}"),
        (None, Kind::Table) => format!("table-{local}"),
    }
}

/// Is `anchor` a chart's or table's (`fig-trust`, `figure-2`), rather than
/// a heading's?
pub fn is_block_anchor(anchor: &str) -> bool {
    ["figure-", "table-", "fig-", "tbl-"].iter().any(|p| anchor.starts_with(p))
}

/// Is `id` usable as a block's `id`: letters, digits, `-` and `_`?
pub fn id_problem(id: &str) -> Option<&'static str> {
    if id.is_empty() || id.len() > 64 {
        return Some("an id has 1 to 64 characters");
    }
    let ok = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (!ok).then_some("an id is made of ASCII letters, digits, `-` and `_`")
}

/// Where a numbered block is: its page, its anchor and its number.
pub struct Target {
    pub page: usize,
    pub anchor: String,
    pub kind: Kind,
    pub number: usize,
}

impl Target {
    /// A link to it from page `page`, `urls` giving each page's URL.
    pub fn html_link(&self, page: usize, urls: &[&str], lang: Language) -> String {
        let here = urls.get(page).copied().unwrap_or("/");
        let there = urls.get(self.page).copied().unwrap_or("/");
        let href = if self.page == page {
            format!("#{}", self.anchor)
        } else {
            format!("{}#{}", crate::pages::relative_url(here, there), self.anchor)
        };
        format!("<a class=\"xref\" href=\"{href}\">{}</a>", self.text(lang))
    }

    /// How a reference to it reads: `Figure 12`.
    pub fn text(&self, lang: Language) -> String {
        format!("{}\u{a0}{}", self.kind.label(lang), self.number)
    }
}

/// The number of `block` on a page after `figures` and `tables` of the
/// report's earlier pages.
fn numbered_from((figures, tables): (usize, usize), block: &Numbered) -> usize {
    block.local + if block.kind == Kind::Figure { figures } else { tables }
}

/// Every page's figures and tables, numbered in reading order.
pub struct Registry {
    /// Per page: the global number of its first figure and first table, less one.
    offsets: Vec<(usize, usize)>,
    keys: HashMap<String, Target>,
}

impl Registry {
    /// Numbers `pages` (each a file and its blocks), in the order given;
    /// an id used twice is an error at its second block.
    pub fn new<'a>(pages: impl Iterator<Item = (&'a Path, &'a [Numbered])>) -> (Registry, Vec<Diagnostic>) {
        let (mut figures, mut tables) = (0, 0);
        let mut offsets = Vec::new();
        let mut keys: HashMap<String, Target> = HashMap::new();
        let mut errors = Vec::new();
        for (page, (file, blocks)) in pages.enumerate() {
            offsets.push((figures, tables));
            for b in blocks {
                let number = numbered_from((figures, tables), b);
                let Some(id) = &b.id else { continue };
                let key = format!("{}-{id}", b.kind.prefix());
                if keys.contains_key(&key) {
                    errors.push(
                        Diagnostic::error(
                            file,
                            Some(b.pos),
                            format!("the id `{id}` is already used by another {}", b.kind.prefix()),
                        )
                        .with_hint("give each chart and each table an id of its own"),
                    );
                    continue;
                }
                keys.insert(key, Target { page, anchor: b.anchor.clone(), kind: b.kind, number });
            }
            figures += blocks.iter().filter(|b| b.kind == Kind::Figure).count();
            tables += blocks.iter().filter(|b| b.kind == Kind::Table).count();
        }
        (Registry { offsets, keys }, errors)
    }

    /// Where `block`, one of page `page`'s, is, and its number.
    pub fn target(&self, page: usize, block: &Numbered) -> Target {
        let before = self.offsets.get(page).copied().unwrap_or_default();
        Target { page, anchor: block.anchor.clone(), kind: block.kind, number: numbered_from(before, block) }
    }

    /// References to ids no block has, as errors with the closest id.
    pub fn unknown(&self, file: &Path, refs: &[Ref]) -> Vec<Diagnostic> {
        refs.iter()
            .filter(|r| !self.keys.contains_key(&r.key))
            .map(|r| {
                let d = Diagnostic::error(file, Some(r.pos), format!("no chart or table has the id for `@{}`", r.key));
                d.suggest(&r.key, self.keys.keys().map(String::as_str)).or_hint(
                    "give the block an `id:` (`id: trust` for `@fig-trust` on a chart, `@tbl-trust` on a table)",
                )
            })
            .collect()
    }

    /// `html` of page `page` with its labels numbered and its references
    /// linked, `urls` giving each page's URL to link across pages.
    pub fn resolve(&self, html: &str, page: usize, urls: &[&str], lang: Language) -> String {
        self.resolve_with(html, page, &|_| String::new(), |target| target.html_link(page, urls, lang))
    }

    /// `text` of page `page` with its labels numbered, each reference
    /// written by `write` and the page's `n`-th citation by `cite(n)`.
    pub fn resolve_with(
        &self,
        text: &str,
        page: usize,
        cite: &dyn Fn(usize) -> String,
        write: impl Fn(&Target) -> String,
    ) -> String {
        if !text.contains(OPEN) {
            return text.to_string();
        }
        let (figures, tables) = self.offsets.get(page).copied().unwrap_or((0, 0));
        let mut out = String::with_capacity(text.len());
        for (piece, is_marker) in split_markers(text) {
            let inner = piece.strip_prefix(OPEN).and_then(|p| p.strip_suffix(CLOSE));
            let Some(inner) = inner.filter(|_| is_marker) else {
                out.push_str(piece);
                continue;
            };
            match inner.split_at(inner.chars().next().map_or(0, char::len_utf8)) {
                ("f", n) => out.push_str(&n.parse::<usize>().map_or(0, |n| n + figures).to_string()),
                ("t", n) => out.push_str(&n.parse::<usize>().map_or(0, |n| n + tables).to_string()),
                ("c", n) => out.push_str(&n.parse::<usize>().map(cite).unwrap_or_default()),
                ("@", key) => match self.keys.get(key) {
                    Some(target) => out.push_str(&write(target)),
                    None => out.push_str(&format!("@{key}")),
                },
                _ => out.push_str(inner),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(kind: Kind, local: usize, id: Option<&str>) -> Numbered {
        let anchor = id.map_or(format!("{}-{local}", kind.prefix()), |i| format!("{}-{i}", kind.prefix()));
        Numbered { kind, local, id: id.map(str::to_string), anchor, pos: Pos::new(1, 1) }
    }

    #[test]
    fn references_are_found_outside_words_only() {
        let (text, keys) =
            mark_refs("See @fig-trust, and @tbl-tiers. Mail a@fig-b.fr; @other; @fig-.").unwrap();
        assert_eq!(keys, ["fig-trust", "tbl-tiers"]);
        assert!(text.contains("a@fig-b.fr") && text.contains("@other") && text.ends_with("@fig-."), "{text}");
        assert!(mark_refs("no reference").is_none());
    }

    #[test]
    fn numbers_run_across_pages_and_references_link_to_them() {
        let a = vec![
            block(Kind::Figure, 1, None),
            block(Kind::Table, 1, Some("tiers")),
            block(Kind::Figure, 2, Some("trust")),
        ];
        let b = vec![block(Kind::Figure, 1, Some("reach"))];
        let files = [Path::new("content/a.md"), Path::new("content/b.md")];
        let (reg, errors) = Registry::new(files.iter().copied().zip([a.as_slice(), b.as_slice()]));
        assert!(errors.is_empty());
        let urls = ["/a/", "/b/"];
        let (text, _) = mark_refs("See @fig-trust and @fig-reach, @tbl-tiers.").unwrap();
        let html = format!("{}|{}", label_marker(Kind::Figure, 1), text);
        let on_b = reg.resolve(&html, 1, &urls, Language::En);
        assert!(on_b.starts_with("3|"), "the first figure of the second page is figure 3: {on_b}");
        assert!(
            on_b.contains("<a class=\"xref\" href=\"../a/index.html#fig-trust\">Figure\u{a0}2</a>"),
            "{on_b}"
        );
        assert!(on_b.contains("<a class=\"xref\" href=\"#fig-reach\">Figure\u{a0}3</a>"), "{on_b}");
        assert!(on_b.contains("Table\u{a0}1</a>"), "{on_b}");
        let refs = [Ref { key: "fig-trsut".into(), pos: Pos::new(4, 2) }];
        let unknown = reg.unknown(Path::new("content/b.md"), &refs);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].hint.as_deref(), Some("did you mean `fig-trust`?"));
        let twice = vec![block(Kind::Figure, 1, Some("trust"))];
        let (_, errors) = Registry::new(files.iter().copied().zip([a.as_slice(), twice.as_slice()]));
        assert_eq!(errors.len(), 1, "an id used twice");
    }
}
