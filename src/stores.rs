//! Credential stores in a home directory: the files where CLIs and agents keep credentials
//! (`detectors/stores/stores.toml`, embedded), and how each format names the profile, host or
//! project a credential belongs to.

use anyhow::{Result, anyhow};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const STORES: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/detectors/stores/stores.toml"
));

/// How a store's file is laid out, which decides how a finding's context is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// INI sections (`[profile x]`).
    Ini,
    /// TOML tables.
    Toml,
    /// JSON objects, named by their key path.
    Json,
    /// YAML mappings, named by their key path.
    Yaml,
    /// `machine` / `login` / `password` entries.
    Netrc,
    /// `https://user:token@host` lines.
    GitCredentials,
    /// The whole file is the token.
    Raw,
    /// Shell or REPL history, named by line.
    History,
    /// An SQLite database, named by table and row.
    Sqlite,
    /// An agent's session log, one JSON event per line: named by session (the file's name)
    /// and line.
    Transcript,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    CliStore,
    AgentConfig,
    /// An agent's record of its sessions: what it read, ran and was told.
    AgentTranscript,
}

/// One store of `stores.toml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Store {
    pub id: String,
    pub tool: String,
    pub kind: Kind,
    pub format: Format,
    /// Globs relative to the home directory.
    pub paths: Vec<String>,
    /// Whether the same files inside a workspace are this store too (a checked-in `.npmrc`,
    /// a project's `.claude/settings.json`). Off for files that are only a store in a home
    /// directory (shell history, `~/.ssh`).
    #[serde(default = "yes")]
    pub in_workspace: bool,
    /// Files that are this store only inside a workspace (a project's `.mcp.json`), matched at
    /// any depth.
    #[serde(default)]
    pub workspace_paths: Vec<String>,
    pub holds: String,
    pub sources: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    store: Vec<Store>,
}

/// The store catalog with a matcher over all paths.
pub struct Stores {
    /// The stores, in catalog order (the first match wins).
    pub stores: Vec<Store>,
    set: GlobSet,
    /// For each glob in `set`, its store.
    owner: Vec<usize>,
    /// The same for files below a workspace root: each path at any depth.
    workspace_set: GlobSet,
    workspace_owner: Vec<usize>,
}

impl Stores {
    /// The catalog embedded from `detectors/stores/stores.toml`.
    pub fn builtin() -> Result<Stores> {
        let file: File = toml::from_str(STORES).map_err(|e| anyhow!("stores.toml: {e}"))?;
        let glob = |p: &str| GlobBuilder::new(p).literal_separator(true).build();
        let mut b = GlobSetBuilder::new();
        let mut owner = Vec::new();
        let mut wb = GlobSetBuilder::new();
        let mut workspace_owner = Vec::new();
        for (i, s) in file.store.iter().enumerate() {
            for p in &s.paths {
                b.add(glob(p)?);
                owner.push(i);
                if s.in_workspace {
                    wb.add(glob(&format!("**/{p}"))?);
                    workspace_owner.push(i);
                }
            }
            for p in &s.workspace_paths {
                wb.add(glob(&format!("**/{p}"))?);
                workspace_owner.push(i);
            }
        }
        Ok(Stores {
            stores: file.store,
            set: b.build()?,
            owner,
            workspace_set: wb.build()?,
            workspace_owner,
        })
    }

    /// The store a file below a workspace root belongs to (`path` relative to the root), the
    /// first listed winning: a project's `.mcp.json`, a checked-in `.npmrc`.
    pub fn find_in_workspace(&self, rel: &Path) -> Option<&Store> {
        self.workspace_set
            .matches(rel)
            .into_iter()
            .map(|g| self.workspace_owner[g])
            .min()
            .map(|i| &self.stores[i])
    }

    /// The store a path (relative to the home directory) belongs to; the first listed wins.
    pub fn find(&self, rel: &Path) -> Option<&Store> {
        self.set
            .matches(rel)
            .into_iter()
            .map(|g| self.owner[g])
            .min()
            .map(|i| &self.stores[i])
    }

    /// Every existing file under `home` that a store names. Only the directories the globs
    /// start from are walked, so a large home directory costs little.
    pub fn files(&self, home: &Path) -> Vec<PathBuf> {
        let mut bases: Vec<PathBuf> = Vec::new();
        for s in &self.stores {
            for p in &s.paths {
                let literal: Vec<&str> = p
                    .split('/')
                    .take_while(|c| !c.contains(['*', '?', '[', '{']))
                    .collect();
                bases.push(home.join(literal.join("/")));
            }
        }
        bases.sort();
        bases.dedup();
        let mut out = Vec::new();
        for base in bases {
            let Ok(meta) = std::fs::symlink_metadata(&base) else {
                continue;
            };
            let candidates: Vec<PathBuf> = if meta.is_dir() {
                ignore::WalkBuilder::new(&base)
                    .standard_filters(false)
                    .max_depth(Some(4))
                    .build()
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                    .map(|e| e.into_path())
                    .collect()
            } else {
                vec![base]
            };
            for c in candidates {
                if let Ok(rel) = c.strip_prefix(home)
                    && self.find(rel).is_some()
                {
                    out.push(c);
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// What the finding belongs to inside its store: the profile, host, section or key path. For
/// SQLite stores, the database at `file` is opened read-only and immutable (nothing is written,
/// not even a journal) and the row holding the secret is named.
pub fn context(
    format: Format,
    hay: &[u8],
    secret: std::ops::Range<usize>,
    file: &Path,
) -> Option<String> {
    let at = secret.start;
    let before = &hay[..at.min(hay.len())];
    match format {
        Format::Ini | Format::Toml => {
            let text = String::from_utf8_lossy(before);
            text.lines().rev().find_map(|l| {
                let t = l.trim();
                (t.starts_with('[') && t.ends_with(']'))
                    .then(|| format!("section [{}]", t.trim_matches(['[', ']']).trim()))
            })
        }
        Format::Json => json_path(before).map(|p| format!("key {p}")),
        Format::Yaml => yaml_path(before).map(|p| format!("key {p}")),
        Format::Netrc => {
            let text = String::from_utf8_lossy(before);
            let mut last = None;
            for w in text.split_whitespace().rev() {
                if w == "machine" {
                    return last.map(|h: &str| format!("machine {h}"));
                }
                last = Some(w);
            }
            None
        }
        Format::GitCredentials => {
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = hay[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(hay.len(), |i| at + i);
            let line = String::from_utf8_lossy(&hay[line_start..end]);
            let host = line
                .rsplit('@')
                .next()?
                .split(['/', ':'])
                .next()?
                .to_string();
            (!host.is_empty()).then(|| format!("host {host}"))
        }
        Format::History => {
            let n = before.iter().filter(|&&b| b == b'\n').count() + 1;
            Some(format!("history line {n}"))
        }
        Format::Sqlite => sqlite_row(file, &hay[secret]),
        Format::Raw => None,
        Format::Transcript => {
            let n = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let session = file.file_stem()?.to_string_lossy();
            // Codex names its rollouts `rollout-<time>-<uuid>`: the session is the uuid.
            let id = session
                .strip_prefix("rollout-")
                .and_then(|r| r.get(r.len().saturating_sub(36)..))
                .unwrap_or(&session);
            Some(format!("session {id}, line {n}"))
        }
    }
}

/// `table T, COLUMN=value` of the first row that holds `secret` in a text or blob column; the
/// first column names the row (gcloud: `account_id`).
fn sqlite_row(file: &Path, secret: &[u8]) -> Option<String> {
    use rusqlite::{Connection, OpenFlags};
    let uri = format!("file:{}?immutable=1", file.to_str()?);
    let db = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .ok()?
        .query_map([], |r| r.get(0))
        .ok()?
        .filter_map(|r| r.ok())
        .collect();
    for t in tables {
        let Ok(mut stmt) = db.prepare(&format!("SELECT * FROM \"{}\"", t.replace('"', "\"\"")))
        else {
            continue;
        };
        let names: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
        let Ok(mut rows) = stmt.query([]) else {
            continue;
        };
        while let Ok(Some(row)) = rows.next() {
            let holds = (0..names.len()).any(|i| match row.get_ref(i) {
                Ok(rusqlite::types::ValueRef::Text(b)) | Ok(rusqlite::types::ValueRef::Blob(b)) => {
                    memchr::memmem::find(b, secret).is_some()
                }
                _ => false,
            });
            if holds {
                let first = match row.get_ref(0) {
                    Ok(rusqlite::types::ValueRef::Text(b)) => {
                        String::from_utf8_lossy(b).chars().take(80).collect()
                    }
                    Ok(rusqlite::types::ValueRef::Integer(n)) => n.to_string(),
                    _ => String::new(),
                };
                return Some(format!("table {t}, {}={first}", names.first()?));
            }
        }
    }
    None
}

/// The chain of object keys that leads to `before`'s end, from a light JSON scan: strings,
/// escapes, objects and arrays are tracked; values are skipped.
fn json_path(before: &[u8]) -> Option<String> {
    let mut stack: Vec<Option<String>> = Vec::new();
    let mut i = 0;
    let mut last_string: Option<String> = None;
    while i < before.len() {
        match before[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < before.len() && before[i] != b'"' {
                    if before[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                last_string =
                    Some(String::from_utf8_lossy(&before[start..i.min(before.len())]).into_owned());
            }
            b':' => {
                if let Some(top) = stack.last_mut() {
                    *top = last_string.take();
                }
            }
            b'{' | b'[' => stack.push(None),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(top) = stack.last_mut() {
                    *top = None;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let keys: Vec<String> = stack.into_iter().flatten().collect();
    (!keys.is_empty()).then(|| keys.join("."))
}

/// The chain of YAML keys above the end of `before`: each less-indented `key:` line, with list
/// items named by their `name:` where they have one.
fn yaml_path(before: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(before);
    let mut lines = text.lines().rev();
    let current = lines.next()?;
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut want = indent(current);
    let mut keys = Vec::new();
    // A Ruby symbol key (`:rubygems_api_key: value`, as gem writes) starts with its colon.
    let key_of = |item: &str| -> Option<(String, String)> {
        let (sym, item) = match item.strip_prefix(':') {
            Some(rest) => (":", rest),
            None => ("", item),
        };
        let (k, v) = item.split_once(':')?;
        Some((format!("{sym}{}", k.trim()), v.trim().to_string()))
    };
    if let Some((k, _)) = key_of(current.trim_start().trim_start_matches("- ")) {
        keys.push(k);
    }
    // After a list item ("- name: x"), its parent key may sit at the same indentation
    // (kubeconfig writes "users:\n- name: x").
    let mut after_item = current.trim_start().starts_with("- ");
    for l in lines {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = indent(l);
        let is_item = t.starts_with("- ");
        if ind < want || (ind == want && after_item && !is_item) {
            let item = t.trim_start_matches("- ");
            if let Some((k, v)) = key_of(item) {
                if is_item && k == "name" {
                    keys.push(v);
                } else {
                    keys.push(k);
                }
            }
            want = ind;
            after_item = is_item;
            if ind == 0 && !is_item {
                break;
            }
        }
    }
    keys.reverse();
    (!keys.is_empty()).then(|| keys.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_loads_and_matches() {
        let s = Stores::builtin().unwrap();
        assert_eq!(s.find(Path::new(".aws/credentials")).unwrap().id, "aws");
        assert_eq!(
            s.find(Path::new(".railway/config-staging.json"))
                .unwrap()
                .id,
            "railway"
        );
        assert_eq!(
            s.find(Path::new(".claude.json")).unwrap().kind,
            Kind::AgentConfig
        );
        assert!(s.find(Path::new("projects/app/.env")).is_none());
        for st in &s.stores {
            assert!(!st.sources.is_empty(), "{}: no source", st.id);
        }
    }

    fn ctx(format: Format, hay: &[u8], file: &Path) -> Option<String> {
        let at = hay.windows(6).position(|w| w == b"SECRET").unwrap();
        context(format, hay, at..at + 6, file)
    }

    #[test]
    fn contexts() {
        let none = Path::new("unused");
        let ini = b"[default]\nx=1\n[profile prod]\nkey = SECRET";
        assert_eq!(
            ctx(Format::Ini, ini, none).as_deref(),
            Some("section [profile prod]")
        );
        let json =
            br#"{"mcpServers": {"gh": {"command": "x", "env": {"GITHUB_TOKEN": "SECRET"}}}}"#;
        assert_eq!(
            ctx(Format::Json, json, none).as_deref(),
            Some("key mcpServers.gh.env.GITHUB_TOKEN")
        );
        let yaml = b"users:\n- name: admin\n  user:\n    token: SECRET\n";
        assert_eq!(
            ctx(Format::Yaml, yaml, none).as_deref(),
            Some("key users.admin.user.token")
        );
        let netrc = b"machine api.heroku.com\n  login me\n  password SECRET\n";
        assert_eq!(
            ctx(Format::Netrc, netrc, none).as_deref(),
            Some("machine api.heroku.com")
        );
        let gc = b"https://me:SECRET@github.com\n";
        assert_eq!(
            ctx(Format::GitCredentials, gc, none).as_deref(),
            Some("host github.com")
        );
    }

    #[test]
    fn sqlite_rows_are_named_and_the_database_is_not_changed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("credentials.db");
        {
            let db = rusqlite::Connection::open(&p).unwrap();
            db.execute_batch(
                "CREATE TABLE credentials (account_id TEXT, value BLOB);
                 INSERT INTO credentials VALUES ('me@example.invalid', '{\"refresh_token\": \"SECRET\"}');",
            )
            .unwrap();
        }
        let before = std::fs::read(&p).unwrap();
        let names: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(
            ctx(Format::Sqlite, &before, &p).as_deref(),
            Some("table credentials, account_id=me@example.invalid")
        );
        assert_eq!(std::fs::read(&p).unwrap(), before);
        let after: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, after, "no journal or lock file left behind");
    }
}
