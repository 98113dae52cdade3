//! The integration tests: the real binary over `fixtures/` and real git repositories, one module
//! per command or concern, in one test binary (one link of the crate, not one per file).
//! `CREDGATE_TEST_BINARY=path cargo test` runs them against another build.

mod common;

mod access;
mod agent;
mod agent_stand_in;
mod agent_world;
mod agents_claude;
mod agents_codex;
mod agents_gemini;
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
mod init;
mod layout;
mod naming;
mod regression;
mod report_merge;
mod safe_writes;
mod sandbox;
mod sarif;
mod scan;
mod verify;
