//! Router tests of the calendar feeds: every feed read back by an independent iCalendar parser
//! (the `ical` crate) with its events and their fields; `SEQUENCE` growing when a meeting
//! moves; an archived meeting cancelled; a wrong, rotated or misplaced key getting nothing.
//! Most tests pass the secret in; the last ones turn the feeds on through the API and the
//! settings page, as an admin does, and read the addresses the listing and the pages give.

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;

use ical::parser::ical::component::{IcalCalendar, IcalEvent};

use super::*;
use crate::feeds::{Feed, feed_url};

const SECRET: &str = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2";
const ROTATED: &str = "0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e0d1e";

fn secret(_: &bureau_model::Snapshot) -> Option<String> {
    Some(SECRET.to_owned())
}

fn rotated(_: &bureau_model::Snapshot) -> Option<String> {
    Some(ROTATED.to_owned())
}

/// The application over `f`'s document with the feed secret `feed_secret` gives.
fn with_secret(f: &mut Fixture, feed_secret: crate::feeds::SecretFn) {
    f.app = crate::router_with_feed_secret(
        AppState {
            net: None,
            doc: f.doc.clone(),
            config: Arc::new(WebConfig::loopback(TOKEN.to_owned(), PORT)),
            cancel: f.cancel.clone(),
        },
        feed_secret,
    );
}

/// A feed's path and query under `secret`.
fn url(secret: &str, feed: Feed<'_>) -> String {
    feed_url("", secret, &feed)
}

/// The records the feeds are read over.
struct Bureau {
    room_a: String,
    room_b: String,
    group: String,
    member: String,
    /// In room A; the member attends in person; languages, a long agenda with every
    /// character iCalendar escapes.
    opening: String,
    /// In room B; the group attends (the member is its focal point).
    caucus: String,
    /// In room B; no one named.
    side: String,
}

const AGENDA: &str = "1. Welcome; adoption of the agenda, rules\\procedures\n2. Élection du bureau — \
                      a long line that goes on well past seventy-five octets so that it is folded \
                      at least once, with 中文 and العربية in it";

async fn bureau(f: &Fixture) -> Bureau {
    let id = |v: Value| v["id"].as_str().expect("an id").to_owned();
    let room_a = id(f.create("rooms", json!({"name": "Room A, plenary"})).await);
    let room_b = id(f.create("rooms", json!({"name": "Room B"})).await);
    let member = id(f.create("members", json!({"name": "Amal Haddad"})).await);
    let group = id(f
        .create(
            "groups",
            json!({"name": "Youth caucus", "focal_points": [member]}),
        )
        .await);
    let opening = id(f
        .create(
            "meetings",
            json!({
                "title": "Opening plenary",
                "start": "2025-11-16T09:00",
                "end": "2025-11-16T10:30",
                "room_id": room_a,
                "members": [member],
                "languages": ["en", "fr"],
                "status": "confirmed",
                "agenda": AGENDA,
            }),
        )
        .await);
    let caucus = id(f
        .create(
            "meetings",
            json!({
                "title": "Caucus",
                "start": "2025-11-17T14:00",
                "end": "2025-11-17T15:00",
                "room_id": room_b,
                "groups": [group],
            }),
        )
        .await);
    let side = id(f
        .create(
            "meetings",
            json!({
                "title": "Side event",
                "start": "2026-04-02T08:00",
                "end": "2026-04-02T09:00",
                "room_id": room_b,
            }),
        )
        .await);
    Bureau {
        room_a,
        room_b,
        group,
        member,
        opening,
        caucus,
        side,
    }
}

/// A GET with no token and no session, as a calendar app sends it.
async fn fetch(f: &Fixture, uri: &str) -> (StatusCode, HeaderMap, String) {
    let res = f
        .send(bare(Method::GET, uri).body(Body::empty()).unwrap())
        .await;
    let status = res.status();
    let headers = res.headers().clone();
    let body = String::from_utf8(body_bytes(res).await).expect("UTF-8");
    (status, headers, body)
}

/// A feed read as a calendar app would: the bytes checked for CRLF lines of at most 75
/// octets, then parsed by the `ical` crate into exactly one calendar.
async fn calendar(f: &Fixture, uri: &str) -> IcalCalendar {
    let (status, headers, body) = fetch(f, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    assert!(body.ends_with("\r\n"), "{body}");
    for line in body.trim_end_matches("\r\n").split("\r\n") {
        assert!(!line.contains('\n'), "a bare line feed in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let mut parser = ical::IcalParser::new(BufReader::new(body.as_bytes()));
    let cal = parser
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("{uri} does not parse: {e}\n{body}"));
    assert!(parser.next().is_none(), "one calendar only");
    cal
}

/// A property's value, unescaped as RFC 5545 TEXT (the parser gives values as written).
fn prop(e: &IcalEvent, name: &str) -> Option<String> {
    let raw = e
        .properties
        .iter()
        .find(|p| p.name == name)?
        .value
        .clone()?;
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// A property's parameter value.
fn param(e: &IcalEvent, name: &str, param: &str) -> Option<String> {
    let p = e.properties.iter().find(|p| p.name == name)?;
    let (_, values) = p.params.as_ref()?.iter().find(|(k, _)| k == param)?;
    values.first().cloned()
}

/// The events by meeting id (the UID's part before `@`).
fn events(cal: &IcalCalendar) -> BTreeMap<String, &IcalEvent> {
    cal.events
        .iter()
        .map(|e| {
            let uid = prop(e, "UID").expect("every event has a UID");
            let (id, bureau) = uid.split_once('@').expect("id@bureau");
            assert_eq!(bureau, format!("{}.bureau", testing::BUREAU_ID));
            (id.to_owned(), e)
        })
        .collect()
}

fn ids(list: &[&String]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).clone()).collect()
}

fn sequence(e: &IcalEvent) -> u64 {
    prop(e, "SEQUENCE")
        .expect("a SEQUENCE")
        .parse()
        .expect("a number")
}

#[tokio::test(flavor = "multi_thread")]
async fn each_feed_parses_and_holds_its_meetings_with_their_fields() {
    let mut f = fixture().await;
    with_secret(&mut f, secret);
    let b = bureau(&f).await;

    let programme = calendar(&f, &url(SECRET, Feed::Programme)).await;
    let all = events(&programme);
    assert_eq!(
        all.keys().cloned().collect::<BTreeSet<_>>(),
        ids(&[&b.opening, &b.caucus, &b.side])
    );
    let cal_name = programme
        .properties
        .iter()
        .find(|p| p.name == "X-WR-CALNAME")
        .and_then(|p| p.value.clone());
    assert_eq!(cal_name.as_deref(), Some("Web test bureau"));

    // The venue's zone, with its offsets over the feed's span: winter time in November,
    // summer time by April.
    assert_eq!(programme.timezones.len(), 1);
    let tz = &programme.timezones[0];
    let tzid = tz.properties.iter().find(|p| p.name == "TZID");
    assert_eq!(
        tzid.and_then(|p| p.value.as_deref()),
        Some(testing::TIMEZONE)
    );
    let kinds: Vec<String> = tz
        .transitions
        .iter()
        .map(|t| format!("{:?}", t.transition))
        .collect();
    assert!(kinds.iter().any(|k| k == "STANDARD"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "DAYLIGHT"), "{kinds:?}");

    let opening = all[&b.opening];
    assert_eq!(prop(opening, "SUMMARY").as_deref(), Some("Opening plenary"));
    assert_eq!(
        prop(opening, "DTSTART").as_deref(),
        Some("20251116T090000"),
        "the venue's local time"
    );
    assert_eq!(
        param(opening, "DTSTART", "TZID").as_deref(),
        Some(testing::TIMEZONE)
    );
    assert_eq!(prop(opening, "DTEND").as_deref(), Some("20251116T103000"));
    assert_eq!(
        prop(opening, "LOCATION").as_deref(),
        Some("Room A, plenary")
    );
    assert_eq!(prop(opening, "STATUS").as_deref(), Some("CONFIRMED"));
    assert_eq!(sequence(opening), 0, "a meeting never changed since made");
    let description = prop(opening, "DESCRIPTION").expect("a description");
    assert!(
        description.contains("Languages: English, French"),
        "{description}"
    );
    assert!(
        description.contains(&format!("Agenda:\n{AGENDA}")),
        "{description}"
    );
    assert!(prop(opening, "DTSTAMP").is_some_and(|s| s.ends_with('Z')));
    assert_eq!(prop(all[&b.caucus], "STATUS").as_deref(), Some("TENTATIVE"));
    assert_eq!(
        prop(all[&b.side], "DTSTART").as_deref(),
        Some("20260402T080000")
    );

    let feed_ids = |cal: &IcalCalendar| events(cal).keys().cloned().collect::<BTreeSet<_>>();
    let room_a = calendar(&f, &url(SECRET, Feed::Room(&b.room_a))).await;
    assert_eq!(feed_ids(&room_a), ids(&[&b.opening]));
    let room_b = calendar(&f, &url(SECRET, Feed::Room(&b.room_b))).await;
    assert_eq!(feed_ids(&room_b), ids(&[&b.caucus, &b.side]));
    let group = calendar(&f, &url(SECRET, Feed::Group(&b.group))).await;
    assert_eq!(feed_ids(&group), ids(&[&b.caucus]));
    // In person, and through the group the member is a focal point of.
    let member = calendar(&f, &url(SECRET, Feed::Member(&b.member))).await;
    assert_eq!(feed_ids(&member), ids(&[&b.opening, &b.caucus]));
    let founder = calendar(&f, &url(SECRET, Feed::Member(FOUNDER))).await;
    assert!(founder.events.is_empty());

    // Labels in the language asked for.
    let french = calendar(
        &f,
        &format!("{}&lang=fr", url(SECRET, Feed::Room(&b.room_a))),
    )
    .await;
    let d = prop(&french.events[0], "DESCRIPTION").expect("a description");
    assert!(d.contains("anglais"), "{d}");
    // A list in Arabic takes the Arabic comma.
    let arabic = calendar(
        &f,
        &format!("{}&lang=ar", url(SECRET, Feed::Room(&b.room_a))),
    )
    .await;
    let d = prop(&arabic.events[0], "DESCRIPTION").expect("a description");
    assert!(d.contains("، "), "{d}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_moved_meeting_grows_its_sequence_and_an_archived_one_is_cancelled() {
    let mut f = fixture().await;
    with_secret(&mut f, secret);
    let b = bureau(&f).await;
    let group_url = url(SECRET, Feed::Group(&b.group));
    let url = url(SECRET, Feed::Room(&b.room_b));
    let before = calendar(&f, &url).await;
    let seq0 = sequence(events(&before)[&b.caucus]);

    let (status, _, v) = f
        .call(
            Method::PATCH,
            &format!("/api/meetings/{}", b.caucus),
            Some(json!({"start": "2025-11-17T16:00", "end": "2025-11-17T17:00"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let moved = calendar(&f, &url).await;
    let e = events(&moved)[&b.caucus];
    assert_eq!(prop(e, "DTSTART").as_deref(), Some("20251117T160000"));
    let seq1 = sequence(e);
    assert!(seq1 > seq0, "{seq1} after {seq0}");
    assert_eq!(
        sequence(events(&moved)[&b.side]),
        sequence(events(&before)[&b.side]),
        "an untouched meeting keeps its number"
    );

    let (status, _, v) = f
        .call(Method::DELETE, &format!("/api/meetings/{}", b.caucus), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let archived = calendar(&f, &url).await;
    let e = events(&archived)[&b.caucus];
    assert_eq!(prop(e, "STATUS").as_deref(), Some("CANCELLED"));
    assert!(sequence(e) > seq1);
    // Still in every feed that held it, so that calendars take it off.
    let group = calendar(&f, &group_url).await;
    assert_eq!(
        prop(events(&group)[&b.caucus], "STATUS").as_deref(),
        Some("CANCELLED")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_revoked_and_misplaced_keys_get_nothing() {
    let mut f = fixture().await;
    let b = bureau(&f).await;

    // No secret yet (the node's own router until the settings hold one): nothing opens,
    // whatever the key.
    let room_a = url(SECRET, Feed::Room(&b.room_a));
    let (status, _, nothing) = fetch(&f, &room_a).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    with_secret(&mut f, secret);
    let key = room_a.split_once("?key=").expect("a key").1.to_owned();
    assert_eq!(fetch(&f, &room_a).await.0, StatusCode::OK);

    // Every refusal is the same bare 404: a wrong key, none, another feed's, an unknown
    // room with that room's own key, any other address under /cal/.
    let refused = [
        format!("/cal/rooms/{}.ics?key={}", b.room_a, "f".repeat(64)),
        format!("/cal/rooms/{}.ics", b.room_a),
        format!("/cal/rooms/{}.ics?key=", b.room_a),
        format!("/cal/rooms/{}.ics?key={}", b.room_b, key),
        format!("/cal/programme.ics?key={key}"),
        format!("/cal/groups/{}.ics?key={key}", b.group),
        format!("/cal/members/{}.ics?key={key}", b.member),
        format!("/cal/rooms/{}?key={key}", b.room_a),
        format!("/cal/other?key={key}"),
        url(SECRET, Feed::Room("no-such-room")),
    ];
    for uri in &refused {
        let (status, _, body) = fetch(&f, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body, nothing, "{uri} says more than any other refusal");
    }

    // The key is no token and no session: the API and the pages stay shut.
    for uri in [
        format!("/api/status?key={key}"),
        format!("/api/meetings?key={key}"),
        format!("/api/rooms/{}?key={key}", b.room_a),
    ] {
        assert_eq!(fetch(&f, &uri).await.0, StatusCode::UNAUTHORIZED, "{uri}");
    }
    for uri in [
        format!("/roster?key={key}"),
        format!("/schedule/rooms/{}?key={key}", b.room_a),
    ] {
        let (status, headers, body) = fetch(&f, &uri).await;
        assert_ne!(status, StatusCode::OK, "{uri}");
        assert!(!headers.contains_key(header::SET_COOKIE), "{uri}");
        assert!(!body.contains("Room A"), "{uri}: {body}");
    }
    // Nor does it make a write.
    let res = f
        .send(
            bare(Method::POST, &format!("/api/rooms?key={key}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"name":"Planted"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(
        f.doc
            .state()
            .snapshot
            .rooms
            .values()
            .all(|r| r.name != "Planted")
    );

    // The Host guard holds for feeds too.
    let res = f
        .send(
            Request::builder()
                .uri(&room_a)
                .header(header::HOST, "evil.example:7878")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A new secret revokes every key given out before it.
    with_secret(&mut f, rotated);
    let (status, _, body) = fetch(&f, &room_a).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, nothing);
    let renewed = url(ROTATED, Feed::Room(&b.room_a));
    assert_ne!(renewed, room_a);
    assert_eq!(fetch(&f, &renewed).await.0, StatusCode::OK);
}

/// A listed address as a path and query the router answers (the base is the request's own).
fn local(url: &Value) -> String {
    let url = url.as_str().expect("an address");
    let rest = url
        .strip_prefix(&format!("http://{HOST}"))
        .unwrap_or_else(|| panic!("{url} is on this node's address"));
    rest.to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_turns_the_feeds_on_and_new_addresses_void_the_old() {
    // The node's own router: the secret comes from the bureau's settings record.
    let f = fixture().await;
    let b = bureau(&f).await;
    let (status, _, _) = fetch(&f, "/cal/programme.ics").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no secret, no feed");
    let (status, v) = f.get("/api/feeds").await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["enabled"], false, "{v}");
    assert_eq!(v["programme"], Value::Null, "{v}");

    let (status, _, v) = f.call(Method::POST, "/api/feeds/rotate", None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["enabled"], true, "{v}");
    assert!(f.doc.state().snapshot.settings.feed_secret.is_some());
    let programme = local(&v["programme"]);
    assert_eq!(events(&calendar(&f, &programme).await).len(), 3);
    assert_eq!(v["rooms"].as_object().unwrap().len(), 2, "{v}");
    let room_b = local(&v["rooms"][&b.room_b]);
    assert_eq!(
        ids(&events(&calendar(&f, &room_b).await)
            .keys()
            .collect::<Vec<_>>()),
        ids(&[&b.caucus, &b.side])
    );
    let member = local(&v["members"][&b.member]);
    assert_eq!(
        ids(&events(&calendar(&f, &member).await)
            .keys()
            .collect::<Vec<_>>()),
        ids(&[&b.opening, &b.caucus])
    );
    // The listing says the same thing on a second read.
    let (_, again) = f.get("/api/feeds").await;
    assert_eq!(local(&again["programme"]), programme);

    // New addresses: every old one is a 404, the new ones open.
    let (status, _, v) = f.call(Method::POST, "/api/feeds/rotate", None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let (_, _, bare_404) = fetch(&f, "/cal/nothing.ics").await;
    for old in [&programme, &room_b, &member] {
        let (status, _, body) = fetch(&f, old).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{old}");
        assert_eq!(body, bare_404, "the same bare 404 as for no feed at all");
    }
    let programme = local(&v["programme"]);
    assert_eq!(events(&calendar(&f, &programme).await).len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_pages_show_the_feed_links_once_the_feeds_are_on() {
    use super::roles::{form_post, log_in, page};
    let f = fixture().await;
    let b = bureau(&f).await;
    let cookie = log_in(&f).await;
    let room_page = format!("/schedule/rooms/{}", b.room_b);
    let (status, html) = page(&f, &room_page, &cookie).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        !html.contains("webcal://"),
        "no feed link while the feeds are off"
    );
    let (_, html) = page(&f, "/settings", &cookie).await;
    assert!(html.contains("Turn on calendar feeds"), "{html}");

    let res = f
        .send(form_post("/settings/feeds/rotate", &cookie, &[]))
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let secret = f
        .doc
        .state()
        .snapshot
        .settings
        .feed_secret
        .clone()
        .expect("a secret");
    let (_, html) = page(&f, "/settings", &cookie).await;
    assert!(html.contains("Make new feed addresses"), "{html}");
    assert!(
        html.contains(&url(&secret, Feed::Programme).replace('&', "&amp;")),
        "{html}"
    );
    for (path, feed) in [
        (room_page, Feed::Room(&b.room_b)),
        (format!("/roster/groups/{}", b.group), Feed::Group(&b.group)),
        (
            format!("/roster/members/{}", b.member),
            Feed::Member(&b.member),
        ),
    ] {
        let (status, html) = page(&f, &path, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let link = format!("webcal://{HOST}{}", url(&secret, feed));
        assert!(html.contains(&link), "{path} links {link}: {html}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn only_an_admin_makes_feed_addresses() {
    use super::roles::{add_bea, form_post, hand_admin_to_bea, log_in};
    let f = fixture().await;
    add_bea(&f).await;
    hand_admin_to_bea(&f).await;
    let heads = f.doc.state().heads.clone();
    let (status, _, v) = f.call(Method::POST, "/api/feeds/rotate", None).await;
    let err = assert_error(status, &v, StatusCode::FORBIDDEN);
    assert_eq!(err["code"], "not_admin", "{v}");
    let cookie = log_in(&f).await;
    let res = f
        .send(form_post("/settings/feeds/rotate", &cookie, &[]))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(f.doc.state().heads, heads, "nothing was written");
    let (_, v) = f.get("/api/feeds").await;
    assert_eq!(v["enabled"], false, "{v}");
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_venue_listener_a_room_offers_its_public_feed_for_phones() {
    use super::roles::{log_in, page};
    let venue = "127.0.0.1:8099";
    let mut config = WebConfig::loopback(TOKEN.to_owned(), PORT);
    config.venue = Some(crate::VenueAddress {
        addr: venue.parse().unwrap(),
        tls: false,
    });
    let f = fixture_with(config, true).await;
    let b = bureau(&f).await;
    let (status, _, v) = f.call(Method::POST, "/api/feeds/rotate", None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let cookie = log_in(&f).await;
    let (_, html) = page(&f, &format!("/schedule/rooms/{}", b.room_b), &cookie).await;
    let public = format!("webcal://{venue}/cal/rooms/{}.ics", b.room_b);
    assert!(html.contains(&public), "{public} in {html}");
    assert!(html.contains("<svg"), "a QR code: {html}");
    // A member's feed is never public: no venue address on their page.
    let (_, html) = page(&f, &format!("/roster/members/{}", b.member), &cookie).await;
    assert!(html.contains("webcal://"), "{html}");
    assert!(!html.contains(venue), "{html}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interpreters_feed_holds_the_meetings_they_sit_in_with_the_booth() {
    let mut f = fixture().await;
    let b = bureau(&f).await;
    let id = |v: Value| v["id"].as_str().expect("an id").to_owned();
    let nadia = id(f
        .create(
            "interpreters",
            json!({"name": "Nadia Haddad", "languages": {"a": ["ar"], "b": ["fr"], "c": ["en"]}}),
        )
        .await);
    let (status, _, v) = f
        .call(
            Method::PATCH,
            &format!("/api/meetings/{}", b.opening),
            Some(json!({"booths": [{"language": "ar", "interpreters": [nadia]}]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    with_secret(&mut f, secret);
    let cal = calendar(&f, &url(SECRET, Feed::Interpreter(&nadia))).await;
    let events = events(&cal);
    assert_eq!(
        ids(&events.keys().collect::<Vec<_>>()),
        ids(&[&b.opening]),
        "only the meeting she has a seat in"
    );
    let description = prop(events.values().next().unwrap(), "DESCRIPTION").unwrap_or_default();
    assert!(description.starts_with("Booth: Arabic"), "{description}");
    // Another interpreter's key opens nothing here.
    let (status, _, _) = fetch(
        &f,
        &format!(
            "/cal/interpreters/{nadia}.ics?key={}",
            crate::feeds::feed_key(SECRET, &Feed::Member(&b.member).path())
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Listed with the others once the feeds are on.
    let (status, _, v) = f.call(Method::POST, "/api/feeds/rotate", None).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["interpreters"][&nadia].is_string(), "{v}");
}
