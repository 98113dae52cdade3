//! `credgate completions SHELL` and `credgate man`: made from the same clap definitions as
//! `--help`, so every command `--help` lists must be in them, and they must work in the real
//! shell and the real roff formatter.

use crate::common::credgate;
use std::process::Command;

fn stdout_of(args: &[&str]) -> String {
    let out = credgate().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The commands `credgate --help` lists.
fn commands_in_help() -> Vec<String> {
    let help = stdout_of(&["--help"]);
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("--help lists commands")
        .split("\n\n")
        .next()
        .unwrap();
    let names: Vec<String> = list
        .lines()
        .filter_map(|l| l.strip_prefix("  "))
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(String::from)
        .collect();
    assert!(names.len() >= 8, "{names:?}");
    names
}

#[test]
fn completions_name_every_command_and_flag() {
    let commands = commands_in_help();
    for (shell, marker) in [
        ("bash", "complete -F _credgate"),
        ("zsh", "#compdef credgate"),
        ("fish", "complete -c credgate"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[credgate]"),
    ] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {script}");
        for c in &commands {
            assert!(script.contains(c.as_str()), "{shell} lacks {c}");
        }
        for flag in ["fail-on", "baseline", "sarif-category", "staged"] {
            assert!(script.contains(flag), "{shell} lacks --{flag}");
        }
    }
}

/// What bash offers after `credgate WORD<TAB>`, with the script loaded as a user loads it.
fn bash_complete(words: &[&str]) -> Vec<String> {
    let script = stdout_of(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("credgate.bash");
    std::fs::write(&file, script).unwrap();
    let words = words.join(" ");
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _credgate credgate \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.display()
        ))
        .output()
        .expect("bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn bash_completes_commands_and_values() {
    assert_eq!(bash_complete(&["credgate", "sc"]), ["scan"]);
    let risks = bash_complete(&["credgate", "scan", "--fail-on", "''"]);
    for r in ["critical", "high", "medium", "low", "info"] {
        assert!(risks.iter().any(|w| w == r), "{risks:?}");
    }
}

#[test]
fn unknown_shell_is_refused() {
    let out = credgate().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: invalid value 'tcsh'"), "{err}");
    assert!(
        err.contains("bash") && err.contains("zsh") && err.contains("fish"),
        "{err}"
    );
}

/// Formats roff as `man` would, with groff's warnings on: (text on one line, warnings).
fn groff(roff: &str) -> (String, String) {
    use std::io::Write;
    let mut child = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-rLL=100n", "-rHY=0"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("groff is needed for this test (.ci/run installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(roff.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // Strip the overstrike that -Tutf8 uses for bold and underline.
    let text = String::from_utf8_lossy(&out.stdout)
        .replace("\u{1b}[1m", "")
        .replace("\u{1b}[0m", "")
        .replace("\u{1b}[4m", "")
        .replace("\u{1b}[24m", "")
        .replace("\u{1b}[22m", "");
    let mut plain = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if chars.peek() == Some(&'\u{8}') {
            chars.next();
            continue;
        }
        plain.push(c);
    }
    // One space for each run of white space, so that a phrase is found wherever a line breaks.
    let plain = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    (plain, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn man_page_renders_with_every_command() {
    let roff = stdout_of(&["man"]);
    assert!(roff.starts_with(".ie \\n(.g .ds Aq"), "{roff}");
    assert!(roff.contains(".TH credgate 1"), "{roff}");
    let (text, warnings) = groff(&roff);
    assert_eq!(warnings, "", "groff warns");
    assert!(text.contains("NAME"), "{text}");
    assert!(text.contains("credgate - Find the credentials"), "{text}");
    assert!(text.contains("Exit codes: 0 no finding"), "{text}");
    for c in commands_in_help() {
        assert!(
            text.contains(&format!("credgate-{c}(1)")),
            "lacks {c}: {text}"
        );
    }
}

#[test]
fn man_page_of_a_subcommand_has_its_options() {
    let (text, warnings) = groff(&stdout_of(&["man", "scan"]));
    assert_eq!(warnings, "", "groff warns");
    assert!(
        text.contains("credgate-scan - Scan files and directories"),
        "{text}"
    );
    for flag in [
        "--fail-on",
        "--baseline",
        "--format",
        "--staged",
        "--sarif-category",
    ] {
        assert!(text.contains(flag), "lacks {flag}: {text}");
    }
    let (text, _) = groff(&stdout_of(&["man", "hook", "install"]));
    assert!(text.contains("credgate-hook-install"), "{text}");
    assert!(text.contains("--chain"), "{text}");
}

#[test]
fn man_of_an_unknown_command_is_one_line() {
    let out = credgate().args(["man", "scna"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("credgate: error: no command `credgate scna` (commands there: scan, "),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn man_dir_writes_a_page_per_command() {
    let d = tempfile::tempdir().unwrap();
    let out = credgate()
        .args(["man", "--dir"])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    pages.sort();
    for p in [
        "credgate.1",
        "credgate-scan.1",
        "credgate-hook-install.1",
        "credgate-man.1",
    ] {
        assert!(pages.iter().any(|x| x == p), "{pages:?}");
    }
    assert!(!pages.iter().any(|x| x.contains("help")), "{pages:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("credgate: wrote {} man pages into ", pages.len())),
        "{err}"
    );
}
