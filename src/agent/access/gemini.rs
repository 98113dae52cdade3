//! Gemini's read policies.
//!
//! Gemini CLI: its file tools (`read_file`, `read_many_files`, `glob`, `grep_search`,
//! `list_directory`) refuse a path outside the workspace and its
//! `context.includeDirectories`, a file `.geminiignore` at the project root ignores, and (by
//! default, `context.fileFiltering.respectGitIgnore`) a file git ignores; `run_shell_command`
//! has no filter. Settings: `~/.gemini/settings.json`, `.gemini/settings.json`,
//! `/etc/gemini-cli/settings.json`.
//!
//! Gemini Code Assist (the IDE's chat and agent): `.aiexclude` files, each covering its
//! directory and below, in gitignore syntax except that `!` negation is not supported and an
//! empty file excludes everything. Gemini CLI does not read `.aiexclude`. What reaches Code
//! Assist is the context the IDE gives it, so that is the one channel said here.

use super::rule::{IgnoreFile, Rule, ignore_file};
use super::{Access, Can, Place, Subject};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct Policy {
    ignore: Option<IgnoreFile>,
    respect_gitignore: bool,
    include: Vec<PathBuf>,
}

impl Policy {
    pub fn load(place: &Place) -> Policy {
        let ws = &place.workspace;
        let mut files = vec![PathBuf::from("/etc/gemini-cli/system-defaults.json")];
        files.extend(place.home.as_ref().map(|h| h.join(".gemini/settings.json")));
        files.push(ws.join(".gemini/settings.json"));
        files.push(PathBuf::from("/etc/gemini-cli/settings.json"));
        let mut p = Policy {
            ignore: ignore_file(&ws.join(".geminiignore"), ".geminiignore"),
            respect_gitignore: true,
            include: Vec::new(),
        };
        for f in files {
            let Some(doc) = super::json_file(&f) else {
                continue;
            };
            let ctx = &doc["context"];
            if let Some(b) = ctx["fileFiltering"]["respectGitIgnore"].as_bool() {
                p.respect_gitignore = b;
            }
            if ctx["fileFiltering"]["respectGeminiIgnore"] == false {
                p.ignore = None;
            }
            for d in ctx["includeDirectories"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let d = match d.strip_prefix("~/") {
                    Some(rest) => place.home.clone().unwrap_or_default().join(rest),
                    None => ws.join(d),
                };
                p.include.push(crate::util::normalize(&d));
            }
        }
        p
    }

    pub fn access(&self, s: &Subject, place: &Place) -> Access {
        if let Some(a) = super::not_a_file("gemini", s) {
            return a;
        }
        let paths = s.paths();
        let mut because = Vec::new();
        let inside = paths
            .iter()
            .any(|p| place.inside(p) || self.include.iter().any(|d| p.starts_with(d)));
        if !inside {
            because.push(
                "outside the workspace and context.includeDirectories: the file tools refuse it"
                    .into(),
            );
        } else if let Some(line) = self
            .ignore
            .as_ref()
            .and_then(|i| paths.iter().find_map(|p| i.covering(p)))
        {
            because.push(format!("{line}: the file tools skip it"));
        } else if let Subject::File {
            gitignored: true, ..
        } = s
            && self.respect_gitignore
        {
            because.push("git ignores it, and context.fileFiltering.respectGitIgnore is on: read_file refuses it".into());
        }
        let file_tools = if because.is_empty() {
            Can::Read
        } else {
            because.push("run_shell_command has no filter: the shell reads it".into());
            Can::Denied
        };
        Access {
            because,
            ..super::plain("gemini", file_tools, Can::Read)
        }
    }
}

/// Gemini Code Assist's `.aiexclude` files, looked up from the file's directory to the
/// workspace root when a finding asks.
#[derive(Debug, Default)]
pub struct CodeAssist;

/// The rule of one `.aiexclude` that covers `abs`, if any: an empty file covers its whole
/// directory; `!` lines are left out, as Code Assist does not support them.
fn aiexclude_covering(file: &Path, abs: &Path, place: &Place) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let dir = file.parent()?;
    let name = super::shown(file, place);
    let patterns: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
        .collect();
    if patterns.is_empty() {
        return Some(format!(
            "{name} is empty: it excludes everything in its directory"
        ));
    }
    patterns.iter().find_map(|p| {
        Rule::new(String::new(), dir, p)
            .filter(|r| r.covers(abs))
            .map(|_| format!("{name}: {p}"))
    })
}

impl CodeAssist {
    pub fn access(&self, s: &Subject, place: &Place) -> Access {
        if let Some(a) = super::not_a_file("gemini-code-assist", s) {
            return Access {
                shell: Can::None,
                because: vec!["not a file: .aiexclude does not cover it".into()],
                ..a
            };
        }
        let Subject::File { abs, .. } = s else {
            unreachable!("not_a_file answered");
        };
        let mut because = Vec::new();
        let mut file_tools = Can::Read;
        if place.inside(abs) {
            let mut dir = abs.parent();
            while let Some(d) = dir {
                if let Some(line) = aiexclude_covering(&d.join(".aiexclude"), abs, place) {
                    because.push(line);
                    file_tools = Can::Denied;
                    break;
                }
                if d == place.workspace {
                    break;
                }
                dir = d.parent();
            }
        } else {
            because.push("outside the workspace the IDE opened".into());
            file_tools = Can::Unknown;
        }
        Access {
            because,
            ..super::plain("gemini-code-assist", file_tools, Can::None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aiexclude_empty_blocks_all_and_negation_is_ignored() {
        let d = tempfile::tempdir().unwrap();
        let place = Place {
            workspace: d.path().to_path_buf(),
            home: None,
        };
        std::fs::create_dir_all(d.path().join("keys")).unwrap();
        std::fs::write(d.path().join("keys/.aiexclude"), "").unwrap();
        std::fs::write(d.path().join(".aiexclude"), "*.env\n!keep.env\n").unwrap();
        let a = |p: &str| {
            CodeAssist
                .access(&Subject::file(d.path().join(p)), &place)
                .file_tools
        };
        assert_eq!(a("keys/server.pem"), Can::Denied);
        assert_eq!(a("app/prod.env"), Can::Denied);
        assert_eq!(a("keep.env"), Can::Denied, "no ! negation");
        assert_eq!(a("src/main.rs"), Can::Read);
    }

    #[test]
    fn gemini_cli_refuses_outside_the_workspace_and_ignored_files() {
        let d = tempfile::tempdir().unwrap();
        let place = Place {
            workspace: d.path().join("ws"),
            home: Some(d.path().join("home")),
        };
        std::fs::create_dir_all(&place.workspace).unwrap();
        std::fs::write(place.workspace.join(".geminiignore"), "/.env\n").unwrap();
        let p = Policy::load(&place);
        assert_eq!(
            p.access(&Subject::file(place.workspace.join(".env")), &place)
                .file_tools,
            Can::Denied
        );
        assert_eq!(
            p.access(&Subject::file(place.workspace.join("app.py")), &place)
                .file_tools,
            Can::Read
        );
        let home = p.access(
            &Subject::file(d.path().join("home/.aws/credentials")),
            &place,
        );
        assert_eq!((home.file_tools, home.shell), (Can::Denied, Can::Read));
        let ignored = Subject::File {
            abs: place.workspace.join("x.key"),
            real: None,
            tracked: false,
            gitignored: true,
        };
        assert_eq!(p.access(&ignored, &place).file_tools, Can::Denied);
    }
}
