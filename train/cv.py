#!/usr/bin/env python3
"""Out-of-fold figures for the whole default configuration (make cv).

    train/cv.py [--folds 5] [--seed N] [--also 1,2,3] [--unboil ./unboil] [--tune]

The corpus pages (../shared/corpus/dev and extra) are split into folds, a
site's pages always in one fold (train/corpus.py).  For each fold, a model is
trained by train/train.py's code on the other folds (and the seed articles),
and unboil with the default rules and that model cleans the fold's pages; the
outputs are counted by ../shared/eval/score.py's own functions.  No page is
ever cleaned by a model that saw it.  The rules are the bundled ones: they were
written from the dev pages, which is why train/rule_audit.py keeps only rules
that fire on several sites.

--tune also tries a grid of smoother settings and intercept shifts, each
scored out of fold, so that the settings in train.py can be chosen without
looking at in-sample figures; the chosen row is still optimistic by the
choice itself, which is why the grid is small.

--seed N deals the sites into the folds in an order shuffled by N rather
than by size and name: another split of the same pages, to see how much a
figure owes to the split; --also 1,2,3 adds the overall figures of those
three splits under the table (make cv does).  --at-recall 0.97 compares
configurations at the same recall: precision and F1 where recall crosses
0.97 as the intercept shift grows, on each split.
"""
import argparse
import importlib.util
import itertools
import os
import sys
import tempfile

import corpus
import train

spec = importlib.util.spec_from_file_location(
    "score", os.path.join(train.TOP, "..", "shared", "eval", "score.py"))
score = importlib.util.module_from_spec(spec)
spec.loader.exec_module(score)


def clean(unboil, pages, model):
    "Each page's output from one unboil -z run with the model."
    out = train.run_unboil(unboil, pages, ["--model", model])
    docs = out.split(b"\0")
    assert len(docs) == len(pages) + 1, "one output per page"
    return [d.decode("utf-8", "replace") for d in docs[:-1]]


def tally(pages, outs, totals):
    for p, o in zip(pages, outs):
        tp, fp, fn, tn, _, _ = score.count_case(p.rec, o)
        for key in ("all", p.lang, "set:" + os.path.basename(p.setdir)):
            t = totals.setdefault(key, [0, 0, 0, 0, 0])
            for i, v in enumerate((tp, fp, fn, tn, 1)):
                t[i] += v


def out_of_fold(unboil, pages, rows, folds, settings, shift):
    totals = {}
    index = {id(p): i for i, p in enumerate(pages)}
    seeds = set(range(len(pages) - len(train.seeds()), len(pages)))
    old = train.BIAS_SHIFT
    train.BIAS_SHIFT = shift
    try:
        for fold in folds:
            test = {index[id(p)] for p in fold}
            keep = set(range(len(pages))) - test
            X, y, w = train.matrix(rows, keep | seeds)
            weights = train.fit(X, y, w)
            with tempfile.NamedTemporaryFile("w", suffix=".model") as m:
                train.write_model(m.name, train.feature_names(), weights, settings, [])
                tally(fold, clean(unboil, fold, m.name), totals)
    finally:
        train.BIAS_SHIFT = old
    return totals


def overall(unboil, pages, rows, folds, settings, shift):
    "score.py's metrics of all pages together, out of fold."
    return score.metrics(*out_of_fold(unboil, pages, rows, folds, settings, shift)["all"][:4])


def at_recall(unboil, pages, rows, folds, target):
    """Precision and F1, linearly interpolated between the two shifts of
    a grid whose out-of-fold recall brackets target."""
    prev = None
    for shift in (0.0, 0.5, 1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.3, 2.6, 3.0):
        m = overall(unboil, pages, rows, folds, train.SETTINGS, shift)
        cur = (m["recall"], m["precision"], m["f1"])
        if cur[0] >= target:
            if prev is None or cur[0] == prev[0]:
                return cur[1], cur[2]
            k = (target - prev[0]) / (cur[0] - prev[0])
            return prev[1] + k * (cur[1] - prev[1]), prev[2] + k * (cur[2] - prev[2])
        prev = cur
    return prev[1], prev[2]


def show(totals, label=""):
    if label:
        print(label)
    print("%-8s%6s%8s%8s%8s%6s%6s%6s%6s" % ("lang", "pages", "prec", "recall", "f1",
                                           "tp", "fp", "fn", "tn"))
    for key in sorted(totals, key=lambda k: (k != "all", k.startswith("set:"), k)):
        tp, fp, fn, tn, n = totals[key]
        m = score.metrics(tp, fp, fn, tn)
        print("%-8s%6d%8.3f%8.3f%8.3f%6d%6d%6d%6d" % (key, n, m["precision"], m["recall"],
                                                    m["f1"], tp, fp, fn, tn))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--unboil", default=os.path.join(train.TOP, "unboil"))
    ap.add_argument("--seed", type=int, help="deal the sites into folds shuffled by SEED")
    ap.add_argument("--also", metavar="SEEDS", default="",
                    help="after the table, the overall figures with the sites shuffled by "
                    "each of these comma-separated seeds")
    ap.add_argument("--at-recall", type=float, metavar="R",
                    help="precision and F1 where recall crosses R as the intercept shift "
                    "grows, on the default split and those of --also: models compared "
                    "at the same recall, whatever shift each needs")
    ap.add_argument("--tune", action="store_true")
    a = ap.parse_args(argv)
    cases = corpus.load()
    pages = cases + train.seeds()
    rows = train.features(a.unboil, pages)
    folds = corpus.folds(cases, a.folds, a.seed)
    also = [int(v) for v in a.also.split(",") if v]
    if a.at_recall is not None:
        for seed in [a.seed] + also:
            p, f = at_recall(a.unboil, pages, rows, corpus.folds(cases, a.folds, seed),
                             a.at_recall)
            print("%s: at recall %.3f, P %.3f F1 %.3f" %
                  ("default split" if seed is None else "seed %d" % seed, a.at_recall, p, f))
        return 0
    if a.tune:
        for change, shift in itertools.product((1.0, 2.0, 3.0, 4.0), (0.0, 0.5, 1.0, 1.5, 1.6, 1.7, 2.0)):
            m = overall(a.unboil, pages, rows, folds, dict(train.SETTINGS, change=change), shift)
            print("change %.1f shift %.1f: P %.3f R %.3f F1 %.3f" %
                  (change, shift, m["precision"], m["recall"], m["f1"]))
        return 0
    t = out_of_fold(a.unboil, pages, rows, folds, train.SETTINGS, train.BIAS_SHIFT)
    show(t, "%d-fold cross-validation by site, out of fold, default rules + model:" % a.folds)
    for seed in also:
        m = overall(a.unboil, pages, rows, corpus.folds(cases, a.folds, seed),
                    train.SETTINGS, train.BIAS_SHIFT)
        print("sites shuffled by seed %d: P %.3f R %.3f F1 %.3f" %
              (seed, m["precision"], m["recall"], m["f1"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
