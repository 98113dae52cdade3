//! The CLI and agent credential stores of a home directory (`--reach home`): only the files
//! the store catalog (`detectors/stores/stores.toml`) names, walked in parallel.

use super::fs::{FsWalk, Owner};
use super::walk::WalkOptions;
use crate::pipeline::{Pipeline, Source};
use std::path::PathBuf;

/// The credential stores under `home`.
pub struct HomeStores {
    pub home: PathBuf,
    pub threads: usize,
    pub follow_links: bool,
}

impl Source for HomeStores {
    fn feed(&self, p: &Pipeline<'_>) -> anyhow::Result<()> {
        let roots = p.stores().files(&self.home);
        if roots.is_empty() {
            return Ok(());
        }
        FsWalk {
            walk: WalkOptions {
                roots,
                // A store is read whatever a .gitignore in the home directory says.
                respect_gitignore: false,
                follow_links: self.follow_links,
                threads: self.threads,
            },
            owner: Owner::Home(self.home.clone()),
        }
        .feed(p)
    }
}
