//! The samod replica: this executable run as `bureau-bench samod-peer`, a samod 0.16 repo with
//! its filesystem storage, talking samod's own TCP transport (length-delimited frames), driven
//! by the same JSON-line commands as the automerge-repo replica (see `js/peer.mjs`).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ObjType, ReadDoc};
use futures_util::StreamExt;
use samod::{BackoffConfig, DialerHandle, DocumentId, Repo};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};

use crate::fixture::{heads_hex, meetings_page};
use crate::util::now_ms;

/// Heads after every change, with the time it was seen.
type History = Arc<Mutex<Vec<(f64, Vec<String>)>>>;

struct Peer {
    repo: Repo,
    handle: samod::DocHandle,
    history: History,
    /// One per `connect` (W8's mesh dials several replicas).
    dialers: Vec<DialerHandle<std::convert::Infallible>>,
}

/// Runs the replica until stdin closes or `quit`.
pub(crate) fn run(storage: PathBuf, doc: &str, name: &str, listen: bool) -> Result<(), String> {
    let started = now_ms();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let doc_id: DocumentId = doc.parse().map_err(|e| format!("{e}"))?;
    rt.block_on(async move {
        let repo = Repo::build_tokio()
            .with_storage(samod::storage::TokioFilesystemStorage::new(&storage))
            .with_peer_id(samod::PeerId::from(name))
            .load()
            .await;
        let handle = repo
            .find(doc_id)
            .await
            .map_err(|e| format!("{e:?}"))?
            .ok_or("the document is not in storage")?;
        let loaded = now_ms();
        let page = handle.with_document(|d| meetings_page(d));
        let ready = now_ms();
        let history: History = Arc::new(Mutex::new(Vec::new()));
        let h = history.clone();
        let mut changes = handle.changes();
        tokio::spawn(async move {
            while let Some(c) = changes.next().await {
                let t = now_ms();
                h.lock()
                    .expect("history lock")
                    .push((t, heads_hex(&c.new_heads)));
            }
        });
        let mut port = 0;
        if listen {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|e| e.to_string())?;
            port = listener.local_addr().map_err(|e| e.to_string())?.port();
            let url =
                samod::Url::parse(&format!("tcp://127.0.0.1:{port}")).map_err(|e| e.to_string())?;
            let acceptor = repo.make_acceptor(url).map_err(|e| format!("{e:?}"))?;
            tokio::spawn(async move {
                while let Ok((io, _)) = listener.accept().await {
                    let _ = io.set_nodelay(true);
                    if acceptor
                        .accept(samod::Transport::from_tokio_io(io))
                        .is_err()
                    {
                        break;
                    }
                }
            });
        }
        println!(
            "{}",
            json!({"event": "ready", "load_ms": loaded - started, "page_ms": ready - started,
                   "page_bytes": page.len(), "port": port})
        );
        let mut peer = Peer {
            repo,
            handle,
            history,
            dialers: Vec::new(),
        };
        let mut lines = tokio::io::BufReader::new(tokio::io::stdin()).lines();
        let mut stdout = tokio::io::stdout();
        while let Ok(Some(line)) = lines.next_line().await {
            let Ok(c) = serde_json::from_str::<Value>(&line) else {
                continue;
            };
            let quit = c["cmd"] == "quit";
            let mut answer = match peer.command(&c).await {
                Ok(v) => v,
                Err(e) => json!({ "error": e }),
            };
            answer["id"] = c["id"].clone();
            let _ = stdout.write_all(format!("{answer}\n").as_bytes()).await;
            let _ = stdout.flush().await;
            if quit {
                break;
            }
        }
        peer.repo.stop().await;
        Ok(())
    })
}

fn str_arg<'a>(c: &'a Value, key: &str) -> Result<&'a str, String> {
    c[key].as_str().ok_or_else(|| format!("missing {key}"))
}

/// One edit as the bureau node's model writes it: the field, then `updated_at` and
/// `updated_by`, as one change.
fn apply_edit(doc: &mut automerge::Automerge, e: &Value, author: &str) -> Result<(), String> {
    let kind = str_arg(e, "k")?;
    let id = str_arg(e, "id")?;
    let coll = match kind {
        "phone" => "members",
        "text" => "notes",
        _ => "meetings",
    };
    let time = jiff::Timestamp::now();
    doc.transact_with::<_, _, automerge::AutomergeError, _>(
        |_| CommitOptions::default().with_time(time.as_millisecond()),
        |tx| {
            let missing = || automerge::AutomergeError::InvalidObjId(format!("{coll}/{id}"));
            let (_, c) = tx.get(automerge::ROOT, coll)?.ok_or_else(missing)?;
            let (_, rec) = tx.get(&c, id)?.ok_or_else(missing)?;
            let v = e["v"].as_str().unwrap_or_default();
            match kind {
                "room" => tx.put(&rec, "room_id", v)?,
                "phone" => tx.put(&rec, "phone", v)?,
                "text" => {
                    let text = match tx.get(&rec, "text")? {
                        Some((automerge::Value::Object(ObjType::Text), t)) => t,
                        _ => return Err(missing()),
                    };
                    let pos = e["pos"].as_u64().unwrap_or(0) as isize;
                    tx.splice_text(&text, pos as usize, 0, v)?;
                }
                _ => {
                    let (_, set) = tx.get(&rec, "languages")?.ok_or_else(missing)?;
                    tx.put(&set, v, true)?;
                }
            }
            tx.put(&rec, "updated_at", time.to_string())?;
            tx.put(&rec, "updated_by", author)?;
            Ok(())
        },
    )
    .map(|_| ())
    .map_err(|e| format!("{:?}", e.error))
}

impl Peer {
    fn heads(&self) -> Vec<String> {
        self.handle.with_document(|d| heads_hex(&d.get_heads()))
    }

    async fn command(&mut self, c: &Value) -> Result<Value, String> {
        match c["cmd"].as_str().unwrap_or_default() {
            "connect" => {
                let url = samod::Url::parse(str_arg(c, "url")?).map_err(|e| e.to_string())?;
                let backoff = BackoffConfig {
                    initial_delay: Duration::from_millis(50),
                    max_delay: Duration::from_secs(1),
                    max_retries: None,
                };
                let dialer = self
                    .repo
                    .dial_tcp(url, backoff)
                    .map_err(|e| format!("{e:?}"))?;
                self.dialers.push(dialer);
                Ok(json!({}))
            }
            "disconnect" => {
                for d in self.dialers.drain(..) {
                    d.close();
                }
                Ok(json!({}))
            }
            "edits" => {
                let author = str_arg(c, "author")?.to_owned();
                let edits = c["edits"].as_array().cloned().unwrap_or_default();
                let t0 = now_ms();
                self.handle.with_document(|d| {
                    for e in &edits {
                        apply_edit(d, e, &author)?;
                    }
                    Ok::<_, String>(())
                })?;
                Ok(json!({"ms": now_ms() - t0, "heads": self.heads()}))
            }
            "edit" => {
                let author = str_arg(c, "author")?.to_owned();
                let t0 = now_ms();
                self.handle
                    .with_document(|d| apply_edit(d, &c["edit"], &author))?;
                let t1 = now_ms();
                Ok(json!({"t0": t0, "t1": t1, "heads": self.heads()}))
            }
            "wait_heads" => {
                let want = bureau_client::sorted_heads(c);
                let since = c["since"].as_f64().unwrap_or(0.0);
                let limit = Duration::from_millis(c["timeout_ms"].as_u64().unwrap_or(60_000));
                let until = tokio::time::Instant::now() + limit;
                let mut equal_since: Option<tokio::time::Instant> = None;
                loop {
                    let found = self
                        .history
                        .lock()
                        .expect("history lock")
                        .iter()
                        .find(|(t, h)| *t >= since && *h == want)
                        .map(|(t, _)| *t);
                    if let Some(t) = found {
                        return Ok(json!({ "t": t }));
                    }
                    // Equal heads with no change seen after `since`: reached before it (the
                    // change stream may lag the document a little, so give it a moment).
                    if self.heads() == want {
                        let first = *equal_since.get_or_insert_with(tokio::time::Instant::now);
                        if first.elapsed() > Duration::from_millis(50) {
                            return Ok(json!({ "t": since, "already": true }));
                        }
                    }
                    if tokio::time::Instant::now() >= until {
                        return Err(format!("heads not reached within {limit:?}"));
                    }
                    tokio::time::sleep(Duration::from_micros(200)).await;
                }
            }
            "heads" => Ok(json!({ "heads": self.heads() })),
            "save" => {
                let t0 = now_ms();
                let bytes = self.handle.with_document(|d| d.save());
                let ms = now_ms() - t0;
                if let Some(p) = c["path"].as_str() {
                    std::fs::write(p, &bytes).map_err(|e| e.to_string())?;
                }
                Ok(json!({"ms": ms, "bytes": bytes.len()}))
            }
            "clear" => {
                self.history.lock().expect("history lock").clear();
                Ok(json!({}))
            }
            "stats" | "quit" => Ok(json!({})),
            other => Err(format!("unknown command {other}")),
        }
    }
}
