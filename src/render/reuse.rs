//! What a build reuses from the builds before: figures and page bodies
//! kept in memory by `serve`, and the same in the build cache on disk.
//!
//! A page body (its prose evaluated, its Markdown rendered, its blocks
//! drawn) depends on the page and on what the whole edition shares: the
//! data and settings, where every page is, the files links may lead to.
//! [`Generation::body`] takes it from an earlier build when both are the
//! same, so editing one page's prose renders that page alone; numbering
//! figures across the report is redone for every page, as it depends on
//! the others. The theme's HTML of a page is taken from an earlier build
//! when its template, its context, its body and what every page shares
//! are the same ([`Generation::page_html`]): under `serve` from memory,
//! otherwise from the build cache, where it also stays out of memory and
//! the write stage knows it unchanged without reading it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tera::Context;

use super::body::Body;
use crate::cache::{self, Kind, Store};
use crate::content::Content;
use crate::diagnostics::Diagnostic;
use crate::figures::{Figure, Place};
use crate::markdown::RawBlock;

/// What `serve` keeps in memory from one build to the next: figures, drawn
/// again only when their block, their place on the page or the project's
/// data and settings changed, and page bodies, rendered again only when
/// their page or what the edition shares changed. Each keyed by a hash of
/// all of those.
#[derive(Default)]
pub struct MemoryCache {
    /// Off for a one-off build, which would only pay for keeping them.
    on: bool,
    drawn: Mutex<HashMap<cache::Key, Arc<Figure>>>,
    bodies: Mutex<HashMap<cache::Key, Arc<Rendered>>>,
    /// Each edition's theme, by the edition's prefix.
    themes: Mutex<HashMap<String, Arc<Theme>>>,
    /// Each page's HTML, by its path in the site.
    pages: Mutex<HashMap<PathBuf, Arc<PageHtml>>>,
}

/// What the theme renders every page of an edition with: its templates,
/// the language its filters write numbers in, and the context every page
/// shares.
#[derive(PartialEq)]
pub(super) struct Theme {
    pub templates: BTreeMap<String, (PathBuf, String)>,
    pub language: &'static str,
    pub shared: Fields,
}

/// How a build may take the theme's HTML of a page from an earlier one.
#[derive(Clone, Copy)]
pub(super) enum Reuse {
    /// Not at all: the caches are off.
    Never,
    /// From memory (`serve`), when the theme is the same as the build before's.
    Kept { same_theme: bool },
    /// From the build cache, the theme fingerprinted in this key.
    Stored(cache::Key),
}

/// A template's context that knows its own names. Tera's `Context` cannot
/// be listed, and the build cache keys a page's HTML by a fingerprint of
/// everything its template is given.
#[derive(Clone, Default, PartialEq)]
pub(super) struct Fields {
    context: Context,
    names: BTreeSet<&'static str>,
}

impl Fields {
    pub fn insert<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.context.insert(name, value);
        self.names.insert(name);
    }

    pub fn insert_value(&mut self, name: &'static str, value: tera::Value) {
        self.context.insert_value(name, value);
        self.names.insert(name);
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    pub fn into_context(self) -> Context {
        self.context
    }

    /// Every name and value, in the order of the names, in CBOR: equal
    /// when the template is given the same. `None` if a value cannot be
    /// written, and then nothing is reused.
    pub fn fingerprint(&self) -> Option<Vec<u8>> {
        let mut bytes = Vec::new();
        for name in &self.names {
            ciborium::into_writer(&(name, self.context.get(name)), &mut bytes).ok()?;
        }
        Some(bytes)
    }
}

/// A page as the theme rendered it: from which template, which context of
/// its own and which body, its HTML and the characters the HTML shows.
struct PageHtml {
    template: String,
    context: Context,
    body: Arc<String>,
    html: Arc<[u8]>,
    chars: String,
}

/// A page's HTML as the build cache keeps it (see [`cache::frame`]): the
/// characters it shows and its length; its bytes follow.
#[derive(serde::Serialize, serde::Deserialize)]
struct PageEntry {
    chars: String,
    len: u64,
}

/// A page's body, when it rendered, and the problems found in it.
pub(super) type Rendered = (Option<Body>, Vec<Diagnostic>);

/// How many figures a build drew, and how many it took from the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FigureCount {
    pub drawn: usize,
    pub reused: usize,
}

/// How many page bodies a build rendered, and how many it took from the
/// cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageCount {
    pub rendered: usize,
    pub reused: usize,
}

impl MemoryCache {
    /// A cache that keeps figures and bodies from one build to the next.
    pub fn reusing() -> MemoryCache {
        MemoryCache { on: true, ..MemoryCache::default() }
    }

    /// Whether figures are kept, so a build needs the data's fingerprint.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The cache for one build; `stamp` fingerprints the data and settings
    /// (computed only when a cache is on). What is not kept in memory is
    /// looked for in `store`, the cache on disk.
    pub fn generation<'c>(&'c self, stamp: impl FnOnce() -> u64, store: &'c Store) -> Generation<'c> {
        let stamp = if self.on || store.is_on() { stamp() } else { 0 };
        Generation {
            cache: self,
            store,
            stamp,
            fresh: Mutex::default(),
            fresh_bodies: Mutex::default(),
            fresh_themes: Mutex::default(),
            fresh_pages: Mutex::default(),
            drawn: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
            rendered: AtomicUsize::new(0),
            bodies_reused: AtomicUsize::new(0),
        }
    }
}

/// One build's use of the caches: it reads what earlier builds made and
/// records what this one makes, which replaces it if the build succeeds.
pub struct Generation<'c> {
    cache: &'c MemoryCache,
    pub(super) store: &'c Store,
    stamp: u64,
    fresh: Mutex<HashMap<cache::Key, Arc<Figure>>>,
    fresh_bodies: Mutex<HashMap<cache::Key, Arc<Rendered>>>,
    fresh_themes: Mutex<HashMap<String, Arc<Theme>>>,
    fresh_pages: Mutex<HashMap<PathBuf, Arc<PageHtml>>>,
    drawn: AtomicUsize,
    reused: AtomicUsize,
    rendered: AtomicUsize,
    bodies_reused: AtomicUsize,
}

impl Generation<'_> {
    /// Whether anything is kept: in memory, or on disk.
    pub(super) fn is_on(&self) -> bool {
        self.cache.on || self.store.is_on()
    }

    /// The fingerprint of the data and settings; 0 when nothing is kept.
    pub(super) fn stamp(&self) -> u64 {
        self.stamp
    }

    /// The figure of `raw` at `place`, taken from the caches or drawn, and
    /// its key when caches are on.
    pub(super) fn figure(
        &self,
        raw: &RawBlock,
        (place, lang): (&Place, crate::config::Language),
        draw: impl FnOnce() -> Result<Figure, String>,
    ) -> Result<(Figure, Option<cache::Key>), String> {
        if !self.is_on() {
            self.drawn.fetch_add(1, Ordering::Relaxed);
            return draw().map(|f| (f, None));
        }
        let where_ = (place.number, place.root, place.page_key, place.data, place.png, place.base_url);
        let key = cache::Key::of((self.stamp, &raw.name, &raw.yaml, where_, lang.code()));
        // Shared, not copied: a build takes one copy of each figure (its
        // files move into the site), and keeping it costs none.
        let kept = self.kept_in_memory(key);
        let figure = match kept.or_else(|| self.stored(key).map(Arc::new)) {
            Some(f) => {
                self.reused.fetch_add(1, Ordering::Relaxed);
                f
            }
            None => {
                self.drawn.fetch_add(1, Ordering::Relaxed);
                Arc::new(self.put(key, draw()?))
            }
        };
        if self.cache.on {
            relock(&self.fresh).insert(key, figure.clone());
        }
        Ok((Arc::unwrap_or_clone(figure), Some(key)))
    }

    /// The figure under `key` kept in memory (`serve`); it stays on disk
    /// for the next process too.
    fn kept_in_memory(&self, key: cache::Key) -> Option<Arc<Figure>> {
        let kept = relock(&self.cache.drawn).get(&key).cloned();
        if kept.is_some() {
            self.store.keep(Kind::Figure, key);
        }
        kept
    }

    /// The figure under `key` in the cache on disk, if it is there and
    /// sound. Its files stay there, unless figures are kept in memory
    /// (`serve`, which serves them long after, whatever becomes of the
    /// cache folder).
    fn stored(&self, key: cache::Key) -> Option<Figure> {
        if self.cache.on {
            let bytes = self.store.get(Kind::Figure, key)?;
            return Figure::from_bytes(&bytes);
        }
        Figure::in_entry(self.store.head(Kind::Figure, key)?)
    }

    /// Keeps a figure just drawn: in the cache on disk, where its files
    /// leave memory, and shared in memory for `serve`.
    fn put(&self, key: cache::Key, figure: Figure) -> Figure {
        if self.cache.on {
            let figure = figure.shared();
            if let Some((bytes, _)) = figure.to_entry().filter(|_| self.store.is_on()) {
                self.store.put(Kind::Figure, key, &bytes);
            }
            return figure;
        }
        let Some((bytes, chars)) = figure.to_entry() else { return figure };
        match self.store.put(Kind::Figure, key, &bytes) {
            Some(entry) => figure.left_in(entry, bytes.len(), chars),
            None => figure,
        }
    }

    /// The body of a page under `key` (`None`: caches are off), taken from
    /// an earlier build or rendered. Only a body that rendered without
    /// errors is kept: a page with errors is rendered again to report them.
    pub(super) fn body(&self, key: Option<cache::Key>, render: impl FnOnce() -> Rendered) -> Rendered {
        let Some(key) = key else {
            self.rendered.fetch_add(1, Ordering::Relaxed);
            return render();
        };
        if let Some(kept) = self.body_kept(key) {
            self.bodies_reused.fetch_add(1, Ordering::Relaxed);
            return kept;
        }
        self.rendered.fetch_add(1, Ordering::Relaxed);
        let rendered = render();
        let (Some(body), false) = (&rendered.0, rendered.1.iter().any(Diagnostic::is_error)) else {
            return rendered;
        };
        if self.cache.on {
            relock(&self.fresh_bodies).insert(key, Arc::new(rendered.clone()));
        } else if let Some(bytes) = body.to_entry(&rendered.1) {
            self.store.put(Kind::Page, key, &bytes);
        }
        rendered
    }

    /// A body an earlier build kept under `key`, in memory (`serve`) or on
    /// disk, with the figures it shows, which are counted as reused and
    /// kept for the next build.
    fn body_kept(&self, key: cache::Key) -> Option<Rendered> {
        if self.cache.on {
            let kept = relock(&self.cache.bodies).get(&key).cloned()?;
            let figures = kept.0.as_ref().map_or(&[][..], |b| b.figures.as_slice());
            for &figure in figures {
                if let Some(f) = self.kept_in_memory(figure) {
                    relock(&self.fresh).insert(figure, f);
                }
            }
            self.reused.fetch_add(figures.len(), Ordering::Relaxed);
            relock(&self.fresh_bodies).insert(key, kept.clone());
            return Some(Arc::unwrap_or_clone(kept));
        }
        let bytes = self.store.get(Kind::Page, key)?;
        let (body, diagnostics) = Body::from_entry(&bytes, self.store)?;
        self.reused.fetch_add(body.figures.len(), Ordering::Relaxed);
        Some((Some(body), diagnostics))
    }

    /// How pages of the edition at `prefix`, rendered with `theme`, may be
    /// taken from an earlier build. Under `serve`, whether the theme is
    /// the one of the build before, which keeps it for the next; with the
    /// build cache, its key. The theme is not made when both are off.
    pub(super) fn theme(&self, prefix: &str, theme: impl FnOnce() -> Theme) -> Reuse {
        if self.cache.on {
            let theme = Arc::new(theme());
            let same = relock(&self.cache.themes).get(prefix).is_some_and(|kept| **kept == *theme);
            relock(&self.fresh_themes).insert(prefix.to_string(), theme);
            return Reuse::Kept { same_theme: same };
        }
        if !self.store.is_on() {
            return Reuse::Never;
        }
        let Theme { templates, language, shared } = theme();
        shared.fingerprint().map_or(Reuse::Never, |f| Reuse::Stored(cache::Key::of((templates, language, f))))
    }

    /// The HTML of the page at `path`, rendered by `render` from
    /// `template`, the page's own `context` and its `body`; with the
    /// characters it shows when it is not in memory as made by this build
    /// (see [`Content::uncounted`]). It is taken from an earlier build as
    /// `reuse` allows when the theme, the template, the context and the
    /// body are the same. It is kept in the build cache only when the body
    /// was: a page just written is likely to change again, and a cold
    /// build then makes one entry a page, not two.
    pub(super) fn page_html<E>(
        &self,
        path: &Path,
        (reuse, template, context, body): (Reuse, &str, Fields, &Body),
        render: impl FnOnce(Context) -> Result<String, E>,
    ) -> Result<(Content, String), E> {
        let (keep, body) = (body.from_cache, &body.html);
        match reuse {
            Reuse::Never => Ok(made(render(context.into_context())?)),
            Reuse::Kept { same_theme } => {
                self.kept_page(path, (same_theme, template, context.into_context(), body), render)
            }
            Reuse::Stored(theme) => {
                let Some(fingerprint) = context.fingerprint() else {
                    return Ok(made(render(context.into_context())?));
                };
                let key = cache::Key::of((theme, template, fingerprint, body.as_str()));
                if let Some(kept) = self.stored_page(key) {
                    return Ok(kept);
                }
                let html = render(context.into_context())?;
                Ok(if keep { self.store_page(key, html) } else { made(html) })
            }
        }
    }

    /// [`Generation::page_html`] from memory, under `serve`.
    fn kept_page<E>(
        &self,
        path: &Path,
        (same_theme, template, context, body): (bool, &str, Context, &Arc<String>),
        render: impl FnOnce(Context) -> Result<String, E>,
    ) -> Result<(Content, String), E> {
        let kept = relock(&self.cache.pages).get(path).cloned();
        let same = |k: &PageHtml| {
            k.template == template && k.context == context && (Arc::ptr_eq(&k.body, body) || k.body == *body)
        };
        let page = match kept.filter(|k| same_theme && same(k)) {
            Some(page) => page,
            None => {
                let html = render(context.clone())?;
                let chars = crate::webfonts::CharSet::beyond_ascii([html.as_str()]);
                let (template, body) = (template.to_string(), body.clone());
                Arc::new(PageHtml { template, context, body, html: html.into_bytes().into(), chars })
            }
        };
        let out = (Content::Shared(page.html.clone()), page.chars.clone());
        relock(&self.fresh_pages).insert(path.to_path_buf(), page);
        Ok(out)
    }

    /// A page's HTML the build cache keeps under `key`, left there, with
    /// the characters it shows; `None` if the entry is missing or not whole.
    fn stored_page(&self, key: cache::Key) -> Option<(Content, String)> {
        let head = self.store.head::<PageEntry>(Kind::Html, key)?;
        let len = usize::try_from(head.header.len).ok()?;
        let (PageEntry { chars, .. }, mut parts) = head.into_parts(&[len])?;
        Some((Content::Stored(parts.pop()?), chars))
    }

    /// Keeps a page's HTML just rendered in the build cache, where it
    /// leaves memory; in memory if it cannot be kept.
    fn store_page(&self, key: cache::Key, html: String) -> (Content, String) {
        let chars = crate::webfonts::CharSet::beyond_ascii([html.as_str()]);
        let header = PageEntry { chars, len: html.len() as u64 };
        let stored = cache::frame(&header, &[html.as_bytes()]).and_then(|bytes| {
            let start = bytes.len() - html.len();
            let path = self.store.put(Kind::Html, key, &bytes)?;
            crate::content::parts(path, start as u64, &[html.len()]).pop()
        });
        match stored {
            Some(part) => (Content::Stored(part), header.chars),
            None => made(html),
        }
    }

    /// Keeps this build's figures, bodies, themes and pages for the next
    /// one, and says how many figures and bodies were made rather than
    /// reused.
    pub(super) fn keep(&self) -> (FigureCount, PageCount) {
        replace(&self.cache.drawn, &self.fresh);
        replace(&self.cache.bodies, &self.fresh_bodies);
        replace(&self.cache.themes, &self.fresh_themes);
        replace(&self.cache.pages, &self.fresh_pages);
        let load = |n: &AtomicUsize| n.load(Ordering::Relaxed);
        (
            FigureCount { drawn: load(&self.drawn), reused: load(&self.reused) },
            PageCount { rendered: load(&self.rendered), reused: load(&self.bodies_reused) },
        )
    }
}

/// A page's HTML made by this build and held in memory, whose characters
/// the web fonts count from it.
fn made(html: String) -> (Content, String) {
    (Content::Bytes(trimmed(html.into_bytes())), String::new())
}

/// The bytes without the spare room their growth left (up to as much
/// again): every page is held until the site is written whole.
fn trimmed(bytes: Vec<u8>) -> Vec<u8> {
    if bytes.capacity() - bytes.len() > bytes.len() / 8 { bytes.as_slice().to_vec() } else { bytes }
}

/// What the build before kept, replaced by what this one made.
fn replace<T: Default>(kept: &Mutex<T>, fresh: &Mutex<T>) {
    *relock(kept) = std::mem::take(&mut *relock(fresh));
}

/// The figures behind a lock, even if a build panicked while holding it:
/// each figure is inserted whole, so what is there is sound.
pub(crate) fn relock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_held_for_the_write_keeps_its_bytes_without_the_room_it_grew() {
        let mut grown = Vec::with_capacity(64 * 1024);
        grown.extend_from_slice(&[b'x'; 44 * 1024]);
        let held = trimmed(grown.clone());
        assert_eq!(held, grown);
        assert!(held.capacity() <= 44 * 1024 + 44 * 1024 / 8, "capacity {}", held.capacity());
        let mut tight = Vec::with_capacity(100);
        tight.extend_from_slice(&[b'y'; 95]);
        let ptr = tight.as_ptr();
        let kept = trimmed(tight);
        assert_eq!(kept.as_ptr(), ptr, "a page with little room is not copied");
    }

    /// One build of one page: whether its HTML was rendered, the HTML,
    /// and the characters the build is told it shows.
    fn build(
        (memory, store): (&MemoryCache, &Store),
        title: &str,
        (context, body): (&str, &Body),
    ) -> (bool, Content, String) {
        let generation = memory.generation(|| 1, store);
        let mut shared = Fields::default();
        shared.insert("title", title);
        let theme = Theme { templates: BTreeMap::new(), language: "en", shared };
        let reuse = generation.theme("", || theme);
        let mut own = Fields::default();
        own.insert("nav", context);
        let mut rendered = false;
        let (html, chars) = generation
            .page_html(Path::new("a/index.html"), (reuse, "page.html", own, body), |own| {
                rendered = true;
                let nav = own.get("nav").map(|v| v.to_string()).unwrap_or_default();
                Ok::<_, ()>(format!("{title}|{nav}|{}", body.html))
            })
            .unwrap();
        generation.keep();
        (rendered, html, chars)
    }

    /// [`build`] without the build cache: whether the page was rendered, and its HTML.
    fn in_memory(
        memory: &MemoryCache,
        title: &str,
        (context, html): (&str, &Arc<String>),
    ) -> (bool, Vec<u8>) {
        let body = Body { html: html.clone(), ..Body::default() };
        let (rendered, html, _) = build((memory, &Store::off()), title, (context, &body));
        (rendered, html.read().unwrap().into_owned())
    }

    /// A body the build cache gave, showing `html`.
    fn from_cache(html: &str) -> Body {
        Body { html: Arc::new(html.to_string()), from_cache: true, ..Body::default() }
    }

    #[test]
    fn a_page_is_rendered_again_only_when_its_theme_context_or_body_changed() {
        let memory = MemoryCache::reusing();
        let body = Arc::new("<p>é</p>".to_string());
        assert_eq!(in_memory(&memory, "T", ("n", &body)), (true, b"T|n|<p>\xc3\xa9</p>".to_vec()));
        assert!(!in_memory(&memory, "T", ("n", &body)).0, "nothing changed");
        let copy = Arc::new("<p>é</p>".to_string());
        assert!(!in_memory(&memory, "T", ("n", &copy)).0, "the same body, made again");
        assert_eq!(
            in_memory(&memory, "T", ("n", &Arc::new("<p>e</p>".into()))),
            (true, b"T|n|<p>e</p>".to_vec())
        );
        assert_eq!(
            in_memory(&memory, "U", ("n", &copy)),
            (true, b"U|n|<p>\xc3\xa9</p>".to_vec()),
            "the theme"
        );
        assert_eq!(
            in_memory(&memory, "U", ("m", &copy)),
            (true, b"U|m|<p>\xc3\xa9</p>".to_vec()),
            "its context"
        );
        let once = MemoryCache::default();
        assert!(in_memory(&once, "U", ("m", &copy)).0);
        assert!(in_memory(&once, "U", ("m", &copy)).0, "a one-off build keeps nothing");
    }

    #[test]
    fn a_page_kept_in_the_build_cache_is_taken_from_it_until_its_theme_context_or_body_changed() {
        let dir = tempfile::tempdir().unwrap();
        let once = MemoryCache::default();
        let build = |title: &str, page: (&str, &Body)| {
            let store = Store::open(dir.path(), "cache", None).unwrap();
            let (rendered, html, chars) = build((&once, &store), title, page);
            assert!(html.in_memory().is_none(), "left in the cache, not held");
            assert_eq!(chars, "é", "the characters it shows, which the web fonts need");
            (rendered, html.read().unwrap().into_owned())
        };
        let body = from_cache("<p>é</p>");
        assert_eq!(build("T", ("n", &body)), (true, b"T|n|<p>\xc3\xa9</p>".to_vec()));
        assert_eq!(build("T", ("n", &body)), (false, b"T|n|<p>\xc3\xa9</p>".to_vec()), "nothing changed");
        assert_eq!(build("T", ("n", &from_cache("<p>é.</p>"))), (true, b"T|n|<p>\xc3\xa9.</p>".to_vec()));
        assert_eq!(build("U", ("n", &body)), (true, b"U|n|<p>\xc3\xa9</p>".to_vec()), "the theme");
        assert_eq!(build("U", ("m", &body)), (true, b"U|m|<p>\xc3\xa9</p>".to_vec()), "its context");
        assert!(!build("U", ("m", &body)).0);

        // An entry cut short is not taken, whatever its header says.
        let files = walkdir::WalkDir::new(dir.path().join("cache/html")).into_iter().filter_map(Result::ok);
        for path in files.filter(|e| e.file_type().is_file()).map(walkdir::DirEntry::into_path) {
            let bytes = std::fs::read(&path).unwrap();
            std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
        }
        assert_eq!(build("U", ("m", &body)), (true, b"U|m|<p>\xc3\xa9</p>".to_vec()), "damaged");
        assert!(!build("U", ("m", &body)).0, "kept whole again");
    }

    #[test]
    fn a_page_whose_body_this_build_rendered_is_not_kept_in_the_build_cache() {
        let dir = tempfile::tempdir().unwrap();
        let once = MemoryCache::default();
        let build = |page: (&str, &Body)| {
            let store = Store::open(dir.path(), "cache", None).unwrap();
            let (rendered, html, _) = build((&once, &store), "T", page);
            (rendered, html.in_memory().is_some())
        };
        let rendered = Body { html: Arc::new("<p>é</p>".into()), ..Body::default() };
        assert_eq!(build(("n", &rendered)), (true, true), "rendered, and held to be written");
        assert_eq!(build(("n", &rendered)), (true, true), "still not kept");
        let taken = from_cache("<p>é</p>");
        assert_eq!(build(("n", &taken)), (true, false), "kept once its body was");
        assert_eq!(build(("n", &rendered)), (false, false), "then taken, whichever the body");
    }
}
