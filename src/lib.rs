//! credgate: finds the credentials that an AI coding agent (or any process running as the user)
//! could read, and says how long-lived and how broad each one is.
//!
//! The crate follows the data:
//! - [`source`]: where content comes from (the workspace walk, home credential stores, the
//!   environment, the git index, git history, bytes in memory), each piece with its
//!   [`finding::Origin`];
//! - [`read`]: how a file's bytes are read (buffers, opt-in memory maps, UTF-16);
//! - [`pipeline`]: the one path from content to findings that every source goes through
//!   (limits, engine, finding construction, suppression, summary);
//! - [`detectors`]: the catalog, loaded from `detectors/*.toml`, and [`engine`]: the keyword
//!   prefilter and regex confirmation over a buffer;
//! - [`finding`] and [`assessment`]: what is reported about each credential, in the words of
//!   [`model`];
//! - [`suppress`] and [`config`]: `credgate:allow` comments, baselines, `.credgate.toml`;
//! - [`verify`]: opt-in live verification with the providers (`--verify`);
//! - [`report`]: text, JSON, JSON Lines, SARIF and GitLab output;
//! - [`agent`]: `guard`, agent deny policies and the Claude Code hook; [`git`]: git access and
//!   the pre-commit hook;
//! - [`safe_write`]: every file credgate writes, opened without following symbolic links;
//! - `cli`: the command line.
//!
//! An embedder needs three lines ([`Scanner`]):
//!
//! ```
//! let scanner = credgate::Scanner::builtin()?;
//! let findings = scanner.scan_bytes(".env", b"GITHUB_TOKEN=ghp_FAKEnotARealTokenJustTheShape00000\n");
//! for f in &findings { println!("{} at {}:{} ({})", f.detector_name, f.origin, f.line, f.redacted); }
//! # Ok::<(), credgate::Error>(())
//! ```

pub mod agent;
pub mod assessment;
#[doc(hidden)]
pub mod cli;
pub mod config;
pub mod detectors;
pub mod engine;
pub mod finding;
pub mod git;
pub mod gitignore;
pub mod model;
pub mod path_glob;
pub mod pipeline;
pub mod read;
pub mod report;
pub mod result;
pub mod safe_write;
mod scanner;
pub mod source;
pub mod stores;
pub mod suppress;
mod util;
pub mod verify;

pub use finding::{Finding, Origin, Secret};
pub use model::{Confidence, Environment, Lifetime, Location, Risk, Scope};
pub use read::MmapChoice;
pub use result::ScanResult;
pub use scanner::{Error, ScanOptions, Scanner, testing};
