#!/usr/bin/env bash
# precision.sh [WORKDIR]: the catalog's precision bar. Scans real third-party code that holds no
# credentials of ours: every crate of this project's dependency tree (cargo vendor) and the
# make-corpus tree of ../shared/bench (the crates cargo has downloaded, and a node_modules of
# common npm packages), then prints each finding and the megabytes per finding. The bar:
# no more than one finding per 100 MB at the default confidence (issue 15), each one a test or
# documentation credential the package
# really ships.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
cd "$here"
cargo build --release --locked -q
bin=$here/target/release/credgate
[ -d "$work/vendor" ] || cargo vendor --locked -q "$work/vendor" >/dev/null
[ -d "$work/corpus" ] || bash ../shared/bench/make-corpus.sh "$work/corpus" >/dev/null
total_bytes=0
total_findings=0
for tree in "$work/vendor" "$work/corpus"/*; do
  [ -d "$tree" ] || continue
  # Exit 1 means findings at or above --fail-on: that is what is being counted, not an error.
  "$bin" scan "$tree" --format json > "$work/findings.json" || [ $? -eq 1 ]
  read -r bytes n < <(python3 - "$work/findings.json" "$tree" <<'PY'
import json, sys, subprocess
d = json.load(open(sys.argv[1]))
size = int(subprocess.check_output(['du', '-sbL', sys.argv[2]]).split()[0])
for f in d['findings']:
    print(f"  {f['detector_id']:32} {f['path']}:{f['line']}", file=sys.stderr)
print(size, len(d['findings']))
PY
)
  echo "$tree: $((bytes / 1000000)) MB, $n findings"
  total_bytes=$((total_bytes + bytes))
  total_findings=$((total_findings + n))
done
echo "total: $((total_bytes / 1000000)) MB, $total_findings findings, $(( total_findings == 0 ? 0 : total_bytes / 1000000 / total_findings )) MB per finding (bar: >= 100)"
