//! Presence: who has which shared document open, and where, told to peers over the sync
//! sessions ([`bureau_sync::PRESENCE`]) and never stored, neither in the document nor on disk.
//!
//! **This node's.** Each open editor (a browser tab, or a script through the API) reports its
//! document and paragraph ([`EventLoop::set_presence`]) and says when it leaves. The loop
//! keeps one entry per editor and forgets one that has not reported for [`LOCAL_TTL`] (a tab
//! that closed without a word), builds the node's [`Presence`] from them (per document the
//! paragraph of the editor that reported last), and publishes it on a watch channel that
//! every session with a peer that speaks presence tells: at once when it changes, and again
//! every [`REFRESH`] while anything is open, so that a peer can tell a live presence from one
//! whose node went silent.
//!
//! **Peers'.** A session keeps what its peer last told, with when, in its status; the loop
//! reads it there on request ([`EventLoop::presence_of`]). So a peer's presence goes at once
//! when its session ends (a leave, a stopped node, a lost connection noticed), and is ignored
//! once older than [`EXPIRY`] (a connection lost without anyone noticing yet).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bureau_sync::{MAX_PRESENCE_DOCS, OpenDocument, Presence};

use super::EventLoop;
use crate::PeerPresence;

/// How often this node tells its presence again while a document is open.
pub(super) const REFRESH: Duration = Duration::from_secs(5);

/// How long a peer's presence counts without a refresh: a few seconds past [`REFRESH`], so
/// that one late refresh does not make anyone vanish.
pub(super) const EXPIRY: Duration = Duration::from_secs(9);

/// How long an open editor counts without a report: its page reports every few seconds,
/// and one that closed without saying so (a crash, a lost laptop lid) goes after this.
pub(super) const LOCAL_TTL: Duration = Duration::from_secs(12);

/// Most editors this node keeps at once: each is a tab of its own user, so the cap only
/// bounds what a runaway script can make the loop hold.
const MAX_EDITORS: usize = 256;

/// One editor open on this node.
#[derive(Clone, Debug)]
pub(super) struct Editor {
    paragraph: u32,
    at: Instant,
}

/// The editors open on this node, by document and by the editor's own id.
pub(super) type Editors = HashMap<(String, String), Editor>;

impl EventLoop {
    /// An editor of `document` (`tab` names it among the node's editors) is in `paragraph`,
    /// or, with `None`, has left.
    pub(super) fn set_presence(&mut self, document: String, tab: String, paragraph: Option<u32>) {
        let key = (document, tab);
        match paragraph {
            Some(paragraph) => {
                if !self.editors.contains_key(&key) && self.editors.len() >= MAX_EDITORS {
                    // The one that reported longest ago makes room.
                    if let Some(oldest) = self
                        .editors
                        .iter()
                        .min_by_key(|(_, e)| e.at)
                        .map(|(k, _)| k.clone())
                    {
                        self.editors.remove(&oldest);
                    }
                }
                self.editors.insert(
                    key,
                    Editor {
                        paragraph,
                        at: Instant::now(),
                    },
                );
            }
            None => {
                self.editors.remove(&key);
            }
        }
        self.publish_presence();
    }

    /// Forgets editors that stopped reporting, publishes the presence if it changed, and
    /// marks it changed for a refresh every [`REFRESH`] while anything is open.
    pub(super) fn presence_tick(&mut self) {
        let before = self.editors.len();
        self.editors.retain(|_, e| e.at.elapsed() < LOCAL_TTL);
        if self.editors.len() != before || self.presence_told.elapsed() >= REFRESH {
            self.publish_presence();
        }
        if self.presence_told.elapsed() >= REFRESH && !self.presence_tx.borrow().open.is_empty() {
            self.presence_told = Instant::now();
            self.presence_tx.send_modify(|_| {});
        }
    }

    /// Builds this node's presence from its editors and its document (the member and device
    /// names), and publishes it to the sessions if it changed.
    fn publish_presence(&mut self) {
        let st = self.doc.state();
        let device = st.snapshot.devices.get(&st.peer_id);
        let member_id = device.map(|d| d.member_id.clone()).unwrap_or_default();
        let name = st
            .snapshot
            .members
            .get(&member_id)
            .map(|m| m.name.clone())
            .unwrap_or_default();
        let mut latest: HashMap<&str, &Editor> = HashMap::new();
        for ((document, _), e) in &self.editors {
            let slot = latest.entry(document.as_str()).or_insert(e);
            if e.at > slot.at {
                *slot = e;
            }
        }
        let mut open: Vec<(&str, &Editor)> = latest.into_iter().collect();
        // The documents reported last first, should there be more than a frame carries.
        open.sort_by_key(|(d, e)| (std::cmp::Reverse(e.at), *d));
        open.truncate(MAX_PRESENCE_DOCS);
        let mut open: Vec<OpenDocument> = open
            .into_iter()
            .map(|(d, e)| OpenDocument {
                document: d.to_owned(),
                paragraph: e.paragraph,
            })
            .collect();
        open.sort_by(|a, b| a.document.cmp(&b.document));
        let presence = Presence {
            member_id,
            name,
            device: device.map(|d| d.name.clone()).unwrap_or_default(),
            open,
        };
        let changed = self.presence_tx.send_if_modified(|old| {
            if **old == presence {
                false
            } else {
                *old = Arc::new(presence);
                true
            }
        });
        if changed {
            self.presence_told = Instant::now();
        }
    }

    /// Who else has `document` open: each peer whose session told a presence, not older than
    /// [`EXPIRY`], listing it. Member and device names are what this node's document says of
    /// the peer's device (a peer cannot pass for another member); what the peer told only
    /// fills in for a device this node does not know yet.
    pub(super) fn presence_of(&self, document: &str) -> Vec<PeerPresence> {
        let st = self.doc.state();
        let mut out: Vec<PeerPresence> = self
            .peers
            .iter()
            .filter_map(|(id, p)| {
                let status = p.session.as_ref()?.status.as_ref()?;
                let heard = status.borrow().presence.clone()?;
                let age = heard.at.elapsed();
                if age >= EXPIRY {
                    return None;
                }
                let open = heard
                    .presence
                    .open
                    .iter()
                    .find(|o| o.document == document)?;
                let peer_id = id.to_base58();
                let (member_id, name, device) = match st.snapshot.devices.get(&peer_id) {
                    Some(d) => (
                        d.member_id.clone(),
                        st.snapshot
                            .members
                            .get(&d.member_id)
                            .map(|m| m.name.clone())
                            .unwrap_or_else(|| heard.presence.name.clone()),
                        d.name.clone(),
                    ),
                    None => (
                        heard.presence.member_id.clone(),
                        heard.presence.name.clone(),
                        heard.presence.device.clone(),
                    ),
                };
                Some(PeerPresence {
                    peer_id,
                    member_id,
                    name,
                    device,
                    paragraph: open.paragraph,
                    seen_ms_ago: u64::try_from(age.as_millis()).unwrap_or(u64::MAX),
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.name, &a.peer_id).cmp(&(&b.name, &b.peer_id)));
        out
    }
}
