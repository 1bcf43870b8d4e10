//! The web UI: server-rendered pages over the same document the API serves.
//!
//! Pages are maud templates rendered per request from the published [`DocState`]; writes are
//! plain `<form method=post>` handled here, validated by the model, and answered with a
//! redirect (POST, redirect, GET), or with the form again (422) with each error next to its
//! field and everything typed kept. The only script is `web/live.js`: it listens to
//! `/api/events` and refetches the page's live regions (`data-live`) when the document or the
//! peers change, leaving alone any region holding the focus or a form being edited. A page
//! with no live region in its content refetches only the shared header (`/chrome`).
//!
//! Module map: [`layout`] (page chrome), [`forms`] (form bodies, fields and errors),
//! [`i18n`] (catalogues, dates), [`assets`] (embedded `web/`), [`findings`] (findings in the
//! reader's language), and one module per area: [`overview`], [`roster`], [`schedule`],
//! [`liaison`], [`documents`] (shared texts: comments, suggestions, versions, the editor),
//! [`conflicts`] (with history), [`peers`].

pub(crate) mod assets;
pub(crate) mod conflicts;
pub(crate) mod documents;
pub(crate) mod findings;
pub(crate) mod forms;
pub(crate) mod i18n;
pub(crate) mod interpretation;
pub(crate) mod join;
pub(crate) mod layout;
pub(crate) mod liaison;
pub(crate) mod overview;
pub(crate) mod pager;
pub(crate) mod peers;
pub(crate) mod picker;
pub(crate) mod presence;
pub(crate) mod programme;
pub(crate) mod record;
pub(crate) mod roster;
pub(crate) mod schedule;
pub(crate) mod search;
pub(crate) mod settings;
pub(crate) mod spreadsheets;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use bureau_doc::{DocError, DocState};
use bureau_model::{Applied, Edit, EditError, RecordType, Snapshot};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use maud::Markup;

use crate::AppState;
use crate::guard::authenticated;
use forms::{FormData, FormErrors};
use i18n::{LANG_COOKIE, LANG_PARAM, Lang, Tr};

/// The UI's routes (everything but `/`, the login link, which `home.rs` serves).
pub(crate) fn router(state: AppState) -> Router<AppState> {
    let pages = Router::new();
    let pages = record::routes::<roster::GroupForm>(pages, collection_url(RecordType::Group));
    let pages = record::routes::<roster::MemberForm>(pages, collection_url(RecordType::Member));
    let pages = record::routes::<schedule::RoomForm>(pages, collection_url(RecordType::Room));
    let pages = record::routes::<schedule::MeetingForm>(pages, collection_url(RecordType::Meeting));
    let pages = record::routes::<liaison::NoteForm>(pages, collection_url(RecordType::Note));
    let pages = record::routes::<liaison::BodyForm>(pages, collection_url(RecordType::Body));
    let pages = interpretation::routes(pages);
    let pages = pages
        .route(
            "/documents",
            get(documents::list).post(documents::create_or_import),
        )
        .route("/documents/new", get(documents::new))
        .route(
            "/documents/{id}",
            get(record::show::<documents::DocumentForm>)
                .post(record::update::<documents::DocumentForm>),
        )
        .route("/documents/{id}/edit", get(documents::edit_page))
        .route("/documents/{id}/text", post(documents::save_text))
        .route("/documents/{id}/splices", get(documents::splices))
        .route("/documents/{id}/presence", post(presence::report))
        .route("/documents/{id}/compare", get(documents::compare))
        .route("/documents/{id}/comments", post(documents::comment))
        .route(
            "/documents/{id}/comments/{cid}/replies",
            post(documents::reply),
        )
        .route(
            "/documents/{id}/comments/{cid}/{verb}",
            post(documents::resolve),
        )
        .route("/documents/{id}/suggestions", post(documents::suggest))
        .route(
            "/documents/{id}/suggestions/{sid}/{verb}",
            post(documents::decide),
        )
        .route("/documents/{id}/versions", post(documents::name_version))
        .route("/roster", get(roster::page))
        .route("/roster/members/{id}/merge", post(roster::merge_member))
        .route(spreadsheets::URL, get(spreadsheets::show))
        .route(
            "/roster/spreadsheets/preview",
            post(spreadsheets::preview_upload),
        )
        .route("/roster/spreadsheets/apply", post(spreadsheets::apply))
        .route("/roster/reviews", post(roster::start_review))
        .route(
            "/roster/reviews/{id}",
            get(roster::show_review).post(roster::update_review),
        )
        .route("/schedule", get(schedule::page))
        .route("/agenda", get(schedule::agenda))
        .route(programme::URL, get(programme::page))
        .route("/search", get(search::page))
        .route("/liaison", get(liaison::page))
        .route("/liaison/report", get(liaison::report))
        .route("/liaison/notes/{id}/actions", post(liaison::add_action))
        .route(
            "/liaison/notes/{id}/actions/{action}",
            post(liaison::change_action),
        )
        .route("/conflicts", get(conflicts::page))
        .route("/conflicts/resolve", post(conflicts::resolve))
        .route("/history/{ty}/{id}", get(conflicts::history))
        .route("/records/{ty}/{id}/archive", post(archive))
        .route("/records/{ty}/{id}/restore", post(restore))
        .route("/peers", get(peers::page))
        .route("/settings", get(settings::page).post(settings::save))
        .route("/settings/feeds/rotate", post(settings::rotate_feeds))
        .route("/board", get(peers::board))
        .route("/join", get(join::page).post(join::join))
        .route("/peers/dial", post(peers::dial))
        .route("/peers/pause", post(peers::pause))
        .route("/peers/resume", post(peers::resume))
        .route("/peers/invite", post(peers::invite))
        .route(
            "/peers/bundle",
            post(peers::import_bundle).layer(axum::extract::DefaultBodyLimit::max(
                crate::bundle::MAX_BUNDLE_BODY,
            )),
        )
        .route("/peers/devices/{peer_id}/revoke", post(peers::revoke))
        .route("/peers/devices/{peer_id}/role", post(peers::set_role))
        .route("/chrome", get(chrome))
        .route("/lang", post(set_language))
        .route("/logout", post(log_out))
        .route("/logout/all", post(log_out_everywhere))
        .layer(middleware::from_fn_with_state(state, require_login));
    Router::new()
        .route("/assets/{file}", get(assets::serve))
        .merge(pages)
}

#[derive(Debug, serde::Deserialize)]
struct ChromeQuery {
    section: Option<String>,
}

/// The header every page shares, alone (see [`layout::chrome`]).
async fn chrome(v: View, axum::extract::Query(q): axum::extract::Query<ChromeQuery>) -> Response {
    let section = layout::Section::parse(q.section.as_deref().unwrap_or_default());
    v.render(StatusCode::OK, layout::chrome(&v, section))
}

/// Everything a page needs to render, taken once per request.
#[derive(Debug)]
pub(crate) struct View {
    /// The reader's language.
    pub(crate) tr: Tr,
    /// The document as last published.
    pub(crate) st: Arc<DocState>,
    /// The venue's time zone (`meta.timezone`).
    pub(crate) tz: TimeZone,
    /// The time of the request.
    pub(crate) now: Timestamp,
    /// Peer sync status, when the node runs it.
    pub(crate) net: Option<Arc<crate::NetworkStatus>>,
    /// Path and query of this request, for the language switcher's way back.
    pub(crate) here: String,
    /// Whether the address chose the language (`?lang=`), which the answer then remembers.
    pub(crate) lang_in_address: bool,
    /// The application, for writes.
    pub(crate) app: AppState,
    /// `http://` and the address the request came to, for links other programs on this
    /// machine open (calendar feeds).
    pub(crate) base: String,
}

impl FromRequestParts<AppState> for View {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<View, Self::Rejection> {
        Ok(View::new(app, parts))
    }
}

impl View {
    pub(crate) fn new(app: &AppState, parts: &Parts) -> View {
        let st = app.doc.state();
        let tz = TimeZone::get(&st.snapshot.meta.timezone).unwrap_or(TimeZone::UTC);
        View {
            tr: Tr(Lang::negotiate(&parts.uri, &parts.headers)),
            lang_in_address: Lang::from_query(parts.uri.query()).is_some(),
            st,
            tz,
            now: Timestamp::now(),
            net: app.net.as_ref().map(|n| n.status()),
            here: here(parts),
            app: app.clone(),
            base: crate::feeds::api::base_of(&parts.headers),
        }
    }

    /// The typed records.
    pub(crate) fn snap(&self) -> &Snapshot {
        &self.st.snapshot
    }

    /// Today in the venue's zone.
    pub(crate) fn today(&self) -> Date {
        self.now.to_zoned(self.tz.clone()).date()
    }

    /// An RFC 3339 instant in the venue's zone.
    pub(crate) fn zoned(&self, rfc3339: &str) -> Option<jiff::Zoned> {
        rfc3339
            .parse::<Timestamp>()
            .ok()
            .map(|t| t.to_zoned(self.tz.clone()))
    }

    /// A member's name, or a short form of the id when the member is unknown.
    pub(crate) fn member_name(&self, id: &str) -> String {
        match self.snap().members.get(id) {
            Some(m) if !m.name.is_empty() => m.name.clone(),
            _ if id.is_empty() => self.tr.t("unknown-person"),
            _ => format!("{}…", id.chars().take(8).collect::<String>()),
        }
    }

    /// The members that are not archived, as `(id, name)` options by name.
    pub(crate) fn member_options(&self) -> Vec<(String, String)> {
        live_options(
            self.snap()
                .members
                .values()
                .map(|m| (&m.stamp, &m.id, &m.name)),
        )
    }

    /// The groups that are not archived, as `(id, name)` options by name.
    pub(crate) fn group_options(&self) -> Vec<(String, String)> {
        live_options(
            self.snap()
                .groups
                .values()
                .map(|g| (&g.stamp, &g.id, &g.name)),
        )
    }

    /// The name or title of any record.
    pub(crate) fn record_name(&self, ty: RecordType, id: &str) -> String {
        let s = self.snap();
        let name = match ty {
            RecordType::Member => s.members.get(id).map(|r| r.name.clone()),
            RecordType::Device => s.devices.get(id).map(|r| r.name.clone()),
            RecordType::Group => s.groups.get(id).map(|r| r.name.clone()),
            RecordType::Review => s.reviews.get(id).map(|r| {
                let date = r
                    .date
                    .parse::<Date>()
                    .map_or(r.date.clone(), |d| self.tr.date_long(d));
                self.tr.ta("review-of", &[("date", date.into())])
            }),
            RecordType::Room => s.rooms.get(id).map(|r| r.name.clone()),
            RecordType::Meeting => s.meetings.get(id).map(|r| r.title.clone()),
            RecordType::Body => s.bodies.get(id).map(|r| r.name.clone()),
            RecordType::Note => s.notes.get(id).map(|r| r.title.clone()),
            RecordType::Document => s.documents.get(id).map(|r| r.title.clone()),
            RecordType::Interpreter => s.interpreters.get(id).map(|r| r.name.clone()),
        };
        name.filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("{}…", id.chars().take(8).collect::<String>()))
    }

    /// Whether a record is archived (a device: revoked); `None` when there is no such record.
    pub(crate) fn archived(&self, ty: RecordType, id: &str) -> Option<bool> {
        let s = self.snap();
        match ty {
            RecordType::Member => s.members.get(id).map(|r| r.stamp.archived),
            RecordType::Device => s.devices.get(id).map(|r| r.revoked),
            RecordType::Group => s.groups.get(id).map(|r| r.stamp.archived),
            RecordType::Review => s.reviews.get(id).map(|r| r.stamp.archived),
            RecordType::Room => s.rooms.get(id).map(|r| r.stamp.archived),
            RecordType::Meeting => s.meetings.get(id).map(|r| r.stamp.archived),
            RecordType::Body => s.bodies.get(id).map(|r| r.stamp.archived),
            RecordType::Note => s.notes.get(id).map(|r| r.stamp.archived),
            RecordType::Document => s.documents.get(id).map(|r| r.stamp.archived),
            RecordType::Interpreter => s.interpreters.get(id).map(|r| r.stamp.archived),
        }
    }

    /// Renders a complete page. The live script refetches the same URL and picks the live
    /// regions out of it by id, so no page needs a second, fragment-only template.
    pub(crate) fn render(&self, status: StatusCode, markup: Markup) -> Response {
        let mut res = (status, Html(markup.into_string())).into_response();
        res.headers_mut().insert(
            header::VARY,
            HeaderValue::from_static("Cookie, Accept-Language"),
        );
        // `?lang=xx` on any page is remembered as the switcher's choice is, so that the
        // pages it links to follow.
        if self.lang_in_address {
            res.headers_mut()
                .append(header::SET_COOKIE, language_cookie(self.tr.lang()));
        }
        res
    }
}

/// `(id, name)` options of the records that are not archived, by name.
fn live_options<'a>(
    records: impl Iterator<Item = (&'a bureau_model::Stamp, &'a String, &'a String)>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = records
        .filter(|(stamp, _, _)| !stamp.archived)
        .map(|(_, id, name)| (id.clone(), name.clone()))
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// The page to come back to after switching the language: this one for a GET, without a
/// `lang=` (which would undo the switch; the page's links keep the other parameters from
/// here, and the cookie carries the language); for a form that was posted (and answered with
/// its errors), the area's first page, since the posted URL may have no GET.
fn here(parts: &Parts) -> String {
    if parts.method == axum::http::Method::GET {
        let path = parts.uri.path();
        let Some(query) = parts.uri.query() else {
            return path.to_owned();
        };
        if !form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == LANG_PARAM) {
            return format!("{path}?{query}");
        }
        let rest: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .filter(|(k, _)| k != LANG_PARAM)
            .collect();
        if rest.is_empty() {
            return path.to_owned();
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&rest)
            .finish();
        return format!("{path}?{query}");
    }
    let first = parts.uri.path().split('/').find(|s| !s.is_empty());
    format!("/{}", first.unwrap_or_default())
}

/// A record id as one path segment: every byte but ASCII letters, digits, `-` and `_` is
/// percent-encoded, so that no id (ids come from every member's node, and any string can be a
/// key of the document) can add a segment, a query or a fragment to a URL a page builds. A
/// segment of dots alone would still be read as "." or ".." by the browser (`%2E` is a dot to
/// it), so such an id becomes three dots, which names no page.
pub(crate) fn seg(id: &str) -> String {
    if !id.is_empty() && id.bytes().all(|b| b == b'.') {
        return "...".to_owned();
    }
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        out.push_str("...");
    }
    out
}

/// A value in a URL's query, percent-encoded.
pub(crate) fn query_value(v: &str) -> String {
    form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

/// Where the records of a type are created (`POST`), and the start of each one's URL.
pub(crate) fn collection_url(ty: RecordType) -> &'static str {
    match ty {
        RecordType::Member => "/roster/members",
        RecordType::Group => "/roster/groups",
        RecordType::Review => "/roster/reviews",
        RecordType::Room => "/schedule/rooms",
        RecordType::Meeting => "/schedule/meetings",
        RecordType::Body => "/liaison/bodies",
        RecordType::Note => "/liaison/notes",
        RecordType::Document => "/documents",
        RecordType::Interpreter => "/interpretation/interpreters",
        RecordType::Device => "/peers",
    }
}

/// Where a record is shown and edited.
pub(crate) fn record_url(ty: RecordType, id: &str) -> String {
    match ty {
        RecordType::Device => collection_url(ty).to_owned(),
        _ => format!("{}/{}", collection_url(ty), seg(id)),
    }
}

/// Where a record's form posts: its page, or the collection for a new one.
pub(crate) fn form_action(ty: RecordType, id: Option<&str>) -> String {
    id.map_or_else(|| collection_url(ty).to_owned(), |id| record_url(ty, id))
}

/// The list a record belongs to.
fn list_url(ty: RecordType) -> &'static str {
    match ty {
        RecordType::Member | RecordType::Group | RecordType::Review => "/roster",
        RecordType::Room | RecordType::Meeting => "/schedule",
        RecordType::Body | RecordType::Note => "/liaison",
        RecordType::Document => "/documents",
        RecordType::Interpreter => "/interpretation",
        RecordType::Device => "/peers",
    }
}

/// Whether `path` is a path on this node and nothing else: a single `/` followed by a
/// character that is neither `/` nor `\` (browsers read `//host` and `/\host` as another
/// site), and no control character anywhere (browsers drop tabs and newlines from URLs, so
/// `/\t/evil.example` is `//evil.example` to them).
pub(crate) fn is_local_path(path: &str) -> bool {
    let mut chars = path.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !path.chars().any(char::is_control)
}

/// A 303 to a local path (never to another site, whatever a form says: anything but a local
/// path goes to `/`).
pub(crate) fn see_other(path: &str) -> Response {
    let to = if is_local_path(path) { path } else { "/" };
    let location = HeaderValue::from_str(to).unwrap_or_else(|_| HeaderValue::from_static("/"));
    let mut res = StatusCode::SEE_OTHER.into_response();
    res.headers_mut().insert(header::LOCATION, location);
    res
}

/// Reads a form body; a body over the limit or unreadable is an error page.
pub(crate) fn read_form(raw: Result<Bytes, BytesRejection>) -> Result<FormData, StatusCode> {
    raw.map(|b| FormData::parse(&b)).map_err(|rej| rej.status())
}

/// What became of an edit submitted from a form.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Applied; the record it touched.
    Done(Applied),
    /// Refused because of the input: errors by form field.
    Invalid(FormErrors),
    /// Refused for another reason: an error page.
    Failed(StatusCode, String),
}

/// Applies an edit, sorting its failure into field errors or an error page. `field_of` maps
/// a model field name to the form's field name.
pub(crate) async fn submit(
    v: &View,
    edit: Edit,
    field_of: &(dyn Fn(&str) -> String + Sync),
) -> Outcome {
    match v.app.doc.edit(edit).await {
        Ok(applied) => Outcome::Done(applied),
        Err(DocError::Edit(EditError::Invalid { field, message })) => {
            let mut errors = FormErrors::default();
            errors.add(&field_of(&field), forms::localize_error(v.tr, &message));
            Outcome::Invalid(errors)
        }
        Err(e) => {
            let api = crate::ApiError::from(e);
            let message = match api.code {
                "not_found" => v.tr.t("error-not-found"),
                "observer" => v.tr.t("error-observer"),
                "not_member" => v.tr.t("error-not-member"),
                "disk_full" => v.tr.t("error-disk-full"),
                "closed" => v.tr.t("error-closed"),
                _ => v.tr.t("error-not-saved"),
            };
            Outcome::Failed(api.status, message)
        }
    }
}

/// A page saying something went wrong, with the status.
pub(crate) fn error_page(v: &View, status: StatusCode, message: &str) -> Response {
    let title = v.tr.t("error-title");
    let body = maud::html! {
        h1 { (title) }
        p { (message) }
        p { a href="/" { (v.tr.t("back-to-overview")) } }
    };
    v.render(status, layout::page(v, layout::Section::None, &title, body))
}

/// A 404 page for an unknown record; while an older saved view is shown (the node was killed
/// after writing), a 503 asking to reload soon instead: the record may be one acknowledged
/// after that view, still loading, and a 404 would say it was lost.
pub(crate) fn not_found(v: &View) -> Response {
    if v.st.loading_older {
        let mut res = error_page(
            v,
            StatusCode::SERVICE_UNAVAILABLE,
            &v.tr.t("error-not-found-loading"),
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        return res;
    }
    error_page(v, StatusCode::NOT_FOUND, &v.tr.t("error-not-found"))
}

/// Any other address. A page (after the login, like every page) saying there is no page
/// there, in the reader's language and with the navigation; under `/api`, the API's JSON 404.
pub(crate) async fn fallback(State(app): State<AppState>, req: Request) -> Response {
    let path = req.uri().path();
    if path == "/api" || path.starts_with("/api/") {
        return crate::api::not_found().await.into_response();
    }
    if !authenticated(&app, req.headers()) {
        let tr = Tr(Lang::negotiate(req.uri(), req.headers()));
        let page = layout::login_page(tr, false).into_string();
        return (StatusCode::UNAUTHORIZED, Html(page)).into_response();
    }
    let (parts, _) = req.into_parts();
    let v = View::new(&app, &parts);
    let title = v.tr.t("not-found-title");
    let body = maud::html! {
        h1 { (title) }
        p { (v.tr.t("not-found-explain")) }
        p { a href="/" { (v.tr.t("back-to-overview")) } }
    };
    v.render(
        StatusCode::NOT_FOUND,
        layout::page(&v, layout::Section::None, &title, body),
    )
}

/// Pages and forms need the session (the login link's cookie, or the bearer token).
async fn require_login(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if authenticated(&state, req.headers()) {
        return next.run(req).await;
    }
    let tr = Tr(Lang::negotiate(req.uri(), req.headers()));
    let res = (
        StatusCode::UNAUTHORIZED,
        Html(layout::login_page(tr, false).into_string()),
    );
    res.into_response()
}

/// `POST /lang`: remembers the language in a cookie and goes back where the reader was.
async fn set_language(raw: Result<Bytes, BytesRejection>) -> Response {
    let form = read_form(raw).unwrap_or_default();
    let lang = form.get("lang").and_then(Lang::parse).unwrap_or(Lang::En);
    let back = form.get("back").unwrap_or("/");
    let mut res = see_other(back);
    res.headers_mut()
        .append(header::SET_COOKIE, language_cookie(lang));
    res
}

/// The cookie that remembers a language for a year.
fn language_cookie(lang: Lang) -> HeaderValue {
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; SameSite=Strict; Max-Age=31536000",
        lang.code()
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `POST /logout`: ends this browser's session and shows the login page.
async fn log_out(v: View, headers: axum::http::HeaderMap) -> Response {
    let ended = match crate::guard::session_of(&v.app, &headers) {
        Some(id) => v.app.config.sessions.remove(&id).await,
        None => Ok(()),
    };
    logged_out(&v, ended)
}

/// `POST /logout/all`: ends every browser's session, this one's too. Scripts that send the
/// token are not affected (rotate the token by deleting the `api-token` file).
async fn log_out_everywhere(v: View) -> Response {
    let ended = v.app.config.sessions.clear().await;
    logged_out(&v, ended)
}

fn logged_out(v: &View, ended: Result<(), String>) -> Response {
    let mut res = match ended {
        Ok(()) => see_other("/"),
        Err(e) => {
            tracing::error!(error = %e, "the ended sessions could not be saved");
            error_page(
                v,
                StatusCode::INTERNAL_SERVER_ERROR,
                &v.tr.t("error-logout-not-saved"),
            )
        }
    };
    res.headers_mut()
        .insert(header::SET_COOKIE, crate::guard::session_cookie_header(""));
    res
}

/// A record type that a page may name in a URL (devices are revoked, not archived).
pub(crate) fn parse_type(ty: &str) -> Option<RecordType> {
    RecordType::parse(ty)
        .ok()
        .filter(|t| *t != RecordType::Device)
}

/// `POST /records/{ty}/{id}/archive`: archives, then shows the list with an undo button.
async fn archive(v: View, Path((ty, id)): Path<(String, String)>) -> Response {
    let Some(ty) = parse_type(&ty) else {
        return not_found(&v);
    };
    match submit(&v, Edit::Archive { ty, id: id.clone() }, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!(
            "{}?done=archived&type={}&id={}",
            list_url(ty),
            ty.as_str(),
            query_value(&id)
        )),
        Outcome::Invalid(e) => error_page(&v, StatusCode::BAD_REQUEST, &e.summary()),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

/// `POST /records/{ty}/{id}/restore`: the undo of an archive.
async fn restore(v: View, Path((ty, id)): Path<(String, String)>) -> Response {
    let Some(ty) = parse_type(&ty) else {
        return not_found(&v);
    };
    match submit(&v, Edit::Restore { ty, id: id.clone() }, &|f| f.to_owned()).await {
        Outcome::Done(_) => see_other(&format!("{}?done=restored", record_url(ty, &id))),
        Outcome::Invalid(e) => error_page(&v, StatusCode::BAD_REQUEST, &e.summary()),
        Outcome::Failed(status, msg) => error_page(&v, status, &msg),
    }
}

#[cfg(test)]
mod tests;
