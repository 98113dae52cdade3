//! `credgate guard --sandbox`: start the agent where the credentials it could reach are not
//! there. Every file holding a credential at or above `--mask-at` reads as empty (an empty
//! read-only file is bind-mounted over its resolved real path, so a symbolic link to it reads
//! the empty file too), and every environment variable holding one is removed from the
//! command's environment. Linux uses bubblewrap (`bwrap`, what Claude Code's own sandbox uses);
//! macOS would use a `sandbox-exec` profile, generated here ([`sandbox_exec_profile`]).
//!
//! What a mask cannot hide is refused instead: a credential in a file git tracks is also in the
//! repository's objects (`git show HEAD:path`), so the caller refuses to start the command for
//! those ([`Plan::tracked`]) rather than pretending to protect them.

use crate::finding::{Finding, Origin};
use crate::model::{Location, Risk};
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One file or variable the sandbox hides, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hidden {
    /// The file's resolved real path, or the variable's name.
    pub what: String,
    /// The worst finding in it: its detector and risk.
    pub detector: String,
    pub risk: Risk,
    /// How to end that credential: the provider's steps and revoke page.
    pub fix: String,
}

/// What `guard --sandbox` will do, decided from the findings before anything starts.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to read as empty, by real path (sorted, each once).
    pub files: Vec<Hidden>,
    /// Environment variables to remove.
    pub env: Vec<Hidden>,
    /// The started agent's own configuration files with a credential, left readable because
    /// the agent needs them to run (`--mask-agent-config` masks them too). Other agents'
    /// configurations are masked: the agent does not need them, and an MCP token in Cursor's
    /// `~/.cursor/mcp.json` is as good to Claude Code as to Cursor.
    pub left_readable: Vec<Hidden>,
    /// Findings at or above `--fail-on` in files git tracks, or once committed: masking the
    /// file would not hide them from `git show` or `git log -p`, so the command is not started.
    pub tracked: Vec<Hidden>,
}

/// The real path of a finding's file, when it is a file on disk.
fn real_path(origin: &Origin) -> Option<PathBuf> {
    let p = match origin {
        Origin::Workspace { root, path } => {
            if path.as_os_str().is_empty() || root.join(path).is_file() {
                root.join(path)
            } else {
                path.clone()
            }
        }
        Origin::Home { home, path } => home.join(path),
        _ => return None,
    };
    std::fs::canonicalize(&p).ok().or(Some(p))
}

fn push_worst(list: &mut Vec<Hidden>, what: String, f: &Finding) {
    let risk = f.assessment.risk;
    match list.iter_mut().find(|h| h.what == what) {
        Some(h) if h.risk < risk => {
            h.risk = risk;
            h.detector = f.detector_id.clone();
            h.fix = super::guard::fix(f);
        }
        Some(_) => {}
        None => list.push(Hidden {
            what,
            detector: f.detector_id.clone(),
            risk,
            fix: super::guard::fix(f),
        }),
    }
}

impl Plan {
    /// The plan for `findings`: what to mask at `mask_at`, and what to refuse at `fail_on`.
    /// `own_stores` are the store ids of the started agent's own configuration
    /// ([`agent_stores`]), left readable unless `mask_agent_config`.
    pub fn new(
        findings: &[Finding],
        mask_at: Risk,
        fail_on: Risk,
        mask_agent_config: bool,
        own_stores: &[&str],
    ) -> Plan {
        let mut plan = Plan::default();
        for f in findings {
            let risk = f.assessment.risk;
            if let Origin::EnvVar { name } = &f.origin {
                if risk >= mask_at {
                    push_worst(&mut plan.env, name.clone(), f);
                }
                continue;
            }
            let Some(path) = real_path(&f.origin) else {
                continue;
            };
            let shown = path.display().to_string();
            if f.assessment.location == Location::Tracked && risk >= fail_on {
                push_worst(&mut plan.tracked, shown.clone(), f);
            }
            if risk < mask_at {
                continue;
            }
            let own = f
                .store
                .as_ref()
                .is_some_and(|s| own_stores.contains(&s.id.as_str()));
            if f.assessment.location == Location::AgentConfig && own && !mask_agent_config {
                push_worst(&mut plan.left_readable, shown, f);
            } else {
                push_worst(&mut plan.files, shown, f);
            }
        }
        for list in [
            &mut plan.files,
            &mut plan.env,
            &mut plan.left_readable,
            &mut plan.tracked,
        ] {
            list.sort_by(|a, b| a.what.cmp(&b.what));
        }
        plan
    }

    /// Adds to [`Plan::tracked`] the findings at or above `fail_on` in files git does not
    /// track now but did once (a `.env` committed, then deleted and ignored): their secret is
    /// still in the repository's objects. Looked up in history once per work tree, for these
    /// files only.
    pub fn refuse_committed(&mut self, findings: &[Finding], fail_on: Risk) {
        let mut by_tree: Vec<(PathBuf, Vec<(PathBuf, &Finding)>)> = Vec::new();
        for f in findings {
            if f.assessment.risk < fail_on
                || f.assessment.location == Location::Tracked
                || !matches!(f.origin, Origin::Workspace { .. })
            {
                continue;
            }
            let Some(path) = real_path(&f.origin) else {
                continue;
            };
            let Some(tree) = path.parent().and_then(crate::util::work_tree_of) else {
                continue;
            };
            match by_tree.iter_mut().find(|(t, _)| *t == tree) {
                Some((_, list)) => list.push((path, f)),
                None => by_tree.push((tree, vec![(path, f)])),
            }
        }
        for (tree, list) in by_tree {
            let files: Vec<PathBuf> = list.iter().map(|(p, _)| p.clone()).collect();
            let Ok(commits) = crate::git::ever_committed(&tree, &files) else {
                continue;
            };
            for ((path, f), commit) in list.iter().zip(commits) {
                if let Some(c) = commit {
                    let what =
                        format!("{} (committed in {})", path.display(), &c.to_string()[..12]);
                    push_worst(&mut self.tracked, what, f);
                }
            }
        }
        self.tracked.sort_by(|a, b| a.what.cmp(&b.what));
    }

    /// What is printed before the command starts: each masked file and variable with its
    /// detector and risk (never the secret), and the agent files left readable.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "credgate guard: starting the command in a sandbox: {} read as empty, {} removed from its environment",
            crate::util::count(self.files.len(), "file"),
            crate::util::count(self.env.len(), "variable"),
        );
        for h in &self.files {
            let _ = writeln!(out, "  masked   {}  {} ({})", h.what, h.detector, h.risk);
            let _ = writeln!(out, "           fix: {}", h.fix);
        }
        for h in &self.env {
            let _ = writeln!(out, "  unset    ${}  {} ({})", h.what, h.detector, h.risk);
            let _ = writeln!(out, "           fix: {}", h.fix);
        }
        for h in &self.left_readable {
            let _ = writeln!(
                out,
                "  readable {}  {} ({}): left readable, needed by the agent (--mask-agent-config masks it)",
                h.what, h.detector, h.risk
            );
        }
        out
    }

    /// Why the command is not started when credentials sit in tracked files.
    pub fn describe_tracked(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "credgate guard: {} in files git tracks or has committed; a sandbox cannot hide them (git show HEAD:PATH and git log -p still print them), so the command was not started.",
            crate::util::count(self.tracked.len(), "credential"),
        );
        for h in &self.tracked {
            let _ = writeln!(out, "  tracked  {}  {} ({})", h.what, h.detector, h.risk);
            let _ = writeln!(out, "           fix: {}", h.fix);
        }
        let _ = writeln!(
            out,
            "  rotate each one; once it is dead, accept it with --allow FINGERPRINT (credgate scan shows the fingerprints)"
        );
        out
    }

    /// bubblewrap's arguments: the file system as it is, a process namespace of its own with a
    /// fresh /proc (so that `/proc/self/environ` is the sandbox's, and no process outside it,
    /// credgate included, can be read through `/proc/PID/environ`, `/proc/PID/cwd` or
    /// `/proc/PID/root`, which see the unmasked files), and `empty` bound read-only over every
    /// masked file; then the command.
    pub fn bwrap_args(&self, empty: &Path, argv: &[OsString]) -> Vec<OsString> {
        let mut a: Vec<OsString> = [
            "--bind",
            "/",
            "/",
            "--dev-bind",
            "/dev",
            "/dev",
            "--unshare-pid",
            "--proc",
            "/proc",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        for h in &self.files {
            a.push("--ro-bind".into());
            a.push(empty.into());
            a.push(OsString::from(&h.what));
        }
        a.push("--die-with-parent".into());
        a.push("--".into());
        a.extend(argv.iter().cloned());
        a
    }
}

/// The programs that start another one: `npx @anthropic-ai/claude-code`, `env X=1 codex`.
const LAUNCHERS: &[&str] = &[
    "npx", "bunx", "pnpx", "node", "bun", "deno", "env", "exec", "nice",
];

/// The store ids (`stores.toml`) of the configuration of the agent `argv` starts: its program
/// name (`claude`, `/usr/local/bin/codex`), or the first word after a launcher (`npx
/// @google/gemini-cli@latest`), with a package scope and version stripped. Empty for a command
/// that is no agent we know: then no agent configuration is its own, and all are masked.
pub fn agent_stores(argv: &[OsString]) -> &'static [&'static str] {
    for arg in argv {
        let arg = arg.to_string_lossy();
        if arg.starts_with('-') || arg.contains('=') {
            continue;
        }
        let name = arg.rsplit('/').next().unwrap_or(&arg);
        // `@google/gemini-cli@0.9.0` is `gemini-cli@0.9.0` here; a scoped name's `@` was
        // before the slash.
        let name = name.split('@').next().unwrap_or(name);
        if LAUNCHERS.contains(&name) {
            continue;
        }
        return match name {
            "claude" | "claude-code" => &["claude-code"],
            "codex" => &["codex", "codex-auth"],
            "gemini" | "gemini-cli" => &["gemini"],
            "cursor-agent" | "cursor" => &["cursor"],
            "copilot" | "code" => &["vscode"],
            "windsurf" => &["windsurf"],
            _ => &[],
        };
    }
    &[]
}

/// [`agent_stores`] less what the agent, as configured, does not read: Codex's login when it
/// talks to a provider of its own ([`super::codex_login`]). What is left stays readable under
/// plain `guard --sandbox`; the rest is masked like any other file holding a credential.
pub fn own_stores(argv: &[OsString]) -> Vec<&'static str> {
    agent_stores(argv)
        .iter()
        .copied()
        .filter(|&id| id != "codex-auth" || super::codex_login::needed_here(argv))
        .collect()
}

/// A macOS `sandbox-exec` profile with the same effect: everything allowed but reading the
/// masked files. (Generated and tested as text; `guard --sandbox` does not run it yet, and
/// macOS is not run in CI.)
#[cfg_attr(not(test), allow(dead_code))]
pub fn sandbox_exec_profile(plan: &Plan) -> String {
    let mut out = String::from("(version 1)\n(allow default)\n");
    if !plan.files.is_empty() {
        out.push_str("(deny file-read*\n");
        for h in &plan.files {
            let _ = writeln!(
                out,
                "  (literal \"{}\")",
                h.what.replace('\\', "\\\\").replace('"', "\\\"")
            );
        }
        out.push_str(")\n");
    }
    out
}

/// The sandbox tool, found on `PATH` as the command itself will be.
const BWRAP: &str = "bwrap";

/// macOS's sandbox tool, part of the system.
const SANDBOX_EXEC: &str = "/usr/bin/sandbox-exec";

/// Whether this is macOS, where the sandbox is `sandbox-exec` with [`sandbox_exec_profile`]
/// instead of bubblewrap. Not run in CI (Linux); the profile is tested as text.
const MACOS: bool = cfg!(target_os = "macos");

/// Why the sandbox cannot be used here, or `Ok` when it can: on Linux, whether bubblewrap can
/// create its namespaces (containers and some kernels refuse), on macOS whether `sandbox-exec`
/// runs a profile. A one-line reason, with the install command when bubblewrap is missing.
pub fn usable() -> Result<(), String> {
    if MACOS {
        return match Command::new(SANDBOX_EXEC)
            .args(["-p", "(version 1)\n(allow default)\n", "/usr/bin/true"])
            .output()
        {
            Ok(out) if out.status.success() => Ok(()),
            Ok(out) => Err(format!(
                "sandbox-exec cannot run a profile here: {}",
                crate::util::one_line(String::from_utf8_lossy(&out.stderr).trim())
            )),
            Err(e) => Err(format!("{SANDBOX_EXEC} cannot be run: {e}")),
        };
    }
    match Command::new(BWRAP)
        .args(["--bind", "/", "/", "--unshare-pid", "--proc", "/proc", "--", "true"])
        .output()
    {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(
            "no sandbox tool: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install bubblewrap)"
                .to_string(),
        ),
        Err(e) => Err(format!("bubblewrap cannot be run: {e}")),
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!(
            "bubblewrap cannot create a sandbox here: {}",
            crate::util::one_line(String::from_utf8_lossy(&out.stderr).trim())
        )),
    }
}

/// Runs `argv` in the sandbox (bubblewrap; `sandbox-exec` on macOS) with the plan, and returns its exit code as a shell reports it.
pub fn run(plan: &Plan, argv: &[OsString]) -> anyhow::Result<i32> {
    // A private directory (created, never reused: a name someone else made fails) with one
    // empty file, bound over every masked file.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("credgate-sandbox-{}-{nanos}", std::process::id()));
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(&dir)
        .map_err(|e| anyhow::anyhow!("guard: cannot create {}: {e}", dir.display()))?;
    let empty = dir.join("empty");
    std::fs::write(&empty, b"")?;
    let code = run_in(plan, argv, &empty);
    let _ = std::fs::remove_file(&empty);
    let _ = std::fs::remove_dir(&dir);
    code
}

fn run_in(plan: &Plan, argv: &[OsString], empty: &Path) -> anyhow::Result<i32> {
    let mut cmd = if MACOS {
        let mut c = Command::new(SANDBOX_EXEC);
        c.arg("-p").arg(sandbox_exec_profile(plan)).args(argv);
        c
    } else {
        let mut c = Command::new(BWRAP);
        c.args(plan.bwrap_args(empty, argv));
        c
    };
    for h in &plan.env {
        cmd.env_remove(&h.what);
    }
    let status = cmd
        .status()
        .map_err(|e| anyhow::anyhow!("guard: cannot start the sandbox: {e}"))?;
    Ok(super::guard::exit_code(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            files: vec![Hidden {
                what: "/home/u/.railway/config.json".into(),
                detector: "railway.cli-refresh-token".into(),
                risk: Risk::Critical,
                fix: "revoke it".into(),
            }],
            env: vec![Hidden {
                what: "RAILWAY_API_TOKEN".into(),
                detector: "railway.api-token".into(),
                risk: Risk::Critical,
                fix: "revoke it".into(),
            }],
            ..Plan::default()
        }
    }

    #[test]
    fn bwrap_masks_each_file_with_the_empty_file() {
        let args = plan().bwrap_args(Path::new("/tmp/e"), &["sh".into(), "-c".into(), "x".into()]);
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let at = args.iter().position(|a| a == "--ro-bind").unwrap();
        assert_eq!(
            args[at + 1..at + 3],
            ["/tmp/e", "/home/u/.railway/config.json"]
        );
        assert_eq!(args[args.len() - 4..], ["--", "sh", "-c", "x"]);
        assert!(args.windows(2).any(|w| w == ["--proc", "/proc"]));
        assert!(
            args.iter().any(|a| a == "--unshare-pid"),
            "its own process namespace"
        );
    }

    #[test]
    fn the_macos_profile_denies_reading_the_masked_files() {
        let p = sandbox_exec_profile(&plan());
        assert_eq!(
            p,
            "(version 1)\n(allow default)\n(deny file-read*\n  (literal \"/home/u/.railway/config.json\")\n)\n"
        );
        assert_eq!(
            sandbox_exec_profile(&Plan::default()),
            "(version 1)\n(allow default)\n"
        );
    }

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_started_agent_is_named_by_its_program_or_after_a_launcher() {
        assert_eq!(agent_stores(&os(&["claude", "-p", "x"])), ["claude-code"]);
        assert_eq!(
            agent_stores(&os(&["/opt/agents/node_modules/.bin/claude"])),
            ["claude-code"]
        );
        assert_eq!(
            agent_stores(&os(&["npx", "-y", "@anthropic-ai/claude-code@2.1.332"])),
            ["claude-code"]
        );
        assert_eq!(
            agent_stores(&os(&["env", "DEBUG=1", "codex", "exec"])),
            ["codex", "codex-auth"]
        );
        assert_eq!(
            agent_stores(&os(&["npx", "@google/gemini-cli"])),
            ["gemini"]
        );
        assert!(agent_stores(&os(&["sh", "-c", "claude"])).is_empty());
        assert!(agent_stores(&os(&["python3", "agent.py"])).is_empty());
    }

    /// The bug the real Claude Code found (issue 19): under `guard --sandbox -- claude`,
    /// Cursor's `~/.cursor/mcp.json` was left readable as "the agent's own", and its Slack
    /// token reached the model. Only the started agent's own configuration stays readable.
    #[test]
    fn only_the_started_agents_own_config_stays_readable() {
        let home = tempfile::tempdir().unwrap();
        let scanner = crate::Scanner::builtin().unwrap();
        let config = |path: &str, store: &str| {
            let mut f = scanner
                .scan_bytes(
                    "mcp.json",
                    b"SLACK_BOT_TOKEN=xoxb-139520400692-8347654136413-FAKEsOY97MGcxlHjT3jORvt3\n",
                )
                .remove(0);
            f.origin = Origin::Home {
                home: home.path().to_path_buf(),
                path: path.into(),
            };
            f.assessment.location = Location::AgentConfig;
            f.assessment.risk = Risk::Critical;
            f.store = Some(crate::finding::StoreRef {
                id: store.into(),
                tool: store.into(),
                context: None,
            });
            f
        };
        let findings = [
            config(".claude.json", "claude-code"),
            config(".cursor/mcp.json", "cursor"),
        ];
        let at = |p: &str| home.path().join(p).display().to_string();
        let names = |l: &[Hidden]| l.iter().map(|h| h.what.clone()).collect::<Vec<_>>();

        let claude = Plan::new(&findings, Risk::Medium, Risk::High, false, &["claude-code"]);
        assert_eq!(names(&claude.left_readable), [at(".claude.json")]);
        assert_eq!(names(&claude.files), [at(".cursor/mcp.json")]);

        let cursor = Plan::new(&findings, Risk::Medium, Risk::High, false, &["cursor"]);
        assert_eq!(names(&cursor.left_readable), [at(".cursor/mcp.json")]);
        assert_eq!(names(&cursor.files), [at(".claude.json")]);

        // No agent we know: nothing is its own.
        let unknown = Plan::new(&findings, Risk::Medium, Risk::High, false, &[]);
        assert!(unknown.left_readable.is_empty());
        assert_eq!(unknown.files.len(), 2);

        let all = Plan::new(&findings, Risk::Medium, Risk::High, true, &["claude-code"]);
        assert!(all.left_readable.is_empty());
        assert_eq!(all.files.len(), 2);
    }

    #[test]
    fn the_summary_names_what_is_hidden_never_the_secret() {
        let d = plan().describe();
        assert!(
            d.contains("1 file read as empty, 1 variable removed"),
            "{d}"
        );
        assert!(d.contains(
            "masked   /home/u/.railway/config.json  railway.cli-refresh-token (critical)"
        ));
        assert!(d.contains("unset    $RAILWAY_API_TOKEN"));
    }
}
