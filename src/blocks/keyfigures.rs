//! The `keyfigures` block: big numbers with their label and source, as on
//! the title page of a study.

use serde::Deserialize;

use super::{Checker, Source};
use crate::datasets::FieldType;
use crate::diagnostics::Diagnostic;
use crate::yaml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFiguresSettings {
    data: Spanned<String>,
    /// The field shown as the big number.
    value: Spanned<String>,
    /// The field that says what the number is; default: the first text field.
    label: Option<Spanned<String>>,
    /// Row ids, in the order shown; default: every row.
    items: Option<Vec<Spanned<String>>>,
}

/// Key figures ready to render: rows and the fields to show.
#[derive(Clone, Debug)]
pub struct KeyFigures {
    pub dataset: String,
    pub value: usize,
    pub label: Option<usize>,
    /// Row indexes, in display order.
    pub rows: Vec<usize>,
}

pub(super) fn resolve(src: &Source) -> Result<KeyFigures, Vec<Diagnostic>> {
    let (s, mut check) = Checker::start(src, |s: &KeyFiguresSettings| &s.data)?;
    let value = check.field(&s.value);
    if let Some(v) = value {
        check.numeric(v, &s.value, "a key figure");
    }
    let label = match &s.label {
        Some(l) => check.field(l),
        None => check.ds.fields.iter().position(|f| f.ty == FieldType::Text && f.name != "id"),
    };
    let rows = match &s.items {
        None => (0..check.ds.len).collect(),
        Some(items) => items.iter().filter_map(|item| row_of(&mut check, item)).collect(),
    };
    let dataset = check.ds.id.clone();
    match value {
        Some(value) => check.finish(KeyFigures { dataset, value, label, rows }),
        None => Err(check.errors),
    }
}

fn row_of(check: &mut Checker, item: &Spanned<String>) -> Option<usize> {
    let ds = check.ds;
    let ids: Vec<String> = match ds.field_index("id") {
        Some(col) => ds.rows().map(|r| r.text(col).into_owned()).collect(),
        None => Vec::new(),
    };
    let found = ids.iter().position(|id| *id == item.value);
    if found.is_none() {
        let pos = check.pos(item);
        let message = format!("dataset `{}` has no row with id `{}`", ds.id, item.value);
        let d = check.error(Some(pos), message);
        *d = d.clone().suggest(&item.value, ids.iter().map(String::as_str));
    }
    found
}
