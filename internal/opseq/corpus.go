package opseq

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ParseCorpusFile returns the input of a go test fuzz corpus file ("go test
// fuzz v1" followed by one []byte("...") line), so that other harnesses can
// replay the files FuzzOps keeps under testdata/fuzz/FuzzOps.
func ParseCorpusFile(b []byte) ([]byte, error) {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 2 || strings.TrimSpace(lines[0]) != "go test fuzz v1" {
		return nil, errors.New("opseq: not a go test fuzz v1 file with one value")
	}
	v := strings.TrimSpace(lines[1])
	if !strings.HasPrefix(v, "[]byte(") || !strings.HasSuffix(v, ")") {
		return nil, fmt.Errorf("opseq: corpus value %.40q is not a []byte", v)
	}
	s, err := strconv.Unquote(v[len("[]byte(") : len(v)-1])
	if err != nil {
		return nil, fmt.Errorf("opseq: corpus value: %w", err)
	}
	return []byte(s), nil
}
