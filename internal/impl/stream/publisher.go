package stream

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// pipelineChunk bounds how many XADDs go in one round trip: large enough to
// amortise the round trip, small enough that a single pipeline's buffers and
// Redis's reply stay modest.
const pipelineChunk = 500

// Publisher appends events to the per-kind streams. It is safe for concurrent
// use.
type Publisher struct {
	client *redis.Client
	maxLen int64
}

// New returns a Publisher that caps each stream at about maxLen entries.
// Trimming is approximate ("MAXLEN ~"), which lets Redis drop whole internal
// nodes instead of single entries: far cheaper, and a stream may briefly hold
// somewhat more than maxLen entries. maxLen <= 0 disables trimming; streams
// then grow without bound.
func New(client *redis.Client, maxLen int64) *Publisher {
	return &Publisher{client: client, maxLen: max(maxLen, 0)}
}

// Publish appends one entry per event, in order, to the stream of its kind.
//
// It checks and encodes the whole batch before sending anything, so a bad
// event publishes nothing. Redis failures can be partial: the batch goes out
// in pipelines of pipelineChunk entries, and entries of earlier pipelines (and
// even some of the failing one) may already be in their streams when an error
// is returned. A retry therefore publishes duplicates; consumers dedupe on
// (tenant, id), which the envelope carries.
func (p *Publisher) Publish(ctx context.Context, events []event.Event) error {
	if len(events) == 0 {
		return nil
	}
	args, err := p.encode(events)
	if err != nil {
		return err
	}
	for start := 0; start < len(args); start += pipelineChunk {
		end := min(start+pipelineChunk, len(args))
		if err := p.send(ctx, args[start:end]); err != nil {
			return fmt.Errorf("stream: publish events %d-%d of %d (%d already sent): %w",
				start, end-1, len(args), start, err)
		}
	}
	return nil
}

// encodeChunk is the size of the buffers payloads are encoded into: one
// allocation serves a hundred-odd events instead of one each.
const encodeChunk = 64 << 10

func (p *Publisher) encode(events []event.Event) ([]*redis.XAddArgs, error) {
	args := make([]*redis.XAddArgs, len(events))
	// One allocation each for all the commands and all their field lists.
	cmds := make([]redis.XAddArgs, len(events))
	values := make([]any, 0, 6*len(events))
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
		payload = payload[:len(payload):len(payload)]
		at := len(values)
		// []byte, not string: go-redis writes it as is, with no copy.
		values = append(values, FieldEvent, payload, FieldTenant, e.Tenant, FieldKind, string(e.Kind))
		cmds[i] = redis.XAddArgs{
			Stream: name,
			MaxLen: p.maxLen,
			Approx: p.maxLen > 0,
			ID:     "*",
			Values: values[at:len(values):len(values)],
		}
		args[i] = &cmds[i]
	}
	return args, nil
}

func (p *Publisher) send(ctx context.Context, args []*redis.XAddArgs) error {
	pipe := p.client.Pipeline()
	for _, a := range args {
		pipe.XAdd(ctx, a)
	}
	// Exec returns the first failed command's error; that is enough to
	// report, since the caller must treat the whole chunk as unsure anyway.
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("pipelined XADD: %w", err)
	}
	return nil
}
