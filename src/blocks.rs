//! `chart` and `table` blocks: their YAML settings, checked against the
//! datasets, resolved to field indexes the renderers can trust.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::datasets::Dataset;
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::RawBlock;
use crate::yaml::{self, Spanned};

/// The chart types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    /// Horizontal bars, for long category labels such as survey statements.
    Bar,
    Column,
    Line,
    Donut,
    Scatter,
    /// Horizontal bars split by `series`.
    Stacked,
}

impl ChartKind {
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Bar => "bar",
            ChartKind::Column => "column",
            ChartKind::Line => "line",
            ChartKind::Donut => "donut",
            ChartKind::Scatter => "scatter",
            ChartKind::Stacked => "stacked",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChartSettings {
    #[serde(rename = "type")]
    kind: ChartKind,
    data: Spanned<String>,
    x: Option<Spanned<String>>,
    y: Option<Spanned<String>>,
    series: Option<Spanned<String>>,
    title: Option<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSettings {
    data: Spanned<String>,
    columns: Option<Vec<Spanned<String>>>,
    title: Option<String>,
    note: Option<String>,
}

/// A chart ready to draw: fields resolved to column indexes.
#[derive(Clone, Debug)]
pub struct Chart {
    pub kind: ChartKind,
    pub dataset: String,
    pub x: usize,
    pub y: usize,
    pub series: Option<usize>,
    pub title: Option<String>,
    pub note: Option<String>,
}

/// A table ready to render.
#[derive(Clone, Debug)]
pub struct Table {
    pub dataset: String,
    pub columns: Vec<usize>,
    pub title: Option<String>,
    pub note: Option<String>,
}

#[derive(Clone, Debug)]
pub enum Block {
    Chart(Chart),
    Table(Table),
}

impl Block {
    pub fn dataset(&self) -> &str {
        match self {
            Block::Chart(c) => &c.dataset,
            Block::Table(t) => &t.dataset,
        }
    }
}

/// Parses and checks one block; every problem in it is reported.
pub fn resolve(
    raw: &RawBlock,
    file: &Path,
    datasets: &BTreeMap<String, Dataset>,
) -> Result<Block, Vec<Diagnostic>> {
    let offset = raw.first_line - 1;
    let fence = Pos::new(raw.fence_line, 1);
    if raw.yaml.trim().is_empty() {
        return Err(vec![
            Diagnostic::error(
                file,
                Some(fence),
                format!("the `{}` block is empty", raw.name),
            )
            .with_hint("give it at least `data:`"),
        ]);
    }
    match raw.name.as_str() {
        "chart" => {
            let s: ChartSettings = yaml::parse(file, &raw.yaml, offset).map_err(|d| vec![d])?;
            let ds = find_dataset(&s.data, file, offset, datasets).map_err(|d| vec![d])?;
            resolve_chart(s, ds, file, offset, fence).map(Block::Chart)
        }
        _ => {
            let s: TableSettings = yaml::parse(file, &raw.yaml, offset).map_err(|d| vec![d])?;
            let ds = find_dataset(&s.data, file, offset, datasets).map_err(|d| vec![d])?;
            let mut errors = Vec::new();
            let columns = match &s.columns {
                None => (0..ds.fields.len()).collect(),
                Some(cols) => cols
                    .iter()
                    .filter_map(|c| field(ds, c, file, offset, &mut errors))
                    .collect(),
            };
            if errors.is_empty() {
                Ok(Block::Table(Table {
                    dataset: ds.id.clone(),
                    columns,
                    title: s.title,
                    note: s.note,
                }))
            } else {
                Err(errors)
            }
        }
    }
}

fn resolve_chart(
    s: ChartSettings,
    ds: &Dataset,
    file: &Path,
    offset: usize,
    fence: Pos,
) -> Result<Chart, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let kind = s.kind;
    let required = |name: &str,
                    value: &Option<Spanned<String>>,
                    role: &str,
                    errors: &mut Vec<Diagnostic>| match value {
        Some(v) => field(ds, v, file, offset, errors),
        None => {
            let list = ds.field_names().collect::<Vec<_>>().join("`, `");
            errors.push(
                Diagnostic::error(
                    file,
                    Some(fence),
                    format!("a {} chart needs `{name}`: {role}", kind.name()),
                )
                .with_hint(format!("fields of `{}`: `{list}`", ds.id)),
            );
            None
        }
    };
    let x_role = if kind == ChartKind::Scatter {
        "the field on the horizontal axis"
    } else {
        "the field that names the categories"
    };
    let x = required("x", &s.x, x_role, &mut errors);
    let y = required("y", &s.y, "the field with the values", &mut errors);
    let series = match (&s.series, kind) {
        (Some(v), _) => field(ds, v, file, offset, &mut errors),
        (None, ChartKind::Stacked) => required(
            "series",
            &None,
            "the field that splits each bar",
            &mut errors,
        ),
        (None, _) => None,
    };
    let numeric = |i: usize, v: &Option<Spanned<String>>, errors: &mut Vec<Diagnostic>| {
        if !ds.fields[i].ty.is_numeric() {
            let pos = v.as_ref().map(|v| yaml::pos_of(v, offset));
            errors.push(
                Diagnostic::error(
                    file,
                    pos,
                    format!(
                        "`{}` holds {} values, but a {} chart needs numbers here",
                        ds.fields[i].name,
                        format!("{:?}", ds.fields[i].ty).to_lowercase(),
                        kind.name()
                    ),
                )
                .with_hint(format!(
                    "declare it `type: number` in `{}` if it should be",
                    ds.file.display()
                )),
            );
        }
    };
    if let Some(y) = y {
        numeric(y, &s.y, &mut errors);
    }
    if let (Some(x), ChartKind::Scatter) = (x, kind) {
        numeric(x, &s.x, &mut errors);
    }
    match (x, y, errors.is_empty()) {
        (Some(x), Some(y), true) => Ok(Chart {
            kind,
            dataset: ds.id.clone(),
            x,
            y,
            series,
            title: s.title,
            note: s.note,
        }),
        _ => Err(errors),
    }
}

fn find_dataset<'a>(
    name: &Spanned<String>,
    file: &Path,
    offset: usize,
    datasets: &'a BTreeMap<String, Dataset>,
) -> Result<&'a Dataset, Diagnostic> {
    datasets.get(&name.value).ok_or_else(|| {
        Diagnostic::error(
            file,
            Some(yaml::pos_of(name, offset)),
            format!("no dataset `{}`", name.value),
        )
        .suggest(&name.value, datasets.keys().map(String::as_str))
    })
}

fn field(
    ds: &Dataset,
    name: &Spanned<String>,
    file: &Path,
    offset: usize,
    errors: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let i = ds.field_index(&name.value);
    if i.is_none() {
        let d = Diagnostic::error(
            file,
            Some(yaml::pos_of(name, offset)),
            format!("dataset `{}` has no field `{}`", ds.id, name.value),
        );
        let d = d.suggest(&name.value, ds.field_names());
        let d = if d.hint.is_none() {
            let list = ds.field_names().collect::<Vec<_>>().join("`, `");
            d.with_hint(format!("fields are `{list}`"))
        } else {
            d
        };
        errors.push(d);
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{DatasetSource, build_all};

    fn datasets() -> BTreeMap<String, Dataset> {
        let (ds, diags) = build_all(&[DatasetSource {
            id: "relations".into(),
            yaml: Some((
                "data/relations.yaml".into(),
                "rows:\n  - { statement: a, share: 72 }\n".into(),
            )),
            csv: None,
        }]);
        assert!(diags.is_empty());
        ds
    }

    fn block(yaml: &str) -> RawBlock {
        RawBlock {
            name: "chart".into(),
            yaml: yaml.into(),
            first_line: 11,
            fence_line: 10,
        }
    }

    #[test]
    fn a_valid_chart_resolves_fields() {
        let b = resolve(
            &block("type: bar\ndata: relations\nx: statement\ny: share\n"),
            Path::new("content/a.md"),
            &datasets(),
        )
        .unwrap();
        let Block::Chart(c) = b else {
            panic!("not a chart")
        };
        assert_eq!((c.x, c.y, c.kind), (0, 1, ChartKind::Bar));
    }

    #[test]
    fn unknown_names_point_at_their_line_with_suggestions() {
        let ds = datasets();
        let file = Path::new("content/a.md");
        let errs = resolve(
            &block("type: bar\ndata: relatons\nx: statement\ny: share\n"),
            file,
            &ds,
        )
        .unwrap_err();
        assert_eq!(errs[0].pos, Some(Pos::new(12, 7)));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `relations`?"));
        let errs = resolve(
            &block("type: bar\ndata: relations\nx: statment\ny: shares\n"),
            file,
            &ds,
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].pos.map(|p| p.line), Some(13));
        assert_eq!(errs[1].hint.as_deref(), Some("did you mean `share`?"));
        let errs = resolve(&block("type: barr\ndata: relations\n"), file, &ds).unwrap_err();
        assert_eq!(errs[0].pos.map(|p| p.line), Some(11));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `bar`?"));
        let errs = resolve(
            &block("type: bar\ndata: relations\nx: statement\ny: share\ntitel: T\n"),
            file,
            &ds,
        )
        .unwrap_err();
        assert_eq!(errs[0].pos.map(|p| p.line), Some(15));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn missing_and_mistyped_fields() {
        let ds = datasets();
        let errs = resolve(
            &block("type: stacked\ndata: relations\nx: statement\n"),
            Path::new("a.md"),
            &ds,
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(errs.iter().all(|e| e.pos == Some(Pos::new(10, 1))));
        let errs = resolve(
            &block("type: bar\ndata: relations\nx: share\ny: statement\n"),
            Path::new("a.md"),
            &ds,
        )
        .unwrap_err();
        assert!(
            errs[0].message.contains("needs numbers"),
            "{}",
            errs[0].message
        );
    }
}
