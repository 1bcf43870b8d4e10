//! `/bureau/join/1`, both halves: a new device presents an invite secret ([`join`], the
//! joiner); the inviter checks it and adds the device ([`answer_joiner`], run by the event loop
//! on a task of its own for each join stream).
//!
//! One request frame, one answer frame, each a big-endian `u32` length and JSON, capped at
//! [`MAX_JOIN_FRAME`]. The inviter learns the joiner's peer id from the transport (Noise
//! authenticated it), never from the request.
//!
//! **Limits.** Attempts are counted per peer id and per IP address ([`RateLimiter`]); there is
//! no limit shared by everyone, so nobody's attempts can use up anyone else's. A peer id over
//! its limit is refused before its request is read (fresh ids are free, so this only keeps
//! one connection from looping). An address over its limit is not refused: its requests are
//! still read, a valid secret still joins, and a wrong one is refused without a log line of
//! its own. Several honest laptops may share an address behind a venue's NAT with a
//! stranger, and a stranger must never be able to block their joins.
//!
//! **No limit per code.** A request carries only the secret: nothing in it names which
//! invite it is meant for (the bureau id, inviter and addresses in a code are the same for
//! every code of a node and are not sent). A wrong secret is a guess at every open code at
//! once, with a chance of 2^-128 per code, so there is no code a run of guesses could be
//! charged to or burn; a code is used up only by the one device that presents it. Refusals
//! are logged at `warn` (within the per-address limit), so the inviter sees when strangers
//! are guessing.
//!
//! **Who joins.** An invite made for a member (its book entry names one) adds the device to
//! that member, and the joiner's name is not asked for. Any other invite makes a new member
//! of the name the joiner gives, unless a member of that name (letter case and spacing
//! aside) is in the bureau already: then it is refused with a hint (ask for an invite for
//! that member, or give a name that tells the two apart), and the invite stays valid.
//!
//! **Names.** The joiner's name is checked ([`check_name`]) before the invite is used, on
//! both sides; if the document still refuses it, the invite is given back, so a corrected
//! retry works.
//!
//! **Refusals say why in a word** (`reason` in the answer: `used`, `expired`, `unknown`,
//! `name`, `name_taken`, `member_gone`, `not_allowed`, `limit`, `failed`), so the joiner's
//! command can exit with a code that means what happened; an inviter of the earlier release
//! sends none.
//!
//! **Answers arrive.** The inviter's answer is on its way before its side ends, and a refused
//! joiner gets a few seconds ([`JOIN_LINGER`]) to read it: the loop drops a refused
//! stranger's connection as soon as the exchange ends, and the answer may still sit in the
//! connection's buffers then. The joiner's side runs on a swarm of its own that lives only
//! for the exchange, and writes what it learned (the inviter, the pending bureau) to the data
//! directory for the next `serve`.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bureau_doc::{DocError, DocHandle};
use bureau_model::{Applied, Edit, EditError, Fields, MemberFields};
use futures_util::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::SwarmEvent;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::{Multiaddr, PeerId, StreamProtocol};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tracing::{debug, info, warn};

use crate::invite::{Check, InviteBook, JoinCode};
use crate::remembered::{self, Remembered};
use crate::stream::guard;
use crate::swarm::build_swarm;
use crate::{Identity, Joined, NetError};

/// The protocol name.
pub const JOIN_PROTOCOL: &str = "/bureau/join/1";

/// Largest join frame: a secret and a name fit in a few hundred bytes.
const MAX_JOIN_FRAME: usize = 4096;

/// How long a joiner may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Join attempts one peer id may make per window: an honest joiner makes one, or a few
/// after a typo. A secret has 128 bits, so no limit here is about guessing it.
const PER_PEER: usize = 5;
/// Join attempts one IP address may make per window with a log line each; beyond it, wrong
/// secrets are refused quietly (valid ones still join). Generous, for a delegation joining
/// from behind one NAT.
const PER_ADDR: usize = 30;
const WINDOW: Duration = Duration::from_secs(60);

/// How long a refused joiner gets to read its answer before its connection is dropped.
const JOIN_LINGER: Duration = Duration::from_secs(5);

/// How long `join` waits for the inviter.
const JOIN_TIMEOUT: Duration = Duration::from_secs(20);

/// Longest name a joiner may give, in characters.
pub(crate) const NAME_MAX: usize = 200;

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JoinRequest {
    pub(crate) secret: String,
    /// The joiner's name; empty for an invite made for a member, which names the member.
    #[serde(default)]
    pub(crate) name: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct JoinAnswer {
    pub(crate) ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bureau_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) member_id: Option<String>,
    /// The member's name as the bureau has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) member_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
    /// Why it was refused, in a word (see "Refusals say why in a word" above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reason: Option<String>,
}

/// Whether two names are the same person's as far as a roster can tell: equal once letter
/// case and runs of spaces are set aside ("carmen  ortiz" is "Carmen Ortiz").
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
            .join(" ")
    };
    norm(a) == norm(b)
}

pub(crate) async fn write_json<W: AsyncWrite + Unpin, T: Serialize>(
    w: &mut W,
    value: &T,
) -> std::io::Result<()> {
    let body = serde_json::to_vec(value).expect("join frames always serialise");
    w.write_all(&(body.len() as u32).to_be_bytes()).await?;
    w.write_all(&body).await?;
    w.flush().await
}

pub(crate) async fn read_json<R: AsyncRead + Unpin, T: for<'de> Deserialize<'de>>(
    r: &mut R,
) -> Result<T, NetError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)
        .await
        .map_err(|e| NetError::Join(format!("the other side closed the stream ({e})")))?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_JOIN_FRAME {
        return Err(NetError::Join(format!(
            "join frame of {len} bytes is too large"
        )));
    }
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf)
        .await
        .map_err(|e| NetError::Join(e.to_string()))?;
    serde_json::from_slice(&buf).map_err(|e| NetError::Join(format!("malformed join frame: {e}")))
}

/// Whether a name may be a joiner's name, and the name as it will be stored (trimmed).
///
/// One line of 1 to [`NAME_MAX`] characters with no control characters (a line break among
/// them), and nothing the document refuses in a name ([`bureau_model::check_name`]:
/// bidirectional overrides, invisible characters other than the zero-width joiners). The
/// error says what to fix.
pub(crate) fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the name is empty; give the name the other members will know you by".into());
    }
    if name.chars().count() > NAME_MAX {
        return Err(format!(
            "the name is longer than {NAME_MAX} characters; give a shorter one"
        ));
    }
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the name holds the control character U+{:04X}; give it on one line, without line \
             breaks or tabs",
            u32::from(c)
        ));
    }
    if let Some(c) = bureau_model::hidden_char(name) {
        return Err(format!(
            "the name holds the invisible or text-direction character U+{:04X}; type it again \
             without it",
            u32::from(c)
        ));
    }
    bureau_model::check_name("name", name).map_err(|e| format!("the {e}"))?;
    Ok(name.to_owned())
}

/// What [`RateLimiter::admit`] decided about one join attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admit {
    /// Read the request and log what comes of it.
    Yes,
    /// The address is over its limit: read the request (a valid secret still joins), but a
    /// refusal gets no log line of its own.
    Quiet,
    /// The peer id is over its limit: refuse before reading.
    No,
}

/// Sliding-window counts of join attempts per peer id and per IP address.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    per_peer: HashMap<String, VecDeque<Instant>>,
    per_addr: HashMap<IpAddr, VecDeque<Instant>>,
    /// Attempts refused without a log line since [`RateLimiter::take_quiet`].
    quiet: u64,
    /// When every count was last trimmed: sources that stopped are forgotten a window later.
    trimmed: Option<Instant>,
}

/// Drops the attempts older than the window.
fn trim(q: &mut VecDeque<Instant>, now: Instant) {
    while q.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
        q.pop_front();
    }
}

impl RateLimiter {
    /// Records an attempt by `peer` from `addr` (if known) and says how to treat it.
    pub(crate) fn admit(&mut self, peer: &str, addr: Option<IpAddr>, now: Instant) -> Admit {
        // Forget sources whose attempts are all older than the window, at most once a
        // window: fresh identities must not grow the maps without end.
        if self.trimmed.is_none_or(|t| now.duration_since(t) > WINDOW) {
            self.per_peer.retain(|_, q| {
                trim(q, now);
                !q.is_empty()
            });
            self.per_addr.retain(|_, q| {
                trim(q, now);
                !q.is_empty()
            });
            self.trimmed = Some(now);
        }
        let q = self.per_peer.entry(peer.to_owned()).or_default();
        trim(q, now);
        if q.len() >= PER_PEER {
            self.quiet += 1;
            return Admit::No;
        }
        q.push_back(now);
        let Some(addr) = addr else {
            return Admit::Yes;
        };
        let q = self.per_addr.entry(addr).or_default();
        trim(q, now);
        q.push_back(now);
        if q.len() > PER_ADDR {
            Admit::Quiet
        } else {
            Admit::Yes
        }
    }

    /// Notes an attempt refused without a log line of its own.
    pub(crate) fn quiet_refusal(&mut self) {
        self.quiet += 1;
    }

    /// How many attempts were refused without a log line since the last call.
    pub(crate) fn take_quiet(&mut self) -> u64 {
        std::mem::take(&mut self.quiet)
    }

    /// How many sources are remembered (peer ids, addresses).
    #[cfg(test)]
    fn sources(&self) -> (usize, usize) {
        (self.per_peer.len(), self.per_addr.len())
    }
}

/// The inviter's side of one join stream from `peer` at `addr`. Returns the member id of
/// the new device's member when it joined. Refusals are logged here (or counted as quiet).
pub(crate) async fn serve_join<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    peer: &str,
    addr: Option<IpAddr>,
    doc: &DocHandle,
    book: &Arc<Mutex<InviteBook>>,
    limiter: &Arc<Mutex<RateLimiter>>,
) -> Result<String, NetError> {
    let admit = limiter
        .lock()
        .expect("the rate limiter lock is never poisoned")
        .admit(peer, addr, Instant::now());
    let answer = |reason: &str, error: &str| JoinAnswer {
        error: Some(error.to_owned()),
        reason: Some(reason.to_owned()),
        ..JoinAnswer::default()
    };
    if admit == Admit::No {
        let _ = write_json(
            &mut stream,
            &answer("limit", "too many attempts; wait a minute"),
        )
        .await;
        return Err(NetError::Join(format!(
            "join attempts from {peer} are over the limit"
        )));
    }
    let refuse = |msg: &str| {
        if admit == Admit::Quiet {
            limiter
                .lock()
                .expect("the rate limiter lock is never poisoned")
                .quiet_refusal();
            debug!(%peer, ?addr, reason = msg, "refused a join");
        } else {
            warn!(%peer, ?addr, reason = msg, "refused a join");
        }
        NetError::Join(msg.to_owned())
    };
    let req: JoinRequest = match tokio::time::timeout(REQUEST_TIMEOUT, read_json(&mut stream)).await
    {
        Ok(Ok(req)) => req,
        Ok(Err(e)) => return Err(refuse(&e.to_string())),
        Err(_) => return Err(refuse("the joiner sent nothing in time")),
    };
    let now = jiff::Timestamp::now().as_second();
    let check = book
        .lock()
        .expect("the invite book lock is never poisoned")
        .check(&req.secret, now);
    let grant = match check {
        Check::Ok(grant) => grant,
        other => {
            let (reason, msg) = match other {
                Check::Expired => ("expired", "this invite has expired; ask for a new one"),
                Check::Used => ("used", "this invite was already used; ask for a new one"),
                Check::Burned => (
                    "burned",
                    "this invite was burned after wrong guesses of its code; ask for a new one",
                ),
                _ => (
                    "unknown",
                    "this invite is not valid here (it may be mistyped or forged); ask for a new one",
                ),
            };
            let _ = write_json(&mut stream, &answer(reason, msg)).await;
            return Err(refuse(msg));
        }
    };
    let role = grant.role;
    // Everything below until the invite is marked used only reads: a refusal leaves it
    // valid.
    let st = doc.state();
    // The inviter may have lost the right to make this invite since (demoted, say).
    if let Err(e) =
        bureau_model::check_invite(&st.snapshot, &st.peer_id, role, grant.member_id.as_deref())
    {
        let msg = match e {
            EditError::Invalid { .. } => {
                "the member this invite was made for is no longer in the bureau; ask for a new invite"
                    .to_owned()
            }
            e => format!("the inviting device can no longer make this invite ({e}); ask for a new one"),
        };
        let reason = if msg.contains("no longer in the bureau") {
            "member_gone"
        } else {
            "not_allowed"
        };
        let _ = write_json(&mut stream, &answer(reason, &msg)).await;
        return Err(refuse(&msg));
    }
    let (member_id, name) = match &grant.member_id {
        // An invite for a member: the device joins as that member, whatever name it gave.
        Some(m) => {
            let name = st
                .snapshot
                .members
                .get(m)
                .map(|r| r.name.clone())
                .unwrap_or_default();
            (Some(m.clone()), name)
        }
        None => {
            // Checked before the invite is used: a name refused here leaves it valid for a
            // retry.
            let name = match check_name(&req.name) {
                Ok(name) => name,
                Err(why) => {
                    let msg = format!("{why}; the invite is still valid for a corrected name");
                    let _ = write_json(&mut stream, &answer("name", &msg)).await;
                    return Err(refuse(&msg));
                }
            };
            // A second member for one person would show in every list and picker twice.
            if let Some(existing) = st
                .snapshot
                .members
                .values()
                .find(|m| !m.stamp.archived && same_name(&m.name, &name))
            {
                let msg = format!(
                    "a member named {:?} is already in the bureau. If that is you, ask for an \
                     invite for your member (on the peers page, or `bureau invite --member {}`), \
                     then join with it and no name; if not, give a name that tells you apart \
                     (with your organisation, say). The invite is still valid",
                    existing.name, existing.id
                );
                let _ = write_json(&mut stream, &answer("name_taken", &msg)).await;
                return Err(refuse(&msg));
            }
            (None, name)
        }
    };
    drop(st);
    // Burn the secret first: if anything below fails, the code cannot be replayed.
    book.lock()
        .expect("the invite book lock is never poisoned")
        .mark_used(&req.secret, peer)?;
    let member = match member_id {
        Some(m) => Ok(Applied::Record(bureau_model::RecordType::Member, m)),
        None => {
            doc.edit(Edit::Create(Fields::Member(MemberFields {
                name: Some(name.clone()),
                ..MemberFields::default()
            })))
            .await
        }
    };
    if let Err(DocError::Edit(e @ EditError::Invalid { .. })) = &member {
        // The document refused the name and nothing was written: give the invite back.
        let msg =
            format!("the name was refused ({e}); the invite is still valid for a corrected name");
        book.lock()
            .expect("the invite book lock is never poisoned")
            .release(&req.secret, peer)?;
        let _ = write_json(&mut stream, &answer("name", &msg)).await;
        return Err(refuse(&msg));
    }
    let added = async {
        let Applied::Record(_, member_id) = member? else {
            return Err(NetError::Join("creating the member failed".to_owned()));
        };
        doc.edit(Edit::AddDevice {
            peer_id: peer.to_owned(),
            member_id: member_id.clone(),
            name: bureau_model::default_device_name(&name, peer),
            role,
        })
        .await?;
        Ok(member_id)
    }
    .await;
    match added {
        Ok(member_id) => {
            let bureau_id = doc.state().snapshot.meta.bureau_id.clone();
            write_json(
                &mut stream,
                &JoinAnswer {
                    ok: true,
                    bureau_id: Some(bureau_id),
                    member_id: Some(member_id.clone()),
                    member_name: Some(name.clone()),
                    ..JoinAnswer::default()
                },
            )
            .await
            .map_err(|e| NetError::Join(e.to_string()))?;
            info!(%peer, %name, role = %role, "a new device joined");
            Ok(member_id)
        }
        Err(e) => {
            warn!(%peer, error = %e, "adding a joining device failed; its invite is used up");
            let _ = write_json(
                &mut stream,
                &answer(
                    "failed",
                    "the inviting node could not add you; ask for a new invite",
                ),
            )
            .await;
            Err(e)
        }
    }
}

/// The inviter's side of one join stream as the event loop runs it, on a task of its own:
/// [`serve_join`], then the answer flushed and, for a refused joiner, a few seconds for it to
/// read the answer (see "Answers arrive" above). Returns whether the peer joined.
pub(crate) async fn answer_joiner(
    stream: libp2p::Stream,
    peer: PeerId,
    addr: Option<IpAddr>,
    doc: &DocHandle,
    book: &Arc<Mutex<InviteBook>>,
    limiter: &Arc<Mutex<RateLimiter>>,
) -> bool {
    let mut stream = guard(stream);
    let res = serve_join(&mut stream, &peer.to_base58(), addr, doc, book, limiter).await;
    // The answer is on its way before the loop may drop the connection.
    let _ = AsyncWriteExt::shutdown(&mut stream).await;
    if res.is_err() {
        // A refused joiner's connection is dropped when this task ends; the answer
        // may still sit in the connection's buffers then (seen on a busy machine:
        // the joiner read the end of the stream instead of "already used"). The
        // joiner closes its side once it has read the answer: wait for that, a few
        // seconds at most.
        let _ = tokio::time::timeout(JOIN_LINGER, async {
            let mut buf = [0u8; 256];
            while let Ok(n) = AsyncReadExt::read(&mut stream, &mut buf).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
    }
    match res {
        Ok(_) => true,
        Err(e) => {
            // Logged (or counted) by `serve_join`.
            debug!(%peer, error = %e, "join refused");
            false
        }
    }
}

/// The joiner's side: a short-lived swarm that dials the inviter and presents the secret.
/// `name` is needed for an invite that makes a new member, and not sent for one made for a
/// member.
pub(crate) async fn join(
    identity: &Identity,
    files: &bureau_store::Files,
    code: &str,
    name: Option<&str>,
    peers: &[String],
) -> Result<Joined, NetError> {
    let peers = peers
        .iter()
        .map(|p| {
            p.trim()
                .parse::<Multiaddr>()
                .map_err(|e| NetError::BadAddress {
                    addr: p.clone(),
                    reason: format!("not a multiaddr like /ip4/203.0.113.7/tcp/4001 ({e})"),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let code = match JoinCode::parse(code)? {
        JoinCode::Link(mut code) => {
            for p in peers.iter().rev() {
                code.addrs.insert(0, p.to_string());
            }
            code
        }
        JoinCode::Short(short) => {
            // A name the inviter would refuse is refused before the code is tried.
            if let Some(name) = name {
                crate::check_join_name(name)?;
            }
            crate::code::find_link(identity, &short, &peers).await?
        }
    };
    // Before the invite is presented: a name the inviter would refuse leaves it unused.
    let name = match (&code.member_id, name) {
        (Some(_), _) => String::new(),
        (None, Some(name)) => crate::check_join_name(name)?,
        (None, None) => {
            return Err(NetError::BadName(
                "this invite is for a new member: give the name the other members will know \
                 you by (--name)"
                    .to_owned(),
            ));
        }
    };
    let inviter: PeerId = code.peer_id.parse().map_err(|_| {
        NetError::Invite("the invite names no valid inviter; ask for a new one".to_owned())
    })?;
    let mut addrs: Vec<Multiaddr> = code.addrs.iter().filter_map(|a| a.parse().ok()).collect();
    if addrs.is_empty() {
        return Err(NetError::Invite(
            "the invite holds no address; ask for a new one".to_owned(),
        ));
    }
    // Last, through each of the bureau's hubs: an inviter behind a NAT holds a reservation
    // there, and Noise still runs end to end with it inside the circuit.
    for hub in &code.hubs {
        if let Ok(hub) = hub.parse::<Multiaddr>() {
            let circuit = hub.with(Protocol::P2pCircuit);
            if !addrs.contains(&circuit) {
                addrs.push(circuit);
            }
        }
    }
    let mut swarm = build_swarm(identity, false, None)?;
    let mut control = swarm.behaviour().stream.new_control();
    swarm
        .dial(DialOpts::peer_id(inviter).addresses(addrs.clone()).build())
        .map_err(|e| NetError::Join(e.to_string()))?;
    let driver = tokio::spawn(async move {
        loop {
            if let SwarmEvent::OutgoingConnectionError { error, .. } =
                swarm.select_next_some().await
            {
                debug!(error = %error, "dialling the inviter failed");
            }
        }
    });
    let exchange = async {
        let stream = control
            .open_stream(inviter, StreamProtocol::new(JOIN_PROTOCOL))
            .await
            .map_err(|e| {
                NetError::Join(format!(
                    "cannot reach the inviting node ({e}); is it running and reachable?"
                ))
            })?;
        let mut stream = guard(stream);
        write_json(
            &mut stream,
            &JoinRequest {
                secret: code.secret.clone(),
                name: name.clone(),
            },
        )
        .await
        .map_err(|e| NetError::Join(e.to_string()))?;
        let answer: JoinAnswer = read_json(&mut stream).await?;
        Ok::<_, NetError>(answer)
    };
    let answer = tokio::time::timeout(JOIN_TIMEOUT, exchange).await;
    driver.abort();
    let answer = answer.map_err(|_| {
        NetError::Join(
            "the inviting node did not answer in time; is it running and reachable?".to_owned(),
        )
    })??;
    if !answer.ok {
        return Err(NetError::Refused {
            reason: answer.reason.unwrap_or_else(|| "refused".to_owned()),
            message: answer
                .error
                .unwrap_or_else(|| "the invite was refused".to_owned()),
        });
    }
    let joined = Joined {
        bureau_id: answer.bureau_id.unwrap_or_default(),
        member_id: answer.member_id.unwrap_or_default(),
        member_name: answer.member_name,
        inviter: inviter.to_base58(),
        // A circuit carries a join, not a sync session: the node reaches the inviter at its
        // own addresses, or the bureau through the hubs.
        inviter_addrs: code
            .addrs
            .iter()
            .filter(|a| !a.contains("/p2p-circuit"))
            .cloned()
            .collect(),
        hubs: code.hubs.clone(),
    };
    remember_join(files, &joined);
    Ok(joined)
}

/// Remembers the inviter (with its addresses) and the pending bureau, for the next `serve`.
pub(crate) fn remember_join(files: &bureau_store::Files, joined: &Joined) {
    let mut peers = remembered::load_peers(files);
    peers.insert(
        joined.inviter.clone(),
        Remembered {
            addrs: joined.inviter_addrs.clone(),
            inviter: true,
            ..Remembered::default()
        },
    );
    // The hubs the invite named may send the bureau too, like the inviter: the inviter's
    // node put them in the invite from the bureau's own device records.
    for hub in &joined.hubs {
        let Ok(addr) = hub.parse::<Multiaddr>() else {
            continue;
        };
        let Some(libp2p::multiaddr::Protocol::P2p(peer)) = addr.iter().last() else {
            continue;
        };
        let bare: Multiaddr = addr
            .iter()
            .filter(|p| !matches!(p, libp2p::multiaddr::Protocol::P2p(_)))
            .collect();
        let entry = peers.entry(peer.to_base58()).or_insert(Remembered {
            addrs: Vec::new(),
            inviter: true,
            ..Remembered::default()
        });
        entry.inviter = true;
        if !entry.addrs.contains(&bare.to_string()) {
            entry.addrs.push(bare.to_string());
        }
    }
    remembered::save_peers(files, &peers);
    let mut state = remembered::load_state(files);
    state.pending_bureau = Some(joined.bureau_id.clone());
    state.inviter = Some(joined.inviter.clone());
    remembered::save_state(files, &state);
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use bureau_doc::DocConfig;
    use bureau_model::{InitBureau, Role};

    use super::*;
    use crate::Identity;
    use crate::invite::Grant;

    const VENUE_NAT: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7));

    #[test]
    fn the_limiter_caps_each_peer_and_quiets_each_address() {
        let mut l = RateLimiter::default();
        let t = Instant::now();
        let a = Some(VENUE_NAT);
        for _ in 0..PER_PEER {
            assert_eq!(l.admit("a", a, t), Admit::Yes);
        }
        assert_eq!(l.admit("a", a, t), Admit::No, "over the per-peer limit");
        assert_eq!(
            l.admit("b", a, t),
            Admit::Yes,
            "another peer is not affected"
        );
        assert_eq!(
            l.admit("a", a, t + WINDOW + Duration::from_secs(1)),
            Admit::Yes,
            "the window slides"
        );
        // Fresh identities from one address: never refused, only quiet past the limit.
        let mut g = RateLimiter::default();
        for i in 0..PER_ADDR {
            assert_eq!(g.admit(&format!("p{i}"), a, t), Admit::Yes);
        }
        for i in 0..1000 {
            assert_eq!(g.admit(&format!("q{i}"), a, t), Admit::Quiet);
        }
        let other = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 8)));
        assert_eq!(g.admit("fresh", other, t), Admit::Yes, "another address");
        assert_eq!(g.admit("no address", None, t), Admit::Yes);
        // Sources that stopped are forgotten a window later.
        let later = t + WINDOW * 2;
        assert_eq!(g.admit("late", a, later), Admit::Yes);
        assert_eq!(
            g.sources(),
            (1, 1),
            "only the last attempt's peer and address"
        );
    }

    /// A bureau on a real document actor and store, with an inviter's book.
    struct Inviter {
        doc: DocHandle,
        book: Arc<Mutex<InviteBook>>,
        limiter: Arc<Mutex<RateLimiter>>,
        _thread: std::thread::JoinHandle<()>,
        _dir: tempfile::TempDir,
    }

    impl Inviter {
        async fn new() -> Inviter {
            let dir = tempfile::tempdir().unwrap();
            let store = bureau_store::Store::open(dir.path()).unwrap();
            let book = InviteBook::load(store.files());
            let me = Identity::generate().peer_id();
            let (doc, thread) = DocHandle::open(store, DocConfig::new(me.clone()))
                .await
                .unwrap();
            doc.edit(Edit::Init(InitBureau {
                bureau_id: "b".repeat(32),
                ..bureau_model::testing::founding(&me)
            }))
            .await
            .unwrap();
            Inviter {
                doc,
                book: Arc::new(Mutex::new(book)),
                limiter: Arc::new(Mutex::new(RateLimiter::default())),
                _thread: thread,
                _dir: dir,
            }
        }

        fn invite(&self, secret: &str) {
            self.invite_for(secret, None);
        }

        fn invite_for(&self, secret: &str, member_id: Option<&str>) {
            let now = jiff::Timestamp::now().as_second();
            let grant = Grant {
                role: Role::Editor,
                member_id: member_id.map(str::to_owned),
            };
            self.book
                .lock()
                .unwrap()
                .add(secret, &grant, now + 3600, now, "link")
                .unwrap();
        }

        /// One join exchange over an in-memory stream: what the joiner reads, and what the
        /// inviter's side returned.
        async fn attempt(
            &self,
            peer: &str,
            secret: &str,
            name: &str,
        ) -> (JoinAnswer, Result<String, NetError>) {
            let (mut joiner, inviter) = tokio::io::duplex(2 * MAX_JOIN_FRAME);
            let req = JoinRequest {
                secret: secret.to_owned(),
                name: name.to_owned(),
            };
            write_json(&mut joiner, &req).await.unwrap();
            let res = serve_join(
                inviter,
                peer,
                Some(VENUE_NAT),
                &self.doc,
                &self.book,
                &self.limiter,
            )
            .await;
            let answer: JoinAnswer = read_json(&mut joiner).await.unwrap();
            (answer, res)
        }

        fn devices(&self) -> usize {
            self.doc.state().snapshot.devices.len()
        }
    }

    #[tokio::test]
    async fn forged_attempts_from_fresh_identities_do_not_block_a_valid_join() {
        let inviter = Inviter::new().await;
        let secret = "0123456789abcdef0123456789abcdef";
        inviter.invite(secret);
        // Far more than the old limit shared by everyone (60 a minute), all from the address
        // the honest joiner shares with them.
        for i in 0..150 {
            let forger = Identity::generate().peer_id();
            let (answer, res) = inviter
                .attempt(&forger, &format!("{i:032x}"), "Mallory")
                .await;
            assert!(
                !answer.ok && res.is_err(),
                "forged attempt {i} was accepted"
            );
        }
        let quiet = inviter.limiter.lock().unwrap().take_quiet();
        assert_eq!(
            quiet,
            150 - PER_ADDR as u64,
            "refusals past the limit are quiet"
        );
        let honest = Identity::generate().peer_id();
        let (answer, res) = inviter.attempt(&honest, secret, "Bea Honest").await;
        assert!(answer.ok, "the valid join was refused: {answer:?}");
        assert_eq!(res.unwrap(), answer.member_id.unwrap());
        let device = inviter
            .doc
            .state()
            .snapshot
            .devices
            .get(&honest)
            .cloned()
            .expect("the joiner's device is in the document");
        // Named in no language: the member's name and the end of the peer id.
        assert_eq!(
            device.name,
            format!("Bea Honest · {}", &honest[honest.len() - 6..])
        );
    }

    #[tokio::test]
    async fn a_name_with_a_line_break_leaves_the_invite_valid() {
        let inviter = Inviter::new().await;
        let secret = "fedcba9876543210fedcba9876543210";
        inviter.invite(secret);
        let before = inviter.devices();
        let joiner = Identity::generate().peer_id();
        for bad in [
            "Bea\nHonest",
            "Bea\rHonest",
            "Bea\tHonest",
            "Bea\u{202E}tsenoH",
            "Bea\u{200B}Honest",
            "",
            "   ",
            &"x".repeat(NAME_MAX + 1),
        ] {
            let (answer, res) = inviter.attempt(&joiner, secret, bad).await;
            assert!(!answer.ok && res.is_err(), "{bad:?} was accepted");
            let error = answer.error.unwrap_or_default();
            assert!(error.contains("still valid"), "{bad:?}: {error}");
            assert_eq!(
                inviter.book.lock().unwrap().check(secret, 0),
                Check::Ok(Grant {
                    role: Role::Editor,
                    member_id: None
                }),
                "{bad:?} used the invite up"
            );
            // The per-peer limit is not what is tested here.
            *inviter.limiter.lock().unwrap() = RateLimiter::default();
        }
        assert_eq!(inviter.devices(), before, "nothing was added");
        // Joiners of scripts that need them keep their zero-width joiners.
        let (answer, _) = inviter
            .attempt(
                &joiner,
                secret,
                "  \u{0645}\u{06CC}\u{200C}\u{0631}\u{0648}\u{0645}  ",
            )
            .await;
        assert!(answer.ok, "the corrected name was refused: {answer:?}");
        let (answer, _) = inviter.attempt(&joiner, secret, "Again").await;
        assert!(!answer.ok, "the invite is single-use");
        assert!(answer.error.unwrap_or_default().contains("already used"));
    }

    #[tokio::test]
    async fn a_name_already_in_the_bureau_is_refused_and_a_members_invite_needs_none() {
        let inviter = Inviter::new().await;
        let secret = "00112233445566778899aabbccddeeff";
        inviter.invite(secret);
        let members = || inviter.doc.state().snapshot.members.len();
        let before = members();
        let joiner = Identity::generate().peer_id();
        // The founder's own name, in other letter case and spacing.
        let (answer, res) = inviter.attempt(&joiner, secret, "  ada   FOUNDER ").await;
        assert!(!answer.ok && res.is_err(), "a second Ada Founder was made");
        assert_eq!(answer.reason.as_deref(), Some("name_taken"));
        let error = answer.error.unwrap_or_default();
        assert!(
            error.contains("already in the bureau") && error.contains("still valid"),
            "{error}"
        );
        assert!(error.contains(bureau_model::testing::FOUNDER_ID), "{error}");
        assert_eq!(members(), before, "no member was added");
        // A new person's name is fine, and the invite was still valid.
        let (answer, _) = inviter.attempt(&joiner, secret, "Bea Honest").await;
        assert!(answer.ok, "{answer:?}");
        assert_eq!(members(), before + 1);

        // An invite for the founder's member: no name needed, none made.
        let secret = "ffeeddccbbaa99887766554433221100";
        inviter.invite_for(secret, Some(bureau_model::testing::FOUNDER_ID));
        let laptop = Identity::generate().peer_id();
        let (answer, res) = inviter.attempt(&laptop, secret, "").await;
        assert!(answer.ok, "{answer:?}");
        assert_eq!(res.unwrap(), bureau_model::testing::FOUNDER_ID);
        assert_eq!(
            answer.member_name.as_deref(),
            Some(bureau_model::testing::FOUNDER_NAME)
        );
        assert_eq!(members(), before + 1, "no member was made for the device");
        let device = inviter.doc.state().snapshot.devices.get(&laptop).cloned();
        assert_eq!(
            device.map(|d| d.member_id.clone()).as_deref(),
            Some(bureau_model::testing::FOUNDER_ID)
        );
        // Used, it says so in a word.
        let (answer, _) = inviter.attempt(&laptop, secret, "").await;
        assert_eq!(answer.reason.as_deref(), Some("used"));
        let (answer, _) = inviter
            .attempt(&laptop, "0123456789abcdef0123456789abcdee", "")
            .await;
        assert_eq!(answer.reason.as_deref(), Some("unknown"));
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(check_name("  Bea  ").unwrap(), "Bea");
        assert_eq!(
            check_name(&"é".repeat(NAME_MAX)).unwrap().chars().count(),
            NAME_MAX
        );
        assert!(
            check_name("Bea\nx")
                .unwrap_err()
                .contains("control character")
        );
        assert!(check_name("a\u{2066}b").unwrap_err().contains("invisible"));
        assert!(check_name("").unwrap_err().contains("empty"));
    }
}
