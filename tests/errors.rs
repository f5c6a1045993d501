//! Broken projects: each kind of mistake gives exit status 1 and a message
//! naming the file, line and column, with a suggestion where one is likely.

mod common;

use std::fs;

use common::{Fixture, french_survey, stderr};

/// Builds `f` and returns its stderr, asserting it failed cleanly.
fn failing(f: &Fixture) -> String {
    let out = f.build();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn with_page(body: &str) -> Fixture {
    let f = french_survey();
    f.write("content/_index.md", &format!("---\ntitle: Accueil\n---\n{body}"));
    f
}

#[test]
fn unknown_chart_setting_points_at_its_line_with_suggestion() {
    let f =
        with_page("Intro\n\n```chart\ntype: bar\ndata: relations\nx: statement\ny: share\ntitel: T\n```\n");
    let err = failing(&f);
    assert!(err.contains("content/_index.md:11:1"), "{err}");
    assert!(err.contains("unknown field `titel`"), "{err}");
    assert!(err.contains("did you mean `title`?"), "{err}");
}

#[test]
fn unknown_dataset_and_field_are_suggested() {
    let f = with_page(
        "```chart\ntype: bar\ndata: relatons\nx: statement\ny: share\n```\n\n```table\ndata: relations\ncolumns: [statment]\n```\n",
    );
    let err = failing(&f);
    assert!(err.contains("content/_index.md:6:7"), "{err}");
    assert!(err.contains("did you mean `relations`?"), "{err}");
    assert!(err.contains("content/_index.md:13:11"), "{err}");
    assert!(err.contains("did you mean `statement`?"), "{err}");
    assert!(err.contains("2 errors"), "both blocks reported: {err}");
}

#[test]
fn bad_values_in_a_dataset_name_file_line_and_field() {
    let f = french_survey();
    f.write(
        "data/relations.yaml",
        "fields:\n  share: { type: percent }\nrows:\n  - { id: a, statement: x, share: 120 }\n  - { id: a, statement: y, share: abc }\n  - { id: c, statment: z, share: 3 }\n",
    );
    let err = failing(&f);
    assert!(err.contains("data/relations.yaml:4:"), "{err}");
    assert!(err.contains("`share` is a percent"), "{err}");
    assert!(err.contains("duplicate id `a`"), "{err}");
    assert!(err.contains("data/relations.yaml:5:"), "{err}");
    assert!(err.contains("`statment` looks like a typo for `statement`"), "{err}");
}

#[test]
fn bad_csv_rows_are_reported_with_their_line() {
    let f = french_survey();
    f.write("data/accounts.csv", "handle,followers\n@a,1200\n@b\n");
    let err = failing(&f);
    assert!(err.contains("data/accounts.csv:3"), "{err}");
}

#[test]
fn broken_links_and_anchors_are_errors() {
    let f = with_page("See [m](methode.md#echantilon) and [x](nowhere.md).\n");
    let err = failing(&f);
    assert!(err.contains("no heading `#echantilon`"), "{err}");
    assert!(err.contains("did you mean `echantillon`?"), "{err}");
    assert!(err.contains("link to `nowhere.md`, which is not a page"), "{err}");
}

#[test]
fn unknown_value_in_prose_is_an_error_at_its_line() {
    let f = with_page("Intro\n\n{{ data.relations.no_feedbak.share }}\n");
    let err = failing(&f);
    assert!(err.contains("content/_index.md:6:"), "{err}");
    assert!(err.contains("did you mean `no_feedback`?"), "{err}");
}

#[test]
fn prose_and_block_errors_of_one_page_are_reported_together() {
    let f = with_page(
        "{{ 72 | pourcent }}\n\n```chart\ntype: bar\ndata: relations\nx: statment\ny: share\n```\n",
    );
    let err = failing(&f);
    assert!(err.contains("did you mean `percent`?"), "{err}");
    assert!(err.contains("did you mean `statement`?"), "{err}");
    assert!(err.contains("2 errors"), "{err}");
}

#[test]
fn front_matter_and_config_errors() {
    let f = french_survey();
    f.write("content/annexe.md", "---\ntitle: Annexe\nwieght: 1\n---\n");
    f.write("report.yaml", "title: T\nlangage: fr\n");
    let err = failing(&f);
    assert!(err.contains("content/annexe.md:3:1"), "{err}");
    assert!(err.contains("did you mean `weight`?"), "{err}");
    assert!(err.contains("report.yaml:2:1"), "{err}");
    assert!(err.contains("did you mean `language`?"), "{err}");
}

#[test]
fn errors_show_the_source_line_with_a_caret() {
    let f = with_page("```chart\ntype: barr\ndata: relations\n```\n");
    let err = failing(&f);
    assert!(err.contains("type: barr"), "{err}");
    assert!(err.contains('^'), "{err}");
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let f = french_survey();
    assert!(f.build().status.success());
    let before = fs::read(f.public("index.html")).unwrap();
    f.write("content/_index.md", "---\ntitle: Accueil\n---\n{{ data.nope }}\n");
    failing(&f);
    assert_eq!(fs::read(f.public("index.html")).unwrap(), before);
    let names: Vec<_> = fs::read_dir(f.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // Nothing is left beside the project but the build cache, which the
    // first build made.
    assert!(!names.iter().any(|n| n.contains("barometer") && n != ".barometer"), "{names:?}");
    let cache: Vec<_> =
        fs::read_dir(f.root().join(".barometer")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(cache, ["cache"]);
}

#[test]
fn an_output_folder_that_holds_the_project_is_refused() {
    let f = french_survey();
    for output in [".", "content", "content/site", ".."] {
        let out = f.run(&["build", "--output", output]);
        assert_eq!(out.status.code(), Some(1), "{output}");
        assert!(
            stderr(&out).contains("the output folder holds the project itself"),
            "{output}: {}",
            stderr(&out)
        );
    }
    assert!(!f.root().join("content/site").exists());
    assert!(f.root().join("report.yaml").exists() && f.root().join("content/_index.md").exists());
}

#[test]
fn a_missing_project_and_a_bad_command_line() {
    let f = Fixture::new(&[]);
    let err = failing(&f);
    assert!(err.contains("report.yaml"), "{err}");
    let out = f.run(&["bulid"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_chart_that_needs_numbers_says_so() {
    let f = with_page("```chart\ntype: column\ndata: relations\nx: share\ny: statement\n```\n");
    let err = failing(&f);
    assert!(err.contains("needs numbers"), "{err}");
}

#[test]
fn garbage_input_never_panics() {
    for text in [
        "---\n",
        "---\ntitle: [\n---\n",
        "\u{0}\u{1}",
        "---\ntitle: x\n---\n```chart\n: : :\n```\n",
        "---\ntitle: x\n---\n{% for %}",
    ] {
        let f = french_survey();
        f.write("content/annexe.md", text);
        failing(&f);
    }
}
