//! Who has the latest: each member with their devices, and for each device whether it is
//! known to hold every change this node holds, how many it lacks, or that nothing is known
//! (`GET /api/board` and the board page).
//!
//! What a device holds is what it last announced to this node in a sync session, or what
//! another peer last told of it (`peer-heads`, see `bureau_sync::PEER_HEADS`): a member who
//! syncs only through the hub is known through the hub. The newer of the two counts. How far
//! behind it is comes from the document itself ([`bureau_doc::DocHandle::behind`]): the
//! changes this node holds that are neither among those heads nor their ancestors.

use serde::Serialize;

use crate::{AppState, HeadsSeen, NetworkStatus};

/// A device's line on the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct DeviceLine {
    pub(crate) peer_id: String,
    /// The device's name in the document.
    #[serde(skip)]
    pub(crate) name: String,
    /// When what is known of it was true (RFC 3339): its last sync with this node, or the
    /// time another peer heard its heads.
    pub(crate) last_sync: Option<String>,
    /// `current`, `behind` or `unknown`.
    pub(crate) state: &'static str,
    /// Changes it lacks, when `behind`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) behind_by: Option<usize>,
    /// The peer that told of it, when that is how it is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) via: Option<String>,
    /// It is this node's own device.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) this: bool,
}

/// A member's lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct MemberLine {
    pub(crate) member_id: String,
    pub(crate) name: String,
    pub(crate) devices: Vec<DeviceLine>,
}

/// The newest of what a peer announced itself and what another told of it.
fn newest<'a>(own: Option<&'a HeadsSeen>, heard: Option<&'a HeadsSeen>) -> Option<&'a HeadsSeen> {
    match (own, heard) {
        (Some(a), Some(b)) => Some(if b.at > a.at { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// The board: every member by name (archived ones left out), with their devices that are not
/// revoked.
pub(crate) async fn board(state: &AppState) -> Vec<MemberLine> {
    let st = state.doc.state();
    let net: std::sync::Arc<NetworkStatus> =
        state.net.as_ref().map(|n| n.status()).unwrap_or_default();
    let mut members: Vec<MemberLine> = st
        .snapshot
        .members
        .values()
        .filter(|m| !m.stamp.archived)
        .map(|m| MemberLine {
            member_id: m.id.clone(),
            name: m.name.clone(),
            devices: Vec::new(),
        })
        .collect();
    members.sort_by_key(|m| m.name.to_lowercase());
    // What is known of each device, and the heads whose distance is asked of the document.
    let mut asked: Vec<Vec<String>> = Vec::new();
    let mut lines: Vec<(String, DeviceLine, Option<usize>)> = Vec::new();
    for (peer_id, d) in &st.snapshot.devices {
        if d.revoked {
            continue;
        }
        let this = *peer_id == st.peer_id;
        let info = net.peers.iter().find(|p| p.peer_id == *peer_id);
        let seen = info.and_then(|p| newest(p.heads.as_ref(), p.heard.as_ref()));
        let slot = seen.map(|s| {
            asked.push(s.heads.clone());
            asked.len() - 1
        });
        let via = seen.and_then(|s| s.via.as_ref()).map(|v| {
            st.snapshot
                .devices
                .get(v)
                .map_or_else(|| v.clone(), |d| d.name.clone())
        });
        let last_sync = match seen {
            Some(s) if s.via.is_some() => Some(s.at.clone()),
            _ => info
                .and_then(|p| p.last_sync.clone())
                .or_else(|| seen.map(|s| s.at.clone())),
        };
        lines.push((
            d.member_id.clone(),
            DeviceLine {
                peer_id: peer_id.clone(),
                name: d.name.clone(),
                last_sync,
                state: if this { "current" } else { "unknown" },
                behind_by: None,
                via,
                this,
            },
            if this { None } else { slot },
        ));
    }
    let counts = if asked.is_empty() {
        Vec::new()
    } else {
        state.doc.behind(asked).await.unwrap_or_default()
    };
    for (member, mut line, slot) in lines {
        if let Some(n) = slot.and_then(|i| counts.get(i)).copied() {
            if n == 0 {
                line.state = "current";
            } else {
                line.state = "behind";
                line.behind_by = Some(n);
            }
        }
        if let Some(m) = members.iter_mut().find(|m| m.member_id == member) {
            m.devices.push(line);
        }
    }
    for m in &mut members {
        m.devices
            .sort_by(|a, b| b.this.cmp(&a.this).then(a.name.cmp(&b.name)));
    }
    members
}

/// `GET /api/board`.
pub(crate) async fn api(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<Vec<MemberLine>> {
    axum::Json(board(&state).await)
}
