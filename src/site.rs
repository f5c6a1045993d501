//! The write stage: the site built in memory goes to disk, touching only
//! what changed.
//!
//! The writer runs only after a build succeeded, so a build with errors
//! never touches the output. Writing then costs what the file system
//! charges per file and folder, which dominates a thousand-page build, so
//! the output is updated in place: a file whose bytes are already there is
//! left alone, a changed file is written beside its old self and renamed
//! over it (readers never see half a file), and files the site no longer
//! has are removed. Folders are kept from one build to the next.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// What writing the site did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Makes the folder `output` hold exactly `files` (relative path to bytes).
pub fn write_site(output: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> io::Result<Written> {
    fs::create_dir_all(output)?;
    let folders: HashSet<PathBuf> = files
        .keys()
        .filter_map(|p| p.parent())
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .collect();
    // Parents before children; each folder at most once.
    let mut folders: Vec<PathBuf> = folders.into_iter().collect();
    folders.sort();
    for folder in &folders {
        let path = output.join(folder);
        if !path.is_dir() {
            if path.exists() {
                fs::remove_file(&path)?; // a file where a folder now goes
            }
            fs::create_dir_all(&path)?;
        }
    }
    let outcomes: Vec<io::Result<bool>> =
        files.par_iter().map(|(rel, bytes)| write_if_changed(&output.join(rel), bytes)).collect();
    let mut done = Written::default();
    for o in outcomes {
        if o? {
            done.written += 1;
        } else {
            done.unchanged += 1;
        }
    }
    done.removed = remove_stale(output, files)?;
    Ok(done)
}

/// Whether `output` is, or holds, the project at `root` or one of its
/// source folders: writing the site there would delete sources.
pub fn holds_project(output: &Path, root: &Path) -> bool {
    let (Some(out), Some(root)) = (absolute(output), absolute(root)) else { return false };
    let sources = ["content", "data", "templates", "static", "themes"];
    root.starts_with(&out) || sources.iter().any(|s| out.starts_with(root.join(s)))
}

/// `path` made absolute through its deepest folder that exists, so a
/// path not created yet compares too.
fn absolute(path: &Path) -> Option<PathBuf> {
    let mut existing = path;
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?);
        existing = existing.parent()?;
    }
    let mut abs = fs::canonicalize(existing).ok()?;
    abs.extend(rest.iter().rev());
    Some(abs)
}

/// Writes `bytes` at `path` unless they are there already; true if written.
fn write_if_changed(path: &Path, bytes: &[u8]) -> io::Result<bool> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => {
            if meta.len() == bytes.len() as u64 && fs::read(path)? == bytes {
                return Ok(false);
            }
            // Beside the old file, then over it: never half a file.
            let mut tmp = path.as_os_str().to_owned();
            tmp.push(".barometer-tmp");
            fs::write(&tmp, bytes)?;
            fs::rename(&tmp, path)?;
        }
        Ok(meta) if meta.is_dir() => {
            fs::remove_dir_all(path)?; // a folder where a file now goes
            fs::write(path, bytes)?;
        }
        _ => fs::write(path, bytes)?,
    }
    Ok(true)
}

/// Removes what the output holds beyond `files`, and folders left empty.
fn remove_stale(output: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> io::Result<usize> {
    let mut removed = 0;
    let mut dirs = Vec::new();
    for entry in walkdir::WalkDir::new(output).min_depth(1).into_iter() {
        let entry = entry.map_err(io::Error::other)?;
        let rel = entry.path().strip_prefix(output).unwrap_or(entry.path());
        if entry.file_type().is_dir() {
            dirs.push(entry.path().to_path_buf());
        } else if !files.contains_key(rel) {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    // Deepest first, so a folder is empty once its subfolders are gone.
    for dir in dirs.iter().rev() {
        if fs::read_dir(dir)?.next().is_none() {
            fs::remove_dir(dir)?;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> BTreeMap<PathBuf, Vec<u8>> {
        files.iter().map(|(p, t)| (PathBuf::from(p), t.as_bytes().to_vec())).collect()
    }

    #[test]
    fn the_output_ends_up_holding_exactly_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(out.join("old/deep")).unwrap();
        fs::write(out.join("old/deep/stale.html"), "x").unwrap();
        let first = site(&[("a/index.html", "<p>a</p>"), ("index.html", "home")]);
        let done = write_site(&out, &first).unwrap();
        assert_eq!(done, Written { written: 2, unchanged: 0, removed: 1 });
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"<p>a</p>");
        assert!(!out.join("old").exists(), "stale files and their empty folders go");

        let second = site(&[("a/index.html", "<p>a, again</p>"), ("index.html", "home"), ("b.csv", "v")]);
        let done = write_site(&out, &second).unwrap();
        assert_eq!(done, Written { written: 2, unchanged: 1, removed: 0 });
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"<p>a, again</p>");
        let mut names: Vec<_> = walkdir::WalkDir::new(&out)
            .into_iter()
            .map(|e| e.unwrap().path().strip_prefix(&out).unwrap().display().to_string())
            .collect();
        names.sort();
        assert_eq!(names, ["", "a", "a/index.html", "b.csv", "index.html"], "no temporary file left");
    }

    #[test]
    fn a_file_and_a_folder_may_trade_places() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        write_site(&out, &site(&[("a", "file"), ("b/index.html", "page")])).unwrap();
        write_site(&out, &site(&[("a/index.html", "page"), ("b", "file")])).unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"page");
        assert_eq!(fs::read(out.join("b")).unwrap(), b"file");
    }
}
