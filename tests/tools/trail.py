#!/usr/bin/env python3
"""Checks --rejects audit trails: the output and the trail give back the input.

Usage: trail.py MODE INPUT OUTPUT TRAIL REFERENCE [MODE INPUT ...]...

Each group of five is one run of `unboil --rejects TRAIL INPUT >OUTPUT`, and
one check.  MODE says how INPUT holds documents: `text` (one document),
`z` (-z: NUL-separated) or `jsonl:FIELD` (--jsonl --field=FIELD).
REFERENCE is `unboil --no-default-rules --no-heuristics --explain` on the
same INPUT with the same reading options: every line as the rules see it
(decoded, repaired, normalised), by document and line.

The check does what unboil(1) tells a script to do under --rejects: for
each document, take the trail's text for every line the trail lists and,
in turn, the output's lines that are not blank for the lines it does not
(an edit's result is that output line).  The lines so rebuilt must be the
document's lines, as many as INPUT has (counted here from its bytes) and
each as REFERENCE shows it; and the output must be the kept lines with
one blank line wherever the trail lists blank lines between two of them.
Every record must name its file, document, line and action, every removal
its rule, and the records must come in input order.

Prints TAP (a "1..N" plan, then "ok N - what" or "not ok N - what: why"
per group), as the unit tests do, so that tests/run.sh counts each group
as its own check; exits 1 if any failed.  One process checks them all.
"""
import json
import re
import sys

EOL = re.compile(rb"\r\n|\r|\n")


def count_lines(raw):
    """Lines in raw bytes as unboil splits them: CR LF, CR and LF end a
    line, and an unterminated last line counts."""
    return len(EOL.findall(raw)) + (raw[-1:] not in (b"", b"\n", b"\r"))


def pieces(raw, sep):
    """raw split at sep, where a final sep ends the last piece."""
    p = raw.split(sep)
    return p[:-1] if p and p[-1] == b"" else p


def field(obj, path):
    """The member at dotted path in obj, or None."""
    for k in path.split("."):
        if not isinstance(obj, dict) or k not in obj:
            return None
        obj = obj[k]
    return obj


def documents(mode, raw_in, raw_out):
    """{doc: (input lines, output text)} as the mode splits both."""
    if mode == "text":
        return {1: (count_lines(raw_in), raw_out)}
    if mode == "z":
        ins, outs = pieces(raw_in, b"\0"), pieces(raw_out, b"\0")
        if len(ins) != len(outs):
            raise ValueError("%d documents in, %d out" % (len(ins), len(outs)))
        return {i + 1: (count_lines(d), o) for i, (d, o) in enumerate(zip(ins, outs))}
    name = mode.split(":", 1)[1]
    recs = [(i + 1, l) for i, l in enumerate(pieces(raw_in, b"\n")) if l.strip()]
    outs = pieces(raw_out, b"\n")
    if len(recs) != len(outs):
        raise ValueError("%d records in, %d out" % (len(recs), len(outs)))
    docs = {}
    for (line, rec), out in zip(recs, outs):
        try:
            text = field(json.loads(rec), name)
        except ValueError:
            continue  # a bad record, passed through
        if isinstance(text, str):
            # The cleaned field ends in a newline only if it did before.
            cleaned = field(json.loads(out), name)
            if cleaned and not cleaned.endswith("\n"):
                cleaned += "\n"
            docs[line] = (count_lines(text.encode("utf-8", "surrogatepass")),
                          cleaned.encode("utf-8"))
    return docs


def reference(path):
    """{doc: {line: text}} from --explain; None for a line written through
    as too long, whose text --explain does not show."""
    ref = {}
    with open(path, encoding="utf-8") as f:
        for l in f.read().split("\n")[:-1]:
            where, verdict, _, text = l.split("\t", 3)
            doc, line = map(int, where.split(":"))
            ref.setdefault(doc, {})[line] = None if verdict == "long" else text
    return ref


def records(path, fname):
    """The trail's records by document, checked one by one."""
    by_doc, last = {}, (0, 0)
    with open(path, encoding="utf-8") as f:
        for l in f:
            r = json.loads(l)
            want = {"file", "doc", "line", "action", "rule", "text"}
            if r["action"] == "edit":
                want.add("result")
            if set(r) != want or r["file"] != fname or r["line"] < 1 or \
                    r["action"] not in ("drop", "cut", "edit", "blank"):
                raise ValueError("record %s" % l.strip())
            if (r["action"] == "blank") != (r["rule"] == "-") or \
                    (r["action"] == "blank" and r["text"] != ""):
                raise ValueError("record %s" % l.strip())
            if (r["doc"], r["line"]) <= last:
                raise ValueError("record out of order: %s" % l.strip())
            last = (r["doc"], r["line"])
            by_doc.setdefault(r["doc"], []).append(r)
    return by_doc


def rebuild(recs, out):
    """The document's lines from its trail records and output text, and
    the output that the kept lines and the blank records make."""
    written = [l for l in out.split("\n") if l != ""]
    lines, kept, blank_since, made = [], iter(written), False, []

    def keep(text):
        nonlocal blank_since
        if blank_since and made:
            made.append("")
        blank_since = False
        made.append(text)

    for r in recs:
        while len(lines) + 1 < r["line"]:
            lines.append(next(kept))
            keep(lines[-1])
        if r["action"] == "edit":
            result = next(kept)
            if result != r["result"]:
                raise ValueError("line %d: the output has %r, the edit %r" %
                                 (r["line"], result, r["result"]))
            keep(result)
        blank_since |= r["action"] == "blank"
        lines.append(r["text"])
    for l in kept:
        lines.append(l)
        keep(l)
    return lines, "".join(l + "\n" for l in made)


def problems(mode, src, cleaned, trail, explain):
    """What is wrong with one run, as sentences (none if nothing)."""
    with open(src, "rb") as f:
        raw_in = f.read()
    with open(cleaned, "rb") as f:
        raw_out = f.read()
    docs = documents(mode, raw_in, raw_out)
    recs, ref = records(trail, src), reference(explain)
    why = ["records of document %d, which is not one" % d for d in recs if d not in docs]
    for d, (n, out) in sorted(docs.items()):
        try:
            lines, made = rebuild(recs.get(d, []), out.decode("utf-8"))
        except StopIteration:
            why.append("doc %d: the trail skips lines the output does not have" % d)
            continue
        want = ref.get(d, {})
        if len(lines) != n or sorted(want) != list(range(1, n + 1)):
            why.append("doc %d: %d lines in, %d rebuilt, %d explained" %
                       (d, n, len(lines), len(want)))
            continue
        bad = [i + 1 for i, l in enumerate(lines) if want[i + 1] not in (None, l)]
        if bad:
            i = bad[0]
            why.append("doc %d: %d lines rebuilt wrong, first line %d: %r, not %r" %
                       (d, len(bad), i, lines[i - 1], want[i]))
        # Only an over-long line, which is not kept, is listed with no text.
        empty = [r for r in recs.get(d, []) if r["action"] != "blank" and
                 r["text"] == "" and want[r["line"]] is not None]
        if empty:
            why.append("doc %d: line %d is listed as %s with no text" %
                       (d, empty[0]["line"], empty[0]["action"]))
        if made != out.decode("utf-8"):
            why.append("doc %d: the output's blank lines are not where the trail's are" % d)
    return why


def main(args):
    if not args or len(args) % 5 != 0:
        sys.stderr.write("usage: trail.py MODE INPUT OUTPUT TRAIL REFERENCE...\n")
        return 2
    n = len(args) // 5
    failed = 0
    print("1..%d" % n)
    for i in range(n):
        mode, src, cleaned, trail, explain = args[5 * i:5 * i + 5]
        what = "output and --rejects give back %s (%s)" % ("/".join(src.split("/")[-2:]), mode)
        try:
            why = problems(mode, src, cleaned, trail, explain)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            why = ["%s: %s" % (type(e).__name__, e)]
        if why:
            failed += 1
            print("not ok %d - %s: %s" % (i + 1, what, "; ".join(why)))
        else:
            print("ok %d - %s" % (i + 1, what))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
