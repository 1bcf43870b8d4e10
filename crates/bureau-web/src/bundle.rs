//! Sealed change bundles over HTTP: `GET /api/bundle[?since_peer=PEER_ID]` makes one (the bytes,
//! `application/octet-stream`), `POST /api/bundle` imports one and answers
//! `{imported_changes, already_had}`. Sealing, signing and the checks are the network's
//! ([`crate::Network::bundle_export`], [`crate::Network::bundle_import`]); a refusal is a 4xx
//! whose `code` names the case (`tampered`, `other_bureau`, `not_member`, `revoked`,
//! `observer`, `no_key`, `guard`, `bad_changes`, `malformed`, `too_large`).

use std::collections::BTreeMap;

use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, body::Bytes};
use serde_json::json;

use crate::{ApiError, AppState, Network};

/// The largest bundle accepted (as `bureau-net` reads them).
pub(crate) const MAX_BUNDLE_BODY: usize = 64 * 1024 * 1024;

fn network(state: &AppState) -> Result<&dyn Network, ApiError> {
    state.net.as_deref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_network",
            "this node runs without its network, which holds the device key bundles are signed with",
        )
    })
}

/// The peer named by `since_peer`, checked to be a device of the bureau.
pub(crate) fn since_peer(
    state: &AppState,
    q: &BTreeMap<String, String>,
) -> Result<Option<String>, ApiError> {
    if let Some(k) = q.keys().find(|k| *k != "since_peer") {
        return Err(ApiError::field(k.clone(), "is not a parameter of a bundle"));
    }
    match q.get("since_peer").map(|s| s.trim()) {
        None | Some("") => Ok(None),
        Some(p) if state.doc.state().snapshot.devices.contains_key(p) => Ok(Some(p.to_owned())),
        Some(_) => Err(ApiError::field(
            "since_peer",
            "is not the peer id of a device of this bureau",
        )),
    }
}

/// The name a downloaded bundle gets: the bureau and the time, so that several can sit in one
/// folder.
fn file_name(state: &AppState) -> String {
    let st = state.doc.state();
    let id: String = st
        .snapshot
        .meta
        .bureau_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    let at = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S");
    format!("bureau-{id}-{at}.bundle")
}

/// `GET /api/bundle`.
pub(crate) async fn get(
    State(state): State<AppState>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Result<Response, ApiError> {
    let since = since_peer(&state, &q)?;
    let bytes = network(&state)?.bundle_export(since).await?;
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    let disposition = format!("attachment; filename=\"{}\"", file_name(&state));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// `POST /api/bundle`: the body is the bundle's bytes. One over [`MAX_BUNDLE_BODY`] is a JSON
/// 413, not read past the limit.
pub(crate) async fn post(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rej| {
        let status = rej.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                "too_large",
                format!("a bundle is at most {MAX_BUNDLE_BODY} bytes"),
            )
        } else {
            ApiError::new(status, "bad_body", rej.body_text())
        }
    })?;
    if body.is_empty() {
        return Err(ApiError::field("body", "is empty: send the bundle's bytes"));
    }
    let report = network(&state)?.bundle_import(body.to_vec()).await?;
    Ok(Json(json!({
        "imported_changes": report.imported_changes,
        "already_had": report.already_had,
    }))
    .into_response())
}
