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
/// The answer to one `--verify` request.
pub struct Verification {
    /// Live, revoked or unknown.
    pub status: Status,
    /// Why: the HTTP status, or the error.
    pub reason: String,
    /// The host that answered.
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Whose it is, when the provider says (a login, an account).
    pub identity: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    /// The scopes the provider reports.
    pub scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// When it expires, when the provider says.
    pub expires: Option<String>,
}
