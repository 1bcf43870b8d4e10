//! Clocks, `/proc` readings, statistics and child processes.

use std::process::Child;
use std::time::{Duration, Instant};

/// Milliseconds since the Unix epoch, fractional: the one clock every process of the run can
/// stamp events with (Node's `performance.timeOrigin + performance.now()` is the same clock).
pub(crate) fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1e3)
        .unwrap_or(0.0)
}

fn status_kb(pid: u32, field: &str) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Resident memory now, in MB (`VmRSS`).
pub(crate) fn rss_mb(pid: u32) -> Option<f64> {
    status_kb(pid, "VmRSS:").map(|kb| kb / 1024.0)
}

/// Peak resident memory so far, in MB (`VmHWM`).
pub(crate) fn hwm_mb(pid: u32) -> Option<f64> {
    status_kb(pid, "VmHWM:").map(|kb| kb / 1024.0)
}

/// CPU time of a process in milliseconds, with nanosecond resolution: the sum over its
/// threads of `/proc/<pid>/task/*/schedstat` (clock ticks in `/proc/<pid>/stat` are 10 ms,
/// too coarse for a 2 ms exchange). Threads that already ended are not counted.
pub(crate) fn cpu_ms(pid: u32) -> f64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0.0;
    };
    let mut ns = 0u64;
    for t in tasks.flatten() {
        if let Ok(s) = std::fs::read_to_string(t.path().join("schedstat"))
            && let Some(v) = s
                .split_whitespace()
                .next()
                .and_then(|v| v.parse::<u64>().ok())
        {
            ns += v;
        }
    }
    ns as f64 / 1e6
}

/// Summed CPU milliseconds of several processes.
pub(crate) fn cpu_ms_all(pids: &[u32]) -> f64 {
    pids.iter().map(|p| cpu_ms(*p)).sum()
}

/// The `q` quantile (0..=1) of `v` by nearest rank; `NaN` when empty.
pub(crate) fn quantile(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

/// The median (mean of the middle two for even counts); `NaN` when empty.
pub(crate) fn median(v: &[f64]) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if s.is_empty() {
        return f64::NAN;
    }
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

/// Polls `f` every `every` until it returns `Some`, or gives up after `limit`.
pub(crate) fn poll<T>(
    limit: Duration,
    every: Duration,
    mut f: impl FnMut() -> Option<T>,
) -> Option<T> {
    let until = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= until {
            return None;
        }
        std::thread::sleep(every);
    }
}

/// A child process that is killed (and reaped) when dropped, so no run leaves processes
/// behind, whatever fails.
#[derive(Debug)]
pub(crate) struct Proc {
    pub(crate) child: Child,
    pub(crate) name: String,
}

impl Proc {
    pub(crate) fn new(child: Child, name: impl Into<String>) -> Proc {
        Proc {
            child,
            name: name.into(),
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether it has exited (then with what).
    pub(crate) fn exited(&mut self) -> Option<std::process::ExitStatus> {
        self.child.try_wait().ok().flatten()
    }

    /// Kills it at once (SIGKILL): no clean stop, as a crash or a flat battery.
    pub(crate) fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Asks it to stop (SIGTERM via kill(1), as the workspace forbids `unsafe`), waits up to
    /// `grace`, then kills it.
    pub(crate) fn stop(mut self, grace: Duration) {
        let _ = std::process::Command::new("kill")
            .args(["-s", "TERM", &self.pid().to_string()])
            .status();
        if poll(grace, Duration::from_millis(20), || self.exited()).is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Times `n` appends of a 1 KB chunk to a store of its own in `dir`, the node's store alone
/// (one entry written to its log segment and `fdatasync`ed): the disk's floor under one
/// acknowledged edit.
pub(crate) fn durable_write_floor(dir: &std::path::Path, n: usize) -> Result<Vec<f64>, String> {
    let floor = dir.join("durable-write-floor");
    let mut store = bureau_store::Store::open(&floor).map_err(|e| e.to_string())?;
    store.load().map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        store.append(&[0x5a; 1024]).map_err(|e| e.to_string())?;
        out.push(t.elapsed().as_secs_f64() * 1e3);
    }
    drop(store);
    std::fs::remove_dir_all(&floor).map_err(|e| e.to_string())?;
    Ok(out)
}
