//! Content in memory, named as if it were a file: for embedding, fuzzing and tests.

use crate::finding::Origin;
use crate::pipeline::{Blob, Pipeline, Source};
use std::path::PathBuf;

/// One buffer, reported as the workspace file `name`, or as the home store file `name` when
/// `home` is set (so that store context, such as the AWS profile, is read as it would be).
pub struct Bytes<'b> {
    pub name: PathBuf,
    pub bytes: &'b [u8],
    pub home: Option<PathBuf>,
}

impl Source for Bytes<'_> {
    fn feed(&self, p: &Pipeline<'_>) -> anyhow::Result<()> {
        let origin = match &self.home {
            Some(home) if p.stores().find(&self.name).is_some() => Origin::Home {
                home: home.clone(),
                path: self.name.clone(),
            },
            _ => Origin::Workspace {
                root: PathBuf::from("."),
                path: self.name.clone(),
            },
        };
        if p.excluded(&self.name) {
            return Ok(());
        }
        p.worker().scan_bytes(self.bytes, Blob::new(origin));
        Ok(())
    }
}
