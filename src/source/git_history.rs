//! Git history (`scan --git [RANGE]`): every distinct blob the commits of the range introduce,
//! scanned once each, in parallel. Afterwards one finding is kept per secret: the oldest
//! introduction, with how many commits carry it and whether the checkout still has it.
//!
//! What a partial or shallow clone does not have is said in warnings, with the fetch that
//! completes it ([`crate::git::history_warnings`]); the rest is scanned.

use crate::finding::{CommitRef, Finding, Origin};
use crate::git::History;
use crate::pipeline::{Blob, Pipeline, Source};
use crate::result::Warning;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The history of the repository containing `dir`: `range` as `A..B`, one revision, or every
/// ref when `None`.
pub struct GitHistory {
    pub dir: PathBuf,
    pub range: Option<String>,
    /// The walk, kept for the post-step.
    walked: Mutex<Option<History>>,
    /// Blobs the walk listed that could not be read (index in the walk, why).
    unreadable: Mutex<Vec<(usize, String)>>,
}

impl GitHistory {
    pub fn new(dir: PathBuf, range: Option<String>) -> GitHistory {
        GitHistory {
            dir,
            range,
            walked: Mutex::new(None),
            unreadable: Mutex::new(Vec::new()),
        }
    }
}

impl Source for GitHistory {
    fn feed(&self, p: &Pipeline<'_>) -> anyhow::Result<()> {
        let h = crate::git::history(&self.dir, self.range.as_deref())?;
        let workdir = h.repo.workdir().map(Path::to_path_buf).unwrap_or_default();
        let sync = h.repo.clone().into_sync();
        crate::pipeline::rayon_pool(p.threads());
        h.blobs.par_iter().enumerate().for_each_init(
            || {
                let mut repo = sync.to_thread_local();
                crate::git::tune_for_history(&mut repo);
                (repo, p.worker())
            },
            |(repo, w), (i, b)| {
                if p.expired() {
                    return;
                }
                let path = b.path.to_string();
                if p.excluded(Path::new(&path)) {
                    return;
                }
                let blob = match repo.find_blob(b.id) {
                    Ok(blob) => blob,
                    Err(e) => {
                        // Not in this clone (a partial clone): said in a warning, in `post`.
                        self.unreadable.lock().unwrap().push((i, e.to_string()));
                        return;
                    }
                };
                let file = workdir.join(&path);
                let origin = Origin::GitCommit {
                    path,
                    commit: b.commit.to_string(),
                    blob: b.id.to_string(),
                };
                w.scan_bytes(
                    &blob.data,
                    Blob {
                        file: Some(&file),
                        ..Blob::new(origin)
                    },
                );
            },
        );
        *self.walked.lock().unwrap() = Some(h);
        Ok(())
    }

    fn post(&self, findings: &mut Vec<Finding>, warnings: &mut Vec<Warning>) {
        let walked = self.walked.lock().unwrap();
        let Some(h) = walked.as_ref() else { return };
        let mut unreadable = self.unreadable.lock().unwrap().clone();
        unreadable.sort();
        warnings.extend(crate::git::history_warnings(h, &unreadable));
        let index: HashMap<String, usize> = h
            .blobs
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.to_string(), i))
            .collect();
        let blob_of = |f: &Finding| match &f.origin {
            Origin::GitCommit { blob, .. } => index.get(blob).copied(),
            _ => None,
        };
        // One finding per secret: the oldest introduction, with every blob that holds it.
        let mut by_fp: BTreeMap<String, (Finding, Vec<usize>)> = BTreeMap::new();
        let mut rest = Vec::with_capacity(findings.len());
        for f in findings.drain(..) {
            let Some(i) = blob_of(&f) else {
                rest.push(f);
                continue;
            };
            match by_fp.get_mut(&f.fingerprint) {
                None => {
                    by_fp.insert(f.fingerprint.clone(), (f, vec![i]));
                }
                Some((kept, blobs)) => {
                    if !blobs.contains(&i) {
                        blobs.push(i);
                    }
                    let (old, new) = (&h.blobs[blobs[0]], &h.blobs[i]);
                    if (new.commit_time, std::cmp::Reverse(new.walk_pos))
                        < (old.commit_time, std::cmp::Reverse(old.walk_pos))
                    {
                        *kept = f;
                        let pos = blobs.iter().position(|&x| x == i).expect("just added");
                        blobs.swap(0, pos);
                    }
                }
            }
        }
        for (_, (mut f, blobs)) in by_fp {
            let first = &h.blobs[blobs[0]];
            let (author, date) = crate::git::commit_meta(&h.repo, first.commit);
            let in_checkout = blobs.iter().any(|&i| h.head_blobs.contains(&h.blobs[i].id));
            // Commits whose tree holds any of the blobs that contain this secret.
            let commits = h
                .commits
                .iter()
                .filter(|&&c| {
                    blobs.iter().any(|&i| {
                        let b = &h.blobs[i];
                        crate::git::carries(&h.repo, c, b.id, &b.paths)
                    })
                })
                .count();
            if !in_checkout {
                f.assessment.evidence.push(
                    "in git history only: deleted from the checkout, but in every clone of the repository".into(),
                );
            }
            f.commit = Some(CommitRef {
                id: first.commit.to_string(),
                author,
                date,
                path: first.path.to_string(),
                commits,
                in_checkout,
            });
            rest.push(f);
        }
        *findings = rest;
    }
}
