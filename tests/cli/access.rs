//! Which agent can read each finding, from the policies in the workspace and the home
//! directory, in every report format; and `--agent-policy` rules that, matched as the agents
//! match them, cover what they were written for.

use crate::common::{credgate, git};
use serde_json::Value;
use std::fs;
use std::path::Path;

fn token(body: &str) -> String {
    credgate::testing::expand_generators(&format!("{{{{crc32 ghp_ {body}}}}}"))
}

/// A workspace and a home, each with credentials and agent policies.
fn setup() -> (tempfile::TempDir, tempfile::TempDir) {
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let (w, h) = (ws.path(), home.path());
    fs::write(
        w.join(".env"),
        format!("GITHUB_TOKEN={}\n", token("FAKEaccessWorkspaceEnvBody0001")),
    )
    .unwrap();
    fs::create_dir_all(w.join("config")).unwrap();
    fs::write(
        w.join("config/deploy.env"),
        format!("GITHUB_TOKEN={}\n", token("FAKEaccessWorkspaceCfgBody0001")),
    )
    .unwrap();
    fs::create_dir_all(w.join(".claude")).unwrap();
    fs::write(
        w.join(".claude/settings.local.json"),
        r#"{"permissions": {"deny": ["Read(./.env)", "Bash(curl:*)"]}}"#,
    )
    .unwrap();
    fs::write(w.join(".cursorignore"), "/.env\n").unwrap();
    fs::write(w.join(".geminiignore"), "config/\n").unwrap();
    fs::write(w.join(".aiexclude"), "").unwrap();
    fs::create_dir_all(h.join(".claude")).unwrap();
    fs::write(
        h.join(".claude/settings.json"),
        r#"{"sandbox": {"enabled": true, "filesystem": {"denyRead": ["~/.config/gh"]}}}"#,
    )
    .unwrap();
    fs::create_dir_all(h.join(".config/gh")).unwrap();
    fs::write(
        h.join(".config/gh/hosts.yml"),
        format!(
            "github.com:\n    oauth_token: {}\n    user: octocat\n",
            token("FAKEaccessHomeGhHostsBody00001")
        ),
    )
    .unwrap();
    fs::create_dir_all(h.join(".codex")).unwrap();
    fs::write(
        h.join(".codex/config.toml"),
        "sandbox_mode = \"workspace-write\"\n",
    )
    .unwrap();
    (ws, home)
}

fn scan(ws: &Path, home: &Path, format: &str) -> (i32, String) {
    let out = credgate()
        .current_dir(ws)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", home)
        .env("AGENT_GH_TOKEN", token("FAKEaccessEnvironmentBody00001"))
        .args(["scan", ".", "--reach", "all", "--home"])
        .arg(home)
        .args(["--format", format])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// `path` → agent → (file_tools, shell).
fn verdicts(report: &Value, path: &str) -> Vec<(String, String, String, String)> {
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("no finding in {path}"));
    f["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["agent"].as_str().unwrap().to_string(),
                a["file_tools"].as_str().unwrap().to_string(),
                a["shell"].as_str().unwrap().to_string(),
                a["because"].to_string(),
            )
        })
        .collect()
}

fn of<'a>(v: &'a [(String, String, String, String)], agent: &str) -> (&'a str, &'a str, &'a str) {
    let a = v.iter().find(|a| a.0 == agent).unwrap();
    (a.1.as_str(), a.2.as_str(), a.3.as_str())
}

#[test]
fn each_finding_says_which_agent_can_read_it_and_why() {
    let (ws, home) = setup();
    let (_, out) = scan(ws.path(), home.path(), "json");
    let report: Value = serde_json::from_str(&out).unwrap();

    let env = verdicts(&report, ".env");
    let (f, s, why) = of(&env, "claude");
    // The user's sandbox is on, and Claude adds its Read denies to the sandbox's.
    assert_eq!((f, s), ("denied", "denied"), "{why}");
    assert!(
        why.contains("Read(./.env) in .claude/settings.local.json"),
        "{why}"
    );
    assert!(why.contains("keeps Bash from reading it"), "{why}");
    let (f, s, why) = of(&env, "cursor");
    assert_eq!((f, s), ("denied", "read"), "{why}");
    assert!(why.contains(".cursorignore: /.env"), "{why}");
    assert_eq!(of(&env, "codex").1, "read");
    assert!(of(&env, "codex").2.contains("not reads"));
    assert_eq!(
        of(&env, "gemini").0,
        "read",
        ".geminiignore covers config/ only"
    );
    let (f, _, why) = of(&env, "gemini-code-assist");
    assert_eq!(
        f, "denied",
        "an empty .aiexclude excludes everything: {why}"
    );
    assert_eq!(of(&env, "copilot").0, "read");

    let cfg = verdicts(&report, "config/deploy.env");
    assert_eq!(of(&cfg, "claude").0, "read");
    assert_eq!(of(&cfg, "gemini").0, "denied");
    assert!(of(&cfg, "gemini").2.contains(".geminiignore: config/"));

    // ~/.config/gh is under the user's sandbox denyRead; outside the working directory.
    let gh = verdicts(&report, ".config/gh/hosts.yml");
    let (f, s, why) = of(&gh, "claude");
    assert_eq!((f, s), ("ask", "denied"), "{why}");
    assert!(
        why.contains("sandbox.filesystem.denyRead ~/.config/gh in ~/.claude/settings.json"),
        "{why}"
    );
    assert_eq!(of(&gh, "gemini").0, "denied", "outside the workspace");
    assert_eq!((of(&gh, "copilot").0, of(&gh, "copilot").1), ("ask", "ask"));

    let var = verdicts(&report, "$AGENT_GH_TOKEN");
    for agent in ["claude", "cursor", "codex", "gemini", "copilot"] {
        assert_eq!(
            of(&var, agent).1,
            "read",
            "{agent}: a variable the agent inherits"
        );
    }

    // Without the sandbox, a Read deny leaves the shell.
    fs::write(home.path().join(".claude/settings.json"), "{}").unwrap();
    let (_, out) = scan(ws.path(), home.path(), "json");
    let report: Value = serde_json::from_str(&out).unwrap();
    let env = verdicts(&report, ".env");
    let (f, s, why) = of(&env, "claude");
    assert_eq!(
        (f, s),
        ("denied", "read"),
        "a Read deny is not the shell: {why}"
    );
    assert!(why.contains("not a script or `grep -r`"), "{why}");
    assert!(why.contains("the sandbox is off"), "{why}");

    // Text: one line per finding; SARIF: the same objects in the result's properties.
    let (_, text) = scan(ws.path(), home.path(), "text");
    assert!(
        text.contains("  agents   claude: denied to Read, readable from Bash; cursor: denied to the file tools, readable from the terminal; codex, gemini, copilot: readable; gemini-code-assist: denied"),
        "{text}"
    );
    let (_, sarif) = scan(ws.path(), home.path(), "sarif");
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().all(|r| {
        r["properties"]["agents"]
            .as_array()
            .is_some_and(|a| a.len() == 6)
    }));
}

#[test]
fn a_tracked_file_is_readable_through_git_whatever_masks_it() {
    let (ws, home) = setup();
    let w = ws.path();
    git(w, &["init", "-q"]);
    git(w, &["add", "config/deploy.env"]);
    fs::write(
        home.path().join(".claude/settings.json"),
        r#"{"sandbox": {"enabled": true, "filesystem": {"denyRead": ["./config"]}}}"#,
    )
    .unwrap();
    fs::write(
        w.join(".claude/settings.json"),
        r#"{"sandbox": {"filesystem": {"denyRead": ["./config"]}}}"#,
    )
    .unwrap();
    let (_, out) = scan(w, home.path(), "json");
    let report: Value = serde_json::from_str(&out).unwrap();
    let cfg = verdicts(&report, "config/deploy.env");
    let (_, s, why) = of(&cfg, "claude");
    assert_eq!(s, "read", "{why}");
    assert!(why.contains("git show HEAD:path"), "{why}");
}

#[test]
fn every_policy_rule_written_covers_its_file() {
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let w = ws.path();
    // Names with glob characters: a rule that pasted them as they are would miss the file.
    for (i, name) in ["a[1].env", "odd*name.txt", "#hash.env", "plain/.env"]
        .iter()
        .enumerate()
    {
        let p = w.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(
            &p,
            format!(
                "GITHUB_TOKEN={}\n",
                token(&format!("FAKEaccessPolicyRuleBody00000{i}"))
            ),
        )
        .unwrap();
    }
    let run = |args: &[&str]| {
        credgate()
            .current_dir(w)
            .env("HOME", home.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["scan", ".", "--agent-policy", "all", "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("would not cover"), "{err}");
    let out = run(&["scan", ".", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 4);
    for f in findings {
        let path = f["path"].as_str().unwrap();
        let agents = f["agents"].as_array().unwrap();
        let get = |name: &str| agents.iter().find(|a| a["agent"] == name).unwrap();
        assert_eq!(
            get("claude")["file_tools"],
            "denied",
            "{path}: {}",
            get("claude")
        );
        assert_eq!(
            get("cursor")["file_tools"],
            "denied",
            "{path}: {}",
            get("cursor")
        );
        assert_eq!(
            get("gemini")["file_tools"],
            "denied",
            "{path}: {}",
            get("gemini")
        );
        assert_eq!(get("gemini-code-assist")["file_tools"], "denied", "{path}");
    }
}
