//! Blocks: fenced code blocks named `chart`, `table` or `keyfigures`, whose
//! YAML settings are checked against the datasets and resolved to field
//! indexes the renderers can trust.

mod chart;
mod keyfigures;
mod table;

use std::collections::BTreeMap;
use std::path::Path;

use crate::datasets::Dataset;
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::RawBlock;
use crate::yaml::{self, Spanned};

pub use chart::{Chart, ChartKind, MAX_POINTS, Missing, Reference, Sort};
pub use keyfigures::KeyFigures;
pub use table::Table;

/// A resolved block.
#[derive(Clone, Debug)]
pub enum Block {
    Chart(Box<Chart>),
    Table(Table),
    KeyFigures(KeyFigures),
}

impl Block {
    pub fn dataset(&self) -> &str {
        match self {
            Block::Chart(c) => &c.dataset,
            Block::Table(t) => &t.dataset,
            Block::KeyFigures(k) => &k.dataset,
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
        let message = format!("the `{}` block is empty", raw.name);
        return Err(vec![
            Diagnostic::error(file, Some(fence), message).with_hint("give it at least `data:`"),
        ]);
    }
    let src = Source { raw, file, offset, fence, datasets };
    match raw.name.as_str() {
        "chart" => chart::resolve(&src).map(|c| Block::Chart(Box::new(c))),
        "keyfigures" => keyfigures::resolve(&src).map(Block::KeyFigures),
        _ => table::resolve(&src).map(Block::Table),
    }
}

/// One block as written, with what its settings are checked against.
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    raw: &'a RawBlock,
    file: &'a Path,
    /// Lines of the page above the block's first YAML line.
    offset: usize,
    /// The opening fence, where errors about the whole block point.
    fence: Pos,
    datasets: &'a BTreeMap<String, Dataset>,
}

/// Checks names and values of one block against its dataset, collecting
/// every error with its position in the page.
pub(crate) struct Checker<'a> {
    pub file: &'a Path,
    pub offset: usize,
    pub fence: Pos,
    pub ds: &'a Dataset,
    pub errors: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    /// Parses a block's settings and finds its dataset.
    pub fn start<T: serde::de::DeserializeOwned>(
        src: &Source<'a>,
        data: impl Fn(&T) -> &Spanned<String>,
    ) -> Result<(T, Checker<'a>), Vec<Diagnostic>> {
        let Source { raw, file, offset, fence, datasets } = *src;
        let settings: T = yaml::parse(file, &raw.yaml, offset).map_err(|d| vec![d])?;
        let name = data(&settings);
        let ds = datasets.get(&name.value).ok_or_else(|| {
            let pos = yaml::pos_of(name, offset);
            vec![
                Diagnostic::error(file, Some(pos), format!("no dataset `{}`", name.value))
                    .suggest(&name.value, datasets.keys().map(String::as_str)),
            ]
        })?;
        let checker = Checker { file, offset, fence, ds, errors: Vec::new() };
        Ok((settings, checker))
    }

    /// The block's `id`, checked: it names an anchor and `@fig-<id>`.
    pub fn id(&mut self, id: &Option<Spanned<String>>) -> Option<String> {
        let id = id.as_ref()?;
        match crate::xref::id_problem(&id.value) {
            Some(why) => {
                let pos = self.pos(id);
                self.error(Some(pos), format!("`{}` cannot be an id: {why}", id.value)).hint =
                    Some("write it like `trust` or `engagement-by-tier`".into());
                None
            }
            None => Some(id.value.clone()),
        }
    }

    pub fn pos<T>(&self, s: &Spanned<T>) -> Pos {
        yaml::pos_of(s, self.offset)
    }

    /// An error at a setting, or at the opening fence when there is none.
    pub fn error(&mut self, at: Option<Pos>, message: impl Into<String>) -> &mut Diagnostic {
        let pos = at.or(Some(self.fence));
        self.errors.push(Diagnostic::error(self.file, pos, message));
        self.errors.last_mut().expect("just pushed")
    }

    /// The index of a named field, or an error with the closest name.
    pub fn field(&mut self, name: &Spanned<String>) -> Option<usize> {
        let i = self.ds.field_index(&name.value);
        if i.is_none() {
            let message = format!("dataset `{}` has no field `{}`", self.ds.id, name.value);
            let d = Diagnostic::error(self.file, Some(self.pos(name)), message)
                .suggest(&name.value, self.ds.field_names());
            self.errors.push(d.or_hint(format!("fields are `{}`", self.field_list())));
        }
        i
    }

    /// A setting the block cannot do without.
    pub fn required(
        &mut self,
        what: &str,
        name: &str,
        value: &Option<Spanned<String>>,
        role: &str,
    ) -> Option<usize> {
        match value {
            Some(v) => self.field(v),
            None => {
                let hint = format!("fields of `{}`: `{}`", self.ds.id, self.field_list());
                self.error(None, format!("{what} needs `{name}`: {role}")).hint = Some(hint);
                None
            }
        }
    }

    /// Requires field `i` to hold numbers.
    pub fn numeric(&mut self, i: usize, at: &Spanned<String>, what: &str) {
        let f = &self.ds.fields[i];
        if !f.ty.is_numeric() {
            let message = format!(
                "`{}` holds {} values, but {what} needs numbers here",
                f.name,
                format!("{:?}", f.ty).to_lowercase()
            );
            let hint = format!("declare it `type: number` in `{}` if it should be", self.ds.file.display());
            let pos = self.pos(at);
            self.error(Some(pos), message).hint = Some(hint);
        }
    }

    fn field_list(&self) -> String {
        self.ds.field_names().collect::<Vec<_>>().join("`, `")
    }

    pub fn finish<T>(self, value: T) -> Result<T, Vec<Diagnostic>> {
        if self.errors.is_empty() { Ok(value) } else { Err(self.errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{DatasetSource, build_all};

    fn datasets() -> BTreeMap<String, Dataset> {
        let (ds, diags) = build_all(
            &[DatasetSource {
                id: "relations".into(),
                yaml: Some((
                    "data/relations.yaml".into(),
                    "source: S\nrows:\n  - { statement: a, share: 72 }\n".into(),
                )),
                ..Default::default()
            }],
            &[],
        );
        assert!(diags.is_empty());
        ds
    }

    fn block(yaml: &str) -> RawBlock {
        RawBlock { name: "chart".into(), yaml: yaml.into(), first_line: 11, fence_line: 10 }
    }

    #[test]
    fn a_valid_chart_resolves_fields() {
        let b = resolve(
            &block("type: bar\ndata: relations\nx: statement\ny: share\n"),
            Path::new("content/a.md"),
            &datasets(),
        )
        .unwrap();
        let Block::Chart(c) = b else { panic!("not a chart") };
        assert_eq!((c.x, c.y, c.kind), (0, Some(1), ChartKind::Bar));
    }

    #[test]
    fn unknown_names_point_at_their_line_with_suggestions() {
        let ds = datasets();
        let file = Path::new("content/a.md");
        let errs =
            resolve(&block("type: bar\ndata: relatons\nx: statement\ny: share\n"), file, &ds).unwrap_err();
        assert_eq!(errs[0].pos, Some(Pos::new(12, 7)));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `relations`?"));
        let errs =
            resolve(&block("type: bar\ndata: relations\nx: statment\ny: shares\n"), file, &ds).unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].pos.map(|p| p.line), Some(13));
        assert_eq!(errs[1].hint.as_deref(), Some("did you mean `share`?"));
        let errs = resolve(&block("type: barr\ndata: relations\n"), file, &ds).unwrap_err();
        assert_eq!(errs[0].pos.map(|p| p.line), Some(11));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `bar`?"));
        let errs =
            resolve(&block("type: bar\ndata: relations\nx: statement\ny: share\ntitel: T\n"), file, &ds)
                .unwrap_err();
        assert_eq!(errs[0].pos.map(|p| p.line), Some(15));
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn missing_and_mistyped_fields() {
        let ds = datasets();
        let errs = resolve(&block("type: stacked\ndata: relations\nx: statement\n"), Path::new("a.md"), &ds)
            .unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert!(errs.iter().all(|e| e.pos == Some(Pos::new(10, 1))));
        let errs =
            resolve(&block("type: bar\ndata: relations\nx: share\ny: statement\n"), Path::new("a.md"), &ds)
                .unwrap_err();
        assert!(errs[0].message.contains("needs numbers"), "{}", errs[0].message);
    }
}
