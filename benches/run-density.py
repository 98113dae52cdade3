#!/usr/bin/env python3
"""benches/run-density.py CORPUS [BYTES]: how often long runs of token characters occur in real
text, and how much of it the windows around them would cover.

A measurement for issue 17 (benches/README.md, "Anchors instead of keywords"): if detectors
fired only near a run of K letters and digits, the keyword automaton would read only the bytes
within a detector's reach of one (530 before the run, where its keyword may stand, and 150
after). Files are sampled at random (seed 1) up to BYTES (default 60 MB); for three character
classes and K of 16, 20, 24 and 32 it prints the runs per KiB and the share of bytes covered.
"""
import os
import random
import re
import sys

BEFORE, AFTER = 530, 150
CLASSES = {
    "letters and digits": rb"[A-Za-z0-9]",
    "... and _ -": rb"[A-Za-z0-9_\-]",
    "... and + / = .": rb"[A-Za-z0-9_\-+/=.]",
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        sys.exit(0 if len(sys.argv) > 1 else 2)
    root, limit = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 60_000_000
    if not os.path.isdir(root):
        sys.exit(f"run-density.py: {root}: not a directory")
    files = [os.path.join(d, f) for d, _, names in os.walk(root) for f in names]
    random.Random(1).shuffle(files)
    data, total = [], 0
    for f in files:
        try:
            with open(f, "rb") as fh:
                b = fh.read()
        except OSError:
            continue
        data.append(b)
        total += len(b)
        if total > limit:
            break
    print(f"{total:,} bytes in {len(data):,} files of {root}")
    for name, cls in CLASSES.items():
        for k in (16, 20, 24, 32):
            rx = re.compile(cls + b"{%d,}" % k)
            runs = covered = 0
            for b in data:
                reached = 0
                for m in rx.finditer(b):
                    runs += 1
                    s, e = max(m.start() - BEFORE, reached), min(len(b), m.end() + AFTER)
                    if e > s:
                        covered += e - s
                    reached = max(reached, e)
            print(
                f"{name:22} K={k:2}: {runs / total * 1024:6.3f} runs a KiB, "
                f"windows cover {covered / total * 100:5.1f}%"
            )


if __name__ == "__main__":
    main()
