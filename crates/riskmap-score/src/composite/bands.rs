//! Bands of the composite: quintiles for relative prioritisation and fixed thresholds for
//! classes that stay comparable over time (domain §8, the Ofsted CAA precedent; INFORM's five
//! risk classes).
//!
//! **Quintile** of a unit from its SVI percentile rank PR = (rank_min − 1)/(N − 1) of the
//! composite (within the region, or nationally): band 1 for PR < 0.2, 2 for PR < 0.4, 3 for
//! PR < 0.6, 4 for PR < 0.8 and 5 (the top quintile) for PR ≥ 0.8. Ties share the band of
//! their smallest rank, so tied units are never split across bands. The comparison uses the
//! doubles nearest to k/5, which equal any exact fraction (r − 1)/(N − 1) with the same value.
//!
//! **Fixed class**: with thresholds t_1 < … < t_m inside (0, 10), class k (0-based) holds the
//! scores with t_k ≤ score < t_(k+1); the labels come from the methodology file.

use crate::methodology::BandSettings;

/// Quintile band 1–5 of a percentile rank in [0, 1] (5 = highest composite).
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::bands::quintile;
///
/// assert_eq!(quintile(0.0), 1);
/// assert_eq!(quintile(0.2), 2);
/// assert_eq!(quintile(12.0 / 15.0), 5); // exactly 0.8 is the top quintile
/// assert_eq!(quintile(0.799_999), 4);
/// assert_eq!(quintile(1.0), 5);
/// ```
pub fn quintile(percent_rank: f64) -> u8 {
    let mut band = 1;
    for k in 1..5u8 {
        if percent_rank >= f64::from(k) / 5.0 {
            band = k + 1;
        }
    }
    band
}

/// 0-based fixed class of a composite score.
///
/// # Examples
///
/// ```
/// use riskmap_score::composite::bands::fixed_class;
/// use riskmap_score::methodology::Methodology;
///
/// let bands = &Methodology::builtin().bands; // thresholds 2.0, 3.5, 5.0, 6.5
/// assert_eq!(fixed_class(1.99, bands), 0);
/// assert_eq!(fixed_class(2.0, bands), 1);
/// assert_eq!(bands.fixed_labels[fixed_class(7.0, bands)], "very_high");
/// ```
pub fn fixed_class(score: f64, bands: &BandSettings) -> usize {
    bands
        .fixed_thresholds
        .iter()
        .filter(|t| score >= **t)
        .count()
}
