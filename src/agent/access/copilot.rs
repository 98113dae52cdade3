//! GitHub Copilot's read policy, as its CLI applies it. Content exclusion is set on GitHub (a
//! repository or organisation setting, not a file here), and GitHub documents that the CLI, the
//! cloud agent and agent mode in the IDEs do not apply it; so what decides is the CLI's path
//! gate (the working directory and its subdirectories are readable, any other path asks, for
//! its file tools and its shell alike), managed `permissions.deny` `Read(...)` rules
//! (`/etc/github-copilot/managed-settings.json`: `/x` is the workspace, `~/x` the home), and
//! its sandbox when `sandbox.enabled` (`~/.copilot/settings.json`, `$COPILOT_HOME`), whose
//! `sandbox.userPolicy.filesystem.deniedPaths` covers the shell and the file tools.

use super::rule::Rule;
use super::{Access, Can, Place, Subject};
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Default)]
pub struct Policy {
    deny: Vec<Rule>,
    sandbox: Vec<Rule>,
    allowed: Vec<PathBuf>,
}

impl Policy {
    pub fn load(place: &Place) -> Policy {
        let mut p = Policy::default();
        let managed = Path::new("/etc/github-copilot/managed-settings.json");
        if let Some(doc) = super::json_file(managed) {
            for r in doc["permissions"]["deny"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let Some(pat) = super::read_rule_pattern(r) else {
                    continue;
                };
                let (root, line) = match pat.strip_prefix("~/") {
                    Some(rest) => match &place.home {
                        Some(h) => (h.clone(), format!("/{rest}")),
                        None => continue,
                    },
                    None => (
                        place.workspace.clone(),
                        pat.strip_prefix('.')
                            .filter(|r| r.starts_with('/'))
                            .unwrap_or(pat)
                            .to_string(),
                    ),
                };
                p.deny.extend(Rule::new(
                    format!("{r} in {}", managed.display()),
                    &root,
                    &line,
                ));
            }
        }
        let dir = std::env::var_os("COPILOT_HOME")
            .map(PathBuf::from)
            .or_else(|| place.home.as_ref().map(|h| h.join(".copilot")));
        if let Some(dir) = dir {
            let settings = dir.join("settings.json");
            if let Some(doc) = super::json_file(&settings)
                && doc["sandbox"]["enabled"] == true
            {
                let name = super::shown(&settings, place);
                for d in doc["sandbox"]["userPolicy"]["filesystem"]["deniedPaths"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    let abs = match d.strip_prefix("~/") {
                        Some(rest) => place.home.clone().unwrap_or_default().join(rest),
                        None => place.workspace.join(d),
                    };
                    p.sandbox.extend(Rule::new(
                        format!("sandbox deniedPaths {d} in {name}"),
                        Path::new("/"),
                        &abs.to_string_lossy(),
                    ));
                }
            }
            if let Some(doc) = super::json_file(&dir.join("permissions-config.json")) {
                for d in doc["allowed_directories"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    p.allowed.push(PathBuf::from(d));
                }
            }
        }
        p
    }

    pub fn access(&self, s: &Subject, place: &Place) -> Access {
        if let Some(a) = super::not_a_file("copilot", s) {
            return a;
        }
        let paths = s.paths();
        let covers = |rules: &[Rule]| {
            rules
                .iter()
                .find(|r| paths.iter().any(|p| r.covers(p)))
                .map(|r| r.label.clone())
        };
        let mut because = Vec::new();
        let (mut file_tools, mut shell) = if paths
            .iter()
            .any(|p| place.inside(p) || self.allowed.iter().any(|d| p.starts_with(d)))
        {
            (Can::Read, Can::Read)
        } else {
            because.push("outside the working directory: Copilot CLI asks before its tools and shell read it".into());
            (Can::Ask, Can::Ask)
        };
        if let Some(r) = covers(&self.sandbox) {
            because.push(format!(
                "{r}: the sandbox covers the shell and the file tools"
            ));
            (file_tools, shell) = (Can::Denied, Can::Denied);
        } else if let Some(r) = covers(&self.deny) {
            because.push(format!("{r}: the file tools"));
            file_tools = Can::Denied;
        }
        because.push(
            "content exclusion (set on GitHub) does not apply to Copilot CLI or agent mode".into(),
        );
        Access {
            because,
            ..super::plain("copilot", file_tools, shell)
        }
    }
}
