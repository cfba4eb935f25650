// Command lightwatch-wsload measures the realtime path end to end: a
// publisher POSTs log events to /ingest/logs at a steady rate, the server
// stores them, appends them to its stream and fans them out, and N WebSocket
// clients subscribed to /ws/logs receive them. Every event carries its
// sequence number and send time, so each client counts what it received and
// what it missed, and the latency from the start of the POST to the moment
// the client read the WebSocket message that held the event (one clock: the
// publisher and the clients are this process).
//
// Scenarios (the targets, 2-core machine):
//
//	fanout100  1,000 clients x 100 events/s (100,000 deliveries/s) for 20 s: every
//	           client receives every event, p99 latency < 65 ms
//	fanout500  1,000 clients x 500 events/s (500,000 deliveries/s) for 20 s: no loss
//	           for clients that keep up
//	idle       10,000 idle subscribed connections held 10 s: server RSS < 600 MB
//	post100    fanout100 with one event per POST (as an application logging
//	           through an SDK sends them): every event delivered, p99 <= 30 ms
//	post500    fanout500 with one event per POST: every event delivered,
//	           p99 <= 200 ms
//	mixed      200 clients following one service at 50 events/s (one per
//	           POST) while another service's batches are ingested at 25,000
//	           events/s (-background): p99 <= 250 ms, nothing missed
//
// By default each scenario gets a server of its own (-server-bin, or `go
// build` of ./cmd/lightwatch when that is empty) on a free port of 127.0.0.1
// with a temp data directory, a generated bootstrap key and rate limiting
// off, so that its peak memory (VmHWM) is the scenario's. With -url it
// measures a running server (loopback only) with -key or $LW_KEY, which needs
// the ingest and read scopes.
//
//	go build -o bin/lightwatch ./cmd/lightwatch
//	go run ./cmd/lightwatch-wsload -server-bin bin/lightwatch              # all three
//	go run ./cmd/lightwatch-wsload -server-bin bin/lightwatch -scenario idle -clients 2000
//	go run ./cmd/lightwatch-wsload -url http://127.0.0.1:8080 -key $LW_KEY -scenario fanout100
//
// The open-files limit is raised to its hard limit (the spawned server
// inherits it); both this process and the server hold one descriptor per
// client. It exits 1 when a client of a fanout scenario lost events, a
// client could not connect, the publisher got an answer other than 202, or
// an idle client did not receive the probe event sent after the hold; 2 on
// bad flags. The targets are printed as met or MISSED.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/loadtest"
)

// The targets.
const (
	targetP99        = 65 * time.Millisecond
	targetIdleRSS    = 600 << 20
	exitFailure      = 1
	exitUsage        = 2
	maxClients       = 20000
	fdHeadroom       = 256 // the publisher's connections, the server's store, logs...
	readyTimeout     = 60 * time.Second
	serverStopWait   = 45 * time.Second
	defaultDuration  = 20 * time.Second
	defaultWarmup    = 2 * time.Second
	defaultHold      = 10 * time.Second
	defaultInterval  = 10 * time.Millisecond
	defaultDrain     = 5 * time.Second
	defaultParallel  = 64
	idleProbeTimeout = 10 * time.Second
)

type scenario struct {
	name    string
	clients int
	rate    int // events/s; 0: idle
	preset  bool
	// perPost sends each event in a POST of its own, paced at rate, instead
	// of every interval's events in one batch.
	perPost bool
	// background, when not 0, is a batch ingest of another service (events/s,
	// a batch every interval) running beside the publishing: the clients
	// follow only their own service.
	background int
}

func (s scenario) idle() bool { return s.rate == 0 }

var presets = []scenario{
	{name: "fanout100", clients: 1000, rate: 100, preset: true},
	{name: "fanout500", clients: 1000, rate: 500, preset: true},
	{name: "idle", clients: 10000, preset: true},
	{name: "post100", clients: 1000, rate: 100, preset: true, perPost: true},
	{name: "post500", clients: 1000, rate: 500, preset: true, perPost: true},
	{name: "mixed", clients: 200, rate: 50, preset: true, perPost: true, background: defaultBackground},
}

// defaultBackground is the mixed scenario's batch ingest: half of the
// 50,000 events/s batch capacity the ingest targets on 2 cores.
const defaultBackground = 25000

// Targets of the one-event-per-POST scenarios (issue 16).
const (
	targetPost100P99 = 30 * time.Millisecond
	targetPost500P99 = 200 * time.Millisecond
	targetMixedP99   = 250 * time.Millisecond
)

type options struct {
	url, serverBin, key    string
	scenario               string
	clients, rate          int
	background             int
	duration, warmup, hold time.Duration
	interval, drain        time.Duration
	parallel               int
	keep                   bool
	cpuProfile             string
	serverEnv              multiFlag
	setClients, setRate    bool
	setDuration, setHold   bool
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("lightwatch-wsload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "", "base URL of a running server (loopback only); empty: spawn one per scenario")
	fs.StringVar(&o.serverBin, "server-bin", "", "built cmd/lightwatch binary to spawn; empty (and no -url): go build it into a temp dir")
	fs.StringVar(&o.key, "key", "", "API key with the ingest and read scopes; with -url defaults to $LW_KEY; when spawning one is generated")
	fs.StringVar(&o.scenario, "scenario", "all", "fanout100, fanout500, idle, post100, post500, mixed or all (each in turn)")
	fs.IntVar(&o.clients, "clients", 0, "WebSocket clients (overrides the scenario's)")
	fs.IntVar(&o.background, "background", defaultBackground, "events/s of the mixed scenario's batch ingest of another service")
	fs.IntVar(&o.rate, "rate", 0, "events/s published, each delivered to every client (overrides a fanout scenario's)")
	fs.DurationVar(&o.duration, "duration", defaultDuration, "measured publishing time of a fanout scenario")
	fs.DurationVar(&o.warmup, "warmup", defaultWarmup, "publishing before the measurement (its events count for loss, not for latency)")
	fs.DurationVar(&o.hold, "hold", defaultHold, "how long the idle scenario holds its connections")
	fs.DurationVar(&o.interval, "interval", defaultInterval, "the publisher sends a batch every interval")
	fs.DurationVar(&o.drain, "drain", defaultDrain, "longest wait after the last POST for the clients to receive everything")
	fs.IntVar(&o.parallel, "dial-parallel", defaultParallel, "connections opened at once")
	fs.BoolVar(&o.keep, "keep", false, "keep the spawned servers' temp directories (data, log)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write this load generator's CPU profile (all scenarios) to the file")
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
		case "rate":
			o.setRate = true
		case "duration":
			o.setDuration = true
		case "hold":
			o.setHold = true
		}
	})
	scs, err := resolveScenarios(o)
	if err == nil {
		err = checkOptions(&o)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lightwatch-wsload: %v\n", err)
		return exitUsage
	}
	need := 0
	for _, sc := range scs {
		need = max(need, sc.clients)
	}
	if _, err := raiseFDLimit(uint64(need + fdHeadroom)); err != nil {
		fmt.Fprintf(stderr, "lightwatch-wsload: %v\n", err)
		return exitFailure
	}

	if o.cpuProfile != "" {
		pf, err := os.Create(o.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(pf)
		}
		if err != nil {
			fmt.Fprintf(stderr, "lightwatch-wsload: -cpuprofile: %v\n", err)
			return exitFailure
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = pf.Close()
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	f, err := newFactory(ctx, &o, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "lightwatch-wsload: %v\n", err)
		return exitFailure
	}
	defer f.close()

	code := 0
	for i, sc := range scs {
		if ctx.Err() != nil {
			break
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		res, err := runOne(ctx, f, sc, o, stdout)
		if err != nil {
			fmt.Fprintf(stderr, "lightwatch-wsload: scenario %s: %v\n", sc.name, err)
			return exitFailure
		}
		res.print(stdout)
		if !res.ok() {
			code = exitFailure
		}
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "lightwatch-wsload: interrupted")
		return exitFailure
	}
	return code
}

// runOne sets up the scenario's target, runs it and stops the target.
func runOne(ctx context.Context, f *factory, sc scenario, o options, stdout io.Writer) (res *result, err error) {
	t, err := f.target(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "target       %s\n", t.desc)
	defer func() { err = errors.Join(err, t.cleanup()) }()
	return runScenario(ctx, t, sc, o)
}

func checkOptions(o *options) error {
	if o.duration <= 0 || o.warmup < 0 || o.hold <= 0 || o.interval <= 0 || o.drain < 0 || o.parallel < 1 {
		return errors.New("-duration, -hold, -interval and -dial-parallel must be positive, -warmup and -drain not negative")
	}
	if o.interval > time.Second {
		return errors.New("-interval: at most 1s")
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
			return errors.New("-url needs -key (or $LW_KEY): an API key with the ingest and read scopes")
		}
	}
	return nil
}

// resolveScenarios picks the runs; -clients and -rate override the presets
// (and their targets then no longer apply), as do a -duration or -hold other
// than the issue's.
func resolveScenarios(o options) ([]scenario, error) {
	var scs []scenario
	switch o.scenario {
	case "all":
		scs = append(scs, presets...)
	default:
		for _, p := range presets {
			if p.name == o.scenario {
				scs = []scenario{p}
			}
		}
		if scs == nil {
			return nil, fmt.Errorf("-scenario %q: want fanout100, fanout500, idle, post100, post500, mixed or all", o.scenario)
		}
	}
	for i := range scs {
		sc := &scs[i]
		if o.setClients && o.clients != sc.clients {
			sc.clients, sc.preset = o.clients, false
		}
		if o.setRate && !sc.idle() && o.rate != sc.rate {
			sc.rate, sc.preset = o.rate, false
		}
		if (sc.idle() && o.setHold && o.hold != defaultHold) || (!sc.idle() && o.setDuration && o.duration != defaultDuration) {
			sc.preset = false
		}
		if sc.background > 0 && o.background > 0 && o.background != sc.background {
			sc.background, sc.preset = o.background, false
		}
		if sc.clients < 1 || sc.clients > maxClients {
			return nil, fmt.Errorf("-clients %d: want 1..%d", sc.clients, maxClients)
		}
		if !sc.idle() && (sc.rate < 1 || sc.rate > 100000) {
			return nil, fmt.Errorf("-rate %d: want 1..100000", sc.rate)
		}
	}
	if o.setRate && len(scs) == 1 && scs[0].idle() {
		return nil, errors.New("-rate: the idle scenario publishes nothing")
	}
	return scs, nil
}
