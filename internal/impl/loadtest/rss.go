package loadtest

import (
	"context"
	"sync"
	"time"
)

// RSSSampler samples a server's resident memory on a ticker while a scenario
// runs, keeping the peak.
type RSSSampler struct {
	stop    context.CancelFunc
	wg      sync.WaitGroup
	peak    int64
	samples int
	err     error // the last failed sample's, unless the sampler was stopping
}

// SampleRSS calls rss at once and then every interval until Stop.
func SampleRSS(ctx context.Context, rss func(context.Context) (int64, error), every time.Duration) *RSSSampler {
	ctx, cancel := context.WithCancel(ctx)
	s := &RSSSampler{stop: cancel}
	s.wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			if v, err := rss(ctx); err == nil {
				s.samples++
				s.peak = max(s.peak, v)
			} else if ctx.Err() == nil {
				s.err = err
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	return s
}

// Stop ends the sampling and returns the peak in bytes, the number of
// samples taken and the last sampling error.
func (s *RSSSampler) Stop() (peak int64, samples int, err error) {
	s.stop()
	s.wg.Wait()
	return s.peak, s.samples, s.err
}
