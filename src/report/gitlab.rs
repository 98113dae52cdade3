//! GitLab's secret detection report (`--format gitlab`), the JSON that a GitLab CI job declares
//! as `artifacts:reports:secret_detection` so that findings show in merge requests and the
//! vulnerability report. Layout: GitLab security report schema 15.x (secret detection).
//! Like SARIF, it never holds the raw secret: GitLab stores it.

use super::ReportOptions;
use crate::finding::Finding;
use crate::model::Risk;
use crate::result::ScanResult;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The schema version written.
pub const SCHEMA_VERSION: &str = "15.0.7";

fn severity(r: Risk) -> &'static str {
    match r {
        Risk::Critical => "Critical",
        Risk::High => "High",
        Risk::Medium => "Medium",
        Risk::Low => "Low",
        Risk::Info => "Info",
    }
}

/// A UUID-shaped id from the fingerprint and the location, stable across runs.
fn vulnerability_id(f: &Finding) -> String {
    let h = crate::finding::fingerprint(
        &f.fingerprint,
        format!("{}/{}", f.origin.legacy_root(), f.origin.path_display()).as_bytes(),
    );
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn vulnerability(f: &Finding, opts: &ReportOptions, commit: &str) -> Value {
    let a = &f.assessment;
    let file = f.origin.to_string();
    let d = opts.catalog.and_then(|c| c.get(&f.detector_id));
    let solution = d.map_or_else(
        || "Revoke or rotate the credential, then remove it from the repository.".to_string(),
        |d| match &d.revoke_url {
            Some(u) => format!("{} Revoke it at {u}", d.remediation),
            None => d.remediation.clone(),
        },
    );
    let links: Vec<Value> = d
        .map(|d| {
            d.revoke_url
                .iter()
                .chain(&d.references)
                .map(|u| json!({ "url": u }))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": vulnerability_id(f),
        "name": f.detector_name,
        "description": format!("{} ({} risk: {}). {}", f.detector_name, a.risk, a.why, a.evidence.join(" ")),
        "severity": severity(a.risk),
        "solution": solution,
        "raw_source_code_extract": f.redacted,
        "identifiers": [{
            "type": "credgate_detector",
            "name": format!("credgate {}", f.detector_id),
            "value": f.detector_id,
        }],
        "links": links,
        "location": {
            "file": file,
            "start_line": f.line,
            "end_line": f.end_line,
            "commit": { "sha": commit },
        },
        "details": {
            "assessment": {
                "name": "Assessment",
                "type": "text",
                "value": format!(
                    "lifetime {}, scope {}{}, environment {}, location {}; fingerprint {}",
                    a.lifetime,
                    a.scope,
                    if a.privileged { " (privileged)" } else { "" },
                    a.environment,
                    a.location,
                    f.fingerprint
                ),
            },
        },
    })
}

/// GitLab's timestamps: `YYYY-MM-DDTHH:MM:SS`, UTC, no zone.
fn gitlab_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

pub fn write(result: &ScanResult, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    // Findings in a working-tree scan belong to no commit; GitLab's own analyzer writes zeros.
    let commit = std::env::var("CI_COMMIT_SHA").unwrap_or_else(|_| "0000000".to_string());
    let end = jiff::Timestamp::now();
    let start = end
        .checked_sub(jiff::SignedDuration::from_millis(
            result.summary.elapsed_ms as i64,
        ))
        .unwrap_or(end);
    let tool = json!({
        "id": "credgate",
        "name": "credgate",
        "version": env!("CARGO_PKG_VERSION"),
        "vendor": { "name": "credgate" },
    });
    let doc = json!({
        "version": SCHEMA_VERSION,
        "vulnerabilities": result.findings.iter().map(|f| vulnerability(f, opts, &commit)).collect::<Vec<_>>(),
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "secret_detection",
            "start_time": gitlab_time(start),
            "end_time": gitlab_time(end),
            "status": "success",
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
