#!/usr/bin/env bash
# compare.sh [CORPUS]: the whole-program benchmark. Builds the make-corpus tree (crate sources
# and a node_modules) if CORPUS does not exist, writes the detectors' keywords (the literals the
# prefilter searches for) to a file, and times credgate against ripgrep searching the same tree
# for the same literals, case-insensitively, with 2 threads (../shared/bench/compare-rg.sh -k).
# Then single-thread and two-thread credgate runs, for the scaling figure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-/tmp/credgate-corpus}
shared=$here/../shared/bench
cd "$here"
cargo build --release --locked -q
bin=$here/target/release/credgate
[ -d "$corpus" ] || bash "$shared/make-corpus.sh" "$corpus"
command -v rg >/dev/null || { apt-get install -y -qq ripgrep >/dev/null 2>&1 || cargo install ripgrep; }
kw=$(mktemp)
"$bin" detectors list --format json | python3 -c '
import json, sys
ks = sorted({k for d in json.load(sys.stdin) for k in d["keywords"]})
print("\n".join(ks))' > "$kw"
echo "keywords: $(wc -l < "$kw")"
bash "$shared/compare-rg.sh" -n 5 -k "$kw" "$corpus" -- "$bin" scan -j 2 --format json --output /dev/null "$corpus"
for j in 1 2; do
  best=999
  for _ in 1 2 3; do
    s=$(date +%s.%N); "$bin" scan -j $j --format json --output /dev/null "$corpus" || true; e=$(date +%s.%N)
    best=$(echo "if ($e - $s < $best) $e - $s else $best" | bc -l)
  done
  printf 'credgate -j %d: best of 3 %.3f s\n' "$j" "$best"
done
rm -f "$kw"
