//! Prints, as JSON lines, every assignment the generic-credential layer reads under a
//! directory, with its feature values, whatever its score: the input of
//! `benches/fit-generic.py`, which fits the layer's model on CredData's development half.
//!
//! `cargo run --release --example generic_features -- DIR > features.jsonl`

use credgate::testing::{Catalog, Engine, feature_names};
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .ok_or("usage: generic_features DIR")?;
    let engine = Engine::new(Catalog::builtin()?)?;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    writeln!(
        out,
        "{}",
        serde_json::json!({ "features": feature_names() })
    )?;
    for entry in walkdir(std::path::Path::new(&dir))? {
        let Ok(hay) = std::fs::read(&entry) else {
            continue;
        };
        let rel = entry.strip_prefix(&dir).unwrap_or(&entry);
        for (d, value, x) in engine.layer_features(&hay, rel) {
            let line = 1 + memchr_count(&hay[..value.start]);
            writeln!(
                out,
                "{}",
                serde_json::json!({
                    "path": rel.to_string_lossy(),
                    "line": line,
                    "detector": engine.detector(d).id,
                    "x": x,
                })
            )?;
        }
    }
    Ok(())
}

fn memchr_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

/// Every regular file under `dir`, depth first, in name order.
fn walkdir(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let t = e.file_type()?;
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    Ok(out)
}
