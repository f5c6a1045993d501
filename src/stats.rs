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

/// The arithmetic mean, or `None` without values.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The sample standard deviation (n − 1), or `None` below two values.
pub fn stddev(values: &[f64]) -> Option<f64> {
    let m = mean(values)?;
    (values.len() > 1).then(|| {
        let ss: f64 = values.iter().map(|v| (v - m).powi(2)).sum();
        (ss / (values.len() - 1) as f64).sqrt()
    })
}

/// The `p` quantile (0 to 1) by linear interpolation between order
/// statistics: R's type 7, numpy's default. `sorted` must be ascending.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() || !(0.0..=1.0).contains(&p) {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// The `p` quantile of unsorted values (type 7).
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile_sorted(&sorted, p)
}

/// The median: the 0.5 quantile.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// A two-proportion z-test on shares in points: the z statistic and the
/// two-sided p-value, pooled standard error. `None` when either sample is
/// empty or the pooled share is 0 or 100.
pub fn two_proportion_test(p1: f64, n1: f64, p2: f64, n2: f64) -> Option<(f64, f64)> {
    if n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let (a, b) = (p1 / 100.0, p2 / 100.0);
    let pooled = (a * n1 + b * n2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return None;
    }
    let z = (a - b) / se;
    Some((z, 2.0 * (1.0 - normal_cdf(z.abs()))))
}

/// The standard normal distribution function, by the Abramowitz and Stegun
/// 7.1.26 approximation of erf (error below 1.5e-7).
fn normal_cdf(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-(x * x) / 2.0).exp();
    if x >= 0.0 { 0.5 * (1.0 + erf) } else { 0.5 * (1.0 - erf) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn descriptive_statistics_match_python() {
        // Python 3.11 statistics and numpy 1.26 on [3, 1, 4, 1, 5, 9, 2, 6]:
        // mean 3.875, median 3.5, stdev 2.748376143938713,
        // numpy.quantile 0.25 -> 1.75, 0.75 -> 5.25, 0.9 -> 6.9.
        let d = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        assert!(close(mean(&d), 3.875));
        assert!(close(median(&d), 3.5));
        assert!(close(stddev(&d), 2.748376143938713));
        assert!(close(quantile(&d, 0.25), 1.75));
        assert!(close(quantile(&d, 0.75), 5.25));
        assert!(close(quantile(&d, 0.9), 6.9));
        // Ties [2, 2, 2, 7]: median 2, stdev 2.5, quantile 0.1 -> 2.
        let t = [2.0, 2.0, 2.0, 7.0];
        assert!(close(median(&t), 2.0) && close(stddev(&t), 2.5) && close(quantile(&t, 0.1), 2.0));
        // One value: its own median and quantiles, no standard deviation; none: nothing.
        assert!(close(median(&[5.0]), 5.0) && close(quantile(&[5.0], 0.9), 5.0));
        assert_eq!(stddev(&[5.0]), None);
        assert_eq!((mean(&[]), median(&[]), quantile(&[], 0.5)), (None, None, None));
        assert_eq!(quantile(&d, 1.5), None);
    }

    #[test]
    fn two_proportions_match_statsmodels() {
        // statsmodels 0.14 proportions_ztest([901, 814], [1252, 1252]) (72 % and 65 %):
        // z = 3.742534832470279, p = 0.00018217327099295599.
        let (z, p) =
            two_proportion_test(901.0 / 1252.0 * 100.0, 1252.0, 814.0 / 1252.0 * 100.0, 1252.0).unwrap();
        assert!((z - 3.742534832470279).abs() < 1e-9, "{z}");
        assert!((p - 0.000182173).abs() < 1e-7, "{p}");
        assert_eq!(two_proportion_test(0.0, 10.0, 0.0, 10.0), None);
    }

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
