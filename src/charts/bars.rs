//! Bars: horizontal (`bar`, `stacked`) and vertical (`column`, `histogram`).

use super::axes::{
    Legend, Marker, grid_columns, grid_rows, reference_column, reference_room, reference_row,
    reference_side_room, spread, tick_label_width, time_ticks, whisker,
};
use super::canvas::{Align, Canvas, Font, MAX_LABEL_LINES, Target, text_width, wrap};
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
    if data.counts() { scale.whole() } else { scale }
}

/// The widest value label a bar of the given sign carries: labels of
/// negative bars stand left of their bar ends, the others right.
fn value_label_width(data: &Categorical, style: &Style, negative: bool) -> f64 {
    let vf = &style.value_format(&data.style);
    data.series
        .iter()
        .flat_map(|s| {
            s.values
                .iter()
                .flatten()
                .filter(move |v| (**v < 0.0) == negative)
                .map(move |v| text_width(&bar_label(vf, *v, data, s), &VALUE))
        })
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
    let labelled = !stacked && style.labels;
    let value_room = if labelled { value_label_width(data, style, false) + 8.0 } else { 0.0 };
    let right = style.width - value_room.max(24.0) - 6.0;
    // Labels of negative bars get room of their own between the category
    // names and the plot, so they never run into a name.
    let negative = labelled && data.values().any(|v| v < 0.0);
    let negative_room = if negative { value_label_width(data, style, true) + 10.0 } else { 0.0 };
    let names_end = left;
    let left = left + negative_room;
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
    // Value labels are drawn last, over the reference line.
    let mut values: Vec<(String, f64, f64, Font)> = Vec::new();
    let mut y = top;
    for (ci, band) in bands.iter().enumerate() {
        let mid = y + band / 2.0;
        c.lines(&labels[ci], names_end - 14.0, mid, LINE_HEIGHT, &LABEL.align(Align::End))?;
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
                    values.push((bar_label(&vf, v, data, s), tx, y0 + bar / 2.0, VALUE.align(align)));
                }
            }
        }
        y += band;
    }
    c.line(&[(zero, top), (zero, plot_bottom)], super::MUTED, 1)?;
    reference_column(&c, &scale, style, top, plot_bottom)?;
    for (text, x, y, font) in &values {
        c.label(text, *x, *y, font)?;
    }
    c.finish()?;
    Ok(height)
}

/// How the categories under columns are labelled.
pub enum ColumnLabels {
    /// Side by side, each wrapped to its column (three lines at most).
    Across(Vec<Vec<String>>),
    /// Turned upright, reading upwards, when they do not fit across.
    Upright(Vec<String>),
    /// Time ticks at the columns of their periods: (column, label).
    Time(Vec<(f64, String)>),
}

/// The most lines a label under a column wraps to before it is turned
/// upright, and the longest an upright label runs.
const ACROSS_LINES: usize = 3;
const UPRIGHT_LENGTH: f64 = 150.0;
/// Below this column width an upright label no longer fits either.
const UPRIGHT_BAND: f64 = 15.0;

/// The labels for `categories` under columns `band` wide: across in a
/// few lines; else upright when short enough to stand whole; else across
/// in as many lines as they need; `None` when a word would be cut even
/// so: the chart is then drawn as horizontal bars, made for long labels.
pub fn column_labels(categories: &[String], band: f64) -> Option<ColumnLabels> {
    let across: Vec<Vec<String>> = categories.iter().map(|c| wrap(c, &LABEL, band - 6.0)).collect();
    let whole = |max_lines: usize| {
        categories.iter().zip(&across).all(|(c, lines)| {
            let words: Vec<&str> = c.split(' ').filter(|w| !w.is_empty()).collect();
            lines.len() <= max_lines && lines.join(" ") == words.join(" ")
        })
    };
    let upright =
        band >= UPRIGHT_BAND && categories.iter().all(|c| text_width(c, &TICK_LABEL) <= UPRIGHT_LENGTH);
    if whole(ACROSS_LINES) {
        Some(ColumnLabels::Across(across))
    } else if upright {
        Some(ColumnLabels::Upright(categories.to_vec()))
    } else if whole(MAX_LABEL_LINES - 1) {
        Some(ColumnLabels::Across(across))
    } else {
        None
    }
}

const TICK_LABEL: Font = Font::new(11.5, INK);

/// Vertical bars grouped by series. Dated
/// columns are labelled by time ticks; columns whose labels fit neither
/// across nor upright are drawn as horizontal bars.
pub fn columns(target: &mut Target, data: &Categorical, style: &Style) -> Result<u32, String> {
    let vf = style.value_format(&data.style);
    let n = data.categories.len() as f64;
    let scale = value_scale(data, style, false);
    let left = 12.0 + tick_label_width(&scale, &vf) + 8.0;
    let right = style.width - 16.0 - reference_side_room(style);
    let band = (right - left) / n;
    let labels = match &data.times {
        Some(t) => {
            let x = |d: i64| {
                let i = t.partition_point(|p| p.days() < d);
                left + band * (i as f64 + 0.5)
            };
            let (first, last) = (t[0].days(), t[t.len() - 1].days());
            ColumnLabels::Time(time_ticks(
                (first, last),
                t[0].precision(),
                style.fmt.language(),
                x,
                style.width,
            ))
        }
        None => match column_labels(&data.categories, band) {
            Some(labels) => labels,
            None => return horizontal(target, data, style, false),
        },
    };
    let label_room = match &labels {
        ColumnLabels::Across(l) => l.iter().map(Vec::len).max().unwrap_or(1) as f64 * LINE_HEIGHT,
        ColumnLabels::Upright(l) => l.iter().map(|t| text_width(t, &TICK_LABEL)).fold(0.0, f64::max),
        ColumnLabels::Time(_) => LINE_HEIGHT,
    };

    let legend = series_legend(data, style, left);
    let top = legend.height() + 22.0;
    let plot_bottom = top + style.height.unwrap_or(260.0);
    let height = (plot_bottom + 14.0 + label_room + 8.0).ceil() as u32;
    let scale = scale.with_range((plot_bottom, top));

    let c = Canvas::new(target, style.width as u32, height);
    legend.draw(&c)?;
    grid_rows(&c, &scale, &vf, left, right)?;
    let nser = data.series.len().max(1) as f64;
    let group = band * 0.72;
    let bar = group / nser;
    let gap = 1.0;
    let zero = scale.map(0.0_f64.clamp(scale.min, scale.max));
    // Values are printed on every column or on none: when the widest
    // label is wider than a column's share of the width, none.
    let slot = band / nser;
    let show_values = style.labels
        && data.values().all(|v| text_width(&vf.label(v), &VALUE.sized(10.5)) <= slot.max(bar + 6.0));
    let mut values: Vec<(String, f64, f64, Font)> = Vec::new();
    for ci in 0..data.categories.len() {
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
            if show_values {
                let ty = if v >= 0.0 { end - 9.0 } else { y1 + 9.0 };
                let text = vf.label(v);
                let font = if text_width(&text, &VALUE) > bar + 6.0 { VALUE.sized(10.5) } else { VALUE };
                values.push((text, x0 + bar / 2.0, ty, font.align(Align::Middle)));
            }
        }
        match &labels {
            ColumnLabels::Across(l) => {
                let label_top = plot_bottom + 14.0 + (l[ci].len() as f64 - 1.0) * LINE_HEIGHT / 2.0;
                c.lines(&l[ci], x_band + band / 2.0, label_top, LINE_HEIGHT, &LABEL.align(Align::Middle))?;
            }
            ColumnLabels::Upright(l) => {
                c.text(
                    &l[ci],
                    x_band + band / 2.0,
                    plot_bottom + 8.0,
                    &TICK_LABEL.align(Align::End).upright(),
                )?;
            }
            ColumnLabels::Time(_) => {}
        }
    }
    if let ColumnLabels::Time(ticks) = &labels {
        for (x, label) in ticks {
            c.text(label, *x, plot_bottom + 14.0, &TICK_LABEL.align(Align::Middle))?;
        }
    }
    c.line(&[(left, zero), (right, zero)], super::MUTED, 1)?;
    reference_row(&c, &scale, style, (left, right), true)?;
    for (text, x, y, font) in &values {
        c.label(text, *x, *y, font)?;
    }
    c.finish()?;
    Ok(height)
}

/// A histogram: counts as bars standing side by side on a continuous axis
/// (linear, or logarithmic for skewed counts such as audiences), ticked at
/// their round edges, thinned until the labels keep apart.
pub fn histogram(target: &mut Target, data: &Categorical, style: &Style) -> Result<u32, String> {
    let Some(bins) = &data.bins else {
        return columns(target, data, style);
    };
    let vf = style.value_format(&data.style);
    let scale = value_scale(data, style, false);
    let left = 12.0 + tick_label_width(&scale, &vf) + 8.0;
    let labels: Vec<String> = bins.edges.iter().map(|e| style.fmt.compact(*e, &bins.style)).collect();
    let last_half = labels.last().map_or(0.0, |l| text_width(l, &TICK_LABEL) / 2.0);
    let right = style.width - 8.0 - last_half.max(8.0 + reference_side_room(style));
    let (first, last) = (bins.edges[0], bins.edges[bins.edges.len() - 1]);
    let at = |v: f64| {
        let t = if bins.log {
            (v / first).log10() / (last / first).log10()
        } else {
            (v - first) / (last - first)
        };
        left + t * (right - left)
    };
    let every = spread(&bins.edges.iter().map(|e| at(*e)).collect::<Vec<_>>(), &labels);
    let top = 22.0;
    let plot_bottom = top + style.height.unwrap_or(260.0);
    let height = (plot_bottom + 14.0 + LINE_HEIGHT + 8.0).ceil() as u32;
    let scale = scale.with_range((plot_bottom, top));

    let c = Canvas::new(target, style.width as u32, height);
    grid_rows(&c, &scale, &vf, left, right)?;
    let counts = &data.series[0].values;
    let color = style.color(0);
    let widths: Vec<f64> = bins.edges.windows(2).map(|w| at(w[1]) - at(w[0])).collect();
    // Counts are printed on every bar or on none.
    let show_counts = style.labels
        && counts
            .iter()
            .zip(&widths)
            .all(|(v, w)| text_width(&vf.label(v.unwrap_or(0.0)), &VALUE.sized(10.5)) <= *w);
    for (i, v) in counts.iter().enumerate() {
        let (Some(v), x0, x1) = (v, at(bins.edges[i]), at(bins.edges[i + 1])) else { continue };
        let y = scale.map(*v);
        c.rect(x0 + 0.5, scale.map(0.0), x1 - 0.5, y, color)?;
        if show_counts && *v > 0.0 {
            c.text(&vf.label(*v), (x0 + x1) / 2.0, y - 9.0, &VALUE.sized(10.5).align(Align::Middle))?;
        }
    }
    for (i, label) in labels.iter().enumerate().step_by(every) {
        let x = at(bins.edges[i]);
        c.line(&[(x, plot_bottom), (x, plot_bottom + 4.0)], super::MUTED, 1)?;
        c.text(label, x, plot_bottom + 14.0, &TICK_LABEL.align(Align::Middle))?;
    }
    c.line(&[(left, plot_bottom), (right, plot_bottom)], super::MUTED, 1)?;
    reference_row(&c, &scale, style, (left, right), true)?;
    c.finish()?;
    Ok(height)
}
