//! Matching: one keyword prefilter over every detector's keywords ([`prefilter`]), then each
//! triggered detector's regex over a bounded window around each keyword hit.
//!
//! Why windows: a regex run over a whole 100 MB file for every detector whose keyword occurs
//! once would make cost proportional to (file size x detectors). Windows make it proportional to
//! the file size (one automaton pass) plus the keyword hits. Overlapping windows of one detector
//! are merged first, so a file full of hits still costs one regex pass per detector.

mod byte_classes;
mod keyword_dfa;
mod path_globs;
mod prefilter;

use crate::detectors::{Catalog, Confidence, Detector, placeholder, shannon_entropy};
use crate::generic::Layer;
use crate::generic::model::{FileKind, Scored};
use regex_automata::Input;
use regex_automata::util::captures::Captures;
use std::ops::Range;
use std::path::Path;

/// When a regex match ends exactly at a window's end, the window is grown by this much once, so
/// a long token (a PEM block, a JWT) is not cut in two.
const WINDOW_EXTENSION: usize = 64 * 1024;

/// A confirmed secret: which detector, the byte range of its `secret` capture, and how far it
/// can be trusted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawMatch {
    pub detector: usize,
    pub secret: Range<usize>,
    /// The detector's confidence, or for the generic-credential layer the one its score gave.
    pub confidence: Confidence,
    /// The generic-credential layer's score and the evidence for it.
    pub scored: Option<Box<Scored>>,
    /// Set when the match is in text decoded from the content: `secret` is then the whole
    /// encoded run in the content, and this holds the text and the secret inside it.
    pub decoded: Option<Box<Decoded>>,
}

/// A match inside decoded text ([`crate::decode`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// How the text was decoded (`base64`).
    pub how: &'static str,
    /// The decoded text, shared by every match in it.
    pub text: std::sync::Arc<[u8]>,
    /// The secret's bytes in `text`.
    pub secret: Range<usize>,
}

impl RawMatch {
    /// The secret's bytes: in `hay`, or in the decoded text.
    pub fn secret_bytes<'a>(&'a self, hay: &'a [u8]) -> &'a [u8] {
        match &self.decoded {
            Some(d) => &d.text[d.secret.clone()],
            None => &hay[self.secret.clone()],
        }
    }
}

/// The compiled detector set, shared by every thread of a scan.
pub struct Engine {
    catalog: Catalog,
    prefilter: prefilter::Prefilter,
    /// For each prefilter pattern, the detectors that listed it as a keyword: pattern `k`'s are
    /// `keyword_detectors[keyword_starts[k]..keyword_starts[k + 1]]` (one allocation, not one
    /// per keyword).
    keyword_detectors: Vec<usize>,
    keyword_starts: Vec<usize>,
    /// The longest keyword: the overlap needed when a file is split into segments.
    max_keyword_len: usize,
    /// How far outside a segment its scan may read ([`Engine::reach`]).
    reach: usize,
    path_globs: path_globs::PathGlobs,
    /// Resolved `overrides`: detector index -> indices it replaces.
    overrides: Vec<Vec<usize>>,
    /// The generic-credential layer, which reads the lines its detectors' keywords hit.
    layer: Option<Layer>,
    /// For each detector, whether it belongs to the layer.
    in_layer: Vec<bool>,
}

/// Per-thread working memory, reused from file to file so the hot path does not allocate.
pub struct Scratch {
    windows: Vec<Vec<(usize, usize)>>,
    touched: Vec<usize>,
    locs: Vec<Option<Captures>>,
    glob_hits: Vec<usize>,
    /// Offsets of keyword hits of layer detectors, for the layer.
    layer_hits: Vec<usize>,
    /// The layer's candidates of the current segment.
    candidates: Vec<crate::generic::Candidate>,
    /// The lowercased haystack of the prefilter's keyword-by-keyword search.
    lower: Vec<u8>,
    /// Counters for `--stats`, when asked for: the hot path pays one branch otherwise.
    pub stats: Option<Box<EngineStats>>,
}

/// What one detector cost in a scan (`--stats`).
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct DetectorStats {
    /// Keyword hits (and path matches) that gave this detector a window.
    pub hits: u64,
    /// Regex runs: merged windows.
    pub regex_runs: u64,
    /// Bytes the regex ran over.
    pub regex_bytes: u64,
    /// Matches that passed the validators and filters (before overlap resolution).
    pub matches: u64,
    /// Time in this detector's regex, nanoseconds.
    pub regex_ns: u64,
}

/// Engine counters of a scan, summed over threads (`--stats`).
#[derive(Clone, Debug, Default)]
pub struct EngineStats {
    pub detectors: Vec<DetectorStats>,
    /// Time in the keyword prefilter, nanoseconds.
    pub prefilter_ns: u64,
    /// Bytes the prefilter searched.
    pub prefilter_bytes: u64,
}

impl EngineStats {
    pub fn add(&mut self, other: &EngineStats) {
        if self.detectors.len() < other.detectors.len() {
            self.detectors
                .resize(other.detectors.len(), DetectorStats::default());
        }
        for (a, b) in self.detectors.iter_mut().zip(&other.detectors) {
            a.hits += b.hits;
            a.regex_runs += b.regex_runs;
            a.regex_bytes += b.regex_bytes;
            a.matches += b.matches;
            a.regex_ns += b.regex_ns;
        }
        self.prefilter_ns += other.prefilter_ns;
        self.prefilter_bytes += other.prefilter_bytes;
    }
}

impl Engine {
    /// Builds the prefilter over every detector's keywords (regexes compile on first use).
    pub fn new(catalog: Catalog) -> anyhow::Result<Engine> {
        // Heads only: no detector is decoded until a scan needs it. Sorting the (keyword,
        // detector) pairs groups them at a third of the instructions a SipHash map took.
        let mut pairs: Vec<(&'static str, usize)> = catalog
            .detectors
            .heads()
            .enumerate()
            .flat_map(|(i, d)| d.keywords.iter().map(move |k| (*k, i)))
            .collect();
        pairs.sort_unstable();
        let mut keywords: Vec<&'static str> = Vec::new();
        let mut keyword_starts = Vec::new();
        let mut keyword_detectors = Vec::with_capacity(pairs.len());
        for (n, &(k, i)) in pairs.iter().enumerate() {
            if keywords.last() != Some(&k) {
                keywords.push(k);
                keyword_starts.push(n);
            }
            keyword_detectors.push(i);
        }
        keyword_starts.push(pairs.len());
        let mut globs = Vec::new();
        for (i, d) in catalog.detectors.heads().enumerate() {
            for g in &d.paths {
                if !catalog.detectors.is_builtin(i) {
                    crate::path_glob::path_glob(g)?;
                }
                globs.push((*g, i));
            }
        }
        let prefilter = prefilter::Prefilter::new(keywords);
        // Few detectors override others: the id index is built only for them.
        let mut ids: Vec<(&str, usize)> = Vec::new();
        if catalog.detectors.heads().any(|d| !d.overrides.is_empty()) {
            ids = catalog.detectors.heads().map(|d| d.id).zip(0..).collect();
            ids.sort_unstable();
        }
        // The last detector of an id, as a map built in order would keep.
        let find = |id: &str| {
            let end = ids.partition_point(|(k, _)| *k <= id);
            (end > 0 && ids[end - 1].0 == id).then(|| ids[end - 1].1)
        };
        let overrides = catalog
            .detectors
            .heads()
            .map(|d| d.overrides.iter().filter_map(|o| find(o)).collect())
            .collect();
        let layer = Layer::new(&catalog);
        let in_layer = (0..catalog.detectors.len())
            .map(|i| layer.as_ref().is_some_and(|l| l.owns(i)))
            .collect();
        let reach = catalog
            .detectors
            .heads()
            .map(|d| d.window_before.max(d.window_after + WINDOW_EXTENSION))
            .max()
            .unwrap_or(0);
        Ok(Engine {
            reach,
            layer,
            in_layer,
            max_keyword_len: prefilter.max_len(),
            prefilter,
            keyword_detectors,
            keyword_starts,
            path_globs: path_globs::PathGlobs::new(globs),
            overrides,
            catalog,
        })
    }

    /// The detectors that listed prefilter pattern `k` as a keyword.
    fn detectors_of(&self, k: usize) -> &[usize] {
        &self.keyword_detectors[self.keyword_starts[k]..self.keyword_starts[k + 1]]
    }

    /// How far before or after a segment [`Engine::scan_segment`] reads (a detector's window
    /// around a keyword near the edge, grown once for a long token): the pages a caller may
    /// give back once the segment is matched. A generic-layer line longer than this reaches
    /// further, which costs only the pages it touches again.
    pub fn reach(&self) -> usize {
        self.reach
    }

    /// The detectors it runs.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The detector at index `i` (as a match names it).
    pub fn detector(&self, i: usize) -> &Detector {
        &self.catalog.detectors[i]
    }

    /// Per-thread working memory for [`Engine::scan`].
    pub fn new_scratch(&self) -> Scratch {
        let n = self.catalog.detectors.len();
        Scratch {
            windows: vec![Vec::new(); n],
            touched: Vec::new(),
            locs: (0..n).map(|_| None).collect(),
            glob_hits: Vec::new(),
            layer_hits: Vec::new(),
            lower: Vec::new(),
            candidates: Vec::new(),
            stats: None,
        }
    }

    /// A scratch that also counts, for `--stats`.
    pub fn new_scratch_counting(&self, count: bool) -> Scratch {
        let mut s = self.new_scratch();
        if count {
            s.stats = Some(Box::new(EngineStats {
                detectors: vec![DetectorStats::default(); self.catalog.detectors.len()],
                ..Default::default()
            }));
        }
        s
    }

    /// Scans a whole buffer. `path` (relative or absolute) selects path-triggered detectors and
    /// tells the generic layer the file type. Every match is returned, whatever its confidence.
    pub fn scan(&self, hay: &[u8], path: &Path, scratch: &mut Scratch) -> Vec<RawMatch> {
        let mut out = Vec::new();
        self.scan_segment(hay, 0..hay.len(), path, true, scratch, &mut out);
        self.resolve(out)
    }

    /// Scans the keyword hits that start inside `seg`; windows may reach outside it, anywhere in
    /// `hay`. Splitting a large file into segments and scanning them in parallel gives the same
    /// matches as one pass (after `resolve`), because every hit belongs to exactly one segment.
    /// `globs` is true for one segment only, so path-triggered detectors run once.
    pub fn scan_segment(
        &self,
        hay: &[u8],
        seg: Range<usize>,
        path: &Path,
        globs: bool,
        scratch: &mut Scratch,
        out: &mut Vec<RawMatch>,
    ) {
        self.match_segment(hay, seg.clone(), path, globs, scratch, out);
        // Encoded credentials live in configuration and data (a Kubernetes Secret, a Docker
        // config, a `.env`, a CI file); the base64 of source code is data of its own (images,
        // fonts, test vectors, source maps) and decoding it would cost a fifth of a scan. Nor
        // is a binary file's (an object file's mangled symbols and hashes are runs of the
        // alphabet): 7% of a scan of a workspace with `target/`.
        if FileKind::of(path) != FileKind::Code && !crate::decode::looks_binary(hay) {
            self.scan_decoded(hay, seg, path, scratch, out);
        }
    }

    /// Decodes the base64 runs that start in `seg` and matches the text they encode, once
    /// (decoded text is not decoded again). Each match keeps the encoded run as its place in
    /// `hay` and the text it was found in.
    fn scan_decoded(
        &self,
        hay: &[u8],
        seg: Range<usize>,
        path: &Path,
        scratch: &mut Scratch,
        out: &mut Vec<RawMatch>,
    ) {
        let mut found = Vec::new();
        for run in crate::decode::base64_runs(hay, seg) {
            let Some(text) = crate::decode::base64_text(&hay[run.clone()]) else {
                continue;
            };
            found.clear();
            self.match_segment(&text, 0..text.len(), path, false, scratch, &mut found);
            if found.is_empty() {
                continue;
            }
            let text: std::sync::Arc<[u8]> = text.into();
            for m in self.resolve(std::mem::take(&mut found)) {
                out.push(RawMatch {
                    secret: run.clone(),
                    decoded: Some(Box::new(Decoded {
                        how: crate::decode::BASE64,
                        text: text.clone(),
                        secret: m.secret,
                    })),
                    ..m
                });
            }
        }
    }

    /// The matching of [`Engine::scan_segment`] on the content as it is.
    fn match_segment(
        &self,
        hay: &[u8],
        seg: Range<usize>,
        path: &Path,
        globs: bool,
        scratch: &mut Scratch,
        out: &mut Vec<RawMatch>,
    ) {
        for &d in &scratch.touched {
            scratch.windows[d].clear();
        }
        scratch.touched.clear();
        scratch.layer_hits.clear();

        if globs && !self.path_globs.is_empty() {
            self.path_globs.matches_into(path, &mut scratch.glob_hits);
            for gi in 0..scratch.glob_hits.len() {
                let d = self.path_globs.detectors[scratch.glob_hits[gi]];
                push_window(scratch, d, (0, hay.len()));
                if let Some(st) = &mut scratch.stats {
                    st.detectors[d].hits += 1;
                }
            }
        }

        let t0 = scratch.stats.is_some().then(std::time::Instant::now);
        // Let a keyword that starts in the segment finish past its end.
        let search_end = (seg.end + self.max_keyword_len).min(hay.len());
        let mut lower = std::mem::take(&mut scratch.lower);
        self.prefilter
            .for_each_hit(&hay[seg.start..search_end], &mut lower, |s, e, k| {
                let start = seg.start + s;
                if start >= seg.end {
                    return;
                }
                let end = seg.start + e;
                for &d in self.detectors_of(k) {
                    if self.in_layer[d] {
                        if scratch.layer_hits.last() != Some(&start) {
                            scratch.layer_hits.push(start);
                        }
                        if let Some(st) = &mut scratch.stats {
                            st.detectors[d].hits += 1;
                        }
                        continue;
                    }
                    let det = self.catalog.detectors.head(d);
                    let w = (
                        start.saturating_sub(det.window_before),
                        (end + det.window_after).min(hay.len()),
                    );
                    push_window(scratch, d, w);
                    if let Some(st) = &mut scratch.stats {
                        st.detectors[d].hits += 1;
                    }
                }
            });
        scratch.lower = lower;
        if let (Some(t0), Some(st)) = (t0, &mut scratch.stats) {
            st.prefilter_ns += t0.elapsed().as_nanos() as u64;
            st.prefilter_bytes += seg.len() as u64;
        }

        for ti in 0..scratch.touched.len() {
            let d = scratch.touched[ti];
            let windows = &mut scratch.windows[d];
            windows.sort_unstable();
            merge(windows);
            // A window without a literal every match holds cannot match: it goes before the
            // detector is decoded or its regex compiled.
            let head = self.catalog.detectors.head(d);
            let required = &head.required;
            if !required.is_empty() {
                windows
                    .retain(|&(s, e)| crate::detectors::required::holds_all(&hay[s..e], required));
            }
            // Nor can one without the run of bytes every match holds (most often the secret).
            if let Some(run) = &head.required_run {
                windows.retain(|&(s, e)| run.in_window(&hay[s..e]));
            }
            if windows.is_empty() {
                continue;
            }
            let det = &self.catalog.detectors[d];
            let Some(compiled) = det.compiled() else {
                continue;
            };
            let locs = scratch.locs[d].get_or_insert_with(|| compiled.regex.create_captures());
            let stats = scratch.stats.as_mut().map(|st| &mut st.detectors[d]);
            let before = out.len();
            let t0 = stats.is_some().then(std::time::Instant::now);
            let mut runs = 0u64;
            let mut bytes = 0u64;
            for &w in windows.iter() {
                runs += 1;
                bytes += (w.1 - w.0) as u64;
                run_window(det, d, compiled, hay, w, locs, out);
            }
            if let (Some(st), Some(t0)) = (stats, t0) {
                st.regex_runs += runs;
                st.regex_bytes += bytes;
                st.matches += (out.len() - before) as u64;
                st.regex_ns += t0.elapsed().as_nanos() as u64;
            }
        }
        if let Some(layer) = &self.layer
            && !scratch.layer_hits.is_empty()
        {
            self.run_layer(layer, hay, path, scratch, out);
        }
    }

    /// Every assignment the generic layer reads in `hay`, whatever its score, with its feature
    /// values: `(detector index, value range, features)`. For fitting the model
    /// (`examples/generic_features.rs`, `benches/fit-generic.py`).
    pub fn layer_features(&self, hay: &[u8], path: &Path) -> Vec<(usize, Range<usize>, Vec<f64>)> {
        let Some(layer) = &self.layer else {
            return Vec::new();
        };
        let mut hits = Vec::new();
        self.prefilter
            .for_each_hit(hay, &mut Vec::new(), |s, _, k| {
                if self.detectors_of(k).iter().any(|&d| self.in_layer[d]) {
                    hits.push(s);
                }
            });
        hits.sort_unstable();
        hits.dedup();
        let file = FileKind::of(path);
        let mut out = Vec::new();
        Layer::for_each_line(hay, &hits, |line, hits| {
            out.extend(layer.features_at(hay, line, hits, file));
        });
        out
    }

    /// Hands the lines of the layer's keyword hits to the layer, one call per line.
    fn run_layer(
        &self,
        layer: &Layer,
        hay: &[u8],
        path: &Path,
        scratch: &mut Scratch,
        out: &mut Vec<RawMatch>,
    ) {
        let file = FileKind::of(path);
        let hits = &mut scratch.layer_hits;
        hits.sort_unstable();
        hits.dedup();
        scratch.candidates.clear();
        let candidates = &mut scratch.candidates;
        Layer::for_each_line(hay, hits, |line, hits| {
            layer.scan_line(hay, line, hits, file, candidates);
        });
        for c in scratch.candidates.drain(..) {
            if let Some(st) = &mut scratch.stats {
                st.detectors[c.detector].matches += 1;
            }
            out.push(RawMatch {
                detector: c.detector,
                secret: c.value,
                confidence: c.scored.confidence,
                scored: Some(Box::new(c.scored)),
                decoded: None,
            });
        }
    }

    /// Removes duplicates (from overlapping segments) and findings that a more specific detector
    /// explains: a generic finding yields to any specific one on the same bytes, and a detector
    /// yields to one that declares it `overrides` it.
    pub fn resolve(&self, mut v: Vec<RawMatch>) -> Vec<RawMatch> {
        v.sort_by(|a, b| {
            (a.secret.start, a.secret.end, a.detector).cmp(&(
                b.secret.start,
                b.secret.end,
                b.detector,
            ))
        });
        v.dedup();
        if v.len() < 2 {
            return v;
        }
        let mut keep = vec![true; v.len()];
        // Sorted by start: every pair that overlaps is (i, j) with i < j and start_j < end_i.
        for i in 0..v.len() {
            for j in i + 1..v.len() {
                if v[j].secret.start >= v[i].secret.end {
                    break;
                }
                // Two matches in the text one run decodes to overlap only if they overlap
                // there (a `.env` held in one value has many secrets).
                if let (Some(x), Some(y)) = (&v[i].decoded, &v[j].decoded)
                    && v[i].secret == v[j].secret
                    && (x.secret.end <= y.secret.start || y.secret.end <= x.secret.start)
                {
                    continue;
                }
                for (a, b) in [(i, j), (j, i)] {
                    let (da, db) = (v[a].detector, v[b].detector);
                    let generic = |i| self.catalog.detectors.head(i).generic;
                    let generic_yields = generic(da) && !generic(db);
                    // The layer guesses from a name; a regex that recognised the value wins.
                    let layer_yields = self.in_layer[da] && !self.in_layer[db];
                    if generic_yields || layer_yields || self.overrides[db].contains(&da) {
                        keep[a] = false;
                    }
                }
            }
        }
        let mut k = keep.into_iter();
        v.retain(|_| k.next().unwrap());
        v
    }
}

fn push_window(scratch: &mut Scratch, d: usize, w: (usize, usize)) {
    let list = &mut scratch.windows[d];
    if list.is_empty() {
        scratch.touched.push(d);
    }
    // Hits arrive in order; extend the last window instead of storing a new one when they
    // overlap, which keeps a file full of one keyword at O(1) memory per detector.
    if let Some(last) = list.last_mut()
        && w.0 >= last.0
        && w.0 <= last.1
    {
        last.1 = last.1.max(w.1);
        return;
    }
    list.push(w);
}

/// Sorted windows, overlapping ones merged, in place.
fn merge(windows: &mut Vec<(usize, usize)>) {
    let mut kept = 0;
    for i in 0..windows.len() {
        let (s, e) = windows[i];
        if kept > 0 && s <= windows[kept - 1].1 {
            windows[kept - 1].1 = windows[kept - 1].1.max(e);
        } else {
            windows[kept] = (s, e);
            kept += 1;
        }
    }
    windows.truncate(kept);
}

fn run_window(
    det: &Detector,
    d: usize,
    compiled: &crate::detectors::Compiled,
    hay: &[u8],
    (ws, we): (usize, usize),
    locs: &mut Captures,
    out: &mut Vec<RawMatch>,
) {
    // The bytes before `pos` stay in the haystack: `\b` and look-arounds see them.
    let search = |locs: &mut Captures, end: usize, pos: usize| {
        compiled
            .regex
            .search_captures(&Input::new(&hay[..end]).range(pos..), locs);
        locs.get_group(0).map(|m| (m.start, m.end))
    };
    let secret_of = |locs: &Captures| {
        locs.get_group(compiled.secret_group)
            .map(|s| (s.start, s.end))
    };
    let mut pos = ws;
    while pos <= we {
        let Some((mut ms, mut me)) = search(locs, we, pos) else {
            break;
        };
        let mut secret = secret_of(locs);
        if me == we && we < hay.len() {
            // The match may be cut by the window: look again with room to finish.
            let ext = (we + WINDOW_EXTENSION).min(hay.len());
            if let Some((s2, e2)) = search(locs, ext, ms)
                && s2 == ms
            {
                me = e2;
                secret = secret_of(locs);
            }
            ms = ms.min(me);
        }
        if let Some((ss, se)) = secret
            && accept(det, &hay[ss..se], &hay[ms..me])
        {
            out.push(RawMatch {
                detector: d,
                secret: ss..se,
                confidence: det.confidence,
                scored: None,
                decoded: None,
            });
        }
        pos = if me > ms { me } else { me + 1 };
    }
}

/// The checks after the regex: entropy floor, validators, placeholder filter, and for
/// generic detectors the filter of values that are not credentials (which needs
/// the whole match, `matched`, to see a URL's host).
fn accept(det: &Detector, secret: &[u8], matched: &[u8]) -> bool {
    if secret.is_empty() {
        return false;
    }
    if det
        .min_entropy
        .is_some_and(|min| shannon_entropy(secret) < min)
    {
        return false;
    }
    if !det.validators.iter().all(|v| v.check(secret)) {
        return false;
    }
    if placeholder::placeholder_reason(secret, det.known_prefix_len(secret)).is_some() {
        return false;
    }
    // `abc123`, `AKIAKIAKI`, `p4ssw0rd`: made up for an example, whoever matched it.
    if placeholder::made_up(secret) {
        return false;
    }
    // High-confidence generic detectors (git credential stores, `.netrc`) read a file whose
    // format says what the value is; the others guess from a shape and need the filter.
    !(det.generic
        && det.confidence != Confidence::High
        && placeholder::generic_reason(secret, matched).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::new(Catalog::builtin().unwrap()).unwrap()
    }

    #[test]
    fn segments_give_the_same_matches_as_one_pass() {
        let e = engine();
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&format!(
                "line {i} filler filler filler\nAWS_ACCESS_KEY_ID=AKIAZ2FAKE3CSWP7QX{}{}\n",
                (b'A' + (i % 26) as u8) as char,
                (b'B' + (i % 24) as u8) as char
            ));
        }
        let hay = text.as_bytes();
        let mut s = e.new_scratch();
        let whole = e.scan(hay, Path::new("x.txt"), &mut s);
        assert!(whole.len() >= 100, "{}", whole.len());
        let mut parts = Vec::new();
        let step = 997;
        let mut lo = 0;
        while lo < hay.len() {
            let hi = (lo + step).min(hay.len());
            e.scan_segment(hay, lo..hi, Path::new("x.txt"), lo == 0, &mut s, &mut parts);
            lo = hi;
        }
        assert_eq!(e.resolve(parts), whole);
    }

    #[test]
    fn a_token_longer_than_the_window_is_not_cut() {
        let e = engine();
        let body: String = (0..6000)
            .map(|i| ["QUJD", "ZGVm", "R2hp", "amts"][i % 4])
            .collect();
        let key = format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
            body.as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect::<Vec<_>>()
                .join("\n")
        );
        let mut s = e.new_scratch();
        let m = e.scan(key.as_bytes(), Path::new("k.pem"), &mut s);
        assert_eq!(m.len(), 1, "{m:?}");
        let d = e.detector(m[0].detector);
        assert_eq!(d.id, "private-key.rsa");
    }
}
