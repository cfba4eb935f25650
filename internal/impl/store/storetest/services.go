package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

func beat(tenant, id, service string, at time.Duration, status event.HeartbeatStatus, interval int, instance string) event.Event {
	return event.Event{
		ID: id, Tenant: tenant, Kind: event.KindHeartbeat, TS: base.Add(at), Service: service,
		Heartbeat: &event.Heartbeat{Instance: instance, Status: status, IntervalSeconds: interval},
	}
}

// at returns an event of a service at base+d: kind does not matter to LastSeen.
func at(e event.Event, service string, d time.Duration) event.Event {
	e.Service, e.TS = service, base.Add(d)
	return e
}

func listServices(t *testing.T, s store.Store, tenant string) []store.Service {
	t.Helper()
	got, err := s.ListServices(context.Background(), tenant)
	if err != nil {
		t.Fatalf("ListServices(%s): %v", tenant, err)
	}
	return got
}

func sameServices(t *testing.T, what string, want, got []store.Service) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d services %s, want %d %s", what, len(got), js(got), len(want), js(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		sameTime(t, what+": "+w.Name+" last_seen", w.LastSeen, g.LastSeen)
		sameTime(t, what+": "+w.Name+" last_heartbeat", w.LastHeartbeat, g.LastHeartbeat)
		w.LastSeen, g.LastSeen, w.LastHeartbeat, g.LastHeartbeat = time.Time{}, time.Time{}, time.Time{}, time.Time{}
		if g != w {
			t.Errorf("%s: service %d = %+v, want %+v", what, i, g, w)
		}
	}
}

func testServicesFromEvents(t *testing.T, s store.Store) {
	// Every kind registers its service; an older event arriving later does
	// not move LastSeen back, and services without heartbeats have none.
	insert(t, s, []event.Event{
		at(logEvent("acme", "l1", 0), "checkout", time.Minute),
		at(logEvent("acme", "l2", 0), "checkout", 3*time.Minute),
		at(metricEvent("acme", "m1", 0), "search", 2*time.Minute),
		at(securityEvent("acme", "s1", 0), "auth", time.Minute),
	})
	insert(t, s, []event.Event{at(logEvent("acme", "l3", 0), "checkout", 2*time.Minute)})
	// A retry with a later ts is not a new event, so it changes nothing.
	insert(t, s, []event.Event{at(logEvent("acme", "l1", 0), "checkout", 9*time.Minute)})
	insert(t, s, []event.Event{at(logEvent("other", "l1", 0), "checkout", 30*time.Minute)})

	sameServices(t, "acme", []store.Service{
		{Name: "auth", LastSeen: base.Add(time.Minute)},
		{Name: "checkout", LastSeen: base.Add(3 * time.Minute)},
		{Name: "search", LastSeen: base.Add(2 * time.Minute)},
	}, listServices(t, s, "acme"))
	sameServices(t, "other", []store.Service{{Name: "checkout", LastSeen: base.Add(30 * time.Minute)}}, listServices(t, s, "other"))
	sameServices(t, "nobody", nil, listServices(t, s, "nobody"))
}

func testServicesFromHeartbeats(t *testing.T, s store.Store) {
	insert(t, s, []event.Event{beat("acme", "h1", "billing", 5*time.Minute, event.StatusUp, 30, "billing-0")})
	insert(t, s, []event.Event{beat("acme", "h2", "billing", 7*time.Minute, event.StatusDegraded, 15, "billing-1")})
	// Older than h2, arriving later: it must not overwrite h2.
	insert(t, s, []event.Event{beat("acme", "h3", "billing", 6*time.Minute, event.StatusDown, 60, "billing-2")})
	// Within one call too, the latest by ts wins, whatever the order.
	insert(t, s, []event.Event{
		beat("acme", "a2", "auth", 11*time.Minute, event.StatusUp, 10, "auth-new"),
		beat("acme", "a1", "auth", 10*time.Minute, event.StatusDown, 10, "auth-old"),
	})
	// A later event of another kind moves LastSeen, not the heartbeat.
	insert(t, s, []event.Event{at(logEvent("acme", "l1", 0), "billing", 9*time.Minute)})
	// A retried heartbeat, though later, is not fresh: ignored.
	insert(t, s, []event.Event{beat("acme", "h1", "billing", 20*time.Minute, event.StatusDown, 5, "billing-9")})
	// Another tenant's heartbeat for a service of the same name.
	insert(t, s, []event.Event{beat("other", "h1", "billing", time.Minute, event.StatusDown, 99, "elsewhere")})

	sameServices(t, "acme", []store.Service{
		{Name: "auth", LastSeen: base.Add(11 * time.Minute), LastHeartbeat: base.Add(11 * time.Minute),
			Status: event.StatusUp, IntervalSeconds: 10, Instance: "auth-new"},
		{Name: "billing", LastSeen: base.Add(9 * time.Minute), LastHeartbeat: base.Add(7 * time.Minute),
			Status: event.StatusDegraded, IntervalSeconds: 15, Instance: "billing-1"},
	}, listServices(t, s, "acme"))
	sameServices(t, "other", []store.Service{
		{Name: "billing", LastSeen: base.Add(time.Minute), LastHeartbeat: base.Add(time.Minute),
			Status: event.StatusDown, IntervalSeconds: 99, Instance: "elsewhere"},
	}, listServices(t, s, "other"))
}
