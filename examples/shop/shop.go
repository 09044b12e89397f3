// Package shop is the example that `relstore serve` runs when it is given
// no models: a shop of customers, their orders and addresses, order items,
// products in a category tree, and tags linked to products through a link
// model, as LoopBack 3 model definitions (models/*.json) with seed data
// (data.json, in the data file's format; see package datafile).
package shop

import (
	"embed"
	"io/fs"
)

//go:embed models/*.json data.json
var files embed.FS

// Models returns the model definitions: an fs.FS whose root holds the
// *.json files, for lbmodel.Load.
func Models() fs.FS {
	sub, err := fs.Sub(files, "models")
	if err != nil {
		panic(err) // the embedded directory exists: a broken build
	}
	return sub
}

// Data returns the seed data, in the data file's format.
func Data() []byte {
	b, err := files.ReadFile("data.json")
	if err != nil {
		panic(err)
	}
	return b
}
