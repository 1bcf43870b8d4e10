//! The venue listener (`bureau serve --venue ADDR`): the public programme for the people at
//! the venue who run no node, on a second, read-only listener their phones reach over the
//! local network.
//!
//! It serves its own router, not the main one: the programme by day, filtered by room, group
//! or language (`/`), the rooms (`/rooms`), the list of groups (`/groups`), the programme as
//! one self-contained HTML file to save (`/programme.html`), a tiny poll endpoint
//! (`/version`), its stylesheet, script, icon, web app manifest and service worker. Nothing
//! else: no API, no liaison notes, no documents, no member or contact details, no forms, no
//! login link, no sessions; every other address is a 404 that names nothing.
//!
//! Invariants:
//! - Only meetings that are not archived and are public (`Meeting::public`; a meeting written
//!   before the field existed is public) appear, wherever a meeting is shown or counted.
//! - Pages are rendered from the published snapshot in the reader's language (`?lang=`, then
//!   `Accept-Language`; no cookie is ever set, so links carry a `lang=` the address chose).
//! - Every request is counted against its client's token bucket ([`limit`]) before anything
//!   else runs; past it the answer is 429 with `Retry-After`.
//! - The script (`web/venue.js`) never empties the page: a failed poll leaves the programme on
//!   screen and says "offline, last updated at HH:MM". The service worker is registered only
//!   in a secure context (the listener over TLS, or loopback).

mod limit;
mod serve;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};
use std::time::Instant;

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use bureau_doc::{DocHandle, DocState};
use bureau_model::{Meeting, MeetingStatus, Snapshot};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;

use crate::ui::assets::fnv1a;
use crate::ui::i18n::{LANG_PARAM, Lang, Tr};

pub use limit::RateLimit;
pub use rustls::ServerConfig as TlsConfig;
pub use serve::{VenueTlsError, serve, tls_config};

/// What the venue listener needs to know.
#[derive(Clone, Debug, Default)]
pub struct VenueConfig {
    /// Requests per client.
    pub rate: RateLimit,
}

#[derive(Clone, Debug)]
struct VenueState {
    doc: DocHandle,
    buckets: Arc<limit::Buckets>,
}

/// The embedded files the venue serves: path, content type, bytes.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "/app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../../web/app.css"),
    ),
    (
        "/venue.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../../../web/venue.js"),
    ),
    (
        "/icon.svg",
        "image/svg+xml",
        include_bytes!("../../../../web/icon.svg"),
    ),
];

/// The service worker's source; the list of what it keeps is filled in per release.
const SERVICE_WORKER: &str = include_str!("../../../../web/venue-sw.js");

static HASHES: LazyLock<Vec<String>> =
    LazyLock::new(|| FILES.iter().map(|(_, _, b)| fnv1a(b)).collect());

/// An embedded file's URL with its fingerprint, so that a new release is fetched anew.
fn asset_url(path: &str) -> String {
    match FILES.iter().position(|(p, _, _)| *p == path) {
        Some(i) => format!("{path}?v={}", HASHES[i]),
        None => path.to_owned(),
    }
}

/// The venue's router over the document. Every route is listed here; anything else is 404.
pub fn router(doc: DocHandle, config: VenueConfig) -> Router {
    let state = VenueState {
        doc,
        buckets: Arc::new(limit::Buckets::new(config.rate)),
    };
    let mut app = Router::new()
        .route("/", get(programme))
        .route("/rooms", get(rooms))
        .route("/groups", get(groups))
        .route("/programme.html", get(download))
        .route("/version", get(version))
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker));
    for (path, _, _) in FILES {
        app = app.route(path, get(asset));
    }
    // Calendar feeds, public meetings only: the programme's, each room's and each group's,
    // without keys (anyone here may read the public programme); members' feeds and every
    // other `/cal/` address are 404. The feeds' router is given a state of its own whose
    // token is empty, which lets no one in anywhere.
    let feeds = crate::public_feeds(is_public).with_state(crate::AppState {
        doc: state.doc.clone(),
        net: None,
        config: Arc::new(crate::WebConfig {
            ui: false,
            ..crate::WebConfig::loopback(String::new(), 0)
        }),
        cancel: tokio_util::sync::CancellationToken::new(),
    });
    app = app
        .route_service("/cal", feeds.clone())
        .route_service("/cal/{*rest}", feeds);
    app.fallback(not_found)
        .layer(middleware::from_fn(headers))
        .layer(middleware::from_fn_with_state(state.clone(), rate_limit))
        .with_state(state)
}

/// The rate limit, before anything else runs.
async fn rate_limit(State(st): State<VenueState>, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<serve::ClientIp>()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.0);
    match st.buckets.take(ip, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let mut res = (StatusCode::TOO_MANY_REQUESTS, "too many requests").into_response();
            if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
    }
}

/// Security headers on every answer. The download sets its own policy (inline styles only).
async fn headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
                 connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
                 frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
            ),
        );
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    res
}

/// Everything a venue page needs, taken once per request.
struct Venue {
    tr: Tr,
    st: Arc<DocState>,
    tz: TimeZone,
    now: Timestamp,
    /// The language the address chose, which links carry on (no cookie is set here).
    lang_param: Option<Lang>,
}

impl Venue {
    fn new(st: &VenueState, uri: &axum::http::Uri, headers: &HeaderMap) -> Venue {
        let doc = st.doc.state();
        let tz = TimeZone::get(&doc.snapshot.meta.timezone).unwrap_or(TimeZone::UTC);
        // No cookie: the venue sets none, and one left by the main UI on the same host is
        // not this listener's to read.
        let mut plain = headers.clone();
        plain.remove(header::COOKIE);
        Venue {
            tr: Tr(Lang::negotiate(uri, &plain)),
            lang_param: Lang::from_query(uri.query()),
            st: doc,
            tz,
            now: Timestamp::now(),
        }
    }

    fn snap(&self) -> &Snapshot {
        &self.st.snapshot
    }

    fn zoned(&self, rfc3339: &str) -> Option<Zoned> {
        rfc3339
            .parse::<Timestamp>()
            .ok()
            .map(|t| t.to_zoned(self.tz.clone()))
    }

    /// A link to a venue page with its parameters, keeping the language the address chose.
    fn href(&self, path: &str, params: &[(&str, &str)]) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in params {
            q.append_pair(k, v);
        }
        if let Some(lang) = self.lang_param {
            q.append_pair(LANG_PARAM, lang.code());
        }
        let q = q.finish();
        if q.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{q}")
        }
    }

    /// The public meetings that `keep` keeps, by start, with their start and end.
    fn meetings(&self, keep: &dyn Fn(&Meeting) -> bool) -> Vec<(&Meeting, Zoned, Zoned)> {
        let mut out: Vec<_> = self
            .snap()
            .meetings
            .values()
            .map(|m| &**m)
            .filter(|m| is_public(m) && keep(m))
            .filter_map(|m| Some((m, self.zoned(&m.start)?, self.zoned(&m.end)?)))
            .collect();
        out.sort_by(|a, b| (a.1.timestamp(), &a.0.title).cmp(&(b.1.timestamp(), &b.0.title)));
        out
    }

    /// "Last updated at 10:42" and "Offline, last updated at 10:42", for now.
    fn updated_lines(&self) -> (String, String) {
        let time = self.tr.time(self.now.to_zoned(self.tz.clone()).time());
        (
            self.tr
                .ta("venue-updated", &[("time", time.clone().into())]),
            self.tr.ta("venue-offline", &[("time", time.into())]),
        )
    }

    fn render(&self, status: StatusCode, markup: Markup) -> Response {
        let mut res = (status, Html(markup.into_string())).into_response();
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
        res
    }
}

/// Whether the venue may show a meeting at all.
pub(crate) fn is_public(m: &Meeting) -> bool {
    m.public && !m.stamp.archived
}

#[derive(Debug, Default, Deserialize)]
struct ProgrammeQuery {
    day: Option<String>,
    room: Option<String>,
    group: Option<String>,
    language: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Programme,
    Rooms,
    Groups,
}

/// A venue page: the bureau's name, the language links, the three views, the "last
/// updated" line the script keeps current, and `content` (the region the script swaps).
fn page(v: &Venue, tab: Tab, title: &str, content: Markup) -> Markup {
    let tr = v.tr;
    let bureau = &v.snap().meta.title;
    let full_title = if bureau.is_empty() {
        title.to_owned()
    } else {
        format!("{title} · {bureau}")
    };
    let (updated, offline) = v.updated_lines();
    let poll = format!("/version?{LANG_PARAM}={}", tr.lang().code());
    let tab_item = |t: Tab, path: &str, label: String| {
        html! { li { a href=(v.href(path, &[])) aria-current=[(t == tab).then_some("page")] { (label) } } }
    };
    html! {
        (DOCTYPE)
        html lang=(tr.lang().tag()) dir=(tr.lang().dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (full_title) }
                link rel="stylesheet" href=(asset_url("/app.css"));
                link rel="icon" href=(asset_url("/icon.svg")) type="image/svg+xml";
                link rel="manifest" href="/manifest.webmanifest";
                script src=(asset_url("/venue.js")) defer {}
            }
            body.venue data-version=(v.st.version) data-poll=(poll) data-offline=(offline) {
                a.skip href="#main" { (tr.t("skip-to-content")) }
                header.top {
                    div.bar {
                        span.brand {
                            img src=(asset_url("/icon.svg")) alt="" width="28" height="28";
                            span dir="auto" { (if bureau.is_empty() { tr.t("app-name") } else { bureau.clone() }) }
                        }
                        nav.venue-langs aria-label=(tr.t("language-label")) {
                            ul.tabs {
                                @for lang in Lang::ALL {
                                    li {
                                        a href=(format!("{}?{LANG_PARAM}={}", match tab { Tab::Programme => "/", Tab::Rooms => "/rooms", Tab::Groups => "/groups" }, lang.code()))
                                            lang=(lang.tag()) hreflang=(lang.tag())
                                            aria-current=[(lang == tr.lang()).then_some("true")] { (lang.native_name()) }
                                    }
                                }
                            }
                        }
                    }
                    nav aria-label=(tr.t("venue-nav")) {
                        ul.tabs {
                            (tab_item(Tab::Programme, "/", tr.t("programme-title")))
                            (tab_item(Tab::Rooms, "/rooms", tr.t("rooms-title")))
                            (tab_item(Tab::Groups, "/groups", tr.t("groups-title")))
                        }
                    }
                }
                main #main tabindex="-1" {
                    p #venue-status .meta role="status" { (updated) }
                    div #venue-content {
                        (content)
                    }
                    p.no-print { a href=(v.href("/programme.html", &[])) download="programme.html" { (tr.t("venue-save")) } }
                }
                footer.foot {
                    p { (tr.ta("footer-timezone", &[("zone", v.snap().meta.timezone.clone().into())])) }
                }
            }
        }
    }
}

fn languages(v: &Venue, codes: &[String]) -> String {
    let names: Vec<String> = codes.iter().map(|c| v.tr.language(c)).collect();
    v.tr.list(&names)
}

fn time_span(v: &Venue, start: &Zoned, end: &Zoned) -> String {
    let (s, e) = (v.tr.time(start.time()), v.tr.time(end.time()));
    if start.date() == end.date() {
        format!("{s}–{e}")
    } else {
        format!("{s}–{} {e}", v.tr.date_short(end.date()))
    }
}

/// A meeting's groups, the organiser among them, by name (archived groups left out).
fn group_names(v: &Venue, m: &Meeting) -> String {
    let snap = v.snap();
    let ids: BTreeSet<&String> = m
        .groups
        .iter()
        .chain(std::iter::once(&m.organiser))
        .collect();
    let mut names: Vec<String> = ids
        .into_iter()
        .filter_map(|id| snap.groups.get(id))
        .filter(|g| !g.stamp.archived && !g.name.is_empty())
        .map(|g| g.name.clone())
        .collect();
    names.sort();
    v.tr.list(&names)
}

/// The public meetings, a table per day.
fn days(v: &Venue, slots: &[(&Meeting, Zoned, Zoned)]) -> Markup {
    let tr = v.tr;
    let mut by_day: BTreeMap<jiff::civil::Date, Vec<&(&Meeting, Zoned, Zoned)>> = BTreeMap::new();
    for s in slots {
        by_day.entry(s.1.date()).or_default().push(s);
    }
    let rooms = &v.snap().rooms;
    html! {
        @if slots.is_empty() { p.empty { (tr.t("programme-none")) } }
        @for (day, slots) in &by_day {
            @let heading = tr.date_long(*day);
            section.programme-part {
                h2 { (heading) }
                div.scroll {
                    table.programme {
                        caption.visually-hidden { (heading) }
                        thead { tr {
                            @for id in ["programme-time", "type-meeting", "field-room", "field-languages", "field-groups"] {
                                th scope="col" { (tr.t(id)) }
                            }
                        } }
                        tbody {
                            @for (m, start, end) in slots {
                                tr {
                                    td.time { (time_span(v, start, end)) }
                                    th scope="row" {
                                        span dir="auto" class=[(m.status == MeetingStatus::Cancelled).then_some("cancelled")] { (m.title) }
                                        @if m.status != MeetingStatus::Confirmed {
                                            " " span.badge.muted { (tr.t(&format!("meeting-status-{}", m.status.as_str()))) }
                                        }
                                    }
                                    td dir="auto" {
                                        @if let Some(r) = rooms.get(&m.room_id).filter(|r| !r.stamp.archived) {
                                            a href=(v.href("/", &[("room", &r.id)])) { (r.name) }
                                        }
                                    }
                                    td { (languages(v, &m.languages)) }
                                    td dir="auto" { (group_names(v, m)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /`: the programme, by day; `room=`, `group=`, `language=` and `day=` narrow it.
async fn programme(
    State(st): State<VenueState>,
    Query(q): Query<ProgrammeQuery>,
    req: Request,
) -> Response {
    let v = Venue::new(&st, req.uri(), req.headers());
    let tr = v.tr;
    let snap = v.snap();
    let room = q
        .room
        .as_deref()
        .and_then(|id| snap.rooms.get(id))
        .filter(|r| !r.stamp.archived);
    let group = q
        .group
        .as_deref()
        .and_then(|id| snap.groups.get(id))
        .filter(|g| !g.stamp.archived);
    let language = q.language.as_deref().filter(|l| {
        !l.is_empty()
            && snap
                .meetings
                .values()
                .any(|m| is_public(m) && m.languages.iter().any(|x| x == l))
    });
    let day = q
        .day
        .as_deref()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok());
    let slots = v.meetings(&|m| {
        room.is_none_or(|r| m.room_id == r.id)
            && group.is_none_or(|g| m.groups.contains(&g.id) || m.organiser == g.id)
            && language.is_none_or(|l| m.languages.iter().any(|x| x == l))
            && day.is_none_or(|d| v.zoned(&m.start).is_some_and(|s| s.date() == d))
    });
    let narrowed = room
        .map(|r| r.name.clone())
        .or_else(|| group.map(|g| g.name.clone()))
        .or_else(|| language.map(|l| tr.language(l)))
        .or_else(|| day.map(|d| tr.date_long(d)));
    let all_languages: BTreeSet<&String> = snap
        .meetings
        .values()
        .filter(|m| is_public(m))
        .flat_map(|m| m.languages.iter())
        .collect();
    let title = tr.t("programme-title");
    let content = html! {
        h1 {
            (title)
            @if let Some(n) = &narrowed { " · " span dir="auto" { (n) } }
        }
        @if narrowed.is_some() {
            p { a href=(v.href("/", &[])) { (tr.t("venue-all-meetings")) } }
        }
        @if !all_languages.is_empty() {
            nav aria-label=(tr.t("venue-by-language")) {
                p.venue-filter {
                    (tr.t("venue-by-language")) ": "
                    @for (i, code) in all_languages.iter().enumerate() {
                        @if i > 0 { " · " }
                        a href=(v.href("/", &[("language", code)])) aria-current=[(language == Some(code.as_str())).then_some("true")] { (tr.language(code)) }
                    }
                }
            }
        }
        (days(&v, &slots))
    };
    v.render(StatusCode::OK, page(&v, Tab::Programme, &title, content))
}

/// `GET /rooms`: each room with its seats, booths and count of public meetings.
async fn rooms(State(st): State<VenueState>, req: Request) -> Response {
    let v = Venue::new(&st, req.uri(), req.headers());
    let tr = v.tr;
    let mut rooms: Vec<_> = v
        .snap()
        .rooms
        .values()
        .filter(|r| !r.stamp.archived)
        .cloned()
        .collect();
    rooms.sort_by(|a, b| a.name.cmp(&b.name));
    let title = tr.t("rooms-title");
    let content = html! {
        h1 { (title) }
        @if rooms.is_empty() { p.empty { (tr.t("venue-no-rooms")) } }
        @else {
            div.scroll {
                table {
                    caption.visually-hidden { (title) }
                    thead { tr {
                        @for id in ["field-name", "field-capacity", "field-booths", "venue-meetings"] {
                            th scope="col" { (tr.t(id)) }
                        }
                    } }
                    tbody {
                        @for r in &rooms {
                            @let n = v.meetings(&|m| m.room_id == r.id).len();
                            tr {
                                th scope="row" dir="auto" { a href=(v.href("/", &[("room", &r.id)])) { (r.name) } }
                                td.num { (r.capacity) }
                                td { (languages(&v, &r.booths)) }
                                td.num { (n) }
                            }
                        }
                    }
                }
            }
        }
    };
    v.render(StatusCode::OK, page(&v, Tab::Rooms, &title, content))
}

/// `GET /groups`: the groups by name, with their kind; nobody's name or contact.
async fn groups(State(st): State<VenueState>, req: Request) -> Response {
    let v = Venue::new(&st, req.uri(), req.headers());
    let tr = v.tr;
    let mut groups: Vec<_> = v
        .snap()
        .groups
        .values()
        .filter(|g| !g.stamp.archived)
        .cloned()
        .collect();
    groups.sort_by(|a, b| a.name.cmp(&b.name));
    let title = tr.t("groups-title");
    let content = html! {
        h1 { (title) }
        @if groups.is_empty() { p.empty { (tr.t("venue-no-groups")) } }
        @else {
            ul.plain {
                @for g in &groups {
                    li {
                        a href=(v.href("/", &[("group", &g.id)])) dir="auto" { (g.name) }
                        " " span.badge.muted { (tr.t(&format!("group-kind-{}", g.kind.as_str()))) }
                    }
                }
            }
        }
    };
    v.render(StatusCode::OK, page(&v, Tab::Groups, &title, content))
}

/// `GET /programme.html`: every public meeting in one file with its styles inside, no
/// script and nothing to fetch, to keep on a phone and open without a network.
async fn download(State(st): State<VenueState>, req: Request) -> Response {
    let v = Venue::new(&st, req.uri(), req.headers());
    let tr = v.tr;
    let bureau = v.snap().meta.title.clone();
    let title = tr.t("programme-title");
    let css = String::from_utf8_lossy(FILES[0].2);
    let slots = v.meetings(&|_| true);
    let now = v.now.to_zoned(v.tz.clone());
    let markup = html! {
        (DOCTYPE)
        html lang=(tr.lang().tag()) dir=(tr.lang().dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) @if !bureau.is_empty() { " · " (bureau) } }
                style { (PreEscaped(css.replace("</", "<\\/"))) }
            }
            body {
                main #main {
                    h1 { (title) @if !bureau.is_empty() { " · " span dir="auto" { (bureau) } } }
                    p.meta { (tr.ta("programme-as-of", &[("date", tr.date_time(&now).into())])) }
                    (days(&v, &slots))
                    p.meta { (tr.ta("footer-timezone", &[("zone", v.snap().meta.timezone.clone().into())])) }
                }
            }
        }
    };
    let mut res = v.render(StatusCode::OK, markup);
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"programme.html\""),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    res
}

/// `GET /version`: what the open page polls: the document's version and the two status
/// lines for now, in the language asked for.
async fn version(State(st): State<VenueState>, req: Request) -> Response {
    let v = Venue::new(&st, req.uri(), req.headers());
    let (updated, offline) = v.updated_lines();
    let body = serde_json::json!({
        "version": v.st.version,
        "updated": updated,
        "offline": offline,
    });
    let mut res = axum::Json(body).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `GET /manifest.webmanifest`: installs the programme as an app on a phone.
async fn manifest(State(st): State<VenueState>, req: Request) -> Response {
    let v = Venue::new(&st, req.uri(), req.headers());
    let bureau = &v.snap().meta.title;
    let programme = v.tr.t("programme-title");
    let name = if bureau.is_empty() {
        programme.clone()
    } else {
        format!("{programme} · {bureau}")
    };
    let body = serde_json::json!({
        "name": name,
        "short_name": programme,
        "lang": v.tr.lang().tag(),
        "dir": v.tr.lang().dir(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [{"src": asset_url("/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    });
    let mut res = body.to_string().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/manifest+json"),
    );
    res
}

/// `GET /sw.js`: the service worker, with the files of this release to keep.
async fn service_worker() -> Response {
    let mut keep: Vec<String> = vec!["/".to_owned(), "/rooms".to_owned(), "/groups".to_owned()];
    keep.extend(FILES.iter().map(|(p, _, _)| asset_url(p)));
    keep.push("/manifest.webmanifest".to_owned());
    let release = fnv1a(keep.join(" ").as_bytes());
    let source = SERVICE_WORKER
        .replace("\"__KEEP__\"", &serde_json::Value::from(keep).to_string())
        .replace("__RELEASE__", &release);
    let mut res = source.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/javascript; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

/// The embedded stylesheet, script and icon; fingerprinted URLs are cached for good.
async fn asset(req: Request) -> Response {
    let path = req.uri().path();
    let Some(i) = FILES.iter().position(|(p, _, _)| *p == path) else {
        return not_found().await;
    };
    let (_, content_type, bytes) = FILES[i];
    let current = form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
        .any(|(k, val)| k == "v" && val == HASHES[i].as_str());
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if current {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    res
}

/// Any other address: a bare 404, which says nothing of what the node holds.
async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

#[cfg(test)]
mod tests;
