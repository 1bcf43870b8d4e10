//! Streams that are never touched again once they failed.
//!
//! Streams are opened optimistically (multistream-select `V1Lazy`: the first bytes go with
//! the protocol's name, a round trip earlier). If the peer then refuses the protocol, or the
//! connection dies before it confirms, the read that finds out returns an error and leaves
//! the stream's `Negotiated` in an invalid state, in which any later read, write, flush or
//! close panics (`Negotiated: Invalid state`). That happened whenever two connections to one
//! peer raced, or a stream went to a joiner's short-lived swarm: the session read the error,
//! then shut its write half down, and its task died without telling the loop.
//!
//! [`Guarded`] latches the first error of any operation and answers every later operation
//! with an error of its own, without calling the stream again. Every stream the node opens
//! or accepts is wrapped in it ([`guard`]).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::io::{AsyncRead, AsyncWrite};
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt};

/// A stream that refuses every operation after its first error.
#[derive(Debug)]
pub(crate) struct Guarded<S> {
    inner: S,
    failed: bool,
}

/// A libp2p stream wrapped in [`Guarded`], with tokio's I/O traits.
pub(crate) fn guard(stream: libp2p::Stream) -> Compat<Guarded<libp2p::Stream>> {
    Guarded {
        inner: stream,
        failed: false,
    }
    .compat()
}

fn gone() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "the stream failed earlier (refused protocol or lost connection)",
    )
}

impl<S: Unpin> Guarded<S> {
    /// Runs one operation unless the stream failed before, and latches its error.
    fn op<T>(&mut self, f: impl FnOnce(Pin<&mut S>) -> Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if self.failed {
            return Poll::Ready(Err(gone()));
        }
        let res = f(Pin::new(&mut self.inner));
        if let Poll::Ready(Err(_)) = &res {
            self.failed = true;
        }
        res
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Guarded<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().op(|s| s.poll_read(cx, buf))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Guarded<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().op(|s| s.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().op(|s| s.poll_flush(cx))
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().op(|s| s.poll_close(cx))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures_util::StreamExt;
    use libp2p::swarm::SwarmEvent;
    use libp2p::{Multiaddr, StreamProtocol};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use crate::Identity;
    use crate::swarm::build_swarm;

    const DEADLINE: Duration = Duration::from_secs(30);

    /// The race that panicked sessions, made deterministic: a stream opened optimistically
    /// for a protocol the peer does not speak (as to a joiner's short-lived swarm, or on a
    /// connection the peer already dropped) fails at its first read; writing, flushing and
    /// closing it afterwards must be errors, not a panic inside multistream-select.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_stream_whose_negotiation_failed_is_never_touched_again() {
        let (a_id, b_id) = (Identity::generate(), Identity::generate());
        let mut a = build_swarm(&a_id, false, None).expect("swarm A");
        let mut b = build_swarm(&b_id, false, None).expect("swarm B");
        // B speaks one protocol; A opens another.
        let mut b_control = b.behaviour().stream.new_control();
        let _b_incoming = b_control
            .accept(StreamProtocol::new("/bureau/test/known"))
            .expect("accept");
        b.listen_on("/ip4/127.0.0.1/tcp/0".parse().expect("addr"))
            .expect("listen");
        let b_addr: Multiaddr = loop {
            if let SwarmEvent::NewListenAddr { address, .. } = b.select_next_some().await {
                break address;
            }
        };
        let b_peer = *b.local_peer_id();
        let b_task = tokio::spawn(async move {
            loop {
                b.select_next_some().await;
            }
        });
        let mut a_control = a.behaviour().stream.new_control();
        a.dial(
            libp2p::swarm::dial_opts::DialOpts::peer_id(b_peer)
                .addresses(vec![b_addr])
                .build(),
        )
        .expect("dial");
        let a_task = tokio::spawn(async move {
            loop {
                a.select_next_some().await;
            }
        });

        let stream = tokio::time::timeout(
            DEADLINE,
            a_control.open_stream(b_peer, StreamProtocol::new("/bureau/test/unknown")),
        )
        .await
        .expect("opened in time")
        .expect("an optimistic open succeeds before the peer answers");
        let mut stream = super::guard(stream);
        // The first write goes out with the protocol's name; the peer refuses it.
        let _ = stream.write_all(b"hello").await;
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(DEADLINE, stream.read(&mut buf))
            .await
            .expect("the refusal arrives in time");
        assert!(read.is_err(), "the refused stream read {read:?}");
        // Exactly what a session does when its reader fails: write, flush, shut down.
        assert!(stream.write_all(b"more").await.is_err());
        assert!(stream.flush().await.is_err());
        assert!(stream.shutdown().await.is_err());
        assert!(stream.read(&mut buf).await.is_err());
        a_task.abort();
        b_task.abort();
    }
}
