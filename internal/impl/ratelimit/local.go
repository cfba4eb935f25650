package ratelimit

import (
	"sync"
	"time"
)

// activeFor is how long after its last request a key keeps being synced:
// while a tenant sends, its instance keeps the shared state fresh; a key
// nobody here uses stops costing round trips.
const activeFor = 5 * time.Second

// buckets are the local GCRA state of every key this process has seen.
type buckets struct {
	emission time.Duration
	burst    time.Duration // emission × Burst: how far ahead of now a TAT may run
	mu       sync.Mutex
	keys     map[string]*bucket
}

type bucket struct {
	tat     time.Time // theoretical arrival time: when the budget is whole again
	pending int       // requests admitted since the last sync took the count
	lastUse time.Time
}

func newBuckets(l Limit) *buckets {
	em := l.emission()
	return &buckets{emission: em, burst: em * time.Duration(l.Burst), keys: map[string]*bucket{}}
}

// allow is GCRA: a request is admitted when the budget, advanced by one
// emission, does not run more than a burst ahead of now.
func (b *buckets) allow(key string, now time.Time) Decision {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := b.keys[key]
	if k == nil {
		k = &bucket{tat: now}
		b.keys[key] = k
	}
	k.lastUse = now
	tat := k.tat
	if tat.Before(now) {
		tat = now
	}
	next := tat.Add(b.emission)
	allowAt := next.Add(-b.burst)
	if allowAt.After(now) {
		return Decision{RetryAfter: allowAt.Sub(now)}
	}
	k.tat = next
	k.pending++
	return Decision{Allowed: true, Remaining: int(now.Sub(allowAt) / b.emission)}
}

// known reports whether key has a bucket.
func (b *buckets) known(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.keys[key] != nil
}

// syncItem is one key's part of a sync: the count of requests admitted since
// the last one.
type syncItem struct {
	key   string
	count int
}

// take returns the keys to sync with the counts admitted since the last
// take, zeroing them, and forgets keys that are idle with a whole budget.
func (b *buckets) take(now time.Time) []syncItem {
	b.mu.Lock()
	defer b.mu.Unlock()
	items := make([]syncItem, 0, len(b.keys))
	for key, k := range b.keys {
		switch {
		case k.pending > 0 || now.Sub(k.lastUse) < activeFor:
			items = append(items, syncItem{key, k.pending})
			k.pending = 0
		case !k.tat.After(now):
			delete(b.keys, key)
		}
	}
	return items
}

// settle sets key's TAT from the shared state, ahead of now by ahead, plus
// what this process admitted while the sync was under way.
func (b *buckets) settle(key string, ahead time.Duration, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := b.keys[key]
	if k == nil {
		k = &bucket{lastUse: now}
		b.keys[key] = k
	}
	k.tat = now.Add(max(ahead, 0) + time.Duration(k.pending)*b.emission)
}

// giveBack returns counts that could not be synced, so the next sync sends them.
func (b *buckets) giveBack(items []syncItem) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, it := range items {
		if k := b.keys[it.key]; k != nil {
			k.pending += it.count
		} else if it.count > 0 {
			b.keys[it.key] = &bucket{pending: it.count}
		}
	}
}
