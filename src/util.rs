//! Small text helpers that every output shares.

/// `n` and the noun, plural unless `n` is 1: "1 rule", "2 rules".
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A message on one line: runs of whitespace (newlines included) become one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
