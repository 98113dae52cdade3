//! Which agent can read a finding now, from the policy it actually has: for Claude Code, Cursor,
//! Codex CLI, Gemini CLI, Gemini Code Assist and GitHub Copilot, whether its file tools and its
//! shell can read the file (or the variable, or the git object), and the rule that decides.
//!
//! Each agent's policy is read once per workspace ([`Policies::load`]) from the files the agent
//! reads (one module per agent says which, and how it matches them), then every finding is
//! looked up in it. "Readable" means no rule of the agent stops the read; the agent may still
//! ask the user to approve the command, which is not a rule credgate can see. Rules are exact
//! about what they cover: a Claude `Read(...)` deny covers the file tools (and the few shell
//! commands Claude recognises), not a script or `grep -r`, so such a finding is "denied to Read,
//! readable from Bash" unless Claude's sandbox covers it too. A file git tracks is also in the
//! repository's objects, which `git show` reads whatever covers the file.

mod claude;
mod codex;
mod copilot;
mod cursor;
mod gemini;
mod rule;

use crate::finding::{Finding, Origin};
use crate::model::Location;
pub use crate::model::{Access, Can};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What a finding is, for the agents: a file, a variable of the environment they start with,
/// or content of git's objects.
#[derive(Debug)]
pub enum Subject {
    File {
        /// As the finding names it, made absolute.
        abs: PathBuf,
        /// Its real path (symbolic links resolved), when that differs.
        real: Option<PathBuf>,
        /// Whether git tracks it (its content is in the objects too).
        tracked: bool,
        /// Whether git ignores it.
        gitignored: bool,
    },
    Env,
    GitObject,
}

impl Subject {
    fn of(f: &Finding) -> Subject {
        match &f.origin {
            Origin::EnvVar { .. } => Subject::Env,
            Origin::GitIndex { .. } | Origin::GitCommit { .. } => Subject::GitObject,
            o => {
                let file = o.file(None).unwrap_or_default();
                let abs = crate::util::normalize(&std::path::absolute(&file).unwrap_or(file));
                let real = std::fs::canonicalize(&abs).ok().filter(|r| *r != abs);
                Subject::File {
                    abs,
                    real,
                    tracked: f.assessment.location == Location::Tracked,
                    gitignored: f.gitignored,
                }
            }
        }
    }

    /// The paths a rule may match: as named, and the real path (agents match either).
    fn paths(&self) -> Vec<&Path> {
        match self {
            Subject::File { abs, real, .. } => std::iter::once(abs.as_path())
                .chain(real.as_deref())
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
impl Subject {
    /// An untracked, not ignored file at `abs`.
    pub(super) fn file(abs: PathBuf) -> Subject {
        Subject::File {
            abs,
            real: None,
            tracked: false,
            gitignored: false,
        }
    }
}

/// Where an agent runs and whose files it reads.
#[derive(Debug)]
pub struct Place {
    /// The workspace (the directory the agent starts in), absolute.
    pub workspace: PathBuf,
    pub home: Option<PathBuf>,
}

impl Place {
    fn inside(&self, p: &Path) -> bool {
        p.starts_with(&self.workspace)
    }
}

/// Every agent's policy for one workspace.
#[derive(Debug)]
pub struct Policies {
    place: Place,
    claude: claude::Policy,
    cursor: cursor::Policy,
    codex: codex::Policy,
    gemini: gemini::Policy,
    code_assist: gemini::CodeAssist,
    copilot: copilot::Policy,
}

impl Policies {
    /// Reads the agents' policy files for an agent started in `workspace`, with `home` as its
    /// home directory.
    pub fn load(workspace: &Path, home: Option<&Path>) -> Policies {
        let ws = std::fs::canonicalize(workspace).unwrap_or_else(|_| {
            crate::util::normalize(&std::path::absolute(workspace).unwrap_or_default())
        });
        let place = Place {
            workspace: ws,
            home: home.map(|h| std::fs::canonicalize(h).unwrap_or_else(|_| h.to_path_buf())),
        };
        Policies {
            claude: claude::Policy::load(&place),
            cursor: cursor::Policy::load(&place),
            codex: codex::Policy::load(&place),
            gemini: gemini::Policy::load(&place),
            code_assist: gemini::CodeAssist,
            copilot: copilot::Policy::load(&place),
            place,
        }
    }

    /// What each agent can do with `f`.
    pub fn access(&self, f: &Finding) -> Vec<Access> {
        let s = Subject::of(f);
        let p = &self.place;
        let mut out = vec![
            self.claude.access(&s, p),
            self.cursor.access(&s, p),
            self.codex.access(&s, p),
            self.gemini.access(&s, p),
            self.code_assist.access(&s, p),
            self.copilot.access(&s, p),
        ];
        for a in &mut out {
            git_objects(a, &s);
            a.verdict = verdict(a);
        }
        out
    }
}

/// A tracked file's content is in the repository's objects: `git show HEAD:path` reads it
/// whatever covers the file itself.
fn git_objects(a: &mut Access, s: &Subject) {
    if let Subject::File { tracked: true, .. } = s
        && a.shell == Can::Denied
    {
        a.shell = Can::Read;
        a.because.push("git tracks the file: `git show HEAD:path` reads it from the objects, which no rule on the file covers".into());
    }
}

/// The tools' names in the verdict, per agent.
fn tool_names(agent: &str) -> (&'static str, &'static str) {
    match agent {
        "claude" => ("Read", "Bash"),
        "cursor" => ("the file tools", "the terminal"),
        "gemini" => ("read_file", "run_shell_command"),
        "gemini-code-assist" => ("its context", "the terminal"),
        _ => ("the file tools", "the shell"),
    }
}

fn verdict(a: &Access) -> String {
    let word = |c: Can| match c {
        Can::Read => "readable",
        Can::Ask => "asks first",
        Can::Denied => "denied",
        Can::Unknown => "unknown",
        Can::None => "out of its reach",
    };
    let (files, shell) = tool_names(a.agent);
    match (a.file_tools, a.shell) {
        (x, y) if x == y => word(x).to_string(),
        (Can::None, y) => word(y).to_string(),
        (x, Can::None) => word(x).to_string(),
        (x, y) => {
            let part = |c: Can, tool: &str| match c {
                Can::Read => format!("readable from {tool}"),
                Can::Ask => format!("{tool} asks first"),
                Can::Denied => format!("denied to {tool}"),
                Can::Unknown => format!("unknown for {tool}"),
                Can::None => String::new(),
            };
            format!("{}, {}", part(x, files), part(y, shell))
        }
    }
}

/// The agents' verdicts in one line, agents with the same verdict together, in order:
/// `claude: denied to Read, readable from Bash; cursor, codex: readable`.
pub fn one_line(access: &[Access]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for a in access {
        match groups.iter_mut().find(|(v, _)| *v == a.verdict) {
            Some((_, names)) => names.push(a.agent),
            None => groups.push((&a.verdict, vec![a.agent])),
        }
    }
    groups
        .iter()
        .map(|(v, names)| format!("{}: {v}", names.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Fills every finding's `agents`, loading each workspace root's policies once. `home` is the
/// agents' home directory; `threads` the scan's, used once many files hold findings.
pub fn annotate(findings: &mut [Finding], home: Option<&Path>, threads: usize) {
    /// Distinct files from which the lookups are worth spreading over the pool.
    const PARALLEL_FROM: usize = 64;
    let mut by_root: HashMap<PathBuf, Policies> = HashMap::new();
    // Where an agent would start for each scan root (a file named alone: its directory),
    // asked of the file system once per root.
    let mut start_of: HashMap<PathBuf, PathBuf> = HashMap::new();
    // A file's findings share its access: its real path is resolved and every agent's rules
    // matched once per file, not once per finding (3% of a scan of real source). `group[i]`
    // is finding i's entry in `files`, which holds (root, the file's first finding); a finding
    // that is no file (a variable, a git object) has an entry of its own.
    let mut key_of: HashMap<(PathBuf, PathBuf, bool, bool), usize> = HashMap::new();
    let mut files: Vec<(PathBuf, usize)> = Vec::new();
    let mut group = Vec::with_capacity(findings.len());
    for (i, f) in findings.iter().enumerate() {
        let root = match &f.origin {
            Origin::Workspace { root, .. } => start_of
                .entry(root.clone())
                .or_insert_with(|| {
                    if root.is_dir() {
                        root.clone()
                    } else {
                        root.parent()
                            .filter(|p| !p.as_os_str().is_empty())
                            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                    }
                })
                .clone(),
            _ => PathBuf::from("."),
        };
        by_root
            .entry(root.clone())
            .or_insert_with(|| Policies::load(&root, home));
        let file = match &f.origin {
            Origin::EnvVar { .. } | Origin::GitIndex { .. } | Origin::GitCommit { .. } => None,
            o => o.file(None),
        };
        let tracked = f.assessment.location == Location::Tracked;
        let g = match file {
            Some(file) => *key_of
                .entry((root.clone(), file, tracked, f.gitignored))
                .or_insert_with(|| {
                    files.push((root, i));
                    files.len() - 1
                }),
            None => {
                files.push((root, i));
                files.len() - 1
            }
        };
        group.push(g);
    }
    // Resolving a real path is a few system calls per file, and a scan of real source has
    // thousands of files with findings: on the scan's pool, since this runs after the walk.
    let lookup = |(root, i): &(PathBuf, usize)| by_root[root].access(&findings[*i]);
    let access: Vec<Vec<Access>> = if files.len() >= PARALLEL_FROM && threads > 1 {
        use rayon::prelude::*;
        crate::pipeline::rayon_pool(threads);
        files.par_iter().map(lookup).collect()
    } else {
        files.iter().map(lookup).collect()
    };
    for (f, g) in findings.iter_mut().zip(group) {
        f.agents = access[g].clone();
    }
}

/// An access where no rule applies: `file_tools` and `shell` as given.
fn plain(agent: &'static str, file_tools: Can, shell: Can) -> Access {
    Access {
        agent,
        verdict: String::new(),
        file_tools,
        shell,
        because: Vec::new(),
    }
}

/// The access of a subject that is no file: a variable every agent inherits and its shell
/// prints; git content its shell reads with `git show`.
fn not_a_file(agent: &'static str, s: &Subject) -> Option<Access> {
    match s {
        Subject::Env => Some(Access {
            because: vec!["in the environment the agent starts with: `env` prints it".into()],
            ..plain(agent, Can::None, Can::Read)
        }),
        Subject::GitObject => Some(Access {
            because: vec!["in git's objects: `git show` and `git log -p` print it".into()],
            ..plain(agent, Can::None, Can::Read)
        }),
        Subject::File { .. } => None,
    }
}

/// Whether a Claude Code `Read(...)` rule written in the workspace's
/// `.claude/settings.local.json` covers `file`, matched as [`Policies`] matches it: how
/// `--agent-policy` checks each rule against the file it is meant to cover before writing it.
pub fn claude_rule_covers(rule: &str, workspace: &Path, home: Option<&Path>, file: &Path) -> bool {
    claude::local_rule_covers(rule, &place_for(workspace, home), &canonical(file))
}

/// Whether a `sandbox.filesystem.denyRead` path written in the workspace's
/// `.claude/settings.local.json` covers `file`.
pub fn claude_sandbox_covers(
    path: &str,
    workspace: &Path,
    home: Option<&Path>,
    file: &Path,
) -> bool {
    claude::local_sandbox_covers(path, &place_for(workspace, home), &canonical(file))
}

/// Whether a gitignore-style line in an ignore file at the workspace root (`.cursorignore`,
/// `.geminiignore`, `.aiexclude`) covers `file`.
pub fn ignore_line_covers(line: &str, workspace: &Path, file: &Path) -> bool {
    let place = place_for(workspace, None);
    rule::Rule::new(String::new(), &place.workspace, line)
        .is_some_and(|r| r.covers(&canonical(file)))
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p)
        .unwrap_or_else(|_| crate::util::normalize(&std::path::absolute(p).unwrap_or_default()))
}

fn place_for(workspace: &Path, home: Option<&Path>) -> Place {
    Place {
        workspace: canonical(workspace),
        home: home.map(canonical),
    }
}

/// Claude-style `Read(...)` permission rules, as Claude Code, the Cursor CLI and Copilot CLI
/// write them: the pattern between the parentheses; `Read` alone covers everything.
fn read_rule_pattern(rule: &str) -> Option<&str> {
    let rule = rule.trim();
    if rule == "Read" {
        return Some("**");
    }
    rule.strip_prefix("Read(")?.strip_suffix(')')
}

/// The JSON object in `path`, if it exists and is one (an agent ignores a broken file, and so
/// does credgate: it is no policy).
fn json_file(path: &Path) -> Option<serde_json::Value> {
    let bytes = std::fs::read(path).ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .filter(|v| v.is_object())
}

/// A path as a file names it, for `because`: `~/x` under the home, `x` in the workspace.
fn shown(p: &Path, place: &Place) -> String {
    if let Ok(rel) = p.strip_prefix(&place.workspace) {
        return rel.display().to_string();
    }
    if let Some(h) = &place.home
        && let Ok(rel) = p.strip_prefix(h)
    {
        return format!("~/{}", rel.display());
    }
    p.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_say_which_tool() {
        let v = |agent, f, s| verdict(&plain(agent, f, s));
        assert_eq!(
            v("claude", Can::Denied, Can::Read),
            "denied to Read, readable from Bash"
        );
        assert_eq!(v("claude", Can::Read, Can::Read), "readable");
        assert_eq!(v("codex", Can::None, Can::Read), "readable");
        assert_eq!(v("copilot", Can::Ask, Can::Ask), "asks first");
        assert_eq!(
            v("gemini", Can::Denied, Can::Read),
            "denied to read_file, readable from run_shell_command"
        );
    }

    #[test]
    fn a_rule_is_checked_against_the_file_as_the_agent_matches_it() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a[1].env");
        std::fs::write(&f, "x").unwrap();
        assert!(
            !claude_rule_covers("Read(./a[1].env)", d.path(), None, &f),
            "[1] is a class"
        );
        assert!(claude_rule_covers(
            "Read(./a\\[1\\].env)",
            d.path(),
            None,
            &f
        ));
        assert!(ignore_line_covers("/a\\[1\\].env", d.path(), &f));
        assert!(!ignore_line_covers("/a[1].env", d.path(), &f));
        let abs = format!("/{}", std::fs::canonicalize(&f).unwrap().display());
        assert!(claude_sandbox_covers(
            &abs.replace('[', "\\[").replace(']', "\\]"),
            d.path(),
            None,
            &f
        ));
    }

    #[test]
    fn read_rules() {
        assert_eq!(read_rule_pattern("Read(./.env)"), Some("./.env"));
        assert_eq!(read_rule_pattern("Read"), Some("**"));
        assert_eq!(read_rule_pattern("Bash(rm:*)"), None);
    }
}
