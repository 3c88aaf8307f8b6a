//! The XLSX reader: a workbook's sheet list, shared strings and date styles, and a sheet read
//! as a stream of rows — never a grid, whatever dimension or far cell reference the file
//! declares. Every part is read through [`Guarded`], and every size is checked against
//! [`Limits`] before anything is kept for it; a breach names the limit, never a value.

use std::io::{BufReader, Read, Seek, SeekFrom};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;

use crate::finding::Code;
use crate::guarded::{Breach, Guarded};
use crate::limits::Limits;

/// Why reading a workbook stopped: a limit or a corrupt part, or the caller's row visitor.
pub(crate) enum Stop<E> {
    /// The file broke a limit or cannot be read.
    Breach(Breach),
    /// The visitor returned an error.
    Visitor(E),
}

impl<E> From<Breach> for Stop<E> {
    fn from(breach: Breach) -> Self {
        Stop::Breach(breach)
    }
}

/// One non-empty row of a sheet: its 1-based number and its non-empty cells, in column order.
/// Each cell's text lies in `text` at its range; cells are separated by a byte that is never a
/// digit, so that a scan of the whole text never joins two cells' digits.
#[derive(Debug, Default)]
pub(crate) struct SheetRow {
    pub(crate) number: u64,
    pub(crate) text: String,
    /// (0-based column, start, end) of each cell.
    pub(crate) cells: Vec<(usize, usize, usize)>,
}

impl SheetRow {
    /// The number of columns up to the last non-empty cell.
    pub(crate) fn width(&self) -> usize {
        self.cells.last().map_or(0, |c| c.0 + 1)
    }
}

/// The XML reader of one guarded part of a workbook.
type PartReader<'a, R> = Reader<BufReader<Guarded<zip::read::ZipFile<'a, R>>>>;

/// A workbook opened for streaming.
pub(crate) struct Workbook<R> {
    archive: ZipArchive<R>,
    sheets: Vec<(String, String)>,
    limits: Limits,
}

/// A value from the file (an error that quotes it, a part path, a sheet name) as a message may
/// quote it: a short excerpt, never the whole of what a hostile file put there.
fn quoted(value: &impl std::fmt::Display) -> String {
    crate::finding::excerpt(&value.to_string())
}

fn corrupt(message: String) -> Breach {
    Breach {
        code: Code::XlsxCorrupt,
        message,
    }
}

impl<R: Read + Seek> Workbook<R> {
    /// Opens the ZIP directory (after checking its size) and reads the sheet list.
    pub(crate) fn open(mut input: R, limits: Limits) -> Result<Self, Breach> {
        check_directory(&mut input, &limits)?;
        let archive = ZipArchive::new(input).map_err(|e| {
            corrupt(format!(
                "the workbook cannot be opened (truncated or corrupt?): {}",
                quoted(&e)
            ))
        })?;
        let mut workbook = Self {
            archive,
            sheets: Vec::new(),
            limits,
        };
        workbook.sheets = workbook.read_sheet_list()?;
        Ok(workbook)
    }

    /// The sheet names in workbook order.
    pub(crate) fn sheet_names(&self) -> Vec<String> {
        self.sheets.iter().map(|(name, _)| name.clone()).collect()
    }

    /// Streams the non-empty rows of sheet `name` to `visit`; `cell_cap` is the longest cell
    /// text kept (longer cells keep `cell_cap + 1` bytes, enough for the caller to see them
    /// as too long).
    pub(crate) fn rows<E>(
        &mut self,
        name: &str,
        cell_cap: usize,
        mut visit: impl FnMut(&SheetRow) -> Result<(), E>,
    ) -> Result<(), Stop<E>> {
        let Some(part) = self
            .sheets
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
        else {
            return Err(corrupt(format!(
                "sheet {} has no part in the workbook",
                quoted(&name)
            ))
            .into());
        };
        let shared = self.shared_strings(cell_cap)?;
        let dates = self.date_styles()?;
        let limits = self.limits;
        let reader = self.part(&part)?.ok_or_else(|| {
            corrupt(format!(
                "sheet {}: part {} is missing from the workbook",
                quoted(&name),
                quoted(&part)
            ))
        })?;
        let mut sheet = SheetReader {
            shared: &shared,
            dates: &dates,
            limits,
            cell_cap,
            row: SheetRow::default(),
            cells_seen: 0,
        };
        sheet.read(reader, &part, &mut visit)
    }

    /// A guarded reader of one part, `None` when the workbook has no such part.
    fn part(&mut self, path: &str) -> Result<Option<PartReader<'_, R>>, Breach> {
        let Some(index) = self.archive.index_for_name(path) else {
            return Ok(None);
        };
        let file = self.archive.by_index(index).map_err(|e| {
            corrupt(format!(
                "part {} cannot be read: {}",
                quoted(&path),
                quoted(&e)
            ))
        })?;
        let compressed = file.compressed_size();
        let guarded = Guarded::new(file, path, compressed, self.limits);
        let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, guarded));
        reader.config_mut().check_comments = false;
        Ok(Some(reader))
    }

    /// The sheets of `xl/workbook.xml` with the parts their relationships point to.
    fn read_sheet_list(&mut self) -> Result<Vec<(String, String)>, Breach> {
        let targets = self.relationships()?;
        let max = self.limits.max_xlsx_parts;
        let mut sheets = Vec::new();
        let Some(mut reader) = self.part("xl/workbook.xml")? else {
            return Err(corrupt("the workbook has no xl/workbook.xml".to_owned()));
        };
        let mut buf = Vec::new();
        loop {
            match next_event(&mut reader, &mut buf, "xl/workbook.xml")? {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                    if sheets.len() >= max {
                        return Err(Breach {
                            code: Code::XlsxTooManyParts,
                            message: format!("the workbook lists more than {max} sheets"),
                        });
                    }
                    let name = attribute(&e, "name", false).unwrap_or_default();
                    let id = attribute(&e, "id", true).unwrap_or_default();
                    let part = targets
                        .iter()
                        .find(|(rid, _, _)| *rid == id)
                        .map(|(_, _, target)| target.clone())
                        .unwrap_or_else(|| format!("xl/worksheets/sheet{}.xml", sheets.len() + 1));
                    sheets.push((name, part));
                }
                Event::Eof => return Ok(sheets),
                _ => {}
            }
            buf.clear();
        }
    }

    /// (id, type, part) of each relationship of the workbook part.
    fn relationships(&mut self) -> Result<Vec<(String, String, String)>, Breach> {
        let path = "xl/_rels/workbook.xml.rels";
        let max = self.limits.max_xlsx_parts;
        let Some(mut reader) = self.part(path)? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        let mut buf = Vec::new();
        loop {
            match next_event(&mut reader, &mut buf, path)? {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                    if found.len() >= max {
                        return Err(Breach {
                            code: Code::XlsxTooManyParts,
                            message: format!("the workbook has more than {max} relationships"),
                        });
                    }
                    let id = attribute(&e, "Id", false).unwrap_or_default();
                    let kind = attribute(&e, "Type", false).unwrap_or_default();
                    let target = attribute(&e, "Target", false).unwrap_or_default();
                    found.push((id, kind, part_path(&target)));
                }
                Event::Eof => return Ok(found),
                _ => {}
            }
            buf.clear();
        }
    }

    /// The part of the first relationship whose type ends with `kind`, else `default`.
    fn related_part(&mut self, kind: &str, default: &str) -> Result<String, Breach> {
        Ok(self
            .relationships()?
            .into_iter()
            .find(|(_, k, _)| k.ends_with(kind))
            .map_or_else(|| default.to_owned(), |(_, _, part)| part))
    }

    /// The shared strings, each cut to `cell_cap + 1` bytes, within the limits.
    fn shared_strings(&mut self, cell_cap: usize) -> Result<SharedStrings, Breach> {
        let path = self.related_part("/sharedStrings", "xl/sharedStrings.xml")?;
        let limits = self.limits;
        let mut strings = SharedStrings::default();
        let Some(mut reader) = self.part(&path)? else {
            return Ok(strings);
        };
        let mut buf = Vec::new();
        let mut text = TextState::default();
        let mut current = String::new();
        loop {
            let event = next_event(&mut reader, &mut buf, &path)?;
            match &event {
                Event::Start(e) if e.local_name().as_ref() == "si" => current.clear(),
                Event::End(e) if e.local_name().as_ref() == "si" => {
                    strings.push(&current, &limits)?;
                }
                Event::Eof => return Ok(strings),
                _ => {
                    if let Some(piece) = text.follow(&event, &path)? {
                        push_capped(&mut current, &piece, cell_cap);
                    }
                }
            }
            buf.clear();
        }
    }

    /// For each cell style (`s` attribute), whether its number format is a date.
    fn date_styles(&mut self) -> Result<Vec<bool>, Breach> {
        let path = self.related_part("/styles", "xl/styles.xml")?;
        let max = self.limits.max_xlsx_parts.max(65_536);
        let Some(mut reader) = self.part(&path)? else {
            return Ok(Vec::new());
        };
        let mut custom_dates: Vec<u32> = Vec::new();
        let mut styles = Vec::new();
        let mut in_cell_xfs = false;
        let mut buf = Vec::new();
        loop {
            match next_event(&mut reader, &mut buf, &path)? {
                Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                    "numFmt" if custom_dates.len() < max => {
                        let id = attribute(&e, "numFmtId", false).and_then(|v| v.parse().ok());
                        let code = attribute(&e, "formatCode", false).unwrap_or_default();
                        if let Some(id) = id.filter(|_| is_date_format(&code)) {
                            custom_dates.push(id);
                        }
                    }
                    "cellXfs" => in_cell_xfs = true,
                    "xf" if in_cell_xfs && styles.len() < max => {
                        let id: u32 = attribute(&e, "numFmtId", false)
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        styles.push(is_builtin_date(id) || custom_dates.contains(&id));
                    }
                    _ => {}
                },
                Event::End(e) if e.local_name().as_ref() == "cellXfs" => in_cell_xfs = false,
                Event::Eof => return Ok(styles),
                _ => {}
            }
            buf.clear();
        }
    }
}

/// Refuses a ZIP whose central directory lists more entries, or is larger, than the limits
/// allow, before the ZIP reader allocates anything for it.
fn check_directory<R: Read + Seek>(input: &mut R, limits: &Limits) -> Result<(), Breach> {
    let io = |e: std::io::Error| corrupt(format!("the workbook cannot be read: {}", quoted(&e)));
    let len = input.seek(SeekFrom::End(0)).map_err(io)?;
    let tail_len = len.min(22 + 65_535);
    input.seek(SeekFrom::Start(len - tail_len)).map_err(io)?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    input
        .by_ref()
        .take(tail_len)
        .read_to_end(&mut tail)
        .map_err(io)?;
    input.seek(SeekFrom::Start(0)).map_err(io)?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..i + 4] == *b"PK\x05\x06")
    else {
        return Err(corrupt(
            "the workbook cannot be opened (truncated or corrupt?): no ZIP directory".to_owned(),
        ));
    };
    let entries = u16::from_le_bytes([tail[at + 10], tail[at + 11]]) as usize;
    let size = u32::from_le_bytes([tail[at + 12], tail[at + 13], tail[at + 14], tail[at + 15]]);
    let max = limits.max_xlsx_parts;
    if entries > max || u64::from(size) > max as u64 * 1024 {
        return Err(Breach {
            code: Code::XlsxTooManyParts,
            message: format!(
                "the workbook's ZIP directory lists {entries} parts in {size} bytes; at most {max} parts are read"
            ),
        });
    }
    Ok(())
}

/// The archive path of a relationship target (relative to `xl/`, or absolute).
fn part_path(target: &str) -> String {
    match target.strip_prefix('/') {
        Some(absolute) => absolute.to_owned(),
        None => {
            let mut parts: Vec<&str> = vec!["xl"];
            for piece in target.split('/') {
                match piece {
                    ".." => {
                        parts.pop();
                    }
                    "." | "" => {}
                    other => parts.push(other),
                }
            }
            parts.join("/")
        }
    }
}

/// The next XML event; a read error is the guard's breach or a corrupt part.
fn next_event<'b, R: Read>(
    reader: &mut Reader<BufReader<Guarded<R>>>,
    buf: &'b mut Vec<u8>,
    part: &str,
) -> Result<Event<'b>, Breach> {
    let position = reader.buffer_position();
    match reader.read_event_into(buf) {
        Ok(event) => Ok(event),
        Err(error) => Err(reader
            .get_ref()
            .get_ref()
            .breach()
            .cloned()
            .unwrap_or_else(|| {
                corrupt(format!(
                    "part {} is not well-formed XML near byte {position}: {}",
                    quoted(&part),
                    quoted(&error)
                ))
            })),
    }
}

/// The unescaped value of the attribute whose local name is `name` (`prefixed`: only when
/// the attribute has a namespace prefix, as `r:id`).
fn attribute(element: &BytesStart<'_>, name: &str, prefixed: bool) -> Option<String> {
    element.attributes().flatten().find_map(|attr| {
        let key = attr.key;
        let matches = key.local_name().as_ref() == name && (!prefixed || key.prefix().is_some());
        matches.then(|| {
            attr.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_or_else(|_| attr.value.to_string(), |v| v.into_owned())
        })
    })
}

/// Appends `piece` to `text`, keeping at most `cap + 1` bytes (cut on a character boundary).
fn push_capped(text: &mut String, piece: &str, cap: usize) {
    let room = (cap + 1).saturating_sub(text.len());
    if piece.len() <= room {
        text.push_str(piece);
        return;
    }
    let mut end = room;
    while !piece.is_char_boundary(end) {
        end += 1;
    }
    text.push_str(&piece[..end]);
}

/// Which text of a string item (`<si>`, `<is>`) is its value: the `<t>` elements, not those
/// of phonetic runs (`<rPh>`).
#[derive(Default)]
struct TextState {
    in_t: bool,
    in_phonetic: bool,
}

impl TextState {
    /// Follows `event`; returns the text it contributes to the value, if any.
    fn follow(&mut self, event: &Event<'_>, part: &str) -> Result<Option<String>, Breach> {
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => self.in_t = true,
                "rPh" => self.in_phonetic = true,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => self.in_t = false,
                "rPh" => self.in_phonetic = false,
                _ => {}
            },
            _ if self.in_t && !self.in_phonetic => return character_data(event, part),
            _ => {}
        }
        Ok(None)
    }
}

/// The characters a text, CDATA or reference event stands for.
fn character_data(event: &Event<'_>, part: &str) -> Result<Option<String>, Breach> {
    Ok(match event {
        Event::Text(t) => Some(t.xml10_content().into_owned()),
        Event::CData(c) => Some(AsRef::<str>::as_ref(c).to_owned()),
        Event::GeneralRef(r) => {
            let bad = || {
                corrupt(format!(
                    "part {} has an unknown character reference",
                    quoted(&part)
                ))
            };
            match r.resolve_char_ref() {
                Ok(Some(c)) => Some(c.to_string()),
                Ok(None) => {
                    let name = r.xml10_content();
                    let resolved = quick_xml::escape::resolve_predefined_entity(&name);
                    Some(resolved.ok_or_else(bad)?.to_owned())
                }
                Err(_) => return Err(bad()),
            }
        }
        _ => None,
    })
}

/// The shared strings in one buffer.
#[derive(Default)]
struct SharedStrings {
    text: String,
    ends: Vec<u32>,
}

impl SharedStrings {
    fn push(&mut self, value: &str, limits: &Limits) -> Result<(), Breach> {
        if self.ends.len() >= limits.max_shared_strings
            || self.text.len() + value.len() > limits.max_shared_string_bytes
        {
            return Err(Breach {
                code: Code::XlsxSharedStrings,
                message: format!(
                    "the shared strings exceed {} strings or {} bytes",
                    limits.max_shared_strings, limits.max_shared_string_bytes
                ),
            });
        }
        self.text.push_str(value);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        Ok(())
    }

    fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)? as usize;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1] as usize,
        };
        self.text.get(start..end)
    }
}

/// Whether a built-in number format id is a date or time format.
fn is_builtin_date(id: u32) -> bool {
    matches!(id, 14..=22 | 27..=36 | 45..=47 | 50..=58)
}

/// Whether a custom number format shows a date or time (quoted text, escaped characters and
/// bracketed colours or conditions aside).
fn is_date_format(code: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            _ if quoted || bracket => {}
            'd' | 'D' | 'm' | 'M' | 'y' | 'Y' | 'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// The 0-based column of a cell reference such as `AB12`; `None` when it has no letters or
/// names a column beyond any sheet (more than three letters).
fn column_of(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference
        .bytes()
        .take_while(u8::is_ascii_alphabetic)
        .collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut column = 0usize;
    for letter in letters {
        column = column * 26 + usize::from(letter.to_ascii_uppercase() - b'A') + 1;
    }
    Some(column - 1)
}

/// The spreadsheet name of a 0-based column (`A`, `Z`, `AA`, …).
pub(crate) fn column_name(mut column: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    name.reverse();
    String::from_utf8_lossy(&name).into_owned()
}

/// The state of one sheet being streamed.
struct SheetReader<'s> {
    shared: &'s SharedStrings,
    dates: &'s [bool],
    limits: Limits,
    cell_cap: usize,
    row: SheetRow,
    cells_seen: u64,
}

/// The cell being read: where its text starts and how to turn its value into text.
struct OpenCell {
    column: usize,
    start: usize,
    kind: String,
    date: bool,
}

impl SheetReader<'_> {
    fn read<R: Read, E>(
        &mut self,
        mut reader: Reader<BufReader<Guarded<R>>>,
        part: &str,
        visit: &mut impl FnMut(&SheetRow) -> Result<(), E>,
    ) -> Result<(), Stop<E>> {
        let mut buf = Vec::new();
        let mut cell: Option<OpenCell> = None;
        let mut in_value = false;
        let mut text = TextState::default();
        let mut next_column = 0usize;
        loop {
            let event = next_event(&mut reader, &mut buf, part)?;
            match &event {
                Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                    self.start_row(e)?;
                    next_column = 0;
                    if matches!(event, Event::Empty(_)) {
                        self.end_row(visit)?;
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "row" => self.end_row(visit)?,
                Event::Start(e) if e.local_name().as_ref() == "c" => {
                    let open = self.open_cell(e, next_column);
                    next_column = open.column + 1;
                    cell = Some(open);
                }
                Event::Empty(e) if e.local_name().as_ref() == "c" => {
                    next_column = self.open_cell(e, next_column).column + 1;
                }
                Event::End(e) if e.local_name().as_ref() == "c" => {
                    if let Some(open) = cell.take() {
                        self.close_cell(open)?;
                    }
                    in_value = false;
                }
                Event::Start(e) if e.local_name().as_ref() == "v" => in_value = cell.is_some(),
                Event::End(e) if e.local_name().as_ref() == "v" => in_value = false,
                Event::Eof => return Ok(()),
                _ if in_value => {
                    if let Some(piece) = character_data(&event, part)? {
                        let cap = self.cap_for(&cell);
                        push_capped(&mut self.row.text, &piece, cap);
                    }
                }
                _ if cell.is_some() => {
                    if let Some(piece) = text.follow(&event, part)? {
                        let cap = self.cap_for(&cell);
                        push_capped(&mut self.row.text, &piece, cap);
                    }
                }
                _ => {}
            }
            buf.clear();
        }
    }

    /// The total length the row text may reach while the open cell grows.
    fn cap_for(&self, cell: &Option<OpenCell>) -> usize {
        cell.as_ref().map_or(0, |c| c.start) + self.cell_cap
    }

    fn start_row(&mut self, element: &BytesStart<'_>) -> Result<(), Breach> {
        let number = attribute(element, "r", false)
            .and_then(|r| r.parse::<u64>().ok())
            .unwrap_or(self.row.number + 1);
        if number > self.limits.max_rows {
            return Err(Breach {
                code: Code::TooManyRows,
                message: format!(
                    "the sheet has a row numbered {number}; at most {} rows are read",
                    self.limits.max_rows
                ),
            });
        }
        self.row.number = number;
        self.row.text.clear();
        self.row.cells.clear();
        Ok(())
    }

    fn end_row<E>(
        &mut self,
        visit: &mut impl FnMut(&SheetRow) -> Result<(), E>,
    ) -> Result<(), Stop<E>> {
        if !self.row.cells.is_empty() {
            if !self.row.cells.is_sorted_by_key(|c| c.0) {
                self.row.cells.sort_by_key(|c| c.0);
            }
            visit(&self.row).map_err(Stop::Visitor)?;
        }
        self.row.text.clear();
        self.row.cells.clear();
        Ok(())
    }

    fn open_cell(&self, element: &BytesStart<'_>, next_column: usize) -> OpenCell {
        let reference = attribute(element, "r", false);
        let column = reference
            .as_deref()
            .and_then(column_of)
            .unwrap_or(next_column);
        let kind = attribute(element, "t", false).unwrap_or_default();
        let style: Option<usize> = attribute(element, "s", false).and_then(|s| s.parse().ok());
        let date = style.is_some_and(|s| self.dates.get(s).copied().unwrap_or(false));
        OpenCell {
            column,
            start: self.row.text.len(),
            kind,
            date,
        }
    }

    /// Turns the raw value of the open cell into its text and records the cell when it is
    /// not empty.
    fn close_cell(&mut self, cell: OpenCell) -> Result<(), Breach> {
        let raw = self.row.text[cell.start..].to_owned();
        self.row.text.truncate(cell.start);
        let value = self.cell_text(&cell, raw)?;
        if value.is_empty() {
            return Ok(());
        }
        if cell.column >= self.limits.max_columns {
            return Err(Breach {
                code: Code::TooManyColumns,
                message: format!(
                    "cell {}{} lies beyond the {} columns read",
                    column_name(cell.column),
                    self.row.number,
                    self.limits.max_columns
                ),
            });
        }
        self.cells_seen += 1;
        if self.cells_seen > self.limits.max_cells {
            return Err(Breach {
                code: Code::TooManyCells,
                message: format!(
                    "the sheet has more than {} non-empty cells",
                    self.limits.max_cells
                ),
            });
        }
        push_capped(&mut self.row.text, &value, cell.start + self.cell_cap);
        let end = self.row.text.len();
        self.row.cells.push((cell.column, cell.start, end));
        // A separator that is never a digit, so that two cells' digits never join.
        self.row.text.push('\u{1f}');
        Ok(())
    }

    fn cell_text(&self, cell: &OpenCell, raw: String) -> Result<String, Breach> {
        Ok(match cell.kind.as_str() {
            "s" => {
                let index: usize = raw.trim().parse().map_err(|_| {
                    corrupt(format!(
                        "cell {}{} holds no shared-string index",
                        column_name(cell.column),
                        self.row.number
                    ))
                })?;
                self.shared
                    .get(index)
                    .ok_or_else(|| {
                        corrupt(format!(
                            "cell {}{} refers to shared string {index} of {}",
                            column_name(cell.column),
                            self.row.number,
                            self.shared.ends.len()
                        ))
                    })?
                    .to_owned()
            }
            "b" => match raw.trim() {
                "1" | "true" => "true".to_owned(),
                "0" | "false" => "false".to_owned(),
                _ => raw,
            },
            "str" | "inlineStr" | "e" | "d" => raw,
            _ => number_text(&raw, cell.date),
        })
    }
}

/// The text of a numeric cell as a CSV would hold it (a date when its style says so).
fn number_text(raw: &str, date: bool) -> String {
    let trimmed = raw.trim();
    match trimmed.parse::<f64>() {
        Ok(value) if value.is_finite() && date => excel_date_text(value),
        Ok(value) if value.is_finite() => float_text(value),
        _ => trimmed.to_owned(),
    }
}

fn float_text(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let whole = v as i64;
        // Excel drops the leading zero of an IIN born in the 2000s typed as a number; put it
        // back so the privacy guard still sees 12 digits.
        if (10_000_000_000..100_000_000_000).contains(&whole) {
            return format!("0{whole}");
        }
        return whole.to_string();
    }
    // Nine decimals are more than any contract decimal needs (FTE, coordinates, percentages),
    // and a computed coordinate's binary tail (76.92345678901234) must not look like an IIN.
    let text = format!("{v:.9}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn excel_date_text(serial: f64) -> String {
    let Ok(epoch) = time::Date::from_calendar_date(1899, time::Month::December, 30) else {
        return serial.to_string();
    };
    let days = serial.floor();
    if days.abs() > 3_000_000.0 {
        return float_text(serial);
    }
    let Some(date) = epoch.checked_add(time::Duration::days(days as i64)) else {
        return float_text(serial);
    };
    let date_text = crate::value::format_date(date);
    let seconds = ((serial - days) * 86_400.0).round() as i64;
    if seconds == 0 {
        return date_text;
    }
    format!(
        "{date_text}T{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_references_round_trip() {
        for (name, index) in [
            ("A", 0),
            ("Z", 25),
            ("AA", 26),
            ("IV", 255),
            ("XFD", 16_383),
        ] {
            assert_eq!(column_of(&format!("{name}12")), Some(index));
            assert_eq!(column_name(index), name);
        }
        assert_eq!(column_of("12"), None);
        assert_eq!(column_of("ABCD1"), None);
    }

    #[test]
    fn date_formats_are_told_from_number_formats() {
        assert!(is_date_format("yyyy-mm-dd"));
        assert!(is_date_format("dd.mm.yyyy hh:mm"));
        assert!(!is_date_format("0.00"));
        assert!(!is_date_format("#,##0 \"сом\""));
        assert!(!is_date_format("[Red]0.0"));
        assert!(is_builtin_date(14));
        assert!(!is_builtin_date(2));
    }

    #[test]
    fn relationship_targets_become_archive_paths() {
        assert_eq!(
            part_path("worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(part_path("/xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(part_path("../customXml/item.xml"), "customXml/item.xml");
    }

    #[test]
    fn capped_text_keeps_one_byte_more_than_the_cap() {
        let mut text = String::new();
        push_capped(&mut text, "абвгд", 4);
        assert_eq!(text, "абв");
        push_capped(&mut text, "x", 4);
        assert_eq!(text, "абв");
    }

    #[test]
    fn numbers_read_as_a_csv_would_hold_them() {
        assert_eq!(number_text("12345678901", false), "012345678901");
        assert_eq!(number_text("76.92345678901234", false), "76.923456789");
        assert_eq!(number_text("45292", true), "2024-01-01");
        assert_eq!(number_text("1e400", false), "1e400");
    }
}
