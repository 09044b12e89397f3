package lbmodel

import (
	"regexp"
	"strings"
)

// Plural returns the English plural of a model name by the rules of the
// inflection package that LoopBack 3 uses (the common ones: Category →
// Categories, Address → Addresses, Person → People, Sheep → Sheep). Set
// "plural" in a definition where it guesses wrong.
func Plural(name string) string {
	lower := strings.ToLower(name)
	for _, u := range uncountable {
		if strings.HasSuffix(lower, u) {
			return name
		}
	}
	for _, ir := range irregular {
		if strings.HasSuffix(lower, ir[0]) {
			start := len(name) - len(ir[0])
			plural := ir[1]
			if start < len(name) && name[start] >= 'A' && name[start] <= 'Z' {
				plural = strings.ToUpper(plural[:1]) + plural[1:]
			}
			return name[:start] + plural
		}
	}
	for _, r := range pluralRules {
		if r.re.MatchString(name) {
			return r.re.ReplaceAllString(name, r.repl)
		}
	}
	return name + "s"
}

var uncountable = []string{"equipment", "information", "rice", "money", "species", "series", "fish", "sheep", "moose", "deer", "news", "jeans", "police"}

var irregular = [][2]string{{"person", "people"}, {"man", "men"}, {"child", "children"}, {"sex", "sexes"}, {"move", "moves"}, {"cow", "kine"}, {"zombie", "zombies"}}

// pluralRules are tried in order; the first match wins.
var pluralRules = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(?i)(quiz)$`), "${1}zes"},
	{regexp.MustCompile(`(?i)^(ox)$`), "${1}en"},
	{regexp.MustCompile(`(?i)([m|l])ouse$`), "${1}ice"},
	{regexp.MustCompile(`(?i)(matr|vert|ind)(?:ix|ex)$`), "${1}ices"},
	{regexp.MustCompile(`(?i)(x|ch|ss|sh)$`), "${1}es"},
	{regexp.MustCompile(`(?i)([^aeiouy]|qu)y$`), "${1}ies"},
	{regexp.MustCompile(`(?i)(hive)$`), "${1}s"},
	{regexp.MustCompile(`(?i)([lr])f$`), "${1}ves"},
	{regexp.MustCompile(`(?i)([^f])fe$`), "${1}ves"},
	{regexp.MustCompile(`(?i)sis$`), "ses"},
	{regexp.MustCompile(`(?i)([ti])um$`), "${1}a"},
	{regexp.MustCompile(`(?i)(buffal|tomat|potat)o$`), "${1}oes"},
	{regexp.MustCompile(`(?i)(bu)s$`), "${1}ses"},
	{regexp.MustCompile(`(?i)(alias|status)$`), "${1}es"},
	{regexp.MustCompile(`(?i)(octop|vir)us$`), "${1}i"},
	{regexp.MustCompile(`(?i)(ax|test)is$`), "${1}es"},
	{regexp.MustCompile(`(?i)s$`), "s"},
}
