//! One path rule of an agent's policy, matched the way the agent matches it: a gitignore-style
//! pattern anchored at a directory (the workspace, the home directory, `/`), covering a file
//! when the pattern matches it or a directory above it.

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::{Path, PathBuf};

/// A rule, with what to call it in a report (`Read(./.env) in .claude/settings.local.json`).
#[derive(Debug)]
pub struct Rule {
    pub label: String,
    root: PathBuf,
    matcher: Gitignore,
}

impl Rule {
    /// `pattern` in gitignore syntax, relative to `root` (`/x` anchors it there; a bare name
    /// matches at any depth below it). `None` when the pattern does not parse.
    pub fn new(label: String, root: &Path, pattern: &str) -> Option<Rule> {
        let mut b = GitignoreBuilder::new(root);
        b.add_line(None, pattern).ok()?;
        let matcher = b.build().ok()?;
        Some(Rule {
            label,
            root: root.to_path_buf(),
            matcher,
        })
    }

    /// Whether the rule covers the file at `abs` (an absolute, normalized path).
    pub fn covers(&self, abs: &Path) -> bool {
        abs.starts_with(&self.root)
            && self
                .matcher
                .matched_path_or_any_parents(abs, false)
                .is_ignore()
    }
}

/// The rules of a gitignore-style file (`.cursorignore`, `.geminiignore`), anchored at its
/// directory, negations and all; `None` when the file does not exist.
pub fn ignore_file(file: &Path, label: &str) -> Option<IgnoreFile> {
    if !file.is_file() {
        return None;
    }
    let dir = file.parent()?;
    let mut b = GitignoreBuilder::new(dir);
    if b.add(file).is_some() {
        return None;
    }
    Some(IgnoreFile {
        label: label.to_string(),
        root: dir.to_path_buf(),
        matcher: b.build().ok()?,
    })
}

/// A gitignore-style file's rules.
#[derive(Debug)]
pub struct IgnoreFile {
    label: String,
    root: PathBuf,
    matcher: Gitignore,
}

impl IgnoreFile {
    /// The line that ignores `abs` (`.cursorignore: /.env`), if one does.
    pub fn covering(&self, abs: &Path) -> Option<String> {
        if !abs.starts_with(&self.root) {
            return None;
        }
        match self.matcher.matched_path_or_any_parents(abs, false) {
            ignore::Match::Ignore(g) => Some(format!("{}: {}", self.label, g.original())),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchored_and_floating_patterns() {
        let ws = Path::new("/w");
        let r = |p: &str| Rule::new(p.into(), ws, p).unwrap();
        assert!(r(".env").covers(Path::new("/w/app/.env")));
        assert!(r("/.env").covers(Path::new("/w/.env")));
        assert!(!r("/.env").covers(Path::new("/w/app/.env")));
        assert!(r("/secrets/**").covers(Path::new("/w/secrets/db/pw.txt")));
        assert!(
            r("secrets").covers(Path::new("/w/a/secrets/pw.txt")),
            "a directory covers what is in it"
        );
        assert!(
            !r(".env").covers(Path::new("/elsewhere/.env")),
            "only below its root"
        );
        assert!(r(".env.*").covers(Path::new("/w/.env.local")));
    }

    #[test]
    fn ignore_files_name_the_line() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(".cursorignore"), "# x\n*.pem\n!public.pem\n").unwrap();
        let f = ignore_file(&d.path().join(".cursorignore"), ".cursorignore").unwrap();
        assert_eq!(
            f.covering(&d.path().join("k/server.pem")).as_deref(),
            Some(".cursorignore: *.pem")
        );
        assert_eq!(f.covering(&d.path().join("public.pem")), None);
        assert!(ignore_file(&d.path().join("nope"), "x").is_none());
    }
}
