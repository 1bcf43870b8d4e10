//! Glue between the web layer's [`bureau_web::Network`] and `bureau-net`, which must not know
//! each other.

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bureau_doc::DocHandle;
use bureau_model::Snapshot;
use bureau_net::{Identity, Joined, NetError, NetHandle};
use bureau_store::Files;
use bureau_web::{
    DialFailure, HeadsSeen, Incompatible, InviteListed, InviteMade, JoinedBureau, NetFacts,
    NetFailure, NetFuture, Network, NetworkStatus, PeerInfo, PresenceSeen, Refusal, SyncCounts,
};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

/// Whether this data directory joined a bureau whose document has not arrived yet.
pub(crate) fn pending_join(files: &Files) -> bool {
    bureau_net::pending_bureau(files).is_some()
}

/// Name of the file holding [`fingerprint`] of the bureau this node founded, as it was right
/// after founding (and the demo's records); absent for a bureau it joined.
pub(crate) const FOUNDED_FILE: &str = "founded";

/// A digest of every record of a bureau but the devices (which a node writes to itself as
/// its addresses change): equal while nobody has edited the bureau. Written by one release
/// and read by the same one; a digest from another release reads as "edited", which only
/// keeps the bureau from being set aside from the UI.
pub(crate) fn fingerprint(snapshot: &Snapshot) -> String {
    let mut records = snapshot.clone();
    records.devices = Default::default();
    records.problems.clear();
    let json = serde_json::to_string(&records).unwrap_or_default();
    let mut h = std::hash::DefaultHasher::new();
    json.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// What joining another bureau from the UI needs: the node's identity and files for the
/// join, the fingerprint of the bureau as founded, and the way to ask `serve` to start again.
#[derive(Debug)]
pub(crate) struct Rejoin {
    pub(crate) identity: Identity,
    pub(crate) files: Files,
    pub(crate) doc: DocHandle,
    /// [`FOUNDED_FILE`]'s content, if any.
    pub(crate) founded: Option<String>,
    pub(crate) restart: mpsc::Sender<Joined>,
    /// Set while a join runs: a second one is refused, not run beside it.
    pub(crate) busy: Arc<AtomicBool>,
    /// The last answer of [`Network::untouched`], by the document's version.
    pub(crate) untouched: Mutex<Option<(u64, bool)>>,
}

/// The network as the web layer sees it.
#[derive(Debug)]
struct Adapter {
    net: NetHandle,
    changed: watch::Receiver<()>,
    rejoin: Option<Rejoin>,
}

/// A failed join as the web layer names it: the field at fault, or none when the inviter
/// could not be reached.
fn join_failure(e: NetError) -> NetFailure {
    let field = match &e {
        NetError::Invite(_) => Some("code"),
        NetError::BadName(_) => Some("name"),
        NetError::BadAddress { .. } => Some("peers"),
        NetError::Refused { reason, .. } if reason == "name" || reason == "name_taken" => {
            Some("name")
        }
        NetError::Refused { .. } => Some("code"),
        _ => None,
    };
    NetFailure {
        field,
        message: e.to_string(),
    }
}

fn failure(e: NetError) -> NetFailure {
    let field = match &e {
        NetError::BadAddress { .. } => Some("addr"),
        _ => None,
    };
    NetFailure {
        field,
        message: e.to_string(),
    }
}

/// Wraps a network handle; a task forwards its status changes as bare wake-ups until
/// `cancel` fires.
pub(crate) fn adapter(
    net: NetHandle,
    cancel: CancellationToken,
    rejoin: Option<Rejoin>,
) -> Arc<dyn Network> {
    let (tx, rx) = watch::channel(());
    let (forward_net, forward_cancel) = (net.clone(), cancel.clone());
    crate::supervise::helper("network status to the web layer", cancel, move || {
        let (tx, cancel) = (tx.clone(), forward_cancel.clone());
        let mut status = forward_net.subscribe();
        async move {
            loop {
                tokio::select! {
                    changed = status.changed() => {
                        if changed.is_err() || tx.send(()).is_err() {
                            break;
                        }
                    }
                    () = cancel.cancelled() => break,
                }
            }
        }
    });
    Arc::new(Adapter {
        net,
        changed: rx,
        rejoin,
    })
}

impl Network for Adapter {
    fn status(&self) -> Arc<NetworkStatus> {
        Arc::new(web_status(&self.net.status()))
    }

    fn changed(&self) -> watch::Receiver<()> {
        self.changed.clone()
    }

    fn dial(&self, addr: String) -> NetFuture<()> {
        let net = self.net.clone();
        Box::pin(async move { net.dial(&addr).await.map_err(failure) })
    }

    fn set_paused(&self, paused: bool) -> NetFuture<()> {
        let net = self.net.clone();
        Box::pin(async move { net.set_paused(paused).await.map_err(failure) })
    }

    fn invite(&self, role: bureau_model::Role, expires_in: Duration) -> NetFuture<InviteMade> {
        self.invite_for(role, expires_in, None)
    }

    fn invite_for(
        &self,
        role: bureau_model::Role,
        expires_in: Duration,
        member_id: Option<String>,
    ) -> NetFuture<InviteMade> {
        let net = self.net.clone();
        Box::pin(async move {
            let made = net
                .invite(role, expires_in, member_id)
                .await
                .map_err(failure)?;
            Ok(InviteMade {
                code: made.code,
                link: made.link,
                expires_at: made.expires_at,
            })
        })
    }

    fn set_presence(&self, document: String, tab: String, paragraph: Option<u32>) -> NetFuture<()> {
        let net = self.net.clone();
        Box::pin(async move {
            net.set_presence(document, tab, paragraph)
                .await
                .map_err(failure)
        })
    }

    fn presence(&self, document: String) -> NetFuture<Vec<PresenceSeen>> {
        let net = self.net.clone();
        Box::pin(async move {
            let seen = net.presence(document).await.map_err(failure)?;
            Ok(seen
                .into_iter()
                .map(|p| PresenceSeen {
                    member_id: p.member_id,
                    name: p.name,
                    device: p.device,
                    paragraph: p.paragraph,
                    seen_ms_ago: p.seen_ms_ago,
                })
                .collect())
        })
    }

    fn untouched(&self) -> bool {
        let Some(r) = &self.rejoin else {
            return false;
        };
        let Some(founded) = &r.founded else {
            return false;
        };
        let st = r.doc.state();
        let mut cached = r.untouched.lock().expect("never poisoned");
        if let Some((version, answer)) = *cached
            && version == st.version
        {
            return answer;
        }
        let answer = st.snapshot.meta.bureau_id.is_empty() || fingerprint(&st.snapshot) == *founded;
        *cached = Some((st.version, answer));
        answer
    }

    fn join_bureau(
        &self,
        code: String,
        name: Option<String>,
        peers: Vec<String>,
    ) -> NetFuture<JoinedBureau> {
        let Some(r) = &self.rejoin else {
            return Box::pin(async {
                Err(NetFailure {
                    field: None,
                    message: "this node cannot join another bureau from here".to_owned(),
                })
            });
        };
        if r.busy.swap(true, Ordering::SeqCst) {
            return Box::pin(async {
                Err(NetFailure {
                    field: Some("code"),
                    message: "a join is already under way on this node".to_owned(),
                })
            });
        }
        let (identity, files, restart) = (r.identity.clone(), r.files.clone(), r.restart.clone());
        let busy = r.busy.clone();
        let res = async move {
            let joined = bureau_net::join(&identity, &files, &code, name.as_deref(), &peers)
                .await
                .map_err(join_failure)?;
            let answer = JoinedBureau {
                bureau_id: joined.bureau_id.clone(),
                member_name: joined.member_name.clone(),
            };
            // `serve` stops the node, sets this bureau aside and starts on the one joined.
            restart.send(joined).await.map_err(|_| NetFailure {
                field: None,
                message: "the node is stopping; start it again and it joins the bureau".to_owned(),
            })?;
            Ok(answer)
        };
        Box::pin(async move {
            let out = res.await;
            if out.is_err() {
                busy.store(false, Ordering::SeqCst);
            }
            out
        })
    }

    fn bundle_export(&self, since_peer: Option<String>) -> bureau_web::BundleFuture<Vec<u8>> {
        let Some(r) = &self.rejoin else {
            return Box::pin(async { Err(bureau_doc::DocError::NotMember) });
        };
        let (doc, identity) = (r.doc.clone(), r.identity.clone());
        Box::pin(async move { bureau_net::bundle::export(&doc, &identity, since_peer).await })
    }

    fn bundle_import(&self, bytes: Vec<u8>) -> bureau_web::BundleFuture<bureau_doc::ImportReport> {
        let Some(r) = &self.rejoin else {
            return Box::pin(async { Err(bureau_doc::DocError::NotMember) });
        };
        let (doc, identity, files) = (r.doc.clone(), r.identity.clone(), r.files.clone());
        Box::pin(async move { bureau_net::bundle::import(&doc, &identity, &files, &bytes).await })
    }

    fn invites(&self) -> NetFuture<Vec<InviteListed>> {
        let net = self.net.clone();
        Box::pin(async move {
            let list = net.invites().await.map_err(failure)?;
            Ok(list
                .into_iter()
                .map(|i| InviteListed {
                    // A closed code is worth nothing to show.
                    code: i.code.filter(|_| i.state == "open"),
                    role: i.role,
                    member_id: i.member_id,
                    expires_at: i.expires_at,
                    state: i.state.to_owned(),
                    wrong: i.wrong,
                })
                .collect())
        })
    }
}

/// The network's status in the web layer's terms.
fn web_status(st: &bureau_net::NetStatus) -> NetworkStatus {
    NetworkStatus {
        listen: st.listen.clone(),
        paused: st.paused,
        peers: st
            .peers
            .iter()
            .map(|p| PeerInfo {
                peer_id: p.peer_id.clone(),
                name: p.name.clone(),
                member_id: p.member_id.clone(),
                role: p.role.clone(),
                revoked: p.revoked,
                connected: p.connected,
                in_sync: p.in_sync,
                last_sync: p.last_sync.clone(),
                addr: p.addr.clone(),
                source: p.source.map(|s| s.as_str().to_owned()),
                sync: SyncCounts {
                    sent_bytes: p.sync.sent_bytes,
                    received_bytes: p.sync.received_bytes,
                    sent_messages: p.sync.sent_messages,
                    received_messages: p.sync.received_messages,
                },
                protocol: p.protocol.clone(),
                heads: p.heads.as_ref().map(seen),
                heard: p.heard.as_ref().map(seen),
                clock_offset_secs: p.clock_offset_secs,
            })
            .collect(),
        facts: NetFacts {
            mdns: st.facts.mdns,
            mdns_heard: st.facts.mdns_heard,
            running_secs: st.facts.running_secs,
            multicast_route: st.facts.multicast_route,
            dial_errors: st
                .facts
                .dial_errors
                .iter()
                .map(|d| DialFailure {
                    addr: d.addr.clone(),
                    peer_id: d.peer_id.clone(),
                    error: d.error.clone(),
                    at: d.at.clone(),
                })
                .collect(),
            refused: st
                .facts
                .refused
                .iter()
                .map(|r| Refusal {
                    peer_id: r.peer_id.clone(),
                    reason: r.reason.clone(),
                    at: r.at.clone(),
                })
                .collect(),
            incompatible: st
                .facts
                .incompatible
                .iter()
                .map(|i| Incompatible {
                    peer_id: i.peer_id.clone(),
                    protocol: i.protocol.clone(),
                    at: i.at.clone(),
                })
                .collect(),
        },
    }
}

fn seen(h: &bureau_net::HeardStatus) -> HeadsSeen {
    HeadsSeen {
        heads: h.heads.clone(),
        at: h.at.clone(),
        via: h.via.clone(),
    }
}

/// The addresses worth telling other members: the node's listen addresses without loopback
/// ones (they mean "this machine" to whoever reads them), unless loopback is all there is (a
/// node kept on one machine, as in tests). Sorted, as the document's set reads back.
fn publishable(listen: &[String]) -> Vec<String> {
    let loopback = |a: &String| a.starts_with("/ip4/127.") || a.starts_with("/ip6/::1/");
    let unspecified = |a: &String| a.starts_with("/ip4/0.0.0.0/") || a.starts_with("/ip6/::/");
    let mut out: Vec<String> = listen
        .iter()
        .filter(|a| !loopback(a) && !unspecified(a))
        .cloned()
        .collect();
    if out.is_empty() {
        out = listen.iter().filter(|a| loopback(a)).cloned().collect();
    }
    out.sort();
    out.dedup();
    out.truncate(16);
    out
}

/// Keeps this device's addresses in the bureau's document current, so that every member's
/// node can dial every other one, also those it never met (a device that joined through
/// another member). Each node writes only its own device record, so these writes never
/// conflict; an observer cannot write and is dialled by the members it dials itself.
///
/// `announce` (`--announce`, checked, sorted), when given, is published instead of the listen
/// addresses: behind a forwarded port or a proxy, the listen addresses are exactly the ones
/// others must not dial, as that would go around whatever stands in front of the node.
///
/// The record also lists the sync protocols this node speaks (`protocols`), so that a member
/// opens `/bureau/sync/2` only to a node that speaks it; a node of an earlier release lists
/// none and is spoken to with `/1`.
pub(crate) fn publish_addresses(
    doc: bureau_doc::DocHandle,
    net: NetHandle,
    peer_id: String,
    announce: Vec<String>,
    mut protocols: Vec<String>,
    cancel: CancellationToken,
) {
    protocols.sort();
    let task_cancel = cancel.clone();
    crate::supervise::helper(
        "publishing this device's addresses",
        task_cancel,
        move || {
            publish_addresses_once(
                doc.clone(),
                net.clone(),
                peer_id.clone(),
                announce.clone(),
                protocols.clone(),
                cancel.clone(),
            )
        },
    );
}

/// The task of [`publish_addresses`]: runs until `cancel` fires or a channel closes.
async fn publish_addresses_once(
    doc: bureau_doc::DocHandle,
    net: NetHandle,
    peer_id: String,
    announce: Vec<String>,
    protocols: Vec<String>,
    cancel: CancellationToken,
) {
    {
        let mut net_rx = net.subscribe();
        let mut doc_rx = doc.subscribe();
        loop {
            let want = if announce.is_empty() {
                publishable(&net.status().listen)
            } else {
                announce.clone()
            };
            let state = doc.state();
            let stale = state.snapshot.devices.get(&peer_id).is_some_and(|d| {
                !d.revoked
                    && d.role != bureau_model::Role::Observer
                    && (d.addrs != want || d.protocols != protocols)
            });
            drop(state);
            if stale && !want.is_empty() {
                let edit = bureau_model::Edit::SetDeviceAddrs {
                    peer_id: peer_id.clone(),
                    addrs: want,
                    protocols: protocols.clone(),
                };
                if let Err(e) = doc.edit(edit).await {
                    tracing::warn!(error = %e, "could not publish this device's addresses");
                }
            }
            tokio::select! {
                changed = net_rx.changed() => if changed.is_err() { break },
                changed = doc_rx.changed() => if changed.is_err() { break },
                () = cancel.cancelled() => break,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{publishable, web_status};
    use bureau_net::{HeardStatus, NetStatus, PeerStatus, Source, SyncTotals};

    /// `/api/status` and `/api/peers` serve the web layer's status: it must serialise exactly
    /// as the network's own did, field for field, so scripts see no change.
    #[test]
    fn the_web_status_serialises_as_the_network_status() {
        let peer = |n: u64, source: Option<Source>| PeerStatus {
            peer_id: format!("12D3KooW{n:044}"),
            name: Some(format!("laptop {n}")),
            member_id: Some("m1".to_owned()),
            role: Some("editor".to_owned()),
            revoked: n.is_multiple_of(2),
            connected: n.is_multiple_of(3),
            in_sync: n.is_multiple_of(5),
            last_sync: Some("2026-12-03T10:00:00Z".to_owned()),
            addr: Some("/ip4/127.0.0.1/tcp/4001".to_owned()),
            source,
            sync: SyncTotals {
                sent_bytes: n,
                received_bytes: n + 1,
                sent_messages: n + 2,
                received_messages: n + 3,
            },
            protocol: Some("/bureau/sync/2".to_owned()),
            heads: n.is_multiple_of(2).then(|| HeardStatus {
                heads: vec!["ab".repeat(32)],
                at: "2026-12-03T10:00:00Z".to_owned(),
                via: None,
            }),
            heard: n.is_multiple_of(3).then(|| HeardStatus {
                heads: vec!["cd".repeat(32)],
                at: "2026-12-03T09:00:00Z".to_owned(),
                via: Some("12D3KooWhub".to_owned()),
            }),
            clock_offset_secs: n.is_multiple_of(4).then_some(7200),
        };
        let sources = [
            None,
            Some(Source::Mdns),
            Some(Source::Cli),
            Some(Source::Api),
            Some(Source::Invite),
            Some(Source::Remembered),
            Some(Source::Inbound),
            Some(Source::Bureau),
        ];
        let net = NetStatus {
            facts: bureau_net::NetFacts {
                mdns: true,
                mdns_heard: false,
                running_secs: 42,
                multicast_route: Some(false),
                dial_errors: vec![bureau_net::DialFailure {
                    addr: "/ip4/127.0.0.1/tcp/9".to_owned(),
                    peer_id: None,
                    error: "Connection refused (os error 111)".to_owned(),
                    at: "2026-12-03T10:00:00Z".to_owned(),
                }],
                refused: vec![bureau_net::Refusal {
                    peer_id: "12D3KooWrevoked".to_owned(),
                    reason: "revoked".to_owned(),
                    at: "2026-12-03T10:00:00Z".to_owned(),
                }],
                incompatible: vec![bureau_net::Incompatible {
                    peer_id: "12D3KooWfuture".to_owned(),
                    protocol: "/bureau/sync/1".to_owned(),
                    at: "2026-12-03T10:00:00Z".to_owned(),
                }],
            },
            listen: vec!["/ip4/127.0.0.1/tcp/4001".to_owned()],
            paused: true,
            peers: sources
                .into_iter()
                .enumerate()
                .map(|(n, s)| peer(n as u64, s))
                .collect(),
        };
        assert_eq!(
            serde_json::to_value(web_status(&net)).unwrap(),
            serde_json::to_value(&net).unwrap()
        );
    }

    #[test]
    fn only_reachable_addresses_are_published() {
        let s = |v: &[&str]| v.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
        let lan = s(&[
            "/ip4/127.0.0.1/tcp/4001",
            "/ip4/192.0.2.7/tcp/4001",
            "/ip4/192.0.2.7/udp/4002/quic-v1",
        ]);
        assert_eq!(
            publishable(&lan),
            s(&["/ip4/192.0.2.7/tcp/4001", "/ip4/192.0.2.7/udp/4002/quic-v1"])
        );
        let alone = s(&["/ip4/127.0.0.1/tcp/4001"]);
        assert_eq!(publishable(&alone), alone);
        assert!(publishable(&[]).is_empty());
    }
}
