// Command lightwatch-load measures the ingest write path end to end through
// real HTTP: concurrent clients POST pre-encoded log batches to /ingest/logs
// for a fixed duration, and it reports throughput, latency percentiles,
// non-202 answers and the server's resident memory.
//
// By default it spawns the server itself (-server-bin, or `go build` of
// ./cmd/lightwatch when that is empty) on a free port of 127.0.0.1 with a temp
// data directory, a generated bootstrap key and rate limiting on (a limit far
// above the offered load: every request is counted, none refused), and stops it
// with SIGTERM at the end. With -url it measures a server that is already
// running (loopback only) using -key or $LW_KEY.
//
//	go build -o bin/lightwatch ./cmd/lightwatch
//	go run ./cmd/lightwatch-load -server-bin bin/lightwatch              # both scenarios, 20s each
//	go run ./cmd/lightwatch-load -server-bin bin/lightwatch -scenario single -gzip
//	go run ./cmd/lightwatch-load -url http://127.0.0.1:8080 -key $LW_KEY -clients 4 -batch 1000
//
// It exits 1 when any answer is not 202 other than 429/503 (those are counted
// and printed, and the client honours their Retry-After and resends the same
// batch, whose event ids make the retry idempotent), or on transport errors.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/loadtest"
)

// Issue targets (embedded default on a 2-core machine), printed next to the figures.
const (
	targetBatchEventsPerSec = 50000
	targetSingleReqPerSec   = 5000
	targetRSSBytes          = 300 << 20
	// Issue 16: 32 clients of single events, rate limiting on.
	targetSingle32ReqPerSec = 12000
	targetSingle32P99       = 15 * time.Millisecond
)

const (
	defaultClients   = 8
	defaultBatch     = 500
	singleClients    = 64
	single32Clients  = 32 // issue 16's single-event scenario
	defaultDuration  = 20 * time.Second
	defaultWarmup    = 3 * time.Second
	maxClients       = 9999
	maxBatch         = 10000 // the API's per-request limit
	requestGrace     = 15 * time.Second
	readyTimeout     = 60 * time.Second
	endpointPath     = "/ingest/logs"
	metricsRSSSample = loadtest.MetricsRSSSample
	exitFailure      = 1
	exitUsage        = 2

	rateLimitNote         = "rate limiting on in the spawned server, as by default, with a limit above the offered load (LIGHTWATCH_RATE_LIMIT=" + loadtest.SpawnRateLimit + "): every request is counted, none refused"
	rateLimitNoteExternal = "rate limiting as configured on the target: 429 answers are counted (not failures) and honoured with Retry-After"
)

type options struct {
	url, serverBin, key string
	clients, batch      int
	duration, warmup    time.Duration
	gzip, ndjson, keep  bool
	scenario            string
	serverEnv           multiFlag
	setClients          bool
	setBatch            bool
	setScenario         bool
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("lightwatch-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "base URL of a running server (loopback only); empty: spawn one")
	fs.StringVar(&o.serverBin, "server-bin", "", "built cmd/lightwatch binary to spawn; empty (and no -url): go build it into the temp dir")
	fs.StringVar(&o.key, "key", "", "API key with the ingest scope; with -url defaults to $LW_KEY; when spawning a key is generated")
	fs.IntVar(&o.clients, "clients", defaultClients, "concurrent clients (overrides the scenario's)")
	fs.IntVar(&o.batch, "batch", defaultBatch, "events per request (overrides the scenario's)")
	fs.DurationVar(&o.duration, "duration", defaultDuration, "measured duration of each scenario")
	fs.DurationVar(&o.warmup, "warmup", defaultWarmup, "warm-up before each scenario's measurement (excluded from the figures)")
	fs.BoolVar(&o.gzip, "gzip", false, "send bodies with Content-Encoding: gzip")
	fs.BoolVar(&o.ndjson, "ndjson", false, "send application/x-ndjson instead of a JSON array")
	fs.StringVar(&o.scenario, "scenario", "all", "batch (8 clients x 500 events), single (64 clients x 1 event), single32 (32 clients x 1 event), all (the three, one server), custom (-clients x -batch; implied when only those are set)")
	fs.BoolVar(&o.keep, "keep", false, "keep the spawned server's temp directory (data, log)")
	fs.Var(&o.serverEnv, "server-env", "extra NAME=VALUE for the spawned server (repeatable); inherited LIGHTWATCH_* variables are not passed on")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitUsage
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "clients":
			o.setClients = true
		case "batch":
			o.setBatch = true
		case "scenario":
			o.setScenario = true
		}
	})
	scs, err := resolveScenarios(o)
	if err == nil {
		err = checkOptions(&o)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lightwatch-load: %v\n", err)
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	t, cleanup, err := setUpTarget(ctx, &o, stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "lightwatch-load: %v\n", err)
		return exitFailure
	}
	code := 0
	defer func() {
		if err := cleanup(); err != nil {
			fmt.Fprintf(stderr, "lightwatch-load: %v\n", err)
		}
	}()

	client := newHTTPClient(maxClientsOf(scs))
	defer client.CloseIdleConnections()
	for i, sc := range scs {
		if ctx.Err() != nil {
			break
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		res, err := runScenario(ctx, client, t, sc, o)
		if err != nil {
			fmt.Fprintf(stderr, "lightwatch-load: scenario %s: %v\n", sc.name, err)
			return exitFailure
		}
		res.print(stdout)
		if !res.ok() {
			code = exitFailure
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "lightwatch-load: interrupted")
		return exitFailure
	}
	if err := t.reportDisk(ctx, stdout); err != nil {
		fmt.Fprintf(stderr, "lightwatch-load: disk use: %v\n", err)
		return exitFailure
	}
	return code
}

func checkOptions(o *options) error {
	if o.duration <= 0 || o.warmup < 0 {
		return errors.New("-duration must be positive and -warmup not negative")
	}
	if o.url != "" {
		if err := loadtest.CheckLoopback(o.url); err != nil {
			return err
		}
		o.url = strings.TrimRight(o.url, "/")
		if o.key == "" {
			o.key = os.Getenv("LW_KEY")
		}
		if o.key == "" {
			return errors.New("-url needs -key (or $LW_KEY): an API key with the ingest scope")
		}
	}
	return nil
}

type scenario struct {
	name           string
	clients, batch int
	preset         bool // the scenario as stated: its target applies
}

// resolveScenarios turns -scenario, -clients and -batch into the runs to do.
// -clients/-batch set explicitly override every chosen scenario; set without
// -scenario they mean one custom run.
func resolveScenarios(o options) ([]scenario, error) {
	name := o.scenario
	if !o.setScenario && (o.setClients || o.setBatch) {
		name = "custom"
	}
	var scs []scenario
	switch name {
	case "batch":
		scs = []scenario{{"batch", defaultClients, defaultBatch, true}}
	case "single":
		scs = []scenario{{"single", singleClients, 1, true}}
	case "single32":
		scs = []scenario{{"single32", single32Clients, 1, true}}
	case "all":
		scs = []scenario{{"batch", defaultClients, defaultBatch, true}, {"single", singleClients, 1, true}, {"single32", single32Clients, 1, true}}
	case "custom":
		scs = []scenario{{"custom", o.clients, o.batch, false}}
	default:
		return nil, fmt.Errorf("-scenario %q: want batch, single, single32, all or custom", o.scenario)
	}
	for i := range scs {
		if o.setClients && scs[i].clients != o.clients {
			scs[i].clients, scs[i].preset = o.clients, false
		}
		if o.setBatch && scs[i].batch != o.batch {
			scs[i].batch, scs[i].preset = o.batch, false
		}
		if c := scs[i].clients; c < 1 || c > maxClients {
			return nil, fmt.Errorf("-clients %d: want 1..%d", c, maxClients)
		}
		if b := scs[i].batch; b < 1 || b > maxBatch {
			return nil, fmt.Errorf("-batch %d: want 1..%d (the API's per-request limit)", b, maxBatch)
		}
	}
	return scs, nil
}

func maxClientsOf(scs []scenario) int {
	n := 1
	for _, sc := range scs {
		n = max(n, sc.clients)
	}
	return n
}

func newHTTPClient(clients int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil, // loopback only; never through a proxy from the environment
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * clients,
		MaxIdleConnsPerHost: clients,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: tr}
}
