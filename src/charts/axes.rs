//! What several chart types share: value gridlines with their labels, and
//! the legend for series.

use super::canvas::{Align, Canvas, DrawResult, Font, text_width};
use super::scale::Scale;
use super::{GRID, INK, MUTED, ValueFormat, WIDTH, color};

pub const LEGEND_FONT: Font = Font::new(13.0, INK);
pub const TICK: Font = Font::new(11.5, MUTED);

/// Gridlines across the plot for a vertical value axis, labelled on the left.
pub fn grid_rows(c: &Canvas, scale: &Scale, vf: &ValueFormat, left: f64, right: f64) -> DrawResult {
    for t in &scale.ticks {
        let y = scale.map(*t);
        c.line(&[(left, y), (right, y)], GRID, 1)?;
        c.text(
            &vf.with(*t, scale.decimals()),
            left - 8.0,
            y,
            &TICK.align(Align::End),
        )?;
    }
    Ok(())
}

/// Gridlines down the plot for a horizontal value axis, labelled below.
pub fn grid_columns(
    c: &Canvas,
    scale: &Scale,
    vf: &ValueFormat,
    top: f64,
    bottom: f64,
) -> DrawResult {
    for t in &scale.ticks {
        let x = scale.map(*t);
        c.line(&[(x, top), (x, bottom)], GRID, 1)?;
        c.text(
            &vf.with(*t, scale.decimals()),
            x,
            bottom + 14.0,
            &TICK.align(Align::Middle),
        )?;
    }
    Ok(())
}

/// The width of the widest tick label, to size the margin that holds them.
pub fn tick_label_width(scale: &Scale, vf: &ValueFormat) -> f64 {
    scale
        .ticks
        .iter()
        .map(|t| text_width(&vf.with(*t, scale.decimals()), &TICK))
        .fold(0.0, f64::max)
}

/// How a legend marks a series: a square for bars, a dot for points.
#[derive(Clone, Copy)]
pub enum Marker {
    Square,
    Dot,
}

/// Series names laid out in rows across the top of a chart. Laid out once,
/// so the chart knows its height before drawing anything.
pub struct Legend {
    entries: Vec<(f64, f64, String)>,
    marker: Marker,
    height: f64,
}

impl Legend {
    /// A legend for `names`, empty (zero height) when there is only one.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>, x0: f64, marker: Marker) -> Legend {
        let names: Vec<&str> = names.into_iter().collect();
        if names.len() < 2 {
            return Legend {
                entries: Vec::new(),
                marker,
                height: 0.0,
            };
        }
        let (mut x, mut y) = (x0, 14.0);
        let mut entries = Vec::with_capacity(names.len());
        for name in names {
            let w = text_width(name, &LEGEND_FONT) + 34.0;
            if x + w > WIDTH as f64 - 8.0 && x > x0 {
                x = x0;
                y += 20.0;
            }
            entries.push((x, y, name.to_string()));
            x += w;
        }
        Legend {
            entries,
            marker,
            height: y + 16.0,
        }
    }

    pub fn height(&self) -> f64 {
        self.height
    }

    pub fn draw(&self, c: &Canvas) -> DrawResult {
        for (i, (x, y, name)) in self.entries.iter().enumerate() {
            match self.marker {
                Marker::Square => c.rect(*x, y - 6.0, x + 12.0, y + 6.0, color(i))?,
                Marker::Dot => c.circle(x + 6.0, *y, 5.0, color(i))?,
            }
            c.text(name, x + 18.0, *y, &LEGEND_FONT)?;
        }
        Ok(())
    }
}
