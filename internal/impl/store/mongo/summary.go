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
	// writeMu serializes writeSummary within the process, on FerretDB only
	// (serverInfo.ferret, from buildInfo at start-up). FerretDB v1.24
	// applies $inc, $min, $max and $addToSet as read-modify-write without
	// isolation: concurrent updates of one document lose increments (measured:
	// 28 of 100 $inc from 4 goroutines survived). MongoDB applies each update
	// to a document atomically, so there the lock would only serialize the
	// concurrent writers of the group committer for nothing. Several processes
	// writing to one FerretDB can still lose counts: run one ingest process on
	// FerretDB (deploy/README.md).
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

// writeSummary applies the summary of batch's fresh events. Without
// transactions (FerretDB has none) it runs after the inserts; a failure part
// way leaves the batch's outbox entry pending, and completing it later
// re-applies the whole summary: every step is idempotent for one batch (see
// outbox.go), so nothing is lost and no sample is counted twice.
func (s *Store) writeSummary(ctx context.Context, batch string, b summary.Batch) error {
	defer s.lockSummary()()
	if err := s.faults.at("rollups"); err != nil {
		return err
	}
	if err := s.writeRollups(ctx, batch, b.Rollups); err != nil {
		return err
	}
	if err := s.faults.at("names"); err != nil {
		return err
	}
	if err := s.writeNames(ctx, b.Names); err != nil {
		return err
	}
	if err := s.faults.at("services"); err != nil {
		return err
	}
	return s.writeServices(ctx, b.Services)
}

// lockSummary takes writeMu on FerretDB, and returns its release.
func (s *Store) lockSummary() (unlock func()) {
	if !s.server.ferret {
		return func() {}
	}
	s.summary.writeMu.Lock()
	return s.summary.writeMu.Unlock
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
