//! `barometer sources`: runs each dataset's SQL query and writes its
//! snapshot (a CSV file and its provenance) into the snapshot folder.
//!
//! This is the only command that reaches a database. `build` reads the
//! snapshots alone, so a build stays offline and gives the same bytes
//! until someone fetches again and commits the result.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::config::{CONFIG_FILE, Config, Connection};
use crate::datasets::snapshot::{self, Provenance};
use crate::datasets::{FieldType, QuerySpec, query_spec};
use crate::diagnostics::{Diagnostic, Pos};
use crate::load;

/// What `barometer sources` was asked.
pub struct SourcesOptions {
    pub root: PathBuf,
    /// Dataset ids to fetch; every dataset with a query when empty.
    pub only: Vec<String>,
}

/// A snapshot written.
#[derive(Debug)]
pub struct Fetched {
    pub id: String,
    pub connection: String,
    pub rows: u64,
    /// The CSV file, relative to the project.
    pub file: PathBuf,
}

/// What the command did, and every problem it met.
#[derive(Debug, Default)]
pub struct SourcesOutcome {
    pub fetched: Vec<Fetched>,
    pub diagnostics: Vec<Diagnostic>,
    /// The text of the files diagnostics name, to show their lines.
    pub sources: BTreeMap<PathBuf, String>,
}

/// A query's result: each column's name and type, and the rows as CSV.
pub struct Table {
    pub columns: Vec<(String, FieldType)>,
    pub csv: String,
    pub rows: u64,
}

/// Why a query gave no table: the database's words, and where in the
/// query it points (a character index from 1), if it does.
pub struct QueryError {
    pub message: String,
    pub position: Option<usize>,
    pub hint: Option<String>,
    /// The connection failed, not the query: the error points at
    /// `connection:`.
    pub connecting: bool,
}

impl QueryError {
    fn new(message: impl Into<String>, hint: Option<String>) -> QueryError {
        QueryError { message: message.into(), position: None, hint, connecting: false }
    }

    fn connecting(message: impl Into<String>, hint: impl Into<String>) -> QueryError {
        QueryError { connecting: true, ..QueryError::new(message, Some(hint.into())) }
    }
}

/// Fetches every query (or those `only` names) and writes the snapshots.
pub fn run(opts: &SourcesOptions) -> SourcesOutcome {
    let mut out = SourcesOutcome::default();
    let project = match load::load(&opts.root) {
        Ok(p) => p,
        Err(errs) => return SourcesOutcome { diagnostics: errs, ..out },
    };
    let config = match Config::parse(&project.config) {
        Ok(c) => c,
        Err(errs) => {
            out.sources.insert(PathBuf::from(CONFIG_FILE), project.config.clone());
            return SourcesOutcome { diagnostics: errs, ..out };
        }
    };
    let languages = config.languages();
    let tongue = crate::i18n::Tongue { lang: config.default_language(), languages: &languages };
    let mut queries = Vec::new();
    for src in &project.datasets {
        match query_spec(src, tongue) {
            Ok(Some(spec)) => queries.push((src.id.clone(), src.yaml.clone().unwrap_or_default(), spec)),
            Ok(None) => {}
            Err(d) => out.diagnostics.push(d),
        }
    }
    for id in opts.only.iter().filter(|id| !queries.iter().any(|(q, ..)| q == *id)) {
        let d = Diagnostic::error(Path::new("data"), None, format!("no dataset `{id}` has a `query`"));
        out.diagnostics.push(d.suggest(id, queries.iter().map(|(q, ..)| q.as_str())));
    }
    let folder = PathBuf::from(&config.snapshots);
    let mut fetch = Fetcher::default();
    for (id, (yaml_path, yaml_text), spec) in queries {
        if !opts.only.is_empty() && !opts.only.contains(&id) {
            continue;
        }
        let result = connection_of(&config, &yaml_path, &spec)
            .and_then(|c| {
                fetch
                    .table(&spec.connection.0, c, &spec.query.0)
                    .map_err(|e| sql_error(&yaml_path, &yaml_text, &spec, e))
            })
            .and_then(|table| write(&opts.root, &folder, &id, &spec, table));
        match result {
            Ok(f) => out.fetched.push(f),
            Err(d) => {
                out.sources.insert(yaml_path.clone(), yaml_text.clone());
                out.diagnostics.push(d);
            }
        }
    }
    if opts.only.is_empty() && out.fetched.is_empty() && out.diagnostics.is_empty() {
        out.diagnostics.push(
            Diagnostic::note(Path::new("data"), None, "no dataset has a `query`: there is nothing to fetch")
                .with_hint(
                    "give a dataset file `connection:` and `query:` to fetch its rows from a database",
                ),
        );
    }
    out
}

/// The connection a dataset names, from `report.yaml`.
fn connection_of<'a>(
    config: &'a Config,
    yaml: &Path,
    spec: &QuerySpec,
) -> Result<&'a Connection, Diagnostic> {
    let (name, pos) = &spec.connection;
    config.connections.get(name).ok_or_else(|| {
        let d = Diagnostic::error(yaml, Some(*pos), format!("report.yaml declares no connection `{name}`"));
        d.suggest(name, config.connections.keys().map(String::as_str)).or_hint(format!(
            "declare it in report.yaml: `connections: {{ {name}: {{ type: postgres, url_env: {}_URL }} }}`",
            name.to_ascii_uppercase().replace('-', "_")
        ))
    })
}

/// Connections opened so far, by name, so datasets sharing one share it.
#[derive(Default)]
struct Fetcher {
    #[cfg(feature = "postgres")]
    open: BTreeMap<String, postgres::Client>,
}

impl Fetcher {
    #[cfg(feature = "postgres")]
    fn table(&mut self, name: &str, connection: &Connection, query: &str) -> Result<Table, QueryError> {
        if !self.open.contains_key(name) {
            let url = address(name, connection)?;
            self.open.insert(name.to_string(), pg::connect(&url)?);
        }
        let client = self.open.get_mut(name).expect("opened above");
        pg::fetch(client, query)
    }

    #[cfg(not(feature = "postgres"))]
    fn table(&mut self, _: &str, _: &Connection, _: &str) -> Result<Table, QueryError> {
        Err(QueryError::connecting(
            "this barometer was built without PostgreSQL (cargo feature `postgres`)",
            "install a build with default features to fetch snapshots",
        ))
    }
}

/// The connection's address, from the environment.
#[cfg(feature = "postgres")]
fn address(name: &str, connection: &Connection) -> Result<String, QueryError> {
    let var = &connection.url_env;
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Ok(url),
        _ => Err(QueryError::connecting(
            format!("the connection `{name}` reads its address from `{var}`, which is not set"),
            format!("export {var}=postgres://user:password@host:5432/database, then run this again"),
        )),
    }
}

/// A query error at its place in the dataset file.
fn sql_error(yaml: &Path, text: &str, spec: &QuerySpec, e: QueryError) -> Diagnostic {
    let pos = match e.position {
        Some(at) => query_pos(text, spec, at),
        None if e.connecting => spec.connection.1,
        None => spec.query.1,
    };
    let d = Diagnostic::error(yaml, Some(pos), e.message);
    match e.hint {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// Where the `at`-th character (from 1) of the query is in the dataset
/// file. A block (`query: |`) starts at its first line, or at the `|`,
/// and its lines are the file's next ones, all indented alike.
fn query_pos(text: &str, spec: &QuerySpec, at: usize) -> Pos {
    let (query, start) = (&spec.query.0, spec.query.1);
    let before: String = query.chars().take(at.saturating_sub(1)).collect();
    let line = before.matches('\n').count();
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    let first = text.lines().nth(start.line - 1).unwrap_or("");
    let block = first.chars().skip(start.column - 1).collect::<String>().trim_start().starts_with(['|', '>']);
    if !block {
        return Pos::new(start.line + line, start.column + column);
    }
    let body = text.lines().skip(start.line).find(|l| !l.trim().is_empty()).unwrap_or("");
    let indent = body.len() - body.trim_start().len();
    Pos::new(start.line + 1 + line, indent + column + 1)
}

/// Writes the snapshot of `id`: its CSV file, then its provenance. Files
/// in the way that barometer did not write are left alone.
fn write(
    root: &Path,
    folder: &Path,
    id: &str,
    spec: &QuerySpec,
    table: Table,
) -> Result<Fetched, Diagnostic> {
    let (csv, provenance) = snapshot::paths(folder, id);
    for path in [&csv, &provenance] {
        if let Some(d) = not_ours(root, path, &provenance) {
            return Err(d);
        }
    }
    let mut names = std::collections::HashSet::new();
    if let Some((twice, _)) = table.columns.iter().find(|(n, _)| !names.insert(n.as_str())) {
        return Err(Diagnostic::error(
            Path::new(&csv),
            None,
            format!("the query of `{id}` gives two columns named `{twice}`"),
        )
        .with_hint("name each column with `AS`, such as `count(*) AS accounts`"));
    }
    let record = Provenance {
        dataset: id.to_string(),
        connection: spec.connection.0.clone(),
        query_sha256: snapshot::query_sha256(&spec.query.0),
        fetched: now(),
        rows: table.rows,
        columns: table.columns.into_iter().collect(),
    };
    write_file(root, &csv, table.csv.as_bytes())?;
    write_file(root, &provenance, record.to_yaml().as_bytes())?;
    Ok(Fetched { id: id.to_string(), connection: record.connection, rows: record.rows, file: csv })
}

/// Why `path` may not be replaced: it exists, and the provenance beside
/// it (`provenance`) was not written by barometer.
fn not_ours(root: &Path, path: &Path, provenance: &Path) -> Option<Diagnostic> {
    if !root.join(path).exists() {
        return None;
    }
    let marked = fs::read_to_string(root.join(provenance)).is_ok_and(|t| t.starts_with(snapshot::MARK));
    (!marked).then(|| {
        Diagnostic::error(path, None, "this file is in the way of a snapshot, and barometer did not write it")
            .with_hint("move it elsewhere, or choose another folder with `snapshots:` in report.yaml")
    })
}

/// Writes `bytes` to `path` (under `root`) whole or not at all.
fn write_file(root: &Path, path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let full = root.join(path);
    let fail = |e: std::io::Error| Diagnostic::error(path, None, format!("cannot write the snapshot: {e}"));
    if let Some(dir) = full.parent() {
        fs::create_dir_all(dir).map_err(fail)?;
    }
    let tmp = full.with_extension("partial");
    fs::write(&tmp, bytes).map_err(fail)?;
    fs::rename(&tmp, &full).map_err(fail)
}

/// Now, as the provenance writes it.
fn now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    crate::dates::utc_timestamp(secs as i64)
}

/// The PostgreSQL wire protocol, spoken by PostgreSQL and by the engines
/// built on or for it.
#[cfg(feature = "postgres")]
mod pg {
    use std::time::Duration;

    use postgres::types::Type;
    use postgres::{Client, NoTls, SimpleQueryMessage};

    use super::{QueryError, Table};
    use crate::datasets::FieldType;

    /// Gives up on a server that does not answer, rather than hang.
    const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

    pub fn connect(url: &str) -> Result<Client, QueryError> {
        let mut config: postgres::Config = url.parse().map_err(|e| {
            QueryError::connecting(
                format!("the connection's address cannot be read: {e}"),
                "write it as postgres://user:password@host:5432/database",
            )
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.connect(NoTls).map_err(|e| QueryError { connecting: true, ..error(&e) })
    }

    /// Runs `query` in a read-only transaction: a report only reads.
    pub fn fetch(client: &mut Client, query: &str) -> Result<Table, QueryError> {
        let mut tx = client.build_transaction().read_only(true).start().map_err(|e| error(&e))?;
        // Preparing gives the columns' types, and refuses several statements.
        let statement = tx.prepare(query).map_err(|e| error(&e))?;
        let columns: Vec<(String, FieldType)> =
            statement.columns().iter().map(|c| (c.name().to_string(), field_type(c.type_()))).collect();
        let booleans: Vec<bool> = statement.columns().iter().map(|c| *c.type_() == Type::BOOL).collect();
        let mut csv =
            csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        let fail = |e: csv::Error| QueryError::new(e.to_string(), None);
        csv.write_record(columns.iter().map(|(n, _)| n)).map_err(fail)?;
        let mut rows = 0;
        for message in tx.simple_query(query).map_err(|e| error(&e))? {
            let SimpleQueryMessage::Row(row) = message else { continue };
            let cells = (0..row.len()).map(|i| match (row.get(i), booleans[i]) {
                (Some("t"), true) => "true",
                (Some("f"), true) => "false",
                (cell, _) => cell.unwrap_or(""),
            });
            csv.write_record(cells).map_err(fail)?;
            rows += 1;
        }
        tx.rollback().map_err(|e| error(&e))?;
        let bytes = csv.into_inner().map_err(|e| QueryError::new(e.to_string(), None))?;
        let csv = String::from_utf8(bytes).map_err(|e| QueryError::new(e.to_string(), None))?;
        Ok(Table { columns, csv, rows })
    }

    /// The type a column of `ty` takes in a dataset.
    fn field_type(ty: &Type) -> FieldType {
        match *ty {
            Type::INT2 | Type::INT4 | Type::INT8 | Type::OID => FieldType::Integer,
            Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC | Type::MONEY => FieldType::Number,
            Type::BOOL => FieldType::Boolean,
            Type::DATE => FieldType::Date,
            _ => FieldType::Text,
        }
    }

    fn error(e: &postgres::Error) -> QueryError {
        let Some(db) = e.as_db_error() else {
            let message = e.to_string();
            let hint = if message.contains("TLS") || message.contains("SSL") {
                "barometer sources connects without TLS: reach the server through an SSH tunnel or a local proxy, on a network you trust"
            } else {
                "check that the server is running and reachable, and the address in the connection's variable"
            };
            return QueryError::new(message, Some(hint.into()));
        };
        let position = match db.position() {
            Some(postgres::error::ErrorPosition::Original(at)) => Some(*at as usize),
            _ => None,
        };
        let hint = db.hint().map(str::to_string).or_else(|| {
            (db.code() == &postgres::error::SqlState::READ_ONLY_SQL_TRANSACTION)
                .then(|| "a report's query only reads: write a SELECT".to_string())
        });
        QueryError {
            position,
            ..QueryError::new(format!("the database refused the query: {}", db.message()), hint)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_errors_point_into_the_dataset_file() {
        let text = "title: T\nconnection: w\nquery: |\n  select tier,\n         count(*) from postz\n";
        let query = "select tier,\n       count(*) from postz\n";
        let spec =
            QuerySpec { connection: ("w".into(), Pos::new(2, 13)), query: (query.into(), Pos::new(3, 8)) };
        let at = query.find("postz").unwrap() + 1;
        assert_eq!(query_pos(text, &spec, at), Pos::new(5, 24));
        assert_eq!(&text.lines().nth(4).unwrap()[23..], "postz");
        // serde-saphyr places a block at its first line.
        let spec = QuerySpec { query: (query.into(), Pos::new(4, 3)), ..spec };
        assert_eq!(query_pos(text, &spec, at), Pos::new(5, 24));
        let text = "query: select * from postz\n";
        let spec = QuerySpec { query: ("select * from postz".into(), Pos::new(1, 8)), ..spec };
        assert_eq!(query_pos(text, &spec, 15), Pos::new(1, 22));
        assert_eq!(&text[21..], "postz\n");
    }
}
