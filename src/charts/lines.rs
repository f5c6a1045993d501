//! Lines over categories (`line`) and points over two numeric axes (`scatter`).

use super::axes::{Legend, Marker, TICK, grid_columns, grid_rows, tick_label_width};
use super::canvas::{Align, Canvas, Font, text_width, wrap};
use super::scale::Scale;
use super::{Categorical, INK, ValueFormat, WIDTH, color, data_decimals};
use crate::blocks::Chart;
use crate::datasets::{Dataset, FieldType};
use crate::format::NumberFormat;

const LABEL: Font = Font::new(13.0, INK);
const VALUE: Font = Font::new(12.0, INK);
const PLOT_HEIGHT: f64 = 280.0;

/// One line per series over the categories in data order, each labelled
/// at its last point so colour is not the only key.
pub fn line(buf: &mut String, data: &Categorical, fmt: &NumberFormat) -> Result<u32, String> {
    let vf = ValueFormat {
        fmt,
        percent: data.percent,
        decimals: data_decimals(data.values()),
    };
    let top = 20.0;
    let bottom = top + PLOT_HEIGHT;
    let (lo, hi) = data
        .values()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    let lo = if lo > 0.0 && lo < hi * 0.5 { 0.0 } else { lo };
    let scale = Scale::nice(lo.min(hi), hi, 5, (0.0, 1.0));
    // Each series is named at its last point, so colour is not the only key.
    let ends: Vec<(usize, f64, String)> = data
        .series
        .iter()
        .enumerate()
        .filter_map(|(si, s)| {
            let v = s.values.iter().rev().find_map(|v| *v)?;
            let text = match (&s.name, data.series.len() > 1) {
                (Some(name), true) => format!("{name} {}", vf.label(v)),
                _ => vf.label(v),
            };
            Some((si, v, text))
        })
        .collect();
    let end_width = ends
        .iter()
        .map(|(_, _, t)| text_width(t, &VALUE.bold()))
        .fold(0.0, f64::max);
    let left = 12.0 + tick_label_width(&scale, &vf) + 8.0;
    let right = WIDTH as f64 - 12.0 - end_width - 10.0;
    let scale = scale.with_range((bottom, top));
    let n = data.categories.len();
    let step = if n > 1 {
        (right - left) / (n - 1) as f64
    } else {
        0.0
    };
    let x_at = |i: usize| {
        if n > 1 {
            left + step * i as f64
        } else {
            (left + right) / 2.0
        }
    };
    // A label is centred on its point: as wide as the gap to the next
    // point, and never wider than twice its distance to the chart's edge.
    let label_width = |i: usize| {
        let room = 2.0 * (x_at(i) - 4.0).min(WIDTH as f64 - 4.0 - x_at(i));
        if n > 1 {
            step.max(40.0).min(room)
        } else {
            room.min(200.0)
        }
    };
    let labels: Vec<Vec<String>> = data
        .categories
        .iter()
        .enumerate()
        .map(|(i, c)| wrap(c, &TICK, label_width(i) - 6.0))
        .collect();
    let lines_needed = labels.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let height = (bottom + 16.0 + lines_needed * 14.0 + 8.0).ceil() as u32;

    let c = Canvas::new(buf, WIDTH, height);
    grid_rows(&c, &scale, &vf, left, right)?;
    for (i, l) in labels.iter().enumerate() {
        let first = bottom + 16.0 + (l.len() as f64 - 1.0) * 7.0;
        c.lines(l, x_at(i), first, 14.0, &TICK.align(Align::Middle))?;
    }
    for (si, s) in data.series.iter().enumerate() {
        let pts: Vec<(f64, f64)> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (x_at(i), scale.map(v))))
            .collect();
        if pts.len() > 1 {
            c.line(&pts, color(si), 3)?;
        }
        for (x, y) in &pts {
            c.circle(*x, *y, 4.0, color(si))?;
        }
    }
    // End labels, nudged apart so they never overlap.
    let mut ends: Vec<(f64, String, usize)> = ends
        .into_iter()
        .map(|(si, v, t)| (scale.map(v), t, si))
        .collect();
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last_y = f64::NEG_INFINITY;
    for (y, text, si) in ends {
        let y = y.max(last_y + 16.0);
        c.text(
            &text,
            x_at(n.saturating_sub(1)) + 10.0,
            y,
            &VALUE.with_color(color(si)).bold(),
        )?;
        last_y = y;
    }
    c.finish()?;
    Ok(height)
}

/// Points for a scatter plot.
pub struct Points {
    pub points: Vec<(f64, f64, usize)>,
    pub groups: Vec<String>,
    pub x_label: String,
    pub y_label: String,
    pub x_percent: bool,
    pub y_percent: bool,
}

impl Points {
    pub fn from_dataset(chart: &Chart, ds: &Dataset) -> Points {
        let mut groups: Vec<String> = Vec::new();
        let mut points = Vec::new();
        for row in &ds.rows {
            let (Some(x), Some(y)) = (row[chart.x].as_f64(), row[chart.y].as_f64()) else {
                continue;
            };
            let g = chart.series.map(|s| row[s].raw_text()).unwrap_or_default();
            let gi = super::index_of(&mut groups, g);
            points.push((x, y, gi));
        }
        Points {
            points,
            groups,
            x_label: ds.fields[chart.x].title().to_string(),
            y_label: ds.fields[chart.y].title().to_string(),
            x_percent: ds.fields[chart.x].ty == FieldType::Percent,
            y_percent: ds.fields[chart.y].ty == FieldType::Percent,
        }
    }
}

/// Points over two linear axes, coloured by group with a legend.
pub fn scatter(buf: &mut String, p: &Points, fmt: &NumberFormat) -> Result<u32, String> {
    let legend_x = 12.0;
    let legend = Legend::new(p.groups.iter().map(String::as_str), legend_x, Marker::Dot);
    let top = 28.0 + legend.height();
    let bottom = top + PLOT_HEIGHT;
    let height = (bottom + 48.0) as u32;
    let bounds = |f: fn(&(f64, f64, usize)) -> f64| {
        p.points
            .iter()
            .map(f)
            .fold((0.0f64, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (xlo, xhi) = bounds(|t| t.0);
    let (ylo, yhi) = bounds(|t| t.1);
    let xs = Scale::nice(xlo, xhi.max(xlo), 6, (0.0, 1.0));
    let ys = Scale::nice(ylo, yhi.max(ylo), 5, (bottom, top));
    let xf = ValueFormat {
        fmt,
        percent: p.x_percent,
        decimals: xs.decimals(),
    };
    let yf = ValueFormat {
        fmt,
        percent: p.y_percent,
        decimals: ys.decimals(),
    };
    let left = 12.0 + tick_label_width(&ys, &yf) + 8.0;
    // Half of the last x tick label stands past the plot's right edge.
    let last_x = xs
        .ticks
        .last()
        .map_or(0.0, |t| text_width(&xf.label(*t), &TICK));
    let right = WIDTH as f64 - 12.0 - last_x / 2.0;
    let xs = xs.with_range((left, right));

    let c = Canvas::new(buf, WIDTH, height);
    legend.draw(&c)?;
    grid_rows(&c, &ys, &yf, left, right)?;
    grid_columns(&c, &xs, &xf, top, bottom)?;
    c.text(&p.x_label, right, bottom + 36.0, &LABEL.align(Align::End))?;
    c.text(&p.y_label, 12.0, top - 16.0, &LABEL)?;
    for (x, y, g) in &p.points {
        c.circle(xs.map(*x), ys.map(*y), 5.0, color(*g))?;
    }
    c.finish()?;
    Ok(height)
}
