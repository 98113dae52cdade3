//! Walking: what an agent running as the user can read, not what git shows.
//!
//! By default hidden files and gitignored files are walked (an agent reads `.env` whether git
//! tracks it or not); `--respect-gitignore` gives the committed view instead. Inside `.git/` only
//! the few small text files that hold credentials are read (`config` with remote URLs, hooks),
//! never objects or packs.
//!
//! Whether git ignores a file is still recorded for every finding, through
//! [`crate::gitignore::GitIgnoreIndex`], lazily and only for files with findings.

use globset::GlobSet;
use ignore::{WalkBuilder, WalkParallel};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

/// What to walk and how.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    pub roots: Vec<PathBuf>,
    /// Skip what `.gitignore`/`.ignore` exclude (the committed view).
    pub respect_gitignore: bool,
    pub follow_links: bool,
    pub threads: usize,
}

/// Builds the parallel walker. `excludes` (matched against the path below its root) prune
/// whole directories, so an excluded `vendor/` is never read.
pub fn build(opts: &WalkOptions, excludes: GlobSet) -> anyhow::Result<WalkParallel> {
    let (first, rest) = opts
        .roots
        .split_first()
        .ok_or_else(|| anyhow::anyhow!("no path to scan"))?;
    let mut b = WalkBuilder::new(first);
    for r in rest {
        b.add(r);
    }
    let respect = opts.respect_gitignore;
    b.hidden(false)
        .parents(respect)
        .ignore(respect)
        .git_ignore(respect)
        .git_global(respect)
        .git_exclude(respect)
        .follow_links(opts.follow_links)
        // Files named one by one (a hook, `scan FILE`) need no second walker thread.
        .threads(if opts.roots.iter().all(|r| r.is_file()) {
            1
        } else {
            opts.threads
        });
    let roots = opts.roots.clone();
    b.filter_entry(move |entry| {
        let path = entry.path();
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if !git_internal_allowed(path, is_dir) {
            return false;
        }
        if excludes.is_empty() || entry.depth() == 0 {
            return true;
        }
        let rel = roots
            .iter()
            .find_map(|r| path.strip_prefix(r).ok())
            .unwrap_or(path);
        !excludes.is_match(rel)
    });
    Ok(b.build_parallel())
}

/// Inside a `.git` directory, only what can hold credentials and is small text: `config`,
/// `config.worktree`, hooks (not the `.sample` ones), and the same inside `modules/<name>/` and
/// `worktrees/<name>/`.
pub fn git_internal_allowed(path: &Path, is_dir: bool) -> bool {
    // Nearly every path holds no `.git`: answered without splitting it (every walked entry
    // comes here), and without setting up a `memmem` searcher for each.
    if !crate::bytes::holds(path.as_os_str().as_encoded_bytes(), b".git") {
        return true;
    }
    let comps: Vec<&OsStr> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s),
            _ => None,
        })
        .collect();
    let Some(pos) = comps.iter().rposition(|c| *c == ".git") else {
        return true;
    };
    allowed_in_git_dir(&comps[pos + 1..], is_dir)
}

fn allowed_in_git_dir(rel: &[&OsStr], is_dir: bool) -> bool {
    let s: Vec<&str> = rel.iter().map(|c| c.to_str().unwrap_or("\u{0}")).collect();
    match s.as_slice() {
        [] => true,
        ["config" | "config.worktree"] => !is_dir,
        ["hooks"] => is_dir,
        ["hooks", f] => !is_dir && !f.ends_with(".sample"),
        ["modules" | "worktrees"] => is_dir,
        ["modules" | "worktrees", _] => is_dir,
        ["modules" | "worktrees", _, inner @ ..] => {
            allowed_in_git_dir(&rel[rel.len() - inner.len()..], is_dir)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_dir_policy() {
        assert!(git_internal_allowed(Path::new("r/.git"), true));
        assert!(git_internal_allowed(Path::new("r/.git/config"), false));
        assert!(!git_internal_allowed(Path::new("r/.git/objects"), true));
        assert!(!git_internal_allowed(Path::new("r/.git/index"), false));
        assert!(git_internal_allowed(
            Path::new("r/.git/hooks/pre-push"),
            false
        ));
        assert!(!git_internal_allowed(
            Path::new("r/.git/hooks/pre-push.sample"),
            false
        ));
        assert!(git_internal_allowed(
            Path::new("r/.git/modules/sub/config"),
            false
        ));
        assert!(!git_internal_allowed(
            Path::new("r/.git/modules/sub/objects"),
            true
        ));
        assert!(git_internal_allowed(Path::new("r/src/main.rs"), false));
    }
}
