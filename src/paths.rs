//! Parts of output paths that users control: page slugs, the names of page
//! and dataset files. Each becomes one folder or file name of the site, so
//! each is checked before anything is written: a `..`, a `/` or an empty
//! slug would write outside the output or over the home page, and `#`, `?`
//! or `%` would break the links to it.

/// The longest name a slug or file name may give a path part, in
/// characters: file systems allow 255 bytes, and a URL part this long is
/// already unreadable.
pub const MAX_SEGMENT: usize = 100;

/// Why `part` cannot be one part of a URL and of a path in the output, or
/// `None` when it can: letters and digits (accents included), `-`, `_` and
/// `.`, not starting with a dot.
pub fn segment_problem(part: &str) -> Option<String> {
    if part.is_empty() {
        return Some("it is empty".into());
    }
    if part.starts_with('.') {
        return Some("it starts with a dot (`.`, `..` and hidden names are not pages)".into());
    }
    if part.chars().count() > MAX_SEGMENT {
        return Some(format!("it is longer than {MAX_SEGMENT} characters"));
    }
    let bad: Vec<String> = part
        .chars()
        .filter(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .map(|c| if c.is_whitespace() || c.is_control() { format!("{:?}", c) } else { format!("`{c}`") })
        .collect();
    if bad.is_empty() {
        return None;
    }
    let mut unique = bad;
    unique.dedup();
    Some(format!(
        "it contains {}; only letters, digits, `-`, `_` and `.` make one part of a URL",
        unique.join(", ")
    ))
}

/// A valid part made from `text`: what to suggest instead.
pub fn suggest_segment(text: &str) -> String {
    let slug = crate::markdown::slugify(text);
    slug.chars().take(MAX_SEGMENT).collect::<String>().trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_safe_part_only() {
        for ok in ["relations", "méthode", "2024-survey", "v1.2", "a_b", "Étude"] {
            assert_eq!(segment_problem(ok), None, "{ok}");
        }
        for bad in
            ["", ".", "..", ".hidden", "../../victim", "a/b", "/", "a b", "x#y", "q?", "100%", "a\u{0}b"]
        {
            assert!(segment_problem(bad).is_some(), "{bad:?}");
        }
        assert!(segment_problem(&"a".repeat(101)).is_some());
        assert!(segment_problem("a b").unwrap().contains("' '"));
        assert_eq!(suggest_segment("../../Qui sommes-nous ?"), "qui-sommes-nous");
    }
}
