//! Citations: a BibLaTeX bibliography named in `report.yaml`, `[@key]`
//! in prose, formatted by a CSL style (Hayagriva, which Typst uses), with
//! the list of references closing the report.
//!
//! Pages render in parallel, and a style may number its references in the
//! order the report first cites them, so a page writes a marker per
//! citation ([`crate::xref::cite_marker`]); once every page is rendered
//! the citations are formatted in reading order and the markers replaced.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{FontStyle, FontWeight, IndependentStyle, Locale, LocaleCode, Style};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, CitationItem, CitationRequest, ElemChild, ElemChildren, Library,
    LocatorPayload, SpecificLocator,
};

use crate::config::Language;
use crate::diagnostics::{Diagnostic, LineIndex, Pos};

/// The styles `citation_style` accepts: Hayagriva's bundled CSL styles.
pub fn style_names() -> impl Iterator<Item = &'static str> {
    hayagriva::archive::ArchivedStyle::all().iter().flat_map(|s| s.names().iter().copied())
}

/// Is `name` a bundled style that stands on its own?
pub fn style(name: &str) -> Option<IndependentStyle> {
    match hayagriva::archive::ArchivedStyle::by_name(name)?.get() {
        Style::Independent(s) => Some(s),
        Style::Dependent(_) => None,
    }
}

/// The CSL locale of a report in `lang`.
fn locale_code(lang: Language) -> &'static str {
    match lang {
        Language::Fr => "fr-FR",
        Language::En => "en-US",
        Language::De => "de-DE",
        Language::Es => "es-ES",
    }
}

/// The CSL locales a report in `lang` needs: its own and `en-US`, every
/// style's fallback. Hayagriva's `archive::locales()` decodes all sixty-odd
/// of them, about 55 ms on each build; this reads the language tag of the
/// few whose bytes hold the code, decodes the two it needs, and keeps them
/// for the process.
fn locales(lang: Language) -> &'static [Locale] {
    static CELLS: [OnceLock<Vec<Locale>>; 4] = [const { OnceLock::new() }; 4];
    let own = locale_code(lang);
    let cell = &CELLS[lang.index()];
    #[derive(serde::Deserialize)]
    struct Tag {
        #[serde(rename = "@xml:lang")]
        lang: Option<String>,
    }
    cell.get_or_init(|| {
        let wanted = |bytes: &&&[u8]| {
            let holds = |code: &str| bytes.windows(code.len()).any(|w| w == code.as_bytes());
            if !holds(own) && !holds("en-US") {
                return false;
            }
            let tag: Option<Tag> = ciborium::de::from_reader(**bytes).ok();
            tag.and_then(|t| t.lang).is_some_and(|l| l == own || l == "en-US")
        };
        hayagriva::archive::LOCALES
            .iter()
            .filter(wanted)
            .filter_map(|b| ciborium::de::from_reader(*b).ok())
            .collect()
    })
}

/// One citation in prose: `[@a, p. 4; @b]` cites `a` at page 4 and `b`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Cite {
    pub items: Vec<(String, Option<String>)>,
    pub pos: Pos,
}

impl Cite {
    /// A citation of the work `key` alone.
    fn of(key: &str) -> Cite {
        Cite { items: vec![(key.to_string(), None)], pos: Pos::new(1, 1) }
    }
}

/// Replaces each `[@key]`, `[@key, p. 4]` or `[@a; @b]` of an author's
/// text with a marker numbered on from `cites.len()`, recording it.
/// Brackets holding anything else are left as they are.
pub fn mark(text: &str, pos: Pos, cites: &mut Vec<Cite>) -> Option<String> {
    if !text.contains("[@") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("[@") {
        let (before, from) = rest.split_at(open);
        out.push_str(before);
        let parsed = from.find(']').and_then(|close| Some((parse(&from[1..close])?, close)));
        match parsed {
            Some((items, close)) => {
                out.push_str(&crate::xref::cite_marker(cites.len()));
                cites.push(Cite { items, pos });
                rest = &from[close + 1..];
            }
            None => {
                out.push_str("[@");
                rest = &from[2..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

/// `@a, p. 4; @b` as keys and pages, or `None` if it is not a citation.
fn parse(inside: &str) -> Option<Vec<(String, Option<String>)>> {
    inside
        .split(';')
        .map(|part| {
            let part = part.trim().strip_prefix('@')?;
            let (key, locator) = match part.split_once(',') {
                Some((k, l)) => (k.trim(), Some(l.trim())),
                None => (part.trim(), None),
            };
            let key_ok = !key.is_empty()
                && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '/'));
            let page = match locator {
                None => None,
                Some(l) => Some(l.strip_prefix("pp.").or_else(|| l.strip_prefix("p."))?.trim().to_string()),
            };
            key_ok.then(|| (key.to_string(), page))
        })
        .collect()
}

/// The report's bibliography and how it cites.
pub struct Bibliography {
    /// Works datasets name as their source (`source: "@key"`), which the
    /// references list too.
    cited_by_data: Vec<String>,
    file: PathBuf,
    library: Library,
    style: IndependentStyle,
    locales: &'static [Locale],
    locale: LocaleCode,
}

/// A citation or a reference, for the site and for the PDF.
#[derive(Clone, Debug, Default)]
pub struct Formatted {
    pub html: String,
    /// Typst markup, every word a string.
    pub typst: String,
    pub plain: String,
}

/// One entry of the list of references.
#[derive(Clone, Debug)]
pub struct Reference {
    pub key: String,
    /// The label a numbered style puts before it (`[1]`).
    pub label: Option<Formatted>,
    pub text: Formatted,
}

/// The report's citations, formatted in reading order, and its references.
#[derive(Debug, Default)]
pub struct Rendered {
    pub citations: Vec<Formatted>,
    pub references: Vec<Reference>,
}

impl Bibliography {
    /// Reads a BibLaTeX (or BibTeX) file; its errors point at their line.
    pub fn parse(
        file: &Path,
        text: &str,
        style: IndependentStyle,
        lang: Language,
    ) -> Result<Self, Vec<Diagnostic>> {
        let library = hayagriva::io::from_biblatex_str(text).map_err(|errs| {
            errs.iter()
                .map(|e| {
                    let (start, what) = match e {
                        hayagriva::io::BibLaTeXError::Parse(p) => (p.span.start, p.kind.to_string()),
                        hayagriva::io::BibLaTeXError::Type(t) => (t.span.start, t.kind.to_string()),
                    };
                    Diagnostic::error(
                        file,
                        Some(LineIndex::new(text, 0).pos(start)),
                        format!("in the bibliography: {what}"),
                    )
                    .with_hint("check the entry's braces, commas and field names (BibLaTeX syntax)")
                })
                .collect::<Vec<_>>()
        })?;
        let locale = LocaleCode(locale_code(lang).into());
        Ok(Bibliography {
            cited_by_data: Vec::new(),
            file: file.to_path_buf(),
            library,
            style,
            locales: locales(lang),
            locale,
        })
    }

    /// Citations of keys the bibliography does not have, as errors at their
    /// line with the closest key.
    pub fn unknown(&self, page: &Path, cites: &[Cite]) -> Vec<Diagnostic> {
        let keys: Vec<&str> = self.library.keys().collect();
        cites
            .iter()
            .flat_map(|c| c.items.iter().map(move |(key, _)| (key, c.pos)))
            .filter(|(key, _)| self.library.get(key).is_none())
            .map(|(key, pos)| {
                let message = format!("`@{key}` is not in the bibliography `{}`", self.file.display());
                Diagnostic::error(page, Some(pos), message)
                    .suggest(key, keys.iter().copied())
                    .or_hint("add the entry to the bibliography, or correct the key")
            })
            .collect()
    }

    /// Datasets whose `source` is `@key` of this bibliography get the
    /// work's reference as their source (and its address, unless they
    /// give one), and the work joins the references. A key it does not
    /// have is an error at the dataset's `source`.
    pub fn source_datasets(
        &mut self,
        datasets: &mut std::collections::BTreeMap<String, crate::datasets::Dataset>,
        files: &[crate::datasets::DatasetSource],
    ) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        for ds in datasets.values_mut() {
            let Some(key) =
                ds.meta.source.as_deref().and_then(|s| s.trim().strip_prefix('@')).map(str::to_string)
            else {
                continue;
            };
            let Some(entry) = self.library.get(&key) else {
                let (file, pos) = source_line(ds, files);
                let d =
                    Diagnostic::error(file, pos, format!("the source `@{key}` is not in the bibliography"));
                errors.push(
                    d.suggest(&key, self.library.keys())
                        .or_hint("add the entry to the bibliography, or correct the key"),
                );
                continue;
            };
            ds.meta.source = self.reference(&key).map(|r| r.plain).or(ds.meta.source.take());
            if ds.meta.source_url.is_none() {
                ds.meta.source_url = entry.url_any().map(|u| u.value.to_string());
            }
            if !self.cited_by_data.contains(&key) {
                self.cited_by_data.push(key);
            }
        }
        errors
    }

    /// The reference of the work `key`, as the list of references gives it.
    fn reference(&self, key: &str) -> Option<Formatted> {
        let references = self.format(&[&Cite::of(key)]).references;
        references.into_iter().find(|r| r.key == key).map(|r| r.text)
    }

    /// Formats `cites`, in the order given, and the references they make
    /// (with the works datasets cite).
    pub fn render<'c>(&self, cites: impl Iterator<Item = &'c Cite>) -> Rendered {
        let by_data: Vec<Cite> = self.cited_by_data.iter().map(|k| Cite::of(k)).collect();
        let mut all: Vec<&Cite> = cites.collect();
        all.extend(&by_data);
        self.format(&all)
    }

    /// Formats `cites` alone, in the order given, and their references.
    fn format(&self, cites: &[&Cite]) -> Rendered {
        let mut driver = BibliographyDriver::new();
        for cite in cites {
            let items = cite
                .items
                .iter()
                .filter_map(|(key, page)| {
                    let entry = self.library.get(key)?;
                    let locator =
                        page.as_deref().map(|p| SpecificLocator(Locator::Page, LocatorPayload::Str(p)));
                    Some(CitationItem::with_locator(entry, locator))
                })
                .collect();
            driver.citation(CitationRequest::new(
                items,
                &self.style,
                Some(self.locale.clone()),
                self.locales,
                None,
            ));
        }
        let done =
            driver.finish(BibliographyRequest::new(&self.style, Some(self.locale.clone()), self.locales));
        let references = done
            .bibliography
            .map(|b| b.items)
            .unwrap_or_default()
            .into_iter()
            .map(|item| Reference {
                key: item.key,
                label: item.first_field.map(|f| formatted(&ElemChildren(vec![f]))),
                text: formatted(&item.content),
            })
            .collect();
        Rendered { citations: done.citations.iter().map(|c| formatted(&c.citation)).collect(), references }
    }
}

/// How to cite the study itself: the reference in the report's style,
/// and the same as BibTeX and RIS files to download.
#[derive(Clone, Debug)]
pub struct StudyCitation {
    pub text: Formatted,
    pub bibtex: String,
    pub ris: String,
}

/// The file names of the study's citation downloads, at the site's root.
pub const BIBTEX_FILE: &str = "citation.bib";
pub const RIS_FILE: &str = "citation.ris";

/// What a study is cited by: its title, author, year and address.
pub struct StudyFacts<'a> {
    pub title: &'a str,
    pub author: Option<&'a str>,
    /// The year, from the home page's date.
    pub year: Option<i32>,
    pub url: Option<&'a str>,
}

/// The study's own citation in `style` (its title alone without one).
pub fn study(facts: &StudyFacts, style: Option<&IndependentStyle>, lang: Language) -> StudyCitation {
    let key = "study";
    let mut bibtex = format!("@report{{{key},\n  title = {{{}}},\n", bibtex_escape(facts.title));
    // An organisation's name in double braces is never split into first
    // and last names.
    if let Some(a) = facts.author {
        bibtex.push_str(&format!("  author = {{{{{}}}}},\n", bibtex_escape(a)));
    }
    if let Some(y) = facts.year {
        bibtex.push_str(&format!("  year = {{{y}}},\n"));
    }
    if let Some(u) = facts.url {
        bibtex.push_str(&format!("  url = {{{}}},\n", bibtex_escape(u)));
    }
    bibtex.push_str("}\n");
    let mut ris = String::from("TY  - RPRT\n");
    let line = |tag: &str, v: &str| format!("{tag}  - {}\n", v.replace(['\n', '\r'], " "));
    ris.push_str(&line("TI", facts.title));
    ris.extend(facts.author.map(|a| line("AU", a)));
    ris.extend(facts.year.map(|y| line("PY", &y.to_string())));
    ris.extend(facts.url.map(|u| line("UR", u)));
    ris.push_str("ER  - \n");
    let parsed = style.map(|s| Bibliography::parse(Path::new(BIBTEX_FILE), &bibtex, s.clone(), lang));
    let text = parsed.and_then(Result::ok).and_then(|b| b.reference(key));
    let text = text.unwrap_or_else(|| formatted_plain(facts.title));
    StudyCitation { text, bibtex, ris }
}

/// Characters BibTeX reads as commands, escaped.
fn bibtex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn formatted_plain(s: &str) -> Formatted {
    Formatted { html: crate::html::escape(s), typst: crate::pdf::markup::text(s), plain: s.to_string() }
}

/// Hayagriva's text as HTML (escaped: its own HTML writer does not escape
/// the text it is given), as Typst markup and as plain text.
fn formatted(children: &ElemChildren) -> Formatted {
    let mut f = Formatted::default();
    for child in &children.0 {
        write_child(child, &mut f);
    }
    f
}

fn write_child(child: &ElemChild, f: &mut Formatted) {
    match child {
        ElemChild::Text(t) => write_text(t, None, f),
        ElemChild::Link { text, url } => {
            write_text(text, Some(url.as_str()).filter(|u| crate::html::is_safe_url(u)), f)
        }
        ElemChild::Elem(e) => e.children.0.iter().for_each(|c| write_child(c, f)),
        ElemChild::Markup(m) => {
            write_text(&hayagriva::Formatted { text: m.clone(), formatting: Default::default() }, None, f)
        }
        ElemChild::Transparent { .. } => {}
    }
}

fn write_text(t: &hayagriva::Formatted, url: Option<&str>, f: &mut Formatted) {
    let italic = t.formatting.font_style == FontStyle::Italic;
    let bold = t.formatting.font_weight == FontWeight::Bold;
    let mut html = crate::html::escape(&t.text);
    let mut typst = crate::pdf::markup::text(&t.text);
    if italic {
        html = format!("<i>{html}</i>");
        typst = format!("#emph[{typst}]");
    }
    if bold {
        html = format!("<b>{html}</b>");
        typst = format!("#strong[{typst}]");
    }
    if let Some(url) = url {
        html = format!("<a href=\"{}\">{html}</a>", crate::html::escape(url));
        typst = format!("#link({})[{typst}]", crate::pdf::markup::string(url));
    }
    f.html.push_str(&html);
    f.typst.push_str(&typst);
    f.plain.push_str(&t.text);
}

/// Where a dataset's `source:` is written, as far as can be told.
fn source_line(
    ds: &crate::datasets::Dataset,
    files: &[crate::datasets::DatasetSource],
) -> (PathBuf, Option<Pos>) {
    let yaml = files.iter().find(|f| f.id == ds.id).and_then(|f| f.yaml.as_ref());
    match yaml {
        Some((file, text)) => {
            let line =
                text.lines().position(|l| l.trim_start().starts_with("source:")).map(|i| Pos::new(i + 1, 1));
            (file.clone(), line)
        }
        None => (ds.file.clone(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citations_are_found_in_brackets_only() {
        let mut cites = Vec::new();
        let at = Pos::new(3, 1);
        let out =
            mark("As [@edelman2016, p. 4; @augure] said, [see @x] and [@] stay.", at, &mut cites).unwrap();
        assert_eq!(cites.len(), 1);
        assert_eq!(
            cites[0].items,
            vec![("edelman2016".to_string(), Some("4".to_string())), ("augure".to_string(), None)]
        );
        assert!(out.starts_with("As \u{E030}c0\u{E031} said, [see @x] and [@] stay."), "{out}");
        assert!(mark("an e-mail, a@b.c", at, &mut cites).is_none());
    }

    #[test]
    fn a_style_formats_citations_and_references_in_the_language() {
        let bib = "@report{edelman2016, author = {Edelman}, title = {Trust Barometer <b>}, year = {2016}}\n";
        let b = Bibliography::parse(Path::new("r.bib"), bib, style("apa").unwrap(), Language::En).unwrap();
        let cite = Cite { items: vec![("edelman2016".into(), Some("12".into()))], pos: Pos::new(1, 1) };
        let r = b.render([&cite].into_iter());
        assert_eq!(r.citations[0].plain, "(Edelman, 2016, p. 12)");
        assert_eq!(r.references.len(), 1);
        assert!(r.references[0].text.plain.starts_with("Edelman. (2016). "), "{:?}", r.references[0]);
        let html = &r.references[0].text.html;
        assert!(html.contains("<i>Trust Barometer &lt;b&gt;</i>"), "text from data is escaped: {html}");
    }

    #[test]
    fn french_reports_use_french_terms() {
        let bib = "@online{morin, author = {Morin, Raymond}, title = {La montée}}\n";
        let b = Bibliography::parse(Path::new("r.bib"), bib, style("apa").unwrap(), Language::Fr).unwrap();
        let cite = Cite { items: vec![("morin".into(), Some("4".into()))], ..Cite::of("morin") };
        assert_eq!(b.render([&cite].into_iter()).citations[0].plain, "(Morin, s.\u{a0}d., p. 4)");
    }

    #[test]
    fn bibliography_errors_point_at_their_line() {
        let errs = Bibliography::parse(
            Path::new("r.bib"),
            "@book{a, title = {A}}\n\n@book{b, title = {B}",
            style("apa").unwrap(),
            Language::En,
        )
        .err()
        .expect("an error");
        assert_eq!(errs[0].pos.map(|p| p.line), Some(3), "{errs:?}");
    }

    #[test]
    fn the_study_cites_itself_in_the_style_and_as_bibtex_and_ris() {
        let facts = StudyFacts {
            title: "Influenceurs & marques : 100 % {test}",
            author: Some("Cabinet & associates"),
            year: Some(2026),
            url: Some("https://example.org/etude/"),
        };
        let c = study(&facts, style("apa").as_ref(), Language::Fr);
        assert_eq!(
            c.text.plain,
            "Cabinet & associates. (2026). Influenceurs & marques : 100 % {test}. https://example.org/etude/"
        );
        assert!(c.bibtex.contains("title = {Influenceurs \\& marques : 100 \\% \\{test\\}}"), "{}", c.bibtex);
        assert!(c.bibtex.contains("author = {{Cabinet \\& associates}}"), "{}", c.bibtex);
        let parsed = hayagriva::io::from_biblatex_str(&c.bibtex).expect("valid BibTeX");
        assert_eq!(
            parsed.get("study").and_then(|e| e.title()).map(|t| t.value.to_str()).as_deref(),
            Some("Influenceurs & marques : 100 % {test}")
        );
        assert_eq!(
            c.ris,
            "TY  - RPRT\nTI  - Influenceurs & marques : 100 % {test}\nAU  - Cabinet & associates\nPY  - 2026\nUR  - https://example.org/etude/\nER  - \n"
        );
    }
}
