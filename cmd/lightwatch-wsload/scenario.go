package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/loadtest"
)

const (
	// Buffers of a client: gorilla's read buffer and the one a WebSocket
	// message is read into (it grows to the largest message, at most the
	// server's 32 KiB frame bound). Idle clients get small ones.
	fanoutReadBuf = 4 << 10
	idleReadBuf   = 1 << 10
	fanoutMsgBuf  = 32 << 10
	idleMsgBuf    = 512
	closeWait     = 10 * time.Second
)

type result struct {
	sc          scenario
	o           options
	url         string
	spawned     bool
	connected   int
	connectTime time.Duration
	connectErrs map[string]int

	// publisher
	published, measuredPublished int
	requests                     int
	ingest                       histogram
	statuses                     map[int]int
	pubErrors                    map[string]int
	sample                       string
	drainTime                    time.Duration
	drained                      bool

	// clients
	lat                  histogram
	measured             int64
	recvMin, recvMax     int64
	dups, outOfRange     int64
	unparsed, other      int64
	lost                 int64
	lostClients          int
	lostNoLag            int64
	lostNoLagClients     int
	lagged, dropped      int64
	laggedClients        int
	resets, errs         int64
	frames               int64
	readErrs             map[string]int
	probeMissing         int
	genRSS, genHWM       int64
	cpu                  cpuSnap
	span                 time.Duration
	cpuKnown             bool
	rssPeak, rssEnd, hwm int64
	rssSamples           int
	rssErr               error
	bg                   *publisher // the mixed scenario's batch ingest
}

func runScenario(ctx context.Context, t *target, sc scenario, o options) (*result, error) {
	var runID [4]byte
	_, _ = rand.Read(runID[:])
	service := "wsload-" + hex.EncodeToString(runID[:])
	res := &result{sc: sc, o: o, spawned: t.spawned, connectErrs: map[string]int{}, readErrs: map[string]int{},
		url: "/ws/logs?service=" + service}

	total := 1 // the idle scenario's probe
	if !sc.idle() {
		total = int(math.Ceil(float64(sc.rate) * (o.warmup + o.duration).Seconds()))
	}
	win := &window{}
	win.from.Store(math.MaxInt64)
	win.to.Store(math.MaxInt64)

	// Sample the server's memory every second while the scenario runs.
	sampler := loadtest.SampleRSS(ctx, t.rss, time.Second)
	defer sampler.Stop()

	// Connect everyone and wait until each is subscribed.
	readBuf, msgBuf := fanoutReadBuf, fanoutMsgBuf
	if sc.idle() {
		readBuf, msgBuf = idleReadBuf, idleMsgBuf
	}
	wsBase := "ws" + strings.TrimPrefix(t.base, "http")
	connectStart := time.Now()
	cctx, cancelConnect := context.WithTimeout(ctx, 30*time.Second+time.Duration(sc.clients)*5*time.Millisecond)
	clients := connectAll(cctx, dialer(readBuf), wsBase+res.url, t.key, sc.clients, o.parallel, win, total, !sc.idle(), msgBuf, res.connectErrs)
	for _, c := range clients {
		select {
		case <-c.subscribed:
		case <-c.done:
		case <-cctx.Done():
		}
	}
	cancelConnect()
	live := clients[:0:0]
	for _, c := range clients {
		select {
		case <-c.subscribed:
			live = append(live, c)
		default:
			res.connectErrs["no subscribed message"]++
			c.close()
		}
	}
	res.connected, res.connectTime = len(live), time.Since(connectStart)
	defer func() {
		for _, c := range live {
			c.closing.Store(true)
			_ = c.conn.Close()
		}
	}()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	cpu0, cpuErr0 := cpuNow(t)
	t0 := time.Now()
	var pub *publisher
	if sc.idle() {
		hold(ctx, o.hold)
		res.rssEnd, _ = t.rss(ctx)
		if t.hwm != nil {
			res.hwm, _ = t.hwm()
		}
		res.genRSS, _ = loadtest.ProcStatus(os.Getpid(), "VmRSS")
		res.genHWM, _ = loadtest.ProcStatus(os.Getpid(), "VmHWM")
		res.span = time.Since(t0)
		res.cpu, res.cpuKnown = cpuSince(t, cpu0, cpuErr0)
		// Then one probe event, which every idle client must receive.
		pub = newPublisher(t, service, 1, o.interval, total, false)
		now := time.Now()
		win.from.Store(now.UnixNano())
		win.to.Store(now.Add(time.Hour).UnixNano())
		pub.post(ctx, 0, 1, now, now.Add(time.Hour))
		res.drainTime, res.drained = waitDelivered(ctx, live, pub.ackedN, idleProbeTimeout)
	} else {
		pub = newPublisher(t, service, sc.rate, o.interval, total, sc.perPost)
		start := time.Now()
		from := start.Add(o.warmup)
		to := from.Add(o.duration)
		win.from.Store(from.UnixNano())
		win.to.Store(to.UnixNano())
		var bgDone chan struct{}
		if sc.background > 0 { // another service's batches, which the clients do not follow
			bgTotal := int(math.Ceil(float64(sc.background) * (o.warmup + o.duration).Seconds()))
			res.bg = newPublisher(t, service+"-batch", sc.background, o.interval, bgTotal, false)
			bgDone = make(chan struct{})
			go func() { defer close(bgDone); res.bg.run(ctx, start, from, to, bgTotal) }()
		}
		pub.run(ctx, start, from, to, total)
		if bgDone != nil {
			<-bgDone
		}
		res.span = time.Since(t0)
		res.cpu, res.cpuKnown = cpuSince(t, cpu0, cpuErr0)
		res.drainTime, res.drained = waitDelivered(ctx, live, pub.ackedN, o.drain)
	}
	pub.client.CloseIdleConnections()

	// Close every connection and wait for the readers, which own the figures.
	for _, c := range live {
		c.close()
	}
	deadline := time.NewTimer(closeWait)
	defer deadline.Stop()
	for _, c := range clients { // the ones that never subscribed were closed above
		select {
		case <-c.done:
		case <-deadline.C:
			return nil, fmt.Errorf("client readers did not end within %s of closing", closeWait)
		}
	}
	live = nil
	rssPeak, rssSamples, rssErr := sampler.Stop()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	res.rssPeak, res.rssSamples, res.rssErr = rssPeak, rssSamples, rssErr
	if sc.idle() {
		res.rssPeak = max(res.rssPeak, res.rssEnd)
	} else {
		if v, err := t.rss(ctx); err == nil {
			res.rssEnd, res.rssPeak = v, max(res.rssPeak, v)
		}
		if t.hwm != nil {
			res.hwm, _ = t.hwm()
		}
	}
	pub.mu.Lock()
	res.published, res.measuredPublished, res.requests = pub.ackedN, pub.measured, pub.requests
	res.ingest, res.statuses, res.pubErrors, res.sample = pub.ingest, pub.statuses, pub.errors, pub.sample
	acked := pub.acked
	pub.mu.Unlock()
	res.collect(clients, acked)
	return res, nil
}

// connectAll opens n connections, parallel at a time, and starts their readers.
func connectAll(ctx context.Context, d *websocket.Dialer, url, key string, n, parallel int, win *window, maxEvents int, latency bool, msgBuf int, errs map[string]int) []*wsClient {
	var mu sync.Mutex
	var out []*wsClient
	next := make(chan struct{}, n)
	for range n {
		next <- struct{}{}
	}
	close(next)
	var wg sync.WaitGroup
	for range min(parallel, n) {
		wg.Go(func() {
			for range next {
				if ctx.Err() != nil {
					mu.Lock()
					errs["not attempted: connect deadline passed"]++
					mu.Unlock()
					continue
				}
				conn, err := dial(ctx, d, url, key)
				if err != nil {
					msg := err.Error()
					if len(msg) > 160 {
						msg = msg[:160]
					}
					mu.Lock()
					errs[msg]++
					mu.Unlock()
					continue
				}
				c := newWSClient(conn, win, maxEvents, latency)
				go c.read(msgBuf)
				mu.Lock()
				out = append(out, c)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return out
}

// waitDelivered waits until every client has received want distinct events,
// at most timeout; it returns how long that took and whether it happened.
func waitDelivered(ctx context.Context, clients []*wsClient, want int, timeout time.Duration) (time.Duration, bool) {
	start := time.Now()
	deadline := start.Add(timeout)
	i := 0
	for {
		for i < len(clients) && clients[i].distinct.Load() >= int64(want) {
			i++
		}
		if i == len(clients) {
			return time.Since(start), true
		}
		if !time.Now().Before(deadline) || ctx.Err() != nil {
			return time.Since(start), false
		}
		hold(ctx, 10*time.Millisecond)
	}
}

func hold(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// cpuSnap is the CPU time used so far by the server, this process and the
// whole machine (all CPUs).
type cpuSnap struct{ server, gen, machine time.Duration }

func cpuNow(t *target) (cpuSnap, error) {
	var p cpuSnap
	if t.cpu == nil {
		return p, fmt.Errorf("unknown")
	}
	var err error
	if p.server, err = t.cpu(); err != nil {
		return p, err
	}
	if p.gen, err = loadtest.ProcCPU(os.Getpid()); err != nil {
		return p, err
	}
	p.machine, err = loadtest.MachineCPU()
	return p, err
}

func cpuSince(t *target, p0 cpuSnap, err0 error) (cpuSnap, bool) {
	p1, err := cpuNow(t)
	if err0 != nil || err != nil {
		return cpuSnap{}, false
	}
	return cpuSnap{p1.server - p0.server, p1.gen - p0.gen, p1.machine - p0.machine}, true
}

// collect sums up the clients' figures; acked are the events published.
func (r *result) collect(clients []*wsClient, acked bitmap) {
	first := true
	for _, c := range clients {
		if !c.subOnce {
			continue // counted as a connect failure
		}
		n := c.distinct.Load()
		if first {
			r.recvMin, r.recvMax, first = n, n, false
		}
		r.recvMin, r.recvMax = min(r.recvMin, n), max(r.recvMax, n)
		if c.hist != nil {
			r.lat.merge(c.hist)
		}
		r.measured += c.measured
		r.dups += c.dups
		r.outOfRange += c.outOfRange
		r.unparsed += c.unparsed
		r.other += c.other
		r.frames += c.frames
		r.lagged += c.lagged
		r.dropped += c.dropped
		if c.lagged > 0 {
			r.laggedClients++
		}
		r.resets += c.resets
		r.errs += c.errs
		if c.readErr != nil {
			msg := c.readErr.Error()
			if len(msg) > 160 {
				msg = msg[:160]
			}
			r.readErrs[msg]++
		}
		if lost := int64(c.seen.missing(acked)); lost > 0 {
			if r.sc.idle() {
				r.probeMissing++
				continue
			}
			r.lost += lost
			r.lostClients++
			if c.lagged == 0 {
				r.lostNoLag += lost
				r.lostNoLagClients++
			}
		}
	}
}

func (r *result) connectFailures() int {
	n := 0
	for _, v := range r.connectErrs {
		n += v
	}
	return n
}

// ok: every client connected and stayed connected, the publisher's events
// were all accepted, and every client received each of them exactly once.
func (r *result) ok() bool {
	return r.connectFailures() == 0 && len(r.readErrs) == 0 && len(r.pubErrors) == 0 && len(r.statuses) == 0 &&
		r.lost == 0 && r.probeMissing == 0 && r.dups == 0 && r.outOfRange == 0 && r.unparsed == 0 && r.published > 0
}

func (r *result) print(w io.Writer) {
	sc, o := r.sc, r.o
	fmt.Fprintf(w, "scenario     %s\n", sc.name)
	fmt.Fprintf(w, "clients      %d of %d connected and subscribed to %s in %s", r.connected, sc.clients, r.url, r.connectTime.Round(time.Millisecond))
	if n := r.connectFailures(); n > 0 {
		fmt.Fprintf(w, "; %d FAILED: %s", n, counts(r.connectErrs))
	}
	fmt.Fprintln(w)
	if sc.idle() {
		fmt.Fprintf(w, "held         %s idle (no events), then 1 probe event\n", o.hold)
		fmt.Fprintf(w, "probe        received by %d of %d clients (all of them within %s of the POST's answer)\n", r.connected-r.probeMissing, r.connected, ms(r.drainTime))
	} else {
		secs := o.duration.Seconds()
		pacing := "a batch every " + o.interval.String()
		if sc.perPost {
			pacing = "one event per POST"
		}
		fmt.Fprintf(w, "rate         %d events/s, %s, %s warm-up + %s measured; target %d deliveries/s\n",
			sc.rate, pacing, o.warmup, o.duration, sc.rate*sc.clients)
		fmt.Fprintf(w, "deliveries/s %.0f achieved (events sent in the measured window, received by all clients, / %s)\n", float64(r.measured)/secs, o.duration)
		fmt.Fprintf(w, "published    %d events (%d in the window) in %d requests; ingest POST p50 %s p99 %s max %s\n",
			r.published, r.measuredPublished, r.requests, ms(r.ingest.percentile(50)), ms(r.ingest.percentile(99)), ms(r.ingest.max))
		if bg := r.bg; bg != nil {
			bg.mu.Lock()
			fmt.Fprintf(w, "background   %d events/s of batches of another service: %d events acked (%.0f/s in the window) in %d requests; non-202 %s; errors %s\n",
				sc.background, bg.ackedN, float64(bg.measured)/secs, bg.requests, statusCounts(bg.statuses), counts(bg.errors))
			bg.mu.Unlock()
		}
		fmt.Fprintf(w, "received     per client min %d max %d (of %d); all delivered: %s; duplicates %d; %d WebSocket messages\n",
			r.recvMin, r.recvMax, r.published, drainText(r.drained, r.drainTime, o.drain), r.dups, r.frames)
		fmt.Fprintf(w, "lost         %d events in %d clients (%d events in %d clients that never lagged)\n", r.lost, r.lostClients, r.lostNoLag, r.lostNoLagClients)
	}
	fmt.Fprintf(w, "lagged       %d messages (%d events dropped) in %d clients; resets %d; errors %d", r.lagged, r.dropped, r.laggedClients, r.resets, r.errs)
	if r.other+r.unparsed+r.outOfRange > 0 {
		fmt.Fprintf(w, "; unexpected: %d other messages, %d events without sequence, %d unknown sequence numbers", r.other, r.unparsed, r.outOfRange)
	}
	fmt.Fprintln(w)
	if len(r.readErrs) > 0 {
		fmt.Fprintf(w, "disconnected %s\n", counts(r.readErrs))
	}
	if !sc.idle() {
		l := &r.lat
		fmt.Fprintf(w, "latency      p50 %s  p90 %s  p99 %s  max %s (POST start -> client read; %d deliveries of the window)\n",
			ms(l.percentile(50)), ms(l.percentile(90)), ms(l.percentile(99)), ms(l.max), l.n)
	}
	if len(r.statuses) > 0 || len(r.pubErrors) > 0 {
		fmt.Fprintf(w, "publish      FAILED: non-202 %s; errors %s", statusCounts(r.statuses), counts(r.pubErrors))
		if r.sample != "" {
			fmt.Fprintf(w, "; first: %s", r.sample)
		}
		fmt.Fprintln(w)
	}
	rss := "unknown"
	if r.rssPeak > 0 {
		rss = fmt.Sprintf("peak %s (%d samples, 1s apart)", mb(r.rssPeak), r.rssSamples)
		if sc.idle() {
			rss += fmt.Sprintf("; at the end of the hold %s", mb(r.rssEnd))
		}
	}
	if r.hwm > 0 {
		rss += fmt.Sprintf("; VmHWM %s (this scenario's server)", mb(r.hwm))
	}
	if r.rssErr != nil {
		rss += fmt.Sprintf(" (sampling error: %v)", r.rssErr)
	}
	fmt.Fprintf(w, "server RSS   %s\n", rss)
	if r.cpuKnown {
		secs := r.span.Seconds()
		server, gen, machine := r.cpu.server.Seconds()/secs, r.cpu.gen.Seconds()/secs, r.cpu.machine.Seconds()/secs
		fmt.Fprintf(w, "cpu          server %.2f cores, load generator %.2f, rest of the machine %.2f; %.2f of %d CPUs busy (over %s)\n",
			server, gen, max(machine-server-gen, 0), machine, runtime.NumCPU(), r.span.Round(time.Millisecond))
	}
	if sc.idle() && r.genRSS > 0 {
		fmt.Fprintf(w, "load gen RSS %s (VmHWM %s) holding the client ends\n", mb(r.genRSS), mb(r.genHWM))
	}
	if sc.preset {
		switch sc.name {
		case "fanout100":
			fmt.Fprintf(w, "target       every client every event: %s; p99 < %s: %s\n",
				verdict(r.lost == 0 && r.connectFailures() == 0 && r.published > 0), ms(targetP99), verdict(r.lat.n > 0 && r.lat.percentile(99) < targetP99))
		case "fanout500":
			fmt.Fprintf(w, "target       no loss for clients that keep up: %s (all clients: %s)\n",
				verdict(r.lostNoLag == 0 && r.published > 0), verdict(r.lost == 0 && r.published > 0))
		case "mixed":
			fmt.Fprintf(w, "target       every client every event: %s; p99 <= %s: %s\n",
				verdict(r.lost == 0 && r.laggedClients == 0 && r.connectFailures() == 0 && r.published > 0), ms(targetMixedP99),
				verdict(r.lat.n > 0 && r.lat.percentile(99) <= targetMixedP99))
		case "post100", "post500":
			target := targetPost100P99
			if sc.name == "post500" {
				target = targetPost500P99
			}
			fmt.Fprintf(w, "target       every client every event, no lagged client: %s; p99 <= %s: %s\n",
				verdict(r.lost == 0 && r.laggedClients == 0 && r.connectFailures() == 0 && r.published > 0), ms(target),
				verdict(r.lat.n > 0 && r.lat.percentile(99) <= target))
		case "idle":
			peak := max(r.rssPeak, r.hwm)
			fmt.Fprintf(w, "target       %d idle connections, RSS < %s: %s\n",
				sc.clients, mb(targetIdleRSS), verdict(r.connected == sc.clients && peak > 0 && peak < targetIdleRSS))
		}
	}
	fmt.Fprintf(w, "result       %s\n", map[bool]string{true: "ok", false: "FAILED (lost or duplicated events, failed connections or non-202 answers)"}[r.ok()])
}

func drainText(ok bool, d, limit time.Duration) string {
	if ok {
		return ms(d) + " after the last answer"
	}
	return "NO, not within " + limit.String()
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d x %s", m[k], k))
	}
	return strings.Join(parts, "; ")
}

func statusCounts(m map[int]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%d: %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
