//! `credgate init`: runs the set-up steps of [`crate::init`] at the top of the work tree and
//! prints one line per step: what it did, would do (`--dry-run`), found already done, or
//! skipped and why.

use super::EXIT_CLEAN;
use super::args::{InitArgs, InitStep};
use super::settings::{self, Reaches, WalkFlags};
use crate::finding::Origin;
use crate::init::{self, Ci, Edit, FileOutcome, Source};
use crate::model::Risk;
use crate::result::ScanResult;
use crate::util::count;
use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};

struct Out {
    dry_run: bool,
    /// Files written (or that would be) which still name the OWNER placeholder.
    placeholders: Vec<&'static str>,
}

impl Out {
    fn line(&self, item: &str, message: &str) {
        say(&format!("{item}: {message}"));
    }

    /// With `--dry-run`: the lines an edit adds to `old`, as `  + line`.
    /// The edits only insert, so the added lines are what lies between the common start and
    /// the common end.
    fn added(&self, old: &str, new: &str) {
        let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
        let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        let end = a[start..]
            .iter()
            .rev()
            .zip(b[start..].iter().rev())
            .take_while(|(x, y)| x == y)
            .count();
        for l in &b[start..b.len() - end] {
            say(&format!("  + {l}"));
        }
    }

    /// "wrote" or "would write".
    fn verb(&self, done: &'static str, would: &'static str) -> &'static str {
        if self.dry_run { would } else { done }
    }
}

/// Prints a line of the report. A reader that went away (`credgate init | head -1`) must not
/// stop init between its steps, leaving a repository half set up, so a failed write is
/// ignored where `println!` would panic.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// The path with `.` and `..` resolved as text (the directory may not exist yet), to tell
/// whether it lies inside another.
fn lexical(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

pub fn run(args: InitArgs) -> Result<u8> {
    let cwd = std::path::absolute(".")?;
    let top = crate::util::work_tree_of(&cwd).ok_or_else(|| {
        if gix::discover(&cwd).is_ok_and(|r| r.is_bare()) {
            return anyhow!(
                "init: {} is a bare repository: init sets up a work tree; run it in a clone",
                cwd.display()
            );
        }
        anyhow!(
            "init: {} is not in a git repository (run `git init` first)",
            cwd.display()
        )
    })?;
    let root = if top == cwd { PathBuf::from(".") } else { top };
    let src = Source::new(args.credgate_repo.clone(), args.credgate_rev.clone());
    let mut out = Out {
        dry_run: args.dry_run,
        placeholders: Vec::new(),
    };
    if args.dry_run {
        say("credgate init --dry-run: nothing is written");
    }
    let skip = |s: InitStep| args.skip.contains(&s);

    // One scan, for the baseline and the policy, before anything is written.
    let needs_scan = !skip(InitStep::Baseline) || !skip(InitStep::AgentPolicy);
    let (result, fail_on, agent_level) = if needs_scan {
        let prepared = settings::prepare(
            &args.options,
            std::slice::from_ref(&root),
            &root,
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
        let (fail_on, agent_level) = (
            prepared.fail_on(args.fail_on),
            prepared.agent_level(args.fail_on),
        );
        (
            Some(prepared.run(&prepared.reach_sources())?),
            fail_on,
            agent_level,
        )
    } else {
        let fail_on = args.fail_on.unwrap_or(Risk::High);
        (None, fail_on, fail_on)
    };

    if !skip(InitStep::Hook) {
        or_skip("hook", hook(&root, &args, &src, fail_on, &mut out))?;
    }
    if let (false, Some(r)) = (skip(InitStep::Baseline), &result) {
        baseline(&root, &args, r, &out)?;
    }
    if let (false, Some(r)) = (skip(InitStep::AgentPolicy), &result) {
        agent_policy(&root, &args, r, agent_level, &out)?;
    }
    if !skip(InitStep::Ci) {
        or_skip("CI", ci(&root, &args, &src, &mut out))?;
    }
    out.line(
        "agent hooks",
        "not installed: they change how every teammate's agent runs; `credgate hook install --agent claude` (or cursor, codex, gemini) adds one",
    );
    if src.is_placeholder() && !out.placeholders.is_empty() {
        out.line(
            "to do",
            &format!(
                "replace OWNER in {} with where credgate's repository is (init --credgate-repo URL writes it)",
                out.placeholders.join(", ")
            ),
        );
    } else if out.placeholders.contains(&init::GITHUB_WORKFLOW) {
        out.line(
            "to do",
            &format!(
                "replace OWNER in {} with the GitHub repository of credgate's action ({} is not on github.com; an action is used from there)",
                init::GITHUB_WORKFLOW,
                src.repo
            ),
        );
    }
    Ok(EXIT_CLEAN)
}

/// A symbolic link on the way to a file init would write (an unusual or hostile checkout) skips
/// that step, with a line naming the link; the other steps still run. Other errors stop init.
fn or_skip(item: &str, r: Result<()>) -> Result<()> {
    match r {
        Err(e) => match e.downcast_ref::<crate::safe_write::Error>() {
            Some(crate::safe_write::Error::Symlink(s)) => {
                say(&format!("{item}: skipped: {s}"));
                Ok(())
            }
            _ => Err(e),
        },
        ok => ok,
    }
}

fn hook(root: &Path, args: &InitArgs, src: &Source, fail_on: Risk, out: &mut Out) -> Result<()> {
    if let Some(text) = init::read_text(root, init::PRE_COMMIT_CONFIG)? {
        let item = "pre-commit";
        match init::add_to_pre_commit(&text, src) {
            Edit::Already => out.line(
                item,
                &format!("already set up: {} runs credgate", init::PRE_COMMIT_CONFIG),
            ),
            Edit::Changed(new) => {
                if !args.dry_run {
                    crate::safe_write::write_in(
                        root,
                        Path::new(init::PRE_COMMIT_CONFIG),
                        new.as_bytes(),
                        crate::safe_write::SHARED,
                    )?;
                }
                out.line(
                    item,
                    &format!(
                        "{} credgate to {} (the pre-commit framework runs the hooks here; `pre-commit install` once if it is not installed)",
                        out.verb("added", "would add"),
                        init::PRE_COMMIT_CONFIG
                    ),
                );
                if args.dry_run {
                    out.added(&text, &new);
                }
                out.placeholders.push(init::PRE_COMMIT_CONFIG);
            }
            Edit::Unusual(why) => out.line(
                item,
                &format!(
                    "did not change {}: {why}; add this to its repos:\n{}",
                    init::PRE_COMMIT_CONFIG,
                    init::pre_commit_entry(src, "  ").trim_end()
                ),
            ),
        }
        return Ok(());
    }
    let item = "git hook";
    // A core.hooksPath outside the repository (often set globally, ~/.githooks) is shared by
    // every repository using it; init touches nothing outside this one.
    let hooks = lexical(&crate::git_hook::hooks_dir(root)?);
    let git_dir = lexical(gix::discover(root)?.common_dir());
    if !hooks.starts_with(lexical(root)) && !hooks.starts_with(&git_dir) {
        out.line(
            item,
            &format!(
                "skipped: core.hooksPath is outside this repository ({}): a hook there runs for every repository using it; `credgate hook install` puts one there if that is meant",
                hooks.display()
            ),
        );
        return Ok(());
    }
    let (path, state) = crate::git_hook::state(root)?;
    let shown = path.display();
    // Credgate's hook, stopping commits at another risk than asked: not "set up" as asked.
    let other_risk = match state {
        Some(true) => std::fs::read_to_string(&path).ok().and_then(|t| {
            let at = t
                .rsplit("--fail-on ")
                .next()?
                .split_whitespace()
                .next()?
                .to_string();
            (at != fail_on.to_string()).then_some(at)
        }),
        _ => None,
    };
    match state {
        Some(true) if other_risk.is_none() => {
            out.line(item, &format!("already set up: {shown} is credgate's"))
        }
        Some(true) if !args.force => out.line(
            item,
            &format!(
                "{shown} is credgate's but stops commits at {}, not {fail_on}; kept it (--force rewrites it)",
                other_risk.as_deref().unwrap_or("?")
            ),
        ),
        Some(false) if !args.force => out.line(
            item,
            &format!(
                "skipped: {shown} exists and is not credgate's; kept it (--force sets it aside, `credgate hook install --chain` runs both)"
            ),
        ),
        _ if args.dry_run => out.line(
            item,
            &format!(
                "would install {shown} (credgate scan --staged --fail-on {fail_on}){}",
                if state == Some(false) {
                    ", setting the existing hook aside"
                } else {
                    ""
                }
            ),
        ),
        _ => {
            let m = crate::git_hook::install_hook(root, fail_on, args.force, false)?;
            out.line(
                item,
                &format!("{m}: commits adding credentials at or above {fail_on} are stopped"),
            );
        }
    }
    Ok(())
}

fn baseline(root: &Path, args: &InitArgs, result: &ScanResult, out: &Out) -> Result<()> {
    let item = "baseline";
    let file = root.join(init::BASELINE);
    let exists = std::fs::symlink_metadata(&file).is_ok();
    let mut message = if exists && !args.force {
        format!(
            "already set up: {} exists; kept it (--force rewrites it with today's findings)",
            init::BASELINE
        )
    } else {
        let n = if args.dry_run {
            result
                .findings
                .iter()
                .map(|f| (&f.fingerprint, &f.detector_id))
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        } else {
            crate::suppress::baseline::write(&file, &result.findings)?
        };
        format!(
            "{} {} to {} (today's findings, accepted: later scans and CI report only new ones)",
            out.verb("wrote", "would write"),
            count(n, "fingerprint"),
            init::BASELINE
        )
    };
    if !crate::suppress::baseline::has_union_merge(&file)? {
        if !args.dry_run {
            crate::suppress::baseline::ensure_union_merge(&file)?;
        }
        message.push_str(&format!(
            "; {} it merge=union in .gitattributes",
            out.verb("marked", "would mark")
        ));
    }
    out.line(item, &message);
    Ok(())
}

fn agent_policy(
    root: &Path,
    args: &InitArgs,
    result: &ScanResult,
    fail_on: Risk,
    out: &Out,
) -> Result<()> {
    use crate::agent::policy::{self, Target};
    let item = "agent policy";
    let targets: Vec<Target> = result
        .findings
        .iter()
        .filter(|f| f.assessment.risk >= fail_on)
        .filter_map(|f| match &f.origin {
            Origin::Workspace { root: r, path } if r == root => {
                Some(Target::Workspace(crate::finding::display_path(path)))
            }
            _ => None,
        })
        .collect();
    if targets.is_empty() {
        out.line(
            item,
            &format!("no file holds a credential at or above {fail_on}: no deny rule needed"),
        );
        return Ok(());
    }
    let roots = policy::Roots {
        workspace: root,
        home: None,
    };
    let applied = policy::apply(roots, &args.agent_policy, &targets, args.dry_run)?;
    for link in &applied.refused {
        out.line(item, &format!("skipped: {link}"));
    }
    for u in &applied.uncovered {
        out.line(item, &format!("warning: {u}"));
    }
    for c in &applied.changes {
        out.line(
            item,
            &format!(
                "{} {} to {} (files holding credentials at or above {fail_on})",
                out.verb("added", "would add"),
                count(c.added.len(), "deny rule"),
                c.file.display()
            ),
        );
        if args.dry_run {
            for a in &c.added {
                say(&format!("  + {a}"));
            }
        }
    }
    if applied.changes.is_empty() && applied.refused.is_empty() {
        out.line(
            item,
            &format!(
                "already set up: agents are denied the {} holding credentials",
                count(
                    targets
                        .iter()
                        .collect::<std::collections::BTreeSet<_>>()
                        .len(),
                    "file"
                )
            ),
        );
    }
    Ok(())
}

fn ci(root: &Path, args: &InitArgs, src: &Source, out: &mut Out) -> Result<()> {
    let item = "CI";
    let remote = init::origin_url(root)?;
    let ci = match args.ci {
        Some(c) => c,
        None => match remote.as_deref().and_then(init::ci_of_remote) {
            Some(c) => c,
            None => {
                out.line(
                    item,
                    &match &remote {
                        Some(_) => "the origin remote is neither on github.com nor on a GitLab host; wrote no workflow (--ci github or --ci gitlab writes one)".to_string(),
                        None => "no origin remote; wrote no workflow (--ci github or --ci gitlab writes one)".to_string(),
                    },
                );
                return Ok(());
            }
        },
    };
    match ci {
        Ci::None => out.line(item, "skipped (--ci none)"),
        Ci::Github => {
            let rel = init::GITHUB_WORKFLOW;
            match init::put_file(
                root,
                rel,
                init::github_workflow(src, init::origin_default_branch(root).as_deref()).as_bytes(),
                args.force,
                args.dry_run,
            )? {
                FileOutcome::Already => out.line(item, &format!("already set up: {rel}")),
                FileOutcome::Kept(why) => out.line(item, &format!("skipped: {why}")),
                FileOutcome::Written => {
                    out.line(
                        item,
                        &format!(
                            "{} {rel} (GitHub Actions: scans each push and pull request, uploads SARIF to code scanning, fails on new high-risk findings)",
                            out.verb("wrote", "would write")
                        ),
                    );
                    // The `uses:` line keeps OWNER whenever credgate's repository is not a
                    // GitHub one, even one the user named.
                    if src.is_placeholder() || src.github_slug().is_none() {
                        out.placeholders.push(rel);
                    }
                }
            }
        }
        Ci::Gitlab => {
            let rel = init::GITLAB_CI;
            let existing = init::read_text(root, rel)?;
            let (new, verb) = match &existing {
                None => (init::gitlab_job(src), out.verb("wrote", "would write")),
                Some(text) => match init::add_to_gitlab_ci(text, src) {
                    Edit::Already => {
                        out.line(item, &format!("already set up: {rel} has a credgate job"));
                        return Ok(());
                    }
                    Edit::Unusual(why) => {
                        out.line(
                            item,
                            &format!(
                                "did not change {rel}: {why}; add the credgate job of `credgate init --ci gitlab` in a new repository (examples/gitlab-ci.yml)"
                            ),
                        );
                        return Ok(());
                    }
                    Edit::Changed(new) => {
                        if let Some(stage) = init::stage_instead_of_test(text) {
                            out.line(
                                item,
                                &format!(
                                    "note: {rel} lists stages without `test`: the credgate job runs in its first stage, {stage}"
                                ),
                            );
                        }
                        (
                            new,
                            out.verb("added the credgate job to", "would add the credgate job to"),
                        )
                    }
                },
            };
            if !args.dry_run {
                crate::safe_write::write_in(
                    root,
                    Path::new(rel),
                    new.as_bytes(),
                    crate::safe_write::SHARED,
                )?;
            }
            out.line(
                item,
                &format!(
                    "{verb} {rel} (GitLab: secret detection report for merge requests, fails on new high-risk findings)"
                ),
            );
            if let (true, Some(text)) = (args.dry_run, &existing) {
                out.added(text, &new);
            }
            out.placeholders.push(rel);
        }
    }
    Ok(())
}
