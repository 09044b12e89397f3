package filter

import (
	"regexp"
	"strings"
)

// CompileRegexp compiles the operand of a regexp condition. The pattern is
// Go's RE2 syntax (package regexp), which shares JavaScript's common syntax
// (classes, \d \w \s \b, anchors, groups, repetition, (?i)) but refuses
// lookaround and backreferences, so a JavaScript pattern that uses them is an
// error; write \x{263A} where JavaScript writes \u263A.
//
// A pattern that starts with / and has another / followed only by letters is
// LoopBack's "/pattern/flags" form, with flags among i (case-insensitive, by
// Unicode simple folding), m (multi-line: ^ and $ match at line breaks) and g
// (accepted and ignored: a condition matches or not); any other flag is an
// error, as in LoopBack. Any other string is the pattern itself, with no
// flags. The result matches when the pattern occurs anywhere in a string
// (anchor with ^ and $). Errors are *Error with an empty Path.
func CompileRegexp(pattern string) (*regexp.Regexp, error) {
	body, flags := pattern, ""
	if strings.HasPrefix(pattern, "/") {
		if i := strings.LastIndexByte(pattern, '/'); i > 0 && onlyLetters(pattern[i+1:]) {
			body, flags = pattern[1:i], pattern[i+1:]
		}
	}
	var prefix strings.Builder
	for _, f := range flags {
		switch f {
		case 'i', 'm':
			if !strings.ContainsRune(prefix.String(), f) {
				prefix.WriteRune(f)
			}
		case 'g':
		default:
			return nil, errorf("", "invalid regexp flag %q in %s (want i, m or g)", f, quote(pattern))
		}
	}
	if prefix.Len() > 0 {
		body = "(?" + prefix.String() + ")" + body
	}
	re, err := regexp.Compile(body)
	if err != nil {
		return nil, errorf("", "invalid regexp %s: %v", quote(pattern), strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	return re, nil
}

func onlyLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
