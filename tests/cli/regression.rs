//! One test per bug that the single pipeline, the typed origin and the SARIF bases fixed. Each
//! failed on the code before them (commit c81fd48; run the suite against another build with
//! `CREDGATE_TEST_BINARY=path/to/credgate cargo test`).

use crate::common::{credgate, git};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// A checksum-valid fake GitHub token (classic PAT: no expiry, account scope, so it blocks).
fn tok(body: &str) -> String {
    credgate::testing::expand_generators(&format!("{{{{crc32 ghp_ {body}}}}}"))
}

fn run(dir: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = credgate().current_dir(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), v, stderr)
}

fn paths(v: &Value) -> Vec<String> {
    let mut p: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    p.sort();
    p
}

/// A repository with a credential in `vendor/` and one in `src/`, both staged.
fn repo_with_vendor() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    fs::create_dir_all(d.path().join("vendor/lib")).unwrap();
    fs::create_dir_all(d.path().join("src")).unwrap();
    let vendored = tok("FAKEregressionVendoredBody0001");
    let own = tok("FAKEregressionOwnSourceBody001");
    fs::write(
        d.path().join("vendor/lib/keys.txt"),
        format!("k = {vendored}\n"),
    )
    .unwrap();
    fs::write(d.path().join("src/app.txt"), format!("k = {own}\n")).unwrap();
    git(d.path(), &["add", "-A"]);
    d
}

#[test]
fn staged_scans_honour_excludes_the_size_limit_and_the_config() {
    let d = repo_with_vendor();
    let p = d.path();
    let (code, v, _) = run(p, &["scan", "--staged", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(paths(&v), ["src/app.txt", "vendor/lib/keys.txt"]);
    // --exclude, as `scan` applies it.
    let (_, v, _) = run(
        p,
        &[
            "scan",
            "--staged",
            "--exclude",
            "vendor/**",
            "--format",
            "json",
        ],
    );
    assert_eq!(paths(&v), ["src/app.txt"]);
    // [scan] exclude in .credgate.toml, the same.
    fs::write(
        p.join(".credgate.toml"),
        "[scan]\nexclude = [\"vendor/**\"]\n",
    )
    .unwrap();
    let (_, v, _) = run(p, &["scan", "--staged", "--format", "json"]);
    assert_eq!(paths(&v), ["src/app.txt"]);
    fs::remove_file(p.join(".credgate.toml")).unwrap();
    // --max-file-size: both files are larger than 10 bytes, so both are skipped, and say so.
    let (code, v, _) = run(
        p,
        &[
            "scan",
            "--staged",
            "--max-file-size",
            "10",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0);
    assert_eq!(paths(&v), Vec::<String>::new());
    let skipped: Vec<&str> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["reason"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, ["too-large", "too-large"]);
}

#[test]
fn history_scans_honour_excludes_and_the_time_budget() {
    let d = repo_with_vendor();
    let p = d.path();
    git(p, &["commit", "-qm", "add"]);
    let (_, v, _) = run(
        p,
        &[
            "scan",
            "--git",
            "--exclude",
            "vendor/**",
            "--format",
            "json",
        ],
    );
    assert_eq!(paths(&v), ["src/app.txt"]);
    // The walk itself takes longer than a millisecond: the budget has run out before the first
    // blob, so the scan stops, says so and exits 2 rather than vouching for history.
    let (code, v, _) = run(
        p,
        &["scan", "--git", "--timeout", "1ms", "--format", "json"],
    );
    assert_eq!(code, 2);
    assert_eq!(v["summary"]["timed_out"], true);
}

#[test]
fn flags_a_git_scan_cannot_honour_are_errors() {
    let d = repo_with_vendor();
    for args in [
        &["scan", "--staged", "--reach", "env"][..],
        &["scan", "--staged", "--reach", "workspace,home"],
        &["scan", "--git", "--reach", "all"],
        &["scan", "--staged", "--follow"],
        &["scan", "--git", "HEAD", "src"],
    ] {
        let (code, v, stderr) = run(d.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(v, Value::Null, "{args:?}: no report");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("credgate: error: --"),
            "{args:?}: {stderr}"
        );
    }
    // Flags that would be ignored are errors too: --home without --reach home, --dry-run
    // without --agent-policy, --sarif-category for another format.
    for args in [
        &["scan", "--home", "/tmp"][..],
        &["scan", "--dry-run"],
        &["scan", "--sarif-category", "secrets", "--format", "json"],
    ] {
        let (code, v, stderr) = run(d.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(v, Value::Null, "{args:?}: no report");
    }
}

/// Runs `hook claude` (with `extra` flags) on a `tool` call in `ws`: (exit code, stderr).
fn hook_call(ws: &Path, cache: &Path, tool: &str, input: Value, extra: &[&str]) -> (i32, String) {
    let event = serde_json::json!({
        "tool_name": tool,
        "cwd": ws.to_str().unwrap(),
        "tool_input": input,
    });
    let out = credgate()
        .current_dir(ws)
        .env("CREDGATE_CACHE_DIR", cache)
        .args(["hook", "claude"])
        .args(extra)
        .write_stdin(event.to_string())
        .output()
        .unwrap();
    crate::common::hook_verdict(&out)
}

fn hook(ws: &Path, cache: &Path, file: &str) -> (i32, String) {
    hook_call(
        ws,
        cache,
        "Read",
        serde_json::json!({ "file_path": file }),
        &[],
    )
}

#[test]
fn the_claude_hook_honours_allow_rules_of_the_workspace_config() {
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    fs::write(
        p.join(".env"),
        format!("GITHUB_TOKEN={}\n", tok("FAKEregressionHookAllowBody001")),
    )
    .unwrap();
    let (code, msg) = hook(p, cache.path(), ".env");
    assert_eq!(code, 2, "blocked without an allow rule: {msg}");
    assert!(msg.contains(".env:1: GitHub"), "{msg}");
    // The rule that makes `scan` and `guard` accept it makes the hook accept it, even though
    // the file's result is cached from the call before.
    fs::write(
        p.join(".credgate.toml"),
        "[[allow]]\nreason = \"sandbox token of the test suite\"\npath = \".env\"\n",
    )
    .unwrap();
    let (code, _, _) = run(p, &["scan", "--format", "json"]);
    assert_eq!(code, 0);
    let (code, msg) = hook(p, cache.path(), ".env");
    assert_eq!(code, 0, "{msg}");
    assert_eq!(msg, "");
}

/// Resolves a SARIF result's location against its run's `originalUriBaseIds`.
fn sarif_file(run: &Value, result: &Value) -> PathBuf {
    let loc = &result["locations"][0]["physicalLocation"]["artifactLocation"];
    let uri = loc["uri"].as_str().unwrap();
    assert!(!uri.contains(':'), "a relative URI, not {uri}");
    let base = loc["uriBaseId"].as_str().expect("a uriBaseId");
    let base_uri = run["originalUriBaseIds"][base]["uri"].as_str().unwrap();
    let dir = base_uri.strip_prefix("file://").unwrap();
    Path::new(&percent_decode(dir)).join(percent_decode(uri))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() + 1 {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn a_directory_named_env_is_a_directory() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    fs::create_dir(p.join("env")).unwrap();
    fs::write(
        p.join("env/app.cfg"),
        format!("token = {}\n", tok("FAKEregressionEnvDirectory0001")),
    )
    .unwrap();
    let (_, sarif, _) = run(p, &["scan", "--format", "sarif", "env"]);
    let r = &sarif["runs"][0];
    assert_eq!(
        sarif_file(r, &r["results"][0]),
        p.join("env/app.cfg"),
        "{}",
        r["results"][0]["locations"]
    );
    // The critical credential in it gets its deny rule.
    let (code, _, stderr) = run(p, &["scan", "--agent-policy", "claude", "env"]);
    assert_eq!(code, 1);
    // The Read rule for Claude's file tools, and its sandbox's denyRead for the commands it runs.
    assert!(stderr.contains("added 2 deny rules"), "{stderr}");
    let settings: Value = serde_json::from_str(
        &fs::read_to_string(p.join("env/.claude/settings.local.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        settings["permissions"]["deny"],
        serde_json::json!(["Read(./app.cfg)"])
    );
    let real = fs::canonicalize(p.join("env/app.cfg")).unwrap();
    assert_eq!(
        settings["sandbox"]["filesystem"]["denyRead"],
        serde_json::json!([format!("/{}", real.display())])
    );
    // Idempotent: a second run adds nothing.
    let (_, _, stderr) = run(p, &["scan", "--agent-policy", "claude", "env"]);
    assert!(!stderr.contains("added"), "{stderr}");
    let (code, v, _) = run(p, &["scan", "--format", "json", "env"]);
    assert_eq!(code, 1);
    let f = &v["findings"][0];
    assert_eq!(f["origin"]["kind"], "workspace");
    assert_eq!(f["origin"]["root"], "env");
    assert_eq!(f["origin"]["path"], "app.cfg");
    assert_eq!(v["report_version"], 2);
}

#[test]
fn an_environment_variable_is_named_the_same_way_everywhere() {
    let ws = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let token = tok("FAKEregressionEnvVariable00001");
    let cmd = |args: &[&str]| {
        credgate()
            .current_dir(ws.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("GITHUB_TOKEN", &token)
            .args(args)
            .output()
            .unwrap()
    };
    let text = cmd(&["scan", "--reach", "env", "--color", "never"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("  at       $GITHUB_TOKEN\n"), "{text}");
    assert!(!text.contains("env/"), "{text}");
    let home_arg = home.path().to_str().unwrap();
    let guard = cmd(&["guard", "--home", home_arg, "--", "true"]);
    let guard = String::from_utf8_lossy(&guard.stderr);
    assert!(guard.contains(" $GITHUB_TOKEN GitHub"), "{guard}");
    let json: Value =
        serde_json::from_slice(&cmd(&["scan", "--reach", "env", "--format", "json"]).stdout)
            .unwrap();
    assert_eq!(
        json["findings"][0]["origin"],
        serde_json::json!({"kind": "env", "name": "GITHUB_TOKEN"})
    );
    // SARIF: not a result at an `env:` URI code scanning cannot place, but a notification that
    // names the variable the same way.
    let sarif: Value =
        serde_json::from_slice(&cmd(&["scan", "--reach", "env", "--format", "sarif"]).stdout)
            .unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["results"], serde_json::json!([]));
    let notes = run["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains("in $GITHUB_TOKEN:"), "{notes}");
    assert!(!notes.contains(&token));
    assert!(!sarif.to_string().contains("env:"));
}

#[test]
fn an_agent_config_is_an_agent_config_in_git_scans_too() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q"]);
    fs::write(
        p.join(".mcp.json"),
        format!(
            "{{\"mcpServers\": {{\"gh\": {{\"env\": {{\"GITHUB_TOKEN\": \"{}\"}}}}}}}}\n",
            tok("FAKEregressionMcpConfigBody001")
        ),
    )
    .unwrap();
    git(p, &["add", "-A"]);
    for args in [
        &["scan", "--format", "json"][..],
        &["scan", "--staged", "--format", "json"],
    ] {
        let (_, v, _) = run(p, args);
        assert_eq!(
            v["findings"][0]["assessment"]["location"], "agent-config",
            "{args:?}"
        );
    }
    git(p, &["commit", "-qm", "mcp"]);
    let (_, v, _) = run(p, &["scan", "--git", "--format", "json"]);
    assert_eq!(v["findings"][0]["assessment"]["location"], "agent-config");
    assert_eq!(v["findings"][0]["origin"]["kind"], "git-commit");
}

#[test]
fn sarif_locations_are_relative_however_the_root_is_named() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q"]);
    fs::create_dir(p.join("src")).unwrap();
    fs::write(
        p.join("src/a.txt"),
        format!("k = {}\n", tok("FAKEregressionSarifRootBody001")),
    )
    .unwrap();
    let abs = p.to_str().unwrap().to_string();
    let other = tempfile::tempdir().unwrap();
    // (working directory, root): an absolute root from inside ($GITHUB_WORKSPACE), from
    // elsewhere, a subdirectory as `.`, and a root given as `../repo`.
    let sibling = format!("../{}", p.file_name().unwrap().to_str().unwrap());
    for (cwd, root) in [
        (p.to_path_buf(), abs.clone()),
        (other.path().to_path_buf(), abs.clone()),
        (p.join("src"), ".".to_string()),
        (other.path().to_path_buf(), sibling),
    ] {
        let (_, sarif, stderr) = run(&cwd, &["scan", "--format", "sarif", &root]);
        let r = &sarif["runs"][0];
        let result = &r["results"][0];
        let loc = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(
            loc["uri"],
            "src/a.txt",
            "{root} from {}: {stderr}",
            cwd.display()
        );
        assert_eq!(loc["uriBaseId"], "%SRCROOT%");
        assert_eq!(sarif_file(r, result), p.join("src/a.txt"));
    }
}

#[test]
fn a_finding_printed_with_debug_shows_no_secret() {
    let token = tok("FAKEregressionDebugFormat00001");
    let scanner = credgate::Scanner::builtin().unwrap();
    let findings = scanner.scan_bytes("config.py", format!("TOKEN = \"{token}\"\n").as_bytes());
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].secret.expose(), token.as_bytes());
    let shown = format!("{findings:?} {:#?}", findings[0]);
    assert!(!shown.contains(&token[4..]), "{shown}");
    assert!(shown.contains("Secret(*****"), "{shown}");
}

// Found in review of the pipeline change.

#[test]
fn a_staged_secret_below_many_old_ones_is_not_cut_by_the_per_file_cap() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q"]);
    let old: String = (0..5)
        .map(|i| {
            format!(
                "T{i}={}\n",
                tok(&format!("FAKEregressionCapOldBody00000{i}"))
            )
        })
        .collect();
    fs::write(p.join("fixtures.env"), &old).unwrap();
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "old"]);
    let new = format!("{old}T5={}\n", tok("FAKEregressionCapNewBody000005"));
    fs::write(p.join("fixtures.env"), new).unwrap();
    git(p, &["add", "-A"]);
    let (code, v, _) = run(
        p,
        &[
            "scan",
            "--staged",
            "--max-findings-per-file",
            "3",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        crate::common::finding_lines(&v),
        ["fixtures.env:6:4 github.pat.classic"]
    );
}

#[test]
fn the_claude_hook_sees_past_the_per_file_cap() {
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    // A lower-risk finding first, then the token.
    fs::write(
        p.join("notify.cfg"),
        format!(
            "SLACK_WEBHOOK=https://hooks.slack.com/services/T1TE7DWBS/BFAKEN6Y73S/FAKEJX86w50W8yLk86XaHpAy\nTOKEN={}\n",
            tok("FAKEregressionHookCapBody00001")
        ),
    )
    .unwrap();
    let (code, err) = hook_call(
        p,
        cache.path(),
        "Read",
        serde_json::json!({"file_path": "notify.cfg"}),
        &["--max-findings-per-file", "1"],
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_claude_hook_fails_closed_and_caches_nothing_unread() {
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    fs::create_dir(p.join("d")).unwrap();
    for i in 0..3000 {
        fs::write(p.join(format!("d/f{i:04}.txt")), "nothing here\n").unwrap();
    }
    fs::write(
        p.join("d/zz.env"),
        format!("GITHUB_TOKEN={}\n", tok("FAKEregressionHookTimeout00001")),
    )
    .unwrap();
    let grep = || serde_json::json!({"pattern": "x", "path": "d"});
    let (code, err) = hook_call(p, cache.path(), "Grep", grep(), &["--timeout", "1ms"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("could not all be scanned within --timeout"),
        "{err}"
    );
    // Nothing unread was remembered as clean: the token blocks the next call.
    let (code, err) = hook_call(p, cache.path(), "Grep", grep(), &[]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn the_claude_hook_cache_follows_the_config() {
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    fs::create_dir(p.join("secrets")).unwrap();
    fs::write(
        p.join("secrets/a.env"),
        format!("GITHUB_TOKEN={}\n", tok("FAKEregressionHookStampBody001")),
    )
    .unwrap();
    fs::write(
        p.join(".credgate.toml"),
        "[scan]\nexclude = [\"secrets/**\"]\n",
    )
    .unwrap();
    assert_eq!(hook(p, cache.path(), "secrets/a.env").0, 0);
    fs::remove_file(p.join(".credgate.toml")).unwrap();
    assert_eq!(hook(p, cache.path(), "secrets/a.env").0, 2);
}

#[test]
fn the_claude_hook_keeps_the_agent_from_rewriting_credgates_config() {
    let ws = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let p = ws.path();
    fs::write(p.join(".credgate.toml"), "[scan]\n").unwrap();
    let call = |tool: &str, input: Value| Some(hook_call(p, cache.path(), tool, input, &[]).0);
    let write = serde_json::json!({"file_path": ".credgate.toml", "content": "[[allow]]\nreason = \"x\"\npath = \"**\"\n"});
    assert_eq!(call("Write", write), Some(2));
    assert_eq!(
        call("Edit", serde_json::json!({"file_path": ".credgate.toml"})),
        Some(2)
    );
    let bash = |c: &str| serde_json::json!({"command": c});
    assert_eq!(
        call("Bash", bash("echo '[[allow]]' >> .credgate.toml")),
        Some(2)
    );
    assert_eq!(call("Bash", bash("printf x > ./.credgate.toml")), Some(2));
    // Reading it is fine.
    assert_eq!(call("Bash", bash("cat .credgate.toml")), Some(0));
    assert_eq!(
        call("Read", serde_json::json!({"file_path": ".credgate.toml"})),
        Some(0)
    );
}

#[test]
fn a_line_shown_masks_secrets_past_the_per_file_cap() {
    let d = tempfile::tempdir().unwrap();
    let second = tok("FAKEregressionLineTextBody0002");
    fs::write(
        d.path().join("a.env"),
        format!(
            "GITHUB_TOKEN={} other={second}\n",
            tok("FAKEregressionLineTextBody0001")
        ),
    )
    .unwrap();
    let out = credgate()
        .current_dir(d.path())
        .args(["scan", "--max-findings-per-file", "1", "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"line_text\""), "{stdout}");
    assert!(!stdout.contains(&second[4..]), "{stdout}");
}

#[cfg(unix)]
#[test]
fn sarif_places_results_at_their_real_path_and_several_roots_relative_to_the_working_directory() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    fs::create_dir_all(p.join("repo/sub")).unwrap();
    git(&p.join("repo"), &["init", "-q"]);
    fs::write(
        p.join("repo/sub/a.env"),
        format!("K={}\n", tok("FAKEregressionSarifLinkBody001")),
    )
    .unwrap();
    std::os::unix::fs::symlink(p.join("repo/sub"), p.join("link")).unwrap();
    let (_, sarif, _) = run(p, &["scan", "--format", "sarif", "link/"]);
    let loc =
        &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "sub/a.env", "{loc}");
    // Two roots, neither in a work tree: both relative to the working directory.
    fs::create_dir_all(p.join("plain/a")).unwrap();
    fs::create_dir_all(p.join("plain/b")).unwrap();
    for (dir, body) in [
        ("a", "FAKEregressionSarifRootsBody01"),
        ("b", "FAKEregressionSarifRootsBody02"),
    ] {
        fs::write(
            p.join(format!("plain/{dir}/x.env")),
            format!("K={}\n", tok(body)),
        )
        .unwrap();
    }
    let (_, sarif, _) = run(&p.join("plain"), &["scan", "--format", "sarif", "a", "b"]);
    let mut uris: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    uris.sort();
    assert_eq!(uris, ["a/x.env", "b/x.env"]);
}

#[test]
fn a_staged_scan_with_file_paths_reads_the_repositorys_config() {
    // The pre-commit framework passes the staged files as PATHs.
    let d = repo_with_vendor();
    let p = d.path();
    fs::write(
        p.join(".credgate.toml"),
        "[scan]\nexclude = [\"vendor/**\"]\n",
    )
    .unwrap();
    let (code, v, _) = run(
        p,
        &[
            "scan",
            "--staged",
            "--format",
            "json",
            "vendor/lib/keys.txt",
            "src/app.txt",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(paths(&v), ["src/app.txt"]);
    // And from a subdirectory.
    let (_, v, _) = run(&p.join("src"), &["scan", "--staged", "--format", "json"]);
    assert_eq!(paths(&v), ["src/app.txt"]);
}

#[test]
fn environment_variables_are_not_counted_as_files() {
    let ws = tempfile::tempdir().unwrap();
    fs::write(ws.path().join("a.txt"), "x\n").unwrap();
    let out = credgate()
        .current_dir(ws.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("A", "1")
        .args(["scan", "--reach", "workspace,env", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files_scanned"], 1);
    assert_eq!(v["summary"]["bytes_scanned"], 2);
}

#[test]
fn excludes_apply_to_files_given_as_roots() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join("a.env"),
        format!("K={}\n", tok("FAKEregressionExcludedRoot0001")),
    )
    .unwrap();
    let (code, v, _) = run(
        d.path(),
        &["scan", "--format", "json", "a.env", "--exclude", "*.env"],
    );
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["files_scanned"], 0);
    let (code, _, _) = run(d.path(), &["scan", "--format", "json", "a.env"]);
    assert_eq!(code, 1);
}
