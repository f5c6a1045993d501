//! What a build reuses from the builds before: figures and page bodies
//! kept in memory by `serve`, and the same in the build cache on disk.
//!
//! A page body (its prose evaluated, its Markdown rendered, its blocks
//! drawn) depends on the page and on what the whole edition shares: the
//! data and settings, where every page is, the files links may lead to.
//! [`Generation::body`] takes it from an earlier build when both are the
//! same, so editing one page's prose renders that page alone; numbering
//! figures across the report and the theme are redone for every page, as
//! they depend on the others.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::body::Body;
use crate::cache::{self, Kind, Store};
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

    /// Keeps this build's figures and bodies for the next one, and says
    /// how many were made rather than reused.
    pub(super) fn keep(&self) -> (FigureCount, PageCount) {
        let (mut kept, mut fresh) = (relock(&self.cache.drawn), relock(&self.fresh));
        *kept = std::mem::take(&mut *fresh);
        let (mut kept, mut fresh) = (relock(&self.cache.bodies), relock(&self.fresh_bodies));
        *kept = std::mem::take(&mut *fresh);
        let load = |n: &AtomicUsize| n.load(Ordering::Relaxed);
        (
            FigureCount { drawn: load(&self.drawn), reused: load(&self.reused) },
            PageCount { rendered: load(&self.rendered), reused: load(&self.bodies_reused) },
        )
    }
}

/// The figures behind a lock, even if a build panicked while holding it:
/// each figure is inserted whole, so what is there is sound.
pub(crate) fn relock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
