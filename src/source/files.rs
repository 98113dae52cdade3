//! A list of files named by someone else (the files a Claude Code tool call would read), each
//! with the origin to report it under.

use crate::finding::Origin;
use crate::pipeline::{Blob, Pipeline, Source};
use std::path::{Path, PathBuf};

/// Files to read, in order, each reported as its origin.
pub struct Files {
    pub files: Vec<(PathBuf, Origin)>,
}

impl Source for Files {
    fn feed(&self, p: &Pipeline<'_>) -> anyhow::Result<()> {
        let mut w = p.worker();
        for (file, origin) in &self.files {
            if p.expired() {
                break;
            }
            let rel: &Path = match origin {
                Origin::Workspace { path, .. } | Origin::Home { path, .. } => path,
                _ => file,
            };
            if p.excluded(rel) {
                continue;
            }
            w.scan_file(file, false, Blob::new(origin.clone()));
        }
        Ok(())
    }
}
