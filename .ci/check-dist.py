"""What `dist plan` says a release would publish, checked against dist-workspace.toml: an
archive for every target, built on a runner of its own, the shell and PowerShell installers and
the Homebrew formula. Usage: check-dist.py plan PLAN.json"""

import json
import sys
import tomllib

_, what, path = sys.argv
assert what == "plan", what
plan = json.load(open(path))
config = tomllib.load(open("dist-workspace.toml", "rb"))["dist"]
cargo = tomllib.load(open("Cargo.toml", "rb"))["package"]

problems = []
artifacts = plan["artifacts"]
for target in config["targets"]:
    ext = ".zip" if "windows" in target else ".tar.xz"
    name = f"credgate-{target}{ext}"
    if artifacts.get(name, {}).get("kind") != "executable-zip":
        problems.append(f"no archive {name}")
    if f"{name}.sha256" not in artifacts:
        problems.append(f"no checksum for {name}")
for name in ["credgate-installer.sh", "credgate-installer.ps1", "credgate.rb"]:
    if artifacts.get(name, {}).get("kind") != "installer":
        problems.append(f"no installer {name}")
built = {t for job in plan["ci"]["github"]["artifacts_matrix"]["include"] for t in job["targets"]}
if built != set(config["targets"]):
    problems.append(f"the workflow builds {sorted(built)}, not {sorted(config['targets'])}")
if plan["announcement_tag"] != f"v{cargo['version']}":
    problems.append(f"announcement {plan['announcement_tag']}, Cargo.toml {cargo['version']}")
if plan["dist_version"] != config["cargo-dist-version"]:
    problems.append(f"dist {plan['dist_version']}, pinned {config['cargo-dist-version']}")
if config.get("tap") is None or "homebrew" not in config.get("publish-jobs", []):
    problems.append("no Homebrew tap to publish the formula to")

if problems:
    print("dist plan:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(
    f"dist plan: {plan['announcement_tag']}, {len(config['targets'])} targets, "
    "shell and PowerShell installers, Homebrew formula"
)
