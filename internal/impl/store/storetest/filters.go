package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter/filtertest"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// testSharedFilters runs the shared filter table (filtertest) through the
// adapter's listings and counts.
func testSharedFilters(t *testing.T, s store.Store) {
	ctx := context.Background()
	base := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	insert(t, s, filtertest.Corpus("acme", base))
	insert(t, s, filtertest.Corpus("other", base))
	w := store.Window{Tenant: "acme", From: base.Add(-time.Minute), To: base.Add(time.Minute), Limit: 100}
	for _, c := range filtertest.Cases() {
		f := c.Filter(t)
		var page store.Page
		var n int64
		var err, cerr error
		switch c.Kind {
		case event.KindLog:
			page, err = s.QueryLogs(ctx, store.LogQuery{Window: w, Filter: f})
			n, cerr = s.CountLogs(ctx, store.LogQuery{Window: w, Filter: f}, 1000)
		case event.KindSecurity:
			page, err = s.QuerySecurity(ctx, store.SecurityQuery{Window: w, Filter: f})
			n, cerr = s.CountSecurity(ctx, store.SecurityQuery{Window: w, Filter: f}, 1000)
		default:
			continue // the stores list no metric samples
		}
		if err != nil || cerr != nil {
			t.Errorf("%s: %v, %v", c.Name, err, cerr)
			continue
		}
		filtertest.Check(t, "listing", c, filtertest.IDs(page.Events))
		if n != int64(len(c.Want)) {
			t.Errorf("count, %s: %d, want %d", c.Name, n, len(c.Want))
		}
	}
}
