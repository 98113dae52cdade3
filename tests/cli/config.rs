//! Bad configuration: each mistake is one line on stderr that names the file and the problem,
//! exit code 2, and nothing half-done (the report file asked for with `-o` is not created).

use crate::common::credgate;
use std::fs;
use std::path::Path;

const DETECTOR: &str = r#"provider = "acme"
provider_name = "Acme"

[[detector]]
id = "ID"
name = "Acme key"
keywords = ["acme_"]
pattern = '''PATTERN'''
confidence = "high"
lifetime = "unknown"
scope = "unknown"
evidence = "e"
remediation = "r"
positive = ["«acme_0123»", "«acme_4567»"]
negative = ["x", "y"]
"#;

fn detector(id: &str, pattern: &str) -> String {
    DETECTOR.replace("ID", id).replace("PATTERN", pattern)
}

/// Runs a scan in `dir` with `args`, asking for a report file; checks the failure contract and
/// returns stderr.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = credgate()
        .current_dir(dir)
        .args(["scan", ".", "--format", "json", "-o", "report.json"])
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(err.lines().count(), 1, "not one line: {err:?}");
    assert!(err.starts_with("credgate: error: "), "{err}");
    assert!(!dir.join("report.json").exists(), "a report was written");
    err
}

fn workspace() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("app.py"), "print('hello')\n").unwrap();
    d
}

#[test]
fn malformed_config() {
    let d = workspace();
    fs::write(d.path().join(".credgate.toml"), "[[allow]]\nreason = \n").unwrap();
    let err = fails(d.path(), &[]);
    assert!(err.contains(".credgate.toml:2:"), "{err}");
}

#[test]
fn config_with_an_unknown_key() {
    let d = workspace();
    fs::write(d.path().join(".credgate.toml"), "fail_onn = \"high\"\n").unwrap();
    let err = fails(d.path(), &[]);
    assert!(
        err.contains(".credgate.toml") && err.contains("fail_onn"),
        "{err}"
    );
}

#[test]
fn detector_file_with_a_bad_regex() {
    let d = workspace();
    fs::write(
        d.path().join("rules.toml"),
        detector("acme.key", "(?P<secret>acme_("),
    )
    .unwrap();
    let err = fails(d.path(), &["--detectors", "rules.toml"]);
    assert!(
        err.contains("rules.toml") && err.contains("acme.key") && err.contains("invalid regex"),
        "{err}"
    );
}

#[test]
fn detector_file_with_a_huge_regex() {
    let d = workspace();
    fs::write(
        d.path().join("rules.toml"),
        detector("acme.key", r"(?P<secret>\w{1000}{1000})"),
    )
    .unwrap();
    let err = fails(d.path(), &["--detectors", "rules.toml"]);
    assert!(
        err.contains("rules.toml") && err.contains("exceeded limit of 4194304"),
        "{err}"
    );
}

#[test]
fn detector_file_with_a_duplicate_id() {
    let d = workspace();
    fs::write(
        d.path().join("rules.toml"),
        detector("github.pat.classic", "(?P<secret>acme_[0-9]{4})"),
    )
    .unwrap();
    let err = fails(d.path(), &["--detectors", "rules.toml"]);
    assert!(
        err.contains("rules.toml") && err.contains("duplicate detector id"),
        "{err}"
    );
}

#[test]
fn detector_file_without_a_secret_group() {
    let d = workspace();
    fs::write(
        d.path().join("rules.toml"),
        detector("acme.key", "acme_[0-9]{4}"),
    )
    .unwrap();
    let err = fails(d.path(), &["--detectors", "rules.toml"]);
    assert!(
        err.contains("rules.toml") && err.contains("secret"),
        "{err}"
    );
}

#[test]
fn detector_file_that_is_not_toml() {
    let d = workspace();
    fs::write(d.path().join("rules.toml"), "{\"detectors\": []}\n").unwrap();
    let err = fails(d.path(), &["--detectors", "rules.toml"]);
    assert!(err.contains("rules.toml"), "{err}");
}

#[test]
fn baseline_that_is_json() {
    let d = workspace();
    fs::write(d.path().join("baseline.json"), "{\"results\": []}\n").unwrap();
    let err = fails(d.path(), &["--baseline", "baseline.json"]);
    assert!(
        err.contains("baseline.json:1:") && err.contains("not a baseline line"),
        "{err}"
    );
}

#[test]
fn missing_baseline() {
    let d = workspace();
    let err = fails(d.path(), &["--baseline", "nope.txt"]);
    assert!(err.contains("nope.txt"), "{err}");
}
