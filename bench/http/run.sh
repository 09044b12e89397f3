#!/usr/bin/env bash
# run.sh: relstore serve against json-server 0.17.4 and LoopBack 3.28 (memory
# connector) over HTTP, on the same data and requests, one system at a time,
# and the table of requests/s, p50/p99 and ratios (bench/README.md, "HTTP
# servers"). Not run in CI. From the repository root:
#
#   bash bench/http/run.sh                         # both data sizes, 3 cases, 8 clients
#   SIZES=10k DURATION=20s bash bench/http/run.sh  # one size, longer
#   SYSTEMS=relstore CASES=get bash bench/http/run.sh
#   PIN=0 bash bench/http/run.sh                   # no CPU pinning
#   RELSTORE=/path/to/relstore SYSTEMS=relstore bash bench/http/run.sh  # another build
#
# Needs Go, Node (20) and npm: the first run installs json-server and
# loopback into bench/http/node/node_modules (ignored by git, no lockfile).
# Every server listens on 127.0.0.1 only. With PIN=1 (the default, on a
# machine with 2+ CPUs) each server runs on CPU 1 and the load generator on
# CPU 0 (taskset): every server gets one core, as Node's one JavaScript
# thread has (relstore's Go runtime then runs with GOMAXPROCS=1).
# Output: bench/out/http/http-<UTC date>.{jsonl,md}, server logs beside them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench=$(dirname "$here")
root=$(dirname "$bench")

SIZES=${SIZES:-"1k 10k"}
SYSTEMS=${SYSTEMS:-"relstore json-server loopback"}
CASES=${CASES:-list,get,create}
CLIENTS=${CLIENTS:-8}
WARMUP=${WARMUP:-3s}
DURATION=${DURATION:-10s}
PORT=${PORT:-3917}
PIN=${PIN:-1}
OUT=${OUT:-$bench/out/http}
RELSTORE=${RELSTORE:-}

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
stamp=$(date -u +%Y%m%dT%H%M%SZ)

echo "== build: relstore, loadgen" >&2
if [ -z "$RELSTORE" ]; then
	RELSTORE=$OUT/relstore
	(cd "$root" && go build -o "$RELSTORE" ./cmd/relstore)
fi
(cd "$bench" && go build -o "$OUT/loadgen" ./http/loadgen)
if [ ! -f "$here/node/node_modules/json-server/package.json" ] || [ ! -f "$here/node/node_modules/loopback/package.json" ]; then
	echo "== npm install (json-server 0.17.4, loopback 3.28.0)" >&2
	(cd "$here/node" && npm install --no-package-lock --no-audit --no-fund --loglevel=error)
fi

srvpin=() genpin=()
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	srvpin=(taskset -c 1) genpin=(taskset -c 0)
fi

pid=
stop() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=
	fi
}
trap stop EXIT

header="$OUT/http-$stamp.md"
{
	if [ "$RELSTORE" = "$OUT/relstore" ]; then
		echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); relstore $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" status --porcelain -- rest memstore lbmodel cmd 2>/dev/null | grep -q . && echo ' + uncommitted changes')"
	else
		echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); relstore: $RELSTORE"
	fi
	echo "$(go version | cut -d' ' -f3), node $(node --version), json-server $(node -p "require('$here/node/node_modules/json-server/package.json').version"), loopback $(node -p "require('$here/node/node_modules/loopback/package.json').version") (juggler $(node -p "require('$here/node/node_modules/loopback-datasource-juggler/package.json').version"))"
	echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), load average at start $(cut -d' ' -f1-3 /proc/loadavg); pinning: ${srvpin[*]:-none} for servers, ${genpin[*]:-none} for the load generator"
} >"$header"
cat "$header" >&2

for size in $SIZES; do
	case $size in
	1k) rows=(-customers 100 -orders 1000 -items 3000) ;;
	10k) rows=(-customers 1000 -orders 10000 -items 30000) ;;
	*) echo "unknown size $size (1k, 10k)" >&2; exit 2 ;;
	esac
	data="$OUT/db-$size.json"
	res="$OUT/http-$stamp-$size.jsonl"
	"$OUT/loadgen" gen -out "$data" "${rows[@]}"
	for sys in $SYSTEMS; do
		echo "== $size: $sys" >&2
		log="$OUT/$sys-$size.log"
		load=()
		case $sys in
		relstore)
			"${srvpin[@]}" "$RELSTORE" serve -models "$here/models" -host 127.0.0.1 -port "$PORT" >"$log" 2>&1 &
			load=(-load) ;;
		json-server)
			(cd "$here/node" && BENCH_DB="$data" exec "${srvpin[@]}" node node_modules/json-server/lib/cli/bin.js \
				--quiet --host 127.0.0.1 --port "$PORT" json-server-db.js) >"$log" 2>&1 & ;;
		loopback)
			(cd "$here/node" && exec "${srvpin[@]}" node loopback-server.js "$here/models" "$data" "$PORT") >"$log" 2>&1 & ;;
		*) echo "unknown system $sys" >&2; exit 2 ;;
		esac
		pid=$!
		"${genpin[@]}" "$OUT/loadgen" run -system "$sys" -base "http://127.0.0.1:$PORT" -db "$data" "${load[@]}" \
			-clients "$CLIENTS" -warmup "$WARMUP" -duration "$DURATION" -cases "$CASES" -out "$res"
		stop
	done
	{
		echo
		echo "### $size"
		echo
		"$OUT/loadgen" table "$res"
	} >>"$header"
done
cat "$header"
echo "results: $OUT/http-$stamp-*.jsonl  table: $header" >&2
