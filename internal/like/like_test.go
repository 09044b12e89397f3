package like

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func mustCompile(tb testing.TB, pattern string, fold bool) *Pattern {
	tb.Helper()
	p, err := Compile(pattern, fold)
	if err != nil {
		tb.Fatalf("Compile(%q, %v): %v", pattern, fold, err)
	}
	return p
}

func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		fold    bool
		yes     []string
		no      []string
	}{
		{"empty pattern matches only the empty string", "", false, []string{""}, []string{"a", " "}},
		{"literal is whole-string equality", "abc", false, []string{"abc"}, []string{"ab", "abcd", "xabc", "ABC"}},
		{"percent alone matches everything", "%", false, []string{"", "a", "anything at all"}, nil},
		{"runs of percent collapse", "a%%%b", false, []string{"ab", "axxb"}, []string{"a", "ba"}},
		{"prefix", "abc%", false, []string{"abc", "abcdef"}, []string{"ab", "xabc", "Abc"}},
		{"suffix", "%abc", false, []string{"abc", "xxabc"}, []string{"abcx", "ab"}},
		{"contains", "%abc%", false, []string{"abc", "xabcx", "ababc"}, []string{"ab c", "acb"}},
		{"underscore is one character", "a_c", false, []string{"abc", "a-c", "aéc", "a☃c"}, []string{"ac", "abbc"}},
		{"underscore only", "___", false, []string{"abc", "é☃x"}, []string{"ab", "abcd"}},
		{"underscore with percent", "%a_c%", false, []string{"xxabcxx", "a c"}, []string{"ac", "xxacxx"}},
		{"prefix and suffix must not overlap", "ab%ba", false, []string{"abba", "abxba"}, []string{"aba", "ab"}},
		{"prefix and suffix share nothing", "a%a", false, []string{"aa", "aba"}, []string{"a"}},
		{"several floating pieces in order", "%a%b%c%", false, []string{"abc", "xaxbxcx"}, []string{"cba", "acb"}},
		{"greedy leftmost is enough", "%ab%abc", false, []string{"ababc", "abxabc"}, []string{"abc"}},
		{"escaped percent is literal", `100\%`, false, []string{"100%"}, []string{"100", "1000"}},
		{"escaped underscore is literal", `a\_b`, false, []string{"a_b"}, []string{"axb"}},
		{"escaped backslash", `a\\b`, false, []string{`a\b`}, []string{`ab`, `a\\b`}},
		{"backslash before an ordinary character", `\a\b`, false, []string{"ab"}, []string{`\a\b`}},
		{"like is case-sensitive", "%Post%", false, []string{"a Post"}, []string{"a post", "a POST"}},
		{"ilike folds ASCII", "%post%", true, []string{"a Post", "POST", "post"}, []string{"pst"}},
		{"ilike folds non-ASCII", "élan%", true, []string{"ÉLAN vital", "élan"}, []string{"elan"}},
		{"ilike simple folding: Kelvin sign", "k", true, []string{"k", "K", "\u212a"}, []string{"x"}},
		{"ilike simple folding: long s", "%s", true, []string{"s", "S", "\u017f"}, nil},
		{"ilike with underscore", "a_C", true, []string{"AbC", "abc"}, []string{"ac"}},
		{"ilike exact", "straße", true, []string{"STRAẞE", "straße"}, []string{"strasse"}},
		{"ilike floating piece", "%ÉT_%", true, []string{"xxétéxx"}, []string{"xxetexx"}},
		{"invalid byte equals only itself", "a\xffb", false, []string{"a\xffb"}, []string{"a\xfeb", "a\ufffdb"}},
		{"invalid byte in a floating piece", "%\xff%", false, []string{"x\xffy"}, []string{"x\ufffdy"}},
		{"underscore matches an invalid byte", "a_b", false, []string{"a\xffb"}, []string{"a\xff\xffb"}},
		{"truncated sequence is one character per byte", "a__", false, []string{"a\xe2\x82"}, []string{"a\xe2\x82\xac"}},
		{"suffix after a truncated sequence", "%\u20ac", false, []string{"\xe2\xe2\x82\xac"}, []string{"\xe2\x82"}},
		{"long floating piece (two words)", "%" + strings.Repeat("ab_", 30) + "%", false,
			[]string{"xx" + strings.Repeat("abz", 30) + "yy"}, []string{strings.Repeat("abz", 29)}},
		{"long floating ilike piece", "%" + strings.Repeat("Xy", 40) + "%", true,
			[]string{"-" + strings.Repeat("xY", 40) + "-"}, []string{strings.Repeat("xY", 39)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustCompile(t, tt.pattern, tt.fold)
			for _, s := range tt.yes {
				if !p.Match(s) {
					t.Errorf("Compile(%q, %v).Match(%q) = false, want true", tt.pattern, tt.fold, s)
				}
				if got := refMatch(tt.pattern, s, tt.fold); !got {
					t.Errorf("reference(%q, %q) = false; the test case is wrong", tt.pattern, s)
				}
			}
			for _, s := range tt.no {
				if p.Match(s) {
					t.Errorf("Compile(%q, %v).Match(%q) = true, want false", tt.pattern, tt.fold, s)
				}
				if got := refMatch(tt.pattern, s, tt.fold); got {
					t.Errorf("reference(%q, %q) = true; the test case is wrong", tt.pattern, s)
				}
			}
		})
	}
}

func TestCompileTrailingEscape(t *testing.T) {
	for _, pattern := range []string{`\`, `abc\`, `%\`, `a\\\`} {
		_, err := Compile(pattern, false)
		if !errors.Is(err, ErrTrailingEscape) {
			t.Errorf("Compile(%q) error = %v, want ErrTrailingEscape", pattern, err)
		}
	}
	if _, err := Compile(`a\\`, false); err != nil {
		t.Errorf(`Compile("a\\\\") = %v, want nil (an escaped backslash)`, err)
	}
}

func TestLiteralPrefix(t *testing.T) {
	tests := []struct {
		pattern  string
		fold     bool
		prefix   string
		complete bool
	}{
		{"abc", false, "abc", true},
		{"abc%", false, "abc", false},
		{"ab_c%", false, "ab", false},
		{"%abc", false, "", false},
		{`50\%%`, false, "50%", false},
		{`a\_b`, false, "a_b", true},
		{"", false, "", true},
		{"abc%", true, "", false},
		{"a\xffb%", false, "a\xffb", false},
	}
	for _, tt := range tests {
		prefix, complete := mustCompile(t, tt.pattern, tt.fold).LiteralPrefix()
		if prefix != tt.prefix || complete != tt.complete {
			t.Errorf("Compile(%q, %v).LiteralPrefix() = %q, %v, want %q, %v",
				tt.pattern, tt.fold, prefix, complete, tt.prefix, tt.complete)
		}
	}
}

// refMatch is the definition: dynamic programming over characters decoded
// from the start, with the same escape rule.
func refMatch(pattern, s string, fold bool) bool {
	type pc struct {
		c    rune
		kind byte // 'l' literal, '_' one, '%' any
	}
	var pat []pc
	for i := 0; i < len(pattern); {
		c, w := decode(pattern, i)
		i += w
		switch c {
		case '%':
			pat = append(pat, pc{kind: '%'})
			continue
		case '_':
			pat = append(pat, pc{kind: '_'})
			continue
		case '\\':
			c, w = decode(pattern, i)
			i += w
		}
		pat = append(pat, pc{c: c, kind: 'l'})
	}
	var str []rune
	for i := 0; i < len(s); {
		c, w := decode(s, i)
		i += w
		str = append(str, c)
	}
	eq := func(a, b rune) bool {
		if fold {
			return canon(a) == canon(b)
		}
		return a == b
	}
	// m[j] after row i: pat[:j] matches str[:i].
	m := make([]bool, len(pat)+1)
	m[0] = true
	for j := 1; j <= len(pat); j++ {
		m[j] = m[j-1] && pat[j-1].kind == '%'
	}
	for i := 1; i <= len(str); i++ {
		prev := m[0]
		m[0] = false
		for j := 1; j <= len(pat); j++ {
			cur := m[j]
			switch p := pat[j-1]; p.kind {
			case '%':
				m[j] = m[j-1] || cur
			case '_':
				m[j] = prev
			default:
				m[j] = prev && eq(p.c, str[i-1])
			}
			prev = cur
		}
	}
	return m[len(pat)]
}

// regexpFor translates a LIKE pattern into an anchored regexp: the
// independent reference for valid UTF-8, where Go's (?i) is simple folding.
func regexpFor(pattern string, fold bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^(?s)`)
	if fold {
		b.WriteString(`(?i)`)
	}
	for i := 0; i < len(pattern); {
		c, w := utf8.DecodeRuneInString(pattern[i:])
		i += w
		switch c {
		case '%':
			b.WriteString(`.*`)
			continue
		case '_':
			b.WriteString(`.`)
			continue
		case '\\':
			c, w = utf8.DecodeRuneInString(pattern[i:])
			i += w
		}
		b.WriteString(regexp.QuoteMeta(string(c)))
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func FuzzMatch(f *testing.F) {
	f.Add("%a_c%", "xxabcxx", false)
	f.Add("ab%ba", "aba", false)
	f.Add("%ÉT_%", "xxétéxx", true)
	f.Add("a\xffb%", "a\xffbc", false)
	f.Add("%\u20ac", "\xe2\xe2\x82\xac", false)
	f.Add("%"+strings.Repeat("a_", 40)+"%", strings.Repeat("ab", 41), true)
	f.Fuzz(func(t *testing.T, pattern, s string, fold bool) {
		p, err := Compile(pattern, fold)
		if err != nil {
			if !errors.Is(err, ErrTrailingEscape) {
				t.Fatalf("Compile(%q) = %v", pattern, err)
			}
			return
		}
		got := p.Match(s)
		if want := refMatch(pattern, s, fold); got != want {
			t.Fatalf("Compile(%q, %v).Match(%q) = %v, reference says %v", pattern, fold, s, got, want)
		}
		if utf8.ValidString(pattern) && utf8.ValidString(s) {
			if want := regexpFor(pattern, fold).MatchString(s); got != want {
				t.Fatalf("Compile(%q, %v).Match(%q) = %v, regexp says %v", pattern, fold, s, got, want)
			}
		}
		if prefix, complete := p.LiteralPrefix(); got {
			if !strings.HasPrefix(s, prefix) || (complete && s != prefix) {
				t.Fatalf("Compile(%q).LiteralPrefix() = %q, %v, but %q matches", pattern, prefix, complete, s)
			}
		}
	})
}

// BenchmarkMatch compares Match with the equivalent compiled regexp, one
// match per iteration, on a 1 KiB string whose match (if any) is at the end.
func BenchmarkMatch(b *testing.B) {
	text := strings.Repeat("lorem ipsum dolor sit amet ", 38) + "The Needle in It"
	cases := []struct {
		name    string
		pattern string
		fold    bool
	}{
		{"prefix", "lorem ipsum%", false},
		{"contains", "%Needle%", false},
		{"contains-miss", "%haystack%", false},
		{"underscore", "%N_edle%", false},
		{"ilike-contains", "%nEEDLE%", true},
		{"suffix", "%in It", false},
		{"two-pieces", "%dolor%Needle%", false},
	}
	for _, c := range cases {
		p := mustCompile(b, c.pattern, c.fold)
		re := regexpFor(c.pattern, c.fold)
		if p.Match(text) != re.MatchString(text) {
			b.Fatalf("%s: like and regexp disagree", c.name)
		}
		b.Run(c.name+"/like", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.Match(text)
			}
		})
		b.Run(c.name+"/regexp", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				re.MatchString(text)
			}
		})
	}
}
