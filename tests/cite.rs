//! Citations from a BibLaTeX bibliography, as a reader of the site (and,
//! with the `pdf` feature, of the PDF) gets them.

mod common;

use common::{Fixture, stderr};

const BIB: &str = "@report{edelman2016,\n  author = {{Edelman}},\n  title = {Baromètre de confiance 2016},\n  year = {2016},\n  url = {https://www.edelman.com/trust}\n}\n\n@article{morin2017,\n  author = {Morin, Raymond},\n  title = {Le marketing d'influence <script>},\n  journaltitle = {Isarta},\n  year = {2017}\n}\n";

fn study(style: &str, home: &str) -> Fixture {
    Fixture::new(&[
        ("report.yaml", &format!("title: Étude\nlanguage: fr\nbibliography: references.bib\n{style}")),
        ("references.bib", BIB),
        ("content/_index.md", &format!("---\ntitle: Accueil\n---\n{home}")),
        (
            "content/suite.md",
            "---\ntitle: Suite\nweight: 1\n---\nSelon [@morin2017]. Une adresse a@b.c et [un lien](https://example.org) restent.\n",
        ),
    ])
}

#[test]
fn citations_are_formatted_in_the_style_and_link_to_the_references() {
    let f = study(
        "",
        "La confiance remonte [@edelman2016, p. 12]. Voir [@morin2017; @edelman2016]. Le code `[@edelman2016]` reste.\n",
    );
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    assert!(
        home.contains(
            "<a class=\"citation\" href=\"suite/index.html#references\">(Edelman, 2016, p.\u{a0}12)</a>"
        ) || home.contains(
            "<a class=\"citation\" href=\"suite/index.html#references\">(Edelman, 2016, p. 12)</a>"
        ),
        "{home}"
    );
    assert!(home.contains(">(Edelman, 2016; Morin, 2017)</a>"), "APA sorts a citation's works: {home}");
    assert!(home.contains("<code>[@edelman2016]</code>"), "code stays literal");
    let last = f.read("suite/index.html");
    assert!(last.contains("<a class=\"citation\" href=\"#references\">(Morin, 2017)</a>"), "{last}");
    assert!(last.contains("a@b.c") && last.contains("href=\"https://example.org\""));
    let list = &last[last.find("<section class=\"references\"").expect("the references close the report")..];
    assert!(list.contains("<h2>Références</h2>"));
    let edelman = list.find("id=\"ref-edelman2016\"").unwrap();
    let morin = list.find("id=\"ref-morin2017\"").unwrap();
    assert!(edelman < morin, "APA lists by author");
    assert!(list.contains("<i>Baromètre de confiance 2016</i>"), "{list}");
    assert!(list.contains("<a href=\"https://www.edelman.com/trust\">"), "{list}");
    assert!(list.contains("influence &lt;script&gt;"), "text from the bibliography is escaped: {list}");
    assert!(!f.read("index.html").contains("class=\"references\""), "one list, at the end");
}

#[test]
fn a_numbered_style_numbers_works_in_the_order_they_are_first_cited() {
    let f = study(
        "citation_style: ieee\n",
        "D'abord [@morin2017], puis [@edelman2016] et encore [@morin2017].\n",
    );
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    let cites: Vec<&str> = home
        .split("class=\"citation\" href=\"suite/index.html#references\">")
        .skip(1)
        .map(|s| &s[..s.find("</a>").unwrap()])
        .collect();
    assert_eq!(cites, ["[1]", "[2]", "[1]"], "{home}");
    let last = f.read("suite/index.html");
    let list = &last[last.find("id=\"references\"").unwrap()..];
    assert!(list.find("ref-morin2017").unwrap() < list.find("ref-edelman2016").unwrap());
    assert!(list.contains("<span class=\"ref-label\">[1]</span>"), "{list}");
}

#[test]
fn unknown_keys_styles_and_bibliographies_are_errors_at_their_line() {
    let f = study("", "Texte.\n\nVoir [@edelman2061].\n");
    let out = f.build();
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("content/_index.md:6") && err.contains("`@edelman2061` is not in the bibliography"),
        "{err}"
    );
    assert!(err.contains("did you mean `edelman2016`?"), "{err}");

    let f = study("citation_style: apaa\n", "Texte.\n");
    let err = stderr(&f.build());
    assert!(err.contains("report.yaml:4") && err.contains("unknown citation style `apaa`"), "{err}");
    assert!(err.contains("did you mean `apa`?"), "{err}");

    let f = study("", "Texte.\n");
    f.write("references.bib", "@book{a, title = {A}}\n\n@book{b title = {B}}\n");
    let err = stderr(&f.build());
    assert!(err.contains("references.bib:3") && err.contains("in the bibliography: expected comma"), "{err}");

    let f = study("", "Texte.\n");
    f.write("report.yaml", "title: Étude\nbibliography: ../refs.bib\n");
    let err = stderr(&f.build());
    assert!(err.contains("report.yaml:2") && err.contains("is not a path inside the project"), "{err}");
}

#[test]
fn without_a_bibliography_brackets_stay_text() {
    let f = Fixture::new(&[
        ("report.yaml", "title: R\nlanguage: en\n"),
        ("content/_index.md", "---\ntitle: Home\n---\nAs [@someone] said.\n"),
    ]);
    assert!(f.build().status.success());
    assert!(f.read("index.html").contains("As [@someone] said."));
}

#[cfg(feature = "pdf")]
#[test]
fn the_pdf_cites_as_the_site_does_and_ends_with_the_references() {
    if !common::poppler_here() {
        return;
    }
    let f = study("", "La confiance remonte [@edelman2016, p. 12].\n");
    assert!(f.build().status.success());
    let pdf = f.public("etude.pdf");
    let out = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&out.stdout).replace(['\u{a0}', '\u{202f}'], " ");
    let cited = text.find("La confiance remonte (Edelman, 2016, p. 12).").expect("the citation");
    let morin = text.find("Selon (Morin, 2017).").expect("the second chapter's citation");
    let refs = text.rfind("Références").expect("a references chapter");
    let entry = text.find("Edelman. (2016). Baromètre de confiance 2016.").expect("the reference");
    assert!(cited < morin && morin < refs && refs < entry, "{text}");
    assert!(text.contains("Morin, R. (2017). Le marketing d'influence <script>. Isarta."), "{text}");
}

#[test]
fn the_home_page_says_how_to_cite_the_study_with_bibtex_and_ris() {
    let f = Fixture::new(&[
        (
            "report.yaml",
            "title: \"Influenceurs & marques\"\nlanguage: fr\nauthor: \"Cabinet & associates\"\nbase_url: https://example.org/etude/\n",
        ),
        ("content/_index.md", "---\ntitle: Accueil\ndate: 2026-03-05\n---\nTexte.\n"),
        ("static/citation.ris", "mine"),
    ]);
    let out = f.build();
    assert!(!out.status.success(), "a static file the build would overwrite is an error");
    assert!(stderr(&out).contains("`static/citation.ris` has the same name"), "{}", stderr(&out));
    std::fs::remove_file(f.root().join("static/citation.ris")).unwrap();
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    assert!(home.contains("<h2 id=\"cite-this-study\">Comment citer cette étude</h2>"), "{home}");
    assert!(
        home.contains("Cabinet &amp; associates. (2026). <i>Influenceurs &amp; marques</i>. <a href=\"https://example.org/etude/\">"),
        "{home}"
    );
    assert!(
        home.contains("<a href=\"./citation.bib\" download>BibTeX</a>")
            && home.contains("<a href=\"./citation.ris\" download>RIS</a>")
    );
    let bib = f.read("citation.bib");
    assert!(bib.contains("title = {Influenceurs \\& marques}") && bib.contains("year = {2026}"), "{bib}");
    let ris = f.read("citation.ris");
    assert!(
        ris.starts_with("TY  - RPRT\n") && ris.contains("PY  - 2026\n") && ris.ends_with("ER  - \n"),
        "{ris}"
    );
}

#[test]
fn a_dataset_may_name_a_reference_as_its_source() {
    let chart =
        |data: &str| format!("```chart\ntype: bar\ndata: {data}\nx: who\ny: share\ntitle: {data}\n```\n\n");
    let f = study("", &format!("[@morin2017]\n\n{}{}", chart("confiance"), chart("usages")));
    // Read after `confiance`: its reference is its own, not the first of a list.
    f.write("data/usages.yaml", "source: \"@morin2017\"\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, who: Pairs, share: 40 }\n");
    f.write("data/confiance.yaml", "source: \"@edelman2016\"\nsample_size: 1000\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, who: Proches, share: 78 }\n");
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    let home = f.read("index.html");
    let source = "Source\u{202f}: <a href=\"https://www.edelman.com/trust\">Edelman. (2016). Baromètre de confiance 2016. https://www.edelman.com/trust</a>";
    assert!(home.contains(source), "{home}");
    let morin = "Source\u{202f}: Morin, R. (2017). Le marketing d&#39;influence &lt;script&gt;. Isarta.";
    assert!(home.contains(morin), "{home}");
    let last = f.read("suite/index.html");
    assert!(last.contains("id=\"ref-edelman2016\""), "a dataset's source joins the references: {last}");

    f.write("data/confiance.yaml", "title: Confiance\nsource: \"@edelmann2016\"\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, who: Proches, share: 78 }\n");
    let err = stderr(&f.build());
    assert!(
        err.contains("data/confiance.yaml:2")
            && err.contains("the source `@edelmann2016` is not in the bibliography"),
        "{err}"
    );
    assert!(err.contains("did you mean `edelman2016`?"), "{err}");
}
