//! `guard --sandbox`: the seed incident, end to end. A staging workspace with a gitignored
//! `.env`, a home with CLI stores (Railway, AWS, gh, ...) and a Railway token in the
//! environment; a script playing the agent tries every route to a token we know of. Under the
//! sandbox no planted secret reaches its output; outside it, the same script gets them (so the
//! test can fail). Skipped, saying why, where bubblewrap cannot create a namespace.

use crate::common::{credgate, materialize};
use std::fs;
use std::path::Path;

const NOW: &str = "2026-11-22T00:00:00Z";
const RAILWAY_ENV_TOKEN: &str = "3f9c1a7e-5b2d-4e8f-a1c3-9d7e5b2f4a61";

/// The routes an agent takes to a credential, one shell command each (run from the workspace
/// with `$HOME` the fake home). Each is labelled so a failure names the route.
const ROUTES: &[(&str, &str)] = &[
    ("cat", "cat .env"),
    ("head", "head -n 50 .env"),
    ("sed", "sed -n p .env"),
    ("grep -r", "grep -r '' ."),
    (
        "rg -uu",
        "command -v rg >/dev/null && rg -uu --no-messages '' . ~/.railway",
    ),
    (
        "git grep",
        "git grep -h -I '' $(git rev-parse HEAD) -- . || true; git grep --no-index -h '' .env",
    ),
    ("python", "python3 -c \"print(open('.env').read())\""),
    ("find -exec cat", "find . -name .env -exec cat {} \\;"),
    ("base64", "base64 .env"),
    ("tar", "tar cf - .env | strings"),
    (
        "cp then read",
        "cp .env /tmp/credgate-copy-$$ && cat /tmp/credgate-copy-$$; rm -f /tmp/credgate-copy-$$",
    ),
    ("symlink made now", "ln -sf .env link-now && cat link-now"),
    (
        "hard link made now",
        "ln -f .env hard-now 2>/dev/null && cat hard-now",
    ),
    ("env", "env"),
    ("printenv", "printenv"),
    (
        "/proc/self/environ",
        "cat /proc/self/environ | tr '\\0' '\\n'",
    ),
    ("railway store", "cat ~/.railway/config.json"),
    ("aws store", "cat ~/.aws/credentials"),
    ("gh store", "cat ~/.config/gh/hosts.yml"),
    ("dd", "dd if=.env status=none"),
    (
        "/proc of the parent",
        "tr '\\0' '\\n' < /proc/$PPID/environ",
    ),
    (
        "/proc of every process",
        "for p in /proc/[0-9]*; do cat $p/cwd/.env $p/root$HOME/.railway/config.json 2>/dev/null; tr '\\0' '\\n' < $p/environ 2>/dev/null; done",
    ),
];

use crate::agent_stand_in::cannot_sandbox;

/// The staging workspace of the incident: a git repository whose `.env` is ignored.
fn workspace(dir: &Path) {
    let token =
        credgate::testing::expand_generators("{{crc32 ghp_ FAKEsandboxIncidentToken000001}}");
    fs::write(
        dir.join(".env"),
        format!(
            "# staging\nDATABASE_URL=postgres://app:FAKEw7Qp2Lx9Tn4Z@db.staging.acme-corp.io:5432/app\nGITHUB_TOKEN={token}\n"
        ),
    )
    .unwrap();
    fs::write(dir.join(".gitignore"), ".env\nlink-now\nhard-now\n").unwrap();
    fs::write(dir.join("app.py"), "print('staging')\n").unwrap();
    crate::common::git(dir, &["init", "-q"]);
    crate::common::git(dir, &["add", "-A"]);
    crate::common::git(dir, &["commit", "-qm", "init"]);
}

/// Every secret at or above medium that credgate finds within the agent's reach.
fn planted(ws: &Path, home: &Path) -> Vec<String> {
    let out = credgate()
        .current_dir(ws)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("CREDGATE_NOW", NOW)
        .env("RAILWAY_API_TOKEN", RAILWAY_ENV_TOKEN)
        .args([
            "scan",
            "--reach",
            "all",
            "--show-secrets",
            "--format",
            "json",
            "--home",
        ])
        .arg(home)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["assessment"]["risk"] != "info" && f["assessment"]["risk"] != "low")
        .map(|f| f["secret"].as_str().unwrap().to_string())
        .collect()
}

fn script() -> String {
    ROUTES
        .iter()
        .map(|(label, cmd)| format!("echo '=== {label}'; ( {cmd} ) 2>&1; true\n"))
        .collect()
}

/// What a route printed, as text to search for secrets: the base64 route's output decoded,
/// so that an encoded secret counts too.
fn readable(label: &str, body: &str) -> String {
    use base64::Engine as _;
    if label != "base64" {
        return body.to_string();
    }
    let compact: String = body.split_whitespace().collect();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .unwrap_or_default();
    format!("{body}\n{}", String::from_utf8_lossy(&decoded))
}

/// What each route printed, by label.
fn by_route(output: &str) -> Vec<(String, String)> {
    output
        .split("=== ")
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (label, body) = s.split_once('\n').unwrap_or((s, ""));
            (label.to_string(), body.to_string())
        })
        .collect()
}

fn run_agent(
    ws: &Path,
    home: &Path,
    guarded: bool,
    extra: &[&str],
) -> (Option<i32>, String, String) {
    let mut cmd = if guarded {
        let mut c = credgate();
        c.args(["guard", "--sandbox", "--home"])
            .arg(home)
            .args(extra);
        c.args(["--", "sh", "-c", &script()]);
        c
    } else {
        let mut c = assert_cmd::Command::new("sh");
        c.args(["-c", &script()]);
        c
    };
    let out = cmd
        .current_dir(ws)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", home)
        .env("CREDGATE_NOW", NOW)
        .env("RAILWAY_API_TOKEN", RAILWAY_ENV_TOKEN)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_incident_under_the_sandbox_leaks_nothing() {
    if let Some(why) = cannot_sandbox() {
        eprintln!("skipped: {why}");
        return;
    }
    let home = materialize("home");
    let ws = tempfile::tempdir().unwrap();
    workspace(ws.path());
    let secrets = planted(ws.path(), home.path());
    assert!(secrets.len() > 30, "{} secrets", secrets.len());
    for must in [RAILWAY_ENV_TOKEN, "FAKEw7Qp2Lx9Tn4Z"] {
        assert!(
            secrets.iter().any(|s| s.contains(must)),
            "{must} not planted"
        );
    }

    // Outside the sandbox the agent gets them: the test can fail.
    let (_, outside, _) = run_agent(ws.path(), home.path(), false, &[]);
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| outside.contains(s.as_str()))
        .collect();
    assert!(
        leaked.len() >= 5,
        "the routes should reach the secrets outside the sandbox"
    );
    // Every route reaches a secret outside (the base64 one encoded; the parent's /proc is the
    // test runner's, which holds none): a route that reaches nothing proves nothing inside.
    for (label, body) in by_route(&outside) {
        let body = readable(&label, &body);
        if label != "/proc of the parent" && !(label == "rg -uu" && body.trim().is_empty()) {
            assert!(
                secrets.iter().any(|s| body.contains(s.as_str())),
                "{label} got nothing outside"
            );
        }
    }

    // Inside, with the agent's own configuration masked too, no route gets one.
    let (code, inside, err) = run_agent(ws.path(), home.path(), true, &["--mask-agent-config"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("credgate guard: starting the command in a sandbox"),
        "{err}"
    );
    assert!(
        err.contains("  unset    $RAILWAY_API_TOKEN  railway.api-token (critical)"),
        "{err}"
    );
    assert!(
        err.contains(".railway/config.json  railway.cli-refresh-token (critical)\n           fix: railway logout only deletes"),
        "{err}"
    );
    assert!(
        err.contains("railway.api-token (critical)\n           fix: Delete the token at https://railway.com/account/tokens"),
        "{err}"
    );
    for (label, body) in by_route(&inside) {
        let body = readable(&label, &body);
        for s in &secrets {
            assert!(
                !body.contains(s.as_str()),
                "route {label:?} got a secret in the sandbox"
            );
        }
    }
    assert_eq!(by_route(&inside).len(), ROUTES.len(), "{inside}");
    // The table the closing note and GUIDE.md quote (`cargo test sandbox -- --nocapture`).
    let outside_routes = by_route(&outside);
    eprintln!("route | secrets outside | secrets inside");
    for (label, body) in by_route(&inside) {
        let got = |b: &str| secrets.iter().filter(|s| b.contains(s.as_str())).count();
        let out_body = outside_routes
            .iter()
            .find(|(l, _)| *l == label)
            .map_or("", |(_, b)| b.as_str());
        eprintln!(
            "{label} | {} | {}",
            got(&readable(&label, out_body)),
            got(&readable(&label, &body))
        );
    }
    for s in &secrets {
        assert!(!err.contains(s.as_str()), "guard printed a secret");
    }

    // By default the started agent's own settings stay readable, and say so; other agents'
    // configurations are masked (a path that does not exist: only the plan printed before
    // the start matters here).
    let out = credgate()
        .current_dir(ws.path())
        .env("HOME", home.path())
        .env("CREDGATE_NOW", NOW)
        .args(["guard", "--sandbox", "--home"])
        .arg(home.path())
        .args(["--", "/nonexistent/bin/claude", "-p", "x"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            ".claude.json  github.pat.classic (critical): left readable, needed by the agent"
        ),
        "{err}"
    );
    assert!(err.contains("masked   "), "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("  masked ") && l.contains(".cursor/mcp.json")),
        "Cursor's config is not Claude Code's: {err}"
    );
    // A command that is no agent we know has no configuration of its own: all are masked.
    let (_, _, err) = run_agent(ws.path(), home.path(), true, &[]);
    assert!(!err.contains("left readable"), "{err}");
}

#[test]
fn a_credential_in_a_tracked_file_is_refused_not_masked() {
    let home = tempfile::tempdir().unwrap();
    let ws = tempfile::tempdir().unwrap();
    let token =
        credgate::testing::expand_generators("{{crc32 ghp_ FAKEsandboxTrackedToken0000001}}");
    fs::write(
        ws.path().join("deploy.sh"),
        format!("export GITHUB_TOKEN={token}\n"),
    )
    .unwrap();
    crate::common::git(ws.path(), &["init", "-q"]);
    crate::common::git(ws.path(), &["add", "-A"]);
    crate::common::git(ws.path(), &["commit", "-qm", "init"]);
    let marker = ws.path().join("started");
    let out = credgate()
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .args(["guard", "--sandbox", "--home"])
        .arg(home.path())
        .args(["--", "touch"])
        .arg(&marker)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!marker.exists(), "the command must not run");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("in files git tracks or has committed; a sandbox cannot hide them"),
        "{err}"
    );
    assert!(err.contains("deploy.sh  github.pat.classic"), "{err}");
    assert!(!err.contains(&token));
}

/// A `.env` committed once, then untracked and ignored: masking it hides nothing from
/// `git log -p`, so it is refused like a tracked file; the same file never committed is masked.
#[test]
fn a_credential_once_committed_is_refused_not_masked() {
    let home = tempfile::tempdir().unwrap();
    let token =
        credgate::testing::expand_generators("{{crc32 ghp_ FAKEsandboxCommittedToken00001}}");
    let guard = |ws: &Path| {
        let marker = ws.join("started");
        let out = credgate()
            .current_dir(ws)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .args(["guard", "--sandbox=auto", "--home"])
            .arg(home.path())
            .args(["--", "touch"])
            .arg(&marker)
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(!err.contains(&token), "{err}");
        (out.status.code(), marker.exists(), err)
    };
    let setup = |commit_first: bool| {
        let ws = tempfile::tempdir().unwrap();
        let p = ws.path();
        crate::common::git(p, &["init", "-q"]);
        fs::write(p.join("app.py"), "print(1)\n").unwrap();
        fs::write(p.join(".env"), format!("GITHUB_TOKEN={token}\n")).unwrap();
        if commit_first {
            crate::common::git(p, &["add", "-A"]);
            crate::common::git(p, &["commit", "-qm", "with the env file"]);
            crate::common::git(p, &["rm", "-q", "--cached", ".env"]);
        }
        fs::write(p.join(".gitignore"), ".env\n").unwrap();
        crate::common::git(p, &["add", "-A"]);
        crate::common::git(p, &["commit", "-qm", "ignore it"]);
        ws
    };
    let once = setup(true);
    let (code, started, err) = guard(once.path());
    assert_eq!(code, Some(1), "{err}");
    assert!(!started, "the command must not run");
    assert!(
        err.contains("in files git tracks or has committed"),
        "{err}"
    );
    assert!(err.contains(".env (committed in "), "{err}");
    let never = setup(false);
    let (_, _, err) = guard(never.path());
    assert!(!err.contains("has committed"), "never committed: {err}");
}

#[test]
fn without_a_sandbox_tool_it_never_starts_unprotected() {
    let home = materialize("home");
    let ws = tempfile::tempdir().unwrap();
    let marker = ws.path().join("started");
    let empty_path = tempfile::tempdir().unwrap();
    // PATH without bwrap (and without anything else but what the command needs).
    fs::create_dir(empty_path.path().join("bin")).unwrap();
    std::os::unix::fs::symlink("/usr/bin/touch", empty_path.path().join("bin/touch")).unwrap();
    let run = |mode: &str| {
        credgate()
            .current_dir(ws.path())
            .env_clear()
            .env("PATH", empty_path.path().join("bin"))
            .arg("guard")
            .arg(mode)
            .arg("--home")
            .arg(home.path())
            .args(["--", "touch"])
            .arg(&marker)
            .output()
            .unwrap()
    };
    let out = run("--sandbox");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!marker.exists());
    // auto falls back to plain guard, which refuses: the home holds critical credentials.
    let out = run("--sandbox=auto");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("not starting it")
    );
    assert!(!marker.exists());
}

/// Codex's login (`~/.codex/auth.json`) is its own configuration, left readable under plain
/// `guard --sandbox -- codex`, only while Codex would read it: with a provider of its own in
/// `config.toml` (the key from `env_key`), Codex never opens it, and guard masks it.
#[test]
fn codex_login_is_masked_when_codex_talks_to_its_own_provider() {
    let home = tempfile::tempdir().unwrap();
    let ws = tempfile::tempdir().unwrap();
    fs::create_dir_all(home.path().join(".codex")).unwrap();
    let key = "sk-proj-FAKEQ1mTyqicfNanvs5rn4mnNC0tpj8uPanpKorR8cqD2FTDFjqrkFvAuZUKXAottzRTM4wAZ8\
               T3BlbkFJFAKELocSrA10uoDjWpD7DzoVrCDP5VgaA6vmZEe99wBTpNXUPS6GFIbpeXBTq6jlF9u4DvNh0l";
    fs::write(
        home.path().join(".codex/auth.json"),
        format!("{{\n  \"OPENAI_API_KEY\": \"{key}\"\n}}\n"),
    )
    .unwrap();
    let plan = |config: Option<&str>| {
        let path = home.path().join(".codex/config.toml");
        match config {
            Some(text) => fs::write(&path, text).unwrap(),
            None => drop(fs::remove_file(&path)),
        }
        let out = credgate()
            .current_dir(ws.path())
            .env("HOME", home.path())
            .env_remove("CODEX_HOME")
            .env("CREDGATE_NOW", NOW)
            .args(["guard", "--sandbox", "--home"])
            .arg(home.path())
            .args(["--", "/nonexistent/bin/codex", "exec", "x"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains(key), "guard printed the key");
        err.lines()
            .find(|l| l.contains(".codex/auth.json"))
            .unwrap_or_else(|| panic!("auth.json not in the plan: {err}"))
            .to_string()
    };
    let own = "model_provider = \"gateway\"\n\n[model_providers.gateway]\n\
               base_url = \"http://127.0.0.1:9/v1\"\nenv_key = \"GATEWAY_KEY\"\n";
    let line = plan(Some(own));
    assert!(line.trim_start().starts_with("masked"), "{line}");
    // OpenAI's provider (no configuration, or the gateway with OpenAI's login): Codex reads it.
    for config in [
        None,
        Some(own.replace("env_key", "requires_openai_auth = true\nenv_key")),
    ] {
        let line = plan(config.as_deref());
        assert!(
            line.contains("left readable, needed by the agent"),
            "{line}"
        );
    }
}
