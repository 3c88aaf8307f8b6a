//! Builders for the composite, priority and plan tests: records with every measure reported,
//! deterministic synthetic panels (splitmix64), school profiles, and methodology variants made
//! by editing the shipped `data/methodology.toml`.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    reason = "test support"
)]

use riskmap_model::{Kato, Measure, MeasureValues, Period, SchoolId, Settlement};
use riskmap_score::composite::{Submission, UnitPeriodInput};
use riskmap_score::methodology::Methodology;
use riskmap_score::priority::Restricted;
use riskmap_score::priority::row::{Identity, Place, SchoolProfile};

/// The shipped methodology file.
pub const METHODOLOGY: &str = include_str!("../../../../data/methodology.toml");

/// The shipped methodology with textual replacements (`from` must occur).
pub fn methodology_with(edits: &[(&str, &str)]) -> Methodology {
    let mut text = METHODOLOGY.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "methodology text has no {from:?}");
        text = text.replace(from, to);
    }
    Methodology::parse(&text).unwrap()
}

/// A quarter.
pub fn q(text: &str) -> Period {
    Period::parse(text).unwrap()
}

/// A record with every measure reported as 0, then `set` applied.
pub fn record(
    unit: &str,
    parent: Option<&str>,
    period: Period,
    set: &[(Measure, f64)],
) -> UnitPeriodInput {
    let mut measures = MeasureValues::empty();
    for m in Measure::ALL {
        measures.set(*m, Some(0.0));
    }
    measures.set(Measure::PupilsTotal, Some(800.0));
    measures.set(Measure::ClassSets, Some(20.0));
    measures.set(Measure::PsychFteNorm, Some(1.0));
    measures.set(Measure::PsychFteFilled, Some(1.0));
    measures.set(Measure::SocpedFteNorm, Some(1.0));
    measures.set(Measure::SocpedFteFilled, Some(1.0));
    for (m, v) in set {
        measures.set(*m, Some(*v));
    }
    UnitPeriodInput {
        unit: unit.to_owned(),
        region: "r1".to_owned(),
        parent: parent.map(str::to_owned),
        period,
        submission: Submission::OnTime,
        measures,
    }
}

/// splitmix64.
pub struct Mix(pub u64);

impl Mix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A Poisson-like count with mean `mean` (sum of Bernoulli trials; enough for tests).
    pub fn count(&mut self, mean: f64) -> f64 {
        let trials = (mean * 4.0).ceil().max(1.0) as usize;
        let p = mean / trials as f64;
        (0..trials).filter(|_| self.uniform() < p).count() as f64
    }
}

/// A synthetic panel: `units` units over `periods`, in `regions` regions, with plausible rates
/// and staffing. Units with `parent` get district parents (schools); otherwise none.
pub fn panel(
    units: usize,
    regions: usize,
    periods: &[Period],
    schools: bool,
    seed: u64,
) -> Vec<UnitPeriodInput> {
    let mut mix = Mix(seed);
    let risk: Vec<f64> = (0..units).map(|_| 0.3 + 2.0 * mix.uniform()).collect();
    let pupils: Vec<f64> = (0..units)
        .map(|_| {
            if schools {
                60.0 + 1500.0 * mix.uniform()
            } else {
                8000.0 + 40000.0 * mix.uniform()
            }
        })
        .collect();
    let mut out = Vec::with_capacity(units * periods.len());
    for &period in periods {
        for u in 0..units {
            let b = pupils[u];
            let r = risk[u];
            let per_quarter = |annual_per_10k: f64| annual_per_10k * b / 10_000.0 / 4.0 * r;
            let mut measures = MeasureValues::empty();
            let class_sets = (b / 25.0).round();
            let psych_norm = if class_sets >= 40.0 {
                (class_sets / 40.0).floor()
            } else {
                0.0
            };
            let set = |m: &mut MeasureValues, k, v| m.set(k, Some(v));
            set(&mut measures, Measure::PupilsTotal, b.round());
            set(&mut measures, Measure::ClassSets, class_sets);
            set(
                &mut measures,
                Measure::ViolTotal,
                mix.count(per_quarter(32.0)),
            );
            set(
                &mut measures,
                Measure::BullyingCases,
                mix.count(per_quarter(17.0)),
            );
            set(
                &mut measures,
                Measure::CyberbullyingCases,
                mix.count(per_quarter(6.0)),
            );
            set(
                &mut measures,
                Measure::ViolSexual,
                mix.count(per_quarter(2.0)),
            );
            set(
                &mut measures,
                Measure::SuicideDeaths,
                mix.count(per_quarter(0.3)),
            );
            set(
                &mut measures,
                Measure::SuicideAttempts,
                mix.count(per_quarter(0.8)),
            );
            set(
                &mut measures,
                Measure::SelfharmEpisodes,
                mix.count(per_quarter(2.6)),
            );
            set(
                &mut measures,
                Measure::OffencesAgainstPupils,
                mix.count(per_quarter(5.4)),
            );
            set(
                &mut measures,
                Measure::PupilsCriminalOffence,
                mix.count(per_quarter(4.7)),
            );
            set(
                &mut measures,
                Measure::IsuOpened,
                mix.count(per_quarter(81.0)),
            );
            let open = mix.count(b * 0.01 + 1.0);
            set(&mut measures, Measure::IsuOpenEnd, open);
            set(
                &mut measures,
                Measure::IsuOpenOver90d,
                (open * mix.uniform() * 0.6).floor(),
            );
            set(&mut measures, Measure::PsychFteNorm, psych_norm);
            set(
                &mut measures,
                Measure::PsychFteFilled,
                (psych_norm * (0.5 + 0.6 * mix.uniform()) * 4.0).round() / 4.0,
            );
            set(
                &mut measures,
                Measure::PsychVacancyQuarters,
                if mix.uniform() < 0.1 { 2.0 } else { 0.0 },
            );
            set(&mut measures, Measure::SocpedFteNorm, 1.0);
            set(
                &mut measures,
                Measure::SocpedFteFilled,
                if mix.uniform() < 0.8 { 1.0 } else { 0.5 },
            );
            out.push(UnitPeriodInput {
                unit: format!("u{u:05}"),
                region: format!("r{}", u % regions),
                parent: schools.then(|| format!("d{}", u / 30)),
                period,
                submission: if mix.uniform() < 0.05 {
                    Submission::Late
                } else {
                    Submission::OnTime
                },
                measures,
            });
        }
    }
    out
}

/// A school profile in district `district` (9-digit KATO) of region `region`.
pub fn profile(id: &str, district: &str, region: &str) -> SchoolProfile {
    let kato = |s: &str| Kato::parse(s).unwrap();
    SchoolProfile {
        identity: Identity {
            nobd_org_id: SchoolId::parse(id).unwrap(),
            name_kk: format!("{id} мектебі"),
            name_ru: format!("школа {id}"),
            bin: None,
            school_type: "general".to_owned(),
            small_class: false,
            languages: vec!["kk".to_owned()],
        },
        place: Place {
            region: kato(region),
            region_name_kk: "облыс".to_owned(),
            region_name_ru: "область".to_owned(),
            district: kato(district),
            district_name_kk: "аудан".to_owned(),
            district_name_ru: "район".to_owned(),
            kato: kato(district),
            settlement: Settlement::Rural,
            address_kk: None,
            address_ru: None,
            location: Some((71.43, 51.13)),
            district_centre: Some((71.50, 51.20)),
        },
        contacts: Restricted::new(Vec::new()),
        response: None,
    }
}
