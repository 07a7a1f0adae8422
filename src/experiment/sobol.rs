//! Variance-based sensitivity indices (Sobol' indices) with the Saltelli design.
//!
//! Design (Saltelli et al. 2010, "Variance based sensitivity analysis of model output. Design and estimator for
//! the total sensitivity index", *Computer Physics Communications* 181, 259–270, §3): two independent base samples
//! A and B of N points in the k-dimensional unit cube, here the first k and the next k dimensions of one
//! Owen-scrambled Sobol' sequence (`sobol_burley`, Burley 2020), and for each factor i the matrix A_B^(i): A with
//! column i taken from B. That is N (k + 2) model runs.
//!
//! Estimators, over the N rows j (Saltelli 2010, Table 2): first-order
//! S_i = (1/N) Σ (f(B)_j − f̄) (f(A_B^(i))_j − f(A)_j) / V (formula (b), with f(B) centred on the mean f̄ of the
//! A and B outputs, which keeps its expectation and cuts its variance when outputs are far from zero), and total
//! S_Ti = (1/2N) Σ (f(A)_j − f(A_B^(i))_j)² / V (Jansen 1999, formula (f)), with V the variance of the 2N outputs
//! of A and B. Intervals: the percentile bootstrap over the N rows (Archer, Saltelli & Sobol 1997), resampling
//! rows with their A, B and A_B^(i) outputs together. With zero variance the indices are undefined (`None`), and
//! fewer than two rows give no interval.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// Most factors a design may have (the sequence has 256 dimensions: k for A, k for B).
pub const MAX_FACTORS: usize = 128;
/// Most base rows (the sequence's length).
pub const MAX_ROWS: usize = 1 << 16;

/// What a design point is within the Saltelli scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "matrix", content = "factor")]
pub enum Role {
    A,
    B,
    /// A with this factor's column from B.
    AB(usize),
}

impl Role {
    pub fn label(self) -> String {
        match self {
            Role::A => "A".to_string(),
            Role::B => "B".to_string(),
            Role::AB(i) => format!("AB{}", i + 1),
        }
    }
}

/// The Saltelli design: `rows` base rows of `factors` unit coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Design {
    pub rows: usize,
    pub factors: usize,
    pub seed: u32,
}

impl Design {
    pub fn points(&self) -> usize {
        self.rows * (self.factors + 2)
    }

    /// Row and role of point `p` (points are grouped by row: A, B, A_B^(1), …, A_B^(k)).
    pub fn role(&self, p: usize) -> (usize, Role) {
        let per_row = self.factors + 2;
        let (row, m) = (p / per_row, p % per_row);
        (
            row,
            if m == 0 {
                Role::A
            } else if m == 1 {
                Role::B
            } else {
                Role::AB(m - 2)
            },
        )
    }

    fn base(&self, row: usize, dim: usize) -> f64 {
        f64::from(sobol_burley::sample(row as u32, dim as u32, self.seed))
    }

    /// The unit coordinates of point `p`.
    pub fn unit(&self, p: usize) -> Vec<f64> {
        let (row, role) = self.role(p);
        let k = self.factors;
        (0..k)
            .map(|i| match role {
                Role::A => self.base(row, i),
                Role::B => self.base(row, k + i),
                Role::AB(c) => self.base(row, if c == i { k + i } else { i }),
            })
            .collect()
    }
}

/// An index estimate with its bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub value: f64,
    /// Percentile bootstrap 95% interval; `None` with fewer than two rows.
    pub ci95: Option<[f64; 2]>,
}

/// First-order and total indices of one factor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Indices {
    pub first_order: Estimate,
    pub total: Estimate,
}

/// Outputs of one design arranged by row: `a[j]`, `b[j]`, `ab[i][j]`.
pub struct Outputs<'a> {
    pub a: &'a [f64],
    pub b: &'a [f64],
    pub ab: &'a [Vec<f64>],
}

impl Outputs<'_> {
    /// Arrange outputs listed in design-point order.
    pub fn arrange(design: &Design, y: &[f64]) -> (Vec<f64>, Vec<f64>, Vec<Vec<f64>>) {
        let mut a = vec![f64::NAN; design.rows];
        let mut b = vec![f64::NAN; design.rows];
        let mut ab = vec![vec![f64::NAN; design.rows]; design.factors];
        for (p, &v) in y.iter().enumerate().take(design.points()) {
            match design.role(p) {
                (j, Role::A) => a[j] = v,
                (j, Role::B) => b[j] = v,
                (j, Role::AB(i)) => ab[i][j] = v,
            }
        }
        (a, b, ab)
    }
}

/// Sample variance (n − 1) of the A and B outputs over `rows`.
fn variance(o: &Outputs, rows: &[usize]) -> f64 {
    let n = 2 * rows.len();
    if n < 2 {
        return 0.0;
    }
    let mean = rows.iter().map(|&j| o.a[j] + o.b[j]).sum::<f64>() / n as f64;
    rows.iter().map(|&j| (o.a[j] - mean).powi(2) + (o.b[j] - mean).powi(2)).sum::<f64>() / (n - 1) as f64
}

/// (S_i, S_Ti) over `rows`; `None` without variance.
fn estimate(o: &Outputs, i: usize, rows: &[usize]) -> Option<(f64, f64)> {
    let v = variance(o, rows);
    if !(v > 0.0 && v.is_finite()) {
        return None;
    }
    let n = rows.len() as f64;
    // f(B) centred on the sample mean: E[c (f(A_B) − f(A))] = 0 for any constant c, so centring leaves the
    // estimator's expectation alone and removes the variance an output far from zero would add (Sobol' 2001).
    let centre = rows.iter().map(|&j| o.a[j] + o.b[j]).sum::<f64>() / (2.0 * n);
    let first = rows.iter().map(|&j| (o.b[j] - centre) * (o.ab[i][j] - o.a[j])).sum::<f64>() / n;
    let total = rows.iter().map(|&j| (o.a[j] - o.ab[i][j]).powi(2)).sum::<f64>() / (2.0 * n);
    Some((first / v, total / v))
}

/// Percentile interval (2.5%, 97.5%) of `values` (sorted in place).
fn percentile_interval(values: &mut [f64]) -> Option<[f64; 2]> {
    if values.len() < 2 {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((q * (values.len() - 1) as f64).round() as usize).min(values.len() - 1)];
    Some([at(0.025), at(0.975)])
}

/// Indices of every factor with percentile-bootstrap intervals from `resamples` resamples of the rows (seeded, so
/// the same outputs always give the same intervals). `None` per factor when the outputs have no variance.
pub fn indices(o: &Outputs, resamples: usize, seed: u64) -> Vec<Option<Indices>> {
    let n = o.a.len();
    let all: Vec<usize> = (0..n).collect();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let draws: Vec<Vec<usize>> = if n >= 2 {
        (0..resamples).map(|_| (0..n).map(|_| rng.random_range(0..n)).collect()).collect()
    } else {
        Vec::new()
    };
    (0..o.ab.len())
        .map(|i| {
            let (s, st) = estimate(o, i, &all)?;
            let (mut s_boot, mut st_boot): (Vec<f64>, Vec<f64>) =
                draws.iter().filter_map(|rows| estimate(o, i, rows)).unzip();
            Some(Indices {
                first_order: Estimate { value: s, ci95: percentile_interval(&mut s_boot) },
                total: Estimate { value: st, ci95: percentile_interval(&mut st_boot) },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// The Ishigami function (Ishigami & Homma 1990) with a = 7, b = 0.1 on [−π, π]³.
    fn ishigami(x: &[f64]) -> f64 {
        let x: Vec<f64> = x.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// Analytic indices (Saltelli et al., *Global Sensitivity Analysis: The Primer*, 2008, §4.9; Sobol' & Levitan
    /// 1999): V1 = ½(1 + bπ⁴/5)², V2 = a²/8, V3 = 0, V13 = b²π⁸(1/18 − 1/50), V = V1 + V2 + V13; so
    /// S = (0.3139, 0.4424, 0) and S_T = (0.5576, 0.4424, 0.2437).
    fn analytic() -> ([f64; 3], [f64; 3]) {
        let (a, b) = (7.0_f64, 0.1_f64);
        let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        ([v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v])
    }

    #[test]
    fn the_estimator_finds_the_ishigami_indices_within_its_intervals() {
        let design = Design { rows: 4096, factors: 3, seed: 7 };
        let y: Vec<f64> = (0..design.points()).map(|p| ishigami(&design.unit(p))).collect();
        let (a, b, ab) = Outputs::arrange(&design, &y);
        let found = indices(&Outputs { a: &a, b: &b, ab: &ab }, 500, 1);
        let (s, st) = analytic();
        assert!((s[0] - 0.3139).abs() < 1e-4 && (st[2] - 0.2437).abs() < 1e-4, "analytic values {s:?} {st:?}");
        for i in 0..3 {
            let f = found[i].expect("Ishigami has variance");
            for (what, e, truth) in [("S", f.first_order, s[i]), ("ST", f.total, st[i])] {
                let [lo, hi] = e.ci95.unwrap();
                assert!(lo <= truth && truth <= hi, "{what}{}: {:.4} [{lo:.4}, {hi:.4}] vs {truth:.4}", i + 1, e.value);
                assert!(hi - lo < 0.1, "{what}{}: interval [{lo:.4}, {hi:.4}] too wide to mean anything", i + 1);
            }
        }
    }

    #[test]
    fn a_constant_output_has_no_indices_and_one_row_has_no_interval() {
        let design = Design { rows: 8, factors: 2, seed: 1 };
        let y = vec![3.0; design.points()];
        let (a, b, ab) = Outputs::arrange(&design, &y);
        assert!(indices(&Outputs { a: &a, b: &b, ab: &ab }, 50, 1).iter().all(Option::is_none));
        let design = Design { rows: 1, factors: 1, seed: 1 };
        let y = [1.0, 2.0, 3.0];
        let (a, b, ab) = Outputs::arrange(&design, &y);
        let one = indices(&Outputs { a: &a, b: &b, ab: &ab }, 50, 1)[0].unwrap();
        assert_eq!(one.first_order.ci95, None);
    }

    #[test]
    fn a_point_of_the_matrix_ab_takes_one_column_from_b() {
        let d = Design { rows: 4, factors: 3, seed: 5 };
        assert_eq!(d.points(), 20);
        let (a, b, ab1) = (d.unit(5), d.unit(6), d.unit(8)); // row 1: A = 5, B = 6, AB1 = 7, AB2 = 8
        assert_eq!(d.role(8), (1, Role::AB(1)));
        assert_eq!(ab1, vec![a[0], b[1], a[2]]);
        assert!(a.iter().chain(&b).all(|u| (0.0..1.0).contains(u)));
    }
}
