//! The discovery doctor: why this node is not syncing, with a member or with anyone, in plain
//! words and with what to do next (`GET /api/doctor`, `bureau doctor`, the peers page).
//!
//! Every line comes from a fact the node holds, never a guess at the network: the pause;
//! listen addresses that are all loopback (no network interface with an address); the
//! routing table's lack of a route for multicast; mDNS on for a while with nothing heard and
//! nobody connected; each member's device not connected whose addresses failed, with the
//! last error of each; an address given by hand that failed; a peer this node refused (not a
//! device of the bureau, or revoked); this device itself revoked; a member whose clock is far
//! from this node's (as its session's `clock/1` frame said); a member whose node refused this
//! node's sync protocol (another release).

use axum::extract::State;
use axum::http::HeaderMap;
use serde::Serialize;

use crate::ui::i18n::{Lang, Tr};
use crate::{AppState, NetworkStatus};

/// mDNS has had this long to hear someone before its silence is worth a line.
const MDNS_GRACE_SECS: u64 = 30;

/// A member's clock this far from this node's makes times on records look wrong: a few
/// minutes is what clocks set by hand drift apart, more is a wrong time or time zone.
const CLOCK_SKEW_SECS: i64 = 600;

/// One thing that stands in the way of syncing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Line {
    /// What it is, in a word: `paused`, `no_address`, `no_multicast_route`, `mdns_silent`,
    /// `unreachable`, `address_failing`, `refused`, `this_revoked`, `clock`, `incompatible`.
    pub(crate) cause: &'static str,
    /// The peer it is about, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) peer_id: Option<String>,
    /// What is wrong.
    pub(crate) says: String,
    /// What to do next.
    pub(crate) next: String,
}

fn short(id: &str) -> String {
    let tail: String = id
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

fn is_loopback(addr: &str) -> bool {
    addr.starts_with("/ip4/127.") || addr.starts_with("/ip6/::1/")
}

/// The doctor's lines, in the reader's language; empty when nothing is found.
pub(crate) fn lines(tr: Tr, state: &AppState, net: Option<&NetworkStatus>) -> Vec<Line> {
    let st = state.doc.state();
    let snap = &st.snapshot;
    let name_of = |peer: &str| {
        snap.devices
            .get(peer)
            .map_or_else(|| short(peer), |d| d.name.clone())
    };
    let line = |cause: &'static str, peer: Option<&str>, says: String, next: &str| Line {
        cause,
        peer_id: peer.map(str::to_owned),
        says,
        next: tr.t(next),
    };
    let mut out = Vec::new();
    if snap.devices.get(&st.peer_id).is_some_and(|d| d.revoked) {
        out.push(line(
            "this_revoked",
            None,
            tr.t("doctor-this-revoked"),
            "doctor-this-revoked-next",
        ));
    }
    let Some(net) = net else {
        return out;
    };
    if net.paused {
        out.push(line(
            "paused",
            None,
            tr.t("doctor-paused"),
            "doctor-paused-next",
        ));
    }
    if net.listen.iter().all(|a| is_loopback(a)) {
        out.push(line(
            "no_address",
            None,
            tr.t("doctor-no-address"),
            "doctor-no-address-next",
        ));
    }
    let facts = &net.facts;
    let connected = net.peers.iter().any(|p| p.connected);
    if facts.mdns && facts.multicast_route == Some(false) {
        out.push(line(
            "no_multicast_route",
            None,
            tr.t("doctor-no-multicast"),
            "doctor-no-multicast-next",
        ));
    } else if facts.mdns && !facts.mdns_heard && !connected && facts.running_secs >= MDNS_GRACE_SECS
    {
        out.push(line(
            "mdns_silent",
            None,
            tr.t("doctor-mdns-silent"),
            "doctor-mdns-silent-next",
        ));
    }
    // Members' devices not connected, whose addresses failed.
    let mut explained: Vec<&str> = Vec::new();
    for (peer, d) in &snap.devices {
        if *peer == st.peer_id || d.revoked {
            continue;
        }
        let info = net.peers.iter().find(|p| p.peer_id == *peer);
        if info.is_some_and(|p| p.connected) {
            continue;
        }
        let failures: Vec<&crate::DialFailure> = facts
            .dial_errors
            .iter()
            .filter(|f| f.peer_id.as_deref() == Some(peer.as_str()) || d.addrs.contains(&f.addr))
            .collect();
        if failures.is_empty() {
            continue;
        }
        explained.extend(failures.iter().map(|f| f.addr.as_str()));
        let errors = failures
            .iter()
            .map(|f| format!("{} ({})", f.addr, f.error))
            .collect::<Vec<_>>();
        out.push(line(
            "unreachable",
            Some(peer),
            tr.ta(
                "doctor-unreachable",
                &[
                    ("name", d.name.clone().into()),
                    ("errors", tr.list(&errors).into()),
                ],
            ),
            "doctor-unreachable-next",
        ));
    }
    // Addresses given by hand (no device named there) that failed.
    for f in &facts.dial_errors {
        if f.peer_id.is_some() || explained.contains(&f.addr.as_str()) {
            continue;
        }
        out.push(line(
            "address_failing",
            None,
            tr.ta(
                "doctor-address",
                &[
                    ("addr", f.addr.clone().into()),
                    ("error", f.error.clone().into()),
                ],
            ),
            "doctor-address-next",
        ));
    }
    for p in &net.peers {
        let Some(offset) = p.clock_offset_secs.filter(|o| o.abs() >= CLOCK_SKEW_SECS) else {
            continue;
        };
        let minutes = offset.abs() / 60;
        let id = if offset > 0 {
            "doctor-clock-ahead"
        } else {
            "doctor-clock-behind"
        };
        out.push(line(
            "clock",
            Some(&p.peer_id),
            tr.ta(
                id,
                &[
                    ("name", name_of(&p.peer_id).into()),
                    ("minutes", minutes.into()),
                ],
            ),
            "doctor-clock-next",
        ));
    }
    for i in &facts.incompatible {
        out.push(line(
            "incompatible",
            Some(&i.peer_id),
            tr.ta(
                "doctor-incompatible",
                &[
                    ("name", name_of(&i.peer_id).into()),
                    ("protocol", i.protocol.clone().into()),
                ],
            ),
            "doctor-incompatible-next",
        ));
    }
    for r in &facts.refused {
        let id = if r.reason == "revoked" {
            "doctor-refused-revoked"
        } else {
            "doctor-refused-stranger"
        };
        out.push(line(
            "refused",
            Some(&r.peer_id),
            tr.ta(id, &[("name", name_of(&r.peer_id).into())]),
            "doctor-refused-next",
        ));
    }
    out
}

/// `GET /api/doctor`: `{ok, lines: [{cause, peer_id?, says, next}]}`, in the language the
/// request asks for (`?lang=`, `Accept-Language`; English without either).
pub(crate) async fn api(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> axum::Json<serde_json::Value> {
    let lang = Lang::negotiate(&uri, &headers);
    let net = state.net.as_ref().map(|n| n.status());
    let lines = lines(Tr(lang), &state, net.as_deref());
    axum::Json(serde_json::json!({ "ok": lines.is_empty(), "lines": lines }))
}
