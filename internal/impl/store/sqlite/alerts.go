package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// alertCols is the column order of alert statements and of scanAlert.
const alertCols = "tenant, id, rule_id, rule_name, fingerprint, labels, severity, state, " +
	"started_at, fired_at, resolved_at, updated_at, value, summary, notify_error"

// PutAlert replaces every column, so that an update also clears what the new
// version leaves empty (labels, resolved_at, notify_error) instead of merging.
func (s *Store) PutAlert(ctx context.Context, a store.Alert) error {
	if err := check.Alert(&a); err != nil {
		return fmt.Errorf("put alert: %w", err)
	}
	labels, err := jsonOrNull(a.Labels)
	if err != nil {
		return fmt.Errorf("put alert %s: labels: %w", a.ID, err)
	}
	// Checked above.
	started, _ := check.ZeroableNanos(a.StartedAt)
	fired, _ := check.ZeroableNanos(a.FiredAt)
	resolved, _ := check.ZeroableNanos(a.ResolvedAt)
	updated, _ := check.ZeroableNanos(a.UpdatedAt)
	_, err = s.w.ExecContext(ctx, `INSERT INTO alerts (`+alertCols+`)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (tenant, id) DO UPDATE SET
	rule_id = excluded.rule_id, rule_name = excluded.rule_name, fingerprint = excluded.fingerprint,
	labels = excluded.labels, severity = excluded.severity, state = excluded.state,
	started_at = excluded.started_at, fired_at = excluded.fired_at, resolved_at = excluded.resolved_at,
	updated_at = excluded.updated_at, value = excluded.value, summary = excluded.summary,
	notify_error = excluded.notify_error`,
		a.Tenant, a.ID, a.RuleID, a.RuleName, a.Fingerprint, labels, a.Severity, a.State,
		started, fired, resolved, updated, a.Value, a.Summary, a.NotifyError)
	if err != nil {
		return fmt.Errorf("put alert %s: %w", a.ID, err)
	}
	return nil
}

// GetAlert reads by primary key.
func (s *Store) GetAlert(ctx context.Context, tenant, id string) (store.Alert, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+alertCols+" FROM alerts WHERE tenant = ? AND id = ?", tenant, id)
	if err != nil {
		return store.Alert{}, fmt.Errorf("get alert %s: %w", id, err)
	}
	alerts, err := scanAlerts(rows, nil)
	if err != nil {
		return store.Alert{}, fmt.Errorf("get alert %s: %w", id, err)
	}
	if len(alerts) == 0 {
		return store.Alert{}, fmt.Errorf("get alert %s: %w", id, store.ErrNotFound)
	}
	return alerts[0], nil
}

// ListAlerts walks one of the alerts indexes in order: the table is WITHOUT
// ROWID with key (tenant, id), so each index ends in (started_at, id), the
// whole listing order, and no sort is needed.
func (s *Store) ListAlerts(ctx context.Context, q store.AlertQuery) (store.AlertPage, error) {
	k, err := alertsKeyset(q)
	if err != nil {
		return store.AlertPage{}, fmt.Errorf("list alerts: %w", err)
	}
	p := k.plan
	if p.Empty {
		return store.AlertPage{Alerts: []store.Alert{}}, nil
	}
	query, args := k.sql()
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return store.AlertPage{}, fmt.Errorf("list alerts: %w", err)
	}
	alerts, err := scanAlerts(rows, make([]store.Alert, 0, p.Fetch()))
	if err != nil {
		return store.AlertPage{}, fmt.Errorf("list alerts: %w", err)
	}
	n, more := p.Cut(len(alerts))
	page := store.AlertPage{Alerts: alerts[:n]}
	if more {
		last := alerts[n-1]
		page.Next = &store.Cursor{TS: last.StartedAt, ID: last.ID}
	}
	return page, nil
}

// alertsKeyset is ListAlerts' statement, apart so that tests can explain it.
func alertsKeyset(q store.AlertQuery) (*keyset, error) {
	p, err := listing.New(q.Window)
	if err != nil {
		return nil, err
	}
	k := &keyset{table: "alerts", cols: alertCols, tsCol: "started_at", plan: p}
	if q.State != "" {
		k.where("state = ?", q.State)
	}
	if q.RuleID != "" {
		k.where("rule_id = ?", q.RuleID)
	}
	return k, nil
}

// scanAlerts appends the rows, laid out as alertCols, to out and closes rows.
func scanAlerts(rows *sql.Rows, out []store.Alert) ([]store.Alert, error) {
	defer rows.Close()
	for rows.Next() {
		var (
			a                                 store.Alert
			labels                            sql.NullString
			started, fired, resolved, updated int64
		)
		err := rows.Scan(&a.Tenant, &a.ID, &a.RuleID, &a.RuleName, &a.Fingerprint, &labels, &a.Severity, &a.State,
			&started, &fired, &resolved, &updated, &a.Value, &a.Summary, &a.NotifyError)
		if err != nil {
			return nil, fmt.Errorf("scan alert: %w", err)
		}
		a.StartedAt, a.FiredAt = check.ZeroableTime(started), check.ZeroableTime(fired)
		a.ResolvedAt, a.UpdatedAt = check.ZeroableTime(resolved), check.ZeroableTime(updated)
		if labels.Valid {
			if err := json.Unmarshal([]byte(labels.String), &a.Labels); err != nil {
				return nil, fmt.Errorf("alert %s labels: %w", a.ID, err)
			}
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read alerts: %w", err)
	}
	return out, nil
}
