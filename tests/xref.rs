//! Figures and tables numbered across the report, and `@fig-…` / `@tbl-…`
//! references in prose, as a reader of the built site gets them.

mod common;

use common::{Fixture, stderr};

const DATA: &str = "title: Confiance\nsource: Baromètre\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, s: Proches, share: 78, note: \"@fig-trust\" }\n  - { id: b, s: Publicité, share: 25, note: x }\n";

fn chart(id: Option<&str>) -> String {
    let id = id.map(|i| format!("id: {i}\n")).unwrap_or_default();
    format!("```chart\ntype: bar\ndata: d\nx: s\ny: share\ntitle: T\n{id}```\n")
}

fn project(first: &str, second: &str) -> Fixture {
    Fixture::new(&[
        ("report.yaml", "title: R\nlanguage: en\n"),
        ("content/_index.md", &format!("---\ntitle: Home\n---\n\n{first}")),
        ("content/b.md", &format!("---\ntitle: B\nweight: 1\n---\n\n{second}")),
        ("data/d.yaml", DATA),
    ])
}

#[test]
fn figures_are_numbered_across_pages_and_references_link_to_them() {
    let first = format!("{}\n```table\ndata: d\nid: shares\n```\n\n{}", chart(None), chart(Some("trust")));
    let second = format!(
        "As @fig-trust shows, and @tbl-shares lists; see @fig-reach below. Code `@fig-trust` stays. A value: {{{{ data.d.a.note }}}}.\n\n{}",
        chart(Some("reach"))
    );
    let f = project(&first, &second);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    assert!(home.contains("Figure\u{a0}1</span>") && home.contains("Figure\u{a0}2</span>"), "{home}");
    assert!(
        home.contains("<figure class=\"chart chart-bar\" id=\"fig-trust\">"),
        "the author's id is the anchor"
    );
    assert!(home.contains("id=\"tbl-shares\"") && home.contains("Table\u{a0}1</span>"));
    let b = f.read("b/index.html");
    assert!(b.contains("Figure\u{a0}3</span>"), "the second page goes on counting: {b}");
    assert!(b.contains("<a class=\"xref\" href=\"../index.html#fig-trust\">Figure\u{a0}2</a> shows"), "{b}");
    assert!(b.contains("<a class=\"xref\" href=\"../index.html#tbl-shares\">Table\u{a0}1</a>"), "{b}");
    assert!(b.contains("<a class=\"xref\" href=\"#fig-reach\">Figure\u{a0}3</a>"), "{b}");
    assert!(b.contains("<code>@fig-trust</code>"), "code stays literal");
    assert!(b.contains("A value: @fig-trust."), "a value from data is text, never a reference: {b}");
}

#[test]
fn unknown_references_and_ids_used_twice_are_errors_at_their_line() {
    let f = project(&chart(Some("trust")), &format!("See @fig-trsut.\n\n{}", chart(Some("trust"))));
    let out = f.build();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("no chart or table has the id for `@fig-trsut`")
            && err.contains("did you mean `fig-trust`?"),
        "{err}"
    );
    assert!(err.contains("content/b.md:6:"), "at the reference's line: {err}");
    assert!(err.contains("the id `trust` is already used"), "{err}");
    let f = project(&chart(Some("no spaces")), "");
    let err = stderr(&f.build());
    assert!(err.contains("`no spaces` cannot be an id"), "{err}");
}
