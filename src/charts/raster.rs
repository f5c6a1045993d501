//! A chart's pixels as its PNG holds them: one palette index a pixel.
//!
//! A chart is flat colours and the shades anti-aliasing adds, rarely more
//! than 256 of them, so its PNG is indexed. Drawn in RGB, every pixel was
//! looked up in the palette once the chart was done (a sixth of a cold
//! build's CPU) and the canvas filled white three bytes a pixel. Drawn
//! here, a pixel takes its index as it is painted, and the rows are
//! already what the PNG compresses. Past 256 colours the raster turns to
//! RGB and drawing goes on; the PNG is then made as before.
//!
//! Marks are drawn by plotters' own rasterizer through [`Backend`], with
//! the shortcuts and the blending of its RGB bitmap backend, so the pixels
//! are the ones that backend drew.

use plotters_backend::{BackendColor, BackendCoord, BackendStyle, DrawingBackend, DrawingErrorKind};

/// Pixels, white until drawn on.
pub struct Raster {
    size: (u32, u32),
    pixels: Pixels,
    /// What each ink mixed into each index by each alpha gave.
    inks: Vec<Mixes>,
}

/// What text's ink mixed into each index by each alpha gave. Text mixes
/// one ink into the same few colours by the same 255 alphas thousands of
/// times a chart; finding each mix in the palette again made text twice
/// as slow to draw on indices as on RGB.
struct Mixes {
    ink: [u8; 3],
    /// For each index under the ink, one plus its place in `made`; 0 when
    /// the ink has not been mixed into it yet.
    under: [u16; 256],
    /// By alpha, one plus the index of the mix; 0 when not yet made.
    made: Vec<[u16; 256]>,
}

impl Mixes {
    /// Where the mix into `under` by `alpha` is kept.
    fn slot(&mut self, under: u8, alpha: u8) -> &mut u16 {
        let place = &mut self.under[usize::from(under)];
        if *place == 0 {
            self.made.push([0; 256]);
            *place = self.made.len() as u16;
        }
        &mut self.made[usize::from(*place) - 1][usize::from(alpha)]
    }
}

enum Pixels {
    /// Each row after its PNG filter byte (0, none), as the PNG's stream
    /// takes them; `palette` in order of first use, white first.
    Indexed {
        rows: Vec<u8>,
        palette: Palette,
    },
    Rgb(Vec<u8>),
}

impl Default for Raster {
    fn default() -> Raster {
        Raster::white((0, 0))
    }
}

impl Raster {
    /// A white raster of `size` pixels.
    pub fn white((width, height): (u32, u32)) -> Raster {
        let mut palette = Palette::default();
        // Index 0 is white, and 0 is also every row's filter byte: the
        // zeroed rows are a white canvas as allocated.
        let _ = palette.index([255, 255, 255]);
        let rows = vec![0; (width as usize + 1) * height as usize];
        Raster { size: (width, height), pixels: Pixels::Indexed { rows, palette }, inks: Vec::new() }
    }

    /// A white raster of `size` pixels that is RGB from the start.
    #[cfg(test)]
    pub fn white_rgb((width, height): (u32, u32)) -> Raster {
        let pixels = Pixels::Rgb(vec![255; width as usize * height as usize * 3]);
        Raster { size: (width, height), pixels, inks: Vec::new() }
    }

    pub fn size(&self) -> (u32, u32) {
        self.size
    }

    /// The pixel at (`x`, `y`), when it is on the raster.
    fn at(&self, x: i64, y: i64) -> Option<(usize, usize)> {
        let (x, y) = (usize::try_from(x).ok()?, usize::try_from(y).ok()?);
        (x < self.size.0 as usize && y < self.size.1 as usize).then_some((x, y))
    }

    /// The colour of a pixel on the raster.
    fn get(&self, (x, y): (usize, usize)) -> [u8; 3] {
        let width = self.size.0 as usize;
        match &self.pixels {
            Pixels::Indexed { rows, palette } => palette.rgb(rows[y * (width + 1) + 1 + x]),
            Pixels::Rgb(rgb) => {
                let i = (y * width + x) * 3;
                [rgb[i], rgb[i + 1], rgb[i + 2]]
            }
        }
    }

    /// Paints a pixel on the raster.
    fn set(&mut self, at: (usize, usize), rgb: [u8; 3]) {
        self.fill((at.0, at.1), (at.0 + 1, at.1 + 1), rgb);
    }

    /// Mixes `ink` into a row of pixels of text by their `alphas` (of 255,
    /// 0 for none), from the pixel at `from` rightwards.
    pub fn ink(&mut self, from: (i64, i64), alphas: impl Iterator<Item = u8>, ink: [u8; 3]) {
        let found = self.inks.iter().position(|m| m.ink == ink);
        let mixes = found.unwrap_or_else(|| {
            self.inks.push(Mixes { ink, under: [0; 256], made: Vec::new() });
            self.inks.len() - 1
        });
        for (x, alpha) in (from.0..).zip(alphas) {
            let Some(pixel) = self.at(x, from.1).filter(|_| alpha > 0) else { continue };
            if !self.ink_index(pixel, mixes, alpha) {
                self.set(pixel, mix(self.get(pixel), ink, alpha));
            }
        }
    }

    /// Mixes the ink of `inks[mixes]` into an indexed pixel by `alpha`,
    /// from what it gave before when it can; false when the raster is RGB
    /// or the mix is a colour past 256.
    fn ink_index(&mut self, (x, y): (usize, usize), mixes: usize, alpha: u8) -> bool {
        let Pixels::Indexed { rows, palette } = &mut self.pixels else { return false };
        let cell = &mut rows[y * (self.size.0 as usize + 1) + 1 + x];
        let ink = self.inks[mixes].ink;
        let made = self.inks[mixes].slot(*cell, alpha);
        if *made == 0 {
            match palette.index(mix(palette.rgb(*cell), ink, alpha)) {
                Some(index) => *made = u16::from(index) + 1,
                None => return false,
            }
        }
        *cell = (*made - 1) as u8;
        true
    }

    /// Paints the pixels from `(x0, y0)` up to, not including, `(x1, y1)`,
    /// all on the raster.
    fn fill(&mut self, (x0, y0): (usize, usize), (x1, y1): (usize, usize), rgb: [u8; 3]) {
        let width = self.size.0 as usize;
        if let Pixels::Indexed { rows, palette } = &mut self.pixels {
            match palette.index(rgb) {
                Some(i) => {
                    for y in y0..y1 {
                        let start = y * (width + 1) + 1;
                        rows[start + x0..start + x1].fill(i);
                    }
                    return;
                }
                None => self.turn_rgb(),
            }
        }
        if let Pixels::Rgb(pixels) = &mut self.pixels {
            for y in y0..y1 {
                let row = &mut pixels[(y * width + x0) * 3..(y * width + x1) * 3];
                for pixel in row.chunks_exact_mut(3) {
                    pixel.copy_from_slice(&rgb);
                }
            }
        }
    }

    /// Turns the raster to RGB, past 256 colours.
    fn turn_rgb(&mut self) {
        let rgb = self.rgb();
        self.pixels = Pixels::Rgb(rgb);
    }

    /// The pixels as RGB, row after row.
    pub fn rgb(&self) -> Vec<u8> {
        match &self.pixels {
            Pixels::Indexed { rows, palette } => rows
                .chunks_exact(self.size.0 as usize + 1)
                .flat_map(|row| row[1..].iter().flat_map(|&i| palette.rgb(i)))
                .collect(),
            Pixels::Rgb(rgb) => rgb.clone(),
        }
    }

    /// The raster as a PNG: indexed when drawn in at most 256 colours, else
    /// as [`super::canvas::encode_png`] finds best.
    pub fn png(&self) -> Result<Vec<u8>, String> {
        match &self.pixels {
            Pixels::Indexed { rows, palette } => {
                super::canvas::encode_indexed(rows, &palette.colours, self.size)
            }
            Pixels::Rgb(rgb) => super::canvas::encode_png(rgb, self.size),
        }
    }
}

/// `ink` mixed into `old` by `alpha` (of 255), as text is drawn.
fn mix(mut old: [u8; 3], ink: [u8; 3], alpha: u8) -> [u8; 3] {
    let a = f32::from(alpha) / 255.0;
    for (channel, old) in ink.into_iter().zip(&mut old) {
        let (was, channel) = (f32::from(*old), f32::from(channel));
        // Rounded by adding a half (the value is never negative): a call
        // to `round` for every channel of every pixel of text was a
        // twentieth of drawing PNGs.
        *old = (was + (channel - was) * a + 0.5) as u8;
    }
    old
}

/// Up to 256 colours, and an open-addressed table of their indices: this
/// runs for every pixel painted, so no hashing library.
pub struct Palette {
    /// RGB, three bytes a colour.
    pub colours: Vec<u8>,
    /// `(colour with a 1 above its 24 bits, index)`; `(0, _)` is empty.
    slots: Vec<(u32, u8)>,
}

impl Default for Palette {
    fn default() -> Palette {
        Palette { colours: Vec::with_capacity(256 * 3), slots: vec![(0, 0); 1024] }
    }
}

impl Palette {
    /// The index of `rgb`, added if new; `None` past 256 colours.
    pub fn index(&mut self, [r, g, b]: [u8; 3]) -> Option<u8> {
        let key = u32::from_le_bytes([r, g, b, 1]);
        let mut slot = (key.wrapping_mul(0x9e37_79b1) >> 22) as usize;
        loop {
            match self.slots[slot] {
                (k, i) if k == key => return Some(i),
                (0, _) => {
                    let i = u8::try_from(self.colours.len() / 3).ok()?;
                    self.slots[slot] = (key, i);
                    self.colours.extend_from_slice(&[r, g, b]);
                    return Some(i);
                }
                _ => slot = (slot + 1) % self.slots.len(),
            }
        }
    }

    fn rgb(&self, i: u8) -> [u8; 3] {
        let at = usize::from(i) * 3;
        [self.colours[at], self.colours[at + 1], self.colours[at + 2]]
    }
}

/// plotters' drawing backend on a [`Raster`].
pub struct Backend<'a>(pub &'a mut Raster);

impl Backend<'_> {
    /// Paints the pixels between two corners, the second left out, clipped
    /// to the raster: plotters' bitmap `fill_rect_fast`.
    fn fill_rect(&mut self, a: BackendCoord, b: BackendCoord, rgb: [u8; 3]) {
        let (w, h) = (self.0.size.0 as i32, self.0.size.1 as i32);
        let (x0, y0) = (a.0.min(b.0).max(0), a.1.min(b.1).max(0));
        let (x1, y1) = (a.0.max(b.0).min(w), a.1.max(b.1).min(h));
        if x0 < x1 && y0 < y1 {
            self.0.fill((x0 as usize, y0 as usize), (x1 as usize, y1 as usize), rgb);
        }
    }

    /// Paints a vertical line, both ends in, clipped: plotters' bitmap
    /// `fill_vertical_line_fast`.
    fn fill_column(&mut self, x: i32, (y0, y1): (i32, i32), rgb: [u8; 3]) {
        if x >= 0 && x < self.0.size.0 as i32 {
            let (y0, y1) = (y0.min(y1).max(0), y0.max(y1).min(self.0.size.1 as i32 - 1));
            if y0 <= y1 {
                self.0.fill((x as usize, y0 as usize), (x as usize + 1, y1 as usize + 1), rgb);
            }
        }
    }

    /// Blends every pixel between two corners, the second left out.
    fn blend_rect(&mut self, a: BackendCoord, b: BackendCoord, color: BackendColor) {
        for y in a.1.min(b.1)..a.1.max(b.1) {
            for x in a.0.min(b.0)..a.0.max(b.0) {
                let _ = self.draw_pixel((x, y), color);
            }
        }
    }
}

impl DrawingBackend for Backend<'_> {
    type ErrorType = std::convert::Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.0.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }

    /// plotters' RGB bitmap: opaque from 255/256 up, else each channel
    /// moved towards the colour by alpha in 256ths, rounded towards the
    /// old value.
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let Some(at) = self.0.at(point.0.into(), point.1.into()) else { return Ok(()) };
        let (r, g, b) = color.rgb;
        if color.alpha >= 1.0 - 1.0 / 256.0 {
            self.0.set(at, [r, g, b]);
        } else if color.alpha > 0.0 {
            let a = (color.alpha * 256.0).floor() as u64;
            let mut old = self.0.get(at);
            for (was, new) in old.iter_mut().zip([r, g, b]) {
                if new > *was {
                    *was += (u64::from(new - *was) * a / 256) as u8;
                } else {
                    *was -= (u64::from(*was - new) * a / 256) as u8;
                }
            }
            self.0.set(at, old);
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        let (r, g, b) = color.rgb;
        if (from.0 == to.0 || from.1 == to.1) && style.stroke_width() == 1 {
            let end = (to.0 + 1, to.1 + 1);
            match color.alpha {
                a if a < 1.0 => self.blend_rect(from, end, color),
                _ if from.1 == to.1 => self.fill_rect(from, end, [r, g, b]),
                _ => self.fill_column(from.0, (from.1, to.1), [r, g, b]),
            }
            return Ok(());
        }
        plotters_backend::rasterizer::draw_line(self, from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        let (r, g, b) = color.rgb;
        match (fill, color.alpha) {
            (true, a) if a < 1.0 => self.blend_rect(upper_left, bottom_right, color),
            (true, _) => self.fill_rect(upper_left, bottom_right, [r, g, b]),
            (false, _) => {
                return plotters_backend::rasterizer::draw_rect(self, upper_left, bottom_right, style, fill);
            }
        }
        Ok(())
    }
}

/// Decodes a PNG back to RGB pixels, with its colour type.
#[cfg(test)]
pub(super) fn decode(png: &[u8]) -> (png::ColorType, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut out = vec![0; reader.output_buffer_size().unwrap()];
    reader.next_frame(&mut out).unwrap();
    (reader.info().color_type, out)
}

#[cfg(test)]
mod tests {
    use super::{Backend, Pixels, Raster, decode};
    use plotters::coord::Shift;
    use plotters::prelude::*;

    type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

    /// What charts draw on pixels: bars and gridlines either way round,
    /// some off the edge; then the first `smooth` of a thick line, dots,
    /// a polygon and a thin slanted line, whose anti-aliased edges blend.
    fn marks<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, smooth: usize) -> Drawn<DB> {
        let teal = RGBColor(11, 110, 79);
        area.draw(&Rectangle::new([(10, 10), (120, 40)], teal.filled()))?;
        area.draw(&Rectangle::new([(280, 150), (-20, 190)], RGBColor(200, 60, 40).filled()))?;
        area.draw(&Rectangle::new([(50, 50), (90, 90)], BLACK.stroke_width(1)))?;
        area.draw(&PathElement::new(vec![(5, 100), (295, 100)], RGBColor(220, 220, 220).stroke_width(1)))?;
        area.draw(&PathElement::new(vec![(150, 195), (150, -5)], BLACK.stroke_width(1)))?;
        let line = PathElement::new(vec![(20, 180), (90, 120), (160, 170), (260, 60)], teal.stroke_width(5));
        let dots =
            [(40, 3), (298, 9)].map(|(x, r)| Circle::new((x, 130), r, RGBColor(240, 160, 20).filled()));
        let polygon =
            Polygon::new(vec![(200, 20), (290, 35), (240, 90), (185, 70)], RGBColor(120, 40, 160).filled());
        let thin = PathElement::new(vec![(30, 20), (250, 140)], RGBColor(90, 90, 200).stroke_width(1));
        for step in 0..smooth.min(4) {
            match step {
                0 => area.draw(&line)?,
                1 => dots.iter().try_for_each(|d| area.draw(d))?,
                2 => area.draw(&polygon)?,
                _ => area.draw(&thin)?,
            }
        }
        Ok(())
    }

    /// `colours` squares of as many colours, then the marks, on plotters'
    /// own RGB bitmap and on a raster.
    fn both(colours: u32, smooth: usize) -> (Vec<u8>, Raster) {
        fn draw<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, colours: u32, smooth: usize) -> Drawn<DB> {
            for c in 0..colours {
                let (x, y) = ((c % 20 * 5) as i32, (c / 20 * 5) as i32);
                let color = RGBColor((c % 256) as u8, (c / 256) as u8, 77);
                area.draw(&Rectangle::new([(x, y), (x + 5, y + 5)], color.filled()))?;
            }
            marks(area, smooth)
        }
        let size = (300, 200);
        let mut rgb = vec![255; 300 * 200 * 3];
        draw(&BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area(), colours, smooth).unwrap();
        let mut raster = Raster::white(size);
        draw(&Backend(&mut raster).into_drawing_area(), colours, smooth).unwrap();
        (rgb, raster)
    }

    #[test]
    fn marks_are_the_pixels_plotters_draws_in_rgb_and_the_png_holds_them() {
        for smooth in 0..=4 {
            let (rgb, raster) = both(0, smooth);
            let shades = rgb.chunks(3).collect::<std::collections::HashSet<_>>().len();
            assert!((shades > 200) == (smooth > 0), "{smooth}: {shades} colours");
            // Past the polygon, the shades of edges over edges pass 256.
            let indexed = matches!(raster.pixels, Pixels::Indexed { .. });
            assert_eq!(indexed, smooth <= 2, "{smooth}: {shades} colours");
            let differ = rgb.chunks(3).zip(raster.rgb().chunks(3)).filter(|(a, b)| a != b).count();
            assert_eq!(differ, 0, "{smooth}: pixels that differ from plotters' RGB bitmap");
            assert!(decode(&raster.png().unwrap()).1 == rgb, "{smooth}: the PNG holds the pixels drawn");
        }
    }

    #[test]
    fn past_256_colours_the_raster_turns_rgb_and_keeps_every_pixel() {
        for (colours, indexed) in [(200, true), (300, false)] {
            let (rgb, raster) = both(colours, 0);
            assert_eq!(matches!(raster.pixels, Pixels::Indexed { .. }), indexed, "{colours} colours");
            assert!(raster.rgb() == rgb, "{colours} colours: pixels differ");
            assert!(decode(&raster.png().unwrap()).1 == rgb, "{colours} colours: the PNG differs");
        }
    }
}
