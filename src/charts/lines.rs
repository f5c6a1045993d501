//! Lines and points: `line` and `area` over categories, `slope` between
//! two points in time, `scatter` over two numeric axes.

use plotters::style::RGBColor;

use super::axes::{
    Legend, Marker, REFERENCE, TICK, grid_columns, grid_rows, reference_lines, reference_row,
    reference_side_room, tick_label_width, time_ticks,
};
use super::canvas::{Align, Canvas, DrawResult, Font, Target, text_width, wrap};
use super::scale::{LogScale, Scale};
use super::{Categorical, GRID, INK, MUTED, Points, Style, ValueFormat, text_color, tint};
use crate::dates::{Date, Precision};

const LABEL: Font = Font::new(13.0, INK);
const VALUE: Font = Font::new(12.0, INK);
const PLOT_HEIGHT: f64 = 280.0;

/// The colour of series `si` of a line chart (highlight names a series).
fn series_color(data: &Categorical, style: &Style, si: usize) -> RGBColor {
    style.mark(data.series[si].name.as_deref().unwrap_or(""), si)
}

/// The font of a series' label: bold, in a shade of its colour dark
/// enough for text.
fn series_font(color: RGBColor) -> Font {
    VALUE.with_color(text_color(color)).bold()
}

/// Labels at the ends of lines, nudged apart so they never overlap:
/// (y, text, font).
fn draw_end_labels(c: &Canvas, x: f64, align: Align, mut ends: Vec<(f64, String, Font)>) -> DrawResult {
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last_y = f64::NEG_INFINITY;
    for (y, text, font) in ends {
        let y = y.max(last_y + 16.0);
        c.text(&text, x, y, &font.align(align))?;
        last_y = y;
    }
    Ok(())
}

/// One line per series over the categories (placed by time when they
/// are dates), each named at its last point so colour is not the only key.
/// `area` stacks the series and fills each band, so no area hides another.
/// A missing value breaks the line (and the bands above it).
pub fn line(target: &mut Target, data: &Categorical, style: &Style, area: bool) -> Result<u32, String> {
    let vf = style.value_format(&data.style);
    let top = 20.0;
    let bottom = top + style.height.unwrap_or(PLOT_HEIGHT);
    let (lo, hi) = data.domain(area);
    // Areas and values far from zero start at zero; others zoom in.
    let lo = if area || (lo > 0.0 && lo < hi * 0.5) { lo.min(0.0) } else { lo };
    let scale = Scale::bounded(lo.min(hi), hi, style.min, style.max, 5, (0.0, 1.0));
    let scale = if data.counts() { scale.whole() } else { scale };
    // Where each series is drawn: its values, or the running totals of a stack.
    let heights: Vec<Vec<Option<f64>>> =
        if area { data.cumulative() } else { data.series.iter().map(|s| s.values.clone()).collect() };
    let ends = end_labels(data, style, &vf, &heights);
    let reference = reference_lines(style);
    let end_width = ends
        .iter()
        .map(|(_, _, t)| text_width(t, &VALUE.bold()))
        .chain(reference.iter().map(|l| text_width(l, &REFERENCE)))
        .fold(0.0, f64::max);
    let left = 12.0 + tick_label_width(&scale, &vf) + 8.0;
    let right = style.width - 12.0 - end_width - 10.0;
    let scale = scale.with_range((bottom, top));
    let x_at = x_positions(data, left, right);
    let axis = x_axis(data, style, &x_at);
    let lines_needed = axis.iter().map(|(_, l)| l.len()).max().unwrap_or(1) as f64;
    let height = (bottom + 16.0 + lines_needed * 14.0 + 8.0).ceil() as u32;

    let c = Canvas::new(target, style.width as u32, height);
    grid_rows(&c, &scale, &vf, left, right)?;
    for (x, l) in &axis {
        c.line(&[(*x, bottom), (*x, bottom + 4.0)], GRID, 1)?;
        let first = bottom + 16.0 + (l.len() as f64 - 1.0) * 7.0;
        c.lines(l, *x, first, 14.0, &TICK.align(Align::Middle))?;
    }
    let base = scale.map(scale.min.max(0.0).min(scale.max));
    let at = |ci: usize, v: f64| (x_at[ci], scale.map(v));
    if area {
        for si in 0..heights.len() {
            // A band runs from the series below it (or the axis) to its own
            // top, wherever both are known.
            let below = |ci: usize| if si == 0 { Some(scale.min.max(0.0)) } else { heights[si - 1][ci] };
            let known: Vec<Option<(f64, f64)>> =
                (0..x_at.len()).map(|ci| heights[si][ci].zip(below(ci))).collect();
            for run in runs(&known) {
                let mut poly: Vec<(f64, f64)> = run.iter().map(|&(ci, (t, _))| at(ci, t)).collect();
                poly.extend(
                    run.iter().rev().map(|&(ci, (_, b))| if si == 0 { (x_at[ci], base) } else { at(ci, b) }),
                );
                if poly.len() > 2 {
                    c.polygon(&poly, tint(series_color(data, style, si), 0.6))?;
                }
            }
        }
    }
    let dots = x_at.len() <= 60;
    for (si, h) in heights.iter().enumerate() {
        let color = series_color(data, style, si);
        for run in runs(h) {
            let pts: Vec<(f64, f64)> = run.iter().map(|&(ci, v)| at(ci, v)).collect();
            if pts.len() > 1 {
                c.line(&pts, color, 3)?;
            }
            // A filled value has no dot: only measured values are points.
            for &(ci, v) in &run {
                let measured = !data.filled.get(si).is_some_and(|f| f[ci]);
                if measured && (dots || run.len() == 1) {
                    let (x, y) = at(ci, v);
                    c.circle(x, y, 4.0, color)?;
                }
            }
        }
    }
    reference_row(&c, &scale, style, (left, right), false)?;
    let mut ends: Vec<(f64, String, Font)> = ends
        .into_iter()
        .map(|(si, v, t)| (scale.map(v), t, series_font(series_color(data, style, si))))
        .collect();
    // The reference label joins the end labels, so they keep apart too.
    if let Some(r) = style.reference.filter(|r| (scale.min..=scale.max).contains(&r.value)) {
        let y = scale.map(r.value);
        ends.extend(reference.into_iter().enumerate().map(|(i, l)| (y + i as f64 * 14.0, l, REFERENCE)));
    }
    draw_end_labels(&c, x_at.last().copied().unwrap_or(right) + 10.0, Align::Start, ends)?;
    c.finish()?;
    Ok(height)
}

/// The label at the end of each series: its name (when there are several)
/// and last value, at the height of its last drawn point.
fn end_labels(
    data: &Categorical,
    style: &Style,
    vf: &ValueFormat,
    heights: &[Vec<Option<f64>>],
) -> Vec<(usize, f64, String)> {
    data.series
        .iter()
        .enumerate()
        .filter_map(|(si, s)| {
            let last = heights[si].iter().rposition(Option::is_some)?;
            let (v, at) = (s.values[last]?, heights[si][last]?);
            let text = match (&s.name, data.series.len() > 1, style.labels) {
                (Some(name), true, true) => format!("{name} {}", vf.label(v)),
                (Some(name), true, false) => name.clone(),
                (_, _, true) => vf.label(v),
                _ => return None,
            };
            Some((si, at, text))
        })
        .collect()
}

/// Where each category stands across `left..right`: by time for dates,
/// evenly otherwise; a single category in the middle.
fn x_positions(data: &Categorical, left: f64, right: f64) -> Vec<f64> {
    let n = data.categories.len();
    match &data.times {
        Some(t) if n > 1 => {
            let x = time_x(t, (left, right));
            t.iter().map(|d| x(d.days())).collect()
        }
        _ if n > 1 => (0..n).map(|i| left + (right - left) * i as f64 / (n - 1) as f64).collect(),
        _ => vec![(left + right) / 2.0; n],
    }
}

/// Where a day stands across `left..right` on the time axis of the
/// periods `t` (in time order): the first at `left`, the last at `right`.
fn time_x(t: &[Date], (left, right): (f64, f64)) -> impl Fn(i64) -> f64 {
    let (d0, d1) = (t[0].days(), t[t.len() - 1].days());
    move |d| if d1 > d0 { left + (d - d0) as f64 / (d1 - d0) as f64 * (right - left) } else { left }
}

/// The labels under the horizontal axis, as (x, lines): time ticks for
/// dates; otherwise each category, wrapped to the room around its point.
fn x_axis(data: &Categorical, style: &Style, x_at: &[f64]) -> Vec<(f64, Vec<String>)> {
    if let (Some(t), Some(first), Some(last)) = (&data.times, x_at.first(), x_at.last()) {
        let (d0, d1) = (t[0].days(), t[t.len() - 1].days());
        let x = time_x(t, (*first, *last));
        let ticks = time_ticks((d0, d1), t[0].precision(), style.fmt.language(), x, style.width);
        return ticks.into_iter().map(|(x, l)| (x, vec![l])).collect();
    }
    let n = x_at.len();
    let step = if n > 1 { x_at[1] - x_at[0] } else { 0.0 };
    x_at.iter()
        .zip(&data.categories)
        .map(|(&x, c)| {
            // Centred on its point: as wide as the gap to the next point, and
            // never wider than twice its distance to the chart's edge.
            let room = 2.0 * (x - 4.0).min(style.width - 4.0 - x);
            let width = if n > 1 { step.max(40.0).min(room) } else { room.min(200.0) };
            (x, wrap(c, &TICK, width - 6.0))
        })
        .collect()
}

/// Runs of consecutive known values, each as (index, value).
fn runs<T: Copy>(values: &[Option<T>]) -> Vec<Vec<(usize, T)>> {
    let mut out: Vec<Vec<(usize, T)>> = Vec::new();
    let mut current = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => current.push((i, *v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
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
        lefts.extend(label(si, 0, true).map(|t| (ya, t, series_font(color))));
        rights.extend(label(si, 1, true).map(|t| (yb, t, series_font(color))));
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
    /// Days from 1970, ticked at whole months, quarters or years.
    Time(Scale, Precision),
}

impl XAxis {
    fn map(&self, v: f64) -> f64 {
        match self {
            XAxis::Linear(s) | XAxis::Time(s, _) => s.map(v),
            XAxis::Log(s) => s.map(v),
        }
    }

    /// Tick labels: one precision on a linear axis, each power of ten
    /// compact on a log one (`1K`, `10K`, `1M`).
    fn labels(&self, xf: &ValueFormat) -> Vec<String> {
        match self {
            XAxis::Linear(s) => xf.ticks(&s.ticks),
            XAxis::Log(s) => s.ticks.iter().map(|t| xf.fmt.compact(*t, xf.style)).collect(),
            // Time ticks keep inside the chart by themselves.
            XAxis::Time(..) => Vec::new(),
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
    let (xlo, xhi) = bounds(|t| t.0, !log_x && p.x_time.is_none());
    let (ylo, yhi) = bounds(|t| t.1, true);
    let ys = Scale::bounded(ylo, yhi.max(ylo), style.min, style.max, 5, (bottom, top));
    let yf = style.value_format(&p.y_style);
    let left = 12.0 + tick_label_width(&ys, &yf) + 8.0;
    let x = if let (Some(precision), true) = (p.x_time, xlo.is_finite()) {
        XAxis::Time(Scale::fixed(xlo, xhi.max(xlo + 1.0), 1, (0.0, 1.0)), precision)
    } else if log_x && xlo.is_finite() {
        XAxis::Log(LogScale::new(xlo, xhi, (0.0, 1.0)))
    } else {
        XAxis::Linear(Scale::nice(xlo.min(xhi), xhi.max(xlo), 6, (0.0, 1.0)))
    };
    let xf = style.value_format(&p.x_style);
    // Half of the last x tick label stands past the plot's right edge.
    let last_x = x.labels(&xf).last().map_or(0.0, |t| text_width(t, &TICK));
    let right = style.width - 12.0 - (last_x / 2.0).max(reference_side_room(style));
    let x = match x {
        XAxis::Linear(s) => XAxis::Linear(s.with_range((left, right))),
        XAxis::Log(s) => XAxis::Log(s.with_range((left, right))),
        XAxis::Time(s, p) => XAxis::Time(s.with_range((left, right)), p),
    };

    let c = Canvas::new(target, style.width as u32, height);
    legend.draw(&c)?;
    if bands {
        tier_bands(&c, &x, style, top, bottom, left, right)?;
    }
    grid_rows(&c, &ys, &yf, left, right)?;
    vertical_ticks(&c, &x, &xf, (top, bottom), style)?;
    c.text(&p.x_label, right, bottom + 36.0, &LABEL.align(Align::End))?;
    c.text(&p.y_label, 12.0, top - 16.0 - if bands { 18.0 } else { 0.0 }, &LABEL)?;
    reference_row(&c, &ys, style, (left, right), true)?;
    for (px, py, g) in &p.points {
        c.circle(x.map(*px), ys.map(*py), 5.0, style.color(*g))?;
    }
    c.finish()?;
    Ok(height)
}

fn vertical_ticks(
    c: &Canvas,
    x: &XAxis,
    xf: &ValueFormat,
    (top, bottom): (f64, f64),
    style: &Style,
) -> DrawResult {
    match x {
        XAxis::Linear(s) => grid_columns(c, s, xf, top, bottom),
        XAxis::Time(s, precision) => {
            let span = (s.min as i64, s.max as i64);
            let lang = style.fmt.language();
            for (px, label) in time_ticks(span, *precision, lang, |d| s.map(d as f64), style.width) {
                c.line(&[(px, top), (px, bottom)], GRID, 1)?;
                c.text(&label, px, bottom + 14.0, &TICK.align(Align::Middle))?;
            }
            Ok(())
        }
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
