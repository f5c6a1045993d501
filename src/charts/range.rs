//! `range`: a dot per category with its low–high interval, e.g. the median
//! engagement of each tier with its quartiles.

use super::axes::{grid_columns, reference_column, reference_room};
use super::canvas::{Align, Canvas, Font, Target, text_width, wrap};
use super::scale::Scale;
use super::{Categorical, INK, Style, tint};

const LABEL: Font = Font::new(13.0, INK);
const VALUE: Font = Font::new(12.5, INK);
const LINE_HEIGHT: f64 = 16.0;

pub fn range(target: &mut Target, data: &Categorical, style: &Style) -> Result<u32, String> {
    let s = &data.series[0];
    let vf = style.value_format(&data.style);
    let label_width = (style.width * 0.32).min(230.0);
    let labels: Vec<Vec<String>> = data.categories.iter().map(|c| wrap(c, &LABEL, label_width)).collect();
    let widest = labels.iter().flatten().map(|l| text_width(l, &LABEL)).fold(0.0, f64::max);
    let left = 16.0 + widest.min(label_width) + 14.0;
    let value_room = if style.labels {
        s.values.iter().flatten().map(|v| text_width(&vf.label(*v), &VALUE)).fold(0.0, f64::max) + 10.0
    } else {
        0.0
    };
    let right = style.width - value_room.max(24.0) - 6.0;
    let (lo, hi) = data.domain(false);
    let scale = Scale::bounded(lo.min(0.0), hi, style.min, style.max, 5, (left, right));
    let bands: Vec<f64> = labels.iter().map(|l| (l.len() as f64 * LINE_HEIGHT + 14.0).max(34.0)).collect();
    let top = 8.0 + reference_room(style);
    let bottom = top + bands.iter().sum::<f64>();
    let height = (bottom + 30.0).ceil() as u32;

    let c = Canvas::new(target, style.width as u32, height);
    grid_columns(&c, &scale, &vf, top, bottom)?;
    let mut y = top;
    for (ci, band) in bands.iter().enumerate() {
        let mid = y + band / 2.0;
        c.lines(&labels[ci], left - 14.0, mid, LINE_HEIGHT, &LABEL.align(Align::End))?;
        let color = style.mark(&data.categories[ci], 0);
        let mut end = None;
        if let Some((a, b)) = s.intervals[ci] {
            let (xa, xb) = (scale.map(a), scale.map(b));
            c.rect(xa, mid - 3.0, xb, mid + 3.0, tint(color, 0.55))?;
            end = Some(xb);
        }
        if let Some(v) = s.values[ci] {
            let x = scale.map(v);
            c.circle(x, mid, 6.0, color)?;
            if style.labels {
                let tx = end.unwrap_or(x).max(x + 6.0) + 8.0;
                c.text(&vf.label(v), tx, mid, &VALUE)?;
            }
        }
        y += band;
    }
    reference_column(&c, &scale, style, top, bottom)?;
    c.finish()?;
    Ok(height)
}
