//! The agent hooks through the real binary: every host's documented events
//! (`fixtures/hook-events/HOST.json`) answered as the host reads answers, and `hook install
//! --agent` writing each host's configuration once, keeping the user's, never through a link.

use crate::common::{credgate, fixture, hook_verdict, materialize};
use serde_json::Value;
use std::fs;
use std::path::Path;

/// The secrets a case's answer must never quote: those of the workspace, and those the event
/// itself carries.
fn workspace_secrets(ws: &Path) -> Vec<String> {
    crate::common::scan_json(ws, &["--show-secrets"]).1["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["secret"].as_str().unwrap().to_string())
        .collect()
}

fn run_cases(host: &str) {
    let ws = materialize("agent-workspace");
    let home = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    let mut secrets = workspace_secrets(p);
    let text = fs::read_to_string(fixture("hook-events").join(format!("{host}.json"))).unwrap();
    let text = credgate::testing::expand_generators(&text.replace("$WS", p.to_str().unwrap()));
    secrets.extend(
        text.match_indices("ghp_")
            .map(|(i, _)| text[i..i + 40].to_string()),
    );
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(cases.len() >= 9, "{host}: too few cases");
    let mut denied = 0;
    for round in 0..2 {
        // The second round answers file reads from the cache.
        for case in &cases {
            let name = case["name"].as_str().unwrap();
            let out = credgate()
                .current_dir(p)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap())
                .env("HOME", home.path())
                .env("CREDGATE_CACHE_DIR", cache.path())
                .args(["hook", host])
                .write_stdin(case["event"].to_string())
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{host}: {name}: {out:?}");
            let (code, reason) = hook_verdict(&out);
            let want = case["expect"].as_str().unwrap();
            assert_eq!(
                if code == 2 { "deny" } else { "allow" },
                want,
                "{host}: {name} (round {round}): {reason}"
            );
            if want == "deny" {
                denied += 1;
                assert!(reason.contains("credgate"), "{host}: {name}: {reason}");
            }
            let stdout = String::from_utf8_lossy(&out.stdout);
            for s in &secrets {
                assert!(
                    !stdout.contains(s.as_str()),
                    "{host}: {name}: the answer quotes a secret"
                );
            }
            if host == "cursor"
                && want == "allow"
                && case["event"]["hook_event_name"] != "postToolUse"
            {
                // Installed fail-closed, Cursor blocks on an empty answer: allowing is explicit.
                assert_eq!(stdout.trim(), r#"{"permission":"allow"}"#, "{name}");
            }
        }
    }
    assert!(denied >= 10, "{host}: {denied} denials");
}

#[test]
fn the_claude_hook_answers_every_documented_event() {
    run_cases("claude");
}

#[test]
fn the_cursor_hook_answers_every_documented_event() {
    run_cases("cursor");
}

#[test]
fn the_codex_hook_answers_every_documented_event() {
    run_cases("codex");
}

#[test]
fn the_gemini_hook_answers_every_documented_event() {
    run_cases("gemini");
}

#[test]
fn an_event_a_hook_cannot_read_fails_closed() {
    for host in ["claude", "cursor", "codex", "gemini"] {
        let out = credgate()
            .args(["hook", host])
            .write_stdin("not json")
            .output()
            .unwrap();
        // Every host reads exit 2 as "block".
        assert_eq!(out.status.code(), Some(2), "{host}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{host}: {err}");
        assert!(err.contains("not JSON"), "{host}: {err}");
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn hook_install_writes_each_agents_configuration_once() {
    let ws = tempfile::tempdir().unwrap();
    let p = ws.path();
    fs::create_dir_all(p.join(".gemini")).unwrap();
    fs::write(
        p.join(".gemini/settings.json"),
        r#"{"theme": "dark", "hooks": {"BeforeTool": [{"matcher": "x", "hooks": [{"type": "command", "command": "mine"}]}]}}"#,
    )
    .unwrap();
    let install = || {
        let out = credgate()
            .current_dir(p)
            .args(["hook", "install"])
            .args([
                "--agent", "claude", "--agent", "cursor", "--agent", "codex", "--agent", "gemini",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let first = install();
    assert!(
        first.contains(".cursor/hooks.json now runs the cursor hook"),
        "{first}"
    );
    let files = [
        ".claude/settings.json",
        ".cursor/hooks.json",
        ".codex/hooks.json",
        ".gemini/settings.json",
    ];
    let written: Vec<Vec<u8>> = files.iter().map(|f| fs::read(p.join(f)).unwrap()).collect();
    let second = install();
    assert_eq!(second.matches("already runs").count(), 4, "{second}");
    let again: Vec<Vec<u8>> = files.iter().map(|f| fs::read(p.join(f)).unwrap()).collect();
    assert_eq!(written, again, "a second install changed a file");

    let claude = read_json(&p.join(files[0]));
    for event in ["PreToolUse", "PostToolUse"] {
        let list = claude["hooks"][event].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["hooks"][0]["command"], "credgate hook claude");
    }
    let matcher = claude["hooks"]["PreToolUse"][0]["matcher"]
        .as_str()
        .unwrap();
    assert!(
        matcher.contains("Agent") && matcher.contains("mcp__"),
        "{matcher}"
    );

    let cursor = read_json(&p.join(files[1]));
    assert_eq!(cursor["version"], 1);
    for event in [
        "beforeReadFile",
        "beforeShellExecution",
        "beforeMCPExecution",
        "preToolUse",
        "postToolUse",
    ] {
        let list = cursor["hooks"][event].as_array().unwrap();
        assert_eq!(list.len(), 1, "{event}");
        assert_eq!(list[0]["command"], "credgate hook cursor");
        assert_eq!(list[0]["failClosed"], true, "{event}");
    }

    let codex = read_json(&p.join(files[2]));
    assert_eq!(
        codex.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["hooks"]
    );
    assert_eq!(
        codex["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
        "credgate hook codex"
    );
    assert_eq!(codex["hooks"]["PostToolUse"].as_array().unwrap().len(), 1);

    let gemini = read_json(&p.join(files[3]));
    assert_eq!(gemini["theme"], "dark");
    let before = gemini["hooks"]["BeforeTool"].as_array().unwrap();
    assert_eq!(before.len(), 2, "the user's hook is kept beside ours");
    assert_eq!(before[0]["hooks"][0]["command"], "mine");
    assert_eq!(before[1]["hooks"][0]["command"], "credgate hook gemini");
    assert_eq!(before[1]["hooks"][0]["timeout"], 10000, "milliseconds");
}

#[test]
fn hook_install_with_a_level_writes_it_into_the_command() {
    let ws = tempfile::tempdir().unwrap();
    credgate()
        .current_dir(ws.path())
        .args(["hook", "install", "--agent", "codex", "--fail-on", "medium"])
        .assert()
        .code(0);
    let codex = read_json(&ws.path().join(".codex/hooks.json"));
    assert_eq!(
        codex["hooks"]["PreToolUse"][0]["hooks"][0]["command"],
        "credgate hook codex --fail-on medium"
    );
}

#[cfg(unix)]
#[test]
fn hook_install_does_not_write_through_a_symbolic_link() {
    let ws = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), ws.path().join(".cursor")).unwrap();
    let out = credgate()
        .current_dir(ws.path())
        .args(["hook", "install", "--agent", "cursor"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(".cursor is a symbolic link"), "{err}");
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
}

#[test]
fn a_bad_configuration_is_left_as_it_is() {
    let ws = tempfile::tempdir().unwrap();
    fs::create_dir(ws.path().join(".codex")).unwrap();
    fs::write(ws.path().join(".codex/hooks.json"), "{\"hooks\": [}").unwrap();
    let out = credgate()
        .current_dir(ws.path())
        .args(["hook", "install", "--agent", "codex"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("not valid JSON"), "{err}");
    assert_eq!(
        fs::read_to_string(ws.path().join(".codex/hooks.json")).unwrap(),
        "{\"hooks\": [}"
    );
}
