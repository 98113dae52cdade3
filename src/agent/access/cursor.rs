//! Cursor's read policy: `.cursorignore` at the workspace root (gitignore syntax) keeps a file
//! from the Agent's file tools, search, Tab and @-mentions, but "the terminal and MCP server
//! tools used by Agent cannot block access" to it; the Cursor CLI's `permissions.deny`
//! `Read(...)` rules (`~/.cursor/cli-config.json`, `.cursor/cli.json`; relative paths are the
//! workspace's) do the same for the CLI's file tools. Cursor's sandbox has no path to deny, so
//! the terminal reads everything. Nested `.cursorignore` files count only with a setting
//! credgate cannot read, so only the root's is used.

use super::rule::{IgnoreFile, Rule, ignore_file};
use super::{Access, Can, Place, Subject};
use std::path::PathBuf;

#[derive(Debug, Default)]
pub struct Policy {
    ignore: Option<IgnoreFile>,
    cli_deny: Vec<Rule>,
}

impl Policy {
    pub fn load(place: &Place) -> Policy {
        let ws = &place.workspace;
        let mut cli_deny = Vec::new();
        let mut files: Vec<PathBuf> = Vec::new();
        if let Some(h) = &place.home {
            files.push(h.join(".cursor/cli-config.json"));
        }
        files.push(ws.join(".cursor/cli.json"));
        for f in files {
            let Some(doc) = super::json_file(&f) else {
                continue;
            };
            let name = super::shown(&f, place);
            for r in doc["permissions"]["deny"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
            {
                let Some(pat) = super::read_rule_pattern(r) else {
                    continue;
                };
                let (root, line) = if let Some(rest) = pat.strip_prefix("~/") {
                    match &place.home {
                        Some(h) => (h.clone(), format!("/{rest}")),
                        None => continue,
                    }
                } else if pat.starts_with('/') {
                    (PathBuf::from("/"), pat.to_string())
                } else {
                    (
                        ws.clone(),
                        pat.strip_prefix("./").unwrap_or(pat).to_string(),
                    )
                };
                if let Some(rule) = Rule::new(format!("{r} in {name}"), &root, &line) {
                    cli_deny.push(rule);
                }
            }
        }
        Policy {
            ignore: ignore_file(&ws.join(".cursorignore"), ".cursorignore"),
            cli_deny,
        }
    }

    pub fn access(&self, s: &Subject, _place: &Place) -> Access {
        if let Some(a) = super::not_a_file("cursor", s) {
            return a;
        }
        let paths = s.paths();
        let mut because = Vec::new();
        if let Some(line) = self
            .ignore
            .as_ref()
            .and_then(|i| paths.iter().find_map(|p| i.covering(p)))
        {
            because.push(format!("{line}: keeps it from the Agent's file tools and search, not from the terminal or MCP tools"));
        }
        if let Some(r) = self
            .cli_deny
            .iter()
            .find(|r| paths.iter().any(|p| r.covers(p)))
        {
            because.push(format!("{}: the Cursor CLI's file tools", r.label));
        }
        let file_tools = if because.is_empty() {
            Can::Read
        } else {
            because.push("the terminal has no path rule: it reads the file".into());
            Can::Denied
        };
        Access {
            because,
            ..super::plain("cursor", file_tools, Can::Read)
        }
    }
}
