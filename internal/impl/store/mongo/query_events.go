package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// QueryLogs filters on the server what both servers evaluate alike, and the
// attribute equalities partly in Go (see attrKeep).
func (s *Store) QueryLogs(ctx context.Context, q store.LogQuery) (store.Page, error) {
	page, err := s.queryLogs(ctx, q)
	if err != nil {
		return store.Page{}, fmt.Errorf("query logs: %w", err)
	}
	return page, nil
}

func (s *Store) queryLogs(ctx context.Context, q store.LogQuery) (store.Page, error) {
	k, attrs, empty, err := logsKeyset(q)
	if err != nil || empty {
		return store.Page{Events: []event.Event{}}, err
	}
	var keep func(*logDoc) bool
	if len(attrs) > 0 {
		keep = func(d *logDoc) bool { return attrKeep(attrs, d.Base.Attrs) }
	}
	docs, err := findKeyset(ctx, s.events[kindIndex(event.KindLog)], k, keep)
	if err != nil {
		return store.Page{}, err
	}
	return eventPage(k.plan, docs), nil
}

// logsKeyset is the filter of QueryLogs and CountLogs. The attribute
// equalities are only narrowed on the server (attrPrefilter): the caller
// keeps the documents that attrKeep admits of attrs. empty means that
// nothing can match.
func logsKeyset(q store.LogQuery) (k *keyset, attrs []filter.Attr, empty bool, err error) {
	p, err := listing.New(q.Window)
	if err != nil {
		return nil, nil, false, err
	}
	if err := q.Filter.Check(); err != nil {
		return nil, nil, false, err
	}
	if p.Empty {
		return nil, nil, true, nil
	}
	k = &keyset{tsField: "ts_ns", plan: p}
	k.in("service", listing.Distinct(q.Services))
	k.in("level", listing.Strings(listing.Distinct(q.Levels)))
	if q.Host != "" {
		k.eq("host", q.Host)
	}
	if q.Text != "" {
		k.contains("message", q.Text)
	}
	attrs = filter.Attrs(q.Attrs)
	k.and = append(k.and, attrPrefilter(attrs)...)
	return k, attrs, false, nil
}

// QuerySecurity evaluates every filter on the server.
func (s *Store) QuerySecurity(ctx context.Context, q store.SecurityQuery) (store.Page, error) {
	page, err := s.querySecurity(ctx, q)
	if err != nil {
		return store.Page{}, fmt.Errorf("query security events: %w", err)
	}
	return page, nil
}

func (s *Store) querySecurity(ctx context.Context, q store.SecurityQuery) (store.Page, error) {
	k, empty, err := securityKeyset(q)
	if err != nil || empty {
		return store.Page{Events: []event.Event{}}, err
	}
	docs, err := findKeyset[securityDoc](ctx, s.events[kindIndex(event.KindSecurity)], k, nil)
	if err != nil {
		return store.Page{}, err
	}
	return eventPage(k.plan, docs), nil
}

// securityKeyset is the filter of QuerySecurity and CountSecurity, all of it
// evaluated on the server; empty means that nothing can match.
func securityKeyset(q store.SecurityQuery) (k *keyset, empty bool, err error) {
	p, err := listing.New(q.Window)
	if err != nil {
		return nil, false, err
	}
	if err := q.Filter.Check(); err != nil {
		return nil, false, err
	}
	severities, filtered := filter.Severities(q.Severities, q.MinSeverity)
	if p.Empty || (filtered && len(severities) == 0) {
		return nil, true, nil
	}
	k = &keyset{tsField: "ts_ns", plan: p}
	k.in("severity", listing.Strings(severities))
	k.in("category", listing.Distinct(q.Categories))
	k.in("service", listing.Distinct(q.Services))
	for _, f := range [...]struct{ field, v string }{{"src_ip", q.SrcIP}, {"actor", q.Actor}, {"outcome", q.Outcome}} {
		if f.v != "" {
			k.eq(f.field, f.v)
		}
	}
	if q.Text != "" {
		k.contains("message", q.Text)
	}
	return k, false, nil
}

// eventPage converts the fetched documents and cuts the page.
func eventPage[D any, P interface {
	*D
	event() event.Event
}](p listing.Plan, docs []D) store.Page {
	n, more := p.Cut(len(docs))
	page := store.Page{Events: make([]event.Event, n)}
	for i := range n {
		page.Events[i] = P(&docs[i]).event()
	}
	if more {
		last := page.Events[n-1]
		page.Next = &store.Cursor{TS: last.TS, ID: last.ID}
	}
	return page
}

// attrPrefilter narrows attribute equalities on the server. Matching one
// {k, v} element needs $elemMatch with two fields, which FerretDB does not
// implement (nor equality with a whole element); "attrs.k" and "attrs.v" each
// match any element, so they admit a superset, which attrKeep then narrows.
func attrPrefilter(attrs []filter.Attr) []bson.D {
	out := make([]bson.D, 0, 2*len(attrs))
	for _, a := range attrs {
		vals := bson.A{a.Str}
		if a.IsNum {
			vals = append(vals, a.Num)
		}
		if a.IsBool {
			vals = append(vals, a.Bool)
		}
		out = append(out,
			bson.D{{Key: "attrs.k", Value: a.Key}},
			bson.D{{Key: "attrs.v", Value: bson.D{{Key: "$in", Value: vals}}}})
	}
	return out
}

// attrKeep reports whether stored attributes satisfy every equality.
func attrKeep(attrs []filter.Attr, stored []kv) bool {
	for _, a := range attrs {
		found := false
		for _, p := range stored {
			if p.K == a.Key && a.Match(p.V) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
