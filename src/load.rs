//! The load stage: reads every file a build needs into memory, once.
//! Nothing after this stage touches the disk until the site is written.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::CONFIG_FILE;
use crate::datasets::{
    DatasetSource, RowsData, id_for, is_binary_rows_file, is_rows_file, is_text_rows_file, snapshot,
};
use crate::diagnostics::Diagnostic;
use crate::theme;

/// A project's files, as read.
#[derive(Debug, Default)]
pub struct Project {
    pub root: PathBuf,
    pub config: String,
    /// (`content/a.md`, text), sorted by path.
    pub pages: Vec<(PathBuf, String)>,
    pub datasets: Vec<DatasetSource>,
    /// Template name to (file it came from, text); later layers override.
    pub templates: BTreeMap<String, (PathBuf, String)>,
    /// Output path to bytes, for theme and project static files.
    pub static_files: BTreeMap<PathBuf, Vec<u8>>,
    /// Files in `content/` that are not pages, by path in the site
    /// (`s/figure.png` for `content/s/figure.png`): published when a page
    /// links to them.
    pub content_files: BTreeMap<PathBuf, Vec<u8>>,
    /// The stylesheets `extra_css` names, in its order: (file, text).
    pub extra_css: Vec<(PathBuf, String)>,
    /// The bibliography `report.yaml` names: (file, text).
    pub bibliography: Option<(PathBuf, String)>,
    /// Translation files of a theme in `themes/` and of the project
    /// (`i18n/en.yaml`): (file, text), the project's last.
    pub translations: Vec<(PathBuf, String)>,
    /// What reading found that does not stop a build: a file in `data/`
    /// that is no dataset barometer reads.
    pub warnings: Vec<Diagnostic>,
    /// [`Project::data_fingerprint`], taken before rows files are let go.
    fingerprint: Option<u64>,
}

impl Project {
    /// A fingerprint of what figures are drawn from: the settings and
    /// every dataset file. Pages and templates are left out on purpose:
    /// editing prose must not redraw charts.
    pub fn data_fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        if let Some(f) = self.fingerprint {
            return f;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.config.hash(&mut h);
        // A dataset's `source: "@key"` reads the bibliography.
        self.bibliography.hash(&mut h);
        // Chart descriptions are written with the theme's strings.
        self.translations.hash(&mut h);
        for d in &self.datasets {
            (&d.id, &d.yaml, &d.rows, &d.snapshot).hash(&mut h);
        }
        h.finish()
    }

    /// Lets go of rows files (CSV, TSV, JSON, workbooks, Parquet) once
    /// their datasets are read, but for those in `keep` (named by a
    /// diagnostic): a raw export is then held once, as columns, not also
    /// as the file. Takes the
    /// [`data_fingerprint`](Self::data_fingerprint) first when `fingerprint`
    /// (hashing a raw export costs a tenth of a second).
    pub fn release_rows(&mut self, keep: &std::collections::HashSet<&Path>, fingerprint: bool) {
        if fingerprint {
            self.fingerprint = Some(self.data_fingerprint());
        }
        // mimalloc (the binary's allocator) keeps freed memory a while for
        // reuse; the text of a raw export is not reused, so it is given
        // back to the system as it is freed.
        let delay = purge_now();
        for (path, data) in self.datasets.iter_mut().filter_map(|d| d.rows.as_mut()) {
            if !matches!(data, RowsData::Released) && !keep.contains(path.as_path()) {
                *data = RowsData::Released;
            }
        }
        restore_purge(delay);
    }

    /// Every text file read, for showing source lines in diagnostics.
    pub fn sources(&self) -> impl Iterator<Item = (&Path, &str)> {
        let config = std::iter::once((Path::new(CONFIG_FILE), self.config.as_str()));
        let pages = self.pages.iter().map(|(p, t)| (p.as_path(), t.as_str()));
        let datasets = self.datasets.iter().flat_map(|d| {
            let rows = d.rows.iter().filter_map(|(p, r)| Some((p.as_path(), r.text()?)));
            let snapshot = d.snapshot.iter().flat_map(|s| [&s.csv, &s.provenance]);
            let files = d.yaml.iter().chain(snapshot).map(|(p, t)| (p.as_path(), t.as_str()));
            files.chain(rows)
        });
        let templates = self.templates.values().chain(&self.bibliography).chain(&self.translations);
        let templates = templates.map(|(p, t)| (p.as_path(), t.as_str()));
        config.chain(pages).chain(datasets).chain(templates)
    }
}

/// Reads the project at `root`. `theme` is read from `report.yaml` by the
/// caller first, since it decides which folders to read.
pub fn load(root: &Path) -> Result<Project, Vec<Diagnostic>> {
    let config = fs::read_to_string(root.join(CONFIG_FILE)).map_err(|e| {
        vec![
            Diagnostic::error(
                CONFIG_FILE,
                None,
                format!("cannot read {CONFIG_FILE} in `{}`: {}", root.display(), io_reason(&e)),
            )
            .with_hint("run barometer in the report's folder, or pass `--root DIR`"),
        ]
    })?;
    let mut errors = Vec::new();
    let mut project = Project { root: root.to_path_buf(), config, ..Project::default() };
    // Read in parallel: a thousand pages are a thousand system calls.
    let paths = files_under(root, "content", &mut errors);
    let read: Vec<(PathBuf, Option<Vec<u8>>, Vec<Diagnostic>)> = paths
        .into_par_iter()
        .map(|path| {
            let mut problems = Vec::new();
            let bytes = read_bytes(root, &path, &mut problems);
            (path, bytes, problems)
        })
        .collect();
    for (path, bytes, problems) in read {
        errors.extend(problems);
        let Some(bytes) = bytes else { continue };
        if path.extension().is_some_and(|e| e == "md") {
            if let Some(text) = utf8(&path, bytes, &mut errors) {
                project.pages.push((path, text));
            }
        } else {
            let in_site = path.strip_prefix("content").unwrap_or(&path).to_path_buf();
            project.content_files.insert(in_site, bytes);
        }
    }
    project.datasets = load_datasets(root, &mut errors, &mut project.warnings);
    for (name, text) in theme::TEMPLATES {
        project.templates.insert(
            name.to_string(),
            (PathBuf::from(format!("themes/default/templates/{name}")), text.to_string()),
        );
    }
    for (path, bytes) in theme::STATIC {
        project.static_files.insert(PathBuf::from(path), bytes.to_vec());
    }
    if errors.is_empty() { Ok(project) } else { Err(errors) }
}

/// Adds a theme folder of the project (`themes/<name>`), then the project's
/// own `templates/` and `static/`, each overriding what came before.
pub fn load_overrides(project: &mut Project, theme: &str) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let root = project.root.clone();
    let theme_dir = PathBuf::from("themes").join(theme);
    if !root.join(&theme_dir).is_dir() && theme != "default" {
        let available: Vec<String> = fs::read_dir(root.join("themes"))
            .map(|rd| {
                rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
            })
            .unwrap_or_default();
        errors.push(
            Diagnostic::error(CONFIG_FILE, None, format!("no theme `{theme}` in `themes/`"))
                .suggest(theme, available.iter().map(String::as_str).chain(["default"])),
        );
        return errors;
    }
    for layer in [theme_dir.join("templates"), PathBuf::from("templates")] {
        for path in files_under(&root, &layer.to_string_lossy(), &mut errors) {
            let name = path.strip_prefix(&layer).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if let Some(text) = read_text(&root, &path, &mut errors) {
                let theirs = project.templates.insert(name, (path.clone(), text));
                if let Some((theirs, _)) = theirs.filter(|_| layer == Path::new("templates")) {
                    errors.push(shadowed(&path, &theirs, false));
                }
            }
        }
    }
    // Where each static file comes from, to name the theme's when the
    // project's replaces it.
    let mut origins: BTreeMap<PathBuf, PathBuf> = project
        .static_files
        .keys()
        .map(|p| (p.clone(), Path::new("themes/default/static").join(p)))
        .collect();
    for layer in [theme_dir.join("static"), PathBuf::from("static")] {
        for path in files_under(&root, &layer.to_string_lossy(), &mut errors) {
            if let Some(bytes) = read_bytes(&root, &path, &mut errors) {
                let in_site = path.strip_prefix(&layer).unwrap_or(&path).to_path_buf();
                let theirs = origins.insert(in_site.clone(), path.clone());
                if let Some(theirs) = theirs.filter(|_| layer == Path::new("static")) {
                    errors.push(shadowed(&path, &theirs, true));
                }
                project.static_files.insert(in_site, bytes);
            }
        }
    }
    for layer in [theme_dir.join(crate::i18n::PROJECT_DIR), PathBuf::from(crate::i18n::PROJECT_DIR)] {
        for path in files_under(&root, &layer.to_string_lossy(), &mut errors) {
            if path.extension().is_some_and(|e| e == "yaml")
                && let Some(text) = read_text(&root, &path, &mut errors)
            {
                project.translations.push((path, text));
            }
        }
    }
    errors
}

fn load_datasets(
    root: &Path,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Vec<DatasetSource> {
    let data_dir = Path::new("data");
    let mut by_id: BTreeMap<String, DatasetSource> = BTreeMap::new();
    // Lower-cased id to the first id and file spelled so.
    let mut by_folded: BTreeMap<String, (String, PathBuf)> = BTreeMap::new();
    for path in files_under(root, "data", errors) {
        let ext = crate::datasets::extension(&path);
        let binary = is_binary_rows_file(&ext);
        if !binary && !is_text_rows_file(&ext) && !matches!(ext.as_str(), "yaml" | "yml") {
            warnings.push(unread(&path, &ext));
            continue;
        }
        if !within_limit(root, &path, errors) {
            continue;
        }
        let content = if binary {
            read_bytes(root, &path, errors).map(|b| RowsData::Bytes(std::sync::Arc::new(b)))
        } else {
            read_text(root, &path, errors).map(RowsData::Text)
        };
        let Some(content) = content else {
            continue;
        };
        let id = id_for(data_dir, &path);
        if let Some(d) = id_problem(&id, &path) {
            errors.push(d);
            continue;
        }
        let (other, first) = by_folded.entry(id.to_lowercase()).or_insert_with(|| (id.clone(), path.clone()));
        if *other != id {
            errors.push(
                Diagnostic::error(&path, None, format!("dataset `{id}` differs from `{other}` only in case"))
                    .with_hint(format!(
                        "rename one of this file and `{}`: on macOS and Windows their downloads would be one file",
                        first.display()
                    )),
            );
            continue;
        }
        let entry =
            by_id.entry(id.clone()).or_insert_with(|| DatasetSource { id, ..DatasetSource::default() });
        // A CSV, TSV, JSON, workbook or Parquet file holds rows; a YAML file
        // settings, maybe rows.
        let first = if is_rows_file(&ext) {
            entry.rows.as_ref().map(|r| &r.0)
        } else {
            entry.yaml.as_ref().map(|y| &y.0)
        };
        if let Some(first) = first {
            errors.push(
                Diagnostic::error(&path, None, format!("two files define dataset `{}`", entry.id))
                    .with_hint(format!("keep one of `{}` and `{}`", first.display(), path.display())),
            );
        } else {
            match content {
                RowsData::Text(text) if !is_rows_file(&ext) => entry.yaml = Some((path, text)),
                content => entry.rows = Some((path, content)),
            }
        }
    }
    by_id.into_values().collect()
}

/// A file in `data/` that is no dataset: said, so a survey saved as a
/// workbook is not silently left out of the report.
fn unread(path: &Path, ext: &str) -> Diagnostic {
    let what =
        if ext.is_empty() { "files without an extension".to_string() } else { format!("`.{ext}` files") };
    let hint = match ext {
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => {
            "this barometer was built without workbooks (cargo feature `spreadsheets`): save the sheet as CSV beside it, or move the workbook out of data/"
        }
        "numbers" => {
            "export it from Numbers as an Excel workbook (File > Export To > Excel), or move it out of data/"
        }
        "parquet" => {
            "this barometer was built without Parquet (cargo feature `parquet`): export the table as CSV, or move the file out of data/"
        }
        _ => {
            "datasets are .csv, .tsv, .json, .yaml, .xlsx, .ods or .parquet files; move other files out of data/"
        }
    };
    Diagnostic::warning(path, None, format!("barometer does not read {what}: this file is in no dataset"))
        .with_hint(hint)
}

/// A dataset id is its path under `data/`, and names its CSV download:
/// each part must be one safe URL part.
fn id_problem(id: &str, path: &Path) -> Option<Diagnostic> {
    id.split('/').find_map(|part| {
        let why = crate::paths::segment_problem(part)?;
        let fix = crate::paths::suggest_segment(part);
        Some(
            Diagnostic::error(path, None, format!("`{part}` cannot name a dataset: {why}"))
                .with_hint(format!("rename the file or folder, for example to `{fix}`")),
        )
    })
}

/// Files under `root/dir`, as paths relative to `root`, sorted; hidden
/// files and editor backups left out.
fn files_under(root: &Path, dir: &str, errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    walk(root, dir, true, errors)
}

/// [`files_under`] a folder that is itself hidden (`data/.snapshots`).
fn files_under_all(root: &Path, dir: &str, errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    walk(root, dir, false, errors)
}

fn walk(root: &Path, dir: &str, skip_hidden: bool, errors: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Hidden files and folders (`.git`, `.DS_Store`) and editor backups are
    // not part of a report, and never published.
    let hidden = |e: &walkdir::DirEntry| {
        let name = e.file_name().to_string_lossy();
        e.depth() > 0 && (name.ends_with('~') || (skip_hidden && name.starts_with('.')))
    };
    for entry in WalkDir::new(&base).sort_by_file_name().into_iter().filter_entry(|e| !hidden(e)) {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                out.push(e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf());
            }
            Ok(_) => {}
            Err(e) => errors.push(Diagnostic::error(dir, None, format!("cannot list files: {e}"))),
        }
    }
    out
}

/// Reads the snapshots in `folder` (`data/.snapshots` unless
/// `report.yaml` says otherwise) and gives each to its dataset. A
/// snapshot whose dataset is gone is a warning, so it is not kept
/// unknowingly.
pub fn load_snapshots(project: &mut Project, folder: &str) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let root = project.root.clone();
    let base = Path::new(folder);
    for csv in files_under_all(&root, folder, &mut diags) {
        if csv.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let id = id_for(base, &csv);
        let (_, provenance) = snapshot::paths(base, &id);
        let Some(dataset) = project.datasets.iter_mut().find(|d| d.id == id) else {
            diags.push(
                Diagnostic::warning(&csv, None, format!("this snapshot belongs to no dataset `{id}`"))
                    .with_hint("delete it (and the .yaml beside it), or restore the dataset's file in data/"),
            );
            continue;
        };
        let (Some(csv_text), Some(provenance_text)) =
            (read_text(&root, &csv, &mut diags), read_text(&root, &provenance, &mut diags))
        else {
            continue;
        };
        dataset.snapshot =
            Some(snapshot::Files { csv: (csv, csv_text), provenance: (provenance, provenance_text) });
    }
    diags
}

/// A file of the project that replaces one of the theme: a warning for a
/// static file (a `static/style.css` drops the theme's whole stylesheet),
/// a note for a template (replacing one is what `templates/` is for).
fn shadowed(mine: &Path, theirs: &Path, is_static: bool) -> Diagnostic {
    let message = format!("`{}` replaces the theme's `{}`", mine.display(), theirs.display());
    if is_static {
        let hint = if mine.extension().is_some_and(|e| e == "css") {
            "to add rules to the theme's stylesheet rather than replace it, rename the file and name it in report.yaml: `extra_css: static/brand.css`"
        } else {
            "rename the file if the theme's should stay; to replace it on purpose, make a theme of your own in themes/"
        };
        Diagnostic::warning(mine, None, message).with_hint(hint)
    } else {
        Diagnostic::note(mine, None, message)
            .with_hint("the theme's changes to this template no longer reach the site; compare the two when upgrading barometer")
    }
}

/// Reads the stylesheets `extra_css` names; one that is missing is an
/// error at its line of `report.yaml`.
pub fn load_extra_css(project: &mut Project, files: &[(String, crate::diagnostics::Pos)]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (file, pos) in files {
        let hint = "write the path from report.yaml's folder, such as `extra_css: brand.css`";
        let missing = (Some(*pos), format!("no stylesheet `{file}` in the project"), hint);
        project.extra_css.extend(read_named(&project.root, file, missing, &mut errors));
    }
    errors
}

/// Reads the bibliography `report.yaml` names (a path in the project,
/// checked by the settings).
pub fn load_bibliography(project: &mut Project, file: &str) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    let hint = "put the .bib file next to report.yaml, or correct `bibliography`";
    let missing = (None, format!("no bibliography file `{file}` in the project"), hint);
    project.bibliography = read_named(&project.root, file, missing, &mut errors);
    errors
}

/// The text of a file `report.yaml` names; when there is no such file,
/// `missing` (where in report.yaml, what, hint) is the error.
fn read_named(
    root: &Path,
    file: &str,
    (pos, message, hint): (Option<crate::diagnostics::Pos>, String, &str),
    errors: &mut Vec<Diagnostic>,
) -> Option<(PathBuf, String)> {
    let path = PathBuf::from(file);
    if !root.join(&path).is_file() {
        errors.push(Diagnostic::error(CONFIG_FILE, pos, message).with_hint(hint));
        return None;
    }
    read_text(root, &path, errors).map(|t| (path, t))
}

/// mimalloc's `mi_option_purge_delay` (its place in the header's
/// `mi_option_e`, the same in mimalloc 2 and 3; the Rust bindings lack it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Makes mimalloc give freed memory back at once; the delay it had.
/// Lets memory freed by a build be reused by the next for `millis`
/// before it goes back to the system (mimalloc's default is 10 ms). A
/// long-running process that rebuilds often (`serve`) would otherwise
/// map and fault in tens of megabytes again on every rebuild.
pub fn keep_freed_memory(millis: std::ffi::c_long) {
    restore_purge(millis);
}

fn purge_now() -> std::ffi::c_long {
    // SAFETY: reading and setting an option takes no pointer and may run
    // at any time, from any thread.
    unsafe {
        let delay = libmimalloc_sys::mi_option_get(PURGE_DELAY);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 0);
        delay
    }
}

fn restore_purge(delay: std::ffi::c_long) {
    // SAFETY: as in `purge_now`.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, delay) };
}

/// The largest file `data/` may hold: a build holds it in memory with its
/// columns, whose text offsets are four bytes.
pub const MAX_DATA_FILE: u64 = 2 << 30;

/// Whether the file at `path` is within [`MAX_DATA_FILE`]; an error if not.
fn within_limit(root: &Path, path: &Path, errors: &mut Vec<Diagnostic>) -> bool {
    let size = fs::metadata(root.join(path)).map_or(0, |m| m.len());
    if size <= MAX_DATA_FILE {
        return true;
    }
    errors.push(
        Diagnostic::error(path, None, format!("this file is {} MB; a data file may be at most {} MB", size >> 20, MAX_DATA_FILE >> 20))
            .with_hint("aggregate the rows before the report (a derived dataset of a smaller export, or a SQL `query:` whose snapshot holds the aggregate)"),
    );
    false
}

fn read_bytes(root: &Path, path: &Path, errors: &mut Vec<Diagnostic>) -> Option<Vec<u8>> {
    fs::read(root.join(path))
        .map_err(|e| errors.push(Diagnostic::error(path, None, format!("cannot read: {}", io_reason(&e)))))
        .ok()
}

fn read_text(root: &Path, path: &Path, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let bytes = read_bytes(root, path, errors)?;
    utf8(path, bytes, errors)
}

/// The text of the file at `path`, if it is UTF-8.
fn utf8(path: &Path, bytes: Vec<u8>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    String::from_utf8(bytes)
        .map_err(|_| {
            errors.push(
                Diagnostic::error(path, None, "the file is not valid UTF-8").with_hint("save it as UTF-8"),
            )
        })
        .ok()
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "not found".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, bytes) in files {
            let p = dir.path().join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, bytes).unwrap();
        }
        dir
    }

    #[test]
    fn csv_and_its_sidecar_make_one_dataset() {
        let dir = project(&[
            ("report.yaml", b"title: T\n"),
            ("data/accounts.csv", b"a\n1\n"),
            ("data/accounts.yaml", b"title: A\n"),
            ("data/survey/trust.yaml", b"rows: []\n"),
            ("data/notes.txt", b"ignored"),
        ]);
        let p = load(dir.path()).unwrap();
        let ids: Vec<_> = p.datasets.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["accounts", "survey/trust"]);
        assert!(p.datasets[0].rows.is_some() && p.datasets[0].yaml.is_some());
    }

    #[test]
    fn released_rows_keep_the_fingerprint_and_the_files_diagnostics_name() {
        let dir =
            project(&[("report.yaml", b"title: T\n"), ("data/a.csv", b"x\n1\n"), ("data/b.csv", b"x\n2\n")]);
        let mut p = load(dir.path()).unwrap();
        let before = p.data_fingerprint();
        let keep: std::collections::HashSet<&Path> = [Path::new("data/b.csv")].into_iter().collect();
        p.release_rows(&keep, true);
        assert_eq!(p.data_fingerprint(), before);
        let texts: Vec<&Path> = p.sources().map(|(path, _)| path).filter(|p| p.starts_with("data")).collect();
        assert_eq!(texts, [Path::new("data/b.csv")]);
        assert!(matches!(p.datasets[0].rows, Some((_, RowsData::Released))));
    }

    #[test]
    fn unreadable_files_are_errors_not_panics() {
        let dir = project(&[
            ("report.yaml", b"title: T\n"),
            ("content/_index.md", b"---\ntitle: \xff\n---\n"),
            ("data/a.yaml", b"rows: []\n"),
            ("data/a.yml", b"rows: []\n"),
        ]);
        let errs = load(dir.path()).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().any(|e| e.message.contains("UTF-8")));
        assert!(errs.iter().any(|e| e.message.contains("two files define dataset `a`")));
        let missing = load(&dir.path().join("nowhere")).unwrap_err();
        assert!(missing[0].message.contains("cannot read report.yaml"));
    }

    #[test]
    fn dataset_names_are_safe_url_parts_unique_in_any_case() {
        let dir = project(&[
            ("report.yaml", b"title: T\n"),
            ("data/a.csv", b"x\n1\n"),
            ("data/A.csv", b"x\n1\n"),
            ("data/what#why?.yaml", b"rows: []\n"),
            ("data/100%.csv", b"x\n1\n"),
            ("data/données.yaml", b"rows: []\n"),
            ("data/b.csv", b"x\n1\n"),
            ("data/b.CSV", b"x\n2\n"),
        ]);
        let errs = load(dir.path()).unwrap_err();
        let said: Vec<_> = errs.iter().map(|e| (e.file.display().to_string(), e.message.clone())).collect();
        assert_eq!(errs.len(), 4, "{said:?}");
        assert!(
            said.iter().any(|(f, m)| f == "data/b.csv" && m.contains("two files define dataset `b`")),
            "{said:?}"
        );
        assert!(said.iter().any(|(f, m)| f == "data/a.csv" && m.contains("only in case")), "{said:?}");
        assert!(said.iter().any(|(f, m)| f == "data/what#why?.yaml" && m.contains("`#`")), "{said:?}");
        assert!(said.iter().any(|(f, _)| f == "data/100%.csv"), "{said:?}");
    }

    #[test]
    fn project_templates_and_static_override_the_theme() {
        let dir = project(&[
            ("report.yaml", b"title: T\n"),
            ("templates/page.html", b"mine"),
            ("static/style.css", b"body{}"),
            ("static/img/logo.svg", b"<svg/>"),
        ]);
        let mut p = load(dir.path()).unwrap();
        let said: Vec<(crate::diagnostics::Severity, String)> = load_overrides(&mut p, "default")
            .into_iter()
            .map(|d| (d.severity, d.file.display().to_string()))
            .collect();
        use crate::diagnostics::Severity::{Note, Warning};
        assert_eq!(said, [(Note, "templates/page.html".into()), (Warning, "static/style.css".into())]);
        assert_eq!(p.templates["page.html"].1, "mine");
        assert_eq!(p.templates["page.html"].0, Path::new("templates/page.html"));
        assert_eq!(p.static_files[Path::new("style.css")], b"body{}");
        assert!(p.static_files.contains_key(Path::new("img/logo.svg")));
        assert!(p.static_files.contains_key(Path::new("fonts/Inter-Regular.ttf")));
        let errs = load_overrides(&mut p, "defualt");
        assert_eq!(errs[0].hint.as_deref(), Some("did you mean `default`?"));
    }
}
