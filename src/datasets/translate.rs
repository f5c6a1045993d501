//! Translated columns: in a report in several languages, a column named
//! `statement@en` holds the English text of `statement`, row by row. The
//! English edition reads its cells in place of the column's, the others
//! leave it out; nobody sees a `statement@en` column.

use super::{Column, Dataset};
use crate::diagnostics::Diagnostic;
use crate::i18n::Tongue;

/// The column a header translates and the language it is in, when it is
/// `name@code` with `code` a language barometer knows.
fn translation_of(header: &str) -> Option<(&str, crate::config::Language)> {
    let (name, code) = header.rsplit_once('@')?;
    let lang = crate::config::Language::from_code(code)?;
    (!name.is_empty()).then_some((name, lang))
}

/// Puts the translations in `tongue`'s language in place and drops every
/// translated column. A cell with no translation keeps the first
/// language's text, said once per column as a warning; a translation of
/// no column, or in a language the report does not have, is an error.
pub fn columns(ds: &mut Dataset, tongue: Tongue) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let mut drop = Vec::new();
    for (i, field) in ds.fields.iter().enumerate() {
        let Some((name, lang)) = translation_of(&field.name) else { continue };
        drop.push(i);
        let list = crate::config::Language::list(tongue.languages);
        let Some(target) = ds.field_index(name) else {
            errors.push(
                Diagnostic::error(
                    &ds.file,
                    None,
                    format!("the column `{}` translates no column `{name}`", field.name),
                )
                .suggest(name, ds.field_names().filter(|n| !n.contains('@'))),
            );
            continue;
        };
        if !tongue.languages.contains(&lang) || lang == tongue.default() {
            let message = format!(
                "`{}` is in `{}`, which is not a translation of the report ({list})",
                field.name,
                lang.code()
            );
            let hint = format!(
                "the report's first language goes in `{name}` itself; other languages in `{name}@code`"
            );
            errors.push(Diagnostic::error(&ds.file, None, message).with_hint(hint));
            continue;
        }
        if lang != tongue.lang {
            continue;
        }
        let (cells, missing) = translated(&ds.columns[target], &ds.columns[i]);
        ds.columns[target] = cells;
        if let Some((count, first)) = missing {
            let row = match ds.field_index("id") {
                Some(id) => format!("row {} (id `{}`)", first + 1, ds.columns[id].text(first)),
                None => format!("row {}", first + 1),
            };
            let message = format!(
                "{count} of {} cells of `{}` have no `{}` text, the first in {row}; the `{}` text is shown",
                ds.len,
                field.name,
                lang.code(),
                tongue.default().code()
            );
            warnings.push(
                Diagnostic::warning(&ds.file, None, message)
                    .with_hint(format!("fill in the column `{}`", field.name)),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for i in drop.into_iter().rev() {
        ds.fields.remove(i);
        ds.columns.remove(i);
    }
    Ok(warnings)
}

/// `original` with each cell `translation` has in its place, and, when
/// cells with text had no translation, how many and the first one's row.
fn translated(original: &Column, translation: &Column) -> (Column, Option<(usize, usize)>) {
    let mut missing: Option<(usize, usize)> = None;
    let cells = (0..original.len()).map(|r| {
        if !translation.is_null(r) {
            return crate::datasets::Value::Text(translation.text(r).into_owned());
        }
        if !original.is_null(r) {
            let (count, first) = missing.unwrap_or((0, r));
            missing = Some((count + 1, first));
        }
        original.get(r)
    });
    let column = Column::from_values(cells.collect::<Vec<_>>());
    (column, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_names_its_column_and_language() {
        use crate::config::Language;
        assert_eq!(translation_of("statement@en"), Some(("statement", Language::En)));
        assert_eq!(translation_of("a@b@de"), Some(("a@b", Language::De)));
        assert_eq!(translation_of("contact@example"), None);
        assert_eq!(translation_of("@en"), None);
    }
}
