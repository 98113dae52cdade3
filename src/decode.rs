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
/// Sixty-four bytes at a time, from a mask of which bytes are in the alphabet: a block where no
/// [`MIN_RUN`] of them stand in a row costs the mask and a few shifts, and a run's ends are read
/// from the masks too, so no byte is looked at twice. (Ordinary text has a word-length run every
/// few bytes and a long identifier or path every line; finding each run's ends a byte at a time
/// and starting the masks again after it was a third of this pass.)
pub fn base64_runs(hay: &[u8], seg: Range<usize>) -> Vec<Range<usize>> {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512bw") {
        // SAFETY: AVX-512BW was detected just above.
        return unsafe { avx512::base64_runs(hay, seg) };
    }
    runs_with(hay, seg, alphabet_mask)
}

/// [`base64_runs`] with `mask` as [`alphabet_mask`]: inlined into each caller, so that the
/// AVX-512 one is compiled with its mask inlined rather than called for each block.
#[inline(always)]
fn runs_with(
    hay: &[u8],
    seg: Range<usize>,
    mask: impl Fn(&[u8]) -> u64 + Copy,
) -> Vec<Range<usize>> {
    const _: () = assert!(MIN_RUN == 20, "the shifts below count 16 + 4");
    let mut out = Vec::new();
    // A run that starts before `seg.end` holds its MIN_RUN-th byte before this.
    let limit = (seg.end + MIN_RUN - 1).min(hay.len());
    let mut base = seg.start;
    // The previous block's mask: zero at the start and after a run, whose ends are not in the
    // alphabet, so nothing before `base` is counted.
    let mut prev = 0u64;
    while base < limit {
        let block_end = (base + 64).min(hay.len());
        let cur = mask(&hay[base..block_end]);
        // Bit 64 + j of `x` is byte base + j; bits 0..64 are the block before.
        let x = ((cur as u128) << 64) | prev as u128;
        let r2 = x & (x << 1);
        let r4 = r2 & (r2 << 2);
        let r8 = r4 & (r4 << 4);
        let r16 = r8 & (r8 << 8);
        // Bit j: byte base + j ends MIN_RUN alphabet bytes in a row.
        let mut r20 = ((r16 & (r4 << 16)) >> 64) as u64;
        let mut next = block_end;
        while r20 != 0 {
            let j = r20.trailing_zeros();
            // The run's first byte: after the last byte outside the alphabet before the window.
            let below = !x & ((1u128 << (j + 64 + 1 - MIN_RUN as u32)) - 1);
            let first = 128 - below.leading_zeros() as usize;
            let mut start = (base + first).saturating_sub(64);
            // Only a run longer than the two blocks (or one reaching back before `seg`, which
            // is another segment's) goes on further back.
            while start > 0 && is_b64(hay[start - 1]) {
                start -= 1;
            }
            let after = !cur & (u64::MAX << j);
            let stop = if after != 0 && (after.trailing_zeros() as usize) < block_end - base {
                base + after.trailing_zeros() as usize
            } else {
                run_stop(hay, block_end, mask)
            };
            let mut end = stop;
            while end < hay.len() && end < stop + 2 && hay[end] == b'=' {
                end += 1;
            }
            if is_run(hay, &seg, start, stop, end) {
                out.push(start..end);
            }
            if stop >= block_end {
                // The run went past this block: go on from its end, which is not in the
                // alphabet, with nothing before it counted.
                next = stop;
                break;
            }
            // Later windows in this block belong to runs that start after `stop`.
            r20 &= u64::MAX << (stop - base);
        }
        prev = if next == block_end { cur } else { 0 };
        base = next;
    }
    out
}

/// The first byte at or after `from` that is not in the alphabet (or the end of `hay`), read 64
/// bytes at a time.
#[inline(always)]
fn run_stop(hay: &[u8], mut from: usize, mask: impl Fn(&[u8]) -> u64) -> usize {
    while from < hay.len() {
        let end = (from + 64).min(hay.len());
        let outside = !mask(&hay[from..end]);
        let k = outside.trailing_zeros() as usize;
        if k < end - from {
            return from + k;
        }
        from = end;
    }
    hay.len()
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

/// Detected at run time ([`base64_runs`]).
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::*;
    use std::ops::Range;

    /// [`super::base64_runs`] with the mask below.
    ///
    /// # Safety
    ///
    /// The processor must have AVX-512BW.
    #[target_feature(enable = "avx512bw")]
    pub unsafe fn base64_runs(hay: &[u8], seg: Range<usize>) -> Vec<Range<usize>> {
        super::runs_with(hay, seg, |block| match <&[u8; 64]>::try_from(block) {
            // SAFETY: this function's caller guarantees AVX-512BW.
            Ok(full) => unsafe { alphabet_mask(full) },
            Err(_) => super::alphabet_mask(block),
        })
    }

    /// [`super::alphabet_mask`] of 64 bytes in one vector: the same ranges as the SSE2 one, as
    /// unsigned compares that give the mask directly.
    ///
    /// # Safety
    ///
    /// The processor must have AVX-512BW.
    #[target_feature(enable = "avx512bw")]
    pub unsafe fn alphabet_mask(block: &[u8; 64]) -> u64 {
        // SAFETY: the load reads the 64 bytes of `block` (unaligned loads are allowed); the
        // caller guarantees AVX-512BW, which every intrinsic here needs and no more.
        unsafe {
            let v = _mm512_loadu_si512(block.as_ptr().cast());
            let within = |x: __m512i, lo: u8, span: u8| {
                _mm512_cmple_epu8_mask(
                    _mm512_sub_epi8(x, _mm512_set1_epi8(lo as i8)),
                    _mm512_set1_epi8(span as i8),
                )
            };
            let letter = within(_mm512_or_si512(v, _mm512_set1_epi8(0x20)), b'a', 25);
            let digit = within(v, b'0', 9);
            let plus = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'+' as i8));
            let slash = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'/' as i8));
            letter | digit | plus | slash
        }
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

    /// Generated text with runs of every length from 1 to 300 (past two blocks), padding,
    /// word characters and `-` around them, cut into segments at many places: the runs are the
    /// reference loop's, on each mask this processor has. It fails when a run's start or stop
    /// read from the masks is off by one byte.
    #[test]
    fn runs_match_the_reference_on_generated_text() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let alphabet = b"ABCxyz0189+/";
        let between = b" \n\t.,:\"'=_-";
        let mut text = Vec::new();
        while text.len() < 200_000 {
            let len = match next(4) {
                0 => 1 + next(300),
                _ => 16 + next(12),
            };
            text.extend((0..len).map(|_| alphabet[next(alphabet.len())]));
            text.extend(std::iter::repeat_n(b'=', next(3)));
            text.push(between[next(between.len())]);
        }
        let found = base64_runs_reference(&text, 0..text.len());
        assert!(found.len() > 400, "{}", found.len());
        assert!(found.iter().any(|r| r.len() > 128));
        let mut cuts = vec![0, 1, 63, 64, 65, 100_000, text.len() - 21, text.len()];
        cuts.extend((0..40).map(|_| next(text.len())));
        for &a in &cuts {
            for &b in &cuts {
                if a <= b && (b - a < 70_000 || a == 0) {
                    let want = base64_runs_reference(&text, a..b);
                    assert_eq!(base64_runs(&text, a..b), want, "{a}..{b}");
                    assert_eq!(runs_with(&text, a..b, alphabet_mask), want, "SSE2 {a}..{b}");
                }
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
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx512bw") {
                let full: &[u8; 64] = block.try_into().unwrap();
                // SAFETY: detected just above.
                assert_eq!(unsafe { avx512::alphabet_mask(full) }, want);
            }
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
