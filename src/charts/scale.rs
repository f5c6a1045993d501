//! Axis scales with round ticks.

/// A linear scale from a data domain onto a pixel range.
#[derive(Clone, Debug)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<f64>,
    range: (f64, f64),
}

impl Scale {
    /// A scale covering `lo..=hi` with about `count` round ticks. Bars
    /// always start at zero, so callers pass `lo = 0` for them.
    pub fn nice(lo: f64, hi: f64, count: usize, range: (f64, f64)) -> Scale {
        let (lo, hi) = if hi - lo <= f64::EPSILON {
            (lo.min(0.0), lo.max(0.0) + 1.0)
        } else {
            (lo, hi)
        };
        let step = nice_step((hi - lo) / count.max(1) as f64);
        let min = (lo / step).floor() * step;
        let max = (hi / step).ceil() * step;
        let n = ((max - min) / step).round() as usize;
        let ticks = (0..=n).map(|i| clean(min + i as f64 * step)).collect();
        Scale {
            min,
            max,
            ticks,
            range,
        }
    }

    /// The same ticks onto another pixel range, once the layout is known.
    pub fn with_range(mut self, range: (f64, f64)) -> Scale {
        self.range = range;
        self
    }

    pub fn map(&self, v: f64) -> f64 {
        let t = if self.max > self.min {
            (v - self.min) / (self.max - self.min)
        } else {
            0.0
        };
        self.range.0 + t * (self.range.1 - self.range.0)
    }

    /// How many decimals the tick labels need.
    pub fn decimals(&self) -> usize {
        let step = if self.ticks.len() > 1 {
            self.ticks[1] - self.ticks[0]
        } else {
            1.0
        };
        (0..6)
            .find(|&d| (step * 10f64.powi(d as i32)).fract().abs() < 1e-6)
            .unwrap_or(6)
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, the smallest at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 {
        raw
    } else {
        1.0
    };
    let power = 10f64.powf(raw.log10().floor());
    let f = raw / power;
    let m = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 2.5 {
        2.5
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    m * power
}

/// Removes float noise such as 0.30000000000000004.
fn clean(v: f64) -> f64 {
    (v * 1e9).round() / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        let s = Scale::nice(0.0, 72.0, 5, (0.0, 100.0));
        assert_eq!(s.ticks, [0.0, 20.0, 40.0, 60.0, 80.0]);
        assert_eq!(s.map(40.0), 50.0);
        let s = Scale::nice(0.0, 0.93, 4, (0.0, 1.0));
        assert_eq!(s.ticks, [0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(s.decimals(), 2);
        let s = Scale::nice(0.0, 1_252.0, 5, (0.0, 1.0));
        assert_eq!(s.ticks, [0.0, 500.0, 1_000.0, 1_500.0]);
        let s = Scale::nice(5.0, 5.0, 5, (0.0, 1.0));
        assert!(s.min <= 0.0 && s.max >= 5.0);
    }
}
