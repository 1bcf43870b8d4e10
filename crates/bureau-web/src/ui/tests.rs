//! Router tests of the UI without a socket: every page renders for a logged-in reader in every
//! language (and not without the session), and every form redirects when valid and, when
//! not, answers 422 with the error next to its field and what was typed kept.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use axum::response::Response;
use bureau_doc::{DocConfig, DocHandle};
use bureau_model::*;
use jiff::ToSpan;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use super::i18n::{Lang, Tr, message_ids, parse_errors};
use crate::{AppState, SESSION_COOKIE, WebConfig, router};

const TOKEN: &str = "ui-test-token-0123456789";
const HOST: &str = "127.0.0.1:7878";
const ORIGIN: &str = "http://127.0.0.1:7878";
const DEADLINE: Duration = Duration::from_secs(20);

fn peer(tag: char) -> String {
    bureau_model::testing::peer_id(tag)
}

/// Ids of the sample records.
#[derive(Debug, Default)]
struct Ids {
    bea: String,
    cem: String,
    room_c: String,
    room_b: String,
    caucus: String,
    health: String,
    review: String,
    open_review: String,
    first: String,
    second: String,
    note: String,
}

/// The UI over a small bureau with findings of several kinds. Fields drop in order.
struct Ui {
    app: Router,
    doc: DocHandle,
    ids: Ids,
    today: jiff::civil::Date,
    _cancel: CancellationToken,
    _thread: std::thread::JoinHandle<()>,
    _tmp: tempfile::TempDir,
}

fn record(applied: Applied) -> String {
    match applied {
        Applied::Record(_, id) => id,
        other => panic!("expected a record, got {other:?}"),
    }
}

async fn open(dir: &std::path::Path, tag: char) -> (DocHandle, std::thread::JoinHandle<()>) {
    let store = bureau_store::Store::open(dir).expect("store");
    DocHandle::open(store, DocConfig::new(peer(tag)))
        .await
        .expect("actor")
}

async fn edit(doc: &DocHandle, e: Edit) -> String {
    record(doc.edit(e).await.expect("edit"))
}

fn app_over(doc: &DocHandle, cancel: &CancellationToken) -> Router {
    router(AppState {
        net: None,
        doc: doc.clone(),
        config: Arc::new(config()),
        cancel: cancel.clone(),
    })
}

async fn init(doc: &DocHandle) {
    // The test bureau, with the title and device name the pages are checked for.
    doc.edit(Edit::Init(InitBureau {
        title: "UI test bureau".to_owned(),
        device: Some((peer('A'), "Ada's laptop".to_owned())),
        ..bureau_model::testing::founding(&peer('A'))
    }))
    .await
    .expect("init");
}

async fn ui() -> Ui {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (doc, thread) = open(&tmp.path().join("a"), 'A').await;
    init(&doc).await;
    let tz = jiff::tz::TimeZone::get("Europe/Zurich").unwrap();
    let today = jiff::Timestamp::now().to_zoned(tz).date();
    let mut ids = Ids::default();
    let member = |name: &str| {
        Edit::Create(Fields::Member(MemberFields {
            name: Some(name.to_owned()),
            organisation: Some("Org".to_owned()),
            languages: Some(vec!["en".to_owned(), "fr".to_owned()]),
            ..MemberFields::default()
        }))
    };
    ids.bea = edit(&doc, member("Bea Delegate")).await;
    ids.cem = edit(&doc, member("Cem Focal")).await;
    let room = |name: &str, booths: &[&str]| {
        Edit::Create(Fields::Room(RoomFields {
            name: Some(name.to_owned()),
            capacity: Some(60),
            booths: Some(booths.iter().map(|b| (*b).to_owned()).collect()),
            equipment: Some(vec!["projector".to_owned()]),
            booth_count: None,
        }))
    };
    ids.room_c = edit(&doc, room("Room C", &["en", "fr"])).await;
    ids.room_b = edit(&doc, room("Room B", &[])).await;
    let group = |name: &str, kind: GroupKind, fps: Vec<String>| {
        Edit::Create(Fields::Group(GroupFields {
            name: Some(name.to_owned()),
            kind: Some(kind),
            status: None,
            focal_points: Some(fps),
        }))
    };
    ids.caucus = edit(
        &doc,
        group("Gender Caucus", GroupKind::Caucus, vec![ids.cem.clone()]),
    )
    .await;
    ids.health = edit(
        &doc,
        group("Health Working Group", GroupKind::WorkingGroup, vec![]),
    )
    .await;
    ids.review = edit(
        &doc,
        Edit::Create(Fields::Review(ReviewFields {
            date: Some(today.checked_sub(10.days()).unwrap().to_string()),
            status: Some(ReviewStatus::Recorded),
            decisions: Some(BTreeMap::from([(ids.caucus.clone(), Decision::Keep)])),
            notes: Some("First review".to_owned()),
        })),
    )
    .await;
    ids.open_review = edit(
        &doc,
        Edit::Create(Fields::Review(ReviewFields {
            date: Some(today.to_string()),
            status: Some(ReviewStatus::Open),
            decisions: None,
            notes: None,
        })),
    )
    .await;
    let meeting =
        |title: &str, from: &str, to: &str, room: &str, langs: &[&str], members: Vec<String>| {
            Edit::Create(Fields::Meeting(MeetingFields {
                title: Some(title.to_owned()),
                start: Some(format!("{today}T{from}")),
                end: Some(format!("{today}T{to}")),
                room_id: Some(room.to_owned()),
                languages: Some(langs.iter().map(|l| (*l).to_owned()).collect()),
                groups: Some(vec![]),
                members: Some(members),
                status: Some(MeetingStatus::Confirmed),
                ..MeetingFields::default()
            }))
        };
    ids.first = edit(
        &doc,
        meeting(
            "Caucus strategy",
            "10:00",
            "11:30",
            &ids.room_c,
            &["en", "fr", "ar"],
            vec![ids.bea.clone()],
        ),
    )
    .await;
    ids.second = edit(
        &doc,
        meeting(
            "Drafting the statement",
            "11:00",
            "12:30",
            &ids.room_c,
            &["en"],
            vec![ids.bea.clone()],
        ),
    )
    .await;
    ids.note = edit(
        &doc,
        Edit::Create(Fields::Note(NoteFields {
            body_id: Some("es".to_owned()),
            title: Some("Badges for observers".to_owned()),
            text: Some("Line one\nLine two".to_owned()),
            date: Some(today.to_string()),
            content_implications: Some(true),
            plenary_consulted: Some(false),
            actions: Some(vec![ActionFields {
                text: Some("Send the list".to_owned()),
                owner: Some(ids.bea.clone()),
                due: Some(today.checked_sub(1.day()).unwrap().to_string()),
                ..ActionFields::default()
            }]),
        })),
    )
    .await;
    let cancel = CancellationToken::new();
    Ui {
        app: app_over(&doc, &cancel),
        doc,
        ids,
        today,
        _cancel: cancel,
        _thread: thread,
        _tmp: tmp,
    }
}

/// The session every test's browser holds (made as the login link makes one).
const SESSION_ID: &str = "5e55105e55105e55105e55105e551050";

fn session() -> String {
    format!("{SESSION_COOKIE}={SESSION_ID}")
}

/// The web settings of a test node, with [`SESSION_ID`] logged in.
fn config() -> WebConfig {
    let mut config = WebConfig::loopback(TOKEN.to_owned(), 7878);
    let sessions = crate::session::Sessions::in_memory();
    sessions.insert_for_tests(SESSION_ID);
    config.sessions = Arc::new(sessions);
    config
}

fn get(uri: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::COOKIE, session())
        .body(Body::empty())
        .unwrap()
}

fn get_in(uri: &str, lang: Lang) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::HOST, HOST)
        .header(
            header::COOKIE,
            format!("{}; bureau_lang={}", session(), lang.code()),
        )
        .body(Body::empty())
        .unwrap()
}

fn post(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, ORIGIN)
        .header(header::COOKIE, session())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

async fn send_to(app: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
    let res: Response = tokio::time::timeout(DEADLINE, app.clone().oneshot(req))
        .await
        .expect("answered in time")
        .expect("infallible");
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

impl Ui {
    async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
        send_to(&self.app, req).await
    }

    /// GET that must answer 200 with a page.
    async fn page(&self, uri: &str) -> String {
        let (status, _, body) = self.send(get(uri)).await;
        assert_eq!(status, StatusCode::OK, "GET {uri}: {}", excerpt(&body));
        body
    }

    /// POST that must redirect; returns the location.
    async fn post_ok(&self, uri: &str, fields: &[(&str, &str)]) -> String {
        let (status, headers, body) = self.send(post(uri, fields)).await;
        assert_eq!(
            status,
            StatusCode::SEE_OTHER,
            "POST {uri}: {}",
            excerpt(&body)
        );
        headers[header::LOCATION].to_str().unwrap().to_owned()
    }

    /// POST that must be refused with 422; returns the page.
    async fn post_invalid(&self, uri: &str, fields: &[(&str, &str)]) -> String {
        let (status, _, body) = self.send(post(uri, fields)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "POST {uri}: {}",
            excerpt(&body)
        );
        body
    }

    fn snap(&self) -> Arc<Snapshot> {
        self.doc.state().snapshot.clone()
    }

    /// Every page of the UI, with the sample's ids.
    fn pages(&self) -> Vec<String> {
        let i = &self.ids;
        let day = self.today;
        vec![
            "/".to_owned(),
            "/roster".to_owned(),
            "/roster?archived=1".to_owned(),
            "/roster/groups/new".to_owned(),
            format!("/roster/groups/{}", i.caucus),
            format!("/roster/groups/{}", i.health),
            "/roster/members/new".to_owned(),
            format!("/roster/members/{}", i.bea),
            format!("/roster/reviews/{}", i.review),
            format!("/roster/reviews/{}", i.open_review),
            "/schedule".to_owned(),
            format!("/schedule?day={day}&view=list"),
            format!("/schedule?day={}&view=grid", day.tomorrow().unwrap()),
            "/schedule/meetings/new".to_owned(),
            format!("/schedule/meetings/{}", i.first),
            "/schedule/rooms/new".to_owned(),
            format!("/schedule/rooms/{}", i.room_c),
            "/liaison".to_owned(),
            "/liaison?body=es".to_owned(),
            "/liaison/notes/new".to_owned(),
            format!("/liaison/notes/{}", i.note),
            "/liaison/bodies/new".to_owned(),
            "/liaison/bodies/es".to_owned(),
            "/liaison/report".to_owned(),
            format!("/liaison/report?from={day}&to={day}"),
            "/conflicts".to_owned(),
            format!("/history/meeting/{}", i.first),
            "/peers".to_owned(),
            "/agenda".to_owned(),
            "/search?q=caucus".to_owned(),
            "/join".to_owned(),
            "/board".to_owned(),
        ]
    }
}

fn excerpt(body: &str) -> String {
    body.chars().take(600).collect()
}

/// The element with `id` and the markup after it, for "next to the field" checks.
#[track_caller]
fn around<'a>(html: &'a str, id: &str) -> &'a str {
    let needle = format!("id=\"{id}\"");
    let at = html
        .find(&needle)
        .unwrap_or_else(|| panic!("no element #{id} in the page: {}", excerpt(html)));
    let end = (at + 2500).min(html.len());
    let end = (end..html.len())
        .find(|&i| html.is_char_boundary(i))
        .unwrap_or(html.len());
    &html[at..end]
}

/// Checks that a field shows an error and keeps its typed value.
#[track_caller]
fn assert_field_error(html: &str, field_id: &str, kept: Option<&str>) {
    assert!(
        html.contains(&format!("<p class=\"error\" id=\"{field_id}-error\">")),
        "no error beside #{field_id}: {}",
        excerpt(html)
    );
    let field = around(html, field_id);
    assert!(field.contains("aria-invalid=\"true\""), "{field}");
    assert!(
        field.contains(&format!("aria-describedby=\"{field_id}-error\""))
            || field.contains(&format!(" {field_id}-error\"")),
        "{field}"
    );
    if let Some(v) = kept {
        assert!(
            field.contains(v),
            "the typed value {v:?} was not kept: {field}"
        );
    }
    assert!(html.contains("id=\"error-summary\""), "no error summary");
}

/// What every page must be: HTML in the language asked for, no untranslated id, nothing
/// inline that the Content-Security-Policy would block.
#[track_caller]
fn assert_clean_page(uri: &str, html: &str, lang: Lang) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{uri}");
    assert!(
        html.contains(&format!(
            "<html lang=\"{}\" dir=\"{}\">",
            lang.tag(),
            lang.dir()
        )),
        "{uri} in {lang:?}: {}",
        excerpt(html)
    );
    assert!(
        !html.contains('⟦'),
        "{uri} in {lang:?} has a message id missing from every catalogue: {}",
        {
            let at = html.find('⟦').unwrap();
            &html[at..(at + 60).min(html.len())]
        }
    );
    assert!(!html.contains(" style="), "{uri} has an inline style");
    for (i, _) in html.match_indices("<script") {
        let tag = &html[i..html[i..].find('>').map_or(html.len(), |e| i + e)];
        assert!(tag.contains(" src="), "{uri} has an inline script: {tag}");
    }
    let lower = html.to_ascii_lowercase();
    for handler in [
        " onclick=",
        " onload=",
        " onchange=",
        " onsubmit=",
        " oninput=",
        "javascript:",
    ] {
        assert!(
            !lower.contains(handler),
            "{uri} has an inline handler {handler}"
        );
    }
    assert!(
        html.contains("<main id=\"main\""),
        "{uri} has no main landmark"
    );
    assert!(html.contains("class=\"skip\""), "{uri} has no skip link");
    assert_eq!(
        html.matches("<h1").count(),
        1,
        "{uri} must have exactly one h1"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_renders_in_every_language() {
    let ui = ui().await;
    for lang in Lang::ALL {
        for uri in ui.pages() {
            let (status, headers, html) = ui.send(get_in(&uri, lang)).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "GET {uri} in {lang:?}: {}",
                excerpt(&html)
            );
            assert!(
                headers[header::CONTENT_TYPE]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html"),
                "{uri}"
            );
            assert!(
                headers[header::CONTENT_SECURITY_POLICY]
                    .to_str()
                    .unwrap()
                    .contains("script-src 'self'")
            );
            assert_clean_page(&uri, &html, lang);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_and_forms_need_the_session() {
    let ui = ui().await;
    for uri in ui.pages() {
        let req = Request::builder()
            .uri(&uri)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        let (status, _, html) = ui.send(req).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "GET {uri} without the session"
        );
        assert!(
            html.contains("bureau status"),
            "{uri}: the login page says how to log in"
        );
    }
    let before = ui.doc.state().version;
    for uri in [
        "/schedule/meetings",
        "/roster/groups",
        "/liaison/notes",
        "/conflicts/resolve",
        "/lang",
    ] {
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("title=x&name=x"))
            .unwrap();
        let (status, _, _) = ui.send(req).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "POST {uri} without the session"
        );
    }
    // A form posted from another site is refused before it is read.
    let mut req = post(
        "/roster/groups",
        &[
            ("name", "Foreign"),
            ("kind", "caucus"),
            ("status", "active"),
        ],
    );
    req.headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    let (status, _, _) = ui.send(req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(ui.doc.state().version, before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_show_the_sample_with_its_findings() {
    let ui = ui().await;
    let i = &ui.ids;
    let overview = ui.page("/").await;
    assert!(overview.contains("Caucus strategy"), "today's meetings");
    assert!(
        overview.contains("<bdi>Room C</bdi> is booked twice"),
        "{}",
        around(&overview, "findings")
    );
    let meeting = ui.page(&format!("/schedule/meetings/{}", i.first)).await;
    let beside = around(&meeting, "meeting-findings");
    assert!(beside.contains("booked twice"), "{beside}");
    assert!(
        beside.contains("Arabic"),
        "the missing booth is named: {beside}"
    );
    let list = ui
        .page(&format!("/schedule?day={}&view=list", ui.today))
        .await;
    let article = around(&list, &format!("m-{}", i.second));
    assert!(
        article.contains("booked twice"),
        "findings beside the meeting: {article}"
    );
    let grid = ui.page(&format!("/schedule?day={}", ui.today)).await;
    assert!(
        grid.contains("<th scope=\"col\""),
        "the timetable has column headers"
    );
    assert!(
        grid.contains("Room C") && grid.contains("Room B"),
        "rooms are columns"
    );
    let roster = ui.page("/roster").await;
    assert!(roster.contains("Health Working Group") && roster.contains("Cem Focal"));
    let review = ui.page(&format!("/roster/reviews/{}", i.open_review)).await;
    // Created after the last review: among the new groups, not flagged as quiet.
    let new = around(&review, "new-h");
    assert!(new.contains("Health Working Group"), "{new}");
    let note = ui.page(&format!("/liaison/notes/{}", i.note)).await;
    assert!(note.contains("Send the list") && note.contains("Line one\nLine two"));
    let report = ui.page("/liaison/report").await;
    assert!(report.contains("Badges for observers") && report.contains("Caucus strategy"));
    assert!(report.contains("data-print"), "the print button");
    let fr = ui.send(get_in("/schedule", Lang::Fr)).await.2;
    assert!(
        fr.contains("Calendrier") && fr.contains("<bdi>Room C</bdi> est réservée deux fois"),
        "{}",
        excerpt(&fr)
    );
    let history = ui.page(&format!("/history/meeting/{}", i.first)).await;
    assert!(history.contains("Ada Founder") && history.contains("Created"));
}

#[tokio::test(flavor = "multi_thread")]
async fn meeting_form_creates_and_refuses_with_errors_beside_the_fields() {
    let ui = ui().await;
    let i = &ui.ids;
    let day = ui.today.to_string();
    let base = [
        ("title", "Youth side event"),
        ("kind", "family"),
        ("status", "proposed"),
        ("date", day.as_str()),
        ("start", "11:15"),
        ("end", "12:00"),
        ("room_id", i.room_c.as_str()),
        ("organiser", ""),
        ("languages", "en"),
        ("languages", "fr"),
        ("members", i.cem.as_str()),
        ("agenda", "1. Plan\r\n2. Rooms"),
    ];
    let location = ui.post_ok("/schedule/meetings", &base).await;
    assert!(
        location.starts_with("/schedule/meetings/") && location.ends_with("?done=created"),
        "{location}"
    );
    let id = location
        .trim_start_matches("/schedule/meetings/")
        .trim_end_matches("?done=created");
    let m = ui.snap().meetings[id].clone();
    assert_eq!(m.title, "Youth side event");
    assert_eq!(
        m.agenda, "1. Plan\n2. Rooms",
        "CRLF from the browser is stored as LF"
    );
    assert_eq!(m.languages, ["en", "fr"]);
    let page = ui.page(&location).await;
    assert!(page.contains("Created."), "the notice after the redirect");
    assert!(
        around(&page, "meeting-findings").contains("booked twice"),
        "the clash shows beside it"
    );

    // The end before the start: refused, the error beside "end", everything typed kept.
    let mut bad = base.to_vec();
    bad[0] = ("title", "Typed title stays");
    bad[5] = ("end", "10:00");
    let html = ui.post_invalid("/schedule/meetings", &bad).await;
    assert_field_error(&html, "f-end", Some("value=\"10:00\""));
    assert!(html.contains("value=\"Typed title stays\""));
    assert!(
        html.contains("1. Plan\r\n2. Rooms") || html.contains("1. Plan\n2. Rooms"),
        "the agenda is kept"
    );
    assert!(html.contains("must end after it starts"));
    // Missing title and an unreadable time.
    let mut bad = base.to_vec();
    bad[0] = ("title", "   ");
    let html = ui.post_invalid("/schedule/meetings", &bad).await;
    assert_field_error(&html, "f-title", None);
    let mut bad = base.to_vec();
    bad[4] = ("start", "nine");
    let html = ui.post_invalid("/schedule/meetings", &bad).await;
    assert_field_error(&html, "f-start", Some("value=\"nine\""));
    let mut bad = base.to_vec();
    bad[3] = ("date", "");
    let html = ui.post_invalid("/schedule/meetings", &bad).await;
    assert_field_error(&html, "f-date", None);
    let mut bad = base.to_vec();
    bad.push(("languages_other", "Klingon"));
    let html = ui.post_invalid("/schedule/meetings", &bad).await;
    assert!(
        html.contains("id=\"f-languages-error\""),
        "{}",
        excerpt(&html)
    );
    // In French, the message is French.
    let mut req = post("/schedule/meetings", &{
        let mut b = base.to_vec();
        b[5] = ("end", "10:00");
        b
    });
    req.headers_mut().insert(
        header::COOKIE,
        format!("{}; bureau_lang=fr", session()).parse().unwrap(),
    );
    let (status, _, html) = ui.send(req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("La réunion doit se terminer après son début."),
        "{}",
        excerpt(&html)
    );

    // Update: a changed title is saved; nothing else is written.
    let mut edit = base.to_vec();
    edit[0] = ("title", "Youth side event, moved");
    let loc = ui.post_ok(&format!("/schedule/meetings/{id}"), &edit).await;
    assert_eq!(loc, format!("/schedule/meetings/{id}?done=saved"));
    assert_eq!(ui.snap().meetings[id].title, "Youth side event, moved");
    edit[5] = ("end", "09:00");
    let html = ui
        .post_invalid(&format!("/schedule/meetings/{id}"), &edit)
        .await;
    assert_field_error(&html, "f-end", Some("value=\"09:00\""));
    assert!(html.contains("value=\"Youth side event, moved\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn room_group_member_and_body_forms() {
    let ui = ui().await;
    // Rooms.
    let loc = ui
        .post_ok(
            "/schedule/rooms",
            &[
                ("name", "Room F"),
                ("capacity", "25"),
                ("booths", "en"),
                ("booths_other", "pt"),
                ("equipment", "screen, microphones"),
            ],
        )
        .await;
    let id = loc
        .trim_start_matches("/schedule/rooms/")
        .trim_end_matches("?done=created");
    let room = ui.snap().rooms[id].clone();
    assert_eq!(
        (room.capacity, room.booths.clone()),
        (25, vec!["en".to_owned(), "pt".to_owned()])
    );
    assert_eq!(room.equipment, ["microphones", "screen"]);
    let html = ui
        .post_invalid(
            "/schedule/rooms",
            &[("name", "Room G"), ("capacity", "lots")],
        )
        .await;
    assert_field_error(&html, "f-capacity", Some("value=\"lots\""));
    assert!(html.contains("value=\"Room G\""));
    let html = ui
        .post_invalid(
            &format!("/schedule/rooms/{id}"),
            &[("name", ""), ("capacity", "25")],
        )
        .await;
    assert_field_error(&html, "f-name", None);
    ui.post_ok(
        &format!("/schedule/rooms/{id}"),
        &[("name", "Room F2"), ("capacity", "30")],
    )
    .await;
    assert_eq!(ui.snap().rooms[id].name, "Room F2");

    // Groups.
    let cem = ui.ids.cem.clone();
    let loc = ui
        .post_ok(
            "/roster/groups",
            &[
                ("name", "Youth family"),
                ("kind", "family"),
                ("status", "active"),
                ("focal_points", cem.as_str()),
            ],
        )
        .await;
    let gid = loc
        .trim_start_matches("/roster/groups/")
        .trim_end_matches("?done=created")
        .to_owned();
    assert_eq!(
        ui.snap().groups[&gid].focal_points,
        std::slice::from_ref(&cem)
    );
    let html = ui
        .post_invalid(
            "/roster/groups",
            &[
                ("name", ""),
                ("kind", "family"),
                ("status", "active"),
                ("focal_points", cem.as_str()),
            ],
        )
        .await;
    assert_field_error(&html, "f-name", None);
    assert!(
        html.contains("checked"),
        "the ticked focal point stays ticked"
    );
    let html = ui
        .post_invalid(
            "/roster/groups",
            &[("name", "X"), ("kind", "tribe"), ("status", "active")],
        )
        .await;
    assert_field_error(&html, "f-kind", None);
    ui.post_ok(
        &format!("/roster/groups/{gid}"),
        &[
            ("name", "Youth family"),
            ("kind", "family"),
            ("status", "inactive"),
        ],
    )
    .await;
    let g = ui.snap().groups[&gid].clone();
    assert_eq!(g.status, GroupStatus::Inactive);
    assert!(g.focal_points.is_empty());

    // Members.
    let html = ui
        .post_invalid(
            "/roster/members",
            &[("name", "Dee"), ("email", "not-an-address")],
        )
        .await;
    assert_field_error(&html, "f-email", Some("value=\"not-an-address\""));
    assert!(html.contains("value=\"Dee\""));
    let loc = ui
        .post_ok(
            "/roster/members",
            &[
                ("name", "Dee"),
                ("email", "dee@example.org"),
                ("languages", "ar"),
            ],
        )
        .await;
    let mid = loc
        .trim_start_matches("/roster/members/")
        .trim_end_matches("?done=created")
        .to_owned();
    assert_eq!(ui.snap().members[&mid].languages, ["ar"]);
    let html = ui
        .post_invalid(&format!("/roster/members/{mid}"), &[("name", "")])
        .await;
    assert_field_error(&html, "f-name", None);

    // Bodies.
    let html = ui
        .post_invalid(
            "/liaison/bodies",
            &[("name", ""), ("description", "Typed description")],
        )
        .await;
    assert_field_error(&html, "f-name", None);
    assert!(html.contains("value=\"Typed description\""));
    let loc = ui
        .post_ok(
            "/liaison/bodies",
            &[("name", "UNESCO liaison"), ("description", "")],
        )
        .await;
    assert!(loc.starts_with("/liaison?body="), "{loc}");
    ui.post_ok(
        "/liaison/bodies/es",
        &[("name", "Executive Secretariat (ES)"), ("description", "")],
    )
    .await;
    assert_eq!(ui.snap().bodies["es"].name, "Executive Secretariat (ES)");
}

#[tokio::test(flavor = "multi_thread")]
async fn notes_actions_archive_and_undo() {
    let ui = ui().await;
    let html = ui
        .post_invalid(
            "/liaison/notes",
            &[
                ("title", ""),
                ("body_id", "igb"),
                ("text", "Typed text survives"),
                ("date", ""),
            ],
        )
        .await;
    assert_field_error(&html, "f-title", None);
    assert!(html.contains("Typed text survives"));
    let html = ui
        .post_invalid(
            "/liaison/notes",
            &[("title", "Dated"), ("body_id", "igb"), ("date", "tomorrow")],
        )
        .await;
    assert_field_error(&html, "f-date", Some("value=\"tomorrow\""));
    let loc = ui
        .post_ok(
            "/liaison/notes",
            &[
                ("title", "Speaking slots"),
                ("body_id", "igb"),
                ("text", "Two slots"),
                ("date", ""),
                ("content_implications", "on"),
            ],
        )
        .await;
    let nid = loc
        .trim_start_matches("/liaison/notes/")
        .trim_end_matches("?done=created")
        .to_owned();
    let n = ui.snap().notes[&nid].clone();
    assert!(n.content_implications && !n.plenary_consulted);
    // Ticking "plenary consulted" (and leaving the other ticked) updates only that flag.
    ui.post_ok(
        &format!("/liaison/notes/{nid}"),
        &[
            ("title", "Speaking slots"),
            ("body_id", "igb"),
            ("text", "Two slots"),
            ("date", ""),
            ("content_implications", "on"),
            ("plenary_consulted", "on"),
        ],
    )
    .await;
    assert!(ui.snap().notes[&nid].plenary_consulted);

    // Action items: refused without text (beside the action's own field), added, done, removed.
    let html = ui
        .post_invalid(
            &format!("/liaison/notes/{nid}/actions"),
            &[("text", ""), ("owner", ""), ("due", "")],
        )
        .await;
    assert_field_error(&html, "a-text", None);
    let html = ui
        .post_invalid(
            &format!("/liaison/notes/{nid}/actions"),
            &[("text", "Ask"), ("owner", ""), ("due", "someday")],
        )
        .await;
    assert_field_error(&html, "a-due", Some("value=\"someday\""));
    assert!(html.contains("value=\"Ask\""));
    ui.post_ok(
        &format!("/liaison/notes/{nid}/actions"),
        &[
            ("text", "Ask the caucuses"),
            ("owner", ui.ids.bea.as_str()),
            ("due", ""),
        ],
    )
    .await;
    let action = ui.snap().notes[&nid].actions[0].clone();
    assert_eq!(action.text, "Ask the caucuses");
    ui.post_ok(
        &format!("/liaison/notes/{nid}/actions/{}", action.id),
        &[("op", "done")],
    )
    .await;
    assert!(ui.snap().notes[&nid].actions[0].done);
    ui.post_ok(
        &format!("/liaison/notes/{nid}/actions/{}", action.id),
        &[("op", "remove")],
    )
    .await;
    assert!(ui.snap().notes[&nid].actions.is_empty());

    // Archive shows an undo on the list; undo restores.
    let loc = ui
        .post_ok(&format!("/records/note/{nid}/archive"), &[])
        .await;
    assert_eq!(loc, format!("/liaison?done=archived&type=note&id={nid}"));
    assert!(ui.snap().notes[&nid].stamp.archived);
    let list = ui.page(&loc).await;
    assert!(
        list.contains("“Speaking slots” was archived."),
        "{}",
        excerpt(&list)
    );
    let undo = format!("action=\"/records/note/{nid}/restore\"");
    assert!(list.contains(&undo), "an undo button");
    let loc = ui
        .post_ok(&format!("/records/note/{nid}/restore"), &[])
        .await;
    assert_eq!(loc, format!("/liaison/notes/{nid}?done=restored"));
    assert!(!ui.snap().notes[&nid].stamp.archived);
    let (status, _, _) = ui.send(post("/records/device/x/archive", &[])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn composition_review_from_start_to_record() {
    let ui = ui().await;
    let html = ui
        .post_invalid("/roster/reviews", &[("date", "soon")])
        .await;
    assert_field_error(&html, "f-date", Some("value=\"soon\""));
    let loc = ui
        .post_ok("/roster/reviews", &[("date", &ui.today.to_string())])
        .await;
    let rid = loc
        .trim_start_matches("/roster/reviews/")
        .trim_end_matches("?done=created")
        .to_owned();
    assert_eq!(ui.snap().reviews[&rid].status, ReviewStatus::Open);
    let health = format!("d-{}", ui.ids.health);
    // A draft keeps the decision and the review open.
    ui.post_ok(
        &format!("/roster/reviews/{rid}"),
        &[
            (health.as_str(), "inactive"),
            ("notes", "Draft"),
            ("action", "save"),
        ],
    )
    .await;
    let r = ui.snap().reviews[&rid].clone();
    assert_eq!(
        (r.status, r.decisions[&ui.ids.health]),
        (ReviewStatus::Open, Decision::Inactive)
    );
    assert_eq!(ui.snap().groups[&ui.ids.health].status, GroupStatus::Active);
    // Recording applies it.
    let loc = ui
        .post_ok(
            &format!("/roster/reviews/{rid}"),
            &[
                (health.as_str(), "inactive"),
                ("notes", "Draft"),
                ("action", "record"),
            ],
        )
        .await;
    assert!(loc.ends_with("done=recorded"));
    assert_eq!(ui.snap().reviews[&rid].status, ReviewStatus::Recorded);
    assert_eq!(
        ui.snap().groups[&ui.ids.health].status,
        GroupStatus::Inactive
    );
    let page = ui.page(&loc).await;
    assert!(page.contains("The review is recorded"));
}

/// A bureau with a past, written beside the document actor (which stamps every edit with the
/// clock) at the times a test gives, then synced into it.
struct Past {
    doc: bureau_model::automerge::AutoCommit,
    ids: u64,
}

impl Past {
    fn new() -> Past {
        let mut doc = bureau_model::automerge::AutoCommit::new();
        doc.set_author(Some(bureau_model::automerge::Author::from(
            bureau_model::testing::FOUNDER_ID.as_bytes().to_vec(),
        )));
        Past { doc, ids: 0 }
    }

    /// Applies an edit made at `at`; the id of the record it touched.
    fn edit(&mut self, at: jiff::Timestamp, e: Edit) -> String {
        let ids = &mut self.ids;
        let mut new_id = || {
            *ids += 1;
            format!("past{ids:04}")
        };
        let mut ctx = Ctx {
            now: at,
            author: bureau_model::testing::FOUNDER_ID,
            new_id: &mut new_id,
        };
        match bureau_model::apply(&mut self.doc, &e, &mut ctx).expect("a past edit") {
            Applied::Record(_, id) => id,
            _ => String::new(),
        }
    }

    /// Syncs everything into `doc` as the device `peer('Z')` (which the past must add).
    async fn sync_into(&mut self, doc: &DocHandle) {
        use bureau_model::automerge::sync::{Message, State, SyncDoc};
        let z = peer('Z');
        let mut state = State::new();
        for _ in 0..100 {
            let mut quiet = true;
            if let Some(msg) = self.doc.sync().generate_sync_message(&mut state) {
                doc.sync_receive(&z, msg).await.expect("receive");
                quiet = false;
            }
            if let Some(bytes) = doc.sync_generate(&z).await.expect("generate") {
                let msg = Message::decode(&bytes).expect("decode");
                self.doc
                    .sync()
                    .receive_sync_message(&mut state, msg)
                    .expect("the past receives");
                quiet = false;
            }
            if quiet {
                return;
            }
        }
        panic!("the sync never ended");
    }
}

/// The whole composition review after an earlier one, as a delegate walks it: attendance is
/// counted from the previous review (or a group's creation, if later), return is offered and
/// accepted only for groups that are not active, a new group is admitted within the review,
/// and once recorded the review is not "the first one" and flags none of the groups it kept.
#[tokio::test(flavor = "multi_thread")]
async fn a_review_after_an_earlier_one_counts_from_it_admits_groups_and_flags_none_it_kept() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (doc, _thread) = open(&tmp.path().join("a"), 'A').await;
    let tz = jiff::tz::TimeZone::get(bureau_model::testing::TIMEZONE).unwrap();
    let now = jiff::Timestamp::now();
    let ago = |days: i64| now - jiff::SignedDuration::from_hours(24 * days);
    let today = now.to_zoned(tz.clone()).date();
    let day = |days: i64| today.checked_sub(days.days()).unwrap();

    let mut past = Past::new();
    past.edit(
        ago(40),
        Edit::Init(bureau_model::testing::founding(&peer('A'))),
    );
    past.edit(
        ago(40),
        Edit::AddDevice {
            peer_id: peer('Z'),
            member_id: bureau_model::testing::FOUNDER_ID.to_owned(),
            name: "Old laptop".to_owned(),
            role: Role::Editor,
        },
    );
    let group = |name: &str| {
        Edit::Create(Fields::Group(GroupFields {
            name: Some(name.to_owned()),
            kind: Some(GroupKind::Caucus),
            focal_points: Some(vec![bureau_model::testing::FOUNDER_ID.to_owned()]),
            ..GroupFields::default()
        }))
    };
    let busy = past.edit(ago(40), group("Busy Caucus"));
    let kept = past.edit(ago(40), group("Kept Caucus"));
    let quiet = past.edit(ago(40), group("Quiet Caucus"));
    let dormant = past.edit(ago(40), group("Dormant Caucus"));
    past.edit(
        ago(39),
        Edit::Update {
            id: dormant.clone(),
            fields: Fields::Group(GroupFields {
                status: Some(GroupStatus::Inactive),
                ..GroupFields::default()
            }),
        },
    );
    let first = past.edit(
        ago(30),
        Edit::Create(Fields::Review(ReviewFields {
            date: Some(day(30).to_string()),
            status: Some(ReviewStatus::Recorded),
            ..ReviewFields::default()
        })),
    );
    let meeting = |title: &str, on: jiff::civil::Date, groups: &[&String]| {
        Edit::Create(Fields::Meeting(MeetingFields {
            title: Some(title.to_owned()),
            start: Some(format!("{on}T09:00")),
            end: Some(format!("{on}T10:00")),
            groups: Some(groups.iter().map(|g| (*g).clone()).collect()),
            status: Some(MeetingStatus::Confirmed),
            ..MeetingFields::default()
        }))
    };
    past.edit(ago(25), meeting("Plenary", day(20), &[&busy]));
    let newcomer = past.edit(ago(15), group("Newcomer Caucus"));
    past.edit(ago(14), meeting("Welcome", day(12), &[&newcomer, &busy]));
    let latecomer = past.edit(ago(11), group("Latecomer Caucus"));
    past.edit(ago(11), meeting("Drafting", day(10), &[&busy]));
    past.sync_into(&doc).await;
    let cancel = CancellationToken::new();
    let app = app_over(&doc, &cancel);
    let send = |req| send_to(&app, req);
    let inactive = |doc: &DocHandle| -> BTreeMap<String, Vec<Ref>> {
        doc.state()
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::GroupInactive)
            .map(|f| (f.refs[0].id.to_string(), f.refs.clone()))
            .collect()
    };

    // Before the review: counted from the earlier review, or from the creation of a group
    // created after it.
    let flagged = inactive(&doc);
    let mut want: Vec<&String> = vec![&kept, &quiet, &latecomer];
    want.sort();
    assert_eq!(flagged.keys().collect::<Vec<_>>(), want, "{flagged:?}");
    assert_eq!(
        flagged[&kept],
        vec![
            Ref {
                ty: RecordType::Group.into(),
                id: kept.clone().into()
            },
            Ref {
                ty: RecordType::Review.into(),
                id: first.clone().into()
            }
        ]
    );
    let en = Tr(Lang::En);
    let (_, _, page) = send(get(&format!("/roster/groups/{latecomer}"))).await;
    let created = en.date_long(ago(11).to_zoned(tz.clone()).date());
    assert!(
        page.contains(&format!(
            "has attended no meeting since it was created on {created}"
        )),
        "{}",
        around(&page, "group-findings")
    );

    // The new review: attendance since the earlier one, the new groups apart, no return for
    // an active group.
    let (status, headers, _) = send(post("/roster/reviews", &[("date", &today.to_string())])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let rid = headers[header::LOCATION]
        .to_str()
        .unwrap()
        .trim_start_matches("/roster/reviews/")
        .trim_end_matches("?done=created")
        .to_owned();
    let url = format!("/roster/reviews/{rid}");
    let (_, _, page) = send(get(&url)).await;
    let since = format!(
        "Attendance is counted since the review of {}",
        en.date_long(day(30))
    );
    assert!(page.contains(&since), "{}", excerpt(&page));
    assert!(!page.contains("This is the first review"));
    let new = around(&page, "new-h");
    let new = &new[..new.find("id=\"quiet-h\"").unwrap()];
    assert!(
        new.contains("Newcomer Caucus") && new.contains("Latecomer Caucus"),
        "{new}"
    );
    let quiet_section = around(&page, "quiet-h");
    let quiet_section = &quiet_section[..quiet_section.find("id=\"others-h\"").unwrap()];
    assert!(
        quiet_section.contains("Kept Caucus") && quiet_section.contains("Quiet Caucus"),
        "{quiet_section}"
    );
    let offers_return = |page: &str, g: &str| {
        page.contains(&format!("name=\"d-{g}\" type=\"radio\" value=\"return\""))
    };
    for g in [&busy, &kept, &quiet, &newcomer, &latecomer] {
        assert!(
            !offers_return(&page, g),
            "return offered to an active group"
        );
    }
    assert!(
        offers_return(&page, &dormant),
        "return offered to an inactive group"
    );
    let mut form = form_of(&page, &url);
    form.push((format!("d-{busy}"), "return".to_owned()));
    form.push(("action".to_owned(), "save".to_owned()));
    let (status, _, html) = send(post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&format!("id=\"f-d-{busy}-error\""))
            && html.contains("Only an inactive or removed group can return"),
        "{}",
        excerpt(&html)
    );
    assert!(
        !doc.state().snapshot.reviews[&rid]
            .decisions
            .contains_key(&busy)
    );

    // Admitting a new group is a step of the review: a name is needed, then the group joins
    // the roster with the review's decision to admit it.
    let mut form = form_of(&page, &url);
    form.push(("action".to_owned(), "admit".to_owned()));
    let (status, _, html) = send(post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&html, "f-admit_name", None);
    set_field(&mut form, "admit_name", "Youth Caucus");
    set_field(&mut form, "admit_kind", "caucus");
    form.push((
        "admit_focal_points".to_owned(),
        bureau_model::testing::FOUNDER_ID.to_owned(),
    ));
    let (status, headers, _) = send(post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .ends_with("?done=admitted")
    );
    let snap = doc.state().snapshot.clone();
    let youth = snap
        .groups
        .values()
        .find(|g| g.name == "Youth Caucus")
        .expect("the admitted group")
        .clone();
    assert_eq!(
        (youth.kind, youth.status, youth.focal_points.clone()),
        (
            GroupKind::Caucus,
            GroupStatus::Active,
            vec![bureau_model::testing::FOUNDER_ID.to_owned()]
        )
    );
    assert_eq!(snap.reviews[&rid].decisions[&youth.id], Decision::Keep);
    assert!(
        !inactive(&doc).contains_key(&youth.id),
        "a group created today is not flagged for a review that predates it"
    );
    let (_, _, page) = send(get(&url)).await;
    let new = around(&page, "new-h");
    let new = &new[..new.find("id=\"quiet-h\"").unwrap()];
    assert!(
        new.contains("Youth Caucus")
            && new.contains(&format!(
                "name=\"d-{}\" type=\"radio\" value=\"keep\" checked",
                youth.id
            ))
            && new.contains(">Admit<"),
        "{new}"
    );

    // Recorded keeping two of the quiet groups and making one inactive.
    let mut form = form_of(&page, &url);
    for (g, d) in [(&kept, "keep"), (&latecomer, "keep"), (&quiet, "inactive")] {
        form.push((format!("d-{g}"), d.to_owned()));
    }
    form.push(("action".to_owned(), "record".to_owned()));
    let (status, headers, _) = send(post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let done = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(done.ends_with("?done=recorded"), "{done}");
    let snap = doc.state().snapshot.clone();
    assert_eq!(snap.reviews[&rid].status, ReviewStatus::Recorded);
    assert_eq!(snap.groups[&quiet].status, GroupStatus::Inactive);
    assert_eq!(
        inactive(&doc),
        BTreeMap::new(),
        "the review just recorded flags none of the groups it kept"
    );
    let (_, _, page) = send(get(&done)).await;
    assert!(
        !page.contains("This is the first review"),
        "{}",
        excerpt(&page)
    );
    assert!(page.contains(&since));
    let table = around(&page, "decisions-h");
    let youth_row = &table[table.find("Youth Caucus").expect("the admission listed")..];
    assert!(
        youth_row[..youth_row.find("</tr>").unwrap()].contains("Admitted"),
        "{table}"
    );
    let (_, _, page) = send(get(&format!("/roster/groups/{kept}"))).await;
    assert!(
        !page.contains("has attended no meeting"),
        "{}",
        around(&page, "group-findings")
    );
    cancel.cancel();
}

#[tokio::test(flavor = "multi_thread")]
async fn language_switch_sets_a_cookie_and_goes_back() {
    let ui = ui().await;
    let (status, headers, _) = ui
        .send(post(
            "/lang",
            &[("lang", "fr"), ("back", "/schedule?view=list")],
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/schedule?view=list");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.starts_with("bureau_lang=fr;") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    // Never back to another site.
    let (_, headers, _) = ui
        .send(post(
            "/lang",
            &[("lang", "ar"), ("back", "//evil.example/")],
        ))
        .await;
    assert_eq!(headers[header::LOCATION], "/");
    // Accept-Language is the first guess when no cookie was set.
    let req = Request::builder()
        .uri("/roster")
        .header(header::HOST, HOST)
        .header(header::COOKIE, session())
        .header(header::ACCEPT_LANGUAGE, "de-CH, fr;q=0.8, en;q=0.5")
        .body(Body::empty())
        .unwrap();
    let html = ui.send(req).await.2;
    assert!(html.contains("<html lang=\"fr\" dir=\"ltr\">"));
    let html = ui.send(get_in("/roster", Lang::Ar)).await.2;
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(html.contains("التشكيلة"), "the Arabic catalogue is used");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_header_alone_is_the_header_of_every_page_without_live_content() {
    let ui = ui().await;
    let history = ui
        .send(get(&format!("/history/member/{}", ui.ids.bea)))
        .await
        .2;
    assert!(
        history.contains("data-section=\"none\""),
        "{}",
        excerpt(&history)
    );
    // From an element's id to the end of the first `end` tag after it.
    fn region<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
        let at = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no #{id}: {}", excerpt(html)));
        let len = html[at..].find(end).expect("the element ends") + end.len();
        &html[at..at + len]
    }
    assert!(
        !region(&history, "main", "</main>").contains("data-live"),
        "a history has no live region of its own"
    );
    let (status, _, chrome) = ui.send(get("/chrome?section=none")).await;
    assert_eq!(status, StatusCode::OK);
    // What the live script swaps in (the sync state and the navigation with its counts) is
    // the same in the header alone as in the page.
    for (id, end) in [("sync-status", "</div>"), ("nav", "</nav>")] {
        assert_eq!(region(&chrome, id, end), region(&history, id, end), "#{id}");
    }
    // A section's page is marked current in the navigation of its header.
    let roster = ui.send(get("/chrome?section=roster")).await.2;
    assert!(region(&roster, "nav", "</nav>").contains("<a href=\"/roster\" aria-current=\"page\""));
    assert!(
        !region(&chrome, "main", "</main>").contains("<h1"),
        "no page content: {}",
        excerpt(&chrome)
    );
    // An unknown section is no section, not an error.
    let (status, _, none) = ui.send(get("/chrome?section=%3Cscript%3E")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!region(&none, "nav", "</nav>").contains("aria-current"));
    assert!(!none.contains("<script>"));
    // Like every page, it needs the session.
    let req = Request::builder()
        .uri("/chrome?section=roster")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    assert!(!ui.send(req).await.2.contains("id=\"nav\""));
}

#[tokio::test(flavor = "multi_thread")]
async fn assets_are_embedded_with_types_and_cache_headers() {
    let ui = ui().await;
    let html = ui.page("/").await;
    for (name, ty) in [
        ("app.css", "text/css"),
        ("live.js", "text/javascript"),
        ("icon.svg", "image/svg+xml"),
        ("print.css", "text/css"),
    ] {
        let url = super::assets::url(name);
        assert!(
            html.contains(&url.replace('&', "&amp;")),
            "{name} is linked as {url}"
        );
        let req = Request::builder()
            .uri(&url)
            .header(header::HOST, HOST)
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = ui.send(req).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with(ty)
        );
        assert!(
            headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert!(!body.is_empty());
        let etag = headers[header::ETAG].clone();
        let req = Request::builder()
            .uri(format!("/assets/{name}"))
            .header(header::HOST, HOST)
            .header(header::IF_NONE_MATCH, etag)
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = ui.send(req).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED);
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    }
    let req = Request::builder()
        .uri("/assets/nope.js")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    assert_eq!(ui.send(req).await.0, StatusCode::NOT_FOUND);
}

async fn sync_directly(x: (&DocHandle, &str), y: (&DocHandle, &str)) {
    use bureau_model::automerge::sync::Message;
    for _ in 0..100 {
        let mut quiet = true;
        for ((from, from_id), (to, to_id)) in [(x, y), (y, x)] {
            if let Some(bytes) = from.sync_generate(to_id).await.expect("generate") {
                to.sync_receive(from_id, Message::decode(&bytes).expect("decode"))
                    .await
                    .expect("receive");
                quiet = false;
            }
        }
        if quiet {
            return;
        }
    }
    panic!("the two actors never stopped sending");
}

/// Member "Bea" with an editor device `peer('B')` named "Bea's laptop"; returns her id.
async fn add_bea_with_laptop(doc: &DocHandle) -> String {
    let bea = edit(
        doc,
        Edit::Create(Fields::Member(MemberFields {
            name: Some("Bea".to_owned()),
            ..MemberFields::default()
        })),
    )
    .await;
    doc.edit(Edit::AddDevice {
        peer_id: peer('B'),
        member_id: bea.clone(),
        name: "Bea's laptop".to_owned(),
        role: Role::Editor,
    })
    .await
    .unwrap();
    bea
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conflict_is_listed_with_its_authors_and_resolved_by_picking() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a"), 'A').await;
    let (b, tb) = open(&tmp.path().join("b"), 'B').await;
    init(&a).await;
    add_bea_with_laptop(&a).await;
    let room = edit(
        &a,
        Edit::Create(Fields::Room(RoomFields {
            name: Some("Room X".to_owned()),
            ..RoomFields::default()
        })),
    )
    .await;
    let (pa, pb) = (peer('A'), peer('B'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    let rename = |name: &str| Edit::Update {
        id: room.clone(),
        fields: Fields::Room(RoomFields {
            name: Some(name.to_owned()),
            ..RoomFields::default()
        }),
    };
    a.edit(rename("Room by Ada")).await.unwrap();
    b.edit(rename("Room by Bea")).await.unwrap();
    sync_directly((&a, &pa), (&b, &pb)).await;
    assert_eq!(a.state().conflicts.len(), 1);

    let cancel = CancellationToken::new();
    let app = app_over(&a, &cancel);
    let (status, _, html) = send_to(&app, get("/conflicts")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Room by Ada") && html.contains("Room by Bea"),
        "{}",
        excerpt(&html)
    );
    assert!(
        html.contains("by Ada Founder") && html.contains("by Bea"),
        "authors are named"
    );
    let st = a.state();
    let values = &st.conflicts.all()[0].values;
    let pick = values
        .iter()
        .position(|v| v.value.as_str() == Some("Room by Bea"))
        .unwrap()
        .to_string();
    let (status, headers, _) = send_to(
        &app,
        post(
            "/conflicts/resolve",
            &[
                ("type", "room"),
                ("id", room.as_str()),
                ("field", "name"),
                ("choice", pick.as_str()),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/conflicts?done=resolved");
    assert!(a.state().conflicts.is_empty());
    assert_eq!(a.state().snapshot.rooms[&room].name, "Room by Bea");
    // Resolving again finds nothing to resolve.
    let (_, headers, _) = send_to(
        &app,
        post(
            "/conflicts/resolve",
            &[
                ("type", "room"),
                ("id", room.as_str()),
                ("field", "name"),
                ("choice", "0"),
            ],
        ),
    )
    .await;
    assert_eq!(headers[header::LOCATION], "/conflicts?done=already");
    drop(app);
    drop(a);
    drop(b);
    let _ = (ta, tb);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_contested_field_is_marked_on_its_record_page_and_resolved_there() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, ta) = open(&tmp.path().join("a"), 'A').await;
    let (b, tb) = open(&tmp.path().join("b"), 'B').await;
    init(&a).await;
    add_bea_with_laptop(&a).await;
    let room = edit(
        &a,
        Edit::Create(Fields::Room(RoomFields {
            name: Some("Room X".to_owned()),
            ..RoomFields::default()
        })),
    )
    .await;
    let (pa, pb) = (peer('A'), peer('B'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    let rename = |name: &str| Edit::Update {
        id: room.clone(),
        fields: Fields::Room(RoomFields {
            name: Some(name.to_owned()),
            ..RoomFields::default()
        }),
    };
    a.edit(rename("Room by Ada")).await.unwrap();
    b.edit(rename("Room by Bea")).await.unwrap();
    sync_directly((&a, &pa), (&b, &pb)).await;
    assert_eq!(a.state().conflicts.len(), 1);

    let cancel = CancellationToken::new();
    let app = app_over(&a, &cancel);
    let url = format!("/schedule/rooms/{room}");
    let (status, _, html) = send_to(&app, get(&url)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Some fields of this record were changed on two laptops"),
        "the form says so at its top: {}",
        excerpt(&html)
    );
    // Beside the name field: both values, their authors, and a button that keeps each.
    let mark = part(&html, "f-name-conflict-0", "</ul>");
    assert!(
        mark.contains("Room by Ada") && mark.contains("Room by Bea"),
        "{mark}"
    );
    assert!(
        mark.contains("by Ada Founder") && mark.contains("by Bea"),
        "{mark}"
    );
    assert_eq!(
        mark.matches("form=\"resolve-0\" name=\"choice\"").count(),
        2,
        "{mark}"
    );
    let input = around(&html, "f-name");
    assert!(
        input.contains("aria-describedby=\"f-name-conflict-0-h\""),
        "the field names its mark: {input}"
    );
    // The form those buttons submit sits outside the record's form (forms cannot nest).
    let record_form = html
        .find("<form class=\"record\"")
        .expect("the record's form");
    let record_end = record_form + html[record_form..].find("</form>").unwrap();
    let resolve = html.find("id=\"resolve-0\"").expect("the resolve form");
    assert!(
        resolve > record_end,
        "the resolve form is nested in the record's form"
    );
    let resolve_form = part(&html, "resolve-0", "</form>");
    for hidden in [
        "name=\"type\" value=\"room\"".to_owned(),
        format!("name=\"id\" value=\"{room}\""),
        "name=\"field\" value=\"name\"".to_owned(),
        "name=\"back\" value=\"record\"".to_owned(),
    ] {
        assert!(resolve_form.contains(&hidden), "{hidden}: {resolve_form}");
    }
    // A form shown again (a refused capacity) still marks the field and keeps its resolve form.
    let mut fields = form_of(&html, &url);
    set_field(&mut fields, "capacity", "many");
    let (status, _, again) = send_to(&app, post(&url, &pairs(&fields))).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        excerpt(&again)
    );
    let mark = part(&again, "f-name-conflict-0", "</ul>");
    assert!(
        mark.contains("Room by Ada") && mark.contains("Room by Bea"),
        "{mark}"
    );
    assert!(
        again.contains("id=\"resolve-0\""),
        "the resolve form is there"
    );
    // In French too.
    let (_, _, fr) = send_to(&app, get_in(&url, Lang::Fr)).await;
    let mark = part(&fr, "f-name-conflict-0", "</ul>");
    assert!(
        mark.contains("Ce champ a été modifié") && mark.contains("par Bea"),
        "{mark}"
    );

    // Keeping Bea's value from the record's page resolves it and comes back to the page.
    let st = a.state();
    let pick = st.conflicts.all()[0]
        .values
        .iter()
        .position(|v| v.value.as_str() == Some("Room by Bea"))
        .unwrap()
        .to_string();
    let (status, headers, _) = send_to(
        &app,
        post(
            "/conflicts/resolve",
            &[
                ("type", "room"),
                ("id", room.as_str()),
                ("field", "name"),
                ("back", "record"),
                ("choice", pick.as_str()),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], format!("{url}?done=resolved"));
    assert!(a.state().conflicts.is_empty());
    assert_eq!(a.state().snapshot.rooms[&room].name, "Room by Bea");
    // Its history says so: from the value that was shown to the one kept.
    let shown = st.conflicts.all()[0].values[0].value.clone();
    let history = a
        .history(RecordType::Room, room.clone())
        .await
        .unwrap()
        .unwrap();
    let resolved = history.last().unwrap();
    assert!(resolved.message.starts_with("resolve"), "{history:#?}");
    assert_eq!(
        (&resolved.fields[0].old, &resolved.fields[0].new),
        (
            &serde_json::to_value(&shown).unwrap(),
            &serde_json::json!("Room by Bea")
        ),
        "{history:#?}"
    );
    let (_, _, html) = send_to(&app, get(&format!("{url}?done=resolved"))).await;
    assert!(html.contains("Conflict resolved"), "{}", excerpt(&html));
    assert!(
        !html.contains("f-name-conflict-0") && !html.contains("id=\"resolve-0\""),
        "a resolved field is no longer marked"
    );
    // Resolved already (on another laptop): back to the page, saying so.
    let (_, headers, _) = send_to(
        &app,
        post(
            "/conflicts/resolve",
            &[
                ("type", "room"),
                ("id", room.as_str()),
                ("field", "name"),
                ("back", "record"),
                ("choice", "0"),
            ],
        ),
    )
    .await;
    assert_eq!(headers[header::LOCATION], format!("{url}?done=already"));
    drop(app);
    drop(a);
    drop(b);
    let _ = (ta, tb);
}

#[tokio::test(flavor = "multi_thread")]
async fn history_shows_each_field_from_old_to_new_and_long_texts_by_their_words() {
    let ui = ui().await;
    let i = &ui.ids;
    let change = |fields: MeetingFields| Edit::Update {
        id: i.first.clone(),
        fields: Fields::Meeting(fields),
    };
    ui.doc
        .edit(change(MeetingFields {
            title: Some("Caucus strategy, second round".to_owned()),
            room_id: Some(i.room_b.clone()),
            agenda: Some("1. Welcome\n2. Positions on the draft\n3. Next steps".to_owned()),
            ..MeetingFields::default()
        }))
        .await
        .unwrap();
    ui.doc
        .edit(change(MeetingFields {
            agenda: Some("1. Welcome\n2. Positions on the revised draft\n3. Next steps".to_owned()),
            ..MeetingFields::default()
        }))
        .await
        .unwrap();
    let url = format!("/history/meeting/{}", i.first);
    let html = ui.page(&url).await;
    let table = part(&html, "history-caption", "</table>");
    // Old value, then new, each as the form names it (a room by its name).
    for (old, new) in [
        ("Caucus strategy", "Caucus strategy, second round"),
        ("Room C", "Room B"),
    ] {
        let pair = format!(
            "<bdi class=\"old\">{old}</bdi> <span class=\"arrow\" aria-hidden=\"true\">→</span> \
             <span class=\"visually-hidden\">changed to </span><bdi class=\"new\">{new}</bdi>"
        );
        assert!(table.contains(&pair), "{pair} in {table}");
    }
    // A long text gives the words added with a few words around them, not the whole text again.
    assert!(
        table.contains(
            "… 2. Positions on the <ins><span class=\"visually-hidden\">added: </span>revised</ins> \
             draft 3. Next steps …"
        ),
        "{table}"
    );
    assert_eq!(table.matches("1. Welcome").count(), 1, "{table}");
    // Bookkeeping fields are not listed.
    for hidden in ["updated_at", "updated_by", "Updated"] {
        assert!(!table.contains(hidden), "{hidden} in {table}");
    }
    // In the reader's language.
    let (_, _, fr) = ui.send(get_in(&url, Lang::Fr)).await;
    assert!(
        fr.contains("remplacé par </span><bdi class=\"new\">Room B</bdi>"),
        "{}",
        part(&fr, "history-caption", "</table>")
    );
    let (_, _, ar) = ui.send(get_in(&url, Lang::Ar)).await;
    assert!(
        ar.contains("<span class=\"arrow\" aria-hidden=\"true\">←</span>"),
        "the arrow points the way Arabic reads"
    );
}

/// A finding's sentence keeps the page's direction, and the names in it are isolated, so an
/// Arabic sentence about "Room C" reads right to left with the name inside it.
#[tokio::test(flavor = "multi_thread")]
async fn names_in_a_findings_sentence_are_isolated_and_the_sentence_keeps_the_page_direction() {
    let ui = ui().await;
    let html = ui
        .send(get_in(
            &format!("/schedule?day={}&view=list", ui.today),
            Lang::Ar,
        ))
        .await
        .2;
    assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"));
    let sentences: Vec<&str> = html
        .split("<span class=\"sentence\"")
        .skip(1)
        .map(|s| &s[..s.find("</span>").unwrap_or(s.len())])
        .collect();
    assert!(
        !sentences.is_empty(),
        "the day has findings: {}",
        excerpt(&html)
    );
    assert!(
        sentences.iter().all(|s| s.starts_with('>')),
        "no direction of its own on a sentence (dir=auto made an Arabic sentence that starts \
         with a Latin name run left to right): {sentences:?}"
    );
    assert!(
        sentences.iter().any(|s| s.contains("<bdi>Room C</bdi>")),
        "the room's name isolated: {sentences:?}"
    );
    assert!(
        sentences
            .iter()
            .any(|s| s.contains("<bdi>")
                && s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))),
        "Arabic words around the isolated names: {sentences:?}"
    );
    assert!(!html.contains('\u{E000}') && !html.contains('\u{E001}'));
}

/// French writes the first of the month « 1er »; Arabic separates list items with its own
/// comma. Both on the pages the server renders.
#[tokio::test(flavor = "multi_thread")]
async fn french_firsts_and_arabic_commas_on_the_pages() {
    let first = jiff::civil::date(2026, 12, 1);
    assert_eq!(Tr(Lang::Fr).date_long(first), "mardi 1er décembre 2026");
    assert_eq!(Tr(Lang::Fr).date_short(first), "mar. 1er déc.");
    assert_eq!(
        Tr(Lang::Fr).date_long(jiff::civil::date(2026, 12, 2)),
        "mercredi 2 décembre 2026"
    );
    assert_eq!(Tr(Lang::En).date_long(first), "Tuesday 1 December 2026");
    assert_eq!(Tr(Lang::Ar).list(&["أ", "ب", "ج"]), "أ، ب، ج");
    assert_eq!(Tr(Lang::En).list(&["a", "b"]), "a, b");

    let ui = ui().await;
    let (status, _, html) = ui
        .send(get_in("/schedule?day=2026-12-01&view=list", Lang::Fr))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("1er décembre"), "{}", excerpt(&html));
    // Room C has booths for English and French: listed with the Arabic comma.
    let html = ui.send(get_in("/schedule", Lang::Ar)).await.2;
    let booths = format!(
        "{}، {}",
        Tr(Lang::Ar).language("en"),
        Tr(Lang::Ar).language("fr")
    );
    assert!(
        html.contains(&booths),
        "the rooms table lists {booths:?}: {}",
        around(&html, "rooms")
    );
    assert!(!html.contains(&format!(
        "{}, {}",
        Tr(Lang::Ar).language("en"),
        Tr(Lang::Ar).language("fr")
    )));
}

#[tokio::test(flavor = "multi_thread")]
async fn previous_and_next_point_the_way_the_language_reads() {
    let ui = ui().await;
    let chevron =
        |c: &str| format!("<span class=\"chevron\" dir=\"ltr\" aria-hidden=\"true\">{c}</span>");
    let day = |html: &str, which: &str| {
        let days = around(html, "days").to_owned();
        let at = days.find(which).expect("the link");
        // 120 bytes either side, widened to whole characters.
        let from = (0..=at.saturating_sub(120))
            .rev()
            .find(|&i| days.is_char_boundary(i))
            .unwrap_or(0);
        let to = ((at + which.len() + 120).min(days.len())..=days.len())
            .find(|&i| days.is_char_boundary(i))
            .unwrap_or(days.len());
        days[from..to].to_owned()
    };
    let en = ui.send(get_in("/schedule", Lang::En)).await.2;
    let prev = Tr(Lang::En).t("day-previous");
    assert!(day(&en, &prev).contains(&format!("{} {prev}", chevron("‹"))));
    let ar = ui.send(get_in("/schedule", Lang::Ar)).await.2;
    let prev = Tr(Lang::Ar).t("day-previous");
    let next = Tr(Lang::Ar).t("day-next");
    assert!(
        day(&ar, &prev).contains(&format!("{} {prev}", chevron("›"))),
        "in Arabic, previous points right: {}",
        day(&ar, &prev)
    );
    assert!(day(&ar, &next).contains(&format!("{next} {}", chevron("‹"))));
}

/// A network that answers like the real one, for the peers page.
#[derive(Debug)]
struct FakeNet {
    status: std::sync::Mutex<crate::NetworkStatus>,
    changed: tokio::sync::watch::Sender<()>,
}

impl crate::Network for FakeNet {
    fn status(&self) -> Arc<crate::NetworkStatus> {
        Arc::new(self.status.lock().unwrap().clone())
    }

    fn changed(&self) -> tokio::sync::watch::Receiver<()> {
        self.changed.subscribe()
    }

    fn dial(&self, addr: String) -> crate::NetFuture<()> {
        Box::pin(async move {
            if addr.starts_with("/ip4/") {
                Ok(())
            } else {
                Err(crate::NetFailure {
                    field: Some("addr"),
                    message: format!(
                        "{addr:?} is not a peer address like /ip4/192.168.1.20/tcp/4001: bad"
                    ),
                })
            }
        })
    }

    fn set_paused(&self, paused: bool) -> crate::NetFuture<()> {
        self.status.lock().unwrap().paused = paused;
        Box::pin(async { Ok(()) })
    }

    fn invite(&self, role: Role, _expires_in: Duration) -> crate::NetFuture<crate::InviteMade> {
        Box::pin(async move {
            Ok(crate::InviteMade {
                code: "7-orbit-lantern".to_owned(),
                link: format!("bureau1-{}-0123456789abcdef", role.as_str()),
                expires_at: 1_900_000_000,
            })
        })
    }

    fn invites(&self) -> crate::NetFuture<Vec<crate::InviteListed>> {
        Box::pin(async move {
            Ok(vec![crate::InviteListed {
                code: None,
                role: "editor".to_owned(),
                member_id: None,
                expires_at: 1_900_000_000,
                state: "burned".to_owned(),
                wrong: 3,
            }])
        })
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn peers_page_and_its_forms_over_a_network() {
    let tmp = tempfile::tempdir().unwrap();
    let (doc, _thread) = open(&tmp.path().join("a"), 'A').await;
    init(&doc).await;
    let bea = add_bea_with_laptop(&doc).await;
    let net = Arc::new(FakeNet {
        status: std::sync::Mutex::new(crate::NetworkStatus {
            facts: crate::NetFacts {
                dial_errors: vec![crate::DialFailure {
                    addr: "/ip4/127.0.0.1/tcp/9".to_owned(),
                    peer_id: None,
                    error: "Connection refused (os error 111)".to_owned(),
                    at: "2026-12-03T10:00:00Z".to_owned(),
                }],
                ..crate::NetFacts::default()
            },
            paused: false,
            listen: vec!["/ip4/127.0.0.1/tcp/4001".to_owned()],
            peers: vec![crate::PeerInfo {
                peer_id: peer('B'),
                name: Some("Bea's laptop".to_owned()),
                member_id: Some(bea.clone()),
                role: Some("editor".to_owned()),
                connected: true,
                in_sync: true,
                last_sync: Some("2026-11-16T09:00:00Z".to_owned()),
                addr: Some("/ip4/127.0.0.1/tcp/4002".to_owned()),
                source: Some("invite".to_owned()),
                clock_offset_secs: Some(-7200),
                ..crate::PeerInfo::default()
            }],
        }),
        changed: tokio::sync::watch::channel(()).0,
    });
    let cancel = CancellationToken::new();
    let app = router(AppState {
        net: Some(net.clone()),
        doc: doc.clone(),
        config: Arc::new(config()),
        cancel: cancel.clone(),
    });
    for lang in Lang::ALL {
        let (status, _, html) = send_to(&app, get_in("/peers", lang)).await;
        assert_eq!(status, StatusCode::OK);
        assert_clean_page("/peers", &html, lang);
    }
    let (_, _, html) = send_to(&app, get("/peers")).await;
    let table = around(&html, "peer-table");
    assert!(
        table.contains("Bea&#39;s laptop") || table.contains("Bea's laptop"),
        "{table}"
    );
    assert!(
        table.contains("In sync") && table.contains("Connected"),
        "{table}"
    );
    assert!(html.contains("1 peer · in sync"), "the header's sync badge");
    // The doctor's section: the dead address, and what to do.
    let doctor = part(&html, "doctor", "</section>");
    assert!(
        doctor.contains("Nothing answers at /ip4/127.0.0.1/tcp/9")
            && doctor.contains("Check the address"),
        "{doctor}"
    );
    assert!(
        doctor.contains("is 120 minutes behind this laptop"),
        "Bea's clock: {doctor}"
    );
    let overview = send_to(&app, get("/")).await.2;
    assert!(around(&overview, "sync").contains("1 device connected, 1 in sync"));

    // Dial: a bad address is refused beside the field, with what was typed.
    let (status, _, html) = send_to(&app, post("/peers/dial", &[("addr", "not-an-address")])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&html, "dial-addr", Some("value=\"not-an-address\""));
    let (status, _, html) = send_to(&app, post("/peers/dial", &[("addr", "")])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&html, "dial-addr", None);
    let (status, headers, _) = send_to(
        &app,
        post("/peers/dial", &[("addr", "/ip4/10.0.0.2/tcp/4001")]),
    )
    .await;
    assert_eq!(
        (status, &headers[header::LOCATION]),
        (
            StatusCode::SEE_OTHER,
            &"/peers?done=dialled".parse().unwrap()
        )
    );

    // Pause and resume.
    let (_, headers, _) = send_to(&app, post("/peers/pause", &[])).await;
    assert_eq!(headers[header::LOCATION], "/peers?done=paused");
    assert!(crate::Network::status(&*net).paused);
    let html = send_to(&app, get("/peers?done=paused")).await.2;
    assert!(html.contains("action=\"/peers/resume\"") && html.contains("Sync paused"));
    let (_, headers, _) = send_to(&app, post("/peers/resume", &[])).await;
    assert_eq!(headers[header::LOCATION], "/peers?done=resumed");
    assert!(!crate::Network::status(&*net).paused);

    // Invite: the code and its QR code, shown once.
    let (status, _, html) = send_to(
        &app,
        post("/peers/invite", &[("role", "observer"), ("hours", "24")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("bureau1-observer-0123456789abcdef"),
        "the link"
    );
    assert!(
        html.contains("<strong class=\"short-code\">7-orbit-lantern</strong>"),
        "the short code, to read out"
    );
    assert!(html.contains("bureau join 7-orbit-lantern --name"));
    assert!(html.contains("<svg role=\"img\" aria-label=\"QR code of the invite\""));
    // The burned invite is listed, saying so.
    let html = send_to(&app, get("/peers")).await.2;
    assert!(
        html.contains("Burned after 3 wrong guesses of its code"),
        "{html}"
    );
    assert_clean_page("/peers/invite", &html, Lang::En);
    let (status, _, html) = send_to(
        &app,
        post("/peers/invite", &[("role", "boss"), ("hours", "5")]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_field_error(&html, "inv-role", None);

    // Revoke Bea's laptop.
    let (_, headers, _) = send_to(
        &app,
        post(&format!("/peers/devices/{}/revoke", peer('B')), &[]),
    )
    .await;
    assert_eq!(headers[header::LOCATION], "/peers?done=revoked");
    assert!(doc.state().snapshot.devices[&peer('B')].revoked);
}

// ---- forms that were open while a peer changed the record --------------------------------

/// Decodes the few entities maud writes.
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The attributes of a start tag (`<input a="b" c>`).
fn attributes(tag: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut rest = tag
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_end_matches('/');
    rest = rest.split_once(char::is_whitespace).map_or("", |x| x.1);
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return out;
        }
        let end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..end].to_owned();
        rest = &rest[end..];
        if let Some(r) = rest.strip_prefix("=\"") {
            let close = r.find('"').expect("a closing quote");
            out.push((name, Some(unescape(&r[..close]))));
            rest = &r[close + 1..];
        } else {
            out.push((name, None));
        }
    }
}

/// What a browser would submit for the form posting to `action`, unchanged: text fields,
/// hidden fields, ticked boxes, each list's selected option, text areas.
fn form_of(html: &str, action: &str) -> Vec<(String, String)> {
    let at = html
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let form = &html[at..at + html[at..].find("</form>").expect("the form's end")];
    let mut fields = Vec::new();
    let mut i = 0;
    while let Some(off) = form[i..].find('<') {
        let start = i + off;
        let tag_end = start + form[start..].find('>').expect("a tag's end") + 1;
        let tag = &form[start..tag_end];
        let attrs = attributes(tag);
        let get = |n: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == n)
                .and_then(|(_, v)| v.clone())
        };
        let has = |n: &str| attrs.iter().any(|(k, _)| k == n);
        i = tag_end;
        if tag.starts_with("<input") {
            let (Some(name), kind) = (get("name"), get("type").unwrap_or_default()) else {
                continue;
            };
            if (kind == "checkbox" || kind == "radio") && !has("checked") {
                continue;
            }
            fields.push((name, get("value").unwrap_or_default()));
        } else if tag.starts_with("<textarea") {
            let close = tag_end + form[tag_end..].find("</textarea>").expect("its end");
            let text = unescape(&form[tag_end..close]);
            let text = text.strip_prefix('\n').unwrap_or(&text).to_owned();
            fields.push((get("name").expect("a name"), text));
            i = close;
        } else if tag.starts_with("<select") {
            let close = tag_end + form[tag_end..].find("</select>").expect("its end");
            let options: Vec<Vec<(String, Option<String>)>> = form[tag_end..close]
                .match_indices("<option")
                .map(|(o, _)| {
                    let o = tag_end + o;
                    attributes(&form[o..o + form[o..].find('>').unwrap() + 1])
                })
                .collect();
            let value_of = |a: &Vec<(String, Option<String>)>| {
                a.iter()
                    .find(|(k, _)| k == "value")
                    .and_then(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let chosen = options
                .iter()
                .find(|a| a.iter().any(|(k, _)| k == "selected"))
                .or(options.first())
                .map(value_of)
                .unwrap_or_default();
            fields.push((get("name").expect("a name"), chosen));
            i = close;
        }
    }
    fields
}

/// Sets a field of a submitted form (the first of its name), as a user typing would.
#[track_caller]
fn set_field(fields: &mut [(String, String)], name: &str, value: &str) {
    let f = fields
        .iter_mut()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    f.1 = value.to_owned();
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_form_open_while_a_peer_changed_the_meeting_writes_only_what_the_user_changed() {
    let ui = ui().await;
    let i = &ui.ids;
    let id = i.first.clone();
    let url = format!("/schedule/meetings/{id}");
    ui.doc
        .edit(Edit::Update {
            id: id.clone(),
            fields: Fields::Meeting(MeetingFields {
                resources: Some(BTreeMap::from([
                    ("Projector".to_owned(), ResourceState::Requested),
                    ("Catering".to_owned(), ResourceState::Requested),
                ])),
                ..MeetingFields::default()
            }),
        })
        .await
        .unwrap();

    // The user opens the form...
    let html = ui.page(&url).await;
    let shown_heads = ui.doc.state().heads.join(",");
    assert!(
        html.contains(&format!("name=\"heads\" value=\"{shown_heads}\"")),
        "the form carries the heads it was rendered at"
    );
    let mut form = form_of(&html, &url);
    // ...while a peer renames the meeting, rewrites the agenda, cancels it, adds a language,
    // a member and a resource, and confirms the catering.
    ui.doc
        .edit(Edit::Update {
            id: id.clone(),
            fields: Fields::Meeting(MeetingFields {
                title: Some("Caucus strategy, renamed by a peer".to_owned()),
                agenda: Some("The peer's agenda".to_owned()),
                status: Some(MeetingStatus::Cancelled),
                languages: Some(vec!["en".into(), "fr".into(), "ar".into(), "ru".into()]),
                members: Some(vec![i.bea.clone(), i.cem.clone()]),
                resources: Some(BTreeMap::from([
                    ("Projector".to_owned(), ResourceState::Requested),
                    ("Catering".to_owned(), ResourceState::Confirmed),
                    ("Interpretation".to_owned(), ResourceState::Requested),
                ])),
                ..MeetingFields::default()
            }),
        })
        .await
        .unwrap();
    let after_peer = ui.snap().meetings[&id].clone();

    // The user changes the status (the peer changed it too), unticks French, removes the
    // projector and adds microphones, and first gets the end wrong.
    set_field(&mut form, "status", "proposed");
    form.retain(|(k, v)| !(k == "languages" && v == "fr"));
    let projector = form
        .iter()
        .find(|(k, v)| k.starts_with("res-") && v == "Projector")
        .map(|(k, _)| k.clone())
        .expect("the projector is listed");
    form.push((format!("{projector}-remove"), "on".to_owned()));
    set_field(&mut form, "res-new", "Microphones");
    set_field(&mut form, "res-new-state", "confirmed");
    set_field(&mut form, "end", "09:00");

    // The status was changed on both sides, so the form comes back with both values and a
    // choice, everything typed kept, and nothing is written yet.
    let (status, _, html) = ui.send(post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", excerpt(&html));
    let contest = around(&html, "f-status-contest-0-h");
    assert!(contest.contains("Cancelled"), "the peer's value: {contest}");
    assert!(
        html.contains("name=\"keep.status\" value=\"mine\"")
            && html.contains("name=\"keep.status\" value=\"theirs\""),
        "a choice between the two"
    );
    let shown = form_of(&html, &url);
    assert!(
        shown.contains(&("status".to_owned(), "proposed".to_owned()))
            && shown.contains(&("end".to_owned(), "09:00".to_owned())),
        "the fields still show what the user typed"
    );
    assert!(
        html.contains(&format!("name=\"heads\" value=\"{shown_heads}\"")),
        "the form keeps its heads: the user's other fields still compare with what they saw"
    );
    assert_eq!(
        *ui.snap().meetings[&id],
        *after_peer,
        "nothing written before the user chooses"
    );

    // Saved without choosing: asked again.
    let html = ui.post_invalid(&url, &pairs(&shown)).await;
    assert_field_error(&html, "f-status", None);
    // Keeping the user's value: the model then refuses the end, and the form keeps the choice.
    let mut form = form_of(&html, &url);
    form.push(("keep.status".to_owned(), "mine".to_owned()));
    let html = ui.post_invalid(&url, &pairs(&form)).await;
    assert_field_error(&html, "f-end", Some("value=\"09:00\""));
    // Corrected and saved.
    let mut form = form_of(&html, &url);
    assert!(form.contains(&("keep.status".to_owned(), "mine".to_owned())));
    set_field(&mut form, "end", "11:30");
    ui.post_ok(&url, &pairs(&form)).await;

    let m = ui.snap().meetings[&id].clone();
    assert_eq!(
        m.title, "Caucus strategy, renamed by a peer",
        "the peer's title stays"
    );
    assert_eq!(m.agenda, "The peer's agenda", "the peer's agenda stays");
    assert_eq!(m.status, MeetingStatus::Proposed, "the user kept their own");
    assert_eq!(
        m.languages,
        ["ar", "en", "ru"],
        "fr removed, the peer's ru kept"
    );
    let mut members = vec![i.bea.clone(), i.cem.clone()];
    members.sort();
    assert_eq!(m.members, members, "the peer's new attendee stays");
    assert_eq!(
        m.resources,
        BTreeMap::from([
            ("Catering".to_owned(), ResourceState::Confirmed),
            ("Interpretation".to_owned(), ResourceState::Requested),
            ("Microphones".to_owned(), ResourceState::Confirmed),
        ]),
        "the projector removed, microphones added, the peer's changes kept"
    );

    // Both change the title again; this time the user keeps the peer's, and their other
    // change (the kind) is still saved.
    let mut form = form_of(&ui.page(&url).await, &url);
    ui.doc
        .edit(Edit::Update {
            id: id.clone(),
            fields: Fields::Meeting(MeetingFields {
                title: Some("The peer's second title".to_owned()),
                ..MeetingFields::default()
            }),
        })
        .await
        .unwrap();
    set_field(&mut form, "title", "The user's title");
    set_field(&mut form, "kind", "briefing");
    let (status, _, html) = ui.send(post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", excerpt(&html));
    let contest = around(&html, "f-title-contest-0-h");
    assert!(contest.contains("second title"), "{contest}");
    let mut form = form_of(&html, &url);
    form.push(("keep.title".to_owned(), "theirs".to_owned()));
    ui.post_ok(&url, &pairs(&form)).await;
    let m = ui.snap().meetings[&id].clone();
    assert_eq!(m.title, "The peer's second title");
    assert_eq!(m.kind, MeetingKind::Briefing);

    // "Keep mine" holds for the value the user was shown: when the peer changes the title
    // again before the user answers, the form asks again with the newer value.
    let rename = |title: &str| Edit::Update {
        id: id.clone(),
        fields: Fields::Meeting(MeetingFields {
            title: Some(title.to_owned()),
            ..MeetingFields::default()
        }),
    };
    let mut form = form_of(&ui.page(&url).await, &url);
    ui.doc.edit(rename("Peer, third")).await.unwrap();
    set_field(&mut form, "title", "Mine, third");
    let (status, _, html) = ui.send(post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", excerpt(&html));
    ui.doc.edit(rename("Peer, fourth")).await.unwrap();
    let mut form = form_of(&html, &url);
    form.push(("keep.title".to_owned(), "mine".to_owned()));
    let (status, _, html) = ui.send(post(&url, &pairs(&form))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{}", excerpt(&html));
    let contest = around(&html, "f-title-contest-0-h");
    assert!(contest.contains("Peer, fourth"), "{contest}");
    assert_eq!(ui.snap().meetings[&id].title, "Peer, fourth");
    let mut form = form_of(&html, &url);
    form.push(("keep.title".to_owned(), "mine".to_owned()));
    ui.post_ok(&url, &pairs(&form)).await;
    assert_eq!(ui.snap().meetings[&id].title, "Mine, third");
    let start = m.start.clone();

    // Saving an untouched form writes nothing at all, whatever changed since it was shown.
    let form = form_of(&ui.page(&url).await, &url);
    ui.doc
        .edit(Edit::Update {
            id: id.clone(),
            fields: Fields::Meeting(MeetingFields {
                start: Some(format!("{}T09:45", ui.today)),
                ..MeetingFields::default()
            }),
        })
        .await
        .unwrap();
    let before = ui.snap().meetings[&id].clone();
    assert_ne!(before.start, start);
    ui.post_ok(&url, &pairs(&form)).await;
    let after = ui.snap().meetings[&id].clone();
    assert_eq!(
        (&after.start, &after.end, &after.title, &after.resources),
        (&before.start, &before.end, &before.title, &before.resources),
        "the peer's new start stays and nothing else moves"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn member_group_room_note_and_body_forms_leave_a_peers_changes_alone() {
    let ui = ui().await;
    let i = &ui.ids;
    let peer = |e: Edit| {
        let doc = ui.doc.clone();
        async move { doc.edit(e).await.expect("the peer's edit") }
    };

    // Member: the peer changes the e-mail and adds Spanish; the user changes the phone and
    // unticks French.
    let url = format!("/roster/members/{}", i.bea);
    let mut form = form_of(&ui.page(&url).await, &url);
    peer(Edit::Update {
        id: i.bea.clone(),
        fields: Fields::Member(MemberFields {
            email: Some("bea@peer.example".to_owned()),
            languages: Some(vec!["en".into(), "fr".into(), "es".into()]),
            ..MemberFields::default()
        }),
    })
    .await;
    set_field(&mut form, "phone", "+41 22 000 00 00");
    form.retain(|(k, v)| !(k == "languages" && v == "fr"));
    ui.post_ok(&url, &pairs(&form)).await;
    let m = ui.snap().members[&i.bea].clone();
    assert_eq!(m.email, "bea@peer.example");
    assert_eq!(m.phone, "+41 22 000 00 00");
    assert_eq!(m.languages, ["en", "es"]);

    // Group: the peer adds a focal point and marks the group inactive; the user renames it.
    let url = format!("/roster/groups/{}", i.caucus);
    let mut form = form_of(&ui.page(&url).await, &url);
    peer(Edit::Update {
        id: i.caucus.clone(),
        fields: Fields::Group(GroupFields {
            focal_points: Some(vec![i.cem.clone(), i.bea.clone()]),
            status: Some(GroupStatus::Inactive),
            ..GroupFields::default()
        }),
    })
    .await;
    set_field(&mut form, "name", "Gender and Youth Caucus");
    ui.post_ok(&url, &pairs(&form)).await;
    let g = ui.snap().groups[&i.caucus].clone();
    assert_eq!(g.name, "Gender and Youth Caucus");
    assert_eq!(g.status, GroupStatus::Inactive);
    assert_eq!(g.focal_points.len(), 2, "{:?}", g.focal_points);

    // Room: the peer renames it and adds a booth; the user changes the seats and equipment.
    let url = format!("/schedule/rooms/{}", i.room_c);
    let mut form = form_of(&ui.page(&url).await, &url);
    peer(Edit::Update {
        id: i.room_c.clone(),
        fields: Fields::Room(RoomFields {
            name: Some("Room C (Level 2)".to_owned()),
            booths: Some(vec!["en".into(), "fr".into(), "ar".into()]),
            equipment: Some(vec!["projector".into(), "webcast".into()]),
            ..RoomFields::default()
        }),
    })
    .await;
    set_field(&mut form, "capacity", "80");
    set_field(&mut form, "equipment", "projector, microphones");
    ui.post_ok(&url, &pairs(&form)).await;
    let r = ui.snap().rooms[&i.room_c].clone();
    assert_eq!(r.name, "Room C (Level 2)");
    assert_eq!(r.capacity, 80);
    assert_eq!(r.booths, ["ar", "en", "fr"]);
    assert_eq!(r.equipment, ["microphones", "projector", "webcast"]);

    // Note: the peer rewrites the text and marks the plenary consulted; the user changes the
    // title. The form carries its heads, not a second copy of the text.
    let url = format!("/liaison/notes/{}", i.note);
    let html = ui.page(&url).await;
    assert_eq!(
        html.matches("Line one").count(),
        1,
        "the note's text is carried once"
    );
    let mut form = form_of(&html, &url);
    peer(Edit::Update {
        id: i.note.clone(),
        fields: Fields::Note(NoteFields {
            text: Some("Rewritten by a peer".to_owned()),
            plenary_consulted: Some(true),
            ..NoteFields::default()
        }),
    })
    .await;
    set_field(&mut form, "title", "Badges for all observers");
    ui.post_ok(&url, &pairs(&form)).await;
    let n = ui.snap().notes[&i.note].clone();
    assert_eq!(n.title, "Badges for all observers");
    assert_eq!(n.text, "Rewritten by a peer");
    assert!(n.plenary_consulted);
    // The user's own change of the text is written.
    let mut form = form_of(&ui.page(&url).await, &url);
    set_field(&mut form, "text", "The user's text\r\nin two lines");
    ui.post_ok(&url, &pairs(&form)).await;
    assert_eq!(
        ui.snap().notes[&i.note].text,
        "The user's text\nin two lines"
    );

    // Body: the peer changes the description; the user renames it.
    let url = "/liaison/bodies/es";
    let mut form = form_of(&ui.page(url).await, url);
    peer(Edit::Update {
        id: "es".to_owned(),
        fields: Fields::Body(BodyFields {
            description: Some("Described by a peer".to_owned()),
            ..BodyFields::default()
        }),
    })
    .await;
    set_field(&mut form, "name", "The Secretariat");
    ui.post_ok(url, &pairs(&form)).await;
    let b = ui.snap().bodies["es"].clone();
    assert_eq!(
        (b.name.as_str(), b.description.as_str()),
        ("The Secretariat", "Described by a peer")
    );

    // Review: the peer decides for one group; the user for the other and writes notes.
    let url = format!("/roster/reviews/{}", i.open_review);
    let mut form = form_of(&ui.page(&url).await, &url);
    peer(Edit::Update {
        id: i.open_review.clone(),
        fields: Fields::Review(ReviewFields {
            decisions: Some(BTreeMap::from([(i.caucus.clone(), Decision::Remove)])),
            notes: Some("The peer's notes".to_owned()),
            ..ReviewFields::default()
        }),
    })
    .await;
    form.push((format!("d-{}", i.health), "inactive".to_owned()));
    form.push(("action".to_owned(), "save".to_owned()));
    ui.post_ok(&url, &pairs(&form)).await;
    let r = ui.snap().reviews[&i.open_review].clone();
    assert_eq!(r.decisions.get(&i.caucus), Some(&Decision::Remove));
    assert_eq!(r.decisions.get(&i.health), Some(&Decision::Inactive));
    assert_eq!(r.notes, "The peer's notes");
}

#[tokio::test(flavor = "multi_thread")]
async fn meeting_resources_are_added_changed_and_removed_in_the_form() {
    let ui = ui().await;
    let day = ui.today.to_string();
    let base = [
        ("title", "Side event"),
        ("kind", "other"),
        ("status", "proposed"),
        ("date", day.as_str()),
        ("start", "15:00"),
        ("end", "16:00"),
        ("res-new", "Microphones"),
        ("res-new-state", "requested"),
    ];
    let loc = ui.post_ok("/schedule/meetings", &base).await;
    let url = loc.trim_end_matches("?done=created").to_owned();
    let id = url.trim_start_matches("/schedule/meetings/").to_owned();
    assert_eq!(
        ui.snap().meetings[&id].resources,
        BTreeMap::from([("Microphones".to_owned(), ResourceState::Requested)])
    );
    let html = ui.page(&url).await;
    let resources = around(&html, "f-resources");
    assert!(resources.contains("Microphones"), "{resources}");
    assert!(around(&html, "meeting-summary").contains("Microphones (Requested)"));
    assert_clean_page(&url, &html, Lang::En);

    // Confirm the microphones and add catering.
    let mut form = form_of(&html, &url);
    set_field(&mut form, "res-0-state", "confirmed");
    set_field(&mut form, "res-new", "Catering");
    ui.post_ok(&url, &pairs(&form)).await;
    assert_eq!(
        ui.snap().meetings[&id].resources,
        BTreeMap::from([
            ("Catering".to_owned(), ResourceState::Requested),
            ("Microphones".to_owned(), ResourceState::Confirmed),
        ])
    );
    // Remove the microphones.
    let html = ui.page(&url).await;
    let mut form = form_of(&html, &url);
    let mic = form
        .iter()
        .find(|(k, v)| k.starts_with("res-") && v == "Microphones")
        .map(|(k, _)| k.clone())
        .unwrap();
    form.push((format!("{mic}-remove"), "on".to_owned()));
    ui.post_ok(&url, &pairs(&form)).await;
    assert_eq!(
        ui.snap().meetings[&id].resources,
        BTreeMap::from([("Catering".to_owned(), ResourceState::Requested)])
    );
    // A resource name too long is refused beside the field, and what was typed is kept.
    let long = "x".repeat(600);
    let mut form = form_of(&ui.page(&url).await, &url);
    set_field(&mut form, "res-new", &long);
    let html = ui.post_invalid(&url, &pairs(&form)).await;
    assert_field_error(&html, "f-res-new", Some(&long));
    // The list view names them.
    let list = ui.page(&format!("/schedule?day={day}&view=list")).await;
    assert!(around(&list, &format!("m-{id}")).contains("Catering (Requested)"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_address_is_a_page_in_the_readers_language() {
    let ui = ui().await;
    for lang in Lang::ALL {
        let (status, headers, html) = ui.send(get_in("/no/such/page", lang)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{lang:?}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert_clean_page("/no/such/page", &html, lang);
        assert!(html.contains("<nav id=\"nav\""), "with the navigation");
        assert!(html.contains("href=\"/\""), "a way back");
        assert!(
            html.contains(&format!("<h1>{}</h1>", Tr(lang).t("not-found-title"))),
            "{lang:?}: {}",
            excerpt(&html)
        );
    }
    // Not a page of the API: its JSON 404.
    let (status, headers, body) = ui.send(get("/api/no-such-thing/really/not")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{body}"
    );
    // Without the session, the login page, as for every page.
    let req = Request::builder()
        .uri("/no/such/page")
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    let (status, _, html) = ui.send(req).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(html.contains("bureau status"));
}

#[tokio::test(flavor = "multi_thread")]
async fn timetable_meetings_span_their_duration_and_overlaps_stand_side_by_side() {
    let ui = ui().await;
    let i = &ui.ids;
    let html = ui.page(&format!("/schedule?day={}", ui.today)).await;
    let table = &html[html.find("<table class=\"timetable\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    let row = |hour: &str| {
        table
            .find(&format!(">{hour}</th>"))
            .unwrap_or_else(|| panic!("no row for {hour}"))
    };
    let cell = |id: &str| {
        let link = table
            .find(&format!("href=\"/schedule/meetings/{id}\""))
            .unwrap_or_else(|| panic!("no cell for {id}"));
        let td = table[..link].rfind("<td").unwrap();
        (td, &table[td..link])
    };
    // 10:00–11:30 covers the 10:00 and 11:00 rows: six quarter hours from 10:00.
    let (at, td) = cell(&i.first);
    assert!(td.contains("rowspan=\"6\""), "{td}");
    assert!(
        row("10:00") < at && at < row("11:00"),
        "starts in the 10:00 row"
    );
    assert!(td.contains("flagged"), "its findings are marked: {td}");
    // 11:00–12:30 overlaps it in Room C: beside it, spanning from 11:00.
    let (at, td) = cell(&i.second);
    assert!(td.contains("rowspan=\"6\""), "{td}");
    assert!(row("11:00") < at && at < row("12:00"));
    assert!(
        table.contains(&format!(
            "colspan=\"2\" dir=\"auto\"><a href=\"/schedule/rooms/{}\"",
            i.room_c
        )),
        "Room C has two lanes"
    );
    // No style attribute: positions are table structure, not inline styles.
    assert!(!table.contains("style="));
}

// ---- long lists a page at a time ---------------------------------------------------------

/// The markup from the element with `id` up to `end` (the first after it).
#[track_caller]
fn part<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}: {}", excerpt(html)));
    let len = html[at..]
        .find(end)
        .unwrap_or_else(|| panic!("#{id} has no {end}"));
    &html[at..at + len]
}

/// The page navigation in some markup, which must have one.
#[track_caller]
fn pager_of(html: &str) -> &str {
    let at = html
        .find("<nav class=\"pager\"")
        .unwrap_or_else(|| panic!("no page navigation: {}", excerpt(html)));
    let len = html[at..].find("</nav>").expect("the navigation ends");
    &html[at..at + len]
}

/// The names linked from `part` to records at `prefix`, in order.
fn linked_names(part: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    let needle = format!("href=\"{prefix}");
    let mut rest = part;
    while let Some(at) = rest.find(&needle) {
        rest = &rest[at..];
        let text = &rest[rest.find('>').expect("tag ends") + 1..];
        out.push(text[..text.find('<').expect("text ends")].to_owned());
        rest = &rest[needle.len()..];
    }
    out
}

/// `n` more members named `Paged 000`, `Paged 001`, … (after the sample's three by name).
async fn add_members(ui: &Ui, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        let member = Edit::Create(Fields::Member(MemberFields {
            name: Some(format!("Paged {i:03}")),
            ..MemberFields::default()
        }));
        ids.push(edit(&ui.doc, member).await);
    }
    ids
}

#[tokio::test(flavor = "multi_thread")]
async fn the_roster_shows_fifty_members_a_page_with_links_that_keep_the_filters() {
    let ui = ui().await;
    let added = add_members(&ui, 120).await;
    // 123 members: the sample's Ada, Bea and Cem come first by name.
    let members =
        |html: &str| linked_names(part(html, "members", "</section>"), "/roster/members/");

    let first = ui.page("/roster").await;
    let section = part(&first, "members", "</section>");
    assert!(
        section.contains("Members <span class=\"count\">123</span>"),
        "the count is the whole list's: {}",
        excerpt(section)
    );
    let names = members(&first);
    assert_eq!(names.len(), 50, "{names:?}");
    assert_eq!(
        names[..4],
        ["Ada Founder", "Bea Delegate", "Cem Focal", "Paged 000"]
    );
    let nav = pager_of(section);
    assert!(nav.contains("aria-label=\"Members: pages\""), "{nav}");
    assert!(nav.contains("Page 1 of 3, 1 to 50 of 123"), "{nav}");
    assert!(
        nav.contains("<a href=\"/roster\" aria-label=\"Page 1\" aria-current=\"page\">1</a>"),
        "{nav}"
    );
    assert!(
        nav.contains("<a href=\"/roster?members_page=3\" aria-label=\"Page 3\">3</a>"),
        "{nav}"
    );
    assert!(
        nav.contains("rel=\"next\" href=\"/roster?members_page=2\""),
        "{nav}"
    );
    assert!(
        !nav.contains("rel=\"prev\""),
        "no page before the first: {nav}"
    );

    // Every member on exactly one page, in the order of the names.
    let mut all = names;
    for page in [2, 3] {
        let html = ui.page(&format!("/roster?members_page={page}")).await;
        let nav = pager_of(part(&html, "members", "</section>"));
        assert!(
            nav.contains(&format!("aria-label=\"Page {page}\" aria-current=\"page\"")),
            "{nav}"
        );
        let prev = if page == 2 {
            "/roster".to_owned()
        } else {
            format!("/roster?members_page={}", page - 1)
        };
        assert!(
            nav.contains(&format!("rel=\"prev\" href=\"{prev}\"")),
            "{nav}"
        );
        all.extend(members(&html));
    }
    assert_eq!(all.len(), 123);
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(all, sorted, "each once, by name");
    let last = ui.page("/roster?members_page=3").await;
    assert_eq!(members(&last).len(), 23);
    assert!(
        !pager_of(part(&last, "members", "</section>")).contains("rel=\"next\""),
        "no page after the last"
    );
    // The count stays the total on every page.
    assert!(last.contains("Members <span class=\"count\">123</span>"));
    // The live region keeps its id, so the live script (which refetches this URL) swaps in
    // page 3 again.
    assert!(
        last.contains("<section id=\"members\" data-live"),
        "{}",
        excerpt(&last)
    );

    // A page past the end is the last; zero, a sign or a word is the first.
    for (uri, page) in [
        ("/roster?members_page=4", 3),
        ("/roster?members_page=99999999999999999999999", 3),
        ("/roster?members_page=0", 1),
        ("/roster?members_page=-2", 1),
        ("/roster?members_page=two", 1),
        ("/roster?members_page=", 1),
        ("/roster?members_page=%3Cscript%3E", 1),
    ] {
        let html = ui.page(uri).await;
        let section = part(&html, "members", "</section>");
        assert!(
            pager_of(section)
                .contains(&format!("aria-label=\"Page {page}\" aria-current=\"page\"")),
            "{uri}: {}",
            pager_of(section)
        );
        assert_eq!(
            members(&html).len(),
            if page == 3 { 23 } else { 50 },
            "{uri}"
        );
        assert!(!html.contains("<script>"), "{uri}");
    }

    // The filter (archived records shown) and the other list's page are kept; the notice of
    // the last write is not repeated.
    ui.post_ok(&format!("/records/member/{}/archive", added[0]), &[])
        .await;
    let archived = ui.page("/roster").await;
    assert!(archived.contains("Members <span class=\"count\">122</span>"));
    assert!(!members(&archived).contains(&"Paged 000".to_owned()));
    let html = ui
        .page("/roster?archived=1&groups_page=1&members_page=2&done=saved")
        .await;
    let nav = pager_of(part(&html, "members", "</section>"));
    assert!(nav.contains("Page 2 of 3, 51 to 100 of 123"), "{nav}");
    assert!(
        nav.contains(
            "rel=\"next\" href=\"/roster?archived=1&amp;groups_page=1&amp;members_page=3\""
        ),
        "{nav}"
    );
    assert!(
        nav.contains("rel=\"prev\" href=\"/roster?archived=1&amp;groups_page=1\""),
        "{nav}"
    );
    assert!(!nav.contains("done="), "{nav}");
    let names = members(&html);
    assert_eq!(names.len(), 50);
    assert_eq!(
        names[0], "Paged 047",
        "the archived member counts on page 1"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn groups_notes_and_a_days_meetings_are_paged_too_in_every_language() {
    let ui = ui().await;
    for i in 0..55 {
        edit(
            &ui.doc,
            Edit::Create(Fields::Group(GroupFields {
                name: Some(format!("Paged group {i:02}")),
                kind: Some(GroupKind::WorkingGroup),
                status: None,
                focal_points: Some(vec![]),
            })),
        )
        .await;
        edit(
            &ui.doc,
            Edit::Create(Fields::Note(NoteFields {
                body_id: Some("es".to_owned()),
                title: Some(format!("Paged note {i:02}")),
                date: Some(ui.today.to_string()),
                ..NoteFields::default()
            })),
        )
        .await;
        edit(
            &ui.doc,
            Edit::Create(Fields::Meeting(MeetingFields {
                title: Some(format!("Paged meeting {i:02}")),
                start: Some(format!("{}T{:02}:{:02}", ui.today, 13 + i / 10, i % 10)),
                end: Some(format!("{}T{:02}:30", ui.today, 13 + i / 10)),
                status: Some(MeetingStatus::Confirmed),
                ..MeetingFields::default()
            })),
        )
        .await;
    }
    // 63 members: two pages.
    add_members(&ui, 60).await;

    // Groups: 57, kind by kind; the other list's page is kept.
    let groups = |html: &str| linked_names(part(html, "groups", "</section>"), "/roster/groups/");
    let first = ui.page("/roster?members_page=2").await;
    assert_eq!(groups(&first).len(), 50);
    let section = part(&first, "groups", "</section>");
    let nav = pager_of(section);
    assert!(nav.contains("aria-label=\"Groups: pages\""), "{nav}");
    assert!(
        nav.contains("rel=\"next\" href=\"/roster?members_page=2&amp;groups_page=2\""),
        "{nav}"
    );
    let second = ui.page("/roster?members_page=2&groups_page=2").await;
    let names = groups(&second);
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(names.contains(&"Paged group 54".to_owned()), "{names:?}");
    // The heading of a kind counts all its groups, on every page.
    assert!(
        part(&second, "groups", "</section>")
            .contains("Working groups <span class=\"count\">56</span>"),
        "{}",
        part(&second, "groups", "</section>")
    );
    // The members' page did not move.
    assert!(
        pager_of(part(&second, "members", "</section>"))
            .contains("aria-label=\"Page 2\" aria-current=\"page\"")
    );

    // Notes of one body: 56, the body filter kept in the links.
    let notes = |html: &str| linked_names(part(html, "notes", "</main>"), "/liaison/notes/");
    let html = ui.page("/liaison?body=es").await;
    assert_eq!(notes(&html).len(), 50);
    let nav = pager_of(part(&html, "notes", "</main>"));
    assert!(
        nav.contains("rel=\"next\" href=\"/liaison?body=es&amp;page=2\""),
        "{nav}"
    );
    let html = ui.page("/liaison?body=es&page=2").await;
    assert_eq!(notes(&html).len(), 6);
    assert!(html.contains("<div id=\"notes\" data-live"));

    // A day's meetings in the list view: the day and the view kept.
    let day = ui.today;
    // Each meeting is an article (its findings link to it again).
    let meetings = |html: &str| {
        part(html, "day-list", "id=\"rooms\"")
            .matches("<article class=\"meeting\"")
            .count()
    };
    let html = ui.page(&format!("/schedule?day={day}&view=list")).await;
    let total = ui
        .snap()
        .meetings
        .values()
        .filter(|m| m.start.starts_with(&day.to_string()))
        .count();
    assert!(total > 55, "{total}");
    assert_eq!(meetings(&html), 50);
    let nav = pager_of(part(&html, "day-list", "id=\"rooms\""));
    assert!(
        nav.contains(&format!(
            "rel=\"next\" href=\"/schedule?day={day}&amp;view=list&amp;page=2\""
        )),
        "{nav}"
    );
    let html = ui
        .page(&format!("/schedule?day={day}&view=list&page=2"))
        .await;
    assert_eq!(meetings(&html), total - 50);

    // In French and Arabic, from the catalogues.
    for (lang, label, previous, status) in [
        (
            Lang::Fr,
            "Membres : pages",
            "Page précédente",
            "Page 2 sur 2, 51 à 63 sur 63",
        ),
        (
            Lang::Ar,
            "صفحات الأعضاء",
            "الصفحة السابقة",
            "الصفحة 2 من 2، من 51 إلى 63 من أصل 63",
        ),
    ] {
        let (code, _, html) = ui.send(get_in("/roster?members_page=2", lang)).await;
        assert_eq!(code, StatusCode::OK);
        let nav = pager_of(part(&html, "members", "</section>"));
        assert!(nav.contains(label), "{lang:?}: {nav}");
        assert!(nav.contains(previous), "{lang:?}: {nav}");
        assert!(nav.contains(status), "{lang:?}: {nav}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn conflicts_and_devices_are_paged() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, _ta) = open(&tmp.path().join("a"), 'A').await;
    let (b, _tb) = open(&tmp.path().join("b"), 'B').await;
    init(&a).await;
    let bea = add_bea_with_laptop(&a).await;
    // 60 more devices: 62 with Ada's and Bea's laptops.
    for i in 0..60 {
        a.edit(Edit::AddDevice {
            peer_id: format!("12D3KooWpaged{i:040}"),
            member_id: bea.clone(),
            name: format!("Paged laptop {i:02}"),
            role: Role::Observer,
        })
        .await
        .unwrap();
    }
    // 55 rooms renamed on both laptops at once: 55 conflicts.
    let mut rooms = Vec::new();
    for i in 0..55 {
        let room = Edit::Create(Fields::Room(RoomFields {
            name: Some(format!("Room {i:02}")),
            ..RoomFields::default()
        }));
        rooms.push(edit(&a, room).await);
    }
    let (pa, pb) = (peer('A'), peer('B'));
    sync_directly((&a, &pa), (&b, &pb)).await;
    let rename = |id: &str, name: String| Edit::Update {
        id: id.to_owned(),
        fields: Fields::Room(RoomFields {
            name: Some(name),
            ..RoomFields::default()
        }),
    };
    for (i, id) in rooms.iter().enumerate() {
        a.edit(rename(id, format!("Ada's room {i:02}")))
            .await
            .unwrap();
        b.edit(rename(id, format!("Bea's room {i:02}")))
            .await
            .unwrap();
    }
    sync_directly((&a, &pa), (&b, &pb)).await;
    assert_eq!(a.state().conflicts.len(), 55);

    let cancel = CancellationToken::new();
    let app = app_over(&a, &cancel);
    let page = |uri: String| {
        let app = app.clone();
        async move {
            let (status, _, html) = send_to(&app, get(&uri)).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            html
        }
    };
    let cards = |html: &str| {
        part(html, "conflict-list", "</main>")
            .matches("<section class=\"card conflict\"")
            .count()
    };
    let first = page("/conflicts".to_owned()).await;
    assert_eq!(cards(&first), 50);
    let nav = pager_of(part(&first, "conflict-list", "</main>"));
    assert!(nav.contains("aria-label=\"Conflicts: pages\""), "{nav}");
    assert!(
        nav.contains("rel=\"next\" href=\"/conflicts?page=2\""),
        "{nav}"
    );
    let second = page("/conflicts?page=2&done=resolved".to_owned()).await;
    assert_eq!(cards(&second), 5);
    // Cards are numbered through the whole list: page 2 starts at the 51st, so a form's ids
    // name one conflict whatever the page.
    assert!(second.contains("id=\"c50-legend\""), "{}", excerpt(&second));
    assert!(!second.contains("id=\"c0-legend\""));
    let nav = pager_of(part(&second, "conflict-list", "</main>"));
    assert!(nav.contains("rel=\"prev\" href=\"/conflicts\""), "{nav}");
    assert!(!nav.contains("done="), "{nav}");
    assert!(nav.contains("Page 2 of 2, 51 to 55 of 55"), "{nav}");

    let devices = |html: &str| {
        part(html, "devices", "</section>")
            .matches("<tr><th scope=\"row\"")
            .count()
    };
    let html = page("/peers".to_owned()).await;
    let section = part(&html, "devices", "</section>");
    assert!(
        section.contains("<span class=\"count\">62</span>"),
        "{section}"
    );
    assert_eq!(devices(&html), 50);
    assert!(
        pager_of(section).contains("rel=\"next\" href=\"/peers?devices_page=2\""),
        "{}",
        pager_of(section)
    );
    let html = page("/peers?devices_page=9".to_owned()).await;
    assert_eq!(devices(&html), 12, "past the end: the last page");
}

mod catalogues;
mod documents;
mod finding;
mod interpretation;
mod merge;
mod programme;
mod spreadsheets;
