//! `scan --git` in clones that do not hold all of history: partial clones (`--filter`), whose
//! missing objects must be named as warnings, and shallow clones (`--depth`), which are walked up
//! to their boundary. Built with the git binary and cloned over `file://`.

use crate::common::{credgate, git};
use serde_json::Value;
use std::fs;
use std::path::Path;

fn tok(body: &str) -> String {
    credgate::testing::expand_generators(&format!("{{{{crc32 ghp_ {body}}}}}"))
}

fn commit(dir: &Path, msg: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", msg, "--no-verify", "--allow-empty"]);
    rev(dir, "HEAD")
}

fn rev(dir: &Path, spec: &str) -> String {
    String::from_utf8(git(dir, &["rev-parse", spec]).stdout)
        .unwrap()
        .trim()
        .to_string()
}

/// `scan --git[=RANGE] --format json` in `dir`: (exit code, report, stderr).
fn history(dir: &Path, range: Option<&str>) -> (i32, Value, String) {
    let git = match range {
        Some(r) => format!("--git={r}"),
        None => "--git".into(),
    };
    let out = credgate()
        .current_dir(dir)
        .args(["scan", &git, "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}), exit {:?}: {stderr}", out.status.code()));
    (out.status.code().unwrap(), v, stderr)
}

/// A repository of five commits where a fake token is committed in `deploy.sh` and deleted three
/// commits later, while another stays in `conf/kept.env` at `HEAD`; no other file changes, so a
/// blobless clone lacks only the script. It serves partial clones.
struct Source {
    dir: tempfile::TempDir,
    /// The commit that added `deploy.sh` (and `kept.env`).
    introduced: String,
    /// The blob of `deploy.sh`, which only history has.
    deleted_blob: String,
}

fn source() -> Source {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git(p, &["init", "-q"]);
    git(p, &["config", "uploadpack.allowfilter", "true"]);
    fs::write(p.join("README"), "project\n").unwrap();
    commit(p, "init");
    fs::write(
        p.join("deploy.sh"),
        format!(
            "#!/bin/sh\nexport GH_TOKEN={}\n",
            tok("FAKEpartialDeletedBody00000001")
        ),
    )
    .unwrap();
    fs::create_dir(p.join("conf")).unwrap();
    fs::write(
        p.join("conf/kept.env"),
        format!("TOKEN={}\n", tok("FAKEpartialKeptBodyQ7x9Lm2Vn31")),
    )
    .unwrap();
    let introduced = commit(p, "add deploy script and settings");
    let deleted_blob = rev(p, "HEAD:deploy.sh");
    fs::write(p.join("other.txt"), "x\n").unwrap();
    commit(p, "two");
    commit(p, "three");
    fs::remove_file(p.join("deploy.sh")).unwrap();
    commit(p, "remove the script");
    Source {
        dir,
        introduced,
        deleted_blob,
    }
}

/// `git clone ARGS file://SRC` into a new directory.
fn clone(src: &Path, args: &[&str]) -> tempfile::TempDir {
    let dst = tempfile::tempdir().unwrap();
    let url = format!("file://{}", src.display());
    let mut all = vec!["clone", "-q"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[url.as_str(), "."]);
    git(dst.path(), &all);
    dst
}

/// A `--filter=blob:none` clone with `HEAD` checked out: git fetches the blobs of `HEAD` on
/// demand, and no others.
fn blobless(src: &Path) -> tempfile::TempDir {
    let dst = clone(src, &["--filter=blob:none", "--no-checkout"]);
    git(dst.path(), &["checkout", "-q", "main"]);
    dst
}

/// Objects of all refs that the clone in `dir` does not have, as git sees them (without
/// fetching them).
fn git_missing(dir: &Path) -> Vec<String> {
    let o = std::process::Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_NO_LAZY_FETCH", "1")
        .args(["rev-list", "--objects", "--all", "--missing=print"])
        .output()
        .unwrap();
    assert!(o.status.success());
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix('?'))
        .map(str::to_string)
        .collect()
}

fn paths(v: &Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect()
}

#[test]
fn partial_clone_names_the_blob_it_does_not_have() {
    let src = source();
    // Control: a full clone finds both tokens, the deleted one at the commit that added it.
    let full = clone(src.dir.path(), &[]);
    let (code, v, err) = history(full.path(), None);
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v), ["conf/kept.env", "deploy.sh"]);
    assert_eq!(v["findings"][1]["commit"]["id"], src.introduced.as_str());
    assert_eq!(v["warnings"], Value::Array(Vec::new()));
    let full_scanned = v["summary"]["files_scanned"].as_u64().unwrap();

    let part = blobless(src.dir.path());
    assert_eq!(
        git_missing(part.path()),
        [src.deleted_blob.as_str()],
        "the clone lacks exactly the deleted script"
    );
    let (code, v, err) = history(part.path(), None);
    assert_ne!(code, 2, "{err}");
    // The rest is scanned: the token still at HEAD is found...
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v), ["conf/kept.env"]);
    // ...and the one it cannot see is named, with where it came from and how to get it.
    let warnings = crate::common::warning_lines(&v);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert!(w.starts_with("deploy.sh "), "{w}");
    assert!(
        w.contains(&format!("blob {}", &src.deleted_blob[..7])),
        "{w}"
    );
    assert!(
        w.contains(&format!("introduced in commit {}", &src.introduced[..7])),
        "{w}"
    );
    assert!(w.contains("not in this clone"), "{w}");
    assert!(w.contains("not scanned"), "{w}");
    assert!(w.contains("git fetch --refetch --no-filter"), "{w}");
    assert!(w.contains("clone without --filter"), "{w}");
    assert_eq!(v["summary"]["warnings"], 1);
    assert_eq!(
        v["summary"]["files_scanned"].as_u64().unwrap(),
        full_scanned - 1,
        "the blob that is not here is not counted as scanned"
    );

    // The text report says it too.
    let out = credgate()
        .current_dir(part.path())
        .args(["scan", "--git"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("deploy.sh: blob "), "{text}");

    // The remedy the warning gives works: afterwards the deleted token is found, no warning.
    git(
        part.path(),
        &["fetch", "-q", "--refetch", "--no-filter", "origin"],
    );
    assert_eq!(git_missing(part.path()), Vec::<String>::new());
    let (code, v, err) = history(part.path(), None);
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v), ["conf/kept.env", "deploy.sh"]);
    assert_eq!(v["summary"]["warnings"], 0);
}

#[test]
fn many_missing_blobs_are_listed_up_to_twenty_then_counted() {
    let src = tempfile::tempdir().unwrap();
    let p = src.path();
    git(p, &["init", "-q"]);
    git(p, &["config", "uploadpack.allowfilter", "true"]);
    fs::write(p.join("README"), "project\n").unwrap();
    commit(p, "init");
    fs::create_dir(p.join("gen")).unwrap();
    for i in 0..25 {
        fs::write(
            p.join(format!("gen/{i:02}.txt")),
            format!("generated {i}\n"),
        )
        .unwrap();
    }
    commit(p, "generate");
    fs::remove_dir_all(p.join("gen")).unwrap();
    commit(p, "drop generated files");

    let part = blobless(p);
    assert_eq!(git_missing(part.path()).len(), 25);
    let (code, v, err) = history(part.path(), None);
    assert_eq!(code, 0, "{err}");
    let warnings = crate::common::warning_lines(&v);
    assert_eq!(warnings.len(), 21, "{warnings:#?}");
    for w in &warnings[..20] {
        assert!(w.starts_with("gen/"), "{w}");
        assert!(w.contains("not in this clone"), "{w}");
    }
    let last = &warnings[20];
    assert!(last.contains("25"), "{last}");
    assert!(last.contains("first 20"), "{last}");
    assert!(last.contains("git fetch --refetch --no-filter"), "{last}");
    assert_eq!(
        v["summary"]["warnings"].as_u64().unwrap(),
        warnings.len() as u64,
        "the summary counts the warnings listed"
    );
    assert_eq!(v["summary"]["files_scanned"], 1, "README only");
}

#[test]
fn shallow_clone_is_scanned_up_to_its_boundary() {
    let src = source();
    let shallow = clone(src.dir.path(), &["--depth", "1"]);
    let head = rev(shallow.path(), "HEAD");
    let (code, v, err) = history(shallow.path(), None);
    assert_ne!(code, 2, "{err}");
    // The token still at HEAD is found; the boundary commit is where it shows as introduced.
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v), ["conf/kept.env"]);
    let f = &v["findings"][0];
    assert_eq!(f["commit"]["id"], head.as_str());
    assert_eq!(f["commit"]["commits"], 1);
    assert_eq!(f["commit"]["in_checkout"], true);
    let warnings = crate::common::warning_lines(&v);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert!(w.contains("shallow clone"), "{w}");
    assert!(w.contains(&head[..7]), "{w}");
    assert!(w.contains("git fetch --unshallow"), "{w}");
    assert!(w.contains("fetch-depth: 0"), "{w}");
    assert_eq!(v["summary"]["warnings"], 1);

    // Deeper, the walk reaches the commit that added both tokens, but not its parent; a range
    // inside the clone needs no warning.
    let deeper = clone(src.dir.path(), &["--depth", "4"]);
    let (code, v, err) = history(deeper.path(), None);
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v), ["conf/kept.env", "deploy.sh"]);
    assert_eq!(v["findings"][1]["commit"]["id"], src.introduced.as_str());
    assert_eq!(v["findings"][1]["commit"]["commits"], 3);
    let warnings = crate::common::warning_lines(&v);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].contains(&src.introduced[..7]), "{warnings:#?}");
    let (code, v, err) = history(deeper.path(), Some("HEAD~1..HEAD"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(v["summary"]["warnings"], 0, "{v}");
}

#[test]
fn treeless_clone_warns_about_trees_and_scans_what_is_here() {
    let src = source();
    let part = clone(src.dir.path(), &["--filter=tree:0"]);
    assert!(!git_missing(part.path()).is_empty());
    let (code, v, err) = history(part.path(), None);
    assert_ne!(code, 2, "{err}");
    assert_eq!(code, 1, "{err}");
    assert_eq!(paths(&v), ["conf/kept.env"]);
    let warnings = crate::common::warning_lines(&v);
    assert!(!warnings.is_empty());
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("tree ") && w.contains("not in this clone")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .all(|w| w.contains("git fetch --refetch --no-filter")),
        "{warnings:#?}"
    );
    assert_eq!(
        v["summary"]["warnings"].as_u64().unwrap(),
        warnings.len() as u64
    );
}
