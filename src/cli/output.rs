//! Where a report goes: standard output, or a file created private (mode 0600), since even a
//! redacted report says where credentials are.

use std::io::Write;
use std::path::Path;

/// Runs `write` on a buffered standard output, or on `file` when given, and flushes.
pub fn to(
    file: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    match file {
        Some(path) => {
            let f = create_private(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot write report: {e}", path.display()))?;
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

/// Reports hold redacted findings, but still say where credentials are: keep them private.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}
