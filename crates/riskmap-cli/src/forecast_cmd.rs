//! `riskmap forecast`: fit the endemic–epidemic (hhh4) model to area × period counts and
//! write its coefficients, fitted means and one-step-ahead predictive distributions; or,
//! with `--backtest`, score it against the naive and EARS C2 baselines and measure its
//! exceedance trigger on injected outbreaks. Files are read by `forecast_files`; every number
//! comes from `riskmap_score::forecast`.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use riskmap_score::forecast::backtest::{
    BacktestOptions, BacktestReport, Detection, MethodScores, backtest,
};
use riskmap_score::forecast::predict::{next_period, one_step_ahead, rolling};
use riskmap_score::forecast::predictive::Predictive;
use riskmap_score::forecast::simulate::{OutbreakPlan, inject_outbreaks};
use riskmap_score::forecast::trigger_backtest::{plan_threshold, trigger_detection};
use riskmap_score::forecast::{Family, Fit, ModelSpec, Panel, fit};

use crate::forecast_files::{read_panel, write_whole};

/// The conditional distribution family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum FamilyArg {
    /// Poisson.
    #[value(name = "poisson")]
    Poisson,
    /// Negative binomial, one overdispersion parameter.
    #[value(name = "negbin1")]
    NegBin1,
    /// Negative binomial, one overdispersion parameter per unit.
    #[value(name = "negbinM")]
    NegBinM,
}

/// Which fit the one-step-ahead predictions of `--out` use (R's `oneStepAhead(type = …)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum PredictionType {
    /// The fit to all the data (R's default for the oracle: `type = "final"`).
    Final,
    /// One fit on t ≤ T, parameters fixed afterwards (`type = "first"`).
    First,
    /// A fit on t' < t for every predicted t (`type = "rolling"`).
    Rolling,
}

/// Options of `riskmap forecast`.
#[derive(Debug, clap::Args)]
pub(crate) struct ForecastArgs {
    /// Counts, one row per time point: `t,<unit>,…`.
    #[arg(long, value_name = "FILE.csv")]
    counts: PathBuf,
    /// Endemic offset per unit (population fraction or pupils): `unit,population`.
    #[arg(long, value_name = "FILE.csv")]
    population: PathBuf,
    /// Neighbour orders `unit,<unit>,…` (0 self, 1 adjacent, …); weights = order 1.
    #[arg(long, value_name = "FILE.csv")]
    neighbours: PathBuf,
    /// Time points per seasonal cycle (52 weekly, 4 quarterly).
    #[arg(long, value_name = "F")]
    frequency: f64,
    /// Number of sine/cosine pairs in the endemic component.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seasons: usize,
    /// Conditional distribution.
    #[arg(long, value_enum, ignore_case = true, default_value = "negbin1")]
    family: FamilyArg,
    /// Predict t = T+1 … last with `--out` (R's `oneStepAhead(tp = T)`); with `--type first`
    /// the model (and `--params`, `--fitted`) is fitted on t ≤ T only.
    #[arg(long, value_name = "T")]
    fit_to: Option<f64>,
    /// Which fit `--out` predicts with: `final` (R's `type = "final"`: the fit to all the data),
    /// `first` (fitted on t ≤ T, parameters fixed) or `rolling` (refitted before every t).
    #[arg(
        long = "type",
        value_enum,
        default_value = "final",
        requires = "fit_to"
    )]
    prediction_type: PredictionType,
    /// Output JSON: {"coefficients": {…}, "se": {…}, "loglik": …} with R's names.
    #[arg(long, value_name = "OUT.json", required_unless_present = "backtest")]
    params: Option<PathBuf>,
    /// Output CSV of fitted means for the fitted t ≥ 2, wide like the counts.
    #[arg(long, value_name = "OUT.csv")]
    fitted: Option<PathBuf>,
    /// Output CSV `t,unit,mean,size` of one-step-ahead predictions (size empty for Poisson);
    /// without --fit-to, the forecast of the period after the last.
    #[arg(long, value_name = "OUT.csv")]
    out: Option<PathBuf>,
    /// Rolling one-step-ahead back-test instead of a single fit (starts after --fit-to,
    /// default half the series); writes a JSON report to --report or standard output.
    #[arg(long)]
    backtest: bool,
    /// Back-test report (JSON).
    #[arg(long, value_name = "OUT.json", requires = "backtest")]
    report: Option<PathBuf>,
    /// Back-test trigger: alarm when P(Y ≥ observed) ≤ ALPHA under the forecast.
    #[arg(
        long,
        value_name = "ALPHA",
        default_value_t = 0.01,
        requires = "backtest"
    )]
    alpha: f64,
    /// Back-test: probability that a synthetic outbreak starts in a unit-period.
    #[arg(long, value_name = "P", default_value_t = 0.02, requires = "backtest")]
    outbreak_rate: f64,
    /// Back-test: outbreak size as a multiple of the unit's mean count (Poisson).
    #[arg(long, value_name = "K", default_value_t = 3.0, requires = "backtest")]
    outbreak_magnitude: f64,
    /// Back-test: seed of the outbreak generator.
    #[arg(long, value_name = "SEED", default_value_t = 1, requires = "backtest")]
    seed: u64,
    /// Back-test of the service's forecast trigger: alarm when the forecast gives
    /// P(Y > plan threshold) above this (the threshold: a 1/F share of the unit's first-cycle
    /// count, −5 % a cycle; reported as `forecast_trigger`).
    #[arg(long, value_name = "P", requires = "backtest")]
    trigger_probability: Option<f64>,
}

pub(crate) fn run(args: &ForecastArgs) -> anyhow::Result<()> {
    let panel = read_panel(&args.counts, &args.population, &args.neighbours)?;
    let spec = ModelSpec {
        frequency: args.frequency,
        seasons: args.seasons,
        family: family(args.family),
    };
    spec.validate()?;
    let end = fit_end(&panel, args.fit_to)?;
    if args.backtest {
        return run_backtest(args, &panel, &spec, end);
    }
    let fit_rows = match args.prediction_type {
        PredictionType::First => end,
        PredictionType::Final | PredictionType::Rolling => panel.n_times(),
    };
    let fitted = fit(&panel, &spec, fit_rows, None).context("fitting the model")?;
    let outputs = render_outputs(args, &panel, &spec, &fitted, end)?;
    for (path, contents) in outputs {
        write_whole(&path, &contents)?;
    }
    Ok(())
}

fn family(arg: FamilyArg) -> Family {
    match arg {
        FamilyArg::Poisson => Family::Poisson,
        FamilyArg::NegBin1 => Family::NegBin1,
        FamilyArg::NegBinM => Family::NegBinM,
    }
}

/// Number of time points with t ≤ T.
fn fit_end(panel: &Panel, fit_to: Option<f64>) -> anyhow::Result<usize> {
    let Some(limit) = fit_to else {
        return Ok(panel.n_times());
    };
    if !limit.is_finite() {
        bail!("--fit-to {limit}: not a time value");
    }
    Ok(panel.time().iter().take_while(|&&t| t <= limit).count())
}

/// Every requested output, rendered before any is written.
fn render_outputs(
    args: &ForecastArgs,
    panel: &Panel,
    spec: &ModelSpec,
    fitted: &Fit,
    end: usize,
) -> anyhow::Result<Vec<(PathBuf, String)>> {
    let mut outputs = Vec::new();
    if let Some(path) = &args.params {
        outputs.push((path.clone(), params_json(fitted)));
    }
    if let Some(path) = &args.fitted {
        outputs.push((path.clone(), fitted_csv(panel, fitted)));
    }
    if let Some(path) = &args.out {
        let predictions = if args.fit_to.is_none() {
            next_period_csv(panel, fitted)
        } else {
            predictions_csv(panel, spec, fitted, end, args.prediction_type)?
        };
        outputs.push((path.clone(), predictions));
    }
    Ok(outputs)
}

fn number(value: f64) -> String {
    if value.is_finite() {
        format!("{value}")
    } else {
        "null".to_owned()
    }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.escape_default()))
}

fn params_json(fitted: &Fit) -> String {
    let coefficients = fitted.coefficients();
    let se = fitted.standard_errors();
    let entries = |values: &mut dyn Iterator<Item = (String, Option<f64>)>| {
        values
            .map(|(name, v)| {
                format!(
                    "    {}: {}",
                    quoted(&name),
                    v.map_or_else(|| "null".to_owned(), number)
                )
            })
            .collect::<Vec<_>>()
            .join(",\n")
    };
    let coef_text = entries(&mut coefficients.iter().map(|(n, v)| (n.clone(), Some(*v))));
    let se_text = entries(
        &mut coefficients
            .iter()
            .enumerate()
            .map(|(k, (n, _))| (n.clone(), se[k])),
    );
    format!(
        "{{\n  \"coefficients\": {{\n{coef_text}\n  }},\n  \"se\": {{\n{se_text}\n  }},\n  \"loglik\": {}\n}}\n",
        number(fitted.loglik())
    )
}

fn time_label(value: f64) -> String {
    format!("{value}")
}

fn fitted_csv(panel: &Panel, fitted: &Fit) -> String {
    let mut text = String::from("t");
    for unit in panel.units() {
        let _ = write!(text, ",{unit}");
    }
    text.push('\n');
    for (row, t) in fitted.fitted(panel).iter().zip(fitted.rows()) {
        text.push_str(&time_label(panel.time()[t]));
        for value in row {
            let _ = write!(text, ",{value}");
        }
        text.push('\n');
    }
    text
}

fn prediction_line(text: &mut String, t: f64, unit: &str, d: &Predictive) {
    let size = d.size.map(|s| format!("{s}")).unwrap_or_default();
    let _ = writeln!(text, "{},{unit},{},{size}", time_label(t), d.mean);
}

/// One-step-ahead predictions for t = T+1 … last.
fn predictions_csv(
    panel: &Panel,
    spec: &ModelSpec,
    fitted: &Fit,
    end: usize,
    kind: PredictionType,
) -> anyhow::Result<String> {
    let rows = end.max(1)..panel.n_times();
    let predictions = match kind {
        PredictionType::Final | PredictionType::First => one_step_ahead(panel, fitted, rows)?,
        PredictionType::Rolling => rolling(panel, spec, rows)?,
    };
    let mut text = String::from("t,unit,mean,size\n");
    for p in predictions {
        prediction_line(
            &mut text,
            panel.time()[p.time],
            &panel.units()[p.unit],
            &p.distribution,
        );
    }
    Ok(text)
}

/// The forecast of the period after the last one.
fn next_period_csv(panel: &Panel, fitted: &Fit) -> String {
    let time = panel.time();
    let last = time.len() - 1;
    let next = time[last]
        + if last >= 1 {
            time[last] - time[last - 1]
        } else {
            1.0
        };
    let mut text = String::from("t,unit,mean,size\n");
    for (unit, d) in panel.units().iter().zip(next_period(panel, fitted)) {
        prediction_line(&mut text, next, unit, &d);
    }
    text
}

fn run_backtest(
    args: &ForecastArgs,
    panel: &Panel,
    spec: &ModelSpec,
    end: usize,
) -> anyhow::Result<()> {
    let first = if args.fit_to.is_some() {
        end
    } else {
        panel.n_times() / 2
    };
    let lag = args.frequency.round().max(1.0) as usize;
    let options = BacktestOptions {
        first,
        lag,
        alpha: args.alpha,
    };
    let clean = backtest(panel, spec, &options, None).context("back-test on the data")?;
    let plan = OutbreakPlan {
        start_probability: args.outbreak_rate,
        max_length: 3,
        magnitude: args.outbreak_magnitude,
        seed: args.seed,
    };
    let (contaminated, marks) = inject_outbreaks(panel, first..panel.n_times(), &plan)?;
    let injected = backtest(&contaminated, spec, &options, Some(&marks))
        .context("back-test with outbreaks")?;
    let mut report = backtest_json(args, &clean, &injected);
    if let Some(probability) = args.trigger_probability {
        let frequency = lag;
        let threshold = |t: usize, i: usize| plan_threshold(&contaminated, frequency, 5, t, i);
        let trigger = trigger_detection(
            &contaminated,
            spec,
            first.max(frequency),
            &threshold,
            probability,
            &marks,
        )
        .context("back-test of the forecast trigger")?;
        report = with_trigger(&report, probability, &trigger);
    }
    match &args.report {
        Some(path) => write_whole(path, &report),
        None => {
            #[allow(clippy::print_stdout, reason = "the report is the command's output")]
            {
                print!("{report}");
            }
            Ok(())
        }
    }
}

fn scores_json(s: &MethodScores) -> String {
    format!(
        "{{\"log_score\": {}, \"rps\": {}}}",
        number(s.log_score),
        number(s.rps)
    )
}

fn detection_json(d: &Detection) -> String {
    format!(
        "{{\"sensitivity\": {}, \"specificity\": {}, \"false_alarm_rate\": {}, \"outbreak_cells\": {}, \"other_cells\": {}, \"true_alarms\": {}, \"false_alarms\": {}}}",
        number(d.sensitivity()),
        number(d.specificity()),
        number(d.false_alarm_rate()),
        d.outbreak_cells,
        d.other_cells,
        d.true_alarms,
        d.false_alarms
    )
}

/// The report with `"forecast_trigger"` added before its closing brace.
fn with_trigger(report: &str, probability: f64, detection: &Detection) -> String {
    let body = report.trim_end().trim_end_matches('}').trim_end();
    format!(
        "{body},\n  \"forecast_trigger\": {{\"probability\": {}, \"detection\": {}}}\n}}\n",
        number(probability),
        detection_json(detection)
    )
}

fn backtest_json(args: &ForecastArgs, clean: &BacktestReport, injected: &BacktestReport) -> String {
    let methods = ["hhh4", "naive", "ears_c2"];
    let scores = [&clean.hhh4, &clean.naive, &clean.ears_c2];
    let score_text: Vec<String> = methods
        .iter()
        .zip(scores)
        .map(|(m, s)| format!("    \"{m}\": {}", scores_json(s)))
        .collect();
    let detection_text: Vec<String> = injected
        .detection
        .iter()
        .flat_map(|ds| {
            methods
                .iter()
                .zip(ds)
                .map(|(m, d)| format!("    \"{m}\": {}", detection_json(d)))
        })
        .collect();
    format!(
        "{{\n  \"cells\": {},\n  \"time_points\": {},\n  \"alpha\": {},\n  \"outbreak_rate\": {},\n  \"outbreak_magnitude\": {},\n  \"scores\": {{\n{}\n  }},\n  \"detection\": {{\n{}\n  }}\n}}\n",
        clean.cells,
        clean.times,
        number(args.alpha),
        number(args.outbreak_rate),
        number(args.outbreak_magnitude),
        score_text.join(",\n"),
        detection_text.join(",\n")
    )
}
