//! Exact histogram of non-negative integer observations (dormancy in whole working or calendar days).
//!
//! Values are bounded by the horizon, so an exact count per value is small, mergeable across replications and
//! shards, and gives exact empirical quantiles: no sample needs to be kept.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram {
    counts: Vec<u64>,
    n: u64,
    sum: u128,
}

impl Histogram {
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    pub fn add(&mut self, value: u32) {
        let v = value as usize;
        if v >= self.counts.len() {
            self.counts.resize(v + 1, 0);
        }
        self.counts[v] += 1;
        self.n += 1;
        self.sum += u128::from(value);
    }

    pub fn merge(&mut self, other: &Histogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.n += other.n;
        self.sum += other.sum;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// Count per value, index = value.
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Arithmetic mean; NaN when empty.
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.sum as f64 / self.n as f64 }
    }

    pub fn max(&self) -> Option<u32> {
        self.counts.iter().rposition(|&c| c > 0).map(|v| v as u32)
    }

    /// Empirical quantile, the inverse of the empirical CDF (Hyndman & Fan 1996, definition 1): the smallest value
    /// v with F(v) >= p. None when empty.
    pub fn quantile(&self, p: f64) -> Option<u32> {
        if self.n == 0 {
            return None;
        }
        let target = ((p.clamp(0.0, 1.0) * self.n as f64).ceil() as u64).max(1);
        let mut cum = 0;
        for (v, &c) in self.counts.iter().enumerate() {
            cum += c;
            if cum >= target {
                return Some(v as u32);
            }
        }
        self.max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_the_inverse_empirical_cdf() {
        // Values 1..=10 once each: F(v) = v/10, so the median is 5, p90 is 9, p95 is 10 (ceil(9.5) = 10th value).
        let mut h = Histogram::new();
        for v in 1..=10 {
            h.add(v);
        }
        assert_eq!(h.quantile(0.5), Some(5));
        assert_eq!(h.quantile(0.9), Some(9));
        assert_eq!(h.quantile(0.95), Some(10));
        assert_eq!(h.quantile(0.0), Some(1));
        assert_eq!(h.max(), Some(10));
        assert_eq!(h.mean(), 5.5);
    }

    #[test]
    fn merging_equals_adding_everything_to_one() {
        let (mut a, mut b, mut all) = (Histogram::new(), Histogram::new(), Histogram::new());
        for v in [3, 7, 7, 20] {
            a.add(v);
            all.add(v);
        }
        for v in [0, 7, 40] {
            b.add(v);
            all.add(v);
        }
        a.merge(&b);
        assert_eq!(a, all);
    }

    #[test]
    fn an_empty_histogram_has_no_quantiles_and_a_nan_mean() {
        let h = Histogram::new();
        assert_eq!(h.quantile(0.5), None);
        assert!(h.mean().is_nan());
        assert_eq!(h.max(), None);
    }
}
