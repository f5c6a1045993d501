//! The output folder rule: a build replaces or removes only what a build
//! wrote, never writes into someone else's folder unasked, and says exactly
//! what state the output is in when writing fails.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Fixture, stderr};

fn project() -> Fixture {
    Fixture::new(&[
        ("report.yaml", "title: Output\nlanguage: en\ncharts: { png: false }\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nHello.\n"),
        ("content/a.md", "---\ntitle: A\n---\nChapter.\n"),
    ])
}

fn build_into(f: &Fixture, output: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_barometer"))
        .args(["build", "--root"])
        .arg(f.root())
        .arg("--output")
        .arg(output)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_folder_of_documents_is_never_emptied() {
    let f = project();
    let docs = f.root().join("../mydocs");
    fs::create_dir_all(docs.join("notes")).unwrap();
    fs::write(docs.join("thesis.docx"), "years of work").unwrap();
    fs::write(docs.join("notes/index.html"), "my notes").unwrap();
    let before = common::files(&docs);

    let out = build_into(&f, &docs, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("not written by barometer") && err.contains("--force"), "{err}");
    assert!(err.contains("the previous output is untouched"), "{err}");
    assert_eq!(common::files(&docs), before);

    let out = build_into(&f, &docs, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read(docs.join("thesis.docx")).unwrap(), b"years of work");
    assert_eq!(fs::read(docs.join("notes/index.html")).unwrap(), b"my notes", "not a path of the site");
    assert!(docs.join("a/index.html").exists());

    // The page goes; the next build removes its file and nothing else.
    fs::remove_file(f.root().join("content/a.md")).unwrap();
    let out = build_into(&f, &docs, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!docs.join("a").exists());
    assert_eq!(fs::read(docs.join("thesis.docx")).unwrap(), b"years of work");
    fs::remove_dir_all(&docs).unwrap();
}

#[test]
fn a_gh_pages_worktree_keeps_its_git_entry() {
    let f = project();
    let site = f.root().join("site");
    fs::create_dir_all(&site).unwrap();
    fs::write(site.join(".git"), "gitdir: ../.git/worktrees/site\n").unwrap();
    fs::write(site.join("old.html"), "from another generator").unwrap();
    let out = build_into(&f, &site, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    let out = build_into(&f, &site, &["--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = build_into(&f, &site, &[]);
    assert!(out.status.success(), "a folder with our manifest needs no --force: {}", stderr(&out));
    assert_eq!(fs::read_to_string(site.join(".git")).unwrap(), "gitdir: ../.git/worktrees/site\n");
    assert!(site.join("old.html").exists());
}

#[test]
fn the_project_git_folder_is_refused_as_an_output() {
    let f = project();
    fs::create_dir_all(f.root().join(".git/objects")).unwrap();
    fs::write(f.root().join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = common::files(&f.root().join(".git"));
    let out = f.run(&["build", "--output", ".git"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(common::files(&f.root().join(".git")), before);
    let out = f.run(&["build", "--output", ".git", "--force"]);
    assert_eq!(out.status.code(), Some(1), "not even when forced");
    assert!(stderr(&out).contains("inside a `.git` folder"), "{}", stderr(&out));
    assert_eq!(common::files(&f.root().join(".git")), before);
}

#[test]
fn static_dot_folders_are_not_published() {
    let f = project();
    f.write("static/.git/config", "[core]");
    f.write("static/.well-known/security.txt", "x");
    f.write("static/img/logo.svg", "<svg/>");
    assert!(f.build().status.success());
    assert!(f.public("img/logo.svg").exists());
    assert!(!f.public(".git").exists());
    assert!(!f.public(".well-known").exists());
}

/// A small tmpfs the test owns; None (with a message) when mounting is not
/// allowed (not root, or in a container without the right).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Tmpfs(dir.to_path_buf()))
    }

    fn remount(&self, option: &str) {
        let o =
            Command::new("mount").args(["-o", &format!("remount,{option}")]).arg(&self.0).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).output();
    }
}

#[test]
fn a_full_disk_or_a_read_only_folder_leaves_the_previous_site_whole() {
    let f = project();
    let Some(disk) = Tmpfs::mount(&f.root().join("disk"), "2m") else { return };
    let output = disk.0.join("public");
    let out = build_into(&f, &output, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = common::files(&output);

    // A dataset whose CSV download cannot fit in what is left.
    let mut csv = String::from("name,value\n");
    for i in 0..120_000 {
        csv.push_str(&format!("account-{i},{i}\n"));
    }
    f.write("data/big.csv", &csv);
    f.write("content/a.md", "---\ntitle: A, revised\n---\nChapter, revised.\n");
    let out = build_into(&f, &output, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("No space left") || err.contains("space"), "{err}");
    assert!(err.contains("nothing was written") && err.contains("the previous output is untouched"), "{err}");
    assert_eq!(common::files(&output), before, "the previous site is whole, with no temporary file");

    fs::remove_file(f.root().join("data/big.csv")).unwrap();
    disk.remount("ro");
    let out = build_into(&f, &output, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the previous output is untouched"), "{}", stderr(&out));
    disk.remount("rw");
    assert_eq!(common::files(&output), before);

    let out = build_into(&f, &output, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fs::read_to_string(output.join("a/index.html")).unwrap().contains("revised"));
}

fn page_with_slug(slug: &str) -> String {
    format!("---\ntitle: Victim\nslug: {slug}\n---\nText.\n")
}

#[test]
fn a_slug_never_writes_outside_the_output_nor_over_the_home_page() {
    for slug in ["../../victim", "\"\"", "/", ".", "\"..\"", "a/b", "\"x#y\""] {
        let f = project();
        f.write("content/b.md", &page_with_slug(slug));
        let out = f.build();
        assert_eq!(out.status.code(), Some(1), "slug {slug}");
        let err = stderr(&out);
        assert!(err.contains("content/b.md:3:"), "the slug's line, for {slug}: {err}");
        assert!(err.contains("cannot be a page URL"), "{err}");
        assert!(!f.root().join("public").exists(), "nothing written for {slug}");
        assert!(!f.root().parent().unwrap().join("victim").exists());
    }
}

#[test]
fn a_page_url_may_not_take_a_generated_name() {
    for (slug, taken) in [
        ("style.css", "static file `style.css`"),
        ("data", "dataset downloads"),
        ("figures", "chart downloads"),
        ("Fonts", "static file `fonts/"),
    ] {
        let f = project();
        f.write("content/b.md", &page_with_slug(slug));
        let out = f.build();
        assert_eq!(out.status.code(), Some(1), "slug {slug}");
        let err = stderr(&out);
        assert!(err.contains("content/b.md:3:") && err.contains(taken), "{slug}: {err}");
        assert!(!f.root().join("public").exists());
    }
}

#[test]
fn pages_or_datasets_equal_but_for_case_are_errors_before_writing() {
    let f = project();
    f.write("content/b.md", &page_with_slug("Chapter"));
    f.write("content/c.md", &page_with_slug("chapter"));
    f.write("data/a.csv", "x\n1\n");
    f.write("data/A.csv", "x\n2\n");
    let out = f.build();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("differs from `A` only in case") || err.contains("differs from `a` only in case"),
        "{err}"
    );
    assert!(!f.root().join("public").exists());
    std::fs::remove_file(f.root().join("data/A.csv")).unwrap();
    let out = f.build();
    let err = stderr(&out);
    assert!(err.contains("a URL differing only in case from `/Chapter/`"), "{err}");
}
