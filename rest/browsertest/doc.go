// Package browsertest checks package rest with tools the library must not
// depend on, which is why it is a nested module: an OpenAPI validator
// (github.com/getkin/kin-openapi) reads GET /openapi.json, and headless
// Chromium (Debian's chromium package, driven by github.com/chromedp/chromedp)
// opens the explorer page and checks that the diagram and a model's rows
// render. The Chromium test skips when no chromium binary is installed.
package browsertest
