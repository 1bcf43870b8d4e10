//! A TCP proxy on 127.0.0.1 that can cut a connection in the middle of the stream.
//!
//! A node announces its proxy's port (`--announce`) as its only address, so every peer that
//! dials it goes through the proxy. On command ([`Proxy::arm_cut`]) the proxy forwards `k` more
//! bytes on one of its connections, whichever carries them first, and then shuts both sockets:
//! the cut usually falls inside a read, so each node sees its peer vanish in the middle of a
//! frame (of the transport's encryption, its multiplexer or a sync message).
//!
//! The target can change while the proxy runs ([`Proxy::forward_to`]): a restarted node
//! listens on a new port behind the same announced address. Until a target is set, and while
//! it refuses, accepted connections are closed at once, as a dial to a down node would fail.
//!
//! On command ([`Proxy::blackhole`]) the connections open at that moment stop carrying bytes
//! without closing: the proxy reads and drops what either side sends, and passes on no close,
//! as a path does whose far end vanished without a word (a laptop's lid closed, its Wi-Fi
//! gone). Whether a node gives up on such a connection shows in [`Proxy::target_closed`].
//!
//! Blocking threads, one per direction of each connection: the traffic is a handful of
//! connections. Dropping the proxy closes its listener and every connection it holds.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
struct Inner {
    target: Mutex<Option<SocketAddr>>,
    /// Live connections: both sockets of each, to close them on a cut or on drop.
    conns: Mutex<Vec<(usize, TcpStream, TcpStream)>>,
    /// Bytes still to forward before the armed cut; `None` when no cut is armed.
    cut: Mutex<Option<usize>>,
    cuts_done: AtomicUsize,
    accepted: AtomicUsize,
    /// Connections that carry nothing any more ([`Proxy::blackhole`]).
    blackholed: Mutex<Vec<usize>>,
    /// How many blackholed connections the target's side closed.
    target_closed: AtomicUsize,
    stop: AtomicBool,
}

/// One listening port forwarding to a node.
#[derive(Debug)]
pub(crate) struct Proxy {
    port: u16,
    inner: Arc<Inner>,
}

impl Proxy {
    /// Listens on a free port of 127.0.0.1; forwards nothing until [`Proxy::forward_to`].
    pub(crate) fn start() -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the proxy on loopback");
        let port = listener.local_addr().expect("the proxy's address").port();
        let inner = Arc::new(Inner::default());
        let shared = inner.clone();
        std::thread::spawn(move || accept_loop(&listener, &shared));
        Proxy { port, inner }
    }

    /// The port peers dial (and the node announces).
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Where connections accepted from now on go.
    pub(crate) fn forward_to(&self, target: SocketAddr) {
        *self.inner.target.lock().expect("proxy target") = Some(target);
    }

    /// The next connection to carry `k` more bytes (in either direction) gets exactly those
    /// through and is then closed on both sides. Replaces a cut armed earlier.
    pub(crate) fn arm_cut(&self, k: usize) {
        *self.inner.cut.lock().expect("proxy cut") = Some(k.max(1));
    }

    /// Forgets an armed cut that has not happened yet.
    pub(crate) fn disarm(&self) {
        *self.inner.cut.lock().expect("proxy cut") = None;
    }

    /// How many cuts happened.
    pub(crate) fn cuts_done(&self) -> usize {
        self.inner.cuts_done.load(Ordering::SeqCst)
    }

    /// Every connection open now carries nothing from here on, and no close either; new ones
    /// are forwarded as before.
    pub(crate) fn blackhole(&self) {
        let open: Vec<usize> = self
            .inner
            .conns
            .lock()
            .expect("proxy conns")
            .iter()
            .map(|(id, _, _)| *id)
            .collect();
        self.inner
            .blackholed
            .lock()
            .expect("proxy blackholed")
            .extend(open);
    }

    /// How many blackholed connections the target (the node behind the proxy) closed.
    pub(crate) fn target_closed(&self) -> usize {
        self.inner.target_closed.load(Ordering::SeqCst)
    }

    /// How many connections were accepted and forwarded.
    pub(crate) fn accepted(&self) -> usize {
        self.inner.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.inner.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which sees the flag and ends (closing the listener).
        let _ = TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], self.port)));
        for (_, a, b) in self.inner.conns.lock().expect("proxy conns").drain(..) {
            let _ = a.shutdown(Shutdown::Both);
            let _ = b.shutdown(Shutdown::Both);
        }
    }
}

fn accept_loop(listener: &TcpListener, inner: &Arc<Inner>) {
    let mut next_id = 0;
    for inbound in listener.incoming() {
        if inner.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(inbound) = inbound else { continue };
        let target = *inner.target.lock().expect("proxy target");
        let Some(outbound) = target.and_then(|t| TcpStream::connect(t).ok()) else {
            let _ = inbound.shutdown(Shutdown::Both);
            continue;
        };
        let _ = inbound.set_nodelay(true);
        let _ = outbound.set_nodelay(true);
        let id = next_id;
        next_id += 1;
        let clones = (
            inbound.try_clone(),
            outbound.try_clone(),
            inbound.try_clone(),
            outbound.try_clone(),
        );
        let (Ok(in2), Ok(out2), Ok(in3), Ok(out3)) = clones else {
            let _ = inbound.shutdown(Shutdown::Both);
            let _ = outbound.shutdown(Shutdown::Both);
            continue;
        };
        inner.accepted.fetch_add(1, Ordering::SeqCst);
        inner
            .conns
            .lock()
            .expect("proxy conns")
            .push((id, in3, out3));
        let (i1, i2) = (inner.clone(), inner.clone());
        std::thread::spawn(move || pump(inbound, outbound, id, false, &i1));
        std::thread::spawn(move || pump(out2, in2, id, true, &i2));
    }
}

/// Copies `from` (the target's side if `from_target`) to `to` until either side ends or a
/// cut falls on this connection; then closes both sockets (so the other direction's pump ends
/// too) and forgets the connection. A blackholed connection's bytes and end go nowhere.
fn pump(mut from: TcpStream, mut to: TcpStream, id: usize, from_target: bool, inner: &Inner) {
    let mut buf = vec![0u8; 64 * 1024];
    let blackholed = || {
        inner
            .blackholed
            .lock()
            .expect("proxy blackholed")
            .contains(&id)
    };
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        if blackholed() {
            continue;
        }
        // Decided under the lock, so two connections never both take the same cut.
        let pass = {
            let mut cut = inner.cut.lock().expect("proxy cut");
            match *cut {
                Some(left) if left <= n => {
                    *cut = None;
                    Some(left)
                }
                Some(left) => {
                    *cut = Some(left - n);
                    None
                }
                None => None,
            }
        };
        match pass {
            Some(k) => {
                let _ = to.write_all(&buf[..k]);
                inner.cuts_done.fetch_add(1, Ordering::SeqCst);
                break;
            }
            None => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    if blackholed() {
        if from_target {
            inner.target_closed.fetch_add(1, Ordering::SeqCst);
        }
        // The other side hears nothing; its socket closes when the proxy is dropped.
        return;
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
    inner
        .conns
        .lock()
        .expect("proxy conns")
        .retain(|(c, _, _)| *c != id);
}
