//! The workspace as an agent sees it: every file under the roots, walked in parallel, gitignored
//! and hidden files included (see [`super::walk`] for what is and is not visited).

use super::walk::{self, WalkOptions};
use crate::finding::{Origin, display_path as shown};
use crate::pipeline::{Blob, Pipeline, Source, Worker};
use crate::read::{SkipReason, special_kind};
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkState};
use std::path::{Path, PathBuf};

/// Whose files a walk visits, which decides their [`Origin`].
#[derive(Clone, Debug)]
pub enum Owner {
    /// Workspace roots: origins are the root as given and the path below it.
    Workspace,
    /// Credential store files under this home directory: origins are relative to it.
    Home(PathBuf),
}

/// A parallel walk of some roots.
pub struct FsWalk {
    pub walk: WalkOptions,
    pub owner: Owner,
}

impl FsWalk {
    /// The workspace roots, as given.
    pub fn workspace(walk: WalkOptions) -> FsWalk {
        FsWalk {
            walk,
            owner: Owner::Workspace,
        }
    }

    /// The origin of a walked path.
    fn origin(&self, path: &Path) -> Origin {
        match &self.owner {
            Owner::Home(home) => Origin::Home {
                home: home.clone(),
                path: path.strip_prefix(home).unwrap_or(path).to_path_buf(),
            },
            Owner::Workspace => {
                let (root, path) = split_root(&self.walk.roots, path);
                Origin::Workspace { root, path }
            }
        }
    }
}

impl Source for FsWalk {
    fn feed(&self, p: &Pipeline<'_>) -> anyhow::Result<()> {
        if self.walk.roots.is_empty() {
            return Ok(());
        }
        if matches!(self.owner, Owner::Workspace) {
            for r in &self.walk.roots {
                std::fs::symlink_metadata(r)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", r.display()))?;
            }
        }
        let walker = walk::build(&self.walk, p.excludes().clone())?;
        walker.visit(&mut VisitorBuilder { walk: self, p });
        Ok(())
    }
}

struct VisitorBuilder<'s, 'p, 'a> {
    walk: &'s FsWalk,
    p: &'p Pipeline<'a>,
}

impl<'s, 'p: 's, 'a: 'p> ParallelVisitorBuilder<'s> for VisitorBuilder<'s, 'p, 'a> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            walk: self.walk,
            p: self.p,
            worker: self.p.worker(),
        })
    }
}

struct Visitor<'s, 'p, 'a> {
    walk: &'s FsWalk,
    p: &'p Pipeline<'a>,
    worker: Worker<'p, 'a>,
}

impl ParallelVisitor for Visitor<'_, '_, '_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        if self.p.expired() {
            return WalkState::Quit;
        }
        match entry {
            Ok(e) => self.visit_entry(&e),
            Err(err) => self.worker.warn(
                error_path(&err).unwrap_or_default(),
                crate::util::one_line(&err.to_string()),
            ),
        }
        WalkState::Continue
    }
}

impl Visitor<'_, '_, '_> {
    fn visit_entry(&mut self, e: &DirEntry) {
        let Some(ft) = e.file_type() else { return };
        if ft.is_dir() {
            return;
        }
        let path = e.path();
        if ft.is_symlink() {
            // Only reached without --follow; with it, the walker reports the target's type.
            self.worker
                .skip(self.walk.origin(path), SkipReason::Symlink);
            return;
        }
        if !ft.is_file() {
            self.worker.skip(
                self.walk.origin(path),
                SkipReason::SpecialFile {
                    kind: special_kind(&ft),
                },
            );
            return;
        }
        let origin = self.walk.origin(path);
        // The walker prunes excluded paths below a root; a file given as a root itself (or a
        // home store file) is checked here.
        if e.depth() == 0
            && let Origin::Workspace { path: rel, .. } | Origin::Home { path: rel, .. } = &origin
            && self.p.excluded(rel)
        {
            return;
        }
        // `ft` is the file's type as the walk saw it: a regular file here.
        self.worker.scan_file(path, true, Blob::new(origin));
    }
}

/// The root a walked path came from, and the path relative to it. A file given directly as a
/// root is reported as given, under root ".".
fn split_root(roots: &[PathBuf], path: &Path) -> (PathBuf, PathBuf) {
    for r in roots {
        if let Ok(rel) = path.strip_prefix(r) {
            if rel.as_os_str().is_empty() {
                return (PathBuf::from("."), path.to_path_buf());
            }
            return (r.clone(), rel.to_path_buf());
        }
    }
    (PathBuf::from("."), path.to_path_buf())
}

fn error_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(shown(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(shown(child)),
        _ => None,
    }
}
