//! The command line: argument parsing and dispatch. `main.rs` only calls [`run`].

use crate::assessment::{Environment, Risk};
use crate::detectors::Catalog;
use crate::engine::Engine;
use crate::report::{self, Format, ReportOptions};
use crate::scan::{self, Progress, ScanOptions};
use crate::walk::WalkOptions;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
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
    name = "credsweep",
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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
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

    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Follow symbolic links (loops are detected and reported).
    #[arg(long, short = 'L')]
    pub follow: bool,

    /// Add detector files (a TOML file, or a directory of them; repeatable).
    #[arg(long = "detectors", value_name = "PATH")]
    pub detectors: Vec<PathBuf>,

    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Write the report to FILE (created with mode 0600) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Exit with 1 when a finding of this risk or higher is found (default: high). Lower-risk
    /// findings are still reported.
    #[arg(long, value_enum, value_name = "RISK", default_value_t = Risk::High)]
    pub fail_on: Risk,

    /// Show only findings of this risk or higher (default: all, down to info).
    #[arg(long, value_enum, value_name = "RISK", default_value_t = Risk::Info)]
    pub min_risk: Risk,

    /// The environment of the workspace being scanned. A production credential found in a
    /// staging, development or test workspace is then critical.
    #[arg(long, value_enum, value_name = "ENV")]
    pub workspace_env: Option<Environment>,

    /// Print raw secrets in the report. Off by default: whoever reads the output (an agent
    /// included) would otherwise get every credential in one place.
    #[arg(long)]
    pub show_secrets: bool,
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
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(EXIT_CLEAN);
            }
            eprintln!("credsweep: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// A panic message may quote data the program was handling; print where it happened, not what.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let loc = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "credsweep: internal error at {loc} (details withheld: they could quote scanned content). Please report it."
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

fn scan_command(args: ScanArgs) -> anyhow::Result<u8> {
    let catalog = Catalog::with_user_files(&args.detectors)?;
    let engine = Engine::new(catalog)?;
    let threads = threads(args.threads);
    // The pool that splits large files; ignore's walker has its own threads.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let opts = ScanOptions {
        walk: WalkOptions {
            roots: args.paths.clone(),
            respect_gitignore: args.respect_gitignore,
            excludes: args.exclude.clone(),
            follow_links: args.follow,
            threads,
        },
        max_file_size: args.max_file_size,
        workspace_env: args.workspace_env,
        now: now()?,
    };
    let progress = Progress::default();
    let mut result = std::thread::scope(|s| {
        let (done_tx, done_rx) = mpsc::channel::<()>();
        if std::io::stderr().is_terminal() {
            let p = &progress;
            s.spawn(move || show_progress(p, done_rx));
        }
        let r = scan::run(&engine, &opts, &progress);
        drop(done_tx);
        r
    })?;

    let fail = result
        .findings
        .iter()
        .any(|f| f.assessment.risk >= args.fail_on);
    let before = result.findings.len();
    result
        .findings
        .retain(|f| f.assessment.risk >= args.min_risk);
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
    Ok(if fail { EXIT_FINDINGS } else { EXIT_CLEAN })
}

/// The time against which encoded expiries are judged. `CREDSWEEP_NOW` (RFC 3339) overrides the
/// clock, so that reports about expiry can be reproduced.
fn now() -> anyhow::Result<jiff::Timestamp> {
    match std::env::var("CREDSWEEP_NOW") {
        Ok(v) => v
            .parse()
            .map_err(|e| anyhow::anyhow!("CREDSWEEP_NOW={v:?}: not an RFC 3339 time: {e}")),
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
