//! Hostile filesystems: credgate runs on untrusted trees, as the user, before an agent does. For
//! every kind of file that can hang, crash or mislead a scanner, the scan must finish, report
//! the problem with the path, still find the credentials in the readable files, exit as
//! documented (1: findings at or above --fail-on; 2: the scan could not vouch for the tree), and
//! change nothing: a hash of the whole tree (content, mode, mtime) and the access time of a
//! scanned file are checked before and after.
#![cfg(unix)]

use serde_json::Value;
use std::collections::BTreeMap;
use std::ffi::{CString, OsStr};
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A Stripe live secret key of the right shape, obviously fake.
const SECRET: &str = "sk_live_FAKEq8Zr3kP1mVx7Ty2Lw9Bn4Hc6Jd";

fn line(name: &str) -> String {
    format!("{name}={SECRET}\n")
}

/// content + mode + mtime of every regular file and link target, by path (atime excluded: it
/// is checked on its own, on a file whose atime was set in the past).
fn tree_state(root: &Path, watched: &Path) -> BTreeMap<Vec<u8>, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            let Ok(md) = fs::symlink_metadata(&p) else {
                continue;
            };
            let key = p.as_os_str().as_bytes().to_vec();
            let ft = md.file_type();
            let desc = if ft.is_symlink() {
                format!("link {:?}", fs::read_link(&p).ok())
            } else if ft.is_dir() {
                if key.len() < 3000 {
                    stack.push(p.clone());
                }
                format!("dir {:o} {}", md.mode(), md.mtime_nsec())
            } else if ft.is_file() {
                let digest = if md.len() > (1 << 20) || md.mode() & 0o444 == 0 || p == watched {
                    // Large or unreadable-by-design files, and the file whose access time is watched
                    // (reading it here would change it): size and times stand for content.
                    format!("{} bytes", md.len())
                } else {
                    let b = fs::read(&p).unwrap_or_default();
                    format!("{:x}", crc(&b))
                };
                format!(
                    "file {:o} {} {} {}",
                    md.mode(),
                    md.mtime(),
                    md.mtime_nsec(),
                    digest
                )
            } else {
                format!("special {:o}", md.mode())
            };
            out.insert(key, desc);
        }
    }
    out
}

fn crc(b: &[u8]) -> u64 {
    // FNV-1a: enough to notice any change, no extra dependency.
    b.iter().fold(0xcbf29ce484222325u64, |h, &x| {
        (h ^ x as u64).wrapping_mul(0x100000001b3)
    })
}

fn cstr(p: &Path) -> CString {
    CString::new(p.as_os_str().as_bytes()).unwrap()
}

/// Builds the hostile tree. Returns the path of the file whose atime is watched.
fn build(root: &Path) -> PathBuf {
    fs::create_dir_all(root.join("ok")).unwrap();
    fs::write(root.join("ok/.env"), line("STRIPE_SECRET_KEY")).unwrap();
    // A FIFO: opening it for reading would block forever without O_NONBLOCK.
    assert_eq!(
        unsafe { libc::mkfifo(cstr(&root.join("fifo")).as_ptr(), 0o644) },
        0
    );
    // A socket.
    let _sock = std::os::unix::net::UnixListener::bind(root.join("sock")).unwrap();
    std::mem::forget(_sock);
    // A link to an endless device, and link loops (one file, one directory).
    std::os::unix::fs::symlink("/dev/zero", root.join("zero")).unwrap();
    std::os::unix::fs::symlink("self", root.join("self")).unwrap();
    fs::create_dir_all(root.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", root.join("loop/up")).unwrap();
    // No read permission: a directory and a file, each holding a credential.
    fs::create_dir_all(root.join("locked-dir")).unwrap();
    fs::write(root.join("locked-dir/.env"), line("LOCKED")).unwrap();
    fs::set_permissions(root.join("locked-dir"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::write(root.join("locked.env"), line("LOCKED_FILE")).unwrap();
    fs::set_permissions(root.join("locked.env"), fs::Permissions::from_mode(0o000)).unwrap();
    // A 10 GB sparse file.
    fs::File::create(root.join("sparse.img"))
        .unwrap()
        .set_len(10 << 30)
        .unwrap();
    // A file name that is not UTF-8.
    let odd = root.join(OsStr::from_bytes(b"caf\xe9.env"));
    fs::write(&odd, line("ODD_NAME")).unwrap();
    // UTF-16 (little-endian, with BOM).
    let mut u16 = vec![0xFF, 0xFE];
    for c in line("WIDE").encode_utf16() {
        u16.extend_from_slice(&c.to_le_bytes());
    }
    fs::write(root.join("wide.env"), u16).unwrap();
    // A NUL-heavy binary with a credential inside.
    let mut bin = vec![0u8; 256 * 1024];
    bin[100_000..100_000 + SECRET.len()].copy_from_slice(SECRET.as_bytes());
    bin[..4].copy_from_slice(b"\x7fELF");
    fs::write(root.join("blob.bin"), bin).unwrap();
    // 10,000 nested directories, built with mkdirat: the full path is far past PATH_MAX. A
    // credential sits at depth 100, which a walker can still reach.
    let mut fd = unsafe {
        libc::open(
            cstr(root).as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        )
    };
    assert!(fd >= 0);
    let name = CString::new("d").unwrap();
    for depth in 0..10_000 {
        assert_eq!(unsafe { libc::mkdirat(fd, name.as_ptr(), 0o755) }, 0);
        let next = unsafe {
            libc::openat(
                fd,
                name.as_ptr(),
                libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
            )
        };
        assert!(next >= 0);
        unsafe { libc::close(fd) };
        fd = next;
        if depth == 99 {
            let f = CString::new("deep.env").unwrap();
            let w = unsafe {
                libc::openat(
                    fd,
                    f.as_ptr(),
                    libc::O_WRONLY | libc::O_CREAT | libc::O_CLOEXEC,
                    0o644,
                )
            };
            let l = line("DEEP");
            assert_eq!(
                unsafe { libc::write(w, l.as_ptr().cast(), l.len()) },
                l.len() as isize
            );
            unsafe { libc::close(w) };
        }
    }
    unsafe { libc::close(fd) };
    // The watched file: atime set in the past, before mtime, so that a relatime mount would
    // update it on any read that does not use O_NOATIME.
    let watched = root.join("ok/.env");
    // O_NOATIME is the owner's privilege: the unprivileged scanner owns the watched file.
    if unsafe { libc::geteuid() } == 0 {
        std::os::unix::fs::lchown(&watched, Some(65534), Some(65534)).unwrap();
    }
    let past = libc::timespec {
        tv_sec: 946_684_800,
        tv_nsec: 0,
    };
    let omit = libc::timespec {
        tv_sec: 0,
        tv_nsec: libc::UTIME_OMIT,
    };
    assert_eq!(
        unsafe {
            libc::utimensat(
                libc::AT_FDCWD,
                cstr(&watched).as_ptr(),
                [past, omit].as_ptr(),
                0,
            )
        },
        0
    );
    watched
}

/// Runs credgate over `root`, as an unprivileged user when this test runs as root (so that
/// permission bits mean something); returns (exit code, stdout).
fn run(root: &Path, args: &[&str]) -> (i32, Vec<u8>) {
    let bin = crate::common::binary();
    let mut cmd = if unsafe { libc::geteuid() } == 0 && Path::new("/usr/bin/setpriv").exists() {
        let mut c = std::process::Command::new("/usr/bin/setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]);
        c.arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd
        .current_dir(root)
        .arg("scan")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some(),
        "killed by a signal: {:?}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), out.stdout)
}

fn unprivileged() -> bool {
    (unsafe { libc::geteuid() }) != 0 || Path::new("/usr/bin/setpriv").exists()
}

fn open_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // The unprivileged scanner must be able to enter the tree itself.
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

#[test]
fn hostile_tree_finishes_reports_and_changes_nothing() {
    let dir = open_tree();
    let root = dir.path().join("tree");
    fs::create_dir(&root).unwrap();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o755)).unwrap();
    let watched = build(&root);
    let atime_before = fs::metadata(&watched).unwrap().atime();
    let before = tree_state(&root, &watched);

    let (code, out) = run(&root, &["--format", "json"]);
    let report: Value = serde_json::from_slice(&out).unwrap();
    // Findings in the readable files: plain, non-UTF-8 name, UTF-16, binary, 100 levels deep.
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    let deep = format!("{}deep.env", "d/".repeat(100));
    for want in [
        "ok/.env",
        "caf\\xE9.env",
        "wide.env",
        "blob.bin",
        deep.as_str(),
    ] {
        assert!(paths.contains(&want), "{want} not found in {paths:?}");
    }
    if unprivileged() {
        assert!(
            !paths.contains(&"locked.env") && !paths.iter().any(|p| p.starts_with("locked-dir"))
        );
    }
    assert_eq!(
        code, 1,
        "a live Stripe key is a finding at or above --fail-on high"
    );
    // Each problem is reported with its path.
    let skipped = crate::common::skipped_lines(&report);
    for want in [
        "fifo special-file",
        "sock special-file",
        "zero symlink",
        "self symlink",
        "sparse.img too-large",
    ] {
        assert!(
            skipped.contains(&want.to_string()),
            "{want} not in {skipped:?}"
        );
    }
    let warnings = crate::common::warning_lines(&report);
    let warned = |path_start: &str| warnings.iter().any(|w| w.starts_with(path_start));
    if unprivileged() {
        assert!(
            warned("locked-dir"),
            "no warning for the unreadable directory: {warnings:?}"
        );
        assert!(
            warned("locked.env"),
            "no warning for the unreadable file: {warnings:?}"
        );
    }
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("d/d/d/") && w.to_lowercase().contains("too long")),
        "no warning for the path past PATH_MAX: {warnings:?}"
    );

    // With --follow: the device behind the link is not read, the loops are reported.
    let (code, out) = run(&root, &["--format", "json", "--follow"]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_slice(&out).unwrap();
    let text = report.to_string();
    assert!(text.contains("character device"), "{text}");
    assert!(
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["path"].as_str().unwrap().starts_with("loop/up")),
        "no loop warning"
    );

    // Text and SARIF name the non-UTF-8 file faithfully too.
    let (_, text) = run(&root, &["--format", "text", "--color", "never"]);
    assert!(String::from_utf8_lossy(&text).contains("caf\\xE9.env"));
    let (_, sarif) = run(&root, &["--format", "sarif"]);
    assert!(String::from_utf8_lossy(&sarif).contains("caf%E9.env"));

    // Nothing changed, and the watched file was read without touching its access time.
    assert_eq!(
        before,
        tree_state(&root, &watched),
        "the scan changed the tree"
    );
    assert_eq!(
        atime_before,
        fs::metadata(&watched).unwrap().atime(),
        "the scan changed an access time"
    );
    // Let the temporary directory be removed.
    fs::set_permissions(root.join("locked-dir"), fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_200_mb_single_line_is_scanned_or_skipped_as_documented() {
    let dir = open_tree();
    let path = dir.path().join("one-line.js");
    let mut f = fs::File::create(&path).unwrap();
    let chunk = "var a=function(b){return b+1};".repeat(1 << 10);
    let mut written = 0;
    while written < 200 << 20 {
        f.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len();
    }
    write!(f, "var k=\"{SECRET}\";").unwrap();
    drop(f);
    // Over a lowered size limit: skipped, with its size, exit 0.
    let (code, out) = run(dir.path(), &["--format", "json", "--max-file-size", "100M"]);
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(code, 0);
    assert_eq!(report["skipped"][0]["reason"], "too-large");
    // Within the default limit: scanned to the end, the credential found on line 1.
    let (code, out) = run(dir.path(), &["--format", "json"]);
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(code, 1);
    assert_eq!(report["findings"][0]["line"], 1);
    assert!(report["findings"][0]["column"].as_u64().unwrap() > 200 << 20);
}

#[test]
fn a_file_truncated_during_the_scan_does_not_kill_it() {
    let dir = open_tree();
    let path = dir.path().join("shrinking.log");
    let mut f = fs::File::create(&path).unwrap();
    let chunk = "2026-11-30 12:00:00 INFO request served\n".repeat(4096);
    while f.metadata().unwrap().len() < 160 << 20 {
        f.write_all(chunk.as_bytes()).unwrap();
    }
    drop(f);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
    let bin = crate::common::binary();
    let child = std::process::Command::new(bin)
        .current_dir(dir.path())
        .args([
            "scan",
            "--format",
            "json",
            "--max-file-size",
            "256M",
            "-j",
            "1",
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Truncate while it runs; the memory map then has pages past the end of the file.
    std::thread::sleep(std::time::Duration::from_millis(150));
    fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(4096)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.code().is_some(), "killed: {:?}", out.status);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Either the scan finished first, or the change was noticed and reported.
    let changed = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["message"].as_str().unwrap().contains("changed size"));
    eprintln!("truncation noticed during the scan: {changed}");
}

#[test]
fn findings_per_file_are_capped_and_counted() {
    let dir = open_tree();
    // 100,000 distinct AWS-shaped key ids (AKIA + 16 of [A-Z2-7]) from a small LCG.
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut x: u64 = 0x2545F4914F6CDD1D;
    let mut text = String::new();
    for i in 0..100_000u32 {
        let id: String = (0..16)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                B32[(x >> 59) as usize] as char
            })
            .collect();
        text.push_str(&format!("KEY_{i}=AKIA{id}\n"));
    }
    fs::write(dir.path().join("keys.txt"), text).unwrap();
    let (code, out) = run(dir.path(), &["--format", "json", "--fail-on", "critical"]);
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(code, 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), 100);
    let w = report["warnings"][0]["message"].as_str().unwrap();
    assert!(
        w.starts_with("99900 more findings in this file are not listed"),
        "{w}"
    );
}

#[test]
fn the_time_budget_stops_the_scan_and_says_so() {
    let dir = open_tree();
    for i in 0..3000 {
        fs::write(dir.path().join(format!("f{i}.txt")), "nothing here\n").unwrap();
    }
    let (code, out) = run(
        dir.path(),
        &["--format", "json", "--timeout", "1ms", "-j", "1"],
    );
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(code, 2, "an incomplete scan exits 2");
    assert_eq!(report["summary"]["timed_out"], true);
    assert!(
        report["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["message"].as_str().unwrap().contains("time budget")),
    );
    assert!(report["summary"]["files_scanned"].as_u64().unwrap() < 3000);
}

#[test]
fn files_deleted_during_the_scan_are_warnings() {
    let dir = open_tree();
    let n = 4000;
    for i in 0..n {
        fs::write(dir.path().join(format!("f{i}.env")), line("KEY")).unwrap();
    }
    let bin = crate::common::binary();
    let child = std::process::Command::new(bin)
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "-j", "1"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Delete them all while it works through the listing: some are read, some vanish between
    // the walk and the open.
    std::thread::sleep(std::time::Duration::from_millis(60));
    for i in 0..n {
        let _ = fs::remove_file(dir.path().join(format!("f{i}.env")));
    }
    let out = child.wait_with_output().unwrap();
    assert!(matches!(out.status.code(), Some(0 | 1)), "{:?}", out.status);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = report["findings"].as_array().unwrap().len();
    let warned = report["warnings"].as_array().unwrap();
    for w in warned {
        let m = w["message"].as_str().unwrap();
        assert!(m.contains("No such file"), "unexpected warning: {m}");
    }
    eprintln!("{found} read before deletion, {} vanished", warned.len());
    assert!(found + warned.len() <= n);
}
