//! The measured columns of a school × quarter record: every count and decimal column of
//! contract table B (domain §6.3), which the store keeps and the indicators are computed from.
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
            #[inline]
            pub fn column(self) -> &'static str {
                match self { $(Measure::$variant => $column),+ }
            }

            /// Whether the column holds a count (integer) or a decimal.
            #[inline]
            pub fn kind(self) -> MeasureKind {
                match self { $(Measure::$variant => MeasureKind::$kind),+ }
            }

            /// The sensitivity class of the column (domain §4.3).
            #[inline]
            pub fn sensitivity(self) -> Sensitivity {
                match self { $(Measure::$variant => Sensitivity::$class),+ }
            }
        }
    };
}

measures! {
    PupilsTotal => "pupils_total", Count, S0;
    PupilsFemale => "pupils_female", Count, S0;
    PupilsMale => "pupils_male", Count, S0;
    PupilsG1To4 => "pupils_g1_4", Count, S0;
    PupilsG5To9 => "pupils_g5_9", Count, S0;
    PupilsG10To12 => "pupils_g10_12", Count, S0;
    ClassSets => "class_sets", Count, S0;
    PupilsOrphanOrNoParentalCare => "pupils_orphan_or_no_parental_care", Count, S1;
    PupilsSen => "pupils_sen", Count, S1;
    PupilsDisability => "pupils_disability", Count, S1;
    PupilsLowIncome => "pupils_low_income", Count, S1;
    PupilsBoarding => "pupils_boarding", Count, S1;
    PsychFteNorm => "psych_fte_norm", Decimal, S0;
    PsychFteFilled => "psych_fte_filled", Decimal, S0;
    PsychHeadcount => "psych_headcount", Count, S0;
    PsychVacancyQuarters => "psych_vacancy_quarters", Count, S0;
    SocpedFteNorm => "socped_fte_norm", Decimal, S0;
    SocpedFteFilled => "socped_fte_filled", Decimal, S0;
    StaffTrainedChildProtection => "staff_trained_child_protection", Count, S0;
    IsuOpenStart => "isu_open_start", Count, S1;
    IsuOpened => "isu_opened", Count, S1;
    IsuClosedResolved => "isu_closed_resolved", Count, S1;
    IsuClosedOther => "isu_closed_other", Count, S1;
    IsuOpenEnd => "isu_open_end", Count, S1;
    IsuOpenOver90d => "isu_open_over_90d", Count, S1;
    IsuMedianDaysToClose => "isu_median_days_to_close", Decimal, S1;
    IsuReasonBullying => "isu_reason_bullying", Count, S1;
    IsuReasonFamily => "isu_reason_family", Count, S1;
    IsuReasonTruancy => "isu_reason_truancy", Count, S1;
    IsuReasonOffence => "isu_reason_offence", Count, S1;
    IsuReasonSelfharmRisk => "isu_reason_selfharm_risk", Count, S2;
    IsuReasonSubstance => "isu_reason_substance", Count, S1;
    IsuReasonOther => "isu_reason_other", Count, S1;
    PupilsOnPoliceRegister => "pupils_on_police_register", Count, S1;
    ViolTotal => "viol_total", Count, S1;
    ViolPhysical => "viol_physical", Count, S1;
    ViolPsychological => "viol_psychological", Count, S1;
    ViolNeglect => "viol_neglect", Count, S1;
    ViolSexual => "viol_sexual", Count, S2;
    ViolOther => "viol_other", Count, S1;
    ViolSetSchool => "viol_set_school", Count, S1;
    ViolSetFamily => "viol_set_family", Count, S1;
    ViolSetCommunity => "viol_set_community", Count, S1;
    ViolSetOnline => "viol_set_online", Count, S1;
    ViolPerpPeer => "viol_perp_peer", Count, S1;
    ViolPerpStaff => "viol_perp_staff", Count, S1;
    ViolPerpFamily => "viol_perp_family", Count, S1;
    ViolPerpOtherAdult => "viol_perp_other_adult", Count, S1;
    ViolPerpUnknown => "viol_perp_unknown", Count, S1;
    BullyingCases => "bullying_cases", Count, S1;
    CyberbullyingCases => "cyberbullying_cases", Count, S1;
    ViolReportedPolice => "viol_reported_police", Count, S1;
    ViolReferredHealth => "viol_referred_health", Count, S1;
    ViolReferredPsychCentre => "viol_referred_psych_centre", Count, S1;
    ViolReferredSocial => "viol_referred_social", Count, S1;
    SuicideDeaths => "suicide_deaths", Count, S2;
    SuicideAttempts => "suicide_attempts", Count, S2;
    SelfharmEpisodes => "selfharm_episodes", Count, S2;
    SuicidalRiskIdentified => "suicidal_risk_identified", Count, S2;
    SuicidalRiskWithPlan => "suicidal_risk_with_plan", Count, S2;
    ScreenAssessed => "screen_assessed", Count, S1;
    ScreenHighRisk => "screen_high_risk", Count, S1;
    PupilsCriminalOffence => "pupils_criminal_offence", Count, S1;
    PupilsAdminOffence => "pupils_admin_offence", Count, S1;
    OffencesAgainstPupils => "offences_against_pupils", Count, S1;
    Appeals111Qr => "appeals_111_qr", Count, S1;
    SafetyLessonsHeld => "safety_lessons_held", Count, S0;
    ParentSessionsHeld => "parent_sessions_held", Count, S0;
    CompletenessSelf => "completeness_self", Decimal, S0;
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
            .ok_or_else(|| Error::UnknownName {
                what: "measure column",
                got: column.to_owned(),
            })
    }

    /// Position in [`Measure::ALL`]: the variant's discriminant, since the `measures!` macro
    /// lists `ALL` in declaration order (a lookup, not a search: it runs for every value read).
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The values of every measure for one record; `None` means "not reported" (empty cell),
/// which is different from a reported zero (contract §6.1).
///
/// Kept as one `f64` per measure and one bit per measure saying whether it was reported: half
/// the size of an `Option<f64>` per measure, which counts when a warm-up holds every record of
/// a region for eight quarters.
#[derive(Clone, Default)]
pub struct MeasureValues {
    /// The value of each measure by [`Measure::index`]; 0 where not reported (empty until the
    /// first value is set).
    values: Vec<f64>,
    /// Bit `i` set: measure `i` was reported.
    reported: u128,
}

// Every measure has its bit in `MeasureValues::reported`.
const _: () = assert!(Measure::ALL.len() <= u128::BITS as usize);

impl MeasureValues {
    /// A record with nothing reported.
    pub fn empty() -> Self {
        Self {
            values: vec![0.0; Measure::ALL.len()],
            reported: 0,
        }
    }

    /// The value of one measure.
    #[inline]
    pub fn get(&self, measure: Measure) -> Option<f64> {
        let idx = measure.index();
        if self.reported & (1 << idx) == 0 {
            return None;
        }
        self.values.get(idx).copied()
    }

    /// Sets the value of one measure.
    #[inline]
    pub fn set(&mut self, measure: Measure, value: Option<f64>) {
        let idx = measure.index();
        if self.values.len() < Measure::ALL.len() {
            self.values.resize(Measure::ALL.len(), 0.0);
        }
        match value {
            Some(v) => {
                self.values[idx] = v;
                self.reported |= 1 << idx;
            }
            None => {
                self.values[idx] = 0.0;
                self.reported &= !(1 << idx);
            }
        }
    }

    /// Every measure's value in [`Measure::ALL`] order.
    fn all(&self) -> impl Iterator<Item = Option<f64>> + '_ {
        Measure::ALL.iter().map(|m| self.get(*m))
    }
}

/// Equal when the same measures are reported with the same values.
impl PartialEq for MeasureValues {
    fn eq(&self, other: &Self) -> bool {
        self.reported == other.reported && self.all().eq(other.all())
    }
}

impl std::fmt::Debug for MeasureValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MeasureValues")
            .field(&self.all().collect::<Vec<_>>())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::{Measure, MeasureValues};

    #[test]
    fn index_is_the_position_in_all() {
        for (position, measure) in Measure::ALL.iter().enumerate() {
            assert_eq!(measure.index(), position, "{measure:?}");
        }
    }

    #[test]
    fn values_keep_reported_apart_from_empty() {
        let mut values = MeasureValues::empty();
        assert_eq!(values, MeasureValues::default());
        values.set(Measure::ViolTotal, Some(0.0));
        values.set(Measure::PupilsTotal, Some(412.0));
        let last = *Measure::ALL.last().expect("measures");
        values.set(last, Some(2.5));
        assert_eq!(values.get(Measure::ViolTotal), Some(0.0));
        assert_eq!(values.get(Measure::PupilsTotal), Some(412.0));
        assert_eq!(values.get(last), Some(2.5));
        assert_eq!(values.get(Measure::SuicideDeaths), None);
        assert_ne!(values, MeasureValues::empty());
        values.set(Measure::PupilsTotal, None);
        assert_eq!(values.get(Measure::PupilsTotal), None);
        let mut same = MeasureValues::default();
        same.set(last, Some(2.5));
        same.set(Measure::ViolTotal, Some(0.0));
        assert_eq!(values, same);
        assert!(format!("{values:?}").contains("Some(2.5)"));
    }
}
