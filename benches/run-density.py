#!/usr/bin/env python3
"""benches/run-density.py CORPUS [BYTES]: how often long runs of token characters occur in real
text, and how much of it the windows around them would cover.

A measurement for issue 17 (benches/README.md, "Anchors instead of keywords"): if detectors
fired only near a run of K letters and digits, the keyword automaton would read only the bytes
within a detector's reach of one (530 before the run, where its keyword may stand, and 150
after). Files are sampled at random (seed 1) up to BYTES (default 60 MB); for three character
classes and K of 16, 20, 24 and 32 it prints the runs per KiB and the share of bytes covered.
"""
import re

from corpus_sample import args, sample

BEFORE, AFTER = 530, 150
CLASSES = {
    "letters and digits": rb"[A-Za-z0-9]",
    "... and _ -": rb"[A-Za-z0-9_\-]",
    "... and + / = .": rb"[A-Za-z0-9_\-+/=.]",
}


def main():
    root, limit = args(__doc__, "run-density.py", 60_000_000)
    data, total = sample(root, limit)
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
