package alerting

import (
	"errors"
	"sync"
	"time"
)

// errCircuitOpen is the failure of an attempt the breaker skipped.
var errCircuitOpen = errors.New("target failing repeatedly: deliveries to it paused for a while (circuit open)")

// breakers skip webhook targets that keep failing. After threshold
// consecutive failed attempts a target is not tried for cooldown; then one
// attempt is let through (half-open), whose success closes the breaker and
// whose failure opens it for another cooldown. Deliveries meanwhile fail
// fast, and retry within their budget like any failure, so a target that
// never answers costs a few timeouts per cooldown instead of one per attempt.
type breakers struct {
	threshold int
	cooldown  time.Duration

	mu   sync.Mutex
	open map[string]*breaker // by tenant and target; only targets failing now
}

type breaker struct {
	failures int
	until    time.Time // not tried before then
	probing  bool      // the half-open attempt is under way
}

// allow reports whether an attempt to key may go now.
func (b *breakers) allow(key string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	br := b.open[key]
	if br == nil || br.failures < b.threshold {
		return true
	}
	if br.probing || now.Before(br.until) {
		return false
	}
	br.probing = true
	return true
}

// record counts the outcome of an attempt to key.
func (b *breakers) record(key string, ok bool, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ok {
		delete(b.open, key)
		return
	}
	br := b.open[key]
	if br == nil {
		br = &breaker{}
		b.open[key] = br
	}
	br.failures++
	br.probing = false
	if br.failures >= b.threshold {
		br.until = now.Add(b.cooldown)
	}
}
