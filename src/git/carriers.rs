//! How many commits carry a secret: for each group of blobs (those holding one secret), the
//! number of walked commits whose tree holds one of them at a path it was introduced at.
//!
//! Asked only for the blobs that hold a finding, after the scan. A commit's tree is looked into
//! only along those paths, and what a tree holds is worked out once per tree: consecutive
//! commits share almost all their trees, so 45,000 commits cost about as many lookups as
//! there are distinct versions of the directories on those paths.

use gix::bstr::{BStr, BString, ByteSlice};
use gix::hash::ObjectId;
use std::collections::HashMap;
use std::rc::Rc;

/// One blob to look for, at the paths it was introduced at.
pub struct Target<'a> {
    pub blob: ObjectId,
    pub paths: Vec<&'a BStr>,
}

/// A directory on the paths looked for.
#[derive(Default)]
struct Node {
    dirs: HashMap<BString, usize>,
    /// File name to the targets that may be there: (blob id, target index).
    files: HashMap<BString, Vec<(ObjectId, u32)>>,
}

/// The paths of all targets as a tree of directories.
struct Trie {
    nodes: Vec<Node>,
}

impl Trie {
    fn new(targets: &[Target<'_>]) -> Trie {
        let mut nodes = vec![Node::default()];
        for (t, target) in targets.iter().enumerate() {
            for path in &target.paths {
                let mut parts: Vec<&[u8]> = path.split_str("/").collect();
                let Some(file) = parts.pop() else { continue };
                let mut at = 0;
                for dir in parts {
                    at = match nodes[at].dirs.get(dir.as_bstr()) {
                        Some(&n) => n,
                        None => {
                            nodes.push(Node::default());
                            let n = nodes.len() - 1;
                            nodes[at].dirs.insert(dir.into(), n);
                            n
                        }
                    };
                }
                let here = nodes[at].files.entry(file.into()).or_default();
                if !here.contains(&(target.blob, t as u32)) {
                    here.push((target.blob, t as u32));
                }
            }
        }
        Trie { nodes }
    }
}

/// Commits are counted in contiguous runs of the walk of at least this many, one run at a time
/// per thread: neighbouring commits share their trees, and a thread's memo carries over from
/// one of its runs to the next.
const MIN_RUN: usize = 256;

/// The pack pages read are dropped from memory after this many bytes of trees
/// ([`super::PackPages`]). Dropping them every 64 commits, as before the threads, made each
/// thread fault in again what the other was reading; 4 MiB was 15% faster than 1 MiB on the
/// terraform history but took its peak RSS from 150 to 190 MiB.
const RELEASE_EVERY: u64 = 1 << 20;

/// For each of `groups` (indices into `targets`), how many of `trees` (one per commit) hold at
/// least one of its targets. A tree that is not here (a partial clone) holds nothing.
///
/// On rayon's pool: each thread reads trees with its own handle on `repo` (given the blob
/// reading's delta cache, [`super::tune_for_blobs`]) and remembers what they hold in its own
/// memo; the counts are summed. Single-threaded this was the last 1.9 s of the terraform
/// history's 10 s with one core idle; now 1.15 s.
pub fn carrying_commits(
    repo: &gix::Repository,
    trees: &[ObjectId],
    targets: &[Target<'_>],
    groups: &[Vec<usize>],
) -> Vec<usize> {
    use rayon::prelude::*;
    let trie = Trie::new(targets);
    let mut group_of: Vec<Vec<usize>> = vec![Vec::new(); targets.len()];
    for (g, members) in groups.iter().enumerate() {
        for &t in members {
            group_of[t].push(g);
        }
    }
    let sync = repo.clone().into_sync();
    let pages = super::PackPages::new(repo, RELEASE_EVERY);
    let run = MIN_RUN.max(trees.len().div_ceil(4 * rayon::current_num_threads()));
    trees
        .par_chunks(run)
        .map_init(
            || {
                let mut repo = sync.to_thread_local();
                super::tune_for_blobs(&mut repo);
                (repo, HashMap::new())
            },
            |(repo, seen), part| {
                let mut memo = Memo {
                    repo,
                    trie: &trie,
                    pages: &pages,
                    seen,
                    empty: Rc::from(Vec::new()),
                };
                let mut counts = vec![0; groups.len()];
                let mut last: Option<(ObjectId, Vec<usize>)> = None;
                for &tree in part {
                    let hit = match &last {
                        Some((t, hit)) if *t == tree => hit.clone(),
                        _ => {
                            let mut hit: Vec<usize> = memo
                                .holds(tree, 0)
                                .iter()
                                .flat_map(|&t| group_of[t as usize].iter().copied())
                                .collect();
                            hit.sort_unstable();
                            hit.dedup();
                            last = Some((tree, hit.clone()));
                            hit
                        }
                    };
                    for g in hit {
                        counts[g] += 1;
                    }
                }
                counts
            },
        )
        .reduce(
            || vec![0; groups.len()],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        )
}

/// What each (tree, directory of the trie) holds, worked out once.
struct Memo<'r> {
    repo: &'r gix::Repository,
    trie: &'r Trie,
    pages: &'r super::PackPages,
    seen: &'r mut HashMap<(ObjectId, usize), Rc<[u32]>>,
    empty: Rc<[u32]>,
}

impl Memo<'_> {
    /// The targets that tree `id`, standing at trie node `node`, holds.
    fn holds(&mut self, id: ObjectId, node: usize) -> Rc<[u32]> {
        if let Some(h) = self.seen.get(&(id, node)) {
            return h.clone();
        }
        let mut found: Vec<u32> = Vec::new();
        let mut subtrees: Vec<(ObjectId, usize)> = Vec::new();
        if let Ok(Some(obj)) = self.repo.try_find_object(id) {
            self.pages.read(obj.data.len() as u64);
            let n = &self.trie.nodes[node];
            for entry in
                gix::objs::TreeRefIter::from_bytes(&obj.data, self.repo.object_hash()).flatten()
            {
                let name: &BStr = entry.filename;
                if entry.mode.is_tree() {
                    if let Some(&child) = n.dirs.get(name) {
                        subtrees.push((entry.oid.to_owned(), child));
                    }
                } else if entry.mode.is_blob()
                    && let Some(candidates) = n.files.get(name)
                {
                    found.extend(
                        candidates
                            .iter()
                            .filter(|(blob, _)| blob.as_ref() == entry.oid)
                            .map(|&(_, t)| t),
                    );
                }
            }
        }
        for (sub, child) in subtrees {
            found.extend_from_slice(&self.holds(sub, child));
        }
        let h = if found.is_empty() {
            self.empty.clone()
        } else {
            Rc::from(found)
        };
        self.seen.insert((id, node), h.clone());
        h
    }
}
