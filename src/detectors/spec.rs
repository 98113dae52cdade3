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
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct Head {
    pub id: String,
    pub keywords: Vec<String>,
    pub paths: Vec<String>,
    pub window_after: usize,
    pub window_before: usize,
    pub overrides: Vec<String>,
    pub requires: Vec<String>,
    /// `None` also when the kind does not parse: loading the detector reports that.
    pub assignment: Option<AssignmentKind>,
    pub generic: bool,
    pub prefix: Option<String>,
    /// Whether it has validators (the layer trusts only validated prefixes).
    pub validated: bool,
}

/// The [`Head`] of a detector spec of a file with these defaults.
pub fn head(s: &DetectorSpec, defaults: &ProviderDefaults) -> Head {
    let mut keywords: Vec<String> = s.keywords.iter().map(|k| k.to_ascii_lowercase()).collect();
    keywords.sort();
    keywords.dedup();
    Head {
        id: s.id.clone(),
        keywords,
        paths: s.paths.clone(),
        window_after: s.window.or(defaults.window).unwrap_or(DEFAULT_WINDOW_AFTER),
        window_before: s
            .window_before
            .or(defaults.window_before)
            .unwrap_or(DEFAULT_WINDOW_BEFORE),
        overrides: s.overrides.clone(),
        requires: s.requires.clone(),
        assignment: s.assignment.as_deref().and_then(|k| k.parse().ok()),
        generic: s.generic,
        prefix: s.prefix.clone(),
        validated: !s.validators.is_empty(),
    }
}

/// The built-in catalog as `build.rs` embeds it: an index of [`EmbeddedFile`]s, in file-name
/// order, whose byte ranges point into a second blob of postcard-encoded [`ProviderDefaults`]
/// and [`DetectorSpec`]s.
pub type Embedded = Vec<EmbeddedFile>;

/// One built-in provider file in the embedded index.
#[derive(Debug, Deserialize, Serialize)]
pub struct EmbeddedFile {
    pub name: String,
    pub provider: String,
    pub provider_name: String,
    /// Where its [`ProviderDefaults`] are in the blob.
    pub defaults: (u32, u32),
    pub detectors: Vec<EmbeddedDetector>,
}

/// One built-in detector in the embedded index.
#[derive(Debug, Deserialize, Serialize)]
pub struct EmbeddedDetector {
    pub head: Head,
    /// Where its [`DetectorSpec`] is in the blob.
    pub spec: (u32, u32),
}
