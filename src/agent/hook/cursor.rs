//! Cursor: command hooks in `.cursor/hooks.json` (`"version": 1`).
//!
//! Events: `beforeReadFile` (`file_path`, `attachments`), `beforeShellExecution` (`command`,
//! `cwd`), `beforeMCPExecution` (`tool_name`, `tool_input` as a JSON string), `preToolUse`
//! (`tool_name` `Read`, `Shell`, `Grep`, `Write`, `MCP:<tool>`…, with `tool_input`), and
//! `postToolUse` after a tool ran (`tool_output`, a JSON string). Every event carries
//! `hook_event_name` and `workspace_roots`; `cwd` may be empty.
//!
//! The answer is flat JSON on stdout, exit 0: `{"permission": "deny", "user_message": …,
//! "agent_message": …}` with the reason in both (Cursor has been seen to show the model the
//! first), `{"permission": "allow"}` otherwise: the hook is installed with `"failClosed": true`,
//! so that a crash or a timeout blocks instead of letting the call through, and with it an
//! empty answer blocks too. After a tool ran, Cursor can only replace an MCP tool's output
//! (`updated_mcp_tool_output`); for the others the reason is added for the agent
//! (`additional_context`).

use super::{Action, Answer, Call, Phase, Verdict, resolve};
use crate::agent::config_file;
use anyhow::Result;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Reads one of the events above.
pub fn parse(event: &Value) -> Result<Call> {
    let cwd = super::cwd_of(event);
    let name = event["hook_event_name"].as_str().unwrap_or("");
    let str_of = |v: &Value, k: &str| v[k].as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let (phase, tool, action) = match name {
        "beforeReadFile" | "beforeTabFileRead" => (
            Phase::Before,
            "Read".to_string(),
            Action::Files(
                str_of(event, "file_path")
                    .into_iter()
                    .chain(
                        event["attachments"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|a| str_of(a, "file_path")),
                    )
                    .map(|p| resolve(&cwd, &p))
                    .collect(),
            ),
        ),
        "beforeShellExecution" => (
            Phase::Before,
            "Shell".to_string(),
            str_of(event, "command").map_or(Action::Other, Action::Shell),
        ),
        "beforeMCPExecution" => (
            Phase::Before,
            format!("MCP:{}", event["tool_name"].as_str().unwrap_or("tool")),
            Action::Sends {
                to: "the MCP server",
                input: mcp_input(&event["tool_input"]),
            },
        ),
        "preToolUse" | "postToolUse" => {
            let phase = if name == "postToolUse" {
                Phase::After
            } else {
                Phase::Before
            };
            let tool = event["tool_name"].as_str().unwrap_or("tool").to_string();
            let input = &event["tool_input"];
            let action = tool_action(&tool, input, &cwd);
            (phase, tool, action)
        }
        other => anyhow::bail!("hook cursor: event {other:?} is not one credgate answers"),
    };
    let mut call = Call::new(phase, &tool, cwd, action);
    if phase == Phase::After {
        call.output = Some(mcp_input(&event["tool_output"]));
    }
    if let Action::Files(_) = &call.action
        && matches!(
            call.tool.as_str(),
            "Write" | "Edit" | "StrReplace" | "Delete"
        )
        && let Some(p) =
            str_of(&event["tool_input"], "file_path").or(str_of(&event["tool_input"], "path"))
    {
        call.writes.push(PathBuf::from(p));
    }
    Ok(call)
}

/// A value Cursor may send as a JSON string (an MCP tool's input, a tool's output): parsed when
/// it is one, else as it is.
fn mcp_input(v: &Value) -> Value {
    match v.as_str().and_then(|s| serde_json::from_str(s).ok()) {
        Some(parsed) => parsed,
        None => v.clone(),
    }
}

/// `preToolUse`'s tool names and their inputs.
fn tool_action(tool: &str, input: &Value, cwd: &Path) -> Action {
    let field = |k: &str| input[k].as_str().filter(|s| !s.is_empty());
    let path = || {
        field("file_path")
            .or(field("path"))
            .or(field("target_file"))
    };
    match tool {
        "Read" | "Write" | "Edit" | "StrReplace" | "Delete" => {
            Action::Files(path().map(|p| resolve(cwd, p)).into_iter().collect())
        }
        "Grep" | "Glob" | "LS" | "Search" | "List" => Action::Files(vec![
            path().map_or_else(|| cwd.to_path_buf(), |p| resolve(cwd, p)),
        ]),
        "Shell" | "Terminal" => field("command").map_or(Action::Other, |c| Action::Shell(c.into())),
        t if t.starts_with("MCP:") => Action::Sends {
            to: "the MCP server",
            input: mcp_input(input),
        },
        _ => Action::Other,
    }
}

/// Cursor's answer (see the module's documentation).
pub fn answer(call: &Call, verdict: &Verdict) -> Answer {
    let out = match (call.phase, verdict) {
        (Phase::Before, Verdict::Allow) => json!({"permission": "allow"}),
        (Phase::Before, Verdict::Deny(reason)) => json!({
            "permission": "deny",
            "user_message": reason,
            "agent_message": reason,
        }),
        (Phase::After, Verdict::Allow) => json!({}),
        (Phase::After, Verdict::Deny(reason)) => {
            let mut out = json!({"additional_context": reason});
            if call.tool.starts_with("MCP:") {
                out["updated_mcp_tool_output"] = json!(format!("[withheld by credgate] {reason}"));
            }
            out
        }
    };
    Answer {
        stdout: format!("{out}\n"),
        stderr: String::new(),
        exit: 0,
    }
}

const HOOKS: &str = ".cursor/hooks.json";

/// The events the hook is installed for.
const EVENTS: &[&str] = &[
    "beforeReadFile",
    "beforeShellExecution",
    "beforeMCPExecution",
    "preToolUse",
    "postToolUse",
];

/// Adds the hook to `.cursor/hooks.json` for every event in [`EVENTS`], once each, with
/// `failClosed: true`.
pub fn install(workspace: &Path, command: &str) -> Result<(PathBuf, bool)> {
    let entry = json!({"command": command, "failClosed": true});
    let entries: Vec<(&str, Value)> = EVENTS.iter().map(|e| (*e, entry.clone())).collect();
    config_file::install_hooks(
        workspace,
        HOOKS,
        "cursor",
        &[("version", json!(1))],
        &entries,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_calls() {
        let shell = parse(&json!({"hook_event_name": "beforeShellExecution", "command": "cat .env", "cwd": "/w", "workspace_roots": ["/w"]})).unwrap();
        assert_eq!(shell.action, Action::Shell("cat .env".into()));
        let read = parse(&json!({"hook_event_name": "beforeReadFile", "file_path": "/w/.env", "content": "", "workspace_roots": ["/w"]})).unwrap();
        assert_eq!(read.action, Action::Files(vec![PathBuf::from("/w/.env")]));
        assert_eq!(read.cwd, PathBuf::from("/w"));
        let mcp = parse(&json!({"hook_event_name": "beforeMCPExecution", "tool_name": "q", "tool_input": "{\"sql\": \"x\"}", "workspace_roots": ["/w"]})).unwrap();
        assert_eq!(
            mcp.action,
            Action::Sends {
                to: "the MCP server",
                input: json!({"sql": "x"})
            }
        );
        assert!(parse(&json!({"hook_event_name": "nope"})).is_err());
        let grep = parse(&json!({"hook_event_name": "preToolUse", "tool_name": "Grep", "cwd": "", "workspace_roots": ["/w"], "tool_input": {"pattern": "k", "file_path": "/w/src"}})).unwrap();
        assert_eq!(grep.action, Action::Files(vec![PathBuf::from("/w/src")]));
        let post = parse(&json!({"hook_event_name": "postToolUse", "tool_name": "Shell", "workspace_roots": ["/w"], "tool_input": {"command": "./x"}, "tool_output": "{\"output\":\"hi\",\"exitCode\":0}"})).unwrap();
        assert_eq!(post.output, Some(json!({"output": "hi", "exitCode": 0})));
    }

    #[test]
    fn a_denial_says_why_to_both() {
        let call = Call::new(Phase::Before, "Shell", PathBuf::from("/"), Action::Other);
        let v: Value =
            serde_json::from_str(&answer(&call, &Verdict::Deny("blocked\nmore".into())).stdout)
                .unwrap();
        assert_eq!(
            v,
            json!({"permission": "deny", "user_message": "blocked\nmore", "agent_message": "blocked\nmore"})
        );
        let allow: Value = serde_json::from_str(&answer(&call, &Verdict::Allow).stdout).unwrap();
        assert_eq!(allow, json!({"permission": "allow"}));
        let mut post = Call::new(Phase::After, "MCP:query", PathBuf::from("/"), Action::Other);
        post.output = Some(json!({"rows": "x"}));
        let v: Value =
            serde_json::from_str(&answer(&post, &Verdict::Deny("r".into())).stdout).unwrap();
        assert_eq!(v["additional_context"], "r");
        assert!(
            v["updated_mcp_tool_output"]
                .as_str()
                .unwrap()
                .contains("withheld")
        );
    }
}
