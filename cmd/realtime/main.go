// Command realtime runs the realtime service alone (/ws/*, health and
// metrics): it reads the Redis streams and pushes matching events to
// WebSocket clients. Run several: each delivers every event to its own
// clients. It takes the same configuration as cmd/lightwatch.
package main

import (
	"os"

	"github.com/lightwatch/lightwatch/internal/impl/app"
)

func main() {
	os.Exit(app.Main("realtime", app.Surfaces{Realtime: true}))
}
