//! Smoothed values, bands, ranks and percentile flags of one indicator across sibling units
//! (methods §0, §2.2): global empirical Bayes (Marshall 1991, prior variance truncated at 0)
//! over the units' events and pupil-years, its Gamma posterior exceedance probability against
//! the units' overall rate, quintile bands and descending ranks of the smoothed rates, and a
//! flag at the 90th percentile.
//!
//! Disclosure: only the units marked visible take part — in the prior, the overall rate and
//! the ranks — so the derived values are functions of what the reader already sees and can
//! reveal nothing withheld (a hidden unit in the prior would leak its count through the
//! shrinkage of every visible one).

use riskmap_model::indicator::Direction;
use riskmap_model::{Indicator, MeasureKind};

use crate::rates::{RateData, eb_posteriors, global_eb};

/// The derived values of one unit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Derived {
    /// EB-smoothed value, in the indicator's unit.
    pub smoothed: Option<f64>,
    /// P(true rate > the units' overall rate).
    pub p_exceed: Option<f64>,
    /// Quintile band 1 (lowest risk) to 5 (highest risk).
    pub band: Option<u8>,
    /// 1 = highest risk among the ranked units.
    pub rank: Option<usize>,
    /// At or above the 90th percentile of risk.
    pub top_decile: Option<bool>,
}

/// Derives smoothed values and ranks. `events[i]` and `pupil_years[i]` are unit i's numerator
/// and denominator as the reader sees them; `visible[i]` says whether they may be shown. Only
/// visible units are smoothed, ranked and pooled into the prior.
pub fn derive(
    indicator: &Indicator,
    events: &[f64],
    pupil_years: &[f64],
    visible: &[bool],
) -> Vec<Derived> {
    let n = events.len();
    let mut out = vec![Derived::default(); n];
    let shown: Vec<usize> = (0..n).filter(|&i| visible[i]).collect();
    if indicator.numerator.kind() != MeasureKind::Count || shown.len() < 3 {
        return out;
    }
    let shown_events: Vec<f64> = shown.iter().map(|&i| events[i]).collect();
    let shown_years: Vec<f64> = shown.iter().map(|&i| pupil_years[i]).collect();
    let Ok(data) = RateData::new(&shown_events, &shown_years) else {
        return out;
    };
    let Ok(eb) = global_eb(&data) else { return out };
    let posteriors = eb_posteriors(&eb, &data);
    let reference = data.global_rate();
    let scale = indicator.per;
    for (k, &i) in shown.iter().enumerate() {
        out[i].smoothed = eb.estimates[k].map(|r| (r * scale * 1000.0).round() / 1000.0);
        out[i].p_exceed = match (posteriors[k], reference) {
            (Some(posterior), Some(reference)) => {
                Some((posterior.prob_exceeds(reference) * 10_000.0).round() / 10_000.0)
            }
            _ => None,
        };
    }
    // Risk order over the visible smoothed values (higher risk first).
    let mut ranked: Vec<(usize, f64)> = out
        .iter()
        .enumerate()
        .filter_map(|(i, d)| d.smoothed.map(|v| (i, v)))
        .collect();
    let risk = |v: f64| {
        if indicator.direction == Direction::HigherIsWorse {
            v
        } else {
            -v
        }
    };
    ranked.sort_by(|a, b| risk(b.1).total_cmp(&risk(a.1)).then(a.0.cmp(&b.0)));
    let total = ranked.len();
    for (position, (i, value)) in ranked.iter().enumerate() {
        // Ties share the smallest rank.
        let rank = 1 + ranked
            .iter()
            .filter(|(_, v)| risk(*v) > risk(*value))
            .count();
        out[*i].rank = Some(rank);
        #[allow(clippy::cast_precision_loss, reason = "a few hundred units")]
        let below = (total - position - 1) as f64 / (total.max(2) - 1) as f64;
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a fraction times five"
        )]
        let band = 1 + ((below * 5.0).floor() as u8).min(4);
        out[*i].band = Some(band);
        out[*i].top_decile = Some(below >= 0.9);
    }
    out
}

#[cfg(test)]
mod tests {
    use riskmap_model::Catalogue;

    use super::*;

    #[test]
    fn ranks_bands_and_flags_follow_the_smoothed_risk() {
        let catalogue = Catalogue::builtin();
        let indicator = catalogue.get("viol_rate").unwrap();
        let events: Vec<f64> = (0..20).map(|i| f64::from(i) * 10.0 + 20.0).collect();
        let pupils = vec![100_000.0; 20];
        let visible = vec![true; 20];
        let derived = derive(indicator, &events, &pupils, &visible);
        assert_eq!(derived[19].rank, Some(1));
        assert_eq!(derived[19].band, Some(5));
        assert_eq!(derived[0].band, Some(1));
        assert_eq!(derived[19].top_decile, Some(true));
        assert_eq!(derived[0].top_decile, Some(false));
        assert!(derived[19].p_exceed.unwrap() > 0.99);
        let smoothed = derived[19].smoothed.unwrap();
        let raw = events[19] / pupils[19] * 10_000.0;
        assert!(smoothed <= raw, "EB shrinks towards the mean");
    }

    #[test]
    fn hidden_units_get_nothing_derived() {
        let catalogue = Catalogue::builtin();
        let indicator = catalogue.get("viol_rate").unwrap();
        let derived = derive(
            indicator,
            &[5.0, 50.0, 80.0, 30.0],
            &[1e4, 1e4, 1e4, 1e4],
            &[false, true, true, true],
        );
        assert_eq!(derived[0], Derived::default());
        assert_eq!(derived[2].rank, Some(1));
    }

    #[test]
    fn hidden_units_do_not_move_what_is_shown() {
        let catalogue = Catalogue::builtin();
        let indicator = catalogue.get("viol_rate").unwrap();
        let shown = [50.0, 80.0, 30.0, 44.0];
        let years = [1e4, 2e4, 1e4, 3e4];
        let mut events = vec![3.0];
        events.extend(shown);
        let mut pupil_years = vec![5e3];
        pupil_years.extend(years);
        let visible = [false, true, true, true, true];
        let with_hidden = derive(indicator, &events, &pupil_years, &visible);
        let mut other = events.clone();
        other[0] = 9.0;
        let changed = derive(indicator, &other, &pupil_years, &visible);
        assert_eq!(
            with_hidden, changed,
            "a hidden count must not move the derived values"
        );
        let alone = derive(indicator, &shown, &years, &[true; 4]);
        assert_eq!(&with_hidden[1..], &alone[..]);
    }
}
