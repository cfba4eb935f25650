package main

import (
	"bytes"
	"math/bits"
	"time"
)

// Events carry their sequence number and send time in the message text,
// "lwws s=<seq> t=<unix ns>": a string the server stores and forwards
// verbatim, so the reader finds both with one bytes.Index and no JSON
// decoding (attributes would do too, but a number as large as a Unix time in
// nanoseconds may not survive a round trip through float64).
var seqMarker = []byte("lwws s=")

const timeMarker = " t="

// Message prefixes of the WebSocket contract (internal/impl/realtime/messages.go);
// every server message starts with its type.
var (
	prefixEvent      = []byte(`{"type":"event"`)
	prefixLagged     = []byte(`{"type":"lagged","dropped":`)
	prefixSubscribed = []byte(`{"type":"subscribed"`)
	prefixReset      = []byte(`{"type":"reset"`)
	prefixError      = []byte(`{"type":"error"`)
)

// parseEvent finds the sequence number and send time in an event message.
func parseEvent(line []byte) (seq uint64, sentNS int64, ok bool) {
	i := bytes.Index(line, seqMarker)
	if i < 0 {
		return 0, 0, false
	}
	rest := line[i+len(seqMarker):]
	seq, n := parseUint(rest)
	if n == 0 || !bytes.HasPrefix(rest[n:], []byte(timeMarker)) {
		return 0, 0, false
	}
	rest = rest[n+len(timeMarker):]
	t, m := parseUint(rest)
	if m == 0 || t > 1<<62 {
		return 0, 0, false
	}
	return seq, int64(t), true
}

// parseUint reads the decimal digits at the start of b (at most 19, so it
// cannot overflow) and returns the value and how many bytes it used.
func parseUint(b []byte) (uint64, int) {
	var v uint64
	n := 0
	for n < len(b) && n < 19 && b[n] >= '0' && b[n] <= '9' {
		v = v*10 + uint64(b[n]-'0')
		n++
	}
	return v, n
}

// lines calls fn for each "\n"-separated message of a WebSocket message.
func lines(frame []byte, fn func(line []byte)) {
	for len(frame) > 0 {
		i := bytes.IndexByte(frame, '\n')
		if i < 0 {
			fn(frame)
			return
		}
		if i > 0 {
			fn(frame[:i])
		}
		frame = frame[i+1:]
	}
}

// histogram counts latencies in microseconds with buckets of at most 1/64
// of their value (about 1.6%): exact below 128 µs, then 64 buckets per power
// of two. It costs 9 KiB per client, where keeping every sample of a 20 s
// run at 500 events/s would cost 80 KiB, and merges by addition.
type histogram struct {
	counts [numBuckets]uint32
	n      uint64
	max    time.Duration
}

const (
	subBits    = 6
	subBuckets = 1 << subBits
	maxMicros  = 1<<40 - 1 // about 12 days: latencies beyond are clamped
	numBuckets = 2*subBuckets + (40-subBits-1)*subBuckets
)

func bucketOf(us uint64) int {
	us = min(us, maxMicros)
	if us < 2*subBuckets {
		return int(us)
	}
	shift := bits.Len64(us) - subBits - 1 // us>>shift is in [64, 128)
	return 2*subBuckets + (shift-1)*subBuckets + int(us>>shift) - subBuckets
}

// bucketRange is the lowest value of bucket i and its width.
func bucketRange(i int) (low, width uint64) {
	if i < 2*subBuckets {
		return uint64(i), 1
	}
	j := i - 2*subBuckets
	shift := j/subBuckets + 1
	return (uint64(j%subBuckets) + subBuckets) << shift, 1 << shift
}

func (h *histogram) add(d time.Duration) {
	d = max(d, 0)
	h.counts[bucketOf(uint64(d/time.Microsecond))]++
	h.n++
	h.max = max(h.max, d)
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// percentile is the nearest-rank p-th percentile (0 < p <= 100), as the
// middle of its bucket, never above the largest value seen; the last rank is
// that value.
func (h *histogram) percentile(p float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(float64(h.n)*p/100 + 0.9999999)
	rank = min(max(rank, 1), h.n)
	if rank == h.n {
		return h.max
	}
	var seen uint64
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= rank {
			low, width := bucketRange(i)
			mid := time.Duration(low)*time.Microsecond + time.Duration(width)*time.Microsecond/2
			if width == 1 {
				mid = time.Duration(low) * time.Microsecond
			}
			return min(mid, h.max)
		}
	}
	return h.max
}

// bitmap records which sequence numbers were seen.
type bitmap []uint64

func newBitmap(n int) bitmap { return make(bitmap, (n+63)/64) }

// set marks i and reports whether it was new; numbers beyond the map are
// neither recorded nor new.
func (b bitmap) set(i uint64) (isNew, inRange bool) {
	w := i / 64
	if w >= uint64(len(b)) {
		return false, false
	}
	m := uint64(1) << (i % 64)
	if b[w]&m != 0 {
		return false, true
	}
	b[w] |= m
	return true, true
}

func (b bitmap) setRange(from, to uint64) {
	for i := from; i < to; i++ {
		b.set(i)
	}
}

// missing counts the numbers set in want and not in b.
func (b bitmap) missing(want bitmap) int {
	n := 0
	for i, w := range want {
		var have uint64
		if i < len(b) {
			have = b[i]
		}
		n += bits.OnesCount64(w &^ have)
	}
	return n
}

func (b bitmap) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}
