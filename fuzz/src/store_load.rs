//! `store_load`: a data directory holding one hostile file, opened and loaded as the node does.
//!
//! The first input byte picks the file: bits 0-1 its kind (0 a snapshot, 2 a chunk file of an
//! older store, 1 and 3 a log segment), bit 2 whether the rest is framed here (magic, kind, length, CRC-32: so that
//! mutations reach the payload) or written as it is, bit 3 whether automerge checksums inside
//! the payload are recomputed. A log segment's payload is a run of entries, each a big-endian
//! `u16` length and that many bytes.
//!
//! The store is opened and loaded (`Store::load`), dropped, then opened again under a document
//! actor (`DocHandle::open`), which hands every loaded file to automerge inside the guard and
//! quarantines what it refuses. Nothing may panic; the node must then answer.

use std::time::Duration;

use bureau_doc::{DocConfig, DocHandle};
use bureau_store::Store;

use crate::common::{fix_checksums, peer, runtime, scratch_dir};

/// Kind bytes of the store's framing.
const SNAPSHOT: u8 = 1;
const CHUNK: u8 = 2;
const ENTRY: u8 = 4;

/// The store's frame: `BUR1`, kind, payload length (u64 LE), CRC-32 of the payload (u32 LE).
pub fn frame(kind: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = b"BUR1".to_vec();
    out.push(kind);
    out.extend((payload.len() as u64).to_le_bytes());
    out.extend(crc32(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// CRC-32/IEEE, bit by bit (inputs are small).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A log segment entry: the chunk's sequence number (u64 LE) and its bytes, framed.
pub fn entry(seq: u64, chunk: &[u8]) -> Vec<u8> {
    let mut payload = seq.to_le_bytes().to_vec();
    payload.extend_from_slice(chunk);
    frame(ENTRY, &payload)
}

/// Splits `rest` into `u16`-length-prefixed pieces.
fn pieces(mut rest: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while rest.len() >= 2 {
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        let end = (2 + len).min(rest.len());
        out.push(rest[2..end].to_vec());
        rest = &rest[end..];
    }
    out
}

/// The file (name in `doc/`, bytes) an input stands for.
pub fn file_for(data: &[u8]) -> Option<(String, Vec<u8>)> {
    let (&sel, rest) = data.split_first()?;
    let framed = sel & 4 != 0;
    let fix = sel & 8 != 0;
    let fixed = |b: &[u8]| {
        let mut b = b.to_vec();
        if fix {
            fix_checksums(&mut b);
        }
        b
    };
    Some(match sel & 3 {
        0 => {
            let bytes = if framed {
                frame(SNAPSHOT, &fixed(rest))
            } else {
                rest.to_vec()
            };
            (format!("snapshot-{:016x}.bin", 1), bytes)
        }
        2 => {
            let bytes = if framed {
                frame(CHUNK, &fixed(rest))
            } else {
                rest.to_vec()
            };
            (format!("chunk-{:016x}.bin", 1), bytes)
        }
        _ => {
            let bytes = if framed {
                pieces(rest)
                    .iter()
                    .zip(1u64..)
                    .flat_map(|(p, seq)| entry(seq, &fixed(p)))
                    .collect()
            } else {
                rest.to_vec()
            };
            (format!("log-{:016x}.bin", 1), bytes)
        }
    })
}

/// One input.
pub fn run(data: &[u8]) {
    crate::setup();
    let Some((name, bytes)) = file_for(data) else {
        return;
    };
    let dir = scratch_dir();
    let doc_dir = dir.path().join("doc");
    std::fs::create_dir_all(&doc_dir).expect("doc directory");
    std::fs::write(doc_dir.join(&name), &bytes).expect("write the file");

    // The store alone: a bad file is quarantined or refused, never a panic.
    {
        let mut store = Store::open(dir.path()).expect("the store opens on a fresh directory");
        let _ = store.load();
    }
    // Then as the node starts: the actor loads what the store kept, through the guard.
    let store = Store::open(dir.path()).expect("the store opens again");
    runtime().block_on(async {
        // As the node configures it: its files pass the same checks as a peer's bytes.
        let mut config = DocConfig::new(peer('A'));
        config.check_stored = Some(bureau_sync::guard::check_stored);
        let (doc, thread) = DocHandle::open(store, config)
            .await
            .expect("the actor starts whatever the files hold");
        let _ = doc.state();
        tokio::time::timeout(Duration::from_secs(60), doc.save())
            .await
            .expect("the actor answers in time")
            .expect("the actor is running");
        drop(doc);
        thread.join().expect("the actor thread ends cleanly");
    });
}
