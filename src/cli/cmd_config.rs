//! `credgate config check`: validates a config file and says what it sets.

use super::EXIT_CLEAN;
use crate::config::Config;
use crate::detectors::Catalog;
use crate::util::count;
use std::path::Path;

pub fn check(file: &Path) -> anyhow::Result<u8> {
    let c = Config::load(file)?;
    println!(
        "{}: ok: {}, {}, {}{}{}{}",
        file.display(),
        count(c.exclude.len(), "exclude glob"),
        count(c.detectors.len(), "detector path"),
        count(c.allow.len(), "allow rule"),
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
