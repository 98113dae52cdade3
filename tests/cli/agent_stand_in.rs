//! Running a real agent CLI (installed by `.ci/run` into `target/agents/NAME`) against one of our
//! stand-in models (`tests/agents/mock-*.py`) on loopback, in each gate mode, and reading back
//! what reached the model and the MCP server.
//!
//! The model's requests repeat the model's own earlier tool calls; a planned MCP call carries a
//! secret in its input, so those echoes are taken out before a request is searched: what counts
//! is what the agent sent the model (tool results, its own context), not what the model said.

use crate::agent_world::World;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// How the agent is gated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// No gate: the plan must leak, or the test proves nothing.
    None,
    /// `credgate hook install --agent NAME` in the workspace.
    Hook,
    /// `credgate guard --sandbox -- CLI`.
    Sandbox,
    /// `credgate guard --sandbox --mask-agent-config -- CLI`: the agent's own configuration
    /// masked too (what plain `--sandbox` leaves readable for the agent to run).
    SandboxMasked,
    /// The hook and `guard --sandbox`.
    Both,
}

impl Mode {
    pub const ALL: [Mode; 5] = [
        Mode::None,
        Mode::Hook,
        Mode::Sandbox,
        Mode::SandboxMasked,
        Mode::Both,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::None => "none",
            Mode::Hook => "hook",
            Mode::Sandbox => "sandbox",
            Mode::SandboxMasked => "sandbox --mask-agent-config",
            Mode::Both => "both",
        }
    }

    pub fn hook(self) -> bool {
        matches!(self, Mode::Hook | Mode::Both)
    }

    pub fn sandbox(self) -> bool {
        matches!(self, Mode::Sandbox | Mode::SandboxMasked | Mode::Both)
    }
}

/// The installed CLI `target/agents/DIR/node_modules/.bin/BIN`. A missing CLI fails the test
/// (`.ci/run` installs it: CI must never pass by not running the agent) unless
/// `CREDGATE_SKIP_AGENTS=1` says to skip (a developer without Node), as `agents_claude.rs` does.
pub fn agent_cli(dir: &str, bin: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/agents")
        .join(dir)
        .join("node_modules/.bin")
        .join(bin);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "{} is not installed: `bash .ci/run` installs it (npm, pinned)",
        path.display()
    );
    if std::env::var_os("CREDGATE_SKIP_AGENTS").is_some_and(|v| v == "1") {
        eprintln!("skipped: {why}, and CREDGATE_SKIP_AGENTS=1");
        return None;
    }
    panic!("{why}; CREDGATE_SKIP_AGENTS=1 skips the real-agent tests");
}

/// Why `guard --sandbox` cannot run here (no bubblewrap, or no namespaces), if it cannot.
pub fn cannot_sandbox() -> Option<String> {
    match Command::new("bwrap")
        .args(["--bind", "/", "/", "--unshare-pid", "--proc", "/proc", "--"])
        .arg("true")
        .output()
    {
        Err(e) => Some(format!("bwrap not runnable: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "bwrap cannot create a namespace: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// A stand-in model (`tests/agents/SCRIPT`) serving a plan on a free loopback port, stopped
/// when dropped.
pub struct StandIn {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl StandIn {
    pub fn start(script: &str, plan: &Value, dir: &Path) -> StandIn {
        let plan_file = dir.join("plan.json");
        std::fs::write(&plan_file, serde_json::to_vec_pretty(plan).unwrap()).unwrap();
        let log = dir.join("requests.log");
        let mut child = Command::new("python3")
            .arg(
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("tests/agents")
                    .join(script),
            )
            .arg("0")
            .arg(&log)
            .arg(&plan_file)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs the stand-in model");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{script} printed no port: {line:?}"));
        StandIn { child, port, log }
    }

    /// Every request body the model received, parsed.
    pub fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once(' '))
            .filter_map(|(_, body)| serde_json::from_str(body).ok())
            .collect()
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What came back from one run.
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the agent CLI (`cli`, its whole command line) in `world` in `mode`: the hook installed
/// as `hook install --agent AGENT` installs it, the CLI started by `guard --sandbox`, both or
/// neither. The environment is the world's ([`World::command`]: nothing of the test runner's)
/// with `env` added, and the directory of the credgate under test first in `PATH`, so that
/// the installed hook's `credgate hook AGENT` runs it.
pub fn run(
    world: &World,
    agent: &str,
    env: &[(&str, &str)],
    cli: &[String],
    mode: Mode,
) -> Outcome {
    let bin = crate::common::binary();
    let dirs = [bin.parent().unwrap()];
    if mode.hook() {
        let out = world
            .command(&bin, &dirs)
            .args(["hook", "install", "--agent", agent])
            .output()
            .unwrap();
        assert!(out.status.success(), "hook install: {out:?}");
    }
    let mut cmd = if mode.sandbox() {
        let mut c = world.command(&bin, &dirs);
        c.args(["guard", "--sandbox"]);
        if mode == Mode::SandboxMasked {
            c.arg("--mask-agent-config");
        }
        c.arg("--").args(cli);
        c
    } else {
        let mut c = world.command(&cli[0], &dirs);
        c.args(&cli[1..]);
        c
    };
    cmd.envs(env.iter().copied());
    let out = assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The text of a tool result as the agent sent it: a string as it is, anything else as JSON.
pub fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// A request with the model's own earlier calls taken out (Responses API `function_call` items,
/// Gemini `functionCall` parts), as text to search.
pub fn sent_by_agent(request: &Value) -> String {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .filter(|i| {
                        !(matches!(
                            i["type"].as_str(),
                            Some("function_call" | "custom_tool_call")
                        ) || i.get("functionCall").is_some())
                    })
                    .map(strip)
                    .collect(),
            ),
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), strip(v))).collect())
            }
            other => other.clone(),
        }
    }
    strip(request).to_string()
}

/// The shell routes to a credential every agent's plan tries, one tool call each, run from the
/// workspace with `$HOME` the planted home.
pub const SHELL_ROUTES: &[&str] = &[
    "cat .env",
    "rg -i -uu token",
    "cat ~/.railway/config.json ~/.aws/credentials",
    "grep -r GITHUB_TOKEN .",
    "env",
    "printenv RAILWAY_API_TOKEN",
    "git log -p --all",
    "python3 -c \"import os; print(open(os.path.expanduser('~/.config/gh/hosts.yml')).read())\"",
    "head -n 5 .env",
    "sed -n p ~/.npmrc",
    "cat $(ls -a | grep env)",
    "find . -name .env -exec cat {} \\;",
    "cat /proc/self/environ | tr '\\0' '\\n'",
    "cat ~/.git-credentials ~/.cursor/mcp.json",
    "cat ~/.codex/auth.json ~/.codeium/windsurf/mcp_config.json",
    "git grep --no-index -h '' .env",
    "cp .env env.copy && cat env.copy",
    "awk 1 ~/.config/gh/hosts.yml",
    "base64 -w0 ~/.npmrc | base64 -d",
    "echo Y2F0IC5lbnY= | base64 -d | sh",
    "dd if=.env status=none",
];

/// The plan's shell routes in `world`: [`SHELL_ROUTES`], and `git show` of the tracked file
/// when it holds a secret.
pub fn shell_routes(world: &World) -> Vec<String> {
    let mut routes: Vec<String> = SHELL_ROUTES.iter().map(|s| s.to_string()).collect();
    if let Some(f) = world.tracked_file {
        routes.push(format!("git show HEAD:{f}"));
    }
    routes
}

/// The world a mode runs in: `guard --sandbox` refuses a repository whose objects hold a
/// credential (no mask hides `git show`), so the sandbox modes get the world without it.
pub fn world_for(mode: Mode) -> World {
    if mode.sandbox() {
        World::without_committed_secret()
    } else {
        World::new()
    }
}

/// Where a run keeps the stand-ins' plan and logs: beside the workspace and the home.
pub fn scratch(world: &World) -> PathBuf {
    world.workspace.parent().unwrap().to_path_buf()
}

/// The MCP server script (`tests/agents/mcp-server.py`) and the log of what it received.
pub fn mcp_server(world: &World) -> (PathBuf, PathBuf) {
    (
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agents/mcp-server.py"),
        scratch(world).join("mcp.log"),
    )
}

/// One mode's result.
pub struct Row {
    pub mode: Mode,
    /// Tool calls in the plan.
    pub planned: usize,
    /// Tool calls whose result (or denial) came back to the model.
    pub answered: usize,
    /// Calls credgate stopped before they ran, and outputs it withheld after.
    pub blocked: usize,
    pub withheld: usize,
    /// Planted secrets in this mode's world.
    pub planted: usize,
    /// Planted secrets found in the agent's requests to the model.
    pub to_model: BTreeSet<&'static str>,
    /// Planted secrets the MCP server received.
    pub to_mcp: BTreeSet<&'static str>,
    /// The planted secrets in the started agent's own configuration.
    pub own_config: BTreeSet<&'static str>,
}

/// What reached the model and the MCP server in one run.
///
/// `own` are the started agent's store ids in `stores.toml` (`codex`, `codex-auth`).
pub fn tally(
    world: &World,
    mode: Mode,
    own: &[&str],
    planned: usize,
    requests: &[Value],
    results: &[String],
) -> Row {
    let sent: String = requests.iter().map(sent_by_agent).collect();
    Row {
        mode,
        planned,
        answered: results.len(),
        blocked: results
            .iter()
            .filter(|r| r.contains("credgate blocked"))
            .count(),
        withheld: results
            .iter()
            .filter(|r| r.contains("credgate withheld"))
            .count(),
        planted: world.secrets.len(),
        to_model: world.found_in(&sent),
        to_mcp: world.found_in_file(&mcp_server(world).1),
        own_config: world
            .secrets
            .iter()
            .filter(|p| p.agent_config.is_some_and(|c| own.contains(&c)))
            .map(|p| p.name)
            .collect(),
    }
}

/// Prints the table (`cargo test agents_ -- --nocapture`) and asserts: without a gate the plan
/// leaks (or the test could not fail), with one nothing does; every call was answered.
///
/// Plain `guard --sandbox` leaves the started agent's own configuration readable (it needs it
/// to run): a secret planted there ([`Row::own_config`]) may reach the model in that mode only,
/// and is reported as such; `--mask-agent-config` and the hook stop it.
pub fn report(agent: &str, version: &str, rows: &[Row], out: &[Outcome]) {
    eprintln!(
        "| agent | mode | calls tried | blocked before / withheld after by credgate | secrets that reached the model | MCP server got the pasted key |"
    );
    for r in rows {
        eprintln!(
            "| {agent} {version} | {} | {} | {} / {} | {} of {} {:?} | {} |",
            r.mode.name(),
            r.answered,
            r.blocked,
            r.withheld,
            r.to_model.len(),
            r.planted,
            r.to_model,
            if r.to_mcp.is_empty() { "no" } else { "yes" }
        );
    }
    for (r, o) in rows.iter().zip(out) {
        let context = || {
            format!(
                "{agent}, {}: exit {:?}\nstdout: {}\nstderr: {}",
                r.mode.name(),
                o.code,
                o.stdout,
                o.stderr.chars().take(4000).collect::<String>()
            )
        };
        assert_eq!(
            r.answered,
            r.planned,
            "not every call was made: {}",
            context()
        );
        if r.mode == Mode::None {
            assert!(
                !r.to_model.is_empty() && !r.to_mcp.is_empty(),
                "without a gate the plan should leak: {}",
                context()
            );
        } else if r.mode == Mode::Sandbox || r.mode == Mode::SandboxMasked {
            // The plan hands the model a secret for its MCP call; the sandbox hides what the
            // agent could read, not what the model writes into a tool's input: only the hook
            // screens that, so only the model's requests count here.
            let missed: Vec<&&str> = r
                .to_model
                .iter()
                .filter(|n| r.mode == Mode::SandboxMasked || !r.own_config.contains(*n))
                .collect();
            assert!(
                missed.is_empty(),
                "leaked to the model {missed:?}: {}",
                context()
            );
        } else {
            assert!(
                r.to_model.is_empty() && r.to_mcp.is_empty(),
                "leaked to the model {:?}, to the MCP server {:?}: {}",
                r.to_model,
                r.to_mcp,
                context()
            );
        }
    }
}
