//! A minimal HTTP/1.1 client for talking to the local node (`bureau status`).
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
    let fut = async {
        let mut stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| format!("the node at {addr} does not answer ({e}); is it running?"))?;
        let req = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
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
    if !status_line.contains(" 200 ") {
        return Err(format!("the node answered {status_line}: {body}"));
    }
    serde_json::from_str(body).map_err(|e| format!("the node sent invalid JSON: {e}"))
}
