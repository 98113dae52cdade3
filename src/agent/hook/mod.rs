//! `credgate hook AGENT`: one gate, four hosts. Each host (Claude Code, Cursor, Codex CLI,
//! Gemini CLI) sends a tool call on stdin in its own shape and wants its own answer; a host
//! module ([`claude`], [`cursor`], [`codex`], [`gemini`]) turns the one into a [`Call`] and a
//! [`Verdict`] into the other, and installs the hook in the host's configuration. What a call
//! reaches and whether it may go ahead is decided here, once, for all of them:
//!
//! - before a tool runs: the files it would read (file tools by their path, a shell command by
//!   what [`shell::reach`](super::shell::reach) says it reaches, searches by the directory they
//!   search), the environment variables a shell command would print, and the input of an MCP
//!   tool (a credential passed to a server leaves the machine);
//! - after a tool ran (where the host sends its output): the output itself, so a credential the
//!   first check could not foresee (a script that reads one) is withheld or reported.
//!
//! Results for files are cached ([`cache`]) by path, size and modification time, in a file that
//! holds no secret, so repeated reads of the same files cost a stat each.

pub mod cache;
pub mod claude;
pub mod codex;
pub mod cursor;
pub mod gemini;

use crate::engine::Engine;
use crate::finding::{Finding, Origin};
use crate::model::Risk;
use crate::pipeline::{self, Settings};
use crate::result::Progress;
use anyhow::Result;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The agents credgate has a hook for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Host {
    Claude,
    Cursor,
    Codex,
    Gemini,
}

impl Host {
    pub fn name(self) -> &'static str {
        match self {
            Host::Claude => "claude",
            Host::Cursor => "cursor",
            Host::Codex => "codex",
            Host::Gemini => "gemini",
        }
    }

    /// Reads the host's event into a call.
    pub fn parse(self, event: &Value) -> Result<Call> {
        match self {
            Host::Claude => claude::parse(event),
            Host::Cursor => cursor::parse(event),
            Host::Codex => codex::parse(event),
            Host::Gemini => gemini::parse(event),
        }
    }

    /// The answer the host expects for `verdict` on `call`.
    pub fn answer(self, call: &Call, verdict: &Verdict) -> Answer {
        match self {
            Host::Claude => claude::answer(call, verdict),
            Host::Cursor => cursor::answer(call, verdict),
            Host::Codex => codex::answer(call, verdict),
            Host::Gemini => gemini::answer(call, verdict),
        }
    }

    /// The command the host runs: `credgate hook NAME`, with `--fail-on` when one is given.
    pub fn command(self, fail_on: Option<Risk>) -> String {
        match fail_on {
            Some(r) => format!("credgate hook {} --fail-on {r}", self.name()),
            None => format!("credgate hook {}", self.name()),
        }
    }

    /// Adds the hook running `command` to the host's configuration under `workspace`, once (an
    /// entry that already runs `credgate hook NAME` counts). Returns the file and whether it
    /// changed.
    pub fn install(self, workspace: &Path, command: &str) -> Result<(PathBuf, bool)> {
        match self {
            Host::Claude => claude::install(workspace, command),
            Host::Cursor => cursor::install(workspace, command),
            Host::Codex => codex::install(workspace, command),
            Host::Gemini => gemini::install(workspace, command),
        }
    }
}

/// Whether the call is about to run or has run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Before,
    /// The tool ran; [`Call::output`] holds what it returned.
    After,
}

/// What a tool does, as far as the gate cares.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A file tool reading (or editing) these files or searching these directories.
    Files(Vec<PathBuf>),
    /// A shell command, run in [`Call::cwd`].
    Shell(String),
    /// A tool whose input goes somewhere else: an MCP tool's to its server (`to` says where),
    /// a subagent's prompt to the subagent.
    Sends { to: &'static str, input: Value },
    /// Anything else (a web fetch, a todo list): nothing to check before it runs.
    Other,
}

/// One tool call, whichever host sent it.
#[derive(Clone, Debug)]
pub struct Call {
    pub phase: Phase,
    /// The tool's name as the host calls it, for the messages.
    pub tool: String,
    /// The working directory (the host's `cwd`, else its first workspace root).
    pub cwd: PathBuf,
    /// The workspace, whose config file applies: the working directory unless the call runs
    /// below it.
    pub workspace: PathBuf,
    pub action: Action,
    /// Files the call would write, by their path as given (for [`writes_own_config`]).
    pub writes: Vec<PathBuf>,
    /// After the call: what the tool returned, as the host sent it.
    pub output: Option<Value>,
}

impl Call {
    pub fn new(phase: Phase, tool: &str, cwd: PathBuf, action: Action) -> Call {
        Call {
            phase,
            tool: tool.to_string(),
            workspace: cwd.clone(),
            cwd,
            action,
            writes: Vec::new(),
            output: None,
        }
    }
}

/// The gate's answer: go ahead, or stop with a reason for the agent (never a secret).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny(String),
}

/// What the hook process prints and returns.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Answer {
    pub stdout: String,
    pub stderr: String,
    pub exit: u8,
}

/// The `hookSpecificOutput` denial of a `PreToolUse` call that Claude Code and Codex CLI both
/// read, with nothing else in it (Codex lets a call through when an answer has other fields).
pub fn pre_tool_use_denial(reason: &str) -> Answer {
    let out = serde_json::json!({
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": reason,
        }
    });
    Answer {
        stdout: format!("{out}\n"),
        stderr: String::new(),
        exit: 0,
    }
}

/// Everything a decision needs besides the call, built once per process.
pub struct Gate<'a> {
    pub engine: &'a Engine,
    pub settings: &'a Settings,
    /// Calls that would expose a credential at or above this risk are stopped.
    pub level: Risk,
    /// The workspace whose config file applies.
    pub workspace: &'a Path,
}

/// The gate's decision on one call. Before a call: the files and variables it reaches and the
/// MCP input it sends. After a call: its output.
///
/// The config file's `[[allow]]` rules and baseline apply as they do to `scan`; since they
/// decide what the hook lets through, a call that would change them (write `.credgate.toml` or
/// the baseline) is stopped: the agent must not be able to allow itself a credential.
pub fn decide(call: &Call, gate: &Gate) -> Result<Verdict> {
    let tool = &call.tool;
    if call.phase == Phase::After {
        return review_output(call, gate);
    }
    if let Some(file) = writes_own_config(call, gate) {
        return Ok(Verdict::Deny(format!(
            "credgate blocked this {tool} call: it would change {}, which decides what credgate lets an agent read. Ask the user to make that change.\n",
            file.display()
        )));
    }
    let targets = match &call.action {
        Action::Files(paths) => paths.clone(),
        Action::Shell(cmd) => {
            let reach = super::shell::reach(cmd, &call.cwd, std::env::home_dir().as_deref());
            if let Some(program) = &reach.unseen_program {
                return Ok(Verdict::Deny(format!(
                    "credgate blocked this {tool} call: it starts {program} with a program credgate cannot see (read from standard input or typed into the session later), so what it would read cannot be checked. Run each command itself, or put the program in a file or after -c.\n"
                )));
            }
            if let Some(reason) = env_decision(&reach, call, gate)? {
                return Ok(Verdict::Deny(reason));
            }
            reach.paths
        }
        Action::Sends { to, input } => return input_decision(to, input, call, gate),
        Action::Other => Vec::new(),
    };
    if targets.is_empty() {
        return Ok(Verdict::Allow);
    }
    let hits = cache::findings_in(&targets, gate)?;
    let hits = match hits {
        cache::Outcome::Seen(hits) => hits,
        cache::Outcome::TimedOut => {
            // Fail closed, as guard does: what was not read is not known to be safe.
            return Ok(Verdict::Deny(format!(
                "credgate blocked this {tool} call: the files it would read could not all be scanned within --timeout.\n"
            )));
        }
    };
    let mut hits: Vec<&cache::Seen> = hits.iter().filter(|s| s.risk >= gate.level).collect();
    if hits.is_empty() {
        return Ok(Verdict::Allow);
    }
    hits.sort_by_key(|h| std::cmp::Reverse(h.risk));
    let mut msg = format!(
        "credgate blocked this {tool} call: it would expose {} at or above {} risk.\n",
        crate::util::count(hits.len(), "credential"),
        gate.level,
    );
    for s in hits.iter().take(10) {
        msg.push_str(&format!(
            "- {}: {} ({} risk: {})\n",
            s.at, s.detector, s.risk, s.why
        ));
    }
    msg.push_str(
        "Do not read or print these files. If the task needs access to that service, ask the user for a scoped, short-lived credential, or for the value to be provided through an environment the tool reads itself.\n",
    );
    Ok(Verdict::Deny(msg))
}

/// The findings at or above the gate's level in text the agent would see or send, scanned as
/// a file named `name` would be.
fn findings_in_text(name: &str, text: &[u8], gate: &Gate) -> Result<Vec<Finding>> {
    let source = crate::source::bytes::Bytes {
        name: PathBuf::from(name),
        bytes: text,
        home: None,
    };
    let mut result = pipeline::run(gate.engine, gate.settings, &[&source], &Progress::default())?;
    result.findings.retain(|f| f.assessment.risk >= gate.level);
    Ok(result.findings)
}

/// The lines of a message naming findings: where, what, how risky and why; never the secret.
fn list(findings: &[Finding]) -> String {
    findings
        .iter()
        .take(10)
        .map(|f| {
            format!(
                "- {}: {} ({} risk: {})\n",
                f.origin.at(f.line, None),
                f.detector_name,
                f.assessment.risk,
                f.assessment.why
            )
        })
        .collect()
}

/// A tool whose input carries a credential: an MCP server (and whoever runs it) or a subagent
/// would receive it.
fn input_decision(to: &str, input: &Value, call: &Call, gate: &Gate) -> Result<Verdict> {
    let text = serde_json::to_string_pretty(input)?;
    let label = format!("input of {}", call.tool);
    let hits = findings_in_text(&label, text.as_bytes(), gate)?;
    if hits.is_empty() {
        return Ok(Verdict::Allow);
    }
    Ok(Verdict::Deny(format!(
        "credgate blocked this {} call: its input carries {} at or above {} risk, which {to} would receive.\n{}Do not pass credentials to tools. A tool that needs one should be configured with it by the user.\n",
        call.tool,
        crate::util::count(hits.len(), "credential"),
        gate.level,
        list(&hits)
    )))
}

/// After a tool ran: a credential in its output is withheld from the agent.
fn review_output(call: &Call, gate: &Gate) -> Result<Verdict> {
    let Some(output) = &call.output else {
        return Ok(Verdict::Allow);
    };
    let label = format!("output of {}", call.tool);
    let hits = findings_in_text(&label, output_text(output).as_bytes(), gate)?;
    if hits.is_empty() {
        return Ok(Verdict::Allow);
    }
    Ok(Verdict::Deny(format!(
        "credgate withheld the output of this {} call: it holds {} at or above {} risk.\n{}Do not read or print credentials. If the task needs access to that service, ask the user for a scoped, short-lived credential.\n",
        call.tool,
        crate::util::count(hits.len(), "credential"),
        gate.level,
        list(&hits)
    )))
}

/// For a shell command that prints environment variables (`env`, `printenv`, `echo $NAME`,
/// `/proc/self/environ`): the reason to block it when one of them holds a credential at or
/// above the level. The hook runs with the agent's environment, so it scans its own.
fn env_decision(reach: &super::shell::Reach, call: &Call, gate: &Gate) -> Result<Option<String>> {
    if !reach.all_env && reach.env_names.is_empty() {
        return Ok(None);
    }
    let mut env = crate::source::env::Environment::current();
    if !reach.all_env {
        env.vars.retain(|(k, _)| {
            reach
                .env_names
                .iter()
                .any(|n| k.to_str() == Some(n.as_str()))
        });
    }
    let result = pipeline::run(gate.engine, gate.settings, &[&env], &Progress::default())?;
    let hits: Vec<Finding> = result
        .findings
        .into_iter()
        .filter(|f| f.assessment.risk >= gate.level)
        .collect();
    if hits.is_empty() {
        return Ok(None);
    }
    let mut msg = format!(
        "credgate blocked this {} call: it would print {} at or above {} risk from the environment.\n{}",
        call.tool,
        crate::util::count(hits.len(), "credential"),
        gate.level,
        list(&hits),
    );
    msg.push_str("Do not print these variables. Programs that need them read them from the environment themselves.\n");
    Ok(Some(msg))
}

/// The words of a shell command that may name files, best effort: split at blanks and shell
/// operators, quotes taken off, options left out, `NAME=value` read as its value.
fn shell_words(cmd: &str) -> impl Iterator<Item = &str> {
    cmd.split(|ch: char| ch.is_whitespace() || "|;&<>()`".contains(ch))
        .map(|w| w.trim_matches(['"', '\'']))
        .filter(|w| !w.is_empty() && !w.starts_with('-'))
        .map(|w| w.split_once('=').map_or(w, |(_, v)| v))
}

/// The config file or baseline that a call would write, if any: a file tool writing it, or a
/// shell command naming it that is not one of the usual read-only viewers without a
/// redirection.
fn writes_own_config(call: &Call, gate: &Gate) -> Option<PathBuf> {
    let settings = gate.settings;
    // The baseline's path is as the config resolved it (relative to this process).
    let baseline = (!settings.allow.baseline_source.is_empty()).then(|| {
        crate::util::normalize(
            &std::path::absolute(&settings.allow.baseline_source).unwrap_or_default(),
        )
    });
    let own = |p: &Path| {
        let abs =
            crate::util::normalize(&std::path::absolute(call.cwd.join(p)).unwrap_or_default());
        abs.file_name()
            .is_some_and(|n| n == crate::config::DEFAULT_FILE)
            || baseline.as_ref().is_some_and(|b| *b == abs)
    };
    if let Some(p) = call.writes.iter().find(|p| own(p)) {
        return Some(p.clone());
    }
    let Action::Shell(cmd) = &call.action else {
        return None;
    };
    let named = shell_words(cmd).map(PathBuf::from).find(|p| own(p))?;
    let first = cmd.split_whitespace().next().unwrap_or("");
    let viewer = matches!(
        first,
        "cat" | "less" | "more" | "head" | "tail" | "grep" | "rg" | "ls" | "wc" | "diff"
    );
    (!viewer || cmd.contains('>')).then_some(named)
}

/// The text of a tool's output as a host reports it: a string, or every string inside an
/// object or array (`stdout` and `stderr`, an MCP result's `content[].text`), one per line.
pub fn output_text(v: &Value) -> String {
    fn walk(v: &Value, out: &mut String) {
        match v {
            Value::String(s) => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(s);
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = String::new();
    walk(v, &mut out);
    out
}

/// A path as an agent's tool gives it, resolved against the call's working directory (`~/`
/// against the home directory).
pub fn resolve(cwd: &Path, p: &str) -> PathBuf {
    if let Some(rest) = p.strip_prefix("~/")
        && let Some(h) = std::env::home_dir()
    {
        return h.join(rest);
    }
    cwd.join(p)
}

/// The working directory of an event: its `cwd`, else the first of its `workspace_roots`, else
/// this process's.
pub fn cwd_of(event: &Value) -> PathBuf {
    event["cwd"]
        .as_str()
        .filter(|s| !s.is_empty())
        .or_else(|| event["workspace_roots"][0].as_str())
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default()
}

/// How a file the call names is reported and located: inside the workspace by its path there;
/// a credential store of the home directory as `~/...`; anything else by its absolute path,
/// located by its git status like a workspace file.
fn origin_of(
    abs: &Path,
    workspace: &Path,
    home: Option<&Path>,
    stores: &crate::stores::Stores,
) -> Origin {
    let ws = crate::util::normalize(&std::path::absolute(workspace).unwrap_or(workspace.into()));
    if let Ok(rel) = abs.strip_prefix(&ws) {
        // Named as the agent names it, relative to its working directory.
        return Origin::Workspace {
            root: PathBuf::from("."),
            path: rel.to_path_buf(),
        };
    }
    if let Some(h) = home
        && let Ok(rel) = abs.strip_prefix(h)
        && stores.find(rel).is_some()
    {
        return Origin::Home {
            home: h.to_path_buf(),
            path: rel.to_path_buf(),
        };
    }
    Origin::Workspace {
        root: PathBuf::from("."),
        path: abs.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_files_a_call_names() {
        let stores = crate::stores::Stores::builtin().unwrap();
        let home = Some(Path::new("/h"));
        let ws = Path::new("/h/proj");
        let o = |p: &str| origin_of(Path::new(p), ws, home, &stores);
        assert_eq!(o("/h/proj/.env").to_string(), ".env");
        assert_eq!(o("/h/.aws/credentials").to_string(), "~/.aws/credentials");
        // Under the home directory but no store: located like any other file.
        assert_eq!(o("/h/other/notify.cfg").to_string(), "/h/other/notify.cfg");
        assert_eq!(o("/h/other/notify.cfg").kind(), "workspace");
    }

    #[test]
    fn shell_words_are_what_may_name_files() {
        let w: Vec<&str> =
            shell_words("cat .env | grep -i KEY > out.txt; X=.credgate.toml").collect();
        assert_eq!(
            w,
            ["cat", ".env", "grep", "KEY", "out.txt", ".credgate.toml"]
        );
    }
}
