package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/lightwatch/lightwatch/internal/impl/config"
	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
)

// Run is a binary's whole life: open, listen, say where to look, serve until
// ctx is cancelled (SIGTERM), shut down gracefully and close.
func Run(ctx context.Context, cfg config.Config, surfaces Surfaces, logger *slog.Logger, out io.Writer) error {
	a, err := New(ctx, cfg, surfaces, logger, out)
	if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	fmt.Fprint(out, banner(ln.Addr().String(), cfg, surfaces))
	return a.Serve(ctx, ln)
}

func banner(addr string, cfg config.Config, s Surfaces) string {
	host, port, _ := net.SplitHostPort(addr)
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	base := "http://" + net.JoinHostPort(host, port)
	var b strings.Builder
	fmt.Fprintf(&b, "Lightwatch is listening on %s\n", base)
	if s.Ingest {
		fmt.Fprintf(&b, "  ingest:   POST %s/ingest/{logs,metrics,security-events,heartbeats}\n", base)
	}
	if s.API {
		fmt.Fprintf(&b, "  console:  %s/\n", base)
		fmt.Fprintf(&b, "  query:    %s/api/logs (and more)   Swagger UI: %s/api/docs/\n", base, base)
	}
	if s.Realtime {
		fmt.Fprintf(&b, "  live:     ws://%s/ws/{logs,security-events,metrics,alerts}   (go run ./cmd/lightwatch-tail)\n", net.JoinHostPort(host, port))
	}
	fmt.Fprintf(&b, "  health:   %s/healthz  %s/readyz\n  metrics:  %s/metrics\n", base, base, base)
	store := "embedded SQLite in " + cfg.DataDir
	if cfg.MongoURI != "" {
		store = "MongoDB"
	}
	redis := "embedded (in-process)"
	if cfg.RedisURL != "" {
		redis = "external"
	}
	fmt.Fprintf(&b, "  store:    %s\n  redis:    %s\n", store, redis)
	if cfg.BootstrapKey == "" && cfg.MongoURI == "" {
		fmt.Fprintf(&b, "  API key:  export LW_KEY=$(cat %s/%s)\n", cfg.DataDir, BootstrapKeyFile)
	}
	return b.String()
}

// DefaultGCPercent is the GOGC of Lightwatch's binaries unless the GOGC
// environment variable sets one. Ingest allocates a lot per event (decoded
// JSON, events, encodings) that dies within the request; at Go's default of
// 100 the collector took about a tenth of the CPU at 50,000 events/s. 150
// buys back a part of that for about a fifth more heap.
const DefaultGCPercent = 150

// Main is the body of every Lightwatch binary: configuration from flags and
// environment, JSON logs on stderr, SIGINT/SIGTERM for a graceful stop. It
// returns the process exit code. `<binary> healthcheck [flags]` probes the
// instance that the same configuration describes instead (see Healthcheck).
func Main(name string, surfaces Surfaces) int {
	args := os.Args[1:]
	probe := len(args) > 0 && args[0] == HealthcheckCommand
	if probe {
		args = args[1:]
	}
	cfg, err := config.Load(name, args, os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 2
	}
	if probe {
		if err := Healthcheck(context.Background(), cfg.Addr); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			return 1
		}
		fmt.Fprintln(os.Stdout, "ready")
		return 0
	}
	logger := cfg.Logger(os.Stderr).With("service", name)
	redisconn.UseSlog(logger)
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(DefaultGCPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, cfg, surfaces, logger, os.Stdout); err != nil {
		logger.Error("stopped", "err", err)
		return 1
	}
	return 0
}
