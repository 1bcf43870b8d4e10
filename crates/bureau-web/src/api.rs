//! The JSON API under `/api`.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, RawQuery, State};
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

/// The most records one page of a list may ask for: a page is a unit a script handles at once,
/// and a larger one would be the whole list again at the sizes paging exists for.
pub(crate) const MAX_LIMIT: usize = 1000;

/// Which records of a list to answer: all by default, or a slice of them in id order.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// Records skipped from the start.
    pub(crate) offset: usize,
    /// Records answered at most; `None` for all the rest.
    pub(crate) limit: Option<usize>,
}

/// The records of one type as a JSON array, serialised straight from the snapshot (no
/// intermediate `Value` per record: the whole schedule of a large bureau is megabytes), with
/// the number of records the list holds before the window is applied.
fn list_json(
    snap: &Snapshot,
    ty: RecordType,
    include_archived: bool,
    window: Window,
) -> serde_json::Result<(Vec<u8>, usize)> {
    fn write<T: serde::Serialize + Clone>(
        map: &bureau_model::Records<T>,
        archived: impl Fn(&T) -> bool,
        include_archived: bool,
        window: Window,
    ) -> serde_json::Result<(Vec<u8>, usize)> {
        let list: Vec<&T> = map
            .values()
            .map(|r| &**r)
            .filter(|r| include_archived || !archived(r))
            .collect();
        let total = list.len();
        let from = window.offset.min(total);
        let to = window
            .limit
            .map_or(total, |l| from.saturating_add(l).min(total));
        Ok((serde_json::to_vec(&list[from..to])?, total))
    }
    let w = window;
    let i = include_archived;
    match ty {
        RecordType::Member => write(&snap.members, |r| r.stamp.archived, i, w),
        RecordType::Device => write(&snap.devices, |r| r.revoked, i, w),
        RecordType::Group => write(&snap.groups, |r| r.stamp.archived, i, w),
        RecordType::Review => write(&snap.reviews, |r| r.stamp.archived, i, w),
        RecordType::Room => write(&snap.rooms, |r| r.stamp.archived, i, w),
        RecordType::Meeting => write(&snap.meetings, |r| r.stamp.archived, i, w),
        RecordType::Body => write(&snap.bodies, |r| r.stamp.archived, i, w),
        RecordType::Note => write(&snap.notes, |r| r.stamp.archived, i, w),
        RecordType::Document => write(&snap.documents, |r| r.stamp.archived, i, w),
        RecordType::Interpreter => write(&snap.interpreters, |r| r.stamp.archived, i, w),
    }
}

/// The body of a write, with a JSON error (413 for an oversized one) instead of plain text.
pub(crate) fn body(body: Result<Bytes, BytesRejection>) -> ApiResult<Input> {
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

/// The parameters of a list: `archived`, `limit` and `offset`, each at most once.
#[derive(Debug, Default)]
pub(crate) struct ListQuery {
    include_archived: bool,
    window: Window,
}

impl ListQuery {
    /// Reads the query string; unknown parameters are ignored, as they always were.
    pub(crate) fn parse(query: Option<&str>) -> ApiResult<ListQuery> {
        let mut archived = None;
        let mut limit = None;
        let mut offset = None;
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let slot = match &*key {
                "archived" => &mut archived,
                "limit" => &mut limit,
                "offset" => &mut offset,
                _ => continue,
            };
            if slot.is_some() {
                return Err(ApiError::field(&*key, "given more than once"));
            }
            *slot = Some(value.into_owned());
        }
        let include_archived = match archived.as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ApiError::field(
                    "archived",
                    format!("expected true or false, found {other:?}"),
                ));
            }
        };
        let limit = limit
            .map(|l| match count("limit", &l)? {
                n if n > MAX_LIMIT => Err(ApiError::field(
                    "limit",
                    format!("at most {MAX_LIMIT} records a request, asked for {l}"),
                )),
                n => Ok(n),
            })
            .transpose()?;
        let offset = offset.map(|o| count("offset", &o)).transpose()?;
        Ok(ListQuery {
            include_archived,
            window: Window {
                offset: offset.unwrap_or(0),
                limit,
            },
        })
    }
}

/// A count in a query: ASCII digits only (no sign, no blank); a number too large for the
/// machine is as large as it can be, which no list reaches.
fn count(field: &str, value: &str) -> ApiResult<usize> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::field(
            field,
            format!("expected a non-negative integer, found {value:?}"),
        ));
    }
    Ok(value.parse().unwrap_or(usize::MAX))
}

/// `GET /api/{collection}?archived=true&limit=N&offset=N`: every record without `limit` and
/// `offset`, so scripts written before paging keep working; the list's full length is in
/// `X-Total-Count` either way.
pub(crate) async fn list(
    State(state): State<AppState>,
    Path(collection): Path<String>,
    RawQuery(query): RawQuery,
) -> ApiResult {
    let ty = record_type(&collection)?;
    let q = ListQuery::parse(query.as_deref())?;
    let snap = state.doc.state().snapshot.clone();
    let (bytes, total) = list_json(&snap, ty, q.include_archived, q.window).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the records could not be written as JSON: {e}"),
        )
    })?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (TOTAL_COUNT, HeaderValue::from(total)),
        ],
        bytes,
    )
        .into_response())
}

/// The header that carries a list's full length, for scripts that page through it.
pub(crate) const TOTAL_COUNT: header::HeaderName = header::HeaderName::from_static("x-total-count");

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let ty = record_type(&collection)?;
    let st = state.doc.state();
    let mut found = st.snapshot.record_json(ty, &id);
    if found.is_none() && st.loading_older {
        // The records shown are older than the files (the node was killed after writing): a
        // record acknowledged since is not in them yet, and a 404 would say it was lost. The
        // answer waits for the load, as edits do.
        let mut states = state.doc.subscribe();
        let loaded = states
            .wait_for(|st| !st.loading)
            .await
            .map_err(|_| ApiError::from(bureau_doc::DocError::Closed))?
            .clone();
        found = loaded.snapshot.record_json(ty, &id);
    }
    found
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
    let record = snap.record_json(ty, &id).unwrap_or(Value::Null);
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

/// `GET /api/documents`: the generic list, at the static route that takes the documents'
/// own routes' place.
pub(crate) async fn list_documents(state: State<AppState>, query: RawQuery) -> ApiResult {
    list(state, Path("documents".to_owned()), query).await
}

/// `DELETE /api/documents/{id}`: archives, as for every record.
pub(crate) async fn archive_document(state: State<AppState>, Path(id): Path<String>) -> ApiResult {
    archive(state, Path(("documents".to_owned(), id))).await
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
    let net = state.net.as_ref().map(|n| n.status()).unwrap_or_default();
    let mut body = json!({
        "peer_id": st.peer_id,
        "bureau_id": st.snapshot.meta.bureau_id,
        "title": st.snapshot.meta.title,
        "timezone": st.snapshot.meta.timezone,
        "schema": st.snapshot.meta.schema,
        "member_id": st.author,
        "heads": st.heads,
        "paused": net.paused,
        "peers": net.peers,
        "listen": net.listen,
        "quarantined": st.quarantined,
        "problems": st.snapshot.problems,
        "findings": st.findings.len(),
        "conflicts": st.conflicts.len(),
        "version": st.version,
        // The records are the view saved at the last run, while the document loads.
        "loading": st.loading,
        // ... and the files hold changes written after that view was saved.
        "loading_older": st.loading_older,
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
    Ok(Json(json!(net(&state)?.status().peers)))
}

pub(crate) async fn dial(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let addr = inp.req_str("addr")?;
    inp.finish()?;
    net(&state)?.dial(addr).await.map_err(net_error)?;
    Ok((StatusCode::ACCEPTED, Json(json!(*net(&state)?.status()))).into_response())
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
    let mut member_id = inp.str("member_id")?;
    inp.finish()?;
    // A hub is a device of the admin who sets it up, not a person of its own.
    if role == bureau_model::Role::Relay && member_id.is_none() {
        member_id = state.doc.state().author.clone();
    }
    if expires_in == 0 || expires_in > MAX_INVITE_SECS {
        return Err(ApiError::field(
            "expires_in",
            format!("must be 1 to {MAX_INVITE_SECS} seconds"),
        ));
    }
    let st = state.doc.state();
    bureau_model::check_invite(&st.snapshot, &st.peer_id, role, member_id.as_deref())?;
    let made = net(&state)?
        .invite_for(
            role,
            Duration::from_secs(u64::from(expires_in)),
            member_id.clone(),
        )
        .await
        .map_err(net_error)?;
    let expires_at = jiff::Timestamp::from_second(made.expires_at)
        .map(|t| t.to_string())
        .unwrap_or_default();
    let mut body = json!({
        "code": made.code,
        "link": made.link,
        "expires_at": expires_at,
        "role": role,
    });
    if let Some(m) = member_id {
        body["member_id"] = json!(m);
    }
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `GET /api/invites`: the invites this node made that it still keeps, newest expiry first,
/// each with its state (`open`, `used`, `expired`, `burned`) and wrong guesses of its code.
pub(crate) async fn invites(State(state): State<AppState>) -> ApiResult {
    let list = net(&state)?.invites().await.map_err(net_error)?;
    let list: Vec<Value> = list
        .into_iter()
        .map(|i| {
            json!({
                "code": i.code,
                "role": i.role,
                "member_id": i.member_id,
                "expires_at": jiff::Timestamp::from_second(i.expires_at)
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                "state": i.state,
                "wrong": i.wrong,
            })
        })
        .collect();
    Ok(Json(list).into_response())
}

/// `POST /api/join` with `{code, name?, peers?}`: a node whose bureau is untouched since it
/// founded it joins another bureau (`Network::join_bureau`) and starts again on it; 409 for
/// a bureau with edits (join from another data directory instead), a field error for a bad
/// or refused invite, 502 when the inviter could not be reached.
pub(crate) async fn join(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let code = inp.req_str("code")?;
    let name = inp.str("name")?.filter(|n| !n.trim().is_empty());
    let peers = inp.list("peers")?.unwrap_or_default();
    inp.finish()?;
    let net = net(&state)?;
    if !net.untouched() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "bureau_in_use",
            "this node's bureau has edits of its own; join from another data directory \
             (`bureau --data-dir DIR join CODE`) so that nothing here is set aside"
                .to_owned(),
        ));
    }
    let joined = net
        .join_bureau(code, name, peers)
        .await
        .map_err(|e| match e.field {
            Some(field) => ApiError::field(field, e.message),
            None => ApiError::new(StatusCode::BAD_GATEWAY, "unreachable", e.message),
        })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(json!({
            "bureau_id": joined.bureau_id,
            "member_name": joined.member_name,
            "restarting": true,
        })),
    )
        .into_response())
}

/// `POST /api/members/{id}/merge` with `{into}`: the member `id` is the same person as the
/// member `into`; every reference moves to `into`, and `id` is archived with `merged_into`.
/// Answers the member kept.
pub(crate) async fn merge_members(
    State(state): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let into = inp.req_str("into")?;
    inp.finish()?;
    edit_and_answer(&state, Edit::MergeMembers { id, into }, StatusCode::OK).await
}

/// `PATCH /api/devices/{peer_id}` with `{role}`: changes what a device may do. Only an admin
/// may (403 otherwise), and the last admin keeps its role (409).
pub(crate) async fn update_device(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = body(raw)?;
    let role = inp
        .enumerated("role", bureau_model::Role::parse)?
        .ok_or_else(|| ApiError::field("role", "is required"))?;
    inp.finish()?;
    state
        .doc
        .edit(Edit::SetDeviceRole {
            peer_id: peer_id.clone(),
            role,
        })
        .await?;
    let snap = state.doc.state().snapshot.clone();
    let device = snap
        .record_json(RecordType::Device, &peer_id)
        .unwrap_or(Value::Null);
    Ok((StatusCode::OK, Json(device)).into_response())
}

pub(crate) async fn get_device(
    State(state): State<AppState>,
    Path(peer_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let snap = state.doc.state().snapshot.clone();
    snap.record_json(RecordType::Device, &peer_id)
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no device with peer id {peer_id:?}")))
}

/// Revokes a device. Never this node's own: a node that revoked itself could write nothing
/// again, and nothing it holds could undo it; another member's node must do it. Only an
/// admin may (403 otherwise), and never the last admin (409).
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
