//! The generic-credential layer: credentials without a provider's prefix, found by the name
//! they are given (`DB_PASSWORD=...`, `"client_secret": "..."`, `setApiKey("...")`) and
//! weighed by what the value looks like.
//!
//! Its detectors are ordinary catalog entries (`detectors/generic.toml`) marked with
//! `assignment = KIND`: their `keywords` are the secret words of names (the lexicon), and the
//! engine hands every line holding one to [`Layer::scan_line`] instead of running a regex.
//! For each hit the layer
//! 1. reads the assignment around it, in any of the shapes [`parse`] knows;
//! 2. picks the first layer detector one of whose keywords is a word of the name ([`names`]);
//! 3. scores the value with the model ([`model`], weights in `detectors/generic/model.toml`):
//!    the name, the way the value is attached, the value's shape ([`value`]) and the file type;
//! 4. reports it at the confidence the score gives, with the features that decided it.
//!
//! Test, example and documentation paths do not lower the score: they lower the risk
//! (the assessment's location), because a credential in a test file still works.

pub mod english;
pub mod model;
pub mod names;
pub mod parse;
pub mod value;

use crate::detectors::Catalog;
use model::{Features, FileKind, Kind, Model, Scored};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

/// The lines around an assignment, read only for a candidate that passed every cheaper test
/// (most lines with a keyword never get that far, and minified code has many).
#[derive(Clone, Copy, Debug)]
struct Around<'a> {
    hay: &'a [u8],
    line: (usize, usize),
}

impl<'a> Around<'a> {
    fn of(hay: &'a [u8], line: &Range<usize>) -> Around<'a> {
        Around {
            hay,
            line: (line.start, line.end),
        }
    }

    fn before(&self) -> &'a [u8] {
        &self.hay[self.line.0.saturating_sub(MAX_LINE_REACH)..self.line.0]
    }

    /// The last `n` lines before this one and the first `n` after (within reach).
    fn neighbours(&self, n: usize) -> impl Iterator<Item = &'a [u8]> {
        let after = &self.hay[self.line.1..(self.line.1 + MAX_LINE_REACH).min(self.hay.len())];
        self.before()
            .rsplit(|&c| c == b'\n')
            .skip(1)
            .take(n)
            .chain(after.split(|&c| c == b'\n').skip(1).take(n))
    }

    /// The line sits in a block of test-vector fields (`Key = ...` beside `Input =`, `MAC =`,
    /// `Plaintext =`): the NIST/BoringSSL test-vector format, whose keys are published inputs.
    fn test_vector(&self) -> bool {
        self.neighbours(3)
            .filter(|l| {
                let t = l.trim_ascii_start();
                VECTOR_FIELDS.iter().any(|f| {
                    t.len() > f.len()
                        && t[..f.len()].eq_ignore_ascii_case(f.as_bytes())
                        && t[f.len()..].trim_ascii_start().starts_with(b"=")
                })
            })
            .count()
            >= 2
    }

    /// A line next to this one holds an access key ID in AWS's documentation convention
    /// (`AKIAIOSFODNN7EXAMPLE`, `ABCDE12345670EXAMPLE`): the secret beside it is that example's
    /// (an SDK's `examples.json`, a README's credentials block).
    fn documented_example(&self) -> bool {
        self.neighbours(2).any(|l| {
            l.split(|c| !c.is_ascii_alphanumeric()).any(|w| {
                w.len() >= 16
                    && w.ends_with(b"EXAMPLE")
                    && w.iter()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            })
        })
    }

    /// `v` is the user of an address on this line or the three around it (`xmpp:v@host`,
    /// `v@example.com`, `ssh://v@host`): a user name, as URL parsers' test tables and user
    /// records show it beside its parts. Not when it follows a `//user:` (a URL's password).
    fn user_of_address(&self, v: &[u8]) -> bool {
        let this = &self.hay[self.line.0..self.line.1];
        std::iter::once(this)
            .chain(self.neighbours(3))
            .any(|l| address_user_in(l, v))
    }

    /// The line is inside an open `<script`/`<Script` tag (an attribute on a line of its own).
    fn script_tag(&self) -> bool {
        let before = self.before();
        ["<script", "<Script"].iter().any(|t| {
            crate::bytes::rfind(before, t.as_bytes()).is_some_and(|p| !before[p..].contains(&b'>'))
        })
    }
}

/// A word of four letters or more of the name (`refresh` of `refresh_token`) inside a short
/// value, after its start: at the start it is a type prefix (`phpass:$2a$...`), and a long
/// value (a query string running on to `&oauth_callback=`) holds other names.
fn repeats_name(words: &[String], v: &[u8]) -> bool {
    if v.len() > 40 || v.iter().any(|&c| matches!(c, b'&' | b'=' | b' ')) {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    words.iter().any(|w| {
        w.len() >= 4
            && w.bytes().all(|c| c.is_ascii_lowercase())
            && lower
                .get(1..)
                .is_some_and(|l| crate::bytes::holds(l, w.as_bytes()))
    })
}

/// Whether `line` holds `v@` with `v` the whole user of an address: not the tail of a longer
/// word, and not the password of a `//user:v@` URL.
fn address_user_in(line: &[u8], v: &[u8]) -> bool {
    if v.len() < 3 || v.contains(&b'@') {
        return false;
    }
    let mut from = 0;
    while let Some(p) = crate::bytes::find(&line[from..], v).map(|p| from + p) {
        from = p + 1;
        if line.get(p + v.len()) != Some(&b'@') {
            continue;
        }
        let before = &line[..p];
        match before.last() {
            Some(c)
                if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'+' | b'%') =>
            {
                continue;
            }
            Some(b':') => {
                // `scheme://user:v@`, `redis://:v@`: `v` is the password.
                let start = before
                    .iter()
                    .rposition(|c| c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'/'))
                    .map_or(0, |i| i + 1);
                if before[..start].ends_with(b"//") {
                    continue;
                }
                return true;
            }
            _ => return true,
        }
    }
    false
}

/// Field names of cryptographic test-vector files (`Key = ...`, `Input = ...`, `MAC = ...`).
const VECTOR_FIELDS: &[&str] = &[
    "input",
    "mac",
    "tag",
    "msg",
    "plaintext",
    "ciphertext",
    "ct",
    "pt",
    "iv",
    "ad",
    "aad",
    "digest",
    "output",
    "count",
    "result",
    "expected",
];

/// A TypeScript type alias (`export type Kind = "RSAES_OAEP_SHA_256"|string;`): its strings
/// are the values a type allows, not values given to anything.
fn type_declaration(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    let t = t.strip_prefix(b"export ").unwrap_or(t).trim_ascii_start();
    let t = t.strip_prefix(b"declare ").unwrap_or(t).trim_ascii_start();
    let Some(rest) = t.strip_prefix(b"type ") else {
        return false;
    };
    let name = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
        .count();
    name > 0 && rest[name..].trim_ascii_start().starts_with(b"=")
}

/// Where the URL or word that holds offset `at` of `line` starts (back to a space, a quote or a
/// bracket, at most 512 bytes), so a query parameter is judged with the URL it belongs to.
fn url_start(line: &[u8], at: usize) -> usize {
    let lo = at.saturating_sub(512);
    line[lo..at]
        .iter()
        .rposition(|c| matches!(c, b' ' | b'"' | b'\'' | b'(' | b'<' | b'\t'))
        .map_or(lo, |p| lo + p + 1)
}

/// How far a "line" reaches on each side of a hit when the real line is longer (minified code).
const MAX_LINE_REACH: usize = 1024;

/// One layer detector: its catalog index, the kind of name it reports, and its secret words.
#[derive(Debug)]
struct LayerDetector {
    index: usize,
    kind: Kind,
    keywords: Vec<&'static str>,
}

impl LayerDetector {
    /// Whether word `w` of a name is one of this detector's secret words.
    fn names(&self, w: &str) -> bool {
        self.keywords.iter().any(|k| names::word_matches(w, k))
    }
}

/// A candidate the layer reports: which detector, the value, and its score.
#[derive(Debug)]
pub struct Candidate {
    pub detector: usize,
    pub value: Range<usize>,
    pub scored: Scored,
}

/// The layer's detectors, built once per scan (the model is parsed when the first value is scored).
#[derive(Debug)]
pub struct Layer {
    detectors: Vec<LayerDetector>,
    /// The type prefixes of the specific detectors that validate what they match (`ghp_` and
    /// `npm_` checksums, JWT structure): a value that starts with one is that detector's to
    /// judge, and when it did not match (a wrong checksum) it is a near-miss, not a generic
    /// credential.
    prefixes: Vec<&'static str>,
    /// Distinct per layer built in this process, so that a thread's memo of which detector
    /// names a word ([`Layer::first_naming`]) is never read for another catalog's layer.
    id: u64,
}

impl Layer {
    /// The layer over the catalog's `assignment` detectors, or `None` if it has none.
    pub fn new(catalog: &Catalog) -> Option<Layer> {
        let detectors: Vec<LayerDetector> = catalog
            .detectors
            .heads()
            .enumerate()
            .filter_map(|(index, d)| {
                Some(LayerDetector {
                    index,
                    kind: d.assignment?,
                    keywords: d.keywords.clone(),
                })
            })
            .collect();
        let mut prefixes: Vec<&'static str> = catalog
            .detectors
            .heads()
            .filter(|d| !d.generic && d.validated)
            .filter_map(|d| d.prefix)
            .filter(|p| p.len() >= 3)
            .collect();
        prefixes.sort();
        prefixes.dedup();
        static LAYERS: AtomicU64 = AtomicU64::new(1);
        (!detectors.is_empty()).then(|| Layer {
            detectors,
            prefixes,
            id: LAYERS.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The first layer detector that names word `w`, remembered per thread: names repeat (a
    /// file says `token` hundreds of times), and trying every keyword of every detector on
    /// each word was a quarter of the layer's time on a large text file.
    fn first_naming(&self, w: &str) -> Option<usize> {
        /// Distinct words remembered before the memo starts again.
        const CAP: usize = 4096;
        type Memo = (u64, HashMap<Box<str>, Option<usize>>);
        thread_local! {
            static MEMO: RefCell<Memo> = RefCell::new((0, HashMap::new()));
        }
        MEMO.with_borrow_mut(|(layer, memo)| {
            if *layer != self.id {
                memo.clear();
                *layer = self.id;
            }
            if let Some(&d) = memo.get(w) {
                return d;
            }
            let d = self.detectors.iter().position(|d| d.names(w));
            if memo.len() >= CAP {
                memo.clear();
            }
            memo.insert(w.into(), d);
            d
        })
    }

    /// Whether catalog detector `i` belongs to the layer.
    pub fn owns(&self, i: usize) -> bool {
        self.detectors.iter().any(|d| d.index == i)
    }

    /// The bounds of the line around `hit`, at most [`MAX_LINE_REACH`] each way.
    pub fn line_around(hay: &[u8], hit: usize) -> Range<usize> {
        let lo = hit.saturating_sub(MAX_LINE_REACH);
        let s = memchr::memrchr(b'\n', &hay[lo..hit]).map_or(lo, |p| lo + p + 1);
        let hi = (hit + MAX_LINE_REACH).min(hay.len());
        let e = memchr::memchr(b'\n', &hay[hit..hi]).map_or(hi, |p| hit + p);
        s..e
    }

    /// Calls `f` once per line of `hay` that holds a hit, with the line's bounds and its hits.
    /// `hits` are absolute offsets, sorted and without duplicates.
    pub fn for_each_line(hay: &[u8], hits: &[usize], mut f: impl FnMut(Range<usize>, &[usize])) {
        let mut i = 0;
        while i < hits.len() {
            let line = Layer::line_around(hay, hits[i]);
            let mut j = i + 1;
            while j < hits.len() && hits[j] < line.end {
                j += 1;
            }
            f(line, &hits[i..j]);
            i = j;
        }
    }

    /// The distinct assignments of `text` (one line) read at `hits`, offsets relative to the
    /// line. A line of a binary file has none.
    fn assignments(text: &[u8], start: usize, hits: &[usize]) -> Vec<parse::Assignment> {
        let mut out: Vec<parse::Assignment> = Vec::new();
        if memchr::memchr(0, text).is_some() || type_declaration(text) || test_report(text) {
            return out;
        }
        for &hit in hits {
            if let Some(a) = parse::at(text, hit - start)
                && !out.iter().any(|b| b.value == a.value)
            {
                out.push(a);
            }
        }
        out
    }

    /// Reads the assignments at `hits` (absolute offsets of keyword hits, all inside `line`)
    /// and appends the candidates worth reporting at any confidence.
    pub fn scan_line(
        &self,
        hay: &[u8],
        line: Range<usize>,
        hits: &[usize],
        file: FileKind,
        out: &mut Vec<Candidate>,
    ) {
        let text = &hay[line.clone()];
        let around = Around::of(hay, &line);
        for a in Self::assignments(text, line.start, hits) {
            if let Some(c) = self.candidate(text, &a, file, around) {
                out.push(Candidate {
                    value: line.start + a.value.start..line.start + a.value.end,
                    ..c
                });
            }
        }
    }

    /// The detector and feature values for one assignment (value range relative to `text`),
    /// and whether the value was base64 of text, or `None` if no layer detector claims the
    /// name or the value is rejected outright.
    fn features(
        &self,
        text: &[u8],
        a: &parse::Assignment,
        file: FileKind,
        around: Around,
    ) -> Option<(usize, Vec<f64>, bool)> {
        let v = &text[a.value.clone()];
        if value::rejected(v) {
            return None;
        }
        // In source code an unquoted value is a variable or an expression, not a literal.
        // (After `Bearer`/`Basic` the value is inside a string already: `"Authorization: Basic
        // abc=="`.)
        let unquoted_code = file == FileKind::Code
            && a.quote.is_none()
            && a.op != parse::Op::Element
            && !a.scheme
            && !a.nested
            && !a.in_string(text);
        // A comment is text, where a value needs no quotes (`// export TOKEN=...`), but doc
        // comments are full of signatures and options (`key_der: PrivateKeyDer<'static>`,
        // `--jobserver-auth=fifo:PATH`, `passphrase: ssh-keygen -t rsa`): there an unquoted
        // value must look generated and end the line or a URL's parameter.
        let rest = &text[a.value.end..];
        let commented = unquoted_code
            && comment_before(text, a.name.start)
            && (rest.trim_ascii().is_empty() || rest.starts_with(b"&"))
            && value::looks_generated(v);
        let file = if commented { FileKind::Doc } else { file };
        if unquoted_code && !commented {
            return None;
        }
        // The name's words only now: four assignments in five end above (in source code, most
        // values are expressions), and splitting and looking up the name was a fifth of the
        // layer's time.
        let words = names::words(&text[a.name.clone()]);
        // For each word, the first layer detector that names it, looked up once: the detector
        // is the first (in catalog order) that names any word, and the last named word is the
        // secret word.
        let named: Vec<Option<usize>> = words.iter().map(|w| self.first_naming(w)).collect();
        let d = &self.detectors[named.iter().flatten().min().copied()?];
        let key_qualified = names::qualified_key(&words);
        // The public half of a pair (`ssh-rsa AAAA...`; `public_key` and `PublicKeyToken` are
        // names with an other word) is published on purpose; a bare `key` with a short value
        // is a map key (`"key": "mit"`).
        let public = [
            &b"ssh-rsa "[..],
            b"ssh-ed25519 ",
            b"ssh-dss ",
            b"ecdsa-sha2-",
        ]
        .iter()
        .any(|p| v.starts_with(p));
        // In documentation a `code span` after a name is the name of something, not its value.
        let doc_code_span = file == FileKind::Doc && a.quote == Some(b'`');
        // `(?P<secret>...)` in a regex is not an XML element.
        let regex_element = a.op == parse::Op::Element
            && v.iter()
                .any(|c| matches!(c, b'[' | b'(' | b'\\' | b'{' | b'|'));
        let near_miss = self.prefixes.iter().any(|p| v.starts_with(p.as_bytes()));
        // `current_password: Huidig wachtwoord`: an unquoted YAML value followed by more words
        // is the first word of a text (a translation file's label), not a secret.
        // `HashPassword("password", "aFr56HjK3DrB8t3S", ...)`: the arguments of a hash
        // function are its test inputs (a plaintext and a salt), not a name and its value.
        let hash_input = a.op == parse::Op::Comma && hash_call_before(text, a.name.start);
        let prose =
            a.op == parse::Op::Colon && a.quote.is_none() && words_follow(text, a.value.end);
        // A name that also says what else it is (`TargetKeyId`, `ChangeToken`, `token_url`) is
        // rarely a credential's (2% on CredData), and an ARN names a resource; one that only
        // says whose it is (`user_password`, `TEST_TOKEN`) still is.
        let secret_at = named.iter().rposition(Option::is_some).unwrap_or(0);
        let other = names::undone_by_other_word(&words, secret_at) || v.starts_with(b"arn:");
        // Bytes written as `\x9b\x0c...` are a test vector's binary key, not a credential
        // someone can paste; a badge image's `?token=` is public by design (Codecov's graph
        // token); a file path or a dotted identifier names where a secret is, not the secret.
        let escaped_bytes = crate::bytes::holds(v, b"\\x");
        let before = &text[url_start(text, a.name.start)..a.name.start];
        let badge = [&b".svg?"[..], b"badge", b"shields.io"]
            .iter()
            .any(|t| crate::bytes::holds(before, t));
        // `<script nonce="...">`: a Content-Security-Policy nonce is sent to every visitor of
        // the page; it authenticates the script, not a person.
        let csp_nonce = d.kind == Kind::Nonce
            && ([&b"<script"[..], b"<style", b"<link", b"<Script"]
                .iter()
                .any(|t| crate::bytes::holds(text, t))
                || around.script_tag());
        // Percent-escapes (`key=value%23still-query`) after a bare `key` are a URL query's
        // data (an `X-Amz-Credential=AKIA...%2F...` or an OAuth consumer key is still judged).
        let escapes = v
            .windows(3)
            .filter(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
            .count();
        if public
            || prose
            || hash_input
            || other
            || escaped_bytes
            || badge
            || a.expression
            || doc_code_span
            || regex_element
            || near_miss
            || csp_nonce
            || (escapes >= 2 && d.kind == Kind::Key && !key_qualified)
            || value::code_like(v)
            || (d.kind != Kind::Password && value::names_something(v))
            // `password_secret: GAR_JSON_KEY`: the name of the variable that holds it.
            || value::variable_name(v)
            // `"refresh_token": "fghrefresh"`: a value that repeats a word of its own name
            // was made up to be recognised in a test.
            || repeats_name(&words, v)
            // `auth="NTLM"`, `auth='negotiate'`: which scheme authenticates, not a credential.
            || (d.kind == Kind::Auth && value::auth_scheme(v))
            // A bare `key` given a short value or a number is a map's key (`"key": 9931...`).
            || (d.kind == Kind::Key && !key_qualified && v.len() < 16)
            || (words.len() == 1 && words[0] == "key" && v.iter().all(u8::is_ascii_digit))
        {
            return None;
        }
        let facts = value::facts(v);
        // Base64 of text (a Kubernetes Secret's `data`): judged by what it encodes, so that
        // base64 of `changeme` or of a plain word is not a credential.
        let decoded = value::base64_text(v);
        if let Some(text) = &decoded {
            let inner = value::facts(text);
            let inner_words = inner.surprisal.is_some_and(|s| s < english::RANDOM_ABOVE)
                && text.iter().all(u8::is_ascii_alphabetic);
            if value::rejected(text) || inner.placeholder || inner.self_naming || inner_words {
                return None;
            }
        }
        // An identifier or a path made of words (`gitoxide.http.proxy`, `certs/server.pem`)
        // names something; one made of random letters (`abxnj_gjvpuqzo`) may be a password.
        let words_only = facts.surprisal.is_some_and(|s| s < english::RANDOM_ABOVE);
        // A URL (its password is generic.url-credentials' to find), a version or a date is not
        // a secret; a value that names itself or is a placeholder is an example: under 1% of
        // such values are credentials on CredData, and they are the near-misses users
        // complain about most.
        if facts.url
            || facts.version
            || facts.date
            || facts.dotted
            || facts.placeholder
            || facts.self_naming
            || (facts.identifier && words_only)
            || (facts.path && !facts.base64ish)
            // Last, because they read the neighbouring lines.
            || around.test_vector()
            || around.documented_example()
            || around.user_of_address(v)
        {
            return None;
        }
        let x = Features {
            kind: d.kind,
            name_other: names::has_other_word(&words),
            name_exact: words.len() == 1,
            name_words: words.len(),
            key_qualified,
            op: a.op,
            quoted: a.quote.is_some(),
            expression: a.expression,
            scheme: a.scheme,
            file,
            value: &facts,
        }
        .values();
        Some((d.index, x, decoded.is_some()))
    }

    /// The scored candidate for one assignment (value range relative to `text`).
    fn candidate(
        &self,
        text: &[u8],
        a: &parse::Assignment,
        file: FileKind,
        around: Around,
    ) -> Option<Candidate> {
        let (detector, x, base64) = self.features(text, a, file, around)?;
        let mut scored = Model::builtin().score(&x)?;
        // How the value was read, when it was not plain: a finding says how it was decoded.
        if a.nested {
            scored
                .evidence
                .insert(0, (true, "read from the JSON document given as the value"));
        } else if base64 {
            scored.evidence.insert(
                0,
                (
                    true,
                    "base64 of text (decoded and judged by what it encodes)",
                ),
            );
        }
        Some(Candidate {
            detector,
            value: a.value.clone(),
            scored,
        })
    }

    /// The feature vector of every assignment at `hits`, whatever its score, for fitting the
    /// model (`benches/fit-generic.py`): `(detector index, value range, features)`.
    pub fn features_at(
        &self,
        hay: &[u8],
        line: Range<usize>,
        hits: &[usize],
        file: FileKind,
    ) -> Vec<(usize, Range<usize>, Vec<f64>)> {
        let text = &hay[line.clone()];
        let around = Around::of(hay, &line);
        Self::assignments(text, line.start, hits)
            .into_iter()
            .filter_map(|a| {
                let (d, x, _) = self.features(text, &a, file, around)?;
                Some((d, line.start + a.value.start..line.start + a.value.end, x))
            })
            .collect()
    }
}

/// The line is a comment up to `at`: it starts with `//`, `#`, `/*`, `*` or `--`.
fn comment_before(line: &[u8], at: usize) -> bool {
    let t = line[..at.min(line.len())].trim_ascii_start();
    [&b"//"[..], b"#", b"/*", b"* ", b"--"]
        .iter()
        .any(|m| t.starts_with(m))
        || t == b"*"
}

/// A test runner's report line (`--- PASS: TestName (0.00s)`, Go's `go test -v`): `PASS` is
/// the result, not a name given a value.
fn test_report(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    [&b"--- PASS: "[..], b"--- FAIL: ", b"--- SKIP: "]
        .iter()
        .any(|p| t.starts_with(p))
}

/// After `end` come a space and then a word (a letter, or a byte of a non-ASCII script), not a
/// comment, a separator or the end of the line.
fn words_follow(text: &[u8], end: usize) -> bool {
    let rest = &text[end.min(text.len())..];
    let gap = rest.iter().take_while(|c| **c == b' ').count();
    gap > 0
        && rest
            .get(gap)
            .is_some_and(|&c| c.is_ascii_alphabetic() || c >= 0x80)
}

/// The name at `name_start` is the first argument of a call whose function's name says it
/// hashes (`HashPassword(`, `hash_password(`, `bcrypt.hash(`).
fn hash_call_before(text: &[u8], name_start: usize) -> bool {
    let before = text[..name_start.min(text.len())].trim_ascii_end();
    let before = before
        .strip_suffix(b"\"")
        .or_else(|| before.strip_suffix(b"'"))
        .unwrap_or(before);
    let Some(open) = before.trim_ascii_end().strip_suffix(b"(") else {
        return false;
    };
    let ident = open
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
        .count();
    let f = open[open.len() - ident..].to_ascii_lowercase();
    crate::bytes::holds(&f, b"hash")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_of_an_address_is_not_its_password() {
        let u = |l: &str, v: &str| address_user_in(l.as_bytes(), v.as_bytes());
        assert!(u(
            "'href': 'xmpp:isaacschlueter@jabber.org',",
            "isaacschlueter"
        ));
        assert!(u("email: jsmith@corp.example", "jsmith"));
        assert!(u("ssh://deploy@git.corp.example/repo", "deploy"));
        assert!(!u(
            "postgres://app:Vb7Nq2Xz9Lm4@db.corp.example/prod",
            "Vb7Nq2Xz9Lm4"
        ));
        assert!(
            !u(
                "redis://:Vb7Nq2Xz9Lm4@cache.corp.example:6379",
                "Vb7Nq2Xz9Lm4"
            ),
            "a password with no user"
        );
        assert!(!u("mail: a.jsmith@corp.example", "jsmith"), "a longer user");
        assert!(!u("token Vb7Nq2Xz9Lm4 for x", "Vb7Nq2Xz9Lm4"), "no address");
    }
}
