//! The search page, `/search?q=TEXT`: what the search box in every page's header finds (see
//! [`crate::search`] for how words match), fifty at a time, each with its kind, a link to its
//! page and the line of its text that matched. The box in the header is the page's form; the
//! page repeats it above the results, where a phone shows it first.

use axum::http::StatusCode;
use axum::response::Response;
use bureau_model::RecordType;
use maud::{Markup, html};

use super::layout::{self, Section, query_param};
use super::pager::Pager;
use super::{View, record_url};
use crate::search::{Hit, MAX_QUERY_CHARS, MAX_TERMS, Query, QueryError, search};

/// `GET /search?q=TEXT&page=N`.
pub(crate) async fn page(v: View) -> Response {
    let tr = v.tr;
    let text = query_param(&v, "q").unwrap_or_default();
    let parsed = Query::parse(&text);
    let error = parsed.as_ref().err().map(|e| match e {
        QueryError::TooLong => tr.ta("search-too-long", &[("n", MAX_QUERY_CHARS.into())]),
        QueryError::TooManyWords => tr.ta("search-too-many-words", &[("n", MAX_TERMS.into())]),
    });
    let title = if text.trim().is_empty() || error.is_some() {
        tr.t("search-title")
    } else {
        tr.ta("search-title-for", &[("q", text.clone().into())])
    };
    let body = html! {
        h1 dir="auto" { (title) }
        form.search-page method="get" action="/search" {
            div class=(if error.is_some() { "field invalid" } else { "field" }) {
                label for="search-q" { (tr.t("search-words")) }
                p.hint #search-q-hint { (tr.t("search-hint")) }
                @if let Some(e) = &error {
                    p.error #search-q-error { span.visually-hidden { (tr.t("error-prefix")) " " } (e) }
                }
                div.row {
                    input #search-q type="search" name="q" value=(text) dir="auto"
                        aria-invalid=[error.is_some().then_some("true")]
                        aria-describedby=(if error.is_some() { "search-q-hint search-q-error" } else { "search-q-hint" });
                    button type="submit" { (tr.t("search-button")) }
                }
            }
        }
        @if let Ok(q) = &parsed {
            @if !q.is_empty() {
                section #results data-live aria-labelledby="results-h" { (results(&v, &search(v.snap(), q))) }
            }
        }
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    v.render(status, layout::page(&v, Section::None, &title, body))
}

/// The hits, a page of them, with the pager.
fn results(v: &View, hits: &[Hit]) -> Markup {
    let tr = v.tr;
    let pager = Pager::new(v, "page", hits.len());
    html! {
        h2 #results-h { (tr.ta("search-results", &[("n", hits.len().into())])) }
        @if hits.is_empty() {
            p.empty { (tr.t("search-nothing")) }
        } @else {
            ol.results {
                @for h in pager.slice(hits) {
                    li {
                        span.badge.muted { (tr.t(&format!("type-{}", h.ty.as_str()))) }
                        " "
                        a href=(record_url(h.ty, &h.id)) dir="auto" { (h.title) }
                        @if h.ty == RecordType::Meeting { (meeting_when(v, &h.id)) }
                        @if !h.snippet.is_empty() { p.snippet dir="auto" { (h.snippet) } }
                    }
                }
            }
        }
        (pager.nav(v, "/search", &tr.t("search-results-list")))
    }
}

/// A meeting's day and time, after its title.
fn meeting_when(v: &View, id: &str) -> Markup {
    let Some(m) = v.snap().meetings.get(id) else {
        return html! {};
    };
    let Some(start) = v.zoned(&m.start) else {
        return html! {};
    };
    html! {
        " " span.when {
            time datetime=(start.timestamp()) { (v.tr.date_short(start.date())) " " (v.tr.time(start.time())) }
        }
    }
}

/// The search box in every page's header; on the search page it holds the words searched.
pub(crate) fn header_box(v: &View) -> Markup {
    let tr = v.tr;
    let on_search = v.here == "/search" || v.here.starts_with("/search?");
    let text = if on_search {
        query_param(v, "q").unwrap_or_default()
    } else {
        String::new()
    };
    html! {
        form.search-box role="search" method="get" action="/search" aria-label=(tr.t("search-label")) {
            label.visually-hidden for="site-search" { (tr.t("search-label")) }
            input #site-search type="search" name="q" value=(text) dir="auto";
            button type="submit" { (tr.t("search-button")) }
        }
    }
}
