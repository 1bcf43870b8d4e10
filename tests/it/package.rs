//! The installable node: `scripts/package` on the binary under test builds a `.deb` and a
//! tarball; the `.deb` installs into a scratch root (`dpkg-deb -x`, as `dpkg -i` would lay it
//! out, without touching this machine's own packages), and the installed binary prints its
//! version with the commit and starts and stops like the node it is.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::support::{Process, bureau_bin, run_with_deadline, runtime_of};

/// How long packaging may take: two compressions of a debug binary on a busy machine.
const PACKAGE_DEADLINE: Duration = Duration::from_secs(300);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_owned()
}

fn run_ok(cmd: Command, what: &str) -> String {
    let out = run_with_deadline(cmd, PACKAGE_DEADLINE);
    assert!(
        out.status.success(),
        "{what} failed with {}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `BIN --version`, which must succeed.
fn version_of(bin: &Path) -> String {
    let mut cmd = Command::new(bin);
    cmd.arg("--version");
    run_ok(cmd, "--version").trim().to_owned()
}

/// Starts `bin serve` on a fresh data directory on loopback, waits for its runtime.json,
/// stops it with SIGTERM and checks that it exits 0.
fn start_and_stop(bin: &Path, data: &Path) {
    let mut cmd = Command::new(bin);
    cmd.env_remove("BUREAU_HOME")
        .env_remove("RUST_LOG")
        .env("BUREAU_LOG", "info")
        .arg("--data-dir")
        .arg(data)
        .args([
            "serve",
            "--http",
            "127.0.0.1:0",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--no-mdns",
        ]);
    let (mut process, runtime) = Process::start(cmd, "the installed bureau", data, |pid| {
        runtime_of(data, pid)
    });
    assert!(
        runtime["http"]
            .as_str()
            .is_some_and(|a| a.starts_with("127.0.0.1:")),
        "{runtime}"
    );
    // Fails the test unless the node exits 0 after SIGTERM.
    process.stop();
    assert!(
        !data.join("runtime.json").exists(),
        "a clean stop removes runtime.json"
    );
}

#[test]
fn the_package_builds_installs_and_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let bin = bureau_bin();
    let mut cmd = Command::new(repo_root().join("scripts/package"));
    cmd.arg(&bin).arg(&out_dir);
    let written = run_ok(cmd, "scripts/package");
    let files: Vec<PathBuf> = written.lines().map(PathBuf::from).collect();
    let deb = files
        .iter()
        .find(|f| f.extension().is_some_and(|e| e == "deb"))
        .unwrap_or_else(|| panic!("no .deb among {files:?}"));
    let tarball = files
        .iter()
        .find(|f| f.to_string_lossy().ends_with(".tar.gz"))
        .unwrap_or_else(|| panic!("no tarball among {files:?}"));

    let want = version_of(&bin);
    assert!(
        want.starts_with(&format!("bureau {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{want}"
    );
    assert!(
        !want.contains("(commit unknown)"),
        "built in a git checkout, the binary names its commit: {want}"
    );

    // The package's metadata.
    let mut cmd = Command::new("dpkg-deb");
    cmd.arg("--field").arg(deb).args(["Package", "Version"]);
    let fields = run_ok(cmd, "dpkg-deb --field");
    assert!(fields.contains("Package: bureau"), "{fields}");
    assert!(
        fields.contains(&format!("Version: {}", env!("CARGO_PKG_VERSION"))),
        "{fields}"
    );

    // Installed into a scratch root.
    let root = tmp.path().join("root");
    let mut cmd = Command::new("dpkg-deb");
    cmd.arg("-x").arg(deb).arg(&root);
    run_ok(cmd, "dpkg-deb -x");
    let installed = root.join("usr/bin/bureau");
    let service = std::fs::read_to_string(root.join("usr/lib/systemd/user/bureau.service"))
        .expect("the user service is installed");
    assert!(
        service.contains("ExecStart=/usr/bin/bureau serve"),
        "{service}"
    );
    assert!(service.contains("WantedBy=default.target"), "{service}");
    let readme = std::fs::read_to_string(root.join("usr/share/doc/bureau/README.md"))
        .expect("the README is installed");
    assert!(readme.starts_with("# bureau"));
    assert_eq!(
        version_of(&installed),
        want,
        "the installed binary's version"
    );
    start_and_stop(&installed, &tmp.path().join("data"));

    // The tarball: the binary and the README in one folder.
    let unpacked = tmp.path().join("tar");
    std::fs::create_dir(&unpacked).unwrap();
    let mut cmd = Command::new("tar");
    cmd.arg("-C").arg(&unpacked).arg("-xzf").arg(tarball);
    run_ok(cmd, "tar -x");
    let folder = std::fs::read_dir(&unpacked)
        .unwrap()
        .next()
        .expect("one folder in the tarball")
        .unwrap()
        .path();
    assert!(folder.join("README.md").is_file());
    assert_eq!(version_of(&folder.join("bureau")), want);
}
