//! The integration tests: the real binary over `fixtures/` and real git repositories, one module
//! per command or concern, in one test binary (one link of the crate, not one per file).
//! `CREDGATE_TEST_BINARY=path cargo test` runs them against another build.

mod common;

mod access;
mod agent;
mod assessment;
mod completions;
mod config;
mod detectors;
mod docs;
mod fuzz_regressions;
mod git;
mod git_partial;
mod hooks;
mod hostile;
mod html;
mod hygiene;
mod layout;
mod naming;
mod regression;
mod safe_writes;
mod sandbox;
mod sarif;
mod scan;
mod verify;
