//! The input guard: automerge called on outside bytes, with its panics turned into errors.
//!
//! automerge 0.12 panics on some crafted inputs (changes with valid checksums, columns that
//! claim impossible counts). Every path that hands bytes from a peer, a file or an import to
//! automerge calls it through [`guarded`], which catches the panic and returns its message as
//! an error about the input. Such a panic is the input's fault, not a defect of the node.
//!
//! The process's panic hook decides what gets printed. [`install_panic_hook`] (called by the
//! binary at start, and by fuzz targets) keeps the previous hook for every panic outside a
//! guard, so a real defect still prints `panicked` (and the tests, which fail on that word,
//! catch it), while a panic inside a guard prints nothing: the guard's caller reports it, in
//! words about the input. A fuzz target installs it over libfuzzer's hook, which aborts: a
//! crash is then exactly a panic that escaped the guards.
//!
//! This module holds only a thread-local depth and the hook; it does no I/O of its own.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many guards the current thread is inside.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// The message of the last panic caught inside a guard on this thread.
    static LAST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic inside it into `Err` with the panic's message and where it
/// happened. Use it only around calls that hand outside bytes to automerge (or read what
/// they left): a panic there is the input's fault. The closure's state is not used after a
/// panic by callers that follow the rule "drop or reload what the panic may have left
/// half-changed", which is why the closure is asserted unwind-safe here.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let res = panic::catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    res.map_err(|payload| {
        LAST.with(|l| l.borrow_mut().take()).unwrap_or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "an unknown failure".to_owned())
        })
    })
}

/// Whether the current thread is inside [`guarded`].
pub fn in_guard() -> bool {
    DEPTH.with(Cell::get) > 0
}

/// Installs the node's panic hook once per process: panics inside [`guarded`] are recorded
/// for the guard to return and print nothing; every other panic goes to the hook that was
/// installed before (the standard one prints `thread '…' panicked at …`).
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if in_guard() {
                let what = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "an unknown failure".to_owned());
                let at = info
                    .location()
                    .map(|l| format!(" ({}:{})", l.file(), l.line()))
                    .unwrap_or_default();
                LAST.with(|l| *l.borrow_mut() = Some(format!("{what}{at}")));
            } else {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_guard_is_an_error_with_its_message() {
        install_panic_hook();
        let res: Result<(), String> = guarded(|| panic!("bad column"));
        let err = res.expect_err("the panic is caught");
        assert!(err.contains("bad column"), "{err}");
        assert!(err.contains("guard.rs"), "the location is kept: {err}");
        assert!(!in_guard());
    }

    #[test]
    fn a_guard_passes_the_value_through_and_nests() {
        install_panic_hook();
        let inner = guarded(|| {
            assert!(in_guard());
            guarded(|| 7).expect("no panic")
        });
        assert_eq!(inner, Ok(7));
        assert!(!in_guard());
    }
}
