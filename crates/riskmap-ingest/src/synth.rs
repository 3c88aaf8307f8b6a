//! Deterministic synthetic `school_quarter` rows that pass every check: test data, the demo
//! and the 1,000,000-row benchmark. The same seed always gives the same rows.
//!
//! Row `i` is school `i mod schools` in quarter `first + i div schools`; each school keeps its
//! KATO, size and register stock from quarter to quarter, so the stock-and-flow identity and
//! continuity hold.

use riskmap_model::{Kato, Period};
use time::{Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::contract::{Contract, TableName};
use crate::row::Row;
use crate::value::Value;
use crate::{Error, Result};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthConfig {
    /// Seed of the generator.
    pub seed: u64,
    /// Number of schools.
    pub schools: usize,
    /// The first quarter.
    pub first_period: Period,
    /// KATO codes the schools are spread over (round robin after a seeded shuffle).
    pub katos: Vec<Kato>,
}

/// An endless iterator of valid rows; take as many as needed.
pub struct SynthRows {
    rng: SplitMix64,
    schools: Vec<School>,
    next: usize,
    period: Period,
    slots: Vec<usize>,
    columns: usize,
}

struct School {
    id: Box<str>,
    kato: Kato,
    pupils: i64,
    open_end: i64,
}

/// Starts the generator.
pub fn synthetic_school_quarter(config: &SynthConfig) -> Result<SynthRows> {
    if config.katos.is_empty() || config.schools == 0 {
        return Err(Error::Fixture {
            message: "synthetic rows need at least one school and one KATO code".to_owned(),
        });
    }
    let mut rng = SplitMix64(config.seed);
    let schools = (0..config.schools)
        .map(|i| School {
            id: format!("ORG-{i:07}").into(),
            kato: config.katos[rng.below(config.katos.len() as u64) as usize],
            pupils: 40 + rng.below(1500) as i64,
            open_end: rng.below(6) as i64,
        })
        .collect();
    let columns = Contract::v1().table(TableName::SchoolQuarter).columns.len();
    Ok(SynthRows {
        rng,
        schools,
        next: 0,
        period: config.first_period,
        slots: Vec::new(),
        columns,
    })
}

impl Iterator for SynthRows {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        if self.next == self.schools.len() {
            self.next = 0;
            self.period = self.period.next();
        }
        let mut values = vec![Value::Null; self.columns];
        let mut filler = Filler {
            slots: &mut self.slots,
            values: &mut values,
            pos: 0,
        };
        let period = self.period;
        let rng = &mut self.rng;
        let school = &mut self.schools[self.next];
        fill(&mut filler, rng, school, period);
        self.next += 1;
        Some(Row {
            table: TableName::SchoolQuarter,
            row: 0,
            values,
        })
    }
}

struct Filler<'a> {
    slots: &'a mut Vec<usize>,
    values: &'a mut [Value],
    pos: usize,
}

impl Filler<'_> {
    fn put(&mut self, column: &str, value: Value) {
        if self.slots.len() == self.pos {
            let table = Contract::v1().table(TableName::SchoolQuarter);
            self.slots.push(
                table
                    .index(column)
                    .expect("the generator writes contract columns"),
            );
        }
        self.values[self.slots[self.pos]] = value;
        self.pos += 1;
    }

    fn int(&mut self, column: &str, value: i64) {
        self.put(column, Value::Int(value));
    }

    fn ints(&mut self, columns: &[&str], values: &[i64]) {
        for (column, value) in columns.iter().zip(values) {
            self.int(column, *value);
        }
    }
}

fn fill(f: &mut Filler<'_>, rng: &mut SplitMix64, school: &mut School, period: Period) {
    f.put("nobd_org_id", Value::Text(school.id.clone()));
    f.put("kato", Value::Kato(school.kato));
    f.put("period", Value::Period(period));
    f.put("period_start", Value::Date(period.start_date()));
    f.put("period_end", Value::Date(period.end_date()));
    let late = rng.below(20) == 0;
    let day = if late {
        period.due_date() + Duration::days(1 + rng.below(14) as i64)
    } else {
        period.due_date() - Duration::days(rng.below(9) as i64)
    };
    let at = PrimitiveDateTime::new(
        day,
        Time::from_hms(10, rng.below(60) as u8, 0).expect("valid time"),
    );
    let offset = UtcOffset::from_hms(5, 0, 0).expect("valid offset");
    f.put(
        "submitted_at",
        Value::Timestamp(OffsetDateTime::new_in_offset(at.date(), at.time(), offset)),
    );
    f.int("revision", 1);
    f.put("schema_version", Value::Text("1.0".into()));
    let pupils = (school.pupils + rng.below(21) as i64 - 10).max(10);
    f.int("pupils_total", pupils);
    let female = pupils * (45 + rng.below(11) as i64) / 100;
    f.ints(
        &["pupils_female", "pupils_male"],
        &[female, pupils - female],
    );
    let (g1, g5) = (pupils * 40 / 100, pupils * 45 / 100);
    f.ints(
        &["pupils_g1_4", "pupils_g5_9", "pupils_g10_12"],
        &[g1, g5, pupils - g1 - g5],
    );
    f.int("class_sets", (pupils / 25).max(1));
    for column in [
        "pupils_orphan_or_no_parental_care",
        "pupils_sen",
        "pupils_disability",
        "pupils_low_income",
        "pupils_boarding",
    ] {
        let v = rng.below((pupils / 40 + 1) as u64) as i64;
        f.int(column, v);
    }
    for prefix in ["psych", "socped"] {
        let norm = 0.5 * (1 + rng.below(4)) as f64;
        let filled = (norm - 0.25 * rng.below(3) as f64).max(0.0);
        f.put(&format!("{prefix}_fte_norm"), Value::Decimal(norm));
        f.put(&format!("{prefix}_fte_filled"), Value::Decimal(filled));
        if prefix == "psych" {
            f.int("psych_headcount", filled.ceil() as i64);
            f.int(
                "psych_vacancy_quarters",
                if filled < norm {
                    1 + rng.below(3) as i64
                } else {
                    0
                },
            );
        }
    }
    f.int("staff_trained_child_protection", rng.below(10) as i64);
    let start = school.open_end;
    let opened = rng.below(5) as i64;
    let resolved = (rng.below((start + opened + 1) as u64) as i64).min(4);
    let other = (rng.below((start + opened - resolved + 1) as u64) as i64).min(2);
    let end = start + opened - resolved - other;
    school.open_end = end;
    f.ints(
        &[
            "isu_open_start",
            "isu_opened",
            "isu_closed_resolved",
            "isu_closed_other",
            "isu_open_end",
        ],
        &[start, opened, resolved, other, end],
    );
    f.int("isu_open_over_90d", rng.below((end + 1) as u64) as i64);
    let closed = resolved + other;
    f.put(
        "isu_median_days_to_close",
        if closed > 0 {
            Value::Decimal(20.0 + rng.below(120) as f64 / 2.0)
        } else {
            Value::Null
        },
    );
    let reasons = rng.partition(opened, 7);
    f.ints(
        &[
            "isu_reason_bullying",
            "isu_reason_family",
            "isu_reason_truancy",
            "isu_reason_offence",
            "isu_reason_selfharm_risk",
            "isu_reason_substance",
            "isu_reason_other",
        ],
        &reasons,
    );
    f.int("pupils_on_police_register", rng.below(3) as i64);
    let viol = (rng.below(8) as i64 - 2).max(0);
    f.int("viol_total", viol);
    f.ints(
        &[
            "viol_physical",
            "viol_psychological",
            "viol_neglect",
            "viol_other",
            "viol_sexual",
        ],
        &rng.partition_rare_last(viol, 5),
    );
    f.ints(
        &[
            "viol_set_school",
            "viol_set_family",
            "viol_set_community",
            "viol_set_online",
        ],
        &rng.partition(viol, 4),
    );
    f.ints(
        &[
            "viol_perp_peer",
            "viol_perp_staff",
            "viol_perp_family",
            "viol_perp_other_adult",
            "viol_perp_unknown",
        ],
        &rng.partition(viol, 5),
    );
    let bullying = rng.below(4) as i64;
    f.ints(
        &["bullying_cases", "cyberbullying_cases"],
        &[bullying, rng.below(3) as i64],
    );
    f.int("viol_reported_police", rng.below((viol + 1) as u64) as i64);
    for column in [
        "viol_referred_health",
        "viol_referred_psych_centre",
        "viol_referred_social",
    ] {
        let v = rng.below(3) as i64;
        f.int(column, v);
    }
    let deaths = i64::from(rng.below(4000) == 0);
    let attempts = i64::from(rng.below(300) == 0);
    let selfharm = i64::from(rng.below(50) == 0);
    let identified = rng.below(3) as i64;
    f.ints(
        &[
            "suicide_deaths",
            "suicide_attempts",
            "selfharm_episodes",
            "suicidal_risk_identified",
        ],
        &[deaths, attempts, selfharm, identified],
    );
    f.int(
        "suicidal_risk_with_plan",
        rng.below((identified + 1) as u64) as i64,
    );
    let assessed = pupils * rng.below(60) as i64 / 100;
    f.ints(
        &["screen_assessed", "screen_high_risk"],
        &[assessed, rng.below((assessed / 10 + 1) as u64) as i64],
    );
    for column in [
        "pupils_criminal_offence",
        "pupils_admin_offence",
        "offences_against_pupils",
        "appeals_111_qr",
        "safety_lessons_held",
        "parent_sessions_held",
    ] {
        let v = rng.below(4) as i64;
        f.int(column, v);
    }
    f.put("antibullying_programme", Value::Bool(rng.below(2) == 0));
    f.put(
        "completeness_self",
        Value::Decimal(90.0 + rng.below(21) as f64 / 2.0),
    );
    f.put(
        "notes",
        if rng.below(10) == 0 {
            Value::Text("Без замечаний; ескерту жоқ".into())
        } else {
            Value::Null
        },
    );
    let nil = viol == 0 && opened == 0 && deaths + attempts + selfharm == 0;
    f.put("nil_return", Value::Bool(nil));
}

/// SplitMix64 (Steele, Lea & Flood 2014): tiny, fast and seedable.
#[derive(Debug, Clone)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// Splits `total` into `parts` non-negative counts.
    fn partition(&mut self, total: i64, parts: usize) -> Vec<i64> {
        let mut out = vec![0; parts];
        for _ in 0..total {
            out[self.below(parts as u64) as usize] += 1;
        }
        out
    }

    /// Like `partition`, but the last part (sexual violence) is rare.
    fn partition_rare_last(&mut self, total: i64, parts: usize) -> Vec<i64> {
        let mut out = vec![0; parts];
        for _ in 0..total {
            let idx = if self.below(40) == 0 {
                parts - 1
            } else {
                self.below(parts as u64 - 1) as usize
            };
            out[idx] += 1;
        }
        out
    }
}
