package logship

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v5"
	"github.com/oklog/ulid/v2"

	"github.com/lightwatch/lightwatch/internal/gen/sdk/go/ingestclient"
	"github.com/lightwatch/lightwatch/internal/impl/leveldetect"
)

// FileAttribute is the event attribute that names the file a line came from.
const FileAttribute = "log.file"

// maxAttrValue is the contract's longest string attribute value.
const maxAttrValue = 2048

// Shipper sends lines to POST /ingest/logs through the generated client, as
// gzip-compressed JSON arrays of log events. A batch goes when it holds
// MaxEvents events or MaxBytes bytes of JSON, or FlushInterval after its
// first line. Every event gets its id (a ULID) when it enters a batch, and a
// retry sends the very same bytes: the server stores an id once, so retries
// never duplicate. 429 and 503 are retried after their Retry-After; network
// errors and other 5xx with exponential backoff; both until ctx ends.
type Shipper struct {
	Client        *ingestclient.Client
	Service, Host string
	Level         ingestclient.LogEventLevel
	MaxEvents     int
	MaxBytes      int
	FlushInterval time.Duration
	// NewBackOff makes the backoff of one batch's retries (nil: exponential,
	// 500 ms doubling to 30 s, with jitter, without end).
	NewBackOff func() backoff.BackOff
	// Acked, if not nil, is called after each acknowledged batch with the
	// position of its last line of each file.
	Acked func(map[string]Position)
	Log   *slog.Logger
}

// Stats counts what a Shipper did.
type Stats struct {
	Sent    int // lines acknowledged by the server
	Batches int // requests acknowledged
	Retries int // attempts that failed and were retried
}

// Run ships the lines of in until in is closed, then sends the last partial
// batch and returns. ctx bounds the retries: when it ends while a batch is
// not acknowledged, or on an answer that retrying cannot fix (400, 401, 403,
// 415), Run returns the error and the lines it holds are not shipped; the
// caller stops its sources and counts what is left in in.
func (s *Shipper) Run(ctx context.Context, in <-chan Line) (Stats, error) {
	var st Stats
	var b batch
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	flush := func() error {
		timer.Stop()
		if len(b.events) == 0 {
			return nil
		}
		err := s.send(ctx, b.events, &st)
		if err != nil {
			return fmt.Errorf("%d lines not shipped: %w", len(b.events), err)
		}
		if s.Acked != nil {
			s.Acked(b.ends)
		}
		b = batch{}
		return nil
	}
	for {
		select {
		case l, ok := <-in:
			if !ok {
				return st, flush()
			}
			ev, err := s.encode(l)
			if err != nil {
				return st, err
			}
			if len(b.events) > 0 && b.size+len(ev)+1 > s.MaxBytes {
				if err := flush(); err != nil {
					return st, err
				}
			}
			b.add(ev, l)
			if len(b.events) == 1 {
				timer.Reset(s.FlushInterval)
			}
			if len(b.events) >= s.MaxEvents {
				if err := flush(); err != nil {
					return st, err
				}
			}
		case <-timer.C:
			if err := flush(); err != nil {
				return st, err
			}
		}
	}
}

// batch is events encoded as JSON, in order.
type batch struct {
	events [][]byte
	size   int                 // of the JSON array they make
	ends   map[string]Position // by file: where its last line in the batch ends
}

func (b *batch) add(ev []byte, l Line) {
	b.events = append(b.events, ev)
	b.size += len(ev) + 1 // a comma or a bracket
	if l.Pos != nil {
		if b.ends == nil {
			b.ends = map[string]Position{}
		}
		b.ends[l.Source] = *l.Pos
	}
}

// encode makes the line's event: its id is fixed here, once.
func (s *Shipper) encode(l Line) ([]byte, error) {
	id := ulid.Make().String()
	ts := time.Now().UTC()
	level := s.Level // the level of lines whose text states none
	if detected, ok := leveldetect.Detect(l.Text); ok {
		level = ingestclient.LogEventLevel(detected)
	}
	ev := ingestclient.LogEvent{Id: &id, Service: s.Service, Level: &level, Message: l.Text, Ts: &ts}
	if s.Host != "" {
		ev.Host = &s.Host
	}
	if l.Source != "-" && len(l.Source) <= maxAttrValue {
		var v ingestclient.Attributes_AdditionalProperties
		if err := v.FromAttributes0(l.Source); err != nil {
			return nil, err
		}
		ev.Attrs = &ingestclient.Attributes{FileAttribute: v}
	}
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("encode event: %w", err)
	}
	return b, nil
}

// errTooLarge is a 413: the batch is split in two and each half sent.
var errTooLarge = errors.New("batch too large")

// send delivers events, retrying as the type says.
func (s *Shipper) send(ctx context.Context, events [][]byte, st *Stats) error {
	body, err := gzipArray(events)
	if err != nil {
		return err
	}
	newBackOff := s.NewBackOff
	if newBackOff == nil {
		newBackOff = defaultBackOff
	}
	_, err = backoff.Retry(ctx, func() (struct{}, error) { return struct{}{}, s.post(ctx, body) },
		backoff.WithBackOff(newBackOff()),
		backoff.WithMaxElapsedTime(0), // until ctx ends: the agent's shutdown timeout bounds it
		backoff.WithNotify(func(err error, wait time.Duration) {
			st.Retries++
			s.Log.Warn("ingest failed; retrying", "err", err, "events", len(events), "in", wait)
		}))
	if errors.Is(err, errTooLarge) && len(events) > 1 {
		half := len(events) / 2
		if err := s.send(ctx, events[:half], st); err != nil {
			return err
		}
		return s.send(ctx, events[half:], st)
	}
	if err != nil {
		return err
	}
	st.Sent += len(events)
	st.Batches++
	return nil
}

func defaultBackOff() backoff.BackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval, b.MaxInterval = 500*time.Millisecond, 30*time.Second
	return b
}

// post sends one request and classifies its answer for backoff.Retry.
func (s *Shipper) post(ctx context.Context, body []byte) error {
	resp, err := s.Client.IngestLogsWithBody(ctx, "application/json", bytes.NewReader(body), func(_ context.Context, req *http.Request) error {
		req.Header.Set("Content-Encoding", "gzip")
		return nil
	})
	if err != nil {
		return fmt.Errorf("POST /ingest/logs: %w", err)
	}
	// A body that is not what the spec says (a proxy's error page) leaves
	// parsed nil: the status alone decides then.
	parsed, _ := ingestclient.ParseIngestLogsResponse(resp)
	code := resp.StatusCode
	if code == http.StatusAccepted {
		return nil
	}
	err = fmt.Errorf("POST /ingest/logs: %s%s", resp.Status, problemDetail(parsed))
	switch {
	case code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable:
		if wait := retryAfter(parsed); wait > 0 {
			return fmt.Errorf("%w (%w)", err, &backoff.RetryAfterError{Duration: wait})
		}
		return err
	case code == http.StatusRequestEntityTooLarge:
		return backoff.Permanent(fmt.Errorf("%w: %w", errTooLarge, err))
	case code >= 500 || code == http.StatusRequestTimeout:
		return err
	default:
		return backoff.Permanent(err)
	}
}

// retryAfter is the Retry-After of a 429 or 503, or 0.
func retryAfter(r *ingestclient.IngestLogsResponse) time.Duration {
	var secs *int
	switch {
	case r == nil:
	case r.Headers429 != nil:
		secs = r.Headers429.RetryAfter
	case r.Headers503 != nil:
		secs = r.Headers503.RetryAfter
	}
	if secs == nil || *secs <= 0 {
		return 0
	}
	return time.Duration(*secs) * time.Second
}

// problemDetail is ": <detail>" of a problem+json answer, or "".
func problemDetail(r *ingestclient.IngestLogsResponse) string {
	if r == nil {
		return ""
	}
	var p ingestclient.Problem
	if json.Unmarshal(r.Body, &p) != nil || p.Detail == nil {
		return ""
	}
	return ": " + *p.Detail
}

// gzipArray compresses the JSON array of events.
func gzipArray(events [][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte{'['}) // errors surface at Close
	for i, ev := range events {
		if i > 0 {
			zw.Write([]byte{','})
		}
		zw.Write(ev)
	}
	zw.Write([]byte{']'})
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip batch: %w", err)
	}
	return buf.Bytes(), nil
}
