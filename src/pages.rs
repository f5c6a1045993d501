//! Pages: Markdown files under `content/`, their front matter, URLs and
//! reading order.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use crate::config::Language;
use crate::datasets::Scalar;
use crate::diagnostics::{Diagnostic, Pos};
use crate::paths;
use crate::yaml::{self, Spanned};

/// Front matter as the author writes it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub slug: Option<Spanned<String>>,
    #[serde(default)]
    pub draft: bool,
    pub date: Option<Spanned<Scalar>>,
    pub template: Option<Spanned<String>>,
    #[serde(default)]
    pub toc: bool,
    /// Whether the page is in the navigation and the previous/next chain
    /// (`nav: false` for a legal notice or an annex linked from a page).
    #[serde(default = "yes")]
    pub nav: bool,
}

fn yes() -> bool {
    true
}

/// A page read from disk, before its body is rendered.
#[derive(Clone, Debug)]
pub struct Page {
    /// `content/s/b.md`, relative to the project root.
    pub file: PathBuf,
    pub front: FrontMatter,
    /// The `date` as text (`2018`, `2018-05-31`).
    pub date: Option<String>,
    pub body: String,
    /// Lines above the body in the file (the front matter and its fences).
    pub body_line_offset: usize,
    /// Site URL with slashes: `/`, `/a/`, `/s/b/`; `/en/a/` for the
    /// English translation of a French report's `/a/`.
    pub url: String,
    /// The language of a translation (`a.en.md`); `None` for a page in
    /// the report's first language.
    pub lang: Option<Language>,
    /// The file of the page in the first language that this one
    /// translates (`content/a.md` for `content/a.en.md`); its own file
    /// for a page in the first language.
    pub key: PathBuf,
}

impl Page {
    /// How many folders deep the page is in its edition: 0 for a home page.
    pub fn depth(&self) -> usize {
        self.local_url().trim_matches('/').split('/').filter(|s| !s.is_empty()).count()
    }

    /// Its URL within its edition: `/a/` for `/en/a/`.
    pub fn local_url(&self) -> &str {
        match self.lang {
            Some(l) => self.url.strip_prefix('/').and_then(|u| u.strip_prefix(l.code())).unwrap_or(&self.url),
            None => &self.url,
        }
    }

    /// Whether it is the home page of its edition.
    pub fn is_home(&self) -> bool {
        self.local_url() == "/"
    }

    /// `a/index.html`, relative to the output folder.
    pub fn output_path(&self) -> PathBuf {
        let trimmed = self.url.trim_matches('/');
        if trimmed.is_empty() { PathBuf::from("index.html") } else { Path::new(trimmed).join("index.html") }
    }

    /// The section the page belongs to: `content/s/` for `content/s/b.md`
    /// and for `content/s/_index.md`'s parent listing.
    pub fn is_section_index(&self) -> bool {
        self.key.file_stem().is_some_and(|s| s == "_index")
    }
}

/// Splits `---` front matter off the top of a page and reads it.
pub fn parse_page(file: &Path, text: &str) -> Result<Page, Diagnostic> {
    parse_page_in(file, text, &[])
}

/// The language a file name gives a page of a report in `languages` (the
/// first being the default): `a.en.md` is the English translation of
/// `a.md`. Its key file and its language, `None` for the default one.
fn language_of(file: &Path, languages: &[Language]) -> Result<(PathBuf, Option<Language>), Diagnostic> {
    let own = || Ok((file.to_path_buf(), None));
    if languages.len() < 2 {
        return own();
    }
    let Some(stem) = file.file_stem().and_then(|s| s.to_str()) else { return own() };
    let Some((base, code)) = stem.rsplit_once('.') else { return own() };
    let Some(lang) = Language::from_code(code) else { return own() };
    let key = file.with_file_name(format!("{base}.md"));
    match languages.iter().position(|l| *l == lang) {
        Some(0) => Ok((key, None)),
        Some(_) => Ok((key, Some(lang))),
        None => {
            let list = Language::list(languages);
            Err(Diagnostic::error(
                file,
                None,
                format!("this page is in `{code}`, which is not a language of the report ({list})"),
            )
            .with_hint(format!("add `{code}` to `languages:` in report.yaml, or rename the file")))
        }
    }
}

/// Pages parsed by the build before, each with the text it was parsed
/// from, and the languages they were parsed in: `serve` parses again only
/// the pages that changed. The default keeps nothing, for one-off builds.
#[derive(Default)]
pub struct Parsed {
    on: bool,
    kept: Mutex<KeptPages>,
}

#[derive(Default)]
struct KeptPages {
    languages: Vec<Language>,
    pages: HashMap<PathBuf, Arc<KeptPage>>,
}

struct KeptPage {
    text: String,
    page: Result<Page, Diagnostic>,
}

impl Parsed {
    /// A memory that keeps each build's pages for the next.
    pub fn reusing() -> Parsed {
        Parsed { on: true, ..Parsed::default() }
    }

    /// Each of `files` (path, text) parsed by [`parse_page_in`], or taken
    /// from the build before when its text and the languages are the
    /// same; only this build's pages are kept for the next.
    pub fn parse_all(
        &self,
        files: &[(PathBuf, String)],
        languages: &[Language],
    ) -> Vec<Result<Page, Diagnostic>> {
        use rayon::prelude::*;
        if !self.on {
            return files.par_iter().map(|(path, text)| parse_page_in(path, text, languages)).collect();
        }
        let mut kept = crate::render::relock(&self.kept);
        let (same_languages, pages) = (kept.languages == languages, &kept.pages);
        let parsed: Vec<Arc<KeptPage>> = files
            .par_iter()
            .map(|(path, text)| match pages.get(path) {
                Some(k) if same_languages && k.text == *text => k.clone(),
                _ => Arc::new(KeptPage { text: text.clone(), page: parse_page_in(path, text, languages) }),
            })
            .collect();
        let pages = files.iter().zip(&parsed).map(|((path, _), k)| (path.clone(), k.clone()));
        *kept = KeptPages { languages: languages.to_vec(), pages: pages.collect() };
        parsed.iter().map(|k| k.page.clone()).collect()
    }
}

/// [`parse_page`] in a report in `languages`, where `a.en.md` translates
/// `a.md` and is published under `/en/`.
pub fn parse_page_in(file: &Path, text: &str, languages: &[Language]) -> Result<Page, Diagnostic> {
    let (key, lang) = language_of(file, languages)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (front_text, body, body_line_offset) = split_front_matter(text).ok_or_else(|| {
        Diagnostic::error(file, Some(Pos::new(1, 1)), "the page has no front matter")
            .with_hint("start the file with `---`, a line `title: ...`, and `---`")
    })?;
    let front: FrontMatter = yaml::parse(file, front_text, 1)?;
    if front.title.trim().is_empty() {
        return Err(Diagnostic::error(file, Some(Pos::new(2, 1)), "the page `title` is empty"));
    }
    let date = match &front.date {
        Some(d) => {
            let text = d.value.text();
            if !crate::datasets::is_date(&text) {
                return Err(Diagnostic::error(
                    file,
                    Some(yaml::pos_of(d, 1)),
                    format!("`{text}` is not a date"),
                )
                .with_hint("write it as 2018, 2018-05 or 2018-05-31"));
            }
            Some(text)
        }
        None => None,
    };
    let url = url_for(&key, front.slug.as_ref().map(|s| s.value.as_str()));
    check_path_parts(file, &key, &front, &url)?;
    let url = match lang {
        Some(l) => format!("/{}{url}", l.code()),
        None => url,
    };
    Ok(Page {
        file: file.to_path_buf(),
        front,
        date,
        body: body.to_string(),
        body_line_offset,
        url,
        lang,
        key,
    })
}

/// The slug, and the folder and file names a page's URL is made of, must
/// each be one safe path part.
fn check_path_parts(file: &Path, key: &Path, front: &FrontMatter, url: &str) -> Result<(), Diagnostic> {
    if let Some(slug) = &front.slug
        && let Some(why) = paths::segment_problem(&slug.value)
    {
        let suggestion = paths::suggest_segment(&slug.value);
        return Err(Diagnostic::error(
            file,
            Some(yaml::pos_of(slug, 1)),
            format!("`slug: {}` cannot be a page URL: {why}", slug.value),
        )
        .with_hint(format!("a slug is one part of the URL, such as `slug: {suggestion}`")));
    }
    let parts: Vec<&str> = url.split('/').filter(|p| !p.is_empty()).collect();
    // The last part is the file's own name, unless the page opens a section.
    let own = usize::from(key.file_stem().is_none_or(|s| s != "_index"));
    for (i, part) in parts.iter().enumerate() {
        let Some(why) = paths::segment_problem(part) else { continue };
        let fix = paths::suggest_segment(part);
        let hint = if i + own < parts.len() {
            format!("rename the folder `{part}`, for example to `{fix}`")
        } else {
            format!("rename the file, or give the page `slug: {fix}` in its front matter")
        };
        return Err(Diagnostic::error(file, None, format!("`{part}` cannot be part of a page URL: {why}"))
            .with_hint(hint));
    }
    Ok(())
}

/// (front matter, body, lines before the body), or None without front matter.
fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let body = &rest[offset + line.len()..];
            return Some((&rest[..offset], body, i + 2));
        }
        offset += line.len();
    }
    None
}

/// The URL of a page from its path under `content/`.
fn url_for(file: &Path, slug: Option<&str>) -> String {
    let rel = file.strip_prefix("content").unwrap_or(file);
    let mut parts: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if stem != "_index" {
        parts.push(slug.map(str::to_string).unwrap_or(stem));
    }
    if parts.is_empty() { "/".to_string() } else { format!("/{}/", parts.join("/")) }
}

/// Names at the top of the output that the site writes besides pages, with
/// what writes them; a page URL may not take one of them.
pub fn generated_names<'a>(static_files: impl Iterator<Item = &'a Path>) -> BTreeMap<String, String> {
    let mut taken = BTreeMap::new();
    for (name, what) in [
        ("index.html", "the home page"),
        ("404.html", "the page for unknown addresses"),
        ("data", "the dataset downloads (`data/`)"),
        ("figures", "the chart downloads (`figures/`)"),
    ] {
        taken.insert(name.to_string(), what.to_string());
    }
    for path in static_files {
        if let Some(first) = path.components().next() {
            let name = first.as_os_str().to_string_lossy().into_owned();
            let what = format!("the static file `{}`", path.display());
            taken.entry(name).or_insert(what);
        }
    }
    taken
}

/// Two pages on one URL (or on URLs that differ only in case, which are one
/// folder on macOS and Windows), and pages whose URL starts with a name the
/// site writes besides pages, are errors at the page.
pub fn check_urls(pages: &[Page], taken: &BTreeMap<String, String>) -> Vec<Diagnostic> {
    let taken: BTreeMap<String, &String> = taken.iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
    let mut seen: BTreeMap<String, &Page> = BTreeMap::new();
    let mut errors = Vec::new();
    for p in pages {
        let at = p.front.slug.as_ref().map(|s| yaml::pos_of(s, 1));
        let first = p.local_url().trim_matches('/').split('/').next().unwrap_or("").to_lowercase();
        if let Some(what) = taken.get(&first) {
            let at = at.filter(|_| p.depth() == 1);
            errors.push(
                Diagnostic::error(&p.file, at, format!("the page URL `{}` is taken by {what}", p.url))
                    .with_hint("give the page another `slug`, or rename its file"),
            );
        }
        if let Some(first) = seen.insert(p.url.to_lowercase(), p) {
            let same = if first.url == p.url { "the same URL" } else { "a URL differing only in case from" };
            errors.push(
                Diagnostic::error(
                    &p.file,
                    at,
                    format!("this page has {same} `{}` as `{}`", first.url, first.file.display()),
                )
                .with_hint("change the `slug` of one of them"),
            );
        }
    }
    errors
}

/// Normalises `a/../b/./c.md` to `b/c.md` without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A relative link from the page at `from` to the page at `to`, both site
/// URLs. It names `index.html` so the site also works opened from disk.
pub fn relative_url(from: &str, to: &str) -> String {
    let depth = from.trim_matches('/').split('/').filter(|s| !s.is_empty()).count();
    let target = to.trim_matches('/');
    let up = "../".repeat(depth);
    if target.is_empty() { format!("{up}index.html") } else { format!("{up}{target}/index.html") }
}

/// The site path a link written on the page at `from` leads to: `/b/`
/// for `../b/index.html`, `/img/a.png` for `../img/a.png`.
pub fn resolve_url(from: &str, link: &str) -> String {
    let mut parts: Vec<&str> =
        if link.starts_with('/') { Vec::new() } else { from.split('/').filter(|s| !s.is_empty()).collect() };
    for segment in link.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.last() == Some(&"index.html") {
        parts.pop();
        return if parts.is_empty() { "/".into() } else { format!("/{}/", parts.join("/")) };
    }
    let folder = link.ends_with('/') && !parts.is_empty();
    format!("/{}{}", parts.join("/"), if folder { "/" } else { "" })
}

/// The prefix that leads from the page at `url` back to the site root.
pub fn root_prefix(url: &str) -> String {
    let depth = url.trim_matches('/').split('/').filter(|s| !s.is_empty()).count();
    if depth == 0 { "./".to_string() } else { "../".repeat(depth) }
}

/// Orders pages like the chapters of a study: the home page, then each
/// folder's index followed by its pages; pages and folders side by side
/// sort by `weight` (a folder's is its `_index.md`'s), then by name.
pub fn reading_order(pages: &mut [Page]) {
    let folder_weights: std::collections::HashMap<PathBuf, i64> = pages
        .iter()
        .filter(|p| p.is_section_index())
        .filter_map(|p| Some((p.file.parent()?.to_path_buf(), p.front.weight?)))
        .collect();
    let key = |p: &Page| -> Vec<(i64, String)> {
        let mut key = Vec::new();
        let mut dir = PathBuf::from("content");
        let rel = p.key.strip_prefix("content").unwrap_or(&p.key);
        let comps: Vec<String> =
            rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        for name in &comps[..comps.len().saturating_sub(1)] {
            dir.push(name);
            key.push((folder_weights.get(&dir).copied().unwrap_or(UNWEIGHTED), name.clone()));
        }
        if p.is_section_index() {
            key.push((i64::MIN, String::new()));
        } else {
            key.push((p.front.weight.unwrap_or(UNWEIGHTED), comps.last().cloned().unwrap_or_default()));
        }
        // A page's translations follow it, in a fixed order of languages.
        key.push((p.lang.map_or(0, |l| l.index() as i64 + 1), String::new()));
        key
    };
    pages.sort_by_cached_key(key);
}

/// Pages without a weight come after weighted ones.
const UNWEIGHTED: i64 = i64::MAX / 2;

#[cfg(test)]
mod tests {

    #[test]
    fn relative_links_resolve_to_site_paths() {
        assert_eq!(resolve_url("/a/", "../b/index.html"), "/b/");
        assert_eq!(resolve_url("/a/", "../index.html"), "/");
        assert_eq!(resolve_url("/", "index.html"), "/");
        assert_eq!(resolve_url("/s/b/", "../../img/x.png"), "/img/x.png");
        assert_eq!(resolve_url("/a/", "/data/d.csv"), "/data/d.csv");
        assert_eq!(resolve_url("/a/", "../../../x.png"), "/x.png");
    }

    use super::*;

    fn page(path: &str, text: &str) -> Page {
        parse_page(Path::new(path), text).unwrap()
    }

    #[test]
    fn urls_follow_the_content_tree() {
        assert_eq!(page("content/_index.md", "---\ntitle: H\n---\n").url, "/");
        assert_eq!(page("content/a.md", "---\ntitle: A\n---\n").url, "/a/");
        assert_eq!(page("content/s/_index.md", "---\ntitle: S\n---\n").url, "/s/");
        assert_eq!(page("content/s/b.md", "---\ntitle: B\n---\n").url, "/s/b/");
        assert_eq!(page("content/s/b.md", "---\ntitle: B\nslug: autre\n---\n").url, "/s/autre/");
        assert_eq!(page("content/s/b.md", "---\ntitle: B\n---\n").output_path(), Path::new("s/b/index.html"));
    }

    #[test]
    fn slugs_and_file_names_are_one_safe_url_part() {
        for slug in ["../../victim", "\"\"", "/", ".", "a/b", "x#y", "\"a b\""] {
            let text = format!("---\ntitle: A\nweight: 1\nslug: {slug}\n---\n");
            let err = parse_page(Path::new("content/a.md"), &text).unwrap_err();
            assert_eq!(err.pos.map(|p| p.line), Some(4), "{slug}: {err:?}");
            assert!(err.message.contains("cannot be a page URL"), "{err:?}");
        }
        let err = parse_page(Path::new("content/Qui sommes-nous ?.md"), "---\ntitle: A\n---\n").unwrap_err();
        assert_eq!(
            err.hint.as_deref(),
            Some("rename the file, or give the page `slug: qui-sommes-nous` in its front matter")
        );
        assert_eq!(page("content/Qui sommes-nous ?.md", "---\ntitle: A\nslug: qui\n---\n").url, "/qui/");
        let err = parse_page(Path::new("content/a b/c.md"), "---\ntitle: A\nslug: c\n---\n").unwrap_err();
        assert!(err.hint.unwrap().contains("rename the folder `a b`"));
        assert_eq!(page("content/méthode.md", "---\ntitle: M\n---\n").url, "/méthode/");
    }

    #[test]
    fn body_keeps_its_line_offset() {
        let p = page("content/a.md", "---\ntitle: A\nweight: 2\n---\nHello\n");
        assert_eq!(p.body, "Hello\n");
        assert_eq!(p.body_line_offset, 4);
        assert_eq!(p.front.weight, Some(2));
    }

    #[test]
    fn front_matter_errors_point_into_the_file() {
        let err = parse_page(Path::new("content/a.md"), "---\ntitle: A\nwieght: 2\n---\n").unwrap_err();
        assert_eq!(err.pos, Some(Pos::new(3, 1)));
        assert_eq!(err.hint.as_deref(), Some("did you mean `weight`?"));
        let err = parse_page(Path::new("content/a.md"), "# no front matter\n").unwrap_err();
        assert!(err.message.contains("no front matter"));
        let err = parse_page(Path::new("content/a.md"), "---\ntitle: A\ndate: demain\n---\n").unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(3));
    }

    #[test]
    fn relative_urls_work_from_any_depth() {
        assert_eq!(relative_url("/a/", "/s/b/"), "../s/b/index.html");
        assert_eq!(relative_url("/", "/a/"), "a/index.html");
        assert_eq!(relative_url("/s/b/", "/"), "../../index.html");
        assert_eq!(root_prefix("/"), "./");
        assert_eq!(root_prefix("/s/b/"), "../../");
    }

    #[test]
    fn reading_order_is_by_weight_then_name() {
        let mut pages = vec![
            page("content/z.md", "---\ntitle: Z\nweight: 1\n---\n"),
            page("content/b.md", "---\ntitle: B\n---\n"),
            page("content/_index.md", "---\ntitle: H\n---\n"),
            page("content/a.md", "---\ntitle: A\n---\n"),
            page("content/s/x.md", "---\ntitle: X\n---\n"),
            page("content/s/_index.md", "---\ntitle: S\n---\n"),
        ];
        reading_order(&mut pages);
        let urls: Vec<_> = pages.iter().map(|p| p.url.as_str()).collect();
        assert_eq!(urls, ["/", "/z/", "/a/", "/b/", "/s/", "/s/x/"]);
    }
}
