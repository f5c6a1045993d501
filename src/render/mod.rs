//! The render stage: pages through prose, Markdown, blocks and templates,
//! in parallel, into the files of the site, in memory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::cache::{self, Store};
use crate::catalog;
use crate::config::Config;
use crate::content::Content;
use crate::datasets::{Dataset, write_csv};
use crate::diagnostics::{Diagnostic, Pos};
use crate::figures;
use crate::format::NumberFormat;
use crate::i18n;
use crate::lint;
use crate::markdown::{self, PageLink};
use crate::pages::{Page, relative_url, root_prefix};
use crate::pdf;
use crate::prose;
use crate::web;
use crate::xref;

mod body;
mod reuse;

use body::{Body, PageEnv, render_body};
pub(crate) use reuse::relock;
use reuse::{Fields, Reuse};
pub use reuse::{FigureCount, Generation, MemoryCache, PageCount};

/// The site in memory: output path to bytes.
#[derive(Debug, Default)]
pub struct Site {
    pub files: crate::Files,
    /// The characters of the figures' files left in the build cache (see
    /// [`Figure::chars`]), for the web fonts.
    pub stored_chars: String,
    pub pages: usize,
    pub charts: usize,
    pub figures: FigureCount,
    pub bodies: PageCount,
    /// The pages of each PDF typeset, one per edition.
    pub pdf_pages: Vec<usize>,
    /// Links from pages to paths of the site no project file is behind:
    /// (page file, link), checked by [`broken_links`] once the site is whole.
    pub site_links: Vec<(PathBuf, markdown::SiteLink)>,
    /// Files a published build writes that this one does not (the PDF
    /// under `serve`): links to them are not broken.
    pub promised: Vec<PathBuf>,
}

impl Site {
    /// Adds an edition's files and counts to the site. (The figures drawn
    /// and reused are counted once for all editions, by [`finish`].)
    pub fn merge(&mut self, other: Site) {
        // The first edition's files are taken whole, not inserted one by one.
        if self.files.is_empty() {
            self.files = other.files;
        } else {
            self.files.extend(other.files);
        }
        self.stored_chars.push_str(&other.stored_chars);
        self.pages += other.pages;
        self.charts += other.charts;
        self.pdf_pages.extend(other.pdf_pages);
        self.site_links.extend(other.site_links);
        self.promised.extend(other.promised);
    }

    /// Is there a file at `path` (`/sources/`, `/img/a.png`) of the site?
    fn has(&self, path: &str) -> bool {
        let file = std::path::Path::new(path.trim_matches('/'));
        [file.to_path_buf(), file.join("index.html")]
            .iter()
            .any(|p| self.files.contains_key(p) || self.promised.contains(p))
    }
}

/// Links to paths of the site that nothing is written at: errors at their
/// line, with the file of the project the author most likely meant.
pub fn broken_links(site: &Site) -> Vec<Diagnostic> {
    site.site_links
        .iter()
        .filter(|(_, link)| !site.has(&link.path))
        .map(|(file, link)| {
            let message = format!("`{}` is not a file of the project or of the site", link.written);
            Diagnostic::error(file, Some(link.pos), message).with_hint(link.hint.clone())
        })
        .collect()
}

/// Everything rendering needs, already loaded and validated.
pub struct Input<'a> {
    pub config: &'a Config,
    pub pages: &'a [Page],
    pub left_out: &'a HashSet<PathBuf>,
    pub datasets: &'a BTreeMap<String, Dataset>,
    pub templates: &'a BTreeMap<String, (PathBuf, String)>,
    pub static_files: &'a BTreeMap<PathBuf, Vec<u8>>,
    /// Files in `content/` that are not pages, by path in the site.
    pub content_files: &'a BTreeMap<PathBuf, Vec<u8>>,
    /// Figures drawn by earlier builds that may be reused.
    pub figures: &'a Generation<'a>,
    pub progress: &'a crate::Progress,
    /// Typeset the PDF (if the report asks for one) and draw social cards.
    pub publish: bool,
    /// What `[@key]` in prose cites.
    pub bibliography: Option<&'a crate::cite::Bibliography>,
    /// Web fonts made by earlier builds.
    pub fonts: &'a crate::webfonts::FontCache,
    /// Where the edition lives in the site: `""`, or `en/` for the English
    /// edition of a French report.
    pub prefix: &'a str,
    /// Every page's versions in the report's languages.
    pub alternates: &'a Alternates,
    /// The theme's strings in the edition's language, with the project's
    /// over them.
    pub strings: Option<&'a i18n::Strings>,
}

impl Input<'_> {
    /// A file of the edition (`study.pdf`) as its path in the site:
    /// `study.pdf` in the first language, `en/study.pdf` in English.
    fn in_edition(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }
}

/// One version of a page: its language, as its edition's tag says it, its
/// file and its URL.
#[derive(Clone, Debug)]
pub struct Version {
    pub language: crate::config::Language,
    pub tag: String,
    pub file: PathBuf,
    pub url: String,
}

/// The versions of each page in every language of the report, by the
/// page's file in the first language: what the language switch,
/// `hreflang` and links between pages lead to.
#[derive(Debug, Default)]
pub struct Alternates(HashMap<PathBuf, Vec<Version>>);

impl Alternates {
    /// The versions of `pages` in the order of `config`'s editions; empty
    /// for a single-language report, whose pages have no other version.
    pub fn new(config: &Config, pages: &[Page]) -> Alternates {
        let mut map: HashMap<PathBuf, Vec<Version>> = HashMap::new();
        if !config.is_multilingual() {
            return Alternates(map);
        }
        for edition in &config.editions {
            let lang = config.page_language(edition.language);
            for p in pages.iter().filter(|p| p.lang == lang) {
                let version = Version {
                    language: edition.language,
                    tag: edition.tag.clone(),
                    file: p.file.clone(),
                    url: p.url.clone(),
                };
                map.entry(p.key.clone()).or_default().push(version);
            }
        }
        Alternates(map)
    }

    /// Where a link to each page file leads from the edition in
    /// `language`: to the page's version in that language when there is
    /// one, else to the page itself. `None` in a single-language report.
    fn link_targets(&self, language: crate::config::Language) -> Option<HashMap<PathBuf, String>> {
        if self.0.is_empty() {
            return None;
        }
        let mut urls = HashMap::new();
        for versions in self.0.values() {
            let here = versions.iter().find(|v| v.language == language);
            for v in versions {
                urls.insert(v.file.clone(), here.unwrap_or(v).url.clone());
            }
        }
        Some(urls)
    }

    /// The versions of `page`, its own among them; none when it has no
    /// translation.
    pub fn of(&self, page: &Page) -> &[Version] {
        self.0.get(&page.key).filter(|v| v.len() > 1).map_or(&[], Vec::as_slice)
    }

    /// The language switch of `page`: each language's version of it, or
    /// that edition's home page when it has none; empty in a
    /// single-language report.
    fn links(&self, page: &Page, config: &Config) -> Vec<LanguageLink> {
        let versions = self.of(page);
        let here = page.lang.unwrap_or(config.default_language());
        let own =
            |home: &Version| versions.iter().find(|v| v.language == home.language).map(|v| v.url.clone());
        self.switch((&page.url, here), config, own)
    }

    /// The language switch of the sources page of `config`'s edition:
    /// each edition has one.
    fn sources_links(&self, config: &Config) -> Vec<LanguageLink> {
        let url = catalog::url(&config.prefix(config.language));
        self.switch((&url, config.language), config, |home| Some(format!("{}{}", home.url, catalog::FOLDER)))
    }

    /// The language switch of the page at `url`, in language `here`:
    /// `own` gives its URL in each edition (by that edition's home page),
    /// if it has a version there; else the switch leads to that home.
    fn switch(
        &self,
        (url, here): (&str, crate::config::Language),
        config: &Config,
        own: impl Fn(&Version) -> Option<String>,
    ) -> Vec<LanguageLink> {
        let Some(homes) = self.0.get(std::path::Path::new(HOME_FILE)) else { return Vec::new() };
        let mut links: Vec<LanguageLink> = homes
            .iter()
            .map(|home| {
                let own = own(home);
                LanguageLink {
                    code: home.language.code(),
                    tag: home.tag.clone(),
                    name: i18n::t(home.language, "language_name").to_string(),
                    url: relative_url(url, own.as_deref().unwrap_or(&home.url)),
                    href: own.and_then(|u| config.absolute_url(&u)),
                    current: home.language == here,
                }
            })
            .collect();
        if !links.iter().any(|l| l.current) {
            links.clear();
        }
        links
    }
}

/// The home page's file, whose versions are each edition's home.
const HOME_FILE: &str = "content/_index.md";

/// A link to one version of the page, for the language switch and
/// `hreflang`.
#[derive(Serialize)]
struct LanguageLink {
    code: &'static str,
    tag: String,
    /// The language's name in itself: `Français`, `English`.
    name: String,
    /// Relative to the page.
    url: String,
    /// On the web, with `base_url`, when it is a translation of the page
    /// (not an edition's home page standing in), for `hreflang`.
    href: Option<String>,
    current: bool,
}

#[derive(Serialize)]
struct ReportView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    author: Option<&'a str>,
    language: &'a str,
    base_url: Option<&'a str>,
    /// The brand's logo, from the site root (`img/logo.svg`).
    logo: Option<String>,
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    url: &'a str,
    content: &'a str,
    toc: Vec<TocEntry<'a>>,
    is_home: bool,
}

#[derive(Serialize)]
struct TocEntry<'a> {
    level: u8,
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct NavEntry<'a> {
    title: std::borrow::Cow<'a, str>,
    url: String,
    current: bool,
    depth: usize,
    /// The link to a long section's index, which lists all its pages.
    all: bool,
}

#[derive(Serialize)]
struct Neighbour<'a> {
    title: &'a str,
    url: String,
}

/// Renders the whole site, or every error found on the way.
pub fn render(input: &Input) -> Result<(Site, Vec<Diagnostic>), Vec<Diagnostic>> {
    let fmt = Arc::new(NumberFormat::with_strings(input.config.language, input.strings.cloned()));
    let tera = build_tera(input.templates, fmt.clone())?;
    let mut base = Fields::default();
    base.insert_value("data", prose::data_value(input.datasets));
    base.insert("report", &report_view(input.config));
    base.insert("t", fmt.strings().map());
    base.insert("pdf", &None::<PdfLink>);
    base.insert("home", &input.in_edition("index.html"));
    base.insert("sources", &input.in_edition(catalog::FILE));
    let errors = generated_clashes(input);
    if !errors.is_empty() {
        return Err(errors);
    }
    let study_citation = study_citation(input);
    base.insert(
        "citation",
        &CitationView {
            html: &study_citation.text.html,
            bibtex: &input.in_edition(crate::cite::BIBTEX_FILE),
            ris: &input.in_edition(crate::cite::RIS_FILE),
        },
    );

    let urls: HashMap<PathBuf, String> = input
        .alternates
        .link_targets(input.config.language)
        .unwrap_or_else(|| input.pages.iter().map(|p| (p.file.clone(), p.url.clone())).collect());
    let site_links = markdown::Site {
        urls: &urls,
        left_out: input.left_out,
        lang: input.config.language,
        cites: input.bibliography.is_some(),
        files: crate::assets::Files { content: input.content_files, statics: input.static_files },
    };
    let prose_engine = prose::engine(fmt.clone());
    let palette = input.config.brand.chart_palette().unwrap_or_else(|| crate::charts::PALETTE.to_vec());
    let printing: Option<HashMap<String, usize>> =
        (cfg!(feature = "pdf") && input.publish && input.config.pdf.is_some())
            .then(|| input.pages.iter().enumerate().map(|(i, p)| (p.url.clone(), i)).collect());
    let env = PageEnv {
        prose: &prose_engine,
        base: base.context(),
        site: &site_links,
        datasets: input.datasets,
        fmt: &fmt,
        tiers: &input.config.tiers,
        png: input.config.charts.png,
        base_url: input.config.base_url.as_deref(),
        figures: input.figures,
        print: printing.as_ref(),
        cards: draws_cards(input),
        prefix: input.prefix,
        palette: &palette,
    };
    let done = AtomicUsize::new(0);
    let total = input.pages.len();
    let shared = input.figures.is_on().then(|| bodies_stamp(input, &urls, (env.print.is_some(), env.cards)));
    let bodies: Vec<(Option<Body>, Vec<Diagnostic>)> = input
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let key = shared.map(|stamp| body_key(stamp, env.print.map(|_| i), p));
            let body = input.figures.body(key, || render_body(i, p, &env));
            input.progress.tell(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            body
        })
        .collect();

    // Every page's problems are reported, and anchors are checked on the
    // pages that rendered, before giving up on any of them.
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let mut ok_bodies = Vec::new();
    for (body, diags) in bodies {
        let (errs, warns): (Vec<_>, Vec<_>) = diags.into_iter().partition(Diagnostic::is_error);
        errors.extend(errs);
        warnings.extend(warns);
        ok_bodies.push(body);
    }
    errors.extend(check_anchors(input.pages, &ok_bodies));
    let (numbering_errors, references, registry) = number_blocks(input, &mut ok_bodies);
    errors.extend(numbering_errors);
    let uses = catalog_uses(&ok_bodies, &registry, input.config.language);
    if !errors.is_empty() {
        return Err(errors);
    }
    // The first edition has every page: what nothing uses is told once, by it.
    if input.prefix.is_empty() {
        warnings.extend(site_warnings(input, &ok_bodies));
    }
    let mut ok_bodies: Vec<Body> = ok_bodies.into_iter().flatten().collect();
    if let Some(last) = ok_bodies.last_mut().filter(|_| !references.is_empty()) {
        Arc::make_mut(&mut last.html).push_str(&references_html(&references, input.config.language));
    }
    let study = match study_pdf(input, &ok_bodies, (&references, &study_citation), &fmt) {
        Ok(Some((pdf, pdf_warnings))) => {
            warnings.extend(pdf_warnings);
            Some(pdf)
        }
        Ok(None) => None,
        Err(errs) => return Err(errs),
    };
    if let (Some(pdf), Some(settings)) = (&study, &input.config.pdf) {
        let file = input.in_edition(&settings.file);
        base.insert("pdf", &PdfLink { file: &file, size: fmt.file_size(pdf.bytes.len()) });
    }
    let mut site = Site {
        pages: input.pages.len(),
        charts: ok_bodies.iter().map(|b| b.charts).sum(),
        ..Site::default()
    };
    for body in &mut ok_bodies {
        site.files.extend(std::mem::take(&mut body.files));
        site.stored_chars.push_str(&body.chars);
    }
    let linked: Vec<Linked> = input
        .pages
        .iter()
        .zip(&mut ok_bodies)
        .map(|(p, b)| (p.file.clone(), std::mem::take(&mut b.assets), std::mem::take(&mut b.site_links)))
        .collect();

    let painter = card_painter(input);
    let metas: Vec<web::PageMeta> = input
        .pages
        .par_iter()
        .zip(&ok_bodies)
        .map(|(page, b)| {
            let facts = web::PageFacts {
                page,
                first_paragraph: b.first_paragraph.as_deref(),
                figure: b.card.as_ref(),
                shown: b.shown.iter().map(|s| s.dataset.as_str()).collect(),
                card: painter.is_some(),
                prefix: input.prefix,
            };
            web::page_meta(input.config, input.datasets, &facts)
        })
        .collect();
    let descriptions: Vec<Option<String>> = metas.iter().map(|m| m.description.clone()).collect();
    base.insert("feed", &web::has_feed(input.pages).then(|| input.in_edition(web::FEED_FILE)));

    // Each body moves into its page: page HTML is not copied.
    let navigation = Navigation::new(input.pages, fmt.clone());
    let reuse = input.figures.theme(input.prefix, || reuse::Theme {
        templates: input.templates.clone(),
        language: input.config.language.code(),
        shared: base.clone(),
    });
    let outputs: Vec<Result<(PathBuf, Content, String), Diagnostic>> = input
        .pages
        .par_iter()
        .zip(ok_bodies.into_par_iter().zip(metas.into_par_iter()))
        .enumerate()
        .flat_map_iter(|(i, (page, (body, meta)))| {
            let card = painter.as_ref().map(|p| {
                let kicker = if page.is_home() {
                    input.config.author.as_deref()
                } else {
                    Some(input.config.title.as_str())
                };
                paint_card(
                    (p, input.figures.store),
                    &page.file,
                    (kicker, &meta, body.card.as_ref()),
                    &page.url,
                )
            });
            let theme = (&tera, base.context(), &navigation);
            let html = render_page(i, page, (body, meta), input, theme, reuse);
            let card = card.map(|c| c.map(|(path, png)| (path, png.into(), String::new())));
            std::iter::once(html).chain(card)
        })
        .collect();
    // A page kept from the build before carries its characters.
    let outputs = outputs.into_iter().map(|output| {
        output.map(|(path, content, chars)| {
            site.stored_chars.push_str(&chars);
            (path, content)
        })
    });
    keep(&mut site.files, outputs, &mut errors);
    if input.prefix.is_empty() {
        let not_found =
            render_404(&tera, base.context(), input).map(|bytes| (PathBuf::from("404.html"), bytes));
        keep(&mut site.files, [not_found], &mut errors);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut csv_sizes = HashMap::new();
    for ds in input.datasets.values() {
        let csv = write_csv(ds);
        csv_sizes.insert(ds.id.as_str(), csv.len());
        site.files.insert(PathBuf::from(crate::datasets::csv_file(input.prefix, &ds.id)), csv.into());
    }
    let theme = (&tera, base.context(), &navigation);
    let sources = render_sources(input, (uses, csv_sizes), theme, (&fmt, painter.as_ref()));
    keep(&mut site.files, sources, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    if let (Some(pdf), Some(settings)) = (study, &input.config.pdf) {
        site.pdf_pages.push(pdf.pages);
        site.files.insert(PathBuf::from(input.in_edition(&settings.file)), pdf.bytes.into());
    }
    let feed = web::feed_file(input.config, input.pages, &descriptions, input.prefix);
    site.files.extend(feed.map(|(path, bytes)| (path, bytes.into())));
    let at = |name: &str| PathBuf::from(input.in_edition(name));
    site.files.insert(at(crate::cite::BIBTEX_FILE), study_citation.bibtex.into());
    site.files.insert(at(crate::cite::RIS_FILE), study_citation.ris.into());
    if let Some(settings) = input.config.pdf.as_ref().filter(|_| !input.publish) {
        site.promised.push(at(&settings.file));
    }
    publish_linked(&mut site, input.content_files, linked)?;
    Ok((site, warnings))
}

/// What every page body of the edition is rendered from besides its own
/// page: the data and settings (the figures' stamp: `report.yaml`, the
/// datasets, bibliography and translations), the edition, where every
/// page is and in what order, the drafts left out, and the files links may
/// lead to (with whether each is an image the PDF can show). A body is
/// taken from an earlier build only when this and its page are the same.
fn bodies_stamp(
    input: &Input,
    urls: &HashMap<PathBuf, String>,
    (printing, cards): (bool, bool),
) -> cache::Key {
    let mut urls: Vec<(&PathBuf, &String)> = urls.iter().collect();
    urls.sort();
    let mut left_out: Vec<&PathBuf> = input.left_out.iter().collect();
    left_out.sort();
    // The PDF's anchors number pages in reading order.
    let order: Vec<&str> = input.pages.iter().filter(|_| printing).map(|p| p.url.as_str()).collect();
    let files = |m: &'_ BTreeMap<PathBuf, Vec<u8>>| -> Vec<(PathBuf, bool)> {
        m.iter().map(|(p, b)| (p.clone(), crate::assets::is_image(b))).collect()
    };
    let edition = (input.prefix, input.config.language.code(), input.config.base_url.as_deref());
    let first_date = input.pages.first().and_then(|p| p.date.as_deref());
    cache::Key::of((
        input.figures.stamp(),
        edition,
        (input.publish, printing, cards),
        (urls, order, left_out, first_date),
        (files(input.static_files), files(input.content_files)),
    ))
}

/// The key of a page's body: the edition's [`bodies_stamp`], what
/// rendering reads of the page, and its place in reading order when the
/// PDF is made.
fn body_key(stamp: cache::Key, i: Option<usize>, p: &Page) -> cache::Key {
    let front = (&p.front.title, &p.front.description, &p.date);
    cache::Key::of((stamp, i, &p.file, &p.url, &p.body, p.body_line_offset, front))
}

/// A page's file, the files of `content/` it links to and its links to the site.
type Linked = (PathBuf, Vec<(PathBuf, Pos)>, Vec<markdown::SiteLink>);

/// Puts the files of `content/` the pages link to in the site, and keeps
/// their other links for [`broken_links`]. A file that would take the place
/// of one the site writes is an error at the page.
fn publish_linked(
    site: &mut Site,
    content_files: &BTreeMap<PathBuf, Vec<u8>>,
    linked: Vec<Linked>,
) -> Result<(), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut published = HashSet::new();
    for (page, assets, links) in linked {
        for (path, pos) in assets {
            if published.contains(&path) {
                continue;
            }
            if site.files.contains_key(&path) {
                let message =
                    format!("`content/{}` would take the place of a file the site writes", path.display());
                errors.push(Diagnostic::error(&page, Some(pos), message).with_hint("rename the file"));
                continue;
            }
            if let Some(bytes) = content_files.get(&path) {
                site.files.insert(path.clone(), bytes.clone().into());
                published.insert(path);
            }
        }
        site.site_links.extend(links.into_iter().map(|l| (page.clone(), l)));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// What only the whole site has, once all its editions rendered: the
/// static files, the web fonts cut to what every edition shows, and the
/// sitemap and `robots.txt` over every page.
pub fn finish(
    site: &mut Site,
    config: &Config,
    (pages, alternates): (&[Page], &Alternates),
    static_files: &BTreeMap<PathBuf, Vec<u8>>,
    (figures, font_cache): (&Generation, &crate::webfonts::FontCache),
) -> Vec<Diagnostic> {
    let fonts = crate::webfonts::sources(static_files);
    for (path, bytes) in static_files {
        if !fonts.contains(&path.as_path()) {
            site.files.entry(path.clone()).or_insert_with(|| bytes.clone().into());
        }
    }
    let mut errors = Vec::new();
    let web_fonts = web_fonts(static_files, &fonts, site, (font_cache, figures.store));
    keep(&mut site.files, web_fonts, &mut errors);
    let has_robots = static_files.contains_key(std::path::Path::new(web::ROBOTS_FILE));
    let versions = |p: &Page| alternates.of(p).iter().map(|v| (v.tag.as_str(), v.url.as_str())).collect();
    let web_files = web::site_files(config, pages, versions, has_robots);
    site.files.extend(web_files.into_iter().map(|(path, bytes)| (path, bytes.into())));
    (site.figures, site.bodies) = figures.keep();
    errors
}

/// Files rendered into the site, and problems into `errors`.
fn keep(
    files: &mut crate::Files,
    outputs: impl IntoIterator<Item = Result<(PathBuf, impl Into<Content>), Diagnostic>>,
    errors: &mut Vec<Diagnostic>,
) {
    for output in outputs {
        match output {
            Ok((path, bytes)) => {
                files.insert(path, bytes.into());
            }
            Err(e) => errors.push(e),
        }
    }
}

/// The theme's `fonts` as WOFF2 files, cut to the characters of `site`.
fn web_fonts(
    static_files: &BTreeMap<PathBuf, Vec<u8>>,
    fonts: &[&std::path::Path],
    site: &Site,
    caches: (&crate::webfonts::FontCache, &Store),
) -> Vec<Result<(PathBuf, Vec<u8>), Diagnostic>> {
    let chars = crate::webfonts::CharSet::of_site(site.files.iter(), &site.stored_chars);
    fonts
        .par_iter()
        .map(|path| {
            let bytes = crate::webfonts::woff2(path, &static_files[*path], &chars, caches)?;
            Ok((path.with_extension("woff2"), bytes))
        })
        .collect()
}

/// How to cite the study, for the theme.
#[derive(Serialize)]
struct CitationView<'a> {
    html: &'a str,
    bibtex: &'a str,
    ris: &'a str,
}

/// The study's own citation, in the report's style.
fn study_citation(input: &Input) -> crate::cite::StudyCitation {
    let config = input.config;
    let year = input.pages.first().and_then(|p| p.date.as_deref()).and_then(crate::dates::Date::parse);
    let facts = crate::cite::StudyFacts {
        title: &config.title,
        author: config.author.as_deref(),
        year: year.map(|d| d.year),
        url: config.base_url.as_deref(),
    };
    crate::cite::study(&facts, config.citation_style.as_ref(), config.language)
}

/// Files the build writes that a static file or a page of the same name
/// would be lost to: an error, never an overwrite.
fn generated_clashes(input: &Input) -> Vec<Diagnostic> {
    let pdf = input.config.pdf.as_ref().filter(|_| input.publish).map(|p| p.file.as_str());
    let sitemap =
        input.config.base_url.as_ref().filter(|_| input.prefix.is_empty()).map(|_| web::SITEMAP_FILE);
    let feed = web::has_feed(input.pages).then_some(web::FEED_FILE);
    let sources = catalog::url(input.prefix);
    let pages = input.pages.iter().filter(|p| p.url == sources).map(|p| {
        Diagnostic::error(&p.file, None, format!("this page's address, `{sources}`, is the sources page's"))
            .with_hint("the build lists every dataset there; give this page another address with `slug:`")
    });
    let files = [
        Some(crate::cite::BIBTEX_FILE),
        Some(crate::cite::RIS_FILE),
        Some(catalog::FILE),
        pdf,
        sitemap,
        feed,
    ];
    let statics = files
        .into_iter()
        .flatten()
        .map(|name| input.in_edition(name))
        .filter(|name| input.static_files.contains_key(std::path::Path::new(name)))
        .map(|name| {
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                None,
                format!("the build writes `{name}`, and the static file `static/{name}` has the same name"),
            )
            .with_hint("rename the static file (or name the PDF otherwise with `pdf: { file: … }`)")
        });
    pages.chain(statics).collect()
}

/// What the theme links to: the PDF's file name and its size.
#[derive(Serialize)]
struct PdfLink<'a> {
    file: &'a str,
    size: String,
}

/// A PDF, and the warnings typesetting it gave.
type Typeset = (pdf::Pdf, Vec<Diagnostic>);

/// The whole study as a PDF, when the report asks for one.
#[cfg(feature = "pdf")]
fn study_pdf(
    input: &Input,
    bodies: &[Body],
    (references, citation): (&[crate::cite::Reference], &crate::cite::StudyCitation),
    fmt: &NumberFormat,
) -> Result<Option<Typeset>, Vec<Diagnostic>> {
    if !input.publish || input.config.pdf.is_none() {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let mut files = Vec::new();
    let mut chapters = Vec::new();
    let site_files = crate::assets::Files { content: input.content_files, statics: input.static_files };
    for (page, body) in input.pages.iter().zip(bodies) {
        let Some(print) = &body.print else { continue };
        files.extend(print.assets.iter().cloned());
        for path in &print.images {
            if let Some(bytes) = site_files.bytes(std::path::Path::new(path)) {
                files.push((format!("/site/{path}"), bytes.to_vec()));
            }
        }
        chapters.push(pdf::Chapter {
            file: &page.file,
            title: &page.front.title,
            description: page.front.description.as_deref(),
            markup: &print.markup,
        });
    }
    if let Some(logo) = &input.config.brand.logo
        && let Some(bytes) = site_files.bytes(logo)
    {
        files.push((format!("/site/{}", logo.display()), bytes.to_vec()));
    }
    let fonts: Vec<&[u8]> = input
        .static_files
        .iter()
        .filter(|(p, _)| {
            p.starts_with("fonts") && p.extension().is_some_and(|e| e == "otf" || e == "ttf" || e == "ttc")
        })
        .map(|(_, b)| b.as_slice())
        .collect();
    if fonts.is_empty() {
        errors.push(
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                None,
                "the PDF needs a font, and the theme has none in `static/fonts/`",
            )
            .with_hint(
                "add an OpenType font (.otf or .ttf) to the theme's static/fonts/, or set `pdf: false`",
            ),
        );
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let numbered = bodies.iter().flat_map(|b| &b.numbered);
    let study = pdf::Study {
        config: input.config,
        date: input.pages.first().and_then(|p| p.date.as_deref()).map(|d| date_label(d, fmt)),
        cover_keys: input
            .pages
            .iter()
            .zip(bodies)
            .find(|(p, _)| p.is_home())
            .and_then(|(_, b)| b.print.as_ref())
            .map(|p| p.key_figures.concat())
            .filter(|k| !k.is_empty()),
        chapters,
        figures: numbered.clone().filter(|n| n.kind == xref::Kind::Figure).count(),
        tables: numbered.filter(|n| n.kind == xref::Kind::Table).count(),
        sources: sources(input, bodies, fmt),
        references,
        citation: &citation.text.typst,
    };
    pdf::typeset_pdf(&study, files, (&fonts, input.figures.store)).map(Some)
}

/// Without the `pdf` feature, the study has no PDF.
#[cfg(not(feature = "pdf"))]
fn study_pdf(
    _: &Input,
    _: &[Body],
    _: (&[crate::cite::Reference], &crate::cite::StudyCitation),
    _: &NumberFormat,
) -> Result<Option<Typeset>, Vec<Diagnostic>> {
    Ok(None)
}

/// A page's date as the report's language writes it.
#[cfg_attr(not(feature = "pdf"), allow(dead_code))]
fn date_label(date: &str, fmt: &NumberFormat) -> String {
    crate::dates::Date::parse(date).map_or_else(|| date.to_string(), |d| d.label(fmt.language()))
}

/// The datasets the report shows, in the order it first shows them.
#[cfg_attr(not(feature = "pdf"), allow(dead_code))]
fn sources(input: &Input, bodies: &[Body], fmt: &NumberFormat) -> Vec<crate::printed::DataSource> {
    let mut seen = HashSet::new();
    bodies
        .iter()
        .flat_map(|b| &b.shown)
        .map(|s| &s.dataset)
        .filter(|id| seen.insert(id.as_str()))
        .filter_map(|id| input.datasets.get(id))
        .map(|ds| figures::data_source(ds, fmt))
        .collect()
}

fn report_view(c: &Config) -> ReportView<'_> {
    ReportView {
        title: &c.title,
        description: c.description.as_deref(),
        author: c.author.as_deref(),
        language: &c.language_tag,
        base_url: c.base_url.as_deref(),
        logo: c.brand.logo.as_deref().map(|p| crate::assets::link_from("/", p)),
    }
}

fn build_tera(
    templates: &BTreeMap<String, (PathBuf, String)>,
    fmt: Arc<NumberFormat>,
) -> Result<Tera, Vec<Diagnostic>> {
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(crate::html::escape_to);
    prose::register_filters(&mut tera, fmt);
    let list: Vec<(&str, &str)> = templates.iter().map(|(n, (_, t))| (n.as_str(), t.as_str())).collect();
    tera.add_raw_templates(list).map_err(|e| {
        let (file, pos, message) = template_error(&e, templates);
        vec![Diagnostic::error(file, pos, format!("template error: {message}"))]
    })?;
    Ok(tera)
}

/// Where a Tera error points, in the template files we know.
fn template_error(
    e: &tera::Error,
    templates: &BTreeMap<String, (PathBuf, String)>,
) -> (PathBuf, Option<Pos>, String) {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let file = templates
                .get(r.filename())
                .map(|(p, _)| p.clone())
                .unwrap_or_else(|| PathBuf::from(r.filename()));
            let s = r.span();
            (file, Some(Pos::new(s.start_line, s.start_col + 1)), r.message().to_string())
        }
        _ => (PathBuf::from("templates"), None, e.to_string()),
    }
}

/// Numbers figures and tables across the report in reading order, and
/// puts the numbers and the links of references into the pages; an id
/// used twice or a reference to no id is an error. Puts the citations in
/// too ([`format_citations`]) and gives the references they make, and the
/// numbering.
fn number_blocks(
    input: &Input,
    bodies: &mut [Option<Body>],
) -> (Vec<Diagnostic>, Vec<crate::cite::Reference>, xref::Registry) {
    let empty: Vec<xref::Numbered> = Vec::new();
    let listed = input
        .pages
        .iter()
        .zip(bodies.iter())
        .map(|(p, b)| (p.file.as_path(), b.as_ref().map_or(empty.as_slice(), |b| b.numbered.as_slice())));
    let (registry, mut errors) = xref::Registry::new(listed);
    let urls: Vec<&str> = input.pages.iter().map(|p| p.url.as_str()).collect();
    let last_url = urls.last().copied().unwrap_or("/");
    let cited = format_citations(input, bodies, &mut errors);
    // Each page on its own: a thousand bodies are a few tens of megabytes.
    let unknown: Vec<Vec<Diagnostic>> = input
        .pages
        .par_iter()
        .zip(bodies.par_iter_mut())
        .enumerate()
        .map(|(i, (page, body))| {
            let Some(body) = body else { return Vec::new() };
            let lang = input.config.language;
            let here = urls[i];
            let (cited, offset) = match &cited {
                Some((rendered, offsets)) => (Some(rendered), offsets[i]),
                None => (None, 0),
            };
            let html_cite = |n: usize| cite_html(cited, offset + n, here, last_url);
            let typst_cite = |n: usize| cite_typst(cited, offset + n);
            let html = registry.resolve_with(&body.html, i, &html_cite, |t| t.html_link(i, &urls, lang));
            body.html = Arc::new(html);
            if let Some(p) = body.print.as_mut() {
                let link = |t: &xref::Target| {
                    format!(
                        "#link({})[{}]",
                        pdf::markup::anchor_label(t.page, &t.anchor),
                        pdf::markup::text(&t.text(lang))
                    )
                };
                p.markup = registry.resolve_with(&p.markup, i, &typst_cite, link);
                for k in &mut p.key_figures {
                    *k = registry.resolve_with(k, i, &typst_cite, link);
                }
            }
            registry.unknown(&page.file, &body.refs)
        })
        .collect();
    errors.extend(unknown.into_iter().flatten());
    let references = cited.map(|(r, _)| r.references).unwrap_or_default();
    (errors, references, registry)
}

/// The report's citations formatted in reading order, with the place of
/// each page's first among them; citing an unknown key is an error.
fn format_citations(
    input: &Input,
    bodies: &[Option<Body>],
    errors: &mut Vec<Diagnostic>,
) -> Option<(crate::cite::Rendered, Vec<usize>)> {
    let bibliography = input.bibliography?;
    for (page, body) in input.pages.iter().zip(bodies) {
        errors.extend(body.iter().flat_map(|body| bibliography.unknown(&page.file, &body.cites)));
    }
    let mut offsets = Vec::new();
    let mut count = 0;
    for body in bodies {
        offsets.push(count);
        count += body.as_ref().map_or(0, |b| b.cites.len());
    }
    Some((bibliography.render(bodies.iter().flatten().flat_map(|b| &b.cites)), offsets))
}

/// The list of references closing the report, on its last page.
fn references_html(references: &[crate::cite::Reference], lang: crate::config::Language) -> String {
    let mut html = format!(
        "<section class=\"references\" id=\"references\" role=\"doc-bibliography\">\n<h2>{}</h2>\n<ul>\n",
        i18n::t(lang, "references")
    );
    for r in references {
        let label = r
            .label
            .as_ref()
            .map(|l| format!("<span class=\"ref-label\">{}</span> ", l.html))
            .unwrap_or_default();
        html.push_str(&format!(
            "<li id=\"ref-{}\">{label}{}</li>\n",
            crate::html::escape(&r.key),
            r.text.html
        ));
    }
    html.push_str("</ul>\n</section>\n");
    html
}

/// The `n`-th citation of the report, linked to the references that
/// close the report (on the last page).
fn cite_html(cited: Option<&crate::cite::Rendered>, n: usize, here: &str, last: &str) -> String {
    let Some(c) = cited.and_then(|r| r.citations.get(n)) else { return String::new() };
    let target = if here == last { String::new() } else { relative_url(here, last) };
    format!("<a class=\"citation\" href=\"{target}#references\">{}</a>", c.html)
}

/// The `n`-th citation of the report, linked to the PDF's references.
fn cite_typst(cited: Option<&crate::cite::Rendered>, n: usize) -> String {
    let Some(c) = cited.and_then(|r| r.citations.get(n)) else { return String::new() };
    format!("#link({})[{}]", pdf::markup::label("references"), c.typst)
}

/// A section with more pages than this lists, on each of its pages but its
/// index, the pages around the one being read and a link to the index,
/// which lists them all: a page's size does not grow with its section's.
const LONG_SECTION: usize = 40;
/// How many pages a long section lists on either side of the one read.
const NAV_WINDOW: usize = 7;

/// The site's navigation, worked out once for all pages: which pages list
/// under which section, and the chain of previous and next.
struct Navigation {
    /// Pages in the navigation by the URL of their section (`/` for the top
    /// level), in reading order; the home page under `""`.
    children: HashMap<String, Vec<usize>>,
    /// Pages in the navigation, in reading order.
    chain: Vec<usize>,
    /// Each page's place in `chain`, if it is in the navigation.
    place: Vec<Option<usize>>,
    /// Each page's URL in its edition (`/s/b/`).
    local: Vec<String>,
    /// A long section's index page, by the section's URL.
    index: HashMap<String, usize>,
    /// Says how many pages a long section has.
    fmt: Arc<NumberFormat>,
}

/// One line of a page's navigation.
#[derive(Clone, Copy, Debug, PartialEq)]
enum NavItem {
    Page(usize),
    /// The link to the index of a long section, after `last`, the last of
    /// its pages listed.
    All {
        index: usize,
        count: usize,
        last: usize,
    },
}

impl Navigation {
    fn new(pages: &[Page], fmt: Arc<NumberFormat>) -> Navigation {
        let mut children: HashMap<String, Vec<usize>> = HashMap::new();
        let chain: Vec<usize> = (0..pages.len()).filter(|&j| pages[j].front.nav).collect();
        let mut place = vec![None; pages.len()];
        for (k, &j) in chain.iter().enumerate() {
            place[j] = Some(k);
            children.entry(section_of(pages[j].local_url()).to_string()).or_default().push(j);
        }
        let local: Vec<String> = pages.iter().map(|p| p.local_url().to_string()).collect();
        let index = (0..pages.len())
            .filter(|&j| children.get(&local[j]).is_some_and(|c| c.len() > LONG_SECTION))
            .map(|j| (local[j].clone(), j))
            .collect();
        Navigation { children, chain, place, local, index, fmt }
    }

    /// What the navigation of the page at `url` lists: the home page, the
    /// top level, and the pages of every section on the way to it (and its
    /// own subpages). A thousand-page study lists its parts and the
    /// chapters of the part being read, not a thousand links on every page;
    /// a long section, the pages around the one read ([`LONG_SECTION`]).
    fn entries_for(&self, url: &str) -> Vec<NavItem> {
        let ancestors = url.match_indices('/').map(|(i, _)| &url[..=i]);
        let mut entries: Vec<NavItem> = Vec::new();
        for section in std::iter::once("").chain(ancestors) {
            let Some(list) = self.children.get(section) else { continue };
            let index = self.index.get(section).copied().filter(|_| section != url);
            let Some(index) = index else {
                entries.extend(list.iter().map(|&j| NavItem::Page(j)));
                continue;
            };
            // The page read, or the part of the section it is in.
            let at = list.iter().position(|&j| url.starts_with(self.local[j].as_str())).unwrap_or(0);
            let width = 2 * NAV_WINDOW + 1;
            let end = (at.saturating_sub(NAV_WINDOW) + width).min(list.len());
            let shown = &list[end.saturating_sub(width)..end];
            entries.extend(shown.iter().map(|&j| NavItem::Page(j)));
            let last = shown.last().copied().unwrap_or(index);
            entries.push(NavItem::All { index, count: list.len(), last });
        }
        // In reading order; a section's link to all its pages after them.
        entries.sort_by_key(|item| match *item {
            NavItem::Page(j) => (j, false),
            NavItem::All { last, .. } => (last, true),
        });
        entries
    }

    fn previous(&self, page: usize) -> Option<usize> {
        let k = self.place[page]?;
        k.checked_sub(1).map(|k| self.chain[k])
    }

    fn next(&self, page: usize) -> Option<usize> {
        self.chain.get(self.place[page]? + 1).copied()
    }
}

/// The URL of the section a page is in: `/s/` for `/s/b/`, `/` for `/a/`
/// and `/s/`; `""` for the home page.
fn section_of(url: &str) -> &str {
    let trimmed = url.trim_end_matches('/');
    trimmed.rfind('/').map_or("", |i| &url[..=i])
}

/// Warnings about the site as a whole: datasets nothing uses, pages
/// nothing reaches.
fn site_warnings(input: &Input, bodies: &[Option<Body>]) -> Vec<Diagnostic> {
    let shown: HashSet<&str> =
        bodies.iter().flatten().flat_map(|b| &b.shown).map(|s| s.dataset.as_str()).collect();
    let texts =
        input.pages.iter().map(|p| p.body.as_str()).chain(input.templates.values().map(|(_, t)| t.as_str()));
    let links: Vec<&[PageLink]> = bodies.iter().flatten().map(|b| b.links.as_slice()).collect();
    let mut out = lint::unused_datasets(input.datasets, &shown, texts);
    out.extend(lint::unreachable_pages(input.pages, &links));
    out
}

/// Every `#anchor` in a link must be a heading id of its target page.
fn check_anchors(pages: &[Page], bodies: &[Option<Body>]) -> Vec<Diagnostic> {
    let ids: HashMap<&str, HashSet<&str>> = pages
        .iter()
        .zip(bodies)
        .filter_map(|(p, b)| {
            Some((p.url.as_str(), b.as_ref()?.headings.iter().map(|h| h.id.as_str()).collect()))
        })
        .collect();
    let mut errors = Vec::new();
    for (page, body) in pages.iter().zip(bodies) {
        for link in body.iter().flat_map(|b| &b.links) {
            let Some(anchor) = &link.anchor else { continue };
            let Some(known) = ids.get(link.target_url.as_str()) else {
                continue;
            };
            if !known.contains(anchor.as_str()) && !xref::is_block_anchor(anchor) && !anchor.is_empty() {
                errors.push(
                    Diagnostic::error(
                        &page.file,
                        Some(link.pos),
                        format!("no heading `#{anchor}` on the page `{}`", link.target_url),
                    )
                    .suggest(anchor, known.iter().copied()),
                );
            }
        }
    }
    errors
}

fn render_page(
    i: usize,
    page: &Page,
    (body, meta): (Body, web::PageMeta),
    input: &Input,
    (tera, base, navigation): (&Tera, &Context, &Navigation),
    reuse: Reuse,
) -> Result<(PathBuf, Content, String), Diagnostic> {
    let name = template_name(page, input)?;
    // The body is compared on its own, not copied into the context first.
    let own = page_context(i, page, (&body.headings, &meta), input, navigation);
    let path = page.output_path();
    let (html, chars) = input.figures.page_html(&path, (reuse, &name, own, &body), |mut own| {
        own.insert("page", &page_view(page, &body.headings, &body.html));
        let mut ctx = base.clone();
        ctx.extend(own);
        tera.render(&name, &ctx).map_err(|e| {
            let (file, pos, message) = template_error(&e, input.templates);
            Diagnostic::error(file, pos, format!("rendering `{}`: {message}", page.file.display()))
        })
    })?;
    Ok((path, html, chars))
}

/// The template a page asks for, which must be one of the theme's.
fn template_name(page: &Page, input: &Input) -> Result<String, Diagnostic> {
    match &page.front.template {
        Some(t) if !input.templates.contains_key(&t.value) => {
            let pos = crate::yaml::pos_of(t, 1);
            Err(Diagnostic::error(&page.file, Some(pos), format!("no template `{}`", t.value))
                .suggest(&t.value, input.templates.keys().map(String::as_str)))
        }
        Some(t) => Ok(t.value.clone()),
        None if page.is_home() => Ok("index.html".to_string()),
        None => Ok("page.html".to_string()),
    }
}

/// The page's own part of its template's context, its body left out:
/// what every page shares is in the edition's base context.
fn page_context(
    i: usize,
    page: &Page,
    (headings, meta): (&[markdown::Heading], &web::PageMeta),
    input: &Input,
    navigation: &Navigation,
) -> Fields {
    let pages = input.pages;
    let nav = nav_entries(navigation, pages, (page.local_url(), &page.url));
    let neighbour =
        |j: usize| Neighbour { title: &pages[j].front.title, url: relative_url(&page.url, &pages[j].url) };
    let mut ctx = Fields::default();
    ctx.insert("nav", &nav);
    ctx.insert("prev", &navigation.previous(i).map(neighbour));
    ctx.insert("next", &navigation.next(i).map(neighbour));
    ctx.insert("root", &root_prefix(&page.url));
    ctx.insert("languages", &input.alternates.links(page, input.config));
    ctx.insert("meta", meta);
    ctx.insert("page", &page_view(page, headings, ""));
    ctx
}

/// What a template knows of its page, showing `content` as its body.
fn page_view<'a>(page: &'a Page, headings: &'a [markdown::Heading], content: &'a str) -> PageView<'a> {
    let toc = if page.front.toc {
        let entries = headings.iter().filter(|h| h.level <= 3);
        entries.map(|h| TocEntry { level: h.level, id: &h.id, title: &h.text }).collect()
    } else {
        Vec::new()
    };
    PageView {
        title: &page.front.title,
        description: page.front.description.as_deref(),
        date: page.date.as_deref(),
        url: &page.url,
        content,
        toc,
        is_home: page.is_home(),
    }
}

/// The navigation of the page at `url` (`local`, in its edition), links
/// relative to it.
fn nav_entries<'p>(
    navigation: &Navigation,
    pages: &'p [Page],
    (local, url): (&str, &str),
) -> Vec<NavEntry<'p>> {
    let fmt = &navigation.fmt;
    let depth = |p: &Page| p.depth().saturating_sub(usize::from(p.is_section_index()));
    let entry = |p: &'p Page, title: std::borrow::Cow<'p, str>| NavEntry {
        title,
        url: relative_url(url, &p.url),
        current: p.url == url,
        depth: depth(p),
        all: false,
    };
    navigation
        .entries_for(local)
        .into_iter()
        .map(|item| match item {
            NavItem::Page(j) => entry(&pages[j], pages[j].front.title.as_str().into()),
            NavItem::All { index, count, last } => {
                let n = fmt.number(count as f64, None);
                let title = crate::i18n::fill(fmt.t("all_chapters"), &[("n", &n)]);
                NavEntry {
                    current: false,
                    depth: depth(&pages[last]),
                    all: true,
                    ..entry(&pages[index], title.into())
                }
            }
        })
        .collect()
}

/// Every block of the edition that shows data, numbered, for the sources
/// page.
fn catalog_uses(
    bodies: &[Option<Body>],
    registry: &xref::Registry,
    lang: crate::config::Language,
) -> Vec<catalog::Use> {
    let mut uses = Vec::new();
    for (page, body) in bodies.iter().enumerate() {
        let Some(body) = body else { continue };
        for shown in &body.shown {
            let target = shown.numbered.and_then(|n| body.numbered.get(n)).map(|b| registry.target(page, b));
            uses.push(catalog::Use {
                dataset: shown.dataset.clone(),
                page,
                label: target.as_ref().map(|t| t.text(lang)),
                anchor: target.map(|t| t.anchor),
            });
        }
    }
    uses
}

/// The sources page ([`catalog`]) and its social card, from the blocks
/// that show data and the size of each dataset's CSV file.
fn render_sources<'a>(
    input: &Input<'a>,
    (uses, csv_sizes): (Vec<catalog::Use>, HashMap<&'a str, usize>),
    (tera, base, navigation): (&Tera, &Context, &Navigation),
    (fmt, painter): (&NumberFormat, Option<&Painter>),
) -> Vec<Result<(PathBuf, Vec<u8>), Diagnostic>> {
    let url = catalog::url(input.prefix);
    let facts = catalog::Facts {
        datasets: input.datasets,
        pages: input.pages.iter().map(|p| (p.front.title.as_str(), p.url.as_str())).collect(),
        uses,
        csv_sizes,
        prefix: input.prefix,
    };
    let title = spaced_text(fmt.t("sources"), fmt);
    let intro = spaced_text(fmt.t("sources_intro"), fmt);
    let meta =
        web::sources_meta(input.config, input.datasets, (&title, &intro), input.prefix, painter.is_some());
    let mut ctx = base.clone();
    ctx.insert("nav", &nav_entries(navigation, input.pages, ("/", &url)));
    ctx.insert("prev", &None::<Neighbour>);
    ctx.insert("next", &None::<Neighbour>);
    ctx.insert("root", &root_prefix(&url));
    ctx.insert("languages", &input.alternates.sources_links(input.config));
    ctx.insert("sources_page", &catalog::view(&facts, fmt));
    ctx.insert("sources_intro", &intro);
    let card = painter.map(|p| {
        let file = std::path::Path::new(catalog::FILE);
        paint_card((p, input.figures.store), file, (Some(input.config.title.as_str()), &meta, None), &url)
    });
    ctx.insert("meta", &meta);
    let html = tera.render("sources.html", &ctx).map_err(|e| {
        let (file, pos, message) = template_error(&e, input.templates);
        Diagnostic::error(file, pos, format!("rendering the sources page: {message}"))
    });
    let page = html.map(|h| (PathBuf::from(input.in_edition(catalog::FILE)), h.into_bytes()));
    std::iter::once(page).chain(card).collect()
}

/// `text` in the language's typography.
fn spaced_text(text: &str, fmt: &NumberFormat) -> String {
    crate::typography::spaced(text, fmt.language()).into_owned()
}

/// The page a server shows for an address the site does not have, at any
/// depth (`/a/b/nope.html`): with `base_url` its links are full addresses;
/// without, they start at the host's root and its style is inside it, so
/// it looks right wherever it is served from.
fn render_404(tera: &Tera, base: &Context, input: &Input) -> Result<Vec<u8>, Diagnostic> {
    let mut ctx = base.clone();
    match &input.config.base_url {
        Some(base_url) => ctx.insert("root", base_url),
        None => {
            ctx.insert("root", "/");
            let css = input.static_files.get(std::path::Path::new("style.css"));
            // Its fonts, like its links, start at the host's root.
            let css = css.map(|c| {
                String::from_utf8_lossy(c).replace("</", "<\\/").replace("url(\"fonts/", "url(\"/fonts/")
            });
            ctx.insert("inline_css", &css);
        }
    }
    ctx.insert("meta", &web::PageMeta { title: input.config.title.clone(), ..Default::default() });
    ctx.insert("nav", &Vec::<NavEntry>::new());
    ctx.insert("languages", &Vec::<LanguageLink>::new());
    ctx.insert("prev", &None::<Neighbour>);
    ctx.insert("next", &None::<Neighbour>);
    tera.render("404.html", &ctx)
        .map(String::into_bytes)
        .map_err(|e| Diagnostic::error("templates/404.html", None, format!("rendering the 404 page: {e}")))
}

/// What draws social cards, and a key of what it draws them with (fonts,
/// colours) for the build cache.
#[cfg(feature = "social-cards")]
struct Painter {
    cards: crate::cards::Painter,
    stamp: cache::Key,
}
#[cfg(not(feature = "social-cards"))]
type Painter = std::convert::Infallible;

/// Social cards are drawn when the site has an address to share them
/// from (`base_url`), is being published, and the binary can draw them.
fn draws_cards(input: &Input) -> bool {
    cfg!(feature = "social-cards") && input.publish && input.config.base_url.is_some()
}

/// What draws the social cards, when [`draws_cards`].
#[cfg(feature = "social-cards")]
fn card_painter(input: &Input) -> Option<Painter> {
    if !draws_cards(input) {
        return None;
    }
    let fonts: Vec<&[u8]> = crate::webfonts::fonts(input.static_files).map(|(_, b)| b.as_slice()).collect();
    let css = input.static_files.get(std::path::Path::new("style.css"));
    let palette =
        css.map(|c| crate::cards::Palette::from_css(&String::from_utf8_lossy(c))).unwrap_or_default();
    let stamp = cache::Key::of((&fonts, css));
    let cards = crate::cards::Painter::new(fonts.into_iter(), crate::charts::canvas::FAMILY, palette);
    Some(Painter { cards, stamp })
}

#[cfg(not(feature = "social-cards"))]
fn card_painter(_: &Input) -> Option<Painter> {
    None
}

/// What a social card shows: the line above the title, the page's
/// title and description, and its figure.
type CardFacts<'a> = (Option<&'a str>, &'a web::PageMeta, Option<&'a crate::printed::Printed>);

/// The social card of the page at `url` (from `file`, for errors): its
/// path and PNG bytes.
/// Taken from the build cache when a card of the same facts was drawn
/// with the same fonts and colours.
#[cfg(feature = "social-cards")]
fn paint_card(
    (painter, store): (&Painter, &Store),
    file: &std::path::Path,
    (kicker, meta, figure): CardFacts,
    url: &str,
) -> Result<(PathBuf, Vec<u8>), Diagnostic> {
    let path = PathBuf::from(web::card_path(url));
    let (title, description) = (&meta.title, meta.description.as_deref());
    let key = cache::Key::of((painter.stamp, kicker, title, description, figure));
    if let Some(png) = store.get(cache::Kind::Card, key) {
        return Ok((path, png));
    }
    let card = crate::cards::Card { kicker, title, description, figure };
    let png = painter.cards.paint(&card).map_err(|e| {
        Diagnostic::error(file, None, format!("drawing the page's social card: {e}"))
            .with_hint("report this problem; set no `base_url` to build without social cards")
    })?;
    store.put(cache::Kind::Card, key, &png);
    Ok((path, png))
}

#[cfg(not(feature = "social-cards"))]
fn paint_card(
    (painter, _): (&Painter, &Store),
    _: &std::path::Path,
    _: CardFacts,
    _: &str,
) -> Result<(PathBuf, Vec<u8>), Diagnostic> {
    match *painter {}
}
