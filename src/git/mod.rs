//! Git, read with gitoxide from the index and the object database, never from the working tree
//! and never by parsing `git` output: what is about to be committed ([`mod@staged`], for
//! `scan --staged`) and the blobs a revision range introduces ([`mod@history`], for `scan --git`),
//! with what a partial or shallow clone lacks ([`mod@history_warnings`]), and whether files git
//! does not track were ever committed ([`mod@committed`], for `guard --sandbox`).
//!
//! Only index entries whose blob differs from `HEAD` are read. The index's cache-tree extension
//! says which directories are unchanged since the last write-tree; where its tree id equals
//! `HEAD`'s, the whole directory is skipped without looking at its files, which is what keeps a
//! hook fast in a repository of 50,000 files. Within a changed file, only lines the staged version
//! adds or modifies (by a histogram diff against `HEAD`) can yield findings.

mod carriers;
mod committed;
mod history;
mod history_warnings;
mod pack_order;
mod resident;
mod staged;

pub use carriers::{Target, carrying_commits};
pub use committed::ever_committed;
pub use history::{History, history, tune_for_blobs};
pub use history_warnings::history_warnings;
pub use pack_order::pack_order;
pub use resident::PackPages;
pub use staged::staged;

use gix::hash::ObjectId;
use std::path::Path;

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
