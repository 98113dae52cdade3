//! The command line's shape: clap definitions and value parsers only. What the flags mean is
//! decided once, in [`super::settings`]; what each command does is in its `cmd_*.rs`.

use crate::agent::policy::Agent;
use crate::model::{Confidence, Environment, Risk};
use crate::report::Format;
use clap::builder::TypedValueParser as _;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// A parser for one of the crate's vocabulary enums (which know nothing of clap): the possible
/// values are their names, listed in `--help` and in errors.
macro_rules! vocab {
    ($t:ty) => {
        clap::builder::PossibleValuesParser::new(<$t>::ALL.iter().map(|v| v.as_str()))
            .map(|s| s.parse::<$t>().expect("one of the possible values"))
    };
}

#[derive(Parser, Debug)]
#[command(
    name = "credgate",
    version,
    about = "Find the credentials an AI agent (or anyone) could read in a workspace, and how long-lived and broad they are.",
    after_help = "Exit codes: 0 no finding at or above --fail-on (default high), 1 such findings, 2 error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan files and directories for credentials.
    Scan(ScanArgs),
    /// Inspect the detector catalog.
    #[command(subcommand)]
    Detectors(DetectorsCommand),
    /// Accept the current findings, so that later scans with --baseline report only new ones.
    #[command(subcommand)]
    Baseline(BaselineCommand),
    /// Validate a .credgate.toml file.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Scan everything an agent could reach (workspace, home credential stores, environment),
    /// then start COMMAND only if no credential at or above --fail-on is there.
    Guard(GuardArgs),
    /// Hooks that stop an agent before it reads a credential.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Set this repository up, saying what it did line by line: the git pre-commit hook (or,
    /// with a .pre-commit-config.yaml, the pre-commit framework's entry), a baseline of today's
    /// findings, deny rules for agents on the files holding credentials, and the CI workflow
    /// for GitHub or GitLab (from the origin remote). Running it again changes nothing; a file
    /// of yours is never replaced without --force.
    Init(InitArgs),
    /// Work with JSON reports (`scan --format json`).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Print the completion script for SHELL, made from the same definitions as --help (so it
    /// never lags a flag): `credgate completions bash > ~/.local/share/bash-completion/completions/credgate`.
    Completions {
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), made from the same definitions as --help: `credgate man | man -l -`.
    Man {
        /// The page of this command instead of credgate(1): `credgate man hook install` prints
        /// credgate-hook-install(1).
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
        /// Write every page (credgate.1, credgate-scan.1, ...) into DIR instead, for packagers.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum HookCommand {
    /// Claude Code hook (PreToolUse, PostToolUse): reads the tool call on stdin and denies it
    /// when it would expose a credential at or above --fail-on.
    Claude(AgentHookArgs),
    /// Cursor hook (beforeReadFile, beforeShellExecution, beforeMCPExecution, preToolUse,
    /// postToolUse): reads the event on stdin and denies what would expose a credential.
    Cursor(AgentHookArgs),
    /// Codex CLI hook (PreToolUse, PostToolUse): reads the tool call on stdin and denies it
    /// when it would expose a credential.
    Codex(AgentHookArgs),
    /// Gemini CLI hook (BeforeTool, AfterTool): reads the tool call on stdin and denies it when
    /// it would expose a credential.
    Gemini(AgentHookArgs),
    /// Install a hook: the git pre-commit hook (in core.hooksPath or .git/hooks), which runs
    /// `credgate scan --staged` and stops commits that add credentials; or, with --agent, an
    /// agent's hook in its configuration under this directory.
    Install {
        /// Install this agent's hook instead of the git hook (repeatable).
        #[arg(long, value_enum, value_name = "AGENT")]
        agent: Vec<crate::agent::hook::Host>,
        /// Stop commits (or, with --agent, tool calls) with a finding of this risk or higher
        /// [default: high for commits; for agents, the config's fail_on, else medium].
        #[arg(long, value_parser = vocab!(Risk), value_name = "RISK")]
        fail_on: Option<Risk>,
        /// Set an existing hook aside (uninstall restores it).
        #[arg(long, conflicts_with = "agent")]
        force: bool,
        /// Keep an existing hook and run it before credgate.
        #[arg(long, conflicts_with_all = ["force", "agent"])]
        chain: bool,
    },
    /// Remove the git pre-commit hook and restore the hook that was there before.
    Uninstall,
}

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// Print what init would do, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace files of yours that differ from what init writes (the CI workflow, the
    /// baseline), and set an existing pre-commit hook aside (`hook uninstall` restores it).
    #[arg(long)]
    pub force: bool,
    /// The CI to write a workflow for [default: from `git remote get-url origin`: github.com
    /// or gitlab; neither: none].
    #[arg(long, value_enum, value_name = "CI")]
    pub ci: Option<crate::init::Ci>,
    /// Steps to leave out (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STEP")]
    pub skip: Vec<InitStep>,
    /// The hook stops commits, and agents are denied files, with credentials of this risk or
    /// higher [default: the config's fail_on, else high for commits and medium for agents].
    #[arg(long, value_parser = vocab!(Risk), value_name = "RISK")]
    pub fail_on: Option<Risk>,
    /// The agents whose deny rules are written (claude, cursor, gemini, copilot, all).
    #[arg(long, value_parser = vocab!(Agent), value_delimiter = ',', value_name = "AGENT", default_value = "all")]
    pub agent_policy: Vec<Agent>,
    /// Where credgate's repository is, for the files that build it from source (the action,
    /// the pre-commit entry, the GitLab job) [default: the package's repository URL, else the examples'
    /// OWNER placeholder, which init then asks you to replace].
    #[arg(long, value_name = "URL")]
    pub credgate_repo: Option<String>,
    /// The tag or commit of credgate those files build [default: this version as a tag, such as
    /// v0.1.0].
    #[arg(long, value_name = "REV")]
    pub credgate_rev: Option<String>,
    #[command(flatten)]
    pub options: ScanOptionsArgs,
}

#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// Combine JSON reports (of many repositories, or many scans of one) into one summary:
    /// every finding keeps its repository and report; the same finding (repository,
    /// fingerprint, place) twice counts once; credentials found in several repositories are
    /// listed. Every input is checked before anything is written.
    Merge {
        /// The reports: FILE, named after the file (`api.json`: api), or NAME=FILE.
        #[arg(value_name = "[NAME=]FILE", required = true)]
        reports: Vec<String>,
        #[arg(long, short = 'f', value_enum, default_value_t = MergeFormat::Text)]
        format: MergeFormat,
        /// Write the merged report to FILE (created with mode 0600) instead of standard output.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

/// The formats of `report merge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    Text,
    /// The layout of `scan --format json`, with `repository` and `report` on each finding and
    /// a `merged` section; it can be merged again.
    Json,
    Html,
}

/// The steps of `init`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InitStep {
    /// The git pre-commit hook, or the pre-commit framework's entry.
    Hook,
    /// .credgate-baseline, of today's findings.
    Baseline,
    /// Deny rules for agents on the files holding credentials.
    AgentPolicy,
    /// The GitHub or GitLab CI workflow.
    Ci,
}

/// What every agent hook takes.
#[derive(clap::Args, Debug)]
pub struct AgentHookArgs {
    /// Deny calls that would expose a credential of this risk or higher [default: the
    /// config's fail_on, else medium, the level `guard --sandbox` hides from].
    #[arg(long, value_parser = vocab!(Risk), value_name = "RISK")]
    pub fail_on: Option<Risk>,
    /// Instead of running as the hook, add it to the agent's configuration here (as `hook
    /// install --agent`).
    #[arg(long)]
    pub install: bool,
    #[command(flatten)]
    pub options: ScanOptionsArgs,
}

#[derive(clap::Args, Debug)]
pub struct GuardArgs {
    /// Do not start the command when a finding of this risk or higher is found [default: high].
    #[arg(long, value_parser = vocab!(Risk), value_name = "RISK")]
    pub fail_on: Option<Risk>,

    /// Accept the finding with this fingerprint for this run (repeatable).
    #[arg(long, value_name = "FINGERPRINT")]
    pub allow: Vec<String>,

    /// The workspace the agent gets.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,

    /// Findings in this baseline do not block.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Start the command in a sandbox where every file holding a credential at or above
    /// --mask-at reads as empty and every such environment variable is unset (Linux:
    /// bubblewrap). `auto`: without a usable sandbox, refuse as plain guard does.
    #[arg(long, value_name = "MODE", num_args = 0..=1, default_missing_value = "on", value_parser = ["on", "auto"])]
    pub sandbox: Option<String>,

    /// With --sandbox: hide credentials of this risk or higher [default: medium].
    #[arg(long, value_parser = vocab!(Risk), value_name = "RISK", default_value_t = Risk::Medium, requires = "sandbox")]
    pub mask_at: Risk,

    /// With --sandbox: mask the started agent's own settings and MCP configuration too (by
    /// default they stay readable, because the agent needs them to run; other agents'
    /// configurations are always masked).
    #[arg(long, requires = "sandbox")]
    pub mask_agent_config: bool,

    #[command(flatten)]
    pub options: ScanOptionsArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    /// The command to start, after `--`.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<std::ffi::OsString>,
}

#[derive(Subcommand, Debug)]
pub enum BaselineCommand {
    /// Scan PATHs and write every finding's fingerprint to FILE (no secrets, no line numbers),
    /// and mark FILE merge=union in .gitattributes beside it.
    Create {
        /// The baseline file to write.
        file: PathBuf,
        #[command(flatten)]
        target: TargetArgs,
        /// Do not touch .gitattributes.
        #[arg(long)]
        no_gitattributes: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Check a config file (default: .credgate.toml) and say what it sets.
    Check {
        #[arg(value_name = "FILE", default_value = crate::config::DEFAULT_FILE)]
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum DetectorsCommand {
    /// List every detector with its provider, keywords, validation, lifetime and scope.
    List {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Add detector files (a TOML file or a directory of them).
        #[arg(long = "detectors", value_name = "PATH")]
        detectors: Vec<PathBuf>,
    },
    /// Run detector files' own examples through the engine: each positive example must yield
    /// exactly the secrets marked «» in it, each negative none. Without PATH, the built-in
    /// catalog. Exit 1 when an example fails, 2 when a file does not load.
    Check {
        /// Detector files, or directories of them.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    /// The table kept in detectors/README.md.
    Markdown,
    /// The table of verification requests kept in docs/verify.md.
    VerifyMarkdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What to scan: shared by `scan` and `baseline create`.
#[derive(clap::Args, Debug)]
pub struct TargetArgs {
    /// Files or directories to scan.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Skip files that .gitignore/.ignore exclude (the committed view). By default they are
    /// scanned, since an agent can read them.
    #[arg(long)]
    pub respect_gitignore: bool,

    /// Follow symbolic links (loops are detected and reported).
    #[arg(long, short = 'L')]
    pub follow: bool,

    /// What to scan, as an agent would reach it: the PATHs (workspace), the credential stores
    /// of the home directory (home), this process's environment (env), or all. Combinable:
    /// --reach workspace,home.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "workspace")]
    pub reach: Vec<Reach>,

    /// After the report, print to stderr where the time went: walking, reading, matching and
    /// building findings, and per detector its keyword hits, regex runs, bytes, matches and time.
    #[arg(long)]
    pub stats: bool,

    #[command(flatten)]
    pub options: ScanOptionsArgs,
}

/// How to scan: shared by `scan`, `baseline create` and `guard`, so that each flag means the
/// same and has one default everywhere.
#[derive(clap::Args, Debug, Clone)]
pub struct ScanOptionsArgs {
    /// Skip paths matching GLOB (repeatable). A glob without '/' matches a name at any depth.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Larger files are skipped and reported as skipped, with their size. The default takes a
    /// database dump or a log an agent could read (a 256 MiB file scans in well under a second on
    /// two cores, in memory that does not grow with the file).
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Stop scanning after this long (`30s`, `5m`, `1h`, or seconds). Files not yet reached are
    /// not scanned; the report says so and the exit code is 2, since a partial scan cannot
    /// vouch for the workspace.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<std::time::Duration>,

    /// Report at most N findings per file; a warning gives the number left out (a file of
    /// 100,000 keys is one finding list of N and a count, not 100,000 blocks).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_findings_per_file: usize,

    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Add detector files (a TOML file, or a directory of them; repeatable).
    #[arg(long = "detectors", value_name = "PATH")]
    pub detectors: Vec<PathBuf>,

    /// Read settings and allow rules from FILE (default: .credgate.toml in the first PATH, if
    /// there is one). Flags win over the file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore credgate:allow comments (for audits).
    #[arg(long)]
    pub no_inline_allow: bool,

    /// The environment of the workspace being scanned. A production credential found in a
    /// staging, development or test workspace is then critical.
    #[arg(long, value_parser = vocab!(Environment), value_name = "ENV")]
    pub workspace_env: Option<Environment>,

    /// The home directory whose credential stores are scanned with --reach home (default:
    /// $HOME).
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// Report findings of this confidence or higher [default: medium]. Generic credentials
    /// (a password or key found by its name) get their confidence from the value's score;
    /// `low` shows every candidate, `high` only what is near certain.
    #[arg(long, value_parser = vocab!(Confidence), value_name = "LEVEL")]
    pub confidence: Option<Confidence>,
}

/// What an agent can reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Reach {
    Workspace,
    Home,
    Env,
    All,
}

/// Live verification (`--verify`): off unless asked for.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct VerifyArgs {
    /// Ask each finding's provider, with one read-only HTTPS request to the host its detector
    /// declares, whether the credential is live, and whose it is, its scopes and expiry. Sends
    /// the credentials found to their providers; off by default.
    #[arg(long)]
    pub verify: bool,

    /// With --verify: only these providers (comma-separated ids, as in `detectors list`).
    #[arg(
        long,
        value_name = "PROVIDER",
        value_delimiter = ',',
        requires = "verify"
    )]
    pub verify_only: Vec<String>,

    /// With --verify: never these providers.
    #[arg(
        long,
        value_name = "PROVIDER",
        value_delimiter = ',',
        requires = "verify"
    )]
    pub no_verify: Vec<String>,

    /// With --verify: how long one request may take (default 10s).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "verify")]
    pub verify_timeout: Option<std::time::Duration>,

    /// For testing only: send HOST's verification requests to URL instead (HOST=https://...).
    /// Credentials then go to URL: credgate warns on every run that uses it.
    #[arg(long, value_name = "HOST=URL", requires = "verify", hide = true)]
    pub verify_endpoint_override: Vec<String>,

    /// For testing only, with --verify-endpoint-override: trust the CA certificates in FILE
    /// (PEM) instead of the web's roots.
    #[arg(
        long,
        value_name = "FILE",
        requires = "verify_endpoint_override",
        hide = true
    )]
    pub verify_ca: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    #[command(flatten)]
    pub target: TargetArgs,

    #[command(flatten)]
    pub verify: VerifyArgs,

    /// Scan what is staged for the next commit (from the index, not the working tree), and only
    /// the lines it adds or changes. PATHs, if given, limit it to those files.
    #[arg(long)]
    pub staged: bool,

    /// Scan git history: every blob introduced in REV-RANGE (`origin/main..HEAD`, a revision, or
    /// every ref when no range is given), each distinct blob once, in parallel.
    #[arg(long, value_name = "REV-RANGE", num_args = 0..=1, default_missing_value = "", conflicts_with = "staged")]
    pub git: Option<String>,

    /// Report only findings that are not in this baseline file (see `baseline create`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    #[arg(long, short = 'f', value_parser = vocab!(Format), default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE (created with mode 0600) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Exit with 1 when a finding of this risk or higher is found [default: high]. Lower-risk
    /// findings are still reported.
    #[arg(long, value_parser = vocab!(Risk), value_name = "RISK")]
    pub fail_on: Option<Risk>,

    /// Show only findings of this risk or higher [default: info, i.e. all].
    #[arg(long, value_parser = vocab!(Risk), value_name = "RISK")]
    pub min_risk: Option<Risk>,

    /// SARIF: the category of this analysis (runs[].automationDetails.id), to keep several
    /// uploads for one commit apart.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,

    /// Write deny rules for these agents (claude, cursor, gemini, copilot, all) for every file
    /// holding a credential at or above --fail-on, merged into their files.
    #[arg(long, value_parser = vocab!(Agent), value_delimiter = ',', value_name = "AGENT")]
    pub agent_policy: Vec<Agent>,

    /// With --agent-policy: print the changes instead of writing them.
    #[arg(long, requires = "agent_policy")]
    pub dry_run: bool,

    /// Print raw secrets in the report (never in SARIF or HTML). Off by default: whoever reads the
    /// output (an agent included) would otherwise get every credential in one place.
    #[arg(long)]
    pub show_secrets: bool,
}

/// Parses `90s`, `5m`, `1h`, `250ms`, or a number of seconds.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: expected a number with s, m, h or ms"))?;
    let d = match unit.trim() {
        "" | "s" => std::time::Duration::from_secs(n),
        "ms" => std::time::Duration::from_millis(n),
        "m" | "min" => std::time::Duration::from_secs(n.saturating_mul(60)),
        "h" => std::time::Duration::from_secs(n.saturating_mul(3600)),
        other => {
            return Err(format!(
                "invalid duration unit {other:?} in {s:?} (use s, m, h or ms)"
            ));
        }
    };
    if d.is_zero() {
        return Err(format!("duration {s:?} must be more than zero"));
    }
    Ok(d)
}

/// Parses `64MiB`, `10M`, `512k`, `1G`, `1048576`. K/M/G are binary (1024-based), like the
/// `--max-filesize` of ripgrep.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| {
        format!("invalid size {s:?}: expected a number with an optional unit (K, M, G)")
    })?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "invalid size unit {other:?} in {s:?} (use K, M or G)"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("size {s:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5X").is_err());
        assert!(parse_size("99999999999999G").is_err());
    }

    /// The library (`ScanOptions::default`, `Scanner::scan_bytes`) skips the files the command
    /// line skips.
    #[test]
    fn default_size_limit_is_the_librarys() {
        use clap::Parser;
        let cli = super::Cli::try_parse_from(["credgate", "scan"]).unwrap();
        let super::Command::Scan(scan) = cli.command else {
            panic!("not a scan")
        };
        assert_eq!(
            scan.target.options.max_file_size,
            crate::pipeline::Settings::default().max_file_size
        );
    }
}
