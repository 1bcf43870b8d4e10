//! The sync session: one peer, one ordered byte stream, the automerge sync protocol.
//!
//! A session knows nothing of the network that carries it: it runs over any
//! `AsyncRead + AsyncWrite` (a libp2p stream in the node, a `tokio::io::duplex` in tests).
//!
//! Wire formats. Both are frames of a big-endian `u32` length and that many bytes; a frame
//! longer than [`MAX_FRAME`] ends the session before anything is allocated for it.
//!
//! - `/bureau/sync/1`: every frame is a document frame: one byte `n`, `n` bytes naming the
//!   document (the bureau id), then one encoded automerge sync message.
//! - `/bureau/sync/2`: every frame starts with a [kind](Kind) byte. Each side's first frame is
//!   a `Hello` listing the capabilities it has ([`CAPABILITIES`]); a session uses those both
//!   sides list (peers' heads, clocks, presence). The next frames are `Sync` frames (a
//!   document frame as in `/1`). A frame of a
//!   kind this node does not know is skipped: later releases add kinds only for capabilities
//!   both sides announced, so a new feature is a new capability, never a new protocol id. Both
//!   sides send their `Hello` and first message at once, so the exchange costs no round trip.
//!   To a peer whose previous exchange said it reads them ([`SETS`]), a `Hello` names this
//!   release's capability set by number instead of listing it.
//!
//! A node opens `/2` only to a peer whose device record lists it ([`Version`]), and `/1`
//! otherwise, so a node of the previous release (which speaks only `/1`) never sees a stream
//! it cannot negotiate. Both are accepted.
//!
//! Flow: on start each side sends its first message (which already carries the changes since
//! the last sync, as bundles, where the peer read them in its previous session:
//! [`SessionConfig::push_on_open`]); then every received message is applied
//! (through the document actor, which makes its changes durable) and answered, and every
//! change of the local document sends the message the actor put in the session's
//! [`bureau_doc::Outbox`] as soon as the change was durable. The session ends when the stream ends,
//! the peer sends something hostile, the peer is no longer a member, or it is cancelled; the
//! actor then saves the peer's sync state for the next connection.
//!
//! Defences against a hostile (or broken) member: the frame cap; the [`guard`] that refuses
//! compressed data inflating past [`MAX_INFLATED`], and columns claiming more than [`MAX_ROWS`]
//! operations, before automerge sees them; automerge's decode
//! and apply run under `catch_unwind` (the actor reloads the document from disk after a
//! panic). Any of these ends this session only; the node and its other sessions go on.

pub mod deflate;
pub mod guard;
pub mod split;

use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bureau_doc::{DocError, DocHandle, Outbox, SyncProgress};
use bureau_model::automerge::sync::Message;
use thiserror::Error;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, trace, warn};

/// The libp2p protocol name of the first sync protocol: document frames only.
pub const SYNC_PROTOCOL: &str = "/bureau/sync/1";

/// The libp2p protocol name of the sync protocol with frame kinds and capabilities.
pub const SYNC_PROTOCOL_V2: &str = "/bureau/sync/2";

/// The capability of [`Kind::PeerHeads`] frames: each side tells the other which heads its
/// own peers held and when (a [`Heard`] list), so that a node learns how far members it never
/// meets are (a hub's peers, say) and its board can say "has it, through the hub".
pub const PEER_HEADS: &str = "peer-heads/1";

/// With [`PEER_HEADS`]: a [`Kind::PeerHeads`] frame carries only the entries that changed
/// since the sender's previous one in the session, and the receiver merges it into what it
/// was told. In a mesh every node's heads change with every edit, so whole lists, sent by
/// every node to every peer, grow with the cube of the nodes.
pub const PEER_HEADS_DELTA: &str = "peer-heads-delta/1";

/// The capability of [`Kind::Clock`] frames: each side tells the other its clock when the
/// session starts, so that a node can say when a member's clock is far from its own (times on
/// records would look wrong, and the doctor says so).
pub const CLOCK: &str = "clock/1";

/// The capability of [`Kind::Presence`] frames: each side tells the other which shared
/// documents its user has open and in which paragraph ([`Presence`]), when the session starts,
/// whenever that changes and again every few seconds, so that an editor shows who else is
/// there. Nothing of it is stored: a node forgets a peer's presence when its session ends or
/// when no refresh came for a while.
pub const PRESENCE: &str = "presence/1";

/// The capability of [`Kind::SyncDeflated`] frames: sync frames of [`deflate::MIN_DEFLATE`]
/// bytes or more go compressed, one DEFLATE stream per direction ([`deflate`]). A change
/// alone is mostly uncompressed, and the changes of a reconnect repeat keys, ids and actors
/// from one to the next: on the wire they take about half their size.
pub const DEFLATE: &str = "deflate/1";

/// The capability of automerge bundles in sync messages: a message that carries many changes
/// carries them as bundles (chunk type 3: the changes in the document's column encoding,
/// their hashes and headers left out and recomputed by the receiver), about a fourth of their
/// deflated size ([`bureau_doc::Outbox::peer_reads_bundles`]). The receiver checks them as it
/// checks a document ([`guard`]). Named with the version of the bundle format: automerge
/// calls it experimental, so a release whose automerge writes another format lists another
/// name, and peers fall back to change chunks.
pub const BUNDLE: &str = "bundle/1";

/// The capability of short `Hello`s: the sender reads a `Hello` that names a capability set
/// by its number ([`CAPABILITY_SETS`]) instead of listing the names, for sets up to the `N`
/// of `sets/N`. A `Hello` that lists this release's names is 83 bytes on the wire, sent by
/// each side on every reconnect; a short one is 8. A node sends one only to a peer whose
/// previous exchange listed this release's own set ([`SessionConfig::short_hello`]): a peer
/// of an earlier release would read it as an empty list (its parser skips the bytes after
/// the list) and use no capability for one session.
pub const SETS: &str = "sets/1";

/// Capability set 1: what this release lists. A set never changes once released, since a
/// peer resolves its number to these names; a release whose [`CAPABILITIES`] differ appends
/// a set, keeps every earlier one (to read older peers' short `Hello`s) and lists the
/// `sets/N` of its own.
const SET_1: &[&str] = &[
    PEER_HEADS,
    PEER_HEADS_DELTA,
    CLOCK,
    PRESENCE,
    DEFLATE,
    BUNDLE,
    SETS,
];

/// Every capability set this release can read in a short `Hello`: set `n` is the entry at
/// `n - 1`.
pub const CAPABILITY_SETS: &[&[&str]] = &[SET_1];

/// The number of this release's own set, which its short `Hello` names.
pub const OWN_SET: u8 = CAPABILITY_SETS.len() as u8;

/// Capabilities this node announces in its `Hello`. A capability is used only when both sides
/// list it, so a new feature is a new name here, never a new protocol id. Always the last of
/// [`CAPABILITY_SETS`].
pub const CAPABILITIES: &[&str] = SET_1;

/// The tag that follows a `Hello`'s empty list when the frame names a set: then one byte,
/// the set's number.
const HELLO_SET_TAG: u8 = 1;

/// Shortest time between two [`Kind::PeerHeads`] frames of a session: the board is for people
/// (who has what, through whom), and while edits flow it changes with each of them.
const TELL_HEADS_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// Longest [`Kind::Presence`] frame accepted; a longer one is dropped unread. Room for the
/// most open documents ([`MAX_PRESENCE_DOCS`]) with the longest ids and names.
pub const MAX_PRESENCE_FRAME: usize = 16 * 1024;

/// Most open documents one [`Presence`] may list: a person has a few editors open at once.
pub const MAX_PRESENCE_DOCS: usize = 32;

/// Most entries a [`Kind::PeerHeads`] frame may carry, and most heads per entry: a bureau has
/// dozens of devices, and a document has a handful of heads at a time.
pub const MAX_HEARD: usize = 512;
const MAX_HEARD_HEADS: usize = 32;

/// Most capabilities a `Hello` may list, and the longest name, so that a peer cannot make
/// the session hold much for them.
const MAX_CAPABILITIES: usize = 64;

/// Which sync protocol a session speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// `/bureau/sync/1`.
    V1,
    /// `/bureau/sync/2`.
    V2,
}

impl Version {
    /// Every version this release speaks, newest first.
    pub const ALL: [Version; 2] = [Version::V2, Version::V1];

    /// The libp2p protocol name.
    pub fn protocol(self) -> &'static str {
        match self {
            Version::V1 => SYNC_PROTOCOL,
            Version::V2 => SYNC_PROTOCOL_V2,
        }
    }

    /// The version a protocol name stands for.
    pub fn from_protocol(name: &str) -> Option<Version> {
        Version::ALL.into_iter().find(|v| v.protocol() == name)
    }

    /// The version to open to a peer whose device record lists `listed` protocols: the newest
    /// both speak, `/1` for a peer that lists none (a node of a release before `/2`).
    pub fn to_open(ours: &[Version], listed: &[String]) -> Version {
        ours.iter()
            .copied()
            .find(|v| listed.iter().any(|p| p == v.protocol()))
            .unwrap_or(Version::V1)
    }
}

/// The kind byte that opens every `/bureau/sync/2` frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    /// The capability exchange: `u8` count, then per capability a `u8` length and its name.
    /// Bytes after the list are ignored (room for a later release to say more), except in a
    /// short `Hello` ([`SETS`]): an empty list, then the tag `1` and a set's number.
    Hello = 0,
    /// A document frame with one automerge sync message.
    Sync = 1,
    /// What the sender knows of its own peers' heads ([`PEER_HEADS`]): `u16` count, then per
    /// entry a `u8` length and the peer id, an `i64` Unix time when it held them, a `u8` count
    /// and that many 32-byte change hashes.
    PeerHeads = 2,
    /// The sender's clock ([`CLOCK`]): an `i64` of Unix milliseconds, big-endian.
    Clock = 3,
    /// The sender's [`Presence`] ([`PRESENCE`]): a `u8` length and the member id, the same
    /// for the member's name and for the device's name, a `u8` count of open documents, then
    /// per document a `u8` length and its id and a `u32` paragraph (from 0), big-endian.
    /// Bytes after the list are ignored (room for a later release to say more).
    Presence = 4,
    /// A [`Kind::Sync`] frame's body (without its kind byte), compressed: the next piece of
    /// the sender's DEFLATE stream, ending in a sync flush ([`DEFLATE`]).
    SyncDeflated = 5,
}

/// Who has which shared documents open on a node, and where: what one node tells its peers
/// in [`Kind::Presence`] frames. Never stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Presence {
    /// The member using the node (a member record's id), empty if it has none yet.
    pub member_id: String,
    /// The member's name, as the sender's document gives it.
    pub name: String,
    /// The device's name, as the sender's document gives it.
    pub device: String,
    /// The documents open, each at most once.
    pub open: Vec<OpenDocument>,
}

/// One document open on a node, and the paragraph its user is in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenDocument {
    /// The document's record id.
    pub document: String,
    /// The paragraph the caret is in, from 0 (paragraphs are the text's non-empty lines).
    pub paragraph: u32,
}

/// A peer's presence as a session received it, with when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresenceHeard {
    /// What the peer told.
    pub presence: Arc<Presence>,
    /// When it arrived: a peer refreshes it every few seconds, so an old one is stale.
    pub at: std::time::Instant,
}

/// What a node heard of one peer's heads: which, and when (Unix seconds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Heard {
    /// The peer (a device's peer id).
    pub peer: String,
    /// Its heads, hex.
    pub heads: Vec<String>,
    /// When it held them, Unix seconds (by the clock of the node that heard it).
    pub at: i64,
}

/// Largest frame accepted or sent. A whole bureau document of the largest size the project
/// plans for (docs/performance.md gives what it saves to) fits many times over, which leaves
/// room to grow while bounding what one peer can make us buffer.
pub const MAX_FRAME: usize = 24 * 1024 * 1024;

/// Most bytes the compressed parts of one message may inflate to. Deflate reaches about 1000:1
/// on adversarial input, so without a cap a message of a megabyte can cost gigabytes. The
/// planned largest bureau inflates to a few times its saved size, far below the cap, which
/// still bounds what a hostile member can make automerge allocate.
pub const MAX_INFLATED: usize = 64 * 1024 * 1024;

/// Most rows (operations, or changes in a document chunk) the columns of one message's chunks
/// may claim together. Run-length encoding lets a few bytes claim any number of operations,
/// and automerge walks each one it is told of, so without a cap a 100-byte change keeps the
/// actor busy for hours. The planned largest bureau (thousands of notes of hundreds of
/// characters, each character an operation) holds a few million operations, all of which a
/// fresh peer receives in one message; 2^25 leaves ample room.
pub const MAX_ROWS: u64 = 1 << 25;

/// Most rows the columns of one of the node's own document files may claim: a snapshot holds
/// the whole bureau's history, far more than one message, but not billions.
pub const MAX_STORED_ROWS: u64 = 1 << 28;

/// Frames buffered between the reading task and the session. Small: the session applies each
/// message before reading the next, and a fast peer should feel back-pressure.
const READ_AHEAD: usize = 4;

/// Why a session ended.
#[derive(Debug, Error)]
pub enum SyncError {
    /// The stream failed or closed in the middle of a frame.
    #[error("stream error: {0}")]
    Io(#[from] io::Error),
    /// The peer announced a frame over the cap.
    #[error("frame of {len} bytes is over the {cap}-byte limit")]
    FrameTooLarge {
        /// Announced length.
        len: usize,
        /// The cap.
        cap: usize,
    },
    /// The frame or message could not be parsed.
    #[error("malformed frame: {0}")]
    Malformed(String),
    /// The frame names a document this node does not share with the peer.
    #[error("frame for unknown document {0:?}")]
    WrongDocument(String),
    /// The message's compressed data is unsafe to inflate.
    #[error(transparent)]
    Guard(#[from] guard::GuardError),
    /// The document actor refused the peer or its message.
    #[error(transparent)]
    Doc(#[from] DocError),
    /// This node pushed bundles on opening (the peer read them in its previous session) and
    /// the peer's capability exchange no longer lists [`BUNDLE`]: it runs an earlier release
    /// now. The session ends, and the next one waits for the exchange as any first does.
    #[error("the peer no longer reads bundles; the session starts again without them")]
    BundlesGone,
    /// This node compressed its first message (the peer listed this release's capability
    /// set in its previous session) and the peer's capability exchange does not list
    /// [`DEFLATE`]: it runs another release now. The session ends, and the next one lists
    /// the names and waits for the exchange.
    #[error("the peer no longer reads compressed frames; the session starts again without them")]
    DeflateGone,
    /// The session's task ended without saying why (it panicked: a defect of the node, not
    /// the peer's fault).
    #[error("the session's task died: {0}")]
    Died(String),
}

impl SyncError {
    /// Whether the peer sent something hostile or broken (as opposed to a closed stream or a
    /// node shutting down); such peers are logged and may be backed off.
    pub fn is_peer_fault(&self) -> bool {
        matches!(
            self,
            SyncError::FrameTooLarge { .. }
                | SyncError::Malformed(_)
                | SyncError::WrongDocument(_)
                | SyncError::Guard(_)
                | SyncError::Doc(DocError::PeerData { .. })
        )
    }
}

/// Byte and message counts of a session, readable while it runs.
#[derive(Debug, Default)]
pub struct SessionStats {
    /// Bytes sent, framing included.
    pub sent_bytes: AtomicU64,
    /// Bytes received, framing included.
    pub received_bytes: AtomicU64,
    /// Messages sent.
    pub sent_messages: AtomicU64,
    /// Messages received.
    pub received_messages: AtomicU64,
}

impl SessionStats {
    fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }
}

/// What the session tells its owner about the peer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeerSync {
    /// Both sides' heads are equal.
    pub in_sync: bool,
    /// When a message from the peer was last applied (RFC 3339).
    pub last_sync: Option<String>,
    /// The peer's heads as it last announced them, hex (empty until it has).
    pub their_heads: Vec<String>,
    /// What the peer last told of its own peers' heads ([`PEER_HEADS`]).
    pub heard: Arc<Vec<Heard>>,
    /// How far the peer's clock is ahead of this node's (negative: behind), in milliseconds,
    /// as its [`CLOCK`] frame said (the frame's time in transit counts as its clock's).
    pub clock_offset_ms: Option<i64>,
    /// The peer's presence as it last told it ([`PRESENCE`]); `None` before it has, and
    /// again once the session ended.
    pub presence: Option<PresenceHeard>,
    /// Whether the peer's capability exchange listed [`BUNDLE`] (`None` before it came): the
    /// owner remembers it for the next session's [`SessionConfig::push_on_open`].
    pub reads_bundles: Option<bool>,
    /// Which capability set the peer's exchange listed ([`set_of`]; 0 for none this
    /// release knows; `None` before it came): the owner remembers it for the next session's
    /// [`SessionConfig::short_hello`].
    pub caps_set: Option<u8>,
}

/// One frame: the document it names and its payload.
#[derive(Debug, PartialEq, Eq)]
pub struct Frame {
    /// The document id.
    pub doc_id: String,
    /// An encoded automerge sync message.
    pub payload: Vec<u8>,
}

/// What one frame of either version carries.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A document frame.
    Sync(Frame),
    /// A `/2` capability exchange.
    Hello(Vec<String>),
    /// A `/2` frame of what the peer heard of its peers' heads.
    PeerHeads(Vec<Heard>),
    /// A `/2` frame with the peer's clock, Unix milliseconds.
    Clock(i64),
    /// A `/2` frame with the peer's presence.
    Presence(Presence),
    /// A `/2` presence frame that could not be read (why): dropped with a log line, since
    /// presence is only a hint and the session's sync goes on without it.
    BadPresence(String),
    /// A `/2` frame of a kind this release does not know (skipped), with its length.
    Unknown(u8, usize),
}

/// Reads one frame of `version`; `Ok(None)` at a clean end of stream. Refuses an over-cap
/// length before allocating. Not cancel-safe (a partly read frame is lost), so the session
/// reads from a task of its own.
pub async fn read_incoming<R: AsyncRead + Unpin>(
    r: &mut R,
    version: Version,
    cap: usize,
) -> Result<Option<Incoming>, SyncError> {
    let Some(body) = read_body(r, cap).await? else {
        return Ok(None);
    };
    parse_incoming(version, body).map(Some)
}

/// Parses one frame's body (without its length) as `version` says.
pub fn parse_incoming(version: Version, mut body: Vec<u8>) -> Result<Incoming, SyncError> {
    if version == Version::V1 {
        return parse_doc_frame(body).map(Incoming::Sync);
    }
    let len = body.len();
    match body.first().copied() {
        None => Err(SyncError::Malformed("empty frame".to_owned())),
        Some(k) if k == Kind::Sync as u8 => {
            body.remove(0);
            parse_doc_frame(body).map(Incoming::Sync)
        }
        Some(k) if k == Kind::Hello as u8 => parse_hello(&body[1..]).map(Incoming::Hello),
        Some(k) if k == Kind::PeerHeads as u8 => {
            parse_peer_heads(&body[1..]).map(Incoming::PeerHeads)
        }
        Some(k) if k == Kind::Clock as u8 => body
            .get(1..9)
            .map(|b| Incoming::Clock(i64::from_be_bytes(b.try_into().expect("eight bytes"))))
            .ok_or_else(|| SyncError::Malformed("clock: cut short".to_owned())),
        Some(k) if k == Kind::Presence as u8 => Ok(read_presence(&body[1..])),
        Some(k) => Ok(Incoming::Unknown(k, len)),
    }
}

/// Reads a presence frame's body (after its kind), size-capped and under the input guard: the
/// bytes are a peer's, and whatever they are, the answer is a presence or a reason to drop it.
fn read_presence(rest: &[u8]) -> Incoming {
    if rest.len() + 1 > MAX_PRESENCE_FRAME {
        return Incoming::BadPresence(format!(
            "a frame of {} bytes is over the {MAX_PRESENCE_FRAME}-byte limit",
            rest.len() + 1
        ));
    }
    match bureau_model::guard::guarded(|| parse_presence(rest)) {
        Ok(Ok(p)) => Incoming::Presence(p),
        Ok(Err(why)) => Incoming::BadPresence(why),
        Err(panic) => Incoming::BadPresence(format!("it made the reader fail: {panic}")),
    }
}

fn parse_presence(mut rest: &[u8]) -> Result<Presence, String> {
    fn take<'a>(n: usize, rest: &mut &'a [u8]) -> Result<&'a [u8], String> {
        let got = rest.get(..n).ok_or_else(|| "cut short".to_owned())?;
        *rest = &rest[n..];
        Ok(got)
    }
    fn text(rest: &mut &[u8], what: &str) -> Result<String, String> {
        let n = take(1, rest)?[0];
        let bytes = take(usize::from(n), rest)?;
        let s = std::str::from_utf8(bytes).map_err(|_| format!("the {what} is not UTF-8"))?;
        if s.chars().any(char::is_control) {
            return Err(format!("the {what} has a control character"));
        }
        Ok(s.to_owned())
    }
    let member_id = text(&mut rest, "member id")?;
    let name = text(&mut rest, "name")?;
    let device = text(&mut rest, "device name")?;
    let count = usize::from(take(1, &mut rest)?[0]);
    if count > MAX_PRESENCE_DOCS {
        return Err(format!("{count} documents, more than {MAX_PRESENCE_DOCS}"));
    }
    let mut open: Vec<OpenDocument> = Vec::with_capacity(count);
    for _ in 0..count {
        let document = text(&mut rest, "document id")?;
        let paragraph = u32::from_be_bytes(
            take(4, &mut rest)?
                .try_into()
                .map_err(|_| "cut short".to_owned())?,
        );
        if document.is_empty() || open.iter().any(|o| o.document == document) {
            return Err("a document is empty or listed twice".to_owned());
        }
        open.push(OpenDocument {
            document,
            paragraph,
        });
    }
    Ok(Presence {
        member_id,
        name,
        device,
        open,
    })
}

/// Encodes a `/2` [`Kind::Presence`] frame. Texts are cut to 255 bytes (at a character's
/// end), documents past [`MAX_PRESENCE_DOCS`] and ids longer than 255 bytes are left out:
/// what this node says of itself, cut to what the frame carries.
pub fn encode_presence(p: &Presence) -> Vec<u8> {
    fn text(body: &mut Vec<u8>, s: &str) {
        let mut end = s.len().min(255);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        body.push(end as u8);
        body.extend_from_slice(&s.as_bytes()[..end]);
    }
    let mut body = vec![Kind::Presence as u8];
    text(&mut body, &p.member_id);
    text(&mut body, &p.name);
    text(&mut body, &p.device);
    let open: Vec<&OpenDocument> = p
        .open
        .iter()
        .filter(|o| !o.document.is_empty() && o.document.len() <= 255)
        .take(MAX_PRESENCE_DOCS)
        .collect();
    body.push(open.len() as u8);
    for o in open {
        text(&mut body, &o.document);
        body.extend_from_slice(&o.paragraph.to_be_bytes());
    }
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

fn parse_peer_heads(mut rest: &[u8]) -> Result<Vec<Heard>, SyncError> {
    let bad = |what: &str| SyncError::Malformed(format!("peers' heads: {what}"));
    let take = |n: usize, rest: &mut &[u8]| -> Result<Vec<u8>, SyncError> {
        let got = rest.get(..n).ok_or_else(|| bad("cut short"))?.to_vec();
        *rest = &rest[n..];
        Ok(got)
    };
    let count = u16::from_be_bytes(take(2, &mut rest)?.try_into().expect("two bytes"));
    if usize::from(count) > MAX_HEARD {
        return Err(bad("too many entries"));
    }
    let mut out = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let n = take(1, &mut rest)?[0];
        let peer = String::from_utf8(take(usize::from(n), &mut rest)?)
            .map_err(|_| bad("a peer id is not UTF-8"))?;
        let at = i64::from_be_bytes(take(8, &mut rest)?.try_into().expect("eight bytes"));
        let heads = take(1, &mut rest)?[0];
        if usize::from(heads) > MAX_HEARD_HEADS {
            return Err(bad("too many heads"));
        }
        let mut hex = Vec::with_capacity(usize::from(heads));
        for _ in 0..heads {
            let h = take(32, &mut rest)?;
            hex.push(h.iter().map(|b| format!("{b:02x}")).collect::<String>());
        }
        out.push(Heard {
            peer,
            heads: hex,
            at,
        });
    }
    Ok(out)
}

/// Encodes a `/2` [`Kind::Clock`] frame with `millis` (Unix milliseconds).
pub fn encode_clock(millis: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(13);
    out.extend_from_slice(&9u32.to_be_bytes());
    out.push(Kind::Clock as u8);
    out.extend_from_slice(&millis.to_be_bytes());
    out
}

fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Encodes a `/2` [`Kind::PeerHeads`] frame; entries past [`MAX_HEARD`], peer ids longer than
/// 255 bytes and heads that are not 32-byte hex are left out (a bug of this node, not the
/// peer's business).
pub fn encode_peer_heads(heard: &[Heard]) -> Vec<u8> {
    let decode = |h: &str| -> Option<Vec<u8>> {
        (h.len() == 64)
            .then(|| {
                (0..32)
                    .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).ok())
                    .collect::<Option<Vec<u8>>>()
            })
            .flatten()
    };
    let entries: Vec<(&Heard, Vec<Vec<u8>>)> = heard
        .iter()
        .filter(|h| h.peer.len() <= 255)
        .map(|h| {
            let heads: Vec<Vec<u8>> = h
                .heads
                .iter()
                .filter_map(|x| decode(x))
                .take(MAX_HEARD_HEADS)
                .collect();
            (h, heads)
        })
        .take(MAX_HEARD)
        .collect();
    let mut body = vec![Kind::PeerHeads as u8];
    body.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for (h, heads) in entries {
        body.push(h.peer.len() as u8);
        body.extend_from_slice(h.peer.as_bytes());
        body.extend_from_slice(&h.at.to_be_bytes());
        body.push(heads.len() as u8);
        for x in heads {
            body.extend_from_slice(&x);
        }
    }
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Reads a `Hello`'s capabilities: the names it lists, or those of the set a short one names.
/// A set this release does not know (a newer peer that took this node for its own release)
/// reads as no capability at all: the session then syncs without any, as with a peer of the
/// first `/2` release.
fn parse_hello(rest: &[u8]) -> Result<Vec<String>, SyncError> {
    let caps = parse_hello_list(rest)?;
    if let [0, HELLO_SET_TAG, n, ..] = rest
        && let Some(set) = usize::from(*n)
            .checked_sub(1)
            .and_then(|i| CAPABILITY_SETS.get(i))
    {
        return Ok(set.iter().map(|c| (*c).to_owned()).collect());
    }
    Ok(caps)
}

/// The number of the capability set that `caps` lists exactly (in any order), 0 if it is no
/// set this release knows. A peer whose exchange listed this release's own set
/// ([`OWN_SET`]) reads short `Hello`s naming it (the set lists [`SETS`]) and speaks every
/// capability in it, which a first message may rely on before the next exchange.
pub fn set_of(caps: &[String]) -> u8 {
    CAPABILITY_SETS
        .iter()
        .position(|set| set.len() == caps.len() && set.iter().all(|c| caps.iter().any(|t| t == c)))
        .map_or(0, |i| i as u8 + 1)
}

fn parse_hello_list(mut rest: &[u8]) -> Result<Vec<String>, SyncError> {
    let bad = |what: &str| SyncError::Malformed(format!("capability exchange: {what}"));
    let (&count, tail) = rest.split_first().ok_or_else(|| bad("no count"))?;
    rest = tail;
    if usize::from(count) > MAX_CAPABILITIES {
        return Err(bad("too many capabilities"));
    }
    let mut caps = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        let (&n, tail) = rest.split_first().ok_or_else(|| bad("cut short"))?;
        let name = tail.get(..usize::from(n)).ok_or_else(|| bad("cut short"))?;
        let name = std::str::from_utf8(name).map_err(|_| bad("a name is not UTF-8"))?;
        caps.push(name.to_owned());
        rest = &tail[usize::from(n)..];
    }
    Ok(caps)
}

/// Encodes a `/2` `Hello` frame listing `caps` (each name at most 255 bytes, at most
/// 64 of them; longer ones are a bug of this node and left out).
pub fn encode_hello(caps: &[&str]) -> Vec<u8> {
    let caps: Vec<&str> = caps
        .iter()
        .copied()
        .filter(|c| c.len() <= 255)
        .take(MAX_CAPABILITIES)
        .collect();
    let mut body = vec![Kind::Hello as u8, caps.len() as u8];
    for c in caps {
        body.push(c.len() as u8);
        body.extend_from_slice(c.as_bytes());
    }
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Encodes a short `/2` `Hello` ([`SETS`]): an empty list, then the set `set`'s number.
pub fn encode_short_hello(set: u8) -> Vec<u8> {
    let body = [Kind::Hello as u8, 0, HELLO_SET_TAG, set];
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Reads one frame's length and body; `Ok(None)` at a clean end of stream.
async fn read_body<R: AsyncRead + Unpin>(
    r: &mut R,
    cap: usize,
) -> Result<Option<Vec<u8>>, SyncError> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len).await {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e.into()),
    }
    let len = u32::from_be_bytes(len) as usize;
    if len > cap {
        return Err(SyncError::FrameTooLarge { len, cap });
    }
    if len == 0 {
        return Err(SyncError::Malformed("empty frame".to_owned()));
    }
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf).await?;
    Ok(Some(buf))
}

fn parse_doc_frame(mut buf: Vec<u8>) -> Result<Frame, SyncError> {
    let Some(&n) = buf.first() else {
        return Err(SyncError::Malformed("empty frame".to_owned()));
    };
    let n = n as usize;
    if 1 + n > buf.len() {
        return Err(SyncError::Malformed(
            "document id runs past the frame".to_owned(),
        ));
    }
    let doc_id = String::from_utf8(buf[1..1 + n].to_vec())
        .map_err(|_| SyncError::Malformed("document id is not UTF-8".to_owned()))?;
    let payload = buf.split_off(1 + n);
    Ok(Frame { doc_id, payload })
}

/// Reads one `/bureau/sync/1` frame; `Ok(None)` at a clean end of stream. Refuses an over-cap
/// length before allocating. Not cancel-safe (a partly read frame is lost).
pub async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut R,
    cap: usize,
) -> Result<Option<Frame>, SyncError> {
    match read_body(r, cap).await? {
        Some(body) => parse_doc_frame(body).map(Some),
        None => Ok(None),
    }
}

/// Encodes one document frame of `version`.
pub fn encode_sync_frame(
    version: Version,
    doc_id: &str,
    payload: &[u8],
) -> Result<Vec<u8>, SyncError> {
    match version {
        Version::V1 => encode_frame(doc_id, payload),
        Version::V2 => {
            let v1 = encode_frame(doc_id, payload)?;
            let len = v1.len() - 4 + 1;
            if len > MAX_FRAME {
                return Err(SyncError::FrameTooLarge {
                    len,
                    cap: MAX_FRAME,
                });
            }
            let mut out = Vec::with_capacity(4 + len);
            out.extend_from_slice(&(len as u32).to_be_bytes());
            out.push(Kind::Sync as u8);
            out.extend_from_slice(&v1[4..]);
            Ok(out)
        }
    }
}

/// Encodes one `/bureau/sync/1` frame (a `/2` document frame without its kind byte).
pub fn encode_frame(doc_id: &str, payload: &[u8]) -> Result<Vec<u8>, SyncError> {
    let id = doc_id.as_bytes();
    let n = u8::try_from(id.len())
        .map_err(|_| SyncError::Malformed("document id longer than 255 bytes".to_owned()))?;
    let len = 1 + id.len() + payload.len();
    if len > MAX_FRAME {
        return Err(SyncError::FrameTooLarge {
            len,
            cap: MAX_FRAME,
        });
    }
    let mut out = Vec::with_capacity(4 + len);
    out.extend_from_slice(&(len as u32).to_be_bytes());
    out.push(n);
    out.extend_from_slice(id);
    out.extend_from_slice(payload);
    Ok(out)
}

/// Everything a session needs besides its stream.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// The remote peer's id (authenticated by the transport).
    pub peer: String,
    /// The document both sides sync (the bureau id).
    pub doc_id: String,
    /// Ends the session (pause, revocation, shutdown).
    pub cancel: CancellationToken,
    /// The protocol the stream was opened with.
    pub version: Version,
    /// What this node knows of its peers' heads, told to a peer that speaks [`PEER_HEADS`]
    /// when the session starts and again whenever it changes; `None` tells nothing.
    pub board: Option<watch::Receiver<Arc<Vec<Heard>>>>,
    /// This node's presence, told to a peer that speaks [`PRESENCE`] when the session starts
    /// and again at every change (the owner marks it changed to refresh it); `None` tells
    /// nothing.
    pub presence: Option<watch::Receiver<Arc<Presence>>>,
    /// The peer listed [`BUNDLE`] in its previous session with this node: the first message
    /// may carry the changes since the heads both last held, as bundles, before the peer
    /// has said anything ([`bureau_doc::Outbox::push_on_open`]), which saves a round trip
    /// on a reconnect. If the peer's exchange then lacks it, the session ends
    /// ([`SyncError::BundlesGone`]).
    pub push_on_open: bool,
    /// The peer's previous session with this node listed this release's own capability set
    /// ([`OWN_SET`]): this side's `Hello` names the set instead of listing the names, and its
    /// first message goes compressed ([`DEFLATE`], in the set) before the peer has said
    /// anything. If the peer's exchange then lacks [`DEFLATE`] (it runs another release
    /// now), the session ends ([`SyncError::DeflateGone`]).
    pub short_hello: bool,
}

/// Runs one sync session until the stream ends, the peer misbehaves or `cancel` fires.
/// Returns `Ok(())` for a normal end.
pub async fn run_session<S>(
    stream: S,
    doc: DocHandle,
    config: SessionConfig,
    stats: Arc<SessionStats>,
    status: watch::Sender<PeerSync>,
) -> Result<(), SyncError>
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (mut rd, mut wr) = tokio::io::split(stream);
    let (frames_tx, mut frames) = mpsc::channel(READ_AHEAD);
    let version = config.version;
    // Owned by this session: aborted below whatever way the session ends. A panic in it ends
    // the channel, which the session reads as the end of the stream.
    let reader = tokio::spawn(tracing::Instrument::in_current_span(async move {
        // The peer's compressed frames, if it sends any: this node announced it reads them.
        let mut inflater: Option<deflate::Inflater> = None;
        loop {
            let res = match read_body(&mut rd, MAX_FRAME).await {
                Ok(Some(body))
                    if version == Version::V2
                        && body.first() == Some(&(Kind::SyncDeflated as u8)) =>
                {
                    let wire = 4 + body.len();
                    inflater
                        .get_or_insert_with(deflate::Inflater::default)
                        .inflate(&body[1..], MAX_FRAME)
                        .and_then(parse_doc_frame)
                        .map(|frame| Some((Incoming::Sync(frame), wire)))
                }
                Ok(Some(body)) => {
                    let wire = 4 + body.len();
                    parse_incoming(version, body).map(|inc| Some((inc, wire)))
                }
                Ok(None) => Ok(None),
                Err(e) => Err(e),
            };
            let end = !matches!(res, Ok(Some(_)));
            if frames_tx.send(res).await.is_err() || end {
                break;
            }
        }
    }));
    let res = match session_loop(&mut wr, &mut frames, &doc, &config, &stats, &status).await {
        // The peer closed the stream while this side was still writing (its trailing answer,
        // an outbox message): the stream ended, as it does when the read finds its end first.
        Err(SyncError::Io(e))
            if matches!(
                e.kind(),
                io::ErrorKind::BrokenPipe
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
            ) =>
        {
            Ok(())
        }
        other => other,
    };
    reader.abort();
    let _ = wr.shutdown().await;
    doc.sync_gone(&config.peer).await;
    // `send_modify`, not `send(.. status.borrow() ..)`: a borrow holds the channel's read lock
    // until the end of the statement, and `send` would then wait for the write lock forever,
    // blocking this runtime thread (and the event loop never learns the session ended).
    // A peer's presence lasts only as long as its session.
    status.send_modify(|s| {
        s.in_sync = false;
        s.presence = None;
    });
    match &res {
        Ok(()) => debug!(peer = %config.peer, "sync session ended"),
        Err(e) if e.is_peer_fault() => {
            warn!(peer = %config.peer, error = %e, "sync session ended: the peer sent bad data");
        }
        Err(e) => info!(peer = %config.peer, error = %e, "sync session ended"),
    }
    res
}

/// What the reading task hands the session: a frame and its size on the wire.
type Received = Result<Option<(Incoming, usize)>, SyncError>;

/// The stashed frame if there is one, else the next from the reading task. Cancel-safe, as
/// `select!` needs: the stash is taken only when this is ready at once.
async fn next_frame(
    stash: &mut Option<Received>,
    frames: &mut mpsc::Receiver<Received>,
) -> Option<Received> {
    match stash.take() {
        Some(frame) => Some(frame),
        None => frames.recv().await,
    }
}

async fn session_loop<W: AsyncWrite + Unpin>(
    wr: &mut W,
    frames: &mut mpsc::Receiver<Received>,
    doc: &DocHandle,
    config: &SessionConfig,
    stats: &SessionStats,
    status: &watch::Sender<PeerSync>,
) -> Result<(), SyncError> {
    debug!(peer = %config.peer, protocol = config.version.protocol(), "sync session started");
    let mut states = doc.subscribe();
    let mut their_heads: Option<Vec<String>> = None;
    // Whether both sides speak PEER_HEADS, and what this node tells (its own board, the
    // peer's own entry left out: it knows its heads).
    let mut heads_agreed = false;
    // Whether frames carry only what changed (PEER_HEADS_DELTA), what was told so far, and
    // when the next frame may go (a change before then waits for it).
    let mut heads_delta = false;
    let mut told_heads: Option<HashMap<String, (Vec<String>, i64)>> = None;
    let mut next_tell = tokio::time::Instant::now();
    let mut tell_due = false;
    let mut clock_agreed = false;
    let mut gossip = false;
    let mut board = config.board.clone();
    // Whether both sides speak PRESENCE and this node has a presence to tell.
    let mut presence_agreed = false;
    let mut present = false;
    // Whether the peer may hold a presence of this node listing open documents (told in
    // this session and not yet replaced by an empty one).
    let mut told_open = false;
    let mut presence = config.presence.clone();
    // This side's DEFLATE stream, once both sides said they speak it.
    let mut z: Option<deflate::Deflater> = None;
    let outbox = doc.sync_outbox(&config.peer).await?;
    // A frame read while joining the parts of a message that was not one of them.
    let mut stash: Option<Received> = None;
    // `/2`: the capability exchange goes first, in the same flight as the first message.
    let mut awaiting_hello = config.version == Version::V2;
    if awaiting_hello {
        let hello = if config.short_hello {
            encode_short_hello(OWN_SET)
        } else {
            encode_hello(CAPABILITIES)
        };
        wr.write_all(&hello).await?;
        SessionStats::add(&stats.sent_bytes, hello.len());
    }
    if awaiting_hello && config.push_on_open {
        outbox.push_on_open();
    }
    // A no-op reconnect's first messages repeat their heads (the document's and those of
    // the last sync): compressed, each is a third smaller (W3). The clock goes in the same
    // flight, not a leg later in answer to the peer's exchange: it was W3's last frame. A
    // peer whose exchange then lacks `clock/1` skips it, as any frame of a kind not agreed.
    let mut clock_told = false;
    if awaiting_hello && config.short_hello {
        z = Some(deflate::Deflater::default());
        let frame = encode_clock(now_millis());
        wr.write_all(&frame).await?;
        SessionStats::add(&stats.sent_bytes, frame.len());
        clock_told = true;
    }
    send_next(wr, doc, config, stats, &outbox, &mut z).await?;
    loop {
        tokio::select! {
            () = outbox.ready() => {
                if let Some(msg) = outbox.take() {
                    write_message(wr, config, stats, &msg, &mut z).await?;
                }
                if outbox.take_missed() {
                    send_next(wr, doc, config, stats, &outbox, &mut z).await?;
                }
            }
            frame = next_frame(&mut stash, frames) => {
                let Some(frame) = frame else { return Ok(()) };
                let Some((incoming, wire)) = frame? else { return Ok(()) };
                SessionStats::add(&stats.received_bytes, wire);
                let frame = match incoming {
                    Incoming::Hello(theirs) if awaiting_hello => {
                        awaiting_hello = false;
                        let shared: Vec<&str> = CAPABILITIES
                            .iter()
                            .copied()
                            .filter(|c| theirs.iter().any(|t| t == c))
                            .collect();
                        debug!(peer = %config.peer, ?theirs, ?shared, "capabilities exchanged");
                        heads_agreed = shared.contains(&PEER_HEADS);
                        heads_delta = heads_agreed && shared.contains(&PEER_HEADS_DELTA);
                        if heads_delta {
                            told_heads = Some(HashMap::new());
                        }
                        clock_agreed = shared.contains(&CLOCK);
                        let bundles = shared.contains(&BUNDLE);
                        let set = set_of(&theirs);
                        status.send_modify(|s| {
                            s.reads_bundles = Some(bundles);
                            s.caps_set = Some(set);
                        });
                        if bundles {
                            outbox.peer_reads_bundles();
                        } else if config.push_on_open {
                            // What went out may already hold bundles the peer cannot read.
                            outbox.peer_reads_no_bundles();
                            return Err(SyncError::BundlesGone);
                        }
                        if shared.contains(&DEFLATE) {
                            // Kept if the first message already went compressed: the
                            // peer's inflater holds what this stream sent so far.
                            z.get_or_insert_with(deflate::Deflater::default);
                        } else if z.is_some() {
                            return Err(SyncError::DeflateGone);
                        }
                        if clock_agreed && !clock_told {
                            let frame = encode_clock(now_millis());
                            wr.write_all(&frame).await?;
                            SessionStats::add(&stats.sent_bytes, frame.len());
                        }
                        gossip = heads_agreed && board.is_some();
                        if gossip && let Some(b) = board.as_mut() {
                            let told = b.borrow_and_update().clone();
                            tell_heads(wr, config, stats, &told, told_heads.as_mut()).await?;
                            next_tell = tokio::time::Instant::now() + TELL_HEADS_EVERY;
                        }
                        presence_agreed = shared.contains(&PRESENCE);
                        present = presence_agreed && presence.is_some();
                        // A new session starts with no presence of this node on the peer's
                        // side, so an empty one says nothing: it goes once something opens
                        // (about a hundred bytes less on every reconnect, W3).
                        if present && let Some(p) = presence.as_mut() {
                            let told = p.borrow_and_update().clone();
                            if !told.open.is_empty() {
                                tell_presence(wr, stats, &told).await?;
                                told_open = true;
                            }
                        }
                        continue;
                    }
                    _ if awaiting_hello => {
                        return Err(SyncError::Malformed(
                            "the first frame was not the capability exchange".to_owned(),
                        ));
                    }
                    Incoming::Hello(_) => {
                        return Err(SyncError::Malformed(
                            "a second capability exchange".to_owned(),
                        ));
                    }
                    Incoming::Unknown(kind, len) => {
                        trace!(peer = %config.peer, kind, len, "skipped a frame of an unknown kind");
                        continue;
                    }
                    Incoming::PeerHeads(heard) => {
                        // Only from a peer that announced the capability: anyone else's is
                        // a frame of a kind it should not send, skipped like an unknown one.
                        if heads_agreed {
                            let heard: Vec<Heard> = heard
                                .into_iter()
                                .filter(|h| h.peer != config.peer)
                                .collect();
                            status.send_modify(|s| {
                                s.heard = if heads_delta {
                                    Arc::new(merge_heard(&s.heard, heard))
                                } else {
                                    Arc::new(heard)
                                };
                            });
                        }
                        continue;
                    }
                    Incoming::Clock(theirs) => {
                        if clock_agreed {
                            let offset = theirs.saturating_sub(now_millis());
                            status.send_modify(|s| s.clock_offset_ms = Some(offset));
                        }
                        continue;
                    }
                    Incoming::Presence(p) => {
                        // Only from a peer that announced the capability, like the others.
                        if presence_agreed {
                            trace!(peer = %config.peer, open = p.open.len(), "presence received");
                            let heard = PresenceHeard {
                                presence: Arc::new(p),
                                at: std::time::Instant::now(),
                            };
                            status.send_modify(|s| s.presence = Some(heard));
                        }
                        continue;
                    }
                    Incoming::BadPresence(why) => {
                        warn!(peer = %config.peer, reason = %why, "dropped a presence frame the peer sent");
                        continue;
                    }
                    Incoming::Sync(frame) => frame,
                };
                SessionStats::add(&stats.received_messages, 1);
                if frame.doc_id != config.doc_id {
                    return Err(SyncError::WrongDocument(frame.doc_id));
                }
                trace!(peer = %config.peer, bytes = frame.payload.len(), "sync message received");
                let mut budget = Budget::default();
                let msg = decode_within(&frame.payload, &mut budget)?;
                let msg = join_parts(msg, &mut budget, frames, &mut stash, config, stats).await?;
                let progress = doc.sync_receive(&config.peer, msg).await?;
                their_heads = Some(progress.their_heads.clone());
                report(status, &progress, true);
                send_next(wr, doc, config, stats, &outbox, &mut z).await?;
            }
            changed = states.changed() => {
                if changed.is_err() {
                    return Ok(());
                }
                // Only the status: new changes reach the peer through the outbox, filled
                // before this state was published.
                let ours = states.borrow_and_update().heads.clone();
                if let Some(theirs) = &their_heads {
                    let progress = SyncProgress { their_heads: theirs.clone(), our_heads: ours };
                    report(status, &progress, false);
                }
            }
            changed = async {
                match board.as_mut() {
                    Some(b) if gossip => b.changed().await,
                    _ => std::future::pending().await,
                }
            } => {
                if changed.is_err() {
                    // The owner dropped the board: nothing more to tell.
                    board = None;
                    gossip = false;
                    continue;
                }
                // Told when the wait since the last frame is over (the branch below).
                tell_due = true;
            }
            () = tokio::time::sleep_until(next_tell), if tell_due => {
                tell_due = false;
                if let Some(b) = board.as_mut() {
                    let told = b.borrow_and_update().clone();
                    tell_heads(wr, config, stats, &told, told_heads.as_mut()).await?;
                }
                next_tell = tokio::time::Instant::now() + TELL_HEADS_EVERY;
            }
            changed = async {
                match presence.as_mut() {
                    Some(p) if present => p.changed().await,
                    _ => std::future::pending().await,
                }
            } => {
                if changed.is_err() {
                    presence = None;
                    present = false;
                    continue;
                }
                if let Some(p) = presence.as_mut() {
                    let told = p.borrow_and_update().clone();
                    // Empty after empty says nothing either (a name or device renamed while
                    // nothing is open): the peer holds no presence of this node to replace.
                    if !told.open.is_empty() || told_open {
                        tell_presence(wr, stats, &told).await?;
                        told_open = !told.open.is_empty();
                    }
                }
            }
            () = config.cancel.cancelled() => return Ok(()),
        }
    }
}

async fn tell_presence<W: AsyncWrite + Unpin>(
    wr: &mut W,
    stats: &SessionStats,
    presence: &Presence,
) -> Result<(), SyncError> {
    let frame = encode_presence(presence);
    wr.write_all(&frame).await?;
    wr.flush().await?;
    SessionStats::add(&stats.sent_bytes, frame.len());
    Ok(())
}

/// Sends what this node heard of its peers' heads, but the entry of the peer it is sent to.
///
/// `told`: with [`PEER_HEADS_DELTA`], what was told so far in the session; only the entries
/// that differ go, and nothing if none does.
async fn tell_heads<W: AsyncWrite + Unpin>(
    wr: &mut W,
    config: &SessionConfig,
    stats: &SessionStats,
    heard: &[Heard],
    told: Option<&mut HashMap<String, (Vec<String>, i64)>>,
) -> Result<(), SyncError> {
    let mut others: Vec<Heard> = heard
        .iter()
        .filter(|h| h.peer != config.peer)
        .cloned()
        .collect();
    if let Some(told) = told {
        others.retain(|h| {
            told.get(&h.peer)
                .is_none_or(|(heads, at)| *heads != h.heads || *at != h.at)
        });
        if others.is_empty() {
            return Ok(());
        }
        for h in &others {
            told.insert(h.peer.clone(), (h.heads.clone(), h.at));
        }
    }
    let frame = encode_peer_heads(&others);
    wr.write_all(&frame).await?;
    wr.flush().await?;
    SessionStats::add(&stats.sent_bytes, frame.len());
    Ok(())
}

fn report(status: &watch::Sender<PeerSync>, progress: &SyncProgress, received: bool) {
    status.send_modify(|s| {
        s.in_sync = progress.in_sync();
        if s.their_heads != progress.their_heads {
            s.their_heads.clone_from(&progress.their_heads);
        }
        if received {
            s.last_sync = Some(now_rfc3339());
        }
    });
}

/// What a peer told before, with the entries of its newest [`PEER_HEADS_DELTA`] frame in
/// place of the same peers' older ones; new peers past [`MAX_HEARD`] are left out.
fn merge_heard(before: &[Heard], newer: Vec<Heard>) -> Vec<Heard> {
    let mut all = before.to_vec();
    for h in newer {
        if let Some(e) = all.iter_mut().find(|e| e.peer == h.peer) {
            *e = h;
        } else if all.len() < MAX_HEARD {
            all.push(h);
        }
    }
    all
}

fn now_rfc3339() -> String {
    jiff::Timestamp::now().to_string()
}

/// [`decode_within`] with a whole budget.
#[cfg(test)]
fn decode(payload: &[u8]) -> Result<Message, SyncError> {
    decode_within(payload, &mut Budget::default())
}

/// What the changes handed to the document in one receive may claim: the guard's limits,
/// shared by the parts of a message joined into one ([`join_parts`]).
#[derive(Clone, Copy)]
struct Budget {
    inflated: usize,
    rows: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            inflated: MAX_INFLATED,
            rows: MAX_ROWS,
        }
    }
}

/// Checks a message's compressed data, taking what its changes claim from `budget`, then
/// decodes it (automerge's decoder is shallow, but it runs under `catch_unwind` all the same:
/// a panic is the peer's fault, not the node's).
fn decode_within(payload: &[u8], budget: &mut Budget) -> Result<Message, SyncError> {
    let msg = bureau_model::guard::guarded(|| Message::decode(payload))
        .map_err(|e| SyncError::Malformed(format!("the sync message made the decoder fail: {e}")))?
        .map_err(|e| SyncError::Malformed(format!("not a sync message: {e}")))?;
    for chunk in msg.changes.iter() {
        guard::check_chunk(chunk, &mut budget.inflated)?;
    }
    for chunk in msg.changes.iter() {
        guard::check_rows(chunk, &mut budget.rows, MAX_INFLATED)?;
    }
    for have in &msg.have {
        guard::check_bloom(&have.bloom.to_bytes())?;
    }
    Ok(msg)
}

/// How long a session waits for the next part of a message its peer split
/// ([`split::more_parts_follow`]) before handing the document the parts it has. On a fast
/// link the parts come a millisecond apart, and applied together they cost one apply, one
/// durable write, one refresh of the view and one answer instead of one each: fewer messages
/// and legs on the wire (W2 at size m: 18 -> 10 messages; its time on loopback moved within
/// the noise, since applying the changes is most of it either way). On a slow link a part takes longer than this to come, so each is applied (made
/// durable) as it arrives and a drop still loses at most the part in flight. In this crate's
/// tests the wait is long, so that a test feeding parts sees them joined on a loaded machine.
#[cfg(not(test))]
const PART_WAIT: std::time::Duration = std::time::Duration::from_millis(50);
#[cfg(test)]
const PART_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Most parts joined into one receive: about six megabytes of changes at the split's cap.
const JOIN_MAX: usize = 64;

/// `msg` with the parts after it that are already here or come within [`PART_WAIT`] of each
/// other, as one message; `msg` itself when it is not a part more parts follow. A frame that is not such a
/// part (another kind, another message, past the budget) is left in `stash` for the session
/// to read next, undecoded.
async fn join_parts(
    mut msg: Message,
    budget: &mut Budget,
    frames: &mut mpsc::Receiver<Received>,
    stash: &mut Option<Received>,
    config: &SessionConfig,
    stats: &SessionStats,
) -> Result<Message, SyncError> {
    let mut parts = 1;
    while parts < JOIN_MAX && split::more_parts_follow(&msg) {
        let next = match frames.try_recv() {
            Ok(next) => next,
            Err(mpsc::error::TryRecvError::Disconnected) => break,
            Err(mpsc::error::TryRecvError::Empty) => {
                match tokio::time::timeout(PART_WAIT, frames.recv()).await {
                    Ok(Some(next)) => next,
                    Ok(None) | Err(_) => break,
                }
            }
        };
        let Ok(Some((Incoming::Sync(frame), wire))) = &next else {
            *stash = Some(next);
            break;
        };
        if frame.doc_id != config.doc_id {
            *stash = Some(next);
            break;
        }
        // Decoded against what is left of the budget; a part that does not fit is read next
        // as a message of its own, with a budget of its own.
        let mut left = *budget;
        let more = match decode_within(&frame.payload, &mut left) {
            Ok(more) if split::continues(&msg, &more) => more,
            _ => {
                *stash = Some(next);
                break;
            }
        };
        *budget = left;
        SessionStats::add(&stats.received_bytes, *wire);
        SessionStats::add(&stats.received_messages, 1);
        trace!(peer = %config.peer, bytes = frame.payload.len(), "sync message received (a part, joined)");
        msg = split::join(msg, more);
        parts += 1;
    }
    if parts > 1 {
        debug!(peer = %config.peer, parts, "parts of a message joined");
    }
    Ok(msg)
}

/// Asks the actor for the next message and sends it, after any message the actor put in the
/// outbox meanwhile (generated before this one, so it goes first).
async fn send_next<W: AsyncWrite + Unpin>(
    wr: &mut W,
    doc: &DocHandle,
    config: &SessionConfig,
    stats: &SessionStats,
    outbox: &Outbox,
    z: &mut Option<deflate::Deflater>,
) -> Result<(), SyncError> {
    let msg = doc.sync_generate(&config.peer).await?;
    if let Some(earlier) = outbox.take() {
        write_message(wr, config, stats, &earlier, z).await?;
    }
    if let Some(msg) = msg {
        write_message(wr, config, stats, &msg, z).await?;
    }
    Ok(())
}

/// Sends one message of the actor's: in parts if it is over [`split::MAX_MESSAGE`], each part
/// compressed if the session compresses and the part is worth it.
async fn write_message<W: AsyncWrite + Unpin>(
    wr: &mut W,
    config: &SessionConfig,
    stats: &SessionStats,
    msg: &[u8],
    z: &mut Option<deflate::Deflater>,
) -> Result<(), SyncError> {
    let parts = split::split(msg, split::MAX_MESSAGE);
    let parts: Vec<&[u8]> = match &parts {
        Some(p) => p.iter().map(Vec::as_slice).collect(),
        None => vec![msg],
    };
    for part in parts {
        let mut frame = encode_sync_frame(config.version, &config.doc_id, part)?;
        if let Some(z) = z.as_mut()
            && frame.len() - 5 >= deflate::MIN_DEFLATE
        {
            // The body after the length and the kind byte, as the stream's next piece.
            let packed = z.deflate(&frame[5..]);
            let mut out = Vec::with_capacity(5 + packed.len());
            out.extend_from_slice(&(packed.len() as u32 + 1).to_be_bytes());
            out.push(Kind::SyncDeflated as u8);
            out.extend_from_slice(&packed);
            frame = out;
        }
        wr.write_all(&frame).await?;
        wr.flush().await?;
        trace!(peer = %config.peer, bytes = frame.len(), "sync message sent");
        SessionStats::add(&stats.sent_bytes, frame.len());
        SessionStats::add(&stats.sent_messages, 1);
    }
    Ok(())
}

#[cfg(test)]
mod tests;
