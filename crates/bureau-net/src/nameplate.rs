//! `/bureau/nameplate/1`: which node holds the invite with a short code's nameplate, so that a
//! joiner who reaches only the bureau's hub finds its inviter behind a NAT.
//!
//! The joiner asks a node it reached; every node answers for its own invites (open, used,
//! expired or burned: the exchange that follows says which), and a hub asked by a stranger
//! also asks each device connected to it and answers with the first that holds one. The
//! answer is a peer id and nothing else. The joiner then dials that peer through the hub's
//! circuit (`swarm.rs`) and proves the code to it on `/bureau/join-code/1` with Noise end to
//! end, so the hub passes bytes it cannot read: it learns neither the password nor the link,
//! and a hub that lied about the holder only sends the joiner to a node that cannot prove the
//! code (`code.rs`).
//!
//! **Costs.** A device asked only looks its invites up. A hub asks its devices at most once
//! per request of a stranger, and a stranger's requests go through the join limiter; devices
//! never ask on, so two hubs cannot ask each other in a loop.
//!
//! Frames are `/bureau/join/1`'s: a big-endian `u32` length and JSON, capped.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use libp2p::{PeerId, StreamProtocol};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tracing::{debug, info};

use crate::NetError;
use crate::invite::{InviteBook, Lookup};
use crate::join::{Admit, RateLimiter, read_json, write_json};
use crate::stream::guard;

/// The protocol name.
pub(crate) const NAMEPLATE_PROTOCOL: &str = "/bureau/nameplate/1";

/// How long a side waits for the other's frame, and a hub for each device it asks.
const STEP_TIMEOUT: Duration = Duration::from_secs(5);

/// The question.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Ask {
    pub(crate) nameplate: u32,
}

/// The answer: the holder's peer id, or none known here.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Holder {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) peer_id: Option<String>,
    /// Why there is no answer (`limit`), for a joiner to say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// Who a node asks on a stranger's behalf: a hub's connected devices (the asker aside), with
/// the control that opens streams to them. `None` on any other node.
pub(crate) struct Probe {
    pub(crate) control: libp2p_stream::Control,
    pub(crate) devices: Vec<PeerId>,
}

/// The answering side: this node's own invite with the nameplate, else (a hub, for a
/// stranger) the first of `probe`'s devices that holds one.
pub(crate) async fn serve_nameplate<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    peer: &str,
    local: &str,
    addr: Option<IpAddr>,
    book: &Arc<Mutex<InviteBook>>,
    limiter: &Arc<Mutex<RateLimiter>>,
    probe: Option<Probe>,
) -> Result<Option<String>, NetError> {
    if probe.is_some() {
        let admit = limiter
            .lock()
            .expect("the rate limiter lock is never poisoned")
            .admit(peer, addr, Instant::now());
        if admit == Admit::No {
            let _ = write_json(
                stream,
                &Holder {
                    error: Some("too many attempts; wait a minute".to_owned()),
                    ..Holder::default()
                },
            )
            .await;
            return Err(NetError::Join(format!(
                "nameplate requests from {peer} are over the limit"
            )));
        }
    }
    let ask: Ask = tokio::time::timeout(STEP_TIMEOUT, read_json(stream))
        .await
        .map_err(|_| NetError::Join("the joiner sent nothing in time".to_owned()))??;
    let now = jiff::Timestamp::now().as_second();
    let mine = book
        .lock()
        .expect("the invite book lock is never poisoned")
        .lookup(ask.nameplate, now)
        != Lookup::Unknown;
    let holder = if mine {
        Some(local.to_owned())
    } else if let Some(probe) = probe {
        let found = ask_devices(probe, ask.nameplate).await;
        if let Some(found) = &found {
            info!(joiner = %peer, holder = %found, nameplate = ask.nameplate,
                "a joiner found its inviter through this hub");
        }
        found.map(|p| p.to_base58())
    } else {
        None
    };
    write_json(
        stream,
        &Holder {
            peer_id: holder.clone(),
            error: None,
        },
    )
    .await
    .map_err(|e| NetError::Join(e.to_string()))?;
    Ok(holder)
}

/// Asks every device of `probe` at once; the first that holds the nameplate.
async fn ask_devices(probe: Probe, nameplate: u32) -> Option<PeerId> {
    let mut asks: FuturesUnordered<_> = probe
        .devices
        .into_iter()
        .map(|device| {
            let mut control = probe.control.clone();
            async move {
                let asked = tokio::time::timeout(STEP_TIMEOUT, async {
                    let stream = control
                        .open_stream(device, StreamProtocol::new(NAMEPLATE_PROTOCOL))
                        .await
                        .map_err(|e| NetError::Join(e.to_string()))?;
                    let mut stream = guard(stream);
                    let holder = ask_holder(&mut stream, nameplate).await;
                    let _ = AsyncWriteExt::shutdown(&mut stream).await;
                    holder
                })
                .await;
                match asked {
                    // A device answers for itself only: another peer id is not believed.
                    Ok(Ok(Some(p))) if p == device => Some(device),
                    Ok(Ok(_)) => None,
                    Ok(Err(e)) => {
                        debug!(%device, error = %e, "asking a device for a nameplate failed");
                        None
                    }
                    Err(_) => {
                        debug!(%device, "a device did not answer for a nameplate in time");
                        None
                    }
                }
            }
        })
        .collect();
    while let Some(found) = asks.next().await {
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The asking side over `stream`: the holder's peer id, if the node knows one.
pub(crate) async fn ask_holder<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    nameplate: u32,
) -> Result<Option<PeerId>, NetError> {
    write_json(stream, &Ask { nameplate })
        .await
        .map_err(|e| NetError::Join(e.to_string()))?;
    let holder: Holder = tokio::time::timeout(STEP_TIMEOUT, read_json(stream))
        .await
        .map_err(|_| NetError::Join("the node did not answer in time".to_owned()))??;
    if let Some(error) = holder.error {
        return Err(NetError::Join(error));
    }
    Ok(holder.peer_id.and_then(|p| p.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::tests::book_with_invite;

    /// Asks `nameplate` over an in-memory pipe of a node (`local`) with `book`.
    async fn asked(book: &Arc<Mutex<InviteBook>>, nameplate: u32) -> Option<PeerId> {
        let (mut ours, mut theirs) = tokio::io::duplex(4096);
        let limiter = Arc::new(Mutex::new(RateLimiter::default()));
        let local = crate::Identity::generate().peer_id();
        let (served, holder) = tokio::join!(
            serve_nameplate(&mut theirs, "joiner", &local, None, book, &limiter, None),
            ask_holder(&mut ours, nameplate),
        );
        let holder = holder.expect("an answer");
        assert_eq!(served.expect("answered"), holder.map(|p| p.to_base58()));
        assert!(holder.is_none_or(|p| p.to_base58() == local), "{holder:?}");
        holder
    }

    /// A node names itself for a nameplate of its own, open or used (the exchange that
    /// follows says which), and no one for another.
    #[tokio::test]
    async fn a_node_answers_for_its_own_nameplates_only() {
        let (book, code, _dir, _inviter) = book_with_invite();
        assert!(asked(&book, code.nameplate).await.is_some());
        let other = if code.nameplate == 9999 {
            1
        } else {
            code.nameplate + 1
        };
        assert!(asked(&book, other).await.is_none());
        book.lock()
            .unwrap()
            .mark_used("0123456789abcdef0123456789abcdef", "someone")
            .expect("marked used");
        assert!(asked(&book, code.nameplate).await.is_some());
    }
}
