//! `riskmap score`: score every feature of a polygon or point GeoJSON file — rates,
//! empirical Bayes smoothing, LISA and Gi* hot spots — into one CSV row per feature, in
//! input order, plus an optional JSON summary with global Moran's I.
//!
//! This file only reads and writes files; every number comes from
//! `riskmap_score::table::score_units`, whose documentation describes the pipeline. For
//! `knn:K` and `band:D`, polygons are reduced to their planar area-weighted centroids in
//! the input's own coordinates (use a metric projection for schools).

use std::path::{Path, PathBuf};

use anyhow::Context;
use riskmap_score::permutation::{DEFAULT_PERMUTATIONS, DEFAULT_SEED};
use riskmap_score::table::{
    CSV_COLUMNS, FieldNames, ScoreInput, ScoreOptions, WeightsSpec, score_units,
};

/// Options of `riskmap score`.
#[derive(Debug, clap::Args)]
pub(crate) struct ScoreArgs {
    /// GeoJSON FeatureCollection of polygons or points.
    #[arg(long, value_name = "FILE.geojson")]
    input: PathBuf,
    /// Property holding each unit's identifier.
    #[arg(long, value_name = "FIELD")]
    id: String,
    /// Property holding event counts (with --population).
    #[arg(long, value_name = "FIELD", requires = "population")]
    events: Option<String>,
    /// Property holding the population at risk (with --events).
    #[arg(long, value_name = "FIELD", requires = "events")]
    population: Option<String>,
    /// Property to run LISA and Gi* on (default: the global EB rate).
    #[arg(long, value_name = "FIELD")]
    value: Option<String>,
    /// Neighbours: rook, queen, knn:K or band:D (D in the input's coordinate units).
    #[arg(long, value_name = "rook|queen|knn:K|band:D")]
    weights: WeightsSpec,
    /// Permutations for the pseudo p-values (0 = none).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_PERMUTATIONS)]
    permutations: usize,
    /// Seed of the permutation generators (ChaCha8 for LISA and Gi*, xoshiro256++ for global
    /// Moran): the same seed gives the same p-values.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Output CSV, one row per input feature.
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
    /// Output JSON with global Moran's I (row-standardised weights, two-sided p).
    #[arg(long, value_name = "FILE.json")]
    summary: Option<PathBuf>,
}

pub(crate) fn run(args: &ScoreArgs) -> anyhow::Result<()> {
    if args.events.is_none() && args.value.is_none() {
        anyhow::bail!("nothing to score: give --events and --population, or --value");
    }
    let features = read_features(&args.input)?;
    let fields = FieldNames {
        id: args.id.clone(),
        events: args.events.clone(),
        population: args.population.clone(),
        value: args.value.clone(),
    };
    // Errors name the feature index and the field; prefix the file so the message is complete.
    let input = ScoreInput::from_features(&features, &fields)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.input.display()))?;
    let options = ScoreOptions {
        weights: args.weights,
        permutations: args.permutations,
        seed: args.seed,
    };
    let table = score_units(&input, &options)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.input.display()))?;

    let diagnostics = &table.diagnostics;
    if !diagnostics.excluded_population.is_empty() {
        let ids: Vec<&str> = diagnostics
            .excluded_population
            .iter()
            .map(|&i| input.ids[i].as_str())
            .collect();
        tracing::warn!(units = ?ids, "population <= 0: excluded from rates, rate cells left empty");
    }
    if !diagnostics.islands.is_empty() {
        let ids: Vec<&str> = diagnostics
            .islands
            .iter()
            .map(|&i| input.ids[i].as_str())
            .collect();
        tracing::warn!(units = ?ids, weights = %args.weights, "units without neighbours: local statistics left empty");
    }
    if let Some(reason) = &diagnostics.spatial_skipped {
        tracing::warn!(%reason, "LISA, Gi* and Moran's I not computed");
    }

    let mut writer = csv::Writer::from_path(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    writer
        .write_record(CSV_COLUMNS)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    for row in &table.rows {
        writer
            .write_record(row.csv_record())
            .with_context(|| format!("cannot write {}", args.out.display()))?;
    }
    writer
        .flush()
        .with_context(|| format!("cannot write {}", args.out.display()))?;

    if let Some(path) = &args.summary {
        let mut json =
            serde_json::to_string_pretty(&table.summary).context("cannot encode the summary")?;
        json.push('\n');
        std::fs::write(path, json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    tracing::info!(
        units = table.rows.len(),
        analysed = diagnostics.analysed,
        moran_i = ?table.summary.moran_i,
        out = %args.out.display(),
        "scored"
    );
    Ok(())
}

/// The features of a GeoJSON FeatureCollection (or of a single Feature).
fn read_features(path: &Path) -> anyhow::Result<Vec<geojson::Feature>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let geojson: geojson::GeoJson = text
        .parse()
        .map_err(|e| anyhow::anyhow!("{}: not valid GeoJSON: {e}", path.display()))?;
    match geojson {
        geojson::GeoJson::FeatureCollection(collection) => Ok(collection.features),
        geojson::GeoJson::Feature(feature) => Ok(vec![feature]),
        geojson::GeoJson::Geometry(_) => {
            anyhow::bail!(
                "{}: expected a FeatureCollection, found a bare geometry",
                path.display()
            )
        }
    }
}
