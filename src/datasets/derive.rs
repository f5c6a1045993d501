//! Derived datasets: a dataset computed from another one by `filter`,
//! `derive` (new columns), `group_by` with `aggregate`, `sort` and `limit`.
//!
//! Every step works on whole columns of typed values. Errors name the
//! derived dataset's file and the line of the step, and, for an error in a
//! row, which row of the source it was.

use std::collections::HashMap;
use std::path::Path;

use super::yaml_source::Recipe;
use super::{Dataset, RawCell, RawRow, RawTable, Value};
use crate::config::Tier;
use crate::diagnostics::{Diagnostic, Pos};
use crate::expr::{self, Expr, ExprError};
use crate::stats;

/// Aggregate functions and what they take.
const AGGREGATES: &[&str] = &["count", "sum", "mean", "median", "min", "max", "stddev", "quantile", "share"];

/// A table being derived: column names and rows.
struct Work {
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
    /// For each row, where it came from in the source (row number, key).
    origins: Vec<String>,
}

/// Computes the rows of a derived dataset; the caller types them.
pub fn apply(
    file: &Path,
    recipe: &Recipe,
    source: &Dataset,
    tiers: &[Tier],
) -> Result<(RawTable, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let mut work = start(source, tiers);
    let fail = |pos: Pos, e: ExprError| vec![expr_diagnostic(file, pos, e)];
    if let Some((text, pos)) = &recipe.filter {
        let e = compile(text, &work.columns).map_err(|e| fail(*pos, e))?;
        let (mut rows, mut origins) = (Vec::new(), Vec::new());
        for (row, origin) in work.rows.into_iter().zip(work.origins) {
            match e.eval(&row) {
                Ok(Value::Bool(true)) => {
                    rows.push(row);
                    origins.push(origin);
                }
                Ok(Value::Bool(false) | Value::Null) => {}
                Ok(other) => {
                    let message = format!(
                        "`filter` must be true or false, but gives {} for {origin}",
                        other.raw_text()
                    );
                    return Err(vec![Diagnostic::error(file, Some(*pos), message)]);
                }
                Err(err) => return Err(fail(*pos, in_row(err, &origin))),
            }
        }
        (work.rows, work.origins) = (rows, origins);
    }
    for (name, text, pos) in &recipe.derive {
        let e = compile(text, &work.columns).map_err(|e| fail(*pos, e))?;
        let mut values = Vec::with_capacity(work.rows.len());
        for (row, origin) in work.rows.iter().zip(&work.origins) {
            values.push(e.eval(row).map_err(|err| fail(*pos, in_row(err, origin)))?);
        }
        for (row, v) in work.rows.iter_mut().zip(values) {
            row.push(v);
        }
        work.columns.push(name.clone());
    }
    if !recipe.aggregate.is_empty() || !recipe.group_by.is_empty() {
        work = group(file, recipe, work, &mut warnings)?;
    }
    if let Some((key, pos)) = &recipe.sort {
        sort(&mut work, key, tiers).map_err(|e| fail(*pos, e))?;
    }
    if let Some(limit) = recipe.limit {
        work.rows.truncate(limit);
    }
    let pos = recipe.from.1;
    let rows: Vec<RawRow> = work
        .rows
        .into_iter()
        .map(|row| {
            let cells = work
                .columns
                .iter()
                .cloned()
                .zip(row)
                .map(|(name, value)| (name, RawCell { value, pos, quoted: false }))
                .collect();
            (pos, cells)
        })
        .collect();
    Ok((RawTable { fields: Vec::new(), rows }, warnings))
}

/// The source's columns and rows, plus `tier` from `followers`.
fn start(source: &Dataset, tiers: &[Tier]) -> Work {
    let mut columns: Vec<String> = source.fields.iter().map(|f| f.name.clone()).collect();
    let mut rows = source.rows.clone();
    let key = source
        .field_index("id")
        .or_else(|| source.fields.iter().position(|f| f.ty == super::FieldType::Text));
    let origins = source
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| match key.map(|k| r[k].raw_text()).filter(|k| !k.is_empty()) {
            Some(k) => format!("row {} of `{}` ({k})", i + 1, source.id),
            None => format!("row {} of `{}`", i + 1, source.id),
        })
        .collect();
    if let (Some(f), None) = (source.field_index("followers"), source.field_index("tier")) {
        columns.push("tier".into());
        for row in &mut rows {
            let tier = row[f].as_f64().and_then(|n| tier_of(tiers, n));
            row.push(tier.map_or(Value::Null, |t| Value::Text(t.to_string())));
        }
    }
    Work { columns, rows, origins }
}

/// The tier of an account: the highest threshold at or below `followers`.
pub fn tier_of(tiers: &[Tier], followers: f64) -> Option<&str> {
    tiers.iter().rev().find(|t| followers >= t.min_followers as f64).map(|t| t.name.as_str())
}

fn compile(text: &str, columns: &[String]) -> Result<Expr, ExprError> {
    let mut e = expr::parse(text)?;
    e.bind(columns)?;
    Ok(e)
}

fn in_row(e: ExprError, origin: &str) -> ExprError {
    ExprError { message: format!("{} in {origin}", e.message), ..e }
}

fn expr_diagnostic(file: &Path, pos: Pos, e: ExprError) -> Diagnostic {
    // The expression starts at the setting's value; its offset moves the caret.
    let at = Pos::new(pos.line, pos.column + e.at);
    let d = Diagnostic::error(file, Some(at), e.message);
    match e.hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// One aggregate: its function, its argument and, for `quantile`, `p`.
struct Aggregate {
    name: String,
    func: String,
    arg: Option<Expr>,
    p: f64,
}

fn parse_aggregate(name: &str, text: &str, columns: &[String]) -> Result<Aggregate, ExprError> {
    let Expr::Call { name: func, at, args } = expr::parse(text)? else {
        return Err(ExprError {
            at: 0,
            message: "an aggregate is a function call such as `mean(engagement_rate)`".into(),
            hint: Some(format!("use one of {}", AGGREGATES.join(", "))),
        });
    };
    let want = match func.as_str() {
        "count" => 0,
        "quantile" => 2,
        f if AGGREGATES.contains(&f) => 1,
        _ => {
            let hint = crate::diagnostics::closest(&func, AGGREGATES.iter().copied())
                .map(|c| format!("did you mean `{c}`?"));
            return Err(ExprError { at, message: format!("unknown aggregate `{func}`"), hint });
        }
    };
    if args.len() != want {
        return Err(ExprError {
            at,
            message: format!("`{func}` takes {want} argument{}", if want == 1 { "" } else { "s" }),
            hint: None,
        });
    }
    let mut args = args.into_iter();
    let arg = match args.next() {
        Some(mut a) => {
            a.bind(columns)?;
            Some(a)
        }
        None => None,
    };
    let p = match args.next() {
        Some(Expr::Number(p)) if (0.0..=1.0).contains(&p) => p,
        Some(_) => {
            return Err(ExprError {
                at,
                message: "the second argument of `quantile` is a number from 0 to 1".into(),
                hint: Some("write `quantile(x, 0.25)` for the first quartile".into()),
            });
        }
        None => 0.0,
    };
    Ok(Aggregate { name: name.to_string(), func, arg, p })
}

fn group(
    file: &Path,
    recipe: &Recipe,
    work: Work,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Work, Vec<Diagnostic>> {
    let fail = |pos: Pos, e: ExprError| vec![expr_diagnostic(file, pos, e)];
    let mut keys = Vec::new();
    for (name, pos) in &recipe.group_by {
        match work.columns.iter().position(|c| c == name) {
            Some(i) => keys.push(i),
            None => {
                let hint = crate::diagnostics::closest(name, work.columns.iter().map(String::as_str))
                    .map(|c| format!("did you mean `{c}`?"));
                return Err(fail(
                    *pos,
                    ExprError { at: 0, message: format!("unknown field `{name}`"), hint },
                ));
            }
        }
    }
    let aggregates = recipe
        .aggregate
        .iter()
        .map(|(name, text, pos)| parse_aggregate(name, text, &work.columns).map_err(|e| fail(*pos, e)))
        .collect::<Result<Vec<_>, _>>()?;
    // Groups in order of first appearance; rows with a missing key are left out.
    let mut order: Vec<Vec<Value>> = Vec::new();
    let mut members: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    let mut left_out = 0;
    for (r, row) in work.rows.iter().enumerate() {
        let key: Vec<Value> = keys.iter().map(|&k| row[k].clone()).collect();
        if key.iter().any(Value::is_null) {
            left_out += 1;
            continue;
        }
        let text: Vec<String> = key.iter().map(Value::raw_text).collect();
        members
            .entry(text)
            .or_insert_with(|| {
                order.push(key.clone());
                Vec::new()
            })
            .push(r);
    }
    if left_out > 0 {
        let fields: Vec<&str> = recipe.group_by.iter().map(|(n, _)| n.as_str()).collect();
        let pos = recipe.group_by.first().map(|(_, p)| *p);
        let why = if fields.contains(&"tier") { " (accounts below the lowest tier have none)" } else { "" };
        warnings.push(Diagnostic::warning(
            file,
            pos,
            format!(
                "{left_out} row{} with no `{}` left out of the groups{why}",
                if left_out == 1 { "" } else { "s" },
                fields.join("`, `")
            ),
        ));
    }
    let mut columns: Vec<String> = recipe.group_by.iter().map(|(n, _)| n.clone()).collect();
    columns.extend(aggregates.iter().map(|a| a.name.clone()));
    let mut rows = Vec::with_capacity(order.len());
    let mut origins = Vec::with_capacity(order.len());
    for key in order {
        let text: Vec<String> = key.iter().map(Value::raw_text).collect();
        let idx = &members[&text];
        let mut row = key;
        for (a, (_, _, pos)) in aggregates.iter().zip(&recipe.aggregate) {
            let origin = format!("the group {}", text.join(", "));
            row.push(aggregate(a, idx, &work.rows).map_err(|e| fail(*pos, in_row(e, &origin)))?);
        }
        origins.push(text.join(", "));
        rows.push(row);
    }
    if keys.is_empty() && rows.is_empty() {
        let mut row = Vec::new();
        for (a, (_, _, pos)) in aggregates.iter().zip(&recipe.aggregate) {
            row.push(aggregate(a, &[], &work.rows).map_err(|e| fail(*pos, e))?);
        }
        rows.push(row);
        origins.push(String::new());
    }
    Ok(Work { columns, rows, origins })
}

/// One aggregate over the rows `idx`; missing values are skipped.
fn aggregate(a: &Aggregate, idx: &[usize], rows: &[Vec<Value>]) -> Result<Value, ExprError> {
    if a.func == "count" {
        return Ok(Value::Number(idx.len() as f64));
    }
    let arg = a.arg.as_ref().expect("checked when parsed");
    let values: Vec<Value> = idx.iter().map(|&r| arg.eval(&rows[r])).collect::<Result<_, _>>()?;
    if a.func == "share" {
        let known: Vec<bool> = values
            .iter()
            .filter_map(|v| match v {
                Value::Bool(b) => Some(Ok(*b)),
                Value::Null => None,
                other => Some(Err(ExprError {
                    at: 0,
                    message: format!("`share` needs a condition, found {}", other.raw_text()),
                    hint: None,
                })),
            })
            .collect::<Result<_, _>>()?;
        let hits = known.iter().filter(|b| **b).count();
        return Ok(if known.is_empty() {
            Value::Null
        } else {
            Value::Number(hits as f64 / known.len() as f64 * 100.0)
        });
    }
    let numbers: Vec<f64> = values
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| {
            v.as_f64().ok_or_else(|| ExprError {
                at: 0,
                message: format!("`{}` needs numbers, found `{}`", a.func, v.raw_text()),
                hint: None,
            })
        })
        .collect::<Result<_, _>>()?;
    let result = match a.func.as_str() {
        "sum" => Some(numbers.iter().sum()),
        "mean" => stats::mean(&numbers),
        "median" => stats::median(&numbers),
        "min" => numbers.iter().copied().reduce(f64::min),
        "max" => numbers.iter().copied().reduce(f64::max),
        "stddev" => stats::stddev(&numbers),
        _ => stats::quantile(&numbers, a.p),
    };
    Ok(result.map_or(Value::Null, Value::Number))
}

/// `sort: field` ascending, `sort: -field` descending; `tier` sorts in
/// threshold order, not alphabetically.
fn sort(work: &mut Work, key: &str, tiers: &[Tier]) -> Result<(), ExprError> {
    let (name, descending) = match key.strip_prefix('-') {
        Some(n) => (n.trim(), true),
        None => (key.trim(), false),
    };
    let Some(col) = work.columns.iter().position(|c| c == name) else {
        let hint = crate::diagnostics::closest(name, work.columns.iter().map(String::as_str))
            .map(|c| format!("did you mean `{c}`?"));
        return Err(ExprError { at: 0, message: format!("cannot sort by `{name}`: no such field"), hint });
    };
    let rank = |v: &Value| -> (usize, Option<f64>, String) {
        let tier =
            (name == "tier").then(|| tiers.iter().position(|t| Value::Text(t.name.clone()) == *v)).flatten();
        (tier.unwrap_or(usize::MAX), v.as_f64(), v.raw_text())
    };
    let mut paired: Vec<(Vec<Value>, String)> =
        std::mem::take(&mut work.rows).into_iter().zip(std::mem::take(&mut work.origins)).collect();
    paired.sort_by(|a, b| {
        let (ra, rb) = (rank(&a.0[col]), rank(&b.0[col]));
        let ord = ra.0.cmp(&rb.0).then_with(|| match (ra.1, rb.1) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => ra.2.cmp(&rb.2),
        });
        if descending { ord.reverse() } else { ord }
    });
    (work.rows, work.origins) = paired.into_iter().unzip();
    Ok(())
}
