package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"
)

// A result is one case on one system: a line of run's -out.
type result struct {
	System     string    `json:"system"`
	Case       string    `json:"case"`
	Clients    int       `json:"clients"`
	Warmup     float64   `json:"warmupSeconds"`
	Seconds    float64   `json:"seconds"`
	Requests   uint64    `json:"requests"` // answered with the success status, in the measured window
	Errors     uint64    `json:"errors"`   // any other answer, or none
	RPS        float64   `json:"rps"`
	P50        float64   `json:"p50ms"`
	P90        float64   `json:"p90ms"`
	P99        float64   `json:"p99ms"`
	Max        float64   `json:"maxms"`
	Load       [2]string `json:"loadavg"` // /proc/loadavg's 1-minute figure before and after
	Rows       [3]int    `json:"rows"`    // customers, orders, items in the data
	Error      string    `json:"firstError,omitempty"`
	Date       string    `json:"date"`
	GoMaxProcs int       `json:"loadgenGOMAXPROCS"`
}

// A workload case: the request client w sends next, drawn from its rng.
type workload struct {
	name   string
	status int
	next   func(rng *rand.Rand) (method, path string, body []byte)
}

// pageLimit is the list case's page size; listPages how many pages it
// draws from (every status asked for has more rows than that).
const (
	pageLimit = 20
	listPages = 10
)

var listStatuses = []string{"paid", "shipped", "delivered"}

func workloads(s system, d db) map[string]workload {
	nc, no := int64(len(d.Customers)), int64(len(d.Orders))
	return map[string]workload{
		"list": {"list", 200, func(rng *rand.Rand) (string, string, []byte) {
			return "GET", s.list(listStatuses[rng.IntN(len(listStatuses))], 1+rng.IntN(listPages), pageLimit), nil
		}},
		"get": {"get", 200, func(rng *rand.Rand) (string, string, []byte) {
			return "GET", s.get(1 + rng.Int64N(no)), nil
		}},
		"create": {"create", s.createStatus, func(rng *rand.Rand) (string, string, []byte) {
			b := fmt.Appendf(nil, `{"customerId":%d,"status":"new","total":%d.%02d,"note":"created by loadgen","placedAt":"2026-03-01T12:00:00.000Z"}`,
				1+rng.Int64N(nc), rng.IntN(500), rng.IntN(100))
			return "POST", s.create, b
		}},
	}
}

type runner struct {
	base   string
	client *http.Client
}

func (r *runner) do(method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, r.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// waitReady polls the first page of orders until the server answers 200.
func (r *runner) waitReady(s system, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		code, _, err := r.do("GET", s.list("paid", 1, 1), nil)
		if err == nil && code == 200 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s at %s not ready after %v (last: %d, %v)", s.name, r.base, timeout, code, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// load sends the data to the server's create routes, owners first, as
// arrays of chunk rows (each one request, one transaction on relstore).
func (r *runner) load(s system, d db, chunk int) error {
	send := func(path string, n int, rows func(i, j int) any) error {
		for i := 0; i < n; i += chunk {
			b, err := json.Marshal(rows(i, min(i+chunk, n)))
			if err != nil {
				return err
			}
			code, body, err := r.do("POST", path, b)
			if err != nil {
				return err
			}
			if code != 200 {
				return fmt.Errorf("load %s: %d %s", path, code, firstLine(body))
			}
		}
		return nil
	}
	if err := send(s.load["customers"], len(d.Customers), func(i, j int) any { return d.Customers[i:j] }); err != nil {
		return err
	}
	if err := send(s.load["orders"], len(d.Orders), func(i, j int) any { return d.Orders[i:j] }); err != nil {
		return err
	}
	return send(s.load["items"], len(d.Items), func(i, j int) any { return d.Items[i:j] })
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// phase runs the closed loop for d: each of clients goroutines sends a
// request, reads the whole answer and sends the next. Only requests that
// end by the deadline count.
func (r *runner) phase(w workload, clients int, d time.Duration, seed uint64) (h *hist, ok, bad uint64, firstErr string) {
	h = new(hist)
	var mu sync.Mutex // protects h, ok, bad, firstErr
	var wg sync.WaitGroup
	deadline := time.Now().Add(d)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(c)))
			var mine hist
			var nok, nbad uint64
			var msg string
			for {
				method, path, body := w.next(rng)
				t0 := time.Now()
				if !t0.Before(deadline) {
					break
				}
				code, resp, err := r.do(method, path, body)
				t1 := time.Now()
				if t1.After(deadline) {
					break
				}
				mine.add(t1.Sub(t0))
				switch {
				case err != nil:
					nbad++
					if msg == "" {
						msg = err.Error()
					}
				case code != w.status:
					nbad++
					if msg == "" {
						msg = fmt.Sprintf("%s %s: %d %s", method, path, code, firstLine(resp))
					}
				default:
					nok++
				}
			}
			mu.Lock()
			h.merge(&mine)
			ok += nok
			bad += nbad
			if firstErr == "" {
				firstErr = msg
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return h, ok, bad, firstErr
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func runMain(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	name := fs.String("system", "", "the server: relstore, json-server or loopback")
	base := fs.String("base", "", "its base `URL`, e.g. http://127.0.0.1:3917 (a loopback address)")
	dbPath := fs.String("db", "", "the data the server holds (gen's `FILE`)")
	load := fs.Bool("load", false, "first send the data to the server's create routes (relstore)")
	clients := fs.Int("clients", 8, "concurrent clients")
	warmup := fs.Duration("warmup", 3*time.Second, "the unmeasured run before each case")
	duration := fs.Duration("duration", 10*time.Second, "the measured run of each case")
	cases := fs.String("cases", "list,get,create", "the cases, in order")
	ready := fs.Duration("ready", 3*time.Minute, "how long to wait for the server to answer")
	out := fs.String("out", "", "append a JSON line per case to this `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" || *base == "" || *dbPath == "" || *out == "" || *clients < 1 {
		return errors.New("run: -system, -base, -db and -out are required, -clients positive")
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Hostname() != "127.0.0.1" && u.Hostname() != "localhost" && u.Hostname() != "::1") {
		return fmt.Errorf("run: -base %q: only a loopback address is allowed", *base)
	}
	s, err := systemNamed(*name, *load)
	if err != nil {
		return err
	}
	d, err := readDB(*dbPath)
	if err != nil {
		return err
	}
	ws := workloads(s, d)
	var order []workload
	for _, c := range strings.Split(*cases, ",") {
		w, ok := ws[strings.TrimSpace(c)]
		if !ok {
			return fmt.Errorf("run: unknown case %q (list, get, create)", c)
		}
		order = append(order, w)
	}

	// No Accept-Encoding: json-server compresses (its default) only when
	// asked, and the others never do.
	tr := &http.Transport{MaxIdleConns: *clients, MaxIdleConnsPerHost: *clients, MaxConnsPerHost: *clients,
		DisableCompression: true, IdleConnTimeout: time.Minute}
	r := &runner{base: strings.TrimSuffix(*base, "/"), client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
	defer tr.CloseIdleConnections()
	if err := r.waitReady(s, *ready); err != nil {
		return err
	}
	if *load {
		t0 := time.Now()
		if err := r.load(s, d, 1000); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: loaded %d customers, %d orders, %d items in %v\n", s.name,
			len(d.Customers), len(d.Orders), len(d.Items), time.Since(t0).Round(time.Millisecond))
	}
	if err := check(r, s, d); err != nil {
		return fmt.Errorf("%s: check: %w", s.name, err)
	}
	f, err := os.OpenFile(*out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	for i, w := range order {
		r.phase(w, *clients, *warmup, 1000+uint64(i))
		before := loadavg()
		h, ok, bad, msg := r.phase(w, *clients, *duration, uint64(i))
		res := result{System: s.name, Case: w.name, Clients: *clients, Warmup: warmup.Seconds(), Seconds: duration.Seconds(),
			Requests: ok, Errors: bad, RPS: float64(ok) / duration.Seconds(),
			P50: ms(h.quantile(0.50)), P90: ms(h.quantile(0.90)), P99: ms(h.quantile(0.99)), Max: ms(h.max),
			Load: [2]string{before, loadavg()}, Rows: [3]int{len(d.Customers), len(d.Orders), len(d.Items)},
			Error: msg, Date: time.Now().UTC().Format(time.RFC3339), GoMaxProcs: runtime.GOMAXPROCS(0)}
		fmt.Fprintf(os.Stderr, "%-11s %-6s %8.0f req/s  p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  max %7.1f ms  errors %d  load %s->%s\n",
			res.System, res.Case, res.RPS, res.P50, res.P90, res.P99, res.Max, res.Errors, res.Load[0], res.Load[1])
		if msg != "" {
			fmt.Fprintf(os.Stderr, "  first error: %s\n", msg)
		}
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		if _, err := f.Write(append(b, '\n')); err != nil {
			return err
		}
	}
	return f.Close()
}
