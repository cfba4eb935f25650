package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

const (
	maxBatch       = 10000 // the ingest API's per-request limit
	maxInFlight    = 32    // concurrent POSTs; beyond, the backlog goes with a later tick
	requestTimeout = 15 * time.Second
	publishGrace   = 10 * time.Second // how long a backlog may be sent after the end
)

// appendBatch appends a JSON array of n log events with sequence numbers
// from, from+1, ... and the send time sentNS. Each is about 190 bytes, with
// attributes as an instrumented HTTP service would send.
func appendBatch(b []byte, service string, from uint64, n int, sentNS int64) []byte {
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"service":"`...)
		b = append(b, service...)
		b = append(b, `","level":"info","message":"`...)
		b = append(b, seqMarker...)
		b = strconv.AppendUint(b, from+uint64(i), 10)
		b = append(b, timeMarker...)
		b = strconv.AppendInt(b, sentNS, 10)
		b = append(b, `","host":"wsload-1","attrs":{"http.method":"GET","http.route":"/api/v1/orders","http.status":200}}`...)
	}
	return append(b, ']')
}

// publisher POSTs events to /ingest/logs at a steady rate, a batch per tick.
type publisher struct {
	client  *http.Client
	url     string
	auth    string
	service string
	rate    int
	every   time.Duration
	// perRequest bounds the events of one POST.
	perRequest int

	mu       sync.Mutex
	acked    bitmap // sequence numbers answered 202
	ackedN   int
	measured int // acked events sent inside the measurement window
	requests int
	ingest   histogram // POST latency of 202 answers
	statuses map[int]int
	errors   map[string]int
	sample   string // body of the first unexpected answer
	lastAck  time.Time
}

// newPublisher publishes rate events/s; every interval's events go in one
// POST, or, with perPost, each in a POST of its own paced at rate.
func newPublisher(t *target, service string, rate int, every time.Duration, total int, perPost bool) *publisher {
	perRequest := maxBatch
	if perPost {
		perRequest = 1
		every = max(time.Second/time.Duration(rate), time.Millisecond)
	}
	tr := &http.Transport{
		Proxy:               nil, // loopback only; never through a proxy from the environment
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        maxInFlight,
		MaxIdleConnsPerHost: maxInFlight,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &publisher{
		client: &http.Client{Transport: tr, Timeout: requestTimeout},
		url:    t.base + "/ingest/logs", auth: "Bearer " + t.key, service: service,
		rate: rate, every: every, perRequest: perRequest, acked: newBitmap(total),
		statuses: map[int]int{}, errors: map[string]int{},
	}
}

// run publishes total events, rate per second from start, and returns once
// every request has been answered. Events sent in [from, to) are counted as
// measured. Nothing runs past to+publishGrace+requestTimeout.
func (p *publisher) run(ctx context.Context, start, from, to time.Time, total int) {
	tick := time.NewTicker(p.every)
	defer tick.Stop()
	defer p.client.CloseIdleConnections()
	sem := make(chan struct{}, maxInFlight)
	var wg sync.WaitGroup
	var next uint64
	for uint64(total) > next && ctx.Err() == nil {
		now := time.Now()
		if now.After(to.Add(publishGrace)) {
			p.mu.Lock()
			p.errors[fmt.Sprintf("publisher fell behind: %d events never sent", uint64(total)-next)]++
			p.mu.Unlock()
			break
		}
		due := min(uint64(float64(p.rate)*now.Sub(start).Seconds()), uint64(total))
		if !now.Before(to) {
			due = uint64(total) // the rest, rounding included
		}
	send:
		for next < due {
			select {
			case sem <- struct{}{}:
			default:
				break send // all in flight: the backlog goes with a later tick
			}
			first, n := next, int(min(due-next, uint64(p.perRequest)))
			next += uint64(n)
			wg.Go(func() {
				defer func() { <-sem }()
				p.post(ctx, first, n, from, to)
			})
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	wg.Wait()
}

func (p *publisher) post(ctx context.Context, first uint64, n int, from, to time.Time) {
	sent := time.Now()
	body := appendBatch(make([]byte, 0, 256*n), p.service, first, n, sent.UnixNano())
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		p.fail(err.Error())
		return
	}
	req.Header.Set("Authorization", p.auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		p.fail(err.Error())
		return
	}
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		p.fail(err.Error())
		return
	}
	lat := time.Since(sent)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests++
	if resp.StatusCode != http.StatusAccepted {
		p.statuses[resp.StatusCode]++
		if p.sample == "" {
			p.sample = fmt.Sprintf("%d %.300s", resp.StatusCode, bytes.TrimSpace(answer))
		}
		return
	}
	p.ingest.add(lat)
	p.acked.setRange(first, first+uint64(n))
	p.ackedN += n
	if !sent.Before(from) && sent.Before(to) {
		p.measured += n
	}
	p.lastAck = time.Now()
}

func (p *publisher) fail(msg string) {
	if len(msg) > 200 {
		msg = msg[:200]
	}
	p.mu.Lock()
	p.requests++
	p.errors[msg]++
	p.mu.Unlock()
}
