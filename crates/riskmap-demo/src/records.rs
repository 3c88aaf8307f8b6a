//! Draws the quarterly records of the placed schools.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, Normal, Poisson};
use riskmap_model::{Measure, MeasureValues, Period, SchoolQuarterRecord};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::DemoConfig;
use crate::baseline::{YEARLY_EVENTS, YEARLY_TREND};
use crate::placement::PlacedSchool;

pub(crate) fn draw_records(schools: &[PlacedSchool], config: &DemoConfig, rng: &mut ChaCha8Rng) -> Vec<SchoolQuarterRecord> {
    let total_pupils: f64 = schools.iter().map(|s| s.pupils).sum();
    let risk_weighted: f64 = schools.iter().map(|s| s.pupils * s.risk).sum::<f64>() / total_pupils;
    let jitter = Normal::new(0.0, 0.01).expect("valid normal");
    let almaty = UtcOffset::from_hms(5, 0, 0).expect("valid offset");
    let first_year = config.periods.first().map_or(2023, |p| p.year());
    let mut register = vec![0_u64; schools.len()];
    let mut records = Vec::with_capacity(schools.len() * config.periods.len());
    for period in &config.periods {
        let years = f64::from(period.year() - first_year) + f64::from(period.quarter() - 1) / 4.0;
        let trend = (1.0 + YEARLY_TREND).powf(years);
        for (idx, school) in schools.iter().enumerate() {
            let silent = rng.random_bool(school.silence);
            let mut values = MeasureValues::empty();
            let pupils = (school.pupils * (1.0 + jitter.sample(rng))).round().max(1.0);
            let class_sets = (pupils / 24.0).ceil();
            let psych_norm = if class_sets >= 40.0 { (class_sets / 40.0).floor() } else { 0.5 };
            let psych_filled = quarter_fte(psych_norm * school.psych_coverage * rng.random_range(0.9..1.05));
            let socped_filled = if rng.random_bool(school.socped_filled) { 1.0 } else { 0.0 };
            values.set(Measure::PupilsTotal, Some(pupils));
            values.set(Measure::ClassSets, Some(class_sets));
            values.set(Measure::PsychFteNorm, Some(psych_norm));
            values.set(Measure::PsychFteFilled, Some(psych_filled.min(psych_norm)));
            values.set(Measure::SocpedFteNorm, Some(1.0));
            values.set(Measure::SocpedFteFilled, Some(socped_filled));
            let share = pupils / total_pupils * school.risk / risk_weighted * trend / 4.0;
            for (measure, yearly) in YEARLY_EVENTS {
                let mean = yearly * share;
                let mut count = poisson(mean, rng);
                if *measure == Measure::ViolTotal {
                    // Sexual violence is one of the five types that sum to viol_total.
                    count += values.get(Measure::ViolSexual).unwrap_or(0.0);
                }
                values.set(*measure, Some(count));
            }
            let opened = values.get(Measure::IsuOpened).unwrap_or(0.0);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "small non-negative counts")]
            let opened_count = opened as u64;
            let on_register = register[idx] + opened_count;
            let closed = Binomial::new(on_register, 0.45).map_or(0, |b| b.sample(rng));
            let open_end = on_register - closed;
            let over_90 = Binomial::new(open_end, (0.25 * school.backlog).min(1.0)).map_or(0, |b| b.sample(rng));
            register[idx] = open_end;
            #[allow(clippy::cast_precision_loss, reason = "small counts")]
            {
                values.set(Measure::IsuOpenEnd, Some(open_end as f64));
                values.set(Measure::IsuOpenOver90d, Some(over_90 as f64));
            }
            if silent {
                continue;
            }
            let submitted_at = submission_time(*period, school.lateness, almaty, rng);
            records.push(SchoolQuarterRecord { school: school.school.id.clone(), period: *period, revision: 1, submitted_at, values });
        }
    }
    records
}

fn poisson(mean: f64, rng: &mut ChaCha8Rng) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    Poisson::new(mean).map_or(0.0, |p| p.sample(rng))
}

fn quarter_fte(value: f64) -> f64 {
    (value * 4.0).round() / 4.0
}

fn submission_time(period: Period, lateness: f64, offset: UtcOffset, rng: &mut ChaCha8Rng) -> OffsetDateTime {
    let due = period.due_date();
    let day = if rng.random_bool(lateness) {
        due + Duration::days(rng.random_range(1..=40))
    } else {
        let window = (due - period.end_date()).whole_days();
        period.end_date() + Duration::days(rng.random_range(1..=window))
    };
    let time = Time::from_hms(rng.random_range(8..19), rng.random_range(0..60), 0).expect("valid clock time");
    PrimitiveDateTime::new(day, time).assume_offset(offset)
}
