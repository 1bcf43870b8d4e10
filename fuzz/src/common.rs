//! What several targets share: one runtime per process, a place for scratch data directories,
//! checksums recomputed so that mutated automerge chunks reach the parser, and the encoding of a
//! peer's input as sync messages.

use std::path::PathBuf;
use std::sync::OnceLock;

use bureau_model::automerge::sync::{ChunkList, Message, MessageVersion};
use sha2::{Digest, Sha256};
use tokio::runtime::Runtime;

/// The document id the fuzzed node shares with the fuzzing peer.
pub const BUREAU: &str = "b0b0b0b0";

/// The first bytes of every automerge chunk.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// A current-thread runtime, built once per process.
pub fn runtime() -> &'static Runtime {
    static RT: OnceLock<Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// Where scratch data directories go: a tmpfs when there is one (the store fsyncs every
/// write; on a tmpfs that costs nothing), the system's temp directory otherwise.
pub fn scratch_base() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    if tempfile::tempdir_in(&shm).is_ok() {
        shm
    } else {
        std::env::temp_dir()
    }
}

/// A fresh scratch directory.
pub fn scratch_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("bureau-fuzz-")
        .tempdir_in(scratch_base())
        .expect("a scratch directory")
}

/// A syntactically valid libp2p peer id, one per tag.
pub fn peer(tag: char) -> String {
    format!("12D3KooW{}", tag.to_string().repeat(44))
}

/// Recomputes the checksum of every automerge chunk found back to back in `bytes` (as in a
/// sync message's change entry or a saved document followed by changes), so that a mutation
/// of a chunk's body reaches automerge's parser instead of its checksum check. A peer can do
/// the same: the checksum is a plain SHA-256. Compressed change chunks (type 2) are left as
/// they are (their checksum is over the inflated change). Stops at the first byte that does
/// not start a chunk.
pub fn fix_checksums(bytes: &mut [u8]) {
    let mut pos = 0;
    while bytes.len() >= pos + 10 && bytes[pos..pos + 4] == MAGIC {
        let chunk_type = bytes[pos + 8];
        let Some((len, len_bytes)) = uleb(&bytes[pos + 9..]) else {
            return;
        };
        let body_start = pos + 9 + len_bytes;
        let body_end = usize::try_from(len)
            .ok()
            .and_then(|l| body_start.checked_add(l))
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        if chunk_type != 2 {
            let mut h = Sha256::new();
            h.update([chunk_type]);
            h.update(&bytes[pos + 9..body_start]);
            h.update(&bytes[body_start..body_end]);
            let sum = h.finalize();
            bytes[pos + 4..pos + 8].copy_from_slice(&sum[..4]);
        }
        pos = body_end;
    }
}

/// An unsigned LEB128 number and how many bytes it took (at most ten).
fn uleb(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f).checked_shl(7 * i as u32).unwrap_or(0);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Appends `v` as an unsigned LEB128 number.
pub fn push_uleb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// A peer's input to a sync target, decoded from fuzz bytes.
///
/// The first byte holds flags: bit 0 picks `/bureau/sync/2` (else `/1`); bit 1 says the rest
/// is structured (else it is raw: the bytes on the wire, or one frame's body); bit 2 picks
/// automerge's V2 message encoding for structured messages. Structured input is a run of
/// entries, each a big-endian `u16` length and that many bytes: each entry becomes the change
/// list of one sync message (checksums recomputed), framed for the document [`BUREAU`].
#[derive(Debug)]
pub struct PeerInput {
    /// The sync protocol the session speaks.
    pub version: bureau_sync::Version,
    /// What the peer sends.
    pub body: Body,
}

/// The bytes of a [`PeerInput`].
#[derive(Debug)]
pub enum Body {
    /// Exactly these bytes.
    Raw(Vec<u8>),
    /// Encoded sync messages, each to be framed.
    Messages(Vec<Vec<u8>>),
}

impl PeerInput {
    /// Decodes fuzz bytes; `None` for an empty input.
    pub fn decode(data: &[u8]) -> Option<PeerInput> {
        let (&flags, rest) = data.split_first()?;
        let version = if flags & 1 != 0 {
            bureau_sync::Version::V2
        } else {
            bureau_sync::Version::V1
        };
        if flags & 2 == 0 {
            return Some(PeerInput {
                version,
                body: Body::Raw(rest.to_vec()),
            });
        }
        let msg_v2 = flags & 4 != 0;
        let mut messages = Vec::new();
        let mut rest = rest;
        while rest.len() >= 2 {
            let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
            let end = (2 + len).min(rest.len());
            let mut changes = rest[2..end].to_vec();
            rest = &rest[end..];
            fix_checksums(&mut changes);
            messages.push(message(changes, msg_v2));
        }
        Some(PeerInput {
            version,
            body: Body::Messages(messages),
        })
    }

    /// The bytes on the wire: raw bytes as they are, messages framed (a `/2` session's
    /// capability exchange first).
    pub fn wire(&self) -> Vec<u8> {
        match &self.body {
            Body::Raw(b) => b.clone(),
            Body::Messages(msgs) => {
                let mut out = Vec::new();
                if self.version == bureau_sync::Version::V2 {
                    out.extend(bureau_sync::encode_hello(bureau_sync::CAPABILITIES));
                }
                for m in msgs {
                    if let Ok(f) = bureau_sync::encode_sync_frame(self.version, BUREAU, m) {
                        out.extend(f);
                    }
                }
                out
            }
        }
    }
}

/// An encoded sync message carrying `changes` as its one change entry.
pub fn message(changes: Vec<u8>, v2: bool) -> Vec<u8> {
    let version = if v2 {
        MessageVersion::V2
    } else {
        MessageVersion::V1
    };
    let changes = if changes.is_empty() {
        ChunkList::from(Vec::<Vec<u8>>::new())
    } else {
        ChunkList::from(vec![changes])
    };
    Message {
        heads: Vec::new(),
        need: Vec::new(),
        have: Vec::new(),
        changes,
        flags: None,
        version,
    }
    .encode()
}

/// Fuzz bytes for a structured [`PeerInput`] carrying `entries`.
pub fn structured(version: bureau_sync::Version, msg_v2: bool, entries: &[&[u8]]) -> Vec<u8> {
    let mut flags = 2u8;
    if version == bureau_sync::Version::V2 {
        flags |= 1;
    }
    if msg_v2 {
        flags |= 4;
    }
    let mut out = vec![flags];
    for e in entries {
        let len = u16::try_from(e.len()).expect("a seed entry under 64 KiB");
        out.extend(len.to_be_bytes());
        out.extend_from_slice(e);
    }
    out
}
