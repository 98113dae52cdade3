//! Whether a file belongs to a third-party package as its registry published it: a crate in
//! cargo's registry or a `cargo vendor` tree, an npm package under `node_modules`, a Python
//! distribution under `site-packages`, a Go module in the module cache or a `vendor/` with
//! `modules.txt`, a gem, a Composer package.
//!
//! A credential in such a file is public since the package was published, and it is not this
//! workspace's: what packages ship are their own test keys, documentation examples and API
//! samples (a gigabyte of dependencies held 34 such values and no credential of their users).
//! So its findings are reported at confidence low only, with the package named in the evidence:
//! `--confidence low` lists them, the default does not, and the agent gate does not hide a
//! dependency from the agent for them. Only the path is read, and for `cargo vendor` and
//! `vendor/` directories the marker files that name them; this runs for files with a match only.

use crate::model::Confidence;
use std::path::{Component, Path};

/// The package a file belongs to, as the evidence names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// The registry or package manager: `npm`, `crates.io`, `PyPI`...
    pub ecosystem: &'static str,
    /// The package's directory name (`aws-sdk`, `pem-4.0.0`, `@scope/name`).
    pub name: String,
}

impl Package {
    /// The line of evidence a finding in this package carries, whose confidence was `before`.
    pub fn evidence(&self, before: Confidence) -> String {
        let was = match before {
            Confidence::Low => String::new(),
            c => format!(", {c} elsewhere"),
        };
        format!(
            "in the published {} package {}: public since its release and not this workspace's \
             credential (confidence low here{was})",
            self.ecosystem, self.name
        )
    }
}

/// The package `path` lies in, if any: the file as opened (root joined with the path below it)
/// when `on_disk`, whose marker files are then looked for, or a path inside a repository. The
/// innermost package wins (a package vendored inside another names itself).
pub fn published_package(path: &Path, on_disk: bool) -> Option<Package> {
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    // The directories only: a file named `node_modules` is not a package tree.
    let dirs = &parts[..parts.len().saturating_sub(1)];
    match (0..dirs.len()).rev().find_map(|i| by_name(dirs, i)) {
        // A workspace's own package linked into `node_modules` (npm, yarn and pnpm workspaces)
        // is the user's code, reached through the link with `--follow`.
        Some(p) if on_disk && linked(path, &p) => None,
        Some(p) => Some(p),
        None if on_disk => by_marker(path),
        None => None,
    }
}

/// Whether the directory of package `p` on the way to `path` is a symbolic link.
fn linked(path: &Path, p: &Package) -> bool {
    let last = p.name.rsplit('/').next().unwrap_or(&p.name);
    path.ancestors()
        .skip(1)
        .find(|a| a.file_name().is_some_and(|n| n == last))
        .and_then(|dir| dir.symlink_metadata().ok())
        .is_some_and(|m| m.file_type().is_symlink())
}

/// A package whose directory is `dirs[i]`, recognised from the directories above it.
fn by_name(dirs: &[&str], i: usize) -> Option<Package> {
    let (dir, above) = (dirs[i], &dirs[..i]);
    let parent = above.last().copied().unwrap_or("");
    let found = |ecosystem, name: String| Some(Package { ecosystem, name });
    match parent {
        "node_modules" if !dir.starts_with('.') && !dir.starts_with('@') => {
            return found("npm", dir.to_string());
        }
        "site-packages" | "dist-packages" => return found("PyPI", dir.to_string()),
        _ => {}
    }
    // `node_modules/@scope/name`.
    if above.len() >= 2 && above[above.len() - 2] == "node_modules" && parent.starts_with('@') {
        return found("npm", format!("{parent}/{dir}"));
    }
    // `~/.cargo/registry/src/index.crates.io-<hash>/<crate>-<version>`.
    if parent.starts_with("index.crates.io-")
        || (above.len() >= 2 && above[above.len() - 2] == "src" && registry_dir(above))
    {
        return found("crates.io", dir.to_string());
    }
    // `~/go/pkg/mod/github.com/owner/repo@v1.2.3`.
    if dir.contains("@v") && above.windows(2).any(|w| w == ["pkg", "mod"]) {
        return found("Go", dir.to_string());
    }
    // `.../ruby/3.2.0/gems/<gem>-<version>` (bundler's vendor/bundle, ~/.gem, system gems).
    if parent == "gems"
        && above.len() >= 2
        && above[above.len() - 2]
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.')
    {
        return found("RubyGems", dir.to_string());
    }
    None
}

/// Whether `above` ends in cargo's `registry/src`.
fn registry_dir(above: &[&str]) -> bool {
    above.len() >= 3 && above[above.len() - 3] == "registry"
}

/// A package known from a marker file beside it: a `cargo vendor` crate
/// (`.cargo-checksum.json`), or a `vendor/` tree of Go (`modules.txt`) or Composer
/// (`composer/installed.json`).
fn by_marker(path: &Path) -> Option<Package> {
    let mut below: Option<&Path> = None;
    for dir in path.ancestors().skip(1) {
        let name = || dir.file_name().and_then(|n| n.to_str()).map(str::to_string);
        if dir.join(".cargo-checksum.json").is_file() {
            return Some(Package {
                ecosystem: "crates.io",
                name: name()?,
            });
        }
        if dir.file_name().is_some_and(|n| n == "vendor")
            && let Some(pkg) = below.and_then(|b| b.file_name()).and_then(|n| n.to_str())
        {
            if dir.join("modules.txt").is_file() {
                // A module path is several directories: `github.com/owner/repo`.
                let module = path.parent()?.strip_prefix(dir).ok()?;
                let name: Vec<_> = module.iter().take(3).map(|c| c.to_string_lossy()).collect();
                return Some(Package {
                    ecosystem: "Go",
                    name: name.join("/"),
                });
            }
            if dir.join("composer").join("installed.json").is_file() {
                return Some(Package {
                    ecosystem: "Packagist",
                    name: pkg.to_string(),
                });
            }
        }
        below = Some(dir);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(p: &str) -> Option<(&'static str, String)> {
        published_package(Path::new(p), false).map(|p| (p.ecosystem, p.name))
    }

    #[test]
    fn registries_are_known_by_their_directories() {
        let cases = [
            (
                "/w/node_modules/aws-sdk/apis/iam.examples.json",
                Some(("npm", "aws-sdk")),
            ),
            (
                "node_modules/@aws/core/dist/a.js",
                Some(("npm", "@aws/core")),
            ),
            (
                "/w/node_modules/.pnpm/x@1.0.0/node_modules/x/index.js",
                Some(("npm", "x")),
            ),
            (
                "/venv/lib/python3.12/site-packages/requests/api.py",
                Some(("PyPI", "requests")),
            ),
            (
                "/h/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/pem-4.0.0/src/lib.rs",
                Some(("crates.io", "pem-4.0.0")),
            ),
            (
                "/h/.cargo/registry/src/github.com-1ecc6299db9ec823/pem-1.0.0/src/lib.rs",
                Some(("crates.io", "pem-1.0.0")),
            ),
            (
                "/h/go/pkg/mod/github.com/o/r@v1.2.3/x_test.go",
                Some(("Go", "r@v1.2.3")),
            ),
            (
                "/app/vendor/bundle/ruby/3.2.0/gems/rack-3.0.8/lib/rack.rb",
                Some(("RubyGems", "rack-3.0.8")),
            ),
        ];
        for (path, want) in cases {
            let want = want.map(|(e, n)| (e, n.to_string()));
            assert_eq!(named(path), want, "{path}");
        }
    }

    #[test]
    fn a_workspace_of_ones_own_is_no_package() {
        for path in [
            "/w/app/.env",
            "/w/src/node_modules",
            "/w/node_modules/.bin/tool",
            "/w/vendor/acme/config.php",
            "/w/tests/fixtures/key.pem",
            "/w/gems/x/y.rb",
            "/w/src/registry/src/main.rs",
        ] {
            assert_eq!(named(path), None, "{path}");
        }
    }

    #[test]
    fn vendor_trees_are_known_by_their_markers() {
        let dir = tempfile::tempdir().unwrap();
        let at = |p: &str| dir.path().join(p);
        for (marker, file, want) in [
            (
                "third/pem/.cargo-checksum.json",
                "third/pem/src/lib.rs",
                ("crates.io", "pem"),
            ),
            (
                "go/vendor/modules.txt",
                "go/vendor/github.com/o/r/x.go",
                ("Go", "github.com/o/r"),
            ),
            (
                "php/vendor/composer/installed.json",
                "php/vendor/guzzle/src/a.php",
                ("Packagist", "guzzle"),
            ),
        ] {
            std::fs::create_dir_all(at(marker).parent().unwrap()).unwrap();
            std::fs::write(at(marker), "{}").unwrap();
            std::fs::create_dir_all(at(file).parent().unwrap()).unwrap();
            std::fs::write(at(file), "x").unwrap();
            let got = published_package(&at(file), true).map(|p| (p.ecosystem, p.name));
            assert_eq!(got, Some((want.0, want.1.to_string())), "{file}");
        }
        #[cfg(unix)]
        {
            // A workspace package linked into node_modules is one's own code.
            std::fs::create_dir_all(at("ws/packages/app")).unwrap();
            std::fs::create_dir_all(at("ws/node_modules")).unwrap();
            std::os::unix::fs::symlink(at("ws/packages/app"), at("ws/node_modules/app")).unwrap();
            std::fs::write(at("ws/packages/app/index.js"), "x").unwrap();
            assert_eq!(
                published_package(&at("ws/node_modules/app/index.js"), true),
                None
            );
            let copied = at("ws/node_modules/dep/index.js");
            std::fs::create_dir_all(copied.parent().unwrap()).unwrap();
            std::fs::write(&copied, "x").unwrap();
            assert!(published_package(&copied, true).is_some());
        }
        std::fs::create_dir_all(at("own/vendor/lib")).unwrap();
        assert_eq!(published_package(&at("own/vendor/lib/a.rs"), true), None);
    }
}
