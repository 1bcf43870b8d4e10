//! The fuzz targets' bodies, shared by the libFuzzer binaries (`fuzz_targets/`) and by this
//! crate's tests, which run every committed seed through its target on a stable toolchain.
//!
//! Each target hands its input to the node's real code through its public API, the way a peer,
//! a file or a user would. Automerge panics on some hostile bytes, and the node calls it inside
//! `bureau_model::guard::guarded` wherever it hands it outside bytes; each target installs the
//! node's panic hook ([`setup`]) over libFuzzer's, so that a panic inside a guard is the input's
//! fault and a panic outside every guard aborts: a fuzz crash is exactly a panic that escaped
//! the guards, a defect of the node.
//!
//! Invariant: nothing here catches a panic of the node's own; the targets only shape inputs
//! (frames, checksums, files) so that mutations reach past the first check.

pub mod bundle;
pub mod common;
pub mod http_json;
pub mod invite_code;
pub mod saved_view;
pub mod seeds;
pub mod store_load;
pub mod sync_frame;
pub mod sync_session;

/// Installs the node's panic hook; call at the start of every input (it is installed once).
/// libFuzzer installs its own hook before the first input runs, so the node's hook, installed
/// here, goes over it and passes on only the panics outside a guard.
pub fn setup() {
    bureau_model::guard::install_panic_hook();
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn corpus_dir(target: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("corpus")
            .join(target)
    }

    /// Writes each generated seed that is not in `corpus/<target>/` yet (the committed files
    /// are this test's output), then runs every committed file, found crashes included,
    /// through its target: a regression run of the whole corpus without libFuzzer.
    #[test]
    fn corpus_is_written_and_every_entry_runs() {
        for (target, seeds) in crate::seeds::all() {
            let dir = corpus_dir(target);
            std::fs::create_dir_all(&dir).expect("corpus directory");
            for (stem, bytes) in seeds {
                let path = dir.join(&stem);
                if !path.exists() {
                    std::fs::write(&path, bytes).expect("write a seed");
                }
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
                .expect("read the corpus")
                .map(|e| e.expect("an entry").path())
                .collect();
            entries.sort();
            assert!(!entries.is_empty(), "{target} has seeds");
            for path in entries {
                eprintln!("{target}: {}", path.display());
                let data = std::fs::read(&path).expect("read a seed");
                crate::seeds::run(target, &data);
            }
        }
    }
}
