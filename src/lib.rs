//! barometer turns YAML datasets and Markdown commentary into a static
//! report site with charts.
//!
//! The pipeline reads top to bottom in [`run`]: load the files, validate
//! the settings and datasets, render pages and charts in memory, then
//! write the site, touching only files an earlier build wrote, and only
//! what changed. Every stage reports all the problems it
//! finds as [`Diagnostic`]s; the first stage with errors stops the run, and
//! nothing is written unless everything succeeded.

pub mod blocks;
#[cfg(feature = "social-cards")]
pub mod cards;
pub mod charts;
pub mod cite;
pub mod config;
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
    /// The pages of the study's PDF, when one was typeset.
    pub pdf_pages: Option<usize>,
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
pub type Files = BTreeMap<PathBuf, Vec<u8>>;

/// What is kept between builds of one project by a long-running process
/// (`serve`), so a rebuild redoes only what changed. The default keeps
/// nothing, for one-off builds.
#[derive(Default)]
pub struct Cache {
    figures: render::FigureCache,
    fonts: webfonts::FontCache,
}

impl Cache {
    /// A cache that keeps figures from one build to the next.
    pub fn reusing() -> Cache {
        Cache { figures: render::FigureCache::reusing(), fonts: webfonts::FontCache::default() }
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
    pdf_pages: Option<usize>,
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
    match write(output, opts, &built.files) {
        None => (diags, Some(built), site::OutputState::Untouched),
        Some((d, state)) => {
            let mut diags = diags;
            diags.push(d);
            (diags, None, state)
        }
    }
}

/// Writes the site into `output`; on failure, why, and in what state the
/// output is.
fn write(output: &Path, opts: &Options, files: &Files) -> Option<(Diagnostic, site::OutputState)> {
    if site::holds_project(output, &opts.root) {
        let message =
            "the output folder holds the project itself, and writing the site there would delete it";
        let d = Diagnostic::error(output, None, message)
            .with_hint("choose another folder (the default is public/)");
        return Some((d, site::OutputState::Untouched));
    }
    site::write_site(output, files, opts.force).err().map(|e| {
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
    let config = match Config::parse(&project.config) {
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
    if let Some(c) = &config {
        diags.extend(load::load_overrides(project, &c.theme));
        if let Some(file) = &c.bibliography {
            diags.extend(load::load_bibliography(project, file));
        }
    }
    let mut bibliography = config.as_ref().and_then(|c| bibliography(c, project, &mut diags));

    // Validate: datasets and pages, all errors of both.
    // Tiers come from report.yaml; when it has errors, the defaults keep
    // dataset checks going so every error shows in one run.
    let tiers = config.as_ref().map(|c| c.tiers.clone()).unwrap_or_else(config::default_tiers);
    let (mut datasets, ds_diags) = datasets::build_all(&project.datasets, &tiers);
    diags.extend(ds_diags);
    if let Some(b) = bibliography.as_mut() {
        diags.extend(b.source_datasets(&mut datasets, &project.datasets));
    }
    let (pages, left_out) = parse_pages(&project.pages, &project.static_files, opts.drafts, &mut diags);
    let Some(config) = config.filter(|_| !diags.has_errors()) else {
        return (diags.sorted(), None);
    };

    // Render.
    let input = render::Input {
        config: &config,
        pages: &pages,
        left_out: &left_out,
        datasets: &datasets,
        templates: &project.templates,
        static_files: &project.static_files,
        figures: cache.figures.generation(|| project.data_fingerprint()),
        progress: &opts.progress,
        publish: opts.publish,
        bibliography: bibliography.as_ref(),
        fonts: &cache.fonts,
    };
    let site = match render::render(&input) {
        Ok((site, warnings)) => {
            diags.extend(warnings);
            site
        }
        Err(errs) => {
            diags.extend(errs);
            return (diags.sorted(), None);
        }
    };

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
    if opts.strict && diags.items.iter().any(|d| d.severity == Severity::Warning) {
        return (strict(diags.sorted()), None);
    }
    let built = Built {
        pages: site.pages,
        charts: site.charts,
        datasets: datasets.len(),
        figures: site.figures,
        pdf_pages: site.pdf_pages,
        files: site.files,
    };
    (diags.sorted(), Some(built))
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
    match dataset.and_then(|d| d.yaml.as_ref().or(d.csv.as_ref())) {
        Some((file, _)) => file.clone(),
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

/// Parses every page; drafts are left out unless asked for.
fn parse_pages(
    sources: &[(PathBuf, String)],
    static_files: &BTreeMap<PathBuf, Vec<u8>>,
    drafts: bool,
    diags: &mut diagnostics::Diagnostics,
) -> (Vec<Page>, HashSet<PathBuf>) {
    let mut pages = Vec::new();
    let mut left_out = HashSet::new();
    for (path, text) in sources {
        match pages::parse_page(path, text) {
            Ok(p) if p.front.draft && !drafts => {
                left_out.insert(p.file);
            }
            Ok(p) => pages.push(p),
            Err(d) => diags.push(d),
        }
    }
    pages::reading_order(&mut pages);
    diags.extend(pages::check_urls(
        &pages,
        &pages::generated_names(static_files.keys().map(PathBuf::as_path)),
    ));
    if pages.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::error("content", None, "the report has no pages")
                .with_hint("add content/_index.md with a `title` in its front matter"),
        );
    }
    (pages, left_out)
}
