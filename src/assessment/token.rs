//! Per-token analysis: what a credential says about itself, decoded offline. Nothing here is
//! verification: a JWT's claims are read, never trusted as proof of anything but their content.
//!
//! A detector names the analyzers that apply to its type (`analyzers = ["jwt"]`).

pub use crate::detectors::Analyzer;
use crate::model::{Environment, Lifetime, Scope};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jiff::Timestamp;
use std::ops::Range;

/// What an analyzer learned. `None` fields leave the detector's statement as it is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub lifetime: Option<Lifetime>,
    pub expires_at: Option<Timestamp>,
    pub scope: Option<Scope>,
    pub privileged: bool,
    pub environment: Option<Environment>,
    pub usable: Option<bool>,
    pub evidence: Vec<String>,
}

/// Runs `a` on the secret at `range` of `hay`.
pub fn analyze(a: Analyzer, hay: &[u8], range: Range<usize>, now: Timestamp) -> Facts {
    let secret = &hay[range.clone()];
    match a {
        Analyzer::Jwt => jwt(secret, now),
        Analyzer::AzureSas => azure_sas(secret, now),
        Analyzer::PypiMacaroon => pypi(secret, now),
        Analyzer::AwsKeyId => aws_key_id(secret),
        Analyzer::Openssh => openssh(secret),
        Analyzer::KubeClientCert => kube_client_cert(hay, range, now),
        Analyzer::CliState => cli_state(hay, range, now),
        Analyzer::DopplerServiceToken => doppler(secret),
    }
}

/// Days beyond which an encoded expiry counts as `long` rather than `expiring`.
const EXPIRING_DAYS: i64 = 90;

/// Classifies an encoded expiry and describes it: "2034-03-01 (in 8 years)".
pub fn expiry(exp: Timestamp, now: Timestamp) -> (Lifetime, String) {
    let secs = exp.as_second() - now.as_second();
    let date = exp.strftime("%Y-%m-%d").to_string();
    if secs <= 0 {
        (
            Lifetime::Expired,
            format!("{date} (expired {} ago)", span(-secs)),
        )
    } else if secs <= EXPIRING_DAYS * 86_400 {
        (Lifetime::Expiring, format!("{date} (in {})", span(secs)))
    } else {
        (Lifetime::Long, format!("{date} (in {})", span(secs)))
    }
}

/// A rough human duration: "3 hours", "12 days", "4 months", "8 years".
fn span(secs: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let days = secs / 86_400;
    if days >= 730 {
        plural(days / 365, "year")
    } else if days >= 60 {
        plural(days / 30, "month")
    } else if days >= 2 {
        plural(days, "day")
    } else if secs >= 7200 {
        plural(secs / 3600, "hour")
    } else {
        plural((secs / 60).max(1), "minute")
    }
}

fn b64url(s: &[u8]) -> Option<Vec<u8>> {
    let s: &[u8] = s.strip_suffix(b"==").or(s.strip_suffix(b"=")).unwrap_or(s);
    URL_SAFE_NO_PAD.decode(s).ok()
}

fn jwt(secret: &[u8], now: Timestamp) -> Facts {
    let mut f = Facts::default();
    let Some(payload) = secret.split(|&b| b == b'.').nth(1).and_then(b64url) else {
        return f;
    };
    let Ok(serde_json::Value::Object(claims)) = serde_json::from_slice(&payload) else {
        return f;
    };
    let str_claim = |k: &str| claims.get(k).and_then(|v| v.as_str()).map(str::to_string);
    match claims.get("exp").and_then(|v| v.as_i64()) {
        Some(exp) => {
            if let Ok(t) = Timestamp::from_second(exp) {
                let (l, text) = expiry(t, now);
                f.lifetime = Some(l);
                f.expires_at = Some(t);
                f.evidence.push(format!("JWT exp {text}"));
            }
        }
        None => {
            f.lifetime = Some(Lifetime::NoExpiry);
            f.evidence
                .push("JWT has no exp claim: valid until its signing key changes".into());
        }
    }
    if let Some(role) = str_claim("role") {
        match role.as_str() {
            "service_role" => {
                f.scope = Some(Scope::Project);
                f.privileged = true;
                f.evidence.push(
                    "JWT role service_role (Supabase): bypasses row level security on the whole project".into(),
                );
            }
            "anon" => {
                f.scope = Some(Scope::Public);
                f.evidence.push(
                    "JWT role anon (Supabase): public by design, safe only with row level security"
                        .into(),
                );
            }
            other => f.evidence.push(format!("JWT role {other}")),
        }
    }
    let scope = str_claim("scope").or_else(|| str_claim("scp")).or_else(|| {
        claims.get("scp").and_then(|v| v.as_array()).map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
    });
    if let Some(s) = scope {
        let admin = s.split([' ', ',']).any(|p| {
            p == "*" || p.ends_with("/admin") || p.starts_with("admin") || p.contains(":admin")
        });
        if admin {
            f.privileged = true;
        }
        let shown: String = s.chars().take(80).collect();
        f.evidence.push(format!(
            "JWT scope: {shown}{}",
            if admin { " (administrative)" } else { "" }
        ));
    }
    if let Some(sub) = str_claim("sub").filter(|s| s.starts_with("system:serviceaccount:")) {
        f.evidence.push(format!(
            "Kubernetes service account token for {}",
            &sub["system:serviceaccount:".len()..]
        ));
    }
    if let Some(nbf) = claims.get("nbf").and_then(|v| v.as_i64())
        && let Ok(t) = Timestamp::from_second(nbf)
        && t > now
    {
        f.evidence
            .push(format!("JWT nbf {}: not valid yet", t.strftime("%Y-%m-%d")));
    }
    if let Some(iat) = claims.get("iat").and_then(|v| v.as_i64())
        && let Ok(t) = Timestamp::from_second(iat)
    {
        f.evidence
            .push(format!("JWT issued {}", t.strftime("%Y-%m-%d")));
    }
    let aud = str_claim("aud").or_else(|| {
        claims.get("aud").and_then(|v| v.as_array()).map(|a| {
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
    });
    if let Some(aud) = aud {
        let shown: String = aud.chars().take(80).collect();
        f.evidence.push(format!("JWT audience {shown}"));
    }
    if let Some(iss) = str_claim("iss") {
        let shown: String = iss.chars().take(80).collect();
        f.evidence.push(format!("JWT issuer {shown}"));
    }
    f
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An ISO-8601 time as SAS tokens write it: `2030-01-01T00:00:00Z` or a bare date.
fn parse_time(s: &str) -> Option<Timestamp> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let d: jiff::civil::Date = s.get(..10)?.parse().ok()?;
    d.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

fn azure_sas(secret: &[u8], now: Timestamp) -> Facts {
    let mut f = Facts::default();
    let text = String::from_utf8_lossy(secret);
    let query = text.split_once('?').map_or(text.as_ref(), |(_, q)| q);
    let mut params = std::collections::HashMap::new();
    for pair in query.split('&') {
        if let Some((k, v)) = pair.split_once('=') {
            params.insert(k.to_ascii_lowercase(), percent_decode(v));
        }
    }
    match params.get("se").and_then(|se| parse_time(se)) {
        Some(t) => {
            let (l, text) = expiry(t, now);
            f.lifetime = Some(l);
            f.expires_at = Some(t);
            f.evidence.push(format!("SAS se= {text}"));
        }
        None if params.contains_key("si") => {
            f.lifetime = Some(Lifetime::Unknown);
            f.evidence
                .push("SAS si= names a stored access policy: its expiry is set server-side".into());
        }
        None => {}
    }
    let perms = params.get("sp").cloned().unwrap_or_default();
    let writes = perms.chars().any(|c| "wdcaupx".contains(c));
    if params.contains_key("ss") || params.contains_key("srt") {
        f.scope = Some(if writes {
            Scope::Project
        } else {
            Scope::ReadOnly
        });
        f.evidence.push(format!(
            "account SAS (ss={}, srt={}): every container of the storage account{}",
            params.get("ss").map_or("", |s| s),
            params.get("srt").map_or("", |s| s),
            if writes {
                ", with write or delete"
            } else {
                ", read-only"
            }
        ));
    } else if let Some(sr) = params.get("sr") {
        f.scope = Some(if writes {
            Scope::Resource
        } else {
            Scope::ReadOnly
        });
        f.evidence.push(format!(
            "service SAS sr={sr}: one {}",
            match sr.as_str() {
                "b" | "bs" | "bv" => "blob",
                "c" => "container",
                "f" => "file",
                "s" => "share",
                "d" => "directory",
                _ => "resource",
            }
        ));
    }
    if !perms.is_empty() {
        f.evidence.push(format!(
            "SAS permissions sp={perms}{}",
            if writes {
                " (can write or delete)"
            } else {
                " (read/list only)"
            }
        ));
    }
    f
}

fn pypi(secret: &[u8], now: Timestamp) -> Facts {
    let mut f = Facts::default();
    let Some(raw) = secret.strip_prefix(b"pypi-").and_then(b64url) else {
        return f;
    };
    let text = String::from_utf8_lossy(&raw);
    let re = |p: &str| regex::Regex::new(p).expect("static regex");
    if let Some(c) = re(r"\[0,\s*(\d+),\s*\d+\]").captures(&text) {
        if let Ok(t) = Timestamp::from_second(c[1].parse().unwrap_or(0)) {
            let (l, s) = expiry(t, now);
            f.lifetime = Some(l);
            f.expires_at = Some(t);
            f.evidence.push(format!("PyPI expiry caveat {s}"));
        }
    } else {
        f.lifetime = Some(Lifetime::NoExpiry);
        f.evidence.push("PyPI token has no expiry caveat".into());
    }
    if text.contains("[4,") {
        f.lifetime = Some(Lifetime::ShortLived);
        f.evidence
            .push("PyPI trusted-publishing token (OIDC caveat): minutes".into());
    }
    let projects = re(r#"\[1,\s*\[([^\]]*)\]\]"#)
        .captures(&text)
        .map(|c| c[1].replace('"', ""))
        .or_else(|| {
            re(r#""projects"\s*:\s*\[([^\]]*)\]"#)
                .captures(&text)
                .map(|c| c[1].replace('"', ""))
        });
    if let Some(p) = projects {
        f.scope = Some(Scope::Project);
        f.evidence
            .push(format!("PyPI token limited to project(s): {p}"));
    } else if text.contains("[2,") {
        f.scope = Some(Scope::Project);
        f.evidence
            .push("PyPI token limited to projects by id".into());
    } else {
        f.scope = Some(Scope::Account);
        f.evidence.push(
            "PyPI token has no project caveat: user-wide, uploads to every project of the account"
                .into(),
        );
    }
    f
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The AWS account id encoded in an access key id (Tal Beery, 2023): base32-decode characters
/// 4..20, take the first 6 bytes big-endian, mask and shift.
pub fn aws_account_id(key_id: &[u8]) -> Option<String> {
    let body = key_id.get(4..20)?;
    let mut bits: u128 = 0;
    for &c in body {
        let v = B32.iter().position(|&x| x == c)? as u128;
        bits = (bits << 5) | v;
    }
    // 16 chars x 5 bits = 80 bits = 10 bytes; the first 6 bytes are the top 48 bits.
    let z = (bits >> 32) as u64;
    let acct = (z & 0x7fff_ffff_ff80) >> 7;
    Some(format!("{acct:012}"))
}

fn aws_key_id(secret: &[u8]) -> Facts {
    let mut f = Facts::default();
    if let Some(a) = aws_account_id(secret) {
        f.evidence
            .push(format!("AWS account {a} (decoded from the key id)"));
    }
    f
}

fn openssh(body: &[u8]) -> Facts {
    let mut f = Facts::default();
    let clean: Vec<u8> = body
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let Ok(raw) = STANDARD.decode(&clean) else {
        return f;
    };
    let Some(rest) = raw.strip_prefix(b"openssh-key-v1\0") else {
        return f;
    };
    let Some(len) = rest
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
    else {
        return f;
    };
    let Some(cipher) = rest.get(4..4 + len) else {
        return f;
    };
    if cipher == b"none" {
        f.usable = Some(true);
        f.evidence
            .push("OpenSSH key ciphername none: no passphrase, usable as is".into());
    } else {
        f.usable = Some(false);
        f.evidence.push(format!(
            "OpenSSH key encrypted with {}: needs its passphrase",
            String::from_utf8_lossy(cipher)
        ));
    }
    f
}

fn kube_client_cert(hay: &[u8], range: Range<usize>, now: Timestamp) -> Facts {
    let mut f = Facts::default();
    // The certificate of the same `users` entry: between the `- name:` lines around the key.
    let from = range.start.saturating_sub(16 * 1024);
    let to = (range.end + 16 * 1024).min(hay.len());
    let entry = regex::bytes::Regex::new(r"(?m)^\s*-\s+name:").expect("static regex");
    let start = entry
        .find_iter(&hay[from..range.start])
        .last()
        .map_or(from, |m| from + m.start());
    let end = entry
        .find(&hay[range.end..to])
        .map_or(to, |m| range.end + m.start());
    let block = String::from_utf8_lossy(&hay[start..end]);
    let re =
        regex::Regex::new(r"client-certificate-data:\s*([A-Za-z0-9+/=]+)").expect("static regex");
    let Some(c) = re.captures(&block) else {
        return f;
    };
    let Ok(pem) = STANDARD.decode(c[1].as_bytes()) else {
        return f;
    };
    let Ok((_, pem)) = x509_parser::pem::parse_x509_pem(&pem) else {
        return f;
    };
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(&pem.contents) else {
        return f;
    };
    if let Ok(t) = Timestamp::from_second(cert.validity().not_after.timestamp()) {
        let (l, text) = expiry(t, now);
        f.lifetime = Some(l);
        f.expires_at = Some(t);
        f.evidence
            .push(format!("client certificate notAfter {text}"));
    }
    let groups: Vec<String> = cert
        .subject()
        .iter_organization()
        .filter_map(|o| o.as_str().ok().map(str::to_string))
        .collect();
    let cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|c| c.as_str().ok())
        .unwrap_or("")
        .to_string();
    if groups.iter().any(|g| g == "system:masters") {
        f.scope = Some(Scope::Org);
        f.privileged = true;
        f.evidence.push(format!(
            "client certificate CN={cn} O=system:masters: cluster-admin that bypasses RBAC, revocable only by rotating the cluster CA"
        ));
    } else {
        f.evidence.push(format!(
            "client certificate CN={cn} groups [{}]",
            groups.join(", ")
        ));
    }
    f
}

/// Keys that CLI state files use for the expiry of the token beside them.
const EXPIRY_KEYS: &str = r#""(?:expiresAt|expires_at|tokenExpiresAt|expiry|expiration|Expiration|token_expiry|expires_on|expiration_time)"\s*:\s*"?([0-9]{9,13}|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)"?"#;

fn cli_state(hay: &[u8], range: Range<usize>, now: Timestamp) -> Facts {
    let mut f = Facts::default();
    // The enclosing JSON object, approximately: up to 2 KiB either side, cut at the nearest
    // braces that close the token's object.
    let from = range.start.saturating_sub(2048);
    let to = (range.end + 2048).min(hay.len());
    let start = hay[from..range.start]
        .iter()
        .rposition(|&b| b == b'{')
        .map_or(from, |i| from + i);
    let end = hay[range.end..to]
        .iter()
        .position(|&b| b == b'}')
        .map_or(to, |i| range.end + i);
    let obj = String::from_utf8_lossy(&hay[start..end]);
    let re = regex::Regex::new(EXPIRY_KEYS).expect("static regex");
    let Some(c) = re.captures(&obj) else {
        return f;
    };
    let v = &c[1];
    let t = if v.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = v.parse().unwrap_or(0);
        // Milliseconds (Claude Code's expiresAt) or seconds (Railway's tokenExpiresAt).
        Timestamp::from_second(if n > 100_000_000_000 { n / 1000 } else { n }).ok()
    } else {
        parse_time(v)
    };
    let Some(t) = t else { return f };
    let (l, text) = expiry(t, now);
    f.expires_at = Some(t);
    let refresh =
        regex::bytes::Regex::new(r#""(?:refresh_?[Tt]oken|RefreshToken)"\s*:\s*"[^"]{8,}""#)
            .expect("static regex")
            .is_match(hay);
    f.lifetime = Some(if l == Lifetime::Long {
        Lifetime::Expiring
    } else {
        l
    });
    f.evidence.push(format!("state file expiry {text}"));
    if refresh {
        f.evidence.push(
            "the same file holds a refresh token, which renews this access token (reported as its own finding)".into(),
        );
    } else if l == Lifetime::Expired {
        f.evidence
            .push("no refresh token in the file: nothing renews it".into());
    }
    f
}

fn doppler(secret: &[u8]) -> Facts {
    let mut f = Facts::default();
    let text = String::from_utf8_lossy(secret);
    let parts: Vec<&str> = text.split('.').collect();
    if parts.len() == 4 && parts[0] == "dp" && parts[1] == "st" {
        let slug = parts[2];
        f.evidence
            .push(format!("Doppler service token for config '{slug}'"));
        f.environment = super::context::env_from_name(slug);
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-22T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn expiry_bands() {
        let n = now();
        let day = 86_400;
        let at = |s: i64| Timestamp::from_second(n.as_second() + s).unwrap();
        assert_eq!(expiry(at(-3 * day), n).0, Lifetime::Expired);
        assert_eq!(expiry(at(-3 * day), n).1, "2026-11-19 (expired 3 days ago)");
        assert_eq!(
            expiry(at(30 * day), n),
            (Lifetime::Expiring, "2026-12-22 (in 30 days)".into())
        );
        assert_eq!(expiry(at(8 * 365 * day), n).0, Lifetime::Long);
        assert!(expiry(at(8 * 365 * day), n).1.ends_with("(in 8 years)"));
        assert!(expiry(at(3 * 3600), n).1.ends_with("(in 3 hours)"));
    }

    #[test]
    fn aws_account_decoding() {
        // Worked example from the published analysis: ASIAQNZGKIQY56JQ7WML -> 029608264753.
        assert_eq!(
            aws_account_id(b"ASIAQNZGKIQY56JQ7WML").as_deref(),
            Some("029608264753")
        );
        assert_eq!(aws_account_id(b"AKIA"), None);
    }

    #[test]
    fn jwt_claims() {
        let enc = |s: &str| URL_SAFE_NO_PAD.encode(s);
        let tok = format!(
            "{}.{}.sig",
            enc(r#"{"alg":"HS256"}"#),
            enc(r#"{"iss":"supabase","role":"service_role","exp":2015576000}"#)
        );
        let f = jwt(tok.as_bytes(), now());
        assert_eq!(f.lifetime, Some(Lifetime::Long));
        assert_eq!(f.scope, Some(Scope::Project));
        assert!(f.privileged);
        assert!(
            f.evidence[0].starts_with("JWT exp 2033-11-14"),
            "{:?}",
            f.evidence
        );
        let tok = format!(
            "{}.{}.sig",
            enc(r#"{"alg":"HS256"}"#),
            enc(r#"{"sub":"x"}"#)
        );
        assert_eq!(
            jwt(tok.as_bytes(), now()).lifetime,
            Some(Lifetime::NoExpiry)
        );
    }

    #[test]
    fn sas() {
        let f = azure_sas(
            b"sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacup&se=2030-01-01T00:00:00Z&sig=abc",
            now(),
        );
        assert_eq!(f.lifetime, Some(Lifetime::Long));
        assert_eq!(f.scope, Some(Scope::Project));
        let f = azure_sas(b"sv=2022-11-02&sr=b&sp=r&se=2020-01-01&sig=abc", now());
        assert_eq!(f.lifetime, Some(Lifetime::Expired));
        assert_eq!(f.scope, Some(Scope::ReadOnly));
        let f = azure_sas(b"sv=2022-11-02&sr=c&si=policy1&sig=abc", now());
        assert_eq!(f.lifetime, Some(Lifetime::Unknown));
        assert_eq!(
            percent_decode("2030-01-01T00%3A00%3A00Z"),
            "2030-01-01T00:00:00Z"
        );
    }
}
