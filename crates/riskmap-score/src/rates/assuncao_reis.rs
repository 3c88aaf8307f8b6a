//! Assunção–Reis empirical Bayes standardisation of rates, for Moran's I on rates.
//!
//! ```text
//! z_i = (r_i − θ₁) / √v_i,   v_i = A + θ₁ / b_i
//! ```
//!
//! with θ₁ and A the global EB moments (`empirical_bayes`). If v_i < 0, esda
//! `assuncao_rate` falls back to v_i = θ₁/b_i for that unit; that is what this function
//! does (the oracle column `eb_standardised_assuncao_reis`). GeoDa `RateStandardizeEB`
//! instead truncates A at 0 for all units.
//!
//! Reference: Assunção, R. M. & Reis, E. A. (1999), A new proposal to adjust Moran's I for
//! population density, *Statistics in Medicine* 18:2147–2162.

use super::{RateData, global_eb};
use crate::error::Result;

/// EB-standardised rates z_i (`None` for excluded units and where v_i = 0).
///
/// # Examples
///
/// ```
/// use riskmap_score::rates::{RateData, assuncao_reis};
///
/// let data = RateData::new(&[1.0, 20.0, 10.0], &[1000.0, 2000.0, 500.0]).expect("valid counts");
/// let z = assuncao_reis(&data).expect("valid units");
/// assert!(z[0].expect("valid") < 0.0 && z[2].expect("valid") > 0.0);
/// ```
pub fn assuncao_reis(data: &RateData) -> Result<Vec<Option<f64>>> {
    let eb = global_eb(data)?;
    let theta = eb.prior_mean;
    let a = eb.prior_variance_raw;
    Ok((0..data.n())
        .map(|i| {
            let rate = data.rate(i)?;
            let b = data.population()[i];
            let raw = a + theta / b;
            let v = if raw < 0.0 { theta / b } else { raw };
            (v > 0.0).then(|| (rate - theta) / v.sqrt())
        })
        .collect())
}
