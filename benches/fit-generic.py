#!/usr/bin/env python3
"""Fit the generic-credential layer's model on the development half of CredData.

Usage: benches/fit-generic.py DEV_DIR [--write]
  DEV_DIR  what ../shared/accuracy/build-dev.sh made (default /tmp/creddata-dev)
  --write  rewrite detectors/generic/model.toml with the fitted weights and thresholds

It runs `examples/generic_features.rs` over DEV_DIR/data (every assignment the layer reads,
with its feature values, whatever its score), labels each one 1 when a T row of CredData covers
its line and 0 otherwise, and fits an L2-regularised logistic regression (numpy, installed in a
virtual environment under target/ when missing). Five-fold cross-validation that keeps each
repository in one fold prints how the model does on repositories it was not fitted on; the
thresholds are then chosen on those held-out scores:
  medium  the lowest probability at which held-out precision is still >= MEDIUM_PRECISION (0.80;
          with the specific detectors, whose precision is higher, the scan stays above 0.85)
  high    ... >= 0.97
  low     0.5 x medium
Only the development half is ever used: the other half is held back for measurement.
"""
import csv, glob, json, os, subprocess, sys, zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ensure_numpy():
    try:
        import numpy  # noqa: F401
        return
    except ImportError:
        pass
    venv = os.path.join(ROOT, "target", "fit-venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call([py, "-m", "pip", "install", "-q", "numpy"])
    os.execv(py, [py] + sys.argv)


ensure_numpy()
import numpy as np  # noqa: E402


def labels(dev):
    rows = {}
    for f in glob.glob(os.path.join(dev, "meta", "*.csv")):
        for r in csv.DictReader(open(f, encoding="utf-8")):
            if r["GroundTruth"] != "T":
                continue
            p = r["FilePath"].removeprefix("data/")
            lo = int(r["LineStart"])
            hi = int(r["LineEnd"] or lo)
            rows.setdefault(p, []).append((lo, hi))
    return rows


def candidates(data):
    subprocess.check_call(
        ["cargo", "build", "--release", "--locked", "-q", "--example", "generic_features"], cwd=ROOT
    )
    exe = os.path.join(ROOT, "target", "release", "examples", "generic_features")
    out = subprocess.run([exe, data], check=True, capture_output=True, text=True).stdout
    lines = out.splitlines()
    names = json.loads(lines[0])["features"]
    return names, [json.loads(l) for l in lines[1:]]


# The prior: credentials as real code holds them (a random literal given to a secret name, in
# each language's syntax) and what code gives such names that is not one. CredData's values
# were all replaced by random strings of the same shape, so its positives are mostly random
# lowercase letters and digits; these keep the model from learning that a mixed-case base64 or
# hex value is less of a credential than `wanunhfo`. Generated with a fixed seed, never a real
# credential.
SYNTAX = {
    "py": ['{n} = "{v}"', "{n}='{v}'", '    "{n}": "{v}",', 'client = Client({n}="{v}")'],
    "js": ['const {n} = "{v}";', "  {n}: '{v}',", "headers['{n}'] = '{v}';"],
    "java": ['private static final String {N} = "{v}";', 'cfg.set{C}("{v}");', 'props.put("{n}", "{v}");'],
    "go": ['\t{C}: "{v}",', '{n} := "{v}"'],
    "rb": ["  {n}: '{v}',", ":{n} => '{v}',"],
    "php": ["'{n}' => '{v}',", "define('{N}', '{v}');"],
    "yaml": ["{n}: {v}", '  {n}: "{v}"', "  - {N}={v}"],
    "env": ["{N}={v}", 'export {N}="{v}"'],
    "properties": ["app.{n}={v}"],
    "json": ['  "{n}": "{v}",'],
    "xml": ["<{n}>{v}</{n}>", '<add key="{C}" value="{v}" />'],
    "sh": ["curl -H 'X-Api-Key: {v}' https://api.acme-corp.io", "mysql -u root --password={v} db"],
}
NAMES = ["api_key", "apiKey", "secret_key", "client_secret", "access_token", "auth_token", "password",
         "db_password", "secret", "token", "private_key", "app_secret", "api_token", "encryption_key",
         "signing_secret", "consumer_secret", "master_key", "session_secret", "credentials", "passwd"]
NOT_VALUES = ["os.environ['{N}']", "${{{N}}}", "<your-{n}>", "changeme", "{n}_here", "/etc/app/{n}.txt",
              "https://auth.acme-corp.io/{n}", "Enter your {n}", "get_{n}()", "settings.{N}", "{N}",
              "1.2.3", "true", "xxxxxxxxxxxxxxxx", "your_{n}", "%({n})s", "{{{{ {n} }}}}", "secret_name",
              "Please enter the {n} again"]


def synthetic(dirname, rng):
    import string
    def value():
        kind = rng.randrange(6)
        if kind == 0:
            return "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice([32, 40, 64])))
        if kind == 1:
            return "".join(rng.choice(string.ascii_letters + string.digits + "+/") for _ in range(rng.randrange(20, 44))) + "="
        if kind == 2:
            return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randrange(12, 48)))
        if kind == 3:
            h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        if kind == 4:
            return "".join(rng.choice(string.ascii_letters + string.digits + "!#%&*@^-_") for _ in range(rng.randrange(8, 24)))
        return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(rng.randrange(8, 20)))
    for label in ("pos", "neg"):
        os.makedirs(os.path.join(dirname, label), exist_ok=True)
        for ext, forms in SYNTAX.items():
            lines = []
            for _ in range(60):
                n = rng.choice(NAMES)
                camel = "".join(p[:1].upper() + p[1:] for p in n.split("_"))
                v = value() if label == "pos" else rng.choice(NOT_VALUES).format(n=n, N=n.upper())
                lines.append(rng.choice(forms).format(n=n, N=n.upper(), C=camel, v=v))
            open(os.path.join(dirname, label, f"s.{ext}"), "w").write("\n".join(lines) + "\n")


# Signs the weights must keep, whatever CredData's labels say: evidence of randomness never
# lowers the score, evidence of a non-credential never raises it. CredData's values were
# replaced by random strings of the same shape, and some of its shapes are over-represented
# (random lowercase passwords, labelled hex hashes); without these constraints the fit learns
# such accidents (`mixes letters and digits` as a sign against) and would miss the credentials
# real code holds.
MEDIUM_PRECISION = 0.86

UP = {"entropy", "has-digit", "classes", "hex", "uuid", "base64", "jwt", "random-letters",
      "len-log", "key-qualified", "quoted", "scheme"}
DOWN = {"placeholder", "self-naming", "path", "url", "version", "spaces", "identifier",
        "template", "repeated", "wordlike", "name-other", "expression", "op-space",
        "op-compare", "len-short", "letters-only", "lower-word"}


def fit(X, y, names, l2=1.0, iters=200):
    """Projected Newton steps on the L2-regularised log loss (the bias, column 0, is not
    penalised); after each step a weight that broke its sign (UP, DOWN) is set to 0."""
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], l2)
    reg[0] = 0.0
    up = np.array([False] + [n in UP for n in names])
    down = np.array([False] + [n in DOWN for n in names])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(X @ w)))
        g = X.T @ (p - y) + reg * w
        H = (X * (p * (1 - p))[:, None]).T @ X + np.diag(reg) + 1e-9 * np.eye(X.shape[1])
        new = w - 0.5 * np.linalg.solve(H, g)
        new[up & (new < 0)] = 0.0
        new[down & (new > 0)] = 0.0
        if np.abs(new - w).max() < 1e-6:
            w = new
            break
        w = new
    return w


def threshold_for(p, y, precision):
    order = np.argsort(-p)
    tp = np.cumsum(y[order])
    n = np.arange(1, len(p) + 1)
    ok = np.where(tp / n >= precision)[0]
    if len(ok) == 0:
        return 1.0
    return float(p[order][ok.max()])


def main():
    args = [a for a in sys.argv[1:2] if not a.startswith("--")]
    dev = args[0] if args else "/tmp/creddata-dev"
    write = "--write" in sys.argv
    t = labels(dev)
    names, cands = candidates(os.path.join(dev, "data"))
    X = np.array([[1.0] + c["x"] for c in cands])
    y = np.array(
        [float(any(lo <= c["line"] <= hi for lo, hi in t.get(c["path"], []))) for c in cands]
    )
    repo = np.array([zlib.crc32(c["path"].split("/")[0].encode()) % 5 for c in cands])
    import random, tempfile
    with tempfile.TemporaryDirectory() as tmp:
        synthetic(tmp, random.Random(20261201))
        _, prior = candidates(tmp)
    print(f"{len(prior)} prior candidates (generated; not scored below)")
    Xp = np.array([[1.0] + c["x"] for c in prior])
    yp = np.array([float(c["path"].startswith("pos")) for c in prior])
    print(f"{len(cands)} candidates, {int(y.sum())} on true lines")
    held = np.zeros(len(y))
    for k in range(5):
        tr, te = repo != k, repo == k
        w = fit(np.vstack([X[tr], Xp]), np.concatenate([y[tr], yp]), names)
        held[te] = 1 / (1 + np.exp(-(X[te] @ w)))
    w = fit(np.vstack([X, Xp]), np.concatenate([y, yp]), names)
    medium = threshold_for(held, y, MEDIUM_PRECISION)
    high = max(threshold_for(held, y, 0.97), medium)
    low = 0.5 * medium
    for name, th in (("high", high), ("medium", medium), ("low", low)):
        sel = held >= th
        prec = y[sel].mean() if sel.any() else 0
        print(f"{name:6} >= {th:.3f}: held-out precision {prec:.3f}, {int(y[sel].sum())} of {int(y.sum())} true candidates")
    for prec in (0.95, 0.9, 0.85, 0.8, 0.7):
        th = threshold_for(held, y, prec)
        print(f"  held-out precision {prec:.2f} at p >= {th:.3f}: {int(y[held >= th].sum())} true candidates")
    if "--dump" in sys.argv:
        with open(sys.argv[sys.argv.index("--dump") + 1], "w") as fh:
            for c, p, t in zip(cands, held, y):
                fh.write(json.dumps({"path": c["path"], "line": c["line"], "detector": c["detector"], "p": float(p), "y": int(t)}) + "\n")
    order = np.argsort(-np.abs(w[1:]))
    print("weights (largest first):")
    for i in order[:20]:
        print(f"  {names[i]:16} {w[1 + i]:+.3f}")
    if write:
        path = os.path.join(ROOT, "detectors", "generic", "model.toml")
        head = open(path, encoding="utf-8").read().split("\nhigh = ")[0]
        body = [f"high = {high:.3f}", f"medium = {medium:.3f}", f"low = {low:.3f}", f"bias = {w[0]:.3f}", "", "[weights]"]
        body += [f"{n} = {w[1 + i]:.3f}" for i, n in enumerate(names) if abs(w[1 + i]) >= 0.0005]
        open(path, "w", encoding="utf-8").write(head + "\n" + "\n".join(body) + "\n")
        print(f"wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
