//! Plausibility outliers (domain §6.5): an S1 rate more than `outlier_z` robust z-scores from
//! the median of its region and quarter in the same file → `W_OUTLIER` (a warning).
//!
//! Definition: for the rates `x` of a group, `z = (x − median) / (1.4826 · MAD)` where MAD is
//! the median absolute deviation from the median. When MAD is 0 (common for counts with many
//! zeros) the scale falls back to `1.2533 · mean absolute deviation` (Iglewicz & Hoaglin,
//! "How to Detect and Handle Outliers", 1993, the modified z-score; the fallback is the one
//! used by IBM SPSS). Only schools whose denominator reaches `outlier_min_denominator` (100
//! pupils, the threshold below which domain §4.3 shows no school rates) take part. Groups
//! smaller than `outlier_min_group` are skipped, and a rate above the
//! median is reported only when its numerator has at least `outlier_min_events` events (one or
//! two events in a small school are not implausible, however high the rate).
//!
//! Memory is bounded per group: a deterministic reservoir of 1,024 rates estimates the median
//! and MAD (exact for groups up to that size), and the 16 highest and 16 lowest rates are
//! always kept as candidates, so a group of any size costs at most about 10 KiB.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use crate::checks::Cols;
use crate::contract::{Table, TableName};
use crate::finding::{Code, Finding, Findings};
use crate::hash::PassThrough;
use crate::outcome::Options;
use crate::value::Value;

const RESERVOIR: usize = 1024;
const EXTREMES: usize = 16;
/// Top bit of a sampled row number: the numerator reached `outlier_min_events`.
const ELIGIBLE: u32 = 1 << 31;
/// At most this many rates are checked per row.
pub(crate) const MAX_RATES: usize = 16;

/// Region digits and quarter, packed: `region · 100000 + year · 10 + quarter`.
pub(crate) type GroupKey = u32;

pub(crate) struct Outliers {
    rates: Vec<(usize, usize, f64)>,
    groups: HashMap<GroupKey, Vec<Group>, BuildHasherDefault<PassThrough>>,
}

#[derive(Default)]
struct Group {
    sample: Vec<(f32, u32)>,
    seen: u64,
    high: Vec<(f32, u32)>,
    low: Vec<(f32, u32)>,
    state: u64,
}

impl Outliers {
    pub(crate) fn new(table: &Table, options: &Options) -> Self {
        let rates = if table.name == TableName::SchoolQuarter {
            options
                .outlier_rates
                .iter()
                .filter_map(|r| {
                    Some((
                        table.index(&r.numerator)?,
                        table.index(&r.denominator)?,
                        r.per,
                    ))
                })
                .take(MAX_RATES)
                .collect()
        } else {
            Vec::new()
        };
        Self {
            rates,
            groups: HashMap::default(),
        }
    }

    /// Computes the rates of one row (on a worker thread): `NaN` where not defined, negative
    /// when the numerator has fewer than `min_events` events (such a rate counts towards the
    /// median but is never reported as a high outlier).
    pub(crate) fn rates_of(&self, values: &[Value], options: &Options) -> [f32; MAX_RATES] {
        let mut rates = [f32::NAN; MAX_RATES];
        let min_events = options.outlier_min_events;
        for (slot, (num, den, per)) in rates.iter_mut().zip(&self.rates) {
            if let (Some(n), Some(d)) = (values[*num].as_f64(), values[*den].as_f64())
                && d > 0.0
                && d >= options.outlier_min_denominator
            {
                let rate = (n / d * per) as f32;
                *slot = if n >= min_events { rate } else { -rate - 1.0 };
            }
        }
        rates
    }

    /// The group (region and quarter) of a row, when it has both (on a worker thread).
    pub(crate) fn group_of(&self, values: &[Value], cols: &Cols) -> Option<GroupKey> {
        if self.rates.is_empty() {
            return None;
        }
        let (Some(Value::Kato(kato)), Some(Value::Period(period))) = (
            cols.kato.map(|i| &values[i]),
            cols.period.map(|i| &values[i]),
        ) else {
            return None;
        };
        let region = kato
            .region_prefix()
            .bytes()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
        Some(region * 100_000 + u32::from(period.year()) * 10 + u32::from(period.quarter()))
    }

    /// Samples the rates of one valid row of `group`.
    pub(crate) fn add(&mut self, row: u64, group: Option<GroupKey>, rates: &[f32; MAX_RATES]) {
        let Some(key) = group else {
            return;
        };
        let row = u32::try_from(row).unwrap_or(u32::MAX) & !ELIGIBLE;
        let n_rates = self.rates.len();
        let groups = self
            .groups
            .entry(key)
            .or_insert_with(|| (0..n_rates).map(|_| Group::default()).collect());
        for (rate, group) in rates.iter().zip(groups.iter_mut()) {
            if rate.is_nan() {
                continue;
            }
            let eligible = *rate >= 0.0;
            let rate = if eligible { *rate } else { -*rate - 1.0 };
            group.add(rate, row | if eligible { ELIGIBLE } else { 0 });
        }
    }

    /// Adds the outlier warnings to `findings`, in row order; messages are built only for the
    /// findings that will be stored.
    pub(crate) fn finish(
        &self,
        file: &str,
        sheet: Option<&str>,
        options: &Options,
        findings: &mut Findings,
    ) {
        // The groups are judged on all cores (the file has been read, the workers are idle);
        // a row has one rate per group, so the sort puts the hits in one order.
        let groups: Vec<(&GroupKey, &Vec<Group>)> = self.groups.iter().collect();
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let share = groups.len().div_ceil(threads).max(1);
        let mut hits: Vec<Hit> = std::thread::scope(|scope| {
            let handles: Vec<_> = groups
                .chunks(share)
                .map(|part| scope.spawn(move || hits_in(part, options)))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        hits.sort_by_key(|h| (h.0, h.1));
        hits.dedup_by_key(|h| (h.0, h.1));
        for (row, idx, rate, z, median, key) in hits {
            if !findings.has_room(Code::Outlier) {
                findings.count(Code::Outlier);
                continue;
            }
            let spec = &options.outlier_rates[idx];
            let (region, year, quarter) = (key / 100_000, key % 100_000 / 10, key % 10);
            let message = format!(
                "{} = {rate:.1} per {} is {z:+.1} robust z from the median {median:.1} of region {region:02} in {year}-Q{quarter}",
                spec.code, spec.per
            );
            findings.push(Finding {
                code: Code::Outlier,
                severity: Code::Outlier.severity(),
                file: file.to_owned(),
                sheet: sheet.map(str::to_owned),
                row: Some(u64::from(row)),
                column: Some(spec.numerator.clone()),
                message,
            });
        }
    }
}

/// An outlier: row, rate index, rate, z, median, group.
type Hit = (u32, usize, f32, f64, f64, GroupKey);

/// The outliers of some groups.
fn hits_in(groups: &[(&GroupKey, &Vec<Group>)], options: &Options) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (key, groups) in groups {
        for (idx, group) in groups.iter().enumerate() {
            if group.seen < options.outlier_min_group as u64 {
                continue;
            }
            let Some((median, scale)) = group.centre_and_scale() else {
                continue;
            };
            // A row kept both in the sample and among the extremes is a hit twice, with the
            // same values: `finish` keeps one.
            for &(rate, tagged) in group.sample.iter().chain(&group.high).chain(&group.low) {
                let z = (f64::from(rate) - median) / scale;
                let eligible = tagged & ELIGIBLE != 0 || z < 0.0;
                if z.abs() > options.outlier_z && eligible {
                    hits.push((tagged & !ELIGIBLE, idx, rate, z, median, **key));
                }
            }
        }
    }
    hits
}

impl Group {
    fn add(&mut self, rate: f32, row: u32) {
        self.seen += 1;
        if self.sample.len() < RESERVOIR {
            self.sample.push((rate, row));
        } else {
            // SplitMix64 step: deterministic, so the same file gives the same report.
            self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            let j = (z ^ (z >> 31)) % self.seen;
            if (j as usize) < RESERVOIR {
                self.sample[j as usize] = (rate, row);
            }
        }
        keep_extreme(&mut self.high, (rate, row), |a, b| a > b);
        keep_extreme(&mut self.low, (rate, row), |a, b| a < b);
    }

    fn centre_and_scale(&self) -> Option<(f64, f64)> {
        let mut rates: Vec<f64> = self.sample.iter().map(|(r, _)| f64::from(*r)).collect();
        let median = median_of(&mut rates)?;
        let mut deviations: Vec<f64> = rates.iter().map(|r| (r - median).abs()).collect();
        let mad = median_of(&mut deviations)?;
        let scale = if mad > 0.0 {
            1.4826 * mad
        } else {
            // Summed in ascending order, so the mean is the same however the median was found.
            deviations.sort_by(f64::total_cmp);
            1.2533 * deviations.iter().sum::<f64>() / deviations.len() as f64
        };
        (scale > 0.0).then_some((median, scale))
    }
}

fn keep_extreme(list: &mut Vec<(f32, u32)>, item: (f32, u32), better: impl Fn(f32, f32) -> bool) {
    if list.len() < EXTREMES {
        list.push(item);
        // Keep the least extreme entry first, so most rows are turned away by one comparison.
        let worst = worst_index(list, &better);
        list.swap(0, worst);
        return;
    }
    if !better(item.0, list[0].0) {
        return;
    }
    list[0] = item;
    let worst = worst_index(list, &better);
    list.swap(0, worst);
}

fn worst_index(list: &[(f32, u32)], better: &impl Fn(f32, f32) -> bool) -> usize {
    let mut worst = 0;
    for (idx, entry) in list.iter().enumerate().skip(1) {
        if better(list[worst].0, entry.0) {
            worst = idx;
        }
    }
    worst
}

/// The median, ordering by `f64::total_cmp`; reorders `values` (a selection, not a sort).
fn median_of(values: &mut [f64]) -> Option<f64> {
    let len = values.len();
    if len == 0 {
        return None;
    }
    let mid = len / 2;
    let (below, upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    if len % 2 == 1 {
        return Some(upper);
    }
    // The element just below the middle of the sorted order is the largest of `below`.
    let lower = below.iter().copied().max_by(f64::total_cmp)?;
    Some((lower + upper) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robust_scale_uses_mad_and_falls_back_to_mean_deviation() {
        let mut group = Group::default();
        for (row, rate) in [10.0, 12.0, 11.0, 9.0, 10.0, 13.0, 10.0, 11.0, 9.0, 95.0]
            .iter()
            .enumerate()
        {
            group.add(*rate, row as u32);
        }
        let (median, scale) = group.centre_and_scale().unwrap();
        assert_eq!(median, 10.5);
        assert!((scale - 1.4826).abs() < 1e-9, "MAD is 1");
        let mut zeros = Group::default();
        for row in 0..9 {
            zeros.add(0.0, row);
        }
        zeros.add(50.0, 9);
        let (median, scale) = zeros.centre_and_scale().unwrap();
        assert_eq!(median, 0.0);
        assert!((scale - 1.2533 * 5.0).abs() < 1e-9);
    }

    #[test]
    fn extremes_survive_a_full_reservoir() {
        let mut group = Group::default();
        for row in 0..5000 {
            group.add((row % 7) as f32, row);
        }
        group.add(1000.0, 5000);
        assert!(
            group
                .sample
                .iter()
                .chain(&group.high)
                .any(|(rate, row)| *rate == 1000.0 && *row == 5000)
        );
        assert!(group.sample.len() <= RESERVOIR && group.high.len() <= EXTREMES);
    }
}
