// Package store defines the storage interface that every adapter (sqlite,
// mongo) implements and that the conformance suite in storetest proves.
package store

import (
	"context"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/fault"
)

// ErrNotFound is returned (wrapped) when a requested record does not exist;
// its code is fault.NotFound.
var ErrNotFound = &fault.Error{Code: fault.NotFound, Message: "not found"}

// ErrConflict is returned (wrapped) when a record to create already exists;
// its code is fault.Conflict.
var ErrConflict = &fault.Error{Code: fault.Conflict, Message: "already exists"}

// Store is the record of everything Lightwatch accepted.
type Store interface {
	Events
	Queries
	Counts
	Explore
	Metrics
	Services
	Alerts
	Rules
	Keys
	KeyAdmin
	// Ping reports whether the store answers; /readyz uses it.
	Ping(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// Events stores and reads canonical events.
type Events interface {
	// InsertEvents stores events durably, and updates the metric rollups and the
	// service registry with the newly stored ones: when it returns nil, every event is on
	// disk (SQLite: committed WAL; MongoDB: journaled, majority write concern).
	// Events are identified by (tenant, kind, id). An event already stored, or
	// repeating an earlier one of the same call, is skipped; fresh[i] reports
	// whether events[i] was newly stored. SQLite stores a call atomically; MongoDB
	// does not, so on error some events may be stored. Retrying is always safe,
	// and completes the derived data of a call that failed part way: MongoDB
	// then reports the events it completed as fresh (no caller was told they
	// were stored), so they are published once.
	InsertEvents(ctx context.Context, events []event.Event) (fresh []bool, err error)
	// GetEvents returns the tenant's stored events among ids, of any kind, in no
	// particular order; ids that are not stored are left out.
	GetEvents(ctx context.Context, tenant string, ids []string) ([]event.Event, error)
	// CountEvents returns how many events of a kind the tenant has stored.
	CountEvents(ctx context.Context, tenant string, kind event.Kind) (int64, error)
}

// Keys stores API keys.
type Keys interface {
	// PutKey stores a key, or does nothing if a key with the same ID exists.
	PutKey(ctx context.Context, k apikey.Key) error
	// KeyByHash returns the key whose secret hashes to hash, or ErrNotFound.
	KeyByHash(ctx context.Context, hash string) (apikey.Key, error)
}

// Retention says how long a store keeps each kind of data and how much disk
// it may use. A zero duration or size means no limit.
type Retention struct {
	Logs, Metrics, Security, Heartbeats time.Duration // by event ts
	Rollups                             time.Duration // metric rollups, by minute
	// MaxDisk caps the store's files in bytes: past it, the oldest events are
	// dropped first. Stores that cannot measure their files ignore it.
	MaxDisk int64
}

// For returns the retention of kind.
func (r Retention) For(kind event.Kind) time.Duration {
	switch kind {
	case event.KindLog:
		return r.Logs
	case event.KindMetric:
		return r.Metrics
	case event.KindSecurity:
		return r.Security
	case event.KindHeartbeat:
		return r.Heartbeats
	}
	return 0
}

// Retainer is implemented by stores that enforce a Retention. They do so in
// the background; EnforceRetention runs one pass now, as of now, and
// returns how many events of each kind it dropped.
type Retainer interface {
	EnforceRetention(ctx context.Context, now time.Time) (map[event.Kind]int64, error)
}

// StorageStats is what a store reports about its disk and retention, for /metrics.
type StorageStats struct {
	// DiskBytes is the size of the store's files (database and, apart, its
	// write-ahead log); zero when the store cannot tell.
	DiskBytes, WALBytes int64
	// Oldest is the ts of the oldest retained event of each kind it knows.
	Oldest map[event.Kind]time.Time
	// Dropped counts the events dropped since start, by kind and reason
	// ("age" or "disk").
	Dropped map[event.Kind]map[string]int64
}

// StorageReporter is implemented by stores that report StorageStats.
type StorageReporter interface {
	StorageStats(ctx context.Context) (StorageStats, error)
}
