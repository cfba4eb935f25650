package realtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// Keepalive and limits of the WebSocket contract; the AsyncAPI document
// states them.
const (
	// PingInterval is how often the server pings each client. It is well
	// under the 60 s idle timeout of common proxies, so an idle subscription
	// is not cut by one.
	PingInterval = 25 * time.Second
	// PongWait is how long the server waits for any frame (a pong, usually)
	// before it gives a client up as gone; over two ping intervals, so one
	// lost pong is not fatal.
	PongWait = 60 * time.Second
	// MaxClientMessageBytes bounds a client's message (a subscribe is a few
	// hundred bytes); a bigger one closes the connection with 1009.
	MaxClientMessageBytes = 64 << 10
)

// Defaults of Options.
const (
	DefaultQueueMessages = 1024
	DefaultQueueBytes    = 4 << 20
	DefaultReplayBuffer  = 4096
	DefaultWriteTimeout  = 10 * time.Second
	DefaultMaxFrameBytes = 32 << 10
	// DefaultFlushInterval trades a little latency on busy streams for far
	// fewer socket writes (see Options.FlushInterval).
	DefaultFlushInterval = 20 * time.Millisecond
	DefaultReadBlock     = time.Second
	DefaultReadCount     = 512
	DefaultReplayChunk   = 512
	// readyWait bounds how long an upgrade waits for the reader to know its
	// start position (Redis unreachable at start-up) before answering 503.
	readyWait = 10 * time.Second
	// readBufferSize is each connection's own read buffer: client messages
	// are rare and small, and 10,000 idle connections must stay cheap.
	readBufferSize = 1 << 10
	// writeBufferSize is the size of the write buffers, which connections
	// share through a pool and hold only while writing: a batch of the
	// default size fits, so it goes out as one frame in one write.
	writeBufferSize = DefaultMaxFrameBytes
)

// Authenticator resolves an API key's secret; *apikey.Authenticator is one.
// It returns apikey.ErrUnknown for unknown or revoked keys.
type Authenticator interface {
	Authenticate(ctx context.Context, secret string) (apikey.Key, error)
}

// Options configure a Service. Streams and Authenticator are required; zero
// values elsewhere mean the defaults.
type Options struct {
	// Streams is the log the events are read from: the in-process one of
	// the embedded default, or Redis Streams.
	Streams       streams.Streams
	Authenticator Authenticator
	// Metrics: nil registers a private set nobody scrapes.
	Metrics *Metrics
	Logger  *slog.Logger

	// QueueMessages and QueueBytes bound each connection's send queue;
	// beyond either, live messages are dropped and the client is sent a
	// lagged message.
	QueueMessages int
	QueueBytes    int
	// ReplayBuffer bounds the live entries held per connection while it
	// replays history; beyond it the replay reads the stream again.
	ReplayBuffer int
	// PingInterval and PongWait default to the constants of those names.
	PingInterval time.Duration
	PongWait     time.Duration
	// WriteTimeout bounds each write to a client.
	WriteTimeout time.Duration
	// MaxFrameBytes is the size past which queued messages are split into
	// more than one WebSocket message. The default, 32 KiB, is the smallest
	// default read limit of common client libraries (coder/websocket); a
	// single event larger than it still goes alone.
	MaxFrameBytes int
	// FlushInterval is the least time between two writes of data to one
	// connection: a message after a quiet spell goes out at once, and on a
	// busy stream messages gather for the rest of the interval and go out
	// as one frame. It bounds the latency batching adds; negative disables
	// it (every wake-up writes).
	FlushInterval time.Duration
	// ReadBlock is how long one read of the streams waits for entries (on
	// Redis the XREAD BLOCK timeout): an upper bound on how long Run takes
	// to notice that its context is done.
	ReadBlock time.Duration
	// ReadCount and ReplayChunk bound the entries of one read (per stream)
	// and of each range read of a replay.
	ReadCount   int
	ReplayChunk int

	// MaxConnsPerKey and MaxConnsPerTenant cap this instance's live
	// connections; past them a handshake is answered 429 before the upgrade.
	MaxConnsPerKey    int
	MaxConnsPerTenant int
	// Handshakes rate-limits handshakes per key; nil: no limit.
	Handshakes HandshakeLimiter
	// MaxReplayAge bounds how far back since= may replay: an older cursor
	// starts at now minus MaxReplayAge, after a reset (reason replay_limit).
	MaxReplayAge time.Duration

	// afterReplayRead, when set (by tests), runs after each range read of a
	// replay, so that a test can add entries while a replay is under way.
	afterReplayRead func()
}

// Service is the realtime service of one instance: an http.Handler for
// /ws/{channel}, the stream reader (Run) and the connections' shutdown.
type Service struct {
	log          streams.Streams
	authn        Authenticator
	logger       *slog.Logger
	m            *Metrics
	limits       limits
	writer       writerConfig
	pongWait     time.Duration
	replayChunk  int64
	hub          *hub
	reader       *reader
	upgrader     websocket.Upgrader
	running      atomic.Bool
	admit        *admission
	handshakes   HandshakeLimiter
	maxReplayAge time.Duration
	// afterReplayRead: see Options.
	afterReplayRead func()
}

// New builds a Service; it does no I/O. Serve it at /ws/, call Run in a
// goroutine, and Shutdown when the server stops.
func New(o Options) (*Service, error) {
	if o.Streams == nil || o.Authenticator == nil {
		return nil, errors.New("realtime: Options.Streams and Options.Authenticator are required")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(prometheus.NewRegistry())
	}
	s := &Service{
		log:    o.Streams,
		authn:  o.Authenticator,
		logger: o.Logger,
		m:      o.Metrics,
		limits: limits{
			queueMessages: orDefault(o.QueueMessages, DefaultQueueMessages),
			queueBytes:    orDefault(o.QueueBytes, DefaultQueueBytes),
			replayBuffer:  orDefault(o.ReplayBuffer, DefaultReplayBuffer),
		},
		writer: writerConfig{
			pingInterval:  orDefault(o.PingInterval, PingInterval),
			writeTimeout:  orDefault(o.WriteTimeout, DefaultWriteTimeout),
			maxFrameBytes: orDefault(o.MaxFrameBytes, DefaultMaxFrameBytes),
			flushInterval: flushInterval(o.FlushInterval),
		},
		pongWait:    orDefault(o.PongWait, PongWait),
		replayChunk: int64(orDefault(o.ReplayChunk, DefaultReplayChunk)),
		hub:         newHub(),

		admit:           newAdmission(orDefault(o.MaxConnsPerKey, DefaultMaxConnsPerKey), orDefault(o.MaxConnsPerTenant, DefaultMaxConnsPerTenant)),
		handshakes:      o.Handshakes,
		maxReplayAge:    orDefault(o.MaxReplayAge, DefaultMaxReplayAge),
		afterReplayRead: o.afterReplayRead,
	}
	s.reader = &reader{
		log: o.Streams, hub: s.hub, logger: o.Logger, m: o.Metrics,
		block: orDefault(o.ReadBlock, DefaultReadBlock), count: int64(orDefault(o.ReadCount, DefaultReadCount)),
		ready: make(chan struct{}),
	}
	s.upgrader = websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   readBufferSize,
		WriteBufferSize:  writeBufferSize,
		// Shared: a connection holds a write buffer only while it writes.
		WriteBufferPool: &sync.Pool{},
		// Any origin may connect: keys travel in the Authorization header
		// or access_token, never in cookies, so a page of another origin can
		// connect only with a key it already holds, and there is no ambient
		// credential for cross-site WebSocket hijacking to abuse.
		CheckOrigin:  func(*http.Request) bool { return true },
		Subprotocols: []string{Subprotocol},
		Error:        s.handshakeError,
	}
	return s, nil
}

// Run reads the streams and delivers to this instance's clients until ctx is
// done. Read errors are logged and retried; it returns nil when ctx is done,
// and an error only when called twice.
func (s *Service) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("realtime: Run called twice")
	}
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go s.watchKeys(watchCtx, s.writer.pingInterval)
	if err := s.reader.run(ctx); err != nil {
		return fmt.Errorf("realtime: %w", err)
	}
	return nil
}

// Shutdown sends every client a close frame (1001 going away) after what is
// queued for it, refuses new connections, and waits for the connections to
// end until ctx is done, when it cuts the rest. http.Server.Shutdown does
// not do this: it neither knows nor waits for hijacked connections.
func (s *Service) Shutdown(ctx context.Context) error {
	if err := s.hub.shutdown(ctx, websocket.CloseGoingAway, "server shutting down"); err != nil {
		return fmt.Errorf("realtime: close connections: %w", err)
	}
	return nil
}

// flushInterval applies Options.FlushInterval's rules: 0 is the default,
// negative is none.
func flushInterval(d time.Duration) time.Duration {
	switch {
	case d < 0:
		return 0
	case d == 0:
		return DefaultFlushInterval
	}
	return d
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
