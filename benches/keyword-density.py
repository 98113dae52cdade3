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
import sys
import tomllib

from corpus_sample import args, sample

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
    root, limit = args(__doc__, "keyword-density.py", 8_000_000)
    ks = keywords()
    if not ks:
        sys.exit("keyword-density.py: no keywords found under detectors/")
    parts, total = sample(root, limit)
    parts = [b.lower() for b in parts]
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
