// Command benchtable reads `go test -bench` output (the raw files run.sh
// writes) and prints, as Markdown, the median of every metric per benchmark
// and system, the ratios of relstore's medians to the other systems', and
// the same ratios pass by pass.
//
//	go run ./cmd/benchtable out/bench-*.txt
//
// Sub-benchmarks name the system: "relstore", "relstore-warm",
// "relstore-Cached", "memdb", "sqlite", "map", "ristretto", and a few that
// only some benchmarks have ("plain", "sqlite-rollback", "memstore"), which
// get columns of their own after the usual four. A ratio compares
// the benchmark's headline metric: B/row, ns/row or ns/order when the
// benchmark reports one, else ns/op. Below 1.00x relstore is faster (smaller).
//
// run.sh runs every benchmark once per pass, so the i-th sample of every
// system comes from the same pass, seconds apart. The paired table divides
// relstore's i-th sample by the other system's i-th: a pass during which
// the shared machine was slow is slow for both, so these ratios vary much
// less than the samples do, and the table says in how many passes relstore
// was at or below the other system.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// headline metrics, preferred over ns/op for the ratios, in order.
var headline = []string{"B/row", "ns/row", "ns/order"}

// baselines are the systems relstore is compared with, in column order;
// columns for any other system the input names that is not relstore's
// ("plain", "sqlite-rollback", "memstore", ...) follow, in first-seen order.
var baselines = []string{"memdb", "sqlite", "map", "ristretto"}

// columns returns the baselines and the other non-relstore systems of s.
func (s *samples) columns() []string {
	cols := slices.Clone(baselines)
	for _, k := range s.order {
		if !isRelstore(k.sys) && !slices.Contains(cols, k.sys) {
			cols = append(cols, k.sys)
		}
	}
	return cols
}

// isRelstore reports whether sys is one of relstore's systems.
func isRelstore(sys string) bool { return sys == "relstore" || strings.HasPrefix(sys, "relstore-") }

type key struct{ bench, sys string }

type samples struct {
	order  []key
	values map[key]map[string][]float64
	units  map[key][]string // in first-seen order
	notes  []string
}

var procSuffix = regexp.MustCompile(`-\d+$`)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: benchtable FILE...")
		os.Exit(2)
	}
	s := &samples{values: map[key]map[string][]float64{}, units: map[key][]string{}}
	for _, name := range os.Args[1:] {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchtable:", err)
			os.Exit(1)
		}
		err = s.read(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchtable: %s: %v\n", name, err)
			os.Exit(1)
		}
	}
	s.print(os.Stdout)
}

// read parses the benchmark lines of r: name, iterations, then value/unit
// pairs. Lines starting with "# " are kept as notes.
func (s *samples) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "# ") {
			s.notes = append(s.notes, strings.TrimPrefix(line, "# "))
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		bench, sys, _ := strings.Cut(name, "/")
		k := key{bench, sys}
		if s.values[k] == nil {
			s.values[k] = map[string][]float64{}
			s.order = append(s.order, k)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return fmt.Errorf("%q: %v", line, err)
			}
			u := f[i+1]
			if _, seen := s.values[k][u]; !seen {
				s.units[k] = append(s.units[k], u)
			}
			s.values[k][u] = append(s.values[k][u], v)
		}
	}
	return sc.Err()
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func num(v float64) string {
	switch a := max(v, -v); {
	case a >= 1000 || v == float64(int64(v)):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// metric returns the headline unit of a benchmark.
func (s *samples) metric(bench string) string {
	for _, k := range s.order {
		if k.bench != bench {
			continue
		}
		for _, u := range headline {
			if _, ok := s.values[k][u]; ok {
				return u
			}
		}
	}
	return "ns/op"
}

func (s *samples) print(w io.Writer) {
	for _, n := range s.notes {
		fmt.Fprintf(w, "%s  \n", n)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Medians (n = samples per system):")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| benchmark | system | n | ns/op | B/op | allocs/op | other |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---|")
	for _, k := range s.order {
		v := s.values[k]
		cell := func(u string) string {
			if x, ok := v[u]; ok {
				return num(median(x))
			}
			return ""
		}
		var other []string
		for _, u := range s.units[k] {
			if u != "ns/op" && u != "B/op" && u != "allocs/op" {
				other = append(other, cell(u)+" "+u)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s |\n", k.bench, k.sys, len(v["ns/op"]),
			cell("ns/op"), cell("B/op"), cell("allocs/op"), strings.Join(other, ", "))
	}
	s.ratios(w, "Ratios of medians, relstore / other, on each benchmark's headline metric (< 1.00x: relstore is smaller/faster):",
		func(mine, theirs []float64) (string, bool) {
			if t := median(theirs); t != 0 {
				return fmt.Sprintf("%.2fx", median(mine)/t), true
			}
			return "", false
		})
	s.ratios(w, "Paired ratios, relstore / other within each pass: median (min–max), and the passes where relstore was at or below the other (≤ 1.00x) of all passes:",
		func(mine, theirs []float64) (string, bool) {
			p, ok := paired(mine, theirs)
			return p.String(), ok
		})
}

// ratios prints a table with a row per relstore system and a column per
// baseline; cell compares the two systems' samples of the headline metric
// and reports false when they cannot be compared (shown as "—").
func (s *samples) ratios(w io.Writer, caption string, cell func(mine, theirs []float64) (string, bool)) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, caption)
	fmt.Fprintln(w)
	cols := s.columns()
	fmt.Fprintf(w, "| benchmark | relstore | metric | %s |\n", strings.Join(cols, " | "))
	fmt.Fprintf(w, "|---|---|---|%s\n", strings.Repeat("---:|", len(cols)))
	for _, k := range s.order {
		if !isRelstore(k.sys) {
			continue
		}
		u := s.metric(k.bench)
		mine, ok := s.values[k][u]
		if !ok {
			continue
		}
		cells := make([]string, len(cols))
		for i, b := range cols {
			cells[i] = "—"
			if theirs, ok := s.values[key{k.bench, b}][u]; ok && len(theirs) > 0 {
				if c, ok := cell(mine, theirs); ok {
					cells[i] = c
				}
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", k.bench, k.sys, u, strings.Join(cells, " | "))
	}
}

// pairing summarises the per-pass ratios of two systems.
type pairing struct {
	med, lo, hi float64
	atOrBelow   int // passes with a ratio ≤ 1
	n           int
}

func (p pairing) String() string {
	return fmt.Sprintf("%.2fx (%.2f–%.2f) %d/%d", p.med, p.lo, p.hi, p.atOrBelow, p.n)
}

// paired divides mine[i] by theirs[i] for every pass i. It reports false
// when the two were not sampled the same number of times (then the i-th
// samples need not come from the same pass) or a sample of theirs is zero.
func paired(mine, theirs []float64) (pairing, bool) {
	if len(mine) == 0 || len(mine) != len(theirs) {
		return pairing{}, false
	}
	r := make([]float64, len(mine))
	p := pairing{n: len(mine)}
	for i := range mine {
		if theirs[i] == 0 {
			return pairing{}, false
		}
		r[i] = mine[i] / theirs[i]
		if r[i] <= 1 {
			p.atOrBelow++
		}
	}
	p.med, p.lo, p.hi = median(r), slices.Min(r), slices.Max(r)
	return p, true
}
