package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Compactor is implemented by stores that keep the newest events apart (the
// embedded store's head) and move them into another layout later (its
// blocks). The suite compacts at chosen moments so that listings, counts and
// idempotency are checked across that boundary; on other stores those
// moments pass without effect and the tests hold just the same.
type Compactor interface {
	Compact(ctx context.Context) error
}

func compact(t *testing.T, s store.Store) {
	t.Helper()
	if c, ok := s.(Compactor); ok {
		if err := c.Compact(context.Background()); err != nil {
			t.Fatalf("Compact: %v", err)
		}
	}
}

// testIdempotentAcrossCompaction: an event moved out of the head is still
// known by its id, in the same call as new ones and alone.
func testIdempotentAcrossCompaction(t *testing.T, s store.Store) {
	var first []event.Event
	for i := range 10 {
		first = append(first, logEvent("acme", fmt.Sprintf("c-%02d", i), i))
	}
	insert(t, s, first)
	compact(t, s)
	again := append(slices.Clone(first[3:5]), logEvent("acme", "c-new", 20), first[0])
	wantFresh(t, insert(t, s, again), false, false, true, false)
	compact(t, s)
	wantFresh(t, insert(t, s, first[9:]), false)
	// Another tenant's same ids are its own.
	wantFresh(t, insert(t, s, []event.Event{logEvent("other", "c-01", 1)}), true)
	want := append(slices.Clone(first), again[2])
	sameEvents(t, want, get(t, s, "acme", ids(want)))
	wantCounts(t, s, "acme", map[event.Kind]int64{event.KindLog: 11})
}

// testPagingAcrossCompaction walks listings whose events lie partly in
// blocks and partly in the head, compacting and inserting between pages:
// the pages must hold every event once, in order. The events inserted
// meanwhile lie before the first page in the listing's order (newer when
// newest first, older when oldest first), so no page may show them.
func testPagingAcrossCompaction(t *testing.T, s store.Store) {
	ctx := context.Background()
	const n, limit = 90, 7
	var all []event.Event
	for i := range n {
		all = append(all, corpusLogEvent("acme", i%nLogs))
		all[i].ID = fmt.Sprintf("p%03d", (i*37)%n)
		all[i].TS = corpusTS(i, 4)
	}
	insert(t, s, all[:30])
	compact(t, s)
	insert(t, s, all[30:60])
	compact(t, s)
	insert(t, s, all[60:])
	listed := slices.Clone(all)
	for _, asc := range []bool{false, true} {
		extra := 0
		var inserted []event.Event
		page := func(after *store.Cursor) ([]event.Event, *store.Cursor, error) {
			if after != nil {
				extra++
				e := corpusLogEvent("acme", extra)
				e.ID = fmt.Sprintf("x-%v-%03d", asc, extra)
				e.TS = base.Add(time.Hour) // newer than all
				if asc {
					e.TS = base.Add(-time.Hour)
				}
				insert(t, s, []event.Event{e})
				inserted = append(inserted, e)
				if extra%2 == 0 {
					compact(t, s)
				}
			}
			p, err := s.QueryLogs(ctx, store.LogQuery{Window: store.Window{Tenant: "acme", Limit: limit, Ascending: asc, After: after}})
			return p.Events, p.Next, err
		}
		got := walkPages(t, limit, page, eventKey)
		sameOrder(t, ids(inOrder(listed, asc, eventKey)), ids(got))
		// The next walk, in the other direction, lists them.
		listed = append(listed, inserted...)
	}
	// Counts see the same set, from metadata or not.
	want := int64(len(listed))
	if got, err := s.CountLogs(ctx, store.LogQuery{Window: store.Window{Tenant: "acme"}}, 1_000_000); err != nil || got != want {
		t.Errorf("CountLogs = %d, %v; want %d", got, err, want)
	}
	checkout := 0
	for _, e := range all {
		if e.Service == "checkout" && (e.Log.Level == event.LevelError || e.Log.Level == event.LevelFatal) {
			checkout++
		}
	}
	q := store.LogQuery{Window: store.Window{Tenant: "acme", From: base.Add(-time.Minute), To: base.Add(time.Minute)},
		Filter: filter.Filter{Services: []string{"checkout"}, Levels: []event.Level{event.LevelError, event.LevelFatal}}}
	if got, err := s.CountLogs(ctx, q, 1_000_000); err != nil || got != int64(checkout) {
		t.Errorf("CountLogs of checkout errors = %d, %v; want %d", got, err, checkout)
	}
}
