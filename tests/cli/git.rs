//! `scan --staged`, the pre-commit hook and the pre-commit framework, on real repositories built
//! with the git binary.

use crate::common::git;

use crate::common::credgate;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;

fn tok(body: &str) -> String {
    credgate::testing::expand_generators(&format!("{{{{crc32 ghp_ {body}}}}}"))
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q"]);
    d
}

fn staged(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let out = credgate()
        .current_dir(dir)
        .args(["scan", "--staged", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), v)
}

fn lines(v: &Value) -> Vec<String> {
    crate::common::finding_lines(v)
}

#[test]
fn first_commit_everything_staged_is_scanned() {
    let d = repo();
    fs::create_dir(d.path().join("src")).unwrap();
    fs::write(
        d.path().join("src/config.py"),
        format!(
            "# settings\nTOKEN = \"{}\"\n",
            tok("FAKEstagedFirstCommitBody00001")
        ),
    )
    .unwrap();
    fs::write(d.path().join("clean.txt"), "nothing here\n").unwrap();
    git(d.path(), &["add", "-A"]);
    let (code, v) = staged(d.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(lines(&v), ["src/config.py:2:10 github.pat.classic"]);
    assert_eq!(v["findings"][0]["assessment"]["location"], "tracked");
    // What is staged, not the working tree: fix the file without staging, still found.
    fs::write(d.path().join("src/config.py"), "# fixed\n").unwrap();
    assert_eq!(staged(d.path(), &[]).0, 1);
}

#[test]
fn only_lines_the_change_adds_are_reported() {
    let d = repo();
    let old = tok("FAKEstagedOldSecretBody0000001");
    let new = tok("FAKEstagedNewSecretBody0000002");
    fs::write(d.path().join("app.py"), format!("A = \"{old}\"\nx = 1\n")).unwrap();
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-qm", "base", "--no-verify"]);
    fs::write(
        d.path().join("app.py"),
        format!("A = \"{old}\"\nx = 2\nB = \"{new}\"\n"),
    )
    .unwrap();
    git(d.path(), &["add", "-A"]);
    let (code, v) = staged(d.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(lines(&v), ["app.py:3:6 github.pat.classic"]);
    // Nothing staged that differs from HEAD: clean.
    git(d.path(), &["commit", "-qm", "two", "--no-verify"]);
    let (code, v) = staged(d.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["files_scanned"], 0);
}

#[test]
fn renames_and_deletions_cost_nothing() {
    let d = repo();
    fs::write(
        d.path().join("a.txt"),
        format!("{}\n", tok("FAKEstagedRenameBodyQ7x9Lm2Vn1")),
    )
    .unwrap();
    fs::write(
        d.path().join("b.txt"),
        format!("{}\n", tok("FAKEstagedDeleteBodyQ7x9Lm2Vn2")),
    )
    .unwrap();
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-qm", "base", "--no-verify"]);
    git(d.path(), &["mv", "a.txt", "renamed.txt"]);
    git(d.path(), &["rm", "-q", "b.txt"]);
    let (code, v) = staged(d.path(), &[]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["summary"]["files_scanned"], 0);
}

#[test]
fn binary_lfs_and_submodules() {
    let sub = repo();
    fs::write(sub.path().join("README"), "sub\n").unwrap();
    git(sub.path(), &["add", "-A"]);
    git(sub.path(), &["commit", "-qm", "sub", "--no-verify"]);
    let d = repo();
    let mut bin = vec![0u8, 159, 146, 150, 0, 0];
    bin.extend_from_slice(b"AKIAZ2FAKE3CSWP7QXRT");
    bin.extend_from_slice(&[0, 0, 255]);
    fs::write(d.path().join("blob.bin"), bin).unwrap();
    fs::write(
        d.path().join("model.bin"),
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n",
    )
    .unwrap();
    git(
        d.path(),
        &[
            "submodule",
            "add",
            "-q",
            sub.path().to_str().unwrap(),
            "vendor/sub",
        ],
    );
    git(d.path(), &["add", "-A"]);
    let (code, v) = staged(d.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(lines(&v), ["blob.bin:1:7 aws.access-key-id"]);
    let skipped: Vec<String> = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s["path"].as_str().unwrap(),
                s["why"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        skipped
            .iter()
            .any(|s| s.starts_with("model.bin Git LFS pointer")),
        "{skipped:?}"
    );
    assert!(
        skipped
            .iter()
            .any(|s| s.starts_with("vendor/sub submodule")),
        "{skipped:?}"
    );
}

#[test]
fn hook_install_chain_uninstall_round_trip_and_blocks_commits() {
    let d = repo();
    let p = d.path();
    let hooks = p.join(".git/hooks");
    fs::create_dir_all(&hooks).unwrap();
    let original =
        b"#!/bin/sh\necho user hook ran >> \"$(git rev-parse --git-dir)/user-hook.log\"\n";
    fs::write(hooks.join("pre-commit"), original).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(hooks.join("pre-commit"), fs::Permissions::from_mode(0o755)).unwrap();
    }
    // An existing hook is not overwritten silently.
    let o = credgate()
        .current_dir(p)
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--chain"));
    assert_eq!(fs::read(hooks.join("pre-commit")).unwrap(), original);

    credgate()
        .current_dir(p)
        .args(["hook", "install", "--chain"])
        .assert()
        .code(0);
    fs::write(p.join("ok.txt"), "fine\n").unwrap();
    git(p, &["add", "ok.txt"]);
    let commit = Command::new("git")
        .current_dir(p)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "commit",
            "-qm",
            "ok",
        ])
        .output()
        .unwrap();
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stderr)
    );
    assert!(
        fs::read_to_string(p.join(".git/user-hook.log"))
            .unwrap()
            .contains("user hook ran"),
        "chained hook ran first"
    );

    fs::write(
        p.join("leak.txt"),
        format!("{}\n", tok("FAKEhookBlocksCommitBody000001")),
    )
    .unwrap();
    git(p, &["add", "leak.txt"]);
    let commit = Command::new("git")
        .current_dir(p)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "commit",
            "-qm",
            "leak",
        ])
        .output()
        .unwrap();
    assert!(!commit.status.success(), "the hook must stop the commit");
    let err = String::from_utf8_lossy(&commit.stderr);
    assert!(err.contains("git restore --staged"), "{err}");

    credgate()
        .current_dir(p)
        .args(["hook", "uninstall"])
        .assert()
        .code(0);
    assert_eq!(
        fs::read(hooks.join("pre-commit")).unwrap(),
        original,
        "restored byte for byte"
    );
    assert!(!hooks.join("pre-commit.credgate-chained").exists());

    // --force sets the old hook aside; uninstall puts it back.
    credgate()
        .current_dir(p)
        .args(["hook", "install", "--force"])
        .assert()
        .code(0);
    assert!(
        fs::read_to_string(hooks.join("pre-commit"))
            .unwrap()
            .contains(credgate::testing::HOOK_MARK)
    );
    credgate()
        .current_dir(p)
        .args(["hook", "uninstall"])
        .assert()
        .code(0);
    assert_eq!(fs::read(hooks.join("pre-commit")).unwrap(), original);
}

#[test]
fn hooks_path_and_worktrees() {
    let d = repo();
    let p = d.path();
    fs::write(p.join("a.txt"), "a\n").unwrap();
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "base", "--no-verify"]);
    let wt = tempfile::tempdir().unwrap();
    let wt_path = wt.path().join("wt");
    git(p, &["worktree", "add", "-q", wt_path.to_str().unwrap()]);
    // Installed from a linked worktree, the hook goes where git runs it: the common hooks dir.
    let o = credgate()
        .current_dir(&wt_path)
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(p.join(".git/hooks/pre-commit").exists());
    // The message names that directory as it is, not as `.git/worktrees/wt/../../hooks`.
    let said = String::from_utf8(o.stdout).unwrap() + &String::from_utf8(o.stderr).unwrap();
    assert!(said.contains("/.git/hooks/pre-commit"), "{said}");
    assert!(!said.contains("/../"), "{said}");
    fs::write(
        wt_path.join("leak.txt"),
        format!("{}\n", tok("FAKEworktreeLeakBodyQ7x9Lm2Vn1")),
    )
    .unwrap();
    git(&wt_path, &["add", "leak.txt"]);
    let (code, v) = staged(&wt_path, &[]);
    assert_eq!(code, 1);
    assert_eq!(lines(&v), ["leak.txt:1:1 github.pat.classic"]);
    credgate()
        .current_dir(&wt_path)
        .args(["hook", "uninstall"])
        .assert()
        .code(0);
    assert!(!p.join(".git/hooks/pre-commit").exists());
    // core.hooksPath is honoured.
    git(p, &["config", "core.hooksPath", ".githooks"]);
    credgate()
        .current_dir(p)
        .args(["hook", "install"])
        .assert()
        .code(0);
    assert!(p.join(".githooks/pre-commit").exists());
}

/// The `pre-commit` tool: from PATH (or $PRE_COMMIT), else installed from PyPI into a virtual
/// environment under the target directory, so that `cargo test` works on a fresh machine.
pub fn pre_commit_tool() -> String {
    let named = std::env::var("PRE_COMMIT").unwrap_or_else(|_| "pre-commit".into());
    if Command::new(&named)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return named;
    }
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-venv");
    let bin = venv.join("bin/pre-commit");
    if !bin.exists() {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args(["install", "--quiet", "pre-commit"])
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok,
            "could not install pre-commit from PyPI into {}",
            venv.display()
        );
    }
    bin.display().to_string()
}

/// `credgate-system`, the hook for a credgate already on PATH (here this build's).
#[test]
fn pre_commit_framework_runs_the_hook() {
    let pre_commit = pre_commit_tool();
    let bin_dir = crate::common::binary().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
    let d = repo();
    let p = d.path();
    fs::write(
        p.join("leak.py"),
        format!("T = \"{}\"\n", tok("FAKEpreCommitFrameworkBody0001")),
    )
    .unwrap();
    fs::write(p.join("ok.py"), "print('ok')\n").unwrap();
    git(p, &["add", "-A"]);
    let run = |files: &[&str]| {
        Command::new(&pre_commit)
            .current_dir(p)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", p.join(".pre-commit-cache"))
            .args([
                "try-repo",
                env!("CARGO_MANIFEST_DIR"),
                "credgate-system",
                "--files",
            ])
            .args(files)
            .output()
            .unwrap()
    };
    let bad = run(&["leak.py"]);
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(!bad.status.success(), "{out}");
    assert!(out.contains("github.pat.classic"), "{out}");
    let good = run(&["ok.py"]);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stdout)
    );
}

/// `credgate`, the default hook (`language: rust`), as a user gets it: `.pre-commit-config.yaml`
/// names this repository at a rev, pre-commit builds credgate there with `cargo install --path .`,
/// and `git commit` runs it. The repository is a snapshot of this checkout (uncommitted and new
/// files included) made with fixed dates, so an unchanged checkout gives the same rev and the
/// hook pre-commit built for it last time (`PRE_COMMIT_HOME` under target/) is used again; a
/// changed one is built again, its dependencies reused from `CARGO_TARGET_DIR` under target/.
#[test]
fn pre_commit_framework_builds_the_rust_hook() {
    let pre_commit = pre_commit_tool();
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pre-commit-rust");
    let snapshot = cache.join("credgate.git");
    let rev = snapshot_of_this_checkout(&snapshot);
    let d = repo();
    let p = d.path();
    fs::write(
        p.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: credgate\n",
            snapshot.display()
        ),
    )
    .unwrap();
    let with_env = |mut c: Command| {
        c.env("PRE_COMMIT_HOME", cache.join("home"))
            .env("CARGO_TARGET_DIR", cache.join("cargo-target"));
        for (k, v) in QUICK_RELEASE_PROFILE {
            c.env(k, v);
        }
        c
    };
    let install = with_env(Command::new(&pre_commit))
        .current_dir(p)
        .arg("install")
        .output()
        .unwrap();
    assert!(
        install.status.success(),
        "{}",
        String::from_utf8_lossy(&install.stderr)
    );
    let commit = |msg: &str| {
        let mut c = with_env(crate::common::git_command(p, &["commit", "-qm", msg]));
        c.output().unwrap()
    };

    fs::write(
        p.join("deploy.sh"),
        format!(
            "export GH_TOKEN={}\n",
            tok("FAKEpreCommitRustHookBody00001")
        ),
    )
    .unwrap();
    git(p, &["add", "-A"]);
    let refused = commit("add the deploy script");
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&refused.stdout),
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!refused.status.success(), "{out}");
    assert!(out.contains("github.pat.classic"), "{out}");
    assert!(
        crate::common::git_command(p, &["rev-parse", "-q", "--verify", "HEAD"])
            .output()
            .unwrap()
            .stdout
            .is_empty(),
        "the commit was made"
    );

    fs::write(
        p.join("deploy.sh"),
        "export GH_TOKEN=\"$(gh auth token)\"\n",
    )
    .unwrap();
    git(p, &["add", "-A"]);
    let allowed = commit("add the deploy script, token from gh");
    assert!(
        allowed.status.success(),
        "{}{}",
        String::from_utf8_lossy(&allowed.stdout),
        String::from_utf8_lossy(&allowed.stderr)
    );
    // pre-commit built credgate into the hook's environment, whose bin/ comes first on the
    // hook's PATH.
    let built = fs::read_dir(cache.join("home"))
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.path().join("rustenv-system/bin/credgate").exists());
    assert!(
        built,
        "no credgate built under {}",
        cache.join("home").display()
    );
    // Clones pre-commit made for earlier snapshots go (about 80 MB each); this one, whose config
    // still exists, stays for the next run.
    let gc = with_env(Command::new(&pre_commit))
        .current_dir(p)
        .arg("gc")
        .output()
        .unwrap();
    assert!(
        gc.status.success(),
        "{}",
        String::from_utf8_lossy(&gc.stderr)
    );
}

/// The release profile for the build pre-commit runs in the test: no optimisation, no debug
/// information, as in a debug build. What the test proves (pre-commit builds the hook from this
/// repository and runs it) does not depend on optimisation, and an optimised build of credgate
/// and its dependencies takes CI several minutes more on two cores.
const QUICK_RELEASE_PROFILE: [(&str, &str); 3] = [
    ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0"),
    ("CARGO_PROFILE_RELEASE_DEBUG", "false"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256"),
];

/// Commits this checkout's files as they are (tracked and untracked, less what .gitignore
/// leaves out) into a new bare repository at `dir`, with fixed dates so that the same files give
/// the same commit, and returns the commit.
fn snapshot_of_this_checkout(dir: &Path) -> String {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "--bare"]);
    let git_dir = format!("--git-dir={}", dir.display());
    let work_tree = format!("--work-tree={}", env!("CARGO_MANIFEST_DIR"));
    git(dir, &[&git_dir, &work_tree, "add", "-A"]);
    let o = crate::common::git_command(
        dir,
        &[
            &git_dir,
            &work_tree,
            "commit",
            "-qm",
            "snapshot",
            "--no-verify",
        ],
    )
    .env("GIT_AUTHOR_DATE", "2000-01-01T00:00:00Z")
    .env("GIT_COMMITTER_DATE", "2000-01-01T00:00:00Z")
    .output()
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(git(dir, &["rev-parse", "HEAD"]).stdout)
        .unwrap()
        .trim()
        .to_string()
}

fn commit(dir: &Path, msg: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", msg, "--no-verify", "--allow-empty"]);
    String::from_utf8(git(dir, &["rev-parse", "HEAD"]).stdout)
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn history_finds_secrets_deleted_from_the_checkout() {
    let d = repo();
    let p = d.path();
    fs::write(p.join("README"), "project\n").unwrap();
    commit(p, "init");
    let secret = tok("FAKEhistoryDeletedBody00000001");
    fs::write(
        p.join("deploy.sh"),
        format!("#!/bin/sh\nexport GH_TOKEN={secret}\n"),
    )
    .unwrap();
    let introduced = commit(p, "add deploy script");
    fs::write(p.join("other.txt"), "x\n").unwrap();
    commit(p, "two");
    fs::write(p.join("README"), "project, again\n").unwrap();
    commit(p, "three");
    fs::remove_file(p.join("deploy.sh")).unwrap();
    let removed = commit(p, "remove the script");

    // The checkout no longer has it...
    let (code, _) = crate::common::scan_json(p, &["--respect-gitignore", "--exclude", ".git"]);
    assert_eq!(code, 0);
    // ...history does.
    let out = credgate()
        .current_dir(p)
        .args(["scan", "--git", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    assert_eq!(f["path"], "deploy.sh");
    assert_eq!(f["line"], 2);
    assert_eq!(f["commit"]["id"], introduced.as_str());
    assert_eq!(f["commit"]["path"], "deploy.sh");
    assert_eq!(
        f["commit"]["commits"], 3,
        "carried by the commit that added it and the two after"
    );
    assert_eq!(f["commit"]["in_checkout"], false);
    assert!(f["commit"]["author"].as_str().unwrap().starts_with("t <"));
    let ev: Vec<&str> = f["assessment"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(ev.iter().any(|e| e.starts_with("in git history only")));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&secret));

    // A range that starts after the removal sees nothing; one that spans the addition does.
    let out = credgate()
        .current_dir(p)
        .args([
            "scan",
            "--format",
            "json",
            "--git",
            &format!("{removed}..HEAD"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let out = credgate()
        .current_dir(p)
        .args([
            "scan",
            "--format",
            "json",
            "--git",
            &format!("{introduced}~1..HEAD"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // SARIF carries the commit.
    let out = credgate()
        .current_dir(p)
        .args(["scan", "--format", "sarif", "--git"])
        .output()
        .unwrap();
    let s: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        s["runs"][0]["results"][0]["properties"]["commit"]["id"],
        introduced.as_str()
    );
    assert_eq!(
        s["runs"][0]["versionControlProvenance"][0]["revisionId"]
            .as_str()
            .unwrap()
            .len(),
        40
    );
}

#[test]
fn history_scans_each_distinct_blob_once() {
    let d = repo();
    let p = d.path();
    let secret = tok("FAKEhistoryDistinctBody0000001");
    fs::write(p.join("a.env"), format!("T={secret}\n")).unwrap();
    commit(p, "one");
    fs::write(p.join("b.env"), format!("T={secret}\n")).unwrap(); // same blob, new path
    commit(p, "two");
    fs::write(p.join("c.txt"), "c\n").unwrap();
    commit(p, "three");
    let out = credgate()
        .current_dir(p)
        .args(["scan", "--git", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files_scanned"], 2, "two distinct blobs");
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "one secret");
    assert_eq!(v["findings"][0]["commit"]["path"], "a.env");
    assert_eq!(v["findings"][0]["commit"]["commits"], 3);
    assert_eq!(v["findings"][0]["commit"]["in_checkout"], true);
}

#[test]
fn a_secret_one_commit_adds_in_several_files_is_reported_at_the_first_path() {
    let d = repo();
    let p = d.path();
    fs::write(p.join("README"), "project\n").unwrap();
    commit(p, "init");
    let secret = tok("FAKEhistorySameCommitBody00001");
    // Eight different blobs holding the same token, written in reverse order of their names.
    for i in (0..8).rev() {
        fs::write(
            p.join(format!("f{i}.env")),
            format!("# file {i}\nGH_TOKEN={secret}\n"),
        )
        .unwrap();
    }
    let introduced = commit(p, "add eight files");
    // Whichever thread scans which blob first, the finding is the first path's, every time.
    for _ in 0..3 {
        let out = credgate()
            .current_dir(p)
            .args(["scan", "--git", "--threads", "2", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0]["path"], "f0.env");
        assert_eq!(findings[0]["commit"]["path"], "f0.env");
        assert_eq!(findings[0]["commit"]["id"], introduced.as_str());
    }
}
