//! The whole study as one PDF: the pages of the report, in reading order,
//! as one Typst document, typeset by the Typst compiler in memory.
//!
//! Rendering writes each page as Typst markup next to its HTML
//! ([`markup`], [`blocks`]); this module puts the pages together behind a
//! cover and a table of contents ([`document`]) and, with the `pdf`
//! feature, typesets them ([`typeset`]). A problem Typst meets is traced
//! back to the page and line it came from.

pub mod blocks;
#[cfg(feature = "pdf")]
pub mod compile;
pub mod markup;

/// A PDF: its bytes and its number of pages.
#[derive(Debug)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

use std::path::{Path, PathBuf};

use crate::config::Config;
#[cfg(feature = "pdf")]
use crate::diagnostics::Diagnostic;
use crate::diagnostics::Pos;
use crate::i18n::t;
use crate::printed::DataSource;
use markup::{page_label, string, text};

/// The look of the document: page, type, figures (see the file).
const PREAMBLE: &str = include_str!("preamble.typ");

/// One page of the report as a chapter.
pub struct Chapter<'a> {
    pub file: &'a Path,
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// Its body, numbered.
    pub markup: &'a str,
}

/// Everything the document holds.
pub struct Study<'a> {
    pub config: &'a Config,
    /// The cover's date, as the report's language writes it.
    pub date: Option<String>,
    /// The key figures of the home page, for the cover.
    pub cover_keys: Option<String>,
    pub chapters: Vec<Chapter<'a>>,
    pub figures: usize,
    pub tables: usize,
    pub sources: Vec<DataSource>,
    /// The works the report cites, formatted.
    pub references: &'a [crate::cite::Reference],
    /// How to cite the study, as Typst markup.
    pub citation: &'a str,
}

/// The Typst source of the whole study.
pub fn document(study: &Study) -> String {
    let config = study.config;
    let lang = config.language;
    let typo = |s: &str| crate::typography::spaced(s, lang).into_owned();
    let optional = |s: Option<String>| s.map_or_else(|| "none".to_string(), |s| string(&s));
    let mut src = format!(
        "#let report = (title: {}, description: {}, author: {}, date: {}, lang: {}, paper: {}, strings: (\
         figure: {}, table: {}, contents: {}, key-figures: {}))\n",
        string(&typo(&config.title)),
        optional(config.description.as_deref().map(typo)),
        optional(config.author.as_deref().map(typo)),
        optional(study.date.clone()),
        string(lang.code()),
        string(config.pdf.as_ref().map_or("a4", |p| p.paper.as_str())),
        string(t(lang, "figure")),
        string(t(lang, "table")),
        string(t(lang, "contents")),
        string(t(lang, "key_figures")),
    );
    src.push_str(&brand(&config.brand));
    src.push_str(PREAMBLE);
    src.push_str(&format!(
        "\n#cover({})\n\n#contents()\n\n#how-to-cite({}, [{}])\n\n",
        study.cover_keys.as_deref().map_or("none".into(), |k| format!("[{k}]")),
        string(t(lang, "how_to_cite")),
        study.citation
    ));
    for (i, c) in study.chapters.iter().enumerate() {
        let title = text(&typo(c.title));
        src.push_str(&format!(
            "{}#chapter-title.update([{title}])\n#heading(level: 1)[{title}]{}\n\n",
            chapter_mark(i),
            page_label(i)
        ));
        if let Some(d) = c.description {
            src.push_str(&format!(
                "#block(below: 1.4em, text(size: 11.5pt, fill: muted, {}))\n\n",
                string(&typo(d))
            ));
        }
        src.push_str(c.markup);
        src.push('\n');
    }
    src.push_str(END_MARK);
    src.push_str("#chapter-title.update(none)\n");
    src.push_str("#set heading(numbering: none)\n");
    if study.figures > 0 {
        src.push_str(&format!(
            "#outline(title: {}, target: figure.where(kind: \"chart\"))\n\n",
            string(t(lang, "list_of_figures"))
        ));
    }
    if study.tables > 0 {
        let run_on = if study.figures > 0 { "#run-on" } else { "#" };
        src.push_str(&format!(
            "{run_on}[#outline(title: {}, target: figure.where(kind: \"data-table\"))]\n\n",
            string(t(lang, "list_of_tables"))
        ));
    }
    if !study.references.is_empty() {
        src.push_str(&format!(
            "#heading(level: 1)[{}]{}\n\n",
            text(t(lang, "references")),
            markup::label("references")
        ));
        for r in study.references {
            let label = r.label.as_ref().map(|l| format!("{} ", l.typst)).unwrap_or_default();
            src.push_str(&format!(
                "#par(justify: false, hanging-indent: 1.5em)[{label}{}]\n\n",
                r.text.typst
            ));
        }
    }
    if !study.sources.is_empty() {
        src.push_str(&format!("#heading(level: 1)[{}]\n\n", text(t(lang, "sources"))));
        src.push_str(&sources(&study.sources));
    }
    src
}

/// The datasets behind the report's figures, one paragraph each.
fn sources(list: &[DataSource]) -> String {
    let mut out = String::new();
    for s in list {
        let cited = match &s.source {
            Some((words, Some(url))) => format!(" · #link({})[{}]", string(url), text(words)),
            Some((words, None)) => format!(" · {}", text(words)),
            None => String::new(),
        };
        let sample = s.sample.as_deref().map(|n| format!(" · {}", text(n))).unwrap_or_default();
        out.push_str(&format!("#par(justify: false)[#strong[{}]{cited}{sample}]\n\n", text(&s.title)));
        if let Some((sentence, query)) = &s.snapshot {
            out.push_str(&format!(
                "#par(justify: false)[{}]\n#raw(block: true, lang: \"sql\", {})\n\n",
                text(sentence),
                string(query)
            ));
        }
    }
    out
}

/// The brand's accent, fonts and logo as the preamble reads them.
fn brand(b: &crate::brand::Brand) -> String {
    use crate::brand::Role;
    let family = |role| {
        b.family(role).map_or_else(|| "\"Inter\"".to_string(), |f| format!("({}, \"Inter\")", string(f)))
    };
    format!(
        "#let brand = (accent: rgb({}), text-font: {}, heading-font: {}, logo: {})\n",
        string(b.accent.as_deref().unwrap_or("#1f4e79")),
        family(Role::Text),
        family(Role::Headings),
        b.logo.as_ref().map_or("none".into(), |p| string(&format!("/site/{}", p.display()))),
    )
}

/// Marks the start of chapter `i` in the source, so a Typst error can be
/// traced to its page.
fn chapter_mark(i: usize) -> String {
    format!("/*@P{i}*/")
}

/// Marks where the chapters end and the lists and sources begin.
const END_MARK: &str = "/*@END*/";

/// The page and line a byte of the document's source came from, if it
/// came from a page.
pub fn origin(source: &str, offset: usize, chapters: &[Chapter]) -> Option<(PathBuf, Option<Pos>)> {
    let before = source.get(..offset)?;
    if before.rfind(END_MARK).is_some() {
        return None;
    }
    let chapter = before.rfind("/*@P")?;
    let number: String = before[chapter + 4..].chars().take_while(char::is_ascii_digit).collect();
    let file = chapters.get(number.parse::<usize>().ok()?)?.file.to_path_buf();
    let line = before[chapter..].rfind("/*@L").and_then(|at| {
        let digits: String = before[chapter + at + 4..].chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<usize>().ok()
    });
    Some((file, line.map(|l| Pos::new(l, 1))))
}

/// Typesets the study: the PDF and its warnings; or every error. Each
/// is at the page and line it came from when it can be told. A study
/// typeset before from the same source, files and fonts is taken from
/// `store`, the build cache.
#[cfg(feature = "pdf")]
pub fn typeset_pdf(
    study: &Study,
    files: Vec<(String, Vec<u8>)>,
    (fonts, store): (&[&[u8]], &crate::cache::Store),
) -> Result<(Pdf, Vec<Diagnostic>), Vec<Diagnostic>> {
    let source = document(study);
    let diagnostic = |p: compile::Problem| {
        let (file, pos) = p
            .offset
            .and_then(|o| origin(&source, o, &study.chapters))
            .unwrap_or_else(|| (PathBuf::from(crate::config::CONFIG_FILE), None));
        if p.warning {
            let d =
                Diagnostic::warning(file, pos, format!("the PDF is tagged but not PDF/UA-1: {}", p.message));
            return d.with_hint("fix this for a PDF that meets PDF/UA-1, the standard for accessible PDF");
        }
        let d = Diagnostic::error(file, pos, format!("the PDF cannot be typeset: {}", p.message));
        match p.hints.first() {
            Some(h) => d.with_hint(h.clone()),
            None => d.with_hint(
                "set `pdf: false` in report.yaml to build the site without the PDF, and report this problem",
            ),
        }
    };
    let key = crate::cache::Key::of((&source, &files, fonts));
    let compiled = match store.get(crate::cache::Kind::Pdf, key).and_then(|b| from_bytes(&b)) {
        Some(kept) => Ok(kept),
        None => {
            let compiled = compile::pdf(&source, files, fonts);
            if let Some(bytes) = compiled.as_ref().ok().and_then(to_bytes) {
                store.put(crate::cache::Kind::Pdf, key, &bytes);
            }
            compiled
        }
    };
    match compiled {
        Ok((pdf, warnings)) => Ok((pdf, warnings.into_iter().map(diagnostic).collect())),
        Err(problems) => Err(problems.into_iter().filter(|p| !p.warning).map(diagnostic).collect()),
    }
}

/// A typeset PDF as the build cache keeps it: its pages and warnings,
/// then its bytes (see [`crate::cache::frame`]).
#[cfg(feature = "pdf")]
fn to_bytes((pdf, warnings): &(Pdf, Vec<compile::Problem>)) -> Option<Vec<u8>> {
    crate::cache::frame(&(pdf.pages, warnings), &[&pdf.bytes])
}

/// The PDF [`to_bytes`] kept; `None` if `bytes` are not one.
#[cfg(feature = "pdf")]
fn from_bytes(bytes: &[u8]) -> Option<(Pdf, Vec<compile::Problem>)> {
    let ((pages, warnings), pdf): ((usize, Vec<compile::Problem>), _) = crate::cache::unframe(bytes)?;
    pdf.starts_with(b"%PDF-").then(|| (Pdf { bytes: pdf.to_vec(), pages }, warnings))
}
