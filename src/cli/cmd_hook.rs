//! `credgate hook`: the Claude Code `PreToolUse` hook, and the git pre-commit hook's install and
//! uninstall.

use super::args::ScanOptionsArgs;
use super::settings::{self, Reaches, WalkFlags};
use super::{EXIT_CLEAN, EXIT_ERROR};
use crate::model::Risk;
use std::path::{Path, PathBuf};

/// Runs as the hook: the tool call on stdin, exit 2 with the reason on stderr to block it. The
/// workspace is the call's working directory, and its `.credgate.toml` applies as it does to
/// `scan` and `guard`.
pub fn claude(
    fail_on: Option<Risk>,
    install: bool,
    options: &ScanOptionsArgs,
) -> anyhow::Result<u8> {
    if install {
        let changed = crate::agent::claude_hook::install(Path::new("."))?;
        eprintln!(
            "credgate: {}",
            if changed {
                "added the PreToolUse hook to .claude/settings.json"
            } else {
                ".claude/settings.json already runs the hook"
            }
        );
        return Ok(EXIT_CLEAN);
    }
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)?;
    let event: serde_json::Value = serde_json::from_str(&input)
        .map_err(|e| anyhow::anyhow!("hook claude: the event on stdin is not JSON: {e}"))?;
    let workspace = event["cwd"]
        .as_str()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut prepared = settings::prepare(
        options,
        std::slice::from_ref(&workspace),
        &workspace,
        WalkFlags {
            respect_gitignore: false,
            follow: false,
            stats: false,
        },
        Reaches {
            workspace: true,
            home: false,
            env: false,
        },
        None,
    )?;
    // The decision sees every finding: the per-file cap limits what a report lists, and a
    // credential below a hundred others must still block.
    prepared.scan.max_findings_per_file = usize::MAX;
    let decision = crate::agent::claude_hook::decide(
        &event,
        prepared.fail_on(fail_on),
        &prepared.engine,
        &prepared.scan,
        &workspace,
    )?;
    match decision {
        None => Ok(EXIT_CLEAN),
        Some(reason) => {
            eprint!("{reason}");
            // Exit code 2 tells Claude Code to block the call and show stderr to the agent.
            Ok(EXIT_ERROR)
        }
    }
}

pub fn install_git(fail_on: Risk, force: bool, chain: bool) -> anyhow::Result<u8> {
    let m = crate::git_hook::install_hook(Path::new("."), fail_on, force, chain)?;
    eprintln!("credgate: {m}");
    Ok(EXIT_CLEAN)
}

pub fn uninstall_git() -> anyhow::Result<u8> {
    let m = crate::git_hook::uninstall_hook(Path::new("."))?;
    eprintln!("credgate: {m}");
    Ok(EXIT_CLEAN)
}
