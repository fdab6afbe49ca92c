#!/usr/bin/env bash
# run.sh [SIZE] - the benchmark behind `make bench`.
#
# Builds the shared benchmark corpora (../shared/bench/make-corpus.sh:
# German, German with NUL-separated documents, ASCII English; SIZE default
# 256M) plus NFD-heavy and mojibake-heavy copies of the German one, then
# times, in one run with the commands interleaved (ROUNDS rounds, default 5,
# medians; these machines are shared and noisy, so one round proves little):
#   cat; sed -E -f unboil.sed (the 61 reference rules); unboil with the same
#   rules (bench/reference.rules, no default rules, no other normalisation);
#   unboil with its full default configuration, one thread and all cores.
# A file is one document to unboil, so the default configuration reads the
# NUL-separated corpus with -z (on the blank-separated one, the first footer
# of the first article would cut the rest of the file).  Prints MB/s, peak
# resident memory and the ratios the speed targets are stated in; MB/s
# are by the clock.  Also MB per CPU second (user and system time), which
# other load on a shared machine disturbs far less than the clock, with
# the single-thread ratios by it.
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
rounds=${ROUNDS:-5}
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
	eval "mbs_${n//-/_}=$(mbs "$n")"
	eval "cpu_${n//-/_}=$(per "$n" "${cpu[$n]}")"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
echo
echo "ratios (German):"
echo "  unboil-ref / sed              $(ratio "$mbs_unboil_ref" "$mbs_sed")x   (target >= 15)"
echo "  unboil-default / sed          $(ratio "$mbs_unboil_default" "$mbs_sed")x   (target >= 10; one thread)"
echo "  unboil-default -j 2 / sed     $(ratio "$mbs_unboil_default_j2" "$mbs_sed")x   (-z picks all cores by default)"
echo "  unboil -j 2 / -j 1            $(ratio "$mbs_unboil_default_j2" "$mbs_unboil_default")x   (target >= 1.8)"
echo "  normal / NFD-heavy            $(ratio "$mbs_unboil_default" "$mbs_unboil_nfd")x slower   (target <= 3)"
echo "  normal / mojibake-heavy       $(ratio "$mbs_unboil_default" "$mbs_unboil_mojibake")x slower   (target <= 3)"
echo "  by CPU time: unboil-ref / sed $(ratio "$cpu_unboil_ref" "$cpu_sed")x," \
	"unboil-default / sed $(ratio "$cpu_unboil_default" "$cpu_sed")x"
echo "ratios (English):"
echo "  unboil-ref / sed              $(ratio "$mbs_en_unboil_ref" "$mbs_en_sed")x"
echo "  unboil-default / sed          $(ratio "$mbs_en_unboil_default" "$mbs_en_sed")x"
