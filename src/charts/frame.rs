//! What a downloaded chart carries around its plot: title and subtitle
//! above, source, sample size and notes below, on an opaque background.
//! A chart pasted into slides or a post, away from its page, still says
//! what it shows and where the figures come from.

use super::canvas::{Align, Canvas, DrawResult, Font, wrap};
use super::{INK, MUTED};

/// The texts around an exported chart, in the page's language.
#[derive(Clone, Debug, Default)]
pub struct Frame {
    pub title: String,
    pub subtitle: Option<String>,
    /// `Source : … · n = …`, then each note.
    pub footer: Vec<String>,
}

const TITLE: Font = Font::new(17.0, INK).bold();
const SUBTITLE: Font = Font::new(13.0, INK);
const FOOTER: Font = Font::new(11.5, MUTED);
const PAD: f64 = 16.0;

/// The frame's lines placed for one width: (text, font, y of its middle).
pub struct Laid {
    header: Vec<(String, Font, f64)>,
    footer: Vec<(String, Font, f64)>,
    /// Height above the plot, and below it.
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub fn lay_out(&self, width: f64) -> Laid {
        let room = width - 2.0 * PAD;
        let mut header = Vec::new();
        let mut y = PAD + 4.0;
        for line in wrap(&self.title, &TITLE, room) {
            header.push((line, TITLE, y + 6.0));
            y += 22.0;
        }
        for line in self.subtitle.iter().flat_map(|s| wrap(s, &SUBTITLE, room)) {
            header.push((line, SUBTITLE, y + 4.0));
            y += 18.0;
        }
        let mut footer = Vec::new();
        let mut below = 10.0;
        for line in self.footer.iter().flat_map(|f| wrap(f, &FOOTER, room)) {
            footer.push((line, FOOTER, below + 7.0));
            below += 16.0;
        }
        Laid { header, footer, top: y + 8.0, bottom: below + PAD - 4.0 }
    }
}

impl Laid {
    /// Draws the frame's texts around a plot `plot_height` high.
    pub fn draw(&self, c: &Canvas, plot_height: f64) -> DrawResult {
        for (text, font, y) in &self.header {
            c.text(text, PAD, *y, &font.align(Align::Start))?;
        }
        let below = self.top + plot_height;
        for (text, font, y) in &self.footer {
            c.text(text, PAD, below + y, &font.align(Align::Start))?;
        }
        Ok(())
    }
}

/// The export SVG: the chart's `body` (its marks, without the `<svg>`
/// tags) moved below the header, framed, on white. `root` is the opening
/// tag with its title and description.
pub fn svg(root: &str, body: &str, laid: &Laid, (width, height): (u32, u32)) -> Result<String, String> {
    let total = (laid.top + f64::from(height) + laid.bottom).ceil() as u32;
    let mut texts = String::new();
    {
        let mut target = super::canvas::Target::Svg(&mut texts);
        let c = Canvas::new(&mut target, width, total);
        laid.draw(&c, f64::from(height))?;
        c.finish()?;
    }
    let texts = texts.split_once('\n').map_or("", |(_, rest)| rest).trim_end().trim_end_matches("</svg>");
    let body = body.trim_end().trim_end_matches("</svg>");
    // Away from the page, Inter may be missing: fall back on a sans-serif.
    let (texts, body) = (sans(texts), sans(body));
    let root = root.replacen(
        &format!("viewBox=\"0 0 {width} {height}\""),
        &format!("viewBox=\"0 0 {width} {total}\""),
        1,
    );
    let root = root.replacen("width=\"100%\"", &format!("width=\"{width}\" height=\"{total}\""), 1);
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{root}<rect width=\"{width}\" height=\"{total}\" fill=\"#FFFFFF\"/>\n{texts}\n<g transform=\"translate(0,{})\">\n{body}\n</g>\n</svg>\n",
        laid.top
    ))
}

fn sans(svg: &str) -> String {
    svg.replace("font-family=\"Inter\"", "font-family=\"Inter, Helvetica, Arial, sans-serif\"")
}
