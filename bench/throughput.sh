#!/usr/bin/env bash
# throughput.sh [SIZE] - MB/s of cat and unboil on the shared benchmark
# corpus (../shared/bench/make-corpus.sh, German, SIZE default 64M), from one
# run with the commands interleaved, three rounds, median of each.
set -eu
cd "$(dirname "$0")/.."
size=${1:-64M}
shared=../shared/bench
[ -x "$shared/make-corpus.sh" ] || { echo "throughput: no $shared/make-corpus.sh" >&2; exit 2; }
mkdir -p bench/out
corpus=bench/out/corpus-de-$size.txt
[ -s "$corpus" ] || "$shared/make-corpus.sh" -s "$size" -o "$corpus" 2>/dev/null
bytes=$(wc -c <"$corpus")

# secs CMD...: wall time of one run, output to /dev/null.
secs() {
	local t0 t1
	t0=$(date +%s.%N); "$@" <"$corpus" >/dev/null; t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' 
}
declare -A times
names=(cat unboil)
for round in 1 2 3; do
	times[cat]+="$(secs cat) "
	times[unboil]+="$(secs ./unboil) "
done
printf '%-8s %10s\n' command MB/s
for n in "${names[@]}"; do
	med=$(printf '%s\n' ${times[$n]} | sort -g | sed -n 2p)
	awk -v n="$n" -v b="$bytes" -v t="$med" 'BEGIN { printf "%-8s %10.1f\n", n, b / 1e6 / t }' 
done
