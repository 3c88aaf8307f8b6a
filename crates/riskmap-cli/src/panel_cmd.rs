//! `riskmap panel`: writes the stored unit × quarter counts of one measure, at district or
//! region level, as the forecaster's input files (`counts.csv`, `population.csv` with each
//! unit's share of the pupils in the last quarter, `neighbours.csv` with neighbour orders from
//! queen contiguity of the real polygons), laid out as `shared/oracle/hhh4/measles/`, so that
//! `riskmap forecast --backtest` can back-test on the stored history. Units without the measure
//! or pupils in some quarter are left out (and named on standard error).

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use riskmap_model::{AdminLevel, Kato, Measure, Period};
use riskmap_store::Store;

/// Options of `riskmap panel`.
#[derive(Debug, clap::Args)]
pub(crate) struct PanelArgs {
    /// Database URL: sqlite://FILE or postgres://...
    #[arg(
        long,
        env = "RISKMAP_DATABASE_URL",
        default_value = "sqlite://riskmap.sqlite3"
    )]
    database: String,
    /// Folder with the reference geography.
    #[arg(long, env = "RISKMAP_GEOGRAPHY", default_value = riskmap_geo::DEFAULT_DIR, value_parser = crate::geography_arg::parse)]
    geography: PathBuf,
    /// The counted measure (a contract column, e.g. viol_total).
    #[arg(long, default_value = "viol_total")]
    measure: String,
    /// district or region.
    #[arg(long, default_value = "district")]
    level: String,
    /// Output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
}

pub(crate) fn run(args: &PanelArgs) -> anyhow::Result<()> {
    let measure = Measure::from_column(&args.measure)
        .with_context(|| format!("unknown measure {:?}", args.measure))?;
    let level = match args.level.as_str() {
        "district" => AdminLevel::District,
        "region" => AdminLevel::Region,
        other => anyhow::bail!("--level must be district or region, not {other:?}"),
    };
    let geography = riskmap_geo::load_dir(&args.geography)
        .with_context(|| format!("cannot load {}", args.geography.display()))?;
    let (units, polygons): (Vec<Kato>, Vec<_>) = match level {
        AdminLevel::Region => geography
            .regions()
            .iter()
            .map(|r| (r.kato, r.geometry.clone()))
            .unzip(),
        _ => geography
            .districts()
            .iter()
            .map(|d| (d.kato, d.geometry.clone()))
            .unzip(),
    };
    let weights = riskmap_score::weights::queen(&polygons).context("contiguity")?;
    let (periods, rows) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(read(&args.database, level))?;
    let panel = Series::new(&units, &periods, &rows, measure);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let write = |name: &str, text: String| {
        let path = args.out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("counts.csv", panel.counts_csv(&units))?;
    write("population.csv", panel.population_csv(&units))?;
    write("neighbours.csv", panel.neighbours_csv(&units, &weights))?;
    #[allow(clippy::print_stderr, reason = "the command's report")]
    {
        eprintln!(
            "{} units × {} quarters ({} … {}) written to {}; left out: {:?}",
            panel.kept.len(),
            periods.len(),
            periods.first().map(ToString::to_string).unwrap_or_default(),
            periods.last().map(ToString::to_string).unwrap_or_default(),
            args.out.display(),
            panel.left_out(&units)
        );
    }
    Ok(())
}

async fn read(
    database: &str,
    level: AdminLevel,
) -> anyhow::Result<(Vec<Period>, Vec<riskmap_store::UnitPeriodSums>)> {
    let store = Store::connect(database)
        .await
        .context("cannot open the store")?;
    let periods = store.periods().await?;
    let rows = store.unit_period_sums(level, &periods).await?;
    Ok((periods, rows))
}

/// The counts and pupils of the units with every quarter.
struct Series {
    /// Indices (geography order) of the units kept.
    kept: Vec<usize>,
    /// counts[t][k] of kept unit k.
    counts: Vec<Vec<u64>>,
    /// Pupils of each kept unit in the last quarter.
    pupils: Vec<f64>,
}

impl Series {
    fn new(
        units: &[Kato],
        periods: &[Period],
        rows: &[riskmap_store::UnitPeriodSums],
        measure: Measure,
    ) -> Self {
        let value = |u: &Kato, p: &Period, m: Measure| {
            rows.iter()
                .find(|r| r.unit == *u && r.period == *p)
                .and_then(|r| r.sums.get(m))
        };
        let kept: Vec<usize> = (0..units.len())
            .filter(|&i| {
                periods.iter().all(|p| {
                    value(&units[i], p, measure).is_some()
                        && value(&units[i], p, Measure::PupilsTotal).is_some_and(|v| v > 0.0)
                })
            })
            .collect();
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "sums of whole counts"
        )]
        let counts = periods
            .iter()
            .map(|p| {
                kept.iter()
                    .map(|&i| value(&units[i], p, measure).unwrap_or(0.0).round() as u64)
                    .collect()
            })
            .collect();
        let pupils = kept
            .iter()
            .map(|&i| {
                periods
                    .last()
                    .and_then(|p| value(&units[i], p, Measure::PupilsTotal))
                    .unwrap_or(0.0)
            })
            .collect();
        Self {
            kept,
            counts,
            pupils,
        }
    }

    fn left_out(&self, units: &[Kato]) -> Vec<String> {
        (0..units.len())
            .filter(|i| !self.kept.contains(i))
            .map(|i| units[i].to_string())
            .collect()
    }

    fn header(&self, first: &str, units: &[Kato]) -> String {
        let mut text = first.to_owned();
        for &i in &self.kept {
            let _ = write!(text, ",{}", units[i]);
        }
        text.push('\n');
        text
    }

    fn counts_csv(&self, units: &[Kato]) -> String {
        let mut text = self.header("t", units);
        for (t, row) in self.counts.iter().enumerate() {
            let _ = write!(text, "{}", t + 1);
            for c in row {
                let _ = write!(text, ",{c}");
            }
            text.push('\n');
        }
        text
    }

    fn population_csv(&self, units: &[Kato]) -> String {
        let total: f64 = self.pupils.iter().sum();
        let mut text = String::from("unit,population\n");
        for (k, &i) in self.kept.iter().enumerate() {
            let _ = writeln!(text, "{},{}", units[i], self.pupils[k] / total);
        }
        text
    }

    /// Neighbour orders among the kept units (breadth-first over contiguity inside the kept
    /// set; 0 on the diagonal and for units with no path).
    fn neighbours_csv(&self, units: &[Kato], weights: &riskmap_score::weights::Weights) -> String {
        let mut text = self.header("unit", units);
        let position: std::collections::HashMap<usize, usize> =
            self.kept.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        for &from in &self.kept {
            let mut order = vec![0usize; self.kept.len()];
            let mut queue = VecDeque::from([(from, 0usize)]);
            let mut seen = vec![false; units.len()];
            seen[from] = true;
            while let Some((i, d)) = queue.pop_front() {
                for &j in weights.neighbours(i) {
                    if let Some(&k) = position.get(&j).filter(|_| !seen[j]) {
                        seen[j] = true;
                        order[k] = d + 1;
                        queue.push_back((j, d + 1));
                    }
                }
            }
            let _ = write!(text, "{}", units[from]);
            for o in order {
                let _ = write!(text, ",{o}");
            }
            text.push('\n');
        }
        text
    }
}
