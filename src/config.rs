//! `.credgate.toml`: per-repository settings and the allowlist.
//!
//! ```toml
//! [scan]
//! exclude = ["vendor/**"]            # like --exclude
//! detectors = ["ci/detectors"]       # like --detectors, relative to this file
//! baseline = ".credgate-baseline"   # like --baseline, relative to this file
//! fail_on = "high"                   # like --fail-on
//! min_risk = "low"                   # like --min-risk
//! workspace_env = "staging"          # like --workspace-env
//! confidence = "medium"              # like --confidence
//!
//! [[allow]]
//! reason = "documented test key of the payment sandbox"   # required
//! fingerprint = "0f3c..."            # and/or
//! regex = "^sk_test_"                # matched against the secret, and/or
//! path = "tests/fixtures/**"         # matched against the path from the scan root
//! detector = "stripe.secret-key.test"  # optional: only this detector
//! ```
//!
//! Flags given on the command line win over the file. Every allow needs a `reason`, which is
//! shown wherever the suppressed finding is reported. Unknown keys and bad values are errors
//! that name the file and line.

use crate::finding::Finding;
use crate::model::{Confidence, Environment, Risk};
use anyhow::{Result, anyhow};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file looked for in the scan root when `--config` is not given.
pub const DEFAULT_FILE: &str = ".credgate.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    scan: ScanSection,
    #[serde(default)]
    allow: Vec<Spanned<AllowSpec>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScanSection {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    detectors: Vec<PathBuf>,
    baseline: Option<PathBuf>,
    fail_on: Option<Risk>,
    min_risk: Option<Risk>,
    workspace_env: Option<Environment>,
    confidence: Option<Confidence>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AllowSpec {
    reason: Option<String>,
    fingerprint: Option<String>,
    regex: Option<Spanned<String>>,
    path: Option<Spanned<String>>,
    detector: Option<String>,
}

/// A loaded configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// `[scan] exclude`: path globs to leave out.
    pub exclude: Vec<String>,
    /// `[scan] detectors`: detector files or directories, relative to the config file.
    pub detectors: Vec<PathBuf>,
    /// `[scan] baseline`: the baseline file, relative to the config file.
    pub baseline: Option<PathBuf>,
    /// `[scan] fail_on`.
    pub fail_on: Option<Risk>,
    /// `[scan] min_risk`.
    pub min_risk: Option<Risk>,
    /// `[scan] workspace_env`.
    pub workspace_env: Option<Environment>,
    /// `[scan] confidence`.
    pub confidence: Option<Confidence>,
    /// The `[[allow]]` entries.
    pub allow: Vec<AllowRule>,
}

/// One `[[allow]]` entry: every condition it names must hold.
#[derive(Clone, Debug)]
pub struct AllowRule {
    pub reason: String,
    /// `FILE:LINE` of the entry, for the justification.
    pub source: String,
    fingerprint: Option<String>,
    regex: Option<regex::bytes::Regex>,
    path: Option<globset::GlobMatcher>,
    detector: Option<String>,
}

impl AllowRule {
    /// An allow for one fingerprint, from the command line.
    pub fn for_fingerprint(fingerprint: &str, reason: &str, source: &str) -> AllowRule {
        AllowRule {
            reason: reason.to_string(),
            source: source.to_string(),
            fingerprint: Some(fingerprint.to_ascii_lowercase()),
            regex: None,
            path: None,
            detector: None,
        }
    }

    pub(crate) fn matches(&self, f: &Finding) -> bool {
        self.fingerprint
            .as_ref()
            .is_none_or(|x| *x == f.fingerprint)
            && self.detector.as_ref().is_none_or(|d| *d == f.detector_id)
            && self
                .regex
                .as_ref()
                .is_none_or(|r| r.is_match(f.secret.expose()))
            && self
                .path
                .as_ref()
                .is_none_or(|g| g.is_match(f.origin.path_display()))
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Config {
    /// Reads and validates a config file. Errors are one line: `FILE:LINE: problem`.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow!("{}: cannot read config: {e}", path.display()))?;
        Config::parse(&text, path)
    }

    /// Parses config text read from `path` (named in errors).
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let shown = path.display();
        let file: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(text, s.start));
            anyhow!("{shown}:{line}: {}", e.message().trim())
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let mut allow = Vec::new();
        for entry in file.allow {
            let line = line_of(text, entry.span().start);
            let spec = entry.into_inner();
            let at = |l: usize| format!("{shown}:{l}");
            let reason = spec
                .reason
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| anyhow!("{}: [[allow]] needs a non-empty reason", at(line)))?;
            if spec.fingerprint.is_none() && spec.regex.is_none() && spec.path.is_none() {
                return Err(anyhow!(
                    "{}: [[allow]] needs at least one of fingerprint, regex, path",
                    at(line)
                ));
            }
            if let Some(fp) = &spec.fingerprint
                && (fp.len() != 32 || !fp.bytes().all(|b| b.is_ascii_hexdigit()))
            {
                return Err(anyhow!(
                    "{}: fingerprint must be 32 hex digits, as credgate reports it",
                    at(line)
                ));
            }
            let regex = match spec.regex {
                None => None,
                Some(r) => {
                    let l = line_of(text, r.span().start);
                    Some(regex::bytes::Regex::new(r.get_ref()).map_err(|e| {
                        anyhow!(
                            "{}: invalid regex: {}",
                            at(l),
                            e.to_string()
                                .split_whitespace()
                                .collect::<Vec<_>>()
                                .join(" ")
                        )
                    })?)
                }
            };
            let glob = match spec.path {
                None => None,
                Some(p) => {
                    let l = line_of(text, p.span().start);
                    Some(
                        crate::path_glob::path_glob(p.get_ref())
                            .map_err(|e| anyhow!("{}: invalid path glob: {e}", at(l)))?
                            .compile_matcher(),
                    )
                }
            };
            allow.push(AllowRule {
                reason,
                source: at(line),
                fingerprint: spec.fingerprint.map(|f| f.to_ascii_lowercase()),
                regex,
                path: glob,
                detector: spec.detector,
            });
        }
        for g in &file.scan.exclude {
            crate::path_glob::path_glob(g)
                .map_err(|e| anyhow!("{shown}: [scan] exclude {g:?}: {e}"))?;
        }
        Ok(Config {
            exclude: file.scan.exclude,
            detectors: file.scan.detectors.iter().map(|d| base.join(d)).collect(),
            baseline: file.scan.baseline.map(|b| base.join(b)),
            fail_on: file.scan.fail_on,
            min_risk: file.scan.min_risk,
            workspace_env: file.scan.workspace_env,
            confidence: file.scan.confidence,
            allow,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Config::parse(text, Path::new("c.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn errors_name_file_and_line() {
        assert_eq!(
            err("[scan]\nexclud = []\n"),
            "c.toml:2: unknown field `exclud`, expected one of `exclude`, `detectors`, `baseline`, `fail_on`, `min_risk`, `workspace_env`, `confidence`"
        );
        assert_eq!(
            err("[scan]\nfail_on = \"severe\"\n")
                .split(':')
                .take(2)
                .collect::<Vec<_>>(),
            ["c.toml", "2"]
        );
        assert_eq!(
            err("\n\n[[allow]]\nregex = \"x\"\n"),
            "c.toml:3: [[allow]] needs a non-empty reason"
        );
        assert_eq!(
            err("[[allow]]\nreason = \"r\"\n"),
            "c.toml:1: [[allow]] needs at least one of fingerprint, regex, path"
        );
        assert!(
            err("[[allow]]\nreason = \"r\"\n\nregex = \"(\"\n")
                .starts_with("c.toml:4: invalid regex:")
        );
        assert!(
            err("[[allow]]\nreason = \"r\"\npath = \"a[\"\n")
                .starts_with("c.toml:3: invalid path glob")
        );
        assert_eq!(
            err("[[allow]]\nreason = \"r\"\nfingerprint = \"abc\"\n"),
            "c.toml:1: fingerprint must be 32 hex digits, as credgate reports it"
        );
        assert!(!err("[scan\n").contains('\n'));
    }

    #[test]
    fn valid_file() {
        let c = Config::parse(
            "[scan]\nexclude = [\"vendor/**\"]\nbaseline = \"b.txt\"\nfail_on = \"critical\"\n\n[[allow]]\nreason = \"sandbox key\"\nregex = \"^sk_test_\"\ndetector = \"stripe.secret-key.test\"\n",
            Path::new("/repo/.credgate.toml"),
        )
        .unwrap();
        assert_eq!(c.exclude, ["vendor/**"]);
        assert_eq!(c.baseline.as_deref(), Some(Path::new("/repo/b.txt")));
        assert_eq!(c.fail_on, Some(Risk::Critical));
        assert_eq!(c.allow.len(), 1);
        assert_eq!(c.allow[0].source, "/repo/.credgate.toml:6");
    }
}
