//! Running the real `bureau` binary and talking to it over loopback HTTP.
//!
//! Nothing here sleeps and hopes: every wait polls a condition with short sleeps until it
//! holds or a deadline passes, and a missed deadline fails the test with what was seen.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

pub(crate) use bureau_client::sorted_heads;
use serde_json::{Value, json};

/// How long a node may take from spawn to answering HTTP (debug build, busy 2-core machine).
pub(crate) const START_DEADLINE: Duration = Duration::from_secs(30);
/// How long one HTTP exchange may take before the test gives up on it.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a process may take to exit after being told to.
pub(crate) const EXIT_DEADLINE: Duration = Duration::from_secs(30);
/// Pause between two polls.
const POLL: Duration = Duration::from_millis(10);

/// The `bureau` executable under test: `$BUREAU_BIN`, else `target/<profile>/bureau` next to
/// the directory holding this test executable (`target/<profile>/deps/it-*`).
pub(crate) fn bureau_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("BUREAU_BIN") {
        let p = PathBuf::from(p);
        assert!(
            p.is_file(),
            "BUREAU_BIN={} is not a file; build it first: cargo build -p bureau",
            p.display()
        );
        return p;
    }
    let exe = std::env::current_exe().expect("the test knows its own executable");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable lives in target/<profile>/deps");
    let bin = profile_dir.join("bureau");
    assert!(
        bin.is_file(),
        "{} does not exist; build it first: cargo build -p bureau (or set BUREAU_BIN)",
        bin.display()
    );
    bin
}

/// A `bureau` command with the given data directory and no inherited `BUREAU_*` settings.
pub(crate) fn bureau_cmd(data_dir: &Path) -> Command {
    let mut cmd = Command::new(bureau_bin());
    cmd.env_remove("BUREAU_HOME")
        .env_remove("BUREAU_LOG")
        .env_remove("RUST_LOG")
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::null());
    cmd
}

/// Runs a command to completion, killing it (and failing) if it runs past `deadline`.
pub(crate) fn run_with_deadline(mut cmd: Command, deadline: Duration) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning the command");
    let pid = child.id();
    // Output is drained by wait_with_output on another thread; the deadline is watched here.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(deadline) {
        Ok(out) => {
            let out = out.expect("waiting for the command");
            // A panic is a defect even when the command's exit status looks fine.
            for stream in [&out.stdout, &out.stderr] {
                let text = String::from_utf8_lossy(stream);
                assert!(!text.contains("panicked"), "{cmd:?} panicked:\n{text}");
            }
            out
        }
        Err(_) => {
            send_signal(pid, "KILL");
            panic!("{cmd:?} did not exit within {deadline:?}; it was killed");
        }
    }
}

/// Sends a signal by name (`TERM`, `KILL`) with the system's `kill` command: the workspace
/// forbids `unsafe`, so `libc::kill` is out of reach.
pub(crate) fn send_signal(pid: u32, signal: &str) {
    // A process that is already gone makes kill(1) fail; that is what the caller wanted anyway.
    let _ = Command::new("kill")
        .arg("-s")
        .arg(signal)
        .arg(pid.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("running kill(1)");
}

/// Polls a child until it exits or the deadline passes.
pub(crate) fn wait_exit(child: &mut Child, deadline: Duration) -> Option<ExitStatus> {
    let until = Instant::now() + deadline;
    loop {
        if let Some(status) = child.try_wait().expect("polling a child process") {
            return Some(status);
        }
        if Instant::now() >= until {
            return None;
        }
        std::thread::sleep(POLL);
    }
}

/// An answer as it came off the socket ([`bureau_client::Response`]: `status`, `headers`,
/// `body`, `header()`, `text()`), with the checks tests make on it.
#[derive(Debug, Clone)]
pub(crate) struct Response(bureau_client::Response);

impl std::ops::Deref for Response {
    type Target = bureau_client::Response;

    fn deref(&self) -> &bureau_client::Response {
        &self.0
    }
}

impl Response {
    /// The body, taken out of the answer.
    pub(crate) fn into_body(self) -> Vec<u8> {
        self.0.body
    }

    /// The body as JSON; fails the test if it is not.
    pub(crate) fn json(&self) -> Value {
        self.0.json().unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {:?}",
                self.status,
                self.text()
            )
        })
    }

    /// Fails the test unless the status is `want`; returns the JSON body.
    pub(crate) fn expect(&self, want: u16) -> Value {
        assert_eq!(
            self.status,
            want,
            "expected status {want}, got {}: {}",
            self.status,
            self.text()
        );
        if self.body.is_empty() {
            Value::Null
        } else {
            self.json()
        }
    }
}

/// One HTTP/1.1 exchange over a fresh connection with `Connection: close`: sends exactly
/// `headers` (plus `Content-Length` for a body or a write, and `Connection`), reads the answer.
pub(crate) fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> io::Result<Response> {
    let stream = bureau_client::connect(addr, IO_TIMEOUT)?;
    bureau_client::exchange(stream, method, path, headers, body).map(Response)
}

/// `runtime.json` in `dir` once it names process `pid` (an old file left by a killed node
/// names another pid).
pub(crate) fn runtime_of(dir: &Path, pid: u32) -> Option<Value> {
    let rt: Value = serde_json::from_slice(&std::fs::read(dir.join("runtime.json")).ok()?).ok()?;
    (rt["pid"].as_u64() == Some(u64::from(pid))).then_some(rt)
}

/// A `bureau serve` process with its stdout and stderr in files outside its data directory
/// (so a full data disk does not silence the log). Dropping it kills the process; a node
/// whose log says `panicked` fails the test, and a failing test prints the log's end.
#[derive(Debug)]
pub(crate) struct Process {
    child: Option<Child>,
    pub(crate) pid: u32,
    /// Names the node in messages: its data directory and where it runs.
    label: String,
    log_dir: tempfile::TempDir,
}

impl Process {
    /// Spawns `cmd` (named `what` in messages) with its output to the log files, then polls
    /// `ready` with the child's pid until it gives a value; fails the test with the log if
    /// the process exits first or [`START_DEADLINE`] passes.
    pub(crate) fn start<T>(
        mut cmd: Command,
        what: &str,
        dir: &Path,
        mut ready: impl FnMut(u32) -> Option<T>,
    ) -> (Process, T) {
        let log_dir = tempfile::tempdir().expect("a temp dir for the node's log");
        let stdout = std::fs::File::create(log_dir.path().join("stdout")).expect("log file");
        let stderr = std::fs::File::create(log_dir.path().join("stderr")).expect("log file");
        let child = cmd
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("spawning {what}: {e}"));
        let pid = child.id();
        let mut process = Process {
            child: Some(child),
            pid,
            label: format!("{what} in {} (pid {pid})", dir.display()),
            log_dir,
        };
        let until = Instant::now() + START_DEADLINE;
        loop {
            if let Some(status) = process.child_mut().try_wait().expect("polling the node") {
                panic!(
                    "{what} exited with {status} before answering; its log:\n{}",
                    process.log()
                );
            }
            if let Some(value) = ready(pid) {
                return (process, value);
            }
            assert!(
                Instant::now() < until,
                "{what} did not answer within {START_DEADLINE:?}; its log:\n{}",
                process.log()
            );
            std::thread::sleep(POLL);
        }
    }

    fn child_mut(&mut self) -> &mut Child {
        self.child
            .as_mut()
            .expect("the node process is still owned")
    }

    /// Whether the process is still running.
    pub(crate) fn is_alive(&mut self) -> bool {
        self.child_mut()
            .try_wait()
            .expect("polling the node")
            .is_none()
    }

    /// SIGKILL, then reaps the process. Nothing gets a chance to flush or clean up.
    pub(crate) fn kill9(&mut self) {
        let mut child = self.child.take().expect("the node process is still owned");
        child.kill().expect("SIGKILL the node");
        child.wait().expect("reaping the killed node");
    }

    /// SIGTERM, then waits for a clean exit; fails the test if it does not come in time or
    /// is not a success.
    pub(crate) fn stop(&mut self) {
        send_signal(self.pid, "TERM");
        let status = wait_exit(self.child_mut(), EXIT_DEADLINE);
        match status {
            Some(s) if s.success() => {
                self.child = None;
            }
            Some(s) => panic!(
                "the node exited with {s} after SIGTERM; log:\n{}",
                self.log()
            ),
            None => panic!(
                "the node did not exit within {EXIT_DEADLINE:?} of SIGTERM; log:\n{}",
                self.log()
            ),
        }
    }

    /// What the node wrote to stdout and stderr so far.
    pub(crate) fn log(&self) -> String {
        let read = |name: &str| {
            std::fs::read_to_string(self.log_dir.path().join(name)).unwrap_or_default()
        };
        format!(
            "--- stdout ---\n{}--- stderr ---\n{}",
            read("stdout"),
            read("stderr")
        )
    }

    /// The last `max` bytes of the node's log (stdout and stderr), for failure messages.
    pub(crate) fn log_tail(&self, max: usize) -> String {
        let log = self.log();
        let start = log.len().saturating_sub(max);
        let start = (start..log.len())
            .find(|&i| log.is_char_boundary(i))
            .unwrap_or(log.len());
        log[start..].to_owned()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        // A panic is a defect wherever it happened, even if the test saw nothing wrong. (A
        // panic inside automerge that the input guard caught is logged without the word.)
        if !std::thread::panicking() {
            let log = self.log();
            if let Some(at) = log.find("panicked") {
                let start = (at.saturating_sub(2000)..at)
                    .find(|&i| log.is_char_boundary(i))
                    .unwrap_or(at);
                let end = ((at + 4000).min(log.len())..=log.len())
                    .find(|&i| log.is_char_boundary(i))
                    .unwrap_or(log.len());
                panic!(
                    "{} panicked; its log around it:\n{}",
                    self.label,
                    &log[start..end]
                );
            }
        }
        if std::thread::panicking() {
            eprintln!("log of {}:\n{}", self.label, self.log_tail(8000));
        }
    }
}

/// A running `bureau serve` on 127.0.0.1 with its data directory. Dropping it kills the
/// process ([`Process`]).
#[derive(Debug)]
pub(crate) struct Node {
    process: Process,
    pub(crate) dir: PathBuf,
    pub(crate) addr: SocketAddr,
    pub(crate) token: String,
    pub(crate) pid: u32,
}

impl Node {
    /// Starts `bureau --data-dir DIR serve --http 127.0.0.1:0 EXTRA...` and waits until its
    /// `runtime.json` names this process and `/api/status` answers 200 with the document
    /// loaded. A node shown its saved view at start answers while its document loads
    /// (`"loading": true`), and what only the load finds (a damaged file quarantined) is not
    /// in its status until then.
    pub(crate) fn start(dir: &Path, extra: &[&str]) -> Node {
        let mut args = extra.to_vec();
        if !extra.contains(&"--listen") {
            // Peer-to-peer stays on loopback too, and nothing is announced on the network.
            args.extend(["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"]);
        }
        Node::start_exact(dir, &args)
    }

    /// Starts `bureau --data-dir DIR serve --http 127.0.0.1:0 ARGS...` with nothing added (no
    /// default `--listen` or `--no-mdns`): for restarts that must reuse the remembered listen
    /// ports. Waits like [`Node::start`].
    pub(crate) fn start_exact(dir: &Path, args: &[&str]) -> Node {
        let mut cmd = bureau_cmd(dir);
        cmd.args(["serve", "--http", "127.0.0.1:0"])
            .args(args)
            .env("BUREAU_LOG", "info,hyper=warn");
        let (process, (addr, token)) = Process::start(cmd, "bureau serve", dir, |pid| {
            let (addr, token) = http_of(dir, pid)?;
            let answer = http(addr, "GET", "/api/status", &api_headers(addr, &token), b"");
            answer
                .is_ok_and(|res| {
                    res.status == 200
                        && serde_json::from_slice::<Value>(&res.body)
                            .is_ok_and(|st| st["loading"] != Value::Bool(true))
                })
                .then_some((addr, token))
        });
        Node {
            pid: process.pid,
            process,
            dir: dir.to_path_buf(),
            addr,
            token,
        }
    }

    /// `127.0.0.1:PORT`, the `Host` the node expects.
    pub(crate) fn host(&self) -> String {
        self.addr.to_string()
    }

    /// `Host` and the bearer token.
    pub(crate) fn default_headers(&self) -> Vec<(String, String)> {
        api_headers(self.addr, &self.token)
    }

    /// One request with exactly these headers; an I/O error is returned, not a failure.
    pub(crate) fn try_request(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> io::Result<Response> {
        http(self.addr, method, path, headers, body)
    }

    /// One request with exactly these headers; an I/O error fails the test.
    pub(crate) fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Response {
        self.try_request(method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e}"))
    }

    fn with_json(&self, method: &str, path: &str, json: &Value) -> Response {
        let mut headers = self.default_headers();
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
        self.request(method, path, &headers, json.to_string().as_bytes())
    }

    pub(crate) fn get(&self, path: &str) -> Response {
        self.request("GET", path, &self.default_headers(), b"")
    }

    /// `GET path` as JSON, or `None` if the node does not answer 200: for polls and
    /// diagnostics, which must not fail while a node is busy or down.
    pub(crate) fn try_json(&self, path: &str) -> Option<Value> {
        let res = self
            .try_request("GET", path, &self.default_headers(), b"")
            .ok()?;
        (res.status == 200).then(|| res.json())
    }

    pub(crate) fn post(&self, path: &str, json: &Value) -> Response {
        self.with_json("POST", path, json)
    }

    pub(crate) fn patch(&self, path: &str, json: &Value) -> Response {
        self.with_json("PATCH", path, json)
    }

    pub(crate) fn delete(&self, path: &str) -> Response {
        self.request("DELETE", path, &self.default_headers(), b"")
    }

    /// `GET /api/status`, which must answer 200.
    pub(crate) fn status(&self) -> Value {
        self.get("/api/status").expect(200)
    }

    /// Waits until the node has written what it writes on its own after start-up (its
    /// device record's addresses, once it listens), so that a test comparing the document
    /// before and after something sees only what that something did.
    pub(crate) fn wait_settled(&self) {
        let peer_id = self.status()["peer_id"]
            .as_str()
            .expect("a peer id")
            .to_owned();
        let path = format!("/api/devices/{peer_id}");
        wait_for(
            "the node published its own addresses",
            START_DEADLINE,
            || {
                let device = self.try_json(&path)?;
                device["addrs"]
                    .as_array()
                    .is_some_and(|a| !a.is_empty())
                    .then_some(())
            },
            || format!("GET {path}: {:?}", self.try_json(&path)),
        );
    }

    /// The heads `/api/status` lists, sorted.
    pub(crate) fn heads(&self) -> Vec<String> {
        sorted_heads(&self.status())
    }

    /// The names of the live members (`GET /api/members`, which must answer 200), in the
    /// order listed.
    pub(crate) fn member_names(&self) -> Vec<String> {
        let members = self.get("/api/members").expect(200);
        members
            .as_array()
            .unwrap_or_else(|| panic!("the members are not a list: {members}"))
            .iter()
            .map(|m| m["name"].as_str().expect("a member has a name").to_owned())
            .collect()
    }

    /// This node's peer id (from `/api/status`).
    pub(crate) fn peer_id(&self) -> String {
        let st = self.status();
        st["peer_id"]
            .as_str()
            .unwrap_or_else(|| panic!("no peer_id in the status: {st}"))
            .to_owned()
    }

    /// A multiaddr other nodes can dial this one at: its first listen address with
    /// `/p2p/<peer id>`.
    pub(crate) fn p2p_addr(&self) -> String {
        let st = self.status();
        let listen = st["listen"][0]
            .as_str()
            .unwrap_or_else(|| panic!("the node listens nowhere: {st}"));
        format!(
            "{listen}/p2p/{}",
            st["peer_id"].as_str().unwrap_or_default()
        )
    }

    /// The peer id and loopback TCP listen address (`/ip4/127.0.0.1/tcp/PORT`) its
    /// `runtime.json` gives, for a test that speaks libp2p to the node itself.
    pub(crate) fn p2p_tcp(&self) -> (String, String) {
        let rt = runtime_of(&self.dir, self.pid)
            .unwrap_or_else(|| panic!("no runtime.json of pid {} in {:?}", self.pid, self.dir));
        let peer = rt["peer_id"].as_str().expect("peer_id").to_owned();
        let addr = rt["listen"]
            .as_array()
            .expect("listen addresses")
            .iter()
            .filter_map(Value::as_str)
            .find(|s| s.starts_with("/ip4/127.0.0.1/tcp/"))
            .unwrap_or_else(|| panic!("the node listens on no loopback TCP address: {rt}"))
            .to_owned();
        (peer, addr)
    }

    /// A fresh invite for a device with `role` (`POST /api/invites`, which must answer 201):
    /// its link, which names this node's addresses, so a join needs no discovery.
    pub(crate) fn invite(&self, role: &str) -> String {
        let res = self
            .post("/api/invites", &json!({ "role": role }))
            .expect(201);
        res["link"]
            .as_str()
            .unwrap_or_else(|| panic!("no invite link in {res}"))
            .to_owned()
    }

    /// Whether the process is still running.
    pub(crate) fn is_alive(&mut self) -> bool {
        self.process.is_alive()
    }

    /// SIGKILL, then reaps the process. Nothing gets a chance to flush or clean up.
    pub(crate) fn kill9(mut self) {
        self.process.kill9();
    }

    /// SIGTERM, then waits for a clean exit; fails the test if it does not come in time or
    /// is not a success.
    pub(crate) fn stop(mut self) {
        self.process.stop();
    }

    /// What the node wrote to stdout and stderr so far.
    pub(crate) fn log(&self) -> String {
        self.process.log()
    }

    /// The last `max` bytes of the node's log (stdout and stderr), for failure messages.
    pub(crate) fn log_tail(&self, max: usize) -> String {
        self.process.log_tail(max)
    }
}

/// The HTTP address and API token of the node in `dir`, once its `runtime.json` names
/// process `pid`.
fn http_of(dir: &Path, pid: u32) -> Option<(SocketAddr, String)> {
    let rt = runtime_of(dir, pid)?;
    let addr: SocketAddr = rt["http"].as_str()?.parse().ok()?;
    assert!(
        addr.ip().is_loopback(),
        "the node listens on {addr}, not loopback"
    );
    let token = std::fs::read_to_string(dir.join("api-token")).ok()?;
    let token = token.trim().to_owned();
    (!token.is_empty()).then_some((addr, token))
}

/// `Host` and the bearer token of a node at `addr`.
fn api_headers(addr: SocketAddr, token: &str) -> Vec<(String, String)> {
    vec![
        ("Host".to_owned(), addr.to_string()),
        ("Authorization".to_owned(), format!("Bearer {token}")),
    ]
}

/// Copies a data directory (files and subdirectories, not the lock's ownership).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("creating the copy's directory");
    for entry in std::fs::read_dir(from).expect("listing the data directory") {
        let entry = entry.expect("a directory entry");
        let target = to.join(entry.file_name());
        let ty = entry.file_type().expect("file type");
        if ty.is_dir() {
            copy_dir(&entry.path(), &target);
        } else if ty.is_file() {
            std::fs::copy(entry.path(), &target).expect("copying a file");
        }
    }
}

/// Sorted file names in a directory (empty if it does not exist).
pub(crate) fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// An error answer's `{"error": {"code", "message", "field"}}`, checked for that shape.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) field: Option<String>,
}

/// Reads the documented error shape of a response; fails the test if it is not there.
pub(crate) fn api_error(res: &Response) -> ApiError {
    let v = res.json();
    let e = v
        .get("error")
        .and_then(Value::as_object)
        .unwrap_or_else(|| panic!("no error object in {}: {v}", res.status));
    let code = e.get("code").and_then(Value::as_str);
    let message = e.get("message").and_then(Value::as_str);
    let (Some(code), Some(message)) = (code, message) else {
        panic!("error without code or message: {v}");
    };
    assert!(!message.trim().is_empty(), "empty error message: {v}");
    let field = match e.get("field") {
        None | Some(Value::Null) => None,
        Some(Value::String(f)) => Some(f.clone()),
        Some(other) => panic!("error field is not a string or null: {other}"),
    };
    ApiError {
        code: code.to_owned(),
        message: message.to_owned(),
        field,
    }
}

/// A small deterministic generator (xorshift64*), seeded from the OS so runs differ; the
/// seed is printed so a failing run can be replayed.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// Seeded from `$env_var` when set, else from the operating system.
    pub(crate) fn from_env_or_os(env_var: &str) -> (Rng, u64) {
        let seed = match std::env::var(env_var) {
            Ok(v) => v
                .trim()
                .parse()
                .unwrap_or_else(|_| panic!("{env_var}={v:?} is not a number")),
            Err(_) => {
                let mut buf = [0u8; 8];
                getrandom::fill(&mut buf).expect("the OS random source");
                u64::from_le_bytes(buf)
            }
        };
        (Rng(seed | 1), seed)
    }

    /// A generator from a fixed seed.
    pub(crate) fn from_seed(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n`.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

/// Polls `f` (every 50 ms) until it gives a value; fails the test with `what` and `diag()`
/// if `deadline` passes first.
pub(crate) fn wait_for<T>(
    what: &str,
    deadline: Duration,
    mut f: impl FnMut() -> Option<T>,
    diag: impl FnOnce() -> String,
) -> T {
    let until = Instant::now() + deadline;
    loop {
        if let Some(v) = f() {
            return v;
        }
        if Instant::now() >= until {
            panic!("{what}: not so after {deadline:?}\n{}", diag());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Polls `cond` like [`wait_for`] until it holds, and returns how long that took.
pub(crate) fn wait_until(
    what: &str,
    deadline: Duration,
    mut cond: impl FnMut() -> bool,
    diag: impl FnOnce() -> String,
) -> Duration {
    let started = Instant::now();
    wait_for(what, deadline, || cond().then_some(()), diag);
    started.elapsed()
}

/// How long `bureau join` may take: it dials the inviter and waits for its answer and the
/// document (debug build, busy 2-core machine).
const JOIN_DEADLINE: Duration = Duration::from_secs(90);

/// `bureau --data-dir DIR join CODE --name NAME`, run to completion (the node must not be
/// running on `dir`). The caller judges the exit status.
pub(crate) fn join(dir: &Path, code: &str, name: &str) -> Output {
    let mut cmd = bureau_cmd(dir);
    cmd.args(["join", code, "--name", name]);
    run_with_deadline(cmd, JOIN_DEADLINE)
}

/// [`join`], which must succeed.
pub(crate) fn join_ok(dir: &Path, code: &str, name: &str) {
    let out = join(dir, code, name);
    assert!(
        out.status.success(),
        "join as {name} failed with {}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `bureau --data-dir DIR serve` (on loopback, mDNS off) with `extra` arguments, run until it
/// exits: for a start the node must refuse. The caller judges the exit status and output.
pub(crate) fn serve_until_exit(dir: &Path, extra: &[&str]) -> Output {
    let mut cmd = bureau_cmd(dir);
    cmd.args([
        "serve",
        "--http",
        "127.0.0.1:0",
        "--listen",
        "/ip4/127.0.0.1/tcp/0",
        "--no-mdns",
    ])
    .args(extra);
    run_with_deadline(cmd, EXIT_DEADLINE)
}
