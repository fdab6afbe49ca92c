#!/usr/bin/env python3
"""Writes the four variants of each seed that the golden tests replay.

For fixtures/seeds/NNN_ID.txt it writes fixtures/variants/NNN_ID.{crlf,nfd,
bom,nbsp}.txt: CRLF line ends, decomposed (NFD) text, a leading BOM, and
every space replaced by a no-break space.  Each variant must clean to the
seed's own .expected.txt.  Run it again only if the seeds change; the
variants are committed so that the tests need no Python.
"""
import glob
import os
import unicodedata

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
out = os.path.join(root, "fixtures", "variants")
os.makedirs(out, exist_ok=True)
for path in sorted(glob.glob(os.path.join(root, "fixtures", "seeds", "*.txt"))):
    if path.endswith(".expected.txt"):
        continue
    text = open(path, encoding="utf-8", newline="").read()
    base = os.path.basename(path)[:-4]
    variants = {
        "crlf": text.replace("\r\n", "\n").replace("\n", "\r\n"),
        "nfd": unicodedata.normalize("NFD", text),
        "bom": "\ufeff" + text,
        "nbsp": text.replace(" ", "\u00a0"),
    }
    for name, body in variants.items():
        with open(os.path.join(out, f"{base}.{name}.txt"), "w",
                  encoding="utf-8", newline="") as f:
            f.write(body)
