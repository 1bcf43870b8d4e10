//! Spreadsheet files: a [`Table`] written as CSV or XLSX, and a file of either kind read back
//! into rows of text, with the guard against formula injection both ways.
//!
//! Invariants:
//! - A cell that a spreadsheet program would run as a formula (one starting with `=`, `+`,
//!   `-`, `@`, a tab or a carriage return) is written as text: with a leading `'` in CSV, as a
//!   string cell in XLSX (every text cell is one; nothing is ever written as a formula).
//!   Reading removes exactly that `'` again, and only where it precedes one of those
//!   characters, so a name that starts with an apostrophe keeps it.
//! - Reading never trusts the file's size claims: CSV is bounded by the request body limit;
//!   an XLSX's members are refused when the sizes they declare add up past
//!   [`XLSX_UNPACKED_MAX`] (the zip reader refuses a member that inflates past its declared
//!   size), and its cells are read one at a time, never as a grid sized by their addresses,
//!   so a cell at the sheet's far corner costs nothing. Past [`MAX_ROWS`] rows or
//!   [`MAX_COLUMNS`] columns the file is refused.
//! - Reading an XLSX runs inside the model's panic guard: the reader is outside code handed
//!   outside bytes.

use std::collections::BTreeMap;
use std::io::Cursor;

/// The characters that make a spreadsheet program read a cell as a formula (or, for tab and
/// carriage return, that some programs strip before doing so).
pub(crate) const FORMULA_PREFIXES: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Most data rows an imported file may have: a bureau's roster is hundreds of people.
pub(crate) const MAX_ROWS: usize = 10_000;

/// Most columns read; cells further right are refused.
pub(crate) const MAX_COLUMNS: usize = 64;

/// The most an XLSX file's members may declare they unpack to, together.
pub(crate) const XLSX_UNPACKED_MAX: u64 = 64 * 1024 * 1024;

/// The longest text an XLSX cell holds; longer texts are cut there.
const XLSX_CELL_MAX: usize = 32_767;

/// The content type of XLSX files.
pub(crate) const XLSX_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// One cell to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Text (written as a string cell, guarded).
    Text(String),
    /// A whole number (a room's capacity).
    Number(u32),
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

/// A sheet to write: column names and rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    /// The sheet's name (the collection).
    pub(crate) name: &'static str,
    /// Column names, the API's field names.
    pub(crate) header: Vec<&'static str>,
    /// The rows, each as long as the header.
    pub(crate) rows: Vec<Vec<Cell>>,
}

/// Whether a cell's text needs the guard: it would be read as a formula, or it is such a
/// text behind apostrophes of its own (`'=x`), which reading would otherwise take for a guard.
pub(crate) fn needs_guard(s: &str) -> bool {
    s.trim_start_matches('\'').starts_with(FORMULA_PREFIXES)
}

/// The text as a CSV cell holds it: with a leading `'` when it would be read as a formula.
pub(crate) fn guard(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_guard(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// Removes the `'` [`guard`] put in front of a cell, and nothing else: `unguard(guard(s))`
/// is `s` for every text.
pub(crate) fn unguard(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_guard(rest) => rest,
        _ => s,
    }
}

/// The text as an XLSX string cell holds it. A formula-like text needs no guard there (a
/// string cell is never run), but one that starts with an apostrophe gets the guard, since
/// reading removes a leading `'` before such a text in either format (a CSV opened in a
/// spreadsheet program and saved as XLSX keeps the guard as text).
fn xlsx_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with('\'') {
        guard(s)
    } else {
        s.into()
    }
}

/// The table as CSV: UTF-8 with a byte order mark (so spreadsheet programs read accents
/// right), comma-separated, CRLF line ends, fields quoted where they hold a separator, a
/// quote, a line break or spaces at either end (RFC 4180).
pub(crate) fn to_csv(t: &Table) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    csv_line(&mut out, t.header.iter().map(|h| Cell::from(*h)));
    for row in &t.rows {
        csv_line(&mut out, row.iter().cloned());
    }
    out.into_bytes()
}

/// Rows read from a file, written again as CSV (guarded, so [`read_csv`] gives them back
/// exactly), each at its row number: the rows left out as empty are empty lines.
pub(crate) fn rows_to_csv(rows: &Rows) -> Vec<u8> {
    let mut out = String::new();
    let mut next = 1;
    for (n, cells) in &rows.rows {
        while next < *n {
            out.push_str("\r\n");
            next += 1;
        }
        csv_line(&mut out, cells.iter().map(|c| Cell::Text(c.clone())));
        next += 1;
    }
    out.into_bytes()
}

fn csv_line(out: &mut String, cells: impl Iterator<Item = Cell>) {
    for (i, c) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        match c {
            Cell::Text(s) => {
                let s = guard(&s);
                if s.contains([',', '"', '\r', '\n', ';']) || s.starts_with(' ') || s.ends_with(' ')
                {
                    out.push('"');
                    out.push_str(&s.replace('"', "\"\""));
                    out.push('"');
                } else {
                    out.push_str(&s);
                }
            }
            Cell::Number(n) => out.push_str(&n.to_string()),
        }
    }
    out.push_str("\r\n");
}

/// The table as an XLSX workbook of one sheet: a bold header row that stays in view, text
/// as string cells (never formulas), numbers as numbers.
pub(crate) fn to_xlsx(t: &Table) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(t.name)?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<usize> = t.header.iter().map(|h| h.chars().count()).collect();
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(0, col(c), *h, &bold)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    let s: String = xlsx_text(s).chars().take(XLSX_CELL_MAX).collect();
                    if let Some(w) = widths.get_mut(c) {
                        *w = (*w).max(s.chars().count());
                    }
                    ws.write_string(r, col(c), s)?;
                }
                Cell::Number(n) => {
                    ws.write_number(r, col(c), f64::from(*n))?;
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        // Wide enough for most values, never a wall of one long agenda.
        let w = (*w).clamp(6, 48) as f64 + 2.0;
        ws.set_column_width(col(c), w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// The rows of an imported file: each with its row number as the spreadsheet shows it (the
/// first row is 1) and its cells as text, guards removed.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rows {
    /// `(row number, cells)`, rows with no text left out.
    pub(crate) rows: Vec<(usize, Vec<String>)>,
}

/// Why a file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError(pub(crate) String);

/// Reads a CSV file: UTF-8 (with or without a byte order mark), the separator that the first
/// row uses most (a comma, or the semicolon or tab some spreadsheet programs save with),
/// quoted fields with doubled quotes and line breaks inside, CRLF or LF line ends.
pub(crate) fn read_csv(bytes: &[u8]) -> Result<Rows, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ReadError(format!(
            "the file is not UTF-8 text (at byte {}); save it as \"CSV UTF-8\"",
            e.valid_up_to()
        ))
    })?;
    let sep = separator(text);
    let mut rows = Rows::default();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut number = 1;
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    // Whether the current cell began with a quote (so its end quote is special).
    let mut in_quotes = false;
    let mut any = false;
    let mut finish_row = |row: &mut Vec<String>, number: &mut usize| -> Result<(), ReadError> {
        if row.len() > MAX_COLUMNS {
            return Err(ReadError(format!(
                "row {number} has more than {MAX_COLUMNS} columns"
            )));
        }
        if row.iter().any(|c| !c.trim().is_empty()) {
            if rows.rows.len() > MAX_ROWS {
                return Err(ReadError(format!("the file has more than {MAX_ROWS} rows")));
            }
            let cells = row.drain(..).map(|c| unguard(&c).to_owned()).collect();
            rows.rows.push((*number, cells));
        }
        row.clear();
        *number += 1;
        Ok(())
    };
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
            }
            c if c == sep => {
                row.push(std::mem::take(&mut cell));
                quoted = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                row.push(std::mem::take(&mut cell));
                quoted = false;
                finish_row(&mut row, &mut number)?;
                any = false;
            }
            c => cell.push(c),
        }
    }
    if in_quotes {
        return Err(ReadError(format!(
            "row {number} has a quote that is never closed"
        )));
    }
    if any {
        row.push(cell);
        finish_row(&mut row, &mut number)?;
    }
    Ok(rows)
}

/// The separator the first line uses most, outside quotes: `,` unless `;` or a tab is more
/// frequent.
fn separator(text: &str) -> char {
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' | '\r' if !in_quotes => break,
            ',' if !in_quotes => counts[0] += 1,
            ';' if !in_quotes => counts[1] += 1,
            '\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let seps = [',', ';', '\t'];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    seps[best]
}

/// Reads the first sheet of an XLSX workbook.
pub(crate) fn read_xlsx(bytes: &[u8]) -> Result<Rows, ReadError> {
    check_zip_sizes(bytes)?;
    bureau_model::guard::guarded(|| read_xlsx_unguarded(bytes))
        .map_err(|e| ReadError(format!("the file could not be read as XLSX ({e})")))?
}

/// Refuses a zip whose members declare more than [`XLSX_UNPACKED_MAX`] together.
fn check_zip_sizes(bytes: &[u8]) -> Result<(), ReadError> {
    let not_xlsx =
        |e: zip::result::ZipError| ReadError(format!("the file is not an XLSX workbook ({e})"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_xlsx)?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(not_xlsx)?;
        total = total.saturating_add(f.size());
    }
    if total > XLSX_UNPACKED_MAX {
        return Err(ReadError(format!(
            "the workbook unpacks to more than {} MiB",
            XLSX_UNPACKED_MAX / 1024 / 1024
        )));
    }
    Ok(())
}

fn read_xlsx_unguarded(bytes: &[u8]) -> Result<Rows, ReadError> {
    use calamine::{DataRef, Reader, Xlsx};
    let bad =
        |e: calamine::XlsxError| ReadError(format!("the file could not be read as XLSX ({e})"));
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let Some(first) = book.sheet_names().first().cloned() else {
        return Err(ReadError("the workbook has no sheet".to_owned()));
    };
    let mut cells = book.worksheet_cells_reader(&first).map_err(bad)?;
    let mut grid: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(bad)? {
        let (r, c) = cell.get_position();
        let text = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::SharedString(s) => (*s).to_owned(),
            DataRef::Int(i) => i.to_string(),
            // A number typed into a cell (a phone number, a capacity): whole numbers without
            // a decimal point.
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            // No field imported is a date; the serial number at least shows what was there.
            DataRef::DateTime(d) => d.as_f64().to_string(),
            DataRef::Error(e) => format!("#{e}"),
        };
        if text.trim().is_empty() {
            continue;
        }
        let c = c as usize;
        if c >= MAX_COLUMNS {
            return Err(ReadError(format!(
                "row {} has more than {MAX_COLUMNS} columns",
                u64::from(r) + 1
            )));
        }
        if !grid.contains_key(&r) && grid.len() > MAX_ROWS {
            return Err(ReadError(format!("the file has more than {MAX_ROWS} rows")));
        }
        let row = grid.entry(r).or_default();
        if row.len() <= c {
            row.resize(c + 1, String::new());
        }
        row[c] = unguard(&text).to_owned();
    }
    Ok(Rows {
        rows: grid
            .into_iter()
            .map(|(r, cells)| (r as usize + 1, cells))
            .collect(),
    })
}
