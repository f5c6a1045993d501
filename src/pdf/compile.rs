//! The Typst compiler in memory: a `World` that holds the document's
//! source, the files it shows and the theme's fonts, and reads nothing
//! from disk or network. Its clock is fixed, so the same study gives the
//! same bytes.

use std::collections::HashMap;
use std::path::PathBuf;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards};

use super::Pdf;

/// A problem the compiler met: where in the main source (a byte offset),
/// and what, with its hints.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub offset: Option<usize>,
    pub message: String,
    pub hints: Vec<String>,
    pub warning: bool,
}

struct Memory {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    files: HashMap<FileId, Bytes>,
}

fn file_id(path: &str) -> Option<FileId> {
    Some(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).ok()?).intern())
}

impl World for Memory {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(not_found(id)) }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(2000, 1, 1)
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(PathBuf::from(id.vpath().get_without_slash()))
}

/// Typesets `source`, showing `files` (virtual path, bytes) in `fonts`,
/// into a tagged PDF, PDF/UA-1 when it can be (why not, as warnings); or
/// what went wrong.
pub fn pdf(
    source: &str,
    files: Vec<(String, Vec<u8>)>,
    fonts: &[&[u8]],
) -> Result<(Pdf, Vec<Problem>), Vec<Problem>> {
    let fonts: Vec<Font> = fonts.iter().flat_map(|f| Font::iter(Bytes::new(f.to_vec()))).collect();
    let main_id = file_id("/main.typ").ok_or_else(|| vec![plain("the document's path is invalid")])?;
    let mut by_id = HashMap::new();
    for (path, bytes) in files {
        let id = file_id(&path).ok_or_else(|| vec![plain(&format!("`{path}` is not a valid path"))])?;
        by_id.insert(id, Bytes::new(bytes));
    }
    let world = Memory {
        library: LazyHash::new(Library::default()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        main: Source::new(main_id, source.to_string()),
        files: by_id,
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    // Typst keeps what it computed for the next compilation (`serve`
    // rebuilds reuse it); what ten compilations did not reuse goes, as
    // typst-cli does, so a long session does not grow without end.
    typst::comemo::evict(10);
    let document = compiled.output.map_err(|errs| problems(&world, &errs))?;
    let pages = document.pages().len();
    let standards = PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| vec![plain(e.message().as_ref())])?;
    let options = |standards| PdfOptions {
        ident: Smart::Auto,
        creator: Smart::Custom(Some("barometer".into())),
        standards,
        ..PdfOptions::default()
    };
    match typst_pdf::pdf(&document, &options(standards)) {
        Ok(bytes) => Ok((Pdf { bytes, pages }, Vec::new())),
        // What PDF/UA-1 forbids but a reader copes with (a skipped heading
        // level) still gives a tagged PDF, with a warning saying why it is
        // not PDF/UA-1.
        Err(errs) if errs.iter().all(|e| e.message.contains("PDF/UA")) => {
            let bytes = typst_pdf::pdf(&document, &options(PdfStandards::default()))
                .map_err(|errs| problems(&world, &errs))?;
            let mut warnings = problems(&world, &errs);
            warnings.iter_mut().for_each(|w| w.warning = true);
            Ok((Pdf { bytes, pages }, warnings))
        }
        Err(errs) => Err(problems(&world, &errs)),
    }
}

fn plain(message: &str) -> Problem {
    Problem { offset: None, message: message.to_string(), hints: Vec::new(), warning: false }
}

fn problems(world: &Memory, diags: &[SourceDiagnostic]) -> Vec<Problem> {
    diags
        .iter()
        .map(|d| Problem {
            offset: offset_in(&world.main, d.span),
            message: d.message.to_string(),
            hints: d.hints.iter().map(|h| h.v.to_string()).collect(),
            warning: d.severity == Severity::Warning,
        })
        .collect()
}

/// Where in the main source a diagnostic points, if it points there.
fn offset_in(main: &Source, span: DiagSpan) -> Option<usize> {
    match span.get() {
        DiagSpanKind::Number { id, num, sub_range } if id == main.id() => {
            main.range(num, sub_range).map(|r| r.start)
        }
        DiagSpanKind::Range { id, range } if id == main.id() => Some(range.start),
        _ => None,
    }
}
