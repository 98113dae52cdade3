//! What a provider said of a credential when asked (`--verify`).

use serde::Serialize;

/// What verification found out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The provider accepted the credential.
    Live,
    /// The provider rejected it: revoked, expired or never valid.
    Revoked,
    /// No answer that settles it: network error, rate limit, server error, redirect, timeout.
    Unknown,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verification {
    pub status: Status,
    /// Why: the HTTP status, or the error.
    pub reason: String,
    /// The host that answered.
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}
