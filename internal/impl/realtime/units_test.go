package realtime

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

func TestFilterEchoIsASubscribeMessage(t *testing.T) {
	q, _ := url.ParseQuery("level=error&service=b&service=a&service=b&attr.z=1&attr=a.b=2&attr=a=3&access_token=x&since=1-0")
	fv, perr := queryFilters(ChannelLogs, q)
	if perr != nil {
		t.Fatal(perr)
	}
	f, perr := parseFilter(ChannelLogs, fv)
	if perr != nil {
		t.Fatal(perr)
	}
	want := `{"attr":["a=3","a.b=2","z=1"],"level":["error"],"service":["b","a"]}`
	if string(f.echo) != want {
		t.Fatalf("echo %s, want %s", f.echo, want)
	}
	// Sent back as a subscribe message's filters, it means the same.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(f.echo, &m); err != nil {
		t.Fatal(err)
	}
	fv2, perr := messageFilters(ChannelLogs, m)
	if perr != nil {
		t.Fatal(perr)
	}
	f2, perr := parseFilter(ChannelLogs, fv2)
	if perr != nil || string(f2.echo) != want {
		t.Fatalf("round trip: %s, %v", f2.echo, perr)
	}
}

// The reader encodes an entry once; every matching client queues the very
// same bytes, and the message embeds the stream's JSON as it was.
func TestDispatchSharesOneEncoding(t *testing.T) {
	raw := `{"id":"e1","tenant":"acme","kind":"log","ts":"2026-11-27T12:00:00Z","received_at":"2026-11-27T12:00:00Z","service":"a","log":{"level":"info","message":"hi"}}`
	e, err := decodeEntry(ChannelLogs, streams.Message{ID: streams.ID{Ms: 5, Seq: 1}, Entry: streams.Entry{
		Event: []byte(raw), Tenant: "acme", Kind: "log"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"event","channel":"logs","cursor":"5-1","event":` + raw + `}`; string(e.msg) != want {
		t.Fatalf("message %s", e.msg)
	}
	h := newHub()
	l := limits{queueMessages: 10, queueBytes: 1 << 20, replayBuffer: 10}
	all, _ := parseFilter(ChannelLogs, nil)
	other, _ := parseFilter(ChannelLogs, filter.Values{"service": {"b"}})
	c1, c2 := newClient(nil, ChannelLogs, "acme", all, l, clientMetrics{}), newClient(nil, ChannelLogs, "acme", all, l, clientMetrics{})
	c3 := newClient(nil, ChannelLogs, "acme", other, l, clientMetrics{})
	c4 := newClient(nil, ChannelLogs, "globex", all, l, clientMetrics{})
	for _, c := range []*client{c1, c2, c3, c4} {
		h.add(c)
	}
	h.dispatch(ChannelLogs.index(), e)
	if len(c1.pending) != 1 || len(c2.pending) != 1 || &c1.pending[0][0] != &c2.pending[0][0] {
		t.Fatal("the two clients do not share one message")
	}
	if len(c3.pending) != 0 || len(c4.pending) != 0 {
		t.Fatal("a filtered-out or other tenant's client got the entry")
	}
}

// With many clients of a tenant, dispatch matches each distinct filter once
// and still delivers exactly to the clients whose filters match.
func TestDispatchMatchesEachDistinctFilterOnce(t *testing.T) {
	raw := `{"id":"e1","tenant":"acme","kind":"log","ts":"2026-11-27T12:00:00Z","received_at":"2026-11-27T12:00:00Z","service":"a","log":{"level":"info","message":"hi"}}`
	e, err := decodeEntry(ChannelLogs, streams.Message{ID: streams.ID{Ms: 5, Seq: 1}, Entry: streams.Entry{
		Event: []byte(raw), Tenant: "acme", Kind: "log"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	h := newHub()
	l := limits{queueMessages: 10, queueBytes: 1 << 20, replayBuffer: 10}
	var hit, miss []*client
	for range 3 * shareMatchesFrom {
		// Each client compiles its own filters, as connections do.
		fa, _ := parseFilter(ChannelLogs, filter.Values{"service": {"a"}})
		fb, _ := parseFilter(ChannelLogs, filter.Values{"service": {"b"}})
		all, _ := parseFilter(ChannelLogs, nil)
		for j, f := range []*subscription{fa, fb, all} {
			c := newClient(nil, ChannelLogs, "acme", f, l, clientMetrics{})
			h.add(c)
			if j == 1 {
				miss = append(miss, c)
			} else {
				hit = append(hit, c)
			}
		}
	}
	h.dispatch(ChannelLogs.index(), e)
	if len(h.matched) != 3 {
		t.Errorf("%d filters matched, want the 3 distinct ones", len(h.matched))
	}
	for _, c := range hit {
		if len(c.pending) != 1 || &c.pending[0][0] != &hit[0].pending[0][0] {
			t.Fatal("a matching client did not get the shared message")
		}
	}
	for _, c := range miss {
		if len(c.pending) != 0 {
			t.Fatal("a client whose filter does not match got the entry")
		}
	}
}

// Over the bound, messages are dropped, and the next take ends with a
// lagged message counting them, before anything newer.
func TestQueueDropsAndReportsLag(t *testing.T) {
	all, _ := parseFilter(ChannelLogs, nil)
	m := NewMetrics(nopRegisterer{}).forChannel(ChannelLogs)
	c := newClient(nil, ChannelLogs, "acme", all, limits{queueMessages: 2, queueBytes: 1 << 20, replayBuffer: 1}, m)
	entry := func(seq uint64) *entry {
		return &entry{id: streams.ID{Ms: 1, Seq: seq}, tenant: "acme", event: &event.Event{Log: &event.Log{}}, msg: []byte{byte('0' + seq)}}
	}
	for seq := uint64(1); seq <= 5; seq++ {
		c.deliver(entry(seq), nil)
	}
	c.deliver(entry(3), nil) // already past: not even counted
	got := c.take()
	if len(got) != 3 || string(got[0]) != "1" || string(got[1]) != "2" || string(got[2]) != `{"type":"lagged","dropped":3}` {
		t.Fatalf("take = %q", got)
	}
	c.deliver(entry(6), nil)
	if got := c.take(); len(got) != 1 || string(got[0]) != "6" {
		t.Fatalf("take after lag = %q", got)
	}
}

type nopRegisterer struct{}

func (nopRegisterer) Register(prometheus.Collector) error  { return nil }
func (nopRegisterer) MustRegister(...prometheus.Collector) {}
func (nopRegisterer) Unregister(prometheus.Collector) bool { return true }
