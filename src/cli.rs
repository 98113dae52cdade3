//! The command line: argument parsing and dispatch. `main.rs` only calls [`run`].

use crate::assessment::{Environment, Risk};
use crate::config::{Allowlist, Config};
use crate::detectors::Catalog;
use crate::engine::Engine;
use crate::report::{self, Format, ReportOptions};
use crate::scan::{self, Progress, ScanOptions};
use crate::walk::WalkOptions;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

/// Exit code: no finding at or above `--fail-on`.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the scan could not be done (bad arguments, bad detector file, unreadable root).
pub const EXIT_ERROR: u8 = 2;

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
}

#[derive(Subcommand, Debug)]
pub enum HookCommand {
    /// Claude Code PreToolUse hook: reads the tool call on stdin; exits 2 with a reason when
    /// the call would read a credential at or above --fail-on, 0 otherwise.
    Claude {
        /// Block calls that would expose a credential of this risk or higher [default: high].
        #[arg(long, value_enum, value_name = "RISK", default_value_t = Risk::High)]
        fail_on: Risk,
        /// Instead of running as the hook, add it to .claude/settings.json here.
        #[arg(long)]
        install: bool,
    },
    /// Install the git pre-commit hook (in core.hooksPath or .git/hooks): it runs
    /// `credgate scan --staged` and stops commits that add credentials.
    Install {
        /// Stop commits with a finding of this risk or higher [default: high].
        #[arg(long, value_enum, value_name = "RISK", default_value_t = Risk::High)]
        fail_on: Risk,
        /// Set an existing hook aside (uninstall restores it).
        #[arg(long)]
        force: bool,
        /// Keep an existing hook and run it before credgate.
        #[arg(long, conflicts_with = "force")]
        chain: bool,
    },
    /// Remove the git pre-commit hook and restore the hook that was there before.
    Uninstall,
}

#[derive(clap::Args, Debug)]
pub struct GuardArgs {
    /// Do not start the command when a finding of this risk or higher is found [default: high].
    #[arg(long, value_enum, value_name = "RISK")]
    pub fail_on: Option<Risk>,

    /// Accept the finding with this fingerprint for this run (repeatable).
    #[arg(long, value_name = "FINGERPRINT")]
    pub allow: Vec<String>,

    /// The workspace the agent gets.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub workspace: PathBuf,

    /// The home directory whose credential stores the agent can read (default: $HOME).
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// The environment of the workspace; a production credential in a non-production workspace
    /// is critical.
    #[arg(long, value_enum, value_name = "ENV")]
    pub workspace_env: Option<Environment>,

    /// Settings and allow rules (default: .credgate.toml in the workspace).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Findings in this baseline do not block.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    #[command(flatten)]
    pub verify: VerifyArgs,

    /// Give up after this long (`30s`, `5m`): the command is then not run (exit 2).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<std::time::Duration>,

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
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    /// The table kept in detectors/README.md.
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What to scan and how: shared by `scan` and `baseline create`.
#[derive(clap::Args, Debug)]
pub struct TargetArgs {
    /// Files or directories to scan.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Skip files that .gitignore/.ignore exclude (the committed view). By default they are
    /// scanned, since an agent can read them.
    #[arg(long)]
    pub respect_gitignore: bool,

    /// Skip paths matching GLOB (repeatable). A glob without '/' matches a name at any depth.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Larger files are skipped and reported as skipped, with their size.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Stop scanning after this long (`30s`, `5m`, `1h`, or seconds). Files not yet reached are
    /// not scanned; the report says so and the exit code is 2, since a partial scan cannot
    /// vouch for the workspace.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub timeout: Option<std::time::Duration>,

    /// After the report, print to stderr where the time went: walking, reading, matching and
    /// building findings, and per detector its keyword hits, regex runs, bytes, matches and time.
    #[arg(long)]
    pub stats: bool,

    /// Report at most N findings per file; a warning gives the number left out (a file of
    /// 100,000 keys is one finding list of N and a count, not 100,000 blocks).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_findings_per_file: usize,

    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Follow symbolic links (loops are detected and reported).
    #[arg(long, short = 'L')]
    pub follow: bool,

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
    #[arg(long, value_enum, value_name = "ENV")]
    pub workspace_env: Option<Environment>,

    /// What to scan, as an agent would reach it: the PATHs (workspace), the credential stores
    /// of the home directory (home), this process's environment (env), or all. Combinable:
    /// --reach workspace,home.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "workspace")]
    pub reach: Vec<Reach>,

    /// The home directory for --reach home (default: $HOME).
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,
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

    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE (created with mode 0600) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Exit with 1 when a finding of this risk or higher is found [default: high]. Lower-risk
    /// findings are still reported.
    #[arg(long, value_enum, value_name = "RISK")]
    pub fail_on: Option<Risk>,

    /// Show only findings of this risk or higher [default: info, i.e. all].
    #[arg(long, value_enum, value_name = "RISK")]
    pub min_risk: Option<Risk>,

    /// SARIF: the category of this analysis (runs[].automationDetails.id), to keep several
    /// uploads for one commit apart.
    #[arg(long, value_name = "CATEGORY")]
    pub sarif_category: Option<String>,

    /// Write deny rules for these agents (claude, cursor, gemini, copilot, all) for every file
    /// holding a credential at or above --fail-on, merged into their files.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "AGENT")]
    pub agent_policy: Vec<crate::agent::policy::Agent>,

    /// With --agent-policy: print the changes instead of writing them.
    #[arg(long)]
    pub dry_run: bool,

    /// Print raw secrets in the report (never in SARIF). Off by default: whoever reads the
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

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan_command(args),
        Command::Detectors(DetectorsCommand::List { format, detectors }) => {
            list_command(format, &detectors)
        }
        Command::Baseline(BaselineCommand::Create {
            file,
            target,
            no_gitattributes,
        }) => baseline_command(&file, &target, !no_gitattributes),
        Command::Config(ConfigCommand::Check { file }) => config_check(&file),
        Command::Guard(args) => guard_command(args),
        Command::Hook(HookCommand::Claude { fail_on, install }) => {
            claude_hook_command(fail_on, install)
        }
        Command::Hook(HookCommand::Install {
            fail_on,
            force,
            chain,
        }) => crate::git::install_hook(Path::new("."), fail_on, force, chain).map(|m| {
            eprintln!("credgate: {m}");
            EXIT_CLEAN
        }),
        Command::Hook(HookCommand::Uninstall) => {
            crate::git::uninstall_hook(Path::new(".")).map(|m| {
                eprintln!("credgate: {m}");
                EXIT_CLEAN
            })
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(EXIT_CLEAN);
            }
            eprintln!("credgate: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The reader of our output went away (`credgate ... | head`): stop quietly, as ripgrep does.
/// The error may come straight from a write, or wrapped by the JSON serializer.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == std::io::ErrorKind::BrokenPipe)
    })
}

/// A panic message may quote data the program was handling; print where it happened, not what.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let loc = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "credgate: internal error at {loc} (details withheld: they could quote scanned content). Please report it."
        );
        std::process::exit(EXIT_ERROR as i32);
    }));
}

fn threads(requested: Option<usize>) -> usize {
    match requested {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(2, |n| n.get()),
    }
}

/// A scan prepared from the command line and the config file.
struct Prepared {
    engine: Engine,
    opts: ScanOptions,
    config: Config,
    reach: Reaches,
}

/// What `--reach` resolved to.
struct Reaches {
    workspace: bool,
    home: Option<PathBuf>,
    env: bool,
}

/// Loads the config (explicit, or `.credgate.toml` in the first root), the detectors and the
/// allowlist, and builds the scan options. Command-line values win over the config.
fn prepare(t: &TargetArgs, baseline: Option<&Path>) -> anyhow::Result<Prepared> {
    let config_path = match &t.config {
        Some(p) => Some(p.clone()),
        None => t
            .paths
            .first()
            .map(|r| r.join(crate::config::DEFAULT_FILE))
            .filter(|p| p.is_file()),
    };
    let config = match &config_path {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let mut detector_files = config.detectors.clone();
    detector_files.extend(t.detectors.iter().cloned());
    let engine = Engine::new(Catalog::with_user_files(&detector_files)?)?;
    let threads = threads(t.threads);
    // The pool that splits large files; ignore's walker has its own threads.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let mut allow = Allowlist::default();
    if let Some(b) = baseline
        .map(Path::to_path_buf)
        .or_else(|| config.baseline.clone())
    {
        allow.baseline = crate::baseline::load(&b)?;
        allow.baseline_source = b.display().to_string();
    }
    allow.rules = config.allow.clone();
    let mut excludes = config.exclude.clone();
    excludes.extend(t.exclude.iter().cloned());
    let opts = ScanOptions {
        walk: WalkOptions {
            roots: t.paths.clone(),
            respect_gitignore: t.respect_gitignore,
            excludes,
            follow_links: t.follow,
            threads,
        },
        max_file_size: t.max_file_size,
        limits: crate::scan::Limits {
            timeout: t.timeout,
            max_findings_per_file: t.max_findings_per_file.max(1),
        },
        stats: t.stats,
        workspace_env: t.workspace_env.or(config.workspace_env),
        now: now()?,
        inline_allow: !t.no_inline_allow,
        allow,
        home: None,
    };
    let all = t.reach.contains(&Reach::All);
    let reach = Reaches {
        workspace: all || t.reach.contains(&Reach::Workspace),
        home: (all || t.reach.contains(&Reach::Home))
            .then(|| t.home.clone().or_else(std::env::home_dir))
            .map(|h| {
                h.ok_or_else(|| anyhow::anyhow!("--reach home: no home directory (use --home DIR)"))
            })
            .transpose()?,
        env: all || t.reach.contains(&Reach::Env),
    };
    Ok(Prepared {
        engine,
        opts,
        config,
        reach,
    })
}

/// Runs the scan with a progress spinner on stderr when it is a terminal.
fn run_scan(p: &Prepared) -> anyhow::Result<scan::ScanResult> {
    let progress = Progress::default();
    std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::channel::<()>();
        if std::io::stderr().is_terminal() {
            let pr = &progress;
            s.spawn(move || show_progress(pr, done_rx));
        }
        let r = scan_reaches(p, &progress);
        drop(done_tx);
        r
    })
}

/// Scans what `--reach` asks for and merges the results: the workspace roots, the home
/// directory's credential stores, the environment.
fn scan_reaches(p: &Prepared, progress: &Progress) -> anyhow::Result<scan::ScanResult> {
    let mut result = if p.reach.workspace {
        scan::run(&p.engine, &p.opts, progress)?
    } else {
        scan::ScanResult::default()
    };
    if let Some(home) = &p.reach.home {
        let stores = crate::stores::Stores::builtin()?;
        let mut o = p.opts.clone();
        o.walk.roots = stores.files(home);
        o.walk.respect_gitignore = false;
        o.home = Some(home.clone());
        if !o.walk.roots.is_empty() {
            merge(&mut result, scan::run(&p.engine, &o, progress)?);
        }
    }
    if p.reach.env {
        let found = scan::scan_env(&p.engine, &p.opts);
        let (suppressed, active): (Vec<_>, Vec<_>) =
            found.into_iter().partition(|f| f.suppression.is_some());
        merge(
            &mut result,
            scan::ScanResult {
                findings: active,
                suppressed,
                ..Default::default()
            },
        );
    }
    result.summary.findings = result.findings.len();
    result.summary.by_risk = scan::RiskCounts::of(&result.findings);
    result.summary.suppressed = result.suppressed.len();
    Ok(result)
}

fn merge(into: &mut scan::ScanResult, from: scan::ScanResult) {
    into.findings.extend(from.findings);
    into.suppressed.extend(from.suppressed);
    into.skipped.extend(from.skipped);
    into.warnings.extend(from.warnings);
    into.summary.files_scanned += from.summary.files_scanned;
    into.summary.bytes_scanned += from.summary.bytes_scanned;
    into.summary.files_skipped += from.summary.files_skipped;
    into.summary.warnings += from.summary.warnings;
    into.summary.elapsed_ms += from.summary.elapsed_ms;
}

fn scan_command(args: ScanArgs) -> anyhow::Result<u8> {
    let prepared = prepare(&args.target, args.baseline.as_deref())?;
    let mut result = if args.staged {
        scan_staged(&prepared, &args.target.paths)?
    } else if let Some(range) = &args.git {
        scan_history(&prepared, (!range.is_empty()).then_some(range.as_str()))?
    } else {
        run_scan(&prepared)?
    };
    if args.verify.verify {
        verify_findings(
            &args.verify,
            &mut result.findings,
            prepared.engine.catalog(),
            prepared.reach.home.as_deref(),
        )?;
    }
    let fail_on = args
        .fail_on
        .or(prepared.config.fail_on)
        .unwrap_or(Risk::High);
    let min_risk = args
        .min_risk
        .or(prepared.config.min_risk)
        .unwrap_or(Risk::Info);
    let fail = result.findings.iter().any(|f| f.assessment.risk >= fail_on);
    if !args.agent_policy.is_empty() {
        agent_policy(&args, &result, fail_on)?;
    }
    let before = result.findings.len();
    result.findings.retain(|f| f.assessment.risk >= min_risk);
    result.summary.not_shown = before - result.findings.len();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    let ropts = ReportOptions {
        show_secrets: args.show_secrets,
        color,
        catalog: Some(prepared.engine.catalog()),
        sarif_category: args.sarif_category.clone(),
        home: prepared.reach.home.clone(),
    };
    match &args.output {
        Some(path) => {
            let file = create_private(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot write report: {e}", path.display()))?;
            let mut w = std::io::BufWriter::new(file);
            report::write(args.format, &result, &ropts, &mut w)?;
            w.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            report::write(args.format, &result, &ropts, &mut w)?;
            w.flush()?;
        }
    }
    if let Some(st) = &result.stats {
        let mut err = std::io::stderr().lock();
        report::stats::write(st, prepared.engine.catalog(), &mut err)?;
    }
    if fail && args.staged {
        eprintln!(
            "credgate: the staged changes hold credentials at or above {fail_on}; the commit is stopped.\n  Remove the secret from the file and restage it (git add), or unstage the file (git restore --staged FILE).\n  Rotate any credential that was ever pushed or shared.\n  If it is not a credential or is meant to be there, allow it with a reason: a `credgate:allow` comment on its line, or an [[allow]] entry in .credgate.toml."
        );
    }
    if fail && args.git.is_some() {
        eprintln!(
            "credgate: git history holds credentials at or above {fail_on}. Every clone has them, even those deleted since:\n  Rotate or revoke each one first; removing it from history (git filter-repo) does not recall copies already made.\n  To accept one that is revoked or not a credential, add it to the baseline (credgate baseline create) or an [[allow]] entry in .credgate.toml, with a reason."
        );
    }
    if result.summary.timed_out {
        eprintln!(
            "credgate: the time budget (--timeout) ran out: the scan is incomplete, so it cannot vouch for what it did not read"
        );
        return Ok(EXIT_ERROR);
    }
    Ok(if fail { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// `scan --staged`: the blobs staged for the next commit that differ from HEAD, findings only on
/// the lines they add or change.
fn scan_staged(p: &Prepared, paths: &[PathBuf]) -> anyhow::Result<scan::ScanResult> {
    let start = std::time::Instant::now();
    let (workdir, blobs, passed) = crate::git::staged(Path::new("."), paths)?;
    let mut scratch = p.engine.new_scratch();
    let mut result = scan::ScanResult::default();
    for b in &blobs {
        result.summary.files_scanned += 1;
        result.summary.bytes_scanned += b.content.len() as u64;
        let path = b.path.to_string();
        let matches = p.engine.scan(&b.content, Path::new(&path), &mut scratch);
        if matches.is_empty() {
            continue;
        }
        let abs = workdir.join(&path);
        // Staged content is about to be committed: it counts as tracked.
        let ctx = scan::FileContext::git_blob(&abs, &path, &p.opts);
        for mut f in scan::build_findings(&p.engine, &b.content, &matches, &ctx) {
            let on_added = match &b.added_lines {
                None => true,
                Some(lines) => (f.line..=f.end_line).any(|l| lines.contains(&l)),
            };
            if !on_added {
                continue;
            }
            if f.suppression.is_none() {
                f.suppression = p.opts.allow.check(&f);
            }
            if f.suppression.is_some() {
                result.suppressed.push(f);
            } else {
                result.findings.push(f);
            }
        }
    }
    for x in passed {
        result.skipped.push(scan::Skipped {
            path: x.path.to_string(),
            reason: crate::source::SkipReason::NotScanned { why: x.why },
        });
    }
    result.summary.findings = result.findings.len();
    result.summary.by_risk = scan::RiskCounts::of(&result.findings);
    result.summary.suppressed = result.suppressed.len();
    result.summary.files_skipped = result.skipped.len();
    result.summary.elapsed_ms = start.elapsed().as_millis();
    Ok(result)
}

/// `scan --git`: the distinct blobs of history, scanned once each in parallel; each finding names
/// the oldest commit that introduced it and how many commits carry it.
fn scan_history(p: &Prepared, range: Option<&str>) -> anyhow::Result<scan::ScanResult> {
    use rayon::prelude::*;
    let start = std::time::Instant::now();
    let h = crate::git::history(Path::new("."), range)?;
    let workdir = h.repo.workdir().map(Path::to_path_buf).unwrap_or_default();
    let sync = h.repo.clone().into_sync();
    let engine = &p.engine;
    let opts = &p.opts;
    // (blob index, findings) for every blob with findings.
    let scanned: Vec<(usize, u64, Vec<crate::finding::Finding>)> = h
        .blobs
        .par_iter()
        .enumerate()
        .map_init(
            || {
                let mut repo = sync.to_thread_local();
                crate::git::tune_for_history(&mut repo);
                (repo, engine.new_scratch())
            },
            |(repo, scratch), (i, b)| {
                let Ok(blob) = repo.find_blob(b.id) else {
                    return (i, 0, Vec::new());
                };
                let data = &blob.data;
                let path = b.path.to_string();
                let matches = engine.scan(data, Path::new(&path), scratch);
                if matches.is_empty() {
                    return (i, data.len() as u64, Vec::new());
                }
                let abs = workdir.join(&path);
                let ctx = scan::FileContext::git_blob(&abs, &path, opts);
                (
                    i,
                    data.len() as u64,
                    scan::build_findings(engine, data, &matches, &ctx),
                )
            },
        )
        .collect();
    let mut result = scan::ScanResult::default();
    result.summary.files_scanned = h.blobs.len() as u64;
    // One finding per secret: the oldest introduction, with every blob that holds it.
    let mut by_fp: std::collections::BTreeMap<String, (crate::finding::Finding, Vec<usize>)> =
        Default::default();
    for (i, bytes, findings) in scanned {
        result.summary.bytes_scanned += bytes;
        for f in findings {
            let key = f.fingerprint.clone();
            match by_fp.get_mut(&key) {
                None => {
                    by_fp.insert(key, (f, vec![i]));
                }
                Some((kept, blobs)) => {
                    if !blobs.contains(&i) {
                        blobs.push(i);
                    }
                    let (old, new) = (&h.blobs[blobs[0]], &h.blobs[i]);
                    if (new.commit_time, std::cmp::Reverse(new.walk_pos))
                        < (old.commit_time, std::cmp::Reverse(old.walk_pos))
                    {
                        *kept = f;
                        let pos = blobs.iter().position(|&x| x == i).expect("just added");
                        blobs.swap(0, pos);
                    }
                }
            }
        }
    }
    for (_, (mut f, blobs)) in by_fp {
        let first = &h.blobs[blobs[0]];
        let (author, date) = crate::git::commit_meta(&h.repo, first.commit);
        let in_checkout = blobs.iter().any(|&i| h.head_blobs.contains(&h.blobs[i].id));
        // Commits whose tree holds any of the blobs that contain this secret.
        let commits = h
            .commits
            .iter()
            .filter(|&&c| {
                blobs.iter().any(|&i| {
                    let b = &h.blobs[i];
                    crate::git::carries(&h.repo, c, b.id, &b.paths)
                })
            })
            .count();
        if !in_checkout {
            f.assessment.evidence.push(
                "in git history only: deleted from the checkout, but in every clone of the repository".into(),
            );
        }
        f.commit = Some(crate::finding::CommitRef {
            id: first.commit.to_string(),
            author,
            date,
            path: first.path.to_string(),
            commits,
            in_checkout,
        });
        if f.suppression.is_none() {
            f.suppression = opts.allow.check(&f);
        }
        if f.suppression.is_some() {
            result.suppressed.push(f);
        } else {
            result.findings.push(f);
        }
    }
    result.summary.findings = result.findings.len();
    result.summary.by_risk = scan::RiskCounts::of(&result.findings);
    result.summary.suppressed = result.suppressed.len();
    result.summary.elapsed_ms = start.elapsed().as_millis();
    Ok(result)
}

/// Writes (or with --dry-run, prints) the deny rules for the files with findings at or above
/// `level`.
fn agent_policy(args: &ScanArgs, result: &scan::ScanResult, level: Risk) -> anyhow::Result<()> {
    use crate::agent::policy::{self, Target};
    let workspace = args
        .target
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| ".".into());
    let targets: Vec<Target> = result
        .findings
        .iter()
        .filter(|f| f.assessment.risk >= level)
        .filter_map(|f| match f.root.as_str() {
            "~" => Some(Target::Home(f.path.clone())),
            "env" => None,
            r if Path::new(r) == workspace || r == "." => Some(Target::Workspace(f.path.clone())),
            _ => None,
        })
        .collect();
    let changes = policy::apply(&workspace, &args.agent_policy, &targets, args.dry_run)?;
    for c in &changes {
        eprintln!(
            "credgate: {} {} deny rule{} to {}",
            if args.dry_run { "would add" } else { "added" },
            c.added.len(),
            if c.added.len() == 1 { "" } else { "s" },
            c.file.display()
        );
        if args.dry_run {
            for a in &c.added {
                eprintln!("  + {a}");
            }
        }
    }
    if changes.is_empty() {
        eprintln!("credgate: agent policy already up to date");
    }
    Ok(())
}

fn claude_hook_command(fail_on: Risk, install: bool) -> anyhow::Result<u8> {
    if install {
        let changed = crate::agent::claude_hook::install(Path::new("."))?;
        eprintln!(
            "credgate: {}",
            if changed {
                "added the PreToolUse hook to .claude/settings.json"
            } else {
                ".claude/settings.json already runs the hook"
            }
        );
        return Ok(EXIT_CLEAN);
    }
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)?;
    let event: serde_json::Value = serde_json::from_str(&input)
        .map_err(|e| anyhow::anyhow!("hook claude: the event on stdin is not JSON: {e}"))?;
    let engine = Engine::new(Catalog::builtin()?)?;
    match crate::agent::claude_hook::decide(&event, fail_on, &engine) {
        None => Ok(EXIT_CLEAN),
        Some(reason) => {
            eprint!("{reason}");
            // Exit code 2 tells Claude Code to block the call and show stderr to the agent.
            Ok(2)
        }
    }
}

/// `--verify`: asks each finding's provider about it, once per distinct secret.
fn verify_findings(
    v: &VerifyArgs,
    findings: &mut [crate::finding::Finding],
    catalog: &crate::detectors::Catalog,
    home: Option<&Path>,
) -> anyhow::Result<()> {
    let mut opts = crate::verify::Options {
        only: v.verify_only.clone(),
        skip: v.no_verify.clone(),
        ..Default::default()
    };
    if let Some(t) = v.verify_timeout {
        opts.timeout = t;
    }
    for o in &v.verify_endpoint_override {
        let (host, url) = o.split_once('=').ok_or_else(|| {
            anyhow::anyhow!("--verify-endpoint-override: expected HOST=URL, got {o:?}")
        })?;
        if !url.starts_with("https://") {
            anyhow::bail!("--verify-endpoint-override: {url:?} is not an https:// URL");
        }
        eprintln!(
            "credgate: WARNING: --verify-endpoint-override sends credentials meant for {host} to {url}. This is for testing credgate only."
        );
        opts.endpoint_overrides
            .insert(host.to_string(), url.to_string());
    }
    if let Some(ca) = &v.verify_ca {
        opts.extra_ca_pem = Some(
            std::fs::read(ca).map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", ca.display()))?,
        );
    }
    let mut verifier = crate::verify::Verifier::new(opts)?;
    for i in 0..findings.len() {
        let Some(det) = catalog.get(&findings[i].detector_id) else {
            continue;
        };
        // A credential in two parts (AWS key id and secret, Twilio SID and token): the
        // companion is the nearest finding of the named detector in the same file.
        let pair = det
            .verify
            .as_ref()
            .and_then(|v| v.pair.as_deref())
            .and_then(|id| {
                let f = &findings[i];
                findings
                    .iter()
                    .filter(|g| g.detector_id == id && g.root == f.root && g.path == f.path)
                    .min_by_key(|g| g.start.abs_diff(f.start))
                    .map(|g| g.secret.clone())
            });
        // Or a value that is not a secret: a JSON key beside it in the file (`client_email`).
        let pair = pair.or_else(|| {
            let key = det.verify.as_ref()?.pair_json.as_deref()?;
            json_value_near(&findings[i], key, home)
        });
        let f = &findings[i];
        if let Some(result) = verifier.verify(det, &f.secret, pair.as_deref(), &f.fingerprint) {
            crate::verify::apply(&mut findings[i], result);
        }
    }
    Ok(())
}

/// The string value of JSON key `key` nearest to finding `f` in its file, read again from disk.
fn json_value_near(f: &crate::finding::Finding, key: &str, home: Option<&Path>) -> Option<Vec<u8>> {
    let os = crate::scan::path_from_display;
    let file = match f.root.as_str() {
        "~" => home?.join(os(&f.path)),
        "env" => return None,
        "." => os(&f.path),
        root => os(root).join(os(&f.path)),
    };
    let text = std::fs::read(file).ok()?;
    let re = regex::bytes::Regex::new(&format!(
        r#""{}"\s*:\s*"([^"\\]{{1,256}})""#,
        regex::escape(key)
    ))
    .ok()?;
    re.captures_iter(&text)
        .filter_map(|c| c.get(1))
        .min_by_key(|m| m.start().abs_diff(f.start))
        .map(|m| m.as_bytes().to_vec())
}

fn guard_command(g: GuardArgs) -> anyhow::Result<u8> {
    let target = TargetArgs {
        paths: vec![g.workspace.clone()],
        respect_gitignore: false,
        exclude: Vec::new(),
        max_file_size: 64 << 20,
        timeout: g.timeout,
        stats: false,
        max_findings_per_file: 100,
        threads: None,
        follow: false,
        detectors: Vec::new(),
        config: g.config.clone(),
        no_inline_allow: false,
        workspace_env: g.workspace_env,
        reach: vec![Reach::All],
        home: g.home.clone(),
    };
    let mut prepared = prepare(&target, g.baseline.as_deref())?;
    for fp in &g.allow {
        prepared
            .opts
            .allow
            .rules
            .push(crate::config::AllowRule::for_fingerprint(
                fp,
                "accepted for this session",
                "credgate guard --allow",
            ));
    }
    let fail_on = g.fail_on.or(prepared.config.fail_on).unwrap_or(Risk::High);
    let mut result = scan_reaches(&prepared, &Progress::default())?;
    if g.verify.verify {
        verify_findings(
            &g.verify,
            &mut result.findings,
            prepared.engine.catalog(),
            prepared.reach.home.as_deref(),
        )?;
    }
    let blocked = result.findings.iter().any(|f| f.assessment.risk >= fail_on);
    eprint!("{}", crate::guard::summary(&result.findings, fail_on));
    if result.summary.timed_out {
        // Fail closed: a workspace that was not read to the end is not known to be safe.
        eprintln!(
            "credgate guard: the time budget (--timeout) ran out before the scan finished; the command was not run"
        );
        return Ok(EXIT_ERROR);
    }
    if blocked {
        return Ok(EXIT_FINDINGS);
    }
    let code = crate::guard::exec(&g.command)?;
    // Exit codes above 255 cannot be returned; shells truncate them the same way.
    Ok((code & 0xff) as u8)
}

fn baseline_command(file: &Path, target: &TargetArgs, gitattributes: bool) -> anyhow::Result<u8> {
    let prepared = prepare(target, None)?;
    let result = run_scan(&prepared)?;
    let n = crate::baseline::write(file, &result.findings)?;
    eprintln!(
        "credgate: wrote {n} fingerprint{} to {} ({} finding{} already allowed otherwise)",
        if n == 1 { "" } else { "s" },
        file.display(),
        result.suppressed.len(),
        if result.suppressed.len() == 1 {
            " was"
        } else {
            "s were"
        }
    );
    if gitattributes && crate::baseline::ensure_union_merge(file)? {
        eprintln!(
            "credgate: marked it merge=union in .gitattributes, so branches that add findings merge without conflicts"
        );
    }
    Ok(EXIT_CLEAN)
}

fn config_check(file: &Path) -> anyhow::Result<u8> {
    let c = Config::load(file)?;
    println!(
        "{}: ok: {} exclude glob{}, {} detector path{}, {} allow rule{}{}{}{}",
        file.display(),
        c.exclude.len(),
        if c.exclude.len() == 1 { "" } else { "s" },
        c.detectors.len(),
        if c.detectors.len() == 1 { "" } else { "s" },
        c.allow.len(),
        if c.allow.len() == 1 { "" } else { "s" },
        c.baseline
            .as_ref()
            .map(|b| format!(", baseline {}", b.display()))
            .unwrap_or_default(),
        c.fail_on
            .map(|r| format!(", fail_on {r}"))
            .unwrap_or_default(),
        c.min_risk
            .map(|r| format!(", min_risk {r}"))
            .unwrap_or_default(),
    );
    // Detector files named by the config must load too.
    Catalog::with_user_files(&c.detectors)?;
    Ok(EXIT_CLEAN)
}

/// The time against which encoded expiries are judged. `CREDGATE_NOW` (RFC 3339) overrides the
/// clock, so that reports about expiry can be reproduced.
fn now() -> anyhow::Result<jiff::Timestamp> {
    match std::env::var("CREDGATE_NOW") {
        Ok(v) => v
            .parse()
            .map_err(|e| anyhow::anyhow!("CREDGATE_NOW={v:?}: not an RFC 3339 time: {e}")),
        Err(_) => Ok(jiff::Timestamp::now()),
    }
}

/// Reports hold redacted findings, but still say where credentials are: keep them private.
fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// A spinner on stderr, shown only when the scan has run for a second, so quick hook runs print
/// nothing extra.
fn show_progress(p: &Progress, done: mpsc::Receiver<()>) {
    use std::sync::atomic::Ordering;
    if !matches!(
        done.recv_timeout(Duration::from_secs(1)),
        Err(mpsc::RecvTimeoutError::Timeout)
    ) {
        return;
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    loop {
        bar.set_message(format!(
            "scanning: {} files, {}",
            p.files.load(Ordering::Relaxed),
            report::text::human_bytes(p.bytes.load(Ordering::Relaxed))
        ));
        bar.tick();
        match done.recv_timeout(Duration::from_millis(120)) {
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            _ => break,
        }
    }
    bar.finish_and_clear();
}

fn list_command(format: ListFormat, extra: &[PathBuf]) -> anyhow::Result<u8> {
    let catalog = Catalog::with_user_files(extra)?;
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    match format {
        ListFormat::Json => {
            let v: Vec<_> = catalog
                .detectors
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "id": d.id,
                        "name": d.name,
                        "provider": d.provider,
                        "provider_name": d.provider_name,
                        "keywords": d.keywords,
                        "paths": d.paths,
                        "validators": d.validators.iter().map(|v| v.name()).collect::<Vec<_>>(),
                        "min_entropy": d.min_entropy,
                        "confidence": d.confidence,
                        "lifetime": d.lifetime,
                        "scope": d.scope,
                        "privileged": d.privileged,
                        "source": d.source,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut w, &v)?;
            writeln!(w)?;
        }
        ListFormat::Markdown => {
            write!(w, "{}", crate::detectors::markdown_table(&catalog))?;
        }
        ListFormat::Text => {
            for d in &catalog.detectors {
                let validation: Vec<&str> = d.validators.iter().map(|v| v.name()).collect();
                writeln!(
                    w,
                    "{:<36} {:<14} lifetime={:<11} scope={:<10} keywords={} {}",
                    d.id,
                    d.provider,
                    d.lifetime.as_str(),
                    d.scope.as_str(),
                    d.keywords.join(","),
                    if validation.is_empty() {
                        String::new()
                    } else {
                        format!("validation={}", validation.join(","))
                    }
                )?;
            }
            writeln!(
                w,
                "{} detectors, {} providers",
                catalog.detectors.len(),
                catalog.providers().len()
            )?;
        }
    }
    w.flush()?;
    Ok(EXIT_CLEAN)
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
}
