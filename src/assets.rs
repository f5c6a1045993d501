//! Files a page links to or shows that are not pages: images and
//! downloads beside the page in `content/`, or in `static/`.
//!
//! A link is written relative to the page's source file, as an editor's
//! Markdown preview reads it (`figure.png`, `../static/img/logo.svg`), and
//! becomes a link relative to the page's URL, so the site works from disk,
//! under `serve` and under any base path. A file in `content/` is published
//! at the same place in the site (`content/s/figure.png` at `s/figure.png`)
//! when a page links to it, and only then: a draft note beside a chapter
//! stays private.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::closest;
use crate::pages::normalize;

/// The files a link may lead to, by their path in the site.
#[derive(Clone, Copy)]
pub struct Files<'a> {
    /// Files in `content/` that are not pages, by their path in the site
    /// (`s/figure.png` for `content/s/figure.png`).
    pub content: &'a BTreeMap<PathBuf, Vec<u8>>,
    /// The theme's and the project's `static/` files, by path in the site.
    pub statics: &'a BTreeMap<PathBuf, Vec<u8>>,
}

/// What a link to a file leads to.
#[derive(Debug, PartialEq)]
pub enum Found {
    /// A file of the project, published at this path in the site; `content`
    /// when it comes from `content/` (and is published because of the link).
    File { path: PathBuf, content: bool },
    /// Two files would be published at `path`: this one from `content/` and
    /// one in `static/`.
    Clash { path: PathBuf },
    /// No file of the project: the link is checked against the built site.
    NotFound,
}

impl Files<'_> {
    /// The file `written` (a relative link, percent escapes decoded) leads
    /// to from the page `source` (`content/s/b.md`); a link starting with
    /// `/` names a path in the site.
    pub fn find(&self, source: &Path, written: &str) -> Found {
        let target = match written.strip_prefix('/') {
            Some(in_site) => normalize(Path::new(in_site)),
            None => normalize(&source.parent().unwrap_or(Path::new("")).join(written)),
        };
        let rooted = written.starts_with('/');
        let in_content = if rooted { Some(target.as_path()) } else { target.strip_prefix("content").ok() };
        let in_static = if rooted { Some(target.as_path()) } else { target.strip_prefix("static").ok() };
        let content = in_content.filter(|p| self.content.contains_key(*p)).map(|p| (p, true));
        let found =
            content.or_else(|| in_static.filter(|p| self.statics.contains_key(*p)).map(|p| (p, false)));
        match found {
            Some((p, true)) if self.statics.contains_key(p) => Found::Clash { path: p.to_path_buf() },
            Some((p, content)) => Found::File { path: p.to_path_buf(), content },
            None => Found::NotFound,
        }
    }

    /// The bytes of the file at `path` in the site, if it is one of these.
    pub fn bytes(&self, path: &Path) -> Option<&[u8]> {
        self.content.get(path).or_else(|| self.statics.get(path)).map(Vec::as_slice)
    }

    /// The file the author most likely meant by `written` on the page
    /// `source`, as they would write it there: one of the same name first,
    /// else the closest in spelling.
    pub fn closest(&self, source: &Path, written: &str) -> Option<String> {
        let base = source.parent().unwrap_or(Path::new(""));
        let in_project = self
            .content
            .keys()
            .map(|p| Path::new("content").join(p))
            .chain(self.statics.keys().map(|p| Path::new("static").join(p)));
        let candidates: Vec<String> = in_project.map(|p| relative_to(&p, base)).collect();
        let name = file_name(written);
        let same_name = candidates.iter().filter(|c| file_name(c) == name).map(String::as_str);
        closest_or_first(written, same_name)
            .or_else(|| closest(written, candidates.iter().map(String::as_str)).map(str::to_string))
    }
}

/// The closest of `candidates` to `written`, else the first of them.
fn closest_or_first<'a>(written: &str, candidates: impl Iterator<Item = &'a str> + Clone) -> Option<String> {
    let best = closest(written, candidates.clone()).or_else(|| candidates.clone().next());
    best.map(str::to_string)
}

fn file_name(written: &str) -> &str {
    written.rsplit('/').next().unwrap_or(written)
}

/// `p` written relative to the folder `base`, with `/`.
pub fn relative_to(p: &Path, base: &Path) -> String {
    let p: Vec<_> = p.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); b.len() - common];
    parts.extend(p[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}

/// The link from the page at `page_url` to the file at `path` in the site,
/// by the shortest way, with every character a URL cannot hold as such
/// percent-escaped.
pub fn link_from(page_url: &str, path: &Path) -> String {
    let from: Vec<&str> = page_url.split('/').filter(|s| !s.is_empty()).collect();
    let to: Vec<String> =
        path.components().map(|c| escape_segment(&c.as_os_str().to_string_lossy())).collect();
    let shared =
        from.iter().zip(&to).take(to.len().saturating_sub(1)).take_while(|(a, b)| **a == b.as_str()).count();
    format!("{}{}", "../".repeat(from.len() - shared), to[shared..].join("/"))
}

fn escape_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Do `bytes` look like an image a PDF can show: PNG, JPEG, GIF, WebP or
/// SVG? (A text file named `.png` must not stop the PDF.)
pub fn is_image(bytes: &[u8]) -> bool {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let webp = bytes.len() > 12 && starts(b"RIFF") && &bytes[8..12] == b"WEBP";
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    starts(b"\x89PNG\r\n\x1a\n")
        || starts(b"\xff\xd8\xff")
        || starts(b"GIF8")
        || webp
        || head.contains("<svg")
}

/// Decodes `%XX` escapes; a `%` that starts none stays as written, and
/// text that does not decode to UTF-8 stays whole as written.
pub fn percent_decode(s: &str) -> String {
    decode(s, false).unwrap_or_else(|| s.to_string())
}

/// Decodes `%XX` escapes; `None` for a malformed escape or bytes that are
/// not UTF-8, which a server refuses rather than guesses at.
pub fn percent_decode_strict(s: &str) -> Option<String> {
    decode(s, true)
}

fn decode(s: &str, strict: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None if strict && bytes[i] == b'%' => return None,
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(content: &[&str], statics: &[&str]) -> (BTreeMap<PathBuf, Vec<u8>>, BTreeMap<PathBuf, Vec<u8>>) {
        let map = |names: &[&str]| names.iter().map(|n| (PathBuf::from(n), Vec::new())).collect();
        (map(content), map(statics))
    }

    #[test]
    fn links_are_read_from_the_page_source_and_site_paths_from_the_root() {
        let (content, statics) = files(&["s/figure.png", "brief.pdf"], &["img/logo.svg"]);
        let f = Files { content: &content, statics: &statics };
        let page = Path::new("content/s/b.md");
        let file = |p: &str, content| Found::File { path: PathBuf::from(p), content };
        assert_eq!(f.find(page, "figure.png"), file("s/figure.png", true));
        assert_eq!(f.find(page, "./figure.png"), file("s/figure.png", true));
        assert_eq!(f.find(page, "../brief.pdf"), file("brief.pdf", true));
        assert_eq!(f.find(page, "../../static/img/logo.svg"), file("img/logo.svg", false));
        assert_eq!(f.find(page, "/img/logo.svg"), file("img/logo.svg", false));
        assert_eq!(f.find(page, "/s/figure.png"), file("s/figure.png", true));
        assert_eq!(f.find(page, "img/logo.svg"), Found::NotFound);
        // Leaving the project finds nothing rather than a file outside it.
        assert_eq!(f.find(page, "../../../../etc/passwd"), Found::NotFound);
    }

    #[test]
    fn a_file_in_content_and_one_in_static_at_the_same_place_clash() {
        let (content, statics) = files(&["img/a.png"], &["img/a.png"]);
        let f = Files { content: &content, statics: &statics };
        let clash = Found::Clash { path: PathBuf::from("img/a.png") };
        assert_eq!(f.find(Path::new("content/x.md"), "img/a.png"), clash);
        assert_eq!(f.find(Path::new("content/x.md"), "/img/a.png"), clash);
    }

    #[test]
    fn the_closest_file_is_one_of_the_same_name_first() {
        let (content, statics) = files(&["s/figure.png", "s/figures.png"], &["img/logo.png"]);
        let f = Files { content: &content, statics: &statics };
        let page = Path::new("content/s/b.md");
        assert_eq!(f.closest(page, "img/logo.png").as_deref(), Some("../../static/img/logo.png"));
        assert_eq!(f.closest(page, "figuer.png").as_deref(), Some("figure.png"));
        assert_eq!(f.closest(page, "zzzzzzzz.doc"), None);
    }

    #[test]
    fn links_lead_up_from_the_page_and_escape_what_urls_cannot_hold() {
        assert_eq!(link_from("/", Path::new("img/a b.png")), "img/a%20b.png");
        assert_eq!(link_from("/s/b/", Path::new("s/été.png")), "../%C3%A9t%C3%A9.png");
        assert_eq!(link_from("/s/", Path::new("s/x/a.png")), "x/a.png");
        assert_eq!(link_from("/a/", Path::new("b/a.png")), "../b/a.png");
        assert_eq!(link_from("/s/b/", Path::new("")), "../../");
        assert_eq!(percent_decode("%C3%A9t%C3%A9%20x.png"), "été x.png");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
