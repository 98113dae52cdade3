//! `credgate baseline create`: accept today's findings, so later scans report only new ones.

use super::EXIT_CLEAN;
use super::args::TargetArgs;
use super::settings::{self, Reaches, WalkFlags};
use crate::util::count;
use std::path::Path;

pub fn create(file: &Path, target: &TargetArgs, gitattributes: bool) -> anyhow::Result<u8> {
    let prepared = settings::prepare(
        &target.options,
        &target.paths,
        &settings::config_dir(&target.paths, false),
        WalkFlags {
            respect_gitignore: target.respect_gitignore,
            follow: target.follow,
            stats: false,
        },
        Reaches::from_flags(&target.reach),
        None,
    )?;
    let result = prepared.run(&prepared.reach_sources())?;
    let n = crate::suppress::baseline::write(file, &result.findings)?;
    let allowed = result.suppressed.len();
    eprintln!(
        "credgate: wrote {} to {} ({} already allowed otherwise)",
        count(n, "fingerprint"),
        file.display(),
        if allowed == 1 {
            "1 finding was".to_string()
        } else {
            format!("{allowed} findings were")
        }
    );
    if gitattributes && crate::suppress::baseline::ensure_union_merge(file)? {
        eprintln!(
            "credgate: marked it merge=union in .gitattributes, so branches that add findings merge without conflicts"
        );
    }
    Ok(EXIT_CLEAN)
}
