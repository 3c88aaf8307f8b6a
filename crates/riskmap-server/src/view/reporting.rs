//! The reporting monitor's counts (S0: schools that submitted on time, late or not at all,
//! per unit and quarter) as one reader may see them, each count through
//! `Discloser::count` and the on-time share through `Discloser::quantity`.
//! Quarters do not overlap and no rolling window is published, so these counts cannot be
//! differenced into smaller ones.

use super::discloser::Cell;
use riskmap_model::{AdminLevel, Audience, Disclosed, Kato, Sensitivity};

/// How the schools of one unit reported one quarter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    /// Schools expected.
    pub schools: u64,
    /// Submitted by the due date.
    pub on_time: u64,
    /// Submitted after it.
    pub late: u64,
    /// Not submitted.
    pub silent: u64,
}

/// A tally as a reader may see it.
#[derive(Debug, Clone, Copy)]
pub struct ShownTally {
    /// Schools expected.
    pub schools: Disclosed<u64>,
    /// On time.
    pub on_time: Disclosed<u64>,
    /// Late.
    pub late: Disclosed<u64>,
    /// Silent.
    pub silent: Disclosed<u64>,
    /// Percent on time, one decimal.
    pub on_time_percent: Disclosed<f64>,
}

/// Discloses `tally` of `unit` at `level` for `audience`, with the server's discloser.
pub fn disclose_tally(
    state: &crate::AppState,
    audience: &Audience,
    level: AdminLevel,
    unit: &Kato,
    tally: Tally,
) -> ShownTally {
    let cell = Cell {
        sensitivity: Sensitivity::S0,
        level,
        unit,
        audience,
    };
    #[allow(clippy::cast_precision_loss, reason = "school counts")]
    let share = if tally.schools > 0 {
        tally.on_time as f64 / tally.schools as f64
    } else {
        0.0
    };
    let discloser = &state.views.discloser;
    ShownTally {
        schools: discloser.count(tally.schools, &cell),
        on_time: discloser.count(tally.on_time, &cell),
        late: discloser.count(tally.late, &cell),
        silent: discloser.count(tally.silent, &cell),
        on_time_percent: discloser.quantity((share * 1000.0).round() / 10.0, &cell),
    }
}
