//! Datasets: typed tables loaded from `data/*.yaml` and `data/*.csv`.
//!
//! Both formats go through the same steps: the source is read into
//! [`RawTable`] (cells with their positions in the file), then
//! [`typing::type_table`] infers or checks each column's type and reports
//! every bad cell at its line and column. The rest of the pipeline only
//! ever sees [`Dataset`]: typed columns, no YAML or CSV left.

mod csv_source;
mod derive;
mod typing;
mod yaml_source;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::Tier;
use crate::diagnostics::{Diagnostic, Pos};

pub use csv_source::write_csv;
pub use derive::tier_of;
pub use typing::is_date;
pub use yaml_source::Scalar;

/// The type of a column. Percent values are points, from 0 to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    Text,
    Number,
    Integer,
    Percent,
    Date,
    Boolean,
}

impl FieldType {
    pub fn is_numeric(self) -> bool {
        matches!(self, FieldType::Number | FieldType::Integer | FieldType::Percent)
    }
}

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
}

impl Value {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Plain text of the value, numbers in their shortest form with a dot.
    /// Used for CSV and for matching categories, never for display.
    pub fn raw_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => number_text(*n),
            Value::Text(t) => t.clone(),
        }
    }
}

/// A number as plain text: `72`, `6.5`, never `72.0`.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// A column's declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub label: Option<String>,
    pub ty: FieldType,
}

impl Field {
    /// What a reader sees as the column's title.
    pub fn title(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
}

/// A typed dataset, ready for pages, charts and tables.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// `relations`, or `survey/trust` for `data/survey/trust.yaml`.
    pub id: String,
    /// The file the rows came from, relative to the project root.
    pub file: PathBuf,
    pub meta: Meta,
    pub fields: Vec<Field>,
    /// Rows of cells in field order.
    pub rows: Vec<Vec<Value>>,
}

/// What a dataset says about itself.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Meta {
    pub title: Option<String>,
    pub description: Option<String>,
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub sample_size: Option<u64>,
    pub date: Option<String>,
}

impl Dataset {
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }

    /// The title shown to readers: the dataset's own, else its id.
    pub fn title(&self) -> &str {
        self.meta.title.as_deref().unwrap_or(&self.id)
    }
}

/// Keys of a dataset in templates that rows may not use as ids.
pub const RESERVED_KEYS: &[&str] =
    &["id", "title", "description", "source", "source_url", "sample_size", "date", "rows", "fields"];

/// A cell as read from the source, before typing.
#[derive(Clone, Debug)]
pub struct RawCell {
    pub value: Value,
    pub pos: Pos,
    /// True when the source wrote the value as text (quoted YAML, any CSV
    /// cell), so `"72"` in YAML is not silently a number.
    pub quoted: bool,
}

/// A declared field in a YAML file.
#[derive(Clone, Debug)]
pub struct RawField {
    pub name: String,
    pub label: Option<String>,
    pub ty: Option<FieldType>,
    pub default: Option<Value>,
    pub pos: Pos,
}

/// One row as read: its position, and its cells by column name in source order.
pub type RawRow = (Pos, Vec<(String, RawCell)>);

/// A table as read from its source, cells still untyped.
#[derive(Clone, Debug, Default)]
pub struct RawTable {
    pub fields: Vec<RawField>,
    /// Each row: its position, and its cells by column name in source order.
    pub rows: Vec<RawRow>,
}

/// The source files of one dataset, read by the loader.
#[derive(Clone, Debug)]
pub struct DatasetSource {
    pub id: String,
    /// `data/x.yaml`: settings and maybe rows.
    pub yaml: Option<(PathBuf, String)>,
    /// `data/x.csv`: rows.
    pub csv: Option<(PathBuf, String)>,
}

/// A dataset read from its files, not yet typed.
struct Prepared {
    id: String,
    file: PathBuf,
    meta: Meta,
    table: RawTable,
    recipe: Option<yaml_source::Recipe>,
}

/// Parses and types every dataset, then computes the derived ones in
/// dependency order; all errors of all datasets are returned.
pub fn build_all(sources: &[DatasetSource], tiers: &[Tier]) -> (BTreeMap<String, Dataset>, Vec<Diagnostic>) {
    use rayon::prelude::*;
    let read: Vec<_> = sources.par_iter().map(read_one).collect();
    let mut out = BTreeMap::new();
    let mut diags = Vec::new();
    let mut derived = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    for r in read {
        match r {
            Ok(p) if p.recipe.is_some() => derived.push(p),
            Ok(p) => match finish(p.id.clone(), p.file, p.meta, p.table) {
                Ok((ds, warnings)) => {
                    diags.extend(warnings);
                    out.insert(ds.id.clone(), ds);
                }
                Err(errs) => {
                    failed.push(p.id);
                    diags.extend(errs);
                }
            },
            Err((id, errs)) => {
                failed.push(id);
                diags.extend(errs);
            }
        }
    }
    let all_ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
    // Each round derives what the previous rounds made possible.
    while !derived.is_empty() {
        let (ready, waiting): (Vec<Prepared>, Vec<Prepared>) =
            derived.into_iter().partition(|p| out.contains_key(&recipe_of(p).from.0));
        if ready.is_empty() {
            diags.extend(unresolved(&waiting, &all_ids, &failed));
            break;
        }
        for p in ready {
            let recipe = recipe_of(&p).clone();
            let source = &out[&recipe.from.0];
            match derive::apply(&p.file, &recipe, source, tiers) {
                Ok((mut table, warnings)) => {
                    diags.extend(warnings);
                    table.fields = p.table.fields;
                    match finish(p.id.clone(), p.file, p.meta, table) {
                        Ok((ds, warnings)) => {
                            diags.extend(warnings);
                            out.insert(ds.id.clone(), ds);
                        }
                        Err(errs) => diags.extend(errs),
                    }
                }
                Err(errs) => {
                    failed.push(p.id);
                    diags.extend(errs);
                }
            }
        }
        derived = waiting;
    }
    (out, diags)
}

fn recipe_of(p: &Prepared) -> &yaml_source::Recipe {
    p.recipe.as_ref().expect("only derived datasets wait")
}

/// Why derived datasets could not be computed: an unknown `from`, a source
/// that failed, or a cycle, named by its chain.
fn unresolved(waiting: &[Prepared], all_ids: &[String], failed: &[String]) -> Vec<Diagnostic> {
    let from_of = |id: &str| waiting.iter().find(|p| p.id == id).map(|p| recipe_of(p).from.0.clone());
    waiting
        .iter()
        .filter_map(|p| {
            let (from, pos) = &recipe_of(p).from;
            if failed.contains(from) {
                return None; // its own errors are reported already
            }
            if !all_ids.contains(from) {
                return Some(
                    Diagnostic::error(&p.file, Some(*pos), format!("`from` names no dataset: `{from}`"))
                        .suggest(from, all_ids.iter().map(String::as_str)),
                );
            }
            let mut chain = vec![p.id.clone()];
            let mut next = from.clone();
            while !chain.contains(&next) {
                chain.push(next.clone());
                match from_of(&next) {
                    Some(n) => next = n,
                    None => return None, // waits on a dataset that failed
                }
            }
            chain.push(next);
            Some(Diagnostic::error(
                &p.file,
                Some(*pos),
                format!("derived datasets form a cycle: {}", chain.join(" → ")),
            ))
        })
        .collect()
}

fn read_one(src: &DatasetSource) -> Result<Prepared, (String, Vec<Diagnostic>)> {
    let fail = |d: Diagnostic| (src.id.clone(), vec![d]);
    let parsed = match &src.yaml {
        Some((path, text)) => Some(yaml_source::parse(path, text).map_err(fail)?),
        None => None,
    };
    let (meta, mut table, has_rows, recipe) = match parsed {
        Some(p) => (p.meta, p.table, p.has_rows, p.recipe),
        None => (Meta::default(), RawTable::default(), false, None),
    };
    if let (Some(_), Some((path, _))) = (&recipe, &src.yaml) {
        if has_rows || src.csv.is_some() {
            return Err(fail(
                Diagnostic::error(path, None, "a derived dataset (`from:`) has rows of its own")
                    .with_hint("remove its `rows` (or its CSV): they are computed"),
            ));
        }
        return Ok(Prepared { id: src.id.clone(), file: path.clone(), meta, table, recipe });
    }
    let file: PathBuf = match (&src.csv, &src.yaml) {
        (Some((csv_path, text)), yaml) => {
            if has_rows {
                let (yaml_path, _) = yaml.as_ref().expect("yaml rows imply a yaml file");
                return Err(fail(
                    Diagnostic::error(
                        yaml_path,
                        None,
                        format!("both `{}` and this file hold rows", csv_path.display()),
                    )
                    .with_hint(
                        "keep the rows in the CSV and only settings (title, source, fields) in the YAML",
                    ),
                ));
            }
            table.rows = csv_source::parse(csv_path, text).map_err(fail)?;
            csv_path.clone()
        }
        (None, Some((path, _))) => path.clone(),
        (None, None) => return Err((src.id.clone(), Vec::new())),
    };
    Ok(Prepared { id: src.id.clone(), file, meta, table, recipe: None })
}

fn finish(
    id: String,
    file: PathBuf,
    meta: Meta,
    table: RawTable,
) -> Result<(Dataset, Vec<Diagnostic>), Vec<Diagnostic>> {
    let typed = typing::type_table(&file, table)?;
    let mut warnings = typed.warnings;
    let shares = typed.fields.iter().any(|f| f.ty == FieldType::Percent);
    if let Some(n) = meta.sample_size.filter(|n| *n < SMALL_SAMPLE && shares) {
        warnings.push(
            Diagnostic::warning(
                &file,
                None,
                format!("these shares rest on {n} respondents, fewer than {SMALL_SAMPLE}"),
            )
            .with_hint("say so beside the figures: a few answers move a share by many points"),
        );
    }
    Ok((Dataset { id, file, meta, fields: typed.fields, rows: typed.rows }, warnings))
}

/// Below this many respondents a share is too fragile to show without a warning.
const SMALL_SAMPLE: u64 = 30;

/// The dataset id of a file under `data/`: its path without extension.
pub fn id_for(data_dir: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(data_dir).unwrap_or(file).with_extension("");
    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}
