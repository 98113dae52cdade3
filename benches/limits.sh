#!/usr/bin/env bash
# limits.sh [WORKDIR]: the performance bars that are not throughput. Builds its inputs in
# WORKDIR (default a temp dir; ~1.8 GB) and prints:
#   - start-up: median wall of `credgate scan` of one small file, all detectors loaded;
#   - worst cases, each next to ordinary text of the same size (real crate sources): a 64 MB
#     single line of minified JavaScript, 64 MB of nothing but `AKIA` keyword hits, and 10
#     million `key=value` assignments (as a .txt and as a .env, where the generic assignment
#     detector reads every line);
#   - peak RSS: a 1 GiB single file (without and with a finding at its end), 200,000 tiny files,
#     and the make-corpus tree if CORPUS is set.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d)}
cd "$here" && cargo build --release --locked -q
bin=$here/target/release/credgate
mkdir -p "$work" && cd "$work"
python3 - <<'PY'
import glob, os
size = 64 << 20
src = bytearray()
for f in glob.glob(os.path.expanduser('~/.cargo/registry/src/**/*.rs'), recursive=True):
    try: src += open(f, 'rb').read()
    except OSError: pass
    if len(src) >= 256 << 20: break
open('ordinary.txt', 'wb').write(src[:size])
js = bytearray()
for f in glob.glob(os.path.expanduser('~/.cargo/registry/src/**/*.js'), recursive=True):
    js += open(f, 'rb').read().replace(b'\n', b' ')
    if len(js) > 8 << 20: break
if not js: js = b'var a=function(b){return b+1};' * 1000
out = bytearray()
while len(out) < size: out += js
open('minified.js', 'wb').write(out[:size])
open('akia.txt', 'wb').write(b'AKIA' * (size // 4))
lines = b''.join(b'key%d=value%d\n' % (i, i) for i in range(10_000_000))
open('assign.txt', 'wb').write(lines)
open('assign.env', 'wb').write(lines)
o = bytearray()
while len(o) < len(lines): o += src
open('ordinary-assign.txt', 'wb').write(o[:len(lines)])
line = b'2026-11-30 12:00:00 INFO request served id=42 path=/api/v1/items\n'
with open('big.log', 'wb') as f:
    for _ in range((1 << 30) // len(line)): f.write(line)
with open('big-finding.log', 'wb') as f:
    f.write(open('big.log', 'rb').read())
    f.write(b'STRIPE_SECRET_KEY=sk_live_FAKEq8Zr3kP1mVx7Ty2Lw9Bn4Hc6Jd\n')
os.makedirs('tiny', exist_ok=True)
for d in range(200):
    os.makedirs(f'tiny/d{d}', exist_ok=True)
    for i in range(1000):
        open(f'tiny/d{d}/f{i}.txt', 'w').write('hello %d\n' % i)
open('small.txt', 'w').write('hello\n')
PY
python3 - "$bin" <<'PY'
import statistics, subprocess, sys, time
bin = sys.argv[1]
t = []
for _ in range(50):
    s = time.perf_counter()
    subprocess.run([bin, 'scan', 'small.txt', '-f', 'json', '-o', '/dev/null'])
    t.append(time.perf_counter() - s)
print(f'start-up: median {statistics.median(t) * 1000:.1f} ms (bar: 15 ms)')
def best(args):
    r = []
    for _ in range(3):
        s = time.perf_counter()
        subprocess.run([bin, 'scan', *args, '--max-file-size', '2G', '-f', 'json', '-o', '/dev/null'])
        r.append(time.perf_counter() - s)
    return min(r)
base = best(['ordinary.txt'])
for f in ['minified.js', 'akia.txt']:
    v = best([f])
    print(f'{f}: {v:.3f} s = {v / base:.2f} x ordinary text of the same size ({base:.3f} s) (bar: 3 x)')
base = best(['ordinary-assign.txt'])
for f in ['assign.txt', 'assign.env']:
    v = best([f])
    print(f'{f}: {v:.3f} s = {v / base:.2f} x ordinary text of the same size ({base:.3f} s) (bar: 3 x)')
PY
rss() { /usr/bin/time -f "%M" "$bin" scan "$@" --max-file-size 2G -f json -o /dev/null 2>&1 >/dev/null | tail -1; }
echo "peak RSS, 1 GiB single file: $(( $(rss big.log) / 1024 )) MiB; with a finding at its end: $(( $(rss big-finding.log) / 1024 )) MiB (bar: 150 MiB)"
echo "peak RSS, 200,000 tiny files: $(( $(rss tiny) / 1024 )) MiB"
if [ -n "${CORPUS:-}" ]; then echo "peak RSS, $CORPUS: $(( $(rss "$CORPUS") / 1024 )) MiB"; fi
