#!/usr/bin/env python3
"""Writes detectors/generic/trigrams.bin: how English a run of letters looks, for the generic
layer's `wordlike` feature (src/generic/english.rs).

Usage: benches/make-trigrams.py [WORDLIST]   (default /usr/share/dict/american-english,
Debian's wamerican package; the committed table was made from wamerican 2020.12.07-2)

The table is 27 x 27 x 27 bytes: for letters a, b (or the word boundary, index 26) and c, the
surprisal of c after a b in the word list, -log2 P(c | a b) with add-one smoothing, in
sixteenths of a bit, capped at 255. A dictionary word scores 2.5 to 4.5 bits per letter, a random
run of letters 5 to 8.
"""
import math, os, sys

words = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict/american-english"
counts = [[[0] * 27 for _ in range(27)] for _ in range(27)]
for w in open(words, encoding="utf-8", errors="replace"):
    w = w.strip().lower()
    if not w.isascii() or not w.isalpha() or len(w) < 2:
        continue
    s = [26, 26] + [ord(ch) - 97 for ch in w] + [26]
    for i in range(2, len(s)):
        counts[s[i - 2]][s[i - 1]][s[i]] += 1
out = bytearray()
for a in range(27):
    for b in range(27):
        total = sum(counts[a][b]) + 27
        for c in range(27):
            p = (counts[a][b][c] + 1) / total
            out.append(min(255, round(-math.log2(p) * 16)))
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "detectors", "generic", "trigrams.bin")
open(path, "wb").write(out)
print(f"wrote {len(out)} bytes to detectors/generic/trigrams.bin")
