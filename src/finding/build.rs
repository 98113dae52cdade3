//! Finding construction: from the engine's matches in one piece of content to [`Finding`]s with
//! line and column (bytes and UTF-16), the masked line, the fingerprint and the assessment.
//! Whether a finding is allowed is decided later, by the pipeline.

use super::{Finding, Origin, Secret, excerpt, fingerprint, redact};
use crate::assessment::{self, Site};
use crate::engine::{Engine, RawMatch};
use crate::model::{Environment, Location};
use std::path::Path;

/// How far around a secret the reported line reaches.
const LINE_CONTEXT: usize = 80;

/// Where a piece of content sits, for the findings in it: everything a finding says about its
/// place that the content itself does not.
pub struct Context<'a> {
    pub origin: Origin,
    /// The file on disk, for store formats that are read again to name the row (SQLite).
    pub file: Option<&'a Path>,
    /// The path the assessment reads environments and file kinds from (relative to the root,
    /// or the variable's name).
    pub assess_path: &'a Path,
    /// The credential store the file belongs to (`--reach home`).
    pub store: Option<&'a crate::stores::Store>,
    pub gitignored: bool,
    pub location: Location,
    pub encoding: Option<&'static str>,
    pub workspace_env: Option<Environment>,
    pub now: jiff::Timestamp,
    /// Compute each finding's GitHub line hash (see [`crate::pipeline::Settings::line_hashes`]).
    pub line_hashes: bool,
    /// The published package the content belongs to, which made every match's confidence low,
    /// and each match's confidence before.
    pub package: Option<(
        &'a crate::assessment::package::Package,
        &'a [crate::model::Confidence],
    )>,
}

/// Turns confirmed matches (sorted by start) into findings: line and column, the redacted line,
/// fingerprint and the detector's static assessment.
///
/// `release` is called with the parts of `hay` it has passed, so that a memory-mapped file with
/// findings near its end is not held resident whole (pass `&|_| {}` for a buffer). `mask` is
/// every match of the content (a superset of `matches` when the per-file cap cut them): each is
/// masked in the lines shown, whether or not it became a finding.
pub fn build_findings(
    engine: &Engine,
    hay: &[u8],
    matches: &[RawMatch],
    mask: &[RawMatch],
    ctx: &Context,
    release: &dyn Fn(std::ops::Range<usize>),
) -> Vec<Finding> {
    // What the assessment may look back at before a secret (section headers: 64 KiB).
    const KEEP_BEHIND: usize = 1 << 20;
    let mut released_to = 0usize;
    let mut out = Vec::with_capacity(matches.len());
    let mut in_file: Vec<&str> = matches
        .iter()
        .map(|m| engine.detector(m.detector).id.as_str())
        .collect();
    in_file.sort_unstable();
    in_file.dedup();
    let mut lines_wanted = std::collections::BTreeSet::new();
    let mut line = 1u64;
    let mut line_start = 0usize;
    let mut counted_to = 0usize;
    for (i, m) in matches.iter().enumerate() {
        let s = m.secret.start;
        // Count newlines incrementally: one pass over the file however many findings it has,
        // in steps, giving back what is behind as it goes.
        while counted_to < s {
            let step = (s - counted_to).min(16 * KEEP_BEHIND);
            let chunk = &hay[counted_to..counted_to + step];
            let nl = memchr::memchr_iter(b'\n', chunk).count();
            if nl > 0 {
                line += nl as u64;
                line_start = counted_to + memchr::memrchr(b'\n', chunk).unwrap() + 1;
            }
            counted_to += step;
            if counted_to > released_to + 16 * KEEP_BEHIND {
                release(released_to..counted_to - KEEP_BEHIND);
                released_to = counted_to - KEEP_BEHIND;
            }
        }
        let det = engine.detector(m.detector);
        // The credential: in the content, or in the text a run of it decodes to (whose place
        // is the encoded run).
        let secret = m.secret_bytes(hay);
        let prefix_len = det.known_prefix_len(secret);
        // Where the secret ends, for SARIF regions (trailing line breaks are not part of it).
        let body = trim_line_breaks(&hay[m.secret.clone()]);
        let inner_nl = memchr::memchr_iter(b'\n', body).count() as u64;
        let end_column = match memchr::memrchr(b'\n', body) {
            Some(i) => (body.len() - i) as u64,
            None => (s - line_start + body.len() + 1) as u64,
        };
        lines_wanted.insert(line);
        let utf16 = |b: &[u8]| String::from_utf8_lossy(b).encode_utf16().count() as u64;
        let last_line_start = memchr::memrchr(b'\n', body).map_or(line_start, |i| s + i + 1);
        let sarif_columns = (
            utf16(&hay[line_start..s]) + 1,
            utf16(&hay[last_line_start..s + body.len()]) + 1,
        );
        // A decoded secret is judged in the decoded text, where its name and neighbours are.
        let (site_hay, site_secret, site_line_start) = match &m.decoded {
            Some(d) => (
                &d.text[..],
                d.secret.clone(),
                memchr::memrchr(b'\n', &d.text[..d.secret.start]).map_or(0, |i| i + 1),
            ),
            None => (hay, m.secret.clone(), line_start),
        };
        out.push(Finding {
            detector_id: det.id.clone(),
            detector_name: det.name.clone(),
            provider: det.provider.clone(),
            origin: ctx.origin.clone(),
            line,
            column: (s - line_start + 1) as u64,
            end_line: line + inner_nl,
            end_column,
            start: s,
            end: m.secret.end,
            redacted: redact(secret, prefix_len),
            fingerprint: fingerprint(&det.id, secret),
            line_text: line_text(engine, hay, mask, line_start, s),
            secret: Secret::from(secret),
            gitignored: ctx.gitignored,
            confidence: m.confidence,
            assessment: assessment::assess(
                det,
                &Site {
                    hay: site_hay,
                    secret: site_secret,
                    line_start: site_line_start,
                    path: ctx.assess_path,
                    location: ctx.location,
                    detectors_in_file: &in_file,
                    catalog: engine.catalog(),
                    workspace: ctx.workspace_env,
                    now: ctx.now,
                },
            ),
            decoded: m.decoded.as_ref().map(|d| d.how),
            remediation: crate::finding::Remediation {
                steps: det.remediation.clone(),
                url: det.revoke_url.clone(),
            },
            commit: None,
            store: ctx.store.map(|st| crate::finding::StoreRef {
                id: st.id.clone(),
                tool: st.tool.clone(),
                context: crate::stores::context(
                    st.format,
                    hay,
                    m.secret.clone(),
                    ctx.file.unwrap_or(Path::new("")),
                ),
            }),
            encoding: ctx.encoding,
            sarif_columns,
            line_hash: String::new(),
            suppression: None,
            verification: None,
            agents: Vec::new(),
        });
        if let (Some(d), Some(f)) = (&m.decoded, out.last_mut()) {
            f.assessment.evidence.insert(
                1,
                format!("decoded from {}: the value here encodes it", d.how),
            );
        }
        if let (Some(s), Some(f)) = (&m.scored, out.last_mut()) {
            // Second line of the evidence: why the layer believes the value is a credential.
            f.assessment.evidence.insert(1, score_note(s));
        }
        if let (Some((p, before)), Some(f)) = (ctx.package, out.last_mut()) {
            f.assessment.evidence.insert(1, p.evidence(before[i]));
        }
    }
    if !ctx.line_hashes {
        return out;
    }
    let hashes = super::github_line_hashes_releasing(hay, &lines_wanted, release);
    for f in &mut out {
        if let Some(h) = hashes.get(&f.line) {
            f.line_hash = h.clone();
        }
    }
    out
}

fn trim_line_breaks(b: &[u8]) -> &[u8] {
    let mut b = b;
    while let [rest @ .., b'\n' | b'\r'] = b {
        b = rest;
    }
    b
}

/// The part of the line around a secret, with every secret that overlaps it masked (a line may
/// hold more than one). Bounded: a 100 MB single-line file yields a short excerpt.
fn line_text(
    engine: &Engine,
    hay: &[u8],
    matches: &[RawMatch],
    line_start: usize,
    s: usize,
) -> String {
    let from = line_start.max(s.saturating_sub(LINE_CONTEXT));
    let limit = (s + 2 * LINE_CONTEXT).min(hay.len());
    let to = memchr::memchr(b'\n', &hay[s..limit]).map_or(limit, |i| s + i);
    let mut text = String::new();
    if from > line_start {
        text.push('…');
    }
    let mut pos = from;
    for m in matches {
        if m.secret.end <= from || m.secret.start >= to || (m.secret.end <= pos && pos > from) {
            // Outside the excerpt, or masked already (two secrets decoded from one value).
            continue;
        }
        let ms = m.secret.start.max(from);
        if ms > pos {
            text.push_str(&excerpt(trim_cr(&hay[pos..ms])));
        }
        if m.secret.start >= from {
            let secret = &hay[m.secret.clone()];
            let det = engine.detector(m.detector);
            if m.decoded.is_some() {
                // An encoded run: its first bytes would tell nothing, and a prefix shown of
                // the decoded secret would not be what the line holds.
                text.push_str("*****");
            } else {
                text.push_str(&redact(secret, det.known_prefix_len(secret)));
            }
        } else if ms >= pos {
            text.push_str("*****");
        }
        pos = pos.max(m.secret.end.min(to));
    }
    if pos < to {
        text.push_str(&excerpt(trim_cr(&hay[pos..to])));
    }
    if to < hay.len() && hay[to] != b'\n' && hay[to] != b'\r' {
        text.push('…');
    }
    text.trim().to_string()
}

fn trim_cr(b: &[u8]) -> &[u8] {
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// `confidence medium (score 0.72): + a quoted string, + randomness, - only letters`.
fn score_note(s: &crate::generic::model::Scored) -> String {
    let mut note = format!(
        "confidence {} (score {}.{:03})",
        s.confidence,
        s.permille / 1000,
        s.permille % 1000
    );
    for (i, (up, words)) in s.evidence.iter().enumerate() {
        note.push_str(if i == 0 { ": " } else { ", " });
        note.push_str(if *up { "+ " } else { "- " });
        note.push_str(words);
    }
    note
}
