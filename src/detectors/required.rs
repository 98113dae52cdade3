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

use regex_syntax::hir::{Hir, HirKind};

/// At most this many literals are kept, the longest first: each costs a substring search of
/// every window, and the longest are the rarest.
const KEEP: usize = 3;

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

/// Whether `window` holds every literal of `required`.
pub fn holds_all(window: &[u8], required: &[&str]) -> bool {
    required
        .iter()
        .all(|r| memchr::memmem::find(window, r.as_bytes()).is_some())
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
    fn a_window_must_hold_every_literal() {
        assert!(holds_all(b"postgres://u:p@h", &["://", ":", "@"]));
        assert!(!holds_all(b"https://example.invalid", &["://", ":", "@"]));
        assert!(holds_all(b"anything", &[]));
    }

    /// Every built-in detector's positive examples contain its required literals (as written,
    /// or in the text a base64 run of them decodes to, where the engine matches them too): the
    /// shortcut never drops a window the regex would match.
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
                let decoded = crate::decode::base64_runs(b, 0..b.len())
                    .into_iter()
                    .filter_map(|r| crate::decode::base64_text(&b[r]))
                    .any(|t| holds_all(&t, req));
                assert!(
                    holds_all(b, req) || decoded,
                    "{}: {req:?} not in {text}",
                    d.id
                );
            }
        }
        assert!(with > 200, "{with} detectors have required literals");
    }
}
