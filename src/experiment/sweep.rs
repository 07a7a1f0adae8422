//! Parameter sweeps: parsing `KEY=SPEC` (a list `8,10,12` or a range `0.1..0.5 step 0.1` in exact decimals), the
//! full grid of points (cartesian product, in the order given), and the tidy rows (point × option × metric) taken
//! from each point's [`Summary`] (levels) and its replications (the paired comparison metrics of
//! [`super::metric`], with paired intervals). Running the points is the caller's business (each is an ordinary
//! experiment).

use super::metric::{self, Metric};
use super::{ReplicationResult, Summary};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SweepError {
    #[error(
        "--vary `{0}`: expected KEY=SPEC, e.g. dcc.daily_capacity=8000,10000 or smsos.s1.servers=100..500 step 100"
    )]
    NoKey(String),
    #[error("--vary {key}: {message}")]
    Spec { key: String, message: String },
    #[error("key `{0}` is varied more than once")]
    Duplicate(String),
    #[error("the grid has {size} points, more than --max-points {max}; vary fewer values or raise --max-points")]
    TooLarge { size: u128, max: usize },
}

/// An exact decimal: `mantissa × 10^-scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Decimal {
    mantissa: i128,
    scale: u32,
}

const MAX_SCALE: u32 = 18;
/// Ranges longer than this are refused outright (the grid limit catches smaller ones).
const MAX_RANGE_VALUES: i128 = 1_000_000;

impl Decimal {
    /// Plain decimal text: optional sign, digits, optional fraction (`-12`, `0.25`, `.5`, `3.`).
    fn parse(s: &str) -> Option<Decimal> {
        let t = s.trim();
        let (negative, body) = match t.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) || frac.len() > MAX_SCALE as usize {
            return None;
        }
        let digits = format!("{int}{frac}");
        let mantissa: i128 = digits.parse().ok()?;
        Some(Decimal { mantissa: if negative { -mantissa } else { mantissa }, scale: frac.len() as u32 })
    }

    fn rescale(self, scale: u32) -> Option<i128> {
        self.mantissa.checked_mul(10i128.checked_pow(scale - self.scale)?)
    }

    /// Shortest decimal text (no trailing zeros, no exponent).
    fn render(mantissa: i128, scale: u32) -> String {
        let (mut m, mut scale) = (mantissa, scale);
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        let digits = m.unsigned_abs().to_string();
        let sign = if m < 0 { "-" } else { "" };
        if scale == 0 {
            return format!("{sign}{digits}");
        }
        let scale = scale as usize;
        let padded =
            if digits.len() <= scale { format!("{}{digits}", "0".repeat(scale + 1 - digits.len())) } else { digits };
        let (int, frac) = padded.split_at(padded.len() - scale);
        format!("{sign}{int}.{frac}")
    }
}

/// Expand a SPEC: a comma-separated list (items passed as written, numeric or not) or a numeric range
/// `A..B [step S]` (default step 1; B is included when the steps land on it) in exact decimal arithmetic, each
/// value rendered as its shortest decimal text.
pub fn parse_spec(spec: &str) -> Result<Vec<String>, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Err("empty SPEC: give a list `8,10,12` or a range `3..10 step 1`".into());
    }
    if let Some((from, rest)) = spec.split_once("..") {
        let (to, step) = match rest.split_once("step") {
            Some((to, step)) => (to.trim(), step.trim()),
            None => (rest.trim(), "1"),
        };
        let num = |what: &str, s: &str| {
            Decimal::parse(s).ok_or_else(|| format!("range {what} `{s}` is not a decimal number (in `{spec}`)"))
        };
        let (a, b, st) = (num("start", from)?, num("end", to)?, num("step", step)?);
        let scale = a.scale.max(b.scale).max(st.scale);
        let overflow = || format!("range `{spec}` has numbers too large");
        let (a, b, st) = (
            a.rescale(scale).ok_or_else(overflow)?,
            b.rescale(scale).ok_or_else(overflow)?,
            st.rescale(scale).ok_or_else(overflow)?,
        );
        if st <= 0 {
            return Err(format!("range step must be positive, got `{step}` (in `{spec}`)"));
        }
        if b < a {
            return Err(format!("range end is below its start (in `{spec}`)"));
        }
        let count = (b - a) / st + 1;
        if count > MAX_RANGE_VALUES {
            return Err(format!("range `{spec}` has {count} values (at most {MAX_RANGE_VALUES})"));
        }
        return Ok((0..count).map(|k| Decimal::render(a + k * st, scale)).collect());
    }
    let items: Vec<String> = spec.split(',').map(|s| s.trim().to_string()).collect();
    if items.iter().any(|s| s.is_empty()) {
        return Err(format!("empty item in list `{spec}`"));
    }
    Ok(items)
}

/// One `--vary KEY=SPEC`: the key and its values.
pub fn parse_vary(arg: &str) -> Result<(String, Vec<String>), SweepError> {
    let (key, spec) = arg.split_once('=').ok_or_else(|| SweepError::NoKey(arg.to_string()))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(SweepError::NoKey(arg.to_string()));
    }
    let values = parse_spec(spec).map_err(|message| SweepError::Spec { key: key.to_string(), message })?;
    Ok((key.to_string(), values))
}

/// The points of a sweep: each a value per varied key (in key order).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grid {
    pub keys: Vec<String>,
    pub points: Vec<Vec<String>>,
}

impl Grid {
    /// The full grid (cartesian product, first key slowest) of `varies`; an error if larger than `max_points`.
    pub fn new(varies: &[(String, Vec<String>)], max_points: usize) -> Result<Grid, SweepError> {
        for (i, (k, _)) in varies.iter().enumerate() {
            if varies[..i].iter().any(|(other, _)| other == k) {
                return Err(SweepError::Duplicate(k.clone()));
            }
        }
        let size = varies.iter().fold(1u128, |n, (_, v)| n.saturating_mul(v.len() as u128));
        if size > max_points as u128 {
            return Err(SweepError::TooLarge { size, max: max_points });
        }
        let mut points: Vec<Vec<String>> = vec![Vec::new()];
        for (_, values) in varies {
            points = points
                .iter()
                .flat_map(|p| {
                    values.iter().map(move |v| {
                        let mut q = p.clone();
                        q.push(v.clone());
                        q
                    })
                })
                .collect();
        }
        Ok(Grid { keys: varies.iter().map(|(k, _)| k.clone()).collect(), points })
    }

    /// The `--set` overrides of point `i` (`KEY=VALUE`, in key order).
    pub fn overrides(&self, i: usize) -> Vec<String> {
        self.keys.iter().zip(&self.points[i]).map(|(k, v)| format!("{k}={v}")).collect()
    }
}

/// One row of a sweep table: a metric of an option at a point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepRow {
    pub point: usize,
    pub option: String,
    pub metric: String,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub mean: f64,
    pub ci95: Option<[f64; 2]>,
    pub replications: u32,
}

/// Metrics reported for every option.
pub const OPTION_METRICS: [&str; 5] =
    ["dormancy_wd", "restored_wd", "firmware_wait_wd", "manual_fte_total", "still_dormant_at_end"];
/// Metrics reported for non-baseline options: option − baseline within each replication (paired), computed as
/// `summary.json` computes them ([`super::metric`]).
pub const COMPARISON_METRICS: [&str; 15] = [
    "reduction_wd",
    "reduction_restored_wd",
    "reduction_wd_fast_track_eligible",
    "reduction_wd_awaited_epcl",
    "reduction_wd_backlog",
    "site_reduction_wd",
    "share_slower",
    "extra_manual_fte",
    "extra_manual_fte_dcc",
    "extra_manual_fte_gaining_supplier",
    "extra_manual_fte_losing_supplier",
    "extra_manual_fte_smso",
    "extra_manual_fte_secas",
    "dormant_days_avoided_gb_per_year",
    "share_faster",
];

/// The unit of a sweep metric (the table's `unit` column).
pub fn unit(metric: &str) -> &'static str {
    metric::unit(metric)
}

/// Rows of point `point`: the levels from its summary ([`OPTION_METRICS`] per option), then for every
/// non-baseline option the paired [`COMPARISON_METRICS`] from its replications. A population absent from the run
/// gives no row.
pub fn point_rows(point: usize, s: &Scenario, summary: &Summary, reps: &[ReplicationResult]) -> Vec<SweepRow> {
    let mut rows = summary_rows(point, summary);
    for name in COMPARISON_METRICS {
        for m in metric::resolve(name, s).unwrap_or_default() {
            let e = m.estimate(s, reps);
            if e.mean.is_finite() {
                rows.push(row(point, &m, e.mean, e.ci95, summary.replications));
            }
        }
    }
    let position = |r: &SweepRow| s.options.iter().position(|o| o.name == r.option);
    rows.sort_by_key(position);
    rows
}

fn row(point: usize, m: &Metric, mean: f64, ci95: Option<[f64; 2]>, replications: u32) -> SweepRow {
    SweepRow { point, option: m.option_name.clone(), metric: m.name.clone(), mean, ci95, replications }
}

/// The level rows of point `point` from its summary: per option the [`OPTION_METRICS`].
pub fn summary_rows(point: usize, s: &Summary) -> Vec<SweepRow> {
    let mut rows = Vec::new();
    let mut push = |option: &str, metric: &'static str, mean: f64, ci95: Option<[f64; 2]>| {
        rows.push(SweepRow {
            point,
            option: option.to_string(),
            metric: metric.to_string(),
            mean,
            ci95,
            replications: s.replications,
        })
    };
    for (name, o) in &s.options {
        push(name, "dormancy_wd", o.dormancy_wd.mean, o.dormancy_wd.ci95);
        push(name, "restored_wd", o.restored_wd.mean, o.restored_wd.ci95);
        push(name, "firmware_wait_wd", o.firmware_wait_wd.mean, o.firmware_wait_wd.ci95);
        let (fte, fte_ci) = o.manual_fte.get("total").map_or((f64::NAN, None), |f| (f.mean_weekly, f.ci95));
        push(name, "manual_fte_total", fte, fte_ci);
        push(name, "still_dormant_at_end", o.still_dormant_at_end, None);
    }
    rows
}

/// A finished sweep, as `sweep.json` holds it and every writer renders it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepStudy {
    pub scenario: String,
    pub scenario_hash: String,
    pub dormsim_version: String,
    pub seed: u64,
    pub installations: u32,
    pub grid: Grid,
    /// The metric charted and printed.
    pub metric: String,
    /// Options in scenario order.
    pub options: Vec<String>,
    /// Point × option × metric, with units from [`unit`].
    pub rows: Vec<SweepRow>,
}

impl SweepStudy {
    pub fn new(s: &Scenario, grid: Grid, metric: String, rows: Vec<SweepRow>) -> SweepStudy {
        SweepStudy {
            scenario: s.name.clone(),
            scenario_hash: s.hash(),
            dormsim_version: env!("CARGO_PKG_VERSION").to_string(),
            seed: s.run.seed,
            installations: s.fleet.installations,
            grid,
            metric,
            options: s.options.iter().map(|o| o.name.clone()).collect(),
            rows,
        }
    }

    /// The row of `metric` for `option` at `point`.
    pub fn row(&self, point: usize, option: &str, metric: &str) -> Option<&SweepRow> {
        self.rows.iter().find(|r| r.point == point && r.option == option && r.metric == metric)
    }
}

/// Whether `metric` is one a sweep reports.
pub fn is_metric(metric: &str) -> bool {
    OPTION_METRICS.contains(&metric) || COMPARISON_METRICS.contains(&metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_ranges_are_exact() {
        assert_eq!(parse_spec("0.1..0.5 step 0.1").unwrap(), ["0.1", "0.2", "0.3", "0.4", "0.5"]);
        assert_eq!(parse_spec("3..10 step 1").unwrap().len(), 8);
        assert_eq!(parse_spec("3..10").unwrap().last().unwrap(), "10");
        assert_eq!(parse_spec("0..1 step 0.3").unwrap(), ["0", "0.3", "0.6", "0.9"]);
        assert_eq!(parse_spec("-0.05..0.05 step 0.05").unwrap(), ["-0.05", "0", "0.05"]);
        assert_eq!(parse_spec("1.50..2 step 0.25").unwrap(), ["1.5", "1.75", "2"]);
    }

    #[test]
    fn lists_pass_items_through() {
        assert_eq!(parse_spec("8,10, 12,15").unwrap(), ["8", "10", "12", "15"]);
        assert_eq!(parse_spec("england-wales,scotland").unwrap(), ["england-wales", "scotland"]);
    }

    #[test]
    fn bad_specs_are_errors() {
        for bad in ["", "1..", "a..3", "1..3 step 0", "1..3 step -1", "5..1", "1,,2", "1..3 step x"] {
            assert!(parse_spec(bad).is_err(), "{bad}");
        }
        assert!(matches!(parse_vary("noequals"), Err(SweepError::NoKey(_))));
    }

    #[test]
    fn grid_is_the_cartesian_product_in_order() {
        let g = Grid::new(&[("a".into(), vec!["1".into(), "2".into()]), ("b".into(), vec!["x".into(), "y".into()])], 4)
            .unwrap();
        assert_eq!(g.points, [["1", "x"], ["1", "y"], ["2", "x"], ["2", "y"]]);
        assert_eq!(g.overrides(1), ["a=1", "b=y"]);
        let big = vec![("a".to_string(), vec!["1".to_string(); 40]), ("b".to_string(), vec!["1".to_string(); 40])];
        assert_eq!(Grid::new(&big, 1000).unwrap_err(), SweepError::TooLarge { size: 1600, max: 1000 });
    }
}
