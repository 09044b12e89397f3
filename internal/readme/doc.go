// Package readme holds the test that keeps the README's Go snippets
// working: TestSnippets runs every fenced Go block of README.md as a program
// (or, for a test file, as a test) in a module of its own that uses this
// checkout through a replace directive, as a user's module would. It has no
// API.
package readme
