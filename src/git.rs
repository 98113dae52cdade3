//! Git, read with gitoxide from the index and the object database, never from the working tree
//! and never by parsing `git` output: what is about to be committed ([`staged`], for
//! `scan --staged`) and the blobs a revision range introduces ([`history`], for `scan --git`),
//! with what a partial or shallow clone lacks ([`history_warnings`]).
//!
//! Only index entries whose blob differs from `HEAD` are read. The index's cache-tree extension
//! says which directories are unchanged since the last write-tree; where its tree id equals
//! `HEAD`'s, the whole directory is skipped without looking at its files, which is what keeps a
//! hook fast in a repository of 50,000 files. Within a changed file, only lines the staged version
//! adds or modifies (by a histogram diff against `HEAD`) can yield findings.

use anyhow::{Context, Result, anyhow};
use gix::bstr::{BStr, BString, ByteSlice};
use gix::diff::blob::{Algorithm, Diff, InternedInput, sources};
use gix::hash::ObjectId;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A staged blob to scan.
pub struct Staged {
    /// Path from the work tree root, `/`-separated.
    pub path: BString,
    pub content: Vec<u8>,
    /// 1-based line numbers the staged version adds or changes; `None`: the whole file is new.
    pub added_lines: Option<HashSet<u64>>,
}

/// Why a staged entry was not scanned.
pub struct Passed {
    pub path: BString,
    pub why: &'static str,
}

/// The staged changes of the repository that contains `dir`, limited to `only` (paths relative
/// to `dir`) when it is not empty.
pub fn staged(dir: &Path, only: &[PathBuf]) -> Result<(PathBuf, Vec<Staged>, Vec<Passed>)> {
    let repo = gix::discover(dir)
        .with_context(|| format!("{}: not in a git repository", dir.display()))?;
    let workdir = repo
        .workdir()
        .ok_or_else(|| anyhow!("--staged needs a work tree (this is a bare repository)"))?
        .to_path_buf();
    let index = repo.index_or_empty().context("reading the index")?;
    let head_tree = repo
        .head_tree_id_or_empty()
        .context("reading HEAD")?
        .detach();

    // Restrict to given paths, expressed from the work tree root.
    let cwd_rel = std::path::absolute(dir)
        .ok()
        .and_then(|d| {
            d.strip_prefix(std::path::absolute(&workdir).ok()?)
                .ok()
                .map(Path::to_path_buf)
        })
        .unwrap_or_default();
    let wanted: Vec<BString> = only
        .iter()
        .map(|p| {
            let joined = cwd_rel.join(p);
            let s = joined.to_string_lossy().replace('\\', "/");
            let s = s.trim_end_matches('/').trim_end_matches("/.");
            BString::from(if s == "." {
                ""
            } else {
                s.trim_start_matches("./")
            })
        })
        .collect();
    let is_wanted = |path: &BStr| {
        wanted.is_empty()
            || wanted.iter().any(|w| w.is_empty())
            || wanted.iter().any(|w| {
                path == w.as_bstr()
                    || (path.starts_with(w.as_slice()) && path.get(w.len()) == Some(&b'/'))
            })
    };

    // Directories whose cached tree equals HEAD's: nothing under them is staged.
    let mut clean_dirs: Vec<BString> = Vec::new();
    if let Some(cache) = index.tree() {
        clean_subtrees(
            &repo,
            cache,
            Some(head_tree),
            BString::default(),
            &mut clean_dirs,
        );
    }
    let clean: HashSet<&[u8]> = clean_dirs.iter().map(|d| d.as_slice()).collect();
    let root_clean = clean.contains(&b""[..]);
    // An entry is unchanged if any of its ancestor directories is: O(depth) per entry.
    let in_clean_dir = |path: &BStr| {
        root_clean
            || path
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'/')
                .any(|(i, _)| clean.contains(&path.as_bytes()[..i]))
    };
    let head = repo.find_tree(head_tree).ok();
    // Blob ids anywhere in HEAD, read only if a path new to HEAD is staged: a new path with a
    // blob HEAD already has is a rename or copy without content change, and costs nothing.
    let mut head_blobs: Option<HashSet<ObjectId>> = None;
    // HEAD's blobs per directory, read once for each directory that has staged entries.
    let mut dir_entries: std::collections::HashMap<
        BString,
        std::collections::HashMap<BString, ObjectId>,
    > = std::collections::HashMap::new();
    let mut out = Vec::new();
    let mut passed = Vec::new();
    for entry in index.entries() {
        let path = entry.path(&index);
        if !is_wanted(path) || in_clean_dir(path) {
            continue;
        }
        if entry.stage() != gix::index::entry::Stage::Unconflicted {
            continue;
        }
        use gix::index::entry::Mode;
        if entry.mode == Mode::COMMIT {
            passed.push(Passed {
                path: path.to_owned(),
                why: "submodule (its own repository is scanned on its own)",
            });
            continue;
        }
        if entry.mode == Mode::SYMLINK {
            continue;
        }
        let (dir, name) = match path.rfind_byte(b'/') {
            Some(i) => (&path[..i], &path[i + 1..]),
            None => (&path[..0], path),
        };
        let listing = dir_entries.entry(BString::from(dir)).or_insert_with(|| {
            let tree = if dir.is_empty() {
                head.as_ref().map(|t| t.id)
            } else {
                head.as_ref().and_then(|t| {
                    gix::path::from_bstr(dir.as_bstr())
                        .ok()
                        .and_then(|p| t.lookup_entry_by_path(p).ok().flatten())
                        .filter(|e| e.mode().is_tree())
                        .map(|e| e.object_id())
                })
            };
            tree.and_then(|id| repo.find_tree(id).ok())
                .and_then(|t| {
                    t.decode().ok().map(|d| {
                        d.entries
                            .iter()
                            .filter(|e| e.mode.is_blob())
                            .map(|e| (BString::from(e.filename.to_vec()), e.oid.to_owned()))
                            .collect()
                    })
                })
                .unwrap_or_default()
        });
        let old = listing.get(name.as_bstr()).copied();
        if old == Some(entry.id) {
            continue;
        }
        let blob = repo
            .find_blob(entry.id)
            .with_context(|| format!("reading staged {path}"))?;
        let content = blob.data.clone();
        if content.starts_with(b"version https://git-lfs.github.com/spec/") {
            passed.push(Passed {
                path: path.to_owned(),
                why: "Git LFS pointer (the content is not in git)",
            });
            continue;
        }
        if old.is_none() {
            let blobs =
                head_blobs.get_or_insert_with(|| head.as_ref().map(blob_ids).unwrap_or_default());
            if blobs.contains(&entry.id) {
                continue;
            }
        }
        let added_lines = match old {
            None => None,
            Some(old_id) => {
                let old_blob = repo
                    .find_blob(old_id)
                    .with_context(|| format!("reading HEAD:{path}"))?;
                Some(added_lines(&old_blob.data, &content))
            }
        };
        out.push(Staged {
            path: path.to_owned(),
            content,
            added_lines,
        });
    }
    Ok((workdir, out, passed))
}

/// Every blob id reachable from `tree`.
fn blob_ids(tree: &gix::Tree<'_>) -> HashSet<ObjectId> {
    tree.traverse()
        .breadthfirst
        .files()
        .map(|files| {
            files
                .into_iter()
                .filter(|e| e.mode.is_blob())
                .map(|e| e.oid)
                .collect()
        })
        .unwrap_or_default()
}

/// Collects directories whose cache-tree id is valid and equal to the `HEAD` tree at that path.
fn clean_subtrees(
    repo: &gix::Repository,
    cache: &gix::index::extension::Tree,
    head: Option<ObjectId>,
    prefix: BString,
    out: &mut Vec<BString>,
) {
    if cache.num_entries.is_some() && Some(cache.id) == head {
        out.push(prefix);
        return;
    }
    let head_tree = head.and_then(|h| repo.find_tree(h).ok());
    for child in &cache.children {
        let name = child.name.as_bstr();
        let child_head = head_tree.as_ref().and_then(|t| {
            t.find_entry(BString::from(name.to_vec()))
                .filter(|e| e.mode().is_tree())
                .map(|e| e.object_id())
        });
        let mut p = prefix.clone();
        if !p.is_empty() {
            p.push(b'/');
        }
        p.extend_from_slice(name);
        clean_subtrees(repo, child, child_head, p, out);
    }
}

/// 1-based numbers of the lines in `new` that the diff from `old` adds or changes.
pub fn added_lines(old: &[u8], new: &[u8]) -> HashSet<u64> {
    let input = InternedInput::new(sources::byte_lines(old), sources::byte_lines(new));
    let diff = Diff::compute(Algorithm::Histogram, &input);
    (0..input.after.len() as u32)
        .filter(|&i| diff.is_added(i))
        .map(|i| i as u64 + 1)
        .collect()
}

/// One blob of history to scan, with where it first appeared.
pub struct HistoryBlob {
    pub id: ObjectId,
    /// The path it had in its oldest introducing commit.
    pub path: BString,
    /// The oldest commit whose diff against its first parent added this content.
    pub commit: ObjectId,
    pub commit_time: i64,
    /// Position of that commit in the walk (newest first); breaks ties between commits made in
    /// the same second in favour of the ancestor.
    pub walk_pos: usize,
    /// Every path it was introduced at, for counting the commits that carry it.
    pub paths: Vec<BString>,
}

/// An object the walk needed that is not in this repository (a partial clone fetched without
/// it), so what it holds was not scanned.
pub struct Missing {
    /// `Blob`, `Tree` or `Commit`.
    pub kind: gix::object::Kind,
    pub id: ObjectId,
    /// Where it is: the blob's path, or the directory of the tree (empty: a commit's root tree);
    /// empty for a commit.
    pub path: BString,
    /// For a blob, its oldest introducing commit; for a tree, the commit whose tree holds it; for
    /// a commit, its child that was walked.
    pub commit: ObjectId,
}

/// A walk of history: the distinct blobs introduced by the commits of the range, oldest
/// introduction kept, and the commits walked.
pub struct History {
    pub repo: gix::Repository,
    /// The blobs to scan: those this repository has.
    pub blobs: Vec<HistoryBlob>,
    pub commits: Vec<ObjectId>,
    /// Blob ids in `HEAD`'s tree: what is still in the checkout.
    pub head_blobs: HashSet<ObjectId>,
    /// What the walk could not read, each object once: commits, then trees, then blobs, each by
    /// path.
    pub missing: Vec<Missing>,
    /// The shallow boundary commits the walk reached (`git clone --depth`): their parents are not
    /// here, so each was diffed against the empty tree, as a root commit is.
    pub shallow: Vec<ObjectId>,
}

fn resolve(repo: &gix::Repository, spec: &str) -> Result<ObjectId> {
    let shallow = || {
        if repo.is_shallow().unwrap_or(false) {
            " (this is a shallow clone: `git fetch --unshallow` fetches the rest of history)"
        } else {
            ""
        }
    };
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| anyhow!("{spec}: not a revision: {e}{}", shallow()))?;
    Ok(id
        .object()?
        .peel_to_commit()
        .map_err(|e| anyhow!("{spec}: not a commit: {e}"))?
        .id)
}

/// Walks `range` (`A..B`, a single revision, or every ref when `None`) of the repository that
/// contains `dir`, diffing each commit against its first parent.
///
/// Objects that are not here are not an error: a partial clone lacks blobs (`--filter=blob:none`)
/// or trees (`--filter=tree:0`), a shallow clone the parents of its boundary commits. The walk
/// goes as far as it can and lists the rest in [`History::missing`] and [`History::shallow`]; a
/// commit whose parent is not here counts as a root commit.
pub fn history(dir: &Path, range: Option<&str>) -> Result<History> {
    let mut repo = gix::discover(dir)
        .with_context(|| format!("{}: not in a git repository", dir.display()))?;
    // A missing object is expected here; do not rescan the pack directory after each one.
    repo.objects.refresh_never();
    let (tips, hidden): (Vec<ObjectId>, Vec<ObjectId>) = match range {
        Some(r) if r.contains("..") => {
            let (from, to) = r.split_once("..").expect("checked");
            let to = if to.is_empty() { "HEAD" } else { to };
            (
                vec![resolve(&repo, to)?],
                vec![resolve(&repo, from.trim_end_matches('.'))?],
            )
        }
        Some(r) => (vec![resolve(&repo, r)?], Vec::new()),
        None => {
            let mut tips = Vec::new();
            for r in repo.references()?.all()? {
                let Ok(mut r) = r else { continue };
                if let Ok(id) = r.peel_to_id()
                    && let Ok(obj) = id.object()
                    && let Ok(c) = obj.peel_to_commit()
                {
                    tips.push(c.id);
                }
            }
            if let Ok(head) = repo.head_id() {
                tips.push(head.detach());
            }
            tips.sort();
            tips.dedup();
            (tips, Vec::new())
        }
    };
    let boundary: HashSet<ObjectId> = repo
        .shallow_commits()?
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    let mut blobs: std::collections::HashMap<ObjectId, HistoryBlob> =
        std::collections::HashMap::new();
    let mut commits = Vec::new();
    let mut missing = Vec::new();
    let mut shallow = Vec::new();
    if !tips.is_empty() {
        // Parents that are not here are not walked into; the commit that names them is.
        let absent = std::rc::Rc::new(std::cell::RefCell::new(HashSet::new()));
        let walk = {
            let absent = absent.clone();
            let repo = &repo;
            repo.rev_walk(tips)
                .with_hidden(hidden)
                .selected(move |id| {
                    let here = repo.has_object(id);
                    if !here {
                        absent.borrow_mut().insert(id.to_owned());
                    }
                    here
                })?
        };
        for info in walk {
            let info = info?;
            let commit = repo.find_commit(info.id)?;
            let time = commit.time().map(|t| t.seconds).unwrap_or(0);
            let tree = commit.tree_id()?.detach();
            // The first parent's tree, or none: a root commit, a shallow boundary, a parent that
            // is not here.
            let parent = match info.parent_ids.first() {
                None => None,
                Some(_) if boundary.contains(&info.id) => {
                    shallow.push(info.id);
                    None
                }
                Some(p) if absent.borrow().contains(p) => {
                    missing.push(Missing {
                        kind: gix::object::Kind::Commit,
                        id: *p,
                        path: BString::default(),
                        commit: info.id,
                    });
                    None
                }
                Some(p) => Some((repo.find_commit(*p)?.tree_id()?.detach(), *p)),
            };
            let pos = commits.len();
            introduced(
                &repo,
                tree,
                parent,
                info.id,
                &mut missing,
                |location, id| {
                    let e = blobs.entry(id).or_insert_with(|| HistoryBlob {
                        id,
                        path: location.clone(),
                        commit: info.id,
                        commit_time: time,
                        walk_pos: pos,
                        paths: Vec::new(),
                    });
                    if (time, std::cmp::Reverse(pos))
                        < (e.commit_time, std::cmp::Reverse(e.walk_pos))
                    {
                        e.commit = info.id;
                        e.commit_time = time;
                        e.walk_pos = pos;
                        e.path = location.clone();
                    }
                    if !e.paths.contains(&location) {
                        e.paths.push(location);
                    }
                },
            )?;
            commits.push(info.id);
        }
    }
    let mut head_blobs = HashSet::new();
    if let Ok(head) = repo.head_tree_id_or_empty() {
        // Trees of HEAD that are not here were named by the walk, if it reached HEAD.
        introduced(
            &repo,
            head.detach(),
            None,
            head.detach(),
            &mut Vec::new(),
            |_, id| {
                head_blobs.insert(id);
            },
        )?;
    }
    let (mut blobs, absent_blobs): (Vec<HistoryBlob>, Vec<HistoryBlob>) =
        blobs.into_values().partition(|b| repo.has_object(b.id));
    blobs.sort_by(|a, b| a.path.cmp(&b.path).then(a.id.cmp(&b.id)));
    missing.extend(absent_blobs.into_iter().map(|b| Missing {
        kind: gix::object::Kind::Blob,
        id: b.id,
        path: b.path,
        commit: b.commit,
    }));
    let rank = |k: gix::object::Kind| match k {
        gix::object::Kind::Commit => 0,
        gix::object::Kind::Tree => 1,
        _ => 2,
    };
    missing.sort_by(|a, b| (rank(a.kind), &a.path, a.id).cmp(&(rank(b.kind), &b.path, b.id)));
    let mut seen = HashSet::new();
    missing.retain(|m| seen.insert(m.id));
    Ok(History {
        repo,
        blobs,
        commits,
        head_blobs,
        missing,
        shallow,
    })
}

/// Reports, through `found`, each blob that commit `commit` introduces: those of its tree `new`
/// that `old` (its first parent's tree, and that parent) does not hold at the same path with the
/// same mode. These are the additions and modifications of a tree diff without rename tracking,
/// in the same order as gitoxide's (breadth first, each tree in its order).
///
/// A tree that is not here is pushed to `missing`: one of `new` because what it holds cannot be
/// scanned; one of `old` counts as empty, so what `new` holds under it counts as introduced here.
fn introduced(
    repo: &gix::Repository,
    new: ObjectId,
    old: Option<(ObjectId, ObjectId)>,
    commit: ObjectId,
    missing: &mut Vec<Missing>,
    mut found: impl FnMut(BString, ObjectId),
) -> Result<()> {
    let parent = old.map(|(_, p)| p);
    let mut queue =
        std::collections::VecDeque::from([(new, old.map(|(t, _)| t), BString::default())]);
    while let Some((new, old, dir)) = queue.pop_front() {
        let Some(new_tree) = tree_if_here(repo, new)? else {
            missing.push(Missing {
                kind: gix::object::Kind::Tree,
                id: new,
                path: dir,
                commit,
            });
            continue;
        };
        let old_tree = match old {
            None => None,
            Some(id) => {
                let t = tree_if_here(repo, id)?;
                if t.is_none() {
                    missing.push(Missing {
                        kind: gix::object::Kind::Tree,
                        id,
                        path: dir.clone(),
                        commit: parent.unwrap_or(commit),
                    });
                }
                t
            }
        };
        let old_decoded = old_tree.as_ref().map(|t| t.decode()).transpose()?;
        let before: std::collections::HashMap<
            &BStr,
            (gix::objs::tree::EntryMode, &gix::hash::oid),
        > = old_decoded
            .iter()
            .flat_map(|t| t.entries.iter())
            .map(|e| (e.filename, (e.mode, e.oid)))
            .collect();
        for e in new_tree.decode()?.entries {
            let was = before.get(e.filename).copied();
            let mut path = dir.clone();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(e.filename);
            if e.mode.is_tree() {
                let was_tree = was
                    .filter(|(m, _)| m.is_tree())
                    .map(|(_, id)| id.to_owned());
                if was_tree.as_deref() != Some(e.oid) {
                    queue.push_back((e.oid.to_owned(), was_tree, path));
                }
            } else if e.mode.is_blob() && was != Some((e.mode, e.oid)) {
                found(path, e.oid.to_owned());
            }
        }
    }
    Ok(())
}

/// The tree `id`, or `None` when this repository does not have it.
fn tree_if_here(repo: &gix::Repository, id: ObjectId) -> Result<Option<gix::Tree<'_>>> {
    match repo.try_find_object(id)? {
        None => Ok(None),
        Some(o) => Ok(Some(o.try_into_tree()?)),
    }
}

/// At most this many unreadable objects are listed one by one; one more warning counts them all.
const LISTED: usize = 20;

/// What a walk of history could not read, as warnings that say how to get it: each object of
/// `h.missing` and each blob of `unreadable` (`(index in h.blobs, why)`: it failed to read while
/// being scanned), the first [`LISTED`] of them one by one and then one that counts them all; and
/// the shallow boundary.
pub fn history_warnings(
    h: &History,
    unreadable: &[(usize, String)],
) -> Vec<crate::result::Warning> {
    use crate::result::Warning;
    use gix::object::Kind;
    const FETCH: &str = "run `git fetch --refetch --no-filter` or clone without --filter";
    // Twelve digits: as unambiguous as git's own abbreviations in practice, and the same for an
    // object that is not here (which git could not abbreviate).
    let short = |id: ObjectId| id.to_hex_with_len(12).to_string();
    let mut all: Vec<Warning> = h
        .missing
        .iter()
        .map(|m| {
            let (id, c) = (short(m.id), short(m.commit));
            let message = match m.kind {
                Kind::Blob => format!(
                    "blob {id} (introduced in commit {c}) is not in this clone (a partial clone?): not scanned; {FETCH} to scan it"
                ),
                Kind::Tree => format!(
                    "tree {id} (of commit {c}) is not in this clone (a partial clone?): the files under it were not scanned, and what later commits share with it is attributed to them; {FETCH} to scan it"
                ),
                _ => format!(
                    "commit {id} (parent of {c}) is not in this clone: history before {c} was not scanned, and what {c} holds is attributed to it; {FETCH} to scan it"
                ),
            };
            Warning {
                origin: None,
                path: m.path.to_string(),
                message,
            }
        })
        .collect();
    all.extend(unreadable.iter().map(|(i, why)| {
        let b = &h.blobs[*i];
        Warning {
            origin: None,
            path: b.path.to_string(),
            message: format!(
                "blob {} (introduced in commit {}) could not be read: not scanned: {why}",
                short(b.id),
                short(b.commit)
            ),
        }
    }));
    let total = all.len();
    let mut out: Vec<Warning> = all.into_iter().take(LISTED).collect();
    if total > LISTED {
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let mut kinds: Vec<String> = [
            (Kind::Commit, "commit"),
            (Kind::Tree, "tree"),
            (Kind::Blob, "blob"),
        ]
        .into_iter()
        .filter_map(|(k, what)| {
            let n = h.missing.iter().filter(|m| m.kind == k).count();
            (n > 0).then(|| plural(n, what))
        })
        .collect();
        if !kinds.is_empty() {
            let last = kinds.len() - 1;
            kinds[last].push_str(" not in this clone (a partial clone?)");
        }
        if !unreadable.is_empty() {
            kinds.push(format!(
                "{} that could not be read",
                plural(unreadable.len(), "blob")
            ));
        }
        out.push(Warning {
            origin: None,
            path: String::new(),
            message: format!(
                "{total} objects of history were not scanned: {}; the first {LISTED} are listed; {FETCH} to scan them",
                kinds.join(", ")
            ),
        });
    }
    if !h.shallow.is_empty() {
        let mut ids: Vec<String> = h.shallow.iter().take(5).map(|&c| short(c)).collect();
        if h.shallow.len() > 5 {
            ids.push(format!("{} more", h.shallow.len() - 5));
        }
        out.push(Warning {
            origin: None,
            path: String::new(),
            message: format!(
                "shallow clone: history before {} {} is not here, so it was not scanned; what the boundary holds counts as introduced there, though it may be older; run `git fetch --unshallow` (GitHub Actions: actions/checkout with fetch-depth: 0)",
                if h.shallow.len() == 1 { "commit" } else { "commits" },
                ids.join(", ")
            ),
        });
    }
    out
}

/// `(repository URI, HEAD commit id)` for SARIF's `versionControlProvenance`. The URI is the
/// `origin` remote without any user name or token in it, or the work tree as a `file://` URI.
pub fn head_revision(dir: &Path) -> Option<(String, String)> {
    let repo = gix::discover(dir).ok()?;
    let head = repo.head_id().ok()?.to_string();
    let remote = repo
        .find_remote("origin")
        .ok()
        .and_then(|r| {
            r.url(gix::remote::Direction::Fetch)
                .map(|u| u.to_bstring().to_string())
        })
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|u| match u.split_once("://") {
            // Strip userinfo: remote URLs are where tokens hide.
            Some((scheme, rest)) => match rest.split_once('@') {
                Some((_, host)) if !host.contains('/') || rest.find('@') < rest.find('/') => {
                    format!("{scheme}://{host}")
                }
                _ => u.clone(),
            },
            None => u,
        });
    let uri = remote.unwrap_or_else(|| {
        let wd = repo.workdir().map(Path::to_path_buf).unwrap_or_default();
        let abs = std::path::absolute(wd).unwrap_or_default();
        format!("file://{}/", abs.display())
    });
    Some((uri, head))
}

/// Caches for reading many objects of a pack: a delta-base cache, so a chain of deltas is not
/// inflated again for every object built on it, and an object cache for trees read repeatedly.
pub fn tune_for_history(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            64 << 20,
        ))
    });
    repo.object_cache_size_if_unset(16 << 20);
}

/// Who made a commit, and when.
pub fn commit_meta(repo: &gix::Repository, id: ObjectId) -> (String, String) {
    let Ok(c) = repo.find_commit(id) else {
        return (String::new(), String::new());
    };
    let author = c
        .author()
        .map(|a| format!("{} <{}>", a.name, a.email))
        .unwrap_or_default();
    let date = c
        .time()
        .ok()
        .and_then(|t| jiff::Timestamp::from_second(t.seconds).ok())
        .map(|t| t.to_string())
        .unwrap_or_default();
    (author, date)
}

/// Whether `commit`'s tree holds `blob` at one of `paths`.
pub fn carries(
    repo: &gix::Repository,
    commit: ObjectId,
    blob: ObjectId,
    paths: &[BString],
) -> bool {
    let Ok(tree) = repo.find_commit(commit).and_then(|c| c.tree()) else {
        return false;
    };
    paths.iter().any(|p| {
        gix::path::from_bstr(p.as_bstr())
            .ok()
            .and_then(|p| tree.lookup_entry_by_path(p).ok().flatten())
            .is_some_and(|e| e.object_id() == blob)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_and_modified_lines() {
        let old = b"a\nb\nc\nd\n";
        let new = b"a\nB\nc\nd\ne\n";
        let mut got: Vec<u64> = added_lines(old, new).into_iter().collect();
        got.sort();
        assert_eq!(got, [2, 5]);
        assert!(added_lines(old, old).is_empty());
    }
}
