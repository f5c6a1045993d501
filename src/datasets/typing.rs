//! Giving a raw table its column types, and checking every cell against them.

use std::collections::HashMap;
use std::path::Path;

use super::column::{Builder, Column};
use super::derive::Derived;
use super::{Field, FieldType, RESERVED_KEYS, RawCell, RawField, RawTable, Value};
use crate::diagnostics::{Diagnostic, Pos, closest};
use crate::format::NumberStyle;

#[derive(Debug)]
pub struct Typed {
    pub fields: Vec<Field>,
    pub columns: Vec<Column>,
    pub len: usize,
    pub warnings: Vec<Diagnostic>,
}

/// A column as the rows use it, with its declaration if any.
struct Slot {
    name: String,
    label: Option<String>,
    declared: Option<FieldType>,
    default: Option<Value>,
    style: NumberStyle,
    decl_pos: Option<Pos>,
    /// How many rows have the column.
    present: usize,
}

/// Types `table`; every problem in it is reported, not just the first.
pub fn type_table(file: &Path, table: RawTable) -> Result<Typed, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let slots = collect_slots(&table);
    let mut rows: Vec<Vec<Option<RawCell>>> = Vec::with_capacity(table.rows.len());
    let index: HashMap<&str, usize> = slots.iter().enumerate().map(|(i, c)| (c.name.as_str(), i)).collect();
    for (row_pos, cells) in &table.rows {
        let mut row: Vec<Option<RawCell>> = vec![None; slots.len()];
        for (name, cell) in cells {
            if let Some(&i) = index.get(name.as_str()) {
                row[i] = Some(cell.clone());
            }
        }
        for (i, slot) in slots.iter().enumerate() {
            if row[i].is_none() && slot.default.is_none() && slot.present > 0 {
                errors.push(missing_cell(file, *row_pos, slot, cells, &slots));
            }
        }
        rows.push(row);
    }
    for slot in &slots {
        if slot.present == 0 && slot.default.is_none() && !table.rows.is_empty() {
            errors.push(
                Diagnostic::error(
                    file,
                    slot.decl_pos,
                    format!("field `{}` is declared but no row has it", slot.name),
                )
                .with_hint("give it a `default`, or remove the declaration"),
            );
        }
    }
    let fields: Vec<Field> = slots
        .iter()
        .enumerate()
        .map(|(i, c)| Field {
            name: c.name.clone(),
            label: c.label.clone(),
            ty: c.declared.unwrap_or_else(|| infer(rows.iter().filter_map(|r| r[i].as_ref()))),
            style: c.style.clone(),
        })
        .collect();
    let mut builders: Vec<Builder> = fields.iter().map(|f| Builder::of(f.ty)).collect();
    let len = rows.len();
    for row in rows {
        for (i, cell) in row.into_iter().enumerate() {
            let value = match cell {
                Some(cell) => convert(&cell.value, cell.quoted, &fields[i]).unwrap_or_else(|misfit| {
                    errors.push(misfit.into_diagnostic(file, cell.pos, &fields[i]));
                    Value::Null
                }),
                None => slots[i].default.clone().unwrap_or(Value::Null),
            };
            builders[i].push(value);
        }
    }
    let columns: Vec<Column> = builders.into_iter().map(Builder::finish).collect();
    check_ids(file, &fields, &columns, |r| table.rows[r].0, &mut errors);
    let decl_pos: Vec<Option<Pos>> = slots.iter().map(|s| s.decl_pos).collect();
    errors.extend(format_on_text(file, &fields, &decl_pos));
    let warnings = fraction_warnings(file, &fields, &columns, &decl_pos);
    if errors.is_empty() { Ok(Typed { fields, columns, len, warnings }) } else { Err(errors) }
}

/// Types the columns a derived dataset computed, applying the fields its
/// file declares (labels, types). Computed cells have no place in a file:
/// errors about them point at their field's declaration, else at `from`.
pub fn type_derived(
    file: &Path,
    from: Pos,
    declared: &[RawField],
    derived: Derived,
) -> Result<Typed, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for f in declared.iter().filter(|f| !derived.names.contains(&f.name)) {
        errors.push(
            Diagnostic::error(
                file,
                Some(f.pos),
                format!("field `{}` is declared but this dataset computes no such column", f.name),
            )
            .suggest(&f.name, derived.names.iter().map(String::as_str)),
        );
    }
    let mut fields = Vec::with_capacity(derived.names.len());
    let mut columns = Vec::with_capacity(derived.names.len());
    for (name, column) in derived.names.into_iter().zip(derived.columns) {
        let decl = declared.iter().find(|f| f.name == name);
        let ty = decl.and_then(|f| f.ty).unwrap_or_else(|| column_type(&column));
        let style = decl.map(|f| f.style.clone()).unwrap_or_default();
        let field = Field { name, label: decl.and_then(|f| f.label.clone()), ty, style };
        let mut misfits = Misfits::new(file, &field);
        let mut b = Builder::of(ty);
        for r in 0..column.len() {
            let value = convert(&column.get(r), false, &field).unwrap_or_else(|m| {
                misfits.push(m, || decl.map_or(from, |f| f.pos), Some(r));
                Value::Null
            });
            b.push(value);
        }
        errors.extend(misfits.finish());
        fields.push(field);
        columns.push(b.finish());
    }
    check_ids(file, &fields, &columns, |_| from, &mut errors);
    errors.extend(format_on_text(file, &fields, &declared_at(&fields, declared)));
    let warnings = fraction_warnings(file, &fields, &columns, &declared_at(&fields, declared));
    if errors.is_empty() { Ok(Typed { fields, columns, len: derived.len, warnings }) } else { Err(errors) }
}

/// A number format (`decimals`, `unit`, `currency`…) declared on a field
/// that holds no numbers would silently do nothing: an error at the field.
pub(super) fn format_on_text(file: &Path, fields: &[Field], decl_pos: &[Option<Pos>]) -> Vec<Diagnostic> {
    fields
        .iter()
        .zip(decl_pos)
        .filter(|(f, _)| !f.ty.is_numeric() && !f.style.is_plain())
        .map(|(f, pos)| {
            let ty = format!("{:?}", f.ty).to_lowercase();
            Diagnostic::error(file, *pos, format!("field `{}` holds {ty} values, so a number format does nothing", f.name))
                .with_hint("give it `type: number` (or `integer`, `percent`), or remove `decimals`, `unit`, `prefix`, `suffix`, `currency` and `compact`")
        })
        .collect()
}

/// Where each field is declared, if it is.
pub(super) fn declared_at(fields: &[Field], declared: &[RawField]) -> Vec<Option<Pos>> {
    fields.iter().map(|f| declared.iter().find(|d| d.name == f.name).map(|d| d.pos)).collect()
}

/// The type a column of computed or CSV values has when nothing declares one.
pub(super) fn column_type(column: &Column) -> FieldType {
    match column {
        Column::Numbers(v) if v.iter().flatten().all(|n| n.fract() == 0.0) => FieldType::Integer,
        Column::Numbers(_) => FieldType::Number,
        Column::Bools(_) => FieldType::Boolean,
        Column::Texts(_) => FieldType::Text,
    }
}

/// The cells of one column that do not fit its field. A million-row file
/// with one wrong column would otherwise print a million errors: the first
/// few are shown, then how many more there are.
pub(super) struct Misfits<'a> {
    file: &'a Path,
    field: &'a Field,
    shown: Vec<Diagnostic>,
    more: usize,
    first_pos: Option<Pos>,
}

impl<'a> Misfits<'a> {
    const SHOWN: usize = 10;

    pub(super) fn new(file: &'a Path, field: &'a Field) -> Misfits<'a> {
        Misfits { file, field, shown: Vec::new(), more: 0, first_pos: None }
    }

    /// Records a misfit at `pos` (only computed for the misfits shown);
    /// `row`, when given, is named in the message.
    pub(super) fn push(&mut self, m: Misfit, pos: impl FnOnce() -> Pos, row: Option<usize>) {
        if self.shown.len() >= Self::SHOWN {
            self.more += 1;
            return;
        }
        let pos = pos();
        self.first_pos.get_or_insert(pos);
        let mut d = m.into_diagnostic(self.file, pos, self.field);
        if let Some(r) = row {
            d.message = format!("{} (row {})", d.message, r + 1);
        }
        self.shown.push(d);
    }

    /// Takes in the misfits of the rows after these.
    pub(super) fn absorb(&mut self, next: Misfits) {
        for d in next.shown {
            if self.shown.len() < Self::SHOWN {
                self.first_pos = self.first_pos.or(d.pos);
                self.shown.push(d);
            } else {
                self.more += 1;
            }
        }
        self.more += next.more;
    }

    pub(super) fn finish(mut self) -> Vec<Diagnostic> {
        if self.more > 0 {
            let s = if self.more == 1 { "" } else { "s" };
            self.shown.push(Diagnostic::error(
                self.file,
                self.first_pos,
                format!("… and {} more cell{s} of `{}` that do not fit its type", self.more, self.field.name),
            ));
        }
        self.shown
    }
}

/// Columns in the order rows first use them (so `id` written first comes
/// first), then declared fields no row has, with their declarations applied.
fn collect_slots(table: &RawTable) -> Vec<Slot> {
    let mut columns: Vec<Slot> = Vec::new();
    for (_, cells) in &table.rows {
        for (name, _) in cells {
            match columns.iter_mut().find(|c| &c.name == name) {
                Some(c) => c.present += 1,
                None => columns.push(Slot {
                    name: name.clone(),
                    label: None,
                    declared: None,
                    default: None,
                    style: NumberStyle::default(),
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
                columns.push(Slot {
                    name: f.name.clone(),
                    label: None,
                    declared: None,
                    default: None,
                    style: NumberStyle::default(),
                    decl_pos: None,
                    present: 0,
                });
                columns.last_mut().expect("just pushed")
            }
        };
        col.label = f.label.clone();
        col.declared = f.ty;
        col.default = f.default.clone();
        col.style = f.style.clone();
        col.decl_pos = Some(f.pos);
    }
    columns
}

fn missing_cell(
    file: &Path,
    pos: Pos,
    col: &Slot,
    cells: &[(String, RawCell)],
    columns: &[Slot],
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
pub(super) enum Misfit {
    /// What the field needs, and what the cell holds.
    Expected(&'static str, String),
    Quoted,
    PercentRange(f64),
    BadDate,
}

impl Misfit {
    pub(super) fn into_diagnostic(self, file: &Path, pos: Pos, field: &Field) -> Diagnostic {
        let name = &field.name;
        match self {
            Misfit::Expected(what, found) => {
                Diagnostic::error(file, Some(pos), format!("`{name}` must be {what}, found `{found}`"))
            }
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

/// The value `v` as a value of `field`'s type. `quoted` says the source
/// wrote it as text, so `"72"` is not silently a number.
pub(super) fn convert(v: &Value, quoted: bool, field: &Field) -> Result<Value, Misfit> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    match field.ty {
        FieldType::Text => Ok(Value::Text(v.raw_text())),
        FieldType::Boolean => match v {
            Value::Bool(_) => Ok(v.clone()),
            _ => Err(Misfit::Expected("true or false", v.raw_text())),
        },
        FieldType::Number | FieldType::Integer | FieldType::Percent => {
            let n = match v {
                Value::Number(n) => *n,
                Value::Text(t) if quoted && t.trim().parse::<f64>().is_ok() => {
                    return Err(Misfit::Quoted);
                }
                _ => {
                    let what = match field.ty {
                        FieldType::Integer => "a whole number",
                        FieldType::Percent => "a percent (a number from 0 to 100)",
                        _ => "a number",
                    };
                    return Err(Misfit::Expected(what, v.raw_text()));
                }
            };
            match field.ty {
                FieldType::Integer if n.fract() != 0.0 => {
                    Err(Misfit::Expected("a whole number", super::number_text(n)))
                }
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

/// The columns of a rows file (`names`) as fields, with what the YAML
/// file beside it declares.
pub(super) fn fields_of(names: &[String], declared: &[RawField]) -> Vec<Field> {
    names
        .iter()
        .map(|name| {
            let decl = declared.iter().find(|f| f.name == *name);
            Field {
                name: name.clone(),
                label: decl.and_then(|f| f.label.clone()),
                ty: decl.and_then(|f| f.ty).unwrap_or(FieldType::Text),
                style: decl.map(|f| f.style.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

/// Declared fields without a `default` that `what` (`the CSV file`,
/// `sheet Q3`) has no column for, among `names`: each an error at its
/// declaration in `settings`, the YAML file.
pub(super) fn missing_columns(
    settings: &Path,
    what: &str,
    names: &[String],
    declared: &[RawField],
) -> Vec<Diagnostic> {
    declared
        .iter()
        .filter(|f| f.default.is_none() && !names.contains(&f.name))
        .map(|f| {
            let message = format!("field `{}` is declared but {what} has no such column", f.name);
            Diagnostic::error(settings, Some(f.pos), message)
                .suggest(&f.name, names.iter().map(String::as_str))
        })
        .collect()
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a real month and day.
pub fn is_date(s: &str) -> bool {
    crate::dates::Date::parse(s).is_some()
}

/// A percent column whose values all lie between 0 and 1 was most likely
/// written as fractions (0.72 for 72 %), which would show as 0.72 %.
pub(super) fn fraction_warnings(
    file: &Path,
    fields: &[Field],
    columns: &[Column],
    decl_pos: &[Option<Pos>],
) -> Vec<Diagnostic> {
    fields
        .iter()
        .zip(columns)
        .enumerate()
        .filter(|(_, (f, _))| f.ty == FieldType::Percent)
        .filter(|(_, (_, col))| {
            let Column::Numbers(values) = col else { return false };
            let mut known = values.iter().flatten().peekable();
            known.peek().is_some() && values.iter().flatten().all(|v| v < 1.0) && known.any(|v| v != 0.0)
        })
        .map(|(i, (f, _))| {
            Diagnostic::warning(
                file,
                decl_pos.get(i).copied().flatten(),
                format!("every value of the percent field `{}` is below 1", f.name),
            )
            .with_hint("percent values are points: write 72 for 72 %, not 0.72")
        })
        .collect()
}

/// Row ids must be unique and must not shadow a dataset key in templates.
pub(super) fn check_ids(
    file: &Path,
    fields: &[Field],
    columns: &[Column],
    row_pos: impl Fn(usize) -> Pos,
    errors: &mut Vec<Diagnostic>,
) {
    let Some(col) = fields.iter().position(|f| f.name == "id").map(|i| &columns[i]) else {
        return;
    };
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    for r in 0..col.len() {
        let id = match col {
            Column::Texts(v) => v.get(r).unwrap_or(""),
            _ => continue,
        };
        if id.is_empty() {
            continue;
        }
        let pos = row_pos(r);
        if RESERVED_KEYS.contains(&id) {
            errors.push(
                Diagnostic::error(file, Some(pos), format!("the row id `{id}` is a reserved name"))
                    .with_hint(format!("`{id}` already means the dataset's {id}; pick another id")),
            );
        }
        match first_line.get(id) {
            Some(line) => errors.push(
                Diagnostic::error(
                    file,
                    Some(pos),
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
        assert_eq!(t.columns[2].get(1), Value::Text("3".into()));
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
        assert_eq!(t.columns[1].get(0), Value::Text("pts".into()));
        assert_eq!(t.columns[1].get(1), Value::Text("%".into()));
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
