//! Values in prose: `{{ ... }}` and `{% ... %}` in a page, evaluated by Tera
//! with every dataset in scope, outside code spans and code blocks.
//!
//! Code is set aside before Tera sees the text and put back after, so
//! examples of the syntax in a report stay literal. Each set-aside piece
//! keeps its line breaks, which keeps Tera's line numbers equal to the
//! file's.
//!
//! A value is text, whatever it holds: `[x](javascript:…)` or `# of posts`
//! in a dataset must not become a link or a heading. So the prose engine
//! writes a marker where each value goes and keeps the values aside; the
//! Markdown renderer puts them back as text once the page's structure is
//! parsed ([`fill`]).
//!
//! Prose runs on a budget: a page may output [`MAX_VALUES`] values and
//! draw [`MAX_RANGE`] numbers from `range()` in all, so nested loops end
//! with an error instead of hanging the build.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use indexmap::IndexMap;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use tera::{Context, Kwargs, State, Tera};

use crate::datasets::{Dataset, Field, FieldType, Value};
use crate::diagnostics::{Diagnostic, Pos};
use crate::format::{MAX_DECIMALS, NumberFormat, NumberStyle};
use crate::stats::margin_of_error;

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';
const VALUE_OPEN: char = '\u{E002}';
const VALUE_CLOSE: char = '\u{E003}';

/// Values one page's prose may output.
pub const MAX_VALUES: usize = 100_000;
/// Bytes those values may add up to.
pub const MAX_VALUE_BYTES: usize = 16 << 20;
/// Numbers `range()` may produce on one page, over all its calls.
pub const MAX_RANGE: usize = 100_000;

thread_local! {
    /// The values of the page being evaluated on this thread.
    static VALUES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static VALUE_BYTES: Cell<usize> = const { Cell::new(0) };
    static RANGE_LEFT: Cell<usize> = const { Cell::new(MAX_RANGE) };
    /// Why the budget ran out, which Tera does not pass on.
    static OVER_BUDGET: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Stops evaluation: the page went over its budget.
fn over_budget(why: String) -> io::Error {
    OVER_BUDGET.set(Some(why.clone()));
    io::Error::other(why)
}

/// The Tera that evaluates prose: the report's filters; `{#` left literal
/// (SPEC 3.1 reserves only `{{ }}` and `{% %}`, and `## Notes {#notes}` is
/// Markdown's heading id); every value collected, never written into the
/// Markdown; `safe` without effect; `range` on the page's budget.
pub fn engine(fmt: Arc<NumberFormat>) -> Tera {
    let mut tera = Tera::new();
    // Comments would open with two control characters, which evaluation
    // turns into U+FFFD first: no page can open one.
    let delimiters = tera::Delimiters {
        comment_start: "\u{1}\u{2}".into(),
        comment_end: "\u{2}\u{1}".into(),
        ..Default::default()
    };
    if tera.set_delimiters(delimiters).is_err() {
        debug_assert!(false, "valid delimiters on a Tera without templates");
    }
    tera.set_escape_fn(collect_value);
    register_filters(&mut tera, fmt);
    tera.register_filter("safe", |x: String, _: Kwargs, _: &State| x);
    tera.register_function("range", budgeted_range);
    tera
}

/// A page body with its values evaluated: Markdown with a marker where
/// each value goes, and the values.
#[derive(Debug, Default)]
pub struct Evaluated {
    pub text: String,
    pub values: Vec<String>,
}

/// Tera's escape function for prose: keeps the value, writes its marker.
fn collect_value(input: &str, out: &mut dyn io::Write) -> io::Result<()> {
    VALUES.with_borrow_mut(|values| {
        if values.len() >= MAX_VALUES {
            return Err(over_budget(format!(
                "the page's prose outputs more than {MAX_VALUES} values (the limit that stops a runaway loop)"
            )));
        }
        // A value captured with `{% set %}` and output again holds markers.
        let text = crate::html::printable(&fill(input, values, |v| Cow::Borrowed(v))).into_owned();
        let bytes = VALUE_BYTES.get() + text.len();
        if bytes > MAX_VALUE_BYTES {
            return Err(over_budget(format!(
                "the page's prose outputs more than {} MB of values",
                MAX_VALUE_BYTES >> 20
            )));
        }
        VALUE_BYTES.set(bytes);
        write!(out, "{VALUE_OPEN}{}{VALUE_CLOSE}", values.len())?;
        values.push(text);
        Ok(())
    })
}

/// `text` with each value marker replaced by `put(value)`.
pub fn fill<'a>(text: &'a str, values: &[String], put: impl Fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    replace_markers(text, (VALUE_OPEN, VALUE_CLOSE), values, put)
}

/// `text` with each `open` index `close` marker replaced by `put` of the
/// piece at that index. The index may be followed by line breaks (code set
/// aside keeps its lines); a marker that names no piece loses its `open`.
fn replace_markers<'a>(
    text: &'a str,
    (open, close): (char, char),
    pieces: &[String],
    put: impl Fn(&str) -> Cow<'_, str>,
) -> Cow<'a, str> {
    if !text.contains(open) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        let after = &rest[start + open.len_utf8()..];
        let index = |end: usize| after[..end].trim_end_matches('\n').parse::<usize>().ok();
        let piece = after.find(close).and_then(|end| Some((pieces.get(index(end)?)?, end)));
        match piece {
            Some((p, end)) => {
                out.push_str(&put(p));
                rest = &after[end + close.len_utf8()..];
            }
            None => rest = after,
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether `text` holds a value marker.
pub fn has_values(text: &str) -> bool {
    text.contains(VALUE_OPEN)
}

/// Tera's `range(end=, start=, step_by=)`, drawing on the page's budget.
fn budgeted_range(kwargs: Kwargs, _: &State) -> tera::TeraResult<Vec<i64>> {
    let start = kwargs.get::<i64>("start")?.unwrap_or(0);
    let end = kwargs.must_get::<i64>("end")?;
    let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
    if step == 0 {
        return Err(tera::Error::message("`range` was called with `step_by=0`"));
    }
    let span = if step > 0 { end.saturating_sub(start) } else { start.saturating_sub(end) };
    let len = if span <= 0 { 0 } else { (span.unsigned_abs() - 1) / step.unsigned_abs() + 1 };
    let left = RANGE_LEFT.get();
    if len > left as u64 {
        return Err(tera::Error::message(format!(
            "`range` would take this page past {MAX_RANGE} numbers in all (the limit that stops runaway loops)"
        )));
    }
    RANGE_LEFT.set(left - len as usize);
    Ok((0..len as i64).map(|k| start + k * step).collect())
}

/// Registers the report's filters (`number`, `percent`, `margin_of_error`,
/// `typo`) and the `proportion_test` function.
pub fn register_filters(tera: &mut Tera, fmt: Arc<NumberFormat>) {
    let french = fmt.language() == crate::config::Language::Fr;
    tera.register_filter("typo", move |x: String, _: Kwargs, _: &State| -> String {
        if french { crate::typography::french(&x).into_owned() } else { x }
    });
    let f = fmt.clone();
    tera.register_filter("number", move |x: f64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
        Ok(f.number(finite(x)?, decimals(&kwargs)?))
    });
    let lang = fmt.language();
    tera.register_filter("date", move |x: String, _: Kwargs, _: &State| -> tera::TeraResult<String> {
        crate::dates::Date::parse(&x).map(|d| d.label(lang)).ok_or_else(|| {
            tera::Error::message(format!("`{x}` is not a date (write 2024, 2024-03 or 2024-03-15)"))
        })
    });
    let f = fmt.clone();
    tera.register_filter("compact", move |x: f64, _: Kwargs, _: &State| -> tera::TeraResult<String> {
        Ok(f.compact(finite(x)?, &NumberStyle::default()))
    });
    let f = fmt;
    tera.register_filter("percent", move |x: f64, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
        Ok(f.percent(finite(x)?, decimals(&kwargs)?))
    });
    tera.register_filter("margin_of_error", |x: f64, kwargs: Kwargs, _: &State| -> tera::TeraResult<f64> {
        let n: f64 = kwargs.must_get("n")?;
        margin_of_error(x, n)
            .ok_or_else(|| tera::Error::message("margin_of_error needs a share from 0 to 100 and n above 0"))
    });
    // proportion_test(a=72, na=1252, b=65, nb=1252): z, p and whether the
    // difference between two shares is significant at the 5 % level.
    tera.register_function("proportion_test", |kwargs: Kwargs, _: &State| -> tera::TeraResult<tera::Value> {
        let get = |k: &str| kwargs.must_get::<f64>(k);
        let (a, na, b, nb) = (get("a")?, get("na")?, get("b")?, get("nb")?);
        let (z, p) = crate::stats::two_proportion_test(a, na, b, nb).ok_or_else(|| {
            tera::Error::message("proportion_test needs shares from 0 to 100 and samples above 0")
        })?;
        let mut m: IndexMap<&str, tera::Value> = IndexMap::new();
        m.insert("z", z.into());
        m.insert("p", p.into());
        m.insert("significant", (p < 0.05).into());
        Ok(tera::Value::from(m))
    });
}

fn decimals(kwargs: &Kwargs) -> tera::TeraResult<Option<usize>> {
    match kwargs.get::<i64>("decimals")? {
        Some(d) if !(0..=MAX_DECIMALS as i64).contains(&d) => {
            Err(tera::Error::message(format!("`decimals` must be from 0 to {MAX_DECIMALS}, not {d}")))
        }
        d => Ok(d.map(|d| d as usize)),
    }
}

/// A figure computed in prose that is infinite or not a number is an error,
/// never printed.
fn finite(x: f64) -> tera::TeraResult<f64> {
    if x.is_finite() { Ok(x) } else { Err(tera::Error::message("this value is not a finite number")) }
}

/// The `data` variable: every dataset by id, each with its metadata,
/// `rows`, and its rows by `id`.
pub fn data_value(datasets: &BTreeMap<String, Dataset>) -> tera::Value {
    let map: IndexMap<String, tera::Value> =
        datasets.iter().map(|(id, ds)| (id.clone(), dataset_value(ds))).collect();
    tera::Value::from(map)
}

/// Prose sees the rows of datasets up to this size. A raw export of a
/// million rows would cost its size many times over as template values, and
/// prose quotes aggregates of such data, which derived datasets compute.
pub const PROSE_ROWS: usize = 10_000;

fn dataset_value(ds: &Dataset) -> tera::Value {
    let mut m: IndexMap<String, tera::Value> = IndexMap::new();
    let rows: Vec<tera::Value> = if ds.len <= PROSE_ROWS {
        ds.rows().map(|r| row_value(ds, &r.values())).collect()
    } else {
        Vec::new()
    };
    if let (Some(col), false) = (ds.field_index("id"), rows.is_empty()) {
        for (row, value) in ds.rows().zip(&rows) {
            if let Value::Text(id) = row.get(col) {
                m.insert(id, value.clone());
            }
        }
    }
    m.insert("id".into(), ds.id.clone().into());
    m.insert("title".into(), ds.title().to_string().into());
    m.insert("description".into(), ds.meta.description.clone().into());
    m.insert("source".into(), ds.meta.source.clone().into());
    m.insert("source_url".into(), ds.meta.source_url.clone().into());
    m.insert("sample_size".into(), ds.meta.sample_size.into());
    m.insert("date".into(), ds.meta.date.clone().into());
    m.insert("row_count".into(), ds.len.into());
    if ds.len <= PROSE_ROWS {
        m.insert("rows".into(), rows.into());
    }
    tera::Value::from(m)
}

fn row_value(ds: &Dataset, row: &[Value]) -> tera::Value {
    let m: IndexMap<String, tera::Value> =
        ds.fields.iter().zip(row).map(|(f, v)| (f.name.clone(), cell_value(v, f))).collect();
    tera::Value::from(m)
}

/// A cell for prose. A number whose field declares `decimals` is rounded
/// to them, so prose quotes the figure the tables and charts show.
fn cell_value(v: &Value, field: &Field) -> tera::Value {
    let n = match (v, field.style.decimals) {
        (Value::Null, _) => return tera::Value::none(),
        (Value::Bool(b), _) => return (*b).into(),
        (Value::Text(t), _) => return t.clone().into(),
        // Rounded as tables print it: half away from zero on its decimal digits.
        (Value::Number(n), Some(d)) if field.ty.is_numeric() => crate::format::round(*n, d),
        (Value::Number(n), _) => *n,
    };
    // Whole numbers as integers so `{{ x }}` prints 72, not 72.0.
    let whole = field.ty != FieldType::Number || field.style.decimals == Some(0);
    if whole && n.fract() == 0.0 && n.abs() < 9e15 { (n as i64).into() } else { n.into() }
}

/// Evaluates the Tera expressions of a page body with the prose
/// [`engine`].
pub fn evaluate(
    tera: &Tera,
    ctx: &Context,
    file: &Path,
    body: &str,
    line_offset: usize,
) -> Result<Evaluated, Diagnostic> {
    // Our markers and control characters are not the author's to write.
    let reserved = |c: char| ('\u{E000}'..='\u{E003}').contains(&c);
    let body: Cow<str> =
        if body.chars().any(reserved) { body.replace(reserved, "\u{FFFD}").into() } else { body.into() };
    let body = crate::html::printable(&body).into_owned();
    if !body.contains("{{") && !body.contains("{%") {
        return Ok(Evaluated { text: body, values: Vec::new() });
    }
    let (protected, saved) = protect_code(&body);
    VALUES.with_borrow_mut(Vec::clear);
    VALUE_BYTES.set(0);
    RANGE_LEFT.set(MAX_RANGE);
    OVER_BUDGET.set(None);
    let rendered = tera.render_str(&protected, ctx, true);
    let values = VALUES.with_borrow_mut(std::mem::take);
    let rendered = rendered.map_err(|e| match OVER_BUDGET.take() {
        Some(why) => budget_diagnostic(why, &protected, file, line_offset),
        None => tera_diagnostic(&e, &protected, file, line_offset, ctx),
    })?;
    Ok(Evaluated { text: restore(&rendered, &saved), values })
}

/// The budget ran out: said at the page's first loop, the likely cause.
fn budget_diagnostic(why: String, body: &str, file: &Path, line_offset: usize) -> Diagnostic {
    let line = body.lines().position(|l| l.contains("{% for") || l.contains("{%- for"));
    let pos = line.map(|i| Pos::new(i + 1 + line_offset, 1));
    Diagnostic::error(file, pos, format!("in a value in prose: {why}"))
        .with_hint("loop over fewer rows, or show many rows with a `table` block")
}

/// Byte ranges of code spans and code blocks in Markdown.
pub fn code_ranges(markdown: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(markdown, crate::markdown::options()).into_offset_iter() {
        match event {
            Event::Code(_) | Event::InlineHtml(_) if block_start.is_none() => {
                if matches!(event, Event::Code(_)) {
                    ranges.push(range);
                }
            }
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                }
            }
            _ => {}
        }
    }
    ranges
}

fn protect_code(body: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(body.len());
    let mut saved = Vec::new();
    let mut last = 0;
    for r in code_ranges(body) {
        if r.start < last {
            continue;
        }
        out.push_str(&body[last..r.start]);
        let piece = &body[r.clone()];
        out.push(OPEN);
        out.push_str(&saved.len().to_string());
        out.extend(std::iter::repeat_n('\n', piece.matches('\n').count()));
        out.push(CLOSE);
        saved.push(piece.to_string());
        last = r.end;
    }
    out.push_str(&body[last..]);
    (out, saved)
}

fn restore(text: &str, saved: &[String]) -> String {
    replace_markers(text, (OPEN, CLOSE), saved, |p| Cow::Borrowed(p)).into_owned()
}

/// Turns a Tera error into a diagnostic at the page line, with a
/// suggestion when a name was mistyped.
fn tera_diagnostic(
    e: &tera::Error,
    body: &str,
    file: &Path,
    line_offset: usize,
    ctx: &Context,
) -> Diagnostic {
    let (message, pos) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let s = r.span();
            (r.message().to_string(), Some(Pos::new(s.start_line, s.start_col + 1)))
        }
        // Unknown filters and functions come as a report already rendered.
        _ => prerendered(&e.to_string()),
    };
    let line = pos.and_then(|p| body.lines().nth(p.line - 1)).unwrap_or("");
    let pos = pos.map(|p| p.shifted(line_offset));
    // Tera lists the names that exist; the list is noise once we suggest one.
    let (said, available) = match message.split_once(" Available fields: ") {
        Some((said, list)) => (said.to_string(), list.split(", ").map(str::to_string).collect()),
        None if message.starts_with("Unknown filter") => (message.clone(), names(FILTERS)),
        None if message.starts_with("Unknown function") => (message.clone(), names(FUNCTIONS)),
        None => (message.clone(), top_level_names(ctx)),
    };
    let diag = Diagnostic::error(file, pos, format!("in a value in prose: {said}"));
    let big = datasets_without_rows(ctx).into_iter().find(|id| line.contains(id.as_str()));
    if let (Some(id), true) = (big, line.contains("rows")) {
        return diag.with_hint(format!(
            "`{id}` has more than {PROSE_ROWS} rows: prose gets its `row_count`, not its rows; \
             quote figures from a derived dataset that aggregates them"
        ));
    }
    match first_quoted(&said) {
        Some(wrong) => diag.suggest(wrong, available.iter().map(String::as_str)),
        None => diag,
    }
}

/// Filters a page can use: ours, then Tera's own.
const FILTERS: &[&str] = &[
    "number",
    "percent",
    "compact",
    "date",
    "margin_of_error",
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "trim",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "int",
    "float",
    "str",
];

const FUNCTIONS: &[&str] = &["proportion_test", "range", "throw"];

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The message and position of an error Tera rendered as text:
/// `error: Unknown filter `x`` then `--> __tera_one_off:LINE:COL` (1-based).
fn prerendered(text: &str) -> (String, Option<Pos>) {
    let message = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or_else(|| text.lines().next().unwrap_or(text))
        .trim()
        .to_string();
    let pos = text.lines().find_map(|l| {
        let at = l.trim().strip_prefix("--> ")?;
        let mut parts = at.rsplitn(3, ':');
        let col: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        Some(Pos::new(line, col))
    });
    (message, pos)
}

/// The first name between backticks in a message.
/// The ids of the datasets too big for prose to see their rows.
fn datasets_without_rows(ctx: &Context) -> Vec<String> {
    let Some(data) = ctx.get("data").and_then(tera::Value::as_map) else {
        return Vec::new();
    };
    let has_rows =
        |ds: &tera::Value| ds.as_map().is_some_and(|m| m.keys().any(|k| k.as_str() == Some("rows")));
    data.iter()
        .filter(|(_, ds)| !has_rows(ds))
        .filter_map(|(id, _)| id.as_str().map(str::to_string))
        .collect()
}

fn first_quoted(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    Some(&message[start..end])
}

fn top_level_names(ctx: &Context) -> Vec<String> {
    ["data", "page", "report"].iter().filter(|n| ctx.contains_key(n)).map(|n| n.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;

    fn env(lang: Language) -> (Tera, Context) {
        let tera = engine(Arc::new(NumberFormat::new(lang)));
        let (datasets, diags) = crate::datasets::build_all(&[crate::datasets::DatasetSource {
            id: "relations".into(),
            yaml: Some((
                "data/relations.yaml".into(),
                "title: R\nsource: S\nsample_size: 1252\nrows:\n  - { id: no_feedback, share: 72 }\n  - { id: half, share: 50.5 }\n".into(),
            )),
            ..Default::default()
        }], &[]);
        assert!(diags.is_empty(), "{diags:?}");
        let mut ctx = Context::new();
        ctx.insert_value("data", data_value(&datasets));
        (tera, ctx)
    }

    /// The body with its values put back as they are.
    fn eval(lang: Language, body: &str) -> Result<String, Diagnostic> {
        let (tera, ctx) = env(lang);
        let e = evaluate(&tera, &ctx, Path::new("content/a.md"), body, 3)?;
        Ok(fill(&e.text, &e.values, |v| v.into()).into_owned())
    }

    #[test]
    fn values_are_kept_aside_from_the_markdown() {
        let (tera, ctx) = env(Language::En);
        let e = evaluate(&tera, &ctx, Path::new("content/a.md"), "# {{ \"[x](javascript:y)\" }} {{ 2 }}", 3)
            .unwrap();
        assert!(!e.text.contains("javascript") && e.text.ends_with(" 2"), "{}", e.text);
        assert_eq!(e.values, ["[x](javascript:y)"], "numbers are printed as they are");
        let e = evaluate(&tera, &ctx, Path::new("content/a.md"), "{{ \"<b>\" | safe }}", 3).unwrap();
        assert_eq!(e.values, ["<b>"], "`safe` does not make a value markup");
        let captured = "{% set x %}[{{ 1 }}]{% endset %}{{ x }}";
        assert_eq!(eval(Language::En, captured).unwrap(), "[1]", "values captured and output again");
    }

    #[test]
    fn decimals_and_non_finite_values_are_bounded() {
        assert!(
            eval(Language::En, "{{ 5 | percent(decimals=65536) }}")
                .unwrap_err()
                .message
                .contains("from 0 to 10")
        );
        assert!(eval(Language::En, "{{ 5 | number(decimals=-1) }}").is_err());
        assert_eq!(eval(Language::En, "{{ 0.5 | number(decimals=10) }}").unwrap(), "0.5000000000");
        let huge = format!("{{% set x = 10000000000.0 %}}{{{{ ({}) | number }}}}", vec!["x"; 40].join(" * "));
        let err = eval(Language::En, &huge).unwrap_err();
        assert!(err.message.contains("not a finite number"), "{err:?}");
    }

    #[test]
    fn comment_syntax_is_literal_text() {
        assert_eq!(eval(Language::En, "## Notes {#notes}\n\n{{ 1 }}").unwrap(), "## Notes {#notes}\n\n1");
    }

    #[test]
    fn runaway_loops_end_with_an_error_at_the_page() {
        let nested =
            "{% for a in range(end=100000) %}{% for b in range(end=100000) %}{% endfor %}{% endfor %}";
        let Err(err) = eval(Language::En, nested) else { panic!("nested ranges must fail") };
        assert!(err.message.contains("100000 numbers"), "{err:?}");
        let loud = "{% for a in range(end=50000) %}{{ \"a\" }}{{ \"b\" }}{{ \"c\" }}{% endfor %}";
        let Err(err) = eval(Language::En, loud) else { panic!("too many values must fail") };
        assert!(err.message.contains("more than 100000 values"), "{err:?}");
        assert_eq!(eval(Language::En, "{% for a in range(end=3) %}{{ a }}{% endfor %}").unwrap(), "012");
        assert_eq!(
            eval(Language::En, "{% for a in range(start=6, end=0, step_by=-2) %}{{ a }}{% endfor %}")
                .unwrap(),
            "642"
        );
    }

    #[test]
    fn dates_read_as_in_tables() {
        assert_eq!(eval(Language::Fr, "{{ \"2024-03\" | date }}").unwrap(), "mars 2024");
        assert_eq!(eval(Language::En, "{{ \"2024-03-15\" | date }}").unwrap(), "Mar 15, 2024");
        assert!(eval(Language::En, "{{ \"2024-13\" | date }}").is_err());
    }

    #[test]
    fn values_are_formatted_for_the_language() {
        assert_eq!(eval(Language::Fr, "{{ 1252 | number }}").unwrap(), "1\u{202F}252");
        assert_eq!(eval(Language::Fr, "{{ 72 | percent }}").unwrap(), "72\u{202F}%");
        assert_eq!(eval(Language::En, "{{ 0.5 | number(decimals=1) }}").unwrap(), "0.5");
        assert_eq!(eval(Language::Fr, "{{ 0.5 | number(decimals=1) }}").unwrap(), "0,5");
        assert_eq!(
            eval(Language::En, "{{ data.relations.no_feedback.share | percent }} of {{ data.relations.sample_size | number }}").unwrap(),
            "72% of 1,252"
        );
        assert_eq!(
            eval(Language::Fr, "{{ 72 | margin_of_error(n=1252) | number(decimals=1) }}").unwrap(),
            "2,5"
        );
    }

    #[test]
    fn typo_sets_french_spaces() {
        assert_eq!(eval(Language::Fr, "{{ \"A : <b>\" | typo }}").unwrap(), "A\u{a0}: <b>");
        assert_eq!(eval(Language::En, "{{ \"A : b\" | typo }}").unwrap(), "A : b");
    }

    #[test]
    fn proportion_tests_are_available_to_prose() {
        // statsmodels proportions_ztest([901, 814], [1252, 1252]): p = 0.000182.
        let body = "{% set t = proportion_test(a=72, na=1252, b=65, nb=1252) %}{{ t.significant }} {{ t.p | number(decimals=4) }}";
        assert_eq!(eval(Language::En, body).unwrap(), "true 0.0002");
        let body = "{% set t = proportion_test(a=51, na=100, b=49, nb=100) %}{{ t.significant }}";
        assert_eq!(eval(Language::En, body).unwrap(), "false");
    }

    #[test]
    fn code_stays_literal() {
        let body = "Write `{{ x }}`.\n\n```\n{{ y }}\n```\n\n{{ 2 | number }}\n";
        assert_eq!(eval(Language::En, body).unwrap(), "Write `{{ x }}`.\n\n```\n{{ y }}\n```\n\n2\n");
    }

    #[test]
    fn unknown_names_point_at_the_line_with_a_suggestion() {
        let err =
            eval(Language::En, "Intro\n\nWe found {{ data.relations.no_feedbak.share }}.\n").unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(6), "{err:?}");
        assert_eq!(err.hint.as_deref(), Some("did you mean `no_feedback`?"), "{err:?}");
        let err = eval(Language::En, "```\na\nb\n```\n{{ data.relatons.x }}").unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(8), "{err:?}");
        assert_eq!(err.hint.as_deref(), Some("did you mean `relations`?"), "{err:?}");
    }

    #[test]
    fn unknown_filters_point_at_the_line_with_a_suggestion() {
        let err = eval(Language::Fr, "Titre\n\nTexte {{ 72 | pourcent }}.\n").unwrap_err();
        assert_eq!(err.pos, Some(Pos::new(6, 15)), "{err:?}");
        assert_eq!(err.message, "in a value in prose: Unknown filter `pourcent`");
        assert_eq!(err.hint.as_deref(), Some("did you mean `percent`?"));
    }

    #[test]
    fn syntax_errors_are_diagnostics() {
        let err = eval(Language::En, "{{ 1 + }}").unwrap_err();
        assert_eq!(err.pos.map(|p| p.line), Some(4));
    }
}
