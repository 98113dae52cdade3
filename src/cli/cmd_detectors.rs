//! `credgate detectors list`: the catalog, as text, JSON or the Markdown table of
//! `detectors/README.md`.

use super::EXIT_CLEAN;
use super::args::ListFormat;
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
