//! What several chart types share: value gridlines with their labels, and
//! the legend for series.

use super::canvas::{Align, Canvas, DrawResult, Font, text_width};
use super::scale::Scale;
use plotters::style::RGBColor;

use super::{GRID, INK, MUTED, ValueFormat};

pub const LEGEND_FONT: Font = Font::new(13.0, INK);
pub const TICK: Font = Font::new(11.5, MUTED);

/// Gridlines across the plot for a vertical value axis, labelled on the left.
pub fn grid_rows(c: &Canvas, scale: &Scale, vf: &ValueFormat, left: f64, right: f64) -> DrawResult {
    for (t, label) in scale.ticks.iter().zip(vf.ticks(&scale.ticks)) {
        let y = scale.map(*t);
        c.line(&[(left, y), (right, y)], GRID, 1)?;
        c.text(&label, left - 8.0, y, &TICK.align(Align::End))?;
    }
    Ok(())
}

/// Gridlines down the plot for a horizontal value axis, labelled below.
pub fn grid_columns(c: &Canvas, scale: &Scale, vf: &ValueFormat, top: f64, bottom: f64) -> DrawResult {
    for (t, label) in scale.ticks.iter().zip(vf.ticks(&scale.ticks)) {
        let x = scale.map(*t);
        c.line(&[(x, top), (x, bottom)], GRID, 1)?;
        c.text(&label, x, bottom + 14.0, &TICK.align(Align::Middle))?;
    }
    Ok(())
}

/// The width of the widest tick label, to size the margin that holds them.
pub fn tick_label_width(scale: &Scale, vf: &ValueFormat) -> f64 {
    vf.ticks(&scale.ticks).iter().map(|t| text_width(t, &TICK)).fold(0.0, f64::max)
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
    entries: Vec<(f64, f64, String, RGBColor)>,
    marker: Marker,
    height: f64,
}

impl Legend {
    /// A legend for (name, colour) items, empty (zero height) when there
    /// is only one: a single series needs no key.
    pub fn new<'a>(
        items: impl IntoIterator<Item = (&'a str, RGBColor)>,
        x0: f64,
        width: f64,
        marker: Marker,
    ) -> Legend {
        let items: Vec<(&str, RGBColor)> = items.into_iter().collect();
        if items.len() < 2 {
            return Legend { entries: Vec::new(), marker, height: 0.0 };
        }
        let (mut x, mut y) = (x0, 14.0);
        let mut entries = Vec::with_capacity(items.len());
        for (name, color) in items {
            let w = text_width(name, &LEGEND_FONT) + 34.0;
            if x + w > width - 8.0 && x > x0 {
                x = x0;
                y += 20.0;
            }
            entries.push((x, y, name.to_string(), color));
            x += w;
        }
        Legend { entries, marker, height: y + 16.0 }
    }

    pub fn height(&self) -> f64 {
        self.height
    }

    pub fn draw(&self, c: &Canvas) -> DrawResult {
        for (x, y, name, color) in &self.entries {
            match self.marker {
                Marker::Square => c.rect(*x, y - 6.0, x + 12.0, y + 6.0, *color)?,
                Marker::Dot => c.circle(x + 6.0, *y, 5.0, *color)?,
            }
            c.text(name, x + 18.0, *y, &LEGEND_FONT)?;
        }
        Ok(())
    }
}

/// The author's reference line across a vertical value axis (`columns`,
/// `line`), labelled at its left end above the line, away from the series
/// labels at the right.
pub fn reference_row(c: &Canvas, scale: &Scale, style: &super::Style, left: f64, right: f64) -> DrawResult {
    let Some(r) = style.reference else {
        return Ok(());
    };
    if r.value < scale.min || r.value > scale.max {
        return Ok(());
    }
    let y = scale.map(r.value);
    c.dashed(&[(left, y), (right, y)], INK)?;
    if let Some(label) = &r.label {
        c.text(label, left + 4.0, y - 9.0, &REFERENCE)?;
    }
    Ok(())
}

/// The author's reference line across a horizontal value axis (`bar`,
/// `range`), labelled at its top.
pub fn reference_column(
    c: &Canvas,
    scale: &Scale,
    style: &super::Style,
    top: f64,
    bottom: f64,
) -> DrawResult {
    let Some(r) = style.reference else {
        return Ok(());
    };
    if r.value < scale.min || r.value > scale.max {
        return Ok(());
    }
    let x = scale.map(r.value);
    c.dashed(&[(x, top - 4.0), (x, bottom)], INK)?;
    if let Some(label) = &r.label {
        c.text(label, x + 4.0, top - 4.0, &REFERENCE)?;
    }
    Ok(())
}

/// Room the reference label needs above the plot.
pub fn reference_room(style: &super::Style) -> f64 {
    if style.reference.is_some_and(|r| r.label.is_some()) { 16.0 } else { 0.0 }
}

const REFERENCE: Font = Font::new(11.5, INK);

/// An interval whisker: a line with caps, horizontal or vertical.
pub fn whisker(c: &Canvas, from: (f64, f64), to: (f64, f64)) -> DrawResult {
    c.line(&[from, to], INK, 1)?;
    let vertical = (from.0 - to.0).abs() < 0.5;
    for (x, y) in [from, to] {
        if vertical {
            c.line(&[(x - 4.0, y), (x + 4.0, y)], INK, 1)?;
        } else {
            c.line(&[(x, y - 4.0), (x, y + 4.0)], INK, 1)?;
        }
    }
    Ok(())
}
