//! The typesetting end to end: the embedded font carries every Kazakh letter, and the PDF's
//! text (extracted with poppler's `pdftotext`, installed by scripts/setup.sh) holds the
//! Kazakh and Russian words, the values and the watermark it was given.

#![allow(clippy::unwrap_used, reason = "tests: a failure should stop the test")]

use std::io::Write as _;
use std::process::{Command, Stdio};

use riskmap_document::{Lang, programme_pdf, sample, summary_pdf};

const KAZAKH: &str = "әғқңөұүһіӘҒҚҢӨҰҮҺІ";

/// The text of a PDF, with no-break spaces as plain spaces.
fn pdf_text(pdf: &[u8]) -> String {
    let mut child = Command::new("pdftotext")
        .args(["-layout", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (Debian poppler-utils; scripts/setup.sh installs it)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ")
}

/// The faces the templates use: Libertinus Serif regular, bold and italic (never bold italic,
/// whose face lacks some Kazakh letters).
#[test]
fn the_faces_the_templates_use_have_every_kazakh_letter() {
    use typst::text::{FontStyle, FontWeight};
    let fonts: Vec<_> = typst_assets::fonts()
        .flat_map(|data| typst::text::Font::iter(typst::foundations::Bytes::new(data)))
        .filter(|f| f.info().family == "Libertinus Serif")
        .filter(|f| {
            let v = f.info().variant;
            matches!(
                (v.style, v.weight),
                (FontStyle::Normal, FontWeight::REGULAR | FontWeight::BOLD)
                    | (FontStyle::Italic, FontWeight::REGULAR)
            )
        })
        .collect();
    assert_eq!(fonts.len(), 3);
    for font in &fonts {
        for c in KAZAKH.chars() {
            assert!(
                font.info().coverage.contains(u32::from(c)),
                "{c} missing from {:?}",
                font.info()
            );
        }
    }
}

#[test]
fn programme_pdf_carries_kazakh_text_values_and_watermark() {
    let doc = sample::programme(3, 4);
    let pdf = programme_pdf(&doc, &Lang::Kk.words()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    for needle in [
        "Оқу-ағарту министрлігіне ақпарат",
        "әңгіме, ғылым, қоғам, өңір, ұжым, үй, һ, ізгілік",
        "№ 2 мектеп-гимназия",
        "1 950",
        "7,3",
        "6 000 000",
        "кешігуде",
        "Қызметтік, жібермеңіз. — әкімдік · токен № 7",
        "Іс-шаралар",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn russian_words_in_a_russian_document() {
    let doc = sample::programme(1, 1);
    let text = pdf_text(&programme_pdf(&doc, &Lang::Ru.words()).unwrap());
    for needle in [
        "Информация в Министерство просвещения",
        "Мероприятия",
        "Итого бюджет",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(!text.contains("Іс-шаралар"));
}

#[test]
fn summary_pdf_has_its_lines_and_totals() {
    use riskmap_document::data::{SummaryDocument, SummaryLine};
    let line = |region: &str, n: &str| SummaryLine {
        region: region.to_owned(),
        by_status: std::array::from_fn(|_| n.to_owned()),
        actions: std::array::from_fn(|_| n.to_owned()),
        budget: "1 500 000".to_owned(),
        late_reports: n.to_owned(),
        missing_reports: n.to_owned(),
    };
    let doc = SummaryDocument {
        half: "2025 ж. 1-жартыжылдық".to_owned(),
        as_of: "06.12.2026".to_owned(),
        watermark: "Қызметтік, жібермеңіз. — министрлік".to_owned(),
        regions: vec![line("Алматы қаласы", "2"), line("Ұлытау облысы", "3")],
        total: line("Барлығы", "5"),
    };
    let text = pdf_text(&summary_pdf(&doc, &Lang::Kk.words()).unwrap());
    for needle in [
        "Ұлытау облысы",
        "Барлығы",
        "Жартыжылдық",
        "1 500 000",
        "министрлік",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}
