//! `/bureau/join/1`: a new device presents an invite secret; the inviter adds it.
//!
//! One request frame, one answer frame, each a big-endian `u32` length and JSON, capped at
//! [`MAX_JOIN_FRAME`]. The inviter learns the joiner's peer id from the transport (Noise
//! authenticated it), never from the request.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bureau_doc::DocHandle;
use bureau_model::{Applied, Edit, Fields, MemberFields};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tracing::{info, warn};

use crate::NetError;
use crate::invite::{Check, InviteBook};

/// The protocol name.
pub const JOIN_PROTOCOL: &str = "/bureau/join/1";

/// Largest join frame: a secret and a name fit in a few hundred bytes.
const MAX_JOIN_FRAME: usize = 4096;

/// How long a joiner may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Join attempts allowed per peer per window, and from everyone per window. A secret has 128
/// bits, so this is not about guessing it; it keeps a stranger from making the node spend
/// work (and log lines) without end.
const PER_PEER: usize = 5;
const GLOBAL: usize = 60;
const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JoinRequest {
    pub(crate) secret: String,
    pub(crate) name: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JoinAnswer {
    pub(crate) ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bureau_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
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

/// Sliding-window limits on join attempts.
#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    per_peer: HashMap<String, VecDeque<Instant>>,
    global: VecDeque<Instant>,
}

impl RateLimiter {
    /// Records an attempt; false if it is over a limit.
    pub(crate) fn allow(&mut self, peer: &str, now: Instant) -> bool {
        let fresh = |q: &mut VecDeque<Instant>| {
            while q.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
                q.pop_front();
            }
        };
        fresh(&mut self.global);
        let q = self.per_peer.entry(peer.to_owned()).or_default();
        fresh(q);
        if q.len() >= PER_PEER || self.global.len() >= GLOBAL {
            return false;
        }
        q.push_back(now);
        self.global.push_back(now);
        self.per_peer.retain(|_, q| !q.is_empty());
        true
    }
}

/// The inviter's side of one join stream. Returns the member id of the new device's member
/// when it joined.
pub(crate) async fn serve_join<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    peer: &str,
    doc: &DocHandle,
    book: &Arc<Mutex<InviteBook>>,
    limiter: &Arc<Mutex<RateLimiter>>,
) -> Result<String, NetError> {
    let allowed = limiter
        .lock()
        .expect("the rate limiter lock is never poisoned")
        .allow(peer, Instant::now());
    let answer = |error: &str| JoinAnswer {
        ok: false,
        bureau_id: None,
        member_id: None,
        error: Some(error.to_owned()),
    };
    if !allowed {
        let _ = write_json(&mut stream, &answer("too many attempts; wait a minute")).await;
        return Err(NetError::Join(format!(
            "join attempts from {peer} are over the limit"
        )));
    }
    let req: JoinRequest = tokio::time::timeout(REQUEST_TIMEOUT, read_json(&mut stream))
        .await
        .map_err(|_| NetError::Join("the joiner sent nothing in time".to_owned()))??;
    let name = req.name.trim().to_owned();
    let now = jiff::Timestamp::now().as_second();
    let check = book
        .lock()
        .expect("the invite book lock is never poisoned")
        .check(&req.secret, now);
    let role = match check {
        Check::Ok(role) => role,
        other => {
            let msg = match other {
                Check::Expired => "this invite has expired; ask for a new one",
                Check::Used => "this invite was already used; ask for a new one",
                _ => {
                    "this invite is not valid here (it may be mistyped or forged); ask for a new one"
                }
            };
            warn!(%peer, ?other, "refused a join");
            let _ = write_json(&mut stream, &answer(msg)).await;
            return Err(NetError::Join(msg.to_owned()));
        }
    };
    if name.is_empty() || name.chars().count() > 200 {
        let _ = write_json(
            &mut stream,
            &answer("a name of 1 to 200 characters is required"),
        )
        .await;
        return Err(NetError::Join("bad name".to_owned()));
    }
    // Burn the secret first: if anything below fails, the code cannot be replayed.
    book.lock()
        .expect("the invite book lock is never poisoned")
        .mark_used(&req.secret, peer)?;
    let added = async {
        let member = doc
            .edit(Edit::Create(Fields::Member(MemberFields {
                name: Some(name.clone()),
                ..MemberFields::default()
            })))
            .await?;
        let Applied::Record(_, member_id) = member else {
            return Err(NetError::Join("creating the member failed".to_owned()));
        };
        doc.edit(Edit::AddDevice {
            peer_id: peer.to_owned(),
            member_id: member_id.clone(),
            name: format!("{name}'s device"),
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
                    error: None,
                },
            )
            .await
            .map_err(|e| NetError::Join(e.to_string()))?;
            info!(%peer, %name, role = %role, "a new device joined");
            Ok(member_id)
        }
        Err(e) => {
            let _ = write_json(
                &mut stream,
                &answer("the inviting node could not add you; ask for a new invite"),
            )
            .await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limiter_caps_each_peer_and_everyone() {
        let mut l = RateLimiter::default();
        let t = Instant::now();
        for _ in 0..PER_PEER {
            assert!(l.allow("a", t));
        }
        assert!(!l.allow("a", t), "over the per-peer limit");
        assert!(l.allow("b", t), "another peer is not affected");
        assert!(
            l.allow("a", t + WINDOW + Duration::from_secs(1)),
            "the window slides"
        );
        let mut g = RateLimiter::default();
        for i in 0..GLOBAL {
            assert!(g.allow(&format!("p{i}"), t));
        }
        assert!(!g.allow("fresh", t), "over the global limit");
    }
}
