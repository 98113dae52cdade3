//! Values that hide a credential in an encoding: base64 runs (a Kubernetes `Secret`'s `data:`,
//! a Docker `auths` entry, a CI variable pasted encoded) are decoded and the text they encode is
//! scanned again by every detector (`Engine::scan_segment`).
//!
//! Bounded on every side, so that a file full of base64 (lock files' integrity hashes, images
//! in data URIs, PEM bodies) costs one cheap pass and no decoding: a run must be 20 bytes to
//! 64 KiB long and delimited, its first bytes must decode to text, and the text is scanned once,
//! never decoded again.

use base64::Engine as _;
use std::ops::Range;

/// Shortest run worth decoding: 13 to 15 bytes of text, about the shortest credential looked
/// for inside.
const MIN_RUN: usize = 20;
/// Longest run decoded: a whole `.env` or kubeconfig held in one value fits.
const MAX_RUN: usize = 64 * 1024;
/// How much of a run is decoded first to see whether it is text at all.
const PROBE: usize = 64;

/// How a piece of text was decoded before it was matched.
pub const BASE64: &str = "base64";

/// The standard base64 alphabet without padding, as a table: the scan below reads one byte in
/// twenty of ordinary text, so each read must be one load.
static B64: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
        c += 1;
    }
    t
};

fn is_b64(c: u8) -> bool {
    B64[c as usize]
}

/// The base64 runs that start inside `seg` of `hay`: maximal runs of the standard alphabet with
/// their `=` padding, delimited by something that is not a word character on both sides (so a
/// run is not the tail of an identifier or a path), holding a digit or `+`/`/` (a long word is
/// not base64), of a length a base64 encoder writes.
///
/// Fast on text with no run: a run of at least [`MIN_RUN`] bytes must cover the byte
/// [`MIN_RUN`] - 1 ahead, so one byte is read per step and the step is skipped whole when that
/// byte is not in the alphabet (as in ripgrep's and Boyer-Moore's skip loops).
pub fn base64_runs(hay: &[u8], seg: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = seg.start;
    while i < seg.end && i + MIN_RUN <= hay.len() {
        let probe = i + MIN_RUN - 1;
        if !is_b64(hay[probe]) {
            i = probe + 1;
            continue;
        }
        // The last byte outside the alphabet in i..probe: no run of MIN_RUN bytes starts at or
        // before it, so the next probe is MIN_RUN bytes past it.
        if let Some(k) = (i..probe).rev().find(|&k| !is_b64(hay[k])) {
            i = k + 1;
            continue;
        }
        let mut start = i;
        while start > 0 && is_b64(hay[start - 1]) {
            start -= 1;
        }
        let mut stop = probe + 1;
        while stop < hay.len() && is_b64(hay[stop]) {
            stop += 1;
        }
        let mut end = stop;
        while end < hay.len() && end < stop + 2 && hay[end] == b'=' {
            end += 1;
        }
        let len = end - start;
        // A run that begins outside the segment is another segment's.
        let ours = seg.contains(&start);
        let delimited_before =
            start == 0 || !(hay[start - 1].is_ascii_alphanumeric() || hay[start - 1] == b'_');
        let delimited_after = hay
            .get(end)
            .is_none_or(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-'));
        if ours
            && (MIN_RUN..=MAX_RUN).contains(&len)
            && len.is_multiple_of(4)
            && delimited_before
            && delimited_after
            && hay[start..stop]
                .iter()
                .any(|c| c.is_ascii_digit() || *c == b'+' || *c == b'/')
        {
            out.push(start..end);
        }
        i = if end > stop { end } else { stop + 1 };
    }
    out
}

/// Text: printable ASCII and line breaks and tabs, nothing else (a binary key, an image or a
/// hash decodes to bytes outside it within its first few).
fn is_text(b: &[u8]) -> bool {
    b.iter()
        .all(|&c| (0x20..0x7f).contains(&c) || matches!(c, b'\n' | b'\r' | b'\t'))
}

/// The text that standard base64 (with its padding) encodes, or `None` when it is not base64 or
/// not text. The engine's runs and the generic layer's values both go through here.
pub fn base64_text(run: &[u8]) -> Option<Vec<u8>> {
    let engine = &base64::engine::general_purpose::STANDARD;
    if run.len() > PROBE {
        let probe = engine.decode(&run[..PROBE]).ok()?;
        if !is_text(&probe) {
            return None;
        }
    }
    let text = engine.decode(run).ok()?;
    is_text(&text).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn runs_are_delimited_values_of_a_base64_length() {
        let v = b64("GITHUB_TOKEN=not-a-real-token-at-all\n");
        let hay = format!(
            "data:\n  env: {v}\n  name: {}\n",
            "ZZZZZZZZZZZZZZZZZZZZZZZZ"
        );
        let runs = base64_runs(hay.as_bytes(), 0..hay.len());
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!(&hay.as_bytes()[runs[0].clone()], v.as_bytes());
        // Inside an identifier, a path or a URL-safe token: not a run of its own.
        for hay in [
            format!("x_{v}"),
            format!("{v}-suffix"),
            "com/example/app/Main2Activity".to_string(),
        ] {
            assert!(
                base64_runs(hay.as_bytes(), 0..hay.len()).is_empty(),
                "{hay}"
            );
        }
    }

    #[test]
    fn only_text_is_decoded() {
        let v = b64("user: admin\npassword: fake-but-long\n");
        assert_eq!(
            base64_text(v.as_bytes()).as_deref(),
            Some(&b"user: admin\npassword: fake-but-long\n"[..])
        );
        // A SHA-512 integrity hash and a PEM body line decode to binary.
        let sha = "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";
        assert_eq!(base64_text(sha.as_bytes()), None);
        let long = b64(&"x".repeat(10_000));
        assert_eq!(base64_text(long.as_bytes()).map(|t| t.len()), Some(10_000));
    }
}
