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

/// How much of a file's start [`looks_binary`] reads, as git's binary test does.
const BINARY_PROBE: usize = 8000;

/// Binary content: a NUL byte in its first 8,000 bytes (git's and ripgrep's test; UTF-16 text
/// is decoded before it gets here). Its base64 runs are not decoded, and the generic layer
/// reads no assignment from a line with a NUL.
pub fn looks_binary(hay: &[u8]) -> bool {
    memchr::memchr(0, &hay[..hay.len().min(BINARY_PROBE)]).is_some()
}

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
    while i < seg.end {
        let Some(probe) = next_window(hay, i, seg.end) else {
            break;
        };
        let mut start = probe + 1 - MIN_RUN;
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
        if is_run(hay, &seg, start, stop, end) {
            out.push(start..end);
        }
        i = if end > stop { end } else { stop + 1 };
    }
    out
}

/// Whether the alphabet bytes `start..stop`, with their padding up to `end`, are a run to
/// decode: begun inside the segment (one that begins outside is another segment's), of a
/// length an encoder writes, delimited, and not a long word.
fn is_run(hay: &[u8], seg: &Range<usize>, start: usize, stop: usize, end: usize) -> bool {
    let len = end - start;
    let delimited_before =
        start == 0 || !(hay[start - 1].is_ascii_alphanumeric() || hay[start - 1] == b'_');
    let delimited_after = hay
        .get(end)
        .is_none_or(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-'));
    seg.contains(&start)
        && (MIN_RUN..=MAX_RUN).contains(&len)
        && len.is_multiple_of(4)
        && delimited_before
        && delimited_after
        && hay[start..stop]
            .iter()
            .any(|c| c.is_ascii_digit() || *c == b'+' || *c == b'/')
}

/// The last byte of the first [`MIN_RUN`] alphabet bytes in a row that start at `from` or
/// later and before `limit`. Sixty-four bytes at a time: a mask of which are in the alphabet,
/// and-ed with itself shifted (runs of 2, 4, 8, 16, then 16 + 4) over this block and the one
/// before, so a run that crosses a block boundary is seen. It replaced a skip loop that read a
/// byte in twenty but mispredicted a branch on most reads (a quarter of the CPU of a scan of
/// one large text file).
fn next_window(hay: &[u8], from: usize, limit: usize) -> Option<usize> {
    const _: () = assert!(MIN_RUN == 20, "the shifts below count 16 + 4");
    // Bytes before `from` do not count: a window must start at `from` or later.
    let mut prev = 0u64;
    let mut base = from;
    while base < hay.len() {
        let end = (base + 64).min(hay.len());
        let cur = alphabet_mask(&hay[base..end]);
        let x = ((cur as u128) << 64) | prev as u128;
        let r2 = x & (x << 1);
        let r4 = r2 & (r2 << 2);
        let r8 = r4 & (r4 << 4);
        let r16 = r8 & (r8 << 8);
        let r20 = (r16 & (r4 << 16)) >> 64;
        if r20 != 0 {
            let p = base + r20.trailing_zeros() as usize;
            return (p + 1 - MIN_RUN < limit).then_some(p);
        }
        // A window that ends in a later block starts at `end - MIN_RUN + 1` or later.
        if end + 1 >= limit + MIN_RUN {
            return None;
        }
        prev = cur;
        base = end;
    }
    None
}

/// Bit `j` set when `block[j]` is in the alphabet (`block` at most 64 bytes).
fn alphabet_mask(block: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if let Ok(full) = <&[u8; 64]>::try_from(block) {
        return sse2::alphabet_mask(full);
    }
    block
        .iter()
        .enumerate()
        .fold(0, |m, (j, &c)| m | (u64::from(is_b64(c)) << j))
}

/// SSE2 is part of every x86-64 processor, so this needs no run-time detection.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::*;

    /// [`super::alphabet_mask`] of 64 bytes, 16 at a time: letters (`c | 0x20` in `a..=z`),
    /// digits, `+` and `/`, each range tested as a saturating subtraction that leaves zero.
    pub fn alphabet_mask(block: &[u8; 64]) -> u64 {
        let mut m = 0u64;
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            // SAFETY: SSE2 is always available on x86_64; the load reads the 16 bytes of
            // `chunk`, unaligned loads being allowed.
            let bits = unsafe {
                let v = _mm_loadu_si128(chunk.as_ptr().cast());
                let zero = _mm_setzero_si128();
                let within = |x: __m128i, lo: u8, span: u8| {
                    let d = _mm_sub_epi8(x, _mm_set1_epi8(lo as i8));
                    _mm_cmpeq_epi8(_mm_subs_epu8(d, _mm_set1_epi8(span as i8)), zero)
                };
                let letter = within(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a', 25);
                let digit = within(v, b'0', 9);
                let plus = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'+' as i8));
                let slash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'/' as i8));
                let any = _mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(plus, slash));
                _mm_movemask_epi8(any) as u32 as u64
            };
            m |= bits << (16 * k);
        }
        m
    }
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

    /// The skip loop [`base64_runs`] replaced, kept to check it against.
    fn base64_runs_reference(hay: &[u8], seg: Range<usize>) -> Vec<Range<usize>> {
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

    #[test]
    fn runs_are_those_the_skip_loop_found() {
        let mut texts: Vec<Vec<u8>> = vec![
            include_bytes!("decode.rs").to_vec(),
            include_bytes!("../detectors/kubernetes.toml").to_vec(),
        ];
        // Runs of every length around the window and the block size, at every offset.
        let mut t = Vec::new();
        for len in 15..140 {
            for pad in 0..3 {
                t.extend(std::iter::repeat_n(b' ', len % 7 + 1));
                t.extend((0..len).map(|k| b"Ab0+/z9Q"[(k * 7 + len) % 8]));
                t.extend(std::iter::repeat_n(b'=', pad));
            }
        }
        assert!(base64_runs(&t, 0..t.len()).len() > 20);
        texts.push(t);
        texts.push(vec![b'A'; 300]);
        // Every byte value, so the vector classification is checked against the table.
        texts.push((0..=255u8).cycle().take(4096).collect());
        for text in &texts {
            for seg in [
                0..text.len(),
                0..text.len() / 2,
                text.len() / 3..text.len(),
                5..77,
            ] {
                let seg = seg.start.min(text.len())..seg.end.min(text.len());
                assert_eq!(
                    base64_runs(text, seg.clone()),
                    base64_runs_reference(text, seg.clone()),
                    "{seg:?}"
                );
            }
        }
    }

    #[test]
    fn the_alphabet_mask_is_the_table() {
        let all: Vec<u8> = (0..=255u8).collect();
        for block in all.chunks(64) {
            let want = block
                .iter()
                .enumerate()
                .fold(0u64, |m, (j, &c)| m | (u64::from(is_b64(c)) << j));
            assert_eq!(alphabet_mask(block), want);
        }
    }

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
