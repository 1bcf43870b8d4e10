//! The JSON API under `/api`.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use bureau_model::{Applied, Edit, RecordType, Snapshot};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;
use crate::input::{self, Input};

type ApiResult<T = Response> = Result<T, ApiError>;

/// The record types served under `/api/{collection}`.
fn record_type(collection: &str) -> ApiResult<RecordType> {
    RecordType::ALL
        .iter()
        .copied()
        .find(|t| t.collection() == collection)
        .ok_or_else(|| ApiError::not_found(format!("no such endpoint: /api/{collection}")))
}

/// A record of the snapshot as JSON, if it exists.
pub(crate) fn record_json(snap: &Snapshot, ty: RecordType, id: &str) -> Option<Value> {
    let v = match ty {
        RecordType::Member => serde_json::to_value(snap.members.get(id)?),
        RecordType::Device => serde_json::to_value(snap.devices.get(id)?),
        RecordType::Group => serde_json::to_value(snap.groups.get(id)?),
        RecordType::Review => serde_json::to_value(snap.reviews.get(id)?),
        RecordType::Room => serde_json::to_value(snap.rooms.get(id)?),
        RecordType::Meeting => serde_json::to_value(snap.meetings.get(id)?),
        RecordType::Body => serde_json::to_value(snap.bodies.get(id)?),
        RecordType::Note => serde_json::to_value(snap.notes.get(id)?),
    };
    v.ok()
}

/// The records of one type as a JSON array, serialised straight from the snapshot (no
/// intermediate `Value` per record: the whole schedule of a large bureau is megabytes).
fn list_json(
    snap: &Snapshot,
    ty: RecordType,
    include_archived: bool,
) -> serde_json::Result<Vec<u8>> {
    fn write<T: serde::Serialize + Clone>(
        map: &bureau_model::Records<T>,
        archived: impl Fn(&T) -> bool,
        include_archived: bool,
    ) -> serde_json::Result<Vec<u8>> {
        let list: Vec<&T> = map
            .values()
            .map(|r| &**r)
            .filter(|r| include_archived || !archived(r))
            .collect();
        serde_json::to_vec(&list)
    }
    match ty {
        RecordType::Member => write(&snap.members, |r| r.stamp.archived, include_archived),
        RecordType::Device => write(&snap.devices, |r| r.revoked, include_archived),
        RecordType::Group => write(&snap.groups, |r| r.stamp.archived, include_archived),
        RecordType::Review => write(&snap.reviews, |r| r.stamp.archived, include_archived),
        RecordType::Room => write(&snap.rooms, |r| r.stamp.archived, include_archived),
        RecordType::Meeting => write(&snap.meetings, |r| r.stamp.archived, include_archived),
        RecordType::Body => write(&snap.bodies, |r| r.stamp.archived, include_archived),
        RecordType::Note => write(&snap.notes, |r| r.stamp.archived, include_archived),
    }
}

/// The body of a write, with a JSON error (413 for an oversized one) instead of plain text.
fn body(body: Result<Bytes, BytesRejection>) -> ApiResult<Input> {
    let bytes = body.map_err(|rej| {
        let status = rej.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                "too_large",
                "the body is larger than the node accepts",
            )
        } else {
            ApiError::new(status, "bad_body", rej.body_text())
        }
    })?;
    Input::parse(&bytes)
}

#[derive(Debug, Deserialize)]
pub(crate) struct ListQuery {
    archived: Option<String>,
}

fn include_archived(q: &ListQuery) -> ApiResult<bool> {
    match q.archived.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::field(
            "archived",
            format!("expected true or false, found {other:?}"),
        )),
    }
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    Query(q): Query<ListQuery>,
) -> ApiResult {
    let ty = record_type(&collection)?;
    let include = include_archived(&q)?;
    let snap = state.doc.state().snapshot.clone();
    let bytes = list_json(&snap, ty, include).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the records could not be written as JSON: {e}"),
        )
    })?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        bytes,
    )
        .into_response())
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let ty = record_type(&collection)?;
    let snap = state.doc.state().snapshot.clone();
    record_json(&snap, ty, &id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no {ty} with id {id:?}")))
}

/// Applies an edit and answers with the record as it now is.
async fn edit_and_answer(state: &AppState, edit: Edit, status: StatusCode) -> ApiResult {
    let applied = state.doc.edit(edit).await?;
    let Applied::Record(ty, id) = applied else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let snap = state.doc.state().snapshot.clone();
    let record = record_json(&snap, ty, &id).unwrap_or(Value::Null);
    Ok((status, Json(record)).into_response())
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let ty = record_type(&collection)?;
    let mut inp = body(raw)?;
    let fields = input::fields(ty, &mut inp)?;
    inp.finish()?;
    edit_and_answer(&state, Edit::Create(fields), StatusCode::CREATED).await
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let ty = record_type(&collection)?;
    let mut inp = body(raw)?;
    let fields = input::fields(ty, &mut inp)?;
    inp.finish()?;
    edit_and_answer(&state, Edit::Update { id, fields }, StatusCode::OK).await
}

pub(crate) async fn archive(
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
) -> ApiResult {
    let ty = record_type(&collection)?;
    edit_and_answer(&state, Edit::Archive { ty, id }, StatusCode::OK).await
}

pub(crate) async fn restore(
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
) -> ApiResult {
    let ty = record_type(&collection)?;
    edit_and_answer(&state, Edit::Restore { ty, id }, StatusCode::OK).await
}

fn net(state: &AppState) -> ApiResult<&std::sync::Arc<dyn crate::Network>> {
    state.net.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_network",
            "peer sync is not running on this node",
        )
    })
}

fn net_error(e: crate::NetFailure) -> ApiError {
    match e.field {
        Some(field) => ApiError::field(field, e.message),
        None => ApiError::new(StatusCode::BAD_REQUEST, "network", e.message),
    }
}

pub(crate) async fn status(State(state): State<AppState>) -> Json<Value> {
    let st = state.doc.state();
    let net = state
        .net
        .as_ref()
        .map(|n| n.status())
        .unwrap_or_else(|| json!({"paused": false, "peers": [], "listen": []}));
    let mut body = json!({
        "peer_id": st.peer_id,
        "bureau_id": st.snapshot.meta.bureau_id,
        "title": st.snapshot.meta.title,
        "timezone": st.snapshot.meta.timezone,
        "schema": st.snapshot.meta.schema,
        "member_id": st.author,
        "heads": st.heads,
        "paused": net["paused"],
        "peers": net["peers"],
        "listen": net["listen"],
        "quarantined": st.quarantined,
        "problems": st.snapshot.problems,
        "findings": st.findings.len(),
        "conflicts": st.conflicts.len(),
        "version": st.version,
    });
    // Only when there is some: changes on disk that wait for changes no file holds.
    if let Some(damage) = &st.damage {
        body["damage"] = json!({
            "queued_changes": damage.queued_changes,
            "files": damage.files,
        });
    }
    Json(body)
}

pub(crate) async fn findings(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.doc.state().findings.all()))
}

pub(crate) async fn conflicts(State(state): State<AppState>) -> Json<Value> {
    Json(json!(state.doc.state().conflicts.all()))
}

pub(crate) async fn resolve(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let ty = RecordType::parse(&inp.req_str("type")?).map_err(|e| ApiError::field("type", e))?;
    let id = inp.req_str("id")?;
    let field = inp.req_str("field")?;
    let value = inp
        .raw("value")
        .ok_or_else(|| ApiError::field("value", "is required"))?;
    let value = input::scalar("value", &value)?;
    inp.finish()?;
    edit_and_answer(
        &state,
        Edit::Resolve {
            ty,
            id,
            field,
            value,
        },
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub(crate) struct HistoryQuery {
    #[serde(rename = "type")]
    ty: Option<String>,
    id: Option<String>,
}

pub(crate) async fn history(
    State(state): State<AppState>,
    Query(q): Query<HistoryQuery>,
) -> ApiResult<Json<Value>> {
    let ty =
        q.ty.ok_or_else(|| ApiError::field("type", "is required (e.g. ?type=meeting&id=...)"))?;
    let ty = RecordType::parse(&ty).map_err(|e| ApiError::field("type", e))?;
    let id = q.id.ok_or_else(|| ApiError::field("id", "is required"))?;
    let entries = state
        .doc
        .history(ty, id.clone())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no {ty} with id {id:?}")))?;
    Ok(Json(json!(entries)))
}

pub(crate) async fn doc_bytes(State(state): State<AppState>) -> ApiResult {
    let bytes = state.doc.save().await?;
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    res.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"bureau.automerge\""),
    );
    Ok(res)
}

/// How often an idle event stream sends a comment, so proxies and browsers keep it open and a
/// dead client is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// Server-sent events: `change` (with the new version and heads) after every change of the
/// document, and `peers` whenever peer sync status changes.
pub(crate) async fn events(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut rx = state.doc.subscribe();
    let first = {
        let st = rx.borrow_and_update();
        change_event(&st)
    };
    let changes = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.changed().await.ok()?;
        let ev = change_event(&rx.borrow_and_update());
        Some((ev, rx))
    });
    let peers = match &state.net {
        Some(net) => {
            let rx = net.changed();
            futures_util::stream::unfold(rx, |mut rx| async move {
                rx.changed().await.ok()?;
                rx.borrow_and_update();
                Some((Event::default().event("peers").data("{}"), rx))
            })
            .boxed()
        }
        None => futures_util::stream::pending().boxed(),
    };
    let stream = futures_util::stream::once(async move { first })
        .chain(futures_util::stream::select(changes, peers))
        .map(Ok)
        .take_until(state.cancel.clone().cancelled_owned());
    Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
}

fn change_event(st: &bureau_doc::DocState) -> Event {
    Event::default().event("change").data(
        json!({
            "version": st.version,
            "heads": st.heads,
            "findings": st.findings.len(),
            "conflicts": st.conflicts.len(),
        })
        .to_string(),
    )
}

pub(crate) async fn peers(State(state): State<AppState>) -> ApiResult<Json<Value>> {
    Ok(Json(net(&state)?.status()["peers"].clone()))
}

pub(crate) async fn dial(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let addr = inp.req_str("addr")?;
    inp.finish()?;
    net(&state)?.dial(addr).await.map_err(net_error)?;
    Ok((StatusCode::ACCEPTED, Json(net(&state)?.status())).into_response())
}

async fn set_paused(state: &AppState, paused: bool) -> ApiResult {
    net(state)?.set_paused(paused).await.map_err(net_error)?;
    Ok(Json(json!({ "paused": paused })).into_response())
}

pub(crate) async fn pause(State(state): State<AppState>) -> ApiResult {
    set_paused(&state, true).await
}

pub(crate) async fn resume(State(state): State<AppState>) -> ApiResult {
    set_paused(&state, false).await
}

/// Longest an invite may stay valid: a week covers "send it before the summit starts".
const MAX_INVITE_SECS: u32 = 7 * 24 * 3600;
/// Default validity: long enough to read it out across a room, short enough to be useless
/// if overheard later.
const DEFAULT_INVITE_SECS: u32 = 24 * 3600;

pub(crate) async fn invite(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let role = inp
        .enumerated("role", bureau_model::Role::parse)?
        .unwrap_or(bureau_model::Role::Editor);
    let expires_in = inp.u32("expires_in")?.unwrap_or(DEFAULT_INVITE_SECS);
    inp.finish()?;
    if expires_in == 0 || expires_in > MAX_INVITE_SECS {
        return Err(ApiError::field(
            "expires_in",
            format!("must be 1 to {MAX_INVITE_SECS} seconds"),
        ));
    }
    let (code, expires_at) = net(&state)?
        .invite(role, Duration::from_secs(u64::from(expires_in)))
        .await
        .map_err(net_error)?;
    let expires_at = jiff::Timestamp::from_second(expires_at)
        .map(|t| t.to_string())
        .unwrap_or_default();
    Ok((
        StatusCode::CREATED,
        Json(json!({ "code": code, "expires_at": expires_at, "role": role })),
    )
        .into_response())
}

pub(crate) async fn get_device(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let snap = state.doc.state().snapshot.clone();
    record_json(&snap, RecordType::Device, &peer_id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no device with peer id {peer_id:?}")))
}

/// Revokes a device. Never this node's own: a node that revoked itself could write nothing
/// again, and nothing it holds could undo it; another member's node must do it.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> ApiResult {
    if peer_id == state.doc.state().peer_id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "own_device",
            "a node cannot revoke its own device: another member's node must do it",
        ));
    }
    edit_and_answer(&state, Edit::RevokeDevice { peer_id }, StatusCode::OK).await
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint")
}
