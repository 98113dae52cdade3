//! `credgate guard -- COMMAND`: before an agent starts, scan everything it could reach (the
//! workspace, the home directory's credential stores, the environment); if a credential at or
//! above the level is there, say what and what to do, and do not start the agent.

use crate::finding::Finding;
use crate::model::{Location, Risk};
use crate::util::count;
use std::fmt::Write as _;
use std::process::Command;

/// What to do about a finding, in one phrase, by where it sits.
pub fn advice(f: &Finding) -> &'static str {
    match f.assessment.location {
        Location::CliStore => {
            "log the CLI out (or move the file out of the agent's reach) and give the agent a scoped, short-lived credential"
        }
        Location::AgentConfig => {
            "replace the literal with an input prompt or secret-manager reference, and rotate it"
        }
        Location::EnvironmentVariable => {
            "unset it for the agent's session, or replace it with a scoped, short-lived credential"
        }
        Location::Tracked => "revoke it, remove it from the repository, and rotate it",
        _ => "revoke or rotate it, and move it out of the workspace (a secret manager, not a file)",
    }
}

/// The provider's way to end this credential, with its revoke page: one line.
pub fn fix(f: &Finding) -> String {
    match &f.remediation.url {
        Some(u) => format!("{} <{u}>", f.remediation.steps),
        None => f.remediation.steps.clone(),
    }
}

/// The summary printed before the command would start: blocking findings one line each, worst
/// first, then a count of the rest. Never a secret: only the redacted form.
pub fn summary(findings: &[Finding], fail_on: Risk) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| {
        b.assessment
            .risk
            .cmp(&a.assessment.risk)
            .then_with(|| a.origin.cmp(&b.origin))
    });
    let blocking: Vec<&&Finding> = sorted
        .iter()
        .filter(|f| f.assessment.risk >= fail_on)
        .collect();
    let mut out = String::new();
    if blocking.is_empty() {
        let _ = writeln!(
            out,
            "credgate guard: no credential at or above {fail_on} within the agent's reach ({})",
            count(findings.len(), "lower-risk finding"),
        );
        return out;
    }
    let _ = writeln!(
        out,
        "credgate guard: {} at or above {fail_on} within the agent's reach; not starting it.",
        count(blocking.len(), "credential"),
    );
    for f in &blocking {
        let a = &f.assessment;
        let store = f
            .store
            .as_ref()
            .map(|s| match &s.context {
                Some(c) => format!(" [{}, {c}]", s.tool),
                None => format!(" [{}]", s.tool),
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<8} {} {}{store}: {} ({}); {}. allow: --allow {}",
            a.risk.as_str().to_ascii_uppercase(),
            f.origin.at(f.line, None),
            f.detector_name,
            f.redacted,
            a.why,
            advice(f),
            f.fingerprint
        );
        let _ = writeln!(out, "           fix: {}", fix(f));
    }
    let rest = findings.len() - blocking.len();
    if rest > 0 {
        let _ = writeln!(
            out,
            "  and {} (credgate scan --reach all shows them)",
            count(rest, "lower-risk finding"),
        );
    }
    out
}

/// Runs the command with the terminal and environment of credgate, and returns its exit code
/// (128 + the signal number if a signal ended it, as shells report it).
pub fn exec(argv: &[std::ffi::OsString]) -> anyhow::Result<i32> {
    let (program, args) = argv.split_first().ok_or_else(|| {
        anyhow::anyhow!("guard: no command given (credgate guard -- COMMAND [ARGS...])")
    })?;
    let status = Command::new(program)
        .args(args)
        .status()
        .map_err(|e| anyhow::anyhow!("guard: cannot run {}: {e}", program.to_string_lossy()))?;
    Ok(exit_code(status))
}

/// A finished command's exit code as a shell reports it: 128 + the signal number if a signal
/// ended it.
pub fn exit_code(status: std::process::ExitStatus) -> i32 {
    if let Some(code) = status.code() {
        return code;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return 128 + sig;
        }
    }
    1
}
