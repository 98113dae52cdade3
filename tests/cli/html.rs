//! `--format html`: the report file through the real binary, and the page as a real browser
//! (headless Chromium) renders it: every finding there, no raw secret, the filter script
//! running under the page's own Content-Security-Policy.

use crate::common::{credgate, materialize, scan_json};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-22T00:00:00Z";

/// The raw secrets of a scan with `args`, from a `--show-secrets` JSON report, with their
/// HTML-escaped forms (a secret holding `&` or `<` would otherwise hide from a plain search).
fn secrets(dir: &Path, args: &[&str]) -> Vec<String> {
    let (_, report) = scan_json(dir, &[&["--show-secrets"], args].concat());
    let mut v = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let s = f["secret"].as_str().unwrap();
        // Short values (a 6-character password) could match unrelated text by chance.
        if s.len() >= 10 {
            v.push(s.to_string());
            v.push(credgate::testing::html_escape(s));
        }
    }
    v
}

/// `location detector` of every finding of a JSON scan with `args`.
fn expected(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let (_, report) = scan_json(dir, args);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let root = f["root"].as_str().unwrap();
            let path = f["path"].as_str().unwrap();
            let shown = match root {
                "." => path.to_string(),
                "~" => format!("~/{path}"),
                r => format!("{r}/{path}"),
            };
            (
                format!("{shown}:{}:{}", f["line"], f["column"]),
                f["detector_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Writes an HTML report of the agent workspace (and the fixture home's stores) to a file.
fn html_report(ws: &Path, home: &Path, file: &Path) -> Vec<String> {
    let args = vec![
        "--reach".to_string(),
        "workspace,home".into(),
        "--home".into(),
        home.to_str().unwrap().into(),
    ];
    let out = credgate()
        .current_dir(ws)
        .env("CREDGATE_NOW", NOW)
        .args(["scan", "--format", "html", "--output"])
        .arg(file)
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "the report went to the file only");
    args
}

#[test]
fn html_report_file_holds_every_finding_and_no_secret() {
    let ws = materialize("agent-workspace");
    let home = materialize("home");
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.html");
    let args = html_report(ws.path(), home.path(), &file);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let page = fs::read_to_string(&file).unwrap();

    assert!(page.starts_with("<!doctype html>"));
    let want = expected(ws.path(), &args);
    assert!(want.len() >= 13, "only {} findings", want.len());
    for (at, id) in &want {
        assert!(page.contains(&format!("<code>{at}</code>")), "{at} missing");
        assert!(page.contains(&format!("<code>{id}</code>")), "{id} missing");
    }
    // The agents' verdicts are there, as the JSON report carries them.
    assert!(page.contains("<th>verdict</th>"));
    for s in secrets(ws.path(), &args) {
        assert!(!page.contains(&s), "the HTML report holds a secret");
    }
    // Self-contained: nothing to load, and a policy that forbids loading anything.
    assert!(page.contains("default-src 'none'"));
    for loads in ["<link", " src=", "@import", "url(", "<iframe", "<object"] {
        assert!(!page.contains(loads), "the report loads something: {loads}");
    }
}

#[test]
fn html_refuses_show_secrets() {
    let ws = materialize("agent-workspace");
    let o = credgate()
        .current_dir(ws.path())
        .args(["scan", "--format", "html", "--show-secrets"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("never holds raw secrets"), "{err}");
}

/// Headless Chromium: `$CHROMIUM`, else `chromium` on PATH (Debian's package).
pub fn chromium() -> String {
    let named = std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let runs = Command::new(&named)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        runs,
        "{named} is needed for this test (.ci/run installs Debian's chromium)"
    );
    named
}

/// Runs headless Chromium on `page` with `what` (`--dump-dom`, `--screenshot=…`), offline: a
/// proxy that does not exist, so that a report that tried to fetch something would fail.
pub fn browse(browser: &str, page: &Path, what: &str) -> Vec<u8> {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .env("HOME", profile.path())
        .args([
            "--headless",
            // Root in a container has no user namespace for Chromium's sandbox.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--proxy-server=127.0.0.1:9",
            "--force-color-profile=srgb",
            "--window-size=1280,900",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(what)
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "chromium {what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn html_report_renders_in_chromium() {
    let browser = chromium();
    let ws = materialize("agent-workspace");
    let home = materialize("home");
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.html");
    let args = html_report(ws.path(), home.path(), &file);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let want = expected(ws.path(), &args);

    // The DOM after the page's script ran: the script ran (the policy let its hash through),
    // and the filters count every finding.
    let dom = String::from_utf8(browse(&browser, &file, "--dump-dom")).unwrap();
    assert!(
        dom.contains("<html lang=\"en\" class=\"js\">"),
        "the script did not run"
    );
    let n = want.len();
    assert!(
        dom.contains(&format!("{n} of {n} shown")),
        "the filters do not count {n} findings"
    );
    for (at, id) in &want {
        assert!(dom.contains(&format!("<code>{at}</code>")), "{at} missing");
        assert!(dom.contains(&format!("<code>{id}</code>")), "{id} missing");
    }
    for s in secrets(ws.path(), &args) {
        assert!(!dom.contains(&s), "the rendered report holds a secret");
    }

    let shot: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report.png");
    let _ = fs::remove_file(&shot);
    browse(&browser, &file, &format!("--screenshot={}", shot.display()));
    let png = fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    // 1280 x 900, from the IHDR chunk.
    assert_eq!(&png[16..24], &[0, 0, 5, 0, 0, 0, 3, 132]);
    // The README's picture is this one: `CREDGATE_UPDATE_SCREENSHOT=1` refreshes it.
    if std::env::var_os("CREDGATE_UPDATE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/images");
        fs::create_dir_all(&docs).unwrap();
        fs::copy(&shot, docs.join("html-report.png")).unwrap();
    }
}
