//! The agent gate: --reach home and env, guard, --agent-policy and the Claude Code hook.

use crate::common::{credgate, materialize};
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

const NOW: &str = "2026-11-22T00:00:00Z";

fn scan_home(home: &Path, extra: &[&str]) -> Value {
    let cwd = tempfile::tempdir().unwrap();
    let out = credgate()
        .current_dir(cwd.path())
        .env("CREDGATE_NOW", NOW)
        .args(["scan", "--format", "json", "--reach", "home", "--home"])
        .arg(home)
        .args(extra)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (path under ~, detector, store, context, location, risk)
const HOME: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        ".aws/cli/cache/0fake.json",
        "aws.temporary-access-key-id",
        "aws-sso-cache",
        "key Credentials.AccessKeyId",
        "cli-store",
        "info",
    ),
    (
        ".aws/cli/cache/0fake.json",
        "aws.secret-access-key",
        "aws-sso-cache",
        "key Credentials.SecretAccessKey",
        "cli-store",
        "info",
    ),
    (
        // Shorter than a real STS token, so the generic layer, not aws.session-token, finds it.
        ".aws/cli/cache/0fake.json",
        "generic.token",
        "aws-sso-cache",
        "key Credentials.SessionToken",
        "cli-store",
        "medium",
    ),
    (
        ".aws/credentials",
        "aws.access-key-id",
        "aws",
        "section [work]",
        "cli-store",
        "critical",
    ),
    (
        ".aws/credentials",
        "aws.secret-access-key",
        "aws",
        "section [work]",
        "cli-store",
        "critical",
    ),
    (
        ".azure/service_principal_entries.json",
        "azure.entra-client-secret",
        "azure",
        "key client_secret",
        "cli-store",
        "high",
    ),
    (
        ".bash_history",
        "openai.project-key",
        "shell-history",
        "history line 3",
        "cli-store",
        "high",
    ),
    (
        ".cache/huggingface/token",
        "huggingface.token",
        "huggingface",
        "",
        "cli-store",
        "high",
    ),
    (
        ".cargo/credentials.toml",
        "cratesio.api-token",
        "cargo",
        "section [registry]",
        "cli-store",
        "high",
    ),
    (
        ".claude.json",
        "github.pat.classic",
        "claude-code",
        "key mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN",
        "agent-config",
        "critical",
    ),
    (
        ".claude/.credentials.json",
        "anthropic.oauth-access-token",
        "claude-code-auth",
        "key claudeAiOauth.accessToken",
        "cli-store",
        "info",
    ),
    (
        ".claude/.credentials.json",
        "anthropic.oauth-refresh-token",
        "claude-code-auth",
        "key claudeAiOauth.refreshToken",
        "cli-store",
        "critical",
    ),
    (
        ".claude/projects/-work-app/8f1c2d3e-0000-4000-8000-000000000001.jsonl",
        "stripe.secret-key.live",
        "claude-code-transcripts",
        "session 8f1c2d3e-0000-4000-8000-000000000001, line 2",
        "agent-transcript",
        "critical",
    ),
    (
        ".codeium/windsurf/mcp_config.json",
        "anthropic.admin-key",
        "windsurf",
        "key mcpServers.anthropic-admin.env.ANTHROPIC_ADMIN_KEY",
        "agent-config",
        "critical",
    ),
    (
        ".codex/auth.json",
        "openai.project-key",
        "codex-auth",
        "key OPENAI_API_KEY",
        "agent-config",
        "high",
    ),
    (
        ".codex/config.toml",
        "anthropic.api-key",
        "codex",
        "section [mcp_servers.anthropic]",
        "agent-config",
        "high",
    ),
    (
        ".codex/sessions/2026/11/30/rollout-2026-11-30T10-00-00-019d2fac-0b38-70f0-baff-a394265d8291.jsonl",
        "stripe.secret-key.live",
        "codex-sessions",
        "session 019d2fac-0b38-70f0-baff-a394265d8291, line 2",
        "agent-transcript",
        "critical",
    ),
    (
        ".config/Claude/claude_desktop_config.json",
        "postgresql.connection-uri",
        "claude-desktop",
        "key mcpServers.postgres.args",
        "agent-config",
        "high",
    ),
    (
        ".config/Code/User/mcp.json",
        "stripe.secret-key.live",
        "vscode",
        "key servers.stripe.env.STRIPE_SECRET_KEY",
        "agent-config",
        "critical",
    ),
    (
        ".config/Cursor/User/globalStorage/state.vscdb",
        "stripe.secret-key.live",
        "cursor-state",
        "table cursorDiskKV, key=bubbleId:5c1d:0001",
        "agent-transcript",
        "critical",
    ),
    (
        ".config/configstore/firebase-tools.json",
        "google.oauth-refresh-token",
        "firebase",
        "key tokens.refresh_token",
        "cli-store",
        "critical",
    ),
    (
        ".config/doctl/config.yaml",
        "digitalocean.pat",
        "doctl",
        "key access-token",
        "cli-store",
        "critical",
    ),
    (
        ".config/gcloud/application_default_credentials.json",
        "google.oauth-client-secret",
        "gcloud",
        "key client_secret",
        "cli-store",
        "high",
    ),
    (
        ".config/gcloud/application_default_credentials.json",
        "google.oauth-refresh-token",
        "gcloud",
        "key refresh_token",
        "cli-store",
        "critical",
    ),
    (
        ".config/gcloud/credentials.db",
        "google.oauth-refresh-token",
        "gcloud-db",
        "table credentials, account_id=fake-user@example.invalid",
        "cli-store",
        "critical",
    ),
    (
        ".config/gh/hosts.yml",
        "github.oauth",
        "gh",
        "key github.com.oauth_token",
        "cli-store",
        "critical",
    ),
    (
        ".config/netlify/config.json",
        "netlify.pat",
        "netlify",
        "key users.fake-id.auth.token",
        "cli-store",
        "critical",
    ),
    (
        ".config/stripe/config.toml",
        "stripe.restricted-key.live",
        "stripe",
        "section [default]",
        "cli-store",
        "medium",
    ),
    (
        ".config/stripe/config.toml",
        "stripe.restricted-key.test",
        "stripe",
        "section [default]",
        "cli-store",
        "low",
    ),
    (
        ".cursor/mcp.json",
        "slack.bot-token",
        "cursor",
        "key mcpServers.slack.env.SLACK_BOT_TOKEN",
        "agent-config",
        "critical",
    ),
    (
        ".cursor/projects/work-app/agent-transcripts/3b7e0c21-5d4f-4a8e-9c10-2f6d8e4a7b19.txt",
        "stripe.secret-key.live",
        "cursor-agent-chats",
        "session 3b7e0c21-5d4f-4a8e-9c10-2f6d8e4a7b19, line 2",
        "agent-transcript",
        "critical",
    ),
    (
        ".databrickscfg",
        "databricks.pat",
        "databricks",
        "section [DEFAULT]",
        "cli-store",
        "high",
    ),
    (
        ".docker/config.json",
        "docker.config-auth",
        "docker",
        "key auths.https://index.docker.io/v1/.auth",
        "cli-store",
        "high",
    ),
    (
        ".doppler/.doppler.yaml",
        "doppler.personal-token",
        "doppler-cli",
        "key scoped./.token",
        "cli-store",
        "critical",
    ),
    (
        ".fly/config.yml",
        "flyio.user-token",
        "flyctl",
        "key access_token",
        "cli-store",
        "critical",
    ),
    (
        ".gem/credentials",
        "rubygems.api-key",
        "rubygems",
        "key :rubygems_api_key",
        "cli-store",
        "high",
    ),
    (
        ".gemini/settings.json",
        "google.api-key",
        "gemini",
        "key env.GEMINI_API_KEY",
        "agent-config",
        "high",
    ),
    (
        ".git-credentials",
        "github.pat.classic",
        "git-credentials",
        "host github.com",
        "cli-store",
        "critical",
    ),
    (
        ".kube/config",
        "kubernetes.client-key",
        "kube",
        "key users.prod-admin.user.client-key-data",
        "cli-store",
        "critical",
    ),
    (
        ".local/share/com.vercel.cli/auth.json",
        "vercel.cli-token",
        "vercel",
        "key token",
        "cli-store",
        "critical",
    ),
    (
        ".netrc",
        "gitlab.pat",
        "netrc",
        "machine gitlab.com",
        "cli-store",
        "critical",
    ),
    (".npmrc", "npm.access-token", "npm", "", "cli-store", "high"),
    (
        ".pulumi/credentials.json",
        "pulumi.access-token",
        "pulumi",
        "key accessTokens.https://api.pulumi.com",
        "cli-store",
        "critical",
    ),
    (
        ".pypirc",
        "pypi.api-token",
        "pypi",
        "section [pypi]",
        "cli-store",
        "critical",
    ),
    (
        ".railway/config.json",
        "railway.cli-access-token",
        "railway",
        "key user.accessToken",
        "cli-store",
        "info",
    ),
    (
        ".railway/config.json",
        "railway.cli-refresh-token",
        "railway",
        "key user.refreshToken",
        "cli-store",
        "critical",
    ),
    (
        ".sentryclirc",
        "sentry.user-token",
        "sentry-cli",
        "section [auth]",
        "cli-store",
        "high",
    ),
    (
        ".snowflake/connections.toml",
        "snowflake.password",
        "snowflake",
        "section [default]",
        "cli-store",
        "high",
    ),
    (
        ".ssh/id_ed25519",
        "private-key.openssh",
        "ssh",
        "",
        "cli-store",
        "high",
    ),
    (
        ".supabase/access-token",
        "supabase.personal-access-token",
        "supabase",
        "",
        "cli-store",
        "critical",
    ),
    (
        ".terraform.d/credentials.tfrc.json",
        "hashicorp.terraform-cloud-token",
        "terraform",
        "key credentials.app.terraform.io.token",
        "cli-store",
        "critical",
    ),
    (
        ".vault-token",
        "hashicorp.vault-token",
        "vault",
        "",
        "cli-store",
        "medium",
    ),
    (
        ".wrangler/config/default.toml",
        "cloudflare.wrangler-access-token",
        "wrangler",
        "",
        "cli-store",
        "medium",
    ),
    (
        ".wrangler/config/default.toml",
        "cloudflare.wrangler-refresh-token",
        "wrangler",
        "",
        "cli-store",
        "critical",
    ),
];

#[test]
fn every_home_store_is_found_with_its_store_and_profile() {
    let home = materialize("home");
    let report = scan_home(home.path(), &[]);
    let got: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["root"], "~");
            format!(
                "{} {} {} {} {} {}",
                f["path"].as_str().unwrap(),
                f["detector_id"].as_str().unwrap(),
                f["store"]["id"].as_str().unwrap(),
                f["store"]["context"].as_str().unwrap_or(""),
                f["assessment"]["location"].as_str().unwrap(),
                f["assessment"]["risk"].as_str().unwrap()
            )
        })
        .collect();
    let want: Vec<String> = HOME
        .iter()
        .map(|(p, d, s, c, l, r)| format!("{p} {d} {s} {c} {l} {r}"))
        .collect();
    assert_eq!(got, want);
    // The file that is in no store (projects/notes.txt holds an AWS key) is not read.
    assert!(!got.iter().any(|l| l.starts_with("projects/")));
    // Every store of the catalog has a credential in the fixture, and it is found.
    let stores = credgate::testing::Stores::builtin().unwrap();
    for s in &stores.stores {
        assert!(
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["store"]["id"] == s.id.as_str()),
            "store {} has no finding in fixtures/home",
            s.id
        );
    }
}

#[test]
fn environment_variables_are_scanned() {
    let ws = tempfile::tempdir().unwrap();
    let out = credgate()
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("RAILWAY_API_TOKEN", "3f9c1a7e-5b2d-4e8f-a1c3-9d7e5b2f4a61")
        .env("HARMLESS", "value")
        .args(["scan", "--format", "json", "--reach", "env"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(f["root"], "env");
    assert_eq!(f["path"], "$RAILWAY_API_TOKEN");
    assert_eq!(f["detector_id"], "railway.api-token");
    assert_eq!(f["assessment"]["location"], "environment-variable");
    assert_eq!(f["assessment"]["risk"], "critical");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("3f9c1a7e-5b2d-4e8f-a1c3-9d7e5b2f4a61"));
}

#[test]
fn guard_blocks_without_starting_the_command() {
    let home = materialize("home");
    let ws = tempfile::tempdir().unwrap();
    let marker = ws.path().join("started");
    let shown = scan_home(home.path(), &["--show-secrets"]);
    // The workspace is empty and the environment cleared: the home stores are all there is.
    let blocking = shown["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| matches!(f["assessment"]["risk"].as_str(), Some("high" | "critical")))
        .count();
    assert!(blocking > 30, "{blocking}");
    let out = credgate()
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .args(["guard", "--home"])
        .arg(home.path())
        .args(["--", "touch"])
        .arg(&marker)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!marker.exists(), "the command must not run");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "credgate guard: {blocking} credentials at or above high within the agent's reach; not starting it.\n"
        )),
        "{err}"
    );
    assert!(err.contains("  CRITICAL ~/.railway/config.json:4 Railway CLI refresh token [Railway CLI, key user.refreshToken]"), "{err}");
    assert!(err.contains("log the CLI out"), "{err}");
    for f in shown["findings"].as_array().unwrap() {
        assert!(
            !err.contains(f["secret"].as_str().unwrap()),
            "guard leaked a secret"
        );
    }
    // --fail-on critical lets high findings through but still blocks on critical ones.
    let out = credgate()
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .args(["guard", "--fail-on", "critical", "--home"])
        .arg(home.path())
        .args(["--", "true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn guard_runs_the_command_and_returns_its_status_when_clean() {
    let home = tempfile::tempdir().unwrap();
    let ws = tempfile::tempdir().unwrap();
    fs::write(ws.path().join("main.py"), "print('hello')\n").unwrap();
    let out = credgate()
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .args(["guard", "--home"])
        .arg(home.path())
        .args(["--", "sh", "-c", "echo started; exit 7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "started\n");
    // An allowed finding does not block.
    let tok = credgate::testing::expand_generators("{{crc32 ghp_ FAKEguardAllowTokenBody0000001}}");
    fs::write(ws.path().join("notes.txt"), format!("{tok}\n")).unwrap();
    let out = credgate()
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .args(["guard", "--home"])
        .arg(home.path())
        .args(["--", "true"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let fp = credgate::testing::fingerprint("github.pat.classic", tok.as_bytes());
    let out = credgate()
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .args(["guard", "--allow", &fp, "--home"])
        .arg(home.path())
        .args(["--", "true"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn hook(ws: &Path, cache: &Path, event: Value) -> (i32, String) {
    let out = credgate()
        .current_dir(ws)
        .env("CREDGATE_CACHE_DIR", cache)
        .args(["hook", "claude"])
        .write_stdin(event.to_string())
        .output()
        .unwrap();
    crate::common::hook_verdict(&out)
}

#[test]
fn claude_hook_blocks_reads_of_credentials_and_allows_the_rest() {
    let ws = materialize("agent-workspace");
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    let cwd = p.to_str().unwrap();
    let secrets: Vec<String> = crate::common::scan_json(p, &["--show-secrets"]).1["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["secret"].as_str().unwrap().to_string())
        .collect();
    let cases = [
        (
            json!({"tool_name": "Read", "cwd": cwd, "tool_input": {"file_path": ".env"}}),
            2,
            "AWS access key ID",
        ),
        (
            json!({"tool_name": "Read", "cwd": cwd, "tool_input": {"file_path": "src/app.py"}}),
            0,
            "",
        ),
        (
            json!({"tool_name": "Grep", "cwd": cwd, "tool_input": {"pattern": "token", "path": ".hidden"}}),
            2,
            "Slack bot token",
        ),
        (
            json!({"tool_name": "Grep", "cwd": cwd, "tool_input": {"pattern": "def", "path": "src"}}),
            0,
            "",
        ),
        (
            json!({"tool_name": "Bash", "cwd": cwd, "tool_input": {"command": "cat .mcp.json | jq .mcpServers"}}),
            2,
            "OpenAI project API key",
        ),
        (
            json!({"tool_name": "Bash", "cwd": cwd, "tool_input": {"command": "ls -la src"}}),
            0,
            "",
        ),
        (
            json!({"tool_name": "WebFetch", "cwd": cwd, "tool_input": {"url": "https://example.invalid"}}),
            0,
            "",
        ),
    ];
    for round in 0..2 {
        // The second round is answered from the cache.
        for (event, code, mention) in &cases {
            let (got, err) = hook(p, cache.path(), event.clone());
            assert_eq!(got, *code, "round {round}: {event}: {err}");
            if *code == 0 {
                assert!(err.is_empty(), "{err}");
            } else {
                assert!(err.contains(mention), "{err}");
                assert!(err.contains("Do not read or print these files"));
            }
            for s in &secrets {
                assert!(!err.contains(s.as_str()), "hook leaked a secret");
            }
        }
    }
    let cached = fs::read(cache.path().join("hook.cache")).unwrap();
    for s in &secrets {
        assert!(
            !cached.windows(s.len()).any(|w| w == s.as_bytes()),
            "the cache holds a secret"
        );
    }
}

/// A medium-risk credential (a database password in a gitignored `.env`) is kept from the agent
/// by default, at the level `guard --sandbox` hides from; `--fail-on high` lets it through.
#[test]
fn claude_hook_denies_medium_risk_credentials_by_default() {
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    crate::common::git(p, &["init", "-q"]);
    fs::write(p.join(".gitignore"), ".env\n").unwrap();
    fs::write(p.join(".env"), "DATABASE_PASSWORD=q7Vd2LxP9tRw4Kz8\n").unwrap();
    let (_, report) = crate::common::scan_json(p, &[]);
    assert_eq!(report["findings"][0]["assessment"]["risk"], "medium");
    let event = json!({"tool_name": "Read", "cwd": p.to_str().unwrap(), "tool_input": {"file_path": ".env"}});
    let (code, err) = hook(p, cache.path(), event.clone());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at or above medium risk"), "{err}");
    assert!(!err.contains("q7Vd2LxP9tRw4Kz8"), "{err}");
    let out = credgate()
        .current_dir(p)
        .env("CREDGATE_CACHE_DIR", cache.path())
        .args(["hook", "claude", "--fail-on", "high"])
        .write_stdin(event.to_string())
        .output()
        .unwrap();
    assert_eq!(crate::common::hook_verdict(&out).0, 0);
}

/// The cache answers for a file only while it is unchanged: a clean file that gains a token is
/// blocked on the next call, a file that is gone is forgotten, and names that are not UTF-8
/// are remembered like any other (the old JSON cache could not hold them and wrote nothing).
#[cfg(unix)]
#[test]
fn claude_hook_cache_follows_the_files() {
    use std::os::unix::ffi::OsStrExt;
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    fs::create_dir(p.join("src")).unwrap();
    fs::write(p.join("src/app.py"), "print('hi')\n").unwrap();
    fs::write(p.join("src").join(odd), "NAME=value\n").unwrap();
    let grep = json!({"tool_name": "Grep", "cwd": p.to_str().unwrap(), "tool_input": {"pattern": "x", "path": "src"}});
    assert_eq!(hook(p, cache.path(), grep.clone()).0, 0);
    let cached = fs::read(cache.path().join("hook.cache")).unwrap();
    assert!(
        cached.windows(odd.len()).any(|w| w == odd.as_bytes()),
        "the file with a non-UTF-8 name is cached"
    );
    let token =
        credgate::testing::expand_generators("{{crc32 ghp_ FAKEhookCacheFollowsFiles00001}}");
    // A longer file: its size differs from the cached entry whatever the clock's resolution.
    fs::write(p.join("src").join(odd), format!("GITHUB_TOKEN={token}\n")).unwrap();
    let (code, err) = hook(p, cache.path(), grep.clone());
    assert_eq!(code, 2, "the changed file is scanned again: {err}");
    assert!(err.contains("GitHub"), "{err}");
    assert!(!err.contains(&token), "{err}");
    fs::remove_file(p.join("src").join(odd)).unwrap();
    assert_eq!(hook(p, cache.path(), grep.clone()).0, 0);
    fs::write(p.join("src/new.py"), "x = 1\n").unwrap();
    assert_eq!(hook(p, cache.path(), grep).0, 0);
    let cached = fs::read(cache.path().join("hook.cache")).unwrap();
    assert!(
        !cached.windows(odd.len()).any(|w| w == odd.as_bytes()),
        "the removed file is forgotten once its directory is read again"
    );
}

#[test]
fn claude_hook_install_is_idempotent_and_keeps_user_settings() {
    let ws = tempfile::tempdir().unwrap();
    fs::create_dir(ws.path().join(".claude")).unwrap();
    fs::write(
        ws.path().join(".claude/settings.json"),
        r#"{"model": "opus", "hooks": {"PostToolUse": []}}"#,
    )
    .unwrap();
    for _ in 0..2 {
        credgate()
            .current_dir(ws.path())
            .args(["hook", "claude", "--install"])
            .assert()
            .code(0);
    }
    let v: Value =
        serde_json::from_str(&fs::read_to_string(ws.path().join(".claude/settings.json")).unwrap())
            .unwrap();
    assert_eq!(v["model"], "opus");
    assert!(v["hooks"]["PostToolUse"].is_array());
    let pre = v["hooks"]["PreToolUse"].as_array().unwrap();
    assert_eq!(pre.len(), 1);
    assert_eq!(pre[0]["hooks"][0]["command"], "credgate hook claude");
}

#[test]
fn agent_policy_merges_idempotently() {
    let ws = materialize("agent-workspace");
    let p = ws.path();
    fs::write(
        p.join(".claude/settings.local.json"),
        "{\n  \"env\": {\"ANTHROPIC_API_KEY\": \"x\"},\n  \"permissions\": {\"allow\": [\"Bash(npm test)\"], \"deny\": [\"Read(./build/**)\"]}\n}\n",
    )
    .unwrap();
    fs::write(p.join(".cursorignore"), "node_modules/\n/dist").unwrap();
    // Dry run: nothing written.
    let before = fs::read(p.join(".cursorignore")).unwrap();
    let out = credgate()
        .current_dir(p)
        .args([
            "scan",
            "--agent-policy",
            "all",
            "--dry-run",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("would add"));
    assert_eq!(fs::read(p.join(".cursorignore")).unwrap(), before);
    assert!(!p.join(".geminiignore").exists());

    credgate()
        .current_dir(p)
        .args(["scan", "--agent-policy", "all", "--format", "json"])
        .assert()
        .code(1);
    let files = [
        ".claude/settings.local.json",
        ".cursorignore",
        ".geminiignore",
        ".aiexclude",
        ".aiignore",
    ];
    let first: Vec<Vec<u8>> = files.iter().map(|f| fs::read(p.join(f)).unwrap()).collect();
    let settings: Value = serde_json::from_slice(&first[0]).unwrap();
    assert_eq!(settings["env"]["ANTHROPIC_API_KEY"], "x");
    assert_eq!(settings["permissions"]["allow"][0], "Bash(npm test)");
    let deny: Vec<&str> = settings["permissions"]["deny"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(deny[0], "Read(./build/**)");
    for path in [
        ".env",
        ".env.local",
        ".hidden/notes.txt",
        ".mcp.json",
        "secrets/db.txt",
        ".git/config",
    ] {
        assert!(
            deny.contains(&format!("Read(./{path})").as_str()),
            "{path}: {deny:?}"
        );
    }
    let cursor = String::from_utf8(first[1].clone()).unwrap();
    assert!(
        cursor.starts_with("node_modules/\n/dist\n\n# Added by credgate"),
        "{cursor}"
    );
    assert!(cursor.lines().any(|l| l == "/.env"));
    // A second run changes nothing.
    let out = credgate()
        .current_dir(p)
        .args(["scan", "--agent-policy", "all", "--format", "json"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("agent policy already up to date"));
    let second: Vec<Vec<u8>> = files.iter().map(|f| fs::read(p.join(f)).unwrap()).collect();
    assert_eq!(first, second);
}

#[test]
fn claude_hook_blocks_the_shell_commands_that_reach_credentials() {
    // A workspace with a staging .env, a home with CLI stores, a token in the environment.
    let home = materialize("home");
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let token =
        credgate::testing::expand_generators("{{crc32 ghp_ FAKEhookShellCommandToken00001}}");
    fs::write(ws.path().join(".env"), format!("GITHUB_TOKEN={token}\n")).unwrap();
    fs::write(ws.path().join("main.py"), "print('hi')\n").unwrap();
    let cwd = ws.path().to_str().unwrap();
    let call = |command: &str| {
        let event = json!({"tool_name": "Bash", "cwd": cwd, "tool_input": {"command": command}});
        let out = credgate()
            .current_dir(ws.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("HOME", home.path())
            .env("CREDGATE_CACHE_DIR", cache.path())
            .env("RAILWAY_API_TOKEN", "3f9c1a7e-5b2d-4e8f-a1c3-9d7e5b2f4a61")
            .args(["hook", "claude"])
            .write_stdin(event.to_string())
            .output()
            .unwrap();
        crate::common::hook_verdict(&out)
    };
    for command in [
        "rg token",
        "rg -uu token",
        "git grep token",
        "grep -ri token",
        "cat .e*",
        "cat ${HOME}/.railway/config.json",
        "cat $HOME/.railway/config.json",
        "cat ~/.railway/config.json",
        "cat $(ls -a | grep env)",
        "cat \"$PWD/.env\"",
        "sh -c 'cat .e\"\"nv'",
        "F=.env; cat $F",
        "printenv",
        "env | grep TOKEN",
        "echo $RAILWAY_API_TOKEN",
        "cat /proc/self/environ",
        "gh auth token",
        "gcloud auth print-access-token",
        "aws configure get aws_secret_access_key",
    ] {
        let (code, err) = call(command);
        assert_eq!(code, 2, "{command} was let through: {err}");
        assert!(
            err.starts_with("credgate blocked this Bash call"),
            "{command}: {err}"
        );
        assert!(
            !err.contains(&token) && !err.contains("3f9c1a7e-5b2d"),
            "{command}: {err}"
        );
    }
    for command in [
        "python main.py",
        "cargo test",
        "git status",
        "echo $HOME",
        "printenv PATH",
    ] {
        let (code, err) = call(command);
        assert_eq!(code, 0, "{command} was blocked: {err}");
    }
}

/// Cursor keeps its chats in SQLite state databases (the editor) and per-session stores and
/// transcripts (the CLI): a credential there was seen by the agent too.
#[test]
fn cursor_state_and_chats_are_agent_transcripts() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let key = "sk_live_FAKEcursorStateIntpmrx2bjo";
    for (dir, file) in [
        (".config/Cursor/User/globalStorage", "state.vscdb"),
        (".config/Cursor/User/workspaceStorage/4f2a9c", "state.vscdb"),
        (
            "Library/Application Support/Cursor/User/globalStorage",
            "state.vscdb",
        ),
        (".cursor/chats/ab12/9d3e", "store.db"),
        (".cursor/projects/work-app/agent-transcripts", "c0ffee.txt"),
    ] {
        fs::create_dir_all(h.join(dir)).unwrap();
        fs::write(
            h.join(dir).join(file),
            format!("SQLite format 3\0 ItemTable composer.content STRIPE_SECRET_KEY={key}\n"),
        )
        .unwrap();
    }
    let report = scan_home(h, &[]);
    let mut seen: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["assessment"]["location"], "agent-transcript", "{f:#}");
            (
                f["store"]["id"].as_str().unwrap().to_string(),
                f["origin"]["path"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    seen.sort();
    let stores: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(
        stores,
        [
            "cursor-agent-chats",
            "cursor-agent-chats",
            "cursor-state",
            "cursor-state",
            "cursor-state"
        ],
        "{seen:?}"
    );
    assert!(!report.to_string().contains(key));
}

#[test]
fn agent_transcripts_say_which_session_saw_a_credential() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let key = "sk_live_FAKEEIntpmrx2bjoT3CSYnsP";
    let claude = h.join(".claude/projects/-work-app");
    fs::create_dir_all(&claude).unwrap();
    fs::write(
        claude.join("8f1c2d3e-0000-4000-8000-000000000001.jsonl"),
        format!("{{\"type\":\"user\",\"message\":\"hi\"}}\n{{\"type\":\"tool_result\",\"content\":\"STRIPE_SECRET_KEY={key}\"}}\n"),
    )
    .unwrap();
    let codex = h.join(".codex/sessions/2026/11/30");
    fs::create_dir_all(&codex).unwrap();
    fs::write(
        codex.join("rollout-2026-11-30T10-00-00-019d2fac-0b38-70f0-baff-a394265d8291.jsonl"),
        format!("{{\"type\":\"session_meta\"}}\n{{\"type\":\"response_item\"}}\n{{\"type\":\"response_item\",\"payload\":{{\"output\":\"STRIPE_SECRET_KEY={key}\"}}}}\n"),
    )
    .unwrap();
    let report = scan_home(h, &[]);
    let mut seen: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["assessment"]["location"], "agent-transcript");
            assert!(
                f["assessment"]["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e
                        .as_str()
                        .unwrap()
                        .starts_with("in an agent's session transcript")),
                "{f:#}"
            );
            (
                f["detector_id"].as_str().unwrap().to_string(),
                f["store"]["id"].as_str().unwrap().to_string(),
                f["store"]["context"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (
                "stripe.secret-key.live".to_string(),
                "claude-code-transcripts".to_string(),
                "session 8f1c2d3e-0000-4000-8000-000000000001, line 2".to_string()
            ),
            (
                "stripe.secret-key.live".to_string(),
                "codex-sessions".to_string(),
                "session 019d2fac-0b38-70f0-baff-a394265d8291, line 3".to_string()
            ),
        ]
    );
    assert!(!report.to_string().contains(key));
    // The text report names the session too.
    let out = credgate()
        .current_dir(h)
        .args(["scan", "--color", "never", "--reach", "home", "--home"])
        .arg(h)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  store    Claude Code (session transcripts): session 8f1c2d3e-0000-4000-8000-000000000001, line 2\n"),
        "{text}"
    );
    assert!(!text.contains(key));
}
