//! The scoring table behind `riskmap score`: every unit's rates, smoothed rates,
//! LISA and Gi* in one row, plus a global Moran summary. Pure: the caller reads and
//! writes the files.
//!
//! Pipeline of `score_units`:
//! 1. **Weights** from `WeightsSpec`: `rook`/`queen` contiguity on the polygons, or
//!    `knn:K`/`band:D` on points. Polygons used with `knn`/`band` are reduced to their
//!    planar area-weighted centroids in the input's own coordinates (what shapely's
//!    `centroid` gives and what the oracle's sids2 `centroids.csv` holds). Use a metric
//!    projection for schools: distances are in coordinate units.
//! 2. **Rates** (when events and population are given): raw rate, excess risk, global EB
//!    (truncated prior variance) with its Gamma posterior — shape, rate, P(λ > Σe/Σb) and
//!    the 95 % credible interval — and spatial rate / spatial EB on binary neighbour sets.
//!    Units with population ≤ 0 are excluded: their rate columns are empty.
//! 3. **Local statistics** on `value` when given, else on the global EB rate, over the units
//!    where that variable is defined (weights restricted to them): LISA with
//!    row-standardised weights (spdep-scaled I_i, total and conditional z, quadrant,
//!    conditional-permutation p_sim), Gi* with binary weights plus self (Ord–Getis z,
//!    two-sided p, BH-FDR hot spots at α = 0.05 among z > 0, the FDR taken over the units
//!    that have a Gi* z), and global Moran's I with
//!    row-standardised weights. Islands get empty local columns. If the variable is
//!    constant (e.g. EB fully shrunk), all spatial columns stay empty.
//!
//! Randomness: the LISA permutation matrix uses ChaCha8 stream 0 of `seed` (see
//! `crate::permutation`), the global Moran permutations xoshiro256++ streams of the same
//! seed (see `moran_global::moran_global_permutation`).

use std::fmt;
use std::str::FromStr;

use geo::Centroid;
use geo_types::{Geometry, MultiPolygon};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::getis_ord::{Variant, getis_ord_local};
use crate::moran_global::{moran_global, moran_global_permutation};
use crate::moran_local::{Quadrant, moran_local};
use crate::multiple_testing::benjamini_hochberg;
use crate::permutation::PermutationMatrix;
use crate::rates::{RateData, eb_posteriors, excess_risk, global_eb, raw_rates, spatial_eb};
use crate::weights::{self, Weights};

/// FDR level of the `gistar_hot_fdr` column.
pub const HOTSPOT_FDR_ALPHA: f64 = 0.05;

/// Columns of the output CSV, in order.
pub const CSV_COLUMNS: [&str; 19] = [
    "id",
    "raw_rate",
    "excess_risk",
    "eb_global",
    "eb_post_shape",
    "eb_post_rate",
    "eb_p_exceed",
    "eb_cri95_low",
    "eb_cri95_high",
    "spatial_rate",
    "spatial_eb",
    "lisa_i",
    "lisa_z_total",
    "lisa_z_cond",
    "lisa_quadrant",
    "lisa_p_sim",
    "gistar_z",
    "gistar_p",
    "gistar_hot_fdr",
];

/// How neighbours are defined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WeightsSpec {
    /// Polygons sharing an edge.
    Rook,
    /// Polygons sharing a vertex.
    Queen,
    /// The k nearest points (centroids for polygons).
    Knn(usize),
    /// Points within distance d (coordinate units).
    Band(f64),
}

impl FromStr for WeightsSpec {
    type Err = Error;

    /// Parses `rook`, `queen`, `knn:K` (K ≥ 1) or `band:D` (D > 0, finite).
    ///
    /// # Examples
    ///
    /// ```
    /// use riskmap_score::table::WeightsSpec;
    ///
    /// assert_eq!("knn:8".parse::<WeightsSpec>().expect("valid spec"), WeightsSpec::Knn(8));
    /// assert_eq!("band:2500".parse::<WeightsSpec>().expect("valid spec"), WeightsSpec::Band(2500.0));
    /// assert!("hexagon".parse::<WeightsSpec>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::UnknownWeightsSpec { spec: s.to_owned() };
        let t = s.trim();
        match t.split_once(':') {
            None if t.eq_ignore_ascii_case("rook") => Ok(WeightsSpec::Rook),
            None if t.eq_ignore_ascii_case("queen") => Ok(WeightsSpec::Queen),
            Some((kind, k)) if kind.eq_ignore_ascii_case("knn") => {
                match k.trim().parse::<usize>() {
                    Ok(k) if k >= 1 => Ok(WeightsSpec::Knn(k)),
                    _ => Err(bad()),
                }
            }
            Some((kind, d)) if kind.eq_ignore_ascii_case("band") => match d.trim().parse::<f64>() {
                Ok(d) if d.is_finite() && d > 0.0 => Ok(WeightsSpec::Band(d)),
                _ => Err(bad()),
            },
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for WeightsSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WeightsSpec::Rook => write!(f, "rook"),
            WeightsSpec::Queen => write!(f, "queen"),
            WeightsSpec::Knn(k) => write!(f, "knn:{k}"),
            WeightsSpec::Band(d) => write!(f, "band:{d}"),
        }
    }
}

/// Property names to read from each feature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNames {
    /// Unit identifier (string or number).
    pub id: String,
    /// Event counts (with `population`).
    pub events: Option<String>,
    /// Population at risk (with `events`).
    pub population: Option<String>,
    /// Variable for LISA and Gi* (else the global EB rate).
    pub value: Option<String>,
}

/// The units to score, in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreInput {
    /// Unit identifiers.
    pub ids: Vec<String>,
    /// One geometry per unit (points, polygons or multipolygons).
    pub geometries: Vec<Geometry<f64>>,
    /// Events e_i.
    pub events: Option<Vec<f64>>,
    /// Populations b_i.
    pub population: Option<Vec<f64>>,
    /// Variable for the local statistics.
    pub value: Option<Vec<f64>>,
}

/// Scoring parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreOptions {
    /// Neighbour definition.
    pub weights: WeightsSpec,
    /// Permutations for LISA p_sim and the global Moran p_sim (0 = none).
    pub permutations: usize,
    /// Seed of the permutation generator.
    pub seed: u64,
}

/// One output row (`None` = empty cell).
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    /// Unit identifier.
    pub id: String,
    /// e/b.
    pub raw_rate: Option<f64>,
    /// e / (b θ₁).
    pub excess_risk: Option<f64>,
    /// Global EB rate (truncated prior variance).
    pub eb_global: Option<f64>,
    /// Gamma posterior shape.
    pub eb_post_shape: Option<f64>,
    /// Gamma posterior rate.
    pub eb_post_rate: Option<f64>,
    /// P(λ > Σe/Σb).
    pub eb_p_exceed: Option<f64>,
    /// 2.5 % posterior quantile.
    pub eb_cri95_low: Option<f64>,
    /// 97.5 % posterior quantile.
    pub eb_cri95_high: Option<f64>,
    /// Spatial rate (unit plus binary neighbours).
    pub spatial_rate: Option<f64>,
    /// Spatial EB rate.
    pub spatial_eb: Option<f64>,
    /// Local Moran I_i (spdep scaling).
    pub lisa_i: Option<f64>,
    /// z under total randomisation.
    pub lisa_z_total: Option<f64>,
    /// z under conditional randomisation.
    pub lisa_z_cond: Option<f64>,
    /// HH / LH / LL / HL.
    pub lisa_quadrant: Option<Quadrant>,
    /// Conditional-permutation pseudo p-value (directed).
    pub lisa_p_sim: Option<f64>,
    /// Gi* Ord–Getis z (binary weights plus self).
    pub gistar_z: Option<f64>,
    /// Two-sided normal p of `gistar_z`.
    pub gistar_p: Option<f64>,
    /// z > 0 and significant under BH FDR at 0.05.
    pub gistar_hot_fdr: Option<bool>,
}

impl ScoreRow {
    /// The row as CSV fields aligned with [`CSV_COLUMNS`]; floats round-trip exactly.
    pub fn csv_record(&self) -> Vec<String> {
        let f = |v: Option<f64>| v.map(format_f64).unwrap_or_default();
        vec![
            self.id.clone(),
            f(self.raw_rate),
            f(self.excess_risk),
            f(self.eb_global),
            f(self.eb_post_shape),
            f(self.eb_post_rate),
            f(self.eb_p_exceed),
            f(self.eb_cri95_low),
            f(self.eb_cri95_high),
            f(self.spatial_rate),
            f(self.spatial_eb),
            f(self.lisa_i),
            f(self.lisa_z_total),
            f(self.lisa_z_cond),
            self.lisa_quadrant
                .map(|q| q.label().to_owned())
                .unwrap_or_default(),
            f(self.lisa_p_sim),
            f(self.gistar_z),
            f(self.gistar_p),
            self.gistar_hot_fdr
                .map(|b| b.to_string())
                .unwrap_or_default(),
        ]
    }
}

/// Global Moran's I (row-standardised weights, two-sided p); `None` when not computed.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct ScoreSummary {
    /// I.
    pub moran_i: Option<f64>,
    /// E\[I\].
    pub moran_ei: Option<f64>,
    /// Variance under normality.
    pub moran_vi_norm: Option<f64>,
    /// z under normality.
    pub moran_z_norm: Option<f64>,
    /// Two-sided p under normality.
    pub moran_p_norm: Option<f64>,
    /// Variance under randomisation.
    pub moran_vi_rand: Option<f64>,
    /// z under randomisation.
    pub moran_z_rand: Option<f64>,
    /// Two-sided p under randomisation.
    pub moran_p_rand: Option<f64>,
    /// Permutation pseudo p-value (directed).
    pub moran_p_sim: Option<f64>,
}

/// What was left out and why.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Diagnostics {
    /// Units with population ≤ 0 (excluded from rates).
    pub excluded_population: Vec<usize>,
    /// Units without neighbours in the weights actually used by LISA/Gi*.
    pub islands: Vec<usize>,
    /// Number of units entering LISA, Gi* and Moran's I.
    pub analysed: usize,
    /// Why the spatial statistics were skipped, if they were.
    pub spatial_skipped: Option<String>,
}

/// The scored table.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreTable {
    /// One row per input unit, in input order.
    pub rows: Vec<ScoreRow>,
    /// Global Moran summary.
    pub summary: ScoreSummary,
    /// Exclusions and islands.
    pub diagnostics: Diagnostics,
}

impl ScoreInput {
    /// Reads ids, geometries and the named numeric fields from GeoJSON features.
    ///
    /// Numbers may be JSON numbers or numeric strings. Errors name the feature index and
    /// the field: missing field, null, non-numeric value, negative or non-finite events,
    /// non-finite population, missing or unsupported geometry.
    pub fn from_features(features: &[geojson::Feature], fields: &FieldNames) -> Result<Self> {
        if fields.events.is_some() != fields.population.is_some() {
            return Err(Error::InvalidParameter {
                name: "events/population",
                reason: "give both fields or neither".to_owned(),
            });
        }
        let mut ids = Vec::with_capacity(features.len());
        let mut geometries = Vec::with_capacity(features.len());
        let mut events = fields
            .events
            .as_ref()
            .map(|_| Vec::with_capacity(features.len()));
        let mut population = fields
            .population
            .as_ref()
            .map(|_| Vec::with_capacity(features.len()));
        let mut value = fields
            .value
            .as_ref()
            .map(|_| Vec::with_capacity(features.len()));
        for (index, feature) in features.iter().enumerate() {
            ids.push(read_id(feature, index, &fields.id)?);
            geometries.push(read_geometry(feature, index)?);
            if let (Some(name), Some(out)) = (&fields.events, events.as_mut()) {
                let e = read_number(feature, index, name)?;
                if e < 0.0 {
                    return Err(bad_feature(
                        index,
                        name,
                        format!("event count {e} is negative"),
                    ));
                }
                out.push(e);
            }
            if let (Some(name), Some(out)) = (&fields.population, population.as_mut()) {
                out.push(read_number(feature, index, name)?);
            }
            if let (Some(name), Some(out)) = (&fields.value, value.as_mut()) {
                out.push(read_number(feature, index, name)?);
            }
        }
        Ok(ScoreInput {
            ids,
            geometries,
            events,
            population,
            value,
        })
    }
}

/// Scores every unit; see the module documentation for the pipeline.
///
/// Errors: inconsistent lengths, no events/population and no value, geometries unsuited to
/// the weights spec, or invalid numbers.
///
/// # Examples
///
/// ```
/// use geo_types::{Geometry, Point};
/// use riskmap_score::table::{ScoreInput, ScoreOptions, WeightsSpec, score_units};
///
/// let n = 12;
/// let input = ScoreInput {
///     ids: (0..n).map(|i| format!("u{i}")).collect(),
///     geometries: (0..n).map(|i| Geometry::Point(Point::new(f64::from(i), 0.0))).collect(),
///     events: Some((0..n).map(|i| if i < 4 { 9.0 } else { 1.0 }).collect()),
///     population: Some(vec![1000.0; 12]),
///     value: None,
/// };
/// let options = ScoreOptions { weights: WeightsSpec::Knn(2), permutations: 99, seed: 12345 };
/// let table = score_units(&input, &options).expect("valid input");
/// assert_eq!(table.rows.len(), 12);
/// assert_eq!(table.rows[0].raw_rate, Some(0.009));
/// assert!(table.summary.moran_i.expect("computed") > 0.0);
/// ```
pub fn score_units(input: &ScoreInput, options: &ScoreOptions) -> Result<ScoreTable> {
    let n = input.ids.len();
    check_len("geometries", n, input.geometries.len())?;
    for (what, v) in [
        ("events", &input.events),
        ("population", &input.population),
        ("value", &input.value),
    ] {
        if let Some(v) = v {
            check_len(what, n, v.len())?;
        }
    }
    let rates_data = match (&input.events, &input.population) {
        (Some(e), Some(b)) => Some(RateData::new(e, b)?),
        (None, None) => None,
        _ => {
            return Err(Error::InvalidParameter {
                name: "events/population",
                reason: "give both or neither".to_owned(),
            });
        }
    };
    if rates_data.is_none() && input.value.is_none() {
        return Err(Error::InvalidParameter {
            name: "value",
            reason: "nothing to score: give events and population, or a value".to_owned(),
        });
    }
    // Units are features here: report geometry problems by feature index.
    let w = build_weights(&input.geometries, options.weights).map_err(|e| match e {
        Error::BadGeometry { unit, reason } => Error::BadFeature {
            feature: unit,
            field: "geometry".to_owned(),
            reason,
        },
        other => other,
    })?;

    let mut rows: Vec<ScoreRow> = input.ids.iter().map(|id| empty_row(id.clone())).collect();
    let mut diagnostics = Diagnostics::default();
    let mut eb_estimates: Vec<Option<f64>> = vec![None; n];
    if let Some(data) = &rates_data {
        diagnostics.excluded_population = data.excluded();
        fill_rates(data, &w, &mut rows, &mut eb_estimates)?;
    }

    let variable: Vec<Option<f64>> = match &input.value {
        Some(v) => v.iter().map(|&x| Some(x)).collect(),
        None => eb_estimates,
    };
    let summary = fill_spatial(&variable, &w, options, &mut rows, &mut diagnostics)?;
    Ok(ScoreTable {
        rows,
        summary,
        diagnostics,
    })
}

fn fill_rates(
    data: &RateData,
    w: &Weights,
    rows: &mut [ScoreRow],
    eb_estimates: &mut [Option<f64>],
) -> Result<()> {
    let n = data.n();
    if data.n_valid() == 0 {
        return Ok(());
    }
    let raw = raw_rates(data);
    let er = excess_risk(data);
    let eb = global_eb(data)?;
    let posteriors = eb_posteriors(&eb, data);
    let seb = spatial_eb(data, w)?;
    for i in 0..n {
        let row = &mut rows[i];
        row.raw_rate = raw[i];
        row.excess_risk = er.as_ref().and_then(|er| er.ratio[i]);
        row.eb_global = eb.estimates[i];
        if let Some(post) = posteriors[i] {
            let (low, high) = post.credible_interval(0.95);
            row.eb_post_shape = Some(post.shape);
            row.eb_post_rate = Some(post.rate);
            row.eb_p_exceed = finite(post.prob_exceeds(eb.prior_mean));
            row.eb_cri95_low = finite(low);
            row.eb_cri95_high = finite(high);
        }
        row.spatial_rate = seb.local_mean[i];
        row.spatial_eb = seb.estimates[i];
        eb_estimates[i] = eb.estimates[i];
    }
    Ok(())
}

fn fill_spatial(
    variable: &[Option<f64>],
    w: &Weights,
    options: &ScoreOptions,
    rows: &mut [ScoreRow],
    diagnostics: &mut Diagnostics,
) -> Result<ScoreSummary> {
    let keep: Vec<bool> = variable
        .iter()
        .map(|v| v.is_some_and(f64::is_finite))
        .collect();
    let (w_sub, old_of_new) = w.subset(&keep);
    let y: Vec<f64> = old_of_new.iter().filter_map(|&i| variable[i]).collect();
    diagnostics.analysed = y.len();
    diagnostics.islands = w_sub.islands().iter().map(|&i| old_of_new[i]).collect();
    if y.len() < 4 {
        diagnostics.spatial_skipped = Some(format!("only {} units with a value", y.len()));
        return Ok(ScoreSummary::default());
    }
    if y.iter().all(|&v| v == y[0]) {
        diagnostics.spatial_skipped = Some("the analysed variable is constant".to_owned());
        return Ok(ScoreSummary::default());
    }
    if w_sub.n_links() == 0 {
        diagnostics.spatial_skipped = Some("no unit has a neighbour".to_owned());
        return Ok(ScoreSummary::default());
    }
    let w_row = w_sub.row_standardised();
    let w_bin = w_sub.binary();

    // LISA.
    let lisa = moran_local(&y, &w_row)?;
    let lisa_tests = if options.permutations > 0 {
        let matrix = PermutationMatrix::draw(
            y.len(),
            w_row.max_cardinality(),
            options.permutations,
            options.seed,
        )?;
        Some(lisa.permutation_test(&w_row, &matrix)?)
    } else {
        None
    };
    // Gi*: binary weights plus self, hot spots by BH FDR among units with a z.
    let gistar = getis_ord_local(&y, &w_bin, Variant::Star)?;
    let tested: Vec<usize> = (0..y.len())
        .filter(|&k| gistar.p_two_sided[k].is_some())
        .collect();
    let p: Vec<f64> = tested
        .iter()
        .filter_map(|&k| gistar.p_two_sided[k])
        .collect();
    let mut hot = vec![None; y.len()];
    if !p.is_empty() {
        let significant = benjamini_hochberg(&p, HOTSPOT_FDR_ALPHA)?;
        for (&k, &sig) in tested.iter().zip(&significant) {
            hot[k] = Some(sig && gistar.z[k].is_some_and(|z| z > 0.0));
        }
    }
    for (k, &i) in old_of_new.iter().enumerate() {
        let row = &mut rows[i];
        let island = w_sub.cardinality(k) == 0;
        if !island {
            row.lisa_i = finite(lisa.ii[k]);
            row.lisa_z_total = lisa.z_total[k];
            row.lisa_z_cond = lisa.z_cond[k];
            row.lisa_quadrant = Some(lisa.quadrant[k]);
            row.lisa_p_sim = lisa_tests.as_ref().and_then(|t| t[k]).map(|s| s.p_sim);
        }
        row.gistar_z = gistar.z[k];
        row.gistar_p = gistar.p_two_sided[k];
        row.gistar_hot_fdr = hot[k];
    }
    // Global Moran.
    let moran = moran_global(&y, &w_row)?;
    let p_sim = if options.permutations > 0 {
        Some(moran_global_permutation(&y, &w_row, options.permutations, options.seed)?.p_sim)
    } else {
        None
    };
    Ok(ScoreSummary {
        moran_i: finite(moran.i),
        moran_ei: finite(moran.ei),
        moran_vi_norm: finite(moran.vi_norm),
        moran_z_norm: finite(moran.z_norm),
        moran_p_norm: finite(moran.p_norm),
        moran_vi_rand: finite(moran.vi_rand),
        moran_z_rand: finite(moran.z_rand),
        moran_p_rand: finite(moran.p_rand),
        moran_p_sim: p_sim,
    })
}

/// Binary weights for `spec` over the input geometries.
pub fn build_weights(geometries: &[Geometry<f64>], spec: WeightsSpec) -> Result<Weights> {
    match spec {
        WeightsSpec::Rook | WeightsSpec::Queen => {
            let polygons = geometries
                .iter()
                .enumerate()
                .map(|(unit, g)| match g {
                    Geometry::Polygon(p) => Ok(MultiPolygon::from(p.clone())),
                    Geometry::MultiPolygon(mp) => Ok(mp.clone()),
                    other => Err(Error::BadGeometry {
                        unit,
                        reason: format!(
                            "contiguity weights need polygons, got {}",
                            geometry_name(other)
                        ),
                    }),
                })
                .collect::<Result<Vec<_>>>()?;
            if spec == WeightsSpec::Rook {
                weights::rook(&polygons)
            } else {
                weights::queen(&polygons)
            }
        }
        WeightsSpec::Knn(k) => weights::knn(&points_of(geometries)?, k),
        WeightsSpec::Band(d) => weights::distance_band(&points_of(geometries)?, d),
    }
}

/// Points for distance-based weights: the point itself, or the planar centroid.
pub fn points_of(geometries: &[Geometry<f64>]) -> Result<Vec<[f64; 2]>> {
    geometries
        .iter()
        .enumerate()
        .map(|(unit, g)| {
            let centroid = match g {
                Geometry::Point(p) => Some(*p),
                Geometry::MultiPoint(mp) => mp.centroid(),
                Geometry::Polygon(p) => p.centroid(),
                Geometry::MultiPolygon(mp) => mp.centroid(),
                other => {
                    return Err(Error::BadGeometry {
                        unit,
                        reason: format!(
                            "distance weights need points or polygons, got {}",
                            geometry_name(other)
                        ),
                    });
                }
            };
            centroid
                .map(|p| [p.x(), p.y()])
                .ok_or_else(|| Error::BadGeometry {
                    unit,
                    reason: "empty geometry has no centroid".to_owned(),
                })
        })
        .collect()
}

/// Shortest round-trip text for a float: plain notation in [1e-5, 1e16), else exponent.
pub fn format_f64(v: f64) -> String {
    let a = v.abs();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn check_len(what: &'static str, expected: usize, found: usize) -> Result<()> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            what,
            expected,
            found,
        })
    }
}

fn empty_row(id: String) -> ScoreRow {
    ScoreRow {
        id,
        raw_rate: None,
        excess_risk: None,
        eb_global: None,
        eb_post_shape: None,
        eb_post_rate: None,
        eb_p_exceed: None,
        eb_cri95_low: None,
        eb_cri95_high: None,
        spatial_rate: None,
        spatial_eb: None,
        lisa_i: None,
        lisa_z_total: None,
        lisa_z_cond: None,
        lisa_quadrant: None,
        lisa_p_sim: None,
        gistar_z: None,
        gistar_p: None,
        gistar_hot_fdr: None,
    }
}

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) => "Line",
        Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

fn bad_feature(feature: usize, field: &str, reason: String) -> Error {
    Error::BadFeature {
        feature,
        field: field.to_owned(),
        reason,
    }
}

fn read_id(feature: &geojson::Feature, index: usize, field: &str) -> Result<String> {
    match feature.property(field) {
        None => Err(bad_feature(index, field, "missing field".to_owned())),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(serde_json::Value::Number(x)) => Ok(x.to_string()),
        Some(other) => Err(bad_feature(
            index,
            field,
            format!("id must be a string or a number, got {other}"),
        )),
    }
}

fn read_number(feature: &geojson::Feature, index: usize, field: &str) -> Result<f64> {
    let value = match feature.property(field) {
        None => return Err(bad_feature(index, field, "missing field".to_owned())),
        Some(serde_json::Value::Number(x)) => x.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
        Some(serde_json::Value::Null) => {
            return Err(bad_feature(index, field, "missing value (null)".to_owned()));
        }
        Some(_) => None,
    };
    match value {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err(bad_feature(
            index,
            field,
            format!(
                "non-numeric value {}",
                feature
                    .property(field)
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
        )),
    }
}

fn read_geometry(feature: &geojson::Feature, index: usize) -> Result<Geometry<f64>> {
    let geometry = feature
        .geometry
        .as_ref()
        .ok_or_else(|| bad_feature(index, "geometry", "missing geometry".to_owned()))?;
    Geometry::<f64>::try_from(&geometry.value)
        .map_err(|e| bad_feature(index, "geometry", e.to_string()))
}
