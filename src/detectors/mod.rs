//! The detector catalog: one TOML file per provider under `detectors/`, embedded at build time,
//! plus any files the user adds with `--detectors`.
//!
//! A detector is data: keywords for the prefilter, a regex with a `secret` capture, optional
//! validation (checksum, structure, entropy), the lifetime and scope of the credential type,
//! remediation text and examples. `detectors/README.md` documents the schema; the test suite runs
//! every detector over its own examples.
//!
//! Regexes are compiled lazily, on the first file whose keywords call for them: a pre-commit hook
//! that scans three files should not pay for compiling several hundred patterns.

mod analyzer;
pub mod examples;
pub mod fragments;
mod list;
pub mod placeholder;
pub mod required;
#[cfg(test)]
mod runs;
mod spec;
pub mod validators;
mod verify_spec;

pub use crate::model::Confidence;
use crate::model::{Environment, Lifetime, Scope};
pub use analyzer::Analyzer;
use anyhow::{Context, Result, bail};
pub use list::Detectors;
use regex_automata::meta::Regex;
use spec::{DetectorSpec, Head, ProviderDefaults, ProviderFile};
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;
pub use validators::Validator;
pub use verify_spec::VerifySpec;

/// A regex that compiles to more than this is refused: it would cost every scan memory and time.
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// A loaded detector. The regex is compiled on first use and then shared by all threads.
#[derive(Debug)]
pub struct Detector {
    pub id: String,
    pub name: String,
    pub provider: String,
    pub provider_name: String,
    pub keywords: Vec<String>,
    /// The regex (fragments expanded); empty for a layer detector.
    pub pattern: String,
    /// For a detector of the generic-credential layer, the kind of name it reports: the engine
    /// hands its keyword hits to the layer instead of running a regex.
    pub assignment: Option<crate::model::AssignmentKind>,
    pub validators: Vec<Validator>,
    pub min_entropy: Option<f64>,
    pub confidence: Confidence,
    /// Generic detectors yield to any specific finding on the same bytes.
    pub generic: bool,
    /// Path globs: when one matches, the detector runs over the whole file, keywords or not.
    pub paths: Vec<String>,
    pub window_after: usize,
    pub window_before: usize,
    /// Ids of detectors whose overlapping findings this detector replaces.
    pub overrides: Vec<String>,
    /// A literal prefix that identifies the type and may be shown in redacted output.
    pub prefix: Option<String>,
    pub lifetime: Lifetime,
    pub scope: Scope,
    pub privileged: bool,
    /// The environment the token itself names (Stripe `sk_live_` is production).
    pub environment: Option<Environment>,
    /// Token analyses that refine the assessment (JWT claims, SAS expiry, ...).
    pub analyzers: Vec<Analyzer>,
    /// Companion detectors, one of whose findings must sit in the same file for the credential
    /// to be usable (an AWS key id and its secret key). Empty: usable alone.
    pub requires: Vec<String>,
    /// False for types that cannot be used as found (an encrypted private key).
    pub usable: bool,
    pub evidence: String,
    /// How to end this credential and replace it: the provider's own steps.
    pub remediation: String,
    /// The page where the credential is revoked or rotated (`https://`), if the provider has one.
    pub revoke_url: Option<String>,
    pub references: Vec<String>,
    pub positive: Vec<String>,
    pub negative: Vec<String>,
    /// The read-only request that checks a credential (`--verify`), if the provider has one.
    pub verify: Option<VerifySpec>,
    /// The file this detector came from (`github.toml`, or the user's path).
    pub source: String,
    /// Whether it came from a user's file (`--detectors`, `[scan] detectors`), not the
    /// built-in catalog.
    pub user: bool,
    compiled: OnceLock<Option<Compiled>>,
}

/// A compiled detector regex and the index of its `secret` capture group.
#[derive(Debug)]
pub struct Compiled {
    pub regex: Regex,
    pub secret_group: usize,
}

impl Compiled {
    fn new(regex: Regex) -> Option<Compiled> {
        let secret_group = regex
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, "secret")?;
        Some(Compiled {
            regex,
            secret_group,
        })
    }
}

impl Detector {
    /// The compiled regex, built on first call. `None` only if an embedded pattern fails to
    /// compile, which the test suite rules out; user patterns are compiled when loaded.
    pub fn compiled(&self) -> Option<&Compiled> {
        self.compiled
            .get_or_init(|| build_regex(&self.pattern).ok().and_then(Compiled::new))
            .as_ref()
    }

    /// The length of the `prefix` if the secret starts with it (case-sensitively).
    pub fn known_prefix_len(&self, secret: &[u8]) -> usize {
        match &self.prefix {
            Some(p) if secret.starts_with(p.as_bytes()) => p.len(),
            _ => 0,
        }
    }
}

/// The regex engine of the `regex` crate, configured for detectors. `regex_automata`'s own
/// builder, because the one of `regex` cannot leave out the one-pass DFA: building it was a
/// third of compiling a detector's regex (a one-file scan compiles those its keywords hit,
/// 0.38 -> 0.26 ms for the URL-credentials pattern), and captures are taken from windows of a
/// few hundred bytes, where the bounded backtracker does as well.
fn build_regex(pattern: &str) -> Result<Regex> {
    regex_automata::meta::Builder::new()
        .syntax(
            regex_automata::util::syntax::Config::new()
                // ASCII semantics: `\b`, `\w` and `(?i)` on bytes, faster and what token
                // formats mean; matches need not be UTF-8.
                .unicode(false)
                .utf8(false),
        )
        .configure(
            Regex::config()
                .onepass(false)
                .utf8_empty(false)
                .nfa_size_limit(Some(REGEX_SIZE_LIMIT))
                .hybrid_cache_capacity(REGEX_SIZE_LIMIT),
        )
        .build(pattern)
        .map_err(anyhow::Error::new)
}

/// Every detector in use for a scan.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Every detector, built-in first, in file order.
    pub detectors: Detectors,
}

impl Catalog {
    /// The embedded catalog only.
    pub fn builtin() -> Result<Catalog> {
        // Its references are checked by the test suite (`builtin_references_resolve`), not
        // at every start.
        Ok(Catalog {
            detectors: Detectors::builtin()?,
        })
    }

    /// The embedded catalog plus user detector files (a file, or every `*.toml` in a directory).
    /// A user detector with a built-in detector's id is an error: a scan must not change what a
    /// built-in id means without saying so.
    pub fn with_user_files(paths: &[std::path::PathBuf]) -> Result<Catalog> {
        Catalog::with_files(paths, false)
    }

    /// Like [`Catalog::with_user_files`], but a user detector takes the place of the built-in
    /// one with its id: `detectors check detectors/x.toml` checks the edited copy of a built-in
    /// file before it is compiled in.
    pub fn with_replacing_files(paths: &[std::path::PathBuf]) -> Result<Catalog> {
        Catalog::with_files(paths, true)
    }

    fn with_files(paths: &[std::path::PathBuf], replace: bool) -> Result<Catalog> {
        let mut c = Catalog::builtin()?;
        for p in paths {
            for file in toml_files(p)? {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("{}: cannot read detector file", file.display()))?;
                if replace && let Ok(f) = toml::from_str::<ProviderFile>(&text) {
                    // A file that does not parse is reported by `add_file` below.
                    let mine: HashSet<String> = f.detectors.into_iter().map(|d| d.id).collect();
                    c.detectors
                        .retain(|head, builtin| !builtin || !mine.contains(head.id));
                }
                c.add_file(&file.display().to_string(), &text, true)?;
            }
        }
        if !paths.is_empty() {
            c.check_references()?;
        }
        Ok(c)
    }

    /// Parses one provider file and appends its detectors. `eager` compiles the regexes now,
    /// so a user's mistake is reported at start-up with the file and detector named.
    pub fn add_file(&mut self, source: &str, text: &str, eager: bool) -> Result<()> {
        let file: ProviderFile = toml::from_str(text).map_err(|e| {
            anyhow::anyhow!(
                "{source}: invalid detector file: {}",
                crate::util::one_line(&e.to_string())
            )
        })?;
        self.add_parsed(source, file, eager)
    }

    /// Appends the detectors of a parsed provider file (see [`Catalog::add_file`]).
    fn add_parsed(&mut self, source: &str, file: ProviderFile, eager: bool) -> Result<()> {
        for spec in file.detectors {
            let head = spec::head(&spec, &file.defaults);
            let mut d = make_detector(
                spec,
                &head,
                &file.defaults,
                &file.provider,
                &file.provider_name,
                source,
            )?;
            d.user = eager;
            // Only user files come through here (the built-in ids are checked distinct by
            // build.rs), so a search of the heads is enough.
            if self.position(&d.id).is_some() {
                bail!("{source}: detector '{}': duplicate detector id", d.id);
            }
            if eager && d.assignment.is_none() {
                let re = compile_checked(&d)?;
                let _ = d.compiled.set(Compiled::new(re));
            }
            self.detectors.push(head, d);
        }
        Ok(())
    }

    fn check_references(&self) -> Result<()> {
        let ids: HashSet<&str> = self.detectors.heads().map(|h| h.id).collect();
        for (i, h) in self.detectors.heads().enumerate() {
            let unknown = h
                .requires
                .iter()
                .map(|r| ("requires", r))
                .chain(h.overrides.iter().map(|o| ("overrides", o)))
                .find(|(_, r)| !ids.contains(**r));
            if let Some((what, r)) = unknown {
                let source = &self.detectors[i].source;
                bail!(
                    "{source}: detector '{}': {what} unknown detector '{r}'",
                    h.id
                );
            }
        }
        Ok(())
    }

    /// The index of the detector with this id, without decoding any.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.detectors.heads().position(|h| h.id == id)
    }

    /// The detector with this id.
    pub fn get(&self, id: &str) -> Option<&Detector> {
        self.position(id).map(|i| &self.detectors[i])
    }

    /// The distinct provider ids.
    pub fn providers(&self) -> HashSet<&str> {
        self.detectors.iter().map(|d| d.provider.as_str()).collect()
    }
}

/// The catalog as a Markdown table (`credgate detectors list --format markdown`), sorted by
/// detector id. `detectors/README.md` holds it between markers, and a test keeps it current.
pub fn markdown_table(catalog: &Catalog) -> String {
    let mut ds: Vec<&Detector> = catalog.detectors.iter().collect();
    ds.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = format!(
        "{} detectors, {} providers.\n\n| id | provider | keywords | validation | lifetime | scope |\n|---|---|---|---|---|---|\n",
        ds.len(),
        catalog.providers().len()
    );
    for d in ds {
        let mut validation: Vec<String> =
            d.validators.iter().map(|v| v.name().to_string()).collect();
        if let Some(k) = d.assignment {
            validation.push(format!("generic layer: {k} names, value scored"));
        }
        if let Some(e) = d.min_entropy {
            validation.push(format!("entropy >= {e}"));
        }
        if !d.paths.is_empty() {
            validation.push(format!("paths {}", d.paths.join(", ")));
        }
        let cell = |s: String| s.replace('|', "\\|");
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {}{} | {} |\n",
            d.id,
            d.provider_name,
            cell(
                d.keywords
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            cell(validation.join("; ")),
            d.lifetime,
            if d.privileged { ", privileged" } else { "" },
            d.scope
        ));
    }
    out
}

/// The verification requests as a Markdown table (`credgate detectors list --format
/// verify-markdown`), one row per detector with a `[detector.verify]` table, sorted by id.
/// `docs/verify.md` holds it between markers, and a test keeps it current.
pub fn verify_markdown(catalog: &Catalog) -> String {
    let mut ds: Vec<(&Detector, &VerifySpec)> = catalog
        .detectors
        .iter()
        .filter_map(|d| d.verify.as_ref().map(|v| (d, v)))
        .collect();
    ds.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let providers: HashSet<&str> = ds.iter().map(|(d, _)| d.provider.as_str()).collect();
    let mut out = format!(
        "{} detectors of {} providers declare a request.\n\n| detector | request | the secret goes in | learned |\n|---|---|---|---|\n",
        ds.len(),
        providers.len()
    );
    // What the secret fills, as a reader of the request sees it.
    let holds_secret = |s: &str| {
        [
            "{secret}",
            "{secret_basic}",
            "{basic_password}",
            "{basic:",
            "{pair_basic}",
        ]
        .iter()
        .any(|p| s.contains(p))
    };
    for (d, v) in ds {
        let url = v
            .url
            .replace("{secret}", "SECRET")
            .replace("{pair}", "PAIR");
        let mut carries: Vec<String> = Vec::new();
        match v.sign.as_deref() {
            Some(s) if s.starts_with("aws-sigv4") => {
                carries.push("SigV4 signature (the secret itself is not sent)".into())
            }
            Some("google-jwt") => {
                carries.push("an RS256-signed token request (the key itself is not sent)".into())
            }
            _ => {
                for (name, value) in &v.headers {
                    if holds_secret(value) {
                        carries.push(format!("`{name}` header"));
                    }
                }
                let (path, query) = v.url.split_once('?').unwrap_or((&v.url, ""));
                if path.contains("{secret}") {
                    carries.push("URL path".into());
                }
                if query.contains("{secret}") {
                    carries.push("URL query".into());
                }
                if v.body.as_deref().is_some_and(holds_secret) {
                    carries.push("request body".into());
                }
            }
        }
        let mut goes = carries.join(" and ");
        if let Some(p) = &v.pair {
            goes.push_str(&format!(", with `{p}` from the same file"));
        } else if let Some(k) = &v.pair_json {
            goes.push_str(&format!(", with `{k}` from the same file"));
        }
        let mut learned = vec!["live or not"];
        // A live answer names its owner, or the companion value (`client_email`) does.
        if v.identity.is_some() || v.pair_json.is_some() {
            learned.push("identity");
        }
        if v.scopes.is_some() || v.scopes_header.is_some() {
            learned.push("scopes");
        }
        if v.expiry.is_some() || v.expiry_header.is_some() {
            learned.push("expiry");
        }
        let cell = |s: &str| s.replace('|', "\\|");
        out.push_str(&format!(
            "| `{}` | {} `{}` | {} | {} |\n",
            d.id,
            v.method,
            cell(&url),
            cell(&goes),
            learned.join(", ")
        ));
    }
    out
}

/// Compiles a detector's regex and checks it has exactly the captures the engine needs. Used at
/// load time for user files and by the test suite for the embedded catalog.
pub fn compile_checked(d: &Detector) -> Result<Regex> {
    let re = build_regex(&d.pattern).map_err(|e| {
        anyhow::anyhow!(
            "{}: detector '{}': invalid regex: {}",
            d.source,
            d.id,
            // With its causes: "error building NFA: exceeded size limit".
            crate::util::one_line(&format!("{e:#}"))
        )
    })?;
    check_secret_group(&re, &d.source, &d.id)?;
    Ok(re)
}

fn check_secret_group(re: &Regex, source: &str, id: &str) -> Result<()> {
    if re
        .group_info()
        .to_index(regex_automata::PatternID::ZERO, "secret")
        .is_none()
    {
        bail!("{source}: detector '{id}': regex has no capture group named 'secret'");
    }
    Ok(())
}

/// `head` is the spec's [`spec::head`]: computed at build time for a built-in detector, so the
/// decoded detector says what its head said.
fn make_detector(
    mut s: DetectorSpec,
    head: &Head,
    defaults: &ProviderDefaults,
    provider: &str,
    provider_name: &str,
    source: &str,
) -> Result<Detector> {
    let ctx = |msg: &str| anyhow::anyhow!("{source}: detector '{}': {msg}", s.id);
    if s.id.is_empty()
        || !s
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
    {
        return Err(ctx("id must be non-empty lowercase [a-z0-9._-]"));
    }
    if s.keywords.is_empty() && s.paths.is_empty() {
        return Err(ctx("needs at least one keyword or one path glob"));
    }
    // A layer detector's keywords are words of names, matched as whole words (`pw` in
    // `LDAP_BIND_PW`), so two letters are enough; a regex detector's are a prefilter.
    let min_keyword = if s.assignment.is_some() { 2 } else { 3 };
    if let Some(k) = s.keywords.iter().find(|k| k.len() < min_keyword) {
        return Err(ctx(&format!(
            "keyword '{k}' is shorter than {min_keyword} bytes: it would match everywhere"
        )));
    }
    let mut validators = Vec::new();
    for v in &s.validators {
        validators.push(
            v.parse::<Validator>()
                .map_err(|e| ctx(&format!("validator '{v}': {e}")))?,
        );
    }
    let mut analyzers = Vec::new();
    for a in &s.analyzers {
        analyzers.push(
            a.parse::<Analyzer>()
                .map_err(|e| ctx(&format!("analyzer '{a}': {e}")))?,
        );
    }
    for g in &s.paths {
        crate::path_glob::path_glob(g).map_err(|e| ctx(&format!("path glob '{g}': {e}")))?;
    }
    let remediation = s
        .remediation
        .take()
        .or_else(|| defaults.remediation.clone())
        .unwrap_or_default();
    if remediation.trim().is_empty() || s.evidence.trim().is_empty() {
        return Err(ctx(
            "remediation (its own or the file's [defaults]) and evidence must not be empty",
        ));
    }
    let revoke_url = s.revoke_url.take().or_else(|| defaults.revoke_url.clone());
    let mut references = std::mem::take(&mut s.references);
    for r in &defaults.references {
        if !references.contains(r) {
            references.push(r.clone());
        }
    }
    for u in revoke_url.iter().chain(&references) {
        if !u.starts_with("https://") || u.contains(char::is_whitespace) {
            return Err(ctx(&format!(
                "'{u}' is not an https:// URL (revoke_url and references are links)"
            )));
        }
    }
    if let Some(v) = &s.verify {
        v.check().map_err(|e| ctx(&e))?;
    }
    let assignment = match &s.assignment {
        Some(k) => Some(
            k.parse::<crate::model::AssignmentKind>()
                .map_err(|e| ctx(&e))?,
        ),
        None => None,
    };
    let pattern = match (&s.pattern, &assignment) {
        (Some(p), None) => fragments::expand(p).map_err(|e| ctx(&e))?,
        (None, Some(_)) => String::new(),
        (Some(_), Some(_)) => {
            return Err(ctx(
                "has both a pattern and an assignment kind: a layer detector has no regex",
            ));
        }
        (None, None) => return Err(ctx("needs a pattern (or an assignment kind)")),
    };
    Ok(Detector {
        id: s.id,
        name: s.name,
        provider: provider.to_string(),
        provider_name: provider_name.to_string(),
        keywords: head.keywords.iter().map(|k| k.to_string()).collect(),
        pattern,
        assignment,
        validators,
        min_entropy: s.min_entropy.or(defaults.min_entropy),
        confidence: s.confidence,
        generic: s.generic,
        paths: s.paths,
        window_after: head.window_after,
        window_before: head.window_before,
        overrides: s.overrides,
        prefix: s.prefix,
        lifetime: s.lifetime,
        scope: s.scope,
        privileged: s.privileged,
        environment: s.environment,
        analyzers,
        requires: s.requires,
        usable: s.usable,
        evidence: s.evidence,
        remediation,
        revoke_url,
        references,
        positive: s.positive,
        negative: s.negative,
        verify: s.verify,
        source: source.to_string(),
        user: false,
        compiled: OnceLock::new(),
    })
}

fn toml_files(p: &Path) -> Result<Vec<std::path::PathBuf>> {
    let meta = std::fs::metadata(p)
        .with_context(|| format!("{}: cannot read detector path", p.display()))?;
    if meta.is_file() {
        return Ok(vec![p.to_path_buf()]);
    }
    let mut v: Vec<_> = std::fs::read_dir(p)
        .with_context(|| format!("{}: cannot list detector directory", p.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|f| f.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    Ok(v)
}

/// Shannon entropy of a byte string, in bits per byte.
pub fn shannon_entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_constant() {
        assert_eq!(shannon_entropy(b"aaaa"), 0.0);
        assert!((shannon_entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn builtin_catalog_loads() {
        let c = Catalog::builtin().unwrap();
        let tables: usize = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/detectors"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                text.lines().filter(|l| l.trim() == "[[detector]]").count()
            })
            .sum();
        assert!(tables > 300, "{tables}");
        assert_eq!(c.detectors.len(), tables);
        // Every built-in detector decodes (the run time trusts this) and its head, written at
        // build time, says what the decoded detector says.
        for (i, d) in c.detectors.iter().enumerate() {
            let h = c.detectors.head(i);
            let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            assert_eq!(
                (
                    h.id,
                    owned(&h.keywords),
                    owned(&h.paths),
                    h.window_after,
                    h.window_before
                ),
                (
                    d.id.as_str(),
                    d.keywords.clone(),
                    d.paths.clone(),
                    d.window_after,
                    d.window_before
                )
            );
            assert_eq!(
                (owned(&h.overrides), owned(&h.requires)),
                (d.overrides.clone(), d.requires.clone())
            );
            assert_eq!(
                (h.assignment, h.generic, h.prefix),
                (d.assignment, d.generic, d.prefix.as_deref())
            );
            assert_eq!(h.validated, !d.validators.is_empty(), "{}", d.id);
        }
    }

    #[test]
    fn builtin_references_resolve() {
        Catalog::builtin().unwrap().check_references().unwrap();
    }

    #[test]
    fn bad_user_files_are_one_line_errors_naming_file_and_detector() {
        let mut c = Catalog::default();
        let bad_re = r#"
provider = "x"
provider_name = "X"
[[detector]]
id = "x.bad"
name = "bad"
keywords = ["xyz"]
pattern = '(?P<secret>[a-'
confidence = "high"
lifetime = "unknown"
scope = "unknown"
evidence = "e"
remediation = "r"
"#;
        let e = c
            .add_file("mine.toml", bad_re, true)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("mine.toml: detector 'x.bad': invalid regex"),
            "{e}"
        );
        assert!(!e.contains('\n'));

        let no_group = bad_re.replace("(?P<secret>[a-", "[a-z]+");
        let e = c
            .add_file("mine.toml", &no_group, true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("no capture group named 'secret'"), "{e}");

        let short_kw = bad_re
            .replace("(?P<secret>[a-", "(?P<secret>[a-z]+)")
            .replace("\"xyz\"", "\"k\"");
        let e = c
            .add_file("mine.toml", &short_kw, true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("shorter than 3 bytes"), "{e}");

        let typo = bad_re.replace("confidence", "confidance");
        let e = c
            .add_file("mine.toml", &typo, true)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("mine.toml: invalid detector file"), "{e}");
        assert!(!e.contains('\n'));

        let huge = bad_re.replace("(?P<secret>[a-", "(?P<secret>(?:[a-z0-9]{1000}){1000})");
        let e = c
            .add_file("mine.toml", &huge, true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("invalid regex"), "{e}");
    }

    #[test]
    fn lifetime_and_scope_must_be_stated() {
        let full = r#"
provider = "x"
provider_name = "X"
[[detector]]
id = "x.y"
name = "y"
keywords = ["xyz"]
pattern = '(?P<secret>xyz[0-9]+)'
confidence = "high"
lifetime = "unknown"
scope = "unknown"
evidence = "e"
remediation = "r"
"#;
        assert!(Catalog::default().add_file("ok.toml", full, true).is_ok());
        for field in ["lifetime", "scope"] {
            let without: String = full
                .lines()
                .filter(|l| !l.starts_with(field))
                .collect::<Vec<_>>()
                .join("\n");
            let e = Catalog::default()
                .add_file("x.toml", &without, true)
                .unwrap_err()
                .to_string();
            assert!(e.contains(&format!("missing field `{field}`")), "{e}");
        }
        let bad = full.replace("lifetime = \"unknown\"", "lifetime = \"forever\"");
        assert!(Catalog::default().add_file("x.toml", &bad, true).is_err());
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let mut c = Catalog::builtin().unwrap();
        let dup = r#"
provider = "github"
provider_name = "GitHub"
[[detector]]
id = "github.pat.classic"
name = "again"
keywords = ["ghp_"]
pattern = '(?P<secret>ghp_[a-z]+)'
confidence = "high"
lifetime = "unknown"
scope = "unknown"
evidence = "e"
remediation = "r"
"#;
        let e = c.add_file("dup.toml", dup, true).unwrap_err().to_string();
        assert_eq!(
            e,
            "dup.toml: detector 'github.pat.classic': duplicate detector id"
        );
    }

    #[test]
    fn provider_defaults_fill_what_a_detector_leaves_out() {
        let text = r#"
provider = "x"
provider_name = "X"
[defaults]
remediation = "Revoke it under X > Tokens."
revoke_url = "https://x.example/tokens"
references = ["https://x.example/docs"]
window = 40
min_entropy = 3.0
[[detector]]
id = "x.a"
name = "a"
keywords = ["xa_"]
pattern = '(?P<secret>xa_[0-9]+)'
confidence = "high"
lifetime = "unknown"
scope = "unknown"
evidence = "e"
[[detector]]
id = "x.b"
name = "b"
keywords = ["xb_"]
pattern = '(?P<secret>xb_[0-9]+)'
confidence = "high"
lifetime = "unknown"
scope = "unknown"
evidence = "e"
remediation = "Delete the webhook and make a new one."
revoke_url = "https://x.example/hooks"
references = ["https://x.example/hooks-docs", "https://x.example/docs"]
window = 7
min_entropy = 1.5
"#;
        let mut c = Catalog::default();
        c.add_file("x.toml", text, true).unwrap();
        let (a, b) = (c.get("x.a").unwrap(), c.get("x.b").unwrap());
        assert_eq!(a.remediation, "Revoke it under X > Tokens.");
        assert_eq!(a.revoke_url.as_deref(), Some("https://x.example/tokens"));
        assert_eq!(a.references, ["https://x.example/docs"]);
        assert_eq!((a.window_after, a.min_entropy), (40, Some(3.0)));
        assert_eq!(a.window_before, spec::DEFAULT_WINDOW_BEFORE);
        assert_eq!(b.remediation, "Delete the webhook and make a new one.");
        assert_eq!(b.revoke_url.as_deref(), Some("https://x.example/hooks"));
        // The detector's own references first, the provider's after, none twice.
        assert_eq!(
            b.references,
            ["https://x.example/hooks-docs", "https://x.example/docs"]
        );
        assert_eq!((b.window_after, b.min_entropy), (7, Some(1.5)));

        let no_remediation = text.replace("remediation = \"Revoke it under X > Tokens.\"\n", "");
        let e = Catalog::default()
            .add_file("x.toml", &no_remediation, true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("detector 'x.a': remediation"), "{e}");
        let plain_http = text.replace("https://x.example/tokens", "http://x.example/tokens");
        let e = Catalog::default()
            .add_file("x.toml", &plain_http, true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("is not an https:// URL"), "{e}");
        let unknown = text.replace("window = 40", "windwo = 40");
        assert!(
            Catalog::default()
                .add_file("x.toml", &unknown, true)
                .is_err()
        );
    }

    #[test]
    fn a_checked_file_takes_the_place_of_the_built_in_one() {
        let dir = std::env::temp_dir().join(format!("credgate-replace-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("heroku.toml");
        let text = include_str!("../../detectors/heroku.toml").replacen(
            "name = \"Heroku API key\"",
            "name = \"Heroku API key (edited)\"",
            1,
        );
        std::fs::write(&file, text).unwrap();
        let paths = [file.clone()];
        assert!(
            Catalog::with_user_files(&paths).is_err(),
            "a scan refuses the same id"
        );
        let c = Catalog::with_replacing_files(&paths).unwrap();
        let mine: Vec<&Detector> = c
            .detectors
            .iter()
            .filter(|d| d.id == "heroku.api-key")
            .collect();
        assert_eq!(mine.len(), 1);
        assert!(mine[0].user && mine[0].name.ends_with("(edited)"));
        assert_eq!(
            c.detectors.len(),
            Catalog::builtin().unwrap().detectors.len()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[cfg(test)]
mod compile_cost {
    /// `cargo test --release --lib compile_survey -- --ignored --nocapture`: what compiling each
    /// built-in detector's regex costs (a scan compiles those its keywords hit, once), the
    /// costliest first.
    #[test]
    #[ignore]
    fn compile_survey() {
        let cat = super::Catalog::builtin().unwrap();
        let mut t: Vec<(f64, String)> = (0..cat.detectors.len())
            .map(|i| {
                let d = &cat.detectors[i];
                let s = std::time::Instant::now();
                let _ = super::build_regex(&d.pattern);
                (s.elapsed().as_secs_f64() * 1e3, d.id.clone())
            })
            .collect();
        t.sort_by(|a, b| b.0.total_cmp(&a.0));
        let total: f64 = t.iter().map(|x| x.0).sum();
        eprintln!("{} detectors, {total:.1} ms in all", t.len());
        for (ms, id) in t.iter().take(20) {
            eprintln!("{ms:7.2} ms  {id}");
        }
    }
}
