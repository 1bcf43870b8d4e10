//! A minimal HTTP/1.1 client for talking to the local node (`bureau status`, `bureau invite`).
//!
//! The node is on loopback and answers small JSON documents with a length, so a request with
//! `Connection: close` read to the end is all that is needed; no client library is pulled in.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long the CLI waits for its own node before saying it does not answer.
const TIMEOUT: Duration = Duration::from_secs(5);

/// GETs `path` from the node at `addr` with the token and parses the JSON body.
pub(crate) async fn get_json(
    addr: &str,
    path: &str,
    token: &str,
) -> Result<serde_json::Value, String> {
    request(addr, "GET", path, token, None).await
}

/// POSTs a JSON body to `path` and parses the JSON answer.
pub(crate) async fn post_json(
    addr: &str,
    path: &str,
    token: &str,
    body: &serde_json::Value,
) -> Result<serde_json::Value, String> {
    request(addr, "POST", path, token, Some(body.to_string())).await
}

async fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<String>,
) -> Result<serde_json::Value, String> {
    let fut = async {
        let mut stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| format!("the node at {addr} does not answer ({e}); is it running?"))?;
        let body = body.unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream
            .write_all(req.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut buf = Vec::new();
        stream
            .read_to_end(&mut buf)
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(buf)
    };
    let buf = tokio::time::timeout(TIMEOUT, fut)
        .await
        .map_err(|_| format!("the node at {addr} did not answer within {TIMEOUT:?}"))??;
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| "the node sent a malformed answer".to_owned())?;
    let status_line = head.lines().next().unwrap_or_default();
    if !(status_line.contains(" 200 ") || status_line.contains(" 201 ")) {
        let message = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
            .unwrap_or_else(|| body.to_owned());
        return Err(format!("the node refused: {message}"));
    }
    serde_json::from_str(body).map_err(|e| format!("the node sent invalid JSON: {e}"))
}
