//! The detector file schema: what a `detectors/<provider>.toml` file holds, as written. The one
//! list of its fields.
//!
//! `build.rs` includes this file (with `model.rs` and `verify_spec.rs`, which it uses): it parses
//! every built-in file at build time, so a malformed one fails the build naming the file, and
//! embeds the result as postcard bytes that [`super::Catalog::builtin`] reads without parsing
//! TOML at start-up. Keep it free of anything else in the crate.

use super::VerifySpec;
use crate::model::{Confidence, Environment, Lifetime, Scope};
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

/// The built-in catalog as `build.rs` embeds it: each file's name and its parsed contents, in
/// file-name order.
pub type Embedded = Vec<(String, ProviderFile)>;
