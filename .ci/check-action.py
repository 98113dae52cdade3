"""Checks action.yml, which actionlint reads only as far as a workflow's `uses: ./` needs it.

- the keys GitHub requires of a composite action (name, description, runs.using, a shell for
  every run step), and that each input has a description;
- every `inputs.NAME` and `steps.ID` an expression names exists (a typo there is an empty
  string at run time, not an error);
- every run script passes shellcheck, with each `${{ ... }}` replaced by a word;
- with `--run CREDGATE_DIR FIXTURE_DIR`: the Scan step's script, run by bash as a runner runs it,
  against a directory with a fake credential: exit-code 1, a SARIF file, an annotation.

Usage: python check-action.py action.yml [--run CREDGATE_DIR FIXTURE_DIR]
"""

import os
import re
import subprocess
import sys
import tempfile

import yaml

EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def fail(msg):
    sys.exit(f"{sys.argv[1]}: {msg}")


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)


def check(action):
    for key in ("name", "description", "runs"):
        if not action.get(key):
            fail(f"no {key!r}")
    runs = action["runs"]
    if runs.get("using") != "composite":
        fail(f"runs.using is {runs.get('using')!r}, not composite")
    inputs = action.get("inputs") or {}
    for name, spec in inputs.items():
        if not (spec or {}).get("description"):
            fail(f"input {name!r} has no description")
    steps = runs.get("steps") or []
    ids = [s["id"] for s in steps if "id" in s]
    for i, step in enumerate(steps, 1):
        if ("run" in step) == ("uses" in step):
            fail(f"step {i} needs exactly one of run and uses")
        if "run" in step and not step.get("shell"):
            fail(f"step {i} ({step.get('name')}) runs a script without a shell")
    for text in strings(action):
        for expr in EXPR.findall(text):
            for name in re.findall(r"\binputs\.([A-Za-z0-9_-]+)", expr):
                if name not in inputs:
                    fail(f"${{{{{expr}}}}} names input {name!r}, which is not declared")
            for sid in re.findall(r"\bsteps\.([A-Za-z0-9_-]+)", expr):
                if sid not in ids:
                    fail(f"${{{{{expr}}}}} names step {sid!r}, which has no such id")
    return steps, inputs


def shellcheck(steps):
    for i, step in enumerate(steps, 1):
        if "run" not in step:
            continue
        script = EXPR.sub("EXPR", step["run"])
        r = subprocess.run(
            ["shellcheck", "--shell=bash", "-"],
            input=script,
            text=True,
            capture_output=True,
        )
        if r.returncode != 0:
            fail(f"step {i} ({step.get('name')}): shellcheck:\n{r.stdout}{r.stderr}")


def run_scan(steps, inputs, credgate_dir, fixture_dir):
    """The Scan step with its inputs at their defaults, as a runner runs it."""
    step = next(s for s in steps if s.get("id") == "scan")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "output")
        open(out, "w").close()
        env = dict(os.environ)
        env["PATH"] = os.path.abspath(credgate_dir) + os.pathsep + env["PATH"]
        env.update(RUNNER_TEMP=tmp, GITHUB_OUTPUT=out)
        for k, v in (step.get("env") or {}).items():
            m = re.fullmatch(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", v)
            if not m:
                fail(f"Scan step: env {k} is not one input")
            env[k] = str(inputs[m.group(1)].get("default", ""))
        r = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            env=env,
            cwd=fixture_dir,
            text=True,
            capture_output=True,
        )
        outputs = dict(line.split("=", 1) for line in open(out).read().splitlines())
        if r.returncode != 0:
            fail(f"Scan step exited {r.returncode}: {r.stderr}")
        if outputs.get("exit-code") != "1":
            fail(f"Scan step: exit-code {outputs.get('exit-code')!r}, not 1: {r.stderr}")
        if not os.path.isfile(outputs.get("sarif-file", "")):
            fail(f"Scan step: no SARIF file: {outputs}")
        if not re.search(r"^::error file=[^,]+,line=\d+::", r.stdout, re.M):
            fail(f"Scan step: no annotation in:\n{r.stdout}")


def main():
    with open(sys.argv[1]) as f:
        action = yaml.safe_load(f)
    steps, inputs = check(action)
    shellcheck(steps)
    if len(sys.argv) == 5 and sys.argv[2] == "--run":
        run_scan(steps, inputs, sys.argv[3], sys.argv[4])
    print(f"{sys.argv[1]}: ok ({len(inputs)} inputs, {len(steps)} steps)")


main()
