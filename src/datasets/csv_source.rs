//! Reading a dataset's CSV file, and writing any dataset back as CSV.

use std::path::Path;

use super::{Dataset, RawCell, RawRow, Value};
use crate::diagnostics::{Diagnostic, Pos};

/// Reads CSV text (header row, comma or semicolon) into positioned cells.
/// Every cell is text here; typing decides what is a number.
pub fn parse(path: &Path, text: &str) -> Result<Vec<RawRow>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff_delimiter(text);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| csv_error(path, &e))?.iter().map(|h| h.trim().to_string()).collect();
    if headers.iter().all(String::is_empty) {
        return Err(Diagnostic::error(path, Some(Pos::new(1, 1)), "the CSV file has no header row")
            .with_hint("put the column names on the first line"));
    }
    if let Some(i) = headers.iter().position(String::is_empty) {
        return Err(Diagnostic::error(
            path,
            Some(Pos::new(1, 1)),
            format!("column {} has no name in the header row", i + 1),
        ));
    }
    let decimal_comma = delimiter == b';';
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(1, |p| p.line() as usize);
        let line_start = record.position().map_or(0, |p| p.byte() as usize);
        let mut cells = Vec::with_capacity(headers.len());
        let mut offset = 0;
        for (i, raw) in record.iter().enumerate() {
            // Columns are counted from the raw line so the caret lands on the cell.
            let column = text
                .get(line_start..)
                .and_then(|rest| rest.find(raw).map(|o| o.max(offset)))
                .unwrap_or(offset);
            offset = column + raw.len();
            let pos = Pos::new(line, column + 1);
            cells.push((
                headers[i].clone(),
                RawCell { value: csv_value(raw, decimal_comma), pos, quoted: false },
            ));
        }
        rows.push((Pos::new(line, 1), cells));
    }
    Ok(rows)
}

/// Semicolons are the spreadsheet default where the comma is the decimal
/// separator (French Excel), so the header line decides.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if header.matches(';').count() > header.matches(',').count() { b';' } else { b',' }
}

/// A CSV cell: empty is missing, numbers are numbers (`2,5` too when the
/// file is semicolon-separated), anything else is text.
fn csv_value(raw: &str, decimal_comma: bool) -> Value {
    let t = raw.trim();
    if t.is_empty() {
        return Value::Null;
    }
    let candidate = if decimal_comma { t.replace(',', ".") } else { t.to_string() };
    match candidate.parse::<f64>() {
        Ok(n) if n.is_finite() && looks_numeric(&candidate) => Value::Number(n),
        _ => match t {
            "true" | "TRUE" | "True" => Value::Bool(true),
            "false" | "FALSE" | "False" => Value::Bool(false),
            _ => Value::Text(t.to_string()),
        },
    }
}

/// Rust parses "inf" and "NaN" as floats; a dataset never means those.
fn looks_numeric(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
}

fn csv_error(path: &Path, e: &csv::Error) -> Diagnostic {
    let pos = e.position().map(|p| Pos::new(p.line() as usize, 1));
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

/// The dataset as CSV: header of field names, values in plain form.
pub fn write_csv(ds: &Dataset) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    // Writing to a Vec cannot fail; errors are ignored rather than unwrapped.
    let _ = w.write_record(ds.fields.iter().map(|f| f.name.as_str()));
    for row in &ds.rows {
        let _ = w.write_record(row.iter().map(Value::raw_text));
    }
    w.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_files_read_decimal_commas() {
        let rows = parse(Path::new("a.csv"), "handle;er\n@a;2,5\n@b;\n").unwrap();
        assert_eq!(rows[0].1[1].1.value, Value::Number(2.5));
        assert_eq!(rows[1].1[1].1.value, Value::Null);
        assert_eq!(rows[0].0.line, 2);
    }

    #[test]
    fn cell_positions_point_at_the_cell() {
        let rows = parse(Path::new("a.csv"), "a,b\nx,abc\n").unwrap();
        assert_eq!(rows[0].1[1].1.pos, Pos::new(2, 3));
    }

    #[test]
    fn ragged_rows_are_errors_with_line() {
        let err = parse(Path::new("a.csv"), "a,b\n1,2\n3\n").unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(3));
        assert!(err.message.contains("1 cells"), "{}", err.message);
    }

    #[test]
    fn text_that_rust_would_parse_as_float_stays_text() {
        assert_eq!(csv_value("NaN", false), Value::Text("NaN".into()));
        assert_eq!(csv_value("inf", false), Value::Text("inf".into()));
        assert_eq!(csv_value("1e3", false), Value::Number(1000.0));
    }
}
