//! Why a finding is allowed rather than reported: a `credgate:allow` comment on its line
//! ([`inline`]), its fingerprint in a baseline ([`baseline`]), or an `[[allow]]` rule of the
//! config file. The pipeline asks [`Allowlist::check`] once per finding, whatever the source.

pub mod baseline;
pub mod inline;

use crate::config::AllowRule;
use crate::finding::{Finding, Suppression, SuppressionKind};
use std::collections::HashSet;

/// Everything that can allow a finding besides an inline comment: the baseline and the config's
/// `[[allow]]` entries.
#[derive(Clone, Debug, Default)]
pub struct Allowlist {
    pub baseline: HashSet<String>,
    /// The baseline file, for the justification.
    pub baseline_source: String,
    pub rules: Vec<AllowRule>,
}

impl Allowlist {
    /// Why `f` is allowed, if it is.
    pub fn check(&self, f: &Finding) -> Option<Suppression> {
        if self.baseline.contains(&f.fingerprint) {
            return Some(Suppression {
                kind: SuppressionKind::External,
                justification: format!("in baseline {}", self.baseline_source),
            });
        }
        self.rules
            .iter()
            .find(|r| r.matches(f))
            .map(|r| Suppression {
                kind: SuppressionKind::External,
                justification: format!("allowed by {}: {}", r.source, r.reason),
            })
    }
}
