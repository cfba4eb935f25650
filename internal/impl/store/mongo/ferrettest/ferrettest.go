// Package ferrettest runs an embedded FerretDB for tests that need a MongoDB
// wire-protocol server where none can be installed.
//
// Import it from _test.go files only: FerretDB adds about 40 MB to any binary
// that links it.
package ferrettest

import (
	"context"
	"log/slog"
	"testing"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Start runs FerretDB on its SQLite backend, in a fresh temporary directory,
// until t ends, and returns its MongoDB URI. It listens on a free loopback
// port.
//
// Do not call it from parallel tests of one package: ferretdb.New writes a
// package-level variable of FerretDB's. Start one per test and give each
// subtest its own database instead.
func Start(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		// Its default logger writes a line per connection and every error.
		Logger:    slog.New(slog.DiscardHandler),
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		t.Fatalf("start FerretDB: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx) // returns nil when ctx is canceled
	}()
	// Registered after TempDir's cleanup, so it runs before the directory goes.
	t.Cleanup(func() {
		cancel()
		<-done
	})
	// New has already opened the listener, so the URI is ready without waiting.
	return f.MongoDBURI()
}
