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
];

/// Words that, inside a secret, mark it as a stand-in.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
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
    if KNOWN_DOC_VALUES.iter().any(|v| s.contains(v)) {
        return Some(Reason::DocumentationValue);
    }
    let lower = s.to_ascii_lowercase();
    if PLACEHOLDER_VALUES.contains(&lower.as_str()) {
        return Some(Reason::PlaceholderValue);
    }
    if is_template(&lower) {
        return Some(Reason::TemplateVariable);
    }
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) {
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
