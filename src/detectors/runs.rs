//! The longest run of letters and digits that every match of a detector's pattern contains,
//! read from the pattern's syntax tree. A measurement for the throughput work of issue 17, not
//! used by the engine (so compiled for tests only): `cargo test --release --lib anchor_survey
//! -- --ignored --nocapture` prints how much of the catalog could be gated on such runs.
//!
//! The idea it measures: most credentials are a long run of letters and digits (a 40-character
//! hex digest, the 36 characters after `ghp_`). A detector whose every match holds one needs
//! its keywords looked for only near such a run, runs are cheap to find 64 bytes at a time,
//! and the keyword automaton (one byte a cycle) could then skip the rest of a file. It pays
//! only if the detectors that cannot be gated so have few enough keywords for a SIMD literal
//! search (tens); `benches/README.md` has the answer (they have about 190).
//!
//! The answer is a lower bound, exact for concatenations of literals and classes repeated a
//! fixed number of times (the shape of most token formats) and smaller than the truth
//! elsewhere: an alternation gives the least of its branches, an optional part or a class that
//! holds anything but letters and digits ends a run.

use regex_syntax::hir::{Class, Hir, HirKind};

/// What is known of the runs of letters and digits in every string a sub-pattern matches.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Runs {
    /// Every string is letters and digits only, at least this long.
    Pure(usize),
    /// Every string starts with a run at least `head` long, ends with one at least `tail`
    /// long, and holds one at least `best` long (each a lower bound), and is not pure.
    Mixed {
        head: usize,
        tail: usize,
        best: usize,
    },
}

use Runs::{Mixed, Pure};

const BROKEN: Runs = Mixed {
    head: 0,
    tail: 0,
    best: 0,
};

impl Runs {
    fn best(self) -> usize {
        match self {
            Pure(n) => n,
            Mixed { best, .. } => best,
        }
    }

    fn mixed(self) -> (usize, usize, usize) {
        match self {
            Pure(n) => (n, n, n),
            Mixed { head, tail, best } => (head, tail, best),
        }
    }

    fn then(self, next: Runs) -> Runs {
        match (self, next) {
            (Pure(a), Pure(b)) => Pure(a + b),
            (Pure(a), Mixed { head, tail, best }) => Mixed {
                head: a + head,
                tail,
                best: best.max(a + head),
            },
            (Mixed { head, tail, best }, Pure(b)) => Mixed {
                head,
                tail: tail + b,
                best: best.max(tail + b),
            },
            (
                Mixed { head, tail, best },
                Mixed {
                    head: h2,
                    tail: t2,
                    best: b2,
                },
            ) => Mixed {
                head,
                tail: t2,
                best: best.max(b2).max(tail + h2),
            },
        }
    }

    fn or(self, other: Runs) -> Runs {
        match (self, other) {
            (Pure(a), Pure(b)) => Pure(a.min(b)),
            _ => {
                let (h1, t1, b1) = self.mixed();
                let (h2, t2, b2) = other.mixed();
                Mixed {
                    head: h1.min(h2),
                    tail: t1.min(t2),
                    best: b1.min(b2),
                }
            }
        }
    }
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The guaranteed run of letters and digits in every match of `pattern` (fragments expanded,
/// ASCII byte semantics as the engine compiles it); 0 when it does not parse.
pub fn min_alnum_run(pattern: &str) -> usize {
    super::required::syntax_tree(pattern).map_or(0, |hir| runs(&hir).best())
}

fn runs(h: &Hir) -> Runs {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Pure(0),
        HirKind::Literal(l) => {
            l.0.iter()
                .map(|&b| if alnum(b) { Pure(1) } else { BROKEN })
                .fold(Pure(0), Runs::then)
        }
        HirKind::Class(c) => {
            if class_is_alnum(c) {
                Pure(1)
            } else {
                BROKEN
            }
        }
        HirKind::Capture(c) => runs(&c.sub),
        HirKind::Repetition(r) => {
            let one = runs(&r.sub);
            match (one, r.min) {
                (Pure(n), min) => Pure(n * min as usize),
                (_, 0) => BROKEN,
                (m, 1) => m,
                (Mixed { head, tail, best }, _) => Mixed {
                    head,
                    tail,
                    best: best.max(tail + head),
                },
            }
        }
        HirKind::Concat(parts) => parts.iter().map(runs).fold(Pure(0), Runs::then),
        HirKind::Alternation(alts) => alts.iter().map(runs).reduce(Runs::or).unwrap_or(Pure(0)),
    }
}

/// Whether every byte the class matches is a letter or a digit (an empty class matches
/// nothing, and nothing breaks a run).
fn class_is_alnum(c: &Class) -> bool {
    match c {
        Class::Bytes(b) => b.ranges().iter().all(|r| (r.start()..=r.end()).all(alnum)),
        Class::Unicode(u) => u
            .ranges()
            .iter()
            .all(|r| (r.start()..=r.end()).all(|ch| ch.is_ascii() && alnum(ch as u8))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_common_token_shapes() {
        assert_eq!(min_alnum_run(r"ghp_(?P<secret>[A-Za-z0-9]{36})"), 36);
        assert_eq!(min_alnum_run(r"\bAKIA[A-Z0-9]{16}\b"), 20);
        assert_eq!(min_alnum_run(r"[a-f0-9]{32}"), 32);
        // A separator class ends a run; the longest piece counts.
        assert_eq!(
            min_alnum_run(r"[A-Za-z0-9]{6}\.[A-Za-z0-9]{6}:[A-Za-z0-9]{43}"),
            43
        );
        assert_eq!(min_alnum_run(r"[A-Za-z0-9_\-]{43}"), 0);
        // Alternations give their least branch; optional parts nothing.
        assert_eq!(min_alnum_run(r"(?:[a-z]{20}|[0-9]{30})"), 20);
        assert_eq!(min_alnum_run(r"x[a-z]{10}(?:-)?[a-z]{10}"), 11);
        assert_eq!(min_alnum_run(r"[a-z]{10}[a-z]?[a-z]{10}"), 20);
        // Repetitions of a mixed piece join its tail and head.
        assert_eq!(min_alnum_run(r"(?:-[a-z]{8}-){3}"), 8);
        assert_eq!(min_alnum_run(r"(?:[a-z]{4}-[a-z]{8}){2}"), 12);
        assert_eq!(min_alnum_run(r"(?i)api_key=(?P<secret>\w+)"), 3);
        assert_eq!(min_alnum_run("(unclosed"), 0);
        assert_eq!(min_alnum_run(r"k_(?P<secret>[0-9a-z]{24}){{end}}"), 24);
    }
}

#[cfg(test)]
mod survey {
    /// For runs of 16, 20 and 24: how many detectors every match of which holds one (and whose
    /// windows are at most 1 KiB), and the keywords of all the others, reduced to those that
    /// hold no other (each occurrence of `password` holds `pass`).
    #[test]
    #[ignore = "a measurement: prints the survey"]
    fn anchor_survey() {
        let c = crate::detectors::Catalog::builtin().unwrap();
        for k in [16usize, 20, 24] {
            let mut gated = 0;
            let mut always: Vec<String> = Vec::new();
            for d in c.detectors.iter() {
                let run = if d.assignment.is_some() {
                    0
                } else {
                    super::min_alnum_run(&d.pattern)
                };
                if run >= k && d.window_after <= 1024 && d.window_before <= 1024 {
                    gated += 1;
                } else {
                    always.extend(d.keywords.iter().map(|s| s.to_ascii_lowercase()));
                }
            }
            always.sort();
            always.dedup();
            let anchors: Vec<&String> = always
                .iter()
                .filter(|a| !always.iter().any(|b| b != *a && a.contains(b.as_str())))
                .collect();
            eprintln!(
                "K={k}: gated {gated}, always-on keywords {}, anchors {}: {:?}",
                always.len(),
                anchors.len(),
                anchors
            );
        }
    }
}
