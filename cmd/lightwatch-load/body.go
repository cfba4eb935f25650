package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"time"
)

// Bodies are encoded before the clock starts. Each client has a few templates
// (batches of realistic events); a request is a copy of one with the sequence
// digits of its event ids written in place, so every event id is unique (ids
// make retries idempotent, and a repeated id would measure the duplicate path)
// and the generator costs a memcpy per request. With -gzip the bodies are
// compressed ahead too, into a pool bounded in memory; should a client use its
// pool up it compresses the rest itself, which the output reports.

const (
	templatesPerClient = 4
	seqDigits          = 12
	// gzipPoolBytes bounds the pre-compressed bodies of one scenario (all clients).
	gzipPoolBytes = 96 << 20
	// Rates the gzip pool is sized for: about twice the targets.
	poolEventsPerSec   = 120000
	poolRequestsPerSec = 12000
)

var (
	services = []string{"checkout", "payments", "auth", "search", "inventory", "gateway"}
	levels   = []string{"info", "info", "info", "info", "debug", "warn", "error"} // mostly info, as in life
	methods  = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
	paths    = []string{"/api/v1/orders", "/api/v1/cart", "/api/v1/users", "/api/v1/products", "/api/v1/payments", "/login"}
	statuses = []int{200, 200, 200, 200, 201, 204, 302, 400, 404, 500, 503}
	messages = []string{
		"request completed",
		"cache miss, loaded from database",
		"upstream responded slowly",
		"payment authorization declined by provider",
		"user session refreshed",
		"retrying connection to message broker",
	}
)

// encoding says how bodies are sent.
type encoding struct {
	ndjson, gzip bool
}

func (e encoding) contentType() string {
	if e.ndjson {
		return "application/x-ndjson"
	}
	return "application/json"
}

func (e encoding) String() string {
	s := e.contentType()
	if e.gzip {
		return s + ", Content-Encoding: gzip"
	}
	return s + ", uncompressed"
}

// template is one encoded request body with the offsets of its events' id
// sequence digits and timestamps.
type template struct {
	body    []byte
	seqOffs []int
	tsOffs  []int
}

// tsLayout is a fixed-width RFC 3339 UTC time, so that a request's
// timestamps are written in place. Each request carries the time it was made:
// agents send current timestamps, and the store's time indexes grow at their
// end, not at random places as repeated old timestamps would make them.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

// newTemplate encodes batch random events whose ids are prefix followed by
// seqDigits zeros. A batch of 1 in JSON is a single object, not an array.
func newTemplate(r *rand.Rand, prefix string, batch int, enc encoding) template {
	var b bytes.Buffer
	t := template{seqOffs: make([]int, 0, batch), tsOffs: make([]int, 0, batch)}
	if !enc.ndjson && batch > 1 {
		b.WriteByte('[')
	}
	for i := range batch {
		if i > 0 && !enc.ndjson {
			b.WriteByte(',')
		}
		seqOff, tsOff := appendEvent(&b, r, prefix)
		t.seqOffs = append(t.seqOffs, seqOff)
		t.tsOffs = append(t.tsOffs, tsOff)
		if enc.ndjson {
			b.WriteByte('\n')
		}
	}
	if !enc.ndjson && batch > 1 {
		b.WriteByte(']')
	}
	t.body = b.Bytes()
	return t
}

// appendEvent writes one log event of about 230 bytes and returns the
// offsets of its id's sequence digits and of its timestamp.
func appendEvent(b *bytes.Buffer, r *rand.Rand, prefix string) (seqOff, tsOff int) {
	b.WriteString(`{"id":"`)
	b.WriteString(prefix)
	seqOff = b.Len()
	for range seqDigits {
		b.WriteByte('0')
	}
	svc := services[r.IntN(len(services))]
	method, path := methods[r.IntN(len(methods))], paths[r.IntN(len(paths))]
	fmt.Fprintf(b, `","service":%q,"level":%q,"message":"%s %s/%d: %s in %d ms","ts":"`,
		svc, levels[r.IntN(len(levels))], method, path, r.IntN(100000), messages[r.IntN(len(messages))], 1+r.IntN(900))
	tsOff = b.Len()
	b.WriteString(tsLayout)
	fmt.Fprintf(b, `","host":"%s-%d","attrs":{"http.status":%d,"http.method":%q,"user_id":"u-%05d"}}`,
		svc, 1+r.IntN(8), statuses[r.IntN(len(statuses))], method, r.IntN(100000))
	return seqOff, tsOff
}

// putTime writes t in tsLayout at b[off:].
func putTime(b []byte, off int, t time.Time) {
	t.UTC().AppendFormat(b[off:off], tsLayout)
}

// putSeq writes n as seqDigits decimal digits at b[off:].
func putSeq(b []byte, off int, n uint64) {
	for i := off + seqDigits - 1; i >= off; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
}

// bodies yields one client's request bodies; not safe for concurrent use.
type bodies struct {
	templates []template
	batch     int
	n         uint64 // requests made so far
	pool      [][]byte
	gz        *gzip.Writer
	gzipped   bool
	onTheFly  int // gzip bodies compressed during the run
}

// newBodies prepares client number client's bodies for a scenario run
// (event ids "<run>-<client>-<seq>", unique across runs and clients).
func newBodies(run string, client, batch int, enc encoding, poolRequests int, seed uint64) *bodies {
	r := rand.New(rand.NewPCG(seed, uint64(client)))
	prefix := fmt.Sprintf("%s-%04d-", run, client)
	bs := &bodies{batch: batch, gzipped: enc.gzip}
	for range templatesPerClient {
		bs.templates = append(bs.templates, newTemplate(r, prefix, batch, enc))
	}
	if enc.gzip {
		bs.gz, _ = gzip.NewWriterLevel(nil, gzip.BestSpeed)
		bs.pool = make([][]byte, 0, poolRequests)
		for range poolRequests {
			bs.pool = append(bs.pool, bs.compress(bs.plain(uint64(len(bs.pool)))))
		}
	}
	return bs
}

// plain returns a fresh copy of request number n, uncompressed, its events
// stamped a microsecond apart from now.
func (bs *bodies) plain(n uint64) []byte {
	t := bs.templates[n%uint64(len(bs.templates))]
	b := bytes.Clone(t.body)
	now := time.Now()
	for i, off := range t.seqOffs {
		putSeq(b, off, n*uint64(bs.batch)+uint64(i))
		putTime(b, t.tsOffs[i], now.Add(time.Duration(i)*time.Microsecond))
	}
	return b
}

func (bs *bodies) compress(p []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(p)/4 + 64)
	bs.gz.Reset(&out)
	_, _ = bs.gz.Write(p)
	_ = bs.gz.Close()
	return out.Bytes()
}

// next returns the body of the next request. The returned slice is the
// caller's: a body is never modified after it is handed out.
func (bs *bodies) next() []byte {
	n := bs.n
	bs.n++
	if !bs.gzipped {
		return bs.plain(n)
	}
	if n < uint64(len(bs.pool)) {
		b := bs.pool[n]
		bs.pool[n] = nil // let it go once sent
		return b
	}
	bs.onTheFly++
	return bs.compress(bs.plain(n))
}

// id is the id of event i of request n, to check the server's answer.
func (bs *bodies) id(n uint64, i int) string {
	t := bs.templates[n%uint64(len(bs.templates))]
	off := t.seqOffs[i]
	start := bytes.LastIndex(t.body[:off], []byte(`"id":"`)) + len(`"id":"`)
	return string(t.body[start:off]) + fmt.Sprintf("%0*d", seqDigits, n*uint64(bs.batch)+uint64(i))
}

// gzipPoolRequests sizes each client's pre-compressed pool: enough for about
// twice the target rate over warm-up and measurement, within gzipPoolBytes.
func gzipPoolRequests(sc scenario, total time.Duration, enc encoding) int {
	if !enc.gzip {
		return 0
	}
	secs := total.Seconds() + 1
	var perSec float64
	if sc.batch == 1 {
		perSec = poolRequestsPerSec
	} else {
		perSec = poolEventsPerSec / float64(sc.batch)
	}
	want := int(perSec*secs)/sc.clients + 1
	// A compressed event of these is about 60 bytes; a 1-event body about 200.
	per := 60*sc.batch + 140
	limit := gzipPoolBytes / per / sc.clients
	return max(1, min(want, limit))
}
