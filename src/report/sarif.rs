//! SARIF 2.1.0 for GitHub code scanning (`--format sarif`), built with `serde-sarif`.
//!
//! What GitHub needs and peers get wrong: every rule has a full description and help text; rules
//! carry `security-severity` so severity gates work; results carry `primaryLocationLineHash`
//! (computed as GitHub's upload action does) and a credgate fingerprint that survives line
//! moves; locations are relative to `%SRCROOT%`; the secret itself never appears, only its
//! redacted form. Allowed findings are present with `suppressions`, so audits see them. GitHub's
//! limits are respected by dropping the least risky results, with a notification saying so.

use super::ReportOptions;
use crate::detectors::{Catalog, Confidence, Detector};
use crate::finding::{Finding, Origin, SuppressionKind};
use crate::model::Risk;
use crate::result::ScanResult;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};
use serde_json::{Value, json};
use serde_sarif::sarif;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

/// Where the SARIF tells users to read about credgate.
pub const INFORMATION_URI: &str = "https://github.com/credgate/credgate";
/// The schema URI GitHub's documentation uses.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// GitHub's limits (docs: "SARIF support for code scanning").
pub const MAX_RESULTS: usize = 25_000;
pub const MAX_GZIP_BYTES: usize = 10 * 1000 * 1000;
/// The partial fingerprint credgate adds beside GitHub's line hash.
pub const FINGERPRINT_KEY: &str = "credgateFingerprint/v1";

/// Bytes kept unencoded in URIs: RFC 3986 unreserved characters and the path separator.
const URI_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// GitHub's `security-severity` for a risk: above 9.0 is critical, 7.0 to 8.9 high, 4.0 to 6.9
/// medium, 0.1 to 3.9 low.
pub fn security_severity(r: Risk) -> &'static str {
    match r {
        Risk::Critical => "9.5",
        Risk::High => "8.0",
        Risk::Medium => "5.5",
        Risk::Low => "3.0",
        Risk::Info => "1.0",
    }
}

fn level(r: Risk) -> &'static str {
    match r {
        Risk::Critical | Risk::High => "error",
        Risk::Medium => "warning",
        Risk::Low | Risk::Info => "note",
    }
}

fn precision(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

fn text(s: impl Into<String>) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder()
        .text(s.into())
        .build()
}

fn message(s: impl Into<String>) -> sarif::Message {
    sarif::Message {
        text: Some(s.into()),
        ..Default::default()
    }
}

fn bag(
    tags: Option<Vec<String>>,
    props: impl IntoIterator<Item = (&'static str, Value)>,
) -> sarif::PropertyBag {
    sarif::PropertyBag {
        tags,
        additional_properties: props.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
    }
}

/// The bases that result URIs are relative to. `%SRCROOT%` is the git work tree that holds the
/// scanned workspace (or git content), so URIs are relative to the repository root as GitHub
/// reads them, however the root was named (`.`, `src`, `$GITHUB_WORKSPACE`); outside any work
/// tree it is the first root itself. `HOME` is the home directory whose stores were read.
pub struct Bases {
    pub srcroot: PathBuf,
    pub home: Option<PathBuf>,
}

impl Bases {
    /// The bases for these findings. `%SRCROOT%` is the one work tree that holds every
    /// workspace file with a finding, or (outside any work tree) the one root they are under;
    /// when they span several, the working directory's work tree, or the working directory.
    /// Paths are resolved (symbolic links included) before they are compared, since GitHub
    /// places results at their real path.
    pub fn of<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Bases {
        let cwd = real(Path::new("."));
        let mut trees = std::collections::BTreeSet::new();
        let mut roots = std::collections::BTreeSet::new();
        let mut home = None;
        for f in findings {
            match &f.origin {
                Origin::Workspace { root, .. } => {
                    let file = real(&f.origin.file(None).unwrap_or_default());
                    let dir = file.parent().map_or_else(|| cwd.clone(), Path::to_path_buf);
                    match crate::util::work_tree_of(&dir) {
                        Some(t) => {
                            trees.insert(t);
                        }
                        None => {
                            let r = real(root);
                            roots.insert(if r.is_dir() { r } else { dir });
                        }
                    }
                }
                Origin::GitIndex { .. } | Origin::GitCommit { .. } => {
                    trees.insert(crate::util::work_tree_of(&cwd).unwrap_or_else(|| cwd.clone()));
                }
                Origin::Home { home: h, .. } if home.is_none() => home = Some(real(h)),
                _ => {}
            }
        }
        let srcroot = match (trees.len(), roots.len()) {
            (1, 0) => trees.pop_first(),
            (0, 1) => roots.pop_first(),
            _ => None,
        };
        Bases {
            srcroot: srcroot.unwrap_or_else(|| crate::util::work_tree_of(&cwd).unwrap_or(cwd)),
            home,
        }
    }
}

/// The real path: symbolic links resolved where the path exists, `.` and `..` removed lexically
/// where it does not.
fn real(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| {
        crate::util::normalize(&std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()))
    })
}

/// A path below `base` as a relative URI with `/` separators, or `None` when it is not below.
fn relative_uri(abs: &Path, base: &Path) -> Option<String> {
    let rel = abs.strip_prefix(base).ok()?;
    let parts: Vec<&[u8]> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => Some(s.as_encoded_bytes()),
            Component::CurDir => Some(&b""[..]),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    Some(percent_encode(&parts.join(&b'/'), URI_KEEP).to_string())
}

/// `(uri, uriBaseId)` of a finding's file, or `None` for content that is no file (an
/// environment variable). Report paths escape bytes that are not UTF-8; URIs carry the
/// original bytes.
pub fn artifact_uri(o: &Origin, bases: &Bases) -> Option<(String, Option<String>)> {
    let src = || Some("%SRCROOT%".to_string());
    match o {
        Origin::EnvVar { .. } => None,
        Origin::Home { home, path } => {
            let abs = home.join(path);
            match bases.home.as_deref().and_then(|h| relative_uri(&abs, h)) {
                Some(u) => Some((u, Some("HOME".into()))),
                None => Some((
                    file_uri(&std::path::absolute(&abs).unwrap_or(abs), false),
                    None,
                )),
            }
        }
        Origin::GitIndex { path } | Origin::GitCommit { path, .. } => {
            let bytes = crate::finding::path_bytes(path);
            Some((percent_encode(&bytes, URI_KEEP).to_string(), src()))
        }
        Origin::Workspace { .. } => {
            let abs = real(&o.file(None).unwrap_or_default());
            match relative_uri(&abs, &bases.srcroot) {
                Some(u) => Some((u, src())),
                None => Some((file_uri(&abs, false), None)),
            }
        }
    }
}

fn file_uri(abs: &Path, dir: bool) -> String {
    let mut s = abs.as_os_str().as_encoded_bytes().to_vec();
    if cfg!(windows) {
        s.iter_mut()
            .filter(|b| **b == b'\\')
            .for_each(|b| *b = b'/');
    }
    if dir && !s.ends_with(b"/") {
        s.push(b'/');
    }
    if !s.starts_with(b"/") {
        s.insert(0, b'/');
    }
    format!("file://{}", percent_encode(&s, URI_KEEP))
}

fn rule(d: &Detector, risk: Risk) -> sarif::ReportingDescriptor {
    let lifetime = d.lifetime;
    let scope = d.scope;
    let what = format!("{} ({}).", d.name, d.provider_name);
    let why = format!(
        "Lifetime: {lifetime}. Scope: {scope}{}. {}",
        if d.privileged { ", privileged" } else { "" },
        d.evidence
    );
    let refs: Vec<String> = d.references.iter().map(|r| format!("- <{r}>")).collect();
    let revoke = d.revoke_url.as_ref().map(|u| {
        (
            format!(" Revoke it at {u}"),
            format!(" Revoke it at <{u}>."),
        )
    });
    let help_text = format!(
        "{what}\n\nWhy it matters: an agent or person who can read this credential can use it. {why}\n\nWhat to do: {}{}\n{}",
        d.remediation,
        revoke.as_ref().map_or("", |r| r.0.as_str()),
        if d.references.is_empty() {
            String::new()
        } else {
            format!("\nReferences: {}\n", d.references.join(" "))
        }
    );
    let help_markdown = format!(
        "**{}** ({})\n\n**Why it matters.** An agent or person who can read this credential can use it. {why}\n\n**What to do.** {}{}\n{}",
        d.name,
        d.provider_name,
        d.remediation,
        revoke.as_ref().map_or("", |r| r.1.as_str()),
        if refs.is_empty() {
            String::new()
        } else {
            format!("\n**References**\n\n{}\n", refs.join("\n"))
        }
    );
    let mut r = sarif::ReportingDescriptor::builder()
        .id(d.id.clone())
        .build();
    r = sarif::ReportingDescriptor {
        id: d.id.clone(),
        name: Some(rule_name(&d.id)),
        short_description: Some(text(d.name.clone())),
        full_description: Some(text(
            format!("{what} {why}")
                .chars()
                .take(1000)
                .collect::<String>(),
        )),
        help: Some(
            sarif::MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_markdown)
                .build(),
        ),
        help_uri: d
            .revoke_url
            .clone()
            .or_else(|| d.references.first().cloned()),
        default_configuration: Some(sarif::ReportingConfiguration {
            level: Some(json!(level(risk))),
            ..Default::default()
        }),
        properties: Some(bag(
            Some(vec![
                "security".into(),
                "secret".into(),
                d.provider.clone(),
                format!("lifetime-{lifetime}"),
                format!("scope-{scope}"),
            ]),
            [
                ("precision", json!(precision(d.confidence))),
                ("security-severity", json!(security_severity(risk))),
            ],
        )),
        ..r
    };
    r
}

/// `github.pat.classic` -> `GithubPatClassic`: SARIF rule names are identifiers.
fn rule_name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The result for a finding that is in a file (see [`artifact_uri`]).
fn sarif_result(
    f: &Finding,
    rule_index: usize,
    (uri, uri_base): (String, Option<String>),
) -> sarif::Result {
    let a = &f.assessment;
    let msg = format!(
        "{} in {}: {} risk ({}). Revoke or rotate it; the rule help says how.",
        f.detector_name,
        f.origin.at(f.line, None),
        a.risk,
        a.why
    );
    let region = sarif::Region {
        start_line: Some(f.line as i64),
        start_column: Some(f.sarif_columns.0 as i64),
        end_line: Some(f.end_line as i64),
        end_column: Some(f.sarif_columns.1 as i64),
        snippet: Some(sarif::ArtifactContent {
            text: Some(f.redacted.clone()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let context = sarif::Region {
        start_line: Some(f.line as i64),
        end_line: Some(f.end_line as i64),
        snippet: Some(sarif::ArtifactContent {
            text: Some(f.line_text.clone()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut fps = BTreeMap::new();
    if !f.line_hash.is_empty() {
        fps.insert("primaryLocationLineHash".to_string(), f.line_hash.clone());
    }
    fps.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let suppressions = f.suppression.as_ref().map(|s| {
        let mut sup = sarif::Suppression::builder()
            .kind(json!(match s.kind {
                SuppressionKind::InSource => "inSource",
                SuppressionKind::External => "external",
            }))
            .build();
        sup.status = Some(json!("accepted"));
        sup.justification = Some(s.justification.clone());
        vec![sup]
    });
    let base = sarif::Result::builder()
        .message(message(msg.clone()))
        .build();
    sarif::Result {
        rule_id: Some(f.detector_id.clone()),
        rule_index: Some(rule_index as i64),
        level: Some(serde_json::from_value(json!(level(a.risk))).expect("valid level")),
        message: message(msg),
        locations: Some(vec![sarif::Location {
            physical_location: Some(sarif::PhysicalLocation {
                artifact_location: Some(sarif::ArtifactLocation {
                    uri: Some(uri),
                    uri_base_id: uri_base,
                    ..Default::default()
                }),
                region: Some(region),
                context_region: Some(context),
                ..Default::default()
            }),
            ..Default::default()
        }]),
        partial_fingerprints: Some(fps),
        suppressions,
        properties: Some(bag(
            None,
            [
                ("risk", json!(a.risk)),
                (
                    "assessment",
                    serde_json::to_value(a).expect("assessment serializes"),
                ),
                ("confidence", json!(f.confidence)),
                ("fingerprint", json!(f.fingerprint)),
                ("gitignored", json!(f.gitignored)),
                ("redacted", json!(f.redacted)),
                ("commit", json!(f.commit)),
                ("store", json!(f.store)),
                ("agents", json!(f.agents)),
            ],
        )),
        ..base
    }
}

/// A notification, located at `origin`'s file when there is one.
fn notification(
    level: &str,
    msg: String,
    origin: Option<&Origin>,
    bases: &Bases,
) -> sarif::Notification {
    let place = origin.and_then(|o| artifact_uri(o, bases));
    let n = sarif::Notification::builder()
        .message(message(msg.clone()))
        .build();
    sarif::Notification {
        level: Some(json!(level)),
        message: message(msg),
        locations: place.map(|(uri, base)| {
            vec![sarif::Location {
                physical_location: Some(sarif::PhysicalLocation {
                    artifact_location: Some(sarif::ArtifactLocation {
                        uri: Some(uri),
                        uri_base_id: base,
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }]
        }),
        ..n
    }
}

/// Builds the SARIF log for `findings` (active and suppressed), at most `max_results` of them,
/// keeping the riskiest.
/// The findings of a scan in the order SARIF lists them, sorted once however many times the
/// log is built to fit GitHub's limits.
struct Ordered<'a> {
    result: &'a ScanResult,
    bases: Bases,
    /// The findings in files, riskiest first.
    in_files: Vec<&'a Finding>,
    /// Findings in content that is no file (an environment variable): code scanning places
    /// results in files, so these are named in notifications instead.
    not_files: Vec<&'a Finding>,
}

impl<'a> Ordered<'a> {
    fn of(result: &'a ScanResult) -> Ordered<'a> {
        let bases = Bases::of(result.findings.iter().chain(&result.suppressed));
        let (mut in_files, not_files): (Vec<&Finding>, Vec<&Finding>) = result
            .findings
            .iter()
            .chain(&result.suppressed)
            .partition(|f| artifact_uri(&f.origin, &bases).is_some());
        // Riskiest first; active before suppressed; then a stable order.
        in_files.sort_by_cached_key(|f| {
            (
                std::cmp::Reverse(f.assessment.risk),
                f.suppression.is_some(),
                f.origin.legacy_root(),
                f.origin.path_display(),
                f.start,
                f.detector_id.clone(),
            )
        });
        Ordered {
            result,
            bases,
            in_files,
            not_files,
        }
    }
}

/// A SARIF log ready to be written: everything but its results, which are built one at a time
/// as they are serialized. A tree of every result (each with its property bags) took more
/// memory than the scan itself: 116 MB peak on the real-source corpus.
struct Log<'o, 'a> {
    /// The log, with an empty `runs[0].results` where the results go.
    frame: Value,
    /// The results' findings with their rule indices.
    results: Vec<(&'a Finding, usize)>,
    bases: &'o Bases,
}

fn build<'o, 'a>(
    ordered: &'o Ordered<'a>,
    catalog: Option<&Catalog>,
    category: Option<&str>,
    keep: usize,
) -> Log<'o, 'a> {
    let Ordered {
        result,
        bases,
        in_files,
        not_files,
    } = ordered;
    let all = &in_files[..keep.min(in_files.len())];
    let dropped = in_files.len() - all.len();

    // One rule per detector with results, at the highest risk among them.
    let mut rule_risk: BTreeMap<&str, Risk> = BTreeMap::new();
    for f in all {
        let r = rule_risk
            .entry(f.detector_id.as_str())
            .or_insert(Risk::Info);
        *r = (*r).max(f.assessment.risk);
    }
    let mut rules = Vec::new();
    let mut index = HashMap::new();
    for (id, risk) in &rule_risk {
        let d = catalog.and_then(|c| c.get(id));
        index.insert(*id, rules.len());
        rules.push(match d {
            Some(d) => rule(d, *risk),
            None => {
                let mut r = sarif::ReportingDescriptor::builder()
                    .id(id.to_string())
                    .build();
                r.full_description = Some(text(id.to_string()));
                r.short_description = Some(text(id.to_string()));
                r.help = Some(text(format!("Credential found by detector {id}.")));
                r
            }
        });
    }
    let results: Vec<(&Finding, usize)> = all
        .iter()
        .map(|f| (*f, index[f.detector_id.as_str()]))
        .collect();

    let mut notes = Vec::new();
    for f in not_files {
        notes.push(notification(
            if f.suppression.is_some() {
                "note"
            } else {
                "warning"
            },
            format!(
                "{} in {}: {} risk ({}); {}. Not a result: code scanning places results in files.",
                f.detector_name, f.origin, f.assessment.risk, f.assessment.why, f.redacted
            ),
            None,
            bases,
        ));
    }
    for w in &result.warnings {
        notes.push(notification(
            "warning",
            if w.path.is_empty() {
                w.message.clone()
            } else {
                format!("{}: {}", w.path, w.message)
            },
            w.origin.as_ref(),
            bases,
        ));
    }
    for s in &result.skipped {
        notes.push(notification(
            "note",
            format!("{} skipped: {}", s.path, s.reason),
            s.origin.as_ref(),
            bases,
        ));
    }
    if dropped > 0 {
        notes.push(notification(
            "warning",
            format!(
                "{dropped} of {} results were left out, the least risky first, to stay within GitHub's limits ({MAX_RESULTS} results per run, {} MB gzipped); the JSON report has them all.",
                dropped + keep,
                MAX_GZIP_BYTES / 1_000_000
            ),
            None,
            bases,
        ));
    }
    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        "%SRCROOT%".to_string(),
        sarif::ArtifactLocation {
            uri: Some(file_uri(&bases.srcroot, true)),
            ..Default::default()
        },
    );
    if let Some(home) = &bases.home {
        base_ids.insert(
            "HOME".to_string(),
            sarif::ArtifactLocation {
                uri: Some(file_uri(
                    &std::path::absolute(home).unwrap_or(home.clone()),
                    true,
                )),
                ..Default::default()
            },
        );
    }
    let mut driver = sarif::ToolComponent::builder().name("credgate").build();
    driver.version = Some(env!("CARGO_PKG_VERSION").into());
    driver.semantic_version = Some(env!("CARGO_PKG_VERSION").into());
    driver.information_uri = Some(INFORMATION_URI.into());
    driver.rules = Some(rules);
    let invocation = sarif::Invocation::builder()
        .execution_successful(true)
        .build();
    let invocation = sarif::Invocation {
        tool_execution_notifications: Some(notes),
        ..invocation
    };
    let mut run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .build();
    run.results = Some(Vec::new());
    run.invocations = Some(vec![invocation]);
    run.original_uri_base_ids = Some(base_ids);
    run.column_kind = Some(json!("utf16CodeUnits"));
    // History scans: the repository state the run looked at.
    if all.iter().any(|f| f.commit.is_some())
        && let Some(head) = crate::git::head_revision(Path::new("."))
    {
        let mut vc = sarif::VersionControlDetails::builder()
            .repository_uri(head.0)
            .build();
        vc.revision_id = Some(head.1);
        run.version_control_provenance = Some(vec![vc]);
    }
    run.automation_details = category.map(|c| sarif::RunAutomationDetails {
        id: Some(if c.contains('/') {
            c.to_string()
        } else {
            format!("{c}/")
        }),
        ..Default::default()
    });
    run.properties = Some(bag(
        None,
        [(
            "summary",
            serde_json::to_value(&result.summary).expect("summary serializes"),
        )],
    ));
    let mut log = sarif::Sarif::builder().version(json!("2.1.0")).build();
    log.schema = Some(SCHEMA_URI.into());
    log.runs = vec![run];
    Log {
        frame: serde_json::to_value(&log).expect("a SARIF log serializes"),
        results,
        bases,
    }
}

impl serde::Serialize for Log<'_, '_> {
    /// The frame as it is, with the results streamed into `runs[0].results`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Runs<'l, 'o, 'a>(&'l Log<'o, 'a>, &'l [Value]);
        struct Run<'l, 'o, 'a>(&'l Log<'o, 'a>, &'l serde_json::Map<String, Value>);
        struct Results<'l, 'o, 'a>(&'l Log<'o, 'a>);
        impl serde::Serialize for Runs<'_, '_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.1.len()))?;
                for (i, run) in self.1.iter().enumerate() {
                    match run.as_object() {
                        Some(m) if i == 0 => seq.serialize_element(&Run(self.0, m))?,
                        _ => seq.serialize_element(run)?,
                    }
                }
                seq.end()
            }
        }
        impl serde::Serialize for Run<'_, '_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(self.1.len()))?;
                for (k, v) in self.1 {
                    if k == "results" {
                        map.serialize_entry(k, &Results(self.0))?;
                    } else {
                        map.serialize_entry(k, v)?;
                    }
                }
                map.end()
            }
        }
        impl serde::Serialize for Results<'_, '_, '_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let log = self.0;
                s.collect_seq(log.results.iter().map(|&(f, rule)| {
                    let place = artifact_uri(&f.origin, log.bases).expect("a finding in a file");
                    sarif_result(f, rule, place)
                }))
            }
        }
        let top = self.frame.as_object().expect("a SARIF log is an object");
        let mut map = s.serialize_map(Some(top.len()))?;
        for (k, v) in top {
            match v.as_array() {
                Some(runs) if k == "runs" => map.serialize_entry(k, &Runs(self, runs))?,
                _ => map.serialize_entry(k, v)?,
            }
        }
        map.end()
    }
}

/// A writer that keeps only the count of what it is given.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Whether `log` is within GitHub's gzipped size limit, measured without holding the log:
/// serialized once to count its bytes, and compressed (serialized again) only when the count
/// alone does not settle it.
fn fits(log: &Log, limit: usize) -> io::Result<bool> {
    let mut raw = Counter(0);
    serde_json::to_writer_pretty(&mut raw, log)?;
    // Deflate adds at most 5 bytes to each stored block of up to 64 KiB and gzip 18 bytes of
    // framing, so a log this small fits compressed whatever its content.
    if raw.0 + raw.0 / 1000 + 64 <= limit {
        return Ok(true);
    }
    let mut gz = flate2::write::GzEncoder::new(Counter(0), flate2::Compression::default());
    serde_json::to_writer_pretty(&mut gz, log)?;
    Ok(gz.finish()?.0 <= limit)
}

/// Writes the SARIF log. Over GitHub's limits, the least risky results are left out (a tenth at
/// a time for the size limit) and a notification says how many.
pub fn write(result: &ScanResult, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let ordered = Ordered::of(result);
    let mut keep = ordered.in_files.len().min(MAX_RESULTS);
    loop {
        let log = build(&ordered, opts.catalog, opts.sarif_category.as_deref(), keep);
        if keep == 0 || fits(&log, MAX_GZIP_BYTES)? {
            serde_json::to_writer_pretty(&mut *out, &log)?;
            return writeln!(out);
        }
        keep -= (keep / 10).max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_to_their_base() {
        let bases = Bases {
            srcroot: PathBuf::from("/w/repo"),
            home: Some(PathBuf::from("/h/me")),
        };
        let ws = |root: &str, path: &str| Origin::Workspace {
            root: root.into(),
            path: path.into(),
        };
        let src = Some("%SRCROOT%".to_string());
        assert_eq!(
            artifact_uri(&ws("/w/repo", "a b/c#d.env"), &bases),
            Some(("a%20b/c%23d.env".into(), src.clone()))
        );
        // However the root was named, the URI is relative to the work tree.
        assert_eq!(
            artifact_uri(&ws("/w/repo/./sub/../sub", ".env"), &bases),
            Some(("sub/.env".into(), src.clone()))
        );
        assert_eq!(
            artifact_uri(&ws("/elsewhere", "f"), &bases).unwrap(),
            ("file:///elsewhere/f".into(), None)
        );
        assert_eq!(
            artifact_uri(
                &Origin::Home {
                    home: "/h/me".into(),
                    path: ".aws/credentials".into()
                },
                &bases
            ),
            Some((".aws/credentials".into(), Some("HOME".into())))
        );
        assert_eq!(
            artifact_uri(&Origin::EnvVar { name: "X".into() }, &bases),
            None
        );
        assert_eq!(
            artifact_uri(
                &Origin::GitIndex {
                    path: "d/e f".into()
                },
                &bases
            ),
            Some(("d/e%20f".into(), src))
        );
    }

    /// Findings of every risk, from a real scan of a temporary directory.
    fn scan_result() -> ScanResult {
        use crate::detectors::examples::expand_generators;
        let d = tempfile::tempdir().unwrap();
        let text = expand_generators(concat!(
            "a = {{crc32 ghp_ FAKEsarifLimitTokenBody0000001}}\n",
            "b = {{crc32 ghs_ FAKEsarifLimitTokenBody0000002}}\n",
            "c = {{crc32 ghu_ FAKEsarifLimitTokenBody0000003}}\n",
            "d = pk_live_FAKEq8Zr3kP1mVx7Ty2Lw9Bn4Hc6\n",
        ));
        std::fs::write(d.path().join("f.txt"), text).unwrap();
        let engine = crate::engine::Engine::new(Catalog::builtin().unwrap()).unwrap();
        let walk = crate::source::fs::FsWalk::workspace(crate::source::walk::WalkOptions {
            roots: vec![d.path().to_path_buf()],
            respect_gitignore: false,
            follow_links: false,
            threads: 1,
        });
        let settings = crate::pipeline::Settings::default();
        crate::pipeline::run(&engine, &settings, &[&walk], &Default::default()).unwrap()
    }

    #[test]
    fn over_the_limit_the_least_risky_results_go_and_a_notification_says_so() {
        let r = scan_result();
        let risks: Vec<Risk> = r.findings.iter().map(|f| f.assessment.risk).collect();
        assert_eq!(risks, [Risk::Critical, Risk::Medium, Risk::Low, Risk::Info]);
        let catalog = Catalog::builtin().unwrap();
        let ordered = Ordered::of(&r);
        let log = build(&ordered, Some(&catalog), None, 2);
        let v = serde_json::to_value(&log).unwrap();
        let results = v["runs"][0]["results"].as_array().unwrap();
        let kept: Vec<&str> = results
            .iter()
            .map(|x| x["ruleId"].as_str().unwrap())
            .collect();
        assert_eq!(kept, ["github.pat.classic", "github.app.installation"]);
        let notes = v["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert!(notes.iter().any(|n| {
            n["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with("2 of 4 results were left out")
        }));
        // Rules only for what is kept, each at the highest risk of its results.
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
    }

    /// The size check counts the bytes that are written, and compresses only when the count does
    /// not settle it.
    #[test]
    fn the_size_limit_is_checked_on_what_is_written() {
        let r = scan_result();
        let catalog = Catalog::builtin().unwrap();
        let ordered = Ordered::of(&r);
        let log = build(&ordered, Some(&catalog), None, 4);
        let bytes = serde_json::to_vec_pretty(&log).unwrap();
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&bytes).unwrap();
        let gz = e.finish().unwrap().len();
        assert!(gz * 2 < bytes.len());
        assert!(fits(&log, bytes.len() * 2).unwrap());
        assert!(fits(&log, gz).unwrap(), "within the limit once compressed");
        assert!(!fits(&log, gz - 1).unwrap());
        let v: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 4);
    }

    #[test]
    fn names_and_severities() {
        assert_eq!(rule_name("github.pat.classic"), "GithubPatClassic");
        assert_eq!(rule_name("private-key.rsa"), "PrivateKeyRsa");
        for (r, lo, hi) in [
            (Risk::Critical, 9.01, 10.0),
            (Risk::High, 7.0, 8.9),
            (Risk::Medium, 4.0, 6.9),
            (Risk::Low, 0.1, 3.9),
        ] {
            let v: f64 = security_severity(r).parse().unwrap();
            assert!(v >= lo && v <= hi, "{r}");
        }
    }
}
