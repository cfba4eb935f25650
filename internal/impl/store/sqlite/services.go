package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// newerHeartbeat holds when the incoming row carries a heartbeat strictly
// later than the stored one (or the first one), so that a heartbeat arriving
// late cannot overwrite a newer one. SQLite evaluates every SET expression on
// the old row, so the test is the same for each column.
const newerHeartbeat = `excluded.last_heartbeat IS NOT NULL AND (last_heartbeat IS NULL OR excluded.last_heartbeat > last_heartbeat)`

// upsertServiceSQL registers a service, or moves its last_seen forward and
// takes a newer heartbeat's fields.
const upsertServiceSQL = `INSERT INTO services (tenant, name, last_seen, last_heartbeat, status, interval_seconds, instance)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (tenant, name) DO UPDATE SET
	last_seen = max(last_seen, excluded.last_seen),
	last_heartbeat = CASE WHEN ` + newerHeartbeat + ` THEN excluded.last_heartbeat ELSE last_heartbeat END,
	status = CASE WHEN ` + newerHeartbeat + ` THEN excluded.status ELSE status END,
	interval_seconds = CASE WHEN ` + newerHeartbeat + ` THEN excluded.interval_seconds ELSE interval_seconds END,
	instance = CASE WHEN ` + newerHeartbeat + ` THEN excluded.instance ELSE instance END`

// writeServices is one upsert per service of the call: log ingestion pays a
// handful of statements per batch, not one per event.
func (s *Store) writeServices(ctx context.Context, tx *sql.Tx, services []summary.Service) error {
	if len(services) == 0 {
		return nil
	}
	st := tx.StmtContext(ctx, s.summary.service)
	for _, sv := range services {
		var (
			hbTS     any // NULL without a heartbeat
			status   string
			interval int
			instance string
		)
		if h := sv.Heartbeat; h != nil {
			hbTS, status, interval, instance = h.TS, string(h.Status), h.IntervalSeconds, h.Instance
		}
		if _, err := st.ExecContext(ctx, sv.Tenant, sv.Name, sv.LastSeen, hbTS, status, interval, instance); err != nil {
			return fmt.Errorf("update service %s: %w", sv.Name, err)
		}
	}
	return nil
}

// ListServices reads the tenant's range of the primary key, already by name.
func (s *Store) ListServices(ctx context.Context, tenant string) ([]store.Service, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, last_seen, last_heartbeat, status, interval_seconds, instance
FROM services WHERE tenant = ? ORDER BY name`, tenant)
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	defer rows.Close()
	out := []store.Service{}
	for rows.Next() {
		var (
			sv       store.Service
			lastSeen int64
			hb       sql.NullInt64
		)
		if err := rows.Scan(&sv.Name, &lastSeen, &hb, &sv.Status, &sv.IntervalSeconds, &sv.Instance); err != nil {
			return nil, fmt.Errorf("list services: scan: %w", err)
		}
		sv.LastSeen = check.Time(lastSeen)
		if hb.Valid {
			sv.LastHeartbeat = check.Time(hb.Int64)
		}
		out = append(out, sv)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	return out, nil
}
