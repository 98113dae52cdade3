#!/usr/bin/env bash
# benches/git-history.sh: time `credgate scan --git` over a repository of 10,000+ commits and
# report MB/s of distinct blob bytes scanned. The repository is synthetic (built with
# git fast-import: 2,000 files, then 10,000 commits that each change one or two of them), since
# this machine cannot fetch a public one; pass a path to run it on a real clone instead.
# Usage: benches/git-history.sh [CREDGATE_BINARY] [REPO]
set -euo pipefail
bin=$(realpath "${1:-target/release/credgate}")
repo=${2:-}
if [ -z "$repo" ]; then
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  repo=$dir/repo
  git init -q -b main "$repo"
  python3 - <<'PY' | git -C "$repo" fast-import --quiet
import random, sys
r = random.Random(7)
words = ["fn", "let", "return", "value", "config", "buffer", "index", "result", "self", "match"]
def body(seed):
    rr = random.Random(seed)
    return "".join(" ".join(rr.choice(words) for _ in range(12)) + "\n" for _ in range(40)).encode()
out = sys.stdout.buffer
def commit(n, files):
    msg = f"commit {n}".encode()
    out.write(b"commit refs/heads/main\n")
    out.write(f"committer b <b@example.invalid> {1600000000 + n * 60} +0000\n".encode())
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    for path, data in files:
        out.write(b"M 644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))
commit(0, [(f"src/d{i // 100:02}/f{i:04}.rs", body(i)) for i in range(2000)])
for n in range(1, 10001):
    files = [(f"src/d{(k := r.randrange(2000)) // 100:02}/f{k:04}.rs", body(n * 10 + j)) for j in range(r.choice([1, 2]))]
    commit(n, files)
PY
  git -C "$repo" reset -q --hard main
fi
cd "$repo"
commits=$(git rev-list --count --all)
python3 - "$bin" "$commits" <<'PY'
import json, subprocess, sys, time
bin, commits = sys.argv[1], sys.argv[2]
subprocess.run([bin, "scan", "--git", "--format", "json"], capture_output=True)  # warm the cache
ts = []
for _ in range(3):
    t = time.perf_counter()
    r = subprocess.run([bin, "scan", "--git", "--format", "json"], capture_output=True)
    ts.append(time.perf_counter() - t)
s = json.loads(r.stdout)["summary"]
t = sorted(ts)[1]
mb = s["bytes_scanned"] / 1e6
print(f"scan --git: {commits} commits, {s['files_scanned']} distinct blobs, {mb:.1f} MB: median {t:.2f} s, {mb / t:.1f} MB/s of distinct blob bytes")
PY
