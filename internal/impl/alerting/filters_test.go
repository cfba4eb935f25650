package alerting

import (
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter/filtertest"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// The shared filter table, as rule filters (where a rule can express the
// filter) through ParseRule and the matching that nudges evaluations.
func TestSharedFilters(t *testing.T) {
	corpus := filtertest.Corpus("acme", time.Now())
	kindOf := map[event.Kind]Kind{event.KindLog: KindLogCount, event.KindSecurity: KindSecurity, event.KindMetric: KindMetricThreshold}
	ran := 0
	for _, c := range filtertest.Cases() {
		if c.Rule == "" {
			continue
		}
		ran++
		r, err := ParseRule(store.Rule{ID: "r", Tenant: "acme", Name: "r", Kind: string(kindOf[c.Kind]),
			Definition: []byte(`{"filter":` + c.Rule + `,"threshold":1,"aggregate":"avg"}`)})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		rs := newRuleSet([]Rule{r}, time.Now())
		var got []string
		for _, e := range filtertest.Of(corpus, c.Kind) {
			if len(rs.matching(&e, nil)) > 0 {
				got = append(got, e.ID)
			}
		}
		filtertest.Check(t, "rule", c, got)
	}
	if ran < 10 {
		t.Fatalf("only %d cases can be rules", ran)
	}
}
