//! credgate: finds the credentials that an AI coding agent (or any process running as the user)
//! could read, and says how long-lived and how broad each one is.
//!
//! The library's surface is [`Scanner`] with [`ScanOptions`], the [`Finding`]s it returns (where
//! each came from is an [`Origin`], the credential a [`Secret`] that does not print) and
//! [`ScanResult`]. The rest is the command line's machinery, laid out by the data's path:
//!
//! ```text
//! source/        where content comes from; each piece gets an Origin
//!   fs.rs          the workspace as an agent sees it (walk.rs: what is visited, .git/ policy)
//!   home.rs        the credential stores of a home directory (stores.toml)
//!   env.rs         this process's environment
//!   git_index.rs   what is staged, with the lines it adds
//!   git_history.rs the distinct blobs of a revision range, with commit provenance
//!   files.rs       files a hook's tool call names
//!   bytes.rs       content in memory
//! read/          how a file's bytes are read: buffers, opt-in memory maps (mapguard.rs), UTF-16
//! pipeline.rs    the one path from content to findings: limits, engine, build, suppression
//! detectors/     the catalog as data (detectors/*.toml; spec.rs, parsed by build.rs; list.rs,
//!                decoded on first use), validators, placeholders, examples
//! catalog_check.rs  `detectors check`: each detector against its own examples
//! engine/        windowed regexes, overlap resolution; prefilter.rs, path_globs.rs
//! decode.rs      base64 runs decoded and scanned again
//! generic/       the generic-credential layer: assignments, names, values, the scoring model
//! finding/       Finding, Origin, Secret; build.rs, display.rs, line_hash.rs
//! assessment/    lifetime, scope, environment, location and the risk table; token analyzers
//! model.rs       the shared words: Lifetime, Scope, Environment, Location, Risk, Confidence
//! suppress/      why a finding is allowed: inline comments, baselines, [[allow]] rules
//! config.rs      .credgate.toml
//! stores.rs      the store catalog and how each store format names a profile
//! gitignore.rs   tracked / ignored / untracked, decided as git does
//! git/           gitoxide: staged.rs (staged blobs, added lines), history.rs (the walk),
//!                history_warnings.rs (what a partial or shallow clone lacks)
//! git_hook.rs    the pre-commit hook: install, chain, uninstall
//! init.rs        `credgate init`: the set-up steps' files and textual YAML edits
//! verify/        --verify: one read-only request per secret; pairing.rs finds companions
//! report/        text, JSON, JSON Lines, SARIF, GitLab, HTML, --stats; merge.rs: `report merge`
//! agent/         guard, the sandbox (sandbox.rs), deny policies (policy.rs), which agent can
//!                read a finding (access/), the hooks of Claude Code, Cursor, Codex and Gemini
//!                (hook/), and what a shell command reaches (shell.rs)
//! safe_write.rs  every file credgate writes, never through a symbolic link
//! result.rs      ScanResult, Summary, Skipped, Warning
//! scanner.rs     the embeddable API
//! cli/           the command line: args.rs (clap), settings.rs, cmd_*.rs
//! ```
//!
//! An embedder needs three lines ([`Scanner`]):
//!
//! ```
//! let scanner = credgate::Scanner::builtin()?;
//! let findings = scanner.scan_bytes(".env", b"GITHUB_TOKEN=ghp_FAKEnotARealTokenJustTheShape00000\n");
//! for f in &findings { println!("{} at {}:{} ({})", f.detector_name, f.origin, f.line, f.redacted); }
//! # Ok::<(), credgate::Error>(())
//! ```

#![warn(missing_docs)]

pub(crate) mod agent;
pub(crate) mod assessment;
pub(crate) mod bytes;
pub(crate) mod catalog_check;
mod cli;
pub(crate) mod config;
pub(crate) mod decode;
pub(crate) mod detectors;
pub(crate) mod engine;
pub(crate) mod finding;
pub(crate) mod generic;
pub(crate) mod git;
pub(crate) mod git_hook;
pub(crate) mod gitignore;
pub(crate) mod init;
pub(crate) mod model;
pub(crate) mod path_glob;
pub(crate) mod pipeline;
pub(crate) mod read;
pub(crate) mod report;
pub(crate) mod result;
pub(crate) mod safe_write;
mod scanner;
pub(crate) mod source;
pub(crate) mod stores;
pub(crate) mod suppress;
mod util;
pub(crate) mod verify;

/// The command line (`main.rs` calls it); not part of the library API.
#[doc(hidden)]
pub use cli::run as run_cli;

pub use assessment::Assessment;
pub use finding::{
    CommitRef, Finding, Origin, Remediation, Secret, Status, StoreRef, Suppression,
    SuppressionKind, Verification,
};
pub use model::{Confidence, Environment, Lifetime, Location, Risk, Scope};
pub use read::{MmapChoice, SkipReason};
pub use result::{RiskCounts, ScanResult, Skipped, Summary, Warning};
pub use scanner::{Error, ScanOptions, Scanner};

/// Entry points for this crate's own tests, benches and fuzz targets; not a stable API.
#[doc(hidden)]
#[allow(missing_docs)]
pub mod testing {
    pub use crate::assessment::token::{Analyzer, analyze};
    pub use crate::config::Config;
    pub use crate::detectors::examples::{self, expand_generators};
    pub use crate::detectors::{
        Catalog, Validator, compile_checked, markdown_table, verify_markdown,
    };
    pub use crate::engine::Engine;
    pub use crate::finding::fingerprint;
    pub use crate::generic::model::feature_names;
    pub use crate::git_hook::HOOK_MARK;
    pub use crate::report::html::escape as html_escape;
    pub use crate::scanner::testing::*;
    pub use crate::stores::{Format as StoreFormat, Stores, context as store_context};
    pub use crate::suppress::baseline::parse as parse_baseline;
}
