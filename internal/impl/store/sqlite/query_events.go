package sqlite

import (
	"context"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// QueryLogs splits on (service, level) when both are filtered, so that each
// pair walks logs_tenant_service_level_ts in order; otherwise logs_tenant_ts
// serves the range.
func (s *Store) QueryLogs(ctx context.Context, q store.LogQuery) (store.Page, error) {
	k, err := logsKeyset(q)
	if err != nil {
		return store.Page{}, fmt.Errorf("query logs: %w", err)
	}
	page, err := s.eventPage(ctx, event.KindLog, k)
	if err != nil {
		return store.Page{}, fmt.Errorf("query logs: %w", err)
	}
	return page, nil
}

// logsKeyset is QueryLogs' statement, apart so that tests can explain it.
func logsKeyset(q store.LogQuery) (*keyset, error) {
	k, err := eventKeyset(event.KindLog, q.Window)
	if err != nil {
		return nil, err
	}
	if err := q.Filter.Check(); err != nil {
		return nil, err
	}
	attrs := filter.Attrs(q.Attrs)
	services := listing.Distinct(q.Services)
	levels := listing.Strings(listing.Distinct(q.Levels))
	if len(services) > 0 && len(levels) > 0 {
		k.split(keysetDim{"service", services}, keysetDim{"level", levels})
	} else {
		k.in("service", services)
		k.in("level", levels)
	}
	if q.Host != "" {
		k.where("host = ?", q.Host)
	}
	if q.Text != "" {
		k.conds = append(k.conds, containsSQL("message", q.Text))
	}
	for _, a := range attrs {
		k.conds = append(k.conds, attrSQL(a))
	}
	return k, nil
}

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

// attrSQL matches an attribute by key and value type: json_each gives each
// key unquoted (dotted keys need no JSON path escaping) with its JSON type, so
// the string "1" and the boolean true (both of which SQLite would compare
// equal to 1) stay apart.
func attrSQL(a filter.Attr) keysetCond {
	sql := "EXISTS (SELECT 1 FROM json_each(attrs) AS a WHERE a.key = ? AND ((a.type = 'text' AND a.value = ?)"
	args := []any{a.Key, a.Str}
	if a.IsNum {
		sql += " OR (a.type IN ('integer', 'real') AND a.value = ?)"
		args = append(args, a.Num)
	}
	if a.IsBool {
		sql += " OR a.type = '" + a.Str + "'" // "true" or "false", the JSON type names
	}
	return keysetCond{sql + "))", args}
}
