//! The credential-store parsers that name where a secret sits (INI/TOML sections, JSON and YAML
//! key paths, .netrc machines, git-credentials hosts, shell history lines) over arbitrary bytes.
#![no_main]

use credgate::testing::{StoreFormat as Format, store_context as context};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let (a, b) = (data[0] as usize, data[1] as usize);
    let hay = &data[2..];
    let start = (a * hay.len() / 256).min(hay.len());
    let end = (start + b).min(hay.len());
    for f in [
        Format::Ini,
        Format::Toml,
        Format::Json,
        Format::Yaml,
        Format::Netrc,
        Format::GitCredentials,
        Format::Raw,
        Format::History,
    ] {
        let _ = context(f, hay, start..end, Path::new("/nonexistent/credgate-fuzz"));
    }
});
