//! The keyword prefilter: every occurrence of every detector keyword (ASCII case-insensitive,
//! overlapping), which decides the windows each detector's regex runs over.
//!
//! Two searchers give the same hits. The Aho-Corasick DFA is the fast one (one pass, about
//! 270 MB/s per core over real source whatever the number of keywords), but building it over
//! the catalog's 500-odd keywords costs about 8 ms of CPU: more than everything else a hook call
//! or a one-file pre-commit scan does. So it is built on first need only. Until then, small
//! haystacks are lowercased and searched keyword by keyword with `memchr::memmem` (about 60 us
//! plus 55 ns a byte for the whole catalog), within a budget of work that stays below the cost
//! of building the automaton; a large haystack, or the first one past the budget, builds it.
//! `benches/startup.sh` measures what this buys.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
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

/// Every keyword of the catalog, and the searchers over them.
pub struct Prefilter {
    /// Lowercase, distinct; a hit's pattern index is an index here.
    keywords: Vec<String>,
    automaton: OnceLock<AhoCorasick>,
    /// Budget left to the keyword-by-keyword search.
    small_budget: AtomicUsize,
}

impl Prefilter {
    /// `keywords` must be lowercase and distinct (the catalog makes them so).
    pub fn new(keywords: Vec<String>) -> Prefilter {
        debug_assert!(
            keywords
                .iter()
                .all(|k| !k.is_empty() && *k == k.to_ascii_lowercase())
        );
        Prefilter {
            keywords,
            automaton: OnceLock::new(),
            small_budget: AtomicUsize::new(SMALL_BUDGET),
        }
    }

    /// The longest keyword, in bytes.
    pub fn max_len(&self) -> usize {
        self.keywords.iter().map(|k| k.len()).max().unwrap_or(0)
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
        if let Some(ac) = self.automaton.get() {
            return each_automaton_hit(ac, hay, hit);
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
        each_automaton_hit(self.automaton(), hay, hit)
    }

    fn take_budget(&self, cost: usize) -> bool {
        self.small_budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(cost)
            })
            .is_ok()
    }

    fn automaton(&self) -> &AhoCorasick {
        self.automaton.get_or_init(|| {
            let mut b = AhoCorasickBuilder::new();
            b.ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard);
            // The DFA fails only past its state limit (a catalog thousands of times ours);
            // the crate's own choice then falls back to an NFA, which fails only past 2^31
            // patterns.
            b.clone()
                .kind(Some(AhoCorasickKind::DFA))
                .build(&self.keywords)
                .or_else(|_| b.build(&self.keywords))
                .expect("keyword automaton within the pattern limit")
        })
    }
}

fn each_automaton_hit(ac: &AhoCorasick, hay: &[u8], mut hit: impl FnMut(usize, usize, usize)) {
    for m in ac.find_overlapping_iter(hay) {
        hit(m.start(), m.end(), m.pattern().as_usize());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(p: &Prefilter, hay: &[u8]) -> Vec<(usize, usize, usize)> {
        let mut v = Vec::new();
        p.for_each_hit(hay, &mut Vec::new(), |s, e, k| v.push((s, e, k)));
        v.sort_unstable();
        v
    }

    fn keywords() -> Vec<String> {
        let mut k: Vec<String> = crate::detectors::Catalog::builtin()
            .unwrap()
            .detectors
            .iter()
            .flat_map(|d| d.keywords.clone())
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

    #[test]
    fn a_large_haystack_or_a_spent_budget_builds_the_automaton() {
        let p = Prefilter::new(vec!["key".into()]);
        hits(&p, &vec![b'x'; SMALL_HAYSTACK]);
        assert!(p.automaton.get().is_some());
        let p = Prefilter::new(vec!["key".into()]);
        for _ in 0..(SMALL_BUDGET / (PER_SEARCH + 5)) {
            assert_eq!(hits(&p, b"a key"), vec![(2, 5, 0)]);
        }
        assert!(p.automaton.get().is_none());
        assert_eq!(hits(&p, b"a KEY"), vec![(2, 5, 0)]);
        assert!(p.automaton.get().is_some());
    }
}
