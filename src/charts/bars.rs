//! Bars: horizontal (`bar`, `stacked`) and vertical (`column`).

use super::axes::{Legend, Marker, grid_columns, grid_rows, tick_label_width};
use super::canvas::{Align, Canvas, Font, text_width, wrap};
use super::scale::Scale;
use super::{Categorical, INK, MUTED, ValueFormat, WIDTH, color, data_decimals, on_color};
use crate::format::NumberFormat;

const LABEL: Font = Font::new(13.0, INK);
const VALUE: Font = Font::new(12.5, INK);
const LINE_HEIGHT: f64 = 16.0;

fn series_legend(data: &Categorical, x0: f64) -> Legend {
    Legend::new(
        data.series.iter().map(|s| s.name.as_deref().unwrap_or("")),
        x0,
        Marker::Square,
    )
}

fn value_scale(data: &Categorical, stacked: bool, range: (f64, f64)) -> Scale {
    let (lo, hi) = if stacked {
        let sums = (0..data.categories.len())
            .map(|ci| data.series.iter().filter_map(|s| s.values[ci]).sum::<f64>());
        sums.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
    } else {
        data.values()
            .fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let hi = if data.percent && hi > 90.0 && hi <= 100.0 {
        100.0
    } else {
        hi
    };
    Scale::nice(lo, hi, 5, range)
}

/// Horizontal bars, grouped by series or stacked; returns the height used.
pub fn horizontal(
    buf: &mut String,
    data: &Categorical,
    fmt: &NumberFormat,
    stacked: bool,
) -> Result<u32, String> {
    let label_width = 250.0;
    let labels: Vec<Vec<String>> = data
        .categories
        .iter()
        .map(|c| wrap(c, &LABEL, label_width))
        .collect();
    let widest = labels
        .iter()
        .flatten()
        .map(|l| text_width(l, &LABEL))
        .fold(0.0, f64::max);
    let left = 16.0 + widest.min(label_width) + 14.0;
    let vf = ValueFormat {
        fmt,
        percent: data.percent,
        decimals: data_decimals(data.values()),
    };
    // Value labels sit past the bar ends (inside the segments when stacked),
    // and half the last tick label sits past the plot.
    let value_room = if stacked {
        0.0
    } else {
        data.values()
            .map(|v| text_width(&vf.label(v), &VALUE))
            .fold(0.0, f64::max)
            + 8.0
    };
    let right = WIDTH as f64 - value_room.max(24.0) - 6.0;
    let nser = data.series.len().max(1);
    let bar = if stacked || nser == 1 {
        22.0
    } else {
        (40.0 / nser as f64).clamp(11.0, 18.0)
    };
    let bars_height = if stacked {
        bar
    } else {
        bar * nser as f64 + 2.0 * (nser as f64 - 1.0)
    };
    let bands: Vec<f64> = labels
        .iter()
        .map(|l| (l.len() as f64 * LINE_HEIGHT + 12.0).max(bars_height + 14.0))
        .collect();
    let scale = value_scale(data, stacked, (left, right));

    let legend = series_legend(data, left);
    let top = legend.height() + 6.0;
    let plot_bottom = top + bands.iter().sum::<f64>();
    let height = (plot_bottom + 30.0).ceil() as u32;

    let c = Canvas::new(buf, WIDTH, height);
    legend.draw(&c)?;
    grid_columns(&c, &scale, &vf, top, plot_bottom)?;
    let zero = scale.map(0.0);
    let mut y = top;
    for (ci, band) in bands.iter().enumerate() {
        let mid = y + band / 2.0;
        c.lines(
            &labels[ci],
            left - 14.0,
            mid,
            LINE_HEIGHT,
            &LABEL.align(Align::End),
        )?;
        if stacked {
            let mut acc = 0.0;
            for (si, s) in data.series.iter().enumerate() {
                let Some(v) = s.values[ci] else { continue };
                let (x0, x1) = (scale.map(acc), scale.map(acc + v));
                c.rect(x0, mid - bar / 2.0, x1, mid + bar / 2.0, color(si))?;
                let text = vf.label(v);
                if x1 - x0 > text_width(&text, &VALUE) + 8.0 {
                    c.text(
                        &text,
                        (x0 + x1) / 2.0,
                        mid,
                        &VALUE.align(Align::Middle).with_color(on_color(color(si))),
                    )?;
                }
                acc += v;
            }
        } else {
            let first = mid - bars_height / 2.0;
            for (si, s) in data.series.iter().enumerate() {
                let Some(v) = s.values[ci] else { continue };
                let y0 = first + si as f64 * (bar + 2.0);
                let x1 = scale.map(v);
                c.rect(zero, y0, x1, y0 + bar, color(si))?;
                let (tx, align) = if v >= 0.0 {
                    (x1 + 6.0, Align::Start)
                } else {
                    (x1 - 6.0, Align::End)
                };
                c.text(&vf.label(v), tx, y0 + bar / 2.0, &VALUE.align(align))?;
            }
        }
        y += band;
    }
    c.line(&[(zero, top), (zero, plot_bottom)], MUTED, 1)?;
    c.finish()?;
    Ok(height)
}

/// Vertical bars, grouped by series; returns the height used.
pub fn columns(buf: &mut String, data: &Categorical, fmt: &NumberFormat) -> Result<u32, String> {
    let vf = ValueFormat {
        fmt,
        percent: data.percent,
        decimals: data_decimals(data.values()),
    };
    let n = data.categories.len() as f64;
    let scale = value_scale(data, false, (0.0, 1.0));
    let left = 12.0 + tick_label_width(&scale, &vf) + 8.0;
    let right = WIDTH as f64 - 16.0;
    let band = (right - left) / n;
    let labels: Vec<Vec<String>> = data
        .categories
        .iter()
        .map(|c| wrap(c, &LABEL, band - 8.0))
        .collect();
    let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;

    let legend = series_legend(data, left);
    let top = legend.height() + 22.0;
    let plot_bottom = top + 260.0;
    let height = (plot_bottom + 14.0 + label_lines * LINE_HEIGHT + 8.0).ceil() as u32;
    let scale = scale.with_range((plot_bottom, top));

    let c = Canvas::new(buf, WIDTH, height);
    legend.draw(&c)?;
    grid_rows(&c, &scale, &vf, left, right)?;
    let nser = data.series.len().max(1) as f64;
    let group = band * 0.72;
    let bar = group / nser;
    let zero = scale.map(0.0);
    for (ci, lines) in labels.iter().enumerate() {
        let x_band = left + band * ci as f64;
        let first = x_band + (band - group) / 2.0;
        for (si, s) in data.series.iter().enumerate() {
            let Some(v) = s.values[ci] else { continue };
            let x0 = first + bar * si as f64;
            let y1 = scale.map(v);
            c.rect(x0 + 1.0, zero, x0 + bar - 1.0, y1, color(si))?;
            let ty = if v >= 0.0 { y1 - 9.0 } else { y1 + 9.0 };
            let text = vf.label(v);
            let font = if text_width(&text, &VALUE) > bar + 6.0 {
                VALUE.sized(10.5)
            } else {
                VALUE
            };
            c.text(&text, x0 + bar / 2.0, ty, &font.align(Align::Middle))?;
        }
        let label_top = plot_bottom + 14.0 + (lines.len() as f64 - 1.0) * LINE_HEIGHT / 2.0;
        c.lines(
            lines,
            x_band + band / 2.0,
            label_top,
            LINE_HEIGHT,
            &LABEL.align(Align::Middle),
        )?;
    }
    c.line(&[(left, zero), (right, zero)], MUTED, 1)?;
    c.finish()?;
    Ok(height)
}
