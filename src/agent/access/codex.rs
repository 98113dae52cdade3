//! Codex CLI's read policy. Codex reads files through its shell, so that is the one channel.
//! Its `sandbox_mode` (`read-only`, `workspace-write`, `danger-full-access`) limits writes and
//! the network, never reads: under any of them every file is readable. Only a permission
//! profile (`default_permissions = "NAME"` with `[permissions.NAME.filesystem]` entries mapping
//! paths to `read`, `write` or `deny`) can deny a read, and Codex ignores profiles when
//! `sandbox_mode` is set in any config layer. Layers: `/etc/codex/config.toml`,
//! `$CODEX_HOME/config.toml` (`~/.codex`), and the project's `.codex/config.toml` (used only
//! when the project is trusted, which credgate cannot see; it is read as if it were).

use super::rule::Rule;
use super::{Access, Can, Place, Subject};
use std::path::{Path, PathBuf};

/// A profile entry: a path or pattern, what it grants, and how specific it is.
#[derive(Debug)]
struct Entry {
    rule: Rule,
    deny: bool,
    specificity: usize,
}

#[derive(Debug, Default)]
pub struct Policy {
    /// Where `sandbox_mode` is set, when it is.
    sandbox_mode: Option<String>,
    profile: Option<String>,
    entries: Vec<Entry>,
}

fn layers(place: &Place) -> Vec<(String, toml::Table)> {
    let mut files = vec![PathBuf::from("/etc/codex/config.toml")];
    let codex_home = std::env::var_os("CODEX_HOME")
        .map(PathBuf::from)
        .or_else(|| place.home.as_ref().map(|h| h.join(".codex")));
    files.extend(codex_home.map(|h| h.join("config.toml")));
    files.push(place.workspace.join(".codex/config.toml"));
    files
        .into_iter()
        .filter_map(|f| {
            let text = std::fs::read_to_string(&f).ok()?;
            let t: toml::Table = text.parse().ok()?;
            Some((super::shown(&f, place), t))
        })
        .collect()
}

impl Policy {
    pub fn load(place: &Place) -> Policy {
        let mut p = Policy::default();
        let layers = layers(place);
        for (name, t) in &layers {
            if let Some(m) = t.get("sandbox_mode").and_then(|v| v.as_str()) {
                p.sandbox_mode = Some(format!("sandbox_mode = \"{m}\" in {name}"));
            }
            if let Some(d) = t.get("default_permissions").and_then(|v| v.as_str()) {
                p.profile = Some(d.to_string());
            }
        }
        let Some(profile) = p.profile.clone() else {
            return p;
        };
        for (name, t) in &layers {
            let Some(fs) = t
                .get("permissions")
                .and_then(|v| v.get(&profile))
                .and_then(|v| v.get("filesystem"))
                .and_then(|v| v.as_table())
            else {
                continue;
            };
            for (key, value) in fs {
                let (root, nested): (PathBuf, Vec<(String, &toml::Value)>) = match key.as_str() {
                    ":root" => (PathBuf::from("/"), vec![("/".into(), value)]),
                    ":workspace_roots" => match value.as_table() {
                        Some(tbl) => (
                            place.workspace.clone(),
                            tbl.iter().map(|(k, v)| (k.clone(), v)).collect(),
                        ),
                        None => (place.workspace.clone(), vec![("/".into(), value)]),
                    },
                    k if k.starts_with("~/") => match &place.home {
                        Some(h) => (h.clone(), vec![(k[1..].to_string(), value)]),
                        None => continue,
                    },
                    k if k.starts_with('/') => (PathBuf::from("/"), vec![(k.to_string(), value)]),
                    _ => continue,
                };
                for (pattern, v) in nested {
                    let Some(access) = v.as_str() else {
                        continue;
                    };
                    let line = if pattern == "/" {
                        "**".to_string()
                    } else {
                        pattern.clone()
                    };
                    if let Some(rule) = Rule::new(
                        format!(
                            "{key} {pattern} = \"{access}\" in [permissions.{profile}.filesystem] of {name}"
                        ),
                        &root,
                        &line,
                    ) {
                        p.entries.push(Entry {
                            rule,
                            deny: matches!(access, "deny" | "none"),
                            specificity: root.as_os_str().len() + pattern.len(),
                        });
                    }
                }
            }
        }
        p
    }

    pub fn access(&self, s: &Subject, _place: &Place) -> Access {
        if let Some(a) = super::not_a_file("codex", s) {
            return a;
        }
        let mut because = Vec::new();
        let paths = s.paths();
        let shell = match (&self.sandbox_mode, &self.profile) {
            (Some(mode), _) => {
                because.push(format!("{mode}: limits writes and the network, not reads (and makes Codex ignore permission profiles)"));
                Can::Read
            }
            (None, Some(_)) => {
                let best = self
                    .entries
                    .iter()
                    .filter(|e| paths.iter().any(|p: &&Path| e.rule.covers(p)))
                    .max_by_key(|e| (e.specificity, e.deny));
                match best {
                    Some(e) if e.deny => {
                        because.push(format!("{}: the sandbox keeps its commands from reading it (an approved escalation runs outside it)", e.rule.label));
                        Can::Denied
                    }
                    Some(e) => {
                        because.push(e.rule.label.clone());
                        Can::Read
                    }
                    None => Can::Read,
                }
            }
            (None, None) => {
                because.push(
                    "no permission profile: Codex's default sandbox limits writes, not reads"
                        .into(),
                );
                Can::Read
            }
        };
        Access {
            because,
            ..super::plain("codex", Can::None, shell)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_denies_and_sandbox_mode_overrides_it() {
        let d = tempfile::tempdir().unwrap();
        let place = Place {
            workspace: d.path().join("ws"),
            home: Some(d.path().join("home")),
        };
        std::fs::create_dir_all(d.path().join("home/.codex")).unwrap();
        std::fs::write(
            d.path().join("home/.codex/config.toml"),
            "default_permissions = \"safe\"\n[permissions.safe.filesystem]\n\":root\" = \"read\"\n\"~/.aws\" = \"deny\"\n\":workspace_roots\" = { \"**/*.env\" = \"deny\" }\n",
        )
        .unwrap();
        let p = Policy::load(&place);
        assert_eq!(
            p.access(
                &Subject::file(d.path().join("home/.aws/credentials")),
                &place
            )
            .shell,
            Can::Denied
        );
        assert_eq!(
            p.access(&Subject::file(place.workspace.join("app/prod.env")), &place)
                .shell,
            Can::Denied
        );
        assert_eq!(
            p.access(&Subject::file(place.workspace.join("src/main.rs")), &place)
                .shell,
            Can::Read
        );
        std::fs::create_dir_all(place.workspace.join(".codex")).unwrap();
        std::fs::write(
            place.workspace.join(".codex/config.toml"),
            "sandbox_mode = \"workspace-write\"\n",
        )
        .unwrap();
        let p = Policy::load(&place);
        let a = p.access(
            &Subject::file(d.path().join("home/.aws/credentials")),
            &place,
        );
        assert_eq!(a.shell, Can::Read);
        assert!(a.because[0].contains("not reads"), "{:?}", a.because);
    }
}
