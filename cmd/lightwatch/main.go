// Command lightwatch runs the whole of Lightwatch in one process on one port,
// with embedded defaults (SQLite store, in-process Redis) unless configured
// otherwise. See the README's configuration table.
package main

import (
	"os"

	"github.com/lightwatch/lightwatch/internal/impl/app"
)

func main() {
	os.Exit(app.Main("lightwatch", app.Surfaces{Ingest: true, API: true, Realtime: true}))
}
