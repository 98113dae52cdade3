//! `credgate init`: the set-up of a repository as steps that each say what they did, would do
//! (`--dry-run`), or found already done, so that running it twice changes nothing and a user's
//! file is never replaced without `--force`.
//!
//! What it deliberately does not do: install agent hooks (they change how every teammate's
//! agent runs, and a hook whose binary a teammate lacks blocks their agent; `credgate hook
//! install --agent` is one command away), touch anything outside the repository (the user's
//! home, their global git or agent configuration), run `pre-commit install`, commit, or reach
//! the network.
//!
//! The YAML files are edited as text, never parsed and re-emitted, so the user's comments,
//! order and quoting stay; when a file's shape is not one the edit is sure of, the step says
//! what to add instead of guessing.

use crate::safe_write;
use anyhow::{Context, Result, anyhow};
use std::path::Path;

/// Where the repository's CI runs, and so which workflow file `init` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Ci {
    Github,
    Gitlab,
    /// Write no CI file.
    None,
}

/// The baseline file `init` writes, the one the action and the GitLab job pick up by default.
pub const BASELINE: &str = ".credgate-baseline";
pub const GITHUB_WORKFLOW: &str = ".github/workflows/credgate.yml";
pub const GITLAB_CI: &str = ".gitlab-ci.yml";
pub const PRE_COMMIT_CONFIG: &str = ".pre-commit-config.yaml";

const GITHUB_TEMPLATE: &str = include_str!("../examples/github-actions.yml");
const GITLAB_TEMPLATE: &str = include_str!("../examples/gitlab-ci.yml");

/// The placeholder for credgate's repository in the examples, kept when it is not known.
pub const PLACEHOLDER_REPO: &str = "https://github.com/OWNER/credgate";

/// Where credgate's own repository is, for the files that build it from source (the action,
/// the pre-commit framework, the GitLab job).
#[derive(Clone, Debug)]
pub struct Source {
    /// A git URL (`https://github.com/OWNER/credgate`).
    pub repo: String,
    /// The tag or commit to build.
    pub rev: String,
}

impl Source {
    /// `--credgate-repo`, else the crate's `repository`, else the examples' placeholder.
    pub fn new(repo: Option<String>, rev: Option<String>) -> Source {
        let known = env!("CARGO_PKG_REPOSITORY");
        Source {
            repo: repo
                .or_else(|| (!known.is_empty()).then(|| known.to_string()))
                .unwrap_or_else(|| PLACEHOLDER_REPO.to_string())
                .trim_end_matches('/')
                .trim_end_matches(".git")
                .to_string(),
            rev: rev.unwrap_or_else(|| format!("v{}", env!("CARGO_PKG_VERSION"))),
        }
        .scp_as_ssh()
    }

    /// `git@host:path` (git's scp-like form) as `ssh://git@host/path`, the same repository in
    /// the URL form `cargo install --git` (the GitLab job) requires; git and pre-commit take
    /// either.
    fn scp_as_ssh(mut self) -> Source {
        if !self.repo.contains("://")
            && let Some((host, path)) = self.repo.split_once(':')
            && host.contains('@')
            && !host.contains('/')
        {
            self.repo = format!("ssh://{host}/{}", path.trim_start_matches('/'));
        }
        self
    }

    /// Whether the repository is still the placeholder, which the user must replace.
    pub fn is_placeholder(&self) -> bool {
        self.repo.contains("/OWNER/")
    }

    /// `OWNER/NAME` for a `uses:` line, when the repository is on GitHub, in any URL form
    /// (`https://`, `ssh://`, `git@github.com:`): an action is only used from there.
    pub fn github_slug(&self) -> Option<&str> {
        if remote_host(&self.repo)
            .map(str::to_ascii_lowercase)
            .as_deref()
            != Some("github.com")
        {
            return None;
        }
        let path = match self.repo.split_once("://") {
            Some((_, rest)) => rest.split_once('/')?.1,
            None => self.repo.split_once(':')?.1,
        };
        (path.split('/').count() == 2 && !path.starts_with('/')).then_some(path)
    }
}

/// How a file step ended.
#[derive(Debug, PartialEq, Eq)]
pub enum FileOutcome {
    Written,
    Already,
    /// Kept the user's file; the reason.
    Kept(String),
}

/// Writes `bytes` to `rel` in `root` unless it already holds them; a different file is kept
/// unless `force`. Never through a symbolic link, never outside `root`.
pub fn put_file(
    root: &Path,
    rel: &str,
    bytes: &[u8],
    force: bool,
    dry_run: bool,
) -> Result<FileOutcome> {
    let current = safe_write::read_in(root, Path::new(rel))?;
    match current {
        Some(c) if c == bytes => return Ok(FileOutcome::Already),
        Some(_) if !force => {
            return Ok(FileOutcome::Kept(format!(
                "{rel} exists and differs from what init writes; kept it (--force replaces it)"
            )));
        }
        _ => {}
    }
    if !dry_run {
        safe_write::write_in(root, Path::new(rel), bytes, safe_write::SHARED)?;
    }
    Ok(FileOutcome::Written)
}

/// The workflow for GitHub: the example, using the action from credgate's repository, on
/// pushes to `branch` (the default branch of origin, when known; else the example's main).
pub fn github_workflow(src: &Source, branch: Option<&str>) -> String {
    let uses = format!(
        "uses: {}@{}",
        src.github_slug().unwrap_or("OWNER/credgate"),
        src.rev
    );
    let text = GITHUB_TEMPLATE.replace("uses: OWNER/credgate@main", &uses);
    match branch {
        Some(b) => text.replacen(
            "    branches: [main]\n",
            &format!("    branches: [{b}]\n"),
            1,
        ),
        None => text,
    }
}

/// The default branch of origin, from `refs/remotes/origin/HEAD` (which a clone sets), when
/// its name needs no YAML quoting.
pub fn origin_default_branch(root: &Path) -> Option<String> {
    let repo = gix::open(root).ok()?;
    let head = repo.find_reference("refs/remotes/origin/HEAD").ok()?;
    let target = head.target().try_name()?.as_bstr().to_string();
    let name = target.strip_prefix("refs/remotes/origin/")?;
    (!name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)))
    .then(|| name.to_string())
}

/// The GitLab job: the example, building credgate from its repository at the rev.
pub fn gitlab_job(src: &Source) -> String {
    GITLAB_TEMPLATE
        .replace(
            "CREDGATE_GIT: \"https://github.com/OWNER/credgate\"",
            &format!("CREDGATE_GIT: \"{}\"", src.repo),
        )
        .replace(
            "CREDGATE_REV: \"COMMIT\"",
            &format!("CREDGATE_REV: \"{}\"", src.rev),
        )
}

/// The pre-commit framework's entry for credgate, its lines indented by `indent`.
pub fn pre_commit_entry(src: &Source, indent: &str) -> String {
    format!(
        "{indent}- repo: {}\n{indent}  rev: {}\n{indent}  hooks:\n{indent}    - id: credgate\n",
        src.repo, src.rev
    )
}

/// The result of adding credgate to a YAML file as text.
#[derive(Debug, PartialEq, Eq)]
pub enum Edit {
    /// The file already has it.
    Already,
    /// The new text.
    Changed(String),
    /// The shape is not one the textual edit is sure of: why.
    Unusual(String),
}

/// Whether a line is a comment or blank.
fn is_blank(l: &str) -> bool {
    let t = l.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// A top-level key line `key:` (value after it, if any, returned trimmed, comment removed).
fn top_key<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(key)?.strip_prefix(':')?;
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let value = rest.split(" #").next().unwrap_or("").trim();
    Some(value)
}

/// Adds credgate's entry to a `.pre-commit-config.yaml`: after the last item of the top-level
/// `repos:` block sequence, indented as its items are. A flow sequence (`repos: [...]`), tabs,
/// or several documents are left to the user.
pub fn add_to_pre_commit(text: &str, src: &Source) -> Edit {
    if text.lines().any(|l| {
        let t = l.trim().trim_start_matches("- ").trim();
        t == "id: credgate" || t == "id: credgate-system"
    }) {
        return Edit::Already;
    }
    let lines: Vec<&str> = text.lines().collect();
    if lines.iter().filter(|l| l.trim() == "---").count() > 1 {
        return Edit::Unusual("it holds several YAML documents".into());
    }
    if lines.iter().any(|l| l.starts_with('\t')) {
        return Edit::Unusual("it is indented with tabs".into());
    }
    let Some(start) = lines.iter().position(|l| top_key(l, "repos").is_some()) else {
        if lines.iter().all(|l| is_blank(l) || l.trim() == "---") {
            let mut out = text.to_string();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("repos:\n");
            out.push_str(&pre_commit_entry(src, "  "));
            return Edit::Changed(out);
        }
        return Edit::Unusual("it has no top-level `repos:` list".into());
    };
    if !top_key(lines[start], "repos").unwrap_or("").is_empty() {
        return Edit::Unusual(
            "its `repos:` is not a block list (`repos: [...]` or an alias)".into(),
        );
    }
    // The block: the lines after `repos:` up to the next top-level key.
    let mut end = start + 1;
    let mut last_content = start;
    let mut indent: Option<String> = None;
    while end < lines.len() {
        let l = lines[end];
        if !is_blank(l) {
            let top_level = !l.starts_with(' ') && !l.starts_with('-');
            if top_level {
                break;
            }
            let lead = l.len() - l.trim_start().len();
            if indent.is_none() && l.trim_start().starts_with("- ") {
                indent = Some(l[..lead].to_string());
            }
            last_content = end;
        }
        end += 1;
    }
    if let Some(i) = &indent {
        // Every line of the block is an item (`- ` at the items' indentation) or inside one.
        let stray = lines[start + 1..end].iter().find(|l| {
            let lead = l.len() - l.trim_start().len();
            !is_blank(l)
                && (lead < i.len() || (lead == i.len() && !l.trim_start().starts_with('-')))
        });
        if let Some(l) = stray {
            return Edit::Unusual(format!(
                "it is not valid YAML: `{}` is neither an item of `repos:` nor inside one",
                l.trim()
            ));
        }
    }
    if unbalanced_flow(text) {
        return Edit::Unusual("it is not valid YAML: a `[` or `{` is not closed".into());
    }
    let indent = indent.unwrap_or_else(|| "  ".to_string());
    let entry = pre_commit_entry(src, &indent);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        out.push('\n');
        if i == last_content {
            out.push_str(&entry);
        }
    }
    Edit::Changed(out)
}

/// Whether the flow brackets (`[ ]`, `{ }`) outside quotes and comments fail to pair up: the
/// mark of a file pre-commit cannot parse (`rev: [unclosed`). Quotes are taken to end on
/// their line, and to start only where a scalar can (`don't` is no quote).
fn unbalanced_flow(text: &str) -> bool {
    let mut depth: i64 = 0;
    for line in text.lines() {
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match quote {
                Some('"') if c == '\\' => {
                    chars.next();
                }
                Some(q) if c == q => {
                    if q == '\'' && chars.peek() == Some(&'\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                Some(_) => {}
                None => match c {
                    '#' if prev.is_whitespace() => break,
                    '"' | '\'' if " \t:[{,-".contains(prev) => quote = Some(c),
                    '[' | '{' => depth += 1,
                    ']' | '}' => {
                        depth -= 1;
                        if depth < 0 {
                            return true;
                        }
                    }
                    _ => {}
                },
            }
            prev = c;
        }
    }
    depth != 0
}

/// Adds the credgate job to an existing `.gitlab-ci.yml`: appended at the end, since the
/// top level of a pipeline file is a mapping of jobs. A file that already has a top-level
/// `credgate:` key has it; a file that is not a block mapping is left to the user.
pub fn add_to_gitlab_ci(text: &str, src: &Source) -> Edit {
    let lines: Vec<&str> = text.lines().collect();
    if lines.iter().any(|l| top_key(l, "credgate").is_some()) {
        return Edit::Already;
    }
    if lines.iter().any(|l| l.starts_with('\t')) {
        return Edit::Unusual("it is indented with tabs".into());
    }
    let flow = lines
        .iter()
        .find(|l| !is_blank(l) && l.trim() != "---")
        .is_some_and(|l| l.starts_with(['{', '[', '-']));
    if flow || lines.iter().filter(|l| l.trim() == "---").count() > 1 {
        return Edit::Unusual("its top level is not a plain mapping of jobs".into());
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let job = gitlab_job(src);
    match stage_instead_of_test(text) {
        Some(stage) => {
            out.push_str(&job.replacen("\n  stage: test\n", &format!("\n  stage: {stage}\n"), 1))
        }
        None => out.push_str(&job),
    }
    Edit::Changed(out)
}

/// The stage the credgate job takes instead of `test` when a pipeline's `stages:` lists
/// stages without it: the first one, so the gate runs with the build and before any deploy.
/// `None` when there is no list, an empty one, or one with `test`.
pub fn stage_instead_of_test(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| top_key(l, "stages").is_some())?;
    let inline = top_key(lines[start], "stages").unwrap_or("");
    let mut words: Vec<String> = inline
        .trim_matches(['[', ']'])
        .split(',')
        .map(|s| s.trim().trim_matches(['"', '\'']).to_string())
        .collect();
    for l in &lines[start + 1..] {
        if is_blank(l) {
            continue;
        }
        if !l.starts_with(' ') && !l.starts_with('-') {
            break;
        }
        words.push(
            l.trim()
                .trim_start_matches('-')
                .trim()
                .trim_matches(['"', '\''])
                .to_string(),
        );
    }
    words.retain(|w| !w.is_empty());
    if words.iter().any(|w| w == "test") {
        return None;
    }
    words.into_iter().next()
}

/// Where `origin` points, classified by its host: the CI that host runs. github.com (and
/// ssh.github.com); a host named gitlab, self-hosted ones included. Only the host counts: a
/// mirror's path naming github.com is not GitHub's.
pub fn ci_of_remote(url: &str) -> Option<Ci> {
    let host = remote_host(url)?.to_ascii_lowercase();
    if host == "github.com" || host.ends_with(".github.com") {
        Some(Ci::Github)
    } else if host.split('.').any(|label| label.contains("gitlab")) {
        Some(Ci::Gitlab)
    } else {
        None
    }
}

/// The host of a git URL: `scheme://[user@]host[:port]/path` or scp-like `[user@]host:path`;
/// `None` for a local path.
fn remote_host(url: &str) -> Option<&str> {
    let authority = match url.split_once("://") {
        Some((_, rest)) => rest.split('/').next()?,
        None => {
            let (before, _) = url.split_once(':')?;
            if before.contains('/') {
                return None;
            }
            before
        }
    };
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// `remote.origin.url` of the repository at `root`, if there is one.
pub fn origin_url(root: &Path) -> Result<Option<String>> {
    let repo = gix::open(root).with_context(|| format!("{}: cannot open", root.display()))?;
    Ok(repo
        .config_snapshot()
        .string("remote.origin.url")
        .map(|s| s.to_string()))
}

/// Reads a text file in the repository (never through a link); `None` when it is missing.
pub fn read_text(root: &Path, rel: &str) -> Result<Option<String>> {
    match safe_write::read_in(root, Path::new(rel))? {
        Some(b) => String::from_utf8(b)
            .map(Some)
            .map_err(|_| anyhow!("{rel}: not UTF-8 text; not changing it")),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src() -> Source {
        Source {
            repo: "https://github.com/acme/credgate".into(),
            rev: "v1.2.3".into(),
        }
    }

    #[test]
    fn pre_commit_entry_goes_after_the_last_repo_with_its_indentation() {
        let text = "# mine\nrepos:\n- repo: https://example.invalid/x\n  rev: v1\n  hooks:\n  - id: x\n\ndefault_stages: [pre-commit]\n";
        let Edit::Changed(out) = add_to_pre_commit(text, &src()) else {
            panic!()
        };
        assert_eq!(
            out,
            "# mine\nrepos:\n- repo: https://example.invalid/x\n  rev: v1\n  hooks:\n  - id: x\n- repo: https://github.com/acme/credgate\n  rev: v1.2.3\n  hooks:\n    - id: credgate\n\ndefault_stages: [pre-commit]\n"
        );
        assert_eq!(add_to_pre_commit(&out, &src()), Edit::Already);
    }

    #[test]
    fn pre_commit_entry_at_the_end_without_a_final_newline() {
        let text = "repos:\n  - repo: local\n    hooks:\n      - id: y";
        let Edit::Changed(out) = add_to_pre_commit(text, &src()) else {
            panic!()
        };
        assert!(
            out.ends_with("      - id: y\n  - repo: https://github.com/acme/credgate\n    rev: v1.2.3\n    hooks:\n      - id: credgate\n"),
            "{out}"
        );
    }

    #[test]
    fn unusual_pre_commit_files_are_left_to_the_user() {
        assert!(matches!(
            add_to_pre_commit("repos: []\n", &src()),
            Edit::Unusual(_)
        ));
        assert!(matches!(
            add_to_pre_commit("minimum_pre_commit_version: '3'\n", &src()),
            Edit::Unusual(_)
        ));
        assert!(matches!(add_to_pre_commit("", &src()), Edit::Changed(_)));
    }

    #[test]
    fn a_pre_commit_file_that_is_not_valid_yaml_is_not_edited() {
        // pre-commit would reject these before and after; an entry appended to them would be
        // one more thing for the user to untangle.
        for text in [
            "repos:\n  - repo: x\n    rev: v1\n  bad: key\n",
            "repos:\n  - repo: x\n    rev: [unclosed\n    hooks:\n      - id: y\n",
            "repos:\n  - repo: x\n    hooks:\n      - {id: y\n",
            "repos:\n    - repo: x\n  - repo: y\n",
        ] {
            assert!(
                matches!(add_to_pre_commit(text, &src()), Edit::Unusual(ref w) if w.contains("not valid YAML")),
                "{text}"
            );
        }
        // Brackets inside quotes or comments, and flow lists over several lines, are fine.
        let ok = "repos:\n  - repo: x # [note\n    rev: '[v1'\n    hooks:\n      - id: y\n        args: [\n          \"--a=]\",\n        ]\n";
        assert!(matches!(add_to_pre_commit(ok, &src()), Edit::Changed(_)));
    }

    #[test]
    fn gitlab_job_is_appended_once() {
        let text = "stages: [build, test]\nbuild:\n  script: make\n";
        let Edit::Changed(out) = add_to_gitlab_ci(text, &src()) else {
            panic!()
        };
        assert!(out.starts_with(text));
        assert!(out.contains("\ncredgate:\n"));
        assert!(out.contains("CREDGATE_REV: \"v1.2.3\""));
        assert_eq!(add_to_gitlab_ci(&out, &src()), Edit::Already);
        assert_eq!(stage_instead_of_test(text), None);
        assert_eq!(
            stage_instead_of_test("stages:\n  - build\n  - deploy\n").as_deref(),
            Some("build")
        );
        assert_eq!(stage_instead_of_test("build:\n  script: x\n"), None);
        assert_eq!(stage_instead_of_test("stages: []\n"), None);
    }

    #[test]
    fn a_pipeline_without_a_test_stage_gets_the_job_in_its_first_stage() {
        // GitLab rejects the whole pipeline, every job of it, when a job names a stage that
        // `stages:` does not list.
        for text in [
            "stages:\n  - build\n  - deploy\nbuild:\n  stage: build\n  script: make\n",
            "stages: [\"build\", deploy]\nbuild:\n  script: make\n",
        ] {
            let Edit::Changed(out) = add_to_gitlab_ci(text, &src()) else {
                panic!()
            };
            assert!(out.starts_with(text));
            assert!(out.contains("\ncredgate:\n  stage: build\n"), "{out}");
            assert!(!out.contains("stage: test"), "{out}");
        }
    }

    #[test]
    fn remotes_and_sources() {
        assert_eq!(
            ci_of_remote("git@github.com:acme/api.git"),
            Some(Ci::Github)
        );
        assert_eq!(
            ci_of_remote("https://gitlab.example.com/a/b"),
            Some(Ci::Gitlab)
        );
        assert_eq!(ci_of_remote("ssh://git.example.com/a"), None);
        // The host decides, not a substring of the whole URL.
        for (url, want) in [
            ("https://github.com/o/r.git", Some(Ci::Github)),
            ("https://user@GitHub.com/o/r", Some(Ci::Github)),
            ("ssh://git@github.com:22/o/r", Some(Ci::Github)),
            ("github.com:o/r", Some(Ci::Github)),
            ("ssh://git@gitlab.example.com:2222/o/r", Some(Ci::Gitlab)),
            ("git@gitlab.com:o/r.git", Some(Ci::Gitlab)),
            ("https://notgithub.com.example/o/r", None),
            ("https://git.example.com/mirrors/github.com/o/r", None),
            ("https://git.example.com/gitlab/o/r", None),
            ("/srv/git/gitlab-mirror/r.git", None),
        ] {
            assert_eq!(ci_of_remote(url), want, "{url}");
        }
        assert!(github_workflow(&src(), None).contains("uses: acme/credgate@v1.2.3"));
        assert!(github_workflow(&src(), None).contains("    branches: [main]\n"));
        assert!(github_workflow(&src(), Some("trunk")).contains("    branches: [trunk]\n"));
        let s = Source::new(Some("https://github.com/acme/credgate.git/".into()), None);
        assert_eq!(s.repo, "https://github.com/acme/credgate");
        // cargo install --git takes no scp-like address.
        let s = Source::new(Some("git@github.com:acme/credgate.git".into()), None);
        assert_eq!(s.repo, "ssh://git@github.com/acme/credgate");
        assert_eq!(s.github_slug(), Some("acme/credgate"));
        let s = Source::new(Some("/srv/git/credgate".into()), None);
        assert_eq!(s.repo, "/srv/git/credgate");
        assert!(!s.is_placeholder());
    }
}
