//! Where a finding's content came from, as a type rather than a string with magic values.
//!
//! Every source of content (the workspace walk, the home directory's credential stores, the
//! environment, the git index, git history, bytes in memory) says where its content came from
//! with one [`Origin`]. Every output (text, JSON, SARIF, GitLab, `guard`, the Claude hook) renders
//! it through the methods here, so an environment variable is `$NAME` everywhere, and a directory
//! that happens to be called `env` is just a directory.

use super::display::display_path;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a piece of scanned content came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// A file under a workspace root. `root` is the root as it was given (`.`, `src`, an absolute
    /// path); `path` is relative to it. A file given directly as a root has root `.` and its path
    /// as given.
    Workspace {
        /// The root as given on the command line.
        root: PathBuf,
        /// The path below it.
        path: PathBuf,
    },
    /// A file of a CLI or agent credential store under a home directory; `path` is relative to
    /// `home`.
    Home {
        /// The home directory that was scanned.
        home: PathBuf,
        /// The store file, relative to it.
        path: PathBuf,
    },
    /// An environment variable of this process.
    EnvVar {
        /// The variable's name, without `$`.
        name: String,
    },
    /// The staged (index) version of a file, by its `/`-separated path in the repository.
    GitIndex {
        /// The path in the repository.
        path: String,
    },
    /// A blob of git history: its path in the commit that introduced it, that commit and the
    /// blob's id (full hexadecimal ids).
    GitCommit {
        /// The path in the repository, in the introducing commit.
        path: String,
        /// The commit that introduced the blob.
        commit: String,
        /// The blob's id.
        blob: String,
    },
}

impl Origin {
    /// The kind, as JSON names it: `workspace`, `home`, `env`, `git-index`, `git-commit`.
    pub fn kind(&self) -> &'static str {
        match self {
            Origin::Workspace { .. } => "workspace",
            Origin::Home { .. } => "home",
            Origin::EnvVar { .. } => "env",
            Origin::GitIndex { .. } => "git-index",
            Origin::GitCommit { .. } => "git-commit",
        }
    }

    /// The file on disk this content is (or, for git, is the committed form of), if any.
    /// Git paths are resolved against `workdir`.
    pub fn file(&self, workdir: Option<&Path>) -> Option<PathBuf> {
        match self {
            Origin::Workspace { root, path } => Some(join_root(root, path)),
            Origin::Home { home, path } => Some(home.join(path)),
            Origin::EnvVar { .. } => None,
            Origin::GitIndex { path } | Origin::GitCommit { path, .. } => {
                Some(workdir?.join(super::display::path_from_display(path)))
            }
        }
    }

    /// The path inside its root, as reports write it (`/`-separated, non-UTF-8 bytes escaped).
    /// For an environment variable, `$NAME`.
    pub fn path_display(&self) -> String {
        match self {
            Origin::Workspace { path, .. } | Origin::Home { path, .. } => display_path(path),
            Origin::EnvVar { name } => format!("${name}"),
            Origin::GitIndex { path } | Origin::GitCommit { path, .. } => path.clone(),
        }
    }

    /// The `root` field of the JSON report (kept from report version 1): the workspace root as
    /// given, `~` for the home directory, `env` for the environment, `.` for git content. Read
    /// `origin.kind` to tell them apart.
    pub fn legacy_root(&self) -> String {
        match self {
            Origin::Workspace { root, .. } => display_path(root),
            Origin::Home { .. } => "~".into(),
            Origin::EnvVar { .. } => "env".into(),
            Origin::GitIndex { .. } | Origin::GitCommit { .. } => ".".into(),
        }
    }

    /// Whether content from here has lines worth naming (an environment variable has one).
    pub fn has_lines(&self) -> bool {
        !matches!(self, Origin::EnvVar { .. })
    }

    /// The location of a position in it, as every output writes it: `src/app.py:12:5`,
    /// `~/.aws/credentials:3:1`, `$NAME` (a variable has no lines).
    pub fn at(&self, line: u64, column: Option<u64>) -> String {
        if !self.has_lines() {
            return self.to_string();
        }
        match column {
            Some(c) => format!("{self}:{line}:{c}"),
            None => format!("{self}:{line}"),
        }
    }
}

/// `root/path`, without a leading `./` for the current directory.
fn join_root(root: &Path, path: &Path) -> PathBuf {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}

/// The one rendering of an origin: `src/app.py`, `/abs/root/app.py`, `~/.aws/credentials`,
/// `$NAME`.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Workspace { root, path } => {
                let shown = display_path(&join_root(root, path));
                f.write_str(&shown)
            }
            Origin::Home { path, .. } => write!(f, "~/{}", display_path(path)),
            Origin::EnvVar { name } => write!(f, "${name}"),
            Origin::GitIndex { path } | Origin::GitCommit { path, .. } => f.write_str(path),
        }
    }
}

/// The JSON form: `{"kind": "workspace", "root": ..., "path": ...}`, `{"kind": "home", "home":
/// ..., "path": ...}`, `{"kind": "env", "name": ...}`, `{"kind": "git-index", "path": ...}`,
/// `{"kind": "git-commit", "path": ..., "commit": ..., "blob": ...}`.
impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("kind", self.kind())?;
        match self {
            Origin::Workspace { root, path } => {
                m.serialize_entry("root", &display_path(root))?;
                m.serialize_entry("path", &display_path(path))?;
            }
            Origin::Home { home, path } => {
                m.serialize_entry("home", &display_path(home))?;
                m.serialize_entry("path", &display_path(path))?;
            }
            Origin::EnvVar { name } => m.serialize_entry("name", name)?,
            Origin::GitIndex { path } => m.serialize_entry("path", path)?,
            Origin::GitCommit { path, commit, blob } => {
                m.serialize_entry("path", path)?;
                m.serialize_entry("commit", commit)?;
                m.serialize_entry("blob", blob)?;
            }
        }
        m.end()
    }
}

/// Serializes a finding's origin as the three JSON fields `root`, `path` (report version 1) and
/// `origin` (version 2), for `#[serde(flatten)]`.
pub(crate) fn serialize_fields<S: Serializer>(o: &Origin, s: S) -> Result<S::Ok, S::Error> {
    let mut m = s.serialize_map(Some(3))?;
    m.serialize_entry("root", &o.legacy_root())?;
    m.serialize_entry("path", &o.path_display())?;
    m.serialize_entry("origin", o)?;
    m.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(root: &str, path: &str) -> Origin {
        Origin::Workspace {
            root: root.into(),
            path: path.into(),
        }
    }

    #[test]
    fn one_rendering_per_kind() {
        assert_eq!(ws(".", "src/a.py").to_string(), "src/a.py");
        assert_eq!(ws("env", "app.cfg").to_string(), "env/app.cfg");
        assert_eq!(ws("/abs/root/", "app.cfg").to_string(), "/abs/root/app.cfg");
        let home = Origin::Home {
            home: "/home/u".into(),
            path: ".aws/credentials".into(),
        };
        assert_eq!(home.at(3, Some(1)), "~/.aws/credentials:3:1");
        let var = Origin::EnvVar {
            name: "RAILWAY_API_TOKEN".into(),
        };
        assert_eq!(var.at(1, Some(19)), "$RAILWAY_API_TOKEN");
        assert_eq!(var.to_string(), "$RAILWAY_API_TOKEN");
        assert_eq!(ws("env", "app.cfg").at(2, None), "env/app.cfg:2");
    }

    #[test]
    fn a_directory_named_env_is_a_workspace() {
        let o = ws("env", "app.cfg");
        assert_eq!(o.kind(), "workspace");
        assert_eq!(o.legacy_root(), "env");
        assert_eq!(o.file(None), Some(PathBuf::from("env/app.cfg")));
        let v = serde_json::to_value(&o).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"kind": "workspace", "root": "env", "path": "app.cfg"})
        );
        assert_eq!(Origin::EnvVar { name: "X".into() }.file(None), None);
    }
}
