//! The one glob dialect of credgate, for `--exclude`, `[scan] exclude`, allow rules and detector
//! `paths`: gitignore-like, so that a glob means the same wherever a user writes it.

use globset::{Glob, GlobBuilder};

/// Compiles a user or detector path glob. A glob without `/` matches a file name at any depth
/// (`*.pem`, `.env`), as in `.gitignore`; one with `/` matches the path relative to the scan root.
pub fn path_glob(g: &str) -> Result<Glob, globset::Error> {
    let pattern = if g.contains('/') {
        g.trim_start_matches('/').to_string()
    } else {
        format!("**/{g}")
    };
    GlobBuilder::new(&pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
}
