package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

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
		m, err := mongo.OpenWith(ctx, cfg.MongoURI, cfg.MongoDatabase, mongo.Options{Repaired: repaired, ElectionGrace: cfg.WriteTimeout,
			Retention: mongoRetention(cfg)})
		if err != nil {
			return nil, 0, fmt.Errorf("open mongodb: %w", err)
		}
		return m, 4, nil
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, 0, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(cfg.DataDir, "lightwatch.db")
	sq, err := sqlite.Open(ctx, path, sqlite.Options{Synchronous: cfg.SQLiteSync, Retention: storeRetention(cfg)})
	if err != nil {
		return nil, 0, fmt.Errorf("open embedded store %s: %w", path, err)
	}
	return sq, 1, nil // SQLite has one writer: concurrent writes would only queue on its lock
}

// storeRetention is the configured retention: each kind's own, else the
// common one.
func storeRetention(c config.Config) store.Retention {
	or := func(d *time.Duration) time.Duration {
		if d != nil {
			return *d
		}
		return c.Retention
	}
	return store.Retention{
		Logs: or(c.RetentionLogs), Metrics: or(c.RetentionMetrics), Security: or(c.RetentionSecurity),
		Heartbeats: or(c.RetentionHeartbeats), Rollups: c.RetentionRollups, MaxDisk: c.MaxDisk,
	}
}

// mongoRetention is storeRetention for MongoDB, whose resolved alerts expire
// after LIGHTWATCH_RETENTION too.
func mongoRetention(c config.Config) mongo.Retention {
	return mongo.Retention{Retention: storeRetention(c), ResolvedAlerts: c.Retention}
}

// storageCollector puts a store's StorageStats into /metrics at each scrape.
type storageCollector struct{ s store.StorageReporter }

var (
	storageDiskDesc = prometheus.NewDesc("lightwatch_store_disk_bytes",
		"Size of the embedded store's files: the database and its write-ahead log.", []string{"file"}, nil)
	storageOldestDesc = prometheus.NewDesc("lightwatch_store_oldest_event_timestamp_seconds",
		"Unix time of the oldest retained event, by kind (kinds the store tracks).", []string{"kind"}, nil)
	storageDroppedDesc = prometheus.NewDesc("lightwatch_store_dropped_events_total",
		"Events dropped by retention, by kind and reason (age, or disk: past LIGHTWATCH_MAX_DISK).", []string{"kind", "reason"}, nil)
)

func (c storageCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- storageDiskDesc
	ch <- storageOldestDesc
	ch <- storageDroppedDesc
}

func (c storageCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.s.StorageStats(ctx)
	if err != nil {
		return
	}
	ch <- prometheus.MustNewConstMetric(storageDiskDesc, prometheus.GaugeValue, float64(st.DiskBytes), "database")
	ch <- prometheus.MustNewConstMetric(storageDiskDesc, prometheus.GaugeValue, float64(st.WALBytes), "wal")
	for kind, ts := range st.Oldest {
		ch <- prometheus.MustNewConstMetric(storageOldestDesc, prometheus.GaugeValue, float64(ts.UnixNano())/1e9, string(kind))
	}
	for _, kind := range event.Kinds {
		for _, reason := range []string{"age", "disk"} {
			ch <- prometheus.MustNewConstMetric(storageDroppedDesc, prometheus.CounterValue, float64(st.Dropped[kind][reason]), string(kind), reason)
		}
	}
}
