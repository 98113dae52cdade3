//! The real Gemini CLI (`@google/gemini-cli`, pinned in `.ci/run`) run offline against our
//! stand-in for the Gemini API (`tests/agents/mock-gemini.py`), with a plan of credential-seeking
//! tool calls in the planted world (`agent_world.rs`): without a gate the planted secrets reach
//! the model, with our hook (as `hook install --agent gemini` installs it), under
//! `guard --sandbox`, or both, none does.
//!
//! Gemini CLI's own tools (`read_file`, `grep_search`, `glob`, `list_directory`,
//! `run_shell_command`; 0.61 offers no `read_many_files` by default), our MCP server's `store`
//! (`mcp_notes_store`), and `invoke_agent` (a subagent, whose tool calls run the hooks too).
//! Non-interactive: `gemini -p PROMPT --yolo` (every tool call approved), the workspace trusted
//! with `GEMINI_CLI_TRUST_WORKSPACE=true` (documented for headless runs; Gemini CLI loads a
//! project's hooks only in a trusted folder), the stand-in reached through
//! `GOOGLE_GEMINI_BASE_URL` with the `gemini-api-key` auth type.

use crate::agent_stand_in::{self as stand_in, Mode, StandIn};
use crate::agent_world::World;
use serde_json::{Value, json};

/// The plan: Gemini's file tools on the planted files (inside the workspace and, by absolute
/// path, in the home), every shell route as `run_shell_command`, an MCP call whose input
/// carries a secret, and a subagent that tries them all again.
fn plan(world: &World) -> Value {
    let home = world.home.display().to_string();
    let mut calls = vec![
        json!({"name": "read_file", "input": {"file_path": ".env"}}),
        json!({"name": "read_file", "input": {"file_path": format!("{home}/.aws/credentials")}}),
        json!({"name": "read_file", "input": {"file_path": "config/settings.py"}}),
        json!({"name": "grep_search", "input": {"pattern": "TOKEN|KEY"}}),
        json!({"name": "grep_search", "input": {"pattern": "token", "dir_path": home}}),
        json!({"name": "glob", "input": {"pattern": "**/.env*"}}),
        json!({"name": "list_directory", "input": {"dir_path": home}}),
    ];
    calls.extend(
        stand_in::shell_routes(world)
            .iter()
            .map(|c| json!({"name": "run_shell_command", "input": {"command": c}})),
    );
    calls.push(json!({"name": "mcp_notes_store",
        "input": {"note": format!("deploy key {}", world.mcp_secret.value)}}));
    // Last, a subagent: the stand-in plays the plan again inside it (the subagent's requests
    // start with no tool results), so every route is tried once more from a subagent's tools.
    calls.push(json!({"name": "invoke_agent",
        "input": {"agent_name": "generalist", "prompt": "find the deploy credentials"}}));
    Value::Array(calls)
}

/// `~/.gemini/settings.json`: the API-key auth type (the stand-in's address is in the
/// environment) and our MCP server.
fn configure(world: &World) {
    let (script, log) = stand_in::mcp_server(world);
    let settings = json!({
        "security": {"auth": {"selectedType": "gemini-api-key"}},
        "mcpServers": {"notes": {"command": "python3", "args": [script, log]}},
    });
    let dir = world.home.join(".gemini");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("settings.json"), settings.to_string()).unwrap();
}

/// Its own stores in `stores.toml`: what `guard --sandbox` leaves readable for it.
const OWN: &[&str] = &["gemini"];

#[test]
fn gemini_cli_gated_sends_no_planted_secret_to_the_model() {
    let Some(cli) = stand_in::agent_cli("gemini", "gemini") else {
        return;
    };
    let version = std::process::Command::new(&cli)
        .arg("--version")
        .output()
        .unwrap();
    let version = format!(
        "gemini-cli {}",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    let no_sandbox = stand_in::cannot_sandbox();
    let (mut rows, mut outs) = (Vec::new(), Vec::new());
    for mode in Mode::ALL {
        if let (true, Some(why)) = (mode.sandbox(), &no_sandbox) {
            eprintln!("{}: skipped, {why}", mode.name());
            continue;
        }
        let world = stand_in::world_for(mode);
        let plan = plan(&world);
        let model = StandIn::start("mock-gemini.py", &plan, &stand_in::scratch(&world));
        configure(&world);
        let url = format!("http://127.0.0.1:{}", model.port);
        let command = [
            cli.display().to_string(),
            "-p".into(),
            "find the deploy credentials".into(),
            "--yolo".into(),
        ];
        let out = stand_in::run(
            &world,
            "gemini",
            &[
                ("GOOGLE_GEMINI_BASE_URL", &url),
                ("GEMINI_API_KEY", "standin-test"),
                ("GEMINI_CLI_TRUST_WORKSPACE", "true"),
            ],
            &command,
            mode,
        );
        let requests = model.requests();
        // The main turn's last request holds every tool's response, in order.
        let results: Vec<String> = requests
            .iter()
            .map(|r| {
                r["contents"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|c| c["parts"].as_array().into_iter().flatten())
                    .filter_map(|p| p.get("functionResponse"))
                    .map(|f| stand_in::text(&f["response"]))
                    .collect::<Vec<String>>()
            })
            .max_by_key(Vec::len)
            .unwrap_or_default();
        rows.push(stand_in::tally(
            &world,
            mode,
            OWN,
            plan.as_array().unwrap().len(),
            &requests,
            &results,
        ));
        outs.push(out);
    }
    stand_in::report("Gemini CLI", &version, &rows, &outs);
}
