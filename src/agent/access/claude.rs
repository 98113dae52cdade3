//! Claude Code's read policy, from its four settings layers: managed
//! (`/etc/claude-code/managed-settings.json` and `managed-settings.d/*.json`), user
//! (`~/.claude/settings.json`, or `$CLAUDE_CONFIG_DIR`), project (`.claude/settings.json`) and
//! local (`.claude/settings.local.json`). Permission lists merge across layers and a deny wins
//! in every mode; `allowManagedPermissionRulesOnly` keeps only the managed rules.
//!
//! - `permissions.deny` `Read(...)` rules cover the file tools (Read, Grep, Glob, and Edit and
//!   Write on the path) and the file commands Claude recognises in Bash (`cat`, `head`, `tail`,
//!   `sed`), not a script or `grep -r`: the shell can still read the file. Their paths are
//!   gitignore patterns: `//x` absolute, `~/x` in the home, `/x` relative to the settings
//!   file's root (the project for project and local settings, `~/.claude` for the user's), `./x`
//!   or a bare pattern relative to the working directory (a bare name at any depth).
//! - `sandbox.filesystem.denyRead` covers the commands Claude runs, when `sandbox.enabled` is on
//!   (the Read rules join it then). Its paths differ: `/x` and `//x` are absolute, `~/x` in the
//!   home, `./x` or bare relative to the project (`~/.claude` in user settings).
//! - A file outside the working directory and `permissions.additionalDirectories` is read only
//!   after the user approves, unless `permissions.blockReadsOutsideWorkingDirectories` refuses.

use super::rule::Rule;
use super::{Access, Can, Place, Subject};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// One settings file that exists.
struct Layer {
    /// As reports name it (`.claude/settings.local.json`, `~/.claude/settings.json`).
    name: String,
    /// What `/x` in a Read rule and `./x` in a sandbox path are relative to.
    anchor: PathBuf,
    doc: Value,
    managed: bool,
}

#[derive(Debug, Default)]
pub struct Policy {
    /// Read deny rules.
    deny: Vec<Rule>,
    /// The sandbox's denyRead paths, when the sandbox is on.
    sandbox: Option<Vec<Rule>>,
    /// Where reads need no approval besides the working directory.
    additional: Vec<PathBuf>,
    block_outside: bool,
}

fn layers(place: &Place) -> Vec<Layer> {
    let ws = &place.workspace;
    let mut out = Vec::new();
    let managed_dir = Path::new("/etc/claude-code");
    let mut managed = vec![managed_dir.join("managed-settings.json")];
    if let Ok(rd) = std::fs::read_dir(managed_dir.join("managed-settings.d")) {
        let mut extra: Vec<PathBuf> = rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && !p
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect();
        extra.sort();
        managed.extend(extra);
    }
    for m in managed {
        if let Some(doc) = super::json_file(&m) {
            out.push(Layer {
                name: m.display().to_string(),
                anchor: ws.clone(),
                doc,
                managed: true,
            });
        }
    }
    let user_dir = std::env::var_os("CLAUDE_CONFIG_DIR")
        .map(PathBuf::from)
        .or_else(|| place.home.as_ref().map(|h| h.join(".claude")));
    if let Some(dir) = user_dir
        && let Some(doc) = super::json_file(&dir.join("settings.json"))
    {
        out.push(Layer {
            name: super::shown(&dir.join("settings.json"), place),
            anchor: dir,
            doc,
            managed: false,
        });
    }
    for name in [".claude/settings.json", ".claude/settings.local.json"] {
        if let Some(doc) = super::json_file(&ws.join(name)) {
            out.push(Layer {
                name: name.to_string(),
                anchor: ws.clone(),
                doc,
                managed: false,
            });
        }
    }
    out
}

/// A Read rule's pattern as a gitignore line and the directory it is anchored at.
fn read_rule(pattern: &str, layer: &Layer, place: &Place) -> Option<(PathBuf, String)> {
    if let Some(rest) = pattern.strip_prefix("//") {
        return Some((PathBuf::from("/"), format!("/{rest}")));
    }
    if let Some(rest) = pattern.strip_prefix("~/") {
        return Some((place.home.clone()?, format!("/{rest}")));
    }
    if pattern.starts_with('/') {
        return Some((layer.anchor.clone(), pattern.to_string()));
    }
    if let Some(rest) = pattern.strip_prefix("./") {
        return Some((place.workspace.clone(), format!("/{rest}")));
    }
    Some((place.workspace.clone(), pattern.to_string()))
}

/// A sandbox path as a gitignore line anchored at `/`.
fn sandbox_path(path: &str, layer: &Layer, place: &Place) -> Option<String> {
    let p = path.trim_end_matches("/**").trim_end_matches('/');
    let abs = if let Some(rest) = p.strip_prefix("//") {
        format!("/{rest}")
    } else if p.starts_with('/') {
        p.to_string()
    } else if let Some(rest) = p.strip_prefix("~/") {
        format!("{}/{rest}", place.home.as_ref()?.display())
    } else {
        let rest = p.strip_prefix("./").unwrap_or(p);
        format!("{}/{rest}", layer.anchor.display())
    };
    Some(abs)
}

fn strings<'a>(v: &'a Value, keys: &[&str]) -> impl Iterator<Item = &'a str> {
    let mut cur = v;
    for k in keys {
        cur = &cur[*k];
    }
    cur.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// The local settings layer of `place`'s workspace, for checking a rule before it is written.
fn local_layer(place: &Place) -> Layer {
    Layer {
        name: ".claude/settings.local.json".into(),
        anchor: place.workspace.clone(),
        doc: Value::Null,
        managed: false,
    }
}

/// Whether `rule` (`Read(./x)`), in the local settings, covers `abs`.
pub fn local_rule_covers(rule: &str, place: &Place, abs: &Path) -> bool {
    let layer = local_layer(place);
    super::read_rule_pattern(rule)
        .and_then(|pat| read_rule(pat, &layer, place))
        .and_then(|(root, line)| Rule::new(String::new(), &root, &line))
        .is_some_and(|r| r.covers(abs))
}

/// Whether a sandbox `denyRead` path, in the local settings, covers `abs`.
pub fn local_sandbox_covers(path: &str, place: &Place, abs: &Path) -> bool {
    let layer = local_layer(place);
    sandbox_path(path, &layer, place)
        .and_then(|line| Rule::new(String::new(), Path::new("/"), &line))
        .is_some_and(|r| r.covers(abs))
}

impl Policy {
    pub fn load(place: &Place) -> Policy {
        let layers = layers(place);
        let managed_only = layers
            .iter()
            .any(|l| l.managed && l.doc["permissions"]["allowManagedPermissionRulesOnly"] == true);
        let mut p = Policy::default();
        let mut sandbox_on = None;
        let mut deny_read = Vec::new();
        // Later layers win for a single value: user, project, local, then managed over all.
        let mut ordered: Vec<&Layer> = layers.iter().filter(|l| !l.managed).collect();
        ordered.extend(layers.iter().filter(|l| l.managed));
        for layer in ordered {
            let perms = &layer.doc["permissions"];
            if !managed_only || layer.managed {
                for r in strings(&layer.doc, &["permissions", "deny"]) {
                    let Some(pat) = super::read_rule_pattern(r) else {
                        continue;
                    };
                    if let Some((root, line)) = read_rule(pat, layer, place)
                        && let Some(rule) =
                            Rule::new(format!("{r} in {}", layer.name), &root, &line)
                    {
                        p.deny.push(rule);
                    }
                }
            }
            for d in strings(&layer.doc, &["permissions", "additionalDirectories"]) {
                let d = d.strip_prefix("~/").map_or_else(
                    || place.workspace.join(d),
                    |rest| place.home.clone().unwrap_or_default().join(rest),
                );
                p.additional.push(crate::util::normalize(&d));
            }
            if perms["blockReadsOutsideWorkingDirectories"] == true {
                p.block_outside = true;
            }
            if let Some(on) = layer.doc["sandbox"]["enabled"].as_bool() {
                sandbox_on = Some(on);
            }
            for d in strings(&layer.doc, &["sandbox", "filesystem", "denyRead"]) {
                if let Some(abs) = sandbox_path(d, layer, place)
                    && let Some(rule) = Rule::new(
                        format!("sandbox.filesystem.denyRead {d} in {}", layer.name),
                        Path::new("/"),
                        &abs,
                    )
                {
                    deny_read.push(rule);
                }
            }
        }
        if sandbox_on == Some(true) {
            p.sandbox = Some(deny_read);
        }
        p
    }

    pub fn access(&self, s: &Subject, place: &Place) -> Access {
        if let Some(a) = super::not_a_file("claude", s) {
            return a;
        }
        let paths = s.paths();
        let mut because = Vec::new();
        let denied_by = self.deny.iter().find(|r| paths.iter().any(|p| r.covers(p)));
        let inside = paths
            .iter()
            .any(|p| place.inside(p) || self.additional.iter().any(|d| p.starts_with(d)));
        let file_tools = if let Some(r) = denied_by {
            because.push(format!("{}: denies the file tools and the `cat`, `head`, `tail` and `sed` Claude recognises, not a script or `grep -r`", r.label));
            Can::Denied
        } else if !inside && self.block_outside {
            because.push(
                "outside the working directory, and blockReadsOutsideWorkingDirectories is on"
                    .into(),
            );
            Can::Denied
        } else if !inside {
            because.push(
                "outside the working directory: Claude asks before its file tools read it".into(),
            );
            Can::Ask
        } else {
            Can::Read
        };
        let shell = match &self.sandbox {
            Some(deny_read) => {
                let by = deny_read
                    .iter()
                    .find(|r| paths.iter().any(|p| r.covers(p)))
                    .or(denied_by);
                match by {
                    Some(r) => {
                        because.push(format!(
                            "{}: the sandbox (sandbox.enabled) keeps Bash from reading it",
                            r.label
                        ));
                        Can::Denied
                    }
                    None => {
                        because.push("the sandbox is on, and no denyRead path covers it".into());
                        Can::Read
                    }
                }
            }
            None => {
                if denied_by.is_some() {
                    because
                        .push("the sandbox is off (sandbox.enabled), so Bash can read it".into());
                }
                Can::Read
            }
        };
        Access {
            because,
            ..super::plain("claude", file_tools, shell)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(d: &Path) -> Place {
        Place {
            workspace: d.join("ws"),
            home: Some(d.join("home")),
        }
    }

    #[test]
    fn read_rules_and_the_sandbox_across_layers() {
        let d = tempfile::tempdir().unwrap();
        let pl = place(d.path());
        std::fs::create_dir_all(pl.workspace.join(".claude")).unwrap();
        std::fs::create_dir_all(d.path().join("home/.claude")).unwrap();
        std::fs::write(
            pl.workspace.join(".claude/settings.local.json"),
            r#"{"permissions": {"deny": ["Read(./.env)", "Read(~/.aws/**)", "Bash(curl:*)"]}}"#,
        )
        .unwrap();
        std::fs::write(
            d.path().join("home/.claude/settings.json"),
            r#"{"sandbox": {"enabled": true, "filesystem": {"denyRead": ["~/.railway"]}}}"#,
        )
        .unwrap();
        let p = Policy::load(&pl);
        let env = p.access(&Subject::file(pl.workspace.join(".env")), &pl);
        assert_eq!(
            (env.file_tools, env.shell),
            (Can::Denied, Can::Denied),
            "{env:?}"
        );
        let aws = p.access(&Subject::file(d.path().join("home/.aws/credentials")), &pl);
        assert_eq!((aws.file_tools, aws.shell), (Can::Denied, Can::Denied));
        let railway = p.access(
            &Subject::file(d.path().join("home/.railway/config.json")),
            &pl,
        );
        assert_eq!((railway.file_tools, railway.shell), (Can::Ask, Can::Denied));
        let src = p.access(&Subject::file(pl.workspace.join("src/app.py")), &pl);
        assert_eq!((src.file_tools, src.shell), (Can::Read, Can::Read));
        assert!(
            env.because[0].starts_with("Read(./.env) in .claude/settings.local.json"),
            "{:?}",
            env.because
        );
    }

    #[test]
    fn without_the_sandbox_a_read_rule_leaves_the_shell() {
        let d = tempfile::tempdir().unwrap();
        let pl = place(d.path());
        std::fs::create_dir_all(pl.workspace.join(".claude")).unwrap();
        std::fs::write(
            pl.workspace.join(".claude/settings.json"),
            r#"{"permissions": {"deny": ["Read(.env)", "Read(/secrets/**)"], "blockReadsOutsideWorkingDirectories": true}}"#,
        )
        .unwrap();
        let p = Policy::load(&pl);
        let nested = p.access(&Subject::file(pl.workspace.join("app/.env")), &pl);
        assert_eq!((nested.file_tools, nested.shell), (Can::Denied, Can::Read));
        let s = p.access(&Subject::file(pl.workspace.join("secrets/db.txt")), &pl);
        assert_eq!(
            s.file_tools,
            Can::Denied,
            "/x is the project in project settings"
        );
        let out = p.access(&Subject::file(d.path().join("home/.netrc")), &pl);
        assert_eq!((out.file_tools, out.shell), (Can::Denied, Can::Read));
    }
}
