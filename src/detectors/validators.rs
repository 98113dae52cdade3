//! Checks beyond the regex: a checksum or a structure that a random string matching the pattern
//! would almost never have. A detector names the validators it needs in its TOML file.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard base64 that accepts missing padding and non-zero trailing bits: a validator asks
/// "is this base64-shaped", not "is this canonical".
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);
use std::str::FromStr;

/// A named validator. The names are what detector files use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    /// `crc32-base62`: GitHub `ghp_/gho_/ghu_/ghs_/ghr_` and npm `npm_` tokens end in six base62
    /// digits of the CRC32 (IEEE) of the random part between the prefix and the checksum.
    Crc32Base62,
    /// `jwt`: three base64url segments whose first two decode to JSON objects, the header
    /// naming an `alg`.
    Jwt,
    /// `base64`: the secret (whitespace and JSON `\n` escapes ignored) is valid base64 of at least
    /// 48 bytes; used for PEM bodies.
    Base64,
    /// `pypi-macaroon`: after `pypi-`, base64url that decodes to a version-2 macaroon.
    PypiMacaroon,
    /// `base64-pem-private-key`: base64 whose first bytes decode to a PEM private key's
    /// `-----BEGIN ... PRIVATE KEY-----` line (a key put in a Kubernetes Secret or a JSON
    /// field encoded once more).
    Base64PemPrivateKey,
    /// `basic-credentials`: base64 that decodes to printable `user:password` with a non-empty
    /// password (the value of an HTTP Basic `Authorization`).
    BasicCredentials,
}

impl FromStr for Validator {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "crc32-base62" => Validator::Crc32Base62,
            "jwt" => Validator::Jwt,
            "base64" => Validator::Base64,
            "pypi-macaroon" => Validator::PypiMacaroon,
            "base64-pem-private-key" => Validator::Base64PemPrivateKey,
            "basic-credentials" => Validator::BasicCredentials,
            _ => {
                return Err(
                    "unknown validator (known: crc32-base62, jwt, base64, pypi-macaroon, \
                            base64-pem-private-key, basic-credentials)"
                        .into(),
                );
            }
        })
    }
}

impl Validator {
    /// The name detector files use.
    pub fn name(self) -> &'static str {
        match self {
            Validator::Crc32Base62 => "crc32-base62",
            Validator::Jwt => "jwt",
            Validator::Base64 => "base64",
            Validator::PypiMacaroon => "pypi-macaroon",
            Validator::Base64PemPrivateKey => "base64-pem-private-key",
            Validator::BasicCredentials => "basic-credentials",
        }
    }

    /// Whether `secret` passes.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::Crc32Base62 => crc32_base62_valid(secret),
            Validator::Jwt => jwt_valid(secret),
            Validator::Base64 => base64_body_valid(secret),
            Validator::PypiMacaroon => pypi_valid(secret),
            Validator::Base64PemPrivateKey => base64_pem_private_key(secret),
            Validator::BasicCredentials => basic_credentials(secret),
        }
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Six base62 digits, most significant first, left-padded with `0`.
pub fn base62_6(mut n: u32) -> [u8; 6] {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

fn crc32_base62_valid(token: &[u8]) -> bool {
    // The prefix ends at the first '_' (ghp_, npm_ ...).
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let rest = &token[us + 1..];
    if rest.len() <= 6 {
        return false;
    }
    let (body, sum) = rest.split_at(rest.len() - 6);
    base62_6(crc32fast::hash(body)) == sum
}

pub(crate) fn b64url_decode(s: &[u8]) -> Option<Vec<u8>> {
    let trimmed: &[u8] = s.strip_suffix(b"==").or(s.strip_suffix(b"=")).unwrap_or(s);
    URL_SAFE_NO_PAD.decode(trimmed).ok()
}

fn jwt_valid(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(h), Some(p), Some(_sig)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let json_object = |seg: &[u8]| -> Option<serde_json::Map<String, serde_json::Value>> {
        let raw = b64url_decode(seg)?;
        match serde_json::from_slice::<serde_json::Value>(&raw).ok()? {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        }
    };
    match (json_object(h), json_object(p)) {
        (Some(header), Some(_)) => header.contains_key("alg"),
        _ => false,
    }
}

/// A PEM body as files and code hold it: lines of base64, perhaps with `\n` or `\\n` escapes
/// (JSON, a string literal) and perhaps as string literals joined by `+` or by adjacency
/// (`"MIIE...\n" +` on each line of Java, JavaScript or Python). Decodes to at least 48 bytes.
fn base64_body_valid(body: &[u8]) -> bool {
    // An OpenPGP armor's last line is its CRC-24 checksum (`=VFSn`), not part of the body.
    let trimmed = body.trim_ascii_end();
    let body = match memchr::memrchr(b'\n', trimmed) {
        Some(nl)
            if trimmed.len() - nl - 1 == 5
                && trimmed[nl + 1] == b'='
                && trimmed[nl + 2..].iter().all(u8::is_ascii_alphanumeric) =>
        {
            &trimmed[..nl]
        }
        _ => body,
    };
    let mut clean = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if b == b'\\' {
            // `\n`, `\r` and their doubly escaped forms.
            let mut j = i + 1;
            if body.get(j) == Some(&b'\\') {
                j += 1;
            }
            if matches!(body.get(j), Some(b'n' | b'r')) {
                i = j + 1;
                continue;
            }
        }
        if b == b'"' || b == b'\'' {
            // A literal's quote, and the `+` that joins it to the next one.
            i += 1;
            while i < body.len() && (body[i].is_ascii_whitespace() || body[i] == b'+') {
                i += 1;
            }
            continue;
        }
        if !b.is_ascii_whitespace() {
            clean.push(b);
        }
        i += 1;
    }
    matches!(LENIENT.decode(&clean), Ok(d) if d.len() >= 48)
}

fn base64_pem_private_key(b64: &[u8]) -> bool {
    // The header line is all that is checked: the first 64 characters hold it whole.
    let head = &b64[..b64.len().min(64) / 4 * 4];
    match LENIENT.decode(head) {
        Ok(d) => {
            let line = d.split(|&c| c == b'\n').next().unwrap_or(&[]);
            line.starts_with(b"-----BEGIN ") && line.windows(11).any(|w| w == b"PRIVATE KEY")
        }
        Err(_) => false,
    }
}

fn basic_credentials(b64: &[u8]) -> bool {
    match LENIENT.decode(b64) {
        Ok(d) => {
            d.len() >= 3
                && d.iter().all(|c| (0x20..0x7f).contains(c))
                && d.iter().position(|&c| c == b':').is_some_and(|i| {
                    // `martin:secret`, `user:password`: a password that names itself is a
                    // documentation or test example, like any other placeholder.
                    let pw = &d[i + 1..];
                    !pw.is_empty()
                        && super::placeholder::placeholder_reason(pw, 0).is_none()
                        && !super::placeholder::SELF_NAMING
                            .iter()
                            .chain(&[&b"pass"[..], b"pwd"])
                            .any(|w| pw.eq_ignore_ascii_case(w))
                })
        }
        Err(_) => false,
    }
}

fn pypi_valid(token: &[u8]) -> bool {
    let Some(body) = token.strip_prefix(b"pypi-") else {
        return false;
    };
    // Macaroon v2 binary format starts with the version byte 0x02.
    matches!(b64url_decode(body), Some(raw) if raw.first() == Some(&2) && raw.len() > 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gh(prefix: &str, body: &str) -> Vec<u8> {
        let mut t = format!("{prefix}{body}").into_bytes();
        t.extend_from_slice(&base62_6(crc32fast::hash(body.as_bytes())));
        t
    }

    #[test]
    fn crc32_accepts_generated_and_rejects_altered() {
        let t = gh("ghp_", "CredgateFakeToken4TestsOnly012");
        assert_eq!(t.len(), 40);
        assert!(Validator::Crc32Base62.check(&t));
        let mut bad = t.clone();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(!Validator::Crc32Base62.check(&bad));
        let mut bad_body = t.clone();
        bad_body[5] ^= 0x20; // flip case of one body char
        assert!(!Validator::Crc32Base62.check(&bad_body));
    }

    #[test]
    fn base62_pads_and_orders() {
        assert_eq!(&base62_6(0), b"000000");
        assert_eq!(&base62_6(61), b"00000z");
        assert_eq!(&base62_6(62), b"000010");
    }

    #[test]
    fn jwt_structure() {
        let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let p = URL_SAFE_NO_PAD.encode(br#"{"sub":"fake"}"#);
        let ok = format!("{h}.{p}.c2lnbmF0dXJlZmFrZQ");
        assert!(Validator::Jwt.check(ok.as_bytes()));
        let noalg = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT"}"#);
        assert!(!Validator::Jwt.check(format!("{noalg}.{p}.sig").as_bytes()));
        assert!(!Validator::Jwt.check(b"eyJhbGciOi.eyJzdWIi.sig"));
    }

    #[test]
    fn base64_body() {
        use base64::engine::general_purpose::STANDARD;
        let body = STANDARD.encode([7u8; 64]);
        assert!(Validator::Base64.check(body.as_bytes()));
        let wrapped = format!("{}\\n{}", &body[..40], &body[40..]);
        assert!(Validator::Base64.check(wrapped.as_bytes()));
        assert!(!Validator::Base64.check(b"this is not base64 at all, not even close!!!!!"));
    }

    #[test]
    fn pypi() {
        let mut raw = vec![2u8, 1, 8];
        raw.extend_from_slice(b"pypi.org fake macaroon body bytes");
        let t = format!("pypi-{}", URL_SAFE_NO_PAD.encode(&raw));
        assert!(Validator::PypiMacaroon.check(t.as_bytes()));
        assert!(!Validator::PypiMacaroon.check(b"pypi-AgEIcHlwaS5vcmc!!!"));
    }
}
