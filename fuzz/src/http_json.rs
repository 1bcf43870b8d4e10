//! `http_json`: the JSON API's input, through the real router over a real document actor.
//!
//! The first input byte picks the request: the create of one collection (`POST
//! /api/{collection}`), the update of a record made at start (`PATCH /api/{collection}/{id}`),
//! or a conflict's resolution (`POST /api/conflicts/resolve`); the rest is the body, sent as
//! `application/json` with the token, as a script would. The answer must be 2xx or 4xx: a bad
//! body is the client's fault, never a 5xx, and never a panic. An app serves
//! [`INPUTS_PER_APP`] inputs and is then replaced by a fresh one, so that the records valid
//! inputs create do not pile up.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use bureau_doc::{DocConfig, DocHandle};
use bureau_model::{Edit, InitBureau, RecordType};
use bureau_web::{AppState, WebConfig, router};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::common::{BUREAU, peer, runtime, scratch_dir};

/// Inputs an app serves before a fresh one replaces it.
pub const INPUTS_PER_APP: u64 = 1000;

const TOKEN: &str = "fuzz-token";
const PORT: u16 = 7878;
const HOST: &str = "127.0.0.1:7878";
const DEADLINE: Duration = Duration::from_secs(60);

/// Bodies that create one record of each kind at start, so updates have a record to change.
const FIRST_RECORDS: &[(&str, &str)] = &[
    ("rooms", r#"{"name": "Plenary hall", "capacity": 40}"#),
    ("groups", r#"{"name": "Gender caucus", "kind": "caucus"}"#),
    (
        "meetings",
        r#"{"title": "Briefing", "start": "2025-11-16T09:00:00+01:00", "end": "2025-11-16T10:00:00+01:00"}"#,
    ),
    ("bodies", r#"{"name": "Secretariat"}"#),
    ("notes", r#"{"title": "N", "text": "Badges are ready."}"#),
    ("reviews", r#"{"date": "2025-11-01"}"#),
];

struct App {
    app: Router,
    /// An existing record's id per collection (the founder for members).
    ids: Vec<(&'static str, String)>,
    served: u64,
    doc: DocHandle,
    thread: JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl App {
    async fn open() -> App {
        let dir = scratch_dir();
        let store = bureau_store::Store::open(dir.path()).expect("open the store");
        let (doc, thread) = DocHandle::open(store, DocConfig::new(peer('A')))
            .await
            .expect("open the actor");
        doc.edit(Edit::Init(InitBureau {
            bureau_id: BUREAU.to_owned(),
            title: "Fuzz bureau".to_owned(),
            timezone: "Europe/Zurich".to_owned(),
            founder_id: "founder".to_owned(),
            founder_name: "Ada Founder".to_owned(),
            device: Some((peer('A'), "laptop".to_owned())),
        }))
        .await
        .expect("found the bureau");
        let app = router(AppState {
            net: None,
            doc: doc.clone(),
            config: Arc::new(WebConfig::loopback(TOKEN.to_owned(), PORT)),
            cancel: CancellationToken::new(),
        });
        let mut ids = vec![("members", "founder".to_owned())];
        for (collection, body) in FIRST_RECORDS {
            let res = send(
                &app,
                Method::POST,
                &format!("/api/{collection}"),
                body.as_bytes(),
            )
            .await;
            if res.0 == StatusCode::CREATED {
                let v: serde_json::Value = serde_json::from_slice(&res.1).unwrap_or_default();
                if let Some(id) = v.get("id").and_then(|i| i.as_str()) {
                    ids.push((collection, id.to_owned()));
                }
            }
        }
        if let Some(peer_id) = doc.state().snapshot.devices.keys().next() {
            ids.push(("devices", peer_id.clone()));
        }
        App {
            app,
            ids,
            served: 0,
            doc,
            thread,
            _dir: dir,
        }
    }

    fn close(self) {
        let App {
            app, doc, thread, ..
        } = self;
        drop(app);
        drop(doc);
        thread.join().expect("the actor thread ends cleanly");
    }

    fn id_of(&self, collection: &str) -> String {
        self.ids
            .iter()
            .find(|(c, _)| *c == collection)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| "nosuchrecord".to_owned())
    }
}

/// Sends one authenticated JSON request; answers the status and the body.
async fn send(app: &Router, method: Method, uri: &str, body: &[u8]) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_vec()))
        .expect("a request");
    let res = tokio::time::timeout(DEADLINE, app.clone().oneshot(req))
        .await
        .expect("answered in time")
        .expect("the router is infallible");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("the body")
        .to_vec();
    (status, bytes)
}

static APP: Mutex<Option<App>> = Mutex::new(None);

/// One input.
pub fn run(data: &[u8]) {
    crate::setup();
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    let mut slot = APP.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        if slot.as_ref().is_some_and(|a| a.served >= INPUTS_PER_APP)
            && let Some(old) = slot.take()
        {
            old.close();
        }
        if slot.is_none() {
            *slot = Some(App::open().await);
        }
        let app = slot.as_mut().expect("an app");
        app.served += 1;
        let collections: Vec<&str> = RecordType::ALL.iter().map(|t| t.collection()).collect();
        let n = collections.len();
        let pick = usize::from(sel) % (2 * n + 1);
        let (method, uri) = if pick < n {
            (Method::POST, format!("/api/{}", collections[pick]))
        } else if pick < 2 * n {
            let c = collections[pick - n];
            (Method::PATCH, format!("/api/{c}/{}", app.id_of(c)))
        } else {
            (Method::POST, "/api/conflicts/resolve".to_owned())
        };
        let (status, answer) = send(&app.app, method.clone(), &uri, body).await;
        assert!(
            status.is_success() || status.is_client_error(),
            "{method} {uri} answered {status}: {}",
            String::from_utf8_lossy(&answer)
        );
    });
}

/// Snapshots of real bureaus for the `saved_view` seeds: one holding a record of each kind
/// [`App::open`] creates, and the same with a record of each kind the HTTP seeds create
/// (more of their fields set).
pub fn snapshots() -> (bureau_model::Snapshot, bureau_model::Snapshot) {
    runtime().block_on(async {
        let app = App::open().await;
        let first = (*app.doc.state().snapshot).clone();
        let n = RecordType::ALL.len() as u8;
        for (_, seed) in crate::seeds::http_seeds() {
            if let Some((&sel, body)) = seed.split_first()
                && let Some(ty) = RecordType::ALL.get(usize::from(sel))
                && sel < n
            {
                let uri = format!("/api/{}", ty.collection());
                let _ = send(&app.app, Method::POST, &uri, body).await;
            }
        }
        let more = (*app.doc.state().snapshot).clone();
        app.close();
        (first, more)
    })
}
