package mongo

import (
	"context"
	"errors"
	"fmt"
	"sync"

	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// The collections InsertEvents keeps beside the events, and the alert rules.
const (
	rollupsCollection  = "metric_rollups"
	namesCollection    = "metric_names"
	servicesCollection = "services"
	rulesCollection    = "alert_rules"
)

// summaryColls holds the collections of the metric and service side.
type summaryColls struct {
	rollups, names, services, rules *driver.Collection
	// writeMu serializes writeSummary within the process. FerretDB v1.24
	// applies $inc, $min, $max and $addToSet as read-modify-write without
	// isolation: concurrent updates of one document lose increments (measured:
	// 28 of 100 $inc from 4 goroutines survived). MongoDB needs no lock, and the
	// ingest path has one committing writer, so it costs nothing there; several
	// processes writing to one FerretDB can still lose counts.
	writeMu sync.Mutex
}

func newSummaryColls(db *driver.Database) *summaryColls {
	return &summaryColls{
		rollups:  db.Collection(rollupsCollection),
		names:    db.Collection(namesCollection),
		services: db.Collection(servicesCollection),
		rules:    db.Collection(rulesCollection),
	}
}

// writeSummary applies the summary of a call's fresh events. Without
// transactions (FerretDB has none) it runs after the inserts: if it fails, the
// events are stored but their rollups and registry entries are not, and a
// retry will not add them since the events are no longer fresh. Summaries can
// thus fall short after an error, but never count a sample twice.
func (s *Store) writeSummary(ctx context.Context, b summary.Batch) error {
	s.summary.writeMu.Lock()
	defer s.summary.writeMu.Unlock()
	if err := s.writeRollups(ctx, b.Rollups); err != nil {
		return err
	}
	if err := s.writeNames(ctx, b.Names); err != nil {
		return err
	}
	return s.writeServices(ctx, b.Services)
}

// maxUpsertAttempts bounds the retries of upserts that lost a race.
const maxUpsertAttempts = 3

// bulkWrite sends models in one command. Two concurrent upserts of a new _id
// can both try to insert it, and one then fails with a duplicate key, having
// changed nothing: those (and, when ordered, the models after them, which did
// not run) are retried, and now find the document.
func bulkWrite(ctx context.Context, c *driver.Collection, models []driver.WriteModel, ordered bool) error {
	for attempt := 1; ; attempt++ {
		_, err := c.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(ordered))
		if err == nil {
			return nil
		}
		retry, ok := lostRaces(err, models, ordered)
		if !ok || attempt == maxUpsertAttempts {
			return fmt.Errorf("bulk write to %s: %w", c.Name(), err)
		}
		models = retry
	}
}

// lostRaces returns the models to retry when every write error of err is a
// duplicate key, and ok false for any other failure.
func lostRaces(err error, models []driver.WriteModel, ordered bool) (retry []driver.WriteModel, ok bool) {
	var bwe driver.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
		return nil, false
	}
	for _, we := range bwe.WriteErrors {
		if we.Code != duplicateKey || we.Index < 0 || we.Index >= len(models) {
			return nil, false
		}
		if ordered { // an ordered write stops at its first error
			return models[we.Index:], true
		}
		retry = append(retry, models[we.Index])
	}
	return retry, true
}
