//! An Atom feed of the pages that carry a `date`, newest first, so a
//! reader can follow a study as chapters are published.

use super::{rfc3339, xml_escape};

/// A dated page.
pub struct Entry<'a> {
    pub title: &'a str,
    /// Its address: absolute with `base_url`, else relative to the feed.
    pub url: String,
    /// Its permanent id: its address with `base_url`, else a `urn:uuid:`
    /// made from the report's title and the page's path ([`urn`]).
    pub id: String,
    pub date: &'a str,
    pub summary: Option<&'a str>,
}

/// What the feed says about itself.
pub struct Feed<'a> {
    pub title: &'a str,
    pub author: Option<&'a str>,
    /// The home page's address.
    pub home: String,
    pub id: String,
    /// The feed's own address.
    pub url: String,
    pub lang: &'a str,
}

/// The feed, or `None` when no page has a date.
pub fn atom(feed: &Feed, entries: &mut [Entry]) -> Option<String> {
    entries.sort_by(|a, b| b.date.cmp(a.date).then_with(|| a.url.cmp(&b.url)));
    let updated = rfc3339(entries.iter().find(|e| rfc3339(e.date).is_some())?.date)?;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n\
         \x20 <title>{}</title>\n\
         \x20 <id>{}</id>\n\
         \x20 <link href=\"{}\"/>\n\
         \x20 <link rel=\"self\" href=\"{}\"/>\n\
         \x20 <updated>{updated}</updated>\n",
        xml_escape(feed.lang),
        xml_escape(feed.title),
        xml_escape(&feed.id),
        xml_escape(&feed.home),
        xml_escape(&feed.url),
    );
    if let Some(author) = feed.author {
        out.push_str(&format!("  <author><name>{}</name></author>\n", xml_escape(author)));
    }
    for e in entries.iter() {
        let Some(when) = rfc3339(e.date) else { continue };
        out.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{when}</updated>\n",
            xml_escape(e.title),
            xml_escape(&e.id),
            xml_escape(&e.url),
        ));
        if let Some(s) = e.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", xml_escape(s)));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    Some(out)
}

/// A `urn:uuid:` that stays the same from build to build for the same
/// report title and page path: Atom ids must be full IRIs, and without
/// `base_url` the site has no address to use. Two FNV-1a hashes make the
/// 128 bits (stable across Rust versions, unlike the standard hasher).
pub fn urn(report: &str, path: &str) -> String {
    let fnv = |seed: u64| {
        let mut h: u64 = seed;
        for b in report.bytes().chain([0]).chain(path.bytes()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
        h
    };
    let (a, b) = (fnv(0xcbf2_9ce4_8422_2325), fnv(0x6c62_272e_07bb_0142));
    // Version 8 (custom) and the RFC 9562 variant.
    let a = (a & !0xf000) | 0x8000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "urn:uuid:{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urns_are_stable_and_distinct() {
        let a = urn("Study", "/a/");
        assert_eq!(a, urn("Study", "/a/"));
        assert_ne!(a, urn("Study", "/b/"));
        assert_ne!(a, urn("Other", "/a/"));
        let hex = a.strip_prefix("urn:uuid:").expect("prefix");
        let groups: Vec<usize> = hex.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(hex.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        assert_eq!(&hex[14..15], "8", "version 8");
    }
}
