//! Substring tests for short byte strings: a value, a name, a line of a few hundred bytes.
//!
//! The judging code asks dozens of such questions of each candidate (does the value hold
//! `your`, does the line hold `shields.io`, which of 28 self-naming words is in it). Written as
//! `hay.windows(n).any(|w| w == needle)` each question calls `memcmp` at every offset: about
//! half of the generic layer's value facts on the src corpus. `memchr::memmem` sets up a
//! searcher per call, which costs more than these haystacks take to read. These jump with
//! `memchr` to each place the needle's first byte occurs and compare the rest there.

/// Where `needle` first occurs in `hay`; an empty needle occurs at 0.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(0);
    };
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut at = 0;
    while at <= last_start {
        let p = at + memchr::memchr(first, &hay[at..=last_start])?;
        if &hay[p + 1..p + needle.len()] == rest {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

/// Where `needle` last occurs in `hay`; an empty needle occurs at `hay.len()`.
pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = needle.split_first() else {
        return Some(hay.len());
    };
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut end = last_start + 1;
    while end > 0 {
        let p = memchr::memrchr(first, &hay[..end])?;
        if &hay[p + 1..p + needle.len()] == rest {
            return Some(p);
        }
        end = p;
    }
    None
}

/// Whether `needle` occurs in `hay`.
pub fn holds(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every (haystack, needle) pair over a small alphabet, so that partial matches, matches at
    /// both ends, overlaps and needles longer than the haystack all occur.
    #[test]
    fn agrees_with_comparing_at_every_offset() {
        let mut seed = 0x9e37_79b9u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for _ in 0..20_000 {
            let hay: Vec<u8> = (0..next() % 24)
                .map(|_| b"aab"[next() as usize % 3])
                .collect();
            let needle: Vec<u8> = (0..next() % 5)
                .map(|_| b"ab"[next() as usize % 2])
                .collect();
            let first = (needle.len() <= hay.len())
                .then(|| {
                    (0..=hay.len() - needle.len()).find(|&i| hay[i..i + needle.len()] == needle)
                })
                .flatten();
            let last = (needle.len() <= hay.len())
                .then(|| {
                    (0..=hay.len() - needle.len())
                        .rev()
                        .find(|&i| hay[i..i + needle.len()] == needle)
                })
                .flatten();
            assert_eq!(find(&hay, &needle), first, "{hay:?} {needle:?}");
            assert_eq!(rfind(&hay, &needle), last, "{hay:?} {needle:?}");
            assert_eq!(holds(&hay, &needle), first.is_some());
        }
        assert_eq!(find(b"", b""), Some(0));
        assert_eq!(rfind(b"abc", b""), Some(3));
        assert_eq!(find(b"ab", b"abc"), None);
    }
}
