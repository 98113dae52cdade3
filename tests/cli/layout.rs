//! The crate's module graph has no cycles: each top-level module of `src/` uses only modules
//! below it in the data's path (see the tree in `src/lib.rs`), so any part can be read, tested
//! or split into its own crate from the bottom up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `crate::x` references of each top-level module, outside comments and unit tests.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p.strip_prefix(&src).unwrap();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_string_lossy();
            let top = first.trim_end_matches(".rs").to_string();
            if top == "main" || top == "lib" {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            let deps = edges.entry(top.clone()).or_default();
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    let name: String = line[i + "crate::".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !name.is_empty() && name != top {
                        deps.insert(name);
                    }
                }
            }
        }
    }
    edges
}

/// A cycle through `from`, if there is one: the path back to it.
fn cycle(
    edges: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    at: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    for next in edges.get(at).into_iter().flatten() {
        if next == from {
            let mut c = path.clone();
            c.push(next.clone());
            return Some(c);
        }
        if path.contains(next) {
            continue;
        }
        path.push(next.clone());
        if let Some(c) = cycle(edges, from, next, path) {
            return Some(c);
        }
        path.pop();
    }
    None
}

#[test]
fn the_module_graph_has_no_cycles() {
    let edges = graph();
    assert!(edges.len() > 15, "{edges:?}");
    assert!(edges["pipeline"].contains("engine"), "the scan finds edges");
    let cycles: Vec<String> = edges
        .keys()
        .filter_map(|m| cycle(&edges, m, m, &mut vec![m.clone()]))
        .map(|c| c.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "module cycles:\n{}", cycles.join("\n"));
    // The vocabulary is a leaf, and the detector schema knows nothing of what uses it.
    assert!(edges["model"].is_empty(), "{:?}", edges["model"]);
    for m in [
        "assessment",
        "verify",
        "finding",
        "pipeline",
        "cli",
        "report",
    ] {
        assert!(!edges["detectors"].contains(m), "detectors uses {m}");
    }
}

#[test]
fn the_check_finds_a_cycle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("a".into());
    assert_eq!(
        cycle(&edges, "a", "a", &mut vec!["a".into()]),
        Some(vec!["a".into(), "b".into(), "a".into()])
    );
}
