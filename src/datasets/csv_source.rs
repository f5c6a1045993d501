//! Reading a dataset's CSV file into typed columns, and writing any
//! dataset back as CSV.
//!
//! A raw export may hold a million rows, so the file is streamed: each
//! cell is parsed once, straight into its column. Positions (line and
//! column) are only worked out for the cells that fail.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

use super::column::{Builder, Cell, Column};
use super::typing::{self, Misfit, Misfits, Typed, column_type, convert, is_date};
use super::{Dataset, Field, FieldType, RawField, Value};
use crate::diagnostics::{Diagnostic, Pos};

/// How one column of the file is read.
enum Plan {
    /// The sidecar YAML gives its type.
    Declared(FieldType),
    /// Its type is inferred from the cells.
    Infer,
    /// Inference met cells of two kinds: the column is text, kept as written.
    Text,
}

/// Reads CSV text (header row, comma or semicolon) into typed columns,
/// applying the fields `declared` in the sidecar YAML (`settings`).
pub fn read(
    path: &Path,
    text: &str,
    (settings, declared): (&Path, &[RawField]),
) -> Result<Typed, Vec<Diagnostic>> {
    read_in_chunks(path, text, (settings, declared), CHUNK)
}

/// [`read`], in pieces of about `chunk` bytes.
fn read_in_chunks(
    path: &Path,
    text: &str,
    (settings, declared): (&Path, &[RawField]),
    chunk: usize,
) -> Result<Typed, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let tabs = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let delimiter = if tabs { b'\t' } else { sniff_delimiter(text) };
    let (headers, body) = headers(path, text, delimiter).map_err(|d| vec![d])?;
    let mut errors = typing::missing_columns(settings, "the CSV file", &headers, declared);
    let fields = typing::fields_of(&headers, declared);
    let mut plans: Vec<Plan> = headers
        .iter()
        .map(|name| match declared.iter().find(|f| f.name == *name).and_then(|f| f.ty) {
            Some(ty) => Plan::Declared(ty),
            None => Plan::Infer,
        })
        .collect();
    // A column whose kind changes halfway is re-read as text from the
    // start, so "75001" and "2A004" both stay as written. Each restart fixes
    // a column for good, so this loop runs at most once per column.
    let chunks = split(text, body, chunk);
    let parsed = loop {
        match parse_chunks(path, &chunks, delimiter, &fields, &plans) {
            Ok(parsed) => break parsed,
            Err(Restart::AsText(i)) => plans[i] = Plan::Text,
            Err(Restart::Fatal(d)) => return Err(vec![d]),
        }
    };
    let parsed = Parsed {
        columns: parsed.builders.into_iter().map(Builder::finish).collect(),
        len: parsed.lines.len,
        lines: parsed.lines,
        errors: parsed.misfits.into_iter().flat_map(Misfits::finish).collect(),
    };
    errors.extend(parsed.errors);
    let mut fields = fields;
    let mut columns = parsed.columns;
    for (field, (plan, column)) in fields.iter_mut().zip(plans.iter().zip(&columns)) {
        if !matches!(plan, Plan::Declared(_)) {
            field.ty = column_type(column);
        }
    }
    for f in declared.iter().filter(|f| !headers.contains(&f.name)) {
        if let Some(default) = &f.default {
            let ty = f.ty.unwrap_or(FieldType::Text);
            fields.push(Field { name: f.name.clone(), label: f.label.clone(), ty, style: f.style.clone() });
            columns.push(Column::from_values(std::iter::repeat_n(default.clone(), parsed.len)));
        }
    }
    typing::check_ids(path, &fields, &columns, |r| Pos::new(parsed.lines.line(r), 1), &mut errors);
    errors.extend(typing::format_on_text(path, &fields, &typing::declared_at(&fields, declared)));
    let warnings =
        typing::fraction_warnings(path, &fields, &columns, &typing::declared_at(&fields, declared));
    if errors.is_empty() { Ok(Typed { fields, columns, len: parsed.len, warnings }) } else { Err(errors) }
}

/// Where the rows start: byte offset and line.
type Start = (usize, usize);

/// The header row's names, checked, and where the rows after it start.
fn headers(path: &Path, text: &str, delimiter: u8) -> Result<(Vec<String>, Start), Diagnostic> {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| csv_error(path, &e, 1))?.iter().map(|h| h.trim().to_string()).collect();
    let at_header = |message: String| Diagnostic::error(path, Some(Pos::new(1, 1)), message);
    if headers.iter().all(String::is_empty) {
        return Err(at_header("the CSV file has no header row".into())
            .with_hint("put the column names on the first line"));
    }
    if let Some(i) = headers.iter().position(String::is_empty) {
        return Err(at_header(format!("column {} has no name in the header row", i + 1)));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = headers.iter().find(|h| !seen.insert(h.as_str())) {
        return Err(at_header(format!("the header row names `{twice}` twice"))
            .with_hint("give each column its own name"));
    }
    let at = reader.position();
    Ok((headers, (at.byte() as usize, at.line() as usize)))
}

/// Files above this size are read in pieces of about this size, in parallel.
const CHUNK: usize = 4 << 20;

/// A piece of the file: its text, the line it starts on, and how many
/// line breaks it holds (at least as many as its rows).
type Chunk<'t> = (&'t str, usize, usize);

/// The rows of the file in pieces that can be read apart. A quote may
/// hide a line break inside a cell, so a file with quotes is one piece.
fn split(text: &str, (byte, line): Start, chunk: usize) -> Vec<Chunk<'_>> {
    use rayon::prelude::*;
    let body = text.get(byte..).unwrap_or("");
    let size = if body.len() < 2 * chunk || body.contains('"') { body.len() } else { chunk };
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < body.len() {
        let end = (start + size).min(body.len());
        // Just after a line break, which is always a character boundary.
        let end = body.as_bytes()[end..].iter().position(|&b| b == b'\n').map_or(body.len(), |i| end + i + 1);
        pieces.push(&body[start..end]);
        start = end;
    }
    let breaks: Vec<usize> = pieces.par_iter().map(|p| p.bytes().filter(|&b| b == b'\n').count()).collect();
    let mut first = line;
    pieces
        .into_iter()
        .zip(breaks)
        .map(|(piece, n)| {
            let at = first;
            first += n;
            (piece, at, n)
        })
        .collect()
}

/// Why a pass over the rows stopped.
enum Restart {
    /// Column `i` holds cells of two kinds: read it again as text.
    AsText(usize),
    /// The file cannot be read (ragged row, bad encoding).
    Fatal(Diagnostic),
}

/// The columns of the file, typed, and what went wrong in them.
struct Parsed {
    columns: Vec<Column>,
    len: usize,
    /// The line each row starts on, for errors about whole rows.
    lines: Lines,
    errors: Vec<Diagnostic>,
}

/// The line each row starts on, kept as the rows where lines stop
/// following rows one for one (after a blank line, or a cell over several
/// lines): a few numbers for a million rows, not one per row.
#[derive(Debug, Default)]
struct Lines {
    len: usize,
    /// (row, its line), for the first row and each row after a jump.
    jumps: Vec<(usize, usize)>,
}

impl Lines {
    fn push(&mut self, line: usize) {
        if self.jumps.last().is_none_or(|&(row, at)| at + (self.len - row) != line) {
            self.jumps.push((self.len, line));
        }
        self.len += 1;
    }

    fn line(&self, row: usize) -> usize {
        let i = self.jumps.partition_point(|&(r, _)| r <= row);
        self.jumps.get(i.wrapping_sub(1)).map_or(1, |&(r, at)| at + row - r)
    }

    fn extend(&mut self, next: Lines) {
        let shift = self.len;
        self.jumps.extend(next.jumps.into_iter().map(|(row, at)| (row + shift, at)));
        self.len += next.len;
    }
}

/// Rows read from one piece of the file.
struct Piece<'a> {
    builders: Vec<Builder>,
    lines: Lines,
    misfits: Vec<Misfits<'a>>,
}

impl<'a> Piece<'a> {
    /// Appends the rows of the next piece.
    fn append(&mut self, next: Piece<'a>) -> Result<(), Restart> {
        for (i, (b, more)) in self.builders.iter_mut().zip(next.builders).enumerate() {
            if !b.append(more) {
                return Err(Restart::AsText(i));
            }
        }
        self.lines.extend(next.lines);
        for (m, more) in self.misfits.iter_mut().zip(next.misfits) {
            m.absorb(more);
        }
        Ok(())
    }
}

/// Reads every piece and joins them in file order: a few at a time in
/// parallel, each appended to the whole and dropped before the next few
/// are read, so the columns are never held twice.
fn parse_chunks<'a>(
    path: &'a Path,
    chunks: &[Chunk],
    delimiter: u8,
    fields: &'a [Field],
    plans: &[Plan],
) -> Result<Piece<'a>, Restart> {
    let rows: usize = chunks.iter().map(|c| c.2).sum();
    let mut all: Option<Piece> = None;
    let parse = |chunk: &Chunk| parse_rows(path, *chunk, delimiter, fields, plans);
    in_windows(chunks, parse, |piece| match all.as_mut() {
        Some(all) => all.append(piece?),
        None => {
            let mut first = piece?;
            let more = rows.saturating_sub(first.lines.len);
            first.builders.iter_mut().for_each(|b| b.reserve(more));
            all = Some(first);
            Ok(())
        }
    })?;
    all.map_or_else(|| parse_rows(path, ("", 1, 0), delimiter, fields, plans), Ok)
}

/// Maps `items` on all cores a few at a time, and hands each result to
/// `take`, in order, before the next few are mapped: the results are never
/// all held at once, which for a raw export would hold it twice.
fn in_windows<I: Sync, T: Send, E>(
    items: &[I],
    map: impl Fn(&I) -> T + Sync,
    mut take: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    use rayon::prelude::*;
    for group in items.chunks(2 * rayon::current_num_threads().max(1)) {
        let results: Vec<T> = group.par_iter().map(&map).collect();
        results.into_iter().try_for_each(&mut take)?;
    }
    Ok(())
}

/// One pass over the rows of a piece of the file, each cell into its
/// column by `plans`.
fn parse_rows<'a>(
    path: &'a Path,
    (text, first_line, breaks): Chunk,
    delimiter: u8,
    fields: &'a [Field],
    plans: &[Plan],
) -> Result<Piece<'a>, Restart> {
    let decimal_comma = delimiter == b';';
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut builders: Vec<Builder> = plans
        .iter()
        .map(|p| match p {
            Plan::Declared(ty) => Builder::of(*ty),
            Plan::Infer => Builder::default(),
            Plan::Text => Builder::of(FieldType::Text),
        })
        .collect();
    builders.iter_mut().for_each(|b| b.reserve(breaks + 1));
    let mut misfits: Vec<Misfits> = fields.iter().map(|f| Misfits::new(path, f)).collect();
    let mut lines = Lines::default();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Restart::Fatal(csv_error(path, &e, first_line))),
        }
        let line = first_line - 1 + record.position().map_or(1, |p| p.line() as usize);
        if record.len() != fields.len() {
            let message = format!("this row has {} cells but the header has {}", record.len(), fields.len());
            return Err(Restart::Fatal(
                Diagnostic::error(path, Some(Pos::new(line, 1)), message)
                    .with_hint("quote cells that contain the delimiter"),
            ));
        }
        lines.push(line);
        for (i, raw) in record.iter().enumerate() {
            let cell = match plans[i] {
                Plan::Text => text_cell(raw),
                Plan::Infer => {
                    let cell = csv_cell(raw, decimal_comma);
                    if !builders[i].accepts(cell) {
                        return Err(Restart::AsText(i));
                    }
                    cell
                }
                Plan::Declared(ty) => declared_cell(raw, ty, decimal_comma, &fields[i]).unwrap_or_else(|m| {
                    let pos = || Pos::new(line, cell_column(text, &record, i) + 1);
                    misfits[i].push(m, pos, None);
                    Cell::Null
                }),
            };
            builders[i].push_cell(cell);
        }
    }
    Ok(Piece { builders, lines, misfits })
}

/// A cell of a declared field. Text and dates are kept as written.
fn declared_cell<'a>(
    raw: &'a str,
    ty: FieldType,
    decimal_comma: bool,
    field: &Field,
) -> Result<Cell<'a>, Misfit> {
    match (ty, text_cell(raw)) {
        (FieldType::Date, Cell::Text(t)) if !is_date(t) => Err(Misfit::BadDate),
        (FieldType::Text | FieldType::Date, cell) => Ok(cell),
        _ => match convert(&Value::from(csv_cell(raw, decimal_comma)), false, field)? {
            Value::Number(n) => Ok(Cell::Number(n)),
            Value::Bool(b) => Ok(Cell::Bool(b)),
            // Numbers and booleans convert to nothing else.
            _ => Ok(Cell::Null),
        },
    }
}

fn text_cell(raw: &str) -> Cell<'_> {
    match raw.trim() {
        "" => Cell::Null,
        t => Cell::Text(t),
    }
}

/// Where cell `i` of `record` starts on its line, in characters from 0.
/// Only called for cells that fail, so it may re-scan the line.
fn cell_column(text: &str, record: &csv::StringRecord, i: usize) -> usize {
    let line_start = record.position().map_or(0, |p| p.byte() as usize);
    let line = text.get(line_start..).unwrap_or("");
    let mut offset = 0;
    for (j, raw) in record.iter().enumerate() {
        let at = line.get(offset..).and_then(|rest| rest.find(raw)).map_or(offset, |o| offset + o);
        if j == i {
            return line.get(..at).map_or(at, |s| s.chars().count());
        }
        offset = at + raw.len();
    }
    offset
}

/// Semicolons are the spreadsheet default where the comma is the decimal
/// separator (French Excel), so the header line decides.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' }
}

/// A CSV cell: empty is missing, numbers are numbers (`2,5` too when the
/// file is semicolon-separated), anything else is text.
fn csv_cell(raw: &str, decimal_comma: bool) -> Cell<'_> {
    let t = raw.trim();
    if t.is_empty() {
        return Cell::Null;
    }
    let candidate: Cow<str> =
        if decimal_comma && t.contains(',') { t.replace(',', ".").into() } else { t.into() };
    match candidate.parse::<f64>() {
        Ok(n) if n.is_finite() && looks_numeric(&candidate) => Cell::Number(n),
        _ => match t {
            "true" | "TRUE" | "True" => Cell::Bool(true),
            "false" | "FALSE" | "False" => Cell::Bool(false),
            _ => Cell::Text(t),
        },
    }
}

/// Rust parses "inf" and "NaN" as floats; a dataset never means those.
fn looks_numeric(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
}

/// A csv crate error as a diagnostic; the text read started on `first_line`.
fn csv_error(path: &Path, e: &csv::Error, first_line: usize) -> Diagnostic {
    let pos = e.position().map(|p| Pos::new(first_line - 1 + p.line() as usize, 1));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("this row has {len} cells but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "the file is not valid UTF-8".to_string(),
        _ => format!("cannot read CSV: {e}"),
    };
    let d = Diagnostic::error(path, pos, message);
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => d.with_hint("save the file as UTF-8 from your spreadsheet"),
        csv::ErrorKind::UnequalLengths { .. } => d.with_hint("quote cells that contain the delimiter"),
        _ => d,
    }
}

/// The dataset as CSV: header of field names, values in plain form. A text
/// cell a spreadsheet would run as a formula (leading `=`, `+`, `-`, `@`,
/// tab or carriage return) gets a leading `'`, as OWASP advises, so
/// opening a download never runs what a dataset smuggled in; numbers,
/// negative ones included, are written as numbers.
/// Big datasets are written in pieces on all cores, joined in order.
pub fn write_csv(ds: &Dataset) -> Vec<u8> {
    let mut out = Vec::new();
    let names: Vec<Cell> = ds.fields.iter().map(|f| Cell::Text(&f.name)).collect();
    write_record(&mut out, names.into_iter(), &mut String::new());
    let starts: Vec<usize> = (0..ds.len).step_by(ROWS_PER_PIECE).collect();
    let write = |&start: &usize| {
        let mut piece = Vec::new();
        let mut scratch = String::new();
        for r in start..(start + ROWS_PER_PIECE).min(ds.len) {
            write_record(&mut piece, ds.columns.iter().map(|c| c.cell(r)), &mut scratch);
        }
        piece
    };
    let mut first = true;
    let joined: Result<(), std::convert::Infallible> = in_windows(&starts, write, |piece| {
        out.extend_from_slice(&piece);
        if std::mem::take(&mut first) {
            // Room for the rest at the first rows' width, so the whole
            // seldom grows (and copies) again.
            let done = ROWS_PER_PIECE.min(ds.len);
            out.reserve((out.len() / done) * (ds.len - done) * 21 / 20);
        }
        Ok(())
    });
    let Ok(()) = joined;
    out
}

const ROWS_PER_PIECE: usize = 1 << 16;

/// One CSV line (RFC 4180): cells separated by commas, text quoted when it
/// holds a comma, a quote or a line break. Written by hand because it is
/// this short, and the CSV download of a million rows is on the build's
/// critical path.
fn write_record<'a>(out: &mut Vec<u8>, cells: impl ExactSizeIterator<Item = Cell<'a>>, scratch: &mut String) {
    let n = cells.len();
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let defused;
        let cell = match cell {
            Cell::Text(t) if t.starts_with(['=', '+', '-', '@', '\t', '\r']) => {
                defused = format!("'{t}");
                Cell::Text(&defused)
            }
            other => other,
        };
        match cell {
            Cell::Text(t)
                if t.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
                    || (n == 1 && t.is_empty()) =>
            {
                out.push(b'"');
                out.extend_from_slice(t.replace('"', "\"\"").as_bytes());
                out.push(b'"');
            }
            // A line of one empty cell would read as no line at all.
            Cell::Null if n == 1 => out.extend_from_slice(b"\"\""),
            cell => {
                scratch.clear();
                super::column::write_cell(cell, scratch);
                out.extend_from_slice(scratch.as_bytes());
            }
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::super::yaml_source;
    use super::*;

    /// `csv` read as a dataset and written back as its download.
    fn round_trip(csv: &str) -> String {
        let t = read_csv(csv, "title: T").unwrap();
        let ds = Dataset {
            id: "x".into(),
            file: "x.csv".into(),
            meta: Default::default(),
            fields: t.fields,
            columns: t.columns,
            len: t.len,
            from: None,
        };
        String::from_utf8(write_csv(&ds)).unwrap()
    }

    #[test]
    fn formula_cells_are_defused_and_numbers_kept() {
        let text = round_trip("name,value\n=HYPERLINK(\"http://x\"),-3\n@SUM(A1),2\n+1,5\nplain,-0.5\n");
        assert_eq!(
            text,
            "name,value\n\"'=HYPERLINK(\"\"http://x\"\")\",-3\n'@SUM(A1),2\n'+1,5\nplain,-0.5\n"
        );
    }

    /// Reads `csv` with the fields declared in the sidecar YAML `yaml`.
    fn read_csv(csv: &str, yaml: &str) -> Result<Typed, Vec<Diagnostic>> {
        let declared = yaml_source::parse(Path::new("a.yaml"), yaml).unwrap().table.fields;
        read(Path::new("a.csv"), csv, (Path::new("a.yaml"), &declared))
    }

    fn types(t: &Typed) -> Vec<FieldType> {
        t.fields.iter().map(|f| f.ty).collect()
    }

    #[test]
    fn semicolon_files_read_decimal_commas() {
        let t = read_csv("handle;er\n@a;2,5\n@b;\n", "title: T").unwrap();
        assert_eq!(t.columns[1], Column::Numbers([Some(2.5), None].into_iter().collect()));
        assert_eq!(types(&t), [FieldType::Text, FieldType::Number]);
    }

    #[test]
    fn types_are_inferred_per_column() {
        let t = read_csv("a,b,c,d\n1,1.5,x,true\n2,2,3,false\n", "title: T").unwrap();
        assert_eq!(types(&t), [FieldType::Integer, FieldType::Number, FieldType::Text, FieldType::Boolean]);
        assert_eq!(t.columns[2], Column::Texts([Some("x"), Some("3")].into_iter().collect()));
    }

    #[test]
    fn a_column_that_turns_out_to_be_text_keeps_every_cell_as_written() {
        let t = read_csv("code,n\n75001,1\n007,2\n2A004,3\n", "title: T").unwrap();
        assert_eq!(t.fields[0].ty, FieldType::Text);
        let codes: Vec<_> = (0..3).map(|r| t.columns[0].text(r).into_owned()).collect();
        assert_eq!(codes, ["75001", "007", "2A004"]);
        assert_eq!(t.columns[1], Column::Numbers([Some(1.0), Some(2.0), Some(3.0)].into_iter().collect()));
    }

    #[test]
    fn declared_fields_give_types_labels_and_defaults() {
        let yaml = "fields:\n  zip: { type: text, label: Code }\n  unit: { default: EUR }\n";
        let t = read_csv("zip,v\n007,1\n", yaml).unwrap();
        assert_eq!(t.fields[0].label.as_deref(), Some("Code"));
        assert_eq!(t.columns[0].text(0), "007");
        assert_eq!(t.fields[2].name, "unit");
        assert_eq!(t.columns[2].get(0), Value::Text("EUR".into()));
    }

    #[test]
    fn bad_cells_point_at_the_cell_and_say_what_they_hold() {
        let errs = read_csv("a,b\nx,abc\n\"q, r\",12k\n", "fields:\n  b: { type: integer }\n").unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert_eq!(errs[0].pos, Some(Pos::new(2, 3)));
        assert_eq!(errs[0].message, "`b` must be a whole number, found `abc`");
        assert_eq!(errs[1].pos, Some(Pos::new(3, 8)));
    }

    #[test]
    fn a_column_of_bad_cells_is_summed_up_after_ten() {
        let rows: String = (0..25).map(|i| format!("n{i}\n")).collect();
        let errs = read_csv(&format!("v\n{rows}"), "fields:\n  v: { type: number }\n").unwrap_err();
        assert_eq!(errs.len(), 11);
        assert_eq!(errs[10].message, "… and 15 more cells of `v` that do not fit its type");
        assert_eq!(errs[9].pos.map(|p| p.line), Some(11));
    }

    #[test]
    fn declared_fields_missing_from_the_header_are_named_with_a_suggestion() {
        let errs =
            read_csv("handle,folowers\n@a,1\n", "fields:\n  followers: { type: integer }\n").unwrap_err();
        assert_eq!(errs[0].pos.map(|p| p.line), Some(2));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `folowers`?"));
    }

    #[test]
    fn header_problems() {
        let errs = read_csv("a,b,a\n1,2,3\n", "title: T").unwrap_err();
        assert!(errs[0].message.contains("names `a` twice"), "{}", errs[0].message);
        let errs = read_csv("a,,c\n1,2,3\n", "title: T").unwrap_err();
        assert!(errs[0].message.contains("column 2 has no name"), "{}", errs[0].message);
    }

    #[test]
    fn ragged_rows_are_errors_with_line() {
        let errs = read_csv("a,b\n1,2\n3\n", "title: T").unwrap_err();
        assert_eq!(errs[0].pos.map(|p| p.line), Some(3));
        assert!(errs[0].message.contains("1 cells"), "{}", errs[0].message);
    }

    #[test]
    fn duplicate_ids_name_the_line_of_their_row() {
        // The quoted cell spans two lines, so row 3 starts on line 5.
        let errs = read_csv("id,note\na,\"two\nlines\"\nb,x\na,y\n", "title: T").unwrap_err();
        assert_eq!(errs[0].message, "duplicate id `a`, already used on line 2");
        assert_eq!(errs[0].pos.map(|p| p.line), Some(5));
    }

    /// A file of `n` rows where a column turns to text late, another is
    /// empty at first, and `bad` cells of a declared integer fail.
    fn awkward_file(n: usize, bad: &[usize]) -> String {
        let mut text = String::from("id,code,late,n\n");
        for i in 0..n {
            let code = if i == n - 3 { "2A004".to_string() } else { format!("{:05}", 75000 + i) };
            let late = if i < n / 2 { String::new() } else { format!("{}.5", i) };
            let count = if bad.contains(&i) { "x".to_string() } else { i.to_string() };
            text.push_str(&format!("r{i},{code},{late},{count}\n"));
        }
        text
    }

    #[test]
    fn row_lines_are_kept_as_jumps_and_read_back_exactly() {
        let mut lines = Lines::default();
        for line in [2, 3, 4, 6, 7, 10] {
            lines.push(line);
        }
        assert_eq!(lines.jumps, [(0, 2), (3, 6), (5, 10)]);
        let mut next = Lines::default();
        [11, 12, 14].into_iter().for_each(|l| next.push(l));
        lines.extend(next);
        let all: Vec<usize> = (0..lines.len).map(|r| lines.line(r)).collect();
        assert_eq!(all, [2, 3, 4, 6, 7, 10, 11, 12, 14]);
    }

    #[test]
    fn pieces_read_exactly_like_one_piece() {
        let yaml = yaml_source::parse(Path::new("a.yaml"), "fields:\n  n: { type: integer }\n").unwrap();
        let declared = yaml.table.fields;
        let one =
            |text: &str| read_in_chunks(Path::new("a.csv"), text, (Path::new("a.yaml"), &declared), 1 << 40);
        let many =
            |text: &str| read_in_chunks(Path::new("a.csv"), text, (Path::new("a.yaml"), &declared), 64);
        let good = awkward_file(60, &[]);
        assert!(split(&good, (15, 2), 64).len() > 10);
        let (a, b) = (one(&good).unwrap(), many(&good).unwrap());
        assert_eq!((&a.fields, &a.columns, a.len), (&b.fields, &b.columns, b.len));
        assert_eq!(a.columns[1].text(0), "75000", "the late text keeps early codes as written");
        assert_eq!(a.columns[2].get(0), Value::Null);
        assert_eq!(a.columns[2].get(59), Value::Number(59.5));
        // Errors: the first ten in file order, then how many more.
        let bad: Vec<usize> = (3..60).step_by(4).collect();
        let (a, b) = (one(&awkward_file(60, &bad)).unwrap_err(), many(&awkward_file(60, &bad)).unwrap_err());
        assert_eq!(a, b);
        assert_eq!(a.len(), 11);
        assert_eq!(a[0].pos, Some(Pos::new(5, 11)), "`x` in `r3,75003,,x`");
        assert_eq!(a[9].pos.map(|p| p.line), Some(41), "row 39, in a later piece");
        assert_eq!(a[10].message, "… and 5 more cells of `n` that do not fit its type");
    }

    #[test]
    fn text_that_rust_would_parse_as_float_stays_text() {
        assert_eq!(csv_cell("NaN", false), Cell::Text("NaN"));
        assert_eq!(csv_cell("inf", false), Cell::Text("inf"));
        assert_eq!(csv_cell("1e3", false), Cell::Number(1000.0));
    }

    #[test]
    fn written_csv_matches_the_csv_crate_over_many_pieces() {
        let n = ROWS_PER_PIECE * 2 + 17;
        let texts = ["plain", "a, b", "say \"hi\"", "two\nlines", " spaced ", ""];
        let ds = Dataset {
            id: "x".into(),
            file: "x.csv".into(),
            meta: Default::default(),
            fields: ["t", "n", "b"].map(|name| Field::new(name, None, FieldType::Text)).to_vec(),
            columns: vec![
                Column::Texts((0..n).map(|i| (i % 7 != 6).then(|| texts[i % 6])).collect()),
                Column::Numbers((0..n).map(|i| (i % 5 != 0).then_some(i as f64 * 0.37)).collect()),
                Column::Bools((0..n).map(|i| Some(i % 2 == 0)).collect()),
            ],
            len: n,
            from: None,
        };
        let mut reference = csv::Writer::from_writer(Vec::new());
        reference.write_record(["t", "n", "b"]).unwrap();
        for r in 0..n {
            reference.write_record(ds.columns.iter().map(|c| c.text(r).into_owned())).unwrap();
        }
        assert!(write_csv(&ds) == reference.into_inner().unwrap(), "differs from the csv crate's output");
        // One column: an empty cell is quoted, or the line would vanish.
        let one = Dataset {
            fields: ds.fields[..1].to_vec(),
            columns: vec![Column::Texts([Some("a"), None, Some("")].into_iter().collect())],
            len: 3,
            ..ds
        };
        assert_eq!(String::from_utf8(write_csv(&one)).unwrap(), "t\na\n\"\"\n\"\"\n");
    }

    #[test]
    fn written_csv_reads_back_the_same() {
        assert_eq!(
            round_trip("h,n,b\n\"a, b\",1.5,true\nc,,false\n"),
            "h,n,b\n\"a, b\",1.5,true\nc,,false\n"
        );
    }
}
