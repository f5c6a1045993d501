//! Survey statistics on shares written in points (72 means 72 %).

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The 95 % margin of error, in points, of a share of `points` among `n`
/// respondents (normal approximation: z·√(p(1−p)/n)).
pub fn margin_of_error(points: f64, n: f64) -> Option<f64> {
    if n <= 0.0 || !(0.0..=100.0).contains(&points) {
        return None;
    }
    let p = points / 100.0;
    Some(Z95 * (p * (1.0 - p) / n).sqrt() * 100.0)
}

/// The 95 % Wilson score interval, in points, of a share of `points` among
/// `n` respondents. Unlike the normal approximation it stays within 0–100
/// and behaves for small samples and extreme shares.
pub fn wilson(points: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 || !(0.0..=100.0).contains(&points) {
        return None;
    }
    let p = points / 100.0;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0) * 100.0, (centre + half).min(1.0) * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin_of_error_matches_hand_computation() {
        // By hand: 1.96 * sqrt(0.72 * 0.28 / 1252) = 1.96 * 0.0126894 = 0.024871;
        // statsmodels proportion_confint(901.44, 1252, method="normal") gives
        // (0.695129, 0.744871), a half-width of 2.4871 points.
        let m = margin_of_error(72.0, 1252.0).unwrap();
        assert!((m - 2.4871).abs() < 1e-3, "{m}");
        assert_eq!(margin_of_error(50.0, 0.0), None);
        assert_eq!(margin_of_error(120.0, 10.0), None);
    }

    #[test]
    fn wilson_matches_statsmodels() {
        // statsmodels 0.14 proportion_confint(count, nobs, method="wilson"):
        // 901/1252 -> (0.694125, 0.743828); 3/10 -> (0.107791, 0.603222); 0/20 -> (0.0, 0.161125)
        let close = |a: f64, b: f64| (a - b).abs() < 1e-3;
        let (lo, hi) = wilson(901.0 / 1252.0 * 100.0, 1252.0).unwrap();
        assert!(close(lo, 69.4125) && close(hi, 74.3828), "{lo} {hi}");
        let (lo, hi) = wilson(30.0, 10.0).unwrap();
        assert!(close(lo, 10.7791) && close(hi, 60.3222), "{lo} {hi}");
        let (lo, hi) = wilson(0.0, 20.0).unwrap();
        assert!(close(lo, 0.0) && close(hi, 16.1125), "{lo} {hi}");
    }
}
