//! Small text helpers that every output shares.

/// `n` and the noun, plural unless `n` is 1: "1 rule", "2 rules".
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A message on one line: runs of whitespace (newlines included) become one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `a/./b/../c` as `a/c`, without touching the disk (a root given as `../x` or `./src`).
pub fn normalize(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The nearest directory at or above `dir` that holds `.git` (a directory, or a file in linked
/// worktrees and submodules).
pub fn work_tree_of(dir: &std::path::Path) -> Option<std::path::PathBuf> {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(std::path::Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_and_lines() {
        assert_eq!(super::count(1, "rule"), "1 rule");
        assert_eq!(super::count(0, "rule"), "0 rules");
        assert_eq!(super::one_line("a\n  b\tc "), "a b c");
    }
}
