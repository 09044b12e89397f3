package like

import "errors"

// ErrTrailingEscape is returned by Compile for a pattern that ends with a
// lone backslash (PostgreSQL: "LIKE pattern must not end with escape
// character").
var ErrTrailingEscape = errors.New("like: pattern must not end with an escape character")
