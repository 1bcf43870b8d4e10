//! Invite codes: what a new laptop needs to join, and the inviter's book of open invites.
//!
//! A code carries the bureau id, the inviter's peer id and addresses, a one-time secret, the
//! role, the expiry and, for a device of someone already in the bureau, the member's id. Only
//! the secret grants anything, and the inviter checks it against its own book (with its own
//! expiry, use count, role and member), so an edited or made-up code gets nowhere.
//!
//! The member id is a field a code of the earlier release does not have, and one that
//! release's joiner ignores (it sends the name it was given, which the inviter then ignores:
//! its book says which member the device joins as).

use std::collections::BTreeMap;

use bureau_model::Role;
use bureau_store::Files;
use serde::{Deserialize, Serialize};

use crate::NetError;

/// Prefix of every code, so a pasted code is recognisable and versioned.
pub const CODE_PREFIX: &str = "bureau1-";

/// Name of the inviter's book in the data directory.
const BOOK_FILE: &str = "invites.json";

/// What a code says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCode {
    /// The bureau to join.
    #[serde(rename = "b")]
    pub bureau_id: String,
    /// The inviter's peer id.
    #[serde(rename = "p")]
    pub peer_id: String,
    /// Addresses where the inviter listens.
    #[serde(rename = "a")]
    pub addrs: Vec<String>,
    /// The one-time secret, hex.
    #[serde(rename = "s")]
    pub secret: String,
    /// `editor` or `observer`.
    #[serde(rename = "r")]
    pub role: String,
    /// Expiry, Unix seconds (informative: the inviter's book decides).
    #[serde(rename = "e")]
    pub expires_at: i64,
    /// The member the new device joins as; `None` for a new person, who gives a name
    /// (informative: the inviter's book decides).
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(B64[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

impl InviteCode {
    /// The text form: `bureau1-` and base64url of compact JSON.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("an invite always serialises");
        format!("{CODE_PREFIX}{}", b64_encode(&json))
    }

    /// Parses a pasted code; whitespace (from line breaks in chat apps) is ignored.
    pub fn decode(text: &str) -> Result<InviteCode, NetError> {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let malformed = || {
            NetError::Invite(
                "this is not a bureau invite code (it may be cut short); ask for a new one"
                    .to_owned(),
            )
        };
        let body = compact.strip_prefix(CODE_PREFIX).ok_or_else(malformed)?;
        let json = b64_decode(body).ok_or_else(malformed)?;
        let code: InviteCode = serde_json::from_slice(&json).map_err(|_| malformed())?;
        if code.secret.len() != 32 || code.addrs.is_empty() {
            return Err(malformed());
        }
        Ok(code)
    }
}

/// One invite the inviter issued.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    role: String,
    expires_at: i64,
    used_by: Option<String>,
    /// The member the device joins as (`None`: a new member, named by the joiner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    member_id: Option<String>,
}

/// What a valid invite grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Grant {
    /// The new device's role.
    pub(crate) role: Role,
    /// The member it joins as, or `None` for a new member.
    pub(crate) member_id: Option<String>,
}

/// The inviter's open invites, kept in the data directory (mode 0600: the secrets are in it).
#[derive(Debug)]
pub(crate) struct InviteBook {
    files: Files,
    entries: BTreeMap<String, Entry>,
}

/// What checking a presented secret found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Check {
    /// Valid: join with this role, as this member.
    Ok(Grant),
    /// No such invite: forged, mistyped, or from another node.
    Unknown,
    /// It expired.
    Expired,
    /// Someone already used it.
    Used,
}

impl InviteBook {
    pub(crate) fn load(files: Files) -> InviteBook {
        let entries = files
            .read_file(BOOK_FILE)
            .ok()
            .flatten()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        InviteBook { files, entries }
    }

    fn save(&self) -> Result<(), NetError> {
        let bytes = serde_json::to_vec_pretty(&self.entries).expect("the book always serialises");
        self.files
            .write_file(BOOK_FILE, &bytes, 0o600)
            .map_err(NetError::Storage)
    }

    /// Records a new invite; `now` and the expiry are Unix seconds.
    pub(crate) fn add(
        &mut self,
        secret: &str,
        grant: &Grant,
        expires_at: i64,
        now: i64,
    ) -> Result<(), NetError> {
        // Expired entries are only kept a day, to say "expired" rather than "unknown".
        self.entries.retain(|_, e| e.expires_at + 86_400 > now);
        self.entries.insert(
            secret.to_owned(),
            Entry {
                role: grant.role.as_str().to_owned(),
                expires_at,
                used_by: None,
                member_id: grant.member_id.clone(),
            },
        );
        self.save()
    }

    pub(crate) fn check(&self, secret: &str, now: i64) -> Check {
        match self.entries.get(secret) {
            None => Check::Unknown,
            Some(e) if e.used_by.is_some() => Check::Used,
            Some(e) if e.expires_at <= now => Check::Expired,
            Some(e) => Role::parse(&e.role).map_or(Check::Unknown, |role| {
                Check::Ok(Grant {
                    role,
                    member_id: e.member_id.clone(),
                })
            }),
        }
    }

    /// Marks an invite used, durably, before the new device is told it joined.
    pub(crate) fn mark_used(&mut self, secret: &str, peer: &str) -> Result<(), NetError> {
        if let Some(e) = self.entries.get_mut(secret) {
            e.used_by = Some(peer.to_owned());
        }
        self.save()
    }

    /// Gives back an invite `peer` used but could not join with (the document refused its
    /// name, nothing was written): the code is valid again for a corrected retry.
    pub(crate) fn release(&mut self, secret: &str, peer: &str) -> Result<(), NetError> {
        match self.entries.get_mut(secret) {
            Some(e) if e.used_by.as_deref() == Some(peer) => e.used_by = None,
            _ => return Ok(()),
        }
        self.save()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_bad_ones_are_refused() {
        let code = InviteCode {
            bureau_id: "b".repeat(32),
            peer_id: "12D3KooWabc".to_owned(),
            addrs: vec!["/ip4/127.0.0.1/tcp/4001".to_owned()],
            secret: "0123456789abcdef0123456789abcdef".to_owned(),
            role: "editor".to_owned(),
            expires_at: 1_900_000_000,
            member_id: None,
        };
        let text = code.encode();
        assert!(text.starts_with(CODE_PREFIX));
        assert_eq!(InviteCode::decode(&text).unwrap(), code);
        // Line breaks from a chat app do not matter.
        let wrapped = format!("{}\n  {}", &text[..20], &text[20..]);
        assert_eq!(InviteCode::decode(&wrapped).unwrap(), code);
        for bad in [
            "",
            "hello",
            "bureau1-",
            "bureau1-!!!!",
            &text[..text.len() / 2],
        ] {
            let err = InviteCode::decode(bad).unwrap_err();
            assert!(
                err.to_string().contains("not a bureau invite code"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn a_members_code_round_trips_and_codes_of_either_release_read_alike() {
        let code = InviteCode {
            bureau_id: "b".repeat(32),
            peer_id: "12D3KooWabc".to_owned(),
            addrs: vec!["/ip4/127.0.0.1/tcp/4001".to_owned()],
            secret: "0123456789abcdef0123456789abcdef".to_owned(),
            role: "editor".to_owned(),
            expires_at: 1_900_000_000,
            member_id: Some("4f2a9c01d3e5b7a9".to_owned()),
        };
        assert_eq!(InviteCode::decode(&code.encode()).unwrap(), code);
        // A code without a member is byte for byte what the earlier release wrote.
        let earlier = InviteCode {
            member_id: None,
            ..code.clone()
        };
        let json =
            String::from_utf8(b64_decode(&earlier.encode()[CODE_PREFIX.len()..]).unwrap()).unwrap();
        assert!(!json.contains("\"m\""), "{json}");
        // The earlier release's reader ignores the field it does not know.
        #[derive(Deserialize)]
        #[allow(dead_code, reason = "only that it reads")]
        struct Earlier {
            b: String,
            p: String,
            a: Vec<String>,
            s: String,
            r: String,
            e: i64,
        }
        let json = b64_decode(&code.encode()[CODE_PREFIX.len()..]).unwrap();
        assert!(serde_json::from_slice::<Earlier>(&json).is_ok());
    }

    #[test]
    fn base64_round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(b64_decode(&b64_encode(&bytes)).unwrap(), bytes);
        }
    }

    #[test]
    fn the_book_refuses_unknown_expired_and_used_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let store = bureau_store::Store::open(dir.path()).unwrap();
        let mut book = InviteBook::load(store.files());
        let observer = Grant {
            role: Role::Observer,
            member_id: None,
        };
        let members = Grant {
            role: Role::Editor,
            member_id: Some("m1".to_owned()),
        };
        book.add("s1", &observer, 100, 50).unwrap();
        book.add("s2", &members, 60, 50).unwrap();
        book.add("s3", &members, 100, 50).unwrap();
        assert_eq!(book.check("s1", 70), Check::Ok(observer.clone()));
        assert_eq!(book.check("s3", 70), Check::Ok(members.clone()));
        assert_eq!(book.check("nope", 70), Check::Unknown);
        assert_eq!(book.check("s2", 70), Check::Expired);
        book.mark_used("s1", "peer").unwrap();
        // The book is durable: a restarted node still refuses the used code.
        let mut book = InviteBook::load(store.files());
        assert_eq!(book.check("s1", 70), Check::Used);
        assert_eq!(
            book.check("s3", 70),
            Check::Ok(members),
            "the member is kept"
        );
        // Only the device that used it can give it back.
        book.release("s1", "another peer").unwrap();
        assert_eq!(book.check("s1", 70), Check::Used);
        book.release("s1", "peer").unwrap();
        let book = InviteBook::load(store.files());
        assert_eq!(book.check("s1", 70), Check::Ok(observer));
    }
}
