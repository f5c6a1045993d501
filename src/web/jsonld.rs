//! schema.org descriptions in JSON-LD: the report as a `Report`, and each
//! dataset a page shows as a `Dataset`, so search engines (Google Dataset
//! Search among them) list the study's data with its source and download.

use serde_json::{Value, json};

use crate::config::Config;
use crate::datasets::Dataset;

/// The report: title, description, author, date, language, and the
/// address of its home page (`home`, a site URL: `/`, `/en/`).
pub fn report(config: &Config, date: Option<&str>, home: &str) -> Value {
    let mut v = json!({
        "@type": "Report",
        "name": config.title,
        "inLanguage": config.language_tag,
    });
    insert(&mut v, "description", config.description.as_deref().map(Value::from));
    insert(&mut v, "author", config.author.as_deref().map(creator));
    insert(&mut v, "datePublished", date.map(Value::from));
    insert(&mut v, "url", config.absolute_url(home).map(Value::from));
    v
}

/// A dataset: what it measures, who made it, where it comes from and
/// where to download it (`csv`, the site path of its CSV file).
pub fn dataset(ds: &Dataset, config: &Config, csv: &str) -> Value {
    // Search engines want a sentence, not a name: without a description of
    // its own, the dataset is said to be the report's, with its source.
    let description = ds.meta.description.clone().unwrap_or_else(|| {
        let about = format!("{} — {}", ds.title(), config.title);
        match &ds.meta.source {
            Some(source) => format!("{about} ({source})"),
            None => about,
        }
    });
    let download = config.absolute_url(csv).unwrap_or_else(|| csv.to_string());
    let mut v = json!({
        "@type": "Dataset",
        "name": ds.title(),
        "description": description,
        "inLanguage": config.language_tag,
        "isAccessibleForFree": true,
        "distribution": [{
            "@type": "DataDownload",
            "encodingFormat": "text/csv",
            "contentUrl": download,
        }],
        "variableMeasured": ds.fields.iter().map(|f| {
            let mut p = json!({ "@type": "PropertyValue", "name": f.title() });
            if f.label.is_some() {
                insert(&mut p, "alternateName", Some(Value::from(f.name.as_str())));
            }
            p
        }).collect::<Vec<_>>(),
    });
    insert(&mut v, "creator", config.author.as_deref().map(creator));
    insert(&mut v, "sameAs", ds.meta.source_url.as_deref().map(Value::from));
    insert(&mut v, "citation", ds.meta.source.as_deref().map(Value::from));
    let date = ds.meta.date.as_deref().filter(|d| crate::dates::Date::parse(d).is_some());
    insert(&mut v, "temporalCoverage", date.map(Value::from));
    if let Some(s) = &ds.meta.snapshot {
        insert(&mut v, "dateModified", Some(Value::from(s.fetched.as_str())));
        let how = format!("SQL query on the database `{}`: {}", s.connection, s.query.trim());
        insert(&mut v, "measurementTechnique", Some(Value::from(how)));
    }
    insert(&mut v, "isPartOf", config.absolute_url("").map(|u| json!({ "@type": "Report", "url": u })));
    v
}

/// The sources page: a catalogue (named `name`, at site path `url`) of
/// the `datasets`, each described by [`dataset`].
pub fn catalog(config: &Config, name: &str, url: &str, datasets: Vec<Value>) -> Value {
    let mut v = json!({
        "@type": "DataCatalog",
        "name": name,
        "inLanguage": config.language_tag,
        "dataset": datasets,
    });
    insert(&mut v, "url", config.absolute_url(url).map(Value::from));
    insert(&mut v, "creator", config.author.as_deref().map(creator));
    v
}

/// The page's descriptions as one JSON-LD document, written so it can sit
/// inside `<script>`: `<`, `>` and `&` are escaped, so no text from a
/// dataset can close the element.
pub fn script(items: Vec<Value>) -> Option<String> {
    let doc = match items.len() {
        0 => return None,
        1 => with_context(items.into_iter().next()?),
        _ => json!({ "@context": "https://schema.org", "@graph": items }),
    };
    let text = serde_json::to_string(&doc).ok()?;
    Some(text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026"))
}

fn with_context(mut item: Value) -> Value {
    if let Value::Object(map) = &mut item {
        let mut out = serde_json::Map::new();
        out.insert("@context".into(), Value::from("https://schema.org"));
        out.extend(std::mem::take(map));
        return Value::Object(out);
    }
    item
}

/// `author` as schema.org's creator. It may be a person or a firm and
/// the report does not say which; an organisation is the safer reading
/// for a published study (a consultancy, a school).
fn creator(name: &str) -> Value {
    json!({ "@type": "Organization", "name": name })
}

fn insert(v: &mut Value, key: &str, value: Option<Value>) {
    if let (Value::Object(map), Some(value)) = (v, value) {
        map.insert(key.to_string(), value);
    }
}
