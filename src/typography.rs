//! French spacing: the spaces that must not break a line.
//!
//! French puts a space before `: ; ! ? %` and `»`, after `«`, and between
//! digit groups (`5 000`). Typed as ordinary spaces they let a line end
//! between `95` and `%`, or between `5` and `000`. Reports written in French
//! get these spaces made unbreakable; nothing else in the text changes.

use std::borrow::Cow;

use crate::config::Language;
use crate::format::NNBSP;

const NBSP: char = '\u{00A0}';

/// `text` with French unbreakable spaces where typography wants them.
pub fn french(text: &str) -> Cow<'_, str> {
    if !text.contains(' ') {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if c != ' ' {
            out.push(c);
            continue;
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        out.push(match (before, after) {
            (_, Some(':')) => NBSP,
            (_, Some(';' | '!' | '?' | '%' | '»')) => NNBSP,
            (Some('«'), _) => NBSP,
            (Some('±'), _) => NBSP,
            (Some(d), Some(_)) if d.is_ascii_digit() && starts_digit_group(&chars[i + 1..]) => NNBSP,
            _ => ' ',
        });
    }
    Cow::Owned(out)
}

/// Three digits, then no fourth: the next group of a number like `30 000`.
fn starts_digit_group(rest: &[char]) -> bool {
    rest.len() >= 3
        && rest[..3].iter().all(char::is_ascii_digit)
        && rest.get(3).is_none_or(|c| !c.is_ascii_digit())
}

/// Applies [`french`] to the text of an HTML fragment, never inside tags.
/// Text as the language sets it: French keeps its no-break spaces.
pub fn spaced(text: &str, lang: Language) -> Cow<'_, str> {
    if lang == Language::Fr { french(text) } else { text.into() }
}

pub fn french_html(html: &str) -> Cow<'_, str> {
    if !html.contains(' ') {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&french(&rest[..open]));
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        out.push_str(&rest[open..close]);
        rest = &rest[close..];
    }
    out.push_str(&french(rest));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_before_punctuation_and_inside_numbers_do_not_break() {
        assert_eq!(
            french("Note : 72 % ; « oui » !"),
            "Note\u{a0}: 72\u{202f}%\u{202f}; «\u{a0}oui\u{202f}»\u{202f}!"
        );
        assert_eq!(french("entre 5 000 et 30 000 abonnés"), "entre 5\u{202f}000 et 30\u{202f}000 abonnés");
        assert_eq!(french("± 2,5 points"), "±\u{a0}2,5 points");
    }

    #[test]
    fn other_spaces_and_years_are_left_alone() {
        assert_eq!(french("en 2016 2017 puis 12 1234"), "en 2016 2017 puis 12 1234");
        assert_eq!(french("a b"), "a b");
    }

    #[test]
    fn html_tags_are_not_touched() {
        assert_eq!(
            french_html("<span class=\"a b\" title=\"x :\">95 % : ok</span>"),
            "<span class=\"a b\" title=\"x :\">95\u{202f}%\u{a0}: ok</span>"
        );
    }
}
