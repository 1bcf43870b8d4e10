//! `/roster/spreadsheets`: the lists as CSV and XLSX files, and importing members or groups
//! from one, previewed row by row before anything is written.
//!
//! The import form uploads the file (`multipart/form-data`, the only way a form sends a file
//! without a script) to `…/preview`, which writes nothing and shows what each row would do.
//! When no row has an error, the preview carries the rows it read, as CSV in a hidden field,
//! to `…/apply`, which checks them again against the bureau as it is then and writes them
//! (through [`crate::export::run_import`], as the API does). So nothing of the upload is kept
//! on the node between the two steps.

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};

use super::forms::{self, FormData};
use super::layout::{self, Section, query_param};
use super::{View, error_page, read_form, see_other};
use crate::error::ApiError;
use crate::export::import::{Action, RowError, RowResult, Target};
use crate::export::sheet::{self, Rows};
use crate::export::tables::{EXPORTS, GROUP_COLUMNS, MEMBER_COLUMNS};
use crate::export::{self, Format, ImportFailure, Report};

/// The page's address.
pub(crate) const URL: &str = "/roster/spreadsheets";

fn export_section(v: &View) -> Markup {
    let tr = v.tr;
    html! {
        section.card aria-labelledby="export-h" {
            h2 #export-h { (tr.t("export-title")) }
            p { (tr.t("export-explain")) }
            div.scroll tabindex="0" role="region" aria-labelledby="export-h" {
                table {
                    (layout::column_heads(tr, &["export-list", "export-csv", "export-xlsx"]))
                    tbody {
                        @for c in EXPORTS {
                            tr {
                                th scope="row" { (tr.t(list_title(c))) }
                                @for f in [Format::Csv, Format::Xlsx] {
                                    td {
                                        a href={"/api/export/" (c) "." (f.ext())} download {
                                            (c) "." (f.ext())
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn list_title(collection: &str) -> &'static str {
    match collection {
        "members" => "members-title",
        "groups" => "groups-title",
        "rooms" => "rooms-title",
        _ => "export-meetings",
    }
}

fn import_form(v: &View, target: Target, error: Option<&str>) -> Markup {
    let tr = v.tr;
    let mut values = FormData::default();
    values.push("collection", target.as_str());
    let mut errors = forms::FormErrors::default();
    if let Some(e) = error {
        errors.add("file", e);
    }
    let form = forms::Form::new(tr, &values, &errors);
    let options = vec![
        ("members".to_owned(), tr.t("members-title")),
        ("groups".to_owned(), tr.t("groups-title")),
    ];
    let columns = |c: &[&str]| c.join(", ");
    html! {
        section.card aria-labelledby="import-h" {
            h2 #import-h { (tr.t("import-title")) }
            p { (tr.t("import-explain")) }
            ul {
                li { (tr.t("members-title")) ": " code { (columns(&MEMBER_COLUMNS)) } }
                li { (tr.t("groups-title")) ": " code { (columns(&GROUP_COLUMNS)) } }
            }
            form.record method="post" action={(URL) "/preview"} enctype="multipart/form-data" novalidate {
                (form.summary())
                (form.radios("collection", html! { (tr.t("import-collection")) }, &options))
                div class=(form.class("file")) {
                    label for=(form.id("file")) { (tr.t("import-file")) }
                    (form.hint_and_error("file", Some(&tr.t("import-file-hint"))))
                    input id=(form.id("file")) name="file" type="file" required
                        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                        aria-describedby=[form.described_by("file", true)]
                        aria-invalid=[error.map(|_| "true")];
                }
                div.actions { button type="submit" { (tr.t("import-preview")) } }
            }
        }
    }
}

fn page(
    v: &View,
    status: StatusCode,
    target: Target,
    error: Option<&str>,
    preview: Markup,
) -> Response {
    let tr = v.tr;
    let title = tr.t("spreadsheets-title");
    let written = query_param(v, "written").and_then(|n| n.parse::<usize>().ok());
    let body = html! {
        p.crumbs { a href="/roster" { (tr.t("roster-title")) } }
        h1 { (title) }
        @if let Some(n) = written {
            div.notice role="status" { p { (tr.ta("import-done", &[("count", n.into())])) } }
        }
        (preview)
        (export_section(v))
        (import_form(v, target, error))
    };
    v.render(status, layout::page(v, Section::Roster, &title, body))
}

/// `GET /roster/spreadsheets`.
pub(crate) async fn show(v: View) -> Response {
    page(&v, StatusCode::OK, Target::Members, None, html! {})
}

/// What a row does, in words.
fn action_text(v: &View, r: &RowResult) -> String {
    let id = match r.action {
        Action::New => "import-action-new",
        Action::Update if r.changes.is_empty() => "import-action-unchanged",
        Action::Update => "import-action-update",
        Action::Error => "import-action-error",
    };
    v.tr.t(id)
}

fn field_name(v: &View, field: &str) -> String {
    let id = format!("field-{}", field.replace('_', "-"));
    if v.tr.has(&id) {
        v.tr.t(&id)
    } else {
        field.to_owned()
    }
}

/// Why a row cannot be imported, in the reader's language.
fn error_text(v: &View, e: &RowError) -> String {
    let tr = v.tr;
    let value = || ("value", e.value.clone().into());
    let id = match e.code {
        "missing-name" => "import-err-missing-name",
        "bad-email" => "import-err-bad-email",
        "bad-language" => "import-err-bad-language",
        "unknown-kind" => "import-err-unknown-kind",
        "unknown-status" => "import-err-unknown-status",
        "unknown-member" => "import-err-unknown-member",
        "ambiguous" => "import-err-ambiguous",
        "duplicate" => "import-err-duplicate",
        _ => {
            return tr.ta(
                "error-in-field",
                &[
                    ("field", field_name(v, &e.field).into()),
                    ("message", forms::localize_error(tr, &e.message).into()),
                ],
            );
        }
    };
    tr.ta(id, &[value()])
}

fn details(v: &View, r: &RowResult) -> Markup {
    html! {
        @if let Some(e) = &r.error {
            (error_text(v, e))
        } @else if !r.changes.is_empty() {
            @let fields: Vec<String> = r.changes.iter().map(|f| field_name(v, f)).collect();
            (v.tr.ta("import-changes", &[("fields", v.tr.list(&fields).into())]))
        }
    }
}

/// The preview of an import: counts, each row, and the button that writes them when it can.
fn preview(v: &View, target: Target, rows: &Rows, report: &Report) -> Markup {
    let tr = v.tr;
    let count = |f: &dyn Fn(&RowResult) -> bool| report.rows.iter().filter(|r| f(r)).count();
    let new = count(&|r| r.action == Action::New);
    let update = count(&|r| r.action == Action::Update && !r.changes.is_empty());
    let same = count(&|r| r.action == Action::Update && r.changes.is_empty());
    let errors = report.errors();
    let data = String::from_utf8(sheet::rows_to_csv(rows)).unwrap_or_default();
    html! {
        section.card #preview aria-labelledby="preview-h" {
            h2 #preview-h tabindex="-1" { (tr.t("import-preview-title")) }
            ul.counts {
                li { (tr.t("import-action-new")) ": " strong { (new) } }
                li { (tr.t("import-action-update")) ": " strong { (update) } }
                li { (tr.t("import-action-unchanged")) ": " strong { (same) } }
                li { (tr.t("import-action-error")) ": " strong { (errors) } }
            }
            div.scroll tabindex="0" role="region" aria-labelledby="preview-h" {
                table.stack {
                    (layout::column_heads(tr, &["import-row", "field-name", "import-action", "import-details"]))
                    tbody {
                        @for r in &report.rows {
                            tr class=[(r.action == Action::Error).then_some("error")] {
                                td data-label=(tr.t("import-row")) { (r.row) }
                                th scope="row" dir="auto" { (r.name) }
                                td data-label=(tr.t("import-action")) {
                                    @let class = match r.action { Action::Error => "badge warn", Action::New => "badge ok", Action::Update => "badge muted" };
                                    span class=(class) { (action_text(v, r)) }
                                }
                                td dir="auto" data-label=(tr.t("import-details")) { (details(v, r)) }
                            }
                        }
                    }
                }
            }
            @if errors > 0 {
                p.notice.warn role="alert" { (tr.t("import-has-errors")) }
            } @else if new + update == 0 {
                p.notice { (tr.t("import-nothing")) }
            } @else {
                form method="post" action={(URL) "/apply"} {
                    input type="hidden" name="collection" value=(target.as_str());
                    input type="hidden" name="data" value=(data);
                    div.actions { button type="submit" { (tr.t("import-apply")) } }
                }
            }
        }
    }
}

/// The collection and the file of the import form.
async fn upload(mut mp: Multipart) -> Result<(Target, Option<Bytes>), String> {
    let mut target = None;
    let mut file = None;
    while let Some(field) = mp.next_field().await.map_err(|e| e.body_text())? {
        match field.name() {
            Some("collection") => {
                target = Target::parse(&field.text().await.map_err(|e| e.body_text())?);
            }
            Some("file") => {
                let bytes = field.bytes().await.map_err(|e| e.body_text())?;
                file = Some(bytes).filter(|b| !b.is_empty());
            }
            _ => {}
        }
    }
    Ok((target.unwrap_or(Target::Members), file))
}

fn file_error(v: &View, e: &ApiError) -> String {
    // The reader's messages name what is wrong with the file in English: say so in the
    // reader's language, with the detail after.
    v.tr.ta(
        "import-file-error",
        &[("message", e.message.clone().into())],
    )
}

/// `POST /roster/spreadsheets/preview`: reads the uploaded file and shows what importing it
/// would do. Writes nothing.
pub(crate) async fn preview_upload(
    v: View,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Ok(mp) = mp else {
        return error_page(&v, StatusCode::BAD_REQUEST, &v.tr.t("import-no-file"));
    };
    let (target, file) = match upload(mp).await {
        Ok(u) => u,
        Err(_) => return error_page(&v, StatusCode::BAD_REQUEST, &v.tr.t("import-no-file")),
    };
    let Some(file) = file else {
        let msg = v.tr.t("import-no-file");
        return page(
            &v,
            StatusCode::UNPROCESSABLE_ENTITY,
            target,
            Some(&msg),
            html! {},
        );
    };
    let rows = match export::read(export::sniff(&file), file).await {
        Ok(rows) => rows,
        Err(e) => {
            let msg = file_error(&v, &e);
            return page(
                &v,
                StatusCode::UNPROCESSABLE_ENTITY,
                target,
                Some(&msg),
                html! {},
            );
        }
    };
    show_plan(&v, target, &rows, true).await
}

/// Plans the import (and writes it, unless `dry_run`), and answers with the outcome: the
/// preview, the page again after writing, or the preview with what stopped it.
async fn show_plan(v: &View, target: Target, rows: &Rows, dry_run: bool) -> Response {
    match export::run_import(&v.app.doc, target, rows, dry_run).await {
        Ok(report) if dry_run => page(
            v,
            StatusCode::OK,
            target,
            None,
            preview(v, target, rows, &report),
        ),
        Ok(report) => see_other(&format!("{URL}?written={}", report.written)),
        Err(ImportFailure::File(e)) => {
            let msg = file_error(v, &e);
            page(
                v,
                StatusCode::UNPROCESSABLE_ENTITY,
                target,
                Some(&msg),
                html! {},
            )
        }
        Err(ImportFailure::Rows(report)) => page(
            v,
            StatusCode::UNPROCESSABLE_ENTITY,
            target,
            None,
            preview(v, target, rows, &report),
        ),
        Err(ImportFailure::Stopped(report, e)) => {
            tracing::warn!(error = %e.message, "an import was refused; nothing was written");
            page(
                v,
                e.status,
                target,
                None,
                html! {
                    p.notice.warn role="alert" { (v.tr.t("import-stopped")) }
                    (preview(v, target, rows, &report))
                },
            )
        }
    }
}

/// `POST /roster/spreadsheets/apply`: writes the rows the preview showed, checked again.
pub(crate) async fn apply(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("import-no-file")),
    };
    let target = form
        .get("collection")
        .and_then(Target::parse)
        .unwrap_or(Target::Members);
    let data = form.text("data");
    let rows = match sheet::read_csv(data.as_bytes()) {
        Ok(rows) => rows,
        Err(e) => {
            let msg = file_error(&v, &ApiError::field("file", e.0));
            return page(
                &v,
                StatusCode::UNPROCESSABLE_ENTITY,
                target,
                Some(&msg),
                html! {},
            );
        }
    };
    show_plan(&v, target, &rows, false).await
}
