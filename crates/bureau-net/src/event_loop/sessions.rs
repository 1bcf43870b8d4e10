//! Sync sessions and join streams: which side opens a session, starting one on a stream,
//! handling its end (retry, backoff, faults), and running the inviter's side of a join.
//!
//! **Invariants.** Of two peers, the one with the lower peer id opens the sync stream, so a
//! pair never has two sessions; a stream the other side opens anyway replaces the running
//! session (the peer restarted, or its old connection died unnoticed). A session is opened
//! only to a connected peer that [`EventLoop::allowed`] admits, never while paused, and not
//! before its retry or fault wait is over. Each session (and each opening) has a generation
//! of its own, so the end of a replaced session never removes its successor. A session that
//! ends with bad data from the peer, or a refusal, leaves the peer alone for a while and
//! drops its connection. Join streams are served for anyone (the join protocol limits
//! them); a refused stranger's connection is dropped once its answer has been sent.

use std::time::Instant;

use bureau_sync::{PeerSync, SessionConfig, SyncError, Version};
use libp2p::{PeerId, StreamProtocol};
use tokio::io::AsyncWriteExt;
use tokio::sync::watch;
use tracing::{Instrument, debug};

use super::peer::{BACKOFF_MAX, BACKOFF_MIN, FAULT_BACKOFF, Peer, Session};
use super::{EventLoop, LoopEvent, Owner};
use crate::code::answer_code;
use crate::gate::ip_of;
use crate::join::answer_joiner;
use crate::nameplate::{Probe, serve_nameplate};
use crate::remembered::Source;
use crate::stream::guard;

impl EventLoop {
    /// Opens a sync stream to `peer` if this side should (the lower peer id opens).
    pub(super) fn maybe_open(&mut self, peer: PeerId) {
        let Some(p) = self.peers.get(&peer) else {
            return;
        };
        if self.paused
            || p.connected.is_none()
            || p.session.is_some()
            || self.local >= peer
            || !self.allowed(&peer)
            || !p.may_retry(Instant::now())
        {
            return;
        }
        // `/2` only to a peer that says it speaks it: a stream of a protocol the peer does
        // not speak is a failed negotiation, found only at the first read.
        let listed = self
            .doc
            .state()
            .snapshot
            .devices
            .get(&peer.to_base58())
            .map(|d| d.protocols.clone())
            .unwrap_or_default();
        let version = Version::to_open(&self.versions, &listed);
        self.generation += 1;
        let session = Session {
            generation: self.generation,
            cancel: self.cancel.child_token(),
            status: None,
            version,
        };
        self.peers.get_mut(&peer).expect("looked up above").session = Some(session);
        let mut control = self.control.clone();
        self.spawn(Owner::Open { peer, version }, async move {
            let res = control
                .open_stream(peer, StreamProtocol::new(version.protocol()))
                .await
                .map_err(|e| e.to_string());
            LoopEvent::Opened(peer, version, res)
        });
    }

    /// A sync stream a peer opened.
    pub(super) fn on_inbound(&mut self, peer: PeerId, version: Version, stream: libp2p::Stream) {
        if !self.paused && !self.allowed(&peer) {
            let reason = if self.revoked(&peer) {
                "revoked"
            } else {
                "not_member"
            };
            // Published at once: nothing else may change for a while, and the doctor reads the
            // refusal from the status.
            let first = self
                .refused
                .insert(peer, (reason, jiff::Timestamp::now().as_second()))
                .is_none();
            if first {
                self.publish();
            }
        }
        if self.paused || !self.allowed(&peer) {
            debug!(%peer, "refused a sync stream");
            drop(stream);
            return;
        }
        // A new stream from the peer replaces an old session: the peer restarted, or its old
        // connection died without us noticing yet.
        self.start_session(peer, stream, version);
    }

    /// Runs a session on `stream`, in place of any session the peer had.
    fn start_session(&mut self, peer: PeerId, stream: libp2p::Stream, version: Version) {
        let Some(doc_id) = self.doc_id() else {
            debug!(%peer, "no bureau to sync yet");
            return;
        };
        // A stream can come before its connection's event: the entry may not exist yet.
        let p = self.peers.entry(peer).or_insert_with(Peer::new);
        p.end_session();
        self.generation += 1;
        let generation = self.generation;
        let cancel = self.cancel.child_token();
        let (status_tx, status_rx) = watch::channel(PeerSync {
            last_sync: p.last_sync.clone(),
            ..PeerSync::default()
        });
        p.session = Some(Session {
            generation,
            cancel: cancel.clone(),
            status: Some(status_rx),
            version,
        });
        let stats = p.traffic.get_or_insert_with(Default::default).clone();
        let config = SessionConfig {
            peer: peer.to_base58(),
            doc_id,
            cancel,
            version,
            board: Some(self.board_tx.subscribe()),
            presence: Some(self.presence_tx.subscribe()),
            push_on_open: p.reads_bundles && version == Version::V2,
            short_hello: p.caps_set == bureau_sync::OWN_SET && version == Version::V2,
        };
        let doc = self.doc.clone();
        // Every line the session logs names its peer and generation (a peer reconnecting has
        // two sessions in the log, one ending as the next starts).
        let span = tracing::info_span!("session", %peer, generation, protocol = ?version);
        self.spawn(Owner::Session { peer, generation }, async move {
            let res = bureau_sync::run_session(guard(stream), doc, config, stats, status_tx)
                .instrument(span)
                .await;
            let fault = res.as_ref().err().is_some_and(SyncError::is_peer_fault)
                || matches!(
                    res,
                    Err(SyncError::Doc(bureau_doc::DocError::PeerNotAllowed(_)))
                );
            let refused_protocol = match &res {
                Err(SyncError::Io(e)) if negotiation_refused(e) => Some(version.protocol()),
                _ => None,
            };
            LoopEvent::SessionEnded {
                peer,
                generation,
                fault,
                failed: res.is_err(),
                refused_protocol,
            }
        });
        self.publish();
    }

    /// A stream this side asked for was opened, or could not be.
    pub(super) fn on_opened(
        &mut self,
        peer: PeerId,
        version: Version,
        res: Result<libp2p::Stream, String>,
    ) {
        let still_wanted = self
            .peers
            .get(&peer)
            .and_then(|p| p.session.as_ref())
            .is_some_and(|s| s.status.is_none());
        match res {
            Ok(stream) if still_wanted && !self.paused => {
                self.start_session(peer, stream, version);
            }
            Ok(_) => {}
            Err(e) => {
                debug!(%peer, error = %e, "could not open a sync stream");
                if still_wanted && let Some(p) = self.peers.get_mut(&peer) {
                    p.session = None;
                    p.retry_at = Some(Instant::now() + BACKOFF_MIN * 2);
                }
            }
        }
    }

    /// A session ended (or its task died): forget it if it is still the peer's current one,
    /// and set when the peer may be tried again.
    pub(super) fn on_session_ended(
        &mut self,
        peer: PeerId,
        generation: u64,
        fault: bool,
        failed: bool,
    ) {
        if let Some(p) = self.peers.get_mut(&peer)
            && let Some(s) = &p.session
            && s.generation == generation
        {
            if let Some(last) = s
                .status
                .as_ref()
                .and_then(|st| st.borrow().last_sync.clone())
            {
                p.last_sync = Some(last);
            }
            p.end_session();
        }
        let failures = match self.peers.get_mut(&peer).filter(|p| p.is_known()) {
            Some(k) if failed => {
                k.session_failures = k.session_failures.saturating_add(1);
                k.session_failures
            }
            Some(k) => {
                k.session_failures = 0;
                0
            }
            None => 0,
        };
        // Noted even when the peer was forgotten meanwhile (its last connection closed before
        // the session's end arrived), so that a peer coming straight back still waits.
        let p = self.peers.entry(peer).or_insert_with(Peer::new);
        if fault {
            // Bad data or a refusal: leave the peer alone for a while.
            p.faulty_until = Some(Instant::now() + FAULT_BACKOFF);
            let _ = self.swarm.disconnect_peer_id(peer);
        } else {
            // 1 s after a clean end or a first failure, then 2, 4, ... up to 30 s
            // while sessions with this peer keep failing.
            let wait = BACKOFF_MIN
                .saturating_mul(1 << failures.saturating_sub(1).min(5))
                .min(BACKOFF_MAX);
            p.retry_at = Some(Instant::now() + wait);
        }
        // What its exchange said (bundles) is kept for after a restart; written only if the
        // list changed.
        self.save_peers();
        self.publish();
    }

    /// The IP address `peer` is connected from, for the join limiter (none through a circuit).
    fn peer_ip(&self, peer: &PeerId) -> Option<std::net::IpAddr> {
        self.peers
            .get(peer)
            .and_then(|p| p.connected.as_ref())
            .and_then(ip_of)
    }

    /// A join stream from anyone: the inviter's side of `/bureau/join/1`, on a task.
    pub(super) fn on_join(&mut self, peer: PeerId, stream: libp2p::Stream) {
        let (doc, book, limiter) = (self.doc.clone(), self.book.clone(), self.limiter.clone());
        let addr = self.peer_ip(&peer);
        self.spawn(Owner::Join { peer }, async move {
            let joined = answer_joiner(stream, peer, addr, &doc, &book, &limiter).await;
            LoopEvent::JoinDone(peer, joined)
        });
    }

    /// A join-code stream from anyone: the inviter's side of `/bureau/join-code/1`, on a task.
    /// It ends like a refused join: the joiner goes on to `/bureau/join/1` on a connection of
    /// its own, so a stranger's connection goes (except on a hub).
    pub(super) fn on_code(&mut self, peer: PeerId, stream: libp2p::Stream) {
        let (book, limiter, local) = (self.book.clone(), self.limiter.clone(), self.local);
        let addr = self.peer_ip(&peer);
        // A hub holds no invites of its own: the joiner it answered asks next which device
        // holds the code's number and goes on through this connection to the circuit, so
        // the connection stays (until idle).
        let hub = self.relay_for.is_some();
        self.spawn(Owner::Join { peer }, async move {
            answer_code(stream, peer, local, addr, &book, &limiter).await;
            if hub {
                LoopEvent::Answered
            } else {
                LoopEvent::JoinDone(peer, false)
            }
        });
    }

    /// A nameplate question from anyone (`/bureau/nameplate/1`), answered on a task. A hub
    /// asks its connected devices on a stranger's behalf; a device's question is answered
    /// for this node alone. The asker's connection stays: a joiner goes on through it to
    /// the holder's circuit.
    pub(super) fn on_nameplate(&mut self, peer: PeerId, stream: libp2p::Stream) {
        let (book, limiter, local) = (self.book.clone(), self.limiter.clone(), self.local);
        let addr = self.peer_ip(&peer);
        let probe = (self.relay_for.is_some() && !self.gate_member(&peer)).then(|| Probe {
            control: self.control.clone(),
            devices: self
                .peers
                .iter()
                .filter(|(id, p)| p.connected.is_some() && self.gate_member(id))
                .map(|(id, _)| *id)
                .collect(),
        });
        self.spawn(Owner::Answer, async move {
            let mut stream = guard(stream);
            let res = serve_nameplate(
                &mut stream,
                &peer.to_base58(),
                &local.to_base58(),
                addr,
                &book,
                &limiter,
                probe,
            )
            .await;
            let _ = AsyncWriteExt::shutdown(&mut stream).await;
            if let Err(e) = res {
                debug!(%peer, error = %e, "a nameplate question went unanswered");
            }
            LoopEvent::Answered
        });
    }

    /// A join exchange ended: a new member gets its sync session, a refused stranger loses
    /// its connection.
    pub(super) fn on_join_done(&mut self, peer: PeerId, joined: bool) {
        let connected = self.peers.get(&peer).and_then(|p| p.connected.clone());
        if joined {
            self.remember(peer, Vec::new(), Source::Inbound, false);
            debug!(%peer, addr = ?connected, "joined; waiting for its sync stream");
            self.maybe_open(peer);
        } else if !self.gate_member(&peer) && connected.is_some() {
            // A refused stranger has nothing more to do here: its connection goes, and
            // with it the place it held in the strangers' budget.
            debug!(%peer, "dropping the connection of a refused joiner");
            let _ = self.swarm.disconnect_peer_id(peer);
        }
    }
}

/// Whether an error of a session's stream is the peer refusing its protocol (multistream-select
/// agreed on none): the peer runs a release that speaks none of this one's sync protocols.
fn negotiation_refused(e: &std::io::Error) -> bool {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<libp2p::core::upgrade::NegotiationError>())
        .is_some_and(|n| matches!(n, libp2p::core::upgrade::NegotiationError::Failed))
}
