// Command loadgen is bench/http's load generator: it makes the data, drives
// one REST server at a time with a closed loop of concurrent clients, and
// prints the table of requests/s, latencies and ratios (see
// bench/README.md, "HTTP servers"). bench/http/run.sh runs it; by hand:
//
//	go run ./http/loadgen gen -out db.json
//	go run ./http/loadgen run -system relstore -base http://127.0.0.1:3917 -db db.json -load -out res.jsonl
//	go run ./http/loadgen table res.jsonl
//
// gen writes the data as json-server's db.json (a list per collection,
// named by the model's plural in lower case); the LoopBack script loads the
// same file, and run -load sends it to relstore through its create route.
//
// run first checks that the server answers every case as the data says it
// must (the same ids in the same order), then, per case, warms up and
// measures: -clients goroutines each send one request, wait for the whole
// answer, and send the next, for -duration. A system's requests differ
// only in syntax (json-server's query parameters or LoopBack's filter
// JSON); client w's i-th request has the same parameters on every system.
// Each case appends one JSON line to -out.
//
// It talks to loopback addresses only and stops by itself: every phase is
// bounded in time.
package main

import (
	"fmt"
	"os"
)

const usage = `usage:
  loadgen gen   -out FILE [-customers N -orders N -items N -seed N]
  loadgen run   -system relstore|json-server|loopback -base URL -db FILE [-load] [-clients N -warmup D -duration D -cases list,get,create] -out FILE
  loadgen table FILE...
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = genMain(os.Args[2:])
	case "run":
		err = runMain(os.Args[2:])
	case "table":
		err = tableMain(os.Args[2:], os.Stdout)
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}
