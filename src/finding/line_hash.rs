//! GitHub code scanning's `primaryLocationLineHash`, computed exactly as `github/codeql-action`
//! does, so that alerts stay matched across runs when lines move.

/// GitHub code scanning's `primaryLocationLineHash` for the given 1-based lines of `content`,
/// computed as `github/codeql-action` does (`src/fingerprints.ts`): a rolling hash (base 37,
/// wrapping 64-bit) over the next 100 characters from the start of each line (UTF-16 code units,
/// then one EOF mark), with spaces and tabs skipped and CR/CRLF read as LF, written as
/// `hex:occurrence`, where occurrence counts earlier lines of the file with the same hash.
#[cfg(test)]
pub fn github_line_hashes(
    content: &[u8],
    wanted: &std::collections::BTreeSet<u64>,
) -> std::collections::HashMap<u64, String> {
    github_line_hashes_releasing(content, wanted, &|_| {})
}

/// `github_line_hashes`, calling `release` with each part of `content` it is done with, so a
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

pub(crate) fn line_hashes(
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
