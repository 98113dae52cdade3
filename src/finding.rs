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
    /// Byte offsets of the secret in the scanned content. For a UTF-16 file these are offsets in
    /// its UTF-8 decoding.
    pub start: usize,
    pub end: usize,
    #[serde(skip)]
    pub secret: Vec<u8>,
    /// The secret with all but a short identifying prefix masked.
    pub redacted: String,
    /// `sha256("credsweep:v1:" + detector_id + "\0" + secret)`, first 32 hex digits: stable across
    /// runs, machines and line moves, and useless for recovering the secret.
    pub fingerprint: String,
    /// The line holding the secret, with every secret found on it masked, at most ~200 chars.
    pub line_text: String,
    /// Whether git would ignore this file (an agent can read it; `git status` does not show it).
    pub gitignored: bool,
    pub confidence: crate::detectors::Confidence,
    pub assessment: Assessment,
    /// How the file was decoded before matching, when it was not read as raw bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
}

/// Computes the documented fingerprint.
///
/// ```
/// let a = credsweep::finding::fingerprint("aws.access-key-id", b"AKIAZ2FAKE3CSWP7QXRT");
/// assert_eq!(a.len(), 32);
/// assert_ne!(a, credsweep::finding::fingerprint("aws.access-key-id", b"AKIAZ2FAKE3CSWP7QXRA"));
/// ```
pub fn fingerprint(detector_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"credsweep:v1:");
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
/// use credsweep::finding::redact;
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

#[cfg(test)]
mod tests {
    use super::*;

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
