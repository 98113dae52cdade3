//! The command line: parse ([`args`]), resolve flags, config file and defaults once
//! ([`settings`]), and run one command (`cmd_*.rs`). `main.rs` only calls [`run`].

mod args;
mod cmd_baseline;
mod cmd_completions;
mod cmd_config;
mod cmd_detectors;
mod cmd_guard;
mod cmd_hook;
mod cmd_init;
mod cmd_man;
mod cmd_report;
mod cmd_scan;
mod output;
mod progress;
mod settings;

use crate::agent::hook::Host;
use args::{
    BaselineCommand, Cli, Command, ConfigCommand, DetectorsCommand, HookCommand, ReportCommand,
};
use clap::Parser;
use std::process::ExitCode;

/// Exit code: no finding at or above `--fail-on`.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: findings at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the scan could not be done (bad arguments, bad detector file, unreadable root).
pub const EXIT_ERROR: u8 = 2;

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => cmd_scan::run(args),
        Command::Detectors(DetectorsCommand::List { format, detectors }) => {
            cmd_detectors::list(format, &detectors)
        }
        Command::Detectors(DetectorsCommand::Check { paths }) => cmd_detectors::check(&paths),
        Command::Baseline(BaselineCommand::Create {
            file,
            target,
            no_gitattributes,
        }) => cmd_baseline::create(&file, &target, !no_gitattributes),
        Command::Config(ConfigCommand::Check { file }) => cmd_config::check(&file),
        Command::Guard(args) => cmd_guard::run(args),
        Command::Hook(h) => match h {
            HookCommand::Claude(a) => cmd_hook::agent(Host::Claude, a),
            HookCommand::Cursor(a) => cmd_hook::agent(Host::Cursor, a),
            HookCommand::Codex(a) => cmd_hook::agent(Host::Codex, a),
            HookCommand::Gemini(a) => cmd_hook::agent(Host::Gemini, a),
            HookCommand::Install {
                agent,
                fail_on,
                force,
                chain,
            } if agent.is_empty() => {
                cmd_hook::install_git(fail_on.unwrap_or(crate::model::Risk::High), force, chain)
            }
            HookCommand::Install { agent, fail_on, .. } => {
                cmd_hook::install_agents(&agent, fail_on)
            }
            HookCommand::Uninstall => cmd_hook::uninstall_git(),
        },
        Command::Init(args) => cmd_init::run(args),
        Command::Report(ReportCommand::Merge {
            reports,
            format,
            output,
        }) => cmd_report::merge(&reports, format, output.as_deref()),
        Command::Completions { shell } => cmd_completions::run(shell),
        Command::Man { command, dir } => cmd_man::run(&command, dir.as_deref()),
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
