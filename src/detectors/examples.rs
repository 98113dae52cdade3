//! Detector examples: the text a detector must (positive) or must not (negative) report.
//!
//! Two notations keep examples honest without putting a valid credential in the repository:
//! - `«...»` marks the exact secret a positive example must yield; the marks are removed before
//!   scanning.
//! - `{{crc32 PREFIX BODY}}` expands to `PREFIX BODY CHECKSUM`, where CHECKSUM is the six base62
//!   digits of CRC32(BODY), the GitHub and npm token scheme. Checksummed tokens are thereby
//!   computed when the test runs, never pasted.
//!
//! Test fixtures use the same notation (see `tests/`), so there is one generator.

use super::validators::base62_6;

/// Expands every `{{crc32 PREFIX BODY}}` in `text`. Anything else between braces is left as is,
/// so template syntax in negative examples (`{{ .Env.TOKEN }}`) survives.
pub fn expand_generators(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{crc32 ") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "{{crc32 ".len()..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let mut parts = after[..end].split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(prefix), Some(body), None) => {
                out.push_str(prefix);
                out.push_str(body);
                out.push_str(
                    std::str::from_utf8(&base62_6(crc32fast::hash(body.as_bytes()))).unwrap(),
                );
            }
            _ => out.push_str(&rest[start..start + "{{crc32 ".len() + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A positive example ready to scan: the text without marks, and the secrets it must yield.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The example with its marks removed and generators expanded.
    pub text: String,
    /// The secrets the marks enclosed, in order.
    pub secrets: Vec<String>,
}

/// Expands generators, then removes the `«»` marks and records what they enclosed.
pub fn prepare(example: &str) -> Example {
    let expanded = expand_generators(example);
    let mut text = String::with_capacity(expanded.len());
    let mut secrets = Vec::new();
    let mut rest = expanded.as_str();
    while let Some(open) = rest.find('«') {
        text.push_str(&rest[..open]);
        let after = &rest[open + '«'.len_utf8()..];
        match after.find('»') {
            Some(close) => {
                secrets.push(after[..close].to_string());
                text.push_str(&after[..close]);
                rest = &after[close + '»'.len_utf8()..];
            }
            None => {
                text.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    text.push_str(rest);
    // Examples are written in TOML with `\n` escapes already turned into newlines by the parser.
    Example { text, secrets }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detectors::Validator;

    #[test]
    fn generator_output_passes_the_checksum() {
        let t = expand_generators("x={{crc32 ghp_ CredgateFakeToken4TestsOnly012}};");
        let tok = &t[2..t.len() - 1];
        assert_eq!(tok.len(), 40);
        assert!(Validator::Crc32Base62.check(tok.as_bytes()));
    }

    #[test]
    fn other_braces_survive() {
        assert_eq!(expand_generators("a {{ .Env.X }} b"), "a {{ .Env.X }} b");
        assert_eq!(expand_generators("{{crc32 only}}"), "{{crc32 only}}");
    }

    #[test]
    fn marks_are_removed_and_recorded() {
        let e = prepare("k=«abc» and «def»!");
        assert_eq!(e.text, "k=abc and def!");
        assert_eq!(e.secrets, vec!["abc", "def"]);
    }
}
