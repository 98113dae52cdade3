//! Secret hygiene: without `--show-secrets`, no output, warning, error, report file, baseline,
//! cache or policy file that credgate writes holds a whole secret. Every fixture goes through
//! every report format and every mode (scan, home stores, staged, history, guard, the Claude
//! hook, baseline creation, agent policies), and every byte printed or written is searched for
//! every raw secret the fixtures hold.

use crate::common::{credgate, git, materialize};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const FORMATS: &[&str] = &["text", "json", "jsonl", "sarif", "gitlab", "html"];

/// The raw secrets credgate finds in `dir` with `args` (asked for with --show-secrets).
fn raw_secrets(dir: &Path, args: &[&str]) -> Vec<String> {
    let out = credgate()
        .current_dir(dir)
        .args(["scan", "--format", "json", "--show-secrets"])
        .args(args)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["secret"].as_str().unwrap().to_string())
        // Short values (a 6-character password) could match unrelated text by chance.
        .filter(|s| s.len() >= 10)
        .collect()
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            let ft = e.file_type().unwrap();
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                out.insert(p.clone(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

struct Leaks<'a> {
    secrets: &'a [String],
    runs: usize,
}

impl Leaks<'_> {
    fn check(&mut self, what: &str, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        for s in self.secrets {
            assert!(
                !text.contains(s.as_str()),
                "{what} holds a whole secret ({} bytes, starts {:?})",
                s.len(),
                &s[..4]
            );
        }
        self.runs += 1;
    }

    /// Runs credgate with `args` in `dir`, optionally with `stdin`; checks stdout and stderr.
    fn run(&mut self, dir: &Path, args: &[&str], stdin: Option<&str>, env: &[(&str, &Path)]) {
        let mut c = credgate();
        c.current_dir(dir).args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        if let Some(s) = stdin {
            c.write_stdin(s);
        }
        let out = c.output().unwrap();
        let code = out.status.code();
        assert!(code.is_some(), "{args:?} was killed");
        self.check(&format!("stdout of {args:?}"), &out.stdout);
        self.check(&format!("stderr of {args:?}"), &out.stderr);
    }

    /// Checks every file under `dir` that is new or changed since `before`. A changed file may
    /// keep the secrets it held before (an agent settings file that gains deny rules keeps its
    /// own `env` block); it must not gain any.
    fn written(&mut self, dir: &Path, before: &BTreeMap<PathBuf, Vec<u8>>) -> usize {
        let mut n = 0;
        for (p, b) in files(dir) {
            let old = before.get(&p);
            if old == Some(&b) {
                continue;
            }
            let old = String::from_utf8_lossy(old.map_or(&[][..], |v| v));
            let text = String::from_utf8_lossy(&b);
            for s in self.secrets {
                assert!(
                    old.contains(s.as_str()) || !text.contains(s.as_str()),
                    "file {} gained a whole secret ({} bytes, starts {:?})",
                    p.display(),
                    s.len(),
                    &s[..4]
                );
            }
            self.runs += 1;
            n += 1;
        }
        n
    }
}

#[test]
fn no_output_or_written_file_holds_a_secret() {
    let ws = materialize("agent-workspace");
    let assess = materialize("assessments");
    let home = materialize("home");
    let home_arg = home.path().to_str().unwrap().to_string();
    let mut secrets = raw_secrets(ws.path(), &["."]);
    secrets.extend(raw_secrets(assess.path(), &["."]));
    secrets.extend(raw_secrets(
        ws.path(),
        &["--reach", "home", "--home", &home_arg],
    ));
    secrets.sort();
    secrets.dedup();
    assert!(
        secrets.len() >= 60,
        "only {} secrets to look for",
        secrets.len()
    );

    let out = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut leaks = Leaks {
        secrets: &secrets,
        runs: 0,
    };
    let snap_ws = files(ws.path());
    let snap_as = files(assess.path());
    let snap_home = files(home.path());

    for fmt in FORMATS {
        for dir in [ws.path(), assess.path()] {
            leaks.run(dir, &["scan", ".", "--format", fmt], None, &[]);
            let file = out.path().join(format!("report.{fmt}"));
            let file = file.to_str().unwrap();
            leaks.run(dir, &["scan", ".", "--format", fmt, "-o", file], None, &[]);
        }
        leaks.run(
            ws.path(),
            &[
                "scan", "--format", fmt, "--reach", "all", "--home", &home_arg,
            ],
            None,
            &[],
        );
    }
    leaks.run(
        ws.path(),
        &["scan", ".", "--format", "text", "--color", "always"],
        None,
        &[],
    );

    // Guard, before an agent starts (blocked: the fixtures hold critical credentials).
    leaks.run(
        ws.path(),
        &[
            "guard",
            "--workspace",
            ".",
            "--home",
            &home_arg,
            "--",
            "true",
        ],
        None,
        &[],
    );
    // The Claude Code hook, reading a file full of credentials; its cache goes to `cache`.
    let event = serde_json::json!({
        "tool_name": "Read",
        "cwd": ws.path(),
        "tool_input": {"file_path": ".env"},
    })
    .to_string();
    for _ in 0..2 {
        // The second call answers from the cache.
        leaks.run(
            ws.path(),
            &["hook", "claude"],
            Some(&event),
            &[("CREDGATE_CACHE_DIR", cache.path())],
        );
    }
    // A baseline, and agent policies written into the workspace.
    let baseline = out.path().join("baseline.txt");
    leaks.run(
        ws.path(),
        &["baseline", "create", baseline.to_str().unwrap(), "."],
        None,
        &[],
    );
    leaks.run(
        ws.path(),
        &["scan", ".", "--agent-policy", "all", "--format", "json"],
        None,
        &[],
    );

    // Staged changes and history, in a repository that holds the assessment fixture.
    let repo = tempfile::tempdir().unwrap();
    git(repo.path(), &["init", "-q"]);
    for (p, b) in files(assess.path()) {
        let rel = p.strip_prefix(assess.path()).unwrap();
        if rel.starts_with(".git") {
            continue;
        }
        let to = repo.path().join(rel);
        fs::create_dir_all(to.parent().unwrap()).unwrap();
        fs::write(to, b).unwrap();
    }
    git(repo.path(), &["add", "-A"]);
    let snap_repo = files(repo.path());
    for fmt in FORMATS {
        leaks.run(
            repo.path(),
            &["scan", "--staged", "--format", fmt],
            None,
            &[],
        );
    }
    git(repo.path(), &["commit", "-qm", "fixtures", "--no-verify"]);
    for fmt in FORMATS {
        leaks.run(repo.path(), &["scan", "--git", "--format", fmt], None, &[]);
    }

    let written = leaks.written(out.path(), &BTreeMap::new())
        + leaks.written(cache.path(), &BTreeMap::new())
        + leaks.written(ws.path(), &snap_ws)
        + leaks.written(assess.path(), &snap_as)
        + leaks.written(home.path(), &snap_home);
    let _ = leaks.written(repo.path(), &snap_repo);
    assert!(baseline.exists(), "no baseline was written");
    assert!(
        written >= FORMATS.len() + 2,
        "expected report files, the baseline, the hook cache and policy files; checked {written}"
    );
    assert!(leaks.runs > 100, "{} outputs checked", leaks.runs);
}
