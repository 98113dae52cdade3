//! `credgate hook AGENT`: an agent's tool-call hook (the protocol is the host module's in
//! [`crate::agent::hook`]), and `hook install` / `uninstall` for agents' hooks and the git
//! pre-commit hook.

use super::EXIT_CLEAN;
use super::args::AgentHookArgs;
use super::settings::{self, Reaches, WalkFlags};
use crate::agent::hook::{self, Gate, Host};
use crate::model::Risk;
use std::io::Write;
use std::path::Path;

/// Runs as the hook: the event on stdin, the host's answer on stdout and stderr. The workspace
/// is the call's working directory, and its `.credgate.toml` applies as it does to `scan` and
/// `guard`. An error exits 2, which every host reads as "block": the gate fails closed.
pub fn agent(host: Host, args: AgentHookArgs) -> anyhow::Result<u8> {
    if args.install {
        return install_agents(&[host], args.fail_on);
    }
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)?;
    let event: serde_json::Value = serde_json::from_str(&input).map_err(|e| {
        anyhow::anyhow!("hook {}: the event on stdin is not JSON: {e}", host.name())
    })?;
    let call = host.parse(&event)?;
    let mut prepared = settings::prepare(
        &args.options,
        std::slice::from_ref(&call.workspace),
        &call.workspace,
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
    let gate = Gate {
        engine: prepared.engine,
        settings: &prepared.scan,
        level: prepared.agent_level(args.fail_on),
        workspace: &call.workspace,
    };
    let verdict = hook::decide(&call, &gate)?;
    let answer = host.answer(&call, &verdict);
    std::io::stdout().write_all(answer.stdout.as_bytes())?;
    std::io::stderr().write_all(answer.stderr.as_bytes())?;
    Ok(answer.exit)
}

/// `hook install --agent NAME`: writes each agent's hook configuration under this directory.
pub fn install_agents(hosts: &[Host], fail_on: Option<Risk>) -> anyhow::Result<u8> {
    for &host in hosts {
        let (file, changed) = host.install(Path::new("."), &host.command(fail_on))?;
        eprintln!(
            "credgate: {} {}",
            file.display(),
            if changed {
                format!("now runs the {} hook", host.name())
            } else {
                format!("already runs the {} hook", host.name())
            }
        );
    }
    Ok(EXIT_CLEAN)
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
