//! The command line: `new`, `--strict` and its warnings, JSON diagnostics,
//! GitHub annotations, colour, help.

mod common;

use std::process::{Command, Output};

use common::{Fixture, stderr};

fn barometer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_barometer")).args(args).output().expect("run barometer")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn new_writes_a_project_that_builds_and_checks_strictly_in_both_languages() {
    let tmp = tempfile::tempdir().unwrap();
    for lang in ["fr", "en"] {
        let dir = tmp.path().join(lang);
        let dir = dir.to_str().unwrap();
        let out = barometer(&["new", dir, "--language", lang]);
        assert!(out.status.success(), "{}", stderr(&out));
        // It says what to run next, and what it says runs.
        let said = stdout(&out);
        assert!(said.contains(&format!("barometer serve --root {dir} --open")), "{said}");
        let build =
            said.lines().find_map(|l| l.trim().strip_prefix("barometer build --root ")).expect("build");
        let build = build.split_whitespace().next().expect("folder");
        assert!(barometer(&["check", "--root", build]).status.success(), "{said}");
        let out = barometer(&["check", "--strict", "--root", dir]);
        assert!(out.status.success(), "{lang}: {}", stderr(&out));
        let err = stderr(&out);
        let said: Vec<&str> = err.lines().filter(|l| !l.starts_with([' ', '|'])).collect();
        assert!(said.len() == 1 && said[0].starts_with("note: the site has no address"), "{lang}: {said:?}");
        let out = barometer(&["check", "--strict", "--root", dir, "--base-url", "https://example.org/r/"]);
        assert!(out.status.success(), "{lang}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{lang}: no warning at all: {}", stderr(&out));
        let workflow =
            std::fs::read_to_string(tmp.path().join(lang).join(".github/workflows/publish.yml")).unwrap();
        let steps: Vec<&str> = workflow.lines().filter_map(|l| l.trim().strip_prefix("run: ")).collect();
        assert!(steps.iter().any(|s| s.starts_with("barometer check --strict --base-url")), "{steps:?}");
        assert!(workflow.contains("actions/deploy-pages@"), "publishes on GitHub Pages");
        let parsed: serde_json::Value = serde_saphyr::from_str(&workflow).expect("the workflow is YAML");
        assert!(parsed["jobs"]["build"]["steps"].as_array().is_some_and(|s| s.len() >= 6), "{parsed:#}");
        assert_eq!(parsed["jobs"]["deploy"]["needs"], "build");
        let out = barometer(&["build", "--root", dir]);
        assert!(out.status.success(), "{}", stderr(&out));
        let home = std::fs::read_to_string(tmp.path().join(lang).join("public/index.html")).unwrap();
        assert!(home.contains("key-figures") && home.contains(&format!("lang=\"{lang}\"")));
        assert!(
            std::fs::read_to_string(tmp.path().join(lang).join(".gitignore")).unwrap().contains("public/")
        );
    }
    let again = barometer(&["new", tmp.path().join("fr").to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("is not empty"), "{}", stderr(&again));
}

#[test]
fn new_writes_a_bilingual_project_either_language_first() {
    let tmp = tempfile::tempdir().unwrap();
    for (list, other, switch) in [("fr,en", "en", "English"), ("en,fr", "fr", "Français")] {
        let dir = tmp.path().join(list.replace(',', "-"));
        let dir = dir.to_str().unwrap();
        let out = barometer(&["new", dir, "--languages", list]);
        assert!(out.status.success(), "{}", stderr(&out));
        let out = barometer(&["check", "--strict", "--root", dir, "--base-url", "https://example.org/r/"]);
        assert!(out.status.success(), "{list}: {}", stderr(&out));
        assert!(stderr(&out).is_empty(), "{list}: every page and text is translated: {}", stderr(&out));
        let out = barometer(&["build", "--root", dir]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("and 2 PDFs"), "{}", stdout(&out));
        let public = std::path::Path::new(dir).join("public");
        let home = std::fs::read_to_string(public.join(other).join("index.html")).unwrap();
        assert!(home.contains(&format!("<html lang=\"{other}\">")) && home.contains("key-figures"));
        let root = std::fs::read_to_string(public.join("index.html")).unwrap();
        assert!(root.contains(&format!(">{switch}</a>")), "{list}: the home page links to the other edition");
        let chapters = std::fs::read_dir(public.join(other)).unwrap().count();
        assert!(chapters >= 4, "{list}: home, chapter, data and PDF in /{other}/");
    }
    let clash = barometer(&[
        "new",
        tmp.path().join("x").to_str().unwrap(),
        "--language",
        "en",
        "--languages",
        "fr,en",
    ]);
    assert_eq!(clash.status.code(), Some(2), "{}", stderr(&clash));
}

const CLEAN: &[(&str, &str)] = &[
    ("report.yaml", "title: T\nlanguage: en\n"),
    (
        "data/s.yaml",
        "source: Panel\nsample_size: 800\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, label: A, share: 40 }\n",
    ),
    (
        "content/_index.md",
        "---\ntitle: Home\n---\n## Part\n\n```chart\ntype: bar\ndata: s\nx: label\ny: share\ntitle: Shares\n```\n",
    ),
];

/// The clean project with `path` replaced by (or added as) `text`.
fn with(path: &str, text: &str) -> Fixture {
    let f = Fixture::new(CLEAN);
    f.write(path, text);
    f
}

#[test]
fn strict_turns_each_warning_into_an_error_and_writes_nothing() {
    assert!(Fixture::new(CLEAN).run(&["check", "--strict"]).status.success());
    let home = "---\ntitle: Home\n---\n## Part\n\n";
    let chart = "```chart\ntype: bar\ndata: s\nx: label\ny: share\ntitle: Shares\n```\n";
    let cases = [
        with("data/s.yaml", &CLEAN[1].1.replace("source: Panel\n", "")),
        with("content/_index.md", &format!("{home}{}", chart.replace("title: Shares\n", ""))),
        with("data/unused.yaml", "source: x\nrows:\n  - { v: 1 }\n"),
        with("content/annex.md", "---\ntitle: Annex\nnav: false\n---\nText.\n"),
        {
            let f = with("content/_index.md", &format!("{home}![](a.svg)\n\n{chart}"));
            f.write("content/a.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>");
            f
        },
        with("content/_index.md", &format!("{home}#### Deep\n\n{chart}")),
        with("content/_index.md", &format!("{home}{{{{ data.s.a.share | percent }}}} said yes.\n\n{chart}")),
    ];
    let messages = [
        "the dataset `s` does not say where its figures come from",
        "this chart has no `title`",
        "the dataset `unused` is not used by any page",
        "no page links to this page",
        "this image has no alternative text",
        "heading level skipped: `####` after `##`",
        "a share from `s` is quoted without its sample size",
    ];
    for (f, message) in cases.iter().zip(messages) {
        let out = f.build();
        assert!(out.status.success(), "a warning alone does not fail: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("warning: {message}")), "{message}: {}", stderr(&out));
        let before = f.read("index.html");
        f.write("content/extra.md", "---\ntitle: Extra\n---\nNew.\n");
        let out = f.run(&["build", "--strict"]);
        assert_eq!(out.status.code(), Some(1), "{message}");
        assert!(stderr(&out).contains(&format!("error: {message}")), "{message}: {}", stderr(&out));
        assert_eq!(f.read("index.html"), before, "a strict failure leaves the output untouched");
        assert!(!f.public("extra/index.html").exists());
    }
}

#[test]
fn a_page_out_of_the_navigation_is_reachable_by_its_links_only() {
    let f = with("content/annex.md", "---\ntitle: Annex\nnav: false\n---\nText.\n");
    f.write("content/_index.md", "---\ntitle: Home\n---\nSee [the annex](annex.md).\n\n```chart\ntype: bar\ndata: s\nx: label\ny: share\ntitle: Shares\n```\n");
    let out = f.run(&["build", "--strict"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    assert_eq!(home.matches("annex/index.html").count(), 1, "linked from the prose only, not nav or next");
    assert!(f.read("annex/index.html").contains("Text."));
}

#[test]
fn json_diagnostics_carry_file_line_and_a_summary() {
    let f = with("data/s.yaml", "source: Panel\nfields:\n  share: { type: percnt }\nrows: []\n");
    let out = f.run(&["check", "--message-format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    let d = &lines[0];
    assert_eq!(d["type"], "diagnostic");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], "data/s.yaml");
    assert_eq!(d["line"], 3);
    assert_eq!(d["hint"], "did you mean `percent`?");
    let summary = lines.last().unwrap();
    assert_eq!((summary["type"].as_str(), summary["success"].as_bool()), (Some("summary"), Some(false)));
    assert_eq!(summary["errors"], 1);
}

#[test]
fn github_actions_get_annotations_and_pipes_get_no_colour() {
    let f = with("data/s.yaml", "source: Panel\nfields:\n  share: { type: percnt }\nrows: []\n");
    let out = Command::new(env!("CARGO_BIN_EXE_barometer"))
        .args(["check", "--root"])
        .arg(f.root())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert!(stdout(&out).contains("::error file=data/s.yaml,line=3,col="), "{}", stdout(&out));
    assert!(!stderr(&out).contains('\u{1b}'), "no escape codes when stderr is not a terminal");
    let plain = f.run(&["check"]);
    assert!(!stdout(&plain).contains("::error"), "annotations only on GitHub Actions");
}

#[test]
fn every_command_has_help_with_an_example_and_there_is_a_version() {
    for cmd in ["build", "check", "new", "serve"] {
        let out = barometer(&[cmd, "--help"]);
        assert!(out.status.success());
        assert!(stdout(&out).contains("Example:\n  barometer"), "{cmd}: {}", stdout(&out));
    }
    let top = stdout(&barometer(&["--help"]));
    assert!(top.contains("Start here:\n  barometer new my-report"), "{top}");
    let out = barometer(&["--version"]);
    assert_eq!(stdout(&out).trim(), format!("barometer {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(barometer(&["build", "--bogus"]).status.code(), Some(2), "a bad command line exits 2");
}

#[test]
fn colour_on_a_terminal_unless_no_color() {
    // `script` (util-linux) runs the command on a pseudo-terminal.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to provide a terminal");
        return;
    }
    let f = with("content/_index.md", "---\ntitle: Home\n---\n{{ nope }}\n");
    let cmd = format!("{} check --root {}", env!("CARGO_BIN_EXE_barometer"), f.root().display());
    let on_terminal = |no_color: bool| {
        let mut c = Command::new("script");
        c.args(["-qec", &cmd, "/dev/null"]).env_remove("NO_COLOR");
        if no_color {
            c.env("NO_COLOR", "1");
        }
        stdout(&c.output().expect("script runs"))
    };
    let coloured = on_terminal(false);
    assert!(coloured.contains("\u{1b}[") && coloured.contains("nope"), "{coloured:?}");
    let plain = on_terminal(true);
    assert!(!plain.contains("\u{1b}[") && plain.contains("nope"), "{plain:?}");
}
