package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

var (
	tableSystems = []string{"relstore", "json-server", "loopback"}
	tableCases   = []string{"list", "get", "create"}
	caseTitles   = map[string]string{
		"list":   "(a) list: orders of a status, a page of 20 in id order",
		"get":    "(b) get by id with include: an order, its customer and its items",
		"create": "(c) create: one order (relstore checks its customer exists)",
	}
)

// tableMain prints the results of run's -out files as Markdown: one row per
// case and system, then relstore's ratios to each other system.
func tableMain(files []string, w io.Writer) error {
	got := make(map[[2]string]result)
	var last result
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var r result
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", name, err)
			}
			got[[2]string{r.System, r.Case}] = r // a later line wins
			last = r
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	if len(got) == 0 {
		return fmt.Errorf("table: no results in %s", strings.Join(files, " "))
	}
	fmt.Fprintf(w, "%d customers, %d orders, %d items; %d clients, closed loop; %gs warm-up, %gs measured per case.\n\n",
		last.Rows[0], last.Rows[1], last.Rows[2], last.Clients, last.Warmup, last.Seconds)
	fmt.Fprintln(w, "| case | system | req/s | requests | p50 ms | p90 ms | p99 ms | max ms | errors | load avg (1 min) before → after |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|--:|--:|--:|--:|---|")
	for _, c := range tableCases {
		for _, s := range tableSystems {
			r, ok := got[[2]string{s, c}]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "| %s | %s | %.0f | %d | %s | %s | %s | %s | %d | %s → %s |\n", c, s, r.RPS, r.Requests,
				num(r.P50), num(r.P90), num(r.P99), num(r.Max), r.Errors, r.Load[0], r.Load[1])
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "relstore against each: req/s as relstore's over the other's (higher is better for relstore), p50 and p99 as the other's over relstore's (higher: relstore's latency is lower).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| case | vs | req/s ratio | p50 ratio | p99 ratio | goal (≥ 5x req/s, lower p99) |")
	fmt.Fprintln(w, "|---|---|--:|--:|--:|---|")
	for _, c := range tableCases {
		rs, ok := got[[2]string{"relstore", c}]
		if !ok {
			continue
		}
		for _, s := range tableSystems[1:] {
			o, ok := got[[2]string{s, c}]
			if !ok || o.RPS == 0 || rs.P50 == 0 || rs.P99 == 0 {
				continue
			}
			goal := ""
			if s == "json-server" {
				goal = "met"
				if rs.RPS < 5*o.RPS || rs.P99 >= o.P99 {
					goal = "not met"
				}
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", c, s, ratio(rs.RPS/o.RPS), ratio(o.P50/rs.P50), ratio(o.P99/rs.P99), goal)
		}
	}
	var errs []string
	for _, c := range tableCases {
		for _, s := range tableSystems {
			if r := got[[2]string{s, c}]; r.Errors > 0 {
				errs = append(errs, fmt.Sprintf("%s %s: %d errors, first: %s", s, c, r.Errors, r.Error))
			}
		}
	}
	if len(errs) > 0 {
		fmt.Fprintf(w, "\nErrors (not counted in req/s):\n\n- %s\n", strings.Join(errs, "\n- "))
	}
	fmt.Fprintln(w)
	for _, c := range tableCases {
		fmt.Fprintf(w, "- %s\n", caseTitles[c])
	}
	return nil
}

// ratio prints r with two significant digits (three above 10).
func ratio(r float64) string {
	if r < 0.995 {
		return fmt.Sprintf("%.2fx", r)
	}
	return fmt.Sprintf("%.1fx", r)
}

// num prints a latency in milliseconds with three significant digits.
func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}
