//! A finding: which detector matched, where ([`Origin`]), and the secret in memory only
//! ([`Secret`]).
//!
//! The raw secret never leaves this struct through `Serialize`: it is skipped unless the report
//! was asked for `--show-secrets`, in which case the report layer adds it explicitly.

mod build;
mod display;
mod line_hash;
mod origin;
mod secret;
mod verification;

use crate::assessment::Assessment;
pub use build::{Context, build_findings};
pub use display::{display_path, excerpt, path_bytes, printable, redact};
pub use line_hash::github_line_hashes_releasing;
pub use origin::Origin;
pub use secret::Secret;
use serde::Serialize;
use sha2::{Digest, Sha256};
pub use verification::{Status, Verification};

/// One credential found. `Debug` is safe to print: the secret is a [`Secret`].
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// The detector that found it (`github.pat.classic`).
    pub detector_id: String,
    /// Its readable name.
    pub detector_name: String,
    /// The provider id (`github`).
    pub provider: String,
    /// Where the content came from. Serialized as `root` and `path` (report version 1: the root
    /// as given or `~`, `env`, `.`; the path inside it) and as the typed `origin` object.
    #[serde(flatten, serialize_with = "origin::serialize_fields")]
    pub origin: Origin,
    /// 1-based line and column (column in bytes) of the first byte of the secret.
    pub line: u64,
    /// 1-based byte column of the first byte of the secret.
    pub column: u64,
    /// Line and column just past the last byte of the secret (SARIF's `endColumn`).
    pub end_line: u64,
    /// Byte column just past the secret, on `end_line`.
    pub end_column: u64,
    /// Byte offsets of the secret in the scanned content. For a UTF-16 file these are offsets in
    /// its UTF-8 decoding.
    pub start: usize,
    /// End of the secret (exclusive), like `start`.
    pub end: usize,
    /// The credential itself: never serialized, never printed by `Debug`.
    #[serde(skip)]
    pub secret: Secret,
    /// The secret with all but a short identifying prefix masked.
    pub redacted: String,
    /// `sha256("credgate:v1:" + detector_id + "\0" + secret)`, first 32 hex digits: stable across
    /// runs, machines and line moves, and useless for recovering the secret.
    pub fingerprint: String,
    /// The line holding the secret, with every secret found on it masked, at most ~200 chars.
    pub line_text: String,
    /// Whether git would ignore this file (an agent can read it; `git status` does not show it).
    pub gitignored: bool,
    /// How far the detector's match can be trusted alone.
    pub confidence: crate::detectors::Confidence,
    /// Lifetime, scope, environment, location and the risk, with evidence.
    pub assessment: Assessment,
    /// How the value was decoded before it was matched (`base64`): the secret is what the
    /// value at this place encodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<&'static str>,
    /// How to end the credential and replace it, from its provider.
    pub remediation: Remediation,
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
    pub(crate) sarif_columns: (u64, u64),
    /// GitHub's `primaryLocationLineHash` of the finding's line (computed as codeql-action does).
    #[serde(skip)]
    pub(crate) line_hash: String,
    /// Why the finding is not reported as active, if it is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    /// What the provider said of the credential, with `--verify`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verification: Option<Verification>,
    /// Which agents can read it now, under the policies they have (`scan`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub agents: Vec<crate::model::Access>,
}

/// The documented fingerprint: `sha256("credgate:v1:" + detector_id + "\0" + secret)`, its first
/// 16 bytes in hexadecimal.
pub fn fingerprint(detector_id: &str, secret: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"credgate:v1:");
    h.update(detector_id.as_bytes());
    h.update([0u8]);
    h.update(secret);
    let d = h.finalize();
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// What to do about a finding: the provider's steps, and the page where it is revoked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Remediation {
    /// The steps, in one or two sentences.
    pub steps: String,
    /// The provider's page to revoke or rotate it, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The commit that first introduced a finding, and how far it reaches in history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CommitRef {
    /// The full commit id.
    pub id: String,
    /// `Name <email>` of its author.
    pub author: String,
    /// Its author date, RFC 3339.
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
    /// The store id of `stores.toml` (`aws`).
    pub id: String,
    /// The tool that keeps it (`AWS CLI`).
    pub tool: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The profile, host, section or key inside the store (`section [work]`).
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
/// Where an allow came from.
pub enum SuppressionKind {
    /// A `credgate:allow` comment on the line.
    InSource,
    /// A baseline or an `[[allow]]` rule.
    External,
}

#[cfg(test)]
mod tests {
    use super::line_hash::line_hashes;
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
        assert_eq!(
            redact(b"sk_live_FAKE9xQ2mV7pL4rT8wZ1", 8),
            "sk_live_FAKE*****"
        );
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
