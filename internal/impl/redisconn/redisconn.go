// Package redisconn opens the Redis client that Lightwatch's streams, rate
// limits and alerting coordination share. With no URL configured it embeds a
// miniredis server, so that `make run` and a single-binary install need no
// external service. In that embedded default only alerting's coordination
// (rule leases, nudges over pub/sub, handed-over notifications: a few
// commands a second) goes to it; the hot path does not: the streams are the
// in-process log of package streams and rate limits count in process.
//
// The embedded server is for development and small single-instance installs:
// it keeps everything in memory, loses it on restart, cannot be shared by
// several ingest instances, and expires keys with a TTL up to a second late
// (see expiryInterval). Production deployments set a URL.
package redisconn

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// pingTimeout bounds the start-up PING, so that a wrong address fails the
// start instead of hanging it.
const pingTimeout = 5 * time.Second

// Connect returns a client that answered PING, and a stop func that closes
// it (and the embedded server, if any). stop is safe to call more than once.
//
// An empty rawURL starts an embedded miniredis on 127.0.0.1 and a free port.
// A redis-sentinel:// or rediss-sentinel:// URL (see parseSentinelURL) gives
// a client that asks Redis Sentinel for the master and follows its failovers:
// the same *redis.Client type, so every user of Redis follows them alike.
// Otherwise rawURL is a go-redis URL (redis://, rediss:// or unix://). Errors
// never include the URL, which may carry a password.
//
// The client has ContextTimeoutEnabled set: go-redis otherwise ignores context
// deadlines on socket reads and writes and waits out its own Read/WriteTimeout
// (3 s by default), so a caller's deadline would not bound a call.
func Connect(ctx context.Context, rawURL string, logger *slog.Logger) (*redis.Client, func(), error) {
	if logger == nil {
		logger = slog.Default()
	}
	switch {
	case rawURL == "":
		return connectEmbedded(ctx, logger)
	case isSentinelURL(rawURL):
		return connectSentinel(ctx, rawURL, logger)
	}
	return connectURL(ctx, rawURL, logger)
}

func connectSentinel(ctx context.Context, rawURL string, logger *slog.Logger) (*redis.Client, func(), error) {
	opts, err := parseSentinelURL(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("redisconn: parse redis sentinel URL: %w", err)
	}
	opts.ContextTimeoutEnabled = true
	client := redis.NewFailoverClient(opts)
	where := fmt.Sprintf("master %q via sentinels %s", opts.MasterName, strings.Join(opts.SentinelAddrs, ","))
	if err := ping(ctx, client); err != nil {
		_ = client.Close()
		return nil, nil, fmt.Errorf("redisconn: connect to redis %s: %w", where, err)
	}
	logger.InfoContext(ctx, "connected to redis through sentinel", "master", opts.MasterName,
		"sentinels", opts.SentinelAddrs, "db", opts.DB)
	stop := sync.OnceFunc(func() {
		if err := client.Close(); err != nil {
			logger.Warn("closing redis client", "master", opts.MasterName, "err", err)
		}
	})
	return client, stop, nil
}

func connectURL(ctx context.Context, rawURL string, logger *slog.Logger) (*redis.Client, func(), error) {
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		// A *url.Error quotes the whole URL, password included: keep only its cause.
		if uerr, ok := errors.AsType[*url.Error](err); ok {
			err = uerr.Err
		}
		return nil, nil, fmt.Errorf("redisconn: parse redis URL: %w", err)
	}
	opts.ContextTimeoutEnabled = true
	client := redis.NewClient(opts)
	if err := ping(ctx, client); err != nil {
		_ = client.Close()
		return nil, nil, fmt.Errorf("redisconn: connect to redis at %s: %w", opts.Addr, err)
	}
	logger.InfoContext(ctx, "connected to redis", "addr", opts.Addr, "db", opts.DB)
	stop := sync.OnceFunc(func() {
		if err := client.Close(); err != nil {
			logger.Warn("closing redis client", "addr", opts.Addr, "err", err)
		}
	})
	return client, stop, nil
}

func connectEmbedded(ctx context.Context, logger *slog.Logger) (*redis.Client, func(), error) {
	srv := miniredis.NewMiniRedis()
	// Loopback only: the embedded server has no authentication.
	if err := srv.StartAddr("127.0.0.1:0"); err != nil {
		return nil, nil, fmt.Errorf("redisconn: start embedded miniredis: %w", err)
	}
	client := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	if err := ping(ctx, client); err != nil {
		_ = client.Close()
		srv.Close()
		return nil, nil, fmt.Errorf("redisconn: connect to embedded miniredis at %s: %w", srv.Addr(), err)
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go ageTTLs(srv, expiryInterval, done, finished)
	logger.WarnContext(ctx, "no redis URL configured: using embedded in-memory miniredis; "+
		"streams and rate-limit counters are lost on restart and not shared between instances",
		"addr", srv.Addr())
	stop := sync.OnceFunc(func() {
		if err := client.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
			logger.Warn("closing redis client", "addr", srv.Addr(), "err", err)
		}
		close(done)
		<-finished
		srv.Close()
	})
	return client, stop, nil
}

func ping(ctx context.Context, client *redis.Client) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}
