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
