package supervise_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/lightwatch/lightwatch/internal/impl/supervise"
)

func TestLoopRestartsAfterPanicAndCounts(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := supervise.Supervisor{Panics: supervise.NewPanicCounter(reg)}
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
