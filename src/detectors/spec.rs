//! The detector file schema: what a `detectors/<provider>.toml` file holds, as written. The one
//! list of its fields.
//!
//! `build.rs` includes this file (with `model.rs` and `verify_spec.rs`, which it uses): it parses
//! every built-in file at build time, so a malformed one fails the build naming the file, and
//! embeds the result ([`Embedded`]) as postcard bytes. Start-up then reads only each detector's
//! [`Head`], what the engine needs before any file is read; the rest of a detector is decoded
//! when a scan first needs it (a keyword of it was hit, or a report names it). Keep this file
//! free of anything else in the crate.

use super::VerifySpec;
use crate::model::{AssignmentKind, Confidence, Environment, Lifetime, Scope};
use serde::{Deserialize, Serialize};

/// One `detectors/<provider>.toml` file as written.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    pub provider: String,
    pub provider_name: String,
    /// Values every detector of the file takes unless it sets its own.
    #[serde(default)]
    pub defaults: ProviderDefaults,
    #[serde(rename = "detector")]
    pub detectors: Vec<DetectorSpec>,
}

/// `[defaults]` of a provider file: what is the same for every credential of one provider
/// (where it is revoked, its documentation, how far its context words stand from the value),
/// written once instead of in each detector. A detector's own field wins; `references` are
/// the detector's followed by the provider's.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderDefaults {
    pub remediation: Option<String>,
    pub revoke_url: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    pub min_entropy: Option<f64>,
    pub window: Option<usize>,
    pub window_before: Option<usize>,
}

/// One `[[detector]]` table as written. See `detectors/README.md`.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DetectorSpec {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub pattern: Option<String>,
    /// A detector of the generic-credential layer (`src/generic`): the kind of name it reports.
    pub assignment: Option<String>,
    #[serde(default)]
    pub validators: Vec<String>,
    pub min_entropy: Option<f64>,
    pub confidence: Confidence,
    #[serde(default)]
    pub generic: bool,
    #[serde(default)]
    pub paths: Vec<String>,
    pub window: Option<usize>,
    pub window_before: Option<usize>,
    #[serde(default)]
    pub overrides: Vec<String>,
    pub prefix: Option<String>,
    pub lifetime: Lifetime,
    pub scope: Scope,
    #[serde(default)]
    pub privileged: bool,
    pub environment: Option<Environment>,
    #[serde(default)]
    pub analyzers: Vec<String>,
    #[serde(default)]
    pub requires: Vec<String>,
    #[serde(default = "yes")]
    pub usable: bool,
    pub evidence: String,
    pub remediation: Option<String>,
    pub revoke_url: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub positive: Vec<String>,
    #[serde(default)]
    pub negative: Vec<String>,
    /// The read-only request that checks a credential (`--verify`).
    pub verify: Option<VerifySpec>,
}

fn yes() -> bool {
    true
}

/// Bytes scanned after a keyword hit when the detector does not say.
pub const DEFAULT_WINDOW_AFTER: usize = 512;
/// Bytes scanned before a keyword hit when the detector does not say.
pub const DEFAULT_WINDOW_BEFORE: usize = 128;

/// What the engine and the generic layer need of every detector before any file is read: its
/// keywords (lowercase, sorted, distinct), path globs, windows (with the file's defaults), how
/// it yields to others and the prefix the layer recognises. Derived from the spec by [`head`],
/// at build time for the built-in catalog and at load time for a user's file.
///
/// Its strings are `&'static`: the built-in heads borrow them from the embedded index (decoding
/// 394 heads into owned strings was a fifth of a one-file scan's instructions), and a user's
/// file, loaded once for the life of the process, leaks them.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Head {
    pub id: &'static str,
    #[serde(borrow)]
    pub keywords: Vec<&'static str>,
    #[serde(borrow)]
    pub paths: Vec<&'static str>,
    pub window_after: usize,
    pub window_before: usize,
    #[serde(borrow)]
    pub overrides: Vec<&'static str>,
    #[serde(borrow)]
    pub requires: Vec<&'static str>,
    /// `None` also when the kind does not parse: loading the detector reports that.
    pub assignment: Option<AssignmentKind>,
    pub generic: bool,
    #[serde(borrow)]
    pub prefix: Option<&'static str>,
    /// Whether it has validators (the layer trusts only validated prefixes).
    pub validated: bool,
    /// The literals every match of its pattern contains ([`super::required`]).
    #[serde(borrow)]
    pub required: Vec<&'static str>,
    /// The run of one byte class every match of its pattern contains, if long enough to be
    /// worth testing ([`super::required::required_run`]).
    pub required_run: Option<super::required::Run>,
}

/// A string for the life of the process (see [`Head`]).
pub fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// The [`Head`] of a detector spec of a file with these defaults.
pub fn head(s: &DetectorSpec, defaults: &ProviderDefaults) -> Head {
    let mut keywords: Vec<String> = s.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
    keywords.sort();
    keywords.dedup();
    let all = |v: &[String]| v.iter().map(|x| leak(x)).collect();
    Head {
        id: leak(&s.id),
        keywords: keywords.iter().map(|k| leak(k)).collect(),
        paths: all(&s.paths),
        window_after: s.window.or(defaults.window).unwrap_or(DEFAULT_WINDOW_AFTER),
        window_before: s
            .window_before
            .or(defaults.window_before)
            .unwrap_or(DEFAULT_WINDOW_BEFORE),
        overrides: all(&s.overrides),
        requires: all(&s.requires),
        assignment: s.assignment.as_deref().and_then(|k| k.parse().ok()),
        generic: s.generic,
        prefix: s.prefix.as_deref().map(leak),
        validated: !s.validators.is_empty(),
        required: match &s.pattern {
            Some(p) => super::required::required_literals(p)
                .iter()
                .map(|r| leak(r))
                .collect(),
            None => Vec::new(),
        },
        required_run: s.pattern.as_deref().and_then(super::required::required_run),
    }
}

/// The built-in catalog as `build.rs` embeds it: an index of [`EmbeddedFile`]s, in file-name
/// order, whose byte ranges point into a second blob of postcard-encoded [`ProviderDefaults`]
/// and [`DetectorSpec`]s.
pub type Embedded = Vec<EmbeddedFile>;

/// One built-in provider file in the embedded index.
#[derive(Debug, Deserialize, Serialize)]
pub struct EmbeddedFile {
    pub name: &'static str,
    pub provider: &'static str,
    pub provider_name: &'static str,
    /// Where its [`ProviderDefaults`] are in the blob.
    pub defaults: (u32, u32),
    pub detectors: Vec<EmbeddedDetector>,
}

/// One built-in detector in the embedded index.
#[derive(Debug, Deserialize, Serialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct EmbeddedDetector {
    pub head: Head,
    /// Where its [`DetectorSpec`] is in the blob.
    pub spec: (u32, u32),
}
