//! Browser sessions: what the `bureau_session` cookie carries instead of the API token.
//!
//! The login link (`?token=…`, on any page) proves the user holds the api-token once; the
//! node then makes a session of its own, a random 128-bit id, and sets it as an HttpOnly,
//! SameSite=Strict, host-only cookie that lives 30 days. The cookie is worth only what the
//! session is: it expires, it is dropped by "log out" (this browser) and by "log out every
//! browser", and it never gives away the token, which scripts keep using as a bearer header.
//!
//! Invariants:
//! - An empty id, an id of another form, an unknown or an expired id is never a session.
//! - The table lives in memory and, when the node gives a [`SessionFile`], in the data
//!   directory (`sessions.json`), so a restarted node keeps its browsers logged in. Every
//!   change is written whole, in the order the changes were made (one writer at a time, each
//!   writing the table as it is when its turn comes), and a login or log-out is answered
//!   only after its write: a log-out that was answered survives a restart.
//! - The table is bounded ([`MAX_SESSIONS`]); beyond it the session closest to expiry goes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};
use tracing::warn;

/// How long a session lasts from its login.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 24 * 3600);

/// Most sessions kept at once. Only a holder of the token can make one, so this bounds a
/// careless script's logins in a loop, not an attacker.
pub const MAX_SESSIONS: usize = 256;

/// Name of the file the binary stores the table in.
pub const SESSIONS_FILE: &str = "sessions.json";

/// Where the table is kept across restarts. The binary implements it over the store's durable
/// small-file writer; the web crate never touches the disk itself.
pub trait SessionFile: Send + Sync + std::fmt::Debug + 'static {
    /// The file's bytes, `None` when there is none yet.
    fn load(&self) -> Result<Option<Vec<u8>>, String>;
    /// Replaces the file durably (temp file, fsync, rename, directory fsync).
    fn save(&self, bytes: &[u8]) -> Result<(), String>;
}

/// The session table.
#[derive(Debug, Default)]
pub struct Sessions {
    /// Session id (32 lowercase hex digits) to its expiry, in Unix seconds.
    table: Mutex<HashMap<String, i64>>,
    file: Option<Arc<dyn SessionFile>>,
    /// Held while a write is under way, so writes reach the disk in order.
    writing: tokio::sync::Mutex<()>,
}

/// Whether `id` has the form of a session id this node makes.
pub(crate) fn is_session_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn now() -> i64 {
    Timestamp::now().as_second()
}

impl Sessions {
    /// A table kept in memory only (tests, and nodes that give no file).
    pub fn in_memory() -> Sessions {
        Sessions::default()
    }

    /// A table kept in `file`, with the sessions it holds that have not expired. A file that
    /// cannot be read or parsed is logged and the table starts empty: browsers log in again,
    /// nothing else is lost.
    pub fn persisted(file: Arc<dyn SessionFile>) -> Sessions {
        let mut table = HashMap::new();
        match file.load() {
            Ok(None) => {}
            Ok(Some(bytes)) => match parse(&bytes) {
                Some(t) => table = t,
                None => warn!("{SESSIONS_FILE} is not a session table; browsers must log in again"),
            },
            Err(e) => {
                warn!(error = %e, "cannot read {SESSIONS_FILE}; browsers must log in again");
            }
        }
        let now = now();
        table.retain(|_, exp| *exp > now);
        Sessions {
            table: Mutex::new(table),
            file: Some(file),
            writing: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        // A poisoned lock only means a panic elsewhere while it was held; the map is whole.
        self.table.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether `id` names a live session.
    pub fn valid(&self, id: &str) -> bool {
        if !is_session_id(id) {
            return false;
        }
        self.lock().get(id).is_some_and(|exp| *exp > now())
    }

    /// How many live sessions there are.
    pub fn len(&self) -> usize {
        let now = now();
        self.lock().values().filter(|e| **e > now).count()
    }

    /// Whether there is no live session.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Makes a session and answers its id, once it is written (a failed write is logged;
    /// the session still works until the node stops).
    pub async fn create(&self) -> Result<String, String> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| format!("no random source: {e}"))?;
        let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let lifetime = i64::try_from(SESSION_LIFETIME.as_secs()).unwrap_or(i64::MAX);
        {
            let mut t = self.lock();
            let now = now();
            t.retain(|_, exp| *exp > now);
            while t.len() >= MAX_SESSIONS {
                let Some(oldest) = t.iter().min_by_key(|(_, e)| **e).map(|(k, _)| k.clone()) else {
                    break;
                };
                t.remove(&oldest);
            }
            t.insert(id.clone(), now.saturating_add(lifetime));
        }
        if let Err(e) = self.persist().await {
            warn!(error = %e, "the new session could not be saved; it ends when the node stops");
        }
        Ok(id)
    }

    /// Adds a session with a given id, as a login would (router tests' browsers).
    #[cfg(test)]
    pub(crate) fn insert_for_tests(&self, id: &str) {
        let exp = now().saturating_add(3600);
        self.lock().insert(id.to_owned(), exp);
    }

    /// Ends one session.
    pub async fn remove(&self, id: &str) -> Result<(), String> {
        let removed = self.lock().remove(id).is_some();
        if removed {
            self.persist().await
        } else {
            Ok(())
        }
    }

    /// Ends every session.
    pub async fn clear(&self) -> Result<(), String> {
        self.lock().clear();
        self.persist().await
    }

    async fn persist(&self) -> Result<(), String> {
        let Some(file) = self.file.clone() else {
            return Ok(());
        };
        let _turn = self.writing.lock().await;
        let bytes = {
            let t = self.lock();
            let mut list: Vec<(&String, &i64)> = t.iter().collect();
            list.sort();
            let sessions: Vec<Value> = list
                .into_iter()
                .map(|(id, exp)| json!({ "id": id, "expires_at": exp }))
                .collect();
            serde_json::to_vec_pretty(&json!({ "version": 1, "sessions": sessions }))
                .map_err(|e| e.to_string())?
        };
        tokio::task::spawn_blocking(move || file.save(&bytes))
            .await
            .map_err(|e| format!("the writer died: {e}"))?
    }
}

/// The table in a file's bytes, or `None` if they are not one. Entries of the wrong form are
/// left out.
fn parse(bytes: &[u8]) -> Option<HashMap<String, i64>> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let list = v.get("sessions")?.as_array()?;
    Some(
        list.iter()
            .filter_map(|s| {
                let id = s.get("id")?.as_str()?;
                let exp = s.get("expires_at")?.as_i64()?;
                is_session_id(id).then(|| (id.to_owned(), exp))
            })
            .take(MAX_SESSIONS)
            .collect(),
    )
}
