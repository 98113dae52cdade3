//! Baselines: the findings a team has accepted, so that a scan reports only what is new.
//!
//! The file holds one finding per line, `FINGERPRINT DETECTOR-ID`, sorted: no secret, no path,
//! no line number, so moving code does not change it. Two branches that each add findings add
//! different lines; `baseline create` also marks the file `merge=union` in `.gitattributes`
//! beside it, so git merges such additions without a conflict even when the new lines land next
//! to each other in sort order.

use crate::finding::Finding;
use anyhow::{Context, Result, anyhow};
use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::Path;

const HEADER: &str =
    "# credgate baseline: accepted findings, one per line: FINGERPRINT DETECTOR-ID.
# The fingerprint is sha256(\"credgate:v1:\" + detector id + \"\\0\" + secret), first 32 hex digits.
# It holds no secret and no location. Merge with merge=union (see .gitattributes).
";

/// Reads a baseline: the set of fingerprints. Comment and blank lines are ignored; anything
/// else that is not `FINGERPRINT [DETECTOR-ID]` is an error naming the file and line.
pub fn load(path: &Path) -> Result<HashSet<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow!("{}: cannot read baseline: {e}", path.display()))?;
    parse(&text, path)
}

/// Parses a baseline's text; `path` names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<HashSet<String>> {
    let mut set = HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // Union merges of the same addition on both sides, or conflict markers left in by a
        // manual merge, are caught here rather than silently accepted.
        let fp = line.split_whitespace().next().unwrap_or("");
        if fp.len() != 32 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(anyhow!(
                "{}:{}: not a baseline line (expected a 32-hex-digit fingerprint)",
                path.display(),
                i + 1
            ));
        }
        set.insert(fp.to_ascii_lowercase());
    }
    Ok(set)
}

/// Writes the baseline for `findings` to `path`, never through a symbolic link at `path`; a new
/// file is created private (0600) like reports, though it holds no secret.
pub fn write(path: &Path, findings: &[Finding]) -> Result<usize> {
    let lines: BTreeSet<String> = findings
        .iter()
        .map(|f| format!("{} {}", f.fingerprint, f.detector_id))
        .collect();
    let mut out = Vec::new();
    out.extend_from_slice(HEADER.as_bytes());
    for l in &lines {
        writeln!(out, "{l}")?;
    }
    crate::safe_write::create_nofollow(path, crate::safe_write::PRIVATE)
        .context("cannot write baseline")?
        .write_all(&out)
        .with_context(|| format!("{}: cannot write baseline", path.display()))?;
    Ok(lines.len())
}

/// Makes sure `.gitattributes` beside the baseline marks it `merge=union`, never writing through
/// a symbolic link. Returns whether the file was changed.
pub fn ensure_union_merge(baseline: &Path) -> Result<bool> {
    union_merge(baseline, true)
}

/// Whether `.gitattributes` beside the baseline already marks it `merge=union` (what
/// [`ensure_union_merge`] would leave alone), without writing.
pub fn has_union_merge(baseline: &Path) -> Result<bool> {
    Ok(!union_merge(baseline, false)?)
}

/// Whether the line is missing (and with `write`, adds it).
fn union_merge(baseline: &Path, write: bool) -> Result<bool> {
    let dir = baseline
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = baseline
        .file_name()
        .ok_or_else(|| anyhow!("{}: not a file name", baseline.display()))?
        .to_string_lossy()
        .replace(' ', "[[:space:]]");
    let attrs = dir.join(".gitattributes");
    let current = std::fs::read_to_string(&attrs).unwrap_or_default();
    let wanted = format!("{name} merge=union");
    if current.lines().any(|l| l.trim() == wanted) {
        return Ok(false);
    }
    if !write {
        return Ok(true);
    }
    let mut text = current;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&wanted);
    text.push('\n');
    crate::safe_write::create_nofollow(&attrs, crate::safe_write::SHARED)
        .context("cannot mark the baseline merge=union")?
        .write_all(text.as_bytes())
        .with_context(|| format!("{}: cannot write", attrs.display()))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_rejects_non_baseline_lines() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("b");
        std::fs::write(
            &p,
            "# c\n\n0123456789abcdef0123456789abcdef aws.access-key-id\n",
        )
        .unwrap();
        assert_eq!(load(&p).unwrap().len(), 1);
        std::fs::write(&p, "{\"not\": \"a baseline\"}\n").unwrap();
        let e = load(&p).unwrap_err().to_string();
        assert!(
            e.ends_with(":1: not a baseline line (expected a 32-hex-digit fingerprint)"),
            "{e}"
        );
        std::fs::write(&p, "0123456789abcdef0123456789abcdef x\n<<<<<<< HEAD\n").unwrap();
        assert!(
            load(&p)
                .unwrap_err()
                .to_string()
                .contains(":2: not a baseline line")
        );
    }

    #[test]
    fn gitattributes_is_written_once() {
        let d = tempfile::tempdir().unwrap();
        let b = d.path().join(".credgate-baseline");
        std::fs::write(d.path().join(".gitattributes"), "*.png binary").unwrap();
        assert!(ensure_union_merge(&b).unwrap());
        assert!(!ensure_union_merge(&b).unwrap());
        assert_eq!(
            std::fs::read_to_string(d.path().join(".gitattributes")).unwrap(),
            "*.png binary\n.credgate-baseline merge=union\n"
        );
    }
}
