//! The files a repository hands credsweep: `.credsweep.toml`, a baseline, and a user detector
//! file. Each must parse or fail with an error, never panic.
#![no_main]

use credsweep::detectors::Catalog;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = credsweep::config::Config::parse(text, Path::new(".credsweep.toml"));
    let _ = credsweep::baseline::parse(text, Path::new(".credsweep-baseline"));
    let mut catalog = Catalog::default();
    let _ = catalog.add_file("fuzz.toml", text, true);
});
