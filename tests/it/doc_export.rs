//! `GET /api/doc` is the whole document in automerge's format: a fresh automerge document
//! loads it and holds what the API serves.

use std::collections::BTreeSet;

use automerge::{AutoCommit, ObjType, ReadDoc, Value};
use serde_json::Value as Json;

use crate::support::Node;

fn map_at(doc: &AutoCommit, obj: &automerge::ObjId, key: &str) -> automerge::ObjId {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(ObjType::Map), id))) => id,
        other => panic!("{key} is not a map in the exported document: {other:?}"),
    }
}

fn str_at(doc: &AutoCommit, obj: &automerge::ObjId, key: &str) -> String {
    match doc.get(obj, key) {
        Ok(Some((Value::Scalar(s), _))) => s
            .as_str()
            .unwrap_or_else(|| panic!("{key} is not a string: {s:?}"))
            .to_owned(),
        other => panic!("{key} is not a scalar in the exported document: {other:?}"),
    }
}

fn ids(list: &Json) -> BTreeSet<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|r| r["id"].as_str().expect("an id").to_owned())
        .collect()
}

#[test]
fn exported_doc_loads_in_a_fresh_automerge_document_with_the_same_content() {
    let tmp = tempfile::tempdir().unwrap();
    let node = Node::start(&tmp.path().join("node"), &["--demo"]);
    // Archive one meeting so that the export is compared with archived records included.
    let meetings = node.get("/api/meetings").expect(200);
    let archived_id = meetings[0]["id"].as_str().unwrap().to_owned();
    node.delete(&format!("/api/meetings/{archived_id}"))
        .expect(200);

    let res = node.get("/api/doc");
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/octet-stream"));
    let status = node.status();
    let meetings = node.get("/api/meetings?archived=true").expect(200);
    let members = node.get("/api/members?archived=true").expect(200);

    let mut doc = AutoCommit::load(&res.body).expect("the export loads in automerge");

    let mut heads: Vec<String> = doc.get_heads().iter().map(ToString::to_string).collect();
    let mut api_heads: Vec<String> = status["heads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_owned())
        .collect();
    heads.sort();
    api_heads.sort();
    assert!(!heads.is_empty());
    assert_eq!(
        heads, api_heads,
        "the export is the document at /api/status' heads"
    );

    let meta = map_at(&doc, &automerge::ROOT, "meta");
    assert_eq!(str_at(&doc, &meta, "bureau_id"), status["bureau_id"]);
    assert_eq!(str_at(&doc, &meta, "title"), status["title"]);

    let meetings_obj = map_at(&doc, &automerge::ROOT, "meetings");
    let doc_meetings: BTreeSet<String> = doc.keys(&meetings_obj).collect();
    assert!(doc_meetings.len() > 3, "the demo has meetings");
    assert_eq!(doc_meetings, ids(&meetings), "meeting ids");
    for m in meetings.as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        let obj = map_at(&doc, &meetings_obj, id);
        assert_eq!(str_at(&doc, &obj, "title"), m["title"], "title of {id}");
        assert_eq!(str_at(&doc, &obj, "start"), m["start"], "start of {id}");
        assert_eq!(str_at(&doc, &obj, "room_id"), m["room_id"], "room of {id}");
    }
    let archived = map_at(&doc, &meetings_obj, &archived_id);
    assert!(matches!(
        doc.get(&archived, "archived"),
        Ok(Some((Value::Scalar(s), _))) if s.as_bool() == Some(true)
    ));

    let members_obj = map_at(&doc, &automerge::ROOT, "members");
    let doc_members: BTreeSet<String> = doc.keys(&members_obj).collect();
    assert_eq!(doc_members, ids(&members), "member ids");
    for m in members.as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        let obj = map_at(&doc, &members_obj, id);
        assert_eq!(str_at(&doc, &obj, "name"), m["name"], "name of {id}");
    }
    node.stop();
}
