// Package logship is the log agent behind cmd/lightwatch-agent: it follows
// files (or reads standard input), and ships their lines to a Lightwatch
// server's POST /ingest/logs with the generated Go client, in gzip batches
// with client-side event ids, retrying without loss or duplicates, and
// flushing everything read before it stops.
package logship

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/lightwatch/lightwatch/internal/gen/sdk/go/ingestclient"
)

// Config is what the agent ships and how.
type Config struct {
	URL, Key string
	// Service, Host and Level are the same on every event.
	Service, Host, Level string
	// Files are followed; none means Stdin is read until its end.
	Files     []string
	Stdin     io.Reader
	FromStart bool
	Poll      time.Duration
	// StateFile, if set, keeps how far each file has been shipped, so that a
	// restarted agent goes on from there (see Positions).
	StateFile string

	BatchSize       int
	BatchBytes      int
	FlushInterval   time.Duration
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration
	// NewBackOff overrides the retry backoff (tests); see Shipper.
	NewBackOff func() backoff.BackOff
}

// MaxBatch is the most events the ingest contract takes in one request.
const MaxBatch = 10000

// maxBody is the ingest contract's largest request (5 MiB), compressed or not.
const maxBody = 5 << 20

// serviceName is the contract's pattern of service names.
var serviceName = regexp.MustCompile(`^[^\s]{1,128}$`)

// Validate says which setting is wrong, before anything is shipped.
func (c Config) Validate() error {
	var errs []error
	if c.URL == "" {
		errs = append(errs, errors.New("url: missing"))
	}
	if len(c.Files) == 0 && c.Stdin == nil {
		errs = append(errs, errors.New("no files and no standard input"))
	}
	if c.Key == "" {
		errs = append(errs, errors.New("key: missing (an API key with the ingest scope)"))
	}
	if !serviceName.MatchString(c.Service) {
		errs = append(errs, fmt.Errorf("service %q: want 1 to 128 characters without spaces", c.Service))
	}
	if len(c.Host) > 255 {
		errs = append(errs, errors.New("host: longer than 255 characters"))
	}
	if !validLevel(c.Level) {
		errs = append(errs, fmt.Errorf("level %q: want trace, debug, info, warn, error or fatal", c.Level))
	}
	if c.BatchSize < 1 || c.BatchSize > MaxBatch {
		errs = append(errs, fmt.Errorf("batch-size %d: want 1 to %d", c.BatchSize, MaxBatch))
	}
	if c.BatchBytes < MaxLine*2 || c.BatchBytes > maxBody {
		errs = append(errs, fmt.Errorf("batch-bytes %d: want %d to %d", c.BatchBytes, MaxLine*2, maxBody))
	}
	if c.FlushInterval <= 0 || c.ShutdownTimeout <= 0 || c.RequestTimeout <= 0 {
		errs = append(errs, errors.New("flush-interval, request-timeout and shutdown-timeout: want positive durations"))
	}
	return errors.Join(errs...)
}

func validLevel(l string) bool {
	switch ingestclient.LogEventLevel(l) {
	case ingestclient.LogEventLevelTrace, ingestclient.LogEventLevelDebug, ingestclient.LogEventLevelInfo,
		ingestclient.LogEventLevelWarn, ingestclient.LogEventLevelWarning, ingestclient.LogEventLevelError,
		ingestclient.LogEventLevelFatal, ingestclient.LogEventLevelCritical:
		return true
	}
	return false
}

// Result is what a run did.
type Result struct {
	Stats
	Dropped int // lines read but not shipped (the server refused them, or the shutdown timeout passed)
}

// Run ships until ctx ends, then stops reading: files are read to their
// current end and stdin while data keeps coming, and every line read is
// sent. Sending may go on for ShutdownTimeout after ctx ends; lines not
// acknowledged by then are dropped and counted. Run returns early, with an
// error, when the server refuses a batch for good (a bad key: 401, 403).
func Run(ctx context.Context, cfg Config, log *slog.Logger) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	client, err := ingestclient.NewClient(strings.TrimSuffix(cfg.URL, "/"),
		ingestclient.WithHTTPClient(&http.Client{Timeout: cfg.RequestTimeout}),
		ingestclient.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("Authorization", "Bearer "+cfg.Key)
			req.Header.Set("User-Agent", "lightwatch-agent")
			return nil
		}))
	if err != nil {
		return Result{}, fmt.Errorf("client: %w", err)
	}

	// Sending outlives ctx by the shutdown timeout at most.
	sendCtx, abort := context.WithCancel(context.WithoutCancel(ctx))
	defer abort()
	stopTimer := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(cfg.ShutdownTimeout, abort)
		context.AfterFunc(sendCtx, func() { t.Stop() })
	})
	defer stopTimer()

	var state *Positions
	if cfg.StateFile != "" {
		if state, err = LoadPositions(cfg.StateFile); err != nil {
			return Result{}, err
		}
	}

	srcCtx, stopSources := context.WithCancel(ctx)
	defer stopSources()
	lines := make(chan Line, cfg.BatchSize)
	srcErr := runSources(srcCtx, cfg, state, lines, log)

	sh := &Shipper{Client: client, Service: cfg.Service, Host: cfg.Host, Level: ingestclient.LogEventLevel(cfg.Level),
		MaxEvents: cfg.BatchSize, MaxBytes: cfg.BatchBytes, FlushInterval: cfg.FlushInterval, NewBackOff: cfg.NewBackOff, Log: log}
	if state != nil {
		sh.Acked = func(ends map[string]Position) {
			if err := state.Advance(ends); err != nil {
				log.Warn("positions not saved: a restart may ship lines again", "err", err)
			}
		}
	}
	st, shipErr := sh.Run(sendCtx, lines)
	res := Result{Stats: st}
	if shipErr != nil {
		stopSources()
		for range lines { // let the sources finish
			res.Dropped++
		}
	}
	return res, errors.Join(shipErr, <-srcErr)
}

// runSources starts a reader per file (or stdin) and closes out when all are
// done; the returned channel then holds their errors.
func runSources(ctx context.Context, cfg Config, state *Positions, out chan<- Line, log *slog.Logger) <-chan error {
	var runs []func() error
	for _, path := range cfg.Files {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs // the state's key, and the events' log.file, whatever the working directory
		}
		t := Tail{Path: path, FromStart: cfg.FromStart, Poll: cfg.Poll}
		if state != nil {
			if pos, ok := state.Get(path); ok {
				t.Resume = &pos
			}
		}
		runs = append(runs, func() error { return t.Run(ctx, out) })
	}
	if len(cfg.Files) == 0 {
		r := Reader{R: cfg.Stdin, Source: "-", Grace: 200 * time.Millisecond}
		runs = append(runs, func() error { return r.Run(ctx, out) })
	}
	var wg sync.WaitGroup
	errs := make([]error, len(runs))
	for i, run := range runs {
		wg.Go(func() {
			if errs[i] = run(); errs[i] != nil {
				log.Error("source failed", "err", errs[i])
			}
		})
	}
	done := make(chan error, 1)
	go func() {
		wg.Wait()
		close(out)
		done <- errors.Join(errs...)
	}()
	return done
}
