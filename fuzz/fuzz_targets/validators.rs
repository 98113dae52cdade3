//! Every validator (GitHub/npm CRC32, JWT decode, PEM base64, PyPI macaroon) over arbitrary
//! bytes: they run on attacker-chosen text and must only ever answer yes or no.
#![no_main]

use credgate::testing::Validator;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for v in [
        Validator::Crc32Base62,
        Validator::Jwt,
        Validator::Base64,
        Validator::PypiMacaroon,
    ] {
        let _ = v.check(data);
    }
});
