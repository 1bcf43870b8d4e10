//! The JSON API of shared documents, `/api/documents/...`: a document with the heads it was
//! read at, its text changed by splices or by a three-way save, comments, suggestions,
//! versions, the words changed between two versions, and exports.
//!
//! The list, create (`{title, text}`), and archive/restore are the generic record routes of
//! `api.rs`. Positions (`pos`, `start`, `end`) count Unicode code points of the text as the
//! latest state shows it. Every write is an [`Edit::Document`] through the document actor, so
//! an observer's device writes nothing here either.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bureau_model::automerge::ChangeHash;
use bureau_model::{
    Document, DocumentFields, DocumentOp, Edit, ExportFormat, Fields, RecordType, Snapshot,
};
use maud::{DOCTYPE, Markup, html};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::input::Input;

type ApiResult<T = Response> = Result<T, ApiError>;

/// The body of a write, as `api.rs` reads it.
fn body(raw: Result<Bytes, BytesRejection>) -> ApiResult<Input> {
    crate::api::body(raw)
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("no document with id {id:?}"))
}

/// A document as the API shows it: the record and the heads it was read at.
fn document_json(doc: &Document, heads: &[String]) -> Value {
    let mut v = serde_json::to_value(doc).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("heads".to_owned(), json!(heads));
    }
    v
}

/// The document as it now is, with the state's heads.
fn current(state: &AppState, id: &str) -> ApiResult<Value> {
    let st = state.doc.state();
    let d = st.snapshot.documents.get(id).ok_or_else(|| not_found(id))?;
    Ok(document_json(d, &st.heads))
}

/// A position in a body: a whole number, required.
fn position(inp: &mut Input, key: &str) -> ApiResult<usize> {
    inp.u32(key)?
        .map(|n| n as usize)
        .ok_or_else(|| ApiError::field(key, "is required"))
}

/// Applies one operation on document `id` and answers with `status` and the document.
async fn apply(state: &AppState, id: String, op: DocumentOp, status: StatusCode) -> ApiResult {
    state
        .doc
        .edit(Edit::Document { id: id.clone(), op })
        .await?;
    Ok((status, Json(current(state, &id)?)).into_response())
}

/// `GET /api/documents/{id}`: `{id, title, status, text, heads, comments, suggestions,
/// versions, ...}`.
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    current(&state, &id).map(Json)
}

/// `PATCH /api/documents/{id}` with `{title, status, text}` (each optional; `text` replaces
/// the whole text by a diff against the text as it is now).
pub(crate) async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let fields = crate::input::fields(RecordType::Document, &mut inp)?;
    inp.finish()?;
    state
        .doc
        .edit(Edit::Update {
            id: id.clone(),
            fields,
        })
        .await?;
    Ok(Json(current(&state, &id)?).into_response())
}

/// `POST /api/documents` with `{title, text}`: answers the new document with its heads.
pub(crate) async fn create(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let title = inp.str("title")?;
    let text = inp.str("text")?;
    let status = inp.enumerated("status", bureau_model::DocumentStatus::parse)?;
    inp.finish()?;
    let fields = Fields::Document(DocumentFields {
        title,
        status,
        text,
    });
    created(&state, Edit::Create(fields)).await
}

/// `POST /api/documents/import` with `{title, text}`, the text a draft with bracketed remarks.
pub(crate) async fn import(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let title = inp.req_str("title")?;
    let text = inp.req_str("text")?;
    inp.finish()?;
    created(&state, Edit::ImportDocument { title, text }).await
}

async fn created(state: &AppState, edit: Edit) -> ApiResult {
    let applied = state.doc.edit(edit).await?;
    let bureau_model::Applied::Record(_, id) = applied else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    Ok((StatusCode::CREATED, Json(current(state, &id)?)).into_response())
}

/// `POST /api/documents/{id}/splice` with `{pos, delete, insert}`.
pub(crate) async fn splice(
    State(state): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let pos = position(&mut inp, "pos")?;
    let delete = inp.u32("delete")?.unwrap_or(0) as usize;
    let insert = inp.str("insert")?.unwrap_or_default();
    inp.finish()?;
    let op = DocumentOp::Splice {
        pos,
        delete,
        insert,
    };
    apply(&state, id, op, StatusCode::OK).await
}

/// `POST /api/documents/{id}/text` with `{base_heads, text}`: the whole text as edited from
/// the heads `base_heads`, saved as a three-way merge.
pub(crate) async fn save_text(
    State(state): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let heads = inp
        .list("base_heads")?
        .ok_or_else(|| ApiError::field("base_heads", "is required"))?;
    let text = inp.req_str("text")?;
    inp.finish()?;
    let base = parse_heads("base_heads", &heads)?;
    apply(
        &state,
        id,
        DocumentOp::SaveText { base, text },
        StatusCode::OK,
    )
    .await
}

fn parse_heads(field: &str, heads: &[String]) -> ApiResult<Vec<ChangeHash>> {
    if heads.is_empty() {
        return Err(ApiError::field(field, "must name at least one head"));
    }
    heads
        .iter()
        .map(|h| {
            h.parse::<ChangeHash>().map_err(|_| {
                ApiError::field(field, format!("{h:?} is not a change hash (64 hex digits)"))
            })
        })
        .collect()
}

/// `POST /api/documents/{id}/comments` with `{start, end, body}`: answers the new comment.
pub(crate) async fn comment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let start = position(&mut inp, "start")?;
    let end = position(&mut inp, "end")?;
    let text = inp.req_str("body")?;
    inp.finish()?;
    let before = ids(&state, &id, |d| {
        d.comments.iter().map(|c| c.id.clone()).collect()
    })?;
    let op = DocumentOp::Comment {
        start,
        end,
        body: text,
    };
    state
        .doc
        .edit(Edit::Document { id: id.clone(), op })
        .await?;
    let st = state.doc.state();
    let d = st
        .snapshot
        .documents
        .get(&id)
        .ok_or_else(|| not_found(&id))?;
    let made = d.comments.iter().find(|c| !before.contains(&c.id));
    Ok((StatusCode::CREATED, Json(json!(made))).into_response())
}

/// The ids of a document's comments or suggestions, to tell which one an edit made.
fn ids(
    state: &AppState,
    id: &str,
    of: impl Fn(&Document) -> Vec<String>,
) -> ApiResult<Vec<String>> {
    let st = state.doc.state();
    st.snapshot
        .documents
        .get(id)
        .map(|d| of(d))
        .ok_or_else(|| not_found(id))
}

/// `POST /api/documents/{id}/comments/{cid}/replies` with `{body}`.
pub(crate) async fn reply(
    State(state): State<AppState>,
    Path((id, comment)): Path<(String, String)>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let text = inp.req_str("body")?;
    inp.finish()?;
    let op = DocumentOp::Reply {
        comment,
        body: text,
    };
    apply(&state, id, op, StatusCode::CREATED).await
}

/// `POST /api/documents/{id}/comments/{cid}/resolve`.
pub(crate) async fn resolve(
    State(state): State<AppState>,
    Path((id, comment)): Path<(String, String)>,
) -> ApiResult {
    let op = DocumentOp::ResolveComment {
        comment,
        resolved: true,
    };
    apply(&state, id, op, StatusCode::OK).await
}

/// `POST /api/documents/{id}/comments/{cid}/reopen`.
pub(crate) async fn reopen(
    State(state): State<AppState>,
    Path((id, comment)): Path<(String, String)>,
) -> ApiResult {
    let op = DocumentOp::ResolveComment {
        comment,
        resolved: false,
    };
    apply(&state, id, op, StatusCode::OK).await
}

/// `POST /api/documents/{id}/suggestions` with `{start, end, replacement}`: answers the new
/// suggestion.
pub(crate) async fn suggest(
    State(state): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let start = position(&mut inp, "start")?;
    let end = position(&mut inp, "end")?;
    let replacement = inp.str("replacement")?.unwrap_or_default();
    inp.finish()?;
    let before = ids(&state, &id, |d| {
        d.suggestions.iter().map(|s| s.id.clone()).collect()
    })?;
    let op = DocumentOp::Suggest {
        start,
        end,
        replacement,
    };
    state
        .doc
        .edit(Edit::Document { id: id.clone(), op })
        .await?;
    let st = state.doc.state();
    let d = st
        .snapshot
        .documents
        .get(&id)
        .ok_or_else(|| not_found(&id))?;
    let made = d.suggestions.iter().find(|s| !before.contains(&s.id));
    Ok((StatusCode::CREATED, Json(json!(made))).into_response())
}

/// A decision on a suggestion. An observer's device changes nothing; its refusal names the
/// suggestion it could not decide.
async fn decide(state: &AppState, id: String, op: DocumentOp) -> ApiResult {
    match apply(state, id, op, StatusCode::OK).await {
        Err(ApiError {
            code: "observer",
            status,
            message,
            ..
        }) => Err(ApiError {
            status,
            code: "observer",
            message: format!("suggestion: {message}"),
            field: Some("suggestion".to_owned()),
        }),
        other => other,
    }
}

/// `POST /api/documents/{id}/suggestions/{sid}/accept`: replaces the suggestion's range as it
/// stands now with its wording.
pub(crate) async fn accept(
    State(state): State<AppState>,
    Path((id, suggestion)): Path<(String, String)>,
) -> ApiResult {
    decide(&state, id, DocumentOp::Accept { suggestion }).await
}

/// `POST /api/documents/{id}/suggestions/{sid}/reject`.
pub(crate) async fn reject(
    State(state): State<AppState>,
    Path((id, suggestion)): Path<(String, String)>,
) -> ApiResult {
    decide(&state, id, DocumentOp::Reject { suggestion }).await
}

/// `POST /api/documents/{id}/versions` with `{name}`: names the document's heads now.
pub(crate) async fn name_version(
    State(state): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let name = inp.req_str("name")?;
    inp.finish()?;
    apply(
        &state,
        id,
        DocumentOp::NameVersion { name },
        StatusCode::CREATED,
    )
    .await
}

/// The parameters of a query string, each at most once; unknown ones are ignored.
fn query_params(query: Option<&str>, keys: &[&str]) -> ApiResult<Vec<Option<String>>> {
    let mut out = vec![None; keys.len()];
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let Some(i) = keys.iter().position(|k| *k == key) else {
            continue;
        };
        if out[i].is_some() {
            return Err(ApiError::field(&*key, "given more than once"));
        }
        out[i] = Some(value.into_owned());
    }
    Ok(out)
}

/// The heads a version name stands for; `now` (or nothing, for `to`) is the document now.
fn version_heads(
    snap: &Snapshot,
    heads_now: &[String],
    id: &str,
    field: &str,
    name: Option<&str>,
) -> ApiResult<Vec<ChangeHash>> {
    let d = snap.documents.get(id).ok_or_else(|| not_found(id))?;
    let heads: Vec<String> = match name {
        None | Some("now") if field == "to" => heads_now.to_vec(),
        None => return Err(ApiError::field(field, "is required (a version's name)")),
        Some(name) => d
            .versions
            .iter()
            .rev()
            .find(|v| v.name == name)
            .map(|v| v.heads.clone())
            .ok_or_else(|| ApiError::field(field, format!("no version named {name:?}")))?,
    };
    parse_heads(field, &heads)
}

/// `GET /api/documents/{id}/diff?from=NAME&to=NAME` (`to` defaults to now): the text's words
/// from one version to the other, `{from, to, parts: [{kind, text, authors}]}`.
pub(crate) async fn diff(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult<Json<Value>> {
    let q = query_params(query.as_deref(), &["from", "to"])?;
    let st = state.doc.state();
    let from = version_heads(&st.snapshot, &st.heads, &id, "from", q[0].as_deref())?;
    let to = version_heads(&st.snapshot, &st.heads, &id, "to", q[1].as_deref())?;
    let parts = state
        .doc
        .document_diff(id.clone(), from, to)
        .await?
        .ok_or_else(|| not_found(&id))?;
    Ok(Json(json!({
        "from": q[0],
        "to": q[1].clone().unwrap_or_else(|| "now".to_owned()),
        "parts": parts,
    })))
}

/// `GET /api/documents/{id}/export?format=md|md-comments|bracketed|html`.
pub(crate) async fn export(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult {
    let q = query_params(query.as_deref(), &["format"])?;
    let format = q[0].as_deref().unwrap_or("md");
    let st = state.doc.state();
    let d = st
        .snapshot
        .documents
        .get(&id)
        .ok_or_else(|| not_found(&id))?;
    let snap = &st.snapshot;
    let name_of = |member: &str| snap.members.get(member).map(|m| m.name.clone());
    if format == "html" {
        let page = printable(d, &name_of).into_string();
        return Ok((
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            page,
        )
            .into_response());
    }
    let format = ExportFormat::parse(format).map_err(|e| ApiError::field("format", e))?;
    let text = bureau_model::export(d, format, &name_of);
    let kind = match format {
        ExportFormat::Bracketed => "text/plain; charset=utf-8",
        _ => "text/markdown; charset=utf-8",
    };
    Ok((
        [(header::CONTENT_TYPE, HeaderValue::from_static(kind))],
        text,
    )
        .into_response())
}

/// A page to print: the title, the text with open suggestions marked in place and a
/// numbered mark after each open comment's words, the comments below. Its own small print
/// style, so the file stands alone.
fn printable(d: &Document, name_of: &dyn Fn(&str) -> Option<String>) -> Markup {
    let text: Vec<char> = d.text.chars().collect();
    let len = text.len();
    let comments: Vec<&bureau_model::Comment> = d.comments.iter().filter(|c| !c.resolved).collect();
    let suggestions: Vec<&bureau_model::Suggestion> = {
        let mut open: Vec<&bureau_model::Suggestion> = d
            .suggestions
            .iter()
            .filter(|s| s.status == bureau_model::SuggestionStatus::Open)
            .collect();
        open.sort_by_key(|s| (s.start, s.end));
        // One suggestion per stretch of text: an overlapping one is left out of the page.
        let mut kept: Vec<&bureau_model::Suggestion> = Vec::new();
        for s in open {
            if kept
                .last()
                .is_none_or(|k| k.end <= s.start && k.start != s.start)
            {
                kept.push(s);
            }
        }
        kept
    };
    // Pieces of the text, cut at every suggestion's ends and every comment's end.
    let mut cuts: Vec<usize> = vec![0, len];
    for s in &suggestions {
        cuts.extend([s.start.min(len), s.end.min(len)]);
    }
    for c in &comments {
        cuts.push(c.end.min(len));
    }
    cuts.sort_unstable();
    cuts.dedup();
    let who = |author: &str, name: &str| -> String {
        if !name.is_empty() {
            name.to_owned()
        } else {
            name_of(author).unwrap_or_else(|| author.to_owned())
        }
    };
    let piece = |a: usize, b: usize| -> String { text[a..b].iter().collect() };
    html! {
        (DOCTYPE)
        html {
            head {
                meta charset="utf-8";
                title { (d.title) }
                style { (PRINT_CSS) }
            }
            body {
                h1 dir="auto" { (d.title) }
                div.text dir="auto" {
                    @for w in cuts.windows(2) {
                        @let (a, b) = (w[0], w[1]);
                        @if let Some(s) = suggestions.iter().find(|s| s.start <= a && b <= s.end && a < b) {
                            del { (piece(a, b)) }
                            @if b == s.end { ins { (s.replacement) } }
                        } @else {
                            (piece(a, b))
                        }
                        @for s in suggestions.iter().filter(|s| s.start == b && s.end == b) {
                            ins { (s.replacement) }
                        }
                        @for (n, _) in comments.iter().enumerate().filter(|(_, c)| c.end.min(len) == b) {
                            sup { a href={"#c" (n + 1)} { "[" (n + 1) "]" } }
                        }
                    }
                }
                @if !comments.is_empty() {
                    ol.comments {
                        @for (n, c) in comments.iter().enumerate() {
                            li id={"c" (n + 1)} dir="auto" {
                                @let by = who(&c.author, &c.author_name);
                                @if !by.is_empty() { strong { (by) } ": " }
                                (c.body)
                                @if !c.quote.is_empty() { " — “" (c.quote) "”" }
                                @for r in &c.replies {
                                    br; "↳ " strong { (who(&r.author, "")) } ": " (r.body)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The printable page's style: the text as written (its line breaks kept), marks readable in
/// black and white.
const PRINT_CSS: &str = "body{font-family:serif;max-width:42rem;margin:2rem auto;line-height:1.5}\
.text{white-space:pre-wrap}del{text-decoration:line-through}ins{text-decoration:underline}\
ol.comments{border-top:1px solid #000;margin-top:2rem;padding-top:1rem;font-size:.9rem}\
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}}";
