package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo"
	"github.com/lightwatch/lightwatch/internal/impl/store/sqlite"
)

// openStore opens MongoDB when a URI is configured, else the embedded SQLite
// store in the data directory. It also says how many concurrent writes suit it.
func openStore(ctx context.Context, cfg config.Config) (s store.Store, writers int, err error) {
	if cfg.MongoURI != "" {
		m, err := mongo.Open(ctx, cfg.MongoURI, cfg.MongoDatabase)
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
