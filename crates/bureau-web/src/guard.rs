//! Local-UI defences applied to every request: `Host` allow-list (DNS rebinding), `Origin`
//! check on writes (cross-site requests), token authentication, and security headers.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

/// Name of the session cookie the login link sets.
pub const SESSION_COOKIE: &str = "bureau_session";

/// Compares two secrets in time independent of where they first differ.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The session cookie's value, if the request carries one.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v)
}

/// Whether the request carries the node's token, as a bearer header or the session cookie.
pub(crate) fn authenticated(state: &AppState, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    bearer
        .into_iter()
        .chain(session_cookie(headers))
        .any(|t| same_secret(t.trim(), &state.config.token))
}

fn forbidden(code: &'static str, message: &str) -> Response {
    ApiError::new(StatusCode::FORBIDDEN, code, message).into_response()
}

/// Refuses foreign `Host`s and cross-site writes, before anything else runs.
pub(crate) async fn host_and_origin(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !state
        .config
        .allowed_hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(host))
    {
        return forbidden(
            "forbidden_host",
            "this node only answers requests addressed to its loopback address",
        );
    }
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let ok = origin.to_str().ok().is_some_and(|o| {
                o.strip_prefix("http://").is_some_and(|h| {
                    state
                        .config
                        .allowed_hosts
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(h))
                })
            });
            if !ok {
                return forbidden("forbidden_origin", "writes from another site are refused");
            }
        }
        let cross_site = req
            .headers()
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
        if cross_site {
            return forbidden("forbidden_origin", "writes from another site are refused");
        }
    }
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: under `no-referrer` browsers send `Origin: null` with
    // the UI's own form posts, which the Origin check above must refuse. Other sites still
    // never see a referrer (the login link's token never leaves the node).
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Requires the token on every API request.
pub(crate) async fn require_token(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if authenticated(&state, req.headers()) {
        next.run(req).await
    } else {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send the node's api-token as 'Authorization: Bearer <token>' or log in with the link the node printed",
        )
        .into_response()
    }
}
