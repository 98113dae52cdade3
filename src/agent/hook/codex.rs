//! Codex CLI: `PreToolUse` and `PostToolUse` command hooks in `.codex/hooks.json` (the same
//! three levels as Claude Code's: event, matcher group, handlers; timeouts in seconds).
//!
//! Codex names its tools for hooks as Claude Code does: every shell call is `Bash` with
//! `tool_input.command` as one string (no working directory: the session's `cwd` is it), an
//! edit is `apply_patch` with the patch text as `tool_input.command`, MCP tools are
//! `mcp__<server>__<tool>`. Codex reads files through the shell, so `Bash` is where a read is
//! stopped.
//!
//! Codex is strict about answers, and anything it does not accept lets the call through: a
//! denial is `hookSpecificOutput` with exactly `hookEventName`, `permissionDecision: "deny"` and
//! a non-empty `permissionDecisionReason`; after a call, `decision: "block"` with a reason
//! replaces the tool's result with the reason. Allowing is exit 0 with nothing on stdout. A hook
//! Codex has not been told to trust (in `/hooks`) does not run at all, which `hook install` says.

use super::{Action, Answer, Call, Phase, Verdict};
use crate::agent::config_file;
use anyhow::Result;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Reads a `PreToolUse` or `PostToolUse` event.
pub fn parse(event: &Value) -> Result<Call> {
    let cwd = super::cwd_of(event);
    let tool = event["tool_name"].as_str().unwrap_or("tool");
    let command = event["tool_input"]["command"].as_str().unwrap_or("");
    let action = match tool {
        "Bash" if !command.is_empty() => Action::Shell(command.to_string()),
        t if t.starts_with("mcp__") => Action::Sends {
            to: "the MCP server",
            input: event["tool_input"].clone(),
        },
        _ => Action::Other,
    };
    let phase = match event["hook_event_name"].as_str() {
        Some("PostToolUse") => Phase::After,
        _ => Phase::Before,
    };
    let mut call = Call::new(phase, tool, cwd, action);
    if tool == "apply_patch" {
        call.writes = patched_files(command);
    }
    if phase == Phase::After {
        call.output = Some(event["tool_response"].clone());
    }
    Ok(call)
}

/// The files a patch in Codex's format adds, changes, deletes or moves to.
fn patched_files(patch: &str) -> Vec<PathBuf> {
    patch
        .lines()
        .filter_map(|l| {
            [
                "*** Add File: ",
                "*** Update File: ",
                "*** Delete File: ",
                "*** Move to: ",
            ]
            .iter()
            .find_map(|p| l.strip_prefix(p))
        })
        .map(|p| PathBuf::from(p.trim()))
        .collect()
}

/// Codex's answer (see the module's documentation).
pub fn answer(call: &Call, verdict: &Verdict) -> Answer {
    let Verdict::Deny(reason) = verdict else {
        return Answer::default();
    };
    let out = match call.phase {
        Phase::Before => return super::pre_tool_use_denial(reason),
        Phase::After => json!({"decision": "block", "reason": reason}),
    };
    Answer {
        stdout: format!("{out}\n"),
        stderr: String::new(),
        exit: 0,
    }
}

const HOOKS: &str = ".codex/hooks.json";

/// Adds the hook to `.codex/hooks.json`, before and after `Bash`, `apply_patch` and MCP tools.
/// Codex runs a project's hooks only when the project is trusted, and each hook only once the
/// user has trusted it in `/hooks`.
pub fn install(workspace: &Path, command: &str) -> Result<(PathBuf, bool)> {
    let entry = |matcher: &str| {
        json!({
            "matcher": matcher,
            "hooks": [{"type": "command", "command": command, "timeout": 30}]
        })
    };
    config_file::install_hooks(
        workspace,
        HOOKS,
        "codex",
        &[],
        &[
            ("PreToolUse", entry("^(Bash|apply_patch)$|^mcp__")),
            ("PostToolUse", entry("^Bash$|^mcp__")),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_calls() {
        let bash = parse(&json!({"hook_event_name": "PreToolUse", "cwd": "/w", "tool_name": "Bash", "tool_input": {"command": "rg token"}})).unwrap();
        assert_eq!(bash.action, Action::Shell("rg token".into()));
        assert_eq!(bash.cwd, PathBuf::from("/w"));
        let patch = parse(&json!({"hook_event_name": "PreToolUse", "cwd": "/w", "tool_name": "apply_patch",
            "tool_input": {"command": "*** Begin Patch\n*** Update File: .credgate.toml\n@@\n-x\n+y\n*** End Patch\n"}})).unwrap();
        assert_eq!(patch.writes, [PathBuf::from(".credgate.toml")]);
        let post = parse(&json!({"hook_event_name": "PostToolUse", "cwd": "/w", "tool_name": "Bash", "tool_input": {"command": "./x"}, "tool_response": "out"})).unwrap();
        assert_eq!(post.phase, Phase::After);
        assert_eq!(post.output, Some(json!("out")));
    }

    #[test]
    fn a_denial_has_exactly_the_fields_codex_accepts() {
        let call = Call::new(Phase::Before, "Bash", PathBuf::from("/"), Action::Other);
        assert_eq!(answer(&call, &Verdict::Allow), Answer::default());
        let v: Value =
            serde_json::from_str(&answer(&call, &Verdict::Deny("r".into())).stdout).unwrap();
        assert_eq!(
            v,
            json!({"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision": "deny", "permissionDecisionReason": "r"}})
        );
        let after = Call::new(Phase::After, "Bash", PathBuf::from("/"), Action::Other);
        let v: Value =
            serde_json::from_str(&answer(&after, &Verdict::Deny("r".into())).stdout).unwrap();
        assert_eq!(v, json!({"decision": "block", "reason": "r"}));
    }
}
