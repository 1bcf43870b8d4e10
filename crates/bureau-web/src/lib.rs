//! The only crate that knows HTTP: the JSON API, the web UI, live events, and local
//! authentication.
//!
//! [`router`] builds the whole axum application over an [`AppState`] (a [`DocHandle`] plus
//! configuration), so tests drive it with `tower::ServiceExt::oneshot` and no socket. [`serve`]
//! runs it on a listener with the defences a loopback UI needs: a header-read timeout (axum's
//! own `serve` leaves hyper's inert), a deadline for request bodies, a cap on concurrent
//! connections, graceful shutdown on a cancellation token.
//!
//! Invariants:
//! - Every request passes the `Host` allow-list (DNS rebinding; the node's own
//!   `<label>.localhost` name among the allowed) and, for writes, the `Origin` check, before
//!   any handler runs; every `/api` request and every page needs the token as a bearer header
//!   or a live browser session ([`session`]). The cookie never carries the token, and an empty
//!   token or cookie is never valid.
//! - Every URL a page builds is made of validated parts: record types from the enum, ids
//!   percent-encoded as one path segment, redirects only to local paths.
//! - Bad input is a 4xx whose JSON names the field; nothing is written for it.
//! - Handlers never block: reads take the published snapshot, writes await the actor.
//! - The UI ([`ui`]) is server-rendered: its pages and forms need the session like the API,
//!   its writes are POSTed forms (so the `Origin` check covers them), and its only script is
//!   the embedded `web/live.js`, so the Content-Security-Policy allows nothing inline.

mod api;
mod board;
mod bundle;
mod doctor;
mod documents;
mod error;
mod export;
mod feeds;
mod guard;
mod home;
mod input;
mod presence;
mod search;
pub mod session;
mod settings;
mod trace;
mod ui;
pub mod venue;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{delete, get, post};
use bureau_doc::DocHandle;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};

pub use error::ApiError;
pub use feeds::api::rotate_edit as new_feed_secret_edit;
pub use feeds::public_feeds;
pub use guard::SESSION_COOKIE;
pub use session::{SESSIONS_FILE, SessionFile, Sessions};

/// Largest request body accepted. A liaison note's text is the biggest thing anyone sends; a
/// megabyte holds a long one, and refusing more early keeps a runaway client from costing
/// memory.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// How long a client may take to send its request headers. Short, because the UI is on the
/// same machine; it stops slow-header connections from piling up (slowloris).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// How long shutdown waits for open connections (event streams never end by themselves).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// How long a client may take to send a request's body once its headers are in. A megabyte
/// over loopback takes milliseconds; the deadline only ends bodies that stall.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Most connections served at once. Further ones wait in the listener's backlog until one
/// ends: each open connection holds a task and buffers, and a local UI needs a handful.
pub const MAX_CONNECTIONS: usize = 512;

/// What the web layer needs to know.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// The secret scripts send as a bearer header, and the login link carries once. Never
    /// empty in a running node (the binary checks the file's form); an empty one lets no one in.
    pub token: String,
    /// `Host` header values accepted, e.g. `127.0.0.1:7878`, `localhost:7878`.
    pub allowed_hosts: Vec<String>,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// How long a request's body may take to arrive.
    pub body_timeout: Duration,
    /// The browsers' sessions.
    pub sessions: Arc<session::Sessions>,
    /// Whether the web UI is served: a hub (`serve --hub`) serves only the API, for
    /// `bureau status` and scripts, and every UI address is a JSON 404.
    pub ui: bool,
    /// The venue listener (`serve --venue`), which the peers page shows with a QR code for
    /// phones; `None` when it is off.
    pub venue: Option<VenueAddress>,
}

/// Where phones reach the venue listener.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VenueAddress {
    /// The address it listens on (an unspecified IP means every interface).
    pub addr: std::net::SocketAddr,
    /// Whether it speaks TLS (`https`).
    pub tls: bool,
}

impl WebConfig {
    /// The configuration for a node listening on loopback `port`, with sessions in memory.
    pub fn loopback(token: String, port: u16) -> WebConfig {
        WebConfig {
            token,
            allowed_hosts: vec![
                format!("127.0.0.1:{port}"),
                format!("localhost:{port}"),
                format!("[::1]:{port}"),
            ],
            body_limit: DEFAULT_BODY_LIMIT,
            body_timeout: BODY_READ_TIMEOUT,
            sessions: Arc::new(session::Sessions::in_memory()),
            ui: true,
            venue: None,
        }
    }

    /// Also answers at `<label>.localhost:<port>`, the node's own host name: browsers resolve
    /// every `*.localhost` name to loopback, and a cookie set there is sent to no other host,
    /// so a page that another local service serves on `127.0.0.1` or `localhost` (whatever
    /// its port) never gets this node's session. Whoever does not know the label cannot make
    /// a browser send the cookie.
    pub fn with_host_label(mut self, label: &str, port: u16) -> WebConfig {
        self.allowed_hosts.push(format!("{label}.localhost:{port}"));
        self
    }
}

/// Whether `label` is a host label this node makes: `bureau-` and 32 lowercase hex digits.
pub fn is_host_label(label: &str) -> bool {
    label.strip_prefix("bureau-").is_some_and(|hex| {
        hex.len() == 32 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    })
}

/// A failed network request, as the web layer reports it.
#[derive(Debug, Clone)]
pub struct NetFailure {
    /// The request field at fault, if the user's input was.
    pub field: Option<&'static str>,
    /// What went wrong.
    pub message: String,
}

/// The network at a glance, as the web layer shows and serves it (`/api/status`, `/api/peers`,
/// the peers page, the header's sync badge). Owned here, filled in by the binary from
/// `bureau-net`'s status, so that pages read typed fields rather than JSON by string keys and
/// a field renamed on either side is a compile error, not a blank cell.
#[derive(Clone, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct NetworkStatus {
    /// Addresses this node listens on.
    pub listen: Vec<String>,
    /// Sync is paused ("airplane mode").
    pub paused: bool,
    /// Known peers.
    pub peers: Vec<PeerInfo>,
    /// What the discovery doctor needs (see [`doctor`]).
    pub facts: NetFacts,
}

/// Facts about the network that explain a node not syncing.
#[derive(Clone, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct NetFacts {
    /// mDNS discovery is on.
    pub mdns: bool,
    /// mDNS found at least one other node since the start.
    pub mdns_heard: bool,
    /// Seconds since the network started.
    pub running_secs: u64,
    /// Whether the system has a route multicast can take; `None` when unknown.
    pub multicast_route: Option<bool>,
    /// The last error of each address whose last dial failed, newest first.
    pub dial_errors: Vec<DialFailure>,
    /// Peers refused since the start, newest first.
    pub refused: Vec<Refusal>,
    /// Peers that refused this node's sync protocol (another release), newest first.
    pub incompatible: Vec<Incompatible>,
}

/// A peer that refused this node's sync protocol.
#[derive(Clone, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct Incompatible {
    /// The peer.
    pub peer_id: String,
    /// The protocol it refused.
    pub protocol: String,
    /// When (RFC 3339).
    pub at: String,
}

/// An address whose last dial failed.
#[derive(Clone, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct DialFailure {
    /// The address, without `/p2p/`.
    pub addr: String,
    /// The peer dialled there, if the dial named one.
    pub peer_id: Option<String>,
    /// What the transport said.
    pub error: String,
    /// When (RFC 3339).
    pub at: String,
}

/// A peer this node refused.
#[derive(Clone, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct Refusal {
    /// The peer.
    pub peer_id: String,
    /// `revoked` or `not_member`.
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

/// One peer as the node sees it.
#[derive(Clone, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct PeerInfo {
    /// The peer id.
    pub peer_id: String,
    /// The device's name in the document, if it is a device of the bureau.
    pub name: Option<String>,
    /// The member owning it.
    pub member_id: Option<String>,
    /// Its role.
    pub role: Option<String>,
    /// Whether it is revoked.
    pub revoked: bool,
    /// A connection is open.
    pub connected: bool,
    /// Both sides' heads are equal.
    pub in_sync: bool,
    /// When a sync message from it was last applied (RFC 3339).
    pub last_sync: Option<String>,
    /// The address of the connection in use, or the one that would be dialled.
    pub addr: Option<String>,
    /// How the node learned of it (`mdns`, `cli`, `api`, `invite`, `remembered`, `inbound`,
    /// `bureau`).
    pub source: Option<String>,
    /// Sync frames exchanged with it since the node started.
    pub sync: SyncCounts,
    /// The sync protocol of the running session, if one runs.
    pub protocol: Option<String>,
    /// Its heads as it last announced them to this node, and when they were new.
    pub heads: Option<HeadsSeen>,
    /// Its heads as another peer last told of them (the newest such word), with that peer.
    pub heard: Option<HeadsSeen>,
    /// How far its clock is ahead of this node's (negative: behind), in seconds.
    pub clock_offset_secs: Option<i64>,
}

/// A peer's heads as known at a time, directly or through another peer.
#[derive(Clone, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct HeadsSeen {
    /// Its heads, hex.
    pub heads: Vec<String>,
    /// When it held them (RFC 3339).
    pub at: String,
    /// The peer that told of them; `None` for what it announced itself.
    pub via: Option<String>,
}

/// Counts of sync frames exchanged with one peer, each way.
#[derive(Clone, Copy, Debug, Default, serde::Serialize, PartialEq, Eq)]
pub struct SyncCounts {
    /// Bytes sent.
    pub sent_bytes: u64,
    /// Bytes received.
    pub received_bytes: u64,
    /// Messages sent.
    pub sent_messages: u64,
    /// Messages received.
    pub received_messages: u64,
}

/// A boxed future, so that [`Network`] can be a trait object.
pub type NetFuture<T> = Pin<Box<dyn Future<Output = Result<T, NetFailure>> + Send>>;

/// What a bundle call returns: the document layer's errors, which name why a bundle was
/// refused.
pub type BundleFuture<T> = Pin<Box<dyn Future<Output = Result<T, bureau_doc::DocError>> + Send>>;

/// What the web layer needs from peer sync. The node implements it over `bureau-net`; the web
/// crate never sees libp2p.
pub trait Network: Send + Sync + std::fmt::Debug + 'static {
    /// The latest status.
    fn status(&self) -> Arc<NetworkStatus>;
    /// Wakes when the status changes.
    fn changed(&self) -> tokio::sync::watch::Receiver<()>;
    /// Dials a multiaddr.
    fn dial(&self, addr: String) -> NetFuture<()>;
    /// Pauses or resumes all peer traffic.
    fn set_paused(&self, paused: bool) -> NetFuture<()>;
    /// Makes an invite for a new member named by the joiner.
    fn invite(
        &self,
        role: bureau_model::Role,
        expires_in: std::time::Duration,
    ) -> NetFuture<InviteMade>;
    /// Makes an invite for a device of `role`, for the member `member_id` or (with `None`)
    /// for a new member named by the joiner. Who may invite whom is checked before
    /// (`bureau_model::check_invite`). A network that makes only invites for new members
    /// keeps this default.
    fn invite_for(
        &self,
        role: bureau_model::Role,
        expires_in: std::time::Duration,
        member_id: Option<String>,
    ) -> NetFuture<InviteMade> {
        match member_id {
            None => self.invite(role, expires_in),
            Some(_) => Box::pin(async {
                Err(NetFailure {
                    field: Some("member_id"),
                    message: "this node cannot make an invite for a member".to_owned(),
                })
            }),
        }
    }
    /// The invites this node made that it still keeps, newest expiry first. A network that
    /// keeps no book answers none.
    fn invites(&self) -> NetFuture<Vec<InviteListed>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    /// A sealed change bundle of every change, or of those `since_peer` is not known to
    /// hold, signed with this device's key. A network without the device's key keeps this
    /// default.
    fn bundle_export(&self, since_peer: Option<String>) -> BundleFuture<Vec<u8>> {
        let _ = since_peer;
        Box::pin(async { Err(no_bundles()) })
    }
    /// Imports a sealed change bundle (see `bureau_net::bundle::import`).
    fn bundle_import(&self, bytes: Vec<u8>) -> BundleFuture<bureau_doc::ImportReport> {
        let _ = bytes;
        Box::pin(async { Err(no_bundles()) })
    }
    /// Whether this node's bureau has had no edit since this node founded it (a new laptop
    /// whose owner started it before being invited), so that it may join another bureau
    /// from the UI. A network that cannot join keeps this default.
    fn untouched(&self) -> bool {
        false
    }
    /// Joins another bureau with an invite (a short code, found at `peers` or by mDNS, or a
    /// link) as `name` (for an invite that makes a new member), sets this node's untouched
    /// bureau aside and starts the node again on the bureau joined, which arrives from the
    /// inviter. Answers once the inviter accepted; the restart follows the answer. A failure
    /// names the field at fault (`code`, `name`, `peer`), or none when the inviter could not
    /// be reached.
    fn join_bureau(
        &self,
        code: String,
        name: Option<String>,
        peers: Vec<String>,
    ) -> NetFuture<JoinedBureau> {
        let _ = (code, name, peers);
        Box::pin(async {
            Err(NetFailure {
                field: None,
                message: "this node cannot join another bureau from here".to_owned(),
            })
        })
    }
    /// Says that an editor of `document` on this node (`tab` tells it from the node's other
    /// editors) is in `paragraph`, or, with `None`, has left; peers hear it over sync and
    /// nothing is stored. A network without presence keeps this default.
    fn set_presence(&self, document: String, tab: String, paragraph: Option<u32>) -> NetFuture<()> {
        let _ = (document, tab, paragraph);
        Box::pin(async { Ok(()) })
    }
    /// Who on a connected node has `document` open now, by name. A network without presence
    /// keeps this default.
    fn presence(&self, document: String) -> NetFuture<Vec<PresenceSeen>> {
        let _ = document;
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// Someone on a connected node who has a shared document open, as
/// `GET /api/documents/{id}/presence` lists them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PresenceSeen {
    /// Their member record's id.
    pub member_id: String,
    /// The member's name.
    pub name: String,
    /// The name of the device they use.
    pub device: String,
    /// The paragraph they are in, from 0: the text's non-empty lines, counted from the top.
    pub paragraph: u32,
    /// How long ago their node last said so, in milliseconds.
    pub seen_ms_ago: u64,
}

fn no_bundles() -> bureau_doc::DocError {
    bureau_doc::DocError::BundleRefused {
        reason: "unavailable",
        message: "this node cannot make or open change bundles".to_owned(),
    }
}

/// A bureau this node joined from the UI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinedBureau {
    /// The bureau joined.
    pub bureau_id: String,
    /// The member this device joined as, as the inviter named it.
    pub member_name: Option<String>,
}

/// An invite just made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InviteMade {
    /// The short code to read out or type (`7-orbit-lantern`).
    pub code: String,
    /// The link with the inviter's addresses and secret, which the QR code holds.
    pub link: String,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
}

/// An invite this node made, as the peers page and `GET /api/invites` list it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct InviteListed {
    /// Its short code, while it is open (a closed code is worth nothing, and an open one is
    /// shown only to this node's own user).
    pub code: Option<String>,
    /// The joining device's role.
    pub role: String,
    /// The member it joins as, or none for a new member.
    pub member_id: Option<String>,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
    /// `open`, `used`, `expired` or `burned` (its code was guessed wrong too often).
    pub state: String,
    /// Wrong guesses of its code so far.
    pub wrong: u32,
}

/// Shared state of every handler.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The document.
    pub doc: DocHandle,
    /// Peer sync, when the node runs it.
    pub net: Option<Arc<dyn Network>>,
    /// Web settings.
    pub config: Arc<WebConfig>,
    /// Cancelled when the node shuts down; ends event streams.
    pub cancel: CancellationToken,
}

/// The whole application: API, UI pages, login link, guards.
pub fn router(state: AppState) -> Router {
    router_with_feed_secret(state, feeds::settings_secret)
}

/// [`router`] with the calendar feeds' secret read by `feed_secret`.
pub(crate) fn router_with_feed_secret(state: AppState, feed_secret: feeds::SecretFn) -> Router {
    let api = Router::new()
        .route("/status", get(api::status))
        .route("/findings", get(api::findings))
        .route("/conflicts", get(api::conflicts))
        .route("/conflicts/resolve", post(api::resolve))
        .route("/history", get(api::history))
        .route("/events", get(api::events))
        .route("/doc", get(api::doc_bytes))
        .route("/peers", get(api::peers).post(api::dial))
        .route("/sync/pause", post(api::pause))
        .route("/sync/resume", post(api::resume))
        .route("/invites", post(api::invite).get(api::invites))
        .route("/join", post(api::join))
        .route("/board", get(board::api))
        .route(
            "/bundle",
            get(bundle::get)
                .post(bundle::post)
                .layer(DefaultBodyLimit::max(bundle::MAX_BUNDLE_BODY)),
        )
        .route("/doctor", get(doctor::api))
        .route("/settings", get(settings::get).patch(settings::patch))
        .route("/feeds", get(feeds::api::list))
        .route("/feeds/rotate", post(feeds::api::rotate))
        .route("/search", get(search::api))
        .route("/export/{file}", get(export::export))
        .route("/import/{collection}", post(export::import_api))
        .route(
            "/devices/{peer_id}",
            delete(api::revoke)
                .get(api::get_device)
                .patch(api::update_device),
        )
        .route("/members/{id}/merge", post(api::merge_members))
        .route(
            "/documents",
            get(api::list_documents).post(documents::create),
        )
        .route("/documents/import", post(documents::import))
        .route(
            "/documents/{id}",
            get(documents::get_one)
                .patch(documents::update)
                .delete(api::archive_document),
        )
        .route("/documents/{id}/splice", post(documents::splice))
        .route("/documents/{id}/text", post(documents::save_text))
        .route("/documents/{id}/comments", post(documents::comment))
        .route(
            "/documents/{id}/comments/{cid}/replies",
            post(documents::reply),
        )
        .route(
            "/documents/{id}/comments/{cid}/resolve",
            post(documents::resolve),
        )
        .route(
            "/documents/{id}/comments/{cid}/reopen",
            post(documents::reopen),
        )
        .route("/documents/{id}/suggestions", post(documents::suggest))
        .route(
            "/documents/{id}/suggestions/{sid}/accept",
            post(documents::accept),
        )
        .route(
            "/documents/{id}/suggestions/{sid}/reject",
            post(documents::reject),
        )
        .route("/documents/{id}/versions", post(documents::name_version))
        .route("/documents/{id}/diff", get(documents::diff))
        .route("/documents/{id}/export", get(documents::export))
        .route(
            "/documents/{id}/presence",
            get(presence::list)
                .put(presence::set)
                .post(presence::set)
                .delete(presence::leave),
        )
        .route("/{collection}", get(api::list).post(api::create))
        .route(
            "/{collection}/{id}",
            get(api::get_one).patch(api::update).delete(api::archive),
        )
        .route("/{collection}/{id}/restore", post(api::restore))
        .fallback(api::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_token,
        ));
    let pages = if state.config.ui {
        Router::new()
            .route("/", get(home::home))
            .merge(ui::router(state.clone()))
            .fallback(ui::fallback)
    } else {
        Router::new().fallback(api::not_found)
    };
    pages
        // Outside the token and session guards: a calendar app sends neither, and each feed
        // checks its own key.
        .merge(feeds::routes(feed_secret))
        .nest("/api", api)
        // Over every route, nested and merged ones included: they see the full template.
        .route_layer(middleware::from_fn(trace::record_route))
        .layer(DefaultBodyLimit::max(state.config.body_limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::login_link,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::body_deadline,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::host_and_origin,
        ))
        .layer(middleware::from_fn(trace::request_span))
        .with_state(state)
}

/// Serves `app` on `listener` until `cancel` fires, then lets open requests finish for a
/// moment and returns. At most [`MAX_CONNECTIONS`] connections are served at once.
pub async fn serve(listener: TcpListener, app: Router, cancel: CancellationToken) {
    serve_with(listener, app, cancel, MAX_CONNECTIONS).await;
}

/// Accepts connections on `listener` until `cancel` fires, at most `max_connections` held at
/// once: each is handed to `serve` with its peer's address and the slot it holds, which the
/// connection's task drops when it ends. The listener is closed on return.
pub(crate) async fn accept_each(
    listener: TcpListener,
    cancel: &CancellationToken,
    max_connections: usize,
    mut serve: impl FnMut(
        tokio::net::TcpStream,
        std::net::SocketAddr,
        tokio::sync::OwnedSemaphorePermit,
    ),
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(max_connections.max(1)));
    loop {
        // Take a slot before accepting: while every slot is taken, new connections wait in
        // the kernel's backlog (and are refused by it once that is full), costing nothing here.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = cancel.cancelled() => break,
        };
        let (stream, peer) = tokio::select! {
            res = listener.accept() => match res {
                Ok(conn) => conn,
                Err(e) => {
                    // Running out of file descriptors is transient; back off instead of spinning.
                    warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = cancel.cancelled() => break,
        };
        serve(stream, peer, slot);
    }
    drop(listener);
}

/// [`serve`] with another cap on concurrent connections (tests use a small one).
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    cancel: CancellationToken,
    max_connections: usize,
) {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    accept_each(listener, &cancel, max_connections, |stream, peer, slot| {
        debug!(%peer, "connection");
        let svc = TowerToHyperService::new(app.clone());
        let conn = http.serve_connection(TokioIo::new(stream), svc);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    })
    .await;
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        debug!("some connections were still open at shutdown");
    }
}

#[cfg(test)]
mod tests;
