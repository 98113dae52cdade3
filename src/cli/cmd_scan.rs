//! `credgate scan`: the workspace (and with `--reach`, the home stores and the environment),
//! or what is staged (`--staged`), or git history (`--git`).

use super::args::{ColorChoice, ScanArgs};
use super::settings::{self, Prepared, Reaches, WalkFlags};
use super::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::finding::Origin;
use crate::model::Risk;
use crate::pipeline::Source;
use crate::report::{self, ReportOptions};
use crate::result::ScanResult;
use crate::source::git_history::GitHistory;
use crate::source::git_index::GitIndex;
use crate::util::count;
use anyhow::{Result, bail};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub fn run(args: ScanArgs) -> Result<u8> {
    let reach = Reaches::from_flags(&args.target.reach);
    check_combination(&args, reach)?;
    let mut prepared = settings::prepare(
        &args.target.options,
        &args.target.paths,
        &settings::config_dir(&args.target.paths, args.staged || args.git.is_some()),
        WalkFlags {
            respect_gitignore: args.target.respect_gitignore,
            follow: args.target.follow,
            stats: args.target.stats,
        },
        reach,
        args.baseline.as_deref(),
    )?;
    prepared.scan.line_hashes = args.format == crate::report::Format::Sarif;
    let sources: Vec<Box<dyn Source>> = if args.staged {
        vec![Box::new(GitIndex {
            dir: PathBuf::from("."),
            only: args.target.paths.clone(),
        })]
    } else if let Some(range) = &args.git {
        vec![Box::new(GitHistory::new(
            PathBuf::from("."),
            (!range.is_empty()).then(|| range.clone()),
        ))]
    } else {
        prepared.reach_sources()
    };
    let mut result = prepared.run(&sources)?;
    if args.verify.verify {
        crate::verify::pairing::verify_all(
            &settings::verify_options(&args.verify)?,
            &mut result.findings,
            prepared.engine.catalog(),
        )?;
    }
    // Which agent can read each finding, under the policies it has for this workspace.
    let home = prepared.home.clone().or_else(std::env::home_dir);
    crate::agent::access::annotate(&mut result.findings, home.as_deref(), prepared.scan.threads);
    let fail_on = prepared.fail_on(args.fail_on);
    let fail = result.any_at_least(fail_on);
    if !args.agent_policy.is_empty() {
        // The agent's level, as the hook's: medium unless --fail-on or the config says.
        let level = prepared.agent_level(args.fail_on);
        agent_policy(&args, &result, level, home.as_deref())?;
    }
    result.retain_at_least(prepared.min_risk(args.min_risk));
    write_report(&args, &prepared, &result)?;
    if let Some(st) = &result.stats {
        let mut err = std::io::stderr().lock();
        report::stats::write(st, prepared.engine.catalog(), &mut err)?;
    }
    if fail && args.staged {
        eprintln!(
            "credgate: the staged changes hold credentials at or above {fail_on}; the commit is stopped.\n  Remove the secret from the file and restage it (git add), or unstage the file (git restore --staged FILE).\n  Rotate any credential that was ever pushed or shared.\n  If it is not a credential or is meant to be there, allow it with a reason: a `credgate:allow` comment on its line, or an [[allow]] entry in .credgate.toml."
        );
    }
    if fail && args.git.is_some() {
        eprintln!(
            "credgate: git history holds credentials at or above {fail_on}. Every clone has them, even those deleted since:\n  Rotate or revoke each one first; removing it from history (git filter-repo) does not recall copies already made.\n  To accept one that is revoked or not a credential, add it to the baseline (credgate baseline create) or an [[allow]] entry in .credgate.toml, with a reason."
        );
    }
    if result.summary.timed_out {
        eprintln!(
            "credgate: the time budget (--timeout) ran out: the scan is incomplete, so it cannot vouch for what it did not read"
        );
        return Ok(EXIT_ERROR);
    }
    Ok(if fail { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// Flags that cannot be honoured together are an error, never a silently narrower scan.
fn check_combination(args: &ScanArgs, reach: Reaches) -> Result<()> {
    if args.sarif_category.is_some() && args.format != crate::report::Format::Sarif {
        bail!("--sarif-category names a SARIF run: use it with --format sarif");
    }
    if args.show_secrets && args.format == crate::report::Format::Html {
        bail!(
            "--show-secrets: the HTML report never holds raw secrets (it is a file to pass around); use --format text or json"
        );
    }
    let git_mode = if args.staged {
        "--staged"
    } else if args.git.is_some() {
        "--git"
    } else {
        return Ok(());
    };
    if reach.home || reach.env || !reach.workspace {
        bail!(
            "{git_mode} scans git content, not --reach home or env; run a second scan for those (credgate scan --reach home,env)"
        );
    }
    if args.target.follow {
        bail!("{git_mode} reads git objects, where there are no links to follow: drop --follow");
    }
    if args.git.is_some() && args.target.paths.iter().any(|p| p != Path::new(".")) {
        bail!(
            "--git scans the history of the whole repository: give no PATH, and run it inside the repository"
        );
    }
    Ok(())
}

fn write_report(args: &ScanArgs, prepared: &Prepared, result: &ScanResult) -> Result<()> {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    let ropts = ReportOptions {
        show_secrets: args.show_secrets,
        color,
        catalog: Some(prepared.engine.catalog()),
        sarif_category: args.sarif_category.clone(),
    };
    super::output::to(args.output.as_deref(), |w| {
        report::write(args.format, result, &ropts, w)
    })
}

/// Writes (or with --dry-run, prints) the deny rules for the files with findings at or above
/// `level`.
fn agent_policy(
    args: &ScanArgs,
    result: &ScanResult,
    level: Risk,
    home: Option<&Path>,
) -> Result<()> {
    use crate::agent::policy::{self, Target};
    let workspace = args
        .target
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| ".".into());
    let display = crate::finding::display_path;
    let targets: Vec<Target> = result
        .findings
        .iter()
        .filter(|f| f.assessment.risk >= level)
        .filter_map(|f| match &f.origin {
            Origin::Home { path, .. } => Some(Target::Home(display(path))),
            Origin::Workspace { root, path } if *root == workspace => {
                Some(Target::Workspace(display(path)))
            }
            // A file given directly: its path is relative to where credgate runs.
            Origin::Workspace { root, path }
                if root == Path::new(".") && workspace == Path::new(".") =>
            {
                Some(Target::Workspace(display(path)))
            }
            Origin::GitIndex { path } => Some(Target::Workspace(path.clone())),
            _ => None,
        })
        .collect();
    let roots = policy::Roots {
        workspace: &workspace,
        home,
    };
    let applied = policy::apply(roots, &args.agent_policy, &targets, args.dry_run)?;
    for link in &applied.refused {
        eprintln!("credgate: warning: {link}");
    }
    for u in &applied.uncovered {
        eprintln!("credgate: warning: {u}");
    }
    let changes = applied.changes;
    for c in &changes {
        eprintln!(
            "credgate: {} {} to {}",
            if args.dry_run { "would add" } else { "added" },
            count(c.added.len(), "deny rule"),
            c.file.display()
        );
        if args.dry_run {
            for a in &c.added {
                eprintln!("  + {a}");
            }
        }
    }
    if changes.is_empty() && applied.refused.is_empty() {
        eprintln!("credgate: agent policy already up to date");
    }
    Ok(())
}
