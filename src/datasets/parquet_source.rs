//! Reading a Parquet file into typed columns, with the `parquet` and
//! `arrow` crates.
//!
//! The file is decoded a batch of rows at a time, each cell going straight
//! into its column, so memory holds the file and the columns, never a row
//! of values per row. A Parquet file carries its own types: numbers,
//! booleans and text map onto ours, dates are written `2024-03-15`.
//! Errors name the row and the column, which is all a Parquet file has.

use std::path::Path;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::column::{Builder, Cell, Column};
use super::typing::{self, Misfits, Typed, column_type, convert};
use super::{Field, RawField, Value};
use crate::diagnostics::{Diagnostic, Pos};

/// Rows decoded at a time.
const BATCH: usize = 8192;

/// The file's bytes, shared with the loader rather than copied.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Reads the Parquet file `bytes` (from `path`) into typed columns,
/// applying the fields `declared` in the YAML file beside it.
pub fn read(
    path: &Path,
    bytes: &Arc<Vec<u8>>,
    (settings, declared): (&Path, &[RawField]),
) -> Result<Typed, Vec<Diagnostic>> {
    let unreadable = |e: &dyn std::fmt::Display| {
        vec![Diagnostic::error(path, None, format!("cannot read this Parquet file: {e}"))
            .with_hint("write it again with a current tool (pandas, polars, DuckDB, Spark), compressed with Snappy, Zstandard, LZ4 or gzip")]
    };
    let data = bytes::Bytes::from_owner(Shared(Arc::clone(bytes)));
    let builder = ParquetRecordBatchReaderBuilder::try_new(data).map_err(|e| unreadable(&e))?;
    let names: Vec<String> = builder.schema().fields().iter().map(|f| f.name().clone()).collect();
    let fields = typing::fields_of(&names, declared);
    let mut errors = typing::missing_columns(settings, "the Parquet file", &names, declared);
    let mut builders: Vec<Builder> = fields
        .iter()
        .zip(&names)
        .map(|(f, n)| {
            if declared.iter().any(|d| d.name == *n && d.ty.is_some()) {
                Builder::of(f.ty)
            } else {
                Builder::default()
            }
        })
        .collect();
    let mut misfits: Vec<Misfits> = fields.iter().map(|f| Misfits::new(path, f)).collect();
    let reader = builder.with_batch_size(BATCH).build().map_err(|e| unreadable(&e))?;
    let mut len = 0;
    for batch in reader {
        let batch = batch.map_err(|e| unreadable(&e))?;
        if let Err(e) = append(&batch, len, &fields, declared, &mut builders, &mut misfits) {
            errors.push(e.at(path));
            break;
        }
        len += batch.num_rows();
    }
    errors.extend(misfits.into_iter().flat_map(Misfits::finish));
    let mut fields = fields;
    let columns: Vec<Column> = builders.into_iter().map(Builder::finish).collect();
    for (field, column) in fields.iter_mut().zip(&columns) {
        if !declared.iter().any(|d| d.name == field.name && d.ty.is_some()) {
            field.ty = column_type(column);
        }
    }
    let id_column = fields.iter().position(|f| f.name == "id").unwrap_or(0) + 1;
    typing::check_ids(path, &fields, &columns, |r| Pos::new(r + 1, id_column), &mut errors);
    let decl_pos = typing::declared_at(&fields, declared);
    errors.extend(typing::format_on_text(path, &fields, &decl_pos));
    let warnings = typing::fraction_warnings(path, &fields, &columns, &decl_pos);
    if errors.is_empty() {
        Ok(Typed { fields, columns, len, warnings: at_rows(warnings, path, &names) })
    } else {
        Err(at_rows(errors, path, &names))
    }
}

/// A column of a type we cannot show.
struct Unsupported {
    column: String,
    ty: DataType,
}

impl Unsupported {
    fn at(self, path: &Path) -> Diagnostic {
        Diagnostic::error_at(
            path,
            format!("column `{}`", self.column),
            format!("this column holds {}, which a report cannot show", self.ty),
        )
        .with_hint("leave it out of the export, or convert it to numbers, text, booleans or dates")
    }
}

/// Appends a batch's rows (the first being row `first`, from 0) to the columns.
fn append(
    batch: &RecordBatch,
    first: usize,
    fields: &[Field],
    declared: &[RawField],
    builders: &mut [Builder],
    misfits: &mut [Misfits],
) -> Result<(), Unsupported> {
    for (i, array) in batch.columns().iter().enumerate() {
        let checked = declared.iter().any(|d| d.name == fields[i].name && d.ty.is_some());
        let builder = &mut builders[i];
        let misfit = &mut misfits[i];
        let mut push = |r: usize, cell: Cell| {
            if !checked && builder.accepts(cell) {
                return builder.push_cell(cell);
            }
            match convert(&Value::from(cell), false, &fields[i]) {
                Ok(v) => builder.push(v),
                Err(m) => {
                    misfit.push(m, || Pos::new(first + r + 1, i + 1), None);
                    builder.push_cell(Cell::Null);
                }
            }
        };
        each_cell(array.as_ref(), &mut push)
            .map_err(|ty| Unsupported { column: fields[i].name.clone(), ty })?;
    }
    Ok(())
}

/// Calls `f` with each cell of `array`, in order; the array's type when
/// it is none we read.
fn each_cell(array: &dyn Array, f: &mut dyn FnMut(usize, Cell)) -> Result<(), DataType> {
    macro_rules! numbers {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            for r in 0..a.len() {
                f(r, if a.is_null(r) { Cell::Null } else { number(a.value(r) as f64) });
            }
        }};
    }
    match array.data_type() {
        DataType::Null => (0..array.len()).for_each(|r| f(r, Cell::Null)),
        DataType::Boolean => {
            let a = array.as_boolean();
            (0..a.len()).for_each(|r| f(r, if a.is_null(r) { Cell::Null } else { Cell::Bool(a.value(r)) }));
        }
        DataType::Int8 => numbers!(Int8Type),
        DataType::Int16 => numbers!(Int16Type),
        DataType::Int32 => numbers!(Int32Type),
        DataType::Int64 => numbers!(Int64Type),
        DataType::UInt8 => numbers!(UInt8Type),
        DataType::UInt16 => numbers!(UInt16Type),
        DataType::UInt32 => numbers!(UInt32Type),
        DataType::UInt64 => numbers!(UInt64Type),
        DataType::Float32 => numbers!(Float32Type),
        DataType::Float64 => numbers!(Float64Type),
        DataType::Decimal128(_, scale) => {
            let a = array.as_primitive::<Decimal128Type>();
            let unit = 10f64.powi(i32::from(*scale));
            (0..a.len())
                .for_each(|r| f(r, if a.is_null(r) { Cell::Null } else { number(a.value(r) as f64 / unit) }));
        }
        DataType::Utf8 => texts(array.as_string::<i32>().iter(), f),
        DataType::LargeUtf8 => texts(array.as_string::<i64>().iter(), f),
        DataType::Utf8View => texts(array.as_string_view().iter(), f),
        DataType::Date32 => {
            let a = array.as_primitive::<Date32Type>();
            dates((0..a.len()).map(|r| a.is_valid(r).then(|| i64::from(a.value(r)) * 86_400)), f);
        }
        DataType::Date64 => {
            let a = array.as_primitive::<Date64Type>();
            dates((0..a.len()).map(|r| a.is_valid(r).then(|| a.value(r).div_euclid(1000))), f);
        }
        DataType::Timestamp(unit, _) => {
            let per_second = match unit {
                TimeUnit::Second => 1,
                TimeUnit::Millisecond => 1_000,
                TimeUnit::Microsecond => 1_000_000,
                TimeUnit::Nanosecond => 1_000_000_000,
            };
            let a = match unit {
                TimeUnit::Second => {
                    array.as_primitive::<TimestampSecondType>().clone().reinterpret_cast::<Int64Type>()
                }
                TimeUnit::Millisecond => {
                    array.as_primitive::<TimestampMillisecondType>().clone().reinterpret_cast::<Int64Type>()
                }
                TimeUnit::Microsecond => {
                    array.as_primitive::<TimestampMicrosecondType>().clone().reinterpret_cast::<Int64Type>()
                }
                TimeUnit::Nanosecond => {
                    array.as_primitive::<TimestampNanosecondType>().clone().reinterpret_cast::<Int64Type>()
                }
            };
            dates((0..a.len()).map(|r| a.is_valid(r).then(|| a.value(r).div_euclid(per_second))), f);
        }
        DataType::Dictionary(_, _) => {
            let dict = array.as_any_dictionary();
            let keys = dict.keys();
            let mut values: Vec<Option<String>> = vec![None; dict.values().len()];
            each_cell(dict.values().as_ref(), &mut |r, cell| {
                values[r] = (cell != Cell::Null).then(|| {
                    let mut s = String::new();
                    super::column::write_cell(cell, &mut s);
                    s
                })
            })?;
            let value_type = dict.values().data_type().clone();
            for (r, k) in dict.normalized_keys().into_iter().enumerate() {
                let text = if keys.is_null(r) { None } else { values.get(k).cloned().flatten() };
                let cell = match (&text, &value_type) {
                    (None, _) => Cell::Null,
                    (Some(t), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => Cell::Text(t),
                    (Some(t), _) => t.parse().map(Cell::Number).unwrap_or(Cell::Text(t)),
                };
                f(r, cell);
            }
        }
        other => return Err(other.clone()),
    }
    Ok(())
}

/// A number cell; NaN is no figure, so it reads as missing.
fn number(n: f64) -> Cell<'static> {
    if n.is_finite() { Cell::Number(n) } else { Cell::Null }
}

fn texts<'a>(cells: impl Iterator<Item = Option<&'a str>>, f: &mut dyn FnMut(usize, Cell)) {
    cells.enumerate().for_each(|(r, t)| f(r, t.map_or(Cell::Null, Cell::Text)));
}

/// Moments (seconds since 1970, UTC) as dates, `2024-03-15`, or with the
/// time when it is not midnight.
fn dates(moments: impl Iterator<Item = Option<i64>>, f: &mut dyn FnMut(usize, Cell)) {
    let mut text = String::new();
    for (r, secs) in moments.enumerate() {
        let Some(secs) = secs else {
            f(r, Cell::Null);
            continue;
        };
        text.clear();
        let stamp = crate::dates::utc_timestamp(secs);
        let (date, time) = stamp.split_at(10);
        text.push_str(date);
        if secs.rem_euclid(86_400) != 0 {
            text.push(' ');
            text.push_str(&time[1..6]);
        }
        f(r, Cell::Text(&text));
    }
}

/// `diags` about `path` named by row and column rather than line.
fn at_rows(diags: Vec<Diagnostic>, path: &Path, names: &[String]) -> Vec<Diagnostic> {
    crate::diagnostics::placed(diags, path, |pos| {
        let p = pos?;
        let column = names.get(p.column - 1).map_or(String::new(), |n| format!(", column `{n}`"));
        Some(format!("row {}{column}", p.line))
    })
}
