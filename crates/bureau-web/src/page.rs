//! The login link and the home page.
//!
//! `GET /?token=…` (the link `bureau serve` prints) sets an HttpOnly, SameSite=Strict session
//! cookie and redirects to `/`, so the token leaves the address bar and browser history. The
//! full UI comes with its own pages; until then `/` shows where the bureau stands.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::guard::{SESSION_COOKIE, authenticated, same_secret};

#[derive(Debug, Deserialize)]
pub(crate) struct Login {
    token: Option<String>,
}

/// Escapes text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title></head><body><main>{body}</main></body></html>",
        esc(title)
    )
}

pub(crate) async fn home(
    State(state): State<AppState>,
    Query(login): Query<Login>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = login.token {
        if !same_secret(&token, &state.config.token) {
            let body = page(
                "bureau: wrong link",
                "<h1>This login link is not valid</h1><p>Use the link the node printed when it \
                 started, or run <code>bureau status</code>.</p>",
            );
            return (StatusCode::UNAUTHORIZED, Html(body)).into_response();
        }
        let mut res = Redirect::to("/").into_response();
        let cookie = format!("{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
        return res;
    }
    if !authenticated(&state, &headers) {
        let body = page(
            "bureau: log in",
            "<h1>Log in</h1><p>Open the login link the node printed when it started \
             (<code>bureau status</code> shows it again).</p>",
        );
        return (StatusCode::UNAUTHORIZED, Html(body)).into_response();
    }
    let st = state.doc.state();
    let snap = &st.snapshot;
    let live = |n: usize| n.to_string();
    let body = format!(
        "<h1>{}</h1><ul>\
         <li>{} members, {} groups, {} rooms, {} meetings, {} notes</li>\
         <li>{} findings, {} conflicts</li></ul>\
         <p>API: <a href=\"/api/status\">status</a>, <a href=\"/api/findings\">findings</a>, \
         <a href=\"/api/conflicts\">conflicts</a>, <a href=\"/api/meetings\">meetings</a></p>",
        esc(&snap.meta.title),
        live(snap.members.values().filter(|m| !m.stamp.archived).count()),
        live(snap.groups.values().filter(|g| !g.stamp.archived).count()),
        live(snap.rooms.values().filter(|r| !r.stamp.archived).count()),
        live(snap.meetings.values().filter(|m| !m.stamp.archived).count()),
        live(snap.notes.values().filter(|n| !n.stamp.archived).count()),
        st.findings.len(),
        st.conflicts.len(),
    );
    Html(page(&snap.meta.title, &body)).into_response()
}
