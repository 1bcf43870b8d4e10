//! The bureau-wide settings over HTTP: `GET, PATCH /api/settings` (DESIGN §6, "Settings").
//! The values shown are those in effect (only an admin's changes count, see
//! `bureau_model::settings_effective`); a change from a device that is not an admin is refused
//! with 403 by the node's own check before anything is written.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use bureau_model::{Edit, NORMS, Settings, SettingsFields};
use serde_json::{Value, json};

use crate::AppState;
use crate::api::body;
use crate::error::ApiError;

/// The settings as the API shows them: each numeric one with its value, default and range;
/// whether the feeds have a secret (never the secret); whether this device may change them.
pub(crate) fn settings_json(settings: &Settings, can_change: bool) -> Value {
    let norms: serde_json::Map<String, Value> = NORMS
        .iter()
        .map(|n| {
            (
                n.key.to_owned(),
                json!({
                    "value": settings.number(n.key),
                    "default": n.default,
                    "min": n.range.0,
                    "max": n.range.1,
                }),
            )
        })
        .collect();
    json!({
        "interpretation": norms,
        "feed_secret_set": settings.feed_secret.is_some(),
        "can_change": can_change,
    })
}

/// `GET /api/settings`.
pub(crate) async fn get(State(state): State<AppState>) -> Json<Value> {
    let st = state.doc.state();
    let admin = st.snapshot.is_admin(&st.peer_id);
    Json(settings_json(&st.snapshot.settings, admin))
}

/// `PATCH /api/settings` with any of the numeric settings by key: a number, or `null` for
/// the default. The feed secret is not set here: `POST /api/feeds/rotate` makes a new one.
pub(crate) async fn patch(
    State(state): State<AppState>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let mut inp = body(raw)?;
    let mut fields = SettingsFields::default();
    for norm in NORMS {
        match inp.raw(norm.key) {
            None => {}
            Some(Value::Null) => {
                fields.numbers.insert(norm.key.to_owned(), None);
            }
            Some(v) => {
                let n = v
                    .as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| {
                        ApiError::field(
                            norm.key,
                            format!(
                                "must be a whole number from {} to {}, or null for the default",
                                norm.range.0, norm.range.1
                            ),
                        )
                    })?;
                fields.numbers.insert(norm.key.to_owned(), Some(n));
            }
        }
    }
    if inp.raw("feed_secret").is_some() {
        return Err(ApiError::field(
            "feed_secret",
            "is not set here: POST /api/feeds/rotate makes a new one",
        ));
    }
    inp.finish()?;
    state.doc.edit(Edit::UpdateSettings(fields)).await?;
    let st = state.doc.state();
    let admin = st.snapshot.is_admin(&st.peer_id);
    Ok(Json(settings_json(&st.snapshot.settings, admin)))
}
