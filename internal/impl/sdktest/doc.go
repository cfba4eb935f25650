// Package sdktest proves the client SDKs generated into internal/gen/sdk
// (`make sdk`) against a live server: its test builds cmd/lightwatch, runs it
// on a free port with a temp data directory and a known bootstrap key, and
// drives it with the Go client in-process, the TypeScript client under node
// (typescript/live.test.mjs, type-checked with tsc first) and the Python client
// in the virtualenv of the pinned generator (python/live_test.py). Each
// ingests a batch, reads it back and creates and deletes an alert rule.
//
// The TypeScript and Python tools come from `make sdk-tools`, which `make test`
// runs first. This package holds the pins of the SDK generators too
// (typescript/package-lock.json, python/requirements.txt): the tests need the
// same installs.
package sdktest
