//! `credgate completions SHELL`: the shell completion script, generated from the clap
//! definitions in [`super::args`], the same ones `--help` prints, so the two cannot drift.

use super::EXIT_CLEAN;
use super::args::Cli;
use clap::CommandFactory;
use std::io::Write;

pub fn run(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    // Into memory first: clap_complete panics on a failed write, and `credgate completions bash
    // | head` must end quietly like any other command whose reader went away.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "credgate", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(EXIT_CLEAN)
}
