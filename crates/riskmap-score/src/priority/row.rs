//! One row of the hotspot list with the column groups of domain §5.4 (identity, place, size,
//! risk, why, harm, capacity, contacts, response, metadata), and the school profile it is built
//! from. Restricted columns — personal contacts and exact S2 counts — are [`Restricted`]; the
//! server decides by role whether to reveal them, band them or drop them.

use riskmap_model::{Kato, Period, SchoolId, Settlement};
use time::Date;

use super::Restricted;
use super::triggers::FiredTrigger;
use crate::composite::{Driver, RankInterval, Reliability, Submission};
use crate::staffing::StaffingGap;

/// Watermark of every screen and export of the list (domain §5.4 metadata).
pub const WATERMARK: &str = "служебное, не пересылать";

/// Role-only references shown with the contacts; public, so not restricted.
pub const ROLE_REFERENCES: [&str; 4] = [
    "juvenile-affairs police inspector (ИПДН)",
    "regional psychological support centre",
    "helpline 111",
    "helpline 150",
];

/// What the server knows about a school besides its quarterly measures.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolProfile {
    /// Identity columns.
    pub identity: Identity,
    /// Place columns.
    pub place: Place,
    /// Contacts (contract table C; Role C and Tier M only).
    pub contacts: Restricted<Vec<Contact>>,
    /// What the crisis team entered (school level, never child details).
    pub response: Option<CrisisResponse>,
}

/// Identity group.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    /// `nobd_org_id` (also the unit id of the school's `UnitPeriodInput`s).
    pub nobd_org_id: SchoolId,
    /// Kazakh name.
    pub name_kk: String,
    /// Russian name.
    pub name_ru: String,
    /// BIN.
    pub bin: Option<String>,
    /// Contract `org_type`.
    pub school_type: String,
    /// Small-class (малокомплектная) school.
    pub small_class: bool,
    /// Languages of instruction.
    pub languages: Vec<String>,
}

/// Place group.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// Region KATO.
    pub region: Kato,
    /// Region name (kk).
    pub region_name_kk: String,
    /// Region name (ru).
    pub region_name_ru: String,
    /// District KATO (the district cluster and the EB prior group).
    pub district: Kato,
    /// District name (kk).
    pub district_name_kk: String,
    /// District name (ru).
    pub district_name_ru: String,
    /// The school's own KATO.
    pub kato: Kato,
    /// Urban or rural.
    pub settlement: Settlement,
    /// Address (kk).
    pub address_kk: Option<String>,
    /// Address (ru).
    pub address_ru: Option<String>,
    /// WGS84 (lon, lat).
    pub location: Option<(f64, f64)>,
    /// WGS84 (lon, lat) of the district centre, for the optional distance column.
    pub district_centre: Option<(f64, f64)>,
}

/// Roles of table C.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactRole {
    /// Director.
    Director,
    /// Deputy director for upbringing (воспитательная работа).
    DeputyUpbringing,
    /// Psychologist.
    Psychologist,
    /// Social pedagogue.
    SocialPedagogue,
    /// District education department focal point.
    DistrictFocalPoint,
}

/// One contact (personal data: work contacts only).
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Role.
    pub role: ContactRole,
    /// Full name.
    pub full_name: String,
    /// Work phone.
    pub work_phone: Option<String>,
    /// Work e-mail.
    pub work_email: Option<String>,
    /// FTE (psychologist, social pedagogue).
    pub fte: Option<f64>,
}

/// Status of the crisis team's work on a school.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseStatus {
    /// Not yet looked at.
    New,
    /// Being worked on.
    InWork,
    /// Under monitoring.
    Monitoring,
    /// Closed.
    Closed,
}

/// The response group, entered by the crisis team.
#[derive(Debug, Clone, PartialEq)]
pub struct CrisisResponse {
    /// Status.
    pub status: ResponseStatus,
    /// Last visit.
    pub last_visit: Option<Date>,
    /// Actions taken.
    pub actions: String,
    /// Next review.
    pub next_review: Option<Date>,
    /// Notes (school level only).
    pub notes: String,
}

/// One row of the hotspot list.
#[derive(Debug, Clone, PartialEq)]
pub struct HotspotRow {
    /// 1-based position in the list.
    pub rank: usize,
    /// Identity group.
    pub identity: Identity,
    /// Place group (with the distance to the district centre when both points are known).
    pub place: PlaceRow,
    /// Size group.
    pub size: Size,
    /// Risk group.
    pub risk: Risk,
    /// Why group: fired triggers and top drivers.
    pub why: Why,
    /// Harm group.
    pub harm: Harm,
    /// Capacity group.
    pub capacity: Capacity,
    /// Contacts (restricted).
    pub contacts: Restricted<Vec<Contact>>,
    /// Role-only references (public).
    pub role_references: &'static [&'static str],
    /// Response group.
    pub response: Option<CrisisResponse>,
    /// Metadata group.
    pub metadata: Metadata,
}

/// Place columns of a row.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRow {
    /// The profile's place.
    pub place: Place,
    /// Great-circle distance to the district centre (km).
    pub distance_to_district_centre_km: Option<f64>,
}

/// Size columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Pupils.
    pub pupils: Option<f64>,
    /// Class sets.
    pub class_sets: Option<f64>,
}

/// Risk columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    /// Composite 0–10.
    pub composite: Option<f64>,
    /// Quintile within the region.
    pub quintile_region: Option<u8>,
    /// Fixed class label.
    pub fixed_class: Option<String>,
    /// Composite change from the previous quarter.
    pub change_from_last_quarter: Option<f64>,
    /// Composite of the last 8 quarters, oldest first (the sparkline).
    pub sparkline: Vec<(Period, Option<f64>)>,
    /// Completeness and small-denominator flag.
    pub reliability: Option<Reliability>,
    /// Monte Carlo rank interval.
    pub rank_interval: Option<RankInterval>,
    /// P(S1 rate > national rate | data), the list's first sort key.
    pub p_exceed: Option<f64>,
    /// Posterior mean S1 rate per 1,000 pupils a year.
    pub eb_rate_per_1000: Option<f64>,
}

/// Why columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Why {
    /// Every fired trigger with its evidence, in trigger order.
    pub triggers: Vec<FiredTrigger>,
    /// Top 3 drivers of the composite.
    pub drivers: Vec<Driver>,
}

/// S1 counts of the current quarter.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct S1Counts {
    /// `viol_total`.
    pub viol_total: Option<f64>,
    /// `viol_physical`.
    pub viol_physical: Option<f64>,
    /// `viol_psychological`.
    pub viol_psychological: Option<f64>,
    /// `viol_neglect`.
    pub viol_neglect: Option<f64>,
    /// `viol_other`.
    pub viol_other: Option<f64>,
    /// `bullying_cases`.
    pub bullying: Option<f64>,
    /// `cyberbullying_cases`.
    pub cyberbullying: Option<f64>,
    /// `isu_opened`.
    pub register_opened: Option<f64>,
    /// `isu_open_end`.
    pub register_open: Option<f64>,
}

/// Exact S2 counts of the current quarter.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct S2Counts {
    /// `suicide_deaths`.
    pub suicide_deaths: Option<f64>,
    /// `suicide_attempts`.
    pub suicide_attempts: Option<f64>,
    /// `selfharm_episodes`.
    pub selfharm_episodes: Option<f64>,
    /// `viol_sexual`.
    pub viol_sexual: Option<f64>,
    /// `suicidal_risk_identified`.
    pub suicidal_risk_identified: Option<f64>,
}

/// Harm columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Harm {
    /// S1 counts.
    pub s1: S1Counts,
    /// S2 counts (restricted: exact for Role C, a band for Tier A).
    pub s2: Restricted<S2Counts>,
}

/// Capacity columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capacity {
    /// Psychologist and social-pedagogue gaps.
    pub staffing: StaffingGap,
    /// `staff_trained_child_protection` this quarter.
    pub staff_trained: Option<f64>,
}

/// Metadata columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Metadata {
    /// The quarter of the data.
    pub data_quarter: Period,
    /// Timeliness of that quarter's submission (`None` = nothing arrived).
    pub submission: Option<Submission>,
    /// Methodology version.
    pub model_version: String,
    /// The watermark.
    pub watermark: &'static str,
}

/// Haversine distance in km between two WGS84 (lon, lat) points (mean Earth radius 6371.0088).
///
/// # Examples
///
/// ```
/// use riskmap_score::priority::row::distance_km;
///
/// // Astana to Almaty, about 970 km.
/// let d = distance_km((71.43, 51.13), (76.95, 43.24));
/// assert!((d - 970.0).abs() < 10.0, "{d}");
/// ```
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().min(1.0).asin()
}
