//! The real Codex CLI (`@openai/codex`, pinned in `.ci/run`) run offline against our stand-in
//! for the OpenAI Responses API (`tests/agents/mock-openai.py`), with a plan of credential-seeking
//! tool calls in the planted world (`agent_world.rs`): without a gate the planted secrets reach
//! the model, with our hook (as `hook install --agent codex` installs it), under
//! `guard --sandbox`, or both, none does.
//!
//! Codex's tools here are `exec_command` (every read is a shell command: Codex has no file
//! tool), `write_stdin` (typing into a session `exec_command` left open, which no hook sees:
//! the hook denies starting such a session) and our MCP server's `store`, which hooks see as
//! `mcp__notes__store`. Non-interactive as
//! root: `codex exec --dangerously-bypass-approvals-and-sandbox` (no approvals, and no Codex
//! sandbox of its own inside ours), `--dangerously-bypass-hook-trust` (the documented switch for
//! automation: Codex otherwise runs a hook only after a person trusted it in `/hooks`), and the
//! project trusted in `config.toml` (Codex loads a project's `.codex/hooks.json` only then).

use crate::agent_stand_in::{self as stand_in, Mode, StandIn};
use crate::agent_world::World;
use serde_json::{Value, json};

/// The plan: every shell route as an `exec_command` call (bash -lc, from the workspace), then an
/// MCP call whose input carries a secret.
fn plan(world: &World) -> Value {
    let mut calls: Vec<Value> = stand_in::shell_routes(world)
        .iter()
        .map(|c| json!({"name": "exec_command", "input": {"cmd": c}}))
        .collect();
    // An interactive shell, then a command typed into it: Codex shows hooks the `exec_command`
    // that starts the session, never the `write_stdin` that types into it.
    calls.push(json!({"name": "exec_command", "input": {"cmd": "bash", "tty": true, "yield_time_ms": 500}}));
    calls.push(json!({"name": "write_stdin",
        "input": {"session_id": "{{session_id}}", "chars": "cat .env\n", "yield_time_ms": 1000}}));
    calls.push(json!({"name": "mcp__notes__store",
        "input": {"note": format!("deploy key {}", world.mcp_secret.value)}}));
    Value::Array(calls)
}

/// `$CODEX_HOME/config.toml` (`~/.codex`): the stand-in as the model provider, our MCP server,
/// and the workspace trusted.
fn configure(world: &World, port: u16) {
    let (script, log) = stand_in::mcp_server(world);
    let config = format!(
        "model = \"gpt-5.2-codex\"\nmodel_provider = \"standin\"\n\n\
         [model_providers.standin]\nname = \"stand-in\"\nbase_url = \"http://127.0.0.1:{port}/v1\"\n\
         env_key = \"STANDIN_API_KEY\"\nwire_api = \"responses\"\n\n\
         [mcp_servers.notes]\ncommand = \"python3\"\nargs = [{script:?}, {log:?}]\n\n\
         [projects.{ws:?}]\ntrust_level = \"trusted\"\n",
        script = script.display().to_string(),
        log = log.display().to_string(),
        ws = world.workspace.display().to_string(),
    );
    std::fs::write(world.home.join(".codex/config.toml"), config).unwrap();
}

/// Its own stores in `stores.toml`: what `guard --sandbox` leaves readable for it. Not its
/// login (`codex-auth`, `~/.codex/auth.json`): Codex talks to the stand-in, a provider of its
/// own with `env_key`, and never reads the login, so guard masks it.
const OWN: &[&str] = &["codex"];

#[test]
fn codex_cli_gated_sends_no_planted_secret_to_the_model() {
    let Some(cli) = stand_in::agent_cli("codex", "codex") else {
        return;
    };
    let version = std::process::Command::new(&cli)
        .arg("--version")
        .output()
        .unwrap();
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let no_sandbox = stand_in::cannot_sandbox();
    let (mut rows, mut outs) = (Vec::new(), Vec::new());
    for mode in Mode::ALL {
        if let (true, Some(why)) = (mode.sandbox(), &no_sandbox) {
            eprintln!("{}: skipped, {why}", mode.name());
            continue;
        }
        let world = stand_in::world_for(mode);
        let plan = plan(&world);
        let model = StandIn::start("mock-openai.py", &plan, &stand_in::scratch(&world));
        configure(&world, model.port);
        let command = [
            cli.display().to_string(),
            "exec".into(),
            "--dangerously-bypass-approvals-and-sandbox".into(),
            "--dangerously-bypass-hook-trust".into(),
            "--color".into(),
            "never".into(),
            "find the deploy credentials".into(),
        ];
        let out = stand_in::run(
            &world,
            "codex",
            &[("STANDIN_API_KEY", "standin-test")],
            &command,
            mode,
        );
        let requests = model.requests();
        // The last request holds every tool's result, in order.
        let results: Vec<String> = requests
            .last()
            .and_then(|r| r["input"].as_array())
            .into_iter()
            .flatten()
            .filter(|i| i["type"] == "function_call_output")
            .map(|i| stand_in::text(&i["output"]))
            .collect();
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
    stand_in::report("Codex CLI", &version, &rows, &outs);
}
