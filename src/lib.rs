//! credgate: finds the credentials that an AI coding agent (or any process running as the user)
//! could read in a workspace, and says how long-lived and how broad each one is.
//!
//! The crate is organised by what each part does:
//! - [`walk`]: which files are visited (the agent's view, not git's), and `gitignored`;
//! - [`stores`]: the CLI and agent credential stores of a home directory (`--reach home`);
//! - [`source`]: how a file's bytes are read (buffers, memory maps, UTF-16), and
//!   [`mapguard`]: memory maps that survive their file being truncated;
//! - [`detectors`]: the catalog of detectors, loaded from `detectors/*.toml`;
//! - [`engine`]: keyword prefilter and regex confirmation over a buffer;
//! - [`scan`]: the parallel scan that ties the above together;
//! - [`finding`] and [`assessment`]: what is reported about each credential;
//! - [`report`]: text, JSON, JSON Lines and SARIF output;
//! - [`config`] and [`baseline`]: `.credgate.toml`, allowlists and accepted findings;
//! - [`verify`]: opt-in live verification of findings with their providers (`--verify`);
//! - [`cli`]: the command line.

pub mod agent;
pub mod assessment;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod detectors;
pub mod engine;
pub mod finding;
pub mod git;
pub mod guard;
pub mod mapguard;
pub mod report;
pub mod scan;
pub mod source;
pub mod stores;
pub mod verify;
pub mod walk;
