//! The `table` block: a dataset's rows as an HTML table.

use serde::Deserialize;

use super::{Checker, Source};
use crate::diagnostics::Diagnostic;
use crate::yaml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSettings {
    data: Spanned<String>,
    columns: Option<Vec<Spanned<String>>>,
    title: Option<String>,
    note: Option<String>,
}

/// A table ready to render.
#[derive(Clone, Debug)]
pub struct Table {
    pub dataset: String,
    pub columns: Vec<usize>,
    pub title: Option<String>,
    pub note: Option<String>,
}

pub(super) fn resolve(src: &Source) -> Result<Table, Vec<Diagnostic>> {
    let (s, mut check) = Checker::start(src, |s: &TableSettings| &s.data)?;
    let columns = match &s.columns {
        None => (0..check.ds.fields.len()).collect(),
        Some(cols) => cols.iter().filter_map(|c| check.field(c)).collect(),
    };
    let dataset = check.ds.id.clone();
    check.finish(Table { dataset, columns, title: s.title, note: s.note })
}
