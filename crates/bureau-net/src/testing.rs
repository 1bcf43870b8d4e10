//! Test support: a raw protocol stream to a node, opened as a given identity, so integration
//! tests can play a peer that sends whatever they like (oversized frames, compression bombs,
//! mutated changes). Compiled only with the `test-utils` feature.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::StreamExt;
use libp2p::swarm::SwarmEvent;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::{Multiaddr, PeerId, StreamProtocol};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_util::compat::{Compat, FuturesAsyncReadCompatExt};

use crate::{Identity, NetError};

/// A stream to a node; the connection lives as long as this value.
#[derive(Debug)]
pub struct RawStream {
    inner: Compat<libp2p::Stream>,
    /// The swarm's task, when the stream has a connection of its own.
    driver: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for RawStream {
    fn drop(&mut self) {
        if let Some(d) = &self.driver {
            d.abort();
        }
    }
}

/// Dials `peer` at `addr` as `identity` and opens a stream of `protocol`.
pub async fn raw_stream(
    identity: &Identity,
    peer: &str,
    addr: &str,
    protocol: &'static str,
) -> Result<RawStream, NetError> {
    let peer: PeerId = peer
        .parse()
        .map_err(|e| NetError::transport(format!("bad peer id {peer}"), e))?;
    let addr: Multiaddr = addr.parse().map_err(|e| NetError::BadAddress {
        addr: addr.to_owned(),
        reason: format!("{e}"),
    })?;
    let mut swarm = crate::swarm::build_swarm(identity, false, None)?;
    let mut control = swarm.behaviour().stream.new_control();
    swarm
        .dial(DialOpts::peer_id(peer).addresses(vec![addr]).build())
        .map_err(|e| NetError::transport(format!("cannot dial {peer}"), e))?;
    let driver = tokio::spawn(async move {
        loop {
            swarm.select_next_some().await;
        }
    });
    let stream = tokio::time::timeout(
        Duration::from_secs(20),
        control.open_stream(peer, StreamProtocol::new(protocol)),
    )
    .await
    .map_err(|_| NetError::transport_alone("timed out opening the stream"))?
    .map_err(|e| NetError::transport("cannot open the stream", e))?;
    Ok(RawStream {
        inner: stream.compat(),
        driver: Some(driver),
    })
}

/// A connection to a node that can open any number of streams; it lives as long as this
/// value (or until the node drops it).
pub struct RawConn {
    peer: PeerId,
    control: libp2p_stream::Control,
    driver: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for RawConn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawConn").field("peer", &self.peer).finish()
    }
}

impl Drop for RawConn {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

/// Dials `peer` at `addr` as `identity` and waits until the connection is up (or refused).
pub async fn raw_conn(identity: &Identity, peer: &str, addr: &str) -> Result<RawConn, NetError> {
    let peer: PeerId = peer
        .parse()
        .map_err(|e| NetError::transport(format!("bad peer id {peer}"), e))?;
    let addr: Multiaddr = addr.parse().map_err(|e| NetError::BadAddress {
        addr: addr.to_owned(),
        reason: format!("{e}"),
    })?;
    let mut swarm = crate::swarm::build_swarm(identity, false, None)?;
    let control = swarm.behaviour().stream.new_control();
    swarm
        .dial(DialOpts::peer_id(peer).addresses(vec![addr]).build())
        .map_err(|e| NetError::transport(format!("cannot dial {peer}"), e))?;
    let connected = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::ConnectionEstablished { .. } => return Ok(()),
                SwarmEvent::OutgoingConnectionError { error, .. } => {
                    return Err(NetError::transport(
                        format!("cannot connect to {peer}"),
                        error,
                    ));
                }
                _ => {}
            }
        }
    })
    .await
    .map_err(|_| NetError::transport_alone("timed out connecting"))?;
    connected?;
    let driver = tokio::spawn(async move {
        loop {
            swarm.select_next_some().await;
        }
    });
    Ok(RawConn {
        peer,
        control,
        driver,
    })
}

impl RawConn {
    /// Opens a stream of `protocol` on this connection.
    pub async fn open(&mut self, protocol: &'static str) -> Result<RawStream, NetError> {
        let stream = tokio::time::timeout(
            Duration::from_secs(20),
            self.control
                .open_stream(self.peer, StreamProtocol::new(protocol)),
        )
        .await
        .map_err(|_| NetError::transport_alone("timed out opening the stream"))?
        .map_err(|e| NetError::transport("cannot open the stream", e))?;
        Ok(RawStream {
            inner: stream.compat(),
            driver: None,
        })
    }
}

/// One `/bureau/join/1` exchange on `stream`: sends `secret` and `name` as a joiner does and
/// returns the inviter's answer as JSON.
pub async fn join_exchange(
    stream: &mut RawStream,
    secret: &str,
    name: &str,
) -> Result<serde_json::Value, NetError> {
    let request = crate::join::JoinRequest {
        secret: secret.to_owned(),
        name: name.to_owned(),
    };
    crate::join::write_json(stream, &request)
        .await
        .map_err(|e| NetError::Join(e.to_string()))?;
    crate::join::read_json(stream).await
}

impl AsyncRead for RawStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for RawStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
