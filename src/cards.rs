//! Social cards: the picture a link to a page shows when it is shared.
//!
//! A card is 1200 x 630 (the size LinkedIn, Facebook and X crop to), drawn
//! from the page as an SVG in the theme's colours and fonts, then turned
//! into a PNG by resvg. It shows the page's title, its first key figure
//! (or, without one, its first chart), the report's title and the source
//! line, big enough to read as a thumbnail.

use crate::charts::canvas::{Font, text_width, wrap};
use crate::html::escape;
use crate::printed::{KeyFigure, Panel, Printed};

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;

const MARGIN: f64 = 72.0;
/// The theme's colours, read from its style sheet's custom properties
/// (`--ink`, `--muted`, `--accent`, `--rule`, `--paper`), so a card looks
/// like the site it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Palette {
    pub ink: String,
    pub muted: String,
    pub accent: String,
    pub rule: String,
    pub paper: String,
}

impl Default for Palette {
    /// The default theme's.
    fn default() -> Palette {
        Palette {
            ink: "#1a1a1a".into(),
            muted: "#595959".into(),
            accent: "#1f4e79".into(),
            rule: "#d9d9d9".into(),
            paper: "#ffffff".into(),
        }
    }
}

impl Palette {
    /// The colours a style sheet declares, the default theme's for those
    /// it does not, or not as a hex colour (`#1f4e79`, `#fff`).
    pub fn from_css(css: &str) -> Palette {
        let read = |name: &str, fallback: String| {
            // The last declaration wins, as in CSS: the brand's comes after the theme's.
            let pattern = format!("--{name}:");
            let declared =
                css.rfind(&pattern).and_then(|at| css[at + pattern.len()..].split([';', '}']).next());
            let value = declared.map(str::trim).filter(|v| {
                v.strip_prefix('#')
                    .is_some_and(|h| matches!(h.len(), 3 | 6) && h.bytes().all(|b| b.is_ascii_hexdigit()))
            });
            value.map_or(fallback, str::to_string)
        };
        let d = Palette::default();
        Palette {
            ink: read("ink", d.ink),
            muted: read("muted", d.muted),
            accent: read("accent", d.accent),
            rule: read("rule", d.rule),
            paper: read("paper", d.paper),
        }
    }
}

/// What a card shows, taken from a rendered page.
pub struct Card<'a> {
    /// Above the title: the report's title, or on the home page its author.
    pub kicker: Option<&'a str>,
    pub title: &'a str,
    /// The page's description, shown when it has no figure.
    pub description: Option<&'a str>,
    pub figure: Option<&'a Printed>,
}

/// The fonts cards are drawn with, read once per build.
pub struct Painter {
    options: resvg::usvg::Options<'static>,
    palette: Palette,
}

impl Painter {
    /// A painter with the theme's fonts; `family` is the family name the
    /// cards ask for.
    pub fn new<'a>(fonts: impl Iterator<Item = &'a [u8]>, family: &str, palette: Palette) -> Painter {
        let mut options = resvg::usvg::Options { font_family: family.to_string(), ..Default::default() };
        for font in fonts {
            options.fontdb_mut().load_font_data(font.to_vec());
        }
        Painter { options, palette }
    }

    /// The card as a PNG.
    pub fn paint(&self, card: &Card) -> Result<Vec<u8>, String> {
        let svg = svg(card, &self.options.font_family, &self.palette);
        let tree = resvg::usvg::Tree::from_str(&svg, &self.options).map_err(|e| e.to_string())?;
        let mut pixmap = resvg::tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("a card cannot be allocated")?;
        resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
        let rgb: Vec<u8> = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        // Shared links fetch the card over mobile networks: compressed
        // harder than chart downloads, which a build makes many more of.
        crate::charts::canvas::encode_png_with(
            &rgb,
            (WIDTH, HEIGHT),
            png::Compression::Balanced,
            png::Filter::Adaptive,
        )
    }
}

/// Lines of text set at one size, top to bottom.
struct Column {
    svg: String,
    y: f64,
    family: String,
}

impl Column {
    /// Sets `text` in at most `max_lines` lines of `size` px (the last
    /// ending with `…` when it is cut), and moves down past it.
    fn text(&mut self, text: &str, size: f64, weight: u16, color: &str, max_lines: usize) {
        let font = Font::new(size, plotters::style::BLACK);
        let font = if weight >= 600 { font.bold() } else { font };
        let width = f64::from(WIDTH) - 2.0 * MARGIN;
        let mut lines = wrap(text, &font, width);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            let last = lines.last_mut().expect("max_lines is at least one");
            // Cut at a word, or within one only when it alone is too wide.
            while !last.is_empty() && text_width(&format!("{last} …"), &font) > width {
                match last.rsplit_once(' ') {
                    Some((kept, _)) => last.truncate(kept.len()),
                    None => {
                        last.pop();
                    }
                }
            }
            let kept = last.trim_end_matches([',', ';', ':', ' ', '\u{a0}', '\u{202f}']).len();
            last.truncate(kept);
            last.push_str(" …");
        }
        for line in &lines {
            self.y += size * 1.18;
            self.svg.push_str(&format!(
                "<text x=\"{MARGIN}\" y=\"{:.1}\" font-family=\"{}\" font-size=\"{size}\" font-weight=\"{weight}\" fill=\"{color}\">{}</text>\n",
                self.y,
                escape(&self.family),
                escape(line)
            ));
        }
        self.y += size * 0.3;
    }

    fn gap(&mut self, px: f64) {
        self.y += px;
    }
}

/// The card as an SVG document.
pub fn svg(card: &Card, family: &str, colours: &Palette) -> String {
    let mut col = Column { svg: String::new(), y: 44.0, family: family.to_string() };
    if let Some(kicker) = card.kicker {
        col.text(kicker, 28.0, 600, &colours.muted, 1);
        col.gap(6.0);
    }
    let figure_lines = if card.figure.is_some() { 2 } else { 3 };
    col.text(card.title, 54.0, 600, &colours.ink, figure_lines);
    let footer = card.figure.and_then(source_line).map(|source| {
        let mut foot = Column { svg: String::new(), y: 0.0, family: family.to_string() };
        foot.text(&source, 24.0, 400, &colours.muted, 2);
        foot
    });
    let bottom = f64::from(HEIGHT) - 36.0 - footer.as_ref().map_or(0.0, |f| f.y + 20.0);
    match card.figure {
        Some(Printed::KeyFigures(keys)) if !keys.is_empty() => {
            key_figure(&mut col, &keys[0], bottom, colours)
        }
        Some(Printed::Chart { panels, .. }) if !panels.is_empty() => chart(&mut col, &panels[0], bottom),
        _ => {
            if let Some(d) = card.description {
                col.gap(10.0);
                col.text(d, 34.0, 400, &colours.muted, 4);
            }
        }
    }
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">\n\
         <rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{}\"/>\n\
         <rect width=\"{WIDTH}\" height=\"14\" fill=\"{}\"/>\n",
        colours.paper, colours.accent
    );
    out.push_str(&col.svg);
    if let Some(foot) = footer {
        out.push_str(&format!(
            "<rect x=\"{MARGIN}\" y=\"{bottom:.1}\" width=\"{}\" height=\"2\" fill=\"{}\"/>\n<g transform=\"translate(0 {:.1})\">\n{}</g>\n",
            f64::from(WIDTH) - 2.0 * MARGIN,
            colours.rule,
            bottom + 6.0,
            foot.svg
        ));
    }
    out.push_str("</svg>\n");
    out
}

/// The figure's source and sample, on one line: `Source : … · n = 1 252`.
fn source_line(figure: &Printed) -> Option<String> {
    let parts: Vec<String> = match figure {
        Printed::KeyFigures(keys) => keys.first()?.cited.clone(),
        Printed::Chart { caption, .. } | Printed::Table { caption, .. } => {
            caption.source.iter().map(|(s, _)| s.clone()).chain(caption.sample.clone()).collect()
        }
    };
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The number as large as the room above the source line allows (up to
/// 150 px), and what it counts below it.
fn key_figure(col: &mut Column, key: &KeyFigure, bottom: f64, colours: &Palette) {
    const LABEL: f64 = 38.0;
    let font = Font::new(LABEL, plotters::style::BLACK);
    let label_lines = wrap(&key.label, &font, f64::from(WIDTH) - 2.0 * MARGIN).len().clamp(1, 2) as f64;
    let label_height = label_lines * LABEL * 1.18 + LABEL * 0.3;
    let room = bottom - col.y - 4.0 - label_height - 12.0;
    col.gap(4.0);
    col.text(&key.value, (room / 1.48).clamp(56.0, 150.0), 600, &colours.accent, 1);
    col.text(&key.label, LABEL, 400, &colours.ink, 2);
}

/// The chart, as large as the space between the title and the source
/// line allows: drawn wide or narrow, whichever then reads bigger.
fn chart(col: &mut Column, panel: &Panel, bottom: f64) {
    let (top, box_w) = (col.y + 8.0, f64::from(WIDTH) - 2.0 * MARGIN);
    let box_h = bottom - top - 12.0;
    if box_h < 80.0 {
        return;
    }
    let fit = |svg: &str| svg_size(svg).map(|(end, w, h)| (end, w, h, (box_w / w).min(box_h / h)));
    let best = [fit(&panel.svg).map(|f| (&panel.svg, f)), fit(&panel.narrow).map(|f| (&panel.narrow, f))]
        .into_iter()
        .flatten()
        .max_by(|a, b| a.1.3.total_cmp(&b.1.3));
    let Some((svg, (open_end, w, h, scale))) = best else { return };
    let inner = svg[open_end..].trim_end().trim_end_matches("</svg>");
    let x = MARGIN + (box_w - w * scale) / 2.0;
    col.svg.push_str(&format!(
        "<svg x=\"{x:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" viewBox=\"0 0 {w} {h}\">{inner}</svg>\n",
        w * scale,
        h * scale
    ));
    col.y = top + h * scale;
}

/// Where a chart's opening `<svg …>` tag ends, and its viewBox size.
fn svg_size(svg: &str) -> Option<(usize, f64, f64)> {
    let start = svg.find("<svg")?;
    let end = start + svg[start..].find('>')? + 1;
    let tag = &svg[start..end];
    let view_box = tag.split("viewBox=\"").nth(1)?.split('"').next()?;
    let n: Vec<f64> = view_box.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    match n[..] {
        [_, _, w, h] if w > 0.0 && h > 0.0 => Some((end, w, h)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `<text>`'s baseline and size.
    type Line = (f64, f64);

    /// Each `<text>`'s baseline and size, top to bottom, and where the
    /// rule above the source line is.
    fn layout(svg: &str) -> (Vec<Line>, Option<f64>) {
        let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
        let mut shift = 0.0;
        let mut texts = Vec::new();
        for n in doc.descendants() {
            if let Some(t) = n.attribute("transform") {
                shift = t.trim_start_matches("translate(0 ").trim_end_matches(')').parse().expect("shift");
            }
            if n.has_tag_name("text")
                && n.ancestors().all(|a| a.attribute("viewBox").is_none() || a == doc.root_element())
            {
                let y: f64 = n.attribute("y").expect("y").parse().expect("number");
                let size: f64 = n.attribute("font-size").expect("size").parse().expect("number");
                let inside_footer = n.ancestors().any(|a| a.has_tag_name("g"));
                texts.push((if inside_footer { y + shift } else { y }, size));
            }
        }
        let rule = doc.descendants().find(|n| n.has_tag_name("rect") && n.attribute("height") == Some("2"));
        (texts, rule.map(|r| r.attribute("y").expect("y").parse().expect("number")))
    }

    #[test]
    fn long_words_never_run_into_the_source_line_or_off_the_card() {
        let long = "Part des influenceurs qui jugent important de savoir ce que l'annonceur a pensé de leur travail une fois la campagne terminée";
        let figure = Printed::KeyFigures(vec![KeyFigure {
            value: "1\u{202F}252".into(),
            label: long.into(),
            cited: vec![format!("Source\u{202F}: {long}"), "n = 1\u{202F}252 répondants".into()],
        }]);
        let card = Card { kicker: Some(long), title: long, description: None, figure: Some(&figure) };
        let (texts, rule) = layout(&svg(&card, "Inter", &Palette::default()));
        let rule = rule.expect("a source line");
        let (above, below): (Vec<Line>, Vec<Line>) = texts.iter().partition(|(y, _)| *y < rule);
        assert_eq!(above.len(), 1 + 2 + 1 + 2, "kicker, title, number and label, each cut: {texts:?}");
        assert_eq!(below.len(), 2, "the source on two lines at most: {texts:?}");
        let number = above[3];
        assert!(number.1 >= 56.0 && number.1 < 150.0, "the number shrinks to fit: {number:?}");
        let label_bottom = above[5].0 + 38.0 * 0.25;
        assert!(label_bottom < rule, "the label ends above the rule: {texts:?}, rule {rule}");
        assert!(below.iter().all(|(y, _)| *y < f64::from(HEIGHT) - 20.0), "{texts:?}");
    }

    #[test]
    fn a_short_page_keeps_its_number_large() {
        let figure = Printed::KeyFigures(vec![KeyFigure {
            value: "72\u{202F}%".into(),
            label: "N'ont aucun retour".into(),
            cited: vec!["Source\u{202F}: Cabinet".into()],
        }]);
        let card =
            Card { kicker: Some("Baromètre"), title: "Relations", description: None, figure: Some(&figure) };
        let (texts, _) = layout(&svg(&card, "Inter", &Palette::default()));
        assert!(texts.iter().any(|(_, size)| *size == 150.0), "{texts:?}");
    }

    #[test]
    fn cards_take_the_theme_colours_it_declares() {
        let css =
            ":root {\n  --ink: #222;\n  --accent: #8a1538;\n  --muted: red;\n  --rule: #abc\" onload=\"x;\n}";
        let p = Palette::from_css(css);
        assert_eq!((p.ink.as_str(), p.accent.as_str()), ("#222", "#8a1538"));
        assert_eq!(p.muted, Palette::default().muted, "only hex colours are read");
        assert_eq!(p.rule, Palette::default().rule, "nothing but a colour reaches the SVG");
        let card = Card { kicker: None, title: "T", description: None, figure: None };
        assert!(svg(&card, "Inter", &p).contains("fill=\"#8a1538\""));
        let theme = crate::theme::STATIC.iter().find(|(n, _)| *n == "style.css").expect("css").1;
        assert_eq!(Palette::from_css(std::str::from_utf8(theme).expect("utf-8")), Palette::default());
    }

    #[test]
    fn text_is_escaped_in_the_card() {
        let card = Card { kicker: None, title: "A <b> & \"c\"", description: Some("</svg>"), figure: None };
        let svg = svg(&card, "Inter", &Palette::default());
        let doc = roxmltree::Document::parse(&svg).expect("well-formed");
        let texts: Vec<&str> =
            doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
        assert_eq!(texts, ["A <b> & \"c\"", "</svg>"]);
    }
}
