//! W8, many laptops: 3, 6 and 12 replicas of one system on a size-s bureau, in the topology
//! each system has — the bureau nodes and samod in a full mesh (every replica behind an owned
//! front of one counting proxy), automerge-repo as one sync server with a client per replica.
//!
//! - (a) one edit on one replica (each in turn) until every other replica has it: p50, p99.
//! - (b) a partition of half and half: the proxy closes every connection between the halves
//!   and refuses new ones (automerge-repo's server stays with the first half; the second
//!   half's replicas lose it); [`SPLIT_EDITS`] edits on each side, spread over its replicas;
//!   then the partition heals and each system reconnects by its own means. Time from the
//!   heal until every replica has the same heads, and the bytes on every link until then
//!   against the changes each replica lacked (the sum, over replicas, of the raw size of the
//!   changes it did not have at the heal: what a perfect protocol would move).

use std::path::PathBuf;
use std::time::Duration;

use crate::fixture::{self, Rng, Share, State};
use crate::report::Metric;
use crate::systems::{Bureau, Children, Launch, Mesh, Res};
use crate::util::{cpu_ms_all, now_ms, poll, quantile};
use crate::{bureau_dir, repo_dir, say, settle};

/// The mesh sizes, in the order they run.
pub(crate) const SIZES: [usize; 3] = [3, 6, 12];
/// Edits of (a), each on the next replica, and how far apart they start (automerge-repo
/// throttles its sync messages to one per 100 ms).
const EDITS: usize = 24;
const SPACING_MS: f64 = 250.0;
/// Edits on each side of (b)'s partition.
const SPLIT_EDITS: usize = 100;
/// How long any wait of W8 may take before the run counts as broken.
const LIMIT: Duration = Duration::from_secs(120);

/// What W8 needs beyond the two-replica setup: the size-s bureau with a device per node,
/// and each node's key.
pub(crate) struct MeshSetup {
    pub(crate) bytes: Vec<u8>,
    pub(crate) state: State,
    pub(crate) keys: Vec<Vec<u8>>,
}

impl MeshSetup {
    pub(crate) fn build() -> MeshSetup {
        let ids: Vec<bureau_net::Identity> = (0..SIZES[SIZES.len() - 1])
            .map(|_| bureau_net::Identity::generate())
            .collect();
        let devices: Vec<String> = ids.iter().map(|i| i.peer_id()).collect();
        let size = fixture::Size::parse("s").expect("size s exists");
        let f = fixture::build_for(size, &devices);
        MeshSetup {
            bytes: f.bytes,
            state: f.state,
            keys: ids.iter().map(|i| i.to_bytes()).collect(),
        }
    }
}

/// Runs W8 at every mesh size for system `name`; the metrics go under `W8 n=<size>`.
pub(crate) fn run(
    name: &str,
    mesh: &MeshSetup,
    bureau_bin: &std::path::Path,
    launch: &Launch,
    doc_id: &str,
    dir: &std::path::Path,
) -> Res<Vec<Metric>> {
    let mut out = Vec::new();
    for n in SIZES {
        say(&format!("{name}: W8 with {n} replicas"));
        let d = dir.join(format!("w8-{n}"));
        let logs = d.join("logs");
        std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
        let dirs: Vec<PathBuf> = (0..n).map(|i| d.join(format!("r{i}"))).collect();
        let mut sys: Box<dyn Mesh> = match name {
            "bureau" => {
                for (dir, key) in dirs.iter().zip(&mesh.keys) {
                    bureau_dir(dir, &mesh.bytes, key)?;
                }
                Box::new(Bureau::start_mesh(bureau_bin, &dirs, &logs)?)
            }
            "automerge-repo" => {
                let server = d.join("server");
                for x in dirs.iter().chain([&server]) {
                    repo_dir(x, doc_id, &mesh.bytes)?;
                }
                let author = mesh.state.author.clone();
                Box::new(Children::automerge_repo_star(
                    launch, &dirs, &server, doc_id, &author, &logs,
                )?)
            }
            _ => {
                for x in &dirs {
                    repo_dir(x, doc_id, &mesh.bytes)?;
                }
                let author = mesh.state.author.clone();
                Box::new(Children::samod_mesh(launch, &dirs, doc_id, &author, &logs)?)
            }
        };
        let mut state = mesh.state.clone();
        let res = one_size(sys.as_mut(), &mut state, &d);
        sys.stop_mesh();
        if name == "bureau" {
            crate::no_panic_in_logs(&logs)?;
        }
        let w = format!("W8 n={n}");
        for (metric, v) in res? {
            out.push(Metric::new(&w, metric, v));
        }
        if std::env::var_os("BUREAU_BENCH_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&d);
        }
    }
    Ok(out)
}

fn one_size(
    sys: &mut dyn Mesh,
    state: &mut State,
    dir: &std::path::Path,
) -> Res<Vec<(&'static str, f64)>> {
    let n = sys.len();
    let mut out = Vec::new();
    settle(sys);

    // (a) one edit until every other replica has it.
    let mut rng = Rng::new(8_008);
    let mut lat = Vec::with_capacity(EDITS);
    for k in 0..EDITS {
        let r = k % n;
        let op = state.next_edit(&mut rng, Share::All);
        let (t0, heads) = sys.edit(r, state, &op)?;
        let mut last = t0;
        for other in (0..n).filter(|&o| o != r) {
            last = last.max(sys.wait_heads(other, &heads, t0, LIMIT)?);
        }
        lat.push(last - t0);
        let wait = t0 + SPACING_MS - now_ms();
        if wait > 0.0 {
            std::thread::sleep(Duration::from_secs_f64(wait / 1e3));
        }
    }
    out.push(("edit_p50_ms", quantile(&lat, 0.5)));
    out.push(("edit_p99_ms", quantile(&lat, 0.99)));
    settle(sys);

    // (b) a partition of half and half, edits on both sides, the heal.
    let side_b: Vec<bool> = (0..n).map(|i| i >= n / 2).collect();
    let b_connected = sys.split(&side_b)?;
    std::thread::sleep(Duration::from_millis(500));
    settle(sys);
    let (mut ra, mut rb) = (Rng::new(8_001), Rng::new(8_002));
    for (side, rng, share) in [(false, &mut ra, Share::Even), (true, &mut rb, Share::Odd)] {
        let members: Vec<usize> = (0..n).filter(|&i| side_b[i] == side).collect();
        for (j, &r) in members.iter().enumerate() {
            // The side's edits spread over its replicas.
            let count = SPLIT_EDITS / members.len() + usize::from(j < SPLIT_EDITS % members.len());
            sys.edits(r, state, rng, share, count)?;
        }
    }
    // Each side that still has its links settles on its own heads before the heal, so that
    // the union of every replica's heads is what they all converge to.
    let groups: Vec<Vec<usize>> = {
        let a: Vec<usize> = (0..n).filter(|&i| !side_b[i]).collect();
        let b: Vec<usize> = (0..n).filter(|&i| side_b[i]).collect();
        if b_connected {
            vec![a, b]
        } else {
            std::iter::once(a)
                .chain(b.into_iter().map(|i| vec![i]))
                .collect()
        }
    };
    for g in &groups {
        poll(LIMIT, Duration::from_millis(20), || {
            let first = sys.heads(g[0]).ok()?;
            g[1..]
                .iter()
                .all(|&r| sys.heads(r).is_ok_and(|h| h == first))
                .then_some(())
        })
        .ok_or("W8: a side of the partition did not converge on its own")?;
    }
    std::thread::sleep(Duration::from_millis(1_000));
    settle(sys);
    let before: Vec<Vec<String>> = (0..n).map(|r| sys.heads(r)).collect::<Res<_>>()?;
    let want = before.iter().fold(Vec::new(), |u, h| fixture::union(&u, h));
    let pids = sys.pids();
    let cpu0 = cpu_ms_all(&pids);
    let mark = sys.proxy().mark();
    let th = now_ms();
    if std::env::var_os("BUREAU_BENCH_KEEP").is_some() {
        // Wall-clock time, to find the heal in the nodes' logs.
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        crate::say(&format!(
            "W8 n={n}: the partition heals at unix time {:.3}",
            unix.as_secs_f64()
        ));
    }
    sys.heal(&side_b)?;
    let mut end = th;
    for r in 0..n {
        end = end.max(sys.wait_heads(r, &want, th, LIMIT)?);
    }
    let cpu = cpu_ms_all(&pids) - cpu0;
    settle(sys);
    let tr = sys.proxy().since(mark);
    let path = dir.join("w8.am");
    sys.save(0, &path)?;
    let doc = std::fs::read(&path).map_err(|e| e.to_string())?;
    let mut lacking = 0usize;
    for h in &before {
        let (_, raw, _, _) =
            fixture::changes_since(&doc, h).ok_or("W8: cannot read the saved document")?;
        lacking += raw;
    }
    if lacking == 0 {
        // Every replica had every change before the heal: something crossed the partition,
        // and what the heal measured is nothing.
        return Err(
            "W8: the partition leaked (every replica had every change before the heal)".into(),
        );
    }
    out.push(("heal_ms", end - th));
    out.push(("heal_cpu_ms", cpu));
    out.push(("heal_wire_bytes", tr.total() as f64));
    out.push(("heal_lacking_bytes", lacking as f64));
    out.push(("heal_wire_per_lacking", tr.total() as f64 / lacking as f64));
    out.push(("heal_connections", tr.accepted.len() as f64));
    out.push(("split_refused", sys.proxy().refused() as f64));
    Ok(out)
}
