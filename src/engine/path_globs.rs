//! Detectors' path globs (`paths = ["**/.docker/config.json", "*.p12"]`): a file they match is
//! handed to the detector whole, keywords or not.
//!
//! Building the `GlobSet` over the catalog's 27 globs cost 1.3 M instructions, a fifth of a
//! one-file scan, and almost no file matches one. So each glob's literal tail (what a matching
//! file name must end with: `config.json`, `.p12`) is checked first, and the set is built the
//! first time a file name ends with one. Parsing the globs themselves (0.26 M) waits for that
//! too: the built-in ones are checked by the tests, a user's by [`crate::engine::Engine::new`].

use globset::{GlobSet, GlobSetBuilder};
use std::path::Path;
use std::sync::OnceLock;

/// The path globs of a catalog, each with its detector.
pub struct PathGlobs {
    /// As the detector wrote them (valid: see the module's note).
    globs: Vec<&'static str>,
    /// For each glob, the literal its matches' file names end with ("" when it cannot tell).
    tails: Vec<String>,
    /// The last bytes of the tails, so that most file names are turned away after one lookup
    /// instead of a comparison with each tail (every file comes here); all of them when a tail
    /// is "".
    last_bytes: [bool; 256],
    /// For each glob, its detector.
    pub detectors: Vec<usize>,
    set: OnceLock<GlobSet>,
}

impl PathGlobs {
    pub fn new(globs: Vec<(&'static str, usize)>) -> PathGlobs {
        let tails: Vec<String> = globs.iter().map(|(g, _)| tail(g)).collect();
        let mut last_bytes = [false; 256];
        for t in &tails {
            match t.as_bytes().last() {
                Some(&b) => last_bytes[b as usize] = true,
                None => last_bytes = [true; 256],
            }
        }
        let (globs, detectors) = globs.into_iter().unzip();
        PathGlobs {
            globs,
            tails,
            last_bytes,
            detectors,
            set: OnceLock::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }

    /// The indices of the globs `path` matches, into `hits` (cleared first).
    pub fn matches_into(&self, path: &Path, hits: &mut Vec<usize>) {
        hits.clear();
        let name = path
            .file_name()
            .map(|n| n.as_encoded_bytes())
            .unwrap_or(b"");
        if !name.last().is_none_or(|&b| self.last_bytes[b as usize])
            || !self.tails.iter().any(|t| name.ends_with(t.as_bytes()))
        {
            return;
        }
        let set = self.set.get_or_init(|| {
            let mut b = GlobSetBuilder::new();
            for g in &self.globs {
                b.add(crate::path_glob::path_glob(g).expect("a checked glob"));
            }
            b.build().expect("a set of valid globs")
        });
        set.matches_into(path, hits);
    }
}

/// The literal that ends every file name `glob` matches: what follows its last
/// metacharacter, within its last path component; "" when the glob ends in one or escapes.
fn tail(glob: &str) -> String {
    if glob.contains('\\') {
        return String::new();
    }
    let after_meta = glob
        .rfind(['*', '?', '[', ']', '{', '}'])
        .map_or(glob, |i| &glob[i + 1..]);
    after_meta
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(gs: &[&'static str]) -> PathGlobs {
        PathGlobs::new(gs.iter().enumerate().map(|(i, g)| (*g, i)).collect())
    }

    fn hits(p: &PathGlobs, path: &str) -> Vec<usize> {
        let mut v = Vec::new();
        p.matches_into(Path::new(path), &mut v);
        v.sort_unstable();
        v
    }

    #[test]
    fn tails_are_what_matching_names_end_with() {
        assert_eq!(tail("**/.docker/config.json"), "config.json");
        assert_eq!(tail("**/.railway/config*.json"), ".json");
        assert_eq!(tail("**/*.p12"), ".p12");
        assert_eq!(tail("**/.netrc"), ".netrc");
        assert_eq!(tail("**/*.{p12,pfx}"), "");
        assert_eq!(tail("**/a\\*b"), "");
        assert_eq!(tail("**/config/credentials/*"), "");
    }

    #[test]
    fn matches_as_the_set_does_and_builds_it_only_for_candidates() {
        let p = globs(&[
            "**/.docker/config.json",
            "**/.railway/config*.json",
            "*.p12",
            ".netrc",
        ]);
        assert!(hits(&p, "src/main.py").is_empty());
        assert!(p.set.get().is_none(), "no file name ends with a tail");
        assert_eq!(hits(&p, "home/.docker/config.json"), [0]);
        assert_eq!(hits(&p, "x/.railway/config-prod.json"), [1]);
        assert_eq!(hits(&p, "a/b/cert.p12"), [2]);
        assert_eq!(hits(&p, ".netrc"), [3]);
        assert!(hits(&p, "other/config.json").is_empty());
        assert!(p.set.get().is_some());
        // A glob whose tail cannot be told lets every name through to the set.
        let p = globs(&["*.p12", "**/*.{pfx,jks}"]);
        assert_eq!(hits(&p, "a/b/cert.pfx"), [1]);
        assert_eq!(hits(&p, "a/b/store.jks"), [1]);
        assert!(hits(&p, "a/b/cert.pem").is_empty());
    }

    /// Every built-in glob's tail is a suffix of a name it matches (built from the glob by
    /// filling its wildcards), so the shortcut never hides a match the set would make.
    #[test]
    fn built_in_globs_match_through_their_tails() {
        let c = crate::detectors::Catalog::builtin().unwrap();
        let all: Vec<(&'static str, usize)> = c
            .detectors
            .heads()
            .enumerate()
            .flat_map(|(i, h)| h.paths.iter().map(move |g| (*g, i)))
            .collect();
        assert!(all.len() >= 20);
        let p = PathGlobs::new(all.clone());
        for (k, (g, _)) in all.iter().enumerate() {
            let g = crate::path_glob::path_glob(g).unwrap();
            let example = g.glob().replace("**/", "dir/").replace('*', "x");
            if example.contains(['{', '[', '?']) {
                continue;
            }
            assert!(
                hits(&p, &example).contains(&k),
                "{} via {example}",
                g.glob()
            );
        }
    }
}
