//! Lines and points: `line` and `area` over categories, `slope` between
//! two points in time, `scatter` over two numeric axes.

use plotters::style::RGBColor;

use super::axes::{
    Legend, Marker, TICK, grid_columns, grid_rows, reference_room, reference_row, tick_label_width,
};
use super::canvas::{Align, Canvas, Font, Target, text_width, wrap};
use super::scale::{LogScale, Scale};
use super::{Categorical, GRID, INK, MUTED, Points, Style, ValueFormat, tint};

const LABEL: Font = Font::new(13.0, INK);
const VALUE: Font = Font::new(12.0, INK);
const PLOT_HEIGHT: f64 = 280.0;

/// The colour of series `si` of a line chart (highlight names a series).
fn series_color(data: &Categorical, style: &Style, si: usize) -> RGBColor {
    style.mark(data.series[si].name.as_deref().unwrap_or(""), si)
}

/// Labels at the ends of lines, nudged apart so they never overlap: (y, text, colour).
fn draw_end_labels(
    c: &Canvas,
    x: f64,
    align: Align,
    mut ends: Vec<(f64, String, RGBColor)>,
) -> Result<(), String> {
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last_y = f64::NEG_INFINITY;
    for (y, text, color) in ends {
        let y = y.max(last_y + 16.0);
        c.text(&text, x, y, &VALUE.with_color(color).bold().align(align))?;
        last_y = y;
    }
    Ok(())
}

/// One line per series over the categories in data order, each named at
/// its last point so colour is not the only key. `area` stacks the series
/// and fills each band, so no area hides another.
pub fn line(target: &mut Target, data: &Categorical, style: &Style, area: bool) -> Result<u32, String> {
    let vf = style.value_format(&data.style);
    let top = 20.0 + reference_room(style);
    let bottom = top + style.height.unwrap_or(PLOT_HEIGHT);
    let (lo, hi) = data.domain(area);
    // Areas and values far from zero start at zero; others zoom in.
    let lo = if area || (lo > 0.0 && lo < hi * 0.5) { lo.min(0.0) } else { lo };
    let scale = Scale::bounded(lo.min(hi), hi, style.min, style.max, 5, (0.0, 1.0));
    // Where each series is drawn: its values, or the running totals of a stack.
    let heights: Vec<Vec<Option<f64>>> =
        if area { data.cumulative() } else { data.series.iter().map(|s| s.values.clone()).collect() };
    let ends: Vec<(usize, f64, String)> = data
        .series
        .iter()
        .enumerate()
        .filter_map(|(si, s)| {
            let last = s.values.iter().rposition(Option::is_some)?;
            let (v, at) = (s.values[last]?, heights[si][last]?);
            let text = match (&s.name, data.series.len() > 1, style.labels) {
                (Some(name), true, true) => format!("{name} {}", vf.label(v)),
                (Some(name), true, false) => name.clone(),
                (_, _, true) => vf.label(v),
                _ => return None,
            };
            Some((si, at, text))
        })
        .collect();
    let end_width = ends.iter().map(|(_, _, t)| text_width(t, &VALUE.bold())).fold(0.0, f64::max);
    let left = 12.0 + tick_label_width(&scale, &vf) + 8.0;
    let right = style.width - 12.0 - end_width - 10.0;
    let scale = scale.with_range((bottom, top));
    let n = data.categories.len();
    let step = if n > 1 { (right - left) / (n - 1) as f64 } else { 0.0 };
    let x_at = |i: usize| {
        if n > 1 { left + step * i as f64 } else { (left + right) / 2.0 }
    };
    // A label is centred on its point: as wide as the gap to the next
    // point, and never wider than twice its distance to the chart's edge.
    let label_width = |i: usize| {
        let room = 2.0 * (x_at(i) - 4.0).min(style.width - 4.0 - x_at(i));
        if n > 1 { step.max(40.0).min(room) } else { room.min(200.0) }
    };
    let labels: Vec<Vec<String>> =
        data.categories.iter().enumerate().map(|(i, c)| wrap(c, &TICK, label_width(i) - 6.0)).collect();
    let lines_needed = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let height = (bottom + 16.0 + lines_needed * 14.0 + 8.0).ceil() as u32;

    let c = Canvas::new(target, style.width as u32, height);
    grid_rows(&c, &scale, &vf, left, right)?;
    for (i, l) in labels.iter().enumerate() {
        let first = bottom + 16.0 + (l.len() as f64 - 1.0) * 7.0;
        c.lines(l, x_at(i), first, 14.0, &TICK.align(Align::Middle))?;
    }
    let base = scale.map(scale.min.max(0.0).min(scale.max));
    let points: Vec<Vec<(f64, f64)>> = heights
        .iter()
        .map(|h| h.iter().enumerate().filter_map(|(i, v)| v.map(|v| (x_at(i), scale.map(v)))).collect())
        .collect();
    if area {
        // Each band runs from the series below it (or the axis) to its own top.
        for (si, pts) in points.iter().enumerate() {
            let mut poly = pts.clone();
            match points.get(si.wrapping_sub(1)).filter(|_| si > 0) {
                Some(below) => poly.extend(below.iter().rev()),
                None => {
                    if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
                        poly.push((last.0, base));
                        poly.push((first.0, base));
                    }
                }
            }
            if poly.len() > 2 {
                c.polygon(&poly, tint(series_color(data, style, si), 0.6))?;
            }
        }
    }
    for (si, pts) in points.iter().enumerate() {
        let color = series_color(data, style, si);
        if pts.len() > 1 {
            c.line(pts, color, 3)?;
        }
        for (x, y) in pts {
            c.circle(*x, *y, 4.0, color)?;
        }
    }
    reference_row(&c, &scale, style, left, right)?;
    let ends = ends.into_iter().map(|(si, v, t)| (scale.map(v), t, series_color(data, style, si))).collect();
    draw_end_labels(&c, x_at(n.saturating_sub(1)) + 10.0, Align::Start, ends)?;
    c.finish()?;
    Ok(height)
}

/// Two columns, one per point in time, and a line per series between
/// them, labelled with its name and value on both sides.
pub fn slope(target: &mut Target, data: &Categorical, style: &Style) -> Result<u32, String> {
    let vf = style.value_format(&data.style);
    let label = |si: usize, ci: usize, with_name: bool| -> Option<String> {
        let v = data.series[si].values.get(ci).copied().flatten()?;
        let name = data.series[si].name.as_deref().unwrap_or("");
        Some(match (with_name, style.labels) {
            (true, true) => format!("{name} {}", vf.label(v)),
            (true, false) => name.to_string(),
            (false, _) => vf.label(v),
        })
    };
    let left_width = (0..data.series.len())
        .filter_map(|si| label(si, 0, true))
        .map(|t| text_width(&t, &VALUE.bold()))
        .fold(0.0, f64::max);
    let right_width = (0..data.series.len())
        .filter_map(|si| label(si, 1, true))
        .map(|t| text_width(&t, &VALUE.bold()))
        .fold(0.0, f64::max);
    let x0 = (16.0 + left_width + 12.0).min(style.width * 0.4);
    let x1 = (style.width - 16.0 - right_width - 12.0).max(style.width * 0.6);
    let top = 40.0;
    let bottom = top + style.height.unwrap_or(PLOT_HEIGHT);
    let (lo, hi) = data.domain(false);
    let scale = Scale::bounded(lo, hi, style.min, style.max, 5, (bottom, top));
    let height = (bottom + 16.0) as u32;

    let c = Canvas::new(target, style.width as u32, height);
    for (ci, x) in [(0, x0), (1, x1)] {
        c.line(&[(x, top), (x, bottom)], GRID, 1)?;
        if let Some(name) = data.categories.get(ci) {
            c.text(name, x, top - 22.0, &LABEL.bold().align(Align::Middle))?;
        }
    }
    let (mut lefts, mut rights) = (Vec::new(), Vec::new());
    for (si, s) in data.series.iter().enumerate() {
        let color = series_color(data, style, si);
        let (Some(a), Some(b)) = (s.values.first().copied().flatten(), s.values.get(1).copied().flatten())
        else {
            continue;
        };
        let (ya, yb) = (scale.map(a), scale.map(b));
        c.line(&[(x0, ya), (x1, yb)], color, 3)?;
        c.circle(x0, ya, 4.5, color)?;
        c.circle(x1, yb, 4.5, color)?;
        lefts.extend(label(si, 0, true).map(|t| (ya, t, color)));
        rights.extend(label(si, 1, true).map(|t| (yb, t, color)));
    }
    draw_end_labels(&c, x0 - 10.0, Align::End, lefts)?;
    draw_end_labels(&c, x1 + 10.0, Align::Start, rights)?;
    c.finish()?;
    Ok(height)
}

/// The horizontal axis of a scatter plot: linear, or logarithmic.
enum XAxis {
    Linear(Scale),
    Log(LogScale),
}

impl XAxis {
    fn map(&self, v: f64) -> f64 {
        match self {
            XAxis::Linear(s) => s.map(v),
            XAxis::Log(s) => s.map(v),
        }
    }

    /// Tick labels: one precision on a linear axis, each power of ten
    /// compact on a log one (`1K`, `10K`, `1M`).
    fn labels(&self, xf: &ValueFormat) -> Vec<String> {
        match self {
            XAxis::Linear(s) => xf.ticks(&s.ticks),
            XAxis::Log(s) => s.ticks.iter().map(|t| xf.fmt.compact(*t, xf.style)).collect(),
        }
    }
}

/// Points over two axes, coloured by group with a legend; on follower
/// counts, the report's tiers as bands behind the points.
pub fn scatter(
    target: &mut Target,
    p: &Points,
    style: &Style,
    log_x: bool,
    followers: bool,
) -> Result<u32, String> {
    let legend_x = 12.0;
    let items = p.groups.iter().enumerate().map(|(i, g)| (g.as_str(), style.color(i)));
    let legend = Legend::new(items, legend_x, style.width, Marker::Dot);
    let bands = followers && !style.tiers.is_empty();
    let top = 28.0 + legend.height() + if bands { 18.0 } else { 0.0 };
    let bottom = top + style.height.unwrap_or(PLOT_HEIGHT);
    let height = (bottom + 48.0) as u32;
    let bounds = |f: fn(&(f64, f64, usize)) -> f64, zero: bool| {
        let start = if zero { (0.0f64, f64::NEG_INFINITY) } else { (f64::INFINITY, f64::NEG_INFINITY) };
        p.points.iter().map(f).fold(start, |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (xlo, xhi) = bounds(|t| t.0, !log_x);
    let (ylo, yhi) = bounds(|t| t.1, true);
    let ys = Scale::bounded(ylo, yhi.max(ylo), style.min, style.max, 5, (bottom, top));
    let yf = style.value_format(&p.y_style);
    let left = 12.0 + tick_label_width(&ys, &yf) + 8.0;
    let x = if log_x && xlo.is_finite() {
        XAxis::Log(LogScale::new(xlo, xhi, (0.0, 1.0)))
    } else {
        XAxis::Linear(Scale::nice(xlo.min(xhi), xhi.max(xlo), 6, (0.0, 1.0)))
    };
    let xf = style.value_format(&p.x_style);
    // Half of the last x tick label stands past the plot's right edge.
    let last_x = x.labels(&xf).last().map_or(0.0, |t| text_width(t, &TICK));
    let right = style.width - 12.0 - last_x / 2.0;
    let x = match x {
        XAxis::Linear(s) => XAxis::Linear(s.with_range((left, right))),
        XAxis::Log(s) => XAxis::Log(s.with_range((left, right))),
    };

    let c = Canvas::new(target, style.width as u32, height);
    legend.draw(&c)?;
    if bands {
        tier_bands(&c, &x, style, top, bottom, left, right)?;
    }
    grid_rows(&c, &ys, &yf, left, right)?;
    vertical_ticks(&c, &x, &xf, top, bottom)?;
    c.text(&p.x_label, right, bottom + 36.0, &LABEL.align(Align::End))?;
    c.text(&p.y_label, 12.0, top - 16.0 - if bands { 18.0 } else { 0.0 }, &LABEL)?;
    reference_row(&c, &ys, style, left, right)?;
    for (px, py, g) in &p.points {
        c.circle(x.map(*px), ys.map(*py), 5.0, style.color(*g))?;
    }
    c.finish()?;
    Ok(height)
}

fn vertical_ticks(c: &Canvas, x: &XAxis, xf: &ValueFormat, top: f64, bottom: f64) -> Result<(), String> {
    match x {
        XAxis::Linear(s) => grid_columns(c, s, xf, top, bottom),
        XAxis::Log(s) => {
            for (t, label) in s.ticks.iter().zip(x.labels(xf)) {
                let px = s.map(*t);
                c.line(&[(px, top), (px, bottom)], GRID, 1)?;
                c.text(&label, px, bottom + 14.0, &TICK.align(Align::Middle))?;
            }
            Ok(())
        }
    }
}

/// Alternating bands from each tier's threshold to the next, named at the top.
fn tier_bands(
    c: &Canvas,
    x: &XAxis,
    style: &Style,
    top: f64,
    bottom: f64,
    left: f64,
    right: f64,
) -> Result<(), String> {
    let shades = [RGBColor(0xf3, 0xf5, 0xf8), RGBColor(0xe6, 0xeb, 0xf1)];
    for (i, tier) in style.tiers.iter().enumerate() {
        let from = x.map(tier.min_followers as f64).clamp(left, right);
        let to = style.tiers.get(i + 1).map_or(right, |t| x.map(t.min_followers as f64).clamp(left, right));
        if to - from < 1.0 {
            continue;
        }
        c.rect(from, top, to, bottom, shades[i % 2])?;
        if to - from > text_width(&tier.name, &TICK) + 6.0 {
            c.text(&tier.name, (from + to) / 2.0, top - 10.0, &TICK.with_color(MUTED).align(Align::Middle))?;
        }
    }
    Ok(())
}
