//! The attacker suite: a determined reader — the public, and each scoped role outside its
//! scope — reads every output of the service on seeded stores of several shapes (all periods,
//! both levels, every indicator, JSON, tiles, profile with its series and plan counts,
//! comparison with the national values), turns every published number into a linear fact
//! about the true counts (published counts, rounded counts as intervals, rates times the
//! exposure the reader can compute from public pupil counts, each over its window of
//! quarters; the national total as the sum of the regions; the reader's own districts
//! inside their region), and then asks a linear program for the smallest and largest value
//! each withheld count can take. A withheld count from 1 to 9, or a rounded count, that the
//! facts pin to one integer is recovered, and the test fails.
//!
//! The facts combine across periods (differencing rolling windows), levels (national minus
//! regions, region minus own districts), formats (tiles and JSON) and denominators (rate ×
//! exposure), as a reader would.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "counts of a test store fit f64"
)]

mod support;

use std::collections::{BTreeSet, HashMap};
use std::io::Read;

use fast_mvt::{MvtReaderRef, MvtValueRef};
use microlp::{ComparisonOp, OptimizationDirection, Problem};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use riskmap_model::{Audience, Indicator, Kato, Measure, Period, Role, Sensitivity};
use support::{TestApp, fetch_raw, get_with_token, grant, issue_token};

/// Where a fact is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Place {
    Country,
    Region(Kato),
    District(Kato),
}

/// Σ over `window` of one measure at `place` lies in `lo ..= hi`.
#[derive(Debug, Clone)]
struct Fact {
    place: Place,
    window: Vec<Period>,
    lo: f64,
    hi: Option<f64>,
}

/// The true counts of the store, by measure, place and quarter, and the pupils.
struct Truth {
    counts: HashMap<(Measure, Place, Period), u64>,
    pupils: HashMap<(Place, Period), f64>,
    periods: Vec<Period>,
}

impl Truth {
    fn new(data: &riskmap_demo::DemoData) -> Self {
        let region_of: HashMap<&str, (Kato, Kato)> = data
            .schools
            .iter()
            .map(|s| (s.id.as_str(), (s.region, s.district)))
            .collect();
        let mut counts = HashMap::new();
        let mut pupils = HashMap::new();
        let mut periods = BTreeSet::new();
        for record in &data.records {
            let (region, district) = region_of[record.school.as_str()];
            periods.insert(record.period);
            for place in [
                Place::Country,
                Place::Region(region),
                Place::District(district),
            ] {
                if let Some(p) = record.values.get(Measure::PupilsTotal) {
                    *pupils.entry((place, record.period)).or_insert(0.0) += p;
                }
                for measure in Measure::ALL {
                    if let Some(v) = record.values.get(*measure) {
                        *counts.entry((*measure, place, record.period)).or_insert(0) +=
                            v.round() as u64;
                    }
                }
            }
        }
        Self {
            counts,
            pupils,
            periods: periods.into_iter().collect(),
        }
    }

    fn count(&self, measure: Measure, place: Place, window: &[Period]) -> u64 {
        window
            .iter()
            .map(|q| self.counts.get(&(measure, place, *q)).copied().unwrap_or(0))
            .sum()
    }

    /// Pupil-years over `window` (Σ pupils / 4): the exposure of the rates.
    fn exposure(&self, place: Place, window: &[Period]) -> f64 {
        window
            .iter()
            .map(|q| self.pupils.get(&(place, *q)).copied().unwrap_or(0.0))
            .sum::<f64>()
            / 4.0
    }
}

/// One reader: a name, the token (none: anonymous public) and its audience.
struct Reader {
    name: &'static str,
    token: Option<String>,
    audience: Audience,
}

/// What is known of one (place, window): `lo ..= hi`.
type Interval = (f64, Option<f64>);

/// Everything the reader learned, by measure: one interval per (place, window), the
/// intersection of every fact about it.
#[derive(Default)]
struct Knowledge {
    facts: HashMap<Measure, HashMap<(Place, Vec<Period>), Interval>>,
}

impl Knowledge {
    fn add(&mut self, measure: Measure, fact: Fact) {
        let known = self
            .facts
            .entry(measure)
            .or_default()
            .entry((fact.place, fact.window))
            .or_insert((0.0, None));
        known.0 = known.0.max(fact.lo);
        known.1 = match (known.1, fact.hi) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// The facts about one measure.
    fn about(&self, measure: Measure) -> Vec<Fact> {
        self.facts
            .get(&measure)
            .into_iter()
            .flatten()
            .map(|((place, window), (lo, hi))| Fact {
                place: *place,
                window: window.clone(),
                lo: *lo,
                hi: *hi,
            })
            .collect()
    }
}

fn sensitive(app: &TestApp) -> Vec<Indicator> {
    app.state
        .catalogue
        .indicators
        .iter()
        .filter(|i| i.sensitivity != Sensitivity::S0)
        .cloned()
        .collect()
}

async fn read(app: &TestApp, reader: &Reader, uri: &str) -> serde_json::Value {
    let (status, json) = match &reader.token {
        Some(token) => get_with_token(app, uri, token).await,
        None => support::get(app, uri).await,
    };
    assert!(
        status.is_success() || status.as_u16() == 403 || status.as_u16() == 404,
        "{}: {uri}: {status} {json}",
        reader.name
    );
    json
}

/// Facts from one indicator entry (`numerator`, `value`, `quarters`, `year`) of `place`.
fn entry_facts(
    knowledge: &mut Knowledge,
    truth: &Truth,
    indicator: &Indicator,
    place: Place,
    rolling: &[Period],
    entry: &serde_json::Value,
    in_scope: bool,
) {
    let window: Vec<Period> = match entry["year"].as_u64() {
        Some(year) => (1..=4)
            .map(|q| Period::new(year as u16, q).unwrap())
            .collect(),
        None => rolling.to_vec(),
    };
    let window: Vec<Period> = window
        .into_iter()
        .filter(|q| truth.periods.contains(q))
        .collect();
    if window.is_empty() {
        return;
    }
    let rounded = indicator.sensitivity == Sensitivity::S2 && !in_scope;
    count_fact(
        knowledge,
        indicator.numerator,
        place,
        &window,
        &entry["numerator"],
        rounded,
    );
    if indicator.denominator == Measure::PupilsTotal {
        rate_fact(
            knowledge,
            truth,
            indicator,
            place,
            &window,
            &entry["value"],
            rounded,
        );
        for quarter in entry["quarters"].as_array().into_iter().flatten() {
            let q = Period::parse(quarter["period"].as_str().unwrap()).unwrap();
            if truth.periods.contains(&q) {
                rate_fact(
                    knowledge,
                    truth,
                    indicator,
                    place,
                    &[q],
                    &quarter["value"],
                    rounded,
                );
            }
        }
    }
}

/// A published count: exact, rounded to 5 (an interval), or `c` (at least 1: zeros are
/// published as 0).
fn count_fact(
    knowledge: &mut Knowledge,
    measure: Measure,
    place: Place,
    window: &[Period],
    value: &serde_json::Value,
    rounded: bool,
) {
    let window = window.to_vec();
    let fact = match (value.as_u64(), value.as_str()) {
        (Some(0), _) => Fact {
            place,
            window,
            lo: 0.0,
            hi: Some(0.0),
        },
        (Some(n), _) if rounded => Fact {
            place,
            window,
            lo: (n.saturating_sub(2)).max(10) as f64,
            hi: Some((n + 2) as f64),
        },
        (Some(n), _) => Fact {
            place,
            window,
            lo: n as f64,
            hi: Some(n as f64),
        },
        (None, Some("c")) if matches!(place, Place::Country | Place::Region(_)) => Fact {
            place,
            window,
            lo: 1.0,
            hi: None,
        },
        _ => return,
    };
    knowledge.add(measure, fact);
}

/// A published rate `v` (3 decimals) over `window`: the count lies within ±0.0005 of
/// `v × exposure / per` — or, where the rules round the count before the rate is taken
/// (S2 outside the reader's scope), within ±2 of that.
fn rate_fact(
    knowledge: &mut Knowledge,
    truth: &Truth,
    indicator: &Indicator,
    place: Place,
    window: &[Period],
    value: &serde_json::Value,
    rounded: bool,
) {
    let Some(v) = value.as_f64().or_else(|| value["value"].as_f64()) else {
        return;
    };
    let scale = truth.exposure(place, window) / indicator.per;
    if scale <= 0.0 {
        return;
    }
    let slack = if rounded { 2.0 } else { 0.0 };
    knowledge.add(
        indicator.numerator,
        Fact {
            place,
            window: window.to_vec(),
            lo: ((v - 0.0005) * scale - slack).max(0.0),
            hi: Some((v + 0.0005) * scale + slack),
        },
    );
}

/// Reads every output as `reader` and returns what it learned.
async fn observe(app: &TestApp, truth: &Truth, reader: &Reader) -> Knowledge {
    let mut knowledge = Knowledge::default();
    let indicators = sensitive(app);
    let regions: Vec<Kato> = app
        .state
        .geography
        .regions()
        .iter()
        .map(|r| r.kato)
        .collect();
    for period in &truth.periods {
        let collection = read(app, reader, &format!("/api/v1/regions?period={period}")).await;
        let rolling: Vec<Period> = collection["rolling_year"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| Period::parse(p.as_str().unwrap()).unwrap())
            .collect();
        for feature in collection["features"].as_array().unwrap() {
            let kato = Kato::parse(feature["id"].as_str().unwrap()).unwrap();
            let in_scope = feature["properties"]["in_scope"] == true;
            for indicator in &indicators {
                let entry = &feature["properties"]["indicators"][&indicator.code];
                entry_facts(
                    &mut knowledge,
                    truth,
                    indicator,
                    Place::Region(kato),
                    &rolling,
                    entry,
                    in_scope,
                );
            }
        }
        tile_facts(
            app,
            truth,
            reader,
            &mut knowledge,
            &indicators,
            &collection,
            *period,
            &rolling,
        )
        .await;
        // Districts outside the reader's scope carry no sensitive value (the tests of
        // `disclosure.rs` check that); the reader's own ones and one other region are read.
        let own: Vec<&Kato> = regions
            .iter()
            .filter(|r| {
                app.state.geography.districts_of(r).any(|d| {
                    reader
                        .audience
                        .in_scope(riskmap_model::AdminLevel::District, &d.kato)
                })
            })
            .chain(std::iter::once(&regions[0]))
            .collect();
        for region in own {
            let districts = read(
                app,
                reader,
                &format!("/api/v1/regions/{region}/districts?period={period}"),
            )
            .await;
            for feature in districts["features"].as_array().into_iter().flatten() {
                if feature["properties"]["in_scope"] != true {
                    continue;
                }
                let kato = Kato::parse(feature["id"].as_str().unwrap()).unwrap();
                for indicator in &indicators {
                    let entry = &feature["properties"]["indicators"][&indicator.code];
                    entry_facts(
                        &mut knowledge,
                        truth,
                        indicator,
                        Place::District(kato),
                        &rolling,
                        entry,
                        true,
                    );
                }
            }
        }
        let compare = read(
            app,
            reader,
            &format!(
                "/api/v1/compare?units={},{}&period={period}",
                regions[0], regions[1]
            ),
        )
        .await;
        let national_scope = reader.audience == Audience::Ministry;
        for indicator in &indicators {
            let value = &compare["national"][&indicator.code];
            let window: Vec<Period> =
                match compare["public_year"].as_u64().filter(|_| !national_scope) {
                    Some(year) => (1..=4)
                        .map(|q| Period::new(year as u16, q).unwrap())
                        .collect(),
                    None => rolling.clone(),
                };
            let window: Vec<Period> = window
                .into_iter()
                .filter(|q| truth.periods.contains(q))
                .collect();
            if indicator.denominator == Measure::PupilsTotal && !window.is_empty() {
                let rounded = indicator.sensitivity == Sensitivity::S2 && !national_scope;
                rate_fact(
                    &mut knowledge,
                    truth,
                    indicator,
                    Place::Country,
                    &window,
                    value,
                    rounded,
                );
            }
        }
    }
    for period in [
        truth.periods[truth.periods.len() - 1],
        truth.periods[truth.periods.len() - 3],
    ] {
        for region in &regions {
            profile_facts(
                app,
                truth,
                reader,
                &mut knowledge,
                &indicators,
                *region,
                period,
            )
            .await;
        }
    }
    knowledge
}

/// Region tiles at zoom 0 carry the same values as the JSON: each is a rate fact over the
/// same window.
#[allow(clippy::too_many_arguments, reason = "one step of the observation")]
async fn tile_facts(
    app: &TestApp,
    truth: &Truth,
    reader: &Reader,
    knowledge: &mut Knowledge,
    indicators: &[Indicator],
    collection: &serde_json::Value,
    period: Period,
    rolling: &[Period],
) {
    let (status, _, gzipped) = fetch_raw(
        app,
        &format!("/tiles/regions/0/0/0.mvt?period={period}"),
        reader.token.as_deref(),
        None,
    )
    .await;
    if status != 200 {
        return;
    }
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&gzipped[..])
        .read_to_end(&mut raw)
        .unwrap();
    let tile = MvtReaderRef::new(&raw).unwrap();
    for layer in tile.layers() {
        for feature in layer.features() {
            let properties = feature.properties_vec().unwrap();
            let Some(kato) = properties.iter().find_map(|(k, v)| match (k, v) {
                (&"kato", MvtValueRef::String(s)) => Kato::parse(s).ok(),
                _ => None,
            }) else {
                continue;
            };
            let json = collection["features"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["id"] == kato.as_str())
                .unwrap();
            for indicator in indicators
                .iter()
                .filter(|i| i.denominator == Measure::PupilsTotal)
            {
                let Some(value) = properties.iter().find_map(|(k, v)| match (k, v) {
                    (key, MvtValueRef::Double(d)) if *key == indicator.code => Some(*d),
                    _ => None,
                }) else {
                    continue;
                };
                let entry = &json["properties"]["indicators"][&indicator.code];
                let window: Vec<Period> = match entry["year"].as_u64() {
                    Some(year) => (1..=4)
                        .map(|q| Period::new(year as u16, q).unwrap())
                        .collect(),
                    None => rolling.to_vec(),
                };
                let window: Vec<Period> = window
                    .into_iter()
                    .filter(|q| truth.periods.contains(q))
                    .collect();
                let rounded = indicator.sensitivity == Sensitivity::S2
                    && json["properties"]["in_scope"] != true;
                rate_fact(
                    knowledge,
                    truth,
                    indicator,
                    Place::Region(kato),
                    &window,
                    &serde_json::json!(value),
                    rounded,
                );
            }
        }
    }
}

/// A region's profile: its series of quarter values, the national value and the plan's
/// yearly and observed counts.
#[allow(clippy::too_many_arguments, reason = "one step of the observation")]
async fn profile_facts(
    app: &TestApp,
    truth: &Truth,
    reader: &Reader,
    knowledge: &mut Knowledge,
    indicators: &[Indicator],
    region: Kato,
    period: Period,
) {
    let profile = read(
        app,
        reader,
        &format!("/api/v1/units/{region}/profile?period={period}"),
    )
    .await;
    let in_scope = profile["in_scope"] == true;
    for entry in profile["indicators"].as_array().into_iter().flatten() {
        let Some(indicator) = indicators.iter().find(|i| i.code == entry["code"]) else {
            continue;
        };
        if indicator.denominator != Measure::PupilsTotal {
            continue;
        }
        let rounded = indicator.sensitivity == Sensitivity::S2 && !in_scope;
        for point in entry["series"].as_array().into_iter().flatten() {
            let q = Period::parse(point["period"].as_str().unwrap()).unwrap();
            rate_fact(
                knowledge,
                truth,
                indicator,
                Place::Region(region),
                &[q],
                &point["value"],
                rounded,
            );
        }
    }
    for series in profile["plan"]["series"].as_array().into_iter().flatten() {
        let measure = Measure::from_column(series["measure"].as_str().unwrap()).unwrap();
        let rounded = measure.sensitivity() == Sensitivity::S2;
        for (side, place, scoped) in [
            ("unit", Place::Region(region), in_scope),
            (
                "national",
                Place::Country,
                reader.audience == Audience::Ministry,
            ),
        ] {
            let block = &series[side];
            for yearly in block["yearly"].as_array().into_iter().flatten() {
                let year = yearly["year"].as_u64().unwrap() as u16;
                let window: Vec<Period> = (1..=4).map(|q| Period::new(year, q).unwrap()).collect();
                count_fact(
                    knowledge,
                    measure,
                    place,
                    &window,
                    &yearly["count"],
                    rounded && !scoped,
                );
            }
            let observed: Vec<Period> = truth
                .periods
                .iter()
                .copied()
                .filter(|q| q.year() == period.year() && *q <= period)
                .collect();
            count_fact(
                knowledge,
                measure,
                place,
                &observed,
                &block["observed"],
                rounded && !scoped,
            );
        }
    }
}

/// A withheld count the reader must not pin down.
#[derive(Debug)]
struct Target {
    place: Place,
    window: Vec<Period>,
    truth: u64,
    why: &'static str,
}

/// The withheld counts of one measure for `reader`: every quarter of an out-of-scope region
/// with a count from 1 to 9, every calendar year of it published as `c`, and every rounded
/// one.
fn targets(truth: &Truth, knowledge: &[Fact], measure: Measure, reader: &Reader) -> Vec<Target> {
    let mut out = Vec::new();
    let exact_known = |place: Place, window: &[Period]| {
        knowledge.iter().any(|f| {
            f.place == place && f.window == window && f.hi.is_some_and(|h| (h - f.lo).abs() < 1e-9)
        })
    };
    let places: Vec<Place> = truth
        .counts
        .keys()
        .filter(|(m, p, _)| *m == measure && !matches!(p, Place::District(_)))
        .map(|(_, p, _)| *p)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for place in places {
        let in_scope = match place {
            Place::Country => reader.audience.in_scope(
                riskmap_model::AdminLevel::Country,
                &Kato::parse("000000000").unwrap(),
            ),
            Place::Region(k) => reader
                .audience
                .in_scope(riskmap_model::AdminLevel::Region, &k),
            Place::District(_) => true,
        };
        if in_scope {
            continue;
        }
        for q in &truth.periods {
            let n = truth.count(measure, place, &[*q]);
            if (1..=9).contains(&n) && !exact_known(place, &[*q]) {
                out.push(Target {
                    place,
                    window: vec![*q],
                    truth: n,
                    why: "a quarter",
                });
            }
        }
        let years: BTreeSet<u16> = truth.periods.iter().map(|p| p.year()).collect();
        for year in years {
            let window: Vec<Period> = (1..=4).map(|q| Period::new(year, q).unwrap()).collect();
            if !window.iter().all(|q| truth.periods.contains(q)) {
                continue;
            }
            let n = truth.count(measure, place, &window);
            let rounded =
                measure.sensitivity() == Sensitivity::S2 && n >= 10 && !n.is_multiple_of(5);
            if ((1..=9).contains(&n) || rounded) && !exact_known(place, &window) {
                out.push(Target {
                    place,
                    window,
                    truth: n,
                    why: if rounded { "a rounded year" } else { "a year" },
                });
            }
        }
    }
    out
}

/// The range of Σ `target` over every count consistent with the facts (LP relaxation).
fn feasible_range(truth: &Truth, facts: &[Fact], target: &Target) -> (f64, Option<f64>) {
    let regions: Vec<Kato> = truth
        .pupils
        .keys()
        .filter_map(|(p, _)| match p {
            Place::Region(k) => Some(*k),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let districts: Vec<Kato> = facts
        .iter()
        .filter_map(|f| match f.place {
            Place::District(k) => Some(k),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let solve = |direction| {
        let mut problem = Problem::new(direction);
        let mut vars = HashMap::new();
        let in_target = |place: Place, q: &Period| {
            target.place == place && target.window.contains(q)
                || target.place == Place::Country
                    && matches!(place, Place::Region(_))
                    && target.window.contains(q)
        };
        for q in &truth.periods {
            for r in &regions {
                let coefficient = if in_target(Place::Region(*r), q) {
                    1.0
                } else {
                    0.0
                };
                vars.insert(
                    (Place::Region(*r), *q),
                    problem.add_var(coefficient, (0.0, f64::INFINITY)),
                );
            }
            for d in &districts {
                vars.insert(
                    (Place::District(*d), *q),
                    problem.add_var(0.0, (0.0, f64::INFINITY)),
                );
            }
        }
        for d in &districts {
            for q in &truth.periods {
                let region = Place::Region(d.region());
                let inside: Vec<_> = districts
                    .iter()
                    .filter(|o| o.region() == d.region())
                    .map(|o| (vars[&(Place::District(*o), *q)], -1.0))
                    .chain(std::iter::once((vars[&(region, *q)], 1.0)))
                    .collect();
                problem.add_constraint(inside.as_slice(), ComparisonOp::Ge, 0.0);
            }
        }
        for fact in facts {
            let terms: Vec<_> = fact
                .window
                .iter()
                .flat_map(|q| match fact.place {
                    Place::Country => regions
                        .iter()
                        .map(|r| (vars[&(Place::Region(*r), *q)], 1.0))
                        .collect::<Vec<_>>(),
                    place => vec![(vars[&(place, *q)], 1.0)],
                })
                .collect();
            problem.add_constraint(terms.as_slice(), ComparisonOp::Ge, fact.lo);
            if let Some(hi) = fact.hi {
                problem.add_constraint(terms.as_slice(), ComparisonOp::Le, hi);
            }
        }
        problem.solve().ok().map(|s| s.objective())
    };
    let lo = solve(OptimizationDirection::Minimize).unwrap_or(0.0);
    let hi = solve(OptimizationDirection::Maximize);
    (lo, hi)
}

/// Every recovered count, as messages.
fn recovered(truth: &Truth, knowledge: &Knowledge, reader: &Reader) -> Vec<String> {
    let mut found = Vec::new();
    for measure in knowledge.facts.keys() {
        let facts = knowledge.about(*measure);
        let facts = &facts;
        for target in targets(truth, facts, *measure, reader) {
            let (lo, hi) = feasible_range(truth, facts, &target);
            let value = target.truth as f64;
            assert!(
                lo <= value + 1e-6 && hi.is_none_or(|h| value <= h + 1e-6),
                "{}: the attacker's facts exclude the truth of {:?} {:?} {:?} ({value} not in [{lo}, {hi:?}]): a fact is modelled wrong",
                reader.name,
                measure,
                target.place,
                target.window
            );
            let Some(hi) = hi else { continue };
            if (lo - 1e-6).ceil() >= (hi + 1e-6).floor() {
                found.push(format!(
                    "{}: {} of {:?} {:?} {:?} = {} pinned to [{lo:.3}, {hi:.3}]",
                    reader.name,
                    target.why,
                    measure,
                    target.place,
                    target
                        .window
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                    target.truth
                ));
            }
        }
    }
    found
}

/// The readers: the public, an akimat and a district official outside their scope, a crisis
/// team outside its districts.
async fn readers(app: &TestApp) -> Vec<Reader> {
    let akimat = grant(Role::Akimat, Some("750000000"), &[]);
    let official = grant(Role::Akimat, Some("350000000"), &["351600000"]);
    let crisis = grant(Role::Crisis, None, &["751110000", "751210000"]);
    let mut readers = vec![Reader {
        name: "public",
        token: None,
        audience: Audience::Public,
    }];
    for (name, grant) in [
        ("akimat", akimat),
        ("district official", official),
        ("crisis team", crisis),
    ] {
        let token = issue_token(app, &grant, name).await;
        readers.push(Reader {
            name,
            token: Some(token),
            audience: grant.audience(),
        });
    }
    readers
}

/// A store of one shape: the demo generator at `scale`, then `reshape` on the counts.
async fn store(
    scale: f64,
    seed: u64,
    reshape: fn(&mut riskmap_demo::DemoData, &mut ChaCha8Rng),
) -> (TestApp, Truth) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let app = support::test_app_shaped(Some(Audience::Public), scale, seed, |data| {
        reshape(data, &mut rng)
    })
    .await;
    let truth = Truth::new(&app.data);
    (app, truth)
}

fn unchanged(_: &mut riskmap_demo::DemoData, _: &mut ChaCha8Rng) {}

/// Every S1/S2 count thinned to about a seventh: many small counts everywhere.
fn thinned(data: &mut riskmap_demo::DemoData, rng: &mut ChaCha8Rng) {
    for record in &mut data.records {
        for measure in Measure::ALL
            .iter()
            .filter(|m| m.sensitivity() != Sensitivity::S0)
        {
            if let Some(v) = record.values.get(*measure) {
                let kept = (0..v.round() as u64)
                    .filter(|_| rng.random_bool(0.15))
                    .count();
                record.values.set(*measure, Some(kept as f64));
            }
        }
    }
}

/// S2 events only in three regions, few of them.
fn concentrated(data: &mut riskmap_demo::DemoData, rng: &mut ChaCha8Rng) {
    let keep: HashMap<&str, bool> = data
        .schools
        .iter()
        .map(|s| {
            (
                s.id.as_str(),
                ["75", "71", "35"].contains(&s.region.region_prefix()),
            )
        })
        .collect();
    for record in &mut data.records {
        let kept = keep[record.school.as_str()];
        for measure in Measure::ALL
            .iter()
            .filter(|m| m.sensitivity() == Sensitivity::S2)
        {
            if record.values.get(*measure).is_some() {
                let value = if kept && rng.random_bool(0.3) {
                    1.0
                } else {
                    0.0
                };
                record.values.set(*measure, Some(value));
            }
        }
    }
}

async fn assert_nothing_recovered(
    scale: f64,
    seed: u64,
    reshape: fn(&mut riskmap_demo::DemoData, &mut ChaCha8Rng),
) {
    let (app, truth) = store(scale, seed, reshape).await;
    let mut all = Vec::new();
    let mut targets_seen = 0;
    for reader in readers(&app).await {
        let knowledge = observe(&app, &truth, &reader).await;
        targets_seen += knowledge
            .facts
            .keys()
            .map(|m| targets(&truth, &knowledge.about(*m), *m, &reader).len())
            .sum::<usize>();
        all.extend(recovered(&truth, &knowledge, &reader));
    }
    assert!(
        targets_seen > 50,
        "the store must hold withheld small counts ({targets_seen})"
    );
    assert!(
        all.is_empty(),
        "{} counts recovered:\n{}",
        all.len(),
        all.join("\n")
    );
}

#[tokio::test]
async fn sparse_store_reveals_nothing_withheld() {
    assert_nothing_recovered(0.05, 11, unchanged).await;
}

#[tokio::test]
async fn thinned_counts_reveal_nothing_withheld() {
    assert_nothing_recovered(0.2, 23, thinned).await;
}

#[tokio::test]
async fn concentrated_suicides_reveal_nothing_withheld() {
    assert_nothing_recovered(0.1, 37, concentrated).await;
}
