//! Choosing the quarter a request is about: the one asked for if it has data, else the latest.

use riskmap_model::Period;

use super::{Error, Result};
use crate::AppState;

/// The quarters with data, the data version, and the chosen quarter (`None`: no data yet).
pub(crate) struct Chosen {
    pub(crate) version: i64,
    pub(crate) available: Vec<Period>,
    pub(crate) period: Option<Period>,
}

impl Chosen {
    /// The chosen quarter, or 404 when the store holds no data yet.
    pub(crate) fn required(&self) -> Result<Period> {
        self.period.ok_or_else(|| Error::NotFound {
            code: "unknown_period",
            message: "no data yet".to_owned(),
        })
    }
}

/// `requested` when it has data (404 otherwise), else the latest quarter with data.
pub(crate) async fn choose_period(state: &AppState, requested: Option<Period>) -> Result<Chosen> {
    let (version, available) = state.periods().await?;
    let period = match requested {
        Some(period) if available.contains(&period) => Some(period),
        Some(period) => {
            return Err(Error::NotFound {
                code: "unknown_period",
                message: format!("no data for period {period}"),
            });
        }
        None => available.last().copied(),
    };
    Ok(Chosen {
        version,
        available,
        period,
    })
}
