//! Tasks the binary starts and owns: helpers restarted when they die, core tasks whose end
//! ends the node.
//!
//! A helper (publishing this device's addresses, forwarding network status to the web layer)
//! holds no state worth keeping: if it panics, [`helper`] logs the error and starts it again
//! after a wait that doubles up to half a minute. A core task (the web server, the network
//! loop, the document actor) owns state the rest of the node relies on; `serve` watches them
//! and, if one ends before a shutdown was asked for, shuts the others down and exits with an
//! error, so whatever runs the node starts it again. Every acknowledged edit is on disk by
//! then, so a restart loses nothing.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tracing::error;

const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// Runs `make()` on a task until it returns or `cancel` fires; restarts it, after a growing
/// wait, each time it panics.
pub(crate) fn helper<F, Fut>(name: &'static str, cancel: CancellationToken, mut make: F)
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut wait = FIRST_WAIT;
        loop {
            match tokio::spawn(make()).await {
                Ok(()) => return,
                Err(e) if e.is_cancelled() => return,
                Err(e) => {
                    error!(task = name, error = %panic_message(e), "a helper task died; starting it again");
                }
            }
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = cancel.cancelled() => return,
            }
            wait = (wait * 2).min(LONGEST_WAIT);
        }
    });
}

/// What a task that ended with `e` died of.
pub(crate) fn panic_message(e: tokio::task::JoinError) -> String {
    if e.is_cancelled() {
        return "it was cancelled".to_owned();
    }
    let payload = e.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "an unknown failure".to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_helper_that_panics_is_started_again_until_it_ends() {
        let runs = Arc::new(AtomicU32::new(0));
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let done_tx = Arc::new(std::sync::Mutex::new(Some(done_tx)));
        let counter = runs.clone();
        helper("test", CancellationToken::new(), move || {
            let (counter, done_tx) = (counter.clone(), done_tx.clone());
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) < 2 {
                    panic!("a defect in a helper");
                }
                if let Some(tx) = done_tx.lock().expect("not poisoned").take() {
                    let _ = tx.send(());
                }
            }
        });
        done_rx.await.expect("the third run ends normally");
        assert_eq!(runs.load(Ordering::SeqCst), 3);
    }
}
