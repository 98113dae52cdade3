//! The assessment of each finding in `fixtures/assessments`, asserted exactly: lifetime, scope,
//! environment, location, risk, and that the evidence names the signal that decided it.
//! "Now" is fixed with CREDGATE_NOW so that encoded expiries are judged the same on every run.

use crate::common::{credgate, git, materialize};
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

const NOW: &str = "2026-11-22T00:00:00Z";

fn scan(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let out = credgate()
        .current_dir(dir)
        .env("CREDGATE_NOW", NOW)
        .args(["scan", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

/// (path:line, detector, lifetime, scope, environment, location, risk, evidence that decided it)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const EXPECTED: &[Row] = &[
    (
        ".aws/cli/cache/current.json:3",
        "aws.temporary-access-key-id",
        "expiring",
        "unknown",
        "unknown",
        "cli-store",
        "medium",
        "state file expiry 2026-11-22 (in 6 hours)",
    ),
    (
        ".aws/cli/cache/current.json:4",
        "aws.secret-access-key",
        "expiring",
        "account",
        "unknown",
        "cli-store",
        "high",
        "state file expiry 2026-11-22 (in 6 hours)",
    ),
    (
        ".aws/cli/cache/expired.json:3",
        "aws.temporary-access-key-id",
        "expired",
        "unknown",
        "unknown",
        "cli-store",
        "info",
        "no refresh token in the file",
    ),
    (
        ".aws/cli/cache/expired.json:4",
        "aws.secret-access-key",
        "expired",
        "account",
        "unknown",
        "cli-store",
        "info",
        "expired 6 years ago",
    ),
    (
        ".claude/.credentials.json:3",
        "anthropic.oauth-access-token",
        "expired",
        "account",
        "unknown",
        "cli-store",
        "info",
        "no refresh token in the file: nothing renews it",
    ),
    (
        ".kube/config:11",
        "kubernetes.client-key",
        "long",
        "org",
        "unknown",
        "cli-store",
        "critical",
        "O=system:masters: cluster-admin",
    ),
    (
        ".kube/config:15",
        "kubernetes.client-key",
        "expired",
        "unknown",
        "unknown",
        "cli-store",
        "info",
        "client certificate notAfter 2020-06-01 (expired",
    ),
    (
        ".kube/config:18",
        "kubernetes.token",
        "no-expiry",
        "unknown",
        "unknown",
        "cli-store",
        "high",
        "JWT has no exp claim",
    ),
    (
        ".mcp.json:6",
        "openai.project-key",
        "no-expiry",
        "project",
        "unknown",
        "agent-config",
        "high",
        "sk-proj- prefix",
    ),
    (
        ".mcp.json:12",
        "slack.webhook",
        "no-expiry",
        "resource",
        "unknown",
        "agent-config",
        "high",
        "agent or MCP configuration",
    ),
    (
        ".railway/config-staging.json:3",
        "railway.cli-legacy-token",
        "no-expiry",
        "account",
        "staging",
        "cli-store",
        "critical",
        "file name config-staging.json",
    ),
    (
        ".railway/config.json:3",
        "railway.cli-access-token",
        "expired",
        "account",
        "unknown",
        "cli-store",
        "info",
        "the same file holds a refresh token",
    ),
    (
        ".railway/config.json:4",
        "railway.cli-refresh-token",
        "refreshable",
        "account",
        "unknown",
        "cli-store",
        "critical",
        "workspace:admin project:admin offline_access",
    ),
    (
        "app/.env.production:1",
        "generic.secret",
        "unknown",
        "unknown",
        "production",
        "outside-repository",
        "medium",
        "variable name PROD_WEBHOOK_SECRET",
    ),
    (
        "app/.env.staging:1",
        "generic.secret",
        "unknown",
        "unknown",
        "staging",
        "outside-repository",
        "medium",
        "file name .env.staging",
    ),
    (
        "app/.env.test:1",
        "postgresql.connection-uri",
        "no-expiry",
        "unknown",
        "test",
        "outside-repository",
        "medium",
        "file name .env.test",
    ),
    (
        "aws/id-only.txt:1",
        "aws.access-key-id",
        "no-expiry",
        "account",
        "unknown",
        "outside-repository",
        "high",
        "not usable alone",
    ),
    (
        "aws/paired.ini:2",
        "aws.access-key-id",
        "no-expiry",
        "account",
        "unknown",
        "outside-repository",
        "critical",
        "paired with aws.secret-access-key",
    ),
    (
        "aws/paired.ini:3",
        "aws.secret-access-key",
        "no-expiry",
        "account",
        "unknown",
        "outside-repository",
        "critical",
        "paired with aws.access-key-id",
    ),
    (
        "aws/prod.ini:2",
        "aws.access-key-id",
        "no-expiry",
        "account",
        "production",
        "outside-repository",
        "critical",
        "section [profile prod]",
    ),
    (
        "aws/prod.ini:3",
        "aws.secret-access-key",
        "no-expiry",
        "account",
        "production",
        "outside-repository",
        "critical",
        "section [profile prod]",
    ),
    (
        "azure/sas.txt:1",
        "azure.sas-token",
        "long",
        "project",
        "unknown",
        "outside-repository",
        "high",
        "account SAS (ss=bfqt, srt=sco)",
    ),
    (
        "azure/sas.txt:2",
        "azure.sas-token",
        "expired",
        "read-only",
        "unknown",
        "outside-repository",
        "info",
        "SAS se= 2001-01-01 (expired",
    ),
    (
        "azure/sas.txt:3",
        "azure.sas-token",
        "long",
        "read-only",
        "unknown",
        "outside-repository",
        "medium",
        "SAS permissions sp=r (read/list only)",
    ),
    (
        "azure/sas.txt:4",
        "azure.sas-token",
        "unknown",
        "read-only",
        "unknown",
        "outside-repository",
        "low",
        "stored access policy",
    ),
    (
        "clusters/dev-kubeconfig.yaml:11",
        "kubernetes.client-key",
        "long",
        "unknown",
        "development",
        "outside-repository",
        "medium",
        "file name dev-kubeconfig.yaml",
    ),
    (
        "config/dev/.env:1",
        "generic.token",
        "unknown",
        "unknown",
        "development",
        "outside-repository",
        "low",
        "path config/dev/",
    ),
    (
        "doppler.env:1",
        "doppler.service-token",
        "no-expiry",
        "read-only",
        "production",
        "outside-repository",
        "medium",
        "config 'prd'",
    ),
    (
        "doppler.env:2",
        "doppler.personal-token",
        "no-expiry",
        "account",
        "unknown",
        "outside-repository",
        "critical",
        "every project and config of the account",
    ),
    (
        "github/tokens.txt:1",
        "github.pat.classic",
        "no-expiry",
        "account",
        "unknown",
        "outside-repository",
        "critical",
        "CRC32 checksum valid",
    ),
    (
        "github/tokens.txt:2",
        "github.app.installation",
        "short-lived",
        "org",
        "unknown",
        "outside-repository",
        "medium",
        "expires after 1 hour",
    ),
    (
        "github/tokens.txt:3",
        "github.app.user-to-server",
        "short-lived",
        "unknown",
        "unknown",
        "outside-repository",
        "low",
        "expires after 8 hours",
    ),
    (
        "github/tokens.txt:4",
        "github.refresh",
        "refreshable",
        "unknown",
        "unknown",
        "outside-repository",
        "high",
        "mints new user tokens",
    ),
    (
        "github/tokens.txt:5",
        "github.pat.fine-grained",
        "long",
        "resource",
        "unknown",
        "outside-repository",
        "medium",
        "fine-grained PAT",
    ),
    (
        "jwt/tokens.txt:1",
        "jwt.token",
        "long",
        "project",
        "unknown",
        "outside-repository",
        "critical",
        "JWT role service_role (Supabase)",
    ),
    (
        "jwt/tokens.txt:2",
        "jwt.token",
        "long",
        "public",
        "unknown",
        "outside-repository",
        "info",
        "JWT role anon",
    ),
    (
        "jwt/tokens.txt:3",
        "jwt.token",
        "expired",
        "unknown",
        "unknown",
        "outside-repository",
        "info",
        "JWT exp 2020-05-01 (expired 6 years ago)",
    ),
    (
        "jwt/tokens.txt:4",
        "jwt.token",
        "no-expiry",
        "unknown",
        "unknown",
        "outside-repository",
        "high",
        "JWT has no exp claim",
    ),
    (
        "jwt/tokens.txt:5",
        "jwt.token",
        "expiring",
        "unknown",
        "unknown",
        "outside-repository",
        "medium",
        "JWT exp 2026-12-20 (in 28 days)",
    ),
    (
        "jwt/tokens.txt:6",
        "jwt.token",
        "long",
        "unknown",
        "unknown",
        "outside-repository",
        "critical",
        "JWT scope: admin:org repo (administrative)",
    ),
    (
        "misc/keys.txt:1",
        "openai.admin-key",
        "no-expiry",
        "org",
        "unknown",
        "outside-repository",
        "critical",
        "organization admin key",
    ),
    (
        "misc/keys.txt:2",
        "supabase.publishable-key",
        "no-expiry",
        "public",
        "unknown",
        "outside-repository",
        "info",
        "public by design",
    ),
    (
        "misc/keys.txt:3",
        "digitalocean.refresh-token",
        "refreshable",
        "unknown",
        "unknown",
        "outside-repository",
        "high",
        "refresh token",
    ),
    (
        "misc/keys.txt:4",
        "azure.entra-client-secret",
        "long",
        "unknown",
        "unknown",
        "outside-repository",
        "high",
        "valid up to 24 months",
    ),
    (
        "other-home/.claude/.credentials.json:3",
        "anthropic.oauth-access-token",
        "expiring",
        "account",
        "unknown",
        "cli-store",
        "high",
        "state file expiry 2026-11-22 (in 5 hours)",
    ),
    (
        "other-home/.claude/.credentials.json:4",
        "anthropic.oauth-refresh-token",
        "refreshable",
        "account",
        "unknown",
        "cli-store",
        "critical",
        "mints new access tokens",
    ),
    (
        "pypi/.pypirc:3",
        "pypi.api-token",
        "no-expiry",
        "account",
        "unknown",
        "cli-store",
        "critical",
        "no project caveat: user-wide",
    ),
    (
        "pypi/.pypirc:7",
        "pypi.api-token",
        "no-expiry",
        "project",
        "unknown",
        "cli-store",
        "high",
        "limited to project(s): fakeproj",
    ),
    (
        "pypi/.pypirc:11",
        "pypi.api-token",
        "expired",
        "account",
        "unknown",
        "cli-store",
        "info",
        "PyPI expiry caveat 2021-01-01",
    ),
    (
        "railway.env:1",
        "railway.api-token",
        "no-expiry",
        "account",
        "unknown",
        "outside-repository",
        "critical",
        "RAILWAY_API_TOKEN: account or workspace token",
    ),
    (
        "railway.env:2",
        "railway.project-token",
        "no-expiry",
        "project",
        "unknown",
        "outside-repository",
        "high",
        "one environment of one project",
    ),
    (
        "ssh/id_plain:2",
        "private-key.openssh",
        "no-expiry",
        "unknown",
        "unknown",
        "outside-repository",
        "high",
        "ciphername none",
    ),
    (
        "ssh/id_protected:2",
        "private-key.openssh",
        "no-expiry",
        "unknown",
        "unknown",
        "outside-repository",
        "medium",
        "encrypted with aes256-ctr",
    ),
    (
        "ssh/service.p8:2",
        "private-key.encrypted",
        "no-expiry",
        "unknown",
        "unknown",
        "outside-repository",
        "medium",
        "needs its passphrase",
    ),
    (
        "stripe/keys.txt:1",
        "stripe.secret-key.live",
        "no-expiry",
        "account",
        "production",
        "outside-repository",
        "critical",
        "environment production: named by the token",
    ),
    (
        "stripe/keys.txt:2",
        "stripe.secret-key.test",
        "no-expiry",
        "account",
        "test",
        "outside-repository",
        "high",
        "environment test: named by the token",
    ),
    (
        "stripe/keys.txt:3",
        "stripe.restricted-key.live",
        "no-expiry",
        "restricted",
        "production",
        "outside-repository",
        "medium",
        "restricted key",
    ),
    (
        "stripe/keys.txt:4",
        "stripe.publishable-key",
        "no-expiry",
        "public",
        "production",
        "outside-repository",
        "info",
        "publishable key",
    ),
];

#[test]
fn every_fixture_finding_has_its_exact_assessment() {
    let ws = materialize("assessments");
    let (_, report) = scan(ws.path(), &[]);
    let findings = report["findings"].as_array().unwrap();
    let got: Vec<String> = findings
        .iter()
        .map(|f| {
            let a = &f["assessment"];
            format!(
                "{}:{} {} {} {} {} {} {}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["detector_id"].as_str().unwrap(),
                a["lifetime"].as_str().unwrap(),
                a["scope"].as_str().unwrap(),
                a["environment"].as_str().unwrap(),
                a["location"].as_str().unwrap(),
                a["risk"].as_str().unwrap()
            )
        })
        .collect();
    let want: Vec<String> = EXPECTED
        .iter()
        .map(|(at, d, l, s, e, loc, r, _)| format!("{at} {d} {l} {s} {e} {loc} {r}"))
        .collect();
    assert_eq!(got, want);
    for (f, (at, _, _, _, _, _, _, signal)) in findings.iter().zip(EXPECTED) {
        let evidence: Vec<&str> = f["assessment"]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert!(
            evidence.iter().any(|e| e.contains(signal)),
            "{at}: evidence {evidence:?} does not mention {signal:?}"
        );
        assert!(!f["assessment"]["why"].as_str().unwrap().is_empty());
    }
    // The bar: at least 40 distinct assessments.
    let distinct: std::collections::HashSet<String> = findings
        .iter()
        .map(|f| {
            let a = &f["assessment"];
            format!(
                "{} {} {} {} {} {} {}",
                f["detector_id"],
                a["lifetime"],
                a["scope"],
                a["privileged"],
                a["environment"],
                a["usable"],
                a["risk"]
            )
        })
        .collect();
    assert!(
        distinct.len() >= 40,
        "{} distinct assessments",
        distinct.len()
    );
}

#[test]
fn expiry_is_reported_as_a_timestamp() {
    let ws = materialize("assessments");
    let (_, report) = scan(ws.path(), &["jwt/tokens.txt"]);
    let f = &report["findings"][0];
    assert_eq!(f["assessment"]["expires_at"], "2034-03-01T00:00:00Z");
    assert_eq!(f["assessment"]["privileged"], true);
}

#[test]
fn production_credential_in_a_staging_workspace_is_critical() {
    let ws = materialize("assessments");
    let (_, report) = scan(
        ws.path(),
        &[
            "--workspace-env",
            "staging",
            "stripe/keys.txt",
            "doppler.env",
        ],
    );
    let risks: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["detector_id"].as_str().unwrap().to_string(),
                f["assessment"]["risk"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        risks,
        [
            ("doppler.service-token", "critical"),
            ("doppler.personal-token", "critical"),
            ("stripe.secret-key.live", "critical"),
            ("stripe.secret-key.test", "high"),
            ("stripe.restricted-key.live", "critical"),
            ("stripe.publishable-key", "info"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    let why = report["findings"][4]["assessment"]["why"].as_str().unwrap();
    assert!(
        why.ends_with("production credential in a staging workspace"),
        "{why}"
    );
}

#[test]
fn fail_on_and_min_risk() {
    let ws = materialize("assessments");
    // misc/keys.txt holds critical, info, high and high findings.
    let (code, report) = scan(ws.path(), &["misc/keys.txt"]);
    assert_eq!(code, 1, "default --fail-on high");
    assert_eq!(report["findings"].as_array().unwrap().len(), 4);
    let (code, report) = scan(ws.path(), &["--min-risk", "high", "misc/keys.txt"]);
    assert_eq!(code, 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 3);
    assert_eq!(report["summary"]["not_shown"], 1);
    assert_eq!(report["summary"]["by_risk"]["info"], 1);
    // Only info and low findings: below the default gate, exit 0, still reported.
    let (code, report) = scan(ws.path(), &["azure/sas.txt", "--exclude", "misc"]);
    assert_eq!(code, 1, "sas.txt has a high finding");
    assert_eq!(report["summary"]["by_risk"]["high"], 1);
    let (code, report) = scan(ws.path(), &["--fail-on", "critical", "azure/sas.txt"]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), 4);
    let (code, _) = scan(ws.path(), &["--fail-on", "info", "azure/sas.txt"]);
    assert_eq!(code, 1);
}

#[test]
fn text_report_groups_by_risk_worst_first() {
    let ws = materialize("assessments");
    let out = credgate()
        .current_dir(ws.path())
        .env("CREDGATE_NOW", NOW)
        .args(["scan", "--color", "never", "misc/keys.txt", "azure/sas.txt"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && l.contains(" ("))
        .filter(|l| {
            ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
                .iter()
                .any(|h| l.starts_with(h))
        })
        .collect();
    assert_eq!(
        headers,
        [
            "CRITICAL (1)",
            "HIGH (3)",
            "MEDIUM (1)",
            "LOW (1)",
            "INFO (2)"
        ]
    );
    assert!(
        text.contains("  risk     critical: no-expiry lifetime, org (privileged) scope\n"),
        "{text}"
    );
}

#[test]
fn tracked_files_raise_medium_to_high_and_gitignored_is_not_tracked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let tok = credgate::testing::expand_generators("{{crc32 ghs_ FAKEq7w2e9r4t1y6u3i8o5p0a2s4d6}}");
    std::fs::write(d.join("committed.txt"), format!("t = {tok}\n")).unwrap();
    std::fs::write(d.join("forced.env"), format!("t = {tok}\n")).unwrap();
    std::fs::write(d.join("notes.txt"), format!("t = {tok}\n")).unwrap();
    std::fs::write(d.join("ignored.env"), format!("t = {tok}\n")).unwrap();
    std::fs::write(d.join(".gitignore"), "*.env\n").unwrap();
    git(d, &["add", "committed.txt", ".gitignore"]);
    git(d, &["add", "-f", "forced.env"]);
    let (_, report) = scan(d, &[]);
    let got: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} gitignored={}",
                f["path"].as_str().unwrap(),
                f["assessment"]["location"].as_str().unwrap(),
                f["assessment"]["risk"].as_str().unwrap(),
                f["gitignored"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "committed.txt tracked high gitignored=false",
            "forced.env tracked high gitignored=false",
            "ignored.env gitignored medium gitignored=true",
            "notes.txt untracked medium gitignored=false",
        ]
    );
}

#[test]
fn bad_now_is_an_error() {
    credgate()
        .env("CREDGATE_NOW", "yesterday")
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("CREDGATE_NOW"));
}

/// What a published package ships (its test keys, its documentation's examples) is public and
/// not the workspace's: confidence low, with the package named; the same line in the
/// workspace's own code is reported as before.
#[test]
fn published_packages_are_reported_at_low_confidence_only() {
    let dir = tempfile::tempdir().unwrap();
    let line = "const db_password = \"q7Vd2LxP9tRw4Kz8\";\n";
    for (path, content) in [
        ("src/config.js", line),
        ("node_modules/fake-sdk/test/fixture.js", line),
        ("node_modules/@acme/client/README.md", line),
        ("third_party/pem/.cargo-checksum.json", "{}"),
        ("third_party/pem/src/lib.rs", line),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    let rows = |extra: &[&str]| -> Vec<String> {
        let (_, report) = scan(dir.path(), extra);
        let mut rows: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let package = f["assessment"]["evidence"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|e| e.as_str())
                    .find(|e| e.starts_with("in the published "))
                    .unwrap_or("-");
                format!(
                    "{} {} {package}",
                    f["path"].as_str().unwrap(),
                    f["confidence"]
                )
            })
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(rows(&[]), [r#"src/config.js "high" -"#]);
    // What the package rule held back is counted, so that the report says where to look.
    let (_, report) = scan(dir.path(), &[]);
    assert_eq!(report["summary"]["in_published_packages"], 3);
    let (_, report) = scan(dir.path(), &["--confidence", "low"]);
    assert!(report["summary"].get("in_published_packages").is_none());
    let text = credgate()
        .current_dir(dir.path())
        .args(["scan", "--format", "text"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("; 3 in published packages held back (--confidence low lists them)"),
        "{text}"
    );
    let out = tempfile::tempdir().unwrap();
    // The workspace's scan written in `format` to `name` in `out`.
    let report_file = |format: &str, name: &str| {
        let path = out.path().join(name);
        credgate()
            .current_dir(dir.path())
            .args(["scan", "--format", format, "-o"])
            .arg(&path)
            .output()
            .unwrap();
        path
    };
    let html = std::fs::read_to_string(report_file("html", "report.html")).unwrap();
    assert!(
        html.contains("3 in published packages held back (--confidence low lists them)"),
        "the HTML summary counts them too"
    );
    // `report merge` adds the counts of its reports up.
    let json = report_file("json", "a.json");
    let merge = |format: &str| {
        let out = credgate()
            .args(["report", "merge", "-f", format])
            .arg(format!("a={}", json.display()))
            .arg(format!("b={}", json.display()))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let merged: Value = serde_json::from_str(&merge("json")).unwrap();
    assert_eq!(merged["summary"]["in_published_packages"], 6);
    assert!(
        merge("text").contains("6 in published packages held back (--confidence low lists them)")
    );
    let tail = ": public since its release and not this workspace's credential (confidence low \
                here, high elsewhere)";
    assert_eq!(
        rows(&["--confidence", "low"]),
        [
            format!(
                r#"node_modules/@acme/client/README.md "low" in the published npm package @acme/client{tail}"#
            ),
            format!(
                r#"node_modules/fake-sdk/test/fixture.js "low" in the published npm package fake-sdk{tail}"#
            ),
            r#"src/config.js "high" -"#.to_string(),
            format!(
                r#"third_party/pem/src/lib.rs "low" in the published crates.io package pem{tail}"#
            ),
        ]
    );
}
