//! `credgate detectors check`: every detector against its own examples, through the real engine.
//!
//! A detector file carries positive examples (`«»` marks the secret each must yield, exactly)
//! and negative ones (which must yield nothing from that detector). This runs them, and checks
//! what the loader cannot: the regex compiles within its size limit with a `secret` group, and
//! there are at least two examples of each kind, since one example proves little about its
//! neighbours. The test suite runs it over the built-in catalog; users run it over their files.

use crate::detectors::{Detector, compile_checked, examples};
use crate::engine::Engine;
use crate::finding::redact;
use std::path::PathBuf;

/// One thing wrong with a detector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file it came from.
    pub source: String,
    /// Its id.
    pub detector: String,
    /// What is wrong, in one line. Secrets of examples are shown redacted.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: detector '{}': {}",
            self.source, self.detector, self.message
        )
    }
}

/// A path that the detector's first path glob matches, for path-triggered detectors.
fn example_path(globs: &[String]) -> PathBuf {
    match globs.first() {
        None => PathBuf::from("example.txt"),
        Some(g) => PathBuf::from(g.trim_start_matches("**/").replace('*', "x")),
    }
}

fn shown(secrets: &[String]) -> String {
    let r: Vec<String> = secrets.iter().map(|s| redact(s.as_bytes(), 0)).collect();
    format!("[{}]", r.join(", "))
}

/// Checks the pattern fragments against their examples (each positive matches the whole
/// fragment, each negative does not).
pub fn check_fragments() -> Vec<Problem> {
    let mut out = Vec::new();
    for f in crate::detectors::fragments::FRAGMENTS {
        let problem = |message: String| Problem {
            source: "src/detectors/fragments.rs".into(),
            detector: format!("{{{{{}}}}}", f.name),
            message,
        };
        let Ok(re) = regex::Regex::new(&format!("^(?:{})$", f.regex)) else {
            out.push(problem("invalid regex".into()));
            continue;
        };
        for (n, p) in f.positive.iter().enumerate() {
            if !re.is_match(p) {
                out.push(problem(format!("positive #{} does not match", n + 1)));
            }
        }
        for (n, x) in f.negative.iter().enumerate() {
            if re.is_match(x) {
                out.push(problem(format!("negative #{} matches", n + 1)));
            }
        }
    }
    out
}

/// Checks the detectors of `engine`'s catalog that `select` picks.
pub fn check(engine: &Engine, select: &dyn Fn(&Detector) -> bool) -> Vec<Problem> {
    let mut scratch = engine.new_scratch();
    let mut out = Vec::new();
    for (i, d) in engine.catalog().detectors.iter().enumerate() {
        if !select(d) {
            continue;
        }
        let mut problem = |message: String| {
            out.push(Problem {
                source: d.source.clone(),
                detector: d.id.clone(),
                message,
            })
        };
        if d.assignment.is_none()
            && let Err(e) = compile_checked(d)
        {
            problem(crate::util::one_line(&format!("{e:#}")));
            continue;
        }
        for (kind, n) in [
            ("positive", d.positive.len()),
            ("negative", d.negative.len()),
        ] {
            if n < 2 {
                problem(format!("{n} {kind} example(s); at least 2 are needed"));
            }
        }
        let path = example_path(&d.paths);
        let mut found_by_it = |text: &str| -> Vec<String> {
            engine
                .scan(text.as_bytes(), &path, &mut scratch)
                .into_iter()
                // Judged at the default confidence, as a user sees them.
                .filter(|m| m.detector == i && m.confidence >= crate::model::Confidence::Medium)
                .map(|m| String::from_utf8_lossy(&text.as_bytes()[m.secret]).into_owned())
                .collect()
        };
        for (n, raw) in d.positive.iter().enumerate() {
            let ex = examples::prepare(raw);
            if ex.secrets.is_empty() {
                problem(format!("positive #{}: marks no secret with «»", n + 1));
                continue;
            }
            let found = found_by_it(&ex.text);
            if found != ex.secrets {
                problem(format!(
                    "positive #{}: expected {}, found {}",
                    n + 1,
                    shown(&ex.secrets),
                    shown(&found)
                ));
            }
        }
        for (n, raw) in d.negative.iter().enumerate() {
            let ex = examples::prepare(raw);
            let found = found_by_it(&ex.text);
            if !found.is_empty() {
                problem(format!("negative #{}: found {}", n + 1, shown(&found)));
            }
        }
        if d.remediation.trim().is_empty() {
            problem("no remediation".into());
        }
    }
    out
}
