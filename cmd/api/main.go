// Command api runs the query API alone (/api/*, its documents and Swagger UI,
// health and metrics) for deployments that scale it out behind a proxy; it
// keeps no state of its own. It takes the same configuration as cmd/lightwatch.
package main

import (
	"os"

	"github.com/lightwatch/lightwatch/internal/impl/app"
)

func main() {
	os.Exit(app.Main("api", app.Surfaces{API: true}))
}
