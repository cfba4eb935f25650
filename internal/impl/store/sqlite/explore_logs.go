package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// LogHits counts the head's matches and the blocks': a block wholly in the
// window and in one step, under service and level filters only, is counted
// from its metadata (count and per-level counts, one service); others are
// decoded and their rows matched as QueryLogs matches them.
func (s *Store) LogHits(ctx context.Context, q store.LogQuery, h store.Histogram) ([]store.Hit, error) {
	col, err := listing.Group("log", h.GroupBy, h.Step)
	if err != nil {
		return nil, fmt.Errorf("log hits: %w", err)
	}
	q.Window = countWindow(q.Window)
	f, err := newLogFilter(q)
	if err != nil {
		return nil, fmt.Errorf("log hits: %w", err)
	}
	out := []store.Hit{}
	if f.plan.Empty {
		return out, nil
	}
	type key struct {
		b int64
		g string
	}
	step := int64(h.Step)
	counts := map[key]int64{}
	fromMetadata := func(b *logBlock) bool {
		if !f.metadataOnly || col == "host" || b.minTS < f.plan.Lo || b.maxTS > f.plan.Hi {
			return false
		}
		bucket := listing.FloorStep(b.minTS, step)
		if listing.FloorStep(b.maxTS, step) != bucket {
			return false
		}
		switch col {
		case "level":
			for l, n := range b.levels {
				if n > 0 && (len(f.levels) == 0 || contains(f.levels, string(l))) {
					counts[key{bucket, string(l)}] += n
				}
			}
		default:
			n, _ := f.metadataCount(b)
			g := ""
			if col == "service" {
				g = b.service
			}
			if n > 0 {
				counts[key{bucket, g}] += n
			}
		}
		return true
	}
	err = s.eachLog(ctx, f, false, fromMetadata, func(ts int64, e *event.Event) {
		counts[key{listing.FloorStep(ts, step), logField(e, col)}]++
	})
	if err != nil {
		return nil, fmt.Errorf("log hits: %w", err)
	}
	for k, n := range counts {
		out = append(out, store.Hit{TS: time.Unix(0, k.b).UTC(), Group: k.g, Count: n})
	}
	listing.SortHits(out)
	return out, nil
}

// LogFieldValues counts a field's values over the head's and the blocks'
// matches; service and level come from the metadata of a block wholly in the
// window under service and level filters only.
func (s *Store) LogFieldValues(ctx context.Context, q store.LogQuery, field string, limit int) ([]store.FieldValue, error) {
	fd, err := listing.FieldOf("log", field, limit)
	if err != nil {
		return nil, fmt.Errorf("log field values: %w", err)
	}
	q.Window = countWindow(q.Window)
	f, err := newLogFilter(q)
	if err != nil {
		return nil, fmt.Errorf("log field values: %w", err)
	}
	if f.plan.Empty {
		return []store.FieldValue{}, nil
	}
	counts := map[string]int64{}
	fromMetadata := func(b *logBlock) bool {
		if !f.metadataOnly || b.minTS < f.plan.Lo || b.maxTS > f.plan.Hi {
			return false
		}
		switch fd.Column {
		case "service":
			if n, _ := f.metadataCount(b); n > 0 && b.service != "" {
				counts[b.service] += n
			}
			return true
		case "level":
			for l, n := range b.levels {
				if n > 0 && (len(f.levels) == 0 || contains(f.levels, string(l))) {
					counts[string(l)] += n
				}
			}
			return true
		}
		return false
	}
	err = s.eachLog(ctx, f, fd.AttrKey != "", fromMetadata, func(_ int64, e *event.Event) {
		var v string
		ok := false
		if fd.AttrKey != "" {
			if a, found := e.Attributes[fd.AttrKey]; found {
				v, ok = listing.FormatAttr(a)
			}
		} else {
			v = logField(e, fd.Column)
			ok = v != ""
		}
		if ok {
			counts[v]++
		}
	})
	if err != nil {
		return nil, fmt.Errorf("log field values: %w", err)
	}
	return listing.TopValues(counts, limit), nil
}

// eachLog calls fn for every log f selects, with its ts: the head's, then
// each admitted block's, unless summary (when not nil) accounts for the
// whole block. The event is valid during the call only (block rows are
// views of the decoded buffer); attrs says whether fn reads attributes.
func (s *Store) eachLog(ctx context.Context, f *logFilter, attrs bool, summary func(*logBlock) bool, fn func(ts int64, e *event.Event)) error {
	st := s.logs.state.Load()
	for i := range st.head {
		h := &st.head[i]
		if f.inRange(h.ts, h.e.ID) && f.match(&h.e) {
			fn(h.ts, &h.e)
		}
	}
	var (
		e event.Event
		l event.Log
	)
	for _, b := range st.blocks {
		if !f.admits(b) || summary(b) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rows, err := s.readRows(ctx, b)
		if err != nil {
			return err
		}
		for i := range rows.N {
			if !f.inRange(rows.TS[i], rows.ID[i]) {
				continue
			}
			rows.Peek(i, &e, &l, f.withAttrs || attrs)
			if f.match(&e) {
				fn(rows.TS[i], &e)
			}
		}
	}
	return nil
}

// logField is a log's level, service or host ("" for none).
func logField(e *event.Event, col string) string {
	switch col {
	case "level":
		return string(e.Log.Level)
	case "service":
		return e.Service
	case "host":
		return e.Host
	}
	return ""
}

func contains(set []string, v string) bool {
	for _, x := range set {
		if x == v {
			return true
		}
	}
	return false
}
