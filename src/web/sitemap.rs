//! `sitemap.xml` and `robots.txt`: where search engines find every page.
//! Both need the site's address (`base_url`), so they exist only with it.

use super::xml_escape;

/// A page in the sitemap: its address, and its `date` when it has one
/// (checked when the page was read; never the build's time, which would
/// say every page changed).
pub struct Entry<'a> {
    pub loc: String,
    pub lastmod: Option<&'a str>,
    /// The page in every language of the report (language tag, address),
    /// its own included; empty when it has no translation.
    pub alternates: Vec<(String, String)>,
}

/// The sitemap of the pages, in reading order.
pub fn sitemap(entries: &[Entry]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"",
    );
    // Google's form for the versions of a page in other languages.
    if entries.iter().any(|e| !e.alternates.is_empty()) {
        out.push_str(" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    }
    out.push_str(">\n");
    for e in entries {
        out.push_str(&format!("  <url>\n    <loc>{}</loc>\n", xml_escape(&e.loc)));
        for (tag, href) in &e.alternates {
            out.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                xml_escape(tag),
                xml_escape(href)
            ));
        }
        if let Some(date) = e.lastmod {
            out.push_str(&format!("    <lastmod>{}</lastmod>\n", xml_escape(date)));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: every page may be crawled, and here is the sitemap.
pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}
