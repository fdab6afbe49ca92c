#!/usr/bin/env bash
# run.sh [SIZE] - the benchmark behind `make bench`.
#
# Builds the shared benchmark corpora (../shared/bench/make-corpus.sh:
# German, German with NUL-separated documents, ASCII English; SIZE default
# 256M) plus NFD-heavy and mojibake-heavy copies of the German one, then
# times, in one run with the commands interleaved (ROUNDS rounds, default 7,
# medians; these machines are shared and noisy, so one round proves little):
#   cat; sed -E -f unboil.sed (the 61 reference rules); unboil with the same
#   rules (bench/reference.rules, no default rules, no other normalisation);
#   unboil with its full default configuration, one thread and all cores.
# A file is one document to unboil, so the default configuration reads the
# NUL-separated corpus with -z (on the blank-separated one, the first footer
# of the first article would cut the rest of the file).  Prints MB/s (the
# median over the rounds), peak resident memory and the ratios the speed
# targets are stated in: each the median of its ratio in every round,
# with the lowest and highest; MB/s are by the clock.  Also MB per CPU
# second (user and system time), which other load on a shared machine
# disturbs far less than the clock, with the single-thread ratios by it.
set -eu
cd "$(dirname "$0")/.."
size=${1:-256M}
shared=../shared/bench
[ -x "$shared/make-corpus.sh" ] || { echo "bench: no $shared/make-corpus.sh" >&2; exit 2; }
mkdir -p bench/out
o=bench/out
mk() { [ -s "$1" ] || { echo "bench: making $1" >&2; "$shared/make-corpus.sh" -s "$size" "${@:2}" -o "$1" 2>/dev/null; }; }
mk $o/de-$size.txt
mk $o/de-$size.nul -S nul
mk $o/en-$size.txt -l en
mk $o/en-$size.nul -l en -S nul
# The same German documents, decomposed (NFD) and turned into mojibake.
[ -s $o/de-$size.nfd ] || perl -CSD -MUnicode::Normalize -pe '$_ = NFD($_)' \
	<$o/de-$size.nul >$o/de-$size.nfd
[ -s $o/de-$size.moji ] || perl -MEncode -pe \
	'$_ = encode("UTF-8", decode("cp1252", $_, sub { chr shift }))' \
	<$o/de-$size.nul >$o/de-$size.moji

U=./unboil
for t in $U tests/tools/peakrss; do
	[ -x $t ] || { echo "bench: no $t; run make bench" >&2; exit 2; }
done
ref="--no-default-rules --no-heuristics --no-normalize --no-mojibake --no-entities -r bench/reference.rules"
names=(cat sed unboil-ref unboil-default unboil-default-j2 unboil-nfd unboil-mojibake
	en-cat en-sed en-unboil-ref en-unboil-default)
declare -A cmd in
cmd[cat]="cat";                         in[cat]=$o/de-$size.txt
cmd[sed]="sed -E -f $shared/rules/unboil.sed"; in[sed]=$o/de-$size.txt
cmd[unboil-ref]="$U $ref";              in[unboil-ref]=$o/de-$size.txt
cmd[unboil-default]="$U -z -j 1";       in[unboil-default]=$o/de-$size.nul
cmd[unboil-default-j2]="$U -z -j 2";    in[unboil-default-j2]=$o/de-$size.nul
cmd[unboil-nfd]="$U -z -j 1";           in[unboil-nfd]=$o/de-$size.nfd
cmd[unboil-mojibake]="$U -z -j 1";      in[unboil-mojibake]=$o/de-$size.moji
cmd[en-cat]="cat";                      in[en-cat]=$o/en-$size.txt
cmd[en-sed]="${cmd[sed]}";              in[en-sed]=$o/en-$size.txt
cmd[en-unboil-ref]="$U $ref";           in[en-unboil-ref]=$o/en-$size.txt
cmd[en-unboil-default]="$U -z -j 1";    in[en-unboil-default]=$o/en-$size.nul

declare -A secs cpu rss
rounds=${ROUNDS:-7}
for round in $(seq "$rounds"); do
	for n in "${names[@]}"; do
		# The page cache of these machines gives back the pages of files
		# not in use at a few MB/s, so an input last read minutes ago is
		# partly on disk again: the fastest commands would pay for the
		# reads the most.  Each input is read once, untimed, right before
		# its timed run, so that every command reads from memory, as
		# cat's 8 GB/s in the issue's figures assumes.
		cat "${in[$n]}" >/dev/null
		t0=$(date +%s.%N)
		# shellcheck disable=SC2086
		if ! tests/tools/peakrss ${cmd[$n]} <"${in[$n]}" >/dev/null 2>$o/rss.err; then
			echo "bench: $n failed:" >&2
			cat $o/rss.err >&2
			exit 2
		fi
		t1=$(date +%s.%N)
		secs[$n]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }') "
		rss[$n]=$(sed -n 's/^peakrss: //p' $o/rss.err)
		cpu[$n]+="$(sed -n 's/^cpu: //p' $o/rss.err) "
	done
done
median() { printf '%s\n' $1 | sort -g | sed -n "$(( (rounds + 1) / 2 ))p"; }
per() { awk -v b="$(wc -c <"${in[$1]}")" -v t="$(median "$2")" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }
mbs() { per "$1" "${secs[$1]}"; }
printf '%-20s %10s %10s %12s   %s\n' command MB/s "MB/cpu-s" "peak KiB" input
for n in "${names[@]}"; do
	printf '%-20s %10s %10s %12s   %s\n' "$n" "$(mbs "$n")" "$(per "$n" "${cpu[$n]}")" \
	    "${rss[$n]}" "$(basename "${in[$n]}")"
done
# A ratio of two commands' speeds, round by round (the two ran a minute
# apart at most, while these machines change speed by a third from one
# minute to the next): the median of the rounds' ratios, and their range.
# With cpu as $3, by CPU time instead of the clock.
ratio() {
	local t=secs
	[ "${3:-}" = cpu ] && t=cpu
	local -n ta=$t
	awk -v ba="$(wc -c <"${in[$1]}")" -v bb="$(wc -c <"${in[$2]}")" \
	    -v ta="${ta[$1]}" -v tb="${ta[$2]}" -v range="${3:-range}" 'BEGIN {
		n = split(ta, a, " "); split(tb, b, " ")
		for (i = 1; i <= n; i++)
			r[i] = (ba / a[i]) / (bb / b[i])
		for (i = 1; i <= n; i++)	# insertion sort: a handful of rounds
			for (j = i; j > 1 && r[j - 1] > r[j]; j--) {
				x = r[j]; r[j] = r[j - 1]; r[j - 1] = x
			}
		# Two decimals below 10: a target of 1.8 is not met by 1.76.
		f = r[int((n + 1) / 2)] < 10 ? "%.2f" : "%.1f"
		printf f "x", r[int((n + 1) / 2)]
		if (range == "range")
			printf "   (rounds " f "-" f ")", r[1], r[n]
	}'
}
echo
echo "ratios (German), medians of the rounds' ratios:"
echo "  unboil-ref / sed              $(ratio unboil-ref sed)   target >= 15"
echo "  unboil-default / sed          $(ratio unboil-default sed)   target >= 10; one thread"
echo "  unboil-default -j 2 / sed     $(ratio unboil-default-j2 sed)   -z picks all cores by default"
echo "  unboil -j 2 / -j 1            $(ratio unboil-default-j2 unboil-default)   target >= 1.8"
echo "  normal / NFD-heavy            $(ratio unboil-default unboil-nfd)   target: at most 3x slower"
echo "  normal / mojibake-heavy       $(ratio unboil-default unboil-mojibake)   target: at most 3x slower"
echo "  by CPU time: unboil-ref / sed $(ratio unboil-ref sed cpu)," \
	"unboil-default / sed $(ratio unboil-default sed cpu)"
echo "ratios (English):"
echo "  unboil-ref / sed              $(ratio en-unboil-ref en-sed)"
echo "  unboil-default / sed          $(ratio en-unboil-default en-sed)"
