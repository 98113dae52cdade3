//! Shared helpers for the integration tests.

use std::fs;
use std::path::{Path, PathBuf};

/// The path of a fixture under `fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Copies a fixture into a fresh temporary directory, ready to scan:
/// - `_gitignore` becomes `.gitignore` and `_git` becomes `.git` (real ones would hide fixture
///   files from this repository, or make git treat the fixture as a repository of its own);
/// - `{{crc32 PREFIX BODY}}` in text files expands to a checksum-valid token, so that no
///   checksummed credential is ever committed.
pub fn materialize(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(name), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        let target_name = match name.as_str() {
            "_gitignore" => ".gitignore".to_string(),
            "_git" => ".git".to_string(),
            _ => name,
        };
        let target = to.join(target_name);
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            let bytes = fs::read(e.path()).unwrap();
            match String::from_utf8(bytes) {
                Ok(text) => {
                    fs::write(&target, credgate::testing::expand_generators(&text)).unwrap()
                }
                Err(e) => fs::write(&target, e.into_bytes()).unwrap(),
            }
        }
    }
}

/// The binary under test: this build's, or the one `CREDGATE_TEST_BINARY` names (to run the
/// suite against a release build, or against an older commit to see a regression test fail
/// there).
pub fn binary() -> std::path::PathBuf {
    match std::env::var_os("CREDGATE_TEST_BINARY") {
        Some(p) => p.into(),
        None => assert_cmd::cargo::cargo_bin("credgate"),
    }
}

/// The credgate binary under test, as a command.
pub fn credgate() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::new(binary());
    c.env_remove("NO_COLOR");
    c
}

/// Runs a JSON scan of `dir` with extra args and returns (exit code, parsed report).
pub fn scan_json(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = credgate()
        .current_dir(dir)
        .args(["scan", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): stdout={} stderr={}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

/// `path:line:column detector [gitignored]` for each finding, in report order.
pub fn finding_lines(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{} {}{}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["detector_id"].as_str().unwrap(),
                if f["gitignored"].as_bool().unwrap() {
                    " gitignored"
                } else {
                    ""
                }
            )
        })
        .collect()
}

/// Runs git in `dir` with a fixed identity and no user configuration; panics on failure.
pub fn git(dir: &Path, args: &[&str]) -> std::process::Output {
    let o = git_command(dir, args)
        .output()
        .expect("git is needed for this test (.ci/run installs it)");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// The command [`git`] runs, for a test that sets more of its environment or expects it to
/// fail.
pub fn git_command(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new("git");
    c.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
            // No background gc or maintenance after a fetch or commit: a repack running while
            // the next scan reads the packs makes a test fail one time in a hundred.
            "-c",
            "gc.auto=0",
            "-c",
            "maintenance.auto=false",
        ])
        .args(args);
    c
}

/// `path reason` for each skipped file of a JSON report.
pub fn skipped_lines(report: &serde_json::Value) -> Vec<String> {
    report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["path"].as_str().unwrap(),
                s["reason"].as_str().unwrap()
            )
        })
        .collect()
}

/// `path message` for each warning of a JSON report.
pub fn warning_lines(report: &serde_json::Value) -> Vec<String> {
    report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            format!(
                "{} {}",
                w["path"].as_str().unwrap(),
                w["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// What an agent hook answered, read the way its host reads it: `(2, reason)` when it denied
/// the call (a JSON denial on stdout in any host's shape, or exit 2 with the reason on
/// stderr, which is also how an error fails closed), `(0, "")` when it let it through.
pub fn hook_verdict(out: &std::process::Output) -> (i32, String) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let code = out.status.code().unwrap();
    if code != 0 {
        assert!(stdout.trim().is_empty(), "exit {code} with stdout {stdout}");
        return (code, stderr);
    }
    assert!(stderr.is_empty(), "exit 0 with stderr {stderr}");
    if stdout.trim().is_empty() {
        return (0, String::new());
    }
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("the answer is JSON");
    let specific = &v["hookSpecificOutput"];
    let reason = if specific["permissionDecision"] == "deny" {
        specific["permissionDecisionReason"].as_str()
    } else if v["permission"] == "deny" {
        v["agent_message"].as_str()
    } else if v["decision"] == "deny" || v["decision"] == "block" {
        v["reason"].as_str()
    } else if v["additional_context"].is_string() {
        // Cursor after a built-in tool ran: it cannot take the output back, only add the
        // reason for the agent.
        v["additional_context"].as_str()
    } else {
        None
    };
    match reason {
        Some(r) => (2, r.to_string()),
        None => (0, String::new()),
    }
}
