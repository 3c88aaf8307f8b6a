//! Building the hotspot list of one quarter: every trigger of `triggers` for every school, the
//! ordering key, and the §5.4 row of each listed school.
//!
//! **Order.** Schools are sorted by the posterior exceedance probability P(λ_i > θ | data) of
//! their S1 rate (the `priority.rank_measures` per pupil over the last `rank_window_quarters`
//! quarters), from the Gamma–Poisson reading of hierarchical EB with the district as prior
//! (`rates::hierarchical_eb`; global EB when a district's prior variance is 0; when that is 0
//! too, the prior is a point mass and there is no posterior to rank by, so the Jeffreys prior
//! Gamma(½, 0) is used, i.e. posterior Gamma(e + ½, b) without pooling), where θ is the national
//! pooled rate of all schools. Ties and missing probabilities are broken by the
//! composite (descending), then by `nobd_org_id`; missing values sort last.
//!
//! **Counts.** A count is the sum of the listed measures that the school reported; a quarter
//! without a submission counts as 0 events for clusters and as "not reported" for the
//! exceedance baseline.

use std::collections::HashMap;

use riskmap_model::{Kato, Measure, MeasureValues, Period};

use super::Restricted;
use super::index::ListIndex;
use super::row::{
    Capacity, Harm, HotspotRow, Metadata, PlaceRow, ROLE_REFERENCES, Risk, S1Counts, S2Counts,
    SchoolProfile, Size, WATERMARK, Why, distance_km,
};
use super::triggers::{
    DistrictForecast, Evidence, FiredTrigger, Trigger, backlog, coping_gap, data_silence,
    district_cluster, exceedance, forecast_exceedance, s2_event, school_cluster, top_quintile,
};
use crate::composite::goalposts::quantile_sorted;
use crate::composite::{PeriodScores, UnitPeriodInput, UnitScore, group_index};
use crate::error::{Error, Result};
use crate::methodology::Methodology;
use crate::rates::{GammaPrior, RateData, eb_posteriors, global_eb, hierarchical_eb};
use crate::staffing::{StaffingGap, StaffingInput, staffing_gap};

/// Quarters in the sparkline (domain §5.4: "sparkline of the last 8 quarters").
pub const SPARKLINE_QUARTERS: usize = 8;

/// The hotspot list of one quarter.
#[derive(Debug, Clone, PartialEq)]
pub struct PriorityList {
    /// The quarter.
    pub period: Period,
    /// Methodology version.
    pub model_version: String,
    /// Listed schools, in priority order (`rank` = position).
    pub rows: Vec<HotspotRow>,
}

/// The hotspot list of `current` for the schools in `profiles`.
///
/// `records` are the schools' quarterly inputs (at least the quarters the triggers look back
/// over: 5 for the exceedance baseline, 8 for the sparkline); `scores` the school-level
/// composite of [`crate::composite::score_periods`] (may be empty: trigger 1 then never fires).
///
/// Errors on a duplicated (school, quarter) record.
pub fn priority_list(
    m: &Methodology,
    current: Period,
    profiles: &[SchoolProfile],
    records: &[UnitPeriodInput],
    scores: &[PeriodScores],
) -> Result<PriorityList> {
    priority_list_with_forecasts(m, current, profiles, records, scores, &HashMap::new())
}

/// [`priority_list`] with trigger 8: `forecasts` are the S1 next-quarter forecasts of the
/// districts (those the reader sees exactly; a district without any never fires it).
pub fn priority_list_with_forecasts(
    m: &Methodology,
    current: Period,
    profiles: &[SchoolProfile],
    records: &[UnitPeriodInput],
    scores: &[PeriodScores],
    forecasts: &HashMap<Kato, Vec<DistrictForecast>>,
) -> Result<PriorityList> {
    priority_lists_with_forecasts(m, current, profiles, records, scores, &[forecasts])?
        .pop()
        .ok_or(Error::InvalidParameter {
            name: "forecast_sets",
            reason: "one list per set of forecasts".to_owned(),
        })
}

/// One [`priority_list_with_forecasts`] per set of district forecasts, in the order given
/// (readers of the same schools whose exact scopes differ): triggers 1–7, the exceedance
/// probabilities and the scores are evaluated once, only trigger 8 (and so which schools are
/// listed) per set. Each list equals the one [`priority_list_with_forecasts`] makes alone.
pub fn priority_lists_with_forecasts(
    m: &Methodology,
    current: Period,
    profiles: &[SchoolProfile],
    records: &[UnitPeriodInput],
    scores: &[PeriodScores],
    forecast_sets: &[&HashMap<Kato, Vec<DistrictForecast>>],
) -> Result<Vec<PriorityList>> {
    let index = ListIndex::new(current, quarters_looked_at(m), profiles, records, scores)?;
    let list = ListContext::new(m, current, profiles, &index)?;
    // Which schools each set lists, with their triggers, in profile order.
    let mut listed: Vec<Vec<(usize, Vec<FiredTrigger>)>> = vec![Vec::new(); forecast_sets.len()];
    for school in 0..profiles.len() {
        let fired = list.triggers_1_to_7(school);
        for (forecasts, listed) in forecast_sets.iter().zip(&mut listed) {
            let mut triggers = fired.clone();
            triggers.extend(list.forecast_trigger(school, forecasts));
            if !triggers.is_empty() {
                listed.push((school, triggers));
            }
        }
    }
    Ok(listed
        .into_iter()
        .map(|listed| PriorityList {
            period: current,
            model_version: m.version.clone(),
            rows: list.ranked_rows(listed),
        })
        .collect())
}

/// What every trigger and row of one quarter's lists reads, evaluated once for all schools.
struct ListContext<'a> {
    m: &'a Methodology,
    current: Period,
    profiles: &'a [SchoolProfile],
    index: &'a ListIndex<'a>,
    /// S2 events of each school in each quarter of the cluster window (trigger 3).
    school_s2: Vec<Vec<u32>>,
    /// Their sums by district.
    district_s2: HashMap<Kato, Vec<u32>>,
    /// Region thresholds of the backlog share (trigger 6).
    thresholds: HashMap<Kato, f64>,
    /// (P(exceed), EB rate per 1,000) of each school.
    exceed: Vec<(Option<f64>, Option<f64>)>,
}

impl<'a> ListContext<'a> {
    fn new(
        m: &'a Methodology,
        current: Period,
        profiles: &'a [SchoolProfile],
        index: &'a ListIndex<'a>,
    ) -> Result<Self> {
        let (school_s2, district_s2) = s2_windows(m, current, profiles, index);
        let thresholds = backlog_thresholds(m, current, profiles, index);
        let exceed = exceedance_probabilities(m, current, profiles, index)?;
        Ok(Self {
            m,
            current,
            profiles,
            index,
            school_s2,
            district_s2,
            thresholds,
            exceed,
        })
    }

    fn values(&self, school: usize, q: Period) -> Option<&'a MeasureValues> {
        self.index.values(school, q)
    }

    fn score(&self, school: usize, q: Period) -> Option<&'a UnitScore> {
        self.index.score(school, q)
    }

    /// The staffing gaps of `school` in the list's quarter.
    fn staffing(&self, school: usize) -> StaffingGap {
        let now = self.values(school, self.current);
        staffing_gap(
            &now.map(StaffingInput::from_measures).unwrap_or_default(),
            self.m.triggers.psych_required_class_sets,
        )
    }

    /// Triggers 1–7 of `school`, those that fire, in trigger order.
    fn triggers_1_to_7(&self, school: usize) -> Vec<FiredTrigger> {
        let (t, current) = (&self.m.triggers, self.current);
        let now = self.values(school, current);
        let score = self.score(school, current);
        let mut fired = Vec::new();
        let mut push = |trigger, evidence: Option<_>| {
            if let Some(evidence) = evidence {
                fired.push(FiredTrigger { trigger, evidence });
            }
        };
        push(
            Trigger::TopQuintile,
            top_quintile(
                score.and_then(|s| s.composite),
                score.and_then(|s| s.percent_rank_region),
                t.top_quintile_percent_rank,
            ),
        );
        push(Trigger::S2Event, s2_event(s2_events(self.m, now)));
        let school_window = &self.school_s2[school];
        let district_window = &self.district_s2[&self.profiles[school].place.district];
        push(
            Trigger::Cluster,
            school_cluster(school_window, t.cluster_school_min_events).or_else(|| {
                district_cluster(
                    district_window,
                    school_window,
                    t.cluster_district_min_events,
                )
            }),
        );
        push(Trigger::Exceedance, self.exceedance(school));
        push(
            Trigger::CopingGap,
            coping_gap(&self.staffing(school), t.psych_vacancy_max_quarters),
        );
        push(
            Trigger::Backlog,
            backlog(
                now.and_then(|v| count(v, &[Measure::IsuOpenOver90d])),
                now.and_then(|v| count(v, &[Measure::IsuOpenEnd])),
                self.thresholds
                    .get(&self.profiles[school].place.region)
                    .copied(),
            ),
        );
        let silence: Vec<_> = current
            .trailing(t.silence_quarters)
            .into_iter()
            .map(|q| (q, self.index.record(school, q).map(|r| r.submission)))
            .collect();
        push(Trigger::DataSilence, data_silence(&silence));
        fired
    }

    /// Trigger 4 of `school`: this quarter's count against its baseline.
    fn exceedance(&self, school: usize) -> Option<Evidence> {
        let t = &self.m.triggers;
        let counted = |q: Period| {
            self.values(school, q)
                .and_then(|v| count(v, &t.exceedance_measures))
        };
        let baseline: Vec<Option<u32>> = self
            .current
            .previous()
            .trailing(t.exceedance_baseline_quarters)
            .into_iter()
            .map(counted)
            .collect();
        exceedance(
            counted(self.current),
            &baseline,
            t.exceedance_p_value,
            t.exceedance_min_count,
            t.exceedance_min_baseline_quarters,
        )
    }

    /// Trigger 8 of `school` under one set of district forecasts.
    fn forecast_trigger(
        &self,
        school: usize,
        forecasts: &HashMap<Kato, Vec<DistrictForecast>>,
    ) -> Option<FiredTrigger> {
        let probability = self.m.triggers.forecast_exceedance_probability;
        forecasts
            .get(&self.profiles[school].place.district)
            .and_then(|f| forecast_exceedance(f, probability))
            .map(|evidence| FiredTrigger {
                trigger: Trigger::ForecastExceedance,
                evidence,
            })
    }

    /// The rows of the `listed` schools in priority order: by P(exceed), then composite (both
    /// descending, missing last), then school id; ranked by position. The schools are sorted
    /// before their rows are made, so that each row is built where it stays (a row is large).
    fn ranked_rows(&self, mut listed: Vec<(usize, Vec<FiredTrigger>)>) -> Vec<HotspotRow> {
        let key = |o: Option<f64>| o.unwrap_or(f64::NEG_INFINITY);
        let composite = |i: usize| self.score(i, self.current).and_then(|s| s.composite);
        let id = |i: usize| self.profiles[i].identity.nobd_org_id.as_str();
        listed.sort_by(|&(a, _), &(b, _)| {
            key(self.exceed[b].0)
                .total_cmp(&key(self.exceed[a].0))
                .then(key(composite(b)).total_cmp(&key(composite(a))))
                .then_with(|| id(a).cmp(id(b)))
        });
        let mut rows = Vec::with_capacity(listed.len());
        for (position, (school, triggers)) in listed.into_iter().enumerate() {
            rows.push(self.row(school, triggers, position + 1));
        }
        rows
    }

    /// The §5.4 row of `school` with its fired `triggers`, at `rank`.
    fn row(&self, school: usize, triggers: Vec<FiredTrigger>, rank: usize) -> HotspotRow {
        let (m, current, p) = (self.m, self.current, &self.profiles[school]);
        let now = self.values(school, current);
        let get = |measure| now.and_then(|v| v.get(measure));
        let score = self.score(school, current);
        let sparkline: Vec<(Period, Option<f64>)> = current
            .trailing(SPARKLINE_QUARTERS)
            .into_iter()
            .map(|q| (q, self.score(school, q).and_then(|s| s.composite)))
            .collect();
        let previous = self
            .score(school, current.previous())
            .and_then(|s| s.composite);
        let composite = score.and_then(|s| s.composite);
        HotspotRow {
            rank,
            identity: p.identity.clone(),
            place: PlaceRow {
                place: p.place.clone(),
                distance_to_district_centre_km: p
                    .place
                    .location
                    .zip(p.place.district_centre)
                    .map(|(a, b)| distance_km(a, b)),
            },
            size: Size {
                pupils: get(Measure::PupilsTotal),
                class_sets: get(Measure::ClassSets),
            },
            risk: Risk {
                composite,
                quintile_region: score.and_then(|s| s.quintile_region),
                fixed_class: score
                    .and_then(|s| s.fixed_class)
                    .and_then(|c| m.bands.fixed_labels.get(c).cloned()),
                change_from_last_quarter: composite.zip(previous).map(|(a, b)| a - b),
                sparkline,
                reliability: score.map(|s| s.reliability),
                rank_interval: score.and_then(|s| s.rank_interval),
                p_exceed: self.exceed[school].0,
                eb_rate_per_1000: self.exceed[school].1,
            },
            why: Why {
                triggers,
                drivers: score.map(|s| s.drivers.clone()).unwrap_or_default(),
            },
            harm: Harm {
                s1: S1Counts {
                    viol_total: get(Measure::ViolTotal),
                    viol_physical: get(Measure::ViolPhysical),
                    viol_psychological: get(Measure::ViolPsychological),
                    viol_neglect: get(Measure::ViolNeglect),
                    viol_other: get(Measure::ViolOther),
                    bullying: get(Measure::BullyingCases),
                    cyberbullying: get(Measure::CyberbullyingCases),
                    register_opened: get(Measure::IsuOpened),
                    register_open: get(Measure::IsuOpenEnd),
                },
                s2: Restricted::new(S2Counts {
                    suicide_deaths: get(Measure::SuicideDeaths),
                    suicide_attempts: get(Measure::SuicideAttempts),
                    selfharm_episodes: get(Measure::SelfharmEpisodes),
                    viol_sexual: get(Measure::ViolSexual),
                    suicidal_risk_identified: get(Measure::SuicidalRiskIdentified),
                }),
            },
            capacity: Capacity {
                staffing: self.staffing(school),
                staff_trained: get(Measure::StaffTrainedChildProtection),
            },
            contacts: p.contacts.clone(),
            role_references: &ROLE_REFERENCES,
            response: p.response.clone(),
            metadata: Metadata {
                data_quarter: current,
                submission: self.index.record(school, current).map(|r| r.submission),
                model_version: m.version.clone(),
                watermark: WATERMARK,
            },
        }
    }
}

/// The S2 events of each school in each quarter of the cluster window (trigger 3), and their
/// sums by district.
fn s2_windows(
    m: &Methodology,
    current: Period,
    profiles: &[SchoolProfile],
    index: &ListIndex<'_>,
) -> (Vec<Vec<u32>>, HashMap<Kato, Vec<u32>>) {
    let cluster_window = current.trailing(m.triggers.cluster_window_quarters);
    let school_s2: Vec<Vec<u32>> = (0..profiles.len())
        .map(|i| {
            let s2 = |q: Period| s2_events(m, index.values(i, q));
            cluster_window.iter().map(|&q| s2(q)).collect()
        })
        .collect();
    let mut district_s2: HashMap<Kato, Vec<u32>> = HashMap::new();
    for (p, school) in profiles.iter().zip(&school_s2) {
        let district = district_s2
            .entry(p.place.district)
            .or_insert_with(|| vec![0; cluster_window.len()]);
        for (sum, events) in district.iter_mut().zip(school) {
            *sum += events;
        }
    }
    (school_s2, district_s2)
}

/// The region thresholds of the backlog share (trigger 6): its `backlog_region_quantile` over
/// the region's schools with an open register in the list's quarter.
fn backlog_thresholds(
    m: &Methodology,
    current: Period,
    profiles: &[SchoolProfile],
    index: &ListIndex<'_>,
) -> HashMap<Kato, f64> {
    let mut shares: HashMap<Kato, Vec<f64>> = HashMap::new();
    for (i, p) in profiles.iter().enumerate() {
        if let Some(share) = index.values(i, current).and_then(backlog_share) {
            shares.entry(p.place.region).or_default().push(share);
        }
    }
    shares
        .into_iter()
        .filter_map(|(region, mut list)| {
            list.sort_by(f64::total_cmp);
            quantile_sorted(&list, m.triggers.backlog_region_quantile).map(|q| (region, q))
        })
        .collect()
}

/// S2 events of one record (0 without a record or a reported measure).
fn s2_events(m: &Methodology, values: Option<&MeasureValues>) -> u32 {
    values
        .and_then(|v| count(v, &m.triggers.s2_event_measures))
        .unwrap_or(0)
}

/// How many quarters, ending with the list's, the list looks at: the cluster window, the
/// exceedance baseline before the list's quarter, the silence window, the sparkline, the rank
/// window and the previous quarter (the change of the composite).
fn quarters_looked_at(m: &Methodology) -> usize {
    let t = &m.triggers;
    [
        t.cluster_window_quarters,
        t.exceedance_baseline_quarters + 1,
        t.silence_quarters,
        SPARKLINE_QUARTERS,
        m.priority.rank_window_quarters,
        2,
    ]
    .into_iter()
    .max()
    .unwrap_or(2)
}

/// Sum of the reported `measures` as a whole count; `None` when none is reported.
fn count(values: &MeasureValues, measures: &[Measure]) -> Option<u32> {
    let (mut sum, mut any) = (0.0, false);
    for v in measures.iter().filter_map(|&x| values.get(x)) {
        sum += v;
        any = true;
    }
    any.then(|| sum.max(0.0).round() as u32)
}

/// `isu_open_over_90d / isu_open_end` when the register is not empty.
fn backlog_share(values: &MeasureValues) -> Option<f64> {
    let open = values.get(Measure::IsuOpenEnd).filter(|o| *o > 0.0)?;
    Some(values.get(Measure::IsuOpenOver90d)? / open)
}

/// (P(λ > national rate), posterior mean per 1,000 pupils a year) of every profile.
fn exceedance_probabilities(
    m: &Methodology,
    current: Period,
    profiles: &[SchoolProfile],
    index: &ListIndex<'_>,
) -> Result<Vec<(Option<f64>, Option<f64>)>> {
    let window = current.trailing(m.priority.rank_window_quarters);
    let mut events = vec![0.0; profiles.len()];
    let mut pupils = vec![0.0; profiles.len()];
    for i in 0..profiles.len() {
        for &q in &window {
            let Some(v) = index.values(i, q) else {
                continue;
            };
            if let (Some(e), Some(b)) = (
                count(v, &m.priority.rank_measures),
                v.get(Measure::PupilsTotal),
            ) {
                events[i] += f64::from(e);
                pupils[i] += b.max(0.0);
            }
        }
    }
    let data = RateData::new(&events, &pupils)?;
    let Some(national) = data.global_rate() else {
        return Ok(vec![(None, None); profiles.len()]);
    };
    let districts: Vec<String> = profiles
        .iter()
        .map(|p| p.place.district.to_string())
        .collect();
    let groups = group_index(&districts);
    let hierarchical = hierarchical_eb(&data, &groups, None)?;
    let global = eb_posteriors(&global_eb(&data)?, &data);
    Ok((0..profiles.len())
        .map(|i| {
            let jeffreys = GammaPrior {
                shape: 0.5,
                rate: 0.0,
            };
            let fallback = data
                .is_valid(i)
                .then(|| jeffreys.posterior(events[i], pupils[i]));
            hierarchical.posteriors[i].or(global[i]).or(fallback)
        })
        .map(|posterior| match posterior {
            // Rates are per pupil-quarter: ×4 per year, ×1,000 pupils.
            Some(post) => (
                Some(post.prob_exceeds(national)),
                Some(post.mean() * 4000.0),
            ),
            None => (None, None),
        })
        .collect())
}
