//! A tracing span per HTTP request, so that every log line written while a request is
//! handled (a storage failure in [`crate::error`], a refused peer dial) names the request it
//! belongs to.
//!
//! The span opens outside every guard (a refused `Host` or a missing session is traced too)
//! with the method; the route template (`/api/{collection}/{id}`, never the path itself, whose
//! ids and query are the user's data) is filled in once routing has matched one, and the
//! status and duration when the answer leaves. The closing line is at debug: a node's log at
//! its default level stays quiet about requests that went well.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing::field::Empty;

/// The outermost layer: opens the request's span and closes it with the answer.
pub(crate) async fn request_span(req: Request, next: Next) -> Response {
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = Empty,
        status = Empty,
        ms = Empty
    );
    let started = Instant::now();
    async move {
        let res = next.run(req).await;
        let span = tracing::Span::current();
        span.record("status", res.status().as_u16());
        span.record("ms", started.elapsed().as_secs_f64() * 1000.0);
        if res.status().is_server_error() {
            tracing::warn!("answered with a server error");
        } else {
            tracing::debug!("answered");
        }
        res
    }
    .instrument(span)
    .await
}

/// A route layer: records which route matched in the request's span.
pub(crate) async fn record_route(req: Request, next: Next) -> Response {
    if let Some(path) = req.extensions().get::<MatchedPath>() {
        tracing::Span::current().record("route", tracing::field::display(path.as_str()));
    }
    next.run(req).await
}
