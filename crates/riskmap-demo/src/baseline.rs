//! The national yearly totals the synthetic data aim at, from the plan's baseline
//! (`docs/plan-digest.md`, 2022 figures) and plausible orders of magnitude where the plan gives
//! none (marked "assumed").

use riskmap_model::Measure;

/// Expected national events a year for each event measure.
pub const YEARLY_EVENTS: &[(Measure, f64)] = &[
    (Measure::SuicideDeaths, 155.0),
    (Measure::SuicideAttempts, 309.0),
    (Measure::OffencesAgainstPupils, 2_005.0),
    (Measure::PupilsCriminalOffence, 1_735.0),
    (Measure::ViolSexual, 719.0),
    // assumed: detected violence and bullying are not in the plan's baseline
    (Measure::ViolTotal, 12_000.0),
    (Measure::BullyingCases, 6_500.0),
    (Measure::CyberbullyingCases, 2_200.0),
    (Measure::SelfharmEpisodes, 950.0),
    (Measure::IsuOpened, 30_000.0),
    (Measure::SuicidalRiskIdentified, 3_000.0),
    (Measure::PupilsAdminOffence, 8_000.0),
    (Measure::Appeals111Qr, 5_000.0),
];

/// Shares of the violence types other than sexual violence: physical, psychological, neglect,
/// other (assumed).
pub const VIOLENCE_TYPES: [f64; 4] = [0.35, 0.40, 0.15, 0.10];
/// Shares of settings: school, family, community, online (assumed).
pub const VIOLENCE_SETTINGS: [f64; 4] = [0.45, 0.30, 0.15, 0.10];
/// Shares of perpetrators: peer, staff, family, other adult, unknown (assumed).
pub const VIOLENCE_PERPETRATORS: [f64; 5] = [0.45, 0.05, 0.30, 0.10, 0.10];
/// Shares of the primary reason of register cases opened: bullying, family, truancy, offence,
/// self-harm risk, substance use, other (assumed).
pub const REGISTER_REASONS: [f64; 7] = [0.20, 0.25, 0.20, 0.10, 0.05, 0.05, 0.15];

/// Yearly relative change of event rates in the synthetic data (the plan wants −5 %).
pub const YEARLY_TREND: f64 = -0.03;
