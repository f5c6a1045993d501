//! Bars: horizontal (`bar`, `stacked`) and vertical (`column`, `histogram`).

use super::axes::{
    Legend, Marker, grid_columns, grid_rows, reference_column, reference_room, reference_row,
    tick_label_width, whisker,
};
use super::canvas::{Align, Canvas, Font, Target, text_width, wrap};
use super::scale::Scale;
use super::{Categorical, INK, Style, on_color};

const LABEL: Font = Font::new(13.0, INK);
const VALUE: Font = Font::new(12.5, INK);
const LINE_HEIGHT: f64 = 16.0;

fn series_legend(data: &Categorical, style: &Style, x0: f64) -> Legend {
    let names = || data.series.iter().map(|s| s.name.as_deref().unwrap_or(""));
    let items = names().enumerate().map(|(i, name)| (name, style.key(names(), name, i)));
    Legend::new(items, x0, style.width, Marker::Square)
}

/// The value scale of bars: from zero (or below, for negative values), to
/// 100 for shares that come close to it, unless the author fixed bounds.
fn value_scale(data: &Categorical, style: &Style, stacked: bool) -> Scale {
    let (lo, hi) = data.domain(stacked);
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let hi = if data.style.percent && hi > 90.0 && hi <= 100.0 { 100.0 } else { hi };
    let scale = Scale::bounded(lo, hi, style.min, style.max, 5, (0.0, 1.0));
    // Counts get whole-number ticks: half a respondent reads as an error.
    let counts = !data.style.percent && data.values().all(|v| v.fract() == 0.0);
    if counts { scale.whole() } else { scale }
}

/// The widest value label a bar may carry.
fn value_label_width(data: &Categorical, style: &Style) -> f64 {
    let vf = &style.value_format(&data.style);
    data.series
        .iter()
        .flat_map(|s| s.values.iter().flatten().map(move |v| text_width(&bar_label(vf, *v, data, s), &VALUE)))
        .fold(0.0, f64::max)
}

/// A bar's value, followed by its series' name when there are several, so
/// colour is not the only key.
fn bar_label(vf: &super::ValueFormat, v: f64, data: &Categorical, s: &super::Series) -> String {
    match (&s.name, data.series.len() > 1) {
        (Some(name), true) => format!("{} · {name}", vf.label(v)),
        _ => vf.label(v),
    }
}

/// Horizontal bars, grouped by series or stacked; returns the height used.
pub fn horizontal(
    target: &mut Target,
    data: &Categorical,
    style: &Style,
    stacked: bool,
) -> Result<u32, String> {
    // Labels take at most a third of the chart, so narrow charts keep room for bars.
    let label_width = (style.width * 0.34).min(250.0);
    let labels: Vec<Vec<String>> = data.categories.iter().map(|c| wrap(c, &LABEL, label_width)).collect();
    let widest = labels.iter().flatten().map(|l| text_width(l, &LABEL)).fold(0.0, f64::max);
    let left = 16.0 + widest.min(label_width) + 14.0;
    let vf = style.value_format(&data.style);
    let has_ci = data.series.iter().any(|s| s.intervals.iter().any(Option::is_some));
    // Value labels sit past the bar ends (past the whiskers with intervals,
    // inside the segments when stacked), and half the last tick label
    // stands past the plot.
    let value_room = if stacked || !style.labels { 0.0 } else { value_label_width(data, style) + 8.0 };
    let right = style.width - value_room.max(24.0) - 6.0;
    let nser = data.series.len().max(1);
    let bar = if stacked || nser == 1 { 22.0 } else { (40.0 / nser as f64).clamp(11.0, 18.0) };
    let bars_height = if stacked { bar } else { bar * nser as f64 + 2.0 * (nser as f64 - 1.0) };
    let natural: Vec<f64> =
        labels.iter().map(|l| (l.len() as f64 * LINE_HEIGHT + 12.0).max(bars_height + 14.0)).collect();
    // An author's height stretches the rows; it never squeezes the labels.
    let stretch = style.height.map_or(1.0, |h| (h / natural.iter().sum::<f64>()).max(1.0));
    let bands: Vec<f64> = natural.iter().map(|b| b * stretch).collect();
    let scale = value_scale(data, style, stacked).with_range((left, right));

    let legend = series_legend(data, style, left);
    let top = legend.height() + 6.0 + reference_room(style);
    let plot_bottom = top + bands.iter().sum::<f64>();
    let height = (plot_bottom + 30.0).ceil() as u32;

    let c = Canvas::new(target, style.width as u32, height);
    legend.draw(&c)?;
    grid_columns(&c, &scale, &vf, top, plot_bottom)?;
    let zero = scale.map(0.0_f64.clamp(scale.min, scale.max));
    let mut y = top;
    for (ci, band) in bands.iter().enumerate() {
        let mid = y + band / 2.0;
        c.lines(&labels[ci], left - 14.0, mid, LINE_HEIGHT, &LABEL.align(Align::End))?;
        let category = &data.categories[ci];
        if stacked {
            let mut acc = 0.0;
            for (si, s) in data.series.iter().enumerate() {
                let Some(v) = s.values[ci] else { continue };
                let (x0, x1) = (scale.map(acc), scale.map(acc + v));
                let color = style.mark(s.name.as_deref().unwrap_or(category), si);
                c.rect(x0, mid - bar / 2.0, x1, mid + bar / 2.0, color)?;
                // The series name too when the segment has room for it.
                let named = format!("{} {}", s.name.as_deref().unwrap_or(""), vf.label(v));
                let text = if text_width(&named, &VALUE) + 8.0 < x1 - x0 { named } else { vf.label(v) };
                if style.labels && x1 - x0 > text_width(&text, &VALUE) + 8.0 {
                    c.text(
                        &text,
                        (x0 + x1) / 2.0,
                        mid,
                        &VALUE.align(Align::Middle).with_color(on_color(color)),
                    )?;
                }
                acc += v;
            }
        } else {
            let first = mid - bars_height / 2.0;
            for (si, s) in data.series.iter().enumerate() {
                let Some(v) = s.values[ci] else { continue };
                let y0 = first + si as f64 * (bar + 2.0);
                let x1 = scale.map(v.clamp(scale.min, scale.max));
                c.rect(zero, y0, x1, y0 + bar, style.mark(category, si))?;
                let mut end = x1;
                if let Some((lo, hi)) = s.intervals[ci] {
                    let (a, b) = (scale.map(lo), scale.map(hi));
                    whisker(&c, (a, y0 + bar / 2.0), (b, y0 + bar / 2.0))?;
                    end = end.max(b);
                }
                if style.labels {
                    let (tx, align) =
                        if v >= 0.0 { (end + 6.0, Align::Start) } else { (x1 - 6.0, Align::End) };
                    let tx = if has_ci && v >= 0.0 { tx.min(right + 6.0) } else { tx };
                    c.text(&bar_label(&vf, v, data, s), tx, y0 + bar / 2.0, &VALUE.align(align))?;
                }
            }
        }
        y += band;
    }
    c.line(&[(zero, top), (zero, plot_bottom)], super::MUTED, 1)?;
    reference_column(&c, &scale, style, top, plot_bottom)?;
    c.finish()?;
    Ok(height)
}

/// Vertical bars grouped by series; without gaps for a histogram.
pub fn columns(target: &mut Target, data: &Categorical, style: &Style, gapless: bool) -> Result<u32, String> {
    let vf = style.value_format(&data.style);
    let n = data.categories.len() as f64;
    let scale = value_scale(data, style, false);
    let left = 12.0 + tick_label_width(&scale, &vf) + 8.0;
    let right = style.width - 16.0;
    let band = (right - left) / n;
    let labels: Vec<Vec<String>> = data.categories.iter().map(|c| wrap(c, &LABEL, band - 8.0)).collect();
    let label_lines = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;

    let legend = series_legend(data, style, left);
    let top = legend.height() + 22.0 + reference_room(style);
    let plot_bottom = top + style.height.unwrap_or(260.0);
    let height = (plot_bottom + 14.0 + label_lines * LINE_HEIGHT + 8.0).ceil() as u32;
    let scale = scale.with_range((plot_bottom, top));

    let c = Canvas::new(target, style.width as u32, height);
    legend.draw(&c)?;
    grid_rows(&c, &scale, &vf, left, right)?;
    let nser = data.series.len().max(1) as f64;
    let group = if gapless { band } else { band * 0.72 };
    let bar = group / nser;
    let gap = if gapless { 0.5 } else { 1.0 };
    let zero = scale.map(0.0_f64.clamp(scale.min, scale.max));
    for (ci, lines) in labels.iter().enumerate() {
        let x_band = left + band * ci as f64;
        let first = x_band + (band - group) / 2.0;
        let category = &data.categories[ci];
        for (si, s) in data.series.iter().enumerate() {
            let Some(v) = s.values[ci] else { continue };
            let x0 = first + bar * si as f64;
            let y1 = scale.map(v.clamp(scale.min, scale.max));
            let color = style.mark(category, si);
            c.rect(x0 + gap, zero, x0 + bar - gap, y1, color)?;
            // Grouped columns name their series inside the bar when it fits,
            // so colour is not the only key.
            if let Some(name) = s.name.as_deref().filter(|_| data.series.len() > 1) {
                let font = VALUE.sized(10.5).align(Align::Middle).with_color(on_color(color));
                if text_width(name, &font) + 6.0 < bar && (zero - y1).abs() > 22.0 {
                    c.text(name, x0 + bar / 2.0, zero.max(y1) - 10.0, &font)?;
                }
            }
            let mut end = y1;
            if let Some((lo, hi)) = s.intervals[ci] {
                let (a, b) = (scale.map(lo), scale.map(hi));
                whisker(&c, (x0 + bar / 2.0, a), (x0 + bar / 2.0, b))?;
                end = end.min(b);
            }
            if style.labels {
                let ty = if v >= 0.0 { end - 9.0 } else { y1 + 9.0 };
                let text = vf.label(v);
                let font = if text_width(&text, &VALUE) > bar + 6.0 { VALUE.sized(10.5) } else { VALUE };
                c.text(&text, x0 + bar / 2.0, ty, &font.align(Align::Middle))?;
            }
        }
        let label_top = plot_bottom + 14.0 + (lines.len() as f64 - 1.0) * LINE_HEIGHT / 2.0;
        c.lines(lines, x_band + band / 2.0, label_top, LINE_HEIGHT, &LABEL.align(Align::Middle))?;
    }
    c.line(&[(left, zero), (right, zero)], super::MUTED, 1)?;
    reference_row(&c, &scale, style, left, right)?;
    c.finish()?;
    Ok(height)
}
