//! Donut: shares of a whole, with a labelled legend beside the ring, or
//! below it on a narrow chart.

use std::f64::consts::PI;

use super::canvas::{Canvas, Font, Target, wrap};
use super::{Categorical, INK, Style};

const LABEL: Font = Font::new(13.0, INK);

pub fn donut(target: &mut Target, data: &Categorical, style: &Style) -> Result<u32, String> {
    let values: Vec<f64> = data.series[0].values.iter().map(|v| v.unwrap_or(0.0).max(0.0)).collect();
    let total: f64 = values.iter().sum();
    if total <= 0.0 {
        return Err("a donut needs at least one value above zero".into());
    }
    let vf = style.value_format(&data.style);
    // Side by side when there is room, stacked otherwise.
    let beside = style.width >= 560.0;
    let (cx, cy, r_out, r_in) =
        if beside { (150.0, 150.0, 130.0, 78.0) } else { (style.width / 2.0, 125.0, 110.0, 66.0) };
    let legend_x = if beside { 320.0 } else { 16.0 };
    let legend_w = style.width - legend_x - 16.0;
    // The legend names every slice with its value, so colour is not the only key.
    let entries: Vec<Vec<String>> = data
        .categories
        .iter()
        .zip(&values)
        .map(|(c, v)| {
            let text = if style.labels { format!("{c} — {}", vf.label(*v)) } else { c.clone() };
            wrap(&text, &LABEL, legend_w - 24.0)
        })
        .collect();
    let legend_h: f64 = entries.iter().map(|e| e.len() as f64 * 17.0 + 10.0).sum();
    let legend_top = if beside { None } else { Some(cy + r_out + 24.0) };
    let height = match legend_top {
        None => (300.0f64).max(legend_h + 20.0).ceil() as u32,
        Some(top) => (top + legend_h).ceil() as u32,
    };

    let c = Canvas::new(target, style.width as u32, height);
    let mut start = -PI / 2.0;
    for (i, v) in values.iter().enumerate() {
        let sweep = v / total * 2.0 * PI;
        if sweep <= 0.0 {
            continue;
        }
        let steps = ((sweep / (2.0 * PI)) * 120.0).ceil().max(2.0) as usize;
        let arc = |r: f64, k: usize| {
            let a = start + sweep * k as f64 / steps as f64;
            (cx + r * a.cos(), cy + r * a.sin())
        };
        let mut pts: Vec<(f64, f64)> = (0..=steps).map(|k| arc(r_out, k)).collect();
        pts.extend((0..=steps).rev().map(|k| arc(r_in, k)));
        c.polygon(&pts, style.mark(&data.categories[i], i))?;
        start += sweep;
    }
    let mut y = legend_top.unwrap_or((height as f64 - legend_h) / 2.0) + 8.0;
    for (i, lines) in entries.iter().enumerate() {
        c.rect(legend_x, y - 6.0, legend_x + 12.0, y + 6.0, style.mark(&data.categories[i], i))?;
        for (k, l) in lines.iter().enumerate() {
            c.text(l, legend_x + 22.0, y + k as f64 * 17.0, &LABEL)?;
        }
        y += lines.len() as f64 * 17.0 + 10.0;
    }
    c.finish()?;
    Ok(height)
}
