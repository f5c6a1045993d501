//! What several chart types share: value gridlines with their labels, and
//! the legend for series.

use super::canvas::{Align, Canvas, DrawResult, Font, text_width, wrap};
use super::scale::Scale;
use crate::config::Language;
use crate::dates::{self, Precision, Tick};
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
    let labels = vf.ticks(&scale.ticks);
    let xs: Vec<f64> = scale.ticks.iter().map(|t| scale.map(*t)).collect();
    let every = spread(&xs, &labels);
    for (i, (x, label)) in xs.iter().zip(&labels).enumerate() {
        c.line(&[(*x, top), (*x, bottom)], GRID, 1)?;
        if i % every == 0 {
            c.text(label, *x, bottom + 14.0, &TICK.align(Align::Middle))?;
        }
    }
    Ok(())
}

/// The smallest `k` such that labelling every `k`-th of the labels centred
/// at `xs` keeps them 8 px apart: a narrow chart labels fewer gridlines.
pub fn spread(xs: &[f64], labels: &[String]) -> usize {
    let placed: Vec<(f64, f64)> = xs.iter().zip(labels).map(|(x, l)| (*x, text_width(l, &TICK))).collect();
    let apart = |k: usize| keep_apart(&placed.iter().copied().step_by(k).collect::<Vec<_>>(), 8.0);
    (1..xs.len().max(2)).find(|k| apart(*k)).unwrap_or(xs.len().max(1))
}

/// Whether labels centred at (x, width), in order, keep `gap` px apart.
fn keep_apart(placed: &[(f64, f64)], gap: f64) -> bool {
    placed.windows(2).all(|p| (p[1].0 - p[0].0).abs() >= (p[0].1 + p[1].1) / 2.0 + gap)
}

/// The width of the widest tick label, to size the margin that holds them.
pub fn tick_label_width(scale: &Scale, vf: &ValueFormat) -> f64 {
    vf.ticks(&scale.ticks).iter().map(|t| text_width(t, &TICK)).fold(0.0, f64::max)
}

/// Ticks along a time axis from `first` to `last` (days), placed by `x`,
/// at the finest step (days, weeks, months, quarters, years…) whose
/// labels keep apart and inside `0..width`.
pub fn time_ticks(
    (first, last): (i64, i64),
    precision: Precision,
    lang: Language,
    x: impl Fn(i64) -> f64,
    width: f64,
) -> Vec<(f64, String)> {
    let fits = |ticks: &[Tick]| {
        let placed: Vec<(f64, f64)> =
            ticks.iter().map(|t| (x(t.days), text_width(&t.label, &TICK))).collect();
        let inside = placed.iter().all(|(at, w)| at - w / 2.0 >= 2.0 && at + w / 2.0 <= width - 2.0);
        inside && keep_apart(&placed, 10.0)
    };
    let ticks = dates::ticks(first, last, precision, lang, fits);
    ticks.into_iter().filter(|t| (first..=last).contains(&t.days)).map(|t| (x(t.days), t.label)).collect()
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

/// The most a reference label takes beside a plot before it wraps.
const REFERENCE_WIDTH: f64 = 120.0;

/// The reference label's lines, wrapped to the room beside a plot.
pub fn reference_lines(style: &super::Style) -> Vec<String> {
    match style.reference.and_then(|r| r.label.as_deref()) {
        Some(label) => wrap(label, &REFERENCE, REFERENCE_WIDTH.min(style.width * 0.25)),
        None => Vec::new(),
    }
}

/// Room the reference label takes right of a plot (`column`).
pub fn reference_side_room(style: &super::Style) -> f64 {
    let widest = reference_lines(style).iter().map(|l| text_width(l, &REFERENCE)).fold(0.0, f64::max);
    if widest > 0.0 { widest + 10.0 } else { 0.0 }
}

/// The author's reference line across a vertical value axis (`column`,
/// `line`). With `labelled`, its label stands right of the plot, at the
/// line's height, where no mark is; a line chart puts it among its end
/// labels instead.
pub fn reference_row(
    c: &Canvas,
    scale: &Scale,
    style: &super::Style,
    (left, right): (f64, f64),
    labelled: bool,
) -> DrawResult {
    let Some(r) = style.reference else {
        return Ok(());
    };
    if r.value < scale.min || r.value > scale.max {
        return Ok(());
    }
    let y = scale.map(r.value);
    c.dashed(&[(left, y), (right, y)], INK)?;
    if labelled {
        c.lines(&reference_lines(style), right + 6.0, y, 14.0, &REFERENCE)?;
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
        // Right of the line, or left of it when it would leave the chart.
        let fits_right = x + 4.0 + text_width(label, &REFERENCE) <= style.width - 4.0;
        let (at, align) = if fits_right { (x + 4.0, Align::Start) } else { (x - 4.0, Align::End) };
        c.text(label, at, top - 4.0, &REFERENCE.align(align))?;
    }
    Ok(())
}

/// Room the reference label needs above the plot.
pub fn reference_room(style: &super::Style) -> f64 {
    if style.reference.is_some_and(|r| r.label.is_some()) { 16.0 } else { 0.0 }
}

pub const REFERENCE: Font = Font::new(11.5, INK);

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
