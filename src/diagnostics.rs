//! Errors and warnings found in a project, as values.
//!
//! Every problem a user can cause is a [`Diagnostic`] that names the file,
//! the line and the column, says what is wrong in plain words and, where a
//! fix is likely, suggests it. A build collects all of them instead of
//! stopping at the first, so one run shows everything to fix.

use std::fmt;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    /// Said, never failing a build, `--strict` included.
    Note,
    Warning,
    Error,
}

/// A position in a source file, 1-based like editors show it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn new(line: usize, column: usize) -> Self {
        Pos { line: line.max(1), column: column.max(1) }
    }

    /// This position moved down by `lines`, for text embedded in a file
    /// (a block inside a page, a page body below its front matter).
    pub fn shifted(self, lines: usize) -> Self {
        Pos::new(self.line + lines, self.column)
    }
}

/// One problem in the project.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the project root, as the user would type it.
    pub file: PathBuf,
    pub pos: Option<Pos>,
    /// Where in a file without lines the problem is: `sheet Q3, cell C14`
    /// in a workbook, `row 12, column cost` in a Parquet file.
    pub place: Option<Box<str>>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            pos,
            place: None,
            message: message.into(),
            hint: None,
        }
    }

    /// An error at `place` in a file that has no lines (see [`Diagnostic::place`]).
    pub fn error_at(file: impl Into<PathBuf>, place: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { place: Some(place.into().into_boxed_str()), ..Diagnostic::error(file, None, message) }
    }

    pub fn warning(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, pos, message) }
    }

    pub fn note(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Note, ..Diagnostic::error(file, pos, message) }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Gives `hint` unless the diagnostic has one already (say, a
    /// suggestion from [`Diagnostic::suggest`]).
    pub fn or_hint(self, hint: impl Into<String>) -> Self {
        if self.hint.is_some() { self } else { self.with_hint(hint) }
    }

    /// Adds "did you mean …?" when one of `candidates` is close to `wrong`.
    pub fn suggest<'a>(self, wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Self {
        match closest(wrong, candidates) {
            Some(best) => self.with_hint(format!("did you mean `{best}`?")),
            None => self,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic with the offending source line and a caret
    /// under the column, as compilers do, when the source is at hand.
    pub fn render(&self, source: Option<&str>) -> String {
        self.render_with(source, false)
    }

    /// [`render`](Self::render), in colour for a terminal when `color`.
    pub fn render_with(&self, source: Option<&str>, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let path = self.file.display().to_string();
        let title = level.primary_title(self.message.as_str());
        let mut group = match (self.pos, source) {
            (Some(pos), Some(src)) => match line_span(src, pos) {
                Some((line_text, col)) => {
                    let end = next_char_boundary(line_text, col);
                    title.element(
                        Snippet::source(line_text)
                            .line_start(pos.line)
                            .path(path.as_str())
                            .annotation(AnnotationKind::Primary.span(col..end)),
                    )
                }
                None => title.element(Level::NOTE.message(format!("in {}", self.location()))),
            },
            _ => title.element(Level::NOTE.message(format!("in {}", self.location()))),
        };
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint.as_str()));
        }
        let report: [Group; 1] = [group];
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        renderer.render(&report)
    }

    /// One line of JSON for editors and CI: severity, file, line, column,
    /// message, hint and the source line when it is at hand.
    pub fn to_json(&self, source: Option<&str>) -> String {
        let source_line = self.pos.zip(source).and_then(|(p, src)| src.lines().nth(p.line.checked_sub(1)?));
        serde_json::json!({
            "type": "diagnostic",
            "severity": self.severity_name(),
            "file": self.file.to_string_lossy().replace('\\', "/"),
            "line": self.pos.map(|p| p.line),
            "column": self.pos.map(|p| p.column),
            "place": self.place,
            "message": self.message,
            "hint": self.hint,
            "source_line": source_line,
        })
        .to_string()
    }

    /// A GitHub Actions workflow command, which shows the diagnostic on the
    /// line of the pull request it is about.
    pub fn github_annotation(&self) -> String {
        let mut props = format!("file={}", escape_property(&self.file.to_string_lossy().replace('\\', "/")));
        if let Some(p) = self.pos {
            props.push_str(&format!(",line={},col={}", p.line, p.column));
        }
        let mut text = match &self.place {
            Some(place) => format!("{place}: {}", self.message),
            None => self.message.clone(),
        };
        if let Some(h) = &self.hint {
            text.push_str(&format!(" ({h})"));
        }
        let command = if self.severity == Severity::Note { "notice" } else { self.severity_name() };
        format!("::{command} {props},title=barometer::{}", escape_data(&text))
    }

    fn severity_name(&self) -> &'static str {
        match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    /// `file:line:column`, `file, sheet Q3, cell C14`, or just the file
    /// when no position is known.
    pub fn location(&self) -> String {
        match (self.pos, &self.place) {
            (Some(p), _) => format!("{}:{}:{}", self.file.display(), p.line, p.column),
            (None, Some(place)) => format!("{}, {place}", self.file.display()),
            (None, None) => self.file.display().to_string(),
        }
    }
}

/// `diags` about `file`, a file without lines (a workbook, a Parquet
/// file), each named by the place `place` gives for its position (`None`
/// when it has none) rather than by line and column. Such files number
/// rows, not lines: "already used on line 5" reads "already used in row 5".
pub fn placed(
    diags: Vec<Diagnostic>,
    file: &Path,
    place: impl Fn(Option<Pos>) -> Option<String>,
) -> Vec<Diagnostic> {
    diags
        .into_iter()
        .map(|mut d| {
            if d.file == file
                && let Some(at) = place(d.pos)
            {
                d.pos = None;
                d.place = Some(at.into());
                d.message = d.message.replace("already used on line", "already used in row");
            }
            d
        })
        .collect()
}

/// Escapes the message of a workflow command, as GitHub's toolkit does.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property (`file=…`) of a workflow command.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.location(), self.severity_name(), self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// The text of line `pos.line` and the byte offset of `pos.column` in it.
fn line_span(src: &str, pos: Pos) -> Option<(&str, usize)> {
    let line = src.lines().nth(pos.line.checked_sub(1)?)?;
    let col = line.char_indices().nth(pos.column.saturating_sub(1)).map(|(i, _)| i).unwrap_or(line.len());
    Some((line, col))
}

fn next_char_boundary(s: &str, at: usize) -> usize {
    s[at..].chars().next().map_or(at, |c| at + c.len_utf8())
}

/// Byte offsets in a text to file lines and columns (from 1), the text
/// starting `offset` lines into its file.
pub struct LineIndex<'a> {
    starts: Vec<usize>,
    offset: usize,
    text: &'a str,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, offset: usize) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts, offset, text }
    }

    fn index(&self, byte: usize) -> usize {
        match self.starts.binary_search(&byte.min(self.text.len())) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_of(&self, byte: usize) -> usize {
        self.index(byte) + 1 + self.offset
    }

    pub fn column_of(&self, byte: usize) -> usize {
        let start = self.starts[self.index(byte)];
        self.text.get(start..byte).map_or(1, |s| s.chars().count() + 1)
    }

    pub fn pos(&self, byte: usize) -> Pos {
        Pos::new(self.line_of(byte), self.column_of(byte))
    }
}

/// The candidate closest to `wrong`, when it is close enough to be a typo.
pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_l = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(&wrong_l, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(wrong.chars().count()) / 3).max(1) + 1)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// All the diagnostics of one run, errors and warnings.
#[derive(Debug, Default)]
pub struct Diagnostics {
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Sorted by file and position so output is stable run to run.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| (&a.file, a.pos, &a.message).cmp(&(&b.file, b.pos, &b.message)));
        self.items.dedup();
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_in_a_file_without_lines_is_told_everywhere() {
        let d = Diagnostic::error_at("data/survey.xlsx", "sheet Q3, cell C14", "`share` must be a number")
            .with_hint("convert the cell");
        assert_eq!(d.location(), "data/survey.xlsx, sheet Q3, cell C14");
        assert_eq!(
            d.to_string(),
            "data/survey.xlsx, sheet Q3, cell C14: error: `share` must be a number (convert the cell)"
        );
        let json: serde_json::Value = serde_json::from_str(&d.to_json(None)).unwrap();
        assert_eq!(json["place"], "sheet Q3, cell C14");
        assert_eq!(json["line"], serde_json::Value::Null);
        assert!(
            d.github_annotation()
                .ends_with("::sheet Q3, cell C14: `share` must be a number (convert the cell)")
        );
        assert!(d.render(None).contains("in data/survey.xlsx, sheet Q3, cell C14"));
    }

    #[test]
    fn places_replace_lines_in_files_without_lines_only() {
        let file = Path::new("data/a.parquet");
        let diags = vec![
            Diagnostic::error(file, Some(Pos::new(5, 2)), "duplicate id `a`, already used on line 3"),
            Diagnostic::error(file, None, "cannot read"),
            Diagnostic::error("data/a.yaml", Some(Pos::new(5, 2)), "already used on line 3"),
        ];
        let out = placed(diags, file, |pos| pos.map(|p| format!("row {}, column {}", p.line, p.column)));
        assert_eq!(out[0].location(), "data/a.parquet, row 5, column 2");
        assert_eq!(out[0].message, "duplicate id `a`, already used in row 3");
        assert_eq!(out[1].location(), "data/a.parquet");
        assert_eq!(out[2].location(), "data/a.yaml:5:2");
        assert_eq!(out[2].message, "already used on line 3");
    }

    #[test]
    fn closest_finds_typos_but_not_strangers() {
        assert_eq!(closest("scor", ["score", "share"]), Some("score"));
        assert_eq!(closest("titel", ["title", "note"]), Some("title"));
        assert_eq!(closest("zzzzzz", ["title", "note"]), None);
    }

    #[test]
    fn render_shows_source_line_and_caret() {
        let d = Diagnostic::error("data/a.yaml", Some(Pos::new(2, 8)), "bad value")
            .with_hint("did you mean `x`?");
        let out = d.render(Some("title: x\nshare: abc\n"));
        assert!(out.contains("data/a.yaml:2:8"), "{out}");
        assert!(out.contains("share: abc"), "{out}");
        assert!(out.contains('^'), "{out}");
        assert!(out.contains("did you mean `x`?"), "{out}");
    }

    #[test]
    fn json_is_one_parsable_line_with_file_and_line() {
        let d = Diagnostic::error("data/a.yaml", Some(Pos::new(2, 8)), "bad \"value\"").with_hint("fix it");
        let line = d.to_json(Some("title: x\nshare: abc\n"));
        assert!(!line.contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["severity"], "error");
        assert_eq!(v["file"], "data/a.yaml");
        assert_eq!((v["line"].as_u64(), v["column"].as_u64()), (Some(2), Some(8)));
        assert_eq!(v["message"], "bad \"value\"");
        assert_eq!(v["hint"], "fix it");
        assert_eq!(v["source_line"], "share: abc");
        let none = Diagnostic::warning("report.yaml", None, "w").to_json(None);
        let v: serde_json::Value = serde_json::from_str(&none).unwrap();
        assert!(v["line"].is_null() && v["hint"].is_null());
    }

    #[test]
    fn github_annotations_escape_what_would_break_them() {
        let d = Diagnostic::error("data/a,b.yaml", Some(Pos::new(2, 8)), "100% wrong\nreally")
            .with_hint("did you mean `x`?");
        assert_eq!(
            d.github_annotation(),
            "::error file=data/a%2Cb.yaml,line=2,col=8,title=barometer::100%25 wrong%0Areally (did you mean `x`?)"
        );
        let w = Diagnostic::warning("content/a.md", None, "w");
        assert_eq!(w.github_annotation(), "::warning file=content/a.md,title=barometer::w");
    }

    #[test]
    fn display_is_one_line_with_location() {
        let d = Diagnostic::warning("content/a.md", Some(Pos::new(3, 1)), "oops");
        assert_eq!(d.to_string(), "content/a.md:3:1: warning: oops");
    }
}
