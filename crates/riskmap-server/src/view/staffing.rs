//! Psychologist and social-pedagogue posts against the norm (S0) of one unit in one quarter,
//! each figure published by `Discloser::quantity` for the reader.

use super::discloser::Cell;
use riskmap_model::{AdminLevel, Audience, Disclosed, Kato, Measure, Period, Sensitivity};

use super::sums::LevelSums;

/// One kind of post.
#[derive(Debug, Clone, Copy)]
pub struct ShownPosts {
    /// Full-time equivalents the norm requires.
    pub norm_fte: Disclosed<f64>,
    /// Full-time equivalents filled.
    pub filled_fte: Disclosed<f64>,
    /// The shortfall (never negative).
    pub gap_fte: Disclosed<f64>,
}

/// Staffing of one unit in one quarter.
#[derive(Debug, Clone, Copy)]
pub struct ShownStaffing {
    /// The quarter.
    pub period: Period,
    /// Educational psychologists.
    pub psychologists: Option<ShownPosts>,
    /// Social pedagogues.
    pub social_pedagogues: Option<ShownPosts>,
}

/// The staffing of `unit` at `level` in `period`, as `audience` may see it, from the level's
/// sums of the current data version.
pub async fn unit_staffing(
    state: &crate::AppState,
    audience: &Audience,
    level: AdminLevel,
    unit: &Kato,
    period: Period,
) -> Result<Option<ShownStaffing>, crate::http::Error> {
    let sums = super::level_sums(state, level).await?;
    Ok(staffing(
        &state.views.discloser,
        audience,
        level,
        unit,
        &sums,
        period,
    ))
}

/// The staffing of `unit` in `period`, as `audience` may see it.
pub fn staffing(
    discloser: &super::Discloser,
    audience: &Audience,
    level: AdminLevel,
    unit: &Kato,
    sums: &LevelSums,
    period: Period,
) -> Option<ShownStaffing> {
    let quarter = sums.quarter(unit, period)?;
    let cell = Cell {
        sensitivity: Sensitivity::S0,
        level,
        unit,
        audience,
    };
    let posts = |norm: Measure, filled: Measure| {
        let (norm, filled) = (quarter.sums.get(norm)?, quarter.sums.get(filled)?);
        Some(ShownPosts {
            norm_fte: discloser.quantity(norm, &cell),
            filled_fte: discloser.quantity(filled, &cell),
            gap_fte: discloser.quantity((norm - filled).max(0.0), &cell),
        })
    };
    Some(ShownStaffing {
        period,
        psychologists: posts(Measure::PsychFteNorm, Measure::PsychFteFilled),
        social_pedagogues: posts(Measure::SocpedFteNorm, Measure::SocpedFteFilled),
    })
}
