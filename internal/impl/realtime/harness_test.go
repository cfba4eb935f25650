package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
	"github.com/lightwatch/lightwatch/internal/impl/testwait"
)

// waitTimeout bounds every wait of these tests; nothing sleeps to
// synchronize.
const waitTimeout = 15 * time.Second

// Test keys: secret → key.
const (
	acmeKey   = "lw_acme_read"
	globexKey = "lw_globex_read"
	ingestKey = "lw_acme_ingest_only"
)

type fakeKeys map[string]apikey.Key

func (k fakeKeys) Authenticate(_ context.Context, secret string) (apikey.Key, error) {
	key, ok := k[secret]
	if !ok {
		return apikey.Key{}, apikey.ErrUnknown
	}
	return key, nil
}

var testKeys = fakeKeys{
	acmeKey:   {ID: "key_acme", Tenant: "acme", Scopes: []apikey.Scope{apikey.ScopeRead}},
	globexKey: {ID: "key_globex", Tenant: "globex", Scopes: []apikey.Scope{apikey.ScopeRead, apikey.ScopeIngest}},
	ingestKey: {ID: "key_ingest", Tenant: "acme", Scopes: []apikey.Scope{apikey.ScopeIngest}},
}

// redisClient connects to a fresh real redis-server.
func redisClient(t testing.TB) *redis.Client {
	t.Helper()
	return connectRedis(t, redistest.Start(t))
}

func connectRedis(t testing.TB, url string) *redis.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	client, stop, err := redisconn.Connect(ctx, url, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("connect redis: %v", err)
	}
	t.Cleanup(stop)
	return client
}

// harness is one realtime instance served over HTTP, against rdb, or
// against the in-process streams when rdb is nil.
type harness struct {
	t     testing.TB
	rdb   *redis.Client
	log   streams.Streams
	svc   *Service
	reg   *prometheus.Registry
	wsURL string // ws://host:port
}

func newHarness(t testing.TB, rdb *redis.Client, edit func(*Options)) *harness {
	t.Helper()
	reg := prometheus.NewRegistry()
	var log streams.Streams = streams.NewMemory()
	if rdb != nil {
		log = streams.NewRedis(rdb)
	}
	o := Options{
		Streams: log, Authenticator: testKeys, Metrics: NewMetrics(reg),
		Logger:    slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})),
		ReadBlock: 100 * time.Millisecond,
	}
	if edit != nil {
		edit(&o)
	}
	svc, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(PathPrefix, svc)
	srv := httptest.NewServer(mux)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- svc.Run(ctx) }()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), waitTimeout)
		defer scancel()
		if err := svc.Shutdown(sctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("run: %v", err)
		}
		srv.Close()
	})
	return &harness{t: t, rdb: rdb, log: o.Streams, svc: svc, reg: reg, wsURL: "ws" + strings.TrimPrefix(srv.URL, "http")}
}

// publish appends events to their streams as the ingest path does.
func (h *harness) publish(events ...event.Event) {
	h.t.Helper()
	if err := stream.New(h.log, 0).Publish(context.Background(), events); err != nil {
		h.t.Fatalf("publish: %v", err)
	}
}

// publishAlert appends an alert to stream:alerts as the alerting engine does.
func (h *harness) publishAlert(tenant string, alert map[string]any) string {
	h.t.Helper()
	b, err := json.Marshal(alert)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := h.log.Add(context.Background(), 0, []streams.Record{{Stream: stream.Alerts,
		Entry: streams.Entry{Event: b, Tenant: tenant, Kind: "alert"}}}); err != nil {
		h.t.Fatalf("publish alert: %v", err)
	}
	id, _, err := h.log.Last(context.Background(), stream.Alerts)
	if err != nil {
		h.t.Fatalf("publish alert: %v", err)
	}
	return id.String()
}

// entryIDs returns the ids of a stream's entries, oldest first.
func (h *harness) entryIDs(name string) []string {
	h.t.Helper()
	msgs, err := h.log.Range(context.Background(), name, streams.ID{}, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID.String()
	}
	return ids
}

func (h *harness) counter(c prometheus.Collector) float64 { return testutil.ToFloat64(c) }

// message is any server message, decoded.
type message struct {
	Type    string          `json:"type"`
	Channel string          `json:"channel"`
	Cursor  string          `json:"cursor"`
	Event   *event.Event    `json:"event"`
	Alert   map[string]any  `json:"alert"`
	Filters json.RawMessage `json:"filters"`
	Dropped int             `json:"dropped"`
	Reason  string          `json:"reason"`
	Oldest  string          `json:"oldest"`
	Message string          `json:"message"`
	raw     string
}

// wsClient is a real WebSocket client; it splits each WebSocket message
// into its newline-separated server messages.
type wsClient struct {
	t      testing.TB
	conn   *websocket.Conn
	queued []message
	// frames are the WebSocket messages read so far, as received.
	frames [][]byte
}

// dial connects with the key in the Authorization header and fails the test
// unless the handshake succeeds.
func (h *harness) dial(path, key string) *wsClient {
	h.t.Helper()
	c, resp, err := h.tryDial(path, key, nil)
	if err != nil {
		body := ""
		if resp != nil {
			body = fmt.Sprintf(" (status %d)", resp.StatusCode)
		}
		h.t.Fatalf("dial %s: %v%s", path, err, body)
	}
	return c
}

func (h *harness) tryDial(path, key string, dialer *websocket.Dialer) (*wsClient, *http.Response, error) {
	hdr := http.Header{}
	if key != "" {
		hdr.Set("Authorization", "Bearer "+key)
	}
	if dialer == nil {
		dialer = &websocket.Dialer{HandshakeTimeout: waitTimeout}
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	conn, resp, err := dialer.DialContext(ctx, h.wsURL+path, hdr)
	if err != nil {
		return nil, resp, err
	}
	c := &wsClient{t: h.t, conn: conn}
	h.t.Cleanup(func() { _ = conn.Close() })
	return c, resp, nil
}

// next returns the next server message, reading with a deadline.
func (c *wsClient) next() message {
	c.t.Helper()
	m, err := c.tryNext(waitTimeout)
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return m
}

func (c *wsClient) tryNext(timeout time.Duration) (message, error) {
	for len(c.queued) == 0 {
		_ = c.conn.SetReadDeadline(time.Now().Add(timeout))
		typ, data, err := c.conn.ReadMessage()
		if err != nil {
			return message{}, err
		}
		if typ != websocket.TextMessage {
			return message{}, fmt.Errorf("got a message of type %d, want text", typ)
		}
		c.frames = append(c.frames, data)
		for line := range bytes.SplitSeq(data, []byte("\n")) {
			var m message
			if err := json.Unmarshal(line, &m); err != nil {
				return message{}, fmt.Errorf("line %q: %w", line, err)
			}
			m.raw = string(line)
			c.queued = append(c.queued, m)
		}
	}
	m := c.queued[0]
	c.queued = c.queued[1:]
	return m, nil
}

// expect reads the next message and fails unless it has type typ.
func (c *wsClient) expect(typ string) message {
	c.t.Helper()
	m := c.next()
	if m.Type != typ {
		c.t.Fatalf("got %s, want a %s message", m.raw, typ)
	}
	return m
}

// eventsUntil reads event messages until the one whose event id is last,
// and returns their event ids in order (last included).
func (c *wsClient) eventsUntil(last string) []string {
	c.t.Helper()
	var ids []string
	for {
		m := c.next()
		if m.Type != msgEvent {
			c.t.Fatalf("got %s while waiting for event %s", m.raw, last)
		}
		ids = append(ids, m.Event.ID)
		if m.Event.ID == last {
			return ids
		}
	}
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	_ = c.conn.SetWriteDeadline(time.Now().Add(waitTimeout))
	if err := c.conn.WriteJSON(v); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// waitFor polls cond until it holds or waitTimeout passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testwait.Until(t, what, waitTimeout, cond)
}

var baseTime = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func logEvent(tenant, id, service, level, msg string, attrs map[string]any) event.Event {
	return event.Event{
		ID: id, Tenant: tenant, Kind: event.KindLog, TS: baseTime, ReceivedAt: baseTime,
		Service: service, Host: "web-1", Attributes: attrs,
		Log: &event.Log{Level: event.Level(level), Message: msg},
	}
}

func logs(tenant, prefix string, n int) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		out[i] = logEvent(tenant, fmt.Sprintf("%s-%04d", prefix, i), "checkout", "info", fmt.Sprintf("order %d placed", i), nil)
	}
	return out
}

func eventIDs(events []event.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// shrinkServerSendBuffers makes the server's socket send buffer of every
// connection now open small; see smallReadBufferDialer.
func (h *harness) shrinkServerSendBuffers() {
	h.t.Helper()
	h.svc.hub.mu.RLock()
	defer h.svc.hub.mu.RUnlock()
	for _, byTenant := range h.svc.hub.subs {
		for _, set := range byTenant {
			for c := range set {
				if tcp, ok := c.conn.NetConn().(*net.TCPConn); ok {
					if err := tcp.SetWriteBuffer(128 << 10); err != nil {
						h.t.Fatal(err)
					}
				}
			}
		}
	}
}

// smallReadBufferDialer makes the client's socket receive buffer small, so
// that a client that does not read fills the server's socket quickly and its
// queue overflows without megabytes of kernel buffers in between.
func smallReadBufferDialer() *websocket.Dialer {
	return &websocket.Dialer{
		HandshakeTimeout: waitTimeout,
		// Set before connecting, so that the small window is what the
		// handshake advertises.
		NetDialContext: (&net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
			var serr error
			err := rc.Control(func(fd uintptr) {
				serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 128<<10)
			})
			return errors.Join(err, serr)
		}}).DialContext,
	}
}

// collector reads a client's messages in the background, for tests where
// one client must keep up while another does not.
type collector struct {
	mu  sync.Mutex
	ids []string
	err error
}

func (c *wsClient) collect() *collector {
	col := &collector{}
	go func() {
		for {
			m, err := c.tryNext(time.Minute)
			col.mu.Lock()
			if err != nil {
				col.err = err
				col.mu.Unlock()
				return
			}
			if m.Type == msgEvent {
				col.ids = append(col.ids, m.Event.ID)
			} else if m.Type != msgSubscribed {
				col.err = fmt.Errorf("unexpected message %s", m.raw)
			}
			col.mu.Unlock()
		}
	}()
	return col
}

func (col *collector) count() int {
	col.mu.Lock()
	defer col.mu.Unlock()
	return len(col.ids)
}
