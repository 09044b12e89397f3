// Package like matches strings against SQL LIKE patterns with PostgreSQL's
// semantics, without a regular expression and in time linear in the length
// of the string.
//
// A pattern is a sequence of characters: % matches any sequence of zero or
// more characters, _ matches exactly one character, a backslash makes the
// character after it literal (\%, \_, \\; a backslash before an ordinary
// character is that character), and every other character matches itself.
// The pattern matches the whole string. A pattern that ends with a lone
// backslash is refused, as PostgreSQL refuses it.
//
// Characters are UTF-8 code points; a byte that is not part of a valid UTF-8
// sequence counts as one character, equal only to the same byte. LIKE
// compares characters exactly; ILIKE (Compile with fold) compares them under
// Unicode simple case folding, the rule of strings.EqualFold applied to one
// character at a time.
//
// A Pattern is immutable and safe for concurrent use.
package like

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// anyChar marks a _ in a segment's characters.
const anyChar rune = -1

// invalidBase maps an invalid UTF-8 byte b to the character invalidBase+b,
// outside Unicode, so that it equals only the same byte (utf8.RuneError would
// make every invalid byte equal to every other and to U+FFFD).
const invalidBase rune = unicode.MaxRune + 1

// Pattern is a compiled LIKE pattern.
type Pattern struct {
	fold bool
	// anchored: the pattern has no %; segs[0] must match the whole string.
	anchored bool
	// segs are the pieces between runs of %. Without %, one segment. With
	// %, segs[0] is anchored at the start and segs[len-1] at the end (both
	// may be empty) and the others float.
	segs []*segment
}

// segment is a run of literal characters and _ between two runs of %.
type segment struct {
	chars []rune // pattern characters (folded when the pattern folds), anyChar for _
	// lit holds the segment's bytes when the segment is a plain literal that
	// byte search can find: no _, no folding, valid UTF-8. In valid UTF-8
	// a byte match of a valid literal always starts and ends on character
	// boundaries, so byte search and character search agree.
	lit    string
	useLit bool
	// Shift-and tables for finding a floating segment, built only for
	// floating segments that cannot use lit. An ASCII character's mask is
	// looked up as it is read (folded already when the pattern folds); a
	// segment of up to 64 characters has its masks in ascii1, one word each.
	words    int
	ascii1   [128]uint64
	ascii    []uint64 // 128*words: the mask of each ASCII character
	other    []otherMask
	wildMask []uint64 // words: the positions of _
}

type otherMask struct {
	c    rune
	mask []uint64
}

// Compile parses a LIKE pattern; fold makes it an ILIKE pattern. The only
// error is ErrTrailingEscape.
func Compile(pattern string, fold bool) (*Pattern, error) {
	p := &Pattern{fold: fold, anchored: true}
	cur := &segment{}
	var litb strings.Builder
	for i := 0; i < len(pattern); {
		c, w := decode(pattern, i)
		i += w
		switch c {
		case '%':
			p.segs = append(p.segs, finish(cur, litb.String(), fold))
			litb.Reset()
			cur = &segment{}
			p.anchored = false
			for i < len(pattern) && pattern[i] == '%' {
				i++
			}
			continue
		case '_':
			cur.chars = append(cur.chars, anyChar)
			continue
		case '\\':
			if i >= len(pattern) {
				return nil, ErrTrailingEscape
			}
			c, w = decode(pattern, i)
			i += w
		}
		if c >= invalidBase {
			litb.WriteByte(byte(c - invalidBase))
		} else {
			litb.WriteRune(c)
		}
		if fold {
			c = canon(c)
		}
		cur.chars = append(cur.chars, c)
	}
	p.segs = append(p.segs, finish(cur, litb.String(), fold))
	for i, s := range p.segs {
		if !p.anchored && i > 0 && i < len(p.segs)-1 && !s.useLit {
			s.buildMasks(fold)
		}
	}
	return p, nil
}

// finish records whether the segment can be matched as bytes. lit holds the
// literal characters' bytes (meaningful only when the segment has no _).
func finish(s *segment, lit string, fold bool) *segment {
	if fold || !utf8.ValidString(lit) {
		return s
	}
	for _, c := range s.chars {
		if c == anyChar {
			return s
		}
	}
	s.lit, s.useLit = lit, true
	return s
}

// LiteralPrefix returns the literal that every matching string begins with,
// and whether the pattern is that literal alone (no % or _). An ILIKE
// pattern has no literal prefix (its matches may differ in case). A planner
// can narrow a scan of an ordered index to the strings with the prefix, then
// check each with Match.
func (p *Pattern) LiteralPrefix() (prefix string, complete bool) {
	if p.fold {
		return "", false
	}
	s := p.segs[0]
	var b strings.Builder
	for _, c := range s.chars {
		if c == anyChar {
			return b.String(), false
		}
		if c >= invalidBase {
			b.WriteByte(byte(c - invalidBase))
		} else {
			b.WriteRune(c)
		}
	}
	return b.String(), p.anchored
}

// Match reports whether s matches the whole pattern.
func (p *Pattern) Match(s string) bool {
	first := p.segs[0]
	if p.anchored {
		if first.useLit {
			return s == first.lit
		}
		end, ok := first.matchAt(s, 0, p.fold)
		return ok && end == len(s)
	}
	pos := 0
	if len(first.chars) > 0 {
		if first.useLit {
			if !strings.HasPrefix(s, first.lit) {
				return false
			}
			pos = len(first.lit)
		} else {
			end, ok := first.matchAt(s, 0, p.fold)
			if !ok {
				return false
			}
			pos = end
		}
	}
	limit := len(s)
	last := p.segs[len(p.segs)-1]
	if len(last.chars) > 0 {
		start, ok := last.suffixStart(s, pos, p.fold)
		if !ok {
			return false
		}
		limit = start
	}
	// Greedy: each floating segment at its leftmost occurrence. Every
	// occurrence of a segment spans the same number of characters, so the
	// leftmost one ends first and leaves the most room for the rest; if it
	// cannot be followed, no later occurrence can.
	for _, seg := range p.segs[1 : len(p.segs)-1] {
		var end int
		if seg.useLit {
			i := strings.Index(s[pos:limit], seg.lit)
			if i < 0 {
				return false
			}
			end = pos + i + len(seg.lit)
		} else {
			end = seg.find(s[:limit], pos, p.fold)
			if end < 0 {
				return false
			}
		}
		pos = end
	}
	return true
}

// matchAt matches the segment at byte offset i of s and returns where the
// match ends.
func (seg *segment) matchAt(s string, i int, fold bool) (int, bool) {
	for _, pc := range seg.chars {
		if i >= len(s) {
			return 0, false
		}
		c, w := decode(s, i)
		i += w
		if pc == anyChar {
			continue
		}
		if fold {
			c = canon(c)
		}
		if c != pc {
			return 0, false
		}
	}
	return i, true
}

// suffixStart matches the segment against the end of s, starting no earlier
// than min, and returns the byte offset where the match starts.
func (seg *segment) suffixStart(s string, min int, fold bool) (int, bool) {
	if seg.useLit {
		if len(s)-len(seg.lit) < min || !strings.HasSuffix(s, seg.lit) {
			return 0, false
		}
		return len(s) - len(seg.lit), true
	}
	start := len(s)
	for range seg.chars {
		if start <= min {
			return 0, false
		}
		_, w := decodeLast(s[:start])
		start -= w
	}
	if start < min {
		return 0, false
	}
	end, ok := seg.matchAt(s, start, fold)
	return start, ok && end == len(s)
}

// buildMasks prepares the shift-and tables: bit j of the mask of character
// c is set when the segment's j-th character matches c.
func (seg *segment) buildMasks(fold bool) {
	n := len(seg.chars)
	seg.words = (n + 63) / 64
	seg.wildMask = make([]uint64, seg.words)
	for j, c := range seg.chars {
		if c == anyChar {
			seg.wildMask[j/64] |= 1 << (j % 64)
		}
	}
	seg.ascii = make([]uint64, 128*seg.words)
	for c := range 128 {
		copy(seg.ascii[c*seg.words:], seg.wildMask)
	}
	for j, c := range seg.chars {
		switch {
		case c == anyChar:
		case c < utf8.RuneSelf:
			seg.ascii[int(c)*seg.words+j/64] |= 1 << (j % 64)
			if fold && 'A' <= c && c <= 'Z' { // canon maps a-z to A-Z
				lower := c - 'A' + 'a'
				seg.ascii[int(lower)*seg.words+j/64] |= 1 << (j % 64)
			}
		default:
			k := 0
			for k < len(seg.other) && seg.other[k].c != c {
				k++
			}
			if k == len(seg.other) {
				m := make([]uint64, seg.words)
				copy(m, seg.wildMask)
				seg.other = append(seg.other, otherMask{c: c, mask: m})
			}
			seg.other[k].mask[j/64] |= 1 << (j % 64)
		}
	}
	if seg.words == 1 {
		for c := range 128 {
			seg.ascii1[c] = seg.ascii[c]
		}
	}
}

// mask returns the shift-and mask of character c (already folded).
func (seg *segment) mask(c rune) []uint64 {
	if c < utf8.RuneSelf {
		return seg.ascii[int(c)*seg.words : int(c+1)*seg.words]
	}
	for i := range seg.other {
		if seg.other[i].c == c {
			return seg.other[i].mask
		}
	}
	return seg.wildMask
}

// find returns the end of the leftmost occurrence of the segment in s at or
// after byte offset pos, or -1. Shift-and: bit j of d is set when the last
// j+1 characters read match the segment's first j+1; one pass over s, with
// ceil(len/64) words of work per character.
func (seg *segment) find(s string, pos int, fold bool) int {
	n := len(seg.chars)
	if seg.words == 1 {
		var d uint64
		top := uint64(1) << (n - 1)
		for i := pos; i < len(s); {
			var m uint64
			if b := s[i]; b < utf8.RuneSelf {
				m = seg.ascii1[b]
				i++
			} else {
				c, w := decode(s, i)
				i += w
				if fold {
					c = canon(c)
				}
				m = seg.mask(c)[0]
			}
			d = (d<<1 | 1) & m
			if d&top != 0 {
				return i
			}
		}
		return -1
	}
	var buf [4]uint64
	d := buf[:0]
	if seg.words <= len(buf) {
		d = buf[:seg.words]
	} else {
		d = make([]uint64, seg.words)
	}
	topWord, topBit := (n-1)/64, uint64(1)<<((n-1)%64)
	for i := pos; i < len(s); {
		c, w := decode(s, i)
		i += w
		if fold && c >= utf8.RuneSelf {
			c = canon(c) // ASCII: folded in the table
		}
		m := seg.mask(c)
		carry := uint64(1)
		for k := range d {
			next := d[k] >> 63
			d[k] = (d[k]<<1 | carry) & m[k]
			carry = next
		}
		if d[topWord]&topBit != 0 {
			return i
		}
	}
	return -1
}

// decode returns the character at byte offset i of s and its width.
func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	c, w := utf8.DecodeRuneInString(s[i:])
	if c == utf8.RuneError && w == 1 {
		return invalidBase + rune(s[i]), 1
	}
	return c, w
}

// decodeLast returns the last character of s and its width. It splits s
// into the same characters as decode does from the start: a valid sequence
// is one character wherever it is read from, and every other byte is one.
func decodeLast(s string) (rune, int) {
	if c := s[len(s)-1]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	c, w := utf8.DecodeLastRuneInString(s)
	if c == utf8.RuneError && w == 1 {
		return invalidBase + rune(s[len(s)-1]), 1
	}
	return c, w
}

// canon maps c to the smallest character of its simple case folding orbit,
// so that two characters are equal under simple folding exactly when their
// canon values are equal.
func canon(c rune) rune {
	if c < utf8.RuneSelf {
		if 'a' <= c && c <= 'z' {
			return c - 'a' + 'A'
		}
		return c
	}
	if c > unicode.MaxRune {
		return c
	}
	min := c
	for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
		if f < min {
			min = f
		}
	}
	return min
}
