//! What a walk of history could not read, said as warnings with the fetch that completes it.

use super::History;
use gix::hash::ObjectId;

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
            path: h.path(b.path).to_string(),
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
