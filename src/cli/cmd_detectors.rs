//! `credgate detectors list`: the catalog, as text, JSON, the Markdown table of
//! `detectors/README.md` or that of `docs/verify.md`; `credgate detectors check`: detector files against their examples.

use super::args::ListFormat;
use super::{EXIT_CLEAN, EXIT_FINDINGS};
use crate::detectors::Catalog;
use std::io::Write;
use std::path::PathBuf;

pub fn list(format: ListFormat, extra: &[PathBuf]) -> anyhow::Result<u8> {
    let catalog = Catalog::with_user_files(extra)?;
    let stdout = std::io::stdout();
    let mut w = std::io::BufWriter::new(stdout.lock());
    match format {
        ListFormat::Json => {
            let v: Vec<_> = catalog
                .detectors
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "id": d.id,
                        "name": d.name,
                        "provider": d.provider,
                        "provider_name": d.provider_name,
                        "keywords": d.keywords,
                        "paths": d.paths,
                        "validators": d.validators.iter().map(|v| v.name()).collect::<Vec<_>>(),
                        "min_entropy": d.min_entropy,
                        "confidence": d.confidence,
                        "lifetime": d.lifetime,
                        "scope": d.scope,
                        "privileged": d.privileged,
                        "source": d.source,
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut w, &v)?;
            writeln!(w)?;
        }
        ListFormat::Markdown => {
            write!(w, "{}", crate::detectors::markdown_table(&catalog))?;
        }
        ListFormat::VerifyMarkdown => {
            write!(w, "{}", crate::detectors::verify_markdown(&catalog))?;
        }
        ListFormat::Text => {
            for d in &catalog.detectors {
                let validation: Vec<&str> = d.validators.iter().map(|v| v.name()).collect();
                writeln!(
                    w,
                    "{:<36} {:<14} lifetime={:<11} scope={:<10} keywords={} {}",
                    d.id,
                    d.provider,
                    d.lifetime.as_str(),
                    d.scope.as_str(),
                    d.keywords.join(","),
                    if validation.is_empty() {
                        String::new()
                    } else {
                        format!("validation={}", validation.join(","))
                    }
                )?;
            }
            writeln!(
                w,
                "{} detectors, {} providers",
                catalog.detectors.len(),
                catalog.providers().len()
            )?;
        }
    }
    w.flush()?;
    Ok(EXIT_CLEAN)
}

/// Checks the built-in catalog, or only the detectors of the files given (which take the place
/// of built-in detectors with the same ids, so an edited built-in file can be checked as is).
pub fn check(paths: &[PathBuf]) -> anyhow::Result<u8> {
    let catalog = Catalog::with_replacing_files(paths)?;
    let engine = crate::engine::Engine::new(catalog)?;
    let builtin_only = paths.is_empty();
    let select = |d: &crate::detectors::Detector| d.user != builtin_only;
    let mut problems = crate::catalog_check::check(&engine, &select);
    if builtin_only {
        problems.extend(crate::catalog_check::check_fragments());
    }
    let checked: Vec<&crate::detectors::Detector> = engine
        .catalog()
        .detectors
        .iter()
        .filter(|d| select(d))
        .collect();
    let examples: usize = checked
        .iter()
        .map(|d| d.positive.len() + d.negative.len())
        .sum();
    let mut out = std::io::stdout().lock();
    for p in &problems {
        writeln!(out, "{p}")?;
    }
    writeln!(
        out,
        "{} checked, {}: {}",
        crate::util::count(checked.len(), "detector"),
        crate::util::count(examples, "example"),
        if problems.is_empty() {
            "all pass".to_string()
        } else {
            crate::util::count(problems.len(), "problem")
        }
    )?;
    Ok(if problems.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}
