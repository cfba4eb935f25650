package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// summaryStmts are the upserts InsertEvents runs after its inserts, in the
// same transaction, so that a committed sample is always in its rollup and a
// rolled-back one never is: retries cannot double count.
type summaryStmts struct {
	addSeries, rollup, name, service *sql.Stmt
}

// upsertRollupSQL adds a batch's part of a bucket to the stored bucket. The
// primary key is the conflict target, so each call is one B-tree lookup. The
// sum saturates at ±MaxFloat64 (see package saturate): a +Inf sum would turn
// NaN on the next negative overflow, which SQLite stores as NULL and refuses.
const upsertRollupSQL = `INSERT INTO metric_rollups (series, minute, count, sum, min, max)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (series, minute) DO UPDATE SET
	count = count + excluded.count,
	sum = max(-1.7976931348623157e308, min(1.7976931348623157e308, sum + excluded.sum)),
	min = min(min, excluded.min),
	max = max(max, excluded.max)`

// addSeriesSQL registers a series that seriesIDs did not find.
const addSeriesSQL = "INSERT INTO metric_series (tenant, name, series_key, service) VALUES (?, ?, ?, ?) RETURNING id"

// upsertNameSQL keeps the type of the sample with the latest ts (the stored
// one on a tie) and merges the sorted JSON arrays of label keys and services
// into their sorted union; the equality test skips that subquery in the usual
// case of a batch bringing nothing new.
const upsertNameSQL = `INSERT INTO metric_names (tenant, name, type, type_ts, label_keys, services)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (tenant, name) DO UPDATE SET
	type = CASE WHEN excluded.type_ts > type_ts THEN excluded.type ELSE type END,
	type_ts = max(type_ts, excluded.type_ts),
	label_keys = CASE WHEN label_keys = excluded.label_keys THEN label_keys ELSE (
		SELECT json_group_array(value ORDER BY value) FROM (
			SELECT value FROM json_each(metric_names.label_keys)
			UNION SELECT value FROM json_each(excluded.label_keys))) END,
	services = CASE WHEN services = excluded.services THEN services ELSE (
		SELECT json_group_array(value ORDER BY value) FROM (
			SELECT value FROM json_each(metric_names.services)
			UNION SELECT value FROM json_each(excluded.services))) END`

func (s *Store) prepareSummary(ctx context.Context) error {
	for _, p := range []struct {
		st  **sql.Stmt
		sql string
	}{
		{&s.summary.addSeries, addSeriesSQL},
		{&s.summary.rollup, upsertRollupSQL},
		{&s.summary.name, upsertNameSQL},
		{&s.summary.service, upsertServiceSQL},
	} {
		st, err := s.w.PrepareContext(ctx, p.sql)
		if err != nil {
			return fmt.Errorf("prepare summary upsert: %w", err)
		}
		*p.st = st
	}
	return nil
}

func (st *summaryStmts) close() error {
	var errs []error
	for _, x := range []*sql.Stmt{st.addSeries, st.rollup, st.name, st.service} {
		if x != nil {
			errs = append(errs, x.Close())
		}
	}
	return errors.Join(errs...)
}

// writeSummary applies the summary of a call's fresh events inside its transaction.
func (s *Store) writeSummary(ctx context.Context, tx *sql.Tx, b summary.Batch) error {
	if err := s.writeRollups(ctx, tx, b.Rollups); err != nil {
		return err
	}
	if err := s.writeNames(ctx, tx, b.Names); err != nil {
		return err
	}
	return s.writeServices(ctx, tx, b.Services)
}

// writeRollups upserts each bucket under its series' id.
func (s *Store) writeRollups(ctx context.Context, tx *sql.Tx, rollups []summary.Rollup) error {
	if len(rollups) == 0 {
		return nil
	}
	ids, err := s.seriesIDs(ctx, tx, rollups)
	if err != nil {
		return err
	}
	upsert := tx.StmtContext(ctx, s.summary.rollup)
	for i, r := range rollups {
		if _, err := upsert.ExecContext(ctx, ids[i], r.Minute, r.Count, r.Sum, r.Min, r.Max); err != nil {
			return fmt.Errorf("update rollup of %s at %d: %w", r.Name, r.Minute, err)
		}
	}
	return nil
}

// seriesIDs returns the series id of each rollup, registering new series. It
// looks a metric's series up with one IN query per call rather than one query
// per series: a batch often carries hundreds of series, nearly all known.
// Rollups come sorted by (tenant, name, series), so each metric's rollups,
// and each series' within them, are consecutive.
func (s *Store) seriesIDs(ctx context.Context, tx *sql.Tx, rollups []summary.Rollup) ([]int64, error) {
	ids := make([]int64, len(rollups))
	add := tx.StmtContext(ctx, s.summary.addSeries)
	for start := 0; start < len(rollups); {
		end := start + 1
		for end < len(rollups) && rollups[end].Tenant == rollups[start].Tenant && rollups[end].Name == rollups[start].Name {
			end++
		}
		metric := rollups[start:end]
		known, err := knownSeries(ctx, tx, metric)
		if err != nil {
			return nil, fmt.Errorf("find series of %s: %w", metric[0].Name, err)
		}
		for i, r := range metric {
			id, ok := known[r.Series]
			if !ok {
				if err := add.QueryRowContext(ctx, r.Tenant, r.Name, r.Series, r.Service).Scan(&id); err != nil {
					return nil, fmt.Errorf("register series of %s: %w", r.Name, err)
				}
				known[r.Series] = id
			}
			ids[start+i] = id
		}
		start = end
	}
	return ids, nil
}

// knownSeries maps the stored series keys among one metric's rollups to their ids.
func knownSeries(ctx context.Context, tx *sql.Tx, metric []summary.Rollup) (map[string]int64, error) {
	var keys []any
	for i, r := range metric {
		if i == 0 || metric[i-1].Series != r.Series {
			keys = append(keys, r.Series)
		}
	}
	known := make(map[string]int64, len(keys))
	for start := 0; start < len(keys); start += maxIDsPerQuery {
		chunk := keys[start:min(start+maxIDsPerQuery, len(keys))]
		args := append([]any{metric[0].Tenant, metric[0].Name}, chunk...)
		rows, err := tx.QueryContext(ctx, "SELECT series_key, id FROM metric_series WHERE tenant = ? AND name = ? AND series_key IN (?"+
			strings.Repeat(", ?", len(chunk)-1)+")", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var (
				key string
				id  int64
			)
			if err := rows.Scan(&key, &id); err != nil {
				rows.Close()
				return nil, err
			}
			known[key] = id
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
	}
	return known, nil
}

func (s *Store) writeNames(ctx context.Context, tx *sql.Tx, names []summary.Name) error {
	if len(names) == 0 {
		return nil
	}
	st := tx.StmtContext(ctx, s.summary.name)
	for _, n := range names {
		keys, err := jsonArray(n.LabelKeys)
		if err != nil {
			return fmt.Errorf("update metric name %s: label keys: %w", n.Name, err)
		}
		services, err := jsonArray(n.Services)
		if err != nil {
			return fmt.Errorf("update metric name %s: services: %w", n.Name, err)
		}
		if _, err := st.ExecContext(ctx, n.Tenant, n.Name, string(n.Type), n.TypeTS, keys, services); err != nil {
			return fmt.Errorf("update metric name %s: %w", n.Name, err)
		}
	}
	return nil
}

// jsonArray encodes an empty list as [], never null, which json_each would
// read as one NULL element.
func jsonArray(list []string) (string, error) {
	if len(list) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(list)
	return string(b), err
}
