//! A replica in a child process (an automerge-repo peer on Node.js, or a samod peer in this
//! executable) driven by JSON lines: one command per line on its stdin, one answer per line on
//! its stdout with the same `id`, and unsolicited `{"event": …}` lines.

use std::io::{BufRead, BufReader, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::util::Proc;

/// A running replica process.
#[derive(Debug)]
pub(crate) struct ChildPeer {
    pub(crate) proc: Proc,
    stdin: ChildStdin,
    lines: mpsc::Receiver<Value>,
    next_id: u64,
    /// Events that arrived while waiting for an answer.
    events: Vec<Value>,
}

impl ChildPeer {
    /// Spawns `cmd` (its stderr goes to `log`) and returns once it printed the event `ready`
    /// (or `listening`), with that event.
    pub(crate) fn spawn(
        mut cmd: Command,
        name: &str,
        log: &std::path::Path,
        wait_for: &str,
        limit: Duration,
    ) -> Result<(ChildPeer, Value), String> {
        let err = std::fs::File::create(log).map_err(|e| e.to_string())?;
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .map_err(|e| format!("cannot start {name}: {e}"))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Ok(v) = serde_json::from_str::<Value>(&line)
                    && tx.send(v).is_err()
                {
                    break;
                }
            }
        });
        let mut peer = ChildPeer {
            proc: Proc::new(child, name),
            stdin,
            lines: rx,
            next_id: 0,
            events: Vec::new(),
        };
        let ev = peer.wait_event(wait_for, limit).map_err(|e| {
            format!(
                "{name}: {e}; its log:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            )
        })?;
        Ok((peer, ev))
    }

    fn wait_event(&mut self, name: &str, limit: Duration) -> Result<Value, String> {
        if let Some(i) = self.events.iter().position(|e| e["event"] == name) {
            return Ok(self.events.remove(i));
        }
        let until = std::time::Instant::now() + limit;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) if v["event"] == name => return Ok(v),
                Ok(v) if v.get("event").is_some() => self.events.push(v),
                Ok(_) => {}
                Err(_) => return Err(format!("no {name:?} within {limit:?}")),
            }
        }
    }

    /// Sends a command and waits for its answer.
    pub(crate) fn call(
        &mut self,
        cmd: &str,
        mut args: Value,
        limit: Duration,
    ) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        args["id"] = json!(id);
        args["cmd"] = json!(cmd);
        let line = args.to_string() + "\n";
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.flush())
            .map_err(|e| format!("{}: cannot send {cmd}: {e}", self.proc.name))?;
        let until = std::time::Instant::now() + limit;
        loop {
            let left = until.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) if v["id"] == json!(id) => {
                    if let Some(e) = v.get("error") {
                        return Err(format!("{}: {cmd} failed: {e}", self.proc.name));
                    }
                    return Ok(v);
                }
                Ok(v) if v.get("event").is_some() => self.events.push(v),
                Ok(_) => {}
                Err(_) => {
                    return Err(format!(
                        "{}: no answer to {cmd} within {limit:?}",
                        self.proc.name
                    ));
                }
            }
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.proc.pid()
    }
}
