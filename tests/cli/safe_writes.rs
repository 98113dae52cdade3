//! A scanned repository cannot make credgate write outside it: a symbolic link planted where
//! credgate writes (`.cursorignore`, `.claude`, the `-o` report, the baseline, ...) is never
//! written through. Policies warn in one line and still write the other agents' files; reports
//! and baselines fail with one line and exit code 2.
#![cfg(unix)]

use crate::common::{credgate, materialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// Every file under `dir` with its bytes (as text when they are UTF-8, for readable failures),
/// and every directory (as `None`), to compare before and after a run: nothing changed and
/// nothing appeared.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Option<Result<String, Vec<u8>>>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(dir).unwrap().to_path_buf();
            if p.symlink_metadata().unwrap().is_dir() {
                out.insert(rel, None);
                todo.push(p);
            } else {
                let bytes = fs::read(&p).unwrap();
                out.insert(
                    rel,
                    Some(String::from_utf8(bytes).map_err(|e| e.into_bytes())),
                );
            }
        }
    }
    out
}

/// A directory outside the workspace, standing for the home directory, with a `.bashrc`.
fn outside() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join(".bashrc"),
        "# the user's shell startup file\n",
    )
    .unwrap();
    d
}

/// The agent workspace: credentials in `.env`, `.env.local`, `secrets/`, `.mcp.json`, ...
fn workspace() -> tempfile::TempDir {
    materialize("agent-workspace")
}

fn run(ws: &Path, args: &[&str]) -> (i32, String) {
    let out = credgate().current_dir(ws).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The stderr lines that mention `needle`: exactly one is expected.
fn lines_with<'a>(stderr: &'a str, needle: &str) -> Vec<&'a str> {
    stderr.lines().filter(|l| l.contains(needle)).collect()
}

fn policy_scan(ws: &Path, agents: &str) -> (i32, String) {
    run(
        ws,
        &["scan", "--format", "json", "--agent-policy", agents, "."],
    )
}

#[test]
fn cursorignore_symlink_is_not_appended_to() {
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    let bashrc = home.path().join(".bashrc");
    symlink(&bashrc, p.join(".cursorignore")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = policy_scan(p, "cursor,claude");
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(
        code, 1,
        "findings decide the exit code, not the warning: {stderr}"
    );
    assert_eq!(
        lines_with(&stderr, "symbolic link"),
        [format!(
            "credgate: warning: .cursorignore is a symbolic link (to {}); not writing .cursorignore through it",
            bashrc.display()
        )],
        "{stderr}"
    );
    assert!(
        p.join(".cursorignore")
            .symlink_metadata()
            .unwrap()
            .is_symlink()
    );
    // Claude's file is not behind a link: it is still written.
    let settings: Value =
        serde_json::from_slice(&fs::read(p.join(".claude/settings.local.json")).unwrap()).unwrap();
    let deny = settings["permissions"]["deny"].as_array().unwrap();
    assert!(deny.iter().any(|r| r == "Read(./.env)"), "{deny:?}");
}

#[test]
fn claude_dir_symlink_gets_no_settings() {
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    let elsewhere = home.path().join("project-settings");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(elsewhere.join("keep.txt"), "keep\n").unwrap();
    fs::remove_dir_all(p.join(".claude")).unwrap();
    symlink(&elsewhere, p.join(".claude")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = policy_scan(p, "cursor,claude");
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    assert!(!elsewhere.join("settings.local.json").exists());
    assert_eq!(
        lines_with(&stderr, "symbolic link"),
        [format!(
            "credgate: warning: .claude is a symbolic link (to {}); not writing .claude/settings.local.json through it",
            elsewhere.display()
        )],
        "{stderr}"
    );
    // Cursor's file is not behind a link: it is still written.
    let cursor = fs::read_to_string(p.join(".cursorignore")).unwrap();
    assert!(cursor.lines().any(|l| l == "/.env"), "{cursor}");
}

#[test]
fn gemini_symlinks_are_refused_copilot_still_written() {
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    let bashrc = home.path().join(".bashrc");
    let profile = home.path().join(".profile");
    fs::write(&profile, "# login shell\n").unwrap();
    symlink(&bashrc, p.join(".aiexclude")).unwrap();
    symlink(&profile, p.join(".geminiignore")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = policy_scan(p, "gemini,copilot");
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        lines_with(&stderr, ".geminiignore is a symbolic link"),
        [format!(
            "credgate: warning: .geminiignore is a symbolic link (to {}); not writing .geminiignore through it",
            profile.display()
        )],
        "{stderr}"
    );
    assert_eq!(
        lines_with(&stderr, ".aiexclude is a symbolic link"),
        [format!(
            "credgate: warning: .aiexclude is a symbolic link (to {}); not writing .aiexclude through it",
            bashrc.display()
        )],
        "{stderr}"
    );
    assert_eq!(lines_with(&stderr, "symbolic link").len(), 2, "{stderr}");
    let copilot = fs::read_to_string(p.join(".aiignore")).unwrap();
    assert!(copilot.lines().any(|l| l == "/.env"), "{copilot}");
}

#[test]
fn dangling_symlink_is_not_created_through() {
    // A link to a file that does not exist yet: writing through it would create the file.
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    let target = home.path().join(".ssh-rc");
    symlink(&target, p.join(".aiignore")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = policy_scan(p, "copilot");
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    assert!(!target.exists());
    assert_eq!(lines_with(&stderr, "symbolic link").len(), 1, "{stderr}");
    assert!(stderr.contains("credgate: warning: .aiignore is a symbolic link"));
}

#[test]
fn dry_run_names_the_link_and_writes_nothing() {
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    symlink(home.path().join(".bashrc"), p.join(".cursorignore")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = run(
        p,
        &[
            "scan",
            "--format",
            "json",
            "--agent-policy",
            "cursor",
            "--dry-run",
            ".",
        ],
    );
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        lines_with(&stderr, ".cursorignore is a symbolic link").len(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("would add"), "{stderr}");
}

#[test]
fn report_output_symlink_is_an_error() {
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    let bashrc = home.path().join(".bashrc");
    symlink(&bashrc, p.join("report.json")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = run(p, &["scan", "--format", "json", "-o", "report.json", "."]);
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "credgate: error: cannot write report: report.json is a symbolic link; not writing through it"
        ],
    );
}

#[test]
fn baseline_symlink_is_an_error() {
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    let bashrc = home.path().join(".bashrc");
    symlink(&bashrc, p.join(".credgate-baseline")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = run(p, &["baseline", "create", ".credgate-baseline", "."]);
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "credgate: error: cannot write baseline: .credgate-baseline is a symbolic link; not writing through it"
        ],
    );
    assert!(!p.join(".gitattributes").exists());
}

#[test]
fn gitattributes_symlink_is_an_error() {
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    symlink(home.path().join(".bashrc"), p.join(".gitattributes")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = run(p, &["baseline", "create", ".credgate-baseline", "."]);
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        lines_with(&stderr, "error").as_slice(),
        [
            "credgate: error: cannot mark the baseline merge=union: ./.gitattributes is a symbolic link; not writing through it"
        ],
        "{stderr}"
    );
}

#[test]
fn claude_hook_install_through_symlinked_dir_is_an_error() {
    let ws = workspace();
    let p = ws.path();
    let home = outside();
    let elsewhere = home.path().join("claude");
    fs::create_dir(&elsewhere).unwrap();
    fs::remove_dir_all(p.join(".claude")).unwrap();
    symlink(&elsewhere, p.join(".claude")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = run(p, &["hook", "claude", "--install"]);
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [format!(
            "credgate: error: .claude is a symbolic link (to {}); not writing .claude/settings.json through it",
            elsewhere.display()
        )],
    );
}

#[test]
fn git_hook_install_onto_dangling_symlink_is_an_error() {
    let repo = tempfile::tempdir().unwrap();
    let p = repo.path();
    crate::common::git(p, &["init", "-q"]);
    let home = outside();
    let hooks = p.join(".git/hooks");
    fs::create_dir_all(&hooks).unwrap();
    symlink(home.path().join("run-me"), hooks.join("pre-commit")).unwrap();
    let before = snapshot(home.path());

    let (code, stderr) = run(p, &["hook", "install"]);
    assert_eq!(snapshot(home.path()), before, "{stderr}");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(lines_with(&stderr, "symbolic link").len(), 1, "{stderr}");
    assert!(
        stderr.starts_with("credgate: error: cannot write the pre-commit hook: "),
        "{stderr}"
    );
}
