package mongo_test

import (
	"context"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
	"github.com/lightwatch/lightwatch/internal/impl/store/storetest"
)

func TestExploreConformance(t *testing.T) {
	uri := ferrettest.Start(t)
	storetest.RunExplore(t, func(t *testing.T) store.Store {
		s, err := mongo.Open(context.Background(), uri, "lwexplore")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	})
}
