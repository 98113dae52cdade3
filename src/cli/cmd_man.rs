//! `credgate man`: the man pages, rendered by clap_mangen from the clap definitions in
//! [`super::args`], the same ones `--help` prints. One page per command, as git has them
//! (credgate-scan(1)), since credgate(1) alone only lists the subcommands.

use super::EXIT_CLEAN;
use super::args::Cli;
use anyhow::{Context, bail};
use clap::CommandFactory;
use std::io::Write;
use std::path::Path;

/// Prints the page of `credgate COMMAND...` (credgate(1) for none), or with `dir` writes every
/// page there.
pub fn run(command: &[String], dir: Option<&Path>) -> anyhow::Result<u8> {
    let root = tree();
    if let Some(dir) = dir {
        return write_all(&root, dir);
    }
    let mut page = &root;
    for name in command {
        page = match page.find_subcommand(name).filter(|c| !c.is_hide_set()) {
            Some(sub) => sub,
            None => bail!(
                "no command `{} {name}` (commands there: {})",
                page.get_bin_name().unwrap_or("credgate"),
                names(page).join(", ")
            ),
        };
    }
    let mut roff = Vec::new();
    clap_mangen::Man::new(page.clone()).render(&mut roff)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&roff)?;
    out.flush()?;
    Ok(EXIT_CLEAN)
}

/// The command tree, built so that each subcommand knows its full name (`credgate-hook-install`
/// is a page's title and file name), without clap's `help` subcommand, which needs no page.
fn tree() -> clap::Command {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

fn names(cmd: &clap::Command) -> Vec<&str> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| c.get_name())
        .collect()
}

/// Writes `NAME.1` for the command and each of its subcommands into `dir`, and says how many.
fn write_all(root: &clap::Command, dir: &Path) -> anyhow::Result<u8> {
    let mut pages = Vec::new();
    collect(root, &mut pages);
    for cmd in &pages {
        let man = clap_mangen::Man::new((*cmd).clone());
        let path = dir.join(man.get_filename());
        let mut roff = Vec::new();
        man.render(&mut roff)?;
        let mut f = crate::safe_write::create_nofollow(&path, crate::safe_write::SHARED)
            .with_context(|| format!("cannot write the man page {}", path.display()))?;
        f.write_all(&roff)
            .with_context(|| format!("cannot write the man page {}", path.display()))?;
    }
    eprintln!(
        "credgate: wrote {} into {}",
        crate::util::count(pages.len(), "man page"),
        dir.display()
    );
    Ok(EXIT_CLEAN)
}

fn collect<'a>(cmd: &'a clap::Command, pages: &mut Vec<&'a clap::Command>) {
    pages.push(cmd);
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        collect(sub, pages);
    }
}
