//! Inputs that once crashed a fuzz target (`fuzz/regressions/<target>/`) go through the same
//! code on every `cargo test`, on the stable toolchain: the fix stays fixed without nightly.

use credgate::Scanner;
use credgate::testing::{ENGINE_FUZZ_PATHS as PATHS, scan_in_memory};
use std::path::Path;

#[test]
fn engine_regressions() {
    let scanner = Scanner::builtin().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/engine");
    let now = jiff::Timestamp::from_second(1_795_000_000).unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let data = std::fs::read(e.unwrap().path()).unwrap();
        let Some((&sel, hay)) = data.split_first() else {
            continue;
        };
        let rel = Path::new(PATHS[sel as usize % PATHS.len()]);
        let _ = scan_in_memory(&scanner, hay, rel, now);
        n += 1;
    }
    assert!(n >= 1, "no regression inputs in {}", dir.display());
}
