package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/loadtest"
)

// clientStats is what one client saw. Figures count requests that completed
// inside the measurement window; status and error counts cover the whole run
// (warm-up included) because any failure matters.
type clientStats struct {
	requests  int             // completed in the window, any outcome
	accepted  int             // 202 in the window
	latencies []time.Duration // of requests completed in the window
	statuses  map[int]int     // non-202, whole run
	errors    map[string]int  // transport errors and wrong 202 bodies, whole run
	samples   map[int]string  // a body of each unexpected status
}

type result struct {
	sc          scenario
	enc         encoding
	window      time.Duration
	warmup      time.Duration
	requests    int
	accepted    int
	latencies   []time.Duration // sorted
	statuses    map[int]int
	errors      map[string]int
	samples     map[int]string
	onTheFly    int
	rssPeak     int64 // max sampled during the scenario; 0 if unknown
	rssSamples  int
	rssNow      int64
	hwm         int64 // VmHWM since the server started; 0 if unknown
	spawned     bool
	rssErr      error
	prepareTime time.Duration
}

func runScenario(ctx context.Context, client *http.Client, t *target, sc scenario, o options) (*result, error) {
	enc := encoding{ndjson: o.ndjson, gzip: o.gzip}
	res := &result{sc: sc, enc: enc, window: o.duration, warmup: o.warmup, spawned: t.spawned != nil,
		statuses: map[int]int{}, errors: map[string]int{}, samples: map[int]string{}}

	// Encode everything before the clock starts.
	prep := time.Now()
	var runID [4]byte
	_, _ = rand.Read(runID[:])
	run := "ld" + hex.EncodeToString(runID[:])
	seed := uint64(time.Now().UnixNano())
	poolN := gzipPoolRequests(sc, o.warmup+o.duration, enc)
	gens := make([]*bodies, sc.clients)
	var pwg sync.WaitGroup
	for i := range gens {
		pwg.Go(func() { gens[i] = newBodies(run, i, sc.batch, enc, poolN, seed) })
	}
	pwg.Wait()
	res.prepareTime = time.Since(prep)

	// Sample the server's memory every second while the scenario runs.
	sampler := loadtest.SampleRSS(ctx, t.rss, time.Second)

	start := time.Now()
	from := start.Add(o.warmup)
	end := from.Add(o.duration)
	// In-flight requests may outlive the end by the grace (the server answers
	// 503 after its write timeout, 10s by default); nothing runs longer.
	rctx, cancel := context.WithDeadline(ctx, end.Add(requestGrace))
	defer cancel()
	stats := make([]*clientStats, sc.clients)
	var wg sync.WaitGroup
	for i := range stats {
		wg.Go(func() { stats[i] = runClient(rctx, client, t, gens[i], sc, enc, from, end) })
	}
	wg.Wait()
	rssPeak, rssSamples, rssErr := sampler.Stop()

	for _, st := range stats {
		res.requests += st.requests
		res.accepted += st.accepted
		res.latencies = append(res.latencies, st.latencies...)
		for k, v := range st.statuses {
			res.statuses[k] += v
		}
		for k, v := range st.errors {
			res.errors[k] += v
		}
		for k, v := range st.samples {
			if _, ok := res.samples[k]; !ok {
				res.samples[k] = v
			}
		}
	}
	for _, g := range gens {
		res.onTheFly += g.onTheFly
	}
	slices.Sort(res.latencies)
	res.rssPeak, res.rssSamples, res.rssErr = rssPeak, rssSamples, rssErr
	if v, err := t.rss(ctx); err == nil {
		res.rssNow = v
		res.rssPeak = max(res.rssPeak, v)
	}
	if t.hwm != nil {
		if v, err := t.hwm(); err == nil {
			res.hwm = v
		}
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return res, nil
}

// runClient sends requests one after another until end. A 429 or 503 is
// honoured (Retry-After) and the same body is sent again, as a real agent does.
func runClient(ctx context.Context, client *http.Client, t *target, gen *bodies, sc scenario, enc encoding, from, end time.Time) *clientStats {
	st := &clientStats{statuses: map[int]int{}, errors: map[string]int{}, samples: map[int]string{}}
	est := int(end.Sub(from).Seconds()*float64(20000)/float64(sc.clients*sc.batch)) + 16
	st.latencies = make([]time.Duration, 0, min(est, 1<<20))
	url := t.base + endpointPath
	auth := "Bearer " + t.key
	var respBuf bytes.Buffer
	checked := false
	var body []byte
	var reqNo uint64
	for ctx.Err() == nil && time.Now().Before(end) {
		if body == nil {
			reqNo = gen.n
			body = gen.next()
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			st.errors[err.Error()]++
			return st
		}
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", enc.contentType())
		if enc.gzip {
			req.Header.Set("Content-Encoding", "gzip")
		}

		t0 := time.Now()
		resp, err := client.Do(req)
		var status int
		var retryAfter time.Duration
		if err == nil {
			respBuf.Reset()
			_, err = respBuf.ReadFrom(resp.Body)
			resp.Body.Close()
			status = resp.StatusCode
			if s, e := strconv.Atoi(resp.Header.Get("Retry-After")); e == nil && s > 0 {
				retryAfter = time.Duration(s) * time.Second
			}
		}
		t1 := time.Now()
		if err != nil {
			if ctx.Err() != nil && t1.After(end) {
				break // cut off by the grace deadline after the end: not a failure of the server
			}
			st.errors[shortErr(err)]++
			pause(ctx, min(50*time.Millisecond, time.Until(end)))
			continue // resend the same body
		}
		inWindow := !t1.Before(from) && !t1.After(end)
		if inWindow {
			st.requests++
			st.latencies = append(st.latencies, t1.Sub(t0))
		}
		switch status {
		case http.StatusAccepted:
			if !checked {
				checked = true
				if msg := checkAccepted(respBuf.Bytes(), gen, reqNo); msg != "" {
					st.errors[msg]++
				}
			}
			if inWindow {
				st.accepted++
			}
			body = nil
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			st.statuses[status]++
			pause(ctx, min(max(retryAfter, 100*time.Millisecond), time.Until(end)))
		default:
			st.statuses[status]++
			if _, ok := st.samples[status]; !ok {
				st.samples[status] = fmt.Sprintf("%.300s", bytes.TrimSpace(respBuf.Bytes()))
			}
			body = nil // a 4xx will not get better by resending
		}
	}
	return st
}

// checkAccepted checks a client's first 202 answer: every event accepted, none
// a duplicate, the ids those sent. It returns "" when all is well.
func checkAccepted(b []byte, gen *bodies, reqNo uint64) string {
	var r struct {
		Accepted   int      `json:"accepted"`
		Duplicates *int     `json:"duplicates"`
		IDs        []string `json:"ids"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return "202 body is not an IngestResult: " + err.Error()
	}
	switch {
	case r.Accepted != gen.batch || len(r.IDs) != gen.batch:
		return fmt.Sprintf("202 accepted %d events (%d ids) of %d sent", r.Accepted, len(r.IDs), gen.batch)
	case r.Duplicates != nil && *r.Duplicates != 0:
		return fmt.Sprintf("202 reports %d duplicates of fresh events", *r.Duplicates)
	case r.IDs[0] != gen.id(reqNo, 0) || r.IDs[gen.batch-1] != gen.id(reqNo, gen.batch-1):
		return fmt.Sprintf("202 ids %q... are not the ids sent (%q...)", r.IDs[0], gen.id(reqNo, 0))
	}
	return ""
}

func pause(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func shortErr(err error) string {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

// ok reports whether the run had no failures: only 202, 429 and 503 answers
// and no transport errors or unexpected 202 bodies.
func (r *result) ok() bool {
	if len(r.errors) > 0 {
		return false
	}
	for s := range r.statuses {
		if s != http.StatusTooManyRequests && s != http.StatusServiceUnavailable {
			return false
		}
	}
	return true
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(float64(n)*p/100 + 0.9999999)
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

func (r *result) print(w io.Writer) {
	secs := r.window.Seconds()
	events := r.accepted * r.sc.batch
	evps := float64(events) / secs
	rps := float64(r.requests) / secs
	fmt.Fprintf(w, "scenario     %s\n", r.sc.name)
	fmt.Fprintf(w, "clients      %d\n", r.sc.clients)
	fmt.Fprintf(w, "batch        %d events/request (%s)\n", r.sc.batch, r.enc)
	fmt.Fprintf(w, "duration     %s measured after %s warm-up (bodies encoded beforehand in %s)\n", r.window, r.warmup, r.prepareTime.Round(time.Millisecond))
	fmt.Fprintf(w, "requests     %d (202: %d)\n", r.requests, r.accepted)
	fmt.Fprintf(w, "events       %d acknowledged\n", events)
	fmt.Fprintf(w, "events/s     %.0f\n", evps)
	fmt.Fprintf(w, "requests/s   %.1f\n", rps)
	l := r.latencies
	fmt.Fprintf(w, "latency      p50 %s  p90 %s  p99 %s  max %s\n",
		ms(percentile(l, 50)), ms(percentile(l, 90)), ms(percentile(l, 99)), ms(percentile(l, 100)))
	fmt.Fprintf(w, "non-202      %s\n", statusCounts(r.statuses))
	for _, k := range slices.Sorted(maps.Keys(r.samples)) {
		fmt.Fprintf(w, "%-12s %s\n", fmt.Sprintf("first %d", k), r.samples[k])
	}
	if len(r.errors) > 0 {
		for _, k := range slices.Sorted(maps.Keys(r.errors)) {
			fmt.Fprintf(w, "error        %d x %s\n", r.errors[k], k)
		}
	}
	if r.onTheFly > 0 {
		fmt.Fprintf(w, "gzip         pool used up: %d bodies compressed by the clients during the run\n", r.onTheFly)
	}
	rss := "unknown"
	if r.rssPeak > 0 {
		rss = fmt.Sprintf("peak %s (%d samples, 1s apart, during this scenario); now %s", mb(r.rssPeak), r.rssSamples, mb(r.rssNow))
	}
	if r.hwm > 0 {
		rss += fmt.Sprintf("; VmHWM since server start %s", mb(r.hwm))
	}
	if r.rssErr != nil {
		rss += fmt.Sprintf(" (sampling error: %v)", r.rssErr)
	}
	fmt.Fprintf(w, "server RSS   %s\n", rss)
	if r.sc.preset {
		peakMem := max(r.rssPeak, r.hwm)
		switch r.sc.name {
		case "batch":
			fmt.Fprintf(w, "target       >= %d events/s: %s; RSS < %s: %s\n", targetBatchEventsPerSec, verdict(evps >= targetBatchEventsPerSec), mb(targetRSSBytes), verdict(peakMem > 0 && peakMem < targetRSSBytes))
		case "single":
			fmt.Fprintf(w, "target       >= %d requests/s: %s; RSS < %s: %s\n", targetSingleReqPerSec, verdict(float64(r.accepted)/secs >= targetSingleReqPerSec), mb(targetRSSBytes), verdict(peakMem > 0 && peakMem < targetRSSBytes))
		case "single32":
			fmt.Fprintf(w, "target       >= %d requests/s: %s; p99 < %s: %s\n", targetSingle32ReqPerSec, verdict(float64(r.accepted)/secs >= targetSingle32ReqPerSec),
				targetSingle32P99, verdict(len(l) > 0 && percentile(l, 99) < targetSingle32P99))
		}
	}
	fmt.Fprintf(w, "result       %s\n", map[bool]string{true: "ok", false: "FAILED (non-202 other than 429/503, or errors)"}[r.ok()])
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func statusCounts(m map[int]int) string {
	if len(m) == 0 {
		return "none"
	}
	var b bytes.Buffer
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d: %d", k, m[k])
	}
	b.WriteString(" (whole run incl. warm-up; 429/503 are back-pressure: honoured and retried, not failures)")
	return b.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }
