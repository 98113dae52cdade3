//! Inputs that once crashed a fuzz target (`fuzz/regressions/<target>/`) go through the same
//! code on every `cargo test`, on the stable toolchain: the fix stays fixed without nightly.

use credsweep::assessment::Location;
use credsweep::detectors::Catalog;
use credsweep::engine::Engine;
use credsweep::scan::{FileContext, build_findings};
use std::path::Path;

/// The file names the `engine` fuzz target picks from with its first byte (keep in sync with
/// fuzz/fuzz_targets/engine.rs).
const PATHS: &[&str] = &[
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

#[test]
fn engine_regressions() {
    let engine = Engine::new(Catalog::builtin().unwrap()).unwrap();
    let stores = credsweep::stores::Stores::builtin().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/engine");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(e.unwrap().path()).unwrap();
        let Some((&sel, hay)) = data.split_first() else {
            continue;
        };
        let rel = Path::new(PATHS[sel as usize % PATHS.len()]);
        let matches = engine.scan(hay, rel, &mut engine.new_scratch());
        let ctx = FileContext {
            abs_path: Path::new("/nonexistent/credsweep-fuzz"),
            store: stores.find(rel),
            inline_allow: true,
            root: ".".into(),
            path: rel.display().to_string(),
            rel_path: rel,
            gitignored: false,
            location: Location::Untracked,
            encoding: None,
            workspace_env: None,
            now: jiff::Timestamp::from_second(1_795_000_000).unwrap(),
        };
        let _ = build_findings(&engine, hay, &matches, &ctx);
        n += 1;
    }
    assert!(n >= 1, "no regression inputs in {}", dir.display());
}
