//! The `table` block: a dataset's rows as an HTML table.

use serde::Deserialize;

use super::{Checker, Source};
use crate::diagnostics::Diagnostic;
use crate::yaml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSettings {
    data: Spanned<String>,
    id: Option<Spanned<String>>,
    columns: Option<Vec<Spanned<String>>>,
    title: Option<String>,
    note: Option<String>,
}

/// A table ready to render.
#[derive(Clone, Debug)]
pub struct Table {
    pub dataset: String,
    /// The author's id: the table's anchor, and `@tbl-<id>` in prose.
    pub id: Option<String>,
    pub columns: Vec<usize>,
    pub title: Option<String>,
    pub note: Option<String>,
}

/// Rows a table block shows: a page of a million rows is no reading, and
/// the whole dataset is a CSV download away.
pub const MAX_TABLE_ROWS: usize = 10_000;

pub(super) fn resolve(src: &Source) -> Result<Table, Vec<Diagnostic>> {
    let (s, mut check) = Checker::start(src, |s: &TableSettings| &s.data)?;
    if check.ds.len > MAX_TABLE_ROWS {
        let pos = check.pos(&s.data);
        let message =
            format!("a table shows at most {MAX_TABLE_ROWS} rows; `{}` has {}", check.ds.id, check.ds.len);
        check.error(Some(pos), message).hint =
            Some("show a derived dataset that aggregates or limits the rows (`limit: 50`)".into());
    }
    let columns = match &s.columns {
        // Row ids name rows for prose and key figures; a reader does not
        // need them unless the author lists `id`.
        None => {
            let all = 0..check.ds.fields.len();
            let shown: Vec<usize> = all.clone().filter(|&i| check.ds.fields[i].name != "id").collect();
            if shown.is_empty() { all.collect() } else { shown }
        }
        Some(cols) => cols.iter().filter_map(|c| check.field(c)).collect(),
    };
    let dataset = check.ds.id.clone();
    let id = check.id(&s.id);
    check.finish(Table { dataset, id, columns, title: s.title, note: s.note })
}
