package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] takes the schema from version i to i+1 (PRAGMA user_version).
// Append only: a released step must never change, since databases in the
// field have already run it.
//
// Index economy: every index costs a B-tree insert per row, and the write
// path is bounded by them (modernc.org/sqlite does ~50k rows/s with three),
// so each table carries its (tenant, id) uniqueness plus only the indexes its
// queries need. Indexes end in ts so a time range under equal prefixes is one
// index range scan, ordered for ORDER BY ts DESC.
var migrations = []string{
	`
CREATE TABLE logs (
	tenant      TEXT    NOT NULL,
	id          TEXT    NOT NULL,
	ts          INTEGER NOT NULL,
	received_at INTEGER,
	service     TEXT    NOT NULL,
	host        TEXT    NOT NULL,
	attrs       TEXT,
	level       TEXT    NOT NULL,
	message     TEXT    NOT NULL,
	trace_id    TEXT    NOT NULL,
	span_id     TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX logs_tenant_id ON logs (tenant, id);
CREATE INDEX logs_tenant_service_level_ts ON logs (tenant, service, level, ts);
CREATE INDEX logs_tenant_ts ON logs (tenant, ts);

CREATE TABLE metrics (
	tenant      TEXT    NOT NULL,
	id          TEXT    NOT NULL,
	ts          INTEGER NOT NULL,
	received_at INTEGER,
	service     TEXT    NOT NULL,
	host        TEXT    NOT NULL,
	attrs       TEXT,
	name        TEXT    NOT NULL,
	value       REAL    NOT NULL,
	type        TEXT    NOT NULL,
	labels      TEXT
) STRICT;
CREATE UNIQUE INDEX metrics_tenant_id ON metrics (tenant, id);
CREATE INDEX metrics_tenant_name_ts ON metrics (tenant, name, ts);

CREATE TABLE security_events (
	tenant      TEXT    NOT NULL,
	id          TEXT    NOT NULL,
	ts          INTEGER NOT NULL,
	received_at INTEGER,
	service     TEXT    NOT NULL,
	host        TEXT    NOT NULL,
	attrs       TEXT,
	source      TEXT    NOT NULL,
	category    TEXT    NOT NULL,
	severity    TEXT    NOT NULL,
	action      TEXT    NOT NULL,
	outcome     TEXT    NOT NULL,
	actor       TEXT    NOT NULL,
	src_ip      TEXT    NOT NULL,
	message     TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX security_events_tenant_id ON security_events (tenant, id);
CREATE INDEX security_events_tenant_severity_ts ON security_events (tenant, severity, ts);
CREATE INDEX security_events_tenant_category_ts ON security_events (tenant, category, ts);
CREATE INDEX security_events_tenant_ts ON security_events (tenant, ts);

CREATE TABLE heartbeats (
	tenant           TEXT    NOT NULL,
	id               TEXT    NOT NULL,
	ts               INTEGER NOT NULL,
	received_at      INTEGER,
	service          TEXT    NOT NULL,
	host             TEXT    NOT NULL,
	attrs            TEXT,
	instance         TEXT    NOT NULL,
	status           TEXT    NOT NULL,
	interval_seconds INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX heartbeats_tenant_id ON heartbeats (tenant, id);
CREATE INDEX heartbeats_tenant_service_ts ON heartbeats (tenant, service, ts);

CREATE TABLE api_keys (
	id         TEXT PRIMARY KEY,
	name       TEXT    NOT NULL,
	tenant     TEXT    NOT NULL,
	scopes     TEXT    NOT NULL,
	hash       TEXT    NOT NULL UNIQUE,
	created_at INTEGER,
	revoked_at INTEGER
) STRICT;
`,
	// 2: the read side. Rollups and the service registry are written by
	// InsertEvents in the same transaction as the events they summarize.
	`
-- The series catalog: QueryMetrics starts from it, and rollups name a series
-- by its id, which keeps their rows small and their key two integers.
CREATE TABLE metric_series (
	id         INTEGER PRIMARY KEY,
	tenant     TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	series_key TEXT    NOT NULL, -- service and sorted labels, canonical JSON
	service    TEXT    NOT NULL, -- for the service filter
	UNIQUE (tenant, name, series_key)
) STRICT;

-- Series-major: one series over a time range is one contiguous key range,
-- however many series its metric has.
CREATE TABLE metric_rollups (
	series INTEGER NOT NULL, -- metric_series.id
	minute INTEGER NOT NULL, -- start of the minute, Unix nanoseconds
	count  INTEGER NOT NULL,
	sum    REAL    NOT NULL,
	min    REAL    NOT NULL,
	max    REAL    NOT NULL,
	PRIMARY KEY (series, minute)
) STRICT, WITHOUT ROWID;

CREATE TABLE metric_names (
	tenant     TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	type       TEXT    NOT NULL, -- of the sample with the latest ts
	type_ts    INTEGER NOT NULL,
	label_keys TEXT    NOT NULL, -- sorted JSON array, union of every sample's keys
	services   TEXT    NOT NULL, -- sorted JSON array
	PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE services (
	tenant           TEXT    NOT NULL,
	name             TEXT    NOT NULL,
	last_seen        INTEGER NOT NULL,
	last_heartbeat   INTEGER, -- NULL: never sent one
	status           TEXT    NOT NULL DEFAULT '',
	interval_seconds INTEGER NOT NULL DEFAULT 0,
	instance         TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (tenant, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE alert_rules (
	tenant     TEXT    NOT NULL,
	id         TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	kind       TEXT    NOT NULL,
	definition TEXT    NOT NULL, -- opaque JSON, byte for byte
	created_at INTEGER, -- NULL: the zero time
	updated_at INTEGER,
	PRIMARY KEY (tenant, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE alerts (
	tenant       TEXT    NOT NULL,
	id           TEXT    NOT NULL,
	rule_id      TEXT    NOT NULL,
	rule_name    TEXT    NOT NULL,
	fingerprint  TEXT    NOT NULL,
	labels       TEXT,
	severity     TEXT    NOT NULL,
	state        TEXT    NOT NULL,
	started_at   INTEGER NOT NULL,
	fired_at     INTEGER NOT NULL DEFAULT 0,
	resolved_at  INTEGER NOT NULL DEFAULT 0,
	updated_at   INTEGER NOT NULL,
	value        REAL    NOT NULL,
	summary      TEXT    NOT NULL DEFAULT '',
	notify_error TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (tenant, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX alerts_tenant_started ON alerts (tenant, started_at);
CREATE INDEX alerts_tenant_rule_started ON alerts (tenant, rule_id, started_at);
CREATE INDEX alerts_tenant_state_started ON alerts (tenant, state, started_at);
`,
	// 3: logs move to a head and compressed blocks (logs.go). The rows of
	// the old logs table are moved into blocks by drainLegacyLogs at Open,
	// which then drops it.
	`
CREATE TABLE log_head (
	seq  INTEGER PRIMARY KEY, -- one row per InsertEvents call
	ids  BLOB NOT NULL,       -- eventblock streams of the call's fresh logs
	data BLOB NOT NULL
) STRICT;

CREATE TABLE log_blocks (
	id      INTEGER PRIMARY KEY,
	tenant  TEXT    NOT NULL,
	service TEXT    NOT NULL,
	min_ts  INTEGER NOT NULL,
	max_ts  INTEGER NOT NULL,
	count   INTEGER NOT NULL,
	levels  TEXT    NOT NULL, -- JSON object: level -> count
	ids     BLOB    NOT NULL,
	data    BLOB    NOT NULL
) STRICT;
CREATE INDEX log_blocks_max_ts ON log_blocks (max_ts);
`,
}

// migrate brings the schema to len(migrations), one transaction per step so
// that a failed step leaves the previous version intact.
func migrate(ctx context.Context, db *sql.DB) error {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this binary knows (%d)", v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		if err := step(ctx, db, v); err != nil {
			return fmt.Errorf("migrate schema to version %d: %w", v+1, err)
		}
	}
	return nil
}

func step(ctx context.Context, db *sql.DB, from int) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if _, err = tx.ExecContext(ctx, migrations[from]); err != nil {
		return err
	}
	// user_version lives in the file header, which the transaction covers.
	if _, err = tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", from+1)); err != nil {
		return err
	}
	return tx.Commit()
}
