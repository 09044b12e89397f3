#!/usr/bin/env bash
# run.sh: run relstore's side-by-side benchmarks and print the table of
# medians and ratios (see README.md).
#
#   bash bench/run.sh                      # COUNT=5 passes, BENCHTIME=500ms
#   COUNT=10 BENCHTIME=1s bash bench/run.sh
#   BENCH='Owner' COUNT=3 bash bench/run.sh   # a subset (a -bench regexp)
#   COUNT=1 BENCHTIME=1x bash bench/run.sh    # smoke: every benchmark once (CI)
#
# The samples are taken as COUNT interleaved passes of -count=1 over the
# whole suite, not as -count=COUNT (which runs the 5 samples of one system
# back to back): on a shared, noisy machine interleaving puts every system
# under the same conditions. The raw output is plain `go test -bench` text
# (benchstat reads it) in $OUT/bench-<date>.txt; the table goes to stdout and
# to $OUT/bench-<date>.md. BenchmarkMemory runs with -benchtime=1x (one load
# per sample), built with -tags memory.counters so that SQLite's memory,
# which lives outside the Go heap, is counted.
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-500ms}
BENCH=${BENCH:-.}
OUT=${OUT:-out}

mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw="$OUT/bench-$stamp.txt"
table="$OUT/bench-$stamp.md"
bin="$OUT/bench.test"

go test -c -tags memory.counters -o "$bin" .

{
	echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "# go: $(go version)"
	echo "# relstore: $(git -C .. rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C .. status --porcelain -- memstore relations cache 2>/dev/null | grep -q . && echo ' + uncommitted changes in memstore/relations/cache')"
	echo "# nproc: $(nproc)"
	echo "# cpu-model: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
	echo "# count: $COUNT passes, benchtime: $BENCHTIME (BenchmarkMemory: 1x)"
} >"$raw"
cat "$raw"

for pass in $(seq 1 "$COUNT"); do
	echo "== pass $pass/$COUNT" >&2
	"$bin" -test.run='^$' -test.bench="$BENCH" -test.skip='^BenchmarkMemory$' \
		-test.benchtime="$BENCHTIME" -test.count=1 | tee -a "$raw"
	if [[ "BenchmarkMemory" =~ $BENCH ]]; then
		"$bin" -test.run='^$' -test.bench='^BenchmarkMemory$' -test.benchtime=1x -test.count=1 |
			grep '^Benchmark' | tee -a "$raw"
	fi
done

go run ./cmd/benchtable "$raw" | tee "$table"
echo "raw output: $(cd "$(dirname "$raw")" && pwd)/$(basename "$raw")  table: $(cd "$(dirname "$table")" && pwd)/$(basename "$table")" >&2
