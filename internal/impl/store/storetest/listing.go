package storetest

import (
	"cmp"
	"slices"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// pageFunc reads one page of a listing after the cursor (nil: the first).
type pageFunc[T any] func(after *store.Cursor) ([]T, *store.Cursor, error)

// maxPages stops a walk whose cursor never ends.
const maxPages = 1000

// walkPages reads every page of a listing of at most limit items each, and
// checks the pagination contract on the way: only the last page is short and
// has no Next; Next is the (time, id) of its page's last item; and a read
// after the last item, which is past the end, is empty. The caller compares
// the items themselves with what it expects, which catches duplicates and gaps.
func walkPages[T any](t *testing.T, limit int, page pageFunc[T], key func(T) (time.Time, string)) []T {
	t.Helper()
	var (
		all   []T
		after *store.Cursor
	)
	for n := 0; ; n++ {
		if n == maxPages {
			t.Fatalf("still more after %d pages", n)
		}
		items, next, err := page(after)
		if err != nil {
			t.Fatalf("page %d: %v", n+1, err)
		}
		if len(items) > limit {
			t.Fatalf("page %d has %d items, limit %d", n+1, len(items), limit)
		}
		all = append(all, items...)
		if next == nil {
			break
		}
		if len(items) != limit {
			t.Fatalf("page %d has %d items and a next cursor; want a full page of %d", n+1, len(items), limit)
		}
		ts, id := key(items[len(items)-1])
		if !next.TS.Equal(ts) || next.ID != id {
			t.Fatalf("page %d: next = (%s, %s), want its last item (%s, %s)",
				n+1, next.TS.Format(time.RFC3339Nano), next.ID, ts.Format(time.RFC3339Nano), id)
		}
		after = next
	}
	if len(all) > 0 {
		ts, id := key(all[len(all)-1])
		items, next, err := page(&store.Cursor{TS: ts, ID: id})
		if err != nil {
			t.Fatalf("page after the last item: %v", err)
		}
		if len(items) != 0 || next != nil {
			t.Errorf("page after the last item: %d items, next %v; want none", len(items), next)
		}
	}
	return all
}

// inOrder sorts items by (time, id), newest first unless ascending: the
// order every listing must return.
func inOrder[T any](items []T, ascending bool, key func(T) (time.Time, string)) []T {
	out := slices.Clone(items)
	slices.SortFunc(out, func(a, b T) int {
		ta, ia := key(a)
		tb, ib := key(b)
		c := cmp.Or(ta.Compare(tb), cmp.Compare(ia, ib))
		if !ascending {
			c = -c
		}
		return c
	})
	return out
}

// sameOrder fails t unless got lists the ids of want, in want's order.
func sameOrder(t *testing.T, want, got []string) {
	t.Helper()
	if slices.Equal(want, got) {
		return
	}
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for id, n := range seen {
		if n > 1 {
			t.Errorf("%s returned %d times", id, n)
		}
	}
	for _, id := range want {
		if seen[id] == 0 {
			t.Errorf("%s missing", id)
		}
	}
	i := 0
	for i < min(len(want), len(got)) && want[i] == got[i] {
		i++
	}
	t.Fatalf("got %d items, want %d; first difference at %d: got %s, want %s",
		len(got), len(want), i, some(got[i:]), some(want[i:]))
}

// inWindow reports whether ts lies in [from, to), zero bounds being open.
func inWindow(ts, from, to time.Time) bool {
	return (from.IsZero() || !ts.Before(from)) && (to.IsZero() || ts.Before(to))
}
