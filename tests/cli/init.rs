//! `credgate init` on real repositories: what it writes, that `--dry-run` writes nothing, that a
//! second run changes nothing, that a user's files are kept unless `--force`, and that the CI
//! file follows the origin remote.

use crate::common::{credgate, git, materialize};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// A repository holding `fixtures/assessments/aws` (five findings, four critical), with
/// `origin` at `remote` when given.
fn repo(remote: Option<&str>) -> tempfile::TempDir {
    let d = materialize("assessments/aws");
    git(d.path(), &["init", "-q"]);
    if let Some(r) = remote {
        git(d.path(), &["remote", "add", "origin", r]);
    }
    d
}

/// Every file of the work tree and the hooks directory, with its bytes: what "changes
/// nothing" is checked against.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if rel == ".git" {
                walk(base, &p.join("hooks"), out);
            } else if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn init(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = credgate()
        .current_dir(dir)
        .arg("init")
        .args([
            "--credgate-repo",
            "https://github.com/acme/credgate",
            "--credgate-rev",
            "v9.9.9",
        ])
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn a_fresh_repository_is_set_up_and_a_second_run_changes_nothing() {
    let d = repo(Some("git@github.com:acme/api.git"));
    let p = d.path();
    let (code, out, err) = init(p, &[]);
    assert_eq!(code, 0, "{out}{err}");
    for want in [
        "git hook: installed ",
        "baseline: wrote 5 fingerprints to .credgate-baseline",
        "marked it merge=union in .gitattributes",
        "agent policy: added 3 deny rules to ./.cursorignore",
        "CI: wrote .github/workflows/credgate.yml",
        "agent hooks: not installed",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
    assert!(!out.contains("to do:"), "the repository was given: {out}");
    assert!(read(p, ".git/hooks/pre-commit").contains(credgate::testing::HOOK_MARK));
    assert_eq!(
        read(p, ".credgate-baseline")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count(),
        5
    );
    assert_eq!(
        read(p, ".gitattributes"),
        ".credgate-baseline merge=union\n"
    );
    assert!(read(p, ".cursorignore").contains("/prod.ini\n"));
    assert!(read(p, ".claude/settings.local.json").contains("Read(./prod.ini)"));
    let workflow = read(p, ".github/workflows/credgate.yml");
    assert!(
        workflow.contains("uses: acme/credgate@v9.9.9"),
        "{workflow}"
    );
    assert!(!p.join(".gitlab-ci.yml").exists());
    // Nothing outside the repository: init never writes an agent's hook.
    assert!(!p.join(".claude/settings.json").exists());

    // The baseline accepts what is there: a scan with it has nothing new.
    credgate()
        .current_dir(p)
        .args(["scan", "--baseline", ".credgate-baseline"])
        .assert()
        .code(0);

    let before = tree(p);
    let (code, again, err) = init(p, &[]);
    assert_eq!(code, 0, "{again}{err}");
    assert_eq!(tree(p), before, "a second run changed files:\n{again}");
    for item in ["git hook", "baseline", "agent policy", "CI"] {
        assert!(
            again.contains(&format!("{item}: already set up")),
            "{item} not already set up:\n{again}"
        );
    }
}

#[test]
fn dry_run_writes_nothing_and_says_what_it_would_do() {
    let d = repo(Some("https://github.com/acme/api"));
    let before = tree(d.path());
    let (code, out, err) = init(d.path(), &["--dry-run"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(tree(d.path()), before);
    for want in [
        "nothing is written",
        "git hook: would install",
        "baseline: would write 5 fingerprints",
        "agent policy: would add",
        "CI: would write .github/workflows/credgate.yml",
        "\n  + /prod.ini\n",
        "\n  + Read(./prod.ini)\n",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
}

#[test]
fn a_users_files_are_kept_unless_forced() {
    let d = repo(Some("https://github.com/acme/api"));
    let p = d.path();
    let hook = "#!/bin/sh\necho mine\n";
    fs::create_dir_all(p.join(".git/hooks")).unwrap();
    fs::write(p.join(".git/hooks/pre-commit"), hook).unwrap();
    fs::create_dir_all(p.join(".github/workflows")).unwrap();
    let workflow = "name: mine\non: push\njobs: {}\n";
    fs::write(p.join(".github/workflows/credgate.yml"), workflow).unwrap();
    let baseline = "# mine\n";
    fs::write(p.join(".credgate-baseline"), baseline).unwrap();

    let (code, out, err) = init(p, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("git hook: skipped: "), "{out}");
    assert!(out.contains("is not credgate's; kept it (--force"), "{out}");
    assert!(
        out.contains("CI: skipped: .github/workflows/credgate.yml exists and differs"),
        "{out}"
    );
    assert!(
        out.contains("baseline: already set up: .credgate-baseline exists; kept it"),
        "{out}"
    );
    assert_eq!(read(p, ".git/hooks/pre-commit"), hook);
    assert_eq!(read(p, ".github/workflows/credgate.yml"), workflow);
    assert_eq!(read(p, ".credgate-baseline"), baseline);

    let (code, out, err) = init(p, &["--force"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(read(p, ".git/hooks/pre-commit").contains(credgate::testing::HOOK_MARK));
    assert_eq!(
        read(p, ".git/hooks/pre-commit.credgate-backup"),
        hook,
        "set aside, not lost"
    );
    assert!(read(p, ".github/workflows/credgate.yml").contains("uses: acme/credgate@v9.9.9"));
    assert!(read(p, ".credgate-baseline").lines().count() > 5);
}

#[test]
fn the_ci_file_follows_the_origin_remote() {
    // GitLab: a new .gitlab-ci.yml, and none for GitHub.
    let d = repo(Some("git@gitlab.example.com:acme/api.git"));
    let (code, out, _) = init(d.path(), &["--skip", "baseline,agent-policy"]);
    assert_eq!(code, 0);
    assert!(out.contains("CI: wrote .gitlab-ci.yml"), "{out}");
    let job = read(d.path(), ".gitlab-ci.yml");
    assert!(
        job.contains("CREDGATE_GIT: \"https://github.com/acme/credgate\""),
        "{job}"
    );
    assert!(job.contains("CREDGATE_REV: \"v9.9.9\""), "{job}");
    assert!(!d.path().join(".github").exists());
    assert!(
        !d.path().join(".credgate-baseline").exists(),
        "--skip baseline"
    );

    // An existing pipeline keeps every byte and gains the job at its end, once.
    let d = repo(Some("https://gitlab.com/acme/api.git"));
    let mine = "# my pipeline\nstages: [build, test]\nbuild:\n  script: make\n";
    fs::write(d.path().join(".gitlab-ci.yml"), mine).unwrap();
    let (_, out, _) = init(d.path(), &["--skip", "baseline,agent-policy"]);
    assert!(
        out.contains("CI: added the credgate job to .gitlab-ci.yml"),
        "{out}"
    );
    let after = read(d.path(), ".gitlab-ci.yml");
    assert!(
        after.starts_with(mine) && after.contains("\ncredgate:\n"),
        "{after}"
    );
    let (_, out, _) = init(d.path(), &["--skip", "baseline,agent-policy"]);
    assert!(
        out.contains("CI: already set up: .gitlab-ci.yml has a credgate job"),
        "{out}"
    );
    assert_eq!(read(d.path(), ".gitlab-ci.yml"), after);

    // Neither: no workflow unless asked for.
    let d = repo(Some("ssh://git.example.com/acme/api.git"));
    let (_, out, _) = init(d.path(), &["--skip", "baseline,agent-policy"]);
    assert!(
        out.contains("neither on github.com nor on a GitLab host; wrote no workflow"),
        "{out}"
    );
    assert!(!d.path().join(".github").exists() && !d.path().join(".gitlab-ci.yml").exists());
    let (_, out, _) = init(
        d.path(),
        &["--skip", "baseline,agent-policy", "--ci", "github"],
    );
    assert!(
        out.contains("CI: wrote .github/workflows/credgate.yml"),
        "{out}"
    );
    let d = repo(None);
    let (_, out, _) = init(d.path(), &["--skip", "baseline,agent-policy"]);
    assert!(
        out.contains("CI: no origin remote; wrote no workflow"),
        "{out}"
    );
}

#[test]
fn a_pre_commit_config_gets_the_entry_instead_of_a_git_hook() {
    let d = repo(None);
    let p = d.path();
    let mine = "# hooks\nrepos:\n  - repo: local\n    hooks:\n      - id: fmt # formats\n        name: fmt\n        entry: echo\n        language: system\n\ndefault_install_hook_types: [pre-commit]\n";
    fs::write(p.join(".pre-commit-config.yaml"), mine).unwrap();
    let (_, out, _) = init(p, &["--skip", "baseline,agent-policy", "--dry-run"]);
    assert!(
        out.contains("pre-commit: would add credgate to .pre-commit-config.yaml"),
        "{out}"
    );
    assert!(
        out.contains("\n  +   - repo: https://github.com/acme/credgate\n  +     rev: v9.9.9\n  +     hooks:\n  +       - id: credgate\n"),
        "{out}"
    );
    assert_eq!(read(p, ".pre-commit-config.yaml"), mine);
    let (code, out, err) = init(p, &["--skip", "baseline,agent-policy"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("pre-commit: added credgate to .pre-commit-config.yaml"),
        "{out}"
    );
    assert!(
        !p.join(".git/hooks/pre-commit").exists(),
        "the framework owns the git hook"
    );
    let after = read(p, ".pre-commit-config.yaml");
    assert!(
        after.starts_with("# hooks\nrepos:\n  - repo: local\n"),
        "{after}"
    );
    assert!(
        after.contains("        language: system\n  - repo: https://github.com/acme/credgate\n    rev: v9.9.9\n    hooks:\n      - id: credgate\n\ndefault_install_hook_types: [pre-commit]\n"),
        "{after}"
    );
    // The real tool reads it as a valid configuration.
    let o = std::process::Command::new(crate::git::pre_commit_tool())
        .current_dir(p)
        .args(["validate-config", ".pre-commit-config.yaml"])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    let (_, out, _) = init(p, &["--skip", "baseline,agent-policy"]);
    assert!(out.contains("pre-commit: already set up"), "{out}");
    assert_eq!(read(p, ".pre-commit-config.yaml"), after);

    // A shape the textual edit is not sure of: unchanged, with what to add.
    let flow = "repos: []\n";
    fs::write(p.join(".pre-commit-config.yaml"), flow).unwrap();
    let (code, out, _) = init(p, &["--skip", "baseline,agent-policy"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("did not change .pre-commit-config.yaml: its `repos:` is not a block list"),
        "{out}"
    );
    assert!(
        out.contains("  - repo: https://github.com/acme/credgate"),
        "{out}"
    );
    assert_eq!(read(p, ".pre-commit-config.yaml"), flow);
}

#[test]
fn outside_a_repository_is_a_one_line_error_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("a.txt"), "x\n").unwrap();
    let (code, out, err) = init(d.path(), &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("is not in a git repository (run `git init` first)"),
        "{err}"
    );
    assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
}

#[test]
fn without_a_known_repository_init_says_what_to_replace() {
    let d = repo(Some("https://github.com/acme/api"));
    let o = credgate()
        .current_dir(d.path())
        .args(["init", "--skip", "baseline,agent-policy,hook"])
        .output()
        .unwrap();
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("to do: replace OWNER in .github/workflows/credgate.yml"),
        "{out}"
    );
}

#[test]
fn from_a_subdirectory_the_top_is_set_up_and_links_are_not_written_through() {
    let d = repo(Some("https://github.com/acme/api"));
    let p = d.path();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), p.join(".github")).unwrap();
    fs::create_dir_all(p.join("src/deep")).unwrap();
    let (code, out, err) = init(&p.join("src/deep"), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("CI: skipped: "), "{out}");
    assert!(out.contains(".github is a symbolic link"), "{out}");
    assert_eq!(
        fs::read_dir(outside.path()).unwrap().count(),
        0,
        "wrote through the link"
    );
    // The other steps ran, at the top of the work tree.
    assert!(p.join(".credgate-baseline").is_file());
    assert!(read(p, ".git/hooks/pre-commit").contains(credgate::testing::HOOK_MARK));
    assert!(!p.join("src/deep/.credgate-baseline").exists());
}

#[test]
fn a_reader_that_goes_away_does_not_stop_init_half_way() {
    // `credgate init | head -1`: the lines after the first fail to print; every step must still
    // be done (a panic here once left the baseline and CI unwritten), and quietly.
    let d = repo(Some("https://github.com/acme/api"));
    let p = d.path();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let o = std::process::Command::new(crate::common::binary())
        .current_dir(p)
        .args([
            "init",
            "--credgate-repo",
            "https://github.com/acme/credgate",
        ])
        .stdout(writer)
        .output()
        .unwrap();
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("internal error"), "{err}");
    assert!(read(p, ".git/hooks/pre-commit").contains(credgate::testing::HOOK_MARK));
    assert!(p.join(".credgate-baseline").is_file());
    assert!(p.join(".github/workflows/credgate.yml").is_file());
}

#[test]
fn a_hooks_path_outside_the_repository_is_left_alone() {
    // core.hooksPath set globally (~/.githooks) is shared by every repository: a hook written
    // there by init would gate them all, which `hook install` may do when asked, init never.
    let d = repo(None);
    let p = d.path();
    let shared = tempfile::tempdir().unwrap();
    git(
        p,
        &["config", "core.hooksPath", shared.path().to_str().unwrap()],
    );
    for args in [&["--dry-run"][..], &[], &["--force"]] {
        let (code, out, err) = init(p, args);
        assert_eq!(code, 0, "{out}{err}");
        assert!(
            out.contains("git hook: skipped: core.hooksPath is outside this repository"),
            "{out}"
        );
        assert!(out.contains("`credgate hook install`"), "{out}");
        assert_eq!(fs::read_dir(shared.path()).unwrap().count(), 0, "{out}");
    }
    // Inside the repository it is the repository's own: installed there.
    git(p, &["config", "core.hooksPath", ".githooks"]);
    let (code, out, _) = init(p, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("git hook: installed "), "{out}");
    assert!(read(p, ".githooks/pre-commit").contains(credgate::testing::HOOK_MARK));
}

#[test]
fn a_bare_repository_is_named_as_such() {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q", "--bare"]);
    let before = tree(d.path());
    let (code, out, err) = init(d.path(), &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("is a bare repository"), "{err}");
    assert_eq!(tree(d.path()), before);
}

#[test]
fn the_action_is_named_from_any_form_of_a_github_url_and_a_placeholder_left_is_said() {
    for (repo_url, uses) in [
        (
            "git@github.com:acme/credgate.git",
            Some("uses: acme/credgate@v9.9.9"),
        ),
        (
            "ssh://git@github.com/acme/credgate",
            Some("uses: acme/credgate@v9.9.9"),
        ),
        // An action is used from GitHub only: OWNER stays, and the to-do line says so.
        ("https://gitlab.com/acme/credgate", None),
    ] {
        let d = repo(Some("https://github.com/acme/api"));
        let o = credgate()
            .current_dir(d.path())
            .args(["init", "--skip", "baseline,agent-policy,hook"])
            .args(["--credgate-repo", repo_url, "--credgate-rev", "v9.9.9"])
            .output()
            .unwrap();
        let out = String::from_utf8(o.stdout).unwrap();
        let wf = read(d.path(), ".github/workflows/credgate.yml");
        match uses {
            Some(u) => {
                assert!(wf.contains(u), "{repo_url}: {wf}");
                assert!(!out.contains("to do:"), "{repo_url}: {out}");
            }
            None => {
                assert!(wf.contains("uses: OWNER/credgate@v9.9.9"), "{wf}");
                assert!(
                    out.contains("to do: replace OWNER in .github/workflows/credgate.yml"),
                    "{repo_url}: {out}"
                );
            }
        }
    }
}

#[test]
fn the_workflow_runs_on_pushes_to_the_default_branch_of_origin() {
    // A clone of a repository whose default branch is master: `branches: [main]` would never
    // scan a push.
    let upstream = repo(None);
    git(upstream.path(), &["checkout", "-q", "-b", "master"]);
    git(upstream.path(), &["add", "-A"]);
    git(upstream.path(), &["commit", "-q", "-m", "x"]);
    let parent = tempfile::tempdir().unwrap();
    let clone = parent.path().join("clone");
    git(
        parent.path(),
        &["clone", "-q", upstream.path().to_str().unwrap(), "clone"],
    );
    let (code, out, err) = init(
        &clone,
        &["--ci", "github", "--skip", "hook,baseline,agent-policy"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let wf = read(&clone, ".github/workflows/credgate.yml");
    assert!(wf.contains("    branches: [master]\n"), "{wf}");
    // Without an origin HEAD the example's main stays.
    let d = repo(None);
    init(
        d.path(),
        &["--ci", "github", "--skip", "hook,baseline,agent-policy"],
    );
    assert!(read(d.path(), ".github/workflows/credgate.yml").contains("    branches: [main]\n"));
}

#[test]
fn a_hook_of_another_threshold_is_not_called_set_up() {
    let d = repo(None);
    let p = d.path();
    let skip = ["--skip", "baseline,agent-policy,ci"];
    init(p, &[&skip[..], &["--fail-on", "critical"]].concat());
    let (code, out, _) = init(p, &[&skip[..], &["--fail-on", "medium"]].concat());
    assert_eq!(code, 0);
    assert!(
        out.contains("stops commits at critical, not medium; kept it (--force rewrites it)"),
        "{out}"
    );
    assert!(read(p, ".git/hooks/pre-commit").contains("--fail-on critical\n"));
    let (_, out, _) = init(
        p,
        &[&skip[..], &["--fail-on", "medium", "--force"]].concat(),
    );
    assert!(out.contains("git hook: installed"), "{out}");
    assert!(read(p, ".git/hooks/pre-commit").contains("--fail-on medium\n"));
    assert!(!p.join(".git/hooks/pre-commit.credgate-backup").exists());
    let (_, out, _) = init(p, &[&skip[..], &["--fail-on", "medium"]].concat());
    assert!(out.contains("git hook: already set up"), "{out}");
}
