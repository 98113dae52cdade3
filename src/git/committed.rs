//! Whether files git does not track now were ever committed. A credential in such a file (a
//! `.env` committed once, then deleted and ignored) is still in the repository's objects, where
//! `git log -p` prints it: masking the file hides nothing, so `guard --sandbox` refuses to start
//! the command for it as it does for a tracked file.

use anyhow::{Context, Result};
use gix::hash::ObjectId;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// For each of `files` (absolute paths inside the work tree that holds `dir`), the newest
/// commit reachable from a ref or `HEAD` whose tree has a file at that path, or `None`. Walks
/// commits newest first, reading each distinct root tree once and stopping when every file has
/// been placed; commits or trees missing from a partial or shallow clone are passed over.
pub fn ever_committed(dir: &Path, files: &[PathBuf]) -> Result<Vec<Option<ObjectId>>> {
    let mut found = vec![None; files.len()];
    let mut repo = gix::discover(dir)
        .with_context(|| format!("{}: not in a git repository", dir.display()))?;
    repo.objects.refresh_never();
    let Some(work_tree) = repo.workdir().and_then(|w| std::fs::canonicalize(w).ok()) else {
        return Ok(found);
    };
    let rel: Vec<Option<PathBuf>> = files
        .iter()
        .map(|f| {
            std::fs::canonicalize(f)
                .unwrap_or_else(|_| f.clone())
                .strip_prefix(&work_tree)
                .ok()
                .map(Path::to_path_buf)
        })
        .collect();
    let (tips, _) = super::history::tips(&repo, None)?;
    if tips.is_empty() || rel.iter().all(Option::is_none) {
        return Ok(found);
    }
    let mut trees = HashSet::new();
    for info in repo.rev_walk(tips).all()? {
        let Ok(info) = info else { continue };
        let Some(tree) = repo
            .find_commit(info.id)
            .ok()
            .and_then(|c| c.tree_id().ok())
            .filter(|t| trees.insert(t.detach()))
            .and_then(|t| repo.find_tree(t).ok())
        else {
            continue;
        };
        for (slot, path) in found.iter_mut().zip(&rel) {
            if slot.is_none()
                && let Some(path) = path
                && tree
                    .lookup_entry_by_path(path)
                    .ok()
                    .flatten()
                    .is_some_and(|e| !e.mode().is_tree())
            {
                *slot = Some(info.id);
            }
        }
        if found
            .iter()
            .zip(&rel)
            .all(|(f, r)| f.is_some() || r.is_none())
        {
            break;
        }
    }
    Ok(found)
}
