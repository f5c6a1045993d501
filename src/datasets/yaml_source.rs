//! Reading a dataset's YAML file: settings, field declarations, rows.

use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;

use super::{FieldType, Meta, RawCell, RawField, RawTable, Value};
use crate::diagnostics::{Diagnostic, Pos};
use crate::format::{Currency, MAX_DECIMALS, NumberStyle};
use crate::i18n::{Localized, Tongue};
use crate::yaml::{self, Spanned};

/// A YAML scalar as written. Untagged so YAML's own typing decides:
/// `72` is a number, `"72"` is text.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Null(()),
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
}

impl Scalar {
    /// The scalar as plain text, for settings such as a date.
    pub fn text(&self) -> String {
        match self {
            Scalar::Null(()) => String::new(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => super::number_text(*f),
            Scalar::Text(t) => t.clone(),
        }
    }

    pub fn into_cell_value(self) -> (Value, bool) {
        match self {
            Scalar::Null(()) => (Value::Null, false),
            Scalar::Bool(b) => (Value::Bool(b), false),
            Scalar::Int(i) => (Value::Number(i as f64), false),
            Scalar::Float(f) => (Value::Number(f), false),
            Scalar::Text(t) => (Value::Text(t), true),
        }
    }
}

/// A cell as written: a scalar, or text per language
/// (`{ fr: Oui, en: Yes }`).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum YamlCell {
    Scalar(Scalar),
    ByLanguage(IndexMap<String, String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldSpec {
    label: Option<Spanned<Localized>>,
    #[serde(rename = "type")]
    ty: Option<FieldType>,
    default: Option<Scalar>,
    decimals: Option<Spanned<i64>>,
    unit: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
    currency: Option<Spanned<String>>,
    compact: Option<bool>,
}

impl FieldSpec {
    /// The number format the field declares, checked.
    fn style(&self, path: &Path) -> Result<NumberStyle, Diagnostic> {
        let decimals = match &self.decimals {
            Some(d) if !(0..=MAX_DECIMALS as i64).contains(&d.value) => {
                let message = format!("`decimals` must be from 0 to {MAX_DECIMALS}, not {}", d.value);
                return Err(Diagnostic::error(path, Some(yaml::pos_of(d, 0)), message));
            }
            d => d.as_ref().map(|d| d.value as usize),
        };
        let currency = match &self.currency {
            Some(c) => Some(Currency::parse(&c.value).ok_or_else(|| {
                Diagnostic::error(
                    path,
                    Some(yaml::pos_of(c, 0)),
                    format!("`{}` is not a currency we format", c.value),
                )
                .with_hint(format!("write one of {}, or give the sign as `unit`", Currency::CODES.join(", ")))
            })?),
            None => None,
        };
        let text = |t: &Option<String>| t.as_ref().filter(|t| !t.is_empty()).cloned();
        Ok(NumberStyle {
            percent: false,
            decimals,
            prefix: text(&self.prefix),
            suffix: text(&self.suffix),
            unit: text(&self.unit),
            currency,
            compact: self.compact,
        })
    }
}

/// A row as written: field name to spanned value.
type YamlRow = IndexMap<String, Spanned<YamlCell>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetFile {
    title: Option<Spanned<Localized>>,
    description: Option<Spanned<Localized>>,
    source: Option<Spanned<Localized>>,
    source_url: Option<Spanned<String>>,
    sample_size: Option<u64>,
    date: Option<Scalar>,
    fields: Option<IndexMap<String, Spanned<FieldSpec>>>,
    rows: Option<Vec<Spanned<YamlRow>>>,
    from: Option<Spanned<String>>,
    filter: Option<Spanned<String>>,
    derive: Option<IndexMap<String, Spanned<String>>>,
    group_by: Option<Spanned<Vec<Spanned<String>>>>,
    aggregate: Option<IndexMap<String, Spanned<String>>>,
    sort: Option<Spanned<String>>,
    limit: Option<Spanned<usize>>,
    sheet: Option<Spanned<Scalar>>,
    each_sheet: Option<Spanned<bool>>,
    header_row: Option<Spanned<u32>>,
    range: Option<Spanned<String>>,
    connection: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
}

/// Which part of a workbook holds the rows (`sheet`, `each_sheet`,
/// `header_row`, `range` in the file beside it).
#[derive(Clone, Debug, Default)]
pub struct SheetChoice {
    /// A sheet by name, or by place from 1; the first sheet when unset.
    pub sheet: Option<(Scalar, Pos)>,
    /// One dataset per sheet, `survey/<sheet>`.
    pub each: Option<Pos>,
    /// The header's row in the sheet, from 1.
    pub header_row: Option<(u32, Pos)>,
    /// A block such as `B3:F40`, its first row the header.
    pub range: Option<(String, Pos)>,
}

impl SheetChoice {
    fn is_set(&self) -> bool {
        self.sheet.is_some() || self.each.is_some() || self.header_row.is_some() || self.range.is_some()
    }

    /// Where the first setting is, for an error about all of them.
    pub fn pos(&self) -> Option<Pos> {
        let places = [self.sheet.as_ref().map(|s| s.1), self.each, self.header_row.map(|h| h.1)];
        places.into_iter().flatten().chain(self.range.as_ref().map(|r| r.1)).next()
    }
}

/// A dataset fetched by SQL (`connection:` and `query:`).
#[derive(Clone, Debug)]
pub struct QuerySpec {
    pub connection: (String, Pos),
    pub query: (String, Pos),
}

/// How a derived dataset is computed from another (`from:` and the rest).
#[derive(Clone, Debug, Default)]
pub struct Recipe {
    pub from: (String, Pos),
    pub filter: Option<(String, Pos)>,
    pub derive: Vec<(String, String, Pos)>,
    pub group_by: Vec<(String, Pos)>,
    pub aggregate: Vec<(String, String, Pos)>,
    pub sort: Option<(String, Pos)>,
    pub limit: Option<usize>,
}

/// A dataset file, read.
#[derive(Debug, Default)]
pub struct Parsed {
    pub meta: Meta,
    pub table: RawTable,
    /// Whether the file held `rows` (even an empty list).
    pub has_rows: bool,
    pub recipe: Option<Recipe>,
    pub sheet: SheetChoice,
    pub query: Option<QuerySpec>,
    /// Translations missing in the language read, shown in the first.
    pub warnings: Vec<Diagnostic>,
}

fn spanned_text(s: Spanned<String>) -> (String, Pos) {
    let pos = yaml::pos_of(&s, 0);
    (s.value, pos)
}

fn named(map: Option<IndexMap<String, Spanned<String>>>) -> Vec<(String, String, Pos)> {
    map.unwrap_or_default()
        .into_iter()
        .map(|(name, expr)| {
            let (text, pos) = spanned_text(expr);
            (name, text, pos)
        })
        .collect()
}

/// The largest YAML dataset file, and the most rows it may hold. YAML is
/// for the tables a study quotes; a parser keeps every node of it in
/// memory, many times the file's size, while a CSV is streamed into
/// columns. Raw exports belong in CSV.
pub const MAX_YAML_BYTES: usize = 8 << 20;
pub const MAX_YAML_ROWS: usize = 50_000;

/// A dataset file in `kind` (`YAML`, `JSON`) over [`MAX_YAML_BYTES`]
/// (`bytes`) or [`MAX_YAML_ROWS`] (`rows`): an error saying where raw rows
/// belong.
fn check_limits(path: &Path, kind: &str, bytes: usize, rows: Option<usize>) -> Result<(), Diagnostic> {
    let what = match rows {
        Some(n) if n > MAX_YAML_ROWS => {
            format!("a {kind} dataset may hold at most {MAX_YAML_ROWS} rows; this one has {n}")
        }
        _ if bytes > MAX_YAML_BYTES => {
            format!("a {kind} dataset may be at most {} MB; this one is larger", MAX_YAML_BYTES >> 20)
        }
        _ => return Ok(()),
    };
    let hint = match kind {
        "YAML" => {
            "put raw rows in a CSV file beside it (same name, .csv), with this file keeping only the settings"
        }
        _ => "export raw rows as CSV instead (same name, .csv), with its settings in a YAML file beside it",
    };
    Err(Diagnostic::error(path, None, what).with_hint(hint))
}

/// Parses a dataset file of a single-language report.
#[cfg(test)]
pub fn parse(path: &Path, text: &str) -> Result<Parsed, Diagnostic> {
    parse_in(path, text, Tongue::single())
}

/// Text given per language, in `tongue`'s: an error ends the parse,
/// warnings (a missing translation) go to `warnings`.
fn localized(
    (path, source): (&Path, &str),
    text: Option<&Spanned<Localized>>,
    what: &str,
    tongue: Tongue,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Option<String>, Diagnostic> {
    let Some(text) = text else { return Ok(None) };
    let mut found = Vec::new();
    let picked = crate::i18n::resolve(text, tongue, (path, source, what), &mut found);
    for d in found {
        if d.is_error() {
            return Err(d);
        }
        warnings.push(d);
    }
    Ok(picked)
}

/// Parses a dataset file, its text in `tongue`'s language.
pub fn parse_in(path: &Path, text: &str, tongue: Tongue) -> Result<Parsed, Diagnostic> {
    check_limits(path, "YAML", text.len(), None)?;
    let file: DatasetFile = if text.trim().is_empty() {
        return Err(Diagnostic::error(path, None, "the dataset file is empty")
            .with_hint("give it at least a `title` and `rows`"));
    } else {
        yaml::parse(path, text, 0)?
    };
    check_limits(path, "YAML", text.len(), file.rows.as_ref().map(Vec::len))?;
    if let Some(url) = &file.source_url
        && !crate::html::is_web_address(&url.value)
    {
        return Err(Diagnostic::error(
            path,
            Some(yaml::pos_of(url, 0)),
            format!("`source_url` must be a web or mail address, not `{}`", url.value),
        )
        .with_hint("write an address starting with https://, http:// or mailto:"));
    }
    check_finite(path, &file)?;
    let mut warnings = Vec::new();
    let meta = Meta {
        title: localized((path, text), file.title.as_ref(), "title", tongue, &mut warnings)?,
        description: localized(
            (path, text),
            file.description.as_ref(),
            "description",
            tongue,
            &mut warnings,
        )?,
        source: localized((path, text), file.source.as_ref(), "source", tongue, &mut warnings)?,
        source_url: file.source_url.map(|u| u.value),
        sample_size: file.sample_size,
        date: file.date.map(|d| d.into_cell_value().0.raw_text()),
        snapshot: None,
    };
    let fields = file
        .fields
        .unwrap_or_default()
        .into_iter()
        .map(|(name, spec)| {
            let pos = yaml::pos_of(&spec, 0);
            let spec = spec.value;
            let what = format!("fields.{name}.label");
            Ok(RawField {
                label: localized((path, text), spec.label.as_ref(), &what, tongue, &mut warnings)?,
                name,
                style: spec.style(path)?,
                ty: spec.ty,
                default: spec.default.map(|d| d.into_cell_value().0),
                pos,
            })
        })
        .collect::<Result<_, Diagnostic>>()?;
    let has_rows = file.rows.is_some();
    let rows = raw_rows((path, text), file.rows.unwrap_or_default(), tongue, &mut warnings)?;
    let recipe_parts = file.filter.is_some()
        || file.derive.is_some()
        || file.group_by.is_some()
        || file.aggregate.is_some()
        || file.sort.is_some()
        || file.limit.is_some();
    let recipe = match file.from {
        Some(from) => Some(Recipe {
            from: spanned_text(from),
            filter: file.filter.map(spanned_text),
            derive: named(file.derive),
            group_by: file
                .group_by
                .map(|g| g.value.into_iter().map(spanned_text).collect())
                .unwrap_or_default(),
            aggregate: named(file.aggregate),
            sort: file.sort.map(spanned_text),
            limit: file.limit.map(|l| l.value),
        }),
        None if recipe_parts => {
            return Err(Diagnostic::error(
                path,
                None,
                "`filter`, `derive`, `group_by`, `aggregate`, `sort` and `limit` need `from`",
            )
            .with_hint("name the dataset they start from: `from: accounts`"));
        }
        None => None,
    };
    let sheet = SheetChoice {
        sheet: file.sheet.map(|s| {
            let pos = yaml::pos_of(&s, 0);
            (s.value, pos)
        }),
        each: file.each_sheet.filter(|e| e.value).map(|e| yaml::pos_of(&e, 0)),
        header_row: file.header_row.map(|h| (h.value, yaml::pos_of(&h, 0))),
        range: file.range.map(spanned_text),
    };
    let query = query_spec(path, file.connection, file.query)?;
    if query.is_some() && (has_rows || recipe.is_some() || sheet.is_set()) {
        return Err(Diagnostic::error(path, None, "a dataset with `query:` takes its rows from the query")
            .with_hint("remove its `rows`, `from` or sheet settings, or its `query`"));
    }
    Ok(Parsed { meta, table: RawTable { fields, rows }, has_rows, recipe, sheet, query, warnings })
}

/// `connection` and `query`, which go together.
fn query_spec(
    path: &Path,
    connection: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
) -> Result<Option<QuerySpec>, Diagnostic> {
    match (connection, query) {
        (None, None) => Ok(None),
        (Some(c), Some(q)) if !q.value.trim().is_empty() => {
            Ok(Some(QuerySpec { connection: spanned_text(c), query: spanned_text(q) }))
        }
        (Some(c), None) => {
            Err(Diagnostic::error(path, Some(yaml::pos_of(&c, 0)), "`connection` needs a `query`")
                .with_hint("write the SQL that gives the rows under `query: |`"))
        }
        (_, Some(q)) if q.value.trim().is_empty() => {
            Err(Diagnostic::error(path, Some(yaml::pos_of(&q, 0)), "the `query` is empty")
                .with_hint("write the SQL that gives the rows under `query: |`"))
        }
        (None, Some(q)) => {
            Err(Diagnostic::error(path, Some(yaml::pos_of(&q, 0)), "`query` needs a `connection`")
                .with_hint("name one of the `connections` in report.yaml: `connection: warehouse`"))
        }
        _ => Ok(None),
    }
}

/// Rows as written, each cell with its place, text by language picked in
/// `tongue`'s.
fn raw_rows(
    (path, text): (&Path, &str),
    written: Vec<Spanned<YamlRow>>,
    tongue: Tongue,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Vec<super::RawRow>, Diagnostic> {
    let mut rows = Vec::with_capacity(written.len());
    for row in written {
        let pos = yaml::pos_of(&row, 0);
        let mut cells = Vec::with_capacity(row.value.len());
        for (name, cell) in row.value {
            let cell_pos = yaml::pos_of(&cell, 0);
            let (value, quoted) = match cell.value {
                YamlCell::Scalar(s) => s.into_cell_value(),
                YamlCell::ByLanguage(m) => {
                    let by_language = Spanned {
                        value: Localized::ByLanguage(m),
                        referenced: cell.referenced,
                        defined: cell.defined,
                    };
                    let picked = localized((path, text), Some(&by_language), &name, tongue, warnings)?;
                    (picked.map_or(Value::Null, Value::Text), true)
                }
            };
            cells.push((name, RawCell { value, pos: cell_pos, quoted }));
        }
        rows.push((pos, cells));
    }
    Ok(rows)
}

/// The rows of a JSON dataset, an array of objects (`[{"id": "a",
/// "share": 72}]`). JSON is YAML's flow syntax, so the YAML reader gives
/// every cell its line and column; like YAML, it is for tables a study
/// quotes, up to [`MAX_YAML_BYTES`] and [`MAX_YAML_ROWS`].
pub fn json_rows(
    path: &Path,
    text: &str,
    tongue: Tongue,
) -> Result<(Vec<super::RawRow>, Vec<Diagnostic>), Diagnostic> {
    check_limits(path, "JSON", text.len(), None)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.trim_start().starts_with('[') {
        return Err(Diagnostic::error(
            path,
            Some(Pos::new(1, 1)),
            "a JSON dataset is an array of objects, one per row",
        )
        .with_hint("write it as `[{\"id\": \"a\", \"share\": 72}, …]`"));
    }
    let written: Vec<Spanned<YamlRow>> = yaml::parse(path, text, 0)?;
    check_limits(path, "JSON", text.len(), Some(written.len()))?;
    let mut warnings = Vec::new();
    let rows = raw_rows((path, text), written, tongue, &mut warnings)?;
    Ok((rows, warnings))
}

/// `.nan`, `.inf` and numbers beyond `f64` (`1e400`) are not figures a
/// study can publish: an error at the cell.
fn check_finite(path: &Path, file: &DatasetFile) -> Result<(), Diagnostic> {
    let cells = file.rows.iter().flatten().flat_map(|r| r.value.values());
    for cell in cells {
        if let YamlCell::Scalar(Scalar::Float(f)) = cell.value
            && !f.is_finite()
        {
            return Err(Diagnostic::error(
                path,
                Some(yaml::pos_of(cell, 0)),
                "this number is not finite (not a number, or too large to hold)",
            )
            .with_hint("write the figure itself, or leave the cell empty (`~`) if it is missing"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Pos;

    #[test]
    fn unpublishable_values_are_errors_at_their_line() {
        let err =
            parse(Path::new("data/t.yaml"), "source_url: \"javascript:alert(1)\"\nrows: []\n").unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(1), "{err:?}");
        assert!(parse(Path::new("data/t.yaml"), "source_url: https://e.org/x\nrows: []\n").is_ok());
        assert!(parse(Path::new("data/t.yaml"), "source_url: mailto:a@b.org\nrows: []\n").is_ok());
        assert!(parse(Path::new("data/t.yaml"), "source_url: relative/page.html\nrows: []\n").is_err());
        for bad in [".nan", ".inf", "-.inf", "1e400"] {
            let text = format!("rows:\n  - {{ a: 1 }}\n  - {{ a: {bad} }}\n");
            let err = parse(Path::new("data/t.yaml"), &text).unwrap_err();
            assert_eq!(err.pos.map(|p| p.line), Some(3), "{bad}: {err:?}");
        }
        let many = format!("rows:\n{}", "  - { a: 1 }\n".repeat(MAX_YAML_ROWS + 1));
        assert!(parse(Path::new("data/t.yaml"), &many).unwrap_err().message.contains("at most 50000 rows"));
    }

    #[test]
    fn rows_keep_positions_and_yaml_types() {
        let text = "title: T\nrows:\n  - { id: a, share: 72, label: \"72\" }\n  - id: b\n    share: ~\n";
        let Parsed { meta, table, has_rows, .. } = parse(Path::new("data/t.yaml"), text).unwrap();
        assert!(has_rows);
        assert_eq!(meta.title.as_deref(), Some("T"));
        let (pos, cells) = &table.rows[0];
        assert_eq!(pos.line, 3);
        assert_eq!(cells[1].1.value, Value::Number(72.0));
        assert!(cells[2].1.quoted);
        assert_eq!(table.rows[1].1[1].1.value, Value::Null);
        assert_eq!(table.rows[1].1[1].1.pos, Pos::new(5, 12));
    }

    #[test]
    fn unknown_field_type_is_suggested() {
        let text = "fields:\n  share: { type: percnt }\nrows: []\n";
        let err = parse(Path::new("data/t.yaml"), text).unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(2));
        assert_eq!(err.hint.as_deref(), Some("did you mean `percent`?"));
    }
}
