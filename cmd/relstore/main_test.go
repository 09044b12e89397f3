package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the command's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the command until the returned stop is called; it returns the
// server's base URL, the output and the exit status (after stop).
func start(t *testing.T, args ...string) (base string, out *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"serve", "-port", "0"}, args...), out, out) }()
	re := regexp.MustCompile(`explorer  (http://127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("the command exited with %d:\n%s", code, out)
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("the command printed no address:\n%s", out)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var once sync.Once
	code := 0
	stop = func() int {
		once.Do(func() {
			cancel()
			code = <-done
		})
		return code
	}
	t.Cleanup(func() { stop() })
	return base, out, stop
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeTheExample(t *testing.T) {
	base, out, stop := start(t)
	if st, body := get(t, base+"/api/Customers/1?filter="+`%7B%22include%22%3A%22orders%22%7D`); st != 200 || !strings.Contains(body, `"orders":[{"id":1,`) {
		t.Errorf("GET a customer with her orders = %d %s", st, body)
	}
	if st, body := get(t, base+"/"); st != 200 || !strings.Contains(body, "<svg") {
		t.Errorf("GET / = %d", st)
	}
	if st, _ := get(t, base+"/openapi.json"); st != 200 {
		t.Errorf("GET /openapi.json = %d", st)
	}
	for _, want := range []string{"serving the shop example (built in): 8 models, 38 rows in 8 models", "REST API  http://127.0.0.1:", "in memory only", "Ctrl-C"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if code := stop(); code != 0 {
		t.Errorf("exit status %d after a stop:\n%s", code, out)
	}
}

// TestGracefulStopFinishesRequestsAndFlushes: a request in flight when the
// stop comes still completes, and its row is in the data file afterwards.
func TestGracefulStopFinishesRequestsAndFlushes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.json")
	base, out, stop := start(t, "-data", path)
	pr, pw := io.Pipe()
	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/api/Tags", "application/json", pr)
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		res <- result{status: resp.StatusCode, body: string(b)}
	}()
	pw.Write([]byte(`{"name":`)) // the request is in flight: its body is half sent
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan int, 1)
	go func() { stopped <- stop() }()
	time.Sleep(200 * time.Millisecond)
	select {
	case <-stopped:
		t.Fatal("the command stopped before the request in flight ended")
	default:
	}
	pw.Write([]byte(`"late"}`))
	pw.Close()
	r := <-res
	if r.err != nil || r.status != 200 {
		t.Fatalf("the request in flight: %v %d %s", r.err, r.status, r.body)
	}
	if code := <-stopped; code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"late"`) {
		t.Errorf("the data file lacks the last row:\n%s", data)
	}
	// The next start loads it, with the seed's rows and the new one.
	base, out, stop = start(t, "-data", path)
	_, body := get(t, base+"/api/Tags/count")
	var c struct{ Count int }
	json.Unmarshal([]byte(body), &c)
	if c.Count != 5 {
		t.Errorf("tags after a restart: %s, want 5", body)
	}
	if !strings.Contains(out.String(), "data file "+path) {
		t.Errorf("the output does not name the data file:\n%s", out)
	}
	stop()
}

func TestServeModelsDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "note.json"), []byte(`{"name": "Note", "properties": {"text": {"type": "string", "required": true}}}`), 0o644)
	base, _, stop := start(t, "-models", dir, "-read-only")
	if st, body := get(t, base+"/api/Notes"); st != 200 || body != "[]\n" {
		t.Errorf("GET /api/Notes = %d %q", st, body)
	}
	resp, err := http.Post(base+"/api/Notes", "application/json", strings.NewReader(`{"text":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("a write to a read-only server = %d", resp.StatusCode)
	}
	stop()
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no command", nil, 2, "usage: relstore serve"},
		{"unknown command", []string{"serv"}, 2, "usage: relstore serve"},
		{"unknown flag", []string{"serve", "-prot", "1"}, 2, "flag provided but not defined: -prot"},
		{"extra argument", []string{"serve", "x"}, 2, `unexpected argument "x"`},
		{"help", []string{"serve", "-h"}, 0, "-models DIR"},
		{"bad models", []string{"serve", "-models", "/nonexistent"}, 1, "relstore: stat /nonexistent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			code := run(context.Background(), tc.args, &out, &out)
			if code != tc.code || !strings.Contains(out.String(), tc.want) {
				t.Errorf("run(%q) = %d\n%s\nwant %d and %q", tc.args, code, out.String(), tc.code, tc.want)
			}
		})
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "order.json"), []byte(`{"name": "Order", "properties": {"total": "numbr"}}`), 0o644)
	var out bytes.Buffer
	if code := run(context.Background(), []string{"serve", "-models", dir}, &out, &out); code != 1 ||
		!strings.Contains(out.String(), "relstore: lbmodel: order.json: model Order: property total: type \"numbr\" is not a LoopBack type") {
		t.Errorf("an invalid definition: %d %s", code, out.String())
	}
}
