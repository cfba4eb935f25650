// Package summary computes, in Go and once for every adapter, what InsertEvents
// keeps beside the events (per-minute metric rollups, the metric names and the
// service registry) and how QueryMetrics folds rollups or raw samples into
// steps. The adapters only move the results in and out of their storage, so
// they cannot disagree on a bucket boundary, a series identity or an order.
package summary

import (
	"encoding/json"
	"fmt"
	"time"
)

// minuteNs is a minute in Unix nanoseconds, the width of a rollup bucket.
const minuteNs = int64(time.Minute)

// Minute returns the start of the minute holding ns. It rounds toward minus
// infinity, so that instants before 1970 fall in the minute they belong to
// rather than the one after.
func Minute(ns int64) int64 { return floor(ns, minuteNs) }

// floor rounds ns down to a multiple of width (> 0).
func floor(ns, width int64) int64 {
	q := ns / width
	if ns%width < 0 {
		q--
	}
	return q * width
}

// seriesID is the JSON shape of a series key. Service comes first, so that
// keys of one service sort together when compared as strings.
type seriesID struct {
	Service string            `json:"service"`
	Labels  map[string]string `json:"labels,omitempty"`
}

// SeriesKey is the canonical identity of a series within a metric: JSON of the
// service and the labels with their keys sorted (encoding/json sorts map keys),
// so equal label sets give equal keys whatever their map order, and JSON
// quoting keeps distinct sets distinct however their strings look.
func SeriesKey(service string, labels map[string]string) string {
	b, err := json.Marshal(seriesID{service, labels})
	if err != nil {
		// A struct of strings always marshals; this would be a bug.
		panic(fmt.Sprintf("summary: marshal series key: %v", err))
	}
	return string(b)
}

// ParseSeriesKey is the inverse of SeriesKey; labels is nil when there are none.
func ParseSeriesKey(key string) (service string, labels map[string]string, err error) {
	var id seriesID
	if err := json.Unmarshal([]byte(key), &id); err != nil {
		return "", nil, fmt.Errorf("parse series key %q: %w", key, err)
	}
	if len(id.Labels) == 0 {
		id.Labels = nil
	}
	return id.Service, id.Labels, nil
}

// labelsKey orders series of one service: canonical JSON of the sorted labels.
func labelsKey(labels map[string]string) string {
	if len(labels) == 0 {
		return ""
	}
	b, err := json.Marshal(labels)
	if err != nil {
		panic(fmt.Sprintf("summary: marshal labels: %v", err))
	}
	return string(b)
}
