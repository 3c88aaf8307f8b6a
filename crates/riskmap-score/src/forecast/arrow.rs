//! Newton steps on the arrow-structured information of the hhh4 model by its Schur
//! complement. With p regression coefficients first and then m log sizes, the observed
//! information is M = [[A, B], [Bᵀ, D]]: A dense p × p, B p × m, and D diagonal, because two
//! different overdispersion groups never share a cell (NegBinM: one group per unit; NegBin1:
//! m = 1; Poisson: m = 0). M is positive definite iff D > 0 and S = A − B D⁻¹ Bᵀ is, and
//! M s = g costs O(p²·m) instead of O((p + m)³).

use super::linalg::{cholesky, cholesky_solve};

/// Solves M s = g for the row-major `n × n` arrow matrix M whose first `p` rows and columns
/// are the dense block; None if M is not positive definite.
pub(crate) fn arrow_solve(matrix: &[f64], n: usize, p: usize, g: &[f64]) -> Option<Vec<f64>> {
    let diagonal: Vec<f64> = (p..n).map(|k| matrix[k * n + k]).collect();
    if !diagonal.iter().all(|d| *d > 0.0 && d.is_finite()) {
        return None;
    }
    let mut schur: Vec<f64> = (0..p)
        .flat_map(|a| matrix[a * n..a * n + p].iter().copied())
        .collect();
    let mut rhs = g[..p].to_vec();
    for (k, d) in (p..n).zip(&diagonal) {
        for a in 0..p {
            let scaled = matrix[a * n + k] / d;
            rhs[a] -= scaled * g[k];
            for b in 0..p {
                schur[a * p + b] -= scaled * matrix[b * n + k];
            }
        }
    }
    let mut step = cholesky_solve(&cholesky(&schur, p)?, p, &rhs);
    for (k, d) in (p..n).zip(&diagonal) {
        let coupled: f64 = (0..p).map(|a| matrix[a * n + k] * step[a]).sum();
        step.push((g[k] - coupled) / d);
    }
    Some(step)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An arrow matrix with p = 2, m = 3: dense corner, couplings, diagonal rest.
    fn arrow(corner: f64) -> Vec<f64> {
        let n = 5;
        let mut m = vec![0.0; n * n];
        m[0] = corner;
        m[1] = 1.0;
        m[n] = 1.0;
        m[n + 1] = 3.0;
        for (k, (b0, b1, d)) in [(0.5, -0.2, 2.0), (0.1, 0.7, 1.5), (-0.3, 0.4, 3.0)]
            .into_iter()
            .enumerate()
        {
            let k = k + 2;
            m[k] = b0;
            m[k * n] = b0;
            m[n + k] = b1;
            m[k * n + 1] = b1;
            m[k * n + k] = d;
        }
        m
    }

    #[test]
    fn agrees_with_the_dense_solve() {
        let m = arrow(4.0);
        let g = [1.0, -2.0, 0.5, 3.0, -1.0];
        let ours = arrow_solve(&m, 5, 2, &g).expect("positive definite");
        let dense = cholesky_solve(&cholesky(&m, 5).expect("positive definite"), 5, &g);
        for (a, b) in ours.iter().zip(&dense) {
            assert!((a - b).abs() < 1e-13, "{a} vs {b}");
        }
    }

    #[test]
    fn refuses_what_is_not_positive_definite() {
        // A positive definite corner whose Schur complement is not.
        let m = arrow(0.45);
        assert!(cholesky(&[0.45, 1.0, 1.0, 3.0], 2).is_some());
        assert!(cholesky(&m, 5).is_none());
        assert!(arrow_solve(&m, 5, 2, &[1.0; 5]).is_none());
        let mut negative = arrow(4.0);
        negative[24] = -1.0;
        assert!(arrow_solve(&negative, 5, 2, &[1.0; 5]).is_none());
    }
}
