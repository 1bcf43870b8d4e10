//! `/bureau/join-code/1`: a short invite code (`7-orbit-lantern`) turned into its link.
//!
//! The joiner names the nameplate and both sides run SPAKE2 (the `spake2` crate, Ed25519
//! group) on the code as the password, with both peer ids as the identities: the joiner's as
//! the inviter's transport authenticated it, the inviter's as the joiner dialled it. Then the
//! joiner proves it holds the key, the inviter counts a wrong proof against the invite
//! ([`MAX_WRONG`] burn it), and a right one gets the inviter's own proof and the invite's link,
//! with which the joiner goes on to `/bureau/join/1` as if it had been given the link.
//!
//! Why this holds:
//!
//! - **Guesses are online.** Neither SPAKE2 message says anything about the password to a
//!   listener, and a joiner that guessed learns only whether that one guess was right. So each
//!   guess costs an exchange the inviter counts, and the code's 16 bits are enough.
//! - **No one in between.** The identities are peer ids that Noise authenticated on each hop,
//!   so a node relaying the exchange between a joiner and the inviter makes the two sides
//!   compute different keys: its relaying is a wrong guess, never a link. A bureau's hub
//!   carries the exchange differently: as a libp2p circuit with Noise inside it, end to end,
//!   so the peer ids are still the two sides' own and the hub reads nothing
//!   ([`crate::nameplate`] finds the holder; [`find_link`] dials it through the hub).
//! - **The joiner checks the inviter too.** A node that answers for a nameplate without the
//!   password cannot give the inviter's proof, so the joiner never takes a link (and with it a
//!   bureau) from a node that merely claimed the nameplate.
//! - **Nothing else is spent.** A nameplate that no open invite of this node has is answered
//!   `unknown` before any password is tried, so a joiner that asks every node on a network
//!   costs the others nothing.
//!
//! Frames are `/bureau/join/1`'s: a big-endian `u32` length and JSON, capped.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use std::collections::HashSet;

use futures_util::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::SwarmEvent;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::{Multiaddr, PeerId, StreamProtocol, mdns};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use spake2::{Ed25519Group, Identity as PakeId, Password, Spake2};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tracing::{debug, info, warn};

use crate::addr::split_p2p;
use crate::invite::{InviteBook, InviteCode, Lookup, MAX_WRONG, ShortCode};
use crate::join::{Admit, RateLimiter, read_json, write_json};
use crate::nameplate::{NAMEPLATE_PROTOCOL, ask_holder};
use crate::stream::guard;
use crate::swarm::{BehaviourEvent, build_swarm};
use crate::{Identity, NetError};

/// The protocol name.
pub const CODE_PROTOCOL: &str = "/bureau/join-code/1";

/// How long each side waits for the other's next frame.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the joiner looks for the node with its code's nameplate.
const FIND_TIMEOUT: Duration = Duration::from_secs(20);

/// How long a refused joiner gets to read its answer before its connection is dropped.
const LINGER: Duration = Duration::from_secs(5);

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Hello {
    pub(crate) nameplate: u32,
    /// The joiner's SPAKE2 message, base64url.
    pub(crate) pake: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Reply {
    pub(crate) ok: bool,
    /// The inviter's SPAKE2 message, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pake: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Confirm {
    /// The joiner's proof of the key, base64url.
    pub(crate) confirm: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Outcome {
    pub(crate) ok: bool,
    /// The inviter's proof of the key, base64url.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) confirm: Option<String>,
    /// The invite's link (`bureau1-...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

/// A side's proof that it holds `key`: a hash of the key and the side's name, so neither
/// proof can be sent back as the other.
fn proof(key: &[u8], side: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"bureau join-code proof ");
    h.update(side.as_bytes());
    h.update(key);
    crate::invite::b64_encode(&h.finalize())
}

fn password(code: &ShortCode) -> Password {
    Password::new(code.to_string().as_bytes())
}

fn refusal(reason: &str, error: &str) -> Reply {
    Reply {
        reason: Some(reason.to_owned()),
        error: Some(error.to_owned()),
        ..Reply::default()
    }
}

fn closed_message(reason: &str) -> &'static str {
    match reason {
        "used" => "this invite was already used; ask for a new one",
        "expired" => "this invite has expired; ask for a new one",
        _ => "this invite was burned after wrong guesses of its code; ask for a new one",
    }
}

/// The inviter's side of one exchange with `peer` (this node is `local`). Returns whether
/// the joiner got the link.
pub(crate) async fn serve_code<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    peer: &str,
    local: &str,
    addr: Option<IpAddr>,
    book: &Arc<Mutex<InviteBook>>,
    limiter: &Arc<Mutex<RateLimiter>>,
) -> Result<(), NetError> {
    let admit = limiter
        .lock()
        .expect("the rate limiter lock is never poisoned")
        .admit(peer, addr, Instant::now());
    if admit == Admit::No {
        let _ = write_json(
            stream,
            &refusal("limit", "too many attempts; wait a minute"),
        )
        .await;
        return Err(NetError::Join(format!(
            "invite code attempts from {peer} are over the limit"
        )));
    }
    let hello: Hello = tokio::time::timeout(STEP_TIMEOUT, read_json(stream))
        .await
        .map_err(|_| NetError::Join("the joiner sent nothing in time".to_owned()))??;
    let now = jiff::Timestamp::now().as_second();
    let lookup = book
        .lock()
        .expect("the invite book lock is never poisoned")
        .lookup(hello.nameplate, now);
    let (secret, password_words) = match lookup {
        Lookup::Open { secret, password } => (secret, password),
        Lookup::Closed(reason) => {
            let _ = write_json(stream, &refusal(reason, closed_message(reason))).await;
            return Err(NetError::Join(closed_message(reason).to_owned()));
        }
        Lookup::Unknown => {
            let msg = format!("no open invite here has the number {}", hello.nameplate);
            let _ = write_json(stream, &refusal("unknown", &msg)).await;
            return Err(NetError::Join(msg));
        }
    };
    let code = ShortCode {
        nameplate: hello.nameplate,
        password: password_words,
    };
    let (pake, ours) = Spake2::<Ed25519Group>::start_b(
        &password(&code),
        &PakeId::new(peer.as_bytes()),
        &PakeId::new(local.as_bytes()),
    );
    let theirs = crate::invite::b64_decode(&hello.pake).unwrap_or_default();
    let key = match pake.finish(&theirs) {
        Ok(key) => key,
        Err(e) => {
            // Not a guess at the password: a message no SPAKE2 joiner makes.
            let msg = format!("the joiner's key exchange message is malformed ({e})");
            let _ = write_json(stream, &refusal("malformed", &msg)).await;
            return Err(NetError::Join(msg));
        }
    };
    write_json(
        stream,
        &Reply {
            ok: true,
            pake: Some(crate::invite::b64_encode(&ours)),
            ..Reply::default()
        },
    )
    .await
    .map_err(|e| NetError::Join(e.to_string()))?;
    let confirm: Confirm = tokio::time::timeout(STEP_TIMEOUT, read_json(stream))
        .await
        .map_err(|_| NetError::Join("the joiner sent no proof in time".to_owned()))??;
    if confirm.confirm != proof(&key, "joiner") {
        let wrong = book
            .lock()
            .expect("the invite book lock is never poisoned")
            .wrong_guess(&secret)?;
        let (reason, msg) = if wrong.burned {
            warn!(
                %peer, ?addr, nameplate = code.nameplate,
                "an invite code was guessed wrong {MAX_WRONG} times and is burned; make a new invite"
            );
            (
                "burned",
                "the code is wrong, and that was the last try: the invite is burned; ask for a \
                 new one"
                    .to_owned(),
            )
        } else {
            warn!(
                %peer, ?addr, nameplate = code.nameplate, wrong = wrong.wrong,
                "a wrong invite code was tried"
            );
            (
                "wrong",
                format!(
                    "the code is wrong; check it and try again ({} more wrong tries burn the invite)",
                    MAX_WRONG.saturating_sub(wrong.wrong)
                ),
            )
        };
        let _ = write_json(
            stream,
            &Outcome {
                reason: Some(reason.to_owned()),
                error: Some(msg.clone()),
                ..Outcome::default()
            },
        )
        .await;
        return Err(NetError::Join(msg));
    }
    let link = book
        .lock()
        .expect("the invite book lock is never poisoned")
        .link(&secret)
        .ok_or_else(|| NetError::Join("the invite has no link".to_owned()))?;
    write_json(
        stream,
        &Outcome {
            ok: true,
            confirm: Some(proof(&key, "inviter")),
            link: Some(link),
            ..Outcome::default()
        },
    )
    .await
    .map_err(|e| NetError::Join(e.to_string()))?;
    info!(%peer, nameplate = code.nameplate, "an invite code was proven; the joiner has its link");
    Ok(())
}

/// The inviter's side as the event loop runs it, on a task of its own: [`serve_code`], then a
/// few seconds for the joiner to read a refusal before its connection may be dropped.
pub(crate) async fn answer_code(
    stream: libp2p::Stream,
    peer: PeerId,
    local: PeerId,
    addr: Option<IpAddr>,
    book: &Arc<Mutex<InviteBook>>,
    limiter: &Arc<Mutex<RateLimiter>>,
) {
    let mut stream = guard(stream);
    let res = serve_code(
        &mut stream,
        &peer.to_base58(),
        &local.to_base58(),
        addr,
        book,
        limiter,
    )
    .await;
    let _ = AsyncWriteExt::shutdown(&mut stream).await;
    // The joiner closes its side once it has read the answer (or goes on to join on a
    // connection of its own): wait for that, a few seconds at most.
    let _ = tokio::time::timeout(LINGER, async {
        let mut buf = [0u8; 256];
        while let Ok(n) = AsyncReadExt::read(&mut stream, &mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
    if let Err(e) = res {
        debug!(%peer, error = %e, "invite code exchange ended without a link");
    }
}

/// What asking one node for a nameplate gave.
#[derive(Debug)]
pub(crate) enum Asked {
    /// The password was proven both ways: the invite's link.
    Link(InviteCode),
    /// That node has no open invite with this nameplate: ask the next one.
    NotHere,
    /// The node refused: `reason` and its sentence (`wrong`, `burned`, `used`, ...).
    Refused { reason: String, message: String },
}

/// The joiner's side of one exchange with `inviter` (this node is `local`) over `stream`.
pub(crate) async fn ask<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    code: &ShortCode,
    local: &str,
    inviter: &str,
) -> Result<Asked, NetError> {
    let (pake, ours) = Spake2::<Ed25519Group>::start_a(
        &password(code),
        &PakeId::new(local.as_bytes()),
        &PakeId::new(inviter.as_bytes()),
    );
    write_json(
        stream,
        &Hello {
            nameplate: code.nameplate,
            pake: crate::invite::b64_encode(&ours),
        },
    )
    .await
    .map_err(|e| NetError::Join(e.to_string()))?;
    let reply: Reply = tokio::time::timeout(STEP_TIMEOUT, read_json(stream))
        .await
        .map_err(|_| NetError::Join("the inviting node did not answer in time".to_owned()))??;
    if !reply.ok {
        let reason = reply.reason.unwrap_or_else(|| "refused".to_owned());
        if reason == "unknown" {
            return Ok(Asked::NotHere);
        }
        return Ok(Asked::Refused {
            message: reply
                .error
                .unwrap_or_else(|| "the code was refused".to_owned()),
            reason,
        });
    }
    let theirs = reply
        .pake
        .as_deref()
        .and_then(crate::invite::b64_decode)
        .unwrap_or_default();
    let key = pake.finish(&theirs).map_err(|e| {
        NetError::Join(format!(
            "the inviting node's key exchange message is malformed ({e})"
        ))
    })?;
    write_json(
        stream,
        &Confirm {
            confirm: proof(&key, "joiner"),
        },
    )
    .await
    .map_err(|e| NetError::Join(e.to_string()))?;
    let outcome: Outcome = tokio::time::timeout(STEP_TIMEOUT, read_json(stream))
        .await
        .map_err(|_| NetError::Join("the inviting node did not answer in time".to_owned()))??;
    if !outcome.ok {
        return Ok(Asked::Refused {
            reason: outcome.reason.unwrap_or_else(|| "refused".to_owned()),
            message: outcome
                .error
                .unwrap_or_else(|| "the code was refused".to_owned()),
        });
    }
    if outcome.confirm.as_deref() != Some(proof(&key, "inviter").as_str()) {
        return Err(NetError::Join(
            "the node that answered for this code could not prove it knows it, so it is not \
             the inviter; nothing was taken from it"
                .to_owned(),
        ));
    }
    let link = InviteCode::decode(outcome.link.as_deref().unwrap_or_default())?;
    if link.peer_id != inviter {
        return Err(NetError::Join(
            "the inviting node handed over an invite of another node; ask for a new one".to_owned(),
        ));
    }
    Ok(Asked::Link(link))
}

/// Asks `peer` (reached at `addr`) which node holds `code`'s nameplate; a hub names one of
/// its devices, to be dialled through the hub: that device and the circuit address.
async fn circuit_to_holder(
    control: &mut libp2p_stream::Control,
    peer: PeerId,
    addr: &Multiaddr,
    code: &ShortCode,
) -> Option<(PeerId, Multiaddr)> {
    if addr.iter().any(|p| p == Protocol::P2pCircuit) {
        return None;
    }
    let stream = control
        .open_stream(peer, StreamProtocol::new(NAMEPLATE_PROTOCOL))
        .await
        .ok()?;
    let mut stream = guard(stream);
    let holder = ask_holder(&mut stream, code.nameplate).await;
    let _ = AsyncWriteExt::shutdown(&mut stream).await;
    let holder = match holder {
        Ok(Some(holder)) if holder != peer => holder,
        Ok(_) => return None,
        Err(e) => {
            // A node of an earlier release speaks no nameplate protocol.
            debug!(%peer, error = %e, "asking this node for the nameplate's holder failed");
            return None;
        }
    };
    let (base, _) = split_p2p(addr);
    Some((
        holder,
        base.with(Protocol::P2p(peer)).with(Protocol::P2pCircuit),
    ))
}

/// The joiner's side: finds the node whose open invite has `code`'s nameplate, at `peers`
/// or (with none given) among the nodes mDNS finds on this network, and proves the code to
/// it. Returns the invite's link, with the address the inviter was found at first.
pub(crate) async fn find_link(
    identity: &Identity,
    code: &ShortCode,
    peers: &[Multiaddr],
) -> Result<InviteCode, NetError> {
    let mut swarm = build_swarm(identity, peers.is_empty(), None)?;
    let mut control = swarm.behaviour().stream.new_control();
    for a in peers {
        swarm
            .dial(DialOpts::unknown_peer_id().address(a.clone()).build())
            .map_err(|e| NetError::Join(format!("cannot dial {a}: {e}")))?;
    }
    // The swarm runs on a task of its own and hands over each node it connects to; mDNS
    // finds are dialled once each, and circuits through a hub when the search asks for them.
    let (found_tx, mut found) = tokio::sync::mpsc::unbounded_channel::<(PeerId, Multiaddr)>();
    let (dial_tx, mut dial_rx) = tokio::sync::mpsc::unbounded_channel::<(PeerId, Multiaddr)>();
    let driver = tokio::spawn(async move {
        let mut dialled = HashSet::new();
        loop {
            let ev = tokio::select! {
                ev = swarm.select_next_some() => ev,
                Some((peer, circuit)) = dial_rx.recv() => {
                    if let Err(e) = swarm.dial(DialOpts::peer_id(peer).addresses(vec![circuit]).build()) {
                        debug!(%peer, error = %e, "cannot dial through the hub");
                    }
                    continue;
                }
            };
            match ev {
                SwarmEvent::ConnectionEstablished {
                    peer_id, endpoint, ..
                } => {
                    let _ = found_tx.send((peer_id, endpoint.get_remote_address().clone()));
                }
                SwarmEvent::Behaviour(BehaviourEvent::Mdns(mdns::Event::Discovered(list))) => {
                    for (peer, addr) in list {
                        if dialled.insert(peer) {
                            let _ =
                                swarm.dial(DialOpts::peer_id(peer).addresses(vec![addr]).build());
                        }
                    }
                }
                SwarmEvent::OutgoingConnectionError { error, .. } => {
                    debug!(error = %error, "dialling a node that may hold the invite failed");
                }
                _ => {}
            }
        }
    });
    let local = identity.peer_id();
    let search = async {
        let mut asked = HashSet::new();
        while let Some((peer, addr)) = found.recv().await {
            if !asked.insert(peer) {
                continue;
            }
            let stream = match control
                .open_stream(peer, StreamProtocol::new(CODE_PROTOCOL))
                .await
            {
                Ok(s) => s,
                Err(e) => {
                    debug!(%peer, error = %e, "cannot ask this node for the invite");
                    continue;
                }
            };
            let mut stream = guard(stream);
            let res = ask(&mut stream, code, &local, &peer.to_base58()).await;
            let _ = AsyncWriteExt::shutdown(&mut stream).await;
            match res {
                Ok(Asked::Link(mut link)) => {
                    let addr = addr.to_string();
                    link.addrs.retain(|a| *a != addr);
                    link.addrs.insert(0, addr);
                    return Ok(link);
                }
                Ok(Asked::NotHere) => {
                    // A hub knows which of its devices holds the nameplate: reach that one
                    // through the hub's circuit, where the code is proven to it end to end.
                    if let Some(circuit) = circuit_to_holder(&mut control, peer, &addr, code).await
                        && !asked.contains(&circuit.0)
                    {
                        debug!(hub = %peer, holder = %circuit.0, "dialling the invite's holder through the hub");
                        let _ = dial_tx.send(circuit);
                    }
                }
                Ok(Asked::Refused { reason, message }) => {
                    return Err(NetError::Refused { reason, message });
                }
                // A node of the earlier release speaks no join-code protocol: the stream
                // fails on its first read. Ask the next.
                Err(e) => debug!(%peer, error = %e, "asking this node for the invite failed"),
            }
        }
        Err(NetError::Join("the network stopped".to_owned()))
    };
    let res = tokio::time::timeout(FIND_TIMEOUT, search).await;
    driver.abort();
    res.unwrap_or_else(|_| {
        let n = code.nameplate;
        Err(NetError::Join(if peers.is_empty() {
            format!(
                "found no node on this network with an open invite numbered {n}; is the \
                 inviting laptop running and on the same network? Where the network hides \
                 laptops from each other, join with the invite's link (its QR code) or give \
                 the inviter's address with --peer"
            )
        } else {
            let at: Vec<String> = peers.iter().map(ToString::to_string).collect();
            format!(
                "no node at {} has an open invite numbered {n}; check the address and that \
                 the inviting node is running",
                at.join(", ")
            )
        }))
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::{Arc, Mutex};

    use bureau_model::Role;

    use super::*;
    use crate::invite::Grant;

    pub(crate) fn book_with_invite()
    -> (Arc<Mutex<InviteBook>>, ShortCode, tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let store = bureau_store::Store::open(dir.path()).unwrap();
        let mut book = InviteBook::load(store.files());
        let inviter = crate::Identity::generate().peer_id();
        let link = InviteCode {
            bureau_id: "b".repeat(32),
            peer_id: inviter.clone(),
            addrs: vec!["/ip4/127.0.0.1/tcp/4001".to_owned()],
            secret: "0123456789abcdef0123456789abcdef".to_owned(),
            role: "editor".to_owned(),
            expires_at: i64::MAX / 4,
            member_id: None,
            hubs: Vec::new(),
        };
        let now = jiff::Timestamp::now().as_second();
        let code = book
            .add(
                &link.secret,
                &Grant {
                    role: Role::Editor,
                    member_id: None,
                },
                i64::MAX / 4,
                now,
                &link.encode(),
            )
            .unwrap();
        (Arc::new(Mutex::new(book)), code, dir, inviter)
    }

    /// Runs one exchange over an in-memory pipe: the joiner typed `typed`.
    async fn exchange(
        book: &Arc<Mutex<InviteBook>>,
        inviter: &str,
        joiner: &str,
        typed: &ShortCode,
    ) -> Result<Asked, NetError> {
        let (mut a, mut b) = tokio::io::duplex(64 * 1024);
        let limiter = Arc::new(Mutex::new(RateLimiter::default()));
        let (book, inviter_id, joiner_id) = (book.clone(), inviter.to_owned(), joiner.to_owned());
        let server = tokio::spawn(async move {
            serve_code(&mut b, &joiner_id, &inviter_id, None, &book, &limiter).await
        });
        let asked = ask(&mut a, typed, joiner, inviter).await;
        let _ = server.await.unwrap();
        asked
    }

    #[tokio::test]
    async fn the_right_code_gets_the_link_and_wrong_ones_burn_the_invite() {
        let (book, code, _dir, inviter) = book_with_invite();
        let joiner = crate::Identity::generate().peer_id();
        match exchange(&book, &inviter, &joiner, &code).await.unwrap() {
            Asked::Link(link) => assert_eq!(link.peer_id, inviter),
            other => panic!("{other:?}"),
        }
        // The same nameplate with other words: wrong, wrong, then burned.
        let other_words = if code.password == "acorn-acorn" {
            "actor-actor"
        } else {
            "acorn-acorn"
        };
        let wrong = ShortCode {
            nameplate: code.nameplate,
            password: other_words.to_owned(),
        };
        for (i, want) in ["wrong", "wrong", "burned"].into_iter().enumerate() {
            match exchange(&book, &inviter, &joiner, &wrong).await.unwrap() {
                Asked::Refused { reason, message } => {
                    assert_eq!(reason, want, "try {i}: {message}");
                }
                other => panic!("try {i}: {other:?}"),
            }
        }
        // Burned: even the right code gets nothing now, and the link's secret is refused.
        match exchange(&book, &inviter, &joiner, &code).await.unwrap() {
            Asked::Refused { reason, .. } => assert_eq!(reason, "burned"),
            other => panic!("{other:?}"),
        }
        let list = book.lock().unwrap().list(0);
        assert_eq!(list[0].state, "burned");
        assert_eq!(list[0].wrong, MAX_WRONG);
        // Another nameplate is somebody else's business: not a guess at this one.
        let elsewhere = ShortCode {
            nameplate: code.nameplate % 999 + 1,
            password: code.password.clone(),
        };
        assert!(matches!(
            exchange(&book, &inviter, &joiner, &elsewhere)
                .await
                .unwrap(),
            Asked::NotHere
        ));
    }

    #[tokio::test]
    async fn a_relay_in_between_gets_nothing_and_counts_as_a_wrong_guess() {
        // The inviter sees the relay's peer id; the joiner believes it talks to the inviter.
        // Their identities differ, so the keys do, whatever is passed on.
        let (book, code, _dir, inviter) = book_with_invite();
        let joiner = crate::Identity::generate().peer_id();
        let relay = crate::Identity::generate().peer_id();
        let (mut a, mut b) = tokio::io::duplex(64 * 1024);
        let limiter = Arc::new(Mutex::new(RateLimiter::default()));
        let (book2, inviter2, relay2) = (book.clone(), inviter.clone(), relay.clone());
        let server = tokio::spawn(async move {
            serve_code(&mut b, &relay2, &inviter2, None, &book2, &limiter).await
        });
        let asked = ask(&mut a, &code, &joiner, &inviter).await.unwrap();
        assert!(
            matches!(&asked, Asked::Refused { reason, .. } if reason == "wrong"),
            "{asked:?}"
        );
        assert!(server.await.unwrap().is_err());
        assert_eq!(book.lock().unwrap().list(0)[0].wrong, 1);
    }

    #[test]
    fn codes_parse_as_people_type_them() {
        let code = ShortCode {
            nameplate: 7,
            password: "orbit-lantern".to_owned(),
        };
        for typed in [
            "7-orbit-lantern",
            " 7 Orbit Lantern ",
            "7-ORBIT-LANTERN",
            "7_orbit_lantern",
        ] {
            assert_eq!(
                ShortCode::parse(typed).unwrap(),
                Some(code.clone()),
                "{typed}"
            );
        }
        assert_eq!(code.to_string(), "7-orbit-lantern");
        assert!(code.to_string().len() < 40);
        let err = ShortCode::parse("7-orbitt-lantern").unwrap_err();
        assert!(err.to_string().contains("\"orbitt\""), "{err}");
        for not_short in ["bureau1-abc", "hello", "7-orbit", "x-orbit-lantern"] {
            assert_eq!(ShortCode::parse(not_short).unwrap(), None, "{not_short}");
        }
        let err = crate::invite::JoinCode::parse("hello").unwrap_err();
        assert!(err.to_string().contains("7-orbit-lantern"), "{err}");
        for _ in 0..20 {
            let g = ShortCode::generate(42);
            assert_eq!(ShortCode::parse(&g.to_string()).unwrap(), Some(g));
        }
    }
}
