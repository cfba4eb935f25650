// Package mongo is the store on MongoDB 7, and on FerretDB v1.24 for small
// deployments and tests; it uses only what both implement identically.
//
// Layout, and why:
//   - one collection per kind (logs, metrics, security_events, heartbeats),
//     like the SQLite tables, so (tenant, id) is unique per kind;
//   - _id is tenantKey(tenant) + "/" + id: the primary key then enforces
//     idempotency with no extra unique index (FerretDB refuses a unique index on
//     _id, and uses an index only for exact _id lookups);
//   - attributes and labels are arrays of {k, v}, since FerretDB rejects field
//     names with dots or a leading $, which user attributes often have;
//   - times are a BSON datetime (ts, received_at, created_at: milliseconds, for
//     people and tools) plus int64 Unix nanoseconds (ts_ns, …), which are the
//     truth: reads use only the *_ns fields, and so must range queries, which
//     the indexes serve on ts_ns.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

var _ store.Store = (*Store)(nil)

// Store is a store.Store on one MongoDB database.
type Store struct {
	client *driver.Client
	events [len(event.Kinds)]*driver.Collection // indexed like event.Kinds
	keys   *driver.Collection
	// summary holds the rollups, metric names, services and alert rules.
	summary *summaryColls
}

// collections is indexed like event.Kinds.
var collections = [len(event.Kinds)]string{"logs", "metrics", "security_events", "heartbeats"}

const keysCollection = "keys"

// disconnectTimeout bounds Close, which has no context of its own.
const disconnectTimeout = 10 * time.Second

// Open connects to uri, checks that the server answers, and creates the
// indexes (a no-op when they exist).
func Open(ctx context.Context, uri, database string) (*Store, error) {
	client, err := driver.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return nil, fmt.Errorf("open mongo: %w", err)
	}
	s := newStore(client, database)
	if err := s.Ping(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open mongo: %w", err), s.Close())
	}
	if err := s.createIndexes(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open mongo: %w", err), s.Close())
	}
	return s, nil
}

func newStore(client *driver.Client, database string) *Store {
	// Majority and journaled: InsertEvents promises the events are on disk,
	// and survive a primary failover, when it returns.
	journal := true
	wc := &writeconcern.WriteConcern{W: writeconcern.WCMajority, Journal: &journal}
	db := client.Database(database, options.Database().SetWriteConcern(wc))
	s := &Store{client: client, keys: db.Collection(keysCollection), summary: newSummaryColls(db)}
	for i, name := range collections {
		s.events[i] = db.Collection(name)
	}
	return s
}

// Ping asks the primary, where writes go.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return fmt.Errorf("ping mongo: %w", err)
	}
	return nil
}

// Close disconnects, waiting at most disconnectTimeout for operations in flight.
func (s *Store) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), disconnectTimeout)
	defer cancel()
	if err := s.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("close mongo: %w", err)
	}
	return nil
}

// indexes are those of the SQLite tables, minus (tenant, id), which _id covers.
// The listing indexes end in (ts_ns, id), the keyset order of the query API, so
// MongoDB reads a page in index order instead of sorting the whole window.
var indexes = [len(event.Kinds)][]bson.D{
	{ // logs
		{{Key: "tenant", Value: 1}, {Key: "service", Value: 1}, {Key: "level", Value: 1}, {Key: "ts_ns", Value: 1}, {Key: "id", Value: 1}},
		{{Key: "tenant", Value: 1}, {Key: "ts_ns", Value: 1}, {Key: "id", Value: 1}},
	},
	{ // metrics
		{{Key: "tenant", Value: 1}, {Key: "name", Value: 1}, {Key: "ts_ns", Value: 1}},
	},
	{ // security_events
		{{Key: "tenant", Value: 1}, {Key: "severity", Value: 1}, {Key: "ts_ns", Value: 1}, {Key: "id", Value: 1}},
		{{Key: "tenant", Value: 1}, {Key: "category", Value: 1}, {Key: "ts_ns", Value: 1}, {Key: "id", Value: 1}},
		{{Key: "tenant", Value: 1}, {Key: "ts_ns", Value: 1}, {Key: "id", Value: 1}},
	},
	{ // heartbeats
		{{Key: "tenant", Value: 1}, {Key: "service", Value: 1}, {Key: "ts_ns", Value: 1}},
	},
}

func (s *Store) createIndexes(ctx context.Context) error {
	for k, keys := range indexes {
		if err := ensureIndexes(ctx, s.events[k], keys); err != nil {
			return err
		}
	}
	unique := driver.IndexModel{Keys: bson.D{{Key: "hash", Value: 1}}, Options: options.Index().SetUnique(true)}
	if _, err := s.keys.Indexes().CreateOne(ctx, unique); err != nil {
		return fmt.Errorf("create indexes on %s: %w", keysCollection, err)
	}
	if err := s.createReadIndexes(ctx); err != nil {
		return err
	}
	return s.createMetricIndexes(ctx)
}

// ensureIndexes creates indexes on c, a no-op for those that exist. One
// createIndexes command per index: FerretDB v1.24 panics (and drops the
// connection) on a command of several indexes when they already exist, so a
// second process, or a restarted one, could not open the store.
func ensureIndexes(ctx context.Context, c *driver.Collection, keys []bson.D) error {
	for _, k := range keys {
		if _, err := c.Indexes().CreateOne(ctx, driver.IndexModel{Keys: k}); err != nil {
			return fmt.Errorf("create indexes on %s: %w", c.Name(), err)
		}
	}
	return nil
}
