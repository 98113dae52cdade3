//! `credgate report merge` over real scans of fixtures: counts add up, every finding keeps its
//! repository, duplicates count once, the JSON merges again to the same thing, no raw secret is
//! carried over, and bad inputs are one-line errors that write nothing.

use crate::common::{credgate, fixture};
use serde_json::Value;
use std::fs;
use std::path::Path;

/// Scans a fixture into `dir/NAME.json` (with `extra` flags) and returns the report.
fn scan(dir: &Path, fixture_name: &str, name: &str, extra: &[&str]) -> Value {
    let out = dir.join(format!("{name}.json"));
    let code = credgate()
        .args(["scan", "--format", "json", "--output"])
        .arg(&out)
        .arg(fixture(fixture_name))
        .args(extra)
        .output()
        .unwrap()
        .status
        .code()
        .unwrap();
    assert!(code == 0 || code == 1, "scan {fixture_name}: exit {code}");
    serde_json::from_slice(&fs::read(&out).unwrap()).unwrap()
}

fn merge(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = credgate()
        .current_dir(dir)
        .args(["report", "merge"])
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

#[test]
fn two_scans_merge_into_one_summary_that_merges_again() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let aws = scan(p, "assessments/aws", "aws", &[]);
    let gh = scan(p, "assessments/github", "gh", &[]);
    let (code, out, err) = merge(p, &["aws.json", "web=gh.json", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let m: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(m["report_version"], aws["report_version"]);
    let sum = |k: &str| n(&aws["summary"][k]) + n(&gh["summary"][k]);
    for k in ["findings", "files_scanned", "bytes_scanned", "suppressed"] {
        assert_eq!(n(&m["summary"][k]), sum(k), "{k}");
    }
    for r in ["critical", "high", "medium", "low", "info"] {
        assert_eq!(
            n(&m["summary"]["by_risk"][r]),
            n(&aws["summary"]["by_risk"][r]) + n(&gh["summary"]["by_risk"][r]),
            "{r}"
        );
    }
    let findings = m["findings"].as_array().unwrap();
    assert_eq!(findings.len() as u64, sum("findings"));
    let from = |repo: &str| findings.iter().filter(|f| f["repository"] == repo).count();
    assert_eq!(from("aws"), aws["findings"].as_array().unwrap().len());
    assert_eq!(from("web"), gh["findings"].as_array().unwrap().len());
    assert!(findings.iter().all(|f| f["report"].is_string()));
    let reports = m["merged"]["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[1]["repository"], "web");
    assert_eq!(reports[1]["report"], "gh.json");
    assert_eq!(m["merged"]["duplicates_dropped"], 0);
    // Worst first.
    let risks: Vec<&str> = findings
        .iter()
        .map(|f| f["assessment"]["risk"].as_str().unwrap())
        .collect();
    assert_eq!(risks.first(), Some(&"critical"));

    // The merged JSON is a report merge reads: merged again, alone, it is the same findings,
    // each still attributed to its own repository.
    fs::write(p.join("all.json"), &out).unwrap();
    let (code, again, err) = merge(p, &["all.json", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let again: Value = serde_json::from_str(&again).unwrap();
    assert_eq!(again["findings"], m["findings"]);
    assert_eq!(again["summary"]["by_risk"], m["summary"]["by_risk"]);
    assert_eq!(again["merged"]["reports"], m["merged"]["reports"]);

    // Text: the totals, one line per repository, one per finding.
    let (code, text, _) = merge(p, &["aws.json", "web=gh.json"]);
    assert_eq!(code, 0);
    let total = sum("findings");
    assert!(
        text.starts_with(&format!(
            "{total} findings from 2 reports in 2 repositories"
        )),
        "{text}"
    );
    assert!(
        text.contains("\n  aws  5 findings  [critical 4, high 1"),
        "{text}"
    );
    assert!(text.contains("\n  web  "), "{text}");
    assert_eq!(
        text.lines().filter(|l| l.contains(" id ")).count() as u64,
        total,
        "{text}"
    );
}

#[test]
fn duplicates_count_once_and_shared_credentials_are_listed() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let aws = scan(p, "assessments/aws", "aws", &[]);
    let count = aws["findings"].as_array().unwrap().len();
    // The same report twice under one name: each finding once.
    let (_, out, _) = merge(p, &["aws.json", "aws=aws.json", "-f", "json"]);
    let m: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(m["findings"].as_array().unwrap().len(), count);
    assert_eq!(n(&m["merged"]["duplicates_dropped"]), count as u64);
    // Under two names: two repositories holding the same credentials.
    let (_, out, _) = merge(p, &["aws.json", "copy=aws.json", "-f", "json"]);
    let m: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(m["findings"].as_array().unwrap().len(), 2 * count);
    let shared = m["merged"]["shared"].as_array().unwrap();
    assert_eq!(shared.len(), n(&m["merged"]["credentials"]) as usize / 2);
    assert!(
        shared
            .iter()
            .all(|s| s["repositories"] == serde_json::json!(["aws", "copy"]))
    );
}

#[test]
fn no_raw_secret_is_carried_into_any_format() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let raw = scan(p, "assessments/aws", "raw", &["--show-secrets"]);
    let secrets: Vec<String> = raw["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["secret"].as_str().unwrap().to_string())
        .collect();
    assert!(!secrets.is_empty());
    for format in ["text", "json", "html"] {
        let (code, out, _) = merge(p, &["raw.json", "-f", format]);
        assert_eq!(code, 0);
        for s in &secrets {
            assert!(!out.contains(s.as_str()), "{format} holds a raw secret");
        }
    }
    let (_, html, _) = merge(p, &["raw.json", "-f", "html", "-o", "m.html"]);
    assert!(html.is_empty());
    let page = fs::read_to_string(p.join("m.html")).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("Content-Security-Policy"));
    for f in raw["findings"].as_array().unwrap() {
        assert!(page.contains(f["fingerprint"].as_str().unwrap()));
    }
}

#[test]
fn bad_inputs_are_one_line_errors_naming_the_file_and_write_nothing() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    scan(p, "assessments/aws", "good", &[]);
    let good = fs::read_to_string(p.join("good.json")).unwrap();
    fs::write(p.join("truncated.json"), &good[..good.len() / 2]).unwrap();
    fs::write(p.join("other.json"), "{\"runs\": []}\n").unwrap();
    fs::write(
        p.join("old.json"),
        good.replacen("\"report_version\": 2", "\"report_version\": 1", 1),
    )
    .unwrap();
    fs::write(
        p.join("partial.json"),
        good.replacen("\"fingerprint\":", "\"fingerprint_\":", 1),
    )
    .unwrap();
    let jsonl = credgate()
        .args(["scan", "--format", "jsonl"])
        .arg(fixture("assessments/aws"))
        .output()
        .unwrap()
        .stdout;
    fs::write(p.join("lines.json"), jsonl).unwrap();
    let sarif = credgate()
        .args(["scan", "--format", "sarif"])
        .arg(fixture("assessments/aws"))
        .output()
        .unwrap()
        .stdout;
    fs::write(p.join("scan.sarif"), sarif).unwrap();
    fs::write(
        p.join("newer.json"),
        good.replacen("\"report_version\": 2", "\"report_version\": 3", 1),
    )
    .unwrap();
    fs::write(p.join("empty.json"), "").unwrap();
    for (file, want) in [
        ("truncated.json", "truncated.json: the JSON ends early"),
        ("other.json", "other.json: not a credgate report"),
        (
            "old.json",
            "old.json: report_version 1, and this credgate reads 2",
        ),
        (
            "partial.json",
            "partial.json: findings[0] has no fingerprint",
        ),
        ("lines.json", "lines.json: a JSON Lines report"),
        ("missing.json", "missing.json: cannot read"),
        // A mistaken input is named for what it is, with what to pass instead.
        ("scan.sarif", "scan.sarif: a SARIF file; merge reads"),
        (
            "newer.json",
            "newer.json: report_version 3, written by a newer credgate (this one reads 2): merge it with that version",
        ),
        ("empty.json", "empty.json: empty file, not a report"),
    ] {
        let (code, out, err) = merge(p, &["good.json", file, "-f", "json", "-o", "out.json"]);
        assert_eq!(code, 2, "{file}");
        assert!(out.is_empty());
        assert_eq!(err.lines().count(), 1, "{file}: {err}");
        assert!(err.contains(want), "{file}: {err}");
        assert!(!p.join("out.json").exists(), "{file}: output written");
    }
}

fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json"))
            .unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(what: &str, doc: &Value) {
    let errors: Vec<String> = schema()
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}:\n{}", errors.join("\n"));
}

/// docs/report.schema.json describes what scans and merges write: checked on scans of every
/// fixture tree (findings of every kind, suppressed ones, home stores) and on their merge.
#[test]
fn scans_and_merges_validate_against_the_report_schema() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let mut args = Vec::new();
    for (fixture_name, name, extra) in [
        ("agent-workspace", "agent", &[][..]),
        ("assessments", "assessments", &["--show-secrets"][..]),
        ("assessments/aws", "aws", &[][..]),
    ] {
        let report = scan(p, fixture_name, name, extra);
        assert_valid(fixture_name, &report);
        args.push(format!("{name}.json"));
    }
    let home = scan(
        p,
        "agent-workspace",
        "home",
        &[
            "--reach",
            "home",
            "--home",
            fixture("home").to_str().unwrap(),
        ],
    );
    assert!(!home["findings"].as_array().unwrap().is_empty());
    assert_valid("home", &home);
    args.push("home.json".into());
    args.extend(["--format".into(), "json".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = merge(p, &args);
    assert_eq!(code, 0, "{err}");
    let merged: Value = serde_json::from_str(&out).unwrap();
    assert!(!merged["merged"]["shared"].as_array().unwrap().is_empty());
    assert_valid("merge", &merged);
}

/// The merged page in a real browser: its script ran under the page's policy, the filters count
/// every finding, each finding is there with its repository, and no secret is.
#[test]
fn the_merged_html_renders_in_chromium() {
    let browser = crate::html::chromium();
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let raw = scan(p, "agent-workspace", "agent", &["--show-secrets"]);
    scan(p, "assessments/aws", "aws", &[]);
    let (code, _, err) = merge(p, &["agent.json", "aws.json", "-f", "html", "-o", "m.html"]);
    assert_eq!(code, 0, "{err}");
    let dom = String::from_utf8(crate::html::browse(
        &browser,
        &p.join("m.html"),
        "--dump-dom",
    ))
    .unwrap();
    assert!(
        dom.contains("<html lang=\"en\" class=\"js\">"),
        "the script did not run"
    );
    let (_, json, _) = merge(p, &["agent.json", "aws.json", "-f", "json"]);
    let m: Value = serde_json::from_str(&json).unwrap();
    let findings = m["findings"].as_array().unwrap();
    let n = findings.len();
    assert!(
        dom.contains(&format!("{n} of {n} shown")),
        "the filters do not count {n} findings"
    );
    for f in findings {
        let place = format!(
            "<code>{}: {}:{}</code>",
            f["repository"].as_str().unwrap(),
            f["path"].as_str().unwrap(),
            f["line"]
        );
        assert!(dom.contains(&place), "{place} missing");
    }
    for f in raw["findings"].as_array().unwrap() {
        assert!(
            !dom.contains(f["secret"].as_str().unwrap()),
            "the page holds a secret"
        );
    }
}
