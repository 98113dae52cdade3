//! Engine throughput over generated text: `cargo bench --bench engine`.
//!
//! Inputs of 8 MiB each: plain source-like text with no keyword hits (the common case: the
//! prefilter alone), text with a keyword hit every ~4 KiB that the regexes must reject, and text
//! with a real-format fake credential every ~64 KiB; and, per detector group, text with that
//! group's own examples every 16 KiB. Divan reports bytes per second.

use credgate::testing::Catalog;
use credgate::testing::Engine;
use divan::{Bencher, black_box, counter::BytesCount};
use std::path::Path;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

const SIZE: usize = 8 << 20;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::new(Catalog::builtin().unwrap()).unwrap())
}

/// Deterministic source-like text: identifiers, punctuation, newlines.
fn filler(len: usize) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "fn", "let", "match", "return", "value", "buffer", "index", "self", "config", "result",
        "Option", "String", "vec", "iter", "map", "collect", "error", "path", "file", "read",
    ];
    let mut out = Vec::with_capacity(len + 64);
    let mut x: u32 = 0x2545_f491;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out.extend_from_slice(WORDS[(x as usize) % WORDS.len()].as_bytes());
        out.push(match x % 11 {
            0 => b'\n',
            1 => b'(',
            2 => b')',
            3 => b';',
            4 => b'.',
            _ => b' ',
        });
    }
    out.truncate(len);
    out
}

fn with_every(mut base: Vec<u8>, step: usize, insert: &[u8]) -> Vec<u8> {
    let mut i = step;
    while i + insert.len() < base.len() {
        base[i..i + insert.len()].copy_from_slice(insert);
        i += step;
    }
    base
}

fn run(bencher: Bencher, hay: Vec<u8>) {
    let e = engine();
    let mut scratch = e.new_scratch();
    // Warm the lazily compiled regexes outside the timed loop.
    e.scan(&hay, Path::new("bench.txt"), &mut scratch);
    bencher
        .counter(BytesCount::new(hay.len()))
        .bench_local(|| black_box(e.scan(black_box(&hay), Path::new("bench.txt"), &mut scratch)));
}

#[divan::bench]
fn no_keyword_hits(bencher: Bencher) {
    run(bencher, filler(SIZE));
}

#[divan::bench]
fn keyword_hits_rejected(bencher: Bencher) {
    // Keywords of several detector groups, none followed by a valid token.
    run(
        bencher,
        with_every(
            filler(SIZE),
            4096,
            b" ghp_short AKIA-no postgres://localhost eyJnope ".as_slice(),
        ),
    );
}

#[divan::bench]
fn fake_credentials(bencher: Bencher) {
    run(
        bencher,
        with_every(
            filler(SIZE),
            65536,
            b"\nAWS_ACCESS_KEY_ID=AKIAZ2FAKE3CSWP7QXRT\n".as_slice(),
        ),
    );
}

/// Detector groups, by provider: each bench inserts the group's own example strings (positive
/// and negative, so both confirmed and rejected hits) every 16 KiB of filler, and runs the full
/// engine over it, so a group whose regexes are slow shows up as a slow row.
const GROUPS: &[(&str, &[&str])] = &[
    (
        "cloud",
        &[
            "aws",
            "google",
            "azure",
            "alibaba",
            "digitalocean",
            "cloudflare",
            "ibm",
            "linode",
        ],
    ),
    (
        "code-hosting",
        &[
            "github",
            "gitlab",
            "bitbucket",
            "atlassian",
            "sourcegraph",
            "gitea",
        ],
    ),
    (
        "ai",
        &[
            "openai",
            "anthropic",
            "huggingface",
            "groq",
            "mistral",
            "cohere",
            "xai",
            "deepseek",
        ],
    ),
    (
        "payments",
        &[
            "stripe",
            "square",
            "braintree",
            "paypal",
            "adyen",
            "shopify",
            "paddle",
        ],
    ),
    (
        "databases",
        &[
            "postgresql",
            "mysql",
            "mongodb",
            "redis",
            "rabbitmq",
            "mssql",
            "jdbc",
            "ado-net",
        ],
    ),
    ("private-keys", &["private-key", "age", "kubernetes", "jwt"]),
    ("generic", &["generic", "netrc", "git", "jwt-secret"]),
];

fn group_text(providers: &[&str]) -> Vec<u8> {
    let examples: Vec<Vec<u8>> = Catalog::builtin()
        .unwrap()
        .detectors
        .iter()
        .filter(|d| providers.contains(&d.provider.as_str()))
        .flat_map(|d| d.positive.iter().chain(&d.negative))
        .map(|raw| {
            let text = credgate::testing::expand_generators(raw);
            format!("\n{}\n", text.replace(['«', '»'], "")).into_bytes()
        })
        .collect();
    let mut base = filler(SIZE);
    let mut at = 16 << 10;
    let mut i = 0;
    while at + 4096 < base.len() {
        let ex = &examples[i % examples.len()];
        let n = ex.len().min(4096);
        base[at..at + n].copy_from_slice(&ex[..n]);
        at += 16 << 10;
        i += 1;
    }
    base
}

#[divan::bench(args = GROUPS.iter().map(|g| g.0))]
fn group_examples(bencher: Bencher, group: &str) {
    let providers = GROUPS.iter().find(|g| g.0 == group).unwrap().1;
    run(bencher, group_text(providers));
}
