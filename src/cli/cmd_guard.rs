//! `credgate guard -- COMMAND`: scan everything the agent could reach, and start it only if no
//! credential at or above `--fail-on` is there; with `--sandbox`, start it where those
//! credentials read as empty ([`crate::agent::sandbox`]).

use super::args::GuardArgs;
use super::settings::{self, Reaches, WalkFlags};
use super::{EXIT_ERROR, EXIT_FINDINGS};
use crate::agent::sandbox::{self, Plan};
use crate::config::AllowRule;

pub fn run(g: GuardArgs) -> anyhow::Result<u8> {
    let mut prepared = settings::prepare(
        &g.options,
        std::slice::from_ref(&g.workspace),
        &g.workspace,
        WalkFlags {
            respect_gitignore: false,
            follow: false,
            stats: false,
        },
        Reaches::ALL,
        g.baseline.as_deref(),
    )?;
    for fp in &g.allow {
        prepared.scan.allow.rules.push(AllowRule::for_fingerprint(
            fp,
            "accepted for this session",
            "credgate guard --allow",
        ));
    }
    let fail_on = prepared.fail_on(g.fail_on);
    let mut result = prepared.run(&prepared.reach_sources())?;
    if g.verify.verify {
        crate::verify::pairing::verify_all(
            &settings::verify_options(&g.verify)?,
            &mut result.findings,
            prepared.engine.catalog(),
        )?;
    }
    if result.summary.timed_out {
        eprint!(
            "{}",
            crate::agent::guard::summary(&result.findings, fail_on)
        );
        // Fail closed: a workspace that was not read to the end is not known to be safe.
        eprintln!(
            "credgate guard: the time budget (--timeout) ran out before the scan finished; the command was not run"
        );
        return Ok(EXIT_ERROR);
    }
    if let Some(mode) = &g.sandbox {
        let mut plan = Plan::new(
            &result.findings,
            g.mask_at,
            fail_on,
            g.mask_agent_config,
            &sandbox::own_stores(&g.command),
        );
        plan.refuse_committed(&result.findings, fail_on);
        if !plan.tracked.is_empty() {
            eprint!("{}", plan.describe_tracked());
            return Ok(EXIT_FINDINGS);
        }
        match sandbox::usable() {
            Ok(()) => {
                eprint!("{}", plan.describe());
                let code = sandbox::run(&plan, &g.command)?;
                return Ok((code & 0xff) as u8);
            }
            // Never start unprotected without being told to fall back.
            Err(why) if mode != "auto" => {
                eprintln!(
                    "credgate guard: {why}; the command was not run (--sandbox=auto refuses or starts it as plain guard does)"
                );
                return Ok(EXIT_ERROR);
            }
            Err(why) => {
                eprintln!("credgate guard: {why}; --sandbox=auto: guarding without a sandbox")
            }
        }
    }
    eprint!(
        "{}",
        crate::agent::guard::summary(&result.findings, fail_on)
    );
    if result.any_at_least(fail_on) {
        return Ok(EXIT_FINDINGS);
    }
    let code = crate::agent::guard::exec(&g.command)?;
    // Exit codes above 255 cannot be returned; shells truncate them the same way.
    Ok((code & 0xff) as u8)
}
