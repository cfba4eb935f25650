package mongo_test

import (
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo"
	"github.com/lightwatch/lightwatch/internal/impl/store/mongo/ferrettest"
	"github.com/lightwatch/lightwatch/internal/impl/store/storetest"
)

func TestCountsConformance(t *testing.T) {
	uri := ferrettest.Start(t)
	storetest.RunCounts(t, func(t *testing.T) store.Store {
		return openStore(t, uri, "lwcounts", mongo.Options{})
	})
}
