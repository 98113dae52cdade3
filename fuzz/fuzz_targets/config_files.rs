//! The files a repository hands credgate: `.credgate.toml`, a baseline, and a user detector
//! file. Each must parse or fail with an error, never panic.
#![no_main]

use credgate::testing::Catalog;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = credgate::testing::Config::parse(text, Path::new(".credgate.toml"));
    let _ = credgate::testing::parse_baseline(text, Path::new(".credgate-baseline"));
    let mut catalog = Catalog::default();
    let _ = catalog.add_file("fuzz.toml", text, true);
});
