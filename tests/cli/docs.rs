//! The documentation's own consistency: every relative link in the README, the guide and the
//! other Markdown files resolves (the file exists; an anchor names a heading of it), and the
//! hand-written pages hold no counts of the catalog, which only the generated tables give.

use std::path::{Path, PathBuf};

const PAGES: &[&str] = &[
    "README.md",
    "GUIDE.md",
    "docs/ci.md",
    "docs/verify.md",
    "benches/README.md",
    "detectors/README.md",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The text outside fenced code blocks.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-` and `_` dropped,
/// spaces made hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(page: &Path) -> Vec<String> {
    prose(&std::fs::read_to_string(page).unwrap())
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| anchor(l.trim_start_matches('#')))
        .collect()
}

#[test]
fn every_relative_link_resolves() {
    let link = regex::Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in PAGES {
        let path = root().join(page);
        let text = prose(&std::fs::read_to_string(&path).unwrap());
        for c in link.captures_iter(&text) {
            let target = &c[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, fragment) = target.split_once('#').unwrap_or((target, ""));
            let resolved: PathBuf = if file.is_empty() {
                path.clone()
            } else {
                path.parent().unwrap().join(file)
            };
            if !resolved.exists() {
                broken.push(format!("{page}: {target} (no such file)"));
            } else if !fragment.is_empty()
                && resolved.extension().is_some_and(|x| x == "md")
                && !anchors(&resolved).iter().any(|a| a == fragment)
            {
                broken.push(format!("{page}: {target} (no such heading)"));
            }
        }
    }
    assert!(checked > 30, "{checked} links");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn anchors_are_made_as_github_makes_them() {
    assert_eq!(
        anchor("Live verification (`--verify`)"),
        "live-verification---verify"
    );
    assert_eq!(
        anchor("Assessment: how long it lives, how much it can do"),
        "assessment-how-long-it-lives-how-much-it-can-do"
    );
}

/// Counts of the catalog go stale as detectors are added: the README and the guide leave them
/// to the generated tables (detectors/README.md, docs/verify.md).
#[test]
fn the_hand_written_pages_hold_no_catalog_counts() {
    let count = regex::Regex::new(
        r"(?i)\b\d[\d,]*\s+(?:built-in\s+)?(?:detectors|providers|keywords|stores|verif\w*)\b",
    )
    .unwrap();
    for page in ["README.md", "GUIDE.md"] {
        let text = std::fs::read_to_string(root().join(page)).unwrap();
        let found: Vec<&str> = count.find_iter(&text).map(|m| m.as_str()).collect();
        assert!(found.is_empty(), "{page}: {found:?}");
    }
}
