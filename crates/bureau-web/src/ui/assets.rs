//! The UI's static files from `web/`, embedded in the binary so that `cargo run` and a copied
//! executable need nothing beside them.
//!
//! Pages link each file as `/assets/NAME?v=HASH`. A request naming the current hash may be
//! cached for a year (the URL changes with the content); any other is revalidated with the
//! ETag. Four files do not need a crate for this.

use std::sync::LazyLock;

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The embedded files: name, content type, bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../../web/app.css"),
    ),
    (
        "print.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../../web/print.css"),
    ),
    (
        "live.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../../web/live.js"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_bytes!("../../../../web/icon.svg"),
    ),
];

/// 64-bit FNV-1a as 16 hex digits: a content fingerprint (an asset's cache-busting name), not
/// a security measure.
pub(crate) fn fnv1a(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

static HASHES: LazyLock<Vec<String>> =
    LazyLock::new(|| FILES.iter().map(|(_, _, b)| fnv1a(b)).collect());

fn find(name: &str) -> Option<(usize, &'static str, &'static [u8])> {
    FILES
        .iter()
        .enumerate()
        .find(|(_, (n, _, _))| *n == name)
        .map(|(i, (_, ty, bytes))| (i, *ty, *bytes))
}

/// The URL of an embedded file, with its fingerprint.
pub(crate) fn url(name: &str) -> String {
    match find(name) {
        Some((i, _, _)) => format!("/assets/{name}?v={}", HASHES[i]),
        None => format!("/assets/{name}"),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct AssetQuery {
    v: Option<String>,
}

/// `GET /assets/{file}`.
pub(crate) async fn serve(
    Path(file): Path<String>,
    Query(q): Query<AssetQuery>,
    headers: HeaderMap,
) -> Response {
    let Some((i, content_type, bytes)) = find(&file) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let etag = format!("\"{}\"", HASHES[i]);
    let cache = if q.v.as_deref() == Some(HASHES[i].as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        bytes.into_response()
    };
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}
