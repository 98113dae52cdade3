//! `--agent-policy`: for every file holding a credential at or above the level, write the deny
//! rules an agent understands, merged into the existing file, idempotently:
//!
//! - Claude Code: `permissions.deny` entries `Read(./path)` (workspace) and `Read(~/path)` (home)
//!   in `.claude/settings.local.json`; Claude applies Read rules to Grep and Glob too. The same
//!   files go to `sandbox.filesystem.denyRead` (`//abs/path`, `~/path`), which covers the
//!   commands Claude runs in its sandbox.
//! - Cursor: `.cursorignore`; Gemini: `.geminiignore` (Gemini CLI) and `.aiexclude` (Gemini Code
//!   Assist); Copilot: `.aiignore`. These use gitignore syntax and only cover the workspace.
//!
//! These rules are advisory for some agents: a shell command can still `cat` a denied file.
//! The Claude Code hook (`credgate hook claude`) closes that gap for Claude.
//!
//! The workspace may be hostile: a policy file (or `.claude`) that is a symbolic link is neither
//! read nor written through; it is returned in [`Applied::refused`] for the caller to report,
//! and the other agents' files are still written.

use crate::safe_write::{self, Symlink};
use anyhow::{Result, anyhow};
use serde_json::Value;
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

/// What [`apply`] did.
#[derive(Debug, Default)]
pub struct Applied {
    /// The files changed (or, with `dry_run`, that would be).
    pub changes: Vec<Change>,
    /// The files left alone because a symbolic link is on the way to them.
    pub refused: Vec<Symlink>,
    /// Rules not written because, matched as the agent matches them, they would not cover the
    /// file they were made for (`Read(./x)` where `x` has glob characters no escape fixes).
    pub uncovered: Vec<String>,
}

impl Applied {
    /// Keeps a file's change, or its link in `refused`; other errors stop [`apply`].
    fn record(&mut self, r: Result<Option<Change>>) -> Result<()> {
        match r {
            Ok(c) => self.changes.extend(c),
            Err(e) => match e.downcast::<safe_write::Error>() {
                Ok(safe_write::Error::Symlink(s)) => self.refused.push(s),
                Ok(other) => return Err(other.into()),
                Err(e) => return Err(e),
            },
        }
        Ok(())
    }
}

const IGNORE_HEADER: &str = "# Added by credgate --agent-policy: files that hold credentials.";

/// Where the targets are: the workspace, and the home directory `~/` rules name.
#[derive(Clone, Copy)]
pub struct Roots<'a> {
    pub workspace: &'a Path,
    pub home: Option<&'a Path>,
}

impl Roots<'_> {
    /// The file a target names.
    fn file(&self, t: &Target) -> Option<PathBuf> {
        match t {
            Target::Workspace(p) => Some(self.workspace.join(p)),
            Target::Home(p) => self.home.map(|h| h.join(p)),
        }
    }
}

/// Applies the policy for `agents` in `roots.workspace`. Every rule is checked, matched as the
/// agent matches it ([`crate::agent::access`]), to cover the file it is made for before it is
/// written. With `dry_run`, computes the changes and writes nothing. Running it twice changes
/// nothing the second time.
pub fn apply(roots: Roots, agents: &[Agent], targets: &[Target], dry_run: bool) -> Result<Applied> {
    let workspace = roots.workspace;
    let all = agents.contains(&Agent::All);
    let has = |a: Agent| all || agents.contains(&a);
    let mut targets = targets.to_vec();
    targets.sort();
    targets.dedup();
    let mut applied = Applied::default();
    if has(Agent::Claude) {
        let r = claude(roots, &targets, dry_run, &mut applied.uncovered);
        applied.record(r)?;
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
        let r = ignore_file(
            workspace,
            name,
            &workspace_files,
            dry_run,
            &mut applied.uncovered,
        );
        applied.record(r)?;
    }
    Ok(applied)
}

/// The text of `rel` in the workspace, empty when it does not exist; never through a link.
fn read_text(workspace: &Path, rel: &str) -> Result<String> {
    match safe_write::read_in(workspace, Path::new(rel))? {
        Some(b) => String::from_utf8(b).map_err(|_| {
            anyhow!(
                "{}: not UTF-8 text; not changing it",
                workspace.join(rel).display()
            )
        }),
        None => Ok(String::new()),
    }
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

fn ignore_file(
    workspace: &Path,
    name: &str,
    rels: &[&str],
    dry_run: bool,
    uncovered: &mut Vec<String>,
) -> Result<Option<Change>> {
    let file = workspace.join(name);
    let current = read_text(workspace, name)?;
    let present: std::collections::HashSet<&str> = current.lines().map(str::trim).collect();
    let mut added: Vec<String> = Vec::new();
    for r in rels {
        let p = ignore_pattern(r);
        if present.contains(p.as_str()) || added.contains(&p) {
            continue;
        }
        if !crate::agent::access::ignore_line_covers(&p, workspace, &workspace.join(r)) {
            uncovered.push(format!("{name}: {p} would not cover {r}; not written"));
            continue;
        }
        added.push(p);
    }
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
        safe_write::write_in(
            workspace,
            Path::new(name),
            text.as_bytes(),
            safe_write::SHARED,
        )?;
    }
    Ok(Some(Change { file, added }))
}

/// The `Read(...)` rule for a target, glob characters in its path escaped when they would make
/// the plain rule miss the file; `None` when no form of the rule covers it.
fn claude_rule(roots: Roots, t: &Target) -> Option<String> {
    let (prefix, rel) = match t {
        Target::Workspace(p) => ("./", p),
        Target::Home(p) => ("~/", p),
    };
    let file = roots.file(t)?;
    let covers =
        |r: &str| crate::agent::access::claude_rule_covers(r, roots.workspace, roots.home, &file);
    let plain = format!("Read({prefix}{rel})");
    if covers(&plain) {
        return Some(plain);
    }
    let escaped = format!("Read({prefix}{})", &ignore_pattern(rel)[1..]);
    covers(&escaped).then_some(escaped)
}

/// The `sandbox.filesystem.denyRead` entry for a target: `~/path` for the home, `//abs/path`
/// for a workspace file, or `None` when the absolute path does not name that file (a path
/// that does not resolve inside the workspace is not written).
fn sandbox_entry(roots: Roots, t: &Target) -> Option<String> {
    let entry = match t {
        Target::Home(p) => format!("~/{p}"),
        Target::Workspace(p) => {
            let abs = std::fs::canonicalize(roots.workspace.join(p)).ok()?;
            let root = std::fs::canonicalize(roots.workspace).ok()?;
            let text = abs.to_str()?;
            if !(abs.starts_with(&root) && abs.is_file() && text.starts_with('/')) {
                return None;
            }
            format!("/{text}")
        }
    };
    let file = roots.file(t)?;
    crate::agent::access::claude_sandbox_covers(&entry, roots.workspace, roots.home, &file)
        .then_some(entry)
}

const CLAUDE_SETTINGS: &str = ".claude/settings.local.json";

fn claude(
    roots: Roots,
    targets: &[Target],
    dry_run: bool,
    uncovered: &mut Vec<String>,
) -> Result<Option<Change>> {
    let workspace = roots.workspace;
    let file = workspace.join(CLAUDE_SETTINGS);
    let mut added = Vec::new();
    crate::agent::config_file::edit(workspace, Path::new(CLAUDE_SETTINGS), |doc| {
        let deny = crate::agent::config_file::array_at(doc, &["permissions", "deny"])?;
        for t in targets {
            let Some(rule) = claude_rule(roots, t) else {
                uncovered.push(format!(
                    "{CLAUDE_SETTINGS}: no Read rule covers {t:?}; not written"
                ));
                continue;
            };
            if !deny.iter().any(|v| v.as_str() == Some(rule.as_str())) {
                deny.push(Value::String(rule.clone()));
                added.push(rule);
            }
        }
        // The Read rules cover Claude's file tools only; its sandbox's `denyRead` covers the
        // commands it runs (when the user enables the sandbox). Workspace files are named by
        // absolute path (`//abs/path`), checked to be the file the finding is in.
        let deny_read =
            crate::agent::config_file::array_at(doc, &["sandbox", "filesystem", "denyRead"])?;
        for t in targets {
            let Some(entry) = sandbox_entry(roots, t) else {
                continue;
            };
            if !deny_read.iter().any(|v| v.as_str() == Some(entry.as_str())) {
                deny_read.push(Value::String(entry.clone()));
                added.push(format!("sandbox.filesystem.denyRead {entry}"));
            }
        }
        Ok(!added.is_empty() && !dry_run)
    })?;
    Ok((!added.is_empty()).then_some(Change { file, added }))
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
