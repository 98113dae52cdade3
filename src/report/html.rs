//! The HTML report (`--format html`): one self-contained page to read a scan in a browser, with
//! the summary by risk, a lifetime x scope grid, and each finding's location, assessment, fix
//! and agent reachability, filtered in the page.
//!
//! Self-contained because a report is opened from disk, attached to a ticket or archived: it
//! fetches nothing (no fonts, scripts or style sheets), and its Content-Security-Policy forbids
//! fetching anything, so a mistake here cannot make it phone home. The one script and the one
//! style sheet are allowed by their hashes, so a `<script>` that got past the escaping would
//! still not run. Everything that comes from scanned content (paths, lines, store contexts) is
//! made printable and HTML-escaped. Like SARIF it never holds a raw secret, with or without
//! `--show-secrets`: it is a file made to be passed around.

use super::ReportOptions;
use super::text::human_bytes;
use crate::finding::{Finding, printable};
use crate::model::{Access, Can, Lifetime, Location, Risk, Scope};
use crate::result::ScanResult;
use std::collections::BTreeSet;
use std::io::{self, Write};

const STYLE: &str = include_str!("html.css");
pub(super) const SCRIPT: &str = include_str!("html.js");

/// Worst first, as the text report groups them.
pub(super) const RISKS: [Risk; 5] = [
    Risk::Critical,
    Risk::High,
    Risk::Medium,
    Risk::Low,
    Risk::Info,
];

/// The grid's rows, most durable first (the order of the risk table, not of declaration).
const LIFETIMES: [Lifetime; 7] = [
    Lifetime::NoExpiry,
    Lifetime::Refreshable,
    Lifetime::Long,
    Lifetime::Expiring,
    Lifetime::Unknown,
    Lifetime::ShortLived,
    Lifetime::Expired,
];

/// Escapes text for HTML element content and quoted attribute values alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text that may come from a scanned file: control characters and invalid bytes made visible
/// (as the text report does), then escaped.
pub(super) fn text(s: &str) -> String {
    escape(&printable(s.as_bytes()))
}

/// `'sha256-…'` of an inline script or style, for the Content-Security-Policy.
fn csp_hash(s: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(s.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page up to `<body>`: the Content-Security-Policy that allows only this page's own style
/// and script, and the style; `title` after "credgate: ". Shared with `report merge`.
pub(super) fn head(title: &str, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"
    )?;
    writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {}; form-action 'none'; base-uri 'none'\">",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )?;
    writeln!(out, "<meta name=\"referrer\" content=\"no-referrer\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        out,
        "<title>credgate: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>",
        text(title)
    )?;
    Ok(())
}

pub fn write(result: &ScanResult, _opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    let s = &result.summary;
    let mut findings: Vec<&Finding> = result.findings.iter().collect();
    // Stable: each risk group stays in path order.
    findings.sort_by_key(|f| std::cmp::Reverse(f.assessment.risk));

    head(&count(s.findings, "finding"), out)?;
    writeln!(
        out,
        "<header class=\"top\"><h1>credgate report</h1><p>{} in {} ({}) scanned in {:.2}s · credgate {}</p></header>\n<main>",
        count(s.findings, "finding"),
        count(s.files_scanned as usize, "file"),
        human_bytes(s.bytes_scanned),
        s.elapsed().as_secs_f64(),
        env!("CARGO_PKG_VERSION")
    )?;
    if s.timed_out {
        writeln!(
            out,
            "<p class=\"panel critical\"><b>The time budget (--timeout) ran out: the scan is incomplete.</b></p>"
        )?;
    }
    writeln!(out, "<div class=\"panels\"><div class=\"column\">")?;
    summary(result, out)?;
    if !findings.is_empty() {
        places(&findings, out)?;
    }
    writeln!(out, "</div>")?;
    grid(&findings, out)?;
    writeln!(out, "</div>")?;
    if findings.is_empty() {
        writeln!(out, "<p class=\"panel empty\">No findings.</p>")?;
    } else {
        filters(&findings, out)?;
        writeln!(out, "<section id=\"findings\">")?;
        for f in &findings {
            finding(f, out)?;
        }
        writeln!(out, "</section>")?;
    }
    others(result, out)?;
    writeln!(out, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>")
}

pub(super) fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

fn summary(result: &ScanResult, out: &mut dyn Write) -> io::Result<()> {
    let s = &result.summary;
    let r = &s.by_risk;
    writeln!(
        out,
        "<section class=\"panel\"><h2>By risk</h2><div class=\"risks\">"
    )?;
    for (risk, n) in RISKS
        .iter()
        .zip([r.critical, r.high, r.medium, r.low, r.info])
    {
        writeln!(
            out,
            "<div class=\"risk-card {risk}{}\"><b>{n}</b>{risk}</div>",
            if n == 0 { " zero" } else { "" }
        )?;
    }
    writeln!(out, "</div>")?;
    let mut extra = Vec::new();
    if s.suppressed > 0 {
        extra.push(format!(
            "{} allowed (baseline, config or credgate:allow)",
            s.suppressed
        ));
    }
    if s.not_shown > 0 {
        extra.push(format!("{} below --min-risk not shown", s.not_shown));
    }
    if s.in_published_packages > 0 {
        extra.push(format!(
            "{} in published packages held back (--confidence low lists them)",
            s.in_published_packages
        ));
    }
    if s.files_skipped > 0 {
        extra.push(format!("{} skipped", s.files_skipped));
    }
    if s.warnings > 0 {
        extra.push(count(s.warnings, "warning"));
    }
    if !extra.is_empty() {
        writeln!(out, "<p class=\"extra\">{}</p>", extra.join(" · "))?;
    }
    writeln!(out, "</section>")
}

/// Where the findings sit, and how many an agent can read now: the question credgate exists
/// to answer, next to the risk.
fn places(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section class=\"panel\"><h2>Where</h2><table class=\"places\">"
    )?;
    for &loc in Location::ALL {
        let n = findings
            .iter()
            .filter(|f| f.assessment.location == loc)
            .count();
        if n > 0 {
            writeln!(out, "<tr><td>{loc}</td><td>{n}</td></tr>")?;
        }
    }
    writeln!(out, "</table>")?;
    let checked: Vec<_> = findings.iter().filter(|f| !f.agents.is_empty()).collect();
    if !checked.is_empty() {
        let readable = checked
            .iter()
            .filter(|f| {
                f.agents
                    .iter()
                    .any(|a| a.file_tools == Can::Read || a.shell == Can::Read)
            })
            .count();
        writeln!(
            out,
            "<p class=\"extra\"><b class=\"critical\">{readable}</b> of {} readable by an agent as its policies stand</p>",
            checked.len()
        )?;
    }
    writeln!(out, "</section>")
}

/// Lifetime x scope with the number of findings in each cell, coloured by the worst of them:
/// the two axes the risk table is made of. A cell is a filter.
fn grid(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<section class=\"panel\"><h2>Lifetime × scope</h2><table class=\"grid\"><tr><th></th>"
    )?;
    for scope in Scope::ALL {
        write!(out, "<th>{scope}</th>")?;
    }
    writeln!(out, "</tr>")?;
    for lifetime in LIFETIMES {
        write!(out, "<tr><th class=\"row\">{lifetime}</th>")?;
        for &scope in Scope::ALL {
            let cell = findings
                .iter()
                .filter(|f| f.assessment.lifetime == lifetime && f.assessment.scope == scope);
            let n = cell.clone().count();
            match cell.map(|f| f.assessment.risk).max() {
                None => write!(out, "<td class=\"none\">·</td>")?,
                Some(worst) => write!(
                    out,
                    "<td class=\"{worst}\" data-lifetime=\"{lifetime}\" data-scope=\"{scope}\" title=\"{n} {lifetime}, {scope}; worst {worst}\"><button type=\"button\">{n}</button></td>"
                )?,
            }
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</table></section>")
}

fn filters(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<form class=\"filters\" id=\"filters\"><span><b>Risk</b>"
    )?;
    for risk in RISKS {
        write!(
            out,
            " <label><input type=\"checkbox\" name=\"risk\" value=\"{risk}\" checked> {risk}</label>"
        )?;
    }
    writeln!(out, "</span>")?;
    let providers: BTreeSet<&str> = findings.iter().map(|f| f.provider.as_str()).collect();
    select(out, "provider", "Provider", providers.into_iter())?;
    let locations: BTreeSet<&str> = findings
        .iter()
        .map(|f| f.assessment.location.as_str())
        .collect();
    select(out, "location", "Location", locations.into_iter())?;
    writeln!(
        out,
        "<label><b>Path</b> <input type=\"search\" name=\"path\" placeholder=\"part of a path\"></label>\n<button type=\"reset\">Reset</button> <span id=\"shown\"></span></form>"
    )
}

pub(super) fn select<'a>(
    out: &mut dyn Write,
    name: &str,
    label: &str,
    values: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    write!(
        out,
        "<label><b>{label}</b> <select name=\"{name}\"><option value=\"\">all</option>"
    )?;
    for v in values {
        let v = text(v);
        write!(out, "<option value=\"{v}\">{v}</option>")?;
    }
    writeln!(out, "</select></label>")
}

fn finding(f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let a = &f.assessment;
    writeln!(
        out,
        "<article class=\"finding {}\" data-risk=\"{}\" data-provider=\"{}\" data-location=\"{}\" data-lifetime=\"{}\" data-scope=\"{}\" data-path=\"{}\">",
        a.risk,
        a.risk,
        text(&f.provider),
        a.location,
        a.lifetime,
        a.scope,
        text(&f.origin.to_string())
    )?;
    writeln!(
        out,
        "<div><span class=\"badge\">{}</span><h3>{}</h3><code>{}</code></div>",
        a.risk,
        text(&f.detector_name),
        text(&f.detector_id)
    )?;
    write!(
        out,
        "<div class=\"where\"><code>{}</code>",
        text(&f.origin.at(f.line, Some(f.column)))
    )?;
    if f.gitignored {
        write!(
            out,
            "<span class=\"tag\" title=\"an agent can read it, git does not show it\">gitignored</span>"
        )?;
    }
    for tag in [f.encoding, f.decoded].into_iter().flatten() {
        write!(out, "<span class=\"tag\">{}</span>", text(tag))?;
    }
    if let Some(store) = &f.store {
        write!(out, "<span class=\"tag\">{}", text(&store.tool))?;
        if let Some(c) = &store.context {
            write!(out, ": {}", text(c))?;
        }
        write!(out, "</span>")?;
    }
    writeln!(out, "</div>\n<dl>")?;
    writeln!(
        out,
        "<dt>secret</dt><dd><code>{}</code></dd>\n<dt>line</dt><dd><code>{}</code></dd>",
        text(&f.redacted),
        text(&f.line_text)
    )?;
    writeln!(
        out,
        "<dt>risk</dt><dd><b>{}</b>: {}</dd>",
        a.risk,
        text(&a.why)
    )?;
    write!(
        out,
        "<dt>assessment</dt><dd>lifetime <b>{}</b> · scope <b>{}</b>{} · environment <b>{}</b> · location <b>{}</b> · confidence {}",
        a.lifetime,
        a.scope,
        if a.privileged { " (privileged)" } else { "" },
        a.environment,
        a.location,
        f.confidence
    )?;
    if let Some(exp) = &a.expires_at {
        write!(out, " · expires {}", text(exp))?;
    }
    if !a.usable {
        write!(out, " · not usable as found")?;
    }
    writeln!(out, "</dd>")?;
    if !a.evidence.is_empty() {
        write!(out, "<dt>evidence</dt><dd><ul>")?;
        for e in &a.evidence {
            write!(out, "<li>{}</li>", text(e))?;
        }
        writeln!(out, "</ul></dd>")?;
    }
    write!(out, "<dt>fix</dt><dd>{}", text(&f.remediation.steps))?;
    if let Some(u) = &f.remediation.url {
        // A link only to a web page: a detector file could hold a `javascript:` URL.
        if u.starts_with("https://") || u.starts_with("http://") {
            let u = text(u);
            write!(
                out,
                " <a href=\"{u}\" rel=\"noreferrer noopener\" target=\"_blank\">{u}</a>"
            )?;
        } else {
            write!(out, " {}", text(u))?;
        }
    }
    writeln!(out, "</dd>")?;
    if !f.agents.is_empty() {
        agents(&f.agents, out)?;
    }
    if let Some(v) = &f.verification {
        let status = serde_json::to_value(&v.status).unwrap_or_default();
        write!(
            out,
            "<dt>verified</dt><dd><b>{}</b> by {}: {}",
            text(status.as_str().unwrap_or("unknown")),
            text(&v.host),
            text(&v.reason)
        )?;
        if let Some(id) = &v.identity {
            write!(out, " · identity {}", text(id))?;
        }
        if !v.scopes.is_empty() {
            write!(out, " · scopes {}", text(&v.scopes.join(", ")))?;
        }
        writeln!(out, "</dd>")?;
    }
    if let Some(c) = &f.commit {
        writeln!(
            out,
            "<dt>commit</dt><dd><code>{}</code> by {} on {}, in {}{}</dd>",
            text(&c.id),
            text(&c.author),
            text(&c.date),
            count(c.commits, "commit"),
            if c.in_checkout {
                ""
            } else {
                "; gone from HEAD, still in every clone"
            }
        )?;
    }
    writeln!(
        out,
        "<dt>id</dt><dd><code>{}</code></dd>\n</dl>\n</article>",
        text(&f.fingerprint)
    )
}

/// Which agents can read the finding, and the rules or facts that decided.
fn agents(access: &[Access], out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<dt>agents</dt><dd><table class=\"agents\"><tr><th>agent</th><th>verdict</th><th>file tools</th><th>shell</th><th>because</th></tr>"
    )?;
    for a in access {
        writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"can-{}\">{}</td><td class=\"can-{}\">{}</td><td class=\"because\">{}</td></tr>",
            text(a.agent),
            text(&a.verdict),
            a.file_tools,
            a.file_tools,
            a.shell,
            a.shell,
            a.because
                .iter()
                .map(|b| text(b))
                .collect::<Vec<_>>()
                .join("<br>")
        )?;
    }
    writeln!(out, "</table></dd>")
}

/// Allowed findings, skipped files and warnings, folded: the record, not the news.
fn others(result: &ScanResult, out: &mut dyn Write) -> io::Result<()> {
    if !result.suppressed.is_empty() {
        writeln!(
            out,
            "<details class=\"more\"><summary>{} allowed</summary><ul>",
            result.suppressed.len()
        )?;
        for f in &result.suppressed {
            write!(
                out,
                "<li><code>{}</code> {} ({})",
                text(&f.origin.at(f.line, Some(f.column))),
                text(&f.detector_name),
                f.assessment.risk
            )?;
            if let Some(s) = &f.suppression {
                write!(out, ": {}", text(&s.justification))?;
            }
            writeln!(out, "</li>")?;
        }
        writeln!(out, "</ul></details>")?;
    }
    if !result.skipped.is_empty() {
        writeln!(
            out,
            "<details class=\"more\"><summary>{} skipped</summary><ul>",
            result.skipped.len()
        )?;
        for s in &result.skipped {
            writeln!(
                out,
                "<li><code>{}</code>: {}</li>",
                text(&s.path),
                text(&s.reason.to_string())
            )?;
        }
        writeln!(out, "</ul></details>")?;
    }
    if !result.warnings.is_empty() {
        writeln!(
            out,
            "<details class=\"more\"><summary>{}</summary><ul>",
            count(result.warnings.len(), "warning")
        )?;
        for w in &result.warnings {
            if w.path.is_empty() {
                writeln!(out, "<li>{}</li>", text(&w.message))?;
            } else {
                writeln!(
                    out,
                    "<li><code>{}</code>: {}</li>",
                    text(&w.path),
                    text(&w.message)
                )?;
            }
        }
        writeln!(out, "</ul></details>")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralizes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        // Control characters from a file name become visible escapes, not raw bytes.
        assert_eq!(text("a\u{1b}[31m<b>"), "a\\u{1b}[31m&lt;b&gt;");
    }

    #[test]
    fn a_path_with_markup_is_escaped() {
        let scanner = crate::scanner::Scanner::builtin().unwrap();
        let path = std::path::Path::new("<script>alert(1)</script>/x\" onload=\"y.env");
        let findings = crate::scanner::testing::scan_in_memory(
            &scanner,
            b"AWS_ACCESS_KEY_ID=AKIAFAKEIHZBQGMT5UJW <img src=x onerror=alert(2)>\n",
            path,
            jiff::Timestamp::UNIX_EPOCH,
        );
        assert_eq!(findings.len(), 1, "{findings:?}");
        let result = ScanResult {
            findings,
            ..Default::default()
        };
        let mut out = Vec::new();
        write(&result, &ReportOptions::default(), &mut out).unwrap();
        let page = String::from_utf8(out).unwrap();
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;/x&quot; onload=&quot;y.env"));
        assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
        // The only script element is the report's own; nothing from the file is markup.
        assert_eq!(page.matches("<script").count(), 1);
        assert!(!page.contains("<img") && !page.contains("\" onload"));
        assert!(!page.contains("AKIAFAKEIHZBQGMT5UJW"));
    }

    #[test]
    fn csp_hashes_are_of_the_inlined_text() {
        // The digest of the empty string (`openssl dgst -sha256 -binary | base64`), in the
        // form browsers expect.
        assert_eq!(
            csp_hash(""),
            "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
        );
    }
}
