//! SARIF output, baselines, inline allows and `.credgate.toml`, through the real binary.

use crate::common::{credgate, finding_lines, git, materialize, scan_json};
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;

fn sarif(dir: &Path, extra: &[&str]) -> Value {
    let out = credgate()
        .current_dir(dir)
        .args(["scan", "--format", "sarif"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.code().unwrap() <= 1,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
        )
        .unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(log: &Value) {
    let v = schema();
    let errors: Vec<String> = v
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

/// Keeps a SARIF log where `.ci/run` checks it again with Microsoft's SARIF Multitool and
/// GitHub's ingestion rules (`../shared/sarif/validate-sarif.sh --strict`).
fn keep_for_ci(name: &str, log: &Value) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join(format!("{name}.sarif")),
        serde_json::to_vec_pretty(log).unwrap(),
    )
    .unwrap();
}

#[test]
fn fixture_sarif_validates_and_has_what_github_needs() {
    let ws = materialize("agent-workspace");
    let log = sarif(ws.path(), &["--sarif-category", "secrets"]);
    assert_valid(&log);
    keep_for_ci("agent-workspace", &log);
    let assessments = materialize("assessments");
    let log2 = sarif(assessments.path(), &[]);
    assert_valid(&log2);
    keep_for_ci("assessments", &log2);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "credgate");
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    assert_eq!(run["automationDetails"]["id"], "secrets/");
    let rules = driver["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 13);
    // One rule per detector with results, each complete.
    let mut ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(rules.len(), ids.len());
    for r in rules {
        for key in ["shortDescription", "fullDescription"] {
            assert!(!r[key]["text"].as_str().unwrap().is_empty(), "{key}");
        }
        assert!(r["help"]["text"].as_str().unwrap().contains("What to do"));
        assert!(
            r["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("**What to do.**")
        );
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(tags.contains(&"security") && tags.contains(&"secret"));
        let sev: f64 = r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(sev > 0.0 && sev <= 10.0);
        assert!(r["properties"]["precision"].is_string());
    }
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(loc["region"][k].as_u64().unwrap() >= 1, "{k}");
        }
        let fp = &r["partialFingerprints"];
        assert!(
            fp["primaryLocationLineHash"]
                .as_str()
                .unwrap()
                .contains(':')
        );
        assert_eq!(fp["credgateFingerprint/v1"].as_str().unwrap().len(), 32);
        assert!(r["properties"]["assessment"]["risk"].is_string());
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
    // Critical findings gate GitHub's severity checks.
    let aws = rules
        .iter()
        .find(|r| r["id"] == "aws.access-key-id")
        .unwrap();
    assert_eq!(aws["properties"]["security-severity"], "9.5");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn skipped_and_unreadable_files_are_notifications() {
    let ws = materialize("agent-workspace");
    let log = sarif(ws.path(), &["--max-file-size", "1K"]);
    assert_valid(&log);
    let notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| {
        n["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("assets/blob.bin skipped: larger than")
    }));
}

#[test]
fn sarif_never_holds_a_raw_secret_even_with_show_secrets() {
    let ws = materialize("agent-workspace");
    let (_, shown) = scan_json(ws.path(), &["--show-secrets"]);
    let secrets: Vec<String> = shown["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["secret"].as_str().unwrap().to_string())
        .collect();
    for extra in [&[][..], &["--show-secrets"][..]] {
        let text = serde_json::to_string(&sarif(ws.path(), extra)).unwrap();
        for s in &secrets {
            assert!(!text.contains(s.as_str()));
        }
    }
}

/// A file with one GitHub token, `pad` blank lines before it, and `comment` after it.
fn token_file(dir: &Path, name: &str, body: &str, pad: usize, comment: &str) {
    let tok = credgate::testing::expand_generators(&format!("{{{{crc32 ghp_ {body}}}}}"));
    fs::write(
        dir.join(name),
        format!("{}token = \"{tok}\" {comment}\n", "\n".repeat(pad)),
    )
    .unwrap();
}

#[test]
fn inline_allows() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    token_file(
        p,
        "a.py",
        "FAKEinlineAllowTokenBody000001",
        0,
        "# credgate:allow test fixture, revoked",
    );
    token_file(
        p,
        "b.py",
        "FAKEinlineAllowTokenBody000002",
        0,
        "# credgate:allow=github.pat.classic",
    );
    token_file(
        p,
        "c.py",
        "FAKEinlineAllowTokenBody000003",
        0,
        "# credgate:allow=aws.access-key-id",
    );
    token_file(p, "d.py", "FAKEinlineAllowTokenBody000004", 0, "");
    let (code, report) = scan_json(p, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        finding_lines(&report),
        [
            "c.py:1:10 github.pat.classic",
            "d.py:1:10 github.pat.classic"
        ]
    );
    assert_eq!(report["summary"]["suppressed"], 2);
    let sup = report["suppressed"].as_array().unwrap();
    assert_eq!(sup[0]["path"], "a.py");
    assert_eq!(sup[0]["suppression"]["kind"], "in-source");
    assert_eq!(
        sup[0]["suppression"]["justification"],
        "credgate:allow comment: test fixture, revoked"
    );
    // In SARIF they are results with an inSource suppression.
    let log = sarif(p, &[]);
    assert_valid(&log);
    keep_for_ci("inline-allows", &log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 2);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "inSource");
    // Audits ignore the comments.
    let (_, report) = scan_json(p, &["--no-inline-allow"]);
    assert_eq!(report["findings"].as_array().unwrap().len(), 4);
    assert_eq!(report["summary"]["suppressed"], 0);
}

#[test]
fn moving_a_finding_keeps_its_fingerprint_and_its_baseline_suppression() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    token_file(p, "app.py", "FAKEbaselineMovesTokenBody0001", 0, "");
    let (_, before) = scan_json(p, &[]);
    let fp = before["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    credgate()
        .current_dir(p)
        .args(["baseline", "create", ".credgate-baseline"])
        .assert()
        .code(0);
    let baseline = fs::read_to_string(p.join(".credgate-baseline")).unwrap();
    assert!(baseline.contains(&format!("{fp} github.pat.classic\n")));
    assert!(
        !baseline.contains("app.py") && !baseline.contains("ghp_"),
        "{baseline}"
    );
    assert_eq!(
        fs::read_to_string(p.join(".gitattributes")).unwrap(),
        ".credgate-baseline merge=union\n"
    );

    token_file(p, "app.py", "FAKEbaselineMovesTokenBody0001", 10, "");
    let (code, after) = scan_json(p, &["--baseline", ".credgate-baseline"]);
    assert_eq!(code, 0);
    assert!(after["findings"].as_array().unwrap().is_empty());
    let moved = &after["suppressed"][0];
    assert_eq!(moved["line"], 11);
    assert_eq!(moved["fingerprint"], fp.as_str());
    assert_eq!(
        moved["suppression"]["justification"],
        "in baseline .credgate-baseline"
    );
    // SARIF keeps the credgate fingerprint while GitHub's line hash is about the line.
    let log = sarif(p, &["--baseline", ".credgate-baseline"]);
    let r = &log["runs"][0]["results"][0];
    assert_eq!(
        r["partialFingerprints"]["credgateFingerprint/v1"],
        fp.as_str()
    );
    assert_eq!(r["suppressions"][0]["kind"], "external");

    // A new finding is still reported.
    token_file(p, "new.py", "FAKEbaselineMovesTokenBody0002", 0, "");
    let (code, after) = scan_json(p, &["--baseline", ".credgate-baseline"]);
    assert_eq!(code, 1);
    assert_eq!(finding_lines(&after), ["new.py:1:10 github.pat.classic"]);
}

#[test]
fn broken_baseline_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("b"), "{\"findings\": []}\n").unwrap();
    let o = credgate()
        .current_dir(d.path())
        .args(["scan", "--baseline", "b"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(
        err,
        "credgate: error: b:1: not a baseline line (expected a 32-hex-digit fingerprint)\n"
    );
}

#[test]
fn baselines_from_two_branches_merge_without_conflict() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q"]);
    // Several findings, so that the branches' new lines land among existing ones.
    for i in 0..5 {
        token_file(
            p,
            &format!("old{i}.py"),
            &format!("FAKEmergeBaseTokenBodyQx{i}Zp7Rk"),
            0,
            "",
        );
    }
    credgate()
        .current_dir(p)
        .args(["baseline", "create", ".credgate-baseline"])
        .assert()
        .code(0);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "base"]);
    for (branch, body) in [
        ("a", "FAKEmergeBranchTokenBodyAAAAA1"),
        ("b", "FAKEmergeBranchTokenBodyBBBBB2"),
    ] {
        git(p, &["checkout", "-qb", branch, "main"]);
        token_file(p, &format!("{branch}.py"), body, 0, "");
        credgate()
            .current_dir(p)
            .args(["baseline", "create", ".credgate-baseline"])
            .assert()
            .code(0);
        git(p, &["add", "-A"]);
        git(p, &["commit", "-qm", branch]);
    }
    git(p, &["checkout", "-q", "a"]);
    let merge = Command::new("git")
        .current_dir(p)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "merge",
            "-q",
            "--no-edit",
            "b",
        ])
        .output()
        .unwrap();
    assert!(
        merge.status.success(),
        "merge conflicted: {}",
        String::from_utf8_lossy(&merge.stdout)
    );
    let (code, report) = scan_json(p, &["--baseline", ".credgate-baseline"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["suppressed"], 7);
}

#[test]
fn config_file_settings_and_allow_rules() {
    let ws = materialize("agent-workspace");
    let p = ws.path();
    fs::write(
        p.join(".credgate.toml"),
        "[scan]\nexclude = [\"assets/**\"]\nfail_on = \"critical\"\n\n[[allow]]\nreason = \"read-only replica, rotated weekly\"\npath = \"secrets/**\"\ndetector = \"postgresql.connection-uri\"\n",
    )
    .unwrap();
    let (code, report) = scan_json(p, &[]);
    assert_eq!(code, 1);
    let lines = finding_lines(&report);
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("assets/") || l.starts_with("secrets/")),
        "{lines:?}"
    );
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(
        report["suppressed"][0]["suppression"]["justification"],
        "allowed by ./.credgate.toml:5: read-only replica, rotated weekly"
    );
    // The flag wins over the file.
    let (code, _) = scan_json(p, &["--fail-on", "info", "--exclude", "**/*"]);
    assert_eq!(code, 0, "everything excluded");
    credgate()
        .current_dir(p)
        .args(["config", "check"])
        .assert()
        .code(0)
        .stdout(".credgate.toml: ok: 1 exclude glob, 0 detector paths, 1 allow rule, fail_on critical\n");
}

#[test]
fn bad_config_is_a_one_line_error_with_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    fs::write(
        d.path().join(".credgate.toml"),
        "[scan]\nfail_on = \"high\"\nexclud = [\"x\"]\n",
    )
    .unwrap();
    for args in [&["scan", "."][..], &["config", "check"][..]] {
        let o = credgate()
            .current_dir(d.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty());
        let err = String::from_utf8(o.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(".credgate.toml:3: unknown field `exclud`"),
            "{err}"
        );
    }
}

#[test]
fn gitlab_secret_detection_report() {
    let ws = materialize("agent-workspace");
    let out = credgate()
        .current_dir(ws.path())
        .env("CI_COMMIT_SHA", "0123456789abcdef0123456789abcdef01234567")
        .args(["scan", "--format", "gitlab"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "15.0.7");
    assert_eq!(v["scan"]["type"], "secret_detection");
    assert_eq!(v["scan"]["status"], "success");
    let time = v["scan"]["start_time"].as_str().unwrap();
    assert_eq!(time.len(), "2026-01-01T00:00:00".len(), "{time}");
    let vulns = v["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulns.len(), 13);
    let mut ids = std::collections::HashSet::new();
    for x in vulns {
        assert!(
            ids.insert(x["id"].as_str().unwrap().to_string()),
            "ids are unique"
        );
        assert!(
            ["Critical", "High", "Medium", "Low", "Info"]
                .contains(&x["severity"].as_str().unwrap())
        );
        assert!(!x["identifiers"].as_array().unwrap().is_empty());
        assert_eq!(
            x["location"]["commit"]["sha"],
            "0123456789abcdef0123456789abcdef01234567"
        );
        assert!(x["location"]["start_line"].as_u64().unwrap() >= 1);
    }
    let (_, shown) = scan_json(ws.path(), &["--show-secrets"]);
    for f in shown["findings"].as_array().unwrap() {
        assert!(!text.contains(f["secret"].as_str().unwrap()));
    }
}
