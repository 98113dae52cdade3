//! How pieces of a finding are written in reports: the redacted secret, printable bytes, one-line
//! excerpts of scanned content, and paths that need not be UTF-8.

use std::path::{Path, PathBuf};

/// The masked form of a secret: the type prefix (`ghp_`, `sk_live_`) stays, then at most a few
/// characters of the random part, never more than a quarter of it, then a fixed mask. Short
/// secrets (passwords) show nothing of themselves: `sk_live_FAKE9xQ2mV7pL4rT8wZ1` with its
/// 8-byte prefix is `sk_live_FAKE*****`, `hunter2hunter2` is `*****`.
pub fn redact(secret: &[u8], known_prefix_len: usize) -> String {
    let prefix_len = known_prefix_len.min(secret.len());
    let body_len = secret.len() - prefix_len;
    let show = if body_len >= 16 {
        (body_len / 4).min(4)
    } else {
        0
    };
    let visible = &secret[..prefix_len + show];
    let mut out = printable(visible);
    out.push_str("*****");
    out
}

/// Renders bytes for a report: printable ASCII as is, valid UTF-8 as is, everything else
/// (control characters, terminal escapes, invalid bytes) escaped, so that a scanned file cannot
/// write escape sequences to the user's terminal.
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\t' {
                out.push(' ');
            } else if c.is_control() {
                out.extend(c.escape_default());
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Renders a piece of scanned content for a one-line excerpt: printable text as is, and each run
/// of control characters or invalid bytes (binary files) as one `·`, so that an excerpt of a
/// binary file stays short and cannot carry terminal escapes.
pub fn excerpt(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut in_junk = false;
    let junk = |out: &mut String, in_junk: &mut bool| {
        if !*in_junk {
            out.push('·');
            *in_junk = true;
        }
    };
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\t' {
                out.push(' ');
                in_junk = false;
            } else if c.is_control() || c == '\u{fffd}' {
                junk(&mut out, &mut in_junk);
            } else {
                out.push(c);
                in_junk = false;
            }
        }
        if !chunk.invalid().is_empty() {
            junk(&mut out, &mut in_junk);
        }
    }
    out
}

/// Paths in reports, with `./` removed from the front. Paths are bytes on Unix and need not be
/// UTF-8; a report must still name the file exactly, so a backslash is written `\\` and a byte
/// that is not part of valid UTF-8 is written `\xNN`. [`path_bytes`] reverses it (SARIF
/// percent-encodes the original bytes).
pub fn display_path(p: &Path) -> String {
    let bytes = p.as_os_str().as_encoded_bytes();
    let bytes = bytes.strip_prefix(b"./").unwrap_or(bytes);
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push_str("\\\\");
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The path written by [`display_path`], with its original bytes.
pub fn path_from_display(display: &str) -> PathBuf {
    let bytes = path_bytes(display);
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        PathBuf::from(std::ffi::OsString::from_vec(bytes))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The bytes of a path written by [`display_path`].
pub fn path_bytes(display: &str) -> Vec<u8> {
    let b = display.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            if b.get(i + 1) == Some(&b'x')
                && let Some(v) = display
                    .get(i + 2..i + 4)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

#[cfg(all(test, unix))]
mod path_tests {
    use super::*;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn non_utf8_paths_round_trip() {
        let raw: &[u8] = b"./dir/caf\xe9 \\x41\xff.env";
        let shown = display_path(Path::new(std::ffi::OsStr::from_bytes(raw)));
        assert_eq!(shown, "dir/caf\\xE9 \\\\x41\\xFF.env");
        assert_eq!(path_bytes(&shown), &raw[2..]);
        assert_eq!(display_path(Path::new("./a/b.txt")), "a/b.txt");
        assert_eq!(path_bytes("a/é.txt"), "a/é.txt".as_bytes());
    }
}
