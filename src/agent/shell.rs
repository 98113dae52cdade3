//! What a shell command an agent wants to run can reach, best effort and on the side of
//! caution: the files it names (with `~`, `$HOME`, `${HOME}`, `$PWD`, variables the command
//! assigns or the environment holds, and globs expanded; quotes removed inside words), the
//! directory a search without a path searches (`rg token`, `grep -r token`, `git grep token`),
//! the workspace for a command substitution it cannot read (`cat $(ls -a | grep env)`), the
//! environment when it prints variables (`env`, `printenv`, `echo $NAME`,
//! `/proc/self/environ`), and the credential store of a CLI asked to print its token
//! (`gh auth token`, `gcloud auth print-access-token`, `aws configure get`).

use std::path::{Path, PathBuf};

/// What one command reaches.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// Files and directories it reads (directories are scanned whole).
    pub paths: Vec<PathBuf>,
    /// It prints the whole environment.
    pub all_env: bool,
    /// Variables it prints by name.
    pub env_names: Vec<String>,
    /// A shell or interpreter it starts whose program is not in the command: read from standard
    /// input (`echo Y2F0IC5lbnY= | base64 -d | sh`) or typed into a session the host keeps open
    /// (Codex's `exec_command` with a terminal, then `write_stdin`, which no hook sees). What
    /// that program reads cannot be known before it runs.
    pub unseen_program: Option<String>,
}

/// Programs that search a directory when given no path (`rg token` searches `.`).
const SEARCHERS: &[&str] = &[
    "rg", "ag", "ack", "grep", "egrep", "fgrep", "git", "find", "fd",
];

/// Programs that print the environment when run with no argument (or, `printenv`, the named
/// variables).
const ENV_PRINTERS: &[&str] = &["env", "printenv", "set", "export", "declare", "typeset"];

/// Shells: without `-c` or a script they run the commands on standard input.
const SHELLS: &[&str] = &["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish"];

/// Interpreters: without an inline program (`-c`, `-e`, `-m`, ...) or a script they run the
/// program on standard input, or start a prompt.
const INTERPRETERS: &[&str] = &[
    "python", "python2", "python3", "pypy", "pypy3", "ipython", "node", "deno", "bun", "perl",
    "ruby", "irb", "php", "lua", "tclsh", "wish", "R",
];

/// Programs that start an interactive session whatever their arguments.
const SESSIONS: &[&str] = &["script", "tmux", "screen", "expect", "unbuffer"];

/// Words that run the command after them (`exec bash`, `env -i sh`, `timeout 9 python3`).
const WRAPPERS: &[&str] = &[
    "exec", "env", "nohup", "command", "builtin", "sudo", "time", "nice", "setsid", "stdbuf",
    "timeout", "chrt", "ionice",
];

/// The shell or interpreter of `words` (one program and its arguments) whose program the command
/// does not hold, if it starts one: `bash`, `bash -i`, `sh -s`, `python3 -`, `node`, `| sh`.
fn unseen_program(words: &[&str]) -> Option<String> {
    let mut words = words;
    while let Some(first) = words.first() {
        let name = first.rsplit('/').next().unwrap_or(first);
        if !WRAPPERS.contains(&name) {
            break;
        }
        // The wrapper's own flags, assignments and numbers (`env -i A=1`, `timeout 9`).
        words = &words[1..];
        while let Some(w) = words.first() {
            if w.starts_with('-') || w.contains('=') || w.parse::<f64>().is_ok() {
                words = &words[1..];
            } else {
                break;
            }
        }
    }
    let program = words.first()?;
    let name = program.rsplit('/').next().unwrap_or(program);
    // `python3.12`, `pypy3.10`: the version is not part of the name.
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    let base = if INTERPRETERS.contains(&name) {
        name
    } else {
        base
    };
    if SESSIONS.contains(&name) {
        return Some(name.to_string());
    }
    let shell = SHELLS.contains(&name);
    if !shell && !INTERPRETERS.contains(&base) {
        return None;
    }
    let args = &words[1..];
    let cluster = |w: &str| w.starts_with('-') && !w.starts_with("--") && w.len() > 1;
    let inline = if shell {
        args.iter().filter(|w| cluster(w)).any(|w| w.contains('c'))
    } else {
        args.iter().any(|w| {
            cluster(w) && w.contains(['c', 'e', 'E', 'm', 'r', 'p'])
                || matches!(*w, "--eval" | "--print" | "--command")
        })
    };
    let script = args.iter().any(|w| !w.starts_with('-'));
    // `python3 -i x.py`, `node -i`: a prompt after the program.
    let prompt = matches!(
        base,
        "python" | "python2" | "python3" | "pypy" | "pypy3" | "node"
    ) && args.iter().filter(|w| cluster(w)).any(|w| w.contains('i'));
    (prompt || !(inline || script)).then(|| name.to_string())
}

/// CLIs that print the token they hold, and the store that holds it (relative to the home).
const TOKEN_PRINTERS: &[(&[&str], &str)] = &[
    (&["gh", "auth", "token"], ".config/gh"),
    (&["gh", "auth", "status"], ".config/gh"),
    (&["gcloud", "auth", "print-access-token"], ".config/gcloud"),
    (
        &["gcloud", "auth", "print-identity-token"],
        ".config/gcloud",
    ),
    (
        &[
            "gcloud",
            "auth",
            "application-default",
            "print-access-token",
        ],
        ".config/gcloud",
    ),
    (&["aws", "configure", "get"], ".aws"),
    (&["aws", "configure", "export-credentials"], ".aws"),
    (&["heroku", "auth:token"], ".netrc"),
    (&["az", "account", "get-access-token"], ".azure"),
    (&["doctl", "auth"], ".config/doctl"),
];

fn expand_home(word: &str, home: Option<&Path>) -> Option<String> {
    let home = home?.to_str()?;
    for p in ["~/", "$HOME/", "${HOME}/"] {
        if let Some(rest) = word.strip_prefix(p) {
            return Some(format!("{home}/{rest}"));
        }
    }
    None
}

/// `~`, `$HOME` or `${HOME}` alone.
fn bare_home(word: &str) -> bool {
    ["~", "$HOME", "${HOME}"].contains(&word)
}

/// The files a glob word matches, in its directory (dotfiles included: `.e*` is `.env`).
fn expand_glob(word: &str) -> Vec<PathBuf> {
    let path = Path::new(word);
    let (dir, pattern) = match (path.parent(), path.file_name()) {
        (Some(d), Some(f)) => (d.to_path_buf(), f.to_string_lossy().into_owned()),
        _ => return Vec::new(),
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    if dir.to_string_lossy().contains(['*', '?', '[']) {
        // A glob in a directory part: the directory above it, whole.
        return vec![
            dir.parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        ];
    }
    let Ok(glob) = globset::GlobBuilder::new(&pattern)
        .literal_separator(true)
        .build()
        .map(|g| g.compile_matcher())
    else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| glob.is_match(e.file_name()))
        .map(|e| dir.join(e.file_name()))
        .collect();
    out.sort();
    out
}

/// The parts of a command line run as separate programs (`a | b; c && d`), as words with
/// their quotes removed wherever they are (`.e""nv` is `.env`, `'cat .env'` after `sh -c` is
/// two words). Splitting inside quotes as well is on the side of caution: every word of a
/// nested command is looked at.
fn segments(cmd: &str) -> Vec<Vec<String>> {
    cmd.split(['|', ';', '&', '\n'])
        .map(|seg| {
            seg.split(|c: char| c.is_whitespace() || "<>()`".contains(c))
                .map(|w| w.replace(['"', '\''], ""))
                .filter(|w| !w.is_empty())
                .collect::<Vec<String>>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// `NAME=value` words anywhere in the command (`F=.env; cat $F`), by name.
fn assignments(segments: &[Vec<String>]) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    for w in segments.iter().flatten() {
        if let Some((name, value)) = w.split_once('=')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
        {
            out.insert(name.to_string(), value.to_string());
        }
    }
    out
}

/// `word` with `$NAME` and `${NAME}` replaced by what the command assigned, `PWD` by the
/// call's working directory, or the value in the environment the agent runs the command in
/// (the hook's own); `HOME` is left to [`expand_home`], unknown names as they are.
fn expand_vars(
    word: &str,
    assigned: &std::collections::HashMap<String, String>,
    cwd: &Path,
) -> String {
    if !word.contains('$') {
        return word.to_string();
    }
    let mut out = String::new();
    let mut rest = word;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (braced, body) = match after.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, after),
        };
        let len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let name = &body[..len];
        let closed = !braced || body[len..].starts_with('}');
        let value = match name {
            _ if name.is_empty() || !closed => None,
            "HOME" => None,
            "PWD" => Some(cwd.to_string_lossy().into_owned()),
            _ => assigned
                .get(name)
                .cloned()
                .or_else(|| std::env::var(name).ok()),
        };
        match value {
            Some(v) => {
                out.push_str(&v);
                rest = &body[len + usize::from(braced)..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Variables a word prints by name: `$NAME`, `${NAME}`, `${NAME:-x}`.
fn variables(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = word;
    while let Some(i) = rest.find('$') {
        rest = &rest[i + 1..];
        let body = rest.strip_prefix('{').unwrap_or(rest);
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) && name != "HOME" {
            out.push(name);
        }
    }
    out
}

/// What `cmd`, run in `cwd`, reaches. Relative paths are resolved against `cwd`.
pub fn reach(cmd: &str, cwd: &Path, home: Option<&Path>) -> Reach {
    let mut r = Reach::default();
    let resolve = |p: &str| -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            cwd.join(p)
        }
    };
    if cmd.contains("$(") || cmd.contains('`') {
        // What a substitution names is known only when it runs: the workspace, whole.
        r.paths.push(cwd.to_path_buf());
    }
    let segs = segments(cmd);
    let assigned = assignments(&segs);
    for seg in &segs {
        // `VAR=x cmd ...`: the program is the first word that is not an assignment.
        let start = seg
            .iter()
            .position(|w| !(w.contains('=') && !w.starts_with('-') && !w.starts_with('$')))
            .unwrap_or(seg.len());
        let raw: Vec<&str> = seg[start..].iter().map(String::as_str).collect();
        let expanded: Vec<String> = raw.iter().map(|w| expand_vars(w, &assigned, cwd)).collect();
        let words: Vec<&str> = expanded.iter().map(String::as_str).collect();
        let words = words.as_slice();
        let Some(&program) = words.first() else {
            continue;
        };
        if r.unseen_program.is_none() {
            r.unseen_program = unseen_program(words);
        }
        let program = program.rsplit('/').next().unwrap_or(program);
        let mut named_path = false;
        for (i, w) in words.iter().enumerate() {
            // The variables it prints, by the names written (before expansion).
            r.env_names.extend(variables(raw[i]));
            if w.contains("/proc/") && w.ends_with("/environ") {
                r.all_env = true;
            }
            if i == 0 || w.starts_with('-') {
                continue;
            }
            if *w == cwd.to_string_lossy() {
                // `grep -r token $PWD`: the working directory, whole, for a search.
                if SEARCHERS.contains(&program) {
                    named_path = true;
                    r.paths.push(cwd.to_path_buf());
                }
                continue;
            }
            if bare_home(w) {
                // `grep -r token ~` searches the home; `echo $HOME` reads nothing.
                if let (true, Some(h)) = (SEARCHERS.contains(&program), home) {
                    named_path = true;
                    r.paths.push(h.to_path_buf());
                }
                continue;
            }
            let word = expand_home(w, home).unwrap_or_else(|| w.to_string());
            if word.contains(['*', '?', '[']) {
                let base = resolve(&word).to_string_lossy().into_owned();
                let found = expand_glob(&base);
                named_path |= !found.is_empty();
                r.paths.extend(found);
                continue;
            }
            let p = resolve(word.split_once('=').map_or(word.as_str(), |(_, v)| v));
            if p.exists() {
                named_path = true;
                r.paths.push(p);
            }
        }
        let args: Vec<&str> = words[1..]
            .iter()
            .copied()
            .filter(|w| !w.starts_with('-'))
            .collect();
        if SEARCHERS.contains(&program) && !named_path {
            let searches = match program {
                // `git grep` searches the work tree; other git commands are not searches.
                "git" => args.first() == Some(&"grep"),
                // `grep PATTERN` alone reads standard input; with -r it reads the directory.
                "grep" | "egrep" | "fgrep" => words.iter().any(|w| {
                    w.starts_with('-') && !w.starts_with("--") && w.contains(['r', 'R'])
                        || *w == "--recursive"
                }),
                _ => true,
            };
            if searches {
                r.paths.push(cwd.to_path_buf());
            }
        }
        if ENV_PRINTERS.contains(&program) {
            match (program, args.as_slice()) {
                ("printenv", names) if !names.is_empty() => {
                    r.env_names.extend(names.iter().map(|n| n.to_string()))
                }
                (_, []) => r.all_env = true,
                // `env CMD`: runs CMD; `export X=y`: sets.
                _ => {}
            }
        }
        if let Some(home) = home {
            for (prefix, store) in TOKEN_PRINTERS {
                if words.len() >= prefix.len()
                    && words[..prefix.len()]
                        .iter()
                        .zip(prefix.iter())
                        .all(|(a, b)| a == b)
                {
                    r.paths.push(home.join(store));
                }
            }
        }
    }
    r.paths.sort();
    r.paths.dedup();
    r.env_names.sort();
    r.env_names.dedup();
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, tempfile::TempDir) {
        let ws = tempfile::tempdir().unwrap();
        let home = tempfile::tempdir().unwrap();
        std::fs::write(ws.path().join(".env"), "X=1").unwrap();
        std::fs::write(ws.path().join("app.py"), "").unwrap();
        std::fs::create_dir_all(home.path().join(".railway")).unwrap();
        std::fs::write(home.path().join(".railway/config.json"), "{}").unwrap();
        (ws, home)
    }

    #[test]
    fn the_commands_an_agent_reaches_credentials_with() {
        let (ws, home) = setup();
        let (w, h) = (ws.path(), home.path());
        let r = |c: &str| reach(c, w, Some(h));
        for cmd in [
            "rg token",
            "rg -uu token",
            "git grep token",
            "grep -ri token",
            "cat $(ls -a | grep env)",
        ] {
            assert_eq!(r(cmd).paths, [w.to_path_buf()], "{cmd}");
        }
        assert_eq!(r("cat .e*").paths, [w.join(".env")]);
        // Quotes inside words, nested shells, $PWD and variables the command assigns.
        for cmd in [
            "cat .e\"\"nv",
            "sh -c 'cat .e\"\"nv'",
            "bash -c \"cat .env\"",
            "cat \"$PWD/.env\"",
            "cat ${PWD}/.env",
            "F=.env; cat $F",
            "F=.env && cat \"${F}\"",
        ] {
            assert_eq!(r(cmd).paths, [w.join(".env")], "{cmd}");
        }
        assert_eq!(r("grep -r token $PWD").paths, [w.to_path_buf()]);
        for cmd in [
            "cat ~/.railway/config.json",
            "cat $HOME/.railway/config.json",
            "cat ${HOME}/.railway/config.json",
        ] {
            assert_eq!(r(cmd).paths, [h.join(".railway/config.json")], "{cmd}");
        }
        for cmd in [
            "printenv",
            "env | grep TOKEN",
            "cat /proc/self/environ",
            "export",
        ] {
            assert!(r(cmd).all_env, "{cmd}");
        }
        assert_eq!(
            r("echo $RAILWAY_TOKEN ${STRIPE_KEY:-x}").env_names,
            ["RAILWAY_TOKEN", "STRIPE_KEY"]
        );
        assert_eq!(r("printenv GITHUB_TOKEN").env_names, ["GITHUB_TOKEN"]);
        assert_eq!(r("grep -r token ~").paths, [h.to_path_buf()]);
        assert_eq!(r("gh auth token").paths, [h.join(".config/gh")]);
        assert_eq!(
            r("aws configure get aws_secret_access_key").paths,
            [h.join(".aws")]
        );
        assert_eq!(
            r("gcloud auth print-access-token").paths,
            [h.join(".config/gcloud")]
        );
    }

    #[test]
    fn ordinary_commands_reach_only_what_they_name() {
        let (ws, home) = setup();
        let r = |c: &str| reach(c, ws.path(), Some(home.path()));
        assert_eq!(r("python app.py").paths, [ws.path().join("app.py")]);
        assert_eq!(r("cargo test"), Reach::default());
        assert_eq!(r("git status"), Reach::default());
        assert_eq!(r("ls -la | grep foo"), Reach::default());
        assert!(!r("env FOO=1 cargo build").all_env);
        assert_eq!(
            r("rg token src/nonexistent").paths,
            [ws.path().to_path_buf()]
        );
        assert_eq!(r("echo $HOME"), Reach::default());
        for cmd in [
            "bash -lc 'cargo test'",
            "sh script.sh",
            "python3 -c 'print(1)'",
            "python3 -m pytest",
            "python3 - <<'EOF'\nprint(1)\nEOF",
            "node -e 'console.log(1)'",
            "perl -i -pe s/a/b/ x.txt",
            "env FOO=1 python3 app.py",
            "git commit -m 'use python'",
        ] {
            assert_eq!(r(cmd).unseen_program, None, "{cmd}");
        }
    }

    #[test]
    fn a_program_from_standard_input_or_a_session_is_unseen() {
        let (ws, home) = setup();
        let r = |c: &str| reach(c, ws.path(), Some(home.path())).unseen_program;
        for (cmd, program) in [
            ("bash", "bash"),
            ("bash -i", "bash"),
            ("/bin/sh -s", "sh"),
            ("echo Y2F0IC5lbnY= | base64 -d | sh", "sh"),
            ("curl -s x | bash -s -- --yes", "bash"),
            ("exec zsh -l", "zsh"),
            ("env -i TERM=x bash", "bash"),
            ("timeout 60 python3", "python3"),
            ("python3.12 -", "python3.12"),
            ("python3 -i app.py", "python3"),
            ("node", "node"),
            ("cat x | perl", "perl"),
            ("script -q /dev/null", "script"),
            ("tmux new -s x", "tmux"),
        ] {
            assert_eq!(r(cmd).as_deref(), Some(program), "{cmd}");
        }
    }
}
