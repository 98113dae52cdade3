//! The keyword prefilter: every occurrence of every detector keyword (ASCII case-insensitive,
//! overlapping), which decides the windows each detector's regex runs over.
//!
//! Two searchers give the same hits. The Aho-Corasick DFA is the fast one: one pass whatever
//! the number of keywords, copied into a flat table ([`super::keyword_dfa`]) and stepped in
//! interleaved lanes over as many parts of a haystack, so that the core works on independent
//! state chains at once: six lanes reading bytes, or eight reading byte classes looked up in
//! bulk where the processor can ([`super::byte_classes`]). One thread over the 1 GiB text
//! file (`prefilter_speed` below, 2026-12-07): 2.6 GB/s reading bytes, 3.3 reading classes;
//! stepping the crate's own DFA through its trait gave 263 MB/s a thread over real source where
//! the byte lanes gave 640 (both cores busy, `--stats`, 2026-12-03). Building it over the
//! catalog's 500-odd keywords costs about 5-10 ms of CPU, so `build.rs` builds the built-in
//! catalog's table and embeds it; decoding it costs about 0.4 ms (a catalog with user detectors
//! builds its own). That is still more than a hook
//! call or a one-file pre-commit scan does otherwise, so it is made on first need only. Until
//! then, small haystacks are lowercased and searched keyword by keyword with `memchr::memmem`
//! (about 60 us plus 55 ns a byte for the whole catalog), within a budget of work; a large
//! haystack, or the first one past the budget, makes the automaton. `benches/peers.sh`
//! measures start-up.

use super::byte_classes::{self, Classifier};
use super::keyword_dfa::{self, KeywordDfa};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A haystack at least this long builds the automaton (searching it keyword by keyword would
/// cost more than building it).
const SMALL_HAYSTACK: usize = 32 * 1024;
/// Work the keyword-by-keyword search may do in one process before the automaton is built, in
/// haystack bytes, each search counted as [`PER_SEARCH`] bytes more for its fixed cost. About
/// the cost of building the automaton.
const SMALL_BUDGET: usize = 128 * 1024;
/// The fixed cost of one keyword-by-keyword search (one `memmem` call per keyword), in bytes of
/// haystack it costs as much as.
const PER_SEARCH: usize = 1024;

/// The automaton, once built: the DFA, or where a user's catalog is too large for one, what the
/// crate chooses instead.
enum Searcher {
    Dfa(Box<Laned>),
    Other(AhoCorasick),
}

/// The DFA, with its byte classes ready for the processor's bulk lookup where it has one. Made
/// only from the DFA, so the classes are the DFA's own (which [`KeywordDfa::next_class`] needs).
struct Laned {
    dfa: KeywordDfa,
    classes: Option<Classifier>,
}

impl Laned {
    fn new(dfa: KeywordDfa) -> Laned {
        let classes = dfa.ascii_classes().and_then(Classifier::new);
        Laned { dfa, classes }
    }
}

/// Haystacks shorter than this are searched in one lane (the lanes' overlap, the longest
/// keyword's length past each part, would cost more). 4,096 until 2026-12-07: 29%
/// of the src corpus's files are 1-4 KiB, and lanes from 1 KiB made its scan 5%
/// faster (paired medians of 7 and 9; 384 bytes was no faster than 1,024).
const LANED_ABOVE: usize = 1024;
/// Interleaved lanes reading bytes: four measured 1.7-2.5x one lane's speed on the Xeon VM,
/// where eight were no faster; on the AMD EPYC VM (2026-12-07) six are 8% faster than four over
/// the 1 GiB text file (2.28 -> 2.48 GB/s one thread) and eight are 6% slower than six (the
/// lanes' states and byte pointers no longer fit the registers).
const LANES: usize = 6;
/// Interleaved lanes reading byte classes from a block buffer ([`byte_classes`]): one
/// pointer for all of them, so eight states fit the registers, and eight measured 3.0-3.3
/// GB/s against six's 2.6 (ten and twelve no faster).
const CLASS_LANES: usize = 8;
/// Steps each class lane takes between lookups: 128 measured 3.37 GB/s, 64 3.22 and 256 the
/// same as 128.
const CLASS_BLOCK: usize = 2 * byte_classes::BLOCK;

/// Every keyword of the catalog, and the searchers over them.
pub struct Prefilter {
    /// Lowercase, distinct; a hit's pattern index is an index here.
    keywords: Vec<&'static str>,
    /// The longest keyword, in bytes.
    max_len: usize,
    automaton: OnceLock<Searcher>,
    /// Budget left to the keyword-by-keyword search.
    small_budget: AtomicUsize,
}

impl Prefilter {
    /// `keywords` must be lowercase and distinct (the catalog makes them so).
    pub fn new(keywords: Vec<&'static str>) -> Prefilter {
        debug_assert!(
            keywords
                .iter()
                .all(|k| !k.is_empty() && *k == k.to_ascii_lowercase())
        );
        Prefilter {
            max_len: keywords.iter().map(|k| k.len()).max().unwrap_or(0),
            keywords,
            automaton: OnceLock::new(),
            small_budget: AtomicUsize::new(SMALL_BUDGET),
        }
    }

    /// The longest keyword, in bytes.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    /// Calls `hit(start, end, keyword index)` for every keyword occurrence in `hay`, overlapping
    /// ones included, in no particular order. `lower` is scratch space.
    pub fn for_each_hit(
        &self,
        hay: &[u8],
        lower: &mut Vec<u8>,
        mut hit: impl FnMut(usize, usize, usize),
    ) {
        if self.keywords.is_empty() {
            return;
        }
        if let Some(a) = self.automaton.get() {
            return self.each_automaton_hit(a, hay, hit);
        }
        if hay.len() < SMALL_HAYSTACK && self.take_budget(hay.len() + PER_SEARCH) {
            lower.clear();
            lower.extend(hay.iter().map(u8::to_ascii_lowercase));
            for (p, k) in self.keywords.iter().enumerate() {
                let k = k.as_bytes();
                let mut at = 0;
                while let Some(i) = memchr::memmem::find(&lower[at..], k) {
                    hit(at + i, at + i + k.len(), p);
                    at += i + 1;
                }
            }
            return;
        }
        self.each_automaton_hit(self.automaton(), hay, hit)
    }

    fn each_automaton_hit(
        &self,
        a: &Searcher,
        hay: &[u8],
        mut hit: impl FnMut(usize, usize, usize),
    ) {
        match a {
            Searcher::Dfa(l) if hay.len() <= LANED_ABOVE => {
                lane(&l.dfa, hay, 0..hay.len(), 0..hay.len(), &mut hit)
            }
            Searcher::Dfa(l) if l.classes.is_some() => {
                laned::<CLASS_LANES>(l, hay, self.max_len, hit)
            }
            Searcher::Dfa(l) => laned::<LANES>(l, hay, self.max_len, hit),
            Searcher::Other(ac) => {
                for m in ac.find_overlapping_iter(hay) {
                    hit(m.start(), m.end(), m.pattern().as_usize());
                }
            }
        }
    }

    fn take_budget(&self, cost: usize) -> bool {
        self.small_budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(cost)
            })
            .is_ok()
    }

    fn automaton(&self) -> &Searcher {
        self.automaton.get_or_init(|| {
            // The built-in catalog's table comes with the binary; a catalog with user
            // detectors builds its own. The DFA fails only past its state limit (a catalog
            // thousands of times ours); the crate's own choice then falls back to an NFA,
            // which fails only past 2^31 patterns.
            embedded_for(&self.keywords)
                .or_else(|| keyword_dfa::build(&self.keywords))
                .map(|d| Searcher::Dfa(Box::new(Laned::new(d))))
                .unwrap_or_else(|| {
                    Searcher::Other(
                        AhoCorasickBuilder::new()
                            .ascii_case_insensitive(true)
                            .match_kind(MatchKind::Standard)
                            .build(&self.keywords)
                            .expect("keyword automaton within the pattern limit"),
                    )
                })
        })
    }
}

/// The keywords `build.rs` made [`EMBEDDED_TABLE`] for, `\0`-separated: the built-in catalog's.
static EMBEDDED_KEYWORDS: &str = include_str!(concat!(env!("OUT_DIR"), "/keyword-dfa.keywords"));
/// The built-in catalog's keyword table ([`KeywordDfa::to_bytes`]).
static EMBEDDED_TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/keyword-dfa.table"));

/// The embedded table, if it was made for exactly `keywords`.
fn embedded_for(keywords: &[&str]) -> Option<KeywordDfa> {
    if !EMBEDDED_KEYWORDS.split('\0').eq(keywords.iter().copied()) {
        return None;
    }
    KeywordDfa::from_bytes(EMBEDDED_TABLE)
}

/// Every hit of `hay` from `N` lanes stepped in turn. Lane `k` runs from the start of its part
/// `k` (from the start state: it finds every keyword that starts there or later) on past the
/// part's end by the longest keyword's length less one, so that a keyword that starts inside
/// the part ends inside the run; it reports the keywords that start in its part.
///
/// With a classifier, the lanes step in blocks of [`CLASS_BLOCK`]: each lane's classes are
/// looked up for the block, then the lanes step over the buffer, noting match states in a
/// second one, and the block's hits are reported after it. The loop makes no call, so the
/// lanes' states stay in registers (a call in the loop, even one not taken, made the compiler
/// keep them on the stack).
fn laned<const N: usize>(
    l: &Laned,
    hay: &[u8],
    max_len: usize,
    mut hit: impl FnMut(usize, usize, usize),
) {
    let d = &l.dfa;
    let part = hay.len() / N;
    let own: [std::ops::Range<usize>; N] = std::array::from_fn(|k| {
        let end = if k == N - 1 {
            hay.len()
        } else {
            (k + 1) * part
        };
        k * part..end
    });
    // Equal lengths, so the loops below index without bounds checks.
    let bytes: [&[u8]; N] = std::array::from_fn(|k| &hay[k * part..][..part]);
    let mut sid = [d.start(); N];
    let mut from = 0;
    if let Some(c) = &l.classes {
        let mut buf = [[0u8; CLASS_BLOCK]; N];
        // Each match state the block reaches, with its lane and step (at most one a step), on
        // the stack rather than allocated for each haystack.
        let mut seen = [[(0u32, 0u32); CLASS_BLOCK]; N];
        let seen = seen.as_flattened_mut();
        while from + CLASS_BLOCK <= part {
            for k in 0..N {
                c.classify(&bytes[k][from..from + CLASS_BLOCK], &mut buf[k]);
            }
            let mut n = 0;
            #[allow(clippy::needless_range_loop)] // one index into the lanes' buffers
            for t in 0..CLASS_BLOCK {
                for k in 0..N {
                    // SAFETY: `sid[k]` is a state of `d`, and `buf` holds `c`'s classes,
                    // which `Laned::new` made from `d`'s.
                    let s = unsafe { d.next_class(sid[k], buf[k][t]) };
                    sid[k] = s;
                    if d.is_match(s) {
                        // Out of line: the usual step then falls through instead of jumping
                        // over this, eight jumps a step whose speed depended on where they
                        // landed (an unrelated change elsewhere once made src's prefilter
                        // 36% slower; with this, no slower).
                        std::hint::cold_path();
                        seen[n] = (s, (k * CLASS_BLOCK + t) as u32);
                        n += 1;
                    }
                }
            }
            for &(s, at) in &seen[..n] {
                let (k, t) = (at as usize / CLASS_BLOCK, at as usize % CLASS_BLOCK);
                report(d, s, k * part + from + t + 1, &own[k], &mut hit);
            }
            from += CLASS_BLOCK;
        }
    }
    #[allow(clippy::needless_range_loop)] // one index into the lanes' slices
    for t in from..part {
        for k in 0..N {
            let s = d.next(sid[k], bytes[k][t]);
            sid[k] = s;
            if d.is_match(s) {
                std::hint::cold_path();
                report(d, s, k * part + t + 1, &own[k], &mut hit);
            }
        }
    }
    let reach = max_len.saturating_sub(1);
    for k in 0..N {
        let mut s = sid[k];
        let run_end = if k == N - 1 {
            hay.len()
        } else {
            (own[k].end + reach).min(hay.len())
        };
        for (at, &b) in hay
            .iter()
            .enumerate()
            .take(run_end)
            .skip(own[k].start + part)
        {
            s = d.next(s, b);
            if d.is_match(s) {
                std::hint::cold_path();
                report(d, s, at + 1, &own[k], &mut hit);
            }
        }
    }
}

/// One lane over `run`, reporting the keywords that start in `own`.
fn lane(
    d: &KeywordDfa,
    hay: &[u8],
    run: std::ops::Range<usize>,
    own: std::ops::Range<usize>,
    hit: &mut impl FnMut(usize, usize, usize),
) {
    let mut s = d.start();
    for (at, &b) in hay.iter().enumerate().take(run.end).skip(run.start) {
        s = d.next(s, b);
        if d.is_match(s) {
            std::hint::cold_path();
            report(d, s, at + 1, &own, hit);
        }
    }
}

/// Reports every keyword that the match state `s` says ends at `end` and starts in `own`.
#[inline(never)]
fn report(
    d: &KeywordDfa,
    s: u32,
    end: usize,
    own: &std::ops::Range<usize>,
    hit: &mut impl FnMut(usize, usize, usize),
) {
    d.matches(s, |p, len| {
        let start = end - len;
        if own.contains(&start) {
            hit(start, end, p);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table `build.rs` embedded is the one the built-in catalog's keywords build, and it
    /// is used for them; a table cut short or pointing outside itself is refused.
    #[test]
    fn embedded_table_is_the_built_one() {
        let k = keywords();
        let built = keyword_dfa::build(&k).unwrap();
        assert_eq!(embedded_for(&k).as_ref(), Some(&built));
        assert_eq!(
            KeywordDfa::from_bytes(&built.to_bytes()).as_ref(),
            Some(&built)
        );
        assert!(
            embedded_for(&k[1..]).is_none(),
            "another keyword list builds its own"
        );
        let bytes = built.to_bytes();
        assert!(KeywordDfa::from_bytes(&bytes[..bytes.len() - 4]).is_none());
        assert!(KeywordDfa::from_bytes(&bytes[..bytes.len() - 1]).is_none());
        let mut bad = bytes.clone();
        // The first transition (after stride, start, match_below, 256 classes and its length)
        // pointing past the table.
        let at = 4 * (3 + 256 + 1);
        bad[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(KeywordDfa::from_bytes(&bad).is_none());
    }

    fn hits(p: &Prefilter, hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut v = Vec::new();
        p.for_each_hit(hay, &mut Vec::new(), |s, e, k| v.push((s, e, k)));
        v.sort_unstable();
        v
    }

    pub(super) fn keywords() -> Vec<&'static str> {
        let mut k: Vec<&'static str> = crate::detectors::Catalog::builtin()
            .unwrap()
            .detectors
            .heads()
            .flat_map(|h| h.keywords.clone())
            .collect();
        k.sort();
        k.dedup();
        k
    }

    #[test]
    fn both_searchers_find_the_same_hits() {
        let text: Vec<u8> = [
            &include_bytes!("mod.rs")[..4000],
            b"PASSWORD=passwordpassword AKIA ghp_ xoxb- aaaaaaaaaaaaaaaaaaaaaaaaa Key=KEY",
            &include_bytes!("../../detectors/github.toml")[..3000],
        ]
        .concat();
        let small = Prefilter::new(keywords());
        let large = Prefilter::new(keywords());
        large.automaton();
        for hay in [&text[..], &text[..100], &text[4000..4100], b"", b"pw"] {
            let (a, b) = (hits(&small, hay), hits(&large, hay));
            assert_eq!(a, b, "{:?}", String::from_utf8_lossy(hay));
        }
        assert!(hits(&large, &text).len() > 20);
        assert!(
            small.automaton.get().is_none(),
            "small haystacks within budget do not build the automaton"
        );
    }

    /// The lanes against the crate's own overlapping search, on haystacks whose parts split
    /// keywords at every offset of the lane boundaries.
    #[test]
    fn lanes_find_what_one_pass_finds() {
        let kw = keywords();
        let reference = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&kw)
            .unwrap();
        let classed = Laned::new(keyword_dfa::build(&kw).unwrap());
        let plain = Laned {
            dfa: keyword_dfa::build(&kw).unwrap(),
            classes: None,
        };
        let p = Prefilter::new(kw);
        let dense: Vec<u8> = b"xoxb-ghp_PASSWORD=key:tokenAKIA aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            .iter()
            .copied()
            .cycle()
            .take(70_000)
            .collect();
        let real = [
            &include_bytes!("mod.rs")[..],
            &include_bytes!("prefilter.rs")[..],
        ]
        .concat();
        for text in [&dense, &real] {
            for len in [
                1025,
                1031,
                2000,
                2 * CLASS_LANES * CLASS_BLOCK + 7,
                4097,
                4100,
                4103,
                9_999,
                20_011,
                text.len(),
            ] {
                let hay = &text[..len.min(text.len())];
                let mut want: Vec<(usize, usize, usize)> = reference
                    .find_overlapping_iter(hay)
                    .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
                    .collect();
                want.sort_unstable();
                assert!(!want.is_empty());
                let mut got = Vec::new();
                p.each_automaton_hit(p.automaton(), hay, |s, e, k| got.push((s, e, k)));
                got.sort_unstable();
                assert_eq!(got, want, "length {len}");
                // Both ways of stepping the lanes, whichever this processor takes above.
                for classes in [false, true] {
                    let mut got = Vec::new();
                    let found = |s, e, k| got.push((s, e, k));
                    if classes {
                        if classed.classes.is_none() {
                            continue;
                        }
                        laned::<CLASS_LANES>(&classed, hay, p.max_len(), found);
                    } else {
                        laned::<LANES>(&plain, hay, p.max_len(), found);
                    }
                    got.sort_unstable();
                    assert_eq!(got, want, "length {len}, classes {classes}");
                }
            }
        }
        if classed.classes.is_none() {
            eprintln!("no AVX-512 VBMI here: the class lanes were not checked");
        }
    }

    #[test]
    fn a_large_haystack_or_a_spent_budget_builds_the_automaton() {
        let p = Prefilter::new(vec!["key"]);
        hits(&p, &vec![b'x'; SMALL_HAYSTACK]);
        assert!(p.automaton.get().is_some());
        let p = Prefilter::new(vec!["key"]);
        for _ in 0..(SMALL_BUDGET / (PER_SEARCH + 5)) {
            assert_eq!(hits(&p, b"a key"), vec![(2, 5, 0)]);
        }
        assert!(p.automaton.get().is_none());
        assert_eq!(hits(&p, b"a KEY"), vec![(2, 5, 0)]);
        assert!(p.automaton.get().is_some());
    }
}

/// The prefilter alone, one thread, over the first 256 MiB of a file in 1 MiB haystacks:
/// `PF_FILE=/tmp/corp/synth/bigfile/big.txt cargo test --release --lib prefilter_speed --
/// --ignored --nocapture` (benches/README.md quotes it).
#[cfg(test)]
mod speed {
    #[test]
    #[ignore = "a measurement: needs PF_FILE"]
    fn prefilter_speed() {
        let path = std::env::var("PF_FILE").expect("PF_FILE: a large text file");
        let mut data = std::fs::read(path).unwrap();
        data.truncate(256 << 20);
        let p = super::Prefilter::new(super::tests::keywords());
        p.automaton();
        for _ in 0..3 {
            let t = std::time::Instant::now();
            let mut n = 0u64;
            for chunk in data.chunks(1 << 20) {
                p.for_each_hit(chunk, &mut Vec::new(), |_, _, _| n += 1);
            }
            let s = t.elapsed().as_secs_f64();
            eprintln!(
                "{n} hits, {s:.3} s, {:.0} MB/s",
                data.len() as f64 / s / 1e6
            );
        }
    }
}
