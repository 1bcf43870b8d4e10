//! Spreadsheets: `GET /api/export/{members,groups,rooms,meetings}.{csv,xlsx}` and
//! `POST /api/import/{members,groups}?dry_run=true|false` with the file as the body.
//!
//! [`sheet`] writes and reads the files (CSV and XLSX, the formula guard), [`tables`] makes
//! the bureau's lists into tables, [`import`] plans an import row by row. [`run_import`] is
//! the one path from a file to the document, for the API and the UI's import page alike.
//!
//! Invariants:
//! - Nothing is written while any row of the file has an error, and a dry run writes nothing.
//! - Only rows that change something are written: a file exported and imported unchanged
//!   writes nothing at all.

pub(crate) mod import;
pub(crate) mod sheet;
pub(crate) mod tables;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bureau_doc::{DocError, DocHandle};
use bureau_model::{Applied, Edit};
use serde::Serialize;

use crate::AppState;
use crate::error::ApiError;
use import::{Action, RowResult, Target};
use sheet::{ReadError, Rows, XLSX_TYPE};

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub(crate) fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => XLSX_TYPE,
        }
    }
}

/// The bytes of one exported file, or `None` for a name that is not one.
pub(crate) async fn file(
    doc: &DocHandle,
    collection: &str,
    format: Format,
) -> Result<Option<Vec<u8>>, ApiError> {
    let snap = doc.state().snapshot.clone();
    let Some(table) = tables::table(&snap, collection) else {
        return Ok(None);
    };
    Ok(Some(match format {
        Format::Csv => sheet::to_csv(&table),
        // Compressing a large sheet takes a moment: off the async threads.
        Format::Xlsx => tokio::task::spawn_blocking(move || sheet::to_xlsx(&table))
            .await
            .map_err(|e| internal(format!("the workbook could not be made: {e}")))?
            .map_err(|e| internal(format!("the workbook could not be made: {e}")))?,
    }))
}

fn internal(message: String) -> ApiError {
    tracing::error!(%message, "export failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "the file could not be made; see the node's log",
    )
}

/// The file as a download named `{collection}.{ext}`.
pub(crate) fn download(collection: &str, format: Format, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{collection}.{}\"", format.ext());
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /api/export/{collection}.{csv|xlsx}`.
pub(crate) async fn export(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let unknown = || {
        ApiError::not_found(format!(
            "no such export: {name:?}; expected one of {}, each .csv or .xlsx",
            tables::EXPORTS.join(", ")
        ))
    };
    let (collection, ext) = name.rsplit_once('.').ok_or_else(unknown)?;
    let format = match ext {
        "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        _ => return Err(unknown()),
    };
    let bytes = file(&state.doc, collection, format)
        .await?
        .ok_or_else(unknown)?;
    Ok(download(collection, format, bytes))
}

/// Reads an uploaded file as `format`.
pub(crate) async fn read(format: Format, bytes: Bytes) -> Result<Rows, ApiError> {
    let bad = |e: ReadError| ApiError::field("file", e.0);
    match format {
        Format::Csv => sheet::read_csv(&bytes).map_err(bad),
        Format::Xlsx => tokio::task::spawn_blocking(move || sheet::read_xlsx(&bytes))
            .await
            .map_err(|e| internal(format!("the workbook could not be read: {e}")))?
            .map_err(bad),
    }
}

/// The format a file's content type names: `text/csv` (or `application/csv`, `text/plain`)
/// or the XLSX type; anything else is 415.
fn format_of(headers: &HeaderMap) -> Result<Format, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = ct
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    match essence.as_str() {
        "text/csv" | "application/csv" | "text/plain" => Ok(Format::Csv),
        XLSX_TYPE => Ok(Format::Xlsx),
        _ => Err(ApiError {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "unsupported_media_type",
            message: format!("content-type: send the file as text/csv or {XLSX_TYPE}, not {ct:?}"),
            field: Some("content-type".to_owned()),
        }),
    }
}

/// The format of a file by its first bytes: a zip (XLSX) or text (CSV). For uploads from a
/// browser, whose content types for CSV files vary by system.
pub(crate) fn sniff(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") {
        Format::Xlsx
    } else {
        Format::Csv
    }
}

/// What an import did or would do.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    /// Each data row of the file.
    pub(crate) rows: Vec<RowResult>,
    /// Whether the rows were written.
    pub(crate) applied: bool,
    /// How many rows were written (new records and updates that change something).
    pub(crate) written: usize,
}

impl Report {
    /// Rows that cannot be imported.
    pub(crate) fn errors(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.action == Action::Error)
            .count()
    }
}

/// Why an import wrote nothing (or stopped).
#[derive(Debug)]
pub(crate) enum ImportFailure {
    /// The file as a whole: unreadable, no `name` column.
    File(ApiError),
    /// Rows with errors; nothing written.
    Rows(Report),
    /// The document refused a row although the preview allowed it (the bureau changed
    /// meanwhile), or could not write: nothing is written.
    Stopped(Report, ApiError),
}

/// Plans the import of `rows` and, unless `dry_run`, writes it.
pub(crate) async fn run_import(
    doc: &DocHandle,
    target: Target,
    rows: &Rows,
    dry_run: bool,
) -> Result<Report, ImportFailure> {
    let snap = doc.state().snapshot.clone();
    let planned = import::plan(&snap, target, rows)
        .map_err(|e| ImportFailure::File(ApiError::field(e.field, e.message)))?;
    let mut report = Report {
        rows: planned,
        applied: false,
        written: 0,
    };
    if report.errors() > 0 {
        return if dry_run {
            Ok(report)
        } else {
            Err(ImportFailure::Rows(report))
        };
    }
    if dry_run {
        return Ok(report);
    }
    // Every row in one change (`Edit::Batch`): all of them or none. Every row was checked
    // above, so only a change that arrived meanwhile, or the disk, can refuse it.
    let mut edits = Vec::new();
    let mut rows_of = Vec::new();
    for (i, r) in report.rows.iter_mut().enumerate() {
        if let Some(edit) = r.edit.take() {
            edits.push(edit);
            rows_of.push(i);
        }
    }
    if edits.is_empty() {
        report.applied = true;
        return Ok(report);
    }
    match doc.edit(Edit::Batch(edits)).await {
        Ok(Applied::Records(done)) => {
            for (&i, (_, id)) in rows_of.iter().zip(done) {
                report.rows[i].id = Some(id);
            }
            report.written = rows_of.len();
        }
        Ok(_) => report.written = rows_of.len(),
        Err(e) => {
            let mut failed = None;
            if let DocError::Edit(bureau_model::EditError::InBatch { index, error }) = &e
                && let Some(&i) = rows_of.get(*index)
            {
                failed = Some(report.rows[i].row);
                if let bureau_model::EditError::Invalid { field, message } = error.as_ref() {
                    let r = &mut report.rows[i];
                    r.action = Action::Error;
                    r.error = Some(import::RowError {
                        code: "invalid",
                        field: field.clone(),
                        value: String::new(),
                        message: message.clone(),
                    });
                }
            }
            let mut api = ApiError::from(e);
            api.message = match failed {
                Some(row) => format!("row {row}: {}; nothing was written", api.message),
                None => format!("{}; nothing was written", api.message),
            };
            return Err(ImportFailure::Stopped(report, api));
        }
    }
    report.applied = true;
    Ok(report)
}

/// `POST /api/import/{members|groups}?dry_run=true|false` (a dry run unless `false`), the
/// file as the body: `{rows: [{row, action, id?, name, changes?, error?}], applied, written}`;
/// 422 with the same answer when rows have errors and it was not a dry run.
pub(crate) async fn import_api(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let target = Target::parse(&collection).ok_or_else(|| {
        ApiError::not_found(format!(
            "no such import: {collection:?}; expected members or groups"
        ))
    })?;
    let mut dry_run = true;
    for (k, v) in form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes()) {
        match (k.as_ref(), v.as_ref()) {
            ("dry_run", "true") => dry_run = true,
            ("dry_run", "false") => dry_run = false,
            ("dry_run", other) => {
                return Err(ApiError::field(
                    "dry_run",
                    format!("expected true or false, found {other:?}"),
                ));
            }
            (other, _) => {
                return Err(ApiError::field(
                    other,
                    "unknown parameter; expected dry_run",
                ));
            }
        }
    }
    let format = format_of(&headers)?;
    let bytes = body
        .map_err(|rej| ApiError::new(rej.status(), "body", format!("body: {}", rej.body_text())))?;
    let rows = read(format, bytes).await?;
    match run_import(&state.doc, target, &rows, dry_run).await {
        Ok(report) => Ok(Json(report).into_response()),
        Err(ImportFailure::File(e)) => Err(e),
        Err(ImportFailure::Rows(report)) => {
            let n = report.errors();
            Ok(with_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &report,
                "import_errors",
                format!("{n} rows have errors; nothing was written"),
            ))
        }
        Err(ImportFailure::Stopped(report, e)) => {
            Ok(with_error(e.status, &report, e.code, e.message))
        }
    }
}

fn with_error(status: StatusCode, report: &Report, code: &str, message: String) -> Response {
    let mut body = serde_json::to_value(report).unwrap_or_default();
    body["error"] = serde_json::json!({ "code": code, "message": message });
    (status, Json(body)).into_response()
}

#[cfg(test)]
mod tests;
