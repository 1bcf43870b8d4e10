//! The home page.
//!
//! The login link (`?token=…`, which `bureau serve` prints) is taken on any page by
//! `guard::login_link`, which makes a session and redirects to the page without the token.
//! Without a session `/` explains how to log in; with it, `/` is the UI's overview.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::guard::authenticated;
use crate::ui::View;
use crate::ui::layout::login_page;

pub(crate) async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    view: View,
) -> Response {
    if !authenticated(&state, &headers) {
        let tr = view.tr;
        let body = login_page(tr, false).into_string();
        return (StatusCode::UNAUTHORIZED, Html(body)).into_response();
    }
    crate::ui::overview::page(&view)
}
