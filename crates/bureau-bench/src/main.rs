//! The benchmark harness: bureau side by side with automerge-repo and samod, on the same
//! seeded workload, in one run.
//!
//! ```sh
//! cargo run --release -p bureau-bench -- --size s|m [--json PATH]
//! ```
//!
//! One bureau document (roster, schedule, notes; size `s` or `m`) is built through the node's
//! own model and saved; every system loads those same bytes. Then, for several repetitions,
//! the three systems take turns (in rotating order) on fresh copies: two replicas each,
//! connected through a counting TCP proxy on 127.0.0.1 (the bureau nodes each behind a front
//! of their own, which they announce, so that the bytes pass it whichever side dials).
//!
//! - W1 cold start: spawn a replica on the document and wait for its first page (every
//!   meeting as JSON); the time and size of a full save; for bureau also the usual start, of
//!   a node that ran on its directory before and saved its view when it stopped.
//! - W4 live propagation: edits on one replica until the other has them, one every 110 ms
//!   (so automerge-repo's 100 ms sync throttle never delays one), p50/p99 and CPU per edit.
//! - W5 (bureau only) durable edits through the HTTP API, p50/p99; reads per second.
//! - W3 no-op reconnect: disconnect and reconnect replicas already in sync.
//! - W2 reconnect after divergence: 1,000 edits on each replica while apart, then reconnect:
//!   time to equal heads, bytes each way, legs, CPU, against the raw and deflated size of the
//!   changes that had to move and the protocol's minimum of 3 legs.
//! - W6 memory of replica A after all of the above: steady (VmRSS) and peak (VmHWM).
//! - W7 a poor link: W2 and W4 through the shaped proxy ("hotspot", "congested").
//! - W8 many laptops: 3, 6 and 12 replicas in a mesh (or automerge-repo's hub): one edit until
//!   all others have it, and a 6/6 partition healed (time, and bytes against what was lacked).
//!
//! `BUREAU_BENCH_KEEP=1` keeps the work directory (the replicas' data and logs, and each
//! system's W2 and W3 traffic read by read in `w2-<system>.trace` and `w3-<system>.trace` and W4's edit and arrival times in
//! `w4-<system>.times`);
//! `BUREAU_BENCH_NODE_LOG` sets the bureau nodes' log filter (default `warn`), e.g.
//! `warn,bureau_doc=debug` for the document actor's per-batch times.
//!
//! Medians over the repetitions go to a Markdown table on stdout and, with `--json`, to a
//! file; the goals are checked and printed but never make the run fail: the exit code is
//! non-zero only when the harness itself breaks.

mod events;
mod fixture;
mod mesh;
mod peer;
mod proxy;
mod report;
mod samod_peer;
mod systems;
mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::fixture::{Fixture, Rng, Share, Size, State};
use crate::proxy::Shape;
use crate::report::{Metric, Results};
use crate::systems::{Bureau, Children, ColdStart, Launch, Res, System, Transport};
use crate::util::{cpu_ms_all, hwm_mb, median, now_ms, poll, quantile, rss_mb};

/// Edits per replica in W2 (the research note's divergence).
const W2_EDITS: usize = 1_000;
/// Edits propagated in W4, and how far apart they start.
const W4_EDITS: usize = 200;
const W4_SPACING_MS: f64 = 110.0;
/// The UI's pages that list records (their first page where they are paginated), timed in
/// W5: what a delegate opens, whatever the bureau's size.
const UI_LIST_PAGES: &[&str] = &[
    "/roster",
    "/schedule",
    "/schedule?view=list",
    "/agenda",
    "/liaison",
    "/documents",
    "/conflicts",
    "/peers",
    "/search?q=geneve",
];
/// Durable edits timed in W5.
const W5_EDITS: usize = 200;
/// How long a link must stay silent before an exchange counts as finished.
const QUIET_MS: f64 = 300.0;
/// Edits propagated through each W7 link, and how far apart they start.
const W7_EDITS: usize = 20;
const W7_SPACING_MS: f64 = 1_000.0;
/// How long W7 waits for an edit, or for a reconnect after divergence, before it counts the
/// system as never finishing.
const W7_LIMIT: Duration = Duration::from_secs(120);

#[derive(Debug, Parser)]
#[command(
    name = "bureau-bench",
    about = "bureau side by side with automerge-repo and samod"
)]
struct Cli {
    /// Size of the bureau: s (200 members, 1,000 meetings, 500 notes), m (2,000 / 10,000 /
    /// 5,000, the research note's) or l (10,000 / 50,000 / 25,000).
    #[arg(long, default_value = "s", value_parser = ["s", "m", "l"])]
    size: String,
    /// Also write the results and goals as JSON to this file.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Repetitions of the whole suite per system (medians are reported).
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// Systems to run, comma-separated (default: all three): bureau, automerge-repo, samod, and
    /// bureau-quic (the node with its member connections over QUIC through UDP fronts of the
    /// proxy; W1 to W7).
    #[arg(long, default_value = "bureau,automerge-repo,samod")]
    systems: String,
    /// Workloads to run, comma-separated: w1 to w8 (W1, the cold start, runs whenever one of
    /// W2 to W7 does: they start with it). W7 and W8 are not in the default set: they take
    /// minutes. W8 (many laptops) is always at size s.
    #[arg(long, default_value = "w1,w2,w3,w4,w5,w6")]
    workloads: String,
    /// Keep this many cores busy with CPU hogs at normal priority while the systems run (a
    /// delegate's laptop also running a browser and a video call): 2 on a 2-core machine
    /// for the busy-laptop goals, which the report then adds.
    #[arg(long, default_value_t = 0, value_name = "N")]
    hog: usize,
    /// The `bureau` executable [default: built with cargo next to this one].
    #[arg(long, value_name = "PATH")]
    bureau_bin: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Option<Sub>,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Write the two replicas' data directories (DIR/a, DIR/b) holding the fixture, for
    /// profiling nodes on it (`bureau --data-dir DIR/a serve`).
    Fixture {
        /// Where to create the data directories (must not hold a bureau yet).
        #[arg(long)]
        dir: PathBuf,
    },
    /// (internal) Run one samod replica, driven over stdin/stdout.
    #[command(hide = true)]
    SamodPeer {
        #[arg(long)]
        storage: PathBuf,
        #[arg(long)]
        doc: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        listen: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Sub::Fixture { dir }) = &cli.cmd {
        return match write_fixture(&cli.size, dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("bureau-bench: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if let Some(Sub::SamodPeer {
        storage,
        doc,
        name,
        listen,
    }) = &cli.cmd
    {
        return match samod_peer::run(storage.clone(), doc, name, *listen) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("samod peer: {e}");
                ExitCode::FAILURE
            }
        };
    }
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bureau-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Everything a system run needs.
struct Setup {
    fixture: Fixture,
    keys: [Vec<u8>; 2],
    doc_id: String,
    bureau_bin: PathBuf,
    launch: Launch,
    work: PathBuf,
    workloads: Vec<String>,
    /// W8's bureau (size s, a device per node), when W8 runs.
    mesh: Option<mesh::MeshSetup>,
}

impl Setup {
    fn runs(&self, w: &str) -> bool {
        self.workloads.iter().any(|x| x == w)
    }
}

pub(crate) fn say(msg: &str) {
    eprintln!("[bench {:>7.1}s] {msg}", util_elapsed());
}

fn util_elapsed() -> f64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64()
}

fn run(cli: &Cli) -> Res<()> {
    util_elapsed();
    let size = Size::parse(&cli.size).ok_or("unknown size")?;
    let systems: Vec<String> = cli
        .systems
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect();
    for s in &systems {
        if !report::SYSTEMS.contains(&s.as_str()) {
            return Err(format!("unknown system {s:?}"));
        }
    }
    let workloads: Vec<String> = cli
        .workloads
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .collect();
    for w in &workloads {
        if !["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"].contains(&w.as_str()) {
            return Err(format!("unknown workload {w:?} (w1 to w8)"));
        }
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bureau_bin = match &cli.bureau_bin {
        Some(p) => p.clone(),
        None if systems.iter().any(|s| is_bureau(s)) => build_bureau(&manifest)?,
        None => PathBuf::new(),
    };
    let js_dir = manifest.join("js");
    let node = "node".to_owned();
    if systems.iter().any(|s| s == "automerge-repo") {
        npm_ci(&js_dir)?;
    }
    let launch = Launch {
        node,
        js_dir,
        self_exe: std::env::current_exe().map_err(|e| e.to_string())?,
    };
    let ids = [
        bureau_net::Identity::generate(),
        bureau_net::Identity::generate(),
    ];
    say(&format!(
        "building the size-{} bureau ({} members, {} meetings, {} notes)",
        size.name, size.members, size.meetings, size.notes
    ));
    let fixture = fixture::build(size, &ids[0].peer_id(), &ids[1].peer_id());
    say(&format!(
        "fixture: {} changes, {} bytes, built in {:.1} s",
        fixture.changes,
        fixture.bytes.len(),
        fixture.build_ms / 1e3
    ));
    let mut rng = Rng::new(99);
    let id_bytes: Vec<u8> = (0..16).map(|_| rng.next_u32() as u8).collect();
    let doc_id = samod::DocumentId::try_from(id_bytes)
        .map_err(|e| e.to_string())?
        .to_string();
    let work = tempfile::Builder::new()
        .prefix("bureau-bench-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let mesh = workloads.iter().any(|w| w == "w8").then(|| {
        say("building W8's size-s bureau with a device for each of 12 nodes");
        mesh::MeshSetup::build()
    });
    let setup = Setup {
        mesh,
        fixture,
        keys: [ids[0].to_bytes(), ids[1].to_bytes()],
        doc_id,
        bureau_bin,
        launch,
        work: work.path().to_path_buf(),
        workloads,
    };
    // The hogs start after the fixture is built and end with the run (their `Drop`).
    let hogs = Hogs::start(cli.hog)?;
    let res = run_all(cli, &systems, size, &setup);
    drop(hogs);
    if res.is_err() || std::env::var_os("BUREAU_BENCH_KEEP").is_some() {
        // Keep the logs of the processes for a look at what broke (or, on request, at where
        // the time went: the nodes log at the level of BUREAU_BENCH_NODE_LOG).
        let kept = work.keep();
        eprintln!(
            "bureau-bench: the work directory is kept: {}",
            kept.display()
        );
    }
    res
}

fn run_all(cli: &Cli, systems: &[String], size: Size, setup: &Setup) -> Res<()> {
    let mut results = Results::default();
    let machine = report::machine();
    let load_start = report::loadavg();
    for rep in 0..cli.reps.max(1) {
        // Alternate: each repetition starts with the next system.
        let order: Vec<&String> = (0..systems.len())
            .map(|i| &systems[(i + rep) % systems.len()])
            .collect();
        for sys in order {
            say(&format!(
                "repetition {}/{}: {sys}",
                rep + 1,
                cli.reps.max(1)
            ));
            // W8 alone needs none of the two-replica workloads (W1 included).
            if setup.workloads.iter().any(|w| w != "w8") {
                let metrics = run_system(sys, setup, rep)?;
                results.add(sys, metrics);
            }
            // W8's mesh is the node's TCP; QUIC is measured on two replicas only.
            if let Some(m) = setup.mesh.as_ref().filter(|_| sys != "bureau-quic") {
                let dir = setup.work.join(format!("{sys}-{rep}"));
                let res = mesh::run(
                    sys,
                    m,
                    &setup.bureau_bin,
                    &setup.launch,
                    &setup.doc_id,
                    &dir,
                );
                match res {
                    Ok(metrics) => results.add(sys, metrics),
                    // The node failing W8 is a defect of ours; another system's is a result,
                    // reported as such rather than left out.
                    Err(e) if !is_bureau(sys) => {
                        say(&format!("{sys}: W8 broke: {e}"));
                        results.add(sys, vec![Metric::new("W8", "broke", 1.0)]);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    let load_end = report::loadavg();
    let summary = results.summary();
    let goals = report::goals(&summary, size, cli.hog);
    let md = report::markdown(
        &summary,
        &goals,
        size,
        cli.hog,
        cli.reps.max(1),
        &machine,
        load_start,
        load_end,
    );
    println!("{md}");
    if let Some(path) = &cli.json {
        let json = report::json(&summary, &goals, size, cli.reps.max(1), &machine);
        std::fs::write(
            path,
            serde_json::to_vec_pretty(&json).map_err(|e| e.to_string())?,
        )
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        say(&format!("wrote {}", path.display()));
    }
    Ok(())
}

/// CPU hogs: shells spinning at normal priority, killed when dropped.
struct Hogs(Vec<std::process::Child>);

impl Hogs {
    fn start(n: usize) -> Res<Hogs> {
        let mut hogs = Hogs(Vec::new());
        for _ in 0..n {
            let child = Command::new("sh")
                .args(["-c", "while :; do :; done"])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start a CPU hog: {e}"))?;
            hogs.0.push(child);
        }
        if n > 0 {
            say(&format!("{n} CPU hog(s) running at normal priority"));
        }
        Ok(hogs)
    }
}

impl Drop for Hogs {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Builds the node with cargo, in the same profile as this executable, and returns it.
fn build_bureau(manifest: &Path) -> Res<PathBuf> {
    let root = manifest
        .parent()
        .and_then(Path::parent)
        .ok_or("no workspace root")?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    // target/<profile>/bureau-bench: build into the same target directory.
    let target_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("cannot tell the target directory")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "-p", "bureau", "--target-dir"])
        .arg(target_dir)
        .current_dir(root);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    say("building the bureau node (cargo build -p bureau)");
    let status = cmd.status().map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo build -p bureau failed".to_owned());
    }
    let bin = exe.with_file_name("bureau");
    if !bin.is_file() {
        return Err(format!("{} is missing after the build", bin.display()));
    }
    Ok(bin)
}

/// Installs the pinned JS packages (`npm ci`, from the committed lock file) when missing.
fn npm_ci(js_dir: &Path) -> Res<()> {
    if js_dir
        .join("node_modules/@automerge/automerge-repo")
        .is_dir()
    {
        return Ok(());
    }
    say("installing automerge-repo from the lock file (npm ci)");
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(js_dir)
        .status()
        .map_err(|e| format!("cannot run npm (Node.js 20 and npm are needed): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("npm ci failed".to_owned())
    }
}

/// `bureau-bench --size m fixture --dir DIR`: the bureau's first replica, ready to serve.
fn write_fixture(size: &str, dir: &Path) -> Res<()> {
    let size = Size::parse(size).ok_or("unknown size")?;
    let ids = [
        bureau_net::Identity::generate(),
        bureau_net::Identity::generate(),
    ];
    let fixture = fixture::build(size, &ids[0].peer_id(), &ids[1].peer_id());
    for (name, id) in [("a", &ids[0]), ("b", &ids[1])] {
        bureau_dir(&dir.join(name), &fixture.bytes, &id.to_bytes())?;
    }
    say(&format!(
        "wrote {0}/a and {0}/b, the two replicas' data directories ({1} changes, {2} bytes)",
        dir.display(),
        fixture.changes,
        fixture.bytes.len()
    ));
    Ok(())
}

/// A bureau data directory holding the fixture as its snapshot and the node's key.
fn bureau_dir(dir: &Path, bytes: &[u8], key: &[u8]) -> Res<()> {
    let mut store = bureau_store::Store::open(dir).map_err(|e| e.to_string())?;
    store
        .compact(bytes, 0, |_| true)
        .map_err(|e| e.to_string())?;
    store
        .write_file(bureau_net::KEY_FILE, key, 0o600)
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// An automerge-repo (and samod) storage folder holding the fixture as the document's
/// snapshot: `<id[..2]>/<id[2..]>/snapshot/<name>`, the layout both use.
fn repo_dir(dir: &Path, doc_id: &str, bytes: &[u8]) -> Res<()> {
    let d = dir.join(&doc_id[..2]).join(&doc_id[2..]).join("snapshot");
    std::fs::create_dir_all(&d).map_err(|e| e.to_string())?;
    std::fs::write(d.join("fixture"), bytes).map_err(|e| e.to_string())
}

/// Either kind of system, so the bureau-only workload can reach the node's API.
enum Running {
    Bureau(Bureau),
    Children(Box<Children>),
}

impl Running {
    fn sys(&mut self) -> &mut dyn System {
        match self {
            Running::Bureau(b) => b,
            Running::Children(c) => c.as_mut(),
        }
    }
}

/// Waits until the proxy has been silent for [`QUIET_MS`].
fn settle(sys: &mut dyn System) {
    let _ = poll(
        Duration::from_secs(60),
        Duration::from_millis(20),
        || match sys.proxy().last_activity() {
            Some(t) if now_ms() - t < QUIET_MS => None,
            _ => Some(()),
        },
    );
}

/// Whether `name` is the node (over either transport) rather than another system.
fn is_bureau(name: &str) -> bool {
    matches!(name, "bureau" | "bureau-quic")
}

/// The bureau publishes its sync counters with its once-a-second status.
fn counters_fresh(name: &str) {
    if is_bureau(name) {
        std::thread::sleep(Duration::from_millis(1_100));
    }
}

/// Fails the run when a node's log says it panicked: a panic is a defect even when every
/// figure came out (a panic inside automerge that the node's input guard caught is logged
/// without that word).
fn no_panic_in_logs(logs: &std::path::Path) -> Res<()> {
    for entry in std::fs::read_dir(logs).map_err(|e| e.to_string())? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let is_node = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("bureau-"));
        if !is_node {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Some(at) = text.find("panicked") {
            let end = (at + 3000).min(text.len());
            let end = (end..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            return Err(format!(
                "a bureau node panicked ({}):\n{}",
                path.display(),
                &text[at..end]
            ));
        }
    }
    Ok(())
}

fn run_system(name: &str, setup: &Setup, rep: usize) -> Res<Vec<Metric>> {
    let dir = setup.work.join(format!("{name}-{rep}"));
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    let bytes = &setup.fixture.bytes;
    let mut state = setup.fixture.state.clone();
    let author = state.author.clone();
    let mut restart_ms = None;
    let (mut running, cold): (Running, ColdStart) = match name {
        "bureau" | "bureau-quic" => {
            let (a, b) = (dir.join("a"), dir.join("b"));
            if name == "bureau" {
                let r = dir.join("restart");
                bureau_dir(&r, bytes, &setup.keys[0])?;
                restart_ms = Some(Bureau::restart_ms(&setup.bureau_bin, &r, &logs)?);
            }
            bureau_dir(&a, bytes, &setup.keys[0])?;
            bureau_dir(&b, bytes, &setup.keys[1])?;
            let transport = if name == "bureau" {
                Transport::Tcp
            } else {
                Transport::Quic
            };
            let (sys, cold) = Bureau::start(&setup.bureau_bin, [&a, &b], &logs, transport)?;
            (Running::Bureau(sys), cold)
        }
        "automerge-repo" => {
            let d = [dir.join("a"), dir.join("b"), dir.join("server")];
            for x in &d {
                repo_dir(x, &setup.doc_id, bytes)?;
            }
            let (sys, cold) = Children::automerge_repo(
                &setup.launch,
                [&d[0], &d[1], &d[2]],
                &setup.doc_id,
                &author,
                &logs,
            )?;
            (Running::Children(Box::new(sys)), cold)
        }
        _ => {
            let d = [dir.join("a"), dir.join("b")];
            for x in &d {
                repo_dir(x, &setup.doc_id, bytes)?;
            }
            let (sys, cold) =
                Children::samod(&setup.launch, [&d[0], &d[1]], &setup.doc_id, &author, &logs)?;
            (Running::Children(Box::new(sys)), cold)
        }
    };
    let mut m = Vec::new();
    let mut put = |w: &str, metric: &str, v: f64| m.push(Metric::new(w, metric, v));
    put("W1", "cold_start_ms", cold.ms);
    put("W1", "first_page_bytes", cold.page_bytes);
    if let Some((ms, crashed)) = restart_ms {
        put("W1", "restart_ms", ms);
        put("W1", "crash_restart_ms", crashed);
    }
    {
        let sys = running.sys();
        let (ms, n) = sys.save(0, &dir.join("w1-save.am"))?;
        put("W1", "save_ms", ms);
        put("W1", "save_bytes", n as f64);
    }

    // W5, bureau only: durable edits through the API, reads.
    if let (Running::Bureau(b), true) = (&mut running, setup.runs("w5")) {
        let mut rng = Rng::new(5_005);
        let lat = b.edits(0, &mut state, &mut rng, Share::All, W5_EDITS)?;
        put("W5", "durable_edit_p50_ms", quantile(&lat, 0.5));
        put("W5", "durable_edit_p99_ms", quantile(&lat, 0.99));
        // The disk's own floor under an acknowledged edit: the node's store appending one
        // small chunk, alone, on the same file system.
        let floor = util::durable_write_floor(&dir, W5_EDITS)?;
        put("W5", "limit_durable_write_p50_ms", quantile(&floor, 0.5));
        put("W5", "limit_durable_write_p99_ms", quantile(&floor, 0.99));
        let ids = state.meetings.clone();
        let client = b.client(0);
        let t0 = now_ms();
        let mut reads = 0usize;
        while now_ms() - t0 < 1_000.0 {
            let id = &ids[reads % ids.len()];
            client
                .request("GET", &format!("/api/meetings/{id}"), None)
                .map_err(|e| e.to_string())?;
            reads += 1;
        }
        put(
            "W5",
            "record_reads_per_s",
            reads as f64 * 1e3 / (now_ms() - t0),
        );
        let mut list = Vec::new();
        for _ in 0..3 {
            let t = now_ms();
            client
                .request("GET", "/api/meetings", None)
                .map_err(|e| e.to_string())?;
            list.push(now_ms() - t);
        }
        put("W5", "list_meetings_ms", median(&list));
        // Every page of the UI that lists records, rendered: the slowest one's median.
        let mut slowest = (0.0, "");
        for page in UI_LIST_PAGES {
            let mut took = Vec::new();
            for _ in 0..3 {
                let t = now_ms();
                let res = client
                    .request("GET", page, None)
                    .map_err(|e| e.to_string())?;
                if res.status != 200 {
                    return Err(format!("W5: the page {page} answered {}", res.status));
                }
                took.push(now_ms() - t);
            }
            let m = median(&took);
            if m > slowest.0 {
                slowest = (m, page);
            }
        }
        say(&format!(
            "W5: the slowest page is {} ({:.1} ms)",
            slowest.1, slowest.0
        ));
        put("W5", "ui_slowest_page_ms", slowest.0);
        b.clear_events();
    }
    let sys = running.sys();
    settle(sys);

    // W4: live propagation A -> B.
    if setup.runs("w4") {
        let mut rng = Rng::new(4_004);
        let pids = sys.pids();
        let cpu0 = cpu_ms_all(&pids);
        let mut lat = Vec::with_capacity(W4_EDITS);
        let mut times = Vec::with_capacity(W4_EDITS);
        for _ in 0..W4_EDITS {
            let op = state.next_edit(&mut rng, Share::All);
            let (t0, heads) = sys.edit(0, &state, &op)?;
            let t1 = sys.wait_heads(1, &heads, t0, Duration::from_secs(60))?;
            lat.push(t1 - t0);
            times.push((t0, t1));
            let wait = t0 + W4_SPACING_MS - now_ms();
            if wait > 0.0 {
                std::thread::sleep(Duration::from_secs_f64(wait / 1e3));
            }
        }
        let cpu = cpu_ms_all(&pids) - cpu0;
        if std::env::var_os("BUREAU_BENCH_KEEP").is_some() {
            let lines: String = times
                .iter()
                .map(|(t0, t1)| format!("{t0:.3} {t1:.3}\n"))
                .collect();
            let _ = std::fs::write(dir.join(format!("w4-{name}.times")), lines);
        }
        put("W4", "p50_ms", quantile(&lat, 0.5));
        put("W4", "p99_ms", quantile(&lat, 0.99));
        put("W4", "max_ms", quantile(&lat, 1.0));
        put("W4", "cpu_ms_per_edit", cpu / W4_EDITS as f64);
    }
    settle(sys);

    // W3: no-op reconnect.
    if setup.runs("w3") {
        sys.disconnect()?;
        std::thread::sleep(Duration::from_millis(500));
        settle(sys);
        let heads = sys.heads(0)?;
        if sys.heads(1)? != heads {
            return Err(format!("{name}: replicas differ before W3"));
        }
        counters_fresh(name);
        let sc0 = sys.sync_count()?;
        let pids = sys.pids();
        let cpu0 = cpu_ms_all(&pids);
        let mark = sys.proxy().mark();
        sys.connect()?;
        let _ = poll(Duration::from_secs(60), Duration::from_millis(10), || {
            let t = sys.proxy().since(mark);
            (!t.accepted.is_empty() && t.last.is_some_and(|l| now_ms() - l >= QUIET_MS))
                .then_some(())
        });
        let cpu = cpu_ms_all(&pids) - cpu0;
        let tr = sys.proxy().since(mark);
        if std::env::var_os("BUREAU_BENCH_KEEP").is_some() {
            let _ = sys
                .proxy()
                .dump(mark, &dir.join(format!("w3-{name}.trace")));
        }
        counters_fresh(name);
        let sc1 = sys.sync_count()?;
        let start = tr.accepted.first().copied().unwrap_or(f64::NAN);
        put("W3", "time_ms", tr.last.unwrap_or(f64::NAN) - start);
        put("W3", "wire_bytes", tr.total() as f64);
        put("W3", "legs", tr.legs as f64);
        // Two nodes may both dial on a resume; a second connection's handshake bytes count,
        // and this says when they are there.
        put("W3", "connections", tr.accepted.len() as f64);
        put("W3", "cpu_ms", cpu);
        match (sc0, sc1) {
            (Some(a), Some(b)) => {
                put("W3", "sync_bytes", b.bytes - a.bytes);
                put("W3", "sync_messages", b.messages - a.messages);
            }
            _ => put("W3", "sync_bytes", tr.total() as f64),
        }
    }
    settle(sys);

    // W2: reconnect after divergence.
    if setup.runs("w2") {
        sys.disconnect()?;
        std::thread::sleep(Duration::from_millis(500));
        settle(sys);
        let base = sys.heads(0)?;
        if sys.heads(1)? != base {
            return Err(format!("{name}: replicas differ before W2"));
        }
        let (mut ra, mut rb) = (Rng::new(1_001), Rng::new(2_002));
        sys.edits(0, &mut state, &mut ra, Share::Even, W2_EDITS)?;
        sys.edits(1, &mut state, &mut rb, Share::Odd, W2_EDITS)?;
        let (ha, hb) = (sys.heads(0)?, sys.heads(1)?);
        let want = fixture::union(&ha, &hb);
        // Let background saves of the edits finish before the clock starts.
        std::thread::sleep(Duration::from_millis(1_000));
        counters_fresh(name);
        let sc0 = sys.sync_count()?;
        let pids = sys.pids();
        let cpu0 = cpu_ms_all(&pids);
        let mark = sys.proxy().mark();
        let tc = now_ms();
        sys.connect()?;
        let limit = Duration::from_secs(600);
        let ta = sys.wait_heads(0, &want, tc, limit)?;
        let tb = sys.wait_heads(1, &want, tc, limit)?;
        let end = ta.max(tb);
        let cpu_converged = cpu_ms_all(&pids) - cpu0;
        settle(sys);
        let tr = sys.proxy().since(mark);
        if std::env::var_os("BUREAU_BENCH_KEEP").is_some() {
            let _ = sys
                .proxy()
                .dump(mark, &dir.join(format!("w2-{name}.trace")));
        }
        counters_fresh(name);
        let sc1 = sys.sync_count()?;
        let start = tr.accepted.first().copied().unwrap_or(tc);
        put("W2", "time_ms", end - start);
        put("W2", "cpu_ms", cpu_converged);
        put(
            "W2",
            "bytes_a_to_b",
            if name == "automerge-repo" {
                f64::NAN
            } else {
                tr.down as f64
            },
        );
        put(
            "W2",
            "bytes_b_to_a",
            if name == "automerge-repo" {
                f64::NAN
            } else {
                tr.up as f64
            },
        );
        put("W2", "wire_bytes", tr.total() as f64);
        put("W2", "legs", tr.legs as f64);
        put("W2", "connections", tr.accepted.len() as f64);
        put("W2", "min_legs", 3.0);
        match (sc0, sc1) {
            (Some(a), Some(b)) => {
                put("W2", "sync_bytes", b.bytes - a.bytes);
                put("W2", "sync_messages", b.messages - a.messages);
            }
            _ => put("W2", "sync_bytes", tr.total() as f64),
        }
        let path = dir.join("w2.am");
        sys.save(0, &path)?;
        let doc = std::fs::read(&path).map_err(|e| e.to_string())?;
        let (n, raw, deflated, bundled) =
            fixture::changes_since(&doc, &base).ok_or("cannot read the saved document")?;
        put("W2", "changes_moved", n as f64);
        put("W2", "raw_change_bytes", raw as f64);
        put("W2", "deflated_change_bytes", deflated as f64);
        put("W2", "bundled_change_bytes", bundled as f64);
        put("W2", "wire_per_raw", tr.total() as f64 / raw as f64);
        put(
            "W2",
            "wire_per_deflated",
            tr.total() as f64 / deflated as f64,
        );
    }

    // W6: memory of replica A.
    if setup.runs("w6") {
        std::thread::sleep(Duration::from_millis(1_000));
        let pid = sys.pid(0);
        put("W6", "rss_steady_mb", rss_mb(pid).unwrap_or(f64::NAN));
        put("W6", "rss_peak_mb", hwm_mb(pid).unwrap_or(f64::NAN));
    }

    // W7: W4 and W2 through a poor link, one shape after the other (over TCP, or over QUIC
    // through the proxy's shaped UDP fronts for bureau-quic).
    if setup.runs("w7") {
        for shape in [Shape::HOTSPOT, Shape::CONGESTED] {
            say(&format!("{name}: W7 through the {} link", shape.name));
            let mut measured = Vec::new();
            let trace = dir.join(format!("w7-{}-{name}.trace", shape.name));
            let res = w7(sys, &mut state, shape, &trace, &mut measured);
            sys.proxy().set_shape(None);
            let w = format!("W7 {}", shape.name);
            for (metric, v) in measured {
                put(&w, metric, v);
            }
            // A system that breaks on the poor link (a replica that exits, replicas that stay
            // apart) is reported as such, with what it measured before; its run ends here.
            if let Err(e) = res {
                say(&format!("{name}: W7 {} broke the system: {e}", shape.name));
                put(&w, "broke", 1.0);
                break;
            }
            put(&w, "broke", 0.0);
        }
    }
    match running {
        Running::Bureau(b) => Box::new(b).stop(),
        Running::Children(c) => c.stop(),
    }
    if is_bureau(name) {
        no_panic_in_logs(&logs)?;
    }
    if std::env::var_os("BUREAU_BENCH_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(m)
}

/// W7 through one shape of link: W4's propagation (fewer edits, further apart), then W2's
/// reconnect after divergence. A system that does not finish within [`W7_LIMIT`] is reported
/// with `finished` 0 and no time; the run goes on once the replicas are equal again.
fn w7(
    sys: &mut dyn System,
    state: &mut State,
    shape: Shape,
    trace: &Path,
    out: &mut Vec<(&'static str, f64)>,
) -> Res<()> {
    sys.proxy().set_shape(Some(shape));
    let mark = sys.proxy().mark();
    let dropped0 = sys.proxy().dropped();
    let lost0 = sys.proxy().tail_dropped();
    let mut rng = Rng::new(7_007);
    let mut lat = Vec::with_capacity(W7_EDITS);
    let mut late = 0usize;
    for _ in 0..W7_EDITS {
        let op = state.next_edit(&mut rng, Share::All);
        let (t0, heads) = sys.edit(0, state, &op)?;
        match sys.wait_heads(1, &heads, t0, W7_LIMIT) {
            Ok(t1) => lat.push(t1 - t0),
            Err(_) => late += 1,
        }
        let wait = t0 + W7_SPACING_MS - now_ms();
        if wait > 0.0 {
            std::thread::sleep(Duration::from_secs_f64(wait / 1e3));
        }
    }
    let tr = sys.proxy().since(mark);
    // The change's own transfer time: what A sent per edit, at the link's bandwidth.
    let per_edit = tr.down as f64 / W7_EDITS as f64;
    out.push(("w4_p50_ms", quantile(&lat, 0.5)));
    out.push(("w4_p99_ms", quantile(&lat, 0.99)));
    out.push(("w4_never", late as f64));
    out.push((
        "w4_limit_ms",
        4.0 * shape.one_way_ms + shape.transfer_ms(per_edit),
    ));

    sys.disconnect()?;
    std::thread::sleep(Duration::from_millis(500));
    let base = sys.heads(0)?;
    if sys.heads(1)? != base {
        sys.connect()?;
        sys.wait_heads(1, &base, 0.0, W7_LIMIT)
            .map_err(|e| format!("W7 {}: the replicas stay apart after W4: {e}", shape.name))?;
        sys.disconnect()?;
        std::thread::sleep(Duration::from_millis(500));
    }
    settle(sys);
    out.push(("w2_finished", 0.0));
    let (mut ra, mut rb) = (Rng::new(7_001), Rng::new(7_002));
    sys.edits(0, state, &mut ra, Share::Even, W2_EDITS)?;
    sys.edits(1, state, &mut rb, Share::Odd, W2_EDITS)?;
    let want = fixture::union(&sys.heads(0)?, &sys.heads(1)?);
    std::thread::sleep(Duration::from_millis(1_000));
    let mark = sys.proxy().mark();
    let tc = now_ms();
    sys.connect()?;
    let done = sys
        .wait_heads(0, &want, tc, W7_LIMIT)
        .and_then(|ta| Ok(ta.max(sys.wait_heads(1, &want, tc, W7_LIMIT)?)));
    let tr = sys.proxy().since(mark);
    if std::env::var_os("BUREAU_BENCH_KEEP").is_some() {
        let _ = sys.proxy().dump(mark, trace);
    }
    out.push(("w2_time_ms", done.as_ref().map_or(f64::NAN, |end| end - tc)));
    out.retain(|(m, _)| *m != "w2_finished");
    out.push(("w2_finished", f64::from(u8::from(done.is_ok()))));
    out.push(("w2_wire_bytes", tr.total() as f64));
    out.push(("w2_legs", tr.legs as f64));
    out.push(("w2_connections", tr.accepted.len() as f64));
    out.push(("drops", (sys.proxy().dropped() - dropped0) as f64));
    out.push((
        "datagrams_lost",
        (sys.proxy().tail_dropped() - lost0) as f64,
    ));
    if done.is_err() {
        // Let the replicas meet on a clean link before the next shape or workload.
        sys.proxy().set_shape(None);
        let t = now_ms();
        sys.wait_heads(0, &want, t, W7_LIMIT)
            .and_then(|_| sys.wait_heads(1, &want, t, W7_LIMIT))
            .map_err(|e| {
                format!(
                    "W7 {}: no convergence even on a clean link: {e}",
                    shape.name
                )
            })?;
    }
    Ok(())
}
