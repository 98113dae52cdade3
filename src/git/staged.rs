//! What is about to be committed, for `scan --staged`: index entries whose blob differs from
//! `HEAD`, with the lines they add.

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
