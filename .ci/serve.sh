#!/usr/bin/env bash
# Runs the README's first command, `go run ./cmd/relstore serve`, on a free
# port, checks a few routes (the 422 and 409 the README promises included),
# then stops it with SIGINT and requires a clean exit. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v curl >/dev/null 2>&1; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl >/dev/null
fi
port=${RELSTORE_CI_PORT:-3987}
log=$(mktemp)
data=$(mktemp -d)
# setsid: go run and the server it starts share a process group, so one
# signal reaches the server as Ctrl-C would.
setsid go run ./cmd/relstore serve -port "$port" -data "$data/shop.json" >"$log" 2>&1 &
pid=$!
cleanup() {
	kill -KILL -- "-$pid" 2>/dev/null || true
	rm -rf "$log" "$data"
}
trap cleanup EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
	if curl -fsS -o /dev/null "$base/api/Customers" 2>/dev/null; then break; fi
	if ! kill -0 "$pid" 2>/dev/null; then echo "serve exited early:"; cat "$log"; exit 1; fi
	sleep 0.1
done
echo "serve printed:"; sed 's/^/  /' "$log"

# check METHOD PATH WANT-STATUS [BODY]
check() {
	local method=$1 path=$2 want=$3 body=${4:-}
	local got
	if [ -n "$body" ]; then
		got=$(curl -sS -o /tmp/serve-body -w '%{http_code}' -X "$method" -H 'Content-Type: application/json' -d "$body" "$base$path")
	else
		got=$(curl -sS -o /tmp/serve-body -w '%{http_code}' -X "$method" "$base$path")
	fi
	if [ "$got" != "$want" ]; then
		echo "$method $path: status $got, want $want; body:"; cat /tmp/serve-body; echo; exit 1
	fi
	echo "  $method $path -> $got"
}
check GET '/api/Customers' 200
check GET '/api/Customers/1?filter=%7B%22include%22%3A%7B%22orders%22%3A%22items%22%7D%7D' 200
check GET '/api/Orders?filter=%7B%22where%22%3A%7B%22customerId%22%3A1%7D%2C%22limit%22%3A2%7D' 200
check GET '/api/Customers/count' 200
check POST '/api/Orders' 422 '{"customerId":99}'
check DELETE '/api/Customers/1' 409
check GET '/api/Nope' 404
check GET '/openapi.json' 200
check GET '/' 200

# SIGINT to the server itself (go run's child), as Ctrl-C would; go run then
# exits with the server's status.
server=$(ps -o pid= --ppid "$pid" | tr -d ' ' | head -n 1)
kill -INT "${server:-$pid}"
for _ in $(seq 1 100); do
	if ! kill -0 "$pid" 2>/dev/null; then break; fi
	sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then echo "serve did not stop on SIGINT"; exit 1; fi
wait "$pid" && rc=0 || rc=$?
echo "serve stopped on SIGINT (exit $rc):"; tail -2 "$log" | sed 's/^/  /'
if [ "$rc" != 0 ]; then exit 1; fi
test -s "$data/shop.json" || { echo "no data file after shutdown"; exit 1; }
