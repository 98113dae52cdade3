#!/usr/bin/env bash
# precision.sh [WORKDIR]: the catalog's precision bar. Scans real third-party code that holds no
# credentials of ours: every crate of this project's dependency tree (cargo vendor) and the
# make-corpus tree of ../shared/bench (the crates cargo has downloaded, and a node_modules of
# common npm packages), then prints each finding and the megabytes per finding. The bar:
# no more than one finding per 100 MB at the default confidence (issue 15). Findings in a
# published package (src/assessment/package.rs) are low by that rule; they are listed apart with
# "(package)", and counted as the detectors alone would report them in one's own code.
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
package_findings=0
for tree in "$work/vendor" "$work/corpus"/*; do
  [ -d "$tree" ] || continue
  # Exit 1 means findings at or above --fail-on: that is what is being counted, not an error.
  # At --confidence low, so that what the default leaves out is counted too.
  "$bin" scan "$tree" --confidence low --format json > "$work/findings.json" || [ $? -eq 1 ]
  read -r bytes n pkg < <(python3 - "$work/findings.json" "$tree" <<'PY'
import json, sys, subprocess
d = json.load(open(sys.argv[1]))
size = int(subprocess.check_output(['du', '-sbL', sys.argv[2]]).split()[0])
shown = pkg = 0
for f in d['findings']:
    if any(e.startswith('in the published ') and ' elsewhere)' in e for e in f['assessment']['evidence']):
        # What a published package ships: low by that rule alone, listed apart.
        pkg += 1
        print(f"  (package) {f['detector_id']:32} {f['path']}:{f['line']}", file=sys.stderr)
    elif f['confidence'] != 'low':
        shown += 1
        print(f"  {f['detector_id']:42} {f['path']}:{f['line']}", file=sys.stderr)
print(size, shown, pkg)
PY
)
  echo "$tree: $((bytes / 1000000)) MB, $n findings at the default confidence ($pkg more in published packages, at low)"
  total_bytes=$((total_bytes + bytes))
  total_findings=$((total_findings + n))
  package_findings=$((package_findings + pkg))
done
per=$(( total_findings == 0 ? total_bytes / 1000000 : total_bytes / 1000000 / total_findings ))
echo "total: $((total_bytes / 1000000)) MB, $total_findings findings at the default confidence, \
${total_findings/#0/none, so at least }$per MB per finding (bar: >= 100)"
echo "published packages' own test keys and examples (confidence low, by where they are): $package_findings;"
echo "the detectors alone, as if this were the workspace's own code: $((total_findings + package_findings)) findings"
