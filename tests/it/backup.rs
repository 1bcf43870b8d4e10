//! `bureau backup` and `bureau restore`: a backup of a running node (through its API) and of a
//! stopped one (from its data directory) restored on fresh directories with every record; a
//! restore refused over an existing node and with a wrong passphrase; a device key carried in
//! an encrypted backup, the restored laptop syncing with the bureau again as the same device;
//! and the automatic backups of `serve --backup-dir`, rotated.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{
    EXIT_DEADLINE, Node, START_DEADLINE, bureau_cmd, file_names, join_ok, run_with_deadline,
    wait_for, wait_until,
};

/// How long a sync between two nodes on loopback may take (debug build, busy machine).
const SYNC_DEADLINE: Duration = Duration::from_secs(60);

/// Every collection a delegate's records live in, archived ones included.
const COLLECTIONS: [&str; 7] = [
    "members", "groups", "reviews", "rooms", "meetings", "bodies", "notes",
];

/// `bureau --data-dir DIR ARGS...`, run to completion, with `passphrase` in the environment
/// when given.
fn bureau(dir: &Path, args: &[&str], passphrase: Option<&str>) -> Output {
    let mut cmd = bureau_cmd(dir);
    cmd.args(args).env_remove("BUREAU_BACKUP_PASSPHRASE");
    if let Some(p) = passphrase {
        cmd.env("BUREAU_BACKUP_PASSPHRASE", p);
    }
    // Encrypting and decrypting run scrypt, meant to take about a second.
    run_with_deadline(cmd, EXIT_DEADLINE * 2)
}

fn ok(out: &Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed with {}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn refused(out: &Output, code: i32, says: &str, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{what}: exit {:?}, stderr: {stderr}",
        out.status.code()
    );
    assert!(
        stderr.contains(says),
        "{what}: stderr does not say {says:?}: {stderr}"
    );
}

/// Every record of every collection, by collection.
fn records(node: &Node) -> Value {
    let mut all = serde_json::Map::new();
    for c in COLLECTIONS {
        let list = node
            .get(&format!("/api/{c}?archived=true&limit=1000"))
            .expect(200);
        all.insert(c.to_owned(), list);
    }
    Value::Object(all)
}

fn room_names(node: &Node) -> Vec<String> {
    node.try_json("/api/rooms")
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn backups_of_a_running_and_a_stopped_node_restore_every_record() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    let node = Node::start(&dir, &["--demo"]);
    node.wait_settled();
    // An archived record goes into the backup too.
    let room = node
        .post("/api/rooms", &json!({"name": "Annex", "capacity": 12}))
        .expect(201);
    let id = room["id"].as_str().expect("an id").to_owned();
    node.delete(&format!("/api/rooms/{id}")).expect(200);
    let before = records(&node);
    let heads = node.heads();
    for c in ["members", "groups", "rooms", "meetings", "notes"] {
        assert!(
            before[c].as_array().is_some_and(|l| !l.is_empty()),
            "the demo bureau has {c}: {before}"
        );
    }

    // While the node runs, its directory is locked: a backup that succeeds now came
    // through the node's API.
    let running = tmp.path().join("running.backup");
    let said = ok(
        &bureau(&dir, &["backup", "--out", running.to_str().unwrap()], None),
        "backup of the running node",
    );
    assert!(said.contains("backed up the bureau"), "{said}");
    node.stop();
    assert!(!dir.join("runtime.json").exists());
    let stopped = tmp.path().join("stopped.backup");
    ok(
        &bureau(&dir, &["backup", "--out", stopped.to_str().unwrap()], None),
        "backup of the stopped node",
    );
    let file = std::fs::read(&running).unwrap();
    assert!(
        file.starts_with(b"bureau-backup 1\n{"),
        "a magic line, then the JSON header"
    );

    for (label, backup) in [("running", &running), ("stopped", &stopped)] {
        let restored = tmp.path().join(format!("restored-{label}"));
        let said = ok(
            &bureau(&restored, &["restore", backup.to_str().unwrap()], None),
            "restore",
        );
        assert!(said.contains("a new device"), "{said}");
        assert!(restored.join("bureau-id").is_file());
        let copy = Node::start(&restored, &[]);
        assert_eq!(
            records(&copy),
            before,
            "the node restored from the backup of the {label} node holds every record"
        );
        assert_eq!(copy.heads(), heads, "restored from the {label} node");
        // A new device, unknown to the bureau: it shows the bureau but may not edit it.
        let res = copy.post("/api/rooms", &json!({"name": "Not mine"}));
        assert!(
            res.status >= 400,
            "a restored new device edited: {}",
            res.status
        );
        copy.stop();
    }
}

#[test]
fn a_restore_never_writes_over_a_node_and_refuses_what_is_not_a_backup() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    ok(&bureau(&dir, &["init", "--name", "Ann"], None), "init");
    let backup = tmp.path().join("b.backup");
    ok(
        &bureau(&dir, &["backup", "--out", backup.to_str().unwrap()], None),
        "backup",
    );
    let files = file_names(&dir);
    let doc_files = file_names(&dir.join("doc"));
    let key = std::fs::read(dir.join("identity.key")).unwrap();

    let out = bureau(&dir, &["restore", backup.to_str().unwrap()], None);
    refused(&out, 78, "is not empty", "a restore over the node");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--data-dir NEW"),
        "the refusal says what to do"
    );
    assert_eq!(file_names(&dir), files, "nothing was added");
    assert_eq!(file_names(&dir.join("doc")), doc_files);
    assert_eq!(std::fs::read(dir.join("identity.key")).unwrap(), key);

    // Any file at all makes a directory not empty.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let out = bureau(&other, &["restore", backup.to_str().unwrap()], None);
    refused(
        &out,
        78,
        "is not empty",
        "a restore over a folder with a file",
    );
    assert_eq!(file_names(&other), ["notes.txt"]);

    // Not a backup, and a backup cut short: refused, and nothing is made.
    let fresh = tmp.path().join("fresh");
    let junk = tmp.path().join("junk.backup");
    std::fs::write(&junk, "hello, world\n").unwrap();
    let out = bureau(&fresh, &["restore", junk.to_str().unwrap()], None);
    refused(
        &out,
        65,
        "not a bureau backup",
        "a file that is not a backup",
    );
    let bytes = std::fs::read(&backup).unwrap();
    std::fs::write(&junk, &bytes[..bytes.len() - 10]).unwrap();
    let out = bureau(&fresh, &["restore", junk.to_str().unwrap()], None);
    refused(&out, 65, "cut short", "a backup cut short");
    assert!(
        !fresh.exists(),
        "a refused restore made {}",
        fresh.display()
    );

    // An empty directory that exists is fine.
    std::fs::create_dir(&fresh).unwrap();
    ok(
        &bureau(&fresh, &["restore", backup.to_str().unwrap()], None),
        "restore into an empty directory",
    );
    assert_ne!(
        std::fs::read(fresh.join("identity.key")).unwrap(),
        key,
        "without --with-identity the restored node is a new device"
    );
}

#[test]
fn a_backup_with_the_device_key_is_encrypted_and_a_wrong_passphrase_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("node");
    ok(&bureau(&dir, &["init", "--name", "Ann"], None), "init");
    let backup = tmp.path().join("id.backup");
    let out_arg = [
        "backup",
        "--out",
        backup.to_str().unwrap(),
        "--with-identity",
    ];
    // No passphrase at all (no terminal, nothing on standard input): refused, nothing written.
    let out = bureau(&dir, &out_arg, None);
    refused(
        &out,
        65,
        "needs a passphrase",
        "a backup with the key and no passphrase",
    );
    assert!(!backup.exists());
    ok(
        &bureau(&dir, &out_arg, Some("correct horse")),
        "backup with the key",
    );
    let file = std::fs::read(&backup).unwrap();
    assert!(file.starts_with(b"age-encryption.org/v1\n"), "an age file");
    let key = std::fs::read(dir.join("identity.key")).unwrap();
    assert!(
        !file.windows(key.len()).any(|w| w == key.as_slice())
            && !file.windows(7).any(|w| w == b"bureau-"),
        "neither the key nor the header is readable in the file"
    );

    let target = tmp.path().join("restored");
    let out = bureau(
        &target,
        &["restore", backup.to_str().unwrap()],
        Some("wrong horse"),
    );
    refused(
        &out,
        65,
        "passphrase does not open this backup",
        "a wrong passphrase",
    );
    assert!(
        !target.exists(),
        "a refused restore made {}",
        target.display()
    );

    ok(
        &bureau(
            &target,
            &["restore", backup.to_str().unwrap()],
            Some("correct horse"),
        ),
        "restore with the right passphrase",
    );
    assert_eq!(std::fs::read(target.join("identity.key")).unwrap(), key);
}

#[test]
fn a_laptop_restored_with_its_key_syncs_with_the_bureau_again() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    let code = a.invite("editor");
    join_ok(&tmp.path().join("b"), &code, "Bob");
    let b = Node::start(&tmp.path().join("b"), &[]);
    let bob_device = b.peer_id();
    wait_until(
        "B received the bureau from A",
        SYNC_DEADLINE,
        || {
            b.try_json("/api/members")
                .is_some_and(|m| m.as_array().is_some_and(|l| l.len() == 2))
        },
        || b.log_tail(3000),
    );
    b.post("/api/rooms", &json!({"name": "Bob's room"}))
        .expect(201);
    wait_until(
        "A has Bob's room",
        SYNC_DEADLINE,
        || room_names(&a).contains(&"Bob's room".to_owned()),
        || format!("A's rooms: {:?}", room_names(&a)),
    );

    // Bob moves to a new laptop: a backup with the key, the old laptop stopped.
    let backup = tmp.path().join("bob.backup");
    ok(
        &bureau(
            &b.dir,
            &[
                "backup",
                "--out",
                backup.to_str().unwrap(),
                "--with-identity",
            ],
            Some("bob's passphrase"),
        ),
        "backup of Bob's running node with its key",
    );
    b.stop();
    let new_laptop = tmp.path().join("new-laptop");
    let said = ok(
        &bureau(
            &new_laptop,
            &["restore", backup.to_str().unwrap()],
            Some("bob's passphrase"),
        ),
        "restore on the new laptop",
    );
    assert!(said.contains("the backed-up device"), "{said}");
    // Alice edits meanwhile; the new laptop has never met Alice's node at its address.
    a.post("/api/rooms", &json!({"name": "After the move"}))
        .expect(201);
    let c = Node::start(&new_laptop, &["--peer", &a.p2p_addr()]);
    assert_eq!(c.peer_id(), bob_device, "the same device");
    wait_until(
        "the restored laptop receives Alice's edit",
        SYNC_DEADLINE,
        || room_names(&c).contains(&"After the move".to_owned()),
        || format!("its rooms: {:?}\n{}", room_names(&c), c.log_tail(3000)),
    );
    // And it writes as Bob: its edit reaches Alice, whose node accepts it as Bob's device.
    c.post("/api/rooms", &json!({"name": "From the new laptop"}))
        .expect(201);
    wait_until(
        "Alice receives the restored laptop's edit",
        SYNC_DEADLINE,
        || room_names(&a).contains(&"From the new laptop".to_owned()),
        || format!("A's rooms: {:?}\n{}", room_names(&a), a.log_tail(3000)),
    );
    let peers = a.status()["peers"].clone();
    let entry = peers
        .as_array()
        .and_then(|p| p.iter().find(|p| p["peer_id"] == bob_device.as_str()))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        entry["connected"], true,
        "A's view of Bob's device: {peers}"
    );
    assert_eq!(entry["revoked"], false, "A's view of Bob's device: {peers}");
}

#[test]
fn automatic_backups_follow_changes_and_keep_the_newest() {
    let tmp = tempfile::tempdir().unwrap();
    let backups = tmp.path().join("backups");
    // --backup-every (hidden, seconds) stands in for the hour between two backups.
    let node = Node::start(
        &tmp.path().join("node"),
        &[
            "--backup-dir",
            backups.to_str().unwrap(),
            "--backup-keep",
            "2",
            "--backup-every",
            "1",
        ],
    );
    let list = || {
        std::fs::read_dir(&backups)
            .map(|rd| {
                let mut names: Vec<String> = rd
                    .filter_map(|e| e.ok()?.file_name().into_string().ok())
                    .filter(|n| n.ends_with(".backup"))
                    .collect();
                names.sort();
                names
            })
            .unwrap_or_default()
    };
    // The header's heads say which state of the bureau a backup holds.
    let heads_of = |name: &str| -> Option<Vec<String>> {
        let bytes = std::fs::read(backups.join(name)).ok()?;
        let rest = bytes.strip_prefix(b"bureau-backup 1\n".as_slice())?;
        let line = rest.split(|&b| b == b'\n').next()?;
        let header: Value = serde_json::from_slice(line).ok()?;
        let mut heads: Vec<String> = header["heads"]
            .as_array()?
            .iter()
            .filter_map(|h| h.as_str().map(str::to_owned))
            .collect();
        heads.sort();
        Some(heads)
    };
    node.wait_settled();
    let mut written = std::collections::BTreeSet::new();
    for n in 0..=3 {
        if n > 0 {
            node.post("/api/rooms", &json!({"name": format!("Room {n}")}))
                .expect(201);
        }
        let heads = node.heads();
        let name = wait_for(
            "a backup of the bureau as it is now",
            START_DEADLINE,
            || {
                let names = list();
                let newest = names.last()?.clone();
                (heads_of(&newest)? == heads).then_some(newest)
            },
            || {
                format!(
                    "heads {heads:?}, backups {:?}\n{}",
                    list(),
                    node.log_tail(3000)
                )
            },
        );
        written.insert(name);
    }
    assert!(written.len() >= 4, "one backup per state: {written:?}");
    let now = list();
    assert_eq!(now.len(), 2, "--backup-keep 2 keeps two: {now:?}");
    assert!(
        written.last() == now.last() && now[0] < now[1],
        "the newest are kept: {now:?} of {written:?}"
    );
    // The newest holds the last change.
    let restored = tmp.path().join("restored");
    ok(
        &bureau(
            &restored,
            &["restore", backups.join(&now[1]).to_str().unwrap()],
            None,
        ),
        "restore of the newest automatic backup",
    );
    node.stop();
    let copy = Node::start(&restored, &[]);
    let rooms = room_names(&copy);
    assert!(rooms.contains(&"Room 3".to_owned()), "{rooms:?}");
    copy.stop();
}
