//! Joining another bureau from the UI (`/join`): for a new laptop whose owner started the
//! node before being invited, so that it founded a bureau of its own. While that bureau has
//! had no edit since it was founded ([`crate::Network::untouched`]), the node may join
//! another with an invite: the untouched bureau is set aside (nothing is deleted) and the
//! node starts again on the bureau joined. A bureau with edits is never set aside from here:
//! the page says to join from another data directory instead.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use maud::{PreEscaped, html};

use super::forms::{Form, FormData, FormErrors, Input};
use super::layout::{self, Section};
use super::{View, error_page, read_form};

/// Whether this node may join another bureau from here.
pub(crate) fn may_join(v: &View) -> bool {
    v.app.net.as_ref().is_some_and(|n| n.untouched())
}

fn join_page(v: &View, form: &FormData, errors: &FormErrors, status: StatusCode) -> Response {
    let tr = v.tr;
    let title = tr.t("join-title");
    let f = Form::new(tr, form, errors);
    let body = html! {
        h1 { (title) }
        @if may_join(v) {
            p { (tr.t("join-explain")) }
            form.card method="post" action="/join" novalidate {
                (f.summary())
                (f.input(Input::Text, "code", &tr.t("join-code"), true, Some(&tr.t("join-code-hint"))))
                (f.input(Input::Text, "name", &tr.t("join-name"), false, Some(&tr.t("join-name-hint"))))
                (f.input(Input::Text, "peer", &tr.t("join-peer"), false, Some(&tr.t("join-peer-hint"))))
                div.buttons { button type="submit" { (tr.t("join-button")) } }
            }
        } @else {
            p.notice.warn { (tr.t("join-touched")) }
            pre.command { "bureau --data-dir DIR join CODE --name \"…\"" }
        }
    };
    v.render(status, layout::page(v, Section::Peers, &title, body))
}

/// `GET /join`.
pub(crate) async fn page(v: View) -> Response {
    join_page(
        &v,
        &FormData::default(),
        &FormErrors::default(),
        StatusCode::OK,
    )
}

/// `POST /join` with `code`, `name` and `peer`. Answers a page that says the node starts
/// again on the bureau joined and goes to the overview once it has (the restart follows the
/// answer).
pub(crate) async fn join(v: View, raw: Result<Bytes, BytesRejection>) -> Response {
    let form = match read_form(raw) {
        Ok(f) => f,
        Err(status) => return error_page(&v, status, &v.tr.t("error-body")),
    };
    let Some(net) = v.app.net.clone() else {
        return error_page(
            &v,
            StatusCode::SERVICE_UNAVAILABLE,
            &v.tr.t("sync-not-running"),
        );
    };
    if !net.untouched() {
        return join_page(&v, &form, &FormErrors::default(), StatusCode::CONFLICT);
    }
    let code = form.text("code").trim().to_owned();
    let mut errors = FormErrors::default();
    if code.is_empty() {
        errors.add("code", v.tr.t("err-required"));
        return join_page(&v, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let name = Some(form.text("name").trim().to_owned()).filter(|n| !n.is_empty());
    let peers: Vec<String> = form
        .text("peer")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    match net.join_bureau(code, name, peers).await {
        Ok(joined) => {
            let tr = v.tr;
            let title = tr.t("join-done");
            let who = joined.member_name.unwrap_or_default();
            let body = html! {
                // The node is starting again: the overview is there in a moment.
                (PreEscaped("<meta http-equiv=\"refresh\" content=\"3; url=/\">"))
                h1 { (title) }
                p role="status" { (tr.ta("join-done-explain", &[("name", who.into())])) }
                p { a href="/" { (tr.t("join-open")) } }
            };
            v.render(
                StatusCode::OK,
                layout::page(&v, Section::Peers, &title, body),
            )
        }
        Err(e) => {
            let field = match e.field {
                Some("name") => "name",
                Some("peers") => "peer",
                _ => "code",
            };
            errors.add(field, e.message);
            let status = if e.field.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::BAD_GATEWAY
            };
            join_page(&v, &form, &errors, status)
        }
    }
}
