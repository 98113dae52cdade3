//! What a name says about the value given to it: the words of `DB_PASSWORD`, `apiKey`,
//! `client-secret` or `$smtp_pass`, which layer detector (password, secret, token, key, ...)
//! they call for, and whether a word around the secret one turns it into something else
//! (`password_length`, `token_url`, `public_key`).
//!
//! The secret words themselves are data: each layer detector's `keywords` in
//! `detectors/generic.toml`. The words that undo them are here, because they are the same for
//! every kind.

/// A name split into lowercase words: `DB_PASSWORD` -> `db password`, `apiKey` -> `api key`,
/// `X-Auth-Token` -> `x auth token`, `ClientSecret2` -> `client secret 2`.
pub fn words(name: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev: Option<u8> = None;
    for (i, &c) in name.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let next_lower = name.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            let boundary = (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (p.is_ascii_uppercase() && c.is_ascii_uppercase() && next_lower)
                || (p.is_ascii_digit() != c.is_ascii_digit());
            if boundary && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase() as char);
        prev = Some(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether `keyword` names this word: the word itself (`pass`), a plural (`tokens`), or, for
/// keywords of five letters or more, a compound that holds it (`dbpassword`, `mysecretkey`).
/// Shorter keywords match compounds only at the end, and only where the compound is not an
/// ordinary word (`dbpass` but not `compass`).
pub fn word_matches(word: &str, keyword: &str) -> bool {
    if word == keyword || word.strip_suffix('s') == Some(keyword) {
        return true;
    }
    if keyword.len() >= 5 {
        return holds(word, keyword) && !FALSE_COMPOUNDS.iter().any(|f| holds(word, f));
    }
    word.len() <= keyword.len() + 6
        && word.ends_with(keyword)
        && !FALSE_COMPOUNDS.iter().any(|f| word.ends_with(f))
}

/// Whether `needle` occurs in `word`. Words are short: `str::contains` set up a substring
/// searcher per call (a tenth of the layer's time on a large text file); [`crate::bytes`]
/// does not.
fn holds(word: &str, needle: &str) -> bool {
    crate::bytes::holds(word.as_bytes(), needle.as_bytes())
}

/// Ordinary words that hold a secret word: not names of secrets.
const FALSE_COMPOUNDS: &[&str] = &[
    "bypass",
    "compass",
    "surpass",
    "overpass",
    "underpass",
    "trespass",
    "encompass",
    "monkey",
    "turkey",
    "hockey",
    "jockey",
    "donkey",
    "whiskey",
    "hotkey",
    "passenger",
    "passive",
    "passage",
    "secretary",
    "tokenize",
    "tokenizer",
    "detokenize",
    "author",
    "keyboard",
    "keystroke",
    "keyframe",
    "keyword",
    "keypress",
    "keydown",
    "keyup",
    "keycode",
    "keychain",
    "keyring",
    "keystore",
    "passthrough",
    "passport",
    "onepass",
    "minipass",
    "multipass",
    "singlepass",
];

/// Words that, beside a secret word, make the name one of something that is not the secret:
/// its length, its URL, the field's label, the public half of a pair. The model weighs them
/// (`name-other`); a name with one is rarely a credential.
pub const OTHER_WORDS: &[&str] = &[
    "charset",
    "encoding",
    "id",
    "ids",
    "name",
    "names",
    "user",
    "username",
    "file",
    "filename",
    "path",
    "dir",
    "url",
    "uri",
    "endpoint",
    "host",
    "type",
    "types",
    "length",
    "len",
    "size",
    "min",
    "max",
    "count",
    "num",
    "regex",
    "pattern",
    "format",
    "field",
    "label",
    "hint",
    "prompt",
    "placeholder",
    "policy",
    "expiry",
    "expires",
    "expiration",
    "timeout",
    "ttl",
    "header",
    "prefix",
    "suffix",
    "mode",
    "enabled",
    "enable",
    "required",
    "valid",
    "validation",
    "validator",
    "error",
    "errors",
    "message",
    "msg",
    "text",
    "title",
    "desc",
    "description",
    "button",
    "input",
    "form",
    "reset",
    "forgot",
    "question",
    "strength",
    "rule",
    "rules",
    "public",
    "publishable",
    "pub",
    "version",
    "algorithm",
    "alg",
    "method",
    "scheme",
    "grant",
    "class",
    "kind",
    "cache",
    "manager",
    "provider",
    "factory",
    "handler",
    "generator",
    "encoder",
    "builder",
    "request",
    "response",
    "event",
    "column",
    "col",
    "index",
    "key_id",
    "location",
    "option",
    "options",
    "param",
    "params",
    "parameter",
    "env",
    "var",
    "variable",
    "ref",
    "reference",
    "template",
    "char",
    "chars",
    "character",
    "characters",
    "type",
    "store",
    "storage",
    "list",
    "map",
    "count",
    "status",
    "state",
    "changed",
    "check",
    "verify",
    "visible",
    "show",
    "hide",
    "toggle",
    "icon",
    "style",
    "color",
    "width",
    "height",
    "dialog",
    "view",
    "page",
    "screen",
    "route",
    "link",
    "tab",
    "menu",
    "test",
    "lookup",
    "mapping",
    "attribute",
    "attr",
    "property",
    "prop",
    "annotation",
    "hash",
    "hashed",
    "encrypted",
    "digest",
    "sha",
    "md5",
    "checksum",
    "fingerprint",
    "next",
    "page",
    "paging",
    "continuation",
    "pagination",
    // AWS's `ClientToken`-style request tokens that make a call idempotent, and the handle of
    // an Auto Scaling lifecycle action: identifiers of a call, not credentials.
    "idempotency",
    "lifecycle",
    "cancellation",
    "cursor",
    "marker",
    "change",
    "sync",
    "csrf",
    "xsrf",
    "time",
    "timestamp",
    "badge",
    "spec",
    "last",
    "used",
    "date",
    "created",
    "updated",
    "tag",
    "pubkey",
    "output",
    "result",
    "limit",
];

/// Words that make a bare `key` the key of something that authenticates (`api_key`,
/// `secret_key`, `client_key`, `AccountKey`) rather than a map key, a keyboard key or a field.
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "oauth",
    "priv",
    "p",
    "jwt",
    "secret",
    "private",
    "access",
    "app",
    "auth",
    "master",
    "signing",
    "sign",
    "encryption",
    "enc",
    "license",
    "client",
    "consumer",
    "account",
    "service",
    "subscription",
    "integration",
    "shared",
    "session",
    "crypto",
    "aes",
    "hmac",
    "des",
    "cipher",
    "storage",
    "admin",
    "server",
    "write",
    "read",
    "deploy",
    "partner",
    "merchant",
    "developer",
    "dev",
    "prod",
    "live",
    "test",
];

/// True if a word of the name qualifies a `key` as an authenticating one ([`KEY_QUALIFIERS`]),
/// or the name is one compound that says so (`apikey`, `secretkey`).
pub fn qualified_key(words: &[String]) -> bool {
    words.iter().any(|w| {
        KEY_QUALIFIERS.contains(&w.as_str())
            || (w.len() > 3 && w.ends_with("key") && KEY_QUALIFIERS.contains(&&w[..w.len() - 3]))
    })
}

/// True if any word of the name is in [`OTHER_WORDS`].
pub fn has_other_word(words: &[String]) -> bool {
    words.iter().any(|w| is_other_word(w))
}

/// Whether `w` is one of [`OTHER_WORDS`]: a binary search of a sorted copy (the list is kept in
/// an order that reads well; a linear search of it was a tenth of the layer's time).
fn is_other_word(w: &str) -> bool {
    static SORTED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    SORTED
        .get_or_init(|| {
            let mut v = OTHER_WORDS.to_vec();
            v.sort_unstable();
            v
        })
        .binary_search(&w)
        .is_ok()
}

/// Words of [`OTHER_WORDS`] that say what something else is when they follow the secret word
/// (`token_store`, `password_user`, `secret_env`) but only whose secret it is when they come
/// before it (`user_password`, `trust_store_password`, `EnvPassword`, `TEST_TOKEN`): in an
/// English compound the last word is the thing named. On CredData's development half, names
/// with one of these before the secret word are credentials 3 times in 4.
const QUALIFY_BEFORE: &[&str] = &[
    "user", "env", "var", "variable", "store", "storage", "test", "manager", "valid", "file",
    "host", "option", "options", "class",
];

/// True if a word of the name makes it one of something other than the secret
/// ([`OTHER_WORDS`]): any such word after the last secret word (`token_type`, `key_id`), and
/// before it (`public_key`, `csrf_token`) all but those that only say whose secret it is
/// ([`QUALIFY_BEFORE`]). `secret_at` is the index of the last word that is a secret word.
pub fn undone_by_other_word(words: &[String], secret_at: usize) -> bool {
    // An OAuth request token is a credential; AWS's `ClientRequestToken` is an idempotency key.
    let oauth = words.iter().any(|w| w == "oauth");
    words.iter().enumerate().any(|(i, w)| {
        is_other_word(w)
            && (i > secret_at
                || !(QUALIFY_BEFORE.contains(&w.as_str()) || (oauth && w == "request")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        assert_eq!(words(b"DB_PASSWORD"), ["db", "password"]);
        assert_eq!(words(b"apiKey"), ["api", "key"]);
        assert_eq!(words(b"X-Auth-Token"), ["x", "auth", "token"]);
        assert_eq!(words(b"ClientSecret2"), ["client", "secret", "2"]);
        assert_eq!(words(b"HTTPSProxyPass"), ["https", "proxy", "pass"]);
        assert_eq!(words(b"$smtp.pass"), ["smtp", "pass"]);
    }

    #[test]
    fn other_words_before_the_secret_word_may_only_say_whose_it_is() {
        let undone = |name: &str, at: usize| undone_by_other_word(&words(name.as_bytes()), at);
        assert!(!undone("trust_store_password", 2));
        assert!(!undone("EnvPassword", 1));
        assert!(!undone("TEST_USER_PASSWORD", 2));
        assert!(undone("password_store", 0));
        assert!(undone("token_type", 0));
        assert!(undone("accessKeyId", 1));
        assert!(undone("public_key", 1));
        assert!(undone("csrf_token", 1));
        assert!(undone("basic_auth_user", 1));
        assert!(!undone("_oauth_request_token", 2));
        assert!(undone("ClientRequestToken", 2));
    }

    #[test]
    fn compounds_match_long_keywords_and_short_ones_at_the_end() {
        assert!(word_matches("dbpassword", "password"));
        assert!(word_matches("passwords", "password"));
        assert!(word_matches("dbpass", "pass"));
        assert!(word_matches("tokens", "token"));
        assert!(!word_matches("compass", "pass"));
        assert!(!word_matches("passenger", "pass"));
        assert!(!word_matches("monkey", "key"));
        assert!(!word_matches("tokenizer", "token"));
        assert!(!word_matches("author", "auth"));
        assert!(!word_matches("keyboard", "key"));
    }
}
