// Command lightwatch-agent ships log lines to Lightwatch: it follows files
// like `tail -F` (or reads standard input) and sends every line to
// POST /ingest/logs as a log event of one service, in gzip batches, with
// client-side event ids so that retries never store a line twice. It retries
// 429 and 503 after their Retry-After and network errors with backoff, and on
// SIGTERM or Ctrl-C it reads its sources to their end and sends everything
// before it exits. Every setting is a flag and an environment variable (the
// flag wins); see the README's agent section.
//
//	lightwatch-agent -service checkout /var/log/checkout/app.log
//	my-app 2>&1 | lightwatch-agent -service my-app -level warn
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/logship"
)

// setting is one flag and its environment variable.
type setting struct {
	flag, env, def, usage string
}

// settings are every setting of the agent; the README's table lists them (a test checks).
func settings() []setting {
	host, _ := os.Hostname()
	return []setting{
		{"url", "LW_URL", "http://localhost:8080", "Lightwatch base URL"},
		{"key", "LW_KEY", "", "API key with the ingest scope (required)"},
		{"service", "LW_SERVICE", "", "service name of every event (required)"},
		{"host", "LW_HOST", host, "host of every event (default: this machine's name)"},
		{"level", "LW_LEVEL", "info", "level of lines whose text states none (ERROR, level=warn, a JSON \"level\" are detected): trace, debug, info, warn, error or fatal"},
		{"from-start", "LW_FROM_START", "false", "ship what the files already hold at start, not only what is appended"},
		{"poll", "LW_POLL", "250ms", "how often files are checked for new lines, truncation and rotation"},
		{"state-file", "LW_STATE_FILE", "", "file that keeps how far each file was shipped, so that a restart goes on from there"},
		{"batch-size", "LW_BATCH_SIZE", "1000", "most lines in one request (1 to 10000)"},
		{"batch-bytes", "LW_BATCH_BYTES", "1048576", "most bytes of JSON in one request, before gzip"},
		{"flush-interval", "LW_FLUSH_INTERVAL", "1s", "longest a line waits for its batch to fill"},
		{"request-timeout", "LW_REQUEST_TIMEOUT", "30s", "longest one request may take"},
		{"shutdown-timeout", "LW_SHUTDOWN_TIMEOUT", "30s", "after SIGTERM, how long unsent lines are retried before they are given up"},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop) // a second signal kills at once
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stderr))
}

// run is the command without the process around it: it returns the exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stderr io.Writer) int {
	cfg, err := parse(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "lightwatch-agent:", err)
		return 2
	}
	cfg.Stdin = stdin
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, "lightwatch-agent:", err)
		return 2
	}
	log.Info("shipping", "url", cfg.URL, "service", cfg.Service, "files", len(cfg.Files))
	res, err := logship.Run(ctx, cfg, log)
	log.Info("stopped", "sent", res.Sent, "batches", res.Batches, "retries", res.Retries, "dropped", res.Dropped)
	if err != nil {
		log.Error("agent failed", "err", err)
		return 1
	}
	return 0
}

// value is a setting's flag.Value: its text, converted after parsing so that
// a bad value of a variable is reported like one of a flag.
type value struct {
	s      string
	isBool bool
}

func (v *value) String() string     { return v.s }
func (v *value) Set(s string) error { v.s = s; return nil }
func (v *value) IsBoolFlag() bool   { return v.isBool }

// parse reads the settings: a flag wins over its variable, the variable over
// the default. The arguments are the files to follow; none or "-" is stdin.
func parse(args []string, getenv func(string) string, stderr io.Writer) (logship.Config, error) {
	fs := flag.NewFlagSet("lightwatch-agent", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: lightwatch-agent [flags] [file ...]   (no file or \"-\": standard input)")
		fs.PrintDefaults()
	}
	vals := map[string]*string{}
	for _, s := range settings() {
		v := &value{s: s.def, isBool: s.def == "false"}
		if e := getenv(s.env); e != "" {
			v.s = e
		}
		fs.Var(v, s.flag, s.usage+" ($"+s.env+")")
		vals[s.flag] = &v.s
	}
	if err := fs.Parse(args); err != nil {
		return logship.Config{}, err
	}
	var errs []error
	num := func(name string) int {
		n, err := strconv.Atoi(*vals[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("-%s: %w", name, err))
		}
		return n
	}
	dur := func(name string) time.Duration {
		d, err := time.ParseDuration(*vals[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("-%s: %w", name, err))
		}
		return d
	}
	fromStart, err := strconv.ParseBool(*vals["from-start"])
	if err != nil {
		errs = append(errs, fmt.Errorf("-from-start: %w", err))
	}
	cfg := logship.Config{
		URL: *vals["url"], Key: *vals["key"], Service: *vals["service"], Host: *vals["host"], Level: *vals["level"],
		FromStart: fromStart, Poll: dur("poll"), StateFile: *vals["state-file"],
		BatchSize: num("batch-size"), BatchBytes: num("batch-bytes"), FlushInterval: dur("flush-interval"),
		RequestTimeout: dur("request-timeout"), ShutdownTimeout: dur("shutdown-timeout"),
	}
	for _, f := range fs.Args() {
		if f != "-" {
			cfg.Files = append(cfg.Files, f)
		}
	}
	return cfg, errors.Join(errs...)
}
