package filter_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/relstore/relstore/filter"
)

// FuzzParse checks the JSON parser's promises: it never panics; every
// refusal is an *Error matching ErrInvalid; what parses is valid, prints
// back to JSON that parses to an equal filter, and prints the same again.
func FuzzParse(f *testing.F) {
	for _, tt := range parseCases {
		f.Add([]byte(tt.json))
	}
	f.Add([]byte(`{"where":{"or":[{"and":[{"a":{"gt":1,"lt":5}},{"b":null}]},{"c":{"regexp":"/x/gim"}}]}}`))
	f.Add([]byte(`{"include":{"a":{"b":{"relation":"c","scope":{"include":["d",{"e":true}]}}}}}`))
	f.Add([]byte(`{"where":{"a":{"like":"\\%_%"}},"after":[null],"order":"b desc","limit":1e2}`))
	f.Add([]byte(`{"where":{"a":"\ud800"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		f, err := filter.Parse(data)
		if err != nil {
			var fe *filter.Error
			if !errors.Is(err, filter.ErrInvalid) || !errors.As(err, &fe) {
				t.Fatalf("Parse(%q) error %v (%T) does not match ErrInvalid as an *Error", data, err, err)
			}
			if !strings.HasPrefix(err.Error(), "filter: ") || fe.Reason == "" {
				t.Fatalf("Parse(%q) error %q has no reason", data, err)
			}
			return
		}
		_ = f
		checkRoundTrip(t, data)
	})
}

// FuzzParseQuery checks ParseQuery the same way, on query strings.
func FuzzParseQuery(f *testing.F) {
	f.Add("filter[where][a]=1&filter[where][b][gt]=2&filter[order]=a%20DESC&filter[limit]=5")
	f.Add("filter[where][id][inq][0]=1&filter[where][id][inq][1]=2&filter[include][0][relation]=x&filter[include][0][scope][limit]=1")
	f.Add(`filter={"where":{"a":{"neq":null}}}`)
	f.Add("filter[where][or][0][a]=1&filter[where][or][1][b][like]=x%25&filter[fields][a]=true&filter[after][]=3")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		f, err := filter.ParseQuery(q)
		if err != nil {
			if !errors.Is(err, filter.ErrInvalid) {
				t.Fatalf("ParseQuery(%q) error %v does not match ErrInvalid", raw, err)
			}
			return
		}
		if err := f.Validate(); err != nil {
			t.Fatalf("ParseQuery(%q) is invalid: %v", raw, err)
		}
		if _, err := f.MarshalJSON(); err != nil {
			t.Fatalf("MarshalJSON(ParseQuery(%q)): %v", raw, err)
		}
	})
}
