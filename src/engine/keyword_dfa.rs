//! The keyword automaton as one flat transition table, for the prefilter's hot loop.
//!
//! `aho-corasick` builds the DFA; its transitions are copied here once into a table indexed by
//! premultiplied state plus byte class, with the match states numbered first so that "is this a
//! match" is one comparison, and what each match state matches into two flat lists. Stepping
//! the crate's DFA through its `Automaton` trait checked bounds and kept the loop's state in
//! memory; this loop is a load of the byte's class, a load of the next state and a compare.
//!
//! The table owns everything it needs, so it serializes ([`KeywordDfa::to_bytes`]): `build.rs`
//! (which includes this file) builds the built-in catalog's and embeds it, and a scan decodes it
//! instead of building the automaton (5 ms of CPU, on one thread while the others wait).

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind};

/// The table over `keywords` (lowercase, distinct): an unanchored DFA, ASCII case-insensitive,
/// that reports every keyword that ends at each byte (overlapping ones too). `None` past the
/// crate's DFA state limit (a catalog thousands of times ours).
pub fn build(keywords: &[&str]) -> Option<KeywordDfa> {
    let dfa = aho_corasick::dfa::Builder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(keywords)
        .ok()?;
    Some(KeywordDfa::new(dfa, keywords))
}

#[derive(Debug, PartialEq, Eq)]
pub struct KeywordDfa {
    /// Each byte's class: bytes that no keyword holds (either case) share class 0; the others
    /// have one class per lowercase byte.
    classes: [u32; 256],
    /// `trans[state + class]`, `state` premultiplied by `stride`: the next state, premultiplied.
    trans: Vec<u32>,
    stride: u32,
    /// States below this (premultiplied) are match states.
    match_below: u32,
    start: u32,
    /// Match state `i`'s keywords are `matches[match_starts[i]..match_starts[i + 1]]`, each as
    /// (keyword index, length).
    match_starts: Vec<u32>,
    matches: Vec<(u32, u32)>,
}

impl KeywordDfa {
    /// The table of `dfa`, an unanchored ASCII-case-insensitive DFA over `keywords` (lowercase).
    fn new(dfa: DFA, keywords: &[&str]) -> KeywordDfa {
        let mut classes = [0u32; 256];
        let mut reps = vec![0u8]; // class 0's representative: a byte in no keyword
        let mut class_of_lower = [0u32; 256];
        for k in keywords {
            for &b in k.as_bytes() {
                let l = b.to_ascii_lowercase() as usize;
                if class_of_lower[l] == 0 {
                    class_of_lower[l] = reps.len() as u32;
                    reps.push(l as u8);
                }
            }
        }
        for b in 0..256usize {
            classes[b] = class_of_lower[(b as u8).to_ascii_lowercase() as usize];
        }
        // When every byte is in some keyword, class 0 is empty and its row never read.
        if let Some(unused) = (0..=255u8).find(|&b| classes[b as usize] == 0) {
            reps[0] = unused;
        }
        let stride = reps.len() as u32;

        // Every state reachable from the start, match states first.
        let start = dfa
            .start_state(Anchored::No)
            .expect("the DFA has an unanchored start state");
        // The crate's state ids are small integers (offsets into its own table), so a vector
        // indexed by them maps each to ours: a hash map made building this table cost 9 ms.
        const NONE: u32 = u32::MAX;
        let mut index: Vec<u32> = Vec::new();
        let slot = |index: &mut Vec<u32>, s: StateID| -> usize {
            let i = s.as_usize();
            if i >= index.len() {
                index.resize(i + 1, NONE);
            }
            i
        };
        let mut order = vec![start];
        let at = slot(&mut index, start);
        index[at] = 0;
        // Each state's successors by class, as the crate's ids, filled in as states are found.
        let mut next: Vec<StateID> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let s = order[i];
            i += 1;
            for &r in &reps {
                let n = dfa.next_state(Anchored::No, s, r);
                next.push(n);
                let at = slot(&mut index, n);
                if index[at] == NONE {
                    index[at] = 0;
                    order.push(n);
                }
            }
        }
        // Renumbered, match states first.
        let mut by_kind: Vec<usize> = (0..order.len()).collect();
        by_kind.sort_by_key(|&k| !dfa.is_match(order[k]));
        let match_count = order.iter().filter(|&&s| dfa.is_match(s)).count() as u32;
        for (new, &k) in by_kind.iter().enumerate() {
            index[order[k].as_usize()] = new as u32 * stride;
        }
        let n = stride as usize;
        let mut trans = Vec::with_capacity(order.len() * n);
        for &k in &by_kind {
            trans.extend(next[k * n..(k + 1) * n].iter().map(|s| index[s.as_usize()]));
        }
        let mut match_starts = vec![0u32];
        let mut matches = Vec::new();
        for &k in by_kind.iter().take(match_count as usize) {
            let s = order[k];
            for i in 0..dfa.match_len(s) {
                let p = dfa.match_pattern(s, i);
                matches.push((p.as_u32(), dfa.pattern_len(p) as u32));
            }
            match_starts.push(matches.len() as u32);
        }
        KeywordDfa {
            start: index[start.as_usize()],
            classes,
            trans,
            stride,
            match_below: match_count * stride,
            match_starts,
            matches,
        }
    }

    /// The table as little-endian `u32`s: stride, start, match_below, the 256 classes, then the
    /// transitions, the match starts and the matches (pairs), each list after its length.
    #[allow(dead_code)] // `build.rs` writes the embedded table with it (and the tests use it)
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut words: Vec<u32> = vec![self.stride, self.start, self.match_below];
        words.extend_from_slice(&self.classes);
        for list in [&self.trans, &self.match_starts] {
            words.push(list.len() as u32);
            words.extend_from_slice(list);
        }
        words.push(self.matches.len() as u32);
        words.extend(self.matches.iter().flat_map(|&(p, l)| [p, l]));
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    /// The table [`KeywordDfa::to_bytes`] wrote, or `None` if `bytes` is not one (cut short, or
    /// with a state or class out of range, which would index out of the table).
    pub fn from_bytes(bytes: &[u8]) -> Option<KeywordDfa> {
        if !bytes.len().is_multiple_of(4) {
            return None;
        }
        let mut words = bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]));
        let mut next = || words.next();
        let (stride, start, match_below) = (next()?, next()?, next()?);
        let mut classes = [0u32; 256];
        for c in &mut classes {
            *c = next()?;
        }
        let list = |next: &mut dyn FnMut() -> Option<u32>, pairs: usize| {
            let n = next()? as usize;
            (0..n * pairs).map(|_| next()).collect::<Option<Vec<u32>>>()
        };
        let trans = list(&mut next, 1)?;
        let match_starts = list(&mut next, 1)?;
        let flat = list(&mut next, 2)?;
        if next().is_some() || stride == 0 || !trans.len().is_multiple_of(stride as usize) {
            return None;
        }
        let states = trans.len() / stride as usize;
        let in_table = |s: u32| s.is_multiple_of(stride) && ((s / stride) as usize) < states;
        let match_states = (match_below / stride) as usize;
        if classes.iter().any(|&c| c >= stride)
            || !trans.iter().all(|&s| in_table(s))
            || !in_table(start)
            || !match_below.is_multiple_of(stride)
            || match_states > states
            || match_starts.len() != match_states + 1
            || match_starts.first() != Some(&0)
            || match_starts.windows(2).any(|w| w[0] > w[1])
            || match_starts.last().map(|&e| e as usize) != Some(flat.len() / 2)
        {
            return None;
        }
        Some(KeywordDfa {
            classes,
            trans,
            stride,
            match_below,
            start,
            match_starts,
            matches: flat.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
        })
    }

    pub fn start(&self) -> u32 {
        self.start
    }

    /// The state after `s` reads `b`.
    #[inline(always)]
    pub fn next(&self, s: u32, b: u8) -> u32 {
        self.trans[(s + self.classes[b as usize]) as usize]
    }

    /// Each ASCII byte's class, where every other byte is in class 0 (no keyword holds it)
    /// and the classes fit a byte: what [`super::byte_classes`] looks up in bulk. A user's
    /// keyword with a non-ASCII byte makes it `None`.
    pub fn ascii_classes(&self) -> Option<[u8; 128]> {
        if self.stride > 256 || self.classes[128..].iter().any(|&c| c != 0) {
            return None;
        }
        Some(std::array::from_fn(|b| self.classes[b] as u8))
    }

    /// The state after `s` reads a byte of class `c`, unchecked: the bounds check cost 7% of
    /// the prefilter's speed with bulk classes.
    ///
    /// # Safety
    /// `s` must be a state of this table and `c` a class of it: one of
    /// [`KeywordDfa::ascii_classes`], or 0.
    #[inline(always)]
    pub unsafe fn next_class(&self, s: u32, c: u8) -> u32 {
        debug_assert!(u32::from(c) < self.stride && s.is_multiple_of(self.stride));
        // SAFETY: every state is premultiplied and below `trans.len()` (`new` makes them so,
        // `from_bytes` checks it), and a class is below `stride`, so `s + c` indexes the row of
        // `s`.
        unsafe { *self.trans.get_unchecked((s + u32::from(c)) as usize) }
    }

    #[inline(always)]
    pub fn is_match(&self, s: u32) -> bool {
        s < self.match_below
    }

    /// Calls `hit(keyword, length)` for every keyword that the match state `s` says ends here.
    pub fn matches(&self, s: u32, mut hit: impl FnMut(usize, usize)) {
        let i = (s / self.stride) as usize;
        let (from, to) = (self.match_starts[i], self.match_starts[i + 1]);
        for &(p, len) in &self.matches[from as usize..to as usize] {
            hit(p as usize, len as usize);
        }
    }
}
