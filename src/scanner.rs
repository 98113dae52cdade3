//! The library's front door: a [`Scanner`] built from the detector catalog, scanning bytes or
//! paths with [`ScanOptions`], with typed [`Error`]s. Everything behind it is the same pipeline
//! the command line runs.

use crate::detectors::Catalog;
use crate::engine::Engine;
use crate::finding::Finding;
use crate::model::{Confidence, Environment};
use crate::pipeline::{self, Source};
use crate::read::MmapChoice;
use crate::result::{Progress, ScanResult};
use crate::source::bytes::Bytes;
use crate::source::fs::FsWalk;
use crate::source::home::HomeStores;
use crate::source::walk::WalkOptions;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What can go wrong at the library's boundary.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A detector file is missing, unreadable or invalid (the message names the file and line).
    Catalog {
        /// One line naming the file, the detector and the problem.
        message: String,
    },
    /// A root to scan cannot be opened.
    Root {
        /// The root as given.
        path: PathBuf,
        /// Why it cannot be opened.
        source: std::io::Error,
    },
    /// An option cannot be used (a bad exclude glob).
    Options {
        /// One line naming the option and the problem.
        message: String,
    },
    /// The scan could not run.
    Scan {
        /// One line.
        message: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Catalog { message } | Error::Options { message } | Error::Scan { message } => {
                f.write_str(message)
            }
            Error::Root { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Root { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// How [`Scanner::scan_paths`] scans. `Default` is a scan of the current directory as an agent
/// sees it (hidden and gitignored files included), with the command line's limits.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Files or directories to scan.
    pub roots: Vec<PathBuf>,
    /// Skip what `.gitignore` excludes (the committed view).
    pub respect_gitignore: bool,
    /// Follow symbolic links (loops are reported, not followed twice).
    pub follow_links: bool,
    /// Path globs to leave out, as `--exclude` takes them.
    pub excludes: Vec<String>,
    /// Larger files are skipped (and listed as skipped).
    pub max_file_size: u64,
    /// Findings listed per file; the rest are counted in a warning.
    pub max_findings_per_file: usize,
    /// Stop after this long; the result then says `timed_out`.
    pub timeout: Option<Duration>,
    /// Walker threads; 0 for one per core.
    pub threads: usize,
    /// Honour `credgate:allow` comments.
    pub inline_allow: bool,
    /// The environment of the workspace, when known: a production credential in a test
    /// workspace is then critical.
    pub workspace_env: Option<Environment>,
    /// "Now", for expiries; `None` for the clock.
    pub now: Option<jiff::Timestamp>,
    /// Also scan the credential stores of this home directory.
    pub home: Option<PathBuf>,
    /// Memory-map large files; see [`MmapChoice::auto`] for what that asks of the process.
    pub mmap: MmapChoice,
    /// Report findings of this confidence or higher (the command line's `--confidence`).
    pub confidence: Confidence,
}

impl Default for ScanOptions {
    fn default() -> ScanOptions {
        let p = pipeline::Settings::default();
        ScanOptions {
            roots: vec![PathBuf::from(".")],
            respect_gitignore: false,
            follow_links: false,
            excludes: Vec::new(),
            max_file_size: p.max_file_size,
            max_findings_per_file: p.max_findings_per_file,
            timeout: None,
            threads: 0,
            inline_allow: true,
            workspace_env: None,
            now: None,
            home: None,
            mmap: MmapChoice::never(),
            confidence: p.confidence,
        }
    }
}

impl ScanOptions {
    fn settings(&self) -> pipeline::Settings {
        pipeline::Settings {
            max_file_size: self.max_file_size,
            max_findings_per_file: self.max_findings_per_file.max(1),
            timeout: self.timeout,
            excludes: self.excludes.clone(),
            inline_allow: self.inline_allow,
            workspace_env: self.workspace_env,
            now: self.now.unwrap_or_else(jiff::Timestamp::now),
            mmap: self.mmap,
            confidence: self.confidence,
            threads: self.threads(),
            ..pipeline::Settings::default()
        }
    }

    fn threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        }
    }
}

/// The detector catalog, compiled and ready to scan.
///
/// ```
/// let scanner = credgate::Scanner::builtin()?;
/// let findings = scanner.scan_bytes("deploy/.env", b"STRIPE_KEY=sk_live_FAKE9xQ2mV7pL4rT8wZ1aB3c\n");
/// assert_eq!(findings[0].detector_id, "stripe.secret-key.live");
/// # Ok::<(), credgate::Error>(())
/// ```
pub struct Scanner {
    engine: Engine,
}

impl Scanner {
    /// The built-in catalog (`detectors/*.toml`, embedded at build time).
    pub fn builtin() -> Result<Scanner, Error> {
        Scanner::with_detector_files(&[])
    }

    /// The built-in catalog plus detector files (a TOML file, or a directory of them, each).
    pub fn with_detector_files(paths: &[PathBuf]) -> Result<Scanner, Error> {
        let catalog = Catalog::with_user_files(paths).map_err(|e| Error::Catalog {
            message: format!("{e:#}"),
        })?;
        let engine = Engine::new(catalog).map_err(|e| Error::Catalog {
            message: format!("{e:#}"),
        })?;
        Ok(Scanner { engine })
    }

    /// The catalog this scanner runs.
    pub fn catalog(&self) -> &Catalog {
        self.engine.catalog()
    }

    /// Scans `bytes` as if they were the workspace file `name` (the name decides which
    /// path-based detectors apply and what the assessment reads from it). Returns the active
    /// findings, in order; findings allowed by a `credgate:allow` comment are left out.
    pub fn scan_bytes(&self, name: impl AsRef<Path>, bytes: &[u8]) -> Vec<Finding> {
        let source = Bytes {
            name: name.as_ref().to_path_buf(),
            bytes,
            home: None,
        };
        self.run(&pipeline::Settings::default(), &[&source])
            .map(|r| r.findings)
            .unwrap_or_default()
    }

    /// Scans the roots (and the home directory's stores, with `opts.home`) in parallel.
    pub fn scan_paths(&self, opts: &ScanOptions) -> Result<ScanResult, Error> {
        for r in &opts.roots {
            std::fs::symlink_metadata(r).map_err(|source| Error::Root {
                path: r.clone(),
                source,
            })?;
        }
        for e in &opts.excludes {
            crate::path_glob::path_glob(e).map_err(|err| Error::Options {
                message: format!("exclude {e:?}: {err}"),
            })?;
        }
        let walk = FsWalk::workspace(WalkOptions {
            roots: opts.roots.clone(),
            respect_gitignore: opts.respect_gitignore,
            follow_links: opts.follow_links,
            threads: opts.threads(),
        });
        let home = opts.home.as_ref().map(|h| HomeStores {
            home: h.clone(),
            threads: opts.threads(),
            follow_links: opts.follow_links,
        });
        let mut sources: Vec<&dyn Source> = vec![&walk];
        if let Some(h) = &home {
            sources.push(h);
        }
        self.run(&opts.settings(), &sources)
    }

    fn run(
        &self,
        settings: &pipeline::Settings,
        sources: &[&dyn Source],
    ) -> Result<ScanResult, Error> {
        pipeline::run(&self.engine, settings, sources, &Progress::default()).map_err(|e| {
            Error::Scan {
                message: format!("{e:#}"),
            }
        })
    }
}

/// Entry points for this crate's own tests, benches and fuzz targets (re-exported by
/// `crate::testing`).
pub mod testing {
    use super::*;

    /// The file names the `engine` fuzz target picks from with its first byte, so that
    /// path-triggered detectors and store formats run too; its regression test replays the
    /// same choice.
    pub const ENGINE_FUZZ_PATHS: &[&str] = &[
        "notes.txt",
        ".env",
        ".railway/config.json",
        ".aws/credentials",
        ".kube/config",
        ".config/gh/hosts.yml",
        ".netrc",
        ".claude.json",
        ".wrangler/config/default.toml",
        "settings.xml",
    ];

    /// Scans bytes as the file `rel`, read as a home credential store when the store catalog
    /// names it (so that store context is exercised), with a fixed "now".
    pub fn scan_in_memory(
        scanner: &Scanner,
        bytes: &[u8],
        rel: &Path,
        now: jiff::Timestamp,
    ) -> Vec<Finding> {
        let source = Bytes {
            name: rel.to_path_buf(),
            bytes,
            home: Some(PathBuf::from("/nonexistent-home")),
        };
        let settings = pipeline::Settings {
            now,
            ..Default::default()
        };
        scanner
            .run(&settings, &[&source])
            .map(|r| r.findings)
            .unwrap_or_default()
    }

    /// The engine behind a scanner, for the benches.
    pub fn engine(scanner: &Scanner) -> &Engine {
        &scanner.engine
    }
}
