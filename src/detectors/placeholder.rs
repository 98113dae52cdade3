//! One placeholder filter for every detector: documentation values, template variables,
//! redaction marks, repeated characters and keyboard sequences are not credentials.
//!
//! The filter looks at the secret only (not the line), so a real key on a line that also says
//! "example" is still reported.

/// Values published in provider documentation, or the well-known test keys providers hand out.
const KNOWN_DOC_VALUES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AKIAI44QH8DHBEXAMPLE",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    // kubeadm's documented example bootstrap token.
    "abcdef.0123456789abcdef",
    // RFC 4122's example UUID, the one documentation and API examples use.
    "550e8400-e29b-41d4-a716-446655440000",
    // Mailgun's documentation key.
    "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
    // RFC 6749 (OAuth 2.0) examples: client s6BhdRkqt3:gX1fBat3bV in Basic form, access and
    // refresh tokens, authorization code. oauthlib and most OAuth libraries ship them.
    "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "SplxlOBeZQQYbYS6WxSbIA",
    "mF_9.B5f-4.1JqM",
    // JWT payloads of the canonical examples: jwt.io ({"sub":"1234567890","name":"John Doe",
    // "iat":1516239022}) and PyJWT's README ({"some":"payload"}).
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
    "eyJzb21lIjoicGF5bG9hZCJ9",
];

/// Words that, inside a secret, mark it as a stand-in.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    // Hex-speak: the made-up bytes of tests and debuggers.
    "deadbeef",
    "cafebabe",
    "decafbad",
    "feedface",
    "baadf00d",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "your_",
    "your-",
    "yourkey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "_here",
    "-here",
    "redacted",
    "dummy",
    "sample",
    "insert",
    "replace",
    "notreal",
    "not_real",
    "not-real",
    "xxxx",
    "****",
    "....",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "$(",
    "%(",
    "process.env",
    "os.environ",
    "getenv",
];

/// Whole values (compared case-insensitively) that are placeholders, mostly in passwords.
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "secret",
    "token",
    "apikey",
    "api_key",
    "admin",
    "root",
    "test",
    "testing",
    "null",
    "none",
    "undefined",
    "true",
    "false",
    "string",
    "value",
    "key",
    "foo",
    "bar",
    "foobar",
    "qwerty",
    "letmein",
    "123456",
    "12345678",
    "password123",
    "hunter2",
    "pwd",
    "user",
    "username",
    "guest",
    "mypassword",
    "mysecret",
    // xkcd 936's example passphrase.
    "correcthorsebatterystaple",
];

/// Why a value counts as a placeholder, for tests and `--stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    DocumentationValue,
    PlaceholderWord,
    PlaceholderValue,
    TemplateVariable,
    RepeatedCharacters,
    Sequence,
}

/// Returns why `secret` is a placeholder, or `None` if it may be real. `prefix_len` bytes at the
/// start are a fixed type prefix (`ghp_`), excluded from the repetition checks.
pub fn placeholder_reason(secret: &[u8], prefix_len: usize) -> Option<Reason> {
    let s = String::from_utf8_lossy(secret);
    if KNOWN_DOC_VALUES
        .iter()
        .any(|v| crate::bytes::holds(s.as_bytes(), v.as_bytes()))
    {
        return Some(Reason::DocumentationValue);
    }
    if documentation_jwt(secret) {
        return Some(Reason::DocumentationValue);
    }
    let lower = s.to_ascii_lowercase();
    if PLACEHOLDER_VALUES.contains(&lower.as_str()) {
        return Some(Reason::PlaceholderValue);
    }
    if is_template(&lower) {
        return Some(Reason::TemplateVariable);
    }
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| crate::bytes::holds(lower.as_bytes(), w.as_bytes()))
    {
        return Some(Reason::PlaceholderWord);
    }
    let body = &secret[prefix_len.min(secret.len())..];
    // Runs and sequences are checked on token-sized secrets only: long encoded bodies (PEM and
    // OpenSSH keys) legitimately hold runs such as `AAAAAAAAAAAB` (zero bytes in base64).
    if body.len() <= SHORT_SECRET {
        if repeated_run(body) {
            return Some(Reason::RepeatedCharacters);
        }
        if has_sequence(body) {
            return Some(Reason::Sequence);
        }
    }
    if mostly_one_char(body) {
        return Some(Reason::RepeatedCharacters);
    }
    None
}

/// A JWT whose claims are a documentation example's: AWS's marks (`EXAMPLE...` claim values,
/// the example account `123456789012`) or a value [`KNOWN_DOC_VALUES`] lists, inside the
/// decoded payload, where the token's own text cannot show them.
fn documentation_jwt(secret: &[u8]) -> bool {
    if !secret.starts_with(b"eyJ") {
        return false;
    }
    let Some(payload) = secret
        .split(|&c| c == b'.')
        .nth(1)
        .and_then(super::validators::b64url_decode)
    else {
        return false;
    };
    let text = String::from_utf8_lossy(&payload);
    text.contains("\"EXAMPLE")
        || text.contains("123456789012")
        || KNOWN_DOC_VALUES.iter().any(|v| text.contains(v))
}

/// Words that, inside a value, make it name itself (`SomeKindOfPassword123`): an example, not
/// a credential.
pub const SELF_NAMING: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"pswd",
    b"secret",
    b"token",
    b"apikey",
    b"api_key",
    b"api-key",
    // The word "password" in other languages, as translation files give it (`password:
    // Wachtwoord`); written without accents, since a value with them is not ASCII and is
    // rejected before this.
    b"wachtwoord",
    b"passwort",
    b"kennwort",
    b"contrasena",
    b"senha",
    b"haslo",
    b"losenord",
    b"passord",
    b"adgangskode",
    b"salasana",
    b"heslo",
    b"jelszo",
    b"parool",
    b"geslo",
    b"lozinka",
    b"katasandi",
    b"motdepasse",
    b"cyfrinair",
    // The name of the protocol (`google_oauth2`, `OAuth2.0`), not a credential of it.
    b"oauth",
];

/// A value made up for an example or a test rather than generated: every character belongs to
/// a run of three or more consecutive characters or keys (`abc123`, `012345abcdef`,
/// `asdf1234`, `cba321`), a short unit repeated (`AKIAKIAKI`, `abab12ab12`), or a word that
/// names itself in digits for letters (`p4ssw0rd`, `P@ssw0rd`, `s3cr3t`). Generated secrets
/// of this length almost never are; CredData's reviewers label such values as examples.
/// Also bytes in hex that count up (`000102030405...1f`): a test vector's key, at any length.
pub fn made_up(v: &[u8]) -> bool {
    if counting_bytes(v) {
        return true;
    }
    if v.len() < 4 || v.len() > 32 {
        return false;
    }
    // `p%2540ss+word` is `p@ss word` escaped twice (a URL's password in a parser's test):
    // the letter-for-digit reading is made of what a person typed.
    let typed = unescaped_typing(v);
    let v = typed.as_slice();
    let lower = v.to_ascii_lowercase();
    let leet: Vec<u8> = lower
        .iter()
        .map(|&c| match c {
            b'4' | b'@' => b'a',
            b'3' => b'e',
            b'1' | b'!' => b'i',
            b'0' => b'o',
            b'5' | b'$' => b's',
            b'7' => b't',
            c => c,
        })
        .collect();
    // `p%40ss`: a placeholder word written with a symbol for a letter.
    if leet != lower && PLACEHOLDER_VALUES.contains(&String::from_utf8_lossy(&leet).as_ref()) {
        return true;
    }
    // The word must be most of the value: in a long random string a letter-for-digit reading
    // finds some short word by chance.
    if leet != lower
        && SELF_NAMING
            .iter()
            .any(|w| 2 * w.len() >= v.len() && crate::bytes::holds(&leet, w))
    {
        return true;
    }
    periodic(&lower) || covered_by_runs(&lower) || word_and_count(&lower)
}

/// `v` with its percent-escapes undone (up to three times, as URLs nest them) and, where there
/// were any, the `+`/space word separators of a form-encoded value dropped. Without escapes,
/// `v` itself: a `+` in plain text is base64's, not a space.
fn unescaped_typing(v: &[u8]) -> Vec<u8> {
    let mut out = v.to_vec();
    for _ in 0..3 {
        let next: Vec<u8> = percent_encoding::percent_decode(&out).collect();
        if next == out {
            break;
        }
        out = next;
    }
    if out.len() != v.len() {
        out.retain(|&c| c != b'+' && c != b' ');
    }
    out
}

/// Eight or more bytes in hex, each one more than the one before (`0001020304050607`,
/// `0f101112...`): how test vectors and examples write a key.
fn counting_bytes(v: &[u8]) -> bool {
    if v.len() < 16 || !v.len().is_multiple_of(2) || !v.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let byte = |i: usize| u8::from_str_radix(std::str::from_utf8(&v[i..i + 2]).unwrap_or("g"), 16);
    let bytes: Vec<u8> = (0..v.len())
        .step_by(2)
        .filter_map(|i| byte(i).ok())
        .collect();
    bytes.windows(2).all(|w| w[1] == w[0].wrapping_add(1))
}

/// A short word, an optional separator and a count from 0 or 1 (`admin123`, `db123`,
/// `jira_123456`, `test@12345`): the password of a tutorial or a test fixture.
fn word_and_count(v: &[u8]) -> bool {
    let letters = v.iter().take_while(|c| c.is_ascii_lowercase()).count();
    let sep = usize::from(
        v.get(letters)
            .is_some_and(|c| matches!(c, b'_' | b'-' | b'@' | b'.')),
    );
    let digits = &v[letters + sep..];
    (2..=10).contains(&letters)
        && digits.len() >= 3
        && matches!(digits[0], b'0' | b'1')
        && digits.windows(2).all(|w| w[1] == w[0] + 1)
}

/// `v` is a unit of one to four characters repeated, three times or more (a partial last
/// unit allowed).
fn periodic(v: &[u8]) -> bool {
    (1..=4).any(|p| v.len() >= 3 * p && (p..v.len()).all(|i| v[i] == v[i - p]))
}

/// Every character of `v` is inside a run of three or more characters that are consecutive
/// (ascending or descending letters or digits) or neighbours on a keyboard row.
fn covered_by_runs(v: &[u8]) -> bool {
    const ROWS: &[&[u8]] = &[b"qwertyuiop", b"asdfghjkl", b"zxcvbnm", b"1234567890"];
    let next = |a: u8, b: u8| -> bool {
        let step = b as i16 - a as i16;
        (a.is_ascii_alphanumeric()
            && b.is_ascii_alphanumeric()
            && a.is_ascii_digit() == b.is_ascii_digit()
            && step.abs() == 1)
            || ROWS.iter().any(|r| {
                r.windows(2)
                    .any(|w| (w[0], w[1]) == (a, b) || (w[1], w[0]) == (a, b))
            })
    };
    let mut covered = vec![false; v.len()];
    let mut start = 0;
    for i in 1..=v.len() {
        if i == v.len() || !next(v[i - 1], v[i]) {
            if i - start >= 3 {
                covered[start..i].fill(true);
            }
            start = i;
        }
    }
    covered.iter().all(|&c| c)
}

/// Why a finding of a generic regex detector below high confidence is not worth reporting, or
/// `None`. Generic detectors (`Authorization` and `Bearer` headers, URLs with passwords) see
/// every kind of
/// value that code assigns to a secret-sounding name; most of them are identifiers, resource
/// names, paths or documentation URLs rather than credentials. `matched` is the whole regex
/// match, so a URL's host can be judged. Specific detectors never go through this: a value
/// with a known prefix is a credential wherever it appears.
pub fn generic_reason(secret: &[u8], matched: &[u8]) -> Option<GenericReason> {
    let has_digit = secret.iter().any(u8::is_ascii_digit);
    let has_alpha = secret.iter().any(u8::is_ascii_alphabetic);
    // `%2F%40` is `/@`: percent-escapes around nothing a person would type as a password.
    let unescaped: Vec<u8> = percent_encoding::percent_decode(secret).collect();
    if !unescaped.iter().any(u8::is_ascii_alphanumeric) {
        return Some(GenericReason::Identifier);
    }
    // `foo@bar`, `foo-bar`: made only of the metasyntactic words of examples and tests.
    if metasyntactic(&unescaped) {
        return Some(GenericReason::SelfNaming);
    }
    // A URL's password (`user:qthn@db`) is a password whatever characters it has.
    let in_url = crate::bytes::holds(matched, b"://");
    // `dev:dev@`, `postgres:postgres@`: the password is the user's name, a default or an
    // example's, not a secret anyone chose.
    if in_url && url_user(matched).is_some_and(|u| u.eq_ignore_ascii_case(secret)) {
        return Some(GenericReason::SelfNaming);
    }
    if (!has_digit || !has_alpha) && !in_url {
        // `MYSQL_NATIVE_PASSWORD`, `my_npmrcSecretVersion`, `123456789012`.
        return Some(GenericReason::Identifier);
    }
    let lower = secret.to_ascii_lowercase();
    if SELF_NAMING.iter().any(|w| crate::bytes::holds(&lower, w)) {
        // `SomeKindOfPassword123`, `VERYLONGSECRET...`: a value that names itself is an example.
        return Some(GenericReason::SelfNaming);
    }
    if lower.starts_with(b"arn:") || secret.iter().filter(|&&c| c == b'/').count() >= 3 {
        // `projects/p/secrets/s/versions/1`, `arn:aws:iam::...:role/x`: a resource name.
        return Some(GenericReason::ResourceName);
    }
    if documentation_host(matched) {
        return Some(GenericReason::DocumentationHost);
    }
    None
}

/// The user of the first `scheme://user:password@` in `matched`.
fn url_user(matched: &[u8]) -> Option<&[u8]> {
    let start = crate::bytes::find(matched, b"://")? + 3;
    let rest = &matched[start..];
    let colon = rest.iter().position(|&c| c == b':')?;
    let user = &rest[..colon];
    (!user.is_empty() && !user.contains(&b'@') && !user.contains(&b'/')).then_some(user)
}

/// `foo@bar`, `foo-bar`, `Baz`: made only of the metasyntactic words of examples and tests
/// (and separators), so not a credential whatever name it is given.
pub fn metasyntactic(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_alphanumeric)
        && v.split(|c| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| METASYNTACTIC.iter().any(|m| w.eq_ignore_ascii_case(m)))
}

/// The placeholder words of examples: a value made only of these is not a credential.
const METASYNTACTIC: &[&[u8]] = &[b"foo", b"bar", b"baz", b"qux", b"quux", b"foobar"];

/// Why [`generic_reason`] dropped a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenericReason {
    Identifier,
    SelfNaming,
    ResourceName,
    DocumentationHost,
}

/// The host after the last `@` of a URL is reserved for documentation (RFC 2606 and RFC 6761:
/// `example.com`, `*.example`, `*.invalid`, `*.test`). A password for `localhost` or
/// `127.0.0.1` is still a password (a local database's, often the same as elsewhere): the
/// assessment, not this filter, weighs where it sits.
fn documentation_host(matched: &[u8]) -> bool {
    let Some(at) = matched.iter().rposition(|&c| c == b'@') else {
        return false;
    };
    let host: Vec<u8> = matched[at + 1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'.' || **c == b'-')
        .map(u8::to_ascii_lowercase)
        .collect();
    let host = String::from_utf8_lossy(&host);
    let host = host.trim_end_matches('.');
    ["example.com", "example.org", "example.net"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || [".example", ".invalid", ".test"]
            .iter()
            .any(|s| host.ends_with(s))
}

/// `$VAR`, `%VAR%`, `@VAR@`: a value that names another value.
fn is_template(lower: &str) -> bool {
    let b = lower.as_bytes();
    let ident = |s: &[u8]| {
        !s.is_empty()
            && s.iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
    };
    (b.first() == Some(&b'$') && ident(&b[1..]))
        || (b.len() > 2 && b[0] == b'%' && b[b.len() - 1] == b'%' && ident(&b[1..b.len() - 1]))
        || (b.len() > 2 && b[0] == b'@' && b[b.len() - 1] == b'@' && ident(&b[1..b.len() - 1]))
}

/// Secrets up to this length get the run and sequence checks.
const SHORT_SECRET: usize = 128;

/// Eight or more of one character in a row.
fn repeated_run(body: &[u8]) -> bool {
    let mut run = 1;
    for w in body.windows(2) {
        if w[0] == w[1] {
            run += 1;
            if run >= 8 {
                return true;
            }
        } else {
            run = 1;
        }
    }
    false
}

/// A body of eight or more characters, more than half of which are one character.
fn mostly_one_char(body: &[u8]) -> bool {
    if body.len() < 8 {
        return false;
    }
    let mut counts = [0usize; 256];
    for &c in body {
        counts[c as usize] += 1;
    }
    counts.iter().max().copied().unwrap_or(0) * 2 > body.len()
}

/// A run of eight consecutive ascending or descending characters (`abcdefgh`, `12345678`), or
/// a keyboard row.
fn has_sequence(body: &[u8]) -> bool {
    let lower: Vec<u8> = body.iter().map(|c| c.to_ascii_lowercase()).collect();
    for dir in [1i16, -1] {
        let mut run = 1;
        for w in lower.windows(2) {
            if w[0].is_ascii_alphanumeric() && w[1] as i16 - w[0] as i16 == dir {
                run += 1;
                if run >= 8 {
                    return true;
                }
            } else {
                run = 1;
            }
        }
    }
    const ROWS: &[&[u8]] = &[b"qwertyuiop", b"asdfghjkl", b"zxcvbnm", b"1234567890"];
    ROWS.iter().any(|row| {
        row.windows(7)
            .any(|piece| lower.windows(7).any(|w| w == piece))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ph(s: &str) -> Option<Reason> {
        placeholder_reason(s.as_bytes(), 0)
    }

    #[test]
    fn published_examples_are_suppressed() {
        for v in [
            "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
            "czZCaGRSa3F0MzpnWDFmQmF0M2JW",
            "2YotnFZFEjr1zCsicMWpAA",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzb21lIjoicGF5bG9hZCJ9.4twFt5NiznN84AWoo1d7KO1T_yoc0Z6XOpOVswacPZg",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ] {
            assert_eq!(ph(v), Some(Reason::DocumentationValue), "{v}");
        }
    }

    #[test]
    fn generic_values_that_are_not_credentials() {
        use GenericReason::*;
        let g = |s: &str| generic_reason(s.as_bytes(), s.as_bytes());
        assert_eq!(g("MYSQL_NATIVE_PASSWORD"), Some(Identifier));
        assert_eq!(
            g("my_npmrcEnvironmentVariablesSecretVersion"),
            Some(Identifier)
        );
        assert_eq!(g("SomeKindOfPassword123!@#"), Some(SelfNaming));
        assert_eq!(g("VERYLONGSECRETeyJraWQiOiJrZXktMTU2"), Some(SelfNaming));
        assert_eq!(g("projects/p1/keys/k1/versions/1"), Some(ResourceName));
        assert_eq!(g("arn:aws:iam::437223687239:role/x"), Some(ResourceName));
        let url = |m: &str| generic_reason(b"FAKEw7Qp2Lx9Tn4Z", m.as_bytes());
        assert_eq!(
            url("http://u:FAKEw7Qp2Lx9Tn4Z@example.com"),
            Some(DocumentationHost)
        );
        assert_eq!(
            url("http://u:FAKEw7Qp2Lx9Tn4Z@api.example.org"),
            Some(DocumentationHost)
        );
        assert_eq!(url("http://u:FAKEw7Qp2Lx9Tn4Z@localhost"), None);
        assert_eq!(
            url("http://u:FAKEw7Qp2Lx9Tn4Z@ci.corp.test"),
            Some(DocumentationHost)
        );
        assert_eq!(url("http://u:FAKEw7Qp2Lx9Tn4Z@127.0.0.1"), None);
        assert_eq!(url("http://u:FAKEw7Qp2Lx9Tn4Z@ci.internal"), None);
        let own = |m: &str, s: &str| generic_reason(s.as_bytes(), m.as_bytes());
        assert_eq!(
            own("postgres://postgres:postgres@db:5432/", "postgres"),
            Some(SelfNaming)
        );
        assert_eq!(
            own("mysql://Dev:dev@127.0.0.1/app", "dev"),
            Some(SelfNaming)
        );
        assert_eq!(own("mysql://dev:dev2x9Lq@127.0.0.1/app", "dev2x9Lq"), None);
        assert_eq!(url("http://u:FAKEw7Qp2Lx9Tn4Z@notexample.com"), None);
        assert_eq!(g("FAKEq7Lm2Vx9Tn4Wz8Kp3Rb6Jh1Cs5"), None);
        assert_eq!(g("DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo="), None);
        assert!(metasyntactic(b"foo@bar"));
        assert!(metasyntactic(b"Foo-BAZ"));
        assert!(!metasyntactic(b"atpass:foo@bar"));
        assert!(!metasyntactic(b"@@"));
    }

    #[test]
    fn documentation_jwts() {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwt = |claims: &str| {
            format!(
                "{}.{}.Xyah6qbk78qThzJ41iFU2yfGuRqqtKXHrJYwQ8L9Ip0",
                b64(r#"{"alg":"HS256","typ":"JWT"}"#),
                b64(claims)
            )
        };
        for claims in [
            r#"{"sub":"u1","sts:audit_context":"EXAMPLEAUDITCONTEXT"}"#,
            r#"{"aud":"arn:aws:sso::123456789012:application/a"}"#,
            r#"{"sub":"AKIAIOSFODNN7EXAMPLE"}"#,
        ] {
            assert_eq!(
                ph(&jwt(claims)),
                Some(Reason::DocumentationValue),
                "{claims}"
            );
        }
        assert_eq!(ph(&jwt(r#"{"sub":"u1","aud":"api.acme-corp.io"}"#)), None);
        assert_eq!(ph("eyJ.not-base64!.x"), None);
    }

    #[test]
    fn made_up_values() {
        for v in [
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "0F101112131415161718",
            "abc123",
            "012345abcdef",
            "asdf1234",
            "ghi789",
            "cba321",
            "abcd1234efg567",
            "AKIAKIAKI",
            "p4ssw0rd",
            "P@ssw0rd",
            "s3cr3t!",
            "qwe123",
            "admin123",
            "db123",
            "jira_123456",
            "Test@12345",
            "adg123456",
            "p%2540ss+word",
            "p%40ss%20w0rd",
            "p%40ss",
            "t3st",
        ] {
            assert!(made_up(v.as_bytes()), "{v}");
        }
        for v in [
            "1a2b3c99ff",
            "Zk8pQ2wLx9",
            "8f3kq9zmv2",
            "abc",
            "hunter2",
            "summer2019",
            "wJalrXUtnFEMIK7MDENGbPxRfiCY",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "Zk8p%2FQ2w+x9",
            "p@ss+W9kq2Lm",
        ] {
            assert!(!made_up(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn each_rule_suppresses() {
        assert_eq!(ph("AKIAIOSFODNN7EXAMPLE"), Some(Reason::DocumentationValue));
        assert_eq!(
            ph("sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
            Some(Reason::DocumentationValue)
        );
        assert_eq!(ph("Password"), Some(Reason::PlaceholderValue));
        assert_eq!(ph("changeme"), Some(Reason::PlaceholderWord));
        assert_eq!(ph("your_api_key_here"), Some(Reason::PlaceholderWord));
        assert_eq!(ph("<your-token>"), Some(Reason::PlaceholderWord));
        assert_eq!(ph("${GITHUB_TOKEN}"), Some(Reason::PlaceholderWord));
        assert_eq!(ph("{{ .Env.TOKEN }}"), Some(Reason::PlaceholderWord));
        assert_eq!(ph("$DB_PASSWORD"), Some(Reason::TemplateVariable));
        assert_eq!(ph("%API_KEY%"), Some(Reason::TemplateVariable));
        assert_eq!(ph("ghp_****************"), Some(Reason::PlaceholderWord));
        assert_eq!(ph("<REDACTED>"), Some(Reason::PlaceholderWord));
        assert_eq!(
            ph("sk-xxxxxxxxxxxxxxxxxxxxxxxx"),
            Some(Reason::PlaceholderWord)
        );
        assert_eq!(ph("AKIA0000000000000000"), Some(Reason::RepeatedCharacters));
        assert_eq!(ph("q1w2aaaaaaaaaaaaz"), Some(Reason::RepeatedCharacters));
        assert_eq!(ph("abcdefghij123XyZ"), Some(Reason::Sequence));
        assert_eq!(ph("Zk1234567890qP"), Some(Reason::Sequence));
        assert_eq!(ph("pre_qwertyuiop_x"), Some(Reason::Sequence));
    }

    #[test]
    fn random_looking_values_pass() {
        assert_eq!(ph("wJ7Mq2pXv9Lk3Rt8Zs1Nd4Fg6Hb0Yc5Ue"), None);
        assert_eq!(ph("3f9c1a7e52b84d06a9e1c7f23b5d8e40"), None);
        assert_eq!(ph("Tr0ub4dor&3xK"), None);
    }

    #[test]
    fn long_encoded_bodies_may_hold_runs() {
        // The start of every unencrypted OpenSSH key: "openssh-key-v1\0" + "none" + "none" + ...
        let body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQAAACBq\nQ2FzZWZha2V4eXo5ODc2NTQzMjFxd2VydHl1aW9wYXNkZmdoamtsenhjdmJubTEyMzQ1Njc4OTA";
        assert_eq!(ph(body), None);
        assert_eq!(ph(&"A".repeat(200)), Some(Reason::RepeatedCharacters));
    }

    #[test]
    fn prefix_is_not_counted_as_repetition() {
        // A prefix of repeated letters does not make the body a placeholder.
        let s = b"xxxx_9fK2mQ7vL4pR8sT1wZ";
        assert_eq!(placeholder_reason(s, 5), Some(Reason::PlaceholderWord));
        let s = b"ssss_9fK2mQ7vL4pR8sT1wZ";
        assert_eq!(placeholder_reason(s, 5), None);
    }
}
