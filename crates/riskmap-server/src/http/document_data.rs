//! The data of the printed documents, built from the answers the reader already gets: a
//! programme document from the reader's `ProgrammeBody` (so it shows exactly the values the
//! JSON shows) plus the view layer's review and the region's map; the summary document from
//! the `HalfYearSummary`. Every label is in the document's language (kk or ru); numbers are
//! written by `riskmap_document::format`, as the page writes them.

use riskmap_document::data::{
    ActionLine, Cover, LegendEntry, Pair, ProblemLine, ProgressLine, ReviewLine,
};
use riskmap_document::format::{count, date, number, percent};
use riskmap_document::map::{MapArea, svg};
use riskmap_document::{Lang, ProgrammeDocument};
use riskmap_model::Kato;

use super::priority_words::Lang as WordsLang;
use super::programme_wire::{ActionBody, ProblemBody, ProgrammeBody, SnapshotValueBody};
use super::wire::WireCount;
use crate::AppState;
use crate::view::programme_review::Reviewed;

/// The language of the priority words that matches a document's.
pub(crate) fn words_lang(lang: Lang) -> WordsLang {
    match lang {
        Lang::Kk => WordsLang::Kk,
        Lang::Ru => WordsLang::Ru,
    }
}

/// A name in the document's language.
pub(crate) fn name_in(lang: Lang, kk: &str, ru: &str) -> String {
    match lang {
        Lang::Kk => kk.to_owned(),
        Lang::Ru => ru.to_owned(),
    }
}

/// An indicator, a numerator (`code.numerator`) or a school column, in words.
pub(crate) fn value_label(state: &AppState, lang: Lang, code: &str) -> String {
    let (base, numerator) = match code.strip_suffix(".numerator") {
        Some(base) => (base, true),
        None => (code, false),
    };
    let label = state
        .catalogue
        .indicators
        .iter()
        .find(|i| i.code == base)
        .map(|i| name_in(lang, &i.label.kk, &i.label.ru));
    let label = label.unwrap_or_else(|| {
        let key = if base == "bullying_cases" {
            "bullying"
        } else {
            base
        };
        words_lang(lang).column(key).to_owned()
    });
    if numerator {
        format!("{label} ({})", lang.cases())
    } else {
        label
    }
}

/// A snapshot value as shown: the number (with its flag when unstable), or the band or symbol.
pub(crate) fn value_text(value: &SnapshotValueBody) -> String {
    if let Some(count) = &value.count {
        return match count {
            WireCount::Number(n) => riskmap_document::format::count(*n),
            WireCount::Symbol(s) => s.clone(),
        };
    }
    match value.value {
        Some(v) => match (v.number(), v.flag()) {
            (Some(n), Some(flag)) => format!("{} ({flag})", number(Some(n), 1)),
            (Some(n), None) => number(Some(n), 1),
            (None, flag) => flag.unwrap_or("—").to_owned(),
        },
        None => "—".to_owned(),
    }
}

/// A problem's unit in words: the school or district name.
fn unit_name(lang: Lang, problem: &ProblemBody) -> String {
    name_in(lang, &problem.name_kk, &problem.name_ru)
}

fn district_name(state: &AppState, lang: Lang, problem: &ProblemBody) -> String {
    if problem.school.is_none() {
        return String::new();
    }
    Kato::parse(&problem.district)
        .ok()
        .and_then(|k| state.geography.district(&k))
        .map(|d| name_in(lang, &d.names.kk, &d.names.ru))
        .unwrap_or_default()
}

/// Severity of an action's standing for the map: 0 is the worst.
fn severity(standing: &str) -> u8 {
    match standing {
        "overdue" => 0,
        "delayed" => 1,
        "not_started" => 2,
        "on_track" => 3,
        "done" => 4,
        _ => 5,
    }
}

/// The fill of each standing on the map, worst first, and of a problem without actions.
const FILLS: [(&str, &str); 6] = [
    ("overdue", "#b2182b"),
    ("delayed", "#ef8a62"),
    ("not_started", "#fddbc7"),
    ("on_track", "#67a9cf"),
    ("done", "#1a9850"),
    ("cancelled", "#bdbdbd"),
];
const NO_ACTIONS: &str = "#fff3a0";

/// The fill of each district of the programme: the worst standing of the actions addressing
/// its problems, or the no-action fill.
fn district_fills(body: &ProgrammeBody) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = Vec::new();
    for problem in &body.problems {
        let worst = body
            .actions
            .iter()
            .filter(|a| a.problems.contains(&problem.id))
            .map(|a| severity(a.standing))
            .min();
        let fill = worst.map_or(NO_ACTIONS, |s| FILLS[usize::from(s)].1);
        match out.iter_mut().find(|(d, _)| *d == problem.district) {
            Some(entry) if rank_of(fill) < rank_of(entry.1) => entry.1 = fill,
            Some(_) => {}
            None => out.push((problem.district.clone(), fill)),
        }
    }
    out
}

fn rank_of(fill: &str) -> usize {
    FILLS
        .iter()
        .position(|(_, f)| *f == fill)
        .unwrap_or(FILLS.len())
}

/// The region's map (SVG) with the programme's districts filled, and its legend.
fn map(state: &AppState, lang: Lang, body: &ProgrammeBody) -> (Option<String>, Vec<LegendEntry>) {
    let Ok(region) = Kato::parse(&body.region) else {
        return (None, Vec::new());
    };
    let fills = district_fills(body);
    let areas: Vec<MapArea<'_>> = state
        .geography
        .districts_of(&region)
        .map(|d| MapArea {
            shape: &d.geometry,
            fill: fills
                .iter()
                .find(|(k, _)| *k == d.kato.to_string())
                .map(|(_, f)| *f),
        })
        .collect();
    let mut legend: Vec<LegendEntry> = FILLS
        .iter()
        .map(|(code, colour)| LegendEntry {
            colour: (*colour).to_owned(),
            label: lang.standing(code).to_owned(),
        })
        .collect();
    legend.push(LegendEntry {
        colour: NO_ACTIONS.to_owned(),
        label: lang.no_actions().to_owned(),
    });
    (svg(&areas), legend)
}

fn problem_line(state: &AppState, lang: Lang, problem: &ProblemBody) -> ProblemLine {
    let s = &problem.snapshot;
    let words = words_lang(lang);
    ProblemLine {
        name: unit_name(lang, problem),
        district: district_name(state, lang, problem),
        rank: s
            .rank
            .map_or_else(|| "—".to_owned(), |r| count(u64::from(r))),
        quarter: words.quarter(&s.data_quarter),
        triggers: s
            .triggers
            .iter()
            .map(|t| words.trigger(t))
            .collect::<Vec<_>>()
            .join(", "),
        values: s
            .values
            .iter()
            .map(|v| Pair {
                label: value_label(state, lang, &v.code),
                value: value_text(v),
            })
            .collect(),
    }
}

/// The action's number in the document (its place in the programme).
fn action_number(body: &ProgrammeBody, id: i64) -> String {
    body.actions
        .iter()
        .position(|a| a.id == id)
        .map_or_else(|| id.to_string(), |i| (i + 1).to_string())
}

fn action_line(
    state: &AppState,
    lang: Lang,
    body: &ProgrammeBody,
    (i, action): (usize, &ActionBody),
) -> ActionLine {
    let units = action
        .problems
        .iter()
        .filter_map(|id| body.problems.iter().find(|p| p.id == *id))
        .map(|p| unit_name(lang, p))
        .collect::<Vec<_>>()
        .join("; ");
    ActionLine {
        number: (i + 1).to_string(),
        kind: name_in(lang, &action.name_kk, &action.name_ru),
        units,
        organisation: action.organisation.clone(),
        responsible: action.responsible.clone(),
        start: date(&action.start),
        due: date(&action.due),
        budget: count(action.budget_tenge),
        funding: action.funding_source.clone(),
        indicator: format!(
            "{} ({})",
            value_label(state, lang, &action.indicator),
            percent(Some(action.expected_change_percent), 1)
        ),
        status: lang.standing(action.standing).to_owned(),
    }
}

fn progress_lines(lang: Lang, body: &ProgrammeBody) -> Vec<ProgressLine> {
    let words = words_lang(lang);
    body.progress
        .iter()
        .map(|r| ProgressLine {
            action: action_number(body, r.action_id),
            quarter: words.quarter(&r.quarter),
            status: lang.standing(r.status).to_owned(),
            percent: count(u64::from(r.percent)),
            submitted: if r.late {
                format!("{} ({})", date(&r.submitted_on), lang.late())
            } else {
                date(&r.submitted_on)
            },
            comment: r.comment.clone(),
        })
        .collect()
}

fn review_lines(
    state: &AppState,
    lang: Lang,
    body: &ProgrammeBody,
    review: &[Reviewed],
) -> Vec<ReviewLine> {
    review
        .iter()
        .map(|r| ReviewLine {
            unit: body
                .problems
                .iter()
                .find(|p| p.id == r.problem_id)
                .map(|p| unit_name(lang, p))
                .unwrap_or_default(),
            indicator: value_label(state, lang, &r.row.code),
            at_snapshot: number(r.row.at_snapshot, 1),
            now: number(r.row.now, 1),
            change: percent(r.row.change_percent, 1),
            plan_line: number(r.row.plan_line_now, 1),
            regional: number(r.row.regional_now, 1),
            national: number(r.row.national_now, 1),
        })
        .collect()
}

/// The programme document for the reader of `body`.
pub(crate) fn programme_document(
    state: &AppState,
    lang: Lang,
    body: &ProgrammeBody,
    review: &[Reviewed],
    (watermark, made_on): (String, String),
) -> ProgrammeDocument {
    let (map_svg, legend) = map(state, lang, body);
    ProgrammeDocument {
        cover: Cover {
            region: name_in(lang, &body.region_name_kk, &body.region_name_ru),
            region_code: body.region.clone(),
            period: lang.period(&body.period),
            title: body.title.clone(),
            status: lang.status(&body.status).to_owned(),
            version: body.version.to_string(),
            data_version: body.data_version.to_string(),
            methodology_version: body.methodology_version.clone(),
            synthetic: body.synthetic.then(|| lang.synthetic().to_owned()),
            made_on,
        },
        watermark,
        map_svg,
        legend,
        problems: body
            .problems
            .iter()
            .map(|p| problem_line(state, lang, p))
            .collect(),
        actions: body
            .actions
            .iter()
            .enumerate()
            .map(|a| action_line(state, lang, body, a))
            .collect(),
        budget_total: count(body.budget_tenge),
        progress: progress_lines(lang, body),
        review: review_lines(state, lang, body, review),
    }
}
