package storetest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// The query corpora are small, because FerretDB scans a whole collection for
// every query, but shaped to catch keyset mistakes: ids are scrambled against
// insertion and time order, and several events share each timestamp, so that
// pages end inside groups of equal times and only the id tiebreak keeps them
// from repeating or skipping items.

const (
	nLogs     = 100
	nSecurity = 60
)

// corpusTS puts events in groups of group with equal times, groups apart by
// a second and a few nanoseconds (which a millisecond store would merge).
func corpusTS(i, group int) time.Time {
	g := i / group
	return base.Add(time.Duration(g)*time.Second + time.Duration(g%3))
}

// scrambledID spreads ids over [0, n) in an order unrelated to i: 37 is
// coprime with both corpus sizes.
func scrambledID(prefix string, i, n int) string {
	return fmt.Sprintf("%s%03d", prefix, (i*37)%n)
}

// logMessages are chosen for the text filter: LIKE wildcards and regex
// metacharacters meant literally, ASCII and non-ASCII case.
var logMessages = []string{
	"GET /api/orders took 12ms",
	"Payment DECLINED for order",
	"upload 100% done",
	"upload 100 percent done, aXbYc",
	"file_name missing",
	"fileXname missing",
	"ÉCOLE ouverte",
	"\u212Aelvin scale", // KELVIN SIGN, which Unicode case folding maps to k
	`path C:\temp\new`,
	"a.b.c (x)+ [y]",
}

// logAttrs are chosen for the attribute filter: one key holding a number, a
// string of the same digits and another number; booleans and their string
// spellings; dotted and $-prefixed keys; and a pair whose key and value only
// match across two different attributes.
var logAttrs = []map[string]any{
	{"http.status": 402.0, "user.id": "u-1"},
	{"http.status": "402"},
	{"http.status": 200.0, "retry": true},
	{"http.status": 402.5, "retry": "true"},
	{"retry": false, "count": 1.0},
	{"a": "x", "b": "y", "$weird.key": "v"},
	nil,
}

var (
	logServices = []string{"checkout", "payments", "search"}
	logLevels   = []event.Level{event.LevelInfo, event.LevelWarn, event.LevelError, event.LevelDebug, event.LevelFatal}
)

func corpusLogEvent(tenant string, i int) event.Event {
	e := event.Event{
		ID: scrambledID("l", i, nLogs), Tenant: tenant, Kind: event.KindLog,
		TS: corpusTS(i, 4), ReceivedAt: base.Add(time.Hour),
		Service: logServices[i%len(logServices)], Host: "web-" + strconv.Itoa(i%4),
		Attributes: logAttrs[i%len(logAttrs)],
		Log: &event.Log{
			Level:   logLevels[(i/3)%len(logLevels)],
			Message: logMessages[i%len(logMessages)],
			TraceID: fmt.Sprintf("%032x", i),
		},
	}
	return e
}

var (
	securityCategories = []string{"authentication", "authorization", "network", "malware"}
	securityOutcomes   = []string{"success", "failure", "unknown"}
	securityMessages   = []string{"Brute FORCE detected", "50% of quota", "user_name leaked", "userXname leaked", "port scan"}
)

func corpusSecurityEvent(tenant string, i int) event.Event {
	return event.Event{
		ID: scrambledID("s", i, nSecurity), Tenant: tenant, Kind: event.KindSecurity,
		TS: corpusTS(i, 3), Service: []string{"auth", "gateway"}[i%2], Host: "edge-1",
		Security: &event.Security{
			Source:   "ids",
			Category: securityCategories[i%len(securityCategories)],
			Severity: event.Severities[(i/2)%len(event.Severities)],
			Action:   "login",
			Outcome:  securityOutcomes[i%len(securityOutcomes)],
			Actor:    []string{"alice", "bob", "carol"}[(i/5)%3],
			SrcIP:    fmt.Sprintf("203.0.113.%d", i%6),
			Message:  securityMessages[i%len(securityMessages)],
		},
	}
}

// corpus returns n events of tenant built by f, and the same ids and times
// under a second tenant that no query of the first may see.
func corpus(n int, f func(tenant string, i int) event.Event) (mine, other []event.Event) {
	for i := range n {
		mine = append(mine, f("acme", i))
		if i%3 == 0 {
			other = append(other, f("other", i))
		}
	}
	return mine, other
}

func eventKey(e event.Event) (time.Time, string) { return e.TS, e.ID }

// The oracles below say which events a query selects: those in its tenant
// and window that package filter's Matcher admits, so that the suite proves
// every adapter agrees with the one definition of a filter (whose own table,
// filtertest, states the expectations by hand).

func wantLogs(all []event.Event, q store.LogQuery) []event.Event {
	return want(all, q.Window, q.Filter, event.KindLog)
}

func wantSecurity(all []event.Event, q store.SecurityQuery) []event.Event {
	return want(all, q.Window, q.Filter, event.KindSecurity)
}

func want(all []event.Event, w store.Window, f filter.Filter, kind event.Kind) []event.Event {
	m := f.Compile()
	var out []event.Event
	for _, e := range all {
		if e.Kind == kind && e.Tenant == w.Tenant && inWindow(e.TS, w.From, w.To) && m.Match(&e) {
			out = append(out, e)
		}
	}
	return inOrder(out, w.Ascending, eventKey)
}
