//! Small dense symmetric linear algebra for the Newton steps and the covariance matrix:
//! Cholesky factorisation, solves and the inverse (row-major `n × n`).

/// Lower-triangular Cholesky factor of a symmetric positive-definite matrix, or None.
pub(crate) fn cholesky(matrix: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut diag = matrix[j * n + j];
        for k in 0..j {
            diag -= l[j * n + k] * l[j * n + k];
        }
        if !(diag > 0.0 && diag.is_finite()) {
            return None;
        }
        let root = diag.sqrt();
        l[j * n + j] = root;
        for i in j + 1..n {
            let mut value = matrix[i * n + j];
            for k in 0..j {
                value -= l[i * n + k] * l[j * n + k];
            }
            l[i * n + j] = value / root;
        }
    }
    Some(l)
}

/// Solves L Lᵀ x = b given the Cholesky factor L.
pub(crate) fn cholesky_solve(l: &[f64], n: usize, b: &[f64]) -> Vec<f64> {
    let mut z = b.to_vec();
    for i in 0..n {
        for k in 0..i {
            z[i] -= l[i * n + k] * z[k];
        }
        z[i] /= l[i * n + i];
    }
    for i in (0..n).rev() {
        for k in i + 1..n {
            z[i] -= l[k * n + i] * z[k];
        }
        z[i] /= l[i * n + i];
    }
    z
}

/// Inverse of a symmetric positive-definite matrix, or None if it is not.
pub(crate) fn spd_inverse(matrix: &[f64], n: usize) -> Option<Vec<f64>> {
    let l = cholesky(matrix, n)?;
    let mut inverse = vec![0.0; n * n];
    let mut unit = vec![0.0; n];
    for j in 0..n {
        unit.iter_mut().for_each(|v| *v = 0.0);
        unit[j] = 1.0;
        let column = cholesky_solve(&l, n, &unit);
        for i in 0..n {
            inverse[i * n + j] = column[i];
        }
    }
    inverse.iter().all(|v| v.is_finite()).then_some(inverse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverse_of_known_matrix() {
        // [[4, 2], [2, 3]]⁻¹ = [[3, −2], [−2, 4]] / 8.
        let inverse = spd_inverse(&[4.0, 2.0, 2.0, 3.0], 2).expect("positive definite");
        let expected = [0.375, -0.25, -0.25, 0.5];
        for (a, b) in inverse.iter().zip(expected) {
            assert!((a - b).abs() < 1e-15);
        }
        assert!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
    }
}
