package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// QueryMetrics reads the rollups for whole-minute steps and raw samples for
// shorter ones, and leaves the folding into steps to summary.Aggregator, so
// both adapters build identical points.
func (s *Store) QueryMetrics(ctx context.Context, q store.MetricQuery) ([]store.Series, error) {
	return summary.Query(ctx, q, s.readRollups, s.readSamples)
}

// whereService narrows a query by service in SQL, the one filter a column
// holds; label filters need the labels parsed, which the aggregator does once
// per series.
func whereService(q store.MetricQuery, sqlText string, args []any) (string, []any) {
	if q.Service != "" {
		return sqlText + " AND service = ?", append(args, q.Service)
	}
	return sqlText, args
}

// readRollups starts from the series catalog: it resolves and filters each
// series of the metric once, then reads each matching series' minutes as one
// contiguous range of the primary key, so a query costs what the series it
// asks for hold, not what the whole metric holds.
func (s *Store) readRollups(ctx context.Context, q store.MetricQuery, from, to int64, agg *summary.Aggregator) error {
	text, args := whereService(q, "SELECT id, series_key FROM metric_series WHERE tenant = ? AND name = ?", []any{q.Tenant, q.Name})
	series, err := s.seriesOf(ctx, text, args)
	if err != nil {
		return fmt.Errorf("read series: %w", err)
	}
	type match struct {
		id  int64
		acc *summary.Acc
	}
	var matches []match
	for _, sr := range series {
		service, labels, err := summary.ParseSeriesKey(sr.key)
		if err != nil {
			return fmt.Errorf("read series: %w", err)
		}
		if acc := agg.Define(sr.key, service, labels); acc != nil {
			matches = append(matches, match{sr.id, acc})
		}
	}
	if len(matches) == 0 {
		return nil
	}
	st, err := s.r.PrepareContext(ctx, "SELECT minute, count, sum, min, max FROM metric_rollups WHERE series = ? AND minute >= ? AND minute < ?")
	if err != nil {
		return fmt.Errorf("read rollups: %w", err)
	}
	defer st.Close()
	for _, m := range matches {
		if err := readSeriesRollups(ctx, st, m.acc, m.id, from, to); err != nil {
			return fmt.Errorf("read rollups: %w", err)
		}
	}
	return nil
}

type seriesRow struct {
	id  int64
	key string
}

func (s *Store) seriesOf(ctx context.Context, text string, args []any) ([]seriesRow, error) {
	rows, err := s.r.QueryContext(ctx, text, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []seriesRow
	for rows.Next() {
		var sr seriesRow
		if err := rows.Scan(&sr.id, &sr.key); err != nil {
			return nil, err
		}
		out = append(out, sr)
	}
	return out, rows.Err()
}

func readSeriesRollups(ctx context.Context, st *sql.Stmt, acc *summary.Acc, args ...any) error {
	rows, err := st.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		minute, count int64
		sum, lo, hi   float64
	)
	for rows.Next() {
		if err := rows.Scan(&minute, &count, &sum, &lo, &hi); err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		acc.Add(minute, count, sum, lo, hi)
	}
	return rows.Err()
}

// readSamples scans the (tenant, name, ts) index. A series is identified by
// its service (length-prefixed, so the pair is unambiguous) and labels text,
// which is canonical (JSON with sorted keys, NULL for none), so labels are
// parsed once per series, not per sample.
func (s *Store) readSamples(ctx context.Context, q store.MetricQuery, from, to int64, agg *summary.Aggregator) error {
	text, args := whereService(q, `SELECT ts, service, labels, value FROM metrics
WHERE tenant = ? AND name = ? AND ts >= ? AND ts < ?`, []any{q.Tenant, q.Name, from, to})
	rows, err := s.r.QueryContext(ctx, text, args...)
	if err != nil {
		return fmt.Errorf("read samples: %w", err)
	}
	defer rows.Close()
	var (
		ts      int64
		service string
		labels  sql.NullString
		value   float64
	)
	for rows.Next() {
		if err := rows.Scan(&ts, &service, &labels, &value); err != nil {
			return fmt.Errorf("read samples: scan: %w", err)
		}
		id := strconv.Itoa(len(service)) + ":" + service + labels.String
		acc, known := agg.Lookup(id)
		if !known {
			var m map[string]string
			if labels.Valid {
				if err := json.Unmarshal([]byte(labels.String), &m); err != nil {
					return fmt.Errorf("read samples: labels: %w", err)
				}
			}
			acc = agg.Define(id, service, m)
		}
		if acc != nil {
			acc.AddSample(ts, value)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read samples: %w", err)
	}
	return nil
}

// MetricNames reads the tenant's range of the primary key, already by name;
// label keys and services are stored as sorted JSON arrays.
func (s *Store) MetricNames(ctx context.Context, tenant string) ([]store.MetricName, error) {
	rows, err := s.r.QueryContext(ctx,
		"SELECT name, type, label_keys, services FROM metric_names WHERE tenant = ? ORDER BY name", tenant)
	if err != nil {
		return nil, fmt.Errorf("metric names: %w", err)
	}
	defer rows.Close()
	out := []store.MetricName{}
	for rows.Next() {
		var (
			n              store.MetricName
			keys, services string
		)
		if err := rows.Scan(&n.Name, &n.Type, &keys, &services); err != nil {
			return nil, fmt.Errorf("metric names: scan: %w", err)
		}
		if err := json.Unmarshal([]byte(keys), &n.LabelKeys); err != nil {
			return nil, fmt.Errorf("metric name %s: label keys: %w", n.Name, err)
		}
		if err := json.Unmarshal([]byte(services), &n.Services); err != nil {
			return nil, fmt.Errorf("metric name %s: services: %w", n.Name, err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("metric names: %w", err)
	}
	return out, nil
}
