// Command relstore serves a relstore store over LoopBack 3's REST API.
//
// Usage:
//
//	relstore serve [flags]
//
// With no flags it serves a built-in example, a shop (customers, orders,
// items, products in a category tree, addresses, tags through a link
// model), in memory, at http://127.0.0.1:3000: the explorer page at /, the
// API under /api, its OpenAPI document at /openapi.json.
//
// The flags are:
//
//	-models DIR    serve the LoopBack 3 model definitions (*.json) in DIR
//	               instead of the example
//	-data FILE     keep the data in FILE: loaded at start (the example's seed
//	               data when FILE does not exist and no -models is given),
//	               written back after every change
//	-host HOST     the address to listen on (default 127.0.0.1: this machine
//	               only; 0.0.0.0 for every interface)
//	-port N        the port (default 3000; 0 picks a free one)
//	-read-only     refuse every write with 403
//	-cors ORIGINS  allow browsers on these origins (comma-separated, or *)
//	-max-body N    the largest request body, in bytes (default 1 MiB)
//	-max-limit N   the most rows one request returns (default 1000)
//
// SIGINT (Ctrl-C) or SIGTERM stops it gracefully: requests in flight finish,
// then the data file is flushed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/relstore/relstore/datafile"
	"github.com/relstore/relstore/examples/shop"
	"github.com/relstore/relstore/lbmodel"
	"github.com/relstore/relstore/memstore"
	"github.com/relstore/relstore/rest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `usage: relstore serve [flags]

Serves LoopBack 3's REST API over a relstore store: the built-in shop example,
or the model definitions of -models. Flags:
`

// run is the command: it returns the exit status (2 for a usage error).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "serve" {
		fmt.Fprint(stderr, usage)
		newFlags(stderr).PrintDefaults()
		return 2
	}
	fs := newFlags(stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "relstore: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if err := serve(ctx, flagValues(fs), stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "relstore:", err)
		return 1
	}
	return 0
}

type options struct {
	models, data, host, cors string
	port                     int
	readOnly                 bool
	maxBody                  int64
	maxLimit                 int
}

func newFlags(stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("relstore serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("models", "", "serve the LoopBack 3 model definitions (*.json) in `DIR` instead of the shop example")
	fs.String("data", "", "keep the data in `FILE`: loaded at start, written back after every change (default: memory only)")
	fs.String("host", "127.0.0.1", "the address to listen on (0.0.0.0: every interface)")
	fs.Int("port", 3000, "the port to listen on (0: any free port)")
	fs.Bool("read-only", false, "refuse every write with 403")
	fs.String("cors", "", "allow browsers on these `ORIGINS` (comma-separated, or *); default: none")
	fs.Int64("max-body", rest.DefaultMaxBodyBytes, "the largest request body, in bytes")
	fs.Int("max-limit", rest.DefaultMaxLimit, "the most rows one request returns")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

func flagValues(fs *flag.FlagSet) options {
	get := func(name string) string { return fs.Lookup(name).Value.String() }
	o := options{models: get("models"), data: get("data"), host: get("host"), cors: get("cors")}
	o.port, _ = strconv.Atoi(get("port"))
	o.readOnly = get("read-only") == "true"
	o.maxBody, _ = strconv.ParseInt(get("max-body"), 10, 64)
	o.maxLimit, _ = strconv.Atoi(get("max-limit"))
	return o
}

func serve(ctx context.Context, o options, stdout, stderr io.Writer) error {
	what := "the shop example (built in)"
	models := shop.Models()
	var seed []byte
	if o.models != "" {
		st, err := os.Stat(o.models)
		if err != nil {
			return err
		}
		if !st.IsDir() {
			return fmt.Errorf("-models %s is not a directory", o.models)
		}
		models, what = os.DirFS(o.models), "the models of "+o.models
	} else {
		seed = shop.Data()
	}
	schema, err := lbmodel.Load(models)
	if err != nil {
		return err
	}
	store, err := schema.Open(memstore.Config{})
	if err != nil {
		return err
	}
	defer store.Close()

	var file *datafile.File
	var report datafile.Report
	switch {
	case o.data != "":
		file, report, err = datafile.Open(ctx, store, datafile.Config{Path: o.data, Schema: schema, Seed: seed})
		if err != nil {
			return err
		}
		defer func() {
			if err := file.Close(); err != nil {
				fmt.Fprintln(stderr, "relstore:", err)
			}
		}()
	case seed != nil:
		if report, err = datafile.Load(ctx, store, schema, "seed data", seed); err != nil {
			return err
		}
	}

	logger := log.New(stderr, "relstore: ", log.LstdFlags)
	h, err := rest.New(rest.Config{Store: store, Schema: schema, ReadOnly: o.readOnly,
		MaxBodyBytes: o.maxBody, MaxLimit: o.maxLimit, AllowOrigins: splitList(o.cors), ErrorLog: logger})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(o.host, strconv.Itoa(o.port)))
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ErrorLog: logger, ReadHeaderTimeout: 10 * time.Second}
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "relstore: serving %s: %d models, %s\n", what, len(schema.Models), report)
	fmt.Fprintf(stdout, "  explorer  %s/\n  REST API  %s/api/%s\n  OpenAPI   %s/openapi.json\n", base, base, schema.Models[0].Path, base)
	if o.data != "" {
		fmt.Fprintf(stdout, "  data file %s (written after every change)\n", o.data)
	} else {
		fmt.Fprintf(stdout, "  data      in memory only (use -data FILE to keep it)\n")
	}
	if o.readOnly {
		fmt.Fprintf(stdout, "  read-only: writes are refused\n")
	}
	fmt.Fprintf(stdout, "Press Ctrl-C to stop.\n")

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let requests in flight finish, then flush the file
	// (the deferred Close).
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	<-errc
	fmt.Fprintln(stdout, "relstore: stopped")
	if file != nil {
		if ferr := file.Flush(shutdown); ferr != nil && err == nil {
			err = ferr
		}
	}
	return err
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
