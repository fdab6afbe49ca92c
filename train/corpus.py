"""The labelled corpus as the training, cross-validation and audit scripts see it.

A page's lines are labelled from its gold snippets the way ../shared/eval/score.py
counts them: both sides normalised alike (NFC, ASCII quotes, no invisible
characters, white space folded); a line holding a `with` snippet is body (1), a
line holding a `without` snippet is boilerplate (0), a line holding both or
neither is unlabelled (None).  Pages are grouped by site (the URL's host, less
"www."; the archived URL's host for web.archive.org) so that cross-validation
never trains and tests on pages of one site.
"""
import json
import os
import re
import unicodedata
from urllib.parse import urlparse

QUOTES = str.maketrans({
    "\u201e": '"', "\u201c": '"', "\u201d": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u201a": "'", "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2039": "'", "\u203a": "'",
    "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
})
WS = re.compile(r"\s+")


def norm(text):
    "NFC, quotes to ASCII, invisible characters out, white space folded."
    text = unicodedata.normalize("NFC", text).translate(QUOTES)
    return WS.sub(" ", text).strip()


def default_dirs():
    "The corpus folders beside the project: ../shared/corpus/{dev,extra}."
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.environ.get("UNBOIL_CORPUS") or os.path.join(here, "..", "..", "shared", "corpus")
    return [os.path.join(root, "dev"), os.path.join(root, "extra")]


def site(url, name):
    "The site a page belongs to, for grouping folds."
    host = urlparse(url or "").hostname or ""
    if host == "web.archive.org":
        m = re.search(r"/web/[^/]*/(https?://[^ ]+)", url)
        host = urlparse(m.group(1)).hostname or "" if m else ""
    host = re.sub(r"^www\d?\.", "", host)
    return host or "page:" + name


class Page:
    def __init__(self, setdir, rec):
        self.setdir = setdir
        self.name = rec["name"]
        self.lang = rec["lang"]
        self.url = rec.get("url", "")
        self.site = site(self.url, self.name)
        self.with_ = [norm(s) for s in rec["with"]]
        self.without = [norm(s) for s in rec["without"]]
        self.rec = rec
        self._copies = None

    @property
    def path(self):
        return os.path.join(self.setdir, self.name + ".txt")

    def weight(self, line):
        """What a labelled line weighs in training: 1, but a body line whose
        snippet stands on k lines of the page weighs 1/k.  The article holds
        the snippet once; the other copies are mostly its headline again in
        a breadcrumb, a teaser or the page title, and the labels cannot tell
        which copy is the article's, so together they count as one line."""
        if self._copies is None:
            text = self.data().decode("utf-8", "replace")
            lines = [norm(x) for x in text.split("\n")]
            self._copies = {s: sum(s in t for t in lines) for s in self.with_ if s}
        t = norm(line)
        k = max([self._copies[s] for s in self._copies if s in t] or [1])
        return 1.0 / k if self.label(line) == 1 else 1.0

    def data(self):
        with open(self.path, "rb") as f:
            return f.read()

    def label(self, line):
        "1 body, 0 boilerplate, None unlabelled, for one line of text."
        t = norm(line)
        if not t:
            return None
        body = any(s and s in t for s in self.with_)
        boiler = any(s and s in t for s in self.without)
        if body == boiler:
            return None
        return 1 if body else 0


def load(dirs=None):
    "Every page of the corpus folders, in file order."
    pages = []
    for d in dirs or default_dirs():
        with open(os.path.join(d, "gold.jsonl"), encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    pages.append(Page(d, json.loads(line)))
    return pages


def folds(pages, k, seed=None):
    """k folds of pages, a site's pages in one fold: sites sorted by name and
    dealt out largest first to the fold with fewest pages, so folds are
    balanced and the split is the same on every machine.  With a seed, the
    sorted sites are shuffled by it and dealt out in turn instead: another
    split, to see how much a figure owes to this one."""
    by_site = {}
    for p in pages:
        by_site.setdefault(p.site, []).append(p)
    out = [[] for _ in range(k)]
    if seed is not None:
        import random
        order = sorted(by_site)
        random.Random(seed).shuffle(order)
    else:
        order = sorted(by_site, key=lambda s: (-len(by_site[s]), s))
    for i, s in enumerate(order):
        j = i % k if seed is not None else \
            min(range(k), key=lambda f: (len(out[f]), (i + f) % k))
        out[j].extend(by_site[s])
    return out
