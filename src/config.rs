//! `report.yaml`: the site settings, and the project's root.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Pos};
use crate::i18n::{Localized, Tongue};
use crate::yaml::{self, Spanned};

/// The languages the number formats and theme strings know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum Language {
    #[serde(rename = "fr")]
    Fr,
    #[serde(rename = "en")]
    En,
    #[serde(rename = "de")]
    De,
    #[serde(rename = "es")]
    Es,
}

impl Language {
    /// Every language the number formats, dates and theme strings know,
    /// in the order the variants are declared ([`Language::index`]).
    pub const ALL: [Language; 4] = [Language::Fr, Language::En, Language::De, Language::Es];

    /// Its ISO 639-1 code: `fr`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
            Language::De => "de",
            Language::Es => "es",
        }
    }

    /// The language of an ISO 639-1 code, exactly as [`Language::code`]
    /// writes it: `en`, not `EN` nor `en-GB`.
    pub fn from_code(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Accepts a BCP 47 tag and keeps its language: `fr-CA` reads as French.
    pub fn from_tag(tag: &str) -> Option<Language> {
        Language::from_code(&tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase())
    }

    /// Its place in [`Language::ALL`], for tables by language.
    pub fn index(self) -> usize {
        self as usize
    }

    /// `languages`' codes for a message: `fr, en`.
    pub fn list(languages: &[Language]) -> String {
        languages.iter().map(|l| l.code()).collect::<Vec<_>>().join(", ")
    }

    /// The codes of [`Language::ALL`], for hints: `fr`, `en`, `de`, `es`.
    pub fn codes() -> String {
        Language::ALL.map(|l| format!("`{}`", l.code())).join(", ")
    }
}

/// One audience tier and the follower count where it starts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tier {
    pub name: String,
    pub min_followers: u64,
}

/// `report.yaml`, validated, as one edition reads it: its title,
/// description, author, language and PDF are the edition's.
#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    pub description: Option<String>,
    pub language: Language,
    /// The BCP 47 tag as written, for `<html lang>`.
    pub language_tag: String,
    /// Every edition of the report, its first language first; one for a
    /// single-language report.
    pub editions: Vec<Edition>,
    /// Translations missing from the settings, each shown in the first
    /// language instead.
    pub warnings: Vec<Diagnostic>,
    pub theme: String,
    pub base_url: Option<String>,
    pub author: Option<String>,
    /// Ordered by threshold, lowest first.
    pub tiers: Vec<Tier>,
    pub charts: ChartsConfig,
    /// The whole study as one PDF; `None` with `pdf: false`.
    pub pdf: Option<PdfConfig>,
    /// A BibLaTeX file in the project, which `[@key]` in prose cites.
    pub bibliography: Option<String>,
    /// A CSL style bundled with Hayagriva, read once: `apa` unless set
    /// (`None` only if the bundle lacked it).
    pub citation_style: Option<hayagriva::citationberg::IndependentStyle>,
    /// Databases datasets query, by name (`connections:`).
    pub connections: indexmap::IndexMap<String, Connection>,
    /// The folder of query snapshots, relative to the project.
    pub snapshots: String,
    /// The build cache's folder, relative to the project (`cache:`).
    pub cache: String,
    /// The report's own look (`brand:`).
    pub brand: crate::brand::Brand,
    /// Stylesheets of the project put after the theme's (`extra_css:`),
    /// with where each is named.
    pub extra_css: Vec<(String, Pos)>,
}

/// A database that `barometer sources` queries. The address, which holds
/// the password, is read from an environment variable: it never lives in
/// the project nor reaches the site.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    #[serde(rename = "type")]
    pub kind: ConnectionKind,
    /// The variable holding the address (`postgres://user:pass@host/db`).
    pub url_env: String,
}

/// The wire protocols `barometer sources` speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionKind {
    Postgres,
}

/// One language of the report, and its settings in that language.
#[derive(Clone, Debug, PartialEq)]
pub struct Edition {
    pub language: Language,
    pub tag: String,
    pub title: String,
    pub description: Option<String>,
    pub author: Option<String>,
    /// Its PDF's file name, in its folder.
    pub pdf_file: Option<String>,
}

/// `pdf:` in `report.yaml`: where the study's PDF goes and on what paper.
#[derive(Clone, Debug, PartialEq)]
pub struct PdfConfig {
    /// A plain file name at the root of the site, ending in `.pdf`.
    pub file: String,
    /// A paper size Typst knows, `a4` unless set.
    pub paper: String,
}

/// The paper sizes `pdf: { paper }` accepts (Typst's names).
pub const PAPERS: &[&str] = &["a4", "a5", "a3", "us-letter", "us-legal"];

/// `pdf: false`, or `pdf: { file, paper }`.
enum RawPdf {
    On(bool),
    Settings(Box<RawPdfSettings>),
}

/// Read by hand rather than `untagged`, which would lose the settings'
/// places in the file that errors point at.
impl<'de> Deserialize<'de> for RawPdf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawPdf;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`false`, or settings such as `{ file: etude.pdf, paper: a4 }`")
            }
            fn visit_bool<E>(self, v: bool) -> Result<RawPdf, E> {
                Ok(RawPdf::On(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawPdf, A::Error> {
                RawPdfSettings::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|s| RawPdf::Settings(Box::new(s)))
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPdfSettings {
    file: Option<Spanned<Localized>>,
    paper: Option<Spanned<String>>,
}

/// Report-wide chart settings (`charts:` in `report.yaml`).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartsConfig {
    /// Offer each chart as a PNG too (drawing it costs build time).
    #[serde(default = "yes")]
    pub png: bool,
}

fn yes() -> bool {
    true
}

impl Default for ChartsConfig {
    fn default() -> Self {
        ChartsConfig { png: true }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Spanned<Localized>,
    description: Option<Spanned<Localized>>,
    language: Option<Spanned<String>>,
    languages: Option<Spanned<Vec<Spanned<String>>>>,
    theme: Option<String>,
    base_url: Option<Spanned<String>>,
    author: Option<Spanned<Localized>>,
    tiers: Option<Spanned<indexmap::IndexMap<String, u64>>>,
    charts: Option<ChartsConfig>,
    pdf: Option<Spanned<RawPdf>>,
    bibliography: Option<Spanned<String>>,
    citation_style: Option<Spanned<String>>,
    connections: Option<indexmap::IndexMap<String, Spanned<Connection>>>,
    snapshots: Option<Spanned<String>>,
    cache: Option<Spanned<String>>,
    brand: Option<crate::brand::RawBrand>,
    extra_css: Option<Spanned<crate::brand::PathList>>,
}

pub const CONFIG_FILE: &str = "report.yaml";

/// A site address as `http(s)://host/…/`, ending with `/` so page paths
/// append to it; otherwise why not.
pub fn parse_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let host =
        url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")).map(|r| r.split('/').next());
    let valid =
        matches!(host, Some(Some(h)) if !h.is_empty()) && !url.contains(['?', '#', ' ', '"', '<', '>', '\\']);
    if !valid {
        return Err(format!("the site's address must be a full http(s) address, not `{url}`"));
    }
    Ok(if url.ends_with('/') { url.to_string() } else { format!("{url}/") })
}

/// `base_url`, checked by [`parse_base_url`]; an error at its line.
fn checked_base_url(raw: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    parse_base_url(&raw.value)
        .map_err(|message| {
            let hint = "write where the site is published, like `base_url: https://example.org/study/`";
            errors.push(Diagnostic::error(CONFIG_FILE, Some(yaml::pos_of(raw, 0)), message).with_hint(hint));
        })
        .ok()
}

impl Config {
    /// Reads and validates `report.yaml` from its text.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let file = Path::new(CONFIG_FILE);
        let raw: RawConfig = yaml::parse(file, text, 0).map_err(|d| vec![d])?;
        let mut errors = Vec::new();
        let languages = languages(&raw, &mut errors);
        let mut warnings = Vec::new();
        let pdf = pdf_config(raw.pdf.as_ref(), &mut errors);
        let editions: Vec<Edition> = languages
            .iter()
            .map(|(lang, tag)| {
                edition((&raw, text), (*lang, tag), &languages, pdf.as_ref(), (&mut errors, &mut warnings))
            })
            .collect();
        let tiers = match &raw.tiers {
            None => default_tiers(),
            Some(t) => {
                let mut tiers: Vec<Tier> = t
                    .value
                    .iter()
                    .map(|(name, &min_followers)| Tier { name: name.clone(), min_followers })
                    .collect();
                tiers.sort_by_key(|t| t.min_followers);
                if tiers.windows(2).any(|w| w[0].min_followers == w[1].min_followers) {
                    errors.push(Diagnostic::error(
                        file,
                        Some(yaml::pos_of(t, 0)),
                        "two tiers start at the same number of followers",
                    ));
                }
                tiers
            }
        };
        let bibliography = raw.bibliography.as_ref().and_then(|b| checked_bibliography(b, &mut errors));
        let citation_style = citation_style(raw.citation_style.as_ref(), &mut errors);
        let base_url = raw.base_url.as_ref().and_then(|b| checked_base_url(b, &mut errors));
        let connections = connections(raw.connections.as_ref(), &mut errors);
        let snapshots = snapshot_folder(raw.snapshots.as_ref(), &mut errors);
        let cache = cache_folder(raw.cache.as_ref(), &mut errors);
        let brand =
            crate::brand::Brand::parse(&raw.brand.clone().unwrap_or_default(), &mut errors, &mut warnings);
        let extra_css = raw.extra_css.as_ref().map(|e| checked_css(e, &mut errors)).unwrap_or_default();
        if !errors.is_empty() {
            // Each edition reads the settings: a problem they share is told once.
            let mut seen = std::collections::HashSet::new();
            errors.retain(|d| seen.insert((d.pos, d.message.clone())));
            return Err(errors);
        }
        let first = editions[0].clone();
        let config = Config {
            title: String::new(),
            description: None,
            language: first.language,
            language_tag: String::new(),
            editions,
            warnings,
            theme: raw.theme.unwrap_or_else(|| "default".into()),
            base_url,
            author: None,
            tiers,
            charts: raw.charts.unwrap_or_default(),
            pdf,
            bibliography,
            citation_style,
            connections,
            snapshots,
            cache,
            brand,
            extra_css,
        };
        Ok(config.edition(&first))
    }

    /// The settings as `edition` reads them.
    pub fn edition(&self, edition: &Edition) -> Config {
        let pdf =
            self.pdf.clone().map(|p| PdfConfig { file: edition.pdf_file.clone().unwrap_or(p.file), ..p });
        Config {
            title: edition.title.clone(),
            description: edition.description.clone(),
            author: edition.author.clone(),
            language: edition.language,
            language_tag: edition.tag.clone(),
            pdf,
            ..self.clone()
        }
    }

    /// Whether the report has editions in several languages.
    pub fn is_multilingual(&self) -> bool {
        self.editions.len() > 1
    }

    /// Every edition's language, the report's first language first.
    pub fn languages(&self) -> Vec<Language> {
        self.editions.iter().map(|e| e.language).collect()
    }

    /// The report's first language, whose pages are at the site's root.
    pub fn default_language(&self) -> Language {
        self.editions.first().map_or(self.language, |e| e.language)
    }

    /// What the pages of the edition in `lang` have as their language
    /// ([`crate::pages::Page::lang`]): `None` for the first language.
    pub fn page_language(&self, lang: Language) -> Option<Language> {
        Some(lang).filter(|l| *l != self.default_language())
    }

    /// Where the edition in `lang` lives in the site: `""` at the root for
    /// the first language, `en/` for the others.
    pub fn prefix(&self, lang: Language) -> String {
        if lang == self.default_language() { String::new() } else { format!("{}/", lang.code()) }
    }

    /// The address of a site page (`/relations/`) or file (`cards/a.png`)
    /// on the web, when `base_url` says where the site is published.
    pub fn absolute_url(&self, path: &str) -> Option<String> {
        self.base_url.as_ref().map(|base| format!("{base}{}", path.trim_start_matches('/')))
    }

    /// The tier an account with `followers` belongs to, if any.
    pub fn tier_of(&self, followers: f64) -> Option<&str> {
        self.tiers.iter().rev().find(|t| followers >= t.min_followers as f64).map(|t| t.name.as_str())
    }
}

/// The citation style `report.yaml` names, read from the bundled styles.
fn citation_style(
    raw: Option<&Spanned<String>>,
    errors: &mut Vec<Diagnostic>,
) -> Option<hayagriva::citationberg::IndependentStyle> {
    let Some(name) = raw else { return crate::cite::style("apa") };
    let style = crate::cite::style(&name.value);
    if style.is_none() {
        let message = format!("unknown citation style `{}`", name.value);
        let d = Diagnostic::error(Path::new(CONFIG_FILE), Some(yaml::pos_of(name, 0)), message);
        errors.push(d.suggest(&name.value, crate::cite::style_names()).or_hint(
            "use a CSL style bundled with barometer, such as `apa`, `chicago-author-date`, `ieee` or `mla`",
        ));
    }
    style
}

/// The connections, each checked: a name that can be written in a dataset
/// file and a variable name that is one.
fn connections(
    raw: Option<&indexmap::IndexMap<String, Spanned<Connection>>>,
    errors: &mut Vec<Diagnostic>,
) -> indexmap::IndexMap<String, Connection> {
    let mut out = indexmap::IndexMap::new();
    for (name, c) in raw.into_iter().flatten() {
        let var_ok = !c.value.url_env.is_empty()
            && c.value.url_env.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_')
            && !c.value.url_env.starts_with(|ch: char| ch.is_ascii_digit());
        if !var_ok {
            let message = format!("`url_env` must name an environment variable, not `{}`", c.value.url_env);
            errors.push(
                Diagnostic::error(Path::new(CONFIG_FILE), Some(yaml::pos_of(c, 0)), message).with_hint(
                    "write the variable's name, such as `url_env: WAREHOUSE_URL`, and keep the address itself out of the project",
                ),
            );
        }
        out.insert(name.clone(), c.value.clone());
    }
    out
}

/// Is `path`, written from report.yaml's folder, inside the project: only
/// names, no `..`, no root?
fn inside_project(path: &Path) -> bool {
    path.components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// The snapshot folder: see [`project_folder`].
fn snapshot_folder(raw: Option<&Spanned<String>>, errors: &mut Vec<Diagnostic>) -> String {
    let default = crate::datasets::snapshot::DEFAULT_FOLDER;
    let hint = "use the default, `data/.snapshots`, or a folder such as `snapshots` beside report.yaml";
    project_folder(raw, ("snapshots", default, hint), errors)
}

/// The build cache's folder: see [`project_folder`].
fn cache_folder(raw: Option<&Spanned<String>>, errors: &mut Vec<Diagnostic>) -> String {
    let hint = "use the default, `.barometer/cache`, or a folder such as `.cache` beside report.yaml";
    project_folder(raw, ("cache", crate::cache::DEFAULT_DIR, hint), errors)
}

/// A folder barometer writes that `setting` names: inside the project, not
/// one it reads for something else, and hidden when under `data/` (else
/// its files would be datasets). The default, with an error, otherwise.
fn project_folder(
    raw: Option<&Spanned<String>>,
    (setting, default, hint): (&str, &str, &str),
    errors: &mut Vec<Diagnostic>,
) -> String {
    let Some(raw) = raw else { return default.to_string() };
    let folder = raw.value.trim_end_matches('/');
    let path = Path::new(folder);
    let inside = !folder.is_empty() && inside_project(path);
    let reserved = ["content", "templates", "static", "themes", "i18n", "public"];
    let first =
        path.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    let visible_in_data = first == "data"
        && !path.components().skip(1).any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let why = if !inside {
        "is not a folder inside the project"
    } else if path.components().any(|c| c.as_os_str() == ".git") {
        "is inside a `.git` folder, which barometer never writes into"
    } else if reserved.contains(&first.as_str()) {
        "is a folder barometer reads for something else"
    } else if visible_in_data {
        "would make each of its files a dataset: inside data/, the folder must be hidden"
    } else {
        return folder.to_string();
    };
    errors.push(
        Diagnostic::error(
            Path::new(CONFIG_FILE),
            Some(yaml::pos_of(raw, 0)),
            format!("`{setting}: {}` {why}", raw.value),
        )
        .with_hint(hint),
    );
    default.to_string()
}

/// The bibliography's path, if it is a `.bib` file inside the project.
fn checked_bibliography(b: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let inside = inside_project(Path::new(&b.value));
    let why = if !b.value.ends_with(".bib") {
        "is not a BibLaTeX file (`.bib`)"
    } else if !inside {
        "is not a path inside the project"
    } else {
        return Some(b.value.clone());
    };
    let message = format!("the bibliography `{}` {why}", b.value);
    errors.push(
        Diagnostic::error(Path::new(CONFIG_FILE), Some(yaml::pos_of(b, 0)), message)
            .with_hint("name a .bib file in the project, such as `bibliography: references.bib`"),
    );
    None
}

/// `extra_css`: stylesheets inside the project.
fn checked_css(list: &Spanned<crate::brand::PathList>, errors: &mut Vec<Diagnostic>) -> Vec<(String, Pos)> {
    let pos = yaml::pos_of(list, 0);
    let mut out = Vec::new();
    for file in &list.value.0 {
        let inside = inside_project(Path::new(file));
        if file.ends_with(".css") && inside {
            out.push((file.clone(), pos));
            continue;
        }
        let why = if inside { "is not a stylesheet (`.css`)" } else { "is not a path inside the project" };
        errors.push(
            Diagnostic::error(Path::new(CONFIG_FILE), Some(pos), format!("`extra_css: {file}` {why}"))
                .with_hint("name a .css file in the project, such as `extra_css: brand.css`"),
        );
    }
    out
}

/// The PDF named after a report's title.
fn default_pdf_file(title: &str) -> String {
    let slug = crate::markdown::slugify(title);
    let stem: String = slug.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(80).collect();
    let stem = stem.trim_matches('-');
    if stem.is_empty() { "study.pdf".to_string() } else { format!("{stem}.pdf") }
}

/// The PDF's file name in one edition: as `pdf.file` gives it, or named
/// after the edition's title.
fn pdf_file(
    (raw, source): (Option<&Spanned<RawPdf>>, &str),
    tongue: Tongue,
    title: &str,
    diags: (&mut Vec<Diagnostic>, &mut Vec<Diagnostic>),
) -> String {
    let Some(RawPdf::Settings(settings)) = raw.map(|r| &r.value) else { return default_pdf_file(title) };
    let Some(f) = &settings.file else { return default_pdf_file(title) };
    let (errors, warnings) = diags;
    let mut found = Vec::new();
    let name = crate::i18n::resolve(f, tongue, (Path::new(CONFIG_FILE), source, "pdf.file"), &mut found);
    for d in found {
        if d.is_error() { errors.push(d) } else { warnings.push(d) }
    }
    let Some(name) = name else { return default_pdf_file(title) };
    match pdf_file_problem(&name) {
        None => name,
        Some(why) => {
            errors.push(
                Diagnostic::error(
                    Path::new(CONFIG_FILE),
                    Some(yaml::pos_of(f, 0)),
                    format!("`pdf.file` `{name}` {why}"),
                )
                .with_hint("write a plain file name such as `etude-2026.pdf`"),
            );
            default_pdf_file(title)
        }
    }
}

/// The PDF settings: on by default; each edition names its file.
fn pdf_config(raw: Option<&Spanned<RawPdf>>, errors: &mut Vec<Diagnostic>) -> Option<PdfConfig> {
    let file = Path::new(CONFIG_FILE);
    let settings = match raw.map(|r| &r.value) {
        None | Some(RawPdf::On(true)) => return Some(PdfConfig { file: String::new(), paper: "a4".into() }),
        Some(RawPdf::On(false)) => return None,
        Some(RawPdf::Settings(s)) => s,
    };
    let mut pdf = PdfConfig { file: String::new(), paper: "a4".into() };
    if let Some(p) = &settings.paper {
        let paper = p.value.to_ascii_lowercase();
        if PAPERS.contains(&paper.as_str()) {
            pdf.paper = paper;
        } else {
            let d = Diagnostic::error(
                file,
                Some(yaml::pos_of(p, 0)),
                format!("unknown paper size `{}`", p.value),
            );
            errors.push(
                d.suggest(&paper, PAPERS.iter().copied())
                    .or_hint(format!("use one of {}", PAPERS.join(", "))),
            );
        }
    }
    Some(pdf)
}

/// The report's languages with their tags as written, the first the
/// default: `languages:`, or `language:` alone, or English.
fn languages(raw: &RawConfig, errors: &mut Vec<Diagnostic>) -> Vec<(Language, String)> {
    let file = Path::new(CONFIG_FILE);
    let mut tags: Vec<&Spanned<String>> = Vec::new();
    match (&raw.languages, &raw.language) {
        (Some(list), single) => {
            if list.value.is_empty() {
                errors.push(
                    Diagnostic::error(file, Some(yaml::pos_of(list, 0)), "`languages` is empty").with_hint(
                        "list the report's languages, its first language first: `languages: [fr, en]`",
                    ),
                );
            }
            tags.extend(&list.value);
            if let (Some(single), Some(first)) = (single, list.value.first())
                && Language::from_tag(&single.value) != Language::from_tag(&first.value)
            {
                errors.push(
                    Diagnostic::error(
                        file,
                        Some(yaml::pos_of(single, 0)),
                        format!("`language: {}` is not the first of `languages`", single.value),
                    )
                    .with_hint("remove `language`: the first of `languages` is the report's first language"),
                );
            }
        }
        (None, Some(single)) => tags.push(single),
        (None, None) => {}
    }
    let mut out: Vec<(Language, String)> = Vec::new();
    for tag in tags {
        match Language::from_tag(&tag.value) {
            Some(l) if out.iter().any(|(o, _)| *o == l) => errors.push(Diagnostic::error(
                file,
                Some(yaml::pos_of(tag, 0)),
                format!("the language `{}` is listed twice", tag.value),
            )),
            Some(l) => out.push((l, tag.value.clone())),
            None => errors.push(
                Diagnostic::error(
                    file,
                    Some(yaml::pos_of(tag, 0)),
                    format!("unsupported language `{}`", tag.value),
                )
                .with_hint(format!(
                    "use one of {} (adding a language is explained in the README)",
                    Language::codes()
                )),
            ),
        }
    }
    if out.is_empty() {
        out.push((Language::En, "en".to_string()));
    }
    out
}

/// The settings in one language: errors and warnings (a missing
/// translation) go to `diags`.
fn edition(
    (raw, source): (&RawConfig, &str),
    (lang, tag): (Language, &str),
    all: &[(Language, String)],
    pdf: Option<&PdfConfig>,
    (errors, warnings): (&mut Vec<Diagnostic>, &mut Vec<Diagnostic>),
) -> Edition {
    let file = Path::new(CONFIG_FILE);
    let languages: Vec<Language> = all.iter().map(|(l, _)| *l).collect();
    let tongue = Tongue { lang, languages: &languages };
    let first = lang == languages[0];
    let mut found = Vec::new();
    let mut text = |t: Option<&Spanned<Localized>>, what: &str| {
        t.and_then(|t| crate::i18n::resolve(t, tongue, (file, source, what), &mut found))
    };
    let title = text(Some(&raw.title), "title").unwrap_or_default();
    let description = text(raw.description.as_ref(), "description");
    let author = text(raw.author.as_ref(), "author");
    // Problems shared by every edition (an unknown code, no default text)
    // are reported once, by the first.
    for d in found {
        match d.is_error() {
            true if first => errors.push(d),
            true => {}
            false => warnings.push(d),
        }
    }
    if first && title.trim().is_empty() {
        errors.push(Diagnostic::error(file, None, "`title` is empty").with_hint("give the report a title"));
    }
    let pdf_file = pdf.map(|_| pdf_file((raw.pdf.as_ref(), source), tongue, &title, (errors, warnings)));
    Edition { language: lang, tag: tag.to_string(), title, description, author, pdf_file }
}

/// Why `name` cannot be the PDF's file name, if it cannot: it is written
/// at the root of the site, so it names no folder and nothing hidden.
fn pdf_file_problem(name: &str) -> Option<&'static str> {
    let Some(stem) = name.strip_suffix(".pdf") else { return Some("must end in `.pdf`") };
    if stem.is_empty() || stem.len() > 100 {
        return Some("needs a name of 1 to 100 characters before `.pdf`");
    }
    let ok = stem.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !ok || stem.starts_with('.') {
        return Some("may only use ASCII letters, digits, `-`, `_` and `.`, and not start with `.`");
    }
    None
}

/// The tiers a report has unless `report.yaml` sets its own.
pub fn default_tiers() -> Vec<Tier> {
    [("nano", 1_000), ("micro", 10_000), ("macro", 100_000), ("mega", 1_000_000)]
        .into_iter()
        .map(|(n, m)| Tier { name: n.into(), min_followers: m })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse("title: T\n").unwrap();
        assert_eq!(c.language, Language::En);
        assert_eq!(c.theme, "default");
        assert_eq!(c.tiers.len(), 4);
        assert_eq!(c.tier_of(9_999.0), Some("nano"));
        assert_eq!(c.tier_of(10_000.0), Some("micro"));
        assert_eq!(c.tier_of(999.0), None);
        assert_eq!(c.tier_of(2_000_000.0), Some("mega"));
        assert!(c.charts.png);
        assert!(!Config::parse("title: T\ncharts: { png: false }\n").unwrap().charts.png);
    }

    #[test]
    fn custom_tiers_are_sorted_and_used() {
        let c =
            Config::parse("title: T\nlanguage: fr-FR\ntiers: { micro: 5000, nano: 1000, macro: 30000 }\n")
                .unwrap();
        assert_eq!(c.language, Language::Fr);
        assert_eq!(c.language_tag, "fr-FR");
        let names: Vec<_> = c.tiers.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["nano", "micro", "macro"]);
        assert_eq!(c.tier_of(29_999.0), Some("micro"));
    }

    #[test]
    fn languages_index_tables_in_the_order_of_all() {
        for (i, l) in Language::ALL.into_iter().enumerate() {
            assert_eq!(l.index(), i, "{l:?}");
            assert_eq!(Language::from_code(l.code()), Some(l));
        }
        assert_eq!(Language::from_code("EN"), None);
        assert_eq!(Language::from_tag("EN-gb"), Some(Language::En));
    }

    #[test]
    fn the_snapshot_folder_stays_inside_the_project_and_out_of_the_datasets() {
        let folder = |v: &str| Config::parse(&format!("title: T\nsnapshots: {v}\n")).map(|c| c.snapshots);
        assert_eq!(Config::parse("title: T\n").unwrap().snapshots, "data/.snapshots");
        assert_eq!(folder("snapshots/").unwrap(), "snapshots");
        assert_eq!(folder("data/.cache/sql").unwrap(), "data/.cache/sql");
        for bad in ["../elsewhere", "/tmp/x", "data/snapshots", "static/sql", "public", "\"\""] {
            let errs = folder(bad).unwrap_err();
            assert!(errs[0].message.starts_with("`snapshots:"), "{bad}: {errs:?}");
            assert_eq!(errs[0].pos.map(|p| p.line), Some(2), "{bad}");
        }
        let cache = |v: &str| Config::parse(&format!("title: T\ncache: {v}\n")).map(|c| c.cache);
        assert_eq!(Config::parse("title: T\n").unwrap().cache, ".barometer/cache");
        assert_eq!(cache(".cache/").unwrap(), ".cache");
        for bad in ["../elsewhere", "/tmp/x", "data/cache", "content/cache", "public", ".git/cache", "a/.git"]
        {
            let errs = cache(bad).unwrap_err();
            assert!(errs[0].message.starts_with("`cache:"), "{bad}: {errs:?}");
            assert_eq!(errs[0].pos.map(|p| p.line), Some(2), "{bad}");
        }
        let bad_var = Config::parse(
            "title: T\nconnections:\n  w: { type: postgres, url_env: \"postgres://me@h/db\" }\n",
        );
        assert!(bad_var.unwrap_err()[0].message.contains("`url_env` must name an environment variable"));
    }

    #[test]
    fn unknown_language_and_field_are_errors() {
        let errs = Config::parse("title: T\nlanguage: it\n").unwrap_err();
        assert_eq!(errs[0].pos.map(|p| p.line), Some(2));
        let errs = Config::parse("title: T\nlangage: fr\n").unwrap_err();
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `language`?"));
    }
}
