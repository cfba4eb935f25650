package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo"
	"github.com/lightwatch/lightwatch/internal/impl/store/sqlite"
)

// openStore opens MongoDB when a URI is configured, else the embedded SQLite
// store in the data directory. It also says how many concurrent writes suit it.
// repaired receives the events of writes the MongoDB store completed after
// they failed part way (see mongo.Options.Repaired).
func openStore(ctx context.Context, cfg config.Config, repaired func([]event.Event)) (s store.Store, writers int, err error) {
	if cfg.MongoURI != "" {
		m, err := mongo.OpenWith(ctx, cfg.MongoURI, cfg.MongoDatabase, mongo.Options{Repaired: repaired, ElectionGrace: cfg.WriteTimeout})
		if err != nil {
			return nil, 0, fmt.Errorf("open mongodb: %w", err)
		}
		return m, 4, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, 0, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(cfg.DataDir, "lightwatch.db")
	sq, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: cfg.SQLiteSync})
	if err != nil {
		return nil, 0, fmt.Errorf("open embedded store %s: %w", path, err)
	}
	return sq, 1, nil // SQLite has one writer: concurrent writes would only queue on its lock
}

// keyLookup adapts the store's key lookup to the authenticator's error contract.
func keyLookup(keys store.Keys) apikey.Lookup {
	return func(ctx context.Context, hash string) (apikey.Key, error) {
		k, err := keys.KeyByHash(ctx, hash)
		if errors.Is(err, store.ErrNotFound) {
			return apikey.Key{}, apikey.ErrNotFound
		}
		return k, err
	}
}
