//! Snapshots of SQL queries.
//!
//! `barometer sources` runs each dataset's `query:` and writes its rows as
//! a CSV file, with a provenance file beside it (connection, query hash,
//! row count, time fetched). A build reads only these: it never needs the
//! database nor the network, so it stays deterministic and CI needs no
//! server. A snapshot whose query or connection changed since is stale,
//! and an error, like a missing one.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::{FieldType, QuerySpec};
use crate::diagnostics::{Diagnostic, Pos};

/// Where snapshots go unless `report.yaml` says `snapshots:`. Hidden, so
/// the CSV files in it are not datasets of their own.
pub const DEFAULT_FOLDER: &str = "data/.snapshots";

/// A snapshot's two files as read: (path, text) each.
#[derive(Clone, Debug, Hash)]
pub struct Files {
    pub csv: (PathBuf, String),
    pub provenance: (PathBuf, String),
}

/// The provenance file of a snapshot (`<id>.yaml` beside `<id>.csv`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The dataset's id.
    pub dataset: String,
    /// The name of the connection in `report.yaml`.
    pub connection: String,
    /// SHA-256 of the query, as the dataset file writes it.
    pub query_sha256: String,
    /// When the rows were fetched, RFC 3339 in UTC.
    pub fetched: String,
    pub rows: u64,
    /// Each column's type, from the database's own types.
    #[serde(default)]
    pub columns: IndexMap<String, FieldType>,
}

/// What a reader is told of a dataset fetched by SQL.
#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    pub connection: String,
    pub query: String,
    /// RFC 3339 in UTC.
    pub fetched: String,
    pub rows: u64,
}

/// The header line of every provenance file, which also marks the files
/// `barometer sources` may replace.
pub const MARK: &str = "# Written by `barometer sources`: where this snapshot comes from. Do not edit.";

/// A snapshot's file paths in `folder`, for the dataset `id`.
pub fn paths(folder: &Path, id: &str) -> (PathBuf, PathBuf) {
    let base = folder.join(id);
    (base.with_extension("csv"), base.with_extension("yaml"))
}

/// The hex SHA-256 of `query`.
pub fn query_sha256(query: &str) -> String {
    Sha256::digest(query.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

impl Provenance {
    /// The provenance file's text.
    pub fn to_yaml(&self) -> String {
        let mut out = format!(
            "{MARK}\ndataset: {}\nconnection: {}\nquery_sha256: {}\nfetched: {}\nrows: {}\ncolumns:\n",
            quote(&self.dataset),
            quote(&self.connection),
            self.query_sha256,
            self.fetched,
            self.rows
        );
        for (name, ty) in &self.columns {
            let ty = serde_json::to_value(ty).ok().and_then(|v| v.as_str().map(str::to_string));
            out.push_str(&format!("  {}: {}\n", quote(name), ty.unwrap_or_default()));
        }
        out
    }
}

/// A YAML scalar that reads back as `s` whatever it holds.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The snapshot of the dataset `id` (settings in `yaml`), checked against
/// its query: its provenance, or an error that names the command to run.
pub fn check(
    id: &str,
    yaml: &Path,
    spec: &QuerySpec,
    files: Option<&Files>,
) -> Result<Provenance, Diagnostic> {
    let run = format!(
        "run `barometer sources {id}` where the connection's database is reachable, then commit the snapshot"
    );
    let Some(files) = files else {
        return Err(Diagnostic::error(
            yaml,
            Some(spec.query.1),
            format!("the dataset `{id}` has no snapshot of its query"),
        )
        .with_hint(run));
    };
    let (path, text) = &files.provenance;
    let provenance: Provenance = crate::yaml::parse(path, text, 0)
        .map_err(|d| d.with_hint(format!("this file is written by barometer: {run}")))?;
    let stale = |why: &str| {
        Diagnostic::error(yaml, Some(spec.query.1), format!("the snapshot of `{id}` is stale: {why}"))
            .with_hint(run.clone())
    };
    if provenance.connection != spec.connection.0 {
        return Err(stale(&format!(
            "it was fetched from `{}`, not `{}`",
            provenance.connection, spec.connection.0
        )));
    }
    if provenance.query_sha256 != query_sha256(&spec.query.0) {
        return Err(stale("the query changed since it was fetched"));
    }
    Ok(provenance)
}

/// The fields a snapshot's columns declare, from the database's types,
/// for the columns the dataset file does not declare itself.
pub fn declared_types(provenance: &Provenance, at: Pos) -> Vec<super::RawField> {
    provenance
        .columns
        .iter()
        .map(|(name, ty)| super::RawField {
            name: name.clone(),
            label: None,
            ty: Some(*ty),
            default: None,
            style: Default::default(),
            pos: at,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(query: &str) -> QuerySpec {
        QuerySpec { connection: ("warehouse".into(), Pos::new(2, 1)), query: (query.into(), Pos::new(3, 8)) }
    }

    fn files(p: &Provenance) -> Files {
        Files {
            csv: ("data/.snapshots/a.csv".into(), "x\n1\n".into()),
            provenance: ("data/.snapshots/a.yaml".into(), p.to_yaml()),
        }
    }

    #[test]
    fn provenance_reads_back_and_staleness_is_told() {
        let mut columns = IndexMap::new();
        columns.insert("tier: \"x\"".to_string(), FieldType::Text);
        columns.insert("n".to_string(), FieldType::Integer);
        let p = Provenance {
            dataset: "a".into(),
            connection: "warehouse".into(),
            query_sha256: query_sha256("select 1"),
            fetched: "2026-11-25T10:42:07Z".into(),
            rows: 1,
            columns,
        };
        let yaml = Path::new("data/a.yaml");
        assert_eq!(check("a", yaml, &spec("select 1"), Some(&files(&p))), Ok(p.clone()));
        let changed = check("a", yaml, &spec("select 2"), Some(&files(&p))).unwrap_err();
        assert!(changed.message.contains("stale: the query changed"), "{changed:?}");
        assert_eq!(changed.pos, Some(Pos::new(3, 8)));
        assert!(changed.hint.unwrap().contains("barometer sources a"));
        let other = Provenance { connection: "crm".into(), ..p.clone() };
        let moved = check("a", yaml, &spec("select 1"), Some(&files(&other))).unwrap_err();
        assert!(moved.message.contains("fetched from `crm`, not `warehouse`"), "{moved:?}");
        let missing = check("a", yaml, &spec("select 1"), None).unwrap_err();
        assert!(missing.message.contains("has no snapshot"));
    }

    #[test]
    fn query_hash_is_sha256() {
        // `printf 'select 1' | sha256sum`
        assert_eq!(
            query_sha256("select 1"),
            "822ae07d4783158bc1912bb623e5107cc9002d519e1143a9c200ed6ee18b6d0f"
        );
    }
}
