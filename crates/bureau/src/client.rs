//! Talking to the local node (`bureau status`, `bureau invite`, `bureau backup`) through the workspace's small
//! HTTP client ([`bureau_client`]), with the messages a person at the command line reads.

use std::net::SocketAddr;
use std::time::Duration;

/// How long the CLI waits for its own node (to connect, and for each read and write) before
/// saying it does not answer.
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

/// GETs `path` and returns the body as it came (`GET /api/doc`: the document's bytes).
pub(crate) async fn get_bytes(addr: &str, path: &str, token: &str) -> Result<Vec<u8>, String> {
    Ok(exchange(addr, "GET", path, token, None).await?.body)
}

async fn request(
    addr: &str,
    method: &'static str,
    path: &str,
    token: &str,
    body: Option<String>,
) -> Result<serde_json::Value, String> {
    exchange(addr, method, path, token, body)
        .await?
        .json()
        .map_err(|e| format!("the node sent invalid JSON: {e}"))
}

/// One request to the node; an answer that is not a success is the node's error message.
async fn exchange(
    addr: &str,
    method: &'static str,
    path: &str,
    token: &str,
    body: Option<String>,
) -> Result<bureau_client::Response, String> {
    let socket: SocketAddr = addr
        .parse()
        .map_err(|e| format!("the node at {addr} does not answer ({e}); is it running?"))?;
    let headers = [
        ("Host".to_owned(), addr.to_owned()),
        ("Authorization".to_owned(), format!("Bearer {token}")),
        ("Content-Type".to_owned(), "application/json".to_owned()),
    ];
    let path = path.to_owned();
    // The client blocks (for at most the timeout at each step); the runtime's workers do not.
    let res = tokio::task::spawn_blocking(move || {
        let stream = bureau_client::connect(socket, TIMEOUT).map_err(|e| {
            if bureau_client::is_timeout(&e) {
                format!("the node at {socket} did not answer within {TIMEOUT:?}")
            } else {
                format!("the node at {socket} does not answer ({e}); is it running?")
            }
        })?;
        let body = body.unwrap_or_default();
        bureau_client::exchange(stream, method, &path, &headers, body.as_bytes()).map_err(|e| {
            if bureau_client::is_timeout(&e) {
                format!("the node at {socket} did not answer within {TIMEOUT:?}")
            } else if e.kind() == std::io::ErrorKind::InvalidData {
                "the node sent a malformed answer".to_owned()
            } else {
                e.to_string()
            }
        })
    })
    .await
    .map_err(|e| e.to_string())??;
    if !res.is_success() {
        return Err(format!("the node refused: {}", res.error_message()));
    }
    Ok(res)
}
