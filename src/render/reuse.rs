//! What a build reuses from the builds before: figures kept in memory by
//! `serve`, and figures in the build cache on disk.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::cache::{self, Store};
use crate::figures::{Figure, Place};
use crate::markdown::RawBlock;

/// Figures drawn by earlier builds, for `serve`: a figure is drawn again
/// only when its block, its place on the page or the project's data and
/// settings changed. Keyed by a hash of all of those.
#[derive(Default)]
pub struct FigureCache {
    /// Off for a one-off build, which would only pay for keeping figures.
    on: bool,
    drawn: Mutex<HashMap<cache::Key, Arc<Figure>>>,
}

/// How many figures a build drew, and how many it took from the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FigureCount {
    pub drawn: usize,
    pub reused: usize,
}

impl FigureCache {
    /// A cache that keeps figures from one build to the next.
    pub fn reusing() -> FigureCache {
        FigureCache { on: true, drawn: Mutex::default() }
    }

    /// Whether figures are kept, so a build needs the data's fingerprint.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The cache for one build; `stamp` fingerprints the data and settings
    /// (computed only when a cache is on). Figures not kept in memory are
    /// looked for in `store`, the cache on disk.
    pub fn generation<'c>(&'c self, stamp: impl FnOnce() -> u64, store: &'c Store) -> Generation<'c> {
        let stamp = if self.on || store.is_on() { stamp() } else { 0 };
        Generation {
            cache: self,
            store,
            stamp,
            fresh: Mutex::default(),
            drawn: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }
}

/// One build's use of the caches: it reads what earlier builds drew and
/// records what this one draws, which replaces it if the build succeeds.
pub struct Generation<'c> {
    cache: &'c FigureCache,
    pub(super) store: &'c Store,
    stamp: u64,
    fresh: Mutex<HashMap<cache::Key, Arc<Figure>>>,
    drawn: AtomicUsize,
    reused: AtomicUsize,
}

impl Generation<'_> {
    pub(super) fn figure(
        &self,
        raw: &RawBlock,
        (place, lang): (&Place, crate::config::Language),
        draw: impl FnOnce() -> Result<Figure, String>,
    ) -> Result<Figure, String> {
        if !self.cache.on && !self.store.is_on() {
            self.drawn.fetch_add(1, Ordering::Relaxed);
            return draw();
        }
        let where_ = (place.number, place.root, place.page_key, place.data, place.png, place.base_url);
        let key = cache::Key::of((self.stamp, &raw.name, &raw.yaml, where_, lang.code()));
        // Shared, not copied: a build takes one copy of each figure (its
        // files move into the site), and keeping it costs none.
        let kept = relock(&self.cache.drawn).get(&key).cloned();
        if kept.is_some() {
            // Kept in memory (`serve`), it stays on disk for the next process.
            self.store.keep(cache::Kind::Figure, key);
        }
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
        Ok(Arc::unwrap_or_clone(figure))
    }

    /// The figure under `key` in the cache on disk, if it is there and
    /// sound. Its files stay there, unless figures are kept in memory
    /// (`serve`, which serves them long after, whatever becomes of the
    /// cache folder).
    fn stored(&self, key: cache::Key) -> Option<Figure> {
        if self.cache.on {
            let bytes = self.store.get(cache::Kind::Figure, key)?;
            return Figure::from_bytes(&bytes);
        }
        Figure::in_entry(self.store.head(cache::Kind::Figure, key)?)
    }

    /// Keeps a figure just drawn in the cache on disk; there, its files
    /// leave memory, but for `serve`'s.
    fn put(&self, key: cache::Key, figure: Figure) -> Figure {
        let Some((bytes, chars)) = figure.to_entry() else { return figure };
        match self.store.put(cache::Kind::Figure, key, &bytes) {
            Some(entry) if !self.cache.on => figure.left_in(entry, bytes.len(), chars),
            _ => figure,
        }
    }

    /// Keeps this build's figures for the next one, and says how many
    /// were drawn rather than reused.
    pub(super) fn keep(&self) -> FigureCount {
        let (mut kept, mut fresh) = (relock(&self.cache.drawn), relock(&self.fresh));
        *kept = std::mem::take(&mut *fresh);
        FigureCount { drawn: self.drawn.load(Ordering::Relaxed), reused: self.reused.load(Ordering::Relaxed) }
    }
}

/// The figures behind a lock, even if a build panicked while holding it:
/// each figure is inserted whole, so what is there is sound.
pub(crate) fn relock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}
