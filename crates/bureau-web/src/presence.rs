//! Presence in shared documents, `/api/documents/{id}/presence`: who on a connected node has a
//! document open and in which paragraph, and this node's own editors saying so. Presence
//! travels on the sync sessions ([`Network::presence`], [`Network::set_presence`]) and is
//! never stored: not in the document, not on disk.
//!
//! A paragraph is one of the text's non-empty lines, counted from 0 at the top.
//!
//! [`Network::presence`]: crate::Network::presence
//! [`Network::set_presence`]: crate::Network::set_presence

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::ApiError;
use crate::{AppState, PresenceSeen};

type ApiResult<T = Response> = Result<T, ApiError>;

/// The editor a script speaks for when it names none.
const API_TAB: &str = "api";

/// Whether `tab` may name an editor: a few letters, digits, `-` or `_` (the page makes a
/// random one), so that a name cannot grow the node's memory or carry anything else.
pub(crate) fn valid_tab(tab: &str) -> bool {
    (1..=64).contains(&tab.len())
        && tab
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn known(state: &AppState, id: &str) -> ApiResult<()> {
    if state.doc.state().snapshot.documents.contains_key(id) {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("no document with id {id:?}")))
    }
}

/// Who else has document `id` open; none without a network.
pub(crate) async fn others(state: &AppState, id: &str) -> Vec<PresenceSeen> {
    match &state.net {
        Some(net) => net.presence(id.to_owned()).await.unwrap_or_default(),
        None => Vec::new(),
    }
}

/// `GET /api/documents/{id}/presence`: `[{member_id, name, device, paragraph, seen_ms_ago}]`,
/// the people on connected nodes who have the document open, by name.
pub(crate) async fn list(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<PresenceSeen>>> {
    known(&state, &id)?;
    Ok(Json(others(&state, &id).await))
}

/// Says that an editor of `id` is in `paragraph` (or, with `None`, has left).
pub(crate) async fn tell(
    state: &AppState,
    id: &str,
    tab: &str,
    paragraph: Option<u32>,
) -> ApiResult<()> {
    let net = state.net.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_network",
            "peer sync is not running on this node",
        )
    })?;
    net.set_presence(id.to_owned(), tab.to_owned(), paragraph)
        .await
        .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "network", e.message))
}

/// `PUT` (or `POST`) `/api/documents/{id}/presence` with `{paragraph, tab}`: this node's user
/// has the document open in `paragraph`; `tab` (optional: letters, digits, `-`, `_`) tells
/// one editor from another on this node. Said again every few seconds while the document is
/// open: an editor silent for longer is taken to have left. Answers 204.
pub(crate) async fn set(
    State(state): State<AppState>,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> ApiResult {
    let mut inp = crate::api::body(raw)?;
    let paragraph = inp
        .u32("paragraph")?
        .ok_or_else(|| ApiError::field("paragraph", "is required"))?;
    let tab = inp.str("tab")?.unwrap_or_else(|| API_TAB.to_owned());
    inp.finish()?;
    if !valid_tab(&tab) {
        return Err(ApiError::field(
            "tab",
            "1 to 64 letters, digits, hyphens or underscores",
        ));
    }
    known(&state, &id)?;
    tell(&state, &id, &tab, Some(paragraph)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Debug, Deserialize)]
pub(crate) struct LeaveQuery {
    tab: Option<String>,
}

/// `DELETE /api/documents/{id}/presence?tab=`: the editor has left (without `tab`, the one a
/// script speaks for). Answers 204, also when it was not there.
pub(crate) async fn leave(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<LeaveQuery>,
) -> ApiResult {
    let tab = q.tab.unwrap_or_else(|| API_TAB.to_owned());
    if !valid_tab(&tab) {
        return Err(ApiError::field(
            "tab",
            "1 to 64 letters, digits, hyphens or underscores",
        ));
    }
    known(&state, &id)?;
    tell(&state, &id, &tab, None).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
