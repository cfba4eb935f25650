package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// SecurityHits groups the rows of CountSecurity's statement by step (and
// group) in SQL: one pass over the index range the listing would walk.
func (s *Store) SecurityHits(ctx context.Context, q store.SecurityQuery, h store.Histogram) ([]store.Hit, error) {
	col, err := listing.Group("security", h.GroupBy, h.Step)
	if err != nil {
		return nil, fmt.Errorf("security hits: %w", err)
	}
	q.Window = countWindow(q.Window)
	k, empty, err := securityKeyset(q)
	if err != nil {
		return nil, fmt.Errorf("security hits: %w", err)
	}
	if empty {
		return []store.Hit{}, nil
	}
	hits, err := s.hits(ctx, k, col, h.Step)
	if err != nil {
		return nil, fmt.Errorf("security hits: %w", err)
	}
	return hits, nil
}

func (s *Store) hits(ctx context.Context, k *keyset, col string, step time.Duration) ([]store.Hit, error) {
	out := []store.Hit{}
	if k.plan.Empty {
		return out, nil
	}
	g := "''"
	if col != "" {
		g = "COALESCE(" + col + ", '')"
	}
	inner, args := k.rowsSQL(k.tsCol + " AS t, " + g + " AS g")
	n := int64(step)
	// The floor of t to a multiple of n, also for negative t.
	text := "SELECT t - (((t % ?) + ?) % ?) AS b, g, COUNT(*) FROM (" + inner + ") GROUP BY b, g ORDER BY b, g"
	rows, err := s.r.QueryContext(ctx, text, append([]any{n, n, n}, args...)...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var (
			b int64
			h store.Hit
		)
		if err := rows.Scan(&b, &h.Group, &h.Count); err != nil {
			return nil, err
		}
		h.TS = time.Unix(0, b).UTC()
		out = append(out, h)
	}
	return out, rows.Err()
}

// SecurityFieldValues counts a column's values in SQL.
func (s *Store) SecurityFieldValues(ctx context.Context, q store.SecurityQuery, field string, limit int) ([]store.FieldValue, error) {
	f, err := listing.FieldOf("security", field, limit)
	if err != nil {
		return nil, fmt.Errorf("security field values: %w", err)
	}
	q.Window = countWindow(q.Window)
	k, empty, err := securityKeyset(q)
	if err != nil {
		return nil, fmt.Errorf("security field values: %w", err)
	}
	if empty {
		return []store.FieldValue{}, nil
	}
	vals, err := s.fieldValues(ctx, k, f, limit)
	if err != nil {
		return nil, fmt.Errorf("security field values: %w", err)
	}
	return vals, nil
}

func (s *Store) fieldValues(ctx context.Context, k *keyset, f listing.Field, limit int) ([]store.FieldValue, error) {
	out := []store.FieldValue{}
	if k.plan.Empty {
		return out, nil
	}
	inner, args := k.rowsSQL(f.Column + " AS v")
	text := "SELECT v, COUNT(*) AS n FROM (" + inner + ") WHERE v IS NOT NULL AND v <> '' GROUP BY v ORDER BY n DESC, v LIMIT ?"
	rows, err := s.r.QueryContext(ctx, text, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var v store.FieldValue
		if err := rows.Scan(&v.Value, &v.Count); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
