//! `--agent-policy`: for every file holding a credential at or above the level, write the deny
//! rules an agent understands, merged into the existing file, idempotently:
//!
//! - Claude Code: `permissions.deny` entries `Read(./path)` (workspace) and `Read(~/path)` (home)
//!   in `.claude/settings.local.json`; Claude applies Read rules to Grep and Glob too.
//! - Cursor: `.cursorignore`; Gemini: `.geminiignore` (Gemini CLI) and `.aiexclude` (Gemini Code
//!   Assist); Copilot: `.aiignore`. These use gitignore syntax and only cover the workspace.
//!
//! These rules are advisory for some agents: a shell command can still `cat` a denied file.
//! The Claude Code hook (`credgate hook claude`) closes that gap for Claude.

use anyhow::{Context, Result, anyhow};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Agent {
    Claude,
    Cursor,
    Gemini,
    Copilot,
    All,
}

crate::model::names!(Agent { Claude => "claude", Cursor => "cursor", Gemini => "gemini",
    Copilot => "copilot", All => "all" });

/// A file that holds a credential: relative to the workspace, or under the home directory.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Workspace(String),
    Home(String),
}

/// One file the policy writes, and the entries it adds.
#[derive(Debug, PartialEq, Eq)]
pub struct Change {
    pub file: PathBuf,
    pub added: Vec<String>,
}

const IGNORE_HEADER: &str = "# Added by credgate --agent-policy: files that hold credentials.";

/// Applies the policy for `agents` in `workspace`. With `dry_run`, computes the changes and
/// writes nothing. Running it twice changes nothing the second time.
pub fn apply(
    workspace: &Path,
    agents: &[Agent],
    targets: &[Target],
    dry_run: bool,
) -> Result<Vec<Change>> {
    let all = agents.contains(&Agent::All);
    let has = |a: Agent| all || agents.contains(&a);
    let mut targets = targets.to_vec();
    targets.sort();
    targets.dedup();
    let mut changes = Vec::new();
    if has(Agent::Claude) {
        changes.extend(claude(workspace, &targets, dry_run)?);
    }
    let workspace_files: Vec<&str> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Workspace(p) => Some(p.as_str()),
            Target::Home(_) => None,
        })
        .collect();
    let mut ignore_files = Vec::new();
    if has(Agent::Cursor) {
        ignore_files.push(".cursorignore");
    }
    if has(Agent::Gemini) {
        ignore_files.extend([".geminiignore", ".aiexclude"]);
    }
    if has(Agent::Copilot) {
        ignore_files.push(".aiignore");
    }
    for name in ignore_files {
        changes.extend(ignore_file(
            &workspace.join(name),
            &workspace_files,
            dry_run,
        )?);
    }
    Ok(changes)
}

/// `/path` anchors a gitignore pattern at the file's directory; special characters are escaped.
fn ignore_pattern(rel: &str) -> String {
    let mut out = String::from("/");
    for c in rel.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '!' | '#' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn ignore_file(file: &Path, rels: &[&str], dry_run: bool) -> Result<Option<Change>> {
    let current = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(anyhow!("{}: cannot read: {e}", file.display())),
    };
    let present: std::collections::HashSet<&str> = current.lines().map(str::trim).collect();
    let added: Vec<String> = rels
        .iter()
        .map(|r| ignore_pattern(r))
        .filter(|p| !present.contains(p.as_str()))
        .collect();
    if added.is_empty() {
        return Ok(None);
    }
    if !dry_run {
        let mut text = current.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if !present.contains(IGNORE_HEADER) {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(IGNORE_HEADER);
            text.push('\n');
        }
        for a in &added {
            text.push_str(a);
            text.push('\n');
        }
        std::fs::write(file, text).with_context(|| format!("{}: cannot write", file.display()))?;
    }
    Ok(Some(Change {
        file: file.to_path_buf(),
        added,
    }))
}

fn claude_rule(t: &Target) -> String {
    match t {
        Target::Workspace(p) => format!("Read(./{p})"),
        Target::Home(p) => format!("Read(~/{p})"),
    }
}

fn claude(workspace: &Path, targets: &[Target], dry_run: bool) -> Result<Option<Change>> {
    let file = workspace.join(".claude/settings.local.json");
    let mut doc: Value = match std::fs::read_to_string(&file) {
        Ok(t) if t.trim().is_empty() => Value::Object(Map::new()),
        Ok(t) => serde_json::from_str(&t)
            .map_err(|e| anyhow!("{}: not valid JSON ({e}); not changing it", file.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Value::Object(Map::new()),
        Err(e) => return Err(anyhow!("{}: cannot read: {e}", file.display())),
    };
    let root = doc
        .as_object_mut()
        .ok_or_else(|| anyhow!("{}: not a JSON object; not changing it", file.display()))?;
    let perms = root
        .entry("permissions")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| anyhow!("{}: permissions is not an object", file.display()))?;
    let deny = perms
        .entry("deny")
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| anyhow!("{}: permissions.deny is not an array", file.display()))?;
    let mut added = Vec::new();
    for t in targets {
        let rule = claude_rule(t);
        if !deny.iter().any(|v| v.as_str() == Some(rule.as_str())) {
            deny.push(Value::String(rule.clone()));
            added.push(rule);
        }
    }
    if added.is_empty() {
        return Ok(None);
    }
    if !dry_run {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut text = serde_json::to_string_pretty(&doc)?;
        text.push('\n');
        std::fs::write(&file, text).with_context(|| format!("{}: cannot write", file.display()))?;
    }
    Ok(Some(Change { file, added }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_anchored_and_escaped() {
        assert_eq!(ignore_pattern(".env"), "/.env");
        assert_eq!(ignore_pattern("a/[x]*.txt"), "/a/\\[x\\]\\*.txt");
    }
}
