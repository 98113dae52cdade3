//! The `[detector.verify]` table of a detector file: the one read-only request that tells whether
//! a credential is live. Only the declaration lives here (so the catalog loads without the HTTP
//! client); `verify` sends it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The request a detector declares (`[detector.verify]` in its file).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VerifySpec {
    /// `https://host/path`; `{secret}` may appear in the path or query, never in the host.
    pub url: String,
    /// `GET` (default), `POST` or `HEAD`. Only requests that change nothing are declared.
    #[serde(default = "get")]
    pub method: String,
    /// Header values; `{secret}` is the credential, `{secret_basic}` is base64("secret:") for
    /// HTTP Basic with the secret as user name and no password, `{basic_password}` is
    /// base64(":secret"), the secret as password with no user name, and `{basic:USER}` is
    /// base64("USER:secret").
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A request body (JSON or form text), with the same placeholders.
    pub body: Option<String>,
    /// Statuses that mean the credential works (default 200).
    #[serde(default = "ok")]
    pub live: Vec<u16>,
    /// Statuses that mean it does not (default 401).
    #[serde(default = "unauthorized")]
    pub revoked: Vec<u16>,
    /// A JSON pointer (`/ok`, `/data/viewer/email`) that must hold `true` or a value in a live
    /// answer; `false` means revoked (Slack answers 200 with `"ok": false`), and so does no
    /// value beside GraphQL `errors`.
    pub live_if: Option<String>,
    /// A JSON pointer to who the credential belongs to (`/login`).
    pub identity: Option<String>,
    /// A response header listing scopes, comma-separated (`x-oauth-scopes`).
    pub scopes_header: Option<String>,
    /// A JSON pointer to the scopes (an array, or a space- or comma-separated string).
    pub scopes: Option<String>,
    /// A response header with the expiry (`github-authentication-token-expiration`).
    pub expiry_header: Option<String>,
    /// A JSON pointer to the expiry.
    pub expiry: Option<String>,
    /// The id of a companion detector whose finding in the same file completes the credential
    /// (`aws.access-key-id` for an AWS secret key): its secret fills `{pair}`, and
    /// `{pair_basic}` is base64("pair:secret"). Without that finding, nothing is sent.
    pub pair: Option<String>,
    /// A JSON key whose value, nearest to the finding in the same file, fills `{pair}`
    /// (`client_email` beside a Google service account's private key).
    pub pair_json: Option<String>,
    /// `aws-sigv4:REGION:SERVICE`: sign the request with AWS Signature Version 4, the pair as
    /// access key id and the secret as secret access key. `google-jwt`: the secret is a
    /// service account's private key and the pair its `client_email`; `{jwt}` in the body
    /// becomes an RS256-signed token request for read-only scope, exchanged at Google's token
    /// endpoint: the key itself is never sent.
    pub sign: Option<String>,
}

fn get() -> String {
    "GET".into()
}
fn ok() -> Vec<u16> {
    vec![200]
}
fn unauthorized() -> Vec<u16> {
    vec![401]
}

impl VerifySpec {
    /// Checks the declaration: HTTPS, a literal host, a known safe method.
    pub fn check(&self) -> Result<(), String> {
        let host = host_of(&self.url).ok_or("verify.url must start with https://")?;
        if host.is_empty() || host.contains('{') || host.contains('@') {
            return Err("verify.url must name its host literally".into());
        }
        if !matches!(self.method.as_str(), "GET" | "POST" | "HEAD") {
            return Err("verify.method must be GET, POST or HEAD".into());
        }
        Ok(())
    }

    /// The host requests go to.
    pub fn host(&self) -> &str {
        host_of(&self.url).unwrap_or("")
    }
}

/// `host[:port]` of an `https://` URL, or None for any other scheme.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://")?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_and_literal_hosts() {
        let spec = |url: &str| VerifySpec {
            url: url.into(),
            method: "GET".into(),
            headers: BTreeMap::new(),
            body: None,
            live: ok(),
            revoked: unauthorized(),
            live_if: None,
            identity: None,
            scopes_header: None,
            scopes: None,
            expiry_header: None,
            expiry: None,
            pair: None,
            pair_json: None,
            sign: None,
        };
        assert!(spec("https://api.github.com/user").check().is_ok());
        assert!(
            spec("https://api.telegram.org/bot{secret}/getMe")
                .check()
                .is_ok()
        );
        assert!(spec("http://api.github.com/user").check().is_err());
        assert!(spec("https://{secret}.example.org/").check().is_err());
        assert!(spec("https://user:{secret}@example.org/").check().is_err());
        assert_eq!(spec("https://api.x.ai:443/v1").host(), "api.x.ai:443");
    }
}
