#!/usr/bin/env bash
# hook-latency.sh [WORKDIR]: how long `credgate hook claude` takes to answer, warm, as Claude
# Code calls it (the event on stdin): a Read of a clean file, and a Bash `rg token` (a search
# without a path, answered by scanning the working directory) over a 10,000-file workspace.
# Medians and spread of 30 runs with farm-bench (issue 16's bars: under 10 ms and under 50 ms).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
cd "$here"
cargo build --release --locked -q
bin=$here/target/release/credgate
ws=$work/ws
if [ ! -d "$ws" ]; then
  python3 - "$ws" <<'PY'
import os, sys
ws = sys.argv[1]
for i in range(10000):
    d = os.path.join(ws, f"src/m{i // 100}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.py"), "w") as f:
        f.write(f"def f{i}():\n    return {i}\n" * 20)
with open(os.path.join(ws, "main.py"), "w") as f:
    f.write("print(1)\n")
PY
fi
printf '{"tool_name":"Read","cwd":"%s","tool_input":{"file_path":"main.py"}}' "$ws" > "$work/read.json"
printf '{"tool_name":"Bash","cwd":"%s","tool_input":{"command":"rg token"}}' "$ws" > "$work/bash.json"
for call in read bash; do
  export CREDGATE_CACHE_DIR=$work/cache-$call
  sh -c "$bin hook claude < $work/$call.json" # warm the cache
  echo "== hook claude, $call"
  farm-bench -n 30 -- sh -c "exec $bin hook claude < $work/$call.json" | grep -E "wall|cpu s"
done
