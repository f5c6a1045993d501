//! The write stage: the site in memory goes to disk all at once.
//!
//! Files are written into a fresh folder beside the output, which then
//! takes the output's place by rename. A build that fails before this
//! point never touches the output; one that fails while writing leaves
//! the previous site in place and removes its half-written folder.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `files` (relative path to bytes) as the folder `output`.
pub fn write_site(output: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> io::Result<()> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let name =
        output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.barometer-new"));
    let retired = parent.join(format!(".{name}.barometer-old"));
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover)?;
        }
    }
    if let Err(e) = write_all(&staging, files) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if output.exists() {
        fs::rename(output, &retired)?;
    }
    if let Err(e) = fs::rename(&staging, output) {
        // Put the previous site back before reporting.
        let _ = fs::rename(&retired, output);
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if retired.exists() {
        fs::remove_dir_all(&retired)?;
    }
    Ok(())
}

fn write_all(dir: &Path, files: &BTreeMap<PathBuf, Vec<u8>>) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut made = std::collections::HashSet::new();
    for (rel, bytes) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent()
            && made.insert(parent.to_path_buf())
        {
            fs::create_dir_all(parent)?;
        }
        fs::write(&path, bytes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_output_as_a_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(out.join("old")).unwrap();
        fs::write(out.join("old/stale.html"), "x").unwrap();
        let files = BTreeMap::from([(PathBuf::from("a/index.html"), b"<p>a</p>".to_vec())]);
        write_site(&out, &files).unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"<p>a</p>");
        assert!(!out.join("old").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers, ["public"]);
    }
}
