//! Datasets: typed tables loaded from `data/*.yaml` and `data/*.csv`.
//!
//! Both formats go through the same steps: the source is read into
//! [`RawTable`] (cells with their positions in the file), then
//! [`typing::type_table`] infers or checks each column's type and reports
//! every bad cell at its line and column. The rest of the pipeline only
//! ever sees [`Dataset`]: typed columns, no YAML or CSV left.

mod column;
mod csv_source;
mod derive;
#[cfg(feature = "parquet")]
mod parquet_source;
#[cfg(feature = "spreadsheets")]
mod sheet_source;
pub mod snapshot;
mod translate;
mod typing;
mod yaml_source;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::Deserialize;

use crate::cache::Key;
use crate::config::{Language, Tier};
use crate::diagnostics::{Diagnostic, Pos};
use crate::format::NumberStyle;
use crate::i18n::Tongue;
use crate::render::relock;

pub use column::{Column, Numbers, Row};
pub use csv_source::write_csv;
pub use derive::tier_of;
pub use typing::is_date;
pub use yaml_source::{QuerySpec, Scalar};

/// The type of a column. Percent values are points, from 0 to 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
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
    let mut s = String::new();
    write_number(&mut s, n);
    s
}

/// Appends [`number_text`] to `out`.
pub fn write_number(out: &mut String, n: f64) {
    use std::fmt::Write;
    if n.fract() == 0.0 && n.abs() < 1e15 {
        out.push_str(itoa::Buffer::new().format(n as i64));
    } else if (1e-4..1e15).contains(&n.abs()) {
        // Ryū writes the shortest digits that read back as the same number,
        // like `Display` but faster, and in this range without an exponent.
        out.push_str(ryu::Buffer::new().format_finite(n));
    } else {
        // Writing to a String cannot fail.
        let _ = write!(out, "{n}");
    }
}

/// A column's declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub label: Option<String>,
    pub ty: FieldType,
    /// How its numbers read, as declared (decimals, unit, currency…).
    pub style: NumberStyle,
}

impl Field {
    pub fn new(name: impl Into<String>, label: Option<String>, ty: FieldType) -> Field {
        Field { name: name.into(), label, ty, style: NumberStyle::default() }
    }

    /// The field's number format, `%` included for percents.
    pub fn number_style(&self) -> NumberStyle {
        NumberStyle { percent: self.ty == FieldType::Percent, ..self.style.clone() }
    }

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
    /// One column per field, each `len` cells long.
    pub columns: Vec<Column>,
    pub len: usize,
    /// The dataset a derived dataset is computed from.
    pub from: Option<String>,
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
    /// Where the rows of a dataset fetched by SQL come from.
    #[serde(skip)]
    pub snapshot: Option<snapshot::Info>,
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

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len).map(|r| Row::new(self, r))
    }

    pub fn row(&self, r: usize) -> Row<'_> {
        Row::new(self, r)
    }

    /// The same dataset with only the rows `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> Dataset {
        Dataset {
            id: self.id.clone(),
            file: self.file.clone(),
            meta: self.meta.clone(),
            fields: self.fields.clone(),
            columns: self.columns.iter().map(|c| c.select(rows)).collect(),
            len: rows.len(),
            from: self.from.clone(),
        }
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
    pub style: NumberStyle,
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
#[derive(Clone, Debug, Default)]
pub struct DatasetSource {
    pub id: String,
    /// `data/x.yaml`: settings and maybe rows.
    pub yaml: Option<(PathBuf, String)>,
    /// `data/x.csv` (or `.tsv`, `.json`, `.xlsx`, `.ods`, `.parquet`): rows.
    pub rows: Option<(PathBuf, RowsData)>,
    /// The last result of the dataset's SQL query, for a dataset with
    /// `query:`, as `barometer sources` wrote it.
    pub snapshot: Option<snapshot::Files>,
}

impl DatasetSource {
    /// A dataset held in one YAML file.
    pub fn from_yaml(id: &str, path: impl Into<PathBuf>, text: impl Into<String>) -> DatasetSource {
        DatasetSource { id: id.into(), yaml: Some((path.into(), text.into())), ..DatasetSource::default() }
    }
}

/// A rows file as read: text for CSV, TSV and JSON, bytes for workbooks
/// and Parquet.
#[derive(Clone, Debug, Hash)]
pub enum RowsData {
    Text(String),
    Bytes(std::sync::Arc<Vec<u8>>),
    /// Read into its dataset already, and let go (see
    /// [`crate::load::Project::release_rows`]).
    Released,
}

impl RowsData {
    pub fn text(&self) -> Option<&str> {
        match self {
            RowsData::Text(t) => Some(t),
            RowsData::Bytes(_) | RowsData::Released => None,
        }
    }
}

/// A dataset read from its files: typed, or waiting for the dataset it
/// derives from.
#[derive(Clone)]
enum Prepared {
    Ready(Dataset, Vec<Diagnostic>),
    Derived(Pending),
}

/// A derived dataset not computed yet.
#[derive(Clone)]
struct Pending {
    id: String,
    file: PathBuf,
    meta: Meta,
    recipe: yaml_source::Recipe,
    /// The fields its file declares (labels, types).
    declared: Vec<RawField>,
    /// Translations its file lacks.
    warnings: Vec<Diagnostic>,
}

/// Parses and types every dataset, then computes the derived ones in
/// dependency order; all errors of all datasets are returned.
pub fn build_all(sources: &[DatasetSource], tiers: &[Tier]) -> (BTreeMap<String, Dataset>, Vec<Diagnostic>) {
    build_all_in(sources, tiers, Tongue::single())
}

/// [`build_all`] with text in `tongue`'s language: maps by language in
/// YAML and `name@en` columns give the translations.
pub fn build_all_in(
    sources: &[DatasetSource],
    tiers: &[Tier],
    tongue: Tongue,
) -> (BTreeMap<String, Dataset>, Vec<Diagnostic>) {
    let reads = Reads::default();
    read_all(sources, tongue, &reads).derive(tiers, &reads)
}

/// Every dataset read from its files, the derived ones not computed yet.
/// Nothing in it borrows the files, so they can be let go before the
/// derived datasets are computed (see [`ReadAll::derive`]).
pub struct ReadAll {
    out: BTreeMap<String, Dataset>,
    diags: Vec<Diagnostic>,
    derived: Vec<Pending>,
    failed: Vec<String>,
    all_ids: Vec<String>,
    /// The key of each dataset's files, when `serve` keeps what it reads.
    keys: HashMap<String, Key>,
    lang: Language,
}

/// Parses and types every dataset of `sources`, in `tongue`'s language,
/// or takes it from `reads` when its files are the ones read before.
pub fn read_all(sources: &[DatasetSource], tongue: Tongue, reads: &Reads) -> ReadAll {
    use rayon::prelude::*;
    let read: Vec<(Option<Key>, Outcome)> = sources
        .par_iter()
        .flat_map_iter(|s| {
            let (key, outcomes) = reads.read(s, tongue);
            outcomes.into_iter().map(move |o| (key, o))
        })
        .collect();
    let mut all = ReadAll {
        out: BTreeMap::new(),
        diags: Vec::new(),
        derived: Vec::new(),
        failed: Vec::new(),
        all_ids: sources.iter().map(|s| s.id.clone()).collect(),
        keys: HashMap::new(),
        lang: tongue.lang,
    };
    for (key, r) in read {
        let mut keep_key = |id: &str| all.keys.extend(key.map(|k| (id.to_string(), k)));
        match r {
            Ok(Prepared::Ready(ds, warnings)) => {
                keep_key(&ds.id);
                all.diags.extend(warnings);
                all.out.insert(ds.id.clone(), ds);
            }
            Ok(Prepared::Derived(p)) => {
                keep_key(&p.id);
                all.derived.push(p);
            }
            Err((id, errs)) => {
                all.failed.push(id);
                all.diags.extend(errs);
            }
        }
    }
    let more: Vec<String> = all.out.keys().filter(|id| !all.all_ids.contains(id)).cloned().collect();
    all.all_ids.extend(more);
    all
}

impl ReadAll {
    /// What has been found wrong so far.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diags
    }

    /// Computes the derived datasets in dependency order: every dataset,
    /// and all errors of all of them. One whose files, source and tiers
    /// are those of a dataset `reads` kept is taken from it.
    pub fn derive(self, tiers: &[Tier], reads: &Reads) -> (BTreeMap<String, Dataset>, Vec<Diagnostic>) {
        let ReadAll { mut out, mut diags, mut derived, mut failed, all_ids, mut keys, lang } = self;
        // Each round derives what the previous rounds made possible.
        while !derived.is_empty() {
            let (ready, waiting): (Vec<Pending>, Vec<Pending>) =
                derived.into_iter().partition(|p| out.contains_key(&p.recipe.from.0));
            if ready.is_empty() {
                diags.extend(unresolved(&waiting, &all_ids, &failed));
                break;
            }
            for p in ready {
                let key = match (keys.get(&p.id), keys.get(&p.recipe.from.0)) {
                    (Some(own), Some(from)) => Some(Key::of((own, from, tiers))),
                    _ => None,
                };
                // Datasets derived from this one follow its key.
                keys.extend(key.map(|k| (p.id.clone(), k)));
                let slot = (p.id.clone(), lang);
                match reads.compute(key, slot, || compute(p, &out, tiers)) {
                    Ok((ds, warnings)) => {
                        diags.extend(warnings);
                        out.insert(ds.id.clone(), ds);
                    }
                    Err((id, errs)) => {
                        failed.push(id);
                        diags.extend(errs);
                    }
                }
            }
            derived = waiting;
        }
        (out, diags)
    }
}

/// Computes and types one derived dataset from its source, already built.
fn compute(p: Pending, built: &BTreeMap<String, Dataset>, tiers: &[Tier]) -> Computed {
    let source = &built[&p.recipe.from.0];
    let (columns, mut warnings) =
        derive::apply(&p.file, &p.recipe, source, tiers).map_err(|e| (p.id.clone(), e))?;
    let typed = typing::type_derived(&p.file, p.recipe.from.1, &p.declared, columns)
        .map_err(|e| (p.id.clone(), e))?;
    // Figures computed from a source come from that source, unless told otherwise.
    let mut meta = p.meta;
    if meta.source.is_none() {
        meta.source = source.meta.source.clone();
        meta.source_url = meta.source_url.or_else(|| source.meta.source_url.clone());
    }
    let (mut ds, more) = finish(p.id, p.file, meta, typed);
    ds.from = Some(p.recipe.from.0);
    warnings.extend(more);
    warnings.extend(p.warnings);
    Ok((ds, warnings))
}

/// Why derived datasets could not be computed: an unknown `from`, a source
/// that failed, or a cycle, named by its chain.
fn unresolved(waiting: &[Pending], all_ids: &[String], failed: &[String]) -> Vec<Diagnostic> {
    let from_of = |id: &str| waiting.iter().find(|p| p.id == id).map(|p| p.recipe.from.0.clone());
    waiting
        .iter()
        .filter_map(|p| {
            let (from, pos) = &p.recipe.from;
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

/// What reading one source gave: a dataset (a workbook read sheet by
/// sheet gives several), or the errors of one.
type Outcome = Result<Prepared, (String, Vec<Diagnostic>)>;

/// Datasets as the builds before read and derived them, by id and
/// language, each with the key of what it was made from: `serve` parses
/// and computes again only the data that changed (a prose edit, none). The
/// default keeps nothing, for one-off builds, which would only pay for the
/// keys. A dataset removed stays until `serve` ends.
#[derive(Default)]
pub struct Reads {
    on: bool,
    kept: Memo<Vec<Outcome>>,
    /// Derived datasets, under the key of their files, their source's and
    /// the tiers.
    derived: Memo<Computed>,
}

/// A dataset's id and the language it is read in.
type Slot = (String, Language);

/// What was made for each slot, under the key of what it was made from.
type Memo<T> = Mutex<HashMap<Slot, (Key, Arc<T>)>>;

/// A derived dataset computed, or why it could not be.
type Computed = Result<(Dataset, Vec<Diagnostic>), (String, Vec<Diagnostic>)>;

impl Reads {
    /// A memory that keeps each build's datasets for the next.
    pub fn reusing() -> Reads {
        Reads { on: true, ..Reads::default() }
    }

    /// What [`read_one`] gives for `src` in `tongue`, read again only when
    /// its files or the languages changed.
    fn read(&self, src: &DatasetSource, tongue: Tongue) -> (Option<Key>, Vec<Outcome>) {
        if !self.on {
            return (None, read_one(src, tongue));
        }
        let key = Key::of((&src.id, &src.yaml, &src.rows, &src.snapshot, tongue.lang, tongue.languages));
        let slot = (src.id.clone(), tongue.lang);
        (Some(key), kept_or(&self.kept, key, slot, || read_one(src, tongue)))
    }

    /// What `compute` gives, or what it gave before under `key`.
    fn compute(&self, key: Option<Key>, slot: Slot, compute: impl FnOnce() -> Computed) -> Computed {
        match key {
            Some(key) if self.on => kept_or(&self.derived, key, slot, compute),
            _ => compute(),
        }
    }
}

/// What `make` makes, or what `kept` holds for it at `slot` under `key`
/// (a copy); what is made is kept there.
fn kept_or<T: Clone>(kept: &Memo<T>, key: Key, slot: Slot, make: impl FnOnce() -> T) -> T {
    let found = relock(kept).get(&slot).filter(|(k, _)| *k == key).map(|(_, v)| v.clone());
    if let Some(value) = found {
        return value.as_ref().clone();
    }
    let made = make();
    relock(kept).insert(slot, (key, Arc::new(made.clone())));
    made
}

/// A table read from a source, before its checks: its id, the file
/// errors name, its settings and its typed columns.
struct Read {
    id: String,
    file: PathBuf,
    meta: Meta,
    typed: Result<typing::Typed, Vec<Diagnostic>>,
}

fn read_one(src: &DatasetSource, tongue: Tongue) -> Vec<Outcome> {
    let fail = |d: Vec<Diagnostic>| vec![Err((src.id.clone(), d))];
    let parsed = match &src.yaml {
        Some((path, text)) => match yaml_source::parse_in(path, text, tongue) {
            Ok(p) => Some(p),
            Err(d) => return fail(vec![d]),
        },
        None => None,
    };
    let mut parsed = parsed.unwrap_or_default();
    if let (Some(recipe), Some((path, _))) = (parsed.recipe.take(), &src.yaml) {
        if parsed.has_rows || src.rows.is_some() {
            return fail(vec![
                Diagnostic::error(path, None, "a derived dataset (`from:`) has rows of its own")
                    .with_hint("remove its `rows` (or its CSV): they are computed"),
            ]);
        }
        let (id, file, declared) = (src.id.clone(), path.clone(), parsed.table.fields);
        let (meta, warnings) = (parsed.meta, parsed.warnings);
        return vec![Ok(Prepared::Derived(Pending { id, file, meta, recipe, declared, warnings }))];
    }
    if let Err(d) = settings_fit(src, &parsed) {
        return fail(vec![d]);
    }
    let mut translations = std::mem::take(&mut parsed.warnings);
    let reads = match read_rows(src, parsed, tongue, &mut translations) {
        Ok(reads) => reads,
        Err(d) => return fail(d),
    };
    reads
        .into_iter()
        .map(|r| {
            let errs = |e| (r.id.clone(), e);
            let typed = r.typed.map_err(errs)?;
            let (mut ds, mut warnings) = finish(r.id.clone(), r.file, r.meta, typed);
            if tongue.is_multilingual() {
                warnings.extend(translate::columns(&mut ds, tongue).map_err(errs)?);
            }
            warnings.extend(translations.iter().cloned());
            Ok(Prepared::Ready(ds, warnings))
        })
        .collect()
}

/// Rows in two places, or workbook settings for a file that is none.
fn settings_fit(src: &DatasetSource, parsed: &yaml_source::Parsed) -> Result<(), Diagnostic> {
    let Some((yaml_path, _)) = &src.yaml else { return Ok(()) };
    let rows_path = src.rows.as_ref().map(|(p, _)| p);
    if let Some(rows_path) = rows_path.filter(|_| parsed.has_rows || parsed.query.is_some()) {
        let what = if parsed.has_rows { "this file holds rows" } else { "this file has a `query`" };
        return Err(Diagnostic::error(yaml_path, None, format!("both `{}` and {what}", rows_path.display()))
            .with_hint("keep the rows in one place, and only settings (title, source, fields) in the YAML"));
    }
    let workbook = rows_path.is_some_and(|p| is_workbook(&extension(p)));
    if parsed.sheet.pos().is_some() && !workbook {
        return Err(Diagnostic::error(
            yaml_path,
            parsed.sheet.pos(),
            "`sheet`, `each_sheet`, `header_row` and `range` are for workbooks",
        )
        .with_hint(
            "put the .xlsx or .ods file beside this one, with the same name, or remove these settings",
        ));
    }
    Ok(())
}

/// The tables a source holds, each typed: one, or one per sheet.
fn read_rows(
    src: &DatasetSource,
    parsed: yaml_source::Parsed,
    tongue: Tongue,
    translations: &mut Vec<Diagnostic>,
) -> Result<Vec<Read>, Vec<Diagnostic>> {
    let one = |file: &Path, meta: Meta, typed| {
        vec![Read { id: src.id.clone(), file: file.to_path_buf(), meta, typed }]
    };
    let yaml_path = src.yaml.as_ref().map(|(p, _)| p.as_path());
    let declared = &parsed.table.fields;
    let mut meta = parsed.meta;
    if let (Some(spec), Some(yaml_path)) = (&parsed.query, yaml_path) {
        let provenance =
            snapshot::check(&src.id, yaml_path, spec, src.snapshot.as_ref()).map_err(|d| vec![d])?;
        let files = src.snapshot.as_ref().expect("checked above");
        let mut fields = declared.clone();
        let from_db = snapshot::declared_types(&provenance, spec.query.1);
        fields.extend(from_db.into_iter().filter(|f| !declared.iter().any(|d| d.name == f.name)));
        meta.snapshot = Some(snapshot::Info {
            connection: provenance.connection,
            query: spec.query.0.clone(),
            fetched: provenance.fetched,
            rows: provenance.rows,
        });
        let (path, text) = &files.csv;
        return Ok(one(path, meta, csv_source::read(path, text, (yaml_path, &fields))));
    }
    match (&src.rows, yaml_path) {
        (Some((path, RowsData::Text(text))), _) => {
            let ext = extension(path);
            if ext == "json" {
                let (rows, more) = yaml_source::json_rows(path, text, tongue).map_err(|d| vec![d])?;
                translations.extend(more);
                let table = RawTable { fields: parsed.table.fields, rows };
                Ok(one(path, meta, typing::type_table(path, table)))
            } else {
                let settings = yaml_path.unwrap_or(path);
                Ok(one(path, meta, csv_source::read(path, text, (settings, declared))))
            }
        }
        (Some((path, RowsData::Bytes(bytes))), _) => {
            read_binary(src, path, bytes, &parsed.sheet, declared, meta)
        }
        (Some((path, RowsData::Released)), _) => Err(vec![Diagnostic::error(
            path,
            None,
            "this file was read already and let go; barometer cannot read it twice",
        )]),
        (None, Some(path)) => Ok(one(path, meta, typing::type_table(path, parsed.table))),
        (None, None) => Err(Vec::new()),
    }
}

/// The tables of a workbook or Parquet file.
#[cfg_attr(not(any(feature = "spreadsheets", feature = "parquet")), allow(unused_variables))]
fn read_binary(
    src: &DatasetSource,
    path: &Path,
    bytes: &std::sync::Arc<Vec<u8>>,
    choice: &yaml_source::SheetChoice,
    declared: &[RawField],
    meta: Meta,
) -> Result<Vec<Read>, Vec<Diagnostic>> {
    let ext = extension(path);
    let settings = src.yaml.as_ref().map_or(path, |(p, _)| p.as_path());
    #[cfg(feature = "parquet")]
    if ext == "parquet" {
        let typed = parquet_source::read(path, bytes, (settings, declared));
        return Ok(vec![Read { id: src.id.clone(), file: path.to_path_buf(), meta, typed }]);
    }
    #[cfg(feature = "spreadsheets")]
    if is_workbook(&ext) {
        let sheets = sheet_source::read(path, bytes.as_slice(), choice, settings)?;
        let each = choice.each.is_some();
        return sheets
            .into_iter()
            .map(|sheet| {
                let what = format!("sheet {}", sheet.name);
                let missing = typing::missing_columns(settings, &what, &sheet.columns, declared);
                let mut table = sheet.table;
                table.fields = declared.to_vec();
                let typed = match missing.is_empty() {
                    true => typing::type_table(path, table)
                        .map_err(|e| sheet_source::at_cells(e, path, &sheet.name)),
                    false => Err(missing),
                };
                if !each {
                    return Ok(Read {
                        id: src.id.clone(),
                        file: path.to_path_buf(),
                        meta: meta.clone(),
                        typed,
                    });
                }
                let part = crate::paths::suggest_segment(&sheet.name);
                if part.is_empty() {
                    return Err(vec![
                        Diagnostic::error_at(
                            path,
                            format!("sheet {}", sheet.name),
                            "this sheet's name gives no dataset name",
                        )
                        .with_hint("rename the sheet with letters or digits"),
                    ]);
                }
                let part = if crate::paths::segment_problem(&sheet.name).is_none() {
                    sheet.name.clone()
                } else {
                    part
                };
                let title = match &meta.title {
                    Some(t) => format!("{t} — {}", sheet.name),
                    None => sheet.name.clone(),
                };
                let meta = Meta { title: Some(title), ..meta.clone() };
                Ok(Read { id: format!("{}/{part}", src.id), file: path.to_path_buf(), meta, typed })
            })
            .collect();
    }
    Err(vec![Diagnostic::error(path, None, format!("this build of barometer does not read `.{ext}` files"))])
}

/// The dataset, and its warnings: the typing's, and a small sample.
fn finish(id: String, file: PathBuf, meta: Meta, typed: typing::Typed) -> (Dataset, Vec<Diagnostic>) {
    let mut warnings = typed.warnings;
    if meta.source.is_none() {
        let hint = match is_rows_file(&extension(&file)) {
            true => {
                format!("add `{}` beside it with a `source:` line", file.with_extension("yaml").display())
            }
            false => "add `source:`, e.g. `source: \"Survey of 1,252 influencers, 2024\"`".to_string(),
        };
        warnings.push(
            Diagnostic::warning(
                &file,
                None,
                format!("the dataset `{id}` does not say where its figures come from"),
            )
            .with_hint(hint),
        );
    }
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
    (
        Dataset { id, file, meta, fields: typed.fields, columns: typed.columns, len: typed.len, from: None },
        warnings,
    )
}

/// Below this many respondents a share is too fragile to show without a warning.
const SMALL_SAMPLE: u64 = 30;

/// A dataset's `connection` and `query`, when its file has them.
pub fn query_spec(src: &DatasetSource, tongue: Tongue) -> Result<Option<QuerySpec>, Diagnostic> {
    let Some((path, text)) = &src.yaml else { return Ok(None) };
    Ok(yaml_source::parse_in(path, text, tongue)?.query)
}

/// Where dataset `id`'s CSV download is published in the edition at
/// `prefix` (`""`, `en/`): `data/relations.csv`, `en/data/relations.csv`.
pub fn csv_file(prefix: &str, id: &str) -> String {
    format!("{prefix}data/{id}.csv")
}

/// A file's extension in lower case (`CSV` and `csv` are one kind), or
/// `""` without one: what the kind of a file in `data/` is told by.
pub fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// Whether `ext` (lower case) names a workbook: Excel or OpenDocument.
pub fn is_workbook(ext: &str) -> bool {
    matches!(ext, "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
}

/// Whether a file with extension `ext` (lower case) holds a dataset's
/// rows only, its settings going in a YAML file beside it.
pub fn is_rows_file(ext: &str) -> bool {
    is_text_rows_file(ext) || is_binary_rows_file(ext)
}

/// Rows files read as UTF-8 text.
pub fn is_text_rows_file(ext: &str) -> bool {
    matches!(ext, "csv" | "tsv" | "json")
}

/// Rows files this build reads as bytes: workbooks and Parquet, when
/// their cargo features are on.
pub fn is_binary_rows_file(ext: &str) -> bool {
    (cfg!(feature = "spreadsheets") && is_workbook(ext)) || (cfg!(feature = "parquet") && ext == "parquet")
}

/// The dataset id of a file under `data/`: its path without extension.
pub fn id_for(data_dir: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(data_dir).unwrap_or(file).with_extension("");
    rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `number_text` must read back as the same number, as briefly as Rust's
    /// `Display` writes it, and without an exponent. (When two shortest
    /// forms are equally close, Ryū and `Display` may pick different ones.)
    fn check(n: f64) {
        let ours = number_text(n);
        let display =
            if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") };
        assert_eq!(ours.parse::<f64>().ok(), Some(n), "{ours} for {n:e}");
        assert_eq!(ours.len(), display.len(), "{ours} vs {display}");
        assert!(!ours.contains('e'), "{ours}");
    }

    #[test]
    fn number_text_is_short_exact_and_plain() {
        let edges =
            [0.1, 0.1 + 0.2, 1e-4, 9.9e-5, 2.5e-7, 1e15 - 0.5, 1e15 + 0.5, -9_367_270_568_174.062, 123.456];
        edges.into_iter().for_each(check);
        assert_eq!(number_text(72.0), "72");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(6.5), "6.5");
        // Values spread over every magnitude, from a fixed seed.
        let mut state = 7u64;
        for _ in 0..300_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64;
            let exponent = ((state >> 3) % 40) as i32 - 20;
            check(mantissa * 10f64.powi(exponent) * if state & 1 == 0 { 1.0 } else { -1.0 });
        }
    }
}
