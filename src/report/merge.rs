//! `credgate report merge`: JSON reports of many repositories (or many scans of one) combined
//! into one summary, written as text, JSON or HTML.
//!
//! The reports are read as JSON values, not rebuilt into findings: a merge needs what the
//! report says (risk, location, fingerprint), and reading values keeps it working on reports of
//! other builds with the same `report_version`. The rules:
//!
//! - Each finding keeps where it came from: `repository` (the name given as `NAME=FILE`, else
//!   the file's name without `.json`) and `report` (the file). A finding that already has them
//!   (a merged report merged again) keeps its own.
//! - The same finding twice is one: same repository, fingerprint, path, line and commit (two
//!   scans of one repository, or one report given twice). The same fingerprint elsewhere in
//!   the same repository stays a finding of its own, since each place needs the fix; the
//!   summary counts `credentials` (distinct repository and fingerprint) beside `findings`.
//! - The same fingerprint in several repositories is listed in `merged.shared`: one credential
//!   copied around, to rotate once and remove everywhere.
//! - A raw `secret` (a report written with `--show-secrets`) is never carried into the merge.
//! - Any input that is not a complete credgate JSON report of this `report_version` stops the
//!   merge with an error naming the file, before anything is written.

use super::html;
use super::json::REPORT_VERSION;
use crate::model::Risk;
use anyhow::{Result, anyhow};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{self, Write};
use std::path::PathBuf;

/// One report to merge, read and checked.
#[derive(Debug)]
pub struct Input {
    /// The repository its findings are attributed to.
    pub name: String,
    pub file: PathBuf,
    pub doc: Map<String, Value>,
}

/// Splits `NAME=FILE`; a plain path (or one whose `=` is inside a directory name) is the file,
/// named after itself.
pub fn parse_arg(arg: &str) -> (String, PathBuf) {
    if let Some((name, file)) = arg.split_once('=')
        && !name.is_empty()
        && !name.contains('/')
        && !file.is_empty()
    {
        return (name.to_string(), PathBuf::from(file));
    }
    let file = PathBuf::from(arg);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| arg.to_string());
    let name = name.strip_suffix(".json").unwrap_or(&name).to_string();
    (name, file)
}

/// Reads and checks one report: JSON, credgate's, this `report_version`, every finding with
/// the fields a merge relies on. The error is one line naming the file.
pub fn load(arg: &str) -> Result<Input> {
    let (name, file) = parse_arg(arg);
    let shown = file.display();
    let bytes = std::fs::read(&file).map_err(|e| anyhow!("{shown}: cannot read: {e}"))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        // A scan that failed before writing (`scan -f json > r.json` with a bad flag) leaves
        // this; "EOF at line 1 column 0" would not say so.
        return Err(anyhow!(
            "{shown}: empty file, not a report; `credgate scan --format json` writes one"
        ));
    }
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        if e.is_eof() {
            anyhow!("{shown}: the JSON ends early ({e}): a truncated report?")
        } else if e.is_syntax()
            && e.line() == 2
            && std::str::from_utf8(&bytes)
                .ok()
                .and_then(|t| t.lines().next())
                .and_then(|l| serde_json::from_str::<Value>(l).ok())
                .is_some_and(|v| v.get("type").is_some())
        {
            anyhow!(
                "{shown}: a JSON Lines report; merge reads the reports of `credgate scan --format json`"
            )
        } else {
            anyhow!("{shown}: not JSON ({e})")
        }
    })?;
    let Value::Object(doc) = doc else {
        return Err(anyhow!(
            "{shown}: not a credgate report (not a JSON object); `credgate scan --format json` writes one"
        ));
    };
    // `scan --format sarif` is the other report a user has at hand; it has no top-level tool.
    let sarif_mark = |k: &str, needle: &str| {
        doc.get(k)
            .and_then(Value::as_str)
            .is_some_and(|s| s.contains(needle))
    };
    if doc.contains_key("runs") && (sarif_mark("$schema", "sarif") || sarif_mark("version", "2.1"))
    {
        return Err(anyhow!(
            "{shown}: a SARIF file; merge reads the reports of `credgate scan --format json`"
        ));
    }
    if doc
        .get("tool")
        .and_then(|t| t.get("name"))
        .and_then(Value::as_str)
        != Some("credgate")
    {
        return Err(anyhow!(
            "{shown}: not a credgate report (no tool.name \"credgate\"); `credgate scan --format json` writes one"
        ));
    }
    match doc.get("report_version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(REPORT_VERSION) => {}
        Some(v) if v > u64::from(REPORT_VERSION) => {
            return Err(anyhow!(
                "{shown}: report_version {v}, written by a newer credgate (this one reads {REPORT_VERSION}): merge it with that version or a later one"
            ));
        }
        Some(v) => {
            return Err(anyhow!(
                "{shown}: report_version {v}, and this credgate reads {REPORT_VERSION}: scan again with this version"
            ));
        }
        None => return Err(anyhow!("{shown}: no report_version: not a credgate report")),
    }
    for key in ["findings", "suppressed", "skipped", "warnings"] {
        if !doc.get(key).is_some_and(Value::is_array) {
            return Err(anyhow!(
                "{shown}: no {key} list: not a complete credgate report"
            ));
        }
    }
    if !doc.get("summary").is_some_and(Value::is_object) {
        return Err(anyhow!(
            "{shown}: no summary: not a complete credgate report"
        ));
    }
    for key in ["findings", "suppressed"] {
        for (i, f) in doc[key].as_array().into_iter().flatten().enumerate() {
            let has = |k: &str| f.get(k).is_some_and(Value::is_string);
            let missing = ["fingerprint", "detector_id", "path"]
                .into_iter()
                .find(|k| !has(k));
            if let Some(k) = missing {
                return Err(anyhow!(
                    "{shown}: {key}[{i}] has no {k}: not a complete credgate report"
                ));
            }
            if risk_of(f).is_none() {
                return Err(anyhow!(
                    "{shown}: {key}[{i}] has no assessment.risk this credgate knows"
                ));
            }
        }
    }
    Ok(Input { name, file, doc })
}

fn risk_of(f: &Value) -> Option<Risk> {
    f.get("assessment")?.get("risk")?.as_str()?.parse().ok()
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

/// What identifies one finding across reports.
fn identity(f: &Value) -> (String, String, String, u64, String) {
    (
        str_of(f, "repository").to_string(),
        str_of(f, "fingerprint").to_string(),
        str_of(f, "path").to_string(),
        f.get("line").and_then(Value::as_u64).unwrap_or(0),
        f.get("commit")
            .map(|c| str_of(c, "id").to_string())
            .unwrap_or_default(),
    )
}

/// The reports, combined.
#[derive(Debug, Default)]
pub struct Merged {
    pub findings: Vec<Value>,
    pub suppressed: Vec<Value>,
    pub skipped: Vec<Value>,
    pub warnings: Vec<Value>,
    /// One entry per repository and report: `repository`, `report`, `files_scanned`, and the
    /// counts after de-duplication.
    pub reports: Vec<Value>,
    pub duplicates: usize,
    /// Distinct (repository, fingerprint) among the findings.
    pub credentials: usize,
    /// Fingerprints found in more than one repository.
    pub shared: Vec<Value>,
    pub summary: Map<String, Value>,
}

/// Counts by risk, in the layout of `summary.by_risk`.
fn by_risk<'a>(findings: impl Iterator<Item = &'a Value>) -> Value {
    let mut c: BTreeMap<Risk, usize> = html::RISKS.iter().map(|r| (*r, 0)).collect();
    for f in findings {
        if let Some(r) = risk_of(f) {
            *c.entry(r).or_default() += 1;
        }
    }
    let mut m = Map::new();
    for r in html::RISKS {
        m.insert(r.as_str().into(), json!(c[&r]));
    }
    Value::Object(m)
}

/// Merges checked reports (see the module's rules). The inputs are consumed: their findings
/// move into the merge rather than being copied, so a report of 100,000 findings is held once.
pub fn merge(inputs: Vec<Input>) -> Merged {
    let mut m = Merged::default();
    let mut seen = HashSet::new();
    let mut seen_suppressed = HashSet::new();
    let mut reports: Vec<(String, String, u64)> = Vec::new();
    let mut sums: BTreeMap<&str, u64> = BTreeMap::new();
    let mut timed_out = false;
    for mut input in inputs {
        let file = input.file.display().to_string();
        let mut lists: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
        for key in ["findings", "suppressed", "skipped", "warnings"] {
            if let Some(Value::Array(a)) = input.doc.get_mut(key) {
                lists.insert(key, std::mem::take(a));
            }
        }
        let tag = |mut v: Value| -> Value {
            if let Value::Object(o) = &mut v {
                o.remove("secret");
                o.entry("repository")
                    .or_insert_with(|| Value::String(input.name.clone()));
                o.entry("report")
                    .or_insert_with(|| Value::String(file.clone()));
            }
            v
        };
        // A merged report brings the repositories it was made of.
        match input.doc.get("merged").and_then(|x| x.get("reports")) {
            Some(Value::Array(rs)) => {
                for r in rs {
                    reports.push((
                        str_of(r, "repository").to_string(),
                        str_of(r, "report").to_string(),
                        r.get("files_scanned").and_then(Value::as_u64).unwrap_or(0),
                    ));
                }
            }
            _ => reports.push((
                input.name.clone(),
                file.clone(),
                input.doc["summary"]
                    .get("files_scanned")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
            )),
        }
        for f in lists.remove("findings").unwrap_or_default() {
            let f = tag(f);
            if seen.insert(identity(&f)) {
                m.findings.push(f);
            } else {
                m.duplicates += 1;
            }
        }
        for f in lists.remove("suppressed").unwrap_or_default() {
            let f = tag(f);
            if seen_suppressed.insert(identity(&f)) {
                m.suppressed.push(f);
            }
        }
        for key in ["skipped", "warnings"] {
            let list = if key == "skipped" {
                &mut m.skipped
            } else {
                &mut m.warnings
            };
            for v in lists.remove(key).unwrap_or_default() {
                list.push(tag(v));
            }
        }
        let s = &input.doc["summary"];
        for k in [
            "files_scanned",
            "bytes_scanned",
            "not_shown",
            "in_published_packages",
            "elapsed_ms",
        ] {
            *sums.entry(k).or_default() += s.get(k).and_then(Value::as_u64).unwrap_or(0);
        }
        timed_out |= s.get("timed_out").and_then(Value::as_bool) == Some(true);
    }
    // Worst first, then by repository and place: stable over the order the files were given.
    m.findings.sort_by(|a, b| {
        risk_of(b).cmp(&risk_of(a)).then_with(|| {
            let key = |f: &Value| {
                (
                    str_of(f, "repository").to_string(),
                    str_of(f, "path").to_string(),
                    f.get("line").and_then(Value::as_u64).unwrap_or(0),
                )
            };
            key(a).cmp(&key(b))
        })
    });
    let mut repos_of: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for f in &m.findings {
        repos_of
            .entry((str_of(f, "fingerprint"), str_of(f, "detector_id")))
            .or_default()
            .insert(str_of(f, "repository"));
    }
    m.credentials = m
        .findings
        .iter()
        .map(|f| (str_of(f, "repository"), str_of(f, "fingerprint")))
        .collect::<HashSet<_>>()
        .len();
    m.shared = repos_of
        .iter()
        .filter(|(_, r)| r.len() > 1)
        .map(|((fp, id), r)| json!({"fingerprint": fp, "detector_id": id, "repositories": r}))
        .collect();
    m.reports = reports
        .iter()
        .map(|(name, file, files)| {
            let mine = || {
                m.findings
                    .iter()
                    .filter(|f| str_of(f, "repository") == name && str_of(f, "report") == file)
            };
            json!({
                "repository": name,
                "report": file,
                "files_scanned": files,
                "findings": mine().count(),
                "by_risk": by_risk(mine()),
            })
        })
        .collect();
    let mut s = Map::new();
    s.insert("files_scanned".into(), json!(sums["files_scanned"]));
    s.insert("bytes_scanned".into(), json!(sums["bytes_scanned"]));
    s.insert("findings".into(), json!(m.findings.len()));
    s.insert("by_risk".into(), by_risk(m.findings.iter()));
    s.insert("not_shown".into(), json!(sums["not_shown"]));
    if sums["in_published_packages"] > 0 {
        s.insert(
            "in_published_packages".into(),
            json!(sums["in_published_packages"]),
        );
    }
    s.insert("suppressed".into(), json!(m.suppressed.len()));
    s.insert("files_skipped".into(), json!(m.skipped.len()));
    s.insert("warnings".into(), json!(m.warnings.len()));
    s.insert("elapsed_ms".into(), json!(sums["elapsed_ms"]));
    if timed_out {
        s.insert("timed_out".into(), json!(true));
    }
    m.summary = s;
    m
}

impl Merged {
    fn repositories(&self) -> BTreeSet<&str> {
        self.reports
            .iter()
            .map(|r| str_of(r, "repository"))
            .collect()
    }

    fn count(&self, risk: &str) -> u64 {
        self.summary["by_risk"][risk].as_u64().unwrap_or(0)
    }
}

/// The merged report in the layout of `scan --format json` (so it can be merged again), with
/// `merged`: the reports it was made of, duplicates dropped, distinct credentials, and the
/// fingerprints shared between repositories.
pub fn write_json(m: &Merged, out: &mut dyn Write) -> io::Result<()> {
    let doc = json!({
        "report_version": REPORT_VERSION,
        "tool": { "name": "credgate", "version": env!("CARGO_PKG_VERSION") },
        "findings": m.findings,
        "suppressed": m.suppressed,
        "skipped": m.skipped,
        "warnings": m.warnings,
        "summary": m.summary,
        "merged": {
            "reports": m.reports,
            "duplicates_dropped": m.duplicates,
            "credentials": m.credentials,
            "shared": m.shared,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn repositories(n: usize) -> String {
    format!("{n} {}", if n == 1 { "repository" } else { "repositories" })
}

fn risks_line(by: &Value) -> String {
    html::RISKS
        .iter()
        .map(|r| format!("{r} {}", by[r.as_str()].as_u64().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text that came from a scanned repository, made printable.
fn p(s: &str) -> String {
    crate::finding::printable(s.as_bytes())
}

/// The summary first (totals, then per repository), then the credentials shared between
/// repositories, then one line per finding, worst first.
pub fn write_text(m: &Merged, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} from {} in {}: {} ({}) [{}]",
        html::count(m.findings.len(), "finding"),
        html::count(m.reports.len(), "report"),
        repositories(m.repositories().len()),
        html::count(m.credentials, "distinct credential"),
        html::count(
            m.summary["files_scanned"].as_u64().unwrap_or(0) as usize,
            "file"
        ) + " scanned",
        risks_line(&m.summary["by_risk"])
    )?;
    let mut extra = Vec::new();
    if m.duplicates > 0 {
        extra.push(format!(
            "{} dropped (same repository, fingerprint and place)",
            html::count(m.duplicates, "duplicate")
        ));
    }
    if !m.suppressed.is_empty() {
        extra.push(format!("{} allowed", m.suppressed.len()));
    }
    if let Some(n) = m
        .summary
        .get("in_published_packages")
        .and_then(Value::as_u64)
    {
        extra.push(format!(
            "{n} in published packages held back (--confidence low lists them)"
        ));
    }
    if !m.skipped.is_empty() {
        extra.push(format!("{} skipped", html::count(m.skipped.len(), "file")));
    }
    if !m.warnings.is_empty() {
        extra.push(html::count(m.warnings.len(), "warning"));
    }
    if m.summary.contains_key("timed_out") {
        extra.push("a scan was cut short by --timeout: incomplete".into());
    }
    if !extra.is_empty() {
        writeln!(out, "{}", extra.join("; "))?;
    }
    writeln!(out, "\nBy repository:")?;
    for r in &m.reports {
        writeln!(
            out,
            "  {}  {}  [{}]  ({})",
            p(str_of(r, "repository")),
            html::count(r["findings"].as_u64().unwrap_or(0) as usize, "finding"),
            risks_line(&r["by_risk"]),
            p(str_of(r, "report"))
        )?;
    }
    if !m.shared.is_empty() {
        writeln!(out, "\nThe same credential in several repositories:")?;
        for s in &m.shared {
            let repos: Vec<String> = s["repositories"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(p)
                .collect();
            writeln!(
                out,
                "  {} {}: {}",
                str_of(s, "fingerprint"),
                p(str_of(s, "detector_id")),
                repos.join(", ")
            )?;
        }
    }
    if !m.findings.is_empty() {
        writeln!(out, "\nFindings, worst first:")?;
    }
    for f in &m.findings {
        let a = &f["assessment"];
        writeln!(
            out,
            "  {:<8}  {}  {}:{}  {} ({})  {}  {}, {}  id {}",
            str_of(a, "risk"),
            p(str_of(f, "repository")),
            p(str_of(f, "path")),
            f.get("line").and_then(Value::as_u64).unwrap_or(0),
            p(str_of(f, "detector_name")),
            p(str_of(f, "detector_id")),
            p(str_of(f, "redacted")),
            str_of(a, "lifetime"),
            str_of(a, "scope"),
            str_of(f, "fingerprint"),
        )?;
    }
    Ok(())
}

/// One page, built like the scan's HTML report (its style, its filters, no raw secret): the
/// summary by risk, a table of repositories, the shared credentials, and each finding with its
/// repository and place.
pub fn write_html(m: &Merged, out: &mut dyn Write) -> io::Result<()> {
    let t = html::text;
    let n = m.findings.len();
    let repos = m.repositories();
    html::head(
        &format!(
            "{} in {}",
            html::count(n, "finding"),
            repositories(repos.len())
        ),
        out,
    )?;
    writeln!(
        out,
        "<header class=\"top\"><h1>credgate: {}</h1><p>{} ({}) from {} · {} scanned · credgate {}</p></header>\n<main>",
        repositories(repos.len()),
        html::count(n, "finding"),
        html::count(m.credentials, "distinct credential"),
        html::count(m.reports.len(), "report"),
        html::count(
            m.summary["files_scanned"].as_u64().unwrap_or(0) as usize,
            "file"
        ),
        env!("CARGO_PKG_VERSION")
    )?;
    if m.summary.contains_key("timed_out") {
        writeln!(
            out,
            "<p class=\"panel critical\"><b>A scan was cut short by --timeout: the merge is incomplete.</b></p>"
        )?;
    }
    writeln!(
        out,
        "<div class=\"panels\"><div class=\"column\"><section class=\"panel\"><h2>By risk</h2><div class=\"risks\">"
    )?;
    for r in html::RISKS {
        let c = m.count(r.as_str());
        writeln!(
            out,
            "<div class=\"risk-card {r}{}\"><b>{c}</b>{r}</div>",
            if c == 0 { " zero" } else { "" }
        )?;
    }
    writeln!(out, "</div>")?;
    if m.duplicates > 0 {
        writeln!(
            out,
            "<p class=\"extra\">{} dropped (same repository, fingerprint and place)</p>",
            html::count(m.duplicates, "duplicate")
        )?;
    }
    writeln!(out, "</section></div>")?;
    writeln!(
        out,
        "<section class=\"panel\"><h2>Repositories</h2><table class=\"places\"><tr><th>repository</th><th>findings</th>"
    )?;
    for r in html::RISKS {
        write!(out, "<th>{r}</th>")?;
    }
    writeln!(out, "<th>report</th></tr>")?;
    for r in &m.reports {
        write!(
            out,
            "<tr><td>{}</td><td>{}</td>",
            t(str_of(r, "repository")),
            r["findings"]
        )?;
        for risk in html::RISKS {
            write!(out, "<td>{}</td>", r["by_risk"][risk.as_str()])?;
        }
        writeln!(out, "<td><code>{}</code></td></tr>", t(str_of(r, "report")))?;
    }
    writeln!(out, "</table></section></div>")?;
    if !m.shared.is_empty() {
        writeln!(
            out,
            "<section class=\"panel\"><h2>The same credential in several repositories</h2><table class=\"places\">"
        )?;
        for s in &m.shared {
            let repos: Vec<String> = s["repositories"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(t)
                .collect();
            writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                t(str_of(s, "fingerprint")),
                t(str_of(s, "detector_id")),
                repos.join(", ")
            )?;
        }
        writeln!(out, "</table></section>")?;
    }
    if m.findings.is_empty() {
        writeln!(out, "<p class=\"panel empty\">No findings.</p>")?;
    } else {
        filters(m, out)?;
        writeln!(out, "<section id=\"findings\">")?;
        for f in &m.findings {
            finding(f, out)?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(
        out,
        "</main>\n<script>{}</script>\n</body>\n</html>",
        html::SCRIPT
    )
}

/// The scan report's filter form (risk, provider, location, path), which its script drives.
fn filters(m: &Merged, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<form class=\"filters\" id=\"filters\"><span><b>Risk</b>"
    )?;
    for risk in html::RISKS {
        write!(
            out,
            " <label><input type=\"checkbox\" name=\"risk\" value=\"{risk}\" checked> {risk}</label>"
        )?;
    }
    writeln!(out, "</span>")?;
    let providers: BTreeSet<&str> = m.findings.iter().map(|f| str_of(f, "provider")).collect();
    html::select(out, "provider", "Provider", providers.into_iter())?;
    let locations: BTreeSet<&str> = m
        .findings
        .iter()
        .map(|f| str_of(&f["assessment"], "location"))
        .collect();
    html::select(out, "location", "Location", locations.into_iter())?;
    writeln!(
        out,
        "<label><b>Path</b> <input type=\"search\" name=\"path\" placeholder=\"repository or path\"></label>\n<button type=\"reset\">Reset</button> <span id=\"shown\"></span></form>"
    )
}

fn finding(f: &Value, out: &mut dyn Write) -> io::Result<()> {
    let t = html::text;
    let a = &f["assessment"];
    let place = format!(
        "{}: {}:{}",
        str_of(f, "repository"),
        str_of(f, "path"),
        f.get("line").and_then(Value::as_u64).unwrap_or(0)
    );
    writeln!(
        out,
        "<article class=\"finding {risk}\" data-risk=\"{risk}\" data-provider=\"{}\" data-location=\"{}\" data-lifetime=\"{}\" data-scope=\"{}\" data-path=\"{}\">",
        t(str_of(f, "provider")),
        t(str_of(a, "location")),
        t(str_of(a, "lifetime")),
        t(str_of(a, "scope")),
        t(&place),
        risk = t(str_of(a, "risk")),
    )?;
    writeln!(
        out,
        "<div><span class=\"badge\">{}</span><h3>{}</h3><code>{}</code></div>\n<div class=\"where\"><code>{}</code></div>\n<dl>",
        t(str_of(a, "risk")),
        t(str_of(f, "detector_name")),
        t(str_of(f, "detector_id")),
        t(&place)
    )?;
    writeln!(
        out,
        "<dt>secret</dt><dd><code>{}</code></dd>\n<dt>risk</dt><dd><b>{}</b>: {}</dd>\n<dt>assessment</dt><dd>lifetime <b>{}</b> · scope <b>{}</b> · environment <b>{}</b> · location <b>{}</b></dd>",
        t(str_of(f, "redacted")),
        t(str_of(a, "risk")),
        t(str_of(a, "why")),
        t(str_of(a, "lifetime")),
        t(str_of(a, "scope")),
        t(str_of(a, "environment")),
        t(str_of(a, "location")),
    )?;
    writeln!(
        out,
        "<dt>fix</dt><dd>{}</dd>\n<dt>report</dt><dd><code>{}</code></dd>\n<dt>id</dt><dd><code>{}</code></dd>\n</dl>\n</article>",
        t(str_of(&f["remediation"], "steps")),
        t(str_of(f, "report")),
        t(str_of(f, "fingerprint"))
    )
}

/// Loads every input (all checked before any output), merges them.
pub fn load_all(args: &[String]) -> Result<Merged> {
    let inputs = args.iter().map(|a| load(a)).collect::<Result<Vec<_>>>()?;
    Ok(merge(inputs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_arguments() {
        assert_eq!(
            parse_arg("api=out/a.json"),
            ("api".into(), "out/a.json".into())
        );
        assert_eq!(
            parse_arg("out/web.json"),
            ("web".into(), "out/web.json".into())
        );
        assert_eq!(parse_arg("dir=x/r.json").0, "dir");
        assert_eq!(
            parse_arg("a/b=c/r.json"),
            ("r".into(), "a/b=c/r.json".into())
        );
    }

    fn finding(fp: &str, path: &str, risk: &str) -> Value {
        json!({"fingerprint": fp, "detector_id": "d", "path": path, "line": 1,
               "assessment": {"risk": risk}, "secret": "RAW"})
    }

    fn input(name: &str, findings: Vec<Value>) -> Input {
        let doc = json!({"report_version": 2, "tool": {"name": "credgate"}, "findings": findings,
            "suppressed": [], "skipped": [], "warnings": [], "summary": {"files_scanned": 2}});
        Input {
            name: name.into(),
            file: format!("{name}.json").into(),
            doc: doc.as_object().unwrap().clone(),
        }
    }

    #[test]
    fn dedupe_shares_and_counts() {
        let a = input(
            "a",
            vec![finding("f1", "x", "high"), finding("f1", "y", "high")],
        );
        let a2 = input("a", vec![finding("f1", "x", "high")]);
        let b = input(
            "b",
            vec![finding("f1", "z", "critical"), finding("f2", "z", "low")],
        );
        let m = merge(vec![a, a2, b]);
        assert_eq!(m.findings.len(), 4);
        assert_eq!(m.duplicates, 1);
        assert_eq!(m.credentials, 3);
        assert_eq!(m.shared.len(), 1);
        assert_eq!(m.shared[0]["repositories"], json!(["a", "b"]));
        assert_eq!(m.summary["by_risk"]["high"], 2);
        assert_eq!(m.summary["files_scanned"], 6);
        assert_eq!(str_of(&m.findings[0], "repository"), "b", "worst first");
        assert!(m.findings.iter().all(|f| f.get("secret").is_none()));
    }
}
