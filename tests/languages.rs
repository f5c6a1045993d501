//! Reports in several languages: editions, translated data, formats per
//! language, the switcher and `hreflang`, and single-language reports
//! left exactly as they were.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Every file of a built site but the manifest, by path, as SHA-256.
fn digests(dir: &Path) -> BTreeMap<String, String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".barometer-manifest")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
            let hash = Sha256::digest(fs::read(e.path()).expect("read"));
            (rel, hash.iter().map(|b| format!("{b:02x}")).collect())
        })
        .collect()
}

/// `tests/fixtures/monolingual` is the French example report as it stood
/// before reports could have several languages, and `monolingual.sha256`
/// the site the build made of it then (`sha256sum` of each file). Supporting
/// languages must not change one byte of a single-language report. When a
/// later change alters the output on purpose, regenerate the list with
/// `scripts/monolingual-digests.sh` and say why in the commit.
#[test]
fn a_single_language_report_is_byte_identical_to_before_languages() {
    let out = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/monolingual");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_barometer"))
        .args(["build", "--base-url", "https://example.org/etude/", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(out.path())
        .output()
        .expect("run barometer");
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let expected: BTreeMap<String, String> = fs::read_to_string(root.with_extension("sha256"))
        .expect("digests")
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, path)| (path.to_string(), hash.to_string()))
        .collect();
    let built = digests(out.path());
    let changed: Vec<&String> =
        expected.keys().chain(built.keys()).filter(|p| expected.get(*p) != built.get(*p)).collect();
    assert!(changed.is_empty(), "files that differ from before: {changed:?}");
}
