//! Opt-in live verification (`--verify`): one read-only HTTPS request per distinct secret, to the
//! provider host its detector declares, to learn whether the credential is live and, where the
//! provider says, whose it is, its scopes and its expiry.
//!
//! Verification sends credentials over the network, so it is built to be safe before it is
//! built to be thorough:
//! - it is off unless `--verify` is given, and no socket is opened without it;
//! - requests go only over HTTPS, only to the host written in the detector file (a `{secret}`
//!   may stand in a header, the body or the URL path, never in the host), and redirects are
//!   not followed (a 3xx is reported as a refused redirect, wherever it points);
//! - one request at a time, at most [`Options::rate`] per second overall, with a timeout;
//! - each distinct secret (by fingerprint) is sent once per run; the cache lives in memory;
//! - the test suite points hosts at a local server with `--verify-endpoint-override`, which
//!   the binary accepts only when given explicitly, and then warns on every run.

pub mod pairing;

use crate::detectors::Detector;
pub use crate::detectors::VerifySpec;
pub use crate::finding::{Status, Verification};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How verification runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Verify only these providers (empty: all that declare a request).
    pub only: Vec<String>,
    /// Never verify these providers.
    pub skip: Vec<String>,
    /// Test-only: `host` -> `https://localhost:PORT` base to send that host's requests to.
    pub endpoint_overrides: HashMap<String, String>,
    /// Test-only: PEM certificates to trust besides the built-in web roots.
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Per request, connect to last byte.
    pub timeout: Duration,
    /// Requests per second, overall.
    pub rate: f64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            only: Vec::new(),
            skip: Vec::new(),
            endpoint_overrides: HashMap::new(),
            extra_ca_pem: None,
            timeout: Duration::from_secs(10),
            rate: 5.0,
        }
    }
}

pub struct Verifier {
    agent: ureq::Agent,
    opts: Options,
    cache: HashMap<String, Verification>,
    last: Option<Instant>,
    /// Requests sent, for the summary.
    pub sent: usize,
}

impl Verifier {
    pub fn new(opts: Options) -> anyhow::Result<Verifier> {
        use ureq::tls::{RootCerts, TlsConfig};
        let mut tls = TlsConfig::builder();
        if let Some(pem) = &opts.extra_ca_pem {
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(pem) {
                if let ureq::tls::PemItem::Certificate(c) = item? {
                    certs.push(c);
                }
            }
            // The local test CA, and nothing else: a test never reaches the real web.
            tls = tls.root_certs(RootCerts::new_with_certs(&certs));
        }
        let config = ureq::Agent::config_builder()
            .https_only(true)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .http_status_as_error(false)
            .timeout_global(Some(opts.timeout))
            .user_agent(concat!("credgate/", env!("CARGO_PKG_VERSION")))
            .tls_config(tls.build())
            .build();
        Ok(Verifier {
            agent: config.into(),
            opts,
            cache: HashMap::new(),
            last: None,
            sent: 0,
        })
    }

    /// Whether `det` is to be verified in this run.
    pub fn wants(&self, det: &Detector) -> bool {
        det.verify.is_some()
            && !self.opts.skip.iter().any(|p| p == &det.provider)
            && (self.opts.only.is_empty() || self.opts.only.iter().any(|p| p == &det.provider))
    }

    /// Verifies one secret, once per fingerprint (and companion). `pair` is the secret of the
    /// companion finding the spec names, when the file has one.
    pub fn verify(
        &mut self,
        det: &Detector,
        secret: &[u8],
        pair: Option<&[u8]>,
        fingerprint: &str,
    ) -> Option<Verification> {
        if !self.wants(det) {
            return None;
        }
        let spec = det.verify.as_ref()?;
        if (spec.pair.is_some() || spec.pair_json.is_some()) && pair.is_none() {
            // Half a credential: nothing to send.
            return None;
        }
        let key = match pair {
            Some(p) => format!("{fingerprint}:{}", crate::finding::fingerprint(&det.id, p)),
            None => fingerprint.to_string(),
        };
        if let Some(v) = self.cache.get(&key) {
            return Some(v.clone());
        }
        let v = self.request(spec, secret, pair);
        self.cache.insert(key, v.clone());
        Some(v)
    }

    fn pace(&mut self) {
        let gap = Duration::from_secs_f64(1.0 / self.opts.rate.max(0.1));
        if let Some(last) = self.last {
            let since = last.elapsed();
            if since < gap {
                std::thread::sleep(gap - since);
            }
        }
        self.last = Some(Instant::now());
    }

    fn request(&mut self, spec: &VerifySpec, secret: &[u8], pair: Option<&[u8]>) -> Verification {
        let host = spec.host().to_string();
        let unknown = |reason: String| Verification {
            status: Status::Unknown,
            reason,
            host: host.clone(),
            identity: None,
            scopes: Vec::new(),
            expires: None,
        };
        let Ok(secret) = std::str::from_utf8(secret) else {
            return unknown("the secret is not text".into());
        };
        let Ok(pair) = pair.map(std::str::from_utf8).transpose() else {
            return unknown("the companion value is not text".into());
        };
        let pair = pair.unwrap_or("");
        if secret.contains(['\r', '\n']) || pair.contains(['\r', '\n']) {
            return unknown("the secret holds a line break and cannot go in a header".into());
        }
        let fill = |s: &str| {
            use base64::Engine as _;
            let b64 = |t: String| base64::engine::general_purpose::STANDARD.encode(t);
            // `{basic:USER}`: HTTP Basic with a fixed user name (PyPI's `__token__`).
            let mut s = s.to_string();
            while let Some(at) = s.find("{basic:") {
                let Some(len) = s[at..].find('}') else { break };
                let user = s[at + "{basic:".len()..at + len].to_string();
                s.replace_range(at..=at + len, &b64(format!("{user}:{secret}")));
            }
            s.replace("{secret_basic}", &b64(format!("{secret}:")))
                .replace("{basic_password}", &b64(format!(":{secret}")))
                .replace("{pair_basic}", &b64(format!("{pair}:{secret}")))
                .replace("{secret}", secret)
                .replace("{pair}", pair)
        };
        // The host is fixed by the detector; the secret only fills the path and query.
        let mut url = format!(
            "https://{host}{}",
            fill(&spec.url["https://".len() + host.len()..])
        );
        if let Some(base) = self.opts.endpoint_overrides.get(&host) {
            url = format!(
                "{}{}",
                base.trim_end_matches('/'),
                &url["https://".len() + host.len()..]
            );
        }
        let mut body = fill(spec.body.as_deref().unwrap_or(""));
        if spec.sign.as_deref() == Some("google-jwt") {
            match google_jwt(secret, pair, jiff::Timestamp::now().as_second()) {
                Ok(jwt) => body = body.replace("{jwt}", &jwt),
                Err(e) => return unknown(e),
            }
        }
        let mut headers: Vec<(String, String)> = spec
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), fill(v)))
            .collect();
        if let Some(sign) = spec.sign.as_ref().filter(|s| s.starts_with("aws-sigv4")) {
            let Some(("aws-sigv4", rest)) = sign.split_once(':') else {
                return unknown(format!("unknown signing scheme {sign}"));
            };
            let (region, service) = rest.split_once(':').unwrap_or((rest, ""));
            let path_query = &spec.url["https://".len() + host.len()..];
            let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
            let path = if path.is_empty() { "/" } else { path };
            let signed = sigv4(&SigV4 {
                method: &spec.method,
                host: &host,
                path,
                query,
                headers: &headers,
                body: body.as_bytes(),
                key_id: pair,
                secret,
                region,
                service,
                now: jiff::Timestamp::now(),
            });
            headers.extend(signed);
        }
        self.pace();
        self.sent += 1;
        let mut req = ureq::http::Request::builder()
            .method(spec.method.as_str())
            .uri(&url);
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        // Only POST carries a body; GET and HEAD send none at all.
        let result = match spec.method.as_str() {
            "POST" => req.body(body).map(|r| self.agent.run(r)),
            _ => req.body(()).map(|r| self.agent.run(r)),
        };
        let Ok(result) = result else {
            return unknown("the secret cannot be written into the request".into());
        };
        let mut resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Timeout(_)) => return unknown("timed out".into()),
            // The error text never quotes the request (and so never the secret).
            Err(e) => return unknown(format!("request failed: {}", error_kind(&e))),
        };
        let code = resp.status().as_u16();
        let header = |name: &Option<String>| {
            name.as_ref().and_then(|n| {
                resp.headers()
                    .get(n.as_str())
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            })
        };
        if (300..400).contains(&code) {
            let to = header(&Some("location".into())).unwrap_or_default();
            let to_host = to
                .split("://")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .unwrap_or("?");
            return unknown(format!("HTTP {code}: redirect to {to_host} not followed"));
        }
        if code == 429 {
            return unknown("HTTP 429: rate limited".into());
        }
        if code >= 500 {
            return unknown(format!("HTTP {code}: server error"));
        }
        let scopes_h = header(&spec.scopes_header);
        let expiry_h = header(&spec.expiry_header);
        let body: serde_json::Value = resp
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_string()
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(serde_json::Value::Null);
        let revoked = |reason: String| Verification {
            status: Status::Revoked,
            reason,
            host: host.clone(),
            identity: None,
            scopes: Vec::new(),
            expires: None,
        };
        if spec.revoked.contains(&code) {
            return revoked(format!("HTTP {code}: rejected"));
        }
        if !spec.live.contains(&code) {
            return unknown(format!("HTTP {code}: not an answer this detector knows"));
        }
        if let Some(p) = &spec.live_if {
            // `true`, or any value that is not false or null, means live; `false`, or no value
            // where a GraphQL API puts `errors` instead of `data`, means rejected.
            match body.pointer(p) {
                Some(serde_json::Value::Bool(false)) => {
                    let err = body
                        .get("error")
                        .and_then(|e| e.as_str())
                        .unwrap_or("rejected");
                    return revoked(format!("HTTP {code}: {err}"));
                }
                None | Some(serde_json::Value::Null) if body.get("errors").is_some() => {
                    return revoked(format!("HTTP {code}: the API answered with errors"));
                }
                None | Some(serde_json::Value::Null) => {
                    return unknown(format!("HTTP {code}: {p} missing from the answer"));
                }
                Some(_) => {}
            }
        }
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let identity = spec
            .identity
            .as_ref()
            .and_then(|p| body.pointer(p))
            .and_then(text)
            .or_else(|| spec.pair_json.is_some().then(|| pair.to_string()));
        let mut scopes: Vec<String> = Vec::new();
        if let Some(h) = scopes_h {
            scopes.extend(split_scopes(&h));
        }
        if let Some(v) = spec.scopes.as_ref().and_then(|p| body.pointer(p)) {
            match v {
                serde_json::Value::Array(a) => scopes.extend(a.iter().filter_map(text)),
                serde_json::Value::String(s) => scopes.extend(split_scopes(s)),
                _ => {}
            }
        }
        let expires = expiry_h.or_else(|| {
            spec.expiry
                .as_ref()
                .and_then(|p| body.pointer(p))
                .and_then(text)
        });
        Verification {
            status: Status::Live,
            reason: format!("HTTP {code}"),
            host,
            identity,
            scopes,
            expires,
        }
    }
}

/// A token request for Google's OAuth endpoint, signed with a service account's key (RFC 7523
/// JWT bearer grant): `secret` is the PEM private key as it sits in the JSON key file (`\n`
/// escapes), `email` its `client_email`. The scope asked for is read-only.
fn google_jwt(secret: &str, email: &str, now: i64) -> Result<String, String> {
    use base64::Engine as _;
    let pem = secret.replace("\\n", "\n");
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .flat_map(|l| l.split_whitespace())
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| "the private key is not base64".to_string())?;
    let key = ring::signature::RsaKeyPair::from_pkcs8(&der)
        .map_err(|_| "the private key is not an RSA PKCS#8 key".to_string())?;
    let enc = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let header = enc(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = serde_json::json!({
        "iss": email,
        "scope": "https://www.googleapis.com/auth/cloud-platform.read-only",
        "aud": "https://oauth2.googleapis.com/token",
        "iat": now,
        "exp": now + 600,
    });
    let input = format!("{header}.{}", enc(claims.to_string().as_bytes()));
    let mut sig = vec![0; key.public().modulus_len()];
    key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .map_err(|_| "signing failed".to_string())?;
    Ok(format!("{input}.{}", enc(&sig)))
}

/// What AWS Signature Version 4 signs.
struct SigV4<'a> {
    method: &'a str,
    host: &'a str,
    path: &'a str,
    /// The query string, already in canonical order (the declared URLs have at most a few
    /// parameters, written sorted).
    query: &'a str,
    headers: &'a [(String, String)],
    body: &'a [u8],
    key_id: &'a str,
    secret: &'a str,
    region: &'a str,
    service: &'a str,
    now: jiff::Timestamp,
}

/// The `x-amz-date` and `authorization` headers of a request signed with AWS Signature
/// Version 4, as the AWS documentation specifies it ("Create a signed AWS API request"):
/// HMAC-SHA256 over a canonical request, with a key derived from the secret, the date, the
/// region and the service. Written on the `hmac` and `sha2` crates rather than with the AWS
/// SDK's signer, which brings about a hundred crates for one request; the documentation's
/// worked example is its test.
fn sigv4(r: &SigV4) -> Vec<(String, String)> {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Digest, Sha256};
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let mac = |key: &[u8], data: &[u8]| {
        let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
        m.update(data);
        m.finalize().into_bytes().to_vec()
    };
    let amz_date = r.now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let date = &amz_date[..8];
    let payload = hex(&Sha256::digest(r.body));
    let mut signed: Vec<(String, String)> = r
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .chain([
            ("host".to_string(), r.host.to_string()),
            ("x-amz-date".to_string(), amz_date.clone()),
        ])
        .collect();
    signed.sort();
    let canonical_headers: String = signed.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_names = signed
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical = format!(
        "{}\n{}\n{}\n{canonical_headers}\n{signed_names}\n{payload}",
        r.method, r.path, r.query
    );
    let scope = format!("{date}/{}/{}/aws4_request", r.region, r.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical.as_bytes()))
    );
    let k = mac(format!("AWS4{}", r.secret).as_bytes(), date.as_bytes());
    let k = mac(&k, r.region.as_bytes());
    let k = mac(&k, r.service.as_bytes());
    let k = mac(&k, b"aws4_request");
    let signature = hex(&mac(&k, to_sign.as_bytes()));
    vec![
        ("x-amz-date".into(), amz_date),
        (
            "authorization".into(),
            format!(
                "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_names}, Signature={signature}",
                r.key_id
            ),
        ),
    ]
}

fn split_scopes(s: &str) -> Vec<String> {
    s.split([',', ' '])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

/// A short name for a transport error, without its details (which may include the URL).
fn error_kind(e: &ureq::Error) -> &'static str {
    match e {
        ureq::Error::Io(_) => "connection error",
        ureq::Error::HostNotFound => "host not found",
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "TLS error",
        ureq::Error::RequireHttpsOnly(_) => "not HTTPS",
        ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => "redirect",
        _ => "HTTP error",
    }
}

/// Scopes that give organisation-wide or administrative reach, whatever the token's prefix
/// said (GitHub classic scopes, GitLab scopes, generic `admin`).
pub fn broad_scope(scopes: &[String]) -> bool {
    scopes.iter().any(|s| {
        let s = s.to_ascii_lowercase();
        s.starts_with("admin")
            || s == "repo"
            || s == "api"
            || s == "sudo"
            || s == "delete_repo"
            || s.contains(":admin")
            || s == "write:org"
    })
}

/// Folds a verification into a finding's assessment: a rejected credential is not usable and
/// drops to `info`; a live one keeps its risk or rises when its scopes reach further than its
/// type said; an inconclusive one changes nothing but says why.
pub fn apply(f: &mut crate::finding::Finding, v: Verification) {
    use crate::assessment::{Risk, RiskInput, Scope, risk};
    let a = &mut f.assessment;
    match v.status {
        Status::Revoked => {
            a.usable = false;
            a.risk = Risk::Info;
            a.why = format!(
                "verified: {} rejected it ({}): revoked, expired or never valid",
                v.host, v.reason
            );
            a.evidence.push(a.why.clone());
        }
        Status::Live => {
            let mut line = format!("verified live at {}", v.host);
            if let Some(id) = &v.identity {
                line.push_str(&format!(" as {id}"));
            }
            if !v.scopes.is_empty() {
                line.push_str(&format!("; scopes: {}", v.scopes.join(", ")));
            }
            if let Some(e) = &v.expires {
                line.push_str(&format!("; expires {e}"));
            }
            a.evidence.push(line);
            if broad_scope(&v.scopes) && !matches!(a.scope, Scope::Account | Scope::Org) {
                a.scope = Scope::Org;
                let (r, why) = risk(&RiskInput {
                    lifetime: a.lifetime,
                    scope: a.scope,
                    privileged: a.privileged,
                    environment: a.environment,
                    location: a.location,
                    usable: a.usable,
                    workspace: None,
                });
                if r > a.risk {
                    a.risk = r;
                    a.why = format!("{why} (the live token's scopes reach the organisation)");
                }
            }
        }
        Status::Unknown => a.evidence.push(format!(
            "verification inconclusive at {}: {}",
            v.host, v.reason
        )),
    }
    f.verification = Some(v);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigv4_matches_the_aws_documentation_example() {
        // The worked example of AWS's Signature Version 4 documentation: IAM ListUsers with
        // the documentation's example credentials (not a real key).
        let headers = vec![(
            "content-type".to_string(),
            "application/x-www-form-urlencoded; charset=utf-8".to_string(),
        )];
        let out = sigv4(&SigV4 {
            method: "GET",
            host: "iam.amazonaws.com",
            path: "/",
            query: "Action=ListUsers&Version=2010-05-08",
            headers: &headers,
            body: b"",
            key_id: "AKIDEXAMPLE",
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "iam",
            now: "2015-08-30T12:36:00Z".parse().unwrap(),
        });
        let auth = &out.iter().find(|(k, _)| k == "authorization").unwrap().1;
        assert!(
            auth.contains("SignedHeaders=content-type;host;x-amz-date"),
            "{auth}"
        );
        assert!(
            auth.ends_with(
                "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
            ),
            "{auth}"
        );
    }

    #[test]
    fn scopes_that_reach_an_organisation() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(broad_scope(&s(&["repo", "read:org"])));
        assert!(broad_scope(&s(&["admin:org"])));
        assert!(!broad_scope(&s(&["read:user", "gist"])));
    }
}
