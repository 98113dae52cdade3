//! `credgate hook claude`: a Claude Code `PreToolUse` hook. It reads the tool call on stdin,
//! finds the files the call would read, scans them, and blocks the call (exit code 2, a reason on
//! stderr for the agent) when one holds a credential at or above the level. Otherwise it exits 0
//! and prints nothing.
//!
//! Results are cached per file by path, size and modification time, in a file that holds no
//! secret (detector, risk, line), so repeated reads of the same files cost a stat each.

use crate::engine::Engine;
use crate::finding::Origin;
use crate::model::Risk;
use crate::pipeline::{self, Settings};
use crate::result::Progress;
use crate::source::files::Files;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// At most this many files are looked at for one call (a Grep over a huge tree).
const MAX_FILES: usize = 20_000;

/// What the cache remembers of a file: no secret, only what the block message needs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Entry {
    size: u64,
    mtime_ns: i128,
    findings: Vec<Seen>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Seen {
    detector: String,
    risk: Risk,
    why: String,
    line: u64,
    /// Where, as every report writes it (`.env:3`, `~/.aws/credentials:2`).
    at: String,
}

#[derive(Default, Serialize, Deserialize)]
struct Cache {
    /// What the results were computed with ([`settings_stamp`]).
    #[serde(default)]
    settings: String,
    files: HashMap<PathBuf, Entry>,
}

fn cache_path() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("CREDGATE_CACHE_DIR") {
        return Some(PathBuf::from(d).join("claude-hook.json"));
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::home_dir().map(|h| h.join(".cache")))?;
    Some(base.join("credgate").join("claude-hook.json"))
}

/// The files a tool call would read, resolved against the call's working directory.
pub fn paths_of(event: &Value) -> Vec<PathBuf> {
    let cwd = event["cwd"]
        .as_str()
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    let input = &event["tool_input"];
    let resolve = |p: &str| -> PathBuf {
        if let Some(rest) = p.strip_prefix("~/")
            && let Some(h) = std::env::home_dir()
        {
            return h.join(rest);
        }
        cwd.join(p)
    };
    let field = |k: &str| input[k].as_str().filter(|s| !s.is_empty());
    match event["tool_name"].as_str().unwrap_or("") {
        "Read" | "Edit" | "MultiEdit" | "Write" => {
            field("file_path").map(resolve).into_iter().collect()
        }
        "NotebookRead" | "NotebookEdit" => {
            field("notebook_path").map(resolve).into_iter().collect()
        }
        "Grep" | "Glob" | "LS" => vec![field("path").map_or_else(|| cwd.clone(), resolve)],
        "Bash" => bash_reach(event).map(|r| r.paths).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The words of a shell command that may name files, best effort: split at blanks and shell
/// operators, quotes taken off, options left out, `NAME=value` read as its value.
fn shell_words(cmd: &str) -> impl Iterator<Item = &str> {
    cmd.split(|ch: char| ch.is_whitespace() || "|;&<>()`".contains(ch))
        .map(|w| w.trim_matches(['"', '\'']))
        .filter(|w| !w.is_empty() && !w.starts_with('-'))
        .map(|w| w.split_once('=').map_or(w, |(_, v)| v))
}

fn files_under(p: &Path) -> Vec<PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    if !p.is_dir() {
        return Vec::new();
    }
    ignore::WalkBuilder::new(p)
        .standard_filters(false)
        .filter_entry(|e| {
            crate::source::walk::git_internal_allowed(
                e.path(),
                e.file_type().is_some_and(|t| t.is_dir()),
            )
        })
        .build()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .take(MAX_FILES)
        .map(|e| e.into_path())
        .collect()
}

fn mtime_ns(m: &std::fs::Metadata) -> i128 {
    m.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i128)
}

/// The hook's decision: `None` to allow, `Some(reason)` to block. The files the call would read
/// go through the same pipeline as a scan of `workspace` with `settings` (its config file's
/// `[[allow]]` rules and baseline included); what is cached per file is what remains after them.
///
/// Since those rules decide what the hook lets through, a call that would change them (write
/// `.credgate.toml` or the baseline) is blocked: the agent must not be able to allow itself a
/// credential.
pub fn decide(
    event: &Value,
    level: Risk,
    engine: &Engine,
    settings: &Settings,
    workspace: &Path,
) -> Result<Option<String>> {
    let tool = event["tool_name"].as_str().unwrap_or("tool");
    if let Some(file) = writes_own_config(event, workspace, settings) {
        return Ok(Some(format!(
            "credgate blocked this {tool} call: it would change {}, which decides what credgate lets an agent read. Ask the user to make that change.\n",
            file.display()
        )));
    }
    let reach = bash_reach(event);
    if let Some(r) = &reach
        && let Some(reason) = env_decision(r, level, engine, settings)?
    {
        return Ok(Some(reason));
    }
    let targets = match reach {
        Some(r) => r.paths,
        None => paths_of(event),
    };
    if targets.is_empty() {
        return Ok(None);
    }
    let cache_file = cache_path();
    let stamp = settings_stamp(engine, settings);
    let mut cache: Cache = cache_file
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(|c: &Cache| c.settings == stamp)
        .unwrap_or_else(|| Cache {
            settings: stamp,
            files: HashMap::new(),
        });
    let home = std::env::home_dir();
    let stores = crate::stores::Stores::builtin()?;
    // Every file the call reaches, once, in order; and those whose cache entry is not fresh.
    let mut wanted: Vec<PathBuf> = Vec::new();
    let mut meta_of: HashMap<PathBuf, (u64, i128)> = HashMap::new();
    let mut stale: Vec<(PathBuf, Origin)> = Vec::new();
    for target in &targets {
        for file in files_under(target) {
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            let key = crate::util::normalize(&std::path::absolute(&file).unwrap_or(file));
            let stat = (meta.len(), mtime_ns(&meta));
            if meta_of.insert(key.clone(), stat).is_some() {
                continue;
            }
            let fresh = cache
                .files
                .get(&key)
                .is_some_and(|e| (e.size, e.mtime_ns) == stat);
            if !fresh {
                let origin = origin_of(&key, workspace, home.as_deref(), &stores);
                stale.push((key.clone(), origin));
            }
            wanted.push(key);
        }
    }
    if !stale.is_empty() {
        let files = Files { files: stale };
        let result = pipeline::run(engine, settings, &[&files], &Progress::default())?;
        if result.summary.timed_out {
            // Fail closed, as guard does: what was not read is not known to be safe.
            return Ok(Some(format!(
                "credgate blocked this {tool} call: the files it would read could not all be scanned within --timeout.\n"
            )));
        }
        // Only what was read to the end is remembered: a file that was skipped or could not
        // be read is looked at again next time.
        let unfinished: HashSet<&str> = result
            .skipped
            .iter()
            .map(|s| s.path.as_str())
            .chain(result.warnings.iter().map(|w| w.path.as_str()))
            .collect();
        let mut seen: HashMap<&Origin, Vec<Seen>> = HashMap::new();
        for f in &result.findings {
            seen.entry(&f.origin).or_default().push(Seen {
                detector: f.detector_name.clone(),
                risk: f.assessment.risk,
                why: f.assessment.why.clone(),
                line: f.line,
                at: f.origin.at(f.line, None),
            });
        }
        for (key, origin) in &files.files {
            let findings = seen.remove(origin).unwrap_or_default();
            if findings.is_empty() && unfinished.contains(origin.to_string().as_str()) {
                cache.files.remove(key);
                continue;
            }
            let (size, mtime_ns) = meta_of[key];
            cache.files.insert(
                key.clone(),
                Entry {
                    size,
                    mtime_ns,
                    findings,
                },
            );
        }
        if let Some(p) = &cache_file {
            let _ = write_private(p, &serde_json::to_vec(&cache).unwrap_or_default());
        }
    }
    let mut hits: Vec<&Seen> = wanted
        .iter()
        .filter_map(|key| cache.files.get(key))
        .flat_map(|e| e.findings.iter().filter(|s| s.risk >= level))
        .collect();
    if hits.is_empty() {
        return Ok(None);
    }
    hits.sort_by_key(|h| std::cmp::Reverse(h.risk));
    let mut msg = format!(
        "credgate blocked this {tool} call: it would expose {} at or above {level} risk.\n",
        crate::util::count(hits.len(), "credential"),
    );
    for s in hits.iter().take(10) {
        msg.push_str(&format!(
            "- {}: {} ({} risk: {})\n",
            s.at, s.detector, s.risk, s.why
        ));
    }
    msg.push_str(
        "Do not read or print these files. If the task needs access to that service, ask the user for a scoped, short-lived credential, or for the value to be provided through an environment the tool reads itself.\n",
    );
    Ok(Some(msg))
}

/// What a Bash call's command reaches, or `None` for other tools.
fn bash_reach(event: &Value) -> Option<super::shell::Reach> {
    if event["tool_name"].as_str() != Some("Bash") {
        return None;
    }
    let cmd = event["tool_input"]["command"].as_str()?;
    let cwd = event["cwd"]
        .as_str()
        .map(PathBuf::from)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    Some(super::shell::reach(
        cmd,
        &cwd,
        std::env::home_dir().as_deref(),
    ))
}

/// For a shell command that prints environment variables (`env`, `printenv`, `echo $NAME`,
/// `/proc/self/environ`): the reason to block it when one of them holds a credential at or
/// above `level`. The hook runs with the agent's environment, so it scans its own.
fn env_decision(
    reach: &super::shell::Reach,
    level: Risk,
    engine: &Engine,
    settings: &Settings,
) -> Result<Option<String>> {
    if !reach.all_env && reach.env_names.is_empty() {
        return Ok(None);
    }
    let mut env = crate::source::env::Environment::current();
    if !reach.all_env {
        env.vars.retain(|(k, _)| {
            reach
                .env_names
                .iter()
                .any(|n| k.to_str() == Some(n.as_str()))
        });
    }
    let result = pipeline::run(engine, settings, &[&env], &Progress::default())?;
    let hits: Vec<&crate::finding::Finding> = result
        .findings
        .iter()
        .filter(|f| f.assessment.risk >= level)
        .collect();
    if hits.is_empty() {
        return Ok(None);
    }
    let mut msg = format!(
        "credgate blocked this Bash call: it would print {} at or above {level} risk from the environment.\n",
        crate::util::count(hits.len(), "credential"),
    );
    for f in hits.iter().take(10) {
        msg.push_str(&format!(
            "- {}: {} ({} risk: {})\n",
            f.origin, f.detector_name, f.assessment.risk, f.assessment.why
        ));
    }
    msg.push_str("Do not print these variables. Programs that need them read them from the environment themselves.\n");
    Ok(Some(msg))
}

/// The config file or baseline that a tool call would write, if any: `Write`, `Edit`,
/// `MultiEdit` and `NotebookEdit` naming it, or a shell command naming it that is not one of
/// the usual read-only viewers without a redirection.
fn writes_own_config(event: &Value, workspace: &Path, settings: &Settings) -> Option<PathBuf> {
    let input = &event["tool_input"];
    let cwd = event["cwd"].as_str().map_or(workspace, Path::new);
    // The baseline's path is as the config resolved it (relative to this process).
    let baseline = (!settings.allow.baseline_source.is_empty()).then(|| {
        crate::util::normalize(
            &std::path::absolute(&settings.allow.baseline_source).unwrap_or_default(),
        )
    });
    let own = |p: &Path| {
        let abs = crate::util::normalize(&std::path::absolute(cwd.join(p)).unwrap_or_default());
        abs.file_name()
            .is_some_and(|n| n == crate::config::DEFAULT_FILE)
            || baseline.as_ref().is_some_and(|b| *b == abs)
    };
    match event["tool_name"].as_str().unwrap_or("") {
        "Write" | "Edit" | "MultiEdit" | "NotebookEdit" => ["file_path", "notebook_path"]
            .iter()
            .filter_map(|k| input[*k].as_str())
            .map(PathBuf::from)
            .find(|p| own(p)),
        "Bash" => {
            let cmd = input["command"].as_str()?;
            let named = shell_words(cmd).map(PathBuf::from).find(|p| own(p))?;
            let first = cmd.split_whitespace().next().unwrap_or("");
            let viewer = matches!(
                first,
                "cat" | "less" | "more" | "head" | "tail" | "grep" | "rg" | "ls" | "wc" | "diff"
            );
            (!viewer || cmd.contains('>')).then_some(named)
        }
        _ => None,
    }
}

/// How a file the call names is reported and located: inside the workspace by its path there;
/// a credential store of the home directory as `~/...`; anything else by its absolute path,
/// located by its git status like a workspace file.
fn origin_of(
    abs: &Path,
    workspace: &Path,
    home: Option<&Path>,
    stores: &crate::stores::Stores,
) -> Origin {
    let ws = crate::util::normalize(&std::path::absolute(workspace).unwrap_or(workspace.into()));
    if let Ok(rel) = abs.strip_prefix(&ws) {
        // Named as the agent names it, relative to its working directory.
        return Origin::Workspace {
            root: PathBuf::from("."),
            path: rel.to_path_buf(),
        };
    }
    if let Some(h) = home
        && let Ok(rel) = abs.strip_prefix(h)
        && stores.find(rel).is_some()
    {
        return Origin::Home {
            home: h.to_path_buf(),
            path: rel.to_path_buf(),
        };
    }
    Origin::Workspace {
        root: PathBuf::from("."),
        path: abs.to_path_buf(),
    }
}

/// What the cached results depend on besides the files: this binary (its built-in detectors),
/// the user's detectors, and every setting that changes what is found or allowed. A change to
/// any (an `[[allow]]` added, an exclude removed) makes every entry stale.
fn settings_stamp(engine: &Engine, settings: &Settings) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION"));
    if let Some(m) = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
    {
        h.update(format!("{}:{}", m.len(), mtime_ns(&m)));
    }
    for d in engine.catalog().detectors.iter().filter(|d| d.user) {
        h.update(format!(
            "{}\0{}\0{:?}{:?}{:?}{:?}{:?}{:?}{:?}{}",
            d.id,
            d.pattern,
            d.keywords,
            d.paths,
            d.min_entropy,
            d.validators,
            d.lifetime,
            d.scope,
            d.requires,
            d.privileged
        ));
    }
    let mut baseline: Vec<&String> = settings.allow.baseline.iter().collect();
    baseline.sort();
    h.update(format!(
        "{:?}{baseline:?}{}{}{}{:?}{:?}",
        settings.allow.rules,
        settings.inline_allow,
        settings.max_file_size,
        settings.max_findings_per_file,
        settings.excludes,
        settings.workspace_env,
    ));
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    use std::io::Write;
    crate::safe_write::create_nofollow(path, crate::safe_write::PRIVATE)?.write_all(bytes)
}

/// The `settings.json` entry that runs the hook before every tool that reads files.
pub fn settings_entry() -> Value {
    serde_json::json!({
        "matcher": "Read|Write|Edit|MultiEdit|Grep|Glob|LS|Bash|NotebookRead|NotebookEdit",
        "hooks": [{ "type": "command", "command": "credgate hook claude" }]
    })
}

const SETTINGS: &str = ".claude/settings.json";

/// Adds [`settings_entry`] to `.claude/settings.json` under `hooks.PreToolUse`, once, keeping
/// everything else in the file. Returns whether the file changed. A symbolic link on the way to
/// the file (`.claude` or the file itself) is an error: nothing is read or written through it.
pub fn install(workspace: &Path) -> Result<bool> {
    let file = workspace.join(SETTINGS);
    let bytes = crate::safe_write::read_in(workspace, Path::new(SETTINGS))?.unwrap_or_default();
    let mut doc: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Default::default())
    } else {
        serde_json::from_slice(&bytes).map_err(|e| {
            anyhow::anyhow!("{}: not valid JSON ({e}); not changing it", file.display())
        })?
    };
    let list = doc
        .as_object_mut()
        .ok_or_else(|| anyhow::anyhow!("{}: not a JSON object", file.display()))?
        .entry("hooks")
        .or_insert_with(|| Value::Object(Default::default()))
        .as_object_mut()
        .ok_or_else(|| anyhow::anyhow!("{}: hooks is not an object", file.display()))?
        .entry("PreToolUse")
        .or_insert_with(|| Value::Array(Vec::new()))
        .as_array_mut()
        .ok_or_else(|| anyhow::anyhow!("{}: hooks.PreToolUse is not an array", file.display()))?;
    let present = list.iter().any(|e| {
        e["hooks"].as_array().is_some_and(|h| {
            h.iter().any(|x| {
                x["command"]
                    .as_str()
                    .is_some_and(|c| c.contains("credgate hook claude"))
            })
        })
    });
    if present {
        return Ok(false);
    }
    list.push(settings_entry());
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    crate::safe_write::write_in(
        workspace,
        Path::new(SETTINGS),
        text.as_bytes(),
        crate::safe_write::SHARED,
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_of_files_a_call_names() {
        let stores = crate::stores::Stores::builtin().unwrap();
        let home = Some(Path::new("/h"));
        let ws = Path::new("/h/proj");
        let o = |p: &str| origin_of(Path::new(p), ws, home, &stores);
        assert_eq!(o("/h/proj/.env").to_string(), ".env");
        assert_eq!(o("/h/.aws/credentials").to_string(), "~/.aws/credentials");
        // Under the home directory but no store: located like any other file.
        assert_eq!(o("/h/other/notify.cfg").to_string(), "/h/other/notify.cfg");
        assert_eq!(o("/h/other/notify.cfg").kind(), "workspace");
    }
    use serde_json::json;

    #[test]
    fn paths_from_events() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join(".env"), "x").unwrap();
        let cwd = d.path().to_str().unwrap();
        let read = json!({"tool_name": "Read", "cwd": cwd, "tool_input": {"file_path": ".env"}});
        assert_eq!(paths_of(&read), [d.path().join(".env")]);
        let grep = json!({"tool_name": "Grep", "cwd": cwd, "tool_input": {"pattern": "KEY"}});
        assert_eq!(paths_of(&grep), [d.path().to_path_buf()]);
        let bash = json!({"tool_name": "Bash", "cwd": cwd, "tool_input": {"command": "cat .env | grep KEY > out.txt"}});
        assert_eq!(paths_of(&bash), [d.path().join(".env")]);
        let other =
            json!({"tool_name": "WebFetch", "cwd": cwd, "tool_input": {"url": "https://x"}});
        assert!(paths_of(&other).is_empty());
    }
}
