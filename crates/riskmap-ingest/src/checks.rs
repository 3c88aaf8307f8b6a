//! Per-row rules of domain §6.5 that involve more than one cell or the caller's context:
//! sums, "of which" subsets, register stock and flow, period consistency, timeliness, KATO
//! existence and region, school existence, register continuity, region names.

use std::sync::OnceLock;

use riskmap_model::period::kazakhstan_date;
use riskmap_model::{Kato, Period, SchoolId};
use time::Date;

use crate::contract::{Table, TableName};
use crate::engine::Examiner;
use crate::finding::{Code, Finding};
use crate::regions::{RegionMatch, RegionNames};
use crate::value::{StatPeriod, Value, format_date};

/// A stock-and-flow rule by column position: code, end, start, inflows, outflows.
type Flow = (Code, usize, usize, Vec<usize>, Vec<usize>);

/// Column positions the checks use, resolved once per file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cols {
    pub(crate) key: Vec<usize>,
    sums: Vec<(Code, usize, Vec<usize>)>,
    subsets: Vec<(usize, usize)>,
    flows: Vec<Flow>,
    pub(crate) school: Option<usize>,
    pub(crate) kato: Option<usize>,
    pub(crate) period: Option<usize>,
    period_start: Option<usize>,
    period_end: Option<usize>,
    submitted_at: Option<usize>,
    isu_open_start: Option<usize>,
    kato_version: Option<usize>,
    valid_from: Option<usize>,
    valid_to: Option<usize>,
    grade_min: Option<usize>,
    grade_max: Option<usize>,
    region: Option<usize>,
    revision: Option<usize>,
    lat: Option<usize>,
    lon: Option<usize>,
}

impl Cols {
    pub(crate) fn new(table: &Table) -> Self {
        let at = |name: &str| table.index(name);
        let many = |names: &[String]| {
            names
                .iter()
                .filter_map(|n| table.index(n))
                .collect::<Vec<_>>()
        };
        let must = |name: &str| {
            table
                .index(name)
                .expect("Contract::parse checks rule columns")
        };
        Self {
            key: many(&table.key),
            sums: table
                .sum_rules
                .iter()
                .map(|r| (r.code, must(&r.total), many(&r.parts)))
                .collect(),
            subsets: table
                .subset_rules
                .iter()
                .map(|r| (must(&r.part), must(&r.whole)))
                .collect(),
            flows: table
                .flow_rules
                .iter()
                .map(|r| {
                    (
                        r.code,
                        must(&r.end),
                        must(&r.start),
                        many(&r.plus),
                        many(&r.minus),
                    )
                })
                .collect(),
            school: at("nobd_org_id"),
            kato: at("kato"),
            period: at("period"),
            period_start: at("period_start"),
            period_end: at("period_end"),
            submitted_at: at("submitted_at"),
            isu_open_start: at("isu_open_start"),
            kato_version: at("kato_version"),
            valid_from: at("valid_from"),
            valid_to: at("valid_to"),
            grade_min: at("grade_min"),
            grade_max: at("grade_max"),
            region: at("region"),
            revision: at("revision"),
            lat: at("lat"),
            lon: at("lon"),
        }
    }
}

/// The checks of one row.
pub(crate) struct RowCtx<'e, 'a> {
    pub(crate) engine: &'e Examiner<'a>,
    pub(crate) row: u64,
    pub(crate) found: &'e mut Vec<Finding>,
}

impl RowCtx<'_, '_> {
    fn push(&mut self, code: Code, column: usize, message: String) {
        let name = &self.engine.table.columns[column].name;
        let finding = self.engine.finding(code, self.row, Some(name), message);
        self.found.push(finding);
    }

    pub(crate) fn check(&mut self, values: &mut [Value]) {
        let engine = self.engine;
        let cols = &engine.cols;
        let int = |idx: usize| values[idx].as_int();
        for (code, total, parts) in &cols.sums {
            let Some(total_value) = int(*total) else {
                continue;
            };
            // Summed without collecting: this runs for every rule of every row.
            let Some(sum) = parts.iter().try_fold(0i64, |acc, p| Some(acc + int(*p)?)) else {
                continue;
            };
            if sum != total_value {
                let names = self.names(parts).join(" + ");
                let total_name = self.engine.table.columns[*total].name.clone();
                self.push(
                    *code,
                    *total,
                    format!("{names} = {sum} ≠ {total_name} = {total_value}"),
                );
            }
        }
        for (part, whole) in &cols.subsets {
            if let (Some(p), Some(w)) = (values[*part].as_f64(), values[*whole].as_f64())
                && p > w
            {
                let whole_name = self.engine.table.columns[*whole].name.clone();
                self.push(
                    Code::Subset,
                    *part,
                    format!("{p} exceeds {whole_name} = {w}"),
                );
            }
        }
        for (code, end, start, plus, minus) in &cols.flows {
            let sum = |idx: &[usize]| idx.iter().try_fold(0i64, |acc, i| Some(acc + int(*i)?));
            let (Some(end_value), Some(start_value), Some(inflow), Some(outflow)) =
                (int(*end), int(*start), sum(plus), sum(minus))
            else {
                continue;
            };
            let expected = start_value + inflow - outflow;
            if expected != end_value {
                let message = format!("start + opened − closed = {expected} ≠ end = {end_value}");
                self.push(*code, *end, message);
            }
        }
        if let Some(idx) = cols.school
            && let Some(id) = values[idx].as_text()
            && !school_id_ok(id)
        {
            let message = format!(
                "{id:?} is not a NOBD organisation id (1–32 characters of A-Z a-z 0-9 _ . -)"
            );
            self.push(Code::Type, idx, message);
        }
        match self.engine.table.name {
            TableName::SchoolQuarter => self.quarter(values),
            TableName::SchoolReference => self.reference(values),
            TableName::SchoolContacts => self.order(values),
            TableName::LegalStats => self.legal(values),
        }
    }

    fn names(&self, idx: &[usize]) -> Vec<String> {
        idx.iter()
            .map(|i| self.engine.table.columns[*i].name.clone())
            .collect()
    }

    fn quarter(&mut self, values: &[Value]) {
        let engine = self.engine;
        let cols = &engine.cols;
        let Some(Value::Period(period)) = cols.period.map(|i| &values[i]) else {
            return;
        };
        let period = *period;
        let (start, end, due) = quarter_dates(period);
        for (idx, expected) in [(cols.period_start, start), (cols.period_end, end)] {
            if let Some(idx) = idx
                && let Value::Date(date) = &values[idx]
                && *date != expected
            {
                let message = format!(
                    "{} does not match {period} (expected {})",
                    format_date(*date),
                    format_date(expected)
                );
                self.push(Code::Period, idx, message);
            }
        }
        if let Some(idx) = cols.submitted_at
            && let Value::Timestamp(at) = &values[idx]
            && kazakhstan_date(*at) > due
        {
            let days = (kazakhstan_date(*at) - due).whole_days();
            let message = format!(
                "submitted {days} days after the due date {}",
                format_date(due)
            );
            self.push(Code::Late, idx, message);
        }
        self.kato(values, end);
        let Some(school) = cols.school.and_then(|i| values[i].as_text()) else {
            return;
        };
        if self.engine.ctx.school_known(school, period) == Some(false) {
            let message = format!("school {school} is not in school_reference for {period}");
            self.push(
                Code::SchoolUnknown,
                cols.school.expect("checked above"),
                message,
            );
        }
        if let Some(idx) = cols.isu_open_start
            && let Some(start) = values[idx].as_int()
            && let Some(previous) = self.engine.ctx.open_end(school, period.previous())
            && previous != start
        {
            let message = format!(
                "isu_open_start = {start}, but isu_open_end of {} was {previous}",
                period.previous()
            );
            self.push(Code::IsuContinuity, idx, message);
        }
        if let Some(idx) = cols.revision
            && let Some(revision) = values[idx].as_int()
            && let Some(stored) = self.engine.ctx.stored_revision(school, period)
            && stored > 0
            && revision <= i64::from(stored)
        {
            let message = format!(
                "revision {revision} of {school} {period} is already stored (highest stored revision {stored}); resubmit with revision {}",
                stored + 1
            );
            self.push(Code::RevisionStored, idx, message);
        }
    }

    fn reference(&mut self, values: &[Value]) {
        let engine = self.engine;
        let cols = &engine.cols;
        let on = [cols.kato_version, cols.valid_from]
            .into_iter()
            .flatten()
            .find_map(|i| match &values[i] {
                Value::Date(d) => Some(*d),
                _ => None,
            });
        if let Some(on) = on {
            self.kato(values, on);
        }
        if let Some(idx) = cols.kato
            && let Value::Kato(kato) = &values[idx]
        {
            let coordinate = |i: Option<usize>| i.and_then(|i| values[i].as_f64());
            let lon_lat = coordinate(cols.lon).zip(coordinate(cols.lat));
            if self.engine.ctx.district_found(kato, lon_lat) == Some(false) {
                let place = match lon_lat {
                    Some((lon, lat)) => format!("lat {lat}, lon {lon} lies in no district and "),
                    None => "no lat/lon is given and ".to_owned(),
                };
                let message = format!(
                    "{place}no district shares the first four digits of KATO {kato}; the school cannot be placed on the map"
                );
                self.push(Code::DistrictUnknown, idx, message);
            }
        }
        if let (Some(lo), Some(hi)) = (cols.grade_min, cols.grade_max)
            && let (Some(a), Some(b)) = (values[lo].as_int(), values[hi].as_int())
            && a > b
        {
            self.push(
                Code::Range,
                lo,
                format!("grade_min {a} is above grade_max {b}"),
            );
        }
        self.order(values);
    }

    fn order(&mut self, values: &[Value]) {
        let cols = &self.engine.cols;
        if let (Some(from), Some(to)) = (cols.valid_from, cols.valid_to)
            && let (Value::Date(a), Value::Date(b)) = (&values[from], &values[to])
            && a > b
        {
            let message = format!(
                "valid_from {} is after valid_to {}",
                format_date(*a),
                format_date(*b)
            );
            self.push(Code::Range, from, message);
        }
    }

    fn legal(&mut self, values: &mut [Value]) {
        let engine = self.engine;
        let cols = &engine.cols;
        let (Some(kato_idx), Some(region_idx)) = (cols.kato, cols.region) else {
            return;
        };
        let named = values[region_idx]
            .as_text()
            .map(|name| (name.to_owned(), RegionNames::builtin().lookup(name)));
        match (&values[kato_idx], named) {
            (Value::Null, None) => {
                self.push(
                    Code::RegionUnknown,
                    region_idx,
                    "neither kato nor region is given".to_owned(),
                );
            }
            (Value::Null, Some((_, RegionMatch::Found(kato)))) => {
                values[kato_idx] = Value::Kato(kato)
            }
            (_, Some((name, RegionMatch::Ambiguous(katos)))) => {
                let codes: Vec<String> = katos.iter().map(Kato::to_string).collect();
                let message = format!(
                    "region name {name:?} matches {}; write the long form",
                    codes.join(" and ")
                );
                self.push(Code::RegionAmbiguous, region_idx, message);
            }
            (_, Some((name, RegionMatch::Unknown))) => {
                self.push(
                    Code::RegionUnknown,
                    region_idx,
                    format!("region name {name:?} is not known"),
                );
            }
            (Value::Kato(kato), Some((name, RegionMatch::Found(region))))
                if !kato.same_region(&region) =>
            {
                let message = format!("kato {kato} is not in region {name:?} ({region})");
                self.push(Code::KatoRegion, kato_idx, message);
            }
            _ => {}
        }
        let on = match cols.period.map(|i| &values[i]) {
            Some(Value::StatPeriod(StatPeriod::Quarter(p))) => p.end_date(),
            Some(Value::StatPeriod(StatPeriod::Year(y))) => last_day(*y, 4),
            Some(Value::StatPeriod(StatPeriod::Month(y, m))) => month_end(*y, *m),
            _ => return,
        };
        self.kato(values, on);
    }

    /// KATO exists on `on` and lies in the submitting region.
    fn kato(&mut self, values: &[Value], on: Date) {
        let Some(idx) = self.engine.cols.kato else {
            return;
        };
        let Value::Kato(kato) = &values[idx] else {
            return;
        };
        if self.engine.ctx.kato_known(kato, on) == Some(false) {
            let message = format!(
                "KATO {kato} is not in the classifier valid on {}",
                format_date(on)
            );
            self.push(Code::KatoUnknown, idx, message);
        }
        if let Some(region) = self.engine.options.submitting_region
            && !kato.same_region(&region)
        {
            let message = format!(
                "KATO {kato} is outside the submitting region {}",
                region.region()
            );
            self.push(Code::KatoRegion, idx, message);
        }
    }
}

/// The start, end and due dates of a quarter, from a table of every quarter a `Period` can
/// be (1900 to 2999) built on first use.
fn quarter_dates(period: Period) -> (Date, Date, Date) {
    static DATES: OnceLock<Vec<(Date, Date, Date)>> = OnceLock::new();
    let index = |p: Period| usize::from(p.year() - 1900) * 4 + usize::from(p.quarter() - 1);
    let dates = DATES.get_or_init(|| {
        (1900..=2999u16)
            .flat_map(|year| (1..=4u8).filter_map(move |q| Period::new(year, q).ok()))
            .map(|p| (p.start_date(), p.end_date(), p.due_date()))
            .collect()
    });
    dates
        .get(index(period))
        .copied()
        .unwrap_or_else(|| (period.start_date(), period.end_date(), period.due_date()))
}

/// Whether `SchoolId::parse` accepts `id`, without building one.
fn school_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= SchoolId::MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

fn last_day(year: u16, quarter: u8) -> Date {
    Period::new(year, quarter)
        .expect("a parsed year is in range")
        .end_date()
}

fn month_end(year: u16, month: u8) -> Date {
    let month = time::Month::try_from(month).expect("a parsed month is 1..=12");
    let first =
        Date::from_calendar_date(i32::from(year), month, 1).expect("first of a month exists");
    let next = if month == time::Month::December {
        Date::from_calendar_date(i32::from(year) + 1, time::Month::January, 1)
    } else {
        Date::from_calendar_date(i32::from(year), month.next(), 1)
    };
    next.expect("first of a month exists")
        .previous_day()
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    #[test]
    fn quarter_dates_come_from_the_period() {
        for text in ["1900-Q1", "2024-Q4", "2999-Q4", "2020-Q2"] {
            let p = riskmap_model::Period::parse(text).unwrap();
            assert_eq!(
                super::quarter_dates(p),
                (p.start_date(), p.end_date(), p.due_date())
            );
        }
    }

    #[test]
    fn school_ids_are_checked_as_the_model_parses_them() {
        for id in [
            "ORG-0001",
            "",
            "a b",
            "ид",
            "x".repeat(33).as_str(),
            "A_b.9-",
        ] {
            assert_eq!(
                super::school_id_ok(id),
                riskmap_model::SchoolId::parse(id).is_ok(),
                "{id}"
            );
        }
    }
}
