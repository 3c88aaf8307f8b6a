//! Reading the forecaster's input files (`counts.csv`, `population.csv`, `neighbours.csv`,
//! laid out as `shared/oracle/hhh4/measles/`) into a validated `Panel`, with errors naming
//! the file, row and column; and writing its outputs whole or not at all.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use riskmap_score::forecast::Panel;

/// The time column, the unit names and `counts[t][i]` of a wide counts file.
pub(crate) struct Counts {
    pub(crate) units: Vec<String>,
    pub(crate) time: Vec<f64>,
    pub(crate) counts: Vec<Vec<f64>>,
}

fn open(path: &Path) -> anyhow::Result<csv::Reader<std::fs::File>> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("{}: cannot open", path.display()))
}

fn headers(reader: &mut csv::Reader<std::fs::File>, path: &Path) -> anyhow::Result<Vec<String>> {
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header row", path.display()))?;
    Ok(headers
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect())
}

/// Unit names from a header after its first column: non-empty and unique.
fn unit_columns(header: &[String], first: &str, path: &Path) -> anyhow::Result<Vec<String>> {
    if header.first().map(String::as_str) != Some(first) {
        bail!(
            "{}: row 1, column 1: expected the header `{first}`",
            path.display()
        );
    }
    let units: Vec<String> = header[1..].to_vec();
    let mut seen = HashMap::new();
    for (k, unit) in units.iter().enumerate() {
        if unit.is_empty() {
            bail!(
                "{}: row 1, column {}: empty unit name",
                path.display(),
                k + 2
            );
        }
        if let Some(previous) = seen.insert(unit.as_str(), k) {
            bail!(
                "{}: row 1, column {}: unit `{unit}` repeats column {}",
                path.display(),
                k + 2,
                previous + 2
            );
        }
    }
    Ok(units)
}

fn cell_number(value: &str, path: &Path, row: usize, column: &str) -> anyhow::Result<f64> {
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() => Ok(number),
        _ => bail!(
            "{}: row {row}, column `{column}`: `{value}` is not a number",
            path.display()
        ),
    }
}

fn read_record(
    reader: &mut csv::Reader<std::fs::File>,
    record: &mut csv::StringRecord,
    path: &Path,
    row: usize,
    width: usize,
) -> anyhow::Result<bool> {
    let more = reader
        .read_record(record)
        .with_context(|| format!("{}: row {row}: unreadable CSV", path.display()))?;
    if more && record.len() != width {
        bail!(
            "{}: row {row}: {} fields, the header has {width}",
            path.display(),
            record.len()
        );
    }
    Ok(more)
}

/// Reads `t, <unit>, …` with non-negative integer counts.
pub(crate) fn read_counts(path: &Path) -> anyhow::Result<Counts> {
    let mut reader = open(path)?;
    let header = headers(&mut reader, path)?;
    let units = unit_columns(&header, "t", path)?;
    let mut record = csv::StringRecord::new();
    let (mut time, mut counts) = (Vec::new(), Vec::new());
    let mut row = 1;
    while read_record(&mut reader, &mut record, path, row + 1, header.len())? {
        row += 1;
        time.push(cell_number(&record[0], path, row, "t")?);
        let mut values = Vec::with_capacity(units.len());
        for (k, unit) in units.iter().enumerate() {
            let value = cell_number(&record[k + 1], path, row, unit)?;
            if value < 0.0 || value.fract() != 0.0 {
                bail!(
                    "{}: row {row}, column `{unit}`: `{}` is not a non-negative integer count",
                    path.display(),
                    &record[k + 1]
                );
            }
            values.push(value);
        }
        counts.push(values);
    }
    if counts.is_empty() {
        bail!("{}: no data rows", path.display());
    }
    Ok(Counts {
        units,
        time,
        counts,
    })
}

/// Reads `unit, population` in the order of `units`.
pub(crate) fn read_population(path: &Path, units: &[String]) -> anyhow::Result<Vec<f64>> {
    let mut reader = open(path)?;
    let header = headers(&mut reader, path)?;
    if header != ["unit", "population"] {
        bail!(
            "{}: row 1: expected the header `unit,population`",
            path.display()
        );
    }
    let index: HashMap<&str, usize> = units
        .iter()
        .enumerate()
        .map(|(k, u)| (u.as_str(), k))
        .collect();
    let mut values: Vec<Option<f64>> = vec![None; units.len()];
    let mut record = csv::StringRecord::new();
    let mut row = 1;
    while read_record(&mut reader, &mut record, path, row + 1, 2)? {
        row += 1;
        let unit = &record[0];
        let Some(&k) = index.get(unit) else {
            bail!(
                "{}: row {row}, column `unit`: `{unit}` is not a unit of the counts file",
                path.display()
            );
        };
        if values[k].is_some() {
            bail!(
                "{}: row {row}, column `unit`: `{unit}` appears twice",
                path.display()
            );
        }
        values[k] = Some(cell_number(&record[1], path, row, "population")?);
    }
    complete(values, units, path)
}

fn complete(values: Vec<Option<f64>>, units: &[String], path: &Path) -> anyhow::Result<Vec<f64>> {
    values
        .into_iter()
        .zip(units)
        .map(|(v, unit)| v.with_context(|| format!("{}: unit `{unit}` is missing", path.display())))
        .collect()
}

/// Reads the neighbour-order matrix `unit, <unit>, …`; true where the order is 1.
pub(crate) fn read_neighbours(path: &Path, units: &[String]) -> anyhow::Result<Vec<Vec<bool>>> {
    let mut reader = open(path)?;
    let header = headers(&mut reader, path)?;
    let columns = unit_columns(&header, "unit", path)?;
    let index: HashMap<&str, usize> = units
        .iter()
        .enumerate()
        .map(|(k, u)| (u.as_str(), k))
        .collect();
    let mut column_unit = Vec::with_capacity(columns.len());
    for (k, name) in columns.iter().enumerate() {
        let Some(&j) = index.get(name.as_str()) else {
            bail!(
                "{}: row 1, column {}: `{name}` is not a unit of the counts file",
                path.display(),
                k + 2
            );
        };
        column_unit.push(j);
    }
    if columns.len() != units.len() {
        bail!(
            "{}: row 1: {} unit columns, the counts file has {} units",
            path.display(),
            columns.len(),
            units.len()
        );
    }
    let mut rows: Vec<Option<Vec<bool>>> = vec![None; units.len()];
    let mut record = csv::StringRecord::new();
    let mut row = 1;
    while read_record(&mut reader, &mut record, path, row + 1, header.len())? {
        row += 1;
        let unit = &record[0];
        let Some(&i) = index.get(unit) else {
            bail!(
                "{}: row {row}, column `unit`: `{unit}` is not a unit of the counts file",
                path.display()
            );
        };
        if rows[i].is_some() {
            bail!(
                "{}: row {row}, column `unit`: `{unit}` appears twice",
                path.display()
            );
        }
        let mut adjacent = vec![false; units.len()];
        for (k, &j) in column_unit.iter().enumerate() {
            let order = cell_number(&record[k + 1], path, row, &columns[k])?;
            if order < 0.0 || order.fract() != 0.0 {
                bail!(
                    "{}: row {row}, column `{}`: `{}` is not a neighbour order",
                    path.display(),
                    columns[k],
                    &record[k + 1]
                );
            }
            adjacent[j] = order == 1.0;
        }
        rows[i] = Some(adjacent);
    }
    let rows: Vec<Vec<bool>> = rows
        .into_iter()
        .zip(units)
        .map(|(r, unit)| r.with_context(|| format!("{}: unit `{unit}` has no row", path.display())))
        .collect::<anyhow::Result<_>>()?;
    check_symmetric(&rows, units, path)?;
    Ok(rows)
}

fn check_symmetric(rows: &[Vec<bool>], units: &[String], path: &Path) -> anyhow::Result<()> {
    for (i, row) in rows.iter().enumerate() {
        for (j, &adjacent) in row.iter().enumerate() {
            if adjacent != rows[j][i] {
                bail!(
                    "{}: units `{}` and `{}`: neighbour order 1 in one direction only",
                    path.display(),
                    units[i],
                    units[j]
                );
            }
        }
    }
    Ok(())
}

/// Reads the three files into a validated panel.
pub(crate) fn read_panel(
    counts: &Path,
    population: &Path,
    neighbours: &Path,
) -> anyhow::Result<Panel> {
    let data = read_counts(counts)?;
    let offset = read_population(population, &data.units)?;
    let adjacent = read_neighbours(neighbours, &data.units)?;
    Panel::new(data.units, data.time, data.counts, offset, &adjacent)
        .map_err(anyhow::Error::from)
        .context(format!(
            "{}, {}, {}: the data cannot be modelled",
            counts.display(),
            population.display(),
            neighbours.display()
        ))
}

/// Writes `contents` to `path` through a temporary file in the same directory, so a
/// failure never leaves a half-written output.
pub(crate) fn write_whole(path: &Path, contents: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
    file.write_all(contents.as_bytes())
        .with_context(|| format!("{}: cannot write", path.display()))?;
    file.persist(path)
        .with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(())
}
