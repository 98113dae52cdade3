#!/usr/bin/env python3
"""benches/keyword-density.py CORPUS [BYTES]: how dense the catalog's keywords are in real text,
which bounds any prefilter that finds candidate positions first and checks them after.

A measurement for issue 17 (benches/README.md, "Why the keyword search stays an automaton"):
a SIMD literal filter (Teddy, FDR, a hashed n-gram table) is faster than the automaton only if
few positions survive it. For the keywords of every detectors/*.toml (lowercase, as the
prefilter matches them: ASCII case-insensitive), on files sampled at random (seed 1) up to
BYTES (default 8 MB), it prints the share of positions where the next 2, 3 or 4 bytes are the
start of some keyword (a filter on that many leading bytes keeps at least those), the share
where a keyword really occurs, and the keywords that occur most.
"""
import collections
import glob
import os
import random
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))


def keywords():
    ks = set()
    for f in glob.glob(os.path.join(HERE, "..", "detectors", "*.toml")):
        with open(f, "rb") as fh:
            doc = tomllib.load(fh)
        dets = doc.get("detector") or []
        if isinstance(dets, dict):
            dets = [dets]
        for d in dets:
            ks.update(k.lower().encode() for k in d.get("keywords", []))
    return ks


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) > 1 else 2)
    root, limit = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8_000_000
    if not os.path.isdir(root):
        sys.exit(f"keyword-density.py: {root}: not a directory")
    ks = keywords()
    if not ks:
        sys.exit("keyword-density.py: no keywords found under detectors/")
    files = [os.path.join(d, f) for d, _, names in os.walk(root) for f in names]
    random.Random(1).shuffle(files)
    parts, total = [], 0
    for f in files:
        try:
            with open(f, "rb") as fh:
                b = fh.read()
        except OSError:
            continue
        parts.append(b.lower())
        total += len(b)
        if total > limit:
            break
    print(f"{len(ks)} keywords; {total:,} bytes in {len(parts):,} files of {root}")
    for n in (2, 3, 4):
        # A keyword shorter than n is a prefix set of its own length.
        starts = {k[:n] for k in ks}
        lengths = sorted({len(s) for s in starts})
        kept = 0
        for b in parts:
            for i in range(len(b)):
                if any(b[i : i + m] in starts for m in lengths):
                    kept += 1
        print(f"first {n} bytes of a keyword begin at {kept / total:7.3%} of positions")
    hits = collections.Counter()
    for b in parts:
        for k in ks:
            c = b.count(k)
            if c:
                hits[k] += c
    print(f"a keyword occurs at    {sum(hits.values()) / total:7.3%} of positions "
          f"({sum(hits.values()):,} occurrences, overlapping ones counted once per keyword)")
    print("most frequent: " + ", ".join(f"{k.decode()!r} {v:,}" for k, v in hits.most_common(15)))


if __name__ == "__main__":
    main()
