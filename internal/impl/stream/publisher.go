package stream

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// Publisher appends events to the per-kind streams. It is safe for concurrent
// use.
type Publisher struct {
	log    streams.Streams
	maxLen int64
}

// New returns a Publisher that caps each stream at about maxLen entries
// (see streams.Streams.Add; on Redis, "MAXLEN ~", which lets Redis drop whole
// internal nodes: a stream may briefly hold somewhat more than maxLen
// entries). maxLen <= 0 disables trimming; streams then grow without bound.
func New(log streams.Streams, maxLen int64) *Publisher {
	return &Publisher{log: log, maxLen: max(maxLen, 0)}
}

// Publish appends one entry per event, in order, to the stream of its kind.
//
// It checks and encodes the whole batch before sending anything, so a bad
// event publishes nothing. Failures can be partial: on Redis the batch goes
// out in pipelines, and entries of earlier pipelines may already be in their
// streams when an error is returned. A retry therefore publishes duplicates;
// consumers dedupe on (tenant, id), which the envelope carries.
func (p *Publisher) Publish(ctx context.Context, events []event.Event) error {
	if len(events) == 0 {
		return nil
	}
	recs, err := p.encode(events)
	if err != nil {
		return err
	}
	if err := p.log.Add(ctx, p.maxLen, recs); err != nil {
		return fmt.Errorf("stream: publish %d events: %w", len(events), err)
	}
	return nil
}

// encodeChunk is the size of the buffers payloads are encoded into: one
// allocation serves a hundred-odd events instead of one each.
const encodeChunk = 64 << 10

func (p *Publisher) encode(events []event.Event) ([]streams.Record, error) {
	recs := make([]streams.Record, len(events))
	var chunk []byte
	for i := range events {
		e := &events[i]
		name := Name(e.Kind)
		if name == "" {
			return nil, fmt.Errorf("stream: event %d (id %q): unknown kind %q", i, e.ID, e.Kind)
		}
		// Encode into the free tail of chunk; append moves a payload that
		// does not fit to a new array of its own, leaving chunk as it was.
		payload, ok := appendEvent(chunk[len(chunk):], e)
		switch {
		case !ok:
			var err error
			if payload, err = json.Marshal(e); err != nil {
				return nil, fmt.Errorf("stream: encode event %d (id %q): %w", i, e.ID, err)
			}
		case len(payload) <= cap(chunk)-len(chunk):
			chunk = chunk[:len(chunk)+len(payload)]
		default:
			chunk = make([]byte, 0, encodeChunk)
		}
		recs[i] = streams.Record{Stream: name, Entry: streams.Entry{
			Event: payload[:len(payload):len(payload)], Tenant: e.Tenant, Kind: string(e.Kind)}}
	}
	return recs, nil
}
