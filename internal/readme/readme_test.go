package readme

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// modulePath is the module the snippets import, replaced by this checkout.
const modulePath = "github.com/relstore/relstore"

// A snippet is a fenced Go block of README.md.
type snippet struct {
	line int    // the line of its opening fence, for messages
	code string // its text, with the fence's indentation removed
	// output, when the block is followed by a line "It prints:" and a
	// ```text block, is that block: what the program must print.
	output *string
}

// parseSnippets returns the ```go blocks of a Markdown document, in order.
// A fence may be indented (a block inside a list item): its indentation is
// removed from every line of the block. Blocks of other languages (```sh,
// ```text) are not Go and are skipped, except the ```text block right after
// a line "It prints:" that follows a Go block: it is that block's output.
func parseSnippets(md []byte) ([]snippet, error) {
	var (
		out     []snippet
		cur     *snippet
		indent  string
		buf     strings.Builder
		inNoGo  bool
		prints  bool // the last Go block was followed by "It prints:"
		capture bool // in the ```text block after "It prints:"
		text    strings.Builder
	)
	sc := bufio.NewScanner(bytes.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " \t")
		switch {
		case cur == nil && !inNoGo && strings.HasPrefix(trimmed, "```"):
			lang := strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))
			switch {
			case lang == "go":
				cur = &snippet{line: n}
				indent = line[:len(line)-len(trimmed)]
				buf.Reset()
			case lang == "text" && prints:
				capture = true
				text.Reset()
				inNoGo = true
			default:
				inNoGo = true
			}
			prints = false
		case inNoGo:
			if strings.TrimSpace(trimmed) == "```" {
				inNoGo = false
				if capture {
					s := text.String()
					out[len(out)-1].output = &s
					capture = false
				}
			} else if capture {
				text.WriteString(line)
				text.WriteByte('\n')
			}
		case cur == nil && strings.TrimSpace(line) == "It prints:" && len(out) > 0 && out[len(out)-1].output == nil:
			prints = true
		case cur == nil && strings.TrimSpace(line) != "":
			prints = false
		case cur != nil && strings.TrimSpace(trimmed) == "```":
			cur.code = buf.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			buf.WriteString(strings.TrimPrefix(line, indent))
			buf.WriteByte('\n')
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if cur != nil {
		return nil, fmt.Errorf("README.md:%d: a ```go block is never closed", cur.line)
	}
	return out, nil
}

// TestParseSnippets pins the extraction the other test relies on.
func TestParseSnippets(t *testing.T) {
	md := "text\n```go\npackage main\n```\n\nIt prints:\n\n```text\nhi\n```\n```sh\ngo test\n```\n- item:\n\n  ```go\n  x := 1\n  ```\nnot a print\n\n```text\n```go\n```\n"
	got, err := parseSnippets([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	hi := "hi\n"
	want := []snippet{{line: 2, code: "package main\n", output: &hi}, {line: 16, code: "x := 1\n"}}
	if len(got) != len(want) {
		t.Fatalf("parseSnippets returned %d blocks, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.line != w.line || g.code != w.code || (g.output == nil) != (w.output == nil) || (g.output != nil && *g.output != *w.output) {
			t.Errorf("block %d = {%d %q %v}, want {%d %q %v}", i, g.line, g.code, g.output, w.line, w.code, w.output)
		}
	}
}

var (
	packageClause = regexp.MustCompile(`(?m)^package (\w+)\s*$`)
	testFunc      = regexp.MustCompile(`(?m)^func Test\w*\(t \*testing\.T\)`)
)

// TestSnippets runs every Go block of README.md, each in a module of its own
// that requires this module through a replace directive, as the README's
// install section tells a user to do: a block of package main with go run,
// a test file (another package, with Test functions) with go test. A block
// that is neither (a fragment) fails: make it a complete program, or mark it
// ```text when it is not Go.
//
// It runs offline: GOPROXY=off, so every dependency comes from the module
// cache that building this module filled. It skips only when no go command
// is on PATH, and never when CI is set.
func TestSnippets(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no go command on PATH (%v): the README snippets cannot be checked, and CI must check them", err)
		}
		t.Skipf("no go command on PATH (%v): skipping the README snippets, which need go run and go test", err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if mod, err := os.ReadFile(filepath.Join(root, "go.mod")); err != nil || !bytes.HasPrefix(mod, []byte("module "+modulePath+"\n")) {
		t.Fatalf("%s is not the root of module %s (go.mod: %v)", root, modulePath, err)
	}
	md, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	snippets, err := parseSnippets(md)
	if err != nil {
		t.Fatal(err)
	}
	if len(snippets) == 0 {
		t.Fatal("README.md has no ```go block: has its format changed?")
	}
	for _, sn := range snippets {
		t.Run(fmt.Sprintf("README.md:%d", sn.line), func(t *testing.T) {
			runSnippet(t, goBin, root, sum, sn)
		})
	}
}

// runSnippet writes sn into a fresh module beside a go.mod that replaces
// this module by root, and runs it.
func runSnippet(t *testing.T, goBin, root string, sum []byte, sn snippet) {
	m := packageClause.FindStringSubmatch(sn.code)
	if m == nil {
		t.Fatalf("README.md:%d: the block has no package clause: make it a complete program (package main, imports, models) or mark it ```text if it is not Go", sn.line)
	}
	file, args := "main.go", []string{"run", "."}
	if m[1] != "main" {
		if !testFunc.MatchString(sn.code) {
			t.Fatalf("README.md:%d: package %s has no Test function: a block must be a program (package main) or a test file", sn.line, m[1])
		}
		file, args = "snippet_test.go", []string{"test", "-count=1", "."}
	}
	dir := t.TempDir()
	gomod := fmt.Sprintf("module readme.example/snippet\n\ngo 1.24.0\n\nrequire %s v0.0.0-00010101000000-000000000000\n\nreplace %s => %s\n",
		modulePath, modulePath, filepath.ToSlash(root))
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, file: []byte(sn.code)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GOFLAGS=-mod=mod -buildvcs=false", // let go add the indirect requirements to the snippet's go.mod
		"GOPROXY=off",                      // offline: the module cache has every dependency
		"GOWORK=off",
		"GOTOOLCHAIN=local",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("README.md:%d: go %s: %v\n%s%s", sn.line, strings.Join(args, " "), err, stdout.Bytes(), stderr.Bytes())
	}
	if sn.output != nil && stdout.String() != *sn.output {
		t.Errorf("README.md:%d: the program printed\n%s\nbut the README says it prints\n%s", sn.line, stdout.Bytes(), *sn.output)
	}
}

// exampleRef is a README reference to an Example: `memstore.ExampleNew`.
var exampleRef = regexp.MustCompile("`([a-z]+)\\.(Example\\w*)`")

// TestExampleNames checks that every Example the README names, as
// `package.ExampleName`, is a function of that package's test files, so a
// renamed or removed Example cannot leave the README pointing at nothing.
func TestExampleNames(t *testing.T) {
	root := filepath.Join("..", "..")
	md, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	refs := exampleRef.FindAllSubmatch(md, -1)
	if len(refs) == 0 {
		t.Fatal("README.md names no Example (`package.ExampleName`): has its format changed?")
	}
	for _, r := range refs {
		pkg, name := string(r[1]), string(r[2])
		files, err := filepath.Glob(filepath.Join(root, pkg, "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		decl := []byte("\nfunc " + name + "() {")
		found := false
		for _, f := range files {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(src, decl) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README.md names %s.%s, but no test file of %s declares func %s()", pkg, name, pkg, name)
		}
	}
}
