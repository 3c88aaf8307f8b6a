//! Parses the BNS population table and the schools-per-region table.

use std::collections::HashMap;

use riskmap_model::Kato;

use crate::{Error, Result, Source};

/// Population of one KATO 2022 unit on 1 January 2023.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PopulationRow {
    pub(crate) total: u64,
    pub(crate) urban: u64,
    pub(crate) rural: u64,
}

/// `population-2023-01-01.csv`: kato → population (levels 0, 1 and 2).
pub(crate) fn parse_population(source: &Source) -> Result<HashMap<Kato, PopulationRow>> {
    let mut reader = csv::Reader::from_reader(source.bytes.as_slice());
    let headers = reader.headers().map_err(|e| file_error(source, e))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::File {
                file: source.name.clone(),
                message: format!("missing column {name:?}"),
            })
    };
    let (kato_col, total_col, urban_col, rural_col) = (
        column("kato")?,
        column("total")?,
        column("urban")?,
        column("rural")?,
    );
    let mut rows = HashMap::new();
    for (idx, record) in reader.records().enumerate() {
        let row = idx + 2;
        let record = record.map_err(|e| row_error(source, row, e.to_string()))?;
        let field = |col: usize| record.get(col).unwrap_or("").trim();
        let kato = Kato::parse(field(kato_col))
            .map_err(|e| row_error(source, row, format!("column kato: {e}")))?;
        let number = |col: usize, name: &str| -> Result<u64> {
            let text = field(col);
            if text.is_empty() {
                return Ok(0); // "-" in the bulletin: the unit has no such population
            }
            text.parse()
                .map_err(|_| row_error(source, row, format!("column {name}: not a whole number")))
        };
        let population = PopulationRow {
            total: number(total_col, "total")?,
            urban: number(urban_col, "urban")?,
            rural: number(rural_col, "rural")?,
        };
        if rows.insert(kato, population).is_some() {
            return Err(row_error(source, row, format!("duplicate kato {kato}")));
        }
    }
    Ok(rows)
}

/// `schools-2022-23.csv`: region kato → number of general-education schools.
pub(crate) fn parse_schools(source: &Source) -> Result<HashMap<Kato, u32>> {
    let mut reader = csv::Reader::from_reader(source.bytes.as_slice());
    let headers = reader.headers().map_err(|e| file_error(source, e))?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::File {
                file: source.name.clone(),
                message: format!("missing column {name:?}"),
            })
    };
    let (kato_col, count_col) = (
        column("kato")?,
        column("general_education_schools_2022_23")?,
    );
    let mut rows = HashMap::new();
    for (idx, record) in reader.records().enumerate() {
        let row = idx + 2;
        let record = record.map_err(|e| row_error(source, row, e.to_string()))?;
        let kato = Kato::parse(record.get(kato_col).unwrap_or("").trim())
            .map_err(|e| row_error(source, row, format!("column kato: {e}")))?;
        let count = record
            .get(count_col)
            .unwrap_or("")
            .trim()
            .parse()
            .map_err(|_| row_error(source, row, "schools: not a whole number".to_owned()))?;
        rows.insert(kato, count);
    }
    Ok(rows)
}

fn file_error(source: &Source, error: csv::Error) -> Error {
    Error::File {
        file: source.name.clone(),
        message: error.to_string(),
    }
}

fn row_error(source: &Source, row: usize, message: String) -> Error {
    Error::Row {
        file: source.name.clone(),
        row,
        message,
    }
}
