//! JSON and JSON Lines reports. The schema is the serde form of [`Finding`], [`Skipped`](crate::result::Skipped),
//! [`Warning`](crate::result::Warning) and [`Summary`](crate::result::Summary); the raw secret
//! appears (as `secret`) only with `--show-secrets`. `docs/report.schema.json` writes the layout
//! down as a JSON Schema; `tests/cli/report_merge.rs` checks scans of the fixtures against it.

use super::ReportOptions;
use crate::finding::Finding;
use crate::result::ScanResult;
use serde_json::{Value, json};
use std::io::{self, Write};

/// The version of the JSON report layout; bumped when a field changes meaning or disappears.
///
/// - 1: the first layout.
/// - 2: each finding gains `origin`, a typed object (`kind`: `workspace`, `home`, `env`,
///   `git-index`, `git-commit`, with the fields of that kind). `root` and `path` stay as they
///   were; read `origin.kind` rather than `root` to tell a directory named `env` from the
///   environment.
pub const REPORT_VERSION: u32 = 2;

fn finding_value(f: &Finding, opts: &ReportOptions) -> Value {
    let mut v = serde_json::to_value(f).expect("findings serialize");
    if opts.show_secrets {
        v["secret"] = Value::String(String::from_utf8_lossy(f.secret.expose()).into_owned());
    }
    v
}

fn tool() -> Value {
    json!({ "name": "credgate", "version": env!("CARGO_PKG_VERSION") })
}

pub fn write(result: &ScanResult, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let doc = Doc {
        report_version: REPORT_VERSION,
        tool: tool(),
        findings: Findings(&result.findings, opts),
        suppressed: Findings(&result.suppressed, opts),
        skipped: &result.skipped,
        warnings: &result.warnings,
        summary: &result.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The report document, serialized as it is written: a finding becomes a [`Value`] only while
/// it is being written, so a report of thousands of findings does not first exist whole as a
/// tree of values (2,532 findings took 60 MB that way, more than the scan itself).
#[derive(serde::Serialize)]
struct Doc<'a> {
    report_version: u32,
    tool: Value,
    findings: Findings<'a>,
    suppressed: Findings<'a>,
    skipped: &'a [crate::result::Skipped],
    warnings: &'a [crate::result::Warning],
    summary: &'a crate::result::Summary,
}

struct Findings<'a>(&'a [Finding], &'a ReportOptions<'a>);

impl serde::Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.1.show_secrets {
            s.collect_seq(self.0.iter().map(|f| finding_value(f, self.1)))
        } else {
            // Straight from the findings: building each one's tree of values first was most
            // of the report's cost (the same bytes, the map keeping the fields' order).
            s.collect_seq(self.0)
        }
    }
}

pub fn write_lines(
    result: &ScanResult,
    opts: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let line = |out: &mut dyn Write, kind: &str, mut v: Value| -> io::Result<()> {
        if let Value::Object(m) = &mut v {
            m.insert("type".into(), Value::String(kind.into()));
        }
        serde_json::to_writer(&mut *out, &v)?;
        writeln!(out)
    };
    for f in &result.findings {
        line(out, "finding", finding_value(f, opts))?;
    }
    for f in &result.suppressed {
        line(out, "suppressed", finding_value(f, opts))?;
    }
    for s in &result.skipped {
        line(out, "skipped", serde_json::to_value(s)?)?;
    }
    for w in &result.warnings {
        line(out, "warning", serde_json::to_value(w)?)?;
    }
    let mut summary = serde_json::to_value(&result.summary)?;
    summary["report_version"] = json!(REPORT_VERSION);
    summary["tool"] = tool();
    line(out, "summary", summary)
}
