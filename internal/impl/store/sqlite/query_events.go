package sqlite

import (
	"context"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// QuerySecurity splits on severity when it is filtered (MinSeverity is), else
// on category, each having an index that ends in ts.
func (s *Store) QuerySecurity(ctx context.Context, q store.SecurityQuery) (store.Page, error) {
	k, empty, err := securityKeyset(q)
	if err != nil {
		return store.Page{}, fmt.Errorf("query security events: %w", err)
	}
	if empty {
		return store.Page{Events: []event.Event{}}, nil
	}
	page, err := s.eventPage(ctx, event.KindSecurity, k)
	if err != nil {
		return store.Page{}, fmt.Errorf("query security events: %w", err)
	}
	return page, nil
}

// securityKeyset is QuerySecurity's statement; empty means that the severity
// filters admit nothing.
func securityKeyset(q store.SecurityQuery) (k *keyset, empty bool, err error) {
	k, err = eventKeyset(event.KindSecurity, q.Window)
	if err != nil {
		return nil, false, err
	}
	if err := q.Filter.Check(); err != nil {
		return nil, false, err
	}
	sevs, filtered := filter.Severities(q.Severities, q.MinSeverity)
	if filtered && len(sevs) == 0 {
		return nil, true, nil
	}
	severities := listing.Strings(sevs)
	categories := listing.Distinct(q.Categories)
	switch {
	case len(severities) > 0:
		k.split(keysetDim{"severity", severities})
		k.in("category", categories)
	case len(categories) > 0:
		k.split(keysetDim{"category", categories})
	}
	k.in("service", listing.Distinct(q.Services))
	for _, f := range [...]struct{ col, v string }{{"src_ip", q.SrcIP}, {"actor", q.Actor}, {"outcome", q.Outcome}} {
		if f.v != "" {
			k.where(f.col+" = ?", f.v)
		}
	}
	if q.Text != "" {
		k.conds = append(k.conds, containsSQL("message", q.Text))
	}
	return k, false, nil
}

func eventKeyset(kind event.Kind, w store.Window) (*keyset, error) {
	p, err := listing.New(w)
	if err != nil {
		return nil, err
	}
	t := tables[kindIndex(kind)]
	return &keyset{table: t.name, cols: t.selectCols(), tsCol: "ts", plan: p}, nil
}

// eventPage runs k and cuts the page.
func (s *Store) eventPage(ctx context.Context, kind event.Kind, k *keyset) (store.Page, error) {
	if k.plan.Empty {
		return store.Page{Events: []event.Event{}}, nil
	}
	q, args := k.sql()
	events, err := s.query(ctx, kind, q, args, make([]event.Event, 0, k.plan.Fetch()))
	if err != nil {
		return store.Page{}, err
	}
	n, more := k.plan.Cut(len(events))
	page := store.Page{Events: events[:n]}
	if more {
		last := events[n-1]
		page.Next = &store.Cursor{TS: last.TS, ID: last.ID}
	}
	return page, nil
}
