//! Signals from around the credential: the environment it belongs to (from the variable name,
//! the section it sits in, the file name, the path) and the kind of file it sits in.

use crate::gitignore::GitStatus;
use crate::model::{Environment, Location};

/// Maps one word of a name to an environment. Words are the parts of a name split on `_`, `-`,
/// `.`, `/` and spaces, compared case-insensitively.
fn word_env(w: &str) -> Option<Environment> {
    Some(match w.to_ascii_lowercase().as_str() {
        "prod" | "production" | "prd" | "live" => Environment::Production,
        "staging" | "stage" | "stg" | "preprod" | "uat" => Environment::Staging,
        "dev" | "development" | "local" => Environment::Development,
        "test" | "tests" | "testing" | "qa" | "sandbox" | "testdata" | "fixtures" | "__tests__" => {
            Environment::Test
        }
        _ => return None,
    })
}

/// The environment named by any word of `name`, if exactly one environment is named.
pub fn env_from_name(name: &str) -> Option<Environment> {
    let mut found = None;
    for w in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        if let Some(e) = word_env(w) {
            match found {
                None => found = Some(e),
                Some(f) if f == e => {}
                Some(_) => return None,
            }
        }
    }
    found
}

/// The environment named by a directory path. "local" is not taken from directories: it names
/// `~/.local` far more often than a development environment.
pub fn env_from_dir(dir: &str) -> Option<Environment> {
    let words: Vec<&str> = dir
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.eq_ignore_ascii_case("local"))
        .collect();
    env_from_name(&words.join("/"))
}

/// The name a value is assigned to on its line: `PROD_KEY=`, `"prod_key": "`, `prod_key: `.
pub fn assigned_name(line_before_secret: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(line_before_secret);
    let t = s.trim_end().trim_end_matches(['"', '\'']).trim_end();
    let t = t.strip_suffix('=').or_else(|| t.strip_suffix(':'))?;
    let t = t.trim_end().trim_end_matches(['"', '\'']);
    // The name starts after the last character that cannot be part of one; that character may
    // be multi-byte (a replacement character from invalid UTF-8), so step over all of it.
    let start = t
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = &t[start..];
    (!name.is_empty()).then(|| name.to_string())
}

/// The section a line sits in: the nearest INI header above it (`[production]`,
/// `[profile prod]`), or, for indented YAML, the nearest less-indented `key:` line above.
pub fn section_name(hay: &[u8], line_start: usize) -> Option<String> {
    // Look back at most 64 KiB: sections are near their values, and this stays bounded.
    let from = line_start.saturating_sub(64 * 1024);
    let this_line = line_indent(&hay[line_start..hay.len().min(line_start + 256)]);
    let mut want_indent = this_line;
    // Line by line upwards, in place: copying the 64 KiB window into a string for every finding
    // was 2% of a scan of real source.
    let mut rest = &hay[from..line_start];
    loop {
        let (line, above) = match memchr::memrchr(b'\n', rest) {
            Some(i) => (&rest[i + 1..], Some(&rest[..i])),
            None => (rest, None),
        };
        // Only a line that ends in `]` or `:` can be either; the last byte that is not a space
        // says so without reading the line as text (a byte past ASCII may end a Unicode
        // space, so such a line is read whole).
        let last = line.iter().rev().find(|&&b| !is_space(b));
        if last.is_some_and(|&b| b >= 0x80 || b == b']' || b == b':') {
            let line = String::from_utf8_lossy(line);
            let line = line.strip_suffix('\r').unwrap_or(&line);
            let trimmed = line.trim();
            let comment = trimmed.starts_with('#') || trimmed.starts_with(';');
            if trimmed.starts_with('[') && trimmed.ends_with(']') && !trimmed.contains('=') {
                return Some(trimmed[1..trimmed.len() - 1].trim().to_string());
            }
            let indent = line_indent(line.as_bytes());
            if !comment && indent < want_indent && trimmed.ends_with(':') {
                let key = trimmed.trim_end_matches(':').trim_matches(['"', '\'']);
                if env_from_name(key).is_some() {
                    return Some(key.to_string());
                }
                want_indent = indent;
            }
        }
        rest = above?;
    }
}

/// The ASCII bytes that `str::trim` removes (it also removes U+000B, which `trim_ascii` keeps).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn line_indent(line: &[u8]) -> usize {
    line.iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count()
}

/// Where a file sits, from the store it belongs to (if any, see
/// [`crate::stores::Stores::find_in_workspace`]) and its git status: what the file is comes
/// first, then whether git has it.
pub fn locate(store: Option<&crate::stores::Store>, git: GitStatus) -> Location {
    match store.map(|s| s.kind) {
        Some(crate::stores::Kind::AgentConfig) => Location::AgentConfig,
        Some(crate::stores::Kind::AgentTranscript) => Location::AgentTranscript,
        Some(crate::stores::Kind::CliStore) => Location::CliStore,
        None => match git {
            GitStatus::Tracked => Location::Tracked,
            GitStatus::Ignored => Location::Gitignored,
            GitStatus::Untracked => Location::Untracked,
            GitStatus::OutsideRepository => Location::OutsideRepository,
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn assigned_name_after_invalid_utf8() {
        // Found by fuzz/engine: a name preceded by bytes that are not UTF-8.
        assert_eq!(
            assigned_name(b"\xb7\xb7_TOKEN="),
            Some("_TOKEN".to_string())
        );
        assert_eq!(assigned_name("é=".as_bytes()), None);
    }

    use super::*;
    use std::path::Path;

    #[test]
    fn names() {
        assert_eq!(
            env_from_name("PROD_STRIPE_KEY"),
            Some(Environment::Production)
        );
        assert_eq!(env_from_name(".env.staging"), Some(Environment::Staging));
        assert_eq!(
            env_from_name("appsettings.Development.json"),
            Some(Environment::Development)
        );
        assert_eq!(env_from_name("tests/fixtures/x"), Some(Environment::Test));
        assert_eq!(env_from_name("STRIPE_KEY"), None);
        assert_eq!(
            env_from_name("prod-to-dev-sync"),
            None,
            "two environments: no decision"
        );
        assert_eq!(env_from_name("PRODUCT_KEY"), None, "words, not substrings");
    }

    #[test]
    fn assigned() {
        assert_eq!(
            assigned_name(b"export PROD_KEY=").as_deref(),
            Some("PROD_KEY")
        );
        assert_eq!(
            assigned_name(b"  \"staging_token\": \"").as_deref(),
            Some("staging_token")
        );
        assert_eq!(assigned_name(b"key: ").as_deref(), Some("key"));
        assert_eq!(assigned_name(b"curl -H ").as_deref(), None);
    }

    /// The reading `section_name` replaced: the window copied into a string, its lines read
    /// upwards.
    fn section_name_copying(hay: &[u8], line_start: usize) -> Option<String> {
        let from = line_start.saturating_sub(64 * 1024);
        let text = String::from_utf8_lossy(&hay[from..line_start]);
        let mut want_indent = line_indent(&hay[line_start..hay.len().min(line_start + 256)]);
        for line in text.lines().rev() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            if trimmed.starts_with('[') && trimmed.ends_with(']') && !trimmed.contains('=') {
                return Some(trimmed[1..trimmed.len() - 1].trim().to_string());
            }
            let indent = line_indent(line.as_bytes());
            if indent < want_indent && trimmed.ends_with(':') {
                let key = trimmed.trim_end_matches(':').trim_matches(['"', '\'']);
                if env_from_name(key).is_some() {
                    return Some(key.to_string());
                }
                want_indent = indent;
            }
        }
        None
    }

    #[test]
    fn sections_as_the_copying_reading_found_them() {
        // Lines built from pieces that decide the answer (headers, keys, indents, comments,
        // Unicode and ASCII spaces at the ends, CRLF, bytes that are not UTF-8), every line
        // start of every combination of three.
        let pieces: [&[u8]; 12] = [
            b"[prod]\n",
            b"  [staging] \r\n",
            b"production:\n",
            b"  staging:\n",
            b"    key: v\n",
            b"# [prod]\n",
            b"; prod:\n",
            b"[a=b]\n",
            "production:\u{3000}\n".as_bytes(),
            b"dev:\x0b\n",
            b"\xff\xfe prod:\n",
            b"x\n",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let hay = [a, b, c, b"  password: x\n"].concat();
                    for at in
                        std::iter::once(0).chain(memchr::memchr_iter(b'\n', &hay).map(|i| i + 1))
                    {
                        assert_eq!(
                            section_name(&hay, at),
                            section_name_copying(&hay, at),
                            "{:?} at {at}",
                            String::from_utf8_lossy(&hay)
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn sections() {
        let ini = b"[default]\nx = 1\n[profile prod]\naws_access_key_id = AKIA\n";
        let at = ini.len() - "aws_access_key_id = AKIA\n".len();
        assert_eq!(section_name(ini, at).as_deref(), Some("profile prod"));
        let yaml = b"production:\n  db:\n    password: x\n";
        let at = yaml.len() - "    password: x\n".len();
        assert_eq!(section_name(yaml, at).as_deref(), Some("production"));
        assert_eq!(section_name(b"password: x\n", 0), None);
    }

    #[test]
    fn locations() {
        let stores = crate::stores::Stores::builtin().unwrap();
        let l = |p: &str, git| locate(stores.find_in_workspace(Path::new(p)), git);
        assert_eq!(l(".mcp.json", GitStatus::Tracked), Location::AgentConfig);
        assert_eq!(
            l("home/.claude.json", GitStatus::OutsideRepository),
            Location::AgentConfig
        );
        assert_eq!(
            l(".aws/credentials", GitStatus::OutsideRepository),
            Location::CliStore
        );
        assert_eq!(
            l(".railway/config.json", GitStatus::OutsideRepository),
            Location::CliStore
        );
        assert_eq!(l("src/a.py", GitStatus::Tracked), Location::Tracked);
        assert_eq!(l(".env", GitStatus::Ignored), Location::Gitignored);
        assert_eq!(l("new.txt", GitStatus::Untracked), Location::Untracked);
    }
}
