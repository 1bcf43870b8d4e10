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

pub(crate) async fn invite(
    data_dir: &Path,
    role: &str,
    member: Option<&str>,
    expires: &str,
) -> Result<()> {
    let expires_in = parse_duration(expires).context(Exit(2))?;
    let (http, token) = running_node(data_dir)?;
    let mut body = json!({ "role": role, "expires_in": expires_in });
    if let Some(m) = member {
        body["member_id"] = json!(m);
    }
    let answer = client::post_json(&http, "/api/invites", &token, &body)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    let code = answer["code"].as_str().unwrap_or_default();
    let link = answer["link"].as_str().unwrap_or_default();
    if let Ok(qr) = qrcode::QrCode::new(link.as_bytes()) {
        let text = qr
            .render::<qrcode::render::unicode::Dense1x2>()
            .quiet_zone(true)
            .build();
        eprintln!("{text}");
    }
    let until = answer["expires_at"].as_str().unwrap_or_default();
    match member {
        Some(m) => {
            eprintln!(
                "invite for a new device of the member {m}, as {role}, valid until {until}; on \
                 the new laptop run:"
            );
            eprintln!("  bureau join {code}");
        }
        None => {
            eprintln!("invite for a new {role}, valid until {until}; on the new laptop run:");
            eprintln!("  bureau join {code} --name \"Their Name\"");
        }
    }
    eprintln!(
        "On the same network the new laptop finds this one by the code's number. From \
         elsewhere, or where the Wi-Fi keeps laptops apart, give it the link instead: the \
         second line below, which the QR code above holds."
    );
    // Scripts read the code and the link, one a line.
    println!("{code}\n{link}");
    Ok(())
}

/// `bureau join`. A join that fails leaves the data directory as it was: what it made there
/// (the directory itself, an identity key, the token) goes again, so nothing half-made is
/// left to be started later as a bureau of its own. The exit code says what happened (see
/// [`join_exit`]).
pub(crate) async fn join(
    data_dir: &Path,
    code: &str,
    name: Option<&str>,
    peers: &[String],
) -> Result<()> {
    // The code first: one that is not a code is the input's fault, and nothing is made.
    let invite = bureau_net::JoinCode::parse(code).map_err(|e| anyhow!("{e}").context(Exit(65)))?;
    // A short code says nothing of the invite until it is proven to the inviter, so whether
    // a name is needed is known only then: the network half asks for one, and the data
    // directory is put back as it was.
    let for_member = match &invite {
        bureau_net::JoinCode::Link(link) => Some(link.member_id.is_some()),
        bureau_net::JoinCode::Short(_) => None,
    };
    let name = match (for_member, name) {
        (Some(true), Some(_)) => {
            eprintln!(
                "note: this invite was made for a member of the bureau; the device joins as \
                 that member, and --name is not used"
            );
            None
        }
        (Some(true), None) | (None, None) => None,
        // A name the inviter would refuse is refused first (a usage error): the invite stays
        // unused.
        (Some(false) | None, Some(name)) => {
            Some(bureau_net::check_join_name(name).map_err(|e| anyhow!("{e}").context(Exit(2)))?)
        }
        (Some(false), None) => {
            return Err(anyhow!(
                "this invite makes a new member of the bureau: give your name with --name \
                 \"Your Name\" (if you are already a member, ask for an invite for your \
                 member instead)"
            )
            .context(Exit(2)));
        }
    };
    let before = DirBefore::look(data_dir);
    let res = join_into(data_dir, code, name.as_deref(), peers).await;
    if res.is_err() {
        before.restore();
    }
    res
}

/// What a data directory held before a command that may fail, so that the command can put
/// it back: gone if it did not exist, without the entries it did not have otherwise.
struct DirBefore {
    dir: std::path::PathBuf,
    /// `None` when the directory did not exist.
    entries: Option<std::collections::BTreeSet<std::ffi::OsString>>,
}

impl DirBefore {
    fn look(dir: &Path) -> DirBefore {
        let entries = std::fs::read_dir(dir)
            .ok()
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.file_name())).collect());
        DirBefore {
            dir: dir.to_owned(),
            entries,
        }
    }

    /// Removes what was made since [`DirBefore::look`]. Best effort: a failure to remove is
    /// reported, and the command's own error is what the user sees first.
    fn restore(&self) {
        let res = match &self.entries {
            None => std::fs::remove_dir_all(&self.dir),
            Some(before) => std::fs::read_dir(&self.dir).and_then(|rd| {
                for entry in rd.flatten() {
                    if before.contains(&entry.file_name()) {
                        continue;
                    }
                    let path = entry.path();
                    if entry.file_type()?.is_dir() {
                        std::fs::remove_dir_all(&path)?;
                    } else {
                        std::fs::remove_file(&path)?;
                    }
                }
                Ok(())
            }),
        };
        if let Err(e) = res
            && e.kind() != std::io::ErrorKind::NotFound
        {
            eprintln!(
                "warning: could not remove what the failed join made in {}: {e}",
                self.dir.display()
            );
        }
    }
}

/// The exit code of a failed join, by what failed: 65 the code is not an invite code, or the
/// name is one the bureau cannot take; 77 the inviter refused the code (used, expired, burned, a wrong code, not
/// valid, no longer for that member); 69 the inviter could not be reached; 75 too many
/// attempts for now; 2 a name missing or malformed; 1 anything else.
fn join_exit(e: &bureau_net::NetError) -> u8 {
    use bureau_net::NetError;
    match e {
        NetError::Invite(_) => 65,
        NetError::BadName(_) | NetError::BadAddress { .. } => 2,
        NetError::Refused { reason, .. } => match reason.as_str() {
            "name" | "name_taken" => 65,
            "limit" => 75,
            "failed" => 1,
            _ => 77,
        },
        NetError::Join(_) | NetError::Transport { .. } => 69,
        _ => 1,
    }
}

async fn join_into(
    data_dir: &Path,
    code: &str,
    name: Option<&str>,
    peers: &[String],
) -> Result<()> {
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
    let joined = bureau_net::join(&opened.identity, &files, code, name, peers)
        .await
        .map_err(|e| {
            let exit = join_exit(&e);
            anyhow!("{e}").context(Exit(exit))
        })?;
    let as_whom = joined
        .member_name
        .as_deref()
        .or(name)
        .unwrap_or(joined.member_id.as_str());
    println!(
        "joined the bureau {} as {as_whom}; start this node with: bureau serve --data-dir {}",
        joined.bureau_id,
        data_dir.display()
    );
    Ok(())
}

/// `bureau merge-members ID --into ID`, through the running node's API.
pub(crate) async fn merge_members(data_dir: &Path, id: &str, into: &str) -> Result<()> {
    // A member id is one path segment: random hex as the node makes them.
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(anyhow!("{id:?} is not a member id").context(Exit(2)));
    }
    let (http, token) = running_node(data_dir)?;
    let path = format!("/api/members/{id}/merge");
    let kept = client::post_json(&http, &path, &token, &json!({ "into": into }))
        .await
        .map_err(|e| anyhow!("{e}"))?;
    println!(
        "merged the member {id} into {} ({into}); every reference to {id} now names it",
        kept["name"].as_str().unwrap_or_default()
    );
    Ok(())
}

/// `bureau doctor`: the running node's doctor (`GET /api/doctor`), a cause a paragraph.
pub(crate) async fn doctor(data_dir: &Path) -> Result<()> {
    let (http, token) = running_node(data_dir)?;
    let answer = client::get_json(&http, "/api/doctor", &token)
        .await
        .map_err(|e| anyhow!("{e}").context(Exit(69)))?;
    let lines = answer["lines"].as_array().cloned().unwrap_or_default();
    if lines.is_empty() {
        println!("Nothing that this node can see stands in the way of syncing.");
        return Ok(());
    }
    for l in lines {
        println!("- {}", l["says"].as_str().unwrap_or_default());
        println!("  {}", l["next"].as_str().unwrap_or_default());
    }
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
