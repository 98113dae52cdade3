//! The whole matching path over arbitrary bytes with every built-in detector: prefilter, regex
//! confirmation, validators, placeholder filter, and then finding construction (line numbers,
//! redaction, GitHub line hashes, the assessment with every token analyzer, store context).
//! The first byte picks the file name, so path-triggered detectors and stores run too.
#![no_main]

use credgate::Scanner;
use credgate::testing::{ENGINE_FUZZ_PATHS as PATHS, scan_in_memory};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::LazyLock;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| Scanner::builtin().expect("catalog"));

fuzz_target!(|data: &[u8]| {
    let Some((&sel, hay)) = data.split_first() else {
        return;
    };
    let rel = Path::new(PATHS[sel as usize % PATHS.len()]);
    let now = jiff::Timestamp::from_second(1_795_000_000).unwrap();
    for f in scan_in_memory(&SCANNER, hay, rel, now) {
        // The redacted form never holds the whole secret.
        assert!(f.secret.len() < 8 || !f.redacted.as_bytes().ends_with(f.secret.expose()));
    }
});
