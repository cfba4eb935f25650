package realtime

import (
	"net/url"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter/filtertest"
)

// The shared filter table, through a channel's query parameters and its
// subscription's matching.
func TestSharedFilters(t *testing.T) {
	corpus := filtertest.Corpus("acme", time.Now())
	channelOf := map[event.Kind]Channel{event.KindLog: ChannelLogs, event.KindSecurity: ChannelSecurity, event.KindMetric: ChannelMetrics}
	for _, c := range filtertest.Cases() {
		ch := channelOf[c.Kind]
		q, err := url.ParseQuery(c.Query)
		if err != nil {
			t.Fatal(err)
		}
		fv, perr := queryFilters(ch, q)
		if perr != nil {
			t.Fatalf("%s: %v", c.Name, perr)
		}
		sub, perr := parseFilter(ch, fv)
		if perr != nil {
			t.Fatalf("%s: %v", c.Name, perr)
		}
		var got []string
		for _, e := range filtertest.Of(corpus, c.Kind) {
			if sub.match(&entry{event: &e}) {
				got = append(got, e.ID)
			}
		}
		filtertest.Check(t, "/ws/"+string(ch), c, got)
	}
}
