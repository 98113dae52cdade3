//! What the hook remembers between calls: per file, by path, size and modification time, the
//! findings that remained after the workspace's allow rules (detector, risk, why, line; never
//! the secret). Every host's hook shares the one cache, so a file Claude's hook read is not
//! read again for Cursor's.

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
use std::path::{Path, PathBuf};

/// At most this many files are looked at for one call (a Grep over a huge tree).
const MAX_FILES: usize = 20_000;

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

#[derive(Default, Serialize, Deserialize)]
struct Cache {
    /// What the results were computed with ([`settings_stamp`]).
    #[serde(default)]
    settings: String,
    files: HashMap<Key, Entry>,
}

/// A file's path as a map key, hashed and compared as its bytes: `Path`'s own `Hash` and `Eq`
/// walk its components, which was a fifth of a warm answer over 10,000 files. Keys are
/// normalized absolute paths, so the two agree; the cache file is the same (a path string).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(transparent)]
struct Key(PathBuf);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        self.0.as_os_str() == other.0.as_os_str()
    }
}

impl Eq for Key {}

impl std::hash::Hash for Key {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.as_os_str().hash(h)
    }
}

/// What the files of a call hold.
pub enum Outcome {
    /// Every finding in them (below the level too; the caller filters).
    Seen(Vec<Seen>),
    /// Not every file could be scanned within the time limit.
    TimedOut,
}

/// The cache file: `$CREDGATE_CACHE_DIR/hook.json`, else under `$XDG_CACHE_HOME` or
/// `~/.cache`.
fn cache_path() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("CREDGATE_CACHE_DIR") {
        return Some(PathBuf::from(d).join("hook.json"));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::home_dir().map(|h| h.join(".cache")))?;
    Some(base.join("credgate").join("hook.json"))
}

/// The files under a path a call names: the file itself, or a directory's files (its `.git`
/// internals that hold no user content left out), at most [`MAX_FILES`].
fn files_under(p: &Path) -> Vec<PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    if !p.is_dir() {
        return Vec::new();
    }
    ignore::WalkBuilder::new(p)
        .standard_filters(false)
        .filter_entry(|e| {
            crate::source::walk::git_internal_allowed(
                e.path(),
                e.file_type().is_some_and(|t| t.is_dir()),
            )
        })
        .build()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .take(MAX_FILES)
        .map(|e| e.into_path())
        .collect()
}

fn mtime_ns(m: &std::fs::Metadata) -> i128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// The findings in the files under `targets`: from the cache where a file's entry is fresh,
/// else scanned (with the gate's settings) and remembered.
pub fn findings_in(targets: &[PathBuf], gate: &Gate) -> Result<Outcome> {
    let cache_file = cache_path();
    let stamp = settings_stamp(gate.engine, gate.settings);
    let mut cache: Cache = cache_file
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|c: &Cache| c.settings == stamp)
        .unwrap_or_else(|| Cache {
            settings: stamp,
            files: HashMap::new(),
        });
    let home = std::env::home_dir();
    // Built only when a file must be scanned: a warm answer does not need it.
    let stores = std::cell::OnceCell::new();
    // Every file the call reaches, once, in order; and those whose cache entry is not fresh.
    let mut wanted: Vec<Key> = Vec::new();
    let mut meta_of: HashMap<Key, (u64, i128)> = HashMap::new();
    let mut stale: Vec<(PathBuf, Origin)> = Vec::new();
    for target in targets {
        // Made absolute and normalized once: the walker's paths are the root joined with the
        // names it reads, so they are too (doing it per file was a tenth of a warm answer).
        let root = crate::util::normalize(&std::path::absolute(target).unwrap_or(target.clone()));
        for file in files_under(&root) {
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            let key = Key(file);
            let stat = (meta.len(), mtime_ns(&meta));
            if meta_of.insert(key.clone(), stat).is_some() {
                continue;
            }
            let fresh = cache
                .files
                .get(&key)
                .is_some_and(|e| (e.size, e.mtime_ns) == stat);
            if !fresh {
                if stores.get().is_none() {
                    let _ = stores.set(crate::stores::Stores::builtin()?);
                }
                let stores = stores.get().expect("just set");
                let origin = origin_of(&key.0, gate.workspace, home.as_deref(), stores);
                stale.push((key.0.clone(), origin));
            }
            wanted.push(key);
        }
    }
    if !stale.is_empty() {
        let files = Files { files: stale };
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
        for (path, origin) in &files.files {
            let key = Key(path.clone());
            let findings = seen.remove(origin).unwrap_or_default();
            if findings.is_empty() && unfinished.contains(origin.to_string().as_str()) {
                cache.files.remove(&key);
                continue;
            }
            let (size, mtime_ns) = meta_of[&key];
            cache.files.insert(
                key,
                Entry {
                    size,
                    mtime_ns,
                    findings,
                },
            );
        }
        if let Some(p) = &cache_file {
            let _ = write_private(p, &serde_json::to_vec(&cache).unwrap_or_default());
        }
    }
    Ok(Outcome::Seen(
        wanted
            .iter()
            .filter_map(|key| cache.files.get(key))
            .flat_map(|e| e.findings.iter().cloned())
            .collect(),
    ))
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

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    use std::io::Write;
    crate::safe_write::create_nofollow(path, crate::safe_write::PRIVATE)?.write_all(bytes)
}
