//! The git pre-commit hook: `credgate hook install` writes a hook that runs
//! `credgate scan --staged`, keeping (chained) or setting aside (forced) a hook that was there,
//! and `hook uninstall` puts back what was there, byte for byte.

use anyhow::{Context, Result, anyhow};
use gix::bstr::BString;
use std::path::{Path, PathBuf};

/// The line that marks a pre-commit hook as credgate's.
pub const HOOK_MARK: &str = "# credgate pre-commit hook";
const CHAINED: &str = "pre-commit.credgate-chained";
const BACKUP: &str = "pre-commit.credgate-backup";

/// Where git runs hooks for the repository containing `dir`: `core.hooksPath` (relative to the
/// work tree) or the common git directory's `hooks/`, which linked worktrees share.
pub fn hooks_dir(dir: &Path) -> Result<PathBuf> {
    let repo = gix::discover(dir)
        .with_context(|| format!("{}: not in a git repository", dir.display()))?;
    let configured = repo
        .config_snapshot()
        .string("core.hooksPath")
        .map(|s: BString| gix::path::from_bstr(std::borrow::Cow::Owned(s)).map(|p| p.into_owned()))
        .transpose()
        .ok()
        .flatten();
    Ok(match configured {
        Some(p) if p.is_absolute() => p,
        Some(p) => repo.workdir().unwrap_or(repo.common_dir()).join(p),
        None => {
            // In a linked worktree gix gives the common directory as `.git/worktrees/NAME/../..`;
            // resolved, the path in a message is the one the user would look in.
            let common = repo.common_dir();
            let common = if common
                .components()
                .any(|c| c == std::path::Component::ParentDir)
            {
                std::fs::canonicalize(common).unwrap_or_else(|_| common.to_path_buf())
            } else {
                common.to_path_buf()
            };
            common.join("hooks")
        }
    })
}

fn hook_script(fail_on: crate::model::Risk) -> String {
    let me = std::env::current_exe()
        .ok()
        .map(|p| p.display().to_string().replace('\'', "'\\''"))
        .unwrap_or_else(|| "credgate".into());
    format!(
        "#!/bin/sh\n{HOOK_MARK}: stops commits that add credentials.\n# Installed by `credgate hook install`; `credgate hook uninstall` restores what was here.\nchained=\"$(dirname \"$0\")/{CHAINED}\"\nif [ -x \"$chained\" ]; then \"$chained\" \"$@\" || exit $?; fi\nif command -v credgate >/dev/null 2>&1; then\n  exec credgate scan --staged --fail-on {fail_on}\nfi\nexec '{me}' scan --staged --fail-on {fail_on}\n"
    )
}

fn is_ours(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| t.contains(HOOK_MARK))
}

/// The pre-commit hook of the repository containing `dir`, and whether one is there and is
/// credgate's (`None`: no hook), for `init` to say what it would do before doing it.
pub fn state(dir: &Path) -> Result<(PathBuf, Option<bool>)> {
    let hook = hooks_dir(dir)?.join("pre-commit");
    let present = std::fs::symlink_metadata(&hook).is_ok();
    Ok((hook.clone(), present.then(|| is_ours(&hook))))
}

/// Installs the pre-commit hook. An existing hook that is not credgate's is never overwritten
/// silently: without `chain` or `force` this refuses and explains; with `chain` the old hook is
/// kept and runs first; with `force` it is kept aside for `uninstall` to restore.
pub fn install_hook(
    dir: &Path,
    fail_on: crate::model::Risk,
    force: bool,
    chain: bool,
) -> Result<String> {
    let hooks = hooks_dir(dir)?;
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("{}: cannot create", hooks.display()))?;
    let hook = hooks.join("pre-commit");
    let mut note = String::new();
    if hook.exists() && !is_ours(&hook) {
        let keep = if chain {
            CHAINED
        } else if force {
            BACKUP
        } else {
            return Err(anyhow!(
                "{} already exists and is not credgate's; not overwriting it. Use --chain to keep it and run it before credgate, or --force to set it aside (credgate hook uninstall puts it back)",
                hook.display()
            ));
        };
        let aside = hooks.join(keep);
        if aside.exists() {
            return Err(anyhow!(
                "{} already exists; resolve it by hand first",
                aside.display()
            ));
        }
        std::fs::rename(&hook, &aside)
            .with_context(|| format!("{}: cannot move", hook.display()))?;
        note = format!(
            " (the previous hook is kept as {keep}{})",
            if chain { " and runs first" } else { "" }
        );
    }
    // Never through a symbolic link: a dangling one would create its target.
    let mut file = crate::safe_write::create_nofollow(&hook, 0o755)
        .context("cannot write the pre-commit hook")?;
    std::io::Write::write_all(&mut file, hook_script(fail_on).as_bytes())
        .with_context(|| format!("{}: cannot write", hook.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(format!("installed {}{note}", hook.display()))
}

/// Removes credgate's hook and puts back what was there before, byte for byte.
pub fn uninstall_hook(dir: &Path) -> Result<String> {
    let hooks = hooks_dir(dir)?;
    let hook = hooks.join("pre-commit");
    if !hook.exists() {
        return Ok("no pre-commit hook installed".into());
    }
    if !is_ours(&hook) {
        return Err(anyhow!(
            "{} is not credgate's hook; leaving it alone",
            hook.display()
        ));
    }
    std::fs::remove_file(&hook)?;
    for keep in [CHAINED, BACKUP] {
        let aside = hooks.join(keep);
        if aside.exists() {
            std::fs::rename(&aside, &hook)?;
            return Ok(format!(
                "removed credgate's hook and restored the previous {}",
                hook.display()
            ));
        }
    }
    Ok(format!("removed {}", hook.display()))
}
