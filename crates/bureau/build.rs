//! Gives the binary the commit it was built from (`BUREAU_COMMIT`, shown by `bureau
//! --version`): `git rev-parse --short HEAD` where the source is a git checkout, else
//! `BUREAU_COMMIT` from the environment (a source archive built by a script that knows it),
//! else "unknown".
//!
//! Cargo runs this again only when the commit can have changed: when HEAD moves (a checkout)
//! or the ref it points to does (a new commit on the branch, a fetch that packs refs), never on
//! every edit of the crate's sources.

use std::path::{Path, PathBuf};
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn watch(path: &Path) {
    // A path that does not exist would make cargo run this script on every build.
    if path.exists() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=BUREAU_COMMIT");
    let commit = git(&["rev-parse", "--short=12", "HEAD"])
        .or_else(|| {
            std::env::var("BUREAU_COMMIT")
                .ok()
                .filter(|c| !c.is_empty())
        })
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=BUREAU_COMMIT={commit}");
    // In a worktree HEAD lives in the worktree's own git directory and the branches in the
    // common one.
    if let (Some(git_dir), Some(common)) = (
        git(&["rev-parse", "--absolute-git-dir"]),
        git(&["rev-parse", "--path-format=absolute", "--git-common-dir"]),
    ) {
        let (git_dir, common) = (PathBuf::from(git_dir), PathBuf::from(common));
        watch(&git_dir.join("HEAD"));
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch(&common.join(branch));
        }
        watch(&common.join("packed-refs"));
    }
}
