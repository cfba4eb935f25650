package mongo_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
	"github.com/lightwatch/lightwatch/internal/impl/store/storetest"
)

// TestConformance runs the suite against embedded FerretDB: one server for the
// test, one fresh database per subtest.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the conformance suite on FerretDB takes minutes")
	}
	uri := ferrettest.Start(t)
	n := 0
	storetest.Run(t, func(t *testing.T) store.Store {
		n++
		return openStore(t, uri, fmt.Sprintf("lw%d", n), mongo.Options{})
	})
}

// openStore opens database db on uri with opts, closed (and checked) when t ends.
func openStore(t *testing.T, uri, db string, opts mongo.Options) *mongo.Store {
	t.Helper()
	s, err := mongo.OpenWith(context.Background(), uri, db, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// Every instance of a scaled-out deployment opens the same database, and so
// does a restarted one: Open must accept the indexes that already exist.
func TestOpenDatabaseThatHasIndexes(t *testing.T) {
	uri := ferrettest.Start(t)
	for i := range 3 {
		s, err := mongo.Open(context.Background(), uri, "lightwatch")
		if err != nil {
			t.Fatalf("open %d: %v", i+1, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRetentionConformance runs the retention suite on FerretDB, where the
// store detects that TTL indexes are missing and sweeps.
func TestRetentionConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the retention suite on FerretDB is slow")
	}
	uri := ferrettest.Start(t)
	storetest.RunRetention(t, func(t *testing.T, r store.Retention) store.Store {
		return openStore(t, uri, "retention", mongo.Options{RepairEvery: -1, Retention: mongo.Retention{Retention: r}})
	})
}
