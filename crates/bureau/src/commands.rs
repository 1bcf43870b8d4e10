//! The short-lived commands: `init` and `join` set up a data directory (holding its lock, so
//! no node runs on it meanwhile); `invite` and `status` ask the node running on it, found
//! through `runtime.json` and the api-token.
//!
//! Invariant: `init` and `join` never put a bureau in a directory that holds one or held one
//! (its marker), so no bureau is buried under another.

use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use bureau_doc::DocHandle;
use bureau_store::Store;
use serde_json::json;

use crate::client;
use crate::data_dir::{
    HOST_LABEL_FILE, MARKER_FILE, create_bureau, doc_config, open_dir, read_marker, running_node,
};
use crate::run::Exit;

pub(crate) async fn init(data_dir: &Path, name: &str, title: &str, timezone: &str) -> Result<()> {
    let opened = open_dir(data_dir)?;
    let marker = read_marker(&opened.store)?;
    let files = opened.store.files();
    let peer_id = opened.identity.peer_id();
    let (doc, thread) = DocHandle::open(opened.store, doc_config(peer_id.clone())).await?;
    if !doc.state().snapshot.meta.bureau_id.is_empty() {
        bail!(
            "{} already holds the bureau {:?}; use another --data-dir for a new one",
            data_dir.display(),
            doc.state().snapshot.meta.title
        );
    }
    if let Some(m) = marker {
        bail!(
            "{} held the bureau {m}, whose document could not be loaded; use another \
             --data-dir for a new one, or take it back with `bureau serve --recover`",
            data_dir.display()
        );
    }
    create_bureau(&doc, &opened.identity, name, title, timezone).await?;
    let bureau_id = doc.state().snapshot.meta.bureau_id.clone();
    files.write_file(MARKER_FILE, bureau_id.as_bytes(), 0o600)?;
    drop(doc);
    let _ = thread.join();
    println!(
        "created the bureau {title:?} ({bureau_id}) in {}",
        data_dir.display()
    );
    println!(
        "this device is {peer_id}; start it with: bureau serve --data-dir {}",
        data_dir.display()
    );
    Ok(())
}

/// Parses `90`, `90s`, `30m`, `24h`, `7d` into seconds.
fn parse_duration(s: &str) -> Result<u64> {
    let s = s.trim();
    let (num, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| anyhow!("--expires {s:?}: expected a number with s, m, h or d, like 24h"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => bail!("--expires {s:?}: the unit must be s, m, h or d"),
    };
    Ok(n * mult)
}

pub(crate) async fn invite(data_dir: &Path, role: &str, expires: &str) -> Result<()> {
    let expires_in = parse_duration(expires).context(Exit(2))?;
    let (http, token) = running_node(data_dir)?;
    let body = json!({ "role": role, "expires_in": expires_in });
    let answer = client::post_json(&http, "/api/invites", &token, &body)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let code = answer["code"].as_str().unwrap_or_default();
    if let Ok(qr) = qrcode::QrCode::new(code.as_bytes()) {
        let text = qr
            .render::<qrcode::render::unicode::Dense1x2>()
            .quiet_zone(true)
            .build();
        eprintln!("{text}");
    }
    eprintln!(
        "invite for a new {role}, valid until {}; on the new laptop run:",
        answer["expires_at"].as_str().unwrap_or_default()
    );
    eprintln!("  bureau join <code> --name \"Their Name\"");
    println!("{code}");
    Ok(())
}

pub(crate) async fn join(data_dir: &Path, code: &str, name: &str) -> Result<()> {
    // A name the inviter would refuse is refused first (a usage error): the invite stays unused.
    let name = &bureau_net::check_join_name(name).map_err(|e| anyhow!("{e}").context(Exit(2)))?;
    let opened = open_dir(data_dir)?;
    let files = opened.store.files();
    if let Some(m) = read_marker(&opened.store)? {
        bail!(
            "{} held the bureau {m}; joining another bureau there would bury it. Take it back \
             with `bureau serve --recover`, or use another --data-dir to join a different one",
            data_dir.display()
        );
    }
    // A data directory that already holds a bureau is a member already.
    let peer_id = opened.identity.peer_id();
    let (doc, thread) = DocHandle::open(opened.store, doc_config(peer_id)).await?;
    let existing = doc.state().snapshot.meta.title.clone();
    drop(doc);
    let _ = tokio::task::spawn_blocking(move || thread.join()).await;
    if !existing.is_empty() {
        bail!(
            "{} already holds the bureau {existing:?}; use another --data-dir to join a different one",
            data_dir.display()
        );
    }
    // Hold the directory's lock while joining, so no node starts on it half-way.
    let _lock = Store::open(data_dir).map_err(|e| anyhow!(e).context(Exit(75)))?;
    let joined = bureau_net::join(&opened.identity, &files, code, name)
        .await
        .map_err(|e| anyhow!("{e}").context(Exit(69)))?;
    println!(
        "joined the bureau {} as {name}; start this node with: bureau serve --data-dir {}",
        joined.bureau_id,
        data_dir.display()
    );
    Ok(())
}

pub(crate) async fn status(data_dir: &Path, as_json: bool) -> Result<()> {
    let (http, token) = running_node(data_dir)?;
    let status = client::get_json(&http, "/api/status", &token)
        .await
        .map_err(|e| anyhow!("{e}").context(Exit(69)))?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&status)?);
        return Ok(());
    }
    println!(
        "bureau:      {} ({})",
        status["title"].as_str().unwrap_or(""),
        status["bureau_id"].as_str().unwrap_or("")
    );
    println!("this device: {}", status["peer_id"].as_str().unwrap_or(""));
    match std::fs::read_to_string(data_dir.join(HOST_LABEL_FILE)) {
        Ok(label) if bureau_web::is_host_label(label.trim_end()) => {
            let port = http.rsplit(':').next().unwrap_or_default();
            println!(
                "web UI:      http://{}.localhost:{port}/?token={token}",
                label.trim_end()
            );
            println!("             (or http://{http}/?token={token})");
        }
        _ => println!("web UI:      http://{http}/?token={token}"),
    }
    println!(
        "document:    {} heads, {} findings, {} conflicts",
        status["heads"].as_array().map_or(0, Vec::len),
        status["findings"],
        status["conflicts"]
    );
    if status["paused"].as_bool() == Some(true) {
        println!("sync:        paused (resume with POST /api/sync/resume)");
    }
    for addr in status["listen"].as_array().cloned().unwrap_or_default() {
        println!("listening:   {}", addr.as_str().unwrap_or_default());
    }
    let peers = status["peers"].as_array().cloned().unwrap_or_default();
    if peers.is_empty() {
        println!("peers:       none");
    }
    for p in peers {
        let s = |k: &str| p[k].as_str().unwrap_or("-").to_owned();
        println!(
            "peer:        {} {} {}{}, last sync {}, via {} ({})",
            s("peer_id"),
            s("name"),
            if p["connected"].as_bool() == Some(true) {
                "connected"
            } else {
                "offline"
            },
            if p["in_sync"].as_bool() == Some(true) {
                ", in sync"
            } else {
                ""
            },
            s("last_sync"),
            s("addr"),
            s("source"),
        );
    }
    if let Some(q) = status["quarantined"].as_array().filter(|q| !q.is_empty()) {
        println!(
            "quarantined: {} file(s) in {}",
            q.len(),
            data_dir.join("quarantine").display()
        );
    }
    Ok(())
}
