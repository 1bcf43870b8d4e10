//! A data directory that held a bureau is never taken for a new one: with its document's
//! files gone, emptied or replaced by symlinks, the node refuses to start and says how to get
//! the bureau back; `bureau serve --recover` sets what is left aside, starts empty, refuses
//! edits, and takes the bureau back from a member it remembers.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Node, bureau_cmd, join_ok, run_with_deadline, wait_until};

const DEADLINE: Duration = Duration::from_secs(60);

fn member_ids(node: &Node) -> Vec<String> {
    let mut ids: Vec<String> = node
        .get("/api/members")
        .json()
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// A founder and a member who joined by invite, each with members of their own, in sync;
/// the member's marker is on disk.
fn pair(root: &Path) -> (Node, Node, String) {
    let a = Node::start(&root.join("a"), &["--name", "Alice"]);
    join_ok(&root.join("b"), &a.invite("editor"), "Bob");
    let b = Node::start(&root.join("b"), &[]);
    for (n, who) in [(&a, "A"), (&b, "B")] {
        wait_until(
            "B has the bureau",
            DEADLINE,
            || {
                !b.status()["bureau_id"]
                    .as_str()
                    .unwrap_or_default()
                    .is_empty()
            },
            || b.log_tail(3000),
        );
        for i in 0..3 {
            n.post(
                "/api/members",
                &json!({ "name": format!("{who} member {i}") }),
            )
            .expect(201);
        }
    }
    wait_until(
        "A and B converge",
        DEADLINE,
        || a.heads() == b.heads(),
        || format!("{}\n{}", a.log_tail(3000), b.log_tail(3000)),
    );
    let bureau = a.status()["bureau_id"].as_str().unwrap().to_owned();
    wait_until(
        "B remembers which bureau it holds",
        DEADLINE,
        || std::fs::read_to_string(b.dir.join("bureau-id")).is_ok_and(|m| m.trim() == bureau),
        || b.log_tail(3000),
    );
    (a, b, bureau)
}

/// `bureau serve` on `dir` must exit 78 at once, naming `--recover`, and leave the directory
/// without a new bureau.
fn refused(dir: &Path, bureau: &str) {
    let out = crate::support::serve_until_exit(dir, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(78),
        "serve was not refused: {stderr}"
    );
    assert!(
        stderr.contains("--recover") && stderr.contains(bureau),
        "the refusal does not say how to get the bureau back: {stderr}"
    );
    let marker = std::fs::read_to_string(dir.join("bureau-id")).unwrap_or_default();
    assert_eq!(marker.trim(), bureau, "the marker changed");
}

/// Empties `doc/` in one of three ways.
fn damage(dir: &Path, how: &str) {
    let doc = dir.join("doc");
    match how {
        "emptied" => {
            for e in std::fs::read_dir(&doc).unwrap() {
                std::fs::remove_file(e.unwrap().path()).unwrap();
            }
        }
        "missing" => std::fs::remove_dir_all(&doc).unwrap(),
        "symlinks" => {
            // The files moved elsewhere and linked back: the store does not follow links in
            // doc/, so the document is as good as gone.
            let elsewhere = dir.join("elsewhere");
            std::fs::create_dir_all(&elsewhere).unwrap();
            for e in std::fs::read_dir(&doc).unwrap() {
                let e = e.unwrap();
                let moved = elsewhere.join(e.file_name());
                std::fs::rename(e.path(), &moved).unwrap();
                std::os::unix::fs::symlink(&moved, e.path()).unwrap();
            }
        }
        other => panic!("unknown damage {other}"),
    }
}

#[test]
fn a_data_directory_whose_document_is_gone_is_refused_never_founded_anew() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, bureau) = pair(tmp.path());
    let b_dir = b.dir.clone();
    b.stop();
    let pristine = tmp.path().join("b-pristine");
    crate::support::copy_dir(&b_dir, &pristine);
    for how in ["emptied", "missing", "symlinks"] {
        let dir = tmp.path().join(format!("b-{how}"));
        crate::support::copy_dir(&pristine, &dir);
        damage(&dir, how);
        refused(&dir, &bureau);
        // Neither init nor join may found or take another bureau there.
        let mut init = bureau_cmd(&dir);
        init.args(["init", "--name", "Impostor"]);
        let out = run_with_deadline(init, DEADLINE);
        assert!(
            !out.status.success(),
            "init over a lost bureau ({how}) succeeded"
        );
        refused(&dir, &bureau);
    }
    drop(a);
}

#[test]
fn serve_recover_takes_the_bureau_back_from_a_member_and_refuses_edits_until_then() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, bureau) = pair(tmp.path());
    let want = member_ids(&a);
    let b_dir = b.dir.clone();
    b.stop();
    damage(&b_dir, "emptied");
    // Recovery is not for a directory whose bureau loads.
    let fine = tmp.path().join("a-copy");
    crate::support::copy_dir(&a.dir, &fine);
    let out = crate::support::serve_until_exit(&fine, &["--recover"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("loads"), "{stderr}");
    assert!(
        crate::support::file_names(&fine.join("quarantine")).is_empty(),
        "nothing was set aside"
    );
    // While A is paused nothing can arrive: B starts empty and refuses edits.
    a.post("/api/sync/pause", &json!({})).expect(200);
    let b = Node::start(&b_dir, &["--recover"]);
    assert_eq!(b.status()["bureau_id"], "", "nothing arrived yet");
    let res = b.post("/api/members", &json!({ "name": "Too early" }));
    assert!(
        (400..500).contains(&res.status),
        "an edit before the bureau came back was answered {}",
        res.status
    );
    let aside: Vec<String> = crate::support::file_names(&b_dir.join("quarantine"));
    assert!(
        aside.iter().any(|n| n.starts_with("doc-set-aside-")),
        "what was left of the document is kept: {aside:?}"
    );
    a.post("/api/sync/resume", &json!({})).expect(200);
    wait_until(
        "B takes the bureau back from A",
        DEADLINE,
        || b.heads() == a.heads() && member_ids(&b) == want,
        || format!("A:\n{}\nB:\n{}", a.log_tail(4000), b.log_tail(4000)),
    );
    assert_eq!(b.status()["bureau_id"], Value::from(bureau.as_str()));
    // Edits work again, and reach A.
    let id = b
        .post("/api/members", &json!({ "name": "After recovery" }))
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_until(
        "A gets B's edit after the recovery",
        DEADLINE,
        || member_ids(&a).contains(&id),
        || format!("A:\n{}\nB:\n{}", a.log_tail(4000), b.log_tail(4000)),
    );
    // A restart without --recover is an ordinary start now.
    b.stop();
    let b = Node::start(&b_dir, &[]);
    assert_eq!(b.status()["bureau_id"], Value::from(bureau.as_str()));
}

#[test]
fn a_data_directory_other_users_can_write_to_is_refused_and_a_new_one_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let open = tmp.path().join("open");
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    // A token someone planted must never be adopted.
    std::fs::write(open.join("api-token"), "a".repeat(64)).unwrap();
    let out = crate::support::serve_until_exit(&open, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("chmod 700"), "{stderr}");
    assert!(!open.join("runtime.json").exists() && !open.join("doc").exists());

    // The same with a private doc/ inside an open directory's place: each directory counts.
    let loose_doc = tmp.path().join("loose-doc");
    std::fs::create_dir_all(loose_doc.join("doc")).unwrap();
    std::fs::set_permissions(&loose_doc, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(
        loose_doc.join("doc"),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    let out = crate::support::serve_until_exit(&loose_doc, &[]);
    assert_eq!(out.status.code(), Some(78), "{out:?}");

    // A directory the node makes is its owner's alone.
    let fresh = tmp.path().join("fresh");
    let node = Node::start(&fresh, &[]);
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "the data directory was made {mode:o}");
    drop(node);
}
