//! The literals every match of a detector's pattern contains (`://`, `:` and `@` for a password
//! in a URL), found in the pattern's syntax tree once, at build time for the built-in catalog.
//!
//! Why: a keyword hit says a detector might match; its regex says whether it does, and the
//! regex must be compiled first (a quarter of a millisecond for a typical pattern, the largest
//! cost of a one-file scan or a hook call). A window that lacks one of the literals cannot hold
//! a match, so the engine drops it before compiling or running anything: `https://` in a file
//! without an `@` no longer compiles the URL-credentials regex.
//!
//! A literal is required only where the tree makes it so: a literal of a concatenation, inside
//! captures and repetitions of at least one. Alternations, optional parts and case-insensitive
//! letters (which the parser turns into classes) give none, so the answer errs towards fewer
//! literals, never towards a wrong one.
//!
//! The same reading gives a run of one byte class every match holds ([`Run`]): most
//! credentials are one, and a window near a provider's name with no 32 hex digits in a row
//! cannot hold that provider's 32-hex-digit key.

use regex_syntax::hir::{Class, Hir, HirKind};
use serde::{Deserialize, Serialize};

/// At most this many literals are kept, the longest first: each costs a substring search of
/// every window, and the longest are the rarest.
const KEEP: usize = 3;

/// A run shorter than this is not kept: in source code, runs of eight or so letters and digits
/// are in every window, so the test would drop none.
const SHORTEST_RUN: u32 = 16;

/// A run of bytes every match of a pattern contains: at least `min` in a row, each in `class`
/// (a 256-bit set). Most credentials are one (`[0-9a-f]{32}` after a provider's name), and a
/// window that holds none cannot match: the test reads about one byte in `min` of a window
/// without such a run, where the regex would read them all (or, for patterns with bounded
/// repetitions of "any byte" around a name, build a large lazy DFA first).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Run {
    pub class: [u64; 4],
    pub min: u32,
}

impl Run {
    fn holds(&self, b: u8) -> bool {
        self.class[usize::from(b >> 6)] >> (b & 63) & 1 == 1
    }

    /// Whether `window` holds the run. From each place a run could start, the byte `min - 1`
    /// ahead is read first, and the first byte found outside the class, reading back, is
    /// passed, as in Boyer-Moore's skip loop.
    pub fn in_window(&self, window: &[u8]) -> bool {
        let m = self.min as usize;
        let mut start = 0;
        while start + m <= window.len() {
            match window[start..start + m]
                .iter()
                .rposition(|&b| !self.holds(b))
            {
                None => return true,
                Some(k) => start += k + 1,
            }
        }
        false
    }
}

/// The longest run of one byte class that every match of `pattern` contains (fragments
/// expanded, ASCII byte semantics), if it is at least [`SHORTEST_RUN`] long: a class repeated
/// at least that many times, in a place the syntax tree makes mandatory (as for literals,
/// below). Of two as long, the smaller class.
pub fn required_run(pattern: &str) -> Option<Run> {
    let hir = syntax_tree(pattern)?;
    let mut best = None;
    collect_runs(&hir, &mut best);
    best.filter(|r: &Run| r.min >= SHORTEST_RUN)
}

fn collect_runs(h: &Hir, best: &mut Option<Run>) {
    match h.kind() {
        HirKind::Capture(c) => collect_runs(&c.sub, best),
        HirKind::Concat(parts) => parts.iter().for_each(|p| collect_runs(p, best)),
        HirKind::Repetition(r) if r.min >= 1 => match (r.sub.kind(), class_set(&r.sub)) {
            (HirKind::Class(_), Some(class)) => {
                let run = Run { class, min: r.min };
                let size = |r: &Run| r.class.iter().map(|w| w.count_ones()).sum::<u32>();
                if best.as_ref().is_none_or(|b| {
                    (run.min, std::cmp::Reverse(size(&run))) > (b.min, std::cmp::Reverse(size(b)))
                }) {
                    *best = Some(run);
                }
            }
            _ => collect_runs(&r.sub, best),
        },
        _ => {}
    }
}

/// The bytes a class matches, as a 256-bit set; `None` for a Unicode class beyond ASCII (a
/// character there is several bytes, none of them the character).
fn class_set(h: &Hir) -> Option<[u64; 4]> {
    let HirKind::Class(c) = h.kind() else {
        return None;
    };
    let ranges: Vec<(u8, u8)> = match c {
        Class::Bytes(b) => b.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        Class::Unicode(u) => u
            .ranges()
            .iter()
            .map(|r| Some((ascii(r.start())?, ascii(r.end())?)))
            .collect::<Option<_>>()?,
    };
    let mut set = [0u64; 4];
    for (a, z) in ranges {
        for b in a..=z {
            set[usize::from(b >> 6)] |= 1 << (b & 63);
        }
    }
    Some(set)
}

fn ascii(c: char) -> Option<u8> {
    u8::try_from(c).ok().filter(u8::is_ascii)
}

/// The literals every match of `pattern` (fragments expanded, ASCII byte semantics as the engine
/// compiles it) contains, longest first. Empty when the pattern does not parse (loading the
/// detector reports that) or has none.
pub fn required_literals(pattern: &str) -> Vec<String> {
    let Some(hir) = syntax_tree(pattern) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    collect(&hir, &mut found);
    let mut out: Vec<String> = found
        .into_iter()
        .filter_map(|b| String::from_utf8(b).ok())
        .collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out.dedup();
    out.truncate(KEEP);
    out
}

/// The syntax tree of `pattern` with its fragments expanded, parsed with the ASCII byte
/// semantics the engine compiles it with; `None` when it does not parse.
pub fn syntax_tree(pattern: &str) -> Option<Hir> {
    let expanded = super::fragments::expand(pattern).ok()?;
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&expanded)
        .ok()
}

fn collect(h: &Hir, out: &mut Vec<Vec<u8>>) {
    match h.kind() {
        HirKind::Literal(l) => out.push(l.0.to_vec()),
        HirKind::Capture(c) => collect(&c.sub, out),
        HirKind::Repetition(r) if r.min >= 1 => collect(&r.sub, out),
        HirKind::Concat(parts) => parts.iter().for_each(|p| collect(p, out)),
        _ => {}
    }
}

/// Whether `window` holds every literal of `required`. Windows are a few hundred bytes and
/// the literals a few (`://`, `@`): a `memmem` searcher set up per window and literal cost more
/// than the search.
pub fn holds_all(window: &[u8], required: &[&str]) -> bool {
    required
        .iter()
        .all(|r| crate::bytes::holds(window, r.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_in_mandatory_places_only() {
        let url = r#"\b(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]{1,20})://(?P<user>[^\s:/@"'<>`\\]{0,64}):(?P<secret>[^\s:/@"'<>`\\]{3,128})@(?P<host>[A-Za-z0-9][A-Za-z0-9.\-]*)"#;
        assert_eq!(required_literals(url), ["://", ":", "@"]);
        assert_eq!(
            required_literals(r"ghp_(?P<secret>[A-Za-z0-9]{36})"),
            ["ghp_"]
        );
        // Case-insensitive letters are classes; the non-letters stay literal.
        assert_eq!(required_literals(r"(?i)api[_-]key=(?P<secret>\w+)"), ["="]);
        // Optional parts and alternations give nothing.
        assert!(required_literals(r"(?:xoxb-|xoxp-)(?P<secret>\d+)").is_empty());
        assert!(required_literals(r"(?:tok_)?(?P<secret>\d+)").is_empty());
        assert_eq!(required_literals(r"(?:ab_){2,}(?P<secret>x)"), ["ab_", "x"]);
        assert!(required_literals("(unclosed").is_empty());
        // Fragments are expanded first.
        assert_eq!(required_literals(r"k_(?P<secret>\d+){{end}}"), ["k_"]);
    }

    #[test]
    fn runs_of_one_class_in_mandatory_places_only() {
        let hex = |p: &str| {
            required_run(p).map(|r| {
                (
                    r.min,
                    (0..=255u8).filter(|&b| r.holds(b)).collect::<Vec<u8>>(),
                )
            })
        };
        let digits_hex: Vec<u8> = (b'0'..=b'9').chain(b'a'..=b'f').collect();
        assert_eq!(
            hex(r"datadog\w{0,20}=(?P<secret>[0-9a-f]{32}){{end}}"),
            Some((32, digits_hex.clone()))
        );
        // Case-insensitive letters are in the class in both cases; the longest run wins, and
        // of two as long the smaller class.
        assert_eq!(
            required_run(r"(?i)(?P<secret>[a-f]{20})")
                .unwrap()
                .class
                .iter()
                .map(|w| w.count_ones())
                .sum::<u32>(),
            12
        );
        assert_eq!(
            hex(r"[A-Za-z]{16}x(?P<secret>[0-9a-f]{16})").unwrap().1,
            digits_hex
        );
        assert_eq!(hex(r"[0-9]{16}[A-Za-z]{17}").unwrap().0, 17);
        // A repetition of at least one keeps what its body must hold.
        assert_eq!(hex(r"(?:-[0-9a-f]{16})+").unwrap().0, 16);
        // Too short, optional, in an alternation, or not one class: none.
        assert!(required_run(r"[0-9a-f]{15}").is_none());
        assert!(required_run(r"(?:[0-9a-f]{32})?").is_none());
        assert!(required_run(r"[0-9a-f]{0,40}").is_none());
        assert!(required_run(r"(?:[0-9a-f]{32}|x)").is_none());
        assert!(required_run(r"(?:ab){20}").is_none());
        assert!(required_run("(unclosed").is_none());
    }

    /// The skipping search against reading every byte, over windows built to put runs one
    /// byte short and exactly long at every place.
    #[test]
    fn in_window_finds_what_a_byte_by_byte_reading_finds() {
        let run = required_run(r"[0-9a-f]{16}").unwrap();
        let naive = |w: &[u8]| {
            let mut n = 0;
            w.iter().any(|&b| {
                n = if run.holds(b) { n + 1 } else { 0 };
                n >= 16
            })
        };
        let mut seed = 7u32;
        for _ in 0..5000 {
            let len = (seed % 80) as usize;
            let w: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    // Mostly hex, so that long runs occur and are often cut.
                    if (seed >> 16).is_multiple_of(23) {
                        b'g'
                    } else {
                        b"0123456789abcdef"[(seed >> 20) as usize % 16]
                    }
                })
                .collect();
            assert_eq!(
                run.in_window(&w),
                naive(&w),
                "{}",
                String::from_utf8_lossy(&w)
            );
        }
        assert!(run.in_window(b"xx0123456789abcdef"));
        assert!(!run.in_window(b"0123456789abcdeX0123456789abcde"));
        assert!(!run.in_window(b""));
    }

    #[test]
    fn a_window_must_hold_every_literal() {
        assert!(holds_all(b"postgres://u:p@h", &["://", ":", "@"]));
        assert!(!holds_all(b"https://example.invalid", &["://", ":", "@"]));
        assert!(holds_all(b"anything", &[]));
    }

    /// Every built-in detector's positive examples contain its required literals and run (as
    /// written, or in the text a base64 run of them decodes to, where the engine matches them
    /// too): the shortcuts never drop a window the regex would match.
    #[test]
    fn built_in_examples_hold_their_literals() {
        let c = crate::detectors::Catalog::builtin().unwrap();
        let mut with = 0;
        for (i, d) in c.detectors.iter().enumerate() {
            let req = &c.detectors.head(i).required;
            with += usize::from(!req.is_empty());
            for ex in &d.positive {
                let text =
                    crate::detectors::examples::expand_generators(ex).replace(['«', '»'], "");
                let b = text.as_bytes();
                let run = &c.detectors.head(i).required_run;
                let holds =
                    |t: &[u8]| holds_all(t, req) && run.as_ref().is_none_or(|r| r.in_window(t));
                let decoded = crate::decode::base64_runs(b, 0..b.len())
                    .into_iter()
                    .filter_map(|r| crate::decode::base64_text(&b[r]))
                    .any(|t| holds(&t));
                assert!(
                    holds(b) || decoded,
                    "{}: {req:?} or {run:?} not in {text}",
                    d.id
                );
            }
        }
        assert!(with > 200, "{with} detectors have required literals");
        let runs = c
            .detectors
            .heads()
            .filter(|h| h.required_run.is_some())
            .count();
        assert!(runs > 300, "{runs} detectors have a required run");
    }
}
