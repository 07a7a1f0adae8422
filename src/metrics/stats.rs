//! Statistics over replications: the mean with a 95% confidence interval from Student's t distribution
//! (independent replications, each contributing one observation; Law, *Simulation Modeling and Analysis*, §9.4.1).
//! For option comparisons the observations are the per-replication paired differences (common random numbers),
//! which gives the paired-t interval (Law §10.2.1).

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// serde_json writes a NaN as `null`; read `null` back as NaN so a written summary loads again.
pub fn nan_from_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// As [`nan_from_null`] for rows of floats (a value undefined in one replication is written as `null`).
pub fn nan_rows_from_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
    Ok(nan_rows(Vec::<Vec<Option<f64>>>::deserialize(d)?))
}

/// Rows of optional floats with `None` as NaN.
pub fn nan_rows(raw: Vec<Vec<Option<f64>>>) -> Vec<Vec<f64>> {
    raw.into_iter().map(|r| r.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect()).collect()
}

/// As [`nan_from_null`] for a map of floats (a share with no denominator is written as `null`).
pub fn nan_map_from_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<indexmap::IndexMap<String, f64>, D::Error> {
    let raw = indexmap::IndexMap::<String, Option<f64>>::deserialize(d)?;
    Ok(raw.into_iter().map(|(k, v)| (k, v.unwrap_or(f64::NAN))).collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanCi {
    #[serde(deserialize_with = "nan_from_null")]
    pub mean: f64,
    /// [low, high]; `None` with a single replication (no variance estimate) or no finite observation.
    pub ci95: Option<[f64; 2]>,
    /// Observations used (non-finite ones, e.g. a replication where nothing migrated, are left out).
    pub n: usize,
}

/// Mean and 95% t-interval of `values`. n = 0 → NaN mean, no interval; n = 1 → the value, no interval;
/// zero variance → a zero-width interval at the mean.
pub fn mean_ci95(values: &[f64]) -> MeanCi {
    let xs: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = xs.len();
    if n == 0 {
        return MeanCi { mean: f64::NAN, ci95: None, n };
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return MeanCi { mean, ci95: None, n };
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    if var <= 0.0 {
        return MeanCi { mean, ci95: Some([mean, mean]), n };
    }
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).expect("n >= 2").inverse_cdf(0.975);
    let half = t * (var / n as f64).sqrt();
    MeanCi { mean, ci95: Some([mean - half, mean + half]), n }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_matches_a_hand_computed_t_interval() {
        // 1..=5: mean 3, s² = 2.5, s/√5 = 0.7071; t(0.975, 4) = 2.776445 → half-width 1.963243.
        let r = mean_ci95(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        let [lo, hi] = r.ci95.unwrap();
        assert!((r.mean - 3.0).abs() < 1e-12);
        assert!((hi - 3.0 - 1.963243).abs() < 1e-5, "{hi}");
        assert!((3.0 - lo - 1.963243).abs() < 1e-5);
    }

    #[test]
    fn one_replication_gives_no_interval_and_zero_variance_a_point() {
        assert_eq!(mean_ci95(&[4.0]).ci95, None);
        assert_eq!(mean_ci95(&[2.0, 2.0, 2.0]).ci95, Some([2.0, 2.0]));
        assert!(mean_ci95(&[]).mean.is_nan());
        assert_eq!(mean_ci95(&[f64::NAN, 1.0]).n, 1);
    }
}
