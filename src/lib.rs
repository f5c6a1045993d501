//! barometer turns YAML datasets and Markdown commentary into a static
//! report site with charts.
//!
//! The pipeline reads top to bottom in [`run`]: load the files, validate
//! the settings and datasets, render pages and charts in memory, then
//! write the site, touching only files an earlier build wrote, and only
//! what changed. Every stage reports all the problems it
//! finds as [`Diagnostic`]s; the first stage with errors stops the run, and
//! nothing is written unless everything succeeded.

pub mod assets;
pub mod blocks;
pub mod brand;
pub mod cache;
#[cfg(feature = "social-cards")]
pub mod cards;
pub mod catalog;
pub mod charts;
pub mod cite;
pub mod config;
pub mod content;
pub mod datasets;
pub mod dates;
pub mod diagnostics;
pub mod expr;
pub mod figures;
pub mod format;
pub mod html;
pub mod i18n;
pub mod lint;
pub mod load;
pub mod markdown;
pub mod pages;
pub mod paths;
pub mod pdf;
pub mod printed;
pub mod prose;
pub mod render;
#[cfg(feature = "serve")]
pub mod serve;
pub mod site;
pub mod sources;
pub mod starter;
pub mod stats;
pub mod theme;
pub mod typography;
pub mod web;
pub mod webfonts;
pub mod xref;
pub mod yaml;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub use diagnostics::{Diagnostic, Severity};

use config::Config;
use pages::Page;

/// What to do.
#[derive(Clone, Debug)]
pub struct Options {
    pub root: PathBuf,
    /// Where to write; `None` checks only.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    /// Warnings are errors: nothing is written while any remains.
    pub strict: bool,
    /// Write into an output folder barometer did not write before (one
    /// with files but no manifest), overwriting files at the site's paths.
    pub force: bool,
    /// Told as pages render, for a progress bar.
    pub progress: Progress,
    /// Make what only a published site needs: the study's PDF (when the
    /// report asks for one) and the social cards. `serve` does not, so an
    /// edit shows in the browser at once.
    pub publish: bool,
    /// The site's address, over report.yaml's `base_url`.
    pub base_url: Option<String>,
}

/// Told how many pages have rendered, of how many, as a build goes.
#[derive(Clone, Default)]
pub struct Progress(Option<Arc<dyn Fn(usize, usize) + Send + Sync>>);

impl Progress {
    pub fn new(tell: impl Fn(usize, usize) + Send + Sync + 'static) -> Progress {
        Progress(Some(Arc::new(tell)))
    }

    pub fn tell(&self, done: usize, total: usize) {
        if let Some(f) = &self.0 {
            f(done, total);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Progress(on)" } else { "Progress(off)" })
    }
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Summary {
    pub pages: usize,
    pub charts: usize,
    pub datasets: usize,
    pub millis: u128,
    /// Charts and tables drawn by this build, and taken from the cache.
    pub figures: render::FigureCount,
    /// Page bodies rendered by this build, and taken from the cache.
    pub bodies: render::PageCount,
    /// The pages of the study's PDF, when one was typeset.
    pub pdf_pages: Vec<usize>,
}

/// The result of a run: warnings and errors, the source texts to show them
/// with, and a summary when the run succeeded.
#[derive(Debug, Default)]
pub struct Outcome {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: BTreeMap<PathBuf, String>,
    pub summary: Option<Summary>,
    /// What the output folder holds after a failed build: untouched unless
    /// writing itself failed halfway.
    pub output_state: site::OutputState,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// The files of a built site: path in the output folder, bytes.
pub type Files = BTreeMap<PathBuf, content::Content>;

/// What is kept between builds of one project by a long-running process
/// (`serve`), so a rebuild redoes only what changed. The default keeps
/// nothing, for one-off builds.
#[derive(Default)]
pub struct Cache {
    memory: render::MemoryCache,
    fonts: webfonts::FontCache,
    parsed: pages::Parsed,
    datasets: datasets::Reads,
}

impl Cache {
    /// A cache that keeps figures and page bodies from one build to the next.
    pub fn reusing() -> Cache {
        Cache {
            memory: render::MemoryCache::reusing(),
            fonts: webfonts::FontCache::default(),
            parsed: pages::Parsed::reusing(),
            datasets: datasets::Reads::reusing(),
        }
    }
}

/// Builds (or, without an output, checks) the project.
pub fn run(opts: &Options) -> Outcome {
    run_with(opts, &Cache::default()).0
}

/// [`run`], reusing what `cache` kept from the runs before. On success it
/// also gives the site's files, which `serve` keeps in memory.
pub fn run_with(opts: &Options, cache: &Cache) -> (Outcome, Option<Files>) {
    let start = Instant::now();
    let mut project = match load::load(&opts.root) {
        Ok(p) => p,
        Err(errs) => return (Outcome { diagnostics: errs, ..Outcome::default() }, None),
    };
    let (diagnostics, built, output_state) = build(opts, &mut project, cache);
    // Only the files a diagnostic names are kept to show it: a raw export
    // of fifty megabytes is not copied for nothing.
    let named: HashSet<&Path> = diagnostics.iter().map(|d| d.file.as_path()).collect();
    let sources = project.sources().filter(|(p, _)| named.contains(p));
    let sources = sources.map(|(p, t)| (p.to_path_buf(), t.to_string())).collect();
    let (summary, files) = match built {
        Some(b) => {
            let millis = start.elapsed().as_millis();
            let summary = Summary {
                pages: b.pages,
                charts: b.charts,
                datasets: b.datasets,
                millis,
                figures: b.figures,
                bodies: b.bodies,
                pdf_pages: b.pdf_pages,
            };
            (Some(summary), Some(b.files))
        }
        None => (None, None),
    };
    (Outcome { diagnostics, sources, summary, output_state }, files)
}

/// A site built: its files, and what the summary line counts.
struct Built {
    files: Files,
    pages: usize,
    charts: usize,
    datasets: usize,
    figures: render::FigureCount,
    bodies: render::PageCount,
    pdf_pages: Vec<usize>,
    /// The build cache on disk, to clear of what this build did not use.
    store: cache::Store,
}

/// Validates, renders and (with an output) writes a loaded project: its
/// diagnostics, the site when it built, and the state of the output.
fn build(
    opts: &Options,
    project: &mut load::Project,
    cache: &Cache,
) -> (Vec<Diagnostic>, Option<Built>, site::OutputState) {
    let (diags, built) = build_site(opts, project, cache);
    let Some(built) = built else { return (diags, None, site::OutputState::Untouched) };
    let Some(output) = &opts.output else {
        return (diags, Some(built), site::OutputState::Untouched);
    };
    match write(output, opts, (&built.files, &built.store)) {
        None => {
            let mut diags = diags;
            diags.extend(finish_cache(&built.store, opts));
            (diags, Some(built), site::OutputState::Untouched)
        }
        Some((d, state)) => {
            let mut diags = diags;
            diags.push(d);
            (diags, None, state)
        }
    }
}

/// Clears the build cache of what this build did not use; a note if the
/// cache could not be written or holds a link. The PDF's and the cards'
/// entries stay when they were not made (`serve`).
fn finish_cache(store: &cache::Store, opts: &Options) -> Option<Diagnostic> {
    let kinds: &[cache::Kind] =
        if opts.publish { &cache::Kind::ALL } else { &[cache::Kind::Figure, cache::Kind::Font] };
    let (trouble, fix) = store.finish(kinds)?;
    let hint = format!("the site is built all the same; {fix}");
    Some(Diagnostic::note(config::CONFIG_FILE, None, trouble).with_hint(hint))
}

/// Writes the site into `output`; on failure, why, and in what state the
/// output is.
fn write(
    output: &Path,
    opts: &Options,
    (files, store): (&Files, &cache::Store),
) -> Option<(Diagnostic, site::OutputState)> {
    if site::holds_project(output, &opts.root) {
        let message =
            "the output folder holds the project itself, and writing the site there would delete it";
        let d = Diagnostic::error(output, None, message)
            .with_hint("choose another folder (the default is public/)");
        return Some((d, site::OutputState::Untouched));
    }
    let mut stamps = store.stamps(output);
    let written = site::write_site(output, files, opts.force, &mut stamps);
    if written.is_ok() {
        store.keep_stamps(output, &stamps);
    }
    written.err().map(|e| {
        let message = match e.state {
            site::OutputState::Untouched => format!("{}; nothing was written", e.message),
            site::OutputState::PartlyUpdated { replaced, changed } => format!(
                "{}; the output is partly updated: {replaced} of {changed} changed files were replaced, \
                 the others are from the previous build",
                e.message
            ),
        };
        (Diagnostic::error(&e.path, None, message).with_hint(e.hint), e.state)
    })
}

/// Validates and renders a loaded project: its diagnostics, and the site
/// when it built.
fn build_site(
    opts: &Options,
    project: &mut load::Project,
    cache: &Cache,
) -> (Vec<Diagnostic>, Option<Built>) {
    let mut diags = diagnostics::Diagnostics::default();
    diags.extend(std::mem::take(&mut project.warnings));
    let mut config = match Config::parse(&project.config) {
        Ok(mut c) => {
            c.base_url = opts.base_url.clone().or(c.base_url);
            diags.extend(std::mem::take(&mut c.warnings));
            Some(c)
        }
        Err(errs) => {
            diags.extend(errs);
            None
        }
    };
    if let Some(c) = config.as_mut() {
        diags.extend(load::load_overrides(project, &c.theme));
        diags.extend(load::load_snapshots(project, &c.snapshots));
        if let Some(file) = &c.bibliography {
            diags.extend(load::load_bibliography(project, file));
        }
        diags.extend(load::load_extra_css(project, &c.extra_css));
        diags.extend(apply_brand(c, project));
    }
    let mut bibliography = config.as_ref().and_then(|c| bibliography(c, project, &mut diags));
    let store = match config.as_ref() {
        Some(c) => cache::Store::open(&opts.root, &c.cache, opts.output.as_deref()).unwrap_or_else(|why| {
            let hint = "set `cache:` in report.yaml to a folder of its own in the project, or delete this one \
                        if nothing in it is yours";
            diags.push(Diagnostic::warning(config::CONFIG_FILE, None, why).with_hint(hint));
            cache::Store::off()
        }),
        None => cache::Store::off(),
    };

    // Validate: datasets and pages, all errors of both.
    // Tiers come from report.yaml; when it has errors, the defaults keep
    // dataset checks going so every error shows in one run.
    let tiers = config.as_ref().map(|c| c.tiers.clone()).unwrap_or_else(config::default_tiers);
    let languages: Vec<config::Language> = config.as_ref().map(Config::languages).unwrap_or_default();
    let tongue = i18n::Tongue {
        lang: languages.first().copied().unwrap_or(config::Language::En),
        languages: &languages,
    };
    let read = datasets::read_all(&project.datasets, tongue, &cache.datasets);
    // A report in one language reads its rows files once: they can go
    // before derived datasets are computed from them.
    if languages.len() <= 1 {
        let named: Vec<PathBuf> =
            diags.items.iter().chain(read.diagnostics()).map(|d| d.file.clone()).collect();
        project.release_rows(
            &named.iter().map(PathBuf::as_path).collect(),
            cache.memory.is_on() || store.is_on(),
        );
    }
    let (mut datasets, ds_diags) = read.derive(&tiers, &cache.datasets);
    diags.extend(ds_diags);
    if let Some(b) = bibliography.as_mut() {
        diags.extend(b.source_datasets(&mut datasets, &project.datasets));
    }
    let (pages, left_out) = parse_pages(project, (&languages, &cache.parsed), opts.drafts, &mut diags);
    let (strings, string_diags) = i18n::project_strings(&project.translations, &languages);
    diags.extend(string_diags);
    let Some(config) = config.filter(|_| !diags.has_errors()) else {
        return (diags.sorted(), None);
    };

    let report = Report {
        config: &config,
        pages: &pages,
        left_out: &left_out,
        datasets: &datasets,
        bibliography: bibliography.as_ref(),
        strings: &strings,
        languages: &languages,
    };
    let Some(site) = render_site(opts, project, &report, (cache, &store), &mut diags) else {
        return (diags.sorted(), None);
    };

    let broken = render::broken_links(&site);
    // A broken image is not also a warning that the PDF cannot show it.
    let line = |d: &Diagnostic| (d.file.clone(), d.pos.map(|p| p.line));
    let at: HashSet<_> = broken.iter().map(line).collect();
    diags.items.retain(|d| d.is_error() || !at.contains(&line(d)));
    diags.extend(broken);
    for (a, b) in site::path_conflicts(&site.files) {
        let message = format!(
            "the site would write both `{}` and `{}`, which cannot both exist",
            a.display(),
            b.display()
        );
        let hint = "rename the page, dataset or static file behind one of them";
        diags.push(Diagnostic::error(origin(&b, &pages, project), None, message).with_hint(hint));
    }
    if diags.has_errors() {
        return (diags.sorted(), None);
    }
    // Said under `--strict` only, as a note: a student's coursework has no
    // address, and a study about to be published should have one.
    if opts.strict && config.base_url.is_none() {
        let message = "the site has no address: shared links show no preview card, and there is no \
                       sitemap, robots.txt or canonical address";
        let hint = "add `base_url: https://…/` (the address the site is published at) to report.yaml, or pass `--base-url`";
        diags.push(Diagnostic::note(config::CONFIG_FILE, None, message).with_hint(hint));
    }
    if opts.strict {
        diags.extend(missing_translations(&config, &pages));
    }
    if opts.strict && diags.items.iter().any(|d| d.severity == Severity::Warning) {
        return (strict(diags.sorted()), None);
    }
    let built = Built {
        pages: site.pages,
        charts: site.charts,
        datasets: datasets.len(),
        figures: site.figures,
        bodies: site.bodies,
        pdf_pages: site.pdf_pages,
        files: site.files,
        store,
    };
    (diags.sorted(), Some(built))
}

/// The report in memory, validated, in its first language: what each
/// edition is rendered from.
struct Report<'a> {
    config: &'a Config,
    pages: &'a [Page],
    left_out: &'a HashSet<PathBuf>,
    datasets: &'a BTreeMap<String, datasets::Dataset>,
    bibliography: Option<&'a cite::Bibliography>,
    /// The project's translation files, by language.
    strings: &'a BTreeMap<config::Language, i18n::Strings>,
    languages: &'a [config::Language],
}

/// Renders each edition of the report, then what the whole site shares;
/// `None` when any of it failed, with why in `diags`.
fn render_site(
    opts: &Options,
    project: &load::Project,
    report: &Report,
    (cache, store): (&Cache, &cache::Store),
    diags: &mut diagnostics::Diagnostics,
) -> Option<render::Site> {
    let config = report.config;
    let figures = cache.memory.generation(|| project.data_fingerprint(), store);
    let alternates = render::Alternates::new(config, report.pages);
    let mut site = render::Site::default();
    let mut errors = Vec::new();
    let (mut rendered, all) = (0, report.pages.len());
    for edition in &config.editions {
        let lang = edition.language;
        let first = lang == config.default_language();
        let edition_config = config.edition(edition);
        let prefix = config.prefix(lang);
        let own: Vec<Page>;
        let pages = if config.is_multilingual() {
            let wanted = config.page_language(lang);
            own = report.pages.iter().filter(|p| p.lang == wanted).cloned().collect();
            &own
        } else {
            report.pages
        };
        // One bar for the whole site, the editions one after the other.
        let (outer, before) = (opts.progress.clone(), rendered);
        let progress = Progress::new(move |done, _| outer.tell(before + done, all));
        rendered += pages.len();
        let context = (report.languages, report.bibliography, &cache.datasets);
        let local = edition_data(&edition_config, project, context, first, diags);
        let (datasets, bibliography) = match &local {
            Some((d, b)) => (d, b.as_ref()),
            None => (report.datasets, report.bibliography),
        };
        let input = render::Input {
            config: &edition_config,
            pages,
            left_out: report.left_out,
            datasets,
            templates: &project.templates,
            static_files: &project.static_files,
            content_files: &project.content_files,
            figures: &figures,
            progress: &progress,
            publish: opts.publish,
            bibliography,
            fonts: &cache.fonts,
            prefix: &prefix,
            alternates: &alternates,
            strings: report.strings.get(&lang),
        };
        match render::render(&input) {
            Ok((edition_site, warnings)) => {
                diags.extend(warnings);
                site.merge(edition_site);
            }
            Err(errs) => errors.extend(errs),
        }
    }
    if errors.is_empty() {
        let shared = (&figures, &cache.fonts);
        errors =
            render::finish(&mut site, config, (report.pages, &alternates), &project.static_files, shared);
    }
    let failed = !errors.is_empty();
    diags.extend(errors);
    (!failed).then_some(site)
}

/// Finds the brand's logo and fonts, and puts its CSS and the project's
/// `extra_css` after the theme's stylesheet, in the one file pages load.
fn apply_brand(config: &mut Config, project: &mut load::Project) -> Vec<Diagnostic> {
    let files = assets::Files { content: &project.content_files, statics: &project.static_files };
    let errors = config.brand.find_files(files);
    // A logo beside the pages is published like a static file.
    for path in config.brand.content_files(files) {
        if let Some(bytes) = project.content_files.get(&path) {
            project.static_files.insert(path, bytes.clone());
        }
    }
    let css = format!("{}{}", config.brand.css(), brand::extra_css(&project.extra_css));
    if !css.is_empty() {
        project.static_files.entry(PathBuf::from("style.css")).or_default().extend_from_slice(css.as_bytes());
    }
    errors
}

/// The report's bibliography, parsed with its citation style.
fn bibliography(
    config: &Config,
    project: &load::Project,
    diags: &mut diagnostics::Diagnostics,
) -> Option<cite::Bibliography> {
    let (file, text) = project.bibliography.as_ref()?;
    let style = config.citation_style.clone()?;
    cite::Bibliography::parse(file, text, style, config.language).map_err(|errs| diags.extend(errs)).ok()
}

/// The project file behind a file of the site, as far as can be told.
fn origin(output: &Path, pages: &[Page], project: &load::Project) -> PathBuf {
    if let Some(p) = pages.iter().find(|p| output.starts_with(p.url.trim_matches('/')) && p.url != "/") {
        return p.file.clone();
    }
    let id = output
        .strip_prefix("data")
        .ok()
        .map(|rel| rel.with_extension("").to_string_lossy().replace('\\', "/"));
    let dataset = project.datasets.iter().find(|d| Some(&d.id) == id.as_ref());
    match dataset.and_then(|d| d.yaml.as_ref().map(|y| &y.0).or(d.rows.as_ref().map(|r| &r.0))) {
        Some(file) => file.clone(),
        None if project.static_files.contains_key(output) => Path::new("static").join(output),
        None => PathBuf::from("content"),
    }
}

/// Under `--strict`, every warning is an error (notes stay notes).
fn strict(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    for d in diags.iter_mut().filter(|d| d.severity == Severity::Warning) {
        d.severity = Severity::Error;
    }
    diags
}

/// Parses every page; drafts are left out unless asked for. In a report
/// in several `languages`, `a.en.md` is `a.md` in English.
fn parse_pages(
    project: &load::Project,
    (languages, parsed): (&[config::Language], &pages::Parsed),
    drafts: bool,
    diags: &mut diagnostics::Diagnostics,
) -> (Vec<Page>, HashSet<PathBuf>) {
    let mut pages = Vec::new();
    let mut left_out = HashSet::new();
    for parsed in parsed.parse_all(&project.pages, languages) {
        match parsed {
            Ok(p) if p.front.draft && !drafts => {
                left_out.insert(p.file);
            }
            Ok(p) => pages.push(p),
            Err(d) => diags.push(d),
        }
    }
    inherit_from_originals(&mut pages);
    pages::reading_order(&mut pages);
    let mut taken = pages::generated_names(project.static_files.keys().map(PathBuf::as_path));
    for lang in languages.iter().skip(1) {
        taken.insert(lang.code().to_string(), format!("the {} edition of the report", lang.code()));
    }
    diags.extend(pages::check_urls(&pages, &taken));
    if pages.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::error("content", None, "the report has no pages")
                .with_hint("add content/_index.md with a `title` in its front matter"),
        );
    }
    (pages, left_out)
}

/// A translation without a `weight` or `date` of its own takes its
/// original's, so both editions read in the same order and date.
fn inherit_from_originals(pages: &mut [Page]) {
    let originals: std::collections::HashMap<PathBuf, (Option<i64>, Option<String>)> = pages
        .iter()
        .filter(|p| p.lang.is_none())
        .map(|p| (p.key.clone(), (p.front.weight, p.date.clone())))
        .collect();
    for p in pages.iter_mut().filter(|p| p.lang.is_some()) {
        if let Some((weight, date)) = originals.get(&p.key) {
            p.front.weight = p.front.weight.or(*weight);
            p.date = p.date.clone().or_else(|| date.clone());
        }
    }
}

/// Under `--strict`, a note for each page of the first language that
/// another language lacks. Notes, not warnings: a report translated a
/// chapter at a time still builds, and the list says what is left.
fn missing_translations(config: &Config, pages: &[Page]) -> Vec<Diagnostic> {
    let others: Vec<config::Language> = config.editions.iter().skip(1).map(|e| e.language).collect();
    let have: HashSet<(&Path, config::Language)> =
        pages.iter().filter_map(|p| Some((p.key.as_path(), p.lang?))).collect();
    pages
        .iter()
        .filter(|p| p.lang.is_none())
        .filter_map(|p| {
            let missing: Vec<&str> =
                others.iter().filter(|l| !have.contains(&(p.key.as_path(), **l))).map(|l| l.code()).collect();
            let first = missing.first()?;
            let stem = p.key.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let message = format!("this page has no translation in {}", missing.join(", "));
            let hint = format!(
                "add `{}` beside it; until then it is left out of that edition",
                p.key.with_file_name(format!("{stem}.{first}.md")).display()
            );
            Some(Diagnostic::note(&p.file, None, message).with_hint(hint))
        })
        .collect()
}

/// The datasets and bibliography in an edition's language, when it is not
/// the first (whose are built already). Their problems were told by the
/// first edition; only what is new (a missing translation) is added.
fn edition_data(
    config: &Config,
    project: &load::Project,
    (languages, bibliography, reads): (&[config::Language], Option<&cite::Bibliography>, &datasets::Reads),
    first: bool,
    diags: &mut diagnostics::Diagnostics,
) -> Option<(BTreeMap<String, datasets::Dataset>, Option<cite::Bibliography>)> {
    if first {
        return None;
    }
    let mut quiet = diagnostics::Diagnostics::default();
    let mut bib = bibliography.and_then(|_| self::bibliography(config, project, &mut quiet));
    let tongue = i18n::Tongue { lang: config.language, languages };
    let (mut local, found) =
        datasets::read_all(&project.datasets, tongue, reads).derive(&config.tiers, reads);
    if let Some(b) = bib.as_mut() {
        b.source_datasets(&mut local, &project.datasets);
    }
    let told: HashSet<(PathBuf, Option<diagnostics::Pos>, String)> =
        diags.items.iter().map(|d| (d.file.clone(), d.pos, d.message.clone())).collect();
    let new = found
        .into_iter()
        .filter(|d| !d.is_error() && !told.contains(&(d.file.clone(), d.pos, d.message.clone())));
    diags.extend(new.collect::<Vec<_>>());
    Some((local, bib))
}
