package loadtest

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The sampler keeps the largest sample and the last error, and Stop returns
// only after the sampling goroutine is done.
func TestSampleRSSKeepsThePeak(t *testing.T) {
	values := []int64{10, 30, 20}
	calls := make(chan struct{}, 100)
	n := 0
	rss := func(context.Context) (int64, error) {
		defer func() {
			select {
			case calls <- struct{}{}:
			default: // the test has seen enough
			}
		}()
		if n >= len(values) {
			return 0, errors.New("gone")
		}
		n++
		return values[n-1], nil
	}
	s := SampleRSS(context.Background(), rss, time.Millisecond)
	// The sampler handles a result before it makes the next call: once a
	// second failing call has been made, the first failure is recorded.
	for range len(values) + 2 {
		select {
		case <-calls:
		case <-time.After(10 * time.Second):
			t.Fatal("sampler stalled")
		}
	}
	peak, samples, err := s.Stop()
	if peak != 30 || samples != 3 || err == nil {
		t.Fatalf("peak %d, samples %d, err %v; want 30, 3, an error", peak, samples, err)
	}
}
