//! The seed corpus: real inputs of every kind each target reads, built from real documents
//! and written to `corpus/<target>/` by this crate's test `corpus_is_current` (the committed
//! files are its output; the test fails if they are missing).
//!
//! Besides honest inputs, [`rle_bomb_change`] builds an automerge change chunk whose run-length
//! encoded columns claim an enormous number of operations in a few bytes: what the DEFLATE
//! check in `bureau_sync::guard` does not see, since nothing there is compressed.

use bureau_model::automerge::sync::{self, SyncDoc};
use bureau_model::automerge::transaction::Transactable;
use bureau_model::automerge::{AutoCommit, ObjType, ROOT};

use crate::common::{BUREAU, fix_checksums, push_uleb, structured};

/// A small document like a bureau's: a map of members with a few fields, a list, a text.
pub fn small_doc() -> AutoCommit {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "bureau_id", BUREAU).expect("put");
    let members = doc
        .put_object(ROOT, "members", ObjType::Map)
        .expect("put_object");
    for i in 0..3 {
        let m = doc
            .put_object(&members, format!("m{i}"), ObjType::Map)
            .expect("put_object");
        doc.put(&m, "name", format!("Member {i}")).expect("put");
        doc.put(&m, "capacity", i64::from(i) * 10).expect("put");
        doc.put(&m, "archived", false).expect("put");
        doc.commit();
    }
    let list = doc
        .put_object(ROOT, "list", ObjType::List)
        .expect("put_object");
    doc.insert(&list, 0, "first").expect("insert");
    let text = doc
        .put_object(ROOT, "note", ObjType::Text)
        .expect("put_object");
    doc.splice_text(&text, 0, 0, "Badges are ready.")
        .expect("splice");
    doc.commit();
    doc
}

/// The change chunks of `doc`, one per change.
pub fn changes(doc: &mut AutoCommit) -> Vec<Vec<u8>> {
    doc.get_changes(&[])
        .into_iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect()
}

/// A change chunk automerge compresses (type 2): one change with many operations.
pub fn compressed_change() -> Vec<u8> {
    let mut doc = AutoCommit::new();
    let list = doc
        .put_object(ROOT, "list", ObjType::List)
        .expect("put_object");
    for i in 0..300 {
        doc.insert(&list, i, format!("entry {i}")).expect("insert");
    }
    let hash = doc.commit().expect("a change");
    doc.get_change_by_hash(&hash)
        .expect("the change")
        .clone()
        .bytes()
        .into_owned()
}

/// The sync messages a node sends a fresh peer and the peer's answers, until both are done.
pub fn sync_messages(v2: bool) -> Vec<Vec<u8>> {
    let mut a = small_doc();
    let mut b = AutoCommit::new();
    let (mut sa, mut sb) = (sync::State::new(), sync::State::new());
    if v2 {
        sa.their_capabilities = Some(vec![
            sync::Capability::MessageV1,
            sync::Capability::MessageV2,
        ]);
        sb.their_capabilities = sa.their_capabilities.clone();
    }
    let mut out = Vec::new();
    for _ in 0..6 {
        let mut any = false;
        if let Some(m) = a.sync().generate_sync_message(&mut sa) {
            let m = m.encode();
            let _ = b
                .sync()
                .receive_sync_message(&mut sb, sync::Message::decode(&m).expect("decodes"));
            out.push(m);
            any = true;
        }
        if let Some(m) = b.sync().generate_sync_message(&mut sb) {
            let m = m.encode();
            let _ = a
                .sync()
                .receive_sync_message(&mut sa, sync::Message::decode(&m).expect("decodes"));
            any = true;
        }
        if !any {
            break;
        }
    }
    out
}

/// Reads an unsigned LEB128 number at `*pos`.
fn read_uleb(b: &[u8], pos: &mut usize) -> u64 {
    let mut v = 0u64;
    let mut shift = 0;
    loop {
        let byte = b[*pos];
        *pos += 1;
        v |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte & 0x80 == 0 {
            return v;
        }
    }
}

/// Appends `v` as a signed LEB128 number.
fn push_sleb(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}

/// A change chunk holding one operation (`root.flag = true`) whose columns are rewritten to
/// claim `rows` operations: each run-length encoded column repeats its one value `rows` times,
/// the boolean column's last run is `rows` long. The chunk is 100-odd bytes whatever `rows`,
/// with a valid checksum. With `only_column`, only that column (by index) is rewritten, so
/// that the columns disagree about how many operations there are.
pub fn rle_bomb_change(rows: u64, only_column: Option<usize>) -> Vec<u8> {
    let mut doc = AutoCommit::new();
    doc.put(ROOT, "flag", true).expect("put");
    doc.commit();
    let chunk = changes(&mut doc).remove(0);
    assert_eq!(chunk[8], 1, "a change chunk");
    let mut pos = 9;
    let body_len = read_uleb(&chunk, &mut pos) as usize;
    let body_start = pos;
    let body = &chunk[body_start..body_start + body_len];
    // Dependencies, actor, seq, start op, time, message, other actors.
    let mut p = 0;
    let deps = read_uleb(body, &mut p);
    p += 32 * deps as usize;
    let actor = read_uleb(body, &mut p);
    p += actor as usize;
    read_uleb(body, &mut p); // seq
    read_uleb(body, &mut p); // start op
    while body[p] & 0x80 != 0 {
        p += 1; // time (signed LEB128)
    }
    p += 1;
    let message = read_uleb(body, &mut p);
    p += message as usize;
    let others = read_uleb(body, &mut p);
    for _ in 0..others {
        let n = read_uleb(body, &mut p);
        p += n as usize;
    }
    let head = &body[..p];
    let ncols = read_uleb(body, &mut p) as usize;
    let mut cols = Vec::new();
    for _ in 0..ncols {
        let spec = read_uleb(body, &mut p);
        let len = read_uleb(body, &mut p) as usize;
        cols.push((spec, len));
    }
    let mut data = p;
    let mut new_cols = Vec::new();
    for (i, (spec, len)) in cols.iter().enumerate() {
        let old = &body[data..data + len];
        data += len;
        let rewrite = only_column.is_none_or(|c| c == i) && !old.is_empty();
        let new = if rewrite {
            claim_rows(spec & 7, old, rows)
        } else {
            old.to_vec()
        };
        new_cols.push((*spec, new));
    }
    let extra = &body[data..];
    let mut new_body = head.to_vec();
    push_uleb(&mut new_body, new_cols.len() as u64);
    for (spec, d) in &new_cols {
        push_uleb(&mut new_body, *spec);
        push_uleb(&mut new_body, d.len() as u64);
    }
    for (_, d) in &new_cols {
        new_body.extend(d);
    }
    new_body.extend(extra);
    let mut out = chunk[..9].to_vec();
    push_uleb(&mut out, new_body.len() as u64);
    out.extend(new_body);
    fix_checksums(&mut out);
    out
}

/// One column's data (of one row) rewritten to claim `rows` rows.
fn claim_rows(col_type: u64, old: &[u8], rows: u64) -> Vec<u8> {
    let rows_i = i64::try_from(rows).expect("rows fit an i64");
    let mut out = Vec::new();
    match col_type {
        // Boolean: alternating run lengths, false first; the last run gets the rows.
        4 => {
            let mut p = 0;
            let mut runs = Vec::new();
            while p < old.len() {
                runs.push(read_uleb(old, &mut p));
            }
            if let Some(last) = runs.last_mut() {
                *last = rows;
            }
            for r in runs {
                push_uleb(&mut out, r);
            }
        }
        // Raw values: the bytes are what the metadata column says; left alone.
        7 => out.extend_from_slice(old),
        // Run-length encoded (group, actor, ULEB, delta, string, value metadata): a run of
        // nulls (0, count), a literal run (negative count) or a repeat run (positive count),
        // each here of one value, becomes a run of `rows`.
        _ => {
            let mut p = 0;
            let first = old[0];
            if first == 0 {
                p += 1;
                read_uleb(old, &mut p);
                out.push(0);
                push_uleb(&mut out, rows);
            } else {
                while old[p] & 0x80 != 0 {
                    p += 1;
                }
                p += 1;
                push_sleb(&mut out, rows_i);
            }
            out.extend_from_slice(&old[p..]);
        }
    }
    out
}

/// Seeds of one target: (file stem, bytes).
pub type Seeds = Vec<(String, Vec<u8>)>;

/// Seeds for `sync_frame` and `sync_session` (the same input format).
pub fn sync_seeds() -> Seeds {
    use bureau_sync::Version::{V1, V2};
    let mut out = Vec::new();
    let mut doc = small_doc();
    let chunks = changes(&mut doc);
    let saved = doc.save();
    let all_changes: Vec<u8> = chunks.concat();
    let compressed = compressed_change();
    for (v, tag) in [(V1, "v1"), (V2, "v2")] {
        // Raw: a whole honest session as the peer sends it.
        let mut wire = vec![u8::from(v == V2)];
        if v == V2 {
            wire.extend(bureau_sync::encode_hello(bureau_sync::CAPABILITIES));
        }
        for m in sync_messages(v == V2) {
            wire.extend(bureau_sync::encode_sync_frame(v, BUREAU, &m).expect("frame"));
        }
        out.push((format!("raw-session-{tag}"), wire));
        // Structured: change chunks, a saved document, a compressed change, several at once.
        out.push((
            format!("changes-{tag}"),
            structured(v, false, &[&chunks[0], &chunks[chunks.len() - 1]]),
        ));
        out.push((
            format!("all-changes-{tag}"),
            structured(v, false, &[&all_changes]),
        ));
        out.push((format!("document-{tag}"), structured(v, true, &[&saved])));
        out.push((
            format!("compressed-{tag}"),
            structured(v, false, &[&compressed]),
        ));
    }
    // Columns claiming 2^40 operations, all of them or one column at a time.
    out.push((
        "rle-bomb-all-columns".to_owned(),
        structured(V2, false, &[&rle_bomb_change(1 << 40, None)]),
    ));
    for c in 0..4 {
        out.push((
            format!("rle-bomb-column-{c}"),
            structured(V2, false, &[&rle_bomb_change(1 << 40, Some(c))]),
        ));
    }
    out
}

/// Seeds for `store_load`.
pub fn store_seeds() -> Seeds {
    let mut doc = small_doc();
    let chunks = changes(&mut doc);
    let saved = doc.save();
    let mut out = Vec::new();
    // Framed here (bit 2), checksums fixed (bit 3): snapshot 0, log 1, chunk 2.
    let mut snap = vec![0x0c];
    snap.extend(&saved);
    out.push(("snapshot".to_owned(), snap));
    let mut chunk = vec![0x0e];
    chunk.extend(&chunks[0]);
    out.push(("chunk".to_owned(), chunk));
    let mut log = vec![0x0d];
    for c in &chunks {
        log.extend((c.len() as u16).to_be_bytes());
        log.extend(c);
    }
    out.push(("log".to_owned(), log));
    // As written by the store itself (unframed here: the input is the whole file).
    let mut file = vec![0x00];
    file.extend(crate::store_load::frame(1, &saved));
    out.push(("snapshot-file".to_owned(), file));
    let mut seg = vec![0x01];
    for (c, seq) in chunks.iter().zip(1u64..) {
        seg.extend(crate::store_load::entry(seq, c));
    }
    out.push(("log-file".to_owned(), seg));
    out
}

/// `store_load` inputs holding [`rle_bomb_change`], as a chunk file and as a log segment.
/// automerge walks every operation a change claims, so before the node checked its own files
/// (`DocConfig::check_stored`) the actor never finished loading them; now they are refused
/// and quarantined before automerge sees them, and they are seeds like any other.
pub fn store_rle_bombs() -> Seeds {
    let bomb = rle_bomb_change(1 << 40, None);
    let mut chunk = vec![0x0e];
    chunk.extend(&bomb);
    let mut log = vec![0x0d];
    log.extend((bomb.len() as u16).to_be_bytes());
    log.extend(&bomb);
    vec![
        ("rle-bomb-chunk".to_owned(), chunk),
        ("rle-bomb-log".to_owned(), log),
    ]
}

/// Seeds for `invite_code`.
pub fn invite_seeds() -> Seeds {
    let code = bureau_net::InviteCode {
        bureau_id: BUREAU.to_owned(),
        peer_id: crate::common::peer('A'),
        addrs: vec!["/ip4/127.0.0.1/tcp/4001".to_owned()],
        secret: "0123456789abcdef0123456789abcdef".to_owned(),
        role: "editor".to_owned(),
        expires_at: 1_767_225_600,
        member_id: None,
        hubs: vec![format!(
            "/ip4/203.0.113.1/tcp/4001/p2p/{}",
            crate::common::peer('H')
        )],
    };
    vec![
        ("code".to_owned(), code.encode().into_bytes()),
        ("short-code".to_owned(), b"7-orbit-lantern".to_vec()),
        (
            "join-request".to_owned(),
            br#"{"secret":"0123456789abcdef0123456789abcdef","name":"Amina"}"#.to_vec(),
        ),
        (
            "join-answer".to_owned(),
            br#"{"ok":true,"bureau_id":"b0b0b0b0","member_id":"m1"}"#.to_vec(),
        ),
        (
            "join-refused".to_owned(),
            br#"{"ok":false,"error":"this invite has expired; ask for a new one"}"#.to_vec(),
        ),
    ]
}

/// Seeds for `http_json`: the selector byte picks the route (see `http_json::run`).
pub fn http_seeds() -> Seeds {
    let n = bureau_model::RecordType::ALL.len() as u8;
    let col = |name: &str| {
        bureau_model::RecordType::ALL
            .iter()
            .position(|t| t.collection() == name)
            .expect("a collection") as u8
    };
    let bodies: &[(&str, &str)] = &[
        (
            "members",
            r#"{"name": "Amina", "languages": ["en", "fr"], "email": "amina@example.org"}"#,
        ),
        ("rooms", r#"{"name": "Room B", "capacity": 40}"#),
        (
            "groups",
            r#"{"name": "Gender caucus", "kind": "caucus", "focal_points": ["founder"]}"#,
        ),
        (
            "meetings",
            r#"{"title": "Caucus A", "start": "2025-11-16T09:00:00+01:00", "end": "2025-11-16T10:00:00+01:00", "booths": ["en", "fr"]}"#,
        ),
        (
            "bodies",
            r#"{"name": "Secretariat", "description": "Media liaison."}"#,
        ),
        (
            "notes",
            r#"{"title": "N", "text": "Badges are ready.", "plenary_consulted": true, "actions": [{"text": "t", "done": false, "due": "2025-11-20"}]}"#,
        ),
        (
            "reviews",
            r#"{"date": "2025-11-01", "notes": "Discussed attendance.", "decisions": {"founder": "keep"}}"#,
        ),
    ];
    let mut out = Vec::new();
    for (c, body) in bodies {
        let mut create = vec![col(c)];
        create.extend(body.as_bytes());
        out.push((format!("create-{c}"), create));
        let mut update = vec![n + col(c)];
        update.extend(body.as_bytes());
        out.push((format!("update-{c}"), update));
    }
    let mut resolve = vec![2 * n];
    resolve.extend(br#"{"type": "member", "id": "founder", "field": "name", "value": "Ada"}"#);
    out.push(("resolve".to_owned(), resolve));
    out
}

/// Every target's seeds.
pub fn all() -> Vec<(&'static str, Seeds)> {
    vec![
        ("sync_frame", sync_seeds()),
        ("sync_session", sync_seeds()),
        (
            "store_load",
            store_seeds().into_iter().chain(store_rle_bombs()).collect(),
        ),
        ("invite_code", invite_seeds()),
        ("http_json", http_seeds()),
        ("bundle", bundle_seeds()),
        ("saved_view", saved_view_seeds()),
    ]
}

/// Seeds for `bundle`: payloads sealed by the target (first byte 1) of changes, a compressed
/// change, a saved document and nothing; and a bundle file that is not one (first byte 0).
pub fn bundle_seeds() -> Seeds {
    let mut doc = small_doc();
    let chunks = changes(&mut doc);
    let sealed = |payload: &[u8]| {
        let mut v = vec![1];
        v.extend_from_slice(payload);
        v
    };
    vec![
        ("changes".to_owned(), sealed(&chunks.concat())),
        ("compressed".to_owned(), sealed(&compressed_change())),
        ("document".to_owned(), sealed(&doc.save())),
        ("empty".to_owned(), sealed(&[])),
        ("file".to_owned(), b"\0BUREAUB1\0\x08b0b0b0b0".to_vec()),
    ]
}

/// Seeds for `saved_view`: the records' part of the view a node saves, for a bureau just
/// holding a record of each kind, and for one with more of their fields set.
pub fn saved_view_seeds() -> Seeds {
    let (first, more) = crate::http_json::snapshots();
    vec![
        ("records".to_owned(), bureau_model::to_saved(&first)),
        ("more-records".to_owned(), bureau_model::to_saved(&more)),
    ]
}

/// Runs one input through the target named `target`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "sync_frame" => crate::sync_frame::run(data),
        "sync_session" => crate::sync_session::run(data),
        "store_load" => crate::store_load::run(data),
        "invite_code" => crate::invite_code::run(data),
        "http_json" => crate::http_json::run(data),
        "bundle" => crate::bundle::run(data),
        "saved_view" => crate::saved_view::run(data),
        other => panic!("no target {other}"),
    }
}

/// With `BUREAU_FUZZ_WRITE_SEEDS` set to a corpus directory, writes the seeds of `target` that
/// are missing from `<dir>/<target>/` (named by what they are). Called by each fuzz target at
/// start, before libFuzzer reads its corpus, so that `scripts/fuzz --seeds` can write the
/// committed corpus with the instrumented build it already has.
pub fn write_if_asked(target: &str) {
    let Some(dir) = std::env::var_os("BUREAU_FUZZ_WRITE_SEEDS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir).join(target);
    std::fs::create_dir_all(&dir).expect("corpus directory");
    let seeds = all()
        .into_iter()
        .find(|(t, _)| *t == target)
        .map(|(_, s)| s)
        .unwrap_or_default();
    for (stem, bytes) in seeds {
        let path = dir.join(stem);
        if !path.exists() {
            std::fs::write(&path, bytes).expect("write a seed");
        }
    }
}
