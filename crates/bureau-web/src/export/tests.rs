//! The files themselves: each formula prefix guarded in CSV and kept as a string cell in
//! XLSX and read back exactly, the CSV reader on what spreadsheet programs write, and XLSX
//! files that claim or hold too much refused without reading them whole.

use std::io::{Read, Write};

use super::sheet::*;

fn table(cells: &[&str]) -> Table {
    Table {
        name: "members",
        header: vec!["name"],
        rows: cells.iter().map(|c| vec![Cell::from(*c)]).collect(),
    }
}

/// The XML of the first sheet of an XLSX file.
fn sheet_xml(xlsx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("zip");
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("sheet1")
        .read_to_string(&mut xml)
        .expect("read");
    xml
}

#[test]
fn every_formula_prefix_is_guarded_in_csv_a_string_in_xlsx_and_read_back_exactly() {
    for prefix in FORMULA_PREFIXES {
        let value = format!("{prefix}1+2");
        let t = table(&[&value]);
        let csv = to_csv(&t);
        let text = String::from_utf8(csv.clone()).unwrap();
        assert!(
            text.contains(&format!("'{prefix}1+2")),
            "{prefix:?} not guarded: {text:?}"
        );
        let back = read_csv(&csv).expect("csv");
        assert_eq!(back.rows[1].1, vec![value.clone()], "{prefix:?}");

        let xlsx = to_xlsx(&t).expect("xlsx");
        let xml = sheet_xml(&xlsx);
        // Every cell is a shared string; no formula anywhere.
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{xml}");
        assert_eq!(xml.matches("<c ").count(), 2, "{xml}");
        assert_eq!(xml.matches("t=\"s\"").count(), 2, "{xml}");
        let back = read_xlsx(&xlsx).expect("xlsx back");
        assert_eq!(back.rows[1].1, vec![value.clone()], "{prefix:?}");
    }
}

#[test]
fn only_the_guards_apostrophe_is_removed() {
    // A name's own apostrophe stays, in either direction; a guarded one goes.
    for (cell, read) in [
        ("'Ali", "'Ali"),
        ("''Ali", "''Ali"),
        ("'=x", "=x"),
        ("''=x", "'=x"),
        ("'", "'"),
        ("=", "="),
    ] {
        assert_eq!(unguard(cell), read, "{cell:?}");
    }
    // Whatever a text starts with, it comes back as it was, through either format.
    let values = ["'Ali", "'=x", "''+x", "=x", "-", "@", "'", "plain", ""];
    let csv = to_csv(&table(&values));
    let back: Vec<String> = read_csv(&csv).unwrap().rows[1..]
        .iter()
        .map(|(_, c)| c.first().cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        back,
        values
            .iter()
            .filter(|v| !v.is_empty())
            .map(|v| (*v).to_owned())
            .collect::<Vec<_>>()
    );
    let xlsx = to_xlsx(&table(&values)).unwrap();
    let back: Vec<String> = read_xlsx(&xlsx).unwrap().rows[1..]
        .iter()
        .map(|(_, c)| c[0].clone())
        .collect();
    assert_eq!(
        back,
        values
            .iter()
            .filter(|v| !v.is_empty())
            .map(|v| (*v).to_owned())
            .collect::<Vec<_>>()
    );
}

#[test]
fn the_csv_reader_reads_what_spreadsheet_programs_write() {
    // A byte order mark, quoted separators, doubled quotes, a line break inside quotes,
    // CRLF and LF, an empty row, and no line end after the last row.
    let file = "\u{FEFF}name,organisation\r\n\"Diallo, Amina\",\"Say \"\"hi\"\"\"\r\n\r\nLi,\"two\nlines\"\nLast,one";
    let rows = read_csv(file.as_bytes()).unwrap().rows;
    assert_eq!(
        rows,
        vec![
            (1, vec!["name".to_owned(), "organisation".to_owned()]),
            (2, vec!["Diallo, Amina".to_owned(), "Say \"hi\"".to_owned()]),
            (4, vec!["Li".to_owned(), "two\nlines".to_owned()]),
            (5, vec!["Last".to_owned(), "one".to_owned()]),
        ]
    );
    // Semicolons (spreadsheet programs in many European locales) and tabs.
    for sep in [";", "\t"] {
        let file = format!("name{sep}email\nAmina{sep}a@b.org\n");
        assert_eq!(
            read_csv(file.as_bytes()).unwrap().rows[1].1,
            vec!["Amina".to_owned(), "a@b.org".to_owned()]
        );
    }
    // Not UTF-8 (a Latin-1 "é"), a quote never closed, too many columns: refused.
    assert!(read_csv(b"name\nZo\xe9\n").unwrap_err().0.contains("UTF-8"));
    assert!(
        read_csv(b"name\n\"Amina\n")
            .unwrap_err()
            .0
            .contains("never closed")
    );
    let wide = vec!["x"; MAX_COLUMNS + 1].join(",");
    assert!(read_csv(wide.as_bytes()).unwrap_err().0.contains("columns"));
    let long = "name\n".to_owned() + &"a\n".repeat(MAX_ROWS + 2);
    assert!(read_csv(long.as_bytes()).unwrap_err().0.contains("rows"));
}

#[test]
fn an_xlsx_that_claims_too_much_is_refused_before_it_is_read() {
    // A member that unpacks to more than the cap (zeros compress to almost nothing).
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..=(XLSX_UNPACKED_MAX / (1024 * 1024)) {
        w.write_all(&zeros).unwrap();
    }
    w.finish().unwrap();
    let bytes = buf.into_inner();
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    let e = read_xlsx(&bytes).unwrap_err();
    assert!(e.0.contains("MiB"), "{e:?}");
    // Not a zip at all.
    assert!(read_xlsx(b"name\nAmina\n").is_err());
}

#[test]
fn a_cell_far_down_the_sheet_costs_nothing_and_a_column_too_far_right_is_refused() {
    // A grid read by cell addresses would be a million rows long here.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "name").unwrap();
    ws.write_string(1_048_575, 0, "Last Row").unwrap();
    let rows = read_xlsx(&wb.save_to_buffer().unwrap()).unwrap().rows;
    assert_eq!(
        rows,
        vec![
            (1, vec!["name".to_owned()]),
            (1_048_576, vec!["Last Row".to_owned()])
        ]
    );
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 16_383, "far").unwrap();
    let e = read_xlsx(&wb.save_to_buffer().unwrap()).unwrap_err();
    assert!(e.0.contains("columns"), "{e:?}");
}

#[test]
fn numbers_typed_into_an_xlsx_read_as_they_show() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "phone").unwrap();
    ws.write_number(1, 0, 41_227_910_000.0).unwrap();
    ws.write_number(2, 0, 2.5).unwrap();
    ws.write_boolean(3, 0, true).unwrap();
    let rows = read_xlsx(&wb.save_to_buffer().unwrap()).unwrap().rows;
    let cells: Vec<&str> = rows.iter().map(|(_, c)| c[0].as_str()).collect();
    assert_eq!(cells, ["phone", "41227910000", "2.5", "TRUE"]);
}
