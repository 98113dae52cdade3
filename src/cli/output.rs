//! Where a report goes: standard output, or a file created private (mode 0600), since even a
//! redacted report says where credentials are, and never through a symbolic link.

use std::io::Write;
use std::path::Path;

/// Runs `write` on a buffered standard output, or on `file` when given, and flushes.
pub fn to(
    file: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match file {
        Some(path) => {
            let f = crate::safe_write::create_nofollow(path, crate::safe_write::PRIVATE)
                .map_err(|e| anyhow::anyhow!("cannot write report: {e}"))?;
            let mut w = std::io::BufWriter::new(f);
            write(&mut w)?;
            w.flush()?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            write(&mut w)?;
            w.flush()?;
        }
    }
    Ok(())
}
