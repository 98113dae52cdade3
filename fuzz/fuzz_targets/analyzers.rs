//! Every token analyzer (JWT claims, Azure SAS query, PyPI caveats, AWS key id, OpenSSH key
//! header, kubeconfig client certificate / X.509, CLI state JSON, Doppler slug) over arbitrary
//! bytes, with the secret at an arbitrary range of the input.
#![no_main]

use credgate::testing::{Analyzer, analyze};
use libfuzzer_sys::fuzz_target;

const ALL: &[&str] = &[
    "jwt",
    "azure-sas",
    "pypi-macaroon",
    "aws-key-id",
    "openssh",
    "kube-client-cert",
    "cli-state",
    "doppler-service-token",
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (a, b) = (data[0] as usize, data[1] as usize);
    let hay = &data[2..];
    let start = a.min(hay.len());
    let end = (start + b * 8).min(hay.len());
    let now = jiff::Timestamp::from_second(1_795_000_000).unwrap();
    for name in ALL {
        let an: Analyzer = name.parse().unwrap();
        let _ = analyze(an, hay, start..end, now);
    }
});
