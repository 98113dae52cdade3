//! The one path from bytes to findings, whatever the source.
//!
//! Every source ([`crate::source`]) hands its content to a [`Worker`] of one [`Pipeline`]. The
//! pipeline applies, once and the same way for every source:
//!
//! 1. the excludes (`--exclude`, `[scan] exclude`), matched against the path inside the root;
//! 2. the size limit (`--max-file-size`) and the deadline (`--timeout`);
//! 3. the engine, with large mapped files split into segments matched in parallel;
//! 4. the per-file cap (`--max-findings-per-file`);
//! 5. finding construction: where the file sits (tracked, gitignored, a credential store, an
//!    agent configuration), the assessment, inline `credgate:allow` comments;
//! 6. at the end, the sources' own post-steps (history keeps one finding per secret), then the
//!    baseline and `[[allow]]` rules, the sort and the summary.
//!
//! Each worker keeps its reader buffers, engine scratch and results to itself and merges them
//! once, when it is dropped, so threads do not contend per file.

use crate::assessment::context::locate;
use crate::assessment::package::published_package;
use crate::engine::{Engine, EngineStats, RawMatch, Scratch};
use crate::finding::{Context, Finding, Origin, build_findings};
use crate::gitignore::{GitIgnoreIndex, GitStatus};
use crate::model::{Confidence, Environment, Location};
use crate::read::{Content, LoadError, Loaded, MmapChoice, Reader, SkipReason};
use crate::result::{Progress, RiskCounts, ScanResult, ScanStats, Skipped, Summary, Warning};
use crate::stores::{Kind, Store, Stores};
use crate::suppress::Allowlist;
use globset::{GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Mapped files at least this large are split into segments matched in parallel.
const SEGMENT_SIZE: usize = 4 * 1024 * 1024;

/// What the pipeline applies to every source: limits, suppression and the assessment's inputs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Larger content is skipped and reported with its size (`--max-file-size`).
    pub max_file_size: u64,
    /// Findings reported per file (`--max-findings-per-file`); the rest are counted.
    pub max_findings_per_file: usize,
    /// Stop taking content after this long (`--timeout`).
    pub timeout: Option<Duration>,
    /// Path globs to leave out (`--exclude`): see [`crate::path_glob::path_glob`].
    pub excludes: Vec<String>,
    /// Honour `credgate:allow` comments (off with `--no-inline-allow`).
    pub inline_allow: bool,
    /// Baseline fingerprints and `[[allow]]` rules.
    pub allow: Allowlist,
    /// The environment of the workspace being scanned, when declared.
    pub workspace_env: Option<Environment>,
    /// Matches below this confidence are not reported (`--confidence`), though they are still
    /// masked in the lines shown.
    pub confidence: Confidence,
    /// "Now", for deciding whether encoded expiries have passed.
    pub now: jiff::Timestamp,
    /// Count per-detector work and time the phases (`--stats`).
    pub stats: bool,
    /// Whether large files may be memory-mapped.
    pub mmap: MmapChoice,
    /// Threads, for the stats report.
    pub threads: usize,
    /// Compute GitHub's `primaryLocationLineHash` for each finding. Only SARIF reports it, and
    /// it hashes every line of a file up to its last finding (a second of a 1 GiB file's
    /// scan), so only a SARIF report asks for it.
    pub line_hashes: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            // The command line's default (`--max-file-size 256MiB`), so the library and the
            // CLI skip the same files.
            max_file_size: 256 << 20,
            max_findings_per_file: 100,
            timeout: None,
            excludes: Vec::new(),
            inline_allow: true,
            allow: Allowlist::default(),
            workspace_env: None,
            confidence: Confidence::Medium,
            now: jiff::Timestamp::now(),
            stats: false,
            mmap: MmapChoice::never(),
            threads: 1,
            line_hashes: false,
        }
    }
}

/// One input of a scan. A source drives its own parallelism: it creates workers with
/// [`Pipeline::worker`] (one per thread) and hands each piece of content to one.
pub trait Source: Sync {
    /// Feeds everything this source has to the pipeline. An error stops the whole scan: only
    /// for problems that make it meaningless (no such root, not a repository); per-file
    /// problems are warnings.
    fn feed(&self, p: &Pipeline<'_>) -> anyhow::Result<()>;

    /// Runs once all sources are fed, before suppression: a source may merge or annotate its
    /// own findings (history keeps one finding per secret, with its commits).
    fn post(&self, _findings: &mut Vec<Finding>, _warnings: &mut Vec<Warning>) {}
}

/// One piece of content to scan, and what the source knows of it.
pub struct Blob<'b> {
    pub origin: Origin,
    /// The file on disk (read again by some store formats), if there is one.
    pub file: Option<&'b Path>,
    /// Only findings touching these 1-based lines count (the lines a staged change adds);
    /// `None`: all.
    pub lines: Option<&'b HashSet<u64>>,
    /// Whether `credgate:allow` comments count here (not in environment variables, whose
    /// values an attacker may set to hide a credential).
    pub inline_allow: bool,
}

impl<'b> Blob<'b> {
    /// Content from `origin`, with every finding counting.
    pub fn new(origin: Origin) -> Blob<'b> {
        Blob {
            origin,
            file: None,
            lines: None,
            inline_allow: true,
        }
    }
}

#[derive(Default)]
struct Collected {
    findings: Vec<Finding>,
    skipped: Vec<Skipped>,
    warnings: Vec<Warning>,
    files: u64,
    bytes: u64,
    /// Matches in published packages that only the package rule put below `--confidence`.
    in_packages: usize,
}

/// The shared state of one scan. See the module documentation.
pub struct Pipeline<'a> {
    engine: &'a Engine,
    settings: &'a Settings,
    excludes: GlobSet,
    /// Built on first use: a pre-commit hook whose staged lines hold no match reads neither the
    /// global excludes file nor the store catalog.
    gitignore: OnceLock<GitIgnoreIndex>,
    stores: OnceLock<Stores>,
    progress: &'a Progress,
    start: Instant,
    deadline: Option<Instant>,
    timed_out: AtomicBool,
    out: Mutex<Collected>,
    engine_stats: Mutex<EngineStats>,
    read_ns: AtomicU64,
    match_ns: AtomicU64,
    build_ns: AtomicU64,
    phases: Mutex<Vec<(String, Duration)>>,
}

/// Scans every source with one pipeline and returns the merged, suppressed, sorted result.
pub fn run(
    engine: &Engine,
    settings: &Settings,
    sources: &[&dyn Source],
    progress: &Progress,
) -> anyhow::Result<ScanResult> {
    let p = Pipeline::new(engine, settings, progress)?;
    for s in sources {
        s.feed(&p)?;
    }
    Ok(p.finish(sources))
}

impl<'a> Pipeline<'a> {
    pub fn new(
        engine: &'a Engine,
        settings: &'a Settings,
        progress: &'a Progress,
    ) -> anyhow::Result<Pipeline<'a>> {
        let mut gs = GlobSetBuilder::new();
        for e in &settings.excludes {
            gs.add(
                crate::path_glob::path_glob(e)
                    .map_err(|err| anyhow::anyhow!("--exclude {e:?}: {err}"))?,
            );
        }
        let start = Instant::now();
        Ok(Pipeline {
            engine,
            settings,
            excludes: gs.build()?,
            gitignore: OnceLock::new(),
            stores: OnceLock::new(),
            progress,
            start,
            deadline: settings.timeout.map(|t| start + t),
            timed_out: AtomicBool::new(false),
            out: Mutex::new(Collected::default()),
            engine_stats: Mutex::new(EngineStats::default()),
            read_ns: AtomicU64::new(0),
            match_ns: AtomicU64::new(0),
            build_ns: AtomicU64::new(0),
            phases: Mutex::new(Vec::new()),
        })
    }

    /// The credential store catalog.
    pub fn stores(&self) -> &Stores {
        self.stores.get_or_init(|| {
            Stores::builtin().expect("the embedded store catalog is valid (tested)")
        })
    }

    /// The compiled excludes, for a walker that prunes directories with them.
    pub fn excludes(&self) -> &GlobSet {
        &self.excludes
    }

    /// Whether the user excluded this path (relative to its root, or a repository path).
    pub fn excluded(&self, rel: &Path) -> bool {
        !self.excludes.is_empty() && self.excludes.is_match(rel)
    }

    /// Whether the time budget has run out. Sources stop taking content once it has.
    pub fn expired(&self) -> bool {
        match self.deadline {
            Some(d) if Instant::now() >= d => {
                self.timed_out.store(true, Ordering::Relaxed);
                true
            }
            _ => false,
        }
    }

    /// Runs `step`, and with `--stats` reports its wall time as the phase `name`.
    pub fn phase<T>(&self, name: &str, step: impl FnOnce() -> T) -> T {
        if !self.settings.stats {
            return step();
        }
        let t = Instant::now();
        let out = step();
        self.phases
            .lock()
            .unwrap()
            .push((name.to_string(), t.elapsed()));
        out
    }

    /// A worker for one thread.
    pub fn worker(&self) -> Worker<'_, 'a> {
        Worker {
            p: self,
            reader: Reader::new(self.settings.max_file_size, self.settings.mmap),
            scratch: self.engine.new_scratch_counting(self.settings.stats),
            local: Collected::default(),
        }
    }

    /// Where content sits, for its findings: the location, whether git ignores it and the
    /// credential store it belongs to. Asked only for content with matches.
    fn place(&self, origin: &Origin, file: Option<&Path>) -> (Location, bool, Option<&Store>) {
        match origin {
            Origin::Workspace { path, .. } => {
                let git = file.map_or(GitStatus::OutsideRepository, |f| {
                    self.gitignore.get_or_init(GitIgnoreIndex::new).status(f)
                });
                (
                    locate(self.stores().find_in_workspace(path), git),
                    git == GitStatus::Ignored,
                    None,
                )
            }
            Origin::Home { path, .. } => {
                let store = self.stores().find(path);
                let location = match store {
                    Some(s) if s.kind == Kind::AgentConfig => Location::AgentConfig,
                    Some(s) if s.kind == Kind::AgentTranscript => Location::AgentTranscript,
                    _ => Location::CliStore,
                };
                (location, false, store)
            }
            Origin::EnvVar { .. } => (Location::EnvironmentVariable, false, None),
            // Staged or committed content is (about to be) in every clone: tracked, unless it
            // is an agent configuration, which agents read by design.
            Origin::GitIndex { path } | Origin::GitCommit { path, .. } => (
                locate(
                    self.stores().find_in_workspace(Path::new(path)),
                    GitStatus::Tracked,
                ),
                false,
                None,
            ),
        }
    }

    /// Merges the workers' results, runs the sources' post-steps, applies the baseline and
    /// allow rules, sorts and counts.
    pub fn finish(self, sources: &[&dyn Source]) -> ScanResult {
        let c = std::mem::take(&mut *self.out.lock().unwrap());
        let mut findings = c.findings;
        let mut warnings = c.warnings;
        warnings.sort_by(|a, b| a.path.cmp(&b.path));
        self.phase("sources' post-steps", || {
            for s in sources {
                s.post(&mut findings, &mut warnings);
            }
        });
        let stats = self.settings.stats.then(|| ScanStats {
            engine: self.engine_stats.lock().unwrap().clone(),
            threads: self.settings.threads,
            wall: self.start.elapsed(),
            read: Duration::from_nanos(self.read_ns.load(Ordering::Relaxed)),
            matching: Duration::from_nanos(self.match_ns.load(Ordering::Relaxed)),
            building: Duration::from_nanos(self.build_ns.load(Ordering::Relaxed)),
            phases: std::mem::take(&mut *self.phases.lock().unwrap()),
        });
        for f in &mut findings {
            if f.suppression.is_none() {
                f.suppression = self.settings.allow.check(f);
            }
        }
        findings.sort_by_cached_key(|f| {
            (
                origin_rank(&f.origin),
                f.origin.legacy_root(),
                f.origin.path_display(),
                f.start,
                f.detector_id.clone(),
            )
        });
        let (suppressed, findings): (Vec<Finding>, Vec<Finding>) =
            findings.into_iter().partition(|f| f.suppression.is_some());
        let mut skipped = c.skipped;
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        let timed_out = self.timed_out.load(Ordering::Relaxed);
        if let (true, Some(t)) = (timed_out, self.settings.timeout) {
            warnings.push(Warning {
                path: String::new(),
                origin: None,
                message: format!(
                    "the time budget of {t:?} ran out after {} files: the scan stopped, and files not yet reached were not scanned",
                    c.files
                ),
            });
        }
        let summary = Summary {
            files_scanned: c.files,
            bytes_scanned: c.bytes,
            findings: findings.len(),
            by_risk: RiskCounts::of(&findings),
            not_shown: 0,
            in_published_packages: c.in_packages,
            suppressed: suppressed.len(),
            files_skipped: skipped.len(),
            warnings: warnings.len(),
            elapsed_ms: self.start.elapsed().as_millis(),
            timed_out,
        };
        ScanResult {
            stats,
            findings,
            suppressed,
            skipped,
            warnings,
            summary,
        }
    }
}

/// Workspace files first, then home stores, the environment, the index and history.
fn origin_rank(o: &Origin) -> u8 {
    match o {
        Origin::Workspace { .. } => 0,
        Origin::Home { .. } => 1,
        Origin::EnvVar { .. } => 2,
        Origin::GitIndex { .. } => 3,
        Origin::GitCommit { .. } => 4,
    }
}

/// One thread's share of a scan: its reader, engine scratch and results.
pub struct Worker<'p, 'a> {
    p: &'p Pipeline<'a>,
    reader: Reader,
    scratch: Scratch,
    local: Collected,
}

impl Drop for Worker<'_, '_> {
    fn drop(&mut self) {
        if let Some(st) = &self.scratch.stats {
            self.p.engine_stats.lock().unwrap().add(st);
        }
        let local = std::mem::take(&mut self.local);
        let mut out = self.p.out.lock().unwrap();
        out.findings.extend(local.findings);
        out.skipped.extend(local.skipped);
        out.warnings.extend(local.warnings);
        out.files += local.files;
        out.bytes += local.bytes;
        out.in_packages += local.in_packages;
    }
}

impl Worker<'_, '_> {
    /// Records content that was not scanned.
    pub fn skip(&mut self, origin: Origin, reason: SkipReason) {
        self.local.skipped.push(Skipped {
            path: origin.to_string(),
            reason,
            origin: Some(origin),
        });
    }

    /// Records a problem that did not stop the scan, about `path` (as the walker names it).
    pub fn warn(&mut self, path: String, message: String) {
        self.local.warnings.push(Warning {
            path,
            message,
            origin: None,
        });
    }

    /// Reads and scans the file at `path`. `regular`: the walker's directory entry says it is a
    /// regular file, so a small one is read without asking its type and size first
    /// ([`crate::read::Reader::load_regular`]).
    pub fn scan_file(&mut self, path: &Path, regular: bool, blob: Blob<'_>) {
        let p = self.p;
        let t_read = p.settings.stats.then(Instant::now);
        let loaded = if regular {
            self.reader.load_regular(path)
        } else {
            self.reader.load(path)
        };
        let loaded = match loaded {
            Ok(l) => l,
            Err(e) => return not_loaded(&mut self.local, &blob.origin, e),
        };
        if let Some(t) = t_read {
            p.read_ns
                .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        }
        let blob = Blob {
            file: Some(path),
            ..blob
        };
        scan_loaded(p, &mut self.scratch, &mut self.local, &loaded, &blob);
    }

    /// Scans content already in memory (a git blob, an environment variable, bytes given by
    /// an embedder), under the same limits as a file.
    pub fn scan_bytes(&mut self, bytes: &[u8], blob: Blob<'_>) {
        let p = self.p;
        let loaded = match self.reader.load_bytes(bytes) {
            Ok(l) => l,
            Err(e) => return not_loaded(&mut self.local, &blob.origin, e),
        };
        scan_loaded(p, &mut self.scratch, &mut self.local, &loaded, &blob);
    }
}

/// Content that could not be loaded: skipped (too large, not a regular file) or a warning (an
/// I/O error).
fn not_loaded(local: &mut Collected, origin: &Origin, e: LoadError) {
    match e {
        LoadError::Skip(reason) => local.skipped.push(Skipped {
            path: origin.to_string(),
            reason,
            origin: Some(origin.clone()),
        }),
        LoadError::Io(err) => local.warnings.push(Warning {
            path: origin.to_string(),
            message: format!("cannot read: {err}"),
            origin: Some(origin.clone()),
        }),
    }
}

/// Steps 3 to 5 of the module documentation for one piece of loaded content.
fn scan_loaded(
    p: &Pipeline<'_>,
    scratch: &mut Scratch,
    local: &mut Collected,
    loaded: &Loaded<'_>,
    blob: &Blob<'_>,
) {
    let hay = loaded.content.bytes();
    let rel: &Path = match &blob.origin {
        Origin::Workspace { path, .. } | Origin::Home { path, .. } => path,
        Origin::EnvVar { .. } => Path::new(".env"),
        Origin::GitIndex { path } | Origin::GitCommit { path, .. } => Path::new(path.as_str()),
    };
    let t_match = p.settings.stats.then(Instant::now);
    let mut matches = match &loaded.content {
        Content::Mapped(_) if hay.len() > SEGMENT_SIZE => scan_parallel(
            p.settings.threads,
            p.engine,
            hay,
            rel,
            p.settings.stats.then_some((&p.engine_stats, &p.match_ns)),
            &|seg| loaded.content.release(seg),
        ),
        _ => {
            let m = p.engine.scan(hay, rel, scratch);
            if let Some(t) = t_match {
                p.match_ns
                    .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            }
            m
        }
    };
    if let Some(lines) = blob.lines {
        // Before the cap: a secret added below a hundred old ones must not be cut off.
        matches = on_lines(hay, matches, lines);
    }
    // What a published package ships is public and not this workspace's: reported at low only.
    let package = match &blob.origin {
        _ if matches.is_empty() => None,
        Origin::Workspace { .. } => blob
            .origin
            .file(None)
            .and_then(|f| published_package(&f, true)),
        Origin::GitIndex { path } | Origin::GitCommit { path, .. } => {
            published_package(Path::new(path), false)
        }
        Origin::Home { .. } | Origin::EnvVar { .. } => None,
    };
    // Each match's confidence before, for the evidence: all are low after, so all or none are
    // kept below and this stays in step with them.
    let mut before = Vec::new();
    if package.is_some() {
        for m in &mut matches {
            before.push(m.confidence);
            m.confidence = Confidence::Low;
        }
    }
    // Every match is masked in the lines shown; only those at the confidence asked for are
    // reported.
    let mask = matches.clone();
    matches.retain(|m| m.confidence >= p.settings.confidence);
    if package.is_some() && matches.is_empty() {
        // Counted, so that a scan of `node_modules` does not say "no findings" without a hint.
        local.in_packages += before
            .iter()
            .filter(|&&c| c >= p.settings.confidence)
            .count();
    }
    // Only for a warning: formatting the path of every file cost 1.5% of a scan.
    let shown = || blob.origin.to_string();
    let cap = p.settings.max_findings_per_file.max(1);
    let listed = matches.len().min(cap);
    if matches.len() > cap {
        // The first ones by position are kept; building and printing the rest would make one
        // generated file drown the report and the memory budget.
        local.warnings.push(Warning {
            path: shown(),
            origin: Some(blob.origin.clone()),
            message: format!(
                "{} more findings in this file are not listed (the first {cap} are; --max-findings-per-file)",
                matches.len() - cap,
            ),
        });
    }
    if loaded.content.changed_while_read() {
        local.warnings.push(Warning {
            path: shown(),
            origin: Some(blob.origin.clone()),
            message: "the file changed size while it was being scanned: what lay past its new \
                      end was read as zeros, so findings may be missing"
                .into(),
        });
    }
    // An environment variable is not a file: the summary counts files and their bytes.
    if !matches!(blob.origin, Origin::EnvVar { .. }) {
        local.files += 1;
        local.bytes += hay.len() as u64;
        p.progress.files.fetch_add(1, Ordering::Relaxed);
        p.progress
            .bytes
            .fetch_add(hay.len() as u64, Ordering::Relaxed);
    }
    if matches.is_empty() {
        return;
    }
    let (location, gitignored, store) = p.place(&blob.origin, blob.file);
    let env_name;
    let assess_path: &Path = match &blob.origin {
        Origin::EnvVar { name } => {
            env_name = PathBuf::from(name);
            &env_name
        }
        _ => rel,
    };
    let ctx = Context {
        origin: blob.origin.clone(),
        file: blob.file,
        assess_path,
        store,
        gitignored,
        location,
        encoding: loaded.encoding,
        workspace_env: p.settings.workspace_env,
        now: p.settings.now,
        line_hashes: p.settings.line_hashes,
        package: package.as_ref().map(|p| (p, &before[..])),
    };
    let t_build = p.settings.stats.then(Instant::now);
    let mut built = build_findings(p.engine, hay, &matches[..listed], &mask, &ctx, &|r| {
        loaded.content.release(r)
    });
    if p.settings.inline_allow && blob.inline_allow {
        for f in &mut built {
            let line_start = f.start + 1 - f.column as usize;
            f.suppression = crate::suppress::inline::allow(hay, line_start, &f.detector_id);
        }
    }
    local.findings.extend(built);
    if let Some(t) = t_build {
        p.build_ns
            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }
}

/// The matches (sorted by start, as the engine returns them) that touch one of `lines`
/// (1-based), counting lines in one pass.
fn on_lines(hay: &[u8], matches: Vec<RawMatch>, lines: &HashSet<u64>) -> Vec<RawMatch> {
    let mut line = 1u64;
    let mut counted_to = 0usize;
    let mut out = Vec::with_capacity(matches.len());
    for m in matches {
        let s = m.secret.start;
        if s > counted_to {
            line += memchr::memchr_iter(b'\n', &hay[counted_to..s]).count() as u64;
            counted_to = s;
        }
        let body = &hay[m.secret.clone()];
        let body = match body.iter().rposition(|&b| b != b'\n' && b != b'\r') {
            Some(i) => &body[..=i],
            None => body,
        };
        let last = line + memchr::memchr_iter(b'\n', body).count() as u64;
        if (line..=last).any(|l| lines.contains(&l)) {
            out.push(m);
        }
    }
    out
}

/// Builds rayon's global pool with the scan's threads, the first time one is needed (a large
/// file split into segments, history): spawning it at start cost every hook call and one-file
/// scan its threads for nothing.
pub(crate) fn rayon_pool(threads: usize) {
    static BUILT: std::sync::Once = std::sync::Once::new();
    BUILT.call_once(|| {
        // Fails only if the pool was already built (a library embedder's own): then it is used.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build_global();
    });
}

impl Pipeline<'_> {
    /// The scan's threads.
    pub fn threads(&self) -> usize {
        self.settings.threads
    }
}

/// Splits a large buffer into segments and matches them on rayon's pool, so both cores work on
/// one huge file as well as on many small ones.
fn scan_parallel(
    threads: usize,
    engine: &Engine,
    hay: &[u8],
    rel: &Path,
    stats: Option<(&Mutex<EngineStats>, &AtomicU64)>,
    release: &(dyn Fn(std::ops::Range<usize>) + Sync),
) -> Vec<RawMatch> {
    rayon_pool(threads);
    let n = hay.len().div_ceil(SEGMENT_SIZE);
    let parts: Vec<RawMatch> = (0..n)
        .into_par_iter()
        .map_init(
            || engine.new_scratch_counting(stats.is_some()),
            |scratch, i| {
                let seg = i * SEGMENT_SIZE..((i + 1) * SEGMENT_SIZE).min(hay.len());
                let mut out = Vec::new();
                let t = stats.is_some().then(Instant::now);
                engine.scan_segment(hay, seg.clone(), rel, i == 0, scratch, &mut out);
                // Each segment's own time, summed: the match's thread time, as for a small
                // file (the caller's wall time would count one thread of the pool's, and put
                // the others' in "walk and other").
                if let (Some(t), Some((_, match_ns))) = (t, stats) {
                    match_ns.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
                }
                // Matched: its pages need not stay resident (a 1 GiB file would otherwise
                // count 1 GiB of mapped pages against this process), nor those its windows
                // read on either side, which the neighbouring segments' release may have
                // given back already (70 MB on a 1 GiB file when only the segment went).
                let reach = engine.reach();
                release(seg.start.saturating_sub(reach)..(seg.end + reach).min(hay.len()));
                if let (Some((total, _)), Some(st)) = (stats, scratch.stats.as_mut()) {
                    // Counted per segment: map_init's scratches are not handed back at the end.
                    total.lock().unwrap().add(st);
                    **st = EngineStats {
                        detectors: vec![Default::default(); st.detectors.len()],
                        ..Default::default()
                    };
                }
                out
            },
        )
        .flatten()
        .collect();
    engine.resolve(parts)
}
