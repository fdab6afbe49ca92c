#!/usr/bin/env python3
"""ftfy_cases.py - unboil's repair and normalisation against ftfy's test cases.

The cases are ftfy's own (https://github.com/rspeer/python-ftfy, Apache-2.0;
../shared/normalisation/ftfy-test-cases/, see the README and LICENSE.txt
there): each has an `original`, the `fixed` text ftfy's fix_text() gives,
and `expect` (pass, or fail for ftfy's known failures).  Only the data is
used; nothing of ftfy's code.

Every `original` goes through unboil as one JSON Lines record (so that no
case can run into another) with no rules and no structural layer: what
comes out is repair and normalisation alone.  Every `fixed` goes through
unboil's normalisation alone (--no-mojibake --no-entities), because ftfy
keeps typographic quotes and unboil does not; a case passes when the two
agree.  A case whose original already normalises to its fixed text is a
negative: it passes when unboil leaves it so.

Prints counts per file and per `expect`, then every failing case, and
exits 1 unless at least --min-repaired of all the cases come out as
ftfy's fixed text (ftfy itself manages 152 of 161) and at most
--max-changed negatives are changed (by default the targets of issue 20:
140 and 1), or 2 on trouble.
"""
import argparse
import glob
import json
import os
import subprocess
import sys


def run(unboil, texts, extra):
    data = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    p = subprocess.run([unboil, "--jsonl", "--no-default-rules", "--no-heuristics",
                        "--valve=keep"] + extra, input=data.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit("ftfy_cases.py: unboil exited %d: %s" % (p.returncode, p.stderr.decode()))
    out = [json.loads(l)["text"] for l in p.stdout.decode().splitlines()]
    if len(out) != len(texts):
        sys.exit("ftfy_cases.py: %d records in, %d out" % (len(texts), len(out)))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unboil", default=os.path.join(top, "unboil"))
    ap.add_argument("--cases", default=os.path.join(top, "..", "shared", "normalisation",
                                                    "ftfy-test-cases"))
    ap.add_argument("--min-repaired", type=int, default=140)
    ap.add_argument("--max-changed", type=int, default=1)
    ap.add_argument("-q", "--quiet", action="store_true", help="no failing cases")
    a = ap.parse_args()

    cases = []
    for f in sorted(glob.glob(os.path.join(a.cases, "*.json"))):
        with open(f, encoding="utf-8") as fh:
            for c in json.load(fh):
                c["file"] = os.path.basename(f)[:-5]
                cases.append(c)
    if not cases:
        sys.exit("ftfy_cases.py: no cases in %s" % a.cases)
    got = run(a.unboil, [c["original"] for c in cases], [])
    want = run(a.unboil, [c["fixed"] for c in cases], ["--no-mojibake", "--no-entities"])
    base = run(a.unboil, [c["original"] for c in cases], ["--no-mojibake", "--no-entities"])

    rows = {}
    fails = []
    for c, g, w, b in zip(cases, got, want, base):
        neg = b == w
        kind = "negative" if neg else "positive"
        for key in (c["file"], "expect=" + c["expect"], kind + "/expect=" + c["expect"]):
            r = rows.setdefault(key, [0, 0])
            r[0] += g == w
            r[1] += 1
        if g != w:
            fails.append((c, kind, g, w))
    print("%-28s %5s %5s" % ("category", "ok", "of"))
    for key in sorted(rows):
        print("%-28s %5d %5d" % (key, rows[key][0], rows[key][1]))
    pos = rows.get("positive/expect=pass", [0, 0])
    negs = [rows.get("negative/expect=" + e, [0, 0]) for e in ("pass", "fail")]
    changed = sum(n[1] - n[0] for n in negs)
    ok = len(cases) - len(fails)
    print("positives repaired: %d of %d that ftfy expects to pass" % (pos[0], pos[1]))
    print("all cases: %d of %d as ftfy's fixed text (at least %d)"
          % (ok, len(cases), a.min_repaired))
    print("negatives changed: %d of %d (at most %d)"
          % (changed, sum(n[1] for n in negs), a.max_changed))
    if not a.quiet:
        for c, kind, g, w in fails:
            print("\nFAIL %s %s (%s, expect %s)\n  original %s\n  got      %s\n  want     %s"
                  % (c["file"], c["label"], kind, c["expect"], ascii(c["original"]),
                     ascii(g), ascii(w)))
    return 0 if ok >= a.min_repaired and changed <= a.max_changed else 1


if __name__ == "__main__":
    sys.exit(main())
