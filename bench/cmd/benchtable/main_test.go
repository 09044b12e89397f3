package main

import (
	"strings"
	"testing"
)

func TestPaired(t *testing.T) {
	for _, tc := range []struct {
		name         string
		mine, theirs []float64
		want         string
		wantPaired   bool
	}{
		{"every pass", []float64{90, 110, 100}, []float64{100, 100, 125}, "0.90x (0.80–1.10) 2/3", true},
		{"a tie counts as at or below", []float64{100}, []float64{100}, "1.00x (1.00–1.00) 1/1", true},
		{"even count: the mean of the middle two", []float64{1, 2, 3, 4}, []float64{1, 1, 1, 1}, "2.50x (1.00–4.00) 1/4", true},
		{"different sample counts", []float64{1, 2}, []float64{1}, "", false},
		{"no samples", nil, nil, "", false},
		{"a zero sample", []float64{1}, []float64{0}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := paired(tc.mine, tc.theirs)
			if ok != tc.wantPaired {
				t.Fatalf("paired(%v, %v) ok = %v, want %v", tc.mine, tc.theirs, ok, tc.wantPaired)
			}
			if ok && p.String() != tc.want {
				t.Errorf("paired(%v, %v) = %q, want %q", tc.mine, tc.theirs, p.String(), tc.want)
			}
		})
	}
}

func TestPrintPairsPasses(t *testing.T) {
	in := `# date: x
BenchmarkInsert/relstore-2   10   90 ns/op
BenchmarkInsert/memdb-2      10  100 ns/op
BenchmarkInsert/relstore-2   10  130 ns/op
BenchmarkInsert/memdb-2      10  120 ns/op
BenchmarkInsert/relstore-2   10   50 ns/op
BenchmarkInsert/memdb-2      10   60 ns/op
`
	s := &samples{values: map[key]map[string][]float64{}, units: map[key][]string{}}
	if err := s.read(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s.print(&out)
	// Medians 90 vs 100; passes 0.90, 1.08, 0.83.
	for _, want := range []string{
		"| Insert | relstore | ns/op | 0.90x | — | — | — |",
		"| Insert | relstore | ns/op | 0.90x (0.83–1.08) 2/3 | — | — | — |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}

func TestOtherSystemsGetColumns(t *testing.T) {
	in := `BenchmarkRealisticGet/relstore-2   10   150 ns/op
BenchmarkRealisticGet/plain-2      10  100 ns/op
BenchmarkTestCase/relstore-2       10   20 ns/op
BenchmarkTestCase/sqlite-rollback-2 10 100 ns/op
`
	s := &samples{values: map[key]map[string][]float64{}, units: map[key][]string{}}
	if err := s.read(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s.print(&out)
	for _, want := range []string{
		"| benchmark | relstore | metric | memdb | sqlite | map | ristretto | plain | sqlite-rollback |",
		"| RealisticGet | relstore | ns/op | — | — | — | — | 1.50x | — |",
		"| TestCase | relstore | ns/op | — | — | — | — | — | 0.20x |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
}
