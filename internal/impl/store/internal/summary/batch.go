package summary

import (
	"cmp"
	"maps"
	"slices"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/saturate"
)

// Rollup is the part of one series-minute bucket that a batch contributes:
// the adapter adds it to the stored bucket (count and sum add, min and max
// combine), so a bucket is right however its samples were split into calls.
type Rollup struct {
	Tenant string
	Name   string
	Minute int64  // start, Unix nanoseconds
	Series string // SeriesKey(Service, Labels)
	// Service and Labels describe the series; they never change for a key.
	Service string
	Labels  map[string]string
	Count   int64
	Sum     float64
	Min     float64
	Max     float64
}

// Name is what a batch says about one metric name. Type is that of the
// batch's latest sample (TypeTS); the adapter keeps the stored type unless
// TypeTS is strictly later, so an old sample arriving late cannot change it.
type Name struct {
	Tenant    string
	Name      string
	Type      event.MetricType
	TypeTS    int64
	LabelKeys []string // sorted, to be merged into the stored set
	Services  []string // sorted, to be merged into the stored set
}

// Service is what a batch says about one service. LastSeen is the latest ts of
// its events; Heartbeat, when set, is its latest heartbeat, which replaces the
// stored one only when strictly later.
type Service struct {
	Tenant    string
	Name      string
	LastSeen  int64
	Heartbeat *Heartbeat
}

// Heartbeat is the part of a heartbeat the registry keeps.
type Heartbeat struct {
	TS              int64
	Status          event.HeartbeatStatus
	IntervalSeconds int
	Instance        string
}

// Batch is the summary of the newly stored events of one InsertEvents call:
// one entry per rollup bucket, metric name and service, so the adapter writes
// each once per call however many events fed it.
type Batch struct {
	Rollups  []Rollup  // sorted by (Tenant, Name, Series, Minute): by metric, then series-major like SQLite's key
	Names    []Name    // sorted by (Tenant, Name)
	Services []Service // sorted by (Tenant, Name)
}

// Prepared holds the per-event work that does not depend on which events turn
// out fresh (the series keys, a JSON encoding each), so adapters can do it
// before taking their write lock.
type Prepared struct {
	events []event.Event
	series []string // series[i] is events[i]'s series key, for metric events
}

// Prepare computes the series keys of events, which must have passed check.Event.
func Prepare(events []event.Event) *Prepared {
	p := &Prepared{events: events, series: make([]string, len(events))}
	for i := range events {
		if m := events[i].Metric; m != nil {
			p.series[i] = SeriesKey(events[i].Service, m.Labels)
		}
	}
	return p
}

type tenantName struct{ tenant, name string }

type rollupKey struct {
	tenant, name string
	minute       int64
	series       string
}

type nameAcc struct {
	typ       event.MetricType
	typeTS    int64
	labelKeys map[string]struct{}
	services  map[string]struct{}
}

// Summarize folds the events with fresh[i] set into a Batch. Among samples or
// heartbeats with equal ts, the first in the call wins, as the adapters keep
// the stored one on a tie.
func (p *Prepared) Summarize(fresh []bool) Batch {
	rollups := map[rollupKey]*Rollup{}
	names := map[tenantName]*nameAcc{}
	services := map[tenantName]*Service{}
	for i := range p.events {
		if !fresh[i] {
			continue
		}
		e := &p.events[i]
		ts := e.TS.UnixNano() // in range: check.Event passed
		sk := tenantName{e.Tenant, e.Service}
		svc := services[sk]
		if svc == nil {
			svc = &Service{Tenant: e.Tenant, Name: e.Service, LastSeen: ts}
			services[sk] = svc
		}
		svc.LastSeen = max(svc.LastSeen, ts)
		if h := e.Heartbeat; h != nil && (svc.Heartbeat == nil || ts > svc.Heartbeat.TS) {
			svc.Heartbeat = &Heartbeat{TS: ts, Status: h.Status, IntervalSeconds: h.IntervalSeconds, Instance: h.Instance}
		}
		if m := e.Metric; m != nil {
			addRollup(rollups, e, m, ts, p.series[i])
			addName(names, e, m, ts)
		}
	}
	return Batch{Rollups: sortedRollups(rollups), Names: sortedNames(names), Services: sortedServices(services)}
}

func addRollup(rollups map[rollupKey]*Rollup, e *event.Event, m *event.Metric, ts int64, series string) {
	k := rollupKey{e.Tenant, m.Name, Minute(ts), series}
	r := rollups[k]
	if r == nil {
		rollups[k] = &Rollup{
			Tenant: e.Tenant, Name: m.Name, Minute: k.minute, Series: series,
			Service: e.Service, Labels: m.Labels, Count: 1, Sum: m.Value, Min: m.Value, Max: m.Value,
		}
		return
	}
	r.Count++
	r.Sum = saturate.Add(r.Sum, m.Value)
	r.Min = min(r.Min, m.Value)
	r.Max = max(r.Max, m.Value)
}

func addName(names map[tenantName]*nameAcc, e *event.Event, m *event.Metric, ts int64) {
	k := tenantName{e.Tenant, m.Name}
	n := names[k]
	if n == nil {
		n = &nameAcc{typ: m.Type, typeTS: ts, labelKeys: map[string]struct{}{}, services: map[string]struct{}{}}
		names[k] = n
	} else if ts > n.typeTS {
		n.typ, n.typeTS = m.Type, ts
	}
	for l := range m.Labels {
		n.labelKeys[l] = struct{}{}
	}
	n.services[e.Service] = struct{}{}
}

func sortedRollups(m map[rollupKey]*Rollup) []Rollup {
	out := make([]Rollup, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Rollup) int {
		return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Series, b.Series), cmp.Compare(a.Minute, b.Minute))
	})
	return out
}

func sortedNames(m map[tenantName]*nameAcc) []Name {
	out := make([]Name, 0, len(m))
	for k, n := range m {
		out = append(out, Name{
			Tenant: k.tenant, Name: k.name, Type: n.typ, TypeTS: n.typeTS,
			LabelKeys: slices.Sorted(maps.Keys(n.labelKeys)), Services: slices.Sorted(maps.Keys(n.services)),
		})
	}
	slices.SortFunc(out, func(a, b Name) int { return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.Name, b.Name)) })
	return out
}

func sortedServices(m map[tenantName]*Service) []Service {
	out := make([]Service, 0, len(m))
	for _, s := range m {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Service) int { return cmp.Or(cmp.Compare(a.Tenant, b.Tenant), cmp.Compare(a.Name, b.Name)) })
	return out
}
