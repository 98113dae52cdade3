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
        // Ends in a shell or PHP variable (`$passwd`, `-h$dbhost`): interpolated, not literal.
        || ends_in_variable(v)
        // A domain-qualified name (`kubernetes.io/e2e-az-name`, a label or annotation key).
        || domain_qualified(v)
        || v.starts_with(b"<%")
        || v.iter().filter(|&&c| c == b',').count() >= 2
        || (v.iter().filter(|&&c| c == b' ').count() >= 2 && !letter_groups(v))
        // A sentence (`Anna salasana.`): a label's text, as translation files hold it.
        || (v.contains(&b' ') && v.ends_with(b"."))
        // An escaped newline: text of several lines (a response body, a message), not one
        // credential (the private-key detectors read PEM blocks written this way).
        || v.windows(2).any(|w| w == b"\\n")
        || v.starts_with(b"'+")
        || v.starts_with(b"\"+")
        || non_latin_letters(v)
        || NOT_VALUES
            .iter()
            .any(|n| n.as_bytes().eq_ignore_ascii_case(v))
        || v.iter().all(|&c| c == v[0])
        || password_hash(v)
}

/// A letter outside ASCII (`Contraseña`, `パスワード`): a translated label, since generated
/// credentials are ASCII. Symbols outside ASCII (`§`, `£`) are in passwords people type.
fn non_latin_letters(v: &[u8]) -> bool {
    !v.is_ascii()
        && (v.len() < 8
            || String::from_utf8_lossy(v)
                .chars()
                .any(|c| !c.is_ascii() && (c.is_alphabetic() || c == char::REPLACEMENT_CHARACTER)))
}

/// Groups of random letters separated by single spaces (`abcd efgh ijkl mnop`, the way Google
/// shows an app password): not a sentence, whose words read as words.
fn letter_groups(v: &[u8]) -> bool {
    let groups: Vec<&[u8]> = v.split(|&c| c == b' ').collect();
    let one_case =
        |g: &[u8]| g.iter().all(u8::is_ascii_lowercase) || g.iter().all(u8::is_ascii_uppercase);
    groups.len() <= 6
        && groups.iter().all(|g| {
            g.len() >= 2
                && g.iter().all(u8::is_ascii_alphabetic)
                && one_case(g)
                && g[0].is_ascii_lowercase() == v[0].is_ascii_lowercase()
                && !g.windows(3).any(|w| w[0] == w[1] && w[1] == w[2])
        })
        && super::english::surprisal(v).is_some_and(|s| s > super::english::RANDOM_ABOVE + 0.5)
}

/// A value that shows it was generated, where nothing but its shape says it is a literal (an
/// unquoted value in a comment): eight characters or more, no punctuation of code or prose
/// (`:`, `<`, `(`, `` ` ``, `[`), and letters that read as random or mixed with digits.
pub fn looks_generated(v: &[u8]) -> bool {
    let letters = v.iter().any(u8::is_ascii_alphabetic);
    let digits = v.iter().any(u8::is_ascii_digit);
    v.len() >= 8
        && !v
            .iter()
            .any(|c| matches!(c, b':' | b'<' | b'(' | b'`' | b'[' | b'{' | b','))
        && ((letters && digits)
            || super::english::surprisal(v).is_some_and(|s| s > super::english::RANDOM_ABOVE))
}

/// `v` ends in `$name`, a variable of three to sixteen characters in one case.
fn ends_in_variable(v: &[u8]) -> bool {
    let tail = v
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    let name = &v[v.len() - tail..];
    // One case, as variables are named (`dbhost`, `DB_HOST`); a random tail mixes them.
    let one_case = name.iter().all(|c| !c.is_ascii_uppercase())
        || name.iter().all(|c| !c.is_ascii_lowercase());
    (3..=16).contains(&tail)
        && one_case
        && v.len() > tail
        && v[v.len() - tail - 1] == b'$'
        && v[v.len() - tail].is_ascii_alphabetic()
}

/// `scheme:/path`: a lowercase scheme of two to ten letters, a colon and a slash.
fn scheme_and_path(v: &[u8]) -> bool {
    let scheme = v.iter().take_while(|c| c.is_ascii_lowercase()).count();
    (2..=10).contains(&scheme) && v[scheme..].starts_with(b":/")
}

/// `xxx` at an end of the value or beside a separator.
fn xxx_mark(lv: &[u8]) -> bool {
    lv.windows(3).enumerate().any(|(i, w)| {
        w == b"xxx"
            && (i == 0
                || i + 3 == lv.len()
                || !lv[i - 1].is_ascii_alphanumeric()
                || !lv[i + 3].is_ascii_alphanumeric()
                || lv[i - 1] == b'x'
                || lv[i + 3] == b'x')
    })
}

/// `example.io/name`: lower-case DNS labels with a dot, a slash, then a lower-case name, as
/// Kubernetes label, annotation and taint keys are written.
fn domain_qualified(v: &[u8]) -> bool {
    let Some(slash) = v.iter().position(|&c| c == b'/') else {
        return false;
    };
    let (domain, name) = (&v[..slash], &v[slash + 1..]);
    let label = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-';
    let tld = domain.rsplit(|&c| c == b'.').next().unwrap_or_default();
    domain.contains(&b'.')
        && domain.iter().all(|c| label(c) || *c == b'.')
        && tld.len() >= 2
        && tld.iter().all(u8::is_ascii_lowercase)
        && !name.is_empty()
        && name.iter().all(|c| label(c) || matches!(c, b'.' | b'_'))
}

/// Code rather than a literal: a member or index access (`ctx.req?.headers?.[`,
/// `Jobs[-1].JobId`), a comparison or a ternary (`d===t?a:b`), a call's quote closing
/// (`'),scriptIntegrity=f('`), a concatenation's middle (`+e.accessKeyId+`) or a chain of
/// minified assignments (`e.HEX=e.URL_CHAR=...`). Values read from minified bundles and
/// generated clients look like this; credentials do not.
pub fn code_like(v: &[u8]) -> bool {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let has = |p: &[u8]| crate::bytes::holds(v, p);
    // `==` with something after it (base64 ends in `==` padding, a comparison does not).
    // `==` followed by an operand; base64 padding is followed by a separator (`ab==|cd==`).
    let compare = v.windows(3).any(|w| {
        w[0] == b'='
            && w[1] == b'='
            && (w[2].is_ascii_alphanumeric()
                || matches!(w[2], b' ' | b'"' | b'\'' | b'(' | b'$' | b'!' | b'-' | b'_'))
    }) || has(b"===");
    has(b"?.")
        || compare
        || has(b"('")
        || has(b"(\"")
        || v.starts_with(b"')")
        || v.starts_with(b"\")")
        || v.ends_with(b"[")
        || ((v.starts_with(b"+") || v.ends_with(b"+")) && v.contains(&b'.'))
        // `"+mydomval(`: the string closed, then a call's name and its parenthesis.
        || (v.starts_with(b"+") && v.ends_with(b"(") && v[1..v.len() - 1].iter().all(|&c| word(c)))
        // `"+ escape(mydomval(`: the same with a space and nested calls.
        || (v.starts_with(b"+ ") && v.ends_with(b"(") && v[2..].iter().all(|&c| word(c) || c == b'('))
        // `Shards[-1]`, `headers[0].name`: an index after a name, then more of the path.
        || v.windows(3).any(|w| word(w[0]) && w[1] == b'[' && (w[2] == b'-' || w[2].is_ascii_digit()))
            && v.contains(&b'.')
        // `e.HEX=e.URL`: a member assigned a member, inside the value.
        || member_assignment(v)
}

/// `.name=name.` somewhere in `v`: minified code assigning one member to another.
fn member_assignment(v: &[u8]) -> bool {
    let ident = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    v.iter().enumerate().any(|(i, &c)| {
        if c != b'=' || i == 0 {
            return false;
        }
        let left = v[..i].iter().rev().take_while(|c| ident(c)).count();
        let right = v[i + 1..].iter().take_while(|c| ident(c)).count();
        left > 0
            && right > 0
            && i > left
            && v[i - left - 1] == b'.'
            && v.get(i + 1 + right) == Some(&b'.')
    })
}

/// A name, not a secret: an IAM-style `service:Name` (`ec2:ResourceTag/...`), or a
/// camel-case identifier all of whose parts are word-like runs of letters, one of them an
/// English word (`IpamResourceCidrs`, `LDAPSSettingsInfo`, `oauth2Client`): generated clients
/// and API models are full of these. Not for passwords, which people make of words too
/// (`HelloWorld81`); the caller decides.
pub fn names_something(v: &[u8]) -> bool {
    let service_name = v.iter().position(|&c| c == b':').is_some_and(|i| {
        (2..=16).contains(&i)
            && v[..i]
                .iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
            && v[0].is_ascii_lowercase()
            && v.get(i + 1).is_some_and(u8::is_ascii_uppercase)
            && v.get(i + 2).is_some_and(u8::is_ascii_lowercase)
    });
    // `http.proxyAuthMethod`: a dotted configuration name whose parts are words.
    let config_name = {
        let parts: Vec<&[u8]> = v.split(|&c| c == b'.').collect();
        parts.len() >= 2
            && parts[0].len() >= 2
            && parts[0].iter().all(u8::is_ascii_lowercase)
            && parts[1..].iter().all(|p| {
                camel_words(p)
                    || (p.len() >= 3
                        && p.iter().all(u8::is_ascii_lowercase)
                        && super::english::surprisal(p)
                            .is_some_and(|s| s < super::english::RANDOM_ABOVE))
            })
    };
    service_name || config_name || camel_words(v)
}

/// The name of an authentication scheme or mechanism (HTTP, SASL, SSPI): what an `auth`
/// option chooses, not a credential.
pub fn auth_scheme(v: &[u8]) -> bool {
    const SCHEMES: &[&str] = &[
        "basic",
        "digest",
        "bearer",
        "negotiate",
        "gss-negotiate",
        "ntlm",
        "kerberos",
        "spnego",
        "gssapi",
        "sspi",
        "anonymous",
        "anysafe",
        "any",
        "none",
        "plain",
        "login",
        "cram-md5",
        "scram-sha-1",
        "scram-sha-256",
        "external",
        "oauthbearer",
        "xoauth2",
        "hmac",
        "aws4",
        "sigv4",
        "mtls",
        "tls",
        "cert",
        "certificate",
        "iam",
    ];
    SCHEMES.iter().any(|s| v.eq_ignore_ascii_case(s.as_bytes()))
}

/// `GAR_JSON_KEY`, `GCR_USERNAME`: an upper-case snake name that ends in a word saying what it
/// holds, the name of a CI or environment variable given where the value is looked up.
pub fn variable_name(v: &[u8]) -> bool {
    const HOLDS: &[&[u8]] = &[
        b"KEY",
        b"TOKEN",
        b"SECRET",
        b"PASSWORD",
        b"PASS",
        b"PWD",
        b"USERNAME",
        b"USER",
        b"ID",
        b"NAME",
        b"URL",
        b"CREDENTIALS",
        b"AUTH",
    ];
    let parts: Vec<&[u8]> = v.split(|&c| c == b'_').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.iter()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
        && v[0].is_ascii_uppercase()
        && HOLDS.contains(parts.last().unwrap_or(&&b""[..]))
}

/// Camel-case made of word-like parts: two or more parts, each an upper-case acronym of at
/// most five letters, or a run of at least three lower-case letters (capitalised or not) with
/// an optional short number after it. A random base62 string almost never splits this way.
fn camel_words(v: &[u8]) -> bool {
    if v.len() < 8
        || !v.iter().all(u8::is_ascii_alphanumeric)
        || !v.iter().any(u8::is_ascii_uppercase)
    {
        return false;
    }
    // Split before an upper-case letter that follows a lower-case one or a digit, and before
    // the last capital of an acronym that starts a word (`LDAPSSettings` -> `LDAPS`, `Settings`).
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut start = 0;
    for i in 1..v.len() {
        let (a, b) = (v[i - 1], v[i]);
        let next_lower = v.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        if b.is_ascii_uppercase()
            && (a.is_ascii_lowercase()
                || a.is_ascii_digit()
                || (a.is_ascii_uppercase() && next_lower))
        {
            parts.push(&v[start..i]);
            start = i;
        }
    }
    parts.push(&v[start..]);
    let wordlike = |p: &[u8]| {
        let letters = p.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        let digits = &p[letters..];
        let (head, tail) = p[..letters].split_at(usize::from(p[0].is_ascii_uppercase()));
        let acronym = letters <= 5 && p[..letters].iter().all(u8::is_ascii_uppercase);
        let word = tail.len() >= 3 - head.len().min(1) && tail.iter().all(u8::is_ascii_lowercase);
        digits.len() <= 2
            && digits.iter().all(u8::is_ascii_digit)
            && letters > 0
            && (acronym || word)
    };
    parts.len() >= 2
        && parts.iter().all(|p| wordlike(p))
        && parts.iter().any(|p| {
            let letters: Vec<u8> = p.iter().copied().filter(u8::is_ascii_alphabetic).collect();
            letters.len() >= 5
                && super::english::surprisal(&letters)
                    .is_some_and(|s| s < super::english::RANDOM_ABOVE)
        })
}

/// A crypt(3), bcrypt, Argon2, PBKDF2, LDAP `{SSHA}` or MySQL password hash.
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
    // MySQL's `PASSWORD()` hash: `*` and 40 hexadecimal digits.
    let mysql = v.len() == 41 && v[0] == b'*' && v[1..].iter().all(u8::is_ascii_hexdigit);
    mysql || PREFIXES.iter().any(|p| v.starts_with(p))
}

/// The facts of value `v`.
pub fn facts(v: &[u8]) -> ValueFacts {
    let lower = v.iter().any(u8::is_ascii_lowercase);
    let upper = v.iter().any(u8::is_ascii_uppercase);
    let digit = v.iter().any(u8::is_ascii_digit);
    let other = v.iter().any(|c| !c.is_ascii_alphanumeric());
    let letters_only = v.iter().all(u8::is_ascii_alphabetic);
    let lv = v.to_ascii_lowercase();
    let contains = |w: &[u8]| crate::bytes::holds(&lv, w);
    // A backslash that escapes the next character (`\/` in JSON, `\=` in .properties) is
    // not a path separator.
    let slashes = v
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            c == b'/'
                || (c == b'\\'
                    && !matches!(
                        v.get(i + 1),
                        Some(b'/' | b'\\' | b'=' | b':' | b'"' | b'\'' | b'n' | b't')
                    )
                    && (i == 0 || v[i - 1] != b'\\'))
        })
        .count();
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
            || placeholder::made_up(v)
            || v.starts_with(b"%")
            || v.starts_with(b":")
            || contains(b"your")
            // `foo@bar`, and `user:foo@bar` (a userinfo whose password is `foo@bar`).
            || placeholder::metasyntactic(v)
            || v.iter()
                .position(|&c| c == b':')
                .is_some_and(|i| placeholder::metasyntactic(&v[i + 1..]))
            // `xxx` as a mark (`sk_xxx`, `xxx-xxx`, `AKIAxxx`), not three x's inside random
            // letters (`Vozkqqwcexxxle`).
            || xxx_mark(&lv)
            // `my_wrappedKey`, `my-api-key`: the documentation's own name for the user's value.
            || ((lv.starts_with(b"my_") || lv.starts_with(b"my-"))
                && lv.get(3).is_some_and(u8::is_ascii_alphabetic))
            // `[claim_signature]`: a slot to fill in.
            || (v.len() > 2
                && v[0] == b'['
                && v[v.len() - 1] == b']'
                && v[1..v.len() - 1]
                    .iter()
                    .all(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-' | b' '))),
        self_naming: placeholder::SELF_NAMING.iter().any(|w| contains(w)),
        path: v.starts_with(b"/")
            || v.starts_with(b"./")
            || v.starts_with(b"~/")
            || v.starts_with(b"../")
            || (v.len() > 2 && v[1] == b':' && v[2] == b'\\')
            || slashes >= 2
            || has_file_extension(&lv),
        // `https://...`, and `fifo:/tmp/x` or `unix:/run/app.sock`: a scheme and a path.
        url: contains(b"://") || scheme_and_path(v),
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
/// One value is one line of text, so what it encodes must be one line too.
pub fn base64_text(v: &[u8]) -> Option<Vec<u8>> {
    if v.len() < 8 {
        return None;
    }
    crate::decode::base64_text(v)
        .filter(|d| d.len() >= 4 && d.iter().all(|c| (0x20..0x7f).contains(c)))
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
        b".war",
        b".jar",
        b".zip",
        b".gz",
        b".tgz",
        b".ts",
        b".rb",
        b".go",
        b".java",
        b".md",
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
        assert!(
            facts(b"my_wrappedKeyCrc32c").placeholder && facts(b"[claim_signature]").placeholder
        );
        assert!(facts(b"my-app/5026-stage-150723_224258.war").path);
    }

    #[test]
    fn shapes_that_looked_like_something_else() {
        // Groups of random letters (an app password) are not a sentence; words are.
        assert!(!rejected(b"mzqk vtrw xplb hfdn"));
        assert!(rejected(b"Enter your password again"));
        assert!(rejected(b"The VinylDNS API key"));
        assert!(rejected(b"ooo hhh laaa la"));
        // Symbols outside ASCII are typed into passwords; letters outside it are labels.
        assert!(!rejected("M5fUiRbLpXb$?9f+Qcf4§X".as_bytes()));
        assert!(rejected("Contraseña".as_bytes()));
        assert!(rejected("123£".as_bytes()));
        // An escaped newline: several lines of text.
        assert!(rejected(b"Status: OK\\nAuth-Sid: 123"));
        // `xxx` is a mark at an end or beside a separator, not inside random letters.
        assert!(facts(b"sk_xxx").placeholder);
        assert!(facts(b"AKIAxxx").placeholder);
        assert!(!facts(b"Vozkqqwcexxxle").placeholder);
        // An escaping backslash is not a path separator.
        assert!(!facts(br"zqgO88nLkxPa9mLC/6aXnD\=\=").path);
        assert!(!facts(br"H5650MIYTW6\\/EP8DPURHPG8K9Q").path);
        assert!(facts(br"C:\Users\app\key").path);
        // Base64 padding before a separator is not a comparison.
        assert!(!code_like(b"uidvmv==|MFMvZP=="));
        assert!(code_like(b"a==b"));
        assert!(facts(b"fifo:/myfifo").url);
        assert!(variable_name(b"GAR_JSON_KEY"));
        assert!(variable_name(b"GCR_USERNAME"));
        assert!(!variable_name(b"ZK8Q_9VXW2M"));
        assert!(code_like(b"+ escape(mydomval("));
        assert!(!facts(b"Zk9:/qPx").url);
    }

    #[test]
    fn code_is_not_a_value() {
        for code in [
            &b"ctx.req?.headers?.["[..],
            b"Jobs[-1].JobId",
            b"StreamDescription.Shards[-1].ShardId",
            b"d===t?a:b",
            b"'),scriptIntegirty=stringToPrecomputedChunk(' inte",
            b"+e.accessKeyId+",
            b"a===b",
            b"e.HEX=e.URL_CHAR=e.USERINFO_CHARS=e.MARK",
            b"+mydomval(",
        ] {
            assert!(code_like(code), "{}", String::from_utf8_lossy(code));
        }
        for secret in [
            &b"]35d/{pB9Fo9wJ"[..],
            b"h]6EszR}vJ*m",
            b"Xk9#mQ2vLp7w",
            b"DXjSUawnel2fr6SKC7G25CNxTyWKE5PF9XX6H/u9pSo=",
            b"a+b.c9Z",
            b"p@ss=w0rd.x",
            b"CU8hw8SdwCUqXqB2RKg2XUbfIa==",
        ] {
            assert!(!code_like(secret), "{}", String::from_utf8_lossy(secret));
        }
    }

    #[test]
    fn names_of_things_are_not_secrets() {
        for name in [
            &b"ec2:ResourceTag/elasticbeanstalk:environment-name"[..],
            b"IpamResourceCidrs",
            b"LDAPSSettingsInfo",
            b"oauth2Client",
            b"PasswordVerifier",
            b"http.proxyAuthMethod",
            b"http.schannelUseSSLCAInfo",
        ] {
            assert!(names_something(name), "{}", String::from_utf8_lossy(name));
        }
        for secret in [
            &b"aB3xYz9QwErTy7Ui"[..],
            b"Xk9mQ2vLp7wZ",
            b"DXjSUawnel2fr6SKC7G25CNx",
            b"hunter2",
            b"AKIA_LIKE_1x",
            b"DGXA_LNISTSRM",
            b"zypuNGmgw",
            b"YhljqOrkqt81",
            b"zq3:9xQvLp",
        ] {
            assert!(
                !names_something(secret),
                "{}",
                String::from_utf8_lossy(secret)
            );
        }
    }
}
