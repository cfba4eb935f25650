package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// LogHits counts the selected logs of the head and of the blocks the
// metadata admits, per step (and group), in Go: the same filter decides as
// for the listing. A block that lies wholly in the window and in one step,
// under service and level filters only, is counted from its metadata
// without being read, unless grouped by host.
func (s *Store) LogHits(ctx context.Context, q store.LogQuery, h store.Histogram) ([]store.Hit, error) {
	col, err := listing.Group("log", h.GroupBy, h.Step)
	if err != nil {
		return nil, fmt.Errorf("log hits: %w", err)
	}
	type key struct {
		b int64
		g string
	}
	step := int64(h.Step)
	floor := func(t int64) int64 { return listing.FloorStep(t, step) }
	counts := map[key]int64{}
	fromMetadata := func(f *logFilter, b *logBlock) bool {
		bucket := floor(b.minTS)
		if col == "host" || floor(b.maxTS) != bucket {
			return false
		}
		c, ok := f.metadataCount(b)
		if !ok {
			return false
		}
		switch col {
		case "level":
			for l, m := range b.levels {
				if len(f.levels) == 0 || slices.Contains(f.levels, string(l)) {
					counts[key{bucket, string(l)}] += m
				}
			}
		case "service":
			counts[key{bucket, b.service}] += c
		default:
			counts[key{bucket, ""}] += c
		}
		return true
	}
	err = s.forEachLog(ctx, q, fromMetadata, func(e *event.Event) {
		counts[key{floor(e.TS.UnixNano()), logField(e, col)}]++
	})
	if err != nil {
		return nil, fmt.Errorf("log hits: %w", err)
	}
	out := make([]store.Hit, 0, len(counts))
	for k, c := range counts {
		if c > 0 {
			out = append(out, store.Hit{TS: time.Unix(0, k.b).UTC(), Group: strings.Clone(k.g), Count: c})
		}
	}
	listing.SortHits(out)
	return out, nil
}

// logField is a log's value of a grouping or field-values column ("" for none).
func logField(e *event.Event, col string) string {
	switch col {
	case "level":
		if e.Log != nil {
			return string(e.Log.Level)
		}
	case "service":
		return e.Service
	case "host":
		return e.Host
	}
	return ""
}

// forEachLog calls fn for every stored log q selects (window and filters; its
// limit, cursor and order are ignored): the head's, then the admitted blocks'
// that skip (when set) does not take care of from their metadata. Events of
// blocks are views valid during the call only (no ReceivedAt); fn copies
// what it keeps beyond the block.
func (s *Store) forEachLog(ctx context.Context, q store.LogQuery, skip func(*logFilter, *logBlock) bool, fn func(e *event.Event)) error {
	q.Window = countWindow(q.Window)
	f, err := newLogFilter(q)
	if err != nil {
		return err
	}
	if f.plan.Empty {
		return nil
	}
	st := s.logs.state.Load()
	for i := range st.head {
		h := &st.head[i]
		if f.inRange(h.ts, h.e.ID) && f.match(&h.e) {
			fn(&h.e)
		}
	}
	var (
		e event.Event
		l event.Log
	)
	for _, b := range st.blocks {
		if !f.admits(b) || (skip != nil && skip(f, b)) {
			continue
		}
		rows, err := s.readRows(ctx, b)
		if err != nil {
			return err
		}
		for i := range rows.N {
			if !f.inRange(rows.TS[i], rows.ID[i]) {
				continue
			}
			rows.Peek(i, &e, &l, true)
			if f.match(&e) {
				fn(&e)
			}
		}
	}
	return nil
}

// SecurityHits is LogHits for security events.
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

// LogFieldValues counts a field's values over the selected logs of the
// head and the admitted blocks; a number and a string that read alike merge.
func (s *Store) LogFieldValues(ctx context.Context, q store.LogQuery, field string, limit int) ([]store.FieldValue, error) {
	f, err := listing.FieldOf("log", field, limit)
	if err != nil {
		return nil, fmt.Errorf("log field values: %w", err)
	}
	counts := map[string]int64{}
	err = s.forEachLog(ctx, q, nil, func(e *event.Event) {
		if f.AttrKey != "" {
			if name, ok := listing.FormatAttr(e.Attributes[f.AttrKey]); ok {
				counts[name]++
			}
			return
		}
		if v := logField(e, f.Column); v != "" {
			counts[v]++
		}
	})
	if err != nil {
		return nil, fmt.Errorf("log field values: %w", err)
	}
	return listing.TopValues(counts, limit), nil
}

// SecurityFieldValues is LogFieldValues for security events.
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
	vals, err := s.fieldValues(ctx, k, f.Column, limit)
	if err != nil {
		return nil, fmt.Errorf("security field values: %w", err)
	}
	return vals, nil
}

// fieldValues counts the values of a column over the rows k selects: security
// events have no attribute fields (listing.FieldOf), so a column it is.
func (s *Store) fieldValues(ctx context.Context, k *keyset, column string, limit int) ([]store.FieldValue, error) {
	out := []store.FieldValue{}
	if k.plan.Empty {
		return out, nil
	}
	inner, args := k.rowsSQL(column + " AS v")
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
