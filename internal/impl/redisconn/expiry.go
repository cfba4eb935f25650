package redisconn

import (
	"time"

	"github.com/alicebob/miniredis/v2"
)

// expiryInterval is how late an embedded key may expire. miniredis, built for
// unit tests, never ages TTLs on its own, so without this rate-limit counters
// and any other key set with EX/PX would live until restart.
const expiryInterval = time.Second

// ageTTLs advances srv's TTLs by the wall-clock time that passed, every
// interval, until done is closed. It closes finished when it returns.
func ageTTLs(srv *miniredis.Miniredis, interval time.Duration, done <-chan struct{}, finished chan<- struct{}) {
	defer close(finished)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	last := time.Now()
	for {
		select {
		case <-done:
			return
		case now := <-tick.C:
			srv.FastForward(now.Sub(last))
			last = now
		}
	}
}
