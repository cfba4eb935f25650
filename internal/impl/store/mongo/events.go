package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// duplicateKey is the server's code for a write that hit a unique index.
const duplicateKey = 11000

func kindIndex(k event.Kind) int {
	for i, x := range event.Kinds {
		if x == k {
			return i
		}
	}
	return -1
}

// InsertEvents sends one unordered InsertMany per kind present. Unordered lets
// the server store every new event even when some are duplicates; the
// duplicate-key write errors then say which were not fresh. Repeats inside the
// call are dropped here first, since the server would report them in no
// guaranteed order relative to the first copy. The rollups, metric names and
// services are updated afterwards from the fresh events; the outbox entry
// written first (see outbox.go) lets a retry, or the repairer, complete them
// when the call fails part way. A duplicate whose own call never completed is
// completed here and reported fresh, since no caller was told it was stored.
func (s *Store) InsertEvents(ctx context.Context, events []event.Event) ([]bool, error) {
	for i := range events {
		if err := check.Event(&events[i]); err != nil {
			return nil, fmt.Errorf("insert events: %w", err)
		}
	}
	if len(events) == 0 {
		return []bool{}, nil
	}
	type pending struct {
		docs []any
		at   []int // at[j] is the position in events of docs[j]
	}
	batch := newBatch()
	prepared := summary.Prepare(events)
	var byKind [len(event.Kinds)]pending
	seen := make(map[[3]string]bool, len(events))
	fresh := make([]bool, len(events))
	keyAt := make(map[string][]int, len(events)) // event key -> positions in events
	keys := make([]string, 0, len(events))
	for i := range events {
		e := &events[i]
		k := kindIndex(e.Kind)
		key := eventKey(k, docID(e.Tenant, e.ID))
		keyAt[key] = append(keyAt[key], i)
		if seen[[3]string{string(e.Kind), e.Tenant, e.ID}] {
			continue
		}
		seen[[3]string{string(e.Kind), e.Tenant, e.ID}] = true
		keys = append(keys, key)
		p := &byKind[k]
		p.docs = append(p.docs, toDoc(e, batch))
		p.at = append(p.at, i)
		fresh[i] = true
	}
	if err := s.openBatch(ctx, batch, keys); err != nil {
		return nil, fmt.Errorf("insert events: %w", err)
	}
	var dupKeys []string
	for k, p := range byKind {
		if len(p.docs) == 0 {
			continue
		}
		dups, err := s.insertMany(ctx, k, p.docs)
		if err != nil {
			// The outbox entry stays: a retry or the repairer completes what
			// was stored.
			return nil, fmt.Errorf("insert events: %w", err)
		}
		for _, j := range dups {
			i := p.at[j]
			fresh[i] = false
			dupKeys = append(dupKeys, eventKey(k, docID(events[i].Tenant, events[i].ID)))
		}
	}
	// Complete the earlier calls whose events this one repeats, if they failed.
	earlier, err := s.pendingFor(ctx, dupKeys, batch)
	if err != nil {
		return nil, fmt.Errorf("insert events: %w", err)
	}
	own := slices.Clone(fresh)
	for _, o := range earlier {
		done, err := s.complete(ctx, o)
		if err != nil {
			return nil, fmt.Errorf("insert events: %w", err)
		}
		var others []event.Event // of that call, but not repeated in this one
		for _, e := range done {
			key := eventKey(kindIndex(e.Kind), docID(e.Tenant, e.ID))
			if at := keyAt[key]; len(at) > 0 {
				fresh[at[0]] = true
			} else {
				others = append(others, e)
			}
		}
		if len(others) > 0 && s.opts.Repaired != nil {
			s.opts.Repaired(others)
		}
	}
	b := prepared.Summarize(own)
	if err := s.writeSummary(ctx, batch, b); err != nil {
		return nil, fmt.Errorf("insert events: %w", err)
	}
	mine, err := s.closeBatch(ctx, batch, rollupIDs(b.Rollups))
	if err != nil {
		return nil, fmt.Errorf("insert events: %w", err)
	}
	if !mine { // the repairer took this call for abandoned, and reported its events
		for i, o := range own {
			if o {
				fresh[i] = false
			}
		}
	}
	return fresh, nil
}

// insertMany returns the indexes into docs that were already stored.
func (s *Store) insertMany(ctx context.Context, k int, docs []any) ([]int, error) {
	_, err := s.events[k].InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil, nil
	}
	var bwe driver.BulkWriteException
	if !errors.As(err, &bwe) {
		return nil, fmt.Errorf("insert into %s: %w", collections[k], err)
	}
	if bwe.WriteConcernError != nil {
		return nil, fmt.Errorf("insert into %s: %w", collections[k], err)
	}
	dups := make([]int, 0, len(bwe.WriteErrors))
	for _, we := range bwe.WriteErrors {
		if we.Code != duplicateKey {
			return nil, fmt.Errorf("insert into %s: %w", collections[k], err)
		}
		if we.Index < 0 || we.Index >= len(docs) {
			return nil, fmt.Errorf("insert into %s: write error for document %d of %d: %w", collections[k], we.Index, len(docs), err)
		}
		dups = append(dups, we.Index)
	}
	return dups, nil
}

// maxIDsPerQuery bounds the $in list, keeping each query far below the 16 MB
// command limit however long the ids are.
const maxIDsPerQuery = 1000

// GetEvents looks ids up by _id in every kind's collection, since ids do not
// say their kind.
func (s *Store) GetEvents(ctx context.Context, tenant string, ids []string) ([]event.Event, error) {
	var out []event.Event
	for start := 0; start < len(ids); start += maxIDsPerQuery {
		chunk := ids[start:min(start+maxIDsPerQuery, len(ids))]
		keys := make(bson.A, len(chunk))
		for i, id := range chunk {
			keys[i] = docID(tenant, id)
		}
		// tenant as well as _id: with the shard key {tenant, _id: hashed},
		// mongos then asks only the tenant's shards.
		filter := bson.D{{Key: "tenant", Value: tenant}, {Key: "_id", Value: bson.D{{Key: "$in", Value: keys}}}}
		for k := range collections {
			var err error
			if out, err = s.find(ctx, k, filter, out); err != nil {
				return nil, fmt.Errorf("get events from %s: %w", collections[k], err)
			}
		}
	}
	return out, nil
}

// find appends the events of kind index k that match filter.
func (s *Store) find(ctx context.Context, k int, filter bson.D, out []event.Event) ([]event.Event, error) {
	cur, err := s.events[k].Find(ctx, filter)
	if err != nil {
		return nil, err
	}
	switch event.Kinds[k] {
	case event.KindLog:
		return decodeAll[logDoc](ctx, cur, out)
	case event.KindMetric:
		return decodeAll[metricDoc](ctx, cur, out)
	case event.KindSecurity:
		return decodeAll[securityDoc](ctx, cur, out)
	default:
		return decodeAll[heartbeatDoc](ctx, cur, out)
	}
}

func decodeAll[D any, P interface {
	*D
	event() event.Event
}](ctx context.Context, cur *driver.Cursor, out []event.Event) ([]event.Event, error) {
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	for i := range docs {
		out = append(out, P(&docs[i]).event())
	}
	return out, nil
}

// CountEvents counts with the (tenant, …) index every collection has.
func (s *Store) CountEvents(ctx context.Context, tenant string, kind event.Kind) (int64, error) {
	k := kindIndex(kind)
	if k < 0 {
		return 0, fmt.Errorf("count events: unknown kind %q", kind)
	}
	n, err := s.events[k].CountDocuments(ctx, bson.D{{Key: "tenant", Value: tenant}})
	if err != nil {
		return 0, fmt.Errorf("count %s events: %w", kind, err)
	}
	return n, nil
}
