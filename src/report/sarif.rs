//! SARIF 2.1.0 for GitHub code scanning (`--format sarif`), built with `serde-sarif`.
//!
//! What GitHub needs and peers get wrong: every rule has a full description and help text; rules
//! carry `security-severity` so severity gates work; results carry `primaryLocationLineHash`
//! (computed as GitHub's upload action does) and a credgate fingerprint that survives line
//! moves; locations are relative to `%SRCROOT%`; the secret itself never appears, only its
//! redacted form. Allowed findings are present with `suppressions`, so audits see them. GitHub's
//! limits are respected by dropping the least risky results, with a notification saying so.

use super::ReportOptions;
use crate::assessment::Risk;
use crate::detectors::{Catalog, Confidence, Detector};
use crate::finding::{Finding, SuppressionKind};
use crate::scan::ScanResult;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode, utf8_percent_encode};
use serde_json::{Value, json};
use serde_sarif::sarif;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::path::{Component, Path};

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

/// `(uri, uriBaseId)`: relative to `%SRCROOT%` (the working directory) when the file is below
/// it, an absolute `file://` URI otherwise.
pub fn artifact_uri(root: &str, path: &str, home: Option<&Path>) -> (String, Option<String>) {
    if root == "~" {
        // A home credential store: an absolute URI under the home directory that was scanned.
        let home = home.map_or_else(
            || std::env::home_dir().unwrap_or_else(|| "/".into()),
            Path::to_path_buf,
        );
        return (
            file_uri(&home.join(crate::scan::path_from_display(path)), false),
            None,
        );
    }
    if root == "env" {
        // An environment variable has no file; name it so the location is still readable.
        let name = path.trim_start_matches('$');
        return (format!("env:{}", utf8_percent_encode(name, URI_KEEP)), None);
    }
    // Report paths escape bytes that are not UTF-8; URIs carry the original bytes.
    let path = crate::scan::path_from_display(path);
    let full = if root == "." {
        path
    } else {
        crate::scan::path_from_display(root).join(path)
    };
    let below = full.is_relative()
        && full
            .components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
    if below {
        let rel: Vec<&[u8]> = full
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.as_encoded_bytes()),
                _ => None,
            })
            .collect();
        (
            percent_encode(&rel.join(&b'/'), URI_KEEP).to_string(),
            Some("%SRCROOT%".to_string()),
        )
    } else {
        let abs = std::path::absolute(&full).unwrap_or(full);
        (file_uri(&abs, false), None)
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
    let help_text = format!(
        "{what}\n\nWhy it matters: an agent or person who can read this credential can use it. {why}\n\nWhat to do: {}\n{}",
        d.remediation,
        if d.references.is_empty() {
            String::new()
        } else {
            format!("\nReferences: {}\n", d.references.join(" "))
        }
    );
    let help_markdown = format!(
        "**{}** ({})\n\n**Why it matters.** An agent or person who can read this credential can use it. {why}\n\n**What to do.** {}\n{}",
        d.name,
        d.provider_name,
        d.remediation,
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
        help_uri: d.references.first().cloned(),
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

fn sarif_result(f: &Finding, rule_index: usize, home: Option<&Path>) -> sarif::Result {
    let a = &f.assessment;
    let (uri, uri_base) = artifact_uri(&f.root, &f.path, home);
    let shown = if f.root == "." {
        f.path.clone()
    } else {
        format!("{}/{}", f.root.trim_end_matches('/'), f.path)
    };
    let msg = format!(
        "{} in {}:{}: {} risk ({}). Revoke or rotate it; the rule help says how.",
        f.detector_name, shown, f.line, a.risk, a.why
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
            ],
        )),
        ..base
    }
}

fn notification(level: &str, msg: String, path: &str) -> sarif::Notification {
    let (uri, base) = artifact_uri(".", path, None);
    let n = sarif::Notification::builder()
        .message(message(msg.clone()))
        .build();
    sarif::Notification {
        level: Some(json!(level)),
        message: message(msg),
        locations: (!path.is_empty()).then(|| {
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
fn build(
    result: &ScanResult,
    catalog: Option<&Catalog>,
    category: Option<&str>,
    keep: usize,
    home: Option<&Path>,
) -> sarif::Sarif {
    let mut all: Vec<&Finding> = result.findings.iter().chain(&result.suppressed).collect();
    // Riskiest first; active before suppressed; then a stable order.
    all.sort_by(|a, b| {
        (
            b.assessment.risk,
            a.suppression.is_some(),
            &a.root,
            &a.path,
            a.start,
            &a.detector_id,
        )
            .cmp(&(
                a.assessment.risk,
                b.suppression.is_some(),
                &b.root,
                &b.path,
                b.start,
                &b.detector_id,
            ))
    });
    let dropped = all.len().saturating_sub(keep);
    all.truncate(keep);

    // One rule per detector with results, at the highest risk among them.
    let mut rule_risk: BTreeMap<&str, Risk> = BTreeMap::new();
    for f in &all {
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
    let results: Vec<sarif::Result> = all
        .iter()
        .map(|f| sarif_result(f, index[f.detector_id.as_str()], home))
        .collect();

    let mut notes = Vec::new();
    for w in &result.warnings {
        notes.push(notification(
            "warning",
            format!("{}: {}", w.path, w.message),
            &w.path,
        ));
    }
    for s in &result.skipped {
        notes.push(notification(
            "note",
            format!("{} skipped: {}", s.path, s.reason),
            &s.path,
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
            "",
        ));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| Path::new("/").to_path_buf());
    let mut base_ids = BTreeMap::new();
    base_ids.insert(
        "%SRCROOT%".to_string(),
        sarif::ArtifactLocation {
            uri: Some(file_uri(&cwd, true)),
            ..Default::default()
        },
    );
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
    run.results = Some(results);
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
    log
}

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("writing to memory");
    e.finish().expect("writing to memory").len()
}

/// Writes the SARIF log. Over GitHub's limits, the least risky results are left out (a tenth at
/// a time for the size limit) and a notification says how many.
pub fn write(result: &ScanResult, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let total = result.findings.len() + result.suppressed.len();
    let mut keep = total.min(MAX_RESULTS);
    loop {
        let log = build(
            result,
            opts.catalog,
            opts.sarif_category.as_deref(),
            keep,
            opts.home.as_deref(),
        );
        let bytes = serde_json::to_vec_pretty(&log)?;
        if keep == 0 || gzipped_len(&bytes) <= MAX_GZIP_BYTES {
            out.write_all(&bytes)?;
            return writeln!(out);
        }
        keep -= (keep / 10).max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(
            artifact_uri(".", "a b/c#d.env", None),
            ("a%20b/c%23d.env".into(), Some("%SRCROOT%".into()))
        );
        assert_eq!(
            artifact_uri("sub/dir", ".env", None),
            ("sub/dir/.env".into(), Some("%SRCROOT%".into()))
        );
        let (u, b) = artifact_uri("/tmp/x y", "f", None);
        assert_eq!((u.as_str(), b), ("file:///tmp/x%20y/f", None));
        assert!(artifact_uri("..", "f", None).0.starts_with("file:///"));
        // Home stores are reported under ~ but located under the home that was scanned.
        assert_eq!(
            artifact_uri("~", ".aws/credentials", Some(Path::new("/h/me"))),
            ("file:///h/me/.aws/credentials".into(), None)
        );
        assert_eq!(
            artifact_uri("env", "$GITHUB_TOKEN", None).0,
            "env:GITHUB_TOKEN"
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
        let opts = crate::scan::ScanOptions {
            walk: crate::walk::WalkOptions {
                roots: vec![d.path().to_path_buf()],
                respect_gitignore: false,
                excludes: vec![],
                follow_links: false,
                threads: 1,
            },
            max_file_size: 1 << 20,
            limits: Default::default(),
            stats: false,
            workspace_env: None,
            now: jiff::Timestamp::now(),
            inline_allow: true,
            allow: Default::default(),
            home: None,
        };
        crate::scan::run(&engine, &opts, &Default::default()).unwrap()
    }

    #[test]
    fn over_the_limit_the_least_risky_results_go_and_a_notification_says_so() {
        let r = scan_result();
        let risks: Vec<Risk> = r.findings.iter().map(|f| f.assessment.risk).collect();
        assert_eq!(risks, [Risk::Critical, Risk::Medium, Risk::Low, Risk::Info]);
        let catalog = Catalog::builtin().unwrap();
        let log = build(&r, Some(&catalog), None, 2, None);
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
