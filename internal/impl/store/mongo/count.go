package mongo

import (
	"context"
	"errors"
	"fmt"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// CountLogs counts on the server with QueryLogs' filter (kept in step by the
// conformance suite, which compares the two). Attribute equalities are
// partly evaluated in Go (attrKeep), so with them it counts the listing's
// pages instead.
func (s *Store) CountLogs(ctx context.Context, q store.LogQuery, upTo int64) (int64, error) {
	n, err := s.countLogs(ctx, q, upTo)
	if err != nil {
		return 0, fmt.Errorf("count logs: %w", err)
	}
	return n, nil
}

func (s *Store) countLogs(ctx context.Context, q store.LogQuery, upTo int64) (int64, error) {
	if upTo < 1 {
		return 0, errors.New("count cap must be at least 1")
	}
	q.Window = countWindow(q.Window)
	if len(q.Attrs) > 0 {
		return countPages(ctx, q.Window, upTo, func(w store.Window) (store.Page, error) {
			q.Window = w
			return s.queryLogs(ctx, q)
		})
	}
	k, _, empty, err := logsKeyset(q)
	if err != nil || empty {
		return 0, err
	}
	return countDocs(ctx, s.events[kindIndex(event.KindLog)], k, upTo)
}

// CountSecurity counts on the server with QuerySecurity's filter.
func (s *Store) CountSecurity(ctx context.Context, q store.SecurityQuery, upTo int64) (int64, error) {
	n, err := s.countSecurity(ctx, q, upTo)
	if err != nil {
		return 0, fmt.Errorf("count security events: %w", err)
	}
	return n, nil
}

func (s *Store) countSecurity(ctx context.Context, q store.SecurityQuery, upTo int64) (int64, error) {
	if upTo < 1 {
		return 0, errors.New("count cap must be at least 1")
	}
	k, empty, err := securityKeyset(store.SecurityQuery{Window: countWindow(q.Window), Filter: q.Filter})
	if err != nil || empty {
		return 0, err
	}
	return countDocs(ctx, s.events[kindIndex(event.KindSecurity)], k, upTo)
}

// countWindow is the window of a count: the listing's bounds only.
func countWindow(w store.Window) store.Window {
	w.Limit, w.After, w.Ascending = 1, nil, false
	return w
}

func countDocs(ctx context.Context, coll *driver.Collection, k *keyset, upTo int64) (int64, error) {
	n, err := coll.CountDocuments(ctx, k.filter(), options.Count().SetLimit(upTo))
	if err != nil {
		return 0, fmt.Errorf("count in %s: %w", coll.Name(), err)
	}
	return n, nil
}

// countPages counts a listing page by page, up to upTo.
func countPages(ctx context.Context, w store.Window, upTo int64, page func(store.Window) (store.Page, error)) (int64, error) {
	var n int64
	for n < upTo {
		w.Limit = int(min(upTo-n, listing.MaxLimit))
		p, err := page(w)
		if err != nil {
			return 0, err
		}
		n += int64(len(p.Events))
		if p.Next == nil {
			break
		}
		w.After = p.Next
		if err := ctx.Err(); err != nil {
			return 0, err
		}
	}
	return min(n, upTo), nil
}
