//! Blocks as a document shows them, apart from any format: the words,
//! numbers and drawings of a chart, table or key figures, already
//! formatted for the report's language. The site's HTML and the PDF are
//! written from the same strings, so a figure reads the same in both.

use crate::xref::Kind;

/// A chart, table or set of key figures, ready to typeset.
#[derive(Clone, Debug, Hash, serde::Serialize, serde::Deserialize)]
pub enum Printed {
    Chart { caption: Caption, panels: Vec<Panel> },
    Table { caption: Caption, table: Table },
    KeyFigures(Vec<KeyFigure>),
}

/// What goes around a numbered chart or table.
#[derive(Clone, Debug, Hash, serde::Serialize, serde::Deserialize)]
pub struct Caption {
    pub kind: Kind,
    /// Its place among the page's blocks of its kind, from 1.
    pub local: usize,
    /// Its anchor on the page (`fig-trust`, `figure-2`).
    pub anchor: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// `Source : …`, with the address the source links to.
    pub source: Option<(String, Option<String>)>,
    /// `n = 1 252 répondants`.
    pub sample: Option<String>,
    /// `Note : …`, each.
    pub notes: Vec<String>,
}

/// One drawing of a chart: the whole chart, or one facet.
#[derive(Clone, Debug, Hash, serde::Serialize, serde::Deserialize)]
pub struct Panel {
    pub facet: Option<String>,
    /// Drawn [`crate::charts::WIDTH`] wide.
    pub svg: String,
    /// Drawn [`crate::charts::NARROW`] wide, for side-by-side facets.
    pub narrow: String,
    /// The sentence describing it: its alternative text.
    pub desc: String,
}

/// A table's cells as the site prints them.
#[derive(Clone, Debug, Hash, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    /// Which columns hold numbers (aligned right).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
}

/// One key figure: the number, what it counts, and where it comes from.
#[derive(Clone, Debug, Hash, serde::Serialize, serde::Deserialize)]
pub struct KeyFigure {
    pub value: String,
    pub label: String,
    /// `Source : …` and `n = …`, as the site writes them.
    pub cited: Vec<String>,
}

/// A dataset the report shows, for the list of sources.
#[derive(Clone, Debug)]
pub struct DataSource {
    pub title: String,
    /// `Source : …` and the address it links to.
    pub source: Option<(String, Option<String>)>,
    pub sample: Option<String>,
    /// For a dataset fetched by SQL: where and when, and the query.
    pub snapshot: Option<(String, String)>,
}
