//! The login link and the home page.
//!
//! `GET /?token=…` (the link `bureau serve` prints) sets an HttpOnly, SameSite=Strict session
//! cookie and redirects to `/`, so the token leaves the address bar and browser history.
//! Without the session `/` explains how to log in; with it, `/` is the UI's overview.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::guard::{SESSION_COOKIE, authenticated, same_secret};
use crate::ui::View;
use crate::ui::i18n::{Lang, Tr};
use crate::ui::layout::login_page;

#[derive(Debug, Deserialize)]
pub(crate) struct Login {
    token: Option<String>,
}

pub(crate) async fn home(
    State(state): State<AppState>,
    Query(login): Query<Login>,
    headers: HeaderMap,
    view: View,
) -> Response {
    if let Some(token) = login.token {
        if !same_secret(&token, &state.config.token) {
            let tr = Tr(Lang::negotiate(&headers));
            let body = login_page(tr, true).into_string();
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
        let tr = Tr(Lang::negotiate(&headers));
        let body = login_page(tr, false).into_string();
        return (StatusCode::UNAUTHORIZED, Html(body)).into_response();
    }
    crate::ui::overview::page(&view)
}
