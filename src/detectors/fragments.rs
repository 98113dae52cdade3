//! Named pieces of detector patterns, written once. A `pattern` may use `{{NAME}}`; the loader
//! expands it before compiling, so a change to how assignments are recognised is one line here
//! instead of an edit to every detector file that pasted the same regex.

/// One named fragment, with examples the unit tests check (each positive matches the whole
/// fragment, each negative does not).
pub struct Fragment {
    pub name: &'static str,
    pub regex: &'static str,
    /// What it matches, as `detectors/README.md` says it (a test keeps the two the same).
    #[cfg_attr(not(test), allow(dead_code))]
    pub doc: &'static str,
    pub positive: &'static [&'static str],
    pub negative: &'static [&'static str],
}

/// The fragments, by name.
pub const FRAGMENTS: &[Fragment] = &[
    Fragment {
        name: "assign",
        regex: r#"(?:["'\]]{0,2}[ \t]*(?:[:=]|:=|=>)[ \t]*["'`]?|>)"#,
        doc: "between a name and its value: `=`, `:`, `:=` or `=>` with spaces, the name's closing quote or bracket before and the value's opening quote after (`KEY=`, `\"key\": \"`, `['key'] = '`, `key => '`), or the `>` that closes an XML element (`<key>`)",
        positive: &["=", " = \"", "\": \"", "'] = '", " => '", ":=", ": `", ">"],
        negative: &["==\"\"", " is ", "-", ""],
    },
    Fragment {
        name: "end",
        regex: r"(?:[^A-Za-z0-9_\-]|$)",
        doc: "after a value: a character that cannot continue it, or the end of the text, so that a longer token is not cut to the length the pattern wants",
        positive: &["\"", " ", ";", ""],
        negative: &["a", "_", "-", "9"],
    },
];

/// `pattern` with every `{{NAME}}` replaced by its fragment. An unknown name is an error that
/// lists the known ones.
pub fn expand(pattern: &str) -> Result<String, String> {
    if !pattern.contains("{{") {
        return Ok(pattern.to_string());
    }
    let mut out = String::with_capacity(pattern.len() + 64);
    let mut rest = pattern;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| format!("pattern has '{{{{' without '}}}}' at byte {open}"))?;
        let name = &after[..close];
        let f = FRAGMENTS.iter().find(|f| f.name == name).ok_or_else(|| {
            let known: Vec<&str> = FRAGMENTS.iter().map(|f| f.name).collect();
            format!(
                "unknown pattern fragment {{{{{name}}}}} (known: {})",
                known.join(", ")
            )
        })?;
        out.push_str(f.regex);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fragment_matches_its_examples() {
        for f in FRAGMENTS {
            let re = regex::Regex::new(&format!("^(?:{})$", f.regex)).unwrap();
            assert!(f.positive.len() >= 2 && f.negative.len() >= 2, "{}", f.name);
            for p in f.positive {
                assert!(re.is_match(p), "{{{{{}}}}} should match {p:?}", f.name);
            }
            for n in f.negative {
                assert!(!re.is_match(n), "{{{{{}}}}} should not match {n:?}", f.name);
            }
        }
    }

    #[test]
    fn the_detector_readme_lists_every_fragment() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/detectors/README.md"))
                .unwrap();
        for f in FRAGMENTS {
            let row = format!("| `{{{{{}}}}}` | {} |", f.name, f.doc);
            assert!(
                readme.contains(&row),
                "detectors/README.md lacks the row:\n{row}"
            );
        }
    }

    #[test]
    fn expansion() {
        assert_eq!(expand("a{{end}}").unwrap(), r"a(?:[^A-Za-z0-9_\-]|$)");
        assert_eq!(expand("x{2}").unwrap(), "x{2}");
        let e = expand("k{{asign}}v").unwrap_err();
        assert!(
            e.contains("unknown pattern fragment {{asign}} (known: assign, end)"),
            "{e}"
        );
        assert!(expand("k{{assign").is_err());
    }
}
