//! The venue listener's accept loop: the main server's header-read timeout and connection
//! cap, the client's address handed to the rate limit, and TLS when the node was given a
//! certificate (`--venue-tls`).
//!
//! TLS is the rustls that libp2p's QUIC already brings, through `futures-rustls` from the
//! same tree; tokio-util's `compat` adapts the streams both ways, so no second TLS stack
//! comes in for one listener.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_util::compat::{FuturesAsyncReadCompatExt, TokioAsyncReadCompatExt};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use tracing::debug;

use crate::{HEADER_READ_TIMEOUT, MAX_CONNECTIONS};

/// The client's address, as the accept loop saw it; the rate limit keys on it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientIp(pub(crate) IpAddr);

/// How long shutdown waits for open connections.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A certificate and key the venue listener could not use, named for the person who gave them.
#[derive(Debug, thiserror::Error)]
pub enum VenueTlsError {
    /// The certificate file holds no certificate.
    #[error("the certificate file holds no PEM certificate")]
    NoCertificate,
    /// The key file holds no private key, or one that cannot be read.
    #[error("the key file holds no PEM private key: {0}")]
    Key(String),
    /// rustls refused the pair (a key that does not match the certificate, an unsupported
    /// algorithm).
    #[error("the certificate and key cannot be used together: {0}")]
    Refused(#[source] rustls::Error),
}

/// A TLS server configuration from PEM bytes: the certificate chain (the server's first) and
/// its private key (PKCS#8, PKCS#1 or SEC1).
pub fn tls_config(
    cert_pem: &[u8],
    key_pem: &[u8],
) -> Result<Arc<rustls::ServerConfig>, VenueTlsError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(VenueTlsError::NoCertificate);
    }
    let key =
        PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| VenueTlsError::Key(e.to_string()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(VenueTlsError::Refused)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(VenueTlsError::Refused)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Serves the venue router on `listener` until `cancel` fires: plain HTTP, or TLS with
/// `tls`. At most [`MAX_CONNECTIONS`] connections at once; a TLS handshake gets the
/// header-read timeout too, so a client that opens connections and says nothing holds no
/// slot for long.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    cancel: CancellationToken,
) {
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .keep_alive(true);
    let acceptor = tls.map(futures_rustls::TlsAcceptor::from);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::channel::<()>(1);
    crate::accept_each(listener, &cancel, MAX_CONNECTIONS, |stream, peer, slot| {
        debug!(%peer, "venue connection");
        let app = app.clone();
        let http = http.clone();
        let watcher = graceful.watcher();
        let acceptor = acceptor.clone();
        let cancel = cancel.clone();
        let done = done_tx.clone();
        tokio::spawn(async move {
            match acceptor {
                None => connection(&http, stream, app, peer, watcher).await,
                Some(acceptor) => {
                    let handshake = tokio::select! {
                        res = tokio::time::timeout(HEADER_READ_TIMEOUT, acceptor.accept(stream.compat())) => res,
                        () = cancel.cancelled() => return,
                    };
                    match handshake {
                        Ok(Ok(tls)) => connection(&http, tls.compat(), app, peer, watcher).await,
                        Ok(Err(e)) => debug!(%peer, error = %e, "venue TLS handshake failed"),
                        Err(_) => debug!(%peer, "venue TLS handshake timed out"),
                    }
                }
            }
            drop(slot);
            drop(done);
        });
    })
    .await;
    drop(done_tx);
    let ended = async {
        graceful.shutdown().await;
        // Handshakes in progress are not watched by `graceful`; they end on `cancel`.
        while done_rx.recv().await.is_some() {}
    };
    if tokio::time::timeout(SHUTDOWN_GRACE, ended).await.is_err() {
        debug!("some venue connections were still open at shutdown");
    }
}

/// Serves one HTTP/1.1 connection over any stream to its end, each request carrying the
/// client's address.
async fn connection<S>(
    http: &hyper::server::conn::http1::Builder,
    stream: S,
    app: Router,
    peer: SocketAddr,
    watcher: hyper_util::server::graceful::Watcher,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let ip = ClientIp(peer.ip());
    let svc = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(ip);
        app.clone().oneshot(req)
    });
    let conn = http.serve_connection(TokioIo::new(stream), svc);
    if let Err(e) = watcher.watch(conn).await {
        debug!(error = %e, "venue connection ended with an error");
    }
}
