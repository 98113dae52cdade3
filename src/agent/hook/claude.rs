//! Claude Code: `PreToolUse` and `PostToolUse` command hooks in `.claude/settings.json`.
//!
//! The event on stdin has `tool_name`, `tool_input` and `cwd` (and, after the call,
//! `tool_response`). File tools name a `file_path` (`notebook_path` for notebooks), searches a
//! `path`, `Bash` a `command`; MCP tools are `mcp__<server>__<tool>`; a subagent is started by
//! `Agent` (called `Task` before Claude Code 2.1.63), whose prompt goes to the subagent.
//!
//! A call is stopped with exit 0 and `hookSpecificOutput.permissionDecision: "deny"` with the
//! reason, which Claude Code shows the model. After a call, the tool's output is replaced
//! (`updatedToolOutput`, Claude Code 2.1.121 and later, in the tool's own shape; the older
//! `updatedMCPToolOutput` too for MCP tools), so it never reaches the model, and `decision:
//! "block"` with the reason tells the model why.

use super::{Action, Answer, Call, Phase, Verdict, resolve};
use crate::agent::config_file;
use anyhow::Result;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Reads a `PreToolUse` or `PostToolUse` event.
pub fn parse(event: &Value) -> Result<Call> {
    let cwd = super::cwd_of(event);
    let tool = event["tool_name"].as_str().unwrap_or("");
    let input = &event["tool_input"];
    let field = |k: &str| input[k].as_str().filter(|s| !s.is_empty());
    let action = match tool {
        "Read" | "Edit" | "MultiEdit" | "Write" => Action::Files(
            field("file_path")
                .map(|p| resolve(&cwd, p))
                .into_iter()
                .collect(),
        ),
        "NotebookRead" | "NotebookEdit" => Action::Files(
            field("notebook_path")
                .map(|p| resolve(&cwd, p))
                .into_iter()
                .collect(),
        ),
        "Grep" | "Glob" | "LS" => Action::Files(vec![
            field("path").map_or_else(|| cwd.clone(), |p| resolve(&cwd, p)),
        ]),
        "Bash" => field("command").map_or(Action::Other, |c| Action::Shell(c.to_string())),
        "Agent" | "Task" => Action::Sends {
            to: "the subagent",
            input: input.clone(),
        },
        t if t.starts_with("mcp__") => Action::Sends {
            to: "the MCP server",
            input: input.clone(),
        },
        _ => Action::Other,
    };
    let phase = match event["hook_event_name"].as_str() {
        Some("PostToolUse") => Phase::After,
        _ => Phase::Before,
    };
    let mut call = Call::new(
        phase,
        if tool.is_empty() { "tool" } else { tool },
        cwd,
        action,
    );
    if matches!(tool, "Write" | "Edit" | "MultiEdit" | "NotebookEdit") {
        call.writes = ["file_path", "notebook_path"]
            .iter()
            .filter_map(|k| input[*k].as_str())
            .map(PathBuf::from)
            .collect();
    }
    if phase == Phase::After {
        call.output = Some(event["tool_response"].clone());
    }
    Ok(call)
}

/// The answer Claude Code reads: nothing to allow; before a call, a `deny` decision with the
/// reason; after it, a `block` decision with the reason, and for an MCP tool its output
/// replaced.
pub fn answer(call: &Call, verdict: &Verdict) -> Answer {
    let Verdict::Deny(reason) = verdict else {
        return Answer::default();
    };
    let out = match call.phase {
        Phase::Before => return super::pre_tool_use_denial(reason),
        Phase::After => {
            let replacement = withheld(call.output.as_ref().unwrap_or(&Value::Null), reason);
            let mut specific = json!({
                "hookEventName": "PostToolUse",
                "updatedToolOutput": replacement,
            });
            if call.tool.starts_with("mcp__") {
                // The older, MCP-only spelling, for Claude Code before 2.1.121.
                specific["updatedMCPToolOutput"] = replacement;
            }
            json!({"decision": "block", "reason": reason, "hookSpecificOutput": specific})
        }
    };
    Answer {
        stdout: format!("{out}\n"),
        stderr: String::new(),
        exit: 0,
    }
}

/// The tool's output with its text replaced by `reason`, in the tool's own shape (Claude Code
/// keeps the original when the replacement has another shape): a string becomes the reason; an
/// object keeps its keys, its first text field (`stdout`, `content`, `text`, else the first
/// string) says the reason and every other string is emptied; `persistedOutputPath` goes, or
/// the copy saved there would be shown instead; an MCP result's `content` becomes one text
/// part.
fn withheld(output: &Value, reason: &str) -> Value {
    let text = format!("[withheld by credgate] {reason}");
    match output {
        Value::Object(o) => {
            let mut o = o.clone();
            o.remove("persistedOutputPath");
            let main = ["stdout", "content", "text", "output"]
                .into_iter()
                .find(|k| o.get(*k).is_some_and(Value::is_string))
                .map(str::to_string)
                .or_else(|| {
                    o.iter()
                        .find(|(_, v)| v.is_string())
                        .map(|(k, _)| k.clone())
                });
            for (k, v) in o.iter_mut() {
                if Some(k) == main.as_ref() {
                    *v = json!(text);
                } else if v.is_string() {
                    *v = json!("");
                } else if k == "content" && v.is_array() {
                    *v = json!([{"type": "text", "text": text}]);
                } else if v.is_object() || v.is_array() {
                    *v = withheld(v, reason);
                }
            }
            Value::Object(o)
        }
        Value::Array(_) => json!([{"type": "text", "text": text}]),
        _ => json!(text),
    }
}

/// The tools whose calls the hook sees before they run: every file tool, the shell, subagents
/// and MCP tools (anchored, since Claude Code reads a matcher with `^`, `(` or `.` as a regex).
const PRE_MATCHER: &str =
    "^(Read|Write|Edit|MultiEdit|Grep|Glob|LS|Bash|NotebookRead|NotebookEdit|Agent|Task)$|^mcp__";

/// The tools whose output it reads after they ran: those whose output nothing before the call
/// could foresee.
const POST_MATCHER: &str = "^(Bash|WebFetch)$|^mcp__";

/// The `settings.json` entries that run the hook.
pub fn settings_entry(matcher: &str, command: &str) -> Value {
    json!({
        "matcher": matcher,
        "hooks": [{ "type": "command", "command": command }]
    })
}

const SETTINGS: &str = ".claude/settings.json";

/// Adds the hook to `.claude/settings.json` under `hooks.PreToolUse` and `hooks.PostToolUse`,
/// once each, keeping everything else in the file.
pub fn install(workspace: &Path, command: &str) -> Result<(PathBuf, bool)> {
    config_file::install_hooks(
        workspace,
        SETTINGS,
        "claude",
        &[],
        &[
            ("PreToolUse", settings_entry(PRE_MATCHER, command)),
            ("PostToolUse", settings_entry(POST_MATCHER, command)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(v: Value) -> Call {
        parse(&v).unwrap()
    }

    #[test]
    fn calls_from_events() {
        let d = tempfile::tempdir().unwrap();
        let cwd = d.path().to_str().unwrap();
        let read =
            parsed(json!({"tool_name": "Read", "cwd": cwd, "tool_input": {"file_path": ".env"}}));
        assert_eq!(read.action, Action::Files(vec![d.path().join(".env")]));
        let grep =
            parsed(json!({"tool_name": "Grep", "cwd": cwd, "tool_input": {"pattern": "KEY"}}));
        assert_eq!(grep.action, Action::Files(vec![d.path().to_path_buf()]));
        let bash =
            parsed(json!({"tool_name": "Bash", "cwd": cwd, "tool_input": {"command": "cat .env"}}));
        assert_eq!(bash.action, Action::Shell("cat .env".into()));
        let mcp = parsed(
            json!({"tool_name": "mcp__github__create_issue", "cwd": cwd, "tool_input": {"body": "x"}}),
        );
        assert!(matches!(
            mcp.action,
            Action::Sends {
                to: "the MCP server",
                ..
            }
        ));
        for t in ["Agent", "Task"] {
            let a = parsed(json!({"tool_name": t, "cwd": cwd, "tool_input": {"prompt": "x"}}));
            assert!(
                matches!(
                    a.action,
                    Action::Sends {
                        to: "the subagent",
                        ..
                    }
                ),
                "{t}"
            );
        }
        let other = parsed(
            json!({"tool_name": "WebFetch", "cwd": cwd, "tool_input": {"url": "https://x"}}),
        );
        assert_eq!(other.action, Action::Other);
        let write = parsed(
            json!({"tool_name": "Write", "cwd": cwd, "tool_input": {"file_path": ".credgate.toml", "content": ""}}),
        );
        assert_eq!(write.writes, [PathBuf::from(".credgate.toml")]);
        let post = parsed(
            json!({"hook_event_name": "PostToolUse", "tool_name": "Bash", "cwd": cwd,
            "tool_input": {"command": "./x"}, "tool_response": {"stdout": "out", "stderr": "err"}}),
        );
        assert_eq!(post.phase, Phase::After);
        assert_eq!(post.output, Some(json!({"stdout": "out", "stderr": "err"})));
    }

    #[test]
    fn denials_are_in_the_documented_shape() {
        let call = Call::new(Phase::Before, "Read", PathBuf::from("/"), Action::Other);
        assert_eq!(answer(&call, &Verdict::Allow), Answer::default());
        let a = answer(&call, &Verdict::Deny("no".into()));
        let v: Value = serde_json::from_str(&a.stdout).unwrap();
        assert_eq!(v["hookSpecificOutput"]["permissionDecision"], "deny");
        assert_eq!(v["hookSpecificOutput"]["permissionDecisionReason"], "no");
        assert_eq!(a.exit, 0);
        let mcp = Call::new(
            Phase::After,
            "mcp__db__query",
            PathBuf::from("/"),
            Action::Other,
        );
        let v: Value =
            serde_json::from_str(&answer(&mcp, &Verdict::Deny("no".into())).stdout).unwrap();
        assert_eq!(v["decision"], "block");
        assert!(
            v["hookSpecificOutput"]["updatedMCPToolOutput"]
                .as_str()
                .unwrap()
                .contains("withheld")
        );
        let mut bash = Call::new(Phase::After, "Bash", PathBuf::from("/"), Action::Other);
        bash.output = Some(
            json!({"stdout": "TOKEN=x", "stderr": "warn", "interrupted": false, "persistedOutputPath": "/tmp/o"}),
        );
        let v: Value =
            serde_json::from_str(&answer(&bash, &Verdict::Deny("no".into())).stdout).unwrap();
        let out = &v["hookSpecificOutput"]["updatedToolOutput"];
        assert_eq!(out["stdout"], "[withheld by credgate] no");
        assert_eq!(out["stderr"], "");
        assert_eq!(out["interrupted"], false);
        assert!(out.get("persistedOutputPath").is_none());
    }
}
