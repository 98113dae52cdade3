//! A scan: walk the roots in parallel, read each file, run the engine, turn matches into
//! findings. Each walker thread keeps its own reader buffers and engine scratch; results are
//! merged once per thread at the end, not per file.

use crate::assessment::context::{GitStatus, Locator};
use crate::assessment::{self, Environment, Location, Risk, Site};
use crate::engine::{Engine, RawMatch};
use crate::finding::{Finding, excerpt, fingerprint, redact};
use crate::source::{Content, LoadError, Reader, SkipReason, special_kind};
use crate::walk::{self, GitIgnoreIndex, WalkOptions};
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkState};
use rayon::prelude::*;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Files at least this large are split into segments matched in parallel.
const SEGMENT_SIZE: usize = 4 * 1024 * 1024;
/// How far around a secret the reported line reaches.
const LINE_CONTEXT: usize = 80;

/// Bounds on one scan's time and output.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Stop visiting files after this long (`--timeout`).
    pub timeout: Option<Duration>,
    /// Findings reported per file (`--max-findings-per-file`); the rest are counted.
    pub max_findings_per_file: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: None,
            max_findings_per_file: 100,
        }
    }
}

#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub walk: WalkOptions,
    pub max_file_size: u64,
    pub limits: Limits,
    /// Count per-detector work and time the phases (`--stats`).
    pub stats: bool,
    /// The environment of the workspace being scanned, when declared.
    pub workspace_env: Option<Environment>,
    /// "Now", for deciding whether encoded expiries have passed.
    pub now: jiff::Timestamp,
    /// Honour `credgate:allow` comments (off with `--no-inline-allow`, for audits).
    pub inline_allow: bool,
    /// Baseline fingerprints and config allow rules.
    pub allow: crate::config::Allowlist,
    /// The home directory whose credential stores are among the roots (`--reach home`):
    /// findings there name their store and are reported as `~/...`.
    pub home: Option<PathBuf>,
}

/// A file that was not scanned, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    pub path: String,
    #[serde(flatten)]
    pub reason: SkipReason,
}

/// A problem that did not stop the scan: an unreadable file, a directory loop.
#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    pub path: String,
    pub message: String,
}

/// Live counters, read by the progress display while the scan runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Every finding, shown or not.
    pub findings: usize,
    /// Findings by risk.
    pub by_risk: RiskCounts,
    /// Findings below `--min-risk`, counted but not in the report.
    pub not_shown: usize,
    /// Findings allowed by an inline comment, the baseline or the config (not in `findings`).
    pub suppressed: usize,
    pub files_skipped: usize,
    pub warnings: usize,
    pub elapsed_ms: u128,
    /// The `--timeout` budget ran out: files not yet reached were not scanned.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub timed_out: bool,
}

#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct RiskCounts {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
}

impl RiskCounts {
    pub fn of(findings: &[Finding]) -> RiskCounts {
        let mut c = RiskCounts::default();
        for f in findings {
            *match f.assessment.risk {
                Risk::Critical => &mut c.critical,
                Risk::High => &mut c.high,
                Risk::Medium => &mut c.medium,
                Risk::Low => &mut c.low,
                Risk::Info => &mut c.info,
            } += 1;
        }
        c
    }
}

/// Where a scan's time went (`--stats`). Phase times are summed over threads.
#[derive(Clone, Debug, Default)]
pub struct ScanStats {
    pub engine: crate::engine::EngineStats,
    pub threads: usize,
    pub wall: Duration,
    /// Opening, reading or mapping files.
    pub read: Duration,
    /// The engine: prefilter and regexes.
    pub matching: Duration,
    /// Turning matches into findings (lines, assessment, line hashes).
    pub building: Duration,
}

#[derive(Debug, Default)]
pub struct ScanResult {
    /// Counters and phase times, with `--stats`.
    pub stats: Option<ScanStats>,
    /// Active findings: not allowed by an inline comment, the baseline or the config.
    pub findings: Vec<Finding>,
    /// Allowed findings, each with its `suppression`.
    pub suppressed: Vec<Finding>,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<Warning>,
    pub summary: Summary,
}

#[derive(Default)]
struct Collected {
    findings: Vec<Finding>,
    skipped: Vec<Skipped>,
    warnings: Vec<Warning>,
    files: u64,
    bytes: u64,
}

/// Runs a scan. Errors only for problems that make the whole scan meaningless (no such root,
/// a bad exclude glob); per-file problems become warnings.
pub fn run(engine: &Engine, opts: &ScanOptions, progress: &Progress) -> anyhow::Result<ScanResult> {
    for r in &opts.walk.roots {
        std::fs::symlink_metadata(r).map_err(|e| anyhow::anyhow!("{}: {e}", r.display()))?;
    }
    let start = Instant::now();
    let walker = walk::build(&opts.walk)?;
    let shared = Shared {
        engine,
        roots: &opts.walk.roots,
        max_file_size: opts.max_file_size,
        gitignore: GitIgnoreIndex::new(),
        locator: Locator::default(),
        workspace_env: opts.workspace_env,
        now: opts.now,
        inline_allow: opts.inline_allow,
        home: match &opts.home {
            Some(h) => Some((h.clone(), crate::stores::Stores::builtin()?)),
            None => None,
        },
        progress,
        out: Mutex::new(Collected::default()),
        deadline: opts.limits.timeout.map(|t| start + t),
        timed_out: AtomicBool::new(false),
        max_findings_per_file: opts.limits.max_findings_per_file.max(1),
        counting: opts.stats,
        engine_stats: Mutex::new(crate::engine::EngineStats::default()),
        read_ns: AtomicU64::new(0),
        match_ns: AtomicU64::new(0),
        build_ns: AtomicU64::new(0),
    };
    let mut builder = VisitorBuilder { shared: &shared };
    walker.visit(&mut builder);
    let stats = shared.counting.then(|| ScanStats {
        engine: shared.engine_stats.lock().unwrap().clone(),
        threads: opts.walk.threads,
        wall: start.elapsed(),
        read: Duration::from_nanos(shared.read_ns.load(Ordering::Relaxed)),
        matching: Duration::from_nanos(shared.match_ns.load(Ordering::Relaxed)),
        building: Duration::from_nanos(shared.build_ns.load(Ordering::Relaxed)),
    });
    let c = shared.out.into_inner().unwrap();
    let mut findings = c.findings;
    for f in &mut findings {
        if f.suppression.is_none() {
            f.suppression = opts.allow.check(f);
        }
    }
    findings.sort_by(|a, b| {
        (&a.root, &a.path, a.start, &a.detector_id).cmp(&(
            &b.root,
            &b.path,
            b.start,
            &b.detector_id,
        ))
    });
    let (suppressed, findings): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(|f| f.suppression.is_some());
    let mut skipped = c.skipped;
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    let mut warnings = c.warnings;
    warnings.sort_by(|a, b| a.path.cmp(&b.path));
    let timed_out = shared.timed_out.load(Ordering::Relaxed);
    if let (true, Some(t)) = (timed_out, opts.limits.timeout) {
        warnings.push(Warning {
            path: String::new(),
            message: format!(
                "the time budget of {:?} ran out after {} files: the scan stopped, and files not yet reached were not scanned",
                t, c.files
            ),
        });
    }
    let summary = Summary {
        files_scanned: c.files,
        bytes_scanned: c.bytes,
        findings: findings.len(),
        by_risk: RiskCounts::of(&findings),
        not_shown: 0,
        suppressed: suppressed.len(),
        files_skipped: skipped.len(),
        warnings: warnings.len(),
        elapsed_ms: start.elapsed().as_millis(),
        timed_out,
    };
    Ok(ScanResult {
        stats,
        findings,
        suppressed,
        skipped,
        warnings,
        summary,
    })
}

impl Summary {
    pub fn elapsed(&self) -> Duration {
        Duration::from_millis(self.elapsed_ms as u64)
    }
}

struct Shared<'a> {
    engine: &'a Engine,
    roots: &'a [PathBuf],
    max_file_size: u64,
    gitignore: GitIgnoreIndex,
    locator: Locator,
    workspace_env: Option<Environment>,
    now: jiff::Timestamp,
    inline_allow: bool,
    home: Option<(PathBuf, crate::stores::Stores)>,
    progress: &'a Progress,
    out: Mutex<Collected>,
    deadline: Option<Instant>,
    timed_out: AtomicBool,
    max_findings_per_file: usize,
    counting: bool,
    engine_stats: Mutex<crate::engine::EngineStats>,
    read_ns: AtomicU64,
    match_ns: AtomicU64,
    build_ns: AtomicU64,
}

struct VisitorBuilder<'s, 'a> {
    shared: &'s Shared<'a>,
}

impl<'s, 'a: 's> ParallelVisitorBuilder<'s> for VisitorBuilder<'s, 'a> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            shared: self.shared,
            reader: Reader::new(self.shared.max_file_size),
            scratch: self
                .shared
                .engine
                .new_scratch_counting(self.shared.counting),
            local: Collected::default(),
        })
    }
}

struct Visitor<'s, 'a> {
    shared: &'s Shared<'a>,
    reader: Reader,
    scratch: crate::engine::Scratch,
    local: Collected,
}

impl Drop for Visitor<'_, '_> {
    fn drop(&mut self) {
        if let Some(st) = &self.scratch.stats {
            self.shared.engine_stats.lock().unwrap().add(st);
        }
        let local = std::mem::take(&mut self.local);
        let mut out = self.shared.out.lock().unwrap();
        out.findings.extend(local.findings);
        out.skipped.extend(local.skipped);
        out.warnings.extend(local.warnings);
        out.files += local.files;
        out.bytes += local.bytes;
    }
}

impl ParallelVisitor for Visitor<'_, '_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        if let Some(deadline) = self.shared.deadline
            && Instant::now() >= deadline
        {
            self.shared.timed_out.store(true, Ordering::Relaxed);
            return WalkState::Quit;
        }
        match entry {
            Ok(e) => self.visit_entry(&e),
            Err(err) => self.local.warnings.push(Warning {
                path: error_path(&err).unwrap_or_default(),
                message: one_line(&err.to_string()),
            }),
        }
        WalkState::Continue
    }
}

impl Visitor<'_, '_> {
    fn visit_entry(&mut self, e: &DirEntry) {
        let Some(ft) = e.file_type() else { return };
        let path = e.path();
        if ft.is_dir() {
            return;
        }
        let display = display_path(path);
        if ft.is_symlink() {
            // Only reached without --follow; with it, the walker reports the target's type.
            self.local.skipped.push(Skipped {
                path: display,
                reason: SkipReason::Symlink,
            });
            return;
        }
        if !ft.is_file() {
            self.local.skipped.push(Skipped {
                path: display,
                reason: SkipReason::SpecialFile {
                    kind: special_kind(&ft),
                },
            });
            return;
        }
        let shared = self.shared;
        let t_read = shared.counting.then(Instant::now);
        let loaded = match self.reader.load(path) {
            Ok(l) => l,
            Err(LoadError::Skip(reason)) => {
                self.local.skipped.push(Skipped {
                    path: display,
                    reason,
                });
                return;
            }
            Err(LoadError::Io(err)) => {
                self.local.warnings.push(Warning {
                    path: display,
                    message: format!("cannot read: {err}"),
                });
                return;
            }
        };
        let hay = loaded.content.bytes();
        let t_match = t_read.map(|t| {
            shared
                .read_ns
                .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            Instant::now()
        });
        let in_home = shared.home.as_ref().and_then(|(home, stores)| {
            let rel = path.strip_prefix(home).ok()?;
            stores.find(rel).map(|s| (rel.to_path_buf(), s))
        });
        let (root, rel) = match &in_home {
            Some((rel, _)) => (PathBuf::from("~"), rel.clone()),
            None => split_root(shared.roots, path),
        };
        let mut matches = match &loaded.content {
            Content::Mapped(_) if hay.len() > SEGMENT_SIZE => scan_parallel(
                shared.engine,
                hay,
                &rel,
                shared.counting.then_some(&shared.engine_stats),
                &|seg| loaded.content.release(seg),
            ),
            _ => shared.engine.scan(hay, &rel, &mut self.scratch),
        };
        if let Some(t) = t_match {
            shared
                .match_ns
                .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        }
        if matches.len() > shared.max_findings_per_file {
            // The first ones by position are kept; building and printing the rest would make
            // one generated file drown the report and the memory budget.
            self.local.warnings.push(Warning {
                path: display.clone(),
                message: format!(
                    "{} more findings in this file are not listed (the first {} are; --max-findings-per-file)",
                    matches.len() - shared.max_findings_per_file,
                    shared.max_findings_per_file
                ),
            });
            matches.truncate(shared.max_findings_per_file);
        }
        if loaded.content.changed_while_read() {
            self.local.warnings.push(Warning {
                path: display.clone(),
                message: "the file changed size while it was being scanned: what lay past its \
                          new end was read as zeros, so findings may be missing"
                    .into(),
            });
        }
        self.local.files += 1;
        self.local.bytes += hay.len() as u64;
        shared.progress.files.fetch_add(1, Ordering::Relaxed);
        shared
            .progress
            .bytes
            .fetch_add(hay.len() as u64, Ordering::Relaxed);
        if matches.is_empty() {
            return;
        }
        let git = shared.gitignore.status(path);
        let store = in_home.map(|(_, s)| s);
        let location = match store {
            Some(s) if s.kind == crate::stores::Kind::AgentConfig => Location::AgentConfig,
            Some(_) => Location::CliStore,
            None => shared.locator.locate(&rel, git),
        };
        let ctx = FileContext {
            abs_path: path,
            store,
            inline_allow: shared.inline_allow,
            root: display_path(&root),
            path: display_path(&rel),
            rel_path: &rel,
            gitignored: git == GitStatus::Ignored,
            location,
            encoding: loaded.encoding,
            workspace_env: shared.workspace_env,
            now: shared.now,
        };
        let t_build = shared.counting.then(Instant::now);
        self.local.findings.extend(build_findings_releasing(
            shared.engine,
            hay,
            &matches,
            &ctx,
            &|r| loaded.content.release(r),
        ));
        if let Some(t) = t_build {
            shared
                .build_ns
                .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        }
    }
}

/// Scans the environment of this process (`--reach env`): each variable as a `NAME=value` line,
/// with the detectors that apply to `.env` files, reported as `$NAME`.
pub fn scan_env(engine: &Engine, opts: &ScanOptions) -> Vec<Finding> {
    let mut scratch = engine.new_scratch();
    let mut out = Vec::new();
    let mut vars: Vec<(std::ffi::OsString, std::ffi::OsString)> = std::env::vars_os().collect();
    vars.sort();
    for (k, v) in vars {
        let mut hay = k.as_encoded_bytes().to_vec();
        hay.push(b'=');
        hay.extend_from_slice(v.as_encoded_bytes());
        hay.push(b'\n');
        let matches = engine.scan(&hay, Path::new(".env"), &mut scratch);
        if matches.is_empty() {
            continue;
        }
        let name = k.to_string_lossy().into_owned();
        let ctx = FileContext {
            abs_path: Path::new(""),
            store: None,
            inline_allow: false,
            root: "env".into(),
            path: format!("${name}"),
            rel_path: Path::new(&name),
            gitignored: false,
            location: Location::EnvironmentVariable,
            encoding: None,
            workspace_env: opts.workspace_env,
            now: opts.now,
        };
        out.extend(build_findings(engine, &hay, &matches, &ctx));
    }
    for f in &mut out {
        if f.suppression.is_none() {
            f.suppression = opts.allow.check(f);
        }
    }
    out
}

/// Splits a large buffer into segments and matches them on rayon's pool, so both cores work on
/// one huge file as well as on many small ones.
fn scan_parallel(
    engine: &Engine,
    hay: &[u8],
    rel: &Path,
    stats: Option<&Mutex<crate::engine::EngineStats>>,
    release: &(dyn Fn(std::ops::Range<usize>) + Sync),
) -> Vec<RawMatch> {
    let n = hay.len().div_ceil(SEGMENT_SIZE);
    let parts: Vec<RawMatch> = (0..n)
        .into_par_iter()
        .map_init(
            || engine.new_scratch_counting(stats.is_some()),
            |scratch, i| {
                let seg = i * SEGMENT_SIZE..((i + 1) * SEGMENT_SIZE).min(hay.len());
                let mut out = Vec::new();
                engine.scan_segment(hay, seg.clone(), (i == 0).then_some(rel), scratch, &mut out);
                // Matched: its pages need not stay resident (a 1 GiB file would otherwise
                // count 1 GiB of mapped pages against this process).
                release(seg);
                if let (Some(total), Some(st)) = (stats, scratch.stats.as_mut()) {
                    // Counted per segment: map_init's scratches are not handed back at the end.
                    total.lock().unwrap().add(st);
                    **st = crate::engine::EngineStats {
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

/// Scans bytes as if they were the file `rel` (relative to a workspace, or to the home directory
/// when `stores` names it as a credential store): matching and finding construction, without
/// touching the disk. For embedding, fuzzing and tests.
pub fn scan_in_memory(
    engine: &Engine,
    stores: Option<&crate::stores::Stores>,
    hay: &[u8],
    rel: &Path,
    now: jiff::Timestamp,
) -> Vec<Finding> {
    let matches = engine.scan(hay, rel, &mut engine.new_scratch());
    let store = stores.and_then(|s| s.find(rel));
    let ctx = FileContext {
        abs_path: Path::new(""),
        store,
        inline_allow: true,
        root: ".".into(),
        path: display_path(rel),
        rel_path: rel,
        gitignored: false,
        location: match store {
            Some(s) if s.kind == crate::stores::Kind::AgentConfig => Location::AgentConfig,
            Some(_) => Location::CliStore,
            None => Location::Untracked,
        },
        encoding: None,
        workspace_env: None,
        now,
    };
    build_findings(engine, hay, &matches, &ctx)
}

/// Where a file sits, for the findings in it.
pub struct FileContext<'a> {
    /// The file as opened (for stores that are read again to name the row, SQLite).
    pub abs_path: &'a Path,
    /// The credential store the file belongs to, for `--reach home`.
    pub store: Option<&'a crate::stores::Store>,
    /// Honour `credgate:allow` comments.
    pub inline_allow: bool,
    pub root: String,
    pub path: String,
    pub rel_path: &'a Path,
    pub gitignored: bool,
    pub location: Location,
    pub encoding: Option<&'static str>,
    pub workspace_env: Option<Environment>,
    pub now: jiff::Timestamp,
}

impl<'a> FileContext<'a> {
    /// A blob from git (staged or in history): committed content, reported by its path in the
    /// repository.
    pub fn git_blob(abs_path: &'a Path, path: &'a str, opts: &ScanOptions) -> FileContext<'a> {
        FileContext {
            abs_path,
            store: None,
            inline_allow: opts.inline_allow,
            root: ".".into(),
            path: path.to_string(),
            rel_path: Path::new(path),
            gitignored: false,
            location: Location::Tracked,
            encoding: None,
            workspace_env: opts.workspace_env,
            now: opts.now,
        }
    }
}

/// Turns confirmed matches (sorted by start) into findings: line and column, the redacted line,
/// fingerprint and the detector's static assessment.
pub fn build_findings(
    engine: &Engine,
    hay: &[u8],
    matches: &[RawMatch],
    ctx: &FileContext,
) -> Vec<Finding> {
    build_findings_releasing(engine, hay, matches, ctx, &|_| {})
}

/// [`build_findings`], calling `release` with the parts of `hay` it has passed, so that a
/// memory-mapped file with findings near its end is not held resident whole.
pub fn build_findings_releasing(
    engine: &Engine,
    hay: &[u8],
    matches: &[RawMatch],
    ctx: &FileContext,
    release: &dyn Fn(std::ops::Range<usize>),
) -> Vec<Finding> {
    // What the assessment may look back at before a secret (section headers: 64 KiB).
    const KEEP_BEHIND: usize = 1 << 20;
    let mut released_to = 0usize;
    let mut out = Vec::with_capacity(matches.len());
    let mut in_file: Vec<&str> = matches
        .iter()
        .map(|m| engine.detector(m.detector).id.as_str())
        .collect();
    in_file.sort_unstable();
    in_file.dedup();
    let mut lines_wanted = std::collections::BTreeSet::new();
    let mut line = 1u64;
    let mut line_start = 0usize;
    let mut counted_to = 0usize;
    for m in matches {
        let s = m.secret.start;
        // Count newlines incrementally: one pass over the file however many findings it has,
        // in steps, giving back what is behind as it goes.
        while counted_to < s {
            let step = (s - counted_to).min(16 * KEEP_BEHIND);
            let chunk = &hay[counted_to..counted_to + step];
            let nl = memchr::memchr_iter(b'\n', chunk).count();
            if nl > 0 {
                line += nl as u64;
                line_start = counted_to + memchr::memrchr(b'\n', chunk).unwrap() + 1;
            }
            counted_to += step;
            if counted_to > released_to + 16 * KEEP_BEHIND {
                release(released_to..counted_to - KEEP_BEHIND);
                released_to = counted_to - KEEP_BEHIND;
            }
        }
        let det = engine.detector(m.detector);
        let secret = hay[m.secret.clone()].to_vec();
        let prefix_len = det.known_prefix_len(&secret);
        // Where the secret ends, for SARIF regions (trailing line breaks are not part of it).
        let body = trim_line_breaks(&secret);
        let inner_nl = memchr::memchr_iter(b'\n', body).count() as u64;
        let end_column = match memchr::memrchr(b'\n', body) {
            Some(i) => (body.len() - i) as u64,
            None => (s - line_start + body.len() + 1) as u64,
        };
        lines_wanted.insert(line);
        let utf16 = |b: &[u8]| String::from_utf8_lossy(b).encode_utf16().count() as u64;
        let last_line_start = memchr::memrchr(b'\n', body).map_or(line_start, |i| s + i + 1);
        let sarif_columns = (
            utf16(&hay[line_start..s]) + 1,
            utf16(&hay[last_line_start..s + body.len()]) + 1,
        );
        let suppression = if ctx.inline_allow {
            inline_allow(hay, line_start, &det.id)
        } else {
            None
        };
        out.push(Finding {
            detector_id: det.id.clone(),
            detector_name: det.name.clone(),
            provider: det.provider.clone(),
            root: ctx.root.clone(),
            path: ctx.path.clone(),
            line,
            column: (s - line_start + 1) as u64,
            end_line: line + inner_nl,
            end_column,
            start: s,
            end: m.secret.end,
            redacted: redact(&secret, prefix_len),
            fingerprint: fingerprint(&det.id, &secret),
            line_text: line_text(engine, hay, matches, line_start, s),
            secret,
            gitignored: ctx.gitignored,
            confidence: det.confidence,
            assessment: assessment::assess(
                det,
                &Site {
                    hay,
                    secret: m.secret.clone(),
                    line_start,
                    path: ctx.rel_path,
                    location: ctx.location,
                    detectors_in_file: &in_file,
                    catalog: engine.catalog(),
                    workspace: ctx.workspace_env,
                    now: ctx.now,
                },
            ),
            commit: None,
            store: ctx.store.map(|st| crate::finding::StoreRef {
                id: st.id.clone(),
                tool: st.tool.clone(),
                context: crate::stores::context(st.format, hay, m.secret.clone(), ctx.abs_path),
            }),
            encoding: ctx.encoding,
            sarif_columns,
            line_hash: String::new(),
            suppression,
            verification: None,
        });
    }
    let hashes = crate::finding::github_line_hashes_releasing(hay, &lines_wanted, release);
    for f in &mut out {
        if let Some(h) = hashes.get(&f.line) {
            f.line_hash = h.clone();
        }
    }
    out
}

fn trim_line_breaks(b: &[u8]) -> &[u8] {
    let mut b = b;
    while let [rest @ .., b'\n' | b'\r'] = b {
        b = rest;
    }
    b
}

/// The marker of an inline allow comment.
const ALLOW_MARK: &[u8] = b"credgate:allow";

/// A `credgate:allow` comment on the finding's line suppresses it; `credgate:allow=ID[,ID]`
/// only for those detectors. The text after the marker is the justification.
fn inline_allow(
    hay: &[u8],
    line_start: usize,
    detector_id: &str,
) -> Option<crate::finding::Suppression> {
    // Bounded look at the line: a minified 100 MB line is not searched to its end.
    let limit = (line_start + 64 * 1024).min(hay.len());
    let line_end = memchr::memchr(b'\n', &hay[line_start..limit]).map_or(limit, |i| line_start + i);
    let line = &hay[line_start..line_end];
    let at = memchr::memmem::find(line, ALLOW_MARK)?;
    let rest = &line[at + ALLOW_MARK.len()..];
    let (ids, note) = match rest.strip_prefix(b"=") {
        Some(r) => {
            let n = r
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b"._-,".contains(&b)))
                .unwrap_or(r.len());
            (Some(&r[..n]), &r[n..])
        }
        None => (None, rest),
    };
    if let Some(ids) = ids
        && !ids
            .split(|&b| b == b',')
            .any(|id| id == detector_id.as_bytes())
    {
        return None;
    }
    let note = crate::finding::excerpt(note);
    let note = note.trim_matches(|c: char| c.is_whitespace() || "-:#/*>".contains(c));
    Some(crate::finding::Suppression {
        kind: crate::finding::SuppressionKind::InSource,
        justification: if note.is_empty() {
            "credgate:allow comment".to_string()
        } else {
            format!(
                "credgate:allow comment: {}",
                note.chars().take(200).collect::<String>()
            )
        },
    })
}

/// The part of the line around a secret, with every secret that overlaps it masked (a line may
/// hold more than one). Bounded: a 100 MB single-line file yields a short excerpt.
fn line_text(
    engine: &Engine,
    hay: &[u8],
    matches: &[RawMatch],
    line_start: usize,
    s: usize,
) -> String {
    let from = line_start.max(s.saturating_sub(LINE_CONTEXT));
    let limit = (s + 2 * LINE_CONTEXT).min(hay.len());
    let to = memchr::memchr(b'\n', &hay[s..limit]).map_or(limit, |i| s + i);
    let mut text = String::new();
    if from > line_start {
        text.push('…');
    }
    let mut pos = from;
    for m in matches {
        if m.secret.end <= from || m.secret.start >= to {
            continue;
        }
        let ms = m.secret.start.max(from);
        if ms > pos {
            text.push_str(&excerpt(trim_cr(&hay[pos..ms])));
        }
        if m.secret.start >= from {
            let secret = &hay[m.secret.clone()];
            let det = engine.detector(m.detector);
            text.push_str(&redact(secret, det.known_prefix_len(secret)));
        } else if ms >= pos {
            text.push_str("*****");
        }
        pos = pos.max(m.secret.end.min(to));
    }
    if pos < to {
        text.push_str(&excerpt(trim_cr(&hay[pos..to])));
    }
    if to < hay.len() && hay[to] != b'\n' && hay[to] != b'\r' {
        text.push('…');
    }
    text.trim().to_string()
}

fn trim_cr(b: &[u8]) -> &[u8] {
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// The root a walked path came from, and the path relative to it. A file given directly as a
/// root is reported as given, under root ".".
fn split_root(roots: &[PathBuf], path: &Path) -> (PathBuf, PathBuf) {
    for r in roots {
        if let Ok(rel) = path.strip_prefix(r) {
            if rel.as_os_str().is_empty() {
                return (PathBuf::from("."), path.to_path_buf());
            }
            return (r.clone(), rel.to_path_buf());
        }
    }
    (PathBuf::from("."), path.to_path_buf())
}

/// Paths in reports, with `./` removed from the front. Paths are bytes on Unix and need not be
/// UTF-8; a report must still name the file exactly, so a backslash is written `\\` and a byte
/// that is not part of valid UTF-8 is written `\xNN`. [`path_bytes`] reverses it (SARIF
/// percent-encodes the original bytes).
pub fn display_path(p: &Path) -> String {
    let bytes = p.as_os_str().as_encoded_bytes();
    let bytes = bytes.strip_prefix(b"./").unwrap_or(bytes);
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The path written by [`display_path`], with its original bytes.
pub fn path_from_display(display: &str) -> PathBuf {
    let bytes = path_bytes(display);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The bytes of a path written by [`display_path`].
pub fn path_bytes(display: &str) -> Vec<u8> {
    let b = display.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            if b.get(i + 1) == Some(&b'x')
                && let Some(v) = display
                    .get(i + 2..i + 4)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn error_path(err: &ignore::Error) -> Option<String> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(display_path(path)),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(display_path(child)),
        _ => None,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(all(test, unix))]
mod path_tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn non_utf8_paths_round_trip() {
        let raw: &[u8] = b"./dir/caf\xe9 \\x41\xff.env";
        let shown = display_path(Path::new(std::ffi::OsStr::from_bytes(raw)));
        assert_eq!(shown, "dir/caf\\xE9 \\\\x41\\xFF.env");
        assert_eq!(path_bytes(&shown), &raw[2..]);
        assert_eq!(display_path(Path::new("./a/b.txt")), "a/b.txt");
        assert_eq!(path_bytes("a/é.txt"), "a/é.txt".as_bytes());
    }
}
