//! A finding: which detector matched, where, and the secret in memory only.
//!
//! The raw secret never leaves this struct through `Serialize`: it is skipped unless the report
//! was asked for `--show-secrets`, in which case the report layer adds it explicitly.

use crate::assessment::Assessment;
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub detector_id: String,
    pub detector_name: String,
    pub provider: String,
    /// The scan root this file was found under, as given on the command line.
    pub root: String,
    /// The path relative to `root` (or as given, for a file named directly).
    pub path: String,
    /// 1-based line and column (column in bytes) of the first byte of the secret.
    pub line: u64,
    pub column: u64,
    /// Line and column just past the last byte of the secret (SARIF's `endColumn`).
    pub end_line: u64,
    pub end_column: u64,
    /// Byte offsets of the secret in the scanned content. For a UTF-16 file these are offsets in
    /// its UTF-8 decoding.
    pub start: usize,
    pub end: usize,
    #[serde(skip)]
    pub secret: Vec<u8>,
    /// The secret with all but a short identifying prefix masked.
    pub redacted: String,
    /// `sha256("credgate:v1:" + detector_id + "\0" + secret)`, first 32 hex digits: stable across
    /// runs, machines and line moves, and useless for recovering the secret.
    pub fingerprint: String,
    /// The line holding the secret, with every secret found on it masked, at most ~200 chars.
    pub line_text: String,
    /// Whether git would ignore this file (an agent can read it; `git status` does not show it).
    pub gitignored: bool,
    pub confidence: crate::detectors::Confidence,
    pub assessment: Assessment,
    /// Where in git history the finding was introduced (`scan --git`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<CommitRef>,
    /// The CLI or agent credential store the file belongs to (`--reach home`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreRef>,
    /// How the file was decoded before matching, when it was not read as raw bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// Start and end columns in UTF-16 code units, as SARIF counts them by default.
    #[serde(skip)]
    pub sarif_columns: (u64, u64),
    /// GitHub's `primaryLocationLineHash` of the finding's line (see [`github_line_hashes`]).
    #[serde(skip)]
    pub line_hash: String,
    /// Why the finding is not reported as active, if it is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// What the provider said of the credential, with `--verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<crate::verify::Verification>,
}

/// Computes the documented fingerprint.
///
/// ```
/// let a = credgate::finding::fingerprint("aws.access-key-id", b"AKIAZ2FAKE3CSWP7QXRT");
/// assert_eq!(a.len(), 32);
/// assert_ne!(a, credgate::finding::fingerprint("aws.access-key-id", b"AKIAZ2FAKE3CSWP7QXRA"));
/// ```
pub fn fingerprint(detector_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"credgate:v1:");
    h.update(detector_id.as_bytes());
    h.update([0u8]);
    h.update(secret);
    let d = h.finalize();
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The masked form of a secret: the type prefix (`ghp_`, `sk_live_`) stays, then at most a few
/// characters of the random part, never more than a quarter of it, then a fixed mask. Short
/// secrets (passwords) show nothing of themselves.
///
/// ```
/// use credgate::finding::redact;
/// assert_eq!(redact(b"sk_live_FAKE9xQ2mV7pL4rT8wZ1", 8), "sk_live_FAKE*****");
/// assert_eq!(redact(b"hunter2hunter2", 0), "*****");
/// ```
pub fn redact(secret: &[u8], known_prefix_len: usize) -> String {
    let prefix_len = known_prefix_len.min(secret.len());
    let body_len = secret.len() - prefix_len;
    let show = if body_len >= 16 {
        (body_len / 4).min(4)
    } else {
        0
    };
    let visible = &secret[..prefix_len + show];
    let mut out = printable(visible);
    out.push_str("*****");
    out
}

/// Renders bytes for a report: printable ASCII as is, valid UTF-8 as is, everything else
/// (control characters, terminal escapes, invalid bytes) escaped, so that a scanned file cannot
/// write escape sequences to the user's terminal.
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\t' {
                out.push(' ');
            } else if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Renders a piece of scanned content for a one-line excerpt: printable text as is, and each run
/// of control characters or invalid bytes (binary files) as one `·`, so that an excerpt of a
/// binary file stays short and cannot carry terminal escapes.
pub fn excerpt(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut in_junk = false;
    let junk = |out: &mut String, in_junk: &mut bool| {
        if !*in_junk {
            out.push('·');
            *in_junk = true;
        }
    };
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\t' {
                out.push(' ');
                in_junk = false;
            } else if c.is_control() || c == '\u{fffd}' {
                junk(&mut out, &mut in_junk);
            } else {
                out.push(c);
                in_junk = false;
            }
        }
        if !chunk.invalid().is_empty() {
            junk(&mut out, &mut in_junk);
        }
    }
    out
}

/// The commit that first introduced a finding, and how far it reaches in history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitRef {
    pub id: String,
    pub author: String,
    pub date: String,
    /// The path in that commit.
    pub path: String,
    /// How many commits of the scanned range carry it.
    pub commits: usize,
    /// False when the secret is in history only: gone from `HEAD`, still in every clone.
    pub in_checkout: bool,
}

/// Which credential store a finding is in, and the profile, host or key inside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoreRef {
    pub id: String,
    pub tool: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// An allowed finding: kept for the record (SARIF `suppressions`, JSON `suppressed`), not counted
/// against `--fail-on`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// `in-source` (a `credgate:allow` comment) or `external` (baseline, config allowlist).
    pub kind: SuppressionKind,
    /// Who allowed it and why.
    pub justification: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    InSource,
    External,
}

/// GitHub code scanning's `primaryLocationLineHash` for the given 1-based lines of `content`,
/// computed as `github/codeql-action` does (`src/fingerprints.ts`): a rolling hash (base 37,
/// wrapping 64-bit) over the next 100 characters from the start of each line (UTF-16 code units,
/// then one EOF mark), with spaces and tabs skipped and CR/CRLF read as LF, written as
/// `hex:occurrence`, where occurrence counts earlier lines of the file with the same hash.
pub fn github_line_hashes(
    content: &[u8],
    wanted: &std::collections::BTreeSet<u64>,
) -> std::collections::HashMap<u64, String> {
    github_line_hashes_releasing(content, wanted, &|_| {})
}

/// [`github_line_hashes`], calling `release` with each part of `content` it is done with, so a
/// memory-mapped file can give those pages back as the pass moves on.
pub fn github_line_hashes_releasing(
    content: &[u8],
    wanted: &std::collections::BTreeSet<u64>,
    release: &dyn Fn(std::ops::Range<usize>),
) -> std::collections::HashMap<u64, String> {
    // Above this size a first pass finds the hashes of the wanted lines, so that the
    // occurrence count needs one counter per wanted hash rather than one per distinct line
    // (millions in a large file).
    line_hashes(content, wanted, release, 16 << 20)
}

fn line_hashes(
    content: &[u8],
    wanted: &std::collections::BTreeSet<u64>,
    release: &dyn Fn(std::ops::Range<usize>),
    two_pass_above: usize,
) -> std::collections::HashMap<u64, String> {
    use std::collections::{HashMap, HashSet};
    let mut out = HashMap::new();
    let Some(&last) = wanted.iter().next_back() else {
        return out;
    };
    let relevant: Option<HashSet<u64>> = (content.len() > two_pass_above).then(|| {
        let mut set = HashSet::new();
        line_hash_pass(content, release, &mut |line, h| {
            if wanted.contains(&line) {
                set.insert(h);
            }
            line < last
        });
        set
    });
    let mut counts: HashMap<u64, u32> = HashMap::new();
    line_hash_pass(content, release, &mut |line, h| {
        if relevant.as_ref().is_none_or(|r| r.contains(&h)) {
            let n = counts.entry(h).or_insert(0);
            *n += 1;
            if wanted.contains(&line) {
                out.insert(line, format!("{h:x}:{n}"));
            }
        }
        line < last
    });
    out
}

/// One pass of codeql-action's rolling line hash: calls `on_line(line, hash)` for each line in
/// order, until it returns false.
fn line_hash_pass(
    content: &[u8],
    release: &dyn Fn(std::ops::Range<usize>),
    on_line: &mut dyn FnMut(u64, u64) -> bool,
) {
    const BLOCK: usize = 100;
    const MOD: i64 = 37;
    let first_mod = (0..BLOCK).fold(1i64, |acc, _| acc.wrapping_mul(MOD));
    let mut window = [0i64; BLOCK];
    let mut line_numbers = [-1i64; BLOCK];
    let mut hash: i64 = 0;
    let mut index = 0usize;
    let mut line_number = 0i64;
    let mut line_start = true;
    let mut prev_cr = false;
    // UTF-16 units of the content read as lossy UTF-8 (each invalid sequence one U+FFFD, as
    // from_utf8_lossy does), produced on the fly rather than by copying a large file. The
    // content goes in blocks that end after a line break (ASCII, never inside a UTF-8
    // sequence, so the decoding is the same as in one piece); each block is released when the
    // next is taken.
    const BLOCK_BYTES: usize = 8 << 20;
    let mut pos = 0usize;
    let blocks = std::iter::from_fn(|| {
        if pos >= content.len() {
            return None;
        }
        let start = pos;
        let limit = (start + BLOCK_BYTES).min(content.len());
        let end = if limit == content.len() {
            limit
        } else {
            memchr::memrchr(b'\n', &content[start..limit]).map_or(limit, |i| start + i + 1)
        };
        // Everything before this block is done (the hash window spans 100 characters, and
        // those are held in `window`, not re-read).
        release(0..start);
        pos = end;
        Some(&content[start..end])
    });
    let units = blocks.flat_map(|b| {
        b.utf8_chunks().flat_map(|chunk| {
            let bad = (!chunk.invalid().is_empty()).then_some(0xFFFDu16);
            chunk.valid().encode_utf16().chain(bad)
        })
    });
    // The action processes one EOF character (65535) after the content, as a character.
    for unit in units.chain(std::iter::once(0xFFFF)) {
        let mut c = unit as i64;
        if c == ' ' as i64 || c == '\t' as i64 || (prev_cr && c == '\n' as i64) {
            prev_cr = false;
            continue;
        }
        if c == '\r' as i64 {
            c = '\n' as i64;
            prev_cr = true;
        } else {
            prev_cr = false;
        }
        // The hash of the line whose window starts at `index` is complete, as outputHash()
        // does it.
        if line_numbers[index] != -1 {
            let go_on = on_line(line_numbers[index] as u64, hash as u64);
            line_numbers[index] = -1;
            if !go_on {
                return;
            }
        }
        if line_start {
            line_start = false;
            line_number += 1;
            line_numbers[index] = line_number;
        }
        if c == '\n' as i64 {
            line_start = true;
        }
        let begin = window[index];
        window[index] = c;
        hash = MOD
            .wrapping_mul(hash)
            .wrapping_add(c)
            .wrapping_sub(first_mod.wrapping_mul(begin));
        index = (index + 1) % BLOCK;
    }
    for _ in 0..BLOCK {
        if line_numbers[index] != -1 {
            let go_on = on_line(line_numbers[index] as u64, hash as u64);
            line_numbers[index] = -1;
            if !go_on {
                return;
            }
        }
        let begin = window[index];
        window[index] = 0;
        hash = MOD
            .wrapping_mul(hash)
            .wrapping_sub(first_mod.wrapping_mul(begin));
        index = (index + 1) % BLOCK;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_pass_line_hashes_equal_one_pass() {
        let mut text = String::new();
        for i in 0..5000 {
            // Repeated lines (occurrence counts above 1) and unique ones, CRLF and tabs.
            text.push_str(match i % 4 {
                0 => "let x = 1;\n",
                1 => "\tlet x = 1;\r\n",
                2 => "caf\u{e9} \u{1F600}\n",
                _ => "",
            });
            text.push_str(&format!("line {}\n", i % 97));
        }
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(b"\xff\xfe bad utf-8\n");
        let wanted: std::collections::BTreeSet<u64> = [1, 2, 3, 500, 4999, 7000, 8751].into();
        let one = line_hashes(&bytes, &wanted, &|_| {}, usize::MAX);
        let two = line_hashes(&bytes, &wanted, &|_| {}, 0);
        assert_eq!(one.len(), wanted.len());
        assert_eq!(one, two);
        assert!(one.values().any(|h| !h.ends_with(":1")), "{one:?}");
    }

    #[test]
    fn fingerprint_is_stable_and_depends_on_detector() {
        let a = fingerprint("github.pat.classic", b"ghp_x");
        assert_eq!(a, fingerprint("github.pat.classic", b"ghp_x"));
        assert_ne!(a, fingerprint("npm.token", b"ghp_x"));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn redaction_never_shows_the_whole_secret() {
        let s = b"ghp_9fK2mQ7vL4pR8sT1wZ3xC6bN0dH5jY7uE2aB";
        let r = redact(s, 4);
        assert_eq!(r, "ghp_9fK2*****");
        assert_eq!(redact(b"hunter22", 0), "*****");
        assert_eq!(redact(b"0123456789abcdef", 0), "0123*****");
        for len in 1..80usize {
            let s: String = (0..len)
                .map(|i| (b'a' + (i * 7 % 26) as u8) as char)
                .collect();
            for p in 0..len.min(12) {
                let r = redact(s.as_bytes(), p);
                assert!(!r.contains(&s), "len {len} prefix {p}: {r}");
                assert!(r.len() <= p + (len - p) / 4 + 5);
            }
        }
    }

    #[test]
    fn excerpts_collapse_binary_runs() {
        assert_eq!(
            excerpt(b"\0\0\0key=\x1b[31m\xff\xfeAKIA"),
            "·key=·[31m·AKIA"
        );
        assert_eq!(excerpt("caf\u{e9}\tx".as_bytes()), "caf\u{e9} x");
    }

    #[test]
    fn printable_escapes_terminal_control() {
        assert_eq!(printable(b"a\x1b[31mb\xff"), "a\\u{1b}[31mb\\xff");
    }
}

#[cfg(test)]
mod github_hash_tests {
    use super::github_line_hashes;

    fn all(content: &str, lines: u64) -> Vec<String> {
        let wanted = (1..=lines).collect();
        let h = github_line_hashes(content.as_bytes(), &wanted);
        (1..=lines)
            .map(|l| h.get(&l).cloned().unwrap_or_default())
            .collect()
    }

    /// Test vectors of github/codeql-action's fingerprints.test.ts.
    #[test]
    fn matches_codeql_action() {
        assert_eq!(
            all(" a\nb\n  \t\tc\n d", 4),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
        assert_eq!(
            all(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End", 6),
            [
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1"
            ]
        );
    }
}
