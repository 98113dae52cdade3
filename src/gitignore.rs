//! Whether git tracks, ignores or does not know a file, decided the way git does: the deepest
//! `.gitignore` that matches, then `.git/info/exclude`, then the global excludes file; a tracked
//! file is tracked whatever the ignore rules say. Asked lazily, only for files with findings.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The git status of a file, from [`GitIgnoreIndex::status`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GitStatus {
    OutsideRepository,
    Tracked,
    Ignored,
    Untracked,
}

/// Answers "is this file tracked, ignored or untracked by git?". Ignore rules are git's: the deepest `.gitignore` that matches
/// decides, then `.git/info/exclude`, then the user's global excludes file; a file inside an
/// ignored directory is ignored whatever its own patterns say. Directory states are cached, so
/// a question costs one lookup plus the patterns of the file's own directory chain.
pub struct GitIgnoreIndex {
    global: Option<Arc<Gitignore>>,
    dirs: Mutex<HashMap<PathBuf, Arc<DirState>>>,
    /// Per work-tree root: the paths in its index (`.git/index`), read once, on first need.
    tracked: Mutex<HashMap<PathBuf, Arc<HashSet<Vec<u8>>>>>,
}

struct DirState {
    /// `None`: not inside a git work tree.
    repo: Option<RepoDir>,
}

struct RepoDir {
    /// The work tree's root (the directory holding `.git`).
    root: Arc<PathBuf>,
    /// Deepest first.
    matchers: Vec<Arc<Gitignore>>,
    ignored: bool,
}

impl Default for GitIgnoreIndex {
    fn default() -> Self {
        Self::new()
    }
}

impl GitIgnoreIndex {
    pub fn new() -> Self {
        let (global, _err) = Gitignore::global();
        GitIgnoreIndex {
            global: (!global.is_empty()).then(|| Arc::new(global)),
            dirs: Mutex::new(HashMap::new()),
            tracked: Mutex::new(HashMap::new()),
        }
    }

    /// The git status of the file at `path`. A tracked file is tracked even if an ignore rule
    /// matches it (git ignores only untracked files). Files inside `.git/` count as untracked.
    pub fn status(&self, path: &Path) -> GitStatus {
        let Ok(abs) = std::path::absolute(path) else {
            return GitStatus::OutsideRepository;
        };
        let Some(parent) = abs.parent() else {
            return GitStatus::OutsideRepository;
        };
        let state = self.dir_state(parent);
        let Some(repo) = &state.repo else {
            return GitStatus::OutsideRepository;
        };
        if abs.components().any(|c| c.as_os_str() == ".git") {
            return GitStatus::Untracked;
        }
        if let Ok(rel) = abs.strip_prefix(repo.root.as_path())
            && self
                .tracked_paths(&repo.root)
                .contains(rel.as_os_str().as_encoded_bytes())
        {
            return GitStatus::Tracked;
        }
        if self.is_ignored(&abs) {
            GitStatus::Ignored
        } else {
            GitStatus::Untracked
        }
    }

    fn tracked_paths(&self, root: &Path) -> Arc<HashSet<Vec<u8>>> {
        if let Some(t) = self.tracked.lock().unwrap().get(root) {
            return t.clone();
        }
        let set = Arc::new(read_index(root).unwrap_or_default());
        self.tracked
            .lock()
            .unwrap()
            .insert(root.to_path_buf(), set.clone());
        set
    }

    /// Whether git would ignore the file at `path`.
    pub fn is_ignored(&self, path: &Path) -> bool {
        let Ok(abs) = std::path::absolute(path) else {
            return false;
        };
        if abs.components().any(|c| c.as_os_str() == ".git") {
            // Files inside .git are neither tracked nor ignored; report them as not ignored.
            return false;
        }
        let Some(parent) = abs.parent() else {
            return false;
        };
        let state = self.dir_state(parent);
        match &state.repo {
            None => false,
            Some(r) => r.ignored || decide(&r.matchers, &abs, false),
        }
    }

    fn dir_state(&self, dir: &Path) -> Arc<DirState> {
        if let Some(s) = self.dirs.lock().unwrap().get(dir) {
            return s.clone();
        }
        let state = Arc::new(self.compute(dir));
        self.dirs
            .lock()
            .unwrap()
            .insert(dir.to_path_buf(), state.clone());
        state
    }

    fn compute(&self, dir: &Path) -> DirState {
        let own = load_gitignore(dir, &dir.join(".gitignore"));
        if dir.join(".git").exists() {
            let mut matchers: Vec<Arc<Gitignore>> = own.into_iter().collect();
            matchers.extend(load_gitignore(dir, &dir.join(".git/info/exclude")));
            matchers.extend(self.global.clone());
            return DirState {
                repo: Some(RepoDir {
                    root: Arc::new(dir.to_path_buf()),
                    matchers,
                    ignored: false,
                }),
            };
        }
        let Some(parent) = dir.parent() else {
            return DirState { repo: None };
        };
        let p = self.dir_state(parent);
        let Some(pr) = &p.repo else {
            return DirState { repo: None };
        };
        let ignored = pr.ignored || decide(&pr.matchers, dir, true);
        let mut matchers: Vec<Arc<Gitignore>> = own.into_iter().collect();
        matchers.extend(pr.matchers.iter().cloned());
        DirState {
            repo: Some(RepoDir {
                root: pr.root.clone(),
                matchers,
                ignored,
            }),
        }
    }
}

/// The paths recorded in a work tree's index. `.git` may be a directory or, in linked work
/// trees and submodules, a file that points to the git directory.
fn read_index(root: &Path) -> Option<HashSet<Vec<u8>>> {
    let dot_git = root.join(".git");
    let git_dir = if dot_git.is_file() {
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let target = text.strip_prefix("gitdir:")?.trim();
        root.join(target)
    } else {
        dot_git
    };
    let index = git_dir.join("index");
    if !index.is_file() {
        return Some(HashSet::new());
    }
    let file = gix_index::File::at(
        &index,
        gix_hash::Kind::Sha1,
        true,
        gix_index::decode::Options::default(),
    )
    .ok()?;
    Some(
        file.entries()
            .iter()
            .map(|e| e.path(&file).to_vec())
            .collect(),
    )
}

fn decide(matchers: &[Arc<Gitignore>], path: &Path, is_dir: bool) -> bool {
    for m in matchers {
        let r = m.matched(path, is_dir);
        if r.is_ignore() {
            return true;
        }
        if r.is_whitelist() {
            return false;
        }
    }
    false
}

fn load_gitignore(root: &Path, file: &Path) -> Option<Arc<Gitignore>> {
    if !file.is_file() {
        return None;
    }
    let mut b = GitignoreBuilder::new(root);
    b.add(file);
    b.build().ok().filter(|g| !g.is_empty()).map(Arc::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_semantics() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        std::fs::create_dir_all(r.join(".git")).unwrap();
        std::fs::create_dir_all(r.join("secrets/keep")).unwrap();
        std::fs::create_dir_all(r.join("app")).unwrap();
        std::fs::write(r.join(".gitignore"), ".env\nsecrets/\n*.log\n").unwrap();
        std::fs::write(r.join("app/.gitignore"), "!debug.log\nlocal.json\n").unwrap();
        for f in [
            ".env",
            "app/.env",
            "secrets/keep/x",
            "app/debug.log",
            "app/other.log",
            "app/local.json",
            "app/main.rs",
            "README",
        ] {
            std::fs::write(r.join(f), "x").unwrap();
        }
        let idx = GitIgnoreIndex::new();
        let ig = |f: &str| idx.is_ignored(&r.join(f));
        assert!(ig(".env"));
        assert!(ig("app/.env"));
        assert!(ig("secrets/keep/x"));
        assert!(!ig("app/debug.log"), "whitelisted by the deeper file");
        assert!(ig("app/other.log"));
        assert!(ig("app/local.json"));
        assert!(!ig("app/main.rs"));
        assert!(!ig("README"));
        assert!(!ig(".git/config"));
    }

    #[test]
    fn outside_a_repository_nothing_is_ignored() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(".gitignore"), "*\n").unwrap();
        std::fs::write(d.path().join("f"), "x").unwrap();
        // The temp dir is not inside a work tree (no .git above it).
        assert!(!GitIgnoreIndex::new().is_ignored(&d.path().join("f")));
    }
}
