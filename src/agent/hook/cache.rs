//! What the hook remembers between calls: per file, by directory, name, size and modification
//! time, the findings that remained after the workspace's allow rules (detector, risk, why,
//! line; never the secret). Every host's hook shares the one cache, so a file Claude's hook read
//! is not read again for Cursor's.
//!
//! A warm answer over a large tree is a directory walk and a stat per file, so both are made
//! cheap: files are kept per directory and looked up by their name (a short key), each file is
//! stat'ed relative to its open directory (`DirEntry::metadata`, no path walk per file), and the
//! cache file is a compact binary encoding ([`postcard`]) with paths as bytes, which also keeps
//! names that are not UTF-8.

use super::{Gate, origin_of};
use crate::engine::Engine;
use crate::finding::Origin;
use crate::model::Risk;
use crate::pipeline;
use crate::pipeline::Settings;
use crate::result::Progress;
use crate::source::files::Files;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// At most this many files are looked at under one path a call names (a Grep over a huge tree).
const MAX_FILES: usize = 20_000;

/// The cache file's first bytes: a file in another format (an older credgate's `hook.json`, a
/// future version) is not read.
const MAGIC: &[u8] = b"credgate hook cache 2\n";

/// What the cache remembers of a file: no secret, only what the block message needs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Entry {
    size: u64,
    mtime_ns: i128,
    findings: Vec<Seen>,
}

/// One finding as the block message names it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Seen {
    pub detector: String,
    pub risk: Risk,
    pub why: String,
    pub line: u64,
    /// Where, as every report writes it (`.env:3`, `~/.aws/credentials:2`).
    pub at: String,
}

/// Files by directory: a normalized absolute directory path and a file name, both as bytes.
type Dirs = HashMap<Vec<u8>, HashMap<Vec<u8>, Entry>>;

#[derive(Default, Serialize, Deserialize)]
struct Cache {
    /// What the results were computed with ([`settings_stamp`]).
    settings: String,
    dirs: Dirs,
}

impl Cache {
    /// The cache in `bytes` if it was written by this format with these settings, else empty.
    fn decode(bytes: &[u8], stamp: &str) -> Cache {
        bytes
            .strip_prefix(MAGIC)
            .and_then(|b| postcard::from_bytes::<Cache>(b).ok())
            .filter(|c| c.settings == stamp)
            .unwrap_or_else(|| Cache {
                settings: stamp.to_owned(),
                dirs: Dirs::new(),
            })
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend(postcard::to_stdvec(self).unwrap_or_default());
        out
    }
}

/// What the files of a call hold.
pub enum Outcome {
    /// Every finding in them (below the level too; the caller filters).
    Seen(Vec<Seen>),
    /// Not every file could be scanned within the time limit.
    TimedOut,
}

/// The cache file: `$CREDGATE_CACHE_DIR/hook.cache`, else under `$XDG_CACHE_HOME` or
/// `~/.cache`.
fn cache_path() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("CREDGATE_CACHE_DIR") {
        return Some(PathBuf::from(d).join("hook.cache"));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::home_dir().map(|h| h.join(".cache")))?;
    Some(base.join("credgate").join("hook.cache"))
}

fn bytes(s: &OsStr) -> &[u8] {
    s.as_encoded_bytes()
}

fn mtime_ns(m: &std::fs::Metadata) -> i128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// One file a call reaches.
struct Reached {
    dir: usize,
    name: OsString,
    stat: (u64, i128),
    /// Its cached findings if the entry is fresh; `None` if it must be scanned.
    cached: Option<Vec<Seen>>,
}

/// The files a call reaches, each once, found by walking the paths it names.
#[derive(Default)]
struct Reach {
    dirs: Vec<PathBuf>,
    dir_ids: HashMap<PathBuf, usize>,
    /// Whether each directory was listed (walked, not only the parent of a named file), and
    /// listed to the end (so the cache may forget its files that are gone).
    listed: Vec<Option<bool>>,
    files: Vec<Reached>,
    /// Files already reached, when a call names several paths that may overlap.
    seen: Option<HashSet<(usize, OsString)>>,
}

impl Reach {
    fn dir_id(&mut self, dir: &Path) -> usize {
        if let Some(&id) = self.dir_ids.get(dir) {
            return id;
        }
        let id = self.dirs.len();
        self.dirs.push(dir.to_path_buf());
        self.dir_ids.insert(dir.to_path_buf(), id);
        self.listed.push(None);
        id
    }

    /// Records a file unless the call already reached it; `known` is its directory's cached
    /// files, looked up once per directory.
    fn add(
        &mut self,
        dir: usize,
        name: OsString,
        meta: &std::fs::Metadata,
        known: Option<&HashMap<Vec<u8>, Entry>>,
    ) {
        if let Some(seen) = &mut self.seen
            && !seen.insert((dir, name.clone()))
        {
            return;
        }
        let stat = (meta.len(), mtime_ns(meta));
        let cached = known
            .and_then(|files| files.get(bytes(&name)))
            .filter(|e| (e.size, e.mtime_ns) == stat)
            .map(|e| e.findings.clone());
        self.files.push(Reached {
            dir,
            name,
            stat,
            cached,
        });
    }

    /// The file itself, or a directory's files (its `.git` internals that hold no user
    /// content left out, links not followed), at most [`MAX_FILES`].
    fn walk(&mut self, root: &Path, cache: &Cache) {
        if root.is_file() {
            if let (Some(dir), Some(name), Ok(meta)) =
                (root.parent(), root.file_name(), std::fs::metadata(root))
            {
                let id = self.dir_id(dir);
                let known = cache.dirs.get(bytes(dir.as_os_str()));
                self.add(id, name.to_owned(), &meta, known);
            }
            return;
        }
        let in_git = root.components().any(|c| c.as_os_str() == ".git");
        let mut budget = MAX_FILES;
        let mut stack = vec![(root.to_path_buf(), in_git)];
        while let Some((dir, in_git)) = stack.pop() {
            let id = self.dir_id(&dir);
            if self.listed[id].is_some() {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else {
                self.listed[id] = Some(false);
                continue;
            };
            let known = cache.dirs.get(bytes(dir.as_os_str()));
            let mut complete = true;
            for entry in entries {
                let Ok(entry) = entry else {
                    complete = false;
                    continue;
                };
                let Ok(kind) = entry.file_type() else {
                    complete = false;
                    continue;
                };
                let name = entry.file_name();
                if kind.is_dir() {
                    let inner = in_git || name == ".git";
                    let path = dir.join(&name);
                    if !inner || crate::source::walk::git_internal_allowed(&path, true) {
                        stack.push((path, inner));
                    }
                } else if kind.is_file() {
                    if in_git && !crate::source::walk::git_internal_allowed(&dir.join(&name), false)
                    {
                        continue;
                    }
                    if budget == 0 {
                        complete = false;
                        break;
                    }
                    let Ok(meta) = entry.metadata() else {
                        complete = false;
                        continue;
                    };
                    budget -= 1;
                    self.add(id, name, &meta, known);
                }
            }
            self.listed[id] = Some(complete);
            if budget == 0 {
                break;
            }
        }
    }
}

/// The findings in the files under `targets`: from the cache where a file's entry is fresh,
/// else scanned (with the gate's settings) and remembered.
pub fn findings_in(targets: &[PathBuf], gate: &Gate) -> Result<Outcome> {
    let cache_file = cache_path();
    let stamp = settings_stamp(gate.engine, gate.settings);
    let mut cache = cache_file
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .map_or_else(|| Cache::decode(&[], &stamp), |b| Cache::decode(&b, &stamp));
    let mut reach = Reach {
        seen: (targets.len() > 1).then(HashSet::new),
        ..Reach::default()
    };
    for target in targets {
        // Made absolute and normalized once: the walk's paths are the root joined with the
        // names it reads, so they are too.
        let root = crate::util::normalize(&std::path::absolute(target).unwrap_or(target.clone()));
        reach.walk(&root, &cache);
    }
    let stale: Vec<usize> = (0..reach.files.len())
        .filter(|&i| reach.files[i].cached.is_none())
        .collect();
    if !stale.is_empty() {
        let home = std::env::home_dir();
        let stores = crate::stores::Stores::builtin()?;
        let files = Files {
            files: stale
                .iter()
                .map(|&i| {
                    let f = &reach.files[i];
                    let path = reach.dirs[f.dir].join(&f.name);
                    let origin = origin_of(&path, gate.workspace, home.as_deref(), &stores);
                    (path, origin)
                })
                .collect(),
        };
        let result = pipeline::run(gate.engine, gate.settings, &[&files], &Progress::default())?;
        if result.summary.timed_out {
            return Ok(Outcome::TimedOut);
        }
        // Only what was read to the end is remembered: a file that was skipped or could not
        // be read is looked at again next time.
        let unfinished: HashSet<&str> = result
            .skipped
            .iter()
            .map(|s| s.path.as_str())
            .chain(result.warnings.iter().map(|w| w.path.as_str()))
            .collect();
        let mut seen: HashMap<&Origin, Vec<Seen>> = HashMap::new();
        for f in &result.findings {
            seen.entry(&f.origin).or_default().push(Seen {
                detector: f.detector_name.clone(),
                risk: f.assessment.risk,
                why: f.assessment.why.clone(),
                line: f.line,
                at: f.origin.at(f.line, None),
            });
        }
        for (&i, (_, origin)) in stale.iter().zip(&files.files) {
            let findings = seen.remove(origin).unwrap_or_default();
            let f = &mut reach.files[i];
            let dir = cache
                .dirs
                .entry(bytes(reach.dirs[f.dir].as_os_str()).to_vec())
                .or_default();
            if findings.is_empty() && unfinished.contains(origin.to_string().as_str()) {
                dir.remove(bytes(&f.name));
            } else {
                let (size, mtime_ns) = f.stat;
                dir.insert(
                    bytes(&f.name).to_vec(),
                    Entry {
                        size,
                        mtime_ns,
                        findings: findings.clone(),
                    },
                );
            }
            f.cached = Some(findings);
        }
        forget_gone(&mut cache, &reach);
        if let Some(p) = &cache_file {
            let _ = write_private(p, &cache.encode());
        }
    }
    Ok(Outcome::Seen(
        reach
            .files
            .into_iter()
            .flat_map(|f| f.cached.unwrap_or_default())
            .collect(),
    ))
}

/// Drops the entries of files that are gone from a directory the call listed to the end, so
/// the cache holds what is on disk rather than everything that ever was.
fn forget_gone(cache: &mut Cache, reach: &Reach) {
    let mut present: HashMap<usize, HashSet<&[u8]>> = HashMap::new();
    for f in &reach.files {
        present.entry(f.dir).or_default().insert(bytes(&f.name));
    }
    for (id, dir) in reach.dirs.iter().enumerate() {
        if reach.listed[id] != Some(true) {
            continue;
        }
        let Some(files) = cache.dirs.get_mut(bytes(dir.as_os_str())) else {
            continue;
        };
        let here = present.get(&id);
        files.retain(|name, _| here.is_some_and(|h| h.contains(name.as_slice())));
        if files.is_empty() {
            cache.dirs.remove(bytes(dir.as_os_str()));
        }
    }
}

/// What the cached results depend on besides the files: this binary (its built-in detectors),
/// the user's detectors, and every setting that changes what is found or allowed. A change to
/// any (an `[[allow]]` added, an exclude removed) makes every entry stale.
fn settings_stamp(engine: &Engine, settings: &Settings) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    if let Some(m) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        h.update(format!("{}:{}", m.len(), mtime_ns(&m)));
    }
    for d in engine.catalog().detectors.user_loaded() {
        h.update(format!(
            "{}\0{}\0{:?}{:?}{:?}{:?}{:?}{:?}{:?}{}",
            d.id,
            d.pattern,
            d.keywords,
            d.paths,
            d.min_entropy,
            d.validators,
            d.lifetime,
            d.scope,
            d.requires,
            d.privileged
        ));
    }
    let mut baseline: Vec<&String> = settings.allow.baseline.iter().collect();
    baseline.sort();
    h.update(format!(
        "{:?}{baseline:?}{}{}{}{:?}{:?}",
        settings.allow.rules,
        settings.inline_allow,
        settings.max_file_size,
        settings.max_findings_per_file,
        settings.excludes,
        settings.workspace_env,
    ));
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes the cache beside its place and renames it there, so a hook call running at the same
/// time reads the old cache or the new one, never half of one (hosts run hooks in parallel).
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    use std::io::Write;
    let written = crate::safe_write::create_nofollow(&tmp, crate::safe_write::PRIVATE)
        .and_then(|mut f| f.write_all(data))
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(size: u64) -> Entry {
        Entry {
            size,
            mtime_ns: 7,
            findings: vec![Seen {
                detector: "GitHub".into(),
                risk: Risk::High,
                why: "account".into(),
                line: 3,
                at: ".env:3".into(),
            }],
        }
    }

    #[test]
    fn decode_reads_only_its_own_format_and_settings() {
        let mut c = Cache {
            settings: "s1".into(),
            dirs: Dirs::new(),
        };
        c.dirs
            .entry(b"/w".to_vec())
            .or_default()
            .insert(b"caf\xe9".to_vec(), entry(5));
        let bytes = c.encode();
        let back = Cache::decode(&bytes, "s1");
        assert_eq!(back.dirs[&b"/w"[..]][&b"caf\xe9"[..]].findings[0].line, 3);
        assert!(
            Cache::decode(&bytes, "s2").dirs.is_empty(),
            "other settings"
        );
        assert!(Cache::decode(&bytes[1..], "s1").dirs.is_empty(), "no magic");
        assert!(
            Cache::decode(&bytes[..bytes.len() - 2], "s1")
                .dirs
                .is_empty(),
            "truncated"
        );
        assert!(
            Cache::decode(b"{\"files\": {}}", "s1").dirs.is_empty(),
            "old JSON"
        );
    }

    #[test]
    fn the_walk_leaves_out_git_internals_and_links_and_uses_fresh_entries() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join(".git/objects/ab")).unwrap();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join(".git/config"), "[core]\n").unwrap();
        std::fs::write(root.join(".git/objects/ab/cdef"), "blob").unwrap();
        std::fs::write(root.join("src/a.py"), "a = 1\n").unwrap();
        std::fs::write(root.join("b.txt"), "bb").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("b.txt"), root.join("link")).unwrap();
        let meta = std::fs::metadata(root.join("b.txt")).unwrap();
        let mut cache = Cache::default();
        let mut fresh = entry(meta.len());
        fresh.mtime_ns = mtime_ns(&meta);
        let files = cache
            .dirs
            .entry(bytes(root.as_os_str()).to_vec())
            .or_default();
        files.insert(b"b.txt".to_vec(), fresh);
        files.insert(b"gone.txt".to_vec(), entry(1));
        let mut reach = Reach::default();
        reach.walk(root, &cache);
        let mut names: Vec<String> = reach
            .files
            .iter()
            .map(|f| {
                let p = reach.dirs[f.dir].join(&f.name);
                p.strip_prefix(root).unwrap().display().to_string()
            })
            .collect();
        names.sort();
        assert_eq!(names, [".git/config", "b.txt", "src/a.py"]);
        let b = reach.files.iter().find(|f| f.name == "b.txt").unwrap();
        assert_eq!(b.cached.as_ref().map(Vec::len), Some(1), "fresh entry used");
        let a = reach.files.iter().find(|f| f.name == "a.py").unwrap();
        assert!(a.cached.is_none(), "no entry: scanned");
        forget_gone(&mut cache, &reach);
        let kept: Vec<&Vec<u8>> = cache.dirs[bytes(root.as_os_str())].keys().collect();
        assert_eq!(kept, [&b"b.txt".to_vec()], "gone.txt forgotten");
    }

    #[test]
    fn overlapping_targets_reach_each_file_once() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/a.py"), "a = 1\n").unwrap();
        let cache = Cache::default();
        let mut reach = Reach {
            seen: Some(HashSet::new()),
            ..Reach::default()
        };
        reach.walk(&root.join("src/a.py"), &cache);
        reach.walk(root, &cache);
        reach.walk(&root.join("src"), &cache);
        assert_eq!(reach.files.len(), 1);
    }
}
