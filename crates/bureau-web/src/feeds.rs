//! Calendar feeds (iCalendar, RFC 5545): `/cal/programme.ics`, `/cal/rooms/{id}.ics`,
//! `/cal/groups/{id}.ics`, `/cal/members/{id}.ics` (the meetings a member attends in person
//! or through a group they are a focal point of) and `/cal/interpreters/{id}.ics` (the
//! meetings an interpreter has a seat in, with the booth), each opened by a key of its own in
//! its address (`?key=`). A new secret revokes every key made from the old one.
//!
//! Invariants:
//! - **A key opens one feed and nothing else.** A feed's key is the HMAC-SHA-256 of the
//!   bureau's feed secret (the `settings` record, DESIGN §6) and the feed's path, so it is the
//!   same on every node of the bureau and a new secret voids them all. The feed routes sit
//!   outside the token and session guards (a calendar app can send neither), and only they
//!   read `key`: it is no session, no token, no login link. The `Host` guard still holds.
//! - **Nothing tells a guesser what exists.** A wrong or revoked key, an unknown record, a
//!   bureau with no secret yet and any other address under `/cal/` all get the same bare 404.
//! - **Every node writes the same calendar for the same document.** UIDs come from the
//!   meeting's and the bureau's ids; `SEQUENCE` is the number of changes that touched the
//!   meeting less one ([`bureau_model::ChangeCounts`]), a function of the changes alone, so
//!   it grows whenever the meeting changes and never goes down; `DTSTAMP` and
//!   `LAST-MODIFIED` are the meeting's own `updated_at`.
//! - Archived and cancelled meetings stay in the feeds as `STATUS:CANCELLED`, so a calendar
//!   that holds them takes them off rather than keeping a meeting that will not happen.

pub(crate) mod api;
mod ics;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bureau_model::{ChangeCounts, Meeting, MeetingStatus, RecordType, Snapshot};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::guard::same_secret;
use crate::ui::i18n::{Lang, Tr};
use crate::{ApiError, AppState};

use ics::{Calendar, Times};

/// Which meetings a feed holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Feed<'a> {
    /// Every meeting.
    Programme,
    /// The meetings in a room.
    Room(&'a str),
    /// The meetings a group attends or organises.
    Group(&'a str),
    /// The meetings a member attends in person or through a group they are a focal point of.
    Member(&'a str),
    /// The meetings an interpreter has a seat in.
    Interpreter(&'a str),
}

impl Feed<'_> {
    /// The feed's path, which its key is made from: the id as it is, since only a path of
    /// this form is ever checked.
    pub(crate) fn path(&self) -> String {
        match self {
            Feed::Programme => "/cal/programme.ics".to_owned(),
            Feed::Room(id) => format!("/cal/rooms/{id}.ics"),
            Feed::Group(id) => format!("/cal/groups/{id}.ics"),
            Feed::Member(id) => format!("/cal/members/{id}.ics"),
            Feed::Interpreter(id) => format!("/cal/interpreters/{id}.ics"),
        }
    }

    /// The path as a URL carries it (the id percent-encoded as one segment).
    pub(crate) fn url_path(&self) -> String {
        let seg = crate::ui::seg;
        match self {
            Feed::Programme => "/cal/programme.ics".to_owned(),
            Feed::Room(id) => format!("/cal/rooms/{}.ics", seg(id)),
            Feed::Group(id) => format!("/cal/groups/{}.ics", seg(id)),
            Feed::Member(id) => format!("/cal/members/{}.ics", seg(id)),
            Feed::Interpreter(id) => format!("/cal/interpreters/{}.ics", seg(id)),
        }
    }
}

/// The feeds of one record.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Room,
    Group,
    Member,
    Interpreter,
}

impl Kind {
    fn feed(self, id: &str) -> Feed<'_> {
        match self {
            Kind::Room => Feed::Room(id),
            Kind::Group => Feed::Group(id),
            Kind::Member => Feed::Member(id),
            Kind::Interpreter => Feed::Interpreter(id),
        }
    }
}

/// The key of the feed at `path` under `secret`: HMAC-SHA-256, hex.
pub(crate) fn feed_key(secret: &str, path: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(path.as_bytes());
    let mut out = String::with_capacity(64);
    for b in mac.finalize().into_bytes() {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The feed's address with its key, on `base` (`http://127.0.0.1:7878`).
pub(crate) fn feed_url(base: &str, secret: &str, feed: &Feed<'_>) -> String {
    format!(
        "{base}{}?key={}",
        feed.url_path(),
        feed_key(secret, &feed.path())
    )
}

/// Where the feed secret comes from: the bureau's `settings` record once it holds one (none
/// makes every feed a 404).
pub(crate) type SecretFn = fn(&Snapshot) -> Option<String>;

/// The feed secret as the bureau's settings hold it, an admin's (a secret written by a device
/// that was no admin is set aside like any other settings change of theirs).
pub(crate) fn settings_secret(snap: &Snapshot) -> Option<String> {
    snap.settings.feed_secret.clone()
}

/// Whether `feed` names a record there is (archived ones too: their feeds still say what
/// became of their meetings).
fn exists(snap: &Snapshot, feed: &Feed<'_>) -> bool {
    match feed {
        Feed::Programme => true,
        Feed::Room(id) => snap.rooms.contains_key(*id),
        Feed::Group(id) => snap.groups.contains_key(*id),
        Feed::Member(id) => snap.members.contains_key(*id),
        Feed::Interpreter(id) => snap.interpreters.contains_key(*id),
    }
}

/// The live groups `member` is a focal point of.
fn focal_groups(snap: &Snapshot, member: &str) -> BTreeSet<String> {
    snap.groups
        .values()
        .filter(|g| !g.stamp.archived && g.focal_points.iter().any(|f| f == member))
        .map(|g| g.id.clone())
        .collect()
}

/// The meetings of `feed`, by start.
fn meetings<'s>(
    snap: &'s Snapshot,
    feed: &Feed<'_>,
    keep: &dyn Fn(&Meeting) -> bool,
) -> Vec<&'s Meeting> {
    let focal = match feed {
        Feed::Member(id) => focal_groups(snap, id),
        _ => BTreeSet::new(),
    };
    let mut out: Vec<&Meeting> = snap
        .meetings
        .values()
        .map(|m| m.as_ref())
        .filter(|m| keep(m))
        .filter(|m| match feed {
            Feed::Programme => true,
            Feed::Room(id) => m.room_id == *id,
            Feed::Group(id) => m.organiser == *id || m.groups.iter().any(|g| g == id),
            Feed::Member(id) => {
                m.members.iter().any(|p| p == id)
                    || m.groups
                        .iter()
                        .chain(std::iter::once(&m.organiser))
                        .any(|g| focal.contains(g))
            }
            Feed::Interpreter(id) => seat_of(m, id).is_some(),
        })
        .collect();
    out.sort_by(|a, b| (&a.start, &a.id).cmp(&(&b.start, &b.id)));
    out
}

/// The calendar's name: the bureau's title, and the room's, group's or member's name.
fn calendar_name(snap: &Snapshot, feed: &Feed<'_>) -> String {
    let title = &snap.meta.title;
    let name = match feed {
        Feed::Programme => None,
        Feed::Room(id) => snap.rooms.get(*id).map(|r| r.name.clone()),
        Feed::Group(id) => snap.groups.get(*id).map(|g| g.name.clone()),
        Feed::Member(id) => snap.members.get(*id).map(|m| m.name.clone()),
        Feed::Interpreter(id) => snap.interpreters.get(*id).map(|i| i.name.clone()),
    };
    match name.filter(|n| !n.is_empty()) {
        Some(n) if !title.is_empty() => format!("{title}: {n}"),
        Some(n) => n,
        None => title.clone(),
    }
}

/// The iCalendar text of `feed` over `snap`, holding the meetings `keep` keeps, with each
/// meeting's `SEQUENCE` from `counts` (of meetings); `None` when the feed names no record.
/// Labels in the description are in `tr`'s language.
pub(crate) fn calendar(
    snap: &Snapshot,
    counts: &ChangeCounts,
    feed: &Feed<'_>,
    keep: &dyn Fn(&Meeting) -> bool,
    lang: Lang,
) -> Option<String> {
    if !exists(snap, feed) {
        return None;
    }
    let tr = Tr(lang);
    let list = meetings(snap, feed, keep);
    let times = Times::of(&snap.meta.timezone);
    let mut cal = Calendar::new(&calendar_name(snap, feed));
    if !snap.meta.timezone.is_empty() {
        cal.text("X-WR-TIMEZONE", &snap.meta.timezone);
    }
    let spans: Vec<_> = list
        .iter()
        .filter_map(|m| Some((ics::instant(&m.start)?, ics::instant(&m.end)?)))
        .collect();
    if let (Some(from), Some(to)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1.max(s.0)).max(),
    ) {
        times.vtimezone(&mut cal, from, to);
    }
    let seat = match feed {
        Feed::Interpreter(id) => Some(*id),
        _ => None,
    };
    for m in list {
        event(&mut cal, snap, counts, &times, tr, m, seat);
    }
    Some(cal.finish())
}

/// One meeting as a `VEVENT`. A meeting whose times are not instants (a peer may write
/// anything) is left out: a calendar cannot place it.
fn event(
    cal: &mut Calendar,
    snap: &Snapshot,
    counts: &ChangeCounts,
    times: &Times,
    tr: Tr,
    m: &Meeting,
    interpreter: Option<&str>,
) {
    let (Some(start), Some(end)) = (ics::instant(&m.start), ics::instant(&m.end)) else {
        return;
    };
    let end = end.max(start);
    let stamp = ics::instant(&m.stamp.updated_at)
        .or_else(|| ics::instant(&snap.meta.created_at))
        .unwrap_or(start);
    cal.line("BEGIN:VEVENT");
    cal.text("UID", &format!("{}@{}.bureau", m.id, snap.meta.bureau_id));
    cal.line(&format!("DTSTAMP:{}", ics::utc(stamp)));
    cal.line(&format!("LAST-MODIFIED:{}", ics::utc(stamp)));
    cal.line(&format!(
        "SEQUENCE:{}",
        counts.get(&m.id).saturating_sub(1).min(i32::MAX as u64)
    ));
    cal.line(&times.property("DTSTART", start));
    cal.line(&times.property("DTEND", end));
    cal.text("SUMMARY", &m.title);
    let status = if m.stamp.archived {
        "CANCELLED"
    } else {
        match m.status {
            MeetingStatus::Cancelled => "CANCELLED",
            MeetingStatus::Confirmed => "CONFIRMED",
            MeetingStatus::Proposed => "TENTATIVE",
        }
    };
    cal.line(&format!("STATUS:{status}"));
    if let Some(room) = snap.rooms.get(&m.room_id)
        && !room.name.is_empty()
    {
        cal.text("LOCATION", &room.name);
    }
    let mut description = description(tr, m);
    if let Some(language) = interpreter.and_then(|i| seat_of(m, i)) {
        let booth = format!("{}: {}", tr.t("feed-booth"), tr.language(language));
        description = if description.is_empty() {
            booth
        } else {
            format!("{booth}\n\n{description}")
        };
    }
    if !description.is_empty() {
        cal.text("DESCRIPTION", &description);
    }
    cal.line("END:VEVENT");
}

/// The language of the booth `interpreter` sits in at `m`, if any.
fn seat_of<'m>(m: &'m Meeting, interpreter: &str) -> Option<&'m str> {
    m.booths
        .iter()
        .find(|b| b.interpreters.iter().any(|i| i == interpreter))
        .map(|b| b.language.as_str())
}

/// The languages and the agenda, each with its label.
fn description(tr: Tr, m: &Meeting) -> String {
    let mut parts = Vec::new();
    if !m.languages.is_empty() {
        let names: Vec<String> = m.languages.iter().map(|c| tr.language(c)).collect();
        parts.push(format!("{}: {}", tr.t("feed-languages"), tr.list(&names)));
    }
    let agenda = m.agenda.trim();
    if !agenda.is_empty() {
        parts.push(format!("{}:\n{agenda}", tr.t("feed-agenda")));
    }
    parts.join("\n\n")
}

/// The bare 404 every refusal gets, whatever the reason.
fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "not found\n",
    )
        .into_response()
}

/// A calendar as an answer.
fn ics_response(text: String) -> Response {
    let mut res = text.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    res
}

/// The id in `{id}.ics`.
fn id_of(file: &str) -> Option<&str> {
    file.strip_suffix(".ics").filter(|id| !id.is_empty())
}

/// Answers `feed` if `key` is its key under the bureau's secret; the same 404 otherwise.
async fn answer(
    state: &AppState,
    feed: Feed<'_>,
    query: &BTreeMap<String, String>,
    lang: Lang,
    keep: fn(&Meeting) -> bool,
    keyed: Option<SecretFn>,
) -> Response {
    let st = state.doc.state();
    if let Some(secret_of) = keyed {
        let Some(secret) = secret_of(&st.snapshot) else {
            return not_found();
        };
        let given = query.get("key").map_or("", String::as_str);
        if !same_secret(given, &feed_key(&secret, &feed.path())) {
            return not_found();
        }
    }
    if !exists(&st.snapshot, &feed) {
        return not_found();
    }
    let counts = match state.doc.change_counts(RecordType::Meeting).await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    // The snapshot read again: the counts may be newer than the first one, never older.
    let st = state.doc.state();
    // Labels in `?lang=`'s language, else the calendar app's `Accept-Language`.
    match calendar(&st.snapshot, &counts, &feed, &keep, lang) {
        Some(text) => ics_response(text),
        None => not_found(),
    }
}

/// Every meeting.
fn all(_: &Meeting) -> bool {
    true
}

/// The feeds with their keys under the secret `secret` gives, for the node's own address:
/// `/cal/...`, with one 404 for every other address under it.
pub(crate) fn routes(secret: SecretFn) -> Router<AppState> {
    feed_routes(all, Some(secret), true)
}

/// The programme's, rooms' and groups' feeds holding only the meetings `public` keeps, without
/// keys, for a listener that serves the public programme to anyone on its network (the venue
/// listener): `/cal/programme.ics`, `/cal/rooms/{id}.ics`, `/cal/groups/{id}.ics`; members'
/// feeds and every other address under `/cal/` are 404 there. Mount it with
/// `Router::merge` on a router whose state is the node's [`AppState`].
pub fn public_feeds(public: fn(&Meeting) -> bool) -> Router<AppState> {
    feed_routes(public, None, false)
}

fn feed_routes(
    keep: fn(&Meeting) -> bool,
    keyed: Option<SecretFn>,
    members: bool,
) -> Router<AppState> {
    let programme = move |State(state): State<AppState>,
                          Query(q): Query<BTreeMap<String, String>>,
                          uri: Uri,
                          headers: HeaderMap| async move {
        let lang = Lang::negotiate(&uri, &headers);
        answer(&state, Feed::Programme, &q, lang, keep, keyed).await
    };
    let one = move |kind: Kind| {
        move |State(state): State<AppState>,
              // By name: a router that mounts these routes under a wildcard of its own
              // (the venue listener's) adds its parameter to the list.
              Path(params): Path<BTreeMap<String, String>>,
              Query(q): Query<BTreeMap<String, String>>,
              uri: Uri,
              headers: HeaderMap| async move {
            let Some(id) = params.get("file").and_then(|f| id_of(f)) else {
                return not_found();
            };
            let lang = Lang::negotiate(&uri, &headers);
            answer(&state, kind.feed(id), &q, lang, keep, keyed).await
        }
    };
    let mut cal = Router::new()
        .route("/programme.ics", get(programme))
        .route("/rooms/{file}", get(one(Kind::Room)))
        .route("/groups/{file}", get(one(Kind::Group)));
    if members {
        cal = cal
            .route("/members/{file}", get(one(Kind::Member)))
            .route("/interpreters/{file}", get(one(Kind::Interpreter)));
    }
    Router::new().nest("/cal", cal.fallback(async || not_found()))
}
