//! Derived datasets: a dataset computed from another one by `filter`,
//! `derive` (new columns), `group_by` with `aggregate`, `sort` and `limit`.
//!
//! Every step works on whole columns of typed values. Errors name the
//! derived dataset's file and the line of the step, and, for an error in a
//! row, which row of the source it was.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use super::column::{Builder, Column};
use super::yaml_source::Recipe;
use super::{Dataset, Value};
use crate::config::Tier;
use crate::diagnostics::{Diagnostic, Pos};
use crate::expr::{self, Cells, Expr, ExprError};
use crate::format::MAX_DECIMALS;
use crate::stats;

/// Aggregate functions and what they take.
const AGGREGATES: &[&str] = &["count", "sum", "mean", "median", "min", "max", "stddev", "quantile", "share"];

/// A table being derived. The source's columns are borrowed, never
/// copied; steps add columns and narrow or reorder `rows`.
struct Work<'a> {
    names: Vec<String>,
    columns: Vec<Cow<'a, Column>>,
    /// How many cells each column has.
    len: usize,
    /// Rows per piece when a step runs on all cores.
    piece: usize,
    /// The rows still in, as indexes into the columns, in output order.
    rows: Vec<usize>,
    /// Names a row in errors: a source row, or after grouping a group.
    origin: Box<dyn Fn(usize) -> String + Sync + 'a>,
}

/// One row of a [`Work`] table, for expressions.
struct At<'w, 'a>(&'w [Cow<'a, Column>], usize);

impl Cells for At<'_, '_> {
    fn cell(&self, index: usize) -> Value {
        self.0.get(index).map_or(Value::Null, |c| c.get(self.1))
    }
}

/// What a recipe computes: column names and columns, not yet typed.
pub struct Derived {
    pub names: Vec<String>,
    pub columns: Vec<Column>,
    pub len: usize,
}

/// A derived dataset's columns and warnings, or its errors.
pub type Applied = Result<(Derived, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Computes the columns of a derived dataset; the caller types them.
pub fn apply(file: &Path, recipe: &Recipe, source: &Dataset, tiers: &[Tier]) -> Applied {
    apply_in_pieces(file, recipe, source, tiers, PIECE)
}

/// [`apply`], with `piece` rows per piece of parallel work.
fn apply_in_pieces(file: &Path, recipe: &Recipe, source: &Dataset, tiers: &[Tier], piece: usize) -> Applied {
    let mut warnings = Vec::new();
    let mut work = start(source, tiers, piece);
    let fail = |pos: Pos, e: ExprError| vec![expr_diagnostic(file, pos, e)];
    if let Some((text, pos)) = &recipe.filter {
        let e = compile(text, &work.names).map_err(|e| fail(*pos, e))?;
        filter(&mut work, &e).map_err(|e| fail(*pos, e))?;
    }
    for (name, text, pos) in &recipe.derive {
        let e = compile(text, &work.names).map_err(|e| fail(*pos, e))?;
        let column = derive_column(&work, &e).map_err(|e| fail(*pos, e))?;
        work.names.push(name.clone());
        work.columns.push(Cow::Owned(column));
    }
    if !recipe.aggregate.is_empty() || !recipe.group_by.is_empty() {
        work = group(file, recipe, (work, tiers), &mut warnings)?;
    }
    if let Some((key, pos)) = &recipe.sort {
        sort(&mut work, key, tiers).map_err(|e| fail(*pos, e))?;
    }
    if let Some(limit) = recipe.limit {
        work.rows.truncate(limit);
    }
    let columns = work.columns.iter().map(|c| c.select(&work.rows)).collect();
    Ok((Derived { names: work.names, columns, len: work.rows.len() }, warnings))
}

/// The source's columns and rows, plus `tier` from `followers`.
fn start<'a>(source: &'a Dataset, tiers: &[Tier], piece: usize) -> Work<'a> {
    let mut names: Vec<String> = source.fields.iter().map(|f| f.name.clone()).collect();
    let mut columns: Vec<Cow<Column>> = source.columns.iter().map(Cow::Borrowed).collect();
    if let (Some(f), None) = (source.field_index("followers"), source.field_index("tier")) {
        let followers = &source.columns[f];
        let tier = (0..source.len).map(|r| followers.number(r).and_then(|n| tier_of(tiers, n))).collect();
        names.push("tier".into());
        columns.push(Cow::Owned(Column::Texts(tier)));
    }
    let key = source
        .field_index("id")
        .or_else(|| source.fields.iter().position(|f| f.ty == super::FieldType::Text));
    let origin = move |r: usize| match key.map(|k| source.columns[k].text(r)).filter(|k| !k.is_empty()) {
        Some(k) => format!("row {} of `{}` ({k})", r + 1, source.id),
        None => format!("row {} of `{}`", r + 1, source.id),
    };
    Work { names, columns, len: source.len, piece, rows: (0..source.len).collect(), origin: Box::new(origin) }
}

/// Rows per piece when a step runs on all cores. Pieces come back in
/// order, so results and the first error do not depend on scheduling.
const PIECE: usize = 1 << 16;

/// Keeps the rows where `e` holds; a missing value counts as false.
fn filter(work: &mut Work, e: &Expr) -> Result<(), ExprError> {
    let keep = |rows: &[usize]| -> Result<Vec<usize>, ExprError> {
        let mut kept = Vec::with_capacity(rows.len());
        for &r in rows {
            match e.eval(&At(&work.columns, r)) {
                Ok(Value::Bool(true)) => kept.push(r),
                Ok(Value::Bool(false) | Value::Null) => {}
                Ok(other) => {
                    let message = format!(
                        "`filter` must be true or false, but gives {} for {}",
                        other.raw_text(),
                        (work.origin)(r)
                    );
                    return Err(ExprError { at: 0, message, hint: None });
                }
                Err(err) => return Err(in_row(err, &(work.origin)(r))),
            }
        }
        Ok(kept)
    };
    let pieces: Vec<_> = work.rows.par_chunks(work.piece).map(keep).collect();
    let mut kept = Vec::with_capacity(work.rows.len());
    for piece in pieces {
        kept.extend(piece?);
    }
    work.rows = kept;
    Ok(())
}

/// A new column holding `e` for the rows still in; rows left out by a
/// filter hold nothing.
fn derive_column(work: &Work, e: &Expr) -> Result<Column, ExprError> {
    let piece = |start: usize| -> Result<Builder, ExprError> {
        let end = (start + work.piece).min(work.len);
        let mut b = Builder::default();
        let from = work.rows.partition_point(|&r| r < start);
        let mut next = work.rows[from..].iter().peekable();
        for r in start..end {
            if next.next_if_eq(&&r).is_some() {
                b.push(e.eval(&At(&work.columns, r)).map_err(|err| in_row(err, &(work.origin)(r)))?);
            } else {
                b.push(Value::Null);
            }
        }
        Ok(b)
    };
    let starts: Vec<usize> = (0..work.len).step_by(work.piece).collect();
    let pieces: Vec<Result<Builder, ExprError>> = starts.into_par_iter().map(piece).collect();
    let pieces: Vec<Builder> = pieces.into_iter().collect::<Result<_, _>>()?;
    let mut all = Builder::default();
    for b in pieces {
        if !all.append(b) {
            // Pieces of different kinds: one pass, which keeps every value as text.
            let mut next = work.rows.iter().peekable();
            return Ok(Column::from_values((0..work.len).map(|r| match next.next_if_eq(&&r) {
                Some(_) => e.eval(&At(&work.columns, r)).unwrap_or(Value::Null),
                None => Value::Null,
            })));
        }
    }
    Ok(all.finish())
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

/// One aggregate: its function, its argument and, for `quantile`, `p`;
/// the decimals when it is wrapped in `round(…, d)`.
struct Aggregate {
    name: String,
    func: String,
    arg: Option<Expr>,
    p: f64,
    round: Option<usize>,
}

fn parse_aggregate(name: &str, text: &str, columns: &[String]) -> Result<Aggregate, ExprError> {
    match expr::parse(text)? {
        Expr::Call { name: func, at, args } if func == "round" => {
            let mut args = args.into_iter();
            let (inner, decimals) = (args.next(), args.next());
            let decimals = match decimals {
                Some(Expr::Number(d)) if d.fract() == 0.0 && (0.0..=MAX_DECIMALS as f64).contains(&d) => {
                    d as usize
                }
                _ => {
                    return Err(ExprError {
                        at,
                        message: format!("`round` takes an aggregate and decimals from 0 to {MAX_DECIMALS}"),
                        hint: Some("write `round(median(engagement_rate), 2)`".into()),
                    });
                }
            };
            let inner = inner.ok_or_else(|| ExprError {
                at,
                message: "`round` needs an aggregate".into(),
                hint: None,
            })?;
            let a = aggregate_call(name, inner, columns)?;
            Ok(Aggregate { round: Some(decimals), ..a })
        }
        e => aggregate_call(name, e, columns),
    }
}

fn aggregate_call(name: &str, e: Expr, columns: &[String]) -> Result<Aggregate, ExprError> {
    let Expr::Call { name: func, at, args } = e else {
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
    Ok(Aggregate { name: name.to_string(), func, arg, p, round: None })
}

fn group<'a>(
    file: &Path,
    recipe: &Recipe,
    (work, tiers): (Work<'a>, &[Tier]),
    warnings: &mut Vec<Diagnostic>,
) -> Result<Work<'a>, Vec<Diagnostic>> {
    let fail = |pos: Pos, e: ExprError| vec![expr_diagnostic(file, pos, e)];
    let mut keys = Vec::new();
    for (name, pos) in &recipe.group_by {
        match work.names.iter().position(|c| c == name) {
            Some(i) => keys.push(i),
            None => {
                let hint = crate::diagnostics::closest(name, work.names.iter().map(String::as_str))
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
        .map(|(name, text, pos)| parse_aggregate(name, text, &work.names).map_err(|e| fail(*pos, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let (members, left_out) = partition(&work, &keys);
    if left_out > 0 {
        warnings.push(left_out_warning(file, recipe, left_out, tiers.first()));
    }
    let mut names: Vec<String> = recipe.group_by.iter().map(|(n, _)| n.clone()).collect();
    names.extend(aggregates.iter().map(|a| a.name.clone()));
    let group_name = |g: &[usize]| {
        let key: Vec<Cow<str>> = keys.iter().map(|&k| work.columns[k].text(g[0])).collect();
        format!("the group {}", key.join(", "))
    };
    // Without `group_by`, the whole table is one group, even when empty.
    let groups = if keys.is_empty() { vec![members.into_iter().flatten().collect()] } else { members };
    let mut columns: Vec<Column> =
        keys.iter().map(|&k| Column::from_values(groups.iter().map(|g| work.columns[k].get(g[0])))).collect();
    if !keys.is_empty() && !names.iter().any(|n| n == "id") {
        names.insert(0, "id".into());
        columns.insert(0, Column::from_values(group_ids(&work, &keys, &groups).into_iter().map(Value::Text)));
    }
    // Groups are computed on all cores; each one's aggregates share the
    // values of a common argument (median and quartiles sort them once).
    let results: Vec<Result<Vec<Value>, Vec<Diagnostic>>> = groups
        .par_iter()
        .map(|g| {
            let mut memo = Memo::default();
            let mut row = Vec::with_capacity(aggregates.len());
            for (a, (_, _, pos)) in aggregates.iter().zip(&recipe.aggregate) {
                row.push(aggregate(a, g, &work.columns, &mut memo).map_err(|e| match keys.is_empty() {
                    true => fail(*pos, e),
                    false => fail(*pos, in_row(e, &group_name(g))),
                })?);
            }
            Ok(row)
        })
        .collect();
    let mut builders: Vec<Builder> = aggregates.iter().map(|_| Builder::default()).collect();
    for row in results {
        for (b, value) in builders.iter_mut().zip(row?) {
            b.push(value);
        }
    }
    columns.extend(builders.into_iter().map(Builder::finish));
    let len = groups.len();
    Ok(Work {
        names,
        columns: columns.into_iter().map(Cow::Owned).collect(),
        len,
        piece: work.piece,
        rows: (0..len).collect(),
        // No step after grouping evaluates rows; this only keeps errors readable.
        origin: Box::new(|g| format!("group {}", g + 1)),
    })
}

/// Each group's row id, so prose, key figures and highlights can name it:
/// its key values as URL words, joined by `/` (`micro`,
/// `micro/instagram`). Two groups whose keys read the same that way
/// (`TikTok` and `tiktok`) get `-2`, `-3` after the later ones.
fn group_ids(work: &Work, keys: &[usize], groups: &[Vec<usize>]) -> Vec<String> {
    let mut seen = std::collections::HashMap::new();
    groups
        .iter()
        .map(|g| {
            let words: Vec<String> =
                keys.iter().map(|&k| crate::markdown::slugify(&work.columns[k].text(g[0]))).collect();
            let id = words.join("/");
            let n: &mut usize = seen.entry(id.clone()).or_default();
            *n += 1;
            if *n == 1 { id } else { format!("{id}-{n}") }
        })
        .collect()
}

/// The rows of each group, groups in order of first appearance; rows with
/// a missing key are left out and counted.
fn partition(work: &Work, keys: &[usize]) -> (Vec<Vec<usize>>, usize) {
    let pieces: Vec<_> =
        work.rows.par_chunks(work.piece).map(|rows| partition_piece(work, keys, rows)).collect();
    // A group new in a piece first appears after every group of the pieces
    // before it, so joining pieces in order keeps first-appearance order.
    let mut index: HashMap<Vec<String>, usize> = HashMap::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut left_out = 0;
    for (groups, left) in pieces {
        left_out += left;
        for (key, rows) in groups {
            match index.get(&key) {
                Some(&g) => members[g].extend(rows),
                None => {
                    index.insert(key, members.len());
                    members.push(rows);
                }
            }
        }
    }
    (members, left_out)
}

/// The groups of some rows, each with its key, and how many rows had none.
/// A group's key values and its rows.
type Group = (Vec<String>, Vec<usize>);

fn partition_piece(work: &Work, keys: &[usize], rows: &[usize]) -> (Vec<Group>, usize) {
    // Each key value gets a small code, so a row's key is a few integers
    // and only a new group allocates.
    let mut dictionaries: Vec<HashMap<Cow<str>, u32>> = vec![HashMap::new(); keys.len()];
    let mut index: HashMap<Box<[u32]>, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut code = vec![0u32; keys.len()];
    let mut left_out = 0;
    'rows: for &r in rows {
        for (slot, (&k, dict)) in keys.iter().zip(&mut dictionaries).enumerate() {
            let column = &work.columns[k];
            if column.is_null(r) {
                left_out += 1;
                continue 'rows;
            }
            let next = dict.len() as u32;
            code[slot] = *dict.entry(column.text(r)).or_insert(next);
        }
        let g = match index.get(code.as_slice()) {
            Some(&g) => g,
            None => {
                index.insert(code.clone().into_boxed_slice(), groups.len());
                let key = keys.iter().map(|&k| work.columns[k].text(r).into_owned()).collect();
                groups.push((key, Vec::new()));
                groups.len() - 1
            }
        };
        groups[g].1.push(r);
    }
    (groups, left_out)
}

/// Rows whose group key is missing, left out: for `tier`, accounts below
/// the `lowest` tier, with the two ways to say what the author means.
fn left_out_warning(file: &Path, recipe: &Recipe, left_out: usize, lowest: Option<&Tier>) -> Diagnostic {
    let fields: Vec<&str> = recipe.group_by.iter().map(|(n, _)| n.as_str()).collect();
    let pos = recipe.group_by.first().map(|(_, p)| *p);
    let by_tier = fields.contains(&"tier");
    let why = if by_tier { " (accounts below the lowest tier have none)" } else { "" };
    let hint = match lowest.filter(|_| by_tier) {
        Some(t) => format!(
            "to leave them out on purpose, add `filter: followers >= {}`; to count them, lower `tiers: {{ {}: … }}` in report.yaml",
            t.min_followers, t.name
        ),
        None => "fill in the missing cells, or leave those rows out on purpose with a `filter:`".to_string(),
    };
    let warning = Diagnostic::warning(
        file,
        pos,
        format!(
            "{left_out} row{} with no `{}` left out of the groups{why}",
            if left_out == 1 { "" } else { "s" },
            fields.join("`, `")
        ),
    );
    warning.with_hint(hint)
}

/// The numbers of each aggregate argument over one group, in row order,
/// and sorted once a quantile needs them.
#[derive(Default)]
struct Memo<'e> {
    samples: Vec<Sample<'e>>,
}

/// An argument, its numbers in row order, and the same sorted.
type Sample<'e> = (&'e Expr, Vec<f64>, Option<Vec<f64>>);

/// One aggregate over the rows `rows`; missing values are skipped.
fn aggregate<'e>(
    a: &'e Aggregate,
    rows: &[usize],
    columns: &[Cow<Column>],
    memo: &mut Memo<'e>,
) -> Result<Value, ExprError> {
    let value = computed(a, rows, columns, memo)?;
    Ok(match (value, a.round) {
        (Value::Number(n), Some(d)) => Value::Number(crate::format::round(n, d)),
        (v, _) => v,
    })
}

/// The aggregate's value before any `round`.
fn computed<'e>(
    a: &'e Aggregate,
    rows: &[usize],
    columns: &[Cow<Column>],
    memo: &mut Memo<'e>,
) -> Result<Value, ExprError> {
    if a.func == "count" {
        return Ok(Value::Number(rows.len() as f64));
    }
    let arg = a.arg.as_ref().expect("checked when parsed");
    if a.func == "share" {
        return share(arg, rows, columns);
    }
    let i = match memo.samples.iter().position(|(e, ..)| *e == arg) {
        Some(i) => i,
        None => {
            memo.samples.push((arg, numbers(a, arg, rows, columns)?, None));
            memo.samples.len() - 1
        }
    };
    let (_, numbers, sorted) = &mut memo.samples[i];
    let mut quantile = |p: f64| {
        let sorted = sorted.get_or_insert_with(|| {
            let mut s = numbers.clone();
            s.sort_unstable_by(f64::total_cmp);
            s
        });
        stats::quantile_sorted(sorted, p)
    };
    let result = match a.func.as_str() {
        "sum" => Some(numbers.iter().sum()),
        "mean" => stats::mean(numbers),
        "min" => numbers.iter().copied().reduce(f64::min),
        "max" => numbers.iter().copied().reduce(f64::max),
        "stddev" => stats::stddev(numbers),
        "median" => quantile(0.5),
        _ => quantile(a.p),
    };
    match result {
        Some(n) if !n.is_finite() => Err(ExprError {
            at: 0,
            message: format!("`{}` gives a number too large to hold", a.func),
            hint: Some("scale the values down first (thousands, millions) in a `derive` line".into()),
        }),
        _ => Ok(result.map_or(Value::Null, Value::Number)),
    }
}

/// The values of `arg` over `rows` that are not missing, all numbers.
fn numbers(
    a: &Aggregate,
    arg: &Expr,
    rows: &[usize],
    columns: &[Cow<Column>],
) -> Result<Vec<f64>, ExprError> {
    let mut numbers = Vec::with_capacity(rows.len());
    for &r in rows {
        match arg.eval(&At(columns, r))? {
            Value::Number(n) => numbers.push(n),
            Value::Null => {}
            other => {
                return Err(ExprError {
                    at: 0,
                    message: format!("`{}` needs numbers, found `{}`", a.func, other.raw_text()),
                    hint: None,
                });
            }
        }
    }
    Ok(numbers)
}

/// The percent of `rows` where the condition `arg` holds, among those where
/// it is known.
fn share(arg: &Expr, rows: &[usize], columns: &[Cow<Column>]) -> Result<Value, ExprError> {
    let (mut hits, mut known) = (0usize, 0usize);
    for &r in rows {
        match arg.eval(&At(columns, r))? {
            Value::Bool(b) => {
                known += 1;
                hits += usize::from(b);
            }
            Value::Null => {}
            other => {
                return Err(ExprError {
                    at: 0,
                    message: format!("`share` needs a condition, found {}", other.raw_text()),
                    hint: None,
                });
            }
        }
    }
    Ok(if known == 0 { Value::Null } else { Value::Number(hits as f64 / known as f64 * 100.0) })
}

/// `sort: field` ascending, `sort: -field` descending; `tier` sorts in
/// threshold order, not alphabetically.
fn sort(work: &mut Work, key: &str, tiers: &[Tier]) -> Result<(), ExprError> {
    let (name, descending) = match key.strip_prefix('-') {
        Some(n) => (n.trim(), true),
        None => (key.trim(), false),
    };
    let Some(col) = work.names.iter().position(|c| c == name) else {
        let hint = crate::diagnostics::closest(name, work.names.iter().map(String::as_str))
            .map(|c| format!("did you mean `{c}`?"));
        return Err(ExprError { at: 0, message: format!("cannot sort by `{name}`: no such field"), hint });
    };
    let column = &work.columns[col];
    let tier_rank = |r: usize| {
        let text = column.text(r);
        (name == "tier").then(|| tiers.iter().position(|t| t.name == text)).flatten().unwrap_or(usize::MAX)
    };
    let mut keyed: Vec<_> =
        work.rows.iter().map(|&r| (tier_rank(r), column.number(r), column.text(r), r)).collect();
    keyed.sort_by(|a, b| {
        let ord = a.0.cmp(&b.0).then_with(|| match (a.1, b.1) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a.2.cmp(&b.2),
        });
        if descending { ord.reverse() } else { ord }
    });
    work.rows = keyed.into_iter().map(|k| k.3).collect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{csv_source, yaml_source};
    use super::*;
    use crate::config::default_tiers;

    /// 90 made-up accounts: followers from 200 to about 2 million, a
    /// missing cost now and then, two accounts with no followers.
    fn accounts() -> Dataset {
        let mut text = String::from("handle,platform,followers,likes,cost,sponsored\n");
        for i in 0..90u64 {
            let followers = if i % 45 == 44 { 0 } else { 200 + (i * i * i * 37) % 2_000_000 };
            let cost = if i % 7 == 3 { String::new() } else { (i * 13 % 500).to_string() };
            let platform = ["Instagram", "TikTok", "YouTube"][(i % 3) as usize];
            text.push_str(&format!("@a{i},{platform},{followers},{},{cost},{}\n", i * 31 % 900, i % 4 == 0));
        }
        let typed =
            csv_source::read(Path::new("data/accounts.csv"), &text, (Path::new("data/accounts.yaml"), &[]))
                .unwrap();
        Dataset {
            id: "accounts".into(),
            file: "data/accounts.csv".into(),
            meta: Default::default(),
            fields: typed.fields,
            columns: typed.columns,
            len: typed.len,
            from: None,
        }
    }

    fn recipe(yaml: &str) -> Recipe {
        yaml_source::parse(Path::new("data/d.yaml"), yaml).unwrap().recipe.unwrap()
    }

    /// The recipe computed in pieces of 4 rows and in one piece.
    fn both(yaml: &str) -> [Applied; 2] {
        let (source, recipe) = (accounts(), recipe(yaml));
        let file = Path::new("data/d.yaml");
        [4, usize::MAX].map(|piece| apply_in_pieces(file, &recipe, &source, &default_tiers(), piece))
    }

    #[test]
    fn pieces_compute_exactly_what_one_piece_computes() {
        let [small, whole] = both(
            "from: accounts\nfilter: followers >= 500\nderive:\n  er: likes / followers * 100\n  big: followers > 100000\ngroup_by: [tier, platform]\naggregate:\n  n: count()\n  median: median(er)\n  q1: quantile(er, 0.25)\n  cost: mean(cost)\n  big: share(big)\nsort: tier\n",
        );
        let ((a, wa), (b, wb)) = (small.unwrap(), whole.unwrap());
        assert_eq!((&a.names, &a.columns, a.len), (&b.names, &b.columns, b.len));
        assert_eq!(wa, wb);
        assert!(a.len > 6, "several groups: {}", a.len);
        assert_eq!(&a.names[..4], ["id", "tier", "platform", "n"], "a row id from the group's key first");
        assert!((0..a.len).all(|g| a.columns[0].text(g)
            == format!("{}/{}", a.columns[1].text(g), a.columns[2].text(g).to_lowercase())));
        let counted: f64 = (0..a.len).filter_map(|g| a.columns[3].number(g)).sum();
        let kept = (0..90u64).filter(|i| i % 45 != 44 && 200 + (i * i * i * 37) % 2_000_000 >= 1000).count();
        assert_eq!(counted as usize, kept, "every row at or above the lowest tier is in one group");
    }

    #[test]
    fn round_wraps_an_aggregate_and_rounds_as_printed() {
        let [rounded, _] = both("from: accounts\naggregate:\n  m: round(mean(cost), 2)\n  raw: mean(cost)\n");
        let (d, _) = rounded.unwrap();
        // The mean of the costs computed here, independently of `stats`.
        let costs: Vec<f64> = (0..90u64).filter(|i| i % 7 != 3).map(|i| (i * 13 % 500) as f64).collect();
        let mean = costs.iter().sum::<f64>() / costs.len() as f64;
        assert_eq!(d.columns[1].number(0), Some(mean));
        assert_eq!(d.columns[0].number(0), Some((mean * 100.0).round() / 100.0));
        for bad in ["round(mean(cost), 11)", "round(mean(cost))", "round(mean(cost), 1.5)"] {
            let yaml = format!("from: accounts\naggregate:\n  m: {bad}\n");
            let [result, _] = both(&yaml);
            assert!(result.is_err(), "{bad}");
        }
    }

    #[test]
    fn without_grouping_pieces_keep_row_order() {
        let [small, whole] = both("from: accounts\nfilter: cost > 100\nderive:\n  per: cost / (likes + 1)\n");
        let ((a, _), (b, _)) = (small.unwrap(), whole.unwrap());
        assert_eq!((&a.names, &a.columns, a.len), (&b.names, &b.columns, b.len));
        assert!(a.len > 20);
    }

    #[test]
    fn empty_selections_give_counts_of_zero_and_missing_values_not_nan() {
        let aggregate =
            "aggregate:\n  n: count()\n  m: mean(cost)\n  q: quantile(cost, 0.5)\n  s: share(sponsored)\n";
        let [small, whole] = both(&format!("from: accounts\nfilter: followers < 0\n{aggregate}"));
        let ((a, _), (b, _)) = (small.unwrap(), whole.unwrap());
        assert_eq!((&a.columns, a.len), (&b.columns, b.len));
        assert_eq!(a.len, 1, "one summary row, even over no rows");
        let row: Vec<Value> = a.columns.iter().map(|c| c.get(0)).collect();
        assert_eq!(row, [Value::Number(0.0), Value::Null, Value::Null, Value::Null]);
        let [grouped, _] =
            both(&format!("from: accounts\nfilter: followers < 0\ngroup_by: [platform]\n{aggregate}"));
        assert_eq!(grouped.unwrap().0.len, 0, "no rows, no groups");
    }

    #[test]
    fn the_first_failing_row_is_named_whatever_the_pieces() {
        let [small, whole] = both("from: accounts\nderive:\n  er: likes / followers\n");
        let (a, b) = (small.err().unwrap(), whole.err().unwrap());
        assert_eq!(a, b);
        assert!(a[0].message.contains("row 45 of `accounts` (@a44)"), "{}", a[0].message);
    }
}
