//! YAML reading with errors that point into the user's file.
//!
//! All YAML goes through here so the choice of parser stays in one place:
//! serde-saphyr with serde derives, node budgets against alias bombs, and
//! its line/column mapped onto our [`Diagnostic`].

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Pos};

/// A location in YAML source, from a `serde_saphyr::Spanned` value.
pub use serde_saphyr::Spanned;

/// Parses `text` (from `file`, whose first line is file line `line_offset + 1`).
pub fn parse<T: DeserializeOwned>(file: &Path, text: &str, line_offset: usize) -> Result<T, Diagnostic> {
    // serde-saphyr's default options carry a node and alias budget, which
    // is what protects a build from a "billion laughs" file.
    serde_saphyr::from_str(text).map_err(|e| to_diagnostic(file, &e, line_offset))
}

/// The position of a spanned YAML value, moved by `line_offset`.
pub fn pos_of<T>(s: &Spanned<T>, line_offset: usize) -> Pos {
    Pos::new(s.referenced.line() as usize, s.referenced.column() as usize).shifted(line_offset)
}

fn to_diagnostic(file: &Path, e: &serde_saphyr::Error, line_offset: usize) -> Diagnostic {
    let pos = e.location().map(|l| Pos::new(l.line() as usize, l.column() as usize).shifted(line_offset));
    let message = plain_message(&e.to_string());
    let diag = Diagnostic::error(file, pos, explain(&message));
    match unknown_field(&message) {
        Some((wrong, expected)) => {
            let d = diag.suggest(wrong, expected.iter().map(String::as_str));
            if d.hint.is_none() && !expected.is_empty() {
                let list = expected.join("`, `");
                d.with_hint(format!("valid names are `{list}`"))
            } else {
                d
            }
        }
        None => diag,
    }
}

/// The first line of serde-saphyr's rendering, without its "error: line X column Y:" prefix.
fn plain_message(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or(rendered);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    match first.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest.to_string(),
        _ => first.to_string(),
    }
}

/// Rewords parser jargon the way a report author reads it.
fn explain(message: &str) -> String {
    if message.contains("did not match any variant of untagged enum") {
        return "expected a single value (text, number, true/false), found a list or a mapping".into();
    }
    if let Some(rest) = message.strip_prefix("invalid ") {
        let kind = match rest {
            "u32" | "u64" | "usize" | "u16" | "u8" => "a whole number",
            "i64" | "i32" => "a whole number",
            "f64" | "f32" => "a number",
            "bool" => "true or false",
            _ => rest,
        };
        return format!("expected {kind}");
    }
    message.replace("expected one of ", "valid names are ")
}

/// `unknown field `scor`, expected one of a, b` -> ("scor", [a, b]).
fn unknown_field(message: &str) -> Option<(&str, Vec<String>)> {
    let rest =
        message.strip_prefix("unknown field `").or_else(|| message.strip_prefix("unknown variant `"))?;
    let (wrong, tail) = rest.split_once('`')?;
    let expected = tail
        .split_once("expected one of ")
        .or_else(|| tail.split_once("expected "))
        .map(|(_, list)| {
            list.split(", ").map(|s| s.trim_matches('`').to_string()).filter(|s| !s.is_empty()).collect()
        })
        .unwrap_or_default();
    Some((wrong, expected))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Settings {
        score: u32,
        title: Option<String>,
    }

    #[test]
    fn unknown_field_suggests_closest_name() {
        let err = parse::<Settings>(Path::new("x.yaml"), "score: 1\nscor: 2\n", 0).unwrap_err();
        assert_eq!(err.pos, Some(Pos::new(2, 1)));
        assert!(err.message.contains("unknown field `scor`"), "{}", err.message);
        assert_eq!(err.hint.as_deref(), Some("did you mean `score`?"));
    }

    #[test]
    fn wrong_type_is_said_plainly_with_offset_line() {
        let err = parse::<Settings>(Path::new("x.md"), "score: many\n", 3).unwrap_err();
        assert_eq!(err.pos, Some(Pos::new(4, 8)));
        assert_eq!(err.message, "expected a whole number");
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 { "a".to_string() } else { format!("b{}", i - 1) };
            let refs = vec![format!("*{prev}"); 10].join(", ");
            text.push_str(&format!("b{i}: &b{i} [{refs}]\n"));
        }
        text.push_str("score: 1\n");
        let result = parse::<std::collections::BTreeMap<String, serde::de::IgnoredAny>>(
            Path::new("bomb.yaml"),
            &text,
            0,
        );
        let err = result.expect_err("a billion-laughs file must be refused");
        assert_eq!(err.file, Path::new("bomb.yaml"));
    }
}
