//! The walk of history for `scan --git`: the distinct blobs a revision range introduces, each
//! with its oldest introducing commit.

use anyhow::{Context, Result, anyhow};
use gix::bstr::{BStr, BString};
use gix::hash::ObjectId;
use std::collections::HashSet;
use std::path::Path;

/// One blob of history to scan, with where it first appeared.
pub struct HistoryBlob {
    pub id: ObjectId,
    /// The path it had in its oldest introducing commit, in [`History::paths`].
    pub path: u32,
    /// The oldest commit whose diff against its first parent added this content.
    pub commit: ObjectId,
    pub commit_time: i64,
    /// Position of that commit in the walk (newest first); breaks ties between commits made in
    /// the same second in favour of the ancestor.
    pub walk_pos: u32,
    /// Every path it was introduced at, in [`History::paths`], for counting the commits that
    /// carry it.
    pub paths: Vec<u32>,
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
    /// The blobs to scan: those this repository has, by path.
    pub blobs: Vec<HistoryBlob>,
    /// Every path a blob was introduced at, each once (a path is shared by all the versions of
    /// its file).
    pub paths: Vec<BString>,
    /// The commits walked (newest first), each with its tree, for counting the commits that
    /// carry a secret.
    pub commits: Vec<(ObjectId, ObjectId)>,
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

/// One commit of the walk, before its diff.
struct Walked {
    id: ObjectId,
    time: i64,
    tree: ObjectId,
    /// Its first parent's tree and that parent, when there is one to diff against.
    parent: Option<(ObjectId, ObjectId)>,
}

/// Commits are diffed this many at a time: enough for both threads to stay busy, few enough
/// that their introductions (a path and an id each) do not pile up before they are merged.
const DIFF_BATCH: usize = 256;

/// Walks `range` (`A..B`, a single revision, or every ref when `None`) of the repository that
/// contains `dir`, diffing each commit against its first parent, on rayon's pool.
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
    let (tips, hidden) = tips(&repo, range)?;
    let mut missing = Vec::new();
    let mut shallow = Vec::new();
    let walked = walk_commits(&repo, tips, hidden, &mut missing, &mut shallow)?;
    let mut paths = Interned::default();
    let blobs = diff_all(&repo, &walked, &mut paths, &mut missing)?;
    let paths: Vec<BString> = paths.into_iter().collect();
    let commits = walked.iter().map(|c| (c.id, c.tree)).collect();
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
        blobs.into_iter().partition(|b| repo.has_object(b.id));
    blobs.sort_by(|a, b| (&paths[a.path as usize], a.id).cmp(&(&paths[b.path as usize], b.id)));
    missing.extend(absent_blobs.into_iter().map(|b| Missing {
        kind: gix::object::Kind::Blob,
        id: b.id,
        path: paths[b.path as usize].clone(),
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
        paths,
    })
}

impl History {
    /// The path at index `i` of [`History::paths`].
    pub fn path(&self, i: u32) -> &BStr {
        self.paths[i as usize].as_ref()
    }
}

/// Paths, each stored once: a path's index is its position in insertion order.
type Interned = indexmap::IndexSet<BString>;

/// The commits to start from and those to stop at.
pub(super) fn tips(
    repo: &gix::Repository,
    range: Option<&str>,
) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
    Ok(match range {
        Some(r) if r.contains("..") => {
            let (from, to) = r.split_once("..").expect("checked");
            let to = if to.is_empty() { "HEAD" } else { to };
            (
                vec![resolve(repo, to)?],
                vec![resolve(repo, from.trim_end_matches('.'))?],
            )
        }
        Some(r) => (vec![resolve(repo, r)?], Vec::new()),
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
    })
}

/// The commits reachable from `tips` and not from `hidden`, newest first, each with the tree
/// to diff it against. Reads commits only.
fn walk_commits(
    repo: &gix::Repository,
    tips: Vec<ObjectId>,
    hidden: Vec<ObjectId>,
    missing: &mut Vec<Missing>,
    shallow: &mut Vec<ObjectId>,
) -> Result<Vec<Walked>> {
    if tips.is_empty() {
        return Ok(Vec::new());
    }
    let boundary: HashSet<ObjectId> = repo
        .shallow_commits()?
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default();
    // Parents that are not here are not walked into; the commit that names them is.
    let absent = std::rc::Rc::new(std::cell::RefCell::new(HashSet::new()));
    let walk = {
        let absent = absent.clone();
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
    let mut walked = Vec::new();
    // First parents, resolved to trees once the walk has read them all.
    let mut first_parents = Vec::new();
    for info in walk {
        let info = info?;
        let commit = repo.find_commit(info.id)?;
        let time = commit.time().map(|t| t.seconds).unwrap_or(0);
        let tree = commit.tree_id()?.detach();
        // The first parent, or none: a root commit, a shallow boundary, a parent that is not
        // here.
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
            Some(p) => Some(*p),
        };
        first_parents.push(parent);
        walked.push(Walked {
            id: info.id,
            time,
            tree,
            parent: None,
        });
    }
    let trees: std::collections::HashMap<ObjectId, ObjectId> =
        walked.iter().map(|c| (c.id, c.tree)).collect();
    for (c, parent) in walked.iter_mut().zip(first_parents) {
        c.parent = match parent {
            None => None,
            // A parent the walk did not take (the hidden end of a range) is read here.
            Some(p) => Some((
                match trees.get(&p) {
                    Some(&t) => t,
                    None => repo.find_commit(p)?.tree_id()?.detach(),
                },
                p,
            )),
        };
    }
    Ok(walked)
}

/// What one commit's diff introduced, and what it could not read.
type Introduced = (Vec<(BString, ObjectId)>, Vec<Missing>);

/// Diffs every walked commit against its first parent, [`DIFF_BATCH`] commits at a time in
/// parallel, and merges what each introduced into one entry per blob, in walk order.
fn diff_all(
    repo: &gix::Repository,
    walked: &[Walked],
    paths: &mut Interned,
    missing: &mut Vec<Missing>,
) -> Result<Vec<HistoryBlob>> {
    use rayon::prelude::*;
    let sync = repo.clone().into_sync();
    let mut blobs: Vec<HistoryBlob> = Vec::new();
    let mut index: std::collections::HashMap<ObjectId, u32> = std::collections::HashMap::new();
    let pages = super::PackPages::new(repo, u64::MAX);
    for (batch, chunk) in walked.chunks(DIFF_BATCH).enumerate() {
        pages.release();
        let diffs: Vec<Result<Introduced>> = chunk
            .par_iter()
            .map_init(
                || {
                    let mut repo = sync.to_thread_local();
                    tune_for_trees(&mut repo);
                    repo
                },
                |repo, c| {
                    let mut found = Vec::new();
                    let mut missed = Vec::new();
                    introduced(repo, c.tree, c.parent, c.id, &mut missed, |path, id| {
                        found.push((path, id))
                    })?;
                    Ok((found, missed))
                },
            )
            .collect();
        for (i, (c, diff)) in chunk.iter().zip(diffs).enumerate() {
            let (found, missed) = diff?;
            missing.extend(missed);
            let pos = (batch * DIFF_BATCH + i) as u32;
            for (location, id) in found {
                let location = paths.insert_full(location).0 as u32;
                let at = *index.entry(id).or_insert_with(|| {
                    blobs.push(HistoryBlob {
                        id,
                        path: location,
                        commit: c.id,
                        commit_time: c.time,
                        walk_pos: pos,
                        paths: Vec::new(),
                    });
                    blobs.len() as u32 - 1
                });
                let e = &mut blobs[at as usize];
                if (c.time, std::cmp::Reverse(pos)) < (e.commit_time, std::cmp::Reverse(e.walk_pos))
                {
                    e.commit = c.id;
                    e.commit_time = c.time;
                    e.walk_pos = pos;
                    e.path = location;
                }
                if !e.paths.contains(&location) {
                    e.paths.push(location);
                }
            }
        }
    }
    Ok(blobs)
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
        let before = old_decoded.as_ref().map_or(&[][..], |t| &t.entries[..]);
        // Both trees are in git's order, so one pass pairs each entry with the old one of its
        // name, where a map of the old entries hashed every name of every changed directory
        // (a tree that is out of order, which git does not write, pairs less and so reports
        // more blobs as introduced here, never fewer).
        let mut b = 0;
        let path_of = |name: &BStr| {
            let mut path = dir.clone();
            if !path.is_empty() {
                path.push(b'/');
            }
            path.extend_from_slice(name);
            path
        };
        for e in new_tree.decode()?.entries {
            // `EntryRef`'s order is git's: by name, a tree's read as if it ended in `/`.
            while b < before.len() && before[b] < e {
                b += 1;
            }
            let was = before
                .get(b)
                .filter(|o| o.filename == e.filename)
                .map(|o| (o.mode, o.oid));
            if e.mode.is_tree() {
                let was_tree = was
                    .filter(|(m, _)| m.is_tree())
                    .map(|(_, id)| id.to_owned());
                if was_tree.as_deref() != Some(e.oid) {
                    queue.push_back((e.oid.to_owned(), was_tree, path_of(e.filename)));
                }
            } else if e.mode.is_blob() && was != Some((e.mode, e.oid)) {
                found(path_of(e.filename), e.oid.to_owned());
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

/// Caches for diffing trees: a delta-base cache, so a chain of deltas is not inflated again for
/// every object built on it, and an object cache, since consecutive commits share most trees.
fn tune_for_trees(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            16 << 20,
        ))
    });
    repo.object_cache_size_if_unset(8 << 20);
}

/// Caches for reading blobs in pack order: only the delta-base cache (a blob is read once, so
/// an object cache would hold nothing that is asked for again).
pub fn tune_for_blobs(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(move || {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            8 << 20,
        ))
    });
}

#[cfg(test)]
mod tests {
    use gix::objs::tree::{EntryKind, EntryRef};
    use std::cmp::Ordering::{Greater, Less};

    /// The one-pass pairing in `introduced` relies on `EntryRef`'s order being the one git
    /// writes trees in (`git ls-tree` lists `foo-bar`, `foo.c`, the tree `foo`, then `foo0`).
    #[test]
    fn tree_entries_compare_in_gits_order() {
        let null = gix::hash::ObjectId::null(gix::hash::Kind::Sha1);
        let entry = |name: &'static str, kind: EntryKind| EntryRef {
            mode: kind.into(),
            filename: name.into(),
            oid: null.as_ref(),
        };
        let (blob, tree) = (EntryKind::Blob, EntryKind::Tree);
        // A tree's name is read as if it ended in `/` (0x2f): after `-` and `.`, before `0`.
        assert_eq!(entry("foo", blob).cmp(&entry("foo-bar", blob)), Less);
        assert_eq!(entry("foo", tree).cmp(&entry("foo-bar", blob)), Greater);
        assert_eq!(entry("foo", tree).cmp(&entry("foo.c", blob)), Greater);
        assert_eq!(entry("foo", tree).cmp(&entry("foo0", blob)), Less);
        assert_eq!(entry("a", blob).cmp(&entry("b", tree)), Less);
        assert!(entry("same", blob).cmp(&entry("same", blob)).is_eq());
    }
}
