//! `bureau bundle export --out FILE [--since-peer PEER_ID]` and `bureau bundle import FILE`:
//! sealed change bundles (`bureau_net::bundle`), through the running node's API when one runs
//! on the data directory, else on the data directory itself with its own document actor and
//! device key, as `join` opens it.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, anyhow};
use bureau_doc::{DocError, DocHandle};
use bureau_net::KEY_FILE;
use tracing::warn;

use crate::data_dir::{doc_config, open_dir, running_node};
use crate::run::Exit;

/// How long the CLI waits for the node at each step: a whole bureau's bundle takes a while to
/// make and to apply.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Exit code of a refused bundle (sysexits' data error).
const REFUSED: u8 = 65;

/// One request to the running node; `Ok(Err(..))` is the node's refusal, in its words.
async fn exchange(
    http: &str,
    token: &str,
    method: &'static str,
    path: String,
    body: Vec<u8>,
) -> Result<bureau_client::Response, String> {
    let socket: SocketAddr = http
        .parse()
        .map_err(|e| format!("the node at {http} does not answer ({e})"))?;
    let headers = [
        ("Host".to_owned(), http.to_owned()),
        ("Authorization".to_owned(), format!("Bearer {token}")),
        (
            "Content-Type".to_owned(),
            "application/octet-stream".to_owned(),
        ),
    ];
    tokio::task::spawn_blocking(move || {
        let stream = bureau_client::connect(socket, TIMEOUT)
            .map_err(|e| format!("the node at {socket} does not answer ({e})"))?;
        bureau_client::exchange(stream, method, &path, &headers, &body)
            .map_err(|e| format!("the node at {socket} did not answer: {e}"))
    })
    .await
    .map_err(|e| e.to_string())?
}

/// The document actor on a stopped node's data directory, with its device key.
async fn open_stopped(data_dir: &Path) -> Result<Stopped> {
    // A node that joined a bureau it has not received yet has its key but no marker.
    if !data_dir.join(KEY_FILE).is_file() {
        return Err(anyhow!(
            "{} holds no node of a bureau; give the node's data directory with --data-dir",
            data_dir.display()
        )
        .context(Exit(78)));
    }
    let opened = open_dir(data_dir)?;
    let files = opened.store.files();
    let (doc, thread) =
        DocHandle::open(opened.store, doc_config(opened.identity.peer_id())).await?;
    Ok(Stopped {
        doc,
        identity: opened.identity,
        files,
        thread,
    })
}

/// A stopped node's data directory, opened.
struct Stopped {
    doc: DocHandle,
    identity: bureau_net::Identity,
    files: bureau_store::Files,
    thread: std::thread::JoinHandle<()>,
}

async fn close(doc: DocHandle, thread: std::thread::JoinHandle<()>) {
    drop(doc);
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
}

/// A refused bundle as the CLI says it, with the exit code for refusals.
fn refused(e: DocError) -> anyhow::Error {
    match e {
        DocError::BundleRefused { .. } | DocError::Observer | DocError::NotMember => {
            anyhow!("{e}").context(Exit(REFUSED))
        }
        other => anyhow!(other),
    }
}

/// Writes `bytes` to `out` whole: a temporary file beside it, synced, then renamed.
fn write_whole(out: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let tmp = out.with_extension("bundle-part");
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(())
}

/// `bureau bundle export`.
pub(crate) async fn export(data_dir: &Path, out: &Path, since_peer: Option<String>) -> Result<()> {
    let bytes = match running_node(data_dir) {
        Ok((http, token)) => {
            let path = match &since_peer {
                // A peer id is base58: nothing in it needs escaping, and nothing else is one.
                Some(p) if p.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                    format!("/api/bundle?since_peer={p}")
                }
                Some(p) => {
                    return Err(anyhow!("--since-peer {p:?} is not a peer id").context(Exit(2)));
                }
                None => "/api/bundle".to_owned(),
            };
            let res = exchange(&http, &token, "GET", path, Vec::new())
                .await
                .map_err(|e| anyhow!(e))?;
            if !res.is_success() {
                return Err(
                    anyhow!("the node refused: {}", res.error_message()).context(Exit(REFUSED))
                );
            }
            res.body
        }
        Err(_) => {
            let Stopped {
                doc,
                identity,
                thread,
                ..
            } = open_stopped(data_dir).await?;
            if let Some(p) = &since_peer
                && !doc.state().snapshot.devices.contains_key(p)
            {
                close(doc, thread).await;
                return Err(
                    anyhow!("--since-peer {p} is not a device of this bureau").context(Exit(2))
                );
            }
            let res = bureau_net::bundle::export(&doc, &identity, since_peer).await;
            close(doc, thread).await;
            res.map_err(refused)?
        }
    };
    write_whole(out, &bytes)?;
    println!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

/// `bureau bundle import`.
pub(crate) async fn import(data_dir: &Path, file: &Path) -> Result<()> {
    let bytes = std::fs::read(file)
        .with_context(|| format!("cannot read {}", file.display()))
        .map_err(|e| e.context(Exit(66)))?;
    let (imported, already) = match running_node(data_dir) {
        Ok((http, token)) => {
            let res = exchange(&http, &token, "POST", "/api/bundle".to_owned(), bytes)
                .await
                .map_err(|e| anyhow!(e))?;
            if !res.is_success() {
                return Err(
                    anyhow!("the node refused the bundle: {}", res.error_message())
                        .context(Exit(REFUSED)),
                );
            }
            let v = res.json().context("the node sent invalid JSON")?;
            (
                v["imported_changes"].as_u64().unwrap_or_default(),
                v["already_had"].as_u64().unwrap_or_default(),
            )
        }
        Err(_) => {
            let Stopped {
                doc,
                identity,
                files,
                thread,
            } = open_stopped(data_dir).await?;
            let res = bureau_net::bundle::import(&doc, &identity, &files, &bytes).await;
            close(doc, thread).await;
            let report = res.map_err(refused)?;
            if report.waiting > 0 {
                warn!(
                    waiting = report.waiting,
                    "some changes wait for changes this node does not have yet"
                );
            }
            (report.imported_changes as u64, report.already_had as u64)
        }
    };
    println!("imported {imported} change(s); {already} were already here");
    Ok(())
}
