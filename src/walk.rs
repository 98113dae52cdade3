//! Walking: what an agent running as the user can read, not what git shows.
//!
//! By default hidden files and gitignored files are walked (an agent reads `.env` whether git
//! tracks it or not); `--respect-gitignore` gives the committed view instead. Inside `.git/` only
//! the few small text files that hold credentials are read (`config` with remote URLs, hooks),
//! never objects or packs.
//!
//! Whether git ignores a file is still recorded for every finding, through [`GitIgnoreIndex`],
//! which evaluates `.gitignore` files the way git does, lazily and only for files with findings.

pub use crate::assessment::context::GitStatus;
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkParallel};
use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What to walk and how.
#[derive(Clone, Debug)]
pub struct WalkOptions {
    pub roots: Vec<PathBuf>,
    pub respect_gitignore: bool,
    pub excludes: Vec<String>,
    pub follow_links: bool,
    pub threads: usize,
}

/// Compiles a user or detector path glob. A glob without `/` matches a file name at any depth
/// (`*.pem`, `.env`), as in `.gitignore`; one with `/` matches the path relative to the scan root.
pub fn path_glob(g: &str) -> Result<Glob, globset::Error> {
    let pattern = if g.contains('/') {
        g.trim_start_matches('/').to_string()
    } else {
        format!("**/{g}")
    };
    GlobBuilder::new(&pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}

/// Builds the parallel walker.
pub fn build(opts: &WalkOptions) -> anyhow::Result<WalkParallel> {
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
        .threads(opts.threads);
    let mut gs = GlobSetBuilder::new();
    for e in &opts.excludes {
        gs.add(path_glob(e).map_err(|err| anyhow::anyhow!("--exclude {e:?}: {err}"))?);
    }
    let excludes: GlobSet = gs.build()?;
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
