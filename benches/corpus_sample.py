"""The random sample of a corpus that benches/run-density.py and benches/keyword-density.py
measure: its files in a shuffled order (seed 1, so runs compare), read whole until they hold
more than `limit` bytes. Unreadable files are passed over."""
import os
import random
import sys


def args(doc, name, default_limit):
    """(CORPUS, BYTES) from the command line of script `name`, or its usage and exit."""
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(doc.strip())
        sys.exit(0 if len(sys.argv) > 1 else 2)
    root, limit = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else default_limit
    if not os.path.isdir(root):
        sys.exit(f"{name}: {root}: not a directory")
    return root, limit


def sample(root, limit):
    """(contents, total bytes) of the sampled files of `root`."""
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
    return data, total
