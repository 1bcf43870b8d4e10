//! Router tests without a socket: requests go through `tower::ServiceExt::oneshot` into the
//! real application over a real document actor in a temporary directory.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use axum::response::Response;
use bureau_doc::{DocConfig, DocHandle};
use bureau_model::{Edit, InitBureau, testing};
use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::{AppState, SESSION_COOKIE, WebConfig, router};

const TOKEN: &str = "s3cret-token-for-tests";
const PORT: u16 = 7878;
const HOST: &str = "127.0.0.1:7878";
const FOUNDER: &str = testing::FOUNDER_ID;
const DEADLINE: Duration = Duration::from_secs(20);

fn peer() -> String {
    testing::peer_id('A')
}

/// The application over a fresh bureau. Fields drop in order: the router (and its handle)
/// first, then the directory.
struct Fixture {
    app: Router,
    doc: DocHandle,
    cancel: CancellationToken,
    _thread: std::thread::JoinHandle<()>,
    _tmp: tempfile::TempDir,
}

async fn fixture_with(config: WebConfig, init: bool) -> Fixture {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = bureau_store::Store::open(tmp.path()).expect("store");
    let (doc, thread) = DocHandle::open(store, DocConfig::new(peer()))
        .await
        .expect("actor");
    if init {
        doc.edit(Edit::Init(InitBureau {
            title: "Web test bureau".to_owned(),
            ..testing::founding(&peer())
        }))
        .await
        .expect("init");
    }
    Fixture::over(doc, thread, tmp, config)
}

impl Fixture {
    /// The application over an open document whose files are in `tmp`.
    fn over(
        doc: DocHandle,
        thread: std::thread::JoinHandle<()>,
        tmp: tempfile::TempDir,
        config: WebConfig,
    ) -> Fixture {
        let cancel = CancellationToken::new();
        let app = router(AppState {
            net: None,
            doc: doc.clone(),
            config: Arc::new(config),
            cancel: cancel.clone(),
        });
        Fixture {
            app,
            doc,
            cancel,
            _thread: thread,
            _tmp: tmp,
        }
    }
}

async fn fixture() -> Fixture {
    fixture_with(WebConfig::loopback(TOKEN.to_owned(), PORT), true).await
}

/// A request addressed to the node, carrying the token.
fn request(method: Method, uri: &str, body: Option<Value>) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    match body {
        Some(v) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

impl Fixture {
    async fn send(&self, req: Request<Body>) -> Response {
        tokio::time::timeout(DEADLINE, self.app.clone().oneshot(req))
            .await
            .expect("answered before the deadline")
            .expect("infallible")
    }

    /// Sends an authenticated request and returns status, headers and JSON body.
    async fn call(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> (StatusCode, HeaderMap, Value) {
        let res = self.send(request(method, uri, body)).await;
        parts(res).await
    }

    async fn get(&self, uri: &str) -> (StatusCode, Value) {
        let (status, _, v) = self.call(Method::GET, uri, None).await;
        (status, v)
    }

    /// Creates a record through the API and returns its JSON.
    async fn create(&self, collection: &str, body: Value) -> Value {
        let (status, _, v) = self
            .call(Method::POST, &format!("/api/{collection}"), Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "create {collection}: {v}");
        v
    }

    fn member_count(&self) -> usize {
        self.doc.state().snapshot.members.len()
    }
}

async fn body_bytes(res: Response) -> Vec<u8> {
    axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body")
        .to_vec()
}

async fn parts(res: Response) -> (StatusCode, HeaderMap, Value) {
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = body_bytes(res).await;
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
                    .chars()
                    .take(300)
                    .collect::<String>()
            )
        })
    };
    (status, headers, value)
}

/// Asserts a 4xx JSON error and returns its `error` object.
#[track_caller]
fn assert_error(status: StatusCode, body: &Value, expected: StatusCode) -> Value {
    assert_eq!(status, expected, "{body}");
    let err = body
        .get("error")
        .unwrap_or_else(|| panic!("no error object: {body}"));
    assert!(err["code"].is_string(), "{body}");
    assert!(err["message"].is_string(), "{body}");
    err.clone()
}

#[track_caller]
fn assert_field_error(status: StatusCode, body: &Value, field: &str) {
    let err = assert_error(status, body, StatusCode::BAD_REQUEST);
    assert_eq!(err["field"], json!(field), "{body}");
    assert!(
        err["message"].as_str().unwrap_or_default().contains(field),
        "the message names the field: {body}"
    );
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn status_describes_the_node() {
    let f = fixture().await;
    let (status, headers, v) = f.call(Method::GET, "/api/status", None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(v["bureau_id"], "b0b0b0b0");
    assert_eq!(v["title"], "Web test bureau");
    assert_eq!(v["timezone"], "Europe/Zurich");
    assert_eq!(v["member_id"], FOUNDER);
    assert_eq!(v["peer_id"], peer());
    assert_eq!(v["heads"], json!(f.doc.state().heads));
    assert_eq!(v["quarantined"], json!([]));
    assert_eq!(v["conflicts"], 0);
    let version = v["version"].as_u64().expect("version");

    f.create("members", json!({"name": "Someone"})).await;
    let (_, v) = f.get("/api/status").await;
    assert!(v["version"].as_u64().unwrap() > version);
}

/// For each collection: what to create, what to change, and how to see the change.
fn collection_cases(room: &str) -> Vec<(&'static str, Value, Value, &'static str, Value)> {
    vec![
        (
            "members",
            json!({"name": "Amina", "languages": ["en", "fr"]}),
            json!({"email": "amina@example.org"}),
            "email",
            json!("amina@example.org"),
        ),
        (
            "groups",
            json!({"name": "Gender caucus", "kind": "caucus"}),
            json!({"status": "inactive"}),
            "status",
            json!("inactive"),
        ),
        (
            "reviews",
            json!({"date": "2025-11-01"}),
            json!({"notes": "Discussed attendance."}),
            "notes",
            json!("Discussed attendance."),
        ),
        (
            "rooms",
            json!({"name": "Room B", "capacity": 40}),
            json!({"booths": ["en", "fr"]}),
            "booths",
            json!(["en", "fr"]),
        ),
        (
            "meetings",
            json!({
                "title": "Bureau call",
                "start": "2025-11-16T09:00:00+01:00",
                "end": "2025-11-16T10:00:00+01:00",
                "room_id": room,
            }),
            json!({"agenda": "1. Roster\n2. Rooms"}),
            "agenda",
            json!("1. Roster\n2. Rooms"),
        ),
        (
            "bodies",
            json!({"name": "Press office"}),
            json!({"description": "Media liaison."}),
            "description",
            json!("Media liaison."),
        ),
        (
            "notes",
            json!({"title": "Call with the secretariat", "body_id": "es"}),
            json!({"text": "Badges are ready.", "plenary_consulted": true}),
            "text",
            json!("Badges are ready."),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn every_collection_supports_the_full_record_lifecycle() {
    let f = fixture().await;
    let room = f.create("rooms", json!({"name": "Plenary hall"})).await;
    let room_id = room["id"].as_str().unwrap().to_owned();

    for (coll, create, patch, key, expected) in collection_cases(&room_id) {
        // Create.
        let (status, _, rec) = f
            .call(Method::POST, &format!("/api/{coll}"), Some(create.clone()))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{coll}: {rec}");
        let id = rec["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{coll}: {rec}"));
        let id = id.to_owned();
        for (k, v) in create.as_object().unwrap() {
            assert_eq!(&rec[k], v, "{coll}.{k} as created");
        }
        assert_eq!(rec["archived"], false, "{coll}");
        assert_eq!(rec["updated_by"], FOUNDER, "{coll}");

        // List and get.
        let (status, list) = f.get(&format!("/api/{coll}")).await;
        assert_eq!(status, StatusCode::OK, "{coll}");
        assert!(ids(&list).contains(&id), "{coll} list lacks the new record");
        let (status, one) = f.get(&format!("/api/{coll}/{id}")).await;
        assert_eq!(status, StatusCode::OK, "{coll}");
        assert_eq!(one, rec, "{coll}: GET answers what POST answered");

        // Patch.
        let (status, _, patched) = f
            .call(Method::PATCH, &format!("/api/{coll}/{id}"), Some(patch))
            .await;
        assert_eq!(status, StatusCode::OK, "{coll}: {patched}");
        assert_eq!(patched[key], expected, "{coll}.{key} after PATCH");
        let (_, one) = f.get(&format!("/api/{coll}/{id}")).await;
        assert_eq!(one[key], expected, "{coll}.{key} read back");
        // Untouched fields stay.
        let first_key = create.as_object().unwrap().keys().next().unwrap();
        assert_eq!(one[first_key], create[first_key], "{coll}.{first_key}");

        // Delete archives.
        let (status, _, archived) = f
            .call(Method::DELETE, &format!("/api/{coll}/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{coll}: {archived}");
        assert_eq!(archived["archived"], true, "{coll}");
        assert_eq!(archived["archived_by"], FOUNDER, "{coll}");
        let (_, list) = f.get(&format!("/api/{coll}")).await;
        assert!(
            !ids(&list).contains(&id),
            "{coll}: archived record still listed"
        );
        let (status, list) = f.get(&format!("/api/{coll}?archived=true")).await;
        assert_eq!(status, StatusCode::OK, "{coll}");
        assert!(ids(&list).contains(&id), "{coll}: ?archived=true lacks it");
        let (_, list) = f.get(&format!("/api/{coll}?archived=false")).await;
        assert!(!ids(&list).contains(&id), "{coll}: ?archived=false has it");
        let (status, one) = f.get(&format!("/api/{coll}/{id}")).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{coll}: an archived record can be read"
        );
        assert_eq!(one["archived"], true);

        // Restore.
        let (status, _, restored) = f
            .call(Method::POST, &format!("/api/{coll}/{id}/restore"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{coll}: {restored}");
        assert_eq!(restored["archived"], false, "{coll}");
        assert!(restored.get("archived_by").is_none(), "{coll}: {restored}");
        let (_, list) = f.get(&format!("/api/{coll}")).await;
        assert!(
            ids(&list).contains(&id),
            "{coll}: restored record not listed"
        );

        // Unknown ids.
        let (status, v) = f.get(&format!("/api/{coll}/no-such-id")).await;
        assert_error(status, &v, StatusCode::NOT_FOUND);
        let (status, _, v) = f
            .call(Method::DELETE, &format!("/api/{coll}/no-such-id"), None)
            .await;
        assert_error(status, &v, StatusCode::NOT_FOUND);
        let (status, _, v) = f
            .call(
                Method::POST,
                &format!("/api/{coll}/no-such-id/restore"),
                None,
            )
            .await;
        assert_error(status, &v, StatusCode::NOT_FOUND);
    }

    // The seeded bodies and the founder are there from the start.
    let (_, bodies) = f.get("/api/bodies").await;
    assert!(ids(&bodies).contains(&"es".to_owned()));
    let (_, members) = f.get("/api/members").await;
    assert!(ids(&members).contains(&FOUNDER.to_owned()));
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_answer_a_window_with_limit_and_offset_and_everything_without() {
    use bureau_model::{Fields, MemberFields};
    let f = fixture().await;
    // The founder and 119 more.
    for i in 0..119 {
        f.doc
            .edit(Edit::Create(Fields::Member(MemberFields {
                name: Some(format!("Member {i:03}")),
                ..MemberFields::default()
            })))
            .await
            .expect("member");
    }
    let fx = &f;
    let list = |uri: &'static str| async move {
        let (status, headers, v) = fx.call(Method::GET, uri, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {v}");
        assert_eq!(headers["x-total-count"], "120", "{uri}");
        ids(&v)
    };
    let all = list("/api/members").await;
    assert_eq!(all.len(), 120, "no parameters: every record");
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted, "in id order, so windows follow one another");
    assert_eq!(list("/api/members?limit=50").await, all[..50]);
    assert_eq!(list("/api/members?limit=50&offset=50").await, all[50..100]);
    assert_eq!(list("/api/members?offset=100&limit=50").await, all[100..]);
    assert_eq!(list("/api/members?offset=100").await, all[100..]);
    assert_eq!(list("/api/members?offset=120").await, Vec::<String>::new());
    assert_eq!(
        list("/api/members?offset=99999999999999999999999").await,
        Vec::<String>::new()
    );
    assert_eq!(list("/api/members?limit=0").await, Vec::<String>::new());
    assert_eq!(list("/api/members?limit=1000&offset=0").await, all);
    // Unknown parameters are ignored, as before.
    assert_eq!(list("/api/members?sort=name").await, all);

    // The window applies to the list that `archived` selects; the total is that list's.
    let archived = &all[7];
    let (status, _, v) = f
        .call(Method::DELETE, &format!("/api/members/{archived}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, headers, v) = f.call(Method::GET, "/api/members?limit=10", None).await;
    assert_eq!(headers["x-total-count"], "119");
    let live: Vec<&String> = all.iter().filter(|id| *id != archived).collect();
    assert_eq!(ids(&v).iter().collect::<Vec<_>>(), live[..10]);
    let (_, headers, v) = f
        .call(
            Method::GET,
            "/api/members?archived=true&offset=5&limit=5",
            None,
        )
        .await;
    assert_eq!(headers["x-total-count"], "120");
    assert_eq!(ids(&v), all[5..10]);

    for (uri, field) in [
        ("/api/members?limit=1001", "limit"),
        ("/api/members?limit=99999999999999999999999", "limit"),
        ("/api/members?limit=-1", "limit"),
        ("/api/members?limit=1.5", "limit"),
        ("/api/members?limit=", "limit"),
        ("/api/members?limit=ten", "limit"),
        ("/api/members?limit=%2B5", "limit"),
        ("/api/members?limit=5&limit=6", "limit"),
        ("/api/members?offset=-5", "offset"),
        ("/api/members?offset=x&limit=5", "offset"),
        ("/api/members?limit=5&offset=1e3", "offset"),
        ("/api/members?offset=1&offset=2", "offset"),
        ("/api/members?archived=yes&limit=5", "archived"),
    ] {
        let (status, v) = f.get(uri).await;
        assert_field_error(status, &v, field);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn devices_are_listed_but_not_edited_and_unknown_paths_are_404() {
    let f = fixture().await;
    let (status, list) = f.get("/api/devices").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["peer_id"], peer());
    assert_eq!(list[0]["member_id"], FOUNDER);
    let (status, _, v) = f
        .call(Method::POST, "/api/devices", Some(json!({"name": "x"})))
        .await;
    assert_error(status, &v, StatusCode::METHOD_NOT_ALLOWED);

    let (status, v) = f.get("/api/widgets").await;
    assert_error(status, &v, StatusCode::NOT_FOUND);
    let (status, v) = f.get("/api/members/a/b/c").await;
    assert_error(status, &v, StatusCode::NOT_FOUND);
    let (status, v) = f.get("/api").await;
    assert_error(status, &v, StatusCode::NOT_FOUND);
    // Outside /api, an unknown address is a page (see the UI's tests).
    let res = f.send(request(Method::GET, "/nowhere", None)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let (status, v) = f.get("/api/members?archived=maybe").await;
    assert_field_error(status, &v, "archived");
}

#[tokio::test(flavor = "multi_thread")]
async fn overlapping_meetings_in_one_room_are_a_finding() {
    let f = fixture().await;
    let (status, v) = f.get("/api/findings").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !v.as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "room-double-booked"),
        "{v}"
    );

    let room = f.create("rooms", json!({"name": "Room XVIII"})).await;
    let room_id = room["id"].as_str().unwrap();
    let a = f
        .create(
            "meetings",
            json!({"title": "Caucus A", "start": "2025-11-16T09:00:00+01:00",
                   "end": "2025-11-16T11:00:00+01:00", "room_id": room_id}),
        )
        .await;
    let b = f
        .create(
            "meetings",
            json!({"title": "Caucus B", "start": "2025-11-16T10:00:00+01:00",
                   "end": "2025-11-16T12:00:00+01:00", "room_id": room_id}),
        )
        .await;
    let (status, v) = f.get("/api/findings").await;
    assert_eq!(status, StatusCode::OK);
    let found: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "room-double-booked")
        .collect();
    assert_eq!(found.len(), 1, "{v}");
    let refs = &found[0]["refs"];
    assert!(
        refs.as_array()
            .unwrap()
            .contains(&json!({"type": "room", "id": room_id}))
    );
    for m in [&a, &b] {
        assert!(
            refs.as_array()
                .unwrap()
                .contains(&json!({"type": "meeting", "id": m["id"]})),
            "{refs}"
        );
    }
    assert!(found[0]["message"].as_str().unwrap().contains("Room XVIII"));

    // Moving one meeting away clears the finding.
    let b_id = b["id"].as_str().unwrap();
    let (status, _, _) = f
        .call(
            Method::PATCH,
            &format!("/api/meetings/{b_id}"),
            Some(json!({"start": "2025-11-16T11:00:00+01:00"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, v) = f.get("/api/findings").await;
    assert!(
        !v.as_array()
            .unwrap()
            .iter()
            .any(|x| x["kind"] == "room-double-booked"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn conflicts_are_empty_and_resolving_nothing_is_refused() {
    let f = fixture().await;
    let (status, v) = f.get("/api/conflicts").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v, json!([]));

    let heads = f.doc.state().heads.clone();
    let (status, _, v) = f
        .call(
            Method::POST,
            "/api/conflicts/resolve",
            Some(json!({"type": "member", "id": FOUNDER, "field": "name", "value": "Ada"})),
        )
        .await;
    assert_field_error(status, &v, "field");
    assert_eq!(f.doc.state().heads, heads, "nothing written");

    // Missing or bad parts of the request name their field.
    let (status, _, v) = f
        .call(
            Method::POST,
            "/api/conflicts/resolve",
            Some(json!({"id": FOUNDER, "field": "name", "value": "Ada"})),
        )
        .await;
    assert_field_error(status, &v, "type");
    let (status, _, v) = f
        .call(
            Method::POST,
            "/api/conflicts/resolve",
            Some(json!({"type": "widget", "id": FOUNDER, "field": "name", "value": "Ada"})),
        )
        .await;
    assert_field_error(status, &v, "type");
    let (status, _, v) = f
        .call(
            Method::POST,
            "/api/conflicts/resolve",
            Some(json!({"type": "member", "id": FOUNDER, "field": "name"})),
        )
        .await;
    assert_field_error(status, &v, "value");
    let (status, _, v) = f
        .call(
            Method::POST,
            "/api/conflicts/resolve",
            Some(json!({"type": "member", "id": FOUNDER, "field": "name", "value": [1]})),
        )
        .await;
    assert_field_error(status, &v, "value");
    let (status, _, v) = f
        .call(
            Method::POST,
            "/api/conflicts/resolve",
            Some(json!({"type": "member", "id": "nobody", "field": "name", "value": "x"})),
        )
        .await;
    assert_error(status, &v, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn history_of_a_record() {
    let f = fixture().await;
    let m = f
        .create(
            "meetings",
            json!({"title": "Briefing", "start": "2025-11-16T09:00:00+01:00",
                   "end": "2025-11-16T10:00:00+01:00"}),
        )
        .await;
    let id = m["id"].as_str().unwrap();
    let (status, _, _) = f
        .call(
            Method::PATCH,
            &format!("/api/meetings/{id}"),
            Some(json!({"title": "Press briefing"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    for agenda in [
        "1. Welcome\n2. Timeline of the draft\n3. Any other business",
        "1. Welcome\n2. Timeline of the revised draft\n3. Closing",
    ] {
        let (status, _, _) = f
            .call(
                Method::PATCH,
                &format!("/api/meetings/{id}"),
                Some(json!({"agenda": agenda})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }

    let (status, v) = f.get(&format!("/api/history?type=meeting&id={id}")).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let entries = v.as_array().expect("a list");
    assert_eq!(entries.len(), 4, "{v}");
    assert_eq!(entries[0]["message"], format!("create meeting {id}"));
    let title = entries[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == "title")
        .expect("the title is among the fields written at creation");
    assert_eq!(
        title,
        &json!({"field": "title", "old": null, "new": "Briefing"})
    );
    // A change lists each field it touched, old and new; bookkeeping fields are left out.
    assert_eq!(entries[1]["message"], format!("update meeting {id}"));
    assert_eq!(
        entries[1]["fields"],
        json!([{"field": "title", "old": "Briefing", "new": "Press briefing"}]),
        "{v}"
    );
    // A long text also gives the words removed and added at each place.
    let agenda = &entries[3]["fields"][0];
    assert_eq!(agenda["field"], "agenda", "{v}");
    assert_eq!(
        agenda["new"],
        "1. Welcome\n2. Timeline of the revised draft\n3. Closing"
    );
    assert_eq!(
        agenda["words"],
        json!([
            {"before": "2. Timeline of the", "removed": "", "added": "revised",
             "after": "draft 3."},
            {"before": "draft 3.", "removed": "Any other business", "added": "Closing",
             "after": ""},
        ]),
        "{v}"
    );
    for e in entries {
        for f in e["fields"].as_array().unwrap() {
            let name = f["field"].as_str().unwrap();
            assert!(
                !["updated_at", "updated_by", "archived_at", "archived_by"].contains(&name),
                "{name} is listed: {v}"
            );
        }
    }
    for e in entries {
        assert_eq!(e["author"], FOUNDER);
        assert!(e["at"].as_str().is_some_and(|s| !s.is_empty()));
        assert!(e["change"].as_str().is_some_and(|s| s.len() == 64));
    }
    // The plural spelling works too.
    let (status, _) = f.get(&format!("/api/history?type=meetings&id={id}")).await;
    assert_eq!(status, StatusCode::OK);

    let (status, v) = f.get(&format!("/api/history?id={id}")).await;
    assert_field_error(status, &v, "type");
    let (status, v) = f.get(&format!("/api/history?type=widget&id={id}")).await;
    assert_field_error(status, &v, "type");
    let (status, v) = f.get("/api/history?type=meeting").await;
    assert_field_error(status, &v, "id");
    let (status, v) = f.get("/api/history?type=meeting&id=nope").await;
    assert_error(status, &v, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn doc_download_is_a_loadable_automerge_document() {
    let f = fixture().await;
    f.create("members", json!({"name": "In the download"}))
        .await;
    let res = f.send(request(Method::GET, "/api/doc", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()[header::CONTENT_TYPE],
        "application/octet-stream"
    );
    assert!(
        res.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let bytes = body_bytes(res).await;
    let mut doc = automerge::AutoCommit::load(&bytes).expect("automerge accepts the bytes");
    let heads: Vec<String> = doc.get_heads().iter().map(|h| h.to_string()).collect();
    assert_eq!(heads, f.doc.state().heads);
    let snap = bureau_model::Snapshot::hydrate(&doc);
    assert!(snap.members.values().any(|m| m.name == "In the download"));
}

#[tokio::test(flavor = "multi_thread")]
async fn events_stream_is_server_sent_events() {
    let f = fixture().await;
    let res = f.send(request(Method::GET, "/api/events", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"),
        "{:?}",
        res.headers()
    );
    // The first event is sent at once; the stream itself never ends, so read one frame only.
    let mut frames = res.into_body().into_data_stream();
    let first = tokio::time::timeout(DEADLINE, frames.next())
        .await
        .expect("a first event")
        .expect("stream open")
        .expect("frame");
    let text = String::from_utf8_lossy(&first);
    assert!(text.contains("event: change"), "{text}");
    assert!(text.contains("\"version\""), "{text}");

    // A change produces another event.
    f.create("members", json!({"name": "Live"})).await;
    let version = f.doc.state().version;
    let seen = tokio::time::timeout(DEADLINE, async {
        let mut buf = String::new();
        while let Some(frame) = frames.next().await {
            buf.push_str(&String::from_utf8_lossy(&frame.expect("frame")));
            if buf.contains(&format!("\"version\":{version}")) {
                return true;
            }
        }
        false
    })
    .await
    .expect("an event for the change before the deadline");
    assert!(seen);

    // Shutdown ends the stream.
    f.cancel.cancel();
    let end = tokio::time::timeout(DEADLINE, async {
        while let Some(frame) = frames.next().await {
            frame.expect("frame");
        }
    })
    .await;
    assert!(end.is_ok(), "the stream ends once the node shuts down");
}

fn bare(method: Method, uri: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
}

#[tokio::test(flavor = "multi_thread")]
async fn login_link_sets_a_strict_http_only_cookie() {
    let f = fixture().await;
    let res = f
        .send(
            bare(Method::GET, &format!("/?token={TOKEN}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/");
    let cookie = res.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Max-Age=2592000"), "30 days: {cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        !cookie.to_ascii_lowercase().contains("domain"),
        "host-only: {cookie}"
    );
    let pair = cookie.split(';').next().unwrap().trim().to_owned();
    let id = pair
        .strip_prefix(&format!("{SESSION_COOKIE}="))
        .expect("the session cookie");
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "a session id of 128 random bits, not the token: {cookie}"
    );
    assert!(!cookie.contains(TOKEN), "{cookie}");

    // The cookie alone authenticates the API and the home page.
    let res = f
        .send(
            bare(Method::GET, "/api/status")
                .header(header::COOKIE, format!("theme=dark; {pair}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let (status, _, v) = parts(res).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["bureau_id"], "b0b0b0b0");
    let res = f
        .send(
            bare(Method::GET, "/")
                .header(header::COOKIE, pair.as_str())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = String::from_utf8(body_bytes(res).await).unwrap();
    assert!(html.contains("Web test bureau"), "{html}");

    // A wrong cookie does not.
    let res = f
        .send(
            bare(Method::GET, "/api/status")
                .header(header::COOKIE, format!("{SESSION_COOKIE}=wrong"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_or_missing_credentials_are_refused() {
    let f = fixture().await;
    let res = f
        .send(
            bare(Method::GET, "/?token=not-the-token")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().get(header::SET_COOKIE).is_none());

    let res = f
        .send(bare(Method::GET, "/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    let res = f
        .send(
            bare(Method::GET, "/api/status")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let (status, headers, v) = parts(res).await;
    let err = assert_error(status, &v, StatusCode::UNAUTHORIZED);
    assert_eq!(err["code"], "unauthorized");
    assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");

    let res = f
        .send(
            bare(Method::GET, "/api/status")
                .header(header::AUTHORIZATION, "Bearer wrong-token")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers().contains_key(header::WWW_AUTHENTICATE));

    // Unauthenticated writes do nothing.
    let before = f.member_count();
    let res = f
        .send(
            bare(Method::POST, "/api/members")
                .body(Body::from(json!({"name": "Sneaky"}).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(f.member_count(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn foreign_host_is_forbidden() {
    let f = fixture().await;
    for host in ["evil.example", "evil.example:7878", "127.0.0.1:9999"] {
        let mut req = request(Method::GET, "/api/status", None);
        req.headers_mut()
            .insert(header::HOST, host.parse().unwrap());
        let (status, _, v) = parts(f.send(req).await).await;
        let err = assert_error(status, &v, StatusCode::FORBIDDEN);
        assert_eq!(err["code"], "forbidden_host", "{host}");
    }
    let mut req = request(Method::GET, "/api/status", None);
    req.headers_mut().remove(header::HOST);
    assert_eq!(f.send(req).await.status(), StatusCode::FORBIDDEN);
    // Every loopback spelling of the node is accepted, case-insensitively.
    for host in ["localhost:7878", "LOCALHOST:7878", "[::1]:7878"] {
        let mut req = request(Method::GET, "/api/status", None);
        req.headers_mut()
            .insert(header::HOST, host.parse().unwrap());
        assert_eq!(f.send(req).await.status(), StatusCode::OK, "{host}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn writes_from_another_origin_are_forbidden() {
    let f = fixture().await;
    let before = f.member_count();
    for origin in [
        "http://evil.example",
        "https://127.0.0.1:7878",
        "http://127.0.0.1:9999",
        "null",
    ] {
        let mut req = request(
            Method::POST,
            "/api/members",
            Some(json!({"name": "Forged"})),
        );
        req.headers_mut()
            .insert(header::ORIGIN, origin.parse().unwrap());
        let (status, _, v) = parts(f.send(req).await).await;
        let err = assert_error(status, &v, StatusCode::FORBIDDEN);
        assert_eq!(err["code"], "forbidden_origin", "{origin}");
    }
    let mut req = request(
        Method::POST,
        "/api/members",
        Some(json!({"name": "Forged"})),
    );
    req.headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(f.send(req).await.status(), StatusCode::FORBIDDEN);
    let mut req = request(Method::DELETE, &format!("/api/members/{FOUNDER}"), None);
    req.headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    assert_eq!(f.send(req).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(f.member_count(), before, "nothing was written");
    assert!(!f.doc.state().snapshot.members[FOUNDER].stamp.archived);

    // The node's own origin may write.
    let mut req = request(Method::POST, "/api/members", Some(json!({"name": "Local"})));
    req.headers_mut()
        .insert(header::ORIGIN, format!("http://{HOST}").parse().unwrap());
    req.headers_mut()
        .insert("sec-fetch-site", "same-origin".parse().unwrap());
    let (status, _, v) = parts(f.send(req).await).await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["name"], "Local");
    assert_eq!(f.member_count(), before + 1);

    // A foreign Origin on a read is no write: it is answered.
    let mut req = request(Method::GET, "/api/status", None);
    req.headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    assert_eq!(f.send(req).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn responses_carry_a_strict_content_security_policy() {
    let f = fixture().await;
    let check = |res: &Response, what: &str| {
        let csp = res
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("{what}: no CSP"))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
        assert!(!csp.contains("unsafe-eval"), "{what}: {csp}");
        assert!(csp.contains("default-src 'self'"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert_eq!(res.headers()[header::X_FRAME_OPTIONS], "DENY", "{what}");
        assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(res.headers()[header::REFERRER_POLICY], "same-origin");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store", "{what}");
    };
    let res = f.send(request(Method::GET, "/api/status", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    check(&res, "api");
    let res = f.send(request(Method::GET, "/", None)).await;
    assert_eq!(res.status(), StatusCode::OK);
    check(&res, "home page");
    let res = f
        .send(
            bare(Method::GET, "/api/status")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    check(&res, "401");
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_names_the_field_and_writes_nothing() {
    let f = fixture().await;
    let room = f.create("rooms", json!({"name": "Room C"})).await;
    let room_id = room["id"].as_str().unwrap().to_owned();
    let heads = f.doc.state().heads.clone();

    let cases: Vec<(&str, Value, &str)> = vec![
        ("members", json!({}), "name"),
        ("members", json!({"name": "  "}), "name"),
        ("members", json!({"name": 5}), "name"),
        (
            "members",
            json!({"name": "X", "email": "no-at-sign"}),
            "email",
        ),
        (
            "members",
            json!({"name": "X", "languages": ["english"]}),
            "languages",
        ),
        (
            "members",
            json!({"name": "X", "languages": "en"}),
            "languages",
        ),
        (
            "members",
            json!({"name": "X", "shoe_size": 44}),
            "shoe_size",
        ),
        ("groups", json!({"name": "G", "kind": "club"}), "kind"),
        (
            "groups",
            json!({"name": "G", "focal_points": ["ghost"]}),
            "focal_points",
        ),
        ("reviews", json!({"date": "yesterday"}), "date"),
        (
            "reviews",
            json!({"date": "2025-11-01", "decisions": {"ghost": "keep"}}),
            "decisions",
        ),
        (
            "reviews",
            json!({"date": "2025-11-01", "decisions": {"ghost": "maybe"}}),
            "decisions.ghost",
        ),
        ("rooms", json!({"name": "R", "capacity": -1}), "capacity"),
        (
            "rooms",
            json!({"name": "R", "capacity": 100_001}),
            "capacity",
        ),
        (
            "meetings",
            json!({"title": "M", "start": "2025-11-16T10:00:00+01:00",
                   "end": "2025-11-16T09:00:00+01:00"}),
            "end",
        ),
        (
            "meetings",
            json!({"title": "M", "start": "soon", "end": "2025-11-16T09:00:00+01:00"}),
            "start",
        ),
        (
            "meetings",
            json!({"title": "M", "start": "2025-11-16T09:00:00+01:00",
                   "end": "2025-11-16T10:00:00+01:00", "room_id": "ghost"}),
            "room_id",
        ),
        (
            "meetings",
            json!({"title": "M", "start": "2025-11-16T09:00:00+01:00",
                   "end": "2025-11-16T10:00:00+01:00", "resources": {"mic": "maybe"}}),
            "resources.mic",
        ),
        ("bodies", json!({"description": "no name"}), "name"),
        ("notes", json!({"title": "N"}), "body_id"),
        (
            "notes",
            json!({"title": "N", "body_id": "ghost"}),
            "body_id",
        ),
        (
            "notes",
            json!({"title": "N", "body_id": "es", "actions": [{"done": true}]}),
            "actions[0].text",
        ),
        (
            "notes",
            json!({"title": "N", "body_id": "es", "actions": [{"text": "t", "due": "later"}]}),
            "actions[0].due",
        ),
        (
            "notes",
            json!({"title": "N", "body_id": "es", "actions": [{"text": "t", "colour": "red"}]}),
            "actions[0].colour",
        ),
    ];
    for (coll, body, field) in cases {
        let (status, _, v) = f
            .call(Method::POST, &format!("/api/{coll}"), Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{coll} {body}: {v}");
        assert_eq!(v["error"]["field"], json!(field), "{coll} {body}: {v}");
    }

    // Updates are validated too, against the stored other half of a pair.
    let m = f
        .create(
            "meetings",
            json!({"title": "M", "start": "2025-11-16T09:00:00+01:00",
                   "end": "2025-11-16T10:00:00+01:00", "room_id": room_id}),
        )
        .await;
    let heads_after_meeting = f.doc.state().heads.clone();
    assert_ne!(heads_after_meeting, heads);
    let mid = m["id"].as_str().unwrap();
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &format!("/api/meetings/{mid}"),
            Some(json!({"start": "2025-11-16T11:00:00+01:00"})),
        )
        .await;
    assert_field_error(status, &v, "start");
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &format!("/api/meetings/{mid}"),
            Some(json!({"title": ""})),
        )
        .await;
    assert_field_error(status, &v, "title");
    let (status, _, v) = f
        .call(
            Method::PATCH,
            "/api/meetings/ghost",
            Some(json!({"title": "T"})),
        )
        .await;
    assert_error(status, &v, StatusCode::NOT_FOUND);

    // Bodies that are not a JSON object.
    for raw in ["{not json", "[1, 2]", "\"text\"", ""] {
        let req = bare(Method::POST, "/api/members")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(raw))
            .unwrap();
        let (status, _, v) = parts(f.send(req).await).await;
        let err = assert_error(status, &v, StatusCode::BAD_REQUEST);
        assert_eq!(err["code"], "invalid_json", "{raw:?}");
    }

    assert_eq!(
        f.doc.state().heads,
        heads_after_meeting,
        "no refused edit wrote"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn oversized_body_is_413_json() {
    let config = WebConfig {
        body_limit: 256,
        ..WebConfig::loopback(TOKEN.to_owned(), PORT)
    };
    let f = fixture_with(config, true).await;
    let before = f.member_count();
    let big = json!({"name": "x".repeat(1000)});
    let (status, headers, v) = f.call(Method::POST, "/api/members", Some(big)).await;
    let err = assert_error(status, &v, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(err["code"], "too_large");
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(f.member_count(), before);

    // The same limit leaves small bodies alone, also on PATCH.
    f.create("members", json!({"name": "Small"})).await;
    let big = json!({"organisation": "y".repeat(1000)});
    let (status, _, v) = f
        .call(Method::PATCH, &format!("/api/members/{FOUNDER}"), Some(big))
        .await;
    assert_error(status, &v, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_before_a_bureau_exists_are_409() {
    let f = fixture_with(WebConfig::loopback(TOKEN.to_owned(), PORT), false).await;
    let (status, v) = f.get("/api/members").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v, json!([]));
    let (status, _, v) = f
        .call(Method::POST, "/api/members", Some(json!({"name": "Early"})))
        .await;
    let err = assert_error(status, &v, StatusCode::CONFLICT);
    assert_eq!(err["code"], "no_bureau");
}

mod documents;
mod export;
mod feeds;
mod roles;
mod saved_view;
mod search;
mod security;
mod settings;

thread_local! {
    /// Where this thread's log lines go while a test captures them.
    static CAPTURE: std::cell::RefCell<Option<Arc<std::sync::Mutex<Vec<u8>>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Writes a log line into the capture of the thread that logs it, if it has one.
struct ToCapture;

impl std::io::Write for ToCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| {
            if let Some(buf_) = c.borrow().as_ref() {
                buf_.lock().expect("log buffer").extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Starts capturing the log lines this thread writes. One subscriber for the whole test
/// binary, set once: a subscriber set for one thread only misses callsites that other tests'
/// threads met first (tracing caches their interest process-wide).
fn capture_logs() -> Arc<std::sync::Mutex<Vec<u8>>> {
    static GLOBAL: std::sync::Once = std::sync::Once::new();
    GLOBAL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| ToCapture)
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
    });
    let buf = Arc::new(std::sync::Mutex::new(Vec::new()));
    CAPTURE.with(|c| *c.borrow_mut() = Some(buf.clone()));
    buf
}

// A current-thread runtime: the request runs on this thread, whose lines are captured.
#[tokio::test]
async fn every_request_is_traced_in_a_span_with_its_route_and_status() {
    let logs = capture_logs();
    let f = fixture().await;
    let (status, _) = f.get("/api/members/not-a-member").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = f.get("/api/status").await;
    assert_eq!(status, StatusCode::OK);
    // Refused before any route: traced all the same, with no route.
    let res = f
        .send(
            Request::builder()
                .uri("/api/status")
                .header(header::HOST, "evil.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let refused = res.status();
    assert!(refused.is_client_error(), "{refused}");
    let text = String::from_utf8(logs.lock().unwrap().clone()).expect("utf-8 logs");
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle) && l.contains("answered"))
            .unwrap_or_else(|| panic!("no line with {needle:?} in:\n{text}"))
            .to_owned()
    };
    line("request{method=GET route=/api/{collection}/{id} status=404 ms=");
    line("request{method=GET route=/api/status status=200 ms=");
    let refused_line = line(&format!(
        "request{{method=GET status={} ms=",
        refused.as_u16()
    ));
    assert!(!refused_line.contains("evil"), "{refused_line}");
    assert!(
        !text.contains("not-a-member"),
        "the span names the route, not the path: {text}"
    );
}
