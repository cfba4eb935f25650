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
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mevent "go.mongodb.org/mongo-driver/v2/event"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

var (
	_ store.Store    = (*Store)(nil)
	_ store.Retainer = (*Store)(nil)
)

// Store is a store.Store on one MongoDB database.
type Store struct {
	client *driver.Client
	events [len(event.Kinds)]*driver.Collection // indexed like event.Kinds
	keys   *driver.Collection
	outbox *driver.Collection
	// summary holds the rollups, metric names, services and alert rules.
	summary *summaryColls
	opts    Options
	server  serverInfo
	faults  faultHook // tests only
	// sweepBatch is the size of one retention delete; tests make it small.
	sweepBatch int
	// primarySeen is when Ping last reached the primary (Unix ns).
	primarySeen atomic.Int64
	// stop ends the background work (repairer, sweeper); done closes when it has.
	stop context.CancelFunc
	done chan struct{}
}

// Options tune a Store beyond its connection string. The zero value is valid.
type Options struct {
	// Repaired receives the events of a call that failed part way and was
	// completed by the background repairer rather than by a retry, so that
	// the caller publishes them and nudges alerting as after a commit. It must
	// not block for long.
	Repaired func(events []event.Event)
	// RepairEvery is how often the repairer looks for incomplete calls;
	// default 30s, negative turns it off.
	RepairEvery time.Duration
	// RepairAfter is how old an incomplete call must be before the repairer
	// completes it, leaving the client's own retry the first chance; default 2m.
	RepairAfter time.Duration
	// ElectionGrace is how long Ping keeps succeeding without a primary
	// while a secondary answers: set it to the write timeout, within which
	// the driver rides out an election; default 30s, negative: none.
	ElectionGrace time.Duration
	// Retention is how long data is kept: TTL indexes on MongoDB, a
	// background sweeper on FerretDB (detected at start-up).
	Retention Retention
	// Logger receives the background work's failures; default slog.Default().
	Logger *slog.Logger
	// Tests only: monitor sees every command sent; assumeMongo takes the
	// server for MongoDB whatever buildInfo says, to capture the commands of
	// the MongoDB path on FerretDB.
	monitor     *mevent.CommandMonitor
	assumeMongo bool
}

func (o *Options) defaults() {
	if o.RepairEvery == 0 {
		o.RepairEvery = 30 * time.Second
	}
	if o.RepairAfter == 0 {
		o.RepairAfter = 2 * time.Minute
	}
	if o.ElectionGrace == 0 {
		o.ElectionGrace = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// collections is indexed like event.Kinds.
var collections = [len(event.Kinds)]string{"logs", "metrics", "security_events", "heartbeats"}

const keysCollection = "keys"

// disconnectTimeout bounds Close, which has no context of its own.
const disconnectTimeout = 10 * time.Second

// Open connects to uri with the default Options.
func Open(ctx context.Context, uri, database string) (*Store, error) {
	return OpenWith(ctx, uri, database, Options{})
}

// OpenWith connects to uri, checks that the server answers, learns what it
// implements, creates the indexes (a no-op when they exist) and starts the
// background repairer.
func OpenWith(ctx context.Context, uri, database string, opts Options) (*Store, error) {
	opts.defaults()
	clientOpts := options.Client().ApplyURI(uri)
	if opts.monitor != nil {
		clientOpts.SetMonitor(opts.monitor)
	}
	client, err := driver.Connect(clientOpts)
	if err != nil {
		return nil, fmt.Errorf("open mongo: %w", err)
	}
	s := newStore(client, database)
	s.opts = opts
	if err := s.Ping(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open mongo: %w", err), s.disconnect())
	}
	if s.server, err = detectServer(ctx, client.Database(database)); err != nil {
		return nil, errors.Join(fmt.Errorf("open mongo: %w", err), s.disconnect())
	}
	if opts.assumeMongo {
		s.server.ferret = false
	}
	if err := s.createCollections(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open mongo: %w", err), s.disconnect())
	}
	if err := s.createIndexes(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open mongo: %w", err), s.disconnect())
	}
	// Retention: TTL indexes where the server enforces them, else the sweeper.
	sweepEvery := time.Duration(0)
	if s.server.ferret {
		sweepEvery = s.opts.Retention.sweepEvery()
	} else if err := s.ensureTTLIndexes(ctx); hasCode(err, codeNotImplemented) {
		s.opts.Logger.Info("the server has no TTL indexes; retention runs as a background sweep", "err", err)
		sweepEvery = s.opts.Retention.sweepEvery()
	} else if err != nil {
		return nil, errors.Join(fmt.Errorf("open mongo: %w", err), s.disconnect())
	}
	bg, stop := context.WithCancel(context.Background())
	s.stop, s.done = stop, make(chan struct{})
	var wg sync.WaitGroup
	if s.opts.RepairEvery > 0 {
		wg.Go(func() { s.repairLoop(bg) })
	}
	if sweepEvery > 0 {
		wg.Go(func() { s.sweepLoop(bg, sweepEvery) })
	}
	go func() {
		wg.Wait()
		close(s.done)
	}()
	return s, nil
}

func newStore(client *driver.Client, database string) *Store {
	// Majority and journaled: InsertEvents promises the events are on disk,
	// and survive a primary failover, when it returns.
	journal := true
	wc := &writeconcern.WriteConcern{W: writeconcern.WCMajority, Journal: &journal}
	db := client.Database(database, options.Database().SetWriteConcern(wc))
	s := &Store{client: client, keys: db.Collection(keysCollection), outbox: db.Collection(outboxCollection), summary: newSummaryColls(db)}
	for i, name := range collections {
		s.events[i] = db.Collection(name)
	}
	return s
}

// Ping asks the primary, where writes go. During an election there is none
// for some seconds, and every process pinging the primary would turn unready
// at once, though the driver holds their writes until the new primary is
// elected: so while a secondary answers and the primary answered less than
// Options.ElectionGrace ago, Ping still succeeds.
func (s *Store) Ping(ctx context.Context) error {
	err := s.client.Ping(ctx, readpref.Primary())
	now := time.Now()
	if err == nil {
		s.primarySeen.Store(now.UnixNano())
		return nil
	}
	if ctx.Err() == nil && withinGrace(s.primarySeen.Load(), now, s.opts.ElectionGrace) &&
		s.client.Ping(ctx, readpref.Nearest()) == nil {
		return nil
	}
	return fmt.Errorf("ping mongo: %w", err)
}

// withinGrace reports whether the primary was last seen less than grace
// before now.
func withinGrace(seenNs int64, now time.Time, grace time.Duration) bool {
	return seenNs > 0 && grace > 0 && now.Sub(time.Unix(0, seenNs)) < grace
}

// Close stops the background work and disconnects, waiting at most
// disconnectTimeout for operations in flight.
func (s *Store) Close() error {
	if s.stop != nil {
		s.stop()
		<-s.done
	}
	return s.disconnect()
}

func (s *Store) disconnect() error {
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
	// The outbox holds only the calls in flight or failed, so it stays small;
	// on MongoDB the retry's lookup by event key uses this multikey index.
	if err := ensureIndexes(ctx, s.outbox, []bson.D{{{Key: "keys", Value: 1}}}); err != nil {
		return err
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
