//! Giving a raw table its column types, and checking every cell against them.

use std::collections::HashMap;
use std::path::Path;

use super::{Field, FieldType, RESERVED_KEYS, RawCell, RawTable, Value};
use crate::diagnostics::{Diagnostic, Pos, closest};

#[derive(Debug)]
pub struct Typed {
    pub fields: Vec<Field>,
    pub rows: Vec<Vec<Value>>,
    pub warnings: Vec<Diagnostic>,
}

struct Column {
    name: String,
    label: Option<String>,
    declared: Option<FieldType>,
    default: Option<Value>,
    decl_pos: Option<Pos>,
    /// How many rows have the column.
    present: usize,
}

/// Types `table`; every problem in it is reported, not just the first.
pub fn type_table(file: &Path, table: RawTable) -> Result<Typed, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let columns = collect_columns(&table);
    let mut rows: Vec<Vec<Option<RawCell>>> = Vec::with_capacity(table.rows.len());
    let index: HashMap<&str, usize> = columns.iter().enumerate().map(|(i, c)| (c.name.as_str(), i)).collect();
    for (row_pos, cells) in &table.rows {
        let mut row: Vec<Option<RawCell>> = vec![None; columns.len()];
        for (name, cell) in cells {
            if let Some(&i) = index.get(name.as_str()) {
                row[i] = Some(cell.clone());
            }
        }
        for (i, col) in columns.iter().enumerate() {
            if row[i].is_none() && col.default.is_none() && col.present > 0 {
                errors.push(missing_cell(file, *row_pos, col, cells, &columns));
            }
        }
        rows.push(row);
    }
    for col in &columns {
        if col.present == 0 && col.default.is_none() && !table.rows.is_empty() {
            errors.push(
                Diagnostic::error(
                    file,
                    col.decl_pos,
                    format!("field `{}` is declared but no row has it", col.name),
                )
                .with_hint("give it a `default`, or remove the declaration"),
            );
        }
    }
    let fields: Vec<Field> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| Field {
            name: c.name.clone(),
            label: c.label.clone(),
            ty: c.declared.unwrap_or_else(|| infer(rows.iter().filter_map(|r| r[i].as_ref()))),
        })
        .collect();
    let mut typed_rows = Vec::with_capacity(rows.len());
    for row in rows {
        let mut out = Vec::with_capacity(fields.len());
        for (i, cell) in row.into_iter().enumerate() {
            let value = match cell {
                Some(cell) => match convert(&cell, &fields[i]) {
                    Ok(v) => v,
                    Err(msg) => {
                        errors.push(msg.into_diagnostic(file, cell.pos, &fields[i]));
                        Value::Null
                    }
                },
                None => columns[i].default.clone().unwrap_or(Value::Null),
            };
            out.push(value);
        }
        typed_rows.push(out);
    }
    check_ids(file, &fields, &typed_rows, &table, &mut errors);
    let warnings = fraction_warnings(file, &fields, &typed_rows, &columns);
    if errors.is_empty() { Ok(Typed { fields, rows: typed_rows, warnings }) } else { Err(errors) }
}

/// Columns in the order rows first use them (so `id` written first comes
/// first), then declared fields no row has, with their declarations applied.
fn collect_columns(table: &RawTable) -> Vec<Column> {
    let mut columns: Vec<Column> = Vec::new();
    for (_, cells) in &table.rows {
        for (name, _) in cells {
            match columns.iter_mut().find(|c| &c.name == name) {
                Some(c) => c.present += 1,
                None => columns.push(Column {
                    name: name.clone(),
                    label: None,
                    declared: None,
                    default: None,
                    decl_pos: None,
                    present: 1,
                }),
            }
        }
    }
    for f in &table.fields {
        let col = match columns.iter().position(|c| c.name == f.name) {
            Some(i) => &mut columns[i],
            None => {
                columns.push(Column {
                    name: f.name.clone(),
                    label: None,
                    declared: None,
                    default: None,
                    decl_pos: None,
                    present: 0,
                });
                columns.last_mut().expect("just pushed")
            }
        };
        col.label = f.label.clone();
        col.declared = f.ty;
        col.default = f.default.clone();
        col.decl_pos = Some(f.pos);
    }
    columns
}

fn missing_cell(
    file: &Path,
    pos: Pos,
    col: &Column,
    cells: &[(String, RawCell)],
    columns: &[Column],
) -> Diagnostic {
    let d =
        Diagnostic::error(file, Some(pos), format!("this row has no `{}`, which other rows have", col.name));
    // A key only this row uses, close to the missing name, is most likely a typo.
    let rare = cells
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| columns.iter().any(|c| c.name == *n && c.present == 1 && c.declared.is_none()));
    match closest(&col.name, rare) {
        Some(typo) => d.with_hint(format!("`{typo}` looks like a typo for `{}`", col.name)),
        None => d.with_hint(format!("add `{}` to the row, or give the field a `default`", col.name)),
    }
}

fn infer<'a>(cells: impl Iterator<Item = &'a RawCell>) -> FieldType {
    let mut seen_any = false;
    let (mut all_bool, mut all_num, mut all_int) = (true, true, true);
    for cell in cells {
        match &cell.value {
            Value::Null => continue,
            Value::Bool(_) => {
                all_num = false;
                all_int = false;
            }
            Value::Number(n) => {
                all_bool = false;
                if n.fract() != 0.0 {
                    all_int = false;
                }
            }
            Value::Text(_) => {
                all_bool = false;
                all_num = false;
                all_int = false;
            }
        }
        seen_any = true;
    }
    match (seen_any, all_bool, all_int, all_num) {
        (false, ..) => FieldType::Text,
        (true, true, ..) => FieldType::Boolean,
        (true, _, true, _) => FieldType::Integer,
        (true, _, _, true) => FieldType::Number,
        _ => FieldType::Text,
    }
}

/// Why a cell does not fit its field.
enum Misfit {
    Expected(&'static str),
    Quoted,
    PercentRange(f64),
    BadDate,
}

impl Misfit {
    fn into_diagnostic(self, file: &Path, pos: Pos, field: &Field) -> Diagnostic {
        let name = &field.name;
        match self {
            Misfit::Expected(what) => Diagnostic::error(file, Some(pos), format!("`{name}` must be {what}")),
            Misfit::Quoted => {
                Diagnostic::error(file, Some(pos), format!("`{name}` must be a number, found quoted text"))
                    .with_hint("remove the quotes around the number")
            }
            Misfit::PercentRange(v) => Diagnostic::error(
                file,
                Some(pos),
                format!("`{name}` is a percent (points from 0 to 100), found {}", super::number_text(v)),
            ),
            Misfit::BadDate => Diagnostic::error(file, Some(pos), format!("`{name}` must be a date"))
                .with_hint("write it as 2018, 2018-05 or 2018-05-31"),
        }
    }
}

fn convert(cell: &RawCell, field: &Field) -> Result<Value, Misfit> {
    let v = &cell.value;
    if v.is_null() {
        return Ok(Value::Null);
    }
    match field.ty {
        FieldType::Text => Ok(Value::Text(v.raw_text())),
        FieldType::Boolean => match v {
            Value::Bool(_) => Ok(v.clone()),
            _ => Err(Misfit::Expected("true or false")),
        },
        FieldType::Number | FieldType::Integer | FieldType::Percent => {
            let n = match v {
                Value::Number(n) => *n,
                Value::Text(t) if cell.quoted && t.trim().parse::<f64>().is_ok() => {
                    return Err(Misfit::Quoted);
                }
                _ => {
                    return Err(Misfit::Expected(match field.ty {
                        FieldType::Integer => "a whole number",
                        FieldType::Percent => "a percent (a number from 0 to 100)",
                        _ => "a number",
                    }));
                }
            };
            match field.ty {
                FieldType::Integer if n.fract() != 0.0 => Err(Misfit::Expected("a whole number")),
                FieldType::Percent if !(0.0..=100.0).contains(&n) => Err(Misfit::PercentRange(n)),
                _ => Ok(Value::Number(n)),
            }
        }
        FieldType::Date => {
            let text = v.raw_text();
            if is_date(&text) { Ok(Value::Text(text)) } else { Err(Misfit::BadDate) }
        }
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a real month and day.
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| p.len() == len && p.chars().all(|c| c.is_ascii_digit());
    let year_ok = parts.first().is_some_and(|y| num(y, 4));
    let month = parts.get(1).map(|m| if num(m, 2) { m.parse::<u32>().unwrap_or(0) } else { 0 });
    let day = parts.get(2).map(|d| if num(d, 2) { d.parse::<u32>().unwrap_or(0) } else { 0 });
    year_ok
        && parts.len() <= 3
        && month.is_none_or(|m| (1..=12).contains(&m))
        && day.is_none_or(|d| (1..=days_in_month(parts[0], month.unwrap_or(1))).contains(&d))
}

fn days_in_month(year: &str, month: u32) -> u32 {
    let y: u32 = year.parse().unwrap_or(1);
    match month {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A percent column whose values all lie between 0 and 1 was most likely
/// written as fractions (0.72 for 72 %), which would show as 0.72 %.
fn fraction_warnings(
    file: &Path,
    fields: &[Field],
    rows: &[Vec<Value>],
    columns: &[Column],
) -> Vec<Diagnostic> {
    fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.ty == FieldType::Percent)
        .filter(|(i, _)| {
            let mut values = rows.iter().filter_map(|r| r[*i].as_f64()).peekable();
            values.peek().is_some()
                && values.all(|v| v < 1.0)
                && rows.iter().any(|r| r[*i].as_f64() != Some(0.0))
        })
        .map(|(i, f)| {
            Diagnostic::warning(
                file,
                columns[i].decl_pos,
                format!("every value of the percent field `{}` is below 1", f.name),
            )
            .with_hint("percent values are points: write 72 for 72 %, not 0.72")
        })
        .collect()
}

fn check_ids(
    file: &Path,
    fields: &[Field],
    rows: &[Vec<Value>],
    table: &RawTable,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(col) = fields.iter().position(|f| f.name == "id") else {
        return;
    };
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for (row, (pos, _)) in rows.iter().zip(&table.rows) {
        let id = row[col].raw_text();
        if id.is_empty() {
            continue;
        }
        if RESERVED_KEYS.contains(&id.as_str()) {
            errors.push(
                Diagnostic::error(file, Some(*pos), format!("the row id `{id}` is a reserved name"))
                    .with_hint(format!("`{id}` already means the dataset's {id}; pick another id")),
            );
        }
        match first_line.get(&id) {
            Some(line) => errors.push(
                Diagnostic::error(
                    file,
                    Some(*pos),
                    format!("duplicate id `{id}`, already used on line {line}"),
                )
                .with_hint("each row's `id` must be unique"),
            ),
            None => {
                first_line.insert(id, pos.line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml_source;
    use super::*;

    fn typed(text: &str) -> Result<Typed, Vec<Diagnostic>> {
        let table = yaml_source::parse(Path::new("d.yaml"), text).unwrap().table;
        type_table(Path::new("d.yaml"), table)
    }

    #[test]
    fn types_are_inferred() {
        let t = typed("rows:\n  - { a: 1, b: 1.5, c: x, d: true }\n  - { a: 2, b: 2, c: 3, d: false }\n")
            .unwrap();
        let tys: Vec<_> = t.fields.iter().map(|f| f.ty).collect();
        assert_eq!(tys, [FieldType::Integer, FieldType::Number, FieldType::Text, FieldType::Boolean]);
        assert_eq!(t.rows[1][2], Value::Text("3".into()));
    }

    #[test]
    fn every_bad_cell_is_reported() {
        let errs = typed(
            "fields:\n  share: { type: percent }\n  n: { type: integer }\nrows:\n  - { share: 120, n: 1.5 }\n  - { share: \"72\", n: 2 }\n",
        )
        .unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:#?}");
        assert!(errs[0].message.contains("percent"));
        assert_eq!(errs[0].pos, Some(Pos::new(5, 14)));
        assert!(errs[1].message.contains("whole number"));
        assert_eq!(errs[2].hint.as_deref(), Some("remove the quotes around the number"));
    }

    #[test]
    fn fractions_in_percent_columns_are_flagged() {
        let t = typed("fields:\n  s: { type: percent }\nrows:\n  - { s: 0.5 }\n  - { s: 0.72 }\n").unwrap();
        assert_eq!(t.warnings.len(), 1);
        assert_eq!(t.warnings[0].pos, Some(Pos::new(2, 6)));
        let t = typed("fields:\n  s: { type: percent }\nrows:\n  - { s: 0.5 }\n  - { s: 72 }\n").unwrap();
        assert!(t.warnings.is_empty());
        let errs = typed("fields:\n  s: { type: percent }\nrows:\n  - { s: -0.5 }\n").unwrap_err();
        assert!(errs[0].message.contains("found -0.5"), "{}", errs[0].message);
    }

    #[test]
    fn missing_cells_and_typos() {
        let errs = typed("rows:\n  - { id: a, share: 1 }\n  - { id: b, shar: 2 }\n").unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:#?}");
        let share = errs.iter().find(|e| e.message.contains("`share`")).unwrap();
        assert_eq!(share.pos.map(|p| p.line), Some(3));
        assert_eq!(share.hint.as_deref(), Some("`shar` looks like a typo for `share`"));
    }

    #[test]
    fn defaults_fill_missing_cells() {
        let t = typed("fields:\n  unit: { default: pts }\nrows:\n  - { v: 1 }\n  - { v: 2, unit: \"%\" }\n")
            .unwrap();
        assert_eq!(t.fields[1].name, "unit");
        assert_eq!(t.rows[0][1], Value::Text("pts".into()));
        assert_eq!(t.rows[1][1], Value::Text("%".into()));
    }

    #[test]
    fn duplicate_and_reserved_ids() {
        let errs = typed("rows:\n  - { id: a }\n  - { id: a }\n  - { id: title }\n").unwrap_err();
        assert!(errs[0].message.contains("already used on line 2"), "{errs:#?}");
        assert!(errs[1].message.contains("reserved"));
    }

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2018") && is_date("2018-05") && is_date("2016-02-29"));
        assert!(!is_date("2018-13") && !is_date("2018-02-30") && !is_date("18") && !is_date("2017-02-29"));
        let errs =
            typed("fields:\n  d: { type: date }\nrows:\n  - { d: 2018 }\n  - { d: soon }\n").unwrap_err();
        assert_eq!(errs.len(), 1);
    }
}
