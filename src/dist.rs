//! Duration distributions: the scenario's raw form (`DurationSpec`) and the validated sampler (`Duration`).
//!
//! Every duration in a scenario is a number (a fixed value) or a table with a `kind`:
//! `fixed`, `uniform`, `triangular`, `exponential`, `lognormal` (by median and 95th percentile), `gamma` and
//! `empirical` (values with weights). Sampling uses `rand_distr`; units are whatever the scenario key names
//! (`_wd` = working days, `_days` = calendar days). Samples are never negative and never above the key's cap (the
//! longest duration that makes sense for it, set by the scenario resolver): a distribution whose location (value,
//! upper bound, mean or median) exceeds the cap is refused, and draws in a long tail beyond it are cut to it.

use rand::Rng;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Exp, Gamma, LogNormal, Triangular, Uniform};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// z-score of the 95th percentile of the standard normal, Φ⁻¹(0.95).
const Z95: f64 = 1.644_853_626_951_472_2;

/// A duration's parameters, as a tagged table (`{ kind = "triangular", min = 5, mode = 16, max = 28 }`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum DurationSpec {
    Fixed { value: f64 },
    Uniform { min: f64, max: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
    Exponential { mean: f64 },
    Lognormal { median: f64, p95: f64 },
    Gamma { shape: f64, scale: f64 },
    Empirical { values: Vec<f64>, weights: Vec<f64> },
}

/// A duration as written in a scenario file: a bare number (fixed) or a [`DurationSpec`] table. The hand-written
/// `Deserialize` keeps serde's precise messages for the table form (an untagged enum would lose them).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct RawDuration(pub DurationSpec);

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDuration;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a number or a table with `kind` = fixed|uniform|triangular|exponential|lognormal|gamma|empirical",
                )
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
                Ok(RawDuration(DurationSpec::Fixed { value: v }))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                self.visit_f64(v as f64)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawDuration, A::Error> {
                DurationSpec::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawDuration)
            }
        }
        d.deserialize_any(V)
    }
}

/// A validated duration, ready to sample; serialises as the spec it came from.
#[derive(Debug, Clone)]
pub struct Duration {
    spec: DurationSpec,
    sampler: Sampler,
    /// Largest value a draw may take.
    cap: f64,
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.spec.serialize(s)
    }
}

#[derive(Debug, Clone)]
enum Sampler {
    Fixed(f64),
    Uniform(Uniform<f64>, f64),
    Triangular(Triangular<f64>, f64),
    Exponential(Exp<f64>, f64),
    Lognormal(LogNormal<f64>, f64),
    Gamma(Gamma<f64>, f64),
    Empirical { values: Vec<f64>, index: WeightedIndex<f64>, mean: f64 },
}

fn finite_non_negative(name: &str, v: f64) -> Result<f64, String> {
    if v.is_finite() && v >= 0.0 { Ok(v) } else { Err(format!("`{name}` must be a finite number >= 0, got {v}")) }
}

impl Duration {
    /// Validate a raw spec whose draws may not exceed `cap` (in `unit`, for the message). The error text names the
    /// offending field; the caller adds the scenario key.
    pub fn from_spec(spec: &DurationSpec, cap: f64, unit: &str) -> Result<Self, String> {
        let sampler = Sampler::from_spec(spec)?;
        let (field, location) = location(spec);
        if location.is_nan() || location > cap {
            let shown = if location.abs() >= 1e9 { format!("{location:e}") } else { format!("{location}") };
            return Err(format!(
                "`{field}` ({shown}) exceeds the longest duration this key allows ({cap} {unit}); longer draws are cut \
                 to it, but a distribution must be placed below it"
            ));
        }
        Ok(Self { spec: spec.clone(), sampler, cap })
    }

    /// A fixed duration.
    pub fn fixed(value: f64) -> Self {
        Self { spec: DurationSpec::Fixed { value }, sampler: Sampler::Fixed(value), cap: value.max(0.0) }
    }

    /// The spec this duration was built from.
    pub fn spec(&self) -> &DurationSpec {
        &self.spec
    }

    /// One draw, never negative and never above the cap.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sampler.sample(rng).min(self.cap)
    }

    /// The distribution's mean (exact, from its parameters).
    pub fn mean(&self) -> f64 {
        self.sampler.mean()
    }

    /// True when every draw is the same value (used by verification scenarios).
    pub fn is_fixed(&self) -> bool {
        matches!(self.sampler, Sampler::Fixed(_))
    }
}

/// The parameter that places a distribution (its value, upper bound, mean or median) and its name: what the cap is
/// checked against.
fn location(spec: &DurationSpec) -> (&'static str, f64) {
    use DurationSpec as S;
    match spec {
        S::Fixed { value } => ("value", *value),
        S::Uniform { max, .. } | S::Triangular { max, .. } => ("max", *max),
        S::Exponential { mean } => ("mean", *mean),
        S::Lognormal { median, .. } => ("median", *median),
        S::Gamma { shape, scale } => ("shape × scale", shape * scale),
        S::Empirical { values, .. } => ("values[]", values.iter().copied().fold(0.0, f64::max)),
    }
}

impl Sampler {
    fn from_spec(spec: &DurationSpec) -> Result<Self, String> {
        use DurationSpec as S;
        Ok(match spec {
            S::Fixed { value } => Self::Fixed(finite_non_negative("value", *value)?),
            S::Uniform { min, max } => {
                let (lo, hi) = (finite_non_negative("min", *min)?, finite_non_negative("max", *max)?);
                if hi < lo {
                    return Err(format!("`max` ({hi}) must be >= `min` ({lo})"));
                }
                if hi == lo {
                    return Ok(Self::Fixed(lo));
                }
                Self::Uniform(Uniform::new(lo, hi).map_err(|e| e.to_string())?, (lo + hi) / 2.0)
            }
            S::Triangular { min, mode, max } => {
                let (lo, m, hi) = (
                    finite_non_negative("min", *min)?,
                    finite_non_negative("mode", *mode)?,
                    finite_non_negative("max", *max)?,
                );
                if !(lo <= m && m <= hi) || lo == hi {
                    return Err(format!("need min <= mode <= max and min < max, got {lo}, {m}, {hi}"));
                }
                Self::Triangular(Triangular::new(lo, hi, m).map_err(|e| e.to_string())?, (lo + m + hi) / 3.0)
            }
            S::Exponential { mean } => {
                let m = finite_non_negative("mean", *mean)?;
                if m == 0.0 {
                    return Ok(Self::Fixed(0.0));
                }
                Self::Exponential(Exp::new(1.0 / m).map_err(|e| e.to_string())?, m)
            }
            S::Lognormal { median, p95 } => Self::lognormal(*median, *p95)?,
            S::Gamma { shape, scale } => {
                if !(shape.is_finite() && *shape > 0.0 && scale.is_finite() && *scale > 0.0) {
                    return Err(format!("`shape` and `scale` must be > 0, got {shape}, {scale}"));
                }
                Self::Gamma(Gamma::new(*shape, *scale).map_err(|e| e.to_string())?, shape * scale)
            }
            S::Empirical { values, weights } => Self::empirical(values, weights)?,
        })
    }

    /// Lognormal from its median and 95th percentile: μ = ln(median), σ = (ln(p95) − μ) / Φ⁻¹(0.95).
    fn lognormal(median: f64, p95: f64) -> Result<Self, String> {
        if !(median.is_finite() && median > 0.0 && p95.is_finite() && p95 > median) {
            return Err(format!("need 0 < median < p95, got median {median}, p95 {p95}"));
        }
        let mu = median.ln();
        let sigma = (p95.ln() - mu) / Z95;
        let mean = (mu + sigma * sigma / 2.0).exp();
        Ok(Self::Lognormal(LogNormal::new(mu, sigma).map_err(|e| e.to_string())?, mean))
    }

    fn empirical(values: &[f64], weights: &[f64]) -> Result<Self, String> {
        if values.is_empty() || values.len() != weights.len() {
            return Err(format!(
                "`values` and `weights` must be non-empty and of equal length, got {} and {}",
                values.len(),
                weights.len()
            ));
        }
        for v in values {
            finite_non_negative("values[]", *v)?;
        }
        let index = WeightedIndex::new(weights).map_err(|e| format!("`weights`: {e}"))?;
        let total: f64 = weights.iter().sum();
        let mean = values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total;
        Ok(Self::Empirical { values: values.to_vec(), index, mean })
    }

    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = match self {
            Self::Fixed(v) => *v,
            Self::Uniform(d, _) => d.sample(rng),
            Self::Triangular(d, _) => d.sample(rng),
            Self::Exponential(d, _) => d.sample(rng),
            Self::Lognormal(d, _) => d.sample(rng),
            Self::Gamma(d, _) => d.sample(rng),
            Self::Empirical { values, index, .. } => values[index.sample(rng)],
        };
        x.max(0.0)
    }

    fn mean(&self) -> f64 {
        match self {
            Self::Fixed(v) => *v,
            Self::Uniform(_, m)
            | Self::Triangular(_, m)
            | Self::Exponential(_, m)
            | Self::Lognormal(_, m)
            | Self::Gamma(_, m) => *m,
            Self::Empirical { mean, .. } => *mean,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Streams};

    fn sample_mean(d: &Duration, n: u64) -> f64 {
        let mut r = Streams::new(9, 0).rng(Purpose::Test, 0, 0);
        (0..n).map(|_| d.sample(&mut r)).sum::<f64>() / n as f64
    }

    #[test]
    fn a_bare_number_is_a_fixed_duration() {
        #[derive(Deserialize)]
        struct W {
            d: RawDuration,
        }
        let w: W = toml::from_str("d = 5").unwrap();
        assert_eq!(w.d.0, DurationSpec::Fixed { value: 5.0 });
        let w: W = toml::from_str("d = { kind = \"lognormal\", median = 3.0, p95 = 9.0 }").unwrap();
        assert_eq!(w.d.0, DurationSpec::Lognormal { median: 3.0, p95: 9.0 });
    }

    #[test]
    fn an_unknown_field_in_a_duration_is_an_error_naming_it() {
        #[derive(Debug, Deserialize)]
        struct W {
            #[allow(dead_code)]
            d: RawDuration,
        }
        let e = toml::from_str::<W>("d = { kind = \"fixed\", valu = 5 }").unwrap_err().to_string();
        assert!(e.contains("valu"), "{e}");
    }

    #[test]
    fn lognormal_by_median_and_p95_reproduces_both() {
        // With μ = ln 3 and σ = (ln 9 − ln 3)/1.6449, P(X <= 3) = 0.5 and P(X <= 9) = 0.95 by construction.
        let d = Duration::from_spec(&DurationSpec::Lognormal { median: 3.0, p95: 9.0 }, 1e9, "days").unwrap();
        let mut r = Streams::new(1, 0).rng(Purpose::Test, 0, 0);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut r)).collect();
        let below = |v: f64| xs.iter().filter(|&&x| x <= v).count() as f64 / n as f64;
        assert!((below(3.0) - 0.5).abs() < 0.01);
        assert!((below(9.0) - 0.95).abs() < 0.005);
    }

    #[test]
    fn sample_means_match_the_analytic_means() {
        // Standard errors at n = 200 000 are below 0.5% of each mean; 2% tolerance is > 4 SE.
        let specs = [
            DurationSpec::Uniform { min: 2.0, max: 6.0 },
            DurationSpec::Triangular { min: 1.0, mode: 2.0, max: 9.0 },
            DurationSpec::Exponential { mean: 4.0 },
            DurationSpec::Gamma { shape: 2.0, scale: 1.5 },
            DurationSpec::Empirical { values: vec![1.0, 5.0], weights: vec![3.0, 1.0] },
        ];
        for s in specs {
            let d = Duration::from_spec(&s, 1e9, "days").unwrap();
            let m = sample_mean(&d, 200_000);
            assert!((m - d.mean()).abs() < 0.02 * d.mean(), "{s:?}: {m} vs {}", d.mean());
        }
    }

    #[test]
    fn invalid_parameters_are_rejected_with_a_reason() {
        let bad = [
            DurationSpec::Fixed { value: -1.0 },
            DurationSpec::Uniform { min: 5.0, max: 1.0 },
            DurationSpec::Triangular { min: 1.0, mode: 0.5, max: 2.0 },
            DurationSpec::Lognormal { median: 5.0, p95: 4.0 },
            DurationSpec::Gamma { shape: 0.0, scale: 1.0 },
            DurationSpec::Empirical { values: vec![1.0], weights: vec![] },
            DurationSpec::Empirical { values: vec![1.0], weights: vec![0.0] },
        ];
        for s in bad {
            assert!(Duration::from_spec(&s, 1e9, "days").is_err(), "{s:?} accepted");
        }
    }

    #[test]
    fn a_distribution_placed_beyond_the_cap_is_refused_and_long_tails_are_cut_to_it() {
        // Issue 12: 1e9 WD of firmware, an exponential mean of 1e12, gamma shape = scale = 1e308 validated and then
        // panicked in the calendar. The cap (250 here) refuses them, naming the field.
        for (spec, field) in [
            (DurationSpec::Fixed { value: 1e9 }, "value"),
            (DurationSpec::Exponential { mean: 1e12 }, "mean"),
            (DurationSpec::Gamma { shape: 1e308, scale: 1e308 }, "shape × scale"),
            (DurationSpec::Uniform { min: 0.0, max: 251.0 }, "max"),
        ] {
            let e = Duration::from_spec(&spec, 250.0, "WD").unwrap_err();
            assert!(e.contains(field) && e.contains("250"), "{e}");
        }
        // A lognormal with a sensible median and an absurd p95 is accepted, and no draw exceeds the cap.
        let d = Duration::from_spec(&DurationSpec::Lognormal { median: 3.0, p95: 1e300 }, 250.0, "WD").unwrap();
        let mut r = Streams::new(9, 0).rng(Purpose::Test, 0, 0);
        assert!((0..10_000).map(|_| d.sample(&mut r)).all(|x| (0.0..=250.0).contains(&x)));
    }
}
