//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The default address of the web UI and API: loopback only, so nothing on the network can
/// reach a delegate's data.
pub const DEFAULT_HTTP: &str = "127.0.0.1:7878";

/// What `bureau --version` prints after the name: the release and the commit it was built
/// from (see `build.rs`), so a delegate's report names exactly what they run.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("BUREAU_COMMIT"),
    ")"
);

/// A local-first node for a coordination bureau: roster, schedule and liaison notes, kept on
/// this laptop and synced with the other members' nodes.
// The doc comment above is the help's first line, for the people who run the node; `about`
// alone would take the crate's description, which is written for developers.
#[derive(Debug, Parser)]
#[command(name = "bureau", version = VERSION, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// Data directory of the node [default: $XDG_DATA_HOME/bureau or ~/.local/share/bureau]
    #[arg(long, global = true, env = "BUREAU_HOME", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

const EXIT_CODES: &str = "To start: `bureau serve`, then open the link it prints. To join a bureau from a new laptop: `bureau join CODE --name \"Your Name\"` (no --name when the invite was made for you as a member; CODE is the short code like 7-orbit-lantern, found on the same network, or the invite's link), then `bureau serve`.\n\nExit codes: 0 ok, 1 error, 2 usage, 65 not an invite code, or a name the bureau cannot take (join), not a backup or a wrong passphrase (restore), a bundle refused (bundle), 66 a bundle file that cannot be read, 69 no node running (for join: the inviting node cannot be reached), 75 data directory in use by another node, or too many attempts for now, 77 invite refused: used, expired, burned, a wrong code or not valid (join), 78 bad configuration (restore: the directory is not empty). A join that fails leaves the data directory as it was.";

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new identity and a new bureau in the data directory.
    Init {
        /// Your name, as the other members will see it.
        #[arg(long)]
        name: String,
        /// Title of the bureau.
        #[arg(
            long = "bureau",
            default_value = "Civil Society Bureau",
            value_name = "TITLE"
        )]
        title: String,
        /// IANA time zone of the venue; meetings are shown in it.
        #[arg(long, default_value = "Africa/Tunis", value_name = "ZONE")]
        timezone: String,
    },
    /// Run the node: the web UI and API on loopback. Initialises the data directory if needed.
    Serve {
        /// Address of the web UI and API (port 0 picks a free port).
        #[arg(long, default_value = DEFAULT_HTTP, value_name = "ADDR")]
        http: SocketAddr,
        /// Fill a new bureau with a realistic sample (groups, members, rooms, three days of
        /// meetings with clashes, liaison notes).
        #[arg(long)]
        demo: bool,
        /// Your name, used when serve creates a new bureau.
        #[arg(long)]
        name: Option<String>,
        /// IANA time zone of the venue, used when serve creates a new bureau.
        #[arg(long, default_value = "Africa/Tunis", value_name = "ZONE")]
        timezone: String,
        /// Peer-to-peer listen address (repeatable) [default: the ports of the last run, else
        /// /ip4/0.0.0.0/tcp/0 and /ip4/0.0.0.0/udp/0/quic-v1]
        #[arg(long, value_name = "MULTIADDR")]
        listen: Vec<String>,
        /// A peer to connect to, e.g. /ip4/192.168.1.20/tcp/4001 (repeatable).
        #[arg(long, value_name = "MULTIADDR")]
        peer: Vec<String>,
        /// Address the other members should dial this node at, published instead of the
        /// listen addresses (repeatable): a port forwarded on a router, or a relay or proxy in
        /// front of the node, e.g. /ip4/203.0.113.7/tcp/4001. Invite codes name it first. Not
        /// remembered: give it on every start [default: the listen addresses, loopback ones
        /// only if there are no others]
        #[arg(long, value_name = "MULTIADDR")]
        announce: Vec<String>,
        /// Do not discover peers on the local network.
        #[arg(long)]
        no_mdns: bool,
        /// Speak only the first sync protocol, as a node of an earlier release does (for
        /// tests of a bureau with two releases in it).
        #[arg(long, hide = true)]
        sync_v1_only: bool,
        /// This data directory held a bureau whose document was lost or damaged: set what is
        /// left of it aside (in quarantine/, nothing is deleted), start empty, and take the
        /// bureau back from the first member this node reaches. Edits are refused until it
        /// has arrived.
        #[arg(long)]
        recover: bool,
        /// Run as the bureau's hub: an always-on node with no person at it (a small server,
        /// a machine on the venue's wired network) that every member can reach, and that
        /// stores and forwards every change. Join it to the bureau first, with a relay invite
        /// from an admin (`bureau invite --role relay`). A hub serves no web UI (only the API,
        /// for `bureau status`), logs to standard output, and listens on every interface at
        /// port 4001 unless --listen says otherwise.
        #[arg(long, conflicts_with = "demo")]
        hub: bool,
        /// Write a backup of the bureau into this folder after changes, at most once an hour
        /// (restore one with `bureau restore`). It holds the document, not the device key.
        #[arg(long, value_name = "DIR")]
        backup_dir: Option<PathBuf>,
        /// How many backups --backup-dir keeps: the newest.
        #[arg(long, default_value_t = 24, value_name = "N", requires = "backup_dir")]
        backup_keep: usize,
        /// Seconds between two automatic backups (for tests; an hour otherwise).
        #[arg(long, hide = true, default_value_t = 3600, value_name = "SECS")]
        backup_every: u64,
        /// Also serve the public programme, read-only, at this address for the phones of
        /// people at the venue who run no node (e.g. 0.0.0.0:8080, or this laptop's address
        /// on the venue's network): the programme, rooms and groups, public meetings only,
        /// with no login, no API and no member details. Off unless given; the Peers page
        /// shows its address as a QR code.
        #[arg(long, value_name = "ADDR")]
        venue: Option<SocketAddr>,
        /// Serve --venue over https with this certificate and private key (PEM files), so
        /// that phones may install the programme as an app that opens offline.
        #[arg(long, num_args = 2, value_names = ["CERT", "KEY"], requires = "venue")]
        venue_tls: Option<Vec<PathBuf>>,
    },
    /// Make a one-time invite code for a new laptop (the node must be running).
    Invite {
        /// What the new device may do (only an admin may invite an admin, or a relay: the
        /// bureau's hub, see `serve --hub`).
        #[arg(long, default_value = "editor", value_parser = ["editor", "observer", "admin", "relay"])]
        role: String,
        /// The member (id) the new device belongs to, when it is a laptop of someone already
        /// in the bureau: it joins as that member, with no name to give. Without it, the
        /// code makes a new member. An editor may name only their own member.
        #[arg(long, value_name = "MEMBER_ID")]
        member: Option<String>,
        /// How long the code stays valid: seconds, or a number with s, m, h or d.
        #[arg(long, default_value = "24h", value_name = "DURATION")]
        expires: String,
    },
    /// Join a bureau with an invite; then start the node with `serve`.
    Join {
        /// The code the inviting member gave you (like 7-orbit-lantern), or the invite's link
        /// (bureau1-..., what its QR code holds).
        code: String,
        /// Your name, as the other members will see it. Needed when the invite makes a new
        /// member; one made for you as a member (another laptop of yours) needs none.
        #[arg(long)]
        name: Option<String>,
        /// The inviting laptop's address (like /ip4/203.0.113.7/tcp/4001, from its peers
        /// page), where it cannot be found on the network by the code's number; or the
        /// bureau's hub (its address ending /p2p/ and its id), which finds the inviting
        /// laptop for you wherever it is and passes the join on without reading it.
        /// Repeatable.
        #[arg(long, value_name = "ADDRESS")]
        peer: Vec<String>,
    },
    /// Merge two members who are the same person (the node must be running): every
    /// reference to the first (focal points, attendees, action items, devices) moves to the
    /// second, which takes what it lacks from the first; the first is archived.
    MergeMembers {
        /// The member (id) merged away.
        id: String,
        /// The member (id) kept.
        #[arg(long, value_name = "MEMBER_ID")]
        into: String,
    },
    /// Write a copy of the bureau's document to a file: through the running node, else from
    /// the data directory. Restore it with `bureau restore`.
    Backup {
        /// The backup file to write (replaced if it exists).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Put this device's key in the backup too, to move this node to a new machine while
        /// the old one is in hand. The file is then encrypted with a passphrase, asked for at
        /// the terminal (or given in BUREAU_BACKUP_PASSPHRASE).
        #[arg(long)]
        with_identity: bool,
    },
    /// Make a node's data directory (--data-dir, which must be new or empty) from a backup.
    /// Without the device key in it, the restored node is a new device that shows the bureau
    /// as it was backed up; with it, it is the backed-up device and syncs with the bureau.
    Restore {
        /// The backup file (`bureau backup --out FILE`).
        file: PathBuf,
    },
    /// Say why the running node may not be syncing, with a member or with anyone, and what
    /// to do about each cause it finds.
    Doctor,
    /// Show the running node's status.
    Status {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Carry changes without a network: a sealed bundle file (USB stick, e-mail, chat) that
    /// only the bureau's devices can open. Through the running node, else on the data
    /// directory.
    Bundle {
        #[command(subcommand)]
        action: BundleAction,
    },
}

/// What `bureau bundle` does.
#[derive(Debug, Subcommand)]
pub enum BundleAction {
    /// Write every change of the bureau, or only those a peer is not known to have, into a
    /// bundle encrypted for the bureau's devices and signed by this one.
    Export {
        /// The bundle file to write (replaced if it exists).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Only the changes this device (peer id) is not known to have.
        #[arg(long, value_name = "PEER_ID")]
        since_peer: Option<String>,
    },
    /// Apply a bundle made by a device of this bureau; importing one twice is harmless.
    Import {
        /// The bundle file.
        file: PathBuf,
    },
}
