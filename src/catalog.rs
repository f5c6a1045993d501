//! The sources page (`sources/` in each edition): every dataset the edition
//! publishes, with what a reader checking a figure needs. Its source and
//! sample, its size and columns, where the report shows it, its CSV, what
//! a derived dataset is computed from, and for data fetched by SQL where,
//! when and by which query. The PDF lists the same sources
//! ([`crate::figures::data_source`]); both are written from the same
//! report as the pages.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::datasets::Dataset;
use crate::format::NumberFormat;
use crate::i18n::fill;
use crate::pages::{relative_url, root_prefix};
use crate::typography::spaced;

/// The page's folder in its edition: `sources/`, `en/sources/`.
pub const FOLDER: &str = "sources/";

/// The page's file in its edition, as links from other pages name it.
pub const FILE: &str = "sources/index.html";

/// The page's URL in the edition at `prefix` (`""`, `en/`): `/sources/`.
pub fn url(prefix: &str) -> String {
    format!("/{prefix}{FOLDER}")
}

/// A block of the report that shows a dataset.
pub struct Use {
    pub dataset: String,
    /// The page, by its place in reading order.
    pub page: usize,
    /// `Figure 3`, `Tableau 1`; `None` for key figures.
    pub label: Option<String>,
    /// Its anchor on its page; `None` for key figures.
    pub anchor: Option<String>,
}

/// What the page is written from.
pub struct Facts<'a> {
    pub datasets: &'a BTreeMap<String, Dataset>,
    /// Each page's title and URL, in reading order.
    pub pages: Vec<(&'a str, &'a str)>,
    /// The blocks that show data, in reading order.
    pub uses: Vec<Use>,
    /// The size of each dataset's CSV file, by id.
    pub csv_sizes: HashMap<&'a str, usize>,
    /// The edition's folder in the site: `""`, `en/`. Editions after the
    /// first may translate only some pages, and show fewer datasets.
    pub prefix: &'a str,
}

/// The page's datasets, as the theme's `sources.html` shows them.
#[derive(Serialize)]
pub struct View {
    /// Those the edition shows, in the order it first shows them.
    pub shown: Vec<Entry>,
    /// Those it publishes without showing: what derived datasets are
    /// computed from, and data offered as download only.
    pub others: Vec<Entry>,
    /// The edition is a translation of some pages only: the datasets it
    /// does not show may be shown in another language's.
    pub partial: bool,
}

/// One dataset on the page. Texts are plain; the theme escapes them.
#[derive(Serialize)]
pub struct Entry {
    /// Its element id: `data-relations`, `data-survey/q3`.
    pub anchor: String,
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    /// `Source : …`, and the address it links to.
    pub source: Option<String>,
    pub source_url: Option<String>,
    /// `n = 1 252 répondants`.
    pub sample: Option<String>,
    /// `12 lignes · 4 colonnes`.
    pub size: String,
    /// Each column's name in the CSV, and its title when it differs.
    pub columns: Vec<Column>,
    /// Relative to the page.
    pub download: String,
    /// `2 Ko`.
    pub download_size: String,
    /// The dataset it is computed from: its title and anchor.
    pub derived_from: Option<Link>,
    /// Where, when and how many rows, for data fetched by SQL, and the query.
    pub provenance: Option<String>,
    pub query: Option<String>,
    /// The pages that show it, each with its figures and tables.
    pub shown_in: Vec<PageUses>,
}

#[derive(Serialize)]
pub struct Column {
    pub name: String,
    pub title: Option<String>,
}

#[derive(Serialize)]
pub struct Link {
    pub text: String,
    pub url: String,
}

/// A page that shows a dataset, and how: `Figure 3`, `Chiffres clés`.
#[derive(Serialize)]
pub struct PageUses {
    pub title: String,
    pub url: String,
    pub blocks: Vec<Block>,
}

/// A block that shows a dataset: a link to a figure or table, or the
/// words `Chiffres clés` (key figures have no anchor of their own).
#[derive(Serialize, PartialEq)]
pub struct Block {
    pub text: String,
    pub url: Option<String>,
}

/// The page's datasets, shown ones first.
pub fn view(facts: &Facts, fmt: &NumberFormat) -> View {
    let mut order: Vec<&str> = Vec::new();
    for u in &facts.uses {
        if !order.contains(&u.dataset.as_str()) {
            order.push(&u.dataset);
        }
    }
    let entry = |ds: &Dataset| entry(ds, facts, fmt);
    let shown = order.iter().filter_map(|id| facts.datasets.get(*id)).map(entry).collect();
    let others = facts.datasets.values().filter(|ds| !order.contains(&ds.id.as_str())).map(entry).collect();
    View { shown, others, partial: !facts.prefix.is_empty() }
}

/// The element id of a dataset's entry.
pub fn anchor(id: &str) -> String {
    format!("data-{id}")
}

fn entry(ds: &Dataset, facts: &Facts, fmt: &NumberFormat) -> Entry {
    let lang = fmt.language();
    let here = url(facts.prefix);
    let typo = |s: &str| spaced(s, lang).into_owned();
    let from = ds.from.as_deref().and_then(|id| facts.datasets.get(id));
    let snapshot = ds.meta.snapshot.as_ref();
    Entry {
        anchor: anchor(&ds.id),
        id: ds.id.clone(),
        title: typo(ds.title()),
        description: ds.meta.description.as_deref().map(typo),
        source: ds.meta.source.as_deref().map(typo),
        source_url: ds.meta.source_url.clone(),
        sample: ds.meta.sample_size.map(|n| crate::figures::sample_size(n, fmt)),
        size: format!("{} · {}", counted(ds.len, "rows", fmt), counted(ds.fields.len(), "columns", fmt)),
        columns: ds
            .fields
            .iter()
            .map(|f| Column { name: f.name.clone(), title: f.label.as_deref().map(typo) })
            .collect(),
        download: format!("{}{}", root_prefix(&here), crate::datasets::csv_file(facts.prefix, &ds.id)),
        download_size: fmt.file_size(facts.csv_sizes.get(ds.id.as_str()).copied().unwrap_or(0)),
        derived_from: from.map(|f| Link { text: typo(f.title()), url: format!("#{}", anchor(&f.id)) }),
        provenance: crate::figures::provenance(ds, fmt),
        query: snapshot.map(|s| s.query.trim_end().to_string()),
        shown_in: shown_in(&ds.id, facts, fmt),
    }
}

/// The pages that show dataset `id`, in reading order, each with links to
/// its figures and tables (and its key figures, to the page).
fn shown_in(id: &str, facts: &Facts, fmt: &NumberFormat) -> Vec<PageUses> {
    let here = url(facts.prefix);
    let mut out: Vec<(usize, PageUses)> = Vec::new();
    for u in facts.uses.iter().filter(|u| u.dataset == id) {
        let Some(&(title, page_url)) = facts.pages.get(u.page) else { continue };
        if out.last().is_none_or(|(p, _)| *p != u.page) {
            let page = PageUses {
                title: spaced(title, fmt.language()).into_owned(),
                url: relative_url(&here, page_url),
                blocks: Vec::new(),
            };
            out.push((u.page, page));
        }
        let Some((_, page)) = out.last_mut() else { continue };
        let block = match (&u.label, &u.anchor) {
            (Some(label), Some(anchor)) => {
                Block { text: label.clone(), url: Some(format!("{}#{anchor}", page.url)) }
            }
            _ => Block { text: fmt.t("key_figures").to_string(), url: None },
        };
        if !page.blocks.contains(&block) {
            page.blocks.push(block);
        }
    }
    out.into_iter().map(|(_, p)| p).collect()
}

/// `1 ligne`, `12 lignes`: `what` is `rows` or `columns`.
fn counted(n: usize, what: &str, fmt: &NumberFormat) -> String {
    if n == 1 {
        return fmt.t(&format!("{what}_one")).to_string();
    }
    fill(fmt.t(&format!("{what}_many")), &[("n", &fmt.number(n as f64, None))])
}
