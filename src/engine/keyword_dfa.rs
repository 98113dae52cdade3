//! The keyword automaton as one flat transition table, for the prefilter's hot loop.
//!
//! `aho-corasick` builds the DFA (and keeps saying which keywords a match state holds); its
//! transitions are copied here once into a table indexed by premultiplied state plus byte class,
//! with the match states numbered first so that "is this a match" is one comparison. Stepping
//! the crate's DFA through its `Automaton` trait checked bounds and kept the loop's state in
//! memory; this loop is a load of the byte's class, a load of the next state and a compare.

use aho_corasick::Anchored;
use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;

pub struct KeywordDfa {
    /// The crate's DFA: what each match state matches.
    dfa: DFA,
    /// Each byte's class: bytes that no keyword holds (either case) share class 0; the others
    /// have one class per lowercase byte.
    classes: [u32; 256],
    /// `trans[state + class]`, `state` premultiplied by `stride`: the next state, premultiplied.
    trans: Vec<u32>,
    stride: u32,
    /// States below this (premultiplied) are match states.
    match_below: u32,
    start: u32,
    /// For each state (by index), the crate's state, for its matches.
    original: Vec<StateID>,
}

impl KeywordDfa {
    /// The table of `dfa`, an unanchored ASCII-case-insensitive DFA over `keywords` (lowercase).
    pub fn new(dfa: DFA, keywords: &[&str]) -> KeywordDfa {
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
        let original = by_kind.iter().map(|&k| order[k]).collect();
        KeywordDfa {
            start: index[start.as_usize()],
            dfa,
            classes,
            trans,
            stride,
            match_below: match_count * stride,
            original,
        }
    }

    pub fn start(&self) -> u32 {
        self.start
    }

    /// The state after `s` reads `b`.
    #[inline(always)]
    pub fn next(&self, s: u32, b: u8) -> u32 {
        self.trans[(s + self.classes[b as usize]) as usize]
    }

    #[inline(always)]
    pub fn is_match(&self, s: u32) -> bool {
        s < self.match_below
    }

    /// Calls `hit(keyword, length)` for every keyword that the match state `s` says ends here.
    pub fn matches(&self, s: u32, mut hit: impl FnMut(usize, usize)) {
        let original = self.original[(s / self.stride) as usize];
        for i in 0..self.dfa.match_len(original) {
            let p = self.dfa.match_pattern(original, i);
            hit(p.as_usize(), self.dfa.pattern_len(p));
        }
    }
}
