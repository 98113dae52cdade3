//! Git history (`scan --git [RANGE]`): every distinct blob the commits of the range introduce,
//! scanned once each, in parallel and in pack order ([`crate::git::pack_order`]). Afterwards
//! one finding is kept per secret: the oldest introduction, with how many commits carry it
//! ([`crate::git::carrying_commits`], worked out only for the blobs that hold a finding) and
//! whether the checkout still has it.
//!
//! What a partial or shallow clone does not have is said in warnings, with the fetch that
//! completes it ([`crate::git::history_warnings`]); the rest is scanned.

use crate::finding::{CommitRef, Finding, Origin};
use crate::git::{History, Target};
use crate::pipeline::{Blob, Pipeline, Source};
use crate::result::Warning;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The pack pages read are dropped from memory after this many bytes of blobs
/// ([`crate::git::PackPages`]).
const RELEASE_EVERY: u64 = 32 << 20;

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
        // The walk diffs commits on the same pool as the scan.
        crate::pipeline::rayon_pool(p.threads());
        let h = p.phase("history: walk and diff commits", || {
            crate::git::history(&self.dir, self.range.as_deref())
        })?;
        let ids: Vec<gix::ObjectId> = h.blobs.iter().map(|b| b.id).collect();
        let order = p.phase("history: pack order", || {
            crate::git::pack_order(&h.repo, &ids)
        });
        let workdir = h.repo.workdir().map(Path::to_path_buf).unwrap_or_default();
        let sync = h.repo.clone().into_sync();
        let (blobs, paths) = (&h.blobs, &h.paths);
        let pages = crate::git::PackPages::new(&h.repo, RELEASE_EVERY);
        p.phase("history: scan blobs", || {
            // Contiguous runs of the pack order per thread, so a delta's base is in that
            // thread's cache.
            order.par_iter().with_min_len(64).for_each_init(
                || {
                    let mut repo = sync.to_thread_local();
                    crate::git::tune_for_blobs(&mut repo);
                    (repo, p.worker(), Vec::new())
                },
                |(repo, w, data), &i| {
                    let b = &blobs[i];
                    if p.expired() {
                        return;
                    }
                    let path = paths[b.path as usize].to_string();
                    if p.excluded(Path::new(&path)) {
                        return;
                    }
                    // Into this thread's buffer: one allocation for all blobs, not one each.
                    use gix::prelude::Find;
                    let why = match repo.objects.try_find(&b.id, data) {
                        Ok(Some(o)) if o.kind == gix::object::Kind::Blob => None,
                        Ok(Some(o)) => Some(format!("expected a blob, found a {}", o.kind)),
                        Ok(None) => Some("not in this clone (a partial clone?)".to_string()),
                        Err(e) => Some(e.to_string()),
                    };
                    if let Some(why) = why {
                        // Said in a warning, in `post`.
                        self.unreadable.lock().unwrap().push((i, why));
                        return;
                    }
                    pages.read(data.len() as u64);
                    let file = workdir.join(&path);
                    let origin = Origin::GitCommit {
                        path,
                        commit: b.commit.to_string(),
                        blob: b.id.to_string(),
                    };
                    w.scan_bytes(
                        data,
                        Blob {
                            file: Some(&file),
                            ..Blob::new(origin)
                        },
                    );
                },
            )
        });
        pages.release();
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
                    // Ties (one commit adding the secret in several files) go to the first
                    // path, so the report does not depend on which thread scanned first.
                    let key = |b: usize| {
                        let b = &h.blobs[b];
                        (
                            b.commit_time,
                            std::cmp::Reverse(b.walk_pos),
                            h.path(b.path),
                            b.id,
                        )
                    };
                    if key(i) < key(blobs[0]) {
                        *kept = f;
                        let pos = blobs.iter().position(|&x| x == i).expect("just added");
                        blobs.swap(0, pos);
                    }
                }
            }
        }
        // Commits whose tree holds any of the blobs that contain a secret, for all secrets at
        // once.
        let mut target_of: HashMap<usize, usize> = HashMap::new();
        let mut targets = Vec::new();
        let groups: Vec<Vec<usize>> = by_fp
            .values()
            .map(|(_, blobs)| {
                blobs
                    .iter()
                    .map(|&i| {
                        *target_of.entry(i).or_insert_with(|| {
                            targets.push(Target {
                                blob: h.blobs[i].id,
                                paths: h.blobs[i].paths.iter().map(|&p| h.path(p)).collect(),
                            });
                            targets.len() - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let trees: Vec<gix::ObjectId> = h.commits.iter().map(|&(_, tree)| tree).collect();
        let carrying = crate::git::carrying_commits(&h.repo, &trees, &targets, &groups);
        for ((_, (mut f, blobs)), commits) in by_fp.into_iter().zip(carrying) {
            let first = &h.blobs[blobs[0]];
            let (author, date) = crate::git::commit_meta(&h.repo, first.commit);
            let in_checkout = blobs.iter().any(|&i| h.head_blobs.contains(&h.blobs[i].id));
            if !in_checkout {
                f.assessment.evidence.push(
                    "in git history only: deleted from the checkout, but in every clone of the repository".into(),
                );
            }
            f.commit = Some(CommitRef {
                id: first.commit.to_string(),
                author,
                date,
                path: h.path(first.path).to_string(),
                commits,
                in_checkout,
            });
            rest.push(f);
        }
        *findings = rest;
    }
}
