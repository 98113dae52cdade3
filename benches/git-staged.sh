#!/usr/bin/env bash
# benches/git-staged.sh: time `credgate scan --staged` in a repository of 50,000 files with 10
# staged changes (the pre-commit hook case). Wall time includes process start and detector set-up.
# Usage: benches/git-staged.sh [CREDGATE_BINARY] [RUNS]
set -euo pipefail
bin=$(realpath "${1:-target/release/credgate}")
runs=${2:-20}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
git init -q -b main repo && cd repo
python3 - <<'PY'
import os
for d in range(500):
    os.makedirs(f"src/m{d:03}", exist_ok=True)
    for f in range(100):
        with open(f"src/m{d:03}/f{f:03}.py", "w") as fh:
            fh.write(f"def f{f}():\n    return {d * 100 + f}\n" * 5)
PY
git add -A >/dev/null
git -c user.name=b -c user.email=b@example.invalid commit -qm base --no-verify
for i in $(seq 0 9); do echo "# change $i" >> "src/m$(printf %03d $((i * 37)))/f001.py"; done
git add -A
python3 - "$bin" "$runs" <<'PY'
import subprocess, sys, time
bin, runs = sys.argv[1], int(sys.argv[2])
subprocess.run([bin, "scan", "--staged"], capture_output=True)  # warm the page cache
ts = []
for _ in range(runs):
    t = time.perf_counter()
    r = subprocess.run([bin, "scan", "--staged", "--format", "json"], capture_output=True)
    ts.append(time.perf_counter() - t)
ts.sort()
print(f"scan --staged, 50,000 files, 10 staged: median {ts[len(ts)//2]*1000:.1f} ms, min {ts[0]*1000:.1f} ms, max {ts[-1]*1000:.1f} ms (exit {r.returncode})")
PY
