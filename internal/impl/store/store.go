// Package store defines the storage interface that every adapter (sqlite,
// mongo) implements and that the conformance suite in storetest proves.
package store

import (
	"context"
	"errors"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// ErrNotFound is returned when a requested record does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a record to create already exists.
var ErrConflict = errors.New("already exists")

// Store is the record of everything Lightwatch accepted.
type Store interface {
	Events
	Queries
	Counts
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
