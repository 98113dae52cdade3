//! Whether Codex CLI reads its login, `$CODEX_HOME/auth.json`, for the command `guard` starts.
//!
//! `guard --sandbox -- codex` leaves the started agent's own configuration readable, since the
//! agent needs it to run. Codex's login is needed only when Codex talks to OpenAI: its built-in
//! `openai` provider (the default), or a provider of its own with `requires_openai_auth = true`.
//! A provider declared in `[model_providers.ID]` and chosen with `model_provider = "ID"` takes
//! its key from the variable its `env_key` names, and never opens `auth.json`; then the login is
//! one more credential in reach and is masked like any other. Where the command line could
//! choose another provider or profile (`-c`, `--config`, `-p`, `--profile`, `--oss`), or a
//! profile is the default, the login is kept readable: credgate does not guess which applies.

use std::ffi::OsString;
use std::path::Path;

/// Whether Codex, started as `argv`, would read `auth.json`, given its `config.toml`'s text
/// (`None`: no readable configuration, so the default provider, OpenAI's).
pub fn needed(argv: &[OsString], config: Option<&str>) -> bool {
    let overrides = argv.iter().any(|a| {
        let a = a.to_string_lossy();
        ["-c", "--config", "-p", "--profile", "--oss"]
            .iter()
            .any(|f| a == *f || a.starts_with(&format!("{f}=")))
            || (a.starts_with("-c") && a.len() > 2 && !a.starts_with("--"))
    });
    if overrides {
        return true;
    }
    let Some(Ok(table)) = config.map(|t| t.parse::<toml::Table>()) else {
        return true;
    };
    if table.contains_key("profile") {
        return true;
    }
    let Some(id) = table.get("model_provider").and_then(|v| v.as_str()) else {
        return true;
    };
    if id == "openai" {
        return true;
    }
    let provider = table
        .get("model_providers")
        .and_then(|p| p.get(id))
        .and_then(|p| p.as_table());
    match provider {
        // A built-in provider other than OpenAI's (`ollama`, `lmstudio`, `oss`): no login.
        None => !matches!(id, "ollama" | "lmstudio" | "oss"),
        Some(p) => p
            .get("requires_openai_auth")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
    }
}

/// `needed` for the configuration in `$CODEX_HOME` (`~/.codex` when unset).
pub fn needed_here(argv: &[OsString]) -> bool {
    let home = std::env::var_os("CODEX_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".codex")));
    let config = home.and_then(|h| std::fs::read_to_string(h.join("config.toml")).ok());
    needed(argv, config.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    const OWN_PROVIDER: &str = "model = \"m\"\nmodel_provider = \"gateway\"\n\n\
        [model_providers.gateway]\nbase_url = \"http://127.0.0.1:9/v1\"\nenv_key = \"GATEWAY_KEY\"\n";

    #[test]
    fn a_provider_with_its_own_key_needs_no_login() {
        assert!(!needed(
            &os(&["codex", "exec", "fix it"]),
            Some(OWN_PROVIDER)
        ));
        assert!(!needed(
            &os(&["codex"]),
            Some("model_provider = \"ollama\"\n")
        ));
    }

    #[test]
    fn openai_and_anything_unsure_keep_the_login() {
        let codex = os(&["codex"]);
        assert!(needed(&codex, None), "no configuration: OpenAI's provider");
        assert!(needed(&codex, Some("model = \"gpt-5\"\n")));
        assert!(needed(&codex, Some("model_provider = \"openai\"\n")));
        assert!(needed(&codex, Some("not toml [")));
        let with_auth = OWN_PROVIDER.replace("env_key", "requires_openai_auth = true\nenv_key");
        assert!(needed(&codex, Some(&with_auth)));
        assert!(needed(
            &codex,
            Some(&format!("profile = \"work\"\n{OWN_PROVIDER}"))
        ));
        for flags in [
            &["codex", "-c", "model_provider=openai"][..],
            &["codex", "-cmodel_provider=openai"],
            &["codex", "--config=model_provider=openai"],
            &["codex", "--profile", "work"],
            &["codex", "--oss"],
        ] {
            assert!(needed(&os(flags), Some(OWN_PROVIDER)), "{flags:?}");
        }
    }
}
