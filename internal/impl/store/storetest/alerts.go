package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

const nAlerts = 40

var (
	alertRules  = []string{"r1", "r2", "r3"}
	alertStates = []string{"pending", "firing", "resolved"}
)

// corpusAlert builds the i-th alert of a corpus: StartedAt in groups of three
// equal times, ids scrambled against them, like the event corpora.
func corpusAlert(tenant string, i int) store.Alert {
	started := corpusTS(i, 3)
	a := store.Alert{
		ID: scrambledID("a", i, nAlerts), Tenant: tenant,
		RuleID: alertRules[i%3], RuleName: "Rule " + alertRules[i%3], Fingerprint: fmt.Sprintf("fp-%d", i%5),
		Labels:   map[string]string{"service": "checkout", "k8s.pod": fmt.Sprintf("pod-%d", i%4)},
		Severity: []string{"warning", "critical"}[i%2], State: alertStates[(i/2)%3],
		StartedAt: started, UpdatedAt: started.Add(time.Minute), Value: float64(i) + 0.25,
		Summary: fmt.Sprintf("p99 latency %d ms above 500 ms", 500+i),
	}
	if a.State != "pending" {
		a.FiredAt = started.Add(30 * time.Second)
	}
	if a.State == "resolved" {
		a.ResolvedAt = started.Add(5 * time.Minute)
	}
	if i%4 == 0 {
		a.NotifyError = "webhook: 502 Bad Gateway"
	}
	return a
}

func alertKey(a store.Alert) (time.Time, string) { return a.StartedAt, a.ID }

func alertIDs(alerts []store.Alert) []string {
	out := make([]string, len(alerts))
	for i, a := range alerts {
		out[i] = a.ID
	}
	return out
}

// sameAlert compares alerts with times to the nanosecond, in UTC, zero times
// staying zero, and empty labels read back as nil.
func sameAlert(t *testing.T, want, got store.Alert) {
	t.Helper()
	for _, f := range []struct {
		name      string
		want, got *time.Time
	}{
		{"started_at", &want.StartedAt, &got.StartedAt}, {"fired_at", &want.FiredAt, &got.FiredAt},
		{"resolved_at", &want.ResolvedAt, &got.ResolvedAt}, {"updated_at", &want.UpdatedAt, &got.UpdatedAt},
	} {
		sameTime(t, want.ID+" "+f.name, *f.want, *f.got)
		if f.want.IsZero() != f.got.IsZero() {
			t.Errorf("alert %s %s: got zero %v, want zero %v", want.ID, f.name, f.got.IsZero(), f.want.IsZero())
		}
		*f.want, *f.got = time.Time{}, time.Time{}
	}
	if len(want.Labels) == 0 {
		want.Labels = nil
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("alert %s differs:\n got %s\nwant %s", want.ID, js(got), js(want))
	}
}

func putAlert(t *testing.T, s store.Store, a store.Alert) {
	t.Helper()
	if err := s.PutAlert(context.Background(), a); err != nil {
		t.Fatalf("PutAlert %s: %v", a.ID, err)
	}
}

func getAlert(t *testing.T, s store.Store, tenant, id string) store.Alert {
	t.Helper()
	a, err := s.GetAlert(context.Background(), tenant, id)
	if err != nil {
		t.Fatalf("GetAlert(%s, %s): %v", tenant, id, err)
	}
	return a
}

func testAlerts(t *testing.T, s store.Store) {
	ctx := context.Background()
	cet := time.FixedZone("CET", 3600)
	firing := store.Alert{
		ID: "al-1", Tenant: "acme", RuleID: "rule-1", RuleName: "High latency", Fingerprint: "f00d",
		Labels:   map[string]string{"service": "checkout", "http.route": "/pay", "$odd": "yes"},
		Severity: "critical", State: "firing",
		StartedAt: time.Date(2026, 11, 3, 15, 0, 0, 123456789, cet), FiredAt: base.Add(time.Minute),
		UpdatedAt: base.Add(2 * time.Minute), Value: -1234.5678e-3,
		Summary: "p99 latency 812 ms > 500 ms", NotifyError: "webhook: 502 Bad Gateway",
	}
	// Pending: zero FiredAt and ResolvedAt, which must stay zero, and no labels.
	pending := store.Alert{ID: "al-2", Tenant: "acme", RuleID: "rule-2", State: "pending", StartedAt: base, Labels: map[string]string{}}
	if _, err := s.GetAlert(ctx, "acme", "al-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetAlert before PutAlert: err = %v, want ErrNotFound", err)
	}
	putAlert(t, s, firing)
	putAlert(t, s, pending)
	sameAlert(t, firing, getAlert(t, s, "acme", "al-1"))
	sameAlert(t, pending, getAlert(t, s, "acme", "al-2"))

	// Putting again replaces the whole alert: what the new version leaves
	// empty is cleared, not merged with the old.
	resolved := firing
	resolved.Labels, resolved.NotifyError, resolved.State = nil, "", "resolved"
	resolved.ResolvedAt, resolved.UpdatedAt, resolved.Value = base.Add(time.Hour), base.Add(time.Hour), 0
	putAlert(t, s, resolved)
	sameAlert(t, resolved, getAlert(t, s, "acme", "al-1"))

	// The same id in another tenant is another alert, invisible to the first.
	theirs := pending
	theirs.Tenant, theirs.ID, theirs.Summary = "other", "al-1", "theirs"
	putAlert(t, s, theirs)
	sameAlert(t, theirs, getAlert(t, s, "other", "al-1"))
	sameAlert(t, resolved, getAlert(t, s, "acme", "al-1"))
	for _, k := range [][2]string{{"other", "al-2"}, {"acme", "al-3"}, {"nobody", "al-1"}, {"", "al-1"}} {
		if _, err := s.GetAlert(ctx, k[0], k[1]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetAlert(%q, %q): err = %v, want ErrNotFound", k[0], k[1], err)
		}
	}
}

func testAlertsRejectInvalid(t *testing.T, s store.Store) {
	ctx := context.Background()
	ok := store.Alert{ID: "al", Tenant: "acme", RuleID: "r", State: "pending", StartedAt: base}
	for name, change := range map[string]func(a *store.Alert){
		"no tenant":          func(a *store.Alert) { a.Tenant = "" },
		"no id":              func(a *store.Alert) { a.ID = "" },
		"no started_at":      func(a *store.Alert) { a.StartedAt = time.Time{} },
		"NaN value":          func(a *store.Alert) { a.Value = math.NaN() },
		"infinite value":     func(a *store.Alert) { a.Value = math.Inf(-1) },
		"fired at the epoch": func(a *store.Alert) { a.FiredAt = time.Unix(0, 0) },
		"started in 1500":    func(a *store.Alert) { a.StartedAt = time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC) },
	} {
		a := ok
		change(&a)
		if err := s.PutAlert(ctx, a); err == nil {
			t.Errorf("PutAlert with %s: got no error", name)
		}
	}
	if _, err := s.GetAlert(ctx, "acme", "al"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetAlert after rejected puts: err = %v, want ErrNotFound", err)
	}
}

func testListAlerts(t *testing.T, s store.Store) {
	ctx := context.Background()
	var all []store.Alert
	for i := nAlerts - 1; i >= 0; i-- {
		all = append(all, corpusAlert("acme", i))
		if i%3 == 0 {
			all = append(all, corpusAlert("other", i))
		}
	}
	for _, a := range all {
		putAlert(t, s, a)
	}
	want := func(q store.AlertQuery) []store.Alert {
		var out []store.Alert
		for _, a := range all {
			if a.Tenant == q.Tenant && inWindow(a.StartedAt, q.From, q.To) &&
				(q.State == "" || a.State == q.State) && (q.RuleID == "" || a.RuleID == q.RuleID) {
				out = append(out, a)
			}
		}
		return inOrder(out, q.Ascending, alertKey)
	}
	cases := []struct {
		name string
		q    store.AlertQuery
		pick pick
	}{
		{"all", store.AlertQuery{}, func(int) bool { return true }},
		{"state", store.AlertQuery{State: "firing"}, func(i int) bool { return (i/2)%3 == 1 }},
		{"rule", store.AlertQuery{RuleID: "r2"}, func(i int) bool { return i%3 == 1 }},
		{"state and rule", store.AlertQuery{State: "resolved", RuleID: "r1"}, func(i int) bool { return (i/2)%3 == 2 && i%3 == 0 }},
		{"window", store.AlertQuery{Window: store.Window{From: corpusTS(9, 3), To: corpusTS(30, 3)}},
			func(i int) bool { return i >= 9 && i < 30 }},
		{"other tenant", store.AlertQuery{Window: store.Window{Tenant: "other"}}, func(i int) bool { return i%3 == 0 }},
		{"unknown tenant", store.AlertQuery{Window: store.Window{Tenant: "nobody"}}, none},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Tenant = cmp.Or(q.Tenant, "acme")
			var picked []string
			for i := range nAlerts {
				if c.pick(i) {
					picked = append(picked, corpusAlert(q.Tenant, i).ID)
				}
			}
			checkPickIDs(t, alertIDs(want(q)), picked)
			q.Limit = pageSize(len(picked))
			for _, asc := range []bool{false, true} {
				q.Ascending = asc
				got := walkPages(t, q.Limit, func(after *store.Cursor) ([]store.Alert, *store.Cursor, error) {
					q.After = after
					p, err := s.ListAlerts(ctx, q)
					return p.Alerts, p.Next, err
				}, alertKey)
				q.After = nil
				w := want(q)
				sameOrder(t, alertIDs(w), alertIDs(got))
				for i := range w {
					sameAlert(t, w[i], got[i])
				}
			}
		})
	}
	if _, err := s.ListAlerts(ctx, store.AlertQuery{Window: store.Window{Tenant: "acme"}}); err == nil {
		t.Error("ListAlerts with limit 0: got no error")
	}
}
