#!/usr/bin/env python3
"""Writes src/text/entity_table.c, the HTML5 named character references.

    python3 src/text/gen-entities.py > src/text/entity_table.c

The list is Python's html.entities.html5, which is the WHATWG list: every
name with its ';' and, for the 106 legacy names, without it too; each value
is one or two code points.  The output is committed, so that building
unboil needs no Python; make check writes it again and compares the two
byte for byte, so the table cannot drift from its source.
"""
import sys
from html.entities import html5


def main():
    # Sorted by the names' bytes, as entities.c's binary search compares
    # them (memcmp, then length); all names are ASCII.
    names = sorted(html5, key=lambda k: k.encode("ascii"))
    legacy = [k for k in names if not k.endswith(";")]
    out = sys.stdout
    out.write("/*\n * entity_table.c - the HTML5 named character references,"
              " sorted by name.\n"
              " * Written by src/text/gen-entities.py from Python's"
              " html.entities.html5\n"
              " * (the WHATWG list); do not edit, run the script again.\n"
              " */\n"
              '#include "text/entities.h"\n\n')
    out.write("const size_t entity_count = %d;\n" % len(names))
    out.write("const size_t entity_name_max = %d;\n"
              % max(len(k) for k in names))
    out.write("const size_t entity_legacy_max = %d;\n\n"
              % max(len(k) for k in legacy))
    out.write("const entity_ref entity_table[] = {\n")
    for k in names:
        cps = [ord(c) for c in html5[k]]
        if len(cps) not in (1, 2):
            sys.exit("gen-entities.py: %s: %d code points" % (k, len(cps)))
        out.write('\t{ "%s", %d, { 0x%X, 0x%X } },\n'
                  % (k, len(k), cps[0], cps[1] if len(cps) > 1 else 0))
    out.write("};\n")


if __name__ == "__main__":
    main()
