//! The readable report: one block per finding, then skipped files, warnings and a summary.

use super::ReportOptions;
use crate::finding::{Finding, printable};
use crate::model::Risk;
use crate::result::ScanResult;
use std::io::{self, Write};
use termcolor::{Ansi, Color, ColorSpec, NoColor, WriteColor};

pub fn write(result: &ScanResult, opts: &ReportOptions, out: &mut dyn Write) -> io::Result<()> {
    if opts.color {
        render(result, opts, &mut Ansi::new(out))
    } else {
        render(result, opts, &mut NoColor::new(out))
    }
}

fn style(fg: Color, bold: bool) -> ColorSpec {
    let mut s = ColorSpec::new();
    s.set_fg(Some(fg)).set_bold(bold);
    s
}

fn risk_color(r: Risk) -> Color {
    match r {
        Risk::Critical => Color::Red,
        Risk::High => Color::Magenta,
        Risk::Medium => Color::Yellow,
        Risk::Low => Color::Blue,
        Risk::Info => Color::White,
    }
}

fn render(result: &ScanResult, opts: &ReportOptions, w: &mut dyn WriteColor) -> io::Result<()> {
    // Worst first: the findings grouped by risk, each group in path order.
    for level in [
        Risk::Critical,
        Risk::High,
        Risk::Medium,
        Risk::Low,
        Risk::Info,
    ] {
        let group: Vec<&Finding> = result
            .findings
            .iter()
            .filter(|f| f.assessment.risk == level)
            .collect();
        if group.is_empty() {
            continue;
        }
        w.set_color(&style(risk_color(level), true))?;
        write!(w, "{}", level.as_str().to_ascii_uppercase())?;
        w.reset()?;
        writeln!(w, " ({})\n", group.len())?;
        for f in group {
            finding(f, opts, w)?;
        }
    }
    if !result.skipped.is_empty() {
        w.set_color(&style(Color::Yellow, true))?;
        writeln!(w, "skipped")?;
        w.reset()?;
        for s in &result.skipped {
            writeln!(w, "  {}: {}", printable(s.path.as_bytes()), s.reason)?;
        }
        writeln!(w)?;
    }
    if !result.warnings.is_empty() {
        w.set_color(&style(Color::Yellow, true))?;
        writeln!(w, "warnings")?;
        w.reset()?;
        for x in &result.warnings {
            if x.path.is_empty() {
                writeln!(w, "  {}", x.message)?;
            } else {
                writeln!(w, "  {}: {}", printable(x.path.as_bytes()), x.message)?;
            }
        }
        writeln!(w)?;
    }
    summary(result, w)
}

fn finding(f: &Finding, opts: &ReportOptions, w: &mut dyn WriteColor) -> io::Result<()> {
    w.set_color(&style(risk_color(f.assessment.risk), true))?;
    write!(w, "{}", f.detector_name)?;
    w.reset()?;
    writeln!(w, "  [{}]", f.detector_id)?;

    write!(w, "  at       ")?;
    w.set_color(&style(Color::Cyan, false))?;
    let shown = f.origin.at(f.line, Some(f.column));
    write!(w, "{}", printable(shown.as_bytes()))?;
    w.reset()?;
    if f.gitignored {
        write!(
            w,
            "  (gitignored: an agent can read it, git does not show it)"
        )?;
    }
    if let Some(enc) = f.encoding {
        write!(w, "  ({enc})")?;
    }
    writeln!(w)?;

    // Which store the file is, and where in it: for an agent's transcript, the session that
    // saw the credential (what a user needs after an incident).
    if let Some(store) = &f.store {
        write!(w, "  store    {}", store.tool)?;
        if let Some(c) = &store.context {
            write!(w, ": {}", printable(c.as_bytes()))?;
        }
        writeln!(w)?;
    }
    if opts.show_secrets {
        writeln!(w, "  secret   {}", printable(f.secret.expose()))?;
    } else {
        writeln!(w, "  secret   {}", f.redacted)?;
    }
    writeln!(w, "  line     {}", f.line_text)?;
    let a = &f.assessment;
    write!(w, "  risk     ")?;
    w.set_color(&style(risk_color(a.risk), true))?;
    write!(w, "{}", a.risk)?;
    w.reset()?;
    writeln!(w, ": {}", a.why)?;
    write!(
        w,
        "  what     lifetime {}, scope {}{}, environment {}, location {}",
        a.lifetime,
        a.scope,
        if a.privileged { " (privileged)" } else { "" },
        a.environment,
        a.location
    )?;
    if let Some(exp) = &a.expires_at {
        write!(w, ", expires {exp}")?;
    }
    writeln!(w)?;
    for (i, e) in a.evidence.iter().enumerate() {
        writeln!(w, "  {}{e}", if i == 0 { "why      " } else { "         " })?;
    }
    write!(w, "  fix      {}", f.remediation.steps)?;
    if let Some(u) = &f.remediation.url {
        write!(w, " <{u}>")?;
    }
    writeln!(w)?;
    if !f.agents.is_empty() {
        writeln!(
            w,
            "  agents   {}",
            crate::agent::access::one_line(&f.agents)
        )?;
    }
    writeln!(w, "  id       {}", f.fingerprint)?;
    writeln!(w)
}

fn summary(result: &ScanResult, w: &mut dyn WriteColor) -> io::Result<()> {
    let s = &result.summary;
    w.set_color(ColorSpec::new().set_bold(true))?;
    write!(
        w,
        "{} finding{}",
        s.findings,
        if s.findings == 1 { "" } else { "s" }
    )?;
    w.reset()?;
    write!(
        w,
        " in {} file{} ({}) scanned in {:.2}s",
        s.files_scanned,
        if s.files_scanned == 1 { "" } else { "s" },
        human_bytes(s.bytes_scanned),
        s.elapsed().as_secs_f64()
    )?;
    let r = &s.by_risk;
    write!(
        w,
        " [critical {}, high {}, medium {}, low {}, info {}]",
        r.critical, r.high, r.medium, r.low, r.info
    )?;
    if s.suppressed > 0 {
        write!(
            w,
            "; {} allowed (baseline, config or credgate:allow)",
            s.suppressed
        )?;
    }
    if s.not_shown > 0 {
        write!(w, "; {} below --min-risk not shown", s.not_shown)?;
    }
    if s.in_published_packages > 0 {
        write!(
            w,
            "; {} in published packages held back (--confidence low lists them)",
            s.in_published_packages
        )?;
    }
    if s.files_skipped > 0 {
        write!(w, "; {} skipped", s.files_skipped)?;
    }
    if s.warnings > 0 {
        write!(
            w,
            "; {} warning{}",
            s.warnings,
            if s.warnings == 1 { "" } else { "s" }
        )?;
    }
    writeln!(w)
}

/// `1536` -> `1.5 KiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn human_bytes() {
        assert_eq!(super::human_bytes(12), "12 B");
        assert_eq!(super::human_bytes(1536), "1.5 KiB");
        assert_eq!(super::human_bytes(64 << 20), "64.0 MiB");
    }
}
