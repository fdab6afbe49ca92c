#!/usr/bin/env python3
"""Audit the bundled rules against the labelled corpus.

    python3 train/rule_audit.py [--json] [--unboil ./unboil] [--lang de,en]

Runs `unboil --no-heuristics --explain -z` once over every labelled page of
the corpus (train/corpus.py: ../shared/corpus/{dev,extra}), NUL-separated in
corpus order, and for every rule id that removed or edited a line counts:

  boiler, body         own lines the rule removed holding a boilerplate / body label
                       (for an edit: a `without` / `with` snippet that was in the
                       line before and is gone after the edit)
  boiler_sites, body_sites   distinct sites among those hits
  touched, sites       all lines the rule decided (drop/cut/edit), labelled or not,
                       and the distinct sites among them
  after_boiler, after_body   for cut rules: lines after the cut line (the rest of
                       the document) holding a boilerplate / body label
  after_boiler_sites, after_body_sites

Verdict per rule:
  body    removes any body-labelled line (own line, or after a cut)
  thin    fewer than 3 sites with boilerplate hits (for cut rules, own-line and
          after-cut boilerplate sites together)
  ok      boilerplate on >= 3 sites and no body line
  unused  fires on nothing
Strip and replace rules are counted from a run of each alone (--explain names
only the first edit of a line).  Keep rules are listed with the number of lines they protected and verdict `keep`.

Rules that exist (parsed from the files `unboil --list-rules` names; a rule's id is
FILE:LINE of its pattern line) but never fired are printed at the end.
"""
import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import corpus  # noqa: E402

ACTIONS = ("drop", "strip", "replace", "cut", "head", "keep")
RULE_LINE = re.compile(r"^(%s)(/[A-Za-z]*)?\s+\S" % "|".join(ACTIONS))
LINE_SPLIT = re.compile(rb"\r\n|\r|\n")
REMOVING = {"drop", "cut"}


def split_lines(data):
    "Lines as unboil counts them: LF, CR LF and a lone CR end a line."
    parts = LINE_SPLIT.split(data)
    if parts and parts[-1] == b"":
        parts.pop()
    return parts


def rule_files(unboil, extra_args):
    "The rule files in force, in order, from --list-rules."
    out = subprocess.run([unboil, "--list-rules"] + extra_args, capture_output=True,
                         check=True).stdout.decode()
    files = []
    for line in out.splitlines():
        f = line.split()
        # "COUNT PATH" per rule file; skip the total and any other entries
        # (a layout model, say) that are not rule files.
        if len(f) == 2 and f[0].isdigit() and f[1] != "total" and os.path.isfile(f[1]):
            files.append((f[1], int(f[0])))
    return files


def existing_rules(files):
    "Every rule id (basename:line) with its action and pattern, parsed from the files."
    rules = {}
    for path, count in files:
        base = os.path.basename(path)
        n = 0
        with open(path, encoding="utf-8-sig") as fh:
            for i, line in enumerate(fh, 1):
                s = line.strip()
                if not s or s.startswith("#") or s[:2] in ("+ ", "- ", "= "):
                    continue
                m = RULE_LINE.match(s)
                if m:
                    rules["%s:%d" % (base, i)] = {"action": m.group(1), "text": s}
                    n += 1
        if n != count:
            sys.stderr.write("warning: %s: parsed %d rules, --list-rules says %d\n"
                             % (path, n, count))
    return rules


def snippets_gone(snips, before, after):
    b, a = corpus.norm(before), corpus.norm(after)
    return any(s and s in b and s not in a for s in snips)


def run(unboil, extra_args, pages, blob=None):
    if blob is not None:
        return parse(unboil, extra_args, pages, blob)
    blob = b"\0".join(p.data() for p in pages)
    for p in pages:
        if b"\0" in p.data():
            sys.exit("page %s holds a NUL byte: -z would split it" % p.name)
    return parse(unboil, extra_args, pages, blob)


def parse(unboil, extra_args, pages, blob):
    cmd = [unboil, "--no-heuristics", "--explain", "-z"] + extra_args
    res = subprocess.run(cmd, input=blob, capture_output=True)
    if res.returncode not in (0, 1):
        sys.exit("unboil failed (%d): %s" % (res.returncode, res.stderr.decode()[-500:]))
    docs = {}
    for raw in res.stdout.split(b"\n"):
        if not raw:
            continue
        f = raw.decode("utf-8", "replace").split("\t", 3)
        if len(f) < 3:
            sys.exit("unexpected --explain line: %r" % raw[:200])
        d, ln = f[0].split(":")
        docs.setdefault(int(d), []).append((int(ln), f[1], f[2], f[3] if len(f) > 3 else ""))
    # Doc numbering must match page order: doc k (1-based) is page k-1, with
    # exactly as many lines as the page has.
    for k, p in enumerate(pages, 1):
        rows = docs.get(k, [])
        n = len(split_lines(p.data()))
        if len(rows) != n or any(r[0] != i for i, r in enumerate(rows, 1)):
            sys.exit("doc %d (%s): %d explain lines, page has %d lines: numbering mismatch"
                     % (k, p.name, len(rows), n))
        # And the text: most kept lines read as the page's line normalised
        # (entities and mojibake repairs aside).
        page_lines = split_lines(p.data())
        kept = [(r[3], page_lines[r[0] - 1]) for r in rows if r[1] == "keep"]
        same = sum(corpus.norm(b.decode("utf-8", "replace")) == t for t, b in kept)
        if kept and same < 0.5 * len(kept):
            sys.exit("doc %d (%s): kept lines do not match the page's text" % (k, p.name))
    if set(docs) - set(range(1, len(pages) + 1)):
        sys.exit("explain output names documents beyond the %d pages" % len(pages))
    return docs


def edit_rules_alone(unboil, pages, rules):
    """--explain names only the first rule that edited a line, so a strip or
    replace rule that runs after another edit (an HTML-tag strip, say) is never
    named.  Each edit rule is therefore also run alone (--no-default-rules, a
    one-rule file) and its counts are taken from that run."""
    import tempfile
    blob = b"\0".join(p.data() for p in pages)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rid, r in rules.items():
            if r["action"] not in ("strip", "replace"):
                continue
            path = os.path.join(tmp, "alone.rules")
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(r["text"] + "\n")
            docs = parse(unboil, ["--no-default-rules", "-r", path], pages, blob)
            st = audit(pages, docs).get("alone.rules:1")
            if st:
                out[rid] = st
    return out


def new_stat():
    return {"boiler": 0, "body": 0, "boiler_sites": set(), "body_sites": set(),
            "touched": 0, "sites": set(), "after_boiler": 0, "after_body": 0,
            "after_boiler_sites": set(), "after_body_sites": set(), "after": 0,
            "kept": 0, "lines": []}


def audit(pages, docs):
    stats = {}
    mismatched = 0
    for k, p in enumerate(pages, 1):
        lines = split_lines(p.data())
        rows = docs[k]
        # Runs of cut lines with one rule id: a run reaching the document's end
        # is a real cut (first line own, the rest "after"); a run that stops
        # early is lines the rule dropped on their own (cut before the body).
        n = len(rows)
        i = 0
        while i < n:
            ln, verdict, rid, text = rows[i]
            orig = lines[i].decode("utf-8", "replace")
            if verdict == "keep" and rid not in ("-", "") and not rid.startswith("body:"):
                stats.setdefault(rid, new_stat())["kept"] += 1
                i += 1
                continue
            if verdict not in ("drop", "cut", "edit") or rid.startswith("body:"):
                i += 1
                continue
            st = stats.setdefault(rid, new_stat())
            if verdict == "cut":
                j = i
                while j < n and rows[j][1] == "cut" and rows[j][2] == rid:
                    j += 1
                own = [i] if j == n else list(range(i, j))
                after = list(range(i + 1, j)) if j == n else []
            else:
                own, after, j = [i], [], i + 1
            for x in own:
                o = lines[x].decode("utf-8", "replace")
                t = rows[x][3]
                st["touched"] += 1
                st["sites"].add(p.site)
                if rows[x][1] == "edit":
                    if snippets_gone(p.without, o, t):
                        count(st, "", 0, p.site)
                    if snippets_gone(p.with_, o, t):
                        count(st, "", 1, p.site)
                    continue
                lab = p.label(o)
                if lab is None and corpus.norm(o) != t:
                    lab = p.label(t)  # entities / mojibake repaired by unboil
                    mismatched += lab is not None
                count(st, "", lab, p.site)
                st["lines"].append((p.name, p.site, rows[x][0], "own", lab, t))
            for x in after:
                o = lines[x].decode("utf-8", "replace")
                lab = p.label(o)
                if lab is None and corpus.norm(o) != rows[x][3]:
                    lab = p.label(rows[x][3])
                st["after"] += 1
                st["sites"].add(p.site)
                count(st, "after_", lab, p.site)
                st["lines"].append((p.name, p.site, rows[x][0], "after", lab, rows[x][3]))
            i = max(j, i + 1)
    return stats


def count(st, prefix, lab, site):
    "Counts a removed line labelled lab (0 boilerplate, 1 body, None) on site."
    if lab is not None:
        kind = prefix + ("boiler" if lab == 0 else "body")
        st[kind] += 1
        st[kind + "_sites"].add(site)


def verdict(action, st):
    if st is None or (st["touched"] == 0 and st["kept"] == 0):
        return "unused"
    if action == "keep":
        return "keep"
    if st["body"] or st["after_body"]:
        return "body"
    bsites = set(st["boiler_sites"])
    if action == "cut":
        bsites |= st["after_boiler_sites"]
    return "ok" if len(bsites) >= 3 else "thin"


def sort_key(rid):
    f, _, ln = rid.rpartition(":")
    order = {"neutral.rules": 0, "de.rules": 1, "en.rules": 2, "intl.rules": 3}
    return (order.get(f, 9), f, int(ln) if ln.isdigit() else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", action="store_true", help="print JSON")
    ap.add_argument("--unboil", default=os.path.join(ROOT, "unboil"))
    ap.add_argument("--lang", help="passed to unboil as --lang")
    ap.add_argument("-r", "--rules", action="append", default=[], help="extra rule file")
    ap.add_argument("--show", metavar="RULE", action="append", default=[],
                    help="print the lines RULE touched, with their labels (B body, X boilerplate)")
    args = ap.parse_args()
    extra = (["--lang", args.lang] if args.lang else []) + \
        sum((["-r", r] for r in args.rules), [])

    pages = corpus.load()
    files = rule_files(args.unboil, extra)
    rules = existing_rules(files)
    docs = run(args.unboil, extra, pages)
    stats = audit(pages, docs)
    stats.update(edit_rules_alone(args.unboil, pages, rules))

    if args.show:
        for rid in args.show:
            for name, site, ln, where, lab, text in (stats.get(rid) or new_stat())["lines"]:
                mark = {1: "B", 0: "X", None: "."}[lab]
                print("%s\t%s\t%s:%d\t%s\t%s\t%s" % (rid, mark, name[:12], ln, where, site, text[:160]))
        return
    ids = sorted(set(rules) | set(stats), key=sort_key)
    table = []
    for rid in ids:
        st = stats.get(rid)
        action = rules.get(rid, {}).get("action", "?")
        row = {"rule": rid, "action": action, "verdict": verdict(action, st)}
        s = st or new_stat()
        for key in ("touched", "boiler", "body", "after", "after_boiler", "after_body", "kept"):
            row[key] = s[key]
        for key in ("sites", "boiler_sites", "body_sites", "after_boiler_sites",
                    "after_body_sites"):
            row[key] = len(s[key])
        row["body_site_names"] = sorted(s["body_sites"] | s["after_body_sites"])
        row["boiler_site_names"] = sorted(s["boiler_sites"] | s["after_boiler_sites"])
        row["pattern"] = rules.get(rid, {}).get("text", "")
        table.append(row)
    never = [r["rule"] for r in table if r["verdict"] == "unused"]
    unknown = [rid for rid in stats if rid not in rules]
    counts = {}
    for r in table:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1

    if args.json:
        json.dump({"pages": len(pages), "sites": len({p.site for p in pages}),
                   "rule_files": [{"path": f, "rules": n} for f, n in files],
                   "rules": table, "never_fire": never, "unknown_ids": unknown,
                   "verdicts": counts}, sys.stdout, indent=1, ensure_ascii=False)
        print()
        return
    print("%d pages, %d sites; rule files: %s" % (
        len(pages), len({p.site for p in pages}),
        ", ".join("%s (%d)" % (os.path.basename(f), n) for f, n in files)))
    hdr = ("rule", "act", "touch", "sites", "boil", "bsite", "body", "dsite",
           "after", "a_boil", "a_bsit", "a_body", "a_dsit", "verdict")
    fmt = "%-18s %-7s %5s %5s %5s %5s %5s %5s %5s %6s %6s %6s %6s  %s"
    print(fmt % hdr)
    for r in table:
        print(fmt % (r["rule"], r["action"], r["touched"], r["sites"], r["boiler"],
                     r["boiler_sites"], r["body"], r["body_sites"], r["after"],
                     r["after_boiler"], r["after_boiler_sites"], r["after_body"],
                     r["after_body_sites"], r["verdict"]))
    print()
    print("verdicts: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("rules that never fire (%d): %s" % (len(never), " ".join(never) or "none"))
    if unknown:
        print("ids in --explain not found in the files: " + " ".join(unknown))


if __name__ == "__main__":
    main()
