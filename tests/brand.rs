//! Branding from report.yaml: accent, chart palette, logo, fonts and
//! `extra_css` reach the built site and PDF; colours are contrast-checked;
//! a project file that replaces a theme file is said.

mod common;

use std::fs;
use std::path::Path;

use common::{Fixture, stderr, svgs};

const LOGO: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"><circle cx=\"32\" cy=\"32\" r=\"30\" fill=\"#0b6e4f\"/></svg>";

fn project(brand: &str) -> Fixture {
    let f = Fixture::new(&[
        ("report.yaml", &format!("title: Marque\nlanguage: fr\npdf: false\n{brand}")),
        (
            "data/s.yaml",
            "source: Panel\nsample_size: 800\nfields:\n  share: { type: percent }\nrows:\n  - { id: a, label: Oui, share: 40 }\n  - { id: b, label: Non, share: 60 }\n",
        ),
        (
            "content/_index.md",
            "---\ntitle: Accueil\n---\n```chart\ntype: bar\ndata: s\nx: label\ny: share\ntitle: Parts\n```\n",
        ),
        ("static/img/logo.svg", LOGO),
        ("brand.css", ".masthead { background: #f3faf6; }\n"),
    ]);
    let fonts = f.root().join("static/fonts");
    fs::create_dir_all(&fonts).unwrap();
    let theme_font =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/fonts/Inter-SemiBold.ttf");
    fs::copy(theme_font, fonts.join("Brand-Heading.ttf")).unwrap();
    f
}

const BRAND: &str = "brand:\n  accent: \"#0b6e4f\"\n  palette: [\"#8a3b12\", \"#0b6e4f\"]\n  logo: static/img/logo.svg\n  fonts:\n    headings: static/fonts/Brand-Heading.ttf\nextra_css: brand.css\n";

/// WCAG 2.1 contrast on white, computed here from the definition.
fn contrast_on_white(hex: &str) -> f64 {
    let channel = |i: usize| {
        let v = u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap() as f64 / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    let l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
    1.05 / (l + 0.05)
}

#[test]
fn brand_settings_reach_the_stylesheet_charts_masthead_and_fonts() {
    let f = project(BRAND);
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let css = f.read("style.css");
    // The theme's rules come first and stay; the brand's and the project's follow.
    let theme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"))
            .unwrap();
    assert!(css.starts_with(theme.trim_end()), "the theme's stylesheet is kept whole");
    let accents: Vec<&str> =
        css.match_indices("--accent:").map(|(i, _)| css[i..].split(';').next().unwrap()).collect();
    assert_eq!(
        accents.last(),
        Some(&"--accent: #0b6e4f"),
        "the brand's accent is declared last: {accents:?}"
    );
    let extra = css.find(".masthead { background: #f3faf6; }").expect("extra_css is in style.css");
    assert!(extra > css.find("--accent: #0b6e4f").unwrap(), "extra_css comes after the brand");
    // The headings font: its family and weight as the file says (Inter SemiBold).
    assert!(css.contains("font-family: \"Inter\"; font-weight: 600; font-style: normal"), "{css}");
    assert!(css.contains("url(\"fonts/Brand-Heading.woff2\")"));
    assert!(css.contains("--sans: \"Inter\""));
    assert!(f.public("fonts/Brand-Heading.woff2").is_file(), "the font is served as WOFF2");
    assert!(!f.public("fonts/Brand-Heading.ttf").exists(), "not as the whole font");

    let home = f.read("index.html");
    let bars = svgs(&home).concat().to_uppercase();
    assert!(bars.contains("#8A3B12"), "the first palette colour draws the bars");
    assert!(!bars.contains("#1F4E79"), "not the theme's");
    let logo = home.split("<img class=\"masthead-logo\" src=\"").nth(1).and_then(|r| r.split('"').next());
    assert_eq!(logo, Some("./img/logo.svg"));
    assert_eq!(f.read("img/logo.svg"), LOGO);
}

/// A 1 x 1 PNG.
const PIXEL: [u8; 70] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00,
    0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02,
    0x87, 0x01, 0x80, 0xeb, 0x47, 0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42,
    0x60, 0x82,
];

#[test]
fn the_pdf_shows_the_logo_beside_the_pages_on_its_cover() {
    if !common::poppler_here() || !cfg!(feature = "pdf") {
        return;
    }
    let f = project("");
    fs::write(f.root().join("content/logo.png"), PIXEL).unwrap();
    f.write(
        "report.yaml",
        "title: Marque\nlanguage: fr\npdf: { file: m.pdf }\nbrand: { logo: content/logo.png }\n",
    );
    let out = f.build();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read(f.public("logo.png")).unwrap(), PIXEL, "a logo in content/ is published");
    let images = std::process::Command::new("pdfimages")
        .args(["-f", "1", "-l", "1", "-list"])
        .arg(f.public("m.pdf"))
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&images.stdout);
    let sizes: Vec<(&str, &str)> = listed
        .lines()
        .skip(2)
        .filter_map(|l| Some((l.split_whitespace().nth(3)?, l.split_whitespace().nth(4)?)))
        .collect();
    assert_eq!(sizes.first(), Some(&("1", "1")), "the cover shows the logo: {listed}");
}

#[test]
fn colours_below_their_contrast_are_warnings_with_a_passing_shade() {
    let f = project("brand:\n  accent: \"#66aadd\"\n  palette: [\"#1f4e79\", \"#ffe066\"]\n");
    let out = f.run(&["check"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("report.yaml:5:11") && err.contains("the accent colour `#66aadd`"), "{err}");
    assert!(err.contains("report.yaml:6:24") && err.contains("this chart colour `#ffe066`"), "{err}");
    for (line, needed) in [("accent colour", 4.5), ("chart colour", 3.0)] {
        let warning = err.split("warning: ").find(|w| w.contains(line)).expect("a warning");
        let shade = warning.split("use `").nth(1).and_then(|r| r.split('`').next()).expect("a shade");
        assert!(contrast_on_white(shade) >= needed, "{shade} for {line}");
        assert!(contrast_on_white(shade) < needed + 0.2, "{shade} is the nearest, not black");
    }
    assert!(contrast_on_white("#66aadd") < 4.5 && contrast_on_white("#ffe066") < 3.0, "the fixture is below");
    assert!(!err.contains("#1f4e79`"), "a colour with enough contrast is not told: {err}");
    assert_eq!(f.run(&["check", "--strict"]).status.code(), Some(1));
}

#[test]
fn missing_brand_files_are_errors_at_their_line() {
    let f = project(
        "brand:\n  logo: static/img/lgo.svg\n  fonts:\n    text: static/img/logo.svg\nextra_css: [brand.css, missing.css]\n",
    );
    let out = f.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("report.yaml:5:9") && err.contains("did you mean `static/img/logo.svg`?"), "{err}");
    assert!(
        err.contains("report.yaml:7:11") && err.contains("is not a font file in `static/fonts/`"),
        "{err}"
    );
    assert!(err.contains("report.yaml:8:12") && err.contains("no stylesheet `missing.css`"), "{err}");
}

#[test]
fn a_project_file_that_replaces_a_theme_file_is_said_naming_both() {
    let f = project("");
    f.write("static/style.css", "body { color: red; }\n");
    f.write("templates/page.html", "{{ page.title }}");
    let out = f.build();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: `static/style.css` replaces the theme's `themes/default/static/style.css`"),
        "{err}"
    );
    assert!(err.contains("extra_css"), "the hint says how to add rules instead: {err}");
    assert!(
        err.contains("note: `templates/page.html` replaces the theme's `themes/default/templates/page.html`"),
        "{err}"
    );
}
