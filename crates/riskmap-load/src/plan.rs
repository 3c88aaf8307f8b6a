//! Which contract tables a file holds (forced, the workbook's contract sheets, the file name,
//! or the header row), and the KATO registry the checks look codes up in.

use std::io::Read;
use std::path::Path;

use riskmap_ingest::{KatoRegistry, Options, TableName, sniff};

use crate::LoadError;
use crate::contract_rows::KATO_VERSION;

/// The file name of the KATO registry in the geography folder.
pub(crate) const KATO_REGISTRY_FILE: &str = "kato-2022-10-17-full.csv";

/// Reads the KATO registry from the geography folder.
pub fn load_registry(geography_dir: &Path) -> Result<KatoRegistry, LoadError> {
    let path = geography_dir.join(KATO_REGISTRY_FILE);
    let bytes = std::fs::read(&path).map_err(|source| LoadError::Io {
        path: path.clone(),
        source,
    })?;
    KatoRegistry::parse_csv(&bytes, KATO_VERSION)
        .map_err(|e| LoadError::Usage(format!("cannot parse {}: {e}", path.display())))
}

/// The tables to read from `file` (shown to users as `name`): `forced`, else the workbook's
/// contract sheets, else the table its name says, else the table its header row matches.
pub fn plan_tables(
    file: &Path,
    name: &str,
    forced: Option<TableName>,
    options: &Options,
) -> Result<Vec<TableName>, LoadError> {
    if let Some(table) = forced {
        return Ok(vec![table]);
    }
    let unreadable = |e: std::io::Error| LoadError::Usage(format!("cannot read {name}: {e}"));
    let mut head = Vec::with_capacity(sniff::HEADER_SNIFF_BYTES);
    std::fs::File::open(file)
        .map_err(unreadable)?
        .take(sniff::HEADER_SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(unreadable)?;
    let from_name = sniff::table_from_name(name);
    if sniff::is_xlsx(&head) {
        // Only the ZIP directory and the sheet list are read, never the whole file.
        let workbook = std::fs::File::open(file).map_err(unreadable)?;
        match (
            sniff::xlsx_tables(std::io::BufReader::new(workbook)),
            from_name,
        ) {
            (Some(tables), _) if !tables.is_empty() => return Ok(tables),
            (_, Some(table)) => return Ok(vec![table]),
            _ => {}
        }
    } else if let Some(table) =
        from_name.or_else(|| sniff::table_from_header(&head, options.encoding, &options.mapping))
    {
        return Ok(vec![table]);
    }
    Err(LoadError::Usage(format!(
        "cannot tell which table {name} holds (name, sheets and header match none); name the table"
    )))
}
