package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// The outbox makes derived data (rollups, metric names, services, and the
// stream publish and alert nudges the caller does for fresh events) complete
// even when a call fails between storing its events and summarizing them.
// FerretDB has no transactions, and a MongoDB transaction would hold every
// insert of a busy batch in one, so instead:
//
//  1. before inserting, InsertEvents writes an outbox entry {_id: batch,
//     keys: every event key of the call}, and stamps each event it stores with
//     batch;
//  2. it applies the summary of its fresh events, each rollup bucket update
//     conditional on the bucket not yet listing batch in ops (and adding it):
//     the only derived update that is not idempotent is $inc, and the marker
//     makes it so;
//  3. it deletes the entry, then pulls batch out of the buckets' ops.
//
// When a call fails after step 1, the entry stays. A retry of the same events
// finds them duplicates, finds the pending entries that list them, and
// completes those batches from the stored events (the ones stamped with the
// batch): re-applying rollups skips the buckets already marked, names and
// services are idempotent by construction ($addToSet, $max, conditional
// sets). Whoever deletes the entry (the retry, or the background repairer for
// a client that never retries) reports the events: the retry as fresh, so the
// caller publishes and nudges as for a first write; the repairer through
// Options.Repaired.

const outboxCollection = "pending_derivations"

// outboxDoc is one call's entry.
type outboxDoc struct {
	ID        string   `bson:"_id"`
	Keys      []string `bson:"keys"`
	CreatedNs int64    `bson:"created_ns"`
}

// eventKey names an event across collections: kind index and _id.
func eventKey(k int, id string) string { return fmt.Sprintf("%d:%s", k, id) }

func splitKey(key string) (k int, id string, ok bool) {
	ks, id, ok := strings.Cut(key, ":")
	if !ok || len(ks) != 1 || ks[0] < '0' || int(ks[0]-'0') >= len(collections) {
		return 0, "", false
	}
	return int(ks[0] - '0'), id, true
}

func newBatch() string { return bson.NewObjectID().Hex() }

// openBatch writes the outbox entry of a call before its inserts.
func (s *Store) openBatch(ctx context.Context, batch string, keys []string) error {
	doc := outboxDoc{ID: batch, Keys: keys, CreatedNs: time.Now().UnixNano()}
	if _, err := s.outbox.InsertOne(ctx, doc); err != nil {
		return fmt.Errorf("write outbox entry: %w", err)
	}
	return nil
}

// closeBatch deletes the entry, and reports whether this call deleted it (and
// so owns reporting its events). The markers are pulled afterwards, never
// before: a marker gone while its entry is still pending would let a
// completion count the bucket again. A failed pull leaves a marker that
// nothing reads again, which costs a few bytes.
func (s *Store) closeBatch(ctx context.Context, batch string, rollupIDs []string) (bool, error) {
	if err := s.faults.at("close"); err != nil {
		return false, err
	}
	res, err := s.outbox.DeleteOne(ctx, bson.D{{Key: "_id", Value: batch}})
	if err != nil {
		return false, fmt.Errorf("delete outbox entry: %w", err)
	}
	if len(rollupIDs) > 0 {
		// Under the summary lock: on FerretDB the pull rewrites the whole
		// bucket, and would undo a concurrent $inc.
		defer s.lockSummary()()
		// One update per exact _id, the lookup FerretDB serves by index.
		pull := bson.D{{Key: "$pull", Value: bson.D{{Key: "ops", Value: batch}}}}
		models := make([]driver.WriteModel, len(rollupIDs))
		for i, id := range rollupIDs {
			models[i] = driver.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: id}}).SetUpdate(pull)
		}
		_, _ = s.summary.rollups.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	}
	return res.DeletedCount == 1, nil
}

// pendingFor returns the pending entries, other than own, that list any of keys.
func (s *Store) pendingFor(ctx context.Context, keys []string, own string) ([]outboxDoc, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	filter := bson.D{
		{Key: "keys", Value: bson.D{{Key: "$in", Value: keys}}},
		{Key: "_id", Value: bson.D{{Key: "$ne", Value: own}}},
	}
	return s.findOutbox(ctx, filter)
}

func (s *Store) findOutbox(ctx context.Context, filter bson.D) ([]outboxDoc, error) {
	cur, err := s.outbox.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_ns", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("find outbox entries: %w", err)
	}
	var docs []outboxDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("find outbox entries: %w", err)
	}
	return docs, nil
}

// complete applies the derived data of a pending batch from its stored events
// and deletes its entry. It returns the batch's events when this call deleted
// the entry, nil when another did.
func (s *Store) complete(ctx context.Context, o outboxDoc) ([]event.Event, error) {
	var ids [len(collections)][]string
	for _, key := range o.Keys {
		if k, id, ok := splitKey(key); ok {
			ids[k] = append(ids[k], id)
		}
	}
	var events []event.Event
	for k, list := range ids {
		for start := 0; start < len(list); start += maxIDsPerQuery {
			chunk := list[start:min(start+maxIDsPerQuery, len(list))]
			filter := bson.D{
				{Key: "_id", Value: bson.D{{Key: "$in", Value: chunk}}},
				{Key: "batch", Value: o.ID},
			}
			var err error
			if events, err = s.find(ctx, k, filter, events); err != nil {
				return nil, fmt.Errorf("complete batch %s: read %s: %w", o.ID, collections[k], err)
			}
		}
	}
	all := make([]bool, len(events))
	for i := range all {
		all[i] = true
	}
	b := summary.Prepare(events).Summarize(all)
	if err := s.writeSummary(ctx, o.ID, b); err != nil {
		return nil, fmt.Errorf("complete batch %s: %w", o.ID, err)
	}
	mine, err := s.closeBatch(ctx, o.ID, rollupIDs(b.Rollups))
	if err != nil || !mine {
		return nil, err
	}
	return events, nil
}

// Repair completes the batches pending for longer than olderThan, whose
// callers gave up, and hands each one's events to Options.Repaired. The
// background repairer calls it; it is safe to run concurrently with retries
// and with other processes' repairers.
func (s *Store) Repair(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan).UnixNano()
	docs, err := s.findOutbox(ctx, bson.D{{Key: "created_ns", Value: bson.D{{Key: "$lt", Value: cutoff}}}})
	if err != nil {
		return 0, fmt.Errorf("repair: %w", err)
	}
	n := 0
	var errs []error
	for _, o := range docs {
		events, err := s.complete(ctx, o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if events != nil {
			n++
			if s.opts.Repaired != nil && len(events) > 0 {
				s.opts.Repaired(events)
			}
		}
	}
	return n, errors.Join(errs...)
}

// repairLoop runs Repair every opts.RepairEvery until ctx ends.
func (s *Store) repairLoop(ctx context.Context) {
	t := time.NewTicker(s.opts.RepairEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Repair(ctx, s.opts.RepairAfter); err != nil && ctx.Err() == nil {
				s.opts.Logger.Warn("repair of incomplete writes failed; will retry", "err", err)
			}
		}
	}
}

// faultHook lets tests fail a write at a named step of InsertEvents; nil in
// production.
type faultHook func(step string) error

func (f faultHook) at(step string) error {
	if f == nil {
		return nil
	}
	return f(step)
}
