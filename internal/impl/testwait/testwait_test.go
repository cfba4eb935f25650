package testwait

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// Until returns once the condition holds, and fails a test whose condition
// never does.
func TestUntil(t *testing.T) {
	var n atomic.Int32
	Until(t, "three checks", 10*time.Second, func() bool { return n.Add(1) >= 3 })
	if n.Load() != 3 {
		t.Errorf("checked %d times, want 3", n.Load())
	}

	never := &recorder{TB: t}
	done := make(chan struct{})
	go func() { // Fatalf ends its goroutine, as in a test
		defer close(done)
		Until(never, "nothing", 20*time.Millisecond, func() bool { return false })
	}()
	<-done
	if !never.failed {
		t.Error("a condition that never holds did not fail the test")
	}
}

// recorder is a testing.TB whose Fatalf records the failure and ends the
// goroutine, as testing's does.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	runtime.Goexit()
}
