#!/usr/bin/env bash
# run.sh - the offline test suite (tests/README).  With no argument, all of
# it: unit tests, golden seeds (with their variants and at tiny read sizes),
# command-line cases, error paths, memory bounds, rule examples, man pages
# and installation.  Or only some command-line cases:
#
#	tests/run.sh CASE...		these cases of tests/cases, after
#					make unboil (unless $UNBOIL is set)
#	tests/run.sh --regen CASE...	the same, after rewriting their expected
#					stdout, stderr and status from what they
#					do now and printing what changed
#	tests/run.sh --regen-all	the same for every case
#
# CASE is a folder of tests/cases, by name or path.  Ends with the line
# "N passed, N failed" and exits 1 if anything failed, or 2 on a usage
# error (an unknown option or case, --regen without a case) before running
# anything.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
# Named cases build ./unboil first, unless told which binary to test.
[ -n "${UNBOIL:-}" ] && build=no || build=yes
UNBOIL=${UNBOIL:-$top/unboil}
# Rules come from a search path: keep this machine's own out of the tests.
unset UNBOIL_RULES_PATH
export XDG_CONFIG_HOME=/nonexistent/unboil-tests

usage() { echo "usage: tests/run.sh [CASE... | --regen CASE... | --regen-all]"; }
die() { echo "tests/run.sh: $*" >&2; usage >&2; exit 2; }
regen=no
case ${1:-} in
-h | --help)
	usage
	exit 0 ;;
--regen)
	shift
	regen=yes
	[ $# -gt 0 ] || die "--regen needs a case (--regen-all rewrites every case)" ;;
--regen-all)
	shift
	regen=yes
	[ $# -eq 0 ] || die "--regen-all takes no case"
	set -- tests/cases/*/ ;;
esac
cases=()
for arg; do
	case $arg in -*) die "unknown option '$arg'" ;; esac
	name=$(basename -- "$arg")
	[ -f "tests/cases/$name/cmd" ] || die "no case '$arg' in tests/cases"
	cases+=("$name")
done

# The suite's own tests run it again with another output folder.
out=${UNBOIL_TESTS_OUT:-$top/tests/out}
rm -rf "$out" && mkdir -p "$out"
pass=0 fail=0 skip=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# expect NAME COMMAND...: passes when the command succeeds.
expect() { local name=$1; shift; if "$@"; then ok; else bad "$name"; fi; }
# tap NAME LOG STATUS [WANT]: counts each "ok" line of a TAP log as a pass
# and each "not ok" line as a failure.  A run that failed without a "not ok"
# line, ran no check at all, or (given WANT) ran another number of checks
# fails once more as a whole: a crash must not pass for fewer checks.
tap() {
	local name=$1 log=$2 rc=$3 want=${4:-} n_ok n_bad
	n_ok=$(grep -c '^ok ' "$log")
	n_bad=$(grep -c '^not ok ' "$log")
	pass=$((pass + n_ok))
	fail=$((fail + n_bad))
	grep '^not ok ' "$log" | sed "s|^|FAIL: $name: |"
	if [ "$n_bad" -eq 0 ] && { [ "$rc" -ne 0 ] || [ "$n_ok" -eq 0 ]; }; then
		bad "$name exited $rc with $n_ok checks"
	elif [ -n "$want" ] && [ $((n_ok + n_bad)) -ne "$want" ]; then
		bad "$name ran $((n_ok + n_bad)) of $want checks"
	fi
}

# ---- command-line cases, by name -------------------------------------------
# tests/cases/NAME/cmd is run by bash in that folder with $UNBOIL set, stdin
# from the file stdin (or nothing); stdout, stderr and status are compared
# with the files of those names (a missing stderr means none, a missing
# status means 0).  Each case runs again with a 5-byte read size.

# case_run NAME EXTRA: runs the case with EXTRA after $UNBOIL, into
# $out/case.stdout and $out/case.stderr; returns its status.
case_run() {
	local dir=tests/cases/$1 in=/dev/null
	[ -f "$dir/stdin" ] && in=$top/$dir/stdin
	(cd "$dir" && UNBOIL="$UNBOIL $2" bash ./cmd <"$in" >"$out/case.stdout" 2>"$out/case.stderr")
}

# check_case NAME: the case's checks, at both read sizes.
check_case() {
	local name=$1 dir=tests/cases/$1 extra rc want_rc label
	for extra in "" "--buffer-size=5"; do
		case_run "$name" "$extra"
		rc=$?
		want_rc=0; [ -f "$dir/status" ] && want_rc=$(cat "$dir/status")
		label="case $name${extra:+ $extra}"
		expect "$label: status $rc, want $want_rc" test "$rc" = "$want_rc"
		expect "$label: stdout" cmp -s "$out/case.stdout" "$dir/stdout"
		if [ -f "$dir/stderr" ]; then
			expect "$label: stderr" cmp -s "$out/case.stderr" "$dir/stderr"
		else
			expect "$label: no stderr" test ! -s "$out/case.stderr"
		fi
	done
}

# regen_case NAME: rewrites the case's stdout, stderr and status from what
# it does now at the default read size (an empty stderr and a status of 0
# as no file), and prints what changed.  Never part of the whole suite.
regen_case() {
	local name=$1 dir=tests/cases/$1 rc f old new n changed=no
	case_run "$name" ""
	rc=$?
	if [ $rc -eq 0 ]; then : >"$out/case.status"; else echo $rc >"$out/case.status"; fi
	for f in stdout stderr status; do
		old=$dir/$f new=$out/case.$f
		# Every case has a stdout file, if only an empty one.
		if [ $f = stdout ] && [ ! -f "$old" ]; then
			cp "$new" "$old"
			echo "regen $name: stdout: created"
			changed=yes
			continue
		fi
		[ -f "$old" ] || old=/dev/null
		[ -s "$new" ] || [ $f = stdout ] || new=/dev/null
		cmp -s "$old" "$new" && continue
		changed=yes
		if [ $f = status ]; then
			echo "regen $name: status $(cat "$dir/status" 2>/dev/null || echo 0) -> $rc"
		else
			diff -a "$old" "$new" >"$out/regen.diff"
			echo "regen $name: $f: +$(grep -c '^>' "$out/regen.diff")" \
				"-$(grep -c '^<' "$out/regen.diff") lines"
			diff -u --label "$dir/$f" --label "$dir/$f (new)" "$old" "$new" >"$out/regen.diff"
			head -n 40 "$out/regen.diff"
			n=$(wc -l <"$out/regen.diff")
			[ "$n" -le 40 ] || echo "[$((n - 40)) more lines of diff]"
		fi
		if [ "$new" = /dev/null ]; then rm -f "$dir/$f"; else cp "$new" "$dir/$f"; fi
	done
	[ $changed = yes ] || echo "regen $name: unchanged"
}

summary() {
	if [ "$skip" -gt 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ]
}

if [ ${#cases[@]} -gt 0 ]; then
	if [ $build = yes ] && ! make -s --no-print-directory unboil; then
		echo "tests/run.sh: make unboil failed" >&2
		exit 2
	fi
	if [ $regen = yes ]; then
		for name in "${cases[@]}"; do regen_case "$name"; done
	fi
	for name in "${cases[@]}"; do check_case "$name"; done
	summary
	exit
fi

# ---- unit tests ------------------------------------------------------------
for t in tests/unit/test_*; do
	case $t in *.c|*.h) continue ;; esac
	[ -x "$t" ] || continue
	"$t" >"$out/unit.log" 2>&1
	tap "$t" "$out/unit.log" $?
done

# ---- HTML character references ---------------------------------------------
# The committed table is what src/text/gen-entities.py writes from Python's
# html.entities.html5 (the WHATWG list), byte for byte: it cannot drift.
python3 src/text/gen-entities.py >"$out/entity_table.c" 2>"$out/entity_table.err"
expect "src/text/entity_table.c is what gen-entities.py writes" \
	cmp -s src/text/entity_table.c "$out/entity_table.c"
# Every name of the table and numbers of every kind decode as html.unescape
# decodes them, but for the exceptions entities.h and unboil(1) document:
# one check per name and per kind of number, through unboil's own code.
python3 tests/tools/entities.py tests/unit/test_entities >"$out/entities.log" 2>&1
tap tests/tools/entities.py "$out/entities.log" $? \
	"$(python3 -c 'import html.entities as e; print(len({k.rstrip(";") for k in e.html5}) + 37)')"

# ---- fuzz corpus replay ------------------------------------------------------
# Every saved fuzz input, including each crash once found, runs again under
# the ordinary build (and under the sanitizers in make asan / ubsan).
for target in clean rules decode; do
	set -- fuzz/corpus/$target/*
	fuzz/bin/replay_$target "$@" >"$out/replay.log" 2>&1
	rc=$?
	n_ok=$(grep -c '^ok ' "$out/replay.log")
	expect "fuzz replay $target: $n_ok of $# inputs, status $rc" test $rc -eq 0 -a "$n_ok" -eq $#
done

# ---- golden seeds ------------------------------------------------------------
# Every seed and its four variants clean to the seed's expected output, read
# at once and a few bytes at a time (to drive the line-boundary code).
for f in fixtures/seeds/*.txt; do
	case $f in *.expected.txt) continue ;; esac
	base=$(basename "$f" .txt)
	want=fixtures/seeds/$base.expected.txt
	for input in "$f" fixtures/variants/"$base".*.txt; do
		for bs in 128K 1 3 7; do
			"$UNBOIL" --buffer-size=$bs "$input" >"$out/golden.out" 2>"$out/golden.err"
			rc=$?
			expect "golden $(basename "$input") bs=$bs" \
				test $rc -eq 0 -a ! -s "$out/golden.err"
			expect "golden $(basename "$input") bs=$bs output" cmp -s "$out/golden.out" "$want"
		done
	done
	for v in crlf nfd bom nbsp; do
		expect "variant $base.$v differs from the seed" \
			test -n "$(cmp "$f" "fixtures/variants/$base.$v.txt" 2>&1)"
	done
done
# The bundled seeds are copies of ../shared/seeds when that is beside us.
if [ -d ../shared/seeds ]; then
	for f in ../shared/seeds/*.txt; do
		expect "fixture $(basename "$f") matches ../shared" cmp -s "$f" "fixtures/seeds/$(basename "$f")"
	done
fi

# ---- command-line cases ------------------------------------------------------
# Every case (check_case, above), then the suite's own options.
for dir in tests/cases/*/; do
	check_case "$(basename "$dir")"
done
# A usage error (tests/README) stops the suite before it writes anything.
for arg in --regen no-such-case --frob; do
	UNBOIL_TESTS_OUT=$out/self tests/run.sh "$arg" >"$out/self.log" 2>&1
	expect "tests/run.sh $arg: status 2" test $? -eq 2
	grep -q -e "^tests/run.sh: .*$arg" "$out/self.log" && [ ! -e "$out/self" ]
	expect "tests/run.sh $arg: says why and writes nothing" test $? -eq 0
done
# Named cases run alone, pass and fail as in the whole suite, and end with
# the same summary line: two cases, three checks at each of two read sizes.
UNBOIL_TESTS_OUT=$out/self UNBOIL=$UNBOIL tests/run.sh version tests/cases/explain/ >"$out/self.log" 2>&1
expect "tests/run.sh version explain: passes" test $? -eq 0 -a "$(tail -n 1 "$out/self.log")" = "12 passed, 0 failed"
UNBOIL_TESTS_OUT=$out/self UNBOIL=false tests/run.sh version >"$out/self.log" 2>&1
expect "tests/run.sh version, with false for unboil: fails" test $? -eq 1 -a \
	"$(grep -c '^FAIL: case version' "$out/self.log")/$(tail -n 1 "$out/self.log")" = "4/2 passed, 4 failed"
rm -rf "$out/self" "$out/self.log"

# ---- threads ----------------------------------------------------------------------
# -j N writes byte for byte what -j 1 writes: NUL-separated documents (one of
# them over the 1 MiB slot size, so that it streams; several big enough
# that the bytes in flight, not the slots, are the bound; enough small ones
# to go round the slots many times), several files, and --explain.
{
	for k in 1 2 3 4 5 6; do
		for f in fixtures/seeds/*[0-9a-f].txt fixtures/variants/*.txt; do cat "$f"; printf '\0'; done
	done
	yes 'Ein langer Absatz, der sich wiederholt, bis das Dokument groß ist.' | head -c 1500000
	printf '\0\0'
	for k in 1 2 3 4; do
		yes "Absatz $k, der sich wiederholt, bis das Dokument fast ein MiB hat." | head -c 700000
		printf '\0'
	done
	for f in fixtures/seeds/*[0-9a-f].txt; do cat "$f"; printf '\0'; done
} >"$out/multi.z"
"$UNBOIL" -z -j 1 "$out/multi.z" >"$out/j1.out"
for j in 2 3 8; do
	"$UNBOIL" -z -j $j "$out/multi.z" >"$out/jn.out"
	expect "-z -j $j is -j 1, byte for byte" cmp -s "$out/jn.out" "$out/j1.out"
	"$UNBOIL" -z -j $j --explain "$out/multi.z" | cmp -s - <("$UNBOIL" -z -j 1 --explain "$out/multi.z")
	expect "-z -j $j --explain is -j 1's" test $? -eq 0
	"$UNBOIL" -j $j fixtures/seeds/*.txt fixtures/variants/*.txt >"$out/jn.out"
	"$UNBOIL" -j 1 fixtures/seeds/*.txt fixtures/variants/*.txt >"$out/j1f.out"
	expect "files -j $j is -j 1, byte for byte" cmp -s "$out/jn.out" "$out/j1f.out"
done
# A document is cleaned from the chunk it was read into unless it crosses
# into the next: chunks of 4 KiB (most cross), 1 MiB (four chunks for the
# slots: the reader waits for chunks to be written), 2 MiB (more than a
# slot holds: every document copied); UTF-16 input is copied as decoded.
for bs in 4096 1M 2M; do
	"$UNBOIL" -z -j 3 --buffer-size=$bs "$out/multi.z" >"$out/jn.out"
	expect "-z -j 3 --buffer-size=$bs is -j 1, byte for byte" cmp -s "$out/jn.out" "$out/j1.out"
done
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$out/multi.z"; } >"$out/multi16.z"
"$UNBOIL" -z -j 2 "$out/multi16.z" >"$out/jn.out"
expect "-z -j 2 on UTF-16 is -j 1 on UTF-8, byte for byte" cmp -s "$out/jn.out" "$out/j1.out"
rm -f "$out/multi.z" "$out/multi16.z" "$out/j1.out" "$out/jn.out" "$out/j1f.out"

# JSON Lines the same way: every seed as a record, a bad record, and one
# record over the slot size, which is read and cleaned on the main thread.
python3 - fixtures/seeds/*[0-9a-f].txt fixtures/variants/*.txt >"$out/multi.jsonl" <<'PY'
import json, sys
for i, f in enumerate(sys.argv[1:]):
    print(json.dumps({"id": i, "text": open(f, encoding="utf-8", errors="replace").read(), "n": 0.1}, ensure_ascii=False))
    if i == 3:
        print("{broken")
        print(json.dumps({"id": "big", "text": "Ein langer Absatz, der sich wiederholt. " * 40000}))
PY
"$UNBOIL" --jsonl -j 1 "$out/multi.jsonl" >"$out/j1.out" 2>"$out/j1.err"
expect "--jsonl: one line out per record" test "$(wc -l <"$out/j1.out")" = "$(wc -l <"$out/multi.jsonl")"
expect "--jsonl: the bad record named by its line" grep -q ':5: not valid JSON' "$out/j1.err"
for j in 2 3; do
	"$UNBOIL" --jsonl -j $j "$out/multi.jsonl" >"$out/jn.out" 2>/dev/null
	expect "--jsonl -j $j is -j 1, byte for byte" cmp -s "$out/jn.out" "$out/j1.out"
done
grep -v '^{broken$' "$out/j1.out" >"$out/jn.out"
python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$out/jn.out" 2>/dev/null
expect "--jsonl output is valid JSON Lines (the bad record aside)" test $? -eq 0
rm -f "$out/multi.jsonl" "$out/j1.out" "$out/j1.err" "$out/jn.out"
# A good record waiting to be written while many bad ones pass (a bad one
# is written at once, from the record itself) keeps its slot until then.
{ for k in 1 2 3; do echo '{"text":"Ein Satz."}'; for i in $(seq 40); do echo x; done; done; } >"$out/bad.jsonl"
for b in pass skip; do
	"$UNBOIL" --jsonl -j 1 --bad-records=$b "$out/bad.jsonl" >"$out/j1.out" 2>/dev/null
	"$UNBOIL" --jsonl -j 2 --bad-records=$b "$out/bad.jsonl" >"$out/jn.out" 2>/dev/null
	expect "--jsonl -j 2 --bad-records=$b among many bad records is -j 1" cmp -s "$out/jn.out" "$out/j1.out"
done
rm -f "$out/bad.jsonl" "$out/j1.out" "$out/jn.out"

# ---- audit trail ------------------------------------------------------------------
# --rejects: nothing goes without a trace.  The output and the trail give
# back every line of the input, in order, as unboil(1) says a script can:
# tests/tools/trail.py rebuilds each document from them and compares it
# with the input's lines as the rules see them, which the same run with no
# rules and --explain shows.  -j 2 writes the same trail.
# trail_case MODE INPUT 'OPTIONS OF BOTH RUNS' [OPTIONS OF THE TRAIL'S RUN...]
# adds one such check; MODE is text, z or jsonl:FIELD (trail.py).  All are
# then checked by one trail.py, which counts each as a check.
trail_args=()
trail_case() {
	local mode=$1 in=$2 both=$3 r=$out/rej.$((${#trail_args[@]} / 5))
	local -a how=()
	shift 3
	case $mode in
	z) how=(-z) ;;
	jsonl:*) how=(--jsonl "--field=${mode#jsonl:}") ;;
	esac
	# shellcheck disable=SC2086 # $both is words of options
	"$UNBOIL" "${how[@]}" $both "$@" --rejects "$r.jsonl" "$in" >"$r.out" 2>/dev/null
	# shellcheck disable=SC2086
	"$UNBOIL" "${how[@]}" $both --no-default-rules --no-heuristics --explain "$in" \
		>"$r.ref" 2>/dev/null
	trail_args+=("$mode" "$in" "$r.out" "$r.jsonl" "$r.ref")
}
for f in fixtures/seeds/*.txt fixtures/variants/*.txt; do
	trail_case text "$f" ""
done
{ for f in fixtures/seeds/*[0-9a-f].txt fixtures/variants/*.txt; do cat "$f"; printf '\0'; done; } >"$out/rej.z"
trail_case z "$out/rej.z" "-j 2"
trail_case z tests/cases/null-data/stdin ""
trail_case text fixtures/seeds/000_cb5db6ed0b548bc1.txt "--max-line-length=64"
trail_case text fixtures/seeds/004_8ff143d362b719fb.txt "--no-normalize" --no-heuristics
c=tests/cases
trail_case jsonl:text $c/jsonl/stdin "-j 1"
trail_case jsonl:text $c/jsonl-escapes/stdin ""
trail_case jsonl:meta.body $c/jsonl-field/stdin ""
trail_case text $c/invalid-utf8/stdin ""
trail_case text $c/no-final-newline/stdin ""
trail_case text $c/blank-only/stdin ""
trail_case text $c/long-line/stdin "--max-line-length=32"
trail_case text $c/repairs/stdin "" --no-heuristics
trail_case text $c/quotes-keep/stdin "--quotes=keep"
trail_case text $c/no-nfc/stdin "--no-nfc"
trail_case text $c/lang-de/stdin "" --lang de
trail_case text $c/user-rules/stdin "" -r $c/user-rules/mine.rules
trail_case text $c/explain/stdin "" --no-default-rules -r $c/explain/demo.rules
trail_case text $c/rejects-after-cut/stdin "" --no-default-rules --no-heuristics \
	-r $c/rejects-after-cut/cut.rules
trail_case text $c/rejects-edited/stdin "" --no-default-rules -r $c/rejects-edited/edit.rules
python3 tests/tools/trail.py "${trail_args[@]}" >"$out/trail.log" 2>&1
tap tests/tools/trail.py "$out/trail.log" $? $((${#trail_args[@]} / 5))
"$UNBOIL" -z -j 1 --rejects "$out/rej1.jsonl" "$out/rej.z" >/dev/null
"$UNBOIL" -z -j 2 --rejects "$out/rej2.jsonl" "$out/rej.z" >/dev/null
expect "--rejects with -j 2 is -j 1's trail" cmp -s "$out/rej1.jsonl" "$out/rej2.jsonl"
expect "--rejects trail is not empty" test -s "$out/rej1.jsonl"
"$UNBOIL" --rejects /dev/full fixtures/seeds/000_cb5db6ed0b548bc1.txt >/dev/null 2>"$out/rej.err"
expect "--rejects to a full disk: status 2" test $? -eq 2
expect "--rejects to a full disk: says so" grep -q '/dev/full: write error' "$out/rej.err"
"$UNBOIL" --rejects /nonexistent/dir/r.jsonl fixtures/seeds/000_cb5db6ed0b548bc1.txt >/dev/null 2>"$out/rej.err"
expect "--rejects to an impossible path: status 2" test $? -eq 2
rm -f "$out"/rej*

# ---- the README's examples ----------------------------------------------------------
# Each example is pasted from the README (and must be in the man page too,
# as rendered) and run here on the fixtures.
ex_jsonl="unboil --jsonl --field=text --rejects=removed.jsonl corpus.jsonl > clean.jsonl"
ex_why="grep '\"line\":3,' removed.jsonl"
ex_tok="unboil --lang de page.txt | tr -s '[:space:]' '\n' | sort | uniq -c | sort -rn | head"
ex_cron="15 3 * * * find /data/in -name '*.txt' -newer /data/stamp -exec unboil -i.orig --stats {} + 2>> /var/log/unboil.log; touch /data/stamp"
man_text=$(mandoc -Tutf8 man/unboil.1 2>/dev/null | col -b | tr -s ' \t\n' '   ')
for ex in "$ex_jsonl" "$ex_why" "$ex_tok" "$ex_cron"; do
	expect "README shows: $ex" grep -qF -- "$ex" README.md
	case "$man_text" in *"$ex"*) ok=0 ;; *) ok=1 ;; esac
	expect "man page shows: $ex" test $ok -eq 0
done
# Each "$ unboil --explain" transcript in the README prints what it shows,
# and the man page shows the same, so neither goes stale when the model is
# retrained.
awk '/^    \$ unboil --explain/ { n++; f = sprintf("%s/transcript.%d", out, n);
	sub(/^    \$ /, ""); print > (f ".cmd"); printf "" > (f ".want"); next }
	f != "" && /^    [0-9]/ { sub(/^    /, ""); print >> (f ".want"); next } { f = "" }' \
	out="$out" README.md
for t in "$out"/transcript.*.cmd; do
	(PATH="$(cd "$(dirname "$UNBOIL")" && pwd):$PATH" bash "$t") >"${t%.cmd}.got" 2>&1
	expect "README transcript $(cat "$t") prints what it shows" cmp -s "${t%.cmd}.got" "${t%.cmd}.want"
	case "$man_text" in *"$(tr -s ' \t\n' '   ' <"${t%.cmd}.want" | sed 's/ $//')"*) ok=0 ;; *) ok=1 ;; esac
	expect "man page shows the transcript of $(cat "$t")" test $ok -eq 0
done
ex=$out/examples
rm -rf "$ex"; mkdir -p "$ex/data/in" "$ex/var/log"
python3 - fixtures/seeds/*[0-9a-f].txt >"$ex/corpus.jsonl" <<'PY'
import json, sys
for i, f in enumerate(sys.argv[1:]):
    print(json.dumps({"id": i, "text": open(f, encoding="utf-8").read()}, ensure_ascii=False))
PY
cp fixtures/seeds/001_c8e8686caa4ead35.txt "$ex/page.txt"
exdir=$(cd "$(dirname "$UNBOIL")" && pwd)
(cd "$ex" && PATH="$exdir:$PATH" bash -c "$ex_jsonl")
expect "example: JSON Lines corpus cleaned" test $? -eq 0 -a "$(wc -l <"$ex/clean.jsonl")" = "$(wc -l <"$ex/corpus.jsonl")" -a -s "$ex/removed.jsonl"
(cd "$ex" && bash -c "$ex_why") >"$ex/why.out"
expect "example: why a line was removed" grep -q '"rule":' "$ex/why.out"
(cd "$ex" && PATH="$exdir:$PATH" bash -c "$ex_tok") >"$ex/tok.out"
expect "example: tokenizer pipe counts words" test "$(wc -l <"$ex/tok.out")" = 10
touch -d '2 hours ago' "$ex/data/stamp"
cp fixtures/seeds/000_cb5db6ed0b548bc1.txt "$ex/data/in/new.txt"
cmd=${ex_cron#15 3 \* \* \* }
cmd=${cmd//\/data/$ex/data}; cmd=${cmd//\/var\/log/$ex/var/log}
(cd "$ex" && PATH="$exdir:$PATH" bash -c "$cmd")
expect "example: cron cleans new files in place" cmp -s "$ex/data/in/new.txt" fixtures/seeds/000_cb5db6ed0b548bc1.expected.txt
expect "example: cron keeps the original" cmp -s "$ex/data/in/new.txt.orig" fixtures/seeds/000_cb5db6ed0b548bc1.txt
expect "example: cron logs the statistics" grep -q 'documents' "$ex/var/log/unboil.log"
rm -rf "$ex"

# ---- scale-out with GNU parallel ---------------------------------------------------
# The README's recipe: NUL-ended documents cut into blocks at document ends,
# cleaned by several processes (here locally, and through parallel's
# --sshlogin machinery with the local login ':'), output kept in order:
# byte for byte what one process writes.
if command -v parallel >/dev/null; then
	{ for f in fixtures/seeds/*[0-9a-f].txt fixtures/variants/*.txt; do cat "$f"; printf '\0'; done; } >"$out/par.z"
	"$UNBOIL" -z -j 1 <"$out/par.z" >"$out/par.one"
	parallel --will-cite --pipe --recend '\0' --keep-order --block 8k -j 3 \
		"$UNBOIL" -z -j 1 <"$out/par.z" >"$out/par.many"
	expect "GNU parallel, 3 processes: the same bytes as one" cmp -s "$out/par.many" "$out/par.one"
	parallel --will-cite --pipe --recend '\0' --keep-order --block 8k -S 2/: \
		"$UNBOIL" -z -j 1 <"$out/par.z" >"$out/par.many"
	expect "GNU parallel --sshlogin 2/: the same bytes as one" cmp -s "$out/par.many" "$out/par.one"
	rm -f "$out/par.z" "$out/par.one" "$out/par.many"
else
	bad "GNU parallel is missing (make deps installs it)"
fi

# ---- error paths ---------------------------------------------------------------
seed=fixtures/seeds/001_c8e8686caa4ead35.txt
"$UNBOIL" "$seed" >/dev/full 2>"$out/full.err"
expect "full disk: status 2" test $? -eq 2
expect "full disk: message" grep -q '^unboil: write error: No space left on device$' "$out/full.err"
# With -j, documents are written straight from their slots, several at once.
for f in fixtures/seeds/*[0-9a-f].txt; do cat "$f"; printf '\0'; done >"$out/seeds.z"
"$UNBOIL" -z -j 2 "$out/seeds.z" >/dev/full 2>"$out/full.err"
expect "full disk, -j 2: status 2" test $? -eq 2
expect "full disk, -j 2: message" grep -q '^unboil: write error: No space left on device$' "$out/full.err"

"$UNBOIL" "$seed" >&- 2>"$out/closed.err"
expect "closed stdout: status 2" test $? -eq 2
expect "closed stdout: message" grep -q '^unboil: write error: Bad file descriptor$' "$out/closed.err"

# A closed pipe ends the run quietly and at once (SIGPIPE, as cat and grep).
# The lines differ, so that the layer keeps them and output keeps coming
# (the same line over and over is mostly dropped as repeated).
seq 1000000 | sed 's/.*/Ein Satz, der sich nicht wiederholt, mit der Nummer &./' >"$out/numbered.txt"
start=$SECONDS
"$UNBOIL" "$out/numbered.txt" 2>"$out/pipe.err" | head -1 >"$out/pipe.out"
expect "closed pipe: first line" grep -qx 'Ein Satz, der sich nicht wiederholt, mit der Nummer 1.' "$out/pipe.out"
expect "closed pipe: no message" test ! -s "$out/pipe.err"
expect "closed pipe: ends at once" test $((SECONDS - start)) -lt 5

# A document of prose far longer than any page the model learnt from keeps
# its lines: counts of lines before a line stop growing at COUNT_CAP (the
# model once let p fall below 0.5 by line 240 of such a text).  The last
# lines, with nothing after them, are left out of the comparison.
head -5000 "$out/numbered.txt" >"$out/long.txt"
"$UNBOIL" "$out/long.txt" 2>/dev/null | head -4990 >"$out/long.out"
head -4990 "$out/long.txt" >"$out/long.want"
expect "long prose: the first 4990 of 5000 lines kept" cmp -s "$out/long.out" "$out/long.want"
rm -f "$out/numbered.txt"

# 50 MB of one line over and over, for the memory checks and the in-place
# kill below.
yes 'Ein Satz, der sich immer wiederholt.' | head -c 50000000 >"$out/big.txt"

# Output streams: a line comes out while the input is still open, once the
# structural layer has seen the lines after it that it looks ahead to.
fifo=$out/fifo; mkfifo "$fifo"
"$UNBOIL" <"$fifo" >"$out/stream.out" 2>&1 &
upid=$!
exec 7>"$fifo"
for i in $(seq 100); do
	printf 'Der erste Satz kommt sofort, denn er ist lang genug für den Text %d.\n' "$i"
done >&7
for _ in $(seq 50); do [ -s "$out/stream.out" ] && break; sleep 0.1; done
expect "streams: output before end of input" grep -q 'Der erste Satz kommt sofort' "$out/stream.out"
exec 7>&-
wait $upid

# ---- memory bounds -------------------------------------------------------------
# Memory follows the longest line, not the input: 50 MB of short lines, and a
# single 64 MiB line, which goes through past the 1 MiB cap; with -j 2, 40
# documents just under the 1 MiB slot size, bounded by the bytes in flight.
# Sanitizer builds (make asan, make ubsan, make tsan) have their own memory
# profile: there these checks are reported as skipped, never as passed.
if [ -n "${UNBOIL_SANITIZED:-}" ]; then
	skip=$((skip + 15))
	echo "SKIP: memory bounds under $UNBOIL_SANITIZED (15 checks)"
else
# The man page's bound at -j 2 and -j 4 on the documents of FILE (-z).
bounded_j() {
	local j kb
	for j in 2 4; do
		tests/tools/peakrss "$UNBOIL" -z -j $j "$1" >/dev/null 2>"$out/rss.err"
		kb=$(sed -n 's/^peakrss: //p' "$out/rss.err")
		expect "-j $j on $2: ${kb:-?} KiB < 16 MiB" test "${kb:-999999}" -lt 16384
	done
}
for k in $(seq 40); do
	yes "Dokument $k, ein Absatz, der sich wiederholt, bis es fast ein MiB ist." | head -c 900000
	printf '\0'
done >"$out/bigdocs.z"
tests/tools/peakrss "$UNBOIL" -z -j 2 "$out/bigdocs.z" >/dev/null 2>"$out/rss.err"
kb=$(sed -n 's/^peakrss: //p' "$out/rss.err")
expect "-j 2 on 40 documents of 900 kB: ${kb:-?} KiB < 16 MiB" test "${kb:-999999}" -lt 16384
rm -f "$out/bigdocs.z"
# Documents that come out empty (every line an ad marker) wait, many at a
# time, to be written together: what they wait with is their output, not
# their 900 kB of input.
for k in $(seq 40); do
	yes 'Anzeige' | head -c 900000
	printf '\0'
done >"$out/addocs.z"
bounded_j "$out/addocs.z" "40 documents of 900 kB that come out empty"
rm -f "$out/addocs.z"
# Real text in documents just under the 1 MiB slot size, the worst case the
# man page's bound is stated for: the seeds and their variants over again.
for k in $(seq 24); do
	for f in fixtures/seeds/*[0-9a-f].txt fixtures/variants/*.txt; do cat "$f"; done |
		head -c 1048000
	printf '\0'
done >"$out/realdocs.z"
bounded_j "$out/realdocs.z" "24 documents of real text of 1 MiB"
rm -f "$out/realdocs.z"
tests/tools/peakrss "$UNBOIL" "$out/big.txt" >/dev/null 2>"$out/rss.err"
kb=$(sed -n 's/^peakrss: //p' "$out/rss.err")
expect "memory on 50 MB of lines: ${kb:-?} KiB < 16 MiB" test "${kb:-999999}" -lt 16384
# The same lines gzipped (to 0.3 % of their size) and zstd-compressed: what
# they expand to is passed on a bounded piece at a time.
gzip -1 -c "$out/big.txt" >"$out/big.gz"
zstd -q -1 -c "$out/big.txt" >"$out/big.zst"
for z in gz zst; do
	tests/tools/peakrss "$UNBOIL" "$out/big.$z" >"$out/big.$z.out" 2>"$out/rss.err"
	kb=$(sed -n 's/^peakrss: //p' "$out/rss.err")
	expect "memory on 50 MB of lines as .$z: ${kb:-?} KiB < 16 MiB" test "${kb:-999999}" -lt 16384
done
"$UNBOIL" "$out/big.txt" >"$out/big.txt.out" 2>/dev/null
expect "50 MB as .gz and .zst: the same output as plain" \
	sh -c "cmp -s '$out/big.gz.out' '$out/big.txt.out' && cmp -s '$out/big.zst.out' '$out/big.txt.out'"
rm -f "$out/big.gz" "$out/big.zst" "$out"/big.*.out
head -c 67108864 /dev/zero | tr '\0' 'x' >"$out/oneline.txt"
tests/tools/peakrss "$UNBOIL" "$out/oneline.txt" >"$out/oneline.out" 2>"$out/rss.err"
rc=$?
kb=$(sed -n 's/^peakrss: //p' "$out/rss.err")
expect "one 64 MiB line: status 1" test $rc -eq 1
expect "one 64 MiB line: ${kb:-?} KiB < 16 MiB" test "${kb:-999999}" -lt 16384
expect "one 64 MiB line: written through whole" test "$(wc -c <"$out/oneline.out")" -eq 67108865
expect "one 64 MiB line: warning" grep -q 'oneline.txt:1: line longer than 1048576 bytes, written through unchanged' "$out/rss.err"
rm -f "$out/oneline.txt" "$out/oneline.out"
# A 1 GiB line with no newline, from a pipe: bounded memory, all bytes out.
head -c 1073741824 /dev/zero | tr '\0' 'y' |
	tests/tools/peakrss "$UNBOIL" 2>"$out/rss.err" | wc -c >"$out/giant.count"
kb=$(sed -n 's/^peakrss: //p' "$out/rss.err")
expect "one 1 GiB line: ${kb:-?} KiB < 64 MiB" test "${kb:-999999}" -lt 65536
expect "one 1 GiB line: written through whole" test "$(cat "$out/giant.count")" -eq 1073741825
fi

# ---- in place, killed mid-write ---------------------------------------------------
# SIGKILL while the temporary file is being written leaves the original
# byte for byte as it was (a stray .unboil.* temporary may remain).
if [ -f "$out/big.txt" ]; then
	mkdir -p "$out/kill" && cp "$out/big.txt" "$out/kill/victim.txt"
	cp "$out/big.txt" "$out/kill.orig"
	"$UNBOIL" -i "$out/kill/victim.txt" 2>/dev/null &
	vpid=$!
	for _ in $(seq 200); do ls "$out/kill"/.unboil.* >/dev/null 2>&1 && break; sleep 0.01; done
	kill -KILL $vpid 2>/dev/null; wait $vpid 2>/dev/null
	expect "in place: killed mid-write, a temporary had been made" \
		test -n "$(ls -A "$out/kill" | grep '^\.unboil\.')"
	expect "in place: killed mid-write, the original is untouched" cmp -s "$out/kill/victim.txt" "$out/kill.orig"
	rm -rf "$out/kill" "$out/kill.orig"
fi
rm -f "$out/big.txt"

# ---- bundled rules --------------------------------------------------------------
"$UNBOIL" --check-rules >"$out/check.out" 2>&1
expect "bundled rules compile and their examples hold" test $? -eq 0
# Every bundled rule shows a line it acts on (+) and one it leaves alone (-).
for f in patterns/*.rules; do
	awk -v file="$f" '
		function done_rule() { if (rule != "" && !(plus && minus)) { print file ":" line ": rule lacks a + or - example"; bad = 1 } }
		/^[ \t]*(#|$)/ { next }
		/^[ \t]*\+[ \t]/ { plus = 1; next }
		/^[ \t]*-[ \t]/ { minus = 1; next }
		/^[ \t]*=[ \t]/ { next }
		{ done_rule(); rule = $0; line = NR; plus = minus = 0 }
		END { done_rule(); exit bad }' "$f" >"$out/examples.log"
	expect "$f: every rule has both examples" test $? -eq 0
	cat "$out/examples.log"
done

# ---- man pages -----------------------------------------------------------------
if command -v mandoc >/dev/null; then
	mandoc -Tlint -Wwarning man/unboil.1 man/unboil-rules.5 man/unboil-model.5 >"$out/mandoc.log" 2>&1
	expect "man pages are clean under mandoc -Tlint" test $? -eq 0 -a ! -s "$out/mandoc.log"
	cat "$out/mandoc.log"
else
	bad "mandoc is missing (make deps installs it)"
fi
# Every long option in --help is documented in the man page.
mandoc -Tascii man/unboil.1 2>/dev/null | sed 's/.\x08//g' >"$out/unboil.1.txt"
for opt in $("$UNBOIL" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	expect "man page documents $opt" grep -q -e "$opt" "$out/unboil.1.txt"
done
# The usage line names the options in the order of the man page's SYNOPSIS.
opts_in() { grep -o -- '-[-a-zA-Z][a-z-]*' | sed 's/^-\([a-zA-Z]\)[a-zA-Z]*$/-\1/'; }
sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' "$out/unboil.1.txt" | opts_in >"$out/synopsis.opts"
"$UNBOIL" --bogus 2>&1 | sed 1d | opts_in >"$out/usage.opts"
expect "usage line and SYNOPSIS name the same options in order" \
	cmp -s "$out/usage.opts" "$out/synopsis.opts"

# The project says under which terms it may be used.
expect "LICENSE is there, and the README names it" \
	sh -c 'grep -q "Redistribution and use" LICENSE && grep -q "LICENSE" README.md'

# ---- ftfy's test cases ---------------------------------------------------------
# Repair and normalisation against the test cases of ftfy (Robyn Speer's
# python-ftfy, Apache-2.0; ../shared/normalisation/ftfy-test-cases/, only
# its data): tests/tools/ftfy_cases.py.  The floors are what unboil reaches
# today and only go up; issue 20's targets are 140 of 161 and 1 negative.
ftfy=../shared/normalisation/ftfy-test-cases
if [ -d "$ftfy" ]; then
	python3 tests/tools/ftfy_cases.py --unboil "$UNBOIL" --cases "$ftfy" \
		--min-repaired 141 --max-changed 1 >"$out/ftfy.log" 2>&1
	rc=$?
	fixed=$(awk '/^all cases:/ { print $3 }' "$out/ftfy.log")
	changed=$(awk '/^negatives changed:/ { print $3 }' "$out/ftfy.log")
	expect "ftfy cases: ${fixed:-none} of 161 as ftfy fixes them, at least 141 (tests/out/ftfy.log)" \
		test "${fixed:-0}" -ge 141 -a $rc -ne 2
	expect "ftfy cases: ${changed:-?} negatives changed, at most 1 (tests/out/ftfy.log)" \
		test -n "$changed" -a "${changed:-99}" -le 1 -a $rc -ne 2
else
	echo "skip: ftfy's test cases (no $ftfy)"
	skip=$((skip + 2))
fi

# ---- installation ----------------------------------------------------------------
dest=$out/destdir
make -s install DESTDIR="$dest" PREFIX=/opt/unboil >"$out/install.log" 2>&1
expect "make install" test $? -eq 0
expect "installed binary finds its bundled rules" \
	cmp -s <("$dest/opt/unboil/bin/unboil" "$seed") fixtures/seeds/001_c8e8686caa4ead35.expected.txt
expect "installed man pages" test -f "$dest/opt/unboil/share/man/man1/unboil.1" -a \
	-f "$dest/opt/unboil/share/man/man5/unboil-rules.5" -a \
	-f "$dest/opt/unboil/share/man/man5/unboil-model.5"
make -s uninstall DESTDIR="$dest" PREFIX=/opt/unboil >>"$out/install.log" 2>&1
expect "make uninstall removes everything" test -z "$(find "$dest" -type f)"

# ---- the structural model --------------------------------------------------------
# Every feature the layer computes is documented in unboil-model(5).
for name in $(sed -n '/^#define FEATURES(X)/,/^$/p' src/layout/layout.c | grep -o 'X([a-z0-9_]*)' | tr -d 'X()'); do
	expect "unboil-model(5) documents feature $name" grep -qE "^\.It Cm (.*[ ,])?$name( |,|$)" man/unboil-model.5
done
# The bundled model is exactly what train/train.py makes from the corpus beside
# the project (make model), with the bundled rules: a model nobody can rebuild
# is not traceable.  Without the corpus, or numpy, the check is skipped.
PYTHON=${PYTHON:-/usr/bin/python3}
if [ -d ../shared/corpus/dev ] && "$PYTHON" -c 'import numpy' 2>/dev/null; then
	"$PYTHON" train/train.py --unboil "$UNBOIL" --out "$out/layout.model" >"$out/train.log" 2>&1
	expect "train.py runs" test $? -eq 0
	expect "the bundled model is what make model writes" cmp -s patterns/layout.model "$out/layout.model"
	# The rule audit (make audit) accounts for every bundled rule, and
	# no bundled rule removes more than the one body-labelled line each
	# of the two known label overlaps does (train/README.md).
	python3 train/rule_audit.py --json --unboil "$UNBOIL" >"$out/audit.json" 2>"$out/audit.err"
	expect "rule_audit.py runs" test $? -eq 0
	expect "the audit lists every bundled rule" test "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["rules"]))' <"$out/audit.json")" = \
		"$("$UNBOIL" --list-rules | awk '$2 == "total" { print $1 }')"
	expect "no bundled rule removes body on more than one line" test "$(python3 -c 'import json,sys; print(sum(r["body"] + r["after_body"] > 1 for r in json.load(sys.stdin)["rules"]))' <"$out/audit.json")" = 0
	# The recall floor the intercept shift was chosen for (train/README.md):
	# out of fold, on the default split of the sites and on three shuffled
	# ones.  Prints the splits read and those below the floor.
	"$PYTHON" train/cv.py --unboil "$UNBOIL" --also 1,2,3 >"$out/cv.log" 2>&1
	expect "cv.py runs" test $? -eq 0
	expect "out-of-fold recall is at least 0.97 on all four splits" test \
		"$(awk '$1 == "all" { n++; low += $4 < 0.97 } /^sites shuffled/ { n++; low += $9 < 0.97 }
		    END { print n + 0, low + 0 }' "$out/cv.log")" = "4 0"
else
	echo "skip: the bundled model, the rule audit and the recall floor (no ../shared/corpus or no numpy)"
	skip=$((skip + 7))
fi

summary
