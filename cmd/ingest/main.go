// Command ingest runs the ingest service alone (/ingest/*, health and metrics)
// for deployments that scale it out behind a proxy; it keeps no state of its
// own. It takes the same configuration as cmd/lightwatch.
package main

import (
	"os"

	"github.com/lightwatch/lightwatch/internal/impl/app"
)

func main() {
	os.Exit(app.Main("ingest", app.Surfaces{Ingest: true}))
}
