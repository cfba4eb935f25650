package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// errEmpty is a body with no event at all.
var errEmpty = errors.New("the body holds no event")

// splitJSON decodes a body that is one JSON object or an array of them.
func splitJSON(raw []byte) ([]any, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errEmpty
	}
	if raw[0] == '[' {
		var items []any
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("malformed JSON: %w", err)
		}
		if len(items) == 0 {
			return nil, errEmpty
		}
		return items, nil
	}
	var one any
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	return []any{one}, nil
}

// lineError is a malformed NDJSON line, reported with the event index it would have had.
type lineError struct {
	field problem.FieldError
}

func (e *lineError) Error() string { return e.field.Field + ": " + e.field.Message }

// splitNDJSON decodes newline-delimited JSON: one event per non-blank line.
// It stops reading after maxEvents+1 events, enough to know the batch is too large.
func splitNDJSON(r io.Reader, maxBytes int, maxEvents int) ([]any, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxBytes+1)
	var items []any
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var v any
		if err := json.Unmarshal(line, &v); err != nil {
			return nil, &lineError{problem.FieldError{
				Field:   fmt.Sprintf("events[%d]", len(items)),
				Message: "malformed JSON line: " + err.Error(),
			}}
		}
		items = append(items, v)
		if len(items) > maxEvents {
			return items, nil
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read NDJSON body: %w", err)
	}
	if len(items) == 0 {
		return nil, errEmpty
	}
	return items, nil
}
