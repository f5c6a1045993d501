//! Escaping for text from datasets and front matter, wherever it lands.

use std::borrow::Cow;

/// Escapes text for HTML and XML content and attribute values. Control
/// characters, which XML forbids even escaped, become U+FFFD.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// [`escape`] for Tera's autoescaping of templates.
pub fn escape_to(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(escape(input).as_bytes())
}

/// `s` without the characters XML 1.0 does not allow (C0 controls but tab
/// and line breaks, DEL and C1 controls, U+FFFE and U+FFFF), which become
/// U+FFFD: a label from data must never make an SVG ill-formed.
pub fn printable(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_forbidden) {
        Cow::Owned(s.chars().map(|c| if is_forbidden(c) { '\u{FFFD}' } else { c }).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// Whether an address from data may be a link: `http`, `https` and
/// `mailto`, or a relative address (no scheme).
pub fn is_safe_url(url: &str) -> bool {
    let url = url.trim();
    let scheme_end = url.find([':', '/', '?', '#']);
    match scheme_end {
        Some(i) if url[i..].starts_with(':') => {
            let scheme = url[..i].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
        _ => !url.chars().any(char::is_control),
    }
}

/// Whether `url` is an absolute `http`, `https` or `mailto` address: the
/// only kinds a dataset's `source_url` may be.
pub fn is_web_address(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s) && lower.len() > s.len())
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(super::escape("<b a=\"1\">&'"), "&lt;b a=&quot;1&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn only_web_and_mail_addresses_are_safe() {
        for ok in ["https://e.org/x", "HTTP://e.org", "mailto:a@b.c", "page.md", "../x/index.html#a", "#top"]
        {
            assert!(super::is_safe_url(ok), "{ok}");
        }
        for bad in
            ["javascript:alert(1)", " JavaScript:x", "data:text/html,x", "vbscript:x", "file:///etc/passwd"]
        {
            assert!(!super::is_safe_url(bad), "{bad}");
        }
    }

    #[test]
    fn control_characters_never_reach_xml() {
        assert_eq!(super::escape("a\u{1}b\u{7f}c\u{85}\td"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}\td");
        assert_eq!(super::printable("x\u{0}\ny"), "x\u{FFFD}\ny");
        assert!(matches!(super::printable("fine"), std::borrow::Cow::Borrowed(_)));
    }
}
