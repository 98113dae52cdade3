//! Reports: where findings are written. One module per format; each takes the same
//! [`ScanResult`] and [`ReportOptions`], so a new format is one more module.

pub mod gitlab;
pub mod html;
pub mod json;
pub mod merge;
pub mod sarif;
pub mod stats;
pub mod text;

use crate::result::ScanResult;
use std::io::{self, Write};

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Readable text, one block per finding, and a summary.
    Text,
    /// One JSON document: findings, skipped files, warnings, summary.
    Json,
    /// One JSON object per line: each finding, skipped file and warning, then the summary.
    Jsonl,
    /// SARIF 2.1.0, as GitHub code scanning takes it.
    Sarif,
    /// GitLab's secret detection report (artifacts:reports:secret_detection).
    Gitlab,
    /// One self-contained HTML page, to read in a browser.
    Html,
}

crate::model::names!(Format { Text => "text", Json => "json", Jsonl => "jsonl", Sarif => "sarif",
    Gitlab => "gitlab", Html => "html" });

#[derive(Clone, Debug, Default)]
pub struct ReportOptions<'a> {
    /// Include raw secrets. Off by default: an agent reads this output too. (SARIF never
    /// includes them: it is uploaded to a third party; nor does HTML: it is passed around.)
    pub show_secrets: bool,
    pub color: bool,
    /// The detectors, for rule metadata (SARIF).
    pub catalog: Option<&'a crate::detectors::Catalog>,
    /// `runs[].automationDetails.id` category (SARIF).
    pub sarif_category: Option<String>,
}

/// Writes `result` in `format` to `out`.
pub fn write(
    format: Format,
    result: &ScanResult,
    opts: &ReportOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(result, opts, out),
        Format::Json => json::write(result, opts, out),
        Format::Jsonl => json::write_lines(result, opts, out),
        Format::Sarif => sarif::write(result, opts, out),
        Format::Gitlab => gitlab::write(result, opts, out),
        Format::Html => html::write(result, opts, out),
    }
}
