//go:build race

package fuzz

// raceEnabled: the race detector slows the op sequences about tenfold.
const raceEnabled = true
