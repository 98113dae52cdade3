//! The project was called something else before it was credgate. Nothing in the tree may use the
//! old name (Samsung's CredSweeper, another scanner, may still be named as such).

use std::path::Path;

/// The old name, spelled so that this file does not hold it.
const OLD: &str = concat!("cred", "sweep");

fn old_name_at(hay: &[u8]) -> Option<usize> {
    let lower = hay.to_ascii_lowercase();
    let old = OLD.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr_find(&lower[from..], old) {
        let at = from + i;
        // "CredSweeper" is Samsung's tool, not ours.
        if !lower[at + old.len()..].starts_with(b"er") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn visit(dir: &Path, bad: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        let path = e.path();
        if name == ".git" || name == "target" {
            continue;
        }
        if old_name_at(name.as_encoded_bytes()).is_some() {
            bad.push(format!("{}: the file name", path.display()));
        }
        let ft = e.file_type().unwrap();
        if ft.is_dir() {
            visit(&path, bad);
        } else if ft.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            if let Some(at) = old_name_at(&bytes) {
                let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                bad.push(format!("{}:{line}", path.display()));
            }
        }
    }
}

#[test]
fn no_file_uses_the_old_name() {
    let mut bad = Vec::new();
    visit(Path::new(env!("CARGO_MANIFEST_DIR")), &mut bad);
    assert!(
        bad.is_empty(),
        "the old name is still used at:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_check_can_fail() {
    assert!(old_name_at(format!("x {}.toml", OLD.to_uppercase()).as_bytes()).is_some());
    assert!(old_name_at(b"Samsung's CredSweeper finds").is_none());
    assert!(old_name_at(b"credgate").is_none());
}
