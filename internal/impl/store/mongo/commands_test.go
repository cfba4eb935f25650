package mongo

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	mevent "go.mongodb.org/mongo-driver/v2/event"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
)

// commandLog records the commands a client sends.
type commandLog struct {
	mu   sync.Mutex
	cmds []bson.Raw
}

func (l *commandLog) monitor() *mevent.CommandMonitor {
	return &mevent.CommandMonitor{Started: func(_ context.Context, e *mevent.CommandStartedEvent) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.cmds = append(l.cmds, slices.Clone(e.Command))
	}}
}

// named returns the commands whose first key is name.
func (l *commandLog) named(name string) []bson.Raw {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []bson.Raw
	for _, c := range l.cmds {
		if first, err := c.IndexErr(0); err == nil && first.Key() == name {
			out = append(out, c)
		}
	}
	return out
}

var allCollections = append([]string{"keys", "pending_derivations", "alerts", "metric_rollups", "metric_names",
	"services", "alert_rules"}, collections[:]...)

// TestStartupCommandsOnMongoDB pins what Open sends to a real MongoDB, which
// is not available here: the store is told the server is MongoDB (FerretDB
// accepts the storage engine option and ignores it, and refuses TTL indexes
// with NotImplemented, so the store falls back to its sweeper) and the
// commands are captured with the driver's command monitor. Every collection
// is created with zstd block compression; each event collection gets a TTL
// index on ts with its kind's retention, the rollups on minute, alerts on
// resolved_at.
func TestStartupCommandsOnMongoDB(t *testing.T) {
	ctx := context.Background()
	var log commandLog
	r := Retention{Retention: store.Retention{Logs: 7 * 24 * time.Hour, Metrics: 24 * time.Hour, Security: 30 * 24 * time.Hour,
		Heartbeats: time.Hour, Rollups: 90 * 24 * time.Hour}, ResolvedAlerts: 7 * 24 * time.Hour}
	s, err := OpenWith(ctx, ferrettest.Start(t), "commands", Options{RepairEvery: -1, Retention: r,
		monitor: log.monitor(), assumeMongo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })

	created := map[string]bool{}
	for _, c := range log.named("create") {
		name := c.Lookup("create").StringValue()
		created[name] = true
		if got := c.Lookup("storageEngine", "wiredTiger", "configString"); got.StringValue() != "block_compressor=zstd" {
			t.Errorf("create %s: storageEngine.wiredTiger.configString = %v, want block_compressor=zstd", name, got)
		}
	}
	for _, name := range allCollections {
		if !created[name] {
			t.Errorf("collection %s not created explicitly (it would get the default compressor)", name)
		}
	}

	want := map[string]struct {
		field string
		secs  int64
	}{
		"logs": {"ts", int64(r.Logs / time.Second)}, "metrics": {"ts", int64(r.Metrics / time.Second)},
		"security_events": {"ts", int64(r.Security / time.Second)}, "heartbeats": {"ts", int64(r.Heartbeats / time.Second)},
		"metric_rollups": {"minute", int64(r.Rollups / time.Second)}, "alerts": {"resolved_at", int64(r.ResolvedAlerts / time.Second)},
	}
	got := map[string]bool{}
	for _, c := range log.named("createIndexes") {
		coll := c.Lookup("createIndexes").StringValue()
		idx, err := c.Lookup("indexes").Array().Values()
		if err != nil || len(idx) != 1 {
			t.Fatalf("createIndexes %s: %d indexes (%v), want one per command", coll, len(idx), err)
		}
		doc := idx[0].Document()
		ttl, err := doc.LookupErr("expireAfterSeconds")
		if err != nil {
			continue
		}
		w, ok := want[coll]
		secs, _ := ttl.AsInt64OK()
		keys, _ := doc.Lookup("key").Document().Elements()
		if !ok || len(keys) != 1 || keys[0].Key() != w.field || secs != w.secs {
			t.Errorf("TTL index on %s: key %v, expireAfterSeconds %d; want {%s: 1}, %d", coll, doc.Lookup("key"), secs, w.field, w.secs)
		}
		got[coll] = true
	}
	for coll := range want {
		if !got[coll] {
			t.Errorf("no TTL index requested on %s", coll)
		}
	}
	if s.server.ferret {
		t.Error("the per-process summary lock is on for MongoDB")
	}
}

// TestStartupCommandsOnFerretDB: detected from buildInfo, FerretDB gets no
// storage engine option, no TTL index request (retention is swept) and the
// summary lock.
func TestStartupCommandsOnFerretDB(t *testing.T) {
	ctx := context.Background()
	var log commandLog
	s, err := OpenWith(ctx, ferrettest.Start(t), "commands", Options{RepairEvery: -1,
		Retention: Retention{Retention: store.Retention{Logs: time.Hour}}, monitor: log.monitor()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if len(log.named("create")) != len(allCollections) {
		t.Errorf("%d create commands, want %d", len(log.named("create")), len(allCollections))
	}
	for _, c := range log.named("create") {
		if _, err := c.LookupErr("storageEngine"); err == nil {
			t.Errorf("create sent a storage engine option to FerretDB: %v", c)
		}
	}
	for _, c := range log.named("createIndexes") {
		if _, err := c.LookupErr("indexes", "0", "expireAfterSeconds"); err == nil {
			t.Errorf("TTL index requested from FerretDB: %v", c)
		}
	}
	if !s.server.ferret {
		t.Error("the per-process summary lock is off on FerretDB")
	}
}

// TestRollupUpsertCarriesShardKey: on MongoDB every rollup upsert filters on
// the whole recommended shard key {tenant, name, _id}, so mongos can route
// it; the document it creates still has tenant and name, and a second call
// adds to it. Run through FerretDB, which accepts the MongoDB shape.
func TestRollupUpsertCarriesShardKey(t *testing.T) {
	ctx := context.Background()
	var log commandLog
	s, err := OpenWith(ctx, ferrettest.Start(t), "shardkey", Options{RepairEvery: -1, monitor: log.monitor(), assumeMongo: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ts := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, id := range []string{"a", "b"} {
		e := failingBatch(ts)[0]
		e.ID = id
		if _, err := s.InsertEvents(ctx, []event.Event{e}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	for _, c := range log.named("update") {
		if c.Lookup("update").StringValue() != rollupsCollection {
			continue
		}
		updates, _ := c.Lookup("updates").Array().Values()
		for _, u := range updates {
			q := u.Document().Lookup("q").Document()
			if _, err := q.LookupErr("ops"); err != nil {
				continue // the marker pull
			}
			n++
			if q.Lookup("tenant").StringValue() != "acme" || q.Lookup("name").StringValue() != "lat" || q.Lookup("_id").Type != bson.TypeString {
				t.Errorf("rollup upsert filter %v lacks the shard key {tenant, name, _id}", q)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d rollup upserts, want 2", n)
	}
	var doc struct {
		Tenant string `bson:"tenant"`
		Name   string `bson:"name"`
		Count  int64  `bson:"count"`
	}
	if err := s.summary.rollups.FindOne(ctx, bson.D{}).Decode(&doc); err != nil || doc.Tenant != "acme" || doc.Name != "lat" || doc.Count != 2 {
		t.Errorf("rollup = %+v, %v; want acme/lat counted twice", doc, err)
	}
}
