#!/usr/bin/env python3
"""Train the structural model (patterns/layout.model) from the labelled corpus.

    train/train.py [--unboil ./unboil] [--out patterns/layout.model]

The features are unboil's own (`unboil --features`, with the default rules and
no model of its own in the way), so training and use cannot disagree.  Lines are
labelled from the gold snippets of ../shared/corpus/{dev,extra} (train/corpus.py)
and from the seed articles in fixtures/seeds, whose expected output labels every
line.  The model is an L2-regularised logistic regression fitted by Newton's
method on standardised features; the weights are written back on the raw
features, rounded, so the file is the same on every run (make check tests it).
The smoother's settings are fixed here and checked by train/cv.py.

Needs numpy (Debian: python3-numpy); unboil itself never does.
"""
import argparse
import os
import subprocess
import sys

import numpy as np

import corpus

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)

# The smoother and the cut, chosen by train/cv.py --tune (see README).
SETTINGS = {"lag": 16, "change": 1.0, "cut-keep": 0.9, "island": 0.25}
BIAS_SHIFT = 1.8	# added to the intercept: > 0 keeps more (the least with OOF recall >= 0.97)
L2 = 1.0		# on standardised features, per unit of page weight
PAGE_CAP = 12.0		# a page's labelled lines weigh this much at most


class Seed:
    "A seed article: every line labelled by the expected output."

    def __init__(self, path):
        self.name = os.path.basename(path)[:-4]
        self.path = path
        self.site = "seed:" + self.name
        self.lang = "seed"
        with open(path[:-4] + ".expected.txt", encoding="utf-8") as f:
            self.expected = {corpus.norm(x) for x in f.read().split("\n") if x.strip()}

    def data(self):
        with open(self.path, "rb") as f:
            return f.read()

    def weight(self, line):
        "A seed's labels come from its whole expected output: every line weighs 1."
        return 1.0

    def label(self, line):
        t = corpus.norm(line)
        if not t:
            return None
        if t in self.expected or any(len(e) > 20 and e in t for e in self.expected):
            return 1
        return 0


def seeds():
    d = os.path.join(TOP, "fixtures", "seeds")
    return [Seed(os.path.join(d, f)) for f in sorted(os.listdir(d))
            if f.endswith(".txt") and not f.endswith(".expected.txt")]


def run_unboil(unboil, pages, args):
    "unboil -z ARGS over the pages, NUL-separated; its stdout."
    data = b"".join(p.data().replace(b"\0", b"") + b"\0" for p in pages)
    r = subprocess.run([unboil, "-z", "-j", "1"] + args, input=data,
                       stdout=subprocess.PIPE, check=True)
    return r.stdout


def feature_names():
    src = open(os.path.join(TOP, "src", "layout", "layout.c"), encoding="utf-8").read()
    body = src[src.index("#define FEATURES(X)"):src.index("#define ENUM")]
    import re
    return re.findall(r"X\((\w+)\)", body)


def features(unboil, pages):
    """Rows of (page index, label, vector, weight) for every labelled
    candidate line of the pages, as unboil computes them.  The features do not depend on
    the weights: a model of zeros serves."""
    import tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".model") as zero:
        write_model(zero.name, [], [], SETTINGS, [])
        zero.flush()
        out = run_unboil(unboil, pages, ["--features", "--model", zero.name])
    lines = [p.data().decode("utf-8", "replace").split("\n") for p in pages]
    rows = []
    for rec in out.decode("ascii").splitlines():
        f = rec.split("\t")
        doc, line = (int(v) for v in f[0].split(":"))
        text = lines[doc - 1][line - 1] if line <= len(lines[doc - 1]) else ""
        y = pages[doc - 1].label(text)
        if y is not None:
            rows.append((doc - 1, y, [float(v) for v in f[1:]],
                         pages[doc - 1].weight(text)))
    return rows


def matrix(rows, keep):
    """X, y and the weights (the page's cap times the line's own) of the
    rows whose page index is in keep."""
    sel = [r for r in rows if r[0] in keep]
    X = np.array([r[2] for r in sel])
    y = np.array([r[1] for r in sel], dtype=float)
    pages = np.array([r[0] for r in sel])
    counts = np.bincount(pages, minlength=max(keep) + 1 if keep else 1)
    w = np.array([min(1.0, PAGE_CAP / counts[r[0]]) * r[3] for r in sel])
    return X, y, w


def fit(X, y, w):
    """Weights on the raw features: Newton's method on standardised ones
    (column 0 is the constant), L2 on all but the intercept."""
    mu = X.mean(axis=0)
    sd = X.std(axis=0)
    mu[0], sd[0] = 0.0, 1.0
    sd[sd < 1e-9] = 1.0
    Z = (X - mu) / sd
    beta = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], L2)
    reg[0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(Z @ beta, -30, 30)))
        g = Z.T @ (w * (p - y)) + reg * beta
        H = (Z * (w * p * (1 - p))[:, None]).T @ Z + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    raw = beta / sd
    raw[0] = beta[0] - (beta[1:] * mu[1:] / sd[1:]).sum() + BIAS_SHIFT
    return raw


def write_model(path, names, weights, settings, note):
    with open(path, "w", encoding="utf-8") as f:
        f.write("# unboil structural model: logistic regression over line features,\n"
                "# then a two-state smoother (see unboil-model(5)).\n"
                "# Generated by train/train.py (make model); do not edit by hand.\n")
        for line in note:
            f.write("# " + line + "\n")
        f.write("unboil-model 1\n")
        f.write("lag %d\nchange %g\ncut-keep %g\n" %
                (settings["lag"], settings["change"], settings["cut-keep"]))
        if settings.get("island"):
            f.write("island %g\n" % settings["island"])
        for n, v in zip(names, weights):
            f.write("weight %s %.6g\n" % (n, 0.0 if abs(v) < 5e-7 else v))


def training_pages():
    return corpus.load() + seeds()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--unboil", default=os.path.join(TOP, "unboil"))
    ap.add_argument("--out", default=os.path.join(TOP, "patterns", "layout.model"))
    a = ap.parse_args(argv)
    pages = training_pages()
    rows = features(a.unboil, pages)
    X, y, w = matrix(rows, set(range(len(pages))))
    weights = fit(X, y, w)
    names = feature_names()
    if len(names) != X.shape[1]:
        sys.exit("train.py: %d feature names in layout.c, %d columns from unboil" %
                 (len(names), X.shape[1]))
    note = ["Trained on %d pages (%d labelled lines: %d body, %d boilerplate)." %
            (len(pages), len(y), int(y.sum()), int(len(y) - y.sum()))]
    write_model(a.out, names, weights, SETTINGS, note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
