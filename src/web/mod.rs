//! What search engines, feed readers and social networks read of the site:
//! each page's description and sharing tags, the sitemap, `robots.txt`,
//! the Atom feed and the schema.org descriptions of the report and its
//! datasets. Each is written from the in-memory report, like the pages.

pub mod feed;
pub mod jsonld;
pub mod sitemap;

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::config::{Config, Language};
use crate::datasets::Dataset;
use crate::dates::Date;
use crate::printed::Printed;
use crate::typography::spaced;

/// The longest description a page gives: search results show about this
/// much, and a longer one is cut at a word with `…`.
pub const DESCRIPTION_MAX: usize = 160;

/// The files the site writes at its root for the web, beside the pages.
pub const SITEMAP_FILE: &str = "sitemap.xml";
pub const ROBOTS_FILE: &str = "robots.txt";
pub const FEED_FILE: &str = "atom.xml";

/// What a page says about itself in its `<head>`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PageMeta {
    /// The title a shared link shows: the page's, or the report's on the
    /// home page.
    pub title: String,
    pub description: Option<String>,
    /// Its address on the web, when `base_url` is set.
    pub canonical: Option<String>,
    /// `website` for the home page, `article` for the others.
    pub kind: &'static str,
    /// `fr_FR`, `en_US`, as Open Graph writes languages.
    pub locale: &'static str,
    /// Its social card's address, and what the card shows, in words.
    pub image: Option<String>,
    pub image_alt: Option<String>,
    /// The schema.org description of the report and the datasets the page
    /// shows, as JSON safe inside `<script>`.
    pub jsonld: Option<String>,
}

/// What a page's `<head>` is written from.
pub struct PageFacts<'a> {
    pub page: &'a crate::pages::Page,
    pub first_paragraph: Option<&'a str>,
    /// Its first key figures or chart, which its social card shows.
    pub figure: Option<&'a Printed>,
    /// The datasets its blocks show, in order, maybe repeated.
    pub shown: Vec<&'a str>,
    /// It has a social card.
    pub card: bool,
    /// Its edition's folder in the site: `""`, `en/`.
    pub prefix: &'a str,
}

/// The page's description, addresses, sharing tags and JSON-LD.
pub fn page_meta(config: &Config, datasets: &BTreeMap<String, Dataset>, facts: &PageFacts) -> PageMeta {
    let page = facts.page;
    let home = page.is_home();
    let lang = config.language;
    let title = if home { &config.title } else { &page.front.title };
    // The home page stands for the report: the report's description
    // first, as its cover shows it.
    let own = page.front.description.as_deref();
    let description = config
        .description
        .as_deref()
        .filter(|_| home)
        .or(own)
        .map(|d| spaced(d, lang).into_owned())
        .or_else(|| facts.first_paragraph.map(str::to_string))
        .map(|d| clip(&d, DESCRIPTION_MAX));
    let mut items = Vec::new();
    if home {
        items.push(jsonld::report(config, page.date.as_deref(), &page.url));
    }
    let mut seen = std::collections::HashSet::new();
    for id in facts.shown.iter().filter(|id| seen.insert(**id)) {
        if let Some(ds) = datasets.get(*id) {
            items.push(jsonld::dataset(ds, config, &crate::datasets::csv_file(facts.prefix, id)));
        }
    }
    let image = config.absolute_url(&card_path(&page.url)).filter(|_| facts.card);
    let title = spaced(title, lang).into_owned();
    PageMeta {
        image_alt: image.as_ref().map(|_| card_alt(&title, facts.figure, lang)),
        title,
        description,
        canonical: config.absolute_url(&page.url),
        kind: if home { "website" } else { "article" },
        locale: locale(lang),
        image,
        jsonld: jsonld::script(items),
    }
}

/// The sources page's description, addresses, sharing tags and JSON-LD:
/// a catalogue of every dataset the edition (at `prefix`) publishes.
pub fn sources_meta(
    config: &Config,
    datasets: &BTreeMap<String, Dataset>,
    (title, description): (&str, &str),
    prefix: &str,
    card: bool,
) -> PageMeta {
    let url = crate::catalog::url(prefix);
    let items = datasets
        .values()
        .map(|ds| jsonld::dataset(ds, config, &crate::datasets::csv_file(prefix, &ds.id)))
        .collect();
    let catalog = jsonld::catalog(config, &format!("{title} — {}", config.title), &url, items);
    let image = config.absolute_url(&card_path(&url)).filter(|_| card);
    PageMeta {
        title: title.to_string(),
        description: Some(clip(description, DESCRIPTION_MAX)),
        canonical: config.absolute_url(&url),
        kind: "article",
        locale: locale(config.language),
        image_alt: image.as_ref().map(|_| title.to_string()),
        image,
        jsonld: jsonld::script(vec![catalog]),
    }
}

/// The social card in words: the page's title and its figure.
fn card_alt(title: &str, figure: Option<&Printed>, lang: Language) -> String {
    let colon = if lang == Language::Fr { "\u{a0}: " } else { ": " };
    match figure {
        Some(Printed::KeyFigures(keys)) if !keys.is_empty() => {
            format!("{title}{colon}{} — {}", keys[0].value, keys[0].label)
        }
        Some(Printed::Chart { panels, .. }) if !panels.is_empty() => {
            format!("{title}{colon}{}", panels[0].desc)
        }
        _ => title.to_string(),
    }
}

/// The files for search engines: `sitemap.xml` and `robots.txt`, with
/// `base_url`, over every page of every edition; `versions` gives a
/// page's versions in each language (language tag, URL) for the
/// sitemap's alternates. A `robots.txt` of the project's own is kept
/// (`has_robots`).
pub fn site_files<'p>(
    config: &Config,
    pages: &'p [crate::pages::Page],
    versions: impl Fn(&'p crate::pages::Page) -> Vec<(&'p str, &'p str)>,
    has_robots: bool,
) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let Some(map_url) = config.absolute_url(SITEMAP_FILE) else { return files };
    let mut entries: Vec<sitemap::Entry> = pages
        .iter()
        .filter_map(|p| {
            let alternates = versions(p)
                .into_iter()
                .filter_map(|(tag, url)| Some((tag.to_string(), config.absolute_url(url)?)))
                .collect();
            Some(sitemap::Entry { loc: config.absolute_url(&p.url)?, lastmod: p.date.as_deref(), alternates })
        })
        .collect();
    entries.extend(sources_entries(config));
    files.push((PathBuf::from(SITEMAP_FILE), sitemap::sitemap(&entries).into_bytes()));
    if !has_robots {
        files.push((PathBuf::from(ROBOTS_FILE), sitemap::robots(&map_url).into_bytes()));
    }
    files
}

/// Each edition's sources page in the sitemap, with the others as its
/// versions in other languages.
fn sources_entries(config: &Config) -> Vec<sitemap::Entry<'static>> {
    let address =
        |e: &crate::config::Edition| config.absolute_url(&crate::catalog::url(&config.prefix(e.language)));
    let versions: Vec<(String, String)> = match config.editions.len() {
        0 | 1 => Vec::new(),
        _ => config.editions.iter().filter_map(|e| Some((e.tag.clone(), address(e)?))).collect(),
    };
    config
        .editions
        .iter()
        .filter_map(|e| {
            Some(sitemap::Entry { loc: address(e)?, lastmod: None, alternates: versions.clone() })
        })
        .collect()
}

/// An edition's `atom.xml` (in its folder, `prefix`), when a page has a
/// date. `descriptions` go with `pages`, in order.
pub fn feed_file(
    config: &Config,
    pages: &[crate::pages::Page],
    descriptions: &[Option<String>],
    prefix: &str,
) -> Option<(PathBuf, Vec<u8>)> {
    let home = format!("/{prefix}");
    let address =
        |path: &str| config.absolute_url(path).unwrap_or_else(|| crate::pages::relative_url(&home, path));
    let id = |path: &str| config.absolute_url(path).unwrap_or_else(|| feed::urn(&config.title, path));
    let mut entries: Vec<feed::Entry> = pages
        .iter()
        .zip(descriptions)
        .filter_map(|(p, d)| {
            Some(feed::Entry {
                title: &p.front.title,
                url: address(&p.url),
                id: id(&p.url),
                date: p.date.as_deref()?,
                summary: d.as_deref(),
            })
        })
        .collect();
    let file = format!("{prefix}{FEED_FILE}");
    let about = feed::Feed {
        title: &config.title,
        author: config.author.as_deref(),
        home: address(&home),
        id: id(&home),
        url: config.absolute_url(&file).unwrap_or_else(|| FEED_FILE.to_string()),
        lang: &config.language_tag,
    };
    feed::atom(&about, &mut entries).map(|atom| (PathBuf::from(file), atom.into_bytes()))
}

/// The report has an Atom feed: a page has a `date`.
pub fn has_feed(pages: &[crate::pages::Page]) -> bool {
    pages.iter().any(|p| p.date.is_some())
}

/// Where a page's social card is written: `cards/index.png` for the home
/// page, `cards/s/b.png` for `/s/b/`.
pub fn card_path(page_url: &str) -> String {
    let key = page_url.trim_matches('/');
    format!("cards/{}.png", if key.is_empty() { "index" } else { key })
}

/// `text` cut to at most `max` characters, at a word, ending with `…`.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    let at_word = cut.rfind(' ').filter(|&i| i > cut.len() / 2).map_or(cut.as_str(), |i| &cut[..i]);
    let trimmed = at_word.trim_end_matches([' ', ',', ';', ':', '.', '\u{a0}', '\u{202f}']);
    format!("{trimmed}…")
}

/// The language as Open Graph writes it.
pub fn locale(lang: Language) -> &'static str {
    match lang {
        Language::Fr => "fr_FR",
        Language::En => "en_US",
        Language::De => "de_DE",
        Language::Es => "es_ES",
    }
}

/// A page date (`2024`, `2024-05`, `2024-05-31`) as a full RFC 3339 time
/// at midnight UTC, for feeds; `None` for a date that is not one.
pub fn rfc3339(date: &str) -> Option<String> {
    let d = Date::parse(date)?;
    Some(format!("{:04}-{:02}-{:02}T00:00:00Z", d.year, d.month.max(1), d.day.max(1)))
}

/// XML text or attribute value: `&`, `<`, `>` and quotes escaped.
pub fn xml_escape(s: &str) -> String {
    crate::html::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_cut_at_a_word() {
        assert_eq!(clip("court", 160), "court");
        let long = "Un partenariat se termine souvent sans un mot : le contenu est livré, la facture réglée.";
        let cut = clip(long, 40);
        assert!(cut.chars().count() <= 40, "{cut}");
        assert_eq!(cut, "Un partenariat se termine souvent sans…");
        let one_word = "a".repeat(100);
        assert_eq!(clip(&one_word, 10).chars().count(), 10);
    }

    #[test]
    fn dates_become_midnight_utc() {
        assert_eq!(rfc3339("2024").as_deref(), Some("2024-01-01T00:00:00Z"));
        assert_eq!(rfc3339("2024-05").as_deref(), Some("2024-05-01T00:00:00Z"));
        assert_eq!(rfc3339("2024-05-31").as_deref(), Some("2024-05-31T00:00:00Z"));
        assert_eq!(rfc3339("31/05/2024"), None);
    }
}
