//! What a value looks like, as the model's features: how random it is, what characters it is
//! made of, and whether it has the shape of something that is not a credential (a path, a URL,
//! a version, an identifier, a template, a word).

use crate::detectors::{placeholder, shannon_entropy};

/// Literal values that are never a credential, compared case-insensitively.
const NOT_VALUES: &[&str] = &[
    "null",
    "none",
    "nil",
    "true",
    "false",
    "undefined",
    "empty",
    "required",
    "optional",
    "string",
    "str",
    "int",
    "bool",
    "boolean",
    "object",
    "any",
    "void",
    "secret",
    "password",
    "passwd",
    "token",
    "self",
    "this",
    "new",
    "function",
    "lambda",
    "return",
    "default",
    "env",
    "environ",
    "process",
    "config",
    "settings",
    "params",
    "args",
    "options",
    "value",
    "text",
    "hidden",
    "yes",
    "no",
    "on",
    "off",
];

/// The features of one value. See [`super::model`] for how they are weighed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueFacts {
    pub len: usize,
    pub entropy: f64,
    /// How many of lowercase, uppercase, digit, other are present (0 to 4).
    pub classes: u8,
    pub has_digit: bool,
    pub letters_only: bool,
    pub digits_only: bool,
    pub lower_word: bool,
    pub hex: bool,
    pub uuid: bool,
    pub base64ish: bool,
    pub jwt: bool,
    pub placeholder: bool,
    pub self_naming: bool,
    pub path: bool,
    pub url: bool,
    pub email: bool,
    pub version: bool,
    pub spaces: bool,
    pub identifier: bool,
    pub template: bool,
    pub repeated: bool,
    /// Short segments joined by `.` or `#`, three or more (`aws.auth#sigv4`,
    /// `com.acme.app`): a qualified name.
    pub dotted: bool,
    /// An ISO 8601 date or time (`2016-09-01T19:32:18Z`).
    pub date: bool,
    /// Mean surprisal of its letter runs, bits per letter ([`super::english`]).
    pub surprisal: Option<f64>,
}

/// Values rejected before any weighing: empty or too long to be one credential, a literal that
/// cannot be one, text in a script other than Latin (a translated label: credentials are
/// ASCII), or a password hash (what a system stores instead of the password).
pub fn rejected(v: &[u8]) -> bool {
    v.len() < 4
        || v.len() > 512
        // A PEM header alone (the private-key detectors read whole blocks), or the rest of a
        // concatenation (`"' + x + '"`).
        || v.starts_with(b"-----")
        // A template or a variable (`{self.token}`, `${X}`, `$(cat f)`, `<%= x %>`), a list
        // (`bytes,2,rep,name=x`) or a sentence (`Enter your password again`).
        || v.starts_with(b"{")
        || v.starts_with(b"${")
        || v.starts_with(b"$(")
        || v.starts_with(b"%{")
        || v.starts_with(b"<%")
        || v.iter().filter(|&&c| c == b',').count() >= 2
        || v.iter().filter(|&&c| c == b' ').count() >= 2
        || v.starts_with(b"'+")
        || v.starts_with(b"\"+")
        || !v.is_ascii()
        || NOT_VALUES
            .iter()
            .any(|n| n.as_bytes().eq_ignore_ascii_case(v))
        || v.iter().all(|&c| c == v[0])
        || password_hash(v)
}

/// A crypt(3), bcrypt, Argon2, PBKDF2 or LDAP `{SSHA}` password hash.
fn password_hash(v: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"$1$",
        b"$2a$",
        b"$2b$",
        b"$2y$",
        b"$5$",
        b"$6$",
        b"$argon2",
        b"$pbkdf2",
        b"$scrypt$",
        b"pbkdf2_sha",
        b"pbkdf2:sha",
        b"{SSHA}",
        b"{SHA}",
        b"{SSHA512}",
        b"{CRYPT}",
        b"sha1$",
        b"sha256$",
        b"md5$",
        b"bcrypt$",
    ];
    PREFIXES.iter().any(|p| v.starts_with(p))
}

/// The facts of value `v`.
pub fn facts(v: &[u8]) -> ValueFacts {
    let lower = v.iter().any(u8::is_ascii_lowercase);
    let upper = v.iter().any(u8::is_ascii_uppercase);
    let digit = v.iter().any(u8::is_ascii_digit);
    let other = v.iter().any(|c| !c.is_ascii_alphanumeric());
    let letters_only = v.iter().all(u8::is_ascii_alphabetic);
    let lv = v.to_ascii_lowercase();
    let contains = |w: &[u8]| lv.windows(w.len()).any(|x| x == w);
    let slashes = v.iter().filter(|&&c| c == b'/' || c == b'\\').count();
    let dots = v.iter().filter(|&&c| c == b'.').count();
    let ident_bytes = v
        .iter()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'#'));
    ValueFacts {
        len: v.len(),
        entropy: shannon_entropy(v),
        classes: [lower, upper, digit, other].iter().filter(|&&b| b).count() as u8,
        has_digit: digit,
        letters_only,
        digits_only: v.iter().all(u8::is_ascii_digit),
        lower_word: v.iter().all(u8::is_ascii_lowercase) && v.len() <= 14,
        hex: v.len() >= 16 && v.iter().all(u8::is_ascii_hexdigit) && digit,
        uuid: is_uuid(v),
        base64ish: v.len() >= 16
            && v.iter().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_')
            })
            && (v.ends_with(b"=") || v.contains(&b'+') || v.contains(&b'/'))
            && lower
            && upper,
        jwt: v.starts_with(b"eyJ") && dots >= 2,
        placeholder: placeholder::placeholder_reason(v, 0).is_some()
            || v.starts_with(b"%")
            || v.starts_with(b":")
            || contains(b"your")
            || contains(b"xxx"),
        self_naming: placeholder::SELF_NAMING.iter().any(|w| contains(w)),
        path: v.starts_with(b"/")
            || v.starts_with(b"./")
            || v.starts_with(b"~/")
            || v.starts_with(b"../")
            || (v.len() > 2 && v[1] == b':' && v[2] == b'\\')
            || slashes >= 2
            || has_file_extension(&lv),
        url: contains(b"://"),
        email: v.contains(&b'@') && dots >= 1 && !contains(b"://"),
        version: is_version(v),
        spaces: v.contains(&b' '),
        identifier: ident_bytes
            && !v.contains(&b'#')
            && (v.contains(&b'_') || v.contains(&b'.') || is_camel(v) || v.contains(&b'-')),
        dotted: ident_bytes && {
            let parts: Vec<&[u8]> = v.split(|c| matches!(c, b'.' | b'#')).collect();
            parts.len() >= 3 && parts.iter().all(|p| p.len() <= 12)
        },
        template: v.contains(&b'$')
            || v.contains(&b'{')
            || v.starts_with(b"<")
            || v.starts_with(b"#{")
            || v.starts_with(b"@"),
        repeated: v
            .windows(3)
            .filter(|w| w[0] == w[1] && w[1] == w[2])
            .count()
            * 3
            >= v.len(),
        surprisal: super::english::surprisal(v),
        date: v.len() >= 10
            && v[..4].iter().all(u8::is_ascii_digit)
            && v[4] == b'-'
            && v[5..7].iter().all(u8::is_ascii_digit)
            && v[7] == b'-',
    }
}

/// The text a value encodes, when it is standard base64 (as Kubernetes `Secret` data and
/// Docker `auths` hold values) of printable ASCII: `bXlwYXNz` is `mypass`.
pub fn base64_text(v: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine;
    if v.len() < 8
        || !v.len().is_multiple_of(4)
        || !v
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='))
    {
        return None;
    }
    let d = base64::engine::general_purpose::STANDARD.decode(v).ok()?;
    (d.len() >= 4 && d.iter().all(|c| (0x20..0x7f).contains(c))).then_some(d)
}

fn is_uuid(v: &[u8]) -> bool {
    v.len() == 36
        && v.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn is_version(v: &[u8]) -> bool {
    // `v1.2.3`, and npm/Cargo ranges: `^7.1.2`, `~1.2`, `>=1.0.0`.
    let start = v
        .iter()
        .position(|c| !matches!(c, b'v' | b'^' | b'~' | b'>' | b'<' | b'=' | b' '))
        .unwrap_or(v.len());
    let v = &v[start..];
    let parts: Vec<&[u8]> = v.split(|&c| c == b'.').collect();
    parts.len() >= 2
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.iter().all(u8::is_ascii_digit))
}

fn is_camel(v: &[u8]) -> bool {
    v.windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        && v.iter().all(u8::is_ascii_alphanumeric)
}

fn has_file_extension(lv: &[u8]) -> bool {
    const EXT: &[&[u8]] = &[
        b".txt",
        b".json",
        b".yaml",
        b".yml",
        b".pem",
        b".key",
        b".crt",
        b".p12",
        b".pfx",
        b".jks",
        b".properties",
        b".xml",
        b".conf",
        b".cfg",
        b".ini",
        b".env",
        b".js",
        b".py",
        b".html",
        b".php",
        b".png",
        b".jpg",
        b".gif",
        b".svg",
        b".csv",
        b".log",
        b".sh",
        b".der",
        b".gpg",
        b".asc",
        b".pub",
    ];
    EXT.iter().any(|e| lv.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        assert!(facts(b"3f2504e0-4f89-11d3-9a0c-0305e82c3301").uuid);
        assert!(facts(b"/etc/secrets/db").path);
        assert!(facts(b"certs/server.pem").path);
        assert!(facts(b"1.2.30").version && facts(b"^7.1.2").version);
        assert!(facts(b"aws.auth#sigv4").dotted);
        assert!(!facts(b"abxnj_gjvpuqzo").dotted);
        assert!(facts(b"2016-09-01T19:32:18Z").date);
        assert!(facts(b"db_password_field").identifier);
        assert!(facts(b"${DB_PASSWORD}").template);
        assert!(facts(b"<your-token>").placeholder);
        assert!(facts(b"ops@acme-corp.io").email);
        assert!(facts(b"eyJhbGciOi.eyJzdWIi.c2ln").jwt);
        assert!(facts(b"9f86d081884c7d659a2feaa0c55ad015").hex);
        let f = facts(b"Xk9#mQ2vLp7w");
        assert_eq!(f.classes, 4);
        assert!(!f.identifier && !f.path && !f.placeholder);
        assert!(rejected(b"null") && rejected(b"abc") && rejected(b"aaaaaaa"));
        assert!(!rejected(b"hunter2"));
        assert_eq!(base64_text(b"bXlwYXNz").as_deref(), Some(&b"mypass"[..]));
        assert_eq!(base64_text(b"Zm9v\x00\x01"), None);
        assert!(rejected(b"{self.create_jwt()}") && rejected(b"bytes,2,rep,name=hosts"));
        assert!(rejected(b"The VinylDNS API key") && !rejected(b"correct horse"));
        assert!(rejected("пароль123".as_bytes()));
        assert!(rejected(
            b"$2a$11$3kIDaCxw.Glsl1.u5nKa6eUnNDLV5HV9tIuUp7EHhMt6Nm9myW1aS"
        ));
    }
}
