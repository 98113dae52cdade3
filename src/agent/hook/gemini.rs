//! Gemini CLI: `BeforeTool` and `AfterTool` command hooks in `.gemini/settings.json` (timeouts
//! in milliseconds; matchers are unanchored regular expressions, so ours are anchored).
//!
//! Tools and the inputs that name what they read: `read_file` (`file_path`, `absolute_path`
//! before 0.14), `read_many_files` (`include`, paths or globs), `grep_search` (was
//! `search_file_content`), `glob` and `list_directory` (`dir_path`), `run_shell_command`
//! (`command`, `dir_path` relative to the project), `write_file` and `replace` (`file_path`);
//! MCP tools are `mcp_<server>_<tool>`.
//!
//! A call is stopped with exit 0 and `{"decision": "deny", "reason": …}`; the model reads "Tool
//! execution blocked: REASON". After a tool ran, the same answer replaces its result with the
//! reason. Gemini CLI loads a project's hooks only in a folder the user trusts.

use super::{Action, Answer, Call, Phase, Verdict, resolve};
use crate::agent::config_file;
use anyhow::Result;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Reads a `BeforeTool` or `AfterTool` event.
pub fn parse(event: &Value) -> Result<Call> {
    let cwd = super::cwd_of(event);
    let tool = event["tool_name"].as_str().unwrap_or("tool");
    let input = &event["tool_input"];
    let field = |k: &str| input[k].as_str().filter(|s| !s.is_empty());
    let dir = || field("dir_path").map_or_else(|| cwd.clone(), |d| resolve(&cwd, d));
    let action = match tool {
        "read_file" | "write_file" | "replace" => Action::Files(
            field("file_path")
                .or(field("absolute_path"))
                .map(|p| resolve(&cwd, p))
                .into_iter()
                .collect(),
        ),
        "read_many_files" => Action::Files(
            input["include"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(input["paths"].as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .map(|p| resolve(&cwd, glob_base(p)))
                .collect(),
        ),
        "grep_search" | "search_file_content" | "glob" | "list_directory" => {
            Action::Files(vec![dir()])
        }
        "run_shell_command" => field("command").map_or(Action::Other, |c| Action::Shell(c.into())),
        t if t.starts_with("mcp_") => Action::Sends {
            to: "the MCP server",
            input: input.clone(),
        },
        _ => Action::Other,
    };
    let phase = match event["hook_event_name"].as_str() {
        Some("AfterTool") => Phase::After,
        _ => Phase::Before,
    };
    // A shell command runs in its `dir_path`, below the project.
    let mut call = Call::new(phase, tool, cwd.clone(), action);
    if tool == "run_shell_command" {
        call.cwd = dir();
    }
    if matches!(tool, "write_file" | "replace")
        && let Some(p) = field("file_path")
    {
        call.writes.push(PathBuf::from(p));
    }
    if phase == Phase::After {
        call.output = Some(event["tool_response"].clone());
    }
    Ok(call)
}

/// The part of a path or glob before its first wildcard, as a directory to scan (`src/**/*.ts`
/// is `src/`; `*.md` is the project).
fn glob_base(p: &str) -> &str {
    match p.find(['*', '?', '[', '{']) {
        None => p,
        Some(i) => match p[..i].rfind('/') {
            Some(j) => &p[..=j],
            None => ".",
        },
    }
}

/// Gemini CLI's answer: nothing to allow; a `deny` decision with the reason, before or after.
pub fn answer(_call: &Call, verdict: &Verdict) -> Answer {
    let Verdict::Deny(reason) = verdict else {
        return Answer::default();
    };
    Answer {
        stdout: format!("{}\n", json!({"decision": "deny", "reason": reason})),
        stderr: String::new(),
        exit: 0,
    }
}

const SETTINGS: &str = ".gemini/settings.json";

/// The tools the hook sees before they run.
const BEFORE: &str = "^(read_file|read_many_files|grep_search|search_file_content|glob|list_directory|run_shell_command|write_file|replace)$|^mcp_";

/// The tools whose output it reads after they ran.
const AFTER: &str = "^(run_shell_command|web_fetch)$|^mcp_";

/// Adds the hook to `.gemini/settings.json` under `hooks.BeforeTool` and `hooks.AfterTool`.
pub fn install(workspace: &Path, command: &str) -> Result<(PathBuf, bool)> {
    let entry = |matcher: &str| {
        json!({
            "matcher": matcher,
            "hooks": [{"name": "credgate", "type": "command", "command": command, "timeout": 10000}]
        })
    };
    config_file::install_hooks(
        workspace,
        SETTINGS,
        "gemini",
        &[],
        &[("BeforeTool", entry(BEFORE)), ("AfterTool", entry(AFTER))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_calls() {
        let ev = |tool: &str, input: Value| {
            parse(&json!({"hook_event_name": "BeforeTool", "cwd": "/w", "tool_name": tool, "tool_input": input})).unwrap()
        };
        assert_eq!(
            ev("read_file", json!({"file_path": ".env"})).action,
            Action::Files(vec![PathBuf::from("/w/.env")])
        );
        assert_eq!(
            ev("read_file", json!({"absolute_path": "/w/.env"})).action,
            Action::Files(vec![PathBuf::from("/w/.env")])
        );
        assert_eq!(
            ev(
                "read_many_files",
                json!({"include": ["src/**/*.ts", "*.md", ".env"]})
            )
            .action,
            Action::Files(vec![
                PathBuf::from("/w/src/"),
                PathBuf::from("/w/."),
                PathBuf::from("/w/.env")
            ])
        );
        assert_eq!(
            ev("grep_search", json!({"pattern": "k"})).action,
            Action::Files(vec![PathBuf::from("/w")])
        );
        let sh = ev(
            "run_shell_command",
            json!({"command": "cat .env", "dir_path": "app"}),
        );
        assert_eq!(sh.action, Action::Shell("cat .env".into()));
        assert_eq!(sh.cwd, PathBuf::from("/w/app"));
        assert!(matches!(
            ev("mcp_db_query", json!({"sql": "x"})).action,
            Action::Sends { .. }
        ));
        assert_eq!(
            ev(
                "write_file",
                json!({"file_path": ".credgate.toml", "content": ""})
            )
            .writes,
            [PathBuf::from(".credgate.toml")]
        );
    }

    #[test]
    fn a_denial_is_a_decision() {
        let call = Call::new(
            Phase::Before,
            "read_file",
            PathBuf::from("/"),
            Action::Other,
        );
        assert_eq!(answer(&call, &Verdict::Allow), Answer::default());
        let v: Value =
            serde_json::from_str(&answer(&call, &Verdict::Deny("r".into())).stdout).unwrap();
        assert_eq!(v, json!({"decision": "deny", "reason": "r"}));
    }
}
