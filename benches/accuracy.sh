#!/usr/bin/env bash
# benches/accuracy.sh [DEV_DIR] [score.py options]: precision, recall, F1 and recall per category
# of credgate on the development half of Samsung's CredData (real repositories, hand-labelled
# lines). Build the data set first with ../shared/accuracy/build-dev.sh, as
# ../shared/accuracy/README.md says (default DEV_DIR: /tmp/creddata-dev). Every finding counts,
# whatever its risk (--fail-on info), at the default confidence (medium); `--examples 20` after
# DEV_DIR lists missed rows and false findings. The generic layer's model is refitted on the
# same data by benches/fit-generic.py.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=$here/../shared/accuracy
dev=${1:-/tmp/creddata-dev}
[ $# -gt 0 ] && shift
if [ ! -d "$dev/data" ]; then
  echo "accuracy: no data set in $dev: build it with $shared/build-dev.sh (see $shared/README.md)" >&2
  exit 2
fi
cd "$here"
cargo build --release --locked -q
report=$(mktemp --suffix=.json)
trap 'rm -f "$report"' EXIT
code=0
target/release/credgate scan --fail-on info --format json --output "$report" "$dev/data" || code=$?
[ "$code" -le 1 ] || { echo "accuracy: the scan failed (exit $code)" >&2; exit 2; }
python3 "$shared/score.py" "$dev" "$report" "$@"
