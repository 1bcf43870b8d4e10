//! A full disk: edits are refused with 507 and a clear message, nothing half-written stays
//! behind, the node keeps serving, and writing works again once space is freed.
//!
//! Needs root (it mounts a small tmpfs). Without root the test fails, unless
//! `BUREAU_SKIP_ROOT_TESTS=1` says to skip it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use crate::support::{Node, api_error, file_names};

fn is_root() -> bool {
    let out = Command::new("id")
        .arg("-u")
        .output()
        .expect("running id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// A tmpfs mounted for the test, unmounted when dropped (also when the test fails).
struct Tmpfs {
    path: PathBuf,
}

impl Tmpfs {
    fn mount(path: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(path).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700")])
            .arg("tmpfs")
            .arg(path)
            .output()
            .expect("running mount");
        assert!(
            out.status.success(),
            "mount -t tmpfs failed (the test needs root with CAP_SYS_ADMIN; set \
             BUREAU_SKIP_ROOT_TESTS=1 to skip it): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs {
            path: path.to_path_buf(),
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let ok = Command::new("umount")
            .arg(&self.path)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            // Something still holds it open; detach it so no mount outlives the test.
            let _ = Command::new("umount").arg("-l").arg(&self.path).status();
        }
    }
}

/// Writes a file until the file system says it is full.
fn fill(path: &Path) {
    let mut f = std::fs::File::create(path).expect("creating the filler");
    for size in [64 * 1024, 512, 1] {
        let block = vec![0xa5u8; size];
        loop {
            match f.write_all(&block) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(libc::ENOSPC) => break,
                Err(e) => panic!("filling the disk failed with something else than ENOSPC: {e}"),
            }
        }
    }
    let _ = f.sync_all();
}

#[test]
fn full_disk_refuses_edits_with_507_and_recovers() {
    if !is_root() {
        if std::env::var("BUREAU_SKIP_ROOT_TESTS").as_deref() == Ok("1") {
            eprintln!("SKIPPED full_disk: not root and BUREAU_SKIP_ROOT_TESTS=1");
            return;
        }
        panic!(
            "this test mounts a tmpfs and needs root; run it as root, or set \
             BUREAU_SKIP_ROOT_TESTS=1 to skip it explicitly"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let mnt = tmp.path().join("mnt");
    // Declared before the node so that it is dropped (unmounted) after the node is killed.
    let _tmpfs = Tmpfs::mount(&mnt, "2m");
    let dir = mnt.join("data");
    let node = Node::start(&dir, &[]);

    let mut acked = Vec::new();
    for i in 0..3 {
        let name = format!("Before Full {i}");
        let r = node
            .post("/api/members", &json!({"name": name}))
            .expect(201);
        acked.push((r["id"].as_str().unwrap().to_owned(), name));
    }
    let patched = acked[0].0.clone();

    let filler = mnt.join("filler");
    fill(&filler);
    // Edits go on while they fit in the last block of the node's log segment; each one that
    // is acknowledged must survive like any other. The first refused one closes the segment,
    // so from then on every edit needs a new block and is refused.
    let mut first_refusal = None;
    for i in 0..200 {
        let name = format!("Until Full {i}");
        let r = node.post("/api/members", &json!({"name": name}));
        if r.status == 201 {
            acked.push((r.json()["id"].as_str().unwrap().to_owned(), name));
        } else {
            first_refusal = Some(r);
            break;
        }
    }
    let first_refusal = first_refusal.expect("the full disk refused an edit within 200");
    let refused_name = format!("Until Full {}", acked.len() - 3);
    let heads = node.status()["heads"].clone();

    let refused = [
        first_refusal,
        node.post("/api/members", &json!({"name": "Refused One"})),
        node.post(
            "/api/rooms",
            &json!({"name": "Refused Room", "capacity": 10}),
        ),
        node.patch(
            &format!("/api/members/{patched}"),
            &json!({"name": "Refused Rename"}),
        ),
        node.delete(&format!("/api/members/{}", acked[1].0)),
    ];
    for res in &refused {
        assert_eq!(res.status, 507, "want 507 on a full disk: {}", res.text());
        let e = api_error(res);
        assert_eq!(e.code, "disk_full");
        assert!(
            e.message.contains("disk is full") && e.message.contains("free some space"),
            "the message should say what happened and what to do: {:?}",
            e.message
        );
    }

    // Still up, still serving reads, and nothing of the refused edits is visible.
    let status = node.status();
    assert_eq!(
        status["heads"], heads,
        "a refused edit changed the document"
    );
    let names = node.member_names();
    for refused in ["Refused One", &refused_name, "Refused Rename"] {
        assert!(!names.iter().any(|n| n == refused), "{names:?}");
    }
    for (id, name) in &acked {
        assert_eq!(
            node.get(&format!("/api/members/{id}")).expect(200)["name"],
            name.as_str()
        );
    }
    assert_eq!(node.get("/api/rooms").expect(200), json!([]));
    let leftovers: Vec<String> = file_names(&dir.join("doc"))
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temp files left behind: {leftovers:?}"
    );

    // Space again: writing works without a restart.
    std::fs::remove_file(&filler).unwrap();
    let r = node
        .post("/api/members", &json!({"name": "After Space"}))
        .expect(201);
    acked.push((
        r["id"].as_str().unwrap().to_owned(),
        "After Space".to_owned(),
    ));
    node.patch(
        &format!("/api/members/{patched}"),
        &json!({"name": "Renamed After Space"}),
    )
    .expect(200);
    acked[0].1 = "Renamed After Space".to_owned();
    node.stop();

    let node = Node::start(&dir, &[]);
    let status = node.status();
    assert_eq!(status["quarantined"], json!([]), "log:\n{}", node.log());
    for (id, name) in &acked {
        assert_eq!(
            node.get(&format!("/api/members/{id}")).expect(200)["name"],
            name.as_str(),
            "after the restart"
        );
    }
    let members = node.get("/api/members?archived=true").expect(200);
    assert!(
        !members.as_array().unwrap().iter().any(|m| {
            let name = m["name"].as_str().unwrap();
            name.starts_with("Refused") || name == refused_name
        }),
        "a refused edit came back after the restart: {members}"
    );
    assert_eq!(
        node.get(&format!("/api/members/{}", acked[1].0))
            .expect(200)["archived"],
        false,
        "the refused archive came back after the restart"
    );
    node.stop();
}
