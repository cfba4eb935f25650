package sqlite_test

import (
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/storetest"
)

func TestExploreConformance(t *testing.T) {
	storetest.RunExplore(t, func(t *testing.T) store.Store { return open(t) })
}
