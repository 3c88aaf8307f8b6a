//! Draws the quarterly records of the placed schools: every count and decimal column of
//! contract table B, consistent with the contract's sum rules and the register's
//! stock-and-flow identity, so that the files written from them pass ingest validation.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, Normal, Poisson};
use riskmap_model::{Kato, Measure, MeasureValues, Period, SchoolQuarterRecord};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::DemoConfig;
use crate::baseline::{
    REGISTER_REASONS, VIOLENCE_PERPETRATORS, VIOLENCE_SETTINGS, VIOLENCE_TYPES, YEARLY_EVENTS,
    YEARLY_TREND,
};
use crate::dynamics::Dynamics;
use crate::placement::PlacedSchool;

/// State carried from one quarter to the next for one school.
#[derive(Clone, Copy, Default)]
struct Carry {
    on_register: u64,
    vacancy_quarters: u64,
}

/// The quarterly records, drawn one at a time in the order quarter → school (the same random
/// stream, and so the same records, as drawing them all at once): memory holds the schools'
/// compact parameters and carried register stock, never the records.
pub struct Records {
    schools: Vec<PlacedSchool>,
    periods: Vec<Period>,
    rng: ChaCha8Rng,
    carry: Vec<Carry>,
    total_pupils: f64,
    risk_weighted: f64,
    jitter: Normal<f64>,
    almaty: UtcOffset,
    first_year: u16,
    dynamics: Dynamics,
    period_idx: usize,
    school_idx: usize,
}

impl Records {
    pub(crate) fn new(
        schools: Vec<PlacedSchool>,
        config: &DemoConfig,
        rng: ChaCha8Rng,
        geography: &riskmap_geo::Geography,
    ) -> Self {
        let total_pupils: f64 = schools.iter().map(|s| s.pupils).sum();
        let risk_weighted: f64 =
            schools.iter().map(|s| s.pupils * s.risk).sum::<f64>() / total_pupils;
        Self {
            carry: vec![Carry::default(); schools.len()],
            schools,
            periods: config.periods.clone(),
            rng,
            total_pupils,
            risk_weighted,
            jitter: Normal::new(0.0, 0.01).expect("valid normal"),
            almaty: UtcOffset::from_hms(5, 0, 0).expect("valid offset"),
            first_year: config.periods.first().map_or(2023, |p| p.year()),
            dynamics: Dynamics::new(geography, config.periods.len(), config.seed),
            period_idx: 0,
            school_idx: 0,
        }
    }

    /// The record of school `idx` in `period`, or `None` when the school stayed silent (its
    /// values are drawn either way, so the stream does not depend on silence).
    fn draw(&mut self, period: Period, idx: usize) -> Option<SchoolQuarterRecord> {
        let years =
            f64::from(period.year() - self.first_year) + f64::from(period.quarter() - 1) / 4.0;
        let trend = (1.0 + YEARLY_TREND).powf(years);
        let school = &self.schools[idx];
        let silent = self.rng.random_bool(school.silence);
        let mut draw = Draw {
            rng: &mut self.rng,
            values: MeasureValues::empty(),
        };
        let pupils = (school.pupils * (1.0 + self.jitter.sample(draw.rng)))
            .round()
            .max(1.0) as u64;
        draw.pupils(pupils, school);
        draw.staffing(pupils, school, &mut self.carry[idx]);
        let (season, dynamic) =
            self.dynamics
                .factors(&school.district, self.period_idx, period.quarter());
        let share = pupils as f64 / self.total_pupils * school.risk / self.risk_weighted * trend
            / 4.0
            * season;
        let (mut observed, mut expected) = (0.0, 0.0);
        for (measure, yearly) in YEARLY_EVENTS {
            let count = draw.poisson(yearly * share * dynamic);
            draw.set(*measure, count);
            observed += count as f64;
            expected += yearly * share;
        }
        self.dynamics.record(&school.district, observed, expected);
        draw.violence();
        draw.register(school, &mut self.carry[idx]);
        draw.process(pupils);
        let values = draw.values;
        if silent {
            return None;
        }
        let events = [
            Measure::ViolTotal,
            Measure::SuicideDeaths,
            Measure::SuicideAttempts,
            Measure::SelfharmEpisodes,
            Measure::IsuOpened,
            Measure::BullyingCases,
        ];
        let nil_return = events.iter().all(|m| values.get(*m) == Some(0.0));
        let submitted_at = submission_time(period, school.lateness, self.almaty, &mut self.rng);
        Some(SchoolQuarterRecord {
            school: school.id(),
            period,
            revision: 1,
            submitted_at,
            values,
            nil_return: Some(nil_return),
            antibullying_programme: Some(school.backlog < 1.2),
            schema_version: Some("1.0".to_owned()),
            notes: None,
        })
    }
}

impl Records {
    /// The schools the records are drawn for, in order.
    pub(crate) fn placed(&self) -> &[PlacedSchool] {
        &self.schools
    }

    /// The next record with its school's district (a writer needs the district for the
    /// row's KATO and the stream holds no map from school to district).
    pub fn next_with_district(&mut self) -> Option<(SchoolQuarterRecord, Kato)> {
        loop {
            let period = *self.periods.get(self.period_idx)?;
            if self.school_idx >= self.schools.len() {
                self.dynamics.end_quarter();
                self.period_idx += 1;
                self.school_idx = 0;
                continue;
            }
            let idx = self.school_idx;
            self.school_idx += 1;
            if let Some(record) = self.draw(period, idx) {
                return Some((record, self.schools[idx].district));
            }
        }
    }
}

impl Iterator for Records {
    type Item = SchoolQuarterRecord;

    fn next(&mut self) -> Option<SchoolQuarterRecord> {
        self.next_with_district().map(|(record, _)| record)
    }
}

#[allow(
    clippy::cast_precision_loss,
    reason = "counts of pupils and events fit f64 exactly"
)]
struct Draw<'a> {
    rng: &'a mut ChaCha8Rng,
    values: MeasureValues,
}

#[allow(
    clippy::cast_precision_loss,
    reason = "counts of pupils and events fit f64 exactly"
)]
impl Draw<'_> {
    fn set(&mut self, measure: Measure, count: u64) {
        self.values.set(measure, Some(count as f64));
    }

    fn count(&self, measure: Measure) -> u64 {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "whole non-negative counts"
        )]
        let count = self.values.get(measure).unwrap_or(0.0) as u64;
        count
    }

    fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "Poisson draws are whole and non-negative"
        )]
        let count = Poisson::new(mean).map_or(0.0, |p| p.sample(self.rng)) as u64;
        count
    }

    fn binomial(&mut self, n: u64, p: f64) -> u64 {
        Binomial::new(n, p.clamp(0.0, 1.0)).map_or(0, |b| b.sample(self.rng))
    }

    /// Splits `total` over `shares` exactly (a multinomial draw by sequential binomials).
    fn split(&mut self, total: u64, shares: &[f64], measures: &[Measure]) {
        let mut left = total;
        let mut share_left: f64 = shares.iter().sum();
        for (idx, (share, measure)) in shares.iter().zip(measures).enumerate() {
            let part = if idx + 1 == shares.len() {
                left
            } else {
                self.binomial(left, share / share_left)
            };
            self.set(*measure, part);
            left -= part;
            share_left -= share;
        }
    }

    fn pupils(&mut self, pupils: u64, school: &PlacedSchool) {
        self.set(Measure::PupilsTotal, pupils);
        let female = self.binomial(pupils, 0.49);
        self.set(Measure::PupilsFemale, female);
        self.set(Measure::PupilsMale, pupils - female);
        self.split(
            pupils,
            &[0.38, 0.45, 0.17],
            &[
                Measure::PupilsG1To4,
                Measure::PupilsG5To9,
                Measure::PupilsG10To12,
            ],
        );
        self.set(Measure::ClassSets, pupils.div_ceil(24));
        let orphans = self.binomial(pupils, 0.008);
        self.set(Measure::PupilsOrphanOrNoParentalCare, orphans);
        let sen = self.binomial(pupils, 0.03);
        self.set(Measure::PupilsSen, sen);
        let disability = self.binomial(pupils, 0.015);
        self.set(Measure::PupilsDisability, disability);
        let low_income = self.binomial(pupils, 0.06 * school.risk.min(3.0));
        self.set(Measure::PupilsLowIncome, low_income);
        let boarding = if school.settlement == riskmap_model::Settlement::Rural {
            self.binomial(pupils, 0.02)
        } else {
            0
        };
        self.set(Measure::PupilsBoarding, boarding);
        let police = self.poisson(pupils as f64 * 0.002 * school.risk);
        self.set(Measure::PupilsOnPoliceRegister, police);
    }

    fn staffing(&mut self, pupils: u64, school: &PlacedSchool, carry: &mut Carry) {
        let class_sets = pupils.div_ceil(24) as f64;
        let psych_norm = if class_sets >= 40.0 {
            (class_sets / 40.0).floor()
        } else {
            0.5
        };
        let psych_filled =
            quarter_fte(psych_norm * school.psych_coverage * self.rng.random_range(0.9..1.05))
                .min(psych_norm);
        self.values.set(Measure::PsychFteNorm, Some(psych_norm));
        self.values.set(Measure::PsychFteFilled, Some(psych_filled));
        self.set(Measure::PsychHeadcount, psych_filled.ceil() as u64);
        carry.vacancy_quarters = if psych_filled < psych_norm {
            carry.vacancy_quarters + 1
        } else {
            0
        };
        self.set(Measure::PsychVacancyQuarters, carry.vacancy_quarters);
        let socped_filled = if self.rng.random_bool(school.socped_filled) {
            1.0
        } else {
            0.0
        };
        self.values.set(Measure::SocpedFteNorm, Some(1.0));
        self.values
            .set(Measure::SocpedFteFilled, Some(socped_filled));
        let trained = self.poisson(1.5);
        self.set(Measure::StaffTrainedChildProtection, trained);
    }

    /// Violence: the drawn total (other than sexual violence) is split by type, then the
    /// sexual-violence count is added, and the grand total split by setting and perpetrator.
    fn violence(&mut self) {
        let non_sexual = self.count(Measure::ViolTotal);
        let sexual = self.count(Measure::ViolSexual);
        self.split(
            non_sexual,
            &VIOLENCE_TYPES,
            &[
                Measure::ViolPhysical,
                Measure::ViolPsychological,
                Measure::ViolNeglect,
                Measure::ViolOther,
            ],
        );
        let total = non_sexual + sexual;
        self.set(Measure::ViolTotal, total);
        self.split(
            total,
            &VIOLENCE_SETTINGS,
            &[
                Measure::ViolSetSchool,
                Measure::ViolSetFamily,
                Measure::ViolSetCommunity,
                Measure::ViolSetOnline,
            ],
        );
        self.split(
            total,
            &VIOLENCE_PERPETRATORS,
            &[
                Measure::ViolPerpPeer,
                Measure::ViolPerpStaff,
                Measure::ViolPerpFamily,
                Measure::ViolPerpOtherAdult,
                Measure::ViolPerpUnknown,
            ],
        );
        let police = self.binomial(total, 0.3);
        self.set(Measure::ViolReportedPolice, police);
        let health = self.binomial(total, 0.2);
        self.set(Measure::ViolReferredHealth, health);
        let psych = self.binomial(total, 0.3);
        self.set(Measure::ViolReferredPsychCentre, psych);
        let social = self.binomial(total, 0.25);
        self.set(Measure::ViolReferredSocial, social);
        let identified = self.count(Measure::SuicidalRiskIdentified);
        let with_plan = self.binomial(identified, 0.8);
        self.set(Measure::SuicidalRiskWithPlan, with_plan);
    }

    /// The intra-school register: open_end = open_start + opened − closed_resolved − closed_other.
    fn register(&mut self, school: &PlacedSchool, carry: &mut Carry) {
        let opened = self.count(Measure::IsuOpened);
        self.split(
            opened,
            &REGISTER_REASONS,
            &[
                Measure::IsuReasonBullying,
                Measure::IsuReasonFamily,
                Measure::IsuReasonTruancy,
                Measure::IsuReasonOffence,
                Measure::IsuReasonSelfharmRisk,
                Measure::IsuReasonSubstance,
                Measure::IsuReasonOther,
            ],
        );
        let start = carry.on_register;
        let resolved = self.binomial(start + opened, 0.35);
        let other = self.binomial(start + opened - resolved, 0.1);
        let end = start + opened - resolved - other;
        carry.on_register = end;
        self.set(Measure::IsuOpenStart, start);
        self.set(Measure::IsuClosedResolved, resolved);
        self.set(Measure::IsuClosedOther, other);
        self.set(Measure::IsuOpenEnd, end);
        let over_90 = self.binomial(end, 0.25 * school.backlog);
        self.set(Measure::IsuOpenOver90d, over_90);
        let median = if resolved + other > 0 {
            Some((self.rng.random_range(20.0..120.0_f64) * 2.0).round() / 2.0)
        } else {
            None
        };
        self.values.set(Measure::IsuMedianDaysToClose, median);
    }

    fn process(&mut self, pupils: u64) {
        let assessed = self.binomial(pupils, 0.25);
        self.set(Measure::ScreenAssessed, assessed);
        let high = self.binomial(assessed, 0.03);
        self.set(Measure::ScreenHighRisk, high);
        let lessons = self.poisson(pupils.div_ceil(24) as f64 * 0.5);
        self.set(Measure::SafetyLessonsHeld, lessons);
        let sessions = self.poisson(2.0);
        self.set(Measure::ParentSessionsHeld, sessions);
        self.values.set(Measure::CompletenessSelf, Some(100.0));
    }
}

fn quarter_fte(value: f64) -> f64 {
    (value * 4.0).round() / 4.0
}

fn submission_time(
    period: Period,
    lateness: f64,
    offset: UtcOffset,
    rng: &mut ChaCha8Rng,
) -> OffsetDateTime {
    let due = period.due_date();
    let day = if rng.random_bool(lateness) {
        due + Duration::days(rng.random_range(1..=40))
    } else {
        let window = (due - period.end_date()).whole_days();
        period.end_date() + Duration::days(rng.random_range(1..=window))
    };
    let time = Time::from_hms(rng.random_range(8..19), rng.random_range(0..60), 0)
        .expect("valid clock time");
    PrimitiveDateTime::new(day, time).assume_offset(offset)
}
