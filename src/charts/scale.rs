//! Axis scales with round ticks.

/// The most ticks a scale makes. Chart values are limited well below where
/// spans overflow (see `blocks::chart::MAX_MAGNITUDE`); this keeps the
/// scale bounded even so.
const MAX_TICKS: usize = 100;

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
        let (lo, hi) = if hi - lo <= f64::EPSILON { (lo.min(0.0), lo.max(0.0) + 1.0) } else { (lo, hi) };
        let step = nice_step((hi - lo) / count.max(1) as f64);
        let min = (lo / step).floor() * step;
        let max = (hi / step).ceil() * step;
        let n = (((max - min) / step).round() as usize).min(MAX_TICKS);
        let ticks = (0..=n).map(|i| clean(min + i as f64 * step)).collect();
        Scale { min, max, ticks, range }
    }

    /// A scale over exactly `lo..=hi` (an author's `min` and `max`), with
    /// round ticks inside it.
    pub fn fixed(lo: f64, hi: f64, count: usize, range: (f64, f64)) -> Scale {
        let step = nice_step((hi - lo) / count.max(1) as f64);
        let first = (lo / step).ceil() * step;
        let n = (((hi - first) / step + 1e-9).floor().max(0.0) as usize).min(MAX_TICKS);
        let ticks = (0..=n).map(|i| clean(first + i as f64 * step)).collect();
        Scale { min: lo, max: hi, ticks, range }
    }

    /// `nice` unless the author fixed either bound.
    pub fn bounded(
        lo: f64,
        hi: f64,
        min: Option<f64>,
        max: Option<f64>,
        count: usize,
        range: (f64, f64),
    ) -> Scale {
        match (min, max) {
            (None, None) => Scale::nice(lo, hi, count, range),
            (min, max) => {
                let nice = Scale::nice(lo, hi, count, range);
                let (lo, hi) = (min.unwrap_or(nice.min), max.unwrap_or(nice.max));
                if hi > lo { Scale::fixed(lo, hi, count, range) } else { nice }
            }
        }
    }

    /// Ticks at whole numbers only, for counts.
    pub fn whole(mut self) -> Scale {
        if self.ticks.len() > 1 && self.ticks[1] - self.ticks[0] < 1.0 {
            let bottom = self.min.floor();
            let top = self.max.ceil().max(bottom + 1.0);
            self = Scale::fixed(bottom, top, 5, self.range);
            let step = ((top - bottom) / 5.0).ceil().max(1.0);
            self.ticks = (0..).map(|i| bottom + i as f64 * step).take_while(|t| *t <= top).collect();
        }
        self
    }

    /// The same ticks onto another pixel range, once the layout is known.
    pub fn with_range(mut self, range: (f64, f64)) -> Scale {
        self.range = range;
        self
    }

    pub fn map(&self, v: f64) -> f64 {
        let t = if self.max > self.min { (v - self.min) / (self.max - self.min) } else { 0.0 };
        self.range.0 + t * (self.range.1 - self.range.0)
    }
}

/// A base-10 logarithmic scale, ticks at powers of ten.
#[derive(Clone, Debug)]
pub struct LogScale {
    lo: f64,
    hi: f64,
    pub ticks: Vec<f64>,
    range: (f64, f64),
}

impl LogScale {
    /// Covers `lo..=hi` (both above zero) from one power of ten to another.
    pub fn new(lo: f64, hi: f64, range: (f64, f64)) -> LogScale {
        let lo_exp = lo.max(f64::MIN_POSITIVE).log10().floor() as i32;
        let hi_exp = (hi.max(lo * 10.0).log10().ceil() as i32).max(lo_exp + 1);
        let ticks = (lo_exp..=hi_exp).map(|e| 10f64.powi(e)).collect();
        LogScale { lo: 10f64.powi(lo_exp), hi: 10f64.powi(hi_exp), ticks, range }
    }

    pub fn with_range(mut self, range: (f64, f64)) -> LogScale {
        self.range = range;
        self
    }

    pub fn map(&self, v: f64) -> f64 {
        let t = (v.max(self.lo).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10());
        self.range.0 + t * (self.range.1 - self.range.0)
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, the smallest at or above `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw.is_finite() && raw > 0.0 { raw } else { 1.0 };
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
    if v.abs() < 1e12 { (v * 1e9).round() / 1e9 } else { v }
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
        let s = Scale::nice(0.0, 1_252.0, 5, (0.0, 1.0));
        assert_eq!(s.ticks, [0.0, 500.0, 1_000.0, 1_500.0]);
        let s = Scale::fixed(10.0, 95.0, 4, (0.0, 1.0));
        assert_eq!(s.ticks, [25.0, 50.0, 75.0]);
        assert_eq!((s.min, s.max), (10.0, 95.0));
        let s = Scale::bounded(0.0, 72.0, None, Some(100.0), 5, (0.0, 1.0));
        assert_eq!(s.ticks, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let l = LogScale::new(2_400.0, 1_400_000.0, (0.0, 400.0));
        assert_eq!(l.ticks, [1e3, 1e4, 1e5, 1e6, 1e7]);
        assert_eq!(l.map(1e5), 200.0);
        let s = Scale::nice(5.0, 5.0, 5, (0.0, 1.0));
        assert!(s.min <= 0.0 && s.max >= 5.0);
    }

    #[test]
    fn extreme_domains_stay_bounded() {
        for (lo, hi) in [(0.0, 1.7e308), (-1e308, 1e308), (-f64::MAX, f64::MAX), (0.0, 5e-324)] {
            assert!(Scale::nice(lo, hi, 5, (0.0, 1.0)).ticks.len() <= MAX_TICKS + 1);
            assert!(Scale::fixed(lo, hi, 5, (0.0, 1.0)).ticks.len() <= MAX_TICKS + 1);
        }
    }
}
