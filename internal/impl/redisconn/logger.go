package redisconn

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
)

// UseSlog routes go-redis's own log lines (pool dial failures and the like),
// which it otherwise prints unstructured to stderr, into logger. go-redis keeps
// its logger in a package variable, so only a binary's main should call this.
func UseSlog(logger *slog.Logger) {
	redis.SetLogger(slogPrintf{logger.With("component", "go-redis")})
}

type slogPrintf struct{ l *slog.Logger }

func (s slogPrintf) Printf(ctx context.Context, format string, v ...any) {
	s.l.WarnContext(ctx, fmt.Sprintf(format, v...))
}
