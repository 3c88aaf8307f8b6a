//! A programme document of any size made of plausible Kazakh and Russian text, for the
//! benchmark (`examples/bench_programme.rs`) and the crate's tests: it exercises every table
//! of the template, not a data set anyone reads.

use crate::data::{
    ActionLine, Cover, LegendEntry, Pair, ProblemLine, ProgrammeDocument, ProgressLine, ReviewLine,
};
use crate::format::{count, number};
use crate::map::{MapArea, svg};

/// A document with `problems` problems and `actions` actions over a grid of `problems`
/// square districts (a quarter of them filled).
pub fn programme(problems: usize, actions: usize) -> ProgrammeDocument {
    let shapes: Vec<geo_types::MultiPolygon<f64>> = (0..problems.max(1)).map(square).collect();
    let fills = ["#b2182b", "#67a9cf", "#1a9850"];
    let areas: Vec<MapArea<'_>> = shapes
        .iter()
        .enumerate()
        .map(|(i, shape)| MapArea {
            shape,
            fill: (i % 4 == 0).then(|| fills[i % 3]),
        })
        .collect();
    ProgrammeDocument {
        cover: Cover {
            region: "Алматы қаласы".to_owned(),
            region_code: "750000000".to_owned(),
            period: "2025 ж.".to_owned(),
            title:
                "Дағдарысты басқару бағдарламасы: әңгіме, ғылым, қоғам, өңір, ұжым, үй, һ, ізгілік"
                    .to_owned(),
            status: "бекітілген".to_owned(),
            version: "3".to_owned(),
            data_version: "12".to_owned(),
            methodology_version: "2025.1".to_owned(),
            synthetic: Some("Синтетикалық деректер".to_owned()),
            made_on: "06.12.2026".to_owned(),
        },
        watermark: "Қызметтік, жібермеңіз. — әкімдік · токен № 7 · 750000000 · 06.12.2026"
            .to_owned(),
        map_svg: svg(&areas),
        legend: vec![LegendEntry {
            colour: "#b2182b".to_owned(),
            label: "мерзімі өткен".to_owned(),
        }],
        problems: (0..problems).map(problem).collect(),
        actions: (0..actions).map(|i| action(i, problems)).collect(),
        budget_total: count(1_500_000 * actions as u64),
        progress: (0..actions)
            .map(|i| ProgressLine {
                action: (i + 1).to_string(),
                quarter: "2025 ж. 1-тоқсан".to_owned(),
                status: "кесте бойынша".to_owned(),
                percent: count((i % 101) as u64),
                submitted: "09.04.2025".to_owned(),
                comment: "Жоспар бойынша орындалуда".to_owned(),
            })
            .collect(),
        review: (0..problems)
            .map(|i| ReviewLine {
                unit: format!("Аудан № {i}"),
                indicator: "Зорлық-зомбылық жағдайлары".to_owned(),
                at_snapshot: number(Some(12.5 + i as f64), 1),
                now: number(Some(11.25), 1),
                change: "−10%".to_owned(),
                plan_line: number(Some(11.9), 1),
                regional: number(Some(10.0), 1),
                national: number(Some(9.4), 1),
            })
            .collect(),
    }
}

fn square(i: usize) -> geo_types::MultiPolygon<f64> {
    let (x, y) = ((i % 20) as f64 * 0.1 + 76.0, (i / 20) as f64 * 0.1 + 43.0);
    geo_types::MultiPolygon(vec![geo_types::Polygon::new(
        geo_types::LineString::from(vec![
            (x, y),
            (x + 0.1, y),
            (x + 0.1, y + 0.1),
            (x, y + 0.1),
            (x, y),
        ]),
        vec![],
    )])
}

fn problem(i: usize) -> ProblemLine {
    ProblemLine {
        name: format!("№ {i} мектеп-гимназия"),
        district: "Әуезов ауданы".to_owned(),
        rank: count(i as u64 + 1),
        quarter: "2024 ж. 4-тоқсан".to_owned(),
        triggers: "жоғарғы квинтиль, S2 оқиғасы".to_owned(),
        values: vec![
            Pair {
                label: "Оқушылар".to_owned(),
                value: count(1950),
            },
            Pair {
                label: "Зорлық-зомбылық жағдайлары".to_owned(),
                value: "c".to_owned(),
            },
            Pair {
                label: "Тәуекел индексі (0–10)".to_owned(),
                value: number(Some(7.26), 1),
            },
        ],
    }
}

fn action(i: usize, problems: usize) -> ActionLine {
    ActionLine {
        number: (i + 1).to_string(),
        kind: "Психологтар мен әлеуметтік педагогтармен жасақтау".to_owned(),
        units: format!("№ {} мектеп-гимназия", i % problems.max(1)),
        organisation: "Алматы қаласының білім басқармасы".to_owned(),
        responsible: "Әсел Нұрланқызы".to_owned(),
        start: "01.01.2025".to_owned(),
        due: "31.12.2025".to_owned(),
        budget: count(1_500_000),
        funding: "жергілікті бюджет".to_owned(),
        indicator: "Зорлық-зомбылық жағдайлары (−5%)".to_owned(),
        status: "кешігуде".to_owned(),
    }
}
