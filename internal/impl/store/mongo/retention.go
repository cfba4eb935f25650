package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Retention is store.Retention (LIGHTWATCH_RETENTION*), whose MaxDisk the
// store ignores, plus resolved alerts.
type Retention struct {
	store.Retention
	ResolvedAlerts time.Duration // by resolved_at; open alerts stay
}

// Names of the TTL indexes, so that a changed retention finds and changes
// them (collMod) and a retention set to zero drops them.
const (
	ttlEvents  = "ttl_ts"
	ttlRollups = "ttl_minute"
	ttlAlerts  = "ttl_resolved_at"
)

// Server error codes.
const (
	codeIndexNotFound         = 27
	codeNamespaceNotFound     = 26
	codeIndexOptionsConflict  = 85
	codeIndexKeySpecsConflict = 86
	codeNotImplemented        = 238 // FerretDB, for TTL indexes
)

func hasCode(err error, codes ...int) bool {
	var se driver.ServerError
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.HasErrorCode(c) {
			return true
		}
	}
	return false
}

// ensureTTLIndexes makes MongoDB's TTL monitor enforce the retention: one
// single-field TTL index on the BSON date field of each collection (ts,
// minute, resolved_at). The monitor runs every 60 s and deletes on the
// primary in the background, so documents outlive their retention by a
// minute or more under load; reads do not filter them out meanwhile, as the
// embedded store does not either between its passes.
func (s *Store) ensureTTLIndexes(ctx context.Context) error {
	r := s.opts.Retention
	var errs []error // all of them: a server without TTL refuses each alike
	for k, kind := range event.Kinds {
		errs = append(errs, s.ensureTTL(ctx, s.events[k], ttlEvents, "ts", r.For(kind)))
	}
	errs = append(errs, s.ensureTTL(ctx, s.summary.rollups, ttlRollups, "minute", r.Rollups))
	errs = append(errs, s.ensureTTL(ctx, s.alerts(), ttlAlerts, "resolved_at", r.ResolvedAlerts))
	return errors.Join(errs...)
}

func (s *Store) ensureTTL(ctx context.Context, c *driver.Collection, name, field string, d time.Duration) error {
	if d <= 0 {
		err := c.Indexes().DropOne(ctx, name)
		if err != nil && !hasCode(err, codeIndexNotFound, codeNamespaceNotFound) {
			return fmt.Errorf("drop TTL index %s on %s: %w", name, c.Name(), err)
		}
		return nil
	}
	secs := int32(min(d/time.Second, 1<<31-1))
	model := driver.IndexModel{
		Keys:    bson.D{{Key: field, Value: 1}},
		Options: options.Index().SetName(name).SetExpireAfterSeconds(secs),
	}
	_, err := c.Indexes().CreateOne(ctx, model)
	if hasCode(err, codeIndexOptionsConflict, codeIndexKeySpecsConflict) {
		// The retention changed: change the index in place rather than
		// rebuild it.
		err = c.Database().RunCommand(ctx, bson.D{
			{Key: "collMod", Value: c.Name()},
			{Key: "index", Value: bson.D{{Key: "name", Value: name}, {Key: "expireAfterSeconds", Value: secs}}},
		}).Err()
	}
	if err != nil {
		return fmt.Errorf("TTL index %s on %s: %w", name, c.Name(), err)
	}
	return nil
}

// sweepBatch bounds one delete: FerretDB fails a DeleteMany matching more than
// 32,766 documents (one SQL variable each).
const sweepBatch = 10_000

// maxSweepBatches bounds one pass per collection, so that a pass after a long
// stop, or a lowered retention, does not hold the server for long; the next
// pass goes on.
const maxSweepBatches = 100

// EnforceRetention deletes, as of now, what is older than the retention, in
// bounded batches, and returns how many events of each kind it deleted. On
// FerretDB, which has no TTL indexes, the background sweeper calls it; on
// MongoDB the TTL monitor does the same work and this is a manual pass.
func (s *Store) EnforceRetention(ctx context.Context, now time.Time) (map[event.Kind]int64, error) {
	r := s.opts.Retention
	dropped := make(map[event.Kind]int64, len(event.Kinds))
	for k, kind := range event.Kinds {
		d := r.For(kind)
		if d <= 0 {
			continue
		}
		n, err := s.sweep(ctx, s.events[k], bson.D{{Key: "ts_ns", Value: bson.D{{Key: "$lt", Value: now.Add(-d).UnixNano()}}}})
		dropped[kind] = n
		if err != nil {
			return dropped, fmt.Errorf("enforce retention: %w", err)
		}
	}
	if r.Rollups > 0 {
		filter := bson.D{{Key: "minute_ns", Value: bson.D{{Key: "$lt", Value: now.Add(-r.Rollups).UnixNano()}}}}
		if _, err := s.sweep(ctx, s.summary.rollups, filter); err != nil {
			return dropped, fmt.Errorf("enforce retention: %w", err)
		}
	}
	if r.ResolvedAlerts > 0 {
		filter := bson.D{{Key: "resolved_ns", Value: bson.D{{Key: "$gt", Value: 0}, {Key: "$lt", Value: now.Add(-r.ResolvedAlerts).UnixNano()}}}}
		if _, err := s.sweep(ctx, s.alerts(), filter); err != nil {
			return dropped, fmt.Errorf("enforce retention: %w", err)
		}
	}
	return dropped, nil
}

// sweep deletes the documents of c that match filter, s.sweepBatch at a
// time: their _ids are read, then deleted by _id.
func (s *Store) sweep(ctx context.Context, c *driver.Collection, filter bson.D) (int64, error) {
	batch := s.sweepBatch
	if batch <= 0 {
		batch = sweepBatch
	}
	var total int64
	for range maxSweepBatches {
		cur, err := c.Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(batch)))
		if err != nil {
			return total, fmt.Errorf("sweep %s: %w", c.Name(), err)
		}
		var docs []struct {
			ID any `bson:"_id"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return total, fmt.Errorf("sweep %s: %w", c.Name(), err)
		}
		if len(docs) == 0 {
			return total, nil
		}
		ids := make(bson.A, len(docs))
		for i, d := range docs {
			ids[i] = d.ID
		}
		res, err := c.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
		if err != nil {
			return total, fmt.Errorf("sweep %s: %w", c.Name(), err)
		}
		total += res.DeletedCount
		if len(docs) < batch {
			return total, nil
		}
	}
	return total, nil
}

// sweepEvery is the interval of the background sweeper: a tenth of the
// shortest retention, within [1 min, 1 h]. Finding old documents scans the
// collection on FerretDB, so sweeping more often costs more than it frees.
func (r Retention) sweepEvery() time.Duration {
	shortest := time.Duration(0)
	for _, d := range []time.Duration{r.Logs, r.Metrics, r.Security, r.Heartbeats, r.Rollups, r.ResolvedAlerts} {
		if d > 0 && (shortest == 0 || d < shortest) {
			shortest = d
		}
	}
	if shortest == 0 {
		return 0
	}
	return min(max(shortest/10, time.Minute), time.Hour)
}

// sweepLoop runs EnforceRetention every interval until ctx ends.
func (s *Store) sweepLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if _, err := s.EnforceRetention(ctx, now); err != nil && ctx.Err() == nil {
				s.opts.Logger.Warn("retention sweep failed; will retry", "err", err)
			}
		}
	}
}
