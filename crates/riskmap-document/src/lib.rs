//! riskmap's printed documents: the "information to the Ministry" on one crisis-management
//! programme and the Ministry's half-year summary, typeset by typst with its embedded fonts
//! (Libertinus Serif carries every Kazakh letter) into PDF. It takes typed data that the
//! server has already disclosed for the reader and written in the document's language
//! (`data`, `format`, `words`), and the region's map as SVG drawn from its polygons (`map`).
//! **Invariant:** no IO, no HTTP, no disclosure decisions; the same data give the same text.

pub mod data;
pub mod format;
pub mod map;
pub mod sample;
pub mod words;

use std::sync::OnceLock;

use serde::Serialize;
use typst::foundations::{Bytes, Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_layout::PagedDocument;

pub use data::{ProgrammeDocument, SummaryDocument};
pub use words::{Lang, Words};

const PROGRAMME: &str = include_str!("templates/programme.typ");
const SUMMARY: &str = include_str!("templates/summary.typ");
const COMMON: &str = include_str!("templates/common.typ");

/// A document that could not be typeset.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The data could not be handed to the template.
    #[error("document data: {0}")]
    Data(#[from] serde_json::Error),
    /// typst refused the template or the data.
    #[error("typesetting: {0}")]
    Typeset(String),
    /// The PDF writer failed.
    #[error("pdf: {0}")]
    Pdf(String),
}

/// The engine with the templates and the embedded fonts, built once.
fn engine() -> &'static TypstEngine {
    static ENGINE: OnceLock<TypstEngine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        TypstEngine::builder()
            .fonts(typst_assets::fonts())
            .with_static_source_file_resolver([
                ("programme.typ", PROGRAMME),
                ("summary.typ", SUMMARY),
                ("common.typ", COMMON),
            ])
            .build()
    })
}

/// What a template reads from `sys.inputs`: the data as JSON and the words.
#[derive(Serialize)]
struct Inputs<'a, T> {
    words: &'a Words,
    doc: &'a T,
}

fn typeset<T: Serialize>(
    main: &str,
    doc: &T,
    words: &Words,
    map_svg: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let json = serde_json::to_vec(&Inputs { words, doc })?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), Bytes::new(json).into_value());
    if let Some(svg) = map_svg {
        inputs.insert(
            "map".into(),
            Bytes::new(svg.as_bytes().to_vec()).into_value(),
        );
    }
    let document: PagedDocument = engine()
        .compile_with_input(main, inputs)
        .output
        .map_err(|e| Error::Typeset(e.to_string()))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| Error::Pdf(format!("{errors:?}")))
}

/// The PDF of one programme for its reader, in the language of `words`.
pub fn programme_pdf(doc: &ProgrammeDocument, words: &Words) -> Result<Vec<u8>, Error> {
    typeset("programme.typ", doc, words, doc.map_svg.as_deref())
}

/// The PDF of the half-year summary for its reader, in the language of `words`.
pub fn summary_pdf(doc: &SummaryDocument, words: &Words) -> Result<Vec<u8>, Error> {
    typeset("summary.typ", doc, words, None)
}
