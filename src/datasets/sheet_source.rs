//! Reading rows from Excel and OpenDocument workbooks, with calamine.
//!
//! A sheet becomes a [`RawTable`] whose cells keep their row and column in
//! the sheet, so the typing step reports each bad cell; [`at_cells`] then
//! names it the way a spreadsheet does: `sheet Q3, cell C14`.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Range, Reader};

use super::yaml_source::SheetChoice;
use super::{RawCell, RawTable, Scalar, Value};
use crate::diagnostics::{Diagnostic, Pos};

/// One sheet's rows, untyped.
pub struct Sheet {
    pub name: String,
    /// The names in its header row.
    pub columns: Vec<String>,
    pub table: RawTable,
}

/// The sheets `choice` picks in the workbook `bytes` (read from `path`;
/// the choice is written in `settings`), each as a raw table.
pub fn read(
    path: &Path,
    bytes: &[u8],
    choice: &SheetChoice,
    settings: &Path,
) -> Result<Vec<Sheet>, Vec<Diagnostic>> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        vec![Diagnostic::error(path, None, format!("cannot read this workbook: {e}")).with_hint(
            "open it in Excel or LibreOffice and save it again as .xlsx or .ods, without a password",
        )]
    })?;
    let names = book.sheet_names();
    let picked = pick(&names, choice, settings).map_err(|d| vec![d])?;
    let mut sheets = Vec::new();
    let mut errors = Vec::new();
    for name in picked {
        let range = match book.worksheet_range(&name) {
            Ok(r) => r,
            Err(e) => {
                errors.push(Diagnostic::error_at(
                    path,
                    format!("sheet {name}"),
                    format!("cannot read this sheet: {e}"),
                ));
                continue;
            }
        };
        match table(path, &name, &range, choice, settings) {
            Ok((columns, table)) => sheets.push(Sheet { name, columns, table }),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() { Ok(sheets) } else { Err(errors) }
}

/// The names of the sheets to read.
fn pick(names: &[String], choice: &SheetChoice, settings: &Path) -> Result<Vec<String>, Diagnostic> {
    if names.is_empty() {
        return Err(Diagnostic::error(settings, None, "the workbook has no sheet"));
    }
    if choice.each.is_some() {
        return Ok(names.to_vec());
    }
    let Some((sheet, pos)) = &choice.sheet else { return Ok(vec![names[0].clone()]) };
    let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let found = match sheet {
        Scalar::Int(n) if *n >= 1 => names.get(*n as usize - 1),
        Scalar::Text(t) => names.iter().find(|n| *n == t),
        _ => None,
    };
    match found {
        Some(name) => Ok(vec![name.clone()]),
        None => {
            let d = Diagnostic::error(
                settings,
                Some(*pos),
                format!("the workbook has no sheet `{}`", sheet.text()),
            );
            Err(d
                .suggest(&sheet.text(), names.iter().map(String::as_str))
                .or_hint(format!("its sheets are {list}; name one, or give its place from 1 (`sheet: 2`)")))
        }
    }
}

/// The block of the sheet that holds the table, its first row the header.
fn block(range: &Range<Data>, choice: &SheetChoice, settings: &Path) -> Result<Range<Data>, Diagnostic> {
    let (Some(start), Some(end)) = (range.start(), range.end()) else { return Ok(Range::empty()) };
    if let (Some(_), Some((_, pos))) = (&choice.range, &choice.header_row) {
        return Err(Diagnostic::error(settings, Some(*pos), "give `range` or `header_row`, not both")
            .with_hint("the first row of `range` is the header"));
    }
    if let Some((text, pos)) = &choice.range {
        let Some((from, to)) = parse_range(text) else {
            return Err(Diagnostic::error(settings, Some(*pos), format!("`{text}` is not a block of cells"))
                .with_hint("write its corners as a spreadsheet does, such as `B3:F40`"));
        };
        return Ok(range.range(from, to));
    }
    if let Some((row, _)) = choice.header_row {
        return Ok(range.range((row.saturating_sub(1), start.1), end));
    }
    // The header is the first row with something in it.
    let first = range.rows().position(|r| r.iter().any(|c| *c != Data::Empty)).unwrap_or(0) as u32;
    Ok(range.range((start.0 + first, start.1), end))
}

/// The sheet's table: names from the header row, a row for each row
/// below it with something in it, each cell at its place in the sheet.
fn table(
    path: &Path,
    sheet: &str,
    range: &Range<Data>,
    choice: &SheetChoice,
    settings: &Path,
) -> Result<(Vec<String>, RawTable), Vec<Diagnostic>> {
    let block = block(range, choice, settings).map_err(|d| vec![d])?;
    let Some((top, left)) = block.start() else { return Ok((Vec::new(), RawTable::default())) };
    let at = |row: usize, col: usize| Pos::new(top as usize + row + 1, left as usize + col + 1);
    let mut rows = block.rows();
    let header = rows.next().unwrap_or(&[]);
    let mut errors = Vec::new();
    let mut columns: Vec<(usize, String)> = Vec::new();
    for (col, cell) in header.iter().enumerate() {
        let name = cell.to_string().trim().to_string();
        let used = block.rows().skip(1).any(|r| r.get(col).is_some_and(|c| *c != Data::Empty));
        if name.is_empty() && used {
            let message = format!("column {} has no name in the header row", column_name(at(0, col).column));
            errors.push(
                Diagnostic::error(path, Some(at(0, col)), message)
                    .with_hint("write the column's name in the header row"),
            );
        } else if columns.iter().any(|(_, n)| *n == name) {
            errors.push(
                Diagnostic::error(path, Some(at(0, col)), format!("the header row names `{name}` twice"))
                    .with_hint("give each column its own name"),
            );
        } else if !name.is_empty() {
            columns.push((col, name));
        }
    }
    let mut table = RawTable::default();
    for (r, row) in rows.enumerate() {
        if row.iter().all(|c| *c == Data::Empty) {
            continue;
        }
        let mut cells = Vec::with_capacity(columns.len());
        for (col, name) in &columns {
            let pos = at(r + 1, *col);
            let data = row.get(*col).unwrap_or(&Data::Empty);
            match cell(data) {
                Ok((value, quoted)) => cells.push((name.clone(), RawCell { value, pos, quoted })),
                Err(message) => errors.push(
                    Diagnostic::error(path, Some(pos), message)
                        .with_hint("correct the formula in the workbook, or clear the cell"),
                ),
            }
        }
        table.rows.push((at(r + 1, columns.first().map_or(0, |c| c.0)), cells));
    }
    let names = columns.into_iter().map(|(_, n)| n).collect();
    if errors.is_empty() { Ok((names, table)) } else { Err(at_cells(errors, path, sheet)) }
}

/// A cell's value, and whether the workbook holds it as text. Dates are
/// written `2024-03-15`, as the date type reads them.
fn cell(data: &Data) -> Result<(Value, bool), String> {
    Ok(match data {
        Data::Empty => (Value::Null, false),
        Data::Int(i) => (Value::Number(*i as f64), false),
        Data::Float(f) => (Value::Number(*f), false),
        Data::Bool(b) => (Value::Bool(*b), false),
        Data::String(s) => (Value::Text(s.clone()), true),
        Data::DateTime(d) if d.is_duration() => (Value::Number(d.as_f64()), false),
        Data::DateTime(d) => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            let date = format!("{y:04}-{mo:02}-{day:02}");
            let text = if (h, mi, s) == (0, 0, 0) { date } else { format!("{date} {h:02}:{mi:02}") };
            (Value::Text(text), false)
        }
        Data::DateTimeIso(s) => (Value::Text(s.strip_suffix("T00:00:00").unwrap_or(s).to_string()), false),
        Data::DurationIso(s) => (Value::Text(s.clone()), false),
        Data::Error(e) => return Err(format!("this cell holds the error `{e}`")),
    })
}

/// `diags` about `path` named by sheet and cell (`sheet Q3, cell C14`)
/// rather than by line and column, which a workbook has not.
pub fn at_cells(diags: Vec<Diagnostic>, path: &Path, sheet: &str) -> Vec<Diagnostic> {
    let placed = crate::diagnostics::placed(diags, path, |pos| {
        Some(match pos {
            Some(p) => format!("sheet {sheet}, cell {}{}", column_name(p.column), p.line),
            None => format!("sheet {sheet}"),
        })
    });
    placed
        .into_iter()
        .map(|mut d| {
            if d.file == path && d.message.ends_with("found quoted text") {
                d.message = d.message.replace("found quoted text", "found a number stored as text");
                d.hint = Some("convert the cell to a number in the workbook".into());
            }
            d
        })
        .collect()
}

/// A column's letters, from 1: `A`, `Z`, `AA`.
fn column_name(mut n: usize) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        n -= 1;
        letters.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

/// `B3:F40` as 0-based (row, column) corners.
fn parse_range(text: &str) -> Option<((u32, u32), (u32, u32))> {
    let (a, b) = text.trim().split_once(':')?;
    let (a, b) = (parse_cell(a)?, parse_cell(b)?);
    Some(((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1))))
}

/// `C14` as 0-based (row, column).
fn parse_cell(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().to_ascii_uppercase();
    let digits = text.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = text.split_at(digits);
    if letters.is_empty() || letters.len() > 3 || !letters.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    let row: u32 = number.parse().ok().filter(|r| *r >= 1)?;
    Some((row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(column_name(1), "A");
        assert_eq!(column_name(26), "Z");
        assert_eq!(column_name(27), "AA");
        assert_eq!(column_name(703), "AAA");
        assert_eq!(parse_cell("C14"), Some((13, 2)));
        assert_eq!(parse_cell("aa1"), Some((0, 26)));
        assert_eq!(parse_range("F40:B3"), Some(((2, 1), (39, 5))));
        for bad in ["", "C", "14", "C0", "C-1", "ABCD1", "B3-F40"] {
            assert!(parse_range(bad).is_none() || !bad.contains(':'), "{bad}");
            assert!(parse_cell(bad).is_none(), "{bad}");
        }
    }
}
