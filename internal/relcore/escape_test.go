package relcore_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The escape class of a core parameter in memstore's own escape analysis
// (go build -gcflags=-m), which decides how relcore passes it (see the
// package doc): hidden when it does not escape, hidden and rebased when it
// leaks only to a result, hidden with leakContent when only its content
// leaks.
const (
	none    = "does not escape"
	result  = "leaks to a result"
	content = "leaks its content"
)

// hidden lists every core parameter relcore hides from escape analysis,
// by file, receiver type and method (a parameter of a function literal in
// the method counts too: the yield of a sequence), with the class that
// makes hiding it sound.
var hidden = []struct {
	file, recv, method string
	params             map[string]string
}{
	{"relation.go", "relCore", "AppendFK", map[string]string{"buf": result, "src": none}},
	{"relation.go", "relCore", "AppendFKs", map[string]string{"arena": result, "srcs": none, "ends": none, "hashes": none}},
	{"relation.go", "relCore", "AppendKey", map[string]string{"buf": result, "owner": none}},
	{"relation.go", "relCore", "AppendSourceKey", map[string]string{"buf": result, "src": none}},
	{"relation_kinds.go", "relCore", "AppendOwnerPK", map[string]string{"buf": result, "owner": none}},
	{"relation.go", "relCore", "FKIsZero", map[string]string{"src": none}},
	{"relation.go", "relCore", "Owner", map[string]string{"k": none}},
	{"relation.go", "relCore", "OwnerNow", map[string]string{"k": none}},
	{"relation.go", "relCore", "HasChild", map[string]string{"src": none, "k": none}},
	{"relation_kinds.go", "relCore", "Stored", map[string]string{"src": none}},
	{"relation.go", "relCore", "SetFK", map[string]string{"k": none}},
	{"relation_kinds.go", "relCore", "SetFKField", map[string]string{"k": none}},
	{"relation.go", "relCore", "InsertChild", map[string]string{"k": none}},
	{"relation.go", "relCore", "Children", map[string]string{"yield": none}},
	{"relation.go", "relCore", "ChildrenNow", map[string]string{"rows": result}},
	{"relation.go", "relCore", "CopyTarget", map[string]string{"dst": none, "src": content}},
	{"relation.go", "relCore", "CopySource", map[string]string{"dst": none, "src": content, "b": content}},
	{"copyplan.go", "relCore", "SizeTarget", map[string]string{"v": content}},
	{"copyplan.go", "relCore", "CloneSizeTarget", map[string]string{"dst": none, "src": content}},
	{"relation_kinds.go", "relCore", "CloneSizeSource", map[string]string{"dst": none, "src": content}},
	{"relation_kinds.go", "relCore", "AppendLinked", map[string]string{"k": none}},
	{"poly.go", "polyCore", "AppendFK", map[string]string{"buf": result, "src": content}},
	{"poly.go", "polyCore", "Owner", map[string]string{"k": none}},
	{"poly.go", "polyCore", "OwnerNow", map[string]string{"k": none}},
	{"poly.go", "polyCore", "Stored", map[string]string{"src": none}},
	{"poly.go", "polyCore", "SetFK", map[string]string{"k": none}},
	{"poly.go", "polyCore", "InsertChild", map[string]string{"k": none}},
	{"relquery.go", "relQueryCore", "All", map[string]string{"k": none, "yield": none}},
	{"relquery.go", "relQueryCore", "Find", map[string]string{"rows": result}},
	{"relquery.go", "relQueryCore", "Update", map[string]string{"edit": none}},
}

// TestEscapeClasses pins the soundness of hiding: each parameter relcore
// hides is, in memstore's escape analysis, one the core keeps only in its
// frames (never in heap memory, never past the call). If a change to
// memstore makes one escape, this fails: pass that argument as is (and
// expect the caller's allocation), or keep the core from leaking it.
func TestEscapeClasses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds memstore with -gcflags=-m")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-gcflags=github.com/relstore/relstore/memstore=-m", "./memstore")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m: %v\n%s", err, out)
	}
	// The diagnostics of each line of memstore's files.
	diag := map[string][]string{} // "file:line" → messages
	re := regexp.MustCompile(`^memstore/([a-z_]+\.go):(\d+):\d+: (.*)$`)
	for _, l := range strings.Split(string(out), "\n") {
		if m := re.FindStringSubmatch(l); m != nil {
			diag[m[1]+":"+m[2]] = append(diag[m[1]+":"+m[2]], m[3])
		}
	}
	for _, h := range hidden {
		first, last := methodLines(t, filepath.Join(root, "memstore", h.file), h.recv, h.method)
		var msgs []string
		for n := first; n <= last; n++ {
			msgs = append(msgs, diag[h.file+":"+itoa(n)]...)
		}
		for p, want := range h.params {
			if got := classOf(msgs, p); got != want {
				t.Errorf("(*%s).%s: parameter %s %s, relcore hides it as one that %s", h.recv, h.method, p, got, want)
			}
		}
	}
}

// classOf returns the escape class of parameter p in msgs.
func classOf(msgs []string, p string) string {
	var escapes, toResult, leaksContent, notEscape bool
	for _, m := range msgs {
		switch {
		case m == p+" does not escape":
			notEscape = true
		case m == "leaking param: "+p:
			escapes = true
		case strings.HasPrefix(m, "leaking param: "+p+" to result "):
			toResult = true
		case m == "leaking param content: "+p:
			leaksContent = true
		}
	}
	switch {
	case escapes:
		return "escapes"
	case toResult:
		return result
	case leaksContent:
		return content
	case notEscape:
		return none
	}
	return "is not reported"
}

// methodLines returns the lines of the method recv.method in file: from its
// func line to the line before the next top-level declaration.
func methodLines(t *testing.T, file, recv, method string) (first, last int) {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	head := regexp.MustCompile(`^func \([a-z]+ \*` + recv + `\) ` + method + `\(`)
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		switch {
		case first == 0 && head.MatchString(l):
			first = n
		case first != 0 && l == "}":
			return first, n
		}
	}
	t.Fatalf("%s: no method (*%s).%s", file, recv, method)
	return 0, 0
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		if n /= 10; n == 0 {
			return string(b[i:])
		}
	}
}
