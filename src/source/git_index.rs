//! What is staged for the next commit (`scan --staged`): the index's blobs that differ from
//! `HEAD`, read from the object database (never the working tree), with findings only on the
//! lines the change adds or modifies. See [`crate::git::staged`] for how it stays fast in a
//! large repository.

use crate::finding::Origin;
use crate::pipeline::{Blob, Pipeline, Source};
use crate::read::SkipReason;
use std::path::{Path, PathBuf};

/// The staged changes of the repository containing `dir`, limited to `only` when not empty.
pub struct GitIndex {
    pub dir: PathBuf,
    pub only: Vec<PathBuf>,
}

impl Source for GitIndex {
    fn feed(&self, p: &Pipeline<'_>) -> anyhow::Result<()> {
        let (workdir, blobs, passed) = crate::git::staged(&self.dir, &self.only)?;
        let mut w = p.worker();
        for x in passed {
            w.skip(
                Origin::GitIndex {
                    path: x.path.to_string(),
                },
                SkipReason::NotScanned { why: x.why },
            );
        }
        for b in &blobs {
            if p.expired() {
                break;
            }
            let path = b.path.to_string();
            if p.excluded(Path::new(&path)) {
                continue;
            }
            let file = workdir.join(&path);
            let blob = Blob {
                file: Some(&file),
                lines: b.added_lines.as_ref(),
                ..Blob::new(Origin::GitIndex { path })
            };
            w.scan_bytes(&b.content, blob);
        }
        Ok(())
    }
}
