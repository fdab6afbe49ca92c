#!/usr/bin/env python3
"""Every HTML character reference decoded as html.unescape decodes it.

    python3 tests/tools/entities.py tests/unit/test_entities

Builds, for every name in html.entities.html5 (with and without ';' where
the list has both) and for numeric references of every kind (decimal and
hexadecimal, with and without ';', leading zeros, 0, C0 and C1 controls,
0x80 to 0x9F, surrogates, noncharacters, beyond U+10FFFF), inputs that put
the reference in the contexts text gives it: before a space, at the end of
the line, before a letter, a digit, '=', '-', ';' and a non-ASCII letter.
Runs them through test_entities --decode, which calls unboil's own code
with nothing else in the way (normalisation would change what some
references decode to, so the comparison is made before it), twice:

  unescape  entities_decode() without flags must give exactly what
            html.unescape gives, for every input;
  repair    repair_line() with only REPAIR_ENTITIES, what unboil does, must
            give what text_unescape() below gives: html.unescape with the
            two documented exceptions of entities.h and unboil(1).

Prints TAP, one check per name and one per kind of number, with each
mismatch as a comment; exits 1 if any check failed.
"""
import html
import re
import subprocess
import sys
from html.entities import html5

# html.unescape's own reading of the text (the regular expression of
# Python's html module): a reference is '&' and one of these.
REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
LINE_BREAKS = {0x0A, 0x0B, 0x0C, 0x0D}


def text_reference(m):
    """One reference as unboil decodes it in text (ENTITIES_TEXT)."""
    s = m.group(1)
    if s[0] == "#":
        num = int(s[2:].rstrip(";"), 16) if s[1] in "xX" else int(s[1:].rstrip(";"))
        # Exception 2: a line break cannot be in a line; it is a space.
        if num in LINE_BREAKS:
            return " "
        return html.unescape(m.group(0))
    if s in html5:
        return " " if html5[s] == "\n" else html5[s]
    for x in range(len(s) - 1, 1, -1):
        if s[:x] in html5:
            # Exception 1: a legacy name without ';' before '=' or an
            # ASCII letter or digit is left alone ("&copy=2").
            if s[x] == "=" or (s[x].isascii() and s[x].isalnum()):
                return m.group(0)
            return html5[s[:x]] + s[x:]
    return m.group(0)


def text_unescape(s):
    return REFERENCE.sub(text_reference, s)


CONTEXTS = [" y", "", "a", "Z", "7", "=1", "-x", ";", "\u00e9"]


def name_checks():
    """(what, inputs) for every name, its forms with and without ';'."""
    by_name = {}
    for k in html5:
        by_name.setdefault(k.rstrip(";"), []).append(k)
    for name in sorted(by_name):
        inputs = ["x&%s%s" % (k, c) for k in sorted(by_name[name]) for c in CONTEXTS]
        yield "&%s (%s)" % (name, ", ".join(sorted(by_name[name]))), inputs


def number_checks():
    """(what, inputs) for each kind of number, in each written form."""
    ranges = [
        ("0 to 0x3FF: NUL, C0, ASCII, C1 and 0x80-0x9F, Latin", range(0, 0x400)),
        ("around the surrogates", range(0xD7F0, 0xE010)),
        ("around the noncharacters U+FDD0-U+FDEF and U+FFFE", range(0xFDC0, 0x10010)),
        ("each plane's last two", [p * 0x10000 + k for p in range(17) for k in range(0xFFFC, 0x10002)]),
        ("around U+10FFFF", range(0x10FFF0, 0x110010)),
        ("far beyond U+10FFFF", [2**31 - 1, 2**32, 2**32 + 65, 2**64 + 65, 10**20, 10**40 + 10]),
    ]
    forms = [
        ("decimal with ';'", lambda v: "&#%d;" % v),
        ("decimal without ';'", lambda v: "&#%d" % v),
        ("decimal, leading zeros", lambda v: "&#000%d;" % v),
        ("hexadecimal x with ';'", lambda v: "&#x%x;" % v),
        ("hexadecimal X without ';'", lambda v: "&#X%X" % v),
        ("hexadecimal, leading zeros", lambda v: "&#x00%X" % v),
    ]
    for rname, values in ranges:
        for fname, form in forms:
            inputs = ["x%s%s" % (form(v), c) for v in values for c in (" y", "", "g", ";z")]
            yield "numbers %s, %s" % (rname, fname), inputs
    yield "what is no reference", [
        "&", "x&", "& y", "&&", "&;", "&#", "&#;", "&#x", "&#x;", "&#xg", "&#X", "&# 1",
        "&#-1;", "&#+1;", "&Amp;", "&aMp;", "&am", "&am;", "&#\u0661;", "&\u00e4uml;",
        "&x" + "y" * 40 + ";", "&amp" + "a" * 40, "&nbsp\r", "&lt\tx", "&gt\fx", "&quot<b>",
        "&amp&amp;", "&#65&#66;", "&amp;amp;", "&amp;reg=1", "&copy;=2",
    ]


def run(binary, mode, inputs):
    data = "".join(s + "\0" for s in inputs).encode("utf-8")
    r = subprocess.run([binary, "--decode", mode], input=data, stdout=subprocess.PIPE, check=True)
    got = r.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    if got[-1] != "" or len(got) - 1 != len(inputs):
        sys.exit("entities.py: %s --decode %s: %d records for %d" % (binary, mode, len(got) - 1, len(inputs)))
    return got[:-1]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: entities.py tests/unit/test_entities")
    checks = list(name_checks()) + list(number_checks())
    inputs = [s for _, group in checks for s in group]
    got = {"unescape": run(sys.argv[1], "unescape", inputs),
           "repair": run(sys.argv[1], "repair", inputs)}
    failed = excepted = 0
    at = 0
    for n, (what, group) in enumerate(checks, 1):
        bad = []
        for s in group:
            want = {"unescape": html.unescape(s), "repair": text_unescape(s)}
            excepted += want["repair"] != want["unescape"]
            for mode in ("unescape", "repair"):
                if got[mode][at] != want[mode]:
                    bad.append("%s %r: %r, want %r" % (mode, s, got[mode][at], want[mode]))
            at += 1
        print("%s %d - %s: %d inputs" % ("not ok" if bad else "ok", n, what, len(group)))
        for b in bad[:10]:
            print("# " + b)
        failed += bool(bad)
    print("# %d inputs, %d of them decoded otherwise than html.unescape by the documented exceptions"
          % (len(inputs), excepted))
    print("1..%d" % len(checks))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
