//! The measured columns of a school × quarter record (a subset of contract table B,
//! domain §6.3) that the store keeps and the indicators are computed from.
//!
//! The list is closed: column names reach SQL only through [`Measure::column`], never from
//! user input, so an indicator catalogue entry cannot inject text into a query.

use crate::{Error, Result, Sensitivity};

macro_rules! measures {
    ($($variant:ident => $column:literal, $kind:ident, $class:ident;)+) => {
        /// One measured column of `school_quarter`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs, reason = "each variant is named after its contract column")]
        pub enum Measure { $($variant),+ }

        impl Measure {
            /// Every measure, in storage order.
            pub const ALL: &'static [Measure] = &[$(Measure::$variant),+];

            /// The contract column name (also the store column name).
            pub fn column(self) -> &'static str {
                match self { $(Measure::$variant => $column),+ }
            }

            /// Whether the column holds a count (integer) or a decimal.
            pub fn kind(self) -> MeasureKind {
                match self { $(Measure::$variant => MeasureKind::$kind),+ }
            }

            /// The sensitivity class of the column (domain §4.3).
            pub fn sensitivity(self) -> Sensitivity {
                match self { $(Measure::$variant => Sensitivity::$class),+ }
            }
        }
    };
}

measures! {
    PupilsTotal => "pupils_total", Count, S0;
    ClassSets => "class_sets", Count, S0;
    PsychFteNorm => "psych_fte_norm", Decimal, S0;
    PsychFteFilled => "psych_fte_filled", Decimal, S0;
    SocpedFteNorm => "socped_fte_norm", Decimal, S0;
    SocpedFteFilled => "socped_fte_filled", Decimal, S0;
    IsuOpened => "isu_opened", Count, S1;
    IsuOpenEnd => "isu_open_end", Count, S1;
    IsuOpenOver90d => "isu_open_over_90d", Count, S1;
    ViolTotal => "viol_total", Count, S1;
    ViolSexual => "viol_sexual", Count, S2;
    BullyingCases => "bullying_cases", Count, S1;
    CyberbullyingCases => "cyberbullying_cases", Count, S1;
    SuicideDeaths => "suicide_deaths", Count, S2;
    SuicideAttempts => "suicide_attempts", Count, S2;
    SelfharmEpisodes => "selfharm_episodes", Count, S2;
    PupilsCriminalOffence => "pupils_criminal_offence", Count, S1;
    OffencesAgainstPupils => "offences_against_pupils", Count, S1;
}

/// Integer count or decimal quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureKind {
    /// A non-negative integer count.
    Count,
    /// A non-negative decimal (FTE).
    Decimal,
}

impl Measure {
    /// Looks a measure up by its column name.
    pub fn from_column(column: &str) -> Result<Self> {
        Measure::ALL
            .iter()
            .copied()
            .find(|m| m.column() == column)
            .ok_or_else(|| Error::UnknownName { what: "measure column", got: column.to_owned() })
    }

    /// Position in [`Measure::ALL`].
    pub fn index(self) -> usize {
        Measure::ALL.iter().position(|m| *m == self).expect("every measure is listed in ALL")
    }
}

/// The values of every measure for one record; `None` means "not reported" (empty cell),
/// which is different from a reported zero (contract §6.1).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MeasureValues(Vec<Option<f64>>);

impl MeasureValues {
    /// A record with nothing reported.
    pub fn empty() -> Self {
        Self(vec![None; Measure::ALL.len()])
    }

    /// The value of one measure.
    pub fn get(&self, measure: Measure) -> Option<f64> {
        self.0.get(measure.index()).copied().flatten()
    }

    /// Sets the value of one measure.
    pub fn set(&mut self, measure: Measure, value: Option<f64>) {
        let idx = measure.index();
        if self.0.len() < Measure::ALL.len() {
            self.0.resize(Measure::ALL.len(), None);
        }
        self.0[idx] = value;
    }
}
