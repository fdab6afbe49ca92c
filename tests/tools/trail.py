#!/usr/bin/env python3
"""Checks --rejects audit trails: nothing goes without a trace.

Usage: trail.py INPUT OUTPUT TRAIL [INPUT OUTPUT TRAIL]...

Each triple is one run of `unboil --rejects TRAIL INPUT >OUTPUT` on a single
document, and one check: every text line of INPUT is either in OUTPUT or in
TRAIL as dropped or cut; every dropped or cut line names its rule and its
line, in document 1; every edit keeps the text after it.  Prints TAP (a
"1..N" plan, then "ok N - what" or "not ok N - what: why" per triple), as
the unit tests do, so that tests/run.sh counts each triple as its own check;
exits 1 if any failed.  One process checks them all.
"""
import json
import sys


def text_lines(path):
    """The lines of a file that hold more than white space (CR ends a line)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read().replace("\r", "\n")
    return [l for l in text.split("\n") if l.strip()]


def problems(src, cleaned, trail):
    """What is wrong with one run's trail, as sentences (none if nothing)."""
    with open(trail, encoding="utf-8") as f:
        recs = [json.loads(l) for l in f]
    gone = [r for r in recs if r["action"] in ("drop", "cut")]
    why = []
    if not all(r["rule"] != "-" and r["line"] > 0 and r["doc"] == 1 for r in gone):
        why.append("a dropped or cut line lacks its rule, line or document")
    if not all("result" in r for r in recs if r["action"] == "edit"):
        why.append("an edit lacks its result")
    n_in, n_out = len(text_lines(src)), len(text_lines(cleaned))
    if n_in != n_out + len(gone):
        why.append("%d lines in, %d out, %d dropped or cut" % (n_in, n_out, len(gone)))
    return why


def main(args):
    if not args or len(args) % 3 != 0:
        sys.stderr.write("usage: trail.py INPUT OUTPUT TRAIL [INPUT OUTPUT TRAIL]...\n")
        return 2
    n = len(args) // 3
    failed = 0
    print("1..%d" % n)
    for i in range(n):
        src, cleaned, trail = args[3 * i:3 * i + 3]
        what = "--rejects accounts for every line of %s" % src.rsplit("/", 1)[-1]
        try:
            why = problems(src, cleaned, trail)
        except (OSError, ValueError, KeyError, TypeError) as e:
            why = ["%s: %s" % (type(e).__name__, e)]
        if why:
            failed += 1
            print("not ok %d - %s: %s" % (i + 1, what, "; ".join(why)))
        else:
            print("ok %d - %s" % (i + 1, what))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
