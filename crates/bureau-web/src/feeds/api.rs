//! The feeds' addresses for the people who subscribe to them: `GET /api/feeds` lists every
//! feed with its key once the bureau has a feed secret, and `POST /api/feeds/rotate` (an
//! admin's) makes a new secret, which turns the feeds on the first time and voids every
//! address given out before on every node afterwards.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use bureau_model::{Edit, SettingsFields, Snapshot};
use serde_json::{Value, json};

use super::{Feed, Kind, feed_url};
use crate::{ApiError, AppState};

/// A new feed secret: 32 random bytes as 64 lowercase hex digits, the form the settings
/// record checks.
fn new_secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "no_random",
            format!("no random source for a new feed secret: {e}"),
        )
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The edit that gives the bureau a new feed secret (an admin's: the demo bureau's founder
/// turns the feeds on with it too).
pub fn rotate_edit() -> Result<Edit, ApiError> {
    Ok(Edit::UpdateSettings(SettingsFields {
        feed_secret: Some(new_secret()?),
        ..Default::default()
    }))
}

/// The address the request came to, which a calendar app on the same machine reaches too
/// (the Host guard has already checked it is one of the node's own).
pub(crate) fn base_of(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// Every live record's feed address on `base`, by id: `{enabled, programme, rooms: {id: url},
/// groups: {id: url}, members: {id: url}, interpreters: {id: url}}`; `enabled: false` and no addresses while the bureau
/// has no secret.
pub(crate) fn listing(snap: &Snapshot, base: &str) -> Value {
    let Some(secret) = super::settings_secret(snap) else {
        return json!({"enabled": false, "programme": null, "rooms": {}, "groups": {}, "members": {}, "interpreters": {}});
    };
    let url = |feed: Feed<'_>| feed_url(base, &secret, &feed);
    let rows = |kind: Kind, ids: Vec<&str>| -> serde_json::Map<String, Value> {
        ids.into_iter()
            .map(|id| (id.to_owned(), Value::String(url(kind.feed(id)))))
            .collect()
    };
    let rooms = snap.rooms.values().filter(|r| !r.stamp.archived);
    let groups = snap.groups.values().filter(|g| !g.stamp.archived);
    let members = snap.members.values().filter(|m| !m.stamp.archived);
    let interpreters = snap.interpreters.values().filter(|i| !i.stamp.archived);
    json!({
        "enabled": true,
        "programme": url(Feed::Programme),
        "rooms": rows(Kind::Room, rooms.map(|r| r.id.as_str()).collect()),
        "groups": rows(Kind::Group, groups.map(|g| g.id.as_str()).collect()),
        "members": rows(Kind::Member, members.map(|m| m.id.as_str()).collect()),
        "interpreters": rows(Kind::Interpreter, interpreters.map(|i| i.id.as_str()).collect()),
    })
}

/// `GET /api/feeds`.
pub(crate) async fn list(State(state): State<AppState>, headers: HeaderMap) -> Json<Value> {
    let st = state.doc.state();
    Json(listing(&st.snapshot, &base_of(&headers)))
}

/// `POST /api/feeds/rotate`: a new secret (admins only: 403 otherwise), and the new listing.
pub(crate) async fn rotate(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    state.doc.edit(rotate_edit()?).await?;
    let st = state.doc.state();
    Ok(Json(listing(&st.snapshot, &base_of(&headers))))
}
