//! Router tests of the venue listener over a real document actor: what it shows, what it
//! never shows, its languages, its rate limit.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use bureau_doc::{DocConfig, DocHandle};
use bureau_model::{
    Edit, Fields, GroupFields, GroupKind, InitBureau, MeetingFields, MeetingStatus, MemberFields,
    RoomFields, testing,
};
use tower::ServiceExt;

use super::*;

struct Fixture {
    doc: DocHandle,
    room: String,
    group: String,
    _thread: std::thread::JoinHandle<()>,
    _tmp: tempfile::TempDir,
}

async fn edit(doc: &DocHandle, e: Edit) -> String {
    match doc.edit(e).await.expect("edit") {
        bureau_model::Applied::Record(_, id) => id,
        other => panic!("expected a record, got {other:?}"),
    }
}

async fn fixture() -> Fixture {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = bureau_store::Store::open(tmp.path()).expect("store");
    let peer = testing::peer_id('A');
    let (doc, thread) = DocHandle::open(store, DocConfig::new(peer.clone()))
        .await
        .expect("actor");
    doc.edit(Edit::Init(InitBureau {
        title: "Venue test bureau".to_owned(),
        ..testing::founding(&peer)
    }))
    .await
    .expect("init");
    let room = edit(
        &doc,
        Edit::Create(Fields::Room(RoomFields {
            name: Some("Salle Carthage".to_owned()),
            capacity: Some(120),
            booths: Some(vec!["en".to_owned(), "fr".to_owned()]),
            ..RoomFields::default()
        })),
    )
    .await;
    let member = edit(
        &doc,
        Edit::Create(Fields::Member(MemberFields {
            name: Some("Amina Private".to_owned()),
            email: Some("amina@example.org".to_owned()),
            phone: Some("+216 555 0100".to_owned()),
            ..MemberFields::default()
        })),
    )
    .await;
    let group = edit(
        &doc,
        Edit::Create(Fields::Group(GroupFields {
            name: Some("Youth caucus".to_owned()),
            kind: Some(GroupKind::Caucus),
            focal_points: Some(vec![member.clone()]),
            ..GroupFields::default()
        })),
    )
    .await;
    let meeting = |title: &str, from: &str, public: Option<bool>, langs: &[&str]| {
        Edit::Create(Fields::Meeting(MeetingFields {
            title: Some(title.to_owned()),
            start: Some(format!("2025-11-16T{from}")),
            end: Some("2025-11-16T18:00".to_owned()),
            room_id: Some(room.clone()),
            languages: Some(langs.iter().map(|l| (*l).to_owned()).collect()),
            groups: Some(vec![group.clone()]),
            members: Some(vec![member.clone()]),
            status: Some(MeetingStatus::Confirmed),
            agenda: Some("Secret agenda line".to_owned()),
            public,
            ..MeetingFields::default()
        }))
    };
    edit(&doc, meeting("Open plenary", "09:00", None, &["en", "fr"])).await;
    edit(
        &doc,
        meeting("Closed strategy", "10:00", Some(false), &["ar"]),
    )
    .await;
    Fixture {
        doc,
        room,
        group,
        _thread: thread,
        _tmp: tmp,
    }
}

fn app(f: &Fixture, rate: RateLimit) -> Router {
    router(f.doc.clone(), VenueConfig { rate })
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res: Response = app.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .expect("body");
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

fn get(uri: &str) -> Request<Body> {
    Request::builder().uri(uri).body(Body::empty()).unwrap()
}

fn roomy() -> RateLimit {
    RateLimit {
        burst: 10_000,
        per_second: 1000.0,
    }
}

/// Nothing a venue answer may ever hold: the closed meeting, agendas, members, contacts.
fn assert_nothing_private(body: &str) {
    for secret in [
        "Closed strategy",
        "Secret agenda line",
        "Amina Private",
        "amina@example.org",
        "555 0100",
        "token",
        "/api",
    ] {
        assert!(!body.contains(secret), "{secret:?} shown: {body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_programme_shows_public_meetings_and_never_a_closed_one() {
    let f = fixture().await;
    let app = app(&f, roomy());
    let pages = [
        "/".to_owned(),
        "/rooms".to_owned(),
        "/groups".to_owned(),
        "/programme.html".to_owned(),
        format!("/?room={}", f.room),
        format!("/?group={}", f.group),
        "/?language=ar".to_owned(),
        "/?language=fr".to_owned(),
        "/?day=2025-11-16".to_owned(),
    ];
    for page in &pages {
        let (status, headers, body) = send(&app, get(page)).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert!(headers.get(header::SET_COOKIE).is_none(), "{page}");
        assert_nothing_private(&body);
        if page != "/rooms" && page != "/groups" && page != "/?language=ar" {
            assert!(body.contains("Open plenary"), "{page}: {body}");
            assert!(body.contains("Salle Carthage"), "{page}");
        }
    }
    // Arabic is spoken only in the closed meeting: it is no filter, and asking for it shows
    // the whole programme, not the closed meeting.
    let (_, _, body) = send(&app, get("/")).await;
    assert!(!body.contains("language=ar"), "{body}");
    let (_, _, rooms) = send(&app, get("/rooms")).await;
    assert!(rooms.contains("Salle Carthage") && rooms.contains("120"));
    let (_, _, groups) = send(&app, get("/groups")).await;
    assert!(groups.contains("Youth caucus"));
    // The download is one file: styles inside, no script, nothing fetched.
    let (_, headers, file) = send(&app, get("/programme.html")).await;
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert!(file.contains("<style>") && !file.contains("<script") && !file.contains("<link"));

    // Once the closed meeting is opened to the public it appears.
    let closed = f
        .doc
        .state()
        .snapshot
        .meetings
        .values()
        .find(|m| m.title == "Closed strategy")
        .map(|m| m.id.clone())
        .unwrap();
    f.doc
        .edit(Edit::Update {
            id: closed,
            fields: Fields::Meeting(MeetingFields {
                public: Some(true),
                ..MeetingFields::default()
            }),
        })
        .await
        .expect("open it");
    let (_, _, body) = send(&app, get("/")).await;
    assert!(body.contains("Closed strategy"));
}

#[tokio::test(flavor = "multi_thread")]
async fn every_address_of_the_node_is_404_here() {
    let f = fixture().await;
    let app = app(&f, roomy());
    let member = f
        .doc
        .state()
        .snapshot
        .members
        .keys()
        .next()
        .cloned()
        .unwrap();
    for path in [
        "/api/status".to_owned(),
        "/api/members".to_owned(),
        format!("/api/members/{member}"),
        "/api/meetings".to_owned(),
        "/api/events".to_owned(),
        "/api/doc".to_owned(),
        "/roster".to_owned(),
        format!("/roster/members/{member}"),
        "/schedule".to_owned(),
        "/schedule/programme".to_owned(),
        "/liaison".to_owned(),
        "/liaison/report".to_owned(),
        "/documents".to_owned(),
        "/peers".to_owned(),
        "/join".to_owned(),
        "/chrome".to_owned(),
        "/assets/app.css".to_owned(),
        "/login".to_owned(),
        "/x".to_owned(),
    ] {
        let (status, headers, body) = send(&app, get(&path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(headers.get(header::SET_COOKIE).is_none());
        assert_nothing_private(&body);
    }
    // The login link logs no one in here: the page is the programme, with no session.
    let (status, headers, _) = send(&app, get("/?token=anything")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::SET_COOKIE).is_none());
    // Nothing is written: no forms, no methods but reading.
    let post = Request::builder()
        .method("POST")
        .uri("/")
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = send(&app, post).await;
    assert!(status.is_client_error(), "{status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_come_in_the_readers_language() {
    let f = fixture().await;
    let app = app(&f, roomy());
    let (_, _, fr) = send(&app, get("/?lang=fr")).await;
    assert!(fr.contains("lang=\"fr\""), "{fr}");
    assert!(fr.contains("Dernière mise à jour"));
    // Links keep the language the address chose (no cookie does it here).
    assert!(fr.contains("/rooms?lang=fr"));
    let ar = Request::builder()
        .uri("/")
        .header(header::ACCEPT_LANGUAGE, "ar, en;q=0.5")
        .header(header::COOKIE, "bureau_lang=fr")
        .body(Body::empty())
        .unwrap();
    let (_, headers, ar) = send(&app, ar).await;
    assert!(ar.contains("dir=\"rtl\"") && ar.contains("lang=\"ar\""));
    assert_eq!(headers[header::VARY], "Accept-Language");
    // The poll answers the version and both lines in the language asked.
    let (status, _, v) = send(&app, get("/version?lang=es")).await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&v).unwrap();
    assert_eq!(v["version"], f.doc.state().version);
    assert!(v["offline"].as_str().unwrap().starts_with("Sin conexión"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_files_are_served_and_name_each_other() {
    let f = fixture().await;
    let app = app(&f, roomy());
    let (_, _, page) = send(&app, get("/")).await;
    let (status, headers, manifest) = send(&app, get("/manifest.webmanifest")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/manifest+json");
    let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let icon = manifest["icons"][0]["src"].as_str().unwrap();
    assert!(page.contains(icon));
    let (status, headers, sw) = send(&app, get("/sw.js")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(!sw.contains("__KEEP__") && !sw.contains("__RELEASE__"));
    for file in ["/app.css", "/venue.js", "/icon.svg"] {
        let url = asset_url(file);
        assert!(sw.contains(&url), "{url} not kept");
        assert!(page.contains(&url) || file == "/icon.svg" && page.contains(icon));
        let (status, headers, _) = send(&app, get(&url)).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(
            headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_past_the_limit_is_429_with_retry_after() {
    let f = fixture().await;
    let app = app(
        &f,
        RateLimit {
            burst: 3,
            per_second: 0.01,
        },
    );
    for _ in 0..3 {
        let (status, _, _) = send(&app, get("/version")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, headers, _) = send(&app, get("/")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_calendar_feeds_hold_public_meetings_only_and_no_member_feed() {
    let f = fixture().await;
    let app = app(&f, roomy());
    for path in [
        "/cal/programme.ics".to_owned(),
        format!("/cal/rooms/{}.ics", f.room),
        format!("/cal/groups/{}.ics", f.group),
    ] {
        let (status, _, body) = send(&app, get(&path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(body.contains("BEGIN:VCALENDAR"), "{path}");
        assert!(body.contains("Open plenary"), "{path}");
        assert!(!body.contains("Closed strategy"), "{path}");
    }
    let member = f
        .doc
        .state()
        .snapshot
        .members
        .keys()
        .next()
        .cloned()
        .unwrap();
    for path in [
        format!("/cal/members/{member}.ics"),
        "/cal/other".to_owned(),
        "/cal".to_owned(),
    ] {
        let (status, _, body) = send(&app, get(&path)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_nothing_private(&body);
    }
}
