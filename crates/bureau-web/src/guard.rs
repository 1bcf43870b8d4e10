//! Local-UI defences applied to every request: `Host` allow-list (DNS rebinding), `Origin`
//! check on writes (cross-site requests), a deadline for request bodies, token and session
//! authentication, the login link, and security headers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;
use crate::ui::i18n::{Lang, Tr};
use crate::ui::layout::login_page;

/// Name of the session cookie the login link sets.
pub const SESSION_COOKIE: &str = "bureau_session";

/// Compares two secrets in time independent of where they first differ. An empty secret is
/// never equal to anything: a token file of blanks or an empty cookie must not let anyone in.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    !a.is_empty()
        && a.len() == b.len()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The values of every session cookie the request carries (a browser may send more than one
/// cookie of that name, set for different paths or hosts).
pub(crate) fn session_cookies(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.trim())
}

/// The live session the request's cookie names, if any.
pub(crate) fn session_of(state: &AppState, headers: &HeaderMap) -> Option<String> {
    session_cookies(headers)
        .find(|id| state.config.sessions.valid(id))
        .map(str::to_owned)
}

/// Whether the request carries the node's token as a bearer header, or a live session.
pub(crate) fn authenticated(state: &AppState, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|t| same_secret(t.trim(), &state.config.token));
    bearer || session_of(state, headers).is_some()
}

/// The `Set-Cookie` value for a session (an empty id with `Max-Age=0` removes it). Host-only
/// (no `Domain`), so that no other host name gets it; `Path=/` so that every page does.
pub(crate) fn session_cookie_header(id: &str) -> HeaderValue {
    let max_age = if id.is_empty() {
        0
    } else {
        crate::session::SESSION_LIFETIME.as_secs()
    };
    let cookie =
        format!("{SESSION_COOKIE}={id}; HttpOnly; SameSite=Strict; Max-Age={max_age}; Path=/");
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("x=; Max-Age=0"))
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

/// The login link: `?token=…` on any page. A right token makes a session and answers 303 to
/// the same page without the token (so it leaves the address bar and the history, and a deep
/// link such as the printable report opens where it points); a wrong one is the login page
/// saying the link is wrong. The API does not take the token in the URL.
pub(crate) async fn login_link(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let page = matches!(*req.method(), Method::GET | Method::HEAD)
        && path != "/api"
        && !path.starts_with("/api/");
    let Some(query) = req.uri().query().filter(|_| page) else {
        return next.run(req).await;
    };
    let mut token = None;
    let mut rest = Vec::new();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == "token" {
            token.get_or_insert(v.into_owned());
        } else {
            rest.push((k.into_owned(), v.into_owned()));
        }
    }
    let Some(token) = token else {
        return next.run(req).await;
    };
    let tr = Tr(Lang::negotiate(req.uri(), req.headers()));
    if !same_secret(&token, &state.config.token) {
        let body = login_page(tr, true).into_string();
        return (StatusCode::UNAUTHORIZED, Html(body)).into_response();
    }
    let id = match state.config.sessions.create().await {
        Ok(id) => id,
        Err(e) => {
            return ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "no_session", e)
                .into_response();
        }
    };
    let mut to = if crate::ui::is_local_path(path) {
        path.to_owned()
    } else {
        "/".to_owned()
    };
    if !rest.is_empty() {
        to.push('?');
        to.push_str(
            &form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&rest)
                .finish(),
        );
    }
    let location = HeaderValue::from_str(&to).unwrap_or_else(|_| HeaderValue::from_static("/"));
    let mut res = StatusCode::SEE_OTHER.into_response();
    res.headers_mut().insert(header::LOCATION, location);
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie_header(&id));
    res
}

/// Gives a request's body a deadline ([`crate::WebConfig::body_timeout`]). A body that has
/// not arrived by then fails for whoever reads it, and the answer becomes 408 with
/// `Connection: close`: a client that announces a body and sends it slowly holds a
/// connection and a task only that long. (Headers have their own, shorter, deadline in
/// [`crate::serve`].)
pub(crate) async fn body_deadline(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let fired = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let body = Body::new(DeadlineBody {
        inner: body,
        sleep: Box::pin(tokio::time::sleep(state.config.body_timeout)),
        fired: fired.clone(),
    });
    let res = next.run(Request::from_parts(parts, body)).await;
    if !fired.load(Ordering::SeqCst) {
        return res;
    }
    let mut res = ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "body_timeout",
        "the request body did not arrive in time",
    )
    .into_response();
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// A body that fails once its deadline has passed.
struct DeadlineBody {
    inner: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
    fired: Arc<AtomicBool>,
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if self.sleep.as_mut().poll(cx).is_ready() {
            self.fired.store(true, Ordering::SeqCst);
            return Poll::Ready(Some(Err(axum::Error::new(
                "the request body did not arrive in time",
            ))));
        }
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
