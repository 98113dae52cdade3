//! What a scan produces, whatever its sources: findings (active and allowed), files skipped and
//! why, warnings, counters, and phase times for `--stats`.

use crate::finding::{Finding, Origin};
use crate::model::Risk;
use crate::read::SkipReason;
use serde::Serialize;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

/// A file that was not scanned, and why.
#[derive(Clone, Debug, Serialize)]
pub struct Skipped {
    /// The file, as reports name it.
    pub path: String,
    #[serde(flatten)]
    /// Why it was not scanned.
    pub reason: SkipReason,
    /// Where the file is, when the source knows (for SARIF locations).
    #[serde(skip)]
    pub(crate) origin: Option<Origin>,
}

/// A problem that did not stop the scan: an unreadable file, a directory loop.
#[derive(Clone, Debug, Serialize)]
pub struct Warning {
    /// What it is about (empty for the scan as a whole).
    pub path: String,
    /// One line.
    pub message: String,
    /// Where the file is, when the source knows (for SARIF locations).
    #[serde(skip)]
    pub(crate) origin: Option<Origin>,
}

/// Live counters, read by the progress display while the scan runs.
#[derive(Debug, Default)]
pub struct Progress {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
}

#[derive(Clone, Debug, Default, Serialize)]
/// The counts of a scan.
pub struct Summary {
    /// Files (and blobs, variables) scanned.
    pub files_scanned: u64,
    /// Bytes scanned, after decoding.
    pub bytes_scanned: u64,
    /// Every finding, shown or not.
    pub findings: usize,
    /// Findings by risk.
    pub by_risk: RiskCounts,
    /// Findings below `--min-risk`, counted but not in the report.
    pub not_shown: usize,
    /// Findings in published packages (`node_modules`, `site-packages`, the cargo registry...)
    /// that would be at `--confidence` or above anywhere else: a package's files are reported
    /// at low only, so they are counted here instead, and `--confidence low` lists them.
    #[serde(skip_serializing_if = "is_zero")]
    pub in_published_packages: usize,
    /// Findings allowed by an inline comment, the baseline or the config (not in `findings`).
    pub suppressed: usize,
    /// Entries in `skipped`.
    pub files_skipped: usize,
    /// Entries in `warnings`.
    pub warnings: usize,
    /// Wall time of the scan.
    pub elapsed_ms: u128,
    /// The `--timeout` budget ran out: files not yet reached were not scanned.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub timed_out: bool,
}

#[derive(Clone, Copy, Debug, Default, Serialize)]
/// Active findings per risk.
pub struct RiskCounts {
    /// At `critical`.
    pub critical: usize,
    /// At `high`.
    pub high: usize,
    /// At `medium`.
    pub medium: usize,
    /// At `low`.
    pub low: usize,
    /// At `info`.
    pub info: usize,
}

impl RiskCounts {
    /// Counts `findings` by risk.
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
    /// Wall time of the steps a source takes besides scanning (a history walk, its
    /// provenance), in the order they ran.
    pub phases: Vec<(String, Duration)>,
}

#[derive(Debug, Default)]
/// Everything a scan found and could not do.
pub struct ScanResult {
    /// Counters and phase times, with `--stats`.
    pub stats: Option<ScanStats>,
    /// Active findings: not allowed by an inline comment, the baseline or the config.
    pub findings: Vec<Finding>,
    /// Allowed findings, each with its `suppression`.
    pub suppressed: Vec<Finding>,
    /// Files not scanned, and why.
    pub skipped: Vec<Skipped>,
    /// Problems that did not stop the scan.
    pub warnings: Vec<Warning>,
    /// The counts.
    pub summary: Summary,
}

impl Summary {
    /// `elapsed_ms` as a duration.
    pub fn elapsed(&self) -> Duration {
        Duration::from_millis(self.elapsed_ms as u64)
    }
}

impl ScanResult {
    /// Moves the findings below `min_risk` out of the report, counting them in
    /// `summary.not_shown`.
    pub fn retain_at_least(&mut self, min_risk: Risk) {
        let before = self.findings.len();
        self.findings.retain(|f| f.assessment.risk >= min_risk);
        self.summary.not_shown += before - self.findings.len();
    }

    /// Whether any active finding is at or above `level`.
    pub fn any_at_least(&self, level: Risk) -> bool {
        self.findings.iter().any(|f| f.assessment.risk >= level)
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
