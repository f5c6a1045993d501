//! A thin drawing surface over plotters' SVG backend.
//!
//! Charts draw marks and text in pixel coordinates; this keeps plotters'
//! types and error plumbing in one place, and measures text with the font
//! shipped in the binary so labels are laid out by their real widths.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos as Anchor, VPos};

use super::raster::{Backend, Palette, Raster};

/// The chart font, embedded so measurements match on every machine.
static INTER_REGULAR: &[u8] = include_bytes!("../../themes/default/static/fonts/Inter-Regular.ttf");
static INTER_SEMIBOLD: &[u8] = include_bytes!("../../themes/default/static/fonts/Inter-SemiBold.ttf");

/// The font family name, also declared by the theme's `@font-face`.
pub const FAMILY: &str = "Inter";

/// plotters writes `font-size` as the requested size divided by 1.24.
const PLOTTERS_FONT_RATIO: f64 = 1.24;

fn register_fonts() -> bool {
    static DONE: OnceLock<bool> = OnceLock::new();
    *DONE.get_or_init(|| {
        plotters::style::register_font(FAMILY, FontStyle::Normal, INTER_REGULAR).is_ok()
            && plotters::style::register_font(FAMILY, FontStyle::Bold, INTER_SEMIBOLD).is_ok()
    })
}

/// Horizontal alignment of a text.
#[derive(Clone, Copy)]
pub enum Align {
    Start,
    Middle,
    End,
}

/// Text settings: size in CSS pixels, colour, weight, alignment.
#[derive(Clone, Copy)]
pub struct Font {
    pub size: f64,
    pub color: RGBColor,
    pub bold: bool,
    pub align: Align,
    /// Turned a quarter left, reading upwards from its anchor.
    pub upright: bool,
}

impl Font {
    pub const fn new(size: f64, color: RGBColor) -> Font {
        Font { size, color, bold: false, align: Align::Start, upright: false }
    }

    pub const fn bold(mut self) -> Font {
        self.bold = true;
        self
    }

    pub const fn with_color(mut self, color: RGBColor) -> Font {
        self.color = color;
        self
    }

    pub const fn sized(mut self, size: f64) -> Font {
        self.size = size;
        self
    }

    pub const fn align(mut self, align: Align) -> Font {
        self.align = align;
        self
    }

    pub const fn upright(mut self) -> Font {
        self.upright = true;
        self
    }

    fn desc(&self) -> FontDesc<'static> {
        let style = if self.bold { FontStyle::Bold } else { FontStyle::Normal };
        let desc = FontDesc::new(FontFamily::Name(FAMILY), self.size * PLOTTERS_FONT_RATIO, style);
        if self.upright { desc.transform(FontTransform::Rotate270) } else { desc }
    }
}

/// Width of `text` in pixels, measured with the embedded font.
///
/// The same sum of advances and kerning as plotters' own measure, whole
/// pixels included, but over fonts parsed once: going through plotters
/// looks the font up and copies it for every label, which was a tenth of
/// a thousand-page build.
pub fn text_width(text: &str, font: &Font) -> f64 {
    let mut m = Measure::new(font);
    m.push(text);
    m.width()
}

/// A width measured as text is added, so trying one more word costs that
/// word only. It adds the same advances in the same order as measuring the
/// whole text, so both give the same width.
#[derive(Clone)]
struct Measure {
    face: Option<&'static Face>,
    size: f64,
    sum: f32,
    chars: usize,
    prev: Option<ab_glyph::GlyphId>,
}

impl Measure {
    fn new(font: &Font) -> Measure {
        let face = parsed_fonts().map(|(regular, semibold)| if font.bold { semibold } else { regular });
        Measure { face, size: font.size, sum: 0.0, chars: 0, prev: None }
    }

    fn push(&mut self, text: &str) {
        use ab_glyph::{Font as _, ScaleFont as _};
        self.chars += text.chars().count();
        let Some(face) = self.face else { return };
        // The requested size was scaled up by the same ratio plotters scales
        // `font-size` down by, so the width is already in CSS pixels.
        let scaled = face.font.as_scaled((self.size * PLOTTERS_FONT_RATIO) as f32);
        for c in text.chars() {
            let glyph = face.glyph(c);
            self.sum += scaled.h_advance(glyph);
            if let Some(p) = self.prev {
                self.sum += scaled.kern(p, glyph);
            }
            self.prev = Some(glyph);
        }
    }

    fn width(&self) -> f64 {
        match self.face {
            Some(_) => f64::from(self.sum as i32),
            None => self.chars as f64 * self.size * 0.55,
        }
    }
}

/// A parsed font, with the glyphs of ASCII looked up once.
pub struct Face {
    font: ab_glyph::FontRef<'static>,
    ascii: [ab_glyph::GlyphId; 128],
}

impl Face {
    fn parse(bytes: &'static [u8]) -> Option<Face> {
        use ab_glyph::Font as _;
        let font = ab_glyph::FontRef::try_from_slice(bytes).ok()?;
        let ascii = std::array::from_fn(|i| font.glyph_id(char::from(i as u8)));
        Some(Face { font, ascii })
    }

    fn glyph(&self, c: char) -> ab_glyph::GlyphId {
        use ab_glyph::Font as _;
        match self.ascii.get(c as usize) {
            Some(g) => *g,
            None => self.font.glyph_id(c),
        }
    }
}

/// The embedded fonts, parsed once for measuring.
fn parsed_fonts() -> Option<&'static (Face, Face)> {
    static FONTS: OnceLock<Option<(Face, Face)>> = OnceLock::new();
    FONTS.get_or_init(|| Some((Face::parse(INTER_REGULAR)?, Face::parse(INTER_SEMIBOLD)?))).as_ref()
}

/// The most lines a label wraps to; a longer one ends with `…` (the data
/// table under the chart has it whole). A label of 40,000 characters must
/// not make a chart as tall as a book.
pub const MAX_LABEL_LINES: usize = 10;

/// Splits `text` into lines no wider than `width`, breaking only at
/// ordinary spaces: no-break spaces (`5 000`, `72 %`) hold.
pub fn wrap(text: &str, font: &Font, width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut measured = Measure::new(font);
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut candidate = measured.clone();
        if !current.is_empty() {
            candidate.push(" ");
        }
        candidate.push(word);
        if !current.is_empty() && candidate.width() > width {
            if lines.len() + 1 == MAX_LABEL_LINES {
                current.push_str(" …");
                break;
            }
            lines.push(std::mem::replace(&mut current, word.to_string()));
            measured = Measure::new(font);
            measured.push(word);
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
            measured = candidate;
        }
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines.into_iter().map(|l| fit(l, font, width)).collect()
}

/// A word longer than the whole width (a URL, a code) ends with `…` where
/// it would overflow, rather than run out of the chart. Measured once,
/// character by character.
fn fit(line: String, font: &Font, width: f64) -> String {
    if text_width(&line, font) <= width {
        return line;
    }
    let mut measured = Measure::new(font);
    let mut cut = String::new();
    let mut buf = [0u8; 4];
    for c in line.trim_end_matches(" …").chars() {
        measured.push(c.encode_utf8(&mut buf));
        let mut with_ellipsis = measured.clone();
        with_ellipsis.push("…");
        if with_ellipsis.width() > width {
            break;
        }
        cut.push(c);
    }
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

pub type DrawResult = Result<(), String>;

/// Where a chart is drawn: SVG text, or pixels for a PNG.
pub enum Target<'a> {
    Svg(&'a mut String),
    /// Pixels at `scale` times the chart's size; with a `frame`, its texts
    /// above and below the chart.
    Bitmap {
        raster: &'a mut Raster,
        scale: f64,
        frame: Option<&'a super::frame::Laid>,
    },
}

enum Area<'a> {
    Svg(DrawingArea<SVGBackend<'a>, Shift>),
    /// Pixels, drawn on by plotters for marks and by [`raster_text`] for
    /// text: plotters places each glyph at a whole pixel, which spaced
    /// letters unevenly ("Jugen t").
    Bitmap(std::cell::RefCell<&'a mut Raster>),
}

/// A drawing surface of a fixed size, in CSS pixels whatever the target.
pub struct Canvas<'a> {
    area: Area<'a>,
    scale: f64,
    /// Where the chart starts down the surface: below a frame's header.
    top: f64,
}

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing failed: {e:?}")
}

/// Runs the same drawing call on whichever backend the canvas has.
macro_rules! on_area {
    ($canvas:expr, $area:ident => $call:expr) => {
        match &$canvas.area {
            Area::Svg($area) => $call.map_err(err),
            Area::Bitmap(raster) => {
                let mut raster = raster.borrow_mut();
                let $area = Backend(&mut raster).into_drawing_area();
                $call.map_err(err)
            }
        }
    };
}

impl<'a> Canvas<'a> {
    pub fn new(target: &'a mut Target, width: u32, height: u32) -> Canvas<'a> {
        register_fonts();
        match target {
            Target::Svg(buf) => Canvas {
                area: Area::Svg(SVGBackend::with_string(buf, (width, height)).into_drawing_area()),
                scale: 1.0,
                top: 0.0,
            },
            Target::Bitmap { raster, scale, frame } => {
                let (above, below) = frame.map_or((0.0, 0.0), |f| (f.top, f.bottom));
                let total = height as f64 + above + below;
                **raster = Raster::white(((width as f64 * *scale) as u32, (total * *scale).ceil() as u32));
                let mut c =
                    Canvas { area: Area::Bitmap(std::cell::RefCell::new(raster)), scale: *scale, top: 0.0 };
                if let Some(f) = frame {
                    // Texts cannot fail to draw on pixels.
                    let _ = f.draw(&c, height as f64);
                }
                c.top = above;
                c
            }
        }
    }

    fn px(&self, v: f64) -> i32 {
        (v * self.scale).round() as i32
    }

    /// A vertical position on the surface, below any header.
    fn py(&self, v: f64) -> i32 {
        ((v + self.top) * self.scale).round() as i32
    }

    fn points(&self, points: &[(f64, f64)]) -> Vec<(i32, i32)> {
        points.iter().map(|&(x, y)| (self.px(x), self.py(y))).collect()
    }

    pub fn rect(&self, x0: f64, y0: f64, x1: f64, y1: f64, color: RGBColor) -> DrawResult {
        let (x0, x1) = (x0.min(x1), x0.max(x1));
        let (y0, y1) = (y0.min(y1), y0.max(y1));
        let r = Rectangle::new([(self.px(x0), self.py(y0)), (self.px(x1), self.py(y1))], color.filled());
        on_area!(self, a => a.draw(&r))
    }

    pub fn line(&self, points: &[(f64, f64)], color: RGBColor, width: u32) -> DrawResult {
        let stroke = (width as f64 * self.scale).round() as u32;
        if let (Area::Bitmap { .. }, [a, b]) = (&self.area, points)
            && let Some(band) = self.band(*a, *b, stroke)
        {
            return on_area!(self, area => area.draw(&Rectangle::new(band, color.filled())));
        }
        let path = PathElement::new(self.points(points), color.stroke_width(stroke));
        on_area!(self, a => a.draw(&path))
    }

    /// The pixels a line along an axis covers, `stroke` wide, as a
    /// rectangle: plotters fills a thick line as a polygon, a column at a
    /// time (a tenth of the time a chart's PNG took, for gridlines), and
    /// one pixel wider than the stroke.
    fn band(&self, a: (f64, f64), b: (f64, f64), stroke: u32) -> Option<[(i32, i32); 2]> {
        let ((x0, y0), (x1, y1)) = ((self.px(a.0), self.py(a.1)), (self.px(b.0), self.py(b.1)));
        let (before, after) = (stroke as i32 / 2, stroke as i32 - stroke as i32 / 2);
        if stroke < 2 {
            None
        } else if y0 == y1 && x0 != x1 {
            Some([(x0.min(x1), y0 - before), (x0.max(x1), y0 + after)])
        } else if x0 == x1 && y0 != y1 {
            Some([(x0 - before, y0.min(y1)), (x0 + after, y0.max(y1))])
        } else {
            None
        }
    }

    /// A dashed line, for reference values.
    pub fn dashed(&self, points: &[(f64, f64)], color: RGBColor) -> DrawResult {
        for pair in points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            let len = ((x1 - x0).powi(2) + (y1 - y0).powi(2)).sqrt();
            let steps = (len / 8.0).floor().max(1.0) as usize;
            for k in (0..steps).step_by(2) {
                let t0 = k as f64 / steps as f64;
                let t1 = ((k + 1) as f64 / steps as f64).min(1.0);
                let a = (x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0);
                let b = (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1);
                self.line(&[a, b], color, 1)?;
            }
        }
        Ok(())
    }

    pub fn circle(&self, x: f64, y: f64, r: f64, color: RGBColor) -> DrawResult {
        let c = Circle::new((self.px(x), self.py(y)), self.px(r).max(1), color.filled());
        on_area!(self, a => a.draw(&c))
    }

    pub fn polygon(&self, points: &[(f64, f64)], color: RGBColor) -> DrawResult {
        let p = Polygon::new(self.points(points), color.filled());
        on_area!(self, a => a.draw(&p))
    }

    /// Draws `text` with its vertical middle at `y`.
    pub fn text(&self, text: &str, x: f64, y: f64, font: &Font) -> DrawResult {
        if let Area::Bitmap(raster) = &self.area {
            let text = crate::html::printable(text);
            raster_text(
                &mut raster.borrow_mut(),
                &text,
                (x * self.scale, (y + self.top) * self.scale),
                font,
                self.scale,
            );
            return Ok(());
        }
        let h = match font.align {
            Align::Start => HPos::Left,
            Align::Middle => HPos::Center,
            Align::End => HPos::Right,
        };
        let scaled = Font { size: font.size * self.scale, ..*font };
        let style = scaled.desc().color(&font.color).pos(Anchor::new(h, VPos::Center));
        let t = Text::new(crate::html::printable(text).into_owned(), (self.px(x), self.py(y)), style);
        on_area!(self, a => a.draw(&t))
    }

    /// Draws `text` on a white box the size of the text, so a gridline or
    /// a reference line passing behind it never strikes it through.
    pub fn label(&self, text: &str, x: f64, y: f64, font: &Font) -> DrawResult {
        let w = text_width(text, font);
        let x0 = match font.align {
            Align::Start => x,
            Align::Middle => x - w / 2.0,
            Align::End => x - w,
        };
        let half = font.size * 0.6 + 1.0;
        self.rect(x0 - 2.0, y - half, x0 + w + 2.0, y + half, WHITE)?;
        self.text(text, x, y, font)
    }

    /// Draws wrapped lines centred vertically on `y`, `line_height` apart.
    pub fn lines(&self, lines: &[String], x: f64, y: f64, line_height: f64, font: &Font) -> DrawResult {
        let top = y - (lines.len() as f64 - 1.0) * line_height / 2.0;
        for (i, l) in lines.iter().enumerate() {
            self.text(l, x, top + i as f64 * line_height, font)?;
        }
        Ok(())
    }

    pub fn finish(self) -> DrawResult {
        match &self.area {
            Area::Svg(a) => a.present().map_err(err),
            Area::Bitmap { .. } => Ok(()),
        }
    }
}

/// Draws `text` on `raster` at (`x`, `y`) in pixels, as the SVG places
/// it: glyphs at their exact advances with kerning, anti-aliased, the
/// middle of the x-height on `y`; upright text turned a quarter left.
fn raster_text(raster: &mut Raster, text: &str, (x, y): (f64, f64), font: &Font, scale: f64) {
    use ab_glyph::{Font as _, ScaleFont as _};
    if !(x.is_finite() && y.is_finite()) {
        return;
    }
    let Some((regular, semibold)) = parsed_fonts() else { return };
    let face = if font.bold { semibold } else { regular };
    let px = (font.size * PLOTTERS_FONT_RATIO * scale) as f32;
    let scaled = face.font.as_scaled(px);
    // Only centred and right-aligned text needs its width measured first.
    let width = || text_width(text, font) * scale;
    let start = match font.align {
        Align::Start => 0.0,
        Align::Middle => -width() / 2.0,
        Align::End => -width(),
    };
    // The SVG's `dy="0.5ex"`: Inter's x-height is 0.546 of its em.
    let baseline = 0.273 * font.size * scale;
    let ink = [font.color.0, font.color.1, font.color.2];
    let mut caret = start;
    let mut prev = None;
    for c in text.chars() {
        let id = face.glyph(c);
        if let Some(p) = prev {
            caret += f64::from(scaled.kern(p, id));
        }
        prev = Some(id);
        let at = caret;
        caret += f64::from(scaled.h_advance(id));
        // Upright text is laid out along its line, then turned about the anchor.
        let (gx, gy) = if font.upright { (at, baseline) } else { (x + at, y + baseline) };
        let (ix, iy) = (gx.floor(), gy.floor());
        let Some(cov) = coverage(face, font.bold, id, px, (gx - ix, gy - iy)) else { continue };
        // Whole pixels from here: the glyph's top left, and the anchor's.
        let (left, top) = (whole(ix) + i64::from(cov.left), whole(iy) + i64::from(cov.top));
        let (ax, ay) = (whole(x), whole(y));
        let width = cov.width.max(1);
        if font.upright {
            // Reading upwards: (column, row) from the anchor turns to (row,
            // -column), so each column of the glyph is a row of pixels.
            for (column, alphas) in (left..).zip((0..width).map(|c| cov.alpha.iter().skip(c).step_by(width)))
            {
                raster.ink((ax + top, ay - column), alphas.copied(), ink);
            }
        } else {
            for (row, alphas) in (top..).zip(cov.alpha.chunks_exact(width)) {
                raster.ink((left, row), alphas.iter().copied(), ink);
            }
        }
    }
}

/// `v`'s whole part, kept far from where adding a glyph's offsets to it
/// could overflow: a pixel that far away is off the canvas either way.
fn whole(v: f64) -> i64 {
    v.floor().clamp(-1e9, 1e9) as i64
}

/// A glyph rasterized once for its size and its position within a pixel
/// (to a quarter): alpha by row, from (`left`, `top`) of the pixel its
/// origin falls in. Labels repeat the same few glyphs thousands of times
/// in a build; rasterizing each anew was half the time of drawing PNGs.
struct Coverage {
    left: i32,
    top: i32,
    width: usize,
    alpha: Vec<u8>,
}

type GlyphKey = (bool, u16, u32, u8, u8);

thread_local! {
    static GLYPHS: std::cell::RefCell<std::collections::HashMap<GlyphKey, Option<std::rc::Rc<Coverage>>>> =
        Default::default();
}

/// The cached coverage of glyph `id` at size `px`, its origin at
/// (`fx`, `fy`) within a pixel; `None` for a glyph with no outline (space).
fn coverage(
    face: &Face,
    bold: bool,
    id: ab_glyph::GlyphId,
    px: f32,
    (fx, fy): (f64, f64),
) -> Option<std::rc::Rc<Coverage>> {
    use ab_glyph::{Font as _, point};
    let (qx, qy) = ((fx * 4.0).floor().min(3.0) as u8, (fy * 4.0).floor().min(3.0) as u8);
    let key = (bold, id.0, px.to_bits(), qx, qy);
    GLYPHS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(found) = cache.get(&key) {
            return found.clone();
        }
        if cache.len() > 50_000 {
            cache.clear();
        }
        let glyph = id.with_scale_and_position(px, point(f32::from(qx) / 4.0, f32::from(qy) / 4.0));
        let made = face.font.outline_glyph(glyph).map(|outline| {
            let b = outline.px_bounds();
            let width = (b.max.x - b.min.x).max(0.0) as usize;
            let height = (b.max.y - b.min.y).max(0.0) as usize;
            let mut alpha = vec![0u8; width * height];
            outline.draw(|gx, gy, a| {
                if let Some(cell) = alpha.get_mut(gy as usize * width + gx as usize) {
                    *cell = (a.clamp(0.0, 1.0) * 255.0).round() as u8;
                }
            });
            std::rc::Rc::new(Coverage { left: b.min.x as i32, top: b.min.y as i32, width, alpha })
        });
        cache.insert(key, made.clone());
        made
    })
}

/// Encodes RGB pixels as a PNG: indexed when they hold at most 256
/// colours, else RGB. Both are lossless.
pub fn encode_png(pixels: &[u8], size: (u32, u32)) -> Result<Vec<u8>, String> {
    // A chart is flat colours and the shades its anti-aliasing adds: about
    // 230 of them. One byte a pixel instead of three made a 1,440 x 1,006
    // chart 60 KB instead of 210 KB, and was no slower to encode than the
    // RGB it replaces: the PNGs were most of what a build wrote to disk.
    match palette_of(pixels, size.0 as usize) {
        Some((palette, indices)) => encode_indexed(&indices, &palette, size),
        // Trying every filter on every row (the default) makes chart PNGs a
        // third smaller but took a fifth of a 1,000-page build.
        None => encode_png_with(pixels, size, png::Compression::Fast, png::Filter::Up),
    }
}

/// The colours of RGB `pixels`, rows of `width`, (at most 256, in order
/// of first use) and each pixel's index among them, each row after its
/// PNG filter byte (0, none); `None` when there are more.
fn palette_of(pixels: &[u8], width: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    let row = width * 3;
    if row == 0 {
        return None;
    }
    let mut palette = Palette::default();
    // Filled as it goes, never zeroed first: it is 1.4 MB a chart.
    let mut indices: Vec<u8> = Vec::with_capacity(pixels.len() / 3 + pixels.len() / row);
    let mut previous: Option<&[u8]> = None;
    for line in pixels.chunks_exact(row) {
        // Most rows of a chart repeat the one above: copied whole.
        if previous == Some(line) {
            indices.extend_from_within(indices.len() - width - 1..);
            continue;
        }
        previous = Some(line);
        indices.push(0);
        let mut x = 0;
        while x < width {
            // Eight pixels that each repeat the one before, at once.
            let at = 3 * x;
            if x > 0 && x + 8 <= width && line[at..at + 24] == line[at - 3..at + 21] {
                let i = indices[indices.len() - 1];
                indices.extend_from_slice(&[i; 8]);
                x += 8;
                continue;
            }
            indices.push(palette.index([line[at], line[at + 1], line[at + 2]])?);
            x += 1;
        }
    }
    Some((palette.colours, indices))
}

/// Encodes rows of palette indices, each after its filter byte, as an
/// indexed PNG.
pub(super) fn encode_indexed(
    rows: &[u8],
    palette: &[u8],
    (width, height): (u32, u32),
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette.to_vec());
    let mut writer = encoder.write_header().map_err(err)?;
    let stream = super::deflate::zlib(rows, width as usize + 1);
    writer.write_chunk(png::chunk::IDAT, &stream).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}

/// Encodes RGB pixels as a PNG, compressed as asked.
pub fn encode_png_with(
    pixels: &[u8],
    (width, height): (u32, u32),
    compression: png::Compression,
    filter: png::Filter,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(compression);
    encoder.set_filter(filter);
    let mut writer = encoder.write_header().map_err(err)?;
    writer.write_image_data(pixels).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::raster::decode;
    use super::*;

    #[test]
    fn widths_are_measured_not_counted() {
        let f = Font::new(13.0, BLACK);
        let narrow = text_width("iiiiiiiiii", &f);
        let wide = text_width("MMMMMMMMMM", &f);
        assert!(wide > narrow * 2.0, "{narrow} vs {wide}");
        assert!(text_width("Hello", &Font::new(26.0, BLACK)) > text_width("Hello", &f) * 1.8);
        // Inter's advance widths (fontTools, units per em 2816) sum to 296.3 px at 13 px
        // for this string; the measure may round up a little, never down.
        let w = text_width("Jugent important de savoir ce que l'annonceur a", &f);
        assert!((296.0..=312.0).contains(&w), "{w}");
    }

    #[test]
    fn wrap_respects_width_and_keeps_words() {
        let f = Font::new(13.0, BLACK);
        let text = "Se voient comme un simple panneau publicitaire par les marques";
        let lines = wrap(text, &f, 150.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, &f) <= 150.0 || !l.contains(' ')));
        assert_eq!(lines.join(" "), text);
        let long = wrap("https://example.org/a/very/long/address/that/never/breaks", &f, 120.0);
        assert_eq!(long.len(), 1);
        assert!(long[0].ends_with('…') && text_width(&long[0], &f) <= 120.0, "{long:?}");
        let long = "mot ".repeat(10_000);
        let started = std::time::Instant::now();
        let cut = wrap(&long, &f, 150.0);
        assert_eq!(cut.len(), MAX_LABEL_LINES);
        assert!(cut[MAX_LABEL_LINES - 1].ends_with('…'), "{cut:?}");
        assert!(cut.iter().all(|l| text_width(l, &f) <= 150.0), "{cut:?}");
        let word = "x".repeat(40_000);
        let one = wrap(&word, &f, 150.0);
        assert!(one.len() == 1 && one[0].ends_with('…') && text_width(&one[0], &f) <= 150.0);
        assert!(started.elapsed().as_secs() < 5, "linear, not quadratic: {:?}", started.elapsed());
        let text = "entre 5\u{202f}000 et 30\u{202f}000 abonnés";
        let held = wrap(text, &f, 60.0);
        assert!(held.len() > 2, "{held:?}");
        assert_eq!(held.join(" "), text, "no-break spaces are never broken");
    }

    #[test]
    fn lines_along_an_axis_cover_their_stroke_on_pixels_and_no_more() {
        let mut raster = Raster::default();
        let target = &mut Target::Bitmap { raster: &mut raster, scale: 2.0, frame: None };
        let c = Canvas::new(target, 80, 60);
        c.line(&[(50.0, 10.0), (10.0, 10.0)], BLACK, 1).unwrap();
        c.line(&[(30.0, 20.0), (30.0, 40.0)], BLACK, 2).unwrap();
        c.line(&[(60.0, 20.0), (70.0, 30.0)], BLACK, 1).unwrap();
        drop(c);
        let (pixels, size) = (raster.rgb(), raster.size());
        let width = size.0 as usize;
        let inked = |x: usize, y: usize| pixels[(y * width + x) * 3] == 0;
        // 1 px at twice the size: two rows of pixels, from x = 20 to 100.
        let rows: Vec<usize> =
            (0..size.1 as usize).filter(|&y| (0..width).any(|x| x < 110 && inked(x, y))).collect();
        let columns: Vec<usize> = (0..width).filter(|&x| (0..36).any(|y| inked(x, y))).collect();
        assert_eq!(rows.first().copied(), Some(19));
        assert!(inked(20, 19) && inked(20, 20) && inked(99, 20) && !inked(100, 20) && !inked(19, 20));
        assert_eq!(columns, (20..100).collect::<Vec<_>>(), "the horizontal line spans x = 20 to 100");
        // 2 px at twice the size: four columns, around x = 60, from y = 40 to 80.
        let vertical: Vec<usize> = (0..width).filter(|&x| x < 110 && inked(x, 60)).collect();
        assert_eq!(vertical, vec![58, 59, 60, 61]);
        assert!(inked(60, 40) && inked(60, 79) && !inked(60, 80) && !inked(60, 39));
        assert!(!inked(60, 21) && !inked(60, 18), "nothing between the two lines");
        // A slanted line is still drawn.
        assert!(inked(130, 50));
    }

    #[test]
    fn text_far_off_the_canvas_or_nowhere_draws_nothing() {
        for (x, y) in [(1e300, 10.0), (10.0, -1e300), (f64::NAN, 10.0), (-5e9, 5e9), (f64::INFINITY, 0.0)] {
            for upright in [false, true] {
                let mut raster = Raster::white((40, 30));
                let font = Font { upright, ..Font::new(13.0, BLACK) };
                raster_text(&mut raster, "Été 42 %", (x, y), &font, 1.0);
                assert!(raster.rgb().iter().all(|&p| p == 255), "({x}, {y}), upright: {upright}");
            }
        }
    }

    #[test]
    fn upright_text_is_the_same_text_turned_a_quarter_left() {
        let draw = |upright: bool| {
            let mut raster = Raster::default();
            let target = &mut Target::Bitmap { raster: &mut raster, scale: 2.0, frame: None };
            let c = Canvas::new(target, 300, 300);
            c.text("Jugent 42,5 % été", 100.0, 150.0, &Font { upright, ..Font::new(13.0, BLACK) }).unwrap();
            drop(c);
            let (pixels, width) = (raster.rgb(), i64::from(raster.size().0));
            let inked = pixels.chunks(3).enumerate().filter(|(_, p)| p[0] < 255);
            let mut inked: Vec<_> =
                inked.map(|(i, p)| ((i as i64 % width, i as i64 / width), p[0])).collect();
            inked.sort_unstable();
            inked
        };
        let flat = draw(false);
        assert!(flat.len() > 500, "{} pixels", flat.len());
        assert!(flat.iter().all(|((x, _), _)| *x < 590), "the text is not cut at the edge");
        // About the anchor, at (200, 300) in pixels: (dx, dy) turns to (dy, -dx).
        let mut turned: Vec<_> = flat.iter().map(|&((x, y), v)| ((y - 100, 500 - x), v)).collect();
        turned.sort_unstable();
        let upright = draw(true);
        let differ = upright.iter().zip(&turned).filter(|(a, b)| a != b).count();
        assert!(
            upright.len() == turned.len() && differ == 0,
            "{} vs {} pixels, {differ} differ",
            upright.len(),
            turned.len()
        );
    }

    #[test]
    fn text_drawn_on_palette_indices_is_the_text_drawn_on_rgb() {
        // Text over white, over a bar and across its edge, both ways up.
        let draw = |raster: &mut Raster| {
            let bar = Rectangle::new([(0, 30), (300, 70)], RGBColor(11, 110, 79).filled());
            Backend(raster).into_drawing_area().draw(&bar).unwrap();
            for (at, upright) in [((10.0, 31.0), false), ((250.0, 60.0), true)] {
                raster_text(raster, "Jugent 42", at, &Font { upright, ..Font::new(13.0, BLACK) }, 1.0);
            }
        };
        let (mut indexed, mut rgb) = (Raster::white((300, 120)), Raster::white_rgb((300, 120)));
        draw(&mut indexed);
        draw(&mut rgb);
        let (kind, pixels) = decode(&indexed.png().unwrap());
        let shades = pixels.chunks(3).collect::<std::collections::HashSet<_>>().len();
        assert!(shades > 100, "anti-aliased over two colours: {shades} colours");
        assert_eq!(kind, png::ColorType::Indexed, "drawn on indices throughout: {shades} colours");
        assert!(pixels == rgb.rgb(), "text on indices differs from text on RGB");
    }

    /// An image of `width` x `height` whose pixel (x, y) takes one of
    /// `colours` colours, in runs and rows that repeat and ones that do not.
    fn image(width: usize, height: usize, colours: usize) -> Vec<u8> {
        let mut pixels = Vec::with_capacity(width * height * 3);
        for y in 0..height {
            for x in 0..width {
                let c = if y % 3 == 1 { (x / 11) % colours } else { (x * 7 + y * 13) % colours };
                pixels.extend_from_slice(&[(c % 256) as u8, (c / 256) as u8, (c * 5 % 251) as u8]);
            }
        }
        pixels
    }

    #[test]
    fn pngs_hold_the_pixels_drawn_exactly_indexed_or_not() {
        // Widths that are not a multiple of the eight pixels compared at once.
        for (width, height, colours, indexed) in
            [(37, 9, 2, true), (101, 17, 256, true), (101, 17, 257, false), (8, 3, 1, true), (1, 1, 1, true)]
        {
            let pixels = image(width, height, colours);
            let png = encode_png(&pixels, (width as u32, height as u32)).unwrap();
            let (kind, decoded) = decode(&png);
            assert_eq!(kind == png::ColorType::Indexed, indexed, "{width}x{height}, {colours} colours");
            assert!(decoded == pixels, "{width}x{height}, {colours} colours: pixels differ");
        }
    }
}
