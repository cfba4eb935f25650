package main

import (
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestParseEvent(t *testing.T) {
	line := []byte(`{"type":"event","channel":"logs","cursor":"1-0","event":{"id":"01K","log":{"message":"lwws s=4711 t=1761000000123456789","level":"info"}}}`)
	seq, sent, ok := parseEvent(line)
	if !ok || seq != 4711 || sent != 1761000000123456789 {
		t.Errorf("parseEvent = %d, %d, %v", seq, sent, ok)
	}
	for _, bad := range []string{`{"type":"event"}`, `"lwws s= t=1"`, `"lwws s=1 x=2"`, `"lwws s=1 t="`} {
		if _, _, ok := parseEvent([]byte(bad)); ok {
			t.Errorf("%s parsed", bad)
		}
	}
}

func TestLines(t *testing.T) {
	var got []string
	lines([]byte("a\nbb\n\nccc\n"), func(l []byte) { got = append(got, string(l)) })
	lines([]byte("d"), func(l []byte) { got = append(got, string(l)) })
	if want := []string{"a", "bb", "ccc", "d"}; !slices.Equal(got, want) {
		t.Errorf("lines = %q, want %q", got, want)
	}
}

func TestBuckets(t *testing.T) {
	for _, us := range []uint64{0, 1, 127, 128, 129, 255, 256, 1000, 65000, 1 << 30, maxMicros} {
		i := bucketOf(us)
		low, width := bucketRange(i)
		if us < low || us >= low+width || i >= numBuckets {
			t.Errorf("%d µs in bucket %d = [%d, %d)", us, i, low, low+width)
		}
		if width > 1 && float64(width)/float64(low) > 1.0/64+1e-9 {
			t.Errorf("bucket %d: width %d of %d", i, width, low)
		}
	}
	if bucketOf(maxMicros) != numBuckets-1 {
		t.Errorf("last bucket %d, want %d", bucketOf(maxMicros), numBuckets-1)
	}
}

// Percentiles of the histogram are within a bucket of the exact ones, and
// merging two halves equals one histogram of everything.
func TestHistogramPercentiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var a, b histogram
	var all []time.Duration
	for i := range 20000 {
		d := time.Duration(r.ExpFloat64() * float64(8*time.Millisecond))
		all = append(all, d)
		if i%2 == 0 {
			a.add(d)
		} else {
			b.add(d)
		}
	}
	a.merge(&b)
	slices.Sort(all)
	for _, p := range []float64{50, 90, 99, 100} {
		exact := all[int(float64(len(all))*p/100+0.9999999)-1]
		got := a.percentile(p)
		if diff := float64(got-exact) / float64(exact); diff > 0.02 || diff < -0.02 {
			t.Errorf("p%v = %v, exact %v", p, got, exact)
		}
	}
	if a.percentile(100) != all[len(all)-1] || a.max != all[len(all)-1] {
		t.Errorf("max %v, want %v", a.percentile(100), all[len(all)-1])
	}
	var empty histogram
	if empty.percentile(99) != 0 {
		t.Error("percentile of nothing is not 0")
	}
	var one histogram
	one.add(42 * time.Millisecond)
	if one.percentile(50) != 42*time.Millisecond {
		t.Errorf("p50 of one 42ms = %v", one.percentile(50))
	}
}

func TestBitmap(t *testing.T) {
	want, have := newBitmap(200), newBitmap(200)
	want.setRange(0, 150)
	for i := uint64(0); i < 150; i++ {
		if i%10 != 3 {
			have.set(i)
		}
	}
	if isNew, _ := have.set(5); isNew {
		t.Error("5 new twice")
	}
	if _, in := have.set(10000); in {
		t.Error("10000 in range")
	}
	if m := have.missing(want); m != 15 {
		t.Errorf("missing %d, want 15", m)
	}
	if want.count() != 150 {
		t.Errorf("count %d", want.count())
	}
}

// A batch body is a JSON array of log events whose messages parse back.
func TestEventBody(t *testing.T) {
	b := appendBatch(nil, "wsload-x", 7, 3, 1761000000000000000)
	var events []struct {
		Service string         `json:"service"`
		Message string         `json:"message"`
		Attrs   map[string]any `json:"attrs"`
	}
	if err := json.Unmarshal(b, &events); err != nil || len(events) != 3 {
		t.Fatalf("body %s: %v", b, err)
	}
	for i, e := range events {
		seq, sent, ok := parseEvent([]byte(e.Message))
		if !ok || seq != uint64(7+i) || sent != 1761000000000000000 || e.Service != "wsload-x" || e.Attrs["http.status"] != 200.0 {
			t.Errorf("event %d: %+v: seq %d sent %d ok %v", i, e, seq, sent, ok)
		}
	}
}

// A client that missed events makes the run fail; lagged clients are told apart.
func TestCollectLoss(t *testing.T) {
	acked := newBitmap(100)
	acked.setRange(0, 100)
	mk := func(upTo uint64, lagged int64) *wsClient {
		c := &wsClient{seen: newBitmap(100), subOnce: true, lagged: lagged}
		for i := range upTo {
			c.seen.set(i)
			c.distinct.Add(1)
		}
		return c
	}
	r := &result{sc: presets[1], readErrs: map[string]int{}, connectErrs: map[string]int{}, published: 100}
	r.collect([]*wsClient{mk(100, 0), mk(90, 0), mk(95, 1)}, acked)
	if r.lost != 15 || r.lostClients != 2 || r.lostNoLag != 10 || r.lostNoLagClients != 1 || r.recvMin != 90 || r.recvMax != 100 || r.ok() {
		t.Errorf("lost %d in %d (no lag %d in %d), recv %d..%d, ok %v", r.lost, r.lostClients, r.lostNoLag, r.lostNoLagClients, r.recvMin, r.recvMax, r.ok())
	}
	r = &result{sc: presets[0], readErrs: map[string]int{}, connectErrs: map[string]int{}, published: 100}
	r.collect([]*wsClient{mk(100, 0)}, acked)
	if !r.ok() {
		t.Error("a complete run is not ok")
	}
}

func TestResolveScenarios(t *testing.T) {
	o := options{scenario: "all", duration: defaultDuration, hold: defaultHold}
	if scs, err := resolveScenarios(o); err != nil || len(scs) != 6 || !scs[2].idle() || scs[1].rate != 500 || !scs[0].preset || !scs[4].perPost || scs[4].rate != 500 || scs[5].background != defaultBackground {
		t.Errorf("all: %+v, %v", scs, err)
	}
	o = options{scenario: "idle", clients: 2000, setClients: true, hold: defaultHold}
	if scs, _ := resolveScenarios(o); len(scs) != 1 || scs[0].clients != 2000 || scs[0].preset {
		t.Errorf("idle -clients 2000: %+v", scs)
	}
	if _, err := resolveScenarios(options{scenario: "idle", rate: 5, setRate: true}); err == nil {
		t.Error("-rate with idle accepted")
	}
}
