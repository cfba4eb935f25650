package supervise_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/lightwatch/lightwatch/internal/impl/supervise"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

func TestLoopRestartsAfterPanicAndCounts(t *testing.T) {
	s := supervise.Supervisor{Panics: telemetry.New().LoopPanics}
	runs := 0
	s.Loop(context.Background(), "test", func(context.Context) {
		runs++
		if runs < 3 {
			panic("bad value")
		}
	})
	if runs != 3 {
		t.Errorf("ran %d times, want 3 (two panics, then a normal return)", runs)
	}
	if n := testutil.ToFloat64(s.Panics.WithLabelValues("test")); n != 2 {
		t.Errorf("counted %v panics, want 2", n)
	}
}
