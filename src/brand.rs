//! The report's own look, set in `report.yaml` rather than by copying the
//! theme's templates: an accent colour, a chart palette, a logo and fonts,
//! and an `extra_css` file after the theme's stylesheet.
//!
//! Colours are checked for contrast on the white page, as WCAG 2.1 AA asks:
//! 4.5:1 for the accent (links and key figures are text), 3:1 for chart
//! marks. A colour below is a warning, not an error (a brand colour is
//! rarely the author's choice), and names the nearest shade that passes.

use std::path::{Path, PathBuf};

use plotters::style::RGBColor;
use serde::Deserialize;

use crate::charts::parse_hex;
use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, Pos};
use crate::yaml::{self, Spanned};

/// Text on the page needs this contrast on white (WCAG 1.4.3).
pub const TEXT_CONTRAST: f64 = 4.5;
/// Chart marks need this contrast on white (WCAG 1.4.11).
pub const MARK_CONTRAST: f64 = 3.0;

/// `brand:` in `report.yaml`, as written.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrand {
    accent: Option<Spanned<String>>,
    palette: Option<Vec<Spanned<String>>>,
    logo: Option<Spanned<String>>,
    fonts: Option<RawFonts>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFonts {
    text: Option<Spanned<PathList>>,
    headings: Option<Spanned<PathList>>,
}

/// One file, or a list of them (a font's regular, bold, italic…).
#[derive(Clone, Debug, Default)]
pub struct PathList(pub Vec<String>);

impl<'de> Deserialize<'de> for PathList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PathList;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a file such as `static/fonts/Lora-Regular.ttf`, or a list of them")
            }
            fn visit_str<E>(self, v: &str) -> Result<PathList, E> {
                Ok(PathList(vec![v.to_string()]))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<PathList, A::Error> {
                let mut files = Vec::new();
                while let Some(f) = seq.next_element::<String>()? {
                    files.push(f);
                }
                Ok(PathList(files))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The look `report.yaml` sets, checked. Files (logo, fonts) are found
/// once the project's files are read ([`Brand::find_files`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Brand {
    /// `#rrggbb`.
    pub accent: Option<String>,
    /// Chart series colours, `#rrggbb`; the theme's when empty.
    pub palette: Vec<String>,
    /// The logo as written, and where.
    logo_written: Option<(String, Pos)>,
    fonts_written: Vec<(Role, Vec<String>, Pos)>,
    /// The logo's path in the site, once found.
    pub logo: Option<PathBuf>,
    /// The typefaces the fonts set, once read.
    pub faces: Vec<Face>,
}

/// What a font sets: body text, or headings and the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Text,
    Headings,
}

/// One font file of the brand, as CSS and Typst name it.
#[derive(Clone, Debug, PartialEq)]
pub struct Face {
    pub role: Role,
    pub family: String,
    pub weight: u16,
    pub italic: bool,
    /// Its path in the site (`fonts/Lora-Regular.ttf`).
    pub path: PathBuf,
}

impl Brand {
    /// Checks `brand:`: colours are colours, with their contrast told.
    pub fn parse(raw: &RawBrand, errors: &mut Vec<Diagnostic>, warnings: &mut Vec<Diagnostic>) -> Brand {
        let mut brand = Brand::default();
        if let Some(a) = &raw.accent
            && let Some(hex) = colour(a, errors)
        {
            warnings.extend(contrast_warning(
                a,
                &hex,
                TEXT_CONTRAST,
                ("the accent colour", "text (links, key figures) needs"),
            ));
            brand.accent = Some(hex);
        }
        for c in raw.palette.iter().flatten() {
            if let Some(hex) = colour(c, errors) {
                warnings.extend(contrast_warning(
                    c,
                    &hex,
                    MARK_CONTRAST,
                    ("this chart colour", "chart marks need"),
                ));
                brand.palette.push(hex);
            }
        }
        brand.logo_written = raw.logo.as_ref().map(|l| (l.value.clone(), yaml::pos_of(l, 0)));
        if let Some(fonts) = &raw.fonts {
            for (role, files) in [(Role::Text, &fonts.text), (Role::Headings, &fonts.headings)] {
                if let Some(f) = files {
                    brand.fonts_written.push((role, f.value.0.clone(), yaml::pos_of(f, 0)));
                }
            }
        }
        brand
    }

    /// Finds the logo and the fonts among the project's files: each must be
    /// a file of `static/` (fonts in `static/fonts/`) or, for the logo, of
    /// `content/`. Errors are at their line in `report.yaml`.
    pub fn find_files(&mut self, files: crate::assets::Files) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let config = Path::new(CONFIG_FILE);
        if let Some((written, pos)) = &self.logo_written {
            match files.find(config, written) {
                crate::assets::Found::File { path, .. }
                    if !files.bytes(&path).is_some_and(crate::assets::is_image) =>
                {
                    let message = format!("the logo `{written}` is not a PNG, JPEG, GIF, WebP or SVG image");
                    errors.push(
                        Diagnostic::error(config, Some(*pos), message).with_hint("use an SVG or PNG logo"),
                    );
                }
                crate::assets::Found::File { path, .. } => self.logo = Some(path),
                _ => errors.push(missing(written, *pos, files, "the logo")),
            }
        }
        for (role, written, pos) in &self.fonts_written {
            for w in written {
                match files.find(config, w) {
                    crate::assets::Found::File { path, content: false }
                        if crate::webfonts::is_font(&path) =>
                    {
                        match face(*role, &path, files.bytes(&path).unwrap_or_default()) {
                            Some(f) => self.faces.push(f),
                            None => errors.push(
                                Diagnostic::error(
                                    config,
                                    Some(*pos),
                                    format!("`{w}` is not a font barometer can read"),
                                )
                                .with_hint("use a TrueType (.ttf) or OpenType (.otf) font file"),
                            ),
                        }
                    }
                    crate::assets::Found::File { .. } => errors.push(
                        Diagnostic::error(
                            config,
                            Some(*pos),
                            format!("`{w}` is not a font file in `static/fonts/`"),
                        )
                        .with_hint(
                            "put the .ttf or .otf file in static/fonts/ and write its path from report.yaml",
                        ),
                    ),
                    _ => errors.push(missing(w, *pos, files, "the font")),
                }
            }
        }
        errors
    }

    /// The files the brand shows that come from `content/` (the logo), to
    /// publish with the site.
    pub fn content_files(&self, files: crate::assets::Files) -> Vec<PathBuf> {
        self.logo.iter().filter(|p| files.content.contains_key(*p)).cloned().collect()
    }

    /// The family that sets `role`, if the brand sets one.
    pub fn family(&self, role: Role) -> Option<&str> {
        self.faces.iter().find(|f| f.role == role).map(|f| f.family.as_str())
    }

    /// The CSS that puts the brand over the default theme's custom
    /// properties, empty when the brand sets nothing. The palette is not
    /// among them: charts are drawn in it, and only the theme's own
    /// colours carry the classes `--chart-N` recolour.
    pub fn css(&self) -> String {
        let mut css = String::new();
        for f in &self.faces {
            let woff2 = f.path.with_extension("woff2");
            css.push_str(&format!(
                "@font-face {{ font-family: \"{}\"; font-weight: {}; font-style: {}; font-display: swap; src: url(\"{}\") format(\"woff2\"); }}\n",
                css_string(&f.family),
                f.weight,
                if f.italic { "italic" } else { "normal" },
                woff2.to_string_lossy().replace('\\', "/"),
            ));
        }
        let mut vars = Vec::new();
        if let Some(a) = &self.accent {
            vars.push(format!("--accent: {a};"));
        }
        if let Some(family) = self.family(Role::Text) {
            vars.push(format!("--serif: \"{}\", Georgia, serif;", css_string(family)));
        }
        if let Some(family) = self.family(Role::Headings) {
            vars.push(format!("--sans: \"{}\", system-ui, sans-serif;", css_string(family)));
        }
        if !vars.is_empty() {
            css.push_str(&format!(":root {{ {} }}\n", vars.join(" ")));
        }
        if !css.is_empty() {
            css.insert_str(0, "\n/* brand: set in report.yaml */\n");
        }
        css
    }

    /// The palette as chart colours; `None` for the theme's.
    pub fn chart_palette(&self) -> Option<Vec<RGBColor>> {
        let colours: Vec<RGBColor> = self.palette.iter().filter_map(|c| parse_hex(c)).collect();
        (!colours.is_empty()).then_some(colours)
    }
}

fn missing(written: &str, pos: Pos, files: crate::assets::Files, what: &str) -> Diagnostic {
    let d =
        Diagnostic::error(CONFIG_FILE, Some(pos), format!("{what} `{written}` is not a file of the project"));
    match files.closest(Path::new(CONFIG_FILE), written) {
        Some(best) => d.with_hint(format!("did you mean `{best}`?")),
        None => d.with_hint(format!("put {what} in static/ and write its path from report.yaml: `static/…`")),
    }
}

/// A colour as `#rrggbb`, or an error at its line.
fn colour(c: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let written = c.value.trim();
    match parse_hex(written) {
        Some(rgb) => Some(hex(rgb)),
        None => {
            errors.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    Some(yaml::pos_of(c, 0)),
                    format!("`{written}` is not a colour"),
                )
                .with_hint("write colours as #1f4e79 or #f80"),
            );
            None
        }
    }
}

/// A warning when `hex` has less than `ratio` contrast on white, naming the
/// nearest shade that has it.
fn contrast_warning(
    at: &Spanned<String>,
    hex: &str,
    ratio: f64,
    (what, used_for): (&str, &str),
) -> Option<Diagnostic> {
    let rgb = parse_hex(hex)?;
    let has = contrast_on_white(rgb);
    if has >= ratio {
        return None;
    }
    let shade = self::hex(nearest_shade(rgb, ratio));
    let message =
        format!("{what} `{hex}` has {has:.1}:1 contrast on white, below the {ratio}:1 that {used_for}");
    Some(
        Diagnostic::warning(CONFIG_FILE, Some(yaml::pos_of(at, 0)), message)
            .with_hint(format!("use `{shade}`, the nearest shade of it with {ratio}:1")),
    )
}

pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// WCAG contrast ratio of `c` on white.
pub fn contrast_on_white(c: RGBColor) -> f64 {
    1.05 / (crate::charts::luminance(c) + 0.05)
}

/// The lightest darkening of `c` (its channels scaled down together, so
/// its hue stays) with at least `ratio` contrast on white.
pub fn nearest_shade(c: RGBColor, ratio: f64) -> RGBColor {
    let scaled = |f: f64| {
        let s = |v: u8| (v as f64 * f).floor() as u8;
        RGBColor(s(c.0), s(c.1), s(c.2))
    };
    let (mut dark, mut light) = (0.0, 1.0);
    for _ in 0..30 {
        let mid = (dark + light) / 2.0;
        if contrast_on_white(scaled(mid)) >= ratio {
            dark = mid;
        } else {
            light = mid;
        }
    }
    scaled(dark)
}

/// A font file's family, weight and style, read from its tables.
fn face(role: Role, path: &Path, bytes: &[u8]) -> Option<Face> {
    let font = ttf_parser::Face::parse(bytes, 0).ok()?;
    let names = font.names();
    let name =
        |id: u16| names.into_iter().filter(|n| n.name_id == id && n.is_unicode()).find_map(|n| n.to_string());
    let family =
        name(ttf_parser::name_id::TYPOGRAPHIC_FAMILY).or_else(|| name(ttf_parser::name_id::FAMILY))?;
    Some(Face {
        role,
        family,
        weight: font.weight().to_number(),
        italic: font.is_italic(),
        path: path.to_path_buf(),
    })
}

/// `s` safe inside a double-quoted CSS string.
fn css_string(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '"' | '\\' | '<' | '>' | '\n' | '\r')).collect()
}

/// The CSS of the `extra_css` files, each after a comment naming it.
pub fn extra_css(files: &[(PathBuf, String)]) -> String {
    // A file name cannot end the comment early.
    let name = |p: &PathBuf| p.display().to_string().replace("*/", "* /");
    files.iter().map(|(path, css)| format!("\n/* {} */\n{css}\n", name(path))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_shade_passes_and_is_the_lightest_that_does() {
        for (hex, ratio) in
            [("#f0a0a0", TEXT_CONTRAST), ("#ffd400", MARK_CONTRAST), ("#7fb3e6", TEXT_CONTRAST)]
        {
            let c = parse_hex(hex).expect("a colour");
            let shade = nearest_shade(c, ratio);
            assert!(contrast_on_white(shade) >= ratio, "{hex}");
            let lighter = |v: u8| v.saturating_add(3);
            let slightly_lighter = RGBColor(lighter(shade.0), lighter(shade.1), lighter(shade.2));
            assert!(
                contrast_on_white(slightly_lighter) < ratio,
                "{hex}: {} is not the nearest",
                self::hex(shade)
            );
        }
        // Values computed by hand from the WCAG formula: #767676 is the
        // lightest grey with 4.5:1 on white (4.54:1), #777777 has 4.48:1.
        assert!((contrast_on_white(RGBColor(0x76, 0x76, 0x76)) - 4.54).abs() < 0.01);
        assert!((contrast_on_white(RGBColor(0x77, 0x77, 0x77)) - 4.48).abs() < 0.01);
    }

    #[test]
    fn colours_below_their_contrast_are_warnings_with_a_shade() {
        let raw: RawBrand = yaml::parse(
            Path::new(CONFIG_FILE),
            "accent: \"#66aadd\"\npalette: [\"#1f4e79\", \"#ffe066\", nope]\n",
            0,
        )
        .expect("parses");
        let (mut errors, mut warnings) = (Vec::new(), Vec::new());
        let brand = Brand::parse(&raw, &mut errors, &mut warnings);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains("`nope` is not a colour"));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].pos.map(|p| p.line), Some(1));
        assert!(warnings[0].message.contains("4.5:1"), "{}", warnings[0].message);
        assert_eq!(warnings[1].pos.map(|p| p.line), Some(2));
        assert_eq!(brand.palette, ["#1f4e79", "#ffe066"]);
        let css = brand.css();
        assert!(css.contains(":root { --accent: #66aadd; }"), "{css}");
        assert_eq!(brand.chart_palette().map(|p| p.len()), Some(2));
    }
}
