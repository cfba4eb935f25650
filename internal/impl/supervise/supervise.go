// Package supervise keeps a process's long-lived loops alive through panics.
//
// A panic in a goroutine that no one recovers ends the whole process: one bad
// value reaching the group committer, the stream forwarder, an alerting loop
// or a webhook sender would take ingest down for every tenant. The loops run
// under a Supervisor instead, which logs the panic with its stack, counts it
// (lightwatch_loop_panics_total{loop}: alert on any increase) and restarts
// the loop after a short pause, so that a panic repeating on every round
// costs a log line a second, not a busy loop.
package supervise

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Supervisor logs and counts panics. The zero value logs nowhere and counts
// nothing, which suits tests that do not look.
type Supervisor struct {
	Logger *slog.Logger
	Panics *prometheus.CounterVec // one label, loop: telemetry.Metrics.LoopPanics
}

// restartPause is how long Loop waits before running a loop that panicked again.
const restartPause = time.Second

// Loop runs fn, and runs it again after each panic, until fn returns or ctx
// is done.
func (s Supervisor) Loop(ctx context.Context, name string, fn func(ctx context.Context)) {
	for {
		if !s.Recover(name, func() { fn(ctx) }) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(restartPause):
		}
	}
}

// Recover runs fn and reports whether it panicked; a panic is logged and
// counted, never re-raised.
func (s Supervisor) Recover(name string, fn func()) (panicked bool) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		panicked = true
		if s.Logger != nil {
			s.Logger.Error("recovered from a panic; the loop goes on", "loop", name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
		if s.Panics != nil {
			s.Panics.WithLabelValues(name).Inc()
		}
	}()
	fn()
	return false
}
