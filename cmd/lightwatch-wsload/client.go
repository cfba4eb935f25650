package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// window is the span of send times whose events count for latency and
// deliveries/s; the publisher sets it before the first event is sent.
type window struct {
	from, to atomic.Int64 // unix ns
}

// wsClient is one subscribed WebSocket connection and what it received. One
// goroutine reads it; its fields other than the atomics and channels belong
// to that goroutine and are read only once done is closed.
type wsClient struct {
	conn       *websocket.Conn
	win        *window
	subscribed chan struct{} // closed at the first subscribed message
	done       chan struct{} // closed when the reader has ended
	closing    atomic.Bool
	distinct   atomic.Int64 // distinct events of this run received

	seen       bitmap
	hist       *histogram // nil for idle clients
	subOnce    bool
	events     int64 // event messages, duplicates included
	measured   int64 // distinct events sent inside the window
	dups       int64
	outOfRange int64 // sequence numbers never published
	unparsed   int64 // event messages without a sequence number
	lagged     int64 // lagged messages
	dropped    int64 // the events they report lost
	resets     int64
	errs       int64
	other      int64
	frames     int64
	readErr    error
}

// dialer builds the clients' dialer. Read buffers are small (an idle
// connection must stay cheap when there are 10,000); the write buffer is
// pooled since a client only writes control frames (pong, close).
func dialer(readBuf int) *websocket.Dialer {
	return &websocket.Dialer{
		Proxy:            nil, // loopback only
		NetDialContext:   (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   readBuf,
		WriteBufferSize:  256,
		WriteBufferPool:  &sync.Pool{},
	}
}

// dial opens one connection, retrying 429 and 503 (a running server's rate
// limit, a reader not ready yet) until ctx is done.
func dial(ctx context.Context, d *websocket.Dialer, url, key string) (*websocket.Conn, error) {
	hdr := http.Header{"Authorization": {"Bearer " + key}}
	for {
		conn, resp, err := d.DialContext(ctx, url, hdr)
		if err == nil {
			return conn, nil
		}
		if resp == nil {
			return nil, err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
			return nil, fmt.Errorf("handshake: %s", resp.Status)
		}
		wait := 200 * time.Millisecond
		if s, e := strconv.Atoi(resp.Header.Get("Retry-After")); e == nil && s > 0 {
			wait = time.Duration(s) * time.Second
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("handshake: %s, retried until %w", resp.Status, ctx.Err())
		case <-t.C:
		}
	}
}

func newWSClient(conn *websocket.Conn, win *window, maxEvents int, latency bool) *wsClient {
	c := &wsClient{conn: conn, win: win, subscribed: make(chan struct{}), done: make(chan struct{}), seen: newBitmap(maxEvents)}
	if latency {
		c.hist = new(histogram)
	}
	return c
}

// read runs until the connection ends: it reads each WebSocket message into
// one reused buffer, takes the receive time once per message, and handles
// each of its lines.
func (c *wsClient) read(bufSize int) {
	defer close(c.done)
	buf := make([]byte, 0, bufSize)
	for {
		_, r, err := c.conn.NextReader()
		if err == nil {
			buf, err = readAll(buf[:0], r)
		}
		if err != nil {
			if !c.closing.Load() {
				c.readErr = err
			}
			return
		}
		c.frames++
		now := time.Now().UnixNano()
		from, to := c.win.from.Load(), c.win.to.Load()
		for frame := buf; len(frame) > 0; {
			line := frame
			if i := bytes.IndexByte(frame, '\n'); i >= 0 {
				line, frame = frame[:i], frame[i+1:]
			} else {
				frame = nil
			}
			if len(line) > 0 {
				c.handle(line, now, from, to)
			}
		}
	}
}

func (c *wsClient) handle(line []byte, now, from, to int64) {
	switch {
	case bytes.HasPrefix(line, prefixEvent):
		c.events++
		seq, sent, ok := parseEvent(line)
		if !ok {
			c.unparsed++
			return
		}
		isNew, in := c.seen.set(seq)
		switch {
		case !in:
			c.outOfRange++
			return
		case !isNew:
			c.dups++
			return
		}
		c.distinct.Add(1)
		if sent >= from && sent < to {
			c.measured++
			if c.hist != nil {
				c.hist.add(time.Duration(now - sent))
			}
		}
	case bytes.HasPrefix(line, prefixLagged):
		c.lagged++
		n, _ := parseUint(line[len(prefixLagged):])
		c.dropped += int64(n)
	case bytes.HasPrefix(line, prefixSubscribed):
		if !c.subOnce {
			c.subOnce = true
			close(c.subscribed)
		}
	case bytes.HasPrefix(line, prefixReset):
		c.resets++
	case bytes.HasPrefix(line, prefixError):
		c.errs++
	default:
		c.other++
	}
}

// readAll reads r to its end into b, growing it as needed.
func readAll(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// close ends the connection with a close frame; the reader then ends.
func (c *wsClient) close() {
	c.closing.Store(true)
	_ = c.conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	_ = c.conn.Close()
}
