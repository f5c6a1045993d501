//! The site's fonts as small WOFF2 files.
//!
//! A theme ships whole fonts in `static/fonts/` (`.ttf` or `.otf`): the PDF
//! and the chart PNGs need every glyph. A reader's browser does not: it
//! needs the characters the site's pages show. So each font becomes
//! `fonts/<name>.woff2`, cut down to the characters of the built pages
//! (with their kerning and ligatures) and Brotli-compressed, and the whole
//! font is not published. Cutting needs TrueType outlines (`glyf`); a font
//! with PostScript outlines (CFF) is compressed whole.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::Diagnostic;
use crate::content::Content;
use crate::render::relock;

/// The characters a site shows, gathered from its HTML, SVG and CSS.
///
/// One bit per Unicode scalar value (136 KB): a thousand-page site has
/// tens of millions of characters to read, and setting a bit is cheaper
/// than inserting into an ordered set.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct CharSet(Vec<u64>);

const WORDS: usize = (char::MAX as usize + 1).div_ceil(64);

/// Whether a file of the site shows text in the web fonts: its pages,
/// drawings and style sheets.
pub fn shows_text(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "html" || e == "svg" || e == "css")
}

impl Default for CharSet {
    fn default() -> CharSet {
        CharSet(vec![0; WORDS])
    }
}

impl CharSet {
    /// Printable ASCII, always kept: a reader's search box, a URL typed
    /// into a page's text, digits a script might add.
    pub fn new() -> CharSet {
        let mut set = CharSet::default();
        (' '..='~').for_each(|c| set.insert(c));
        set
    }

    pub fn insert(&mut self, c: char) {
        let i = c as usize;
        self.0[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, c: char) -> bool {
        let i = c as usize;
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    /// Adds the characters of a file but ASCII, reading numeric character
    /// references (`&#8239;`) as the characters they stand for. Printable
    /// ASCII is in every set already ([`CharSet::new`]), and the rest of
    /// ASCII has no glyph: pages are mostly ASCII, which is skipped sixteen
    /// bytes at a time.
    pub fn add_text(&mut self, text: &str) {
        let mut rest = text;
        // `&` found byte by byte (a search for the pair `&#` is several
        // times slower on a page of inline drawings).
        while let Some(at) = rest.find('&') {
            self.add_plain(&rest[..at]);
            rest = &rest[at + 1..];
            let Some(reference) = rest.strip_prefix('#') else { continue };
            let (radix, digits) = match reference.strip_prefix(['x', 'X']) {
                Some(hex) => (16, hex),
                None => (10, reference),
            };
            let end = digits.find(';').unwrap_or(0);
            if let Some(c) = u32::from_str_radix(&digits[..end], radix).ok().and_then(char::from_u32) {
                self.insert(c);
                rest = &digits[end + 1..];
            }
        }
        self.add_plain(rest);
    }

    /// Adds every character of `text` but ASCII.
    fn add_plain(&mut self, text: &str) {
        const RUN: usize = 16;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes.get(i..i + RUN).is_some_and(|r| r.is_ascii()) {
                i += RUN;
            } else if bytes[i].is_ascii() {
                i += 1;
            } else if let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
                self.insert(c);
                i += c.len_utf8();
            } else {
                i += 1;
            }
        }
    }

    /// Gathers the characters of every page, drawing and style sheet of a
    /// built site, files read in parallel, and `stored`: those of the
    /// figures' files left in the build cache or shared from memory (see
    /// [`crate::figures::Figure::chars`]), which are not read again.
    pub fn of_site<'a>(files: impl Iterator<Item = (&'a PathBuf, &'a Content)>, stored: &'a str) -> CharSet {
        let shown: Vec<&str> = files
            .filter(|(path, _)| shows_text(path))
            .filter_map(|(_, content)| std::str::from_utf8(content.uncounted()?).ok())
            .chain([stored])
            .collect();
        // Each piece of work starts a set of 136 KB: a few dozen pages each.
        let mut set = shown
            .par_iter()
            .with_min_len(32)
            .fold(CharSet::new, |mut set, text| {
                set.add_text(text);
                set
            })
            .reduce(CharSet::new, CharSet::union);
        // A style sheet may show text in capitals (`text-transform`): `è`
        // in the page is drawn `È`.
        let cased: Vec<char> = set.chars().flat_map(|c| c.to_uppercase().chain(c.to_lowercase())).collect();
        cased.into_iter().for_each(|c| set.insert(c));
        set
    }

    /// The characters `texts` show but printable ASCII, which is in every
    /// set already: what a file kept whole in memory carries for the web
    /// fonts, which do not read it again (see [`Content::uncounted`]).
    pub fn beyond_ascii<'a>(texts: impl IntoIterator<Item = &'a str>) -> String {
        let mut chars = CharSet::new();
        texts.into_iter().for_each(|t| chars.add_text(t));
        chars.chars().filter(|c| !(' '..='~').contains(c)).collect()
    }

    fn union(mut self, other: CharSet) -> CharSet {
        self.0.iter_mut().zip(other.0).for_each(|(a, b)| *a |= b);
        self
    }

    /// The characters in the set, in order.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.0.iter().enumerate().filter(|(_, w)| **w != 0).flat_map(|(i, &w)| {
            (0..64)
                .filter(move |b| w & (1 << b) != 0)
                .filter_map(move |b| char::from_u32((i * 64 + b) as u32))
        })
    }

    #[cfg(feature = "subset-fonts")]
    fn unicodes(&self) -> impl Iterator<Item = u32> + '_ {
        self.chars().map(u32::from)
    }
}

/// The theme's fonts: `.ttf` and `.otf` files in `static/fonts/`.
pub fn fonts(
    static_files: &std::collections::BTreeMap<PathBuf, Vec<u8>>,
) -> impl Iterator<Item = (&PathBuf, &Vec<u8>)> {
    static_files.iter().filter(|(p, _)| is_font(p))
}

/// Is the static file at `path` a font the site serves as WOFF2 (a
/// `.ttf` or `.otf` in `fonts/`)?
pub fn is_font(path: &Path) -> bool {
    path.starts_with("fonts") && path.extension().is_some_and(|e| e == "ttf" || e == "otf")
}

/// The fonts of the theme the site serves as WOFF2: those in `fonts/`
/// with no `.woff2` of the same name beside them.
pub fn sources(static_files: &std::collections::BTreeMap<PathBuf, Vec<u8>>) -> Vec<&Path> {
    fonts(static_files)
        .map(|(p, _)| p.as_path())
        .filter(|p| !static_files.contains_key(&p.with_extension("woff2")))
        .collect()
}

/// The WOFF2 file last made of each font, with the characters it was cut
/// to: `serve` rebuilds on every edit and most edits add no character.
/// Only the latest cut of a font is kept, so a long session of edits does
/// not pile up cuts no build will ask for again.
#[derive(Default)]
pub struct FontCache(Mutex<std::collections::HashMap<u64, (u64, Vec<u8>)>>);

impl FontCache {
    fn get_or(
        &self,
        font: &[u8],
        chars: &CharSet,
        make: impl FnOnce() -> Result<Vec<u8>, String>,
    ) -> Result<Vec<u8>, String> {
        let (key, cut) = (hash_of(font), hash_of(chars));
        if let Some((made_for, done)) = relock(&self.0).get(&key)
            && *made_for == cut
        {
            return Ok(done.clone());
        }
        let made = make()?;
        relock(&self.0).insert(key, (cut, made.clone()));
        Ok(made)
    }

    /// How many cuts are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        relock(&self.0).len()
    }
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// The WOFF2 version of `font` (the bytes of `path`, relative to the
/// theme's `static/`) for a site showing `chars`: kept in `cache` for the
/// process, and in `store`, the build cache on disk, for the next one
/// (Brotli at its best quality takes a tenth of a build that draws
/// nothing new).
pub fn woff2(
    path: &Path,
    font: &[u8],
    chars: &CharSet,
    (cache, store): (&FontCache, &crate::cache::Store),
) -> Result<Vec<u8>, Diagnostic> {
    use crate::cache::{Key, Kind};
    cache
        .get_or(font, chars, || {
            let key = Key::of((font, chars));
            if let Some(kept) = store.get(Kind::Font, key).filter(|b| b.starts_with(b"wOF2")) {
                return Ok(kept);
            }
            let cut = subset(font, chars)?;
            let made = ttf2woff2::encode(cut.as_deref().unwrap_or(font), ttf2woff2::BrotliQuality::default())
                .map_err(|e| e.to_string())?;
            store.put(Kind::Font, key, &made);
            Ok(made)
        })
        .map_err(|e| {
            Diagnostic::error(
                Path::new("static").join(path),
                None,
                format!("this font cannot be made a web font: {e}"),
            )
            .with_hint(
                "use a valid OpenType font (.ttf or .otf), or put your own .woff2 of the same name beside it",
            )
        })
}

/// The font cut down to `chars`, or `None` when it cannot be cut (CFF
/// outlines, or a build without the `subset-fonts` feature) and is served
/// whole.
#[cfg(feature = "subset-fonts")]
fn subset(font: &[u8], chars: &CharSet) -> Result<Option<Vec<u8>>, String> {
    use read_fonts::collections::IntSet;
    use read_fonts::types::{NameId, Tag};
    use read_fonts::{FontRef, TableProvider};

    let font = FontRef::new(font).map_err(|e| e.to_string())?;
    if font.glyf().is_err() {
        return Ok(None);
    }
    let unicodes: IntSet<u32> = chars.unicodes().collect();
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    let features: IntSet<Tag> = skera::DEFAULT_LAYOUT_FEATURES.iter().copied().collect();
    // The names a browser reads (family, style, version, licence notice).
    let mut names = IntSet::<NameId>::empty();
    names.insert_range(NameId::from(0)..=NameId::from(6));
    names.insert_range(NameId::from(13)..=NameId::from(14));
    let mut languages = IntSet::<u16>::empty();
    languages.insert(0x0409);
    let plan = skera::Plan::new(
        &IntSet::empty(),
        &unicodes,
        &font,
        skera::SubsetFlags::SUBSET_FLAGS_DEFAULT,
        &IntSet::empty(),
        &scripts,
        &features,
        &names,
        &languages,
    );
    skera::subset_font(&font, &plan).map(Some).map_err(|e| e.to_string())
}

#[cfg(not(feature = "subset-fonts"))]
fn subset(_: &[u8], _: &CharSet) -> Result<Option<Vec<u8>>, String> {
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_references_are_read_as_characters() {
        let mut set = CharSet::default();
        set.add_text("é&#8239;b&#x2019;c&#;d&#xZZ;ñ R&amp;D &#38; co&#233;&");
        for c in ['é', '\u{202F}', '\u{2019}', 'ñ', '&'] {
            assert!(set.contains(c), "{c:?}");
        }
        assert!(!set.contains('b') && !set.contains('#'), "ASCII is in every set, not added: {set:?}");
        let mut site = CharSet::new();
        site.add_text("plain text");
        assert!(site.contains('p') && site.contains('~'), "printable ASCII is always there");
    }

    #[cfg(feature = "subset-fonts")]
    #[test]
    fn a_cut_font_maps_the_characters_shown_and_keeps_its_kerning() {
        use read_fonts::{FontRef, TableProvider};
        let whole = crate::theme::STATIC
            .iter()
            .find(|(p, _)| *p == "fonts/Inter-Regular.ttf")
            .map(|(_, b)| *b)
            .expect("theme font");
        let mut chars = CharSet::new();
        chars.add_text("Baromètre : 72\u{202F}% « œuvre » — 1\u{202F}252 €");
        let cut = subset(whole, &chars).expect("cut").expect("TrueType outlines");
        assert!(cut.len() * 5 < whole.len(), "{} of {} bytes", cut.len(), whole.len());
        let font = FontRef::new(&cut).expect("a valid font");
        let cmap = font.cmap().expect("cmap");
        for c in ['è', '\u{202F}', '«', 'œ', '—', '€', 'A', '~'] {
            assert!(cmap.map_codepoint(c).is_some(), "{c:?} is shown and must be in the font");
        }
        for c in ['Ж', 'ß', 'ñ'] {
            assert!(cmap.map_codepoint(c).is_none(), "{c:?} is not shown");
        }
        assert!(font.gpos().is_ok(), "kerning and positioning are kept");
        let woff2 = woff2(
            Path::new("fonts/Inter-Regular.ttf"),
            whole,
            &chars,
            (&FontCache::default(), &crate::cache::Store::off()),
        )
        .expect("woff2");
        assert_eq!(&woff2[..4], b"wOF2");
        assert!(woff2.len() < cut.len());
    }

    #[test]
    fn a_site_keeps_both_cases_of_its_letters() {
        let page =
            (PathBuf::from("index.html"), Content::from("<p class=\"kicker\">Baromètre</p>".to_string()));
        let image = (PathBuf::from("logo.png"), Content::from("Ω".to_string()));
        let set = CharSet::of_site([(&page.0, &page.1), (&image.0, &image.1)].into_iter(), "ñ");
        assert!(set.contains('è') && set.contains('È'), "text-transform: uppercase draws È");
        assert!(!set.contains('Ω'), "only pages, drawings and style sheets are read");
        assert!(set.contains('ñ') && set.contains('Ñ'), "and the characters of files left in the cache");
    }

    #[test]
    fn the_cache_gives_back_a_cut_for_the_same_characters_and_keeps_only_the_latest() {
        let cache = FontCache::default();
        let (font, mut chars) = (b"font".as_slice(), CharSet::new());
        let made = cache.get_or(font, &chars, || Ok(vec![1])).expect("made");
        assert_eq!(made, [1]);
        let again = cache.get_or(font, &chars, || panic!("the same cut is not made twice")).expect("kept");
        assert_eq!(again, [1]);
        chars.insert('é');
        let recut = cache.get_or(font, &chars, || Ok(vec![2])).expect("made");
        assert_eq!(recut, [2], "new characters, a new cut");
        assert_eq!(cache.len(), 1, "the older cut of the font is dropped");
        cache.get_or(b"other font", &chars, || Ok(vec![3])).expect("made");
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn only_fonts_without_a_woff2_beside_them_are_sources() {
        let files: std::collections::BTreeMap<PathBuf, Vec<u8>> =
            ["fonts/A.ttf", "fonts/B.otf", "fonts/B.woff2", "fonts/LICENSE.txt", "img/C.ttf"]
                .into_iter()
                .map(|p| (PathBuf::from(p), Vec::new()))
                .collect();
        assert_eq!(sources(&files), [Path::new("fonts/A.ttf")]);
    }
}
