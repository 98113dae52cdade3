//! What a credential is worth to whoever reads it: how long it lives and how much it can do.
//!
//! Every detector states the lifetime and scope of the credential type it finds (an explicit
//! `unknown` is a choice too). A finding starts from that static assessment; per-token analysis
//! (JWT claims, SAS expiry, checksum-proven classes, file context) refines it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How long a credential stays usable once an agent has read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lifetime {
    /// Never expires by design (AWS `AKIA`, Stripe `sk_live_`): valid until someone revokes it.
    NoExpiry,
    /// Expires, but months or years out.
    Long,
    /// Carries an encoded expiry that is still in the future.
    Expiring,
    /// Carries an encoded expiry that has passed.
    Expired,
    /// Lives hours by design (AWS `ASIA`, GitHub `ghs_`).
    ShortLived,
    /// A refresh token: mints new access tokens, so long-lived whatever the access token says.
    Refreshable,
    /// Cannot be told offline.
    Unknown,
}

/// How much a credential can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Everything the user can do, across every org, team or workspace.
    Account,
    /// A whole organisation, workspace or team.
    Org,
    /// One project, app or environment.
    Project,
    /// A narrower slice: one repository, bucket, channel.
    Resource,
    /// Explicitly restricted permissions (e.g. Stripe `rk_`).
    Restricted,
    /// Can read but not change.
    ReadOnly,
    /// Public by design (publishable keys).
    Public,
    /// Cannot be told offline.
    Unknown,
}

impl Lifetime {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifetime::NoExpiry => "no-expiry",
            Lifetime::Long => "long",
            Lifetime::Expiring => "expiring",
            Lifetime::Expired => "expired",
            Lifetime::ShortLived => "short-lived",
            Lifetime::Refreshable => "refreshable",
            Lifetime::Unknown => "unknown",
        }
    }
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Org => "org",
            Scope::Project => "project",
            Scope::Resource => "resource",
            Scope::Restricted => "restricted",
            Scope::ReadOnly => "read-only",
            Scope::Public => "public",
            Scope::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Lifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The assessment attached to a finding. In this version it is the detector's static statement
/// about the credential type, with the evidence line that the detector file gives for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub lifetime: Lifetime,
    pub scope: Scope,
    pub privileged: bool,
    pub evidence: Vec<String>,
}
