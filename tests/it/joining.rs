//! Joining and roles over real nodes on 127.0.0.1: a laptop joins as an existing member (no
//! second member for one person); a name already in the bureau is refused with a hint and the
//! invite stays valid; a failed join (garbage, used code) exits with a code that says what
//! happened and leaves nothing behind, on the joiner's disk or in the inviter's peers; only an
//! admin's node revokes devices and changes roles, and a role given by an admin lets its
//! device act as one on every node; a short code (`7-orbit-lantern`) joins with the
//! inviter's address given, a wrong one is refused and counted, three burn the invite.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Node, api_error, bureau_cmd, join_ok, run_with_deadline, wait_until};

/// How long a join may take on a busy machine (it dials the inviter and waits for it).
const JOIN_DEADLINE: Duration = Duration::from_secs(90);
/// How long a change may take to reach another node.
const SYNC_DEADLINE: Duration = Duration::from_secs(60);

/// `bureau join CODE [--name NAME]` in `dir`, run to its end.
fn join(dir: &Path, code: &str, name: Option<&str>) -> Output {
    let mut cmd = bureau_cmd(dir);
    cmd.args(["join", code]);
    if let Some(name) = name {
        cmd.args(["--name", name]);
    }
    run_with_deadline(cmd, JOIN_DEADLINE)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `bureau invite ARGS` against the node running in `node.dir`: the link it prints (after
/// the short code).
fn invite_cli(node: &Node, args: &[&str]) -> String {
    let mut cmd = bureau_cmd(&node.dir);
    cmd.arg("invite").args(args);
    let out = run_with_deadline(cmd, JOIN_DEADLINE);
    assert!(
        out.status.success(),
        "bureau invite {args:?}: {}",
        stderr(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines.len() == 2 && lines[1].starts_with("bureau1-"),
        "invite printed something else than a code and a link: {stdout:?}"
    );
    lines[1].to_owned()
}

fn member_names(node: &Node) -> Vec<String> {
    let mut names = node.member_names();
    names.sort();
    names
}

fn devices(node: &Node) -> Vec<Value> {
    node.get("/api/devices")
        .expect(200)
        .as_array()
        .expect("a list")
        .clone()
}

fn own_member(node: &Node) -> String {
    node.status()["member_id"]
        .as_str()
        .expect("the node writes as a member")
        .to_owned()
}

/// The device `peer` as `node` has it.
fn device_on(node: &Node, peer: &str) -> Value {
    node.get(&format!("/api/devices/{peer}")).expect(200)
}

#[test]
fn joining_as_an_existing_member_makes_no_second_member() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Carmen Ortiz"]);
    let carmen = own_member(&a);

    // Her second laptop: an invite for her member, and a join with no name.
    let code = invite_cli(&a, &["--member", &carmen]);
    let laptop = tmp.path().join("laptop");
    let out = join(&laptop, &code, None);
    assert!(out.status.success(), "join: {}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("as Carmen Ortiz"), "{said}");
    assert_eq!(member_names(&a), ["Carmen Ortiz"], "no second Carmen");
    let listed = devices(&a);
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|d| d["member_id"] == carmen.as_str()),
        "both laptops are Carmen's: {listed:?}"
    );
    let new = listed
        .iter()
        .find(|d| d["peer_id"] != a.peer_id().as_str())
        .expect("the new laptop");
    assert_eq!(new["role"], "editor", "{new}");

    // It starts, receives the bureau and writes as Carmen.
    let b = Node::start(&laptop, &[]);
    wait_until(
        "the second laptop writes as Carmen",
        SYNC_DEADLINE,
        || b.status()["member_id"] == carmen.as_str(),
        || format!("{}", b.status()),
    );
    assert_eq!(member_names(&b), ["Carmen Ortiz"]);

    // A code for a new person with her name (other case and spacing): refused with a hint
    // that names her member, nothing made on either side, and the code still valid.
    let code = a.invite("editor");
    let dup = tmp.path().join("dup");
    let out = join(&dup, &code, Some("carmen  ORTIZ"));
    assert_eq!(out.status.code(), Some(65), "{}", stderr(&out));
    let why = stderr(&out);
    assert!(
        why.contains("already in the bureau") && why.contains(&carmen),
        "{why}"
    );
    assert!(!dup.exists(), "the refused join left {}", dup.display());
    assert_eq!(member_names(&a), ["Carmen Ortiz"]);
    let out = join(&dup, &code, Some("Carmen Ortiz Diallo"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(member_names(&a), ["Carmen Ortiz", "Carmen Ortiz Diallo"]);

    // A code for a new person needs a name: a usage error, before anything is made.
    let code = a.invite("editor");
    let nameless = tmp.path().join("nameless");
    let out = join(&nameless, &code, None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--name"), "{}", stderr(&out));
    assert!(!nameless.exists());
}

#[test]
fn a_failed_join_exits_with_what_happened_and_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    let devices_before = devices(&a).len();
    let code = a.invite("editor");

    // Garbage: not a code at all, or one cut short. A directory that was not there is not
    // there after; one that was empty is empty after.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for text in [
        "hello",
        "bureau1-",
        "bureau1-!!!!",
        &code[..code.len() / 2],
        "7-orbitt-lantern",
    ] {
        let dir = tmp.path().join("garbage");
        let out = join(&dir, text, Some("Garbage"));
        assert_eq!(out.status.code(), Some(65), "{text:?}: {}", stderr(&out));
        let said = stderr(&out);
        assert!(
            said.contains("not a bureau invite")
                || said.contains("\"orbitt\" is not a word of invite codes"),
            "{said}"
        );
        assert!(!dir.exists(), "{text:?} left {}", dir.display());
        let out = join(&empty, text, Some("Garbage"));
        assert_eq!(out.status.code(), Some(65), "{text:?}: {}", stderr(&out));
        assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0, "{text:?}");
    }

    // Used: the first join takes it, the next is refused by the inviter.
    join_ok(&tmp.path().join("bob"), &code, "Bob");
    let again = tmp.path().join("again");
    let out = join(&again, &code, Some("Again"));
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert!(stderr(&out).contains("already used"), "{}", stderr(&out));
    assert!(!again.exists(), "the refused join left {}", again.display());
    let out = join(&empty, &code, Some("Again"));
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_dir(&empty).unwrap().count(),
        0,
        "the refused join left files in a directory that was empty"
    );

    // The inviter: only Bob was added, and once the refused joiners are gone no peer is
    // listed that is not a device of the bureau (an "Unknown device").
    assert_eq!(devices(&a).len(), devices_before + 1);
    assert_eq!(member_names(&a), ["Alice", "Bob"]);
    wait_until(
        "A lists no peer that is not a device of the bureau",
        SYNC_DEADLINE,
        || {
            a.get("/api/peers")
                .expect(200)
                .as_array()
                .is_some_and(|peers| peers.iter().all(|p| p["name"].is_string()))
        },
        || format!("{}", a.get("/api/peers").json()),
    );
}

#[test]
fn only_an_admins_node_revokes_or_changes_roles_and_an_admin_it_made_acts_as_one() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    join_ok(&tmp.path().join("b"), &a.invite("editor"), "Bob");
    let b = Node::start(&tmp.path().join("b"), &[]);
    let (a_id, b_id) = (a.peer_id(), b.peer_id());
    b.post("/api/peers", &json!({"addr": a.p2p_addr()}))
        .expect(202);
    wait_until(
        "B has the bureau and its own device",
        SYNC_DEADLINE,
        || b.try_json(&format!("/api/devices/{b_id}")).is_some(),
        String::new,
    );
    assert_eq!(device_on(&b, &a_id)["role"], "admin", "the founder");
    assert_eq!(device_on(&b, &b_id)["role"], "editor");

    // Bob's node, an editor's, refuses what only an admin may do.
    let res = b.delete(&format!("/api/devices/{a_id}"));
    assert_eq!(res.status, 403);
    let err = api_error(&res);
    assert_eq!(err.code, "not_admin");
    assert!(err.message.contains("only an admin"), "{}", err.message);
    let res = b.patch(
        &format!("/api/devices/{a_id}"),
        &json!({"role": "observer"}),
    );
    assert_eq!(res.status, 403);
    assert_eq!(api_error(&res).code, "not_admin");
    let alice = own_member(&a);
    for body in [
        json!({"role": "admin"}),
        json!({"role": "editor", "member_id": alice}),
    ] {
        let res = b.post("/api/invites", &body);
        assert_eq!(res.status, 403, "{body}");
    }
    // His own devices and new people he may invite.
    b.post(
        "/api/invites",
        &json!({"role": "editor", "member_id": own_member(&b)}),
    )
    .expect(201);
    b.post("/api/invites", &json!({"role": "observer"}))
        .expect(201);
    assert_eq!(device_on(&a, &a_id)["revoked"], false);

    // Alice makes Bob an admin; once his node knows it, he demotes her, and both nodes
    // take his change (he was an admin when he made it).
    a.patch(&format!("/api/devices/{b_id}"), &json!({"role": "admin"}))
        .expect(200);
    wait_until(
        "B learns it is an admin",
        SYNC_DEADLINE,
        || device_on(&b, &b_id)["role"] == "admin",
        String::new,
    );
    b.patch(&format!("/api/devices/{a_id}"), &json!({"role": "editor"}))
        .expect(200);
    wait_until(
        "A takes Bob's change of her role",
        SYNC_DEADLINE,
        || device_on(&a, &a_id)["role"] == "editor",
        || format!("{}", device_on(&a, &a_id)),
    );
    // Now hers is an editor's node.
    let res = a.patch(
        &format!("/api/devices/{b_id}"),
        &json!({"role": "observer"}),
    );
    assert_eq!(res.status, 403);
    // And Bob, the last admin, keeps his role.
    let res = b.patch(&format!("/api/devices/{b_id}"), &json!({"role": "editor"}));
    assert_eq!(res.status, 409);
    assert_eq!(api_error(&res).code, "last_admin");
}

#[test]
fn two_members_who_are_one_person_are_merged_keeping_every_reference() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Alice"]);
    let create = |body: Value| {
        a.post("/api/members", &body).expect(201)["id"]
            .as_str()
            .expect("an id")
            .to_owned()
    };
    let kept = create(json!({"name": "Carmen Ortiz", "email": "carmen@example.org"}));
    let twin = create(json!({"name": "Carmen Ortiz", "phone": "+216 71 000 001"}));
    let group = a
        .post(
            "/api/groups",
            &json!({"name": "Gender caucus", "kind": "caucus", "focal_points": [twin]}),
        )
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let meeting = a
        .post(
            "/api/meetings",
            &json!({"title": "Caucus", "start": "2025-11-16T09:00:00+01:00",
                    "end": "2025-11-16T10:00:00+01:00", "members": [twin]}),
        )
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A laptop that joined as the twin.
    let code = a
        .post(
            "/api/invites",
            &json!({"role": "editor", "member_id": twin}),
        )
        .expect(201)["link"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = join(&tmp.path().join("laptop"), &code, None);
    assert!(out.status.success(), "{}", stderr(&out));

    let mut cmd = bureau_cmd(&a.dir);
    cmd.args(["merge-members", &twin, "--into", &kept]);
    let out = run_with_deadline(cmd, JOIN_DEADLINE);
    assert!(out.status.success(), "merge-members: {}", stderr(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Carmen Ortiz"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    assert_eq!(
        member_names(&a),
        ["Alice", "Carmen Ortiz"],
        "one Carmen left"
    );
    let g = a.get(&format!("/api/groups/{group}")).expect(200);
    assert_eq!(g["focal_points"], json!([kept]), "{g}");
    let m = a.get(&format!("/api/meetings/{meeting}")).expect(200);
    assert_eq!(m["members"], json!([kept]), "{m}");
    assert!(
        devices(&a).iter().all(|d| d["member_id"] != twin.as_str()),
        "a device still belongs to the twin"
    );
    let k = a.get(&format!("/api/members/{kept}")).expect(200);
    assert_eq!(k["email"], "carmen@example.org");
    assert_eq!(
        k["phone"], "+216 71 000 001",
        "what the kept member lacked: {k}"
    );
    let t = a.get(&format!("/api/members/{twin}")).expect(200);
    assert_eq!(t["archived"], true, "{t}");
    assert_eq!(t["merged_into"], kept.as_str(), "{t}");

    // Again, or into itself: refused, naming the field.
    let res = a.post(
        &format!("/api/members/{twin}/merge"),
        &json!({"into": kept}),
    );
    assert_eq!(res.status, 400);
    assert_eq!(api_error(&res).field.as_deref(), Some("id"));
    let res = a.post(
        &format!("/api/members/{kept}/merge"),
        &json!({"into": kept}),
    );
    assert_eq!(res.status, 400);
    assert_eq!(api_error(&res).field.as_deref(), Some("into"));
}

/// `bureau join CODE --name NAME --peer ADDR` in `dir`, run to its end.
fn join_at(dir: &Path, code: &str, name: &str, peer: &str) -> Output {
    let mut cmd = bureau_cmd(dir);
    cmd.args(["join", code, "--name", name, "--peer", peer]);
    run_with_deadline(cmd, JOIN_DEADLINE)
}

/// The inviter's TCP listen address on 127.0.0.1, as a joiner would copy it from its peers
/// page.
fn tcp_address(node: &Node) -> String {
    node.status()["listen"]
        .as_array()
        .expect("listen addresses")
        .iter()
        .filter_map(Value::as_str)
        .find(|a| a.starts_with("/ip4/127.0.0.1/tcp/"))
        .expect("a TCP address on loopback")
        .to_owned()
}

/// The state and wrong guesses of the invite with this short code, from `GET /api/invites`
/// (a closed invite's code is not shown, so a closed one is found as the only other).
fn invite_state(node: &Node, expires_at: &str) -> (String, u64) {
    let list = node.get("/api/invites").expect(200);
    let i = list
        .as_array()
        .expect("a list")
        .iter()
        .find(|i| i["expires_at"] == expires_at)
        .unwrap_or_else(|| panic!("the invite is listed: {list}"));
    (
        i["state"].as_str().unwrap_or_default().to_owned(),
        i["wrong"].as_u64().unwrap_or_default(),
    )
}

#[test]
fn a_short_code_joins_and_wrong_guesses_are_refused_then_burn_it() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Amina Diallo"]);
    let at = tcp_address(&a);
    let made = a
        .post("/api/invites", &json!({"role": "editor"}))
        .expect(201);
    let code = made["code"].as_str().expect("a short code").to_owned();
    assert!(code.len() < 40, "short enough to type: {code}");
    assert!(
        made["link"]
            .as_str()
            .is_some_and(|l| l.starts_with("bureau1-")),
        "{made}"
    );
    let (nameplate, words) = code.split_once('-').expect("number-word-word");
    // A guess with other words: refused as wrong (77), nothing kept, and counted.
    let guess = if words == "acorn-acorn" {
        format!("{nameplate}-actor-actor")
    } else {
        format!("{nameplate}-acorn-acorn")
    };
    let guesser = tmp.path().join("guesser");
    let out = join_at(&guesser, &guess, "Mallory", &at);
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the code is wrong"),
        "{}",
        stderr(&out)
    );
    assert!(
        !guesser.exists(),
        "the refused join left {}",
        guesser.display()
    );
    let until = made["expires_at"].as_str().unwrap().to_owned();
    assert_eq!(invite_state(&a, &until), ("open".to_owned(), 1));
    // The real code still works, typed as a person might.
    let typed = code.replace('-', " ").to_uppercase();
    let bob = tmp.path().join("bob");
    let out = join_at(&bob, &typed, "Bob Mensah", &at);
    assert!(
        out.status.success(),
        "join with {typed:?}: {}",
        stderr(&out)
    );
    assert_eq!(member_names(&a), ["Amina Diallo", "Bob Mensah"]);
    assert_eq!(invite_state(&a, &until).0, "used");

    // Another invite, guessed wrong three times: burned, and then even its real code and its
    // link are refused.
    let made = a
        .post(
            "/api/invites",
            &json!({"role": "editor", "expires_in": 7200}),
        )
        .expect(201);
    let code = made["code"].as_str().unwrap().to_owned();
    let (nameplate, words) = code.split_once('-').unwrap();
    let guess = if words == "acorn-acorn" {
        format!("{nameplate}-actor-actor")
    } else {
        format!("{nameplate}-acorn-acorn")
    };
    for _ in 0..2 {
        let out = join_at(&guesser, &guess, "Mallory", &at);
        assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    }
    let out = join_at(&guesser, &guess, "Mallory", &at);
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert!(stderr(&out).contains("burned"), "{}", stderr(&out));
    let until = made["expires_at"].as_str().unwrap().to_owned();
    assert_eq!(invite_state(&a, &until), ("burned".to_owned(), 3));
    let carol = tmp.path().join("carol");
    let out = join_at(&carol, &code, "Carol", &at);
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert!(stderr(&out).contains("burned"), "{}", stderr(&out));
    let out = join(&carol, made["link"].as_str().unwrap(), Some("Carol"));
    assert_eq!(out.status.code(), Some(77), "{}", stderr(&out));
    assert!(!carol.exists());
    assert_eq!(member_names(&a), ["Amina Diallo", "Bob Mensah"]);

    // A code no node at that address has: said so, exit 69, nothing kept.
    let out = join_at(&carol, "998-acorn-acorn", "Carol", &at);
    let out = if out.status.code() == Some(69) {
        out
    } else {
        // The one-in-a-thousand case where 998 is the burned invite's number.
        join_at(&carol, "997-acorn-acorn", "Carol", &at)
    };
    assert_eq!(out.status.code(), Some(69), "{}", stderr(&out));
    assert!(stderr(&out).contains("no node at"), "{}", stderr(&out));
    assert!(!carol.exists());
    // The inviter's node said so when it happened.
    let log = a.log();
    assert!(
        log.contains("a wrong invite code was tried") && log.contains("is burned"),
        "{log}"
    );
}

#[test]
fn a_node_with_an_untouched_bureau_joins_another_from_its_api_and_a_used_one_may_not() {
    let tmp = tempfile::tempdir().unwrap();
    let a = Node::start(&tmp.path().join("a"), &["--name", "Amina Diallo"]);
    let a_bureau = a.status()["bureau_id"].as_str().unwrap().to_owned();
    // A new laptop started before its owner was invited: it founded a bureau of its own.
    let b_dir = tmp.path().join("b");
    let b = Node::start(&b_dir, &[]);
    let own_bureau = b.status()["bureau_id"].as_str().unwrap().to_owned();
    assert_ne!(own_bureau, a_bureau);

    // A node whose bureau has edits may not: 409, and nothing happens. (A is untouched too
    // until someone edits it.)
    a.post("/api/groups", &json!({"name": "Article 19"}))
        .expect(201);
    let made = a
        .post("/api/invites", &json!({"role": "editor"}))
        .expect(201);
    let res = a.post(
        "/api/join",
        &json!({"code": made["link"], "name": "Someone"}),
    );
    assert_eq!(res.status, 409, "{}", res.json());
    assert_eq!(api_error(&res).code, "bureau_in_use");

    // A wrong code is a field error, and the untouched bureau stays.
    let (nameplate, words) = made["code"].as_str().unwrap().split_once('-').unwrap();
    let wrong = if words == "acorn-acorn" {
        format!("{nameplate}-actor-actor")
    } else {
        format!("{nameplate}-acorn-acorn")
    };
    let res = b.post(
        "/api/join",
        &json!({"code": wrong, "name": "Bob Mensah", "peers": [tcp_address(&a)]}),
    );
    assert_eq!(res.status, 400, "{}", res.json());
    assert_eq!(api_error(&res).field.as_deref(), Some("code"));
    assert_eq!(b.status()["bureau_id"], own_bureau.as_str());

    // The short code with the inviter's address: accepted, and the node starts again on A's
    // bureau (same HTTP address, same token), which arrives from A.
    let res = b.post(
        "/api/join",
        &json!({"code": made["code"], "name": "Bob Mensah", "peers": [tcp_address(&a)]}),
    );
    let joined = res.expect(202);
    assert_eq!(joined["bureau_id"], a_bureau.as_str(), "{joined}");
    wait_until(
        "B holds A's bureau after starting again",
        SYNC_DEADLINE,
        || {
            let st = b.try_json("/api/status");
            st.is_some_and(|st| {
                st["bureau_id"] == a_bureau.as_str() && st["heads"] == a.status()["heads"]
            })
        },
        || format!("A: {}\nB: {:?}", a.status(), b.try_json("/api/status")),
    );
    assert_eq!(member_names(&b), ["Amina Diallo", "Bob Mensah"]);
    assert_eq!(member_names(&a), ["Amina Diallo", "Bob Mensah"]);
    // The untouched bureau is set aside, not deleted, and the marker names the new one.
    let aside = std::fs::read_dir(b_dir.join("quarantine"))
        .expect("quarantine/")
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().starts_with("doc-set-aside"));
    assert!(aside, "the founded bureau's files are set aside");
    assert_eq!(
        std::fs::read_to_string(b_dir.join("bureau-id"))
            .unwrap()
            .trim(),
        a_bureau
    );
    // Now B's bureau is a real one: joining again is refused.
    let res = b.post("/api/join", &json!({"code": "7-orbit-lantern"}));
    assert_eq!(res.status, 409);
}
