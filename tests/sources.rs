//! Where data comes from: the files `data/` holds datasets in, and the
//! files it holds that are none.

mod common;

use common::{Fixture, stderr};

fn project(files: &[(&str, &str)]) -> Fixture {
    let mut all = vec![
        ("report.yaml", "title: T\nlanguage: fr\n"),
        ("content/_index.md", "---\ntitle: H\n---\n```table\ndata: comptes\n```\n"),
    ];
    all.extend_from_slice(files);
    Fixture::new(&all)
}

#[test]
fn a_tsv_file_is_a_dataset_with_tabs_between_cells() {
    let f = project(&[
        ("data/comptes.tsv", "compte\tabonnes\tnote\n@lea, cuisine\t12500\t4.5\n@marc\t\t-1.25\n"),
        ("data/comptes.yaml", "source: Panel\nfields:\n  abonnes: { type: integer, label: Abonnés }\n"),
    ]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    // A comma inside a cell is text, not a separator; numbers read with a dot.
    assert!(home.contains("<td>@lea, cuisine</td>"), "{home}");
    assert!(
        home.contains(">12\u{202f}500<") && home.contains(">4,5<") && home.contains(">\u{2212}1,25<"),
        "{home}"
    );
    // The download is a CSV, its `@` cells defused for spreadsheets as always.
    assert_eq!(
        f.read("data/comptes.csv"),
        "compte,abonnes,note\n\"'@lea, cuisine\",12500,4.5\n'@marc,,-1.25\n"
    );
}

#[test]
fn a_tsv_error_names_its_line() {
    let f = project(&[
        ("data/comptes.tsv", "compte\tabonnes\n@lea\t12500\n@marc\tbeaucoup\n"),
        ("data/comptes.yaml", "source: Panel\nfields:\n  abonnes: { type: integer }\n"),
    ]);
    let err = stderr(&f.build());
    assert!(err.contains("data/comptes.tsv:3"), "{err}");
}

#[test]
fn files_in_data_that_are_no_dataset_are_warned_about() {
    let f = project(&[
        ("data/comptes.csv", "compte,abonnes\n@lea,12500\n"),
        ("data/comptes.yaml", "source: Panel\n"),
        ("data/enquete.numbers", "PK\u{3}\u{4}"),
        ("data/notes.txt", "à faire\n"),
    ]);
    let out = f.build();
    assert!(out.status.success(), "warnings only: {}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("barometer does not read `.numbers` files: this file is in no dataset"), "{err}");
    assert!(err.contains("data/enquete.numbers") && err.contains("as an Excel workbook"), "{err}");
    assert!(err.contains("data/notes.txt") && err.contains("`.txt` files"), "{err}");
    assert!(!f.run(&["check", "--strict"]).status.success(), "--strict makes them errors");
    let both = project(&[("data/comptes.csv", "a\n1\n"), ("data/comptes.tsv", "a\n1\n")]);
    assert!(stderr(&both.build()).contains("two files define dataset `comptes`"));
}

#[test]
fn a_json_array_of_objects_is_a_dataset_with_cells_at_their_line() {
    let json = "[\n  {\"compte\": \"@lea\", \"abonnes\": 12500, \"actif\": true},\n  {\"compte\": \"@marc\", \"abonnes\": null, \"actif\": false},\n  {\"compte\": \"Zoé \\u00e9t\\u00e9\", \"abonnes\": 1.5e3, \"actif\": null}\n]\n";
    let f = project(&[("data/comptes.json", json), ("data/comptes.yaml", "source: Panel\n")]);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    assert!(
        home.contains("<td>Zoé été</td>")
            && home.contains(">1\u{202f}500<")
            && home.contains(">12\u{202f}500<"),
        "{home}"
    );
    assert_eq!(f.read("data/comptes.csv").lines().nth(2), Some("'@marc,,false"));
    let bad = project(&[
        (
            "data/comptes.json",
            "[\n  {\"compte\": \"@lea\", \"abonnes\": 12500},\n  {\"compte\": \"@marc\", \"abonnes\": \"beaucoup\"}\n]\n",
        ),
        ("data/comptes.yaml", "source: Panel\nfields:\n  abonnes: { type: integer }\n"),
    ]);
    let err = stderr(&bad.build());
    assert!(err.contains("data/comptes.json:3:"), "the bad cell's line: {err}");
    let object = project(&[("data/comptes.json", "{\"compte\": \"@lea\"}\n")]);
    assert!(stderr(&object.build()).contains("a JSON dataset is an array of objects"));
    let nested = project(&[("data/comptes.json", "[{\"compte\": {\"a\": [1]}}]\n")]);
    let err = stderr(&nested.build());
    assert!(err.contains("data/comptes.json:1:"), "{err}");
}
