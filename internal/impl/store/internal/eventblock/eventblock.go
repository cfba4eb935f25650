// Package eventblock encodes log events column by column and compresses the
// columns with zstd: the layout of the embedded store's immutable blocks and
// of its durable head.
//
// Why columns: a block holds the events of one service over a short time, so
// each column (times, hosts, levels, messages, attributes) is far more alike
// within itself than a row is, and zstd finds the repeats. Times are stored as
// deltas, so a sorted block's times cost a byte or two each.
//
// Ids go in a stream of their own, so that idempotency checks and lookups by
// id read and decompress only them.
package eventblock

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
)

// version leads every encoded stream, so that a later layout can be told apart.
const version = 1

// Codec compresses and decompresses; one is safe for concurrent use.
type Codec struct {
	enc *zstd.Encoder
	dec *zstd.Decoder
}

// Level is how hard a Codec compresses: blocks are written once and kept,
// the head is rewritten into blocks within minutes.
type Level int

const (
	// Fast is for the head: cheap on the ingest path.
	Fast Level = iota
	// Compact is for blocks.
	Compact
)

// NewCodec returns a codec compressing at level.
func NewCodec(level Level) (*Codec, error) {
	l := zstd.SpeedDefault
	if level == Fast {
		l = zstd.SpeedFastest
	}
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(l), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
	if err != nil {
		return nil, fmt.Errorf("eventblock: zstd encoder: %w", err)
	}
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(2), zstd.WithDecoderLowmem(true), zstd.WithDecoderMaxMemory(1<<30))
	if err != nil {
		return nil, fmt.Errorf("eventblock: zstd decoder: %w", err)
	}
	return &Codec{enc: enc, dec: dec}, nil
}

// Close releases the codec's goroutines.
func (c *Codec) Close() {
	_ = c.enc.Close()
	c.dec.Close()
}

// Encoded is a batch of log events as stored: the ids and the other columns,
// each compressed.
type Encoded struct {
	IDs  []byte
	Data []byte
}

// column indexes of the data stream, in stored order.
const (
	colTenant = iota
	colService
	colTS
	colReceived
	colHost
	colLevel
	colMessage
	colTraceID
	colSpanID
	colAttrs
	nCols
)

var bufPool = sync.Pool{New: func() any { return new([nCols][]byte) }}

// Encode encodes log events (every one of kind log, checked by check.Event) in
// the order given.
func (c *Codec) Encode(events []event.Event) (Encoded, error) {
	cols := bufPool.Get().(*[nCols][]byte)
	defer bufPool.Put(cols)
	for i := range cols {
		cols[i] = cols[i][:0]
	}
	var ids []byte
	ids = binary.AppendUvarint(ids, uint64(len(events)))
	var prevTS int64
	for i := range events {
		e := &events[i]
		if e.Kind != event.KindLog || e.Log == nil {
			return Encoded{}, fmt.Errorf("eventblock: event %s is not a log", e.ID)
		}
		ts, err := check.Nanos(e.TS)
		if err != nil {
			return Encoded{}, fmt.Errorf("eventblock: event %s: %w", e.ID, err)
		}
		ids = appendString(ids, e.ID)
		cols[colTenant] = appendString(cols[colTenant], e.Tenant)
		cols[colService] = appendString(cols[colService], e.Service)
		cols[colTS] = binary.AppendVarint(cols[colTS], ts-prevTS)
		prevTS = ts
		// Received is stored relative to ts; 0 means absent, so a present
		// difference d is stored as zigzag(d)+1.
		if r, ok, _ := check.OptionalNanos(e.ReceivedAt); ok {
			cols[colReceived] = binary.AppendUvarint(cols[colReceived], zigzag(r-ts)+1)
		} else {
			cols[colReceived] = binary.AppendUvarint(cols[colReceived], 0)
		}
		cols[colHost] = appendString(cols[colHost], e.Host)
		cols[colLevel] = appendString(cols[colLevel], string(e.Log.Level))
		cols[colMessage] = appendString(cols[colMessage], e.Log.Message)
		cols[colTraceID] = appendString(cols[colTraceID], e.Log.TraceID)
		cols[colSpanID] = appendString(cols[colSpanID], e.Log.SpanID)
		if cols[colAttrs], err = appendAttrs(cols[colAttrs], e.Attributes); err != nil {
			return Encoded{}, fmt.Errorf("eventblock: event %s: %w", e.ID, err)
		}
	}
	size := 16
	for _, col := range cols {
		size += len(col) + binary.MaxVarintLen64
	}
	raw := make([]byte, 0, size)
	raw = append(raw, version)
	raw = binary.AppendUvarint(raw, uint64(len(events)))
	for _, col := range cols {
		raw = appendBytes(raw, col)
	}
	return Encoded{
		IDs:  c.enc.EncodeAll(append([]byte{version}, ids...), nil),
		Data: c.enc.EncodeAll(raw, make([]byte, 0, len(raw)/4)),
	}, nil
}

// IDs decodes the id stream.
func (c *Codec) IDs(b []byte) ([]string, error) {
	raw, err := c.dec.DecodeAll(b, nil)
	if err != nil {
		return nil, fmt.Errorf("eventblock: ids: %w", err)
	}
	r := reader{b: raw}
	if r.byte() != version {
		return nil, errors.New("eventblock: ids: unknown version")
	}
	n := r.uvarint()
	if r.err != nil || n > uint64(len(raw)) {
		return nil, errors.New("eventblock: ids: corrupt count")
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = r.string()
	}
	if r.err != nil {
		return nil, fmt.Errorf("eventblock: ids: %w", r.err)
	}
	return ids, nil
}

// Rows is a decoded batch, column by column. Its strings share the
// decompressed buffer (no allocation per value); Event copies what it
// returns, so events never hold on to the buffer.
type Rows struct {
	N                                         int
	ID, Tenant, Service, Host, Level, Message []string
	TraceID, SpanID                           []string
	TS                                        []int64
	received                                  []uint64 // zigzag(received-ts)+1; 0: absent
	attrs                                     [][]byte // each row's encoded attributes
}

// DecodeRows decodes a batch into columns.
func (c *Codec) DecodeRows(enc Encoded) (*Rows, error) {
	ids, err := c.IDs(enc.IDs)
	if err != nil {
		return nil, err
	}
	raw, err := c.dec.DecodeAll(enc.Data, nil)
	if err != nil {
		return nil, fmt.Errorf("eventblock: data: %w", err)
	}
	r := reader{b: raw}
	if r.byte() != version {
		return nil, errors.New("eventblock: data: unknown version")
	}
	if n := r.uvarint(); r.err != nil || n != uint64(len(ids)) {
		return nil, errors.New("eventblock: data and ids disagree on the count")
	}
	var cols [nCols]reader
	for i := range cols {
		cols[i] = reader{b: r.bytes()}
	}
	if r.err != nil {
		return nil, fmt.Errorf("eventblock: data: %w", r.err)
	}
	n := len(ids)
	rows := &Rows{N: n, ID: ids, TS: make([]int64, n), received: make([]uint64, n), attrs: make([][]byte, n)}
	strs := make([]string, 7*n)
	for i, p := range []*[]string{&rows.Tenant, &rows.Service, &rows.Host, &rows.Level, &rows.Message, &rows.TraceID, &rows.SpanID} {
		*p = strs[i*n : (i+1)*n : (i+1)*n]
	}
	var ts int64
	for i := range n {
		rows.Tenant[i] = cols[colTenant].view()
		rows.Service[i] = cols[colService].view()
		ts += cols[colTS].varint()
		rows.TS[i] = ts
		rows.received[i] = cols[colReceived].uvarint()
		rows.Host[i] = cols[colHost].view()
		rows.Level[i] = cols[colLevel].view()
		rows.Message[i] = cols[colMessage].view()
		rows.TraceID[i] = cols[colTraceID].view()
		rows.SpanID[i] = cols[colSpanID].view()
		rows.attrs[i] = cols[colAttrs].skipAttrs()
	}
	for i := range cols {
		if cols[i].err != nil {
			return nil, fmt.Errorf("eventblock: column %d: %w", i, cols[i].err)
		}
	}
	return rows, nil
}

// Peek fills e and l with row i for matching (all but ReceivedAt), without
// attributes when withAttrs is false. Its strings are views of the Rows'
// buffer, which is never written again: they keep it alive.
func (r *Rows) Peek(i int, e *event.Event, l *event.Log, withAttrs bool) {
	*l = event.Log{Level: event.Level(r.Level[i]), Message: r.Message[i], TraceID: r.TraceID[i], SpanID: r.SpanID[i]}
	*e = event.Event{ID: r.ID[i], Tenant: r.Tenant[i], Kind: event.KindLog, TS: check.Time(r.TS[i]),
		Service: r.Service[i], Host: r.Host[i], Log: l}
	if withAttrs {
		e.Attributes = r.Attrs(i)
	}
}

// Attrs decodes row i's attributes.
func (r *Rows) Attrs(i int) map[string]any {
	rd := reader{b: r.attrs[i]}
	return rd.attrs()
}

// Event returns row i as an event of its own (strings copied).
func (r *Rows) Event(i int) event.Event {
	l := &event.Log{Level: event.Level(strings.Clone(r.Level[i])), Message: strings.Clone(r.Message[i]),
		TraceID: strings.Clone(r.TraceID[i]), SpanID: strings.Clone(r.SpanID[i])}
	e := event.Event{ID: r.ID[i], Tenant: strings.Clone(r.Tenant[i]), Kind: event.KindLog, TS: check.Time(r.TS[i]),
		Service: strings.Clone(r.Service[i]), Host: strings.Clone(r.Host[i]), Log: l}
	if d := r.received[i]; d != 0 {
		e.ReceivedAt = check.Time(r.TS[i] + unzigzag(d-1))
	}
	e.Attributes = r.Attrs(i) // its strings are copies
	return e
}

// Decode decodes a batch back into events, in the encoded order.
func (c *Codec) Decode(enc Encoded) ([]event.Event, error) {
	rows, err := c.DecodeRows(enc)
	if err != nil {
		return nil, err
	}
	events := make([]event.Event, rows.N)
	for i := range events {
		events[i] = rows.Event(i)
	}
	return events, nil
}

// Attribute values are tagged with their type: the scalar types check.Event
// admits.
const (
	tagString = 's'
	tagNumber = 'n'
	tagTrue   = 't'
	tagFalse  = 'f'
)

// appendAttrs writes the count, then key, tag and value of each attribute in
// key order (so equal sets encode alike, which zstd rewards).
func appendAttrs(b []byte, attrs map[string]any) ([]byte, error) {
	b = binary.AppendUvarint(b, uint64(len(attrs)))
	if len(attrs) == 0 {
		return b, nil
	}
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		b = appendString(b, k)
		switch v := attrs[k].(type) {
		case string:
			b = append(b, tagString)
			b = appendString(b, v)
		case float64:
			b = append(b, tagNumber)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		case bool:
			if v {
				b = append(b, tagTrue)
			} else {
				b = append(b, tagFalse)
			}
		default:
			return nil, fmt.Errorf("attribute %q: type %T is not string, float64 or bool", k, v)
		}
	}
	return b, nil
}

func (r *reader) attrs() map[string]any {
	n := r.uvarint()
	if n == 0 || r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errShort
		return nil
	}
	m := make(map[string]any, n)
	for range n {
		k := r.string()
		switch r.byte() {
		case tagString:
			m[k] = r.string()
		case tagNumber:
			if len(r.b) < 8 {
				r.err = errShort
				return nil
			}
			m[k] = math.Float64frombits(binary.LittleEndian.Uint64(r.b))
			r.b = r.b[8:]
		case tagTrue:
			m[k] = true
		case tagFalse:
			m[k] = false
		default:
			if r.err == nil {
				r.err = errors.New("unknown attribute tag")
			}
			return nil
		}
	}
	return m
}

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// reader consumes a stream, remembering the first error; reads after an
// error return zero values.
type reader struct {
	b   []byte
	err error
}

var errShort = errors.New("stream ends early")

func (r *reader) byte() byte {
	if r.err != nil || len(r.b) == 0 {
		r.err = errShort
		return 0
	}
	x := r.b[0]
	r.b = r.b[1:]
	return x
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShort
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errShort
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errShort
		return nil
	}
	x := r.b[:n:n]
	r.b = r.b[n:]
	return x
}

func (r *reader) string() string { return string(r.bytes()) }

// view is string without a copy: the string shares the reader's buffer.
func (r *reader) view() string {
	b := r.bytes()
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// skipAttrs returns the encoded attributes of one row, checked but not
// decoded.
func (r *reader) skipAttrs() []byte {
	start := r.b
	n := r.uvarint()
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errShort
		return nil
	}
	for range n {
		r.bytes()
		switch r.byte() {
		case tagString:
			r.bytes()
		case tagNumber:
			if len(r.b) < 8 {
				r.err = errShort
				return nil
			}
			r.b = r.b[8:]
		case tagTrue, tagFalse:
		default:
			if r.err == nil {
				r.err = errors.New("unknown attribute tag")
			}
			return nil
		}
	}
	if r.err != nil {
		return nil
	}
	return start[:len(start)-len(r.b)]
}
