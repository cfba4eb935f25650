package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/eventblock"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// table describes how one kind is laid out: the common columns, then its own.
type table struct {
	name string
	cols []string // kind-specific columns, in bind and scan order
}

const commonCols = "tenant, id, ts, received_at, service, host, attrs"

// tables is indexed like event.Kinds.
var tables = [len(event.Kinds)]table{
	{"logs", []string{"level", "message", "trace_id", "span_id"}},
	{"metrics", []string{"name", "value", "type", "labels"}},
	{"security_events", []string{"source", "category", "severity", "action", "outcome", "actor", "src_ip", "message"}},
	{"heartbeats", []string{"instance", "status", "interval_seconds"}},
}

func kindIndex(k event.Kind) int {
	for i, x := range event.Kinds {
		if x == k {
			return i
		}
	}
	return -1
}

func (t table) selectCols() string { return commonCols + ", " + strings.Join(t.cols, ", ") }

func (t table) insertSQL() string {
	n := 7 + len(t.cols)
	return "INSERT INTO " + t.name + " (" + t.selectCols() + ") VALUES (?" + strings.Repeat(", ?", n-1) +
		") ON CONFLICT (tenant, id) DO NOTHING"
}

// prepare compiles the insert statements once per Store; transactions reuse
// them through Tx.StmtContext, which on the single writer connection costs no
// re-preparation.
func (s *Store) prepare(ctx context.Context) error {
	for i, t := range tables {
		if event.Kinds[i] == event.KindLog {
			continue // logs.go
		}
		st, err := s.w.PrepareContext(ctx, t.insertSQL())
		if err != nil {
			return fmt.Errorf("prepare insert into %s: %w", t.name, err)
		}
		s.insert[i] = st
	}
	return s.prepareSummary(ctx)
}

// InsertEvents stores events in one transaction, with the rollups, metric
// names and services they update, so the call is atomic: on error nothing of
// it was stored, and a retry counts each sample exactly once. Its fresh logs
// become one row of the log head (logs.go).
func (s *Store) InsertEvents(ctx context.Context, events []event.Event) ([]bool, error) {
	if len(events) == 0 {
		return []bool{}, nil
	}
	// Encode before taking the write lock, so that concurrent callers overlap
	// their CPU work with each other's transactions.
	args := make([][]any, len(events))
	var logs []event.Event
	for i := range events {
		if events[i].Kind == event.KindLog {
			if err := check.Event(&events[i]); err != nil {
				return nil, fmt.Errorf("insert events: %w", err)
			}
			logs = append(logs, events[i])
			continue
		}
		a, err := bind(&events[i])
		if err != nil {
			return nil, fmt.Errorf("insert events: %w", err)
		}
		args[i] = a
	}
	var encoded eventblock.Encoded
	if len(logs) > 0 {
		var err error
		if encoded, err = s.logs.fast.Encode(logs); err != nil {
			return nil, fmt.Errorf("insert events: %w", err)
		}
	}
	prepared := summary.Prepare(events)

	l := s.logs
	l.mu.Lock()
	defer l.mu.Unlock()
	fresh := make([]bool, len(events))
	freshLogs, err := l.freshLogs(ctx, s.r, events, fresh)
	if err != nil {
		return nil, fmt.Errorf("insert events: %w", err)
	}
	if len(freshLogs) > 0 && len(freshLogs) < len(logs) {
		// Some were stored already: the head row holds only the new.
		if encoded, err = l.fast.Encode(freshLogs); err != nil {
			return nil, fmt.Errorf("insert events: %w", err)
		}
	}

	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("insert events: begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // no-op after Commit

	var stmts [len(tables)]*sql.Stmt
	for i := range events {
		if events[i].Kind == event.KindLog {
			continue
		}
		k := kindIndex(events[i].Kind)
		if stmts[k] == nil {
			stmts[k] = tx.StmtContext(ctx, s.insert[k])
		}
		res, err := stmts[k].ExecContext(ctx, args[i]...)
		if err != nil {
			return nil, fmt.Errorf("insert event %s into %s: %w", events[i].ID, tables[k].name, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, fmt.Errorf("insert event %s: rows affected: %w", events[i].ID, err)
		}
		fresh[i] = n == 1
	}
	var seq int64
	if len(freshLogs) > 0 {
		res, err := tx.ExecContext(ctx, "INSERT INTO log_head (ids, data) VALUES (?, ?)", encoded.IDs, encoded.Data)
		if err != nil {
			return nil, fmt.Errorf("insert events: log head: %w", err)
		}
		if seq, err = res.LastInsertId(); err != nil {
			return nil, fmt.Errorf("insert events: log head: %w", err)
		}
	}
	if err := s.writeSummary(ctx, tx, prepared.Summarize(fresh)); err != nil {
		return nil, fmt.Errorf("insert events: %w", err)
	}
	l.at("insert before commit")
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("insert events: commit: %w", err)
	}
	l.appendHead(seq, freshLogs)
	return fresh, nil
}

// bind returns the insert arguments of e, in table column order.
func bind(e *event.Event) ([]any, error) {
	if err := check.Event(e); err != nil {
		return nil, err
	}
	ts, _ := check.Nanos(e.TS) // checked above
	var received any
	if n, ok, _ := check.OptionalNanos(e.ReceivedAt); ok {
		received = n
	}
	attrs, err := jsonOrNull(e.Attributes)
	if err != nil {
		return nil, fmt.Errorf("event %s attributes: %w", e.ID, err)
	}
	a := []any{e.Tenant, e.ID, ts, received, e.Service, e.Host, attrs}
	switch e.Kind {
	case event.KindLog:
		l := e.Log
		a = append(a, string(l.Level), l.Message, l.TraceID, l.SpanID)
	case event.KindMetric:
		m := e.Metric
		labels, err := jsonOrNull(m.Labels)
		if err != nil {
			return nil, fmt.Errorf("event %s labels: %w", e.ID, err)
		}
		a = append(a, m.Name, m.Value, string(m.Type), labels)
	case event.KindSecurity:
		x := e.Security
		a = append(a, x.Source, x.Category, string(x.Severity), x.Action, x.Outcome, x.Actor, x.SrcIP, x.Message)
	case event.KindHeartbeat:
		h := e.Heartbeat
		a = append(a, h.Instance, string(h.Status), h.IntervalSeconds)
	}
	return a, nil
}

// jsonOrNull stores an empty map as NULL, so it reads back as nil.
func jsonOrNull[M ~map[string]V, V any](m M) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// maxIDsPerQuery keeps IN lists far below SQLite's bound-variable limit.
const maxIDsPerQuery = 500

// GetEvents looks ids up in every kind's table, since ids do not say their kind.
func (s *Store) GetEvents(ctx context.Context, tenant string, ids []string) ([]event.Event, error) {
	var out []event.Event
	for start := 0; start < len(ids); start += maxIDsPerQuery {
		chunk := ids[start:min(start+maxIDsPerQuery, len(ids))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, tenant)
		for _, id := range chunk {
			args = append(args, id)
		}
		in := "?" + strings.Repeat(", ?", len(chunk)-1)
		for k, t := range tables {
			if event.Kinds[k] == event.KindLog {
				continue
			}
			q := "SELECT " + t.selectCols() + " FROM " + t.name + " WHERE tenant = ? AND id IN (" + in + ")"
			var err error
			out, err = s.query(ctx, event.Kinds[k], q, args, out)
			if err != nil {
				return nil, fmt.Errorf("get events from %s: %w", t.name, err)
			}
		}
	}
	logs, err := s.getLogs(ctx, tenant, ids)
	if err != nil {
		return nil, fmt.Errorf("get events: %w", err)
	}
	return append(out, logs...), nil
}

func (s *Store) query(ctx context.Context, kind event.Kind, q string, args []any, out []event.Event) ([]event.Event, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scan(rows, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// scan reads one row laid out as table.selectCols, after the columns pre.
func scan(rows *sql.Rows, kind event.Kind, pre ...any) (event.Event, error) {
	e := event.Event{Kind: kind}
	var (
		ts       int64
		received sql.NullInt64
		attrs    sql.NullString
	)
	common := []any{&e.Tenant, &e.ID, &ts, &received, &e.Service, &e.Host, &attrs}
	var labels sql.NullString
	var own []any
	switch kind {
	case event.KindLog:
		l := &event.Log{}
		e.Log = l
		own = []any{&l.Level, &l.Message, &l.TraceID, &l.SpanID}
	case event.KindMetric:
		m := &event.Metric{}
		e.Metric = m
		own = []any{&m.Name, &m.Value, &m.Type, &labels}
	case event.KindSecurity:
		x := &event.Security{}
		e.Security = x
		own = []any{&x.Source, &x.Category, &x.Severity, &x.Action, &x.Outcome, &x.Actor, &x.SrcIP, &x.Message}
	case event.KindHeartbeat:
		h := &event.Heartbeat{}
		e.Heartbeat = h
		own = []any{&h.Instance, &h.Status, &h.IntervalSeconds}
	default:
		return e, fmt.Errorf("scan: unknown kind %q", kind)
	}
	if err := rows.Scan(append(append(pre, common...), own...)...); err != nil {
		return e, fmt.Errorf("scan %s: %w", kind, err)
	}
	e.TS = check.Time(ts)
	if received.Valid {
		e.ReceivedAt = check.Time(received.Int64)
	}
	if attrs.Valid {
		if err := json.Unmarshal([]byte(attrs.String), &e.Attributes); err != nil {
			return e, fmt.Errorf("event %s attributes: %w", e.ID, err)
		}
	}
	if labels.Valid {
		if err := json.Unmarshal([]byte(labels.String), &e.Metric.Labels); err != nil {
			return e, fmt.Errorf("event %s labels: %w", e.ID, err)
		}
	}
	return e, nil
}

// CountEvents counts with the (tenant, …) index every table has.
func (s *Store) CountEvents(ctx context.Context, tenant string, kind event.Kind) (int64, error) {
	k := kindIndex(kind)
	if k < 0 {
		return 0, fmt.Errorf("count events: unknown kind %q", kind)
	}
	if kind == event.KindLog {
		return s.logs.countAll(tenant), nil
	}
	var n int64
	err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM "+tables[k].name+" WHERE tenant = ?", tenant).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s events: %w", kind, err)
	}
	return n, nil
}
