//! Glue between the web layer's [`bureau_web::Network`] and `bureau-net`, which must not know
//! each other.

use std::sync::Arc;
use std::time::Duration;

use bureau_net::{NetError, NetHandle};
use bureau_store::Files;
use bureau_web::{NetFailure, NetFuture, Network};
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// Whether this data directory joined a bureau whose document has not arrived yet.
pub(crate) fn pending_join(files: &Files) -> bool {
    bureau_net::pending_bureau(files).is_some()
}

/// The network as the web layer sees it.
#[derive(Debug)]
struct Adapter {
    net: NetHandle,
    changed: watch::Receiver<()>,
}

fn failure(e: NetError) -> NetFailure {
    let field = match &e {
        NetError::BadAddress { .. } => Some("addr"),
        _ => None,
    };
    NetFailure {
        field,
        message: e.to_string(),
    }
}

/// Wraps a network handle; a task forwards its status changes as bare wake-ups until
/// `cancel` fires.
pub(crate) fn adapter(net: NetHandle, cancel: CancellationToken) -> Arc<dyn Network> {
    let (tx, rx) = watch::channel(());
    let mut status = net.subscribe();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                changed = status.changed() => {
                    if changed.is_err() || tx.send(()).is_err() {
                        break;
                    }
                }
                () = cancel.cancelled() => break,
            }
        }
    });
    Arc::new(Adapter { net, changed: rx })
}

impl Network for Adapter {
    fn status(&self) -> serde_json::Value {
        serde_json::to_value(&*self.net.status()).unwrap_or_default()
    }

    fn changed(&self) -> watch::Receiver<()> {
        self.changed.clone()
    }

    fn dial(&self, addr: String) -> NetFuture<()> {
        let net = self.net.clone();
        Box::pin(async move { net.dial(&addr).await.map_err(failure) })
    }

    fn set_paused(&self, paused: bool) -> NetFuture<()> {
        let net = self.net.clone();
        Box::pin(async move { net.set_paused(paused).await.map_err(failure) })
    }

    fn invite(&self, role: bureau_model::Role, expires_in: Duration) -> NetFuture<(String, i64)> {
        let net = self.net.clone();
        Box::pin(async move { net.invite(role, expires_in).await.map_err(failure) })
    }
}
