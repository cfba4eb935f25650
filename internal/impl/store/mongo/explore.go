package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// exploreDoc holds the fields Explore reads of a log or security document.
// Hits and field values are counted in Go over a projected Find with the
// listing's filter: FerretDB has no arithmetic to bucket times on the server
// ($subtract, $dateTrunc) and gets a $group with more than one accumulator
// wrong, and the attribute pairs are matched in Go anyway (attrKeep).
type exploreDoc struct {
	TSNanos  int64  `bson:"ts_ns"`
	Service  string `bson:"service"`
	Host     string `bson:"host"`
	Attrs    []kv   `bson:"attrs"`
	Level    string `bson:"level"`
	Severity string `bson:"severity"`
	Category string `bson:"category"`
	Actor    string `bson:"actor"`
	SrcIP    string `bson:"src_ip"`
	Outcome  string `bson:"outcome"`
}

func (d *exploreDoc) field(f listing.Field) (string, bool) {
	if f.AttrKey != "" {
		for _, p := range d.Attrs {
			if p.K == f.AttrKey {
				return listing.FormatAttr(p.V)
			}
		}
		return "", false
	}
	var v string
	switch f.Column {
	case "service":
		v = d.Service
	case "host":
		v = d.Host
	case "level":
		v = d.Level
	case "severity":
		v = d.Severity
	case "category":
		v = d.Category
	case "actor":
		v = d.Actor
	case "src_ip":
		v = d.SrcIP
	case "outcome":
		v = d.Outcome
	}
	return v, v != ""
}

// LogHits counts QueryLogs' selection per step in Go.
func (s *Store) LogHits(ctx context.Context, q store.LogQuery, h store.Histogram) ([]store.Hit, error) {
	col, err := listing.Group("log", h.GroupBy, h.Step)
	if err != nil {
		return nil, fmt.Errorf("log hits: %w", err)
	}
	k, keep, err := logsFilter(q)
	if err != nil {
		return nil, fmt.Errorf("log hits: %w", err)
	}
	hits, err := s.hits(ctx, event.KindLog, k, keep, col, h.Step)
	if err != nil {
		return nil, fmt.Errorf("log hits: %w", err)
	}
	return hits, nil
}

// SecurityHits is LogHits for security events.
func (s *Store) SecurityHits(ctx context.Context, q store.SecurityQuery, h store.Histogram) ([]store.Hit, error) {
	col, err := listing.Group("security", h.GroupBy, h.Step)
	if err != nil {
		return nil, fmt.Errorf("security hits: %w", err)
	}
	k, err := securityFilter(q)
	if err != nil {
		return nil, fmt.Errorf("security hits: %w", err)
	}
	hits, err := s.hits(ctx, event.KindSecurity, k, nil, col, h.Step)
	if err != nil {
		return nil, fmt.Errorf("security hits: %w", err)
	}
	return hits, nil
}

// LogFieldValues counts a field's values over QueryLogs' selection in Go.
func (s *Store) LogFieldValues(ctx context.Context, q store.LogQuery, field string, limit int) ([]store.FieldValue, error) {
	f, err := listing.FieldOf("log", field, limit)
	if err != nil {
		return nil, fmt.Errorf("log field values: %w", err)
	}
	k, keep, err := logsFilter(q)
	if err != nil {
		return nil, fmt.Errorf("log field values: %w", err)
	}
	vals, err := s.fieldValues(ctx, event.KindLog, k, keep, f, limit)
	if err != nil {
		return nil, fmt.Errorf("log field values: %w", err)
	}
	return vals, nil
}

// SecurityFieldValues is LogFieldValues for security events.
func (s *Store) SecurityFieldValues(ctx context.Context, q store.SecurityQuery, field string, limit int) ([]store.FieldValue, error) {
	f, err := listing.FieldOf("security", field, limit)
	if err != nil {
		return nil, fmt.Errorf("security field values: %w", err)
	}
	k, err := securityFilter(q)
	if err != nil {
		return nil, fmt.Errorf("security field values: %w", err)
	}
	vals, err := s.fieldValues(ctx, event.KindSecurity, k, nil, f, limit)
	if err != nil {
		return nil, fmt.Errorf("security field values: %w", err)
	}
	return vals, nil
}

// logsFilter is QueryLogs' filter over the listing's bounds; nil k: nothing matches.
func logsFilter(q store.LogQuery) (*keyset, func(*exploreDoc) bool, error) {
	k, attrs, empty, err := logsKeyset(store.LogQuery{Window: countWindow(q.Window), Filter: q.Filter})
	if err != nil || empty {
		return nil, nil, err
	}
	var keep func(*exploreDoc) bool
	if len(attrs) > 0 {
		keep = func(d *exploreDoc) bool { return attrKeep(attrs, d.Attrs) }
	}
	return k, keep, nil
}

// securityFilter is QuerySecurity's filter over the listing's bounds; nil k: nothing matches.
func securityFilter(q store.SecurityQuery) (*keyset, error) {
	k, empty, err := securityKeyset(store.SecurityQuery{Window: countWindow(q.Window), Filter: q.Filter})
	if err != nil || empty {
		return nil, err
	}
	return k, nil
}

// scan reads every document k selects (projected to exploreDoc) that keep admits.
func (s *Store) scan(ctx context.Context, kind event.Kind, k *keyset, keep func(*exploreDoc) bool, each func(*exploreDoc)) error {
	coll := s.events[kindIndex(kind)]
	proj := bson.D{{Key: "_id", Value: 0}}
	for _, f := range []string{"ts_ns", "service", "host", "attrs", "level", "severity", "category", "actor", "src_ip", "outcome"} {
		proj = append(proj, bson.E{Key: f, Value: 1})
	}
	cur, err := coll.Find(ctx, k.filter(), options.Find().SetProjection(proj).SetBatchSize(1000))
	if err != nil {
		return fmt.Errorf("find in %s: %w", coll.Name(), err)
	}
	defer func() { _ = cur.Close(ctx) }()
	for cur.Next(ctx) {
		var d exploreDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("decode from %s: %w", coll.Name(), err)
		}
		if keep == nil || keep(&d) {
			each(&d)
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("read from %s: %w", coll.Name(), err)
	}
	return nil
}

func (s *Store) hits(ctx context.Context, kind event.Kind, k *keyset, keep func(*exploreDoc) bool, col string, step time.Duration) ([]store.Hit, error) {
	out := []store.Hit{}
	if k == nil {
		return out, nil
	}
	type key struct {
		b int64
		g string
	}
	counts := map[key]int64{}
	err := s.scan(ctx, kind, k, keep, func(d *exploreDoc) {
		g := ""
		if col != "" {
			g, _ = d.field(listing.Field{Column: col})
		}
		counts[key{listing.FloorStep(d.TSNanos, int64(step)), g}]++
	})
	if err != nil {
		return nil, err
	}
	for kk, n := range counts {
		out = append(out, store.Hit{TS: time.Unix(0, kk.b).UTC(), Group: kk.g, Count: n})
	}
	listing.SortHits(out)
	return out, nil
}

func (s *Store) fieldValues(ctx context.Context, kind event.Kind, k *keyset, keep func(*exploreDoc) bool, f listing.Field, limit int) ([]store.FieldValue, error) {
	if k == nil {
		return []store.FieldValue{}, nil
	}
	counts := map[string]int64{}
	err := s.scan(ctx, kind, k, keep, func(d *exploreDoc) {
		if v, ok := d.field(f); ok {
			counts[v]++
		}
	})
	if err != nil {
		return nil, err
	}
	return listing.TopValues(counts, limit), nil
}
