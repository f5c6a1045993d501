//! Binary sources in `data/`: Excel and OpenDocument workbooks, and
//! Parquet files, written here by the libraries others use to make them,
//! then built as a reader gets them.

#![cfg(all(feature = "spreadsheets", feature = "parquet"))]

mod common;

use std::io::Write;

use common::{Fixture, stderr};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

fn project(page: &str, files: &[(&str, &str)]) -> Fixture {
    let mut all = vec![("report.yaml", "title: T\nlanguage: fr\npdf: false\n"), ("content/_index.md", page)];
    all.extend_from_slice(files);
    Fixture::new(&all)
}

fn put(f: &Fixture, path: &str, bytes: &[u8]) {
    let full = f.root().join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, bytes).unwrap();
}

/// The table rows of a page, for failure messages.
fn table_rows(html: &str) -> String {
    html.split("<tr>").skip(1).map(|r| r.split("</tr>").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

const TABLE: &str = "---\ntitle: H\n---\n```table\ndata: enquete\n```\n";

/// Tier, share, change, date, active.
type SurveyRow<'a> = (&'a str, f64, Option<f64>, (u16, u8, u8), bool);

/// A survey as consultancies send them: a notes sheet first, then the
/// results under a title and a blank row, with a long French label, a
/// missing cell, a negative change and a date.
fn survey(bad_cell: bool) -> Vec<u8> {
    let mut wb = Workbook::new();
    let notes = wb.add_worksheet();
    notes.set_name("Notes").unwrap();
    notes.write_string(0, 0, "Méthode : panel en ligne").unwrap();
    let q3 = wb.add_worksheet();
    q3.set_name("Q3").unwrap();
    q3.write_string(0, 0, "Enquête T3 2024 — résultats").unwrap();
    for (c, h) in ["palier", "part", "evolution", "releve", "actif"].iter().enumerate() {
        q3.write_string(2, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let rows: [SurveyRow; 3] = [
        (
            "Nano-influenceurs (moins de 10 000 abonnés, toutes plateformes)",
            72.5,
            Some(-3.25),
            (2024, 3, 15),
            true,
        ),
        ("Micro", 18.0, None, (2024, 1, 2), false),
        ("Macro", 9.5, Some(1250.0), (2023, 12, 31), true),
    ];
    for (i, (tier, share, change, (y, m, d), active)) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        q3.write_string(r, 0, *tier).unwrap();
        if bad_cell && i == 1 {
            q3.write_string(r, 1, "18").unwrap();
        } else {
            q3.write_number(r, 1, *share).unwrap();
        }
        if let Some(c) = change {
            q3.write_number(r, 2, *c).unwrap();
        }
        q3.write_datetime_with_format(r, 3, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date).unwrap();
        q3.write_boolean(r, 4, *active).unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn an_excel_sheet_is_a_dataset_with_its_numbers_dates_and_booleans() {
    let f = project(
        TABLE,
        &[(
            "data/enquete.yaml",
            "source: Panel 2024\nsheet: Q3\nheader_row: 3\nfields:\n  part: { type: percent }\n  releve: { type: date }\n",
        )],
    );
    put(&f, "data/enquete.xlsx", &survey(false));
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    for shown in [
        "<td>Nano-influenceurs (moins de 10\u{202f}000 abonnés, toutes plateformes)</td>",
        ">72,5\u{202f}%<",
        ">\u{2212}3,25<",
        ">1\u{202f}250<",
        "<td>15 mars 2024</td>",
        "<td>non</td>",
    ] {
        assert!(home.contains(shown), "{shown} in {}", table_rows(&home));
    }
    assert_eq!(
        f.read("data/enquete.csv"),
        "palier,part,evolution,releve,actif\n\
         \"Nano-influenceurs (moins de 10 000 abonnés, toutes plateformes)\",72.5,-3.25,2024-03-15,true\n\
         Micro,18,,2024-01-02,false\n\
         Macro,9.5,1250,2023-12-31,true\n"
    );
}

#[test]
fn excel_errors_name_the_sheet_and_the_cell() {
    let f = project(
        TABLE,
        &[("data/enquete.yaml", "source: P\nsheet: Q3\nheader_row: 3\nfields:\n  part: { type: percent }\n")],
    );
    put(&f, "data/enquete.xlsx", &survey(true));
    let err = stderr(&f.build());
    assert!(err.contains("data/enquete.xlsx, sheet Q3, cell B5"), "{err}");
    assert!(err.contains("found a number stored as text"), "{err}");

    f.write("data/enquete.yaml", "source: P\nsheet: Q4\n");
    let err = stderr(&f.build());
    assert!(err.contains("the workbook has no sheet `Q4`") && err.contains("did you mean `Q3`?"), "{err}");
    assert!(err.contains("data/enquete.yaml:2"), "{err}");

    // Without `sheet`, the first sheet: a one-column table of notes.
    f.write("data/enquete.yaml", "source: P\nfields:\n  part: { type: percent }\n");
    let err = stderr(&f.build());
    assert!(err.contains("field `part` is declared but sheet Notes has no such column"), "{err}");
    assert!(err.contains("data/enquete.yaml:3"), "{err}");

    put(&f, "data/enquete.xlsx", b"PK\x03\x04 not a workbook");
    let err = stderr(&f.build());
    assert!(err.contains("data/enquete.xlsx") && err.contains("cannot read this workbook"), "{err}");
}

#[test]
fn a_range_picks_a_block_and_each_sheet_gives_a_dataset() {
    let mut wb = Workbook::new();
    for (name, n) in [("Instagram", 40.0), ("TikTok 2024", 55.0)] {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        ws.write_string(0, 0, "Lu et approuvé").unwrap();
        ws.write_string(2, 1, "palier").unwrap();
        ws.write_string(2, 2, "part").unwrap();
        ws.write_string(3, 1, "Nano").unwrap();
        ws.write_number(3, 2, n).unwrap();
        ws.write_string(4, 1, "Total").unwrap();
        ws.write_formula(4, 2, Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
    }
    let page = "---\ntitle: H\n---\n```table\ndata: reseaux/Instagram\n```\n\n```table\ndata: reseaux/tiktok-2024\n```\n";
    let f = project(page, &[("data/reseaux.yaml", "source: P\neach_sheet: true\nrange: B3:C4\n")]);
    put(&f, "data/reseaux.xlsx", &wb.save_to_buffer().unwrap());
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    assert!(home.contains(">40<") && home.contains(">55<"), "{home}");
    assert!(home.contains("Instagram") && home.contains("TikTok 2024"), "sheet names are titles: {home}");
    assert!(!home.contains("Total"), "the range leaves the total row out");

    // The whole block, formula row included: its error is told at its cell.
    f.write("data/reseaux.yaml", "source: P\neach_sheet: true\nheader_row: 3\n");
    let err = stderr(&f.build());
    assert!(err.contains("sheet Instagram, cell C5") && err.contains("#DIV/0!"), "{err}");
}

/// A minimal OpenDocument spreadsheet, as LibreOffice writes its cells.
fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Résultats">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

fn ods_row(cells: &[&str]) -> String {
    format!("<table:table-row>{}</table:table-row>", cells.concat())
}

fn text(t: &str) -> String {
    format!(r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#)
}

fn float(v: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
    )
}

#[test]
fn an_ods_sheet_is_a_dataset_and_its_errors_name_the_cell() {
    let empty = "<table:table-cell/>".to_string();
    let date = r#"<table:table-cell office:value-type="date" office:date-value="2024-03-15"><text:p>15/03/2024</text:p></table:table-cell>"#.to_string();
    let rows = [
        ods_row(&[&text("palier"), &text("abonnes"), &text("releve")]),
        ods_row(&[&text("Nano"), &float("-12.5"), &date]),
        ods_row(&[&text("Méga (plus d'un million d'abonnés)"), &empty, &empty]),
        ods_row(&[&text("Macro"), &float("2500000"), &date]),
    ]
    .concat();
    let f = project(TABLE, &[("data/enquete.yaml", "source: P\n")]);
    put(&f, "data/enquete.ods", &ods(&rows));
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    assert!(
        home.contains(">\u{2212}12,5<") && home.contains(">2\u{202f}500\u{202f}000<"),
        "{}",
        table_rows(&home)
    );
    // Dates read as written unless declared; text is never reworded.
    assert!(home.contains("<td>2024-03-15</td>"), "{}", table_rows(&home));
    assert!(home.contains("Méga (plus d&#39;un million d&#39;abonnés)"), "{}", table_rows(&home));

    f.write("data/enquete.yaml", "source: P\nfields:\n  abonnes: { type: integer }\n");
    let err = stderr(&f.build());
    assert!(err.contains("data/enquete.ods, sheet Résultats, cell B2"), "{err}");
    assert!(err.contains("must be a whole number, found `-12.5`"), "{err}");
}

mod parquet_files {
    use std::sync::Arc;

    use arrow_array::{
        ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float64Array, Int64Array, RecordBatch,
        StringArray, types::Int32Type,
    };
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;

    use super::*;

    /// 40 categories over 20,000 rows (dictionary-encoded, as pandas
    /// writes categoricals), missing cells, negatives and dates, in
    /// batches small enough that the file holds several row groups.
    fn posts(rows: usize) -> Vec<u8> {
        let ids: Vec<String> = (0..rows).map(|i| format!("p{i:05}")).collect();
        let topic_names: Vec<String> =
            (0..40).map(|t| format!("Thème n°{t} : beauté, mode & « lifestyle »")).collect();
        let topic_keys: Vec<i32> = (0..rows).map(|i| (i * 7 % 40) as i32).collect();
        let likes: Vec<Option<i64>> =
            (0..rows).map(|i| (i % 11 != 0).then_some(i as i64 * 3 - 5_000)).collect();
        let rate: Vec<Option<f64>> =
            (0..rows).map(|i| (i % 13 != 0).then_some((i % 97) as f64 / 8.0)).collect();
        let sponsored: Vec<Option<bool>> = (0..rows).map(|i| (i % 17 != 0).then_some(i % 3 == 0)).collect();
        let day: Vec<i32> = (0..rows).map(|i| 19_700 - (i % 365) as i32).collect();
        let topics = DictionaryArray::<Int32Type>::try_new(
            topic_keys.into(),
            Arc::new(StringArray::from(topic_names)) as ArrayRef,
        )
        .unwrap();
        let batch = RecordBatch::try_from_iter([
            ("id", Arc::new(StringArray::from(ids)) as ArrayRef),
            ("theme", Arc::new(topics) as ArrayRef),
            ("likes", Arc::new(Int64Array::from(likes)) as ArrayRef),
            ("taux", Arc::new(Float64Array::from(rate)) as ArrayRef),
            ("sponsorise", Arc::new(BooleanArray::from(sponsored)) as ArrayRef),
            ("jour", Arc::new(Date32Array::from(day)) as ArrayRef),
        ])
        .unwrap();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(3_000))
            .build();
        let mut out = Vec::new();
        let mut writer = ArrowWriter::try_new(&mut out, batch.schema(), Some(props)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        out
    }

    #[test]
    fn a_parquet_file_is_read_into_typed_columns_and_aggregates_right() {
        let rows = 20_000;
        let page = "---\ntitle: H\n---\n```table\ndata: par-theme\n```\n";
        let f = project(
            page,
            &[
                ("data/posts.yaml", "source: Export plateforme\n"),
                (
                    "data/par-theme.yaml",
                    "from: posts\ngroup_by: [theme]\naggregate:\n  posts: count()\n  likes: sum(likes)\n  sponsorises: share(sponsorise == true)\nsort: theme\n",
                ),
            ],
        );
        put(&f, "data/posts.parquet", &posts(rows));
        let out = f.build();
        assert!(out.status.success(), "{}", stderr(&out));
        // The same aggregation, computed here from the generator's rules.
        let csv = f.read("data/par-theme.csv");
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("id,theme,posts,likes,sponsorises"));
        let got: Vec<&str> = lines.collect();
        assert_eq!(got.len(), 40);
        // Each group's id is its theme in URL words, one per group.
        let ids: std::collections::HashSet<&str> = got.iter().filter_map(|l| l.split(',').next()).collect();
        assert_eq!(ids.len(), 40);
        assert!(ids.contains("theme-n-7-beaute-mode-lifestyle"), "{ids:?}");
        for t in 0..40usize {
            let members: Vec<usize> = (0..rows).filter(|i| i * 7 % 40 == t).collect();
            let likes: i64 = members.iter().filter(|i| *i % 11 != 0).map(|&i| i as i64 * 3 - 5_000).sum();
            let known: Vec<&usize> = members.iter().filter(|i| *i % 17 != 0).collect();
            let share = known.iter().filter(|i| **i % 3 == 0).count() as f64 / known.len() as f64 * 100.0;
            let name = format!("Thème n°{t} : beauté, mode & « lifestyle »");
            let line = got
                .iter()
                .find(|l| l.contains(&format!(",\"{name}\",")))
                .unwrap_or_else(|| panic!("{name} in {csv}"));
            let cells: Vec<&str> = line.rsplitn(4, ',').collect();
            assert_eq!(cells[2], members.len().to_string(), "{line}");
            assert_eq!(cells[1], likes.to_string(), "{line}");
            let ours: f64 = cells[0].parse().unwrap();
            assert!((ours - share).abs() < 1e-9, "{line}: {share}");
        }
    }

    #[test]
    fn parquet_types_are_checked_against_declarations_at_row_and_column() {
        let f = project(
            "---\ntitle: H\n---\n```table\ndata: posts\n```\n",
            &[("data/posts.yaml", "source: P\nfields:\n  taux: { type: integer }\n  jour: { type: date }\n")],
        );
        put(&f, "data/posts.parquet", &posts(30));
        let err = stderr(&f.build());
        // Row 2 (from 1) is the first with a fraction: 1/8.
        assert!(err.contains("data/posts.parquet, row 2, column `taux`"), "{err}");
        assert!(err.contains("must be a whole number, found `0.125`"), "{err}");
        assert!(!err.contains("jour"), "dates read as dates: {err}");

        put(&f, "data/posts.parquet", b"PAR1 truncated");
        let err = stderr(&f.build());
        assert!(err.contains("cannot read this Parquet file"), "{err}");
    }
}
